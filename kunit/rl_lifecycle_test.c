// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite rl_lifecycle: every transition of the link state machine
 * (DOWN -> WAITING/UP -> RESETTING -> UP -> DOWN) over loopback link
 * pairs: the lost first kick, wait_for_link_up() time-outs, master and
 * remote resets with endpoints alive, sends while resetting, receivers
 * woken on link down and removal, buffers held across a reset, twenty
 * reset cycles without a leak, and the order of notifier events.
 * Documentation/rpmsg-lite/lifecycle.rst describes the behaviour pinned
 * down here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/poll.h>
#include <linux/rpmsg_lite.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "rl_core.h"
#include "rl_loopback.h"
#include "rl_test_time.h"
#include "rl_wire.h"

/* Generous: the guest runs under TCG with KASAN and lockdep. */
#define LC_WAIT_MS		rl_test_ms(5000)
/* Re-kick interval of the test links. */
#define LC_KICK_MS		50
/* Buffers per direction of the test links. */
#define LC_COUNT		4
/* Notifier events remembered per test. */
#define LC_MAX_EVENTS		128

/**
 * struct lc_sink - endpoint that remembers what it received
 * @ept: the endpoint
 * @rl: its link
 * @hold: return RL_HOLD for the next message and keep its payload
 * @held: payload kept because of @hold
 * @count: messages received
 * @last: first 4 bytes of the last message
 * @wq: woken on every message
 */
struct lc_sink {
	struct rpmsg_lite_endpoint *ept;
	struct rpmsg_lite_instance *rl;
	bool hold;
	void *held;
	atomic_t count;
	u32 last;
	wait_queue_head_t wq;
};

struct lc_waiter;

/**
 * struct lc_event - one notifier event of a watched link
 * @rl: link
 * @event: enum rpmsg_lite_event
 */
struct lc_event {
	struct rpmsg_lite_instance *rl;
	unsigned long event;
};

/**
 * struct lc_ctx - per-test state, torn down by the suite's exit
 * @pair: loopback link pair
 * @m: its master
 * @r: its remote
 * @nb: notifier recording events
 * @nb_registered: @nb is registered
 * @lock: protects @events and @nevents
 * @events: recorded events
 * @nevents: entries in @events
 * @on_removed: called from the notifier on LINK_REMOVED (may be NULL)
 * @on_removed_data: passed to @on_removed
 * @waiter: receiver thread of the case, stopped at its end (may be NULL)
 */
struct lc_ctx {
	struct rl_loopback_pair *pair;
	struct rpmsg_lite_instance *m;
	struct rpmsg_lite_instance *r;
	struct notifier_block nb;
	bool nb_registered;
	spinlock_t lock; /* events vs notifier */
	struct lc_event events[LC_MAX_EVENTS];
	unsigned int nevents;
	void (*on_removed)(struct rpmsg_lite_instance *rl, void *data);
	void *on_removed_data;
	struct lc_waiter *waiter;
};

static int lc_sink_cb(void *payload, u32 payload_len, u32 src, void *priv)
{
	struct lc_sink *s = priv;
	int ret = RL_RELEASE;
	u32 v = 0;

	memcpy(&v, payload, min_t(u32, payload_len, sizeof(v)));
	WRITE_ONCE(s->last, v);
	if (READ_ONCE(s->hold)) {
		WRITE_ONCE(s->hold, false);
		s->held = payload;
		ret = RL_HOLD;
	}
	atomic_inc(&s->count);
	wake_up_all(&s->wq);
	return ret;
}

static struct lc_sink *lc_sink_new(struct kunit *test,
				   struct rpmsg_lite_instance *rl)
{
	struct lc_sink *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	init_waitqueue_head(&s->wq);
	s->rl = rl;
	s->ept = rpmsg_lite_create_ept(rl, RL_ADDR_ANY, lc_sink_cb, s);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s->ept));
	return s;
}

static bool lc_sink_wait(struct lc_sink *s, int n)
{
	return wait_event_timeout(s->wq, atomic_read(&s->count) >= n,
				  msecs_to_jiffies(LC_WAIT_MS)) > 0;
}

static u32 lc_addr(struct lc_sink *s)
{
	return rpmsg_lite_ept_addr(s->ept);
}

static struct rpmsg_lite_link_stats lc_stats(struct rpmsg_lite_instance *rl)
{
	struct rpmsg_lite_link_stats st;

	rpmsg_lite_get_stats(rl, &st);
	return st;
}

/* Poll @cond every millisecond or two for up to LC_WAIT_MS. */
#define lc_wait_for(cond)	rl_test_wait_for(cond, 5000)

static int lc_notify(struct notifier_block *nb, unsigned long event,
		     void *data)
{
	struct lc_ctx *c = container_of(nb, struct lc_ctx, nb);
	struct rpmsg_lite_instance *rl = data;
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	if (c->nevents < LC_MAX_EVENTS) {
		c->events[c->nevents].rl = rl;
		c->events[c->nevents].event = event;
		c->nevents++;
	}
	spin_unlock_irqrestore(&c->lock, flags);
	if (event == RPMSG_LITE_EVENT_LINK_REMOVED && c->on_removed)
		c->on_removed(rl, c->on_removed_data);
	return NOTIFY_OK;
}

/* Events of @rl in order, as a string like "AUDU"; returns the length. */
static unsigned int lc_events_of(struct lc_ctx *c,
				 struct rpmsg_lite_instance *rl, char *buf,
				 unsigned int size)
{
	static const char code[] = {
		[RPMSG_LITE_EVENT_LINK_ADDED] = 'A',
		[RPMSG_LITE_EVENT_LINK_UP] = 'U',
		[RPMSG_LITE_EVENT_LINK_DOWN] = 'D',
		[RPMSG_LITE_EVENT_LINK_REMOVED] = 'R',
	};
	unsigned long flags;
	unsigned int i, n = 0;

	spin_lock_irqsave(&c->lock, flags);
	for (i = 0; i < c->nevents && n + 1 < size; i++)
		if (c->events[i].rl == rl)
			buf[n++] = c->events[i].event < ARRAY_SIZE(code) ?
				   code[c->events[i].event] : '?';
	spin_unlock_irqrestore(&c->lock, flags);
	buf[n] = '\0';
	return n;
}

static void lc_pair(struct kunit *test, u32 kick_ms)
{
	struct lc_ctx *c = test->priv;
	struct rpmsg_lite_config cfg = {
		.buffer_count = LC_COUNT,
		.link_up_kick_ms = kick_ms,
	};

	c->pair = rl_loopback_pair_create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(c->pair));
	c->m = rl_loopback_master(c->pair);
	c->r = rl_loopback_remote(c->pair);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
}

static void lc_destroy_pair(struct lc_ctx *c)
{
	rl_loopback_pair_destroy(c->pair);
	c->pair = NULL;
	c->m = NULL;
	c->r = NULL;
}

/* One message each way between two sinks; asserts that both arrive. */
static void lc_traffic(struct kunit *test, struct lc_sink *sm,
		       struct lc_sink *sr, u32 v)
{
	struct lc_ctx *c = test->priv;
	int nm = atomic_read(&sm->count), nr = atomic_read(&sr->count);

	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(c->m, sm->ept, lc_addr(sr), &v,
					      sizeof(v), LC_WAIT_MS), 0);
	KUNIT_ASSERT_TRUE(test, lc_sink_wait(sr, nr + 1));
	KUNIT_EXPECT_EQ(test, READ_ONCE(sr->last), v);
	v = ~v;
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(c->r, sr->ept, lc_addr(sm), &v,
					      sizeof(v), LC_WAIT_MS), 0);
	KUNIT_ASSERT_TRUE(test, lc_sink_wait(sm, nm + 1));
	KUNIT_EXPECT_EQ(test, READ_ONCE(sm->last), v);
}

