// SPDX-License-Identifier: GPL-2.0
/*
 * rl_bench.c - in-kernel benchmarks of rpmsg-lite links (rpmsg_lite_bench.ko)
 *
 * Runs one test at load time on a fresh loopback link pair and leaves its
 * results in /sys/kernel/debug/rl_bench/output, one "key=value ..." line
 * per result, for scripts/guest/bench.sh to collect before unloading:
 *
 *   test=stream  one-way stream master -> remote: the loading task sends
 *                @count messages of @size bytes with rpmsg_lite_send(),
 *                the remote endpoint's callback (the link's receive work)
 *                copies each one out.  Messages/s, ns per message, one-way
 *                latency percentiles, notifications per message.
 *   test=kfifo   the same bytes handed from the same task to a work item on
 *                a per-CPU high-priority workqueue (like the link's
 *                receive work) through a kfifo as large as the link's
 *                buffers: the baseline of test=stream.
 *   test=rtt     @count round trips of @size bytes from a master endpoint
 *                to the pair's echo service and back (the in-kernel part
 *                of a /dev echo round trip).
 *   test=eps     @eps endpoint pairs, one sending kthread each, for @ms
 *                milliseconds: total messages/s and Jain's fairness index
 *                of the per-endpoint counts.
 *   test=mem     a link pair; writing N to /sys/kernel/debug/rl_bench/epts
 *                creates N endpoints on its master link (0 destroys them),
 *                so that user space can read the slab usage around it.
 *
 * Latencies are in nanoseconds (ktime_get_ns()); each latency result has a
 * "hist" line of non-empty buckets (8 per power of two) for plotting.
 * A benchmark never fails on a number: it reports what it measured.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kfifo.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/rpmsg_lite.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "rl_loopback.h"

static char *test = "stream";
module_param(test, charp, 0444);
MODULE_PARM_DESC(test, "stream, kfifo, rtt, eps or mem (default stream)");

static char *label = "";
module_param(label, charp, 0444);
MODULE_PARM_DESC(label, "name of this run in the output (default: the test)");

static unsigned int size = 16;
module_param(size, uint, 0444);
MODULE_PARM_DESC(size, "payload bytes per message, at least 8 but for rtt (default 16)");

static unsigned int payload;
module_param(payload, uint, 0444);
MODULE_PARM_DESC(payload, "payload size of the link (default 496)");

static unsigned int buffers = 256;
module_param(buffers, uint, 0444);
MODULE_PARM_DESC(buffers, "buffers per direction of the link (default 256)");

static unsigned int count = 20000;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "messages of a stream (default 20000)");

static unsigned int eps = 1;
module_param(eps, uint, 0444);
MODULE_PARM_DESC(eps, "endpoint pairs of test=eps (default 1)");

static unsigned int ms = 500;
module_param(ms, uint, 0444);
MODULE_PARM_DESC(ms, "measuring time of test=eps in ms (default 500)");

static bool event_idx;
module_param(event_idx, bool, 0444);
MODULE_PARM_DESC(event_idx, "links use event-index kick suppression");

static bool notify_consumed;
module_param(notify_consumed, bool, 0444);
MODULE_PARM_DESC(notify_consumed, "links kick when they return rx buffers");

#define RLB_OUT_SIZE		(128 * 1024)
#define RLB_MAX_EPTS		4096
#define RLB_LINK_ID		9
#define RLB_UP_MS		5000
#define RLB_SEND_MS		5000
#define RLB_HIST_SUB_BITS	3

/**
 * struct rlb_out - text the debugfs file "output" shows
 * @buf: the text
 * @len: bytes used
 * @blob: debugfs view of @buf
 */
struct rlb_out {
	char *buf;
	size_t len;
	struct debugfs_blob_wrapper blob;
};

static struct rlb_out rlb_out;
static struct dentry *rlb_dir;

static __printf(1, 2) void rlb_printf(const char *fmt, ...)
{
	va_list args;
	int n;

	if (!rlb_out.buf || rlb_out.len >= RLB_OUT_SIZE - 1)
		return;
	va_start(args, fmt);
	n = vscnprintf(rlb_out.buf + rlb_out.len, RLB_OUT_SIZE - rlb_out.len,
		       fmt, args);
	va_end(args);
	rlb_out.len += n;
}

static const char *rlb_label(void)
{
	return label && *label ? label : test;
}

/* ---- latency samples ---- */

