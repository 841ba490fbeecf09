// SPDX-License-Identifier: GPL-2.0
/*
 * rl_core_test.c - KUnit suites of the rpmsg-lite core.
 *
 * Most cases run a master link and a remote link against each other in the
 * same kernel, over one memory region, through the loopback mailbox
 * controller (rl_loopback.h).  The cases that need full control over the
 * kicks (link-up, the shared-memory image, configuration checks) build their
 * links themselves on a recording transport: every notify is recorded and
 * nothing is delivered unless the case calls rpmsg_lite_isr() itself.
 *
 * Every expected number of the shared-memory image comes from
 * Documentation/rpmsg-lite/wire.rst ("Worked layouts", "Master
 * initialisation", "Kicks", "Addresses"), not from the driver.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <kunit/resource.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/platform_device.h>
#include <linux/sched/task.h>
#include <linux/rpmsg_lite.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "rl_core.h"
#include "rl_loopback.h"
#include "rl_test_time.h"
#include "rl_wire.h"

/* How long a case waits for an event before calling it a failure. */
#define RL_TEST_WAIT_MS		rl_test_ms(5000)
#define RL_TEST_WAIT_JIFFIES	rl_test_jiffies(5000)
/* Timeout of sends that are expected to find a buffer. */
#define RL_TEST_SEND_MS		rl_test_ms(5000)
/* Step of the polling waits on statistics counters. */
#define RL_TEST_POLL_MS		1

/* The rpmsg-lite default configuration, as wire.rst's worked layout has it. */
#define WIRE_PAYLOAD		496
#define WIRE_BUF_SIZE		512
#define WIRE_COUNT		2
#define WIRE_ALIGN		0x1000
#define WIRE_VRING_SIZE		0x8000
#define WIRE_VRING1		0x8000	/* vring 1 from the region start */
#define WIRE_AVAIL		0x20	/* available ring inside a vring */
#define WIRE_USED		0x1000	/* used ring inside a vring */
#define WIRE_BUFS0		0x10000	/* buffers of vring 0 */
#define WIRE_BUFS1		0x10400	/* buffers of vring 1 */
#define WIRE_RINGS		0x1016	/* a vring's rings: up to avail_event */
#define WIRE_REGION		0x10800	/* bytes of the region in use */
#define WIRE_DESC_LEN		512
#define WIRE_DESC_FLAGS		2	/* WRITE, on both rings */
#define WIRE_CHAIN_END		0x8000
#define WIRE_AVAIL_FLAGS	1	/* no-interrupt */
#define WIRE_USED_LEN		512

/* The same with count 256 (wire.rst, "Worked layouts"). */
#define WIRE256_COUNT		256
#define WIRE256_AVAIL		0x1000
#define WIRE256_USED		0x2000
#define WIRE256_BUFS0		0x10000
#define WIRE256_BUFS1		0x30000
#define WIRE256_REGION		0x50000

/* Device address the recording-transport masters put their region at. */
#define RL_TEST_SHM_DA		0x90000000ULL
/* Bytes after a region that must stay untouched. */
#define RL_TEST_GUARD		0x1000
/* What the guard, and a poisoned region, hold before a link writes. */
#define RL_TEST_POISON		0xa5

/* A bigger configuration: 4 KiB buffers. */
#define RL_TEST_BIG_PAYLOAD	4080
#define RL_TEST_BIG_COUNT	16

/* ---- deferred actions (what kunit_add_action() does in later kernels) ---- */

/**
 * struct rl_test_action - a call made when the case ends
 * @fn: what to call
 * @arg: its argument
 */
struct rl_test_action {
	void (*fn)(void *arg);
	void *arg;
};

static int rl_test_action_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void rl_test_action_free(struct kunit_resource *res)
{
	struct rl_test_action *a = res->data;

	a->fn(a->arg);
	kfree(a);
}

/* Run @fn(@arg) at the end of the case; runs it at once if that fails. */
static void rl_test_defer(struct kunit *test, void (*fn)(void *), void *arg)
{
	struct rl_test_action *a;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (a) {
		a->fn = fn;
		a->arg = arg;
		if (kunit_alloc_resource(test, rl_test_action_init,
					 rl_test_action_free, GFP_KERNEL, a))
			return;
		kfree(a);
	}
	fn(arg);
	KUNIT_FAIL(test, "out of memory for a cleanup action");
}

/* ---- statistics ---- */

static struct rpmsg_lite_link_stats rl_test_stats(struct rpmsg_lite_instance *rl)
{
	struct rpmsg_lite_link_stats st;

	memset(&st, 0, sizeof(st));
	rpmsg_lite_get_stats(rl, &st);
	return st;
}

/*
 * Wait until the counter at byte offset @off of the stats of @rl reaches
 * @min.  Returns false on timeout.  The counters are updated by the link's
 * workqueue, so this polls them once per millisecond.
 */
static bool rl_test_wait_stat(struct rpmsg_lite_instance *rl, size_t off,
			      u64 min)
{
	unsigned long end = jiffies + msecs_to_jiffies(RL_TEST_WAIT_MS);
	struct rpmsg_lite_link_stats st;

	for (;;) {
		st = rl_test_stats(rl);
		if (*(u64 *)((u8 *)&st + off) >= min)
			return true;
		if (time_after(jiffies, end))
			return false;
		usleep_range(RL_TEST_POLL_MS * 1000, RL_TEST_POLL_MS * 2000);
	}
}

#define RL_STAT(field) offsetof(struct rpmsg_lite_link_stats, field)

/* ---- a loopback pair ---- */

/**
 * struct rl_test_link - a master and a remote link over one region
 * @pair: the loopback test peer
 * @m: master instance
 * @r: remote instance
 * @shm: kernel mapping of the shared region
 * @shm_size: bytes in it
 * @cfg: configuration the master uses (as read back from it)
 */
struct rl_test_link {
	struct rl_loopback_pair *pair;
	struct rpmsg_lite_instance *m;
	struct rpmsg_lite_instance *r;
	void *shm;
	size_t shm_size;
	struct rpmsg_lite_config cfg;
};

static void rl_test_pair_destroy(void *arg)
{
	rl_loopback_pair_destroy(arg);
}

/*
 * Create a pair with @cfg (NULL: rpmsg-lite defaults) and, if @wait_up,
 * wait until both sides are up.  Destroyed at the end of the case.
 */
static void rl_test_pair(struct kunit *test, struct rl_test_link *l,
			 const struct rpmsg_lite_config *cfg, bool wait_up)
{
	struct rpmsg_lite_config def = {};
	struct rl_loopback_pair *p;

	memset(l, 0, sizeof(*l));
	p = rl_loopback_pair_create(cfg ? cfg : &def);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	rl_test_defer(test, rl_test_pair_destroy, p);

	l->pair = p;
	l->m = rl_loopback_master(p);
	l->r = rl_loopback_remote(p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, l->m);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, l->r);
	l->shm = rl_loopback_shm(p, &l->shm_size);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, l->shm);
	l->cfg = *rpmsg_lite_get_config(l->m);

	if (!wait_up)
		return;
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(l->m,
							  RL_TEST_WAIT_MS), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(l->r,
							  RL_TEST_WAIT_MS), 0);
}

/* ---- where things are in a region (rl_wire.h's layout comment) ---- */

static size_t rl_test_vring_off(const struct rpmsg_lite_config *cfg, int vr)
{
	return vr ? cfg->vring_size : 0;
}

static size_t rl_test_avail_off(const struct rpmsg_lite_config *cfg)
{
	return 16 * cfg->buffer_count;
}

static size_t rl_test_used_off(const struct rpmsg_lite_config *cfg)
{
	return ALIGN(16 * cfg->buffer_count + 6 + 2 * cfg->buffer_count,
		     cfg->vring_align);
}

static __le16 *rl_test_avail_idx(void *shm, const struct rpmsg_lite_config *cfg,
				 int vr)
{
	return shm + rl_test_vring_off(cfg, vr) + rl_test_avail_off(cfg) + 2;
}

static __le16 *rl_test_used_idx(void *shm, const struct rpmsg_lite_config *cfg,
				int vr)
{
	return shm + rl_test_vring_off(cfg, vr) + rl_test_used_off(cfg) + 2;
}

/*
 * Header of the buffer published last in the used ring of vring @vr, as
 * the master's descriptor names it; NULL if the descriptor points outside
 * the region.
 */
static struct rl_msg_hdr *rl_test_last_used_hdr(struct rl_test_link *l,
						int vr)
{
	const struct rpmsg_lite_config *cfg = &l->cfg;
	void *ring = l->shm + rl_test_vring_off(cfg, vr);
	struct rl_vring_used *used = ring + rl_test_used_off(cfg);
	struct rl_vring_desc *desc = ring;
	u16 idx = le16_to_cpu(READ_ONCE(used->idx));
	u32 head, mask = cfg->buffer_count - 1;
	u64 da;

	head = le32_to_cpu(READ_ONCE(used->ring[(u16)(idx - 1) & mask].id));
	if (head >= cfg->buffer_count)
		return NULL;
	da = le64_to_cpu(READ_ONCE(desc[head].addr));
	if (da < cfg->shm_da || da - cfg->shm_da + WIRE_BUF_SIZE > l->shm_size)
		return NULL;
	return l->shm + (da - cfg->shm_da);
}

/* ---- a receive callback that records what it gets ---- */

#define RL_SINK_MAX_HELD	32
/* Bytes of each message a sink keeps: the largest payload used here. */
#define RL_SINK_DATA_SIZE	4096

/**
 * struct rl_sink - records the messages an endpoint receives
 * @test: the case
 * @rl: link of the endpoint
 * @ept: the endpoint
 * @lock: protects everything below against the link's workqueue
 * @wq: woken on every message
 * @count: messages received
 * @verdict: what the callback returns (RL_RELEASE or RL_HOLD)
 * @src: source address of the last message
 * @len: length of the last message
 * @data: copy of the last message (up to @data_size bytes)
 * @data_size: bytes in @data
 * @held: buffers kept with RL_HOLD and not yet released
 * @check_seq: the first 4 bytes of each message are a sequence number
 * @next_seq: sequence number expected next
 * @out_of_order: messages that did not carry @next_seq
 */
struct rl_sink {
	struct kunit *test;
	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_endpoint *ept;
	spinlock_t lock;	/* the callback runs on the link's workqueue */
	wait_queue_head_t wq;
	unsigned int count;
	int verdict;
	u32 src;
	u32 len;
	u8 *data;
	u32 data_size;
	void *held[RL_SINK_MAX_HELD];
	bool check_seq;
	u32 next_seq;
	unsigned int out_of_order;
};

static int rl_sink_cb(void *payload, u32 payload_len, u32 src, void *priv)
{
	struct rl_sink *s = priv;
	int verdict = RL_RELEASE;
	unsigned int i;
	u32 seq;

	spin_lock(&s->lock);
	memcpy(s->data, payload, min(payload_len, s->data_size));
	s->len = payload_len;
	s->src = src;
	if (s->check_seq && payload_len >= sizeof(seq)) {
		memcpy(&seq, payload, sizeof(seq));
		if (seq != s->next_seq)
			s->out_of_order++;
		s->next_seq = seq + 1;
	}
	if (s->verdict == RL_HOLD) {
		for (i = 0; i < RL_SINK_MAX_HELD; i++) {
			if (!s->held[i]) {
				s->held[i] = payload;
				verdict = RL_HOLD;
				break;
			}
		}
	}
	s->count++;
	spin_unlock(&s->lock);
	wake_up(&s->wq);
	return verdict;
}

static unsigned int rl_sink_count(struct rl_sink *s)
{
	unsigned int n;

	spin_lock(&s->lock);
	n = s->count;
	spin_unlock(&s->lock);
	return n;
}

/* Wait until @s has received at least @n messages. */
static bool rl_sink_wait(struct rl_sink *s, unsigned int n)
{
	return wait_event_timeout(s->wq, rl_sink_count(s) >= n,
				  RL_TEST_WAIT_JIFFIES) > 0;
}

/* Give back held buffer @i; returns what rpmsg_lite_release_rx_buffer() did */
static int rl_sink_release(struct rl_sink *s, unsigned int i)
{
	void *buf;

	spin_lock(&s->lock);
	buf = s->held[i];
	s->held[i] = NULL;
	spin_unlock(&s->lock);
	if (!buf)
		return -ENOENT;
	return rpmsg_lite_release_rx_buffer(s->rl, buf);
}

static void rl_sink_destroy(void *arg)
{
	struct rl_sink *s = arg;
	unsigned int i;

	for (i = 0; i < RL_SINK_MAX_HELD; i++)
		rl_sink_release(s, i);
	if (!IS_ERR_OR_NULL(s->ept))
		rpmsg_lite_destroy_ept(s->rl, s->ept);
}

/*
 * An endpoint at @addr on @rl whose messages @s records; destroyed (and its
 * held buffers released) at the end of the case.
 */
static struct rl_sink *rl_sink_new(struct kunit *test,
				   struct rpmsg_lite_instance *rl, u32 addr,
				   int verdict)
{
	struct rl_sink *s;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	s->data_size = RL_SINK_DATA_SIZE;
	s->data = kunit_kzalloc(test, s->data_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s->data);
	s->test = test;
	s->rl = rl;
	s->verdict = verdict;
	spin_lock_init(&s->lock);
	init_waitqueue_head(&s->wq);
	s->ept = rpmsg_lite_create_ept(rl, addr, rl_sink_cb, s);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s->ept);
	rl_test_defer(test, rl_sink_destroy, s);
	return s;
}

static u32 rl_sink_addr(struct rl_sink *s)
{
	return rpmsg_lite_ept_addr(s->ept);
}

/* Receive callback of endpoints that only send. */
static int rl_test_drop_cb(void *payload, u32 payload_len, u32 src,
			   void *priv)
{
	return RL_RELEASE;
}

/**
 * struct rl_test_ept - an endpoint to destroy at the end of a case
 * @rl: its link
 * @ept: the endpoint
 */
struct rl_test_ept {
	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_endpoint *ept;
};

static void rl_test_ept_destroy(void *arg)
{
	struct rl_test_ept *e = arg;

	rpmsg_lite_destroy_ept(e->rl, e->ept);
}

/*
 * An endpoint at @addr with callback @cb(@priv); destroyed at the end of
 * the case.
 */
static struct rpmsg_lite_endpoint *rl_test_ept(struct kunit *test,
					       struct rpmsg_lite_instance *rl,
					       u32 addr, rl_ept_rx_cb_t cb,
					       void *priv)
{
	struct rl_test_ept *e;

	e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, e);
	e->rl = rl;
	e->ept = rpmsg_lite_create_ept(rl, addr, cb, priv);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, e->ept);
	rl_test_defer(test, rl_test_ept_destroy, e);
	return e->ept;
}

/* An endpoint that only sends; destroyed at the end of the case. */
static struct rpmsg_lite_endpoint *rl_test_tx_ept(struct kunit *test,
						  struct rpmsg_lite_instance *rl)
{
	return rl_test_ept(test, rl, RL_ADDR_ANY, rl_test_drop_cb, NULL);
}

/* Fill @buf with a pattern that depends on @seed and on the position. */
static void rl_test_fill(u8 *buf, u32 size, u32 seed)
{
	u32 i;

	for (i = 0; i < size; i++)
		buf[i] = (u8)(seed * 31 + i * 7 + (i >> 8));
}

/* ---- a recording transport, for links the cases drive by hand ---- */

#define RL_FAKE_MAX_KICKS	64

/**
 * struct rl_fake - a link on a transport that records and delivers nothing
 * @rl: the link
 * @lock: protects the record
 * @wq: woken on every notify
 * @kicks: notifies seen
 * @vq: vq id of the first RL_FAKE_MAX_KICKS notifies
 * @notify_ret: what every notify returns
 * @started: the core called ops->start
 * @stopped: the core called ops->stop
 */
struct rl_fake {
	struct rpmsg_lite_instance *rl;
	spinlock_t lock;	/* notify may come from any context */
	wait_queue_head_t wq;
	unsigned int kicks;
	u32 vq[RL_FAKE_MAX_KICKS];
	int notify_ret;
	bool started;
	bool stopped;
};

