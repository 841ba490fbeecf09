// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite links: set-up and the link device.  The rules of a link's
 * numbers (rpmsg_lite_config_check(), which every front end calls),
 * checking a link's description, building the instance (buffer states,
 * vrings, workqueues, name service), the device rpmsg_lite_linkN with its
 * class, sysfs attributes and class interfaces, the references to it, and
 * the teardown.
 *
 * Owns: dev, parent, index, name, role, cfg, shm, shm_size, buf_size,
 * ops, ops_priv, vq, wq, rx.vq, tx.vq, rx.vq_id, tx.vq_id, rx.bufs,
 * tx.bufs, rx.wq, life.removing, life.active and life.drained of struct
 * rpmsg_lite_instance, and initialises every other field.  Takes life.lock in
 * rpmsg_lite_deinit() to stop the transport and the works.
 *
 * Called by the code that creates links (rl_platform.c, rl_rproc.c, the
 * loopback and ivshmem modules), holders of a reference
 * (rpmsg_lite_get()/rpmsg_lite_put()), the front ends (rl_link_of(),
 * class interfaces) and rl_main.c (the class).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "rl_compat.h"
#include "rl_core.h"
#include "rl_core_internal.h"
#include "rl_internal.h"

/* Zero numbers of a configuration take the rpmsg-lite defaults. */
static void rl_config_defaults(struct rpmsg_lite_config *cfg)
{
	if (!cfg->payload_size)
		cfg->payload_size = RL_DEFAULT_PAYLOAD_SIZE;
	if (!cfg->buffer_count)
		cfg->buffer_count = RL_DEFAULT_BUFFER_COUNT;
	if (!cfg->vring_align)
		cfg->vring_align = RL_DEFAULT_VRING_ALIGN;
	if (!cfg->vring_size)
		cfg->vring_size = RL_DEFAULT_VRING_SIZE;
	if (!cfg->link_up_kick_ms)
		cfg->link_up_kick_ms = 100;
}

/* How messages name the fields when the caller gives no names. */
static const char *const rl_config_names[RPMSG_LITE_CFG_FIELDS] = {
	[RPMSG_LITE_CFG_LINK_ID] = "link_id",
	[RPMSG_LITE_CFG_PAYLOAD_SIZE] = "payload_size",
	[RPMSG_LITE_CFG_BUFFER_COUNT] = "buffer_count",
	[RPMSG_LITE_CFG_VRING_ALIGN] = "vring_align",
	[RPMSG_LITE_CFG_VRING_SIZE] = "vring_size",
	[RPMSG_LITE_CFG_SHM_DA] = "shm_da",
	[RPMSG_LITE_CFG_SHM_SIZE] = "shm_size",
};

/* Record in @err that @field breaks a rule; always -EINVAL. */
static __printf(4, 5) int
rl_config_refuse(struct rpmsg_lite_config_error *err, const char *const *n,
		 enum rpmsg_lite_config_field field, const char *fmt, ...)
{
	va_list args;

	err->field = field;
	err->name = n[field];
	va_start(args, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, args);
	va_end(args);
	return -EINVAL;
}

/* The numbers that stand alone: link id, payload, count, alignment. */
static int rl_config_check_numbers(const struct rpmsg_lite_config *cfg,
				   const char *const *n,
				   struct rpmsg_lite_config_error *err)
{
	if (cfg->link_id > (U32_MAX >> 1))
		return rl_config_refuse(err, n, RPMSG_LITE_CFG_LINK_ID,
					"%s %u is too large: the vq id (%s << 1) | 1 must fit in 32 bits",
					n[RPMSG_LITE_CFG_LINK_ID], cfg->link_id,
					n[RPMSG_LITE_CFG_LINK_ID]);
	if (cfg->payload_size < 16 || cfg->payload_size > RL_MAX_PAYLOAD_SIZE)
		return rl_config_refuse(err, n, RPMSG_LITE_CFG_PAYLOAD_SIZE,
					"%s %u is out of range (16..%u; rpmsg-lite's default is %u)",
					n[RPMSG_LITE_CFG_PAYLOAD_SIZE],
					cfg->payload_size, RL_MAX_PAYLOAD_SIZE,
					RL_DEFAULT_PAYLOAD_SIZE);
	if (cfg->buffer_count < RL_MIN_BUFFER_COUNT ||
	    cfg->buffer_count > RL_MAX_BUFFER_COUNT ||
	    !is_power_of_2(cfg->buffer_count))
		return rl_config_refuse(err, n, RPMSG_LITE_CFG_BUFFER_COUNT,
					"%s %u is not a power of two (%u..%u)",
					n[RPMSG_LITE_CFG_BUFFER_COUNT],
					cfg->buffer_count, RL_MIN_BUFFER_COUNT,
					RL_MAX_BUFFER_COUNT);
	if (cfg->vring_align < 4 || cfg->vring_align > RL_VRING_MAX_ALIGN ||
	    !is_power_of_2(cfg->vring_align))
		return rl_config_refuse(err, n, RPMSG_LITE_CFG_VRING_ALIGN,
					"%s 0x%x is not a power of two (4..0x%x)",
					n[RPMSG_LITE_CFG_VRING_ALIGN],
					cfg->vring_align, RL_VRING_MAX_ALIGN);
	return 0;
}

