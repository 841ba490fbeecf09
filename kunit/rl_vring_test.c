// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the split-vring engine (rl_vring.c).
 *
 * Most cases run a master and a remote over one vmalloc'd region laid out
 * as rpmsg-lite's master lays it out (Documentation/rpmsg-lite/wire.rst,
 * "Region layout"): vring 0 at +0, vring 1 at +vring_size, the buffers of
 * vring 0 from +2 * vring_size, those of vring 1 right after.  The remote
 * sees the region at a device address (RL_TEST_SHM_DA), as a Cortex-M
 * would see DDR, so address translation is exercised too.  A hostile peer
 * is played by writing the shared fields directly.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include <linux/vmalloc.h>

#include "rl_test_time.h"
#include "rl_vring.h"

/* Where the remote sees the start of the shared region. */
#define RL_TEST_SHM_DA		0x90000000ULL

/**
 * struct rl_pair - both sides of one link over one region
 * @region: the shared region
 * @size: bytes in @region
 * @num: buffers per direction
 * @vring_size: bytes reserved per vring
 * @buf_size: bytes per buffer
 * @master: master view of vring 0 (rx) and vring 1 (tx)
 * @remote: remote view of vring 0 (tx) and vring 1 (rx)
 * @inited: which of @master / @remote need rl_vq_cleanup()
 */
struct rl_pair {
	void *region;
	size_t size;
	u32 num;
	u32 vring_size;
	u32 buf_size;
	struct rl_vq master[2];
	struct rl_vq remote[2];
	bool inited[4];
};

static size_t rl_pair_bufs_off(const struct rl_pair *p, int vring)
{
	return 2 * (size_t)p->vring_size + (size_t)vring * p->num * p->buf_size;
}

static void rl_test_cfg(const struct rl_pair *p, int vring, bool master,
			u32 align, bool event_idx, struct rl_vq_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ring = p->region + (size_t)vring * p->vring_size;
	cfg->num = p->num;
	cfg->align = align;
	cfg->master = master;
	cfg->event_idx = event_idx;
	cfg->buf_size = p->buf_size;
	cfg->id = vring;
	if (master) {
		cfg->bufs = p->region + rl_pair_bufs_off(p, vring);
		cfg->bufs_da = RL_TEST_SHM_DA + rl_pair_bufs_off(p, vring);
	} else {
		cfg->shm = p->region;
		cfg->shm_da = RL_TEST_SHM_DA;
		cfg->shm_size = p->size;
	}
}

/*
 * A region for @num buffers of @payload bytes per direction, both sides
 * initialised, the master's rings NOT yet set up; the region is filled
 * with 0xa5 so that untouched bytes can be told apart.
 */
static struct rl_pair *rl_pair_create(struct kunit *test, u32 num, u32 align,
				      u32 vring_size, u32 payload,
				      bool event_idx)
{
	struct rl_pair *p = test->priv;
	struct rl_vq_config cfg;
	int i;

	p->num = num;
	p->vring_size = vring_size;
	p->buf_size = payload + RL_MSG_HDR_SIZE;
	p->size = rl_pair_bufs_off(p, 2);
	p->region = vmalloc(p->size);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p->region);
	memset(p->region, 0xa5, p->size);

	for (i = 0; i < 2; i++) {
		rl_test_cfg(p, i, true, align, event_idx, &cfg);
		KUNIT_ASSERT_EQ(test, rl_vq_init(&p->master[i], &cfg), 0);
		p->inited[i] = true;
		rl_test_cfg(p, i, false, align, event_idx, &cfg);
		KUNIT_ASSERT_EQ(test, rl_vq_init(&p->remote[i], &cfg), 0);
		p->inited[2 + i] = true;
	}
	return p;
}

/* The rpmsg-lite default link (wire.rst), master rings set up. */
static struct rl_pair *rl_pair_default(struct kunit *test, bool event_idx)
{
	struct rl_pair *p;

	p = rl_pair_create(test, RL_DEFAULT_BUFFER_COUNT, RL_DEFAULT_VRING_ALIGN,
			   RL_DEFAULT_VRING_SIZE, RL_DEFAULT_PAYLOAD_SIZE,
			   event_idx);
	rl_vq_master_setup_rx(&p->master[0]);
	rl_vq_master_setup_tx(&p->master[1]);
	return p;
}

static int rl_vring_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct rl_pair), GFP_KERNEL);
	if (!test->priv)
		return -ENOMEM;
	return 0;
}

static void rl_vring_test_exit(struct kunit *test)
{
	struct rl_pair *p = test->priv;
	int i;

	for (i = 0; i < 2; i++) {
		if (p->inited[i])
			rl_vq_cleanup(&p->master[i]);
		if (p->inited[2 + i])
			rl_vq_cleanup(&p->remote[i]);
	}
	vfree(p->region);
}

/* Offset of the first byte where @a and @b differ, or @len. */
static size_t rl_first_diff(const void *a, const void *b, size_t len)
{
	const u8 *x = a, *y = b;
	size_t i;

	for (i = 0; i < len; i++)
		if (x[i] != y[i])
			return i;
	return len;
}

/*
 * Move every index of vring @vring to @start on both sides and in shared
 * memory, as if @start entries had already gone round: the master holds
 * every buffer, nothing is in flight.
 */
static void rl_pair_set_indices(struct rl_pair *p, int vring, u16 start)
{
	struct rl_vq *m = &p->master[vring], *r = &p->remote[vring];

	m->avail_shadow = start;
	m->used_last = start;
	m->kicked_at = start;
	bitmap_zero(m->peer_held, p->num);
	r->avail_last = start;
	r->used_shadow = start;
	r->kicked_at = start;
	r->synced = true;
	bitmap_fill(r->peer_held, p->num);
	WRITE_ONCE(m->avail->idx, cpu_to_le16(start));
	WRITE_ONCE(m->used->idx, cpu_to_le16(start));
}

/* Remote takes one buffer from vring @vring and returns it at once. */
static int rl_remote_echo(struct kunit *test, struct rl_pair *p, int vring,
			  u16 *head)
{
	void *buf;
	u32 len;
	int ret;

	ret = rl_vq_take(&p->remote[vring], head, &buf, &len);
	if (ret)
		return ret;
	return rl_vq_give(&p->remote[vring], *head, len);
}

/* ---- layout ---- */

/*
 * Where both sides of @p found the rings of each vring, from the start of
 * the region: vring 0 at 0, vring 1 at +0x8000 (the pair's vring size),
 * each with its available ring at @avail and its used ring at @used.
 */
static void rl_expect_ring_offsets(struct kunit *test, struct rl_pair *p,
				   size_t avail, size_t used)
{
	const struct rl_vq *vq;
	size_t base;
	int i;

	for (i = 0; i < 4; i++) {
		vq = i < 2 ? &p->master[i] : &p->remote[i - 2];
		base = i % 2 ? 0x8000 : 0;
		KUNIT_EXPECT_EQ_MSG(test, (size_t)((void *)vq->desc - p->region),
				    base, "vq %d", i);
		KUNIT_EXPECT_EQ_MSG(test, (size_t)((void *)vq->avail - p->region),
				    base + avail, "vq %d", i);
		KUNIT_EXPECT_EQ_MSG(test, (size_t)((void *)vq->used - p->region),
				    base + used, "vq %d", i);
	}
}

/* wire.rst, "Worked layouts": the default i.MX configuration. */
static void rl_vring_test_layout_of_default_link_matches_rpmsg_lite(struct kunit *test)
{
	struct rl_vring_layout l;
	struct rl_pair *p;

	/* count 2, align 0x1000 */
	KUNIT_ASSERT_EQ(test, rl_vring_layout(2, 0x1000, &l), 0);
	/* descriptors at 0 */
	KUNIT_EXPECT_EQ(test, l.desc_off, (size_t)0);
	/* avail after 2 descriptors of 16 bytes: +0x0020 */
	KUNIT_EXPECT_EQ(test, l.avail_off, (size_t)0x20);
	/* avail ends at 0x20 + 4 + 2 * 2 + 2 = 0x2a; up to 0x1000 */
	KUNIT_EXPECT_EQ(test, l.used_off, (size_t)0x1000);
	/* used: 0x1000 + 4 + 8 * 2 + 2 = 0x1016 */
	KUNIT_EXPECT_EQ(test, l.size, (size_t)0x1016);

	/* vring 1 at +0x8000: its avail at +0x8020, used at +0x9000 */
	p = rl_pair_create(test, 2, 0x1000, 0x8000, 496, false);
	rl_expect_ring_offsets(test, p, 0x20, 0x1000);
}

