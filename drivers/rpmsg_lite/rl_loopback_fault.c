// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection of rpmsg_lite_loopback.ko: kicks dropped, refused or
 * failed in the controller's tx-done interrupt, per direction of a link
 * pair; the counters that show their effect; and the debugfs knobs of
 * load-time pairs, <debugfs>/rpmsg_lite_loopback/pairN/{hold_remote,reset}.
 * See Documentation/rpmsg-lite/transport.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/rpmsg_lite.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "rl_loopback_internal.h"
#include "rl_mbox.h"

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

/* ---- debugfs: fault injection from user space ---- */

static struct dentry *rl_lb_dbg_root;

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
void rl_lb_pair_debugfs(struct rl_loopback_pair *p)
{
	char name[16];

	if (IS_ERR_OR_NULL(rl_lb_dbg_root))
		return;
	snprintf(name, sizeof(name), "pair%d", p->id);
	p->dbg = debugfs_create_dir(name, rl_lb_dbg_root);
	debugfs_create_file("hold_remote", 0600, p->dbg, p, &rl_lb_hold_fops);
	debugfs_create_file("reset", 0200, p->dbg, p, &rl_lb_reset_fops);
}

/**
 * rl_lb_pair_debugfs_remove() - remove the knobs of a pair, if it has any
 * @p: pair
 *
 * Waits for hold_remote and reset handlers still running.
 *
 * Context: process context, may sleep.
 */
void rl_lb_pair_debugfs_remove(struct rl_loopback_pair *p)
{
	debugfs_remove_recursive(p->dbg);
}

/**
 * rl_lb_debugfs_init() - create <debugfs>/rpmsg_lite_loopback
 *
 * Without debugfs nothing is created, and rl_lb_pair_debugfs() creates
 * nothing either.
 *
 * Context: module init.
 */
void rl_lb_debugfs_init(void)
{
	rl_lb_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
}

/**
 * rl_lb_debugfs_exit() - remove <debugfs>/rpmsg_lite_loopback
 *
 * Context: module init (error path) or exit, once no pair is left.
 */
void rl_lb_debugfs_exit(void)
{
	debugfs_remove_recursive(rl_lb_dbg_root);
}
