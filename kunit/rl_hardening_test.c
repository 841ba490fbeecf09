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
 * rl_race: everything at once on a link pair of a drawn configuration -
 * copying, zero-copy and batch writers, held buffers, a receive queue,
 * endpoints coming and going - while the links are reset, while a peer
 * rewrites memory it published, and while the pair is removed.
 *
 * Module parameters: soak_ms (default 2000), teardowns (default 40),
 * race_seed and race_steps (default 300).
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
#include <linux/prandom.h>
#include <linux/rpmsg_lite.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/swait.h>
#include <linux/workqueue.h>

#include "rl_core.h"
#include "rl_loopback.h"
#include "rl_test_time.h"
#include "rl_wire.h"

static uint soak_ms = 2000;
module_param(soak_ms, uint, 0444);
MODULE_PARM_DESC(soak_ms, "duration of the soak in milliseconds (default 2000)");

static uint teardowns = 40;
module_param(teardowns, uint, 0444);
MODULE_PARM_DESC(teardowns, "link pairs torn down while peer events arrive (default 40)");

static ulong race_seed = 20261207;
module_param(race_seed, ulong, 0444);
MODULE_PARM_DESC(race_seed, "prandom seed of the rl_race cases' choices (default 20261207)");

static ulong race_steps = 300;
module_param(race_steps, ulong, 0444);
MODULE_PARM_DESC(race_steps, "misbehaviours per rl_race case, split over its rounds (default 300)");

/* How long a case waits for something that must happen. */
#define HT_WAIT_MS		rl_test_ms(5000)
/* Send timeout of traffic that must get through. */
#define HT_SEND_MS		rl_test_ms(2000)
/* First word of every message of these suites. */
#define HT_MAGIC		0x4854524cU
/* Writers and endpoints of the soak. */
#define HT_SOAK_EPTS		8
#define HT_SOAK_WRITERS		32
/*
 * Send timeout of the soak's writers: 32 busy threads on two emulated
 * CPUs of a debug kernel can starve a receive work for seconds.
 */
#define HT_SOAK_SEND_MS		rl_test_ms(15000)
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
 * @block: the callback blocks until @release, then sends (teardown cases)
 * @entered: completed when the callback starts
 * @release: lets a blocked callback go on
 * @done: set when a blocked callback returns
 * @send_ret: result of the send made by a blocked callback
 * @gone: the endpoint went with its link; nothing to destroy
 * @hold_every: keep every this many messages (RL_HOLD) while there is room
 *              in @held; 0: keep none
 * @held: payloads kept, for a holder thread to release (under @lock)
 * @nheld: entries in @held
 * @too_long: messages longer than the link's payload size (never valid)
 * @payload: the link's payload size
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
	bool block;
	struct completion entered;
	struct completion release;
	bool done;
	int send_ret;
	bool gone;
	u32 hold_every;
	void *held[16];
	u32 nheld;
	u64 too_long;
	u32 payload;
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

/*
 * Check one message against the writers' patterns and sequences; @s->lock
 * held.  Return: true when it was intact.
 */
static bool ht_sink_check(struct ht_sink *s, const u8 *p, u32 len, u32 src)
{
	u32 writer = 0, seq = 0, i = 0;
	bool ok = len >= 12;
	__le32 w[3] = {};

	if (ok) {
		memcpy(w, p, sizeof(w));
		writer = le32_to_cpu(w[1]);
		seq = le32_to_cpu(w[2]);
		ok = le32_to_cpu(w[0]) == HT_MAGIC && writer < HT_SOAK_WRITERS;
		for (i = sizeof(w); ok && i < len; i++)
			ok = p[i] == (u8)(seq + writer);
	}
	s->got++;
	if (s->payload && len > s->payload)
		s->too_long++;
	if (!ok || (s->src[writer] && s->src[writer] != src)) {
		/* what was wrong, for the first few: the log tells the class */
		if (s->bad < 4)
			pr_info("rl_hardening: bad message %llu of %llu: len %u src 0x%x (known 0x%x) magic 0x%x writer %u seq %u (next %u), byte %u of %u: 0x%02x, expected 0x%02x\n",
				s->bad, s->got, len, src,
				writer < HT_SOAK_WRITERS ? s->src[writer] : 0,
				le32_to_cpu(w[0]), writer, seq,
				writer < HT_SOAK_WRITERS ? s->next[writer] : 0,
				i ? i - 1 : 0, len, i && i <= len ? p[i - 1] : 0,
				(u8)(seq + writer));
		s->bad++;
		return false;
	}
	s->src[writer] = src;
	if (seq > s->next[writer])
		s->lost += seq - s->next[writer];
	else if (seq < s->next[writer])
		s->dup++;
	s->next[writer] = seq + 1;
	return true;
}

static int ht_sink_cb(void *payload, u32 len, u32 src, void *priv)
{
	struct ht_sink *s = priv;
	int ret = RL_RELEASE;

	if (s->block) {
		complete(&s->entered);
		wait_for_completion(&s->release);
		s->send_ret = rpmsg_lite_send(s->rl, s->ept, src, "x", 1,
					      RL_BLOCK);
		WRITE_ONCE(s->done, true);
		return RL_RELEASE;
	}

	spin_lock(&s->lock);
	ht_sink_check(s, payload, len, src);
	if (s->hold_every && !(s->got % s->hold_every) &&
	    s->nheld < ARRAY_SIZE(s->held)) {
		s->held[s->nheld++] = payload;
		ret = RL_HOLD;
	}
	spin_unlock(&s->lock);
	return ret;
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
	init_completion(&s->release);
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
static bool ht_wait_got(struct ht_sink *s, u64 n, unsigned long ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);

	while (ht_sink_got(s) < n) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(500, 1000);
	}
	return true;
}

/* Poll @cond every millisecond or two for up to HT_WAIT_MS. */
#define ht_wait_for(cond)	rl_test_wait_for(cond, 5000)

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
 * A round trip, then nothing left to happen by itself: the master saw the
 * remote (its link-up re-kicks stopped) and neither side still watches a
 * message of its own.  The next kick of either side is then that of the
 * case's next send.
 */
static void ht_round_trip_then_quiet(struct kunit *test, struct ht_pair *hp,
				     struct ht_sink *src, struct ht_sink *dst)
{
	u64 src_got = ht_sink_got(src), dst_got = ht_sink_got(dst);