/*
 * Where the vrings are: each holds the rings of buffer_count entries,
 * vring 1 starts at a multiple of the alignment (and of 8, for its
 * descriptors), and so does the region in the peer's address space: the
 * peer aligns the used rings by their address there.
 */
static int rl_config_check_vrings(const struct rpmsg_lite_config *cfg,
				  const char *const *n,
				  struct rpmsg_lite_config_error *err)
{
	const char *size = n[RPMSG_LITE_CFG_VRING_SIZE];
	const char *align = n[RPMSG_LITE_CFG_VRING_ALIGN];
	struct rl_vring_layout layout;

	if (rl_vring_layout(cfg->buffer_count, cfg->vring_align, &layout))
		return rl_config_refuse(err, n, RPMSG_LITE_CFG_VRING_ALIGN,
					"%s 0x%x gives no vring layout for %u descriptors",
					align, cfg->vring_align,
					cfg->buffer_count);
	if (layout.size > cfg->vring_size)
		return rl_config_refuse(err, n, RPMSG_LITE_CFG_VRING_SIZE,
					"%s 0x%x is too small: %u descriptors with %s 0x%x need 0x%zx bytes per vring",
					size, cfg->vring_size,
					cfg->buffer_count, align,
					cfg->vring_align, layout.size);
	if (cfg->vring_size % cfg->vring_align)
		return rl_config_refuse(err, n, RPMSG_LITE_CFG_VRING_SIZE,
					"%s 0x%x must be a multiple of %s 0x%x (vring 1 starts that far into the region)",
					size, cfg->vring_size, align,
					cfg->vring_align);
	if (cfg->vring_size % 8)
		return rl_config_refuse(err, n, RPMSG_LITE_CFG_VRING_SIZE,
					"%s 0x%x must be a multiple of 8 (vring 1's descriptors start that far into the region)",
					size, cfg->vring_size);
	if (cfg->shm_da % cfg->vring_align)
		return rl_config_refuse(err, n, RPMSG_LITE_CFG_SHM_DA,
					"%s 0x%llx is not aligned to %s 0x%x (the peer aligns the used rings in its own address space)",
					n[RPMSG_LITE_CFG_SHM_DA], cfg->shm_da,
					align, cfg->vring_align);
	return 0;
}

/**
 * rpmsg_lite_config_check() - fill in a link configuration's defaults
 *			       and check it
 * @cfg: the configuration; zero numbers take rpmsg-lite's defaults (payload
 *	 496, 2 buffers, alignment 0x1000, vring size 0x8000, re-kick every
 *	 100 ms), written back into @cfg
 * @shm_size: bytes of the shared region that holds both vrings and the
 *	      buffers; 0 when the caller has none yet and sizes it with
 *	      rpmsg_lite_shm_size() after this check
 * @names: how the caller's users know each field (a table indexed by enum
 *	   rpmsg_lite_config_field: device-tree properties, module
 *	   parameters...), used in @err; NULL for the field names of struct
 *	   rpmsg_lite_config and "shm_size"
 * @err: filled in when the configuration is refused: the field to fix and
 *	 one line saying why
 *
 * The one statement of the rules of a link's numbers
 * (Documentation/rpmsg-lite/core.rst, "Link configuration"), checked in
 * this order: link_id, payload_size, buffer_count, vring_align, vring_size
 * (room for the rings, a multiple of vring_align and of 8), shm_da (a
 * multiple of vring_align), then the region's size.
 * rpmsg_lite_master_init() and rpmsg_lite_remote_init() call it on their
 * description; front ends call it first to report a refusal in their own
 * words, or to size the region they allocate.
 *
 * Context: any.
 * Return: 0, or -EINVAL with @err filled in.
 */
int rpmsg_lite_config_check(struct rpmsg_lite_config *cfg, size_t shm_size,
			    const char *const *names,
			    struct rpmsg_lite_config_error *err)
{
	const char *const *n = names ?: rl_config_names;
	u64 need;
	int ret;

