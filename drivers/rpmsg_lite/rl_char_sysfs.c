// SPDX-License-Identifier: GPL-2.0
/*
 * rl_char_sysfs.c - the sysfs attributes of the character devices
 * (Documentation/ABI/testing/sysfs-class-rpmsg_lite): those of a control
 * node /dev/rpmsg_lite_ctrlN (rl_ctrl_groups: the link's name, role,
 * state, numbers, announced services and queued bytes) and those of an
 * endpoint node /dev/rpmsg_eptN (rl_ept_groups: name, addresses, link,
 * receive counters).
 *
 * Owns nothing but the attribute groups, which the control node's
 * creation (rl_char.c) and the endpoint node's (rl_char_ept.c) hang on
 * their devices.  Reads a control node's link directly (its reference
 * keeps it), its services under rl_ctrldev.svc_lock, and an endpoint's
 * counters under rl_eptdev.queue_lock: nothing here waits for a lock
 * another user may hold for long.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>

#include "rl_char_internal.h"

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

static const struct attribute_group rl_ctrl_group = {
	.attrs = rl_ctrl_attrs,
};

const struct attribute_group *rl_ctrl_groups[] = {
	&rl_ctrl_group,
	NULL
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

static const struct attribute_group rl_ept_group = {
	.attrs = rl_ept_attrs,
};

const struct attribute_group *rl_ept_groups[] = {
	&rl_ept_group,
	NULL
};
