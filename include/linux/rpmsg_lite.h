/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rpmsg_lite.h - in-kernel API of rpmsg-lite links.
 *
 * Mirrors the API of NXP's rpmsg-lite library (rpmsg_lite.h, rpmsg_queue.h,
 * rpmsg_ns.h) so firmware written against it reads the same on Linux, with
 * kernel conventions: functions return 0 or a negative errno (or an ERR_PTR)
 * instead of RL_SUCCESS / RL_ERR_*.
 *
 * rpmsg-lite status      errno here      meaning
 * -------------------    ------------    ------------------------------------
 * RL_SUCCESS (0)         0               done
 * RL_ERR_NO_MEM (-5001)  -ENOMEM         no free tx buffer (timeout 0), or
 *                        -ETIMEDOUT      none became free within the timeout
 * RL_ERR_BUFF_SIZE       -EMSGSIZE       payload larger than the link's
 *                                        payload size; nothing was sent
 * RL_ERR_PARAM (-5003)   -EINVAL         bad argument (NULL, bad address...)
 * RL_ERR_DEV_ID (-5004)  -ENODEV         no such link / link torn down
 * RL_ERR_MAX_VQ (-5005)  -ENOSPC         no more links/endpoints/addresses
 * RL_ERR_NO_BUFF (-5006) -ENOBUFS        buffer not owned by the caller
 * RL_ERR_NOT_READY       -ENOTCONN       link not up yet (send before up)
 * RL_ERR_ALREADY_DONE    -EALREADY       already done (double release...)
 * (none)                 -EADDRINUSE     fixed endpoint address taken
 * (none)                 -EPIPE          link went down (remote reset), or
 *                                        the endpoint was destroyed
 * (none)                 -ERESTARTSYS    a wait was interrupted by a signal
 *
 * rpmsg_lite_errno_to_rl() and rpmsg_lite_rl_to_errno() convert between
 * the two for code that must report rpmsg-lite numbers.
 *
 * Context: functions that take a timeout may sleep unless the timeout is
 * RL_DONT_BLOCK.  Receive callbacks run in process context on the link's
 * workqueue (see Documentation/rpmsg-lite/core.rst); they must not call
 * rpmsg_lite_deinit() or rpmsg_lite_destroy_ept() on their own endpoint.
 */
#ifndef _LINUX_RPMSG_LITE_H
#define _LINUX_RPMSG_LITE_H

#include <linux/bits.h>
#include <linux/types.h>

struct device;
struct rpmsg_lite_instance;
struct rpmsg_lite_endpoint;
struct rpmsg_lite_queue;

/* ---- rpmsg-lite constants ---- */

/** RL_ADDR_ANY - let the link choose an endpoint address (from 1024 up) */
#define RL_ADDR_ANY		0xFFFFFFFFU
/** RL_NS_EPT_ADDR - reserved address of the name service */
#define RL_NS_EPT_ADDR		53

/** RL_BLOCK - wait forever (still interruptible by signals) */
#define RL_BLOCK		0xFFFFFFFFUL
/** RL_DONT_BLOCK - fail at once instead of waiting */
#define RL_DONT_BLOCK		0UL

/* Return values of a receive callback. */
/** RL_RELEASE - the core gives the rx buffer back after the callback */
#define RL_RELEASE		0
/** RL_HOLD - the callback keeps the buffer; release with
 *  rpmsg_lite_release_rx_buffer()
 */
#define RL_HOLD			1

/** RL_SEND_MORE - rpmsg_lite_send_nocopy_flags(), rpmsg_lite_send_flags():
 *  more messages follow, publish without notifying the peer
 */
#define RL_SEND_MORE		BIT(0)