/* Buffers of @bufs in @state (RL_BUF_NR_STATES: any) with void holders. */
static u32 lc_bufs(const struct rl_buf *bufs, int state, bool voided)
{
	u32 i, n = 0;

	for (i = 0; i < LC_COUNT; i++)
		if ((state == RL_BUF_NR_STATES || bufs[i].state == state) &&
		    (!voided || bufs[i].voids))
			n++;
	return n;
}

/* Every buffer is back where it rests when the link is idle. */
static void lc_expect_idle(struct kunit *test, struct rpmsg_lite_instance *rl)
{
	KUNIT_EXPECT_TRUE(test, lc_wait_for(rpmsg_lite_get_free_tx_buffers(rl)
					    == LC_COUNT ||
					    rl->role == RPMSG_LITE_REMOTE));
	KUNIT_EXPECT_EQ(test, lc_bufs(rl->rx.bufs_state, RL_BUF_USER, false),
			0U);
	KUNIT_EXPECT_EQ(test, lc_bufs(rl->tx.bufs_state, RL_BUF_USER, false),
			0U);
	KUNIT_EXPECT_EQ(test, lc_bufs(rl->tx.bufs_state, RL_BUF_PARKED, false),
			0U);
	KUNIT_EXPECT_EQ(test, lc_bufs(rl->rx.bufs_state, RL_BUF_NR_STATES,
				      true), 0U);
	KUNIT_EXPECT_EQ(test, lc_bufs(rl->tx.bufs_state, RL_BUF_NR_STATES,
				      true), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&rl->buf_errors), 0);
}

/* Kicks of the master the loopback swallowed so far. */
static u64 lc_kicks_dropped(struct lc_ctx *c)
{
	struct rl_loopback_stats lb;

	rl_loopback_get_stats(c->pair, true, &lb);
	return lb.kicks_dropped;
}

/*
 * Bring the remote back to WAITING with stale-free rings, as at boot.
 * A master whose remote never used a ring re-kicks every LC_KICK_MS
 * (rl_kick_work()), and a remote that restarts under such untouched rings
 * takes the next re-kick for a fresh link and comes up, however short the
 * checks after the restart: so the remote first sends one message, and
 * the master is seen to have noticed it (its re-kicks stop).
 */
static void lc_remote_restarts(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;
	u32 v = 0x5eed;

	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(c->r, sr->ept, lc_addr(sm), &v,
					      sizeof(v), LC_WAIT_MS), 0);
	KUNIT_ASSERT_TRUE(test, lc_sink_wait(sm, 1));
	KUNIT_ASSERT_TRUE(test, lc_wait_for(READ_ONCE(c->m->life.peer_seen)));
	flush_delayed_work(&c->m->life.kick_work);
	rpmsg_lite_destroy_ept(c->r, sr->ept);
	rpmsg_lite_destroy_ept(c->m, sm->ept);

	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->r), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_get_link_state(c->r),
			RPMSG_LITE_LINK_WAITING);
}

/* ---- cases ---- */

static void rl_lifecycle_test_dropped_first_kick_is_recovered_by_rekick(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct rl_loopback_stats lb;
	struct lc_sink *sm, *sr;
	u64 rekicks, dropped;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	lc_remote_restarts(test);
	rl_loopback_get_stats(c->pair, true, &lb);
	dropped = lb.kicks_dropped;

	/*
	 * Every kick of the rebuild is lost: the announcing ones (the master
	 * waits for the acknowledgment in vain, then rebuilds anyway) and
	 * the one of link up.  Once two of them are known lost, the remote
	 * is still waiting.
	 */
	rl_loopback_drop_kicks(c->pair, true, INT_MAX);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	rekicks = lc_stats(c->m).link_up_rekicks;
	KUNIT_ASSERT_TRUE(test, lc_wait_for(lc_kicks_dropped(c) >= dropped + 2));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(c->r),
			RPMSG_LITE_LINK_WAITING);
	rl_loopback_drop_kicks(c->pair, true, 0);

	/* a re-kick of the master gets through */
	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	KUNIT_EXPECT_GT(test, lc_stats(c->m).link_up_rekicks, rekicks);
	lc_traffic(test, sm, sr, 0x1234);
}

static void rl_lifecycle_test_wait_for_link_up_times_out_while_master_is_silent(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	u64 rekicks, dropped;

	lc_pair(test, LC_KICK_MS);
	/* before the restart: no re-kick of the idle master gets through */
	rl_loopback_drop_kicks(c->pair, true, UINT_MAX);
	lc_remote_restarts(test);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	rekicks = lc_stats(c->m).link_up_rekicks;
	dropped = lc_kicks_dropped(c);

	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, RL_DONT_BLOCK),
			-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, 3 * LC_KICK_MS),
			-ETIMEDOUT);
	/* the master keeps re-kicking: two more re-kicks, both lost */
	KUNIT_ASSERT_TRUE(test, lc_wait_for(lc_stats(c->m).link_up_rekicks >=
					    rekicks + 2 &&
					    lc_kicks_dropped(c) >= dropped + 2));
	KUNIT_EXPECT_FALSE(test, rpmsg_lite_is_link_up(c->r));
	/* once kicks get through, it is up */
	rl_loopback_drop_kicks(c->pair, true, 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
}

static void rl_lifecycle_test_master_reset_keeps_endpoints_and_remote_follows(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	lc_traffic(test, sm, sr, 1);

	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(c->m),
			RPMSG_LITE_LINK_UP);
	KUNIT_EXPECT_TRUE(test, lc_wait_for(lc_stats(c->r).master_reinits
					    == 1));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	KUNIT_EXPECT_EQ(test, lc_stats(c->m).resets, 1ULL);
	KUNIT_EXPECT_EQ(test, lc_stats(c->r).resets, 1ULL);
	KUNIT_EXPECT_EQ(test, lc_stats(c->r).ring_errors, 0ULL);

	/* the same endpoints carry traffic over the rebuilt rings */
	lc_traffic(test, sm, sr, 2);
	lc_traffic(test, sm, sr, 3);
	lc_expect_idle(test, c->m);
}

static void rl_lifecycle_test_remote_reset_is_repaired_by_master_rebuild(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	lc_traffic(test, sm, sr, 10);

	/* the remote starts over; the platform tells the master */
	lc_remote_restarts(test);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(c->r, sr->ept, lc_addr(sm),
					      "x", 1, RL_DONT_BLOCK),
			-ENOTCONN);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_peer_lost(c->m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	lc_traffic(test, sm, sr, 11);
	KUNIT_EXPECT_EQ(test, lc_stats(c->m).resets, 1ULL);
	lc_expect_idle(test, c->m);
}

static void rl_lifecycle_test_broken_remote_ring_recovers_when_master_rebuilds(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;
	struct rl_vring_avail *avail;
	u16 idx;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	lc_traffic(test, sm, sr, 20);

	/* the remote's receive ring turns to garbage */
	avail = c->r->vq[RL_VQ_MASTER_TX].avail;
	idx = le16_to_cpu(READ_ONCE(avail->idx));
	WRITE_ONCE(avail->idx, cpu_to_le16(idx + LC_COUNT + 3));
	rpmsg_lite_isr(c->r, rl_vq_id(0, RL_VQ_MASTER_TX));
	KUNIT_ASSERT_TRUE(test, lc_wait_for(rpmsg_lite_get_link_state(c->r) ==
					    RPMSG_LITE_LINK_RESETTING));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(c->r, sr->ept, lc_addr(sm),
					      "x", 1, RL_DONT_BLOCK), -EPIPE);

	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	KUNIT_EXPECT_EQ(test, lc_stats(c->r).master_reinits, 1ULL);
	lc_traffic(test, sm, sr, 21);
}

