/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State of an rpmsg-lite link, shared by the core, the name service
 * (rl_ns.c) and the receive queues (rl_queue.c).  The core is split by
 * job: rl_core.c (notifier, listeners, kicks, accessors, errno mapping),
 * rl_buf.c (buffer states), rl_rx.c (receive), rl_tx.c (transmit),
 * rl_tx_sched.c (blocked senders' turns), rl_zc.c (zero copy), rl_ept.c
 * (endpoints), rl_link.c (set-up, the link device, teardown) and
 * rl_link_state.c (link state, reset, peer lost, ring rebuilds); what only
 * they share is in rl_core_internal.h, and the top of each file says which
 * fields below it owns.  Nothing outside the core, rl_ns.c and rl_queue.c
 * looks inside these structures.
 *
 * Locks of a link (paths in struct rpmsg_lite_instance), in the order
 * they nest:
 *   life.lock (mutex)   serialises rpmsg_lite_reset_link(),
 *                       rpmsg_lite_peer_lost() and deinit
 *   listeners_lock (mutex)  the link's listeners (front ends); held around
 *                       their callbacks
 *   ns_lock (mutex)     name-service binding; held around the bind callback
 *   rx.lock (spinlock)  the receive vq and the held-buffer bitmap; taken
 *                       by the receive work and by release_rx_buffer from
 *                       any context
 *   tx.lock (spinlock)  the transmit vq, the tx ownership bitmaps and
 *                       sched; taken by senders in any context
 *                       (RL_DONT_BLOCK sends may come from atomic context)
 *   queues_lock (spinlock)  the list of receive queues; taken in any
 *                       context to wake their readers
 * rx.lock and tx.lock are only taken together by a link reset (and the
 * remote's check for rebuilt rings), rx first.  A receive queue's own lock
 * may be held while rx.lock is taken (never the other way round).
 *
 * The life cycle (DOWN, WAITING, UP, RESETTING) is described in
 * Documentation/rpmsg-lite/lifecycle.rst.
 *
 * Lifetimes: a link is a struct device (class rpmsg_lite_link); its
 * memory goes with the last reference (rpmsg_lite_get()/put(), the
 * device's children).  Every API call that touches the rings, the
 * transport or sleeps holds @life.active for its duration; deinit kills it,
 * wakes every sleeper, waits for the calls in flight to leave, and only
 * then stops the transport and the works and detaches the front ends.
 * An endpoint's memory is refcounted the same way (@kref), apart from
 * the references its running callbacks take (@refs), which
 * rpmsg_lite_destroy_ept() waits for.
 */
#ifndef _RL_CORE_H
#define _RL_CORE_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu-refcount.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rpmsg_lite.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "rl_vring.h"
#include "rl_wire.h"

/**
 * struct rpmsg_lite_endpoint - one local address of a link
 * @rl: link the endpoint belongs to
 * @addr: local address (source of what it sends)
 * @rx_cb: receive callback
 * @rx_cb_data: passed back to @rx_cb
 * @refs: one reference for the endpoint table, one per running callback
 * @released: completed when the last of @refs is dropped, so that
 *            rpmsg_lite_destroy_ept() can wait for a running callback
 * @kref: the memory: one reference of its creator (dropped by
 *        rpmsg_lite_destroy_ept()), one per rpmsg_lite_ept_get()
 * @dead: destroyed: sends on it fail with -EPIPE, blocked ones wake up
 * @free_after_cb: destroyed from its own callback; the receive work drops
 *                 the creator's reference when the callback returns
 * @internal: created by the link itself (name service), not by a user
 * @tx_credit: sends this endpoint may still make without queueing behind
 *             other blocked senders (a burst granted with its turn; see
 *             rl_tx_grant_locked()); valid in round @tx_round only;
 *             under the link's tx.lock
 * @tx_round: the link's sched.round when @tx_credit was granted
 * @rcu: the receive path looks endpoints up under RCU
 */
struct rpmsg_lite_endpoint {
	struct rpmsg_lite_instance *rl;
	u32 addr;
	rl_ept_rx_cb_t rx_cb;
	void *rx_cb_data;
	refcount_t refs;
	struct completion released;
	struct kref kref;
	bool dead;
	bool free_after_cb;
	bool internal;
	u32 tx_credit;
	u32 tx_round;
	struct rcu_head rcu;
};

/**
 * struct rl_link_counters - live counters behind struct
 *                           rpmsg_lite_link_stats (same meaning)
 * @tx_msgs: see struct rpmsg_lite_link_stats; a plain counter under
 *           the link's tx.lock, which every send holds anyway
 * @rx_msgs: see struct rpmsg_lite_link_stats
 * @kicks_out: see struct rpmsg_lite_link_stats
 * @kicks_in: see struct rpmsg_lite_link_stats
 * @kick_errors: see struct rpmsg_lite_link_stats
 * @rx_drop_no_ept: see struct rpmsg_lite_link_stats
 * @rx_drop_bad_len: see struct rpmsg_lite_link_stats
 * @rx_drop_bad_ns: see struct rpmsg_lite_link_stats
 * @ring_errors: see struct rpmsg_lite_link_stats
 * @tx_timeouts: see struct rpmsg_lite_link_stats
 * @resets: see struct rpmsg_lite_link_stats
 * @link_up_rekicks: see struct rpmsg_lite_link_stats
 * @reset_drops: see struct rpmsg_lite_link_stats
 * @master_reinits: see struct rpmsg_lite_link_stats
 * @kick_retries: see struct rpmsg_lite_link_stats
 * @rx_polls: see struct rpmsg_lite_link_stats
 */
struct rl_link_counters {
	u64 tx_msgs;
	atomic64_t rx_msgs;
	atomic64_t kicks_out;
	atomic64_t kicks_in;
	atomic64_t kick_errors;
	atomic64_t rx_drop_no_ept;
	atomic64_t rx_drop_bad_len;
	atomic64_t rx_drop_bad_ns;
	atomic64_t ring_errors;
	atomic64_t tx_timeouts;
	atomic64_t resets;
	atomic64_t link_up_rekicks;
	atomic64_t reset_drops;
	atomic64_t master_reinits;
	atomic64_t kick_retries;
	atomic64_t rx_polls;
};

#define rl_stat_inc(rl, field)	atomic64_inc(&(rl)->stats.field)

/* Receive entries the receive work takes under one lock round. */
#define RL_RX_BATCH	32

/**
 * struct rl_rx_slot - one entry taken from the receive vq
 * @buf: the buffer (header + payload)
 * @len: length the ring reported
 * @head: descriptor index
 */
struct rl_rx_slot {
	void *buf;
	u32 len;
	u16 head;
};

/**
 * enum rl_buf_state - who has one buffer of a link (one state per buffer
 *		       and direction; the table is in Documentation/rpmsg-lite/
 *		       core.rst and rl_buf_move() checks every change)
 * @RL_BUF_RING: in its vring: the peer's, or given back by it and not
 *		 taken yet
 * @RL_BUF_SPARE: transmit only: taken from the ring and not in use (a
 *		  zero-copy buffer released unsent); handed out before the ring
 * @RL_BUF_USER: handed to one user: a transmit buffer being filled or sent,
 *		 a receive buffer in a callback or held with RL_HOLD
 * @RL_BUF_PARKED: transmit only: came out of a rebuilt ring while its
 *		   holder from before the reset still has it; kept aside until
 *		   that holder lets go, then spare
 * @RL_BUF_NR_STATES: number of states
 */
enum rl_buf_state {
	RL_BUF_RING,
	RL_BUF_SPARE,
	RL_BUF_USER,
	RL_BUF_PARKED,
	RL_BUF_NR_STATES,
};

/**
 * struct rl_buf - the core's record of one buffer (one head of one vq)
 * @va: remote: mapping of the buffer when last taken from the ring (the
 *      master computes its own); kept while @voids is nonzero
 * @state: enum rl_buf_state
 * @voids: holders from before a link reset that have not let go; their
 *	   release only counts down (the rebuilt ring owns the head).  At
 *	   most 1 for a transmit buffer: a voided one is never handed out
 *	   again before that
 */
struct rl_buf {
	void *va;
	u8 state;
	u8 voids;
};

/* Bits of rpmsg_lite_instance.rx.pending, set in any context. */
enum {
	RL_PEND_VQ0,		/* the peer kicked queue 0 of this link */
	RL_PEND_VQ1,		/* the peer kicked queue 1 of this link */
	RL_PEND_DOWN,		/* a broken ring took the link down */
};

/* Bits of rpmsg_lite_instance.life.flags. */
enum {
	RL_FLAG_BROKEN_LOGGED,	/* the broken-ring error was printed */
	RL_FLAG_DOWN_TOLD,	/* LINK_DOWN was sent, LINK_UP not since */
};

/**
 * struct rl_rx_state - the receive direction of a link (rl_rx.c; buffer
 *			states and slots through rl_buf.c)
 * @vq: the vq we receive on (master: &rpmsg_lite_instance.vq[0], remote:
 *      &rpmsg_lite_instance.vq[1])
 * @vq_id: wire id of @vq (kicked when returning buffers)
 * @bufs: the buffers of @vq (master: its own array; remote: the half of
 *        the buffer area the master's descriptors must point into)
 * @slots: remote: per buffer of @bufs, the head that holds it, plus one
 *         (0: none); a buffer is held through one head at a time
 * @lock: see the lock list at the top of this file
 * @bufs_state: one struct rl_buf per head of @vq (under @lock)
 * @returned: returns since the last kick decision (notify_consumed)
 * @batch: entries the receive work took in its current pass (receive
 *         work only)
 * @pending: RL_PEND_* bits for the receive work
 * @cb_ept: endpoint whose callback the receive work is running
 * @wq: per-CPU workqueue of the receive work: it runs on the CPU the
 *      kick arrived on (a workqueue item never runs twice at once)
 * @work: drains @vq and runs the receive callbacks
 */
struct rl_rx_state {
	struct rl_vq *vq;
	u32 vq_id;
	void *bufs;
	u16 *slots;
	spinlock_t lock;	/* vq, bufs_state, returned */
	struct rl_buf *bufs_state;
	u32 returned;
	struct rl_rx_slot batch[RL_RX_BATCH];
	unsigned long pending;
	struct rpmsg_lite_endpoint *cb_ept;
	struct workqueue_struct *wq;
	struct work_struct work;
};

/**
 * struct rl_tx_state - the transmit direction of a link (rl_tx.c; buffer
 *			states and slots through rl_buf.c)
 * @vq: the vq we send on (master: &rpmsg_lite_instance.vq[1], remote:
 *      &rpmsg_lite_instance.vq[0])
 * @vq_id: wire id of @vq (kicked after a send)
 * @bufs: the buffers of @vq (as &rl_rx_state.bufs)
 * @slots: remote: per buffer of @bufs, the head that holds it, plus one
 *         (as &rl_rx_state.slots)
 * @lock: see the lock list at the top of this file
 * @bufs_state: one struct rl_buf per head of @vq (under @lock)
 * @nspare: heads of @vq in RL_BUF_SPARE
 * @more: messages were published with RL_SEND_MORE and the peer was not
 *        told yet (under @lock)
 * @wait: pollers waiting for a free buffer; woken on tx kicks and every
 *        state change (blocked senders wait in &rl_tx_sched.waiters)
 * @poll_work: wakes pollers when buffers come back without a kick
 * @watch_idx: peer idx of @vq at the last check of @watch_work
 * @watch_tries: kicks repeated since the peer last made progress
 * @watch_work: while messages we sent are not consumed: repeats the kick
 *              (a lost kick) and looks at the receive vq (a lost kick
 *              from the peer)
 */
struct rl_tx_state {
	struct rl_vq *vq;
	u32 vq_id;
	void *bufs;
	u16 *slots;
	spinlock_t lock;	/* vq, fields below, sched, tx_credit */
	struct rl_buf *bufs_state;
	u32 nspare;
	bool more;
	wait_queue_head_t wait;
	struct delayed_work poll_work;
	u16 watch_idx;
	u8 watch_tries;
	struct delayed_work watch_work;
};

/**
 * struct rl_tx_sched - turns of a link's blocked senders (rl_tx_sched.c);
 *			every field under &rl_tx_state.lock
 * @waiters: blocked senders waiting for a buffer (struct rl_tx_waiter),
 *           oldest first; freed buffers are handed to them in order
 * @round: bumped on every state change and when no credit was used for a
 *         jiffy: burst credits of older rounds are void
 * @reserved: free buffers promised to the burst credits of the current
 *            round; kept out of what is handed to newer waiters
 * @credit_jiffies: jiffies when a credit was last granted or used
 * @nwaiters: entries in @waiters
 * @grants: buffers handed to waiters so far (wraps; progress marker)
 */
struct rl_tx_sched {
	struct list_head waiters;
	u32 round;
	u32 reserved;
	unsigned long credit_jiffies;
	u32 nwaiters;
	u32 grants;
};

/**
 * struct rl_link_life - life cycle of a link (rl_link_state.c; @removing,
 *			 @active and @drained: rl_link.c)
 * @state: enum rpmsg_lite_link_state
 * @generation: bumped by every ring rebuild; buffers of an older
 *              generation are void
 * @removing: rpmsg_lite_deinit() has started
 * @active: held by every API call that uses the rings, the transport or
 *          sleeps (rl_enter()); killed by deinit
 * @drained: completed when @active is dead and every holder left
 * @flags: RL_FLAG_* bits
 * @rx_used_base: master: used->idx of vq[0] after setup (activity probe)
 * @tx_used_base: master: used->idx of vq[1] after setup (activity probe)
 * @peer_seen: master: the remote has been seen consuming or sending
 * @ring_gen: master: generation of its rings (see rl_wire.h); remote:
 *            the master's generation it follows
 * @gen_acked: remote: the odd generation it last acknowledged
 * @gen_known: remote: the master has shown a nonzero generation, so a
 *             change of generation (not the ring image) tells a rebuild
 * @peer_gen_aware: master: the remote has shown it follows generations
 * @need_rebuild: remote: it reset itself after using the rings; only
 *                rings the master rebuilt since bring it up again
 * @lock: see the lock list at the top of this file
 * @wait: rpmsg_lite_wait_for_link_up() waiters
 * @kick_work: master: re-kicks until the remote shows activity
 */
struct rl_link_life {
	atomic_t state;
	u32 generation;
	bool removing;
	struct percpu_ref active;
	struct completion drained;
	unsigned long flags;
	u16 rx_used_base;
	u16 tx_used_base;
	bool peer_seen;
	u8 ring_gen;
	u8 gen_acked;
	bool gen_known;
	bool peer_gen_aware;
	bool need_rebuild;

	struct mutex lock;	/* reset vs deinit */
	wait_queue_head_t wait;
	struct delayed_work kick_work;
};

/**
 * struct rpmsg_lite_instance - one end of one link
 * @dev: the link device rpmsg_lite_linkN (class rpmsg_lite_link, child of
 *       @parent); its release frees the instance
 * @parent: device the link belongs to (logging)
 * @index: N of the device name
 * @name: link name used in every log line
 * @role: master or remote
 * @cfg: configuration with the defaults filled in
 * @shm: kernel mapping of the shared region
 * @shm_size: bytes in @shm
 * @buf_size: bytes per buffer (header + payload)
 * @ops: transport
 * @ops_priv: passed back to @ops
 * @vq: the two vrings, indexed by queue number (0: master rx / remote tx)
 * @wq: ordered workqueue of the link: re-kick, watch and poll works
 * @rx: the receive direction
 * @tx: the transmit direction
 * @sched: blocked senders' turns
 * @life: link state, reset, teardown
 * @epts: endpoints by address
 * @ns_ept: the name-service endpoint (address 53)
 * @ns_lock: see the lock list at the top of this file
 * @ns_cb: bound name-service callback, or NULL
 * @ns_cb_data: passed back to @ns_cb
 * @ns_in_cb: the receive work is running @ns_cb (holding @ns_lock)
 * @queues_lock: see the lock list at the top of this file
 * @queues: receive queues of the link (woken on every state change)
 * @listeners_lock: see the lock list at the top of this file
 * @listeners: front ends' struct rl_listener, told of state changes and
 *             name-service announcements
 * @stats: counters
 * @buf_errors: buffer state changes rl_buf_move() refused (a bug of this
 *		driver; each also logged, and a WARN in kernels built for
 *		tests)
 */
struct rpmsg_lite_instance {
	struct device dev;
	struct device *parent;
	int index;
	const char *name;
	enum rpmsg_lite_role role;
	struct rpmsg_lite_config cfg;
	void *shm;
	size_t shm_size;
	u32 buf_size;
	const struct rpmsg_lite_transport_ops *ops;
	void *ops_priv;

	struct rl_vq vq[2];
	struct workqueue_struct *wq;

	struct rl_rx_state rx;
	struct rl_tx_state tx;
	struct rl_tx_sched sched;
	struct rl_link_life life;

	struct xarray epts;

	struct rpmsg_lite_endpoint *ns_ept;
	struct mutex ns_lock;	/* ns_cb, ns_cb_data; held around ns_cb */
	rpmsg_lite_ns_new_ept_cb ns_cb;
	void *ns_cb_data;
	bool ns_in_cb;

	spinlock_t queues_lock;	/* queues */
	struct list_head queues;

	struct mutex listeners_lock;	/* listeners; held around callbacks */
	struct list_head listeners;

	struct rl_link_counters stats;
	atomic_t buf_errors;
};

/* Log lines of a link carry its name. */
#define rl_log(rl, dev_fn, fmt, ...)					\
	do {								\
		const struct rpmsg_lite_instance *__rl = (rl);		\
									\
		dev_fn(__rl->parent, "%s: " fmt, __rl->name, ##__VA_ARGS__); \
	} while (0)
#define rl_err(rl, fmt, ...)	rl_log(rl, dev_err, fmt, ##__VA_ARGS__)
#define rl_warn(rl, fmt, ...)	rl_log(rl, dev_warn, fmt, ##__VA_ARGS__)
#define rl_info(rl, fmt, ...)	rl_log(rl, dev_info, fmt, ##__VA_ARGS__)
#define rl_dbg(rl, fmt, ...)	rl_log(rl, dev_dbg, fmt, ##__VA_ARGS__)
/* rate-limited: for every path a peer can trigger */
#define rl_err_rl(rl, fmt, ...) \
	rl_log(rl, dev_err_ratelimited, fmt, ##__VA_ARGS__)
#define rl_warn_rl(rl, fmt, ...) \
	rl_log(rl, dev_warn_ratelimited, fmt, ##__VA_ARGS__)

/**
 * rl_enter() - start an API call that uses the rings, the transport or
 *		sleeps
 * @rl: link
 *
 * Return: true, and the call must end with rl_leave(); false once
 * rpmsg_lite_deinit() has started (the caller fails with -ENODEV).
 */
static inline bool rl_enter(struct rpmsg_lite_instance *rl)
{
	return percpu_ref_tryget_live(&rl->life.active);
}

/**
 * rl_leave() - end a call started with rl_enter()
 * @rl: link
 */
static inline void rl_leave(struct rpmsg_lite_instance *rl)
{
	percpu_ref_put(&rl->life.active);
}

/**
 * rl_link_errno() - what a call that needs traffic gets right now
 * @rl: link
 *
 * Context: any.
 * Return: 0 when up; -ENOTCONN waiting for the peer; -EPIPE resetting;
 * -ENODEV down or being removed.
 */
static inline int rl_link_errno(struct rpmsg_lite_instance *rl)
{
	/* pairs with the barrier in rpmsg_lite_deinit() */
	smp_mb();
	if (READ_ONCE(rl->life.removing))
		return -ENODEV;
	switch (atomic_read(&rl->life.state)) {
	case RPMSG_LITE_LINK_UP:
		return 0;
	case RPMSG_LITE_LINK_WAITING:
		return -ENOTCONN;
	case RPMSG_LITE_LINK_RESETTING:
		return -EPIPE;
	default:
		return -ENODEV;
	}
}

/* rl_core.c */
void rl_listeners_ns(struct rpmsg_lite_instance *rl, u32 addr,
		     const char *name, u32 flags);

/* rl_ept.c */
struct rpmsg_lite_endpoint *rl_ept_create(struct rpmsg_lite_instance *rl,
					  u32 addr, rl_ept_rx_cb_t rx_cb,
					  void *rx_cb_data, bool internal);
void rl_ept_unused(struct rpmsg_lite_endpoint *ept);

/* rl_rx.c */
bool rl_in_rx_work(struct rpmsg_lite_instance *rl);
bool rl_rx_copy_valid(struct rpmsg_lite_instance *rl, u32 gen);

/* rl_tx.c */
int rl_send_from(struct rpmsg_lite_instance *rl, u32 src, u32 dst,
		 const void *data, u32 size, unsigned long timeout_ms);

/**
 * rl_generation() - ring generation of a link
 * @rl: link
 *
 * Return: a number that changes whenever the rings are rebuilt; a buffer
 * obtained under one generation must not be released under another.
 */
static inline u32 rl_generation(struct rpmsg_lite_instance *rl)
{
	return READ_ONCE(rl->life.generation);
}

/* rl_queue.c */
void rl_queue_wake_all(struct rpmsg_lite_instance *rl);

/* rl_ns.c */
int rl_ns_init(struct rpmsg_lite_instance *rl);
void rl_ns_exit(struct rpmsg_lite_instance *rl);

#endif /* _RL_CORE_H */