/* rpmsg-lite status codes, for rpmsg_lite_errno_to_rl(). */
#define RL_SUCCESS		0
#define RL_ERR_BASE		(-5000)
#define RL_ERR_NO_MEM		(RL_ERR_BASE - 1)
#define RL_ERR_BUFF_SIZE	(RL_ERR_BASE - 2)
#define RL_ERR_PARAM		(RL_ERR_BASE - 3)
#define RL_ERR_DEV_ID		(RL_ERR_BASE - 4)
#define RL_ERR_MAX_VQ		(RL_ERR_BASE - 5)
#define RL_ERR_NO_BUFF		(RL_ERR_BASE - 6)
#define RL_ERR_NOT_READY	(RL_ERR_BASE - 7)
#define RL_ERR_ALREADY_DONE	(RL_ERR_BASE - 8)

/* Name-service flags of rpmsg_lite_ns_announce(). */
#define RL_NS_CREATE		0
#define RL_NS_DESTROY		1
/** RL_NS_NAME_SIZE - bytes of a name-service name, NUL included */
#define RL_NS_NAME_SIZE		32

/**
 * enum rpmsg_lite_role - which side of the link this instance is
 * @RPMSG_LITE_MASTER: lays out the shared memory, owns the descriptors
 * @RPMSG_LITE_REMOTE: attaches to the layout a master made
 */
enum rpmsg_lite_role {
	RPMSG_LITE_MASTER,
	RPMSG_LITE_REMOTE,
};

/**
 * enum rpmsg_lite_link_state - life cycle of a link
 * @RPMSG_LITE_LINK_DOWN: not initialised or torn down
 * @RPMSG_LITE_LINK_WAITING: initialised, waiting for the peer
 * @RPMSG_LITE_LINK_UP: traffic flows
 * @RPMSG_LITE_LINK_RESETTING: the peer went away; rings being rebuilt
 */
enum rpmsg_lite_link_state {
	RPMSG_LITE_LINK_DOWN,
	RPMSG_LITE_LINK_WAITING,
	RPMSG_LITE_LINK_UP,
	RPMSG_LITE_LINK_RESETTING,
};

/**
 * struct rpmsg_lite_config - per-link numbers, checked at init
 * @link_id: link number; vq ids on the wire are (link_id << 1) | queue
 * @payload_size: max payload per message (0: 496, like rpmsg-lite);
 *                buffer = payload + 16; 16..RL_MAX_PAYLOAD_SIZE
 * @buffer_count: buffers per direction (0: 2, like rpmsg-lite); power of
 *                two in 2..1024 (256 is usual when Linux is the master)
 * @vring_align: used-ring alignment (0: 0x1000); power of two >= 4
 * @vring_size: bytes reserved for one vring (0: 0x8000); the rings of
 *              @buffer_count descriptors must fit in it
 * @shm_da: address of the shared region as the remote sees it; written
 *          into the descriptors by the master, translated back by the
 *          remote (0: the region's physical/kernel address is not used,
 *          the region starts at device address 0)
 * @notify_consumed: kick the peer when a received buffer is returned
 *                   (RL_ALLOW_CONSUMED_BUFFERS_NOTIFICATION); both sides
 *                   should agree.  Without it a sender waiting for a free
 *                   buffer re-checks every millisecond.
 * @short_descs: remote: accept receive descriptors shorter than a buffer,
 *               down to the 16-byte header; a message must still fit in
 *               its descriptor.  Linux's virtio_rpmsg_bus (and other
 *               virtio masters) give each transmit descriptor the length
 *               of its message; rpmsg-lite always the whole buffer.
 * @event_idx: event-index notification suppression (both sides must be
 *             this driver); off for rpmsg-lite peers
 * @link_up_kick_ms: master: re-kick every this many ms until the remote
 *                   has consumed something (0: 100); both roles: repeat a
 *                   kick when what we sent stays unconsumed this long
 *                   (at most 3 times per stall)
 */
struct rpmsg_lite_config {
	u32 link_id;
	u32 payload_size;
	u32 buffer_count;
	u32 vring_align;
	u32 vring_size;
	u64 shm_da;
	bool notify_consumed;
	bool short_descs;
	bool event_idx;
	u32 link_up_kick_ms;
};

