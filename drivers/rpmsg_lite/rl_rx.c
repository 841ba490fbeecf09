// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite links: receive.  The kick handler and the link's receive
 * work, which drains the receive vq in batches, checks every message and
 * runs the endpoints' callbacks, then gives the buffers back to the peer.
 *
 * Context:
 * - rpmsg_lite_isr() runs in whatever context the transport delivers a
 *   kick in (often hard IRQ): it checks the vq id, counts, marks the queue,
 *   wakes senders for a transmit-queue kick and queues the receive work.
 * - Receive processing and every receive callback run in the link's one
 *   receive work, on a per-CPU workqueue: on the CPU the kick arrived on,
 *   WQ_HIGHPRI (latency: a message waits for a worker of the
 *   high-priority pool only) and WQ_MEM_RECLAIM (the work returns buffers
 *   to the peer and allocates nothing; under memory pressure the peer must
 *   not stall because no worker could be created).  One work item never
 *   runs twice at once, so callbacks of one link never run concurrently
 *   and messages reach an endpoint in ring order.  A callback must
 *   therefore not flush a workqueue without WQ_MEM_RECLAIM, nor call
 *   rpmsg_lite_deinit() or rpmsg_lite_reset_link() (both return -EDEADLK
 *   there).  The re-kick, watch and poll works run on an ordered
 *   workqueue of the link; they only kick, look and queue the receive work.
 *
 * Anything read from shared memory (message header, ring entries) is read
 * once into locals and checked; a bad message is dropped, counted, logged
 * with a rate limit, and its buffer returned.
 *
 * Owns: rx.vq (the receive vq), rx.returned, rx.batch, rx.pending,
 * rx.cb_ept and rx.work of struct rpmsg_lite_instance (the states of its
 * buffers through rl_buf.c).  Takes rx.lock; the kick handler also tx.lock (through
 * rl_tx_grant()), and a remote's receive work both ring locks, rx.lock
 * first, when it follows a rebuild of the master (rl_link_state.c).
 *
 * Called by the transports (rpmsg_lite_isr()), the link's workqueues (the
 * receive work, queued by the kick handler, the watch work and a broken
 * ring), zero copy (rl_zc.c: the release of a held buffer), the name
 * service and the receive queues (rl_in_rx_work(), rl_rx_copy_valid()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "rl_compat.h"
#include "rl_core.h"
#include "rl_core_internal.h"
#include "rl_internal.h"

/**
 * rl_in_rx_work() - is the caller the receive work of @rl?
 * @rl: link
 *
 * Return: true inside a receive callback, a name-service bind callback or
 * a LINK_UP/LINK_DOWN notifier called by the receive work.
 */
bool rl_in_rx_work(struct rpmsg_lite_instance *rl)
{
	return current_work() == &rl->rx.work;
}

/**
 * rl_rx_copy_valid() - were the bytes just copied from a held receive
 *                      buffer still the message?
 * @rl: link
 * @gen: rl_generation() when the buffer was received
 *
 * A held buffer goes back to the peer when the rings are rebuilt: by our
 * own reset (the generation moves before the new rings are written) or,
 * on a remote, by the master, which announces the rebuild in its ring
 * generation before it rewrites anything (rl_wire.h) and may go on
 * without our answer when we are slow.  A copy made from a held buffer
 * after either may hold bytes the peer wrote since: call this after the
 * copy and drop the message when it returns false.
 *
 * Context: any.
 * Return: true when no rebuild can have touched the buffer.
 */
bool rl_rx_copy_valid(struct rpmsg_lite_instance *rl, u32 gen)
{
	/* the copy's reads before the generations (pairs with the writers') */
	smp_rmb();
	if (rl_generation(rl) != gen)
		return false;
	/* a master rebuilds only by its own reset: the generation above */
	if (rl->role != RPMSG_LITE_REMOTE)
		return true;
	return (u8)(rl_vq_peer_flags(&rl->vq[0]) >> RL_VRING_F_GEN_SHIFT) ==
	       READ_ONCE(rl->life.ring_gen);
}

/*
 * Give a received buffer back to the peer (it is RL_BUF_RING again, even
 * when nothing can be written).  rx.lock held.
 */
static int rl_rx_return_locked(struct rpmsg_lite_instance *rl, u16 head)
{
	int ret;

	if (!rl_buf_move(rl, RL_RX, head, RL_BUF_USER, RL_BUF_RING))
		return -EINVAL;
	/*
	 * The peer is gone and the rings are rebuilt before the next use:
	 * write nothing (the region may not even be the peer's any more).
	 */
	if (atomic_read(&rl->life.state) == RPMSG_LITE_LINK_RESETTING)
		return 0;

	ret = rl_vq_give(rl->rx.vq, head, rl->buf_size);
	if (!ret)
		rl->rx.returned++;
	return ret;
}

/**
 * rl_rx_kick_needed_locked() - should the peer hear about returned buffers?
 * @rl: link
 *
 * Starts the count of returned buffers over.
 *
 * Context: rx.lock held.
 * Return: true when the peer must be kicked on the receive vq.
 */
bool rl_rx_kick_needed_locked(struct rpmsg_lite_instance *rl)
{
	bool kick;

	if (!rl->rx.returned)
		return false;
	rl->rx.returned = 0;
	kick = rl->cfg.notify_consumed && rl_vq_need_kick(rl->rx.vq);
	return kick;
}

/**
 * rl_rx_release_locked() - one release of a received buffer
 * @rl: link
 * @head: its head (a callback returned RL_RELEASE, or a holder let go)
 *
 * While holders from before a reset have it, this only counts one of
 * them down (the head goes back once all let go); otherwise it goes back
 * to the peer.
 *
 * Context: rx.lock held.
 * Return: 0; -EALREADY not held; -EIO the ring broke.
 */
int rl_rx_release_locked(struct rpmsg_lite_instance *rl, u16 head)
{
	struct rl_buf *b = rl_buf(rl, RL_RX, head);

	if (b->voids) {
		rl_buf_unvoid(rl, RL_RX, head);
		return 0;
	}
	if (b->state != RL_BUF_USER)
		return -EALREADY;
	return rl_rx_return_locked(rl, head);
}

/*
 * Give back the @n heads at @heads the receive work let go of, under one
 * lock (see rl_rx_release_locked()).  No kick: the drain decides once at
 * its end.
 */
static void rl_rx_release_heads(struct rpmsg_lite_instance *rl,
				const u16 *heads, u32 n)
{
	unsigned long flags;
	int ret = 0;
	u32 i;

	if (!n)
		return;
	spin_lock_irqsave(&rl->rx.lock, flags);
	for (i = 0; i < n; i++)
		if (rl_rx_release_locked(rl, heads[i]) == -EIO)
			ret = -EIO;
	spin_unlock_irqrestore(&rl->rx.lock, flags);

	if (ret == -EIO)
		rl_link_broken(rl, rl->rx.vq);
}

/*
 * One received buffer, already marked held: check the header, deliver or
 * drop.  Return: true when the buffer goes back to the peer now, false
 * when the callback keeps it (RL_HOLD).  *@delivered counts callbacks.
 */
static bool rl_rx_one(struct rpmsg_lite_instance *rl,
		      const struct rl_rx_slot *slot, u32 *delivered)
{
	u32 ring_len = min(slot->len, rl->buf_size);
	struct rpmsg_lite_endpoint *ept;
	struct rl_msg_hdr hdr;
	u32 src, dst, len;
	int ret;

	/* one read of the header; only the locals are used afterwards */
	memcpy(&hdr, slot->buf, sizeof(hdr));
	src = le32_to_cpu(hdr.src);
	dst = le32_to_cpu(hdr.dst);
	len = le16_to_cpu(hdr.len);

	if (len > rl->cfg.payload_size || RL_MSG_HDR_SIZE + len > ring_len) {
		rl_stat_inc(rl, rx_drop_bad_len);
		rl_warn_rl(rl, "dropped message %u -> %u: length %u > payload %u or ring %u\n",
			   src, dst, len, rl->cfg.payload_size, ring_len);
		return true;
	}

	ept = rl_ept_get(rl, dst);
	if (!ept) {
		rl_stat_inc(rl, rx_drop_no_ept);
		rl_warn_rl(rl, "dropped message %u -> %u (%u bytes): no endpoint at %u\n",
			   src, dst, len, dst);
		return true;
	}

	rl->rx.cb_ept = ept;
	ret = ept->rx_cb(slot->buf + RL_MSG_HDR_SIZE, len, src,
			 ept->rx_cb_data);
	rl->rx.cb_ept = NULL;
	(*delivered)++;
	rl_ept_put_from_work(ept);
	return ret != RL_HOLD;
}

/*
 * Where a suppression holds until undone (rl_vq_can_mute(): a remote in
 * flags mode), ask the peer not to kick our receive queue while the
 * receive work is pending or running (used.flags NO_NOTIFY, which
 * rpmsg-lite's master and ours honour before kicking): a kick then only
 * repeats the one that queued the work.  rl_rx_drain() asks for kicks
 * again and looks for work once more before it ends, so nothing published
 * meanwhile waits.  Nothing is written unless the link is up, checked
 * under rx.lock (see rl_remote_freeze()).  Any context.
 */
static void rl_rx_quiet(struct rpmsg_lite_instance *rl)
{
	unsigned long flags;

	if (!rl_vq_can_mute(rl->rx.vq))
		return;
	/* under rx.lock: rl_remote_freeze() stops every ring write */
	spin_lock_irqsave(&rl->rx.lock, flags);
	if (atomic_read(&rl->life.state) == RPMSG_LITE_LINK_UP)
		rl_vq_suppress_kicks(rl->rx.vq, true);
	spin_unlock_irqrestore(&rl->rx.lock, flags);
}

/* Take one entry of the receive vq.  rx.lock held. */
static int rl_rx_take_locked(struct rpmsg_lite_instance *rl, u16 *head,
			     void **buf, u32 *len)
{
	int ret;

	ret = rl_vq_take(rl->rx.vq, head, buf, len);
	if (!ret && !rl_buf_map(rl, RL_RX, *head, *buf))
		ret = -EBADMSG;
	if ((ret && ret != -EBADMSG) ||
	    !rl_buf_move(rl, RL_RX, *head, RL_BUF_RING, RL_BUF_USER))
		return ret ?: -EINVAL;
	if (ret == -EBADMSG) {
		/* a bad length or address: the head is ours, give it back */
		if (rl_rx_return_locked(rl, *head) == -EIO)
			ret = -EIO;
	}
	return ret;
}

/*
 * Take up to RL_RX_BATCH entries (and at most *@budget) into
 * rl->rx.batch, marked held, under one lock; entries with a bad length or
 * address go straight back and are counted.  Return: the number taken;
 * *@err: 0 when the batch filled up or the budget ran out, otherwise why
 * taking stopped (-ENOENT: ring empty, -EIO: ring broken, ...).
 */
static u32 rl_rx_take_batch(struct rpmsg_lite_instance *rl, u32 *budget,
			    int *err)
{
	struct rl_rx_slot *slot;
	unsigned long flags;
	u32 n = 0, bad = 0;
	int ret = 0;

	spin_lock_irqsave(&rl->rx.lock, flags);
	while (*budget && n < RL_RX_BATCH) {
		slot = &rl->rx.batch[n];
		ret = rl_rx_take_locked(rl, &slot->head, &slot->buf,
					&slot->len);
		if (ret && ret != -EBADMSG)
			break;
		(*budget)--;
		if (ret) {
			bad++;
			ret = 0;
			continue;
		}
		n++;
	}
	spin_unlock_irqrestore(&rl->rx.lock, flags);

	if (bad)
		atomic64_add(bad, &rl->stats.ring_errors);
	*err = ret;
	return n;
}

/*
 * Drain at most buffer_count entries, then requeue if more are waiting,
 * so that a peer that keeps the ring full cannot keep the work forever.
 * Entries are taken and given back in batches (one lock round each way
 * per batch); the peer hears about returned buffers once per drain.
 */
static void rl_rx_drain(struct rpmsg_lite_instance *rl)
{
	u32 budget = rl->cfg.buffer_count;
	u16 done[RL_RX_BATCH];
	u32 n, i, ndone, delivered;
	unsigned long flags;
	bool kick, more;
	int err;

	/* also when requeued without a kick */
	rl_rx_quiet(rl);
	for (;;) {
		if (atomic_read(&rl->life.state) != RPMSG_LITE_LINK_UP)
			return;
		n = rl_rx_take_batch(rl, &budget, &err);
		if (n)
			WRITE_ONCE(rl->life.peer_seen, true);

		ndone = 0;
		delivered = 0;
		for (i = 0; i < n; i++) {
			/* link down meanwhile: the rest is dropped */
			if (atomic_read(&rl->life.state) != RPMSG_LITE_LINK_UP ||
			    rl_rx_one(rl, &rl->rx.batch[i], &delivered))
				done[ndone++] = rl->rx.batch[i].head;
		}
		if (delivered)
			atomic64_add(delivered, &rl->stats.rx_msgs);
		rl_rx_release_heads(rl, done, ndone);

		if (err == -EIO) {
			rl_link_broken(rl, rl->rx.vq);
			return;
		}
		if (err == -ENOENT || !budget)
			break;
		if (err) {
			rl_err_rl(rl, "receive vq %u: unexpected error %d\n",
				  rl->rx.vq_id, err);
			break;
		}
	}

	spin_lock_irqsave(&rl->rx.lock, flags);
	kick = rl_rx_kick_needed_locked(rl);
	/*
	 * Kicks wanted again (a master in flags mode writes nothing: it
	 * never asked, see rl_rx_quiet()), then look once more: the peer may
	 * have published just before it saw the request, and not kicked.
	 */
	if (atomic_read(&rl->life.state) == RPMSG_LITE_LINK_UP)
		rl_vq_suppress_kicks(rl->rx.vq, false);
	more = rl_vq_has_work(rl->rx.vq);
	spin_unlock_irqrestore(&rl->rx.lock, flags);

	if (kick)
		rl_kick(rl, rl->rx.vq_id);
	if (more)
		queue_work(rl->rx.wq, &rl->rx.work);
}

/**
 * rl_rx_work() - the receive work of a link
 * @work: the link's rx.work
 *
 * Tells LINK_DOWN for a ring found broken, lets a remote follow the
 * master's rings first, then drains the receive vq.
 *
 * Context: the link's receive workqueue.
 */
void rl_rx_work(struct work_struct *work)
{
	struct rpmsg_lite_instance *rl =
		container_of(work, struct rpmsg_lite_instance, rx.work);
	unsigned long pend = xchg(&rl->rx.pending, 0);

	if (pend & BIT(RL_PEND_DOWN)) {
		rl_wake_all(rl);
		rl_tell_down(rl);
	}

	/* only a master rebuilds the rings; a remote follows (rl_wire.h) */
	if (rl->role == RPMSG_LITE_REMOTE &&
	    (pend & (BIT(RL_PEND_VQ0) | BIT(RL_PEND_VQ1))) &&
	    rl_remote_track_master(rl))
		return;

	rl_rx_drain(rl);
}

/**
 * rpmsg_lite_isr() - the peer kicked a virtqueue of this link
 * @rl: link
 * @vq_id: virtqueue id from the kick, (link_id << 1) | queue
 *
 * Called by the transport for every incoming kick.  Checks that @vq_id
 * belongs to @rl, counts it and schedules the receive work; a kick of our
 * transmit queue also wakes senders waiting for a free buffer.  On a
 * remote, the first kick from the master brings the link up.
 *
 * Context: any, including hard IRQ.
 */
void rpmsg_lite_isr(struct rpmsg_lite_instance *rl, u32 vq_id)
{
	if (!rl)
		return;
	if ((vq_id >> 1) != rl->cfg.link_id) {
		rl_warn_rl(rl, "kick for vq %u ignored: not a vq of link %u\n",
			   vq_id, rl->cfg.link_id);
		return;
	}
	rl_stat_inc(rl, kicks_in);
	set_bit((vq_id & 1) ? RL_PEND_VQ1 : RL_PEND_VQ0, &rl->rx.pending);
	/*
	 * Handed out and woken here rather than in the work: a callback
	 * blocked in a send runs on that work and would otherwise wait for
	 * itself.
	 */
	if (vq_id == rl->tx.vq_id) {
		rl_tx_grant(rl);
		wake_up_all(&rl->tx.wait);
	}
	/* before queueing: the work clears it after its last look */
	if (vq_id == rl->rx.vq_id)
		rl_rx_quiet(rl);
	queue_work(rl->rx.wq, &rl->rx.work);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_isr, RPMSG_LITE);
