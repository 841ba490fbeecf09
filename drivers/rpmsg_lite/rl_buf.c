// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite links: who has each buffer.  One state per buffer and
 * direction (enum rl_buf_state; the table is in
 * Documentation/rpmsg-lite/core.rst), and every change goes through
 * rl_buf_move(), which refuses one the table does not allow.  Remote: which
 * head holds each buffer the master's descriptors name, and the head of a
 * buffer pointer a user gives back.
 *
 * Owns: rx.bufs_state, tx.bufs_state, tx.nspare, rx.slots, tx.slots and
 * buf_errors of struct rpmsg_lite_instance.  Takes no lock: every function
 * runs with the ring lock of its direction held (rx.lock or tx.lock; a link
 * reset holds both).
 *
 * Called by the receive path (rl_rx.c), the transmit path (rl_tx.c), zero
 * copy (rl_zc.c) and the ring reset (rl_link_state.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/kernel.h>

#include "rl_compat.h"
#include "rl_core.h"
#include "rl_core_internal.h"
#include "rl_internal.h"

#define RL_B(state)	BIT(RL_BUF_##state)
/*
 * The state changes a buffer may make, per direction: rl_buf_next[dir][from]
 * has bit @to set when @from -> @to is allowed.  A link reset moves every
 * buffer back to RL_BUF_RING (rl_bufs_reset_locked()); a holder from
 * before a reset only counts down rl_buf.voids.  The table is the one in
 * Documentation/rpmsg-lite/core.rst.
 */
static const u8 rl_buf_next[2][RL_BUF_NR_STATES] = {
	[RL_RX] = {
		[RL_BUF_RING] = RL_B(USER),	/* taken by the receive work */
		[RL_BUF_USER] = RL_B(RING),	/* given back to the peer */
	},
	[RL_TX] = {
		/* taken for a sender; or while a pre-reset holder has it */
		[RL_BUF_RING] = RL_B(USER) | RL_B(PARKED),
		[RL_BUF_SPARE] = RL_B(USER),	/* handed to a sender */
		/* published; or released unsent */
		[RL_BUF_USER] = RL_B(RING) | RL_B(SPARE),
		[RL_BUF_PARKED] = RL_B(SPARE),	/* the old holder let go */
	},
};

static const char * const rl_buf_state_names[RL_BUF_NR_STATES] = {
	[RL_BUF_RING] = "ring",
	[RL_BUF_SPARE] = "spare",
	[RL_BUF_USER] = "user",
	[RL_BUF_PARKED] = "parked",
};

/**
 * rl_buf_move() - the one place a buffer changes hands
 * @rl: link
 * @dir: RL_RX or RL_TX
 * @head: the buffer's head in the vq of @dir
 * @from: the state the caller found
 * @to: the state it goes to
 *
 * A change the table does not allow, or a voided transmit buffer handed
 * out again, is a bug of this driver: refused, counted in buf_errors,
 * logged, and a WARN in kernels built with KUnit (the test kernels).
 *
 * Context: the ring lock of @dir held.
 * Return: true when done.
 */
bool rl_buf_move(struct rpmsg_lite_instance *rl, int dir, u16 head,
		 enum rl_buf_state from, enum rl_buf_state to)
{
	struct rl_buf *b = rl_buf(rl, dir, head);

	if (unlikely(b->state != from || !(rl_buf_next[dir][from] & BIT(to)) ||
		     (to == RL_BUF_USER && dir == RL_TX && b->voids))) {
		atomic_inc(&rl->buf_errors);
		rl_err_rl(rl, "%s buffer %u: refused %s -> %s (is %s, %u void holders)\n",
			  dir == RL_TX ? "transmit" : "receive", head,
			  rl_buf_state_names[from], rl_buf_state_names[to],
			  rl_buf_state_names[b->state], b->voids);
		WARN_ONCE(IS_ENABLED(CONFIG_KUNIT), "rpmsg_lite: bad buffer state change\n");
		return false;
	}
	if (dir == RL_TX) {
		if (from == RL_BUF_SPARE)
			rl->tx.nspare--;
		if (to == RL_BUF_SPARE)
			rl->tx.nspare++;
	}
	b->state = to;
	return true;
}

/**
 * rl_bufs_reset_locked() - every buffer back to its ring (a link reset)
 * @rl: link
 *
 * Each buffer a user holds gets one more void holder (its release then
 * only counts down).
 *
 * Context: both ring locks held.
 * Return: the number of buffers users held.
 */
u32 rl_bufs_reset_locked(struct rpmsg_lite_instance *rl)
{
	u32 i, held = 0;
	int dir;

	for (dir = RL_RX; dir <= RL_TX; dir++) {
		for (i = 0; i < rl->cfg.buffer_count; i++) {
			struct rl_buf *b = rl_buf(rl, dir, i);

			if (b->state == RL_BUF_USER) {
				held++;
				if (b->voids < U8_MAX)
					b->voids++;
			}
			b->state = RL_BUF_RING;
			/* a void holder's release still looks it up */
			if (!b->voids)
				b->va = NULL;
		}
	}
	rl->tx.nspare = 0;
	return held;
}

/**
 * rl_buf_unvoid() - a holder from before a reset lets go of a buffer
 * @rl: link
 * @dir: RL_RX or RL_TX
 * @head: the buffer's head (its rl_buf.voids nonzero)
 *
 * One void holder less; a parked transmit buffer whose last one left
 * becomes spare.
 *
 * Context: the ring lock of @dir held.
 */
void rl_buf_unvoid(struct rpmsg_lite_instance *rl, int dir, u16 head)
{
	struct rl_buf *b = rl_buf(rl, dir, head);

	b->voids--;
	if (dir == RL_TX && !b->voids && b->state == RL_BUF_PARKED)
		rl_buf_move(rl, dir, head, RL_BUF_PARKED, RL_BUF_SPARE);
}

/* Head of @buf in an array of @count buffers at @base, or -1. */
static int rl_buf_index(struct rpmsg_lite_instance *rl, const void *base,
			const void *buf)
{
	unsigned long off = (unsigned long)buf - (unsigned long)base;

	if ((unsigned long)buf < (unsigned long)base ||
	    off >= (unsigned long)rl->cfg.buffer_count * rl->buf_size ||
	    off % rl->buf_size)
		return -1;
	return off / rl->buf_size;
}

static u16 *rl_slots(struct rpmsg_lite_instance *rl, int dir)
{
	return dir == RL_TX ? rl->tx.slots : rl->rx.slots;
}

/* Someone has @head: a user, set aside, or a holder from before a reset. */
static bool rl_buf_busy(const struct rl_buf *b)
{
	return b->state == RL_BUF_USER || b->state == RL_BUF_PARKED ||
	       b->voids;
}

/**
 * rl_buf_map() - record the buffer a head was taken with
 * @rl: link
 * @dir: RL_RX or RL_TX
 * @head: the head the ring gave
 * @va: its mapping, a whole buffer of the half of the buffer area of
 *	@dir (the vring engine checked that)
 *
 * Master: nothing to record, it laid the buffers out itself (head i is
 * buffer i of its array).  Remote: a buffer is held through one head at
 * a time: when another head still holds it (a master that points two
 * descriptors at one buffer), the descriptor is refused.  A holder from
 * before a reset is recognised by the mapping it was given; when the
 * master now maps the head elsewhere (a rebuilt layout, or a hostile
 * descriptor), that holder's release can no longer be told from a
 * stranger's: the head forgets it (else the head would wait for that
 * release forever and never serve again).
 *
 * Context: the ring lock of @dir held.
 * Return: false when the descriptor is refused (logged).
 */
bool rl_buf_map(struct rpmsg_lite_instance *rl, int dir, u16 head,
		void *va)
{
	const void *base = dir == RL_TX ? rl->tx.bufs : rl->rx.bufs;
	struct rl_buf *b = rl_buf(rl, dir, head);
	int slot = rl_buf_index(rl, base, va), owner;
	u16 *slots = rl_slots(rl, dir);

	if (rl->role == RPMSG_LITE_MASTER)
		return true;
	if (slot < 0)
		return false;
	owner = slots[slot] - 1;
	if (owner >= 0 && owner != head &&
	    rl_buf_busy(rl_buf(rl, dir, owner)) &&
	    rl_buf(rl, dir, owner)->va == va) {
		rl_warn_rl(rl, "%s descriptor %u: buffer %d held through %d: refused\n",
			   dir == RL_TX ? "transmit" : "receive", head, slot,
			   owner);
		return false;
	}
	if (b->voids && b->va != va) {
		rl_warn_rl(rl, "%s buffer %u moved under its holder from before the reset\n",
			   dir == RL_TX ? "transmit" : "receive", head);
		b->voids = 0;
	}
	slots[slot] = head + 1;
	b->va = va;
	return true;
}

/**
 * rl_head_of() - the head of a direction whose buffer is a given one
 * @rl: link
 * @dir: RL_RX or RL_TX
 * @base: the buffers of @dir (rx.bufs or tx.bufs)
 * @buf: start of a buffer (its header), as a user gave it back
 *
 * Master: arithmetic on its own buffer array.  Remote: the mappings the
 * engine gave us when we took each head (never the index the peer wrote
 * into the header); the usual layout is tried first, then every head.
 *
 * Context: the ring lock of @dir held.
 * Return: the head, or -1 when @buf is none of ours.
 */
int rl_head_of(struct rpmsg_lite_instance *rl, int dir,
	       const void *base, const void *buf)
{
	int slot = rl_buf_index(rl, base, buf), h;

	/* the master laid the buffers out: head i is buffer i */
	if (rl->role == RPMSG_LITE_MASTER || slot < 0)
		return slot;
	h = rl_slots(rl, dir)[slot] - 1;
	if (h < 0 || rl_buf(rl, dir, h)->va != buf)
		return -1;
	return h;
}
