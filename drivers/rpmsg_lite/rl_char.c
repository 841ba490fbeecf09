// SPDX-License-Identifier: GPL-2.0
/*
 * rl_char.c - character-device front end of rpmsg-lite links.
 *
 * One control node /dev/rpmsg_lite_ctrlN per link (attached through the
 * class interface of link devices) whose ioctls create endpoints; one node
 * /dev/rpmsg_eptN per endpoint, read and written one message per call.
 * The ABI is described in include/uapi/linux/rpmsg_lite.h and
 * Documentation/rpmsg-lite/char.rst.
 *
 * Ownership:
 * - a control device holds a reference on its link (rpmsg_lite_get()) for
 *   its whole life, an endpoint device one on its control device and one
 *   on its core endpoint (rpmsg_lite_ept_get()); every node embeds its
 *   struct device and struct cdev, and the memory goes with the device's
 *   release, once the last open file is closed.  So a file never touches
 *   freed memory, and a call on a link or endpoint that is gone fails in
 *   the core (-ENODEV, -EPIPE) instead;
 * - an endpoint node is published only once it is complete (its announce
 *   done), and destroyed by whoever takes it off its control device's
 *   list first (the DESTROY ioctls or the link's removal);
 * - no lock is held while waiting for the peer, and no lock or shared
 *   buffer while a user page faults in: a message is copied from user
 *   space into a shared buffer with page faults disabled, and through a
 *   kernel buffer when its page is not there; readers copy out of the
 *   endpoint's own queue.  The control device's lock only guards its list
 *   of endpoints.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <linux/rpmsg_lite.h>
#include <uapi/linux/rpmsg_lite.h>

#include "rl_compat.h"
#include "rl_internal.h"

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

static unsigned int rx_queue_max_bytes = 4 << 20;
module_param(rx_queue_max_bytes, uint, 0644);
MODULE_PARM_DESC(rx_queue_max_bytes,
		 "most kernel memory the messages queued for read() on the endpoints of one link may take (bytes, default 4 MiB); a message beyond it is dropped and counted");

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

static struct class *rl_class;
static dev_t rl_ctrl_devt;
static dev_t rl_ept_devt;
static DEFINE_IDA(rl_ctrl_ida);
static DEFINE_IDA(rl_ept_ida);

/* ------------------------------------------------------------------ */
/* Endpoint node                                                      */
/* ------------------------------------------------------------------ */

/* Kernel memory a queued message of @len bytes takes. */
static size_t rl_msg_cost(u32 len)
{
	return struct_size((struct rl_msg *)NULL, data, len);
}

/*
 * Receive callback (the link's receive work): copy the message into an
 * entry charged to the endpoint's creator, within the queue's and the
 * link's limits.
 */
static int rl_ept_rx_cb(void *payload, u32 payload_len, u32 src, void *priv)
{
	struct rl_eptdev *e = priv;
	struct rl_ctrldev *ctrl = e->ctrl;
	size_t cost = rl_msg_cost(payload_len);
	struct mem_cgroup *old_memcg;
	struct rl_msg *msg = NULL;
	unsigned long flags;
	bool capped;

	capped = atomic_long_add_return(cost, &ctrl->rx_queued_bytes) >
		 READ_ONCE(rx_queue_max_bytes);
	if (!capped) {
		old_memcg = set_active_memcg(e->memcg);
		msg = kmalloc(cost, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		set_active_memcg(old_memcg);
	}
	if (msg) {
		memcpy(msg->data, payload, payload_len);
		msg->len = payload_len;
		msg->src = src;
	}

	spin_lock_irqsave(&e->queue_lock, flags);
	if (!msg || e->queued >= READ_ONCE(e->rx_queue_len)) {
		e->rx_dropped++;
		spin_unlock_irqrestore(&e->queue_lock, flags);
		atomic_long_sub(cost, &ctrl->rx_queued_bytes);
		dev_dbg_ratelimited(&e->dev, "%s: dropped %u bytes from %u\n",
				    capped ? "link over rx_queue_max_bytes" :
				    msg ? "rx queue full" : "no memory",
				    payload_len, src);
		kfree(msg);
		return RL_RELEASE;
	}
	list_add_tail(&msg->node, &e->queue);
	e->queued++;
	e->rx_msgs++;
	e->rx_bytes += payload_len;
	spin_unlock_irqrestore(&e->queue_lock, flags);

	wake_up_interruptible_poll(&e->readq, EPOLLIN | EPOLLRDNORM);
	return RL_RELEASE;
}

/* A queued message is done with: free it and its share of the limit. */
static void rl_msg_free(struct rl_eptdev *e, struct rl_msg *msg)
{
	atomic_long_sub(rl_msg_cost(msg->len), &e->ctrl->rx_queued_bytes);
	kfree(msg);
}

static void rl_ept_purge(struct rl_eptdev *e)
{
	struct rl_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, &e->queue, node) {
		list_del(&msg->node);
		rl_msg_free(e, msg);
	}
	e->queued = 0;
}

/* Nothing more will arrive: destroyed, or the link is down. */
static bool rl_ept_hung_up(struct rl_eptdev *e)
{
	return e->gone || READ_ONCE(e->ctrl->link_down);
}

static bool rl_ept_readable(struct rl_eptdev *e)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&e->queue_lock, flags);
	ret = !list_empty(&e->queue) || rl_ept_hung_up(e);
	spin_unlock_irqrestore(&e->queue_lock, flags);
	return ret;
}

static int rl_ept_open(struct inode *inode, struct file *filp)
{
	struct rl_eptdev *e = container_of(inode->i_cdev, struct rl_eptdev,
					   cdev);

	get_device(&e->dev);
	filp->private_data = e;
	return stream_open(inode, filp);
}

static int rl_ept_release(struct inode *inode, struct file *filp)
{
	struct rl_eptdev *e = filp->private_data;

	put_device(&e->dev);
	return 0;
}

/*
 * Wait until a message is queued.  Return: 0 one is; -EPIPE nothing
 * queued and nothing more will come; -EAGAIN nothing queued and
 * @nonblock; -ERESTARTSYS interrupted.
 */
