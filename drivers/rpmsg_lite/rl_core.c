// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite links: set-up of both roles, endpoints, send and
 * receive, zero copy, link state, link notifier and errno mapping.
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
 * - Senders take a spinlock only; RL_DONT_BLOCK sends and zero-copy calls
 *   without a timeout work in atomic context.
 *
 * Anything read from shared memory (message header, ring entries) is read
 * once into locals and checked; a bad message is dropped, counted, logged
 * with a rate limit, and its buffer returned.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/idr.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "rl_compat.h"
#include "rl_core.h"
#include "rl_internal.h"

/* Sender re-check interval when the peer kicks on consumed buffers. */
#define RL_TX_RECHECK_KICKED_MS		100
/* ... and when it does not (rpmsg-lite default): every millisecond at most */
#define RL_TX_RECHECK_POLL_MS		1
/* ... starting from this, doubled after each empty look */
#define RL_TX_POLL_MIN_US		50
/*
 * Buffers one turn of a blocked sender covers at least: the one handed
 * over plus a credit for the next sends of its endpoint; more when few
 * senders share the free buffers (rl_tx_grant_locked()).
 */
#define RL_TX_BURST			16
/* Messages of at most this many bytes are copied under the tx lock. */
#define RL_TX_INLINE_MAX		64

static BLOCKING_NOTIFIER_HEAD(rl_link_notifier);

static void rl_reset_rings(struct rpmsg_lite_instance *rl);
static void rl_tx_wake_waiters(struct rpmsg_lite_instance *rl);
static void rl_tx_grant(struct rpmsg_lite_instance *rl);

/*
 * Tell the notifier chain, then (state changes only) the link's own
 * listeners.  Process context.
 */
static void rl_notify_event(struct rpmsg_lite_instance *rl,
			    enum rpmsg_lite_event event)
{
	struct rl_listener *l;

	blocking_notifier_call_chain(&rl_link_notifier, event, rl);
	if (event != RPMSG_LITE_EVENT_LINK_UP &&
	    event != RPMSG_LITE_EVENT_LINK_DOWN)
		return;
	mutex_lock(&rl->listeners_lock);
	list_for_each_entry(l, &rl->listeners, node)
		if (l->ops->event)
			l->ops->event(l, event);
	mutex_unlock(&rl->listeners_lock);
}

/**
 * rl_listeners_ns() - hand a name-service announcement to the listeners
 * @rl: link
 * @addr: announced address
 * @name: announced name
 * @flags: RL_NS_CREATE or RL_NS_DESTROY
 *
 * Context: the link's receive work.
 */
void rl_listeners_ns(struct rpmsg_lite_instance *rl, u32 addr,
		     const char *name, u32 flags)
{
	struct rl_listener *l;

	mutex_lock(&rl->listeners_lock);
	list_for_each_entry(l, &rl->listeners, node)
		if (l->ops->ns)
			l->ops->ns(l, addr, name, flags);
	mutex_unlock(&rl->listeners_lock);
}

/**
 * rl_listen() - hear about a link's state changes and announcements
 * @rl: link
 * @l: listener, the caller's until rl_unlisten()
 * @ops: its callbacks (struct rl_listener_ops)
 *
 * Context: process context; not from a listener callback.
 */
void rl_listen(struct rpmsg_lite_instance *rl, struct rl_listener *l,
	       const struct rl_listener_ops *ops)
{
	l->ops = ops;
	mutex_lock(&rl->listeners_lock);
	list_add_tail(&l->node, &rl->listeners);
	mutex_unlock(&rl->listeners_lock);
}

/**
 * rl_unlisten() - stop a listener
 * @rl: link
 * @l: listener given to rl_listen()
 *
 * Once this returns no callback of @l runs or will run.
 *
 * Context: process context; not from a listener callback.
 */
void rl_unlisten(struct rpmsg_lite_instance *rl, struct rl_listener *l)
{
	mutex_lock(&rl->listeners_lock);
	list_del(&l->node);
	mutex_unlock(&rl->listeners_lock);
}

/**
 * rl_listener_find() - the listener of one front end on a link
 * @rl: link
 * @ops: the callbacks that front end listens with
 *
 * Return: the listener, or NULL.  Stays valid until its front end calls
 * rl_unlisten().
 */
struct rl_listener *rl_listener_find(struct rpmsg_lite_instance *rl,
				     const struct rl_listener_ops *ops)
{
	struct rl_listener *l, *found = NULL;

	mutex_lock(&rl->listeners_lock);
	list_for_each_entry(l, &rl->listeners, node) {
		if (l->ops == ops) {
			found = l;
			break;
		}
	}
	mutex_unlock(&rl->listeners_lock);
	return found;
}

/**
 * rl_in_rx_work() - is the caller the receive work of @rl?
 * @rl: link
 *
 * Return: true inside a receive callback, a name-service bind callback or
 * a LINK_UP/LINK_DOWN notifier called by the receive work.
 */
bool rl_in_rx_work(struct rpmsg_lite_instance *rl)
{
	return current_work() == &rl->rx_work;
}

static int rl_state_errno(struct rpmsg_lite_instance *rl)
{
	/* pairs with the barrier in rpmsg_lite_deinit() */
	smp_mb();
	if (READ_ONCE(rl->removing))
		return -ENODEV;
	switch (atomic_read(&rl->state)) {
	case RPMSG_LITE_LINK_UP:
		return 0;
	case RPMSG_LITE_LINK_WAITING:
		return -ENOTCONN;
	case RPMSG_LITE_LINK_RESETTING:
		return -EPIPE;
	default:
		return -ENODEV;
	}
}

/**
 * rl_link_errno() - what a call that needs traffic gets right now
 * @rl: link
 *
 * Return: 0 when up; -ENOTCONN waiting for the peer; -EPIPE resetting;
 * -ENODEV down or being removed.
 */
int rl_link_errno(struct rpmsg_lite_instance *rl)
{
	return rl_state_errno(rl);
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
	if (rl->role != RPMSG_LITE_REMOTE)
		return true;
	return (u8)(rl_vq_peer_flags(&rl->vq[0]) >> RL_VRING_F_GEN_SHIFT) ==
	       READ_ONCE(rl->ring_gen);
}

static void rl_wake_all(struct rpmsg_lite_instance *rl)
{
	rl_tx_wake_waiters(rl);
	wake_up_all(&rl->tx_wq);
	wake_up_all(&rl->link_wq);
	rl_queue_wake_all(rl);
}

/*
 * LINK_DOWN and LINK_UP alternate: LINK_DOWN is sent once per outage,
 * whichever path noticed it first (broken ring, reset, peer lost).
 */
static void rl_tell_down(struct rpmsg_lite_instance *rl)
{
	if (!test_and_set_bit(RL_FLAG_DOWN_TOLD, &rl->flags))
		rl_notify_event(rl, RPMSG_LITE_EVENT_LINK_DOWN);
}

static void rl_tell_up(struct rpmsg_lite_instance *rl)
{
	clear_bit(RL_FLAG_DOWN_TOLD, &rl->flags);
	rl_notify_event(rl, RPMSG_LITE_EVENT_LINK_UP);
}

static void rl_kick(struct rpmsg_lite_instance *rl, u32 vq_id)
{
	int ret = rl->ops->notify(rl->ops_priv, vq_id);

	if (ret) {
		rl_stat_inc(rl, kick_errors);
		rl_warn_rl(rl, "kick of vq %u failed: %d\n", vq_id, ret);
		return;
	}
	rl_stat_inc(rl, kicks_out);
}

/*
 * A vq reported structural corruption (-EIO): it is never trusted again.
 * Any context.  The link goes to RESETTING (senders get -EPIPE) and the
 * receive work tells the notifier chain LINK_DOWN; rpmsg_lite_reset_link()
 * rebuilds the rings.
 */
static void rl_link_broken(struct rpmsg_lite_instance *rl, struct rl_vq *vq)
{
	int old;

	rl_stat_inc(rl, ring_errors);
	old = atomic_cmpxchg(&rl->state, RPMSG_LITE_LINK_UP,
			     RPMSG_LITE_LINK_RESETTING);
	if (old == RPMSG_LITE_LINK_WAITING)
		old = atomic_cmpxchg(&rl->state, RPMSG_LITE_LINK_WAITING,
				     RPMSG_LITE_LINK_RESETTING);
	if (!test_and_set_bit(RL_FLAG_BROKEN_LOGGED, &rl->flags))
		rl_err(rl, "vq %u is corrupted (%u bad idx, %u bad head): link down until reset\n",
		       vq->cfg.id, vq->stats.bad_idx, vq->stats.bad_head);
	if (old == RPMSG_LITE_LINK_UP || old == RPMSG_LITE_LINK_WAITING) {
		set_bit(RL_PEND_DOWN, &rl->pending);
		queue_work(rl->rx_wq, &rl->rx_work);
	}
	rl_wake_all(rl);
}

/* ---- buffers: one state each ---- */

/* Direction of a buffer, as an index of rl_buf_next[]. */
enum { RL_RX, RL_TX };

#define RL_B(state)	BIT(RL_BUF_##state)
/*
 * The state changes a buffer may make, per direction: rl_buf_next[dir][from]
 * has bit @to set when @from -> @to is allowed.  A link reset moves every
 * buffer back to RL_BUF_RING (rl_bufs_reset_locked()); a holder from
 * before a reset only counts down rl_buf.voids.  The table is the one in
 * Documentation/rpmsg-lite/core.rst.
 */
static const u8 rl_buf_next[2][RL_BUF_NR_STATES] = {
	[RL_RX] = {
		[RL_BUF_RING] = RL_B(USER),	/* taken by the receive work */
		[RL_BUF_USER] = RL_B(RING),	/* given back to the peer */
	},
	[RL_TX] = {
		/* taken for a sender; or while a pre-reset holder has it */
		[RL_BUF_RING] = RL_B(USER) | RL_B(PARKED),
		[RL_BUF_SPARE] = RL_B(USER),	/* handed to a sender */
		/* published; or released unsent */
		[RL_BUF_USER] = RL_B(RING) | RL_B(SPARE),
		[RL_BUF_PARKED] = RL_B(SPARE),	/* the old holder let go */
	},
};

static const char * const rl_buf_state_names[RL_BUF_NR_STATES] = {
	[RL_BUF_RING] = "ring",
	[RL_BUF_SPARE] = "spare",
	[RL_BUF_USER] = "user",
	[RL_BUF_PARKED] = "parked",
};

static struct rl_buf *rl_buf(struct rpmsg_lite_instance *rl, int dir,
			     u16 head)
{
	return dir == RL_TX ? &rl->tx_bufs_state[head] :
			      &rl->rx_bufs_state[head];
}

/*
 * The one place a buffer changes hands (the ring lock of @dir held): from
 * @from, which the caller found, to @to.  A change the table does not
 * allow, or a voided transmit buffer handed out again, is a bug of this
 * driver: refused, counted in buf_errors, logged, and a WARN in kernels
 * built with KUnit (the test kernels).  Return: true when done.
 */
static bool rl_buf_move(struct rpmsg_lite_instance *rl, int dir, u16 head,
			enum rl_buf_state from, enum rl_buf_state to)
{
	struct rl_buf *b = rl_buf(rl, dir, head);

	if (unlikely(b->state != from || !(rl_buf_next[dir][from] & BIT(to)) ||
		     (to == RL_BUF_USER && dir == RL_TX && b->voids))) {
		atomic_inc(&rl->buf_errors);
		rl_err_rl(rl, "%s buffer %u: refused %s -> %s (is %s, %u void holders)\n",
			  dir == RL_TX ? "transmit" : "receive", head,
			  rl_buf_state_names[from], rl_buf_state_names[to],
			  rl_buf_state_names[b->state], b->voids);
		WARN_ONCE(IS_ENABLED(CONFIG_KUNIT), "rpmsg_lite: bad buffer state change\n");
		return false;
	}
	if (dir == RL_TX) {
		if (from == RL_BUF_SPARE)
			rl->tx_nspare--;
		if (to == RL_BUF_SPARE)
			rl->tx_nspare++;
	}
	b->state = to;
	return true;
}

/*
 * A link reset: every buffer goes back to its ring, and each one a user
 * holds gets one more void holder (its release then only counts down).
 * Both ring locks held.  Return: the number of buffers users held.
 */
static u32 rl_bufs_reset_locked(struct rpmsg_lite_instance *rl)
{
	u32 i, held = 0;
	int dir;

	for (dir = RL_RX; dir <= RL_TX; dir++) {
		for (i = 0; i < rl->cfg.buffer_count; i++) {
			struct rl_buf *b = rl_buf(rl, dir, i);

			if (b->state == RL_BUF_USER) {
				held++;
				if (b->voids < U8_MAX)
					b->voids++;
			}
			b->state = RL_BUF_RING;
			/* a void holder's release still looks it up */
			if (!b->voids)
				b->va = NULL;
		}
	}
	rl->tx_nspare = 0;
	return held;
}

/*
 * A holder from before a reset lets go of @head (b->voids nonzero): one
 * void holder less; a parked transmit buffer whose last one left becomes
 * spare.  The ring lock of @dir held.
 */
static void rl_buf_unvoid(struct rpmsg_lite_instance *rl, int dir, u16 head)
{
	struct rl_buf *b = rl_buf(rl, dir, head);

	b->voids--;
	if (dir == RL_TX && !b->voids && b->state == RL_BUF_PARKED)
		rl_buf_move(rl, dir, head, RL_BUF_PARKED, RL_BUF_SPARE);
}

/* Head of @buf in an array of @count buffers at @base, or -1. */
static int rl_buf_index(struct rpmsg_lite_instance *rl, const void *base,
			const void *buf)
{
	unsigned long off = (unsigned long)buf - (unsigned long)base;

	if ((unsigned long)buf < (unsigned long)base ||
	    off >= (unsigned long)rl->cfg.buffer_count * rl->buf_size ||
	    off % rl->buf_size)
		return -1;
	return off / rl->buf_size;
}

