// SPDX-License-Identifier: GPL-2.0
/*
 * rl_char_txfull_test - /dev/rpmsg_eptN with no free tx buffer: O_NONBLOCK
 * write -> EAGAIN, no POLLOUT, a blocking write gives up with ETIMEDOUT
 * after the endpoint's tx timeout; once the peer consumes again, POLLOUT
 * comes back, writes succeed and every queued message is echoed (or its
 * drop counted).
 *
 * The remote of the loopback link is stopped through the debugfs knob
 * rpmsg_lite_loopback/pairN/hold_remote (its echo service keeps every
 * message without answering, so their buffers never come back).
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mount.h>

#include "rl_char_util.h"
#include "kselftest_harness.h"

#define DEBUGFS_DIR		"/sys/kernel/debug"
#define HOLD_FMT		DEBUGFS_DIR "/rpmsg_lite_loopback/pair%u/hold_remote"
#define TX_TIMEOUT_MS		200
#define MSG_MAX			4096
/* How long a reply may take on this machine (RL_WAIT_MS, scaled). */
#define REPLY_TIMEOUT_MS	rl_scaled_ms(RL_WAIT_MS)

FIXTURE(txfull) {
	int ctrl;		/* /dev/rpmsg_lite_ctrlN of the master link */
	int rctrl;		/* the control node of its peer, the remote */
	int index;		/* N of our /dev/rpmsg_eptN */
	int fd;			/* it, opened O_NONBLOCK */
	__u32 payload;		/* the link's payload size */
	__u32 buffers;		/* the link's buffer count */
	char hold[128];		/* path of the hold_remote knob */
	int held;		/* we hold the remote */
	int no_knob;		/* the knob is missing: tests skip (the
				 * harness runs a test after a SKIP() in
				 * its setup, so each test skips itself)
				 */
};

/* Write "1" or "0" to the knob; 0 or -errno. */
static int set_hold(const char *path, int hold)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, hold ? "1" : "0", 1);
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}

/* First byte of the knob: '0', '1', or 0 on error. */
static char get_hold(const char *path)
{
	char c = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c;
}

static void set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static short poll_now(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	if (poll(&pfd, 1, timeout_ms) < 0)
		return -1;
	return pfd.revents;
}

/* Message seq: payload bytes, the sequence number in the first 4. */
static void make_msg(unsigned char *buf, size_t len, __u32 seq)
{
	size_t i;

	memcpy(buf, &seq, sizeof(seq));
	for (i = sizeof(seq); i < len; i++)
		buf[i] = (unsigned char)(seq * 13 + i);
}

FIXTURE_SETUP(txfull)
{
	struct rpmsg_lite_link_info li;
	__u32 echo = RPMSG_LITE_ADDR_ANY, qlen;
	char path[64];

	self->fd = -1;
	self->index = -1;
	self->held = 0;
	self->rctrl = -1;
	ASSERT_EQ(0, rl_find_ctrl("master", path, sizeof(path)))
		TH_LOG("no control node of a master link in " RL_CLASS_DIR);
	self->ctrl = open(path, O_RDWR);
	ASSERT_LE(0, self->ctrl) TH_LOG("open %s: %s", path, strerror(errno));
	ASSERT_EQ(0, rl_find_ctrl("remote", path, sizeof(path)))
		TH_LOG("no control node of a remote link in " RL_CLASS_DIR);
	self->rctrl = open(path, O_RDWR);
	ASSERT_LE(0, self->rctrl) TH_LOG("open %s: %s", path, strerror(errno));
	ASSERT_EQ(0, ioctl(self->ctrl, RPMSG_LITE_IOC_LINK_INFO, &li));
	self->payload = li.payload_size;
	self->buffers = li.buffer_count;
	ASSERT_GE(MSG_MAX, self->payload);

	/* the load-time pair of link N is pairN */
	snprintf(self->hold, sizeof(self->hold), HOLD_FMT, li.link_id);
	if (access(DEBUGFS_DIR "/rpmsg_lite_loopback", F_OK))
		mount("debugfs", DEBUGFS_DIR, "debugfs", 0, NULL);
	if (access(self->hold, W_OK)) {
		TH_LOG("%s: %s", self->hold, strerror(errno));
		self->no_knob = 1;
		return;
	}

	ASSERT_EQ(0, rl_lookup_echo(self->ctrl, &echo))
		TH_LOG("the peer did not announce %s", RL_ECHO_NAME);
	self->index = rl_create(self->ctrl, "txfull", RPMSG_LITE_ADDR_ANY,
				echo, NULL);
	ASSERT_LE(0, self->index) TH_LOG("CREATE_EPT: %s", strerror(-self->index));
	self->fd = rl_open_ept(self->index, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, self->fd);
	/* room for every echo, so none is dropped by the queue limit */
	qlen = RPMSG_LITE_MAX_RX_QUEUE_LEN;
	if (qlen > 2 * self->buffers + 8)
		qlen = 2 * self->buffers + 8;
	ASSERT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_SET_RX_QUEUE_LEN, &qlen));
}

