// SPDX-License-Identifier: GPL-2.0
/*
 * rl_char_batch.c - the batch ioctls of an endpoint node:
 * RPMSG_LITE_IOC_SEND_MSGS and RPMSG_LITE_IOC_RECV_MSGS
 * (struct rpmsg_lite_msgs, Documentation/rpmsg-lite/char.rst).
 *
 * Owns only the walk over a batch's entries: each message goes through
 * the send path of rl_char_tx.c or the receive queue of rl_char_rx.c,
 * with their locks and rules; a batch of sends notifies the peer once.
 * Called by the endpoint node's ioctl (rl_char_ept.c).  Takes no lock of
 * its own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "rl_char_internal.h"

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

long rl_ept_recv_msgs(struct rl_eptdev *e, bool nonblock, void __user *argp)
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

long rl_ept_send_msgs(struct rl_eptdev *e, bool nonblock, void __user *argp)
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