static u16 *rl_slots(struct rpmsg_lite_instance *rl, int dir)
{
	return dir == RL_TX ? rl->tx_slots : rl->rx_slots;
}

/* Someone has @head: a user, set aside, or a holder from before a reset. */
static bool rl_buf_busy(const struct rl_buf *b)
{
	return b->state == RL_BUF_USER || b->state == RL_BUF_PARKED ||
	       b->voids;
}

/*
 * Remote: the ring gave @head with the mapping @va, a whole buffer of its
 * half of the buffer area (the vring engine checked that).  A buffer is
 * held through one head at a time: when another head still holds it (a
 * master that points two descriptors at one buffer), the descriptor is
 * refused.  A holder from before a reset is recognised by the mapping it
 * was given; when the master now maps the head elsewhere (a rebuilt
 * layout, or a hostile descriptor), that holder's release can no longer
 * be told from a stranger's: the head forgets it (else the head would
 * wait for that release forever and never serve again).  The ring lock of
 * @dir held.  Return: false when the descriptor is refused (logged).
 */
static bool rl_buf_map(struct rpmsg_lite_instance *rl, int dir, u16 head,
		       void *va)
{
	const void *base = dir == RL_TX ? rl->tx_bufs : rl->rx_bufs;
	struct rl_buf *b = rl_buf(rl, dir, head);
	int slot = rl_buf_index(rl, base, va), owner;
	u16 *slots = rl_slots(rl, dir);

	if (slot < 0)
		return false;
	owner = slots[slot] - 1;
	if (owner >= 0 && owner != head &&
	    rl_buf_busy(rl_buf(rl, dir, owner)) &&
	    rl_buf(rl, dir, owner)->va == va) {
		rl_warn_rl(rl, "%s descriptor %u: buffer %d held through %d: refused\n",
			   dir == RL_TX ? "transmit" : "receive", head, slot,
			   owner);
		return false;
	}
	if (b->voids && b->va != va) {
		rl_warn_rl(rl, "%s buffer %u moved under its holder from before the reset\n",
			   dir == RL_TX ? "transmit" : "receive", head);
		b->voids = 0;
	}
	slots[slot] = head + 1;
	b->va = va;
	return true;
}

/*
 * Head of @dir whose buffer is @buf.  Master: arithmetic on its own buffer
 * array.  Remote: the mappings the engine gave us when we took each head
 * (never the index the peer wrote into the header); the usual layout is
 * tried first, then every head.  The ring lock of @dir held.
 */
static int rl_head_of(struct rpmsg_lite_instance *rl, int dir,
		      const void *base, const void *buf)
{
	int slot = rl_buf_index(rl, base, buf), h;

	if (rl->role == RPMSG_LITE_MASTER || slot < 0)
		return slot;
	h = rl_slots(rl, dir)[slot] - 1;
	if (h < 0 || rl_buf(rl, dir, h)->va != buf)
		return -1;
	return h;
}

static void *rl_payload_to_buf(const void *payload)
{
	return (void *)((unsigned long)payload - RL_MSG_HDR_SIZE);
}

/* ---- receive ---- */

/*
 * Give a received buffer back to the peer (it is RL_BUF_RING again, even
 * when nothing can be written).  rx_lock held.
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
	if (atomic_read(&rl->state) == RPMSG_LITE_LINK_RESETTING)
		return 0;

	if (rl->role == RPMSG_LITE_MASTER)
		ret = rl_vq_add_avail(rl->rxq, head);
	else
		ret = rl_vq_add_used(rl->rxq, head, rl->buf_size);
	if (!ret)
		rl->rx_returned++;
	return ret;
}

/* Should the peer hear about returned buffers?  rx_lock held. */
static bool rl_rx_kick_needed_locked(struct rpmsg_lite_instance *rl)
{
	bool kick;

	if (!rl->rx_returned)
		return false;
	rl->rx_returned = 0;
	kick = rl->cfg.notify_consumed && rl_vq_need_kick(rl->rxq);
	return kick;
}

/*
 * One release of received buffer @head (a callback returned RL_RELEASE, or
 * a holder let go): while holders from before a reset have it, this only
 * counts one of them down (the head goes back once all let go); otherwise
 * it goes back to the peer.  rx_lock held.  Return: 0; -EALREADY not held;
 * -EIO the ring broke.
 */
static int rl_rx_release_locked(struct rpmsg_lite_instance *rl, u16 head)
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
	spin_lock_irqsave(&rl->rx_lock, flags);
	for (i = 0; i < n; i++)
		if (rl_rx_release_locked(rl, heads[i]) == -EIO)
			ret = -EIO;
	spin_unlock_irqrestore(&rl->rx_lock, flags);

	if (ret == -EIO)
		rl_link_broken(rl, rl->rxq);
}

static struct rpmsg_lite_endpoint *rl_ept_get(struct rpmsg_lite_instance *rl,
					      u32 addr)
{
	struct rpmsg_lite_endpoint *ept;

	rcu_read_lock();
	ept = xa_load(&rl->epts, addr);
	if (ept && !refcount_inc_not_zero(&ept->refs))
		ept = NULL;
	rcu_read_unlock();
	return ept;
}

/* Drop a reference taken by the receive work. */
static void rl_ept_put_from_work(struct rpmsg_lite_endpoint *ept)
{
	if (!refcount_dec_and_test(&ept->refs))
		return;
	if (ept->free_after_cb)
		rl_ept_unused(ept);
	else
		complete(&ept->released);
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

	rl->cb_ept = ept;
	ret = ept->rx_cb(slot->buf + RL_MSG_HDR_SIZE, len, src,
			 ept->rx_cb_data);
	rl->cb_ept = NULL;
	(*delivered)++;
	rl_ept_put_from_work(ept);
	return ret != RL_HOLD;
}

/*
 * Remote, flags mode: ask the master not to kick our receive queue while
 * the receive work is pending or running (used.flags NO_NOTIFY, which
 * rpmsg-lite's master and ours honour before kicking): a kick then only
 * repeats the one that queued the work.  rl_rx_drain() asks for kicks
 * again and looks for work once more before it ends, so nothing published
 * meanwhile waits.  Nothing is written unless the link is up, checked
 * under rx_lock (see rl_remote_freeze()).  Any context.
 */
static void rl_rx_quiet(struct rpmsg_lite_instance *rl)
{
	unsigned long flags;

	if (rl->role != RPMSG_LITE_REMOTE || rl->cfg.event_idx)
		return;
	/* under rx_lock: rl_remote_freeze() stops every ring write */
	spin_lock_irqsave(&rl->rx_lock, flags);
	if (atomic_read(&rl->state) == RPMSG_LITE_LINK_UP)
		rl_vq_suppress_kicks(rl->rxq, true);
	spin_unlock_irqrestore(&rl->rx_lock, flags);
}

/* Take one entry of the receive vq.  rx_lock held. */
static int rl_rx_take_locked(struct rpmsg_lite_instance *rl, u16 *head,
			     void **buf, u32 *len)
{
	int ret;

	if (rl->role == RPMSG_LITE_MASTER) {
		ret = rl_vq_get_used(rl->rxq, head, len);
		if (!ret)
			*buf = rl_vq_master_buf(rl->rxq, *head);
	} else {
		ret = rl_vq_get_avail(rl->rxq, head, buf, len);
		if (!ret && !rl_buf_map(rl, RL_RX, *head, *buf))
			ret = -EBADMSG;
	}
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
 * rl->rx_batch, marked held, under one lock; entries with a bad length or
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

	spin_lock_irqsave(&rl->rx_lock, flags);
	while (*budget && n < RL_RX_BATCH) {
		slot = &rl->rx_batch[n];
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
	spin_unlock_irqrestore(&rl->rx_lock, flags);

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
		if (atomic_read(&rl->state) != RPMSG_LITE_LINK_UP)
			return;
		n = rl_rx_take_batch(rl, &budget, &err);
		if (n)
			WRITE_ONCE(rl->peer_seen, true);

		ndone = 0;
		delivered = 0;
		for (i = 0; i < n; i++) {
			/* link down meanwhile: the rest is dropped */
			if (atomic_read(&rl->state) != RPMSG_LITE_LINK_UP ||
			    rl_rx_one(rl, &rl->rx_batch[i], &delivered))
				done[ndone++] = rl->rx_batch[i].head;
		}
		if (delivered)
			atomic64_add(delivered, &rl->stats.rx_msgs);
		rl_rx_release_heads(rl, done, ndone);

		if (err == -EIO) {
			rl_link_broken(rl, rl->rxq);
			return;
		}
		if (err == -ENOENT || !budget)
			break;
		if (err) {
			rl_err_rl(rl, "receive vq %u: unexpected error %d\n",
				  rl->rx_vq_id, err);
			break;
		}
	}

	spin_lock_irqsave(&rl->rx_lock, flags);
	kick = rl_rx_kick_needed_locked(rl);
	/*
	 * Kicks wanted again (event-idx: both roles; flags mode: the remote,
	 * see rl_rx_quiet()), then look once more: the peer may have
	 * published just before it saw the request, and not kicked.
	 */
	if ((rl->cfg.event_idx || rl->role == RPMSG_LITE_REMOTE) &&
	    atomic_read(&rl->state) == RPMSG_LITE_LINK_UP)
		rl_vq_suppress_kicks(rl->rxq, false);
	more = rl_vq_has_work(rl->rxq);
	spin_unlock_irqrestore(&rl->rx_lock, flags);

	if (kick)
		rl_kick(rl, rl->rx_vq_id);
	if (more)
		queue_work(rl->rx_wq, &rl->rx_work);
}

/*
 * Remote: do the rings hold the image a master writes at init (vring 0:
 * all buffers posted, nothing used; vring 1: all buffers pre-published as
 * used, at most @max_sent posted since)?  With @need_used, only when the
 * image undid something this side did (or it found the rings broken):
 * an idx only we write no longer shows what we wrote, or entries we took
 * from vring 1 are gone.  Otherwise a repeated kick and a rebuild look the
 * same.  Taking transmit buffers writes nothing: a remote that only did
 * that (a send or a zero-copy buffer being filled) runs on this very
 * image, and following it would void those buffers for nothing.  Each
 * index is read once, under both ring locks.  When every buffer has come
 * back and the idx values wrapped to exactly these numbers the check is
 * a false positive, but then nothing is in flight and following the
 * "rebuild" loses nothing.  Only for a master that never showed a
 * generation (rl_wire.h): rpmsg-lite.
 */
static bool rl_remote_sees_init_image(struct rpmsg_lite_instance *rl,
				      u16 max_sent, bool need_used)
{
	u16 count = rl->cfg.buffer_count;
	unsigned long flags;
	u16 a0, u0, a1, u1;
	bool undone;

	spin_lock_irqsave(&rl->rx_lock, flags);
	spin_lock(&rl->tx_lock);
	a0 = le16_to_cpu(READ_ONCE(rl->vq[0].avail->idx));
	u0 = le16_to_cpu(READ_ONCE(rl->vq[0].used->idx));
	a1 = le16_to_cpu(READ_ONCE(rl->vq[1].avail->idx));
	u1 = le16_to_cpu(READ_ONCE(rl->vq[1].used->idx));
	undone = rl->vq[0].broken || rl->vq[1].broken ||
		 (rl->vq[0].synced && rl->vq[0].used_shadow != u0) ||
		 (rl->vq[1].synced && (rl->vq[1].used_shadow != u1 ||
				       rl->vq[1].avail_last != a1));
	spin_unlock(&rl->tx_lock);
	spin_unlock_irqrestore(&rl->rx_lock, flags);

	return (undone || !need_used) && a0 == count && u0 == 0 &&
	       u1 == count && a1 <= max_sent;
}

/*
 * Remote: did the master rebuild the rings since we last followed it?  A
 * master that has shown a generation is believed by its generation @gen
 * only; for one that never did, the init image tells.  @after_reset: we
 * reset ourselves and wait (the image may already carry up to a ring of
 * messages; our own ring state tells nothing); otherwise we are up or
 * resetting, the image must be exact and must have undone something we
 * wrote or took.
 */
static bool rl_remote_master_rebuilt(struct rpmsg_lite_instance *rl, u8 gen,
				     bool after_reset)
{
	if (rl->gen_known || gen)
		return gen != rl->ring_gen;
	if (after_reset)
		return rl_remote_sees_init_image(rl, rl->cfg.buffer_count,
						 false);
	return rl_remote_sees_init_image(rl, 0, true);
}

/*
 * Remote: say in our flags word that we follow generations and which one
 * we saw last (@gen; odd: an acknowledgment).  tx_lock held.
 */
static void rl_remote_answer_gen_locked(struct rpmsg_lite_instance *rl,
					u8 gen)
{
	rl_vq_set_flags_ext(&rl->vq[0], RL_VRING_USED_F_GEN_AWARE |
			    (u16)gen << RL_VRING_F_GEN_SHIFT);
}

/*
 * Remote: take generation @gen of the master's rings as the one we follow
 * and say so in our flags word (we follow generations; last seen @gen).
 */
static void rl_remote_adopt_gen(struct rpmsg_lite_instance *rl, u8 gen)
{
	unsigned long flags;

	spin_lock_irqsave(&rl->tx_lock, flags);
	/* read locklessly by rl_rx_copy_valid() */
	WRITE_ONCE(rl->ring_gen, gen);
	if (gen)
		rl->gen_known = true;
	rl_remote_answer_gen_locked(rl, gen);
	spin_unlock_irqrestore(&rl->tx_lock, flags);
}

