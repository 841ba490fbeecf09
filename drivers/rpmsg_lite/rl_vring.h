/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_vring.h - split-vring engine of rpmsg-lite links (both roles).
 *
 * The engine knows one vring in shared memory and the buffers its
 * descriptors point to.  It does not know about rpmsg messages, endpoints,
 * kicks or locks: the caller (the rpmsg core) serialises the operations of
 * one side of one vq, and decides what to do with a kick request.
 *
 * Ownership of a descriptor moves master -> remote through the available
 * ring and remote -> master through the used ring.  The vq learns its role
 * at rl_vq_init() (@cfg.master) and hides it behind one set of calls, as
 * virtio_ring hides its ring formats: rl_vq_take() takes what the peer
 * handed over (master: from the used ring; remote: from the available
 * ring), rl_vq_give() hands a buffer to the peer (master: into the
 * available ring; remote: into the used ring), rl_vq_buf() maps a head,
 * and the kick calls decide for either role.  Only what differs in the
 * protocol itself stays role-specific: the master lays out the rings
 * (rl_vq_master_setup_rx()/_tx()).
 *
 * Each side keeps its own shadow indices and a bitmap of the descriptors
 * the peer holds; nothing read from shared memory is trusted twice.  An
 * index that jumps by more than the ring size, an entry naming a
 * descriptor out of range or not held by the peer marks the vq broken
 * (-EIO for every later call until rl_vq_reset()); a bad length or address
 * in an otherwise valid entry is returned as -EBADMSG together with the
 * head, so the caller can give the buffer back and count the drop.
 *
 * Life cycle:
 *   rl_vq_init()         computes the layout, allocates the bookkeeping and
 *                        writes nothing to shared memory.
 *   master: rl_vq_master_setup_rx() (vq 0) or rl_vq_master_setup_tx()
 *                        (vq 1) zeroes [0, layout.size) of the vring and
 *                        writes the image rpmsg-lite expects (buffers are
 *                        not touched); afterwards every descriptor counts as
 *                        held by the remote (for tx: it sits in the used
 *                        ring, ready to be taken as a free buffer).
 *   remote: nothing to set up; every descriptor counts as held by the
 *                        master.  The remote learns where the master left
 *                        used->idx (num on vring 1 after the pre-publish,
 *                        0 on vring 0) when it first finds an available
 *                        entry, and continues from there, as rpmsg-lite
 *                        does.  So a remote must not take from the ring
 *                        before the master's first kick: a stale image
 *                        would be read as corruption.
 *   rl_vq_reset()        after a peer reset: back to the state right after
 *                        rl_vq_init() (a master then calls its setup again).
 *   rl_vq_cleanup()      frees the bookkeeping.
 *
 * The vring must be mapped as normal memory (memremap(), vmalloc(), ...):
 * it is read and written with READ_ONCE()/WRITE_ONCE(), not with the
 * __iomem accessors.
 *
 * Inside rpmsg_lite.ko the core calls the engine directly.  The functions
 * are exported only for the KUnit suite, in the RPMSG_LITE_TEST namespace
 * (MODULE_IMPORT_NS(RPMSG_LITE_TEST)); no production module imports it.
 */
#ifndef _RL_VRING_H
#define _RL_VRING_H

#include <linux/types.h>

#include "rl_wire.h"

/** RL_VRING_MAX_ALIGN - largest used-ring alignment rl_vring_layout() takes */
#define RL_VRING_MAX_ALIGN		0x10000

/**
 * struct rl_vring_layout - where the parts of one vring are
 * @num: number of descriptors (power of two)
 * @align: alignment of the used ring (power of two, >= 4)
 * @desc_off: offset of the descriptor table (always 0)
 * @avail_off: offset of the available ring
 * @used_off: offset of the used ring
 * @size: bytes from the vring start to the end of avail_event
 */
struct rl_vring_layout {
	u32 num;
	u32 align;
	size_t desc_off;
	size_t avail_off;
	size_t used_off;
	size_t size;
};

