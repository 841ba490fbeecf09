// SPDX-License-Identifier: GPL-2.0
/*
 * rl_char_ept.c - endpoint nodes /dev/rpmsg_eptN: their creation
 * (rl_eptdev_create(), called by the control node's CREATE requests in
 * rl_char_ctrl.c), destruction (rl_eptdev_destroy(), by DESTROY_EPT on
 * either node kind and by the link's removal in rl_char.c), release, and
 * their file operations: open, read, write, poll and the endpoint node's
 * ioctls.
 *
 * Owns struct rl_eptdev's life and its place on its control node's list
 * (rl_eptdev.node), its minor (rl_ept_ida) and its settings (@dst,
 * @tx_timeout_ms, @rx_queue_len).  The receive queue is rl_char_rx.c's,
 * the send path rl_char_tx.c's, the batch requests rl_char_batch.c's.
 *
 * An endpoint node is published only once it is complete (its
 * announcement sent) and destroyed by whoever takes it off its control
 * node's list first, under rl_ctrldev.lock; that lock is never held
 * while waiting for the peer.  Open files keep the structure (a
 * reference on its device); they see -EPIPE and EPOLLHUP once the
 * endpoint is gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "rl_char_internal.h"

static DEFINE_IDA(rl_ept_ida);

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
void rl_eptdev_destroy(struct rl_eptdev *e, bool announce)
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
 * A new endpoint node with its settings, a minor, a reference on its
 * control node's device and one on the creator's memory cgroup; not yet
 * backed by a core endpoint nor published.  From here on put_device()
 * undoes all of it (rl_eptdev_release()).
 */
static struct rl_eptdev *rl_eptdev_alloc(struct rl_ctrldev *ctrl,
					 const char *name, u32 dst, u32 flags)
{
	struct rl_eptdev *e;
	struct device *dev;
	int minor;

	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return ERR_PTR(-ENOMEM);

	minor = ida_alloc_max(&rl_ept_ida, RL_EPT_MAX - 1, GFP_KERNEL);
	if (minor < 0) {
		kfree(e);
		return ERR_PTR(minor);
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
	dev->class = rl_char_class;
	dev->parent = &ctrl->dev;
	dev->devt = MKDEV(MAJOR(rl_ept_devt), minor);
	dev->groups = rl_ept_groups;
	dev->release = rl_eptdev_release;
	dev_set_name(dev, "rpmsg_ept%d", minor);
	cdev_init(&e->cdev, &rl_ept_fops);
	e->cdev.owner = THIS_MODULE;
	return e;
}

/* Create the core endpoint behind @e at @src; @e keeps a reference. */
static int rl_eptdev_bind(struct rl_eptdev *e, u32 src)
{
	struct rpmsg_lite_endpoint *ept;
	int ret;

	ept = rpmsg_lite_create_ept(e->rl, src, rl_ept_rx_cb, e);
	if (IS_ERR(ept)) {
		ret = PTR_ERR(ept);
		rl_user_err(&e->ctrl->dev, "creating endpoint at %u failed: %d\n",
			    src, ret);
		return ret;
	}
	e->ept = rpmsg_lite_ept_get(ept);
	e->src = rpmsg_lite_ept_addr(ept);
	return 0;
}

/* Announce @e to the peer if it asked to be: before anyone can open it. */
static int rl_eptdev_announce(struct rl_eptdev *e)
{
	int ret;

	if (!(e->flags & RPMSG_LITE_EPT_F_ANNOUNCE))
		return 0;
	ret = rpmsg_lite_ns_announce_timeout(e->rl, e->ept, e->name,
					     RL_NS_CREATE,
					     RPMSG_LITE_DEFAULT_TX_TIMEOUT_MS);
	if (ret)
		rl_user_err(&e->ctrl->dev, "announcing %s failed: %d\n",
			    e->name, ret);
	return ret;
}

/*
 * Add a complete endpoint node to /dev and to its control node's list,
 * unless the link is being removed (-ENODEV).  Once on the list the node
 * is its list's: a DESTROY_EPT of another thread (the index is easy to
 * guess) may free it as soon as the lock is dropped, so after a success
 * the caller reads nothing of @e.
 */
static int rl_eptdev_publish(struct rl_eptdev *e)
{
	struct rl_ctrldev *ctrl = e->ctrl;
	int ret;

	mutex_lock(&ctrl->lock);
	ret = ctrl->removed ? -ENODEV : cdev_device_add(&e->cdev, &e->dev);
	if (!ret)
		list_add_tail(&e->node, &ctrl->epts);
	mutex_unlock(&ctrl->lock);
	return ret;
}

/*
 * CREATE_EPT and RPMSG_CREATE_EPT_IOCTL on a control node (rl_char_ctrl.c,
 * which checked the arguments): an endpoint node with its core endpoint,
 * announced when @flags asks for it, then published.  Return: the node's
 * index N, with the address used in *@src_out; a negative errno, and
 * nothing left behind.
 */
int rl_eptdev_create(struct rl_ctrldev *ctrl, const char *name, u32 src,
		     u32 dst, u32 flags, u32 *src_out)
{
	struct rl_eptdev *e;
	int minor, ret;

	e = rl_eptdev_alloc(ctrl, name, dst, flags);
	if (IS_ERR(e))
		return PTR_ERR(e);
	minor = MINOR(e->dev.devt);

	ret = rl_eptdev_bind(e, src);
	if (ret)
		goto put;
	ret = rl_eptdev_announce(e);
	if (ret)
		goto destroy;

	*src_out = e->src;
	ret = rl_eptdev_publish(e);
	if (ret)
		goto destroy;
	/* published: @e may be gone already */
	return minor;

destroy:
	rpmsg_lite_destroy_ept(e->rl, e->ept);
put:
	put_device(&e->dev);
	return ret;
}