	KUNIT_ASSERT_EQ(test, ht_send(hp->m, src->ept, 0x701, 0, 0,
				      HT_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, ht_wait_got(dst, dst_got + 1, HT_WAIT_MS));
	KUNIT_ASSERT_EQ(test, ht_send(hp->r, dst->ept, 0x700, 0, 0,
				      HT_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, ht_wait_got(src, src_got + 1, HT_WAIT_MS));
	KUNIT_ASSERT_TRUE(test, ht_wait_for(!work_busy(&hp->m->life.kick_work.work) &&
					    !work_busy(&hp->m->tx.watch_work.work) &&
					    !work_busy(&hp->r->tx.watch_work.work)));
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
	ht_round_trip_then_quiet(test, hp, src, dst);

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
	KUNIT_EXPECT_TRUE(test, ht_wait_got(to, 2, rl_test_ms(2000)));
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

/* The master's kick failed since @before / @lb0, in the controller or not. */
static bool ht_kick_failed(struct ht_pair *hp, bool in_controller,
			   const struct rpmsg_lite_link_stats *before,
			   const struct rl_loopback_stats *lb0)
{
	struct rl_loopback_stats lb;

	rl_loopback_get_stats(hp->p, true, &lb);
	if (in_controller)
		return lb.tx_errors > lb0->tx_errors &&
		       lb.mbox.send_errors > lb0->mbox.send_errors;
	return ht_stats(hp->m).kick_errors > before->kick_errors &&
	       lb.sends_failed > lb0->sends_failed;
}

static void ht_failed_kick(struct kunit *test, bool in_controller)
{
	struct ht_pair *hp = ht_pair(test, 8, false);
	struct ht_sink *src = ht_sink(test, hp->m, 0x700);
	struct ht_sink *dst = ht_sink(test, hp->r, 0x701);
	struct rpmsg_lite_link_stats before, after;
	struct rl_loopback_stats lb0, lb1;
	u64 rx_polls;

	ht_round_trip_then_quiet(test, hp, src, dst);

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
	/* its kick fails, and is counted: once, and by whom it should be */
	KUNIT_EXPECT_TRUE(test, ht_wait_for(ht_kick_failed(hp, in_controller,
							   &before, &lb0)));
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
	 * Nobody was told: the sender's watch finds the message unconsumed
	 * and kicks again (the receiver's own watch is idle since the round
	 * trip), and it arrives.
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
 * @batch: more than 1: send up to this many messages at once with
 *         RL_SEND_MORE, the last one (or rpmsg_lite_kick_peer()) notifying
 * @refs: hold references on the link and the endpoint while running, so
 *        that the link may be removed under the writer (-ENODEV is then
 *        an expected errno)
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
	u32 batch;
	bool refs;
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
		if (rel && !(w->refs && rel == -ENODEV))
			w->bad_err = rel;
	}
	return ret;
}

/* Up to w->batch messages with RL_SEND_MORE; returns the first error. */
static int ht_send_batch(struct ht_writer *w)
{
	u32 payload = rpmsg_lite_get_payload_size(w->rl);
	u32 i, n = 1 + (w->sent * 2654435761U >> 16) % w->batch;
	u8 *buf = kmalloc(payload, GFP_KERNEL);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		ret = rpmsg_lite_send_flags(w->rl, w->ept, w->dst, buf,
					    ht_fill(buf, w->id, w->sent,
						    payload),
					    w->timeout_ms,
					    i + 1 < n ? RL_SEND_MORE : 0);
		if (!ret)
			w->sent++;
	}
	/* a batch that ended early still tells the peer */
	if (ret && i > 1)
		rpmsg_lite_kick_peer(w->rl);
	kfree(buf);
	return ret;
}

static int ht_writer_fn(void *arg)
{
	struct ht_writer *w = arg;
	int ret;

	if (w->refs) {
		rpmsg_lite_get(w->rl);
		rpmsg_lite_ept_get(w->ept);
	}
	while (!kthread_should_stop() && !(w->halt && READ_ONCE(*w->halt))) {
		if (w->batch > 1) {
			ret = ht_send_batch(w);
			if (!ret) {
				cond_resched();
				continue;
			}
		} else if (w->zero_copy) {
			ret = ht_send_zc(w);
		} else {
			ret = ht_send(w->rl, w->ept, w->dst, w->id, w->sent,
				      w->timeout_ms);
		}
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
		/*
		 * What a send may say while the link resets or is starved;
		 * with references, also once the link is gone.
		 */
		if (ret != -EPIPE && ret != -ENOTCONN && ret != -ETIMEDOUT &&
		    ret != -ENOMEM && !(w->refs && ret == -ENODEV))
			w->bad_err = ret;
		if (w->stop_on_error)
			break;
		usleep_range(500, 1000);
	}
	while (!kthread_should_stop())
		usleep_range(5000, 10000);
	if (w->refs) {
		rpmsg_lite_ept_put(w->ept);
		rpmsg_lite_put(w->rl);
	}
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
 * Wait until each of the @n writers @w has sent more than @sent[i]
 * messages; @sent[i] is then updated.
 */
static bool ht_wait_sent(struct ht_writer *w, u32 *sent, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!ht_wait_for(READ_ONCE(w[i].sent) > sent[i]))
			return false;
		sent[i] = READ_ONCE(w[i].sent);
	}
	return true;
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
	u32 sent[2] = {};
	bool moving = true;
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
		/* both directions carry messages before each reset */
		moving = ht_wait_sent(w, sent, 2);
		if (!moving)
			break;
		KUNIT_EXPECT_EQ(test, rpmsg_lite_reset_link(hp->r), 0);
		msleep(20);
		KUNIT_EXPECT_EQ(test, rpmsg_lite_reset_link(hp->m), 0);
		if (rpmsg_lite_wait_for_link_up(hp->m, HT_WAIT_MS) ||
		    rpmsg_lite_wait_for_link_up(hp->r, HT_WAIT_MS))
			break;
	}
	/* and after the last one */
	if (round == 5)
		moving = ht_wait_sent(w, sent, 2);
	for (i = 0; i < 2; i++)
		ht_writer_stop(&w[i]);
	KUNIT_ASSERT_TRUE_MSG(test, moving, "the writers stalled in round %d",
			      round + 1);
	KUNIT_ASSERT_EQ_MSG(test, round, 5, "links not up again after reset %d",
			    round + 1);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, w[i].bad_err, 0);
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

static void ht_sink_release(void *arg)
{
	struct ht_sink *s = arg;

	complete_all(&s->release);
}

/*
 * From its next message on, the callback of @s blocks until the case
 * completes s->release (at the latest when the case ends), then sends
 * one message back with RL_BLOCK.
 */
static void ht_sink_block(struct kunit *test, struct ht_sink *s)
{
	ht_defer(test, ht_sink_release, s);
	s->block = true;
}

/**
 * struct ht_closer - a thread that destroys an endpoint or a link pair
 * @s: the sink whose callback blocks meanwhile
 * @p: the pair to destroy, or NULL: destroy the endpoint of @s
 * @task: the thread (referenced)
 * @returned: completed when the destroy returned
 * @ret: what the endpoint's destroy returned
 * @cb_done: the callback of @s had returned when the destroy did
 */
struct ht_closer {
	struct ht_sink *s;
	struct rl_loopback_pair *p;
	struct task_struct *task;
	struct completion returned;
	int ret;
	bool cb_done;
};

static int ht_closer_fn(void *arg)
{
	struct ht_closer *cl = arg;

	if (cl->p) {
		rl_loopback_pair_destroy(cl->p);
	} else {
		cl->ret = rpmsg_lite_destroy_ept(cl->s->rl, cl->s->ept);
		cl->s->ept = NULL;
	}
	cl->cb_done = READ_ONCE(cl->s->done);
	complete(&cl->returned);
	return 0;
}

