// SPDX-License-Identifier: GPL-2.0
/*
 * rl_char_race_test - many threads on the same nodes while the link
 * resets under them, then the modules go away under them.
 *
 * Worker threads share the control nodes of both loopback links and a
 * table of endpoints, and each draws its next call: open and close of
 * control and endpoint nodes (blocking and O_NONBLOCK), CREATE_EPT (the
 * native and the upstream request, fixed and dynamic addresses, with and
 * without announcement), DESTROY_EPT (on the control node, on the
 * endpoint node, the upstream request), write(), SENDTO and SEND_MSGS
 * (to the echo service and to endpoints of the other link), read() and
 * RECV_MSGS (blocking and not), poll(), LINK_INFO, EPT_STATS,
 * SET_TX_TIMEOUT, SET_RX_QUEUE_LEN and LOOKUP_SERVICE.  Meanwhile a
 * thread resets the links through the loopback's debugfs knob
 * rpmsg_lite_loopback/pairN/reset, in every way it offers.
 *
 * Checked:
 * - every call succeeds or fails with an errno of its expected set;
 * - every message read is one a worker wrote, whole (its bytes are a
 *   function of writer and sequence number), and each open file sees a
 *   writer's messages at most once and in order;
 * - the run ends: when the endpoints are destroyed every blocked call
 *   returns (a thread stuck longer than STUCK_MS fails the test and
 *   names its call);
 * - afterwards both links are up, without ring errors, every transmit
 *   buffer is back and a message makes a round trip;
 * - final pass, with the workers still running: rmmod of the loopback
 *   module returns, every call fails cleanly, rpmsg_lite cannot be
 *   removed while its nodes are open, a reloaded loopback works next to
 *   the old files, and once they are closed both modules unload and load
 *   again.
 *
 * Every file is opened O_CLOEXEC: the shells system() starts for rmmod
 * and insmod while the workers run must not hold copies of the nodes.
 *
 * Bounded and seeded: RL_FUZZ_SEED (default 1) seeds the workers' draws
 * (printed; thread timing does not repeat), RL_RACE_MS (default 4000)
 * and RL_RACE_OPS (default 200000) bound the main pass.
 */
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>

#include <linux/rpmsg_lite.h>

#include "rl_char_util.h"
#include "kselftest_harness.h"

#define DEBUGFS_DIR	"/sys/kernel/debug"
#define RESET_FMT	DEBUGFS_DIR "/rpmsg_lite_loopback/pair%u/reset"
#define MOD_DIR		"/rl/modules"

#define WORKERS		8
#define SLOTS		12	/* endpoints the workers share */
#define FDS		4	/* files a worker keeps open */
#define BATCH		8	/* most messages of one SEND/RECV_MSGS */
#define MAX_PAYLOAD	512	/* largest message the workers write */
/* Fixed addresses: master side MASTER_ADDR + k, remote side REMOTE_ADDR + k */
#define MASTER_ADDR	0x500
#define REMOTE_ADDR	0x600
#define FIXED_ADDRS	6
/*
 * A call that is allowed to block is over within this after the stop
 * (10 s at nominal speed, scaled).
 */
#define STUCK_MS	rl_scaled_ms(10000)

#define MSG_MAGIC	0x524c5243	/* "RLRC" */

enum side { MASTER, REMOTE, SIDES };

/* The head of every message a worker writes; the payload follows. */
struct msg_hdr {
	uint32_t magic;
	uint32_t len;		/* whole message, header included */
	uint32_t writer;
	uint32_t seq;		/* per writer, increasing */
};

/**
 * struct held_fd - a file a worker has open
 * @fd: the file, or -1
 * @ctrl: a control node (else an endpoint node)
 * @side: link of the node
 * @last: per writer, sequence number of the last message read here + 1
 */
struct held_fd {
	int fd;
	bool ctrl;
	enum side side;
	uint32_t last[WORKERS];
};

struct race;

/**
 * struct worker - one thread
 * @r: the run
 * @thr: the thread
 * @id: its number, the writer field of its messages
 * @rnd: its xorshift state
 * @fds: files it has open
 * @seq: sequence number of its next message
 * @op: the call it is in (for a stuck report)
 * @in_call: it is inside @op since @since_ms
 * @since_ms: when it entered @op
 * @done: it returned
 * @ops: calls made
 * @sent: messages sent
 * @got: messages read and verified
 * @err: first failure, empty if none
 */
struct worker {
	struct race *r;
	pthread_t thr;
	uint32_t id;
	uint64_t rnd;
	struct held_fd fds[FDS];
	uint32_t seq;
	_Atomic(const char *) op;
	atomic_int in_call;
	atomic_llong since_ms;
	atomic_int done;
	long ops;
	long sent;
	long got;
	char err[256];
};

