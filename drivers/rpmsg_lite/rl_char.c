// SPDX-License-Identifier: GPL-2.0
/*
 * rl_char.c - character-device front end of rpmsg-lite links: module-level
 * registration and the attachment to links.
 *
 * One control node /dev/rpmsg_lite_ctrlN per link (attached through the
 * class interface of link devices) whose ioctls create endpoints; one node
 * /dev/rpmsg_eptN per endpoint, read and written one message per call.
 * The ABI is described in include/uapi/linux/rpmsg_lite.h and
 * Documentation/rpmsg-lite/char.rst; the files of this front end and
 * what they share are listed in rl_char_internal.h.
 *
 * This file owns the class "rpmsg_lite", both ranges of device numbers,
 * the control nodes' minors (rl_ctrl_ida) and the life of struct
 * rl_ctrldev: rl_char_add_link() creates a control node when a link
 * device appears, rl_char_remove_link() destroys its endpoint nodes and
 * the node when the link goes.  The link's listener, also here, records
 * the peer's announcements (under rl_ctrldev.svc_lock) and wakes the
 * readers of every endpoint node (under rl_ctrldev.lock) when the link
 * goes down or comes up.  rl_main.c calls rl_char_init() and
 * rl_char_exit().
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
 *   buffer while a user page faults in (rl_char_tx.c, rl_char_rx.c).
 *   The control device's lock only guards its list of endpoints.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "rl_compat.h"
#include "rl_char_internal.h"

struct class *rl_char_class;
dev_t rl_ept_devt;
static dev_t rl_ctrl_devt;
static DEFINE_IDA(rl_ctrl_ida);

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
	ctrl->dev.class = rl_char_class;
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

	rl_char_class = rl_class_create("rpmsg_lite");
	if (IS_ERR(rl_char_class))
		return PTR_ERR(rl_char_class);

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
	class_destroy(rl_char_class);
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
	class_destroy(rl_char_class);
}
