/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test peer of rpmsg_lite_loopback.ko.
 *
 * A link pair is a master link and a remote link in the same kernel over
 * one memory region, kicking each other through channels of the loopback
 * mailbox controller.  Kicks are delivered from a hard-IRQ irq_work, so
 * rpmsg_lite_isr() runs in the same kind of context as with a real
 * mailbox.  Faults can be injected per direction: dropped kicks (the
 * sender sees success), refused kicks (notify returns -EIO) and failed
 * transmissions (the controller reports -EIO in its tx-done interrupt).
 * See Documentation/rpmsg-lite/transport.rst.
 *
 * The functions below are for tests and benchmarks: they are exported in
 * the RPMSG_LITE_TEST namespace, so users add
 * MODULE_IMPORT_NS(RPMSG_LITE_TEST) (and MODULE_IMPORT_NS(RPMSG_LITE) for
 * the core API).
 */
#ifndef _RL_LOOPBACK_H
#define _RL_LOOPBACK_H

#include <linux/rpmsg_lite.h>
#include <linux/types.h>

#include "rl_mbox.h"

struct rl_loopback_pair;

/** RL_LOOPBACK_SHM_DA - device address of every pair's region (shm_da) */
#define RL_LOOPBACK_SHM_DA	0x90000000ULL

/** RL_LOOPBACK_ECHO_NAME - name the load-time echo services announce */
#define RL_LOOPBACK_ECHO_NAME	"rpmsg-lite-echo"

/**
 * struct rl_loopback_stats - what the loopback saw in one direction
 * @kicks_delivered: kicks handed to the receiving link's mailbox client
 * @kicks_dropped: kicks swallowed by rl_loopback_drop_kicks() (the sender
 *		   saw success) or sent while the receiver had no client
 * @sends_failed: kicks refused with -EIO by rl_loopback_fail_sends()
 * @tx_errors: transmissions the controller completed with -EIO
 *	       (rl_loopback_fail_tx_done())
 * @mbox: the sending link's transport counters
 */
struct rl_loopback_stats {
	u64 kicks_delivered;
	u64 kicks_dropped;
	u64 sends_failed;
	u64 tx_errors;
	struct rl_mbox_stats mbox;
};

struct rl_loopback_pair *
rl_loopback_pair_create(const struct rpmsg_lite_config *cfg);
void rl_loopback_pair_destroy(struct rl_loopback_pair *p);

struct rpmsg_lite_instance *rl_loopback_master(struct rl_loopback_pair *p);
struct rpmsg_lite_instance *rl_loopback_remote(struct rl_loopback_pair *p);
void *rl_loopback_shm(struct rl_loopback_pair *p, size_t *size);

void rl_loopback_drop_kicks(struct rl_loopback_pair *p, bool to_remote,
			    unsigned int n);
void rl_loopback_fail_sends(struct rl_loopback_pair *p, bool from_master,
			    unsigned int n);
void rl_loopback_fail_tx_done(struct rl_loopback_pair *p, bool from_master,
			      unsigned int n);
u64 rl_loopback_kick_count(struct rl_loopback_pair *p, bool to_remote);
void rl_loopback_get_stats(struct rl_loopback_pair *p, bool to_remote,
			   struct rl_loopback_stats *stats);

int rl_loopback_echo_start(struct rl_loopback_pair *p, const char *name);
void rl_loopback_echo_stop(struct rl_loopback_pair *p);
u32 rl_loopback_echo_addr(struct rl_loopback_pair *p);
u64 rl_loopback_echo_count(struct rl_loopback_pair *p, u64 *drops);

#endif /* _RL_LOOPBACK_H */