/* wire.rst, "Worked layouts": count 256, align 0x1000. */
static void rl_vring_test_layout_of_256_buffers_moves_avail_and_used(struct kunit *test)
{
	struct rl_vring_layout l;
	struct rl_pair *p;

	KUNIT_ASSERT_EQ(test, rl_vring_layout(256, 0x1000, &l), 0);
	/* avail after 256 * 16 bytes of descriptors: +0x1000 */
	KUNIT_EXPECT_EQ(test, l.avail_off, (size_t)0x1000);
	/* avail ends at 0x1000 + 4 + 2 * 256 + 2 = 0x1206; up to 0x2000 */
	KUNIT_EXPECT_EQ(test, l.used_off, (size_t)0x2000);
	/* used: 0x2000 + 4 + 8 * 256 + 2 = 0x2806 */
	KUNIT_EXPECT_EQ(test, l.size, (size_t)0x2806);

	/* vring 1: avail at +0x9000, used at +0xA000 */
	p = rl_pair_create(test, 256, 0x1000, 0x8000, 496, false);
	rl_expect_ring_offsets(test, p, 0x1000, 0x2000);
}

/* wire.rst, "Worked layouts": align 0x10 moves only the used rings. */
static void rl_vring_test_layout_with_align_16_packs_the_used_ring(struct kunit *test)
{
	struct rl_vring_layout l;
	struct rl_pair *p;

	KUNIT_ASSERT_EQ(test, rl_vring_layout(256, 0x10, &l), 0);
	KUNIT_EXPECT_EQ(test, l.avail_off, (size_t)0x1000);
	/* avail ends at 0x1206; ALIGN(0x1206, 0x10) = 0x1210 */
	KUNIT_EXPECT_EQ(test, l.used_off, (size_t)0x1210);
	/* 0x1210 + 4 + 0x800 + 2 = 0x1a16 */
	KUNIT_EXPECT_EQ(test, l.size, (size_t)0x1a16);

	KUNIT_ASSERT_EQ(test, rl_vring_layout(2, 0x10, &l), 0);
	/* 0x30 + 4 + 16 + 2 = 0x46 */
	KUNIT_EXPECT_EQ(test, l.size, (size_t)0x46);
	/* avail ends at 0x2a; ALIGN(0x2a, 0x10) = 0x30, in both vrings */
	p = rl_pair_create(test, 2, 0x10, 0x8000, 496, false);
	rl_expect_ring_offsets(test, p, 0x20, 0x30);
}

static void rl_vring_test_layout_rejects_bad_buffer_counts(struct kunit *test)
{
	struct rl_vring_layout l;

	KUNIT_EXPECT_EQ(test, rl_vring_layout(0, 0x1000, &l), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_vring_layout(1, 0x1000, &l), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_vring_layout(3, 0x1000, &l), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_vring_layout(RL_MAX_BUFFER_COUNT * 2, 0x1000,
					      &l), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_vring_layout(RL_MAX_BUFFER_COUNT, 0x1000, &l),
			0);
}

static void rl_vring_test_layout_rejects_bad_alignments(struct kunit *test)
{
	struct rl_vring_layout l;

	KUNIT_EXPECT_EQ(test, rl_vring_layout(2, 0, &l), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_vring_layout(2, 2, &l), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_vring_layout(2, 3, &l), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_vring_layout(2, 0x1001, &l), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_vring_layout(2, RL_VRING_MAX_ALIGN * 2, &l),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rl_vring_layout(2, 4, &l), 0);
}

/* ---- init ---- */

static void rl_vring_test_init_writes_nothing_to_shared_memory(struct kunit *test)
{
	struct rl_pair *p;

	p = rl_pair_create(test, 2, 0x1000, 0x8000, 496, false);
	KUNIT_EXPECT_NULL(test, memchr_inv(p->region, 0xa5, p->size));
}

static void rl_vring_test_init_rejects_incomplete_configs(struct kunit *test)
{
	struct rl_pair *p;
	struct rl_vq_config cfg;
	struct rl_vq vq;

	p = rl_pair_create(test, 2, 0x1000, 0x8000, 496, false);

	rl_test_cfg(p, 0, true, 0x1000, false, &cfg);
	cfg.bufs = NULL;
	KUNIT_EXPECT_EQ(test, rl_vq_init(&vq, &cfg), -EINVAL);

	rl_test_cfg(p, 0, true, 0x1000, false, &cfg);
	cfg.bufs_da = U64_MAX - 100;	/* buffers would wrap */
	KUNIT_EXPECT_EQ(test, rl_vq_init(&vq, &cfg), -EINVAL);

	rl_test_cfg(p, 0, false, 0x1000, false, &cfg);
	cfg.shm = NULL;
	KUNIT_EXPECT_EQ(test, rl_vq_init(&vq, &cfg), -EINVAL);

	rl_test_cfg(p, 0, false, 0x1000, false, &cfg);
	cfg.shm_size = 0;
	KUNIT_EXPECT_EQ(test, rl_vq_init(&vq, &cfg), -EINVAL);

	rl_test_cfg(p, 0, false, 0x1000, false, &cfg);
	cfg.buf_size = RL_MSG_HDR_SIZE;	/* no room for a payload */
	KUNIT_EXPECT_EQ(test, rl_vq_init(&vq, &cfg), -EINVAL);

	rl_test_cfg(p, 0, false, 0x1000, false, &cfg);
	cfg.num = 3;
	KUNIT_EXPECT_EQ(test, rl_vq_init(&vq, &cfg), -EINVAL);

	rl_test_cfg(p, 0, true, 0x1000, false, &cfg);
	cfg.ring = NULL;
	KUNIT_EXPECT_EQ(test, rl_vq_init(&vq, &cfg), -EINVAL);

	/* nothing was written by any attempt */
	KUNIT_EXPECT_NULL(test, memchr_inv(p->region, 0xa5, p->size));
}

/* ---- master image ---- */

/* One descriptor as rpmsg-lite's master writes it. */
static void rl_put_desc(u8 *d, u64 addr, u32 len, u16 flags, u16 next)
{
	put_unaligned_le64(addr, d);
	put_unaligned_le32(len, d + 8);
	put_unaligned_le16(flags, d + 12);
	put_unaligned_le16(next, d + 14);
}

static void rl_vring_test_master_setup_writes_the_rpmsg_lite_image(struct kunit *test)
{
	struct rl_pair *p;
	size_t diff;
	u8 *exp;

	p = rl_pair_default(test, false);
	KUNIT_ASSERT_EQ(test, p->size, (size_t)0x10800);

	exp = kunit_kmalloc(test, p->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, exp);
	/* everything not part of a vring stays as it was (buffers too) */
	memset(exp, 0xa5, p->size);
	/* both vrings zeroed up to the end of avail_event (0x1016) */
	memset(exp, 0, 0x1016);
	memset(exp + 0x8000, 0, 0x1016);

	/* vring 0 descriptors: buffers at da + 0x10000 and + 0x10200 */
	rl_put_desc(exp + 0x00, 0x90010000, 512, 2, 1);
	rl_put_desc(exp + 0x10, 0x90010200, 512, 2, 0x8000);
	/* vring 0 avail (+0x20): flags 1, idx 2, ring {0, 1} */
	put_unaligned_le16(1, exp + 0x20);
	put_unaligned_le16(2, exp + 0x22);
	put_unaligned_le16(0, exp + 0x24);
	put_unaligned_le16(1, exp + 0x26);
	/* vring 0 used (+0x1000): flags 0, idx 0, stays zero */

	/* vring 1 descriptors: buffers at da + 0x10400 and + 0x10600 */
	rl_put_desc(exp + 0x8000, 0x90010400, 512, 2, 1);
	rl_put_desc(exp + 0x8010, 0x90010600, 512, 2, 0x8000);
	/* vring 1 avail (+0x8020): flags 1, idx 0 */
	put_unaligned_le16(1, exp + 0x8020);
	/* vring 1 used (+0x9000): flags 0, idx 2, {0, 512}, {1, 512} */
	put_unaligned_le16(2, exp + 0x9002);
	put_unaligned_le32(0, exp + 0x9004);
	put_unaligned_le32(512, exp + 0x9008);
	put_unaligned_le32(1, exp + 0x900c);
	put_unaligned_le32(512, exp + 0x9010);

	diff = rl_first_diff(p->region, exp, p->size);
	KUNIT_EXPECT_EQ_MSG(test, diff, p->size,
			    "image differs at +0x%zx: 0x%02x, expected 0x%02x",
			    diff, diff < p->size ? ((u8 *)p->region)[diff] : 0,
			    diff < p->size ? exp[diff] : 0);
}

