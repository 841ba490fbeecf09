// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite rl_platform: the "rpmsg-lite-link" platform driver probed
 * from software-node properties, the way a board without a device tree
 * (or this x86 test kernel) describes a link.
 *
 * Every link device gets its properties as a software node, its shared
 * memory as a memory resource (pages of this kernel's RAM, so a master and
 * a remote in the same kernel share them), and its mailbox channels as
 * struct rl_platform_data from a small mailbox controller of this module:
 * channels in pairs (2k, 2k + 1), a message sent on one arrives at the
 * other from a hard-IRQ irq_work, as from a mailbox interrupt.
 *
 * Devices that must probe are named "rpmsg-lite-link" and bind by name at
 * registration, like any platform device.  Devices that must fail get
 * another name and are probed with device_driver_attach(), which returns
 * the probe's errno.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/irq_work.h>
#include <linux/mailbox_controller.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/rpmsg_lite.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "rl_platform.h"
#include "rl_test_time.h"

/* ---- the test's mailbox controller ---- */

#define RLPT_MBOX_NAME		"rl-platform-test-mbox"
#define RLPT_NUM_CHANS		16
/* Distinct words a channel remembers having carried. */
#define RLPT_WORDS		8

/**
 * struct rlpt_chan - one channel of the test controller
 * @work: delivers @msg to the partner channel, then completes the send
 * @chan: the framework's channel
 * @msg: the message in flight (a pointer to a word is copied to @word)
 * @word: copy of a one-word message
 * @value: deliver the pointer value (raw kicks), not a pointer to a word
 * @started: has a client (between startup and shutdown); under rlpt_lock
 * @words: the distinct words sent on the channel since the case began
 *	   (the pointer value for @value channels); under rlpt_words_lock
 * @nwords: entries in @words
 * @sent: messages sent on the channel since the case began
 * @overflow: more distinct words came than @words holds
 */
struct rlpt_chan {
	struct irq_work work;
	struct mbox_chan *chan;
	void *msg;
	u32 word;
	bool value;
	bool started;
	u32 words[RLPT_WORDS];
	unsigned int nwords;
	unsigned int sent;
	bool overflow;
};

/**
 * struct rlpt_mbox - the test controller
 * @mbox: the framework's controller
 * @chans: framework channels
 * @tc: our state per channel
 */
struct rlpt_mbox {
	struct mbox_controller mbox;
	struct mbox_chan chans[RLPT_NUM_CHANS];
	struct rlpt_chan tc[RLPT_NUM_CHANS];
};

/* Held while a message is handed to a client and by startup/shutdown. */
static DEFINE_SPINLOCK(rlpt_lock);
/* The words channels carried; innermost, taken in send_data. */
static DEFINE_SPINLOCK(rlpt_words_lock);
static struct rlpt_mbox *rlpt_ctrl;
static struct platform_device *rlpt_ctrl_pdev;

static void rlpt_chan_work(struct irq_work *work)
{
	struct rlpt_chan *tc = container_of(work, struct rlpt_chan, work);
	struct rlpt_chan *peer = &rlpt_ctrl->tc[(tc - rlpt_ctrl->tc) ^ 1];
	void *msg = tc->value ? tc->msg : &tc->word;

	spin_lock(&rlpt_lock);
	if (peer->started)
		mbox_chan_received_data(peer->chan, msg);
	spin_unlock(&rlpt_lock);
	mbox_chan_txdone(tc->chan, 0);
}

/* Remember that @tc carried @word. */
static void rlpt_log_word(struct rlpt_chan *tc, u32 word)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&rlpt_words_lock, flags);
	tc->sent++;
	for (i = 0; i < tc->nwords && tc->words[i] != word; i++)
		;
	if (i == tc->nwords) {
		if (i < RLPT_WORDS)
			tc->words[tc->nwords++] = word;
		else
			tc->overflow = true;
	}
	spin_unlock_irqrestore(&rlpt_words_lock, flags);
}

static int rlpt_send_data(struct mbox_chan *chan, void *data)
{
	struct rlpt_chan *tc = chan->con_priv;

	tc->msg = data;
	if (!tc->value)
		tc->word = data ? *(u32 *)data : 0;
	rlpt_log_word(tc, tc->value ? (u32)(uintptr_t)data : tc->word);
	irq_work_queue(&tc->work);
	return 0;
}

static int rlpt_startup(struct mbox_chan *chan)
{
	struct rlpt_chan *tc = chan->con_priv;
	unsigned long flags;

	spin_lock_irqsave(&rlpt_lock, flags);
	tc->started = true;
	spin_unlock_irqrestore(&rlpt_lock, flags);
	return 0;
}

static void rlpt_shutdown(struct mbox_chan *chan)
{
	struct rlpt_chan *tc = chan->con_priv;
	unsigned long flags;

	spin_lock_irqsave(&rlpt_lock, flags);
	tc->started = false;
	spin_unlock_irqrestore(&rlpt_lock, flags);
	irq_work_sync(&tc->work);
}

static const struct mbox_chan_ops rlpt_chan_ops = {
	.send_data = rlpt_send_data,
	.startup = rlpt_startup,
	.shutdown = rlpt_shutdown,
};

