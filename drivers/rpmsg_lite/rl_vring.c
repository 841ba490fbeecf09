// SPDX-License-Identifier: GPL-2.0
/*
 * rl_vring.c - split-vring engine of rpmsg-lite links (both roles).
 *
 * The peer runs on another processor and may be buggy or hostile: every
 * value read from the vring is read once into a local, checked, and only
 * the local is used afterwards.  Indices are free-running 16-bit counters
 * and are reduced modulo the ring size in one place each, right where an
 * entry is addressed.
 *
 * Barriers: the observer of every barrier below is the peer processor,
 * which may see the shared memory through a non-coherent or non-cacheable
 * mapping.  dma_wmb() orders our entry stores before our idx store,
 * dma_rmb() orders the peer's idx load before the entry loads, and mb()
 * orders our idx store before our load of the peer's flags/event index in
 * the kick decision.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/barrier.h>

#include "rl_vring.h"

/* used_event: trailer of the avail ring, written by the master. */
static __le16 *rl_vq_used_event(const struct rl_vq *vq)
{
	return &vq->avail->ring[vq->cfg.num];
}

/* avail_event: trailer of the used ring, written by the remote. */
static __le16 *rl_vq_avail_event(const struct rl_vq *vq)
{
	return (__le16 *)&vq->used->ring[vq->cfg.num];
}

/*
 * Should the producer kick, having moved its idx from @old to @new, when
 * the consumer asked to be kicked once the entry at @event is published?
 * True when @event lies in [@old, @new), in 16-bit arithmetic.
 */
static bool rl_vring_need_event(u16 event, u16 new, u16 old)
{
	return (u16)(new - event - 1) < (u16)(new - old);
}

static void rl_vq_mark_broken(struct rl_vq *vq)
{
	vq->broken = true;
}

/*
 * Where each role's indices are.  A master takes from the used ring and
 * gives into the available ring, a remote the other way round; each side
 * writes the event index of the ring it takes from.
 */

/* The idx the peer publishes what it gives us with, read once. */
static u16 rl_vq_read_peer_idx(const struct rl_vq *vq)
{
	const __le16 *idx = vq->cfg.master ? &vq->used->idx : &vq->avail->idx;

	return le16_to_cpu(READ_ONCE(*idx));
}

/* Entries of the peer's ring this side has taken. */
static u16 rl_vq_taken(const struct rl_vq *vq)
{
	return vq->cfg.master ? vq->used_last : vq->avail_last;
}

/* The idx of the next entry this side gives. */
static u16 rl_vq_given(const struct rl_vq *vq)
{
	return vq->cfg.master ? vq->avail_shadow : vq->used_shadow;
}

/* Our event index: "kick me when you give entry n" (event-idx mode). */
static __le16 *rl_vq_own_event(const struct rl_vq *vq)
{
	return vq->cfg.master ? rl_vq_used_event(vq) : rl_vq_avail_event(vq);
}

/* The peer's event index, read once. */
static u16 rl_vq_read_peer_event(const struct rl_vq *vq)
{
	const __le16 *event = vq->cfg.master ? rl_vq_avail_event(vq) :
					       rl_vq_used_event(vq);

	return le16_to_cpu(READ_ONCE(*event));
}

/**
 * rl_vring_layout() - compute where the parts of one vring are
 * @num: number of descriptors: a power of two from RL_MIN_BUFFER_COUNT to
 *       RL_MAX_BUFFER_COUNT
 * @align: alignment of the used ring: a power of two from 4 to
 *         RL_VRING_MAX_ALIGN
 * @layout: filled in on success
 *
 * Descriptors at 0, the available ring right after them, the used ring at
 * the next multiple of @align after used_event (the same arithmetic as
 * rpmsg-lite's vring_init()).
 *
 * Return: 0, or -EINVAL for a @num or @align out of range.
 */
int rl_vring_layout(u32 num, u32 align, struct rl_vring_layout *layout)
{
	size_t avail_end;

	if (num < RL_MIN_BUFFER_COUNT || num > RL_MAX_BUFFER_COUNT ||
	    !is_power_of_2(num))
		return -EINVAL;
	if (align < 4 || align > RL_VRING_MAX_ALIGN || !is_power_of_2(align))
		return -EINVAL;

	layout->num = num;
	layout->align = align;
	layout->desc_off = 0;
	layout->avail_off = sizeof(struct rl_vring_desc) * num;
	/* flags, idx, ring[num], used_event */
	avail_end = layout->avail_off + sizeof(struct rl_vring_avail) +
		    sizeof(__le16) * num + sizeof(__le16);
	layout->used_off = ALIGN(avail_end, (size_t)align);
	/* flags, idx, ring[num], avail_event */
	layout->size = layout->used_off + sizeof(struct rl_vring_used) +
		       sizeof(struct rl_vring_used_elem) * num + sizeof(__le16);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rl_vring_layout, RPMSG_LITE_TEST);