static void rl_vring_test_master_setup_puts_every_buffer_on_the_remote_side(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);

	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(&p->master[0]), p->num);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(&p->master[1]), p->num);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(&p->remote[0]), p->num);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(&p->remote[1]), p->num);
	/* rx buffers are posted, tx buffers are waiting to be reclaimed */
	KUNIT_EXPECT_TRUE(test, rl_vq_has_work(&p->remote[0]));
	KUNIT_EXPECT_FALSE(test, rl_vq_has_work(&p->master[0]));
	KUNIT_EXPECT_TRUE(test, rl_vq_has_work(&p->master[1]));
	KUNIT_EXPECT_FALSE(test, rl_vq_has_work(&p->remote[1]));
}

static void rl_vring_test_master_reset_and_setup_rebuild_the_same_image(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	u8 *snap;
	void *buf;
	u16 head;
	u32 len;

	snap = kunit_kmalloc(test, 2 * p->vring_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, snap);
	memcpy(snap, p->region, 2 * p->vring_size);

	/* some traffic on both rings */
	KUNIT_ASSERT_EQ(test, rl_remote_echo(test, p, 0, &head), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[1], &head, &buf, &len), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[1], head, 0), 0);
	KUNIT_ASSERT_NE(test, rl_first_diff(p->region, snap,
					    2 * p->vring_size),
			(size_t)2 * p->vring_size);

	rl_vq_reset(&p->master[0]);
	rl_vq_reset(&p->master[1]);
	rl_vq_master_setup_rx(&p->master[0]);
	rl_vq_master_setup_tx(&p->master[1]);
	KUNIT_EXPECT_EQ(test, rl_first_diff(p->region, snap, 2 * p->vring_size),
			(size_t)2 * p->vring_size);
}

/* ---- traffic ---- */

static void rl_vring_test_remote_takes_posted_buffers_in_order(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	void *buf;
	u16 head;
	u32 len;

	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->remote[0], &head, &buf, &len),
			0);
	KUNIT_EXPECT_EQ(test, head, 0);
	KUNIT_EXPECT_EQ(test, len, 512u);
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->remote[0], &head, &buf, &len),
			0);
	KUNIT_EXPECT_EQ(test, head, 1);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(&p->remote[0]), 0u);
}

static void rl_vring_test_remote_maps_descriptor_addresses_into_the_region(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	void *buf;
	u16 head;
	u32 len;

	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->remote[0], &head, &buf, &len),
			0);
	KUNIT_ASSERT_EQ(test, head, 0);
	/* vring 0 buffer 0 is at +0x10000; the master's own mapping agrees */
	KUNIT_EXPECT_PTR_EQ(test, buf, p->region + 0x10000);
	KUNIT_EXPECT_PTR_EQ(test, buf, rl_vq_buf(&p->master[0], 0));
	KUNIT_EXPECT_PTR_EQ(test, rl_vq_buf(&p->remote[0], 0), buf);
	/* not taken yet, then given back: no mapping to hand out */
	KUNIT_EXPECT_NULL(test, rl_vq_buf(&p->remote[0], 1));
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->remote[0], 0, len), 0);
	KUNIT_EXPECT_NULL(test, rl_vq_buf(&p->remote[0], 0));
}

static void rl_vring_test_master_reclaims_what_the_remote_returns(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	void *buf;
	u16 head;
	u32 len;

	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->remote[0], &head, &buf, &len),
			0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->remote[0], head, 16 + 5), 0);
	KUNIT_EXPECT_TRUE(test, rl_vq_has_work(&p->master[0]));

	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[0], &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, head, 0);
	KUNIT_EXPECT_EQ(test, len, 21u);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(&p->master[0]), 1u);
	/* and posts it again */
	KUNIT_EXPECT_EQ(test, rl_vq_give(&p->master[0], head, 0), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(&p->master[0]), 2u);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->master[0].avail->idx), 3);
}

static void rl_vring_test_empty_rings_report_no_entry(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	void *buf;
	u16 head;
	u32 len;

	/* nothing returned on vring 0, nothing sent on vring 1 */
	KUNIT_EXPECT_EQ(test, rl_vq_take(&p->master[0], &head, &buf, &len),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, rl_vq_take(&p->remote[1], &head, &buf, &len),
			-ENOENT);
	KUNIT_EXPECT_FALSE(test, p->master[0].broken);
	KUNIT_EXPECT_FALSE(test, p->remote[1].broken);
}

static void rl_vring_test_master_cannot_post_beyond_a_full_ring(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	u16 idx = le16_to_cpu(p->master[0].avail->idx);

	/* setup posted every rx buffer: the ring is full */
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(&p->master[0]), p->num);
	KUNIT_EXPECT_EQ(test, rl_vq_give(&p->master[0], 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_vq_give(&p->master[0], p->num, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->master[0].avail->idx), idx);
	KUNIT_EXPECT_FALSE(test, p->master[0].broken);
}

static void rl_vring_test_remote_cannot_return_a_buffer_it_does_not_hold(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	void *buf;
	u16 head;
	u32 len;

	KUNIT_EXPECT_EQ(test, rl_vq_give(&p->remote[0], 0, 512), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_vq_give(&p->remote[0], 2, 512), -EINVAL);
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->remote[0], &head, &buf, &len),
			0);
	/* longer than the buffer */
	KUNIT_EXPECT_EQ(test, rl_vq_give(&p->remote[0], head, 513),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->remote[0].used->idx), 0);
}

static void rl_vring_test_fill_and_drain_moves_every_buffer_once(struct kunit *test)
{
	struct rl_pair *p;
	void *buf;
	u16 head;
	u32 len, i;

	p = rl_pair_create(test, 256, 0x1000, 0x8000, 496, false);
	rl_vq_master_setup_rx(&p->master[0]);

	/* drain the full ring on the remote side, in order */
	for (i = 0; i < p->num; i++) {
		KUNIT_ASSERT_EQ(test, rl_vq_take(&p->remote[0], &head, &buf,
						 &len), 0);
		KUNIT_ASSERT_EQ(test, head, i);
	}
	KUNIT_EXPECT_EQ(test, rl_vq_take(&p->remote[0], &head, &buf, &len),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(&p->remote[0]), 0u);

	/* return them in reverse order: the master sees that order */
	for (i = 0; i < p->num; i++)
		KUNIT_ASSERT_EQ(test, rl_vq_give(&p->remote[0],
						 p->num - 1 - i, 512), 0);
	for (i = 0; i < p->num; i++) {
		KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[0], &head, &buf,
						 &len), 0);
		KUNIT_ASSERT_EQ(test, head, p->num - 1 - i);
	}
	KUNIT_EXPECT_EQ(test, rl_vq_take(&p->master[0], &head, &buf, &len),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(&p->master[0]), 0u);

	/* fill again to full */
	for (i = 0; i < p->num; i++)
		KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[0], i, 0), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(&p->master[0]), p->num);
	KUNIT_EXPECT_EQ(test, rl_vq_give(&p->master[0], 0, 0), -EINVAL);
}

static void rl_vring_test_master_sends_on_prepublished_tx_buffers(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	void *buf;
	u16 head;
	u32 len;

	/* the two pre-published buffers are free to take */
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[1], &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, head, 0);
	KUNIT_EXPECT_EQ(test, len, 512u);
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[1], &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, head, 1);
	KUNIT_EXPECT_EQ(test, rl_vq_take(&p->master[1], &head, &buf, &len),
			-ENOENT);

	/* send buffer 1; the remote receives it at +0x10600 */
	memcpy(rl_vq_buf(&p->master[1], 1), "hello", 5);
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[1], 1, 0), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->remote[1], &head, &buf, &len),
			0);
	KUNIT_EXPECT_EQ(test, head, 1);
	KUNIT_EXPECT_PTR_EQ(test, buf, p->region + 0x10600);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "hello", 5), 0);

	/* the remote continues the used ring after the pre-published two */
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->remote[1], head, len), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->remote[1].used->idx), 3);
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[1], &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, head, 1);
	KUNIT_EXPECT_FALSE(test, p->master[1].broken);
}

