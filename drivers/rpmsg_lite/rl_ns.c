// SPDX-License-Identifier: GPL-2.0
/*
 * Name service of rpmsg-lite links (rpmsg_ns.h).
 *
 * Every link has an endpoint at RL_NS_EPT_ADDR (53) from init on.  An
 * announcement is a 40-byte struct rl_ns_msg sent to 53 from the announced
 * endpoint's own address, as rpmsg-lite sends it.  Received announcements
 * go to the callback bound with rpmsg_lite_ns_bind(); anything that is not
 * exactly 40 bytes, or has flags other than create/destroy, is dropped and
 * counted in rx_drop_bad_ns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/export.h>
#include <linux/string.h>

#include "rl_core.h"
#include "rl_internal.h"

/* Receive callback of the endpoint at 53 (receive work, process context). */
static int rl_ns_rx_cb(void *payload, u32 payload_len, u32 src, void *priv)
{
	struct rpmsg_lite_instance *rl = priv;
	char name[RL_NS_NAME_SIZE];
	struct rl_ns_msg msg;
	u32 addr, flags;

	if (payload_len != sizeof(msg)) {
		rl_stat_inc(rl, rx_drop_bad_ns);
		rl_warn_rl(rl, "name service: dropped a %u-byte message from %u (needs %zu)\n",
			   payload_len, src, sizeof(msg));
		return RL_RELEASE;
	}

	/* one read of the shared buffer; only the copy is used */
	memcpy(&msg, payload, sizeof(msg));
	addr = le32_to_cpu(msg.addr);
	flags = le32_to_cpu(msg.flags);
	memcpy(name, msg.name, sizeof(name));
	/* the peer may fill all 32 bytes: keep at most 31 characters */
	name[sizeof(name) - 1] = '\0';

	if (flags != RL_NS_CREATE && flags != RL_NS_DESTROY) {
		rl_stat_inc(rl, rx_drop_bad_ns);
		rl_warn_rl(rl, "name service: dropped '%s' at %u: unknown flags 0x%x\n",
			   name, addr, flags);
		return RL_RELEASE;
	}

	mutex_lock(&rl->ns_lock);
	if (rl->ns_cb) {
		rl->ns_in_cb = true;
		rl->ns_cb(addr, name, flags, rl->ns_cb_data);
		rl->ns_in_cb = false;
	} else {
		rl_dbg(rl, "name service: '%s' at %u (%s), nobody bound\n",
		       name, addr, flags == RL_NS_CREATE ? "create" : "destroy");
	}
	mutex_unlock(&rl->ns_lock);

	/* then the front ends of the link (rl_listen()) */
	rl_listeners_ns(rl, addr, name, flags);
	return RL_RELEASE;
}

/**
 * rl_ns_init() - create the name-service endpoint of a new link
 * @rl: link, before its transport starts
 *
 * Return: 0 or a negative errno.
 */
int rl_ns_init(struct rpmsg_lite_instance *rl)
{
	struct rpmsg_lite_endpoint *ept;

	ept = rl_ept_create(rl, RL_NS_EPT_ADDR, rl_ns_rx_cb, rl, true);
	if (IS_ERR(ept))
		return PTR_ERR(ept);
	rl->ns_ept = ept;
	return 0;
}

/**
 * rl_ns_exit() - remove the name-service endpoint
 * @rl: link whose receive work no longer runs
 */
void rl_ns_exit(struct rpmsg_lite_instance *rl)
{
	if (!rl->ns_ept)
		return;
	xa_erase(&rl->epts, RL_NS_EPT_ADDR);
	rl_ept_unused(rl->ns_ept);
	rl->ns_ept = NULL;
	rl->ns_cb = NULL;
}

/*
 * The bind callback runs on the receive work holding ns_lock; a callback
 * that binds or unbinds already holds it.
 */
static bool rl_ns_lock(struct rpmsg_lite_instance *rl)
{
	if (rl_in_rx_work(rl) && rl->ns_in_cb)
		return false;
	mutex_lock(&rl->ns_lock);
	return true;
}

/**
 * rpmsg_lite_ns_bind() - receive the peer's name-service announcements
 * @rl: link
 * @app_cb: called for every valid announcement (receive work, process
 *          context) with the announced address, the name (NUL-terminated,
 *          at most 31 characters), RL_NS_CREATE or RL_NS_DESTROY, and
 *          @user_data
 * @user_data: passed back to @app_cb
 *
 * One binding per link, as in rpmsg-lite (its bind owns address 53).
 *
 * Context: process context, may sleep; may be called from @app_cb.
 * Return: 0; -EINVAL bad argument; -EALREADY a callback is already bound.
 */