/* A message no test sends otherwise (they send whole payloads) */
#define MARKER		"end"
#define MARKER_LEN	3

/*
 * After a test that ended with the remote held (it failed): send a
 * marker behind the backlog and read until its echo comes back, so that
 * the backlog's echoes reach this endpoint, not the next test's, which
 * may be given the same address (the echo service answers in order).
 * Bounded and best effort.
 */
static void drain_backlog(int fd)
{
	long long end = rl_now_ms() + rl_scaled_ms(10000);
	unsigned char in[MSG_MAX];
	ssize_t n;

	set_nonblock(fd, 1);
	/* the ring frees up as the released remote answers: read meanwhile */
	while (write(fd, MARKER, MARKER_LEN) < 0) {
		if (errno != EAGAIN || rl_now_ms() > end)
			return;
		if (read(fd, in, sizeof(in)) < 0)
			usleep(1000);
	}
	while (rl_now_ms() < end) {
		n = rl_read_reply(fd, in, sizeof(in), REPLY_TIMEOUT_MS);
		if (n < 0 || (n == MARKER_LEN && !memcmp(in, MARKER, n)))
			return;
	}
}

FIXTURE_TEARDOWN(txfull)
{
	if (self->held) {
		set_hold(self->hold, 0);
		if (self->fd >= 0)
			drain_backlog(self->fd);
	}
	if (self->fd >= 0)
		close(self->fd);
	if (self->index >= 0)
		rl_destroy(self->ctrl, self->index);
	if (self->rctrl >= 0)
		close(self->rctrl);
	close(self->ctrl);
}

/*
 * Hold the remote and write messages 0, 1, ... with O_NONBLOCK until one
 * is refused; returns how many were accepted, or -1 when no write was
 * refused within buffer_count + 1 attempts or one failed otherwise.
 */
static int fill_tx(struct __test_metadata *_metadata, const char *hold,
		   int fd, __u32 payload, __u32 buffers, int *held)
{
	unsigned char msg[MSG_MAX];
	unsigned int i;
	ssize_t n;

	if (set_hold(hold, 1))
		return -1;
	*held = 1;
	for (i = 0; i <= buffers; i++) {
		make_msg(msg, payload, i);
		n = write(fd, msg, payload);
		if (n < 0 && errno == EAGAIN)
			return i;
		if (n != (ssize_t)payload) {
			TH_LOG("write %u: %zd (%s)", i, n, strerror(errno));
			return -1;
		}
	}
	TH_LOG("%u non-blocking writes accepted, buffer count %u", i,
	       buffers);
	return -1;
}

/*
 * Read echoes until received + dropped covers sent; every echo must be one
 * of the sent messages, in order, without duplicates.
 */
static void check_echoes(struct __test_metadata *_metadata, int fd,
			 __u32 payload, unsigned int sent)
{
	unsigned char in[MSG_MAX], want[MSG_MAX];
	struct rpmsg_lite_ept_stats st;
	unsigned int received = 0;
	long long next = -1;
	__u32 seq;
	ssize_t n;

	for (;;) {
		ASSERT_EQ(0, ioctl(fd, RPMSG_LITE_IOC_EPT_STATS, &st));
		if (received + st.rx_dropped >= sent && !st.rx_queued)
			break;
		ASSERT_NE(0, poll_now(fd, POLLIN, REPLY_TIMEOUT_MS) & POLLIN)
			TH_LOG("%u of %u echoes, %llu dropped", received, sent,
			       (unsigned long long)st.rx_dropped);
		n = read(fd, in, sizeof(in));
		ASSERT_EQ((ssize_t)payload, n);
		memcpy(&seq, in, sizeof(seq));
		ASSERT_GT((long long)seq, next) TH_LOG("echo %u after %lld", seq, next);
		ASSERT_GT(sent, seq);
		make_msg(want, payload, seq);
		ASSERT_EQ(0, memcmp(in, want, payload)) TH_LOG("echo %u", seq);
		next = seq;
		received++;
	}
	EXPECT_EQ(sent, received + st.rx_dropped);
	EXPECT_EQ(sent, st.tx_msgs);
	TH_LOG("%u sent, %u echoed back, %llu dropped by the rx queue", sent,
	       received, (unsigned long long)st.rx_dropped);
}