/* Let the blocked callback go, and the closer finish, then join it. */
static void ht_closer_join(void *arg)
{
	struct ht_closer *cl = arg;

	complete_all(&cl->s->release);
	kthread_stop(cl->task);
	put_task_struct(cl->task);
}

static struct ht_closer *ht_closer_start(struct kunit *test,
					 struct ht_sink *s,
					 struct rl_loopback_pair *p)
{
	struct ht_closer *cl = kunit_kzalloc(test, sizeof(*cl), GFP_KERNEL);
	struct task_struct *t;

	KUNIT_ASSERT_NOT_NULL(test, cl);
	cl->s = s;
	cl->p = p;
	init_completion(&cl->returned);
	t = kthread_run(ht_closer_fn, cl, "rl_ht_close");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	cl->task = get_task_struct(t);
	ht_defer(test, ht_closer_join, cl);
	return cl;
}

/*
 * A receive callback is running (blocked, until the case lets it go)
 * while another thread destroys its endpoint: the destroy waits for the
 * callback, returns only after it did, and the callback's own send still
 * works.
 */
static void rl_fault_test_destroy_ept_waits_for_a_running_callback(struct kunit *test)
{
	struct ht_pair *hp = ht_pair(test, 8, false);
	struct ht_sink *ms = ht_sink(test, hp->m, 0x700);
	struct ht_sink *rs = ht_sink(test, hp->r, 0x701);
	struct rpmsg_lite_endpoint *ept = rs->ept;
	struct ht_closer *cl;

	ht_sink_block(test, rs);
	KUNIT_ASSERT_EQ(test, ht_send(hp->m, ms->ept, 0x701, 0, 0,
				      HT_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test,
			  wait_for_completion_timeout(&rs->entered,
						      msecs_to_jiffies(HT_WAIT_MS)));
	cl = ht_closer_start(test, rs, NULL);
	/* the destroy gets as far as waiting for the callback, and waits */
	KUNIT_ASSERT_TRUE(test, ht_wait_for(swait_active(&ept->released.wait) ||
					    completion_done(&cl->returned)));
	KUNIT_EXPECT_FALSE(test, completion_done(&cl->returned));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(rs->done));

	complete(&rs->release);
	KUNIT_ASSERT_TRUE(test,
			  wait_for_completion_timeout(&cl->returned,
						      msecs_to_jiffies(HT_WAIT_MS)));
	KUNIT_EXPECT_EQ(test, cl->ret, 0);
	KUNIT_EXPECT_TRUE(test, cl->cb_done);
	KUNIT_EXPECT_EQ(test, rs->send_ret, 0);
	KUNIT_EXPECT_TRUE(test, ht_wait_got(ms, 1, HT_WAIT_MS));
}

/*
 * A receive callback is running (blocked, until the case lets it go)
 * while another thread tears the whole link pair down; let go, it sends
 * with RL_BLOCK.  Deinit waits for the callback, whose send fails
 * cleanly instead of hanging.
 */
static void rl_fault_test_link_teardown_waits_for_a_running_callback(struct kunit *test)
{
	struct ht_pair *hp = ht_pair(test, 2, false);
	struct ht_sink *ms = ht_sink(test, hp->m, 0x700);
	struct ht_sink *rs = ht_sink(test, hp->r, 0x701);
	struct rpmsg_lite_instance *r;
	struct ht_closer *cl;
	int i;

	/*
	 * Use up the remote's transmit buffers with messages the master
	 * never hears of: the callback's send would have to wait.
	 */
	rl_loopback_drop_kicks(hp->p, false, INT_MAX);
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(test, ht_send(hp->r, rs->ept, 0x700, 1, i,
					      HT_SEND_MS), 0);
	ht_sink_block(test, rs);
	KUNIT_ASSERT_EQ(test, ht_send(hp->m, ms->ept, 0x701, 0, 0,
				      HT_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test,
			  wait_for_completion_timeout(&rs->entered,
						      msecs_to_jiffies(HT_WAIT_MS)));
	/* endpoints go with the links; the sinks must not touch them */
	rpmsg_lite_destroy_ept(hp->m, ms->ept);
	ms->ept = NULL;
	rs->gone = true;
	r = rpmsg_lite_get(hp->r);
	cl = ht_closer_start(test, rs, hp->p);
	hp->p = NULL;

	/*
	 * The remote goes first: its deinit gets as far as stopping the
	 * link's works (calls refused, state down), and waits there.
	 */
	KUNIT_EXPECT_TRUE(test, ht_wait_for((READ_ONCE(r->life.removing) &&
					     atomic_read(&r->life.state) ==
					     RPMSG_LITE_LINK_DOWN) ||
					    completion_done(&cl->returned)));
	KUNIT_EXPECT_FALSE(test, completion_done(&cl->returned));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(rs->done));

	complete(&rs->release);
	KUNIT_EXPECT_TRUE(test,
			  wait_for_completion_timeout(&cl->returned,
						      msecs_to_jiffies(HT_WAIT_MS)));
	KUNIT_EXPECT_TRUE(test, cl->cb_done);
	KUNIT_EXPECT_EQ(test, rs->send_ret, -ENODEV);
	rpmsg_lite_put(r);
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

	KUNIT_ASSERT_GT_MSG(test, teardowns, 0U, "teardowns=0: nothing to tear down");
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
			KUNIT_FAIL(test, "teardown %u: no peer event in %lu ms",
				   i, HT_WAIT_MS);
			break;
		}
	}
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	kunit_info(test, "%u teardowns during %u storms of peer events\n",
		   i, storms);
}

/* A callback that keeps the receive work until the case lets it go. */
struct ht_block {
	struct completion entered;
	struct completion release;
};

static int ht_block_cb(void *payload, u32 len, u32 src, void *priv)
{
	struct ht_block *b = priv;

	complete(&b->entered);
	wait_for_completion(&b->release);
	return RL_RELEASE;
}

static int ht_release_cb(void *payload, u32 len, u32 src, void *priv)
{
	return RL_RELEASE;
}

static void ht_block_release(void *arg)
{
	complete_all(&((struct ht_block *)arg)->release);
}

/*
 * A message waits in a remote's receive queue, its buffer held, when the
 * master rebuilds the rings and sends again before the remote followed
 * (its receive work is kept in another endpoint's callback, so it neither
 * answers the announcement nor sees the new generation): the buffer is
 * the master's again and holds its new bytes.  The queue must not hand
 * those out as the waiting message: rpmsg_lite_queue_recv() fails with
 * -EPIPE and counts the drop (wire.rst, "Ring generation").
 */