static int rl_fake_start(void *priv, struct rpmsg_lite_instance *rl)
{
	struct rl_fake *f = priv;

	f->started = true;
	return 0;
}

static void rl_fake_stop(void *priv)
{
	struct rl_fake *f = priv;

	f->stopped = true;
}

static int rl_fake_notify(void *priv, u32 vq_id)
{
	struct rl_fake *f = priv;
	unsigned long flags;

	spin_lock_irqsave(&f->lock, flags);
	if (f->kicks < RL_FAKE_MAX_KICKS)
		f->vq[f->kicks] = vq_id;
	f->kicks++;
	spin_unlock_irqrestore(&f->lock, flags);
	wake_up(&f->wq);
	return f->notify_ret;
}

static const struct rpmsg_lite_transport_ops rl_fake_ops = {
	.start = rl_fake_start,
	.stop = rl_fake_stop,
	.notify = rl_fake_notify,
};

static unsigned int rl_fake_kicks(struct rl_fake *f)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&f->lock, flags);
	n = f->kicks;
	spin_unlock_irqrestore(&f->lock, flags);
	return n;
}

/* Wait until @f has seen @n notifies. */
static bool rl_fake_wait(struct rl_fake *f, unsigned int n)
{
	return wait_event_timeout(f->wq, rl_fake_kicks(f) >= n,
				  RL_TEST_WAIT_JIFFIES) > 0;
}

static void rl_test_vfree(void *arg)
{
	vfree(arg);
}

static void rl_test_platform_device_unregister(void *arg)
{
	platform_device_unregister(arg);
}

static void rl_test_deinit(void *arg)
{
	rpmsg_lite_deinit(arg);
}

/*
 * A zeroed region of @size bytes followed by RL_TEST_GUARD guard bytes,
 * freed at the end of the case.
 */
static void *rl_test_region(struct kunit *test, size_t size)
{
	void *shm = vzalloc(size + RL_TEST_GUARD);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, shm);
	rl_test_defer(test, rl_test_vfree, shm);
	memset(shm + size, RL_TEST_POISON, RL_TEST_GUARD);
	return shm;
}

/*
 * The same, all of it RL_TEST_POISON: what a link writes differs from
 * what it leaves alone, zeroes included.
 */
static void *rl_test_poisoned_region(struct kunit *test, size_t size)
{
	void *shm = rl_test_region(test, size);

	memset(shm, RL_TEST_POISON, size);
	return shm;
}

/* A device for a link of a case; unregistered at the end of the case. */
static struct device *rl_test_device(struct kunit *test)
{
	struct platform_device *pdev;

	pdev = platform_device_register_simple("rl-core-test",
					       PLATFORM_DEVID_AUTO, NULL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pdev);
	rl_test_defer(test, rl_test_platform_device_unregister, pdev);
	return &pdev->dev;
}

/*
 * Init a master (@master) or remote link described by @desc (device, name
 * and transport are filled in here) on a recording transport whose notify
 * returns @notify_ret.  f->rl is the link or an ERR_PTR; a link is
 * deinitialised at the end of the case.
 */
static struct rl_fake *rl_fake_new_desc(struct kunit *test, bool master,
					struct rpmsg_lite_link_desc *desc,
					int notify_ret)
{
	struct rl_fake *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	spin_lock_init(&f->lock);
	init_waitqueue_head(&f->wq);
	f->notify_ret = notify_ret;

	desc->dev = rl_test_device(test);
	desc->name = master ? "rl-test-master" : "rl-test-remote";
	desc->ops = &rl_fake_ops;
	desc->ops_priv = f;
	f->rl = master ? rpmsg_lite_master_init(desc) :
			 rpmsg_lite_remote_init(desc);
	if (!IS_ERR_OR_NULL(f->rl))
		rl_test_defer(test, rl_test_deinit, f->rl);
	return f;
}

/* The same over @shm / @size with @cfg. */
static struct rl_fake *__rl_fake_new(struct kunit *test, bool master,
				     void *shm, size_t size,
				     const struct rpmsg_lite_config *cfg,
				     int notify_ret)
{
	struct rpmsg_lite_link_desc desc = {
		.shm = shm,
		.shm_size = size,
		.cfg = *cfg,
	};

	return rl_fake_new_desc(test, master, &desc, notify_ret);
}

static struct rl_fake *rl_fake_new(struct kunit *test, bool master,
				   void *shm, size_t size,
				   const struct rpmsg_lite_config *cfg)
{
	return __rl_fake_new(test, master, shm, size, cfg, 0);
}

/* The rpmsg-lite default configuration at RL_TEST_SHM_DA. */
static struct rpmsg_lite_config rl_test_wire_cfg(void)
{
	struct rpmsg_lite_config cfg = {
		.payload_size = WIRE_PAYLOAD,
		.buffer_count = WIRE_COUNT,
		.vring_align = WIRE_ALIGN,
		.vring_size = WIRE_VRING_SIZE,
		.shm_da = RL_TEST_SHM_DA,
		/* no re-kick during a case unless the case asks for it */
		.link_up_kick_ms = 600000,
	};

	return cfg;
}

/* Init a master with @cfg over a region of @size; returns its errno. */
static int rl_test_master_init_err(struct kunit *test, size_t size,
				   const struct rpmsg_lite_config *cfg)
{
	void *shm = rl_test_region(test, size);
	struct rl_fake *f = rl_fake_new(test, true, shm, size, cfg);

	if (IS_ERR(f->rl))
		return PTR_ERR(f->rl);
	return f->rl ? 0 : -EFAULT;
}

/* ======================== suite rl_core_config ======================== */

static void rl_core_config_test_zero_config_takes_rpmsg_lite_defaults(struct kunit *test)
{
	struct rpmsg_lite_config cfg = { .link_up_kick_ms = 600000 };
	const struct rpmsg_lite_config *got;
	void *shm = rl_test_region(test, WIRE_REGION);
	struct rl_fake *f = rl_fake_new(test, true, shm, WIRE_REGION, &cfg);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f->rl);
	got = rpmsg_lite_get_config(f->rl);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->payload_size, WIRE_PAYLOAD);
	KUNIT_EXPECT_EQ(test, got->buffer_count, WIRE_COUNT);
	KUNIT_EXPECT_EQ(test, got->vring_align, WIRE_ALIGN);
	KUNIT_EXPECT_EQ(test, got->vring_size, WIRE_VRING_SIZE);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_payload_size(f->rl),
			(u32)WIRE_PAYLOAD);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_role(f->rl), RPMSG_LITE_MASTER);
}

static void rl_core_config_test_region_of_exact_size_is_accepted(struct kunit *test)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();

	KUNIT_EXPECT_EQ(test, rl_test_master_init_err(test, WIRE_REGION, &cfg),
			0);
}

static void rl_core_config_test_region_one_byte_short_is_refused(struct kunit *test)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();

	KUNIT_EXPECT_EQ(test,
			rl_test_master_init_err(test, WIRE_REGION - 1, &cfg),
			-EINVAL);
}

static void rl_core_config_test_count_not_power_of_two_is_refused(struct kunit *test)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();

	cfg.buffer_count = 3;
	KUNIT_EXPECT_EQ(test, rl_test_master_init_err(test, 0x20000, &cfg),
			-EINVAL);
}

static void rl_core_config_test_count_above_1024_is_refused(struct kunit *test)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();
	size_t size;

	/* 1024 buffers are the most: their rings fit in 0x8000 bytes */
	cfg.buffer_count = 1024;
	size = 2 * cfg.vring_size + 2 * 1024 * WIRE_BUF_SIZE;
	KUNIT_EXPECT_EQ(test, rl_test_master_init_err(test, size, &cfg), 0);

	cfg.buffer_count = 2048;
	cfg.vring_size = 0x10000;	/* the rings of 2048 would fit */
	size = 2 * cfg.vring_size + 2 * 2048 * WIRE_BUF_SIZE;
	KUNIT_EXPECT_EQ(test, rl_test_master_init_err(test, size, &cfg),
			-EINVAL);
}

static void rl_core_config_test_count_of_one_is_refused(struct kunit *test)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();

	cfg.buffer_count = 1;
	KUNIT_EXPECT_EQ(test, rl_test_master_init_err(test, WIRE_REGION, &cfg),
			-EINVAL);
}

static void rl_core_config_test_payload_above_maximum_is_refused(struct kunit *test)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();
	size_t size;

	cfg.payload_size = RL_MAX_PAYLOAD_SIZE + 1;
	size = 2 * WIRE_VRING_SIZE + 4 * (RL_MAX_PAYLOAD_SIZE + 1 + 16);
	KUNIT_EXPECT_EQ(test, rl_test_master_init_err(test, size, &cfg),
			-EINVAL);
}

static void rl_core_config_test_vring_too_small_for_count_is_refused(struct kunit *test)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();

	/* 256 descriptors need 0x2806 bytes of rings with align 0x1000 */
	cfg.buffer_count = WIRE256_COUNT;
	cfg.vring_size = 0x2000;
	KUNIT_EXPECT_EQ(test, rl_test_master_init_err(test, WIRE256_REGION,
						      &cfg), -EINVAL);
}

static void rl_core_config_test_align_not_power_of_two_is_refused(struct kunit *test)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();

	cfg.vring_align = 0x1800;
	KUNIT_EXPECT_EQ(test, rl_test_master_init_err(test, WIRE_REGION, &cfg),
			-EINVAL);
}

static void rl_core_config_test_errno_maps_to_rpmsg_lite_status(struct kunit *test)
{
	static const struct { int rl; int err; } map[] = {
		{ RL_SUCCESS, 0 },
		{ RL_ERR_NO_MEM, -ENOMEM },
		{ RL_ERR_BUFF_SIZE, -EMSGSIZE },
		{ RL_ERR_PARAM, -EINVAL },
		{ RL_ERR_DEV_ID, -ENODEV },
		{ RL_ERR_MAX_VQ, -ENOSPC },
		{ RL_ERR_NO_BUFF, -ENOBUFS },
		{ RL_ERR_NOT_READY, -ENOTCONN },
		{ RL_ERR_ALREADY_DONE, -EALREADY },
	};
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(map); i++) {
		KUNIT_EXPECT_EQ(test, rpmsg_lite_errno_to_rl(map[i].err),
				map[i].rl);
		KUNIT_EXPECT_EQ(test, rpmsg_lite_rl_to_errno(map[i].rl),
				map[i].err);
		err = rpmsg_lite_rl_to_errno(map[i].rl);
		KUNIT_EXPECT_EQ(test, rpmsg_lite_errno_to_rl(err), map[i].rl);
	}
	/* a send that timed out is rpmsg-lite's "no memory" */
	KUNIT_EXPECT_EQ(test, rpmsg_lite_errno_to_rl(-ETIMEDOUT),
			RL_ERR_NO_MEM);
}

/*
 * A remote whose descriptors point outside its vring region, as with a
 * virtio master: @shm holds the master's rpmsg-lite layout; the remote
 * gets the vrings there (region of two vrings) and the buffers as a
 * separate region at their device address.  The remote's own shm_da is
 * off on purpose: only the buffer region may translate descriptors.
 */
static struct rl_fake *rl_test_split_remote(struct kunit *test, u8 *shm,
					    size_t bufs_size, bool short_descs)
{
	struct rpmsg_lite_link_desc desc = {
		.shm = shm,
		.shm_size = 2 * WIRE_VRING_SIZE,
		.cfg = rl_test_wire_cfg(),
		.bufs = shm + WIRE_BUFS0,
		.bufs_size = bufs_size,
		.bufs_da = RL_TEST_SHM_DA + WIRE_BUFS0,
	};

	desc.cfg.shm_da = 0x1000;
	desc.cfg.short_descs = short_descs;
	return rl_fake_new_desc(test, false, &desc, 0);
}

/*
 * A master with rpmsg-lite's default configuration on @shm and, on the
 * same rings, a remote with a separate buffer region (above) that the
 * master's first kick brought up.  The remote in *@rp.
 */
static struct rl_fake *rl_test_split_pair(struct kunit *test, u8 *shm,
					  bool short_descs,
					  struct rl_fake **rp)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();
	struct rl_fake *m = rl_fake_new(test, true, shm, WIRE_REGION, &cfg);
	struct rl_fake *r;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m->rl);
	r = rl_test_split_remote(test, shm, WIRE_REGION - WIRE_BUFS0,
				 short_descs);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r->rl);
	rpmsg_lite_isr(r->rl, m->vq[0]);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_wait_for_link_up(r->rl,
							  RL_TEST_WAIT_MS), 0);
	*rp = r;
	return m;
}

static void rl_core_config_test_remote_with_separate_buffers_carries_both_ways(struct kunit *test)
{
	u8 *shm = rl_test_region(test, WIRE_REGION);
	struct rl_sink *ms, *rs;
	struct rl_fake *m, *r;
	u8 out[16], back[24];

	m = rl_test_split_pair(test, shm, false, &r);
	ms = rl_sink_new(test, m->rl, 40, RL_RELEASE);
	rs = rl_sink_new(test, r->rl, 30, RL_RELEASE);

	rl_test_fill(out, sizeof(out), 1);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(m->rl, ms->ept, 30, out,
					      sizeof(out), RL_TEST_SEND_MS), 0);
	rpmsg_lite_isr(r->rl, 1);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(rs, 1));
	KUNIT_EXPECT_EQ(test, rs->len, (u32)sizeof(out));
	KUNIT_EXPECT_EQ(test, memcmp(rs->data, out, sizeof(out)), 0);

	rl_test_fill(back, sizeof(back), 2);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(r->rl, rs->ept, 40, back,
					      sizeof(back), RL_TEST_SEND_MS),
			0);
	rpmsg_lite_isr(m->rl, 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(ms, 1));
	KUNIT_EXPECT_EQ(test, ms->len, (u32)sizeof(back));
	KUNIT_EXPECT_EQ(test, memcmp(ms->data, back, sizeof(back)), 0);
	KUNIT_EXPECT_EQ(test, rl_test_stats(r->rl).ring_errors, 0ULL);
}

static void rl_core_config_test_short_descs_take_a_message_sized_descriptor(struct kunit *test)
{
	u8 *shm = rl_test_region(test, WIRE_REGION);
	struct rl_vring_desc *d1 = (void *)(shm + WIRE_VRING1);
	struct rl_vring_avail *a1 = (void *)(shm + WIRE_VRING1 + WIRE_AVAIL);
	struct rpmsg_lite_endpoint *tx;
	struct rl_fake *m, *r;
	struct rl_sink *rs;
	u8 out[16];
	u16 head;

	m = rl_test_split_pair(test, shm, true, &r);
	rs = rl_sink_new(test, r->rl, 30, RL_RELEASE);
	tx = rl_test_tx_ept(test, m->rl);

	rl_test_fill(out, sizeof(out), 3);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(m->rl, tx, 30, out, sizeof(out),
					      RL_TEST_SEND_MS), 0);
	/* as virtio_rpmsg_bus writes it: header + payload, not the buffer */
	head = le16_to_cpu(READ_ONCE(a1->ring[0]));
	KUNIT_ASSERT_LT(test, head, WIRE_COUNT);
	WRITE_ONCE(d1[head].len, cpu_to_le32(RL_MSG_HDR_SIZE + sizeof(out)));
	rpmsg_lite_isr(r->rl, 1);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(rs, 1));
	KUNIT_EXPECT_EQ(test, rs->len, (u32)sizeof(out));
	KUNIT_EXPECT_EQ(test, memcmp(rs->data, out, sizeof(out)), 0);
	KUNIT_EXPECT_EQ(test, rl_test_stats(r->rl).ring_errors, 0ULL);
}

static void rl_core_config_test_buffer_region_one_buffer_short_is_refused(struct kunit *test)
{
	u8 *shm = rl_test_region(test, WIRE_REGION);
	struct rl_fake *r;

	r = rl_test_split_remote(test, shm,
				 WIRE_REGION - WIRE_BUFS0 - WIRE_BUF_SIZE,
				 false);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(r->rl), -EINVAL);
}