static int rl_ept_wait_readable(struct rl_eptdev *e, bool nonblock)
{
	unsigned long flags;
	bool ready, hung_up;

	for (;;) {
		spin_lock_irqsave(&e->queue_lock, flags);
		ready = !list_empty(&e->queue);
		hung_up = rl_ept_hung_up(e);
		spin_unlock_irqrestore(&e->queue_lock, flags);
		if (ready)
			return 0;
		if (hung_up)
			return -EPIPE;
		if (nonblock)
			return -EAGAIN;
		if (wait_event_interruptible(e->readq, rl_ept_readable(e)))
			return -ERESTARTSYS;
	}
}

/*
 * Take the oldest message off the queue if it fits in @room bytes, copy
 * it to @buf and report its length and source in @ent when given.  The
 * copy happens with nothing held; if it faults the message goes back to
 * the head of the queue.  Return: the message length; -EAGAIN queue
 * empty; -EMSGSIZE @room too small (the message stays queued); -EFAULT.
 */
static int rl_ept_take(struct rl_eptdev *e, void __user *buf, size_t room,
		       struct rpmsg_lite_msg __user *ent)
{
	struct rl_msg *msg;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&e->queue_lock, flags);
	msg = list_first_entry_or_null(&e->queue, struct rl_msg, node);
	if (msg && msg->len <= room) {
		list_del(&msg->node);
		e->queued--;
	}
	spin_unlock_irqrestore(&e->queue_lock, flags);
	if (!msg)
		return -EAGAIN;
	if (msg->len > room) {
		rl_user_err(&e->dev, "read buffer of %zu bytes for a %u-byte message\n",
			    room, msg->len);
		return -EMSGSIZE;
	}
	if (copy_to_user(buf, msg->data, msg->len) ||
	    (ent && (put_user(msg->len, &ent->len) ||
		     put_user(msg->src, &ent->addr)))) {
		spin_lock_irqsave(&e->queue_lock, flags);
		list_add(&msg->node, &e->queue);
		e->queued++;
		spin_unlock_irqrestore(&e->queue_lock, flags);
		return -EFAULT;
	}
	ret = msg->len;
	rl_msg_free(e, msg);
	return ret;
}

static ssize_t rl_ept_read(struct file *filp, char __user *buf, size_t len,
			   loff_t *ppos)
{
	struct rl_eptdev *e = filp->private_data;
	ssize_t ret;

	for (;;) {
		ret = rl_ept_wait_readable(e, filp->f_flags & O_NONBLOCK);
		if (ret)
			return ret;
		ret = rl_ept_take(e, buf, len, NULL);
		/* another reader took it first: wait again */
		if (ret != -EAGAIN)
			return ret;
	}
}

/* A batch request: flags zero, 1..RPMSG_LITE_MAX_MSGS entries. */
static int rl_ept_get_msgs(struct rl_eptdev *e, void __user *argp,
			   struct rpmsg_lite_msgs *req)
{
	if (copy_from_user(req, argp, sizeof(*req)))
		return -EFAULT;
	if (req->flags || !req->count || req->count > RPMSG_LITE_MAX_MSGS) {
		rl_user_err(&e->dev, "batch of %u messages, flags %#x (1..%u, no flags)\n",
			    req->count, req->flags, RPMSG_LITE_MAX_MSGS);
		return -EINVAL;
	}
	return 0;
}

static long rl_ept_recv_msgs(struct rl_eptdev *e, bool nonblock,
			     void __user *argp)
{
	struct rpmsg_lite_msg __user *ents;
	struct rpmsg_lite_msgs req;
	struct rpmsg_lite_msg m;
	u32 done = 0;
	int ret;

	ret = rl_ept_get_msgs(e, argp, &req);
	if (ret)
		return ret;
	ents = u64_to_user_ptr(req.msgs);

	do {
		ret = rl_ept_wait_readable(e, nonblock);
		if (ret)
			return ret;
		for (; done < req.count; done++) {
			if (copy_from_user(&m, &ents[done], sizeof(m))) {
				ret = -EFAULT;
				break;
			}
			ret = rl_ept_take(e, u64_to_user_ptr(m.buf), m.len,
					  &ents[done]);
			if (ret < 0)
				break;
		}
		/* another reader emptied the queue before our first one */
	} while (!done && ret == -EAGAIN);
	/* what was taken is the answer; an error only for the first */
	return done ? done : ret;
}

/* Bytes and addresses write() and SEND_MSGS accept, with a log line. */
static int rl_ept_check_send(struct rl_eptdev *e, u32 dst, size_t len)
{
	if (dst == RPMSG_LITE_ADDR_ANY) {
		rl_user_err(&e->dev, "send without a destination address\n");
		return -EDESTADDRREQ;
	}
	if (dst == RPMSG_LITE_NS_ADDR) {
		rl_user_err(&e->dev, "send to the name-service address\n");
		return -EINVAL;
	}
	if (len > e->ctrl->payload_size) {
		rl_user_err(&e->dev, "%zu-byte message, payload size is %u\n",
			    len, e->ctrl->payload_size);
		return -EMSGSIZE;
	}
	return 0;
}

static unsigned long rl_ept_tx_timeout(struct rl_eptdev *e, bool nonblock)
{
	u32 tmo = READ_ONCE(e->tx_timeout_ms);

	if (nonblock)
		return RL_DONT_BLOCK;
	if (tmo == RPMSG_LITE_TIMEOUT_FOREVER)
		return RL_BLOCK;
	return tmo;
}

/*
 * Send @len bytes at @data (kernel memory) to @dst; @more: a batch goes
 * on, do not notify the peer yet.  The errnos user space sees.
 */
static int rl_ept_xmit(struct rl_eptdev *e, u32 dst, const void *data,
		       size_t len, unsigned long timeout, bool more)
{
	int ret;

	ret = rpmsg_lite_send_flags(e->rl, e->ept, dst, data, len, timeout,
				    more ? RL_SEND_MORE : 0);
	if (ret == -ENOMEM)
		return -EAGAIN;
	if (ret == -ENODEV)
		return -EPIPE;
	return ret;
}

/*
 * Copy a message larger than RL_STACK_MSG from user space straight into a
 * transmit buffer and send it.  The copy runs with page faults disabled,
 * so the buffer is never held while a page faults in.  Return: as
 * rl_ept_xmit(); -EFAULT when the source is not resident (nothing was
 * sent: copy it through a kernel buffer).
 */
