// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg_lite_loopback.ko: a loopback mailbox controller, link pairs over
 * it with fault injection, and an echo service, so that rpmsg-lite runs
 * without hardware.  This file is the module: its parameters, the link
 * pairs it creates at load (each with an echo service and debugfs knobs)
 * and init/exit.  The rest is in rl_loopback_mbox.c (controller),
 * rl_loopback_pair.c (link pairs), rl_loopback_fault.c (fault injection,
 * debugfs) and rl_loopback_echo.c (echo service); what they share is in
 * rl_loopback_internal.h, what tests use in rl_loopback.h.  See
 * Documentation/rpmsg-lite/transport.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/rpmsg_lite.h>

#include "rl_loopback_internal.h"
#include "rl_mbox.h"
#include "rl_wire.h"

static unsigned int links = 1;
module_param(links, uint, 0444);
MODULE_PARM_DESC(links, "link pairs created at load, link ids 0..links-1 (default 1)");

static unsigned int payload_size = RL_DEFAULT_PAYLOAD_SIZE;
module_param(payload_size, uint, 0444);
MODULE_PARM_DESC(payload_size, "payload size of the load-time links (default 496)");

static unsigned int buffer_count = 256;
module_param(buffer_count, uint, 0444);
MODULE_PARM_DESC(buffer_count, "buffers per direction of the load-time links (default 256)");

static bool echo = true;
module_param(echo, bool, 0444);
MODULE_PARM_DESC(echo, "run an echo service \"" RL_LOOPBACK_ECHO_NAME
		 "\" on each load-time link (default true)");

static int rl_lb_create_load_pairs(void)
{
	struct rl_loopback_pair *p;
	unsigned int i, a, b;
	int ret;

	for (i = 0; i < links; i++) {
		struct rpmsg_lite_config cfg = {
			.link_id = i,
			.payload_size = payload_size,
			.buffer_count = buffer_count,
		};

		p = rl_loopback_pair_create(&cfg);
		if (IS_ERR(p)) {
			pr_err("link %u: cannot create the loopback pair: %pe\n",
			       i, p);
			return PTR_ERR(p);
		}
		p->at_load = true;
		rl_lb_pair_debugfs(p);

		a = 2 * p->chan_pair[0];
		b = 2 * p->chan_pair[1];
		pr_info("link %u: %s + %s, region %#zx bytes at da %#llx, payload %u x %u buffers, vring align %#x size %#x, %s kicks on ch %u->%u / %u->%u\n",
			i, p->side[RL_LB_MASTER].name, p->side[RL_LB_REMOTE].name,
			p->shm_size, p->cfg.shm_da, p->cfg.payload_size,
			p->cfg.buffer_count, p->cfg.vring_align,
			p->cfg.vring_size, rl_kick_encoding_name(p->encoding),
			a, a + 1, b, b + 1);

		if (echo) {
			ret = rl_loopback_echo_start(p, RL_LOOPBACK_ECHO_NAME);
			if (ret) {
				pr_err("link %u: cannot start the echo service: %d\n",
				       i, ret);
				return ret;
			}
		}
	}
	return 0;
}

static int __init rl_lb_init(void)
{
	int ret;

	ret = rl_lb_controller_register();
	if (ret)
		return ret;

	rl_lb_debugfs_init();
	ret = rl_lb_create_load_pairs();
	if (ret)
		goto err_pairs;
	return 0;

err_pairs:
	rl_lb_destroy_pairs();
	rl_lb_debugfs_exit();
	rl_lb_controller_unregister();
	return ret;
}
module_init(rl_lb_init);

static void __exit rl_lb_exit(void)
{
	rl_lb_destroy_pairs();
	rl_lb_debugfs_exit();
	rl_lb_controller_unregister();
}
module_exit(rl_lb_exit);

MODULE_DESCRIPTION("rpmsg-lite loopback mailbox controller and link-pair test peer");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