static void rl_core_config_test_master_with_remote_only_options_is_refused(struct kunit *test)
{
	u8 *shm = rl_test_region(test, WIRE_REGION);
	struct rpmsg_lite_link_desc desc = {
		.shm = shm,
		.shm_size = WIRE_REGION,
		.cfg = rl_test_wire_cfg(),
		.bufs = shm + WIRE_BUFS0,
		.bufs_size = WIRE_REGION - WIRE_BUFS0,
		.bufs_da = RL_TEST_SHM_DA + WIRE_BUFS0,
	};
	struct rl_fake *m;

	m = rl_fake_new_desc(test, true, &desc, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(m->rl), -EINVAL);
	desc.bufs = NULL;
	desc.cfg.short_descs = true;
	m = rl_fake_new_desc(test, true, &desc, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(m->rl), -EINVAL);
}

static struct kunit_case rl_core_config_cases[] = {
	KUNIT_CASE(rl_core_config_test_zero_config_takes_rpmsg_lite_defaults),
	KUNIT_CASE(rl_core_config_test_region_of_exact_size_is_accepted),
	KUNIT_CASE(rl_core_config_test_region_one_byte_short_is_refused),
	KUNIT_CASE(rl_core_config_test_count_not_power_of_two_is_refused),
	KUNIT_CASE(rl_core_config_test_count_above_1024_is_refused),
	KUNIT_CASE(rl_core_config_test_count_of_one_is_refused),
	KUNIT_CASE(rl_core_config_test_payload_above_maximum_is_refused),
	KUNIT_CASE(rl_core_config_test_vring_too_small_for_count_is_refused),
	KUNIT_CASE(rl_core_config_test_align_not_power_of_two_is_refused),
	KUNIT_CASE(rl_core_config_test_errno_maps_to_rpmsg_lite_status),
	KUNIT_CASE(rl_core_config_test_remote_with_separate_buffers_carries_both_ways),
	KUNIT_CASE(rl_core_config_test_short_descs_take_a_message_sized_descriptor),
	KUNIT_CASE(rl_core_config_test_buffer_region_one_buffer_short_is_refused),
	KUNIT_CASE(rl_core_config_test_master_with_remote_only_options_is_refused),
	{}
};

static struct kunit_suite rl_core_config_suite = {
	.name = "rl_core_config",
	.test_cases = rl_core_config_cases,
};

/* ===================== suite rl_core_config_rules ===================== */

/*
 * Every rule of Documentation/rpmsg-lite/core.rst ("Link configuration")
 * is stated once, in rpmsg_lite_config_check(); each case below breaks one
 * of them and takes the configuration down every path that can reach it:
 * the check itself (default names, and the property names of the device
 * tree binding as rl_platform.c passes them), rpmsg_lite_master_init(),
 * rpmsg_lite_remote_init() and a loopback pair.  rl_platform's cases take
 * the same rules through probe.
 */

/* The binding's names, as rl_platform.c hands them to the check. */
static const char *const rl_test_dt_names[RPMSG_LITE_CFG_FIELDS] = {
	[RPMSG_LITE_CFG_LINK_ID] = "nxp,link-id",
	[RPMSG_LITE_CFG_PAYLOAD_SIZE] = "nxp,payload-size",
	[RPMSG_LITE_CFG_BUFFER_COUNT] = "nxp,buffer-count",
	[RPMSG_LITE_CFG_VRING_ALIGN] = "nxp,vring-align",
	[RPMSG_LITE_CFG_VRING_SIZE] = "nxp,vring-size",
	[RPMSG_LITE_CFG_SHM_DA] = "nxp,shm-da",
	[RPMSG_LITE_CFG_SHM_SIZE] = "shared memory",
};

/**
 * struct rl_test_rule - one broken rule
 * @field: the field the check must name
 * @name: its name in struct rpmsg_lite_config
 * @cfg: the configuration that breaks the rule (else rpmsg-lite's
 *	 defaults at RL_TEST_SHM_DA)
 * @short_by: the region is this many bytes shorter than
 *	      rpmsg_lite_shm_size() says (the region rule only)
 */
struct rl_test_rule {
	enum rpmsg_lite_config_field field;
	const char *name;
	struct rpmsg_lite_config cfg;
	size_t short_by;
};

/* rpmsg_lite_init()'s errno for @cfg over a region of @size bytes. */
static int rl_test_init_err(struct kunit *test, bool master, size_t size,
			    const struct rpmsg_lite_config *cfg)
{
	void *shm = rl_test_region(test, size);
	struct rl_fake *f = rl_fake_new(test, master, shm, size, cfg);

	if (IS_ERR(f->rl))
		return PTR_ERR(f->rl);
	return f->rl ? 0 : -EFAULT;
}

/* Break @rule on every path; each must refuse with -EINVAL. */
static void rl_test_rule_refused(struct kunit *test,
				 const struct rl_test_rule *rule)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();
	struct rpmsg_lite_config_error err;
	struct rpmsg_lite_config c;
	struct rl_loopback_pair *p;
	size_t size;

	if (rule->cfg.link_id)
		cfg.link_id = rule->cfg.link_id;
	if (rule->cfg.payload_size)
		cfg.payload_size = rule->cfg.payload_size;
	if (rule->cfg.buffer_count)
		cfg.buffer_count = rule->cfg.buffer_count;
	if (rule->cfg.vring_align)
		cfg.vring_align = rule->cfg.vring_align;
	if (rule->cfg.vring_size)
		cfg.vring_size = rule->cfg.vring_size;
	if (rule->cfg.shm_da)
		cfg.shm_da = rule->cfg.shm_da;
	size = rpmsg_lite_shm_size(&cfg) - rule->short_by;

	c = cfg;
	KUNIT_ASSERT_EQ(test, rpmsg_lite_config_check(&c, size, NULL, &err),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, err.field, rule->field);
	KUNIT_EXPECT_STREQ(test, err.name, rule->name);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(err.msg, rule->name),
				  "\"%s\" does not name %s", err.msg,
				  rule->name);

	c = cfg;
	KUNIT_ASSERT_EQ(test, rpmsg_lite_config_check(&c, size,
						      rl_test_dt_names, &err),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, err.field, rule->field);
	KUNIT_EXPECT_STREQ(test, err.name, rl_test_dt_names[rule->field]);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(err.msg, err.name),
				  "\"%s\" does not name %s", err.msg, err.name);

	KUNIT_EXPECT_EQ(test, rl_test_init_err(test, true, size, &cfg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rl_test_init_err(test, false, size, &cfg),
			-EINVAL);

	/* a pair sizes its region itself: the region rule cannot fail there */
	if (rule->field == RPMSG_LITE_CFG_SHM_SIZE)
		return;
	p = rl_loopback_pair_create(&cfg);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(p), -EINVAL);
	if (!IS_ERR(p))
		rl_loopback_pair_destroy(p);
}

static void rl_core_config_rules_test_link_id_beyond_31_bits_is_refused(struct kunit *test)
{
	const struct rl_test_rule rule = {
		.field = RPMSG_LITE_CFG_LINK_ID, .name = "link_id",
		.cfg.link_id = 0x80000000,
	};

	rl_test_rule_refused(test, &rule);
}

static void rl_core_config_rules_test_payload_size_out_of_range_is_refused(struct kunit *test)
{
	struct rl_test_rule rule = {
		.field = RPMSG_LITE_CFG_PAYLOAD_SIZE, .name = "payload_size",
		.cfg.payload_size = 15,
	};

	rl_test_rule_refused(test, &rule);
	rule.cfg.payload_size = RL_MAX_PAYLOAD_SIZE + 1;
	rl_test_rule_refused(test, &rule);
}

static void rl_core_config_rules_test_count_off_the_powers_of_two_is_refused(struct kunit *test)
{
	struct rl_test_rule rule = {
		.field = RPMSG_LITE_CFG_BUFFER_COUNT, .name = "buffer_count",
		.cfg.buffer_count = 3,
	};

	rl_test_rule_refused(test, &rule);
	rule.cfg.buffer_count = 1;
	rl_test_rule_refused(test, &rule);
	rule.cfg.buffer_count = 2048;
	rule.cfg.vring_size = 0x10000;	/* the rings of 2048 would fit */
	rl_test_rule_refused(test, &rule);
}

static void rl_core_config_rules_test_align_off_the_powers_of_two_is_refused(struct kunit *test)
{
	struct rl_test_rule rule = {
		.field = RPMSG_LITE_CFG_VRING_ALIGN, .name = "vring_align",
		.cfg.vring_align = 0x1800,
	};

	rl_test_rule_refused(test, &rule);
	rule.cfg.vring_align = 2;
	rl_test_rule_refused(test, &rule);
	rule.cfg.vring_align = 0x20000;
	rule.cfg.vring_size = 0x40000;
	rl_test_rule_refused(test, &rule);
}

static void rl_core_config_rules_test_vring_size_short_of_the_rings_is_refused(struct kunit *test)
{
	/* 256 descriptors need 0x2806 bytes of rings with align 0x1000 */
	const struct rl_test_rule rule = {
		.field = RPMSG_LITE_CFG_VRING_SIZE, .name = "vring_size",
		.cfg.buffer_count = WIRE256_COUNT, .cfg.vring_size = 0x2000,
	};

	rl_test_rule_refused(test, &rule);
}

/*
 * Refused by a device-tree link only, until the rules were stated once:
 * vring 1 would start off the alignment the peer gives its used ring.
 */
static void rl_core_config_rules_test_vring_size_off_the_alignment_is_refused(struct kunit *test)
{
	const struct rl_test_rule rule = {
		.field = RPMSG_LITE_CFG_VRING_SIZE, .name = "vring_size",
		.cfg.vring_size = WIRE_VRING_SIZE + 0x800,
	};

	rl_test_rule_refused(test, &rule);
}

static void rl_core_config_rules_test_vring_size_off_8_bytes_is_refused(struct kunit *test)
{
	/* alignment 4: only the descriptors' 8 bytes catch 0x404 */
	const struct rl_test_rule rule = {
		.field = RPMSG_LITE_CFG_VRING_SIZE, .name = "vring_size",
		.cfg.vring_align = 4, .cfg.vring_size = 0x404,
	};

	rl_test_rule_refused(test, &rule);
}

/* The other rule only a device-tree link knew. */
static void rl_core_config_rules_test_shm_da_off_the_alignment_is_refused(struct kunit *test)
{
	const struct rl_test_rule rule = {
		.field = RPMSG_LITE_CFG_SHM_DA, .name = "shm_da",
		.cfg.shm_da = RL_TEST_SHM_DA + 0x800,
	};

	rl_test_rule_refused(test, &rule);
}

static void rl_core_config_rules_test_region_one_byte_short_is_refused(struct kunit *test)
{
	const struct rl_test_rule rule = {
		.field = RPMSG_LITE_CFG_SHM_SIZE, .name = "shm_size",
		.short_by = 1,
	};

	rl_test_rule_refused(test, &rule);
}

/* What the device-tree test greps for, from the check itself. */
static void rl_core_config_rules_test_messages_read_as_on_a_device_tree(struct kunit *test)
{
	/* scripts/guest/rl_dt_test.sh and device-tree.rst quote these */
	static const char *const want[] = {
		"nxp,shm-da 0x90000010 is not aligned to nxp,vring-align 0x1000",
		"nxp,buffer-count 3 is not a power of two (2..1024)",
		"shared memory of 0x10000 bytes is too small: needs 0x10800 = 2 x nxp,vring-size 0x8000 + 2 x nxp,buffer-count 2 x (nxp,payload-size 496 + 16)",
	};
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();
	struct rpmsg_lite_config_error err;

	cfg.shm_da = 0x90000010;
	KUNIT_ASSERT_EQ(test, rpmsg_lite_config_check(&cfg, WIRE_REGION,
						      rl_test_dt_names, &err),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(err.msg, want[0]));

	cfg = rl_test_wire_cfg();
	cfg.buffer_count = 3;
	KUNIT_ASSERT_EQ(test, rpmsg_lite_config_check(&cfg, WIRE_REGION,
						      rl_test_dt_names, &err),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(err.msg, want[1]));

	cfg = rl_test_wire_cfg();
	KUNIT_ASSERT_EQ(test, rpmsg_lite_config_check(&cfg, 0x10000,
						      rl_test_dt_names, &err),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(err.msg, want[2]));
}

static void rl_core_config_rules_test_defaults_filled_and_region_sized(struct kunit *test)
{
	struct rpmsg_lite_config cfg = {};
	struct rpmsg_lite_config_error err;

	KUNIT_EXPECT_EQ(test, rpmsg_lite_shm_size(&cfg), (u64)WIRE_REGION);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_config_check(&cfg, 0, NULL, &err), 0);
	KUNIT_EXPECT_EQ(test, cfg.payload_size, WIRE_PAYLOAD);
	KUNIT_EXPECT_EQ(test, cfg.buffer_count, WIRE_COUNT);
	KUNIT_EXPECT_EQ(test, cfg.vring_align, WIRE_ALIGN);
	KUNIT_EXPECT_EQ(test, cfg.vring_size, WIRE_VRING_SIZE);
	KUNIT_EXPECT_EQ(test, cfg.link_up_kick_ms, 100U);
	KUNIT_EXPECT_EQ(test, cfg.shm_da, 0ULL);
	/* exactly the region the layout needs is enough */
	KUNIT_EXPECT_EQ(test, rpmsg_lite_config_check(&cfg, WIRE_REGION, NULL,
						      &err), 0);
	cfg.buffer_count = WIRE256_COUNT;
	KUNIT_EXPECT_EQ(test, rpmsg_lite_shm_size(&cfg), (u64)WIRE256_REGION);
}

static struct kunit_case rl_core_config_rules_cases[] = {
	KUNIT_CASE(rl_core_config_rules_test_link_id_beyond_31_bits_is_refused),
	KUNIT_CASE(rl_core_config_rules_test_payload_size_out_of_range_is_refused),
	KUNIT_CASE(rl_core_config_rules_test_count_off_the_powers_of_two_is_refused),
	KUNIT_CASE(rl_core_config_rules_test_align_off_the_powers_of_two_is_refused),
	KUNIT_CASE(rl_core_config_rules_test_vring_size_short_of_the_rings_is_refused),
	KUNIT_CASE(rl_core_config_rules_test_vring_size_off_the_alignment_is_refused),
	KUNIT_CASE(rl_core_config_rules_test_vring_size_off_8_bytes_is_refused),
	KUNIT_CASE(rl_core_config_rules_test_shm_da_off_the_alignment_is_refused),
	KUNIT_CASE(rl_core_config_rules_test_region_one_byte_short_is_refused),
	KUNIT_CASE(rl_core_config_rules_test_messages_read_as_on_a_device_tree),
	KUNIT_CASE(rl_core_config_rules_test_defaults_filled_and_region_sized),
	{}
};

static struct kunit_suite rl_core_config_rules_suite = {
	.name = "rl_core_config_rules",
	.test_cases = rl_core_config_rules_cases,
};

/* ======================== suite rl_core_image ======================== */

static void rl_test_put_desc(void *ring, u32 i, u64 addr, u32 count)
{
	struct rl_vring_desc *d = (struct rl_vring_desc *)ring + i;

	d->addr = cpu_to_le64(addr);
	d->len = cpu_to_le32(WIRE_DESC_LEN);
	d->flags = cpu_to_le16(WIRE_DESC_FLAGS);
	d->next = cpu_to_le16(i + 1 < count ? i + 1 : WIRE_CHAIN_END);
}

/*
 * What rpmsg-lite's master leaves in a region of WIRE_REGION bytes of
 * RL_TEST_POISON for its default configuration, written from wire.rst
 * ("Worked layouts", "Master initialisation"): each vring's rings, from
 * its descriptors to the end of its used ring, zero but for the fields
 * the master sets; the rest of each vring's 0x8000 bytes and the buffers
 * as they were (no peer reads a buffer before it was written to it).
 */