/**
 * struct rpmsg_lite_transport_ops - how a link rings the peer
 * @start: begin delivering incoming kicks with rpmsg_lite_isr(); may sleep
 * @stop: stop delivering kicks; after it returns rpmsg_lite_isr() is not
 *        called for this link any more; may sleep
 * @notify: ring the peer for virtqueue @vq_id; may be called in atomic
 *          context; returns 0 or a negative errno (counted by the link)
 *
 * The mailbox transport (rl_mbox) is the usual implementation.
 */
struct rpmsg_lite_transport_ops {
	int (*start)(void *priv, struct rpmsg_lite_instance *rl);
	void (*stop)(void *priv);
	int (*notify)(void *priv, u32 vq_id);
};

/**
 * struct rpmsg_lite_link_desc - everything rpmsg_lite_*_init() needs
 * @dev: device the link belongs to (logging, sysfs parent); required
 * @name: link name for logs and sysfs (may be NULL)
 * @shm: kernel mapping of the shared region
 * @shm_size: bytes in the region
 * @cfg: link numbers; zeroes take the rpmsg-lite defaults
 * @ops: transport; required
 * @ops_priv: passed back to every @ops call
 * @bufs: remote only, optional: kernel mapping of the message buffers
 *        when the master placed them apart from the vrings (Linux's
 *        virtio_rpmsg_bus allocates them on its own); the master's
 *        descriptors must then point into [@bufs_da, @bufs_da +
 *        @bufs_size) and @shm needs room for the two vrings only.  NULL:
 *        the buffers follow the vrings in @shm (rpmsg-lite's layout)
 * @bufs_size: bytes of @bufs: at least 2 * buffer_count buffers
 * @bufs_da: address of @bufs as the master writes it into descriptors
 */
struct rpmsg_lite_link_desc {
	struct device *dev;
	const char *name;
	void *shm;
	size_t shm_size;
	struct rpmsg_lite_config cfg;
	const struct rpmsg_lite_transport_ops *ops;
	void *ops_priv;
	void *bufs;
	size_t bufs_size;
	u64 bufs_da;
};

/**
 * enum rpmsg_lite_config_field - what rpmsg_lite_config_check() may refuse
 * @RPMSG_LITE_CFG_LINK_ID: &rpmsg_lite_config.link_id
 * @RPMSG_LITE_CFG_PAYLOAD_SIZE: &rpmsg_lite_config.payload_size
 * @RPMSG_LITE_CFG_BUFFER_COUNT: &rpmsg_lite_config.buffer_count
 * @RPMSG_LITE_CFG_VRING_ALIGN: &rpmsg_lite_config.vring_align
 * @RPMSG_LITE_CFG_VRING_SIZE: &rpmsg_lite_config.vring_size
 * @RPMSG_LITE_CFG_SHM_DA: &rpmsg_lite_config.shm_da
 * @RPMSG_LITE_CFG_SHM_SIZE: the size of the shared region
 *			     (&rpmsg_lite_link_desc.shm_size)
 * @RPMSG_LITE_CFG_FIELDS: number of fields, the size of a names table
 */
enum rpmsg_lite_config_field {
	RPMSG_LITE_CFG_LINK_ID,
	RPMSG_LITE_CFG_PAYLOAD_SIZE,
	RPMSG_LITE_CFG_BUFFER_COUNT,
	RPMSG_LITE_CFG_VRING_ALIGN,
	RPMSG_LITE_CFG_VRING_SIZE,
	RPMSG_LITE_CFG_SHM_DA,
	RPMSG_LITE_CFG_SHM_SIZE,
	RPMSG_LITE_CFG_FIELDS,
};

/** RPMSG_LITE_CFG_MSG_SIZE - bytes of &rpmsg_lite_config_error.msg */
#define RPMSG_LITE_CFG_MSG_SIZE	256