static int rlpt_mbox_probe(struct platform_device *pdev)
{
	struct rlpt_mbox *m;
	unsigned int i;

	m = devm_kzalloc(&pdev->dev, sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	for (i = 0; i < RLPT_NUM_CHANS; i++) {
		m->tc[i].chan = &m->chans[i];
		m->tc[i].work = IRQ_WORK_INIT_HARD(rlpt_chan_work);
		m->chans[i].con_priv = &m->tc[i];
	}
	m->mbox.dev = &pdev->dev;
	m->mbox.ops = &rlpt_chan_ops;
	m->mbox.chans = m->chans;
	m->mbox.num_chans = RLPT_NUM_CHANS;
	m->mbox.txdone_irq = true;
	rlpt_ctrl = m;
	return devm_mbox_controller_register(&pdev->dev, &m->mbox);
}

static struct platform_driver rlpt_mbox_driver = {
	.probe = rlpt_mbox_probe,
	.driver = {
		.name = RLPT_MBOX_NAME,
		.suppress_bind_attrs = true,
	},
};

/* True when channel @i has a client (a link holds it). */
static bool rlpt_chan_in_use(unsigned int i)
{
	return READ_ONCE(rlpt_ctrl->tc[i].started);
}

/* ---- link devices ---- */

#define RLPT_SHM_SIZE		SZ_256K
#define RLPT_SHM_DA		0x90000000
#define RLPT_MAX_DEVS		6
#define RLPT_WAIT_MS		rl_test_ms(2000)
/* A name the driver does not match: probed only by device_driver_attach() */
#define RLPT_UNMATCHED_NAME	"rl-platform-test-link"

/**
 * struct rlpt_link - what one test link device is made of
 * @role: "nxp,role"
 * @encoding: "nxp,kick-encoding", or NULL to leave it out (i.MX)
 * @link_id: "nxp,link-id"
 * @payload: "nxp,payload-size", 0 to leave it out
 * @count: "nxp,buffer-count", 0 to leave it out
 * @align: "nxp,vring-align", 0 to leave it out
 * @vring_size: "nxp,vring-size", 0 to leave it out
 * @no_shm_da: leave "nxp,shm-da" out (default: the physical address)
 * @da_hi: when not 0, "nxp,shm-da" has two cells, this one first
 * @da_off: added to the device address the peer is said to see
 * @names: "mbox-names"
 * @chans: test-controller channel behind each entry of @names
 * @no_pdata: give no platform data (no channels)
 * @no_region: give no memory resource
 * @region_size: bytes of the memory resource (0: the whole test region)
 * @region_off: offset of the memory resource in the test region
 * @unmatched: register under a name the driver does not match
 */
struct rlpt_link {
	const char *role;
	const char *encoding;
	u32 link_id;
	u32 payload;
	u32 count;
	u32 align;
	u32 vring_size;
	bool no_shm_da;
	u32 da_hi;
	u32 da_off;
	const char *names[RL_PLATFORM_MAX_MBOXES];
	unsigned int chans[RL_PLATFORM_MAX_MBOXES];
	bool no_pdata;
	bool no_region;
	size_t region_size;
	size_t region_off;
	bool unmatched;
};

/**
 * struct rlpt_ctx - per-case state
 * @shm: the test region (physically contiguous RAM)
 * @devs: devices registered by the case, unregistered in reverse at exit
 * @roots: a private parent per device for its memory resource: a master
 *	   and a remote in one kernel share a region, which the iomem tree
 *	   cannot hold twice (a second claim nests under or over the first)
 * @ndevs: entries in @devs
 * @nb: counts link notifications
 * @links_added: RPMSG_LITE_EVENT_LINK_ADDED seen
 * @links_removed: RPMSG_LITE_EVENT_LINK_REMOVED seen
 */
struct rlpt_ctx {
	void *shm;
	struct platform_device *devs[RLPT_MAX_DEVS];
	struct resource roots[RLPT_MAX_DEVS];
	unsigned int ndevs;
	struct notifier_block nb;
	atomic_t links_added;
	atomic_t links_removed;
};

static int rlpt_link_event(struct notifier_block *nb, unsigned long event,
			   void *data)
{
	struct rlpt_ctx *ctx = container_of(nb, struct rlpt_ctx, nb);

	if (event == RPMSG_LITE_EVENT_LINK_ADDED)
		atomic_inc(&ctx->links_added);
	else if (event == RPMSG_LITE_EVENT_LINK_REMOVED)
		atomic_inc(&ctx->links_removed);
	return NOTIFY_DONE;
}

/* Master and remote of link 0 on i.MX-style "tx"/"rx" channel pairs. */
static const struct rlpt_link rlpt_master = {
	.role = "master",
	.names = { "tx", "rx" },
	.chans = { 0, 2 },
};

static const struct rlpt_link rlpt_remote = {
	.role = "remote",
	.names = { "tx", "rx" },
	.chans = { 3, 1 },
};

static unsigned int rlpt_nnames(const struct rlpt_link *l)
{
	unsigned int n = 0;

	while (n < RL_PLATFORM_MAX_MBOXES && l->names[n])
		n++;
	return n;
}

/* Register a link device; NULL (and a failed expectation) on error. */
static struct platform_device *rlpt_add(struct kunit *test,
					const struct rlpt_link *l)
{
	struct rlpt_ctx *ctx = test->priv;
	struct property_entry props[16] = { };
	struct rl_platform_data pdata = { };
	struct platform_device_info info = { };
	struct platform_device *pdev;
	struct resource res;
	unsigned int n = 0, i, nn = rlpt_nnames(l);
	u32 da[2];

	if (l->role)
		props[n++] = PROPERTY_ENTRY_STRING("nxp,role", l->role);
	if (l->encoding)
		props[n++] = PROPERTY_ENTRY_STRING("nxp,kick-encoding",
						   l->encoding);
	props[n++] = PROPERTY_ENTRY_U32("nxp,link-id", l->link_id);
	if (l->payload)
		props[n++] = PROPERTY_ENTRY_U32("nxp,payload-size", l->payload);
	if (l->count)
		props[n++] = PROPERTY_ENTRY_U32("nxp,buffer-count", l->count);
	if (l->align)
		props[n++] = PROPERTY_ENTRY_U32("nxp,vring-align", l->align);
	if (l->vring_size)
		props[n++] = PROPERTY_ENTRY_U32("nxp,vring-size",
						l->vring_size);
	da[0] = l->da_hi;
	da[1] = RLPT_SHM_DA + l->region_off + l->da_off;
	if (!l->no_shm_da && l->da_hi)
		props[n++] = PROPERTY_ENTRY_U32_ARRAY("nxp,shm-da", da);
	else if (!l->no_shm_da)
		props[n++] = PROPERTY_ENTRY_U32("nxp,shm-da", da[1]);
	props[n++] = PROPERTY_ENTRY_U32("nxp,link-up-kick-ms", 20);
	if (nn)
		props[n++] = PROPERTY_ENTRY_STRING_ARRAY_LEN("mbox-names",
							     l->names, nn);

	for (i = 0; i < nn; i++)
		pdata.mboxes[i] = &rlpt_ctrl->chans[l->chans[i]];
	pdata.num_mboxes = nn;

	if (ctx->ndevs >= RLPT_MAX_DEVS) {
		KUNIT_FAIL(test, "too many devices in one case");
		return NULL;
	}
	res = (struct resource)DEFINE_RES_MEM(virt_to_phys(ctx->shm) +
					      l->region_off,
					      l->region_size ?: RLPT_SHM_SIZE);
	ctx->roots[ctx->ndevs] = res;
	res.parent = &ctx->roots[ctx->ndevs];

	info.name = l->unmatched ? RLPT_UNMATCHED_NAME : RL_PLATFORM_DRV_NAME;
	info.id = PLATFORM_DEVID_AUTO;
	info.properties = props;
	if (!l->no_region) {
		info.res = &res;
		info.num_res = 1;
	}
	if (!l->no_pdata) {
		info.data = &pdata;
		info.size_data = sizeof(pdata);
	}

	pdev = platform_device_register_full(&info);
	if (IS_ERR(pdev)) {
		KUNIT_FAIL(test, "cannot register a link device: %ld",
			   PTR_ERR(pdev));
		return NULL;
	}
	ctx->devs[ctx->ndevs++] = pdev;
	return pdev;
}

/* The link of a device that must have bound; fails the case otherwise. */
static struct rpmsg_lite_instance *rlpt_link_of(struct kunit *test,
						struct platform_device *pdev)
{
	struct rpmsg_lite_instance *rl;

	KUNIT_ASSERT_NOT_NULL(test, pdev);
	rl = rl_platform_get_link(&pdev->dev);
	KUNIT_ASSERT_NOT_NULL_MSG(test, rl, "%s did not bind",
				  dev_name(&pdev->dev));
	return rl;
}

/*
 * Probe a description that must be refused; returns the probe's errno
 * and checks that the device stayed unbound and no channel kept a client.
 */
static int rlpt_probe_fails(struct kunit *test, const struct rlpt_link *l)
{
	struct rlpt_ctx *ctx = test->priv;
	struct rlpt_link bad = *l;
	struct platform_device *pdev;
	struct device_driver *drv;
	unsigned int i;
	int ret;

	bad.unmatched = true;
	pdev = rlpt_add(test, &bad);
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	drv = driver_find(RL_PLATFORM_DRV_NAME, &platform_bus_type);
	KUNIT_ASSERT_NOT_NULL(test, drv);

	ret = device_driver_attach(drv, &pdev->dev);
	KUNIT_EXPECT_NULL(test, pdev->dev.driver);
	KUNIT_EXPECT_NULL(test, rl_platform_get_link(&pdev->dev));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->links_added), 0);
	for (i = 0; i < RLPT_NUM_CHANS; i++)
		KUNIT_EXPECT_FALSE_MSG(test, rlpt_chan_in_use(i),
				       "channel %u kept a client", i);
	return ret;
}