static int rl_ept_xmit_user(struct rl_eptdev *e, u32 dst,
			    const void __user *ubuf, size_t len,
			    unsigned long timeout, bool more)
{
	void *buf;
	u32 size;
	int ret;

	/* the shared memory stays mapped until the send is done */
	if (!rl_link_enter(e->rl))
		return -EPIPE;
	buf = rl_ept_alloc_tx_buffer(e->rl, e->ept, &size, timeout);
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
	} else if (copy_from_user_nofault(buf, ubuf, len)) {
		rpmsg_lite_release_tx_buffer(e->rl, buf);
		ret = -EFAULT;
	} else {
		ret = rpmsg_lite_send_nocopy_flags(e->rl, e->ept, dst, buf, len,
						   more ? RL_SEND_MORE : 0);
		/* not sent: still ours, whatever the reason */
		if (ret)
			rpmsg_lite_release_tx_buffer(e->rl, buf);
	}
	rl_link_leave(e->rl);
	if (ret == -ENOMEM)
		return -EAGAIN;
	if (ret == -ENODEV)
		return -EPIPE;
	return ret;
}

/*
 * Send one message of user memory: straight into shared memory when it
 * is large and resident, else copied into a kernel buffer first (the
 * fault, if any, is taken with nothing held) and sent from there.
 * @stack: RL_STACK_MSG bytes; @heap: a buffer of the payload size
 * allocated on first need (the caller frees it with kvfree()).
 */
static int rl_ept_send_one(struct rl_eptdev *e, u32 dst,
			   const void __user *ubuf, size_t len,
			   unsigned long timeout, bool more, u8 *stack,
			   void **heap)
{
	void *kbuf = stack;
	int ret;

	if (len > RL_STACK_MSG) {
		ret = rl_ept_xmit_user(e, dst, ubuf, len, timeout, more);
		if (ret != -EFAULT)
			return ret;
		if (!*heap)
			*heap = kvmalloc(e->ctrl->payload_size,
					 GFP_KERNEL_ACCOUNT);
		kbuf = *heap;
		if (!kbuf)
			return -ENOMEM;
	}
	if (copy_from_user(kbuf, ubuf, len))
		return -EFAULT;
	return rl_ept_xmit(e, dst, kbuf, len, timeout, more);
}

static void rl_ept_count_tx(struct rl_eptdev *e, u32 msgs, u64 bytes)
{
	if (msgs) {
		atomic64_add(msgs, &e->tx_msgs);
		atomic64_add(bytes, &e->tx_bytes);
	}
}

/* One message from user space (write(), SENDTO). */
static int rl_ept_send(struct rl_eptdev *e, bool nonblock, u32 dst,
		       const void __user *ubuf, size_t len)
{
	unsigned long timeout = rl_ept_tx_timeout(e, nonblock);
	u8 stack[RL_STACK_MSG];
	void *heap = NULL;
	int ret;

	ret = rl_ept_check_send(e, dst, len);
	if (ret)
		return ret;
	ret = rl_ept_send_one(e, dst, ubuf, len, timeout, false, stack,
			      &heap);
	kvfree(heap);

	/* no free buffer at once: EAGAIN for O_NONBLOCK, else a timeout */
	if (ret == -EAGAIN && !nonblock)
		ret = -ETIMEDOUT;
	if (!ret)
		rl_ept_count_tx(e, 1, len);
	return ret;
}

static long rl_ept_send_msgs(struct rl_eptdev *e, bool nonblock,
			     void __user *argp)
{
	unsigned long timeout = rl_ept_tx_timeout(e, nonblock);
	struct rpmsg_lite_msg __user *ents;
	struct rpmsg_lite_msgs req;
	struct rpmsg_lite_msg m;
	u8 stack[RL_STACK_MSG];
	void *heap = NULL;
	u64 bytes = 0;
	u32 done = 0;
	int ret;

	ret = rl_ept_get_msgs(e, argp, &req);
	if (ret)
		return ret;
	ents = u64_to_user_ptr(req.msgs);

	for (; !ret && done < req.count; done++) {
		u32 dst;

		if (copy_from_user(&m, &ents[done], sizeof(m))) {
			ret = -EFAULT;
			break;
		}
		if (m.reserved) {
			rl_user_err(&e->dev, "message %u of a batch: reserved field set\n",
				    done);
			ret = -EINVAL;
			break;
		}
		dst = m.addr == RPMSG_LITE_ADDR_ANY ? READ_ONCE(e->dst) : m.addr;
		ret = rl_ept_check_send(e, dst, m.len);
		if (!ret)
			ret = rl_ept_send_one(e, dst, u64_to_user_ptr(m.buf),
					      m.len, timeout,
					      done + 1 < req.count, stack,
					      &heap);
		if (ret)
			break;
		bytes += m.len;
	}
	/*
	 * A batch that ended early still tells the peer what it has: the
	 * last message it sent carried RL_SEND_MORE.
	 */
	if (done && done < req.count)
		rpmsg_lite_kick_peer(e->rl);
	kvfree(heap);

	if (ret == -EAGAIN && !nonblock)
		ret = -ETIMEDOUT;
	rl_ept_count_tx(e, done, bytes);
	/* what was sent is the answer; an error only for the first */
	return done ? done : ret;
}

static ssize_t rl_ept_write(struct file *filp, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	struct rl_eptdev *e = filp->private_data;
	int ret;

	ret = rl_ept_send(e, filp->f_flags & O_NONBLOCK, READ_ONCE(e->dst),
			  buf, len);
	return ret ? ret : len;
}

