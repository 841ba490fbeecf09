// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite links: endpoints.  Creation at a fixed or a dynamic address,
 * the receive work's lookup under RCU, destruction (waiting for a running
 * callback, or deferred to its end when called from it) and the
 * references that keep an endpoint's memory.
 *
 * Owns: epts of struct rpmsg_lite_instance and every struct
 * rpmsg_lite_endpoint but its tx_credit and tx_round (rl_tx_sched.c).
 * Takes no lock of the link (the xarray has its own; lookups run under
 * RCU); a dying endpoint wakes blocked senders through
 * rl_tx_wake_waiters() (tx.lock).
 *
 * Called by API users, the name service (rl_ns.c: rl_ept_create(),
 * rl_ept_unused()), the receive work (rl_rx.c: rl_ept_get(),
 * rl_ept_put_from_work()) and link teardown (rl_link.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "rl_compat.h"
#include "rl_core.h"
#include "rl_core_internal.h"
#include "rl_internal.h"

/**
 * rl_ept_get() - the endpoint at an address, for one receive callback
 * @rl: link
 * @addr: local address
 *
 * Context: the receive work.
 * Return: the endpoint with a reference the caller drops with
 * rl_ept_put_from_work(), or NULL when none is there (or it is dying).
 */
struct rpmsg_lite_endpoint *rl_ept_get(struct rpmsg_lite_instance *rl,
				       u32 addr)
{
	struct rpmsg_lite_endpoint *ept;

	rcu_read_lock();
	ept = xa_load(&rl->epts, addr);
	if (ept && !refcount_inc_not_zero(&ept->refs))
		ept = NULL;
	rcu_read_unlock();
	return ept;
}

/**
 * rl_ept_put_from_work() - drop a reference of rl_ept_get()
 * @ept: endpoint
 *
 * The last one completes its destruction: it wakes
 * rpmsg_lite_destroy_ept(), or kills an endpoint destroyed from its own
 * callback.
 *
 * Context: the receive work.
 */
void rl_ept_put_from_work(struct rpmsg_lite_endpoint *ept)
{
	if (!refcount_dec_and_test(&ept->refs))
		return;
	if (ept->free_after_cb)
		rl_ept_unused(ept);
	else
		complete(&ept->released);
}

/**
 * rl_ept_create() - create an endpoint (users and the name service)
 * @rl: link
 * @addr: fixed address, or RL_ADDR_ANY for one from 1024 up
 * @rx_cb: receive callback
 * @rx_cb_data: passed back to @rx_cb
 * @internal: true for the link's own name-service endpoint (may use 53)
 *
 * Return: the endpoint, or ERR_PTR(-EINVAL, -EADDRINUSE, -ENOSPC,
 * -ENOMEM).
 */
struct rpmsg_lite_endpoint *rl_ept_create(struct rpmsg_lite_instance *rl,
					  u32 addr, rl_ept_rx_cb_t rx_cb,
					  void *rx_cb_data, bool internal)
{
	struct rpmsg_lite_endpoint *ept;
	int ret;

	if (!rl || !rx_cb)
		return ERR_PTR(-EINVAL);
	if (addr == RL_NS_EPT_ADDR && !internal)
		return ERR_PTR(-EADDRINUSE);

	ept = kzalloc(sizeof(*ept), GFP_KERNEL);
	if (!ept)
		return ERR_PTR(-ENOMEM);
	ept->rl = rl;
	ept->rx_cb = rx_cb;
	ept->rx_cb_data = rx_cb_data;
	ept->internal = internal;
	refcount_set(&ept->refs, 1);
	init_completion(&ept->released);
	kref_init(&ept->kref);

	if (addr == RL_ADDR_ANY) {
		ret = xa_alloc(&rl->epts, &ept->addr, ept,
			       XA_LIMIT(RL_ADDR_DYNAMIC_BASE, RL_ADDR_ANY - 1),
			       GFP_KERNEL);
		if (ret == -EBUSY)
			ret = -ENOSPC;
	} else {
		ept->addr = addr;
		ret = xa_insert(&rl->epts, addr, ept, GFP_KERNEL);
		if (ret == -EBUSY)
			ret = -EADDRINUSE;
	}
	if (ret) {
		kfree(ept);
		return ERR_PTR(ret);
	}
	return ept;
}

static void rl_ept_release(struct kref *kref)
{
	struct rpmsg_lite_endpoint *ept =
		container_of(kref, struct rpmsg_lite_endpoint, kref);

	/* the receive path may still be looking at it under RCU */
	kfree_rcu(ept, rcu);
}

/**
 * rpmsg_lite_ept_get() - keep an endpoint's memory
 * @ept: endpoint
 *
 * For front ends whose users may still call on an endpoint while another
 * thread destroys it: a reference keeps the structure valid, so the call
 * fails cleanly (-EPIPE) instead of touching freed memory.  It does not
 * keep the endpoint alive: rpmsg_lite_destroy_ept() works as usual.
 *
 * Context: any.
 * Return: @ept.
 */
struct rpmsg_lite_endpoint *
rpmsg_lite_ept_get(struct rpmsg_lite_endpoint *ept)
{
	kref_get(&ept->kref);
	return ept;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_ept_get, RPMSG_LITE);

/**
 * rpmsg_lite_ept_put() - drop a reference of rpmsg_lite_ept_get()
 * @ept: endpoint (NULL is ignored)
 *
 * Context: any.
 */
void rpmsg_lite_ept_put(struct rpmsg_lite_endpoint *ept)
{
	if (ept)
		kref_put(&ept->kref, rl_ept_release);
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_ept_put, RPMSG_LITE);

/*
 * @ept was taken out of the table: sends on it fail from now on and
 * senders blocked for a buffer wake up to see it.
 */
static void rl_ept_kill(struct rpmsg_lite_endpoint *ept)
{
	WRITE_ONCE(ept->dead, true);
	rl_tx_wake_waiters(ept->rl);
}

/**
 * rl_ept_unused() - drop the creator's reference of an endpoint no
 *		     callback can reach any more
 * @ept: endpoint, already removed from the table, with no callback running
 */
void rl_ept_unused(struct rpmsg_lite_endpoint *ept)
{
	rl_ept_kill(ept);
	rpmsg_lite_ept_put(ept);
}

/**
 * rpmsg_lite_create_ept() - create an endpoint
 * @rl: link
 * @addr: fixed address, or RL_ADDR_ANY to get a free one from 1024 up
 * @rx_cb: receive callback (process context, see rl_ept_rx_cb_t)
 * @rx_cb_data: passed back to @rx_cb
 *
 * Context: process context, may sleep.  May be called from a receive
 * callback.
 * Return: the endpoint, or an ERR_PTR: -EINVAL (NULL @rl or @rx_cb),
 * -EADDRINUSE (@addr taken, or 53, the name service's), -ENOSPC (no free
 * dynamic address), -ENOMEM, -ENODEV (the link is being removed).
 */
struct rpmsg_lite_endpoint *
rpmsg_lite_create_ept(struct rpmsg_lite_instance *rl, u32 addr,
		      rl_ept_rx_cb_t rx_cb, void *rx_cb_data)
{
	struct rpmsg_lite_endpoint *ept;

	if (!rl)
		return ERR_PTR(-EINVAL);
	/* none is added once deinit has swept the table */
	if (!rl_enter(rl))
		return ERR_PTR(-ENODEV);
	ept = rl_ept_create(rl, addr, rx_cb, rx_cb_data, false);
	rl_leave(rl);
	return ept;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_create_ept, RPMSG_LITE);

/**
 * rpmsg_lite_destroy_ept() - remove an endpoint
 * @rl: link
 * @ept: endpoint of @rl
 *
 * No new message reaches @ept once this is called.  If its callback is
 * running on another thread, waits for it to return (its sends still go
 * out); after that @rx_cb_data may be freed, and sends on @ept fail with
 * -EPIPE: senders blocked waiting for a buffer on its behalf wake up and
 * return.  From inside a receive callback of the same link: destroying
 * another endpoint is immediate (callbacks of a link do not run
 * concurrently); destroying the endpoint whose callback is running is
 * deferred - the endpoint is unreachable at once and dies when the
 * callback returns.  Buffers it holds stay held until released.  The
 * memory goes when the last rpmsg_lite_ept_get() reference is dropped
 * too.
 *
 * Context: process context, may sleep; also after rpmsg_lite_deinit()
 * started (the link's memory must still be valid).
 * Return: 0; -EINVAL bad argument or @ept not an endpoint of @rl (or
 * destroyed already).
 */
int rpmsg_lite_destroy_ept(struct rpmsg_lite_instance *rl,
			   struct rpmsg_lite_endpoint *ept)
{
	if (!rl || !ept || ept->rl != rl || ept->internal)
		return -EINVAL;
	if (xa_cmpxchg(&rl->epts, ept->addr, ept, NULL, GFP_KERNEL) != ept)
		return -EINVAL;

	if (rl_in_rx_work(rl) && rl->rx.cb_ept == ept) {
		ept->free_after_cb = true;
		/* the work holds a reference; it kills @ept when done */
		WARN_ON(refcount_dec_and_test(&ept->refs));
		return 0;
	}
	if (!refcount_dec_and_test(&ept->refs))
		wait_for_completion(&ept->released);
	rl_ept_unused(ept);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_destroy_ept, RPMSG_LITE);

/**
 * rpmsg_lite_ept_addr() - local address of an endpoint
 * @ept: endpoint
 *
 * Return: its address, or RL_ADDR_ANY for NULL.
 */
u32 rpmsg_lite_ept_addr(const struct rpmsg_lite_endpoint *ept)
{
	return ept ? ept->addr : RL_ADDR_ANY;
}
EXPORT_SYMBOL_NS_GPL(rpmsg_lite_ept_addr, RPMSG_LITE);
