// SPDX-License-Identifier: GPL-2.0
/*
 * rl_rpmsg_bus.c - rpmsg-lite links as a backend of the kernel's rpmsg bus.
 *
 * A front end like rl_char.c, driven by the link notifier: for every link
 * it registers, on the upstream rpmsg bus (/sys/bus/rpmsg),
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
 * endpoint whose receive callback calls the rpmsg callback.
 *
 * All devices of a link are children of a per-link device
 * rpmsg_lite_linkN (attributes link_name and role), so device names
 * ("rpmsg_lite_link0.rpmsg-lite-echo.-1.1024") are unique per link.
 *
 * Lifetimes: the link object lives as long as its device; channels and
 * endpoints hold references on it.  The core link is used only under the
 * link's SRCU and is forgotten (NULL) when the core reports LINK_REMOVED;
 * operations then fail with -EPIPE.
 *
 * Built into rpmsg_lite.ko when the kernel has CONFIG_RPMSG and its
 * private rpmsg layout is one rl_rpmsg_internal.h knows.  See
 * Documentation/rpmsg-lite/rpmsg-bus.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/rpmsg.h>
#include <linux/rpmsg_lite.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "rl_internal.h"
#include "rl_rpmsg_internal.h"

#ifdef RL_RPMSG_LAYOUT_KNOWN

/* Most channel devices the peer may make us create on one link. */
#define RL_BUS_CHANS_MAX	64
/* Wait queues rpmsg_lite_poll() may register on. */
#define RL_BUS_TX_HOOKS		2
/* Name the upstream rpmsg_ctrl driver binds to. */
#define RL_BUS_CTRL_NAME	"rpmsg_ctrl"

static unsigned int bus_send_timeout_ms = 15000;
module_param(bus_send_timeout_ms, uint, 0644);
MODULE_PARM_DESC(bus_send_timeout_ms,
		 "how long rpmsg_send() over a link waits for a free buffer (ms, default 15000 like virtio_rpmsg_bus)");

/**
 * enum rl_bus_ev_kind - work for the bridge's work item
 * @RL_BUS_EV_NS_CREATE: the peer announced a service
 * @RL_BUS_EV_NS_DESTROY: the peer withdrew a service
 * @RL_BUS_EV_LINK_DOWN: the peer went away: its services went with it
 * @RL_BUS_EV_LINK_UP: the peer is (back) up: it needs our services again
 */
enum rl_bus_ev_kind {
	RL_BUS_EV_NS_CREATE,
	RL_BUS_EV_NS_DESTROY,
	RL_BUS_EV_LINK_DOWN,
	RL_BUS_EV_LINK_UP,
};

/**
 * struct rl_bus_ev - one queued event of a link
 * @node: in rl_bus_link.events
 * @kind: what happened
 * @addr: announced address (name-service events)
 * @name: announced name (name-service events)
 */
struct rl_bus_ev {
	struct list_head node;
	enum rl_bus_ev_kind kind;
	u32 addr;
	char name[RPMSG_NAME_SIZE];
};

/**
 * struct rl_bus_hook - our entry on one of the core link's wait queues
 * @wait: entry whose wake function relays to rl_bus_link.txq
 * @wqh: the core's wait queue head it is on (NULL: unused)
 */
struct rl_bus_hook {
	wait_queue_entry_t wait;
	wait_queue_head_t *wqh;
};

/**
 * struct rl_bus_link - the bridge's state of one link
 * @dev: rpmsg_lite_linkN, parent of every rpmsg device of the link
 * @node: in rl_bus_links, under rl_bus_lock
 * @rl: the core link; read under @srcu, NULL once removed
 * @srcu: protects the use of @rl and of endpoints' core endpoints
 * @index: N of the device name
 * @mtu: the link's payload size
 * @role: master or remote, for sysfs
 * @link_name: the core link's name, for sysfs
 * @lock: protects @dead and @epts
 * @dead: LINK_REMOVED was seen: no new endpoints or channels
 * @epts: endpoints created on the link (struct rl_bus_ept.node)
 * @ev_lock: protects @events and @ev_closed (taken by the name-service
 *           callback on the link's receive work)
 * @events: pending struct rl_bus_ev, handled by @ev_work in order
 * @ev_closed: the link is being removed: queue nothing more
 * @ev_work: creates and removes channel devices
 * @ns: our listener on the link's name service
 * @txq: pollers of the link's endpoints; woken through @hooks from the
 *       core's wait queues, so no file waits on memory of the core link
 * @pt: poll table used once to put @hooks on the core's wait queues
 * @hooks: our entries on the core's wait queues
 * @rcu: @txq may have had epoll entries: freed after a grace period
 */
