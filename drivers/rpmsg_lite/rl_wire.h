/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_wire.h - the shared-memory format of an rpmsg-lite link, in one place.
 *
 * Everything another processor reads or writes is declared here, once:
 * the split vring (virtio 1.0 "split ring"), the rpmsg message header and
 * the name-service message, and the partitioning of the shared region the
 * master performs at init.  All multi-byte fields are little-endian.
 *
 * Region layout made by the master (rpmsg-lite compatible):
 *
 *   +0                 vring 0: master rx, remote tx (vq id (link << 1) | 0)
 *   +vring_size        vring 1: master tx, remote rx (vq id (link << 1) | 1)
 *   +2 * vring_size    buffers of vring 0: count x (16 + payload) bytes
 *   +2 * vring_size + count * buf_size
 *                      buffers of vring 1: count x (16 + payload) bytes
 *
 * Inside one vring (num = buffer count, align = vring alignment):
 *
 *   +0                          descriptor table, 16 bytes x num
 *   +16 * num                   available ring: flags, idx, ring[num],
 *                               used_event
 *   +ALIGN(16 * num + 6 + 2 * num, align)
 *                               used ring: flags, idx, {id, len}[num],
 *                               avail_event
 */
#ifndef _RL_WIRE_H
#define _RL_WIRE_H

#include <linux/build_bug.h>
#include <linux/types.h>

/* ---- rpmsg-lite defaults (compile-time knobs on the rpmsg-lite side) ---- */

/** RL_DEFAULT_PAYLOAD_SIZE - RL_BUFFER_PAYLOAD_SIZE default of rpmsg-lite */
#define RL_DEFAULT_PAYLOAD_SIZE		496
/** RL_DEFAULT_BUFFER_COUNT - RL_BUFFER_COUNT default of rpmsg-lite */
#define RL_DEFAULT_BUFFER_COUNT		2
/** RL_DEFAULT_VRING_ALIGN - VRING_ALIGN of the i.MX platforms */
#define RL_DEFAULT_VRING_ALIGN		0x1000
/** RL_DEFAULT_VRING_SIZE - VRING_SIZE (bytes per vring) of the i.MX platforms */
#define RL_DEFAULT_VRING_SIZE		0x8000

/** RL_MAX_PAYLOAD_SIZE - largest payload this driver accepts per link */
#define RL_MAX_PAYLOAD_SIZE		(64 * 1024 - 16)
/** RL_MIN_BUFFER_COUNT - smallest ring this driver accepts */
#define RL_MIN_BUFFER_COUNT		2
/** RL_MAX_BUFFER_COUNT - largest ring this driver accepts */
#define RL_MAX_BUFFER_COUNT		1024

/* ---- split vring ---- */

/* Descriptor flags: written by the master at init, never changed after. */
#define RL_VRING_DESC_F_NEXT		1	/* unused by rpmsg-lite */
#define RL_VRING_DESC_F_WRITE		2	/* set on every descriptor */
/* Descriptor "next" of the last descriptor: rpmsg-lite's chain end. */
#define RL_VRING_DESC_CHAIN_END		0x8000

/* avail.flags, written by the master: rpmsg-lite always writes 1. */
#define RL_VRING_AVAIL_F_NO_INTERRUPT	1
/* used.flags, written by the remote: the master skips its kick when set. */
#define RL_VRING_USED_F_NO_NOTIFY	1

/*
 * Ring generation: an extension carried in flag bits that rpmsg-lite never
 * reads (it does not read avail.flags at all and tests only bit 0 of
 * used.flags), so a peer that does not know it is not disturbed.  Vring 0
 * only:
 *
 * - avail.flags bits 15:8, written by the master: the ring generation.  0
 *   after the first init (that image is rpmsg-lite's byte for byte), odd
 *   while the master is about to rewrite the rings, the next even value
 *   once the new rings are complete.
 * - used.flags bit 1, written by the remote: it follows generations.
 * - used.flags bits 15:8, written by the remote: the last generation it
 *   saw; an odd value acknowledges that it stopped writing to the rings,
 *   and the master rewrites them only after that acknowledgment (or a
 *   time-out, for a remote that has stopped).
 */
#define RL_VRING_F_GEN_SHIFT		8
#define RL_VRING_F_GEN_MASK		0xff00
#define RL_VRING_USED_F_GEN_AWARE	2