static void rl_vring_test_indices_wrap_past_65535_over_many_round_trips(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	u32 i, rounds = 70000;
	void *buf;
	u16 head, got;
	u32 len;

	for (i = 0; i < rounds; i++) {
		KUNIT_ASSERT_EQ(test, rl_remote_echo(test, p, 0, &head), 0);
		KUNIT_ASSERT_EQ(test, head, i % p->num);
		KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[0], &got, &buf, &len),
				0);
		KUNIT_ASSERT_EQ(test, got, head);
		KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[0], got, 0), 0);
	}
	/* setup posted 2, then one more per round, modulo 65536 */
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->master[0].avail->idx),
			(u16)(p->num + rounds));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->master[0].used->idx),
			(u16)(rounds % 65536));
	KUNIT_EXPECT_EQ(test, p->master[0].stats.bad_idx, 0u);
}

static void rl_vring_test_full_ring_wraps_from_near_65535(struct kunit *test)
{
	struct rl_pair *p;
	void *buf;
	u16 head, start = 0xfff0;
	u32 len, i, round;

	p = rl_pair_create(test, 256, 0x1000, 0x8000, 496, false);
	rl_vq_master_setup_rx(&p->master[0]);
	rl_pair_set_indices(p, 0, start);

	for (round = 0; round < 3; round++) {
		for (i = 0; i < p->num; i++)
			KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[0], i, 0),
					0);
		for (i = 0; i < p->num; i++) {
			KUNIT_ASSERT_EQ(test, rl_vq_take(&p->remote[0],
							 &head, &buf, &len),
					0);
			KUNIT_ASSERT_EQ(test, head, i);
			KUNIT_ASSERT_EQ(test, rl_vq_give(&p->remote[0],
							 head, len), 0);
		}
		for (i = 0; i < p->num; i++) {
			KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[0],
							 &head, &buf, &len),
					0);
			KUNIT_ASSERT_EQ(test, head, i);
		}
	}
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->master[0].avail->idx),
			(u16)(start + 3 * p->num));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->master[0].used->idx),
			(u16)(start + 3 * p->num));
	KUNIT_EXPECT_FALSE(test, p->master[0].broken);
	KUNIT_EXPECT_FALSE(test, p->remote[0].broken);
}

/* ---- kicks ---- */

static void rl_vring_test_master_kick_honours_no_notify(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	void *buf;
	u16 head;
	u32 len;

	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[1], &head, &buf, &len), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[1], head, 0), 0);
	KUNIT_EXPECT_TRUE(test, rl_vq_need_kick(&p->master[1]));

	rl_vq_suppress_kicks(&p->remote[1], true);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->remote[1].used->flags),
			RL_VRING_USED_F_NO_NOTIFY);
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[1], &head, &buf, &len), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[1], head, 0), 0);
	KUNIT_EXPECT_FALSE(test, rl_vq_need_kick(&p->master[1]));

	rl_vq_suppress_kicks(&p->remote[1], false);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->remote[1].used->flags), 0);
	KUNIT_EXPECT_TRUE(test, rl_vq_need_kick(&p->master[1]));
}

static void rl_vring_test_remote_always_kicks_in_flags_mode(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	u16 head;

	/* avail.flags = NO_INTERRUPT, as rpmsg-lite's master leaves it */
	KUNIT_ASSERT_EQ(test, le16_to_cpu(p->master[0].avail->flags),
			RL_VRING_AVAIL_F_NO_INTERRUPT);
	KUNIT_ASSERT_EQ(test, rl_remote_echo(test, p, 0, &head), 0);
	KUNIT_EXPECT_TRUE(test, rl_vq_need_kick(&p->remote[0]));
}

static void rl_vring_test_master_suppression_leaves_avail_flags_alone(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);

	rl_vq_suppress_kicks(&p->master[0], false);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->master[0].avail->flags),
			RL_VRING_AVAIL_F_NO_INTERRUPT);
	rl_vq_suppress_kicks(&p->master[0], true);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->master[0].avail->flags),
			RL_VRING_AVAIL_F_NO_INTERRUPT);
}

/* Bring vring 0 of an event-idx pair to "all returned, all reclaimed". */
static struct rl_pair *rl_pair_event_idle(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, true);
	void *buf;
	u16 head;
	u32 len, i;

	for (i = 0; i < p->num; i++)
		KUNIT_ASSERT_EQ(test, rl_remote_echo(test, p, 0, &head), 0);
	for (i = 0; i < p->num; i++)
		KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[0], &head, &buf,
						 &len), 0);
	return p;
}

static void rl_vring_test_event_idx_kicks_master_once_per_request(struct kunit *test)
{
	struct rl_pair *p = rl_pair_event_idle(test);

	/* remote consumed 2 entries and asks for a kick at the next one */
	rl_vq_suppress_kicks(&p->remote[0], false);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(*(__le16 *)&p->remote[0].used->ring[2]),
			2);

	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[0], 0, 0), 0);
	KUNIT_EXPECT_TRUE(test, rl_vq_need_kick(&p->master[0]));
	/* the remote has not moved its event on: no second kick */
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[0], 1, 0), 0);
	KUNIT_EXPECT_FALSE(test, rl_vq_need_kick(&p->master[0]));
}

static void rl_vring_test_event_idx_suppresses_master_kicks(struct kunit *test)
{
	struct rl_pair *p = rl_pair_event_idle(test);

	rl_vq_suppress_kicks(&p->remote[0], true);
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[0], 0, 0), 0);
	KUNIT_EXPECT_FALSE(test, rl_vq_need_kick(&p->master[0]));
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[0], 1, 0), 0);
	KUNIT_EXPECT_FALSE(test, rl_vq_need_kick(&p->master[0]));
}

static void rl_vring_test_event_idx_suppresses_remote_kicks(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, true);
	u16 head;

	/* master consumed nothing yet and asks for a kick at entry 0 */
	rl_vq_suppress_kicks(&p->master[0], false);
	KUNIT_ASSERT_EQ(test, rl_remote_echo(test, p, 0, &head), 0);
	KUNIT_EXPECT_TRUE(test, rl_vq_need_kick(&p->remote[0]));

	rl_vq_suppress_kicks(&p->master[0], true);
	KUNIT_ASSERT_EQ(test, rl_remote_echo(test, p, 0, &head), 0);
	KUNIT_EXPECT_FALSE(test, rl_vq_need_kick(&p->remote[0]));
}

/* ---- a hostile or broken peer ---- */

static void rl_vring_test_avail_idx_jump_breaks_the_remote(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *r = &p->remote[0];
	void *buf;
	u16 head;
	u32 len;

	/* 2 posted; claim 3 more than the ring holds */
	WRITE_ONCE(p->master[0].avail->idx, cpu_to_le16(p->num + 3));
	/* a corrupt idx still counts as work, so the caller sees the error */
	KUNIT_EXPECT_TRUE(test, rl_vq_has_work(r));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EIO);
	KUNIT_EXPECT_TRUE(test, r->broken);
	KUNIT_EXPECT_EQ(test, r->stats.bad_idx, 1u);
	KUNIT_EXPECT_FALSE(test, rl_vq_has_work(r));
}

static void rl_vring_test_used_idx_jump_breaks_the_master(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *m = &p->master[0];
	void *buf;
	u16 head;
	u32 len;

	WRITE_ONCE(m->used->idx, cpu_to_le16(0x8000));
	KUNIT_EXPECT_EQ(test, rl_vq_take(m, &head, &buf, &len), -EIO);
	KUNIT_EXPECT_TRUE(test, m->broken);
	KUNIT_EXPECT_EQ(test, m->stats.bad_idx, 1u);
}

static void rl_vring_test_avail_entry_out_of_range_breaks_the_remote(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *r = &p->remote[0];
	void *buf;
	u16 head;
	u32 len;

	WRITE_ONCE(p->master[0].avail->ring[0], cpu_to_le16(p->num));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EIO);
	KUNIT_EXPECT_TRUE(test, r->broken);
	KUNIT_EXPECT_EQ(test, r->stats.bad_head, 1u);
}

static void rl_vring_test_avail_duplicate_head_breaks_the_remote(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *r = &p->remote[0];
	void *buf;
	u16 head;
	u32 len;

	/* entries {0, 0}: the second names a buffer the remote holds */
	WRITE_ONCE(p->master[0].avail->ring[1], cpu_to_le16(0));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EIO);
	KUNIT_EXPECT_EQ(test, r->stats.bad_head, 1u);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(r), 1u);
}