static __poll_t rl_ept_poll(struct file *filp, poll_table *wait)
{
	struct rl_eptdev *e = filp->private_data;
	unsigned long flags;
	__poll_t mask;
	bool hung_up;

	poll_wait(filp, &e->readq, wait);
	/* waits on the link's own queue: our reference keeps it */
	mask = rpmsg_lite_poll(e->rl, filp, wait);

	spin_lock_irqsave(&e->queue_lock, flags);
	if (!list_empty(&e->queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	hung_up = rl_ept_hung_up(e);
	spin_unlock_irqrestore(&e->queue_lock, flags);
	if (hung_up)
		return (mask & (EPOLLIN | EPOLLRDNORM)) | EPOLLHUP | EPOLLERR;
	return mask;
}

static void rl_eptdev_destroy(struct rl_eptdev *e, bool announce);
static bool rl_eptdev_unlist(struct rl_eptdev *e);

static long rl_link_info(struct rl_ctrldev *ctrl, void __user *argp);
static long rl_lookup_service(struct rl_ctrldev *ctrl, void __user *argp);
static long rl_bad_cmd(struct device *dev, unsigned int cmd,
		       unsigned long known, unsigned long upstream);

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

static long rl_ept_destroy_self(struct rl_eptdev *e)
{
	if (!rl_eptdev_unlist(e))
		return -EPIPE;
	rl_eptdev_destroy(e, true);
	return 0;
}

static long rl_ept_stats(struct rl_eptdev *e, void __user *argp)
{
	struct rpmsg_lite_ept_stats st = { };
	unsigned long flags;

	spin_lock_irqsave(&e->queue_lock, flags);
	st.rx_msgs = e->rx_msgs;
	st.rx_bytes = e->rx_bytes;
	st.rx_dropped = e->rx_dropped;
	st.rx_queued = e->queued;
	spin_unlock_irqrestore(&e->queue_lock, flags);
	st.tx_msgs = atomic64_read(&e->tx_msgs);
	st.tx_bytes = atomic64_read(&e->tx_bytes);
	st.rx_queue_len = READ_ONCE(e->rx_queue_len);
	st.tx_timeout_ms = READ_ONCE(e->tx_timeout_ms);

	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

static long rl_ept_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	struct rl_eptdev *e = filp->private_data;
	void __user *argp = (void __user *)arg;
	struct rpmsg_lite_sendto st;
	u32 val;

	switch (cmd) {
	case RPMSG_DESTROY_EPT_IOCTL:
		return rl_ept_destroy_self(e);
	case RPMSG_LITE_IOC_DESTROY_EPT:
		if (get_user(val, (u32 __user *)argp))
			return -EFAULT;
		if (val != RPMSG_LITE_EPT_SELF && val != MINOR(e->dev.devt)) {
			rl_user_err(&e->dev, "DESTROY_EPT of %u on another endpoint's node\n",
				    val);
			return -EINVAL;
		}
		return rl_ept_destroy_self(e);
	case RPMSG_LITE_IOC_LINK_INFO:
		return rl_link_info(e->ctrl, argp);
	case RPMSG_LITE_IOC_LOOKUP_SERVICE:
		return rl_lookup_service(e->ctrl, argp);
	case RPMSG_LITE_IOC_EPT_STATS:
		return rl_ept_stats(e, argp);
	case RPMSG_LITE_IOC_SET_TX_TIMEOUT:
		if (get_user(val, (u32 __user *)argp))
			return -EFAULT;
		WRITE_ONCE(e->tx_timeout_ms, val);
		return 0;
	case RPMSG_LITE_IOC_SET_RX_QUEUE_LEN:
		if (get_user(val, (u32 __user *)argp))
			return -EFAULT;
		if (!val || val > RPMSG_LITE_MAX_RX_QUEUE_LEN) {
			rl_user_err(&e->dev, "rx queue length %u not in 1..%u\n",
				    val, RPMSG_LITE_MAX_RX_QUEUE_LEN);
			return -EINVAL;
		}
		WRITE_ONCE(e->rx_queue_len, val);
		return 0;
	case RPMSG_LITE_IOC_SENDTO:
		if (copy_from_user(&st, argp, sizeof(st)))
			return -EFAULT;
		return rl_ept_send(e, filp->f_flags & O_NONBLOCK, st.dst,
				   u64_to_user_ptr(st.buf), st.len);
	case RPMSG_LITE_IOC_SEND_MSGS:
		return rl_ept_send_msgs(e, filp->f_flags & O_NONBLOCK, argp);
	case RPMSG_LITE_IOC_RECV_MSGS:
		return rl_ept_recv_msgs(e, filp->f_flags & O_NONBLOCK, argp);
	default:
		return rl_bad_cmd(&e->dev, cmd, RL_EPT_NATIVE, RL_EPT_UPSTREAM);
	}
}

static const struct file_operations rl_ept_fops = {
	.owner = THIS_MODULE,
	.open = rl_ept_open,
	.release = rl_ept_release,
	.read = rl_ept_read,
	.write = rl_ept_write,
	.poll = rl_ept_poll,
	.unlocked_ioctl = rl_ept_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static ssize_t name_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_eptdev(dev)->name);
}
static DEVICE_ATTR_RO(name);

static ssize_t src_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_to_eptdev(dev)->src);
}
static DEVICE_ATTR_RO(src);

static ssize_t dst_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(dev_to_eptdev(dev)->dst));
}
static DEVICE_ATTR_RO(dst);

static ssize_t link_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_eptdev(dev)->ctrl->link_name);
}
static DEVICE_ATTR_RO(link);

static ssize_t rx_dropped_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct rl_eptdev *e = dev_to_eptdev(dev);
	unsigned long flags;
	u64 val;

	spin_lock_irqsave(&e->queue_lock, flags);
	val = e->rx_dropped;
	spin_unlock_irqrestore(&e->queue_lock, flags);
	return sysfs_emit(buf, "%llu\n", val);
}
static DEVICE_ATTR_RO(rx_dropped);

static ssize_t rx_queued_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct rl_eptdev *e = dev_to_eptdev(dev);
	unsigned long flags;
	u32 val;

	spin_lock_irqsave(&e->queue_lock, flags);
	val = e->queued;
	spin_unlock_irqrestore(&e->queue_lock, flags);
	return sysfs_emit(buf, "%u\n", val);
}
static DEVICE_ATTR_RO(rx_queued);

static struct attribute *rl_ept_attrs[] = {
	&dev_attr_name.attr,
	&dev_attr_src.attr,
	&dev_attr_dst.attr,
	&dev_attr_link.attr,
	&dev_attr_rx_dropped.attr,
	&dev_attr_rx_queued.attr,
	NULL
};
ATTRIBUTE_GROUPS(rl_ept);

static void rl_eptdev_release(struct device *dev)
{
	struct rl_eptdev *e = dev_to_eptdev(dev);

	rl_ept_purge(e);
	rpmsg_lite_ept_put(e->ept);
	mem_cgroup_put(e->memcg);
	ida_free(&rl_ept_ida, MINOR(dev->devt));
	put_device(&e->ctrl->dev);
	kfree(e);
}

/*
 * Take a published endpoint node off its control device's list: the
 * caller then destroys it.  False when someone else took it first.
 */
static bool rl_eptdev_unlist(struct rl_eptdev *e)
{
	struct rl_ctrldev *ctrl = e->ctrl;
	bool mine;

	mutex_lock(&ctrl->lock);
	mine = !list_empty(&e->node);
	list_del_init(&e->node);
	mutex_unlock(&ctrl->lock);
	return mine;
}

