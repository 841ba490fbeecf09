// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite links: transmit.  Taking free buffers from the transmit vq
 * (spare ones first), filling and publishing them, kicking the peer, the
 * copying sends of the API, the lost-kick watch, and the poll helper with
 * its re-check work.  Which blocked sender gets a buffer when is decided
 * in rl_tx_sched.c.
 *
 * Senders take a spinlock only; RL_DONT_BLOCK sends and zero-copy calls
 * without a timeout work in atomic context.
 *
 * Owns: tx.vq (the transmit vq), tx.more, stats.tx_msgs, tx.watch_idx,
 * tx.watch_tries, tx.wait, tx.watch_work and tx.poll_work of struct
 * rpmsg_lite_instance (the states of its buffers through rl_buf.c).
 * Takes tx.lock; the watch work also rx.lock, alone, to look at the
 * receive vq.
 *
 * Called by API users (rpmsg_lite_send*(), rpmsg_lite_poll(),
 * rpmsg_lite_get_free_tx_buffers()), the name service (rl_send_from()),
 * zero copy (rl_zc.c) and the scheduler (rl_tx_sched.c); the works run on
 * the link's ordered workqueue.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/poll.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "rl_compat.h"
#include "rl_core.h"
#include "rl_core_internal.h"
#include "rl_internal.h"

/* Messages of at most this many bytes are copied under the tx lock. */
#define RL_TX_INLINE_MAX		64

/**
 * rl_tx_buf() - the buffer of a transmit head
 * @rl: link
 * @head: head of the transmit vq, held by the caller (RL_BUF_USER)
 *
 * Return: the start of the buffer (its header).
 */
void *rl_tx_buf(struct rpmsg_lite_instance *rl, u16 head)
{
	/*
	 * The master laid its buffers out itself: the vq computes them.  A
	 * remote's are where the master's descriptor said when the head was
	 * taken, which the vq forgets at a reset while a holder may still
	 * fill the buffer: the core's record keeps it (rl_buf_map()).
	 */
	if (rl->role == RPMSG_LITE_MASTER)
		return rl_vq_buf(rl->tx.vq, head);
	return rl_buf(rl, RL_TX, head)->va;
}

/*
 * A transmit head came out of the ring: it goes to the sender
 * (RL_BUF_USER), or aside while its holder from before a reset still has
 * it (RL_BUF_PARKED).  Return: true when the sender may have it.  tx.lock
 * held.
 */
static bool rl_tx_taken_locked(struct rpmsg_lite_instance *rl, u16 head)
{
	if (rl_buf(rl, RL_TX, head)->voids) {
		rl_buf_move(rl, RL_TX, head, RL_BUF_RING, RL_BUF_PARKED);
		return false;
	}
	return rl_buf_move(rl, RL_TX, head, RL_BUF_RING, RL_BUF_USER);
}

/*
 * Take a free transmit buffer for a sender (it becomes RL_BUF_USER):
 * spare ones first, then the ring.  -ENOENT when none.  tx.lock held.
 */
static int rl_tx_take_locked(struct rpmsg_lite_instance *rl, u16 *head)
{
	u32 count = rl->cfg.buffer_count;
	void *buf;
	u32 tries;
	u32 len;
	int ret;
	u32 h;

	for (h = 0; rl->tx.nspare && h < count; h++) {
		if (rl->tx.bufs_state[h].state == RL_BUF_SPARE) {
			rl_buf_move(rl, RL_TX, h, RL_BUF_SPARE, RL_BUF_USER);
			*head = h;
			return 0;
		}
	}

	/* bounded: each pass consumes one ring entry */
	for (tries = 0; tries < count; tries++) {
		ret = rl_vq_take(rl->tx.vq, head, &buf, &len);
		if (!ret && !rl_buf_map(rl, RL_TX, *head, buf))
			ret = -EBADMSG;
		if (ret == -EBADMSG) {
			rl_stat_inc(rl, ring_errors);
			/*
			 * Who owns the buffers: the master's transmit buffer
			 * is its own, a bad used length on it is harmless.  A
			 * remote hands the master's unusable descriptor back
			 * empty and tries the next.
			 */
			if (rl->role == RPMSG_LITE_MASTER) {
				ret = 0;
			} else {
				if (rl_vq_give(rl->tx.vq, *head, 0) == -EIO)
					return -EIO;
				continue;
			}
		}
		if (ret)
			return ret;
		if (rl_tx_taken_locked(rl, *head))
			return 0;
	}
	return -ENOENT;
}

