// SPDX-License-Identifier: GPL-2.0
/*
 * Mailbox-framework transport of rpmsg-lite links.
 *
 * A client of the framework through <linux/mailbox_client.h> alone: it
 * never looks inside a channel or its controller.  Channels that a
 * controller hands over directly are bound with rl_mbox_bind_client()
 * (rl_compat.h: mbox_bind_client(), or its stand-in on kernels before it).
 *
 * One struct rl_mbox per link.  It owns up to four mailbox channels (a tx
 * and an rx channel per queue, see struct rl_mbox_desc), each with its own
 * struct mbox_client so that the receive callback knows which channel a
 * kick came from.
 *
 * Sending: a kick is a doorbell, not data.  While a kick for a queue waits
 * in the framework's software queue, a second one adds nothing (the peer
 * reads the rings when the first arrives), so it is coalesced; the pending
 * bit is cleared in tx_prepare, just before the framework hands the
 * message to the controller.  A full framework queue (-ENOBUFS) likewise
 * means a kick is pending and is counted, not reported.
 *
 * Receiving: the controller calls rl_mbox_rx_callback() in its own context
 * (often hard IRQ).  The kick is decoded and passed to rpmsg_lite_isr(),
 * nothing else.  The link pointer is published with RCU: stop() clears it
 * and waits for a grace period, after which no callback can still be using
 * it.  A kick that arrives while no link is started is latched (one bit
 * per queue, like a pending interrupt flag) and replayed by start().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/irqflags.h>
#include <linux/mailbox_client.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/property.h>
#include <linux/rcupdate.h>
#include <linux/rpmsg_lite.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "rl_compat.h"
#include "rl_mbox.h"
#include "rl_wire.h"

/* Channel slots of a transport: tx[0], tx[1], rx[0], rx[1]. */
#define RL_MBOX_SLOT_TX(q)	(q)
#define RL_MBOX_SLOT_RX(q)	(RL_MBOX_QUEUES + (q))
#define RL_MBOX_SLOTS		(2 * RL_MBOX_QUEUES)

struct rl_mbox;

/**
 * struct rl_mbox_ch - one mailbox channel of a link
 * @cl: the framework's client; one per channel so callbacks know the slot
 * @chan: the bound channel, or NULL when the slot is not used
 * @mb: owning transport
 * @queue: queue this channel serves (used by RL_KICK_PER_VRING)
 */
struct rl_mbox_ch {
	struct mbox_client cl;
	struct mbox_chan *chan;
	struct rl_mbox *mb;
	unsigned int queue;
};

/**
 * struct rl_mbox - mailbox transport of one link
 * @dev: device of the link (client device, log messages)
 * @encoding: kick encoding
 * @knows_txdone: call mbox_client_txdone() after each send
 * @ch: channel slots, see RL_MBOX_SLOT_TX() / RL_MBOX_SLOT_RX()
 * @tx: channel to kick queue q on
 * @rl: the started link, or NULL; RCU protected (readers: rx callback)
 * @link_id: link id of @rl, written before @rl is published
 * @words: message word per queue, stable while the transport exists (the
 *	   framework keeps a pointer to it until the controller took it)
 * @tx_pending: bit q set while a kick for queue q waits in the framework
 * @rx_latched: bit q set when a kick for queue q came while not started
 * @kicks_sent: see &struct rl_mbox_stats
 * @kicks_coalesced: see &struct rl_mbox_stats
 * @queue_full: see &struct rl_mbox_stats
 * @send_errors: see &struct rl_mbox_stats
 * @kicks_received: see &struct rl_mbox_stats
 * @rx_bad: see &struct rl_mbox_stats
 * @rx_early: see &struct rl_mbox_stats
 */
struct rl_mbox {
	struct device *dev;
	enum rl_kick_encoding encoding;
	bool knows_txdone;
	struct rl_mbox_ch ch[RL_MBOX_SLOTS];
	struct rl_mbox_ch *tx[RL_MBOX_QUEUES];
	struct rpmsg_lite_instance __rcu *rl;
	u32 link_id;
	u32 words[RL_MBOX_QUEUES];
	unsigned long tx_pending;
	unsigned long rx_latched;
	atomic64_t kicks_sent;
	atomic64_t kicks_coalesced;
	atomic64_t queue_full;
	atomic64_t send_errors;
	atomic64_t kicks_received;
	atomic64_t rx_bad;
	atomic64_t rx_early;
};

/**
 * rl_kick_encoding_name() - printable name of a kick encoding
 * @encoding: the encoding
 *
 * Return: "imx", "raw", "per-vring" or "unknown".
 */
