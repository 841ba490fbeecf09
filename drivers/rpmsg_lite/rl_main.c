// SPDX-License-Identifier: GPL-2.0
/*
 * rl_main.c - module entry of rpmsg_lite.ko: brings up the layers that need
 * global state, in dependency order, and takes them down in reverse.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "rl_internal.h"

static int __init rpmsg_lite_init(void)
{
	return rl_char_init();
}
module_init(rpmsg_lite_init);

static void __exit rpmsg_lite_exit(void)
{
	rl_char_exit();
}
module_exit(rpmsg_lite_exit);

MODULE_DESCRIPTION("rpmsg-lite compatible inter-processor messaging");
MODULE_LICENSE("GPL");