/**
 * struct rpmsg_lite_config_error - why rpmsg_lite_config_check() refused
 * @field: the field to fix
 * @name: its name in the caller's names table (the field name of struct
 *	  rpmsg_lite_config by default, e.g. "vring_size")
 * @msg: one line, without a newline: the field, its value and what the
 *	 rule needs, every field named as in the caller's table
 */
struct rpmsg_lite_config_error {
	enum rpmsg_lite_config_field field;
	const char *name;
	char msg[RPMSG_LITE_CFG_MSG_SIZE];
};

/**
 * struct rpmsg_lite_link_stats - counters of one link (monotonic)
 * @tx_msgs: messages sent
 * @rx_msgs: messages delivered to an endpoint
 * @kicks_out: notifications sent to the peer
 * @kicks_in: notifications received
 * @kick_errors: notifications the transport failed to send
 * @rx_drop_no_ept: messages for an address with no endpoint
 * @rx_drop_bad_len: messages whose header length exceeds the payload size
 *                   or the length the ring reported
 * @rx_drop_bad_ns: malformed name-service messages
 * @ring_errors: corruptions reported by the vring engine
 * @tx_timeouts: sends that found no free buffer in time
 * @resets: times the link was rebuilt after a peer reset
 * @link_up_rekicks: first-kick repeats while waiting for the remote
 * @reset_drops: buffers users held (received with RL_HOLD, or allocated
 *               for zero copy) when the link was reset; they were voided
 * @master_reinits: remote: times it found the rings rebuilt by the master
 *                  and followed (each also counts in @resets)
 * @kick_retries: kicks repeated because the peer had not consumed what
 *                we sent within @link_up_kick_ms (struct rpmsg_lite_config)
 * @rx_polls: times the periodic check found received messages waiting
 *            without a kick and started the receive work
 */
struct rpmsg_lite_link_stats {
	u64 tx_msgs;
	u64 rx_msgs;
	u64 kicks_out;
	u64 kicks_in;
	u64 kick_errors;
	u64 rx_drop_no_ept;
	u64 rx_drop_bad_len;
	u64 rx_drop_bad_ns;
	u64 ring_errors;
	u64 tx_timeouts;
	u64 resets;
	u64 link_up_rekicks;
	u64 reset_drops;
	u64 master_reinits;
	u64 kick_retries;
	u64 rx_polls;
};

/**
 * typedef rl_ept_rx_cb_t - receive callback of an endpoint
 * @payload: message payload, in shared memory, valid until released
 * @payload_len: bytes in @payload
 * @src: address of the sender
 * @priv: the @rx_cb_data given to rpmsg_lite_create_ept()
 *
 * Context: process context (the link's workqueue); may sleep briefly.
 * Return: RL_RELEASE to give the buffer back at once, or RL_HOLD to keep
 * it until rpmsg_lite_release_rx_buffer(@payload).
 */
typedef int (*rl_ept_rx_cb_t)(void *payload, u32 payload_len, u32 src,
			      void *priv);

/**
 * typedef rpmsg_lite_ns_new_ept_cb - name-service bind callback
 * @new_ept: address the peer announced
 * @new_ept_name: NUL-terminated name (at most 31 characters)
 * @flags: RL_NS_CREATE or RL_NS_DESTROY
 * @user_data: the @user_data given to rpmsg_lite_ns_bind()
 *
 * Context: process context (the link's workqueue).
 */
typedef void (*rpmsg_lite_ns_new_ept_cb)(u32 new_ept,
					 const char *new_ept_name,
					 u32 flags, void *user_data);

/* ---- link ---- */
struct rpmsg_lite_instance *
rpmsg_lite_master_init(const struct rpmsg_lite_link_desc *desc);
struct rpmsg_lite_instance *
rpmsg_lite_remote_init(const struct rpmsg_lite_link_desc *desc);
int rpmsg_lite_config_check(struct rpmsg_lite_config *cfg, size_t shm_size,
			    const char *const *names,
			    struct rpmsg_lite_config_error *err);