/* Bytes @msg go from @from to @to; checks content and source address. */
static void rlpt_expect_delivery(struct kunit *test,
				 struct rpmsg_lite_instance *from,
				 struct rpmsg_lite_instance *to,
				 const char *msg)
{
	struct rpmsg_lite_endpoint *tx = NULL, *rx = NULL;
	struct rpmsg_lite_queue *q;
	char buf[64] = { };
	u32 src = 0, len = 0;
	int ret;

	q = rpmsg_lite_queue_create(to, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(q));
	rx = rpmsg_lite_create_ept(to, RL_ADDR_ANY, rpmsg_lite_queue_rx_cb, q);
	tx = rpmsg_lite_create_ept(from, RL_ADDR_ANY, rpmsg_lite_queue_rx_cb,
				   q);
	KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(rx));
	KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(tx));
	if (IS_ERR_OR_NULL(rx) || IS_ERR_OR_NULL(tx))
		goto out;

	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(from, RLPT_WAIT_MS),
			0);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(to, RLPT_WAIT_MS),
			0);
	ret = rpmsg_lite_send(from, tx, rpmsg_lite_ept_addr(rx), msg,
			      strlen(msg), RLPT_WAIT_MS);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (ret)
		goto out;
	ret = rpmsg_lite_queue_recv(to, q, &src, buf, sizeof(buf) - 1, &len,
				    RLPT_WAIT_MS);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, len, (u32)strlen(msg));
	KUNIT_EXPECT_STREQ(test, buf, msg);
	KUNIT_EXPECT_EQ(test, src, rpmsg_lite_ept_addr(tx));