static void rl_vring_test_used_entry_out_of_range_breaks_the_master(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *m = &p->master[0];
	void *buf;
	u16 head;
	u32 len;

	KUNIT_ASSERT_EQ(test, rl_remote_echo(test, p, 0, &head), 0);
	WRITE_ONCE(m->used->ring[0].id, cpu_to_le32(0x10000));
	KUNIT_EXPECT_EQ(test, rl_vq_take(m, &head, &buf, &len), -EIO);
	KUNIT_EXPECT_TRUE(test, m->broken);
	KUNIT_EXPECT_EQ(test, m->stats.bad_head, 1u);
}

static void rl_vring_test_used_duplicate_head_breaks_the_master(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *m = &p->master[1];
	void *buf;
	u16 head;
	u32 len;

	/* pre-published {0, 1} rewritten as {0, 0} */
	WRITE_ONCE(m->used->ring[1].id, cpu_to_le32(0));
	KUNIT_EXPECT_EQ(test, rl_vq_take(m, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_take(m, &head, &buf, &len), -EIO);
	KUNIT_EXPECT_EQ(test, m->stats.bad_head, 1u);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(m), 1u);
}

static void rl_vring_test_used_length_beyond_buffer_is_dropped_not_fatal(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *m = &p->master[1];
	void *buf;
	u16 head = 0xffff;
	u32 len;

	WRITE_ONCE(m->used->ring[0].len, cpu_to_le32(p->buf_size + 1));
	KUNIT_EXPECT_EQ(test, rl_vq_take(m, &head, &buf, &len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, head, 0);
	KUNIT_EXPECT_EQ(test, m->stats.bad_len, 1u);
	KUNIT_EXPECT_FALSE(test, m->broken);
	/* the head is the master's again: it can be recycled */
	KUNIT_EXPECT_EQ(test, rl_vq_give(m, head, 0), 0);
	/* and the next entry is fine */
	KUNIT_EXPECT_EQ(test, rl_vq_take(m, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, head, 1);
}

static void rl_vring_test_descriptor_longer_than_buffer_is_rejected(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *r = &p->remote[0];
	u16 head = 0xffff;
	void *buf;
	u32 len;

	WRITE_ONCE(p->master[0].desc[0].len, cpu_to_le32(p->buf_size * 2));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, head, 0);
	KUNIT_EXPECT_EQ(test, r->stats.bad_len, 1u);
	KUNIT_EXPECT_FALSE(test, r->broken);
	/* returned unused, and the next descriptor is fine */
	KUNIT_EXPECT_EQ(test, rl_vq_give(r, head, 0), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, head, 1);
}

static void rl_vring_test_descriptor_shorter_than_buffer_is_rejected(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *r = &p->remote[0];
	void *buf;
	u16 head;
	u32 len;

	/* a master built with a smaller payload size */
	WRITE_ONCE(p->master[0].desc[0].len, cpu_to_le32(RL_MSG_HDR_SIZE + 240));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, r->stats.bad_len, 1u);
}

static void rl_vring_test_short_descs_accept_message_sized_descriptors(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *r = &p->remote[1];
	struct rl_vq_config cfg;
	void *buf;
	u16 head;
	u32 len;

	/* the remote's receive ring, as the remote of a virtio master */
	rl_vq_cleanup(r);
	p->inited[3] = false;
	rl_test_cfg(p, 1, false, RL_DEFAULT_VRING_ALIGN, false, &cfg);
	cfg.short_descs = true;
	KUNIT_ASSERT_EQ(test, rl_vq_init(r, &cfg), 0);
	p->inited[3] = true;

	/* the master posts two messages: 16 + 16 bytes, then a bare header */
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[1], &head, &buf, &len), 0);
	WRITE_ONCE(p->master[1].desc[head].len, cpu_to_le32(RL_MSG_HDR_SIZE + 16));
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[1], head, 0), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[1], &head, &buf, &len), 0);
	WRITE_ONCE(p->master[1].desc[head].len, cpu_to_le32(RL_MSG_HDR_SIZE));
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[1], head, 0), 0);

	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, len, RL_MSG_HDR_SIZE + 16);
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, len, RL_MSG_HDR_SIZE);
	KUNIT_EXPECT_EQ(test, r->stats.bad_len, 0u);
}

static void rl_vring_test_short_descs_still_reject_less_than_a_header(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *r = &p->remote[0];
	struct rl_vq_config cfg;
	void *buf;
	u16 head;
	u32 len;

	rl_vq_cleanup(r);
	p->inited[2] = false;
	rl_test_cfg(p, 0, false, RL_DEFAULT_VRING_ALIGN, false, &cfg);
	cfg.short_descs = true;
	KUNIT_ASSERT_EQ(test, rl_vq_init(r, &cfg), 0);
	p->inited[2] = true;

	WRITE_ONCE(p->master[0].desc[0].len, cpu_to_le32(RL_MSG_HDR_SIZE - 1));
	WRITE_ONCE(p->master[0].desc[1].len, cpu_to_le32(p->buf_size + 1));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, head, 0);
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, head, 1);
	KUNIT_EXPECT_EQ(test, r->stats.bad_len, 2u);
	KUNIT_EXPECT_FALSE(test, r->broken);
}

static void rl_vring_test_short_descs_are_refused_on_a_master(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq_config cfg;
	struct rl_vq vq = {};

	rl_test_cfg(p, 0, true, RL_DEFAULT_VRING_ALIGN, false, &cfg);
	cfg.short_descs = true;
	KUNIT_EXPECT_EQ(test, rl_vq_init(&vq, &cfg), -EINVAL);
}

static void rl_vring_test_descriptor_outside_the_region_is_rejected(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *r = &p->remote[0];
	void *buf;
	u16 head;
	u32 len;

	/* the last 256 bytes of the region: a 512-byte buffer overruns it */
	WRITE_ONCE(p->master[0].desc[0].addr,
		   cpu_to_le64(RL_TEST_SHM_DA + p->size - 256));
	/* below the region */
	WRITE_ONCE(p->master[0].desc[1].addr,
		   cpu_to_le64(RL_TEST_SHM_DA - p->buf_size));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, head, 0);
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, head, 1);
	KUNIT_EXPECT_EQ(test, r->stats.bad_addr, 2u);
	KUNIT_EXPECT_FALSE(test, r->broken);
}

static void rl_vring_test_descriptor_address_wrapping_u64_is_rejected(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *r = &p->remote[0];
	void *buf;
	u16 head;
	u32 len;

	/* addr + len wraps to a small number */
	WRITE_ONCE(p->master[0].desc[0].addr, cpu_to_le64(U64_MAX - 16));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, r->stats.bad_addr, 1u);
}

static void rl_vring_test_buffer_at_the_end_of_the_region_is_accepted(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *r = &p->remote[0];
	void *buf;
	u16 head;
	u32 len;

	WRITE_ONCE(p->master[0].desc[0].addr,
		   cpu_to_le64(RL_TEST_SHM_DA + p->size - p->buf_size));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), 0);
	KUNIT_EXPECT_PTR_EQ(test, buf, p->region + p->size - p->buf_size);
}

/*
 * A remote told where its vring's buffers are (its half of the buffer
 * area) takes only descriptors naming a whole buffer there: not the
 * vrings, not the other direction's buffers, not an odd offset.
 */
static void rl_vring_test_remote_with_an_area_takes_only_its_buffers(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *r = &p->remote[0];
	struct rl_vq_config cfg;
	void *buf;
	u16 head;
	u32 len;

	rl_vq_cleanup(r);
	rl_test_cfg(p, 0, false, RL_DEFAULT_VRING_ALIGN, false, &cfg);
	cfg.area = p->region + rl_pair_bufs_off(p, 0);
	cfg.area_da = RL_TEST_SHM_DA + rl_pair_bufs_off(p, 0);
	cfg.area_size = (size_t)p->num * p->buf_size;
	KUNIT_ASSERT_EQ(test, rl_vq_init(r, &cfg), 0);

	/* descriptor 0: into vring 1; 1: vring 1's first buffer */
	WRITE_ONCE(p->master[0].desc[0].addr,
		   cpu_to_le64(RL_TEST_SHM_DA + p->vring_size));
	WRITE_ONCE(p->master[0].desc[1].addr,
		   cpu_to_le64(RL_TEST_SHM_DA + rl_pair_bufs_off(p, 1)));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, head, 0);
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, head, 1);
	KUNIT_EXPECT_EQ(test, r->stats.bad_addr, 2u);
	KUNIT_EXPECT_FALSE(test, r->broken);
	KUNIT_EXPECT_EQ(test, rl_vq_give(r, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_give(r, 1, 0), 0);

	/* back in the master's hands, descriptor 0 now 8 bytes into a buffer */
	rl_vq_reset(r);
	rl_vq_master_setup_rx(&p->master[0]);
	WRITE_ONCE(p->master[0].desc[0].addr,
		   cpu_to_le64(RL_TEST_SHM_DA + rl_pair_bufs_off(p, 0) + 8));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EBADMSG);
	/* descriptor 1 in its place: accepted */
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, head, 1);
	KUNIT_EXPECT_PTR_EQ(test, buf, p->region + rl_pair_bufs_off(p, 0) +
			    p->buf_size);
}