struct rl_bus_link {
	struct device dev;
	struct list_head node;
	struct rpmsg_lite_instance *rl;
	struct srcu_struct srcu;
	int index;
	u32 mtu;
	enum rpmsg_lite_role role;
	char link_name[RL_NS_NAME_SIZE];

	struct mutex lock;		/* @dead, @epts */
	bool dead;
	struct list_head epts;

	spinlock_t ev_lock;		/* @events from the ns callback */
	struct list_head events;
	bool ev_closed;
	struct work_struct ev_work;
	struct rl_ns_listener ns;

	wait_queue_head_t txq;
	poll_table pt;
	struct rl_bus_hook hooks[RL_BUS_TX_HOOKS];
	struct rcu_head rcu;
};

/**
 * struct rl_bus_chan - an rpmsg device of a link
 * @rpdev: the device on the rpmsg bus
 * @link: its link (the parent device; referenced by the driver core)
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
 * @lept: the core endpoint; NULL once destroyed (read under the link's
 *        SRCU, changed under its lock)
 * @node: in rl_bus_link.epts
 * @reap_node: on the removal list of a link going away
 * @reap_lept: the core endpoint the removal destroys
 */
struct rl_bus_ept {
	struct rpmsg_endpoint ept;
	struct rl_bus_link *link;
	struct rpmsg_lite_endpoint *lept;
	struct list_head node;
	struct list_head reap_node;
	struct rpmsg_lite_endpoint *reap_lept;
};

/* Log lines of a link: "<link's device>: rpmsg_lite_linkN: ..." */
#define rl_bus_log(fn, link, fmt, ...)					\
	do {								\
		struct rl_bus_link *__l = (link);			\
									\
		fn(__l->dev.parent, "%s: " fmt, dev_name(&__l->dev),	\
		   ##__VA_ARGS__);					\
	} while (0)

#define dev_to_rpdev(d)		container_of(d, struct rpmsg_device, dev)
#define dev_to_bus_link(d)	container_of(d, struct rl_bus_link, dev)
#define rpdev_to_chan(r)	container_of(r, struct rl_bus_chan, rpdev)
#define ept_to_bus_ept(e)	container_of(e, struct rl_bus_ept, ept)

/* Protects rl_bus_links (notifier versus module exit). */
static DEFINE_MUTEX(rl_bus_lock);
static LIST_HEAD(rl_bus_links);
static DEFINE_IDA(rl_bus_ida);
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

	put_device(&be->link->dev);
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
	INIT_LIST_HEAD(&be->reap_node);

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
	be->lept = lept;
	be->ept.addr = rpmsg_lite_ept_addr(lept);
	list_add_tail(&be->node, &link->epts);
	get_device(&link->dev);
	mutex_unlock(&link->lock);
	return &be->ept;
}

static void rl_bus_destroy_ept(struct rpmsg_endpoint *ept)
{
	struct rl_bus_ept *be = ept_to_bus_ept(ept);
	struct rl_bus_link *link = be->link;
	struct rpmsg_lite_instance *rl;
	struct rpmsg_lite_endpoint *lept;
	int idx;

	mutex_lock(&ept->cb_lock);
	ept->cb = NULL;
	mutex_unlock(&ept->cb_lock);

	/*
	 * Read @rl before taking @lept: the removal of the link clears @rl
	 * only after it took every @lept still listed, so a @lept found here
	 * always comes with a live @rl.
	 */
	idx = srcu_read_lock(&link->srcu);
	rl = READ_ONCE(link->rl);
	mutex_lock(&link->lock);
	lept = be->lept;
	WRITE_ONCE(be->lept, NULL);
	list_del_init(&be->node);
	mutex_unlock(&link->lock);
	/* waits for a callback of this endpoint still running */
	if (lept && rl)
		rpmsg_lite_destroy_ept(rl, lept);
	srcu_read_unlock(&link->srcu, idx);

	kref_put(&ept->refcount, rl_bus_ept_release);
}