TEST_F_TIMEOUT(txfull, nonblocking_write_gets_eagain_and_pollout_clears, 90)
{
	struct rpmsg_lite_link_info li;
	long long r0;
	int sent;

	if (self->no_knob)
		SKIP(return, "no %s (no debugfs or no knob)", self->hold);

	EXPECT_EQ('0', get_hold(self->hold));
	r0 = rl_link_msgs(self->rctrl, 1);
	ASSERT_LE(0, r0);
	sent = fill_tx(_metadata, self->hold, self->fd, self->payload,
		       self->buffers, &self->held);
	ASSERT_LE(1, sent);
	EXPECT_EQ('1', get_hold(self->hold));
	EXPECT_GE((int)self->buffers, sent);
	/*
	 * Still refused, and no POLLOUT, once the remote has taken every
	 * message: it had its chance to give buffers back, and kept them.
	 */
	ASSERT_EQ(0, rl_wait_link_msgs(self->rctrl, 1, r0 + sent))
		TH_LOG("the remote took %lld of %d messages",
		       rl_link_msgs(self->rctrl, 1) - r0, sent);
	ASSERT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_LINK_INFO, &li));
	EXPECT_EQ(0, li.free_tx_buffers);
	EXPECT_EQ(0, poll_now(self->fd, POLLOUT, 0) & POLLOUT);
	EXPECT_EQ(-1, write(self->fd, "x", 1));
	EXPECT_EQ(EAGAIN, errno);
	TH_LOG("%d messages filled the %u tx buffers", sent, self->buffers);

	ASSERT_EQ(0, set_hold(self->hold, 0));
	self->held = 0;
	EXPECT_EQ('0', get_hold(self->hold));
	check_echoes(_metadata, self->fd, self->payload, sent);
}

/*
 * fill_tx() on the fixture's node, then a tx timeout of @tmo ms and a
 * blocking node: the next write blocks.  Returns what fill_tx() did.
 */
static int fill_tx_blocking(struct __test_metadata *_metadata,
			    FIXTURE_DATA(txfull) *self, __u32 tmo)
{
	int sent = fill_tx(_metadata, self->hold, self->fd, self->payload,
			   self->buffers, &self->held);

	if (sent >= 1) {
		EXPECT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_SET_TX_TIMEOUT,
				   &tmo));
		set_nonblock(self->fd, 0);
	}
	return sent;
}

TEST_F_TIMEOUT(txfull, blocking_write_times_out_after_the_tx_timeout, 90)
{
	unsigned char msg[MSG_MAX];
	__u32 tmo = TX_TIMEOUT_MS;
	long long t0, dt;
	ssize_t n;
	int sent;

	if (self->no_knob)
		SKIP(return, "no %s (no debugfs or no knob)", self->hold);

	sent = fill_tx_blocking(_metadata, self, tmo);
	ASSERT_LE(1, sent);
	make_msg(msg, self->payload, sent);
	t0 = rl_now_ms();
	n = write(self->fd, msg, self->payload);
	dt = rl_now_ms() - t0;
	EXPECT_EQ(-1, n);
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_LE(TX_TIMEOUT_MS * 3 / 4, dt);
	EXPECT_GE(REPLY_TIMEOUT_MS, dt);
	TH_LOG("blocking write gave up after %lld ms (timeout %u ms)", dt, tmo);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * A signal ends a write blocked on a full ring with EINTR, well before
 * its timeout; the message is not sent, nothing else is lost, and the
 * node works on.  The signal is sent once the write is seen sleeping in
 * the kernel, not after a delay that hopes it is.
 */
TEST_F_TIMEOUT(txfull, blocking_write_interrupted_by_a_signal_fails_eintr, 90)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct rl_blocked_signal sig;
	unsigned char msg[MSG_MAX];
	/* far above the wait for the write to block: EINTR, not ETIMEDOUT */
	__u32 tmo = 4 * REPLY_TIMEOUT_MS;
	long long t0, dt;
	ssize_t n;
	int sent, e;

	if (self->no_knob)
		SKIP(return, "no %s (no debugfs or no knob)", self->hold);

	sent = fill_tx_blocking(_metadata, self, tmo);
	ASSERT_LE(1, sent);
	/* no SA_RESTART: the write must come back */
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, &old));
	ASSERT_EQ(0, rl_signal_when_blocked(&sig, SYS_write, SIGALRM,
					    REPLY_TIMEOUT_MS));
	make_msg(msg, self->payload, sent);
	t0 = rl_now_ms();
	n = write(self->fd, msg, self->payload);
	e = errno;
	dt = rl_now_ms() - t0;
	pthread_join(sig.thread, NULL);
	sigaction(SIGALRM, &old, NULL);
	EXPECT_EQ(0, sig.ret) TH_LOG("the write was never seen blocked");
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EINTR, e) TH_LOG("the write blocked %lld ms: %s", dt,
				   strerror(e));
	TH_LOG("blocking write interrupted after %lld ms (tx timeout %u ms)",
	       dt, tmo);

	/*
	 * The interrupted message was not sent (tx_msgs counts one more
	 * write only); every other one comes back, in order.
	 */
	ASSERT_EQ(0, set_hold(self->hold, 0));
	self->held = 0;
	make_msg(msg, self->payload, sent);
	ASSERT_EQ((ssize_t)self->payload, write(self->fd, msg, self->payload));
	check_echoes(_metadata, self->fd, self->payload, sent + 1);
}