/* The area must lie inside the region, at the offset its address says. */
static void rl_vring_test_area_outside_the_region_is_refused(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq_config cfg;
	struct rl_vq vq = {};

	rl_test_cfg(p, 0, false, RL_DEFAULT_VRING_ALIGN, false, &cfg);
	cfg.area = p->region + rl_pair_bufs_off(p, 0);
	cfg.area_da = RL_TEST_SHM_DA + rl_pair_bufs_off(p, 0) + 16;
	cfg.area_size = (size_t)p->num * p->buf_size;
	KUNIT_EXPECT_EQ(test, rl_vq_init(&vq, &cfg), -EINVAL);
	cfg.area_da -= 16;
	cfg.area_size = p->size;
	KUNIT_EXPECT_EQ(test, rl_vq_init(&vq, &cfg), -EINVAL);
}

static void rl_vring_test_master_never_trusts_descriptor_addresses(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);

	WRITE_ONCE(p->master[0].desc[0].addr, cpu_to_le64(0x1234));
	KUNIT_EXPECT_PTR_EQ(test, rl_vq_buf(&p->master[0], 0),
			    p->region + 0x10000);
	KUNIT_EXPECT_PTR_EQ(test, rl_vq_buf(&p->master[1], 1),
			    p->region + 0x10600);
	KUNIT_EXPECT_NULL(test, rl_vq_buf(&p->master[0], p->num));
}

static void rl_vring_test_broken_vq_stays_broken_until_reset(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *m = &p->master[0];
	void *buf;
	u16 head;
	u32 len;

	WRITE_ONCE(m->used->idx, cpu_to_le16(p->num + 1));
	KUNIT_ASSERT_EQ(test, rl_vq_take(m, &head, &buf, &len), -EIO);

	/* a sane idx again does not help */
	WRITE_ONCE(m->used->idx, cpu_to_le16(0));
	KUNIT_EXPECT_EQ(test, rl_vq_take(m, &head, &buf, &len), -EIO);
	KUNIT_EXPECT_EQ(test, rl_vq_give(m, 0, 0), -EIO);
	KUNIT_EXPECT_FALSE(test, rl_vq_need_kick(m));
	KUNIT_EXPECT_FALSE(test, rl_vq_has_work(m));

	rl_vq_reset(m);
	rl_vq_master_setup_rx(m);
	KUNIT_EXPECT_FALSE(test, m->broken);
	KUNIT_EXPECT_EQ(test, rl_vq_take(m, &head, &buf, &len), -ENOENT);
	/* the counters survive the reset */
	KUNIT_EXPECT_EQ(test, m->stats.bad_idx, 1u);
}

static void rl_vring_test_remote_reset_continues_from_the_rebuilt_ring(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	void *buf;
	u16 head;
	u32 len;

	/* one message master -> remote, then both sides start over */
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[1], &head, &buf, &len), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[1], head, 0), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->remote[1], &head, &buf, &len),
			0);
	rl_vq_reset(&p->master[1]);
	rl_vq_reset(&p->remote[1]);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(&p->remote[1]), p->num);
	rl_vq_master_setup_tx(&p->master[1]);

	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[1], &head, &buf, &len), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[1], head, 0), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->remote[1], &head, &buf, &len),
			0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->remote[1], head, len), 0);
	/* after the two pre-published entries again */
	KUNIT_EXPECT_EQ(test, le16_to_cpu(p->remote[1].used->idx), 3);
}

/*
 * The generation bits survive the master's rewrite of the rings (avail.flags
 * never reads as anything else in between) and its suppression calls; the
 * first image stays rpmsg-lite's.
 */
static void rl_vring_test_master_generation_survives_a_rebuild(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *m0 = &p->master[0];

	KUNIT_EXPECT_EQ(test, le16_to_cpu(m0->avail->flags),
			RL_VRING_AVAIL_F_NO_INTERRUPT);
	rl_vq_set_flags_ext(m0, 0x0300);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(m0->avail->flags), 0x0301);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_flags(&p->remote[0]), 0x0301);

	rl_vq_reset(m0);
	rl_vq_master_setup_rx(m0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(m0->avail->flags), 0x0301);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(m0->avail->idx), p->num);
	rl_vq_suppress_kicks(m0, true);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(m0->avail->flags), 0x0301);
	/* bits outside the generation are not the caller's to set */
	rl_vq_set_flags_ext(m0, 0xff06);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(m0->avail->flags), 0xff01);
}

/* The remote's answer bits stay in used.flags when it toggles NO_NOTIFY. */
static void rl_vring_test_remote_flags_keep_the_generation_answer(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *r0 = &p->remote[0];

	rl_vq_set_flags_ext(r0, RL_VRING_USED_F_GEN_AWARE | 0x0400);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_flags(&p->master[0]), 0x0402);
	rl_vq_suppress_kicks(r0, true);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(r0->used->flags), 0x0403);
	KUNIT_EXPECT_FALSE(test, rl_vq_need_kick(&p->master[0]));
	rl_vq_suppress_kicks(r0, false);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(r0->used->flags), 0x0402);
	KUNIT_EXPECT_TRUE(test, rl_vq_need_kick(&p->master[0]));
}

/*
 * Messages sent and not consumed, seen from the sender of either role;
 * a peer idx that does not fit counts as nothing.
 */
