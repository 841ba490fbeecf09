// SPDX-License-Identifier: GPL-2.0
/*
 * rl_hardening_test.c - faults and a soak over loopback link pairs (KUnit).
 *
 * rl_fault: one named case per fault a deployment meets - lost kicks, a
 * mailbox that refuses or fails a transmission, a remote reset in the
 * middle of traffic, link teardown while a receive callback runs.
 *
 * rl_soak: 32 writer threads over 8 endpoint pairs, both directions, for
 * soak_ms milliseconds; every message carries its writer and a sequence
 * number, and every endpoint checks that nothing is lost, duplicated or
 * reordered.  Slab memory must come back to where it started.
 *
 * Module parameters: soak_ms (default 2000), teardowns (default 40).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/rpmsg_lite.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "rl_loopback.h"
#include "rl_wire.h"

static uint soak_ms = 2000;
module_param(soak_ms, uint, 0444);
MODULE_PARM_DESC(soak_ms, "duration of the soak in milliseconds (default 2000)");

static uint teardowns = 40;
module_param(teardowns, uint, 0444);
MODULE_PARM_DESC(teardowns, "link pairs torn down while peer events arrive (default 40)");

/* How long a case waits for something that must happen. */
#define HT_WAIT_MS		5000
/* Send timeout of traffic that must get through. */
#define HT_SEND_MS		2000
/* First word of every message of these suites. */
#define HT_MAGIC		0x4854524cU
/* Writers and endpoints of the soak. */
#define HT_SOAK_EPTS		8
#define HT_SOAK_WRITERS		32
/*
 * Send timeout of the soak's writers: 32 busy threads on two emulated
 * CPUs of a debug kernel can starve a receive work for seconds.
 */
#define HT_SOAK_SEND_MS		15000
/* Slab growth over a soak that still counts as "back to the start". */
#define HT_SLAB_SLACK		(2UL << 20)

/* ---- cleanup at the end of a case ---- */

/**
 * struct ht_action - a call made when the case ends
 * @fn: function
 * @arg: its argument
 */
struct ht_action {
	void (*fn)(void *arg);
	void *arg;
};

static int ht_action_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void ht_action_free(struct kunit_resource *res)
{
	struct ht_action *a = res->data;

	a->fn(a->arg);
	kfree(a);
}

static void ht_defer(struct kunit *test, void (*fn)(void *), void *arg)
{
	struct ht_action *a = kzalloc(sizeof(*a), GFP_KERNEL);

	if (a) {
		a->fn = fn;
		a->arg = arg;
		if (kunit_alloc_resource(test, ht_action_init, ht_action_free,
					 GFP_KERNEL, a))
			return;
		kfree(a);
	}
	fn(arg);
	KUNIT_FAIL(test, "no memory for a cleanup action");
}

/* ---- pairs ---- */

/**
 * struct ht_pair - a loopback pair of a case
 * @p: the pair (NULL once destroyed by the case itself)
 * @m: its master link
 * @r: its remote link
 */
struct ht_pair {
	struct rl_loopback_pair *p;
	struct rpmsg_lite_instance *m;
	struct rpmsg_lite_instance *r;
};

static void ht_pair_destroy(void *arg)
{
	struct ht_pair *hp = arg;

	rl_loopback_pair_destroy(hp->p);
	hp->p = NULL;
}

static struct ht_pair *ht_pair(struct kunit *test, u32 count,
			       bool notify_consumed)
{
	struct rpmsg_lite_config cfg = {
		.buffer_count = count,
		.notify_consumed = notify_consumed,
	};
	struct ht_pair *hp = kunit_kzalloc(test, sizeof(*hp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hp);
	hp->p = rl_loopback_pair_create(&cfg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hp->p);
	ht_defer(test, ht_pair_destroy, hp);
	hp->m = rl_loopback_master(hp->p);
	hp->r = rl_loopback_remote(hp->p);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(hp->m, HT_WAIT_MS), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(hp->r, HT_WAIT_MS), 0);
	return hp;
}

static struct rpmsg_lite_link_stats ht_stats(struct rpmsg_lite_instance *rl)
{
	struct rpmsg_lite_link_stats st;

	rpmsg_lite_get_stats(rl, &st);
	return st;
}

/* ---- a receiving endpoint that checks writer sequences ---- */

/**
 * struct ht_sink - an endpoint that checks what it receives
 * @rl: its link
 * @ept: the endpoint
 * @lock: protects the counters against the link's workqueue
 * @got: messages received
 * @bad: messages that are not ours (magic, length, pattern, source)
 * @lost: sequence numbers skipped
 * @dup: sequence numbers seen again (or going back)
 * @next: per writer, the sequence number expected next
 * @src: per writer, its endpoint address (0: not known yet)
 * @sleep_ms: the callback sleeps this long (teardown cases)
 * @entered: completed when the callback starts
 * @done: set when a sleeping callback returns
 * @send_ret: result of a send made by a sleeping callback
 * @gone: the endpoint went with its link; nothing to destroy
 */
struct ht_sink {
	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_endpoint *ept;
	spinlock_t lock;	/* callback vs readers */
	u64 got;
	u64 bad;
	u64 lost;
	u64 dup;
	u32 next[HT_SOAK_WRITERS];
	u32 src[HT_SOAK_WRITERS];
	unsigned int sleep_ms;
	struct completion entered;
	bool done;
	int send_ret;
	bool gone;
};

