/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * rpmsg_lite.h - user-space ABI of the rpmsg-lite character devices.
 *
 * Nodes (see Documentation/rpmsg-lite/char.rst):
 *   /dev/rpmsg_lite_ctrlN  one per link; creates and destroys endpoints
 *   /dev/rpmsg_eptN        one per endpoint; read() = one message,
 *                          write() = one message to the endpoint's dst,
 *                          SEND_MSGS / RECV_MSGS = a batch of messages
 *
 * Native ioctls use the magic RPMSG_LITE_IOC_MAGIC.  Every structure has a
 * fixed layout (fixed-size types, explicit padding) and its size is part of
 * the ioctl number: a request whose encoded size does not match a size this
 * kernel knows fails with -EINVAL.  Reserved fields must be zero on input.
 *
 * The upstream RPMSG_CREATE_EPT_IOCTL / RPMSG_DESTROY_EPT_IOCTL (magic 0xb5)
 * also work on these nodes; their definitions are repeated below unless
 * <linux/rpmsg.h> provides them.
 */
#ifndef _UAPI_LINUX_RPMSG_LITE_H
#define _UAPI_LINUX_RPMSG_LITE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Take the upstream definitions when they exist, to allow both headers. */
#ifdef __has_include
#if __has_include("linux/rpmsg.h")
#include "linux/rpmsg.h"
#endif
#endif

#ifndef RPMSG_CREATE_EPT_IOCTL
/**
 * struct rpmsg_endpoint_info - upstream endpoint description
 * @name: service name, NUL-terminated
 * @src: local address, or RPMSG_ADDR_ANY
 * @dst: destination address, or RPMSG_ADDR_ANY
 */
struct rpmsg_endpoint_info {
	char name[32];
	__u32 src;
	__u32 dst;
};

#define RPMSG_CREATE_EPT_IOCTL	_IOW(0xb5, 0x1, struct rpmsg_endpoint_info)
#define RPMSG_DESTROY_EPT_IOCTL	_IO(0xb5, 0x2)
#endif

#ifndef RPMSG_ADDR_ANY
#define RPMSG_ADDR_ANY		0xFFFFFFFF
#endif

/** RPMSG_LITE_ADDR_ANY - "any address": the link picks one (from 1024 up) */
#define RPMSG_LITE_ADDR_ANY	0xFFFFFFFFU
/** RPMSG_LITE_NS_ADDR - address of the name service, never usable */
#define RPMSG_LITE_NS_ADDR	53
/** RPMSG_LITE_NAME_SIZE - bytes of an endpoint or service name, NUL included */
#define RPMSG_LITE_NAME_SIZE	32

/** RPMSG_LITE_TIMEOUT_FOREVER - tx timeout: wait until a buffer is free */
#define RPMSG_LITE_TIMEOUT_FOREVER	0xFFFFFFFFU
/** RPMSG_LITE_DEFAULT_TX_TIMEOUT_MS - tx timeout of a new endpoint */
#define RPMSG_LITE_DEFAULT_TX_TIMEOUT_MS	5000
/** RPMSG_LITE_DEFAULT_RX_QUEUE_LEN - rx queue limit of a new endpoint */
#define RPMSG_LITE_DEFAULT_RX_QUEUE_LEN		64
/** RPMSG_LITE_MAX_RX_QUEUE_LEN - largest accepted rx queue limit */
#define RPMSG_LITE_MAX_RX_QUEUE_LEN		4096

/* Flags of struct rpmsg_lite_ept_info. */
/** RPMSG_LITE_EPT_F_ANNOUNCE - announce @name to the peer's name service
 *  on creation, and its removal on destruction
 */
#define RPMSG_LITE_EPT_F_ANNOUNCE	(1U << 0)
#define RPMSG_LITE_EPT_F_ALL		(RPMSG_LITE_EPT_F_ANNOUNCE)

/* DESTROY_EPT on an endpoint node: "this endpoint". */
#define RPMSG_LITE_EPT_SELF		0xFFFFFFFFU

/**
 * struct rpmsg_lite_ept_info - create an endpoint (RPMSG_LITE_IOC_CREATE_EPT)
 * @name: endpoint name, NUL-terminated within the 32 bytes
 * @src: in: local address or RPMSG_LITE_ADDR_ANY; out: the address used
 * @dst: default destination of write(), or RPMSG_LITE_ADDR_ANY (then only
 *       RPMSG_LITE_IOC_SENDTO can send)
 * @flags: RPMSG_LITE_EPT_F_* (unknown bits: -EINVAL)
 * @index: out: N of /dev/rpmsg_eptN (also the ioctl's return value)
 * @reserved: must be zero
 */
