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
