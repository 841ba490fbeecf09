/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_internal.h - entry points of the layers of rpmsg_lite.ko that
 * rl_main.c brings up at module load.
 */
#ifndef _RL_INTERNAL_H
#define _RL_INTERNAL_H

#include <linux/kconfig.h>
#include <linux/list.h>
#include <linux/rpmsg_lite.h>

int rl_char_init(void);
void rl_char_exit(void);

int rl_platform_init(void);
void rl_platform_exit(void);

#if IS_ENABLED(CONFIG_RPMSG)
int rl_rpmsg_bus_init(void);
void rl_rpmsg_bus_exit(void);
#else
static inline int rl_rpmsg_bus_init(void) { return 0; }
static inline void rl_rpmsg_bus_exit(void) { }
#endif

/**
 * struct rl_ns_listener - one more receiver of a link's name-service
 *			   announcements (see rl_ns_listen())
 * @node: in the list of listeners
 * @rl: link listened to
 * @cb: callback
 * @data: passed back to @cb
 */
struct rl_ns_listener {
	struct list_head node;
	struct rpmsg_lite_instance *rl;
	rpmsg_lite_ns_new_ept_cb cb;
	void *data;
};

void rl_ns_listen(struct rpmsg_lite_instance *rl, struct rl_ns_listener *l,
		  rpmsg_lite_ns_new_ept_cb cb, void *data);
void rl_ns_unlisten(struct rl_ns_listener *l);

#endif /* _RL_INTERNAL_H */
