/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mailbox-framework transport of rpmsg-lite links.
 *
 * Each link is a client of one or more mailbox channels.  A kick carries
 * the virtqueue id ((link_id << 1) | queue) in one of the encodings below;
 * incoming kicks are decoded and handed to rpmsg_lite_isr(), in whatever
 * context the controller delivers them (often hard IRQ).
 *
 * Channels come either from the firmware description of @dev ("mboxes" and
 * "mbox-names" in the device tree) or directly as struct mbox_chan pointers
 * from a controller the caller owns (the loopback controller, ivshmem).
 * See Documentation/rpmsg-lite/transport.rst.
 */
#ifndef _RL_MBOX_H
#define _RL_MBOX_H

#include <linux/types.h>

struct device;
struct mbox_chan;
struct rl_mbox;
struct rpmsg_lite_transport_ops;

/**
 * enum rl_kick_encoding - how a kick names its virtqueue
 * @RL_KICK_IMX: i.MX messaging-unit style.  The message is a pointer to a
 *	32-bit word holding vq_id << 16, sent on the "tx" channel; the peer's
 *	kicks arrive the same way on the "rx" channel (the controller hands
 *	a pointer to the received word).  rpmsg-lite's default on i.MX.
 * @RL_KICK_RAW: TI style.  The vq id itself is the message: it travels as
 *	the value of the message pointer, (void *)(uintptr_t)vq_id, in both
 *	directions (as omap-mailbox does with its 32-bit messages).
 * @RL_KICK_PER_VRING: one doorbell channel per vring (STM32 IPCC style).
 *	The channel names the queue, the message content is ignored on
 *	receive (a pointer to a word holding the vq id is sent, for
 *	controllers that want a non-NULL message).  Queue q of the link uses
 *	tx[q] to kick and rx[q] (or tx[q] when rx[q] is not given) to be
 *	kicked; the conventional names are "vq0" and "vq1".
 */
enum rl_kick_encoding {
	RL_KICK_IMX,
	RL_KICK_RAW,
	RL_KICK_PER_VRING,
};

/** RL_MBOX_IMX_SHIFT - bit position of the vq id in an i.MX kick word */
#define RL_MBOX_IMX_SHIFT	16

/** RL_MBOX_QUEUES - queues (vrings) per link */
#define RL_MBOX_QUEUES		2

/**
 * struct rl_mbox_chan_desc - where one channel comes from
 * @chan: a channel of a controller the caller owns, bound directly; or
 *	  NULL to look @name up
 * @name: entry of the "mbox-names" property of the device (needs a
 *	  firmware node); ignored when @chan is set
 *
 * A descriptor with neither set is "not used".
 */
struct rl_mbox_chan_desc {
	struct mbox_chan *chan;
	const char *name;
};

/**
 * struct rl_mbox_desc - what rl_mbox_create() needs
 * @encoding: kick encoding, see &enum rl_kick_encoding
 * @tx: channels the link kicks on.  RL_KICK_IMX and RL_KICK_RAW use tx[0]
 *	only ("tx"); RL_KICK_PER_VRING uses tx[q] for queue q ("vq0", "vq1").
 *	Required.
 * @rx: channels the peer's kicks arrive on, indexed like @tx ("rx" for
 *	i.MX).  When rx[q] is not given, tx[q] is bidirectional and also
 *	delivers the peer's kicks.
 * @knows_txdone: set for controllers that poll for tx completion but
 *	whose "done" the client can assert itself (pure doorbells): the
 *	transport then calls mbox_client_txdone() right after each send.
 *	Leave clear for controllers with a tx-done interrupt.
 */
struct rl_mbox_desc {
	enum rl_kick_encoding encoding;
	struct rl_mbox_chan_desc tx[RL_MBOX_QUEUES];
	struct rl_mbox_chan_desc rx[RL_MBOX_QUEUES];
	bool knows_txdone;
};

/**
 * struct rl_mbox_stats - counters of one transport instance (monotonic)
 * @kicks_sent: kicks handed to the mailbox framework
 * @kicks_coalesced: kicks not queued because a kick for the same vq was
 *		     still waiting in the framework's queue (the peer will
 *		     see the later ring update with that one)
 * @queue_full: mbox_send_message() found the channel queue full; counted
 *		as success (a kick is pending)
 * @send_errors: kicks that failed, at once or when the controller
 *		 reported the transmission done with an error
 * @kicks_received: kicks decoded and dispatched to rpmsg_lite_isr()
 * @rx_bad: received kicks that could not be decoded or name another link
 * @rx_early: kicks received before the link was started; the latest one
 *	      per queue is replayed when it starts
 */
struct rl_mbox_stats {
	u64 kicks_sent;
	u64 kicks_coalesced;
	u64 queue_full;
	u64 send_errors;
	u64 kicks_received;
	u64 rx_bad;
	u64 rx_early;
};

extern const struct rpmsg_lite_transport_ops rl_mbox_ops;

struct rl_mbox *rl_mbox_create(struct device *dev,
			       const struct rl_mbox_desc *desc);
void rl_mbox_destroy(struct rl_mbox *mb);
void rl_mbox_get_stats(struct rl_mbox *mb, struct rl_mbox_stats *stats);
const char *rl_kick_encoding_name(enum rl_kick_encoding encoding);

#endif /* _RL_MBOX_H */
