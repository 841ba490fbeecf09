// SPDX-License-Identifier: GPL-2.0
/*
 * rl_char_ctrl.c - the control node /dev/rpmsg_lite_ctrlN of a link: its
 * file operations and ioctls (CREATE_EPT, DESTROY_EPT, LINK_INFO,
 * LOOKUP_SERVICE and the upstream RPMSG_CREATE_EPT_IOCTL), and the
 * answer to a request a node does not serve (rl_bad_cmd(), for both node
 * kinds).
 *
 * Owns no state of its own: the control node (struct rl_ctrldev) is
 * created and removed by rl_char.c with its link, and its endpoint nodes
 * are created and destroyed by rl_char_ept.c; this file checks a request
 * and calls them.  LINK_INFO and LOOKUP_SERVICE are served on endpoint
 * nodes too (rl_char_ept.c calls rl_link_info() and
 * rl_lookup_service()).
 *
 * Locks: rl_ctrldev.lock to take an endpoint node off the list
 * (DESTROY_EPT), rl_ctrldev.svc_lock to read the announced services;
 * neither is held while waiting for the peer or touching user memory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "rl_char_internal.h"

/*
 * A request this node does not serve: -EINVAL when it is one it serves
 * under another size or direction (@known: bit per native request number,
 * @upstream: bit per 0xb5 request number), -ENOTTY otherwise.
 */
long rl_bad_cmd(struct device *dev, unsigned int cmd, unsigned long known,
		unsigned long upstream)
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

long rl_link_info(struct rl_ctrldev *ctrl, void __user *argp)
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

long rl_lookup_service(struct rl_ctrldev *ctrl, void __user *argp)
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

const struct file_operations rl_ctrl_fops = {
	.owner = THIS_MODULE,
	.open = rl_ctrl_open,
	.release = rl_ctrl_release,
	.unlocked_ioctl = rl_ctrl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