/**
 * struct rlb_rx - receiving side of a stream
 * @lat: one-way latency of each measured message, ns
 * @sink: where each payload is copied to
 * @n: messages received so far
 * @count: messages expected
 * @last_ns: when the last one arrived
 * @done: completed at the last message
 */
struct rlb_rx {
	u32 *lat;
	u8 *sink;
	u32 n;
	u32 count;
	u64 last_ns;
	struct completion done;
};

/* Receive one message: copy it out, take its latency.  One context. */
static void rlb_rx_msg(struct rlb_rx *rx, const void *data, u32 len)
{
	u64 now, ts;

	memcpy(rx->sink, data, len);
	now = ktime_get_ns();
	if (rx->n >= rx->count || len < sizeof(ts))
		return;
	memcpy(&ts, rx->sink, sizeof(ts));
	rx->lat[rx->n] = min_t(u64, now - ts, U32_MAX);
	if (++rx->n == rx->count) {
		rx->last_ns = now;
		complete(&rx->done);
	}
}

static int rlb_rx_init(struct rlb_rx *rx, u32 n, u32 max_len)
{
	rx->lat = vmalloc(array_size(n, sizeof(*rx->lat)));
	rx->sink = kmalloc(max_len, GFP_KERNEL);
	if (!rx->lat || !rx->sink) {
		vfree(rx->lat);
		kfree(rx->sink);
		return -ENOMEM;
	}
	rx->count = n;
	rx->n = 0;
	init_completion(&rx->done);
	return 0;
}

static void rlb_rx_free(struct rlb_rx *rx)
{
	vfree(rx->lat);
	kfree(rx->sink);
}

static int rlb_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* Histogram bucket of @v: 8 sub-buckets per power of two. */
static u32 rlb_bucket(u32 v)
{
	u32 msb;

	if (v < (1U << RLB_HIST_SUB_BITS))
		return v;
	msb = ilog2(v);
	return ((msb - RLB_HIST_SUB_BITS + 1) << RLB_HIST_SUB_BITS) |
	       ((v >> (msb - RLB_HIST_SUB_BITS)) &
		((1U << RLB_HIST_SUB_BITS) - 1));
}

/* Lowest value of bucket @b. */
static u32 rlb_bucket_low(u32 b)
{
	u32 e = b >> RLB_HIST_SUB_BITS, m = b & ((1U << RLB_HIST_SUB_BITS) - 1);

	if (!e)
		return m;
	return ((1U << RLB_HIST_SUB_BITS) | m) << (e - 1);
}

static u32 rlb_pct(const u32 *s, u32 n, u32 permille)
{
	u64 i = div_u64((u64)n * permille, 1000);

	return s[min_t(u64, i, n - 1)];
}

/* Sort the samples, print the percentiles and the histogram. */
static void rlb_print_latency(const char *name, u32 *s, u32 n)
{
	u32 b, cur = U32_MAX, cnt = 0;
	u32 i;

	if (!n)
		return;
	sort(s, n, sizeof(*s), rlb_cmp_u32, NULL);
	rlb_printf(" lat_p50=%u lat_p90=%u lat_p99=%u lat_p999=%u lat_max=%u\n",
		   rlb_pct(s, n, 500), rlb_pct(s, n, 900), rlb_pct(s, n, 990),
		   rlb_pct(s, n, 999), s[n - 1]);
	rlb_printf("hist name=%s", name);
	for (i = 0; i < n; i++) {
		b = rlb_bucket(s[i]);
		if (b != cur) {
			if (cnt)
				rlb_printf(" %u:%u", rlb_bucket_low(cur), cnt);
			cur = b;
			cnt = 0;
		}
		cnt++;
	}
	rlb_printf(" %u:%u\n", rlb_bucket_low(cur), cnt);
}

/* ---- link pair ---- */

/**
 * struct rlb_link - a loopback pair with one endpoint on each side
 * @pair: the pair
 * @m: its master link (sends)
 * @r: its remote link (receives)
 * @tx: endpoint on @m
 * @rx: endpoint on @r
 */
struct rlb_link {
	struct rl_loopback_pair *pair;
	struct rpmsg_lite_instance *m;
	struct rpmsg_lite_instance *r;
	struct rpmsg_lite_endpoint *tx;
	struct rpmsg_lite_endpoint *rx;
};

static int rlb_noop_cb(void *payload, u32 len, u32 src, void *priv)
{
	return RL_RELEASE;
}