static void rl_fault_test_queue_never_copies_a_buffer_the_master_took_back(struct kunit *test)
{
	struct ht_pair *hp = ht_pair(test, 2, false);
	struct rpmsg_lite_endpoint *me, *qe, *be;
	struct rpmsg_lite_queue *q;
	u8 old[64], new[64], got[64];
	struct ht_block *b;
	unsigned long end, left;
	u32 len = 0, src;
	int ret;

	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	init_completion(&b->entered);
	init_completion(&b->release);
	memset(old, 'o', sizeof(old));
	memset(new, 'n', sizeof(new));

	q = rpmsg_lite_queue_create(hp->r, 4);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, q);
	qe = rpmsg_lite_create_ept(hp->r, 0x60, rpmsg_lite_queue_rx_cb, q);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, qe);
	be = rpmsg_lite_create_ept(hp->r, 0x61, ht_block_cb, b);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, be);
	me = rpmsg_lite_create_ept(hp->m, 0x62, ht_release_cb, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, me);
	/* runs before the pair goes: the receive work must come back */
	ht_defer(test, ht_block_release, b);

	/* the message, held by the queue, in the first transmit buffer */
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(hp->m, me, 0x60, old,
					      sizeof(old), HT_SEND_MS), 0);
	end = jiffies + rl_test_jiffies(HT_WAIT_MS);
	while (!rpmsg_lite_queue_get_current_size(q) &&
	       time_before(jiffies, end))
		usleep_range(500, 1000);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_queue_get_current_size(q), 1U);

	/* the remote's receive work stays in the blocking callback */
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(hp->m, me, 0x61, "b", 1,
					      HT_SEND_MS), 0);
	left = wait_for_completion_timeout(&b->entered,
					   rl_test_jiffies(HT_WAIT_MS));
	KUNIT_ASSERT_NE(test, left, 0UL);

	/* the master rebuilds (no answer comes) and fills both buffers */
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(hp->m), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(hp->m, me, 0x60, new,
					      sizeof(new), RL_DONT_BLOCK), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(hp->m, me, 0x60, new,
					      sizeof(new), RL_DONT_BLOCK), 0);

	memset(got, 0, sizeof(got));
	ret = rpmsg_lite_queue_recv(hp->r, q, &src, got, sizeof(got), &len,
				    RL_DONT_BLOCK);
	/* the buffer holds the master's new bytes: not the message, a drop */
	KUNIT_EXPECT_EQ_MSG(test, ret, -EPIPE,
			    "handed out %u bytes starting '%c' ('o': the old message, 'n': the master's new one)",
			    len, got[0]);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_get_dropped(q), 1U);

	ht_block_release(b);
	ret = rpmsg_lite_wait_for_link_up(hp->r, rl_test_ms(HT_WAIT_MS));
	KUNIT_EXPECT_EQ(test, ret, 0);
	rpmsg_lite_destroy_ept(hp->r, be);
	rpmsg_lite_destroy_ept(hp->r, qe);
	rpmsg_lite_destroy_ept(hp->m, me);
	rpmsg_lite_queue_destroy(hp->r, q);
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
	KUNIT_CASE(rl_fault_test_queue_never_copies_a_buffer_the_master_took_back),
	{}
};

static struct kunit_suite rl_fault_suite = {
	.name = "rl_fault",
	.test_cases = rl_fault_cases,
};

/* ---- rl_race ---- */

/*
 * Everything a deployment does at once, on a loopback pair of a
 * configuration drawn from race_seed: on each side copying, zero-copy and
 * batch writers, an endpoint that keeps some of what it receives and a
 * thread that gives it back later, a receive queue with a blocking
 * reader, and endpoints created and destroyed; meanwhile the test resets
 * the links (either side, peer lost) race_steps times in all.  Each case
 * checks what must hold whatever the interleaving.
 */

/* Writers of a race round: 0-2 master -> remote, 3-5 back, 6 into a queue. */
#define HR_WRITERS		7
/* Longest a race thread may take to stop, or a link to come back. */
#define HR_STOP_MS		rl_test_ms(20000)

/**
 * struct hr_round - the threads and endpoints of one race round
 * @test: the case
 * @hp: the pair
 * @cfg: its configuration
 * @rnd: prandom state of the test's own choices
 * @sink: per writer, the endpoint it sends to
 * @from: per writer, the endpoint it sends from
 * @w: the writers
 * @holder: thread releasing what the holding sinks keep
 * @q: receive queue of the remote, fed by writer 6
 * @qept: the endpoint feeding it
 * @qsink: checks what the queue's reader takes
 * @reader: the queue's blocking reader
 * @churn: thread creating and destroying endpoints
 * @refs: the helpers hold link references (teardown rounds)
 * @bad_release: a release of a held buffer failed unexpectedly
 * @churned: endpoints created and destroyed by @churn
 */
struct hr_round {
	struct kunit *test;
	struct ht_pair *hp;
	struct rpmsg_lite_config cfg;
	struct rnd_state rnd;
	struct ht_sink *sink[HR_WRITERS];
	struct ht_sink *from[HR_WRITERS];
	struct ht_writer w[HR_WRITERS];
	struct task_struct *holder;
	struct rpmsg_lite_queue *q;
	struct rpmsg_lite_endpoint *qept;
	struct ht_sink *qsink;
	struct task_struct *reader;
	struct task_struct *churn;
	bool refs;
	int bad_release;
	u32 churned;
};

/* Give back what the holding sinks keep, a little later each time. */
static int hr_holder_fn(void *arg)
{
	struct hr_round *hr = arg;
	struct ht_sink *s;
	void *p;
	int i, ret;

	while (!kthread_should_stop()) {
		for (i = 0; i < HR_WRITERS; i++) {
			s = hr->sink[i];
			if (!s || !s->hold_every)
				continue;
			spin_lock(&s->lock);
			p = s->nheld ? s->held[--s->nheld] : NULL;
			spin_unlock(&s->lock);
			if (!p)
				continue;
			ret = rpmsg_lite_release_rx_buffer(s->rl, p);
			/* 0, also for a buffer a reset voided; or link gone */
			if (ret && !(hr->refs && ret == -ENODEV))
				hr->bad_release = ret;
		}
		usleep_range(200, 2000);
	}
	return 0;
}

