// SPDX-License-Identifier: GPL-2.0
/*
 * rl_fuzz_test.c - a hostile peer for rpmsg-lite links (KUnit).
 *
 * One link of the driver runs on a transport of this file (its kicks are
 * only counted) over a region this file allocates; the test plays the
 * other side by writing the shared memory itself, byte by byte as a peer
 * would, and calling rpmsg_lite_isr() as its interrupt.  Next to valid
 * traffic in both directions (a kernel thread keeps sending from the
 * link's side) it corrupts what a peer can corrupt: ring indices, ring
 * entries, used lengths, descriptor addresses and lengths, message
 * headers (len, dst), name-service messages, ring flags and event
 * indices; it sends kick storms, kicks with foreign vq ids, and makes the
 * link's own kicks fail.
 *
 * Invariants:
 * - no oops or sanitizer report (the guest run scans the console);
 * - no access outside the region: with KASAN the region is an exact
 *   allocation, so KASAN sees any access past it; without KASAN it sits
 *   between two guard zones of poison bytes that must stay untouched;
 * - every message the peer publishes is either delivered once to its
 *   endpoint or counted in exactly one drop counter, and the link never
 *   processes more entries than were published however many kicks came
 *   (bounded work per kick);
 * - every message the link sends arrives at the peer intact, once and in
 *   order, unless the link reported the send as failed;
 * - a corrupted ring is detected and counted, and after
 *   rpmsg_lite_reset_link() the link works again;
 * - the link stays up between the peer's corruptions, and a remote link
 *   follows exactly the rebuilds the peer (as master) announced with the
 *   ring generation (stats.master_reinits), no other.
 *
 * Configurations: 2..1024 buffers of 16..65520 bytes (at most 512 KiB a
 * direction), and for a remote link also short descriptors and buffers in
 * a region apart from the vrings (the layout of Linux's virtio master).
 *
 * Seeded and reproducible: the module parameter "seed" drives a prandom
 * state; every run prints its seed, every failure the seed and the step.
 * "steps" is the number of peer actions, split between the two roles.
 * "race_resets" lets rpmsg_lite_reset_link() run while the link's sender
 * is in the middle of a send (off by default: a sender that took a
 * buffer just before a reset publishes it into the rebuilt rings).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/irqflags.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/prandom.h>
#include <linux/rpmsg_lite.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "rl_test_time.h"
#include "rl_wire.h"

static ulong seed = 20261125;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "prandom seed of the peer's actions (default 20261125)");

static ulong steps = 20000;
module_param(steps, ulong, 0444);
MODULE_PARM_DESC(steps, "peer actions in all, split between the two roles (default 20000)");

static bool race_resets;
module_param(race_resets, bool, 0444);
MODULE_PARM_DESC(race_resets, "let link resets race with the link's sender (default off: the sender is paused around each reset until the core takes the ring generation with the buffer)");

/* Peer actions per link configuration before the next one is drawn. */
#define FZ_ROUND_STEPS		4096
/*
 * Each role's steps are split over FZ_PARTS cases: 6.1 gives a case
 * 300 s, and a debug kernel under TCG does some 2500 actions a second.
 */
#define FZ_PARTS		8
/* Address of the link's endpoint, and of the peer's. */
#define FZ_EPT_ADDR		0x4000
#define FZ_PEER_ADDR		0x5000
/* Device address of the region, and of the buffer region when apart. */
#define FZ_SHM_DA		0x80000000ULL
#define FZ_BUFS_DA		0xa0000000ULL
/* Most bytes of buffers per direction of a drawn configuration. */
#define FZ_DIR_MAX		(512 * 1024)
/* Guard zones around the region (no KASAN) and their poison. */
#define FZ_GUARD		PAGE_SIZE
#define FZ_POISON		0x6b
/* Most kicks of one storm. */
#define FZ_STORM_MAX		512
/* How long the link gets to react to something. */
#define FZ_WAIT_MS		rl_test_ms(20000)
/* First word of every message of the traffic in both directions. */
#define FZ_MAGIC		0x7a46524cU

/**
 * struct fz_ring - where the parts of one vring are
 * @desc: descriptor table
 * @avail: available ring
 * @used: used ring
 * @bufs: the buffers of this vring (master layout)
 */
struct fz_ring {
	struct rl_vring_desc *desc;
	struct rl_vring_avail *avail;
	struct rl_vring_used *used;
	u8 *bufs;
};

/**
 * struct fz - state of one fuzzing run against one link
 * @test: the case
 * @rnd: prandom state of the peer
 * @chunk: which part of the role's steps this case runs (0..FZ_PARTS-1)
 * @step: actions done so far in this role (printed on failure)
 * @failed: a check failed; the run stops
 * @link_is_master: the link under test is the master (the peer is remote)
 * @cfg: link configuration of this round
 * @num: buffers per direction
 * @buf_size: bytes per buffer
 * @mask: @num - 1
 * @dev: device of the link
 * @rl: the link
 * @ept: endpoint of the link at FZ_EPT_ADDR
 * @alloc: allocation holding the region (and the guard zones)
 * @guard: bytes of guard zone on each side (0 with KASAN)
 * @shm: the region
 * @shm_size: its size
 * @bufs_alloc: allocation holding the buffer region when apart, or NULL
 * @bufs: the buffer region: apart, or in @shm after the vrings
 * @bufs_da: its device address
 * @bufs_size: its size
 * @gen: peer as master: the ring generation it published last
 * @exp_reinits: peer as master: generation rebuilds it made
 * @vr: the two vrings
 * @avail_last: peer as remote: entries taken from avail, per vring
 * @used_idx: peer as remote: used idx it publishes, per vring
 * @avail_idx: peer as master: avail idx it publishes, per vring
 * @used_last: peer as master: used entries taken back, per vring
 * @held: peer as master: descriptors the link holds, per vring
 * @produced: messages published to the link since the last rebuild
 * @notify_fail: fail this many of the link's next kicks
 * @kicks_out: kicks the link sent successfully
 * @kicks_failed: kicks of the link refused
 * @exp_rx_msgs: expected stats.rx_msgs (every callback run)
 * @exp_bad_len: expected stats.rx_drop_bad_len
 * @exp_no_ept: expected stats.rx_drop_no_ept
 * @exp_bad_ns: expected stats.rx_drop_bad_ns
 * @exp_ring: ring errors the link must have counted at least
 * @ring_slack: ring errors it may count on top (lazily seen ones, races
 *              of a breaking ring with senders)
 * @exp_kicks_in: expected stats.kicks_in
 * @exp_delivered: valid messages sent to the endpoint
 * @exp_ns_cb: valid name-service messages
 * @delivered: messages the endpoint callback got
 * @bad_delivery: endpoint callback got something never sent
 * @rx_next: sequence number the endpoint expects next
 * @ns_bound: our name-service callback is bound (else the char device's)
 * @ns_cb: name-service callback runs
 * @ns_bad: name-service callback got a bad name or flags
 * @peer_seq: next sequence number the peer sends
 * @tx_lock: held by the traffic thread around each send; the peer takes
 *           it to stop traffic around a plain reset
 * @tx_thread: traffic thread
 * @tx_ok: sends that returned 0
 * @tx_bad_errno: a send failed with an unexpected errno (the errno)
 * @tx_seen: messages of the link the peer received
 * @tx_last_seq: sequence number of the last one
 * @breaks: corruptions that broke a ring
 * @resets: link resets
 * @restarts: peer as master: restarts the link followed by itself
 */
struct fz {
	struct kunit *test;
	struct rnd_state rnd;
	unsigned int chunk;
	unsigned long step;
	bool failed;
	bool link_is_master;
	struct rpmsg_lite_config cfg;
	u32 num;
	u32 buf_size;
	u32 mask;
	struct platform_device *dev;
	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_endpoint *ept;
	u8 *alloc;
	size_t guard;
	u8 *shm;
	size_t shm_size;
	u8 *bufs_alloc;
	u8 *bufs;
	u64 bufs_da;
	size_t bufs_size;
	u8 gen;
	u64 exp_reinits;
	struct fz_ring vr[2];
	u16 avail_last[2];
	u16 used_idx[2];
	u16 avail_idx[2];
	u16 used_last[2];
	unsigned long *held[2];
	u32 produced;
	atomic_t notify_fail;
	atomic64_t kicks_out;
	atomic64_t kicks_failed;
	u64 exp_rx_msgs;
	u64 exp_bad_len;
	u64 exp_no_ept;
	u64 exp_bad_ns;
	u64 exp_ring;
	u64 ring_slack;
	u64 exp_kicks_in;
	u64 exp_delivered;
	u64 exp_ns_cb;
	atomic64_t delivered;
	atomic_t bad_delivery;
	u32 rx_next;
	bool ns_bound;
	atomic64_t ns_cb;
	atomic_t ns_bad;
	u32 peer_seq;
	struct mutex tx_lock;	/* traffic thread vs plain resets */
	struct task_struct *tx_thread;
	atomic64_t tx_ok;
	atomic_t tx_bad_errno;
	u64 tx_seen;
	u32 tx_last_seq;
	u64 breaks;
	u64 resets;
	u64 restarts;
};