static int rlb_link_up(struct rlb_link *l)
{
	struct rpmsg_lite_config cfg = {
		.link_id = RLB_LINK_ID,
		.payload_size = payload,
		.buffer_count = buffers,
		.event_idx = event_idx,
		.notify_consumed = notify_consumed,
	};
	int ret;

	l->pair = rl_loopback_pair_create(&cfg);
	if (IS_ERR(l->pair))
		return PTR_ERR(l->pair);
	l->m = rl_loopback_master(l->pair);
	l->r = rl_loopback_remote(l->pair);
	ret = rpmsg_lite_wait_for_link_up(l->m, RLB_UP_MS);
	if (!ret)
		ret = rpmsg_lite_wait_for_link_up(l->r, RLB_UP_MS);
	if (ret) {
		pr_err("link pair did not come up: %d\n", ret);
		rl_loopback_pair_destroy(l->pair);
		return ret;
	}
	return 0;
}

static void rlb_link_down(struct rlb_link *l)
{
	rl_loopback_pair_destroy(l->pair);
}

static u64 rlb_kicks(struct rlb_link *l, bool to_remote)
{
	return rl_loopback_kick_count(l->pair, to_remote);
}

/* ---- test=stream ---- */

static int rlb_stream_cb(void *data, u32 len, u32 src, void *priv)
{
	rlb_rx_msg(priv, data, len);
	return RL_RELEASE;
}

/* Send @n messages, wait until all arrived.  Returns 0, t0 in *@t0. */
static int rlb_stream_run(struct rlb_link *l, struct rlb_rx *rx, u8 *txbuf,
			  u32 n, u64 *t0)
{
	u32 dst = rpmsg_lite_ept_addr(l->rx);
	u64 now;
	u32 i;
	int ret;

	rx->n = 0;
	rx->count = n;
	reinit_completion(&rx->done);
	*t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		now = ktime_get_ns();
		memcpy(txbuf, &now, sizeof(now));
		ret = rpmsg_lite_send(l->m, l->tx, dst, txbuf, size,
				      RLB_SEND_MS);
		if (ret) {
			pr_err("send %u of %u failed: %d\n", i, n, ret);
			return ret;
		}
	}
	if (!wait_for_completion_timeout(&rx->done, 30 * HZ)) {
		pr_err("only %u of %u messages arrived\n", rx->n, n);
		return -ETIMEDOUT;
	}
	return 0;
}

static int rlb_test_stream(void)
{
	struct rpmsg_lite_link_stats s0, s1;
	struct rlb_link l = {};
	struct rlb_rx rx;
	u64 t0, k0r, k0m, el;
	u8 *txbuf;
	int ret;

	ret = rlb_link_up(&l);
	if (ret)
		return ret;
	ret = -EINVAL;
	if (size < sizeof(u64) || size > rpmsg_lite_get_payload_size(l.m))
		goto out_link;
	ret = rlb_rx_init(&rx, count, size);
	if (ret)
		goto out_link;
	txbuf = kzalloc(size, GFP_KERNEL);
	l.rx = rpmsg_lite_create_ept(l.r, RL_ADDR_ANY, rlb_stream_cb, &rx);
	l.tx = rpmsg_lite_create_ept(l.m, RL_ADDR_ANY, rlb_noop_cb, NULL);
	if (!txbuf || IS_ERR(l.rx) || IS_ERR(l.tx)) {
		ret = -ENOMEM;
		goto out_epts;
	}

	/* warm-up: a tenth of the messages, not measured */
	ret = rlb_stream_run(&l, &rx, txbuf, max(count / 10, 1U), &t0);
	if (ret)
		goto out_epts;

	rpmsg_lite_get_stats(l.m, &s0);
	k0r = rlb_kicks(&l, true);
	k0m = rlb_kicks(&l, false);
	ret = rlb_stream_run(&l, &rx, txbuf, count, &t0);
	if (ret)
		goto out_epts;
	rpmsg_lite_get_stats(l.m, &s1);
	el = rx.last_ns - t0;

	rlb_printf("result test=stream name=%s size=%u payload=%u buffers=%u",
		   rlb_label(), size, rpmsg_lite_get_payload_size(l.m),
		   buffers);
	rlb_printf(" event_idx=%d notify_consumed=%d count=%u elapsed_ns=%llu",
		   event_idx, notify_consumed, count, el);
	rlb_printf(" msgs_per_s=%llu ns_per_msg=%llu",
		   div64_u64((u64)count * NSEC_PER_SEC, max(el, 1ULL)),
		   div_u64(el, count));
	rlb_printf(" kicks_to_remote=%llu kicks_to_master=%llu tx_msgs=%llu",
		   rlb_kicks(&l, true) - k0r, rlb_kicks(&l, false) - k0m,
		   s1.tx_msgs - s0.tx_msgs);
	rlb_print_latency(rlb_label(), rx.lat, count);
	ret = 0;
out_epts:
	if (!IS_ERR_OR_NULL(l.tx))
		rpmsg_lite_destroy_ept(l.m, l.tx);
	if (!IS_ERR_OR_NULL(l.rx))
		rpmsg_lite_destroy_ept(l.r, l.rx);
	kfree(txbuf);
	rlb_rx_free(&rx);
out_link:
	rlb_link_down(&l);
	return ret;
}