static int rl_bus_xmit(struct rpmsg_endpoint *ept, u32 src, u32 dst,
		       void *data, int len, bool wait)
{
	struct rl_bus_ept *be = ept_to_bus_ept(ept);
	struct rl_bus_link *link = be->link;
	struct rpmsg_lite_endpoint *lept;
	struct rpmsg_lite_instance *rl;
	int idx, ret;

	if (len < 0 || !data)
		return -EINVAL;
	if (dst == RPMSG_ADDR_ANY || dst == RL_NS_EPT_ADDR)
		return -EINVAL;
	/* the core sends from the endpoint's own address only */
	if (src != ept->addr)
		return -EOPNOTSUPP;

	idx = srcu_read_lock(&link->srcu);
	rl = READ_ONCE(link->rl);
	lept = READ_ONCE(be->lept);
	if (!rl || !lept)
		ret = -EPIPE;
	else
		ret = rpmsg_lite_send(rl, lept, dst, data, len,
				      wait ? READ_ONCE(bus_send_timeout_ms) :
				      RL_DONT_BLOCK);
	srcu_read_unlock(&link->srcu, idx);
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
	struct rl_bus_link *link = ept_to_bus_ept(ept)->link;
	struct rpmsg_lite_instance *rl;
	__poll_t mask;
	int idx;

	poll_wait(filp, &link->txq, wait);
	idx = srcu_read_lock(&link->srcu);
	rl = READ_ONCE(link->rl);
	mask = rl ? rpmsg_lite_poll(rl, NULL, NULL) : EPOLLHUP | EPOLLERR;
	srcu_read_unlock(&link->srcu, idx);
	return mask;
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

#ifdef RL_RPDEV_DRIVER_OVERRIDE
	/* the backend frees what the rpmsg core or sysfs set */
	kfree(chan->rpdev.driver_override);
#endif
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
		dev = device_find_child(&link->dev, (void *)m,
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
	struct rpmsg_channel_info key = *ci;
	struct rl_bus_match m = { .chinfo = &key };
	struct rl_bus_chan *chan;
	unsigned int n = 0;
	struct device *dup;
	int ret;

	key.name[RPMSG_NAME_SIZE - 1] = '\0';
	if (!ctrl) {
		dup = device_find_child(&link->dev, &m, rl_bus_chan_match);
		if (dup) {
			put_device(dup);
			rl_bus_log(dev_dbg, link, "channel %s 0x%x -> 0x%x exists\n",
				   key.name, key.src, key.dst);
			return NULL;
		}
		device_for_each_child(&link->dev, &n, rl_bus_count_chan);
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
	chan->rpdev.dev.parent = &link->dev;
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

static struct rpmsg_device *
rl_bus_create_channel(struct rpmsg_device *rpdev,
		      struct rpmsg_channel_info *chinfo)
{
	struct rl_bus_link *link = rpdev_to_chan(rpdev)->link;
	bool dead;

	mutex_lock(&link->lock);
	dead = link->dead;
	mutex_unlock(&link->lock);
	if (dead)
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
	dev = device_find_child(&link->dev, &m, rl_bus_chan_match);
	if (!dev)
		return -EINVAL;
	device_unregister(dev);
	put_device(dev);
	return 0;
}

static int rl_bus_announce(struct rpmsg_device *rpdev, u32 flags)
{
	struct rl_bus_link *link = rpdev_to_chan(rpdev)->link;
	struct rpmsg_lite_endpoint *lept;
	struct rpmsg_lite_instance *rl;
	int idx, ret = 0;

	if (!rpdev->announce || !rpdev->ept)
		return 0;

	idx = srcu_read_lock(&link->srcu);
	rl = READ_ONCE(link->rl);
	lept = READ_ONCE(ept_to_bus_ept(rpdev->ept)->lept);
	if (!rl || !lept)
		ret = -EPIPE;
	else
		ret = rpmsg_lite_ns_announce(rl, lept, rpdev->id.name, flags);
	srcu_read_unlock(&link->srcu, idx);
	if (ret)
		dev_err(&rpdev->dev, "cannot announce %s to the peer: %d\n",
			flags == RL_NS_CREATE ? "creation" : "removal", ret);
	return ret;
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

static void rl_bus_queue(struct rl_bus_link *link, struct rl_bus_ev *ev)
{
	unsigned long flags;
	bool closed;

	spin_lock_irqsave(&link->ev_lock, flags);
	closed = link->ev_closed;
	if (!closed)
		list_add_tail(&ev->node, &link->events);
	spin_unlock_irqrestore(&link->ev_lock, flags);
	if (closed)
		kfree(ev);
	else
		queue_work(rl_bus_wq, &link->ev_work);
}

/* Name-service listener (the link's receive work): defer to ev_work. */
static void rl_bus_ns_cb(u32 addr, const char *name, u32 flags, void *data)
{
	struct rl_bus_link *link = data;
	struct rl_bus_ev *ev;

	ev = kzalloc(sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return;
	ev->kind = flags == RL_NS_CREATE ? RL_BUS_EV_NS_CREATE :
					   RL_BUS_EV_NS_DESTROY;
	ev->addr = addr;
	strscpy(ev->name, name, sizeof(ev->name));
	rl_bus_queue(link, ev);
}

/*
 * A peer that was reset forgot what we announced: announce again every
 * local channel that has a bound driver and a fixed address.
 */
static int rl_bus_reannounce(struct device *dev, void *data)
{
	struct rl_bus_chan *chan;

	if (!rl_bus_is_chan(dev))
		return 0;
	chan = rpdev_to_chan(dev_to_rpdev(dev));
	if (chan->ctrl || chan->from_peer)
		return 0;
	/* the driver core holds it across probe and remove */
	device_lock(dev);
	if (dev->driver)
		rl_bus_announce(&chan->rpdev, RL_NS_CREATE);
	device_unlock(dev);
	return 0;
}

static void rl_bus_handle(struct rl_bus_link *link, struct rl_bus_ev *ev)
{
	struct rpmsg_channel_info ci = { };
	struct rl_bus_match m = { .chinfo = &ci, .from_peer = true };
	int n;

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
		device_for_each_child(&link->dev, NULL, rl_bus_reannounce);
		break;
	}
}

static void rl_bus_ev_work(struct work_struct *work)
{
	struct rl_bus_link *link = container_of(work, struct rl_bus_link,
						ev_work);
	struct rl_bus_ev *ev;
	unsigned long flags;
	bool dead;

	for (;;) {
		spin_lock_irqsave(&link->ev_lock, flags);
		ev = list_first_entry_or_null(&link->events, struct rl_bus_ev,
					      node);
		if (ev)
			list_del(&ev->node);
		spin_unlock_irqrestore(&link->ev_lock, flags);
		if (!ev)
			break;
		mutex_lock(&link->lock);
		dead = link->dead;
		mutex_unlock(&link->lock);
		/* the removal waits for this work before it cleans up */
		if (!dead)
			rl_bus_handle(link, ev);
		kfree(ev);
	}
}

/* ------------------------------------------------------------------ */
/* Links                                                              */
/* ------------------------------------------------------------------ */

/* Relay wake-ups of the core link's wait queues to our own. */
static int rl_bus_tx_wake(wait_queue_entry_t *wait, unsigned int mode,
			  int sync, void *key)
{
	struct rl_bus_link *link = wait->private;

	wake_up_interruptible_all(&link->txq);
	return 0;
}

static void rl_bus_qproc(struct file *filp, wait_queue_head_t *wqh,
			 poll_table *pt)
{
	struct rl_bus_link *link = container_of(pt, struct rl_bus_link, pt);
	int i;

	for (i = 0; i < RL_BUS_TX_HOOKS; i++) {
		if (link->hooks[i].wqh == wqh)
			return;
		if (!link->hooks[i].wqh) {
			init_waitqueue_func_entry(&link->hooks[i].wait,
						  rl_bus_tx_wake);
			link->hooks[i].wait.private = link;
			link->hooks[i].wqh = wqh;
			add_wait_queue(wqh, &link->hooks[i].wait);
			return;
		}
	}
	rl_bus_log(dev_warn, link,
		   "link uses more wait queues than expected\n");
}

static void rl_bus_unhook(struct rl_bus_link *link)
{
	int i;

	for (i = 0; i < RL_BUS_TX_HOOKS; i++) {
		if (link->hooks[i].wqh) {
			remove_wait_queue(link->hooks[i].wqh,
					  &link->hooks[i].wait);
			link->hooks[i].wqh = NULL;
		}
	}
}

static void rl_bus_link_release(struct device *dev)
{
	struct rl_bus_link *link = dev_to_bus_link(dev);

	cleanup_srcu_struct(&link->srcu);
	ida_free(&rl_bus_ida, link->index);
	/* detach epoll entries left on @txq, then free after a grace period */
	wake_up_pollfree(&link->txq);
	kfree_rcu(link, rcu);
	rl_bus_obj_put();
}

static ssize_t link_name_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_bus_link(dev)->link_name);
}
static DEVICE_ATTR_RO(link_name);

static ssize_t role_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  dev_to_bus_link(dev)->role == RPMSG_LITE_MASTER ?
			  "master" : "remote");
}
static DEVICE_ATTR_RO(role);