TEST_F_TIMEOUT(txfull, pollout_and_writes_come_back_when_the_peer_consumes, 90)
{
	unsigned char msg[MSG_MAX];
	short rev;
	int sent;

	if (self->no_knob)
		SKIP(return, "no %s (no debugfs or no knob)", self->hold);

	sent = fill_tx(_metadata, self->hold, self->fd, self->payload,
		       self->buffers, &self->held);
	ASSERT_LE(1, sent);
	EXPECT_EQ(0, poll_now(self->fd, POLLOUT, 0) & POLLOUT);

	ASSERT_EQ(0, set_hold(self->hold, 0));
	self->held = 0;
	rev = poll_now(self->fd, POLLOUT, REPLY_TIMEOUT_MS);
	EXPECT_NE(0, rev & POLLOUT) TH_LOG("revents %#x", rev);
	EXPECT_EQ(0, rev & (POLLERR | POLLHUP));

	/* a blocking write with no timeout now succeeds at once */
	set_nonblock(self->fd, 0);
	make_msg(msg, self->payload, sent);
	ASSERT_EQ((ssize_t)self->payload, write(self->fd, msg, self->payload));
	check_echoes(_metadata, self->fd, self->payload, sent + 1);
}

/* ---- batches (RPMSG_LITE_IOC_SEND_MSGS) on a full ring ---- */

static unsigned char batch_buf[RPMSG_LITE_MAX_MSGS][MSG_MAX];
static struct rpmsg_lite_msg batch[RPMSG_LITE_MAX_MSGS];

/* Entries for messages first..first+n-1 (make_msg()), to the node's dst. */
static void make_batch(__u32 payload, unsigned int first, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		make_msg(batch_buf[i], payload, first + i);
		batch[i] = (struct rpmsg_lite_msg) {
			.buf = (uintptr_t)batch_buf[i],
			.len = payload,
			.addr = RPMSG_LITE_ADDR_ANY,
		};
	}
}

static int send_batch(int fd, unsigned int n)
{
	struct rpmsg_lite_msgs req = { .msgs = (uintptr_t)batch, .count = n };
	int ret = ioctl(fd, RPMSG_LITE_IOC_SEND_MSGS, &req);

	return ret < 0 ? -errno : ret;
}

/*
 * Kicks a non-blocking batch that outgrows the free buffers may send:
 * one when the sender finds no free buffer (the peer is told of the open
 * batch before the sender gives up), one when the request ends early.
 */
#define BATCH_KICKS	2
/*
 * Kicks the core's lost-kick watch may repeat while the peer consumes
 * nothing: at most three per stall (RL_KICK_RETRIES of rl_tx.c).  The
 * link counts them (kick_retries) but LINK_INFO does not report that
 * counter, so the bound takes the most the watch may add; the repeats of
 * the link-up kick are reported (link_up_rekicks) and taken as counted.
 */
#define WATCH_KICKS	3

/*
 * A non-blocking batch larger than the free buffers sends what fits,
 * notifies the peer about once for all of it, and the next batch gets
 * EAGAIN; every message sent comes back, in order.
 */