/* ---- test=kfifo ---- */

/**
 * struct rlb_kf - kfifo hand-off between the loading task and a work item
 * @fifo: records of up to 64 KiB; one producer, one consumer, no lock
 * @work: the consumer, on @wq
 * @wq: per-CPU high-priority workqueue, as a link's receive work has
 * @space: the producer waits here for room
 * @queued: messages in @fifo; at most as many as the link has buffers
 * @rx: receiving side
 */
struct rlb_kf {
	struct kfifo_rec_ptr_2 fifo;
	struct work_struct work;
	struct workqueue_struct *wq;
	wait_queue_head_t space;
	atomic_t queued;
	struct rlb_rx rx;
};

static void rlb_kf_work(struct work_struct *work)
{
	struct rlb_kf *kf = container_of(work, struct rlb_kf, work);
	unsigned int len;

	while ((len = kfifo_out(&kf->fifo, kf->rx.sink, size))) {
		rlb_rx_msg(&kf->rx, kf->rx.sink, len);
		atomic_dec(&kf->queued);
		if (wq_has_sleeper(&kf->space))
			wake_up(&kf->space);
	}
}

static int rlb_kf_run(struct rlb_kf *kf, u8 *txbuf, u32 n, u64 *t0)
{
	u64 now;
	u32 i;

	kf->rx.n = 0;
	kf->rx.count = n;
	reinit_completion(&kf->rx.done);
	*t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		now = ktime_get_ns();
		memcpy(txbuf, &now, sizeof(now));
		/* room for the bytes and a free "buffer", as on the link */
		wait_event(kf->space, atomic_read(&kf->queued) < buffers &&
			   kfifo_avail(&kf->fifo) >= size);
		atomic_inc(&kf->queued);
		kfifo_in(&kf->fifo, txbuf, size);
		queue_work(kf->wq, &kf->work);
	}
	if (!wait_for_completion_timeout(&kf->rx.done, 30 * HZ)) {
		pr_err("kfifo: only %u of %u messages arrived\n", kf->rx.n, n);
		return -ETIMEDOUT;
	}
	return 0;
}

static int rlb_test_kfifo(void)
{
	u32 psize = payload ? payload : 496;
	struct rlb_kf *kf;
	u8 *txbuf;
	u64 t0, el;
	int ret;

	if (size < sizeof(u64) || size > psize || size > U16_MAX)
		return -EINVAL;
	kf = kzalloc(sizeof(*kf), GFP_KERNEL);
	if (!kf)
		return -ENOMEM;
	ret = rlb_rx_init(&kf->rx, count, size);
	if (ret)
		goto out_kf;
	/* as many bytes as the link's buffers in one direction */
	ret = kfifo_alloc(&kf->fifo,
			  roundup_pow_of_two(buffers * (psize + 16)),
			  GFP_KERNEL);
	if (ret)
		goto out_rx;
	ret = -ENOMEM;
	txbuf = kzalloc(size, GFP_KERNEL);
	/* the receive work's kind: on the CPU that queues it */
	kf->wq = alloc_workqueue("rl_bench", WQ_HIGHPRI, 1);
	if (!txbuf || !kf->wq)
		goto out_fifo;
	INIT_WORK(&kf->work, rlb_kf_work);
	atomic_set(&kf->queued, 0);
	init_waitqueue_head(&kf->space);

	ret = rlb_kf_run(kf, txbuf, max(count / 10, 1U), &t0);
	if (!ret)
		ret = rlb_kf_run(kf, txbuf, count, &t0);
	flush_workqueue(kf->wq);
	if (ret)
		goto out_fifo;
	el = kf->rx.last_ns - t0;
	rlb_printf("result test=kfifo name=%s size=%u payload=%u buffers=%u",
		   rlb_label(), size, psize, buffers);
	rlb_printf(" fifo_bytes=%u count=%u elapsed_ns=%llu msgs_per_s=%llu",
		   kfifo_size(&kf->fifo), count, el,
		   div64_u64((u64)count * NSEC_PER_SEC, max(el, 1ULL)));
	rlb_printf(" ns_per_msg=%llu", div_u64(el, count));
	rlb_print_latency(rlb_label(), kf->rx.lat, count);
out_fifo:
	if (kf->wq)
		destroy_workqueue(kf->wq);
	kfree(txbuf);
	kfifo_free(&kf->fifo);
out_rx:
	rlb_rx_free(&kf->rx);
out_kf:
	kfree(kf);
	return ret;
}