out:
	if (!IS_ERR_OR_NULL(tx))
		rpmsg_lite_destroy_ept(from, tx);
	if (!IS_ERR_OR_NULL(rx))
		rpmsg_lite_destroy_ept(to, rx);
	rpmsg_lite_queue_destroy(to, q);
}

static void rlpt_expect_traffic(struct kunit *test,
				struct rpmsg_lite_instance *m,
				struct rpmsg_lite_instance *r)
{
	rlpt_expect_delivery(test, m, r, "from the master");
	rlpt_expect_delivery(test, r, m, "from the remote");
}

/*
 * Channel @i carried the @n words of @want since the case began, each at
 * least once, and no other word.
 */
static void rlpt_expect_words(struct kunit *test, unsigned int i,
			      const u32 *want, unsigned int n)
{
	struct rlpt_chan *tc = &rlpt_ctrl->tc[i];
	u32 words[RLPT_WORDS];
	unsigned int nwords, j, k;
	bool overflow;

	spin_lock_irq(&rlpt_words_lock);
	nwords = tc->nwords;
	memcpy(words, tc->words, sizeof(words));
	overflow = tc->overflow;
	spin_unlock_irq(&rlpt_words_lock);

	KUNIT_EXPECT_FALSE_MSG(test, overflow,
			       "channel %u: more than %u different words",
			       i, RLPT_WORDS);
	for (j = 0; j < nwords; j++) {
		for (k = 0; k < n && words[j] != want[k]; k++)
			;
		KUNIT_EXPECT_LT_MSG(test, k, n, "channel %u carried %#x", i,
				    words[j]);
	}
	for (k = 0; k < n; k++) {
		for (j = 0; j < nwords && words[j] != want[k]; j++)
			;
		KUNIT_EXPECT_LT_MSG(test, j, nwords,
				    "channel %u never carried %#x", i,
				    want[k]);
	}
}

/* Messages sent on channel @i since the case began. */
static unsigned int rlpt_sent(unsigned int i)
{
	unsigned int n;

	spin_lock_irq(&rlpt_words_lock);
	n = rlpt_ctrl->tc[i].sent;
	spin_unlock_irq(&rlpt_words_lock);
	return n;
}

/*
 * Kicks @rl counts after the test controller hands it @msg on channel
 * @i, as from the peer, minus those it counted before: the link's own
 * deliveries are held off meanwhile, so 1 when the message names one of
 * its virtqueues, 0 when it is for another link.
 */
static u64 rlpt_inject(struct rpmsg_lite_instance *rl, unsigned int i,
		       void *msg)
{
	struct rpmsg_lite_link_stats before, after;
	unsigned long flags;

	spin_lock_irqsave(&rlpt_lock, flags);
	rpmsg_lite_get_stats(rl, &before);
	mbox_chan_received_data(&rlpt_ctrl->chans[i], msg);
	rpmsg_lite_get_stats(rl, &after);
	spin_unlock_irqrestore(&rlpt_lock, flags);
	return after.kicks_in - before.kicks_in;
}

/*
 * Links 0 and 1, i.MX kicks: link 0 in the first half of the region, on
 * channels 0..3 (master "tx" 0, "rx" 2; remote "tx" 3, "rx" 1), link 1 in
 * the second half on channels 4..7 (master 4 and 6, remote 7 and 5).
 */
static void rlpt_two_links(struct kunit *test,
			   struct rpmsg_lite_instance **m0,
			   struct rpmsg_lite_instance **r0,
			   struct rpmsg_lite_instance **m1,
			   struct rpmsg_lite_instance **r1)
{
	struct rlpt_link lm0 = rlpt_master, lr0 = rlpt_remote;
	struct rlpt_link lm1 = rlpt_master, lr1 = rlpt_remote;

	lm0.region_size = SZ_128K;
	lr0.region_size = SZ_128K;
	lm1.link_id = 1;
	lm1.region_off = SZ_128K;
	lm1.region_size = SZ_128K;
	lm1.chans[0] = 4;
	lm1.chans[1] = 6;
	lr1.link_id = 1;
	lr1.region_off = SZ_128K;
	lr1.region_size = SZ_128K;
	lr1.chans[0] = 7;
	lr1.chans[1] = 5;

	*m0 = rlpt_link_of(test, rlpt_add(test, &lm0));
	*r0 = rlpt_link_of(test, rlpt_add(test, &lr0));
	*m1 = rlpt_link_of(test, rlpt_add(test, &lm1));
	*r1 = rlpt_link_of(test, rlpt_add(test, &lr1));
}

/* ---- cases: probe ---- */

static void rl_platform_test_master_and_remote_bind_over_one_region(struct kunit *test)
{
	struct rlpt_ctx *ctx = test->priv;
	struct rpmsg_lite_instance *m, *r;

	m = rlpt_link_of(test, rlpt_add(test, &rlpt_master));
	r = rlpt_link_of(test, rlpt_add(test, &rlpt_remote));

	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_role(m), RPMSG_LITE_MASTER);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_role(r), RPMSG_LITE_REMOTE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->links_added), 2);
	/* each link holds its own two channels */
	KUNIT_EXPECT_TRUE(test, rlpt_chan_in_use(0));
	KUNIT_EXPECT_TRUE(test, rlpt_chan_in_use(1));
	KUNIT_EXPECT_TRUE(test, rlpt_chan_in_use(2));
	KUNIT_EXPECT_TRUE(test, rlpt_chan_in_use(3));
	KUNIT_EXPECT_FALSE(test, rlpt_chan_in_use(4));
}