u64 rpmsg_lite_shm_size(const struct rpmsg_lite_config *cfg);
int rpmsg_lite_deinit(struct rpmsg_lite_instance *rl);
void rpmsg_lite_isr(struct rpmsg_lite_instance *rl, u32 vq_id);
struct rpmsg_lite_instance *rpmsg_lite_get(struct rpmsg_lite_instance *rl);
void rpmsg_lite_put(struct rpmsg_lite_instance *rl);

bool rpmsg_lite_is_link_up(struct rpmsg_lite_instance *rl);
int rpmsg_lite_wait_for_link_up(struct rpmsg_lite_instance *rl,
				unsigned long timeout_ms);
enum rpmsg_lite_link_state
rpmsg_lite_get_link_state(struct rpmsg_lite_instance *rl);
int rpmsg_lite_reset_link(struct rpmsg_lite_instance *rl);
int rpmsg_lite_peer_lost(struct rpmsg_lite_instance *rl);
const char *rpmsg_lite_link_state_name(enum rpmsg_lite_link_state state);

enum rpmsg_lite_role rpmsg_lite_get_role(struct rpmsg_lite_instance *rl);
const struct rpmsg_lite_config *
rpmsg_lite_get_config(struct rpmsg_lite_instance *rl);
u32 rpmsg_lite_get_payload_size(struct rpmsg_lite_instance *rl);
u32 rpmsg_lite_get_free_tx_buffers(struct rpmsg_lite_instance *rl);
void rpmsg_lite_get_stats(struct rpmsg_lite_instance *rl,
			  struct rpmsg_lite_link_stats *stats);
struct device *rpmsg_lite_get_device(struct rpmsg_lite_instance *rl);

struct file;
struct poll_table_struct;
/*
 * rpmsg_lite_poll() - poll helper for front ends: registers @wait on the
 * link's tx wait queue and returns EPOLLOUT | EPOLLWRNORM when a tx buffer
 * is free, EPOLLHUP | EPOLLERR when the link is down, resetting or being
 * removed (0 otherwise).  Woken whenever a tx buffer may have become free
 * and on every link state change.
 */
__poll_t rpmsg_lite_poll(struct rpmsg_lite_instance *rl, struct file *filp,
			 struct poll_table_struct *wait);
const char *rpmsg_lite_get_name(struct rpmsg_lite_instance *rl);

/* ---- endpoints ---- */
struct rpmsg_lite_endpoint *
rpmsg_lite_create_ept(struct rpmsg_lite_instance *rl, u32 addr,
		      rl_ept_rx_cb_t rx_cb, void *rx_cb_data);
int rpmsg_lite_destroy_ept(struct rpmsg_lite_instance *rl,
			   struct rpmsg_lite_endpoint *ept);
u32 rpmsg_lite_ept_addr(const struct rpmsg_lite_endpoint *ept);
struct rpmsg_lite_endpoint *
rpmsg_lite_ept_get(struct rpmsg_lite_endpoint *ept);
void rpmsg_lite_ept_put(struct rpmsg_lite_endpoint *ept);

/* ---- send ---- */
int rpmsg_lite_send(struct rpmsg_lite_instance *rl,
		    struct rpmsg_lite_endpoint *ept, u32 dst,
		    const void *data, u32 size, unsigned long timeout_ms);
int rpmsg_lite_send_flags(struct rpmsg_lite_instance *rl,
			  struct rpmsg_lite_endpoint *ept, u32 dst,
			  const void *data, u32 size,
			  unsigned long timeout_ms, unsigned int send_flags);

/* ---- zero copy ---- */
void *rpmsg_lite_alloc_tx_buffer(struct rpmsg_lite_instance *rl, u32 *size,
				 unsigned long timeout_ms);
int rpmsg_lite_send_nocopy(struct rpmsg_lite_instance *rl,
			   struct rpmsg_lite_endpoint *ept, u32 dst,
			   void *data, u32 size);