static void rl_lifecycle_test_sends_while_resetting_fail_with_epipe(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;
	u32 size;
	void *buf;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);

	KUNIT_ASSERT_EQ(test, rpmsg_lite_peer_lost(c->m), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(c->m),
			RPMSG_LITE_LINK_RESETTING);
	KUNIT_EXPECT_FALSE(test, rpmsg_lite_is_link_up(c->m));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(c->m, sm->ept, lc_addr(sr), "x",
					      1, RL_DONT_BLOCK), -EPIPE);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(c->m, sm->ept, lc_addr(sr), "x",
					      1, 100), -EPIPE);
	buf = rpmsg_lite_alloc_tx_buffer(c->m, &size, RL_DONT_BLOCK);
	KUNIT_EXPECT_EQ(test, PTR_ERR(buf), -EPIPE);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_free_tx_buffers(c->m), 0U);

	KUNIT_ASSERT_EQ(test, rpmsg_lite_peer_lost(c->r), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(c->r, sr->ept, lc_addr(sm), "x",
					      1, RL_DONT_BLOCK), -EPIPE);

	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	lc_traffic(test, sm, sr, 30);
}

/**
 * struct lc_waiter - a receiver blocked in rpmsg_lite_queue_recv()
 * @task: the thread making the receive (referenced)
 * @rl: link
 * @q: queue
 * @started: the thread is about to receive
 * @done: the receive returned
 * @ret: what it returned
 */
struct lc_waiter {
	struct task_struct *task;
	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_queue *q;
	struct completion started;
	struct completion done;
	int ret;
};

static int lc_waiter_fn(void *arg)
{
	struct lc_waiter *w = arg;
	u32 len, src;
	u8 buf[16];

	complete(&w->started);
	w->ret = rpmsg_lite_queue_recv(w->rl, w->q, &src, buf, sizeof(buf),
				       &len, RL_BLOCK);
	/* for good: the case and lc_waiter_stop() both wait for it */
	complete_all(&w->done);
	return 0;
}

/*
 * A thread blocked in a receive on @q; it must stay blocked until the
 * case wakes it.  Stopped by lc_waiter_stop() at the end of the case.
 */
static struct lc_waiter *lc_waiter_start(struct kunit *test,
					 struct rpmsg_lite_instance *rl,
					 struct rpmsg_lite_queue *q)
{
	struct lc_ctx *c = test->priv;
	struct task_struct *t;
	struct lc_waiter *w;

	KUNIT_ASSERT_NULL(test, c->waiter);
	/* not freed with the case: a receive that never returns keeps it */
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	w->rl = rl;
	w->q = q;
	init_completion(&w->started);
	init_completion(&w->done);
	t = kthread_create(lc_waiter_fn, w, "lc_waiter");
	if (IS_ERR(t))
		kfree(w);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	w->task = get_task_struct(t);
	c->waiter = w;
	wake_up_process(w->task);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout
			  (&w->started, rl_test_jiffies(5000)) > 0);
	/*
	 * The only interruptible sleep of the thread is the receive's wait:
	 * once seen in it, it is on the queue's wait list, and still there.
	 */
	KUNIT_ASSERT_TRUE(test, lc_wait_for(completion_done(&w->done) ||
					    READ_ONCE(w->task->__state) ==
					    TASK_INTERRUPTIBLE));
	KUNIT_ASSERT_FALSE(test, completion_done(&w->done));
	return w;
}

/*
 * Stop the receiver thread of the case once its receive returned (the
 * case woke it, or the removal of the link did).  One that never returns
 * is left behind, with what it uses, and reported.
 */
static void lc_waiter_stop(struct lc_ctx *c)
{
	struct lc_waiter *w = c->waiter;

	if (!w)
		return;
	c->waiter = NULL;
	if (!wait_for_completion_timeout(&w->done, rl_test_jiffies(5000))) {
		pr_err("a receiver is still blocked: its thread is left behind\n");
		return;
	}
	kthread_stop(w->task);
	put_task_struct(w->task);
	kfree(w);
}

static void rl_lifecycle_test_queue_receiver_is_woken_by_link_down(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct rpmsg_lite_endpoint *ept;
	struct rpmsg_lite_queue *q;
	struct lc_waiter *w;
	u64 kicks;
	u32 len;
	u8 b;

	/*
	 * The master keeps re-kicking (the remote never consumes here): a
	 * re-kick is not a rebuild, the remote stays down.
	 */
	lc_pair(test, LC_KICK_MS);
	q = rpmsg_lite_queue_create(c->r, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(q));
	ept = rpmsg_lite_create_ept(c->r, RL_ADDR_ANY, rpmsg_lite_queue_rx_cb,
				    q);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(ept));

	w = lc_waiter_start(test, c->r, q);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_peer_lost(c->r), 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout
			  (&w->done, msecs_to_jiffies(LC_WAIT_MS)) > 0);
	KUNIT_EXPECT_EQ(test, w->ret, -EPIPE);
	lc_waiter_stop(c);
	/*
	 * No waiting while the link is down, re-kicks or not: two of the
	 * master's re-kicks reach the remote and are handled, and it stays
	 * down.
	 */
	kicks = lc_stats(c->r).kicks_in;
	KUNIT_ASSERT_TRUE(test, lc_wait_for(lc_stats(c->r).kicks_in >=
					    kicks + 2));
	flush_work(&c->r->rx.work);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(c->r),
			RPMSG_LITE_LINK_RESETTING);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_recv(c->r, q, NULL, &b, 1, &len,
						    1000), -EPIPE);

	rpmsg_lite_destroy_ept(c->r, ept);
	rpmsg_lite_queue_destroy(c->r, q);
}

static void rl_lifecycle_test_queue_receiver_is_woken_by_master_reset(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct rpmsg_lite_endpoint *ept;
	struct rpmsg_lite_queue *q;
	struct lc_waiter *w;

	lc_pair(test, LC_KICK_MS);
	q = rpmsg_lite_queue_create(c->m, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(q));
	ept = rpmsg_lite_create_ept(c->m, RL_ADDR_ANY, rpmsg_lite_queue_rx_cb,
				    q);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(ept));

	/* a master reset is over at once: the waiter still learns of it */
	w = lc_waiter_start(test, c->m, q);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout
			  (&w->done, msecs_to_jiffies(LC_WAIT_MS)) > 0);
	KUNIT_EXPECT_EQ(test, w->ret, -EPIPE);
	lc_waiter_stop(c);

	rpmsg_lite_destroy_ept(c->m, ept);
	rpmsg_lite_queue_destroy(c->m, q);
}

/**
 * struct lc_removal - what the LINK_REMOVED handler of a test must undo
 * @w: receiver blocked on @q
 * @ept: endpoint feeding @q
 * @q: queue to destroy once the receiver has left
 * @woken: the receiver had returned when LINK_REMOVED arrived
 */
struct lc_removal {
	struct lc_waiter *w;
	struct rpmsg_lite_endpoint *ept;
	struct rpmsg_lite_queue *q;
	bool woken;
};

static void lc_on_removed(struct rpmsg_lite_instance *rl, void *data)
{
	struct lc_removal *rm = data;

	if (rl != rm->w->rl)
		return;
	/* deinit wakes receivers before it says LINK_REMOVED */
	rm->woken = wait_for_completion_timeout
		(&rm->w->done, msecs_to_jiffies(LC_WAIT_MS)) > 0;
	if (!rm->woken)
		return;
	rpmsg_lite_destroy_ept(rl, rm->ept);
	rpmsg_lite_queue_destroy(rl, rm->q);
}