/* The queue's reader: blocking receives, checked like a sink. */
static int hr_reader_fn(void *arg)
{
	struct hr_round *hr = arg;
	struct rpmsg_lite_instance *rl = hr->hp->r;
	u32 src, len, size = rpmsg_lite_get_payload_size(rl);
	u8 *buf = kmalloc(size, GFP_KERNEL);
	int ret;

	while (buf && !kthread_should_stop()) {
		ret = rpmsg_lite_queue_recv(rl, hr->q, &src, buf, size, &len,
					    20);
		if (ret) {
			usleep_range(100, 1000);
			continue;
		}
		spin_lock(&hr->qsink->lock);
		ht_sink_check(hr->qsink, buf, len, src);
		spin_unlock(&hr->qsink->lock);
	}
	kfree(buf);
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

static int hr_churn_cb(void *payload, u32 len, u32 src, void *priv)
{
	return RL_RELEASE;
}

/* Endpoints come and go on both sides, at fixed and dynamic addresses. */
static int hr_churn_fn(void *arg)
{
	struct hr_round *hr = arg;
	struct rpmsg_lite_endpoint *ept;
	struct rpmsg_lite_instance *rl;
	u32 n = 0;

	while (!kthread_should_stop()) {
		rl = n & 1 ? hr->hp->m : hr->hp->r;
		ept = rpmsg_lite_create_ept(rl, n & 2 ? RL_ADDR_ANY : 0xa00,
					    hr_churn_cb, NULL);
		if (!IS_ERR(ept)) {
			usleep_range(50, 500);
			rpmsg_lite_destroy_ept(rl, ept);
			hr->churned++;
		} else {
			usleep_range(500, 1000);
		}
		n++;
	}
	return 0;
}

/* A configuration of the pair: 2..1024 buffers, 16..4080 bytes each. */
static void hr_draw_config(struct hr_round *hr)
{
	static const u32 sizes[] = { 16, 17, 64, 240, 496, 1008, 4080 };
	u32 count, size;

	do {
		count = 2U << prandom_u32_state(&hr->rnd) % 10;
		size = sizes[prandom_u32_state(&hr->rnd) % ARRAY_SIZE(sizes)];
	} while ((size_t)count * (size + RL_MSG_HDR_SIZE) > SZ_1M);
	hr->cfg = (struct rpmsg_lite_config){
		.buffer_count = count,
		.payload_size = size,
		.notify_consumed = prandom_u32_state(&hr->rnd) & 1,
		.event_idx = !(prandom_u32_state(&hr->rnd) % 3),
		.link_up_kick_ms = 50,
	};
}

static struct ht_pair *hr_pair(struct kunit *test,
			       const struct rpmsg_lite_config *cfg)
{
	struct ht_pair *hp = kunit_kzalloc(test, sizeof(*hp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hp);
	hp->p = rl_loopback_pair_create(cfg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hp->p);
	ht_defer(test, ht_pair_destroy, hp);
	hp->m = rl_loopback_master(hp->p);
	hp->r = rl_loopback_remote(hp->p);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(hp->r, HT_WAIT_MS), 0);
	return hp;
}

/* Set up and start everything of a round; ASSERTs on failure. */
static void hr_start(struct hr_round *hr, bool refs)
{
	struct kunit *test = hr->test;
	struct rpmsg_lite_instance *rl;
	int i;

	hr->refs = refs;
	hr->hp = hr_pair(test, &hr->cfg);
	for (i = 0; i < HR_WRITERS; i++) {
		bool to_remote = i < 3 || i == 6;

		rl = to_remote ? hr->hp->m : hr->hp->r;
		hr->from[i] = ht_sink(test, rl, 0x720 + i);
		if (i < 6) {
			hr->sink[i] = ht_sink(test, to_remote ? hr->hp->r :
					      hr->hp->m, 0x740 + i);
			hr->sink[i]->payload = hr->cfg.payload_size;
			/* the zero-copy writers' sinks keep some messages */
			if (i % 3 == 1)
				hr->sink[i]->hold_every = 3;
		}
		hr->w[i] = (struct ht_writer){
			.rl = rl, .ept = hr->from[i]->ept, .id = i,
			.dst = i < 6 ? 0x740 + i : 0x760,
			.timeout_ms = 20, .zero_copy = i % 3 == 1,
			.batch = i % 3 == 2 ? 8 : 0, .refs = refs,
		};
	}
	hr->q = rpmsg_lite_queue_create(hr->hp->r, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hr->q);
	hr->qept = rpmsg_lite_create_ept(hr->hp->r, 0x760,
					 rpmsg_lite_queue_rx_cb, hr->q);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hr->qept);
	hr->qsink = kunit_kzalloc(test, sizeof(*hr->qsink), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hr->qsink);
	spin_lock_init(&hr->qsink->lock);
	hr->qsink->payload = hr->cfg.payload_size;

	for (i = 0; i < HR_WRITERS; i++)
		KUNIT_ASSERT_EQ(test, ht_writer_start(&hr->w[i]), 0);
	hr->holder = kthread_run(hr_holder_fn, hr, "rl_hr_hold");
	hr->reader = kthread_run(hr_reader_fn, hr, "rl_hr_read");
	hr->churn = kthread_run(hr_churn_fn, hr, "rl_hr_churn");
	KUNIT_ASSERT_FALSE(test, IS_ERR(hr->holder) || IS_ERR(hr->reader) ||
			   IS_ERR(hr->churn));
}

/* Stop every thread of the round. */
static void hr_stop(struct hr_round *hr)
{
	int i;

	for (i = 0; i < HR_WRITERS; i++)
		ht_writer_stop(&hr->w[i]);
	kthread_stop(hr->holder);
	kthread_stop(hr->reader);
	if (hr->churn)
		kthread_stop(hr->churn);
	hr->churn = NULL;
}

/* Remove the round's endpoints and pair; the next round starts afresh. */
static void hr_end_round(struct hr_round *hr)
{
	int i;

	for (i = 0; i < HR_WRITERS; i++) {
		ht_sink_destroy(hr->from[i]);
		if (hr->sink[i])
			ht_sink_destroy(hr->sink[i]);
	}
	ht_pair_destroy(hr->hp);
}

/* Wait until nothing is in flight: every transmit buffer free again. */
static bool ht_wait_idle(struct ht_pair *hp)
{
	u32 count = rpmsg_lite_get_config(hp->m)->buffer_count;
	unsigned long end = jiffies + msecs_to_jiffies(HT_WAIT_MS);

	while (rpmsg_lite_get_free_tx_buffers(hp->m) != count ||
	       rpmsg_lite_get_free_tx_buffers(hp->r) != count) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(1000, 2000);
	}
	return true;
}

/* The sinks keep nothing more and give back what they keep. */
static void hr_release_held(struct hr_round *hr)
{
	struct ht_sink *s;
	void *p;
	int i;

	for (i = 0; i < 6; i++) {
		s = hr->sink[i];
		spin_lock(&s->lock);
		s->hold_every = 0;
		spin_unlock(&s->lock);
		for (;;) {
			spin_lock(&s->lock);
			p = s->nheld ? s->held[--s->nheld] : NULL;
			spin_unlock(&s->lock);
			if (!p)
				break;
			rpmsg_lite_release_rx_buffer(s->rl, p);
		}
	}
}

/* One misbehaviour of the links, drawn; then both are up again. */
static void hr_chaos(struct hr_round *hr)
{
	struct rpmsg_lite_instance *m = hr->hp->m, *r = hr->hp->r;

	switch (prandom_u32_state(&hr->rnd) % 5) {
	case 0:		/* the master restarts */
		rpmsg_lite_reset_link(m);
		break;
	case 1:		/* the remote restarts, then the master sees it */
		rpmsg_lite_reset_link(r);
		rpmsg_lite_reset_link(m);
		break;
	case 2:		/* the platform reports the remote lost, then back */
		rpmsg_lite_peer_lost(m);
		usleep_range(100, 2000);
		rpmsg_lite_reset_link(m);
		break;
	case 3:		/* the remote's side reports the master lost */
		rpmsg_lite_peer_lost(r);
		usleep_range(100, 2000);
		rpmsg_lite_reset_link(r);
		rpmsg_lite_reset_link(m);
		break;
	default:	/* a quiet while */
		usleep_range(500, 5000);
		return;
	}
	rpmsg_lite_wait_for_link_up(m, HR_STOP_MS);
	rpmsg_lite_wait_for_link_up(r, HR_STOP_MS);
}