	rl_config_defaults(cfg);
	ret = rl_config_check_numbers(cfg, n, err);
	if (ret)
		return ret;
	ret = rl_config_check_vrings(cfg, n, err);
	if (ret)
		return ret;

	need = rpmsg_lite_shm_size(cfg);
	if (shm_size && shm_size < need)
		return rl_config_refuse(err, n, RPMSG_LITE_CFG_SHM_SIZE,
					"%s of 0x%zx bytes is too small: needs 0x%llx = 2 x %s 0x%x + 2 x %s %u x (%s %u + %u); enlarge the region or lower the numbers",
					n[RPMSG_LITE_CFG_SHM_SIZE], shm_size,
					need, n[RPMSG_LITE_CFG_VRING_SIZE],
					cfg->vring_size,
					n[RPMSG_LITE_CFG_BUFFER_COUNT],
					cfg->buffer_count,
					n[RPMSG_LITE_CFG_PAYLOAD_SIZE],
					cfg->payload_size, RL_MSG_HDR_SIZE);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_config_check, RPMSG_LITE);

/**
 * rpmsg_lite_shm_size() - bytes of shared memory a link's layout needs
 * @cfg: the configuration (zero numbers count as their defaults)
 *
 * rpmsg-lite's layout: two vrings of vring_size bytes, then 2 *
 * buffer_count buffers of payload_size + 16 bytes.
 *
 * Context: any.
 * Return: the size in bytes; for a configuration rpmsg_lite_config_check()
 * accepted it is below 4 GiB.
 */
u64 rpmsg_lite_shm_size(const struct rpmsg_lite_config *cfg)
{
	struct rpmsg_lite_config c = *cfg;

	rl_config_defaults(&c);
	return 2ULL * c.vring_size + 2ULL * c.buffer_count *
	       ((u64)c.payload_size + RL_MSG_HDR_SIZE);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_shm_size, RPMSG_LITE);

/*
 * What the configuration alone does not say: the mapping is aligned for
 * the descriptors, and with the buffers apart (remote of a virtio master)
 * the region holds the two vrings and the buffer region the buffers.
 */
static int rl_check_region(const struct rpmsg_lite_link_desc *desc,
			   const char *name,
			   const struct rpmsg_lite_config *cfg)
{
	struct device *dev = desc->dev;
	u64 vrings = 2ULL * cfg->vring_size;
	u64 need = rpmsg_lite_shm_size(cfg);
	u64 bufs = need - vrings;

	if (!IS_ALIGNED((unsigned long)desc->shm, 8)) {
		dev_err(dev, "%s: shared memory mapping %p must be 8-byte aligned\n",
			name, desc->shm);
		return -EINVAL;
	}
	if (desc->bufs) {
		need = vrings;
		if (desc->bufs_size < bufs ||
		    desc->bufs_da + desc->bufs_size < desc->bufs_da) {
			dev_err(dev, "%s: buffer region of 0x%zx bytes at device address 0x%llx cannot hold 0x%llx bytes of buffers (2 x buffer_count %u x (payload_size %u + %u))\n",
				name, desc->bufs_size, desc->bufs_da, bufs,
				cfg->buffer_count, cfg->payload_size,
				RL_MSG_HDR_SIZE);
			return -EINVAL;
		}
		if (desc->shm_size < need) {
			dev_err(dev, "%s: shm_size of 0x%zx bytes is too small: needs 0x%llx = 2 x vring_size 0x%x (the buffers are apart)\n",
				name, desc->shm_size, need, cfg->vring_size);
			return -EINVAL;
		}
	}
	if (cfg->shm_da + need - 1 > U32_MAX || cfg->shm_da + need < need)
		dev_warn(dev, "%s: shared memory at device address 0x%llx reaches past 4 GiB: rpmsg-lite peers use only the low 32 bits of descriptor addresses\n",
			 name, cfg->shm_da);
	return 0;
}

/* Fill in defaults and check every number; log exactly what is wrong. */
static int rl_check_config(const struct rpmsg_lite_link_desc *desc,
			   struct rpmsg_lite_config *cfg)
{
	const char *name = desc->name ?: dev_name(desc->dev);
	struct rpmsg_lite_config_error err;
	int ret;

	*cfg = desc->cfg;
	/* with the buffers apart the region is checked below */
	ret = rpmsg_lite_config_check(cfg, desc->bufs ? 0 : desc->shm_size,
				      NULL, &err);
	if (ret) {
		dev_err(desc->dev, "%s: %s\n", name, err.msg);
		return ret;
	}
	return rl_check_region(desc, name, cfg);
}