/**
 * struct race - a run
 * @ctrl_path: control nodes of the master and the remote link
 * @ctrl: control files shared by every worker
 * @echo: address of the echo service (remote side)
 * @payload: payload size of the links
 * @buffers: buffer count of the links
 * @reset_path: the loopback's reset knob
 * @lock: protects @slot only, never held across a system call
 * @slot: shared endpoints: index, or -1
 * @slot_side: link of each
 * @stop: workers return after their current call
 * @stop_resets: the resetter returns after its current reset
 * @final: final pass: the modules go away, more errnos are expected
 * @ops_left: calls left in the main pass
 * @resets: resets done
 * @reset_err: first reset failure
 * @w: the workers
 */
struct race {
	char ctrl_path[SIDES][64];
	int ctrl[SIDES];
	uint32_t echo;
	uint32_t payload;
	uint32_t buffers;
	char reset_path[128];
	pthread_mutex_t lock;
	int slot[SLOTS];
	enum side slot_side[SLOTS];
	atomic_int stop;
	atomic_int stop_resets;
	atomic_int final;
	atomic_long ops_left;
	atomic_long resets;
	char reset_err[256];
	struct worker w[WORKERS];
};

static uint32_t rnd(uint64_t *s)
{
	/* xorshift64*, as rl_fuzz_ioctl_test */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (*s * 0x2545F4914F6CDD1DULL) >> 32;
}

static uint32_t below(struct worker *w, uint32_t n)
{
	return n ? rnd(&w->rnd) % n : 0;
}

static unsigned long env_num(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

/* ---- messages ---- */

static uint8_t msg_byte(uint32_t writer, uint32_t seq, uint32_t i)
{
	return (uint8_t)(writer * 131 + seq * 31 + i * 7 + (i >> 8));
}

/* Fill @buf with message @seq of @writer, @len bytes (>= header). */
static void msg_fill(uint8_t *buf, uint32_t writer, uint32_t seq,
		     uint32_t len)
{
	struct msg_hdr h = {
		.magic = MSG_MAGIC, .len = len, .writer = writer, .seq = seq,
	};
	uint32_t i;

	memcpy(buf, &h, sizeof(h));
	for (i = sizeof(h); i < len; i++)
		buf[i] = msg_byte(writer, seq, i);
}

static void fail(struct worker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
	atomic_store(&w->r->stop, 1);
}

/* A message read from @h: whole, a worker's, not seen before here. */
static void msg_check(struct worker *w, struct held_fd *h,
		      const uint8_t *buf, ssize_t n)
{
	struct msg_hdr hd;
	uint32_t i;

	if (n < (ssize_t)sizeof(hd)) {
		fail(w, "read a %zd-byte message", n);
		return;
	}
	memcpy(&hd, buf, sizeof(hd));
	if (hd.magic != MSG_MAGIC || hd.len != n || hd.writer >= WORKERS) {
		fail(w, "read %zd bytes: magic %#x len %u writer %u",
		     n, hd.magic, hd.len, hd.writer);
		return;
	}
	for (i = sizeof(hd); i < n; i++) {
		if (buf[i] != msg_byte(hd.writer, hd.seq, i)) {
			fail(w, "message %u of writer %u: byte %u is %#x, not %#x",
			     hd.seq, hd.writer, i, buf[i],
			     msg_byte(hd.writer, hd.seq, i));
			return;
		}
	}
	if (hd.seq + 1 <= h->last[hd.writer]) {
		fail(w, "message %u of writer %u after %u on one file: duplicated or reordered",
		     hd.seq, hd.writer, h->last[hd.writer] - 1);
		return;
	}
	h->last[hd.writer] = hd.seq + 1;
	w->got++;
}

/* ---- calls ---- */

/* A bit for each errno a call may be allowed to give, 0 for the others. */
static unsigned long long ebit(int e)
{
	static const int known[] = {
		EPIPE, ENODEV, ENOENT, ENXIO, EADDRINUSE, ETIMEDOUT, EAGAIN,
		EDESTADDRREQ, ENOTCONN,
	};
	unsigned int i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i] == e)
			return 1ULL << i;
	return 0;
}

/* Errnos each kind of call may give while links reset and nodes go. */
#define E(x)		ebit(x)
#define E_GONE		(E(EPIPE) | E(ENODEV))
#define E_OPEN		(E(ENOENT) | E(ENXIO) | E(ENODEV))
#define E_CREATE	(E_GONE | E(EADDRINUSE) | E(ETIMEDOUT) | E(ENOTCONN))
#define E_DESTROY	(E_GONE | E(ENOENT))
#define E_SEND		(E_GONE | E(EAGAIN) | E(ETIMEDOUT) | E(EDESTADDRREQ) | \
			 E(ENOTCONN))