/*
 * Both links idle: every buffer back where it rests, no void holder, no
 * refused state change.
 */
static void hr_expect_idle(struct kunit *test, struct rpmsg_lite_instance *rl)
{
	u32 i, held = 0, voids = 0, count = rl->cfg.buffer_count;

	for (i = 0; i < count; i++) {
		const struct rl_buf *rx = &rl->rx.bufs_state[i];
		const struct rl_buf *tx = &rl->tx.bufs_state[i];

		if (rx->state == RL_BUF_USER || rx->voids ||
		    tx->state == RL_BUF_USER || tx->state == RL_BUF_PARKED ||
		    tx->voids)
			pr_info("%s: %s: head %u: rx state %u voids %u, tx state %u voids %u\n",
				test->name, rl->name, i, rx->state, rx->voids,
				tx->state, tx->voids);
		held += rx->state == RL_BUF_USER || tx->state == RL_BUF_USER ||
			tx->state == RL_BUF_PARKED;
		voids += rx->voids + tx->voids;
	}
	KUNIT_EXPECT_EQ_MSG(test, held, 0U, "%s: buffers still held",
			    rl->name);
	KUNIT_EXPECT_EQ_MSG(test, voids, 0U, "%s: void holders left",
			    rl->name);
	KUNIT_EXPECT_EQ(test, atomic_read(&rl->buf_errors), 0);
}

/* After the round: one clean message each way reaches every sink. */
static void hr_expect_clean_traffic(struct hr_round *hr)
{
	struct kunit *test = hr->test;
	struct ht_sink *s;
	u64 got;
	int i;

	for (i = 0; i < 6; i++) {
		s = hr->sink[i];
		got = ht_sink_got(s);
		KUNIT_EXPECT_EQ_MSG(test, ht_send(hr->w[i].rl, hr->w[i].ept,
						  hr->w[i].dst, i,
						  hr->w[i].sent++, HT_SEND_MS),
				    0, "writer %d after the round", i);
		KUNIT_EXPECT_TRUE_MSG(test, ht_wait_got(s, got + 1, HT_WAIT_MS),
				      "writer %d after the round", i);
	}
}

static void hr_expect_no_damage(struct hr_round *hr)
{
	struct kunit *test = hr->test;
	u64 bad = hr->qsink->bad, dup = hr->qsink->dup;
	u64 too_long = hr->qsink->too_long;
	int i;

	for (i = 0; i < 6; i++) {
		bad += hr->sink[i]->bad;
		dup += hr->sink[i]->dup;
		too_long += hr->sink[i]->too_long;
	}
	for (i = 0; i < HR_WRITERS; i++)
		KUNIT_EXPECT_EQ_MSG(test, hr->w[i].bad_err, 0, "writer %d", i);
	KUNIT_EXPECT_EQ_MSG(test, bad, 0ULL,
			    "messages with bytes their writer did not write");
	KUNIT_EXPECT_EQ_MSG(test, dup, 0ULL, "messages delivered twice");
	KUNIT_EXPECT_EQ(test, too_long, 0ULL);
	KUNIT_EXPECT_EQ(test, hr->bad_release, 0);
}

/* Rounds of a case: fewer, shorter ones for few steps. */
static u32 hr_rounds(void)
{
	return clamp_t(u32, race_steps / 100, 1, 16);
}

static void hr_init(struct kunit *test, struct hr_round *hr, u32 round,
		    u32 salt)
{
	memset(hr, 0, sizeof(*hr));
	hr->test = test;
	prandom_seed_state(&hr->rnd, race_seed * 1000003 + round * 31 + salt);
	hr_draw_config(hr);
	/* on the console only: the case's KTAP log has room for little */
	pr_info("%s: round %u: %u x %u-byte buffers, notify_consumed %d, event_idx %d\n",
		test->name, round, hr->cfg.buffer_count, hr->cfg.payload_size,
		hr->cfg.notify_consumed, hr->cfg.event_idx);
}

/*
 * Busy links reset again and again: every message that arrives (at a
 * sink, through a queue, or kept and released) carries exactly its
 * writer's bytes, at most once and in its writer's order; every release
 * of a kept buffer succeeds; afterwards every buffer is back and traffic
 * flows.
 */
static void rl_race_test_busy_links_reset_again_and_again(struct kunit *test)
{
	struct hr_round *hr = kunit_kzalloc(test, sizeof(*hr), GFP_KERNEL);
	u32 round, rounds = hr_rounds(), step, churned = 0;
	u64 sent = 0;
	int i;

	KUNIT_ASSERT_GT_MSG(test, race_steps, 0UL, "race_steps=0: no misbehaviour to run");
	KUNIT_ASSERT_NOT_NULL(test, hr);
	for (round = 0; round < rounds; round++) {
		hr_init(test, hr, round, 1);
		hr_start(hr, false);
		for (step = 0; step < race_steps / rounds; step++)
			hr_chaos(hr);
		hr_stop(hr);
		hr_release_held(hr);
		KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(hr->hp->m,
								  HR_STOP_MS),
				0);
		KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(hr->hp->r,
								  HR_STOP_MS),
				0);
		hr_expect_clean_traffic(hr);
		hr_expect_no_damage(hr);
		rpmsg_lite_destroy_ept(hr->hp->r, hr->qept);
		rpmsg_lite_queue_destroy(hr->hp->r, hr->q);
		/* idle: nothing in flight, everything given back */
		KUNIT_EXPECT_TRUE(test, ht_wait_idle(hr->hp));
		hr_expect_idle(test, hr->hp->m);
		hr_expect_idle(test, hr->hp->r);
		for (i = 0; i < HR_WRITERS; i++)
			sent += hr->w[i].sent;
		churned += hr->churned;
		hr_end_round(hr);
		if (test->status == KUNIT_FAILURE)
			break;
	}
	kunit_info(test, "%u rounds, %lu steps: %llu messages sent, %u endpoints churned\n",
		   round, race_steps, sent, churned);
}

/**
 * struct hr_mutator - a peer that rewrites memory it already published
 * @hr: the round
 * @shm: the pair's region
 * @vring: start of each vring
 * @avail: available ring of each vring
 * @used: used ring of each vring
 * @bufs: first buffer of each vring
 * @task: the thread
 * @bursts: bursts of writes made
 */
struct hr_mutator {
	struct hr_round *hr;
	u8 *shm;
	u8 *vring[2];
	struct rl_vring_avail *avail[2];
	struct rl_vring_used *used[2];
	u8 *bufs[2];
	struct task_struct *task;
	u32 bursts;
};

static void hr_mutator_layout(struct hr_mutator *mu)
{
	const struct rpmsg_lite_config *cfg = &mu->hr->cfg;
	u32 num = cfg->buffer_count, align = RL_DEFAULT_VRING_ALIGN;
	size_t avail_end = num * sizeof(struct rl_vring_desc) +
			   sizeof(struct rl_vring_avail) + (num + 1) * 2;
	size_t buf = cfg->payload_size + RL_MSG_HDR_SIZE;
	int v;

	mu->shm = rl_loopback_shm(mu->hr->hp->p, NULL);
	for (v = 0; v < 2; v++) {
		mu->vring[v] = mu->shm + v * RL_DEFAULT_VRING_SIZE;
		mu->avail[v] = (void *)(mu->vring[v] +
					num * sizeof(struct rl_vring_desc));
		mu->used[v] = (void *)(mu->vring[v] + ALIGN(avail_end, align));
		mu->bufs[v] = mu->shm + 2 * RL_DEFAULT_VRING_SIZE +
			      v * num * buf;
	}
}