static struct class *rl_link_class;
static DEFINE_IDA(rl_link_ida);

/* The last reference is gone: free the memory (any context). */
static void rl_link_release(struct device *dev)
{
	struct rpmsg_lite_instance *rl =
		container_of(dev, struct rpmsg_lite_instance, dev);

	percpu_ref_exit(&rl->life.active);
	rl_vq_cleanup(&rl->vq[0]);
	rl_vq_cleanup(&rl->vq[1]);
	kfree(rl->rx.bufs_state);
	kfree(rl->tx.bufs_state);
	kfree(rl->rx.slots);
	kfree(rl->tx.slots);
	xa_destroy(&rl->epts);
	kfree_const(rl->name);
	if (rl->index >= 0)
		ida_free(&rl_link_ida, rl->index);
	kfree(rl);
}

/* The last rl_enter() holder left after deinit killed @active. */
static void rl_active_drained(struct percpu_ref *ref)
{
	struct rpmsg_lite_instance *rl =
		container_of(ref, struct rpmsg_lite_instance, life.active);

	complete(&rl->life.drained);
}

static void rl_destroy_workqueues(struct rpmsg_lite_instance *rl)
{
	if (rl->wq)
		destroy_workqueue(rl->wq);
	if (rl->rx.wq)
		destroy_workqueue(rl->rx.wq);
	rl->wq = NULL;
	rl->rx.wq = NULL;
}

static ssize_t link_name_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", rl_link_of(dev)->name);
}
static DEVICE_ATTR_RO(link_name);

static ssize_t role_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  rl_link_of(dev)->role == RPMSG_LITE_MASTER ?
			  "master" : "remote");
}
static DEVICE_ATTR_RO(role);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", rpmsg_lite_link_state_name
			  (rpmsg_lite_get_link_state(rl_link_of(dev))));
}
static DEVICE_ATTR_RO(state);

static struct attribute *rl_link_attrs[] = {
	&dev_attr_link_name.attr,
	&dev_attr_role.attr,
	&dev_attr_state.attr,
	NULL
};
ATTRIBUTE_GROUPS(rl_link);

/**
 * rl_link_of() - the link of a link device
 * @dev: a device of class rpmsg_lite_link (as a class interface gets it)
 *
 * Return: the link.
 */
struct rpmsg_lite_instance *rl_link_of(struct device *dev)
{
	return container_of(dev, struct rpmsg_lite_instance, dev);
}

/**
 * rl_link_device() - the device of a link (rpmsg_lite_linkN)
 * @rl: link
 *
 * Return: the device, the parent of the link's front-end devices.
 */
struct device *rl_link_device(struct rpmsg_lite_instance *rl)
{
	return &rl->dev;
}

/**
 * rl_link_interface_register() - attach a front end to every link
 * @intf: class interface; its add_dev is called for every link that
 *	  exists and every link added later (from rpmsg_lite_*_init(),
 *	  before the transport starts), its remove_dev when a link goes
 *	  (from rpmsg_lite_deinit(), once nothing runs on the link any more)
 *
 * Return: 0 or a negative errno.
 */
int rl_link_interface_register(struct class_interface *intf)
{
	intf->class = rl_link_class;
	return class_interface_register(intf);
}

/**
 * rl_link_interface_unregister() - detach a front end from every link
 * @intf: class interface of rl_link_interface_register(); its remove_dev
 *	  is called for every link that exists
 */
void rl_link_interface_unregister(struct class_interface *intf)
{
	class_interface_unregister(intf);
}

/**
 * rl_link_class_init() - register the class of link devices
 *
 * Return: 0 or a negative errno.
 */
int rl_link_class_init(void)
{
	rl_link_class = rl_class_create("rpmsg_lite_link");
	return PTR_ERR_OR_ZERO(rl_link_class);
}

/**
 * rl_link_class_exit() - unregister it; every link is gone by then (the
 * modules that create links depend on this one)
 */
void rl_link_class_exit(void)
{
	class_destroy(rl_link_class);
}

/**
 * rpmsg_lite_get() - keep a link's memory
 * @rl: link
 *
 * A reference keeps the structure valid after rpmsg_lite_deinit(): every
 * call on it then fails cleanly (-ENODEV) instead of touching freed
 * memory.  It does not keep the link running.  The front ends of this
 * module hold one for each of their nodes.
 *
 * Context: any.
 * Return: @rl.
 */
struct rpmsg_lite_instance *rpmsg_lite_get(struct rpmsg_lite_instance *rl)
{
	get_device(&rl->dev);
	return rl;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get, RPMSG_LITE);

