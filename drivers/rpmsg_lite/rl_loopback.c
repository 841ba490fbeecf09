// SPDX-License-Identifier: GPL-2.0
/*
 * Loopback mailbox controller, link-pair test peer and echo service
 * (module rpmsg_lite_loopback).
 *
 * The controller is a real struct mbox_controller.  Its channels come in
 * pairs (2k, 2k + 1): a message sent on one is delivered to the client of
 * the other.  Each channel behaves like a one-word mailbox register with a
 * "transmit empty" interrupt: send_data() latches the message and raises a
 * hard-IRQ irq_work on the sending CPU; the irq_work hands the message to
 * the partner's client with mbox_chan_received_data() and then completes
 * the transmission with mbox_chan_txdone(), which lets the framework send
 * the next queued message.  Neither can be called from send_data() itself:
 * the framework holds the channel lock there.
 *
 * A message is a pointer to a 32-bit word (i.MX messaging unit and most
 * register mailboxes: the word is copied at send time and the receiver
 * gets a pointer to a copy valid during its callback) or, for channels set
 * to value mode, the pointer value itself (omap-mailbox style, used for
 * RL_KICK_RAW).
 *
 * On top of it, a link pair puts a master link and a remote link over one
 * vmalloc'ed region, each with an rl_mbox transport on loopback channels,
 * and can run an echo service on the remote.  See
 * Documentation/rpmsg-lite/transport.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/idr.h>
#include <linux/irq_work.h>
#include <linux/kfifo.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mailbox_controller.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/rpmsg_lite.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "rl_compat.h"
#include "rl_loopback.h"
#include "rl_mbox.h"
#include "rl_wire.h"

#define RL_LB_DRV_NAME		"rpmsg-lite-loopback"
#define RL_LB_COMPATIBLE	"rpmsg-lite,loopback-mailbox"

/* Channels a pair of links takes: a tx/rx channel pair each way. */
#define RL_LB_CHANS_PER_LINK_PAIR	4

/* How long the echo service waits for a free tx buffer. */
#define RL_LB_ECHO_TIMEOUT_MS	200
/* How long one wait for link-up lasts before the announce work re-queues. */
#define RL_LB_LINK_UP_POLL_MS	100

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

static unsigned int channels = 64;
module_param(channels, uint, 0444);
MODULE_PARM_DESC(channels, "channels of the loopback controller, even, >= 4 (default 64)");

/**
 * enum rl_lb_msg_mode - what a loopback channel carries
 * @RL_LB_MSG_WORD: the message points to a u32, copied at send time
 * @RL_LB_MSG_VALUE: the message pointer itself is the value
 */
enum rl_lb_msg_mode {
	RL_LB_MSG_WORD,
	RL_LB_MSG_VALUE,
};

/**
 * struct rl_lb_fault - faults the controller injects into messages sent on
 *			a channel, possibly shared by the channels of one
 *			direction of a link pair
 * @drop_next: swallow this many messages (the sender sees success)
 * @error_next: complete this many transmissions with -EIO, undelivered
 */
struct rl_lb_fault {
	atomic_t drop_next;
	atomic_t error_next;
};

struct rl_lb;

/**
 * struct rl_lb_chan - state of one loopback channel
 * @lb: controller
 * @chan: the framework's channel
 * @work: hard-IRQ work delivering the latched message to the partner
 * @lock: protects the fields below (taken in hard IRQ and, nested inside
 *	  the framework's chan->lock, in send_data)
 * @started: a client is bound (between startup and shutdown)
 * @full: a message is latched and not yet delivered
 * @mode: message format
 * @word: latched word (RL_LB_MSG_WORD)
 * @msg: latched message pointer (RL_LB_MSG_VALUE)
 * @fault: faults applied to messages sent on this channel
 * @own_fault: @fault unless a link pair shares one across channels
 * @delivered: messages handed to the partner's client
 * @dropped: messages dropped (fault injection or no client on the partner)
 * @errors: transmissions completed with -EIO (fault injection)
 */
struct rl_lb_chan {
	struct rl_lb *lb;
	struct mbox_chan *chan;
	struct irq_work work;
	spinlock_t lock; /* hard IRQ, send_data, startup/shutdown */
	bool started;
	bool full;
	enum rl_lb_msg_mode mode;
	u32 word;
	void *msg;
	struct rl_lb_fault *fault;
	struct rl_lb_fault own_fault;
	u64 delivered;
	u64 dropped;
	u64 errors;
};

/**
 * struct rl_lb - one loopback controller
 * @dev: its platform device
 * @mbox: the registered controller
 * @chans: framework channels, @mbox.num_chans of them
 * @lbc: our state per channel, same index
 * @pairs_used: bitmap of channel pairs (2k, 2k + 1) handed out to link
 *		pairs or named by a device tree client; under rl_lb_mutex
 * @node: entry in rl_lb_list
 */
struct rl_lb {
	struct device *dev;
	struct mbox_controller mbox;
	struct mbox_chan *chans;
	struct rl_lb_chan *lbc;
	unsigned long *pairs_used;
	struct list_head node;
};

/* Controllers (first one serves link pairs) and their channel bitmaps. */
static DEFINE_MUTEX(rl_lb_mutex);
static LIST_HEAD(rl_lb_list);
static DEFINE_IDA(rl_lb_pair_ida);
static struct platform_device *rl_lb_own_pdev;

/* Every link pair, under rl_lb_mutex; unload destroys what is left. */
static LIST_HEAD(rl_lb_pairs);

/* ---- controller ---- */

static struct rl_lb_chan *rl_lb_partner(struct rl_lb_chan *lbc)
{
	return &lbc->lb->lbc[(lbc->chan - lbc->lb->chans) ^ 1];
}

/*
 * Hard-IRQ context (irq_work with IRQ_WORK_HARD_IRQ): the "interrupt" of
 * the loopback mailbox.  Reads the latched message, delivers it to the
 * partner's client unless a fault says otherwise, then signals tx done.
 */
static void rl_lb_irq_work(struct irq_work *work)
{
	struct rl_lb_chan *lbc = container_of(work, struct rl_lb_chan, work);
	struct rl_lb_chan *peer = rl_lb_partner(lbc);
	enum { DELIVER, DROP, FAIL } fate = DELIVER;
	unsigned long flags;
	bool peer_started;
	void *msg;
	u32 word;

	spin_lock_irqsave(&lbc->lock, flags);
	if (!lbc->full || !lbc->started) {
		/* Nothing latched, or the sender's client is going away. */
		lbc->full = false;
		spin_unlock_irqrestore(&lbc->lock, flags);
		return;
	}
	lbc->full = false;
	word = lbc->word;
	msg = lbc->msg;
	if (atomic_dec_if_positive(&lbc->fault->error_next) >= 0)
		fate = FAIL;
	else if (atomic_dec_if_positive(&lbc->fault->drop_next) >= 0)
		fate = DROP;
	spin_unlock_irqrestore(&lbc->lock, flags);

	if (fate == DELIVER) {
		/*
		 * shutdown() of the partner clears started, then waits for
		 * this work: a client seen here stays bound until we return.
		 */
		spin_lock_irqsave(&peer->lock, flags);
		peer_started = peer->started;
		spin_unlock_irqrestore(&peer->lock, flags);
		if (peer_started)
			mbox_chan_received_data(peer->chan,
						lbc->mode == RL_LB_MSG_WORD ?
						&word : msg);
		else
			fate = DROP;
	}

	spin_lock_irqsave(&lbc->lock, flags);
	if (fate == DELIVER)
		lbc->delivered++;
	else if (fate == DROP)
		lbc->dropped++;
	else
		lbc->errors++;
	spin_unlock_irqrestore(&lbc->lock, flags);

	/* Transmit register empty: the framework may send the next one. */
	mbox_chan_txdone(lbc->chan, fate == FAIL ? -EIO : 0);
}