/**
 * rl_tx_take_kick_locked() - take a free transmit buffer
 * @rl: link
 * @head: set to the buffer's head (RL_BUF_USER)
 *
 * Spare buffers first, then the ring; in event-index mode, when none is
 * left, ask for a kick and look again (engine contract: a buffer given
 * back between the look and the request is not missed).
 *
 * Context: tx.lock held.
 * Return: 0; -ENOENT when none; -EIO the ring is corrupted.
 */
int rl_tx_take_kick_locked(struct rpmsg_lite_instance *rl, u16 *head)
{
	int ret = rl_tx_take_locked(rl, head);

	if (ret == -ENOENT && rl->cfg.event_idx) {
		rl_vq_suppress_kicks(rl->tx.vq, false);
		ret = rl_tx_take_locked(rl, head);
	}
	return ret;
}

/**
 * rl_tx_free_locked() - free transmit buffers right now
 * @rl: link
 *
 * Ring entries given back and not taken yet (the peer's index, read once
 * and clamped), plus spare heads.
 *
 * Context: tx.lock held.
 * Return: the number of buffers, at most the buffer count.
 */
u32 rl_tx_free_locked(struct rpmsg_lite_instance *rl)
{
	u32 count = rl->cfg.buffer_count;
	struct rl_vq *vq = rl->tx.vq;
	u16 pend;
	u32 n;

	if (vq->broken)
		return 0;
	pend = rl_vq_pending(vq);
	n = min_t(u32, pend, count) + rl->tx.nspare;
	return min_t(u32, n, count);
}

/**
 * rl_tx_end_batch() - end an RL_SEND_MORE batch
 * @rl: link
 * @open_only: only when such a batch is open
 *
 * Kicks the peer if it wants to hear about what was published.
 *
 * Context: any.
 * Return: the link-state errno (then nobody is told).
 */
int rl_tx_end_batch(struct rpmsg_lite_instance *rl, bool open_only)
{
	unsigned long flags;
	bool kick = false;
	int ret;

	spin_lock_irqsave(&rl->tx.lock, flags);
	ret = rl_link_errno(rl);
	if (!ret && (rl->tx.more || !open_only))
		kick = rl_vq_need_kick(rl->tx.vq);
	rl->tx.more = false;
	spin_unlock_irqrestore(&rl->tx.lock, flags);
	if (kick)
		rl_kick(rl, rl->tx.vq_id);
	return ret;
}

/**
 * rl_write_hdr() - write the message header of a transmit buffer
 * @buf: start of the buffer
 * @src: source address
 * @dst: destination address
 * @len: payload bytes
 * @index: buffer index rpmsg-lite keeps in the header (0 for a copy)
 */
void rl_write_hdr(void *buf, u32 src, u32 dst, u32 len, u32 index)
{
	struct rl_msg_hdr hdr = {
		.src = cpu_to_le32(src),
		.dst = cpu_to_le32(dst),
		/* rpmsg-lite keeps a u16 buffer index at byte offset 10 */
		.reserved = cpu_to_le32(index << 16),
		.len = cpu_to_le16(len),
		.flags = 0,
	};

	memcpy(buf, &hdr, sizeof(hdr));
}

/*
 * Publish filled transmit buffer @head (RL_BUF_USER), and say in *@kick
 * whether the peer wants to be kicked; tx.lock held.  On any error the
 * buffer stays where it was, with its holder: -EPIPE a reset voided it
 * meanwhile (only its release gives it up); -ENOBUFS it is not handed out
 * (sent or released already); the link-state errno when the link is not
 * up; -EIO the ring is corrupted.
 */