TEST_F_TIMEOUT(txfull, nonblocking_send_msgs_sends_what_fits_then_eagain, 90)
{
	struct rpmsg_lite_link_info li, l0, l1;
	__u64 kicks, max;
	unsigned int n;

	if (self->no_knob)
		SKIP(return, "no %s (no debugfs or no knob)", self->hold);

	ASSERT_EQ(0, set_hold(self->hold, 1));
	self->held = 1;
	ASSERT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_LINK_INFO, &li));
	ASSERT_LE(2, li.free_tx_buffers);
	n = li.free_tx_buffers + 4;
	ASSERT_GE(RPMSG_LITE_MAX_MSGS, n);
	make_batch(self->payload, 0, n);
	ASSERT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_LINK_INFO, &l0));
	EXPECT_EQ((int)li.free_tx_buffers, send_batch(self->fd, n));
	ASSERT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_LINK_INFO, &l1));
	kicks = l1.stats.kicks_out - l0.stats.kicks_out;
	max = BATCH_KICKS + WATCH_KICKS +
	      (l1.stats.link_up_rekicks - l0.stats.link_up_rekicks);
	/* a kick per message would exceed the bound: it can tell */
	ASSERT_LT(max, li.free_tx_buffers);
	EXPECT_GE(max, kicks) TH_LOG("%llu kicks for %u messages",
				     (unsigned long long)kicks,
				     li.free_tx_buffers);
	TH_LOG("%u messages, %llu kicks (at most %llu)", li.free_tx_buffers,
	       (unsigned long long)kicks, (unsigned long long)max);
	make_batch(self->payload, li.free_tx_buffers, 1);
	EXPECT_EQ(-EAGAIN, send_batch(self->fd, 1));

	ASSERT_EQ(0, set_hold(self->hold, 0));
	self->held = 0;
	check_echoes(_metadata, self->fd, self->payload, li.free_tx_buffers);
}

/*
 * A blocking batch that outgrows a stopped peer tells the peer what it
 * sent before it waits, gives up after the tx timeout and reports what
 * was sent.
 */
TEST_F_TIMEOUT(txfull, blocking_send_msgs_returns_what_was_sent_at_the_timeout, 90)
{
	struct rpmsg_lite_link_info li;
	__u32 tmo = TX_TIMEOUT_MS;
	long long t0, dt;
	unsigned int n;

	if (self->no_knob)
		SKIP(return, "no %s (no debugfs or no knob)", self->hold);

	ASSERT_EQ(0, set_hold(self->hold, 1));
	self->held = 1;
	ASSERT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_SET_TX_TIMEOUT, &tmo));
	set_nonblock(self->fd, 0);
	ASSERT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_LINK_INFO, &li));
	n = li.free_tx_buffers + 2;
	make_batch(self->payload, 0, n);
	t0 = rl_now_ms();
	EXPECT_EQ((int)li.free_tx_buffers, send_batch(self->fd, n));
	dt = rl_now_ms() - t0;
	EXPECT_LE(TX_TIMEOUT_MS * 3 / 4, dt);
	EXPECT_GE(REPLY_TIMEOUT_MS, dt);
	/* a batch with nothing sent reports the timeout itself */
	make_batch(self->payload, li.free_tx_buffers, 1);
	EXPECT_EQ(-ETIMEDOUT, send_batch(self->fd, 1));

	ASSERT_EQ(0, set_hold(self->hold, 0));
	self->held = 0;
	check_echoes(_metadata, self->fd, self->payload, li.free_tx_buffers);
}

struct batch_sender {
	int fd;
	unsigned int n;
	int ret;
};

static void *batch_thread(void *arg)
{
	struct batch_sender *b = arg;

	b->ret = send_batch(b->fd, b->n);
	return NULL;
}

/*
 * One blocking batch of three rings' worth: it waits for buffers the
 * peer gives back, and every message arrives once, in order.
 */
TEST_F_TIMEOUT(txfull, blocking_send_msgs_larger_than_the_ring_goes_through, 120)
{
	struct batch_sender b = { .fd = self->fd };
	__u32 tmo = RPMSG_LITE_TIMEOUT_FOREVER;
	pthread_t t;

	if (self->no_knob)
		SKIP(return, "no %s (no debugfs or no knob)", self->hold);

	b.n = 3 * self->buffers;
	if (b.n > RPMSG_LITE_MAX_MSGS)
		b.n = RPMSG_LITE_MAX_MSGS;
	ASSERT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_SET_TX_TIMEOUT, &tmo));
	set_nonblock(self->fd, 0);
	make_batch(self->payload, 0, b.n);
	ASSERT_EQ(0, pthread_create(&t, NULL, batch_thread, &b));
	/* read while it sends: the rx queue holds two rings at most */
	check_echoes(_metadata, self->fd, self->payload, b.n);
	pthread_join(t, NULL);
	EXPECT_EQ((int)b.n, b.ret);
}

TEST_HARNESS_MAIN