static int rl_vq_check_config(const struct rl_vq_config *cfg)
{
	u64 end;

	if (!cfg->ring || !IS_ALIGNED((unsigned long)cfg->ring, 8))
		return -EINVAL;
	if (cfg->buf_size <= RL_MSG_HDR_SIZE ||
	    cfg->buf_size > RL_MAX_PAYLOAD_SIZE + RL_MSG_HDR_SIZE)
		return -EINVAL;

	if (cfg->master) {
		/* the descriptors name bufs_da .. bufs_da + num * buf_size */
		if (!cfg->bufs || cfg->short_descs ||
		    check_add_overflow(cfg->bufs_da,
				       (u64)cfg->num * cfg->buf_size, &end))
			return -EINVAL;
	} else {
		if (!cfg->shm || !cfg->shm_size ||
		    check_add_overflow(cfg->shm_da, (u64)cfg->shm_size, &end))
			return -EINVAL;
		/* the area lies inside the region, at the same offset */
		if (cfg->area &&
		    (cfg->area < cfg->shm || cfg->area_size > cfg->shm_size ||
		     cfg->area - cfg->shm > cfg->shm_size - cfg->area_size ||
		     cfg->area_da - cfg->shm_da != cfg->area - cfg->shm))
			return -EINVAL;
	}
	return 0;
}

/* Shadow state of a vq that has not seen its peer yet. */
static void rl_vq_clear_state(struct rl_vq *vq)
{
	vq->avail_shadow = 0;
	vq->used_last = 0;
	vq->avail_last = 0;
	vq->used_shadow = 0;
	vq->kicked_at = 0;
	vq->synced = false;
	vq->broken = false;

	if (vq->cfg.master) {
		/* nothing is posted until rl_vq_master_setup_*() */
		bitmap_zero(vq->peer_held, vq->cfg.num);
	} else {
		/* the master owns every descriptor until it posts one */
		bitmap_fill(vq->peer_held, vq->cfg.num);
		memset(vq->remote_va, 0, sizeof(*vq->remote_va) * vq->cfg.num);
	}
}

/**
 * rl_vq_init() - prepare one side's view of one vring
 * @vq: state to fill in
 * @cfg: configuration, copied
 *
 * Validates @cfg (ring mapping 8-byte aligned, layout valid, buf_size in
 * range; a master needs @cfg->bufs and a @cfg->bufs_da range that does not
 * wrap, a remote @cfg->shm and a non-empty @cfg->shm_size), computes the
 * pointers and allocates the bookkeeping.  Writes nothing to shared memory.
 *
 * Return: 0, -EINVAL for a bad configuration, -ENOMEM.
 */
int rl_vq_init(struct rl_vq *vq, const struct rl_vq_config *cfg)
{
	int ret;

	memset(vq, 0, sizeof(*vq));

	ret = rl_vring_layout(cfg->num, cfg->align, &vq->layout);
	if (ret)
		return ret;
	ret = rl_vq_check_config(cfg);
	if (ret)
		return ret;

	vq->cfg = *cfg;
	vq->mask = cfg->num - 1;
	vq->desc = cfg->ring + vq->layout.desc_off;
	vq->avail = cfg->ring + vq->layout.avail_off;
	vq->used = cfg->ring + vq->layout.used_off;

	vq->peer_held = bitmap_zalloc(cfg->num, GFP_KERNEL);
	if (!vq->peer_held)
		return -ENOMEM;
	if (!cfg->master) {
		vq->remote_va = kcalloc(cfg->num, sizeof(*vq->remote_va),
					GFP_KERNEL);
		if (!vq->remote_va) {
			bitmap_free(vq->peer_held);
			vq->peer_held = NULL;
			return -ENOMEM;
		}
	}

	rl_vq_clear_state(vq);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rl_vq_init, RPMSG_LITE_TEST);

/**
 * rl_vq_cleanup() - free what rl_vq_init() allocated
 * @vq: vq to clean up; may be called twice, or after a failed init
 */