static int rl_tx_publish_locked(struct rpmsg_lite_instance *rl, u16 head,
				bool more, bool *kick)
{
	struct rl_buf *b = rl_buf(rl, RL_TX, head);
	int ret;

	*kick = false;
	if (b->voids)
		return -EPIPE;
	if (b->state != RL_BUF_USER)
		return -ENOBUFS;
	ret = rl_link_errno(rl);
	if (ret)
		return ret;
	ret = rl_vq_give(rl->tx.vq, head, rl->buf_size);
	if (ret)
		return ret;
	rl_buf_move(rl, RL_TX, head, RL_BUF_USER, RL_BUF_RING);
	/* with @more the batch's last message decides */
	*kick = !more && rl_vq_need_kick(rl->tx.vq);
	rl->tx.more = more;
	rl->stats.tx_msgs++;
	return 0;
}

/**
 * rl_tx_unsent_locked() - a sender lets go of a transmit buffer unsent
 * @rl: link
 * @head: the buffer's head
 *
 * The buffer becomes spare; one voided by a reset only loses a void
 * holder.
 *
 * Context: tx.lock held.
 */
void rl_tx_unsent_locked(struct rpmsg_lite_instance *rl, u16 head)
{
	struct rl_buf *b = rl_buf(rl, RL_TX, head);

	if (b->voids)
		rl_buf_unvoid(rl, RL_TX, head);
	else
		rl_buf_move(rl, RL_TX, head, RL_BUF_USER, RL_BUF_SPARE);
}

/*
 * After a publish (or a failed look for a buffer) under tx.lock: a ring
 * found corrupted breaks the link; a published message kicks the peer if
 * it asked for it and arms the lost-kick watch.  A failed kick is counted
 * and logged but the send still succeeds: the message is in shared memory
 * and published, a retry would duplicate it, and the peer sees it at its
 * next kick or poll (rpmsg-lite ignores notify errors too).  Any context.
 */
static int rl_tx_published(struct rpmsg_lite_instance *rl, int ret,
			   bool kick)
{
	if (ret == -EIO) {
		rl_link_broken(rl, rl->tx.vq);
		return -EPIPE;
	}
	if (ret)
		return ret;
	if (kick)
		rl_kick(rl, rl->tx.vq_id);
	/* a plain read first: while streaming the watch is mostly queued */
	if (!delayed_work_pending(&rl->tx.watch_work))
		queue_delayed_work(rl->wq, &rl->tx.watch_work,
				   msecs_to_jiffies(rl->cfg.link_up_kick_ms));
	return 0;
}

/**
 * rl_tx_publish() - publish a filled transmit buffer and tell the peer
 * @rl: link
 * @head: the buffer's head (RL_BUF_USER)
 * @more: RL_SEND_MORE: publish without a kick
 * @give_up: a buffer the core took for a copying send goes back to the
 *	     spare ones when it cannot be sent
 *
 * Context: any.
 * Return: 0, or the errors of rl_tx_publish_locked() (-EIO as -EPIPE).
 */
int rl_tx_publish(struct rpmsg_lite_instance *rl, u16 head,
		  bool more, bool give_up)
{
	unsigned long flags;
	bool kick;
	int ret;

	spin_lock_irqsave(&rl->tx.lock, flags);
	ret = rl_tx_publish_locked(rl, head, more, &kick);
	if (ret && give_up)
		rl_tx_unsent_locked(rl, head);
	spin_unlock_irqrestore(&rl->tx.lock, flags);
	return rl_tx_published(rl, ret, kick);
}

/**
 * rl_check_send_args() - the arguments every send checks first
 * @rl: link
 * @ept: endpoint that sends
 * @dst: destination address
 *
 * Return: 0; -EINVAL bad argument; -EPIPE @ept was destroyed.
 */
int rl_check_send_args(struct rpmsg_lite_instance *rl,
		       struct rpmsg_lite_endpoint *ept, u32 dst)
{
	if (!rl || !ept || ept->rl != rl || dst == RL_ADDR_ANY)
		return -EINVAL;
	if (READ_ONCE(ept->dead))
		return -EPIPE;
	return 0;
}

