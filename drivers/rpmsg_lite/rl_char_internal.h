/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_char_internal.h - what the files of the character-device front end
 * share among themselves, and nothing else includes:
 *
 *   rl_char.c        module-level registration, the class interface that
 *                    gives every link its control node, the link's
 *                    listener
 *   rl_char_ctrl.c   the control node's file and its ioctls
 *   rl_char_ept.c    endpoint nodes: creation, destruction, file
 *                    operations and their ioctls
 *   rl_char_rx.c     an endpoint node's receive queue
 *   rl_char_tx.c     sending one message from user memory
 *   rl_char_batch.c  SEND_MSGS and RECV_MSGS
 *   rl_char_sysfs.c  the attributes of both node kinds
 *
 * The structures and the rules of who owns what are here, once; each
 * function is described where it is defined.  The locks: rl_ctrldev.lock
 * guards a control node's list of endpoint nodes (rl_char_ept.c,
 * rl_char_ctrl.c, rl_char.c), rl_ctrldev.svc_lock its list of announced
 * services (rl_char.c, rl_char_ctrl.c, rl_char_sysfs.c), and
 * rl_eptdev.queue_lock an endpoint node's receive queue and counters
 * (rl_char_rx.c, and readers of the counters in rl_char_ept.c and
 * rl_char_sysfs.c).
 */
#ifndef _RL_CHAR_INTERNAL_H
#define _RL_CHAR_INTERNAL_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cdev.h>
#include <linux/compiler_types.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rpmsg_lite.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <uapi/linux/rpmsg_lite.h>

#include "rl_internal.h"

struct mem_cgroup;

/* Minors (and so N of the node names) per node kind. */
#define RL_CTRL_MAX		64
#define RL_EPT_MAX		1024
/* Most name-service announcements remembered per link (hostile peers). */
#define RL_SERVICES_MAX		64
/*
 * Messages up to this size are copied through the stack and sent with one
 * copy into shared memory; larger ones straight into a transmit buffer
 * (or through an allocated buffer when the user page must fault in).
 */
#define RL_STACK_MSG		256

/* User-caused errors are logged at debug level, rate limited. */
#define rl_user_err(dev, fmt, ...) \
	dev_dbg_ratelimited(dev, fmt, ##__VA_ARGS__)

/**
 * struct rl_service - a name the peer announced on a link
 * @node: in rl_ctrldev.services
 * @name: service name, NUL-terminated
 * @addr: address announced for it
 */
struct rl_service {
	struct list_head node;
	char name[RPMSG_LITE_NAME_SIZE];
	u32 addr;
};

/**
 * struct rl_ctrldev - control node of one link
 * @dev: the device (class rpmsg_lite, child of the link's device)
 * @cdev: character device of /dev/rpmsg_lite_ctrlN
 * @rl: the link; referenced for the whole life of @dev
 * @listener: our hook on the link (state changes, announcements)
 * @lock: protects @epts and @removed
 * @epts: published endpoint nodes (struct rl_eptdev.node); whoever takes
 *        one off this list destroys it
 * @removed: the link went away: no new endpoint nodes
 * @index: N of the node name
 * @link_name: copy of the link's name
 * @link_down: the link reported DOWN and not UP since (READ_ONCE)
 * @payload_size: the link's payload size, fixed for its life
 * @rx_queued_bytes: kernel memory the endpoints' queued messages take
 * @svc_lock: protects @services and @nr_services (name-service callback
 *            versus readers)
 * @services: names the peer announced (struct rl_service)
 * @nr_services: entries in @services
 */
struct rl_ctrldev {
	struct device dev;
	struct cdev cdev;
	struct rpmsg_lite_instance *rl;
	struct rl_listener listener;

	struct mutex lock;		/* @epts, @removed */
	struct list_head epts;
	bool removed;

	int index;
	char link_name[RPMSG_LITE_NAME_SIZE];
	bool link_down;
	u32 payload_size;
	atomic_long_t rx_queued_bytes;

	struct mutex svc_lock;		/* @services vs ns callback */
	struct list_head services;
	unsigned int nr_services;
};

/**
 * struct rl_msg - one received message waiting for read()
 * @node: in rl_eptdev.queue
 * @len: bytes in @data
 * @src: address of the sender
 * @data: the payload, copied out of shared memory
 */
struct rl_msg {
	struct list_head node;
	u32 len;
	u32 src;
	u8 data[];
};

/**
 * struct rl_eptdev - endpoint node
 * @dev: the device (class rpmsg_lite, child of the control device)
 * @cdev: character device of /dev/rpmsg_eptN
 * @ctrl: control device; referenced for the whole life of @dev
 * @node: in rl_ctrldev.epts while published, under rl_ctrldev.lock;
 *        empty once taken off for destruction
 * @rl: the link (@ctrl's reference keeps it)
 * @ept: the core endpoint; referenced for the whole life of @dev, so a
 *       call on it after its destruction fails with -EPIPE
 * @memcg: memory cgroup of the process that created the endpoint; the
 *         messages queued for it are charged there
 * @name: endpoint name
 * @src: local address
 * @dst: destination of write()
 * @flags: RPMSG_LITE_EPT_F_*
 * @tx_timeout_ms: how long a blocking send waits for a buffer (READ_ONCE)
 * @rx_queue_len: most messages queued for read() (READ_ONCE)
 * @queue_lock: protects @queue, @queued, @gone and the rx counters
 *              (receive callback versus readers and poll)
 * @queue: received messages (struct rl_msg)
 * @queued: entries in @queue
 * @gone: the endpoint was destroyed (explicitly or with its link)
 * @readq: readers and pollers waiting for a message or for @gone
 * @rx_msgs: messages queued
 * @rx_bytes: payload bytes queued
 * @rx_dropped: messages dropped (queue full, the link's byte limit, or
 *              no memory)
 * @tx_msgs: messages sent
 * @tx_bytes: payload bytes sent
 */
struct rl_eptdev {
	struct device dev;
	struct cdev cdev;
	struct rl_ctrldev *ctrl;
	struct list_head node;

	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_endpoint *ept;
	struct mem_cgroup *memcg;

	char name[RPMSG_LITE_NAME_SIZE];
	u32 src;
	u32 dst;
	u32 flags;
	u32 tx_timeout_ms;
	u32 rx_queue_len;

	spinlock_t queue_lock;		/* rx callback vs readers */
	struct list_head queue;
	u32 queued;
	bool gone;
	wait_queue_head_t readq;

	u64 rx_msgs;
	u64 rx_bytes;
	u64 rx_dropped;
	atomic64_t tx_msgs;
	atomic64_t tx_bytes;
};

#define dev_to_ctrldev(d)	container_of(d, struct rl_ctrldev, dev)
#define dev_to_eptdev(d)	container_of(d, struct rl_eptdev, dev)

#define listener_to_ctrldev(l)	container_of(l, struct rl_ctrldev, listener)

/* Request numbers each node kind serves, for rl_bad_cmd(). */
#define RL_NR(cmd)		BIT(_IOC_NR(cmd))
#define RL_CTRL_NATIVE		(RL_NR(RPMSG_LITE_IOC_CREATE_EPT) | \
				 RL_NR(RPMSG_LITE_IOC_DESTROY_EPT) | \
				 RL_NR(RPMSG_LITE_IOC_LINK_INFO) | \
				 RL_NR(RPMSG_LITE_IOC_LOOKUP_SERVICE))