int rpmsg_lite_send_nocopy_flags(struct rpmsg_lite_instance *rl,
				 struct rpmsg_lite_endpoint *ept, u32 dst,
				 void *data, u32 size,
				 unsigned int send_flags);
int rpmsg_lite_kick_peer(struct rpmsg_lite_instance *rl);
int rpmsg_lite_release_tx_buffer(struct rpmsg_lite_instance *rl, void *data);
int rpmsg_lite_release_rx_buffer(struct rpmsg_lite_instance *rl, void *data);

/* ---- receive queue (rpmsg_queue.h) ---- */
struct rpmsg_lite_queue *rpmsg_lite_queue_create(struct rpmsg_lite_instance *rl,
						 u32 max_msgs);
int rpmsg_lite_queue_destroy(struct rpmsg_lite_instance *rl,
			     struct rpmsg_lite_queue *q);
int rpmsg_lite_queue_rx_cb(void *payload, u32 payload_len, u32 src,
			   void *priv);
int rpmsg_lite_queue_recv(struct rpmsg_lite_instance *rl,
			  struct rpmsg_lite_queue *q, u32 *src, void *data,
			  u32 maxlen, u32 *len, unsigned long timeout_ms);
int rpmsg_lite_queue_recv_nocopy(struct rpmsg_lite_instance *rl,
				 struct rpmsg_lite_queue *q, u32 *src,
				 void **data, u32 *len,
				 unsigned long timeout_ms);
int rpmsg_lite_queue_nocopy_free(struct rpmsg_lite_instance *rl, void *data);
u32 rpmsg_lite_queue_get_current_size(struct rpmsg_lite_queue *q);
u32 rpmsg_lite_queue_get_dropped(struct rpmsg_lite_queue *q);

/* ---- name service (rpmsg_ns.h) ---- */
int rpmsg_lite_ns_bind(struct rpmsg_lite_instance *rl,
		       rpmsg_lite_ns_new_ept_cb app_cb, void *user_data);
int rpmsg_lite_ns_unbind(struct rpmsg_lite_instance *rl);
int rpmsg_lite_ns_announce(struct rpmsg_lite_instance *rl,
			   struct rpmsg_lite_endpoint *ept,
			   const char *ept_name, u32 flags);
int rpmsg_lite_ns_announce_timeout(struct rpmsg_lite_instance *rl,
				   struct rpmsg_lite_endpoint *ept,
				   const char *ept_name, u32 flags,
				   unsigned long timeout_ms);

/* ---- link events, for front ends (char device, rpmsg bus bridge) ---- */

/**
 * enum rpmsg_lite_event - what a link notifier is told
 * @RPMSG_LITE_EVENT_LINK_ADDED: a link was initialised
 * @RPMSG_LITE_EVENT_LINK_UP: the link came up
 * @RPMSG_LITE_EVENT_LINK_DOWN: the peer went away (reset); endpoints stay,
 *                              sends fail with -EPIPE until it is up again
 * @RPMSG_LITE_EVENT_LINK_REMOVED: the link is being deinitialised: no
 *                                 call on it does anything any more (they
 *                                 fail with -ENODEV); drop its pointer, or
 *                                 keep it with rpmsg_lite_get()
 */
enum rpmsg_lite_event {
	RPMSG_LITE_EVENT_LINK_ADDED,
	RPMSG_LITE_EVENT_LINK_UP,
	RPMSG_LITE_EVENT_LINK_DOWN,
	RPMSG_LITE_EVENT_LINK_REMOVED,
};

struct notifier_block;
int rpmsg_lite_register_notifier(struct notifier_block *nb);
int rpmsg_lite_unregister_notifier(struct notifier_block *nb);

int rpmsg_lite_errno_to_rl(int err);
int rpmsg_lite_rl_to_errno(int rl_err);

#endif /* _LINUX_RPMSG_LITE_H */