static void rl_test_wire_image(u8 *img, u64 da)
{
	struct rl_vring_avail *avail;
	struct rl_vring_used *used;
	u32 i;

	memset(img, RL_TEST_POISON, WIRE_REGION);
	memset(img, 0, WIRE_RINGS);
	memset(img + WIRE_VRING1, 0, WIRE_RINGS);
	for (i = 0; i < WIRE_COUNT; i++) {
		rl_test_put_desc(img, i, da + WIRE_BUFS0 + i * WIRE_BUF_SIZE,
				 WIRE_COUNT);
		rl_test_put_desc(img + WIRE_VRING1, i,
				 da + WIRE_BUFS1 + i * WIRE_BUF_SIZE,
				 WIRE_COUNT);
	}
	/* vring 0: every buffer posted for the remote to fill */
	avail = (void *)(img + WIRE_AVAIL);
	avail->flags = cpu_to_le16(WIRE_AVAIL_FLAGS);
	avail->idx = cpu_to_le16(WIRE_COUNT);
	for (i = 0; i < WIRE_COUNT; i++)
		avail->ring[i] = cpu_to_le16(i);
	/* vring 1: nothing posted, every buffer pre-published as used */
	avail = (void *)(img + WIRE_VRING1 + WIRE_AVAIL);
	avail->flags = cpu_to_le16(WIRE_AVAIL_FLAGS);
	used = (void *)(img + WIRE_VRING1 + WIRE_USED);
	used->idx = cpu_to_le16(WIRE_COUNT);
	for (i = 0; i < WIRE_COUNT; i++) {
		used->ring[i].id = cpu_to_le32(i);
		used->ring[i].len = cpu_to_le32(WIRE_USED_LEN);
	}
}

/*
 * A master with rpmsg-lite's default configuration on its own region,
 * poisoned before the master's init.
 */
static u8 *rl_test_wire_master(struct kunit *test, struct rl_fake **fp)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();
	u8 *shm = rl_test_poisoned_region(test, WIRE_REGION);
	struct rl_fake *f = rl_fake_new(test, true, shm, WIRE_REGION, &cfg);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f->rl);
	if (fp)
		*fp = f;
	return shm;
}

static void rl_core_image_test_descriptors_point_at_buffers_as_rpmsg_lite(struct kunit *test)
{
	u8 *shm = rl_test_wire_master(test, NULL);
	struct rl_vring_desc *d0 = (void *)shm;
	struct rl_vring_desc *d1 = (void *)(shm + WIRE_VRING1);
	u32 i;

	for (i = 0; i < WIRE_COUNT; i++) {
		u16 next = i + 1 < WIRE_COUNT ? i + 1 : WIRE_CHAIN_END;

		KUNIT_EXPECT_EQ(test, le64_to_cpu(d0[i].addr),
				RL_TEST_SHM_DA + WIRE_BUFS0 + i * WIRE_BUF_SIZE);
		KUNIT_EXPECT_EQ(test, le64_to_cpu(d1[i].addr),
				RL_TEST_SHM_DA + WIRE_BUFS1 + i * WIRE_BUF_SIZE);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(d0[i].len), WIRE_DESC_LEN);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(d1[i].len), WIRE_DESC_LEN);
		KUNIT_EXPECT_EQ(test, le16_to_cpu(d0[i].flags), WIRE_DESC_FLAGS);
		KUNIT_EXPECT_EQ(test, le16_to_cpu(d1[i].flags), WIRE_DESC_FLAGS);
		KUNIT_EXPECT_EQ(test, le16_to_cpu(d0[i].next), next);
		KUNIT_EXPECT_EQ(test, le16_to_cpu(d1[i].next), next);
	}
}

static void rl_core_image_test_rx_buffers_are_posted_in_vring0_avail(struct kunit *test)
{
	u8 *shm = rl_test_wire_master(test, NULL);
	struct rl_vring_avail *a0 = (void *)(shm + WIRE_AVAIL);
	struct rl_vring_used *u0 = (void *)(shm + WIRE_USED);
	u32 i;

	KUNIT_EXPECT_EQ(test, le16_to_cpu(a0->flags), WIRE_AVAIL_FLAGS);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(a0->idx), WIRE_COUNT);
	for (i = 0; i < WIRE_COUNT; i++)
		KUNIT_EXPECT_EQ(test, le16_to_cpu(a0->ring[i]), i);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u0->idx), 0);
}

static void rl_core_image_test_tx_buffers_are_prepublished_in_vring1_used(struct kunit *test)
{
	u8 *shm = rl_test_wire_master(test, NULL);
	struct rl_vring_avail *a1 = (void *)(shm + WIRE_VRING1 + WIRE_AVAIL);
	struct rl_vring_used *u1 = (void *)(shm + WIRE_VRING1 + WIRE_USED);
	u32 i;

	KUNIT_EXPECT_EQ(test, le16_to_cpu(a1->flags), WIRE_AVAIL_FLAGS);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(a1->idx), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u1->idx), WIRE_COUNT);
	for (i = 0; i < WIRE_COUNT; i++) {
		KUNIT_EXPECT_EQ(test, le32_to_cpu(u1->ring[i].id), i);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(u1->ring[i].len),
				WIRE_USED_LEN);
	}
}

static void rl_core_image_test_region_holds_rpmsg_lite_rings_and_nothing_else(struct kunit *test)
{
	u8 *shm = rl_test_wire_master(test, NULL);
	u8 *img = kunit_kzalloc(test, WIRE_REGION, GFP_KERNEL);
	size_t i, bad = 0, first = 0;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, img);
	rl_test_wire_image(img, RL_TEST_SHM_DA);
	for (i = 0; i < WIRE_REGION; i++) {
		if (shm[i] != img[i] && !bad++)
			first = i;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0,
			    "first difference at +%#zx: %#04x, rpmsg-lite %#04x",
			    first, shm[first], img[first]);
}

static void rl_core_image_test_master_writes_nothing_past_the_region(struct kunit *test)
{
	u8 *shm = rl_test_wire_master(test, NULL);
	size_t i, bad = 0;

	for (i = 0; i < RL_TEST_GUARD; i++)
		bad += shm[WIRE_REGION + i] != RL_TEST_POISON;
	KUNIT_EXPECT_EQ(test, bad, 0);
}

static void rl_core_image_test_master_kicks_vq0_once_at_init(struct kunit *test)
{
	struct rl_fake *f;

	rl_test_wire_master(test, &f);
	KUNIT_EXPECT_TRUE(test, f->started);
	KUNIT_ASSERT_EQ(test, rl_fake_kicks(f), 1U);
	/* wire.rst, "Kicks": link 0, vring 0 is vq 0 */
	KUNIT_EXPECT_EQ(test, f->vq[0], 0U);
}

/*
 * RL_SEND_MORE publishes without a kick; the batch's last send, or
 * rpmsg_lite_kick_peer(), kicks once for all of it, and so does a sender
 * that finds no free buffer.  An unknown flag is refused and the buffer
 * stays the caller's.
 */
static void rl_core_image_test_send_more_kicks_once_per_batch(struct kunit *test)
{
	u8 *shm = rl_test_region(test, WIRE_REGION);
	struct rl_vring_avail *a1 = (void *)(shm + WIRE_VRING1 + WIRE_AVAIL);
	struct rpmsg_lite_endpoint *tx;
	void *buf[WIRE_COUNT];
	struct rl_fake *f, *r;
	u32 size;
	int i;

	/* a remote on the same rings, up, so that the master can send */
	f = rl_test_split_pair(test, shm, false, &r);
	tx = rl_test_tx_ept(test, f->rl);
	KUNIT_ASSERT_EQ(test, rl_fake_kicks(f), 1U);	/* the init kick */
	for (i = 0; i < WIRE_COUNT; i++) {
		buf[i] = rpmsg_lite_alloc_tx_buffer(f->rl, &size,
						    RL_TEST_SEND_MS);
		KUNIT_ASSERT_FALSE(test, IS_ERR(buf[i]));
	}
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send_nocopy_flags(f->rl, tx, 30,
							   buf[0], 4, BIT(1)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send_nocopy_flags(f->rl, tx, 30,
							   buf[0], 4,
							   RL_SEND_MORE), 0);
	/* published, the peer not told */
	KUNIT_EXPECT_EQ(test, le16_to_cpu(READ_ONCE(a1->idx)), 1);
	KUNIT_EXPECT_EQ(test, rl_fake_kicks(f), 1U);
	/* the last of the batch tells it, once */
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send_nocopy_flags(f->rl, tx, 30,
							   buf[1], 4, 0), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(READ_ONCE(a1->idx)), 2);
	KUNIT_ASSERT_EQ(test, rl_fake_kicks(f), 2U);
	KUNIT_EXPECT_EQ(test, f->vq[1], 1U);	/* link 0, vring 1 */

	/* the remote consumes both; then a batch ended by kick_peer() */
	rpmsg_lite_isr(r->rl, f->vq[1]);
	buf[0] = rpmsg_lite_alloc_tx_buffer(f->rl, &size, RL_TEST_SEND_MS);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf[0]));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send_nocopy_flags(f->rl, tx, 30,
							   buf[0], 4,
							   RL_SEND_MORE), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(READ_ONCE(a1->idx)), 3);
	KUNIT_EXPECT_EQ(test, rl_fake_kicks(f), 2U);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_kick_peer(f->rl), 0);
	KUNIT_EXPECT_EQ(test, rl_fake_kicks(f), 3U);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_kick_peer(NULL), -EINVAL);

	/* an open batch is told when a sender finds no free buffer */
	buf[1] = rpmsg_lite_alloc_tx_buffer(f->rl, &size, RL_DONT_BLOCK);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf[1]));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send_nocopy_flags(f->rl, tx, 30,
							   buf[1], 4,
							   RL_SEND_MORE), 0);
	KUNIT_EXPECT_EQ(test, rl_fake_kicks(f), 3U);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(f->rl, tx, 30, "x", 1,
					      RL_DONT_BLOCK), -ENOMEM);
	KUNIT_EXPECT_EQ(test, rl_fake_kicks(f), 4U);
	KUNIT_EXPECT_EQ(test, rl_test_stats(f->rl).tx_msgs, 4ULL);
}

static void rl_core_image_test_failed_init_kick_is_counted_as_kick_error(struct kunit *test)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();
	struct rpmsg_lite_link_stats st;
	struct rl_fake *f;
	u8 *shm;

	shm = rl_test_region(test, WIRE_REGION);
	f = __rl_fake_new(test, true, shm, WIRE_REGION, &cfg, -EIO);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f->rl);
	KUNIT_ASSERT_EQ(test, rl_fake_kicks(f), 1U);
	st = rl_test_stats(f->rl);
	KUNIT_EXPECT_EQ(test, st.kick_errors, 1ULL);
	KUNIT_EXPECT_EQ(test, st.kicks_out, 0ULL);
	/* the link is up anyway: the re-kicks will retry */
	KUNIT_EXPECT_TRUE(test, rpmsg_lite_is_link_up(f->rl));
}

static void rl_core_image_test_count_256_layout_matches_rpmsg_lite(struct kunit *test)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();
	struct rl_vring_avail *a0, *a1;
	struct rl_vring_used *u0, *u1;
	struct rl_vring_desc *d1;
	struct rl_fake *f;
	u8 *shm;

	cfg.buffer_count = WIRE256_COUNT;
	shm = rl_test_poisoned_region(test, WIRE256_REGION);
	f = rl_fake_new(test, true, shm, WIRE256_REGION, &cfg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f->rl);

	a0 = (void *)(shm + WIRE256_AVAIL);
	u0 = (void *)(shm + WIRE256_USED);
	a1 = (void *)(shm + WIRE_VRING1 + WIRE256_AVAIL);
	u1 = (void *)(shm + WIRE_VRING1 + WIRE256_USED);
	d1 = (void *)(shm + WIRE_VRING1);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(a0->idx), WIRE256_COUNT);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(a0->ring[WIRE256_COUNT - 1]),
			WIRE256_COUNT - 1);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u0->idx), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(a1->idx), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u1->idx), WIRE256_COUNT);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(u1->ring[WIRE256_COUNT - 1].id),
			WIRE256_COUNT - 1);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(((struct rl_vring_desc *)shm)->addr),
			RL_TEST_SHM_DA + WIRE256_BUFS0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d1[0].addr),
			RL_TEST_SHM_DA + WIRE256_BUFS1);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d1[WIRE256_COUNT - 1].addr),
			RL_TEST_SHM_DA + WIRE256_REGION - WIRE_BUF_SIZE);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(d1[WIRE256_COUNT - 1].next),
			WIRE_CHAIN_END);
}

static struct kunit_case rl_core_image_cases[] = {
	KUNIT_CASE(rl_core_image_test_descriptors_point_at_buffers_as_rpmsg_lite),
	KUNIT_CASE(rl_core_image_test_rx_buffers_are_posted_in_vring0_avail),
	KUNIT_CASE(rl_core_image_test_tx_buffers_are_prepublished_in_vring1_used),
	KUNIT_CASE(rl_core_image_test_region_holds_rpmsg_lite_rings_and_nothing_else),
	KUNIT_CASE(rl_core_image_test_master_writes_nothing_past_the_region),
	KUNIT_CASE(rl_core_image_test_master_kicks_vq0_once_at_init),
	KUNIT_CASE(rl_core_image_test_send_more_kicks_once_per_batch),
	KUNIT_CASE(rl_core_image_test_failed_init_kick_is_counted_as_kick_error),
	KUNIT_CASE(rl_core_image_test_count_256_layout_matches_rpmsg_lite),
	{}
};

static struct kunit_suite rl_core_image_suite = {
	.name = "rl_core_image",
	.test_cases = rl_core_image_cases,
};

/* ======================== suite rl_core_link ======================== */

/*
 * A master and a remote on recording transports over one region: no kick
 * reaches the other side unless the case delivers it.
 */
static u8 *rl_test_manual_pair(struct kunit *test, struct rl_fake **m,
			       struct rl_fake **r, u32 kick_ms)
{
	struct rpmsg_lite_config cfg = rl_test_wire_cfg();
	u8 *shm = rl_test_region(test, WIRE_REGION);

	if (kick_ms)
		cfg.link_up_kick_ms = kick_ms;
	*m = rl_fake_new(test, true, shm, WIRE_REGION, &cfg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, (*m)->rl);
	*r = rl_fake_new(test, false, shm, WIRE_REGION, &cfg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, (*r)->rl);
	return shm;
}

static void rl_core_link_test_pair_comes_up_on_both_sides(struct kunit *test)
{
	struct rl_test_link l;

	rl_test_pair(test, &l, NULL, true);
	KUNIT_EXPECT_TRUE(test, rpmsg_lite_is_link_up(l.m));
	KUNIT_EXPECT_TRUE(test, rpmsg_lite_is_link_up(l.r));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(l.r),
			RPMSG_LITE_LINK_UP);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_role(l.m), RPMSG_LITE_MASTER);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_role(l.r), RPMSG_LITE_REMOTE);
}

static void rl_core_link_test_remote_waits_until_first_kick(struct kunit *test)
{
	struct rl_fake *m, *r;

	rl_test_manual_pair(test, &m, &r, 0);
	KUNIT_EXPECT_FALSE(test, rpmsg_lite_is_link_up(r->rl));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(r->rl),
			RPMSG_LITE_LINK_WAITING);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(r->rl, 20),
			-ETIMEDOUT);
}

static void rl_core_link_test_remote_is_up_once_master_kick_reaches_vq0(struct kunit *test)
{
	struct rl_fake *m, *r;

	rl_test_manual_pair(test, &m, &r, 0);
	KUNIT_ASSERT_EQ(test, rl_fake_kicks(m), 1U);
	rpmsg_lite_isr(r->rl, m->vq[0]);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(r->rl,
							  RL_TEST_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(r->rl),
			RPMSG_LITE_LINK_UP);
}

static void rl_core_link_test_send_before_link_up_fails_with_enotconn(struct kunit *test)
{
	struct rpmsg_lite_endpoint *ept;
	struct rl_vring_used *u0;
	struct rl_fake *m, *r;
	u8 byte = 0x5a;
	u8 *shm;

	shm = rl_test_manual_pair(test, &m, &r, 0);
	u0 = (void *)(shm + WIRE_USED);
	ept = rpmsg_lite_create_ept(r->rl, RL_ADDR_ANY, rl_test_drop_cb, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ept);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(r->rl, ept, 1024, &byte, 1,
					      RL_DONT_BLOCK), -ENOTCONN);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(r->rl, ept, 1024, &byte, 1, 20),
			-ENOTCONN);
	KUNIT_EXPECT_EQ(test, rl_test_stats(r->rl).tx_msgs, 0ULL);
	/* nothing was published on the remote's transmit ring */
	KUNIT_EXPECT_EQ(test, le16_to_cpu(READ_ONCE(u0->idx)), 0);
	rpmsg_lite_destroy_ept(r->rl, ept);
}