static void rl_lifecycle_test_queue_receiver_is_woken_by_deinit(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_removal *rm;

	rm = kunit_kzalloc(test, sizeof(*rm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rm);
	lc_pair(test, LC_KICK_MS);
	rm->q = rpmsg_lite_queue_create(c->r, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(rm->q));
	rm->ept = rpmsg_lite_create_ept(c->r, RL_ADDR_ANY,
					rpmsg_lite_queue_rx_cb, rm->q);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(rm->ept));
	rm->w = lc_waiter_start(test, c->r, rm->q);

	c->on_removed_data = rm;
	c->on_removed = lc_on_removed;
	lc_destroy_pair(c);
	c->on_removed = NULL;
	KUNIT_ASSERT_TRUE(test, rm->woken);
	KUNIT_EXPECT_EQ(test, rm->w->ret, -ENODEV);
	lc_waiter_stop(c);
}

static void rl_lifecycle_test_buffer_held_across_reset_is_released_harmlessly(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;
	void *held;
	u32 i;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	WRITE_ONCE(sm->hold, true);
	lc_traffic(test, sm, sr, 40);
	held = sm->held;
	KUNIT_ASSERT_NOT_NULL(test, held);

	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_EXPECT_EQ(test, lc_stats(c->m).reset_drops, 1ULL);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	KUNIT_ASSERT_TRUE(test, lc_wait_for(lc_stats(c->r).master_reinits
					    == 1));
	/* more messages than buffers: the held head is reused meanwhile */
	for (i = 0; i < 3 * LC_COUNT; i++)
		lc_traffic(test, sm, sr, 41 + i);

	/* the old pointer is accepted once and disturbs nothing */
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_rx_buffer(c->m, held), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_rx_buffer(c->m, held),
			-EALREADY);
	for (i = 0; i < 2 * LC_COUNT; i++)
		lc_traffic(test, sm, sr, 60 + i);
	lc_expect_idle(test, c->m);
}

static void rl_lifecycle_test_zero_copy_buffer_of_before_reset_cannot_be_sent(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;
	void *old, *buf;
	u32 size, i;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	old = rpmsg_lite_alloc_tx_buffer(c->m, &size, LC_WAIT_MS);
	KUNIT_ASSERT_FALSE(test, IS_ERR(old));

	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	/* its head is free in the new ring but kept away from new senders */
	for (i = 0; i < 3 * LC_COUNT; i++) {
		buf = rpmsg_lite_alloc_tx_buffer(c->m, &size, LC_WAIT_MS);
		KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
		KUNIT_EXPECT_PTR_NE(test, buf, old);
		KUNIT_ASSERT_EQ(test, rpmsg_lite_send_nocopy(c->m, sm->ept,
							     lc_addr(sr), buf,
							     4), 0);
		KUNIT_ASSERT_TRUE(test, lc_sink_wait(sr, i + 1));
	}
	/* a failed send leaves it with its holder, who gives it back */
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send_nocopy(c->m, sm->ept,
						     lc_addr(sr), old, 4),
			-EPIPE);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_tx_buffer(c->m, old), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_tx_buffer(c->m, old),
			-ENOBUFS);
	lc_traffic(test, sm, sr, 70);
	lc_expect_idle(test, c->m);
}

/*
 * The caller's rule after a failed zero-copy send is "give it back", even
 * when a reset voided the buffer meanwhile.  That release must free only
 * the caller's own buffer: before, the failed send had already given the
 * head up, the rebuilt ring handed it to a second holder, and the first
 * holder's release then made it spare for a third one.
 */
static void rl_lifecycle_test_failed_send_then_release_frees_only_its_buffer(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	void *old, *extra, *bufs[LC_COUNT];
	struct lc_sink *sm, *sr;
	u32 size, i, n = 0;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	old = rpmsg_lite_alloc_tx_buffer(c->m, &size, LC_WAIT_MS);
	KUNIT_ASSERT_FALSE(test, IS_ERR(old));
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send_nocopy(c->m, sm->ept,
						     lc_addr(sr), old, 4),
			-EPIPE);

	/* other senders take every buffer the rebuilt ring offers */
	while (n < LC_COUNT) {
		bufs[n] = rpmsg_lite_alloc_tx_buffer(c->m, &size,
						     RL_DONT_BLOCK);
		if (IS_ERR(bufs[n]))
			break;
		KUNIT_EXPECT_PTR_NE(test, bufs[n], old);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, LC_COUNT - 1);

	/* the first sender follows the rule */
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_tx_buffer(c->m, old), 0);
	extra = rpmsg_lite_alloc_tx_buffer(c->m, &size, RL_DONT_BLOCK);
	KUNIT_ASSERT_FALSE(test, IS_ERR(extra));
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_PTR_NE(test, extra, bufs[i]);

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, rpmsg_lite_release_tx_buffer(c->m, bufs[i]),
				0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_tx_buffer(c->m, extra), 0);
	lc_traffic(test, sm, sr, 80);
	lc_expect_idle(test, c->m);
}

/* A send that finds the link resetting leaves the buffer with its holder. */
static void rl_lifecycle_test_send_on_a_resetting_link_keeps_the_buffer(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;
	u32 size;
	void *buf;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	buf = rpmsg_lite_alloc_tx_buffer(c->m, &size, LC_WAIT_MS);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
	KUNIT_ASSERT_EQ(test, rpmsg_lite_peer_lost(c->m), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send_nocopy(c->m, sm->ept,
						     lc_addr(sr), buf, 4),
			-EPIPE);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_free_tx_buffers(c->m), 0U);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_tx_buffer(c->m, buf), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	lc_traffic(test, sm, sr, 90);
	lc_expect_idle(test, c->m);
}

/*
 * A remote keeps a received buffer across a master reset (a void holder).
 * The master then points that head's descriptor at another buffer, as a
 * master with another layout (or a hostile one) may: the old holder can
 * no longer be told by its mapping, so the head must serve its new users
 * instead of waiting for that release forever.
 */
static void rl_lifecycle_test_moved_buffer_of_a_void_holder_serves_again(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	u32 buf_size = RL_DEFAULT_PAYLOAD_SIZE + RL_MSG_HDR_SIZE;
	struct rl_vring_desc *desc;
	struct lc_sink *sm, *sr;
	void *held;
	size_t size;
	u8 *shm;
	u32 i, h;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	WRITE_ONCE(sr->hold, true);
	lc_traffic(test, sm, sr, 1);
	held = sr->held;
	KUNIT_ASSERT_NOT_NULL(test, held);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);

	/* vring 1 (master -> remote): the held head now maps elsewhere */
	shm = rl_loopback_shm(c->pair, &size);
	h = (held - (void *)(shm + 2 * RL_DEFAULT_VRING_SIZE +
			     LC_COUNT * buf_size)) / buf_size;
	KUNIT_ASSERT_LT(test, h, LC_COUNT);
	desc = (struct rl_vring_desc *)(shm + RL_DEFAULT_VRING_SIZE);
	WRITE_ONCE(desc[h].addr, cpu_to_le64(RL_LOOPBACK_SHM_DA +
		   2 * RL_DEFAULT_VRING_SIZE +
		   (LC_COUNT + (h + 1) % LC_COUNT) * buf_size));

	/*
	 * Every head serves in turn, the moved one too (its message reads
	 * from the other buffer: what arrives of it does not matter), and
	 * comes back.
	 */
	for (i = 0; i < 3 * LC_COUNT; i++)
		KUNIT_ASSERT_EQ(test, rpmsg_lite_send(c->m, sm->ept, lc_addr(sr),
						      &i, sizeof(i), LC_WAIT_MS),
				0);
	KUNIT_EXPECT_TRUE(test, lc_wait_for(rpmsg_lite_get_free_tx_buffers(c->m)
					    == LC_COUNT));
	/* the old holder's release finds nothing of its own any more */
	KUNIT_EXPECT_NE(test, rpmsg_lite_release_rx_buffer(c->r, held), 0);
	KUNIT_EXPECT_EQ(test, lc_bufs(c->r->rx.bufs_state, RL_BUF_NR_STATES,
				      true), 0U);
}