void rl_vq_cleanup(struct rl_vq *vq)
{
	bitmap_free(vq->peer_held);
	vq->peer_held = NULL;
	kfree(vq->remote_va);
	vq->remote_va = NULL;
}
EXPORT_SYMBOL_NS_GPL(rl_vq_cleanup, RPMSG_LITE_TEST);

/**
 * rl_vq_reset() - forget everything learnt from the peer
 * @vq: vq to reset
 *
 * Back to the state right after rl_vq_init(): shadow indices zero, not
 * broken, statistics kept.  A master holds every descriptor again and must
 * call its rl_vq_master_setup_*() before traffic; a remote considers every
 * descriptor held by the master and picks up used->idx again.  Used after
 * a reset of the peer; the caller must drop whatever buffers it held.
 */
void rl_vq_reset(struct rl_vq *vq)
{
	rl_vq_clear_state(vq);
}
EXPORT_SYMBOL_NS_GPL(rl_vq_reset, RPMSG_LITE_TEST);

/*
 * Write the image shared by both master rings: the vring zeroed (event
 * fields and padding included), every descriptor pointing at its buffer
 * with the whole buffer length, WRITE on every one as rpmsg-lite does, and
 * chained i -> i + 1 with the chain end on the last.
 */
static void rl_vq_master_write_descs(struct rl_vq *vq)
{
	u32 num = vq->cfg.num;
	u16 flags = RL_VRING_AVAIL_F_NO_INTERRUPT | vq->flags_ext;
	u32 i;

	/*
	 * Zeroed around avail.flags: its generation bits must never read as
	 * anything but the value announced before this rewrite.
	 */
	memset(vq->cfg.ring, 0, vq->layout.avail_off);
	memset(&vq->avail->idx, 0,
	       vq->layout.size - vq->layout.avail_off - sizeof(vq->avail->flags));

	for (i = 0; i < num; i++) {
		struct rl_vring_desc *d = &vq->desc[i];
		u16 next = i + 1 < num ? i + 1 : RL_VRING_DESC_CHAIN_END;

		WRITE_ONCE(d->addr, cpu_to_le64(vq->cfg.bufs_da +
						(u64)i * vq->cfg.buf_size));
		WRITE_ONCE(d->len, cpu_to_le32(vq->cfg.buf_size));
		WRITE_ONCE(d->flags, cpu_to_le16(RL_VRING_DESC_F_WRITE));
		WRITE_ONCE(d->next, cpu_to_le16(next));
	}
	/*
	 * rpmsg-lite writes 1 and never changes it (see
	 * rl_vq_suppress_kicks()); @flags_ext is 0 unless the rings were
	 * rebuilt (rl_vq_set_flags_ext())
	 */
	WRITE_ONCE(vq->avail->flags, cpu_to_le16(flags));
	vq->own_flags = flags;

	rl_vq_clear_state(vq);
	/* after either setup every descriptor is on the remote's side */
	bitmap_fill(vq->peer_held, num);
}

/**
 * rl_vq_master_setup_rx() - write the master receive vring (vq 0)
 * @vq: master vq, freshly initialised or reset
 *
 * Writes the rpmsg-lite image: descriptors as for every master ring, all
 * buffers posted in the available ring (ring[i] = i, idx = num), used ring
 * empty (idx 0), avail.flags = 1, event fields zero.  Afterwards all
 * descriptors count as held by the remote.  The available idx is written
 * last, after a write barrier.
 */
void rl_vq_master_setup_rx(struct rl_vq *vq)
{
	u32 num = vq->cfg.num;
	u32 i;

	if (WARN_ON_ONCE(!vq->cfg.master))
		return;

	rl_vq_master_write_descs(vq);
	for (i = 0; i < num; i++)
		WRITE_ONCE(vq->avail->ring[i], cpu_to_le16(i));
	vq->avail_shadow = num;
	vq->kicked_at = num;

	/* the remote must see the whole image before the idx that posts it */
	dma_wmb();
	WRITE_ONCE(vq->avail->idx, cpu_to_le16(vq->avail_shadow));
}
EXPORT_SYMBOL_NS_GPL(rl_vq_master_setup_rx, RPMSG_LITE_TEST);

/**
 * rl_vq_master_setup_tx() - write the master transmit vring (vq 1)
 * @vq: master vq, freshly initialised or reset
 *
 * Writes the rpmsg-lite image: descriptors as for every master ring,
 * available ring empty (idx 0), and every buffer pre-published in the used
 * ring (ring[i] = {i, buf_size}, idx = num) so that the master takes its
 * free transmit buffers with rl_vq_take().  avail.flags = 1, event
 * fields zero.  Afterwards all descriptors count as held by the remote.
 */