static void rl_platform_test_properties_reach_the_link_config(struct kunit *test)
{
	struct rlpt_link ml = rlpt_master, rm = rlpt_remote;
	const struct rpmsg_lite_config *c;
	struct rpmsg_lite_instance *m, *r;

	ml.link_id = 3;
	ml.payload = 240;
	ml.count = 8;
	ml.align = 0x40;
	ml.vring_size = 0x400;
	ml.region_size = SZ_64K;
	rm.link_id = 3;
	rm.payload = 240;
	rm.count = 8;
	rm.align = 0x40;
	rm.vring_size = 0x400;
	rm.region_size = SZ_64K;

	m = rlpt_link_of(test, rlpt_add(test, &ml));
	c = rpmsg_lite_get_config(m);
	KUNIT_EXPECT_EQ(test, c->link_id, 3U);
	KUNIT_EXPECT_EQ(test, c->payload_size, 240U);
	KUNIT_EXPECT_EQ(test, c->buffer_count, 8U);
	KUNIT_EXPECT_EQ(test, c->vring_align, 0x40U);
	KUNIT_EXPECT_EQ(test, c->vring_size, 0x400U);
	KUNIT_EXPECT_EQ(test, c->shm_da, (u64)RLPT_SHM_DA);
	KUNIT_EXPECT_EQ(test, c->link_up_kick_ms, 20U);
	KUNIT_EXPECT_FALSE(test, c->notify_consumed);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_payload_size(m), 240U);

	r = rlpt_link_of(test, rlpt_add(test, &rm));
	rlpt_expect_traffic(test, m, r);
}

static void rl_platform_test_defaults_are_those_of_rpmsg_lite(struct kunit *test)
{
	struct rlpt_ctx *ctx = test->priv;
	struct rlpt_link ml = rlpt_master;
	const struct rpmsg_lite_config *c;

	ml.no_shm_da = true;
	c = rpmsg_lite_get_config(rlpt_link_of(test, rlpt_add(test, &ml)));
	KUNIT_EXPECT_EQ(test, c->payload_size, 496U);
	KUNIT_EXPECT_EQ(test, c->buffer_count, 2U);
	KUNIT_EXPECT_EQ(test, c->vring_align, 0x1000U);
	KUNIT_EXPECT_EQ(test, c->vring_size, 0x8000U);
	/* no "nxp,shm-da": the peer sees the region where Linux does */
	KUNIT_EXPECT_EQ(test, c->shm_da, (u64)virt_to_phys(ctx->shm));
}

static void rl_platform_test_two_cell_shm_da_is_high_then_low(struct kunit *test)
{
	struct rlpt_link ml = rlpt_master, rm = rlpt_remote;
	struct rpmsg_lite_instance *m, *r;

	ml.da_hi = 0x1;
	rm.da_hi = 0x1;
	m = rlpt_link_of(test, rlpt_add(test, &ml));
	r = rlpt_link_of(test, rlpt_add(test, &rm));
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_config(m)->shm_da,
			0x100000000ULL | RLPT_SHM_DA);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_config(r)->shm_da,
			0x100000000ULL | RLPT_SHM_DA);
	/* both sides translate the same way: messages still arrive */
	rlpt_expect_traffic(test, m, r);
}

/* ---- cases: traffic ---- */

static void rl_platform_test_messages_flow_both_ways(struct kunit *test)
{
	struct rpmsg_lite_instance *m, *r;

	m = rlpt_link_of(test, rlpt_add(test, &rlpt_master));
	r = rlpt_link_of(test, rlpt_add(test, &rlpt_remote));
	rlpt_expect_traffic(test, m, r);
}

/*
 * The kicks of links 0 and 1 on the mailbox, i.MX encoding: the word is
 * vq_id << 16 with vq_id = (link_id << 1) | vring (wire.rst, "Kicks").
 * Each master kicks vring 0 at init and vring 1 for its message; each
 * remote kicks vring 0 for its message.  Words the test writes itself
 * reach the link they name, and only that one.
 */
static void rl_platform_test_imx_kick_words_are_vq_ids_shifted_by_16(struct kunit *test)
{
	static const u32 m0_words[] = { 0x00000, 0x10000 };
	static const u32 m1_words[] = { 0x20000, 0x30000 };
	static const u32 r0_words[] = { 0x00000 };
	static const u32 r1_words[] = { 0x20000 };
	struct rpmsg_lite_instance *a_m, *a_r, *b_m, *b_r;
	u32 word;

	rlpt_two_links(test, &a_m, &a_r, &b_m, &b_r);
	rlpt_expect_traffic(test, a_m, a_r);
	rlpt_expect_traffic(test, b_m, b_r);

	/* the "tx" channels: 0 and 4 of the masters, 3 and 7 of the remotes */
	rlpt_expect_words(test, 0, m0_words, ARRAY_SIZE(m0_words));
	rlpt_expect_words(test, 3, r0_words, ARRAY_SIZE(r0_words));
	rlpt_expect_words(test, 4, m1_words, ARRAY_SIZE(m1_words));
	rlpt_expect_words(test, 7, r1_words, ARRAY_SIZE(r1_words));

	/* the remote of link 1 hears on channel 5: vq 2 and 3, not 0 or 1 */
	word = 0x30000;
	KUNIT_EXPECT_EQ(test, rlpt_inject(b_r, 5, &word), 1ULL);
	word = 0x20000;
	KUNIT_EXPECT_EQ(test, rlpt_inject(b_r, 5, &word), 1ULL);
	word = 0x10000;
	KUNIT_EXPECT_EQ(test, rlpt_inject(b_r, 5, &word), 0ULL);
	/* the master of link 0 hears on channel 2: vq 0, not vq 2 */
	word = 0x00000;
	KUNIT_EXPECT_EQ(test, rlpt_inject(a_m, 2, &word), 1ULL);
	word = 0x20000;
	KUNIT_EXPECT_EQ(test, rlpt_inject(a_m, 2, &word), 0ULL);
	rlpt_expect_traffic(test, b_m, b_r);
}

