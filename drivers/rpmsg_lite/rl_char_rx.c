// SPDX-License-Identifier: GPL-2.0
/*
 * rl_char_rx.c - the receive queue of an endpoint node.
 *
 * Owns struct rl_msg, the queue fields of struct rl_eptdev (@queue,
 * @queued, @gone is read here and set by rl_char_ept.c, the rx counters)
 * and the link's rl_ctrldev.rx_queued_bytes, with the module parameter
 * rx_queue_max_bytes that bounds it.  The link's receive work calls
 * rl_ept_rx_cb(), which copies every message into kernel memory charged
 * to the endpoint's creator and returns the shared buffer at once;
 * readers (read() in rl_char_ept.c, RECV_MSGS in rl_char_batch.c) take
 * messages off with rl_ept_wait_readable() and rl_ept_take().
 *
 * Lock: rl_eptdev.queue_lock (a spinlock, irqsave) guards the queue and
 * its counters; a message is copied to user space with nothing held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "rl_char_internal.h"

static unsigned int rx_queue_max_bytes = 4 << 20;
module_param(rx_queue_max_bytes, uint, 0644);
MODULE_PARM_DESC(rx_queue_max_bytes,
		 "most kernel memory the messages queued for read() on the endpoints of one link may take (bytes, default 4 MiB); a message beyond it is dropped and counted");

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
int rl_ept_rx_cb(void *payload, u32 payload_len, u32 src, void *priv)
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

void rl_ept_purge(struct rl_eptdev *e)
{
	struct rl_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, &e->queue, node) {
		list_del(&msg->node);
		rl_msg_free(e, msg);
	}
	e->queued = 0;
}

/* Nothing more will arrive: destroyed, or the link is down. */
bool rl_ept_hung_up(struct rl_eptdev *e)
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

/*
 * Wait until a message is queued.  Return: 0 one is; -EPIPE nothing
 * queued and nothing more will come; -EAGAIN nothing queued and
 * @nonblock; -ERESTARTSYS interrupted.
 */
int rl_ept_wait_readable(struct rl_eptdev *e, bool nonblock)
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
int rl_ept_take(struct rl_eptdev *e, void __user *buf, size_t room,
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