static void rl_core_link_test_master_rekicks_while_remote_is_silent(struct kunit *test)
{
	struct rl_fake *m, *r;
	unsigned int i, n;

	rl_test_manual_pair(test, &m, &r, 5);
	KUNIT_ASSERT_TRUE(test, rl_fake_wait(m, 3));
	n = min_t(unsigned int, rl_fake_kicks(m), RL_FAKE_MAX_KICKS);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, m->vq[i], 0U);	/* link 0, vring 0 */
	KUNIT_EXPECT_GE(test, rl_test_stats(m->rl).link_up_rekicks, 2ULL);
}

static void rl_core_link_test_lost_first_kick_is_recovered_by_rekick(struct kunit *test)
{
	struct rl_fake *m, *r;

	/* the init kick of the master is never delivered */
	rl_test_manual_pair(test, &m, &r, 5);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_get_link_state(r->rl),
			RPMSG_LITE_LINK_WAITING);
	KUNIT_ASSERT_TRUE(test, rl_fake_wait(m, 2));
	/* deliver the re-kick only */
	rpmsg_lite_isr(r->rl, m->vq[1]);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(r->rl,
							  RL_TEST_WAIT_MS), 0);
	KUNIT_EXPECT_GE(test, rl_test_stats(m->rl).link_up_rekicks, 1ULL);
}

/**
 * struct rl_test_events - link notifier that counts events
 * @nb: registered notifier
 * @added: LINK_ADDED events
 * @up: LINK_UP events
 * @removed: LINK_REMOVED events
 */
struct rl_test_events {
	struct notifier_block nb;
	atomic_t added;
	atomic_t up;
	atomic_t removed;
};

static int rl_test_event_cb(struct notifier_block *nb, unsigned long ev,
			    void *data)
{
	struct rl_test_events *e = container_of(nb, struct rl_test_events, nb);

	if (ev == RPMSG_LITE_EVENT_LINK_ADDED)
		atomic_inc(&e->added);
	else if (ev == RPMSG_LITE_EVENT_LINK_UP)
		atomic_inc(&e->up);
	else if (ev == RPMSG_LITE_EVENT_LINK_REMOVED)
		atomic_inc(&e->removed);
	return NOTIFY_OK;
}

static void rl_test_unregister_notifier(void *arg)
{
	rpmsg_lite_unregister_notifier(arg);
}

static void rl_core_link_test_twenty_deinit_reinit_cycles_release_every_link(struct kunit *test)
{
	struct rpmsg_lite_config cfg = {};
	struct rl_test_events *e;
	unsigned int i;
	u32 byte;

	e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, e);
	e->nb.notifier_call = rl_test_event_cb;
	KUNIT_ASSERT_EQ(test, rpmsg_lite_register_notifier(&e->nb), 0);
	rl_test_defer(test, rl_test_unregister_notifier, &e->nb);

	for (i = 0; i < 20; i++) {
		struct rpmsg_lite_endpoint *tx;
		struct rl_loopback_pair *p;
		struct rpmsg_lite_instance *m, *r;
		struct rl_sink *s;
		int ret;

		p = rl_loopback_pair_create(&cfg);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
		m = rl_loopback_master(p);
		r = rl_loopback_remote(p);
		ret = rpmsg_lite_wait_for_link_up(r, RL_TEST_WAIT_MS);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "cycle %u", i);

		/* the sink is destroyed below, before the pair */
		s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
		s->data = (u8 *)&byte;
		s->data_size = sizeof(byte);
		s->rl = r;
		spin_lock_init(&s->lock);
		init_waitqueue_head(&s->wq);
		s->ept = rpmsg_lite_create_ept(r, RL_ADDR_ANY, rl_sink_cb, s);
		tx = rpmsg_lite_create_ept(m, RL_ADDR_ANY, rl_test_drop_cb,
					   NULL);
		if (!IS_ERR_OR_NULL(s->ept) && !IS_ERR_OR_NULL(tx) && !ret) {
			byte = 0;
			ret = rpmsg_lite_send(m, tx, rl_sink_addr(s), &i,
					      sizeof(i), RL_TEST_SEND_MS);
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "cycle %u", i);
			KUNIT_EXPECT_TRUE_MSG(test, rl_sink_wait(s, 1),
					      "cycle %u", i);
			KUNIT_EXPECT_EQ(test, byte, i);
		} else {
			KUNIT_FAIL(test, "cycle %u: no endpoints", i);
		}
		if (!IS_ERR_OR_NULL(tx))
			rpmsg_lite_destroy_ept(m, tx);
		if (!IS_ERR_OR_NULL(s->ept))
			rpmsg_lite_destroy_ept(r, s->ept);
		rl_loopback_pair_destroy(p);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&e->added), 40);
	KUNIT_EXPECT_EQ(test, atomic_read(&e->removed), 40);
	KUNIT_EXPECT_GE(test, atomic_read(&e->up), 20);
}

static struct kunit_case rl_core_link_cases[] = {
	KUNIT_CASE(rl_core_link_test_pair_comes_up_on_both_sides),
	KUNIT_CASE(rl_core_link_test_remote_waits_until_first_kick),
	KUNIT_CASE(rl_core_link_test_remote_is_up_once_master_kick_reaches_vq0),
	KUNIT_CASE(rl_core_link_test_send_before_link_up_fails_with_enotconn),
	KUNIT_CASE(rl_core_link_test_master_rekicks_while_remote_is_silent),
	KUNIT_CASE(rl_core_link_test_lost_first_kick_is_recovered_by_rekick),
	KUNIT_CASE(rl_core_link_test_twenty_deinit_reinit_cycles_release_every_link),
	{}
};

static struct kunit_suite rl_core_link_suite = {
	.name = "rl_core_link",
	.test_cases = rl_core_link_cases,
};

/* ======================== suite rl_core_send ======================== */

/*
 * Send one message of @size bytes from the master (@from_master) or the
 * remote to the other side over a pair with @cfg, and check what arrives.
 */
static void rl_test_transfer(struct kunit *test,
			     const struct rpmsg_lite_config *cfg,
			     bool from_master, u32 size)
{
	struct rpmsg_lite_instance *tx_rl, *rx_rl;
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	struct rl_sink *s;
	u8 *msg;

	rl_test_pair(test, &l, cfg, true);
	tx_rl = from_master ? l.m : l.r;
	rx_rl = from_master ? l.r : l.m;
	if (!size)
		size = rpmsg_lite_get_payload_size(tx_rl);
	KUNIT_ASSERT_GE(test, rpmsg_lite_get_payload_size(tx_rl), size);
	s = rl_sink_new(test, rx_rl, RL_ADDR_ANY, RL_RELEASE);
	tx = rl_test_tx_ept(test, tx_rl);
	msg = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	rl_test_fill(msg, size, size);

	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(tx_rl, tx, rl_sink_addr(s), msg,
					      size, RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, 1));
	KUNIT_EXPECT_EQ(test, s->count, 1U);
	KUNIT_EXPECT_EQ(test, s->len, size);
	KUNIT_EXPECT_EQ(test, s->src, rpmsg_lite_ept_addr(tx));
	KUNIT_EXPECT_EQ(test, memcmp(s->data, msg, size), 0);
}

static const struct rpmsg_lite_config rl_test_big_cfg = {
	.payload_size = RL_TEST_BIG_PAYLOAD,
	.buffer_count = RL_TEST_BIG_COUNT,
};

static void rl_core_send_test_master_to_remote_1_byte_arrives_intact(struct kunit *test)
{
	rl_test_transfer(test, NULL, true, 1);
}

static void rl_core_send_test_master_to_remote_16_bytes_arrive_intact(struct kunit *test)
{
	rl_test_transfer(test, NULL, true, 16);
}

static void rl_core_send_test_master_to_remote_496_bytes_arrive_intact(struct kunit *test)
{
	rl_test_transfer(test, NULL, true, WIRE_PAYLOAD);
}

static void rl_core_send_test_remote_to_master_1_byte_arrives_intact(struct kunit *test)
{
	rl_test_transfer(test, NULL, false, 1);
}

static void rl_core_send_test_remote_to_master_16_bytes_arrive_intact(struct kunit *test)
{
	rl_test_transfer(test, NULL, false, 16);
}

static void rl_core_send_test_remote_to_master_496_bytes_arrive_intact(struct kunit *test)
{
	rl_test_transfer(test, NULL, false, WIRE_PAYLOAD);
}

static void rl_core_send_test_master_to_remote_4080_bytes_arrive_intact(struct kunit *test)
{
	rl_test_transfer(test, &rl_test_big_cfg, true, RL_TEST_BIG_PAYLOAD);
}

static void rl_core_send_test_remote_to_master_4080_bytes_arrive_intact(struct kunit *test)
{
	rl_test_transfer(test, &rl_test_big_cfg, false, RL_TEST_BIG_PAYLOAD);
}

/* Messages sent back to back: many more than there are buffers. */
#define RL_TEST_ORDER_MSGS	200

static void rl_test_order(struct kunit *test, bool from_master)
{
	struct rpmsg_lite_instance *tx_rl, *rx_rl;
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	struct rl_sink *s;
	u32 seq[2];
	int ret;

	rl_test_pair(test, &l, NULL, true);
	tx_rl = from_master ? l.m : l.r;
	rx_rl = from_master ? l.r : l.m;
	KUNIT_ASSERT_LT(test, l.cfg.buffer_count, RL_TEST_ORDER_MSGS);
	s = rl_sink_new(test, rx_rl, RL_ADDR_ANY, RL_RELEASE);
	s->check_seq = true;
	tx = rl_test_tx_ept(test, tx_rl);

	for (seq[0] = 0; seq[0] < RL_TEST_ORDER_MSGS; seq[0]++) {
		seq[1] = ~seq[0];
		ret = rpmsg_lite_send(tx_rl, tx, rl_sink_addr(s), seq,
				      sizeof(seq), RL_TEST_SEND_MS);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "message %u", seq[0]);
	}
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, RL_TEST_ORDER_MSGS));
	KUNIT_EXPECT_EQ(test, s->count, RL_TEST_ORDER_MSGS);
	KUNIT_EXPECT_EQ(test, s->out_of_order, 0U);
	KUNIT_EXPECT_EQ(test, s->next_seq, RL_TEST_ORDER_MSGS);
}

static void rl_core_send_test_master_to_remote_order_is_preserved(struct kunit *test)
{
	rl_test_order(test, true);
}

static void rl_core_send_test_remote_to_master_order_is_preserved(struct kunit *test)
{
	rl_test_order(test, false);
}

/* Messages each of the two senders of the two-CPU case sends. */
#define RL_TEST_CPU_MSGS	1000

/**
 * struct rl_test_overlap - receiving side of the two-CPU case
 * @in_cb: callbacks running now
 * @overlaps: callbacks that found another one running
 * @order_errors: messages out of their sender's order
 * @next: next sequence number expected from each sender
 * @got: messages received
 * @cpus: CPUs the callbacks ran on (the first BITS_PER_LONG)
 * @wq: woken per message
 */
struct rl_test_overlap {
	atomic_t in_cb;
	atomic_t overlaps;
	atomic_t order_errors;
	u32 next[2];
	atomic_t got;
	unsigned long cpus;
	wait_queue_head_t wq;
};

static int rl_test_overlap_cb(void *payload, u32 len, u32 src, void *priv)
{
	struct rl_test_overlap *o = priv;
	u32 seq[2];

	if (atomic_inc_return(&o->in_cb) != 1)
		atomic_inc(&o->overlaps);
	memcpy(seq, payload, min_t(u32, len, sizeof(seq)));
	if (len != sizeof(seq) || seq[0] > 1 || seq[1] != o->next[seq[0]])
		atomic_inc(&o->order_errors);
	else
		o->next[seq[0]]++;
	if (raw_smp_processor_id() < BITS_PER_LONG)
		set_bit(raw_smp_processor_id(), &o->cpus);
	udelay(5);		/* room for a second callback to start */
	atomic_dec(&o->in_cb);
	atomic_inc(&o->got);
	wake_up(&o->wq);
	return RL_RELEASE;
}

/**
 * struct rl_test_cpu_sender - a sending thread bound to one CPU
 * @rl: link
 * @ept: its endpoint
 * @dst: destination
 * @id: 0 or 1, first word of each message
 * @ret: first failed send, or 0
 * @done: all sent (or failed)
 */
struct rl_test_cpu_sender {
	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_endpoint *ept;
	u32 dst;
	u32 id;
	int ret;
	struct completion done;
};

static int rl_test_cpu_send_fn(void *arg)
{
	struct rl_test_cpu_sender *s = arg;
	u32 seq[2] = { s->id, 0 };

	for (; seq[1] < RL_TEST_CPU_MSGS && !s->ret; seq[1]++)
		s->ret = rpmsg_lite_send(s->rl, s->ept, s->dst, seq,
					 sizeof(seq), RL_TEST_SEND_MS);
	complete(&s->done);
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

/*
 * Two senders on two CPUs kick the remote from both (the loopback's
 * doorbell rings on the sender's CPU), so its receive work is queued and
 * runs on both: the callbacks of the link still never overlap, and each
 * sender's messages arrive once and in order.
 */
static void rl_core_send_test_kicks_from_two_cpus_never_overlap_callbacks(struct kunit *test)
{
	struct rl_test_cpu_sender snd[2] = {};
	struct task_struct *task[2] = {};
	struct rpmsg_lite_endpoint *rx;
	struct rl_test_overlap *o;
	struct rl_test_link l;
	int i, cpu = -1;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	rl_test_pair(test, &l, NULL, true);
	o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, o);
	init_waitqueue_head(&o->wq);
	rx = rl_test_ept(test, l.r, RL_ADDR_ANY, rl_test_overlap_cb, o);

	for (i = 0; i < 2; i++) {
		snd[i] = (struct rl_test_cpu_sender) {
			.rl = l.m, .dst = rpmsg_lite_ept_addr(rx), .id = i,
			.ept = rl_test_tx_ept(test, l.m),
		};
		init_completion(&snd[i].done);
		cpu = cpumask_next(cpu, cpu_online_mask);
		task[i] = kthread_create(rl_test_cpu_send_fn, &snd[i],
					 "rl_test_cpu%d", cpu);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task[i]));
		kthread_bind(task[i], cpu);
		get_task_struct(task[i]);
	}
	for (i = 0; i < 2; i++)
		wake_up_process(task[i]);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&snd[i].done,
								  rl_test_jiffies(60000)),
				0);
		kthread_stop(task[i]);
		put_task_struct(task[i]);
		KUNIT_EXPECT_EQ(test, snd[i].ret, 0);
	}
	wait_event_timeout(o->wq, atomic_read(&o->got) >= 2 * RL_TEST_CPU_MSGS,
			   RL_TEST_WAIT_JIFFIES);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->got), 2 * RL_TEST_CPU_MSGS);
	/* the receive work did run on both CPUs */
	KUNIT_EXPECT_GE(test, hweight_long(o->cpus), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->overlaps), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->order_errors), 0);
	KUNIT_EXPECT_EQ(test, o->next[0], RL_TEST_CPU_MSGS);
	KUNIT_EXPECT_EQ(test, o->next[1], RL_TEST_CPU_MSGS);
}

/*
 * A send one byte over the payload size fails and publishes nothing: the
 * producer index of the sender's ring stays put and the next message is
 * the first one the peer sees.
 */
