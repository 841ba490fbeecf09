// SPDX-License-Identifier: GPL-2.0
/*
 * rl_rpmsg_bus.c - rpmsg-lite links as a backend of the kernel's rpmsg bus.
 *
 * A front end like rl_char.c, attached to every link through the class
 * interface of link devices: for every link it registers, on the upstream
 * rpmsg bus (/sys/bus/rpmsg), as children of the link's device
 * rpmsg_lite_linkN,
 *   - a control device "rpmsg_ctrl" that the upstream rpmsg_ctrl driver
 *     turns into /dev/rpmsg_ctrlN (RPMSG_CREATE_EPT_IOCTL,
 *     RPMSG_CREATE_DEV_IOCTL, RPMSG_RELEASE_DEV_IOCTL);
 *   - one channel device per service the peer announces through name
 *     service, removed again when the peer withdraws it or the link goes
 *     down, so that upstream rpmsg drivers (rpmsg_char's "rpmsg-raw",
 *     rpmsg_tty, vendor clients) bind to it by name;
 *   - channel devices created locally (rpmsg_create_channel(), CREATE_DEV),
 *     announced to the peer when they have a fixed local address.
 * Endpoint operations map onto the core: an rpmsg endpoint is a core
 * endpoint whose receive callback calls the rpmsg callback.  Device names
 * ("rpmsg_lite_link0.rpmsg-lite-echo.-1.1024") are unique per link.
 *
 * Ownership: the bridge's state of a link (struct rl_bus_link) holds a
 * reference on the link and is itself referenced by its channels and
 * endpoints; an endpoint holds a reference on its core endpoint.  So no
 * pointer is ever cleared under a reader: a call on a link or endpoint
 * that is gone fails in the core (-ENODEV, -EPIPE).  Everything that may
 * wait for the peer (announcements, the device changes the peer's
 * announcements cause) runs in the link's own work item with a bounded
 * queue and a bounded wait, never under a device lock.
 *
 * Built into rpmsg_lite.ko when the kernel has CONFIG_RPMSG and its
 * private rpmsg layout is one rl_rpmsg_internal.h knows.  See
 * Documentation/rpmsg-lite/rpmsg-bus.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rpmsg.h>
#include <linux/rpmsg_lite.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "rl_compat.h"
#include "rl_internal.h"
#include "rl_rpmsg_internal.h"

#ifdef RL_RPMSG_LAYOUT_KNOWN

/* Most channel devices the peer may make us create on one link. */
#define RL_BUS_CHANS_MAX	64
/* Most events waiting for a link's work; more are dropped (hostile peer). */
#define RL_BUS_EVENTS_MAX	256
/* Name the upstream rpmsg_ctrl driver binds to. */
#define RL_BUS_CTRL_NAME	"rpmsg_ctrl"

static unsigned int bus_send_timeout_ms = 15000;
module_param(bus_send_timeout_ms, uint, 0644);
MODULE_PARM_DESC(bus_send_timeout_ms,
		 "how long rpmsg_send() and an announcement over a link wait for a free buffer (ms, default 15000 like virtio_rpmsg_bus)");

/**
 * enum rl_bus_ev_kind - work for a link's work item
 * @RL_BUS_EV_NS_CREATE: the peer announced a service
 * @RL_BUS_EV_NS_DESTROY: the peer withdrew a service
 * @RL_BUS_EV_LINK_DOWN: the peer went away: its services went with it
 * @RL_BUS_EV_LINK_UP: the peer is (back) up: it needs our services again
 * @RL_BUS_EV_ANNOUNCE: announce a local channel to the peer (@flags)
 */
enum rl_bus_ev_kind {
	RL_BUS_EV_NS_CREATE,
	RL_BUS_EV_NS_DESTROY,
	RL_BUS_EV_LINK_DOWN,
	RL_BUS_EV_LINK_UP,
	RL_BUS_EV_ANNOUNCE,
};

/**
 * struct rl_bus_ev - one queued event of a link
 * @node: in rl_bus_link.events
 * @kind: what happened
 * @addr: announced address
 * @flags: RL_NS_CREATE or RL_NS_DESTROY (RL_BUS_EV_ANNOUNCE)
 * @name: announced name
 */