/* Called by the framework with chan->lock held: latch and raise the IRQ. */
static int rl_lb_send_data(struct mbox_chan *chan, void *data)
{
	struct rl_lb_chan *lbc = chan->con_priv;
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&lbc->lock, flags);
	if (lbc->full) {
		ret = -EBUSY;
	} else if (lbc->mode == RL_LB_MSG_WORD) {
		if (data) {
			lbc->word = *(const u32 *)data;
			lbc->full = true;
		} else {
			ret = -EINVAL;
		}
	} else {
		lbc->msg = data;
		lbc->full = true;
	}
	if (!ret)
		irq_work_queue(&lbc->work);
	spin_unlock_irqrestore(&lbc->lock, flags);
	return ret;
}

static int rl_lb_startup(struct mbox_chan *chan)
{
	struct rl_lb_chan *lbc = chan->con_priv;
	unsigned long flags;

	spin_lock_irqsave(&lbc->lock, flags);
	lbc->full = false;
	lbc->started = true;
	spin_unlock_irqrestore(&lbc->lock, flags);
	return 0;
}

/*
 * The framework clears chan->cl after this returns: make sure no delivery
 * into this channel and no tx done on it is still running or can start.
 */
static void rl_lb_shutdown(struct mbox_chan *chan)
{
	struct rl_lb_chan *lbc = chan->con_priv;
	unsigned long flags;

	spin_lock_irqsave(&lbc->lock, flags);
	lbc->started = false;
	lbc->full = false;
	spin_unlock_irqrestore(&lbc->lock, flags);
	irq_work_sync(&lbc->work);
	irq_work_sync(&rl_lb_partner(lbc)->work);
}

static const struct mbox_chan_ops rl_lb_chan_ops = {
	.send_data = rl_lb_send_data,
	.startup = rl_lb_startup,
	.shutdown = rl_lb_shutdown,
};

/*
 * "mboxes = <&loopback N>": channel N.  Its channel pair is reserved for
 * firmware-described clients and never handed to a link pair.
 */
static struct mbox_chan *rl_lb_of_xlate(struct mbox_controller *mbox,
					const struct of_phandle_args *sp)
{
	struct rl_lb *lb = container_of(mbox, struct rl_lb, mbox);
	unsigned int n;

	if (sp->args_count != 1 || sp->args[0] >= mbox->num_chans)
		return ERR_PTR(-EINVAL);
	n = sp->args[0];
	mutex_lock(&rl_lb_mutex);
	set_bit(n / 2, lb->pairs_used);
	mutex_unlock(&rl_lb_mutex);
	return &lb->chans[n];
}

static int rl_lb_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	unsigned int i, n = channels;
	struct rl_lb *lb;
	int ret;

	if (n < RL_LB_CHANS_PER_LINK_PAIR || n % 2)
		return dev_err_probe(dev, -EINVAL,
				     "channels=%u: need an even number >= %u\n",
				     n, RL_LB_CHANS_PER_LINK_PAIR);

	lb = devm_kzalloc(dev, sizeof(*lb), GFP_KERNEL);
	if (!lb)
		return -ENOMEM;
	lb->chans = devm_kcalloc(dev, n, sizeof(*lb->chans), GFP_KERNEL);
	lb->lbc = devm_kcalloc(dev, n, sizeof(*lb->lbc), GFP_KERNEL);
	lb->pairs_used = devm_bitmap_zalloc(dev, n / 2, GFP_KERNEL);
	if (!lb->chans || !lb->lbc || !lb->pairs_used)
		return -ENOMEM;

	lb->dev = dev;
	for (i = 0; i < n; i++) {
		struct rl_lb_chan *lbc = &lb->lbc[i];

		lbc->lb = lb;
		lbc->chan = &lb->chans[i];
		lbc->work = IRQ_WORK_INIT_HARD(rl_lb_irq_work);
		spin_lock_init(&lbc->lock);
		lbc->mode = RL_LB_MSG_WORD;
		lbc->fault = &lbc->own_fault;
		lb->chans[i].con_priv = lbc;
	}

	lb->mbox.dev = dev;
	lb->mbox.ops = &rl_lb_chan_ops;
	lb->mbox.chans = lb->chans;
	lb->mbox.num_chans = n;
	lb->mbox.txdone_irq = true;
	lb->mbox.of_xlate = rl_lb_of_xlate;
	ret = devm_mbox_controller_register(dev, &lb->mbox);
	if (ret)
		return dev_err_probe(dev, ret,
				     "cannot register the loopback mailbox\n");

	platform_set_drvdata(pdev, lb);
	mutex_lock(&rl_lb_mutex);
	list_add_tail(&lb->node, &rl_lb_list);
	mutex_unlock(&rl_lb_mutex);
	dev_info(dev, "loopback mailbox, %u channels in pairs (2k, 2k+1)\n", n);
	return 0;
}

static RL_PLATFORM_REMOVE_RET rl_lb_remove(struct platform_device *pdev)
{
	struct rl_lb *lb = platform_get_drvdata(pdev);

	mutex_lock(&rl_lb_mutex);
	list_del(&lb->node);
	mutex_unlock(&rl_lb_mutex);
	return RL_PLATFORM_REMOVE_OK;
}

static const struct of_device_id rl_lb_of_match[] = {
	{ .compatible = RL_LB_COMPATIBLE },
	{ }
};
MODULE_DEVICE_TABLE(of, rl_lb_of_match);

static struct platform_driver rl_lb_driver = {
	.probe = rl_lb_probe,
	.remove = rl_lb_remove,
	.driver = {
		.name = RL_LB_DRV_NAME,
		.of_match_table = rl_lb_of_match,
		/* Link pairs use the channels; never unbind under them. */
		.suppress_bind_attrs = true,
	},
};

/* ---- link pairs ---- */

/**
 * struct rl_lb_kept - a message the echo service keeps for later
 * @payload: the received buffer, held with RL_HOLD
 * @len: payload bytes
 * @src: where the echo goes
 */
struct rl_lb_kept {
	void *payload;
	u32 len;
	u32 src;
};

