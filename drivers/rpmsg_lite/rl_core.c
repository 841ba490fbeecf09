// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite links: what the parts of the core share.  The link notifier
 * and the listeners of the front ends, the kick of the peer through the
 * transport, the accessors of a link, and the mapping between errnos and
 * rpmsg-lite status codes.
 *
 * The core is split by job: rl_buf.c (buffer states), rl_rx.c (receive),
 * rl_tx.c (transmit) and rl_tx_sched.c (blocked senders' turns), rl_zc.c
 * (zero copy), rl_ept.c (endpoints), rl_link.c (set-up and the link
 * device), rl_link_state.c (link state: reset, peer lost, rebuilds) and
 * this file.  What they share is declared in rl_core_internal.h.
 *
 * Owns: listeners of struct rpmsg_lite_instance and the notifier chain of
 * every link; stats is written by each part, read here.  Takes
 * listeners_lock around the listeners' callbacks, tx.lock to read
 * stats.tx_msgs.
 *
 * Called by API users, the front ends in the module (rl_listen() and its
 * kin), the name service (rl_listeners_ns()) and the rest of the core
 * (rl_notify_event(), rl_kick()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/notifier.h>

#include "rl_compat.h"
#include "rl_core.h"
#include "rl_core_internal.h"
#include "rl_internal.h"

static BLOCKING_NOTIFIER_HEAD(rl_link_notifier);

/**
 * rl_notify_event() - tell the notifier chain, then (state changes only)
 *		       the link's own listeners
 * @rl: link
 * @event: enum rpmsg_lite_event
 *
 * Context: process context; takes listeners_lock.
 */
void rl_notify_event(struct rpmsg_lite_instance *rl,
		     enum rpmsg_lite_event event)
{
	struct rl_listener *l;

	blocking_notifier_call_chain(&rl_link_notifier, event, rl);
	if (event != RPMSG_LITE_EVENT_LINK_UP &&
	    event != RPMSG_LITE_EVENT_LINK_DOWN)
		return;
	mutex_lock(&rl->listeners_lock);
	list_for_each_entry(l, &rl->listeners, node)
		if (l->ops->event)
			l->ops->event(l, event);
	mutex_unlock(&rl->listeners_lock);
}

/**
 * rl_listeners_ns() - hand a name-service announcement to the listeners
 * @rl: link
 * @addr: announced address
 * @name: announced name
 * @flags: RL_NS_CREATE or RL_NS_DESTROY
 *
 * Context: the link's receive work.
 */
void rl_listeners_ns(struct rpmsg_lite_instance *rl, u32 addr,
		     const char *name, u32 flags)
{
	struct rl_listener *l;

	mutex_lock(&rl->listeners_lock);
	list_for_each_entry(l, &rl->listeners, node)
		if (l->ops->ns)
			l->ops->ns(l, addr, name, flags);
	mutex_unlock(&rl->listeners_lock);
}

/**
 * rl_listen() - hear about a link's state changes and announcements
 * @rl: link
 * @l: listener, the caller's until rl_unlisten()
 * @ops: its callbacks (struct rl_listener_ops)
 *
 * Context: process context; not from a listener callback.
 */
void rl_listen(struct rpmsg_lite_instance *rl, struct rl_listener *l,
	       const struct rl_listener_ops *ops)
{
	l->ops = ops;
	mutex_lock(&rl->listeners_lock);
	list_add_tail(&l->node, &rl->listeners);
	mutex_unlock(&rl->listeners_lock);
}

/**
 * rl_unlisten() - stop a listener
 * @rl: link
 * @l: listener given to rl_listen()
 *
 * Once this returns no callback of @l runs or will run.
 *
 * Context: process context; not from a listener callback.
 */
void rl_unlisten(struct rpmsg_lite_instance *rl, struct rl_listener *l)
{
	mutex_lock(&rl->listeners_lock);
	list_del(&l->node);
	mutex_unlock(&rl->listeners_lock);
}

/**
 * rl_listener_find() - the listener of one front end on a link
 * @rl: link
 * @ops: the callbacks that front end listens with
 *
 * Return: the listener, or NULL.  Stays valid until its front end calls
 * rl_unlisten().
 */
struct rl_listener *rl_listener_find(struct rpmsg_lite_instance *rl,
				     const struct rl_listener_ops *ops)
{
	struct rl_listener *l, *found = NULL;

	mutex_lock(&rl->listeners_lock);
	list_for_each_entry(l, &rl->listeners, node) {
		if (l->ops == ops) {
			found = l;
			break;
		}
	}
	mutex_unlock(&rl->listeners_lock);
	return found;
}

/**
 * rl_kick() - kick the peer through the transport
 * @rl: link
 * @vq_id: wire id of the vq that changed
 *
 * A failed kick is counted (kick_errors) and logged with a rate limit.
 *
 * Context: any.
 */
void rl_kick(struct rpmsg_lite_instance *rl, u32 vq_id)
{
	int ret = rl->ops->notify(rl->ops_priv, vq_id);

	if (ret) {
		rl_stat_inc(rl, kick_errors);
		rl_warn_rl(rl, "kick of vq %u failed: %d\n", vq_id, ret);
		return;
	}
	rl_stat_inc(rl, kicks_out);
}

/**
 * rpmsg_lite_get_role() - master or remote
 * @rl: link
 *
 * Return: the role given at init.
 */
enum rpmsg_lite_role rpmsg_lite_get_role(struct rpmsg_lite_instance *rl)
{
	return rl->role;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_role, RPMSG_LITE);

/**
 * rpmsg_lite_get_config() - numbers the link runs with
 * @rl: link
 *
 * Return: the configuration with every default filled in; valid for the
 * life of the link.
 */
const struct rpmsg_lite_config *
rpmsg_lite_get_config(struct rpmsg_lite_instance *rl)
{
	return &rl->cfg;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_config, RPMSG_LITE);

/**
 * rpmsg_lite_get_payload_size() - largest payload of one message
 * @rl: link
 *
 * Return: the payload size in bytes.
 */
u32 rpmsg_lite_get_payload_size(struct rpmsg_lite_instance *rl)
{
	return rl->cfg.payload_size;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_payload_size, RPMSG_LITE);

/**
 * rpmsg_lite_get_stats() - snapshot of the link counters
 * @rl: link
 * @stats: filled in
 *
 * Context: any.
 */
void rpmsg_lite_get_stats(struct rpmsg_lite_instance *rl,
			  struct rpmsg_lite_link_stats *stats)
{
	const struct rl_link_counters *c = &rl->stats;
	unsigned long flags;

	spin_lock_irqsave(&rl->tx.lock, flags);
	stats->tx_msgs = c->tx_msgs;
	spin_unlock_irqrestore(&rl->tx.lock, flags);
	stats->rx_msgs = atomic64_read(&c->rx_msgs);
	stats->kicks_out = atomic64_read(&c->kicks_out);
	stats->kicks_in = atomic64_read(&c->kicks_in);
	stats->kick_errors = atomic64_read(&c->kick_errors);
	stats->rx_drop_no_ept = atomic64_read(&c->rx_drop_no_ept);
	stats->rx_drop_bad_len = atomic64_read(&c->rx_drop_bad_len);
	stats->rx_drop_bad_ns = atomic64_read(&c->rx_drop_bad_ns);
	stats->ring_errors = atomic64_read(&c->ring_errors);
	stats->tx_timeouts = atomic64_read(&c->tx_timeouts);
	stats->resets = atomic64_read(&c->resets);
	stats->link_up_rekicks = atomic64_read(&c->link_up_rekicks);
	stats->reset_drops = atomic64_read(&c->reset_drops);
	stats->master_reinits = atomic64_read(&c->master_reinits);
	stats->kick_retries = atomic64_read(&c->kick_retries);
	stats->rx_polls = atomic64_read(&c->rx_polls);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_stats, RPMSG_LITE);

/**
 * rpmsg_lite_get_device() - device a link belongs to
 * @rl: link
 *
 * Return: the device given at init (the parent of the link's own device
 * rpmsg_lite_linkN).
 */
struct device *rpmsg_lite_get_device(struct rpmsg_lite_instance *rl)
{
	return rl->parent;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_device, RPMSG_LITE);

/**
 * rpmsg_lite_get_name() - name of a link
 * @rl: link
 *
 * Return: the name given at init, or the device name if none was given.
 */
const char *rpmsg_lite_get_name(struct rpmsg_lite_instance *rl)
{
	return rl->name;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_get_name, RPMSG_LITE);

/**
 * rpmsg_lite_register_notifier() - hear about links coming and going
 * @nb: notifier block; called with an enum rpmsg_lite_event and the
 *      struct rpmsg_lite_instance
 *
 * LINK_ADDED is sent at the end of init, LINK_UP when traffic can flow
 * (from init for a master, from the receive work for a remote), LINK_DOWN
 * when a ring broke or the link is reset, LINK_REMOVED at the start of
 * deinit.  Links that already exist are not replayed.  Callbacks run in
 * process context; those run by the receive work (LINK_UP of a remote,
 * LINK_DOWN of a broken ring) must not deinit or reset the link.
 *
 * Context: process context.
 * Return: 0 or the notifier chain's error.
 */
int rpmsg_lite_register_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&rl_link_notifier, nb);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_register_notifier, RPMSG_LITE);