static void rl_vring_test_unconsumed_counts_what_the_peer_has_not_taken(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *mtx = &p->master[1], *rrx = &p->remote[1];
	struct rl_vq *rtx = &p->remote[0], *mrx = &p->master[0];
	u16 head, idx = 0;
	void *buf;
	u32 len;

	KUNIT_EXPECT_EQ(test, rl_vq_unconsumed(mtx, &idx), 0);
	/* master sends two */
	KUNIT_ASSERT_EQ(test, rl_vq_take(mtx, &head, &buf, &len), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(mtx, head, 0), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_take(mtx, &head, &buf, &len), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(mtx, head, 0), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_unconsumed(mtx, &idx), 2);
	KUNIT_EXPECT_EQ(test, idx, p->num);
	/* the remote consumes one */
	KUNIT_ASSERT_EQ(test, rl_vq_take(rrx, &head, &buf, &len), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(rrx, head, p->buf_size), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_unconsumed(mtx, &idx), 1);
	KUNIT_EXPECT_EQ(test, idx, p->num + 1);

	/* remote sends one; the master takes it and posts it again */
	KUNIT_ASSERT_EQ(test, rl_vq_take(rtx, &head, &buf, &len), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(rtx, head, p->buf_size), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_unconsumed(rtx, &idx), 1);
	KUNIT_ASSERT_EQ(test, rl_vq_take(mrx, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_unconsumed(rtx, &idx), 1);
	KUNIT_ASSERT_EQ(test, rl_vq_give(mrx, head, 0), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_unconsumed(rtx, &idx), 0);

	/* a used idx from nowhere */
	WRITE_ONCE(mtx->used->idx, cpu_to_le16(0x4000));
	KUNIT_EXPECT_EQ(test, rl_vq_unconsumed(mtx, &idx), 0);
}

/* ---- role-neutral operations ---- */

/*
 * One call each way, whatever the role: on vring 1 the master gives and
 * the remote takes, on vring 0 the other way round; both see one buffer.
 */
static void rl_vring_test_take_and_give_carry_a_buffer_both_ways(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *mtx = &p->master[1], *rrx = &p->remote[1];
	struct rl_vq *rtx = &p->remote[0], *mrx = &p->master[0];
	void *buf, *got;
	u16 head;
	u32 len;

	/* master -> remote: a pre-published free buffer, filled, given */
	KUNIT_ASSERT_EQ(test, rl_vq_take(mtx, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, head, 0);
	KUNIT_EXPECT_PTR_EQ(test, buf, p->region + 0x10400);
	memcpy(buf, "ping", 4);
	KUNIT_ASSERT_EQ(test, rl_vq_give(mtx, head, p->buf_size), 0);
	KUNIT_EXPECT_TRUE(test, rl_vq_need_kick(mtx));
	KUNIT_ASSERT_EQ(test, rl_vq_take(rrx, &head, &got, &len), 0);
	KUNIT_EXPECT_EQ(test, head, 0);
	KUNIT_EXPECT_PTR_EQ(test, got, buf);
	KUNIT_EXPECT_EQ(test, len, p->buf_size);
	KUNIT_EXPECT_EQ(test, memcmp(got, "ping", 4), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(rrx, head, 16 + 4), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_take(mtx, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, head, 1);

	/* remote -> master: a posted receive buffer, filled, given back */
	KUNIT_ASSERT_EQ(test, rl_vq_take(rtx, &head, &buf, &len), 0);
	KUNIT_EXPECT_PTR_EQ(test, buf, p->region + 0x10000);
	memcpy(buf, "pong", 4);
	KUNIT_ASSERT_EQ(test, rl_vq_give(rtx, head, 16 + 4), 0);
	KUNIT_EXPECT_TRUE(test, rl_vq_need_kick(rtx));
	KUNIT_ASSERT_EQ(test, rl_vq_take(mrx, &head, &got, &len), 0);
	KUNIT_EXPECT_EQ(test, head, 0);
	KUNIT_EXPECT_PTR_EQ(test, got, buf);
	KUNIT_EXPECT_EQ(test, len, 20u);
	KUNIT_EXPECT_EQ(test, memcmp(got, "pong", 4), 0);
	/* and posts it again: the remote can take it once more */
	KUNIT_ASSERT_EQ(test, rl_vq_give(mrx, head, 0), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(mrx), p->num);
	KUNIT_EXPECT_EQ(test, rl_vq_pending(rtx), 2);
}

/*
 * The buffer of a head: the master's from its configuration, always; a
 * remote's only while it holds the head.
 */
static void rl_vring_test_buf_maps_a_head_for_either_role(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *m = &p->master[0], *r = &p->remote[0];
	void *buf;
	u16 head;
	u32 len;

	/* both held by the remote after setup; the master still knows them */
	KUNIT_EXPECT_PTR_EQ(test, rl_vq_buf(m, 0), p->region + 0x10000);
	KUNIT_EXPECT_PTR_EQ(test, rl_vq_buf(m, 1), p->region + 0x10200);
	KUNIT_EXPECT_NULL(test, rl_vq_buf(m, p->num));

	KUNIT_EXPECT_NULL(test, rl_vq_buf(r, 0));
	KUNIT_ASSERT_EQ(test, rl_vq_take(r, &head, &buf, &len), 0);
	KUNIT_EXPECT_PTR_EQ(test, rl_vq_buf(r, head), buf);
	KUNIT_EXPECT_NULL(test, rl_vq_buf(r, p->num));
	KUNIT_ASSERT_EQ(test, rl_vq_give(r, head, len), 0);
	KUNIT_EXPECT_NULL(test, rl_vq_buf(r, head));
}

/* A peer's idx that jumps past the ring breaks the vq of either role. */
static void rl_vring_test_take_breaks_on_a_hostile_idx_in_either_role(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *vqs[] = { &p->master[0], &p->remote[1] };
	void *buf;
	u16 head;
	u32 len;
	int i;

	/* the remote's used idx of vring 0, the master's avail idx of vring 1 */
	WRITE_ONCE(p->remote[0].used->idx, cpu_to_le16(p->num + 1));
	WRITE_ONCE(p->master[1].avail->idx, cpu_to_le16(p->num + 1));
	for (i = 0; i < ARRAY_SIZE(vqs); i++) {
		KUNIT_EXPECT_EQ_MSG(test, rl_vq_take(vqs[i], &head, &buf, &len),
				    -EIO, "vq %d", i);
		KUNIT_EXPECT_TRUE_MSG(test, vqs[i]->broken, "vq %d", i);
		KUNIT_EXPECT_EQ_MSG(test, vqs[i]->stats.bad_idx, 1u, "vq %d", i);
		/* nothing is taken or given any more */
		KUNIT_EXPECT_EQ_MSG(test, rl_vq_take(vqs[i], &head, &buf, &len),
				    -EIO, "vq %d", i);
		KUNIT_EXPECT_EQ_MSG(test, rl_vq_give(vqs[i], 0, 0), -EIO,
				    "vq %d", i);
		KUNIT_EXPECT_FALSE_MSG(test, rl_vq_has_work(vqs[i]), "vq %d", i);
	}
}

/* A ring entry naming a descriptor out of range breaks either role. */
static void rl_vring_test_take_breaks_on_a_hostile_head_in_either_role(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *m = &p->master[0], *r = &p->remote[1];
	void *buf;
	u16 head;
	u32 len;

	/* the remote returns buffer 0 of vring 0 as descriptor num */
	KUNIT_ASSERT_EQ(test, rl_remote_echo(test, p, 0, &head), 0);
	WRITE_ONCE(m->used->ring[0].id, cpu_to_le32(p->num));
	KUNIT_EXPECT_EQ(test, rl_vq_take(m, &head, &buf, &len), -EIO);
	KUNIT_EXPECT_EQ(test, m->stats.bad_head, 1u);
	KUNIT_EXPECT_TRUE(test, m->broken);

	/* the master posts descriptor 0xffff on vring 1 */
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->master[1], &head, &buf, &len), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_give(&p->master[1], head, 0), 0);
	WRITE_ONCE(r->avail->ring[0], cpu_to_le16(0xffff));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EIO);
	KUNIT_EXPECT_EQ(test, r->stats.bad_head, 1u);
	KUNIT_EXPECT_TRUE(test, r->broken);
}

/*
 * A bad length in a valid entry is no corruption: the head comes back
 * with -EBADMSG, held by the caller, who gives it back.
 */