/*
 * Remote: the master announced that it is about to rewrite the rings (odd
 * generation @gen).  Stop writing to them (the link goes RESETTING: no
 * send, no buffer return, no flag writes), then acknowledge @gen in
 * used.flags and kick, so that the master rewrites only once we are
 * quiet.  The state change and the acknowledgment happen under both ring
 * locks: every writer either finished before or sees the new state.  A
 * remote waiting for its first kick writes nothing but the answer.
 */
static void rl_remote_freeze(struct rpmsg_lite_instance *rl, u8 gen)
{
	int old = atomic_read(&rl->state);
	unsigned long flags;

	if (old == RPMSG_LITE_LINK_DOWN)
		return;
	if (old != RPMSG_LITE_LINK_UP && rl->gen_acked == gen &&
	    rl->gen_known)
		return;

	spin_lock_irqsave(&rl->rx_lock, flags);
	spin_lock(&rl->tx_lock);
	old = atomic_cmpxchg(&rl->state, RPMSG_LITE_LINK_UP,
			     RPMSG_LITE_LINK_RESETTING);
	rl->gen_acked = gen;
	rl->gen_known = true;
	rl_remote_answer_gen_locked(rl, gen);
	spin_unlock(&rl->tx_lock);
	spin_unlock_irqrestore(&rl->rx_lock, flags);

	if (old == RPMSG_LITE_LINK_UP) {
		rl_dbg(rl, "the master is rebuilding the rings (generation %u): stopped\n",
		       gen);
		rl_wake_all(rl);
		rl_tell_down(rl);
	}
	/* the acknowledgment must be visible before the kick */
	wmb();
	rl_kick(rl, rl->tx_vq_id);
}

/*
 * Remote, receive work, after a kick, with the master's generation @gen
 * (even): if the master rebuilt the rings, forget our ring state and held
 * buffers (as a reset does), tell LINK_DOWN then LINK_UP, and carry on
 * with the new rings: the kick we are handling is the master's
 * announcement.
 */
static void rl_remote_follow_master(struct rpmsg_lite_instance *rl, u8 gen)
{
	int old = atomic_read(&rl->state);

	if (old != RPMSG_LITE_LINK_UP && old != RPMSG_LITE_LINK_RESETTING)
		return;
	if (!rl_remote_master_rebuilt(rl, gen, false))
		return;
	if (atomic_cmpxchg(&rl->state, old, RPMSG_LITE_LINK_RESETTING) != old)
		return;

	/* a peer can trigger this at will: rate limited */
	rl_log(rl, dev_info_ratelimited,
	       "the master rebuilt the rings: following it\n");
	rl_wake_all(rl);
	rl_tell_down(rl);
	rl_reset_rings(rl);
	rl_remote_adopt_gen(rl, gen);
	rl_stat_inc(rl, master_reinits);
	if (atomic_cmpxchg(&rl->state, RPMSG_LITE_LINK_RESETTING,
			   RPMSG_LITE_LINK_UP) == RPMSG_LITE_LINK_RESETTING) {
		rl_wake_all(rl);
		rl_tell_up(rl);
	}
}

/*
 * Remote, receive work, after a kick: the master's generation decides
 * first.  Return: true when the receive work must not touch the rings
 * (the master is rewriting them, or the link is not up).
 */
static bool rl_remote_track_master(struct rpmsg_lite_instance *rl)
{
	u8 gen = rl_vq_peer_flags(&rl->vq[0]) >> RL_VRING_F_GEN_SHIFT;

	if (gen & 1) {
		rl_remote_freeze(rl, gen);
		return true;
	}
	rl_remote_follow_master(rl, gen);
	/*
	 * A remote that reset itself after using the rings: the old rings
	 * still hold what it took before, coming up on them would take
	 * those messages again.
	 */
	if (atomic_read(&rl->state) == RPMSG_LITE_LINK_WAITING &&
	    READ_ONCE(rl->need_rebuild) &&
	    !rl_remote_master_rebuilt(rl, gen, true)) {
		rl_dbg(rl, "kick on the rings of before our reset: still waiting\n");
		return true;
	}
	if (atomic_cmpxchg(&rl->state, RPMSG_LITE_LINK_WAITING,
			   RPMSG_LITE_LINK_UP) == RPMSG_LITE_LINK_WAITING) {
		WRITE_ONCE(rl->need_rebuild, false);
		rl_remote_adopt_gen(rl, gen);
		rl_dbg(rl, "first kick from the master: link up\n");
		rl_wake_all(rl);
		rl_tell_up(rl);
	}
	return false;
}

static void rl_rx_work(struct work_struct *work)
{
	struct rpmsg_lite_instance *rl =
		container_of(work, struct rpmsg_lite_instance, rx_work);
	unsigned long pend = xchg(&rl->pending, 0);

	if (pend & BIT(RL_PEND_DOWN)) {
		rl_wake_all(rl);
		rl_tell_down(rl);
	}

	if (rl->role == RPMSG_LITE_REMOTE &&
	    (pend & (BIT(RL_PEND_VQ0) | BIT(RL_PEND_VQ1))) &&
	    rl_remote_track_master(rl))
		return;

	rl_rx_drain(rl);
}

/* Master: has the remote written anything into a used ring yet? */
static bool rl_master_remote_active(struct rpmsg_lite_instance *rl)
{
	u16 rx_idx = le16_to_cpu(READ_ONCE(rl->vq[0].used->idx));
	u16 tx_idx = le16_to_cpu(READ_ONCE(rl->vq[1].used->idx));

	return READ_ONCE(rl->peer_seen) || rx_idx != rl->rx_used_base ||
	       tx_idx != rl->tx_used_base;
}

/*
 * Master: the first kick can be lost (a remote not listening yet, an
 * emulated doorbell before its interrupt is enabled).  Repeat it until the
 * remote has visibly touched a used ring.
 */
static void rl_kick_work(struct work_struct *work)
{
	struct rpmsg_lite_instance *rl =
		container_of(to_delayed_work(work), struct rpmsg_lite_instance,
			     kick_work);

	if (atomic_read(&rl->state) != RPMSG_LITE_LINK_UP ||
	    READ_ONCE(rl->removing))
		return;
	if (rl_master_remote_active(rl)) {
		WRITE_ONCE(rl->peer_seen, true);
		rl_dbg(rl, "remote active: link-up kicks stop\n");
		return;
	}
	rl_stat_inc(rl, link_up_rekicks);
	rl_kick(rl, rl_vq_id(rl->cfg.link_id, RL_VQ_MASTER_RX));
	queue_delayed_work(rl->wq, &rl->kick_work,
			   msecs_to_jiffies(rl->cfg.link_up_kick_ms));
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
	set_bit((vq_id & 1) ? RL_PEND_VQ1 : RL_PEND_VQ0, &rl->pending);
	/*
	 * Handed out and woken here rather than in the work: a callback
	 * blocked in a send runs on that work and would otherwise wait for
	 * itself.
	 */
	if (vq_id == rl->tx_vq_id) {
		rl_tx_grant(rl);
		wake_up_all(&rl->tx_wq);
	}
	/* before queueing: the work clears it after its last look */
	if (vq_id == rl->rx_vq_id)
		rl_rx_quiet(rl);
	queue_work(rl->rx_wq, &rl->rx_work);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_isr, RPMSG_LITE);

/* ---- transmit buffers ---- */

static void *rl_tx_buf(struct rpmsg_lite_instance *rl, u16 head)
{
	if (rl->role == RPMSG_LITE_MASTER)
		return rl_vq_master_buf(rl->txq, head);
	return rl_buf(rl, RL_TX, head)->va;
}

/*
 * A transmit head came out of the ring: it goes to the sender
 * (RL_BUF_USER), or aside while its holder from before a reset still has
 * it (RL_BUF_PARKED).  Return: true when the sender may have it.  tx_lock
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
 * spare ones first, then the ring.  -ENOENT when none.  tx_lock held.
 */
static int rl_tx_take_locked(struct rpmsg_lite_instance *rl, u16 *head)
{
	u32 count = rl->cfg.buffer_count;
	void *buf;
	u32 tries;
	u32 len;
	int ret;
	u32 h;

	for (h = 0; rl->tx_nspare && h < count; h++) {
		if (rl->tx_bufs_state[h].state == RL_BUF_SPARE) {
			rl_buf_move(rl, RL_TX, h, RL_BUF_SPARE, RL_BUF_USER);
			*head = h;
			return 0;
		}
	}

	if (rl->role == RPMSG_LITE_MASTER) {
		/* bounded: each pass consumes one ring entry */
		for (tries = 0; tries < count; tries++) {
			ret = rl_vq_get_used(rl->txq, head, &len);
			/* a bad used length on our own tx buffer is harmless */
			if (ret == -EBADMSG) {
				rl_stat_inc(rl, ring_errors);
				ret = 0;
			}
			if (ret || rl_tx_taken_locked(rl, *head))
				return ret;
		}
		return -ENOENT;
	}

	/* bounded: each pass consumes one ring entry */
	for (tries = 0; tries < count; tries++) {
		ret = rl_vq_get_avail(rl->txq, head, &buf, &len);
		if (!ret && !rl_buf_map(rl, RL_TX, *head, buf))
			ret = -EBADMSG;
		if (!ret) {
			if (rl_tx_taken_locked(rl, *head))
				return 0;
			continue;
		}
		if (ret != -EBADMSG)
			return ret;
		/* unusable descriptor: hand it back empty, try the next */
		rl_stat_inc(rl, ring_errors);
		ret = rl_vq_add_used(rl->txq, *head, 0);
		if (ret == -EIO)
			return ret;
	}
	return -ENOENT;
}

/*
 * Take a free transmit buffer; in event-index mode, when none is left, ask
 * for a kick and look again (engine contract: a buffer given back between
 * the look and the request is not missed).  -ENOENT when none.  tx_lock
 * held.
 */
static int rl_tx_take_kick_locked(struct rpmsg_lite_instance *rl, u16 *head)
{
	int ret = rl_tx_take_locked(rl, head);

	if (ret == -ENOENT && rl->cfg.event_idx) {
		rl_vq_suppress_kicks(rl->txq, false);
		ret = rl_tx_take_locked(rl, head);
	}
	return ret;
}

/*
 * Free transmit buffers right now: ring entries given back and not taken
 * yet (the peer's index, read once and clamped), plus spare heads.
 * tx_lock held.
 */
static u32 rl_tx_free_locked(struct rpmsg_lite_instance *rl)
{
	u32 count = rl->cfg.buffer_count;
	struct rl_vq *vq = rl->txq;
	u16 pend;
	u32 n;

	if (vq->broken)
		return 0;
	if (rl->role == RPMSG_LITE_MASTER)
		pend = le16_to_cpu(READ_ONCE(vq->used->idx)) - vq->used_last;
	else
		pend = le16_to_cpu(READ_ONCE(vq->avail->idx)) - vq->avail_last;
	n = min_t(u32, pend, count) + rl->tx_nspare;
	return min_t(u32, n, count);
}

/**
 * struct rl_tx_waiter - a blocked sender queued for a transmit buffer
 * @node: in the link's tx_waiters, oldest first
 * @ept: endpoint that sends (it gets the burst credit), or NULL for a
 *       zero-copy allocation
 * @wq: the sender sleeps here until @woken
 * @woken: a buffer was handed over, the sender became the oldest one (it
 *         then polls) or the link state changed
 * @head: the buffer handed over (RL_BUF_USER)
 * @granted: @head is valid; the waiter is off the queue
 *
 * Lives on the sender's stack; queued, woken and dequeued under the link's
 * tx_lock, which the sender takes again before it returns.
 */
struct rl_tx_waiter {
	struct list_head node;
	struct rpmsg_lite_endpoint *ept;
	wait_queue_head_t wq;
	bool woken;
	u16 head;
	bool granted;
};

/* tx_lock held */
static void rl_tx_wake_locked(struct rl_tx_waiter *w)
{
	w->woken = true;
	wake_up(&w->wq);
}

/* Free transmit buffers not set aside for credits.  tx_lock held. */
static u32 rl_tx_unreserved_locked(struct rpmsg_lite_instance *rl)
{
	u32 n = rl_tx_free_locked(rl);

	return n > rl->tx_reserved ? n - rl->tx_reserved : 0;
}

/* Burst credits of the rounds before are void from now on.  tx_lock held. */
static void rl_tx_new_round_locked(struct rpmsg_lite_instance *rl)
{
	rl->tx_round++;
	rl->tx_reserved = 0;
	rl->tx_credit_jiffies = jiffies;
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
 * buffers are set aside (tx_reserved) from what later grants hand out
 * until the round ends, at the first grant a jiffy or more after a credit
 * was last granted or used (a holder may stop sending; its credit must
 * not keep buffers idle, but holders still waiting for a CPU keep it).
 * When the oldest waiter changes, the new one is woken to poll in its
 * turn.  tx_lock held.  Return: 0, or -EIO when the ring is corrupted.
 */
static int rl_tx_grant_locked(struct rpmsg_lite_instance *rl)
{
	u32 count = rl->cfg.buffer_count;
	u32 avail, burst, batch, free;
	struct rl_tx_waiter *w;
	bool popped = false;
	int ret = 0;

	if (list_empty(&rl->tx_waiters) || rl_state_errno(rl))
		return 0;
	if (rl->tx_reserved && time_after(jiffies, rl->tx_credit_jiffies))
		rl_tx_new_round_locked(rl);
	free = rl_tx_free_locked(rl);
	avail = free > rl->tx_reserved ? free - rl->tx_reserved : 0;
	batch = clamp_t(u32, count / 4, 1, RL_TX_BURST);
	/* little on its way back: hand out what there is */
	if (count - free < batch)
		batch = 1;
	burst = max_t(u32, avail / max(rl->tx_nwaiters, 1U), RL_TX_BURST);
	while (avail >= batch && !list_empty(&rl->tx_waiters)) {
		w = list_first_entry(&rl->tx_waiters, struct rl_tx_waiter,
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
			w->ept->tx_round = rl->tx_round;
			rl->tx_credit_jiffies = jiffies;
			rl->tx_reserved += w->ept->tx_credit;
			avail -= w->ept->tx_credit;
		}
		list_del_init(&w->node);
		rl->tx_nwaiters--;
		rl->tx_grants++;
		w->granted = true;
		rl_tx_wake_locked(w);
		popped = true;
	}
	if (popped && !list_empty(&rl->tx_waiters))
		rl_tx_wake_locked(list_first_entry(&rl->tx_waiters,
						   struct rl_tx_waiter, node));
	return ret;
}

/*
 * Buffers may have come back (a kick of the transmit queue, a released
 * zero-copy buffer): hand them to queued senders.  Any context.
 */
static void rl_tx_grant(struct rpmsg_lite_instance *rl)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&rl->tx_lock, flags);
	ret = rl_tx_grant_locked(rl);
	spin_unlock_irqrestore(&rl->tx_lock, flags);
	if (ret == -EIO)
		rl_link_broken(rl, rl->txq);
}