/* Message: magic, writer, seq, then (u8)(seq + writer) bytes. */
static u32 ht_fill(u8 *buf, u32 writer, u32 seq, u32 payload)
{
	__le32 w[3] = { cpu_to_le32(HT_MAGIC), cpu_to_le32(writer),
			cpu_to_le32(seq) };
	u32 len = sizeof(w) + (seq * 7 + writer) % (payload - sizeof(w) + 1);

	memcpy(buf, w, sizeof(w));
	memset(buf + sizeof(w), (u8)(seq + writer), len - sizeof(w));
	return len;
}

static int ht_sink_cb(void *payload, u32 len, u32 src, void *priv)
{
	struct ht_sink *s = priv;
	const u8 *p = payload;
	u32 writer, seq, i;
	bool ok = len >= 12;
	__le32 w[3];

	if (s->sleep_ms) {
		complete(&s->entered);
		msleep(s->sleep_ms);
		s->send_ret = rpmsg_lite_send(s->rl, s->ept, src, "x", 1,
					      RL_BLOCK);
		WRITE_ONCE(s->done, true);
		return RL_RELEASE;
	}

	if (ok) {
		memcpy(w, p, sizeof(w));
		writer = le32_to_cpu(w[1]);
		seq = le32_to_cpu(w[2]);
		ok = le32_to_cpu(w[0]) == HT_MAGIC && writer < HT_SOAK_WRITERS;
		for (i = sizeof(w); ok && i < len; i++)
			ok = p[i] == (u8)(seq + writer);
	}
	spin_lock(&s->lock);
	s->got++;
	if (!ok || (s->src[writer] && s->src[writer] != src)) {
		s->bad++;
	} else {
		s->src[writer] = src;
		if (seq > s->next[writer])
			s->lost += seq - s->next[writer];
		else if (seq < s->next[writer])
			s->dup++;
		s->next[writer] = seq + 1;
	}
	spin_unlock(&s->lock);
	return RL_RELEASE;
}

static void ht_sink_destroy(void *arg)
{
	struct ht_sink *s = arg;

	if (s->ept && !s->gone)
		rpmsg_lite_destroy_ept(s->rl, s->ept);
	s->ept = NULL;
}

static struct ht_sink *ht_sink(struct kunit *test,
			       struct rpmsg_lite_instance *rl, u32 addr)
{
	struct ht_sink *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	spin_lock_init(&s->lock);
	init_completion(&s->entered);
	s->rl = rl;
	s->ept = rpmsg_lite_create_ept(rl, addr, ht_sink_cb, s);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s->ept);
	ht_defer(test, ht_sink_destroy, s);
	return s;
}

static u64 ht_sink_got(struct ht_sink *s)
{
	u64 n;

	spin_lock(&s->lock);
	n = s->got;
	spin_unlock(&s->lock);
	return n;
}

/* Wait until @s has received @n messages. */
static bool ht_wait_got(struct ht_sink *s, u64 n, unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);

	while (ht_sink_got(s) < n) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(500, 1000);
	}
	return true;
}

static void ht_expect_clean(struct kunit *test, struct ht_sink *s)
{
	KUNIT_EXPECT_EQ(test, s->bad, 0ULL);
	KUNIT_EXPECT_EQ(test, s->lost, 0ULL);
	KUNIT_EXPECT_EQ(test, s->dup, 0ULL);
}

/* Send message @seq of writer @writer from @ept to @dst. */
static int ht_send(struct rpmsg_lite_instance *rl,
		   struct rpmsg_lite_endpoint *ept, u32 dst, u32 writer,
		   u32 seq, unsigned long timeout_ms)
{
	u32 payload = rpmsg_lite_get_payload_size(rl);
	u8 *buf = kmalloc(payload, GFP_KERNEL);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = rpmsg_lite_send(rl, ept, dst, buf, ht_fill(buf, writer, seq,
							 payload), timeout_ms);
	kfree(buf);
	return ret;
}

/* ---- rl_fault ---- */

static void ht_lost_kicks(struct kunit *test, bool to_remote)
{
	struct ht_pair *hp = ht_pair(test, 8, false);
	struct rpmsg_lite_instance *tx = to_remote ? hp->m : hp->r;
	struct rpmsg_lite_instance *rx = to_remote ? hp->r : hp->m;
	struct ht_sink *src = ht_sink(test, tx, 0x700);
	struct ht_sink *dst = ht_sink(test, rx, 0x701);
	struct rl_loopback_stats ls;
	u32 i, n = 200, dropped = 0;

	for (i = 0; i < n; i++) {
		/* about every third kick lost, never the last one */
		if (i + 1 < n && (i * 2654435761U) % 3 == 0) {
			rl_loopback_drop_kicks(hp->p, to_remote, 1);
			dropped++;
		}
		KUNIT_ASSERT_EQ(test, ht_send(tx, src->ept, 0x701, 0, i,
					      HT_SEND_MS), 0);
	}
	rl_loopback_drop_kicks(hp->p, to_remote, 0);
	KUNIT_EXPECT_TRUE(test, ht_wait_got(dst, n, HT_WAIT_MS));
	KUNIT_EXPECT_EQ(test, ht_sink_got(dst), (u64)n);
	ht_expect_clean(test, dst);
	rl_loopback_get_stats(hp->p, to_remote, &ls);
	KUNIT_EXPECT_GT(test, ls.kicks_dropped, 0ULL);
	KUNIT_EXPECT_LE(test, ls.kicks_dropped, (u64)dropped);
}