/*
 * One burst: pick a field the peer has just published (or may read any
 * moment) and rewrite it a few times in a row, each time with a value
 * that is wrong in its own way.
 */
static void hr_mutate_once(struct hr_mutator *mu, struct rnd_state *rnd)
{
	const struct rpmsg_lite_config *cfg = &mu->hr->cfg;
	u32 num = cfg->buffer_count, mask = num - 1;
	size_t buf = cfg->payload_size + RL_MSG_HDR_SIZE;
	int v = prandom_u32_state(rnd) & 1, n;
	struct rl_vring_desc *d = (void *)mu->vring[v];
	u16 aidx = le16_to_cpu(READ_ONCE(mu->avail[v]->idx));
	u16 uidx = le16_to_cpu(READ_ONCE(mu->used[v]->idx));
	u32 r = prandom_u32_state(rnd), head;
	struct rl_msg_hdr *hdr;

	for (n = 1 + r % 6; n; n--) {
		switch ((r >> 8) % 9) {
		case 0:	/* the newest available entry names another head */
			WRITE_ONCE(mu->avail[v]->ring[(aidx - 1) & mask],
				   cpu_to_le16(prandom_u32_state(rnd) % (num + 2)));
			break;
		case 1:	/* the newest used entry: another head, a long length */
			WRITE_ONCE(mu->used[v]->ring[(uidx - 1) & mask].id,
				   cpu_to_le32(prandom_u32_state(rnd) % (num + 2)));
			WRITE_ONCE(mu->used[v]->ring[(uidx - 1) & mask].len,
				   cpu_to_le32(prandom_u32_state(rnd)));
			break;
		case 2:	/* the header of a just published message */
			head = le16_to_cpu(READ_ONCE(mu->avail[v]->ring[(aidx - 1) &
									 mask]));
			head &= mask;
			hdr = (void *)(mu->bufs[!v] + head * buf);
			WRITE_ONCE(hdr->len, cpu_to_le16(prandom_u32_state(rnd)));
			WRITE_ONCE(hdr->dst, cpu_to_le32(0x740 + prandom_u32_state(rnd) % 8));
			break;
		case 3:	/* ... and of a just consumed one */
			head = le32_to_cpu(READ_ONCE(mu->used[v]->ring[(uidx - 1) &
									mask].id));
			head &= mask;
			hdr = (void *)(mu->bufs[v] + head * buf);
			WRITE_ONCE(hdr->len, cpu_to_le16(cfg->payload_size + 1 +
							 prandom_u32_state(rnd) % 64));
			WRITE_ONCE(hdr->src, cpu_to_le32(prandom_u32_state(rnd)));
			break;
		case 4:	/* an index jumps, a little or by a whole ring */
			if (r & 1)
				WRITE_ONCE(mu->avail[v]->idx,
					   cpu_to_le16(aidx + 1 + (r & 2 ? num : 0)));
			else
				WRITE_ONCE(mu->used[v]->idx,
					   cpu_to_le16(uidx + 1 + (r & 2 ? num : 0)));
			break;
		case 5:	/* a descriptor points elsewhere: the other vring, */
			/* another buffer (aliasing), past the region */
			head = prandom_u32_state(rnd) & mask;
			WRITE_ONCE(d[head].addr, cpu_to_le64(RL_LOOPBACK_SHM_DA +
				   (r & 1 ? (!v) * RL_DEFAULT_VRING_SIZE :
				    2 * RL_DEFAULT_VRING_SIZE +
				    (prandom_u32_state(rnd) % (2 * num)) * buf)));
			break;
		case 6:	/* a descriptor's length */
			head = prandom_u32_state(rnd) & mask;
			WRITE_ONCE(d[head].len, cpu_to_le32(prandom_u32_state(rnd) %
							    (2 * buf)));
			break;
		case 7:	/* the flags words, generation bits included */
			WRITE_ONCE(mu->avail[v]->flags,
				   cpu_to_le16(prandom_u32_state(rnd)));
			break;
		default:
			WRITE_ONCE(mu->used[v]->flags,
				   cpu_to_le16(prandom_u32_state(rnd)));
			break;
		}
		r = prandom_u32_state(rnd);
		/* aimed between the driver's reads: a few hundred ns apart */
		ndelay(r % 500);
	}
}

static int hr_mutator_fn(void *arg)
{
	struct hr_mutator *mu = arg;
	struct rnd_state rnd;

	prandom_seed_state(&rnd, race_seed ^ 0x6d757461);
	while (!kthread_should_stop()) {
		/* wait for something to be published, then strike */
		if (prandom_u32_state(&rnd) % 4)
			usleep_range(20, 400);
		hr_mutate_once(mu, &rnd);
		mu->bursts++;
	}
	return 0;
}

/*
 * A peer rewrites what it published - headers, lengths, ring entries,
 * indices, descriptors, flags and generation bits - while the links are
 * busy: every message delivered still respects the link's payload size
 * (each header field is read once), nothing crashes or hangs, and once
 * the peer behaves again and the links are reset, every buffer is back
 * and traffic flows.
 */
static void rl_race_test_peer_rewrites_published_memory(struct kunit *test)
{
	struct hr_round *hr = kunit_kzalloc(test, sizeof(*hr), GFP_KERNEL);
	struct hr_mutator *mu = kunit_kzalloc(test, sizeof(*mu), GFP_KERNEL);
	u32 round, rounds = hr_rounds(), step, bursts = 0;
	u64 too_long, errors = 0;
	int i;

	KUNIT_ASSERT_GT_MSG(test, race_steps, 0UL, "race_steps=0: no misbehaviour to run");
	KUNIT_ASSERT_NOT_NULL(test, hr);
	KUNIT_ASSERT_NOT_NULL(test, mu);
	for (round = 0; round < rounds; round++) {
		hr_init(test, hr, round, 2);
		hr_start(hr, false);
		memset(mu, 0, sizeof(*mu));
		mu->hr = hr;
		hr_mutator_layout(mu);
		mu->task = kthread_run(hr_mutator_fn, mu, "rl_hr_mutate");
		KUNIT_ASSERT_FALSE(test, IS_ERR(mu->task));
		for (step = 0; step < race_steps / rounds; step++) {
			usleep_range(500, 2000);
			/* a peer that broke the rings starts over, as one does */
			if (!(step % 8)) {
				rpmsg_lite_reset_link(hr->hp->r);
				rpmsg_lite_reset_link(hr->hp->m);
			}
		}
		kthread_stop(mu->task);
		hr_stop(hr);
		hr_release_held(hr);
		/* the peer behaves again: both sides start over */
		KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(hr->hp->r), 0);
		KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(hr->hp->m), 0);
		KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(hr->hp->r,
								  HR_STOP_MS),
				0);
		hr_expect_clean_traffic(hr);
		too_long = hr->qsink->too_long;
		for (i = 0; i < 6; i++)
			too_long += hr->sink[i]->too_long;
		KUNIT_EXPECT_EQ(test, too_long, 0ULL);
		rpmsg_lite_destroy_ept(hr->hp->r, hr->qept);
		rpmsg_lite_queue_destroy(hr->hp->r, hr->q);
		KUNIT_EXPECT_TRUE(test, ht_wait_idle(hr->hp));
		hr_expect_idle(test, hr->hp->m);
		hr_expect_idle(test, hr->hp->r);
		bursts += mu->bursts;
		errors += ht_stats(hr->hp->m).ring_errors +
			  ht_stats(hr->hp->r).ring_errors;
		hr_end_round(hr);
		if (test->status == KUNIT_FAILURE)
			break;
	}
	kunit_info(test, "%u rounds: %u bursts of rewrites, %llu ring errors counted\n",
		   round, bursts, errors);
}