void rl_vq_master_setup_tx(struct rl_vq *vq)
{
	u32 num = vq->cfg.num;
	u32 i;

	if (WARN_ON_ONCE(!vq->cfg.master))
		return;

	rl_vq_master_write_descs(vq);
	for (i = 0; i < num; i++) {
		WRITE_ONCE(vq->used->ring[i].id, cpu_to_le32(i));
		WRITE_ONCE(vq->used->ring[i].len, cpu_to_le32(vq->cfg.buf_size));
	}
	/* we read these entries back ourselves; the remote reads the idx */
	dma_wmb();
	WRITE_ONCE(vq->used->idx, cpu_to_le16(num));
	WRITE_ONCE(vq->avail->idx, cpu_to_le16(0));
}
EXPORT_SYMBOL_NS_GPL(rl_vq_master_setup_tx, RPMSG_LITE_TEST);

/*
 * Master: take back the next entry of the used ring (head in *@head, the
 * remote's length in *@len).  For the errors see rl_vq_take().
 */
static int rl_vq_take_used(struct rl_vq *vq, u16 *head, u32 *len)
{
	struct rl_vring_used_elem *elem;
	u16 idx, id16;
	u32 id, l;

	idx = le16_to_cpu(READ_ONCE(vq->used->idx));
	if (idx == vq->used_last)
		return -ENOENT;
	if ((u16)(idx - vq->used_last) > vq->cfg.num) {
		vq->stats.bad_idx++;
		rl_vq_mark_broken(vq);
		pr_warn_ratelimited("vq %u: used idx %u jumps from %u past a ring of %u\n",
				    vq->cfg.id, idx, vq->used_last, vq->cfg.num);
		return -EIO;
	}
	/* the remote wrote the entry before the idx we just read */
	dma_rmb();

	elem = &vq->used->ring[vq->used_last & vq->mask];
	id = le32_to_cpu(READ_ONCE(elem->id));
	l = le32_to_cpu(READ_ONCE(elem->len));
	if (id >= vq->cfg.num || !test_bit(id, vq->peer_held)) {
		vq->stats.bad_head++;
		rl_vq_mark_broken(vq);
		pr_warn_ratelimited("vq %u: used entry %u names descriptor %u, not held by the remote\n",
				    vq->cfg.id, vq->used_last, id);
		return -EIO;
	}
	id16 = id;
	vq->used_last++;
	__clear_bit(id16, vq->peer_held);
	*head = id16;

	if (l > vq->cfg.buf_size) {
		vq->stats.bad_len++;
		pr_warn_ratelimited("vq %u: used length %u of descriptor %u exceeds the buffer size %u\n",
				    vq->cfg.id, l, id16, vq->cfg.buf_size);
		return -EBADMSG;
	}
	*len = l;
	return 0;
}

/* Master: the buffer of @head, from the configuration; @head in range. */
static void *rl_vq_master_buf(const struct rl_vq *vq, u16 head)
{
	return vq->cfg.bufs + (size_t)head * vq->cfg.buf_size;
}

/*
 * Remote: continue the used ring where the master left it.  After the
 * master's setup used->idx is 0 on vring 0 and num on vring 1 (the
 * pre-published transmit buffers); only the remote writes it from then
 * on, so a single read is the truth and any value is a valid start.
 */
static void rl_vq_remote_sync(struct rl_vq *vq)
{
	if (vq->synced)
		return;
	vq->used_shadow = le16_to_cpu(READ_ONCE(vq->used->idx));
	vq->kicked_at = vq->used_shadow;
	vq->synced = true;
}

/*
 * Remote: take the next entry of the available ring and check its
 * descriptor (head in *@head, mapping in *@buf, descriptor length in
 * *@len).  For the checks and errors see rl_vq_take().
 */