/*
 * Destroy an endpoint node taken off its list: tell the peer if it was
 * announced (@announce; bounded by the endpoint's tx timeout, nothing
 * held), destroy the core endpoint (blocked writers return -EPIPE), wake
 * readers and remove the node.  Open files keep the structure; they see
 * -EPIPE (after draining queued messages) and EPOLLHUP.
 */
static void rl_eptdev_destroy(struct rl_eptdev *e, bool announce)
{
	unsigned long flags;
	int ret;

	if (announce && (e->flags & RPMSG_LITE_EPT_F_ANNOUNCE)) {
		ret = rpmsg_lite_ns_announce_timeout(e->rl, e->ept, e->name,
						     RL_NS_DESTROY,
						     rl_ept_tx_timeout(e, false));
		if (ret)
			dev_dbg(&e->dev, "name-service destroy failed: %d\n",
				ret);
	}
	ret = rpmsg_lite_destroy_ept(e->rl, e->ept);
	if (ret)
		dev_dbg(&e->dev, "endpoint %u was destroyed with its link\n",
			e->src);

	spin_lock_irqsave(&e->queue_lock, flags);
	e->gone = true;
	spin_unlock_irqrestore(&e->queue_lock, flags);
	wake_up_interruptible_all(&e->readq);

	cdev_device_del(&e->cdev, &e->dev);
	put_device(&e->dev);
}