struct rl_bus_ev {
	struct list_head node;
	enum rl_bus_ev_kind kind;
	u32 addr;
	u32 flags;
	char name[RPMSG_NAME_SIZE];
};

/**
 * struct rl_bus_link - the bridge's state of one link
 * @kref: one reference of the link's attachment, one per channel device
 *        and per endpoint
 * @rl: the core link; referenced until @kref goes
 * @mtu: the link's payload size
 * @lock: protects @dead and @epts
 * @dead: the link is going away: no new endpoints or channels
 * @epts: endpoints created on the link (struct rl_bus_ept.node)
 * @ev_lock: protects @events, @nevents and @ev_closed (taken by the
 *           listener on the link's receive work)
 * @events: pending struct rl_bus_ev, handled by @ev_work in order
 * @nevents: entries in @events, at most RL_BUS_EVENTS_MAX
 * @ev_dropped: events dropped because @events was full
 * @ev_closed: the link is being removed: queue nothing more
 * @ev_work: creates and removes channel devices, sends announcements
 * @listener: our hook on the link (state changes, announcements)
 */
struct rl_bus_link {
	struct kref kref;
	struct rpmsg_lite_instance *rl;
	u32 mtu;

	struct mutex lock;		/* @dead, @epts */
	bool dead;
	struct list_head epts;

	spinlock_t ev_lock;		/* @events from the listener */
	struct list_head events;
	unsigned int nevents;
	unsigned long ev_dropped;
	bool ev_closed;
	struct work_struct ev_work;
	struct rl_listener listener;
};

/**
 * struct rl_bus_chan - an rpmsg device of a link
 * @rpdev: the device on the rpmsg bus
 * @link: its link (referenced until the device is released)
 * @from_peer: created for a service the peer announced
 * @ctrl: the control device of the link
 */
struct rl_bus_chan {
	struct rpmsg_device rpdev;
	struct rl_bus_link *link;
	bool from_peer;
	bool ctrl;
};

/**
 * struct rl_bus_ept - an rpmsg endpoint on a link
 * @ept: what the rpmsg core and its users see
 * @link: the link; referenced until @ept is released
 * @lept: the core endpoint; referenced until @ept is released
 * @node: in rl_bus_link.epts while the core endpoint lives; empty once
 *        taken off for destruction (by the user or the link's removal)
 */
struct rl_bus_ept {
	struct rpmsg_endpoint ept;
	struct rl_bus_link *link;
	struct rpmsg_lite_endpoint *lept;
	struct list_head node;
};