/*
 * The link state changed: void the credits and wake every queued sender
 * to look at the state.  Any context.
 */
static void rl_tx_wake_waiters(struct rpmsg_lite_instance *rl)
{
	struct rl_tx_waiter *w;
	unsigned long flags;

	spin_lock_irqsave(&rl->tx_lock, flags);
	rl_tx_new_round_locked(rl);
	list_for_each_entry(w, &rl->tx_waiters, node)
		rl_tx_wake_locked(w);
	spin_unlock_irqrestore(&rl->tx_lock, flags);
}

/*
 * One look for a buffer for a sender of @ept (NULL: zero-copy allocation).
 * A blocking sender (@fair) takes none ahead of queued senders nor one
 * set aside for a credit, unless its endpoint holds credit of the current
 * round; a non-blocking one takes any free buffer, as rpmsg-lite does.
 * 0 and *head (RL_BUF_USER); -ENOENT none for this sender; -EIO
 * corrupted ring; -EPIPE @ept was destroyed; or the link-state errno.
 * tx_lock held.
 */
static int rl_tx_take_for_locked(struct rpmsg_lite_instance *rl,
				 struct rpmsg_lite_endpoint *ept, u16 *head,
				 bool fair)
{
	int ret;

	ret = rl_state_errno(rl);
	if (ret)
		return ret;
	if (ept && READ_ONCE(ept->dead))
		return -EPIPE;
	if (ept && ept->tx_credit && ept->tx_round == rl->tx_round) {
		ret = rl_tx_take_kick_locked(rl, head);
		if (!ret) {
			ept->tx_credit--;
			rl->tx_reserved--;
			rl->tx_credit_jiffies = jiffies;
			return 0;
		}
		/* taken by non-blocking senders meanwhile: the credit is void */
		rl->tx_reserved -= ept->tx_credit;
		ept->tx_credit = 0;
		return ret;
	}
	if (fair && (!list_empty(&rl->tx_waiters) ||
		     (rl->tx_reserved && !rl_tx_unreserved_locked(rl))))
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

	spin_lock_irqsave(&rl->tx_lock, flags);
	ret = rl_tx_take_for_locked(rl, ept, head, fair);
	spin_unlock_irqrestore(&rl->tx_lock, flags);

	if (ret == -EIO) {
		rl_link_broken(rl, rl->txq);
		return -EPIPE;
	}
	return ret == -ENOENT ? -ENOMEM : ret;
}

/*
 * End an RL_SEND_MORE batch: kick the peer if it wants to hear about what
 * was published (with @open_only, only when such a batch is open).  Any
 * context.  Return: the link-state errno (then nobody is told).
 */
static int rl_tx_end_batch(struct rpmsg_lite_instance *rl, bool open_only)
{
	unsigned long flags;
	bool kick = false;
	int ret;

	spin_lock_irqsave(&rl->tx_lock, flags);
	ret = rl_state_errno(rl);
	if (!ret && (rl->tx_more || !open_only))
		kick = rl_vq_need_kick(rl->txq);
	rl->tx_more = false;
	spin_unlock_irqrestore(&rl->tx_lock, flags);
	if (kick)
		rl_kick(rl, rl->tx_vq_id);
	return ret;
}

/*
 * Get a transmit buffer for a sender of @ept (NULL: zero-copy allocation),
 * waiting up to @timeout_ms.  A blocked sender queues behind the others
 * and is handed a buffer in its turn (rl_tx_grant_locked()).  The oldest
 * waiter polls with a high-resolution timer, from RL_TX_POLL_MIN_US and
 * twice as long after each empty look up to RL_TX_RECHECK_POLL_MS: a peer
 * that does not kick on consumed buffers is then seen within a few tens of
 * microseconds while it is quick, and costs little while it is slow.
 */
static int rl_tx_acquire(struct rpmsg_lite_instance *rl,
			 struct rpmsg_lite_endpoint *ept,
			 unsigned long timeout_ms, u16 *head)
{
	struct rl_tx_waiter w = { .ept = ept };
	u64 poll_ns = RL_TX_POLL_MIN_US * NSEC_PER_USEC;
	ktime_t deadline = KTIME_MAX, now;
	unsigned long flags;
	s64 left_ns;
	long wret = 0;
	u32 grants;
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
	init_waitqueue_head(&w.wq);

	spin_lock_irqsave(&rl->tx_lock, flags);
	ret = rl_tx_take_for_locked(rl, ept, head, true);
	if (ret != -ENOENT)
		goto out;
	list_add_tail(&w.node, &rl->tx_waiters);
	rl->tx_nwaiters++;
	grants = rl->tx_grants;
	for (;;) {
		ret = rl_tx_grant_locked(rl);
		/* progress since the last look: the next poll is quick again */
		if (rl->tx_grants != grants)
			poll_ns = RL_TX_POLL_MIN_US * NSEC_PER_USEC;
		grants = rl->tx_grants;
		if (w.granted) {
			*head = w.head;
			ret = 0;
			break;
		}
		if (!ret)
			ret = rl_state_errno(rl);
		if (!ret && ept && READ_ONCE(ept->dead))
			ret = -EPIPE;
		if (!ret && wret == -ERESTARTSYS)
			ret = wret;
		now = ktime_get();
		if (!ret && ktime_after(now, deadline)) {
			rl_stat_inc(rl, tx_timeouts);
			ret = -ETIMEDOUT;
		}
		if (ret) {
			list_del(&w.node);
			rl->tx_nwaiters--;
			break;
		}
		left_ns = RL_TX_RECHECK_KICKED_MS * NSEC_PER_MSEC;
		if (list_first_entry(&rl->tx_waiters, struct rl_tx_waiter,
				     node) == &w) {
			left_ns = poll_ns;
			poll_ns = min_t(u64, poll_ns * 2,
					RL_TX_RECHECK_POLL_MS * NSEC_PER_MSEC);
		}
		if (deadline != KTIME_MAX)
			left_ns = min_t(s64, left_ns,
					ktime_to_ns(ktime_sub(deadline, now)) + 1);
		w.woken = false;
		spin_unlock_irqrestore(&rl->tx_lock, flags);
		wret = wait_event_interruptible_hrtimeout(w.wq,
							  READ_ONCE(w.woken),
							  ns_to_ktime(left_ns));
		spin_lock_irqsave(&rl->tx_lock, flags);
	}
out:
	spin_unlock_irqrestore(&rl->tx_lock, flags);
	if (ret == -EIO) {
		rl_link_broken(rl, rl->txq);
		return -EPIPE;
	}
	return ret;
}

static void rl_write_hdr(void *buf, u32 src, u32 dst, u32 len, u32 index)
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
 * whether the peer wants to be kicked; tx_lock held.  On any error the
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
	ret = rl_state_errno(rl);
	if (ret)
		return ret;
	if (rl->role == RPMSG_LITE_MASTER)
		ret = rl_vq_add_avail(rl->txq, head);
	else
		ret = rl_vq_add_used(rl->txq, head, rl->buf_size);
	if (ret)
		return ret;
	rl_buf_move(rl, RL_TX, head, RL_BUF_USER, RL_BUF_RING);
	/* with @more the batch's last message decides */
	*kick = !more && rl_vq_need_kick(rl->txq);
	rl->tx_more = more;
	rl->stats.tx_msgs++;
	return 0;
}

/* A sender lets go of @head unsent: it is spare.  tx_lock held. */
static void rl_tx_unsent_locked(struct rpmsg_lite_instance *rl, u16 head)
{
	struct rl_buf *b = rl_buf(rl, RL_TX, head);

	if (b->voids)
		rl_buf_unvoid(rl, RL_TX, head);
	else
		rl_buf_move(rl, RL_TX, head, RL_BUF_USER, RL_BUF_SPARE);
}

/*
 * After a publish (or a failed look for a buffer) under tx_lock: a ring
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
		rl_link_broken(rl, rl->txq);
		return -EPIPE;
	}
	if (ret)
		return ret;
	if (kick)
		rl_kick(rl, rl->tx_vq_id);
	/* a plain read first: while streaming the watch is mostly queued */
	if (!delayed_work_pending(&rl->watch_work))
		queue_delayed_work(rl->wq, &rl->watch_work,
				   msecs_to_jiffies(rl->cfg.link_up_kick_ms));
	return 0;
}

/*
 * Publish @head; with @give_up, a buffer the core took for a copying send
 * goes back to the spare ones when it cannot be sent.  Any context.
 */
static int rl_tx_publish(struct rpmsg_lite_instance *rl, u16 head,
			 bool more, bool give_up)
{
	unsigned long flags;
	bool kick;
	int ret;

	spin_lock_irqsave(&rl->tx_lock, flags);
	ret = rl_tx_publish_locked(rl, head, more, &kick);
	if (ret && give_up)
		rl_tx_unsent_locked(rl, head);
	spin_unlock_irqrestore(&rl->tx_lock, flags);
	return rl_tx_published(rl, ret, kick);
}

