/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the core share among themselves: rl_core.c,
 * rl_buf.c, rl_rx.c, rl_tx.c, rl_tx_sched.c, rl_zc.c, rl_ept.c, rl_link.c
 * and rl_link_state.c.  Nothing here is exported, and nothing outside
 * those files includes this header (the name service and the receive
 * queues use rl_core.h, the front ends rl_internal.h).  Each function is
 * documented where it is defined; the header at the top of each file says
 * which fields of struct rpmsg_lite_instance it owns and which locks it
 * takes.
 */
#ifndef _RL_CORE_INTERNAL_H
#define _RL_CORE_INTERNAL_H

#include <linux/types.h>
#include <linux/workqueue.h>

#include "rl_core.h"

/* Sender re-check interval when the peer kicks on consumed buffers. */
#define RL_TX_RECHECK_KICKED_MS		100
/* ... and when it does not (rpmsg-lite default): every millisecond at most */
#define RL_TX_RECHECK_POLL_MS		1

/* Direction of a buffer, as an index of the buffer state tables. */
enum { RL_RX, RL_TX };

/**
 * rl_buf() - the core's record of one buffer
 * @rl: link
 * @dir: RL_RX or RL_TX
 * @head: descriptor index in the vq of @dir
 *
 * Return: the record (struct rl_buf); under the ring lock of @dir.
 */
static inline struct rl_buf *rl_buf(struct rpmsg_lite_instance *rl, int dir,
				    u16 head)
{
	return dir == RL_TX ? &rl->tx.bufs_state[head] :
			      &rl->rx.bufs_state[head];
}

/**
 * rl_payload_to_buf() - the buffer (header first) of a payload pointer
 * @payload: payload area of a buffer, as handed to a user
 *
 * Return: the start of its message header.
 */
static inline void *rl_payload_to_buf(const void *payload)
{
	return (void *)((unsigned long)payload - RL_MSG_HDR_SIZE);
}

/* rl_core.c */
void rl_notify_event(struct rpmsg_lite_instance *rl,
		     enum rpmsg_lite_event event);
void rl_kick(struct rpmsg_lite_instance *rl, u32 vq_id);

/* rl_buf.c */
bool rl_buf_move(struct rpmsg_lite_instance *rl, int dir, u16 head,
		 enum rl_buf_state from, enum rl_buf_state to);
u32 rl_bufs_reset_locked(struct rpmsg_lite_instance *rl);
void rl_buf_unvoid(struct rpmsg_lite_instance *rl, int dir, u16 head);
bool rl_buf_map(struct rpmsg_lite_instance *rl, int dir, u16 head,
		void *va);
int rl_head_of(struct rpmsg_lite_instance *rl, int dir, const void *base,
	       const void *buf);

/* rl_rx.c */
bool rl_rx_kick_needed_locked(struct rpmsg_lite_instance *rl);
int rl_rx_release_locked(struct rpmsg_lite_instance *rl, u16 head);
void rl_rx_work(struct work_struct *work);

/* rl_tx.c */
void *rl_tx_buf(struct rpmsg_lite_instance *rl, u16 head);
int rl_tx_take_kick_locked(struct rpmsg_lite_instance *rl, u16 *head);
u32 rl_tx_free_locked(struct rpmsg_lite_instance *rl);
int rl_tx_end_batch(struct rpmsg_lite_instance *rl, bool open_only);
void rl_write_hdr(void *buf, u32 src, u32 dst, u32 len, u32 index);
void rl_tx_unsent_locked(struct rpmsg_lite_instance *rl, u16 head);
int rl_tx_publish(struct rpmsg_lite_instance *rl, u16 head, bool more,
		  bool give_up);
int rl_check_send_args(struct rpmsg_lite_instance *rl,
		       struct rpmsg_lite_endpoint *ept, u32 dst);
void rl_watch_work(struct work_struct *work);
void rl_tx_poll_work(struct work_struct *work);

/* rl_tx_sched.c */
void rl_tx_grant(struct rpmsg_lite_instance *rl);
void rl_tx_wake_waiters(struct rpmsg_lite_instance *rl);
int rl_tx_take_for_locked(struct rpmsg_lite_instance *rl,
			  struct rpmsg_lite_endpoint *ept, u16 *head,
			  bool fair);
int rl_tx_acquire(struct rpmsg_lite_instance *rl,
		  struct rpmsg_lite_endpoint *ept, unsigned long timeout_ms,
		  u16 *head);

/* rl_ept.c */
struct rpmsg_lite_endpoint *rl_ept_get(struct rpmsg_lite_instance *rl,
				       u32 addr);
void rl_ept_put_from_work(struct rpmsg_lite_endpoint *ept);

/* rl_link_state.c */
void rl_wake_all(struct rpmsg_lite_instance *rl);
void rl_tell_down(struct rpmsg_lite_instance *rl);
void rl_tell_up(struct rpmsg_lite_instance *rl);
void rl_link_broken(struct rpmsg_lite_instance *rl, struct rl_vq *vq);
bool rl_remote_track_master(struct rpmsg_lite_instance *rl);
void rl_master_build_rings(struct rpmsg_lite_instance *rl);
void rl_master_announce(struct rpmsg_lite_instance *rl);
void rl_kick_work(struct work_struct *work);

#endif /* _RL_CORE_INTERNAL_H */