/*
 * A master points a second descriptor at a buffer the remote holds: the
 * remote refuses that descriptor (counted, its message dropped) rather
 * than have one buffer held twice, and everything comes back.
 */
static void rl_lifecycle_test_held_buffer_is_refused_through_another_descriptor(struct kunit *test)
{
	u32 buf_size = RL_DEFAULT_PAYLOAD_SIZE + RL_MSG_HDR_SIZE;
	u64 errors, held_da;
	struct lc_ctx *c = test->priv;
	struct rl_vring_desc *desc;
	struct lc_sink *sm, *sr;
	void *held;
	u32 i, h, v;
	u8 *shm;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	WRITE_ONCE(sr->hold, true);
	lc_traffic(test, sm, sr, 1);
	held = sr->held;
	KUNIT_ASSERT_NOT_NULL(test, held);
	memcpy(&v, held, sizeof(v));
	KUNIT_ASSERT_EQ(test, v, 1U);

	shm = rl_loopback_shm(c->pair, NULL);
	held_da = RL_LOOPBACK_SHM_DA + ((u8 *)held - RL_MSG_HDR_SIZE - shm);
	h = ((u8 *)held - RL_MSG_HDR_SIZE - (shm + 2 * RL_DEFAULT_VRING_SIZE +
					     LC_COUNT * buf_size)) / buf_size;
	KUNIT_ASSERT_LT(test, h, LC_COUNT);
	desc = (struct rl_vring_desc *)(shm + RL_DEFAULT_VRING_SIZE);
	/* every other descriptor of vring 1 names the held buffer */
	for (i = 0; i < LC_COUNT; i++)
		if (i != h)
			WRITE_ONCE(desc[i].addr, cpu_to_le64(held_da));
	errors = lc_stats(c->r).ring_errors;

	for (i = 0; i < 2 * LC_COUNT; i++)
		KUNIT_ASSERT_EQ(test, rpmsg_lite_send(c->m, sm->ept, lc_addr(sr),
						      &i, sizeof(i), LC_WAIT_MS),
				0);
	KUNIT_EXPECT_TRUE(test, lc_wait_for(lc_stats(c->r).ring_errors >
					    errors));
	/* the held buffer kept what it had */
	memcpy(&v, held, sizeof(v));
	KUNIT_EXPECT_EQ(test, v, 1U);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_rx_buffer(c->r, held), 0);
	KUNIT_EXPECT_TRUE(test, lc_wait_for(rpmsg_lite_get_free_tx_buffers(c->m)
					    == LC_COUNT));
	/* a rebuild puts the descriptors right again */
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	lc_traffic(test, sm, sr, 99);
	lc_expect_idle(test, c->r);
}

/**
 * struct lc_poller - one poll_wait() entry on a link's transmit queue
 * @pt: poll table handed to rpmsg_lite_poll()
 * @wait: the entry
 * @wqh: the queue it is on, or NULL
 */
struct lc_poller {
	poll_table pt;
	wait_queue_entry_t wait;
	wait_queue_head_t *wqh;
};

static void lc_poller_qproc(struct file *filp, wait_queue_head_t *wqh,
			    poll_table *pt)
{
	struct lc_poller *p = container_of(pt, struct lc_poller, pt);

	init_waitqueue_entry(&p->wait, current);
	p->wqh = wqh;
	add_wait_queue(wqh, &p->wait);
}

/* Fill the master's transmit ring: the remote hears of nothing. */
static void lc_fill_master(struct kunit *test, struct lc_sink *sm,
			   struct lc_sink *sr)
{
	struct lc_ctx *c = test->priv;
	u32 i, v = 0;

	rl_loopback_drop_kicks(c->pair, true, INT_MAX);
	for (i = 0; i <= LC_COUNT; i++)
		if (rpmsg_lite_send(c->m, sm->ept, lc_addr(sr), &v, sizeof(v),
				    RL_DONT_BLOCK))
			break;
	KUNIT_ASSERT_EQ(test, i, LC_COUNT);
}

/*
 * With the ring full, a poller makes the link look for returned buffers
 * every millisecond (the peer may not kick for them).  Once the poller
 * is gone the look stops: the front ends keep no permanent entry on the
 * link's queue that would make it go on forever.
 */
static void rl_lifecycle_test_full_ring_rechecks_only_while_polled(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_poller p = {};
	struct lc_sink *sm, *sr;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	lc_fill_master(test, sm, sr);

	init_poll_funcptr(&p.pt, lc_poller_qproc);
	KUNIT_EXPECT_TRUE(test, !rpmsg_lite_poll(c->m, NULL, &p.pt));
	KUNIT_ASSERT_NOT_NULL(test, p.wqh);
	KUNIT_EXPECT_TRUE(test, work_busy(&c->m->tx.poll_work.work));
	remove_wait_queue(p.wqh, &p.wait);
	KUNIT_EXPECT_TRUE(test, lc_wait_for(!work_busy(&c->m->tx.poll_work.work)));
	rl_loopback_drop_kicks(c->pair, true, 0);
}

/*
 * rpmsg_lite_deinit() with a sender blocked on a full ring: the sender
 * returns -ENODEV; a reference taken with rpmsg_lite_get() keeps the
 * link's memory, and every call on it fails cleanly until it is put.
 */
static int lc_blocked_send(void *arg)
{
	struct lc_sink *s = arg;
	u32 v = 7;

	return rpmsg_lite_send(s->rl, s->ept, 1024, &v, sizeof(v), RL_BLOCK);
}

static void rl_lifecycle_test_deinit_wakes_senders_and_a_reference_outlives_it(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct rpmsg_lite_endpoint *ept;
	struct rpmsg_lite_instance *m;
	struct task_struct *t;
	struct lc_sink *sm, *sr;
	u32 size;
	int ret;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	lc_fill_master(test, sm, sr);
	t = kthread_run(lc_blocked_send, sm, "lc_send");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	KUNIT_ASSERT_TRUE(test, lc_wait_for(READ_ONCE(c->m->sched.nwaiters) == 1));

	m = rpmsg_lite_get(c->m);
	ept = rpmsg_lite_ept_get(sm->ept);
	lc_destroy_pair(c);
	ret = kthread_stop(t);
	put_task_struct(t);
	KUNIT_EXPECT_EQ(test, ret, -ENODEV);

	KUNIT_EXPECT_FALSE(test, rpmsg_lite_is_link_up(m));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(m), RPMSG_LITE_LINK_DOWN);
	KUNIT_EXPECT_EQ(test, PTR_ERR(rpmsg_lite_alloc_tx_buffer(m, &size, 10)),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(m, ept, 1024, &size, 4, 10),
			-EPIPE);
	KUNIT_EXPECT_EQ(test, PTR_ERR(rpmsg_lite_create_ept(m, RL_ADDR_ANY,
							    lc_sink_cb, NULL)),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_reset_link(m), -ENODEV);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_kick_peer(m), -ENODEV);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_free_tx_buffers(m), 0U);
	/* deinit destroyed the endpoint the test left behind */
	KUNIT_EXPECT_EQ(test, rpmsg_lite_destroy_ept(m, ept), -EINVAL);
	rpmsg_lite_ept_put(ept);
	rpmsg_lite_put(m);
}