static int rl_check_send_args(struct rpmsg_lite_instance *rl,
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

		spin_lock_irqsave(&rl->tx_lock, flags);
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
		spin_unlock_irqrestore(&rl->tx_lock, flags);
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

/* ---- zero copy ---- */

/* Head of a payload pointer in the transmit ring, or -1.  tx_lock held. */
static int rl_tx_head_locked(struct rpmsg_lite_instance *rl, void *data)
{
	return rl_head_of(rl, RL_TX, rl->tx_bufs, rl_payload_to_buf(data));
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

	spin_lock_irqsave(&rl->tx_lock, flags);
	head = rl_tx_head_locked(rl, data);
	if (head >= 0 && rl_buf(rl, RL_TX, head)->voids)
		ret = -EPIPE;	/* allocated before a reset: void */
	else if (head < 0 || rl_buf(rl, RL_TX, head)->state != RL_BUF_USER)
		ret = -ENOBUFS;
	else if (size > rl->cfg.payload_size)
		ret = -EMSGSIZE;
	else
		ret = rl_state_errno(rl);
	spin_unlock_irqrestore(&rl->tx_lock, flags);
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

	spin_lock_irqsave(&rl->tx_lock, flags);
	head = rl_tx_head_locked(rl, data);
	if (head < 0 || (!rl_buf(rl, RL_TX, head)->voids &&
			 rl_buf(rl, RL_TX, head)->state != RL_BUF_USER))
		ret = -ENOBUFS;
	else
		rl_tx_unsent_locked(rl, head);
	spin_unlock_irqrestore(&rl->tx_lock, flags);

	if (!ret) {
		rl_tx_grant(rl);
		wake_up_all(&rl->tx_wq);
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

	spin_lock_irqsave(&rl->rx_lock, flags);
	head = rl_head_of(rl, RL_RX, rl->rx_bufs, rl_payload_to_buf(data));
	if (head < 0) {
		ret = -ENOBUFS;
	} else {
		ret = rl_rx_release_locked(rl, head);
		kick = !ret && rl_rx_kick_needed_locked(rl);
	}
	spin_unlock_irqrestore(&rl->rx_lock, flags);

	if (ret == -EIO) {
		/* the buffer is the caller's no more; the link is down */
		rl_link_broken(rl, rl->rxq);
		ret = 0;
	} else if (kick) {
		rl_kick(rl, rl->rx_vq_id);
	}
	rl_leave(rl);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_release_rx_buffer, RPMSG_LITE);

/* ---- endpoints ---- */

/**
 * rl_ept_create() - create an endpoint (users and the name service)
 * @rl: link
 * @addr: fixed address, or RL_ADDR_ANY for one from 1024 up
 * @rx_cb: receive callback
 * @rx_cb_data: passed back to @rx_cb
 * @internal: true for the link's own name-service endpoint (may use 53)
 *
 * Return: the endpoint, or ERR_PTR(-EINVAL, -EADDRINUSE, -ENOSPC,
 * -ENOMEM).
 */
struct rpmsg_lite_endpoint *rl_ept_create(struct rpmsg_lite_instance *rl,
					  u32 addr, rl_ept_rx_cb_t rx_cb,
					  void *rx_cb_data, bool internal)
{
	struct rpmsg_lite_endpoint *ept;
	int ret;

	if (!rl || !rx_cb)
		return ERR_PTR(-EINVAL);
	if (addr == RL_NS_EPT_ADDR && !internal)
		return ERR_PTR(-EADDRINUSE);

	ept = kzalloc(sizeof(*ept), GFP_KERNEL);
	if (!ept)
		return ERR_PTR(-ENOMEM);
	ept->rl = rl;
	ept->rx_cb = rx_cb;
	ept->rx_cb_data = rx_cb_data;
	ept->internal = internal;
	refcount_set(&ept->refs, 1);
	init_completion(&ept->released);
	kref_init(&ept->kref);

	if (addr == RL_ADDR_ANY) {
		ret = xa_alloc(&rl->epts, &ept->addr, ept,
			       XA_LIMIT(RL_ADDR_DYNAMIC_BASE, RL_ADDR_ANY - 1),
			       GFP_KERNEL);
		if (ret == -EBUSY)
			ret = -ENOSPC;
	} else {
		ept->addr = addr;
		ret = xa_insert(&rl->epts, addr, ept, GFP_KERNEL);
		if (ret == -EBUSY)
			ret = -EADDRINUSE;
	}
	if (ret) {
		kfree(ept);
		return ERR_PTR(ret);
	}
	return ept;
}

static void rl_ept_release(struct kref *kref)
{
	struct rpmsg_lite_endpoint *ept =
		container_of(kref, struct rpmsg_lite_endpoint, kref);

	/* the receive path may still be looking at it under RCU */
	kfree_rcu(ept, rcu);
}

/**
 * rpmsg_lite_ept_get() - keep an endpoint's memory
 * @ept: endpoint
 *
 * For front ends whose users may still call on an endpoint while another
 * thread destroys it: a reference keeps the structure valid, so the call
 * fails cleanly (-EPIPE) instead of touching freed memory.  It does not
 * keep the endpoint alive: rpmsg_lite_destroy_ept() works as usual.
 *
 * Context: any.
 * Return: @ept.
 */
struct rpmsg_lite_endpoint *
rpmsg_lite_ept_get(struct rpmsg_lite_endpoint *ept)
{
	kref_get(&ept->kref);
	return ept;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_ept_get, RPMSG_LITE);

/**
 * rpmsg_lite_ept_put() - drop a reference of rpmsg_lite_ept_get()
 * @ept: endpoint (NULL is ignored)
 *
 * Context: any.
 */
void rpmsg_lite_ept_put(struct rpmsg_lite_endpoint *ept)
{
	if (ept)
		kref_put(&ept->kref, rl_ept_release);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_ept_put, RPMSG_LITE);

/*
 * @ept was taken out of the table: sends on it fail from now on and
 * senders blocked for a buffer wake up to see it.
 */
static void rl_ept_kill(struct rpmsg_lite_endpoint *ept)
{
	WRITE_ONCE(ept->dead, true);
	rl_tx_wake_waiters(ept->rl);
}

/**
 * rl_ept_unused() - drop the creator's reference of an endpoint no
 *		     callback can reach any more
 * @ept: endpoint, already removed from the table, with no callback running
 */
void rl_ept_unused(struct rpmsg_lite_endpoint *ept)
{
	rl_ept_kill(ept);
	rpmsg_lite_ept_put(ept);
}

/**
 * rpmsg_lite_create_ept() - create an endpoint
 * @rl: link
 * @addr: fixed address, or RL_ADDR_ANY to get a free one from 1024 up
 * @rx_cb: receive callback (process context, see rl_ept_rx_cb_t)
 * @rx_cb_data: passed back to @rx_cb
 *
 * Context: process context, may sleep.  May be called from a receive
 * callback.
 * Return: the endpoint, or an ERR_PTR: -EINVAL (NULL @rl or @rx_cb),
 * -EADDRINUSE (@addr taken, or 53, the name service's), -ENOSPC (no free
 * dynamic address), -ENOMEM, -ENODEV (the link is being removed).
 */
struct rpmsg_lite_endpoint *
rpmsg_lite_create_ept(struct rpmsg_lite_instance *rl, u32 addr,
		      rl_ept_rx_cb_t rx_cb, void *rx_cb_data)
{
	struct rpmsg_lite_endpoint *ept;

	if (!rl)
		return ERR_PTR(-EINVAL);
	/* none is added once deinit has swept the table */
	if (!rl_enter(rl))
		return ERR_PTR(-ENODEV);
	ept = rl_ept_create(rl, addr, rx_cb, rx_cb_data, false);
	rl_leave(rl);
	return ept;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_create_ept, RPMSG_LITE);

/**
 * rpmsg_lite_destroy_ept() - remove an endpoint
 * @rl: link
 * @ept: endpoint of @rl
 *
 * No new message reaches @ept once this is called.  If its callback is
 * running on another thread, waits for it to return (its sends still go
 * out); after that @rx_cb_data may be freed, and sends on @ept fail with
 * -EPIPE: senders blocked waiting for a buffer on its behalf wake up and
 * return.  From inside a receive callback of the same link: destroying
 * another endpoint is immediate (callbacks of a link do not run
 * concurrently); destroying the endpoint whose callback is running is
 * deferred - the endpoint is unreachable at once and dies when the
 * callback returns.  Buffers it holds stay held until released.  The
 * memory goes when the last rpmsg_lite_ept_get() reference is dropped
 * too.
 *
 * Context: process context, may sleep; also after rpmsg_lite_deinit()
 * started (the link's memory must still be valid).
 * Return: 0; -EINVAL bad argument or @ept not an endpoint of @rl (or
 * destroyed already).
 */
int rpmsg_lite_destroy_ept(struct rpmsg_lite_instance *rl,
			   struct rpmsg_lite_endpoint *ept)
{
	if (!rl || !ept || ept->rl != rl || ept->internal)
		return -EINVAL;
	if (xa_cmpxchg(&rl->epts, ept->addr, ept, NULL, GFP_KERNEL) != ept)
		return -EINVAL;

	if (rl_in_rx_work(rl) && rl->cb_ept == ept) {
		ept->free_after_cb = true;
		/* the work holds a reference; it kills @ept when done */
		WARN_ON(refcount_dec_and_test(&ept->refs));
		return 0;
	}
	if (!refcount_dec_and_test(&ept->refs))
		wait_for_completion(&ept->released);
	rl_ept_unused(ept);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_destroy_ept, RPMSG_LITE);

/**
 * rpmsg_lite_ept_addr() - local address of an endpoint
 * @ept: endpoint
 *
 * Return: its address, or RL_ADDR_ANY for NULL.
 */
u32 rpmsg_lite_ept_addr(const struct rpmsg_lite_endpoint *ept)
{
	return ept ? ept->addr : RL_ADDR_ANY;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_ept_addr, RPMSG_LITE);

/* ---- link set-up ---- */

/* Fill in defaults and check every number; log exactly what is wrong. */
static int rl_check_config(const struct rpmsg_lite_link_desc *desc,
			   struct rpmsg_lite_config *cfg)
{
	struct device *dev = desc->dev;
	struct rl_vring_layout layout;
	const char *name = desc->name ?: dev_name(dev);
	u64 need, bufs;

	*cfg = desc->cfg;
	if (!cfg->payload_size)
		cfg->payload_size = RL_DEFAULT_PAYLOAD_SIZE;
	if (!cfg->buffer_count)
		cfg->buffer_count = RL_DEFAULT_BUFFER_COUNT;
	if (!cfg->vring_align)
		cfg->vring_align = RL_DEFAULT_VRING_ALIGN;
	if (!cfg->vring_size)
		cfg->vring_size = RL_DEFAULT_VRING_SIZE;
	if (!cfg->link_up_kick_ms)
		cfg->link_up_kick_ms = 100;

	if (cfg->link_id > (U32_MAX >> 1)) {
		dev_err(dev, "%s: link id %u too large: vq ids are (link id << 1) | queue in 32 bits\n",
			name, cfg->link_id);
		return -EINVAL;
	}
	if (cfg->payload_size < 16 || cfg->payload_size > RL_MAX_PAYLOAD_SIZE) {
		dev_err(dev, "%s: payload size %u out of range: needs 16..%u\n",
			name, cfg->payload_size, RL_MAX_PAYLOAD_SIZE);
		return -EINVAL;
	}
	if (cfg->buffer_count < RL_MIN_BUFFER_COUNT ||
	    cfg->buffer_count > RL_MAX_BUFFER_COUNT ||
	    !is_power_of_2(cfg->buffer_count)) {
		dev_err(dev, "%s: buffer count %u invalid: needs a power of two in %u..%u\n",
			name, cfg->buffer_count, RL_MIN_BUFFER_COUNT,
			RL_MAX_BUFFER_COUNT);
		return -EINVAL;
	}
	if (cfg->vring_align < 4 || cfg->vring_align > RL_VRING_MAX_ALIGN ||
	    !is_power_of_2(cfg->vring_align)) {
		dev_err(dev, "%s: vring alignment 0x%x invalid: needs a power of two in 4..0x%x\n",
			name, cfg->vring_align, RL_VRING_MAX_ALIGN);
		return -EINVAL;
	}
	if (rl_vring_layout(cfg->buffer_count, cfg->vring_align, &layout))
		return -EINVAL;
	if (layout.size > cfg->vring_size) {
		dev_err(dev, "%s: vring size 0x%x too small: %u descriptors with alignment 0x%x need 0x%zx bytes per vring\n",
			name, cfg->vring_size, cfg->buffer_count,
			cfg->vring_align, layout.size);
		return -EINVAL;
	}
	if (cfg->vring_size % 8) {
		dev_err(dev, "%s: vring size 0x%x must be a multiple of 8 (descriptor alignment)\n",
			name, cfg->vring_size);
		return -EINVAL;
	}
	if (!IS_ALIGNED((unsigned long)desc->shm, 8)) {
		dev_err(dev, "%s: shared memory mapping %p must be 8-byte aligned\n",
			name, desc->shm);
		return -EINVAL;
	}

	bufs = 2ULL * cfg->buffer_count;
	need = 2ULL * cfg->vring_size +
	       bufs * (cfg->payload_size + RL_MSG_HDR_SIZE);
	if (desc->bufs) {
		/* buffers apart (remote of a virtio master): vrings in shm */
		need = 2ULL * cfg->vring_size;
		if (desc->bufs_size < bufs * (cfg->payload_size +
					      RL_MSG_HDR_SIZE) ||
		    desc->bufs_da + desc->bufs_size < desc->bufs_da) {
			dev_err(dev, "%s: buffer region of 0x%zx bytes at device address 0x%llx cannot hold %llu buffers x %u\n",
				name, desc->bufs_size, desc->bufs_da, bufs,
				cfg->payload_size + RL_MSG_HDR_SIZE);
			return -EINVAL;
		}
	}
	if (desc->shm_size < need) {
		dev_err(dev, "%s: shared memory 0x%zx bytes too small: this configuration needs 0x%llx (2 vrings x 0x%x + %llu buffers x %u)\n",
			name, desc->shm_size, need, cfg->vring_size, bufs,
			cfg->payload_size + RL_MSG_HDR_SIZE);
		return -EINVAL;
	}
	if (cfg->shm_da + need - 1 > U32_MAX || cfg->shm_da + need < need)
		dev_warn(dev, "%s: shared memory at device address 0x%llx reaches past 4 GiB: rpmsg-lite peers use only the low 32 bits of descriptor addresses\n",
			 name, cfg->shm_da);
	return 0;
}

/* ---- the link device ---- */

static struct class *rl_link_class;
static DEFINE_IDA(rl_link_ida);

/* The last reference is gone: free the memory (any context). */
static void rl_link_release(struct device *dev)
{
	struct rpmsg_lite_instance *rl =
		container_of(dev, struct rpmsg_lite_instance, dev);

	percpu_ref_exit(&rl->active);
	rl_vq_cleanup(&rl->vq[0]);
	rl_vq_cleanup(&rl->vq[1]);
	kfree(rl->rx_bufs_state);
	kfree(rl->tx_bufs_state);
	kfree(rl->rx_slots);
	kfree(rl->tx_slots);
	xa_destroy(&rl->epts);
	kfree_const(rl->name);
	if (rl->index >= 0)
		ida_free(&rl_link_ida, rl->index);
	kfree(rl);
}

/* The last rl_enter() holder left after deinit killed @active. */
static void rl_active_drained(struct percpu_ref *ref)
{
	struct rpmsg_lite_instance *rl =
		container_of(ref, struct rpmsg_lite_instance, active);

	complete(&rl->drained);
}

static void rl_destroy_workqueues(struct rpmsg_lite_instance *rl)
{
	if (rl->wq)
		destroy_workqueue(rl->wq);
	if (rl->rx_wq)
		destroy_workqueue(rl->rx_wq);
	rl->wq = NULL;
	rl->rx_wq = NULL;
}

static ssize_t link_name_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", rl_link_of(dev)->name);
}
static DEVICE_ATTR_RO(link_name);

static ssize_t role_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  rl_link_of(dev)->role == RPMSG_LITE_MASTER ?
			  "master" : "remote");
}
static DEVICE_ATTR_RO(role);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", rpmsg_lite_link_state_name
			  (rpmsg_lite_get_link_state(rl_link_of(dev))));
}
static DEVICE_ATTR_RO(state);

static struct attribute *rl_link_attrs[] = {
	&dev_attr_link_name.attr,
	&dev_attr_role.attr,
	&dev_attr_state.attr,
	NULL
};
ATTRIBUTE_GROUPS(rl_link);

/**
 * rl_link_of() - the link of a link device
 * @dev: a device of class rpmsg_lite_link (as a class interface gets it)
 *
 * Return: the link.
 */
struct rpmsg_lite_instance *rl_link_of(struct device *dev)
{
	return container_of(dev, struct rpmsg_lite_instance, dev);
}

/**
 * rl_link_device() - the device of a link (rpmsg_lite_linkN)
 * @rl: link
 *
 * Return: the device, the parent of the link's front-end devices.
 */
struct device *rl_link_device(struct rpmsg_lite_instance *rl)
{
	return &rl->dev;
}

/**
 * rl_link_interface_register() - attach a front end to every link
 * @intf: class interface; its add_dev is called for every link that
 *	  exists and every link added later (from rpmsg_lite_*_init(),
 *	  before the transport starts), its remove_dev when a link goes
 *	  (from rpmsg_lite_deinit(), once nothing runs on the link any more)
 *
 * Return: 0 or a negative errno.
 */
int rl_link_interface_register(struct class_interface *intf)
{
	intf->class = rl_link_class;
	return class_interface_register(intf);
}