#define fz_fail(f, fmt, ...)						\
	do {								\
		struct fz *__fz = (f);					\
									\
		KUNIT_FAIL(__fz->test, "seed %lu chunk %u step %lu (%s link): " fmt, \
			   seed, __fz->chunk, __fz->step,		\
			   __fz->link_is_master ? "master" : "remote",	\
			   ##__VA_ARGS__);				\
		__fz->failed = true;					\
	} while (0)

static u32 fz_rand(struct fz *fz, u32 n)
{
	return n ? prandom_u32_state(&fz->rnd) % n : 0;
}

static bool fz_chance(struct fz *fz, u32 percent)
{
	return fz_rand(fz, 100) < percent;
}

/* ---- the link's transport: kicks are counted, optionally refused ---- */

static int fz_notify(void *priv, u32 vq_id)
{
	struct fz *fz = priv;

	if (atomic_dec_if_positive(&fz->notify_fail) >= 0) {
		atomic64_inc(&fz->kicks_failed);
		return -EIO;
	}
	atomic64_inc(&fz->kicks_out);
	return 0;
}

static const struct rpmsg_lite_transport_ops fz_ops = {
	.notify = fz_notify,
};

/* ---- layout (rl_wire.h), computed here, not asked from the driver ---- */

static size_t fz_used_off(const struct rpmsg_lite_config *cfg)
{
	return ALIGN(16 * cfg->buffer_count + 6 + 2 * cfg->buffer_count,
		     cfg->vring_align);
}

static size_t fz_vring_bytes(const struct rpmsg_lite_config *cfg)
{
	return fz_used_off(cfg) + 4 + 8 * cfg->buffer_count + 2;
}

/* avail_event, the trailer of the used ring */
static __le16 *fz_avail_event(struct fz *fz, int v)
{
	return (__le16 *)&fz->vr[v].used->ring[fz->num];
}

static void fz_layout(struct fz *fz)
{
	int v;

	for (v = 0; v < 2; v++) {
		u8 *ring = fz->shm + v * fz->cfg.vring_size;

		fz->vr[v].desc = (struct rl_vring_desc *)ring;
		fz->vr[v].avail = (struct rl_vring_avail *)(ring + 16 * fz->num);
		fz->vr[v].used = (struct rl_vring_used *)(ring +
							 fz_used_off(&fz->cfg));
		fz->vr[v].bufs = fz->bufs + (size_t)v * fz->num * fz->buf_size;
	}
}

static u8 *fz_buf(struct fz *fz, int v, u32 head)
{
	return fz->vr[v].bufs + (size_t)head * fz->buf_size;
}

/* Draw a configuration the driver must accept. */
static void fz_draw_config(struct fz *fz)
{
	static const u32 payloads[] = {
		16, 24, 64, 496, 1008, 4080, 16368, 65520,
	};
	struct rpmsg_lite_config *cfg = &fz->cfg;

	memset(cfg, 0, sizeof(*cfg));
	fz->bufs_alloc = NULL;
	cfg->link_id = fz_rand(fz, 4);
	/* small rings mostly: they wrap, fill and break more often */
	do {
		cfg->buffer_count = 2 << (fz_chance(fz, 70) ? fz_rand(fz, 5) :
					  fz_rand(fz, 10));	/* 2..1024 */
		cfg->payload_size = payloads[fz_rand(fz, ARRAY_SIZE(payloads))];
	} while ((size_t)cfg->buffer_count *
		 (cfg->payload_size + RL_MSG_HDR_SIZE) > FZ_DIR_MAX);
	cfg->vring_align = fz_chance(fz, 50) ? 0x10 : 0x1000;
	/* vring 1 starts at a multiple of the alignment (core.rst) */
	cfg->vring_size = ALIGN(fz_vring_bytes(cfg), cfg->vring_align);
	if (fz_chance(fz, 30))
		cfg->vring_size = ALIGN(cfg->vring_size, 0x1000);
	cfg->shm_da = FZ_SHM_DA;
	cfg->event_idx = fz_chance(fz, 30);
	cfg->notify_consumed = fz_chance(fz, 30);
	cfg->link_up_kick_ms = 20;
	/* a remote link may face a virtio-style master */
	cfg->short_descs = !fz->link_is_master && fz_chance(fz, 30);

	fz->num = cfg->buffer_count;
	fz->mask = fz->num - 1;
	fz->buf_size = cfg->payload_size + RL_MSG_HDR_SIZE;
	fz->bufs_size = 2 * (size_t)fz->num * fz->buf_size;
	fz->shm_size = 2 * (size_t)cfg->vring_size;
	if (fz->link_is_master || fz_chance(fz, 70))
		fz->shm_size += fz->bufs_size;	/* rpmsg-lite's layout */
	else
		fz->bufs_alloc = ERR_PTR(-EAGAIN);	/* apart: allocated next */
}

/* ---- the region ---- */

static int fz_region_alloc(struct fz *fz)
{
	fz->guard = IS_ENABLED(CONFIG_KASAN) ? 0 : FZ_GUARD;
	fz->alloc = kmalloc(fz->shm_size + 2 * fz->guard, GFP_KERNEL);
	if (!fz->alloc)
		return -ENOMEM;
	memset(fz->alloc, FZ_POISON, fz->guard);
	fz->shm = fz->alloc + fz->guard;
	memset(fz->shm, 0, fz->shm_size);
	memset(fz->shm + fz->shm_size, FZ_POISON, fz->guard);
	if (fz->bufs_alloc) {
		/* apart, with guard zones of its own */
		fz->bufs_alloc = kmalloc(fz->bufs_size + 2 * fz->guard,
					 GFP_KERNEL);
		if (!fz->bufs_alloc)
			return -ENOMEM;
		memset(fz->bufs_alloc, FZ_POISON, fz->guard);
		fz->bufs = fz->bufs_alloc + fz->guard;
		memset(fz->bufs, 0, fz->bufs_size);
		memset(fz->bufs + fz->bufs_size, FZ_POISON, fz->guard);
		fz->bufs_da = FZ_BUFS_DA;
	} else {
		fz->bufs = fz->shm + 2 * fz->cfg.vring_size;
		fz->bufs_da = fz->cfg.shm_da + 2 * fz->cfg.vring_size;
	}
	fz_layout(fz);
	return 0;
}

static void fz_check_guards(struct fz *fz)
{
	const u8 *z[4] = { fz->alloc, fz->shm + fz->shm_size,
			   fz->bufs_alloc, fz->bufs + fz->bufs_size };
	size_t i;
	int g;

	for (g = 0; g < (fz->bufs_alloc ? 4 : 2); g++) {
		for (i = 0; i < fz->guard; i++) {
			if (z[g][i] != FZ_POISON) {
				fz_fail(fz, "guard zone %s the %s changed at byte %zu: 0x%02x",
					g & 1 ? "after" : "before",
					g < 2 ? "region" : "buffer region", i,
					z[g][i]);
				return;
			}
		}
	}
}

/* ---- messages ---- */

static void fz_write_msg(u8 *buf, u32 src, u32 dst, u32 len)
{
	struct rl_msg_hdr hdr = {
		.src = cpu_to_le32(src),
		.dst = cpu_to_le32(dst),
		.reserved = cpu_to_le32(0xdead0000),	/* stale, as rpmsg-lite */
		.len = cpu_to_le16(len),
	};

	memcpy(buf, &hdr, sizeof(hdr));
}

/* Payload of traffic message @seq: magic, seq, then (u8)seq bytes. */
static void fz_fill_payload(u8 *p, u32 len, u32 seq)
{
	__le32 w[2] = { cpu_to_le32(FZ_MAGIC), cpu_to_le32(seq) };

	memcpy(p, w, min_t(u32, len, sizeof(w)));
	if (len > sizeof(w))
		memset(p + sizeof(w), (u8)seq, len - sizeof(w));
}

/* Check a traffic payload; returns its seq or -1. */
static s64 fz_check_payload(const u8 *p, u32 len)
{
	__le32 w[2];
	u32 seq, i;

	if (len < sizeof(w))
		return -1;
	memcpy(w, p, sizeof(w));
	if (le32_to_cpu(w[0]) != FZ_MAGIC)
		return -1;
	seq = le32_to_cpu(w[1]);
	for (i = sizeof(w); i < len; i++)
		if (p[i] != (u8)seq)
			return -1;
	return seq;
}

static u32 fz_traffic_len(struct fz *fz, u32 seq)
{
	return 8 + seq % (fz->cfg.payload_size - 8 + 1);
}

/* Endpoint of the link: only the peer's valid messages may arrive. */
static int fz_ept_cb(void *payload, u32 payload_len, u32 src, void *priv)
{
	struct fz *fz = priv;
	s64 seq = fz_check_payload(payload, payload_len);

	if (src != FZ_PEER_ADDR || seq < 0 || (u32)seq != fz->rx_next ||
	    payload_len != fz_traffic_len(fz, seq))
		atomic_inc(&fz->bad_delivery);
	else
		fz->rx_next++;
	atomic64_inc(&fz->delivered);
	return RL_RELEASE;
}

static void fz_ns_cb(u32 new_ept, const char *new_ept_name, u32 flags,
		     void *user_data)
{
	struct fz *fz = user_data;

	if (strnlen(new_ept_name, RL_NS_NAME_SIZE) >= RL_NS_NAME_SIZE ||
	    (flags != RL_NS_CREATE && flags != RL_NS_DESTROY))
		atomic_inc(&fz->ns_bad);
	atomic64_inc(&fz->ns_cb);
}

/* ---- traffic from the link ---- */

static int fz_tx_thread(void *arg)
{
	struct fz *fz = arg;
	u8 *buf = kmalloc(fz->cfg.payload_size, GFP_KERNEL);
	u32 seq = 1, len;
	int ret;

	while (!kthread_should_stop()) {
		if (!buf) {
			msleep(20);
			continue;
		}
		len = fz_traffic_len(fz, seq);
		fz_fill_payload(buf, len, seq);
		mutex_lock(&fz->tx_lock);
		ret = rpmsg_lite_send(fz->rl, fz->ept, FZ_PEER_ADDR, buf, len,
				      RL_DONT_BLOCK);
		mutex_unlock(&fz->tx_lock);
		if (!ret) {
			atomic64_inc(&fz->tx_ok);
			seq++;
			continue;
		}
		if (ret != -ENOMEM && ret != -EPIPE && ret != -ENOTCONN)
			atomic_set(&fz->tx_bad_errno, ret);
		usleep_range(50, 200);
	}
	kfree(buf);
	return 0;
}

/* A message of the link, as the peer finds it in buffer @buf. */
static void fz_peer_got(struct fz *fz, const u8 *buf, u32 ring_len)
{
	struct rl_msg_hdr hdr;
	u32 len;
	s64 seq;

	memcpy(&hdr, buf, sizeof(hdr));
	len = le16_to_cpu(hdr.len);
	if (le32_to_cpu(hdr.src) != FZ_EPT_ADDR ||
	    le32_to_cpu(hdr.dst) != FZ_PEER_ADDR || len > fz->cfg.payload_size ||
	    ring_len > fz->buf_size) {
		fz_fail(fz, "link sent a bad header: src %u dst %u len %u (ring %u)",
			le32_to_cpu(hdr.src), le32_to_cpu(hdr.dst), len,
			ring_len);
		return;
	}
	seq = fz_check_payload(buf + RL_MSG_HDR_SIZE, len);
	if (seq < 0 || len != fz_traffic_len(fz, seq)) {
		fz_fail(fz, "link sent a corrupted payload (len %u)", len);
		return;
	}
	if ((u32)seq <= fz->tx_last_seq) {
		fz_fail(fz, "link sent seq %lld after %u: duplicated or reordered",
			seq, fz->tx_last_seq);
		return;
	}
	fz->tx_last_seq = seq;
	fz->tx_seen++;
}

/* ---- peer as remote (the link is the master) ---- */

/*
 * Take a buffer the master posted in vring 0 (its receive ring).
 * Returns the head or -1 when none is posted.
 */
static int fz_r_take_rx_slot(struct fz *fz)
{
	struct rl_vring_avail *avail = fz->vr[0].avail;
	u16 idx = le16_to_cpu(READ_ONCE(avail->idx));
	u16 head;

	if (idx == fz->avail_last[0])
		return -1;
	if ((u16)(idx - fz->avail_last[0]) > fz->num) {
		fz_fail(fz, "master's avail idx %u jumped from %u", idx,
			fz->avail_last[0]);
		return -1;
	}
	smp_rmb();	/* entry after idx */
	head = le16_to_cpu(READ_ONCE(avail->ring[fz->avail_last[0] &
						  fz->mask]));
	if (head >= fz->num) {
		fz_fail(fz, "master posted descriptor %u of %u", head,
			fz->num);
		return -1;
	}
	fz->avail_last[0]++;
	return head;
}

static void fz_r_publish_used(struct fz *fz, int v, u32 id, u32 len)
{
	struct rl_vring_used *used = fz->vr[v].used;

	WRITE_ONCE(used->ring[fz->used_idx[v] & fz->mask].id,
		   cpu_to_le32(id));
	WRITE_ONCE(used->ring[fz->used_idx[v] & fz->mask].len,
		   cpu_to_le32(len));
	smp_wmb();	/* entry before idx */
	fz->used_idx[v]++;
	WRITE_ONCE(used->idx, cpu_to_le16(fz->used_idx[v]));
}

/* Take the master's sent messages from vring 1 and give them back. */
static void fz_r_consume(struct fz *fz)
{
	struct rl_vring_avail *avail = fz->vr[1].avail;
	u16 idx = le16_to_cpu(READ_ONCE(avail->idx));
	u32 n = 0, len;
	u16 head;

	if ((u16)(idx - fz->avail_last[1]) > fz->num) {
		fz_fail(fz, "master's tx avail idx %u jumped from %u", idx,
			fz->avail_last[1]);
		return;
	}
	/* read the entries after the idx that published them */
	smp_rmb();
	while (fz->avail_last[1] != idx && n++ < fz->num && !fz->failed) {
		head = le16_to_cpu(READ_ONCE(avail->ring[fz->avail_last[1] &
							  fz->mask]));
		if (head >= fz->num) {
			fz_fail(fz, "master sent descriptor %u of %u", head,
				fz->num);
			return;
		}
		fz->avail_last[1]++;
		fz_peer_got(fz, fz_buf(fz, 1, head), fz->buf_size);
		len = fz->buf_size;
		if (fz_chance(fz, 3)) {
			/* a used length past the buffer, seen lazily */
			len = fz->buf_size + 1 + fz_rand(fz, 0x10000);
			fz->ring_slack++;
		}
		fz_r_publish_used(fz, 1, head, len);
	}
}

/* Peer state right after the master (re)built its rings. */
static void fz_r_rebuilt(struct fz *fz)
{
	fz->avail_last[0] = 0;
	fz->used_idx[0] = 0;
	fz->avail_last[1] = 0;
	fz->used_idx[1] = fz->num;
	fz->produced = 0;
}

/* ---- peer as master (the link is the remote) ---- */

static void fz_m_write_desc(struct fz *fz, int v, u32 i)
{
	struct rl_vring_desc *d = &fz->vr[v].desc[i];
	u64 da = fz->bufs_da + (fz->vr[v].bufs - fz->bufs) +
		 (u64)i * fz->buf_size;

	WRITE_ONCE(d->addr, cpu_to_le64(da));
	WRITE_ONCE(d->len, cpu_to_le32(fz->buf_size));
	WRITE_ONCE(d->flags, cpu_to_le16(RL_VRING_DESC_F_WRITE));
	WRITE_ONCE(d->next, cpu_to_le16(i + 1 < fz->num ? i + 1 :
					RL_VRING_DESC_CHAIN_END));
}

/* Write the rpmsg-lite master image, as after master init. */
static void fz_m_build(struct fz *fz)
{
	u32 i;
	int v;

	memset(fz->shm, 0, 2 * fz->cfg.vring_size);
	for (v = 0; v < 2; v++) {
		for (i = 0; i < fz->num; i++)
			fz_m_write_desc(fz, v, i);
		WRITE_ONCE(fz->vr[v].avail->flags,
			   cpu_to_le16(RL_VRING_AVAIL_F_NO_INTERRUPT));
		bitmap_zero(fz->held[v], fz->num);
	}
	/* the generation this image carries (0: none, as rpmsg-lite) */
	WRITE_ONCE(fz->vr[0].avail->flags,
		   cpu_to_le16(RL_VRING_AVAIL_F_NO_INTERRUPT |
			       (u16)fz->gen << RL_VRING_F_GEN_SHIFT));
	/* vring 0: every buffer posted for the remote to send in */
	for (i = 0; i < fz->num; i++)
		WRITE_ONCE(fz->vr[0].avail->ring[i], cpu_to_le16(i));
	bitmap_fill(fz->held[0], fz->num);
	/* vring 1: every buffer pre-published in used, free to send */
	for (i = 0; i < fz->num; i++) {
		WRITE_ONCE(fz->vr[1].used->ring[i].id, cpu_to_le32(i));
		WRITE_ONCE(fz->vr[1].used->ring[i].len,
			   cpu_to_le32(fz->buf_size));
	}
	/* the image before the idxs that publish it */
	smp_wmb();
	WRITE_ONCE(fz->vr[0].avail->idx, cpu_to_le16(fz->num));
	WRITE_ONCE(fz->vr[1].used->idx, cpu_to_le16(fz->num));
	fz->avail_idx[0] = fz->num;
	fz->used_last[0] = 0;
	fz->avail_idx[1] = 0;
	fz->used_last[1] = fz->num;
	fz->produced = 0;
}

/* Take back what the remote returned on vring @v; checks every entry. */
static void fz_m_reclaim(struct fz *fz, int v)
{
	struct rl_vring_used *used = fz->vr[v].used;
	u16 idx = le16_to_cpu(READ_ONCE(used->idx));
	u32 n = 0, id, len;

	if ((u16)(idx - fz->used_last[v]) > fz->num) {
		fz_fail(fz, "remote's used idx %u of vring %d jumped from %u",
			idx, v, fz->used_last[v]);
		return;
	}
	/* read the entries after the idx that published them */
	smp_rmb();
	while (fz->used_last[v] != idx && n++ < fz->num && !fz->failed) {
		id = le32_to_cpu(READ_ONCE(used->ring[fz->used_last[v] &
						      fz->mask].id));
		len = le32_to_cpu(READ_ONCE(used->ring[fz->used_last[v] &
						       fz->mask].len));
		if (id >= fz->num || !test_bit(id, fz->held[v])) {
			fz_fail(fz, "remote returned descriptor %u of vring %d it did not hold",
				id, v);
			return;
		}
		fz->used_last[v]++;
		__clear_bit(id, fz->held[v]);
		/* an entry we corrupted comes back; the descriptor is fixed */
		fz_m_write_desc(fz, v, id);
		if (v == 0 && len) {
			fz_peer_got(fz, fz_buf(fz, 0, id), len);
		} else if (v == 1 && len != fz->buf_size) {
			fz_fail(fz, "remote returned rx descriptor %u with length %u",
				id, len);
			return;
		}
	}
}

/* Post a buffer in vring @v's avail ring. */
static void fz_m_post(struct fz *fz, int v, u32 head)
{
	struct rl_vring_avail *avail = fz->vr[v].avail;

	WRITE_ONCE(avail->ring[fz->avail_idx[v] & fz->mask],
		   cpu_to_le16(head));
	/* the entry before the idx that publishes it */
	smp_wmb();
	fz->avail_idx[v]++;
	WRITE_ONCE(avail->idx, cpu_to_le16(fz->avail_idx[v]));
	__set_bit(head, fz->held[v]);
}

/* Receive what the remote sent and give the buffers back (vring 0). */
static void fz_m_consume(struct fz *fz)
{
	u32 head;

	fz_m_reclaim(fz, 0);
	for (head = 0; head < fz->num && !fz->failed; head++) {
		if (test_bit(head, fz->held[0]))
			continue;
		if (fz_chance(fz, 3)) {
			/* an unusable descriptor on the remote's tx ring */
			WRITE_ONCE(fz->vr[0].desc[head].len,
				   cpu_to_le32(fz->buf_size + 1 +
					       fz_rand(fz, 64)));
			fz->ring_slack++;
		}
		fz_m_post(fz, 0, head);
	}
}

/* A free tx buffer of the peer as master (vring 1), or -1. */
static int fz_m_tx_slot(struct fz *fz)
{
	u32 head;

	fz_m_reclaim(fz, 1);
	head = find_first_zero_bit(fz->held[1], fz->num);
	return head < fz->num ? head : -1;
}

/* ---- both roles ---- */

/* vq ids of the link's two queues */
static u32 fz_vq(struct fz *fz, int queue)
{
	return rl_vq_id(fz->cfg.link_id, queue);
}

/* The peer's interrupt: one kick, as from a hard IRQ handler. */
static void fz_kick(struct fz *fz, u32 vq_id)
{
	unsigned long flags;

	local_irq_save(flags);
	rpmsg_lite_isr(fz->rl, vq_id);
	local_irq_restore(flags);
	if ((vq_id >> 1) == fz->cfg.link_id)
		fz->exp_kicks_in++;
}

/* vq the link receives on (the one the peer kicks after sending) */
static u32 fz_rx_vq(struct fz *fz)
{
	return fz_vq(fz, fz->link_is_master ? RL_VQ_MASTER_RX :
			 RL_VQ_MASTER_TX);
}

static u32 fz_tx_vq(struct fz *fz)
{
	return fz_vq(fz, fz->link_is_master ? RL_VQ_MASTER_TX :
			 RL_VQ_MASTER_RX);
}

enum fz_msg {
	FZ_MSG_VALID,		/* delivered to the endpoint */
	FZ_MSG_NO_EPT,		/* dst without endpoint */
	FZ_MSG_BAD_LEN,		/* header len > payload size */
	FZ_MSG_SHORT_RING,	/* header len > the length the ring reports */
	FZ_MSG_RING_LEN,	/* ring length / descriptor unusable */
	FZ_MSG_NS_VALID,	/* 40-byte announcement */
	FZ_MSG_NS_SIZE,		/* announcement of another size */
	FZ_MSG_NS_FLAGS,	/* announcement with unknown flags */
	FZ_MSG_KINDS,
};

/* A destination with no endpoint behind it. */
static u32 fz_no_ept_addr(struct fz *fz)
{
	u32 a;

	do {
		a = prandom_u32_state(&fz->rnd);
	} while (a == FZ_EPT_ADDR || a == RL_NS_EPT_ADDR);
	return a;
}

/*
 * A descriptor address/length pair the remote must refuse, for a message
 * the peer (as master) sends on vring 1.
 */
static void fz_bad_desc(struct fz *fz, struct rl_vring_desc *d)
{
	u64 start = fz->bufs_da, end = fz->bufs_da + fz->bufs_size;
	u64 half = (u64)fz->num * fz->buf_size;

	switch (fz_rand(fz, 9)) {
	case 0:	/* straddles the end of the buffer region */
		WRITE_ONCE(d->addr,
			   cpu_to_le64(end - 1 - fz_rand(fz, fz->buf_size - 1)));
		break;
	case 1:	/* just before the buffer region */
		WRITE_ONCE(d->addr, cpu_to_le64(start - 1 -
						fz_rand(fz, fz->buf_size)));
		break;
	case 6:	/* into the vrings */
		WRITE_ONCE(d->addr, cpu_to_le64(fz->cfg.shm_da +
						fz_rand(fz, 2 * fz->cfg.vring_size -
							fz->buf_size)));
		break;
	case 7:	/* a buffer of the other direction (vring 0's half) */
		WRITE_ONCE(d->addr, cpu_to_le64(start + fz_rand(fz, fz->num) *
						(u64)fz->buf_size));
		break;
	case 8:	/* into a buffer of its own half, not at its start */
		WRITE_ONCE(d->addr, cpu_to_le64(start + half +
						fz_rand(fz, fz->num) *
						(u64)fz->buf_size + 1 +
						fz_rand(fz, fz->buf_size - 1)));
		break;
	case 2:	/* wraps around 64 bits */
		WRITE_ONCE(d->addr, cpu_to_le64(U64_MAX - fz_rand(fz, 4096)));
		break;
	case 3:	/* anywhere past the region */
		WRITE_ONCE(d->addr, cpu_to_le64(end + fz_rand(fz, 1 << 30)));
		break;
	case 4:	/* a length other than the buffer size (short: too short) */
		WRITE_ONCE(d->len, cpu_to_le32(fz_chance(fz, 50) ?
			   fz_rand(fz, fz->cfg.short_descs ? RL_MSG_HDR_SIZE :
				   fz->buf_size) :
			   fz->buf_size + 1 + prandom_u32_state(&fz->rnd) %
			   0x7fffffff));
		break;
	default:	/* zero length */
		WRITE_ONCE(d->len, 0);
		break;
	}
}

/*
 * The peer sends one message of @kind.  Returns false when it has no free
 * buffer.  Kicks are left to the caller.
 */
static bool fz_send(struct fz *fz, enum fz_msg kind)
{
	u32 src = FZ_PEER_ADDR, dst = FZ_EPT_ADDR, len = 0, ring_len;
	struct rl_ns_msg ns;
	int head, v;
	u8 *buf;

	if (fz->link_is_master) {
		v = 0;
		head = fz_r_take_rx_slot(fz);
	} else {
		v = 1;
		head = fz_m_tx_slot(fz);
	}
	if (head < 0)
		return false;
	/* a remote's ring length is fixed, unless descriptors are short */
	if (kind == FZ_MSG_SHORT_RING && !fz->link_is_master &&
	    !fz->cfg.short_descs)
		kind = FZ_MSG_BAD_LEN;
	buf = fz_buf(fz, v, head);
	ring_len = fz->buf_size;

	switch (kind) {
	case FZ_MSG_VALID:
		len = fz_traffic_len(fz, fz->peer_seq);
		fz_fill_payload(buf + RL_MSG_HDR_SIZE, len, fz->peer_seq++);
		fz->exp_delivered++;
		fz->exp_rx_msgs++;
		break;
	case FZ_MSG_NO_EPT:
		dst = fz_no_ept_addr(fz);
		len = fz_rand(fz, fz->cfg.payload_size + 1);
		fz->exp_no_ept++;
		break;
	case FZ_MSG_BAD_LEN:
		len = fz->cfg.payload_size + 1 +
		      fz_rand(fz, 0x10000 - fz->cfg.payload_size - 1);
		dst = fz_chance(fz, 50) ? FZ_EPT_ADDR : RL_NS_EPT_ADDR;
		fz->exp_bad_len++;
		break;
	case FZ_MSG_SHORT_RING:
		len = 1 + fz_rand(fz, fz->cfg.payload_size);
		ring_len = fz_rand(fz, RL_MSG_HDR_SIZE + len);
		/* a short descriptor holds at least a header */
		if (!fz->link_is_master)
			ring_len = max_t(u32, ring_len, RL_MSG_HDR_SIZE);
		fz->exp_bad_len++;
		break;
	case FZ_MSG_RING_LEN:
		if (fz->link_is_master)
			ring_len = fz->buf_size + 1 +
				   prandom_u32_state(&fz->rnd) % 0x7fffffff;
		else
			fz_bad_desc(fz, &fz->vr[1].desc[head]);
		fz->exp_ring++;
		break;
	case FZ_MSG_NS_VALID:
	case FZ_MSG_NS_FLAGS:
		prandom_bytes_state(&fz->rnd, &ns, sizeof(ns));
		if (fz_chance(fz, 80))
			ns.name[fz_rand(fz, RL_NS_NAME_SIZE)] = '\0';
		if (kind == FZ_MSG_NS_VALID) {
			ns.flags = cpu_to_le32(fz_rand(fz, 2));
			fz->exp_ns_cb++;
		} else {
			ns.flags = cpu_to_le32(2 + fz_rand(fz, 0xfffffffd));
			fz->exp_bad_ns++;
		}
		dst = RL_NS_EPT_ADDR;
		len = sizeof(ns);
		/* a payload smaller than an announcement: only what fits */
		memcpy(buf + RL_MSG_HDR_SIZE, &ns,
		       min_t(u32, len, fz->cfg.payload_size));
		fz->exp_rx_msgs++;
		break;
	case FZ_MSG_NS_SIZE:
		dst = RL_NS_EPT_ADDR;
		do {
			len = fz_rand(fz, fz->cfg.payload_size + 1);
		} while (len == sizeof(ns));
		prandom_bytes_state(&fz->rnd, buf + RL_MSG_HDR_SIZE, len);
		fz->exp_bad_ns++;
		fz->exp_rx_msgs++;
		break;
	default:
		break;
	}
	if (kind == FZ_MSG_NS_VALID || kind == FZ_MSG_NS_FLAGS) {
		if (len > fz->cfg.payload_size) {
			/* a payload too small for an announcement */
			fz->exp_rx_msgs--;
			if (kind == FZ_MSG_NS_VALID)
				fz->exp_ns_cb--;
			else
				fz->exp_bad_ns--;
			fz->exp_bad_len++;
		}
	}
	fz_write_msg(buf, src, dst, len);

	if (fz->link_is_master) {
		fz_r_publish_used(fz, 0, head, ring_len);
	} else {
		/* a virtio master gives each message the length it needs */
		if (fz->cfg.short_descs && kind != FZ_MSG_RING_LEN)
			WRITE_ONCE(fz->vr[1].desc[head].len,
				   cpu_to_le32(kind == FZ_MSG_SHORT_RING ?
					       ring_len :
					       min(RL_MSG_HDR_SIZE + len,
						   fz->buf_size)));
		fz_m_post(fz, 1, head);
	}
	fz->produced++;
	return true;
}

/* Every published message processed and its buffer given back? */
static bool fz_all_returned(struct fz *fz)
{
	if (fz->link_is_master)
		return le16_to_cpu(READ_ONCE(fz->vr[0].avail->idx)) ==
		       (u16)(fz->num + fz->produced);
	fz_m_reclaim(fz, 1);
	return bitmap_empty(fz->held[1], fz->num);
}

static struct rpmsg_lite_link_stats fz_stats(struct fz *fz)
{
	struct rpmsg_lite_link_stats st;

	rpmsg_lite_get_stats(fz->rl, &st);
	return st;
}

/*
 * Compare every counter with what the peer did; @report: fail the case
 * on a difference.  Returns true when everything matches.
 */
static bool fz_counts_ok(struct fz *fz, bool report)
{
	struct rpmsg_lite_link_stats st = fz_stats(fz);
	s64 out = atomic64_read(&fz->kicks_out) - st.kicks_out;
	s64 err = atomic64_read(&fz->kicks_failed) - st.kick_errors;
	bool ok;

	/* the transport counts a kick just before the link does */
	ok = st.rx_msgs == fz->exp_rx_msgs &&
	     st.rx_drop_bad_len == fz->exp_bad_len &&
	     st.rx_drop_no_ept == fz->exp_no_ept &&
	     st.rx_drop_bad_ns == fz->exp_bad_ns &&
	     atomic64_read(&fz->delivered) == fz->exp_delivered &&
	     (!fz->ns_bound || atomic64_read(&fz->ns_cb) == fz->exp_ns_cb) &&
	     st.ring_errors >= fz->exp_ring &&
	     st.ring_errors <= fz->exp_ring + fz->ring_slack &&
	     st.kicks_in == fz->exp_kicks_in &&
	     st.master_reinits == fz->exp_reinits &&
	     out >= 0 && out <= 4 && err >= 0 && err <= 4 &&
	     !atomic_read(&fz->bad_delivery) && !atomic_read(&fz->ns_bad) &&
	     !atomic_read(&fz->tx_bad_errno);
	if (ok || !report)
		return ok;

	if (st.rx_msgs != fz->exp_rx_msgs ||
	    st.rx_drop_bad_len != fz->exp_bad_len)
		fz_fail(fz, "got/expected: rx_msgs %llu/%llu bad_len %llu/%llu",
			st.rx_msgs, fz->exp_rx_msgs, st.rx_drop_bad_len,
			fz->exp_bad_len);
	if (st.rx_drop_no_ept != fz->exp_no_ept ||
	    st.rx_drop_bad_ns != fz->exp_bad_ns)
		fz_fail(fz, "got/expected: no_ept %llu/%llu bad_ns %llu/%llu",
			st.rx_drop_no_ept, fz->exp_no_ept, st.rx_drop_bad_ns,
			fz->exp_bad_ns);
	if (atomic64_read(&fz->delivered) != fz->exp_delivered ||
	    (fz->ns_bound && atomic64_read(&fz->ns_cb) != fz->exp_ns_cb))
		fz_fail(fz, "got/expected: delivered %lld/%llu ns_cb %lld/%llu",
			atomic64_read(&fz->delivered), fz->exp_delivered,
			atomic64_read(&fz->ns_cb), fz->exp_ns_cb);
	if (st.ring_errors < fz->exp_ring ||
	    st.ring_errors > fz->exp_ring + fz->ring_slack)
		fz_fail(fz, "ring_errors %llu, expected %llu..%llu",
			st.ring_errors, fz->exp_ring,
			fz->exp_ring + fz->ring_slack);
	if (st.kicks_in != fz->exp_kicks_in)
		fz_fail(fz, "kicks_in %llu, the peer kicked %llu times",
			st.kicks_in, fz->exp_kicks_in);
	if (st.master_reinits != fz->exp_reinits)
		fz_fail(fz, "link followed %llu master rebuilds, the peer made %llu",
			st.master_reinits, fz->exp_reinits);
	if (out < 0 || out > 4 || err < 0 || err > 4)
		fz_fail(fz, "kicks_out %llu kick_errors %llu, transport saw %lld and %lld",
			st.kicks_out, st.kick_errors,
			atomic64_read(&fz->kicks_out),
			atomic64_read(&fz->kicks_failed));
	if (atomic_read(&fz->bad_delivery))
		fz_fail(fz, "%d deliveries the peer never sent (or out of order)",
			atomic_read(&fz->bad_delivery));
	if (atomic_read(&fz->ns_bad))
		fz_fail(fz, "%d name-service callbacks with a bad name or flags",
			atomic_read(&fz->ns_bad));
	if (atomic_read(&fz->tx_bad_errno))
		fz_fail(fz, "a send failed with %d", atomic_read(&fz->tx_bad_errno));
	return false;
}

/* Counters settle a moment after the buffers come back. */
static void fz_check_counts(struct fz *fz)
{
	unsigned long end = jiffies + msecs_to_jiffies(FZ_WAIT_MS);

	while (!fz_counts_ok(fz, time_after(jiffies, end)) && !fz->failed)
		usleep_range(20, 100);
}

/*
 * Kick and wait until the link processed every published message, then
 * compare the counters.  The link reacts to kicks only: no kick, no sync.
 *
 * The link is up here: the peer takes it down only in fz_break(), which
 * brings it back before it returns.  A link found down anyway must come
 * back by itself (a state it passes through); one that stays down is a
 * failure, reported here.  Skipping the sync instead would let the next
 * fz_break() or fz_peer_reboot() rewrite the rings over messages the link
 * never saw: a correct link may then never deliver them, and the
 * counters would disagree much later, at a sync that has nothing to do
 * with it.
 */
static void fz_sync(struct fz *fz)
{
	unsigned long end = jiffies + msecs_to_jiffies(FZ_WAIT_MS);
	enum rpmsg_lite_link_state state;

	while ((state = rpmsg_lite_get_link_state(fz->rl)) !=
	       RPMSG_LITE_LINK_UP) {
		if (time_after(jiffies, end)) {
			fz_fail(fz, "link %s, not up; %u messages published since the last rebuild",
				rpmsg_lite_link_state_name(state),
				fz->produced);
			return;
		}
		usleep_range(50, 200);
	}
	end = jiffies + msecs_to_jiffies(FZ_WAIT_MS);
	fz_kick(fz, fz_rx_vq(fz));
	while (!fz_all_returned(fz)) {
		if (fz->failed)
			return;
		if (time_after(jiffies, end)) {
			fz_fail(fz, "link did not process %u published messages within %lu ms",
				fz->produced, FZ_WAIT_MS);
			return;
		}
		usleep_range(20, 100);
	}
	fz_check_counts(fz);
}

static void fz_consume(struct fz *fz)
{
	if (fz->link_is_master)
		fz_r_consume(fz);
	else
		fz_m_consume(fz);
}

/*
 * Bring the link back after a break or a peer reboot.  @paused: the
 * caller holds tx_lock (the sender is between two sends).
 */
static void fz_reset(struct fz *fz, bool paused)
{
	unsigned long end = jiffies + msecs_to_jiffies(FZ_WAIT_MS);
	bool pause = !paused && !race_resets;
	int ret;

	/* what the link sent before going down is still readable */
	fz_consume(fz);
	if (pause)
		mutex_lock(&fz->tx_lock);
	ret = rpmsg_lite_reset_link(fz->rl);
	if (pause)
		mutex_unlock(&fz->tx_lock);
	if (ret) {
		fz_fail(fz, "rpmsg_lite_reset_link() = %d", ret);
		return;
	}
	fz->resets++;
	if (fz->link_is_master) {
		fz_r_rebuilt(fz);
	} else {
		/* a master that used generations shows a new one */
		if (fz->gen)
			fz->gen += 2;
		fz_m_build(fz);
		fz_kick(fz, fz_vq(fz, RL_VQ_MASTER_RX));
	}
	while (rpmsg_lite_get_link_state(fz->rl) != RPMSG_LITE_LINK_UP) {
		if (time_after(jiffies, end)) {
			fz_fail(fz, "link not up %lu ms after reset", FZ_WAIT_MS);
			return;
		}
		usleep_range(50, 200);
	}
}

/* A plain peer reboot: traffic stopped so that nothing sent is voided. */
static void fz_peer_reboot(struct fz *fz)
{
	fz_sync(fz);
	mutex_lock(&fz->tx_lock);
	fz_reset(fz, true);
	mutex_unlock(&fz->tx_lock);
}

/*
 * Peer as master: restart as this driver's master does.  Announce the
 * rewrite with an odd generation in vring 0's avail.flags and kick; the
 * remote link must stop writing and acknowledge it in vring 0's
 * used.flags.  Then rebuild the image under the next even generation and
 * kick: the link follows the rebuild by itself (master_reinits), without
 * rpmsg_lite_reset_link().  The link's sender is paused meanwhile, so
 * nothing it sends is voided.
 */
static void fz_m_restart(struct fz *fz)
{
	unsigned long end = jiffies + msecs_to_jiffies(FZ_WAIT_MS);
	u8 odd = fz->gen | 1;
	u16 ack;

	fz_sync(fz);
	if (fz->failed)
		return;
	mutex_lock(&fz->tx_lock);
	WRITE_ONCE(fz->vr[0].avail->flags,
		   cpu_to_le16(RL_VRING_AVAIL_F_NO_INTERRUPT |
			       (u16)odd << RL_VRING_F_GEN_SHIFT));
	/* the announcement before the kick */
	wmb();
	fz_kick(fz, fz_vq(fz, RL_VQ_MASTER_RX));
	for (;;) {
		ack = le16_to_cpu(READ_ONCE(fz->vr[0].used->flags));
		if ((ack & RL_VRING_USED_F_GEN_AWARE) &&
		    (u8)(ack >> RL_VRING_F_GEN_SHIFT) == odd)
			break;
		if (time_after(jiffies, end)) {
			fz_fail(fz, "remote did not acknowledge generation %u (used.flags %#x)",
				odd, ack);
			goto out;
		}
		usleep_range(50, 200);
	}
	/* the link is quiet: what it sent before is still readable */
	fz_consume(fz);
	/* the rewrite keeps announcing itself until the image is complete */
	fz->gen = odd;
	fz_m_build(fz);
	fz->gen = odd + 1;
	/* the whole new image before the generation that completes it */
	wmb();
	WRITE_ONCE(fz->vr[0].avail->flags,
		   cpu_to_le16(RL_VRING_AVAIL_F_NO_INTERRUPT |
			       (u16)fz->gen << RL_VRING_F_GEN_SHIFT));
	fz->exp_reinits++;
	fz->restarts++;
	fz_kick(fz, fz_vq(fz, RL_VQ_MASTER_RX));
	while (rpmsg_lite_get_link_state(fz->rl) != RPMSG_LITE_LINK_UP) {
		if (time_after(jiffies, end)) {
			fz_fail(fz, "remote link not up again after generation %u",
				fz->gen);
			break;
		}
		usleep_range(50, 200);
	}
out:
	mutex_unlock(&fz->tx_lock);
}

/* Corrupt a ring structurally; the link must notice and go down. */
static void fz_break(struct fz *fz)
{
	unsigned long end = jiffies + msecs_to_jiffies(FZ_WAIT_MS);
	u32 kind = fz_rand(fz, 2);
	int v = fz->link_is_master ? 0 : 1;
	u32 jump = fz->num + 1 + fz_rand(fz, 0x10000 - fz->num - 1);

	fz_sync(fz);
	if (fz->failed)
		return;

	if (fz->link_is_master) {
		struct rl_vring_used *used = fz->vr[v].used;

		if (kind == 0)	/* used idx jumps past the ring */
			WRITE_ONCE(used->idx,
				   cpu_to_le16(fz->used_idx[v] + jump));
		else	/* an entry naming a descriptor out of range */
			fz_r_publish_used(fz, v, fz->num +
					  prandom_u32_state(&fz->rnd) %
					  (U32_MAX - fz->num), fz->buf_size);
	} else {
		struct rl_vring_avail *avail = fz->vr[v].avail;

		if (kind == 0) {	/* avail idx jumps past the ring */
			WRITE_ONCE(avail->idx,
				   cpu_to_le16(fz->avail_idx[v] + jump));
		} else {	/* an entry naming a descriptor out of range */
			WRITE_ONCE(avail->ring[fz->avail_idx[v] & fz->mask],
				   cpu_to_le16(fz->num +
					       fz_rand(fz, 0x10000 - fz->num)));
			/* the entry before the idx that publishes it */
			smp_wmb();
			fz->avail_idx[v]++;
			WRITE_ONCE(avail->idx, cpu_to_le16(fz->avail_idx[v]));
		}
	}
	fz->exp_ring++;
	/* racing senders may each count the broken ring once more */
	fz->ring_slack += 2;
	fz->breaks++;
	fz_kick(fz, fz_rx_vq(fz));
	while (rpmsg_lite_get_link_state(fz->rl) == RPMSG_LITE_LINK_UP) {
		if (time_after(jiffies, end)) {
			fz_fail(fz, "corruption %u of vring %d not detected", kind,
				v);
			return;
		}
		usleep_range(50, 200);
	}
	fz_reset(fz, false);
}

/*
 * Scribble on what the link must not trust or need.  The generation bits
 * of the flags words (rl_wire.h) keep their value (vring 0's avail.flags:
 * the peer's current generation, fz_m_restart()): a master that announces
 * a rewrite stops the remote until it completes one, and a remote that
 * claims to follow generations makes each rebuild wait for its answer;
 * both are the protocol, not noise.
 */
static void fz_noise(struct fz *fz)
{
	int v = fz_rand(fz, 2);
	u16 r = prandom_u32_state(&fz->rnd);

	switch (fz_rand(fz, 4)) {
	case 0:
		r &= ~(RL_VRING_F_GEN_MASK | RL_VRING_USED_F_GEN_AWARE);
		WRITE_ONCE(fz->vr[v].used->flags, cpu_to_le16(r));
		break;
	case 1:
		WRITE_ONCE(*fz_avail_event(fz, v), cpu_to_le16(r));
		break;
	case 2:
		if (fz->link_is_master)	/* a master never reads descriptors */
			prandom_bytes_state(&fz->rnd,
					    &fz->vr[v].desc[fz_rand(fz,
								   fz->num)],
					    sizeof(struct rl_vring_desc));
		else	/* the remote reads only vring 0's generation */
			WRITE_ONCE(fz->vr[v].avail->flags,
				   cpu_to_le16((r & ~RL_VRING_F_GEN_MASK) |
					       (v ? 0 : (u16)fz->gen <<
						RL_VRING_F_GEN_SHIFT)));
		break;
	default:	/* used_event, the avail trailer */
		WRITE_ONCE(fz->vr[v].avail->ring[fz->num], cpu_to_le16(r));
		break;
	}
}

/* One peer action. */
static void fz_act(struct fz *fz)
{
	u32 a = fz_rand(fz, 1000), n, i;

	if (a < 450) {
		/* a message, most of them valid */
		u32 k = fz_rand(fz, 100);
		enum fz_msg kind = k < 60 ? FZ_MSG_VALID :
				   FZ_MSG_NO_EPT + (k - 60) % (FZ_MSG_KINDS - 1);

		fz_send(fz, kind);
		if (fz_chance(fz, 40))
			fz_kick(fz, fz_rx_vq(fz));
	} else if (a < 750) {
		fz_consume(fz);
		if (fz_chance(fz, 30))
			fz_kick(fz, fz_tx_vq(fz));
	} else if (a < 800) {
		/* kick storm on both queues */
		n = 1 + fz_rand(fz, FZ_STORM_MAX);
		for (i = 0; i < n; i++)
			fz_kick(fz, fz_vq(fz, fz_rand(fz, 2)));
	} else if (a < 850) {
		/* kicks naming another link's queues */
		n = 1 + fz_rand(fz, 16);
		for (i = 0; i < n; i++) {
			u32 id = prandom_u32_state(&fz->rnd);

			if ((id >> 1) == fz->cfg.link_id)
				id ^= 2;
			fz_kick(fz, id);
		}
	} else if (a < 930) {
		fz_noise(fz);
	} else if (a < 960) {
		atomic_set(&fz->notify_fail, fz_rand(fz, 4));
	} else if (a < 990) {
		fz_sync(fz);
	} else if (a < 994) {
		fz_break(fz);
	} else if (a < 997 && !fz->link_is_master) {
		fz_m_restart(fz);
	} else {
		fz_peer_reboot(fz);
	}
}

/* ---- one round: a link of a fresh configuration ---- */

static int fz_link_up(struct fz *fz)
{
	struct rpmsg_lite_link_desc desc = {
		.dev = &fz->dev->dev,
		.name = fz->link_is_master ? "fuzz-master" : "fuzz-remote",
		.shm = fz->shm,
		.shm_size = fz->shm_size,
		.cfg = fz->cfg,
		.ops = &fz_ops,
		.ops_priv = fz,
		.bufs = fz->bufs_alloc ? fz->bufs : NULL,
		.bufs_size = fz->bufs_alloc ? fz->bufs_size : 0,
		.bufs_da = fz->bufs_da,
	};
	unsigned long end = jiffies + msecs_to_jiffies(FZ_WAIT_MS);

	if (fz->link_is_master) {
		fz->rl = rpmsg_lite_master_init(&desc);
		fz_r_rebuilt(fz);
	} else {
		fz_m_build(fz);
		fz->rl = rpmsg_lite_remote_init(&desc);
	}
	if (IS_ERR(fz->rl)) {
		fz_fail(fz, "link init failed: %ld", PTR_ERR(fz->rl));
		fz->rl = NULL;
		return -EINVAL;
	}
	fz->ept = rpmsg_lite_create_ept(fz->rl, FZ_EPT_ADDR, fz_ept_cb, fz);
	if (IS_ERR(fz->ept)) {
		fz_fail(fz, "endpoint: %ld", PTR_ERR(fz->ept));
		fz->ept = NULL;
		return -EINVAL;
	}
	/*
	 * The char front end binds the name service of every link it hears
	 * of: then announcements go to its callback, and only the link's
	 * counters say what became of them.
	 */
	fz->ns_bound = !rpmsg_lite_ns_bind(fz->rl, fz_ns_cb, fz);
	if (!fz->link_is_master)
		fz_kick(fz, fz_vq(fz, RL_VQ_MASTER_RX));
	while (!rpmsg_lite_is_link_up(fz->rl)) {
		if (time_after(jiffies, end)) {
			fz_fail(fz, "link not up");
			return -ETIMEDOUT;
		}
		usleep_range(50, 200);
	}
	return 0;
}

/* Stop traffic, make everything flow once more, check, tear down. */
static void fz_round_end(struct fz *fz)
{
	unsigned long end = jiffies + msecs_to_jiffies(FZ_WAIT_MS);
	u64 sent;
	int i;

	if (fz->tx_thread)
		kthread_stop(fz->tx_thread);
	fz->tx_thread = NULL;
	atomic_set(&fz->notify_fail, 0);

	if (fz->rl && !fz->failed) {
		if (rpmsg_lite_get_link_state(fz->rl) != RPMSG_LITE_LINK_UP)
			fz_reset(fz, false);
		/* the link still carries valid messages both ways */
		for (i = 0; i < 2 * fz->num && !fz->failed; i++) {
			if (!fz_send(fz, FZ_MSG_VALID))
				fz_sync(fz);
		}
		fz_sync(fz);
		sent = atomic64_read(&fz->tx_ok);
		while (fz->tx_seen < sent && !fz->failed) {
			fz_consume(fz);
			fz_kick(fz, fz_tx_vq(fz));
			if (time_after(jiffies, end)) {
				fz_fail(fz, "peer got %llu of the %llu messages the link sent",
					fz->tx_seen, sent);
				break;
			}
			usleep_range(20, 100);
		}
		if (fz->tx_seen > sent)
			fz_fail(fz, "peer got %llu messages, the link sent %llu",
				fz->tx_seen, sent);
		fz_sync(fz);
	}
	if (fz->rl) {
		if (fz->ns_bound)
			rpmsg_lite_ns_unbind(fz->rl);
		if (fz->ept)
			rpmsg_lite_destroy_ept(fz->rl, fz->ept);
		rpmsg_lite_deinit(fz->rl);
	}
	fz->rl = NULL;
	fz->ept = NULL;
	fz_check_guards(fz);
}

static void fz_round_reset(struct fz *fz)
{
	fz->gen = 0;
	fz->exp_reinits = 0;
	fz->exp_rx_msgs = 0;
	fz->exp_bad_len = 0;
	fz->exp_no_ept = 0;
	fz->exp_bad_ns = 0;
	fz->exp_ring = 0;
	fz->ring_slack = 0;
	fz->exp_kicks_in = 0;
	fz->exp_delivered = 0;
	fz->exp_ns_cb = 0;
	atomic64_set(&fz->delivered, 0);
	atomic_set(&fz->bad_delivery, 0);
	fz->rx_next = 0;
	fz->peer_seq = 0;
	atomic64_set(&fz->ns_cb, 0);
	atomic_set(&fz->ns_bad, 0);
	atomic_set(&fz->notify_fail, 0);
	atomic64_set(&fz->kicks_out, 0);
	atomic64_set(&fz->kicks_failed, 0);
	atomic64_set(&fz->tx_ok, 0);
	atomic_set(&fz->tx_bad_errno, 0);
	fz->tx_seen = 0;
	fz->tx_last_seq = 0;
}

static void fz_round(struct fz *fz, unsigned long n)
{
	unsigned long i;

	fz_round_reset(fz);
	fz_draw_config(fz);
	if (fz_region_alloc(fz)) {
		fz_fail(fz, "out of memory for a 0x%zx-byte region",
			fz->shm_size);
		return;
	}
	pr_info("%s: step %lu: %u buffers of %u bytes, align 0x%x%s%s%s%s\n",
		fz->test->name, fz->step, fz->num, fz->cfg.payload_size,
		fz->cfg.vring_align, fz->cfg.event_idx ? ", event idx" : "",
		fz->cfg.notify_consumed ? ", consumed notices" : "",
		fz->cfg.short_descs ? ", short descriptors" : "",
		fz->bufs_alloc ? ", buffers apart" : "");
	fz->held[0] = bitmap_zalloc(fz->num, GFP_KERNEL);
	fz->held[1] = bitmap_zalloc(fz->num, GFP_KERNEL);
	if (!fz->held[0] || !fz->held[1]) {
		fz_fail(fz, "out of memory");
		goto out;
	}
	if (fz_link_up(fz))
		goto end;
	fz->tx_thread = kthread_run(fz_tx_thread, fz, "rl_fuzz_tx");
	if (IS_ERR(fz->tx_thread)) {
		fz_fail(fz, "no traffic thread");
		fz->tx_thread = NULL;
		goto end;
	}
	for (i = 0; i < n && !fz->failed; i++) {
		fz->step++;
		fz_act(fz);
		if (!(i & 63))
			cond_resched();
	}
end:
	fz_round_end(fz);
out:
	bitmap_free(fz->held[0]);
	bitmap_free(fz->held[1]);
	fz->held[0] = NULL;
	fz->held[1] = NULL;
	kfree(fz->alloc);
	fz->alloc = NULL;
	kfree(fz->bufs_alloc);
	fz->bufs_alloc = NULL;
}

static void fz_run(struct kunit *test, bool link_is_master,
		   unsigned int chunk)
{
	unsigned long todo = DIV_ROUND_UP(DIV_ROUND_UP(steps, 2), FZ_PARTS), n;
	u64 rounds = 0, breaks = 0, resets = 0, restarts = 0;
	u64 sent = 0, got = 0;
	struct fz *fz;

	/* a fuzzer that takes no step tests nothing: not a pass */
	KUNIT_ASSERT_GT_MSG(test, steps, 0UL, "steps=0: no peer action to run");
	fz = kunit_kzalloc(test, sizeof(*fz), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fz);
	fz->test = test;
	fz->link_is_master = link_is_master;
	fz->chunk = chunk;
	fz->step = (unsigned long)chunk * todo;
	mutex_init(&fz->tx_lock);
	/* each role and chunk has its own sequence, reproducible on its own */
	prandom_seed_state(&fz->rnd, seed * 2 + link_is_master +
			   ((u64)chunk << 40));
	fz->dev = platform_device_register_simple("rl-fuzz-test",
						  PLATFORM_DEVID_AUTO, NULL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fz->dev);

	/*
	 * The console, not the case log: 6.1 keeps 512 bytes of log per
	 * case, shared by all its chunks, and a truncated log is bad KTAP.
	 */
	pr_info("%s: seed %lu chunk %u, %lu steps, the peer plays the %s%s\n",
		test->name, seed, chunk, todo,
		link_is_master ? "remote" : "master",
		race_resets ? ", resets race with sends" : "");
	while (todo && !fz->failed) {
		n = min_t(unsigned long, todo, FZ_ROUND_STEPS);
		fz_round(fz, n);
		todo -= n;
		rounds++;
		breaks += fz->breaks;
		resets += fz->resets;
		restarts += fz->restarts;
		sent += atomic64_read(&fz->tx_ok);
		got += fz->exp_delivered;
		fz->breaks = 0;
		fz->resets = 0;
		fz->restarts = 0;
	}
	pr_info("%s: chunk %u: %llu configurations, %llu rings broken and recovered, %llu resets, %llu restarts, %llu messages from the link, %llu valid ones to it\n",
		test->name, chunk, rounds, breaks, resets, restarts, sent,
		got);
	platform_device_unregister(fz->dev);
	mutex_destroy(&fz->tx_lock);
}

/* One case per part of a role's steps; the name says which. */
#define FZ_CASE(name, master, part)					\
static void rl_fuzz_test_##name##_part##part(struct kunit *test)	\
{									\
	fz_run(test, master, (part) - 1);				\
}

FZ_CASE(hostile_remote_cannot_corrupt_a_master, true, 1)
FZ_CASE(hostile_remote_cannot_corrupt_a_master, true, 2)
FZ_CASE(hostile_remote_cannot_corrupt_a_master, true, 3)
FZ_CASE(hostile_remote_cannot_corrupt_a_master, true, 4)
FZ_CASE(hostile_remote_cannot_corrupt_a_master, true, 5)
FZ_CASE(hostile_remote_cannot_corrupt_a_master, true, 6)
FZ_CASE(hostile_remote_cannot_corrupt_a_master, true, 7)
FZ_CASE(hostile_remote_cannot_corrupt_a_master, true, 8)
FZ_CASE(hostile_master_cannot_corrupt_a_remote, false, 1)
FZ_CASE(hostile_master_cannot_corrupt_a_remote, false, 2)
FZ_CASE(hostile_master_cannot_corrupt_a_remote, false, 3)
FZ_CASE(hostile_master_cannot_corrupt_a_remote, false, 4)
FZ_CASE(hostile_master_cannot_corrupt_a_remote, false, 5)
FZ_CASE(hostile_master_cannot_corrupt_a_remote, false, 6)
FZ_CASE(hostile_master_cannot_corrupt_a_remote, false, 7)
FZ_CASE(hostile_master_cannot_corrupt_a_remote, false, 8)

static struct kunit_case rl_fuzz_cases[] = {
	KUNIT_CASE(rl_fuzz_test_hostile_remote_cannot_corrupt_a_master_part1),
	KUNIT_CASE(rl_fuzz_test_hostile_remote_cannot_corrupt_a_master_part2),
	KUNIT_CASE(rl_fuzz_test_hostile_remote_cannot_corrupt_a_master_part3),
	KUNIT_CASE(rl_fuzz_test_hostile_remote_cannot_corrupt_a_master_part4),
	KUNIT_CASE(rl_fuzz_test_hostile_remote_cannot_corrupt_a_master_part5),
	KUNIT_CASE(rl_fuzz_test_hostile_remote_cannot_corrupt_a_master_part6),
	KUNIT_CASE(rl_fuzz_test_hostile_remote_cannot_corrupt_a_master_part7),
	KUNIT_CASE(rl_fuzz_test_hostile_remote_cannot_corrupt_a_master_part8),
	KUNIT_CASE(rl_fuzz_test_hostile_master_cannot_corrupt_a_remote_part1),
	KUNIT_CASE(rl_fuzz_test_hostile_master_cannot_corrupt_a_remote_part2),
	KUNIT_CASE(rl_fuzz_test_hostile_master_cannot_corrupt_a_remote_part3),
	KUNIT_CASE(rl_fuzz_test_hostile_master_cannot_corrupt_a_remote_part4),
	KUNIT_CASE(rl_fuzz_test_hostile_master_cannot_corrupt_a_remote_part5),
	KUNIT_CASE(rl_fuzz_test_hostile_master_cannot_corrupt_a_remote_part6),
	KUNIT_CASE(rl_fuzz_test_hostile_master_cannot_corrupt_a_remote_part7),
	KUNIT_CASE(rl_fuzz_test_hostile_master_cannot_corrupt_a_remote_part8),
	{}
};

static struct kunit_suite rl_fuzz_suite = {
	.name = "rl_fuzz",
	.test_cases = rl_fuzz_cases,
};

/* From module_init, so that the parameters above count (rl_test_time.h). */
rl_test_suites_module(rl_fuzz_test, &rl_fuzz_suite);

MODULE_DESCRIPTION("KUnit: a hostile peer against rpmsg-lite links");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