/**
 * struct rl_vq_stats - what went wrong on one vq (monotonic counters)
 * @bad_idx: available/used idx moved by more than the ring size
 * @bad_head: ring entry naming a descriptor out of range or not held by
 *            the peer
 * @bad_len: master: used length larger than the buffer; remote:
 *           descriptor length different from @buf_size of the config
 * @bad_addr: descriptor address range outside the shared region
 */
struct rl_vq_stats {
	u32 bad_idx;
	u32 bad_head;
	u32 bad_len;
	u32 bad_addr;
};

/**
 * struct rl_vq_config - what rl_vq_init() needs to know
 * @ring: kernel mapping of the vring (its descriptor table), 8-byte aligned
 * @num: descriptors in the ring (power of two, 2..RL_MAX_BUFFER_COUNT)
 * @align: used-ring alignment
 * @master: the role of this side, for the life of the vq: true for the
 *          master, which owns the descriptors (gives through avail, takes
 *          from used), false for the remote
 * @event_idx: use used_event/avail_event instead of the flags for kick
 *             suppression (both sides must agree; off for rpmsg-lite peers)
 * @bufs: master only: kernel mapping of this vring's @num buffers
 * @bufs_da: master only: address of @bufs as the remote sees it
 * @buf_size: bytes per buffer (header + payload), more than
 *            RL_MSG_HDR_SIZE and at most RL_MAX_PAYLOAD_SIZE + 16; a
 *            remote rejects every descriptor whose length differs from it
 *            (a master configured with other sizes), unless @short_descs
 * @short_descs: remote only: also accept descriptors shorter than
 *               @buf_size, down to RL_MSG_HDR_SIZE: a virtio master
 *               (Linux's virtio_rpmsg_bus) gives each transmit descriptor
 *               the length of its message.  For a receive ring only: the
 *               caller must not read past the length it is given
 * @shm: remote only: kernel mapping of the whole shared region
 * @shm_da: remote only: address of @shm as the master wrote it into
 *          descriptors
 * @shm_size: remote only: bytes in the shared region
 * @area: remote only, optional: where this vring's buffers are (its half
 *        of the buffer area); a descriptor must then name a whole buffer
 *        of it, at a multiple of @buf_size from its start: not the vrings,
 *        not the other direction's buffers, not an odd offset.  NULL: any
 *        address in @shm
 * @area_da: address of @area as the master writes it into descriptors
 * @area_size: bytes of @area
 * @id: virtqueue id on the wire (for messages only)
 */
struct rl_vq_config {
	void *ring;
	u32 num;
	u32 align;
	bool master;
	bool event_idx;
	void *bufs;
	u64 bufs_da;
	u32 buf_size;
	bool short_descs;
	void *shm;
	u64 shm_da;
	size_t shm_size;
	void *area;
	u64 area_da;
	size_t area_size;
	u32 id;
};

/**
 * struct rl_vq - one side's view of one vring
 * @cfg: configuration given to rl_vq_init()
 * @layout: computed layout
 * @desc: descriptor table in shared memory
 * @avail: available ring in shared memory
 * @used: used ring in shared memory
 * @mask: @cfg.num - 1
 * @avail_shadow: master: idx of the next entry it publishes in avail
 * @used_last: master: used entries it has consumed
 * @avail_last: remote: avail entries it has consumed
 * @used_shadow: remote: idx of the next entry it publishes in used
 * @kicked_at: idx value at the last kick decision (event-idx mode)
 * @own_flags: value this side last wrote into its flags word (master:
 *             avail.flags, remote: used.flags)
 * @flags_ext: extension bits this side keeps in its flags word
 *             (RL_VRING_F_GEN_*); kept across rl_vq_reset()
 * @synced: remote: @used_shadow has been taken over from used->idx
 * @peer_held: bitmap of descriptors the peer holds (master: posted in
 *             avail and not yet reclaimed; remote: not taken from avail
 *             or already returned through used)
 * @remote_va: remote only: buffer mapping per head, set by rl_vq_take()
 * @broken: a structural corruption was seen; every call fails with -EIO
 * @stats: error counters
 */