/* ---- test=rtt ---- */

/**
 * struct rlb_rtt - a round trip waiting for its echo
 * @done: completed by the reply
 * @len: bytes of the reply
 */
struct rlb_rtt {
	struct completion done;
	u32 len;
};

static int rlb_rtt_cb(void *data, u32 len, u32 src, void *priv)
{
	struct rlb_rtt *rt = priv;

	rt->len = len;
	complete(&rt->done);
	return RL_RELEASE;
}

static int rlb_test_rtt(void)
{
	struct rlb_link l = {};
	struct rlb_rtt rt;
	u32 *lat, dst, i, warm = count / 10 + 1;
	u8 *txbuf;
	u64 t0;
	int ret;

	ret = rlb_link_up(&l);
	if (ret)
		return ret;
	init_completion(&rt.done);
	lat = vmalloc(array_size(count, sizeof(*lat)));
	txbuf = kzalloc(max(size, 1U), GFP_KERNEL);
	ret = -ENOMEM;
	if (!lat || !txbuf)
		goto out;
	ret = rl_loopback_echo_start(l.pair, "rl-bench-echo");
	if (ret)
		goto out;
	dst = rl_loopback_echo_addr(l.pair);
	l.tx = rpmsg_lite_create_ept(l.m, RL_ADDR_ANY, rlb_rtt_cb, &rt);
	if (IS_ERR(l.tx)) {
		ret = PTR_ERR(l.tx);
		goto out;
	}
	for (i = 0; i < warm + count; i++) {
		reinit_completion(&rt.done);
		t0 = ktime_get_ns();
		ret = rpmsg_lite_send(l.m, l.tx, dst, txbuf, size, RLB_SEND_MS);
		if (ret)
			break;
		if (!wait_for_completion_timeout(&rt.done, 5 * HZ)) {
			ret = -ETIMEDOUT;
			break;
		}
		if (i >= warm)
			lat[i - warm] = min_t(u64, ktime_get_ns() - t0, U32_MAX);
	}
	rpmsg_lite_destroy_ept(l.m, l.tx);
	if (ret) {
		pr_err("round trip %u: %d\n", i, ret);
		goto out;
	}
	rlb_printf("result test=rtt name=%s size=%u payload=%u count=%u",
		   rlb_label(), size, rpmsg_lite_get_payload_size(l.m), count);
	rlb_print_latency(rlb_label(), lat, count);
out:
	kfree(txbuf);
	vfree(lat);
	rlb_link_down(&l);
	return ret;
}

/* ---- test=eps ---- */

/**
 * struct rlb_ep - one endpoint pair of test=eps
 * @l: the link pair
 * @tx: endpoint on the master
 * @rx: endpoint on the remote
 * @task: sending kthread
 * @rcvd: messages received (remote receive work only)
 * @errors: sends that failed other than by timing out
 * @stop: the sender must stop
 */
struct rlb_ep {
	struct rlb_link *l;
	struct rpmsg_lite_endpoint *tx;
	struct rpmsg_lite_endpoint *rx;
	struct task_struct *task;
	u64 rcvd;
	u64 errors;
	bool *stop;
};

static int rlb_ep_cb(void *data, u32 len, u32 src, void *priv)
{
	struct rlb_ep *ep = priv;

	WRITE_ONCE(ep->rcvd, ep->rcvd + 1);
	return RL_RELEASE;
}