/**
 * rpmsg_lite_put() - drop a reference of rpmsg_lite_get()
 * @rl: link (NULL is ignored)
 *
 * Context: process context.
 */
void rpmsg_lite_put(struct rpmsg_lite_instance *rl)
{
	if (rl)
		put_device(&rl->dev);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_put, RPMSG_LITE);

/*
 * First step of a teardown: no API call enters any more (they fail with
 * -ENODEV), every sleeper wakes up and sees it, and the calls in flight
 * have left when this returns.  Process context.
 */
static void rl_stop_calls(struct rpmsg_lite_instance *rl)
{
	WRITE_ONCE(rl->life.removing, true);
	/* pairs with rl_link_errno() */
	smp_mb();
	percpu_ref_kill(&rl->life.active);
	rl_wake_all(rl);
	wait_for_completion(&rl->life.drained);
}

/*
 * Last step, once the transport and the works have stopped: nothing runs
 * on the link any more.  The notifier chain hears LINK_REMOVED, the front
 * ends detach (device_del() calls their class interfaces), endpoints
 * users left behind are destroyed, and the reference of init is dropped;
 * the memory goes with the last reference.
 */
static void rl_detach(struct rpmsg_lite_instance *rl)
{
	struct rpmsg_lite_endpoint *ept;
	unsigned long addr;

	rl_notify_event(rl, RPMSG_LITE_EVENT_LINK_REMOVED);
	device_del(&rl->dev);
	if (!list_empty(&rl->queues))
		rl_warn(rl, "receive queues still exist at deinit: destroy them first\n");
	rl_ns_exit(rl);
	xa_for_each(&rl->epts, addr, ept) {
		/* a front end may be destroying it right now: one of us does */
		if (xa_cmpxchg(&rl->epts, addr, ept, NULL, GFP_KERNEL) != ept)
			continue;
		rl_warn(rl, "endpoint %lu still exists at deinit: destroying it\n",
			addr);
		rl_ept_unused(ept);
	}
	rl_destroy_workqueues(rl);
	put_device(&rl->dev);
}

/* Check a link's description for @role and fill in its configuration. */
static int rl_init_check(const struct rpmsg_lite_link_desc *desc,
			 enum rpmsg_lite_role role,
			 struct rpmsg_lite_config *cfg)
{
	if (!desc || !desc->dev)
		return -EINVAL;
	if (!desc->shm || !desc->shm_size || !desc->ops || !desc->ops->notify) {
		dev_err(desc->dev, "%s: link needs a shared memory mapping and a transport with notify\n",
			desc->name ?: dev_name(desc->dev));
		return -EINVAL;
	}
	if (role == RPMSG_LITE_MASTER &&
	    (desc->bufs || desc->cfg.short_descs)) {
		dev_err(desc->dev, "%s: a separate buffer region and short descriptors are for a remote only\n",
			desc->name ?: dev_name(desc->dev));
		return -EINVAL;
	}
	return rl_check_config(desc, cfg);
}

/*
 * A new link with every field initialised, DOWN, nothing allocated but
 * itself.  From here on the device's release frees it: put_device().
 */
static struct rpmsg_lite_instance *
rl_alloc(const struct rpmsg_lite_link_desc *desc, enum rpmsg_lite_role role,
	 const struct rpmsg_lite_config *cfg)
{
	struct rpmsg_lite_instance *rl;

	rl = kzalloc(sizeof(*rl), GFP_KERNEL);
	if (!rl)
		return NULL;
	rl->index = -1;
	xa_init_flags(&rl->epts, XA_FLAGS_ALLOC);
	device_initialize(&rl->dev);
	rl->dev.class = rl_link_class;
	rl->dev.parent = desc->dev;
	rl->dev.groups = rl_link_groups;
	rl->dev.release = rl_link_release;
	rl->parent = desc->dev;
	rl->role = role;
	rl->cfg = *cfg;
	rl->shm = desc->shm;
	rl->shm_size = desc->shm_size;
	rl->buf_size = cfg->payload_size + RL_MSG_HDR_SIZE;
	rl->ops = desc->ops;
	rl->ops_priv = desc->ops_priv;
	spin_lock_init(&rl->rx.lock);
	spin_lock_init(&rl->tx.lock);
	mutex_init(&rl->life.lock);
	mutex_init(&rl->ns_lock);
	spin_lock_init(&rl->queues_lock);
	INIT_LIST_HEAD(&rl->queues);
	mutex_init(&rl->listeners_lock);
	INIT_LIST_HEAD(&rl->listeners);
	init_completion(&rl->life.drained);
	init_waitqueue_head(&rl->tx.wait);
	INIT_LIST_HEAD(&rl->sched.waiters);
	init_waitqueue_head(&rl->life.wait);
	INIT_WORK(&rl->rx.work, rl_rx_work);
	INIT_DELAYED_WORK(&rl->life.kick_work, rl_kick_work);
	INIT_DELAYED_WORK(&rl->tx.watch_work, rl_watch_work);
	INIT_DELAYED_WORK(&rl->tx.poll_work, rl_tx_poll_work);
	atomic_set(&rl->life.state, RPMSG_LITE_LINK_DOWN);
	return rl;
}