/**
 * rpmsg_lite_unregister_notifier() - stop hearing about links
 * @nb: notifier block given to rpmsg_lite_register_notifier()
 *
 * Context: process context.
 * Return: 0, or -ENOENT if @nb was not registered.
 */
int rpmsg_lite_unregister_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&rl_link_notifier, nb);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_unregister_notifier, RPMSG_LITE);

/**
 * rpmsg_lite_errno_to_rl() - rpmsg-lite status for a return value of ours
 * @err: 0 or a negative errno returned by this API
 *
 * The table in <linux/rpmsg_lite.h>.  Errnos rpmsg-lite has no code for:
 * -EADDRINUSE -> RL_ERR_PARAM (rpmsg-lite refuses the endpoint),
 * -EPIPE -> RL_ERR_NOT_READY (link not usable), -EAGAIN -> RL_ERR_NO_BUFF
 * (rpmsg-lite's empty queue), -ERESTARTSYS/-EINTR -> RL_ERR_NO_MEM (no
 * buffer obtained), -EDEADLK and anything else -> RL_ERR_PARAM.
 *
 * Return: RL_SUCCESS for @err >= 0, else an RL_ERR_* code.
 */
int rpmsg_lite_errno_to_rl(int err)
{
	if (err >= 0)
		return RL_SUCCESS;
	switch (err) {
	case -ENOMEM:
	case -ETIMEDOUT:
	case -ERESTARTSYS:
	case -EINTR:
		return RL_ERR_NO_MEM;
	case -EMSGSIZE:
		return RL_ERR_BUFF_SIZE;
	case -ENODEV:
		return RL_ERR_DEV_ID;
	case -ENOSPC:
		return RL_ERR_MAX_VQ;
	case -ENOBUFS:
	case -EAGAIN:
		return RL_ERR_NO_BUFF;
	case -ENOTCONN:
	case -EPIPE:
		return RL_ERR_NOT_READY;
	case -EALREADY:
		return RL_ERR_ALREADY_DONE;
	case -EINVAL:
	case -EADDRINUSE:
	default:
		return RL_ERR_PARAM;
	}
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_errno_to_rl, RPMSG_LITE);

/**
 * rpmsg_lite_rl_to_errno() - errno for an rpmsg-lite status
 * @rl_err: RL_SUCCESS or an RL_ERR_* code
 *
 * The first errno of each row of the table in <linux/rpmsg_lite.h>
 * (RL_ERR_NO_MEM -> -ENOMEM).
 *
 * Return: 0 for RL_SUCCESS, the errno, or -EINVAL for an unknown code.
 */
int rpmsg_lite_rl_to_errno(int rl_err)
{
	switch (rl_err) {
	case RL_SUCCESS:
		return 0;
	case RL_ERR_NO_MEM:
		return -ENOMEM;
	case RL_ERR_BUFF_SIZE:
		return -EMSGSIZE;
	case RL_ERR_PARAM:
		return -EINVAL;
	case RL_ERR_DEV_ID:
		return -ENODEV;
	case RL_ERR_MAX_VQ:
		return -ENOSPC;
	case RL_ERR_NO_BUFF:
		return -ENOBUFS;
	case RL_ERR_NOT_READY:
		return -ENOTCONN;
	case RL_ERR_ALREADY_DONE:
		return -EALREADY;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_rl_to_errno, RPMSG_LITE);