/* Log lines of a link: "<link device>: ..." */
#define rl_bus_log(fn, link, fmt, ...) \
	fn(rl_link_device((link)->rl), fmt, ##__VA_ARGS__)

#define dev_to_rpdev(d)		container_of(d, struct rpmsg_device, dev)
#define rpdev_to_chan(r)	container_of(r, struct rl_bus_chan, rpdev)
#define ept_to_bus_ept(e)	container_of(e, struct rl_bus_ept, ept)
#define listener_to_link(l)	container_of(l, struct rl_bus_link, listener)

static struct workqueue_struct *rl_bus_wq;
/* Links and channels not yet released: module exit waits for them. */
static atomic_t rl_bus_objs = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(rl_bus_objs_wq);

static const struct rpmsg_device_ops rl_bus_dev_ops;
static const struct rpmsg_endpoint_ops rl_bus_ept_ops;

static void rl_bus_obj_put(void)
{
	if (atomic_dec_and_test(&rl_bus_objs))
		wake_up_all(&rl_bus_objs_wq);
}

static void rl_bus_link_release(struct kref *kref)
{
	struct rl_bus_link *link = container_of(kref, struct rl_bus_link,
						kref);

	rpmsg_lite_put(link->rl);
	kfree(link);
	rl_bus_obj_put();
}

static void rl_bus_link_put(struct rl_bus_link *link)
{
	kref_put(&link->kref, rl_bus_link_release);
}

/* ------------------------------------------------------------------ */
/* Endpoints                                                          */
/* ------------------------------------------------------------------ */

/* Receive callback of the core endpoint: hand the message to rpmsg. */
static int rl_bus_rx_cb(void *payload, u32 payload_len, u32 src, void *priv)
{
	struct rl_bus_ept *be = priv;
	struct rpmsg_endpoint *ept = &be->ept;

	mutex_lock(&ept->cb_lock);
	if (ept->cb)
		ept->cb(ept->rpdev, payload, payload_len, ept->priv, src);
	mutex_unlock(&ept->cb_lock);
	return RL_RELEASE;
}

static void rl_bus_ept_release(struct kref *kref)
{
	struct rpmsg_endpoint *ept = container_of(kref, struct rpmsg_endpoint,
						  refcount);
	struct rl_bus_ept *be = ept_to_bus_ept(ept);

	rpmsg_lite_ept_put(be->lept);
	rl_bus_link_put(be->link);
	kfree(be);
}

static struct rpmsg_endpoint *
rl_bus_create_ept(struct rpmsg_device *rpdev, rpmsg_rx_cb_t cb, void *priv,
		  struct rpmsg_channel_info chinfo)
{
	struct rl_bus_link *link = rpdev_to_chan(rpdev)->link;
	struct rpmsg_lite_endpoint *lept;
	struct rl_bus_ept *be;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be)
		return NULL;
	kref_init(&be->ept.refcount);
	mutex_init(&be->ept.cb_lock);
	be->ept.rpdev = rpdev;
	be->ept.cb = cb;
	be->ept.priv = priv;
	be->ept.ops = &rl_bus_ept_ops;
	be->link = link;
	INIT_LIST_HEAD(&be->node);

	mutex_lock(&link->lock);
	if (link->dead) {
		lept = ERR_PTR(-EPIPE);
	} else {
		/* RPMSG_ADDR_ANY and RL_ADDR_ANY are the same number */
		lept = rpmsg_lite_create_ept(link->rl, chinfo.src,
					     rl_bus_rx_cb, be);
	}
	if (IS_ERR(lept)) {
		mutex_unlock(&link->lock);
		dev_dbg(&rpdev->dev, "no endpoint %s at 0x%x: %ld\n",
			chinfo.name, chinfo.src, PTR_ERR(lept));
		kfree(be);
		return NULL;
	}
	be->lept = rpmsg_lite_ept_get(lept);
	be->ept.addr = rpmsg_lite_ept_addr(lept);
	list_add_tail(&be->node, &link->epts);
	kref_get(&link->kref);
	mutex_unlock(&link->lock);
	return &be->ept;
}

/* Take an endpoint off its link's list; false when it was taken already. */
static bool rl_bus_ept_unlist(struct rl_bus_ept *be)
{
	struct rl_bus_link *link = be->link;
	bool mine;

	mutex_lock(&link->lock);
	mine = !list_empty(&be->node);
	list_del_init(&be->node);
	mutex_unlock(&link->lock);
	return mine;
}

static void rl_bus_destroy_ept(struct rpmsg_endpoint *ept)
{
	struct rl_bus_ept *be = ept_to_bus_ept(ept);

	mutex_lock(&ept->cb_lock);
	ept->cb = NULL;
	mutex_unlock(&ept->cb_lock);

	/* waits for a callback of this endpoint still running */
	if (rl_bus_ept_unlist(be))
		rpmsg_lite_destroy_ept(be->link->rl, be->lept);
	kref_put(&ept->refcount, rl_bus_ept_release);
}

static int rl_bus_xmit(struct rpmsg_endpoint *ept, u32 src, u32 dst,
		       void *data, int len, bool wait)
{
	struct rl_bus_ept *be = ept_to_bus_ept(ept);
	int ret;

	if (len < 0 || !data)
		return -EINVAL;
	if (dst == RPMSG_ADDR_ANY || dst == RL_NS_EPT_ADDR)
		return -EINVAL;
	/* the core sends from the endpoint's own address only */
	if (src != ept->addr)
		return -EOPNOTSUPP;

	ret = rpmsg_lite_send(be->link->rl, be->lept, dst, data, len,
			      wait ? READ_ONCE(bus_send_timeout_ms) :
			      RL_DONT_BLOCK);
	if (ret == -ENODEV)
		ret = -EPIPE;
	return ret;
}

static int rl_bus_send(struct rpmsg_endpoint *ept, void *data, int len)
{
	return rl_bus_xmit(ept, ept->addr, ept->rpdev->dst, data, len, true);
}

static int rl_bus_sendto(struct rpmsg_endpoint *ept, void *data, int len,
			 u32 dst)
{
	return rl_bus_xmit(ept, ept->addr, dst, data, len, true);
}