static void rl_test_oversized(struct kunit *test, bool from_master)
{
	struct rpmsg_lite_instance *tx_rl, *rx_rl;
	struct rpmsg_lite_link_stats before;
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	u32 payload, free_tx;
	struct rl_sink *s;
	__le16 *prod;
	u16 idx;
	u8 *msg;

	rl_test_pair(test, &l, NULL, true);
	tx_rl = from_master ? l.m : l.r;
	rx_rl = from_master ? l.r : l.m;
	s = rl_sink_new(test, rx_rl, RL_ADDR_ANY, RL_RELEASE);
	tx = rl_test_tx_ept(test, tx_rl);
	payload = rpmsg_lite_get_payload_size(tx_rl);
	msg = kunit_kzalloc(test, payload + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);

	/* master: avail of vring 1; remote: used of vring 0 */
	prod = from_master ? rl_test_avail_idx(l.shm, &l.cfg, 1) :
			     rl_test_used_idx(l.shm, &l.cfg, 0);
	idx = le16_to_cpu(READ_ONCE(*prod));
	before = rl_test_stats(tx_rl);
	free_tx = rpmsg_lite_get_free_tx_buffers(tx_rl);

	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(tx_rl, tx, rl_sink_addr(s), msg,
					      payload + 1, RL_DONT_BLOCK),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(tx_rl, tx, rl_sink_addr(s), msg,
					      payload + 1, RL_TEST_SEND_MS),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(READ_ONCE(*prod)), idx);
	KUNIT_EXPECT_EQ(test, rl_test_stats(tx_rl).tx_msgs, before.tx_msgs);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_free_tx_buffers(tx_rl), free_tx);

	msg[0] = 0x42;
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(tx_rl, tx, rl_sink_addr(s), msg,
					      1, RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, 1));
	KUNIT_EXPECT_EQ(test, s->count, 1U);
	KUNIT_EXPECT_EQ(test, s->len, 1U);
}

static void rl_core_send_test_master_oversized_send_fails_with_emsgsize(struct kunit *test)
{
	rl_test_oversized(test, true);
}

static void rl_core_send_test_remote_oversized_send_fails_with_emsgsize(struct kunit *test)
{
	rl_test_oversized(test, false);
}

/*
 * Pair with rpmsg-lite's defaults whose remote holds every buffer the
 * master sends: afterwards the master has no free transmit buffer.
 */
static struct rl_sink *rl_test_exhaust(struct kunit *test,
				       struct rl_test_link *l,
				       struct rpmsg_lite_endpoint **txp)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_sink *s;
	u32 i;

	rl_test_pair(test, l, NULL, true);
	s = rl_sink_new(test, l->r, RL_ADDR_ANY, RL_HOLD);
	tx = rl_test_tx_ept(test, l->m);
	KUNIT_ASSERT_LE(test, l->cfg.buffer_count, RL_SINK_MAX_HELD);
	for (i = 0; i < l->cfg.buffer_count; i++)
		KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l->m, tx, rl_sink_addr(s),
						      &i, sizeof(i),
						      RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, l->cfg.buffer_count));
	KUNIT_ASSERT_EQ(test, rpmsg_lite_get_free_tx_buffers(l->m), 0U);
	*txp = tx;
	return s;
}

static void rl_core_send_test_send_without_free_buffer_fails_at_once_with_enomem(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	struct rl_sink *s;
	u64 tx_msgs;
	u32 v = 7;

	s = rl_test_exhaust(test, &l, &tx);
	tx_msgs = rl_test_stats(l.m).tx_msgs;
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(l.m, tx, rl_sink_addr(s), &v,
					      sizeof(v), RL_DONT_BLOCK),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, rl_test_stats(l.m).tx_msgs, tx_msgs);
}

static void rl_core_send_test_send_without_free_buffer_times_out_with_etimedout(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	struct rl_sink *s;
	u64 timeouts;
	u32 v = 7;

	s = rl_test_exhaust(test, &l, &tx);
	timeouts = rl_test_stats(l.m).tx_timeouts;
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(l.m, tx, rl_sink_addr(s), &v,
					      sizeof(v), 30), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, rl_test_stats(l.m).tx_timeouts, timeouts + 1);
}

/**
 * struct rl_test_sender - a send made from a kthread
 * @rl: link
 * @ept: source endpoint
 * @dst: destination address
 * @val: the 4-byte message
 * @timeout_ms: timeout of the send
 * @ret: what rpmsg_lite_send() returned
 * @started: completed just before the send
 * @done: completed when the kthread is finished
 * @joined: the case has already waited for @done
 */
struct rl_test_sender {
	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_endpoint *ept;
	u32 dst;
	u32 val;
	unsigned long timeout_ms;
	int ret;
	struct completion started;
	struct completion done;
	bool joined;
};

static int rl_test_sender_fn(void *arg)
{
	struct rl_test_sender *snd = arg;

	complete(&snd->started);
	snd->ret = rpmsg_lite_send(snd->rl, snd->ept, snd->dst, &snd->val,
				   sizeof(snd->val), snd->timeout_ms);
	kthread_complete_and_exit(&snd->done, 0);
}

static bool rl_test_wait_done(struct completion *c)
{
	return wait_for_completion_timeout(c, RL_TEST_WAIT_JIFFIES) > 0;
}

static void rl_test_sender_wait(void *arg)
{
	struct rl_test_sender *snd = arg;

	/* a completion counts: wait only if the case did not */
	if (!snd->joined)
		wait_for_completion(&snd->done);
}

static void rl_core_send_test_waiting_send_succeeds_once_a_buffer_is_released(struct kunit *test)
{
	struct rl_test_sender *snd;
	struct rpmsg_lite_endpoint *tx;
	struct task_struct *task;
	struct rl_test_link l;
	struct rl_sink *s;

	s = rl_test_exhaust(test, &l, &tx);
	snd = kunit_kzalloc(test, sizeof(*snd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, snd);
	snd->rl = l.m;
	snd->ept = tx;
	snd->dst = rl_sink_addr(s);
	snd->val = 0xc0ffee;
	snd->timeout_ms = RL_TEST_WAIT_MS;
	init_completion(&snd->started);
	init_completion(&snd->done);
	task = kthread_run(rl_test_sender_fn, snd, "rl_test_sender");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	rl_test_defer(test, rl_test_sender_wait, snd);

	KUNIT_ASSERT_TRUE(test, rl_test_wait_done(&snd->started));
	/* the sender waits for a buffer, and goes on waiting */
	KUNIT_ASSERT_TRUE(test, rl_test_wait_for(READ_ONCE(l.m->sched.nwaiters) ||
						 completion_done(&snd->done),
						 5000));
	KUNIT_EXPECT_FALSE(test, completion_done(&snd->done));
	KUNIT_ASSERT_EQ(test, rl_sink_release(s, 0), 0);

	KUNIT_ASSERT_TRUE(test, rl_test_wait_done(&snd->done));
	snd->joined = true;
	KUNIT_EXPECT_EQ(test, snd->ret, 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, l.cfg.buffer_count + 1));
	KUNIT_EXPECT_EQ(test, *(u32 *)s->data, snd->val);
}

static void rl_core_send_test_stats_count_messages_and_kicks(struct kunit *test)
{
	struct rpmsg_lite_link_stats m0, r0, m1, r1;
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	struct rl_sink *s;
	u64 k0, k1;
	u32 i;

	rl_test_pair(test, &l, NULL, true);
	s = rl_sink_new(test, l.r, RL_ADDR_ANY, RL_RELEASE);
	tx = rl_test_tx_ept(test, l.m);
	m0 = rl_test_stats(l.m);
	r0 = rl_test_stats(l.r);
	k0 = rl_loopback_kick_count(l.pair, true);

	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.m, tx, rl_sink_addr(s),
						      &i, sizeof(i),
						      RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, 5));
	KUNIT_ASSERT_TRUE(test, rl_test_wait_stat(l.r, RL_STAT(rx_msgs),
						  r0.rx_msgs + 5));
	m1 = rl_test_stats(l.m);
	r1 = rl_test_stats(l.r);
	k1 = rl_loopback_kick_count(l.pair, true);

	KUNIT_EXPECT_EQ(test, m1.tx_msgs - m0.tx_msgs, 5ULL);
	KUNIT_EXPECT_EQ(test, r1.rx_msgs - r0.rx_msgs, 5ULL);
	KUNIT_EXPECT_EQ(test, r1.tx_msgs, r0.tx_msgs);
	KUNIT_EXPECT_EQ(test, m1.rx_msgs, m0.rx_msgs);
	KUNIT_EXPECT_GE(test, m1.kicks_out - m0.kicks_out, 1ULL);
	KUNIT_EXPECT_GE(test, r1.kicks_in - r0.kicks_in, 1ULL);
	KUNIT_EXPECT_GE(test, k1 - k0, 1ULL);
	KUNIT_EXPECT_EQ(test, m1.kick_errors, m0.kick_errors);
}

static void rl_core_send_test_message_behind_a_lost_kick_arrives_with_the_next(struct kunit *test)
{
	struct rl_loopback_stats lb;
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	struct rl_sink *s;
	u32 seq;

	rl_test_pair(test, &l, NULL, true);
	s = rl_sink_new(test, l.m, RL_ADDR_ANY, RL_RELEASE);
	s->check_seq = true;
	tx = rl_test_tx_ept(test, l.r);
	/* the controller fails the kick of the first message */
	rl_loopback_fail_sends(l.pair, false, 1);
	for (seq = 0; seq < 2; seq++)
		KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, tx, rl_sink_addr(s),
						      &seq, sizeof(seq),
						      RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, 2));
	KUNIT_EXPECT_EQ(test, s->out_of_order, 0U);
	rl_loopback_get_stats(l.pair, false, &lb);
	KUNIT_EXPECT_EQ(test, lb.sends_failed, 1ULL);
}

static struct kunit_case rl_core_send_cases[] = {
	KUNIT_CASE(rl_core_send_test_master_to_remote_1_byte_arrives_intact),
	KUNIT_CASE(rl_core_send_test_master_to_remote_16_bytes_arrive_intact),
	KUNIT_CASE(rl_core_send_test_master_to_remote_496_bytes_arrive_intact),
	KUNIT_CASE(rl_core_send_test_remote_to_master_1_byte_arrives_intact),
	KUNIT_CASE(rl_core_send_test_remote_to_master_16_bytes_arrive_intact),
	KUNIT_CASE(rl_core_send_test_remote_to_master_496_bytes_arrive_intact),
	KUNIT_CASE(rl_core_send_test_master_to_remote_4080_bytes_arrive_intact),
	KUNIT_CASE(rl_core_send_test_remote_to_master_4080_bytes_arrive_intact),
	KUNIT_CASE(rl_core_send_test_master_to_remote_order_is_preserved),
	KUNIT_CASE(rl_core_send_test_remote_to_master_order_is_preserved),
	KUNIT_CASE(rl_core_send_test_kicks_from_two_cpus_never_overlap_callbacks),
	KUNIT_CASE(rl_core_send_test_master_oversized_send_fails_with_emsgsize),
	KUNIT_CASE(rl_core_send_test_remote_oversized_send_fails_with_emsgsize),
	KUNIT_CASE(rl_core_send_test_send_without_free_buffer_fails_at_once_with_enomem),
	KUNIT_CASE(rl_core_send_test_send_without_free_buffer_times_out_with_etimedout),
	KUNIT_CASE(rl_core_send_test_waiting_send_succeeds_once_a_buffer_is_released),
	KUNIT_CASE(rl_core_send_test_stats_count_messages_and_kicks),
	KUNIT_CASE(rl_core_send_test_message_behind_a_lost_kick_arrives_with_the_next),
	{}
};

static struct kunit_suite rl_core_send_suite = {
	.name = "rl_core_send",
	.test_cases = rl_core_send_cases,
};

/* ======================== suite rl_core_ept ======================== */

static void rl_core_ept_test_any_address_allocation_starts_at_1024(struct kunit *test)
{
	struct rpmsg_lite_endpoint *em, *er;
	struct rl_test_link l;

	rl_test_pair(test, &l, NULL, false);
	em = rl_test_tx_ept(test, l.m);
	er = rl_test_tx_ept(test, l.r);
	/* wire.rst, "Addresses": from 1024 up, as in OpenAMP and Linux */
	KUNIT_EXPECT_EQ(test, rpmsg_lite_ept_addr(em), 1024U);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_ept_addr(er), 1024U);
}

static void rl_core_ept_test_any_addresses_are_distinct_and_dynamic(struct kunit *test)
{
	struct rpmsg_lite_endpoint *a, *b;
	struct rl_test_link l;

	rl_test_pair(test, &l, NULL, false);
	a = rl_test_tx_ept(test, l.m);
	b = rl_test_tx_ept(test, l.m);
	KUNIT_EXPECT_NE(test, rpmsg_lite_ept_addr(a), rpmsg_lite_ept_addr(b));
	KUNIT_EXPECT_GE(test, rpmsg_lite_ept_addr(b), 1024U);
	KUNIT_EXPECT_NE(test, rpmsg_lite_ept_addr(b), 0xffffffffU);
}

static void rl_core_ept_test_fixed_address_is_kept(struct kunit *test)
{
	struct rpmsg_lite_endpoint *e;
	struct rl_test_link l;

	rl_test_pair(test, &l, NULL, false);
	e = rl_test_ept(test, l.m, 30, rl_test_drop_cb, NULL);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_ept_addr(e), 30U);
}

static void rl_core_ept_test_fixed_address_in_use_fails_with_eaddrinuse(struct kunit *test)
{
	struct rpmsg_lite_endpoint *e;
	struct rl_test_link l;

	rl_test_pair(test, &l, NULL, false);
	rl_test_ept(test, l.m, 2000, rl_test_drop_cb, NULL);
	e = rpmsg_lite_create_ept(l.m, 2000, rl_test_drop_cb, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(e), -EADDRINUSE);
	if (!IS_ERR_OR_NULL(e))
		rpmsg_lite_destroy_ept(l.m, e);
}

static void rl_core_ept_test_name_service_address_53_is_refused(struct kunit *test)
{
	struct rpmsg_lite_endpoint *e;
	struct rl_test_link l;

	rl_test_pair(test, &l, NULL, false);
	/* wire.rst, "Addresses": the name service's fixed address */
	e = rpmsg_lite_create_ept(l.m, 53, rl_test_drop_cb, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(e), -EADDRINUSE);
	if (!IS_ERR_OR_NULL(e))
		rpmsg_lite_destroy_ept(l.m, e);
}

static void rl_core_ept_test_destroyed_address_can_be_taken_again(struct kunit *test)
{
	struct rpmsg_lite_endpoint *e;
	struct rl_test_link l;

	rl_test_pair(test, &l, NULL, false);
	e = rpmsg_lite_create_ept(l.m, 2000, rl_test_drop_cb, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, e);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_destroy_ept(l.m, e), 0);
	e = rl_test_ept(test, l.m, 2000, rl_test_drop_cb, NULL);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_ept_addr(e), 2000U);
}

#define RL_TEST_EPTS		256

/**
 * struct rl_test_demux - one of many endpoints on one link
 * @addr: its address
 * @count: messages it received
 * @wrong: messages that were meant for another endpoint
 * @total: counter shared by all endpoints
 * @wq: woken on every message
 */
struct rl_test_demux {
	u32 addr;
	atomic_t count;
	atomic_t wrong;
	atomic_t *total;
	wait_queue_head_t *wq;
};

static int rl_test_demux_cb(void *payload, u32 payload_len, u32 src,
			    void *priv)
{
	struct rl_test_demux *d = priv;
	u32 meant = 0;

	if (payload_len == sizeof(meant))
		memcpy(&meant, payload, sizeof(meant));
	if (meant != d->addr)
		atomic_inc(&d->wrong);
	atomic_inc(&d->count);
	atomic_inc(d->total);
	wake_up(d->wq);
	return RL_RELEASE;
}

