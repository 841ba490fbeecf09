// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite links: link state.  The life cycle DOWN, WAITING, UP,
 * RESETTING (Documentation/rpmsg-lite/lifecycle.rst): waiting for a link
 * to come up, a corrupted ring, rpmsg_lite_reset_link() and
 * rpmsg_lite_peer_lost(), the master's rebuild of the rings, announced by
 * its ring generation (rl_wire.h), and the remote following it; the
 * master's link-up kicks; LINK_UP and LINK_DOWN to the notifier chain and
 * the listeners, once per outage.
 *
 * Owns: life (struct rl_link_life) of struct rpmsg_lite_instance but
 * life.removing, life.active and life.drained (rl_link.c).  Takes life.lock around a
 * reset or a peer loss (from process context), and both ring locks,
 * rx.lock first, to rewrite the rings or to stop writing to them.
 *
 * Called by API users, the receive work (rl_rx.c: a remote tracks the
 * master's rings), every path that finds a ring corrupted
 * (rl_link_broken()) or changes what senders and waiters must see
 * (rl_wake_all()), and link set-up (rl_link.c: the first rings, kicks and
 * LINK_UP of a master).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/workqueue.h>

#include "rl_compat.h"
#include "rl_core.h"
#include "rl_core_internal.h"
#include "rl_internal.h"

/**
 * rl_wake_all() - every sleeper of a link looks at its state again
 * @rl: link
 *
 * Queued senders, pollers, rpmsg_lite_wait_for_link_up() and the readers
 * of the receive queues.
 *
 * Context: any.
 */
void rl_wake_all(struct rpmsg_lite_instance *rl)
{
	rl_tx_wake_waiters(rl);
	wake_up_all(&rl->tx.wait);
	wake_up_all(&rl->life.wait);
	rl_queue_wake_all(rl);
}

/**
 * rl_tell_down() - send LINK_DOWN, once per outage
 * @rl: link
 *
 * LINK_DOWN and LINK_UP alternate: LINK_DOWN is sent once per outage,
 * whichever path noticed it first (broken ring, reset, peer lost).
 *
 * Context: process context.
 */
void rl_tell_down(struct rpmsg_lite_instance *rl)
{
	if (!test_and_set_bit(RL_FLAG_DOWN_TOLD, &rl->life.flags))
		rl_notify_event(rl, RPMSG_LITE_EVENT_LINK_DOWN);
}

/**
 * rl_tell_up() - send LINK_UP; the next outage is told again
 * @rl: link
 *
 * Context: process context.
 */
void rl_tell_up(struct rpmsg_lite_instance *rl)
{
	clear_bit(RL_FLAG_DOWN_TOLD, &rl->life.flags);
	rl_notify_event(rl, RPMSG_LITE_EVENT_LINK_UP);
}

/**
 * rl_link_broken() - a vq reported structural corruption (-EIO)
 * @rl: link
 * @vq: the vq; it is never trusted again
 *
 * The link goes to RESETTING (senders get -EPIPE) and the receive work
 * tells the notifier chain LINK_DOWN; rpmsg_lite_reset_link() rebuilds
 * the rings.
 *
 * Context: any.
 */
void rl_link_broken(struct rpmsg_lite_instance *rl, struct rl_vq *vq)
{
	int old;

	rl_stat_inc(rl, ring_errors);
	old = atomic_cmpxchg(&rl->life.state, RPMSG_LITE_LINK_UP,
			     RPMSG_LITE_LINK_RESETTING);
	if (old == RPMSG_LITE_LINK_WAITING)
		old = atomic_cmpxchg(&rl->life.state, RPMSG_LITE_LINK_WAITING,
				     RPMSG_LITE_LINK_RESETTING);
	if (!test_and_set_bit(RL_FLAG_BROKEN_LOGGED, &rl->life.flags))
		rl_err(rl, "vq %u is corrupted (%u bad idx, %u bad head): link down until reset\n",
		       vq->cfg.id, vq->stats.bad_idx, vq->stats.bad_head);
	if (old == RPMSG_LITE_LINK_UP || old == RPMSG_LITE_LINK_WAITING) {
		set_bit(RL_PEND_DOWN, &rl->rx.pending);
		queue_work(rl->rx.wq, &rl->rx.work);
	}
	rl_wake_all(rl);
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

	spin_lock_irqsave(&rl->rx.lock, flags);
	spin_lock(&rl->tx.lock);
	a0 = le16_to_cpu(READ_ONCE(rl->vq[0].avail->idx));
	u0 = le16_to_cpu(READ_ONCE(rl->vq[0].used->idx));
	a1 = le16_to_cpu(READ_ONCE(rl->vq[1].avail->idx));
	u1 = le16_to_cpu(READ_ONCE(rl->vq[1].used->idx));
	undone = rl->vq[0].broken || rl->vq[1].broken ||
		 (rl->vq[0].synced && rl->vq[0].used_shadow != u0) ||
		 (rl->vq[1].synced && (rl->vq[1].used_shadow != u1 ||
				       rl->vq[1].avail_last != a1));
	spin_unlock(&rl->tx.lock);
	spin_unlock_irqrestore(&rl->rx.lock, flags);

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
	if (rl->life.gen_known || gen)
		return gen != rl->life.ring_gen;
	if (after_reset)
		return rl_remote_sees_init_image(rl, rl->cfg.buffer_count,
						 false);
	return rl_remote_sees_init_image(rl, 0, true);
}

/*
 * Remote: say in our flags word that we follow generations and which one
 * we saw last (@gen; odd: an acknowledgment).  tx.lock held.
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

	spin_lock_irqsave(&rl->tx.lock, flags);
	/* read locklessly by rl_rx_copy_valid() */
	WRITE_ONCE(rl->life.ring_gen, gen);
	if (gen)
		rl->life.gen_known = true;
	rl_remote_answer_gen_locked(rl, gen);
	spin_unlock_irqrestore(&rl->tx.lock, flags);
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
	int old = atomic_read(&rl->life.state);
	unsigned long flags;

	if (old == RPMSG_LITE_LINK_DOWN)
		return;
	if (old != RPMSG_LITE_LINK_UP && rl->life.gen_acked == gen &&
	    rl->life.gen_known)
		return;

	spin_lock_irqsave(&rl->rx.lock, flags);
	spin_lock(&rl->tx.lock);
	old = atomic_cmpxchg(&rl->life.state, RPMSG_LITE_LINK_UP,
			     RPMSG_LITE_LINK_RESETTING);
	rl->life.gen_acked = gen;
	rl->life.gen_known = true;
	rl_remote_answer_gen_locked(rl, gen);
	spin_unlock(&rl->tx.lock);
	spin_unlock_irqrestore(&rl->rx.lock, flags);

	if (old == RPMSG_LITE_LINK_UP) {
		rl_dbg(rl, "the master is rebuilding the rings (generation %u): stopped\n",
		       gen);
		rl_wake_all(rl);
		rl_tell_down(rl);
	}
	/* the acknowledgment must be visible before the kick */
	wmb();
	rl_kick(rl, rl->tx.vq_id);
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

	spin_lock_irqsave(&rl->rx.lock, flags);
	spin_lock(&rl->tx.lock);
	/*
	 * Before the new rings hand the buffers to the peer: a copy from a
	 * held buffer that sees the peer's new bytes then sees this too
	 * (rl_rx_copy_valid()).
	 */
	WRITE_ONCE(rl->life.generation, rl->life.generation + 1);
	/* the new generation before any ring write (rl_rx_copy_valid()) */
	smp_mb();
	rl_vq_reset(&rl->vq[0]);
	rl_vq_reset(&rl->vq[1]);
	if (rl->role == RPMSG_LITE_MASTER)
		rl_master_build_rings(rl);
	/* held now: void, but their holders may still release them */
	dropped = rl_bufs_reset_locked(rl);
	rl->rx.returned = 0;
	rl->tx.more = false;
	clear_bit(RL_FLAG_BROKEN_LOGGED, &rl->life.flags);
	spin_unlock(&rl->tx.lock);
	spin_unlock_irqrestore(&rl->rx.lock, flags);
	rl_stat_inc(rl, resets);
	atomic64_add(dropped, &rl->stats.reset_drops);
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
	int old = atomic_read(&rl->life.state);

	if (old != RPMSG_LITE_LINK_UP && old != RPMSG_LITE_LINK_RESETTING)
		return;
	if (!rl_remote_master_rebuilt(rl, gen, false))
		return;
	if (atomic_cmpxchg(&rl->life.state, old, RPMSG_LITE_LINK_RESETTING) != old)
		return;

	/* a peer can trigger this at will: rate limited */
	rl_log(rl, dev_info_ratelimited,
	       "the master rebuilt the rings: following it\n");
	rl_wake_all(rl);
	rl_tell_down(rl);
	rl_reset_rings(rl);
	rl_remote_adopt_gen(rl, gen);
	rl_stat_inc(rl, master_reinits);
	if (atomic_cmpxchg(&rl->life.state, RPMSG_LITE_LINK_RESETTING,
			   RPMSG_LITE_LINK_UP) == RPMSG_LITE_LINK_RESETTING) {
		rl_wake_all(rl);
		rl_tell_up(rl);
	}
}