#define E_RECV		(E_GONE | E(EAGAIN))
#define E_QUERY		(E(ENODEV) | E(ENOENT))
#define E_SET		0ULL

static void enter(struct worker *w, const char *op)
{
	atomic_store(&w->op, op);
	atomic_store(&w->since_ms, rl_now_ms());
	atomic_store(&w->in_call, 1);
}

/* Leave a call; @ret < 0 with errno outside @allowed fails the worker. */
static void leave(struct worker *w, long ret, unsigned long long allowed)
{
	int e = errno;

	atomic_store(&w->in_call, 0);
	w->ops++;
	if (ret >= 0)
		return;
	/* removal of the link may turn up in any call of the final pass */
	if (atomic_load(&w->r->final))
		allowed |= E_GONE | E_OPEN;
	if (!(allowed & E(e)))
		fail(w, "%s: %s (errno %d)", atomic_load(&w->op), strerror(e),
		     e);
}

static struct held_fd *pick_fd(struct worker *w, bool ctrl)
{
	struct held_fd *h = &w->fds[below(w, FDS)];

	if (h->fd < 0 || h->ctrl != ctrl)
		return NULL;
	return h;
}

static struct held_fd *free_fd(struct worker *w)
{
	int i;

	for (i = 0; i < FDS; i++)
		if (w->fds[i].fd < 0)
			return &w->fds[i];
	return NULL;
}

static void close_fd(struct worker *w, struct held_fd *h)
{
	enter(w, "close");
	leave(w, close(h->fd), 0);
	h->fd = -1;
}

/* A shared control file, or one of the worker's own. */
static int ctrl_fd(struct worker *w, enum side s)
{
	struct held_fd *h = pick_fd(w, true);

	return h && h->side == s ? h->fd : w->r->ctrl[s];
}

static void op_open_ctrl(struct worker *w)
{
	struct held_fd *h = free_fd(w);
	enum side s = below(w, SIDES);
	int fd;

	if (!h)
		return;
	enter(w, "open control node");
	fd = open(w->r->ctrl_path[s],
		  O_RDWR | O_CLOEXEC | (below(w, 2) ? O_NONBLOCK : 0));
	leave(w, fd, E_OPEN);
	if (fd < 0)
		return;
	memset(h, 0, sizeof(*h));
	h->fd = fd;
	h->ctrl = true;
	h->side = s;
}

static void op_open_ept(struct worker *w)
{
	struct held_fd *h = free_fd(w);
	int k = below(w, SLOTS), index;
	enum side s;
	int fd;

	if (!h)
		return;
	pthread_mutex_lock(&w->r->lock);
	index = w->r->slot[k];
	s = w->r->slot_side[k];
	pthread_mutex_unlock(&w->r->lock);
	if (index < 0)
		return;
	enter(w, "open endpoint node");
	fd = rl_open_ept(index,
			 O_RDWR | O_CLOEXEC | (below(w, 3) ? O_NONBLOCK : 0));
	leave(w, fd, E_OPEN);
	if (fd < 0)
		return;
	memset(h, 0, sizeof(*h));
	h->fd = fd;
	h->side = s;
}

static void op_create(struct worker *w)
{
	enum side s = below(w, 4) ? MASTER : REMOTE;
	uint32_t base = s == MASTER ? MASTER_ADDR : REMOTE_ADDR;
	uint32_t peer = s == MASTER ? REMOTE_ADDR : MASTER_ADDR;
	struct rpmsg_lite_ept_info info;
	int ctrl = ctrl_fd(w, s), k, index;
	long ret;

	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "race-%u-%u", w->id,
		 below(w, 1000));
	info.src = below(w, 2) ? RPMSG_LITE_ADDR_ANY : base + below(w, FIXED_ADDRS);
	if (s == MASTER && below(w, 10) < 7)
		info.dst = w->r->echo;
	else if (below(w, 10))
		info.dst = peer + below(w, FIXED_ADDRS);
	else
		info.dst = RPMSG_LITE_ADDR_ANY;
	if (!below(w, 8)) {
		/* the upstream request: the index is not returned */
		struct rpmsg_endpoint_info up;

		memset(&up, 0, sizeof(up));
		memcpy(up.name, info.name, sizeof(up.name));
		up.src = info.src;
		up.dst = info.dst;
		enter(w, "RPMSG_CREATE_EPT_IOCTL");
		leave(w, ioctl(ctrl, RPMSG_CREATE_EPT_IOCTL, &up), E_CREATE);
		return;
	}
	info.flags = below(w, 4) ? 0 : RPMSG_LITE_EPT_F_ANNOUNCE;
	enter(w, "CREATE_EPT");
	ret = ioctl(ctrl, RPMSG_LITE_IOC_CREATE_EPT, &info);
	leave(w, ret, E_CREATE);
	if (ret < 0)
		return;
	if (info.index != ret) {
		fail(w, "CREATE_EPT returned %ld, index %u", ret, info.index);
		return;
	}
	/* into a free slot, else gone again */
	index = -1;
	pthread_mutex_lock(&w->r->lock);
	for (k = 0; k < SLOTS; k++) {
		if (w->r->slot[k] < 0) {
			w->r->slot[k] = ret;
			w->r->slot_side[k] = s;
			index = ret;
			break;
		}
	}
	pthread_mutex_unlock(&w->r->lock);
	if (index < 0) {
		enter(w, "DESTROY_EPT (no slot)");
		leave(w, rl_destroy(ctrl, ret) ? -1 : 0, E_DESTROY);
	}
}