struct rpmsg_lite_ept_info {
	char name[RPMSG_LITE_NAME_SIZE];
	__u32 src;
	__u32 dst;
	__u32 flags;
	__u32 index;
	__u32 reserved[4];
};

/* Values of struct rpmsg_lite_link_info.role */
#define RPMSG_LITE_ROLE_MASTER		0
#define RPMSG_LITE_ROLE_REMOTE		1

/* Values of struct rpmsg_lite_link_info.state */
#define RPMSG_LITE_STATE_DOWN		0
#define RPMSG_LITE_STATE_WAITING	1
#define RPMSG_LITE_STATE_UP		2
#define RPMSG_LITE_STATE_RESETTING	3
/** RPMSG_LITE_STATE_REMOVED - the link is gone; the node stays until closed */
#define RPMSG_LITE_STATE_REMOVED	4

/**
 * struct rpmsg_lite_link_counters - counters of a link (monotonic)
 * @tx_msgs: messages sent
 * @rx_msgs: messages delivered to an endpoint
 * @kicks_out: notifications sent to the peer
 * @kicks_in: notifications received
 * @kick_errors: notifications the transport failed to send
 * @rx_drop_no_ept: messages for an address without an endpoint
 * @rx_drop_bad_len: messages with an invalid length
 * @rx_drop_bad_ns: malformed name-service messages
 * @ring_errors: ring corruptions detected
 * @tx_timeouts: sends that found no free buffer in time
 * @resets: link rebuilds after a peer reset
 * @link_up_rekicks: first-kick repeats while waiting for the remote
 */
struct rpmsg_lite_link_counters {
	__u64 tx_msgs;
	__u64 rx_msgs;
	__u64 kicks_out;
	__u64 kicks_in;
	__u64 kick_errors;
	__u64 rx_drop_no_ept;
	__u64 rx_drop_bad_len;
	__u64 rx_drop_bad_ns;
	__u64 ring_errors;
	__u64 tx_timeouts;
	__u64 resets;
	__u64 link_up_rekicks;
};

/**
 * struct rpmsg_lite_link_info - RPMSG_LITE_IOC_LINK_INFO (control or
 * endpoint node)
 * @name: link name, NUL-terminated
 * @ctrl_index: N of /dev/rpmsg_lite_ctrlN
 * @link_id: link number on the wire (vq ids are link_id << 1 | queue)
 * @role: RPMSG_LITE_ROLE_*
 * @state: RPMSG_LITE_STATE_*
 * @payload_size: largest message, bytes
 * @buffer_count: buffers per direction
 * @free_tx_buffers: tx buffers free right now
 * @reserved: zero
 * @stats: link counters
 */
struct rpmsg_lite_link_info {
	char name[RPMSG_LITE_NAME_SIZE];
	__u32 ctrl_index;
	__u32 link_id;
	__u32 role;
	__u32 state;
	__u32 payload_size;
	__u32 buffer_count;
	__u32 free_tx_buffers;
	__u32 reserved;
	struct rpmsg_lite_link_counters stats;
};

/**
 * struct rpmsg_lite_ept_stats - RPMSG_LITE_IOC_EPT_STATS (endpoint node)
 * @rx_msgs: messages queued for read()
 * @tx_msgs: messages sent
 * @rx_bytes: payload bytes queued for read()
 * @tx_bytes: payload bytes sent
 * @rx_dropped: messages dropped because the rx queue was full (or no
 *              memory to copy them)
 * @rx_queued: messages waiting in the rx queue now
 * @rx_queue_len: rx queue limit
 * @tx_timeout_ms: tx timeout (RPMSG_LITE_TIMEOUT_FOREVER: none)
 * @reserved: zero
 */
struct rpmsg_lite_ept_stats {
	__u64 rx_msgs;
	__u64 tx_msgs;
	__u64 rx_bytes;
	__u64 tx_bytes;
	__u64 rx_dropped;
	__u32 rx_queued;
	__u32 rx_queue_len;
	__u32 tx_timeout_ms;
	__u32 reserved;
};

/**
 * struct rpmsg_lite_sendto - RPMSG_LITE_IOC_SENDTO (endpoint node)
 * @dst: destination address (not RPMSG_LITE_ADDR_ANY, not 53)
 * @len: bytes at @buf (at most the link's payload size)
 * @buf: user pointer to the payload, as a 64-bit integer
 */
struct rpmsg_lite_sendto {
	__u32 dst;
	__u32 len;
	__u64 buf;
};

/**
 * struct rpmsg_lite_service - RPMSG_LITE_IOC_LOOKUP_SERVICE (control or
 * endpoint node): address the peer announced for a name
 * @name: in: service name, NUL-terminated
 * @addr: out: the address of the most recent announcement
 * @reserved: must be zero
 */