/**
 * struct rl_lb_echo - echo service on the remote link of a pair
 * @p: pair
 * @ept: the endpoint (published after creation; the callback drops
 *	 messages that arrive before)
 * @addr: its address
 * @name: name announced by name service
 * @work: waits for link up, then announces
 * @stopping: rl_loopback_echo_stop() runs; the work must not re-queue
 * @announced: the create announcement was sent
 * @echoed: messages sent back
 * @drops: messages that could not be sent back
 * @kept_lock: protects @holding and @kept
 * @holding: keep what arrives instead of answering (hold_remote); stays
 *	     set until everything kept has been answered, so that answers
 *	     keep the arrival order
 * @kept: messages kept while @holding, in arrival order (at most the
 *	  link's buffer count: the remote cannot hold more)
 */
struct rl_lb_echo {
	struct rl_loopback_pair *p;
	struct rpmsg_lite_endpoint *ept;
	u32 addr;
	char name[RL_NS_NAME_SIZE];
	struct work_struct work;
	bool stopping;
	bool announced;
	atomic64_t echoed;
	atomic64_t drops;
	spinlock_t kept_lock;	/* holding, kept */
	bool holding;
	DECLARE_KFIFO_PTR(kept, struct rl_lb_kept);
};

/* The two links of a pair; every per-side array is indexed by the sender. */
#define RL_LB_MASTER	0
#define RL_LB_REMOTE	1
#define RL_LB_SIDES	2

/**
 * struct rl_lb_side - one link of a pair and the path of its kicks
 * @p: pair
 * @rl: the link
 * @mb: its transport
 * @name: link name, "loopN-master" / "loopN-remote"
 * @tx: loopback channels its kicks are sent on
 * @fault: faults the controller applies to its kicks (shared by @tx)
 * @fail_next: refuse this many kicks with -EIO before they reach the
 *	       transport (rl_loopback_fail_sends())
 * @failed: kicks refused that way
 */
struct rl_lb_side {
	struct rl_loopback_pair *p;
	struct rpmsg_lite_instance *rl;
	struct rl_mbox *mb;
	char name[24];
	struct rl_lb_chan *tx[RL_MBOX_QUEUES];
	struct rl_lb_fault fault;
	atomic_t fail_next;
	atomic64_t failed;
};

/**
 * struct rl_loopback_pair - a master and a remote link over one region
 * @id: N of "loopN-master" / "loopN-remote"
 * @lb: controller whose channels the pair uses
 * @cfg: configuration of both links, defaults applied
 * @encoding: kick encoding of both transports
 * @shm: the region (vmalloc)
 * @shm_size: its size
 * @chan_pair: the two channel pairs taken from @lb
 * @ntx: channels each side sends on (2 for per-vring kicks, else 1)
 * @side: master and remote, see RL_LB_MASTER / RL_LB_REMOTE
 * @echo_lock: serialises echo start/stop
 * @echo: echo service, or NULL
 * @at_load: created by this module at load (from the module parameters)
 * @hold_lock: serialises changes of @remote_held
 * @remote_held: the echo service keeps what it receives (debugfs
 *		 hold_remote)
 * @dbg: debugfs directory "pairN" of a load-time pair, or NULL
 * @node: entry in rl_lb_pairs
 */
struct rl_loopback_pair {
	int id;
	struct rl_lb *lb;
	struct rpmsg_lite_config cfg;
	enum rl_kick_encoding encoding;
	void *shm;
	size_t shm_size;
	unsigned int chan_pair[2];
	unsigned int ntx;
	struct rl_lb_side side[RL_LB_SIDES];
	struct mutex echo_lock; /* echo start/stop/queries */
	struct rl_lb_echo *echo;
	bool at_load;
	struct mutex hold_lock; /* remote_held */
	bool remote_held;
	struct dentry *dbg;
	struct list_head node;
};

static void rl_lb_cfg_defaults(struct rpmsg_lite_config *cfg)
{
	if (!cfg->payload_size)
		cfg->payload_size = RL_DEFAULT_PAYLOAD_SIZE;
	if (!cfg->buffer_count)
		cfg->buffer_count = RL_DEFAULT_BUFFER_COUNT;
	if (!cfg->vring_align)
		cfg->vring_align = RL_DEFAULT_VRING_ALIGN;
	if (!cfg->vring_size)
		cfg->vring_size = RL_DEFAULT_VRING_SIZE;
	if (!cfg->shm_da)
		cfg->shm_da = RL_LOOPBACK_SHM_DA;
}

/* Take two free channel pairs of the first controller. */
static int rl_lb_claim(struct rl_loopback_pair *p)
{
	struct rl_lb *lb;
	unsigned int npairs, a, b;
	int ret = 0;

	mutex_lock(&rl_lb_mutex);
	lb = list_first_entry_or_null(&rl_lb_list, struct rl_lb, node);
	if (!lb) {
		pr_err("no loopback mailbox controller\n");
		ret = -ENODEV;
		goto out;
	}
	npairs = lb->mbox.num_chans / 2;
	a = find_first_zero_bit(lb->pairs_used, npairs);
	b = a < npairs ? find_next_zero_bit(lb->pairs_used, npairs, a + 1) :
			 npairs;
	if (b >= npairs) {
		dev_err(lb->dev, "all %u channels in use (module parameter channels)\n",
			lb->mbox.num_chans);
		ret = -EBUSY;
		goto out;
	}
	set_bit(a, lb->pairs_used);
	set_bit(b, lb->pairs_used);
	p->lb = lb;
	p->chan_pair[0] = a;
	p->chan_pair[1] = b;
out:
	mutex_unlock(&rl_lb_mutex);
	return ret;
}

static void rl_lb_unclaim(struct rl_loopback_pair *p)
{
	mutex_lock(&rl_lb_mutex);
	clear_bit(p->chan_pair[0], p->lb->pairs_used);
	clear_bit(p->chan_pair[1], p->lb->pairs_used);
	mutex_unlock(&rl_lb_mutex);
}

/* Give a channel to a new owner: message format, faults, fresh counters. */
static void rl_lb_chan_setup(struct rl_lb_chan *lbc, enum rl_lb_msg_mode mode,
			     struct rl_lb_fault *fault)
{
	unsigned long flags;

	spin_lock_irqsave(&lbc->lock, flags);
	lbc->mode = mode;
	lbc->fault = fault ? fault : &lbc->own_fault;
	atomic_set(&lbc->own_fault.drop_next, 0);
	atomic_set(&lbc->own_fault.error_next, 0);
	lbc->delivered = 0;
	lbc->dropped = 0;
	lbc->errors = 0;
	spin_unlock_irqrestore(&lbc->lock, flags);
}

/*
 * Channel roles.  A = pair chan_pair[0] (2a, 2a+1), B = chan_pair[1].
 * i.MX / raw:  master tx 2a -> remote rx 2a+1; remote tx 2b -> master
 *              rx 2b+1.
 * per-vring:   queue 0 on A (master 2a <-> remote 2a+1), queue 1 on B
 *              (master 2b <-> remote 2b+1), each channel both ways.
 */