/**
 * rl_remote_track_master() - remote: follow the master's ring generation
 * @rl: link
 *
 * After a kick the master's generation decides first: a rewrite
 * announced stops us, a rebuild done is followed, and the first kick
 * brings a waiting link up.
 *
 * Context: the receive work.
 * Return: true when the receive work must not touch the rings (the
 * master is rewriting them, or the link is not up).
 */
bool rl_remote_track_master(struct rpmsg_lite_instance *rl)
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
	if (atomic_read(&rl->life.state) == RPMSG_LITE_LINK_WAITING &&
	    READ_ONCE(rl->life.need_rebuild) &&
	    !rl_remote_master_rebuilt(rl, gen, true)) {
		rl_dbg(rl, "kick on the rings of before our reset: still waiting\n");
		return true;
	}
	if (atomic_cmpxchg(&rl->life.state, RPMSG_LITE_LINK_WAITING,
			   RPMSG_LITE_LINK_UP) == RPMSG_LITE_LINK_WAITING) {
		WRITE_ONCE(rl->life.need_rebuild, false);
		rl_remote_adopt_gen(rl, gen);
		rl_dbg(rl, "first kick from the master: link up\n");
		rl_wake_all(rl);
		rl_tell_up(rl);
	}
	return false;
}

/* Master: has the remote written anything into a used ring yet? */
static bool rl_master_remote_active(struct rpmsg_lite_instance *rl)
{
	u16 rx_idx = le16_to_cpu(READ_ONCE(rl->vq[0].used->idx));
	u16 tx_idx = le16_to_cpu(READ_ONCE(rl->vq[1].used->idx));

	return READ_ONCE(rl->life.peer_seen) || rx_idx != rl->life.rx_used_base ||
	       tx_idx != rl->life.tx_used_base;
}

