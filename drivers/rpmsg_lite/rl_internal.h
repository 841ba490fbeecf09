/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_internal.h - entry points of the layers of rpmsg_lite.ko that
 * rl_main.c brings up at module load, and what the core offers the front
 * ends inside the module (char device, rpmsg bus bridge): they attach to
 * every link device through a class interface and hear about it through a
 * listener of their own on that link.
 */
#ifndef _RL_INTERNAL_H
#define _RL_INTERNAL_H

#include <linux/device.h>
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

int rl_link_class_init(void);
void rl_link_class_exit(void);

struct rl_listener;

/**
 * struct rl_listener_ops - what a front end hears about one link
 * @event: RPMSG_LITE_EVENT_LINK_UP or RPMSG_LITE_EVENT_LINK_DOWN; from the
 *	   link's receive work or from a caller of rpmsg_lite_reset_link()
 *	   / rpmsg_lite_peer_lost(); must not wait for the receive work
 * @ns: a valid name-service announcement of the peer (receive work),
 *	after the callback bound with rpmsg_lite_ns_bind(), if any
 *
 * Both run in process context with the link's listeners_lock held; they
 * must not sleep for long (queue work for anything slow) nor call
 * rl_listen()/rl_unlisten().  Either may be NULL.
 */
struct rl_listener_ops {
	void (*event)(struct rl_listener *l, enum rpmsg_lite_event event);
	void (*ns)(struct rl_listener *l, u32 addr, const char *name,
		   u32 flags);
};

/**
 * struct rl_listener - a front end's hook on one link
 * @node: in the link's list of listeners
 * @ops: callbacks; also identifies the front end (rl_listener_find())
 */
struct rl_listener {
	struct list_head node;
	const struct rl_listener_ops *ops;
};

void rl_listen(struct rpmsg_lite_instance *rl, struct rl_listener *l,
	       const struct rl_listener_ops *ops);
void rl_unlisten(struct rpmsg_lite_instance *rl, struct rl_listener *l);
struct rl_listener *rl_listener_find(struct rpmsg_lite_instance *rl,
				     const struct rl_listener_ops *ops);

int rl_link_interface_register(struct class_interface *intf);
void rl_link_interface_unregister(struct class_interface *intf);
struct rpmsg_lite_instance *rl_link_of(struct device *dev);
struct device *rl_link_device(struct rpmsg_lite_instance *rl);

int rl_ns_announce_from(struct rpmsg_lite_instance *rl, u32 addr,
			const char *name, u32 flags, unsigned long timeout_ms);
void *rl_ept_alloc_tx_buffer(struct rpmsg_lite_instance *rl,
			     struct rpmsg_lite_endpoint *ept, u32 *size,
			     unsigned long timeout_ms);
bool rl_link_enter(struct rpmsg_lite_instance *rl);
void rl_link_leave(struct rpmsg_lite_instance *rl);

#endif /* _RL_INTERNAL_H */