/*
 * One doorbell channel per vring, link 1: the master kicks vring 0 on its
 * "vq0" channel and vring 1 on "vq1", the remote vring 0 on its "vq0"
 * (wire.rst, "Kicks"); the word sent is the vq id (transport.rst), and
 * the channel alone tells the receiver which vring: it reads no word.
 */
static void rl_platform_test_per_vring_doorbells_carry_traffic(struct kunit *test)
{
	static const u32 vq2[] = { 2 }, vq3[] = { 3 };
	struct rlpt_link ml = {
		.role = "master", .encoding = "per-vring", .link_id = 1,
		.names = { "vq0", "vq1" }, .chans = { 4, 6 },
	};
	struct rlpt_link rm = {
		.role = "remote", .encoding = "per-vring", .link_id = 1,
		.names = { "vq1", "vq0" }, .chans = { 7, 5 },
	};
	struct rpmsg_lite_instance *m, *r;
	u32 word = 0xdeadbeef;

	m = rlpt_link_of(test, rlpt_add(test, &ml));
	r = rlpt_link_of(test, rlpt_add(test, &rm));
	rlpt_expect_traffic(test, m, r);
	rlpt_expect_words(test, 4, vq2, ARRAY_SIZE(vq2));
	rlpt_expect_words(test, 6, vq3, ARRAY_SIZE(vq3));
	rlpt_expect_words(test, 5, vq2, ARRAY_SIZE(vq2));
	/* the remote's "vq1": it never kicks vring 1 (no consumed notices) */
	KUNIT_EXPECT_EQ(test, rlpt_sent(7), 0U);
	KUNIT_EXPECT_EQ(test, rlpt_inject(r, 7, &word), 1ULL);
}

/*
 * Raw (TI) kicks, link 1: the message is the vq id itself, vq_id =
 * (link_id << 1) | vring (wire.rst, "Kicks"): 2 and 3 from the master,
 * 2 from the remote.  Ids the test sends itself reach the link they name,
 * and only that one.
 */
static void rl_platform_test_raw_vq_id_kicks_carry_traffic(struct kunit *test)
{
	static const u32 m_ids[] = { 2, 3 }, r_ids[] = { 2 };
	struct rlpt_link ml = {
		.role = "master", .encoding = "raw", .link_id = 1,
		.names = { "tx" }, .chans = { 8 },
	};
	struct rlpt_link rm = {
		.role = "remote", .encoding = "raw", .link_id = 1,
		.names = { "tx" }, .chans = { 9 },
	};
	struct rpmsg_lite_instance *m, *r;

	rlpt_ctrl->tc[8].value = true;
	rlpt_ctrl->tc[9].value = true;
	m = rlpt_link_of(test, rlpt_add(test, &ml));
	r = rlpt_link_of(test, rlpt_add(test, &rm));
	rlpt_expect_traffic(test, m, r);
	rlpt_expect_words(test, 8, m_ids, ARRAY_SIZE(m_ids));
	rlpt_expect_words(test, 9, r_ids, ARRAY_SIZE(r_ids));
	/* one channel both ways: the remote hears on 9 */
	KUNIT_EXPECT_EQ(test, rlpt_inject(r, 9, (void *)3UL), 1ULL);
	KUNIT_EXPECT_EQ(test, rlpt_inject(r, 9, (void *)1UL), 0ULL);
}

static void rl_platform_test_two_links_run_at_once(struct kunit *test)
{
	struct rpmsg_lite_instance *a_m, *a_r, *b_m, *b_r;

	rlpt_two_links(test, &a_m, &a_r, &b_m, &b_r);
	rlpt_expect_traffic(test, a_m, a_r);
	rlpt_expect_traffic(test, b_m, b_r);
	rlpt_expect_traffic(test, a_m, a_r);
}

static void rl_platform_test_unbind_and_rebind_restore_the_link(struct kunit *test)
{
	struct rlpt_ctx *ctx = test->priv;
	struct platform_device *pm, *pr;
	unsigned int i;

	pm = rlpt_add(test, &rlpt_master);
	pr = rlpt_add(test, &rlpt_remote);
	rlpt_expect_traffic(test, rlpt_link_of(test, pm), rlpt_link_of(test, pr));

	device_release_driver(&pr->dev);
	device_release_driver(&pm->dev);
	KUNIT_EXPECT_NULL(test, rl_platform_get_link(&pm->dev));
	KUNIT_EXPECT_NULL(test, rl_platform_get_link(&pr->dev));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->links_removed), 2);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_FALSE_MSG(test, rlpt_chan_in_use(i),
				       "channel %u still held after unbind", i);

	KUNIT_EXPECT_EQ(test, device_attach(&pm->dev), 1);
	KUNIT_EXPECT_EQ(test, device_attach(&pr->dev), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->links_added), 4);
	rlpt_expect_traffic(test, rlpt_link_of(test, pm), rlpt_link_of(test, pr));
}

/* ---- cases: misconfiguration ---- */

static void rl_platform_test_missing_region_is_refused(struct kunit *test)
{
	struct rlpt_link l = rlpt_master;

	l.no_region = true;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -ENODEV);
}

static void rl_platform_test_region_too_small_is_refused(struct kunit *test)
{
	struct rlpt_link l = rlpt_master;

	/* defaults need 2 x 0x8000 + 4 x 512 = 0x10800 bytes */
	l.region_size = 0x10800 - 8;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
	l.region_size = 0x10800;
	rlpt_link_of(test, rlpt_add(test, &l));
}