static void op_destroy(struct worker *w)
{
	int k = below(w, SLOTS), index;
	struct held_fd *h;
	uint32_t self = RPMSG_LITE_EPT_SELF;
	enum side s;

	if (!below(w, 3)) {
		/* on an endpoint node: its own endpoint, whichever it is */
		h = pick_fd(w, false);
		if (!h)
			return;
		if (below(w, 2)) {
			enter(w, "DESTROY_EPT(SELF)");
			leave(w, ioctl(h->fd, RPMSG_LITE_IOC_DESTROY_EPT, &self),
			      E_DESTROY);
		} else {
			enter(w, "RPMSG_DESTROY_EPT_IOCTL");
			leave(w, ioctl(h->fd, RPMSG_DESTROY_EPT_IOCTL), E_DESTROY);
		}
		return;
	}
	pthread_mutex_lock(&w->r->lock);
	index = w->r->slot[k];
	s = w->r->slot_side[k];
	w->r->slot[k] = -1;
	pthread_mutex_unlock(&w->r->lock);
	if (index < 0)
		return;
	enter(w, "DESTROY_EPT");
	leave(w, rl_destroy(ctrl_fd(w, s), index) ? -1 : 0, E_DESTROY);
}

static uint32_t draw_len(struct worker *w)
{
	uint32_t max = w->r->payload < MAX_PAYLOAD ? w->r->payload : MAX_PAYLOAD;

	return sizeof(struct msg_hdr) + below(w, max - sizeof(struct msg_hdr) + 1);
}

static void op_send(struct worker *w)
{
	struct held_fd *h = pick_fd(w, false);
	uint8_t buf[BATCH][MAX_PAYLOAD];
	struct rpmsg_lite_msg m[BATCH];
	struct rpmsg_lite_msgs mm;
	struct rpmsg_lite_sendto st;
	uint32_t n, i, len;
	long ret;

	if (!h)
		return;
	switch (below(w, 3)) {
	case 0:
		len = draw_len(w);
		msg_fill(buf[0], w->id, w->seq++, len);
		enter(w, "write");
		ret = write(h->fd, buf[0], len);
		leave(w, ret, E_SEND);
		if (ret >= 0 && ret != len)
			fail(w, "write of %u bytes returned %ld", len, ret);
		w->sent += ret == len;
		break;
	case 1:
		len = draw_len(w);
		msg_fill(buf[0], w->id, w->seq++, len);
		memset(&st, 0, sizeof(st));
		st.dst = h->side == MASTER && below(w, 2) ? w->r->echo :
			 (h->side == MASTER ? REMOTE_ADDR : MASTER_ADDR) +
			 below(w, FIXED_ADDRS);
		st.len = len;
		st.buf = (uintptr_t)buf[0];
		enter(w, "SENDTO");
		ret = ioctl(h->fd, RPMSG_LITE_IOC_SENDTO, &st);
		leave(w, ret, E_SEND);
		w->sent += !ret;
		break;
	default:
		n = 1 + below(w, BATCH);
		memset(m, 0, sizeof(m));
		for (i = 0; i < n; i++) {
			len = draw_len(w);
			msg_fill(buf[i], w->id, w->seq++, len);
			m[i].buf = (uintptr_t)buf[i];
			m[i].len = len;
			m[i].addr = RPMSG_LITE_ADDR_ANY;
		}
		mm.msgs = (uintptr_t)m;
		mm.count = n;
		mm.flags = 0;
		enter(w, "SEND_MSGS");
		ret = ioctl(h->fd, RPMSG_LITE_IOC_SEND_MSGS, &mm);
		leave(w, ret, E_SEND);
		if (ret > (long)n)
			fail(w, "SEND_MSGS of %u returned %ld", n, ret);
		if (ret > 0)
			w->sent += ret;
		break;
	}
}

