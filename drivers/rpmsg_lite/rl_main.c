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
	int ret;

	ret = rl_link_class_init();
	if (ret)
		return ret;
	ret = rl_char_init();
	if (ret)
		goto class_exit;
	ret = rl_rpmsg_bus_init();
	if (ret)
		goto char_exit;
	/* Last: a link device may bind (and its link start) at once. */
	ret = rl_platform_init();
	if (ret)
		goto bus_exit;
	return 0;

bus_exit:
	rl_rpmsg_bus_exit();
char_exit:
	rl_char_exit();
class_exit:
	rl_link_class_exit();
	return ret;
}
module_init(rpmsg_lite_init);

static void __exit rpmsg_lite_exit(void)
{
	rl_platform_exit();
	rl_rpmsg_bus_exit();
	rl_char_exit();
	rl_link_class_exit();
}
module_exit(rpmsg_lite_exit);

MODULE_DESCRIPTION("rpmsg-lite compatible inter-processor messaging");
MODULE_LICENSE("GPL");