static struct attribute *rl_bus_link_attrs[] = {
	&dev_attr_link_name.attr,
	&dev_attr_role.attr,
	NULL
};
ATTRIBUTE_GROUPS(rl_bus_link);

static int rl_bus_link_add(struct rpmsg_lite_instance *rl)
{
	struct rpmsg_channel_info ci = {
		.name = RL_BUS_CTRL_NAME,
		.src = RPMSG_ADDR_ANY,
		.dst = RPMSG_ADDR_ANY,
	};
	struct rl_bus_link *link;
	const char *name;
	int ret;

	link = kzalloc(sizeof(*link), GFP_KERNEL);
	if (!link)
		return -ENOMEM;
	ret = init_srcu_struct(&link->srcu);
	if (ret) {
		kfree(link);
		return ret;
	}
	ret = ida_alloc(&rl_bus_ida, GFP_KERNEL);
	if (ret < 0) {
		cleanup_srcu_struct(&link->srcu);
		kfree(link);
		return ret;
	}
	atomic_inc(&rl_bus_objs);
	link->index = ret;
	link->rl = rl;
	link->mtu = rpmsg_lite_get_payload_size(rl);
	link->role = rpmsg_lite_get_role(rl);
	name = rpmsg_lite_get_name(rl);
	strscpy(link->link_name, name ?: "", sizeof(link->link_name));
	mutex_init(&link->lock);
	INIT_LIST_HEAD(&link->epts);
	spin_lock_init(&link->ev_lock);
	INIT_LIST_HEAD(&link->events);
	INIT_WORK(&link->ev_work, rl_bus_ev_work);
	init_waitqueue_head(&link->txq);

	device_initialize(&link->dev);
	link->dev.parent = rpmsg_lite_get_device(rl);
	link->dev.groups = rl_bus_link_groups;
	link->dev.release = rl_bus_link_release;
	dev_set_name(&link->dev, "rpmsg_lite_link%d", link->index);
	ret = device_add(&link->dev);
	if (ret) {
		put_device(&link->dev);
		return ret;
	}

	init_poll_funcptr(&link->pt, rl_bus_qproc);
	rpmsg_lite_poll(rl, NULL, &link->pt);
	rl_ns_listen(rl, &link->ns, rl_bus_ns_cb, link);

	if (!rl_bus_chan_add(link, &ci, false, true))
		rl_bus_log(dev_warn, link, "no rpmsg control device (%s)\n",
			   link->link_name);

	mutex_lock(&rl_bus_lock);
	list_add_tail(&link->node, &rl_bus_links);
	mutex_unlock(&rl_bus_lock);
	return 0;
}