/*
 * rpmsg_lite_send_flags() inside rl_enter(), from address @src; @ept (may
 * be NULL) is the endpoint it waits and gets credits for.
 */
static int rl_send(struct rpmsg_lite_instance *rl,
		   struct rpmsg_lite_endpoint *ept, u32 src, u32 dst,
		   const void *data, u32 size, unsigned long timeout_ms,
		   bool more)
{
	void *buf;
	u16 head;
	int ret;

	/*
	 * A small message is copied under the lock that takes its buffer and
	 * published in the same round: one lock round instead of two.
	 */
	if (size <= RL_TX_INLINE_MAX) {
		unsigned long flags;
		bool kick = false;

		spin_lock_irqsave(&rl->tx.lock, flags);
		ret = rl_tx_take_for_locked(rl, ept, &head,
					    timeout_ms != RL_DONT_BLOCK);
		if (!ret) {
			buf = rl_tx_buf(rl, head);
			rl_write_hdr(buf, src, dst, size, 0);
			if (size)
				memcpy(buf + RL_MSG_HDR_SIZE, data, size);
			ret = rl_tx_publish_locked(rl, head, more, &kick);
			if (ret)
				rl_tx_unsent_locked(rl, head);
		}
		spin_unlock_irqrestore(&rl->tx.lock, flags);
		/* no free buffer: the path below tells, waits or fails */
		if (ret != -ENOENT)
			return rl_tx_published(rl, ret, kick);
	}

	/* owned like a zero-copy buffer while filled: a reset voids it */
	ret = rl_tx_acquire(rl, ept, timeout_ms, &head);
	if (ret)
		return ret;
	buf = rl_tx_buf(rl, head);
	rl_write_hdr(buf, src, dst, size, 0);
	if (size)
		memcpy(buf + RL_MSG_HDR_SIZE, data, size);
	return rl_tx_publish(rl, head, more, true);
}

/**
 * rl_send_from() - send a message from an address without an endpoint
 * @rl: link
 * @src: source address written into the header
 * @dst: destination address
 * @data: payload
 * @size: bytes of payload, at most the payload size
 * @timeout_ms: as for rpmsg_lite_send()
 *
 * For the name service, whose announcements carry the announced
 * endpoint's address as their source even when that endpoint is gone.
 *
 * Context: as rpmsg_lite_send().
 * Return: as rpmsg_lite_send().
 */
int rl_send_from(struct rpmsg_lite_instance *rl, u32 src, u32 dst,
		 const void *data, u32 size, unsigned long timeout_ms)
{
	int ret;

	if (size > rl->cfg.payload_size)
		return -EMSGSIZE;
	if (!rl_enter(rl))
		return -ENODEV;
	ret = rl_send(rl, NULL, src, dst, data, size, timeout_ms, false);
	rl_leave(rl);
	return ret;
}

/**
 * rpmsg_lite_send_flags() - copy a message into a free buffer and send it
 * @rl: link
 * @ept: local endpoint; its address is the source
 * @dst: destination address (not RL_ADDR_ANY)
 * @data: payload (may be NULL when @size is 0)
 * @size: bytes of payload, at most the link's payload size
 * @timeout_ms: how long to wait for a free buffer: RL_DONT_BLOCK, a number
 *              of milliseconds, or RL_BLOCK (until one is free, the link
 *              goes away or @ept is destroyed; signals interrupt it)
 * @send_flags: 0, or RL_SEND_MORE: publish without notifying the peer, as
 *              rpmsg_lite_send_nocopy_flags() does (the batch's last send,
 *              or rpmsg_lite_kick_peer(), notifies it)
 *
 * Success means the message is in shared memory, published in the ring and
 * the peer was notified (unless it asked not to be, or RL_SEND_MORE) - not
 * that the peer processed it.  A failed notification is counted in
 * kick_errors and logged; the send still returns 0 (the message is
 * already visible).
 *
 * Context: any context with RL_DONT_BLOCK; may sleep otherwise.
 * Return: 0; -EINVAL bad argument or unknown flag; -EMSGSIZE @size larger
 * than the payload size (nothing sent, no buffer taken); -ENOTCONN link
 * not up yet; -EPIPE link down after a peer reset or a corrupted ring, or
 * @ept destroyed; -ENODEV link being removed; -ENOMEM no free buffer and
 * RL_DONT_BLOCK; -ETIMEDOUT none became free in time; -ERESTARTSYS
 * interrupted.
 */
