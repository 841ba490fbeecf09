// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite links: the order in which blocked senders get transmit
 * buffers.  A sender that finds none queues (struct rl_tx_waiter) and is
 * handed one in its turn, with a burst credit for its endpoint's next
 * sends in the current round (rl_tx_grant_locked()); the oldest waiter
 * polls meanwhile for a peer that does not kick.  A non-blocking sender
 * takes any free buffer, as rpmsg-lite does.
 *
 * Owns: sched (struct rl_tx_sched) of struct rpmsg_lite_instance, and
 * tx_credit and tx_round of every endpoint.  Takes tx.lock only.
 *
 * Called by the transmit path (rl_tx.c: rl_tx_take_for_locked(),
 * rl_tx_acquire()), zero copy (rl_zc.c), the kick handler (rl_rx.c:
 * rl_tx_grant() on a transmit-queue kick), endpoints that die and link
 * state changes (rl_tx_wake_waiters()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/wait.h>

#include "rl_compat.h"
#include "rl_core.h"
#include "rl_core_internal.h"
#include "rl_internal.h"

/* The oldest blocked sender polls from this, doubled after each empty look */
#define RL_TX_POLL_MIN_US		50
/*
 * Buffers one turn of a blocked sender covers at least: the one handed
 * over plus a credit for the next sends of its endpoint; more when few
 * senders share the free buffers (rl_tx_grant_locked()).
 */
#define RL_TX_BURST			16

/**
 * struct rl_tx_waiter - a blocked sender queued for a transmit buffer
 * @node: in the link's sched.waiters, oldest first
 * @ept: endpoint that sends (it gets the burst credit), or NULL for a
 *       zero-copy allocation
 * @wq: the sender sleeps here until @woken
 * @woken: a buffer was handed over, the sender became the oldest one (it
 *         then polls) or the link state changed
 * @head: the buffer handed over (RL_BUF_USER)
 * @granted: @head is valid; the waiter is off the queue
 *
 * Lives on the sender's stack; queued, woken and dequeued under the link's
 * tx.lock, which the sender takes again before it returns.
 */
struct rl_tx_waiter {
	struct list_head node;
	struct rpmsg_lite_endpoint *ept;
	wait_queue_head_t wq;
	bool woken;
	u16 head;
	bool granted;
};

/* tx.lock held */
static void rl_tx_wake_locked(struct rl_tx_waiter *w)
{
	w->woken = true;
	wake_up(&w->wq);
}

/* Free transmit buffers not set aside for credits.  tx.lock held. */
static u32 rl_tx_unreserved_locked(struct rpmsg_lite_instance *rl)
{
	u32 n = rl_tx_free_locked(rl);

	return n > rl->sched.reserved ? n - rl->sched.reserved : 0;
}

/* Burst credits of the rounds before are void from now on.  tx.lock held. */
static void rl_tx_new_round_locked(struct rpmsg_lite_instance *rl)
{
	rl->sched.round++;
	rl->sched.reserved = 0;
	rl->sched.credit_jiffies = jiffies;
}

/*
 * Hand free buffers to queued senders, oldest first.  Each gets one buffer,
 * taken for it so that nobody can get it first, and its endpoint a credit
 * for more sends in this round without queueing again: a fair share of
 * what is free, at least RL_TX_BURST in all.  Under contention a sender is
 * thus woken once per burst, not once per message, and the turns still go
 * round in arrival order.  While many buffers are on their way back, a
 * grant waits until a batch of them is free rather than wake a sender for
 * one buffer at a time (the oldest waiter polls meanwhile).  Credited
 * buffers are set aside (sched.reserved) from what later grants hand out
 * until the round ends, at the first grant a jiffy or more after a credit
 * was last granted or used (a holder may stop sending; its credit must
 * not keep buffers idle, but holders still waiting for a CPU keep it).
 * When the oldest waiter changes, the new one is woken to poll in its
 * turn.  tx.lock held.  Return: 0, or -EIO when the ring is corrupted.
 */
static int rl_tx_grant_locked(struct rpmsg_lite_instance *rl)
{
	u32 count = rl->cfg.buffer_count;
	u32 avail, burst, batch, free;
	struct rl_tx_waiter *w;
	bool popped = false;
	int ret = 0;

	if (list_empty(&rl->sched.waiters) || rl_link_errno(rl))
		return 0;
	if (rl->sched.reserved && time_after(jiffies, rl->sched.credit_jiffies))
		rl_tx_new_round_locked(rl);
	free = rl_tx_free_locked(rl);
	avail = free > rl->sched.reserved ? free - rl->sched.reserved : 0;
	batch = clamp_t(u32, count / 4, 1, RL_TX_BURST);
	/* little on its way back: hand out what there is */
	if (count - free < batch)
		batch = 1;
	burst = max_t(u32, avail / max(rl->sched.nwaiters, 1U), RL_TX_BURST);
	while (avail >= batch && !list_empty(&rl->sched.waiters)) {
		w = list_first_entry(&rl->sched.waiters, struct rl_tx_waiter,
				     node);
		ret = rl_tx_take_kick_locked(rl, &w->head);
		if (ret) {
			if (ret == -ENOENT)
				ret = 0;
			break;
		}
		avail--;
		if (w->ept) {
			w->ept->tx_credit = min(avail, burst - 1);
			w->ept->tx_round = rl->sched.round;
			rl->sched.credit_jiffies = jiffies;
			rl->sched.reserved += w->ept->tx_credit;
			avail -= w->ept->tx_credit;
		}
		list_del_init(&w->node);
		rl->sched.nwaiters--;
		rl->sched.grants++;
		w->granted = true;
		rl_tx_wake_locked(w);
		popped = true;
	}
	if (popped && !list_empty(&rl->sched.waiters))
		rl_tx_wake_locked(list_first_entry(&rl->sched.waiters,
						   struct rl_tx_waiter, node));
	return ret;
}

/**
 * rl_tx_grant() - hand buffers that came back to queued senders
 * @rl: link
 *
 * After a kick of the transmit queue or a released zero-copy buffer.
 *
 * Context: any.
 */
void rl_tx_grant(struct rpmsg_lite_instance *rl)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&rl->tx.lock, flags);
	ret = rl_tx_grant_locked(rl);
	spin_unlock_irqrestore(&rl->tx.lock, flags);
	if (ret == -EIO)
		rl_link_broken(rl, rl->tx.vq);
}

