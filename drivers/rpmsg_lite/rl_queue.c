// SPDX-License-Identifier: GPL-2.0
/*
 * Blocking receive queues of rpmsg-lite links (rpmsg_queue.h).
 *
 * A queue is the receive callback of an endpoint (rpmsg_lite_queue_rx_cb
 * with the queue as callback data): the callback keeps the buffer
 * (RL_HOLD) and queues {src, payload, len}; rpmsg_lite_queue_recv() copies
 * it out and gives the buffer back, rpmsg_lite_queue_recv_nocopy() hands
 * the buffer itself to the caller.  A queue holds at most as many messages
 * as it was created for; a message for a full queue is dropped (counted)
 * and its buffer returned at once.
 *
 * Unlike rpmsg-lite, a receive buffer smaller than the message does not
 * truncate it: the call fails with -EMSGSIZE, reports the length and
 * leaves the message queued.
 *
 * Link life cycle: every queue is on its link's list, so that a link
 * going down, being reset or removed wakes its receivers.  Messages
 * queued before a reset are void (their buffers were voided): they are
 * released, counted as dropped and never returned.  A receiver that was
 * waiting when the link was reset, or that finds the link resetting with
 * nothing queued, gets -EPIPE; -ENODEV once the link is being removed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/export.h>
#include <linux/kfifo.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "rl_core.h"

/**
 * struct rl_queue_msg - one queued message
 * @payload: payload in shared memory (its buffer is held)
 * @len: payload bytes
 * @src: sender address
 * @gen: ring generation the buffer was received under
 */
struct rl_queue_msg {
	void *payload;
	u32 len;
	u32 src;
	u32 gen;
};

/**
 * struct rpmsg_lite_queue - receive queue of one endpoint
 * @rl: link the queue belongs to
 * @lock: protects @fifo (producer: receive work, consumers: any thread)
 * @wq: receivers waiting for a message
 * @fifo: queued messages
 * @max_msgs: bound on queued messages
 * @dropped: messages dropped because the queue was full or voided by a
 *           link reset
 * @node: in the link's list of queues, under its queues_lock
 */
struct rpmsg_lite_queue {
	struct rpmsg_lite_instance *rl;
	spinlock_t lock;	/* fifo, dropped: receive work vs readers */
	wait_queue_head_t wq;
	DECLARE_KFIFO_PTR(fifo, struct rl_queue_msg);
	u32 max_msgs;
	u32 dropped;
	struct list_head node;
};

/**
 * rl_queue_wake_all() - wake every receiver of a link's queues
 * @rl: link whose state changed
 *
 * Context: any.
 */
void rl_queue_wake_all(struct rpmsg_lite_instance *rl)
{
	struct rpmsg_lite_queue *q;
	unsigned long flags;

	spin_lock_irqsave(&rl->queues_lock, flags);
	list_for_each_entry(q, &rl->queues, node)
		wake_up_all(&q->wq);
	spin_unlock_irqrestore(&rl->queues_lock, flags);
}

/**
 * rpmsg_lite_queue_create() - create a receive queue
 * @rl: link
 * @max_msgs: most messages kept at once; 0 or more than the link's buffer
 *            count means the buffer count (every queued message holds a
 *            receive buffer, so more can never be queued)
 *
 * Context: process context, may sleep.
 * Return: the queue, or ERR_PTR(-EINVAL) for NULL @rl, ERR_PTR(-ENOMEM).
 */