static void rl_lifecycle_test_twenty_reset_cycles_leak_nothing(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct rpmsg_lite_endpoint *qept;
	struct rpmsg_lite_queue *q;
	struct lc_sink *sm, *sr;
	char ev[LC_MAX_EVENTS];
	u32 i, v, len;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	q = rpmsg_lite_queue_create(c->r, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(q));
	qept = rpmsg_lite_create_ept(c->r, RL_ADDR_ANY,
				     rpmsg_lite_queue_rx_cb, q);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(qept));

	for (i = 0; i < 20; i++) {
		/* leave something held: a queued message and a held buffer */
		WRITE_ONCE(sm->hold, true);
		lc_traffic(test, sm, sr, i);
		KUNIT_ASSERT_EQ(test, rpmsg_lite_send(c->m, sm->ept,
						      rpmsg_lite_ept_addr(qept),
						      &i, sizeof(i),
						      LC_WAIT_MS), 0);
		KUNIT_ASSERT_TRUE(test, lc_wait_for
				  (rpmsg_lite_queue_get_current_size(q) == 1));
		KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
		KUNIT_ASSERT_TRUE_MSG(test, lc_wait_for
				      (lc_stats(c->r).master_reinits ==
				       i + 1), "cycle %u", i);
		KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r,
								  LC_WAIT_MS),
				0);
		/* the voided message is dropped, never received */
		KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_recv(c->r, q, NULL, &v,
							    sizeof(v), &len,
							    RL_DONT_BLOCK),
				-EAGAIN);
		KUNIT_EXPECT_EQ(test, rpmsg_lite_release_rx_buffer(c->m,
								   sm->held),
				0);
	}
	lc_traffic(test, sm, sr, 100);
	KUNIT_EXPECT_EQ(test, lc_stats(c->m).resets, 20ULL);
	KUNIT_EXPECT_EQ(test, lc_stats(c->r).resets, 20ULL);
	KUNIT_EXPECT_EQ(test, lc_stats(c->m).reset_drops, 20ULL);
	KUNIT_EXPECT_EQ(test, lc_stats(c->r).reset_drops, 20ULL);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_get_dropped(q), 20U);
	lc_expect_idle(test, c->m);
	lc_expect_idle(test, c->r);

	/* ADDED + UP at creation, then DOWN + UP per cycle, on both sides */
	lc_events_of(c, c->m, ev, sizeof(ev));
	KUNIT_EXPECT_EQ(test, strlen(ev), 42UL);
	KUNIT_EXPECT_EQ(test, strncmp(ev, "AUDUDUDU", 8), 0);
	lc_events_of(c, c->r, ev, sizeof(ev));
	KUNIT_EXPECT_EQ(test, strlen(ev), 42UL);
	KUNIT_EXPECT_EQ(test, strncmp(ev, "AUDUDUDU", 8), 0);

	rpmsg_lite_destroy_ept(c->r, qept);
	rpmsg_lite_queue_destroy(c->r, q);
}

/* Generation bits of the flags word each side writes in vring 0. */
static u8 lc_master_gen(struct rpmsg_lite_instance *m)
{
	return le16_to_cpu(READ_ONCE(m->vq[0].avail->flags)) >>
	       RL_VRING_F_GEN_SHIFT;
}

static u16 lc_remote_flags(struct rpmsg_lite_instance *r)
{
	return le16_to_cpu(READ_ONCE(r->vq[0].used->flags));
}

/*
 * The first rings carry generation 0 (rpmsg-lite's image); each rebuild
 * moves it by two, and the remote says it follows, and which one.
 */
static void rl_lifecycle_test_rebuild_moves_the_ring_generation(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;
	int i;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	lc_traffic(test, sm, sr, 1);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(READ_ONCE(c->m->vq[0].avail->flags)),
			RL_VRING_AVAIL_F_NO_INTERRUPT);
	KUNIT_EXPECT_EQ(test, lc_remote_flags(c->r), RL_VRING_USED_F_GEN_AWARE);

	for (i = 1; i <= 3; i++) {
		KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
		KUNIT_EXPECT_EQ(test, lc_master_gen(c->m), 2 * i);
		KUNIT_ASSERT_TRUE(test, lc_wait_for(lc_stats(c->r).master_reinits
						    == i));
		KUNIT_EXPECT_EQ(test, lc_remote_flags(c->r),
				RL_VRING_USED_F_GEN_AWARE |
				(2 * i) << RL_VRING_F_GEN_SHIFT);
		lc_traffic(test, sm, sr, i);
	}
	/* the master waited for the remote every time, never in vain */
	KUNIT_EXPECT_EQ(test, lc_stats(c->r).ring_errors, 0ULL);
	KUNIT_EXPECT_EQ(test, lc_stats(c->m).ring_errors, 0ULL);
}

/*
 * A master announcing a rewrite (odd generation) stops the remote before
 * it writes anything more: the remote acknowledges, refuses to send and
 * returns no buffer until the next even generation, then follows.
 */
static void rl_lifecycle_test_remote_stops_writing_when_a_rewrite_is_announced(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;
	u16 used0, used1;
	u32 v = 7;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	lc_traffic(test, sm, sr, 1);
	sr->hold = true;
	lc_traffic(test, sm, sr, 2);
	KUNIT_ASSERT_NOT_NULL(test, sr->held);

	/* announce generation 3 as a master does before rewriting */
	WRITE_ONCE(c->m->vq[0].avail->flags,
		   cpu_to_le16(RL_VRING_AVAIL_F_NO_INTERRUPT |
			       3 << RL_VRING_F_GEN_SHIFT));
	rpmsg_lite_isr(c->r, rl_vq_id(c->r->cfg.link_id, 1));
	KUNIT_ASSERT_TRUE(test, lc_wait_for(lc_remote_flags(c->r) >>
					    RL_VRING_F_GEN_SHIFT == 3));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(c->r),
			RPMSG_LITE_LINK_RESETTING);

	used0 = le16_to_cpu(READ_ONCE(c->r->vq[0].used->idx));
	used1 = le16_to_cpu(READ_ONCE(c->r->vq[1].used->idx));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(c->r, sr->ept, lc_addr(sm), &v,
					      sizeof(v), RL_DONT_BLOCK),
			-EPIPE);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_rx_buffer(c->r, sr->held), 0);
	sr->held = NULL;
	/* kicks while frozen change nothing either: one, handled */
	rpmsg_lite_isr(c->r, rl_vq_id(c->r->cfg.link_id, 1));
	flush_work(&c->r->rx.work);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(READ_ONCE(c->r->vq[0].used->idx)),
			used0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(READ_ONCE(c->r->vq[1].used->idx)),
			used1);
	KUNIT_EXPECT_EQ(test, lc_stats(c->r).master_reinits, 0ULL);

	/* the real rebuild (generation 3 -> 4) brings it back */
	c->m->life.ring_gen = 2;
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_EXPECT_EQ(test, lc_master_gen(c->m), 4);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	KUNIT_ASSERT_TRUE(test, lc_wait_for(lc_stats(c->r).master_reinits
					    == 1));
	lc_traffic(test, sm, sr, 3);
	lc_expect_idle(test, c->r);
}

/*
 * A master that never shows a generation (rpmsg-lite) is followed by its
 * init image: here our master's generation wraps back to 0 while every
 * kick of its rebuild is lost, so the remote sees generation 0 before
 * and after, and only the image tells.
 */