int rpmsg_lite_send_flags(struct rpmsg_lite_instance *rl,
			  struct rpmsg_lite_endpoint *ept, u32 dst,
			  const void *data, u32 size,
			  unsigned long timeout_ms, unsigned int send_flags)
{
	int ret;

	ret = rl_check_send_args(rl, ept, dst);
	if (ret)
		return ret;
	if (send_flags & ~RL_SEND_MORE)
		return -EINVAL;
	if (size > rl->cfg.payload_size)
		return -EMSGSIZE;
	if (!data && size)
		return -EINVAL;
	if (!rl_enter(rl))
		return -ENODEV;
	ret = rl_send(rl, ept, ept->addr, dst, data, size, timeout_ms,
		      send_flags & RL_SEND_MORE);
	rl_leave(rl);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_send_flags, RPMSG_LITE);

/**
 * rpmsg_lite_send() - copy a message into a free buffer and send it
 * @rl: link
 * @ept: local endpoint; its address is the source
 * @dst: destination address (not RL_ADDR_ANY)
 * @data: payload (may be NULL when @size is 0)
 * @size: bytes of payload, at most the link's payload size
 * @timeout_ms: how long to wait for a free buffer: RL_DONT_BLOCK, a number
 *              of milliseconds, or RL_BLOCK (until one is free, the link
 *              goes away or @ept is destroyed; signals interrupt it)
 *
 * rpmsg_lite_send_flags() without flags: publish and notify.
 *
 * Context: any context with RL_DONT_BLOCK; may sleep otherwise.
 * Return: as rpmsg_lite_send_flags().
 */
int rpmsg_lite_send(struct rpmsg_lite_instance *rl,
		    struct rpmsg_lite_endpoint *ept, u32 dst,
		    const void *data, u32 size, unsigned long timeout_ms)
{
	return rpmsg_lite_send_flags(rl, ept, dst, data, size, timeout_ms, 0);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_send, RPMSG_LITE);

/* Kicks the lost-kick watch repeats per stall of the peer */
#define RL_KICK_RETRIES	3

/**
 * rl_watch_work() - the lost-kick watch of a link
 * @work: the link's tx.watch_work
 *
 * While messages we sent stay unconsumed: repeat the kick when the peer
 * made no progress for one interval (at most RL_KICK_RETRIES times per
 * stall: a peer that keeps buffers is not kicked forever), and look at the
 * receive vq in case a kick from the peer was lost.  Re-armed by the next
 * send once nothing is outstanding.
 *
 * Context: the link's ordered workqueue.
 */
void rl_watch_work(struct work_struct *work)
{
	struct rpmsg_lite_instance *rl =
		container_of(to_delayed_work(work), struct rpmsg_lite_instance,
			     tx.watch_work);
	unsigned long flags;
	u16 left, idx = 0;
	bool more;

	if (atomic_read(&rl->life.state) != RPMSG_LITE_LINK_UP ||
	    READ_ONCE(rl->life.removing))
		return;

	spin_lock_irqsave(&rl->rx.lock, flags);
	more = rl_vq_has_work(rl->rx.vq);
	spin_unlock_irqrestore(&rl->rx.lock, flags);
	if (more && !work_pending(&rl->rx.work)) {
		rl_stat_inc(rl, rx_polls);
		/* as if kicked: a remote checks the master's generation first */
		set_bit(rl->rx.vq_id & 1 ? RL_PEND_VQ1 : RL_PEND_VQ0,
			&rl->rx.pending);
		queue_work(rl->rx.wq, &rl->rx.work);
	}

	spin_lock_irqsave(&rl->tx.lock, flags);
	left = rl_vq_unconsumed(rl->tx.vq, &idx);
	spin_unlock_irqrestore(&rl->tx.lock, flags);
	if (!left) {
		rl->tx.watch_tries = 0;
		return;
	}
	if (idx != rl->tx.watch_idx) {
		rl->tx.watch_idx = idx;
		rl->tx.watch_tries = 0;
	} else if (rl->tx.watch_tries < RL_KICK_RETRIES) {
		rl->tx.watch_tries++;
		rl_stat_inc(rl, kick_retries);
		rl_dbg(rl, "%u sent messages unconsumed: kick again\n", left);
		rl_kick(rl, rl->tx.vq_id);
	} else {
		return;
	}
	queue_delayed_work(rl->wq, &rl->tx.watch_work,
			   msecs_to_jiffies(rl->cfg.link_up_kick_ms));
}