struct rl_vq {
	struct rl_vq_config cfg;
	struct rl_vring_layout layout;
	struct rl_vring_desc *desc;
	struct rl_vring_avail *avail;
	struct rl_vring_used *used;
	u16 mask;
	u16 avail_shadow;
	u16 used_last;
	u16 avail_last;
	u16 used_shadow;
	u16 kicked_at;
	u16 own_flags;
	u16 flags_ext;
	bool synced;
	unsigned long *peer_held;
	void **remote_va;
	bool broken;
	struct rl_vq_stats stats;
};

/*
 * Full kernel-doc of each function is in rl_vring.c; the contract in short:
 *
 * Errors: -EIO once the vq is broken (until rl_vq_reset()); -ENOENT when
 * there is nothing to take; -EBADMSG for an entry with a bad length or
 * address, the head is then valid and held by the caller, who must give it
 * back with rl_vq_give() (a master may keep it instead: its buffers are
 * its own); -EINVAL for a caller error (head out of range or not held by
 * the caller, a length beyond the buffer); nothing is written to shared
 * memory on any error.
 */
int rl_vring_layout(u32 num, u32 align, struct rl_vring_layout *layout);

int rl_vq_init(struct rl_vq *vq, const struct rl_vq_config *cfg);
void rl_vq_cleanup(struct rl_vq *vq);
void rl_vq_reset(struct rl_vq *vq);

/* Master only: lay out the rings (the master owns the descriptors). */
void rl_vq_master_setup_rx(struct rl_vq *vq);
void rl_vq_master_setup_tx(struct rl_vq *vq);

/*
 * Both roles, the same calls; the vq knows its role.
 * rl_vq_take(): a buffer the peer handed us (master: from the used ring,
 *   remote: from the available ring), validated.
 * rl_vq_give(): hand a buffer we hold to the peer (master: into the
 *   available ring, remote: into the used ring).
 * rl_vq_buf(): the mapping of a buffer (master: from the configuration,
 *   never from the descriptor; remote: what rl_vq_take() returned, while
 *   we hold it); NULL if bad.
 * rl_vq_pending(): entries the peer handed over, not taken yet (one
 *   unvalidated read, to be clamped).
 * rl_vq_has_work(): false once broken; a corrupt idx counts as work so that
 *   the following rl_vq_take() reports it.
 * rl_vq_need_kick(): call right after rl_vq_give(); flags mode: the master
 *   honours used.flags NO_NOTIFY, the remote always kicks (rpmsg-lite
 *   compatible); event-idx mode: the peer's event index decides.
 * rl_vq_suppress_kicks(): consumer side; after rl_vq_suppress_kicks(vq,
 *   false) the caller must check rl_vq_has_work() once more, since the
 *   producer may have published just before it saw the request.
 * rl_vq_can_mute(): whether a suppression holds until undone (a remote in
 *   flags mode), rather than being a hint or nothing.
 */
int rl_vq_take(struct rl_vq *vq, u16 *head, void **buf, u32 *len);
int rl_vq_give(struct rl_vq *vq, u16 head, u32 len);
void *rl_vq_buf(struct rl_vq *vq, u16 head);
u16 rl_vq_pending(const struct rl_vq *vq);
bool rl_vq_has_work(struct rl_vq *vq);
bool rl_vq_need_kick(struct rl_vq *vq);
void rl_vq_suppress_kicks(struct rl_vq *vq, bool suppress);
bool rl_vq_can_mute(const struct rl_vq *vq);
u32 rl_vq_peer_held(const struct rl_vq *vq);
void rl_vq_set_flags_ext(struct rl_vq *vq, u16 ext);
u16 rl_vq_peer_flags(const struct rl_vq *vq);
u16 rl_vq_unconsumed(const struct rl_vq *vq, u16 *peer_idx);

#endif /* _RL_VRING_H */
