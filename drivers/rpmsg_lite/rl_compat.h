/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_compat.h - differences between the kernel versions the modules build
 * against: Debian's 6.1 (the oldest supported) up to 6.12.  Each entry
 * names the version that changed the interface; the modules use the names
 * below instead of the interface itself.
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

#endif /* _RL_COMPAT_H */