static void op_recv(struct worker *w)
{
	struct held_fd *h = pick_fd(w, false);
	uint8_t buf[BATCH][MAX_PAYLOAD];
	struct rpmsg_lite_msg m[BATCH];
	struct rpmsg_lite_msgs mm;
	uint32_t n, i;
	long ret;

	if (!h)
		return;
	if (below(w, 2)) {
		enter(w, "read");
		ret = read(h->fd, buf[0], sizeof(buf[0]));
		leave(w, ret, E_RECV);
		if (ret >= 0)
			msg_check(w, h, buf[0], ret);
		return;
	}
	n = 1 + below(w, BATCH);
	memset(m, 0, sizeof(m));
	for (i = 0; i < n; i++) {
		m[i].buf = (uintptr_t)buf[i];
		m[i].len = sizeof(buf[i]);
	}
	mm.msgs = (uintptr_t)m;
	mm.count = n;
	mm.flags = 0;
	enter(w, "RECV_MSGS");
	ret = ioctl(h->fd, RPMSG_LITE_IOC_RECV_MSGS, &mm);
	leave(w, ret, E_RECV);
	if (ret > (long)n) {
		fail(w, "RECV_MSGS of %u returned %ld", n, ret);
		return;
	}
	for (i = 0; ret > 0 && i < (uint32_t)ret && !w->err[0]; i++) {
		if (m[i].len > sizeof(buf[i])) {
			fail(w, "RECV_MSGS entry %u: length %u", i, m[i].len);
			return;
		}
		msg_check(w, h, buf[i], m[i].len);
	}
}

static void op_poll(struct worker *w)
{
	const short known = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM |
			    POLLHUP | POLLERR;
	struct pollfd p[FDS];
	int i, n = 0;
	long ret;

	for (i = 0; i < FDS; i++) {
		if (w->fds[i].fd < 0 || w->fds[i].ctrl)
			continue;
		p[n].fd = w->fds[i].fd;
		p[n].events = POLLIN | POLLOUT;
		p[n].revents = 0;
		n++;
	}
	if (!n)
		return;
	enter(w, "poll");
	ret = poll(p, n, below(w, 20));
	leave(w, ret, 0);
	for (i = 0; i < n; i++)
		if (p[i].revents & ~known)
			fail(w, "poll: revents %#x", p[i].revents);
}

static void op_query(struct worker *w)
{
	struct held_fd *h = &w->fds[below(w, FDS)];
	struct rpmsg_lite_link_info li;
	struct rpmsg_lite_ept_stats st;
	struct rpmsg_lite_service svc;
	uint32_t v;
	int fd = h->fd >= 0 ? h->fd : w->r->ctrl[below(w, SIDES)];
	bool ept = h->fd >= 0 && !h->ctrl;

	switch (below(w, 5)) {
	case 0:
		enter(w, "LINK_INFO");
		leave(w, ioctl(fd, RPMSG_LITE_IOC_LINK_INFO, &li), E_QUERY);
		break;
	case 1:
		memset(&svc, 0, sizeof(svc));
		snprintf(svc.name, sizeof(svc.name), "%s", RL_ECHO_NAME);
		enter(w, "LOOKUP_SERVICE");
		leave(w, ioctl(fd, RPMSG_LITE_IOC_LOOKUP_SERVICE, &svc),
		      E_QUERY);
		break;
	case 2:
		if (!ept)
			break;
		enter(w, "EPT_STATS");
		leave(w, ioctl(fd, RPMSG_LITE_IOC_EPT_STATS, &st), E_QUERY);
		break;
	case 3:
		if (!ept)
			break;
		/* mostly short waits; sometimes none, rarely no limit */
		v = below(w, 100) ? below(w, 50) : RPMSG_LITE_TIMEOUT_FOREVER;
		enter(w, "SET_TX_TIMEOUT");
		leave(w, ioctl(fd, RPMSG_LITE_IOC_SET_TX_TIMEOUT, &v), E_SET);
		break;
	default:
		if (!ept)
			break;
		v = 1 + below(w, 64);
		enter(w, "SET_RX_QUEUE_LEN");
		leave(w, ioctl(fd, RPMSG_LITE_IOC_SET_RX_QUEUE_LEN, &v), E_SET);
		break;
	}
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct race *r = w->r;
	struct held_fd *h;
	uint32_t a;

	while (!atomic_load(&r->stop) && !w->err[0]) {
		if (!atomic_load(&r->final) &&
		    atomic_fetch_sub(&r->ops_left, 1) <= 0)
			break;
		a = below(w, 100);
		if (a < 5)
			op_open_ctrl(w);
		else if (a < 15)
			op_open_ept(w);
		else if (a < 23)
			op_create(w);
		else if (a < 30)
			op_destroy(w);
		else if (a < 55)
			op_send(w);
		else if (a < 77)
			op_recv(w);
		else if (a < 85)
			op_poll(w);
		else if (a < 94)
			op_query(w);
		else if ((h = &w->fds[below(w, FDS)])->fd >= 0)
			close_fd(w, h);
	}
	atomic_store(&w->done, 1);
	return NULL;
}

