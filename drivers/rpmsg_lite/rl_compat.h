/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_compat.h - differences between the kernel versions the modules build
 * against: Debian's 6.1 (the oldest supported) up to 6.12.  Each entry
 * names the version that changed the interface; the modules use the names
 * below instead of the interface itself.  This is the only file that
 * compares kernel versions, and the only C reader of the feature probe
 * in the top-level Kbuild (scripts/check-layers enforces both).
 */
#ifndef _RL_COMPAT_H
#define _RL_COMPAT_H

#include <linux/version.h>

/*
 * class_create(): 6.4 dropped the owner argument.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define rl_class_create(name)		class_create(name)
#else
#define rl_class_create(name)		class_create(THIS_MODULE, name)
#endif

/*
 * struct class_interface .add_dev/.remove_dev: 6.4 dropped the interface
 * argument.  RL_CLASS_INTERFACE(name, add, remove) defines a struct
 * class_interface @name calling int add(struct device *) and
 * void remove(struct device *).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define RL_CLASS_INTERFACE(name, add, remove)				\
	static struct class_interface name = {				\
		.add_dev = add,						\
		.remove_dev = remove,					\
	}
#else
#define RL_CLASS_INTERFACE(name, add, remove)				\
	static int name##_add(struct device *dev,			\
			      struct class_interface *intf)		\
	{								\
		return add(dev);					\
	}								\
	static void name##_remove(struct device *dev,			\
				  struct class_interface *intf)		\
	{								\
		remove(dev);						\
	}								\
	static struct class_interface name = {				\
		.add_dev = name##_add,					\
		.remove_dev = name##_remove,				\
	}
#endif

/*
 * struct platform_driver .remove: returns void since 6.11, int before.
 * Declare the callback as
 *	static RL_PLATFORM_REMOVE_RET fn(struct platform_device *pdev)
 * and end it with "return RL_PLATFORM_REMOVE_OK;".
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define RL_PLATFORM_REMOVE_RET		void
#define RL_PLATFORM_REMOVE_OK
#else
#define RL_PLATFORM_REMOVE_RET		int
#define RL_PLATFORM_REMOVE_OK		0
#endif

/*
 * PCI_IRQ_LEGACY was renamed PCI_IRQ_INTX in 6.8 and removed in 6.12.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
#define PCI_IRQ_INTX			PCI_IRQ_LEGACY
#endif

/*
 * mbox_bind_client() binds a client to a channel that no firmware node
 * names: the loopback and ivshmem controllers hand their own channels to
 * a link (rl_mbox_create() with desc->tx[q].chan).  It came with 6.5 and
 * was backported to 6.1.159; before, the framework binds a channel only
 * through a device tree's "mboxes" (mbox_request_channel()), and nothing
 * public does it for a channel without one.  On those kernels
 * (6.1.0 - 6.1.158, 6.2 - 6.4) rl_mbox_bind_client() therefore does what
 * the framework does in __mbox_bind_client() on the fields of
 * struct mbox_chan that drivers/mailbox/mailbox.c owns: a reference on
 * the controller's module (mbox_free_channel() drops it), the channel
 * claimed under its lock (the framework's connection mutex is not ours,
 * so the check of chan->cl under chan->lock makes the claim exclusive),
 * its queue reset, then the controller's startup.  Remove it once 6.1.159
 * is the oldest kernel supported.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0) || \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 159) && \
	 LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0))
#define rl_mbox_bind_client(chan, cl)	mbox_bind_client(chan, cl)
#else
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/mailbox_client.h>
#include <linux/mailbox_controller.h>
#include <linux/module.h>
#include <linux/spinlock.h>

/* Values of mbox_chan.txdone_method, private to drivers/mailbox/. */
#define RL_TXDONE_BY_POLL	BIT(1)
#define RL_TXDONE_BY_ACK	BIT(2)

static inline int rl_mbox_bind_client(struct mbox_chan *chan,
				      struct mbox_client *cl)
{
	struct module *owner = chan->mbox->dev->driver->owner;
	unsigned long flags;
	int ret;

	if (!try_module_get(owner))
		return -ENODEV;

	spin_lock_irqsave(&chan->lock, flags);
	if (chan->cl) {
		spin_unlock_irqrestore(&chan->lock, flags);
		module_put(owner);
		return -EBUSY;
	}
	chan->msg_free = 0;
	chan->msg_count = 0;
	chan->active_req = NULL;
	chan->cl = cl;
	init_completion(&chan->tx_complete);
	if (chan->txdone_method == RL_TXDONE_BY_POLL && cl->knows_txdone)
		chan->txdone_method = RL_TXDONE_BY_ACK;
	spin_unlock_irqrestore(&chan->lock, flags);

	if (chan->mbox->ops->startup) {
		ret = chan->mbox->ops->startup(chan);
		if (ret) {
			mbox_free_channel(chan);
			return ret;
		}
	}
	return 0;
}
#endif

/*
 * Backend ops tables of the rpmsg bus (struct rpmsg_device_ops,
 * struct rpmsg_endpoint_ops): drivers/rpmsg/rpmsg_internal.h, which is not
 * installed with the headers, so rl_rpmsg_internal.h declares them, one
 * layout per version below (6.12 added .set_flow_control), each checked
 * against the kernel's own header by scripts/check-rpmsg-abi.  On any
 * other version RL_RPMSG_LAYOUT_KNOWN stays undefined and the rpmsg bus
 * bridge is not built.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0) && \
	LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#define RL_RPMSG_LAYOUT_KNOWN		601
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0) && \
	LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
#define RL_RPMSG_LAYOUT_KNOWN		612
#endif

/*
 * struct rpmsg_device .driver_override: set by the rpmsg core or through
 * sysfs, freed by the backend's release callback.  Kernels with the
 * generic driver_override of struct device dropped the member and the
 * driver core frees its own.  That change reaches the stable series at
 * different sublevels (6.12.97; not 6.1.192), so no version comparison
 * can tell, and the preprocessor cannot see a struct member: the
 * top-level Kbuild greps include/linux/rpmsg.h for it and defines
 * RL_HAVE_RPDEV_DRIVER_OVERRIDE for every object.  Only this header reads
 * that define.
 */
#ifdef RL_HAVE_RPDEV_DRIVER_OVERRIDE
#define rl_rpdev_free_driver_override(rpdev)	kfree((rpdev)->driver_override)
#else
#define rl_rpdev_free_driver_override(rpdev)	((void)(rpdev))
#endif

#endif /* _RL_COMPAT_H */