static void rl_fault_test_lost_kicks_master_to_remote_lose_no_message(struct kunit *test)
{
	ht_lost_kicks(test, true);
}

static void rl_fault_test_lost_kicks_remote_to_master_lose_no_message(struct kunit *test)
{
	ht_lost_kicks(test, false);
}

/*
 * The peer gives buffers back and its consumed-kicks are all lost: a
 * sender waiting for a free buffer must find them anyway.
 */
static void rl_fault_test_lost_consumed_kicks_do_not_stall_senders(struct kunit *test)
{
	struct ht_pair *hp = ht_pair(test, 2, true);
	struct ht_sink *src = ht_sink(test, hp->m, 0x700);
	struct ht_sink *dst = ht_sink(test, hp->r, 0x701);
	u32 i, n = 40;

	rl_loopback_drop_kicks(hp->p, false, INT_MAX);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, ht_send(hp->m, src->ept, 0x701, 0, i,
					      HT_SEND_MS), 0);
	rl_loopback_drop_kicks(hp->p, false, 0);
	KUNIT_EXPECT_TRUE(test, ht_wait_got(dst, n, HT_WAIT_MS));
	ht_expect_clean(test, dst);
}

/*
 * The only kick of a message is lost and nothing else happens: the sender
 * sees it unconsumed after one interval and kicks again (once the first
 * message after link-up went through, only this watch is left).
 */