int rpmsg_lite_ns_bind(struct rpmsg_lite_instance *rl,
		       rpmsg_lite_ns_new_ept_cb app_cb, void *user_data)
{
	bool locked;
	int ret = 0;

	if (!rl || !app_cb)
		return -EINVAL;

	locked = rl_ns_lock(rl);
	if (rl->ns_cb) {
		ret = -EALREADY;
	} else {
		rl->ns_cb = app_cb;
		rl->ns_cb_data = user_data;
	}
	if (locked)
		mutex_unlock(&rl->ns_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_ns_bind, RPMSG_LITE);

/**
 * rpmsg_lite_ns_unbind() - stop receiving announcements
 * @rl: link
 *
 * Once this returns the bound callback is not running and will not be
 * called again (unless called from that callback, which then just
 * returns).  Announcements keep being received and dropped.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for NULL; -EALREADY nothing was bound.
 */
int rpmsg_lite_ns_unbind(struct rpmsg_lite_instance *rl)
{
	bool locked;
	int ret = 0;

	if (!rl)
		return -EINVAL;

	locked = rl_ns_lock(rl);
	if (!rl->ns_cb)
		ret = -EALREADY;
	rl->ns_cb = NULL;
	rl->ns_cb_data = NULL;
	if (locked)
		mutex_unlock(&rl->ns_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_ns_unbind, RPMSG_LITE);

/* Check and build an announcement of @name at @addr. */
static int rl_ns_msg(struct rl_ns_msg *msg, u32 addr, const char *name,
		     u32 flags)
{
	if (!name)
		return -EINVAL;
	if (flags != RL_NS_CREATE && flags != RL_NS_DESTROY)
		return -EINVAL;
	if (strnlen(name, RL_NS_NAME_SIZE) >= RL_NS_NAME_SIZE)
		return -EINVAL;
	memset(msg, 0, sizeof(*msg));
	/* msg is zeroed: strscpy leaves the rest NUL padded */
	strscpy(msg->name, name, sizeof(msg->name));
	msg->addr = cpu_to_le32(addr);
	msg->flags = cpu_to_le32(flags);
	return 0;
}

/**
 * rpmsg_lite_ns_announce_timeout() - tell the peer about a local endpoint,
 *				      waiting a bounded time for a buffer
 * @rl: link
 * @ept: endpoint being announced; the message is sent from its address
 * @ept_name: service name, at most 31 characters
 * @flags: RL_NS_CREATE or RL_NS_DESTROY
 * @timeout_ms: how long to wait for a free buffer, as for
 *		rpmsg_lite_send()
 *
 * Sends struct rl_ns_msg {name NUL padded to 32 bytes, ept address,
 * flags} to address 53.
 *
 * Context: process context unless @timeout_ms is RL_DONT_BLOCK.
 * Return: 0; -EINVAL bad argument, name longer than 31 characters or
 * unknown @flags; otherwise the errors of rpmsg_lite_send().
 */
int rpmsg_lite_ns_announce_timeout(struct rpmsg_lite_instance *rl,
				   struct rpmsg_lite_endpoint *ept,
				   const char *ept_name, u32 flags,
				   unsigned long timeout_ms)
{
	struct rl_ns_msg msg;
	int ret;

	if (!rl || !ept)
		return -EINVAL;
	ret = rl_ns_msg(&msg, rpmsg_lite_ept_addr(ept), ept_name, flags);
	if (ret)
		return ret;
	return rpmsg_lite_send(rl, ept, RL_NS_EPT_ADDR, &msg, sizeof(msg),
			       timeout_ms);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_ns_announce_timeout, RPMSG_LITE);

/**
 * rpmsg_lite_ns_announce() - tell the peer about a local endpoint
 * @rl: link
 * @ept: endpoint being announced; the message is sent from its address
 * @ept_name: service name, at most 31 characters
 * @flags: RL_NS_CREATE or RL_NS_DESTROY
 *
 * rpmsg_lite_ns_announce_timeout() waiting for a free buffer like
 * rpmsg-lite does (RL_BLOCK; interruptible).
 *
 * Context: process context, may sleep.
 * Return: as rpmsg_lite_ns_announce_timeout().
 */
int rpmsg_lite_ns_announce(struct rpmsg_lite_instance *rl,
			   struct rpmsg_lite_endpoint *ept,
			   const char *ept_name, u32 flags)
{
	return rpmsg_lite_ns_announce_timeout(rl, ept, ept_name, flags,
					      RL_BLOCK);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_ns_announce, RPMSG_LITE);

/**
 * rl_ns_announce_from() - announce an address that need not have an
 *			   endpoint any more
 * @rl: link
 * @addr: announced address, also the source of the message
 * @name: service name, at most 31 characters
 * @flags: RL_NS_CREATE or RL_NS_DESTROY
 * @timeout_ms: as for rpmsg_lite_send()
 *
 * For front ends that announce later, from a work item, what was created
 * or destroyed under a lock they must not hold while waiting.
 *
 * Return: as rpmsg_lite_ns_announce_timeout().
 */
int rl_ns_announce_from(struct rpmsg_lite_instance *rl, u32 addr,
			const char *name, u32 flags, unsigned long timeout_ms)
{
	struct rl_ns_msg msg;
	int ret;

	ret = rl_ns_msg(&msg, addr, name, flags);
	if (ret)
		return ret;
	return rl_send_from(rl, addr, RL_NS_EPT_ADDR, &msg, sizeof(msg),
			    timeout_ms);
}