/**
 * struct rl_vring_desc - one descriptor (written by the master only)
 * @addr: buffer address as the remote sees it; rpmsg-lite uses the low
 *        32 bits and leaves the high ones zero
 * @len: buffer length (16-byte header + payload size)
 * @flags: RL_VRING_DESC_F_*; rpmsg-lite sets WRITE on every descriptor
 * @next: i + 1, RL_VRING_DESC_CHAIN_END on the last one
 */
struct rl_vring_desc {
	__le64 addr;
	__le32 len;
	__le16 flags;
	__le16 next;
};

/**
 * struct rl_vring_avail - available ring (written by the master only)
 * @flags: RL_VRING_AVAIL_F_*
 * @idx: free-running count of entries published in @ring
 * @ring: descriptor indices; @ring[num] is used_event (event-idx mode)
 */
struct rl_vring_avail {
	__le16 flags;
	__le16 idx;
	__le16 ring[];
};

/**
 * struct rl_vring_used_elem - one used-ring entry (written by the remote)
 * @id: descriptor index being returned
 * @len: bytes written; rpmsg-lite reports the whole buffer length
 */
struct rl_vring_used_elem {
	__le32 id;
	__le32 len;
};

/**
 * struct rl_vring_used - used ring (written by the remote only, except at
 *                        init where the master pre-publishes its tx buffers)
 * @flags: RL_VRING_USED_F_*
 * @idx: free-running count of entries published in @ring
 * @ring: returned descriptors; followed by avail_event (event-idx mode)
 */
struct rl_vring_used {
	__le16 flags;
	__le16 idx;
	struct rl_vring_used_elem ring[];
};

static_assert(sizeof(struct rl_vring_desc) == 16);
static_assert(sizeof(struct rl_vring_avail) == 4);
static_assert(sizeof(struct rl_vring_used_elem) == 8);
static_assert(sizeof(struct rl_vring_used) == 4);

/* ---- rpmsg message ---- */

/**
 * struct rl_msg_hdr - header in front of every message payload
 * @src: source endpoint address
 * @dst: destination endpoint address
 * @reserved: rpmsg-lite stores a u16 buffer index at byte offset 10 (the
 *            upper half) when zero-copy is used; a plain send leaves a stale
 *            value. Never trusted on receive; written as zero by us.
 * @len: payload length in bytes
 * @flags: unused, written as zero
 */
struct rl_msg_hdr {
	__le32 src;
	__le32 dst;
	__le32 reserved;
	__le16 len;
	__le16 flags;
} __packed;

static_assert(sizeof(struct rl_msg_hdr) == 16);

/** RL_MSG_HDR_SIZE - bytes in front of each payload in a buffer */
#define RL_MSG_HDR_SIZE			16

/* ---- addresses ---- */

/** RL_ADDR_ANY - "any address" (RL_ADDR_ANY / RPMSG_ADDR_ANY) */
#define RL_ADDR_ANY			0xFFFFFFFFU
/** RL_NS_EPT_ADDR - fixed address of the name service */
#define RL_NS_EPT_ADDR			53
/** RL_ADDR_DYNAMIC_BASE - first address handed out for RL_ADDR_ANY */
#define RL_ADDR_DYNAMIC_BASE		1024

/* ---- name service ---- */

/** RL_NS_NAME_SIZE - bytes of the name field, NUL padded */
#define RL_NS_NAME_SIZE			32

/* Name-service flags. */
#define RL_NS_CREATE			0
#define RL_NS_DESTROY			1

/**
 * struct rl_ns_msg - name-service announcement, sent to RL_NS_EPT_ADDR
 * @name: service name, NUL padded; may fill all 32 bytes without a NUL
 * @addr: address of the announced endpoint
 * @flags: RL_NS_CREATE or RL_NS_DESTROY
 */
struct rl_ns_msg {
	char name[RL_NS_NAME_SIZE];
	__le32 addr;
	__le32 flags;
} __packed;

static_assert(sizeof(struct rl_ns_msg) == 40);

/* ---- virtqueue ids ---- */

/* Queue 0 of a link: master rx / remote tx.  Queue 1: master tx / remote rx. */
#define RL_VQ_MASTER_RX			0
#define RL_VQ_MASTER_TX			1

/**
 * rl_vq_id() - virtqueue id carried by a kick
 * @link_id: link number
 * @queue: 0 or 1
 *
 * Return: (link_id << 1) | queue, as rpmsg-lite encodes it.
 */
static inline u32 rl_vq_id(u32 link_id, u32 queue)
{
	return (link_id << 1) | (queue & 1);
}

#endif /* _RL_WIRE_H */