/**
 * struct hr_watch - a model front end: hears link events, keeps nothing
 *		     of a link after LINK_REMOVED, and takes a while to let go
 * @nb: notifier
 * @links: the two links watched (master, remote)
 * @removed: LINK_REMOVED was heard, per link
 * @late: events heard for a link after its LINK_REMOVED
 * @storm: the master's reset storm, stopped when the remote is removed
 * @linger_ms: how long LINK_REMOVED of the remote takes
 */
struct hr_watch {
	struct notifier_block nb;
	struct rpmsg_lite_instance *links[2];
	bool removed[2];
	atomic_t late;
	struct task_struct *storm;
	u32 linger_ms;
};

static int hr_watch_fn(struct notifier_block *nb, unsigned long event,
		       void *data)
{
	struct hr_watch *wt = container_of(nb, struct hr_watch, nb);
	int i;

	for (i = 0; i < 2; i++) {
		if (data != wt->links[i])
			continue;
		if (READ_ONCE(wt->removed[i]))
			atomic_inc(&wt->late);
		if (event != RPMSG_LITE_EVENT_LINK_REMOVED)
			continue;
		WRITE_ONCE(wt->removed[i], true);
		/* the remote goes first: the master keeps resetting meanwhile */
		if (i == 1 && wt->storm) {
			msleep(wt->linger_ms);
			kthread_stop(wt->storm);
			wt->storm = NULL;
		}
	}
	return NOTIFY_OK;
}

/* The master restarts again and again (its remote follows: events). */
static int hr_storm_fn(void *arg)
{
	struct rpmsg_lite_instance *m = arg;

	rpmsg_lite_get(m);
	while (!kthread_should_stop()) {
		rpmsg_lite_reset_link(m);
		usleep_range(100, 1000);
	}
	rpmsg_lite_put(m);
	return 0;
}

/*
 * The link pair is removed while all of it runs and the master keeps
 * restarting: every thread comes out (its calls fail with -ENODEV or
 * -EPIPE once the link is gone: its references keep the memory), no event
 * reaches a front end during or after its LINK_REMOVED, and what arrived
 * before the removal was intact.
 */
static void rl_race_test_link_removed_while_busy(struct kunit *test)
{
	struct hr_round *hr = kunit_kzalloc(test, sizeof(*hr), GFP_KERNEL);
	struct hr_watch *wt = kunit_kzalloc(test, sizeof(*wt), GFP_KERNEL);
	u32 round, rounds = hr_rounds(), step;
	struct rpmsg_lite_instance *m, *r;
	int i;

	KUNIT_ASSERT_GT_MSG(test, race_steps, 0UL, "race_steps=0: no misbehaviour to run");
	KUNIT_ASSERT_NOT_NULL(test, hr);
	KUNIT_ASSERT_NOT_NULL(test, wt);
	wt->nb.notifier_call = hr_watch_fn;
	KUNIT_ASSERT_EQ(test, rpmsg_lite_register_notifier(&wt->nb), 0);
	for (round = 0; round < rounds; round++) {
		hr_init(test, hr, round, 3);
		hr_start(hr, true);
		m = rpmsg_lite_get(hr->hp->m);
		r = rpmsg_lite_get(hr->hp->r);
		wt->links[0] = m;
		wt->links[1] = r;
		wt->removed[0] = false;
		wt->removed[1] = false;
		for (step = 0; step < race_steps / rounds / 4; step++)
			hr_chaos(hr);
		/* endpoint churn takes no references: it stops first */
		kthread_stop(hr->churn);
		hr->churn = NULL;
		for (i = 0; i < HR_WRITERS; i++) {
			hr->from[i]->gone = true;
			if (hr->sink[i])
				hr->sink[i]->gone = true;
		}
		/* resets in flight while the pair goes */
		wt->linger_ms = prandom_u32_state(&hr->rnd) % 50;
		wt->storm = kthread_run(hr_storm_fn, m, "rl_hr_storm");
		KUNIT_ASSERT_FALSE(test, IS_ERR(wt->storm));
		usleep_range(1000, 3000);
		ht_pair_destroy(hr->hp);
		if (wt->storm)
			kthread_stop(wt->storm);
		wt->storm = NULL;
		hr_stop(hr);
		rpmsg_lite_queue_destroy(r, hr->q);
		hr_expect_no_damage(hr);
		KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(m),
				RPMSG_LITE_LINK_DOWN);
		rpmsg_lite_put(m);
		rpmsg_lite_put(r);
		wt->links[0] = NULL;
		wt->links[1] = NULL;
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&wt->late), 0,
				    "events after LINK_REMOVED");
		if (test->status == KUNIT_FAILURE)
			break;
	}
	rpmsg_lite_unregister_notifier(&wt->nb);
	kunit_info(test, "%u removals of busy link pairs\n", round);
}

static struct kunit_case rl_race_cases[] = {
	KUNIT_CASE(rl_race_test_busy_links_reset_again_and_again),
	KUNIT_CASE(rl_race_test_peer_rewrites_published_memory),
	KUNIT_CASE(rl_race_test_link_removed_while_busy),
	{}
};

static struct kunit_suite rl_race_suite = {
	.name = "rl_race",
	.test_cases = rl_race_cases,
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

	KUNIT_ASSERT_GT_MSG(test, soak_ms, 0U, "soak_ms=0: no time to soak");
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
	/* what is freed after a grace period or from a work comes back soon */
	end = jiffies + msecs_to_jiffies(HT_WAIT_MS);
	do {
		rcu_barrier();
		slab1 = ht_slab_bytes();
		if (slab1 <= slab0 + HT_SLAB_SLACK)
			break;
		msleep(20);
	} while (time_before(jiffies, end));
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

/* From module_init, so that the parameters above count (rl_test_time.h). */
rl_test_suites_module(rl_hardening_test,
		      &rl_fault_suite, &rl_race_suite, &rl_soak_suite);

MODULE_DESCRIPTION("KUnit: faults and a soak over rpmsg-lite loopback pairs");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
MODULE_IMPORT_NS(RPMSG_LITE_TEST);