#define RL_CTRL_UPSTREAM	RL_NR(RPMSG_CREATE_EPT_IOCTL)
#define RL_EPT_NATIVE		(RL_NR(RPMSG_LITE_IOC_DESTROY_EPT) | \
				 RL_NR(RPMSG_LITE_IOC_LINK_INFO) | \
				 RL_NR(RPMSG_LITE_IOC_EPT_STATS) | \
				 RL_NR(RPMSG_LITE_IOC_SET_TX_TIMEOUT) | \
				 RL_NR(RPMSG_LITE_IOC_SET_RX_QUEUE_LEN) | \
				 RL_NR(RPMSG_LITE_IOC_SENDTO) | \
				 RL_NR(RPMSG_LITE_IOC_LOOKUP_SERVICE) | \
				 RL_NR(RPMSG_LITE_IOC_SEND_MSGS) | \
				 RL_NR(RPMSG_LITE_IOC_RECV_MSGS))
#define RL_EPT_UPSTREAM		RL_NR(RPMSG_DESTROY_EPT_IOCTL)

/* rl_char.c */
extern struct class *rl_char_class;
extern dev_t rl_ept_devt;

/* rl_char_ctrl.c */
extern const struct file_operations rl_ctrl_fops;
long rl_bad_cmd(struct device *dev, unsigned int cmd, unsigned long known,
		unsigned long upstream);
long rl_link_info(struct rl_ctrldev *ctrl, void __user *argp);
long rl_lookup_service(struct rl_ctrldev *ctrl, void __user *argp);

/* rl_char_ept.c */
int rl_eptdev_create(struct rl_ctrldev *ctrl, const char *name, u32 src,
		     u32 dst, u32 flags, u32 *src_out);
void rl_eptdev_destroy(struct rl_eptdev *e, bool announce);

/* rl_char_rx.c */
int rl_ept_rx_cb(void *payload, u32 payload_len, u32 src, void *priv);
void rl_ept_purge(struct rl_eptdev *e);
bool rl_ept_hung_up(struct rl_eptdev *e);
int rl_ept_wait_readable(struct rl_eptdev *e, bool nonblock);
int rl_ept_take(struct rl_eptdev *e, void __user *buf, size_t room,
		struct rpmsg_lite_msg __user *ent);

/* rl_char_tx.c */
int rl_ept_check_send(struct rl_eptdev *e, u32 dst, size_t len);
unsigned long rl_ept_tx_timeout(struct rl_eptdev *e, bool nonblock);
int rl_ept_send_one(struct rl_eptdev *e, u32 dst, const void __user *ubuf,
		    size_t len, unsigned long timeout, bool more, u8 *stack,
		    void **heap);
void rl_ept_count_tx(struct rl_eptdev *e, u32 msgs, u64 bytes);
int rl_ept_send(struct rl_eptdev *e, bool nonblock, u32 dst,
		const void __user *ubuf, size_t len);

/* rl_char_batch.c */
long rl_ept_send_msgs(struct rl_eptdev *e, bool nonblock, void __user *argp);
long rl_ept_recv_msgs(struct rl_eptdev *e, bool nonblock, void __user *argp);

/* rl_char_sysfs.c */
extern const struct attribute_group *rl_ctrl_groups[];
extern const struct attribute_group *rl_ept_groups[];

#endif /* _RL_CHAR_INTERNAL_H */