/**
 * rl_tx_wake_waiters() - void the credits and wake every queued sender
 * @rl: link
 *
 * The link state changed, or an endpoint died: every queued sender looks
 * at it.
 *
 * Context: any.
 */
void rl_tx_wake_waiters(struct rpmsg_lite_instance *rl)
{
	struct rl_tx_waiter *w;
	unsigned long flags;

	spin_lock_irqsave(&rl->tx.lock, flags);
	rl_tx_new_round_locked(rl);
	list_for_each_entry(w, &rl->sched.waiters, node)
		rl_tx_wake_locked(w);
	spin_unlock_irqrestore(&rl->tx.lock, flags);
}

/**
 * rl_tx_take_for_locked() - one look for a buffer for a sender
 * @rl: link
 * @ept: endpoint that sends, or NULL for a zero-copy allocation
 * @head: set to the buffer's head (RL_BUF_USER)
 * @fair: a blocking sender
 *
 * A blocking sender takes none ahead of queued senders nor one set aside
 * for a credit, unless its endpoint holds credit of the current round; a
 * non-blocking one takes any free buffer, as rpmsg-lite does.
 *
 * Context: tx.lock held.
 * Return: 0 and *@head; -ENOENT none for this sender; -EIO corrupted
 * ring; -EPIPE @ept was destroyed; or the link-state errno.
 */