static int rl_eptdev_create(struct rl_ctrldev *ctrl, const char *name,
			    u32 src, u32 dst, u32 flags, u32 *src_out)
{
	struct rpmsg_lite_endpoint *ept;
	struct rl_eptdev *e;
	struct device *dev;
	int minor, ret;

	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;

	minor = ida_alloc_max(&rl_ept_ida, RL_EPT_MAX - 1, GFP_KERNEL);
	if (minor < 0) {
		kfree(e);
		return minor == -ENOSPC ? -ENOSPC : minor;
	}

	spin_lock_init(&e->queue_lock);
	INIT_LIST_HEAD(&e->queue);
	INIT_LIST_HEAD(&e->node);
	init_waitqueue_head(&e->readq);
	atomic64_set(&e->tx_msgs, 0);
	atomic64_set(&e->tx_bytes, 0);
	strscpy(e->name, name, sizeof(e->name));
	e->dst = dst;
	e->flags = flags;
	e->tx_timeout_ms = RPMSG_LITE_DEFAULT_TX_TIMEOUT_MS;
	e->rx_queue_len = RPMSG_LITE_DEFAULT_RX_QUEUE_LEN;
	e->ctrl = ctrl;
	get_device(&ctrl->dev);
	e->rl = ctrl->rl;
	e->memcg = get_mem_cgroup_from_mm(current->mm);

	dev = &e->dev;
	device_initialize(dev);
	dev->class = rl_class;
	dev->parent = &ctrl->dev;
	dev->devt = MKDEV(MAJOR(rl_ept_devt), minor);
	dev->groups = rl_ept_groups;
	dev->release = rl_eptdev_release;
	dev_set_name(dev, "rpmsg_ept%d", minor);
	cdev_init(&e->cdev, &rl_ept_fops);
	e->cdev.owner = THIS_MODULE;

	ept = rpmsg_lite_create_ept(e->rl, src, rl_ept_rx_cb, e);
	if (IS_ERR(ept)) {
		ret = PTR_ERR(ept);
		rl_user_err(&ctrl->dev, "creating endpoint at %u failed: %d\n",
			    src, ret);
		goto put;
	}
	e->ept = rpmsg_lite_ept_get(ept);
	e->src = rpmsg_lite_ept_addr(ept);

	/* complete before anyone can open it: announce first */
	if (flags & RPMSG_LITE_EPT_F_ANNOUNCE) {
		ret = rpmsg_lite_ns_announce_timeout(e->rl, ept, e->name,
						     RL_NS_CREATE,
						     RPMSG_LITE_DEFAULT_TX_TIMEOUT_MS);
		if (ret) {
			rl_user_err(&ctrl->dev, "announcing %s failed: %d\n",
				    e->name, ret);
			goto destroy;
		}
	}

	/*
	 * Once on the list the node is its list's: a DESTROY_EPT of another
	 * thread (the index is easy to guess) may free it as soon as the lock
	 * is dropped, so nothing of @e is read after that.
	 */
	*src_out = e->src;
	mutex_lock(&ctrl->lock);
	ret = ctrl->removed ? -ENODEV : cdev_device_add(&e->cdev, dev);
	if (!ret)
		list_add_tail(&e->node, &ctrl->epts);
	mutex_unlock(&ctrl->lock);
	if (ret)
		goto destroy;
	return minor;

destroy:
	rpmsg_lite_destroy_ept(e->rl, ept);
put:
	put_device(dev);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Control node                                                       */
/* ------------------------------------------------------------------ */

/*
 * A request this node does not serve: -EINVAL when it is one it serves
 * under another size or direction (@known: bit per native request number,
 * @upstream: bit per 0xb5 request number), -ENOTTY otherwise.
 */
static long rl_bad_cmd(struct device *dev, unsigned int cmd,
		       unsigned long known, unsigned long upstream)
{
	unsigned int nr = _IOC_NR(cmd);

	if ((_IOC_TYPE(cmd) == RPMSG_LITE_IOC_MAGIC && nr < BITS_PER_LONG &&
	     (known & BIT(nr))) ||
	    (_IOC_TYPE(cmd) == _IOC_TYPE(RPMSG_CREATE_EPT_IOCTL) &&
	     nr < BITS_PER_LONG && (upstream & BIT(nr)))) {
		rl_user_err(dev, "ioctl %#x: size %u or direction not supported here\n",
			    cmd, _IOC_SIZE(cmd));
		return -EINVAL;
	}
	rl_user_err(dev, "unknown ioctl %#x\n", cmd);
	return -ENOTTY;
}

static int rl_check_name(struct device *dev, const char *name)
{
	if (!memchr(name, '\0', RPMSG_LITE_NAME_SIZE)) {
		rl_user_err(dev, "endpoint name not NUL-terminated\n");
		return -EINVAL;
	}
	return 0;
}

static long rl_ctrl_create(struct rl_ctrldev *ctrl, const char *name,
			   u32 src, u32 dst, u32 flags, u32 *src_out)
{
	long ret;

	ret = rl_check_name(&ctrl->dev, name);
	if (ret)
		return ret;
	if (src == RPMSG_LITE_NS_ADDR) {
		rl_user_err(&ctrl->dev, "src %u is the name service's\n", src);
		return -EADDRINUSE;
	}
	if (dst == RPMSG_LITE_NS_ADDR) {
		rl_user_err(&ctrl->dev, "dst %u is the name service's\n", dst);
		return -EINVAL;
	}
	if (flags & ~RPMSG_LITE_EPT_F_ALL) {
		rl_user_err(&ctrl->dev, "unknown endpoint flags %#x\n", flags);
		return -EINVAL;
	}
	if ((flags & RPMSG_LITE_EPT_F_ANNOUNCE) && !name[0]) {
		rl_user_err(&ctrl->dev, "announcing an endpoint without name\n");
		return -EINVAL;
	}

	return rl_eptdev_create(ctrl, name, src, dst, flags, src_out);
}

static long rl_ctrl_create_native(struct rl_ctrldev *ctrl, void __user *argp)
{
	struct rpmsg_lite_ept_info info;
	long ret;
	int i;

	if (copy_from_user(&info, argp, sizeof(info)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(info.reserved); i++) {
		if (info.reserved[i]) {
			rl_user_err(&ctrl->dev, "reserved field of ept_info set\n");
			return -EINVAL;
		}
	}

	ret = rl_ctrl_create(ctrl, info.name, info.src, info.dst, info.flags,
			     &info.src);
	if (ret < 0)
		return ret;
	info.index = ret;
	if (copy_to_user(argp, &info, sizeof(info)))
		return -EFAULT;
	return ret;
}

static long rl_ctrl_create_upstream(struct rl_ctrldev *ctrl, void __user *argp)
{
	struct rpmsg_endpoint_info info;
	long ret;

	if (copy_from_user(&info, argp, sizeof(info)))
		return -EFAULT;
	ret = rl_ctrl_create(ctrl, info.name, info.src, info.dst, 0,
			     &info.src);
	return ret < 0 ? ret : 0;
}

static long rl_ctrl_destroy(struct rl_ctrldev *ctrl, void __user *argp)
{
	struct rl_eptdev *e, *found = NULL;
	u32 index;

	if (get_user(index, (u32 __user *)argp))
		return -EFAULT;

	mutex_lock(&ctrl->lock);
	list_for_each_entry(e, &ctrl->epts, node) {
		if (MINOR(e->dev.devt) == index) {
			found = e;
			list_del_init(&e->node);
			break;
		}
	}
	mutex_unlock(&ctrl->lock);
	if (!found) {
		rl_user_err(&ctrl->dev, "no endpoint %u on this link\n", index);
		return -ENOENT;
	}
	rl_eptdev_destroy(found, true);
	return 0;
}

static long rl_link_info(struct rl_ctrldev *ctrl, void __user *argp)
{
	struct rpmsg_lite_link_info info = { };
	struct rpmsg_lite_instance *rl = ctrl->rl;
	const struct rpmsg_lite_config *cfg;
	struct rpmsg_lite_link_stats st;

	strscpy(info.name, ctrl->link_name, sizeof(info.name));
	info.ctrl_index = ctrl->index;
	info.payload_size = ctrl->payload_size;

	if (READ_ONCE(ctrl->removed)) {
		info.state = RPMSG_LITE_STATE_REMOVED;
	} else {
		cfg = rpmsg_lite_get_config(rl);
		info.link_id = cfg->link_id;
		info.buffer_count = cfg->buffer_count;
		info.role = rpmsg_lite_get_role(rl) == RPMSG_LITE_MASTER ?
			    RPMSG_LITE_ROLE_MASTER : RPMSG_LITE_ROLE_REMOTE;
		info.state = rpmsg_lite_get_link_state(rl);
		info.free_tx_buffers = rpmsg_lite_get_free_tx_buffers(rl);
		rpmsg_lite_get_stats(rl, &st);
		info.stats.tx_msgs = st.tx_msgs;
		info.stats.rx_msgs = st.rx_msgs;
		info.stats.kicks_out = st.kicks_out;
		info.stats.kicks_in = st.kicks_in;
		info.stats.kick_errors = st.kick_errors;
		info.stats.rx_drop_no_ept = st.rx_drop_no_ept;
		info.stats.rx_drop_bad_len = st.rx_drop_bad_len;
		info.stats.rx_drop_bad_ns = st.rx_drop_bad_ns;
		info.stats.ring_errors = st.ring_errors;
		info.stats.tx_timeouts = st.tx_timeouts;
		info.stats.resets = st.resets;
		info.stats.link_up_rekicks = st.link_up_rekicks;
	}

	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long rl_lookup_service(struct rl_ctrldev *ctrl, void __user *argp)
{
	struct rpmsg_lite_service q;
	struct rl_service *s;
	long ret = -ENOENT;

	if (copy_from_user(&q, argp, sizeof(q)))
		return -EFAULT;
	ret = rl_check_name(&ctrl->dev, q.name);
	if (ret)
		return ret;
	if (q.reserved) {
		rl_user_err(&ctrl->dev, "reserved field of service set\n");
		return -EINVAL;
	}

	ret = -ENOENT;
	mutex_lock(&ctrl->svc_lock);
	/* Newest first: the most recent announcement wins. */
	list_for_each_entry(s, &ctrl->services, node) {
		if (!strcmp(s->name, q.name)) {
			q.addr = s->addr;
			ret = 0;
			break;
		}
	}
	mutex_unlock(&ctrl->svc_lock);
	if (ret)
		return ret;
	return copy_to_user(argp, &q, sizeof(q)) ? -EFAULT : 0;
}

static int rl_ctrl_open(struct inode *inode, struct file *filp)
{
	struct rl_ctrldev *ctrl = container_of(inode->i_cdev,
					       struct rl_ctrldev, cdev);

	get_device(&ctrl->dev);
	filp->private_data = ctrl;
	return nonseekable_open(inode, filp);
}

static int rl_ctrl_release(struct inode *inode, struct file *filp)
{
	struct rl_ctrldev *ctrl = filp->private_data;

	put_device(&ctrl->dev);
	return 0;
}

static long rl_ctrl_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	struct rl_ctrldev *ctrl = filp->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case RPMSG_LITE_IOC_CREATE_EPT:
		return rl_ctrl_create_native(ctrl, argp);
	case RPMSG_CREATE_EPT_IOCTL:
		return rl_ctrl_create_upstream(ctrl, argp);
	case RPMSG_LITE_IOC_DESTROY_EPT:
		return rl_ctrl_destroy(ctrl, argp);
	case RPMSG_LITE_IOC_LINK_INFO:
		return rl_link_info(ctrl, argp);
	case RPMSG_LITE_IOC_LOOKUP_SERVICE:
		return rl_lookup_service(ctrl, argp);
	case RPMSG_DESTROY_EPT_IOCTL:
		rl_user_err(&ctrl->dev, "RPMSG_DESTROY_EPT_IOCTL belongs on an endpoint node\n");
		return -ENOTTY;
	default:
		return rl_bad_cmd(&ctrl->dev, cmd, RL_CTRL_NATIVE,
				  RL_CTRL_UPSTREAM);
	}
}

static const struct file_operations rl_ctrl_fops = {
	.owner = THIS_MODULE,
	.open = rl_ctrl_open,
	.release = rl_ctrl_release,
	.unlocked_ioctl = rl_ctrl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static const char * const rl_state_names[] = {
	[RPMSG_LITE_STATE_DOWN] = "down",
	[RPMSG_LITE_STATE_WAITING] = "waiting",
	[RPMSG_LITE_STATE_UP] = "up",
	[RPMSG_LITE_STATE_RESETTING] = "resetting",
	[RPMSG_LITE_STATE_REMOVED] = "removed",
};

static ssize_t link_name_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_ctrldev(dev)->link_name);
}
static DEVICE_ATTR_RO(link_name);