const char *rl_kick_encoding_name(enum rl_kick_encoding encoding)
{
	switch (encoding) {
	case RL_KICK_IMX:
		return "imx";
	case RL_KICK_RAW:
		return "raw";
	case RL_KICK_PER_VRING:
		return "per-vring";
	}
	return "unknown";
}
EXPORT_SYMBOL_NS_GPL(rl_kick_encoding_name, RPMSG_LITE);

/* ---- receive ---- */

/*
 * Hand a kick for @queue to the link.  @vq_id is the decoded vq id, or
 * U32_MAX when the channel alone names the queue (per-vring doorbells).
 */
static void rl_mbox_dispatch(struct rl_mbox *mb, unsigned int queue,
			     u32 vq_id)
{
	struct rpmsg_lite_instance *rl;
	u32 link_id;

	rcu_read_lock();
	rl = rcu_dereference(mb->rl);
	if (!rl) {
		/*
		 * Not started: latch, then look again in case start() ran
		 * in between and missed the bit (it publishes @rl, then
		 * reads the bits; we set the bit, then read @rl).  The link
		 * id is unknown here: a latched kick for another link
		 * becomes at worst one spurious kick.
		 */
		set_bit(queue, &mb->rx_latched);
		/* Bit before @rl; pairs with smp_mb() in rl_mbox_start(). */
		smp_mb__after_atomic();
		rl = rcu_dereference(mb->rl);
		if (!rl) {
			atomic64_inc(&mb->rx_early);
			goto out;
		}
		if (!test_and_clear_bit(queue, &mb->rx_latched))
			goto out;	/* start() replayed it */
		vq_id = U32_MAX;
	}
	/* Pairs with the release in rcu_assign_pointer() in start(). */
	smp_rmb();
	link_id = READ_ONCE(mb->link_id);
	if (vq_id != U32_MAX && vq_id >> 1 != link_id) {
		atomic64_inc(&mb->rx_bad);
		dev_warn_ratelimited(mb->dev,
				     "kick for vq %u ignored: link %u owns vq %u and %u\n",
				     vq_id, link_id, rl_vq_id(link_id, 0),
				     rl_vq_id(link_id, 1));
		goto out;
	}
	atomic64_inc(&mb->kicks_received);
	rpmsg_lite_isr(rl, rl_vq_id(link_id, queue));
out:
	rcu_read_unlock();
}

/*
 * Context: whatever the controller uses to deliver (hard IRQ for most
 * hardware and for the loopback controller).  @msg is only valid during
 * the call.
 */
static void rl_mbox_rx_callback(struct mbox_client *cl, void *msg)
{
	struct rl_mbox_ch *ch = container_of(cl, struct rl_mbox_ch, cl);
	struct rl_mbox *mb = ch->mb;
	u32 vq_id;

	switch (mb->encoding) {
	case RL_KICK_PER_VRING:
		/* The channel is the message. */
		rl_mbox_dispatch(mb, ch->queue, U32_MAX);
		return;
	case RL_KICK_IMX:
		if (!msg)
			break;
		vq_id = *(const u32 *)msg >> RL_MBOX_IMX_SHIFT;
		rl_mbox_dispatch(mb, vq_id & 1, vq_id);
		return;
	case RL_KICK_RAW:
		/* vq ids are far below U32_MAX: that value is never valid */
		if ((uintptr_t)msg >= U32_MAX)
			break;
		vq_id = (uintptr_t)msg;
		rl_mbox_dispatch(mb, vq_id & 1, vq_id);
		return;
	}

	atomic64_inc(&mb->rx_bad);
	dev_warn_ratelimited(mb->dev, "undecodable %s kick ignored\n",
			     rl_kick_encoding_name(mb->encoding));
}

/* ---- send ---- */

static unsigned int rl_mbox_msg_queue(struct rl_mbox *mb, void *msg)
{
	if (mb->encoding == RL_KICK_RAW)
		return (uintptr_t)msg & 1;
	return msg == &mb->words[1];
}

/*
 * Called by the framework with the channel lock held, just before the
 * message goes to the controller: from here on a new kick must be queued
 * again, the peer may already be reading the rings.  The fully ordered
 * test_and_clear_bit() makes every ring update of a kick coalesced into
 * this one visible before the controller is touched.
 */
static void rl_mbox_tx_prepare(struct mbox_client *cl, void *msg)
{
	struct rl_mbox_ch *ch = container_of(cl, struct rl_mbox_ch, cl);
	struct rl_mbox *mb = ch->mb;

	test_and_clear_bit(rl_mbox_msg_queue(mb, msg), &mb->tx_pending);
}