static void rl_lb_pair_descs(struct rl_loopback_pair *p,
			     struct rl_mbox_desc *d)
{
	struct rl_lb_side *m = &p->side[RL_LB_MASTER];
	struct rl_lb_side *r = &p->side[RL_LB_REMOTE];
	struct rl_mbox_desc *md = &d[RL_LB_MASTER], *rd = &d[RL_LB_REMOTE];
	unsigned int a = 2 * p->chan_pair[0], b = 2 * p->chan_pair[1];
	struct mbox_chan *c = p->lb->chans;
	struct rl_lb_chan *lbc = p->lb->lbc;
	enum rl_lb_msg_mode mode;
	unsigned int i, s;

	memset(d, 0, RL_LB_SIDES * sizeof(*d));
	md->encoding = p->encoding;
	rd->encoding = p->encoding;
	if (p->encoding == RL_KICK_PER_VRING) {
		md->tx[0].chan = &c[a];
		md->tx[1].chan = &c[b];
		rd->tx[0].chan = &c[a + 1];
		rd->tx[1].chan = &c[b + 1];
		p->ntx = 2;
		m->tx[0] = &lbc[a];
		m->tx[1] = &lbc[b];
		r->tx[0] = &lbc[a + 1];
		r->tx[1] = &lbc[b + 1];
	} else {
		md->tx[0].chan = &c[a];
		md->rx[0].chan = &c[b + 1];
		rd->tx[0].chan = &c[b];
		rd->rx[0].chan = &c[a + 1];
		p->ntx = 1;
		m->tx[0] = &lbc[a];
		r->tx[0] = &lbc[b];
	}

	mode = p->encoding == RL_KICK_RAW ? RL_LB_MSG_VALUE : RL_LB_MSG_WORD;
	for (i = 0; i < 2; i++) {
		rl_lb_chan_setup(&lbc[a + i], mode, NULL);
		rl_lb_chan_setup(&lbc[b + i], mode, NULL);
	}
	for (s = 0; s < RL_LB_SIDES; s++)
		for (i = 0; i < p->ntx; i++)
			rl_lb_chan_setup(p->side[s].tx[i], mode,
					 &p->side[s].fault);
}

static void rl_lb_pair_chans_reset(struct rl_loopback_pair *p)
{
	unsigned int a = 2 * p->chan_pair[0], b = 2 * p->chan_pair[1];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		rl_lb_chan_setup(&p->lb->lbc[a + i], RL_LB_MSG_WORD, NULL);
		rl_lb_chan_setup(&p->lb->lbc[b + i], RL_LB_MSG_WORD, NULL);
	}
}

/*
 * The framework pins the controller's module for every bound channel.
 * The link pairs are this module's own clients of its own controller:
 * such a reference would only stop the module from ever unloading, so it
 * is dropped after binding and taken back before the channels are freed.
 * Module users of the pair API pin this module through its symbols.
 */
static void rl_lb_unpin_self(void)
{
	unsigned int i;

	for (i = 0; i < RL_LB_CHANS_PER_LINK_PAIR; i++)
		module_put(THIS_MODULE);
}

static void rl_lb_pin_self(void)
{
	unsigned int i;

	for (i = 0; i < RL_LB_CHANS_PER_LINK_PAIR; i++)
		__module_get(THIS_MODULE);
}

/*
 * Transport of a pair's link: rl_mbox, with rl_loopback_fail_sends()
 * applied in front of it (a kick refused there never reaches the
 * mailbox, and rpmsg-lite's notify path gets -EIO as from a controller
 * whose send failed).
 */
static int rl_lb_side_start(void *priv, struct rpmsg_lite_instance *rl)
{
	struct rl_lb_side *side = priv;

	return rl_mbox_ops.start(side->mb, rl);
}

static void rl_lb_side_stop(void *priv)
{
	struct rl_lb_side *side = priv;

	rl_mbox_ops.stop(side->mb);
}

static int rl_lb_side_notify(void *priv, u32 vq_id)
{
	struct rl_lb_side *side = priv;

	if (atomic_dec_if_positive(&side->fail_next) >= 0) {
		atomic64_inc(&side->failed);
		return -EIO;
	}
	return rl_mbox_ops.notify(side->mb, vq_id);
}

static const struct rpmsg_lite_transport_ops rl_lb_side_ops = {
	.start = rl_lb_side_start,
	.stop = rl_lb_side_stop,
	.notify = rl_lb_side_notify,
};

static struct rpmsg_lite_instance *rl_lb_link_init(struct rl_lb_side *side,
						   bool master)
{
	struct rl_loopback_pair *p = side->p;
	struct rpmsg_lite_link_desc desc = {
		.dev = p->lb->dev,
		.name = side->name,
		.shm = p->shm,
		.shm_size = p->shm_size,
		.cfg = p->cfg,
		.ops = &rl_lb_side_ops,
		.ops_priv = side,
	};

	return master ? rpmsg_lite_master_init(&desc) :
			rpmsg_lite_remote_init(&desc);
}

/**
 * rl_loopback_pair_create_enc() - rl_loopback_pair_create() with a chosen
 *				   kick encoding
 * @cfg: see rl_loopback_pair_create()
 * @encoding: kick encoding of both transports (the loopback channels carry
 *	      words for RL_KICK_IMX / RL_KICK_PER_VRING, values for
 *	      RL_KICK_RAW)
 *
 * Context: process context, may sleep.
 * Return: the pair or an ERR_PTR, see rl_loopback_pair_create().
 */
static struct rl_loopback_pair *
rl_loopback_pair_create_enc(const struct rpmsg_lite_config *cfg,
			    enum rl_kick_encoding encoding)
{
	struct rl_mbox_desc d[RL_LB_SIDES];
	struct rl_loopback_pair *p;
	struct rl_lb_side *m, *r;
	unsigned int s;
	u64 size;
	int ret;

	if (!cfg || encoding > RL_KICK_PER_VRING)
		return ERR_PTR(-EINVAL);

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	mutex_init(&p->echo_lock);
	mutex_init(&p->hold_lock);
	p->encoding = encoding;
	p->cfg = *cfg;
	rl_lb_cfg_defaults(&p->cfg);
	m = &p->side[RL_LB_MASTER];
	r = &p->side[RL_LB_REMOTE];
	for (s = 0; s < RL_LB_SIDES; s++) {
		p->side[s].p = p;
		atomic64_set(&p->side[s].failed, 0);
	}

	size = 2ULL * p->cfg.vring_size + 2ULL * p->cfg.buffer_count *
	       ((u64)p->cfg.payload_size + RL_MSG_HDR_SIZE);
	if (p->cfg.buffer_count > RL_MAX_BUFFER_COUNT ||
	    p->cfg.payload_size > RL_MAX_PAYLOAD_SIZE ||
	    size > U32_MAX || p->cfg.shm_da + size > 1ULL << 32) {
		pr_err("loopback pair: region of %llu bytes at %#llx does not fit 32-bit device addresses\n",
		       size, p->cfg.shm_da);
		ret = -EINVAL;
		goto err_free;
	}
	p->shm_size = size;