static int rl_bus_send_offchannel(struct rpmsg_endpoint *ept, u32 src,
				  u32 dst, void *data, int len)
{
	return rl_bus_xmit(ept, src, dst, data, len, true);
}

static int rl_bus_trysend(struct rpmsg_endpoint *ept, void *data, int len)
{
	return rl_bus_xmit(ept, ept->addr, ept->rpdev->dst, data, len, false);
}

static int rl_bus_trysendto(struct rpmsg_endpoint *ept, void *data, int len,
			    u32 dst)
{
	return rl_bus_xmit(ept, ept->addr, dst, data, len, false);
}

static int rl_bus_trysend_offchannel(struct rpmsg_endpoint *ept, u32 src,
				     u32 dst, void *data, int len)
{
	return rl_bus_xmit(ept, src, dst, data, len, false);
}

static __poll_t rl_bus_poll(struct rpmsg_endpoint *ept, struct file *filp,
			    poll_table *wait)
{
	/* waits on the link's own queue: our reference keeps it */
	return rpmsg_lite_poll(ept_to_bus_ept(ept)->link->rl, filp, wait);
}

static ssize_t rl_bus_get_mtu(struct rpmsg_endpoint *ept)
{
	return ept_to_bus_ept(ept)->link->mtu;
}

static const struct rpmsg_endpoint_ops rl_bus_ept_ops = {
	.destroy_ept = rl_bus_destroy_ept,
	.send = rl_bus_send,
	.sendto = rl_bus_sendto,
	.send_offchannel = rl_bus_send_offchannel,
	.trysend = rl_bus_trysend,
	.trysendto = rl_bus_trysendto,
	.trysend_offchannel = rl_bus_trysend_offchannel,
	.poll = rl_bus_poll,
	.get_mtu = rl_bus_get_mtu,
};

/* ------------------------------------------------------------------ */
/* Channel devices                                                    */
/* ------------------------------------------------------------------ */

static void rl_bus_chan_release(struct device *dev)
{
	struct rl_bus_chan *chan = rpdev_to_chan(dev_to_rpdev(dev));

	/* the backend frees what the rpmsg core or sysfs set */
	rl_rpdev_free_driver_override(&chan->rpdev);
	rl_bus_link_put(chan->link);
	kfree(chan);
	rl_bus_obj_put();
}

static bool rl_bus_is_chan(struct device *dev)
{
	return dev->release == rl_bus_chan_release;
}

/**
 * struct rl_bus_match - which channels rl_bus_chan_match() selects
 * @chinfo: name, and src/dst unless RPMSG_ADDR_ANY; NULL: any channel
 * @from_peer: only channels the peer announced
 * @ctrl_too: the control device as well
 */
struct rl_bus_match {
	const struct rpmsg_channel_info *chinfo;
	bool from_peer;
	bool ctrl_too;
};

static int rl_bus_chan_match(struct device *dev, void *data)
{
	const struct rl_bus_match *m = data;
	const struct rpmsg_channel_info *ci = m->chinfo;
	struct rl_bus_chan *chan;

	if (!rl_bus_is_chan(dev))
		return 0;
	chan = rpdev_to_chan(dev_to_rpdev(dev));
	if (chan->ctrl && !m->ctrl_too)
		return 0;
	if (m->from_peer && !chan->from_peer)
		return 0;
	if (!ci)
		return 1;
	if (ci->src != RPMSG_ADDR_ANY && ci->src != chan->rpdev.src)
		return 0;
	if (ci->dst != RPMSG_ADDR_ANY && ci->dst != chan->rpdev.dst)
		return 0;
	return !strncmp(ci->name, chan->rpdev.id.name, RPMSG_NAME_SIZE);
}

/* Unregister the channels that match; returns how many. */
static int rl_bus_chan_remove(struct rl_bus_link *link,
			      const struct rl_bus_match *m)
{
	struct device *dev;
	int n = 0;

	for (;;) {
		dev = device_find_child(rl_link_device(link->rl), (void *)m,
					rl_bus_chan_match);
		if (!dev)
			break;
		device_unregister(dev);
		put_device(dev);
		n++;
	}
	return n;
}