/**
 * rl_link_interface_unregister() - detach a front end from every link
 * @intf: class interface of rl_link_interface_register(); its remove_dev
 *	  is called for every link that exists
 */
void rl_link_interface_unregister(struct class_interface *intf)
{
	class_interface_unregister(intf);
}

/**
 * rl_link_class_init() - register the class of link devices
 *
 * Return: 0 or a negative errno.
 */
int rl_link_class_init(void)
{
	rl_link_class = rl_class_create("rpmsg_lite_link");
	return PTR_ERR_OR_ZERO(rl_link_class);
}

/**
 * rl_link_class_exit() - unregister it; every link is gone by then (the
 * modules that create links depend on this one)
 */
void rl_link_class_exit(void)
{
	class_destroy(rl_link_class);
}

/**
 * rpmsg_lite_get() - keep a link's memory
 * @rl: link
 *
 * A reference keeps the structure valid after rpmsg_lite_deinit(): every
 * call on it then fails cleanly (-ENODEV) instead of touching freed
 * memory.  It does not keep the link running.  The front ends of this
 * module hold one for each of their nodes.
 *
 * Context: any.
 * Return: @rl.
 */
struct rpmsg_lite_instance *rpmsg_lite_get(struct rpmsg_lite_instance *rl)
{
	get_device(&rl->dev);
	return rl;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get, RPMSG_LITE);

/**
 * rpmsg_lite_put() - drop a reference of rpmsg_lite_get()
 * @rl: link (NULL is ignored)
 *
 * Context: process context.
 */
void rpmsg_lite_put(struct rpmsg_lite_instance *rl)
{
	if (rl)
		put_device(&rl->dev);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_put, RPMSG_LITE);

/* Master: write both vring images; the link's ring state starts over. */
static void rl_master_build_rings(struct rpmsg_lite_instance *rl)
{
	rl_vq_master_setup_rx(&rl->vq[RL_VQ_MASTER_RX]);
	rl_vq_master_setup_tx(&rl->vq[RL_VQ_MASTER_TX]);
	rl->rx_used_base = le16_to_cpu(READ_ONCE(rl->vq[0].used->idx));
	rl->tx_used_base = le16_to_cpu(READ_ONCE(rl->vq[1].used->idx));
	WRITE_ONCE(rl->peer_seen, false);
}

/* Master: first kick, and re-kicks until the remote shows activity. */
static void rl_master_announce(struct rpmsg_lite_instance *rl)
{
	rl_kick(rl, rl_vq_id(rl->cfg.link_id, RL_VQ_MASTER_RX));
	queue_delayed_work(rl->wq, &rl->kick_work,
			   msecs_to_jiffies(rl->cfg.link_up_kick_ms));
}

/*
 * How long a master waits for a remote to acknowledge a rebuild, and how
 * often it repeats the announcing kick meanwhile.
 */
#define RL_REBUILD_ACK_MS	200
#define RL_REBUILD_REKICK_MS	50

/*
 * Master, before it rewrites the rings: announce the rewrite with an odd
 * generation in vring 0 (see rl_wire.h) and kick.  When the remote has
 * shown that it follows generations, wait until it acknowledged that it
 * stopped writing to the rings, so that nothing it writes lands in the
 * new ones; a remote that does not answer in RL_REBUILD_ACK_MS (the kick
 * repeated every RL_REBUILD_REKICK_MS) has stopped and the rebuild goes
 * on.  Process context.
 */
static void rl_master_fence(struct rpmsg_lite_instance *rl)
{
	u16 peer = rl_vq_peer_flags(&rl->vq[0]);
	unsigned long start, deadline, rekick;
	u8 gen = rl->ring_gen | 1;

	if (peer & RL_VRING_USED_F_GEN_AWARE)
		rl->peer_gen_aware = true;
	rl->ring_gen = gen;
	rl_vq_set_flags_ext(&rl->vq[0], (u16)gen << RL_VRING_F_GEN_SHIFT);
	/* the announcement before the kick */
	wmb();
	rl_kick(rl, rl_vq_id(rl->cfg.link_id, RL_VQ_MASTER_RX));
	if (!rl->peer_gen_aware)
		return;

	start = jiffies;
	deadline = start + msecs_to_jiffies(RL_REBUILD_ACK_MS);
	rekick = start + msecs_to_jiffies(RL_REBUILD_REKICK_MS);
	for (;;) {
		peer = rl_vq_peer_flags(&rl->vq[0]);
		if ((u8)(peer >> RL_VRING_F_GEN_SHIFT) == gen) {
			/* nothing the remote wrote before may pass our rewrite */
			mb();
			return;
		}
		if (time_after(jiffies, deadline))
			break;
		if (time_after(jiffies, rekick)) {
			/* the announcement may have been lost */
			rl_stat_inc(rl, kick_retries);
			rl_kick(rl, rl_vq_id(rl->cfg.link_id, RL_VQ_MASTER_RX));
			rekick = jiffies + msecs_to_jiffies(RL_REBUILD_REKICK_MS);
		}
		usleep_range(100, 500);
	}
	rl_info(rl, "the remote did not acknowledge the rebuild within %u ms: rebuilding anyway\n",
		RL_REBUILD_ACK_MS);
}

/* Master, the new rings are complete: the next even generation. */
static void rl_master_publish_gen(struct rpmsg_lite_instance *rl)
{
	rl->ring_gen++;
	/* the whole new image before the generation that completes it */
	dma_wmb();
	rl_vq_set_flags_ext(&rl->vq[0],
			    (u16)rl->ring_gen << RL_VRING_F_GEN_SHIFT);
}

/*
 * While messages we sent stay unconsumed: repeat the kick when the peer
 * made no progress for one interval (at most RL_KICK_RETRIES times per
 * stall: a peer that keeps buffers is not kicked forever), and look at the
 * receive vq in case a kick from the peer was lost.  Re-armed by the next
 * send once nothing is outstanding.
 */
#define RL_KICK_RETRIES	3

static void rl_watch_work(struct work_struct *work)
{
	struct rpmsg_lite_instance *rl =
		container_of(to_delayed_work(work), struct rpmsg_lite_instance,
			     watch_work);
	unsigned long flags;
	u16 left, idx = 0;
	bool more;

	if (atomic_read(&rl->state) != RPMSG_LITE_LINK_UP ||
	    READ_ONCE(rl->removing))
		return;

	spin_lock_irqsave(&rl->rx_lock, flags);
	more = rl_vq_has_work(rl->rxq);
	spin_unlock_irqrestore(&rl->rx_lock, flags);
	if (more && !work_pending(&rl->rx_work)) {
		rl_stat_inc(rl, rx_polls);
		/* as if kicked: a remote checks the master's generation first */
		set_bit(rl->rx_vq_id & 1 ? RL_PEND_VQ1 : RL_PEND_VQ0,
			&rl->pending);
		queue_work(rl->rx_wq, &rl->rx_work);
	}

	spin_lock_irqsave(&rl->tx_lock, flags);
	left = rl_vq_unconsumed(rl->txq, &idx);
	spin_unlock_irqrestore(&rl->tx_lock, flags);
	if (!left) {
		rl->watch_tries = 0;
		return;
	}
	if (idx != rl->watch_idx) {
		rl->watch_idx = idx;
		rl->watch_tries = 0;
	} else if (rl->watch_tries < RL_KICK_RETRIES) {
		rl->watch_tries++;
		rl_stat_inc(rl, kick_retries);
		rl_dbg(rl, "%u sent messages unconsumed: kick again\n", left);
		rl_kick(rl, rl->tx_vq_id);
	} else {
		return;
	}
	queue_delayed_work(rl->wq, &rl->watch_work,
			   msecs_to_jiffies(rl->cfg.link_up_kick_ms));
}

/*
 * Forget the ring state, void what users hold and, for a master, write
 * fresh rings.  Receive processing must not be taking buffers meanwhile
 * (cancelled, or this is the receive work itself).  Counts the reset.
 */
static void rl_reset_rings(struct rpmsg_lite_instance *rl)
{
	unsigned long flags;
	u32 dropped;

	spin_lock_irqsave(&rl->rx_lock, flags);
	spin_lock(&rl->tx_lock);
	/*
	 * Before the new rings hand the buffers to the peer: a copy from a
	 * held buffer that sees the peer's new bytes then sees this too
	 * (rl_rx_copy_valid()).
	 */
	WRITE_ONCE(rl->generation, rl->generation + 1);
	/* the new generation before any ring write (rl_rx_copy_valid()) */
	smp_mb();
	rl_vq_reset(&rl->vq[0]);
	rl_vq_reset(&rl->vq[1]);
	if (rl->role == RPMSG_LITE_MASTER)
		rl_master_build_rings(rl);
	/* held now: void, but their holders may still release them */
	dropped = rl_bufs_reset_locked(rl);
	rl->rx_returned = 0;
	rl->tx_more = false;
	clear_bit(RL_FLAG_BROKEN_LOGGED, &rl->flags);
	spin_unlock(&rl->tx_lock);
	spin_unlock_irqrestore(&rl->rx_lock, flags);
	rl_stat_inc(rl, resets);
	atomic64_add(dropped, &rl->stats.reset_drops);
}

static void rl_tx_poll_work(struct work_struct *work)
{
	struct rpmsg_lite_instance *rl =
		container_of(to_delayed_work(work), struct rpmsg_lite_instance,
			     tx_poll_work);

	if (rl_state_errno(rl) || rpmsg_lite_get_free_tx_buffers(rl)) {
		wake_up_all(&rl->tx_wq);
		return;
	}
	if (wq_has_sleeper(&rl->tx_wq))
		queue_delayed_work(rl->wq, &rl->tx_poll_work,
				   msecs_to_jiffies(RL_TX_RECHECK_POLL_MS));
}

/*
 * First step of a teardown: no API call enters any more (they fail with
 * -ENODEV), every sleeper wakes up and sees it, and the calls in flight
 * have left when this returns.  Process context.
 */
static void rl_stop_calls(struct rpmsg_lite_instance *rl)
{
	WRITE_ONCE(rl->removing, true);
	/* pairs with rl_state_errno() */
	smp_mb();
	percpu_ref_kill(&rl->active);
	rl_wake_all(rl);
	wait_for_completion(&rl->drained);
}

/*
 * Last step, once the transport and the works have stopped: nothing runs
 * on the link any more.  The notifier chain hears LINK_REMOVED, the front
 * ends detach (device_del() calls their class interfaces), endpoints
 * users left behind are destroyed, and the reference of init is dropped;
 * the memory goes with the last reference.
 */
static void rl_detach(struct rpmsg_lite_instance *rl)
{
	struct rpmsg_lite_endpoint *ept;
	unsigned long addr;

	rl_notify_event(rl, RPMSG_LITE_EVENT_LINK_REMOVED);
	device_del(&rl->dev);
	if (!list_empty(&rl->queues))
		rl_warn(rl, "receive queues still exist at deinit: destroy them first\n");
	rl_ns_exit(rl);
	xa_for_each(&rl->epts, addr, ept) {
		/* a front end may be destroying it right now: one of us does */
		if (xa_cmpxchg(&rl->epts, addr, ept, NULL, GFP_KERNEL) != ept)
			continue;
		rl_warn(rl, "endpoint %lu still exists at deinit: destroying it\n",
			addr);
		rl_ept_unused(ept);
	}
	rl_destroy_workqueues(rl);
	put_device(&rl->dev);
}