	ret = ida_alloc(&rl_lb_pair_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_free;
	p->id = ret;
	snprintf(m->name, sizeof(m->name), "loop%d-master", p->id);
	snprintf(r->name, sizeof(r->name), "loop%d-remote", p->id);

	p->shm = vzalloc(p->shm_size);
	if (!p->shm) {
		ret = -ENOMEM;
		goto err_ida;
	}

	ret = rl_lb_claim(p);
	if (ret)
		goto err_shm;
	rl_lb_pair_descs(p, d);

	m->mb = rl_mbox_create(p->lb->dev, &d[RL_LB_MASTER]);
	if (IS_ERR(m->mb)) {
		ret = PTR_ERR(m->mb);
		goto err_chans;
	}
	r->mb = rl_mbox_create(p->lb->dev, &d[RL_LB_REMOTE]);
	if (IS_ERR(r->mb)) {
		ret = PTR_ERR(r->mb);
		goto err_mb_master;
	}
	rl_lb_unpin_self();

	m->rl = rl_lb_link_init(m, true);
	if (IS_ERR(m->rl)) {
		ret = PTR_ERR(m->rl);
		goto err_mb_remote;
	}
	r->rl = rl_lb_link_init(r, false);
	if (IS_ERR(r->rl)) {
		ret = PTR_ERR(r->rl);
		goto err_master;
	}

	mutex_lock(&rl_lb_mutex);
	list_add_tail(&p->node, &rl_lb_pairs);
	mutex_unlock(&rl_lb_mutex);
	return p;

err_master:
	rpmsg_lite_deinit(m->rl);
err_mb_remote:
	rl_lb_pin_self();
	rl_mbox_destroy(r->mb);
err_mb_master:
	rl_mbox_destroy(m->mb);
err_chans:
	rl_lb_pair_chans_reset(p);
	rl_lb_unclaim(p);
err_shm:
	vfree(p->shm);
err_ida:
	ida_free(&rl_lb_pair_ida, p->id);
err_free:
	mutex_destroy(&p->hold_lock);
	mutex_destroy(&p->echo_lock);
	kfree(p);
	return ERR_PTR(ret);
}

/**
 * rl_loopback_pair_create() - a master link and a remote link in this
 *			       kernel, over one memory region
 * @cfg: configuration of both links (same link id, sizes); zero fields
 *	 take the defaults the core applies (payload 496, 2 buffers, align
 *	 0x1000, vring size 0x8000).  @cfg->shm_da 0 becomes
 *	 RL_LOOPBACK_SHM_DA, so descriptors carry device addresses that the
 *	 remote must translate.
 *
 * Allocates a zeroed region of 2 * vring_size + 2 * buffer_count *
 * (payload_size + 16) bytes, takes two channel pairs of the loopback
 * controller, and initialises "loopN-master" then "loopN-remote" on it,
 * both with the rl_mbox transport in RL_KICK_IMX encoding.  Does not wait
 * for the link to come up (rpmsg_lite_wait_for_link_up() does).
 *
 * Context: process context, may sleep.
 * Return: the pair, or an ERR_PTR: -EINVAL for a configuration whose
 * region does not fit 32-bit device addresses (or that the core refuses),
 * -ENODEV when no loopback controller is registered, -EBUSY when its
 * channels are all taken, -ENOMEM.
 */
struct rl_loopback_pair *
rl_loopback_pair_create(const struct rpmsg_lite_config *cfg)
{
	return rl_loopback_pair_create_enc(cfg, RL_KICK_IMX);
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_pair_create, RPMSG_LITE_TEST);

/**
 * rl_loopback_pair_destroy() - tear a pair down
 * @p: pair, or NULL / an ERR_PTR (no-op)
 *
 * Stops the echo service, deinitialises both links, releases the
 * channels and frees the region.
 *
 * Context: process context, may sleep.
 */
void rl_loopback_pair_destroy(struct rl_loopback_pair *p)
{
	if (IS_ERR_OR_NULL(p))
		return;
	mutex_lock(&rl_lb_mutex);
	list_del(&p->node);
	mutex_unlock(&rl_lb_mutex);
	/* waits for hold_remote handlers still running */
	debugfs_remove_recursive(p->dbg);
	rl_loopback_echo_stop(p);
	rpmsg_lite_deinit(p->side[RL_LB_REMOTE].rl);
	rpmsg_lite_deinit(p->side[RL_LB_MASTER].rl);
	rl_lb_pin_self();
	rl_mbox_destroy(p->side[RL_LB_REMOTE].mb);
	rl_mbox_destroy(p->side[RL_LB_MASTER].mb);
	rl_lb_pair_chans_reset(p);
	rl_lb_unclaim(p);
	vfree(p->shm);
	ida_free(&rl_lb_pair_ida, p->id);
	mutex_destroy(&p->hold_lock);
	mutex_destroy(&p->echo_lock);
	kfree(p);
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_pair_destroy, RPMSG_LITE_TEST);

/**
 * rl_loopback_master() - master link of a pair
 * @p: pair
 *
 * Return: the link (valid until rl_loopback_pair_destroy()).
 */
struct rpmsg_lite_instance *rl_loopback_master(struct rl_loopback_pair *p)
{
	return p->side[RL_LB_MASTER].rl;
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_master, RPMSG_LITE_TEST);

/**
 * rl_loopback_remote() - remote link of a pair
 * @p: pair
 *
 * Return: the link (valid until rl_loopback_pair_destroy()).
 */
struct rpmsg_lite_instance *rl_loopback_remote(struct rl_loopback_pair *p)
{
	return p->side[RL_LB_REMOTE].rl;
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_remote, RPMSG_LITE_TEST);

/**
 * rl_loopback_shm() - the shared region of a pair
 * @p: pair
 * @size: if not NULL, set to the region size in bytes
 *
 * Return: kernel mapping of the region (device address cfg.shm_da).
 */
void *rl_loopback_shm(struct rl_loopback_pair *p, size_t *size)
{
	if (size)
		*size = p->shm_size;
	return p->shm;
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_shm, RPMSG_LITE_TEST);

static struct rl_lb_side *rl_lb_sender(struct rl_loopback_pair *p,
				       bool master)
{
	return &p->side[master ? RL_LB_MASTER : RL_LB_REMOTE];
}

/**
 * rl_loopback_drop_kicks() - swallow the next kicks of one direction
 * @p: pair
 * @to_remote: kicks of the master to the remote (else remote to master)
 * @n: how many; replaces what is left of an earlier call, 0 cancels
 *
 * The controller takes each such kick and completes it successfully but
 * never delivers it: the sender cannot tell, the receiver never hears of
 * the ring update (until a later kick).  Counted in
 * &struct rl_loopback_stats.kicks_dropped.
 *
 * Context: any.
 */
void rl_loopback_drop_kicks(struct rl_loopback_pair *p, bool to_remote,
			    unsigned int n)
{
	atomic_set(&rl_lb_sender(p, to_remote)->fault.drop_next,
		   min_t(unsigned int, n, INT_MAX));
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_drop_kicks, RPMSG_LITE_TEST);

/**
 * rl_loopback_fail_sends() - fail the next kicks of one side with -EIO
 * @p: pair
 * @from_master: kicks of the master (else of the remote)
 * @n: how many; replaces what is left of an earlier call, 0 cancels
 *
 * The link's notify returns -EIO and nothing is sent, as with a
 * controller that refuses a message: the core counts a kick error, the
 * peer hears nothing.  Counted in &struct rl_loopback_stats.sends_failed.
 *
 * Context: any.
 */
void rl_loopback_fail_sends(struct rl_loopback_pair *p, bool from_master,
			    unsigned int n)
{
	atomic_set(&rl_lb_sender(p, from_master)->fail_next,
		   min_t(unsigned int, n, INT_MAX));
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_fail_sends, RPMSG_LITE_TEST);

/**
 * rl_loopback_fail_tx_done() - fail the next transmissions of one side
 *				in the controller
 * @p: pair
 * @from_master: kicks of the master (else of the remote)
 * @n: how many; replaces what is left of an earlier call, 0 cancels
 *
 * Unlike rl_loopback_fail_sends() the kick is accepted (notify returns 0)
 * and the controller reports -EIO later in its tx-done interrupt, as
 * hardware does: only the transport sees it (&struct
 * rl_mbox_stats.send_errors); the kick is not delivered.  Counted in
 * &struct rl_loopback_stats.tx_errors.
 *
 * Context: any.
 */
void rl_loopback_fail_tx_done(struct rl_loopback_pair *p, bool from_master,
			      unsigned int n)
{
	atomic_set(&rl_lb_sender(p, from_master)->fault.error_next,
		   min_t(unsigned int, n, INT_MAX));
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_fail_tx_done, RPMSG_LITE_TEST);

/**
 * rl_loopback_get_stats() - counters of one direction of a pair
 * @p: pair
 * @to_remote: master -> remote (else remote -> master)
 * @stats: filled in
 *
 * Context: any.
 */
void rl_loopback_get_stats(struct rl_loopback_pair *p, bool to_remote,
			   struct rl_loopback_stats *stats)
{
	struct rl_lb_side *side = rl_lb_sender(p, to_remote);
	unsigned long flags;
	unsigned int i;

	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < p->ntx; i++) {
		struct rl_lb_chan *lbc = side->tx[i];

		spin_lock_irqsave(&lbc->lock, flags);
		stats->kicks_delivered += lbc->delivered;
		stats->kicks_dropped += lbc->dropped;
		stats->tx_errors += lbc->errors;
		spin_unlock_irqrestore(&lbc->lock, flags);
	}
	stats->sends_failed = atomic64_read(&side->failed);
	rl_mbox_get_stats(side->mb, &stats->mbox);
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_get_stats, RPMSG_LITE_TEST);