static int rl_vq_take_avail(struct rl_vq *vq, u16 *head, void **buf,
			    u32 *len)
{
	struct rl_vring_desc *d;
	u16 idx, h;
	u64 addr, off;
	u32 l;

	idx = le16_to_cpu(READ_ONCE(vq->avail->idx));
	if (idx == vq->avail_last)
		return -ENOENT;
	if ((u16)(idx - vq->avail_last) > vq->cfg.num) {
		vq->stats.bad_idx++;
		rl_vq_mark_broken(vq);
		pr_warn_ratelimited("vq %u: avail idx %u jumps from %u past a ring of %u\n",
				    vq->cfg.id, idx, vq->avail_last, vq->cfg.num);
		return -EIO;
	}
	/* the master wrote entry and descriptor before the idx we just read */
	dma_rmb();

	rl_vq_remote_sync(vq);

	h = le16_to_cpu(READ_ONCE(vq->avail->ring[vq->avail_last & vq->mask]));
	if (h >= vq->cfg.num || !test_bit(h, vq->peer_held)) {
		vq->stats.bad_head++;
		rl_vq_mark_broken(vq);
		pr_warn_ratelimited("vq %u: avail entry %u names descriptor %u, not held by the master\n",
				    vq->cfg.id, vq->avail_last, h);
		return -EIO;
	}
	vq->avail_last++;
	__clear_bit(h, vq->peer_held);
	*head = h;

	d = &vq->desc[h];
	addr = le64_to_cpu(READ_ONCE(d->addr));
	l = le32_to_cpu(READ_ONCE(d->len));

	if (l > vq->cfg.buf_size || (vq->cfg.short_descs ?
				     l < RL_MSG_HDR_SIZE :
				     l != vq->cfg.buf_size)) {
		vq->stats.bad_len++;
		pr_warn_ratelimited("vq %u: descriptor %u length %u, expected %s%u\n",
				    vq->cfg.id, h, l,
				    vq->cfg.short_descs ? "at most " : "",
				    vq->cfg.buf_size);
		return -EBADMSG;
	}
	/* addr >= shm_da, then addr + l <= shm_da + shm_size without overflow */
	off = addr - vq->cfg.shm_da;
	if (addr < vq->cfg.shm_da || off > vq->cfg.shm_size ||
	    l > vq->cfg.shm_size - off) {
		vq->stats.bad_addr++;
		pr_warn_ratelimited("vq %u: descriptor %u address 0x%llx + %u outside the shared region\n",
				    vq->cfg.id, h, addr, l);
		return -EBADMSG;
	}

	/* a whole buffer of this vring's half, when the caller says where */
	if (vq->cfg.area && (addr < vq->cfg.area_da ||
			     addr - vq->cfg.area_da >= vq->cfg.area_size ||
			     (u32)(addr - vq->cfg.area_da) % vq->cfg.buf_size)) {
		vq->stats.bad_addr++;
		pr_warn_ratelimited("vq %u: descriptor %u address 0x%llx is not a buffer of this vring\n",
				    vq->cfg.id, h, addr);
		return -EBADMSG;
	}

	vq->remote_va[h] = vq->cfg.shm + off;
	*buf = vq->remote_va[h];
	*len = l;
	return 0;
}

/**
 * rl_vq_take() - take a buffer the peer handed to this side
 * @vq: vq of either role
 * @head: descriptor index, valid for 0 and -EBADMSG
 * @buf: kernel mapping of the buffer, valid for 0
 * @len: valid for 0: master: the length the remote reported in the used
 *       entry (at most @cfg.buf_size); remote: the descriptor's length
 *       (@cfg.buf_size, or with @cfg.short_descs RL_MSG_HDR_SIZE to
 *       @cfg.buf_size)
 *
 * Master: the next entry of the used ring, a buffer the remote filled or
 * consumed; the mapping comes from the configuration, never from the
 * descriptor (rl_vq_buf()).  Remote: the next entry of the available
 * ring.  The descriptor's address and length are read once each: the
 * length must equal @cfg.buf_size (anything else means the two sides
 * were built with different buffer sizes; with @cfg.short_descs it may be
 * shorter, down to one header), [addr, addr + len) must lie inside
 * [shm_da, shm_da + shm_size), and with @cfg.area be a whole buffer of
 * that area.  On both sides the peer's idx is read once and the entry
 * after it (read barrier), each value of the entry once.
 *
 * Return: 0; -ENOENT when there is nothing to take; -EBADMSG for a bad
 * length (either role) or address (remote): the caller holds @head now
 * and must give it back with rl_vq_give() (a master may instead keep it:
 * the buffer is its own); -EIO when the peer's idx jumped by more than
 * the ring size, or the entry names a descriptor out of range or not held
 * by the peer (the vq is broken from then on).
 */