static struct rpmsg_lite_instance *
rl_init(const struct rpmsg_lite_link_desc *desc, enum rpmsg_lite_role role)
{
	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_config cfg;
	size_t half;
	u64 area_da;
	u32 count, q;
	void *area;
	int ret;

	if (!desc || !desc->dev)
		return ERR_PTR(-EINVAL);
	if (!desc->shm || !desc->ops || !desc->ops->notify) {
		dev_err(desc->dev, "%s: link needs a shared memory mapping and a transport with notify\n",
			desc->name ?: dev_name(desc->dev));
		return ERR_PTR(-EINVAL);
	}
	if (role == RPMSG_LITE_MASTER &&
	    (desc->bufs || desc->cfg.short_descs)) {
		dev_err(desc->dev, "%s: a separate buffer region and short descriptors are for a remote only\n",
			desc->name ?: dev_name(desc->dev));
		return ERR_PTR(-EINVAL);
	}
	ret = rl_check_config(desc, &cfg);
	if (ret)
		return ERR_PTR(ret);
	count = cfg.buffer_count;

	rl = kzalloc(sizeof(*rl), GFP_KERNEL);
	if (!rl)
		return ERR_PTR(-ENOMEM);
	/* from here on the device's release frees it: put_device() */
	rl->index = -1;
	xa_init_flags(&rl->epts, XA_FLAGS_ALLOC);
	device_initialize(&rl->dev);
	rl->dev.class = rl_link_class;
	rl->dev.parent = desc->dev;
	rl->dev.groups = rl_link_groups;
	rl->dev.release = rl_link_release;
	rl->parent = desc->dev;
	rl->role = role;
	rl->cfg = cfg;
	rl->shm = desc->shm;
	rl->shm_size = desc->shm_size;
	rl->buf_size = cfg.payload_size + RL_MSG_HDR_SIZE;
	rl->ops = desc->ops;
	rl->ops_priv = desc->ops_priv;
	spin_lock_init(&rl->rx_lock);
	spin_lock_init(&rl->tx_lock);
	mutex_init(&rl->state_lock);
	mutex_init(&rl->ns_lock);
	spin_lock_init(&rl->queues_lock);
	INIT_LIST_HEAD(&rl->queues);
	mutex_init(&rl->listeners_lock);
	INIT_LIST_HEAD(&rl->listeners);
	init_completion(&rl->drained);
	init_waitqueue_head(&rl->tx_wq);
	INIT_LIST_HEAD(&rl->tx_waiters);
	init_waitqueue_head(&rl->link_wq);
	INIT_WORK(&rl->rx_work, rl_rx_work);
	INIT_DELAYED_WORK(&rl->kick_work, rl_kick_work);
	INIT_DELAYED_WORK(&rl->watch_work, rl_watch_work);
	INIT_DELAYED_WORK(&rl->tx_poll_work, rl_tx_poll_work);
	atomic_set(&rl->state, RPMSG_LITE_LINK_DOWN);

	rl->name = kstrdup_const(desc->name ?: dev_name(desc->dev),
				 GFP_KERNEL);
	/* every buffer starts in its ring (RL_BUF_RING is 0) */
	rl->rx_bufs_state = kcalloc(count, sizeof(*rl->rx_bufs_state),
				    GFP_KERNEL);
	rl->tx_bufs_state = kcalloc(count, sizeof(*rl->tx_bufs_state),
				    GFP_KERNEL);
	if (!rl->name || !rl->rx_bufs_state || !rl->tx_bufs_state) {
		ret = -ENOMEM;
		goto err;
	}
	ret = percpu_ref_init(&rl->active, rl_active_drained, 0, GFP_KERNEL);
	if (ret)
		goto err;
	ret = ida_alloc(&rl_link_ida, GFP_KERNEL);
	if (ret < 0)
		goto err;
	rl->index = ret;
	ret = dev_set_name(&rl->dev, "rpmsg_lite_link%d", rl->index);
	if (ret)
		goto err;

	/*
	 * Remote: the buffers the master's descriptors may name, both
	 * directions' halves (rpmsg-lite's layout: after the two vrings; a
	 * virtio master's: the separate buffer region), and which head holds
	 * each one.
	 */
	half = (size_t)count * rl->buf_size;
	area = desc->bufs ?: rl->shm + 2 * (size_t)cfg.vring_size;
	area_da = desc->bufs ? desc->bufs_da : cfg.shm_da + 2ULL * cfg.vring_size;
	if (role == RPMSG_LITE_REMOTE) {
		rl->rx_slots = kcalloc(count, sizeof(*rl->rx_slots), GFP_KERNEL);
		rl->tx_slots = kcalloc(count, sizeof(*rl->tx_slots), GFP_KERNEL);
		if (!rl->rx_slots || !rl->tx_slots) {
			ret = -ENOMEM;
			goto err;
		}
	} else {
		area = NULL;
	}

	for (q = 0; q < 2; q++) {
		size_t bufs_off = 2 * (size_t)cfg.vring_size +
				  (size_t)q * count * rl->buf_size;
		struct rl_vq_config vcfg = {
			.ring = rl->shm + (size_t)q * cfg.vring_size,
			.num = count,
			.align = cfg.vring_align,
			.master = role == RPMSG_LITE_MASTER,
			.event_idx = cfg.event_idx,
			.bufs = rl->shm + bufs_off,
			.bufs_da = cfg.shm_da + bufs_off,
			.buf_size = rl->buf_size,
			/* the remote's receive ring is vring 1 */
			.short_descs = cfg.short_descs && q == RL_VQ_MASTER_TX,
			.shm = desc->bufs ?: rl->shm,
			.shm_da = desc->bufs ? desc->bufs_da : cfg.shm_da,
			.shm_size = desc->bufs ? desc->bufs_size : rl->shm_size,
			/* remote: vring q's buffers are half q of the area */
			.area = area + q * half,
			.area_da = area_da + q * half,
			.area_size = half,
			.id = rl_vq_id(cfg.link_id, q),
		};

		ret = rl_vq_init(&rl->vq[q], &vcfg);
		if (ret) {
			rl_err(rl, "vring %u rejected by the vring engine: %d\n",
			       q, ret);
			goto err;
		}
	}
	if (role == RPMSG_LITE_MASTER) {
		rl->rxq = &rl->vq[RL_VQ_MASTER_RX];
		rl->txq = &rl->vq[RL_VQ_MASTER_TX];
	} else {
		rl->rxq = &rl->vq[RL_VQ_MASTER_TX];
		rl->txq = &rl->vq[RL_VQ_MASTER_RX];
	}
	rl->rx_vq_id = rl->rxq->cfg.id;
	rl->tx_vq_id = rl->txq->cfg.id;
	if (role == RPMSG_LITE_MASTER) {
		rl->rx_bufs = rl->rxq->cfg.bufs;
		rl->tx_bufs = rl->txq->cfg.bufs;
	} else {
		rl->rx_bufs = rl->rxq->cfg.area;
		rl->tx_bufs = rl->txq->cfg.area;
	}

	rl->wq = alloc_ordered_workqueue("rpmsg_lite/%s",
					 WQ_HIGHPRI | WQ_MEM_RECLAIM, rl->name);
	/*
	 * Receive on the CPU that took the kick, as network drivers do: the
	 * message is processed and its reader woken there, without another
	 * CPU's wake-up on the way (an item is never run twice at once).
	 */
	rl->rx_wq = alloc_workqueue("rpmsg_lite_rx/%s",
				    WQ_HIGHPRI | WQ_MEM_RECLAIM, 1, rl->name);
	if (!rl->wq || !rl->rx_wq) {
		ret = -ENOMEM;
		goto err;
	}

	ret = rl_ns_init(rl);
	if (ret)
		goto err;

	if (role == RPMSG_LITE_MASTER) {
		rl_master_build_rings(rl);
		atomic_set(&rl->state, RPMSG_LITE_LINK_UP);
	} else {
		/* a remote writes nothing until the master has kicked */
		atomic_set(&rl->state, RPMSG_LITE_LINK_WAITING);
	}

	/*
	 * The front ends attach (class interfaces) and LINK_ADDED goes out
	 * before the transport starts: once kicks can arrive, a remote may
	 * come up at any moment, and LINK_UP must not overtake them.
	 */
	ret = device_add(&rl->dev);
	if (ret) {
		rl_err(rl, "cannot add the link device: %d\n", ret);
		goto err_ns;
	}
	rl_notify_event(rl, RPMSG_LITE_EVENT_LINK_ADDED);
	if (rl->ops->start) {
		ret = rl->ops->start(rl->ops_priv, rl);
		if (ret) {
			rl_err(rl, "transport failed to start: %d\n", ret);
			rl_stop_calls(rl);
			atomic_set(&rl->state, RPMSG_LITE_LINK_DOWN);
			rl_detach(rl);
			return ERR_PTR(ret);
		}
	}
	if (role == RPMSG_LITE_MASTER)
		rl_master_announce(rl);

	rl_dbg(rl, "%s link %u: %u x %u-byte buffers per direction, vring 0x%x aligned 0x%x\n",
	       role == RPMSG_LITE_MASTER ? "master" : "remote",
	       cfg.link_id, count, rl->buf_size, cfg.vring_size,
	       cfg.vring_align);
	if (role == RPMSG_LITE_MASTER)
		rl_tell_up(rl);
	return rl;

err_ns:
	rl_ns_exit(rl);
err:
	rl_destroy_workqueues(rl);
	put_device(&rl->dev);
	return ERR_PTR(ret);
}

/**
 * rpmsg_lite_master_init() - create the master end of a link
 * @desc: region, numbers and transport; zero numbers take the rpmsg-lite
 *        defaults (payload 496, 2 buffers, align 0x1000, vring 0x8000)
 *
 * Checks the numbers (a region too small for them is refused with a
 * message naming what it needs), writes both vrings exactly as rpmsg-lite
 * does (vring 0 at +0, vring 1 at +vring_size, buffers from +2*vring_size),
 * creates the name-service endpoint, starts the transport and kicks vq
 * (link_id << 1) | 0.  The link is up at once (rpmsg-lite semantics); the
 * kick is repeated every link_up_kick_ms until the remote shows activity.
 * Notifier: LINK_ADDED, then LINK_UP.
 *
 * Context: process context, may sleep.
 * Return: the link, or ERR_PTR(-EINVAL) for a bad description or
 * configuration, -ENOMEM, or the transport's start error.
 */
struct rpmsg_lite_instance *
rpmsg_lite_master_init(const struct rpmsg_lite_link_desc *desc)
{
	return rl_init(desc, RPMSG_LITE_MASTER);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_master_init, RPMSG_LITE);

/**
 * rpmsg_lite_remote_init() - create the remote end of a link
 * @desc: region, numbers and transport (must match the master's)
 *
 * Checks the numbers as rpmsg_lite_master_init() does, attaches to the
 * layout (vq 0 is our transmit queue, vq 1 our receive queue) without
 * writing anything, creates the name-service endpoint and starts the
 * transport.  The link waits (RPMSG_LITE_LINK_WAITING) until the first
 * kick from the master arrives, then comes up (LINK_UP notifier).
 * Notifier: LINK_ADDED.
 *
 * Context: process context, may sleep.
 * Return: the link, or an ERR_PTR as for rpmsg_lite_master_init().
 */
struct rpmsg_lite_instance *
rpmsg_lite_remote_init(const struct rpmsg_lite_link_desc *desc)
{
	return rl_init(desc, RPMSG_LITE_REMOTE);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_remote_init, RPMSG_LITE);

/**
 * rpmsg_lite_deinit() - tear a link down
 * @rl: link
 *
 * Every call on the link fails with -ENODEV from now on; pending senders
 * and waiters wake up and return -ENODEV, and calls in flight are waited
 * for.  Then the transport and the link's works stop, the notifier chain
 * hears LINK_REMOVED, the front ends detach, endpoints users left behind
 * are destroyed (with a warning each), and the reference init gave the
 * caller is dropped: the memory goes with the last rpmsg_lite_get()
 * reference.  When this returns nothing touches the shared memory or the
 * transport any more.  Receive queues must have been destroyed by their
 * users before.
 *
 * Context: process context, may sleep; not from a receive callback.
 * Return: 0; -EINVAL for NULL; -EDEADLK from the link's own receive work.
 */
int rpmsg_lite_deinit(struct rpmsg_lite_instance *rl)
{
	if (!rl)
		return -EINVAL;
	if (rl_in_rx_work(rl))
		return -EDEADLK;

	rl_stop_calls(rl);

	mutex_lock(&rl->state_lock);
	if (rl->ops->stop)
		rl->ops->stop(rl->ops_priv);
	atomic_set(&rl->state, RPMSG_LITE_LINK_DOWN);
	cancel_work_sync(&rl->rx_work);
	cancel_delayed_work_sync(&rl->kick_work);
	cancel_delayed_work_sync(&rl->watch_work);
	cancel_delayed_work_sync(&rl->tx_poll_work);
	mutex_unlock(&rl->state_lock);
	rl_wake_all(rl);

	rl_detach(rl);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_deinit, RPMSG_LITE);

/* ---- link state ---- */

/**
 * rpmsg_lite_is_link_up() - can messages flow?
 * @rl: link
 *
 * Context: any.
 * Return: true when the link is RPMSG_LITE_LINK_UP.
 */
bool rpmsg_lite_is_link_up(struct rpmsg_lite_instance *rl)
{
	return rl && !READ_ONCE(rl->removing) &&
	       atomic_read(&rl->state) == RPMSG_LITE_LINK_UP;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_is_link_up, RPMSG_LITE);

static bool rl_link_settled(struct rpmsg_lite_instance *rl)
{
	return atomic_read(&rl->state) == RPMSG_LITE_LINK_UP ||
	       READ_ONCE(rl->removing);
}

/**
 * rpmsg_lite_wait_for_link_up() - wait until the link is up
 * @rl: link
 * @timeout_ms: RL_DONT_BLOCK (just check), milliseconds, or RL_BLOCK
 *
 * Context: process context unless @timeout_ms is RL_DONT_BLOCK.
 * Return: 0 when up; -ETIMEDOUT not up in time; -ERESTARTSYS interrupted;
 * -ENODEV the link is being removed; -EINVAL for NULL.
 */
int rpmsg_lite_wait_for_link_up(struct rpmsg_lite_instance *rl,
				unsigned long timeout_ms)
{
	long ret;

	if (!rl)
		return -EINVAL;

	if (!rl_link_settled(rl) && timeout_ms != RL_DONT_BLOCK) {
		if (!rl_enter(rl))
			return -ENODEV;
		if (timeout_ms == RL_BLOCK)
			ret = wait_event_interruptible(rl->link_wq,
						       rl_link_settled(rl));
		else
			ret = wait_event_interruptible_timeout
				(rl->link_wq, rl_link_settled(rl),
				 msecs_to_jiffies(timeout_ms));
		rl_leave(rl);
		if (ret < 0)
			return ret;
	}

	if (READ_ONCE(rl->removing))
		return -ENODEV;
	if (atomic_read(&rl->state) == RPMSG_LITE_LINK_UP)
		return 0;
	return -ETIMEDOUT;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_wait_for_link_up, RPMSG_LITE);

/**
 * rpmsg_lite_get_link_state() - current state of a link
 * @rl: link
 *
 * Context: any.
 * Return: the state; RPMSG_LITE_LINK_DOWN for NULL or while removing.
 */
enum rpmsg_lite_link_state
rpmsg_lite_get_link_state(struct rpmsg_lite_instance *rl)
{
	if (!rl || READ_ONCE(rl->removing))
		return RPMSG_LITE_LINK_DOWN;
	return atomic_read(&rl->state);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_link_state, RPMSG_LITE);

/*
 * Start of an outage, shared by rpmsg_lite_reset_link() and
 * rpmsg_lite_peer_lost(): enter the link, take state_lock, go RESETTING,
 * wake every waiter and stop the re-kicks.  Returns the previous state
 * with state_lock held and the link entered (rl_outage_end() undoes
 * both), or -EINVAL (NULL), -EDEADLK (from the receive work) or -ENODEV
 * (being removed) without either.
 */