static int rl_bus_count_chan(struct device *dev, void *data)
{
	if (rl_bus_is_chan(dev))
		(*(unsigned int *)data)++;
	return 0;
}

static struct rpmsg_device *
rl_bus_chan_add(struct rl_bus_link *link, const struct rpmsg_channel_info *ci,
		bool from_peer, bool ctrl)
{
	struct device *parent = rl_link_device(link->rl);
	struct rpmsg_channel_info key = *ci;
	struct rl_bus_match m = { .chinfo = &key };
	struct rl_bus_chan *chan;
	unsigned int n = 0;
	struct device *dup;
	int ret;

	key.name[RPMSG_NAME_SIZE - 1] = '\0';
	if (!ctrl) {
		dup = device_find_child(parent, &m, rl_bus_chan_match);
		if (dup) {
			put_device(dup);
			rl_bus_log(dev_dbg, link, "channel %s 0x%x -> 0x%x exists\n",
				   key.name, key.src, key.dst);
			return NULL;
		}
		device_for_each_child(parent, &n, rl_bus_count_chan);
		if (n >= RL_BUS_CHANS_MAX) {
			rl_bus_log(dev_warn_ratelimited, link,
				   "too many channels, not creating %s\n",
				   key.name);
			return NULL;
		}
	}

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan)
		return NULL;
	atomic_inc(&rl_bus_objs);
	kref_get(&link->kref);
	chan->link = link;
	chan->from_peer = from_peer;
	chan->ctrl = ctrl;
	chan->rpdev.src = key.src;
	chan->rpdev.dst = key.dst;
	chan->rpdev.ops = &rl_bus_dev_ops;
	chan->rpdev.little_endian = true;
	/* a local channel with a fixed address is a service: announce it */
	chan->rpdev.announce = !from_peer && !ctrl &&
			       key.src != RPMSG_ADDR_ANY;
	strscpy_pad(chan->rpdev.id.name, key.name, RPMSG_NAME_SIZE);
	chan->rpdev.dev.parent = parent;
	chan->rpdev.dev.release = rl_bus_chan_release;

	/* on failure the core drops the device, and so frees @chan */
	ret = rpmsg_register_device_override(&chan->rpdev, ctrl ?
					     RL_BUS_CTRL_NAME : NULL);
	if (ret) {
		rl_bus_log(dev_warn, link, "cannot register channel %s: %d\n",
			   key.name, ret);
		return NULL;
	}
	return &chan->rpdev;
}

static bool rl_bus_dead(struct rl_bus_link *link)
{
	bool dead;

	mutex_lock(&link->lock);
	dead = link->dead;
	mutex_unlock(&link->lock);
	return dead;
}

static struct rpmsg_device *
rl_bus_create_channel(struct rpmsg_device *rpdev,
		      struct rpmsg_channel_info *chinfo)
{
	struct rl_bus_link *link = rpdev_to_chan(rpdev)->link;

	if (rl_bus_dead(link))
		return NULL;
	return rl_bus_chan_add(link, chinfo, false, false);
}

static int rl_bus_release_channel(struct rpmsg_device *rpdev,
				  struct rpmsg_channel_info *chinfo)
{
	struct rl_bus_link *link = rpdev_to_chan(rpdev)->link;
	struct rpmsg_channel_info key = *chinfo;
	struct rl_bus_match m = { .chinfo = &key };
	struct device *dev;

	key.name[RPMSG_NAME_SIZE - 1] = '\0';
	dev = device_find_child(rl_link_device(link->rl), &m,
				rl_bus_chan_match);
	if (!dev)
		return -EINVAL;
	device_unregister(dev);
	put_device(dev);
	return 0;
}

static int rl_bus_queue(struct rl_bus_link *link, enum rl_bus_ev_kind kind,
			u32 addr, u32 flags, const char *name);

/*
 * The rpmsg core calls these from the channel's probe and remove, under
 * the device lock: the announcement is queued to the link's work, which
 * sends it (from the endpoint's address, gone or not) with a bounded wait.
 */
static int rl_bus_announce(struct rpmsg_device *rpdev, u32 flags)
{
	struct rl_bus_link *link = rpdev_to_chan(rpdev)->link;

	if (!rpdev->announce || !rpdev->ept)
		return 0;
	return rl_bus_queue(link, RL_BUS_EV_ANNOUNCE, rpdev->ept->addr, flags,
			    rpdev->id.name);
}