static void rl_mbox_tx_done(struct mbox_client *cl, void *msg, int r)
{
	struct rl_mbox_ch *ch = container_of(cl, struct rl_mbox_ch, cl);
	struct rl_mbox *mb = ch->mb;

	if (r >= 0)
		return;
	atomic64_inc(&mb->send_errors);
	dev_warn_ratelimited(mb->dev, "kick for queue %u failed: %d\n",
			     rl_mbox_msg_queue(mb, msg), r);
}

static int rl_mbox_notify(void *priv, u32 vq_id)
{
	struct rl_mbox *mb = priv;
	unsigned int queue = vq_id & 1;
	struct rl_mbox_ch *ch = mb->tx[queue];
	void *msg;
	int ret;

	if (mb->encoding == RL_KICK_RAW)
		msg = (void *)(uintptr_t)vq_id;
	else
		msg = &mb->words[queue];

	if (test_and_set_bit(queue, &mb->tx_pending)) {
		atomic64_inc(&mb->kicks_coalesced);
		return 0;
	}

	ret = mbox_send_message(ch->chan, msg);
	if (ret == -ENOBUFS) {
		/* Queue full: kicks are pending, ours adds nothing. */
		clear_bit(queue, &mb->tx_pending);
		atomic64_inc(&mb->queue_full);
		return 0;
	}
	if (ret < 0) {
		clear_bit(queue, &mb->tx_pending);
		atomic64_inc(&mb->send_errors);
		dev_warn_ratelimited(mb->dev, "kick for vq %u failed: %d\n",
				     vq_id, ret);
		return ret;
	}
	atomic64_inc(&mb->kicks_sent);
	if (mb->knows_txdone)
		mbox_client_txdone(ch->chan, 0);
	return 0;
}

/* ---- start / stop ---- */

static int rl_mbox_start(void *priv, struct rpmsg_lite_instance *rl)
{
	struct rl_mbox *mb = priv;
	unsigned long flags;
	unsigned int q;
	u32 link_id;

	if (!rl)
		return -EINVAL;
	if (rcu_access_pointer(mb->rl))
		return -EBUSY;

	link_id = rpmsg_lite_get_config(rl)->link_id;
	if (mb->encoding == RL_KICK_IMX &&
	    rl_vq_id(link_id, 1) > U32_MAX >> RL_MBOX_IMX_SHIFT) {
		dev_err(mb->dev, "link id %u does not fit an i.MX kick word\n",
			link_id);
		return -EINVAL;
	}

	for (q = 0; q < RL_MBOX_QUEUES; q++) {
		u32 vq_id = rl_vq_id(link_id, q);

		if (mb->encoding == RL_KICK_IMX)
			WRITE_ONCE(mb->words[q], vq_id << RL_MBOX_IMX_SHIFT);
		else
			WRITE_ONCE(mb->words[q], vq_id);
	}
	WRITE_ONCE(mb->link_id, link_id);
	rcu_assign_pointer(mb->rl, rl);
	/* Publish @rl before looking at the latched kicks. */
	smp_mb();

	/*
	 * Replay kicks that came early, as a controller raises an interrupt
	 * that was pending when it was enabled: with interrupts off, like
	 * the delivery path of most controllers.
	 */
	for (q = 0; q < RL_MBOX_QUEUES; q++) {
		if (!test_and_clear_bit(q, &mb->rx_latched))
			continue;
		local_irq_save(flags);
		atomic64_inc(&mb->kicks_received);
		rpmsg_lite_isr(rl, rl_vq_id(link_id, q));
		local_irq_restore(flags);
	}
	return 0;
}

static void rl_mbox_stop(void *priv)
{
	struct rl_mbox *mb = priv;

	if (!rcu_access_pointer(mb->rl))
		return;
	RCU_INIT_POINTER(mb->rl, NULL);
	/* Wait for receive callbacks that may still hold the link. */
	synchronize_rcu();
}

/*
 * rl_mbox_ops: transport operations of a link over mailbox channels.
 * Pass with the &struct rl_mbox from rl_mbox_create() as ops_priv in
 * &struct rpmsg_lite_link_desc.  @notify may be called in atomic context;
 * @start and @stop may sleep.
 */
const struct rpmsg_lite_transport_ops rl_mbox_ops = {
	.start = rl_mbox_start,
	.stop = rl_mbox_stop,
	.notify = rl_mbox_notify,
};
EXPORT_SYMBOL_NS_GPL(rl_mbox_ops, RPMSG_LITE);