struct rpmsg_lite_queue *rpmsg_lite_queue_create(struct rpmsg_lite_instance *rl,
						 u32 max_msgs)
{
	struct rpmsg_lite_queue *q;
	unsigned long flags;
	int ret;

	if (!rl)
		return ERR_PTR(-EINVAL);
	if (!max_msgs || max_msgs > rl->cfg.buffer_count)
		max_msgs = rl->cfg.buffer_count;

	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return ERR_PTR(-ENOMEM);
	/* a kfifo has at least two slots; @max_msgs bounds what is queued */
	ret = kfifo_alloc(&q->fifo, max_t(u32, max_msgs, 2), GFP_KERNEL);
	if (ret) {
		kfree(q);
		return ERR_PTR(ret);
	}
	q->rl = rl;
	q->max_msgs = max_msgs;
	spin_lock_init(&q->lock);
	init_waitqueue_head(&q->wq);
	spin_lock_irqsave(&rl->queues_lock, flags);
	list_add_tail(&q->node, &rl->queues);
	spin_unlock_irqrestore(&rl->queues_lock, flags);
	return q;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_queue_create, RPMSG_LITE);

/**
 * rpmsg_lite_queue_destroy() - free a queue and the buffers it holds
 * @rl: link of the queue
 * @q: queue; destroy the endpoint that feeds it first, and make sure no
 *     receiver is still waiting on it
 *
 * Context: process context.
 * Return: 0; -EINVAL for NULL or a queue of another link.
 */
int rpmsg_lite_queue_destroy(struct rpmsg_lite_instance *rl,
			     struct rpmsg_lite_queue *q)
{
	struct rl_queue_msg msg;
	unsigned long flags;

	if (!rl || !q || q->rl != rl)
		return -EINVAL;

	spin_lock_irqsave(&rl->queues_lock, flags);
	list_del(&q->node);
	spin_unlock_irqrestore(&rl->queues_lock, flags);
	/* older generations too: their release clears the stale mark */
	while (kfifo_get(&q->fifo, &msg))
		rpmsg_lite_release_rx_buffer(rl, msg.payload);
	kfifo_free(&q->fifo);
	kfree(q);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_queue_destroy, RPMSG_LITE);

/**
 * rpmsg_lite_queue_rx_cb() - endpoint callback that feeds a queue
 * @payload: message payload
 * @payload_len: bytes in @payload
 * @src: sender address
 * @priv: the queue (give it as rx_cb_data to rpmsg_lite_create_ept())
 *
 * Context: the link's receive work.
 * Return: RL_HOLD when the message was queued, RL_RELEASE when the queue
 * was full (the message is dropped and counted).
 */
int rpmsg_lite_queue_rx_cb(void *payload, u32 payload_len, u32 src,
			   void *priv)
{
	struct rpmsg_lite_queue *q = priv;
	struct rl_queue_msg msg = {
		.payload = payload,
		.len = payload_len,
		.src = src,
	};
	unsigned long flags;
	bool queued = false;

	if (WARN_ON_ONCE(!q))
		return RL_RELEASE;
	msg.gen = rl_generation(q->rl);

	spin_lock_irqsave(&q->lock, flags);
	if (kfifo_len(&q->fifo) < q->max_msgs)
		queued = kfifo_put(&q->fifo, msg);
	if (!queued)
		q->dropped++;
	spin_unlock_irqrestore(&q->lock, flags);

	if (!queued) {
		rl_warn_rl(q->rl, "receive queue full (%u messages): dropped %u bytes from %u\n",
			   q->max_msgs, payload_len, src);
		return RL_RELEASE;
	}
	wake_up_interruptible(&q->wq);
	return RL_HOLD;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_queue_rx_cb, RPMSG_LITE);

/*
 * Take the oldest message of this generation if it fits in @maxlen:
 * 0, -EAGAIN when empty, -EMSGSIZE (*len set, message left queued).
 * Messages of an older generation (before a link reset) are void: they
 * are dropped, counted, and their buffers released (the link knows they
 * are stale and does not give them to the peer twice).
 */