/*
 * The link's name, buffer states, active reference and device name.
 * On error the device's release frees what was allocated.
 */
static int rl_alloc_state(struct rpmsg_lite_instance *rl,
			  const struct rpmsg_lite_link_desc *desc)
{
	u32 count = rl->cfg.buffer_count;
	int ret;

	rl->name = kstrdup_const(desc->name ?: dev_name(desc->dev),
				 GFP_KERNEL);
	/* every buffer starts in its ring (RL_BUF_RING is 0) */
	rl->rx.bufs_state = kcalloc(count, sizeof(*rl->rx.bufs_state),
				    GFP_KERNEL);
	rl->tx.bufs_state = kcalloc(count, sizeof(*rl->tx.bufs_state),
				    GFP_KERNEL);
	if (!rl->name || !rl->rx.bufs_state || !rl->tx.bufs_state)
		return -ENOMEM;
	ret = percpu_ref_init(&rl->life.active, rl_active_drained, 0, GFP_KERNEL);
	if (ret)
		return ret;
	ret = ida_alloc(&rl_link_ida, GFP_KERNEL);
	if (ret < 0)
		return ret;
	rl->index = ret;
	return dev_set_name(&rl->dev, "rpmsg_lite_link%d", rl->index);
}

/*
 * Hand vring @q of the link to the vring engine.  Remote: @area is the
 * buffer area the master's descriptors may name (@area_da as the remote
 * sees it), both directions' halves of @half bytes each; master: NULL.
 */
static int rl_init_vq(struct rpmsg_lite_instance *rl,
		      const struct rpmsg_lite_link_desc *desc, u32 q,
		      void *area, u64 area_da, size_t half)
{
	const struct rpmsg_lite_config *cfg = &rl->cfg;
	u32 count = cfg->buffer_count;
	size_t bufs_off = 2 * (size_t)cfg->vring_size +
			  (size_t)q * count * rl->buf_size;
	struct rl_vq_config vcfg = {
		.ring = rl->shm + (size_t)q * cfg->vring_size,
		.num = count,
		.align = cfg->vring_align,
		.master = rl->role == RPMSG_LITE_MASTER,
		.event_idx = cfg->event_idx,
		.bufs = rl->shm + bufs_off,
		.bufs_da = cfg->shm_da + bufs_off,
		.buf_size = rl->buf_size,
		/* the remote's receive ring is vring 1 */
		.short_descs = cfg->short_descs && q == RL_VQ_MASTER_TX,
		.shm = desc->bufs ?: rl->shm,
		.shm_da = desc->bufs ? desc->bufs_da : cfg->shm_da,
		.shm_size = desc->bufs ? desc->bufs_size : rl->shm_size,
		/* remote: vring q's buffers are half q of the area */
		.area = area + q * half,
		.area_da = area_da + q * half,
		.area_size = half,
		.id = rl_vq_id(cfg->link_id, q),
	};
	int ret;

	ret = rl_vq_init(&rl->vq[q], &vcfg);
	if (ret)
		rl_err(rl, "vring %u rejected by the vring engine: %d\n",
		       q, ret);
	return ret;
}

/*
 * Which vq we receive and send on, their ids, and their buffers: the wire
 * protocol's roles (rl_wire.h: vring 0 carries remote -> master; the
 * master's buffers are its own arrays, a remote's the halves of the area
 * the master's descriptors may name).
 */
static void rl_pick_queues(struct rpmsg_lite_instance *rl)
{
	if (rl->role == RPMSG_LITE_MASTER) {
		rl->rx.vq = &rl->vq[RL_VQ_MASTER_RX];
		rl->tx.vq = &rl->vq[RL_VQ_MASTER_TX];
		rl->rx.bufs = rl->rx.vq->cfg.bufs;
		rl->tx.bufs = rl->tx.vq->cfg.bufs;
	} else {
		rl->rx.vq = &rl->vq[RL_VQ_MASTER_TX];
		rl->tx.vq = &rl->vq[RL_VQ_MASTER_RX];
		rl->rx.bufs = rl->rx.vq->cfg.area;
		rl->tx.bufs = rl->tx.vq->cfg.area;
	}
	rl->rx.vq_id = rl->rx.vq->cfg.id;
	rl->tx.vq_id = rl->tx.vq->cfg.id;
}