static int rl_bus_announce_create(struct rpmsg_device *rpdev)
{
	return rl_bus_announce(rpdev, RL_NS_CREATE);
}

static int rl_bus_announce_destroy(struct rpmsg_device *rpdev)
{
	return rl_bus_announce(rpdev, RL_NS_DESTROY);
}

static const struct rpmsg_device_ops rl_bus_dev_ops = {
	.create_channel = rl_bus_create_channel,
	.release_channel = rl_bus_release_channel,
	.create_ept = rl_bus_create_ept,
	.announce_create = rl_bus_announce_create,
	.announce_destroy = rl_bus_announce_destroy,
};

/* ------------------------------------------------------------------ */
/* Link events                                                        */
/* ------------------------------------------------------------------ */

/*
 * Queue work for the link's work item, at most RL_BUS_EVENTS_MAX events:
 * a peer that floods announcements while the work waits for buffers
 * cannot grow kernel memory.  Process context.  Return: 0; -ENOSPC full
 * (dropped, counted, logged); -ENODEV the link is going away; -ENOMEM.
 */
static int rl_bus_queue(struct rl_bus_link *link, enum rl_bus_ev_kind kind,
			u32 addr, u32 flags, const char *name)
{
	struct rl_bus_ev *ev;
	unsigned long irqflags;
	int ret = 0;

	ev = kzalloc(sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	ev->kind = kind;
	ev->addr = addr;
	ev->flags = flags;
	if (name)
		strscpy(ev->name, name, sizeof(ev->name));

	spin_lock_irqsave(&link->ev_lock, irqflags);
	if (link->ev_closed) {
		ret = -ENODEV;
	} else if (link->nevents >= RL_BUS_EVENTS_MAX) {
		link->ev_dropped++;
		ret = -ENOSPC;
	} else {
		list_add_tail(&ev->node, &link->events);
		link->nevents++;
	}
	spin_unlock_irqrestore(&link->ev_lock, irqflags);
	if (ret) {
		kfree(ev);
		if (ret == -ENOSPC)
			rl_bus_log(dev_warn_ratelimited, link,
				   "%u events waiting: dropped one (%s at 0x%x)\n",
				   RL_BUS_EVENTS_MAX, name ?: "", addr);
		return ret;
	}
	queue_work(rl_bus_wq, &link->ev_work);
	return 0;
}

/* Listener: the peer announced or withdrew a service. */
static void rl_bus_ns(struct rl_listener *l, u32 addr, const char *name,
		      u32 flags)
{
	rl_bus_queue(listener_to_link(l), flags == RL_NS_CREATE ?
		     RL_BUS_EV_NS_CREATE : RL_BUS_EV_NS_DESTROY, addr, 0, name);
}

/* Listener: the link went down or came up. */
static void rl_bus_event(struct rl_listener *l, enum rpmsg_lite_event event)
{
	rl_bus_queue(listener_to_link(l), event == RPMSG_LITE_EVENT_LINK_UP ?
		     RL_BUS_EV_LINK_UP : RL_BUS_EV_LINK_DOWN, 0, 0, NULL);
}

static const struct rl_listener_ops rl_bus_listener_ops = {
	.event = rl_bus_event,
	.ns = rl_bus_ns,
};

/* A local channel with a bound driver and a fixed address, referenced. */
static int rl_bus_collect_announced(struct device *dev, void *data)
{
	struct rl_bus_chan *chan;
	struct device **devs = data;
	int i;

	if (!rl_bus_is_chan(dev))
		return 0;
	chan = rpdev_to_chan(dev_to_rpdev(dev));
	if (chan->ctrl || chan->from_peer || !chan->rpdev.announce)
		return 0;
	for (i = 0; i < RL_BUS_CHANS_MAX; i++) {
		if (!devs[i]) {
			devs[i] = get_device(dev);
			break;
		}
	}
	return 0;
}

/*
 * A peer that was reset forgot what we announced: announce again every
 * local channel that has a bound driver and a fixed address.  The device
 * lock is held only to look at the binding, never while sending.
 */
static void rl_bus_reannounce(struct rl_bus_link *link)
{
	struct device **devs;
	struct rpmsg_device *rpdev;
	char name[RPMSG_NAME_SIZE];
	bool bound;
	u32 addr;
	int i;

	devs = kcalloc(RL_BUS_CHANS_MAX, sizeof(*devs), GFP_KERNEL);
	if (!devs)
		return;
	device_for_each_child(rl_link_device(link->rl), devs,
			      rl_bus_collect_announced);
	for (i = 0; i < RL_BUS_CHANS_MAX && devs[i]; i++) {
		rpdev = dev_to_rpdev(devs[i]);
		device_lock(devs[i]);
		bound = devs[i]->driver && rpdev->ept;
		addr = bound ? rpdev->ept->addr : 0;
		strscpy(name, rpdev->id.name, sizeof(name));
		device_unlock(devs[i]);
		if (bound &&
		    rl_ns_announce_from(link->rl, addr, name, RL_NS_CREATE,
					READ_ONCE(bus_send_timeout_ms)))
			dev_err(devs[i], "cannot announce %s to the peer again\n",
				name);
		put_device(devs[i]);
	}
	kfree(devs);
}

static void rl_bus_handle(struct rl_bus_link *link, struct rl_bus_ev *ev)
{
	struct rpmsg_channel_info ci = { };
	struct rl_bus_match m = { .chinfo = &ci, .from_peer = true };
	int n, ret;

	strscpy(ci.name, ev->name, sizeof(ci.name));
	ci.src = RPMSG_ADDR_ANY;
	ci.dst = ev->addr;

	switch (ev->kind) {
	case RL_BUS_EV_NS_CREATE:
		rl_bus_log(dev_dbg, link, "peer announced %s at 0x%x\n",
			   ci.name, ci.dst);
		rl_bus_chan_add(link, &ci, true, false);
		break;
	case RL_BUS_EV_NS_DESTROY:
		n = rl_bus_chan_remove(link, &m);
		rl_bus_log(dev_dbg, link,
			   "peer withdrew %s at 0x%x: %d channel(s)\n",
			   ci.name, ci.dst, n);
		break;
	case RL_BUS_EV_LINK_DOWN:
		/* every channel of the peer, whatever its name */
		m.chinfo = NULL;
		n = rl_bus_chan_remove(link, &m);
		rl_bus_log(dev_dbg, link,
			   "link down: %d peer channel(s) removed\n", n);
		break;
	case RL_BUS_EV_LINK_UP:
		rl_bus_reannounce(link);
		break;
	case RL_BUS_EV_ANNOUNCE:
		ret = rl_ns_announce_from(link->rl, ev->addr, ev->name,
					  ev->flags,
					  READ_ONCE(bus_send_timeout_ms));
		if (ret)
			rl_bus_log(dev_err, link,
				   "cannot announce %s of %s at 0x%x to the peer: %d\n",
				   ev->flags == RL_NS_CREATE ? "creation" :
				   "removal", ev->name, ev->addr, ret);
		break;
	}
}

static void rl_bus_ev_work(struct work_struct *work)
{
	struct rl_bus_link *link = container_of(work, struct rl_bus_link,
						ev_work);
	struct rl_bus_ev *ev;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&link->ev_lock, flags);
		ev = list_first_entry_or_null(&link->events, struct rl_bus_ev,
					      node);
		if (ev) {
			list_del(&ev->node);
			link->nevents--;
		}
		spin_unlock_irqrestore(&link->ev_lock, flags);
		if (!ev)
			break;
		/* the removal waits for this work before it cleans up */
		if (!rl_bus_dead(link))
			rl_bus_handle(link, ev);
		kfree(ev);
	}
}

