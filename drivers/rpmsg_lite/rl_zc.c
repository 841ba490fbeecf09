// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite links: zero copy.  Transmit buffers a caller fills in place
 * (rpmsg_lite_alloc_tx_buffer(), rpmsg_lite_send_nocopy*(),
 * rpmsg_lite_release_tx_buffer()), the end of an RL_SEND_MORE batch
 * (rpmsg_lite_kick_peer()), and received buffers a callback kept with
 * RL_HOLD (rpmsg_lite_release_rx_buffer()).
 *
 * Owns no field of struct rpmsg_lite_instance: buffers change hands
 * through rl_buf.c, rl_tx.c, rl_tx_sched.c and rl_rx.c.  Takes tx.lock or
 * rx.lock, never both.
 *
 * Called by API users, the receive queues (rl_queue.c) and the character
 * device (rl_char_tx.c: rl_ept_alloc_tx_buffer(), rl_link_enter()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/export.h>
#include <linux/kernel.h>

#include "rl_compat.h"
#include "rl_core.h"
#include "rl_core_internal.h"
#include "rl_internal.h"

/* Head of a payload pointer in the transmit ring, or -1.  tx.lock held. */
static int rl_tx_head_locked(struct rpmsg_lite_instance *rl, void *data)
{
	return rl_head_of(rl, RL_TX, rl->tx.bufs, rl_payload_to_buf(data));
}

/**
 * rpmsg_lite_alloc_tx_buffer() - take a transmit buffer to fill in place
 * @rl: link
 * @size: set to the bytes available (the link's payload size)
 * @timeout_ms: RL_DONT_BLOCK, milliseconds, or RL_BLOCK, as for
 *              rpmsg_lite_send()
 *
 * The buffer belongs to the caller until rpmsg_lite_send_nocopy() or
 * rpmsg_lite_release_tx_buffer().  A link reset voids it.
 *
 * Context: any context with RL_DONT_BLOCK; may sleep otherwise.
 * Return: the payload area in shared memory, or an ERR_PTR with the
 * errors of rpmsg_lite_send() (-EINVAL, -ENOTCONN, -EPIPE, -ENODEV,
 * -ENOMEM, -ETIMEDOUT, -ERESTARTSYS).  Never NULL.
 */
void *rpmsg_lite_alloc_tx_buffer(struct rpmsg_lite_instance *rl, u32 *size,
				 unsigned long timeout_ms)
{
	u16 head;
	int ret;

	if (!rl || !size)
		return ERR_PTR(-EINVAL);
	if (!rl_enter(rl))
		return ERR_PTR(-ENODEV);
	ret = rl_tx_acquire(rl, NULL, timeout_ms, &head);
	rl_leave(rl);
	if (ret)
		return ERR_PTR(ret);
	*size = rl->cfg.payload_size;
	return rl_tx_buf(rl, head) + RL_MSG_HDR_SIZE;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_alloc_tx_buffer, RPMSG_LITE);

/**
 * rl_ept_alloc_tx_buffer() - rpmsg_lite_alloc_tx_buffer() for a sender of
 *			      one endpoint
 * @rl: link
 * @ept: the endpoint the buffer will be sent from
 * @size: set to the bytes available
 * @timeout_ms: as for rpmsg_lite_send()
 *
 * As rpmsg_lite_alloc_tx_buffer(), but the wait is that of a send of
 * @ept: it uses the endpoint's burst credit, and ends with -EPIPE when
 * @ept is destroyed meanwhile.
 *
 * Return: as rpmsg_lite_alloc_tx_buffer(), plus -EPIPE.
 */
void *rl_ept_alloc_tx_buffer(struct rpmsg_lite_instance *rl,
			     struct rpmsg_lite_endpoint *ept, u32 *size,
			     unsigned long timeout_ms)
{
	u16 head;
	int ret;

	if (READ_ONCE(ept->dead))
		return ERR_PTR(-EPIPE);
	if (!rl_enter(rl))
		return ERR_PTR(-ENODEV);
	ret = rl_tx_acquire(rl, ept, timeout_ms, &head);
	rl_leave(rl);
	if (ret)
		return ERR_PTR(ret);
	*size = rl->cfg.payload_size;
	return rl_tx_buf(rl, head) + RL_MSG_HDR_SIZE;
}

/**
 * rl_link_enter() - keep a link running across several calls
 * @rl: link
 *
 * For a front end that fills a zero-copy buffer between two calls:
 * rpmsg_lite_deinit() waits until it called rl_link_leave(), so the
 * shared memory stays mapped meanwhile.  Do not sleep for long inside.
 *
 * Return: true, and rl_link_leave() must follow; false once deinit has
 * started.
 */
bool rl_link_enter(struct rpmsg_lite_instance *rl)
{
	return rl_enter(rl);
}

/**
 * rl_link_leave() - end rl_link_enter()
 * @rl: link
 */
void rl_link_leave(struct rpmsg_lite_instance *rl)
{
	rl_leave(rl);
}

/**
 * rpmsg_lite_send_nocopy_flags() - send a buffer from
 *                                  rpmsg_lite_alloc_tx_buffer()
 * @rl: link
 * @ept: local endpoint; its address is the source
 * @dst: destination address (not RL_ADDR_ANY)
 * @data: the pointer rpmsg_lite_alloc_tx_buffer() returned
 * @size: bytes of payload written at @data
 * @send_flags: 0 or RL_SEND_MORE
 *
 * On success the buffer belongs to the link again.  On any error it is
 * still the caller's, whatever the reason: send it again or give it back
 * with rpmsg_lite_release_tx_buffer() (a buffer a link reset voided is
 * given up only by that release, never by a failed send).  The header
 * carries the buffer index at byte offset 10, as rpmsg-lite writes it.
 *
 * With RL_SEND_MORE the message is published but the peer is not
 * notified: more messages follow, and the last one of the batch (sent
 * without the flag), or rpmsg_lite_kick_peer(), notifies the peer once for
 * all of them.  The caller must end every batch that way.  A sender of the
 * link that finds no free buffer notifies the peer of an open batch
 * first, since the peer gives buffers back only for messages it knows
 * of; a batch left open otherwise is noticed by the lost-kick watch one
 * link_up_kick_ms later.
 *
 * Context: any.
 * Return: 0; -EINVAL bad argument or unknown flag; -ENOBUFS @data is not
 * a buffer we handed out, or it was already sent or released; -EMSGSIZE
 * @size too large; -EPIPE the buffer was allocated before a link reset
 * (it is void: release it), or the link is resetting; -ENOTCONN, -ENODEV
 * link not usable.
 */
int rpmsg_lite_send_nocopy_flags(struct rpmsg_lite_instance *rl,
				 struct rpmsg_lite_endpoint *ept, u32 dst,
				 void *data, u32 size,
				 unsigned int send_flags)
{
	unsigned long flags;
	int head, ret;

	ret = rl_check_send_args(rl, ept, dst);
	if (ret)
		return ret;
	if (!data || (send_flags & ~RL_SEND_MORE))
		return -EINVAL;
	if (!rl_enter(rl))
		return -ENODEV;

	spin_lock_irqsave(&rl->tx.lock, flags);
	head = rl_tx_head_locked(rl, data);
	if (head >= 0 && rl_buf(rl, RL_TX, head)->voids)
		ret = -EPIPE;	/* allocated before a reset: void */
	else if (head < 0 || rl_buf(rl, RL_TX, head)->state != RL_BUF_USER)
		ret = -ENOBUFS;
	else if (size > rl->cfg.payload_size)
		ret = -EMSGSIZE;
	else
		ret = rl_link_errno(rl);
	spin_unlock_irqrestore(&rl->tx.lock, flags);
	if (!ret) {
		rl_write_hdr(rl_payload_to_buf(data), ept->addr, dst, size,
			     head);
		ret = rl_tx_publish(rl, head, send_flags & RL_SEND_MORE,
				    false);
	}
	rl_leave(rl);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_send_nocopy_flags, RPMSG_LITE);

/**
 * rpmsg_lite_send_nocopy() - send a buffer from rpmsg_lite_alloc_tx_buffer()
 * @rl: link
 * @ept: local endpoint; its address is the source
 * @dst: destination address (not RL_ADDR_ANY)
 * @data: the pointer rpmsg_lite_alloc_tx_buffer() returned
 * @size: bytes of payload written at @data
 *
 * rpmsg_lite_send_nocopy_flags() without flags: publish and notify.
 *
 * Context: any.
 * Return: as rpmsg_lite_send_nocopy_flags().
 */
int rpmsg_lite_send_nocopy(struct rpmsg_lite_instance *rl,
			   struct rpmsg_lite_endpoint *ept, u32 dst,
			   void *data, u32 size)
{
	return rpmsg_lite_send_nocopy_flags(rl, ept, dst, data, size, 0);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_send_nocopy, RPMSG_LITE);

/**
 * rpmsg_lite_kick_peer() - end a batch sent with RL_SEND_MORE
 * @rl: link
 *
 * Notifies the peer of the messages published so far, unless it asked not
 * to be notified (as the last send of a batch would).  Harmless when
 * nothing is pending: at worst the peer finds an empty ring.
 *
 * Context: any.
 * Return: 0; -EINVAL no link; the link-state errno (-ENOTCONN, -EPIPE,
 * -ENODEV) when the link is not up: then there is nothing to tell.
 */
int rpmsg_lite_kick_peer(struct rpmsg_lite_instance *rl)
{
	int ret;

	if (!rl)
		return -EINVAL;
	if (!rl_enter(rl))
		return -ENODEV;
	ret = rl_tx_end_batch(rl, false);
	rl_leave(rl);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_kick_peer, RPMSG_LITE);

/**
 * rpmsg_lite_release_tx_buffer() - give back an unsent zero-copy buffer
 * @rl: link
 * @data: the pointer rpmsg_lite_alloc_tx_buffer() returned
 *
 * Also the way to give up a buffer a link reset voided (its send failed
 * with -EPIPE): the head is used again once the rebuilt ring gives it
 * back.
 *
 * Context: any.
 * Return: 0; -EINVAL bad argument; -ENOBUFS @data is not a buffer we
 * handed out, or it was already sent or released; -ENODEV the link is
 * being removed.
 */
int rpmsg_lite_release_tx_buffer(struct rpmsg_lite_instance *rl, void *data)
{
	unsigned long flags;
	int head, ret = 0;

	if (!rl || !data)
		return -EINVAL;
	if (!rl_enter(rl))
		return -ENODEV;

	spin_lock_irqsave(&rl->tx.lock, flags);
	head = rl_tx_head_locked(rl, data);
	if (head < 0 || (!rl_buf(rl, RL_TX, head)->voids &&
			 rl_buf(rl, RL_TX, head)->state != RL_BUF_USER))
		ret = -ENOBUFS;
	else
		rl_tx_unsent_locked(rl, head);
	spin_unlock_irqrestore(&rl->tx.lock, flags);

	if (!ret) {
		rl_tx_grant(rl);
		wake_up_all(&rl->tx.wait);
	}
	rl_leave(rl);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_release_tx_buffer, RPMSG_LITE);

/**
 * rpmsg_lite_release_rx_buffer() - give back a received buffer
 * @rl: link
 * @data: payload pointer a receive callback got and kept with RL_HOLD
 *
 * The buffer goes back to the peer (kicked if the link is configured with
 * notify_consumed).  A link reset voids held buffers.
 *
 * Context: any.
 * Return: 0; -EINVAL bad argument; -ENOBUFS @data is not a receive
 * buffer of this link; -EALREADY the buffer is not held (released twice);
 * -ENODEV the link is being removed (nothing to give back to).
 */
int rpmsg_lite_release_rx_buffer(struct rpmsg_lite_instance *rl, void *data)
{
	unsigned long flags;
	bool kick = false;
	int head, ret = 0;

	if (!rl || !data)
		return -EINVAL;
	if (!rl_enter(rl))
		return -ENODEV;

	spin_lock_irqsave(&rl->rx.lock, flags);
	head = rl_head_of(rl, RL_RX, rl->rx.bufs, rl_payload_to_buf(data));
	if (head < 0) {
		ret = -ENOBUFS;
	} else {
		ret = rl_rx_release_locked(rl, head);
		kick = !ret && rl_rx_kick_needed_locked(rl);
	}
	spin_unlock_irqrestore(&rl->rx.lock, flags);

	if (ret == -EIO) {
		/* the buffer is the caller's no more; the link is down */
		rl_link_broken(rl, rl->rx.vq);
		ret = 0;
	} else if (kick) {
		rl_kick(rl, rl->rx.vq_id);
	}
	rl_leave(rl);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_release_rx_buffer, RPMSG_LITE);