/* ---- channel acquisition ---- */

static struct mbox_chan *rl_mbox_request_byname(struct mbox_client *cl,
						const char *name)
{
	struct device *dev = cl->dev;
	struct mbox_chan *chan;
	int index;

	if (!IS_ENABLED(CONFIG_OF) || !is_of_node(dev_fwnode(dev))) {
		dev_err(dev, "mailbox channel \"%s\" needs a device-tree node with \"mboxes\"/\"mbox-names\"; without one pass the channel itself\n",
			name);
		return ERR_PTR(-ENODEV);
	}
	/* Exact match (mbox_request_channel_byname() matches prefixes). */
	index = of_property_match_string(dev->of_node, "mbox-names", name);
	if (index < 0) {
		dev_err(dev, "no \"%s\" in the \"mbox-names\" property (%d)\n",
			name, index);
		return ERR_PTR(-ENODEV);
	}
	chan = mbox_request_channel(cl, index);
	if (IS_ERR(chan))
		dev_err_probe(dev, PTR_ERR(chan),
			      "cannot get mailbox channel \"%s\"\n", name);
	return chan;
}

static bool rl_mbox_chan_desc_used(const struct rl_mbox_chan_desc *cd)
{
	return cd->chan || cd->name;
}

static bool rl_mbox_chan_desc_same(const struct rl_mbox_chan_desc *a,
				   const struct rl_mbox_chan_desc *b)
{
	if (a->chan || b->chan)
		return a->chan == b->chan;
	return a->name && b->name && !strcmp(a->name, b->name);
}

static int rl_mbox_acquire(struct rl_mbox *mb, unsigned int slot,
			   const struct rl_mbox_chan_desc *cd,
			   unsigned int queue)
{
	struct rl_mbox_ch *ch = &mb->ch[slot];
	struct mbox_chan *chan;
	int ret;

	ch->mb = mb;
	ch->queue = queue;
	ch->cl.dev = mb->dev;
	ch->cl.tx_block = false;
	ch->cl.knows_txdone = mb->knows_txdone;
	ch->cl.rx_callback = rl_mbox_rx_callback;
	ch->cl.tx_prepare = rl_mbox_tx_prepare;
	ch->cl.tx_done = rl_mbox_tx_done;

	if (cd->chan) {
		ret = rl_mbox_bind_client(cd->chan, &ch->cl);
		if (ret) {
			dev_err(mb->dev, "cannot bind the mailbox channel given for %s[%u]: %d\n",
				slot == RL_MBOX_SLOT_TX(queue) ? "tx" : "rx",
				queue, ret);
			return ret;
		}
		chan = cd->chan;
	} else {
		chan = rl_mbox_request_byname(&ch->cl, cd->name);
		if (IS_ERR(chan))
			return PTR_ERR(chan);
	}
	ch->chan = chan;
	return 0;
}

static void rl_mbox_release(struct rl_mbox *mb)
{
	unsigned int i;

	for (i = 0; i < RL_MBOX_SLOTS; i++) {
		if (mb->ch[i].chan)
			mbox_free_channel(mb->ch[i].chan);
		mb->ch[i].chan = NULL;
	}
}

static int rl_mbox_check_desc(struct device *dev,
			      const struct rl_mbox_desc *desc)
{
	switch (desc->encoding) {
	case RL_KICK_IMX:
	case RL_KICK_RAW:
		if (!rl_mbox_chan_desc_used(&desc->tx[0])) {
			dev_err(dev, "%s kicks need a tx channel\n",
				rl_kick_encoding_name(desc->encoding));
			return -EINVAL;
		}
		if (rl_mbox_chan_desc_used(&desc->tx[1]) ||
		    rl_mbox_chan_desc_used(&desc->rx[1])) {
			dev_err(dev, "%s kicks use one tx and one rx channel; tx[1]/rx[1] must be empty\n",
				rl_kick_encoding_name(desc->encoding));
			return -EINVAL;
		}
		return 0;
	case RL_KICK_PER_VRING:
		if (!rl_mbox_chan_desc_used(&desc->tx[0]) ||
		    !rl_mbox_chan_desc_used(&desc->tx[1])) {
			dev_err(dev, "per-vring kicks need a channel for each vring (vq0, vq1)\n");
			return -EINVAL;
		}
		return 0;
	}
	dev_err(dev, "unknown kick encoding %d\n", desc->encoding);
	return -EINVAL;
}