/**
 * rl_loopback_kick_count() - kicks delivered in one direction
 * @p: pair
 * @to_remote: master -> remote (else remote -> master)
 *
 * Return: kicks the loopback handed to the receiving link's transport
 * since the pair was created (dropped and failed ones not included).
 *
 * Context: any.
 */
u64 rl_loopback_kick_count(struct rl_loopback_pair *p, bool to_remote)
{
	struct rl_loopback_stats st;

	rl_loopback_get_stats(p, to_remote, &st);
	return st.kicks_delivered;
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_kick_count, RPMSG_LITE_TEST);

/* ---- echo service ---- */

/*
 * Receive callback on the remote: send every message back to its source,
 * or, while the pair is held, keep it (RL_HOLD) for rl_lb_echo_release().
 */
static int rl_lb_echo_cb(void *payload, u32 payload_len, u32 src, void *priv)
{
	struct rl_lb_echo *e = priv;
	struct rpmsg_lite_endpoint *ept = READ_ONCE(e->ept);
	bool kept = false;
	int ret = -ENODEV;

	spin_lock(&e->kept_lock);
	if (e->holding)
		kept = kfifo_put(&e->kept, ((struct rl_lb_kept){
			.payload = payload, .len = payload_len, .src = src }));
	spin_unlock(&e->kept_lock);
	if (kept)
		return RL_HOLD;

	if (ept)
		ret = rpmsg_lite_send(e->p->side[RL_LB_REMOTE].rl, ept, src, payload,
				      payload_len, RL_LB_ECHO_TIMEOUT_MS);
	if (ret) {
		atomic64_inc(&e->drops);
		dev_dbg_ratelimited(e->p->lb->dev,
				    "%s: echo of %u bytes to %u dropped: %d\n",
				    e->p->side[RL_LB_REMOTE].name, payload_len,
				    src, ret);
	} else {
		atomic64_inc(&e->echoed);
	}
	return RL_RELEASE;
}

/*
 * Answer (when @answer) and give back the kept messages in arrival order,
 * including those that arrive meanwhile; stop keeping only once none is
 * left, so that no direct answer overtakes a kept one.  echo_lock held.
 */
static void rl_lb_echo_release(struct rl_lb_echo *e, bool answer)
{
	struct rpmsg_lite_instance *rl = e->p->side[RL_LB_REMOTE].rl;
	struct rl_lb_kept k;
	bool got;
	int ret;

	for (;;) {
		spin_lock(&e->kept_lock);
		got = kfifo_get(&e->kept, &k);
		if (!got)
			e->holding = false;
		spin_unlock(&e->kept_lock);
		if (!got)
			break;
		if (answer) {
			ret = rpmsg_lite_send(rl, e->ept, k.src, k.payload,
					      k.len, RL_LB_ECHO_TIMEOUT_MS);
			if (ret)
				atomic64_inc(&e->drops);
			else
				atomic64_inc(&e->echoed);
		}
		rpmsg_lite_release_rx_buffer(rl, k.payload);
	}
}

static void rl_lb_echo_announce_work(struct work_struct *work)
{
	struct rl_lb_echo *e = container_of(work, struct rl_lb_echo, work);
	struct rpmsg_lite_instance *rl = e->p->side[RL_LB_REMOTE].rl;
	int ret;

	rpmsg_lite_wait_for_link_up(rl, RL_LB_LINK_UP_POLL_MS);
	if (!rpmsg_lite_is_link_up(rl)) {
		/* Not up yet: wait again, unless being stopped. */
		if (!READ_ONCE(e->stopping))
			queue_work(system_long_wq, &e->work);
		return;
	}
	ret = rpmsg_lite_ns_announce(rl, e->ept, e->name, RL_NS_CREATE);
	if (ret) {
		dev_warn(e->p->lb->dev, "%s: cannot announce \"%s\": %d\n",
			 e->p->side[RL_LB_REMOTE].name, e->name, ret);
		return;
	}
	WRITE_ONCE(e->announced, true);
}