static void rl_platform_test_buffer_count_not_power_of_two_is_refused(struct kunit *test)
{
	struct rlpt_link l = rlpt_master;

	l.count = 3;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
	l.count = 2048;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
}

static void rl_platform_test_payload_size_out_of_range_is_refused(struct kunit *test)
{
	struct rlpt_link l = rlpt_master;

	l.payload = 8;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
	l.payload = SZ_64K;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
}

static void rl_platform_test_rings_overflowing_vring_size_are_refused(struct kunit *test)
{
	struct rlpt_link l = rlpt_master;

	/* 256 descriptors with 0x1000 alignment need 0x2806 bytes */
	l.count = 256;
	l.vring_size = 0x2000;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
	/* not a whole number of alignment units */
	l.count = 2;
	l.vring_size = 0x1800;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
	/* alignment not a power of two */
	l.vring_size = 0;
	l.align = 0x300;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
}

static void rl_platform_test_misaligned_device_address_is_refused(struct kunit *test)
{
	struct rlpt_link l = rlpt_master;

	/* the peer aligns used rings in its own address space */
	l.da_off = 0x800;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
	/* fine once the alignment is that small */
	l.align = 0x800;
	l.vring_size = 0x1000;
	rlpt_link_of(test, rlpt_add(test, &l));
}

/*
 * Every rule of a link's numbers (rpmsg_lite_config_check(), the same
 * table rl_core_config_rules takes through the core's init and a
 * loopback pair), broken through the properties one at a time.
 */
static void rl_platform_test_every_rule_of_a_link_is_refused_at_probe(struct kunit *test)
{
	static const struct {
		const char *rule;
		const char *encoding;
		u32 link_id, payload, count, align, vring_size, da_off;
		size_t region_size;
	} bad[] = {
		/* raw kicks: the i.MX word's own limit is lower */
		{ "link id in 31 bits", "raw", .link_id = 0x80000000 },
		{ "payload 16..65520", .payload = 15 },
		{ "count a power of two", .count = 3 },
		{ "count 2..1024", .count = 2048, .vring_size = 0x10000 },
		{ "alignment a power of two", .align = 0x1800 },
		{ "rings fit the vring", .count = 256, .vring_size = 0x2000 },
		{ "vring size a multiple of the alignment",
		  .vring_size = 0x8800 },
		{ "vring size a multiple of 8", .align = 4,
		  .vring_size = 0x404 },
		{ "device address aligned", .da_off = 0x800 },
		{ "region large enough", .region_size = 0x10800 - 1 },
	};
	struct rlpt_ctx *ctx = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct rlpt_link l = rlpt_master;

		l.encoding = bad[i].encoding;
		l.link_id = bad[i].link_id;
		l.payload = bad[i].payload;
		l.count = bad[i].count;
		l.align = bad[i].align;
		l.vring_size = bad[i].vring_size;
		l.da_off = bad[i].da_off;
		l.region_size = bad[i].region_size;
		KUNIT_EXPECT_EQ_MSG(test, rlpt_probe_fails(test, &l), -EINVAL,
				    "rule: %s", bad[i].rule);
		/* a case has room for RLPT_MAX_DEVS: give this one back */
		platform_device_unregister(ctx->devs[--ctx->ndevs]);
	}
}

static void rl_platform_test_unknown_or_missing_role_is_refused(struct kunit *test)
{
	struct rlpt_link l = rlpt_master;

	l.role = "primary";
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
	l.role = NULL;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
}

static void rl_platform_test_unknown_kick_encoding_is_refused(struct kunit *test)
{
	struct rlpt_link l = rlpt_master;

	l.encoding = "doorbell";
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
}

static void rl_platform_test_unknown_mbox_name_is_refused(struct kunit *test)
{
	struct rlpt_link l = rlpt_master;

	/* a per-vring name under i.MX kicks */
	l.names[1] = "vq1";
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
	l.names[1] = "rxdb";
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
	/* the same name twice */
	l.names[1] = "tx";
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -EINVAL);
}

static void rl_platform_test_missing_kick_channel_is_refused(struct kunit *test)
{
	struct rlpt_link imx = rlpt_master;
	struct rlpt_link pv = {
		.role = "master", .encoding = "per-vring",
		.names = { "vq0" }, .chans = { 4 },
	};

	/* i.MX with only "rx": nothing to kick on */
	imx.names[0] = "rx";
	imx.names[1] = NULL;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &imx), -EINVAL);
	/* per-vring with "vq0" only */
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &pv), -EINVAL);
}

static void rl_platform_test_missing_mailbox_is_refused(struct kunit *test)
{
	struct rlpt_link l = rlpt_master;

	/* no "mbox-names" */
	l.names[0] = NULL;
	l.names[1] = NULL;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -ENODEV);
	/* names but neither "mboxes" (no device tree) nor platform data */
	l = rlpt_master;
	l.no_pdata = true;
	KUNIT_EXPECT_EQ(test, rlpt_probe_fails(test, &l), -ENODEV);
}