static int rlb_ep_thread(void *arg)
{
	struct rlb_ep *ep = arg;
	u32 dst = rpmsg_lite_ept_addr(ep->rx);
	u8 buf[16] = {};
	int ret;

	while (!READ_ONCE(*ep->stop) && !kthread_should_stop()) {
		ret = rpmsg_lite_send(ep->l->m, ep->tx, dst, buf,
				      min_t(u32, size, sizeof(buf)), 20);
		if (ret && ret != -ETIMEDOUT) {
			ep->errors++;
			usleep_range(1000, 2000);
		}
	}
	return 0;
}

static int rlb_test_eps(void)
{
	u64 *c0, k0, sum = 0, sq = 0, d, el, t0, lo = U64_MAX, hi = 0;
	struct rlb_link l = {};
	struct rlb_ep *ep;
	bool stop = false;
	u64 errors = 0;
	u32 i, started = 0;
	int ret;

	if (!eps || eps > RLB_MAX_EPTS)
		return -EINVAL;
	ret = rlb_link_up(&l);
	if (ret)
		return ret;
	ep = vzalloc(array_size(eps, sizeof(*ep)));
	c0 = vzalloc(array_size(eps, sizeof(*c0)));
	if (!ep || !c0) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < eps; i++) {
		ep[i].l = &l;
		ep[i].stop = &stop;
		ep[i].rx = rpmsg_lite_create_ept(l.r, RL_ADDR_ANY, rlb_ep_cb,
						 &ep[i]);
		ep[i].tx = rpmsg_lite_create_ept(l.m, RL_ADDR_ANY, rlb_noop_cb,
						 NULL);
		if (IS_ERR(ep[i].rx) || IS_ERR(ep[i].tx)) {
			ret = -ENOMEM;
			goto out_epts;
		}
	}
	for (i = 0; i < eps; i++) {
		ep[i].task = kthread_run(rlb_ep_thread, &ep[i], "rl_bench/%u",
					 i);
		if (IS_ERR(ep[i].task)) {
			ret = PTR_ERR(ep[i].task);
			ep[i].task = NULL;
			goto out_threads;
		}
		get_task_struct(ep[i].task);
		started++;
	}

	msleep(min(ms / 5, 200U));	/* warm-up */
	k0 = rlb_kicks(&l, true);
	t0 = ktime_get_ns();
	for (i = 0; i < eps; i++)
		c0[i] = READ_ONCE(ep[i].rcvd);
	msleep(ms);
	for (i = 0; i < eps; i++)
		c0[i] = READ_ONCE(ep[i].rcvd) - c0[i];
	el = ktime_get_ns() - t0;
	d = rlb_kicks(&l, true) - k0;

	for (i = 0; i < eps; i++) {
		sum += c0[i];
		sq += c0[i] * c0[i];
		lo = min(lo, c0[i]);
		hi = max(hi, c0[i]);
	}
	WRITE_ONCE(stop, true);
	for (i = 0; i < started; i++) {
		kthread_stop(ep[i].task);
		put_task_struct(ep[i].task);
		errors += ep[i].errors;
	}
	started = 0;
	/* Jain's index (sum x)^2 / (n * sum x^2), in millionths */
	rlb_printf("result test=eps name=%s eps=%u size=%u event_idx=%d",
		   rlb_label(), eps, min_t(u32, size, 16), event_idx);
	rlb_printf(" notify_consumed=%d elapsed_ns=%llu msgs=%llu msgs_per_s=%llu",
		   notify_consumed, el, sum,
		   div64_u64(sum * NSEC_PER_SEC, max(el, 1ULL)));
	rlb_printf(" jain_ppm=%llu min=%llu max=%llu kicks_to_remote=%llu",
		   sq ? div64_u64(div64_u64(sum * sum, eps) * 1000000ULL,
				  sq) : 0, lo, hi, d);
	rlb_printf(" send_errors=%llu\n", errors);
	ret = 0;
out_threads:
	WRITE_ONCE(stop, true);
	for (i = 0; i < started; i++) {
		kthread_stop(ep[i].task);
		put_task_struct(ep[i].task);
	}
out_epts:
	for (i = 0; i < eps && ep; i++) {
		if (!IS_ERR_OR_NULL(ep[i].tx))
			rpmsg_lite_destroy_ept(l.m, ep[i].tx);
		if (!IS_ERR_OR_NULL(ep[i].rx))
			rpmsg_lite_destroy_ept(l.r, ep[i].rx);
	}
