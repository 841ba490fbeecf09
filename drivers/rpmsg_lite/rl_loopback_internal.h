/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_loopback_internal.h - what the files of rpmsg_lite_loopback.ko share.
 * Other modules use rl_loopback.h.
 *
 *   rl_loopback.c        the module: parameters, load-time pairs, init/exit
 *   rl_loopback_mbox.c   the loopback mailbox controller; hands out its
 *                        channel pairs
 *   rl_loopback_pair.c   link pairs: two links over one region and the
 *                        controller's channels
 *   rl_loopback_fault.c  fault injection, per-direction counters, the
 *                        debugfs knobs of load-time pairs
 *   rl_loopback_echo.c   the echo service on a pair's remote link
 */
#ifndef _RL_LOOPBACK_INTERNAL_H
#define _RL_LOOPBACK_INTERNAL_H

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/mailbox_controller.h>
#include <linux/mutex.h>
#include <linux/rpmsg_lite.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "rl_loopback.h"
#include "rl_mbox.h"

struct dentry;
struct device;
struct rl_lb_echo;

/* Channels a pair of links takes: a tx/rx channel pair each way. */
#define RL_LB_CHANS_PER_LINK_PAIR	4

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

/*
 * Protects the list of controllers, each controller's channel bitmap
 * (rl_loopback_mbox.c) and the list of link pairs (rl_loopback_pair.c).
 */
extern struct mutex rl_lb_mutex;

/* rl_loopback_mbox.c */
int rl_lb_controller_register(void);
void rl_lb_controller_unregister(void);
int rl_lb_claim(struct rl_loopback_pair *p);
void rl_lb_unclaim(struct rl_loopback_pair *p);
void rl_lb_chan_setup(struct rl_lb_chan *lbc, enum rl_lb_msg_mode mode,
		      struct rl_lb_fault *fault);

/* rl_loopback_pair.c */
void rl_lb_destroy_pairs(void);

/* rl_loopback_echo.c */
int rl_lb_hold_remote(struct rl_loopback_pair *p, bool hold);

/* rl_loopback_fault.c */
void rl_lb_debugfs_init(void);
void rl_lb_debugfs_exit(void);
void rl_lb_pair_debugfs(struct rl_loopback_pair *p);
void rl_lb_pair_debugfs_remove(struct rl_loopback_pair *p);

#endif /* _RL_LOOPBACK_INTERNAL_H */
