// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback mailbox controller of rpmsg_lite_loopback.ko, and the
 * hand-out of its channels to link pairs (rl_loopback_pair.c).
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
 * See Documentation/rpmsg-lite/transport.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/err.h>
#include <linux/irq_work.h>
#include <linux/mailbox_controller.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/spinlock.h>

#include "rl_compat.h"
#include "rl_loopback_internal.h"

#define RL_LB_DRV_NAME		"rpmsg-lite-loopback"
#define RL_LB_COMPATIBLE	"rpmsg-lite,loopback-mailbox"

static unsigned int channels = 64;
module_param(channels, uint, 0444);
MODULE_PARM_DESC(channels, "channels of the loopback controller, even, >= 4 (default 64)");

/* Controllers and their channel bitmaps, link pairs (rl_loopback_internal.h) */
DEFINE_MUTEX(rl_lb_mutex);
/* Controllers, under rl_lb_mutex; the first one serves link pairs. */
static LIST_HEAD(rl_lb_list);
static struct platform_device *rl_lb_own_pdev;

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

/* ---- channels for link pairs ---- */

/* Take two free channel pairs of the first controller. */
int rl_lb_claim(struct rl_loopback_pair *p)
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

void rl_lb_unclaim(struct rl_loopback_pair *p)
{
	mutex_lock(&rl_lb_mutex);
	clear_bit(p->chan_pair[0], p->lb->pairs_used);
	clear_bit(p->chan_pair[1], p->lb->pairs_used);
	mutex_unlock(&rl_lb_mutex);
}

/* Give a channel to a new owner: message format, faults, fresh counters. */
void rl_lb_chan_setup(struct rl_lb_chan *lbc, enum rl_lb_msg_mode mode,
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

/**
 * rl_lb_controller_register() - register the controller's driver, and its
 *				 device unless a device tree describes one
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int rl_lb_controller_register(void)
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
			platform_driver_unregister(&rl_lb_driver);
			return ret;
		}
	}
	return 0;
}

/**
 * rl_lb_controller_unregister() - undo rl_lb_controller_register()
 *
 * Context: module init (error path) or exit, once no link pair is left.
 */
void rl_lb_controller_unregister(void)
{
	platform_device_unregister(rl_lb_own_pdev);
	platform_driver_unregister(&rl_lb_driver);
}