static void rl_lifecycle_test_master_without_generation_is_followed_by_image(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	lc_traffic(test, sm, sr, 1);
	lc_traffic(test, sm, sr, 2);

	c->m->life.ring_gen = 0xfe;
	rl_loopback_drop_kicks(c->pair, true, INT_MAX);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_EXPECT_EQ(test, lc_master_gen(c->m), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(c->r),
			RPMSG_LITE_LINK_UP);
	rl_loopback_drop_kicks(c->pair, true, 0);

	/* the next re-kick shows the init image: the remote follows */
	KUNIT_ASSERT_TRUE(test, lc_wait_for(lc_stats(c->r).master_reinits
					    == 1));
	lc_traffic(test, sm, sr, 3);
	KUNIT_EXPECT_EQ(test, lc_stats(c->r).ring_errors, 0ULL);
}

/*
 * A remote that reset itself after using the rings ignores kicks on the
 * old rings (they hold messages it already took) until the master
 * rebuilds them.
 */
static void rl_lifecycle_test_reset_remote_waits_for_rebuilt_rings(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;
	u64 kicks;
	int got;
	u32 v = 9;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	lc_traffic(test, sm, sr, 1);
	lc_traffic(test, sm, sr, 2);
	got = atomic_read(&sr->count);

	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->r), 0);
	/*
	 * The master knows nothing: it sends on the old rings and kicks; the
	 * remote hears the kick and handles it.
	 */
	kicks = lc_stats(c->r).kicks_in;
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(c->m, sm->ept, lc_addr(sr), &v,
					      sizeof(v), RL_DONT_BLOCK), 0);
	KUNIT_ASSERT_TRUE(test, lc_wait_for(lc_stats(c->r).kicks_in > kicks));
	flush_work(&c->r->rx.work);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(c->r),
			RPMSG_LITE_LINK_WAITING);
	KUNIT_EXPECT_EQ(test, atomic_read(&sr->count), got);

	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	lc_traffic(test, sm, sr, 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&sr->count), got + 1);
	KUNIT_EXPECT_EQ(test, lc_stats(c->r).ring_errors, 0ULL);
}

/*
 * A remote that took a transmit buffer and has not sent it yet has written
 * nothing to the rings, which still show the init image: a kick then
 * repeats an earlier one (here the master's link-up re-kicks) and is no
 * rebuild to follow, so the buffer stays valid and the link stays up.
 */
static void rl_lifecycle_test_remote_filling_a_buffer_ignores_repeated_kicks(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_sink *sm, *sr;
	u32 size, last, v = 0x5a5a;
	u64 kicks;
	void *buf;

	lc_pair(test, LC_KICK_MS);
	sm = lc_sink_new(test, c->m);
	sr = lc_sink_new(test, c->r);
	buf = rpmsg_lite_alloc_tx_buffer(c->r, &size, RL_DONT_BLOCK);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));

	/* nothing written by the remote yet: the master keeps re-kicking */
	kicks = lc_stats(c->r).kicks_in;
	KUNIT_ASSERT_TRUE(test, lc_wait_for(lc_stats(c->r).kicks_in >=
					    kicks + 2));
	flush_work(&c->r->rx.work);
	KUNIT_EXPECT_EQ(test, lc_stats(c->r).master_reinits, 0ULL);
	KUNIT_EXPECT_EQ(test, lc_stats(c->r).reset_drops, 0ULL);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(c->r),
			RPMSG_LITE_LINK_UP);

	memcpy(buf, &v, sizeof(v));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send_nocopy(c->r, sr->ept,
						     lc_addr(sm), buf,
						     sizeof(v)), 0);
	KUNIT_EXPECT_TRUE(test, lc_sink_wait(sm, 1));
	last = READ_ONCE(sm->last);
	KUNIT_EXPECT_EQ(test, last, v);
	lc_traffic(test, sm, sr, 4);
	KUNIT_EXPECT_EQ(test, lc_stats(c->r).master_reinits, 0ULL);
}

/* @ev is "AU", then between @min and @max times "DU", then "R". */
static bool lc_events_alternate(const char *ev, size_t min, size_t max)
{
	size_t len = strlen(ev), n, i;

	if (len < 3 || strncmp(ev, "AU", 2) || ev[len - 1] != 'R' ||
	    (len - 3) % 2)
		return false;
	n = (len - 3) / 2;
	for (i = 0; i < n; i++)
		if (ev[2 + 2 * i] != 'D' || ev[3 + 2 * i] != 'U')
			return false;
	return n >= min && n <= max;
}

/**
 * struct lc_storm - the master rebuilds its rings again and again
 * @m: the master
 * @r: the remote, whose removal the storm outlives
 * @task: the thread
 * @rounds: rebuilds done (READ_ONCE)
 * @lingered: rebuilds done while the LINK_REMOVED handler of @r lingered
 * @stopped: the LINK_REMOVED handler of @r stopped it
 */
struct lc_storm {
	struct rpmsg_lite_instance *m;
	struct rpmsg_lite_instance *r;
	struct task_struct *task;
	u32 rounds;
	u32 lingered;
	bool stopped;
};

static int lc_storm_fn(void *arg)
{
	struct lc_storm *st = arg;

	while (!kthread_should_stop()) {
		rpmsg_lite_reset_link(st->m);
		WRITE_ONCE(st->rounds, st->rounds + 1);
		usleep_range(100, 500);
	}
	return 0;
}

/* Rebuilds the storm goes on with while a LINK_REMOVED handler lingers. */
#define LC_LINGER_ROUNDS	3

/*
 * A front end of the remote that takes its time to let go of the link in
 * LINK_REMOVED, as one that frees its nodes does: as long as the peer
 * needs for a few more rebuilds.  The peer is stopped when the handler
 * ends.
 */
static void lc_removed_slowly(struct rpmsg_lite_instance *rl, void *data)
{
	struct lc_storm *st = data;
	u32 from;

	if (rl != st->r || st->stopped)
		return;
	from = READ_ONCE(st->rounds);
	lc_wait_for(READ_ONCE(st->rounds) - from >= LC_LINGER_ROUNDS);
	st->lingered = READ_ONCE(st->rounds) - from;
	kthread_stop(st->task);
	st->stopped = true;
}

/*
 * A front end frees what it keeps for a link when it hears LINK_REMOVED.
 * No LINK_DOWN or LINK_UP may reach it during or after that, however the
 * peer behaves: before, deinit told LINK_REMOVED while the receive work
 * still ran and told LINK_DOWN/LINK_UP concurrently (the char device then
 * used its freed control node).
 */
static void rl_lifecycle_test_no_event_reaches_a_front_end_after_link_removed(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct lc_storm st = {};
	char ev[LC_MAX_EVENTS];
	unsigned int n;

	lc_pair(test, LC_KICK_MS);
	st.m = c->m;
	st.r = c->r;
	st.task = kthread_run(lc_storm_fn, &st, "lc_storm");
	KUNIT_ASSERT_FALSE(test, IS_ERR(st.task));
	/* the remote is hearing rebuilds */
	KUNIT_ASSERT_TRUE(test, lc_wait_for(lc_events_of(c, st.r, ev,
							 sizeof(ev)) >= 4));
	c->on_removed_data = &st;
	c->on_removed = lc_removed_slowly;
	lc_destroy_pair(c);
	c->on_removed = NULL;
	if (!st.stopped)
		kthread_stop(st.task);
	KUNIT_EXPECT_TRUE(test, st.stopped);
	/* the peer did rebuild while the remote was being removed */
	KUNIT_EXPECT_GE(test, st.lingered, (u32)LC_LINGER_ROUNDS);

	n = lc_events_of(c, st.r, ev, sizeof(ev));
	KUNIT_ASSERT_GT(test, n, 0U);
	KUNIT_EXPECT_EQ_MSG(test, strchr(ev, 'R') - ev, (long)n - 1,
			    "remote events %s", ev);
}