/*
 * The control device's attributes read the link directly (its reference
 * keeps it): nothing here waits for a lock another user may hold.
 */
static struct rpmsg_lite_instance *rl_ctrl_link(struct device *dev)
{
	struct rl_ctrldev *ctrl = dev_to_ctrldev(dev);

	return READ_ONCE(ctrl->removed) ? NULL : ctrl->rl;
}

static ssize_t role_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct rpmsg_lite_instance *rl = rl_ctrl_link(dev);

	if (!rl)
		return -ENODEV;
	return sysfs_emit(buf, "%s\n", rpmsg_lite_get_role(rl) ==
			  RPMSG_LITE_MASTER ? "master" : "remote");
}
static DEVICE_ATTR_RO(role);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct rpmsg_lite_instance *rl = rl_ctrl_link(dev);
	unsigned int state = RPMSG_LITE_STATE_REMOVED;

	if (rl)
		state = rpmsg_lite_get_link_state(rl);
	if (state >= ARRAY_SIZE(rl_state_names))
		return sysfs_emit(buf, "unknown\n");
	return sysfs_emit(buf, "%s\n", rl_state_names[state]);
}
static DEVICE_ATTR_RO(state);

static ssize_t link_id_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct rpmsg_lite_instance *rl = rl_ctrl_link(dev);

	if (!rl)
		return -ENODEV;
	return sysfs_emit(buf, "%u\n", rpmsg_lite_get_config(rl)->link_id);
}
static DEVICE_ATTR_RO(link_id);

static ssize_t payload_size_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_to_ctrldev(dev)->payload_size);
}
static DEVICE_ATTR_RO(payload_size);

static ssize_t buffer_count_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct rpmsg_lite_instance *rl = rl_ctrl_link(dev);

	if (!rl)
		return -ENODEV;
	return sysfs_emit(buf, "%u\n",
			  rpmsg_lite_get_config(rl)->buffer_count);
}
static DEVICE_ATTR_RO(buffer_count);

static ssize_t free_tx_buffers_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct rpmsg_lite_instance *rl = rl_ctrl_link(dev);

	if (!rl)
		return -ENODEV;
	return sysfs_emit(buf, "%u\n", rpmsg_lite_get_free_tx_buffers(rl));
}
static DEVICE_ATTR_RO(free_tx_buffers);

static ssize_t rx_queued_bytes_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read
			  (&dev_to_ctrldev(dev)->rx_queued_bytes));
}
static DEVICE_ATTR_RO(rx_queued_bytes);

static ssize_t services_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	struct rl_ctrldev *ctrl = dev_to_ctrldev(dev);
	struct rl_service *s;
	int len = 0;

	mutex_lock(&ctrl->svc_lock);
	list_for_each_entry(s, &ctrl->services, node)
		len += sysfs_emit_at(buf, len, "%u %s\n", s->addr, s->name);
	mutex_unlock(&ctrl->svc_lock);
	return len;
}
static DEVICE_ATTR_RO(services);

static struct attribute *rl_ctrl_attrs[] = {
	&dev_attr_link_name.attr,
	&dev_attr_role.attr,
	&dev_attr_state.attr,
	&dev_attr_link_id.attr,
	&dev_attr_payload_size.attr,
	&dev_attr_buffer_count.attr,
	&dev_attr_free_tx_buffers.attr,
	&dev_attr_services.attr,
	&dev_attr_rx_queued_bytes.attr,
	NULL
};
ATTRIBUTE_GROUPS(rl_ctrl);

#define listener_to_ctrldev(l)	container_of(l, struct rl_ctrldev, listener)

/* Name-service listener: remember what the peer offers. */
static void rl_ctrl_ns(struct rl_listener *l, u32 addr, const char *name,
		       u32 flags)
{
	struct rl_ctrldev *ctrl = listener_to_ctrldev(l);
	struct rl_service *s, *tmp;

	mutex_lock(&ctrl->svc_lock);
	list_for_each_entry_safe(s, tmp, &ctrl->services, node) {
		if (s->addr == addr && !strcmp(s->name, name)) {
			list_del(&s->node);
			kfree(s);
			ctrl->nr_services--;
		}
	}
	if (flags == RL_NS_CREATE) {
		if (ctrl->nr_services >= RL_SERVICES_MAX) {
			dev_warn_ratelimited(&ctrl->dev,
					     "too many announced services, ignoring %s at %u\n",
					     name, addr);
		} else {
			s = kzalloc(sizeof(*s), GFP_KERNEL);
			if (s) {
				strscpy(s->name, name, sizeof(s->name));
				s->addr = addr;
				list_add(&s->node, &ctrl->services);
				ctrl->nr_services++;
			}
		}
	}
	mutex_unlock(&ctrl->svc_lock);
	dev_dbg(&ctrl->dev, "peer %s %s at %u\n",
		flags == RL_NS_CREATE ? "announced" : "withdrew", name, addr);
}