static void ht_only_kick_lost(struct kunit *test, bool from_master)
{
	struct rpmsg_lite_instance *sender;
	struct ht_sink *src, *dst, *to;
	struct ht_pair *hp;
	u64 retries;

	hp = ht_pair(test, 8, false);
	src = ht_sink(test, hp->m, 0x700);
	dst = ht_sink(test, hp->r, 0x701);
	/* a round trip first: the master's link-up re-kicks stop */
	KUNIT_ASSERT_EQ(test, ht_send(hp->m, src->ept, 0x701, 0, 0,
				      HT_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, ht_wait_got(dst, 1, HT_WAIT_MS));
	KUNIT_ASSERT_EQ(test, ht_send(hp->r, dst->ept, 0x700, 0, 0,
				      HT_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, ht_wait_got(src, 1, HT_WAIT_MS));
	msleep(300);

	sender = from_master ? hp->m : hp->r;
	to = from_master ? dst : src;
	retries = ht_stats(sender).kick_retries;
	rl_loopback_drop_kicks(hp->p, from_master, 1);
	if (from_master)
		KUNIT_ASSERT_EQ(test, ht_send(hp->m, src->ept, 0x701, 0, 1,
					      HT_SEND_MS), 0);
	else
		KUNIT_ASSERT_EQ(test, ht_send(hp->r, dst->ept, 0x700, 0, 1,
					      HT_SEND_MS), 0);
	KUNIT_EXPECT_TRUE(test, ht_wait_got(to, 2, 2000));
	KUNIT_EXPECT_GT(test, ht_stats(sender).kick_retries, retries);
	ht_expect_clean(test, to);
}

static void rl_fault_test_message_behind_the_only_lost_kick_arrives(struct kunit *test)
{
	ht_only_kick_lost(test, true);
}

static void rl_fault_test_remote_message_behind_the_only_lost_kick_arrives(struct kunit *test)
{
	ht_only_kick_lost(test, false);
}

static void ht_failed_kick(struct kunit *test, bool in_controller)
{
	struct ht_pair *hp = ht_pair(test, 8, false);
	struct ht_sink *src = ht_sink(test, hp->m, 0x700);
	struct ht_sink *dst = ht_sink(test, hp->r, 0x701);
	struct rpmsg_lite_link_stats before, after;
	struct rl_loopback_stats lb0, lb1;
	u64 rx_polls;

	/* a round trip first: the master's link-up re-kicks have stopped */
	KUNIT_ASSERT_EQ(test, ht_send(hp->m, src->ept, 0x701, 0, 0,
				      HT_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, ht_wait_got(dst, 1, HT_WAIT_MS));
	KUNIT_ASSERT_EQ(test, ht_send(hp->r, dst->ept, 0x700, 0, 0,
				      HT_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, ht_wait_got(src, 1, HT_WAIT_MS));
	msleep(50);

	before = ht_stats(hp->m);
	rx_polls = ht_stats(hp->r).rx_polls;
	rl_loopback_get_stats(hp->p, true, &lb0);
	if (in_controller)
		rl_loopback_fail_tx_done(hp->p, true, 1);
	else
		rl_loopback_fail_sends(hp->p, true, 1);
	/* the send succeeds: the message is in shared memory */
	KUNIT_EXPECT_EQ(test, ht_send(hp->m, src->ept, 0x701, 0, 1,
				      HT_SEND_MS), 0);
	msleep(50);
	after = ht_stats(hp->m);
	rl_loopback_get_stats(hp->p, true, &lb1);
	if (in_controller) {
		KUNIT_EXPECT_EQ(test, lb1.tx_errors - lb0.tx_errors, 1ULL);
		KUNIT_EXPECT_EQ(test, lb1.mbox.send_errors -
				lb0.mbox.send_errors, 1ULL);
	} else {
		KUNIT_EXPECT_EQ(test, after.kick_errors - before.kick_errors,
				1ULL);
		KUNIT_EXPECT_EQ(test, lb1.sends_failed - lb0.sends_failed, 1ULL);
	}
	/*
	 * Nobody was told: the sender's watch kicks again, or the receiver's
	 * watch (armed by its own send above) finds it, and it arrives.
	 */
	KUNIT_EXPECT_TRUE(test, ht_wait_got(dst, 2, HT_WAIT_MS));
	KUNIT_EXPECT_GT(test, ht_stats(hp->m).kick_retries +
			ht_stats(hp->r).rx_polls,
			before.kick_retries + rx_polls);

	/* and traffic goes on */
	KUNIT_EXPECT_EQ(test, ht_send(hp->m, src->ept, 0x701, 0, 2,
				      HT_SEND_MS), 0);
	KUNIT_EXPECT_TRUE(test, ht_wait_got(dst, 3, HT_WAIT_MS));
	ht_expect_clean(test, dst);
}

static void rl_fault_test_refused_mailbox_send_counts_and_the_retry_delivers(struct kunit *test)
{
	ht_failed_kick(test, false);
}

static void rl_fault_test_failed_mailbox_tx_done_counts_and_the_retry_delivers(struct kunit *test)
{
	ht_failed_kick(test, true);
}

/**
 * struct ht_writer - a thread sending numbered messages
 * @rl: link it sends on
 * @ept: endpoint it sends from
 * @dst: destination address
 * @id: writer number (0..HT_SOAK_WRITERS - 1)
 * @timeout_ms: send timeout
 * @zero_copy: send with rpmsg_lite_alloc_tx_buffer() and
 *             rpmsg_lite_send_nocopy(), taking a while to fill the buffer,
 *             and follow the caller's rule after a failed send (release)
 * @stop_on_error: stop at the first failed send
 * @halt: if set, the writer stops sending once *@halt is true (all
 *        writers of a soak stop at once, before the slow kthread_stop()s)
 * @task: the thread
 * @sent: messages sent (the next sequence number)
 * @failed: sends that failed
 * @last_err: errno of the last failed send
 * @bad_err: a send failed with an errno not in the expected set
 */
struct ht_writer {
	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_endpoint *ept;
	u32 dst;
	u32 id;
	unsigned long timeout_ms;
	bool zero_copy;
	bool stop_on_error;
	const bool *halt;
	struct task_struct *task;
	u32 sent;
	u64 failed;
	int last_err;
	int bad_err;
};

/*
 * Zero-copy send of the writer's next message, filled slowly, as a user
 * copying from its own memory would: resets happen meanwhile.  After a
 * failed send the buffer is still the writer's, whatever the errno, and
 * its release must succeed.
 */
static int ht_send_zc(struct ht_writer *w)
{
	void *buf;
	u32 size, len;
	int ret, rel;

	buf = rpmsg_lite_alloc_tx_buffer(w->rl, &size, w->timeout_ms);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	len = ht_fill(buf, w->id, w->sent, size);
	usleep_range(50, 300);
	ret = rpmsg_lite_send_nocopy(w->rl, w->ept, w->dst, buf, len);
	if (ret) {
		usleep_range(50, 300);
		rel = rpmsg_lite_release_tx_buffer(w->rl, buf);
		if (rel)
			w->bad_err = rel;
	}
	return ret;
}

static int ht_writer_fn(void *arg)
{
	struct ht_writer *w = arg;
	int ret;

	while (!kthread_should_stop() && !(w->halt && READ_ONCE(*w->halt))) {
		if (w->zero_copy)
			ret = ht_send_zc(w);
		else
			ret = ht_send(w->rl, w->ept, w->dst, w->id, w->sent,
				      w->timeout_ms);
		if (!ret) {
			w->sent++;
			if (!(w->sent & 15))
				cond_resched();
			continue;
		}
		/* kthread_stop() interrupts a waiting send */
		if (ret == -ERESTARTSYS && kthread_should_stop())
			break;
		w->failed++;
		w->last_err = ret;
		/* what a send may say while the link resets or is starved */
		if (ret != -EPIPE && ret != -ENOTCONN && ret != -ETIMEDOUT &&
		    ret != -ENOMEM)
			w->bad_err = ret;
		if (w->stop_on_error)
			break;
		usleep_range(500, 1000);
	}
	while (!kthread_should_stop())
		usleep_range(5000, 10000);
	return 0;
}

static int ht_writer_start(struct ht_writer *w)
{
	w->task = kthread_run(ht_writer_fn, w, "rl_ht_w%u", w->id);
	if (IS_ERR(w->task)) {
		w->task = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void ht_writer_stop(struct ht_writer *w)
{
	if (w->task)
		kthread_stop(w->task);
	w->task = NULL;
}

/*
 * The remote resets in the middle of traffic in both directions (its
 * side first, then the master rebuilds the rings, as after a remote
 * reboot): senders see only the reset errnos, both links come back up,
 * and whatever is sent afterwards arrives once and in order.
 */
static void rl_fault_test_remote_reset_mid_traffic_recovers(struct kunit *test)
{
	struct ht_sink *ms, *rs;
	struct ht_writer w[2] = {};
	struct ht_pair *hp;
	u64 m_got, r_got;
	int i, round;

	hp = ht_pair(test, 16, false);
	ms = ht_sink(test, hp->m, 0x700);
	rs = ht_sink(test, hp->r, 0x701);
	w[0] = (struct ht_writer){ .rl = hp->m, .ept = ms->ept, .dst = 0x701,
				   .id = 0, .timeout_ms = 50 };
	w[1] = (struct ht_writer){ .rl = hp->r, .ept = rs->ept, .dst = 0x700,
				   .id = 1, .timeout_ms = 50 };
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(test, ht_writer_start(&w[i]), 0);
	for (round = 0; round < 5; round++) {
		msleep(100);
		KUNIT_EXPECT_EQ(test, rpmsg_lite_reset_link(hp->r), 0);
		msleep(20);
		KUNIT_EXPECT_EQ(test, rpmsg_lite_reset_link(hp->m), 0);
		if (rpmsg_lite_wait_for_link_up(hp->m, HT_WAIT_MS) ||
		    rpmsg_lite_wait_for_link_up(hp->r, HT_WAIT_MS))
			break;
	}
	msleep(100);
	for (i = 0; i < 2; i++)
		ht_writer_stop(&w[i]);
	KUNIT_ASSERT_EQ_MSG(test, round, 5, "links not up again after reset %d",
			    round + 1);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, w[i].bad_err, 0);
		KUNIT_EXPECT_GT(test, w[i].sent, 0U);
	}
	KUNIT_EXPECT_GE(test, ht_stats(hp->m).resets, 5ULL);
	KUNIT_EXPECT_GE(test, ht_stats(hp->r).resets, 5ULL);
	/* across a reset only loss (voided messages) and no duplicates */
	KUNIT_EXPECT_EQ(test, rs->bad, 0ULL);
	KUNIT_EXPECT_EQ(test, rs->dup, 0ULL);
	KUNIT_EXPECT_EQ(test, ms->bad, 0ULL);
	KUNIT_EXPECT_EQ(test, ms->dup, 0ULL);
	kunit_info(test, "sent %u / %u, received %llu / %llu around 5 resets\n",
		   w[0].sent, w[1].sent, rs->got, ms->got);

	/* after the last reset every message arrives, in order */
	m_got = ht_sink_got(ms);
	r_got = ht_sink_got(rs);
	ms->lost = 0;
	rs->lost = 0;
	for (i = 0; i < 32; i++) {
		KUNIT_ASSERT_EQ(test, ht_send(hp->m, ms->ept, 0x701, 0,
					      w[0].sent + i, HT_SEND_MS), 0);
		KUNIT_ASSERT_EQ(test, ht_send(hp->r, rs->ept, 0x700, 1,
					      w[1].sent + i, HT_SEND_MS), 0);
	}
	KUNIT_EXPECT_TRUE(test, ht_wait_got(rs, r_got + 32, HT_WAIT_MS));
	KUNIT_EXPECT_TRUE(test, ht_wait_got(ms, m_got + 32, HT_WAIT_MS));
	KUNIT_EXPECT_EQ(test, rs->dup, 0ULL);
	KUNIT_EXPECT_EQ(test, ms->dup, 0ULL);
}

/*
 * Resets of both links race with two senders on each: a buffer a sender
 * took just before a reset must never be written or published after it
 * (a remote would write through a mapping the reset cleared, a master
 * would publish a head the rebuilt ring already holds).  Senders see
 * only the reset errnos, receivers nothing duplicated or corrupted.
 */
static void rl_fault_test_resets_racing_senders_never_reuse_a_stale_buffer(struct kunit *test)
{
	struct ht_sink *ms, *rs;
	struct ht_writer w[4] = {};
	struct ht_pair *hp;
	int i, round, rounds = 100;

	hp = ht_pair(test, 4, false);
	ms = ht_sink(test, hp->m, 0x700);
	rs = ht_sink(test, hp->r, 0x701);
	for (i = 0; i < 4; i++) {
		bool m = i < 2;

		w[i] = (struct ht_writer){ .rl = m ? hp->m : hp->r,
					   .ept = m ? ms->ept : rs->ept,
					   .dst = m ? 0x701 : 0x700, .id = i,
					   .timeout_ms = 20 };
		KUNIT_ASSERT_EQ(test, ht_writer_start(&w[i]), 0);
	}
	for (round = 0; round < rounds; round++) {
		if (rpmsg_lite_reset_link(hp->r) || rpmsg_lite_reset_link(hp->m))
			break;
		if (rpmsg_lite_wait_for_link_up(hp->m, HT_WAIT_MS) ||
		    rpmsg_lite_wait_for_link_up(hp->r, HT_WAIT_MS))
			break;
		usleep_range(1000, 3000);
	}
	for (i = 0; i < 4; i++)
		ht_writer_stop(&w[i]);
	KUNIT_EXPECT_EQ_MSG(test, round, rounds, "links not up again after reset %d",
			    round + 1);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, w[i].bad_err, 0, "writer %d", i);
	KUNIT_EXPECT_EQ(test, ms->bad + rs->bad, 0ULL);
	KUNIT_EXPECT_EQ(test, ms->dup + rs->dup, 0ULL);
	kunit_info(test, "%d resets of both links, %u + %u + %u + %u messages sent\n",
		   round, w[0].sent, w[1].sent, w[2].sent, w[3].sent);
}

/*
 * A receive callback sleeps while another thread destroys its endpoint:
 * destroy returns only after the callback did, and the callback's own
 * send still works.
 */
static void rl_fault_test_destroy_ept_waits_for_a_running_callback(struct kunit *test)
{
	struct ht_pair *hp = ht_pair(test, 8, false);
	struct ht_sink *ms = ht_sink(test, hp->m, 0x700);
	struct ht_sink *rs = ht_sink(test, hp->r, 0x701);

	rs->sleep_ms = 300;
	KUNIT_ASSERT_EQ(test, ht_send(hp->m, ms->ept, 0x701, 0, 0,
				      HT_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test,
			  wait_for_completion_timeout(&rs->entered,
						      msecs_to_jiffies(HT_WAIT_MS)));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(rs->done));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_destroy_ept(hp->r, rs->ept), 0);
	rs->ept = NULL;
	KUNIT_EXPECT_TRUE(test, READ_ONCE(rs->done));
	KUNIT_EXPECT_EQ(test, rs->send_ret, 0);
	KUNIT_EXPECT_TRUE(test, ht_wait_got(ms, 1, HT_WAIT_MS));
}

/*
 * A receive callback sleeps, then sends with RL_BLOCK, while another
 * thread tears the whole link pair down: deinit waits for the callback,
 * whose send fails cleanly (or gets through) instead of hanging.
 */
static void rl_fault_test_link_teardown_waits_for_a_running_callback(struct kunit *test)
{
	struct ht_pair *hp = ht_pair(test, 2, false);
	struct ht_sink *ms = ht_sink(test, hp->m, 0x700);
	struct ht_sink *rs = ht_sink(test, hp->r, 0x701);
	int i;

	/*
	 * Use up the remote's transmit buffers with messages the master
	 * never hears of: the callback's send has to wait.
	 */
	rl_loopback_drop_kicks(hp->p, false, INT_MAX);
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(test, ht_send(hp->r, rs->ept, 0x700, 1, i,
					      HT_SEND_MS), 0);
	rs->sleep_ms = 300;
	KUNIT_ASSERT_EQ(test, ht_send(hp->m, ms->ept, 0x701, 0, 0,
				      HT_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test,
			  wait_for_completion_timeout(&rs->entered,
						      msecs_to_jiffies(HT_WAIT_MS)));
	/* endpoints go with the links; the sinks must not touch them */
	rpmsg_lite_destroy_ept(hp->m, ms->ept);
	ms->ept = NULL;
	rs->gone = true;
	rl_loopback_pair_destroy(hp->p);
	hp->p = NULL;
	KUNIT_EXPECT_TRUE(test, READ_ONCE(rs->done));
	KUNIT_EXPECT_EQ(test, rs->send_ret, -ENODEV);
}

/*
 * Four zero-copy writers, each on its own endpoint, take a while between
 * taking a buffer and sending it while the master resets again and again:
 * a buffer a reset voided must never reach a second writer before its
 * first one let go.  Every message that arrives carries exactly its
 * sender's bytes (the sink checks the pattern against the writer's
 * source address), and every release after a failed send succeeds.
 */
static void rl_fault_test_zero_copy_writers_racing_resets_never_share_a_buffer(struct kunit *test)
{
	struct ht_sink *rs, *ms[4];
	struct ht_writer w[4] = {};
	struct ht_pair *hp;
	int i, round, rounds = 60;
	u32 sent = 0;

	hp = ht_pair(test, 4, false);
	rs = ht_sink(test, hp->r, 0x701);
	for (i = 0; i < 4; i++) {
		ms[i] = ht_sink(test, hp->m, 0x710 + i);
		w[i] = (struct ht_writer){ .rl = hp->m, .ept = ms[i]->ept,
					   .dst = 0x701, .id = i,
					   .timeout_ms = 20, .zero_copy = true };
		KUNIT_ASSERT_EQ(test, ht_writer_start(&w[i]), 0);
	}
	for (round = 0; round < rounds; round++) {
		if (rpmsg_lite_reset_link(hp->m) ||
		    rpmsg_lite_wait_for_link_up(hp->r, HT_WAIT_MS))
			break;
		usleep_range(1000, 3000);
	}
	for (i = 0; i < 4; i++) {
		ht_writer_stop(&w[i]);
		KUNIT_EXPECT_EQ_MSG(test, w[i].bad_err, 0, "writer %d", i);
		sent += w[i].sent;
	}
	KUNIT_EXPECT_EQ_MSG(test, round, rounds, "links not up again after reset %d",
			    round + 1);
	KUNIT_EXPECT_EQ(test, rs->bad, 0ULL);
	KUNIT_EXPECT_EQ(test, rs->dup, 0ULL);
	KUNIT_EXPECT_GT(test, sent, 0U);
	kunit_info(test, "%d resets, %u zero-copy messages sent, %llu received\n",
		   round, sent, ht_sink_got(rs));
}

/**
 * struct ht_storm - a thread making the peer misbehave
 * @hp: the pair
 * @task: the thread
 * @rounds: storms made (READ_ONCE)
 */
struct ht_storm {
	struct ht_pair *hp;
	struct task_struct *task;
	u32 rounds;
};

/*
 * Peer events, in a loop: the master rebuilds its rings (the remote
 * follows: LINK_DOWN, LINK_UP from its receive work), then the master
 * breaks the remote's receive ring (an available index a whole ring
 * ahead) and kicks it (LINK_DOWN from the receive work), and repairs it
 * with another rebuild.
 */
static int ht_storm_fn(void *arg)
{
	struct ht_storm *st = arg;
	struct rl_loopback_pair *p = st->hp->p;
	struct rl_vring_avail *avail;
	size_t shm_size;
	u8 *shm;
	u16 idx;

	shm = rl_loopback_shm(p, &shm_size);
	/* vring 1, the remote's receive ring; its avail ring after 4 descs */
	avail = (struct rl_vring_avail *)(shm + RL_DEFAULT_VRING_SIZE +
					  4 * sizeof(struct rl_vring_desc));
	while (!kthread_should_stop()) {
		rpmsg_lite_reset_link(st->hp->m);
		idx = le16_to_cpu(READ_ONCE(avail->idx));
		WRITE_ONCE(avail->idx, cpu_to_le16(idx + 100));
		rpmsg_lite_isr(st->hp->r, rl_vq_id(0, RL_VQ_MASTER_TX));
		WRITE_ONCE(st->rounds, st->rounds + 1);
		cond_resched();
	}
	return 0;
}

/*
 * A link pair is torn down again and again while its peer misbehaves:
 * the receive work of the remote tells its front ends (the control node
 * of the char device, the rpmsg bus bridge) LINK_DOWN and LINK_UP while
 * deinit removes them.  Nothing may touch a front end once it is gone
 * (KASAN reports a use after free; the run fails on it).  The storm, and
 * so the receive work it kicks, and the teardown share one CPU: on a
 * preemptible kernel the teardown then runs in the middle of an event.
 */
static void rl_fault_test_teardown_while_peer_events_arrive(struct kunit *test)
{
	struct rpmsg_lite_config cfg = { .buffer_count = 4 };
	unsigned long end;
	struct ht_pair *hp;
	struct ht_storm st;
	u32 i, storms = 0;

	set_cpus_allowed_ptr(current, cpumask_of(0));
	for (i = 0; i < teardowns; i++) {
		hp = kunit_kzalloc(test, sizeof(*hp), GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hp);
		hp->p = rl_loopback_pair_create(&cfg);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hp->p);
		hp->m = rl_loopback_master(hp->p);
		hp->r = rl_loopback_remote(hp->p);
		st = (struct ht_storm){ .hp = hp };
		st.task = kthread_create(ht_storm_fn, &st, "rl_ht_storm");
		if (IS_ERR(st.task)) {
			rl_loopback_pair_destroy(hp->p);
			KUNIT_FAIL(test, "no storm thread");
			break;
		}
		kthread_bind(st.task, 0);
		wake_up_process(st.task);
		/* events are flowing, for a different while each time */
		end = jiffies + msecs_to_jiffies(HT_WAIT_MS);
		while (!READ_ONCE(st.rounds) && time_before(jiffies, end))
			usleep_range(100, 200);
		usleep_range(97 * i % 2000, 100 + 97 * i % 2000);
		kthread_stop(st.task);
		storms += st.rounds;
		/* the remote's receive work is still telling its events */
		rl_loopback_pair_destroy(hp->p);
		if (!st.rounds) {
			KUNIT_FAIL(test, "teardown %u: no peer event in %d ms",
				   i, HT_WAIT_MS);
			break;
		}
	}
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	kunit_info(test, "%u teardowns during %u storms of peer events\n",
		   i, storms);
}

static struct kunit_case rl_fault_cases[] = {
	KUNIT_CASE(rl_fault_test_lost_kicks_master_to_remote_lose_no_message),
	KUNIT_CASE(rl_fault_test_lost_kicks_remote_to_master_lose_no_message),
	KUNIT_CASE(rl_fault_test_lost_consumed_kicks_do_not_stall_senders),
	KUNIT_CASE(rl_fault_test_message_behind_the_only_lost_kick_arrives),
	KUNIT_CASE(rl_fault_test_remote_message_behind_the_only_lost_kick_arrives),
	KUNIT_CASE(rl_fault_test_refused_mailbox_send_counts_and_the_retry_delivers),
	KUNIT_CASE(rl_fault_test_failed_mailbox_tx_done_counts_and_the_retry_delivers),
	KUNIT_CASE(rl_fault_test_remote_reset_mid_traffic_recovers),
	KUNIT_CASE(rl_fault_test_resets_racing_senders_never_reuse_a_stale_buffer),
	KUNIT_CASE(rl_fault_test_destroy_ept_waits_for_a_running_callback),
	KUNIT_CASE(rl_fault_test_link_teardown_waits_for_a_running_callback),
	KUNIT_CASE(rl_fault_test_zero_copy_writers_racing_resets_never_share_a_buffer),
	KUNIT_CASE(rl_fault_test_teardown_while_peer_events_arrive),
	{}
};

static struct kunit_suite rl_fault_suite = {
	.name = "rl_fault",
	.test_cases = rl_fault_cases,
};

/* ---- rl_soak ---- */

static unsigned long ht_slab_bytes(void)
{
	return (global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B) +
		global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B)) <<
	       PAGE_SHIFT;
}