static int rl_outage_begin(struct rpmsg_lite_instance *rl)
{
	int old;

	if (!rl)
		return -EINVAL;
	if (rl_in_rx_work(rl))
		return -EDEADLK;
	if (!rl_enter(rl))
		return -ENODEV;

	mutex_lock(&rl->state_lock);
	old = atomic_xchg(&rl->state, RPMSG_LITE_LINK_RESETTING);
	rl_wake_all(rl);
	cancel_delayed_work_sync(&rl->kick_work);
	cancel_delayed_work_sync(&rl->watch_work);
	return old;
}

static void rl_outage_end(struct rpmsg_lite_instance *rl)
{
	mutex_unlock(&rl->state_lock);
	rl_leave(rl);
}

/**
 * rpmsg_lite_reset_link() - start over after the peer went away
 * @rl: link
 *
 * Stops receive processing, voids every buffer users hold (held receive
 * buffers, allocated zero-copy buffers: counted in stats.reset_drops;
 * releasing them later is accepted and does not disturb the new rings,
 * sending one fails with -EPIPE) and forgets the ring state.  Master:
 * rewrites both vrings, is up again at once and kicks (re-kicking as
 * after init); a remote of this driver recognises the rebuilt rings and
 * follows.  Remote: waits for the master to rebuild the rings and kick
 * (a kick on the rings of before is ignored once they were used: they
 * hold messages already taken); the first kick after init always counts.
 * Endpoints and
 * receive queues stay (queued messages of before are dropped; waiting
 * receivers return -EPIPE).  Notifier: LINK_DOWN unless already told for
 * this outage (never for a remote that was not up), then LINK_UP for a
 * master.  Counts stats.resets.
 *
 * Context: process context, may sleep; not from the link's receive work.
 * Return: 0; -EINVAL for NULL; -EDEADLK from a receive callback or a
 * notifier run by the receive work; -ENODEV while being removed.
 */
int rpmsg_lite_reset_link(struct rpmsg_lite_instance *rl)
{
	int old;

	old = rl_outage_begin(rl);
	if (old < 0)
		return old;
	cancel_work_sync(&rl->rx_work);
	clear_bit(RL_PEND_DOWN, &rl->pending);
	/* a remote that never came up has nothing to take down */
	if (old != RPMSG_LITE_LINK_WAITING)
		rl_tell_down(rl);

	if (rl->role == RPMSG_LITE_MASTER)
		rl_master_fence(rl);
	rl_reset_rings(rl);

	if (rl->role == RPMSG_LITE_MASTER) {
		rl_master_publish_gen(rl);
		atomic_set(&rl->state, RPMSG_LITE_LINK_UP);
		rl_master_announce(rl);
	} else {
		/* after using the rings, only rebuilt ones bring it up */
		if (old != RPMSG_LITE_LINK_WAITING)
			WRITE_ONCE(rl->need_rebuild, true);
		atomic_set(&rl->state, RPMSG_LITE_LINK_WAITING);
	}
	rl_wake_all(rl);
	rl_info(rl, "link reset (%s)\n",
		rl->role == RPMSG_LITE_MASTER ? "rings rebuilt" :
		"waiting for the master");
	if (rl->role == RPMSG_LITE_MASTER)
		rl_tell_up(rl);
	rl_outage_end(rl);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_reset_link, RPMSG_LITE);

/**
 * rpmsg_lite_peer_lost() - the platform knows the peer is gone
 * @rl: link
 *
 * For remoteproc glue and platform code that learns of a crash, watchdog
 * or power-off of the other core before the rings show it.  The link goes
 * to RPMSG_LITE_LINK_RESETTING: senders get -EPIPE, waiting senders and
 * receivers wake, re-kicks stop, and nothing is written to shared memory
 * any more (but a remote's answer to a master announcing a rebuild).
 * Notifier: LINK_DOWN (once per outage).  Call rpmsg_lite_reset_link()
 * once the peer runs again.  A remote in that state also comes back by
 * itself when the master rebuilds the rings (a new ring generation; with
 * rpmsg-lite, the init image when the remote had used the rings).
 *
 * Context: process context, may sleep; not from the link's receive work.
 * Return: 0; -EINVAL for NULL; -EDEADLK from the receive work; -ENODEV
 * while being removed.
 */
int rpmsg_lite_peer_lost(struct rpmsg_lite_instance *rl)
{
	int old;

	old = rl_outage_begin(rl);
	if (old < 0)
		return old;
	if (old != RPMSG_LITE_LINK_WAITING)
		rl_tell_down(rl);
	if (old != RPMSG_LITE_LINK_RESETTING)
		rl_info(rl, "peer lost: link down until reset\n");
	rl_outage_end(rl);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_peer_lost, RPMSG_LITE);

/**
 * rpmsg_lite_link_state_name() - name of a link state for logs and sysfs
 * @state: state
 *
 * Return: "down", "waiting", "up", "resetting" or "unknown".
 */
const char *rpmsg_lite_link_state_name(enum rpmsg_lite_link_state state)
{
	switch (state) {
	case RPMSG_LITE_LINK_DOWN:
		return "down";
	case RPMSG_LITE_LINK_WAITING:
		return "waiting";
	case RPMSG_LITE_LINK_UP:
		return "up";
	case RPMSG_LITE_LINK_RESETTING:
		return "resetting";
	}
	return "unknown";
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_link_state_name, RPMSG_LITE);

/* ---- accessors ---- */

/**
 * rpmsg_lite_get_role() - master or remote
 * @rl: link
 *
 * Return: the role given at init.
 */
enum rpmsg_lite_role rpmsg_lite_get_role(struct rpmsg_lite_instance *rl)
{
	return rl->role;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_role, RPMSG_LITE);

/**
 * rpmsg_lite_get_config() - numbers the link runs with
 * @rl: link
 *
 * Return: the configuration with every default filled in; valid for the
 * life of the link.
 */
const struct rpmsg_lite_config *
rpmsg_lite_get_config(struct rpmsg_lite_instance *rl)
{
	return &rl->cfg;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_config, RPMSG_LITE);

/**
 * rpmsg_lite_get_payload_size() - largest payload of one message
 * @rl: link
 *
 * Return: the payload size in bytes.
 */
u32 rpmsg_lite_get_payload_size(struct rpmsg_lite_instance *rl)
{
	return rl->cfg.payload_size;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_payload_size, RPMSG_LITE);

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
	spin_lock_irqsave(&rl->tx_lock, flags);
	if (!rl_state_errno(rl))
		n = rl_tx_free_locked(rl);
	spin_unlock_irqrestore(&rl->tx_lock, flags);
	rl_leave(rl);
	return n;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_free_tx_buffers, RPMSG_LITE);

/**
 * rpmsg_lite_get_stats() - snapshot of the link counters
 * @rl: link
 * @stats: filled in
 *
 * Context: any.
 */
void rpmsg_lite_get_stats(struct rpmsg_lite_instance *rl,
			  struct rpmsg_lite_link_stats *stats)
{
	const struct rl_link_counters *c = &rl->stats;
	unsigned long flags;

	spin_lock_irqsave(&rl->tx_lock, flags);
	stats->tx_msgs = c->tx_msgs;
	spin_unlock_irqrestore(&rl->tx_lock, flags);
	stats->rx_msgs = atomic64_read(&c->rx_msgs);
	stats->kicks_out = atomic64_read(&c->kicks_out);
	stats->kicks_in = atomic64_read(&c->kicks_in);
	stats->kick_errors = atomic64_read(&c->kick_errors);
	stats->rx_drop_no_ept = atomic64_read(&c->rx_drop_no_ept);
	stats->rx_drop_bad_len = atomic64_read(&c->rx_drop_bad_len);
	stats->rx_drop_bad_ns = atomic64_read(&c->rx_drop_bad_ns);
	stats->ring_errors = atomic64_read(&c->ring_errors);
	stats->tx_timeouts = atomic64_read(&c->tx_timeouts);
	stats->resets = atomic64_read(&c->resets);
	stats->link_up_rekicks = atomic64_read(&c->link_up_rekicks);
	stats->reset_drops = atomic64_read(&c->reset_drops);
	stats->master_reinits = atomic64_read(&c->master_reinits);
	stats->kick_retries = atomic64_read(&c->kick_retries);
	stats->rx_polls = atomic64_read(&c->rx_polls);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_stats, RPMSG_LITE);

/**
 * rpmsg_lite_get_device() - device a link belongs to
 * @rl: link
 *
 * Return: the device given at init (the parent of the link's own device
 * rpmsg_lite_linkN).
 */
struct device *rpmsg_lite_get_device(struct rpmsg_lite_instance *rl)
{
	return rl->parent;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_device, RPMSG_LITE);

/**
 * rpmsg_lite_get_name() - name of a link
 * @rl: link
 *
 * Return: the name given at init, or the device name if none was given.
 */
const char *rpmsg_lite_get_name(struct rpmsg_lite_instance *rl)
{
	return rl->name;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_name, RPMSG_LITE);

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

	poll_wait(filp, &rl->tx_wq, wait);
	if (!rl_enter(rl))
		return EPOLLHUP | EPOLLERR;
	err = rl_state_errno(rl);
	if (err && err != -ENOTCONN) {
		mask = EPOLLHUP | EPOLLERR;
	} else if (!err && rpmsg_lite_get_free_tx_buffers(rl)) {
		mask = EPOLLOUT | EPOLLWRNORM;
	} else if (!err) {
		queue_delayed_work(rl->wq, &rl->tx_poll_work,
				   msecs_to_jiffies(rl->cfg.notify_consumed ?
						    RL_TX_RECHECK_KICKED_MS :
						    RL_TX_RECHECK_POLL_MS));
	}
	rl_leave(rl);
	return mask;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_poll, RPMSG_LITE);

/* ---- notifier ---- */

/**
 * rpmsg_lite_register_notifier() - hear about links coming and going
 * @nb: notifier block; called with an enum rpmsg_lite_event and the
 *      struct rpmsg_lite_instance
 *
 * LINK_ADDED is sent at the end of init, LINK_UP when traffic can flow
 * (from init for a master, from the receive work for a remote), LINK_DOWN
 * when a ring broke or the link is reset, LINK_REMOVED at the start of
 * deinit.  Links that already exist are not replayed.  Callbacks run in
 * process context; those run by the receive work (LINK_UP of a remote,
 * LINK_DOWN of a broken ring) must not deinit or reset the link.
 *
 * Context: process context.
 * Return: 0 or the notifier chain's error.
 */
int rpmsg_lite_register_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&rl_link_notifier, nb);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_register_notifier, RPMSG_LITE);

/**
 * rpmsg_lite_unregister_notifier() - stop hearing about links
 * @nb: notifier block given to rpmsg_lite_register_notifier()
 *
 * Context: process context.
 * Return: 0, or -ENOENT if @nb was not registered.
 */
int rpmsg_lite_unregister_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&rl_link_notifier, nb);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_unregister_notifier, RPMSG_LITE);

/* ---- errno mapping ---- */

/**
 * rpmsg_lite_errno_to_rl() - rpmsg-lite status for a return value of ours
 * @err: 0 or a negative errno returned by this API
 *
 * The table in <linux/rpmsg_lite.h>.  Errnos rpmsg-lite has no code for:
 * -EADDRINUSE -> RL_ERR_PARAM (rpmsg-lite refuses the endpoint),
 * -EPIPE -> RL_ERR_NOT_READY (link not usable), -EAGAIN -> RL_ERR_NO_BUFF
 * (rpmsg-lite's empty queue), -ERESTARTSYS/-EINTR -> RL_ERR_NO_MEM (no
 * buffer obtained), -EDEADLK and anything else -> RL_ERR_PARAM.
 *
 * Return: RL_SUCCESS for @err >= 0, else an RL_ERR_* code.
 */
int rpmsg_lite_errno_to_rl(int err)
{
	if (err >= 0)
		return RL_SUCCESS;
	switch (err) {
	case -ENOMEM:
	case -ETIMEDOUT:
	case -ERESTARTSYS:
	case -EINTR:
		return RL_ERR_NO_MEM;
	case -EMSGSIZE:
		return RL_ERR_BUFF_SIZE;
	case -ENODEV:
		return RL_ERR_DEV_ID;
	case -ENOSPC:
		return RL_ERR_MAX_VQ;
	case -ENOBUFS:
	case -EAGAIN:
		return RL_ERR_NO_BUFF;
	case -ENOTCONN:
	case -EPIPE:
		return RL_ERR_NOT_READY;
	case -EALREADY:
		return RL_ERR_ALREADY_DONE;
	case -EINVAL:
	case -EADDRINUSE:
	default:
		return RL_ERR_PARAM;
	}
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_errno_to_rl, RPMSG_LITE);

/**
 * rpmsg_lite_rl_to_errno() - errno for an rpmsg-lite status
 * @rl_err: RL_SUCCESS or an RL_ERR_* code
 *
 * The first errno of each row of the table in <linux/rpmsg_lite.h>
 * (RL_ERR_NO_MEM -> -ENOMEM).
 *
 * Return: 0 for RL_SUCCESS, the errno, or -EINVAL for an unknown code.
 */
int rpmsg_lite_rl_to_errno(int rl_err)
{
	switch (rl_err) {
	case RL_SUCCESS:
		return 0;
	case RL_ERR_NO_MEM:
		return -ENOMEM;
	case RL_ERR_BUFF_SIZE:
		return -EMSGSIZE;
	case RL_ERR_PARAM:
		return -EINVAL;
	case RL_ERR_DEV_ID:
		return -ENODEV;
	case RL_ERR_MAX_VQ:
		return -ENOSPC;
	case RL_ERR_NO_BUFF:
		return -ENOBUFS;
	case RL_ERR_NOT_READY:
		return -ENOTCONN;
	case RL_ERR_ALREADY_DONE:
		return -EALREADY;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_rl_to_errno, RPMSG_LITE);