/* The core link goes away: unbind and remove everything on it. */
static void rl_bus_link_remove(struct rl_bus_link *link)
{
	struct rl_bus_match all = { .ctrl_too = true };
	struct rpmsg_lite_instance *rl = link->rl;
	struct rl_bus_ept *be, *tmp;
	struct rl_bus_ev *ev, *etmp;
	unsigned long flags;
	LIST_HEAD(reap);
	LIST_HEAD(evs);

	rl_ns_unlisten(&link->ns);
	spin_lock_irqsave(&link->ev_lock, flags);
	link->ev_closed = true;
	list_splice_init(&link->events, &evs);
	spin_unlock_irqrestore(&link->ev_lock, flags);
	mutex_lock(&link->lock);
	link->dead = true;
	mutex_unlock(&link->lock);
	cancel_work_sync(&link->ev_work);
	list_for_each_entry_safe(ev, etmp, &evs, node)
		kfree(ev);

	/* drivers unbind and destroy their endpoints while @rl is valid */
	rl_bus_chan_remove(link, &all);

	/* endpoints their users did not destroy */
	mutex_lock(&link->lock);
	list_for_each_entry_safe(be, tmp, &link->epts, node) {
		list_del_init(&be->node);
		be->reap_lept = be->lept;
		WRITE_ONCE(be->lept, NULL);
		kref_get(&be->ept.refcount);
		list_add_tail(&be->reap_node, &reap);
	}
	mutex_unlock(&link->lock);
	/* senders that still saw a core endpoint have left */
	synchronize_srcu(&link->srcu);
	list_for_each_entry_safe(be, tmp, &reap, reap_node) {
		rl_bus_log(dev_warn, link,
			   "endpoint 0x%x still exists at link removal: destroyed\n",
			   be->ept.addr);
		rpmsg_lite_destroy_ept(rl, be->reap_lept);
		list_del_init(&be->reap_node);
		kref_put(&be->ept.refcount, rl_bus_ept_release);
	}

	WRITE_ONCE(link->rl, NULL);
	synchronize_srcu(&link->srcu);
	rl_bus_unhook(link);
	wake_up_interruptible_all(&link->txq);
	device_unregister(&link->dev);
}