/* ------------------------------------------------------------------ */
/* Links                                                              */
/* ------------------------------------------------------------------ */

/* Class interface: a link appeared; put it on the rpmsg bus. */
static int rl_bus_add_link(struct device *dev)
{
	struct rpmsg_lite_instance *rl = rl_link_of(dev);
	struct rpmsg_channel_info ci = {
		.name = RL_BUS_CTRL_NAME,
		.src = RPMSG_ADDR_ANY,
		.dst = RPMSG_ADDR_ANY,
	};
	struct rl_bus_link *link;

	link = kzalloc(sizeof(*link), GFP_KERNEL);
	if (!link)
		return -ENOMEM;
	atomic_inc(&rl_bus_objs);
	kref_init(&link->kref);
	link->rl = rpmsg_lite_get(rl);
	link->mtu = rpmsg_lite_get_payload_size(rl);
	mutex_init(&link->lock);
	INIT_LIST_HEAD(&link->epts);
	spin_lock_init(&link->ev_lock);
	INIT_LIST_HEAD(&link->events);
	INIT_WORK(&link->ev_work, rl_bus_ev_work);

	rl_listen(rl, &link->listener, &rl_bus_listener_ops);
	if (!rl_bus_chan_add(link, &ci, false, true))
		dev_warn(dev, "no rpmsg control device\n");
	return 0;
}