/* The link went down or came up: wake readers and pollers to look. */
static void rl_ctrl_event(struct rl_listener *l, enum rpmsg_lite_event event)
{
	struct rl_ctrldev *ctrl = listener_to_ctrldev(l);
	struct rl_eptdev *e;

	WRITE_ONCE(ctrl->link_down, event == RPMSG_LITE_EVENT_LINK_DOWN);
	mutex_lock(&ctrl->lock);
	list_for_each_entry(e, &ctrl->epts, node)
		wake_up_interruptible_all(&e->readq);
	mutex_unlock(&ctrl->lock);
}

static const struct rl_listener_ops rl_ctrl_listener_ops = {
	.event = rl_ctrl_event,
	.ns = rl_ctrl_ns,
};

static void rl_ctrldev_release(struct device *dev)
{
	struct rl_ctrldev *ctrl = dev_to_ctrldev(dev);
	struct rl_service *s, *tmp;

	list_for_each_entry_safe(s, tmp, &ctrl->services, node)
		kfree(s);
	ida_free(&rl_ctrl_ida, ctrl->index);
	rpmsg_lite_put(ctrl->rl);
	kfree(ctrl);
}

/* Class interface: a link appeared; give it a control node. */
static int rl_char_add_link(struct device *dev)
{
	struct rpmsg_lite_instance *rl = rl_link_of(dev);
	struct rl_ctrldev *ctrl;
	const char *name;
	int index, ret;

	ctrl = kzalloc(sizeof(*ctrl), GFP_KERNEL);
	if (!ctrl)
		return -ENOMEM;
	index = ida_alloc_max(&rl_ctrl_ida, RL_CTRL_MAX - 1, GFP_KERNEL);
	if (index < 0) {
		kfree(ctrl);
		dev_warn(dev, "no control node: %d\n", index);
		return index;
	}

	mutex_init(&ctrl->lock);
	mutex_init(&ctrl->svc_lock);
	INIT_LIST_HEAD(&ctrl->epts);
	INIT_LIST_HEAD(&ctrl->services);
	atomic_long_set(&ctrl->rx_queued_bytes, 0);
	ctrl->index = index;
	ctrl->rl = rpmsg_lite_get(rl);
	ctrl->payload_size = rpmsg_lite_get_payload_size(rl);
	name = rpmsg_lite_get_name(rl);
	strscpy(ctrl->link_name, name ? name : "", sizeof(ctrl->link_name));

	device_initialize(&ctrl->dev);
	ctrl->dev.class = rl_class;
	ctrl->dev.parent = dev;
	ctrl->dev.devt = MKDEV(MAJOR(rl_ctrl_devt), index);
	ctrl->dev.groups = rl_ctrl_groups;
	ctrl->dev.release = rl_ctrldev_release;
	dev_set_name(&ctrl->dev, "rpmsg_lite_ctrl%d", index);
	cdev_init(&ctrl->cdev, &rl_ctrl_fops);
	ctrl->cdev.owner = THIS_MODULE;

	rl_listen(rl, &ctrl->listener, &rl_ctrl_listener_ops);
	ret = cdev_device_add(&ctrl->cdev, &ctrl->dev);
	if (ret) {
		rl_unlisten(rl, &ctrl->listener);
		put_device(&ctrl->dev);
		dev_warn(dev, "no control node: %d\n", ret);
	}
	return ret;
}

/*
 * Class interface: the link goes away (nothing runs on it any more):
 * destroy its endpoint nodes and the control node.
 */
static void rl_char_remove_link(struct device *dev)
{
	struct rpmsg_lite_instance *rl = rl_link_of(dev);
	struct rl_ctrldev *ctrl;
	struct rl_listener *l;
	struct rl_eptdev *e;

	l = rl_listener_find(rl, &rl_ctrl_listener_ops);
	if (!l)
		return;
	ctrl = listener_to_ctrldev(l);
	rl_unlisten(rl, l);

	mutex_lock(&ctrl->lock);
	WRITE_ONCE(ctrl->removed, true);
	WRITE_ONCE(ctrl->link_down, true);
	mutex_unlock(&ctrl->lock);
	for (;;) {
		mutex_lock(&ctrl->lock);
		e = list_first_entry_or_null(&ctrl->epts, struct rl_eptdev,
					     node);
		if (e)
			list_del_init(&e->node);
		mutex_unlock(&ctrl->lock);
		if (!e)
			break;
		rl_eptdev_destroy(e, false);
	}
	cdev_device_del(&ctrl->cdev, &ctrl->dev);
	put_device(&ctrl->dev);
}

RL_CLASS_INTERFACE(rl_char_intf, rl_char_add_link, rl_char_remove_link);

/**
 * rl_char_init() - register the class, device numbers and the class
 * interface that gives every link (present and future) its control node
 *
 * Return: 0 or a negative errno.
 */
int rl_char_init(void)
{
	int ret;

	rl_class = rl_class_create("rpmsg_lite");
	if (IS_ERR(rl_class))
		return PTR_ERR(rl_class);

	ret = alloc_chrdev_region(&rl_ctrl_devt, 0, RL_CTRL_MAX,
				  "rpmsg_lite_ctrl");
	if (ret)
		goto destroy_class;
	ret = alloc_chrdev_region(&rl_ept_devt, 0, RL_EPT_MAX, "rpmsg_ept");
	if (ret)
		goto unregister_ctrl;

	ret = rl_link_interface_register(&rl_char_intf);
	if (ret)
		goto unregister_ept;
	return 0;

unregister_ept:
	unregister_chrdev_region(rl_ept_devt, RL_EPT_MAX);
unregister_ctrl:
	unregister_chrdev_region(rl_ctrl_devt, RL_CTRL_MAX);
destroy_class:
	class_destroy(rl_class);
	return ret;
}

/**
 * rl_char_exit() - remove every node and unregister what rl_char_init()
 * registered.  Open files keep the module loaded, so none exists here.
 */
void rl_char_exit(void)
{
	rl_link_interface_unregister(&rl_char_intf);
	unregister_chrdev_region(rl_ept_devt, RL_EPT_MAX);
	unregister_chrdev_region(rl_ctrl_devt, RL_CTRL_MAX);
	class_destroy(rl_class);
}