/**
 * rl_tx_poll_work() - wake pollers once a transmit buffer came back
 * @work: the link's tx.poll_work
 *
 * For a peer that does not kick on consumed buffers: looks again every
 * RL_TX_RECHECK_POLL_MS while someone polls.
 *
 * Context: the link's ordered workqueue.
 */
void rl_tx_poll_work(struct work_struct *work)
{
	struct rpmsg_lite_instance *rl =
		container_of(to_delayed_work(work), struct rpmsg_lite_instance,
			     tx.poll_work);

	if (rl_link_errno(rl) || rpmsg_lite_get_free_tx_buffers(rl)) {
		wake_up_all(&rl->tx.wait);
		return;
	}
	if (wq_has_sleeper(&rl->tx.wait))
		queue_delayed_work(rl->wq, &rl->tx.poll_work,
				   msecs_to_jiffies(RL_TX_RECHECK_POLL_MS));
}

/**
 * rpmsg_lite_get_free_tx_buffers() - transmit buffers free right now
 * @rl: link
 *
 * A snapshot: buffers the peer has given back and we have not taken yet,
 * plus released zero-copy buffers.  0 when the link is not up.
 *
 * Context: any.
 * Return: the number of buffers, at most the buffer count.
 */
u32 rpmsg_lite_get_free_tx_buffers(struct rpmsg_lite_instance *rl)
{
	unsigned long flags;
	u32 n = 0;

	if (!rl_enter(rl))
		return 0;
	spin_lock_irqsave(&rl->tx.lock, flags);
	if (!rl_link_errno(rl))
		n = rl_tx_free_locked(rl);
	spin_unlock_irqrestore(&rl->tx.lock, flags);
	rl_leave(rl);
	return n;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_free_tx_buffers, RPMSG_LITE);

/**
 * rpmsg_lite_poll() - poll helper for front ends
 * @rl: link
 * @filp: file being polled
 * @wait: poll table
 *
 * Registers @wait on the link's transmit wait queue, which is woken when a
 * transmit buffer may have become free and on every link state change.
 * When the peer does not kick on consumed buffers, a short re-check work
 * wakes pollers once a buffer has come back.
 *
 * Context: process context.
 * Return: EPOLLOUT | EPOLLWRNORM when a transmit buffer is free;
 * EPOLLHUP | EPOLLERR when the link is down, resetting or being removed;
 * 0 otherwise.
 */
__poll_t rpmsg_lite_poll(struct rpmsg_lite_instance *rl, struct file *filp,
			 struct poll_table_struct *wait)
{
	__poll_t mask = 0;
	int err;

	poll_wait(filp, &rl->tx.wait, wait);
	if (!rl_enter(rl))
		return EPOLLHUP | EPOLLERR;
	err = rl_link_errno(rl);
	if (err && err != -ENOTCONN) {
		mask = EPOLLHUP | EPOLLERR;
	} else if (!err && rpmsg_lite_get_free_tx_buffers(rl)) {
		mask = EPOLLOUT | EPOLLWRNORM;
	} else if (!err) {
		queue_delayed_work(rl->wq, &rl->tx.poll_work,
				   msecs_to_jiffies(rl->cfg.notify_consumed ?
						    RL_TX_RECHECK_KICKED_MS :
						    RL_TX_RECHECK_POLL_MS));
	}
	rl_leave(rl);
	return mask;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_poll, RPMSG_LITE);