/**
 * rl_kick_work() - master: repeat the link-up kick
 * @work: the link's life.kick_work
 *
 * The first kick can be lost (a remote not listening yet, an emulated
 * doorbell before its interrupt is enabled).  Repeat it until the remote
 * has visibly touched a used ring.
 *
 * Context: the link's ordered workqueue.
 */
void rl_kick_work(struct work_struct *work)
{
	struct rpmsg_lite_instance *rl =
		container_of(to_delayed_work(work), struct rpmsg_lite_instance,
			     life.kick_work);

	if (atomic_read(&rl->life.state) != RPMSG_LITE_LINK_UP ||
	    READ_ONCE(rl->life.removing))
		return;
	if (rl_master_remote_active(rl)) {
		WRITE_ONCE(rl->life.peer_seen, true);
		rl_dbg(rl, "remote active: link-up kicks stop\n");
		return;
	}
	rl_stat_inc(rl, link_up_rekicks);
	rl_kick(rl, rl_vq_id(rl->cfg.link_id, RL_VQ_MASTER_RX));
	queue_delayed_work(rl->wq, &rl->life.kick_work,
			   msecs_to_jiffies(rl->cfg.link_up_kick_ms));
}

/**
 * rl_master_build_rings() - master: write both vring images
 * @rl: link
 *
 * The link's ring state starts over.
 *
 * Context: at init, or with both ring locks held.
 */
void rl_master_build_rings(struct rpmsg_lite_instance *rl)
{
	rl_vq_master_setup_rx(&rl->vq[RL_VQ_MASTER_RX]);
	rl_vq_master_setup_tx(&rl->vq[RL_VQ_MASTER_TX]);
	rl->life.rx_used_base = le16_to_cpu(READ_ONCE(rl->vq[0].used->idx));
	rl->life.tx_used_base = le16_to_cpu(READ_ONCE(rl->vq[1].used->idx));
	WRITE_ONCE(rl->life.peer_seen, false);
}