/* Find the bridge's link of @rl (referenced), optionally unlisting it. */
static struct rl_bus_link *rl_bus_find(struct rpmsg_lite_instance *rl,
				       bool unlist)
{
	struct rl_bus_link *link, *found = NULL;

	mutex_lock(&rl_bus_lock);
	list_for_each_entry(link, &rl_bus_links, node) {
		if (link->rl == rl) {
			found = link;
			if (unlist)
				list_del(&link->node);
			else
				get_device(&link->dev);
			break;
		}
	}
	mutex_unlock(&rl_bus_lock);
	return found;
}

static int rl_bus_notify(struct notifier_block *nb, unsigned long event,
			 void *data)
{
	struct rpmsg_lite_instance *rl = data;
	struct rl_bus_link *link;
	struct rl_bus_ev *ev;
	int ret;

	switch (event) {
	case RPMSG_LITE_EVENT_LINK_ADDED:
		ret = rl_bus_link_add(rl);
		if (ret)
			pr_warn("link %s not on the rpmsg bus: %d\n",
				rpmsg_lite_get_name(rl) ?: "?", ret);
		break;
	case RPMSG_LITE_EVENT_LINK_DOWN:
	case RPMSG_LITE_EVENT_LINK_UP:
		/* may run on the link's receive work: defer */
		link = rl_bus_find(rl, false);
		if (!link)
			break;
		ev = kzalloc(sizeof(*ev), GFP_KERNEL);
		if (ev) {
			ev->kind = event == RPMSG_LITE_EVENT_LINK_UP ?
				   RL_BUS_EV_LINK_UP : RL_BUS_EV_LINK_DOWN;
			rl_bus_queue(link, ev);
		}
		put_device(&link->dev);
		break;
	case RPMSG_LITE_EVENT_LINK_REMOVED:
		link = rl_bus_find(rl, true);
		if (link)
			rl_bus_link_remove(link);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block rl_bus_nb = {
	.notifier_call = rl_bus_notify,
};

/**
 * rl_rpmsg_bus_init() - start bridging links to the kernel's rpmsg bus
 *
 * Like the char device, hears only about links added from now on, so
 * rpmsg_lite.ko brings it up before any link exists.
 *
 * Return: 0 or a negative errno.
 */
int rl_rpmsg_bus_init(void)
{
	int ret;

	rl_bus_wq = alloc_ordered_workqueue("rpmsg_lite_bus", 0);
	if (!rl_bus_wq)
		return -ENOMEM;
	ret = rpmsg_lite_register_notifier(&rl_bus_nb);
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
	struct rl_bus_link *link;

	rpmsg_lite_unregister_notifier(&rl_bus_nb);
	for (;;) {
		mutex_lock(&rl_bus_lock);
		link = list_first_entry_or_null(&rl_bus_links,
						struct rl_bus_link, node);
		if (link)
			list_del(&link->node);
		mutex_unlock(&rl_bus_lock);
		if (!link)
			break;
		rl_bus_link_remove(link);
	}
	destroy_workqueue(rl_bus_wq);
	wait_event(rl_bus_objs_wq, !atomic_read(&rl_bus_objs));
	/* kfree_rcu() of the links */
	rcu_barrier();
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