/*
 * Class interface: the link goes away (nothing runs on it any more):
 * unbind and remove everything the bridge put on it.
 */
static void rl_bus_remove_link(struct device *dev)
{
	struct rpmsg_lite_instance *rl = rl_link_of(dev);
	struct rl_bus_match all = { .ctrl_too = true };
	struct rl_bus_ev *ev, *etmp;
	struct rl_bus_link *link;
	struct rl_listener *l;
	struct rl_bus_ept *be;
	unsigned long flags;
	LIST_HEAD(evs);

	l = rl_listener_find(rl, &rl_bus_listener_ops);
	if (!l)
		return;
	link = listener_to_link(l);
	rl_unlisten(rl, l);

	spin_lock_irqsave(&link->ev_lock, flags);
	link->ev_closed = true;
	list_splice_init(&link->events, &evs);
	link->nevents = 0;
	spin_unlock_irqrestore(&link->ev_lock, flags);
	mutex_lock(&link->lock);
	link->dead = true;
	mutex_unlock(&link->lock);
	cancel_work_sync(&link->ev_work);
	list_for_each_entry_safe(ev, etmp, &evs, node)
		kfree(ev);
	if (link->ev_dropped)
		dev_warn(dev, "%lu rpmsg bus events were dropped (queue full)\n",
			 link->ev_dropped);

	/* drivers unbind and destroy their endpoints */
	rl_bus_chan_remove(link, &all);

	/* endpoints their users did not destroy */
	for (;;) {
		mutex_lock(&link->lock);
		be = list_first_entry_or_null(&link->epts, struct rl_bus_ept,
					      node);
		if (be)
			list_del_init(&be->node);
		mutex_unlock(&link->lock);
		if (!be)
			break;
		dev_warn(dev, "endpoint 0x%x still exists at link removal: destroyed\n",
			 be->ept.addr);
		rpmsg_lite_destroy_ept(rl, be->lept);
	}
	rl_bus_link_put(link);
}

RL_CLASS_INTERFACE(rl_bus_intf, rl_bus_add_link, rl_bus_remove_link);

/**
 * rl_rpmsg_bus_init() - start bridging links to the kernel's rpmsg bus
 *
 * The class interface also puts the links that exist already on the bus.
 *
 * Return: 0 or a negative errno.
 */
int rl_rpmsg_bus_init(void)
{
	int ret;

	/* one work item per link, which may wait for buffers: not ordered */
	rl_bus_wq = alloc_workqueue("rpmsg_lite_bus", WQ_UNBOUND, 0);
	if (!rl_bus_wq)
		return -ENOMEM;
	ret = rl_link_interface_register(&rl_bus_intf);
	if (ret)
		destroy_workqueue(rl_bus_wq);
	return ret;
}

/**
 * rl_rpmsg_bus_exit() - remove every rpmsg device of every link
 *
 * Waits until the devices are released: a file still open on a node the
 * upstream drivers made for them (/dev/rpmsg_ctrlN) holds the unload.
 */
void rl_rpmsg_bus_exit(void)
{
	rl_link_interface_unregister(&rl_bus_intf);
	destroy_workqueue(rl_bus_wq);
	wait_event(rl_bus_objs_wq, !atomic_read(&rl_bus_objs));
}

#else /* !RL_RPMSG_LAYOUT_KNOWN */

int rl_rpmsg_bus_init(void)
{
	pr_info("rpmsg bus bridge not built: the rpmsg backend layout of this kernel is not verified (see rl_rpmsg_internal.h)\n");
	return 0;
}

void rl_rpmsg_bus_exit(void)
{
}

#endif /* RL_RPMSG_LAYOUT_KNOWN */