/*
 * 32 writers over 8 endpoint pairs, 16 in each direction (two per
 * endpoint), RL_BLOCK-style sends for soak_ms; then every message sent
 * must have arrived exactly once and in order per writer.
 */
static void rl_soak_test_32_writers_8_endpoints_lose_nothing(struct kunit *test)
{
	struct ht_sink *ms[HT_SOAK_EPTS], *rs[HT_SOAK_EPTS];
	u64 sent = 0, got = 0, lost = 0, dup = 0, bad = 0;
	unsigned long slab0, slab1, end;
	struct ht_writer *w;
	struct ht_pair *hp;
	int i, started = 0;
	bool *halt;

	rcu_barrier();
	slab0 = ht_slab_bytes();

	hp = ht_pair(test, 64, false);
	w = kunit_kcalloc(test, HT_SOAK_WRITERS, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, w);
	halt = kunit_kzalloc(test, sizeof(*halt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, halt);
	for (i = 0; i < HT_SOAK_EPTS; i++) {
		ms[i] = ht_sink(test, hp->m, 0x800 + i);
		rs[i] = ht_sink(test, hp->r, 0x900 + i);
	}
	for (i = 0; i < HT_SOAK_WRITERS; i++) {
		bool from_master = i < HT_SOAK_WRITERS / 2;
		int e = (i / 2) % HT_SOAK_EPTS;

		w[i].rl = from_master ? hp->m : hp->r;
		w[i].ept = from_master ? ms[e]->ept : rs[e]->ept;
		w[i].dst = from_master ? 0x900 + e : 0x800 + e;
		w[i].id = i;
		w[i].timeout_ms = HT_SOAK_SEND_MS;
		w[i].stop_on_error = true;
		w[i].halt = halt;
		if (ht_writer_start(&w[i]))
			break;
		started++;
	}
	KUNIT_EXPECT_EQ(test, started, HT_SOAK_WRITERS);
	msleep(soak_ms);
	WRITE_ONCE(*halt, true);
	for (i = 0; i < started; i++)
		ht_writer_stop(&w[i]);

	for (i = 0; i < started; i++) {
		sent += w[i].sent;
		if (w[i].failed)
			KUNIT_FAIL(test, "writer %d: a send failed with %d",
				   i, w[i].last_err);
	}
	end = jiffies + msecs_to_jiffies(HT_WAIT_MS);
	do {
		got = 0;
		for (i = 0; i < HT_SOAK_EPTS; i++)
			got += ht_sink_got(ms[i]) + ht_sink_got(rs[i]);
		if (got >= sent)
			break;
		usleep_range(5000, 10000);
	} while (time_before(jiffies, end));
	for (i = 0; i < HT_SOAK_EPTS; i++) {
		lost += ms[i]->lost + rs[i]->lost;
		dup += ms[i]->dup + rs[i]->dup;
		bad += ms[i]->bad + rs[i]->bad;
	}
	/* messages of a writer still queued at its stop are lost at the end */
	for (i = 0; i < started; i++) {
		struct ht_sink *s = i < HT_SOAK_WRITERS / 2 ?
				    rs[(i / 2) % HT_SOAK_EPTS] :
				    ms[(i / 2) % HT_SOAK_EPTS];

		if (s->next[w[i].id] != w[i].sent)
			KUNIT_FAIL(test, "writer %d sent %u, its endpoint saw up to %u",
				   i, w[i].sent, s->next[w[i].id]);
	}
	KUNIT_EXPECT_EQ(test, got, sent);
	KUNIT_EXPECT_EQ(test, lost, 0ULL);
	KUNIT_EXPECT_EQ(test, dup, 0ULL);
	KUNIT_EXPECT_EQ(test, bad, 0ULL);
	/* every buffer back on both sides */
	end = jiffies + msecs_to_jiffies(HT_WAIT_MS);
	while ((rpmsg_lite_get_free_tx_buffers(hp->m) != 64 ||
		rpmsg_lite_get_free_tx_buffers(hp->r) != 64) &&
	       time_before(jiffies, end))
		usleep_range(5000, 10000);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_free_tx_buffers(hp->m), 64U);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_free_tx_buffers(hp->r), 64U);
	kunit_info(test, "%u ms: %llu messages sent, %llu received, %llu lost, %llu duplicated, %llu reordered or bad\n",
		   soak_ms, sent, got, lost, dup, bad);

	/* everything back: endpoints, links, threads */
	for (i = 0; i < HT_SOAK_EPTS; i++) {
		ht_sink_destroy(ms[i]);
		ht_sink_destroy(rs[i]);
	}
	ht_pair_destroy(hp);
	rcu_barrier();
	msleep(100);
	rcu_barrier();
	slab1 = ht_slab_bytes();
	kunit_info(test, "slab %lu KiB before, %lu KiB after\n", slab0 >> 10,
		   slab1 >> 10);
	/*
	 * kmemleak's own records and debug objects blur the counter there;
	 * its scan at the end of the run is the exact check.
	 */
	if (!IS_ENABLED(CONFIG_DEBUG_KMEMLEAK))
		KUNIT_EXPECT_LE(test, slab1, slab0 + HT_SLAB_SLACK);
}

static struct kunit_case rl_soak_cases[] = {
	KUNIT_CASE(rl_soak_test_32_writers_8_endpoints_lose_nothing),
	{}
};

static struct kunit_suite rl_soak_suite = {
	.name = "rl_soak",
	.test_cases = rl_soak_cases,
};

/*
 * Run from module_init rather than with kunit_test_suites(): in 6.1 KUnit
 * starts a module's suites when the module is "coming", before its
 * parameters are parsed, and the parameters above would be ignored.
 */
static struct kunit_suite *rl_hardening_suites[] = { &rl_fault_suite, &rl_soak_suite };

static int __init rl_hardening_init(void)
{
	return __kunit_test_suites_init(rl_hardening_suites, ARRAY_SIZE(rl_hardening_suites));
}
module_init(rl_hardening_init);

static void __exit rl_hardening_exit(void)
{
	__kunit_test_suites_exit(rl_hardening_suites, ARRAY_SIZE(rl_hardening_suites));
}
module_exit(rl_hardening_exit);

MODULE_DESCRIPTION("KUnit: faults and a soak over rpmsg-lite loopback pairs");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