/* ---- links ---- */

static int write_knob(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int e;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	e = errno;
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : n < 0 ? -e : -EIO;
}

static void *resetter_fn(void *arg)
{
	static const char * const how[] = {
		"master", "remote", "remote-lost", "master-lost",
	};
	struct race *r = arg;
	uint64_t s = env_num("RL_FUZZ_SEED", 1) * 7919 + 17;
	int ret;

	while (!atomic_load(&r->stop) && !atomic_load(&r->stop_resets)) {
		usleep(5000 + rnd(&s) % 45000);
		ret = write_knob(r->reset_path, how[rnd(&s) % 4]);
		if (!ret) {
			atomic_fetch_add(&r->resets, 1);
			continue;
		}
		snprintf(r->reset_err, sizeof(r->reset_err), "reset: %s",
			 strerror(-ret));
		atomic_store(&r->stop, 1);
	}
	return NULL;
}

static int link_info(int ctrl, struct rpmsg_lite_link_info *li)
{
	return ioctl(ctrl, RPMSG_LITE_IOC_LINK_INFO, li) ? -errno : 0;
}

/* Wait until the link of @ctrl is up with all its transmit buffers. */
static int wait_idle(int ctrl, struct rpmsg_lite_link_info *li)
{
	long long end = rl_now_ms() + rl_scaled_ms(10000);

	while (rl_now_ms() < end) {
		if (link_info(ctrl, li))
			return -errno;
		if (li->state == RPMSG_LITE_STATE_UP &&
		    li->free_tx_buffers == li->buffer_count)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

/* One message to the echo service and back through a new endpoint. */
static int round_trip(int ctrl, uint32_t echo)
{
	uint8_t out[64], in[64];
	int index, fd, ret = -1;

	msg_fill(out, 0, 0, sizeof(out));
	index = rl_create(ctrl, "race-probe", RPMSG_LITE_ADDR_ANY, echo, NULL);
	if (index < 0)
		return index;
	fd = rl_open_ept(index, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, out, sizeof(out)) == sizeof(out) &&
		    rl_read_reply(fd, in, sizeof(in),
				  rl_scaled_ms(RL_WAIT_MS)) == sizeof(in))
			ret = memcmp(in, out, sizeof(in)) ? -1 : 0;
		close(fd);
	}
	rl_destroy(ctrl, index);
	return ret;
}

/* Destroy every endpoint node of this run (both links). */
static int destroy_all(struct race *r)
{
	struct dirent *de;
	unsigned int index;
	int n = 0, s;
	DIR *d;

	d = opendir(RL_CLASS_DIR);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (sscanf(de->d_name, "rpmsg_ept%u", &index) != 1)
			continue;
		for (s = 0; s < SIDES; s++)
			if (!rl_destroy(r->ctrl[s], index)) {
				n++;
				break;
			}
	}
	closedir(d);
	for (s = 0; s < SLOTS; s++)
		r->slot[s] = -1;
	return n;
}

/* ---- the run ---- */

FIXTURE(race) {
	struct race *r;
	unsigned long seed;
};

FIXTURE_SETUP(race)
{
	struct rpmsg_lite_link_info li;
	struct race *r;
	int s;

	r = calloc(1, sizeof(*r));
	ASSERT_NE(NULL, r);
	self->r = r;
	self->seed = env_num("RL_FUZZ_SEED", 1);
	pthread_mutex_init(&r->lock, NULL);
	for (s = 0; s < SLOTS; s++)
		r->slot[s] = -1;
	ASSERT_EQ(0, rl_find_ctrl("master", r->ctrl_path[MASTER],
				  sizeof(r->ctrl_path[MASTER])));
	ASSERT_EQ(0, rl_find_ctrl("remote", r->ctrl_path[REMOTE],
				  sizeof(r->ctrl_path[REMOTE])));
	for (s = 0; s < SIDES; s++) {
		r->ctrl[s] = open(r->ctrl_path[s], O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, r->ctrl[s]);
	}
	ASSERT_EQ(0, rl_lookup_echo(r->ctrl[MASTER], &r->echo));
	ASSERT_EQ(0, link_info(r->ctrl[MASTER], &li));
	r->payload = li.payload_size;
	r->buffers = li.buffer_count;
	ASSERT_LE(sizeof(struct msg_hdr) + 16, r->payload);
	snprintf(r->reset_path, sizeof(r->reset_path), RESET_FMT, li.link_id);
	if (access(r->reset_path, W_OK))
		SKIP(return, "no %s (CONFIG_DEBUG_FS?)", r->reset_path);
}

