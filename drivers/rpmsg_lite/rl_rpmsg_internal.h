/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_rpmsg_internal.h - the backend ops tables of the kernel's rpmsg bus,
 * as the rpmsg bus bridge (rl_rpmsg_bus.c) needs them.
 *
 * The kernel keeps struct rpmsg_device_ops and struct rpmsg_endpoint_ops in
 * drivers/rpmsg/rpmsg_internal.h, which is not installed with the headers.
 * A backend outside drivers/rpmsg/ must therefore declare them itself, and
 * the declaration must match the running kernel member for member: the
 * rpmsg core calls through these tables by offset.
 *
 * Only the kernels for which rl_compat.h defines RL_RPMSG_LAYOUT_KNOWN
 * (6.1 and 6.12) are supported; each layout is checked against the
 * kernel's own rpmsg_internal.h at build time by scripts/check-rpmsg-abi
 * (sizeof, offsetof and type of every member).  For any other kernel the
 * tables are not declared and the bridge is not built.
 */
#ifndef _RL_RPMSG_INTERNAL_H
#define _RL_RPMSG_INTERNAL_H

#include <linux/poll.h>
#include <linux/rpmsg.h>
#include <linux/types.h>

#include "rl_compat.h"

struct file;

#ifdef RL_RPMSG_LAYOUT_KNOWN

/**
 * struct rpmsg_device_ops - what the rpmsg core asks of a backend for a
 *			     channel device (layout of 6.1 and 6.12)
 * @create_channel: create a channel device on the same link (optional;
 *		    used by RPMSG_CREATE_DEV_IOCTL)
 * @release_channel: remove such a channel (optional; used by
 *		     RPMSG_RELEASE_DEV_IOCTL)
 * @create_ept: create an endpoint on the link of the device (required)
 * @announce_create: tell the peer's name service about the channel
 * @announce_destroy: tell the peer's name service it is gone
 */
struct rpmsg_device_ops {
	struct rpmsg_device *(*create_channel)(struct rpmsg_device *rpdev,
					       struct rpmsg_channel_info *chinfo);
	int (*release_channel)(struct rpmsg_device *rpdev,
			       struct rpmsg_channel_info *chinfo);
	struct rpmsg_endpoint *(*create_ept)(struct rpmsg_device *rpdev,
					     rpmsg_rx_cb_t cb, void *priv,
					     struct rpmsg_channel_info chinfo);
	int (*announce_create)(struct rpmsg_device *rpdev);
	int (*announce_destroy)(struct rpmsg_device *rpdev);
};

/**
 * struct rpmsg_endpoint_ops - what the rpmsg core asks of a backend for an
 *			       endpoint (layout of 6.1; 6.12 adds
 *			       @set_flow_control)
 * @destroy_ept: destroy the endpoint (required)
 * @send: send to the channel's destination, waiting for a buffer
 * @sendto: send to a given destination, waiting for a buffer
 * @send_offchannel: send with given source and destination, waiting
 * @trysend: @send without waiting
 * @trysendto: @sendto without waiting
 * @trysend_offchannel: @send_offchannel without waiting
 * @poll: poll for a free transmit buffer
 * @set_flow_control: 6.12 only: tell the peer to pause or resume (optional)
 * @get_mtu: largest payload of one message
 */
struct rpmsg_endpoint_ops {
	void (*destroy_ept)(struct rpmsg_endpoint *ept);

	int (*send)(struct rpmsg_endpoint *ept, void *data, int len);
	int (*sendto)(struct rpmsg_endpoint *ept, void *data, int len,
		      u32 dst);
	int (*send_offchannel)(struct rpmsg_endpoint *ept, u32 src, u32 dst,
			       void *data, int len);

	int (*trysend)(struct rpmsg_endpoint *ept, void *data, int len);
	int (*trysendto)(struct rpmsg_endpoint *ept, void *data, int len,
			 u32 dst);
	int (*trysend_offchannel)(struct rpmsg_endpoint *ept, u32 src,
				  u32 dst, void *data, int len);
	__poll_t (*poll)(struct rpmsg_endpoint *ept, struct file *filp,
			 poll_table *wait);
#if RL_RPMSG_LAYOUT_KNOWN >= 612
	int (*set_flow_control)(struct rpmsg_endpoint *ept, bool pause,
				u32 dst);
#endif
	ssize_t (*get_mtu)(struct rpmsg_endpoint *ept);
};

#endif /* RL_RPMSG_LAYOUT_KNOWN */

#endif /* _RL_RPMSG_INTERNAL_H */