/**
 * rl_loopback_echo_start() - run an echo service on the remote link
 * @p: pair
 * @name: name to announce (at most RL_NS_NAME_SIZE - 1 characters)
 *
 * Creates an endpoint with a dynamic address on the remote link that
 * sends every message back to its source unchanged (waiting up to 200 ms
 * for a free buffer; messages it cannot send back are counted, see
 * rl_loopback_echo_count()).  Once the remote link is up, a work item
 * announces it to the master by name service (RL_NS_CREATE).
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a bad @name, -EBUSY if an echo service already
 * runs on @p, or the error of rpmsg_lite_create_ept().
 */
int rl_loopback_echo_start(struct rl_loopback_pair *p, const char *name)
{
	struct rpmsg_lite_endpoint *ept;
	struct rl_lb_echo *e;
	int ret = 0;

	if (!name || !*name || strlen(name) >= RL_NS_NAME_SIZE)
		return -EINVAL;

	mutex_lock(&p->echo_lock);
	if (p->echo) {
		ret = -EBUSY;
		goto out;
	}
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e) {
		ret = -ENOMEM;
		goto out;
	}
	e->p = p;
	spin_lock_init(&e->kept_lock);
	ret = kfifo_alloc(&e->kept, roundup_pow_of_two(p->cfg.buffer_count),
			  GFP_KERNEL);
	if (ret) {
		kfree(e);
		goto out;
	}
	e->holding = READ_ONCE(p->remote_held);
	strscpy(e->name, name, sizeof(e->name));
	atomic64_set(&e->echoed, 0);
	atomic64_set(&e->drops, 0);
	INIT_WORK(&e->work, rl_lb_echo_announce_work);

	ept = rpmsg_lite_create_ept(p->side[RL_LB_REMOTE].rl, RL_ADDR_ANY, rl_lb_echo_cb, e);
	if (IS_ERR_OR_NULL(ept)) {
		ret = ept ? PTR_ERR(ept) : -ENOMEM;
		kfifo_free(&e->kept);
		kfree(e);
		goto out;
	}
	e->addr = rpmsg_lite_ept_addr(ept);
	WRITE_ONCE(e->ept, ept);
	p->echo = e;
	queue_work(system_long_wq, &e->work);
out:
	mutex_unlock(&p->echo_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_echo_start, RPMSG_LITE_TEST);

/**
 * rl_loopback_echo_stop() - stop the echo service of a pair
 * @p: pair
 *
 * Announces the destruction (RL_NS_DESTROY) if the creation was announced,
 * then destroys the endpoint.  No-op when no echo service runs.
 *
 * Context: process context, may sleep.
 */
void rl_loopback_echo_stop(struct rl_loopback_pair *p)
{
	struct rl_lb_echo *e;

	mutex_lock(&p->echo_lock);
	e = p->echo;
	if (!e)
		goto out;
	WRITE_ONCE(e->stopping, true);
	cancel_work_sync(&e->work);
	rl_lb_echo_release(e, false);
	if (e->announced)
		rpmsg_lite_ns_announce(p->side[RL_LB_REMOTE].rl, e->ept, e->name,
				       RL_NS_DESTROY);
	rpmsg_lite_destroy_ept(p->side[RL_LB_REMOTE].rl, e->ept);
	p->echo = NULL;
	kfifo_free(&e->kept);
	kfree(e);
out:
	mutex_unlock(&p->echo_lock);
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_echo_stop, RPMSG_LITE_TEST);

/**
 * rl_loopback_echo_addr() - address of the echo endpoint
 * @p: pair
 *
 * Return: the address on the remote link, or RL_ADDR_ANY when no echo
 * service runs.
 */
u32 rl_loopback_echo_addr(struct rl_loopback_pair *p)
{
	u32 addr = RL_ADDR_ANY;

	mutex_lock(&p->echo_lock);
	if (p->echo)
		addr = p->echo->addr;
	mutex_unlock(&p->echo_lock);
	return addr;
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_echo_addr, RPMSG_LITE_TEST);

/**
 * rl_loopback_echo_count() - messages the echo service handled
 * @p: pair
 * @drops: if not NULL, set to the messages it could not send back
 *
 * Return: messages sent back (0 when no echo service runs).
 */
u64 rl_loopback_echo_count(struct rl_loopback_pair *p, u64 *drops)
{
	u64 n = 0, d = 0;

	mutex_lock(&p->echo_lock);
	if (p->echo) {
		n = atomic64_read(&p->echo->echoed);
		d = atomic64_read(&p->echo->drops);
	}
	mutex_unlock(&p->echo_lock);
	if (drops)
		*drops = d;
	return n;
}
EXPORT_SYMBOL_NS_GPL(rl_loopback_echo_count, RPMSG_LITE_TEST);

/* ---- debugfs: fault injection from user space ---- */

static struct dentry *rl_lb_dbg_root;

/**
 * rl_lb_hold_remote() - stop or restart the echo service's answers
 * @p: pair
 * @hold: keep every message the echo service receives (else answer them)
 *
 * While held, the echo service keeps each message it receives (RL_HOLD,
 * up to the link's buffer count) without answering, as a slow consumer
 * does: the buffers stay with the remote and the master's transmit
 * buffers run out.  Kicks are not touched, so lost-kick recovery cannot
 * undo the hold.  Releasing answers the kept messages in order and gives
 * their buffers back.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENODEV when the pair runs no echo service.
 */
static int rl_lb_hold_remote(struct rl_loopback_pair *p, bool hold)
{
	struct rl_lb_echo *e;
	int ret = 0;

	mutex_lock(&p->hold_lock);
	mutex_lock(&p->echo_lock);
	e = p->echo;
	if (!e) {
		ret = -ENODEV;
	} else if (hold) {
		spin_lock(&e->kept_lock);
		e->holding = true;
		spin_unlock(&e->kept_lock);
	} else {
		rl_lb_echo_release(e, true);
	}
	mutex_unlock(&p->echo_lock);
	if (!ret)
		WRITE_ONCE(p->remote_held, hold);
	mutex_unlock(&p->hold_lock);
	return ret;
}

static ssize_t rl_lb_hold_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct rl_loopback_pair *p = file->private_data;
	const char *val = READ_ONCE(p->remote_held) ? "1\n" : "0\n";

	return simple_read_from_buffer(ubuf, count, ppos, val, 2);
}

static ssize_t rl_lb_hold_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct rl_loopback_pair *p = file->private_data;
	bool hold;
	int ret;

	ret = kstrtobool_from_user(ubuf, count, &hold);
	if (ret)
		return ret;
	ret = rl_lb_hold_remote(p, hold);
	return ret ? ret : count;
}

static const struct file_operations rl_lb_hold_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = rl_lb_hold_read,
	.write = rl_lb_hold_write,
	.llseek = default_llseek,
};