static void rl_platform_test_busy_channel_fails_probe_and_frees_the_rest(struct kunit *test)
{
	struct rlpt_link l = rlpt_master;
	struct rlpt_link other = rlpt_remote;
	struct platform_device *pdev;
	struct device_driver *drv;

	/* a bound link holds channel 3; a second link wants 0 and 3 */
	rlpt_link_of(test, rlpt_add(test, &other));
	l.chans[1] = 3;
	l.unmatched = true;
	pdev = rlpt_add(test, &l);
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	drv = driver_find(RL_PLATFORM_DRV_NAME, &platform_bus_type);
	KUNIT_ASSERT_NOT_NULL(test, drv);
	KUNIT_EXPECT_EQ(test, device_driver_attach(drv, &pdev->dev), -EBUSY);
	KUNIT_EXPECT_NULL(test, pdev->dev.driver);
	/* channel 0, taken first, was given back */
	KUNIT_EXPECT_FALSE(test, rlpt_chan_in_use(0));
	KUNIT_EXPECT_TRUE(test, rlpt_chan_in_use(3));
}

/* ---- suite ---- */

static int rlpt_init(struct kunit *test)
{
	struct rlpt_ctx *ctx;
	unsigned int i;

	if (!rlpt_ctrl)
		return -ENODEV;
	/* word messages unless a case asks otherwise; no word seen yet */
	spin_lock_irq(&rlpt_words_lock);
	for (i = 0; i < RLPT_NUM_CHANS; i++) {
		rlpt_ctrl->tc[i].value = false;
		rlpt_ctrl->tc[i].nwords = 0;
		rlpt_ctrl->tc[i].sent = 0;
		rlpt_ctrl->tc[i].overflow = false;
	}
	spin_unlock_irq(&rlpt_words_lock);
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->shm = alloc_pages_exact(RLPT_SHM_SIZE, GFP_KERNEL | __GFP_ZERO);
	if (!ctx->shm)
		return -ENOMEM;
	ctx->nb.notifier_call = rlpt_link_event;
	rpmsg_lite_register_notifier(&ctx->nb);
	test->priv = ctx;
	return 0;
}

static void rlpt_exit(struct kunit *test)
{
	struct rlpt_ctx *ctx = test->priv;

	/* remotes were added after their masters: go in reverse */
	while (ctx->ndevs)
		platform_device_unregister(ctx->devs[--ctx->ndevs]);
	rpmsg_lite_unregister_notifier(&ctx->nb);
	free_pages_exact(ctx->shm, RLPT_SHM_SIZE);
}

static int rlpt_suite_init(struct kunit_suite *suite)
{
	int ret;

	/*
	 * No owner module: suite_exit unregisters the driver before the
	 * module can go away.
	 */
	ret = __platform_driver_register(&rlpt_mbox_driver, NULL);
	if (ret)
		return ret;
	rlpt_ctrl_pdev = platform_device_register_simple(RLPT_MBOX_NAME, -1,
							 NULL, 0);
	if (IS_ERR(rlpt_ctrl_pdev)) {
		platform_driver_unregister(&rlpt_mbox_driver);
		return PTR_ERR(rlpt_ctrl_pdev);
	}
	return rlpt_ctrl ? 0 : -ENODEV;
}

static void rlpt_suite_exit(struct kunit_suite *suite)
{
	platform_device_unregister(rlpt_ctrl_pdev);
	platform_driver_unregister(&rlpt_mbox_driver);
	rlpt_ctrl = NULL;
}

static struct kunit_case rl_platform_test_cases[] = {
	KUNIT_CASE(rl_platform_test_master_and_remote_bind_over_one_region),
	KUNIT_CASE(rl_platform_test_properties_reach_the_link_config),
	KUNIT_CASE(rl_platform_test_defaults_are_those_of_rpmsg_lite),
	KUNIT_CASE(rl_platform_test_two_cell_shm_da_is_high_then_low),
	KUNIT_CASE(rl_platform_test_messages_flow_both_ways),
	KUNIT_CASE(rl_platform_test_imx_kick_words_are_vq_ids_shifted_by_16),
	KUNIT_CASE(rl_platform_test_per_vring_doorbells_carry_traffic),
	KUNIT_CASE(rl_platform_test_raw_vq_id_kicks_carry_traffic),
	KUNIT_CASE(rl_platform_test_two_links_run_at_once),
	KUNIT_CASE(rl_platform_test_unbind_and_rebind_restore_the_link),
	KUNIT_CASE(rl_platform_test_missing_region_is_refused),
	KUNIT_CASE(rl_platform_test_region_too_small_is_refused),
	KUNIT_CASE(rl_platform_test_buffer_count_not_power_of_two_is_refused),
	KUNIT_CASE(rl_platform_test_payload_size_out_of_range_is_refused),
	KUNIT_CASE(rl_platform_test_rings_overflowing_vring_size_are_refused),
	KUNIT_CASE(rl_platform_test_misaligned_device_address_is_refused),
	KUNIT_CASE(rl_platform_test_every_rule_of_a_link_is_refused_at_probe),
	KUNIT_CASE(rl_platform_test_unknown_or_missing_role_is_refused),
	KUNIT_CASE(rl_platform_test_unknown_kick_encoding_is_refused),
	KUNIT_CASE(rl_platform_test_unknown_mbox_name_is_refused),
	KUNIT_CASE(rl_platform_test_missing_kick_channel_is_refused),
	KUNIT_CASE(rl_platform_test_missing_mailbox_is_refused),
	KUNIT_CASE(rl_platform_test_busy_channel_fails_probe_and_frees_the_rest),
	{}
};

static struct kunit_suite rl_platform_test_suite = {
	.name = "rl_platform",
	.init = rlpt_init,
	.exit = rlpt_exit,
	.suite_init = rlpt_suite_init,
	.suite_exit = rlpt_suite_exit,
	.test_cases = rl_platform_test_cases,
};

rl_test_suites_module(rl_platform_test, &rl_platform_test_suite);

MODULE_DESCRIPTION("KUnit tests of the rpmsg-lite-link platform driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
MODULE_IMPORT_NS(RPMSG_LITE_TEST);