out:
	vfree(c0);
	vfree(ep);
	rlb_link_down(&l);
	return ret;
}

/* ---- test=mem ---- */

static struct rlb_link rlb_mem_link;
static struct rpmsg_lite_endpoint **rlb_mem_epts;
static u32 rlb_mem_n;
static DEFINE_MUTEX(rlb_mem_lock);

static void rlb_mem_set(u32 n)
{
	struct rpmsg_lite_endpoint *e;

	while (rlb_mem_n > n) {
		rlb_mem_n--;
		rpmsg_lite_destroy_ept(rlb_mem_link.m, rlb_mem_epts[rlb_mem_n]);
	}
	while (rlb_mem_n < n) {
		e = rpmsg_lite_create_ept(rlb_mem_link.m, RL_ADDR_ANY,
					  rlb_noop_cb, NULL);
		if (IS_ERR(e)) {
			pr_err("endpoint %u: %pe\n", rlb_mem_n, e);
			return;
		}
		rlb_mem_epts[rlb_mem_n++] = e;
	}
}

static ssize_t rlb_epts_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	u32 n;
	int ret;

	ret = kstrtou32_from_user(ubuf, len, 0, &n);
	if (ret)
		return ret;
	if (n > RLB_MAX_EPTS)
		return -EINVAL;
	mutex_lock(&rlb_mem_lock);
	rlb_mem_set(n);
	ret = rlb_mem_n == n ? len : -ENOMEM;
	mutex_unlock(&rlb_mem_lock);
	return ret;
}

static ssize_t rlb_epts_read(struct file *file, char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char buf[16];
	int n;

	n = scnprintf(buf, sizeof(buf), "%u\n", READ_ONCE(rlb_mem_n));
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations rlb_epts_fops = {
	.owner = THIS_MODULE,
	.write = rlb_epts_write,
	.read = rlb_epts_read,
	.llseek = default_llseek,
};

static int rlb_test_mem(void)
{
	int ret;

	rlb_mem_epts = vzalloc(array_size(RLB_MAX_EPTS,
					  sizeof(*rlb_mem_epts)));
	if (!rlb_mem_epts)
		return -ENOMEM;
	ret = rlb_link_up(&rlb_mem_link);
	if (ret) {
		vfree(rlb_mem_epts);
		rlb_mem_epts = NULL;
		return ret;
	}
	debugfs_create_file("epts", 0600, rlb_dir, NULL, &rlb_epts_fops);
	rlb_printf("result test=mem name=%s ready=1\n", rlb_label());
	return 0;
}

static void rlb_mem_exit(void)
{
	if (!rlb_mem_epts)
		return;
	rlb_mem_set(0);
	rlb_link_down(&rlb_mem_link);
	vfree(rlb_mem_epts);
}

/* ---- module ---- */

static int __init rlb_init(void)
{
	int ret;

	rlb_out.buf = vzalloc(RLB_OUT_SIZE);
	if (!rlb_out.buf)
		return -ENOMEM;
	rlb_dir = debugfs_create_dir("rl_bench", NULL);

	if (!strcmp(test, "stream")) {
		ret = rlb_test_stream();
	} else if (!strcmp(test, "kfifo")) {
		ret = rlb_test_kfifo();
	} else if (!strcmp(test, "rtt")) {
		ret = rlb_test_rtt();
	} else if (!strcmp(test, "eps")) {
		ret = rlb_test_eps();
	} else if (!strcmp(test, "mem")) {
		ret = rlb_test_mem();
	} else {
		pr_err("unknown test '%s'\n", test);
		ret = -EINVAL;
	}
	if (ret)
		rlb_printf("error test=%s name=%s errno=%d\n", test,
			   rlb_label(), ret);
	rlb_out.blob.data = rlb_out.buf;
	rlb_out.blob.size = rlb_out.len;
	debugfs_create_blob("output", 0400, rlb_dir, &rlb_out.blob);
	/* the module stays loaded so that the output can be read */
	return 0;
}
module_init(rlb_init);

static void __exit rlb_exit(void)
{
	debugfs_remove_recursive(rlb_dir);
	rlb_mem_exit();
	vfree(rlb_out.buf);
}
module_exit(rlb_exit);

MODULE_DESCRIPTION("rpmsg-lite in-kernel benchmarks");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
MODULE_IMPORT_NS(RPMSG_LITE_TEST);