/* Ways rl_lb_reset() takes a pair down and up again. */
enum rl_lb_reset_how {
	RL_LB_RESET_MASTER,
	RL_LB_RESET_REMOTE,
	RL_LB_RESET_REMOTE_LOST,
	RL_LB_RESET_MASTER_LOST,
};

static const char * const rl_lb_reset_names[] = {
	[RL_LB_RESET_MASTER] = "master",
	[RL_LB_RESET_REMOTE] = "remote",
	[RL_LB_RESET_REMOTE_LOST] = "remote-lost",
	[RL_LB_RESET_MASTER_LOST] = "master-lost",
};

/* How long rl_lb_reset() waits for each link to come up again. */
#define RL_LB_RESET_WAIT_MS	5000

/**
 * rl_lb_reset() - take both links of a pair down and up again
 * @p: pair
 * @how: what happens, as on a board:
 *	RL_LB_RESET_MASTER: the master restarts (rpmsg_lite_reset_link() of
 *	the master: a new ring generation the remote follows);
 *	RL_LB_RESET_REMOTE: the remote restarts, then the master notices;
 *	RL_LB_RESET_REMOTE_LOST: the master's platform reports the remote
 *	lost (rpmsg_lite_peer_lost()), then the master restarts it;
 *	RL_LB_RESET_MASTER_LOST: the remote's side reports the master lost,
 *	then both start over.
 *
 * Nothing is serialised here: resets racing each other, user I/O and
 * teardown are what the knob is for.
 *
 * Context: process context, may sleep.
 * Return: 0 once both links are up; -ETIMEDOUT if one stays down for
 * RL_LB_RESET_WAIT_MS (another reset may be running), or an error of the
 * core's calls.
 */
static int rl_lb_reset(struct rl_loopback_pair *p, enum rl_lb_reset_how how)
{
	struct rpmsg_lite_instance *m = p->side[RL_LB_MASTER].rl;
	struct rpmsg_lite_instance *r = p->side[RL_LB_REMOTE].rl;
	int ret;

	switch (how) {
	case RL_LB_RESET_MASTER:
		ret = rpmsg_lite_reset_link(m);
		break;
	case RL_LB_RESET_REMOTE:
		ret = rpmsg_lite_reset_link(r) ?: rpmsg_lite_reset_link(m);
		break;
	case RL_LB_RESET_REMOTE_LOST:
		ret = rpmsg_lite_peer_lost(m) ?: rpmsg_lite_reset_link(m);
		break;
	default:
		ret = rpmsg_lite_peer_lost(r) ?: rpmsg_lite_reset_link(r) ?:
		      rpmsg_lite_reset_link(m);
		break;
	}
	if (ret)
		return ret;
	ret = rpmsg_lite_wait_for_link_up(m, RL_LB_RESET_WAIT_MS);
	return ret ?: rpmsg_lite_wait_for_link_up(r, RL_LB_RESET_WAIT_MS);
}

static ssize_t rl_lb_reset_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct rl_loopback_pair *p = file->private_data;
	char buf[16];
	int how, ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	how = sysfs_match_string(rl_lb_reset_names, buf);
	if (how < 0) {
		dev_info_ratelimited(p->lb->dev,
				     "pair %d: unknown reset \"%s\"\n", p->id,
				     strim(buf));
		return how;
	}
	ret = rl_lb_reset(p, how);
	if (ret)
		dev_info_ratelimited(p->lb->dev, "pair %d: reset %s: %d\n",
				     p->id, rl_lb_reset_names[how], ret);
	return ret ? ret : count;
}

static const struct file_operations rl_lb_reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = rl_lb_reset_write,
};

/*
 * <debugfs>/rpmsg_lite_loopback/pairN/ of a load-time pair:
 * hold_remote: write 1 to hold the remote (see rl_lb_hold_remote()), 0 to
 * release it; reads 0 or 1.
 * reset: write "master", "remote", "remote-lost" or "master-lost" to take
 * both links down and up again (see rl_lb_reset()); the write returns
 * once both are up.
 * Without debugfs nothing is created.
 */
static void rl_lb_pair_debugfs(struct rl_loopback_pair *p)
{
	char name[16];

	if (IS_ERR_OR_NULL(rl_lb_dbg_root))
		return;
	snprintf(name, sizeof(name), "pair%d", p->id);
	p->dbg = debugfs_create_dir(name, rl_lb_dbg_root);
	debugfs_create_file("hold_remote", 0600, p->dbg, p, &rl_lb_hold_fops);
	debugfs_create_file("reset", 0200, p->dbg, p, &rl_lb_reset_fops);
}

/* ---- module ---- */

/*
 * Pairs of other modules are gone before this module can unload (they
 * use its symbols) unless their owner leaked them: destroy those too, the
 * controller must not go away under bound channels.
 */
static void rl_lb_destroy_pairs(void)
{
	struct rl_loopback_pair *p;

	for (;;) {
		mutex_lock(&rl_lb_mutex);
		p = list_empty(&rl_lb_pairs) ? NULL :
			list_last_entry(&rl_lb_pairs, struct rl_loopback_pair,
					node);
		mutex_unlock(&rl_lb_mutex);
		if (!p)
			break;
		if (!p->at_load)
			pr_warn("%s: link pair still exists at unload: destroying it\n",
				p->side[RL_LB_MASTER].name);
		rl_loopback_pair_destroy(p);
	}
}

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
	struct device_node *np;
	bool have_dt = false;
	int ret;

	ret = platform_driver_register(&rl_lb_driver);
	if (ret)
		return ret;

	if (IS_ENABLED(CONFIG_OF)) {
		np = of_find_compatible_node(NULL, NULL, RL_LB_COMPATIBLE);
		have_dt = np && of_device_is_available(np);
		of_node_put(np);
	}
	if (!have_dt) {
		/* No device tree node: instantiate the controller ourselves. */
		rl_lb_own_pdev = platform_device_register_simple(RL_LB_DRV_NAME,
								 PLATFORM_DEVID_NONE,
								 NULL, 0);
		if (IS_ERR(rl_lb_own_pdev)) {
			ret = PTR_ERR(rl_lb_own_pdev);
			rl_lb_own_pdev = NULL;
			goto err_driver;
		}
	}

	rl_lb_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	ret = rl_lb_create_load_pairs();
	if (ret)
		goto err_pairs;
	return 0;

err_pairs:
	rl_lb_destroy_pairs();
	debugfs_remove_recursive(rl_lb_dbg_root);
	platform_device_unregister(rl_lb_own_pdev);
err_driver:
	platform_driver_unregister(&rl_lb_driver);
	return ret;
}
module_init(rl_lb_init);

static void __exit rl_lb_exit(void)
{
	rl_lb_destroy_pairs();
	debugfs_remove_recursive(rl_lb_dbg_root);
	platform_device_unregister(rl_lb_own_pdev);
	platform_driver_unregister(&rl_lb_driver);
	ida_destroy(&rl_lb_pair_ida);
}
module_exit(rl_lb_exit);

MODULE_DESCRIPTION("rpmsg-lite loopback mailbox controller and link-pair test peer");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