FIXTURE_TEARDOWN(race)
{
	int s;

	for (s = 0; s < SIDES; s++)
		if (self->r->ctrl[s] >= 0)
			close(self->r->ctrl[s]);
	free(self->r);
}

static void start_workers(struct race *r, unsigned long seed)
{
	struct worker *w;
	int i, j;

	atomic_store(&r->stop, 0);
	for (i = 0; i < WORKERS; i++) {
		w = &r->w[i];
		if (!w->r) {
			w->r = r;
			w->id = i;
			w->rnd = seed * 1000003 + i * 7777 + 1;
			for (j = 0; j < FDS; j++)
				w->fds[j].fd = -1;
		}
		w->ops = 0;
		w->sent = 0;
		w->got = 0;
		atomic_store(&w->done, 0);
		pthread_create(&w->thr, NULL, worker_fn, w);
	}
}

/*
 * Wait for every worker to return, up to STUCK_MS after the stop;
 * then name those that did not (they stay behind: the harness's child
 * exits anyway).  Return: the number still running.
 */
static int join_workers(struct race *r, struct __test_metadata *_metadata)
{
	long long end = rl_now_ms() + STUCK_MS;
	struct worker *w;
	int i, stuck = 0;

	for (i = 0; i < WORKERS; i++) {
		w = &r->w[i];
		while (!atomic_load(&w->done) && rl_now_ms() < end)
			usleep(10000);
		if (!atomic_load(&w->done)) {
			stuck++;
			TH_LOG("worker %d stuck in %s for %lld ms", i,
			       atomic_load(&w->op),
			       rl_now_ms() - atomic_load(&w->since_ms));
			continue;
		}
		pthread_join(w->thr, NULL);
	}
	return stuck;
}

static void report(struct race *r, struct __test_metadata *_metadata,
		   const char *pass)
{
	long ops = 0, sent = 0, got = 0;
	int i;

	for (i = 0; i < WORKERS; i++) {
		ops += r->w[i].ops;
		sent += r->w[i].sent;
		got += r->w[i].got;
		if (r->w[i].err[0])
			TH_LOG("worker %d: %s", i, r->w[i].err);
	}
	TH_LOG("%s: %ld calls, %ld messages sent, %ld read and verified, %ld resets",
	       pass, ops, sent, got, atomic_load(&r->resets));
	EXPECT_LT(0, got);	/* a run that moved nothing tested nothing */
}

static bool any_error(struct race *r)
{
	int i;

	for (i = 0; i < WORKERS; i++)
		if (r->w[i].err[0])
			return true;
	return r->reset_err[0];
}