static int rl_queue_take(struct rpmsg_lite_queue *q, struct rl_queue_msg *msg,
			 u32 maxlen, u32 *len)
{
	u32 gen = rl_generation(q->rl);
	unsigned long flags;
	int ret = -EAGAIN;

	spin_lock_irqsave(&q->lock, flags);
	while (kfifo_peek(&q->fifo, msg)) {
		if (msg->gen != gen) {
			kfifo_skip(&q->fifo);
			q->dropped++;
			rpmsg_lite_release_rx_buffer(q->rl, msg->payload);
			continue;
		}
		if (msg->len > maxlen) {
			if (len)
				*len = msg->len;
			ret = -EMSGSIZE;
			break;
		}
		kfifo_skip(&q->fifo);
		ret = 0;
		break;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return ret;
}

/*
 * Nothing more will come for a receiver that started waiting under
 * generation @gen: -EPIPE (reset since, or resetting), -ENODEV (being
 * removed, or down), 0 (keep waiting).
 */
static int rl_queue_link_gone(struct rpmsg_lite_queue *q, u32 gen)
{
	int err = rl_link_errno(q->rl);

	if (err == -EPIPE || err == -ENODEV)
		return err;
	if (rl_generation(q->rl) != gen)
		return -EPIPE;
	return 0;
}

static int rl_queue_wait_take(struct rpmsg_lite_queue *q,
			      struct rl_queue_msg *msg, u32 maxlen, u32 *len,
			      unsigned long timeout_ms)
{
	u32 gen = rl_generation(q->rl);
	int ret, gone = 0;
	long wret;

	ret = rl_queue_take(q, msg, maxlen, len);
	if (ret != -EAGAIN)
		return ret;
	gone = rl_queue_link_gone(q, gen);
	if (gone)
		return gone;
	if (timeout_ms == RL_DONT_BLOCK)
		return ret;

	if (!rl_enter(q->rl))
		return -ENODEV;
#define rl_queue_ready() \
	((ret = rl_queue_take(q, msg, maxlen, len)) != -EAGAIN || \
	 (gone = rl_queue_link_gone(q, gen)))
	if (timeout_ms == RL_BLOCK)
		wret = wait_event_interruptible(q->wq, rl_queue_ready());
	else
		wret = wait_event_interruptible_timeout
			(q->wq, rl_queue_ready(), msecs_to_jiffies(timeout_ms));
#undef rl_queue_ready
	rl_leave(q->rl);
	if (ret != -EAGAIN)
		return ret;
	if (gone)
		return gone;
	return wret < 0 ? wret : -ETIMEDOUT;
}

/**
 * rpmsg_lite_queue_recv() - receive one message, copied
 * @rl: link of the queue
 * @q: queue
 * @src: set to the sender address (may be NULL)
 * @data: destination buffer
 * @maxlen: bytes available at @data
 * @len: set to the message length (may be NULL)
 * @timeout_ms: RL_DONT_BLOCK, milliseconds, or RL_BLOCK
 *
 * The receive buffer goes back to the peer once copied.  A message longer
 * than @maxlen is not truncated: -EMSGSIZE, *@len set to its length, and
 * the message stays first in the queue.
 *
 * Context: process context unless @timeout_ms is RL_DONT_BLOCK.
 * Return: 0; -EINVAL bad argument; -EAGAIN empty and RL_DONT_BLOCK;
 * -ETIMEDOUT nothing arrived in time; -ERESTARTSYS interrupted;
 * -EMSGSIZE @maxlen too small; -EPIPE the link was reset while waiting,
 * or is resetting and nothing is queued, or the rings were rebuilt while
 * the message was copied out of its buffer (the message is dropped and
 * counted: the peer may have written the buffer since); -ENODEV the link
 * is being removed.
 */
int rpmsg_lite_queue_recv(struct rpmsg_lite_instance *rl,
			  struct rpmsg_lite_queue *q, u32 *src, void *data,
			  u32 maxlen, u32 *len, unsigned long timeout_ms)
{
	struct rl_queue_msg msg;
	unsigned long flags;
	int ret;

	if (!rl || !q || q->rl != rl || (!data && maxlen))
		return -EINVAL;

	ret = rl_queue_wait_take(q, &msg, maxlen, len, timeout_ms);
	if (ret)
		return ret;

	if (msg.len)
		memcpy(data, msg.payload, msg.len);
	if (!rl_rx_copy_valid(rl, msg.gen)) {
		/* rebuilt under the copy: the bytes may be the peer's new ones */
		spin_lock_irqsave(&q->lock, flags);
		q->dropped++;
		spin_unlock_irqrestore(&q->lock, flags);
		rpmsg_lite_release_rx_buffer(rl, msg.payload);
		rl_dbg(rl, "receive queue: the rings were rebuilt while a message was copied: dropped\n");
		return -EPIPE;
	}
	if (src)
		*src = msg.src;
	if (len)
		*len = msg.len;
	rpmsg_lite_release_rx_buffer(rl, msg.payload);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_queue_recv, RPMSG_LITE);

/**
 * rpmsg_lite_queue_recv_nocopy() - receive one message, in place
 * @rl: link of the queue
 * @q: queue
 * @src: set to the sender address (may be NULL)
 * @data: set to the payload in shared memory
 * @len: set to the message length (may be NULL)
 * @timeout_ms: RL_DONT_BLOCK, milliseconds, or RL_BLOCK
 *
 * The buffer belongs to the caller until rpmsg_lite_queue_nocopy_free().
 * It stays in shared memory: once the link is reset (or, on a remote, the
 * master rebuilds the rings) the peer may write it again, so what the
 * caller reads after that is not the message (rpmsg-lite's zero-copy
 * receive has the same rule).  Copy it with rpmsg_lite_queue_recv() when
 * that matters.
 *
 * Context: process context unless @timeout_ms is RL_DONT_BLOCK.
 * Return: 0; -EINVAL bad argument; -EAGAIN empty and RL_DONT_BLOCK;
 * -ETIMEDOUT nothing arrived in time; -ERESTARTSYS interrupted; -EPIPE,
 * -ENODEV as rpmsg_lite_queue_recv().
 */
int rpmsg_lite_queue_recv_nocopy(struct rpmsg_lite_instance *rl,
				 struct rpmsg_lite_queue *q, u32 *src,
				 void **data, u32 *len,
				 unsigned long timeout_ms)
{
	struct rl_queue_msg msg;
	int ret;

	if (!rl || !q || q->rl != rl || !data)
		return -EINVAL;

	ret = rl_queue_wait_take(q, &msg, U32_MAX, NULL, timeout_ms);
	if (ret)
		return ret;

	*data = msg.payload;
	if (src)
		*src = msg.src;
	if (len)
		*len = msg.len;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_queue_recv_nocopy, RPMSG_LITE);

/**
 * rpmsg_lite_queue_nocopy_free() - give back a buffer from recv_nocopy
 * @rl: link
 * @data: pointer rpmsg_lite_queue_recv_nocopy() returned
 *
 * Context: any.
 * Return: as rpmsg_lite_release_rx_buffer(): 0, -EINVAL, -ENOBUFS,
 * -EALREADY.
 */
int rpmsg_lite_queue_nocopy_free(struct rpmsg_lite_instance *rl, void *data)
{
	return rpmsg_lite_release_rx_buffer(rl, data);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_queue_nocopy_free, RPMSG_LITE);

/**
 * rpmsg_lite_queue_get_current_size() - messages waiting in a queue
 * @q: queue
 *
 * Context: any.
 * Return: the number of queued messages (0 for NULL).
 */
u32 rpmsg_lite_queue_get_current_size(struct rpmsg_lite_queue *q)
{
	unsigned long flags;
	u32 n;

	if (!q)
		return 0;
	spin_lock_irqsave(&q->lock, flags);
	n = kfifo_len(&q->fifo);
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_queue_get_current_size, RPMSG_LITE);

/**
 * rpmsg_lite_queue_get_dropped() - messages dropped because it was full
 * @q: queue
 *
 * Context: any.
 * Return: the number of dropped messages since creation (0 for NULL).
 */
u32 rpmsg_lite_queue_get_dropped(struct rpmsg_lite_queue *q)
{
	return q ? READ_ONCE(q->dropped) : 0;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_queue_get_dropped, RPMSG_LITE);