int rl_vq_take(struct rl_vq *vq, u16 *head, void **buf, u32 *len)
{
	int ret;

	if (vq->broken)
		return -EIO;
	if (!vq->cfg.master)
		return rl_vq_take_avail(vq, head, buf, len);
	ret = rl_vq_take_used(vq, head, len);
	if (!ret)
		*buf = rl_vq_master_buf(vq, *head);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(rl_vq_take, RPMSG_LITE_TEST);

/**
 * rl_vq_give() - hand a buffer this side holds to the peer
 * @vq: vq of either role
 * @head: descriptor the caller holds (taken with rl_vq_take(), or on a
 *        master one it got back otherwise)
 * @len: at most @cfg.buf_size; remote: the length reported in the used
 *       entry (rpmsg-lite reports the whole buffer whatever the message
 *       length); master: written nowhere (a descriptor keeps the whole
 *       buffer)
 *
 * Master: posts @head in the available ring; remote: returns it through
 * the used ring.  The entry is written before the idx that publishes it
 * (write barrier).  Call rl_vq_need_kick() afterwards, once for a batch.
 *
 * Return: 0; -EINVAL when @head is out of range or held by the peer
 * already, or @len exceeds the buffer (nothing written); -EIO when broken.
 */
int rl_vq_give(struct rl_vq *vq, u16 head, u32 len)
{
	struct rl_vring_used_elem *elem;

	if (vq->broken)
		return -EIO;
	if (head >= vq->cfg.num || test_bit(head, vq->peer_held) ||
	    len > vq->cfg.buf_size) {
		pr_warn_ratelimited("vq %u: cannot give descriptor %u (length %u) to the peer: not held or too long\n",
				    vq->cfg.id, head, len);
		return -EINVAL;
	}

	if (vq->cfg.master) {
		WRITE_ONCE(vq->avail->ring[vq->avail_shadow & vq->mask],
			   cpu_to_le16(head));
		/* the remote must see the entry before the idx that publishes it */
		dma_wmb();
		vq->avail_shadow++;
		WRITE_ONCE(vq->avail->idx, cpu_to_le16(vq->avail_shadow));
	} else {
		/* holding a descriptor implies a successful sync in take */
		elem = &vq->used->ring[vq->used_shadow & vq->mask];
		WRITE_ONCE(elem->id, cpu_to_le32(head));
		WRITE_ONCE(elem->len, cpu_to_le32(len));
		/* the master must see the entry before the idx that publishes it */
		dma_wmb();
		vq->used_shadow++;
		WRITE_ONCE(vq->used->idx, cpu_to_le16(vq->used_shadow));
		vq->remote_va[head] = NULL;
	}
	__set_bit(head, vq->peer_held);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rl_vq_give, RPMSG_LITE_TEST);

/**
 * rl_vq_buf() - kernel mapping of a descriptor's buffer
 * @vq: vq of either role
 * @head: descriptor index
 *
 * Master: computed from the configuration, never from the descriptor in
 * shared memory (which the remote could rewrite), whoever holds @head.
 * Remote: the mapping rl_vq_take() returned for @head, while we hold it.
 *
 * Return: the buffer; NULL for @head out of range, and on a remote for a
 * head we do not hold or that rl_vq_take() rejected with -EBADMSG.
 */
void *rl_vq_buf(struct rl_vq *vq, u16 head)
{
	if (head >= vq->cfg.num)
		return NULL;
	if (vq->cfg.master)
		return rl_vq_master_buf(vq, head);
	if (test_bit(head, vq->peer_held))
		return NULL;
	return vq->remote_va[head];
}
EXPORT_SYMBOL_NS_GPL(rl_vq_buf, RPMSG_LITE_TEST);

/**
 * rl_vq_has_work() - is there something for this side to take?
 * @vq: vq
 *
 * Master: used->idx moved; remote: avail->idx moved.  One read of the
 * shared idx, not validated: a corrupt idx counts as work, so that the
 * following rl_vq_take() reports it.
 *
 * Return: true when there is work; false when there is none or the vq is
 * broken (so that a drain loop ends).
 */
bool rl_vq_has_work(struct rl_vq *vq)
{
	if (vq->broken)
		return false;
	return rl_vq_read_peer_idx(vq) != rl_vq_taken(vq);
}
EXPORT_SYMBOL_NS_GPL(rl_vq_has_work, RPMSG_LITE_TEST);

/**
 * rl_vq_pending() - entries the peer handed over and this side has not
 *                   taken yet
 * @vq: vq of either role
 *
 * One read of the idx the peer publishes with (master: used->idx, remote:
 * avail->idx), not validated: a corrupt idx gives any number up to
 * 65535, so clamp the result; rl_vq_take() reports the corruption.  Not
 * checked for a broken vq either.
 *
 * Return: the peer's idx minus the entries taken, in 16-bit arithmetic.
 */
u16 rl_vq_pending(const struct rl_vq *vq)
{
	return rl_vq_read_peer_idx(vq) - rl_vq_taken(vq);
}
EXPORT_SYMBOL_NS_GPL(rl_vq_pending, RPMSG_LITE_TEST);

/**
 * rl_vq_need_kick() - should the peer be notified of what we published?
 * @vq: vq; call right after rl_vq_give() (once for a batch)
 *
 * Flags mode (default, rpmsg-lite compatible): the master kicks unless the
 * remote set RL_VRING_USED_F_NO_NOTIFY in used.flags, as rpmsg-lite's
 * master does; the remote always kicks.  Event-idx mode: kick when the
 * peer's event index lies between the idx at the previous decision and
 * the current one.
 *
 * Return: true when the caller should kick the peer; false when broken.
 */
bool rl_vq_need_kick(struct rl_vq *vq)
{
	u16 new, old, event;

	if (vq->broken)
		return false;

	/*
	 * Our idx store must reach the peer before we read its flags/event:
	 * otherwise the peer may go to sleep having seen neither our entry
	 * nor our kick.
	 */
	mb();

	if (!vq->cfg.event_idx) {
		if (vq->cfg.master)
			return !(le16_to_cpu(READ_ONCE(vq->used->flags)) &
				 RL_VRING_USED_F_NO_NOTIFY);
		/*
		 * avail.flags carries NO_INTERRUPT permanently: rpmsg-lite's
		 * master writes 1 at init and never clears it, while its
		 * remote ignores it and always kicks.  Honouring it here
		 * would leave an rpmsg-lite master without any notification.
		 */
		return true;
	}

	new = rl_vq_given(vq);
	event = rl_vq_read_peer_event(vq);
	old = vq->kicked_at;
	vq->kicked_at = new;
	return rl_vring_need_event(event, new, old);
}
EXPORT_SYMBOL_NS_GPL(rl_vq_need_kick, RPMSG_LITE_TEST);

/**
 * rl_vq_suppress_kicks() - consumer: ask the producer not to kick, or to
 *                          kick again
 * @vq: vq
 * @suppress: true to ask for silence, false to ask for kicks
 *
 * Flags mode: the remote sets/clears RL_VRING_USED_F_NO_NOTIFY in
 * used.flags (rpmsg-lite's master honours it).  The master writes nothing:
 * avail.flags stays 1 as rpmsg-lite leaves it, because an rpmsg-lite
 * remote never reads it and another master-built image would differ.
 *
 * Event-idx mode: enabling writes our consumer position (master: used
 * entries consumed, into used_event; remote: available entries consumed,
 * into avail_event), i.e. "kick me for the next entry".  Suppressing
 * writes the position just behind it, which the producer reaches only
 * after 65535 more entries: suppression is a hint, re-suppress after a
 * burst if it matters.
 *
 * Race contract: the producer may publish just before it sees the
 * re-enable and then not kick.  After rl_vq_suppress_kicks(vq, false) the
 * caller must check rl_vq_has_work() and process what is there; the
 * barrier here orders our store before that read.
 */
void rl_vq_suppress_kicks(struct rl_vq *vq, bool suppress)
{
	u16 pos;

	if (vq->broken)
		return;

	if (!vq->cfg.event_idx) {
		if (vq->cfg.master)
			return;
		/* only the remote writes used.flags */
		vq->own_flags = vq->flags_ext |
				(suppress ? RL_VRING_USED_F_NO_NOTIFY : 0);
		WRITE_ONCE(vq->used->flags, cpu_to_le16(vq->own_flags));
	} else {
		pos = rl_vq_taken(vq);
		if (suppress)
			pos--;
		WRITE_ONCE(*rl_vq_own_event(vq), cpu_to_le16(pos));
	}

	if (!suppress) {
		/* the peer must see our request before the caller re-reads */
		mb();
	}
}
EXPORT_SYMBOL_NS_GPL(rl_vq_suppress_kicks, RPMSG_LITE_TEST);

/**
 * rl_vq_can_mute() - can this side silence the peer's kicks for good?
 * @vq: vq
 *
 * True for a remote in flags mode: rl_vq_suppress_kicks(vq, true) sets
 * RL_VRING_USED_F_NO_NOTIFY, which holds until undone.  False in
 * event-idx mode, where suppression is a hint that runs out, and for a
 * master in flags mode, which writes nothing (rl_vq_suppress_kicks()).
 *
 * Return: true when a suppression holds until rl_vq_suppress_kicks(vq,
 * false).
 */
bool rl_vq_can_mute(const struct rl_vq *vq)
{
	return !vq->cfg.master && !vq->cfg.event_idx;
}
EXPORT_SYMBOL_NS_GPL(rl_vq_can_mute, RPMSG_LITE_TEST);

/**
 * rl_vq_peer_held() - number of descriptors the peer holds
 * @vq: vq
 *
 * Return: master: posted and not reclaimed; remote: not taken by us.
 */
u32 rl_vq_peer_held(const struct rl_vq *vq)
{
	return bitmap_weight(vq->peer_held, vq->cfg.num);
}
EXPORT_SYMBOL_NS_GPL(rl_vq_peer_held, RPMSG_LITE_TEST);

/**
 * rl_vq_set_flags_ext() - set the extension bits of this side's flags word
 * @vq: vq
 * @ext: RL_VRING_F_GEN_MASK and, on a remote, RL_VRING_USED_F_GEN_AWARE
 *       bits; other bits are ignored
 *
 * Writes this side's flags word now (master: avail.flags, remote:
 * used.flags) with @ext and the notification bit it already had, and
 * keeps @ext for every later write of that word, rl_vq_reset() and the
 * master's ring setup included.  No barrier: the caller orders the write
 * against whatever it announces.
 */
void rl_vq_set_flags_ext(struct rl_vq *vq, u16 ext)
{
	u16 bits = RL_VRING_F_GEN_MASK;

	if (!vq->cfg.master)
		bits |= RL_VRING_USED_F_GEN_AWARE;
	vq->flags_ext = ext & bits;
	vq->own_flags = (vq->own_flags & ~bits) | vq->flags_ext;
	if (vq->cfg.master) {
		vq->own_flags |= RL_VRING_AVAIL_F_NO_INTERRUPT;
		WRITE_ONCE(vq->avail->flags, cpu_to_le16(vq->own_flags));
	} else {
		WRITE_ONCE(vq->used->flags, cpu_to_le16(vq->own_flags));
	}
}
EXPORT_SYMBOL_NS_GPL(rl_vq_set_flags_ext, RPMSG_LITE_TEST);

/**
 * rl_vq_peer_flags() - the flags word the peer writes, read once
 * @vq: vq
 *
 * Return: master: used.flags; remote: avail.flags; in CPU byte order and
 * not validated (every bit combination is possible from a peer).
 */
u16 rl_vq_peer_flags(const struct rl_vq *vq)
{
	if (vq->cfg.master)
		return le16_to_cpu(READ_ONCE(vq->used->flags));
	return le16_to_cpu(READ_ONCE(vq->avail->flags));
}
EXPORT_SYMBOL_NS_GPL(rl_vq_peer_flags, RPMSG_LITE_TEST);

/**
 * rl_vq_unconsumed() - messages published on a transmit vq, not yet consumed
 * @vq: the transmit vq of either role (master: vring 1, remote: vring 0)
 * @peer_idx: the peer's idx as read (progress marker), valid when nonzero
 *            is returned
 *
 * The peer's idx is read once.  Master: published in avail and not yet
 * returned through used (whose idx starts at num, the pre-published
 * buffers).  Remote: published in used and not yet posted again by the
 * master in avail (whose idx starts at num); buffers the master keeps
 * count as not consumed.  A remote that has not synced yet, and a peer
 * idx that does not fit, count as nothing (the receive path reports a
 * corrupt ring).
 *
 * Return: the number of such messages, 0..num.
 */
u16 rl_vq_unconsumed(const struct rl_vq *vq, u16 *peer_idx)
{
	u16 own, peer, left;

	if (vq->broken || (!vq->cfg.master && !vq->synced))
		return 0;
	own = rl_vq_given(vq);
	peer = rl_vq_read_peer_idx(vq);
	left = (u16)(own + vq->cfg.num - peer);
	if (left > vq->cfg.num)
		return 0;
	*peer_idx = peer;
	return left;
}
EXPORT_SYMBOL_NS_GPL(rl_vq_unconsumed, RPMSG_LITE_TEST);