int rl_tx_take_for_locked(struct rpmsg_lite_instance *rl,
			  struct rpmsg_lite_endpoint *ept, u16 *head,
			  bool fair)
{
	int ret;

	ret = rl_link_errno(rl);
	if (ret)
		return ret;
	if (ept && READ_ONCE(ept->dead))
		return -EPIPE;
	if (ept && ept->tx_credit && ept->tx_round == rl->sched.round) {
		ret = rl_tx_take_kick_locked(rl, head);
		if (!ret) {
			ept->tx_credit--;
			rl->sched.reserved--;
			rl->sched.credit_jiffies = jiffies;
			return 0;
		}
		/* taken by non-blocking senders meanwhile: the credit is void */
		rl->sched.reserved -= ept->tx_credit;
		ept->tx_credit = 0;
		return ret;
	}
	if (fair && (!list_empty(&rl->sched.waiters) ||
		     (rl->sched.reserved && !rl_tx_unreserved_locked(rl))))
		return -ENOENT;
	return rl_tx_take_kick_locked(rl, head);
}

/*
 * Try once to get a transmit buffer (see rl_tx_take_for_locked()).  0 and
 * *head, -ENOMEM when none, or the link-state errno.  Any context.
 */
static int rl_tx_try(struct rpmsg_lite_instance *rl,
		     struct rpmsg_lite_endpoint *ept, u16 *head, bool fair)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&rl->tx.lock, flags);
	ret = rl_tx_take_for_locked(rl, ept, head, fair);
	spin_unlock_irqrestore(&rl->tx.lock, flags);

	if (ret == -EIO) {
		rl_link_broken(rl, rl->tx.vq);
		return -EPIPE;
	}
	return ret == -ENOENT ? -ENOMEM : ret;
}

/*
 * Why queued sender @w stops waiting without a buffer, short of a time-out:
 * @ret from its last grant (-EIO), the link state, its endpoint destroyed,
 * or @wret, a signal that interrupted its last sleep.  0: keep waiting.
 * tx.lock held.
 */
static int rl_tx_wait_error_locked(struct rpmsg_lite_instance *rl,
				   struct rl_tx_waiter *w, int ret, long wret)
{
	if (!ret)
		ret = rl_link_errno(rl);
	if (!ret && w->ept && READ_ONCE(w->ept->dead))
		ret = -EPIPE;
	if (!ret && wret == -ERESTARTSYS)
		ret = wret;
	return ret;
}

/*
 * How long queued sender @w sleeps before it looks again: the oldest one
 * polls (*@poll_ns, doubled for the next time up to
 * RL_TX_RECHECK_POLL_MS), the others wait for their turn; never past
 * @deadline.  tx.lock held.
 */
static s64 rl_tx_wait_ns_locked(struct rpmsg_lite_instance *rl,
				struct rl_tx_waiter *w, u64 *poll_ns,
				ktime_t now, ktime_t deadline)
{
	s64 left_ns = RL_TX_RECHECK_KICKED_MS * NSEC_PER_MSEC;

	if (list_first_entry(&rl->sched.waiters, struct rl_tx_waiter,
			     node) == w) {
		left_ns = *poll_ns;
		*poll_ns = min_t(u64, *poll_ns * 2,
				 RL_TX_RECHECK_POLL_MS * NSEC_PER_MSEC);
	}
	if (deadline != KTIME_MAX)
		left_ns = min_t(s64, left_ns,
				ktime_to_ns(ktime_sub(deadline, now)) + 1);
	return left_ns;
}

/*
 * The blocking part of rl_tx_acquire(): queue behind the other senders
 * and sleep until a buffer is handed over, the link or @ept goes away, a
 * signal comes or @deadline (KTIME_MAX: none) passes.  Return: as
 * rl_tx_acquire(), but -EIO for a corrupted ring.
 */
