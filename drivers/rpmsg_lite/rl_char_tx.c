// SPDX-License-Identifier: GPL-2.0
/*
 * rl_char_tx.c - sending one message of user memory from an endpoint
 * node.
 *
 * Owns the rules of a send (destination, size: rl_ept_check_send()), the
 * tx timeout as the core sees it (rl_ept_tx_timeout()), the copy of a
 * message from user space and the errnos user space sees for a send, and
 * the tx counters of struct rl_eptdev.  Called by write() and SENDTO
 * (rl_char_ept.c: rl_ept_send()) and by SEND_MSGS (rl_char_batch.c:
 * rl_ept_send_one() per message).
 *
 * Takes no lock of its own.  No lock or shared buffer is held while a
 * user page faults in: a large message is copied straight into a
 * transmit buffer with page faults disabled, and through a kernel buffer
 * when its page is not there; a small one always through the stack.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "rl_char_internal.h"

/* Bytes and addresses write() and SEND_MSGS accept, with a log line. */
int rl_ept_check_send(struct rl_eptdev *e, u32 dst, size_t len)
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

unsigned long rl_ept_tx_timeout(struct rl_eptdev *e, bool nonblock)
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
int rl_ept_send_one(struct rl_eptdev *e, u32 dst, const void __user *ubuf,
		    size_t len, unsigned long timeout, bool more, u8 *stack,
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

void rl_ept_count_tx(struct rl_eptdev *e, u32 msgs, u64 bytes)
{
	if (msgs) {
		atomic64_add(msgs, &e->tx_msgs);
		atomic64_add(bytes, &e->tx_bytes);
	}
}

/* One message from user space (write(), SENDTO). */
int rl_ept_send(struct rl_eptdev *e, bool nonblock, u32 dst,
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