static void rl_core_ept_test_256_endpoints_each_get_only_their_messages(struct kunit *test)
{
	const struct rpmsg_lite_config cfg = { .buffer_count = 16 };
	struct rpmsg_lite_endpoint *tx, *e;
	struct rl_test_demux *d;
	wait_queue_head_t *wq;
	struct rl_test_link l;
	atomic_t *total;
	unsigned int i;

	rl_test_pair(test, &l, &cfg, true);
	d = kunit_kcalloc(test, RL_TEST_EPTS, sizeof(*d), GFP_KERNEL);
	total = kunit_kzalloc(test, sizeof(*total), GFP_KERNEL);
	wq = kunit_kzalloc(test, sizeof(*wq), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, total);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, wq);
	init_waitqueue_head(wq);

	for (i = 0; i < RL_TEST_EPTS; i++) {
		d[i].total = total;
		d[i].wq = wq;
		e = rl_test_ept(test, l.r, RL_ADDR_ANY, rl_test_demux_cb, &d[i]);
		d[i].addr = rpmsg_lite_ept_addr(e);
	}
	tx = rl_test_tx_ept(test, l.m);
	/* in reverse, so that a lookup by creation order would not pass */
	for (i = RL_TEST_EPTS; i-- > 0;)
		KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.m, tx, d[i].addr,
						      &d[i].addr,
						      sizeof(d[i].addr),
						      RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, wait_event_timeout(*wq, atomic_read(total) >=
						   RL_TEST_EPTS,
						   RL_TEST_WAIT_JIFFIES) > 0);
	for (i = 0; i < RL_TEST_EPTS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&d[i].count), 1,
				    "endpoint %#x", d[i].addr);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&d[i].wrong), 0,
				    "endpoint %#x", d[i].addr);
	}
	KUNIT_EXPECT_EQ(test, rl_test_stats(l.r).rx_drop_no_ept, 0ULL);
}

static struct kunit_case rl_core_ept_cases[] = {
	KUNIT_CASE(rl_core_ept_test_any_address_allocation_starts_at_1024),
	KUNIT_CASE(rl_core_ept_test_any_addresses_are_distinct_and_dynamic),
	KUNIT_CASE(rl_core_ept_test_fixed_address_is_kept),
	KUNIT_CASE(rl_core_ept_test_fixed_address_in_use_fails_with_eaddrinuse),
	KUNIT_CASE(rl_core_ept_test_name_service_address_53_is_refused),
	KUNIT_CASE(rl_core_ept_test_destroyed_address_can_be_taken_again),
	KUNIT_CASE(rl_core_ept_test_256_endpoints_each_get_only_their_messages),
	{}
};

static struct kunit_suite rl_core_ept_suite = {
	.name = "rl_core_ept",
	.test_cases = rl_core_ept_cases,
};

/* ======================== suite rl_core_ns ======================== */

/*
 * The master holds every message its sink gets: the remote can send
 * buffer_count of them only if every buffer it used before came back.
 */
static void rl_test_expect_all_buffers_back(struct kunit *test,
					    struct rl_test_link *l)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_sink *s;
	u32 i;

	s = rl_sink_new(test, l->m, RL_ADDR_ANY, RL_HOLD);
	tx = rl_test_tx_ept(test, l->r);
	for (i = 0; i < l->cfg.buffer_count; i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    rpmsg_lite_send(l->r, tx, rl_sink_addr(s),
						    &i, sizeof(i),
						    RL_TEST_SEND_MS),
				    0, "buffer %u of %u", i,
				    l->cfg.buffer_count);
	KUNIT_EXPECT_TRUE(test, rl_sink_wait(s, l->cfg.buffer_count));
}

/**
 * struct rl_test_ns - records name-service bind callbacks
 * @lock: protects the record
 * @wq: woken on every callback
 * @count: callbacks seen
 * @addr: address of the last announcement
 * @flags: flags of the last announcement
 * @name: name of the last announcement
 */
struct rl_test_ns {
	spinlock_t lock;	/* the callback runs on the link's workqueue */
	wait_queue_head_t wq;
	unsigned int count;
	u32 addr;
	u32 flags;
	char name[RL_NS_NAME_SIZE];
};

static void rl_test_ns_cb(u32 new_ept, const char *new_ept_name, u32 flags,
			  void *user_data)
{
	struct rl_test_ns *ns = user_data;

	spin_lock(&ns->lock);
	ns->addr = new_ept;
	ns->flags = flags;
	strscpy(ns->name, new_ept_name, sizeof(ns->name));
	ns->count++;
	spin_unlock(&ns->lock);
	wake_up(&ns->wq);
}

static unsigned int rl_test_ns_count(struct rl_test_ns *ns)
{
	unsigned int n;

	spin_lock(&ns->lock);
	n = ns->count;
	spin_unlock(&ns->lock);
	return n;
}

static bool rl_test_ns_wait(struct rl_test_ns *ns, unsigned int n)
{
	return wait_event_timeout(ns->wq, rl_test_ns_count(ns) >= n,
				  RL_TEST_WAIT_JIFFIES) > 0;
}

static void rl_test_ns_unbind(void *arg)
{
	rpmsg_lite_ns_unbind(arg);
}

/* Bind a recorder to the name service of @rl; unbound at the end. */
static struct rl_test_ns *rl_test_ns_bind(struct kunit *test,
					  struct rpmsg_lite_instance *rl)
{
	struct rl_test_ns *ns = kunit_kzalloc(test, sizeof(*ns), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ns);
	spin_lock_init(&ns->lock);
	init_waitqueue_head(&ns->wq);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_ns_bind(rl, rl_test_ns_cb, ns), 0);
	rl_test_defer(test, rl_test_ns_unbind, rl);
	return ns;
}

static void rl_test_announce(struct kunit *test, bool from_master)
{
	struct rpmsg_lite_instance *ann, *bound;
	struct rpmsg_lite_endpoint *e;
	struct rl_test_link l;
	struct rl_test_ns *ns;

	rl_test_pair(test, &l, NULL, true);
	ann = from_master ? l.m : l.r;
	bound = from_master ? l.r : l.m;
	ns = rl_test_ns_bind(test, bound);
	e = rl_test_ept(test, ann, RL_ADDR_ANY, rl_test_drop_cb, NULL);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_ns_announce(ann, e, "rl-test-service",
						     RL_NS_CREATE), 0);
	KUNIT_ASSERT_TRUE(test, rl_test_ns_wait(ns, 1));
	KUNIT_EXPECT_STREQ(test, ns->name, "rl-test-service");
	KUNIT_EXPECT_EQ(test, ns->addr, rpmsg_lite_ept_addr(e));
	KUNIT_EXPECT_EQ(test, ns->flags, (u32)RL_NS_CREATE);
}

static void rl_core_ns_test_master_announce_reaches_remote_bind_callback(struct kunit *test)
{
	rl_test_announce(test, true);
}

static void rl_core_ns_test_remote_announce_reaches_master_bind_callback(struct kunit *test)
{
	rl_test_announce(test, false);
}

static void rl_core_ns_test_destroy_announcement_reaches_bind_callback(struct kunit *test)
{
	struct rpmsg_lite_endpoint *e;
	struct rl_test_link l;
	struct rl_test_ns *ns;

	rl_test_pair(test, &l, NULL, true);
	ns = rl_test_ns_bind(test, l.m);
	e = rl_test_ept(test, l.r, 4321, rl_test_drop_cb, NULL);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_ns_announce(l.r, e, "rl-test-gone",
						     RL_NS_CREATE), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_ns_announce(l.r, e, "rl-test-gone",
						     RL_NS_DESTROY), 0);
	KUNIT_ASSERT_TRUE(test, rl_test_ns_wait(ns, 2));
	KUNIT_EXPECT_EQ(test, ns->count, 2U);
	KUNIT_EXPECT_STREQ(test, ns->name, "rl-test-gone");
	KUNIT_EXPECT_EQ(test, ns->addr, 4321U);
	KUNIT_EXPECT_EQ(test, ns->flags, (u32)RL_NS_DESTROY);
}

static void rl_core_ns_test_malformed_message_is_dropped_and_counted(struct kunit *test)
{
	u8 bad[40 - 1];
	struct rpmsg_lite_endpoint *e;
	struct rl_test_link l;
	u64 drops;

	rl_test_pair(test, &l, NULL, true);
	e = rl_test_ept(test, l.r, RL_ADDR_ANY, rl_test_drop_cb, NULL);
	drops = rl_test_stats(l.m).rx_drop_bad_ns;

	/* one byte short of a name-service message (wire.rst: 40 bytes) */
	memset(bad, 0, sizeof(bad));
	strscpy(bad, "rl-test-malformed", RL_NS_NAME_SIZE);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, e, 53, bad,
					      sizeof(bad), RL_TEST_SEND_MS), 0);
	KUNIT_EXPECT_TRUE(test, rl_test_wait_stat(l.m, RL_STAT(rx_drop_bad_ns),
						  drops + 1));
	/* its buffer went back to the remote */
	rl_test_expect_all_buffers_back(test, &l);
}

/*
 * An announcement, then a message to an endpoint: messages are handled in
 * order, so once the endpoint has its message the announcement was seen.
 */
static void rl_test_announce_then_mark(struct kunit *test,
				       struct rl_test_link *l,
				       struct rpmsg_lite_endpoint *e,
				       struct rl_sink *s, const char *name)
{
	unsigned int n = rl_sink_count(s);
	u8 byte = 1;

	KUNIT_ASSERT_EQ(test, rpmsg_lite_ns_announce(l->r, e, name,
						     RL_NS_CREATE), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l->r, e, rl_sink_addr(s), &byte,
					      1, RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, n + 1));
}

static void rl_core_ns_test_unbound_link_calls_no_callback(struct kunit *test)
{
	struct rpmsg_lite_endpoint *e;
	struct rl_test_link l;
	struct rl_test_ns *ns;
	struct rl_sink *s;

	rl_test_pair(test, &l, NULL, true);
	ns = rl_test_ns_bind(test, l.m);
	s = rl_sink_new(test, l.m, RL_ADDR_ANY, RL_RELEASE);
	e = rl_test_ept(test, l.r, RL_ADDR_ANY, rl_test_drop_cb, NULL);

	/* bound: the callback has run by the time the marker arrives */
	rl_test_announce_then_mark(test, &l, e, s, "rl-test-heard");
	KUNIT_EXPECT_EQ(test, rl_test_ns_count(ns), 1U);
	KUNIT_EXPECT_STREQ(test, ns->name, "rl-test-heard");

	/* unbound: the same, and no callback */
	KUNIT_ASSERT_EQ(test, rpmsg_lite_ns_unbind(l.m), 0);
	rl_test_announce_then_mark(test, &l, e, s, "rl-test-unheard");
	KUNIT_EXPECT_EQ(test, rl_test_ns_count(ns), 1U);
	KUNIT_EXPECT_STREQ(test, ns->name, "rl-test-heard");
}

static struct kunit_case rl_core_ns_cases[] = {
	KUNIT_CASE(rl_core_ns_test_master_announce_reaches_remote_bind_callback),
	KUNIT_CASE(rl_core_ns_test_remote_announce_reaches_master_bind_callback),
	KUNIT_CASE(rl_core_ns_test_destroy_announcement_reaches_bind_callback),
	KUNIT_CASE(rl_core_ns_test_malformed_message_is_dropped_and_counted),
	KUNIT_CASE(rl_core_ns_test_unbound_link_calls_no_callback),
	{}
};

static struct kunit_suite rl_core_ns_suite = {
	.name = "rl_core_ns",
	.test_cases = rl_core_ns_cases,
};

/* ======================== suite rl_core_zerocopy ======================== */

static void rl_core_zerocopy_test_alloc_gives_payload_sized_buffer(struct kunit *test)
{
	struct rl_test_link l;
	u32 size = 0, free_tx;
	void *buf;

	rl_test_pair(test, &l, NULL, true);
	free_tx = rpmsg_lite_get_free_tx_buffers(l.m);
	buf = rpmsg_lite_alloc_tx_buffer(l.m, &size, RL_TEST_SEND_MS);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, size, rpmsg_lite_get_payload_size(l.m));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_free_tx_buffers(l.m), free_tx - 1);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_tx_buffer(l.m, buf), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_free_tx_buffers(l.m), free_tx);
}

static void rl_core_zerocopy_test_send_nocopy_delivers_the_buffer(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	struct rl_sink *s;
	u32 size = 0;
	u8 *buf;

	rl_test_pair(test, &l, NULL, true);
	s = rl_sink_new(test, l.m, RL_ADDR_ANY, RL_RELEASE);
	tx = rl_test_tx_ept(test, l.r);
	buf = rpmsg_lite_alloc_tx_buffer(l.r, &size, RL_TEST_SEND_MS);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_GE(test, size, 100U);
	rl_test_fill(buf, 100, 3);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send_nocopy(l.r, tx, rl_sink_addr(s),
						     buf, 100), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, 1));
	KUNIT_EXPECT_EQ(test, s->len, 100U);
	KUNIT_EXPECT_EQ(test, s->src, rpmsg_lite_ept_addr(tx));
	buf = kunit_kmalloc(test, 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	rl_test_fill(buf, 100, 3);
	KUNIT_EXPECT_EQ(test, memcmp(s->data, buf, 100), 0);
}

static void rl_core_zerocopy_test_send_nocopy_over_payload_fails_with_emsgsize(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	u32 size = 0;
	void *buf;

	rl_test_pair(test, &l, NULL, true);
	tx = rl_test_tx_ept(test, l.m);
	buf = rpmsg_lite_alloc_tx_buffer(l.m, &size, RL_TEST_SEND_MS);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send_nocopy(l.m, tx, 1024, buf,
						     size + 1), -EMSGSIZE);
	/* the buffer is still the caller's */
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_tx_buffer(l.m, buf), 0);
}

static void rl_core_zerocopy_test_alloc_without_free_buffer_fails_with_enomem(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	u32 size = 0;
	void *buf;

	rl_test_exhaust(test, &l, &tx);
	buf = rpmsg_lite_alloc_tx_buffer(l.m, &size, RL_DONT_BLOCK);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(buf), -ENOMEM);
	if (!IS_ERR_OR_NULL(buf))
		rpmsg_lite_release_tx_buffer(l.m, buf);
}

static void rl_core_zerocopy_test_held_buffer_keeps_its_contents(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	struct rl_sink *s;
	u8 msg[64], *other;
	u32 i;

	rl_test_pair(test, &l, NULL, true);
	s = rl_sink_new(test, l.r, RL_ADDR_ANY, RL_HOLD);
	tx = rl_test_tx_ept(test, l.m);
	rl_test_fill(msg, sizeof(msg), 9);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.m, tx, rl_sink_addr(s), msg,
					      sizeof(msg), RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, 1));
	KUNIT_ASSERT_NOT_NULL(test, s->held[0]);
	/* more traffic on the link does not reuse the held buffer */
	other = kunit_kzalloc(test, sizeof(msg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	s->verdict = RL_RELEASE;
	for (i = 0; i < 4 * l.cfg.buffer_count; i++)
		KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.m, tx, rl_sink_addr(s),
						      other, sizeof(msg),
						      RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, 1 + 4 * l.cfg.buffer_count));
	KUNIT_EXPECT_EQ(test, memcmp(s->held[0], msg, sizeof(msg)), 0);
	KUNIT_EXPECT_EQ(test, rl_sink_release(s, 0), 0);
}

static void rl_core_zerocopy_test_second_release_fails_with_ealready(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	struct rl_sink *s;
	void *buf;
	u32 v = 5;

	rl_test_pair(test, &l, NULL, true);
	s = rl_sink_new(test, l.r, RL_ADDR_ANY, RL_HOLD);
	tx = rl_test_tx_ept(test, l.m);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.m, tx, rl_sink_addr(s), &v,
					      sizeof(v), RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, 1));
	buf = s->held[0];
	KUNIT_ASSERT_EQ(test, rl_sink_release(s, 0), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_rx_buffer(l.r, buf),
			-EALREADY);
}

static void rl_core_zerocopy_test_release_of_foreign_pointer_fails_with_enobufs(struct kunit *test)
{
	struct rl_test_link l;
	void *foreign;

	rl_test_pair(test, &l, NULL, true);
	foreign = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, foreign);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_rx_buffer(l.r, foreign),
			-ENOBUFS);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_rx_buffer(l.m, foreign),
			-ENOBUFS);
}

static void rl_core_zerocopy_test_released_buffer_can_carry_a_new_message(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	struct rl_sink *s;
	u32 v = 0xabcd;

	s = rl_test_exhaust(test, &l, &tx);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.m, tx, rl_sink_addr(s), &v,
					      sizeof(v), RL_DONT_BLOCK),
			-ENOMEM);
	KUNIT_ASSERT_EQ(test, rl_sink_release(s, 1), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(l.m, tx, rl_sink_addr(s), &v,
					      sizeof(v), RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, l.cfg.buffer_count + 1));
	KUNIT_EXPECT_EQ(test, *(u32 *)s->data, v);
}