/**
 * rl_master_announce() - master: first kick, and re-kicks until the
 *			  remote shows activity
 * @rl: link
 *
 * Context: process context.
 */
void rl_master_announce(struct rpmsg_lite_instance *rl)
{
	rl_kick(rl, rl_vq_id(rl->cfg.link_id, RL_VQ_MASTER_RX));
	queue_delayed_work(rl->wq, &rl->life.kick_work,
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
	u8 gen = rl->life.ring_gen | 1;

	if (peer & RL_VRING_USED_F_GEN_AWARE)
		rl->life.peer_gen_aware = true;
	rl->life.ring_gen = gen;
	rl_vq_set_flags_ext(&rl->vq[0], (u16)gen << RL_VRING_F_GEN_SHIFT);
	/* the announcement before the kick */
	wmb();
	rl_kick(rl, rl_vq_id(rl->cfg.link_id, RL_VQ_MASTER_RX));
	if (!rl->life.peer_gen_aware)
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
	rl->life.ring_gen++;
	/* the whole new image before the generation that completes it */
	dma_wmb();
	rl_vq_set_flags_ext(&rl->vq[0],
			    (u16)rl->life.ring_gen << RL_VRING_F_GEN_SHIFT);
}

/**
 * rpmsg_lite_is_link_up() - can messages flow?
 * @rl: link
 *
 * Context: any.
 * Return: true when the link is RPMSG_LITE_LINK_UP.
 */
bool rpmsg_lite_is_link_up(struct rpmsg_lite_instance *rl)
{
	return rl && !READ_ONCE(rl->life.removing) &&
	       atomic_read(&rl->life.state) == RPMSG_LITE_LINK_UP;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_is_link_up, RPMSG_LITE);

static bool rl_link_settled(struct rpmsg_lite_instance *rl)
{
	return atomic_read(&rl->life.state) == RPMSG_LITE_LINK_UP ||
	       READ_ONCE(rl->life.removing);
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
			ret = wait_event_interruptible(rl->life.wait,
						       rl_link_settled(rl));
		else
			ret = wait_event_interruptible_timeout
				(rl->life.wait, rl_link_settled(rl),
				 msecs_to_jiffies(timeout_ms));
		rl_leave(rl);
		if (ret < 0)
			return ret;
	}

	if (READ_ONCE(rl->life.removing))
		return -ENODEV;
	if (atomic_read(&rl->life.state) == RPMSG_LITE_LINK_UP)
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
	if (!rl || READ_ONCE(rl->life.removing))
		return RPMSG_LITE_LINK_DOWN;
	return atomic_read(&rl->life.state);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_link_state, RPMSG_LITE);

/*
 * Start of an outage, shared by rpmsg_lite_reset_link() and
 * rpmsg_lite_peer_lost(): enter the link, take life.lock, go RESETTING,
 * wake every waiter and stop the re-kicks.  Returns the previous state
 * with life.lock held and the link entered (rl_outage_end() undoes
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

	mutex_lock(&rl->life.lock);
	old = atomic_xchg(&rl->life.state, RPMSG_LITE_LINK_RESETTING);
	rl_wake_all(rl);
	cancel_delayed_work_sync(&rl->life.kick_work);
	cancel_delayed_work_sync(&rl->tx.watch_work);
	return old;
}

static void rl_outage_end(struct rpmsg_lite_instance *rl)
{
	mutex_unlock(&rl->life.lock);
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
	cancel_work_sync(&rl->rx.work);
	clear_bit(RL_PEND_DOWN, &rl->rx.pending);
	/* a remote that never came up has nothing to take down */
	if (old != RPMSG_LITE_LINK_WAITING)
		rl_tell_down(rl);

	/*
	 * Protocol roles, not ring operations: the master lays the rings
	 * out anew and announces them, a remote waits for that.
	 */
	if (rl->role == RPMSG_LITE_MASTER)
		rl_master_fence(rl);
	rl_reset_rings(rl);

	if (rl->role == RPMSG_LITE_MASTER) {
		rl_master_publish_gen(rl);
		atomic_set(&rl->life.state, RPMSG_LITE_LINK_UP);
		rl_master_announce(rl);
	} else {
		/* after using the rings, only rebuilt ones bring it up */
		if (old != RPMSG_LITE_LINK_WAITING)
			WRITE_ONCE(rl->life.need_rebuild, true);
		atomic_set(&rl->life.state, RPMSG_LITE_LINK_WAITING);
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