/* Both vrings of the link, and a remote's record of held buffers. */
static int rl_init_vqs(struct rpmsg_lite_instance *rl,
		       const struct rpmsg_lite_link_desc *desc)
{
	const struct rpmsg_lite_config *cfg = &rl->cfg;
	u32 count = cfg->buffer_count, q;
	size_t half;
	u64 area_da;
	void *area;
	int ret;

	/*
	 * Remote: the buffers the master's descriptors may name, both
	 * directions' halves (rpmsg-lite's layout: after the two vrings; a
	 * virtio master's: the separate buffer region), and which head holds
	 * each one.
	 */
	half = (size_t)count * rl->buf_size;
	area = desc->bufs ?: rl->shm + 2 * (size_t)cfg->vring_size;
	area_da = desc->bufs ? desc->bufs_da : cfg->shm_da + 2ULL * cfg->vring_size;
	if (rl->role == RPMSG_LITE_REMOTE) {
		rl->rx.slots = kcalloc(count, sizeof(*rl->rx.slots), GFP_KERNEL);
		rl->tx.slots = kcalloc(count, sizeof(*rl->tx.slots), GFP_KERNEL);
		if (!rl->rx.slots || !rl->tx.slots)
			return -ENOMEM;
	} else {
		area = NULL;
	}

	for (q = 0; q < 2; q++) {
		ret = rl_init_vq(rl, desc, q, area, area_da, half);
		if (ret)
			return ret;
	}
	rl_pick_queues(rl);
	return 0;
}

static int rl_alloc_workqueues(struct rpmsg_lite_instance *rl)
{
	rl->wq = alloc_ordered_workqueue("rpmsg_lite/%s",
					 WQ_HIGHPRI | WQ_MEM_RECLAIM, rl->name);
	/*
	 * Receive on the CPU that took the kick, as network drivers do: the
	 * message is processed and its reader woken there, without another
	 * CPU's wake-up on the way (an item is never run twice at once).
	 */
	rl->rx.wq = alloc_workqueue("rpmsg_lite_rx/%s",
				    WQ_HIGHPRI | WQ_MEM_RECLAIM, 1, rl->name);
	if (!rl->wq || !rl->rx.wq)
		return -ENOMEM;
	return 0;
}

/*
 * Start the transport, after the front ends attached.  When it fails the
 * link is torn down as deinit does (the caller only returns the error).
 */
static int rl_start_transport(struct rpmsg_lite_instance *rl)
{
	int ret;

	if (!rl->ops->start)
		return 0;
	ret = rl->ops->start(rl->ops_priv, rl);
	if (ret) {
		rl_err(rl, "transport failed to start: %d\n", ret);
		rl_stop_calls(rl);
		atomic_set(&rl->life.state, RPMSG_LITE_LINK_DOWN);
		rl_detach(rl);
	}
	return ret;
}

static struct rpmsg_lite_instance *
rl_init(const struct rpmsg_lite_link_desc *desc, enum rpmsg_lite_role role)
{
	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_config cfg;
	int ret;

	ret = rl_init_check(desc, role, &cfg);
	if (ret)
		return ERR_PTR(ret);

	rl = rl_alloc(desc, role, &cfg);
	if (!rl)
		return ERR_PTR(-ENOMEM);
	ret = rl_alloc_state(rl, desc);
	if (ret)
		goto err;
	ret = rl_init_vqs(rl, desc);
	if (ret)
		goto err;
	ret = rl_alloc_workqueues(rl);
	if (ret)
		goto err;

	ret = rl_ns_init(rl);
	if (ret)
		goto err;

	if (role == RPMSG_LITE_MASTER) {
		rl_master_build_rings(rl);
		atomic_set(&rl->life.state, RPMSG_LITE_LINK_UP);
	} else {
		/* a remote writes nothing until the master has kicked */
		atomic_set(&rl->life.state, RPMSG_LITE_LINK_WAITING);
	}

	/*
	 * The front ends attach (class interfaces) and LINK_ADDED goes out
	 * before the transport starts: once kicks can arrive, a remote may
	 * come up at any moment, and LINK_UP must not overtake them.
	 */
	ret = device_add(&rl->dev);
	if (ret) {
		rl_err(rl, "cannot add the link device: %d\n", ret);
		goto err_ns;
	}
	rl_notify_event(rl, RPMSG_LITE_EVENT_LINK_ADDED);
	ret = rl_start_transport(rl);
	if (ret)
		return ERR_PTR(ret);
	if (role == RPMSG_LITE_MASTER)
		rl_master_announce(rl);

	rl_dbg(rl, "%s link %u: %u x %u-byte buffers per direction, vring 0x%x aligned 0x%x\n",
	       role == RPMSG_LITE_MASTER ? "master" : "remote",
	       cfg.link_id, cfg.buffer_count, rl->buf_size, cfg.vring_size,
	       cfg.vring_align);
	if (role == RPMSG_LITE_MASTER)
		rl_tell_up(rl);
	return rl;

err_ns:
	rl_ns_exit(rl);
err:
	rl_destroy_workqueues(rl);
	put_device(&rl->dev);
	return ERR_PTR(ret);
}