static void rl_vring_test_take_hands_back_a_hostile_length_in_either_role(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *m = &p->master[0], *r = &p->remote[0];
	void *buf;
	u16 head;
	u32 len;

	/* master: the remote reports one byte more than the buffer */
	KUNIT_ASSERT_EQ(test, rl_remote_echo(test, p, 0, &head), 0);
	WRITE_ONCE(m->used->ring[0].len, cpu_to_le32(p->buf_size + 1));
	KUNIT_EXPECT_EQ(test, rl_vq_take(m, &head, &buf, &len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, head, 0);
	KUNIT_EXPECT_EQ(test, m->stats.bad_len, 1u);
	KUNIT_EXPECT_FALSE(test, m->broken);
	KUNIT_EXPECT_EQ(test, rl_vq_give(m, head, 0), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_peer_held(m), p->num);

	/* remote: the master's descriptor 1 is one byte short */
	WRITE_ONCE(m->desc[1].len, cpu_to_le32(p->buf_size - 1));
	KUNIT_EXPECT_EQ(test, rl_vq_take(r, &head, &buf, &len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, head, 1);
	KUNIT_EXPECT_NULL(test, rl_vq_buf(r, head));
	KUNIT_EXPECT_EQ(test, r->stats.bad_len, 1u);
	KUNIT_EXPECT_FALSE(test, r->broken);
	KUNIT_EXPECT_EQ(test, rl_vq_give(r, head, 0), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_take(m, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, head, 1);
	KUNIT_EXPECT_EQ(test, len, 0u);
}

/* Giving what the peer holds, or more than a buffer, writes nothing. */
static void rl_vring_test_give_refuses_heads_not_held_in_either_role(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq *m = &p->master[1], *r = &p->remote[0];
	u16 avail_idx = le16_to_cpu(m->avail->idx);
	void *buf;
	u16 head;
	u32 len;

	/* master: every tx buffer waits in the used ring, none is ours */
	KUNIT_EXPECT_EQ(test, rl_vq_give(m, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_vq_give(m, p->num, 0), -EINVAL);
	KUNIT_ASSERT_EQ(test, rl_vq_take(m, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_give(m, head, p->buf_size + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(m->avail->idx), avail_idx);

	/* remote: nothing taken yet, then a length beyond the buffer */
	KUNIT_EXPECT_EQ(test, rl_vq_give(r, 0, p->buf_size), -EINVAL);
	KUNIT_ASSERT_EQ(test, rl_vq_take(r, &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_give(r, head, p->buf_size + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(r->used->idx), 0);
	KUNIT_EXPECT_FALSE(test, m->broken);
	KUNIT_EXPECT_FALSE(test, r->broken);
}

/*
 * What the peer gave and we did not take: one unchecked read of its idx
 * (the caller clamps; the next take reports a corrupt idx).
 */
static void rl_vring_test_pending_counts_what_the_peer_gave_in_either_role(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	void *buf;
	u16 head;
	u32 len;

	/* setup: rx buffers posted to the remote, tx buffers back to us */
	KUNIT_EXPECT_EQ(test, rl_vq_pending(&p->remote[0]), p->num);
	KUNIT_EXPECT_EQ(test, rl_vq_pending(&p->master[1]), p->num);
	KUNIT_EXPECT_EQ(test, rl_vq_pending(&p->master[0]), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_pending(&p->remote[1]), 0);
	KUNIT_ASSERT_EQ(test, rl_vq_take(&p->remote[0], &head, &buf, &len), 0);
	KUNIT_EXPECT_EQ(test, rl_vq_pending(&p->remote[0]), p->num - 1);

	WRITE_ONCE(p->remote[0].used->idx, cpu_to_le16(0x4000));
	KUNIT_EXPECT_EQ(test, rl_vq_pending(&p->master[0]), 0x4000);
	KUNIT_EXPECT_EQ(test, rl_vq_take(&p->master[0], &head, &buf, &len),
			-EIO);
}

/* Only a remote in flags mode can ask for silence that lasts. */
static void rl_vring_test_can_mute_only_a_remote_in_flags_mode(struct kunit *test)
{
	struct rl_pair *p = rl_pair_default(test, false);
	struct rl_vq_config cfg;
	struct rl_vq vq;

	KUNIT_EXPECT_TRUE(test, rl_vq_can_mute(&p->remote[0]));
	KUNIT_EXPECT_TRUE(test, rl_vq_can_mute(&p->remote[1]));
	KUNIT_EXPECT_FALSE(test, rl_vq_can_mute(&p->master[0]));
	KUNIT_EXPECT_FALSE(test, rl_vq_can_mute(&p->master[1]));

	/* event-idx mode: a hint on either side */
	rl_test_cfg(p, 0, false, RL_DEFAULT_VRING_ALIGN, true, &cfg);
	KUNIT_ASSERT_EQ(test, rl_vq_init(&vq, &cfg), 0);
	KUNIT_EXPECT_FALSE(test, rl_vq_can_mute(&vq));
	rl_vq_cleanup(&vq);
	rl_test_cfg(p, 0, true, RL_DEFAULT_VRING_ALIGN, true, &cfg);
	KUNIT_ASSERT_EQ(test, rl_vq_init(&vq, &cfg), 0);
	KUNIT_EXPECT_FALSE(test, rl_vq_can_mute(&vq));
	rl_vq_cleanup(&vq);
}

static struct kunit_case rl_vring_test_cases[] = {
	KUNIT_CASE(rl_vring_test_layout_of_default_link_matches_rpmsg_lite),
	KUNIT_CASE(rl_vring_test_layout_of_256_buffers_moves_avail_and_used),
	KUNIT_CASE(rl_vring_test_layout_with_align_16_packs_the_used_ring),
	KUNIT_CASE(rl_vring_test_layout_rejects_bad_buffer_counts),
	KUNIT_CASE(rl_vring_test_layout_rejects_bad_alignments),
	KUNIT_CASE(rl_vring_test_init_writes_nothing_to_shared_memory),
	KUNIT_CASE(rl_vring_test_init_rejects_incomplete_configs),
	KUNIT_CASE(rl_vring_test_master_setup_writes_the_rpmsg_lite_image),
	KUNIT_CASE(rl_vring_test_master_setup_puts_every_buffer_on_the_remote_side),
	KUNIT_CASE(rl_vring_test_master_reset_and_setup_rebuild_the_same_image),
	KUNIT_CASE(rl_vring_test_remote_takes_posted_buffers_in_order),
	KUNIT_CASE(rl_vring_test_remote_maps_descriptor_addresses_into_the_region),
	KUNIT_CASE(rl_vring_test_master_reclaims_what_the_remote_returns),
	KUNIT_CASE(rl_vring_test_empty_rings_report_no_entry),
	KUNIT_CASE(rl_vring_test_master_cannot_post_beyond_a_full_ring),
	KUNIT_CASE(rl_vring_test_remote_cannot_return_a_buffer_it_does_not_hold),
	KUNIT_CASE(rl_vring_test_fill_and_drain_moves_every_buffer_once),
	KUNIT_CASE(rl_vring_test_master_sends_on_prepublished_tx_buffers),
	KUNIT_CASE(rl_vring_test_indices_wrap_past_65535_over_many_round_trips),
	KUNIT_CASE(rl_vring_test_full_ring_wraps_from_near_65535),
	KUNIT_CASE(rl_vring_test_master_kick_honours_no_notify),
	KUNIT_CASE(rl_vring_test_remote_always_kicks_in_flags_mode),
	KUNIT_CASE(rl_vring_test_master_suppression_leaves_avail_flags_alone),
	KUNIT_CASE(rl_vring_test_event_idx_kicks_master_once_per_request),
	KUNIT_CASE(rl_vring_test_event_idx_suppresses_master_kicks),
	KUNIT_CASE(rl_vring_test_event_idx_suppresses_remote_kicks),
	KUNIT_CASE(rl_vring_test_master_generation_survives_a_rebuild),
	KUNIT_CASE(rl_vring_test_remote_flags_keep_the_generation_answer),
	KUNIT_CASE(rl_vring_test_unconsumed_counts_what_the_peer_has_not_taken),
	KUNIT_CASE(rl_vring_test_avail_idx_jump_breaks_the_remote),
	KUNIT_CASE(rl_vring_test_used_idx_jump_breaks_the_master),
	KUNIT_CASE(rl_vring_test_avail_entry_out_of_range_breaks_the_remote),
	KUNIT_CASE(rl_vring_test_avail_duplicate_head_breaks_the_remote),
	KUNIT_CASE(rl_vring_test_used_entry_out_of_range_breaks_the_master),
	KUNIT_CASE(rl_vring_test_used_duplicate_head_breaks_the_master),
	KUNIT_CASE(rl_vring_test_used_length_beyond_buffer_is_dropped_not_fatal),
	KUNIT_CASE(rl_vring_test_descriptor_longer_than_buffer_is_rejected),
	KUNIT_CASE(rl_vring_test_descriptor_shorter_than_buffer_is_rejected),
	KUNIT_CASE(rl_vring_test_short_descs_accept_message_sized_descriptors),
	KUNIT_CASE(rl_vring_test_short_descs_still_reject_less_than_a_header),
	KUNIT_CASE(rl_vring_test_short_descs_are_refused_on_a_master),
	KUNIT_CASE(rl_vring_test_descriptor_outside_the_region_is_rejected),
	KUNIT_CASE(rl_vring_test_descriptor_address_wrapping_u64_is_rejected),
	KUNIT_CASE(rl_vring_test_buffer_at_the_end_of_the_region_is_accepted),
	KUNIT_CASE(rl_vring_test_master_never_trusts_descriptor_addresses),
	KUNIT_CASE(rl_vring_test_remote_with_an_area_takes_only_its_buffers),
	KUNIT_CASE(rl_vring_test_area_outside_the_region_is_refused),
	KUNIT_CASE(rl_vring_test_broken_vq_stays_broken_until_reset),
	KUNIT_CASE(rl_vring_test_remote_reset_continues_from_the_rebuilt_ring),
	KUNIT_CASE(rl_vring_test_take_and_give_carry_a_buffer_both_ways),
	KUNIT_CASE(rl_vring_test_buf_maps_a_head_for_either_role),
	KUNIT_CASE(rl_vring_test_take_breaks_on_a_hostile_idx_in_either_role),
	KUNIT_CASE(rl_vring_test_take_breaks_on_a_hostile_head_in_either_role),
	KUNIT_CASE(rl_vring_test_take_hands_back_a_hostile_length_in_either_role),
	KUNIT_CASE(rl_vring_test_give_refuses_heads_not_held_in_either_role),
	KUNIT_CASE(rl_vring_test_pending_counts_what_the_peer_gave_in_either_role),
	KUNIT_CASE(rl_vring_test_can_mute_only_a_remote_in_flags_mode),
	{}
};

static struct kunit_suite rl_vring_test_suite = {
	.name = "rl_vring",
	.init = rl_vring_test_init,
	.exit = rl_vring_test_exit,
	.test_cases = rl_vring_test_cases,
};

rl_test_suites_module(rl_vring_test, &rl_vring_test_suite);

MODULE_DESCRIPTION("KUnit tests of the rpmsg-lite split-vring engine");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
MODULE_IMPORT_NS(RPMSG_LITE_TEST);