/**
 * rl_mbox_create() - bind the mailbox channels of one link
 * @dev: client device: log messages, and its firmware node names the
 *	 channels given by name
 * @desc: encoding and channels
 *
 * Binds every channel of @desc (directly, or looked up by name in the
 * device tree) as a non-blocking client.  Kicks that arrive before the
 * link starts the transport are latched.  Pass the result as ops_priv
 * with &rl_mbox_ops to rpmsg_lite_master_init() / rpmsg_lite_remote_init().
 *
 * Context: process context, may sleep.
 * Return: the transport, or an ERR_PTR: -EINVAL for a bad @desc, -ENODEV
 * when a named channel cannot be found, -EBUSY when a channel has another
 * client, -EPROBE_DEFER when its controller is not there yet, -ENOMEM.
 */
struct rl_mbox *rl_mbox_create(struct device *dev,
			       const struct rl_mbox_desc *desc)
{
	struct rl_mbox *mb;
	unsigned int q, nq;
	int ret;

	if (!dev || !desc)
		return ERR_PTR(-EINVAL);
	ret = rl_mbox_check_desc(dev, desc);
	if (ret)
		return ERR_PTR(ret);

	mb = kzalloc(sizeof(*mb), GFP_KERNEL);
	if (!mb)
		return ERR_PTR(-ENOMEM);
	mb->dev = dev;
	mb->encoding = desc->encoding;
	mb->knows_txdone = desc->knows_txdone;
	atomic64_set(&mb->kicks_sent, 0);
	atomic64_set(&mb->kicks_coalesced, 0);
	atomic64_set(&mb->queue_full, 0);
	atomic64_set(&mb->send_errors, 0);
	atomic64_set(&mb->kicks_received, 0);
	atomic64_set(&mb->rx_bad, 0);
	atomic64_set(&mb->rx_early, 0);

	nq = desc->encoding == RL_KICK_PER_VRING ? RL_MBOX_QUEUES : 1;
	for (q = 0; q < nq; q++) {
		ret = rl_mbox_acquire(mb, RL_MBOX_SLOT_TX(q), &desc->tx[q], q);
		if (ret)
			goto err;
		if (rl_mbox_chan_desc_used(&desc->rx[q]) &&
		    !rl_mbox_chan_desc_same(&desc->rx[q], &desc->tx[q])) {
			ret = rl_mbox_acquire(mb, RL_MBOX_SLOT_RX(q),
					      &desc->rx[q], q);
			if (ret)
				goto err;
		}
	}
	for (q = 0; q < RL_MBOX_QUEUES; q++)
		mb->tx[q] = &mb->ch[RL_MBOX_SLOT_TX(q < nq ? q : 0)];
	return mb;

err:
	rl_mbox_release(mb);
	kfree(mb);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_NS_GPL(rl_mbox_create, RPMSG_LITE);

/**
 * rl_mbox_destroy() - release the channels of a transport and free it
 * @mb: transport from rl_mbox_create(), or NULL / an ERR_PTR (no-op)
 *
 * Call after rpmsg_lite_deinit() of the link that used it.  Kicks still
 * queued in the framework are dropped; once this returns the controller
 * calls none of its callbacks any more.
 *
 * Context: process context, may sleep.
 */
void rl_mbox_destroy(struct rl_mbox *mb)
{
	if (IS_ERR_OR_NULL(mb))
		return;
	if (rcu_access_pointer(mb->rl)) {
		dev_warn(mb->dev, "transport destroyed while its link runs\n");
		rl_mbox_stop(mb);
	}
	rl_mbox_release(mb);
	kfree(mb);
}
EXPORT_SYMBOL_NS_GPL(rl_mbox_destroy, RPMSG_LITE);

/**
 * rl_mbox_get_stats() - read the counters of a transport
 * @mb: transport
 * @stats: filled with a snapshot (each counter read once, not atomically
 *	   as a set)
 *
 * Context: any.
 */
void rl_mbox_get_stats(struct rl_mbox *mb, struct rl_mbox_stats *stats)
{
	stats->kicks_sent = atomic64_read(&mb->kicks_sent);
	stats->kicks_coalesced = atomic64_read(&mb->kicks_coalesced);
	stats->queue_full = atomic64_read(&mb->queue_full);
	stats->send_errors = atomic64_read(&mb->send_errors);
	stats->kicks_received = atomic64_read(&mb->kicks_received);
	stats->rx_bad = atomic64_read(&mb->rx_bad);
	stats->rx_early = atomic64_read(&mb->rx_early);
}
EXPORT_SYMBOL_NS_GPL(rl_mbox_get_stats, RPMSG_LITE);