/**
 * rpmsg_lite_master_init() - create the master end of a link
 * @desc: region, numbers and transport; zero numbers take the rpmsg-lite
 *        defaults (payload 496, 2 buffers, align 0x1000, vring 0x8000)
 *
 * Checks the numbers (a region too small for them is refused with a
 * message naming what it needs), writes both vrings exactly as rpmsg-lite
 * does (vring 0 at +0, vring 1 at +vring_size, buffers from +2*vring_size),
 * creates the name-service endpoint, starts the transport and kicks vq
 * (link_id << 1) | 0.  The link is up at once (rpmsg-lite semantics); the
 * kick is repeated every link_up_kick_ms until the remote shows activity.
 * Notifier: LINK_ADDED, then LINK_UP.
 *
 * Context: process context, may sleep.
 * Return: the link, or ERR_PTR(-EINVAL) for a bad description or
 * configuration, -ENOMEM, or the transport's start error.
 */
struct rpmsg_lite_instance *
rpmsg_lite_master_init(const struct rpmsg_lite_link_desc *desc)
{
	return rl_init(desc, RPMSG_LITE_MASTER);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_master_init, RPMSG_LITE);

/**
 * rpmsg_lite_remote_init() - create the remote end of a link
 * @desc: region, numbers and transport (must match the master's)
 *
 * Checks the numbers as rpmsg_lite_master_init() does, attaches to the
 * layout (vq 0 is our transmit queue, vq 1 our receive queue) without
 * writing anything, creates the name-service endpoint and starts the
 * transport.  The link waits (RPMSG_LITE_LINK_WAITING) until the first
 * kick from the master arrives, then comes up (LINK_UP notifier).
 * Notifier: LINK_ADDED.
 *
 * Context: process context, may sleep.
 * Return: the link, or an ERR_PTR as for rpmsg_lite_master_init().
 */
struct rpmsg_lite_instance *
rpmsg_lite_remote_init(const struct rpmsg_lite_link_desc *desc)
{
	return rl_init(desc, RPMSG_LITE_REMOTE);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_remote_init, RPMSG_LITE);

/**
 * rpmsg_lite_deinit() - tear a link down
 * @rl: link
 *
 * Every call on the link fails with -ENODEV from now on; pending senders
 * and waiters wake up and return -ENODEV, and calls in flight are waited
 * for.  Then the transport and the link's works stop, the notifier chain
 * hears LINK_REMOVED, the front ends detach, endpoints users left behind
 * are destroyed (with a warning each), and the reference init gave the
 * caller is dropped: the memory goes with the last rpmsg_lite_get()
 * reference.  When this returns nothing touches the shared memory or the
 * transport any more.  Receive queues must have been destroyed by their
 * users before.
 *
 * Context: process context, may sleep; not from a receive callback.
 * Return: 0; -EINVAL for NULL; -EDEADLK from the link's own receive work.
 */
int rpmsg_lite_deinit(struct rpmsg_lite_instance *rl)
{
	if (!rl)
		return -EINVAL;
	if (rl_in_rx_work(rl))
		return -EDEADLK;

	rl_stop_calls(rl);

	mutex_lock(&rl->life.lock);
	if (rl->ops->stop)
		rl->ops->stop(rl->ops_priv);
	atomic_set(&rl->life.state, RPMSG_LITE_LINK_DOWN);
	cancel_work_sync(&rl->rx.work);
	cancel_delayed_work_sync(&rl->life.kick_work);
	cancel_delayed_work_sync(&rl->tx.watch_work);
	cancel_delayed_work_sync(&rl->tx.poll_work);
	mutex_unlock(&rl->life.lock);
	rl_wake_all(rl);

	rl_detach(rl);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_deinit, RPMSG_LITE);
