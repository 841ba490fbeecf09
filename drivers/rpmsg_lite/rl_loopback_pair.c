// SPDX-License-Identifier: GPL-2.0
/*
 * Link pairs of rpmsg_lite_loopback.ko: a master link and a remote link in
 * this kernel over one vmalloc'ed region, each with an rl_mbox transport on
 * channels of the loopback controller (rl_loopback_mbox.c).  This file
 * creates and destroys pairs, gives their links and region to the tests,
 * and destroys at unload the pairs a user leaked.  Fault injection is in
 * rl_loopback_fault.c, the echo service in rl_loopback_echo.c.  See
 * Documentation/rpmsg-lite/transport.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/idr.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rpmsg_lite.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "rl_loopback_internal.h"
#include "rl_mbox.h"

static DEFINE_IDA(rl_lb_pair_ida);

/* Every link pair, under rl_lb_mutex; unload destroys what is left. */
static LIST_HEAD(rl_lb_pairs);

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

static void rl_lb_pair_free(struct rl_loopback_pair *p)
{
	mutex_destroy(&p->hold_lock);
	mutex_destroy(&p->echo_lock);
	kfree(p);
}

/*
 * A pair with its settings and @cfg checked, its region's size computed;
 * nothing allocated for it yet.  rl_lb_pair_free() undoes it.
 */
static struct rl_loopback_pair *
rl_lb_pair_alloc(const struct rpmsg_lite_config *cfg,
		 enum rl_kick_encoding encoding)
{
	struct rpmsg_lite_config_error err;
	struct rl_loopback_pair *p;
	unsigned int s;
	u64 size;
	int ret;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	mutex_init(&p->echo_lock);
	mutex_init(&p->hold_lock);
	p->encoding = encoding;
	p->cfg = *cfg;
	if (!p->cfg.shm_da)
		p->cfg.shm_da = RL_LOOPBACK_SHM_DA;
	for (s = 0; s < RL_LB_SIDES; s++) {
		p->side[s].p = p;
		atomic64_set(&p->side[s].failed, 0);
	}

	ret = rpmsg_lite_config_check(&p->cfg, 0, NULL, &err);
	if (ret) {
		pr_err("loopback pair refused: %s\n", err.msg);
		goto err_free;
	}
	size = rpmsg_lite_shm_size(&p->cfg);
	if (size > U32_MAX || p->cfg.shm_da + size > 1ULL << 32) {
		pr_err("loopback pair: region of %llu bytes at %#llx does not fit 32-bit device addresses\n",
		       size, p->cfg.shm_da);
		ret = -EINVAL;
		goto err_free;
	}
	p->shm_size = size;
	return p;

err_free:
	rl_lb_pair_free(p);
	return ERR_PTR(ret);
}

/*
 * The pair's id, the names of its links and its zeroed region.  On
 * failure nothing of it is left; on success the caller frees the region
 * and the id.
 */
static int rl_lb_pair_region(struct rl_loopback_pair *p)
{
	struct rl_lb_side *m = &p->side[RL_LB_MASTER];
	struct rl_lb_side *r = &p->side[RL_LB_REMOTE];
	int ret;

	ret = ida_alloc(&rl_lb_pair_ida, GFP_KERNEL);
	if (ret < 0)
		return ret;
	p->id = ret;
	snprintf(m->name, sizeof(m->name), "loop%d-master", p->id);
	snprintf(r->name, sizeof(r->name), "loop%d-remote", p->id);

	p->shm = vzalloc(p->shm_size);
	if (!p->shm) {
		ida_free(&rl_lb_pair_ida, p->id);
		return -ENOMEM;
	}
	return 0;
}

/*
 * The transports of both sides on the pair's claimed channels, then the
 * module's pins on its own channels dropped (rl_lb_unpin_self()).  On
 * failure no transport is left; the caller resets and unclaims the
 * channels either way.
 */
static int rl_lb_pair_mboxes(struct rl_loopback_pair *p)
{
	struct rl_lb_side *m = &p->side[RL_LB_MASTER];
	struct rl_lb_side *r = &p->side[RL_LB_REMOTE];
	struct rl_mbox_desc d[RL_LB_SIDES];

	rl_lb_pair_descs(p, d);
	m->mb = rl_mbox_create(p->lb->dev, &d[RL_LB_MASTER]);
	if (IS_ERR(m->mb))
		return PTR_ERR(m->mb);
	r->mb = rl_mbox_create(p->lb->dev, &d[RL_LB_REMOTE]);
	if (IS_ERR(r->mb)) {
		rl_mbox_destroy(m->mb);
		return PTR_ERR(r->mb);
	}
	rl_lb_unpin_self();
	return 0;
}

/* The master link, then the remote one; on failure neither is left. */
static int rl_lb_pair_links(struct rl_loopback_pair *p)
{
	struct rl_lb_side *m = &p->side[RL_LB_MASTER];
	struct rl_lb_side *r = &p->side[RL_LB_REMOTE];

	m->rl = rl_lb_link_init(m, true);
	if (IS_ERR(m->rl))
		return PTR_ERR(m->rl);
	r->rl = rl_lb_link_init(r, false);
	if (IS_ERR(r->rl)) {
		rpmsg_lite_deinit(m->rl);
		return PTR_ERR(r->rl);
	}
	return 0;
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
	struct rl_loopback_pair *p;
	int ret;

	if (!cfg || encoding > RL_KICK_PER_VRING)
		return ERR_PTR(-EINVAL);

	p = rl_lb_pair_alloc(cfg, encoding);
	if (IS_ERR(p))
		return p;
	ret = rl_lb_pair_region(p);
	if (ret)
		goto err_free;
	ret = rl_lb_claim(p);
	if (ret)
		goto err_region;
	ret = rl_lb_pair_mboxes(p);
	if (ret)
		goto err_chans;
	ret = rl_lb_pair_links(p);
	if (ret)
		goto err_mboxes;

	mutex_lock(&rl_lb_mutex);
	list_add_tail(&p->node, &rl_lb_pairs);
	mutex_unlock(&rl_lb_mutex);
	return p;

err_mboxes:
	rl_lb_pin_self();
	rl_mbox_destroy(p->side[RL_LB_REMOTE].mb);
	rl_mbox_destroy(p->side[RL_LB_MASTER].mb);
err_chans:
	rl_lb_pair_chans_reset(p);
	rl_lb_unclaim(p);
err_region:
	vfree(p->shm);
	ida_free(&rl_lb_pair_ida, p->id);
err_free:
	rl_lb_pair_free(p);
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
 * Checks @cfg with rpmsg_lite_config_check(), allocates a zeroed region
 * of rpmsg_lite_shm_size() bytes, takes two channel pairs of the loopback
 * controller, and initialises "loopN-master" then "loopN-remote" on it,
 * both with the rl_mbox transport in RL_KICK_IMX encoding.  Does not wait
 * for the link to come up (rpmsg_lite_wait_for_link_up() does).
 *
 * Context: process context, may sleep.
 * Return: the pair, or an ERR_PTR: -EINVAL for a configuration the core
 * refuses or whose region does not fit 32-bit device addresses,
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
	rl_lb_pair_debugfs_remove(p);
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
	rl_lb_pair_free(p);
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

/*
 * Pairs of other modules are gone before this module can unload (they
 * use its symbols) unless their owner leaked them: destroy those too, the
 * controller must not go away under bound channels.
 */
void rl_lb_destroy_pairs(void)
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
	/* every id is free again */
	ida_destroy(&rl_lb_pair_ida);
}