TEST_F_TIMEOUT(race, threads_resets_and_module_removal, 1800)
{
	struct race *r = self->r;
	unsigned long ms = env_num("RL_RACE_MS", 4000);
	struct rpmsg_lite_link_info li;
	pthread_t resetter;
	long long t0;
	int s, i, j, n;

	TH_LOG("seed %lu (RL_FUZZ_SEED=%lu repeats the draws, not the thread timing), %lu ms, at most %lu calls",
	       self->seed, self->seed, ms, env_num("RL_RACE_OPS", 200000));
	atomic_store(&r->ops_left, env_num("RL_RACE_OPS", 200000));
	/* a race run of no time or no call tests nothing: not a pass */
	ASSERT_LT(0, ms) TH_LOG("RL_RACE_MS=0: no time to run");
	ASSERT_LT(0, env_num("RL_RACE_OPS", 200000))
		TH_LOG("RL_RACE_OPS=0: no call to make");

	/* main pass: workers and resets */
	start_workers(r, self->seed);
	atomic_store(&r->stop_resets, 0);
	pthread_create(&resetter, NULL, resetter_fn, r);
	t0 = rl_now_ms();
	while (!atomic_load(&r->stop) && atomic_load(&r->ops_left) > 0 &&
	       rl_now_ms() - t0 < (long long)ms)
		usleep(20000);
	atomic_store(&r->stop, 1);
	atomic_store(&r->stop_resets, 1);
	pthread_join(resetter, NULL);
	/* destroying the endpoints ends every blocked call */
	n = destroy_all(r);
	ASSERT_EQ(0, join_workers(r, _metadata));
	report(r, _metadata, "main pass");
	if (r->reset_err[0])
		TH_LOG("%s", r->reset_err);
	ASSERT_FALSE(any_error(r));
	EXPECT_LT(0, atomic_load(&r->resets));
	TH_LOG("%d endpoints were left to destroy at the end", n);

	/* both links up, every buffer back, no ring error, traffic flows */
	for (s = 0; s < SIDES; s++) {
		EXPECT_EQ(0, wait_idle(r->ctrl[s], &li)) {
			TH_LOG("%s link: state %u, %u of %u tx buffers free",
			       s ? "remote" : "master", li.state,
			       li.free_tx_buffers, li.buffer_count);
		}
		EXPECT_EQ(0, li.stats.ring_errors);
	}
	ASSERT_EQ(0, round_trip(r->ctrl[MASTER], r->echo));

	/*
	 * Final pass: the loopback module goes while the workers run (the
	 * resets stop first: an open knob holds the module).
	 */
	atomic_store(&r->resets, 0);
	start_workers(r, self->seed + 1);
	atomic_store(&r->stop_resets, 0);
	pthread_create(&resetter, NULL, resetter_fn, r);
	usleep(ms / 4 * 1000);
	atomic_store(&r->final, 1);
	atomic_store(&r->stop_resets, 1);
	pthread_join(resetter, NULL);
	t0 = rl_now_ms();
	EXPECT_EQ(0, system("rmmod rpmsg_lite_loopback"));
	TH_LOG("rmmod rpmsg_lite_loopback under load: %lld ms",
	       rl_now_ms() - t0);
	EXPECT_EQ(-1, access(r->reset_path, F_OK));
	usleep(200000);
	atomic_store(&r->stop, 1);
	ASSERT_EQ(0, join_workers(r, _metadata));
	report(r, _metadata, "final pass");
	ASSERT_FALSE(any_error(r));
	ASSERT_EQ(0, link_info(r->ctrl[MASTER], &li));
	EXPECT_EQ(RPMSG_LITE_STATE_REMOVED, li.state);

	/* the core cannot go while its nodes are open */
	EXPECT_NE(0, system("rmmod rpmsg_lite 2>/dev/null"));

	/* a new loopback next to the old files */
	ASSERT_EQ(0, system("insmod " MOD_DIR "/rpmsg_lite_loopback.ko"));
	for (s = 0; s < SIDES; s++) {
		close(r->ctrl[s]);
		r->ctrl[s] = -1;
	}
	ASSERT_EQ(0, rl_find_ctrl("master", r->ctrl_path[MASTER],
				  sizeof(r->ctrl_path[MASTER])));
	r->ctrl[MASTER] = open(r->ctrl_path[MASTER],
			       O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, r->ctrl[MASTER]);
	ASSERT_EQ(0, rl_lookup_echo(r->ctrl[MASTER], &r->echo));
	ASSERT_EQ(0, round_trip(r->ctrl[MASTER], r->echo));
	for (i = 0; i < WORKERS; i++) {
		for (j = 0; j < FDS; j++) {
			struct held_fd *h = &r->w[i].fds[j];
			char c;

			if (h->fd < 0)
				continue;
			if (!h->ctrl) {
				/* an old file: its link is gone */
				EXPECT_EQ(-1, read(h->fd, &c, 1));
				EXPECT_EQ(-1, write(h->fd, "x", 1));
			}
			close(h->fd);
			h->fd = -1;
		}
	}
	close(r->ctrl[MASTER]);
	r->ctrl[MASTER] = -1;

	/* with every file closed both modules go and come back */
	ASSERT_EQ(0, system("rmmod rpmsg_lite_loopback"));
	ASSERT_EQ(0, system("rmmod rpmsg_lite"));
	ASSERT_EQ(0, system("insmod " MOD_DIR "/rpmsg_lite.ko"));
	ASSERT_EQ(0, system("insmod " MOD_DIR "/rpmsg_lite_loopback.ko"));
	ASSERT_EQ(0, rl_find_ctrl("master", r->ctrl_path[MASTER],
				  sizeof(r->ctrl_path[MASTER])));
	r->ctrl[MASTER] = open(r->ctrl_path[MASTER],
			       O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, r->ctrl[MASTER]);
	ASSERT_EQ(0, rl_lookup_echo(r->ctrl[MASTER], &r->echo));
	EXPECT_EQ(0, round_trip(r->ctrl[MASTER], r->echo));
}

TEST_HARNESS_MAIN