static struct kunit_case rl_core_zerocopy_cases[] = {
	KUNIT_CASE(rl_core_zerocopy_test_alloc_gives_payload_sized_buffer),
	KUNIT_CASE(rl_core_zerocopy_test_send_nocopy_delivers_the_buffer),
	KUNIT_CASE(rl_core_zerocopy_test_send_nocopy_over_payload_fails_with_emsgsize),
	KUNIT_CASE(rl_core_zerocopy_test_alloc_without_free_buffer_fails_with_enomem),
	KUNIT_CASE(rl_core_zerocopy_test_held_buffer_keeps_its_contents),
	KUNIT_CASE(rl_core_zerocopy_test_second_release_fails_with_ealready),
	KUNIT_CASE(rl_core_zerocopy_test_release_of_foreign_pointer_fails_with_enobufs),
	KUNIT_CASE(rl_core_zerocopy_test_released_buffer_can_carry_a_new_message),
	{}
};

static struct kunit_suite rl_core_zerocopy_suite = {
	.name = "rl_core_zerocopy",
	.test_cases = rl_core_zerocopy_cases,
};

/* ======================== suite rl_core_queue ======================== */

/**
 * struct rl_test_queue - a receive queue and its endpoint
 * @rl: link
 * @q: the queue
 * @ept: endpoint feeding it
 */
struct rl_test_queue {
	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_queue *q;
	struct rpmsg_lite_endpoint *ept;
};

static void rl_test_queue_destroy(void *arg)
{
	struct rl_test_queue *tq = arg;

	if (!IS_ERR_OR_NULL(tq->ept))
		rpmsg_lite_destroy_ept(tq->rl, tq->ept);
	rpmsg_lite_queue_destroy(tq->rl, tq->q);
}

/* A queue of @max messages on @rl with an endpoint; gone at the end. */
static struct rl_test_queue *rl_test_queue(struct kunit *test,
					   struct rpmsg_lite_instance *rl,
					   u32 max)
{
	struct rl_test_queue *tq = kunit_kzalloc(test, sizeof(*tq), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tq);
	tq->rl = rl;
	tq->q = rpmsg_lite_queue_create(rl, max);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tq->q);
	tq->ept = rpmsg_lite_create_ept(rl, RL_ADDR_ANY,
					rpmsg_lite_queue_rx_cb, tq->q);
	if (IS_ERR_OR_NULL(tq->ept))
		rpmsg_lite_queue_destroy(rl, tq->q);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tq->ept);
	rl_test_defer(test, rl_test_queue_destroy, tq);
	return tq;
}

static void rl_core_queue_test_recv_on_empty_queue_times_out(struct kunit *test)
{
	struct rl_test_queue *tq;
	struct rl_test_link l;
	u32 src = 0, len = 0;
	u8 buf[16];

	rl_test_pair(test, &l, NULL, true);
	tq = rl_test_queue(test, l.m, 4);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_recv(l.m, tq->q, &src, buf,
						    sizeof(buf), &len, 20),
			-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_get_current_size(tq->q), 0U);
}

static void rl_core_queue_test_recv_copies_message_and_source(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_queue *tq;
	struct rl_test_link l;
	u32 src = 0, len = 0;
	u8 msg[48], buf[64];

	rl_test_pair(test, &l, NULL, true);
	tq = rl_test_queue(test, l.m, 4);
	tx = rl_test_tx_ept(test, l.r);
	rl_test_fill(msg, sizeof(msg), 11);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, tx,
					      rpmsg_lite_ept_addr(tq->ept),
					      msg, sizeof(msg),
					      RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_queue_recv(l.m, tq->q, &src, buf,
						    sizeof(buf), &len,
						    RL_TEST_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, len, (u32)sizeof(msg));
	KUNIT_EXPECT_EQ(test, src, rpmsg_lite_ept_addr(tx));
	KUNIT_EXPECT_EQ(test, memcmp(buf, msg, sizeof(msg)), 0);
}

static void rl_core_queue_test_recv_nocopy_lends_buffer_until_freed(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_queue *tq;
	struct rl_test_link l;
	u32 src = 0, len = 0;
	void *data = NULL;
	u8 msg[32];

	rl_test_pair(test, &l, NULL, true);
	tq = rl_test_queue(test, l.m, 4);
	tx = rl_test_tx_ept(test, l.r);
	rl_test_fill(msg, sizeof(msg), 12);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, tx,
					      rpmsg_lite_ept_addr(tq->ept),
					      msg, sizeof(msg),
					      RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_queue_recv_nocopy(l.m, tq->q, &src,
							   &data, &len,
							   RL_TEST_WAIT_MS),
			0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, data);
	KUNIT_EXPECT_EQ(test, len, (u32)sizeof(msg));
	KUNIT_EXPECT_EQ(test, src, rpmsg_lite_ept_addr(tx));
	KUNIT_EXPECT_EQ(test, memcmp(data, msg, sizeof(msg)), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_nocopy_free(l.m, data), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_release_rx_buffer(l.m, data),
			-EALREADY);
}

static void rl_core_queue_test_full_queue_drops_further_messages(struct kunit *test)
{
	const struct rpmsg_lite_config cfg = { .buffer_count = 8 };
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_queue *tq;
	struct rl_test_link l;
	u32 i, v, src, len;
	struct rl_sink *s;

	rl_test_pair(test, &l, &cfg, true);
	tq = rl_test_queue(test, l.m, 2);
	s = rl_sink_new(test, l.m, RL_ADDR_ANY, RL_RELEASE);
	tx = rl_test_tx_ept(test, l.r);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, tx,
						      rpmsg_lite_ept_addr(tq->ept),
						      &i, sizeof(i),
						      RL_TEST_SEND_MS), 0);
	/* handled in order: once the sink has its message, all 4 were seen */
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, tx, rl_sink_addr(s), &i,
					      sizeof(i), RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, 1));

	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_get_current_size(tq->q), 2U);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, rpmsg_lite_queue_recv(l.m, tq->q, &src,
							    &v, sizeof(v), &len,
							    RL_DONT_BLOCK), 0);
		KUNIT_EXPECT_EQ(test, v, i);
	}
	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_recv(l.m, tq->q, &src, &v,
						    sizeof(v), &len, 20),
			-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_get_dropped(tq->q), 2U);
}

/* A queue of one message (kfifo needs two slots) keeps exactly one. */
static void rl_core_queue_test_queue_of_one_keeps_one_message(struct kunit *test)
{
	const struct rpmsg_lite_config cfg = { .buffer_count = 8 };
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_queue *tq;
	struct rl_test_link l;
	u32 i, v, src, len;
	struct rl_sink *s;

	rl_test_pair(test, &l, &cfg, true);
	tq = rl_test_queue(test, l.m, 1);
	s = rl_sink_new(test, l.m, RL_ADDR_ANY, RL_RELEASE);
	tx = rl_test_tx_ept(test, l.r);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, tx,
						      rpmsg_lite_ept_addr(tq->ept),
						      &i, sizeof(i),
						      RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, tx, rl_sink_addr(s), &i,
					      sizeof(i), RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, 1));

	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_get_current_size(tq->q), 1U);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_recv(l.m, tq->q, &src, &v,
						    sizeof(v), &len,
						    RL_DONT_BLOCK), 0);
	KUNIT_EXPECT_EQ(test, v, 0U);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_get_dropped(tq->q), 2U);
}

static void rl_core_queue_test_current_size_counts_waiting_messages(struct kunit *test)
{
	const struct rpmsg_lite_config cfg = { .buffer_count = 8 };
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_queue *tq;
	struct rl_test_link l;
	u32 i, v, src, len;
	struct rl_sink *s;

	rl_test_pair(test, &l, &cfg, true);
	tq = rl_test_queue(test, l.m, 8);
	s = rl_sink_new(test, l.m, RL_ADDR_ANY, RL_RELEASE);
	tx = rl_test_tx_ept(test, l.r);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, tx,
						      rpmsg_lite_ept_addr(tq->ept),
						      &i, sizeof(i),
						      RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, tx, rl_sink_addr(s), &i,
					      sizeof(i), RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_sink_wait(s, 1));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_get_current_size(tq->q), 3U);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_queue_recv(l.m, tq->q, &src, &v,
						    sizeof(v), &len,
						    RL_DONT_BLOCK), 0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_queue_get_current_size(tq->q), 2U);
}

static struct kunit_case rl_core_queue_cases[] = {
	KUNIT_CASE(rl_core_queue_test_recv_on_empty_queue_times_out),
	KUNIT_CASE(rl_core_queue_test_recv_copies_message_and_source),
	KUNIT_CASE(rl_core_queue_test_recv_nocopy_lends_buffer_until_freed),
	KUNIT_CASE(rl_core_queue_test_full_queue_drops_further_messages),
	KUNIT_CASE(rl_core_queue_test_queue_of_one_keeps_one_message),
	KUNIT_CASE(rl_core_queue_test_current_size_counts_waiting_messages),
	{}
};

static struct kunit_suite rl_core_queue_suite = {
	.name = "rl_core_queue",
	.test_cases = rl_core_queue_cases,
};

/* ======================== suite rl_core_robustness ======================== */

static void rl_core_robustness_test_unknown_address_is_dropped_buffer_returned(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_test_link l;
	u64 drops, rx;
	u32 v = 9;

	rl_test_pair(test, &l, NULL, true);
	tx = rl_test_tx_ept(test, l.r);
	drops = rl_test_stats(l.m).rx_drop_no_ept;
	rx = rl_test_stats(l.m).rx_msgs;
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, tx, 4000, &v, sizeof(v),
					      RL_TEST_SEND_MS), 0);
	KUNIT_ASSERT_TRUE(test, rl_test_wait_stat(l.m, RL_STAT(rx_drop_no_ept),
						  drops + 1));
	KUNIT_EXPECT_EQ(test, rl_test_stats(l.m).rx_msgs, rx);
	rl_test_expect_all_buffers_back(test, &l);
}

static void rl_core_robustness_test_message_to_destroyed_endpoint_is_dropped(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx, *e;
	struct rl_test_link l;
	u32 v = 9, addr;
	u64 drops;

	rl_test_pair(test, &l, NULL, true);
	tx = rl_test_tx_ept(test, l.r);
	e = rpmsg_lite_create_ept(l.m, RL_ADDR_ANY, rl_test_drop_cb, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, e);
	addr = rpmsg_lite_ept_addr(e);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_destroy_ept(l.m, e), 0);
	drops = rl_test_stats(l.m).rx_drop_no_ept;
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, tx, addr, &v, sizeof(v),
					      RL_TEST_SEND_MS), 0);
	KUNIT_EXPECT_TRUE(test, rl_test_wait_stat(l.m, RL_STAT(rx_drop_no_ept),
						  drops + 1));
}

static void rl_core_robustness_test_oversized_header_len_is_dropped(struct kunit *test)
{
	struct rpmsg_lite_endpoint *tx;
	struct rl_msg_hdr *hdr;
	struct rl_test_link l;
	struct rl_sink *s;
	u64 drops, rx;
	u32 v = 0x11;

	rl_test_pair(test, &l, NULL, true);
	s = rl_sink_new(test, l.m, RL_ADDR_ANY, RL_RELEASE);
	tx = rl_test_tx_ept(test, l.r);
	drops = rl_test_stats(l.m).rx_drop_bad_len;
	rx = rl_test_stats(l.m).rx_msgs;

	/* hold the message in shared memory: its kick never arrives */
	rl_loopback_drop_kicks(l.pair, false, 1);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(l.r, tx, rl_sink_addr(s), &v,
					      sizeof(v), RL_TEST_SEND_MS), 0);
	hdr = rl_test_last_used_hdr(&l, 0);
	KUNIT_ASSERT_NOT_NULL(test, hdr);
	KUNIT_ASSERT_EQ(test, le32_to_cpu(hdr->dst), rl_sink_addr(s));
	KUNIT_ASSERT_EQ(test, le16_to_cpu(hdr->len), (u16)sizeof(v));
	WRITE_ONCE(hdr->len, cpu_to_le16(l.cfg.payload_size + 1));
	rpmsg_lite_isr(l.m, rl_vq_id(l.cfg.link_id, RL_VQ_MASTER_RX));

	KUNIT_ASSERT_TRUE(test, rl_test_wait_stat(l.m, RL_STAT(rx_drop_bad_len),
						  drops + 1));
	KUNIT_EXPECT_EQ(test, rl_sink_count(s), 0U);
	KUNIT_EXPECT_EQ(test, rl_test_stats(l.m).rx_msgs, rx);
	rl_test_expect_all_buffers_back(test, &l);
}

static void rl_core_robustness_test_corrupt_used_idx_breaks_the_ring(struct kunit *test)
{
	struct rl_test_link l;
	struct rl_sink *s;
	__le16 *idx;
	u64 errs;

	rl_test_pair(test, &l, NULL, true);
	s = rl_sink_new(test, l.m, RL_ADDR_ANY, RL_RELEASE);
	errs = rl_test_stats(l.m).ring_errors;
	/* the remote's producer index jumps by more than the ring size */
	idx = rl_test_used_idx(l.shm, &l.cfg, 0);
	WRITE_ONCE(*idx, cpu_to_le16(le16_to_cpu(READ_ONCE(*idx)) +
				     l.cfg.buffer_count + 1));
	rpmsg_lite_isr(l.m, rl_vq_id(l.cfg.link_id, RL_VQ_MASTER_RX));
	KUNIT_EXPECT_TRUE(test, rl_test_wait_stat(l.m, RL_STAT(ring_errors),
						  errs + 1));
	KUNIT_EXPECT_EQ(test, rl_sink_count(s), 0U);
}

static void rl_core_robustness_test_corrupt_avail_idx_breaks_the_ring(struct kunit *test)
{
	struct rl_test_link l;
	struct rl_sink *s;
	__le16 *idx;
	u64 errs;

	rl_test_pair(test, &l, NULL, true);
	s = rl_sink_new(test, l.r, RL_ADDR_ANY, RL_RELEASE);
	errs = rl_test_stats(l.r).ring_errors;
	/* the master's producer index jumps by more than the ring size */
	idx = rl_test_avail_idx(l.shm, &l.cfg, 1);
	WRITE_ONCE(*idx, cpu_to_le16(le16_to_cpu(READ_ONCE(*idx)) +
				     l.cfg.buffer_count + 1));
	rpmsg_lite_isr(l.r, rl_vq_id(l.cfg.link_id, RL_VQ_MASTER_TX));
	KUNIT_EXPECT_TRUE(test, rl_test_wait_stat(l.r, RL_STAT(ring_errors),
						  errs + 1));
	KUNIT_EXPECT_EQ(test, rl_sink_count(s), 0U);
}

static struct kunit_case rl_core_robustness_cases[] = {
	KUNIT_CASE(rl_core_robustness_test_unknown_address_is_dropped_buffer_returned),
	KUNIT_CASE(rl_core_robustness_test_message_to_destroyed_endpoint_is_dropped),
	KUNIT_CASE(rl_core_robustness_test_oversized_header_len_is_dropped),
	KUNIT_CASE(rl_core_robustness_test_corrupt_used_idx_breaks_the_ring),
	KUNIT_CASE(rl_core_robustness_test_corrupt_avail_idx_breaks_the_ring),
	{}
};

static struct kunit_suite rl_core_robustness_suite = {
	.name = "rl_core_robustness",
	.test_cases = rl_core_robustness_cases,
};

rl_test_suites_module(rl_core_test,
		      &rl_core_config_suite, &rl_core_config_rules_suite,
		      &rl_core_image_suite,
		      &rl_core_link_suite, &rl_core_send_suite,
		      &rl_core_ept_suite, &rl_core_ns_suite,
		      &rl_core_zerocopy_suite, &rl_core_queue_suite,
		      &rl_core_robustness_suite);

MODULE_DESCRIPTION("KUnit suites of the rpmsg-lite core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
MODULE_IMPORT_NS(RPMSG_LITE_TEST);