static int rl_tx_wait(struct rpmsg_lite_instance *rl,
		      struct rpmsg_lite_endpoint *ept, ktime_t deadline,
		      u16 *head)
{
	struct rl_tx_waiter w = { .ept = ept };
	u64 poll_ns = RL_TX_POLL_MIN_US * NSEC_PER_USEC;
	unsigned long flags;
	s64 left_ns;
	long wret = 0;
	ktime_t now;
	u32 grants;
	int ret;

	init_waitqueue_head(&w.wq);

	spin_lock_irqsave(&rl->tx.lock, flags);
	ret = rl_tx_take_for_locked(rl, ept, head, true);
	if (ret != -ENOENT)
		goto out;
	list_add_tail(&w.node, &rl->sched.waiters);
	rl->sched.nwaiters++;
	grants = rl->sched.grants;
	for (;;) {
		ret = rl_tx_grant_locked(rl);
		/* progress since the last look: the next poll is quick again */
		if (rl->sched.grants != grants)
			poll_ns = RL_TX_POLL_MIN_US * NSEC_PER_USEC;
		grants = rl->sched.grants;
		if (w.granted) {
			*head = w.head;
			ret = 0;
			break;
		}
		ret = rl_tx_wait_error_locked(rl, &w, ret, wret);
		now = ktime_get();
		if (!ret && ktime_after(now, deadline)) {
			rl_stat_inc(rl, tx_timeouts);
			ret = -ETIMEDOUT;
		}
		if (ret) {
			list_del(&w.node);
			rl->sched.nwaiters--;
			break;
		}
		left_ns = rl_tx_wait_ns_locked(rl, &w, &poll_ns, now, deadline);
		w.woken = false;
		spin_unlock_irqrestore(&rl->tx.lock, flags);
		wret = wait_event_interruptible_hrtimeout(w.wq,
							  READ_ONCE(w.woken),
							  ns_to_ktime(left_ns));
		spin_lock_irqsave(&rl->tx.lock, flags);
	}
out:
	spin_unlock_irqrestore(&rl->tx.lock, flags);
	return ret;
}

/**
 * rl_tx_acquire() - get a transmit buffer, waiting for one in turn
 * @rl: link
 * @ept: endpoint that sends, or NULL for a zero-copy allocation
 * @timeout_ms: RL_DONT_BLOCK, milliseconds, or RL_BLOCK
 * @head: set to the buffer's head (RL_BUF_USER)
 *
 * A blocked sender queues behind the others
 * and is handed a buffer in its turn (rl_tx_grant_locked()).  The oldest
 * waiter polls with a high-resolution timer, from RL_TX_POLL_MIN_US and
 * twice as long after each empty look up to RL_TX_RECHECK_POLL_MS: a peer
 * that does not kick on consumed buffers is then seen within a few tens of
 * microseconds while it is quick, and costs little while it is slow.
 *
 * Context: any context with RL_DONT_BLOCK; may sleep otherwise.
 * Return: 0 and *@head; -ENOMEM none and RL_DONT_BLOCK; -ETIMEDOUT;
 * -ERESTARTSYS; -EPIPE @ept destroyed or the ring corrupted; or the
 * link-state errno.
 */
int rl_tx_acquire(struct rpmsg_lite_instance *rl,
		  struct rpmsg_lite_endpoint *ept, unsigned long timeout_ms,
		  u16 *head)
{
	ktime_t deadline = KTIME_MAX;
	int ret;

	ret = rl_tx_try(rl, ept, head, timeout_ms != RL_DONT_BLOCK);
	/*
	 * No buffer: the peer gives some back only for messages it knows
	 * of, so an open RL_SEND_MORE batch is told now, before any wait.
	 */
	if (ret == -ENOMEM)
		rl_tx_end_batch(rl, true);
	if (ret != -ENOMEM || timeout_ms == RL_DONT_BLOCK) {
		if (ret == -ENOMEM)
			rl_stat_inc(rl, tx_timeouts);
		return ret;
	}

	might_sleep();
	if (timeout_ms != RL_BLOCK)
		deadline = ktime_add_ms(ktime_get(), timeout_ms);
	ret = rl_tx_wait(rl, ept, deadline, head);
	if (ret == -EIO) {
		rl_link_broken(rl, rl->tx.vq);
		return -EPIPE;
	}
	return ret;
}