struct rpmsg_lite_service {
	char name[RPMSG_LITE_NAME_SIZE];
	__u32 addr;
	__u32 reserved;
};

/** RPMSG_LITE_MAX_MSGS - most messages of one SEND_MSGS / RECV_MSGS */
#define RPMSG_LITE_MAX_MSGS	1024

/**
 * struct rpmsg_lite_msg - one message of RPMSG_LITE_IOC_SEND_MSGS or
 * RPMSG_LITE_IOC_RECV_MSGS
 * @buf: user pointer, as a 64-bit integer: the payload (send) or room for
 *       it (receive)
 * @len: send: payload bytes; receive: in: bytes of room at @buf, out:
 *       bytes of the message
 * @addr: send: destination, or RPMSG_LITE_ADDR_ANY for the endpoint's
 *        own destination (as write()); receive: out: the sender's address
 * @reserved: must be zero (send); left as it is (receive)
 */
struct rpmsg_lite_msg {
	__u64 buf;
	__u32 len;
	__u32 addr;
	__u64 reserved;
};

/**
 * struct rpmsg_lite_msgs - a batch of messages (endpoint node)
 * @msgs: user pointer, as a 64-bit integer, to @count struct rpmsg_lite_msg
 * @count: entries at @msgs, 1..RPMSG_LITE_MAX_MSGS
 * @flags: must be zero
 *
 * SEND_MSGS sends the messages in order, like as many write()s, but
 * notifies the peer once per batch instead of once per message.  It
 * returns how many were sent; an error only when the first one failed
 * (the error write() would give).  A later failure ends the batch early:
 * the messages before it are sent, the failing one and those after it
 * are not.  Blocking follows the node's O_NONBLOCK and tx timeout, per
 * message.
 *
 * RECV_MSGS waits, unless O_NONBLOCK, for one message and then takes those
 * already queued, up to @count, in order; it returns how many it took and
 * sets each entry's @len and @addr.  A message larger than its entry's
 * room stays queued: -EMSGSIZE if it is the first, else the batch ends
 * before it.
 */
struct rpmsg_lite_msgs {
	__u64 msgs;
	__u32 count;
	__u32 flags;
};

/** RPMSG_LITE_IOC_MAGIC - ioctl type of the native requests */
#define RPMSG_LITE_IOC_MAGIC	0xb8

/* control node: create an endpoint; returns its index N */
#define RPMSG_LITE_IOC_CREATE_EPT \
	_IOWR(RPMSG_LITE_IOC_MAGIC, 0x01, struct rpmsg_lite_ept_info)
/* control node: index to destroy; endpoint node: own index or EPT_SELF */
#define RPMSG_LITE_IOC_DESTROY_EPT \
	_IOW(RPMSG_LITE_IOC_MAGIC, 0x02, __u32)
/* control or endpoint node */
#define RPMSG_LITE_IOC_LINK_INFO \
	_IOR(RPMSG_LITE_IOC_MAGIC, 0x03, struct rpmsg_lite_link_info)
/* endpoint node */
#define RPMSG_LITE_IOC_EPT_STATS \
	_IOR(RPMSG_LITE_IOC_MAGIC, 0x04, struct rpmsg_lite_ept_stats)
/* endpoint node: milliseconds, 0 = never wait, TIMEOUT_FOREVER = no limit */
#define RPMSG_LITE_IOC_SET_TX_TIMEOUT \
	_IOW(RPMSG_LITE_IOC_MAGIC, 0x05, __u32)
/* endpoint node: 1..RPMSG_LITE_MAX_RX_QUEUE_LEN messages */
#define RPMSG_LITE_IOC_SET_RX_QUEUE_LEN \
	_IOW(RPMSG_LITE_IOC_MAGIC, 0x06, __u32)
/* endpoint node: send one message to an explicit destination */
#define RPMSG_LITE_IOC_SENDTO \
	_IOW(RPMSG_LITE_IOC_MAGIC, 0x07, struct rpmsg_lite_sendto)
/* control or endpoint node */
#define RPMSG_LITE_IOC_LOOKUP_SERVICE \
	_IOWR(RPMSG_LITE_IOC_MAGIC, 0x08, struct rpmsg_lite_service)
/* endpoint node: send a batch; returns the number sent */
#define RPMSG_LITE_IOC_SEND_MSGS \
	_IOW(RPMSG_LITE_IOC_MAGIC, 0x09, struct rpmsg_lite_msgs)
/* endpoint node: receive a batch; returns the number received */
#define RPMSG_LITE_IOC_RECV_MSGS \
	_IOW(RPMSG_LITE_IOC_MAGIC, 0x0a, struct rpmsg_lite_msgs)

#endif /* _UAPI_LINUX_RPMSG_LITE_H */