static void rl_lifecycle_test_notifier_events_come_in_order(struct kunit *test)
{
	struct lc_ctx *c = test->priv;
	struct rpmsg_lite_instance *m, *r;
	char ev[LC_MAX_EVENTS];

	lc_pair(test, LC_KICK_MS);
	m = c->m;
	r = c->r;
	KUNIT_EXPECT_TRUE(test, lc_wait_for(lc_events_of(c, r, ev, sizeof(ev))
					    == 2));
	lc_events_of(c, m, ev, sizeof(ev));
	KUNIT_EXPECT_STREQ(test, ev, "AU");
	lc_events_of(c, r, ev, sizeof(ev));
	KUNIT_EXPECT_STREQ(test, ev, "AU");

	/* master reset: down then up on both sides */
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(r, LC_WAIT_MS), 0);
	lc_events_of(c, m, ev, sizeof(ev));
	KUNIT_EXPECT_STREQ(test, ev, "AUDU");

	/* peer lost then reset: one LINK_DOWN only */
	KUNIT_ASSERT_EQ(test, rpmsg_lite_peer_lost(m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_peer_lost(m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(m), 0);
	lc_events_of(c, m, ev, sizeof(ev));
	KUNIT_EXPECT_STREQ(test, ev, "AUDUDU");

	/* a remote that restarts says DOWN; UP comes with the next kick */
	lc_remote_restarts(test);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(r, LC_WAIT_MS), 0);
	lc_destroy_pair(c);
	lc_events_of(c, m, ev, sizeof(ev));
	KUNIT_EXPECT_STREQ(test, ev, "AUDUDUDUR");
	/*
	 * The remote sees each announced rebuild as DOWN then UP, and its own
	 * restart; rebuilds that follow each other before it came back up
	 * are one outage for it.  So: "AU", one to four "DU", "R".
	 */
	lc_events_of(c, r, ev, sizeof(ev));
	KUNIT_EXPECT_TRUE_MSG(test, lc_events_alternate(ev, 1, 4),
			      "remote events %s", ev);
}

static void rl_lifecycle_test_state_is_reported_through_every_transition(struct kunit *test)
{
	struct lc_ctx *c = test->priv;

	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(NULL),
			RPMSG_LITE_LINK_DOWN);
	lc_pair(test, LC_KICK_MS);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(c->m),
			RPMSG_LITE_LINK_UP);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(c->r),
			RPMSG_LITE_LINK_UP);
	lc_remote_restarts(test);
	KUNIT_EXPECT_STREQ(test, rpmsg_lite_link_state_name
			   (rpmsg_lite_get_link_state(c->r)), "waiting");
	KUNIT_ASSERT_EQ(test, rpmsg_lite_peer_lost(c->m), 0);
	KUNIT_EXPECT_STREQ(test, rpmsg_lite_link_state_name
			   (rpmsg_lite_get_link_state(c->m)), "resetting");
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(c->m), 0);
	KUNIT_EXPECT_STREQ(test, rpmsg_lite_link_state_name
			   (rpmsg_lite_get_link_state(c->m)), "up");
	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(c->r, LC_WAIT_MS),
			0);
	KUNIT_EXPECT_STREQ(test, rpmsg_lite_link_state_name
			   (RPMSG_LITE_LINK_DOWN), "down");
}

/* ---- suite ---- */

static int lc_init(struct kunit *test)
{
	struct lc_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	spin_lock_init(&c->lock);
	c->nb.notifier_call = lc_notify;
	if (rpmsg_lite_register_notifier(&c->nb))
		return -EINVAL;
	c->nb_registered = true;
	test->priv = c;
	return 0;
}

static void lc_exit(struct kunit *test)
{
	struct lc_ctx *c = test->priv;

	if (!c)
		return;
	c->on_removed = NULL;
	if (c->pair)
		lc_destroy_pair(c);
	/* the link's removal woke a receiver the case left blocked */
	lc_waiter_stop(c);
	if (c->nb_registered)
		rpmsg_lite_unregister_notifier(&c->nb);
}

static struct kunit_case rl_lifecycle_cases[] = {
	KUNIT_CASE(rl_lifecycle_test_dropped_first_kick_is_recovered_by_rekick),
	KUNIT_CASE(rl_lifecycle_test_rebuild_moves_the_ring_generation),
	KUNIT_CASE(rl_lifecycle_test_remote_stops_writing_when_a_rewrite_is_announced),
	KUNIT_CASE(rl_lifecycle_test_master_without_generation_is_followed_by_image),
	KUNIT_CASE(rl_lifecycle_test_reset_remote_waits_for_rebuilt_rings),
	KUNIT_CASE(rl_lifecycle_test_remote_filling_a_buffer_ignores_repeated_kicks),
	KUNIT_CASE(rl_lifecycle_test_wait_for_link_up_times_out_while_master_is_silent),
	KUNIT_CASE(rl_lifecycle_test_master_reset_keeps_endpoints_and_remote_follows),
	KUNIT_CASE(rl_lifecycle_test_remote_reset_is_repaired_by_master_rebuild),
	KUNIT_CASE(rl_lifecycle_test_broken_remote_ring_recovers_when_master_rebuilds),
	KUNIT_CASE(rl_lifecycle_test_sends_while_resetting_fail_with_epipe),
	KUNIT_CASE(rl_lifecycle_test_queue_receiver_is_woken_by_link_down),
	KUNIT_CASE(rl_lifecycle_test_queue_receiver_is_woken_by_master_reset),
	KUNIT_CASE(rl_lifecycle_test_queue_receiver_is_woken_by_deinit),
	KUNIT_CASE(rl_lifecycle_test_buffer_held_across_reset_is_released_harmlessly),
	KUNIT_CASE(rl_lifecycle_test_zero_copy_buffer_of_before_reset_cannot_be_sent),
	KUNIT_CASE(rl_lifecycle_test_failed_send_then_release_frees_only_its_buffer),
	KUNIT_CASE(rl_lifecycle_test_send_on_a_resetting_link_keeps_the_buffer),
	KUNIT_CASE(rl_lifecycle_test_full_ring_rechecks_only_while_polled),
	KUNIT_CASE(rl_lifecycle_test_moved_buffer_of_a_void_holder_serves_again),
	KUNIT_CASE(rl_lifecycle_test_held_buffer_is_refused_through_another_descriptor),
	KUNIT_CASE(rl_lifecycle_test_deinit_wakes_senders_and_a_reference_outlives_it),
	KUNIT_CASE(rl_lifecycle_test_twenty_reset_cycles_leak_nothing),
	KUNIT_CASE(rl_lifecycle_test_notifier_events_come_in_order),
	KUNIT_CASE(rl_lifecycle_test_no_event_reaches_a_front_end_after_link_removed),
	KUNIT_CASE(rl_lifecycle_test_state_is_reported_through_every_transition),
	{}
};

static struct kunit_suite rl_lifecycle_suite = {
	.name = "rl_lifecycle",
	.init = lc_init,
	.exit = lc_exit,
	.test_cases = rl_lifecycle_cases,
};

rl_test_suites_module(rl_lifecycle_test, &rl_lifecycle_suite);

MODULE_DESCRIPTION("KUnit tests of the rpmsg-lite link life cycle");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
MODULE_IMPORT_NS(RPMSG_LITE_TEST);
