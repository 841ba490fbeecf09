// SPDX-License-Identifier: GPL-2.0
/*
 * Echo service of rpmsg_lite_loopback.ko: an endpoint on the remote link of
 * a link pair that sends every message back to its source, announced to
 * the master by name service once the link is up; and its hold mode, in
 * which it keeps what it receives like a slow consumer (the hold_remote
 * knob of rl_loopback_fault.c).  See Documentation/rpmsg-lite/transport.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/kfifo.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rpmsg_lite.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "rl_loopback_internal.h"
#include "rl_wire.h"

/* How long the echo service waits for a free tx buffer. */
#define RL_LB_ECHO_TIMEOUT_MS	200
/* How long one wait for link-up lasts before the announce work re-queues. */
#define RL_LB_LINK_UP_POLL_MS	100

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
int rl_lb_hold_remote(struct rl_loopback_pair *p, bool hold)
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
