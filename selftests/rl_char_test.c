// SPDX-License-Identifier: GPL-2.0
/*
 * rl_char_test - promises of /dev/rpmsg_lite_ctrlN and /dev/rpmsg_eptN,
 * checked against the echo service of the loopback link
 * (rpmsg_lite_loopback.ko with default parameters).
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

#include "rl_char_util.h"
#include "kselftest_harness.h"

/* How long a reply may take on this machine (RL_WAIT_MS, scaled). */
#define REPLY_TIMEOUT_MS	rl_scaled_ms(RL_WAIT_MS)

FIXTURE(ept) {
	int ctrl;		/* /dev/rpmsg_lite_ctrlN of the master link */
	__u32 echo;		/* address of the echo service */
	int index;		/* N of our /dev/rpmsg_eptN */
	__u32 src;		/* its address */
	int fd;			/* it, opened */
	__u32 payload;		/* the link's payload size */
};

FIXTURE_SETUP(ept)
{
	struct rpmsg_lite_link_info li;
	char path[64];

	ASSERT_EQ(0, rl_find_ctrl("master", path, sizeof(path)))
		TH_LOG("no control node of a master link in " RL_CLASS_DIR);
	self->ctrl = open(path, O_RDWR);
	ASSERT_LE(0, self->ctrl) TH_LOG("open %s: %s", path, strerror(errno));
	ASSERT_EQ(0, rl_lookup_echo(self->ctrl, &self->echo))
		TH_LOG("the peer did not announce %s", RL_ECHO_NAME);
	ASSERT_EQ(0, ioctl(self->ctrl, RPMSG_LITE_IOC_LINK_INFO, &li));
	self->payload = li.payload_size;
	self->index = rl_create(self->ctrl, "selftest", RPMSG_LITE_ADDR_ANY,
				self->echo, &self->src);
	ASSERT_LE(0, self->index) TH_LOG("CREATE_EPT: %s", strerror(-self->index));
	self->fd = rl_open_ept(self->index, O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(ept)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->index >= 0)
		rl_destroy(self->ctrl, self->index);
	close(self->ctrl);
}

static void fill(unsigned char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

static int round_trip(int fd, size_t len)
{
	unsigned char out[4096], in[4096];
	ssize_t n;

	fill(out, len, (unsigned int)len);
	n = write(fd, out, len);
	if (n != (ssize_t)len)
		return n < 0 ? -errno : -EIO;
	n = rl_read_reply(fd, in, sizeof(in), REPLY_TIMEOUT_MS);
	if (n < 0)
		return n;
	if ((size_t)n != len || memcmp(in, out, len))
		return -EBADMSG;
	return 0;
}

static int ept_stats(int fd, struct rpmsg_lite_ept_stats *st)
{
	return ioctl(fd, RPMSG_LITE_IOC_EPT_STATS, st) ? -errno : 0;
}

TEST_F_TIMEOUT(ept, link_info_describes_the_master_link, 60)
{
	struct rpmsg_lite_link_info li;
	char dev[64], val[64];

	ASSERT_EQ(0, ioctl(self->ctrl, RPMSG_LITE_IOC_LINK_INFO, &li));
	EXPECT_EQ(RPMSG_LITE_ROLE_MASTER, li.role);
	EXPECT_EQ(RPMSG_LITE_STATE_UP, li.state);
	EXPECT_EQ(496, li.payload_size);
	EXPECT_EQ(256, li.buffer_count);
	EXPECT_LT(0, li.free_tx_buffers);
	EXPECT_GE(li.buffer_count, li.free_tx_buffers);
	EXPECT_NE(0, li.name[0]);
	snprintf(dev, sizeof(dev), "/dev/rpmsg_lite_ctrl%u", li.ctrl_index);
	EXPECT_EQ(0, access(dev, F_OK));
	ASSERT_EQ(0, rl_sysfs_read(dev + 5, "link_name", val, sizeof(val)));
	EXPECT_STREQ(li.name, val);
	ASSERT_EQ(0, rl_sysfs_read(dev + 5, "state", val, sizeof(val)));
	EXPECT_STREQ("up", val);
}

TEST_F_TIMEOUT(ept, link_info_on_an_endpoint_node_matches_its_link, 60)
{
	struct rpmsg_lite_link_info a, b;

	ASSERT_EQ(0, ioctl(self->ctrl, RPMSG_LITE_IOC_LINK_INFO, &a));
	ASSERT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_LINK_INFO, &b));
	EXPECT_STREQ(a.name, b.name);
	EXPECT_EQ(a.ctrl_index, b.ctrl_index);
	EXPECT_EQ(a.payload_size, b.payload_size);
}

TEST_F_TIMEOUT(ept, create_reports_index_and_dynamic_src_in_sysfs, 60)
{
	char dev[32], val[64];

	EXPECT_LE(1024, self->src);
	EXPECT_NE(RPMSG_LITE_ADDR_ANY, self->src);
	snprintf(dev, sizeof(dev), "rpmsg_ept%d", self->index);
	ASSERT_EQ(0, rl_sysfs_read(dev, "name", val, sizeof(val)));
	EXPECT_STREQ("selftest", val);
	ASSERT_EQ(0, rl_sysfs_read(dev, "src", val, sizeof(val)));
	EXPECT_EQ(self->src, strtoul(val, NULL, 0));
	ASSERT_EQ(0, rl_sysfs_read(dev, "dst", val, sizeof(val)));
	EXPECT_EQ(self->echo, strtoul(val, NULL, 0));
	ASSERT_EQ(0, rl_sysfs_read(dev, "link", val, sizeof(val)));
	EXPECT_NE(0, val[0]);
}

TEST_F_TIMEOUT(ept, services_attribute_lists_the_echo_service, 60)
{
	char path[64], buf[4096], line[64];
	ssize_t n;
	int fd;
	struct rpmsg_lite_link_info li;

	ASSERT_EQ(0, ioctl(self->ctrl, RPMSG_LITE_IOC_LINK_INFO, &li));
	snprintf(path, sizeof(path), RL_CLASS_DIR "/rpmsg_lite_ctrl%u/services",
		 li.ctrl_index);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	snprintf(line, sizeof(line), "%u %s\n", self->echo, RL_ECHO_NAME);
	EXPECT_NE(NULL, strstr(buf, line)) TH_LOG("services: %s", buf);
}

TEST_F_TIMEOUT(ept, echo_round_trip_of_1_byte, 60)
{
	EXPECT_EQ(0, round_trip(self->fd, 1));
}

TEST_F_TIMEOUT(ept, echo_round_trip_of_16_bytes, 60)
{
	EXPECT_EQ(0, round_trip(self->fd, 16));
}

TEST_F_TIMEOUT(ept, echo_round_trip_of_a_full_payload, 60)
{
	EXPECT_EQ(0, round_trip(self->fd, self->payload));
}

TEST_F_TIMEOUT(ept, write_larger_than_payload_fails_emsgsize, 60)
{
	unsigned char buf[4096] = { 0 };
	struct rpmsg_lite_ept_stats st;

	EXPECT_EQ(-1, write(self->fd, buf, self->payload + 1));
	EXPECT_EQ(EMSGSIZE, errno);
	ASSERT_EQ(0, ept_stats(self->fd, &st));
	EXPECT_EQ(0, st.tx_msgs);
}

TEST_F_TIMEOUT(ept, zero_byte_write_sends_an_empty_message, 60)
{
	struct rpmsg_lite_ept_stats st;
	char buf[16];

	EXPECT_EQ(0, write(self->fd, buf, 0));
	ASSERT_EQ(0, ept_stats(self->fd, &st));
	EXPECT_EQ(1, st.tx_msgs);
	EXPECT_EQ(0, st.tx_bytes);
	/* 0 is an empty message: a hang-up would be -EPIPE, none -ETIMEDOUT */
	EXPECT_EQ(0, rl_read_reply(self->fd, buf, sizeof(buf),
				   REPLY_TIMEOUT_MS));
}

TEST_F_TIMEOUT(ept, short_read_buffer_fails_emsgsize_and_keeps_the_message, 60)
{
	unsigned char out[32], in[32];
	struct rpmsg_lite_ept_stats st;

	fill(out, sizeof(out), 5);
	ASSERT_EQ(sizeof(out), write(self->fd, out, sizeof(out)));
	EXPECT_EQ(-EMSGSIZE, rl_read_reply(self->fd, in, 8, REPLY_TIMEOUT_MS));
	ASSERT_EQ(0, ept_stats(self->fd, &st));
	EXPECT_EQ(1, st.rx_queued);
	EXPECT_EQ(sizeof(out), read(self->fd, in, sizeof(in)));
	EXPECT_EQ(0, memcmp(in, out, sizeof(out)));
}

TEST_F_TIMEOUT(ept, nonblocking_read_of_an_empty_queue_fails_eagain, 60)
{
	char buf[16];
	int fd = rl_open_ept(self->index, O_RDWR | O_NONBLOCK);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
}

TEST_F_TIMEOUT(ept, poll_reports_pollout_when_idle_and_pollin_after_the_echo, 60)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN | POLLOUT };
	char buf[16] = "ping";

	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents);
	ASSERT_EQ(4, write(self->fd, buf, 4));
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, REPLY_TIMEOUT_MS));
	EXPECT_EQ(POLLIN, pfd.revents);
	EXPECT_EQ(4, read(self->fd, buf, sizeof(buf)));
	pfd.events = POLLIN;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
}

/**
 * struct write_when_blocked - write once a reader sleeps in read()
 * @fd: the node to write to
 * @tid: the reader's thread id
 * @blocked: 0 when the reader was seen blocked, -ETIMEDOUT when it was
 *           not (the message is written anyway)
 * @written: what write() returned
 */
struct write_when_blocked {
	int fd;
	pid_t tid;
	int blocked;
	ssize_t written;
};

static void *write_when_blocked(void *arg)
{
	struct write_when_blocked *w = arg;

	w->blocked = rl_wait_blocked(getpid(), w->tid, SYS_read,
				     REPLY_TIMEOUT_MS);
	w->written = write(w->fd, "wake", 4);
	return NULL;
}

/* A read() that sleeps on an empty queue returns the echo that arrives. */
TEST_F_TIMEOUT(ept, blocking_read_is_woken_by_the_echo, 60)
{
	struct write_when_blocked w = { .fd = self->fd, .tid = rl_gettid() };
	pthread_t thr;
	char buf[16];

	ASSERT_EQ(0, pthread_create(&thr, NULL, write_when_blocked, &w));
	EXPECT_EQ(4, read(self->fd, buf, sizeof(buf)));
	pthread_join(thr, NULL);
	EXPECT_EQ(0, w.blocked) TH_LOG("the read was never seen blocked");
	EXPECT_EQ(4, w.written);
	EXPECT_EQ(0, memcmp(buf, "wake", 4));
}

static void on_alarm(int sig)
{
}

TEST_F_TIMEOUT(ept, signal_interrupts_a_blocking_read_with_eintr, 60)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct rl_blocked_signal sig;
	char buf[16];
	ssize_t n;
	int e;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	/* signalled once it sleeps in read(), not after a guessed delay */
	ASSERT_EQ(0, rl_signal_when_blocked(&sig, SYS_read, SIGALRM,
					    REPLY_TIMEOUT_MS));
	n = read(self->fd, buf, sizeof(buf));
	e = errno;
	pthread_join(sig.thread, NULL);
	EXPECT_EQ(0, sig.ret) TH_LOG("the read was never seen blocked");
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EINTR, e);
}

TEST_F_TIMEOUT(ept, ept_stats_count_messages_and_bytes, 60)
{
	struct rpmsg_lite_ept_stats st;
	char buf[64];

	ASSERT_EQ(0, round_trip(self->fd, 10));
	ASSERT_EQ(0, round_trip(self->fd, 20));
	ASSERT_EQ(0, ept_stats(self->fd, &st));
	EXPECT_EQ(2, st.tx_msgs);
	EXPECT_EQ(30, st.tx_bytes);
	EXPECT_EQ(2, st.rx_msgs);
	EXPECT_EQ(30, st.rx_bytes);
	EXPECT_EQ(0, st.rx_dropped);
	EXPECT_EQ(0, st.rx_queued);
	EXPECT_EQ(RPMSG_LITE_DEFAULT_RX_QUEUE_LEN, st.rx_queue_len);
	EXPECT_EQ(RPMSG_LITE_DEFAULT_TX_TIMEOUT_MS, st.tx_timeout_ms);
	(void)buf;
}

TEST_F_TIMEOUT(ept, rx_queue_overflow_is_dropped_and_counted, 90)
{
	const unsigned int limit = 8, sent = 40;
	struct rpmsg_lite_ept_stats st;
	char buf[16], dev[32], val[32];
	long long end;
	unsigned int i, got = 0;
	__u32 len = limit;

	ASSERT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_SET_RX_QUEUE_LEN, &len));
	for (i = 0; i < sent; i++)
		ASSERT_EQ(4, write(self->fd, &i, 4));

	/* Every reply is either queued or dropped; wait for all of them. */
	end = rl_now_ms() + REPLY_TIMEOUT_MS;
	do {
		ASSERT_EQ(0, ept_stats(self->fd, &st));
		if (st.rx_msgs + st.rx_dropped == sent)
			break;
		usleep(10000);
	} while (rl_now_ms() < end);

	EXPECT_EQ(limit, st.rx_queued);
	EXPECT_EQ(sent - limit, st.rx_dropped);
	snprintf(dev, sizeof(dev), "rpmsg_ept%d", self->index);
	ASSERT_EQ(0, rl_sysfs_read(dev, "rx_dropped", val, sizeof(val)));
	EXPECT_EQ(sent - limit, strtoul(val, NULL, 0));

	while (rl_read_reply(self->fd, buf, sizeof(buf), 0) == 4) {
		unsigned int seq;

		memcpy(&seq, buf, 4);
		EXPECT_EQ(got, seq);	/* the first ones are kept, in order */
		got++;
	}
	EXPECT_EQ(limit, got);
	EXPECT_EQ(sent, got + st.rx_dropped);
}

TEST_F_TIMEOUT(ept, set_rx_queue_len_rejects_zero_and_too_large, 60)
{
	__u32 len = 0;

	EXPECT_EQ(-1, ioctl(self->fd, RPMSG_LITE_IOC_SET_RX_QUEUE_LEN, &len));
	EXPECT_EQ(EINVAL, errno);
	len = RPMSG_LITE_MAX_RX_QUEUE_LEN + 1;
	EXPECT_EQ(-1, ioctl(self->fd, RPMSG_LITE_IOC_SET_RX_QUEUE_LEN, &len));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F_TIMEOUT(ept, set_tx_timeout_is_reported_in_stats, 60)
{
	struct rpmsg_lite_ept_stats st;
	__u32 ms = 123;

	ASSERT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_SET_TX_TIMEOUT, &ms));
	ASSERT_EQ(0, ept_stats(self->fd, &st));
	EXPECT_EQ(123, st.tx_timeout_ms);
	ASSERT_EQ(0, round_trip(self->fd, 8));
}

/*
 * A second endpoint "nodst" without a default destination, opened: its
 * fd, or -1 (the failed assertion ends the test); its index in *@index.
 */
static int open_nodst(struct __test_metadata *_metadata, int ctrl,
		      int *index)
{
	int fd;

	*index = rl_create(ctrl, "nodst", RPMSG_LITE_ADDR_ANY,
			   RPMSG_LITE_ADDR_ANY, NULL);
	EXPECT_LE(0, *index);
	if (*index < 0)
		return -1;
	fd = rl_open_ept(*index, O_RDWR);
	EXPECT_LE(0, fd);
	return fd;
}

TEST_F_TIMEOUT(ept, sendto_reaches_an_explicit_destination, 60)
{
	struct rpmsg_lite_sendto st = { .dst = self->echo, .len = 5 };
	char msg[] = "hello", buf[16];
	int index, fd;

	fd = open_nodst(_metadata, self->ctrl, &index);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, write(fd, msg, 5));
	EXPECT_EQ(EDESTADDRREQ, errno);
	st.buf = (uintptr_t)msg;
	EXPECT_EQ(0, ioctl(fd, RPMSG_LITE_IOC_SENDTO, &st));
	EXPECT_EQ(5, rl_read_reply(fd, buf, sizeof(buf), REPLY_TIMEOUT_MS));
	EXPECT_EQ(0, memcmp(buf, msg, 5));
	st.len = self->payload + 1;
	EXPECT_EQ(-1, ioctl(fd, RPMSG_LITE_IOC_SENDTO, &st));
	EXPECT_EQ(EMSGSIZE, errno);
	close(fd);
	EXPECT_EQ(0, rl_destroy(self->ctrl, index));
}

TEST_F_TIMEOUT(ept, bad_create_arguments_fail_with_their_errno, 60)
{
	struct rpmsg_lite_ept_info info;
	__u32 src;

	EXPECT_EQ(-1, ioctl(self->ctrl, RPMSG_LITE_IOC_CREATE_EPT, NULL));
	EXPECT_EQ(EFAULT, errno);

	memset(&info, 'x', sizeof(info.name));
	info.src = RPMSG_LITE_ADDR_ANY;
	info.dst = self->echo;
	info.flags = 0;
	memset(info.reserved, 0, sizeof(info.reserved));
	EXPECT_EQ(-1, ioctl(self->ctrl, RPMSG_LITE_IOC_CREATE_EPT, &info));
	EXPECT_EQ(EINVAL, errno);	/* unterminated name */

	EXPECT_EQ(-EADDRINUSE, rl_create(self->ctrl, "ns", RPMSG_LITE_NS_ADDR,
					 self->echo, NULL));
	EXPECT_EQ(-EINVAL, rl_create(self->ctrl, "ns", RPMSG_LITE_ADDR_ANY,
				     RPMSG_LITE_NS_ADDR, NULL));
	EXPECT_EQ(-EADDRINUSE, rl_create(self->ctrl, "dup", self->src,
					 self->echo, &src));

	memset(&info, 0, sizeof(info));
	strcpy(info.name, "flags");
	info.src = RPMSG_LITE_ADDR_ANY;
	info.dst = self->echo;
	info.flags = 0x80;
	EXPECT_EQ(-1, ioctl(self->ctrl, RPMSG_LITE_IOC_CREATE_EPT, &info));
	EXPECT_EQ(EINVAL, errno);
	info.flags = 0;
	info.reserved[2] = 1;
	EXPECT_EQ(-1, ioctl(self->ctrl, RPMSG_LITE_IOC_CREATE_EPT, &info));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F_TIMEOUT(ept, wrong_struct_size_fails_einval, 60)
{
	char big[sizeof(struct rpmsg_lite_ept_info) + 8] = "sized";
	char small[16] = { 0 };

	EXPECT_EQ(-1, ioctl(self->ctrl,
			    _IOWR(RPMSG_LITE_IOC_MAGIC, 0x01, big), big));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd,
			    _IOR(RPMSG_LITE_IOC_MAGIC, 0x04, small), small));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->ctrl, _IOW(0xb5, 0x1, small), small));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F_TIMEOUT(ept, unknown_ioctl_fails_enotty, 60)
{
	__u32 v = 0;

	EXPECT_EQ(-1, ioctl(self->ctrl, _IOW(RPMSG_LITE_IOC_MAGIC, 0x7f, __u32), &v));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOW('Z', 0x01, __u32), &v));
	EXPECT_EQ(ENOTTY, errno);
	/* endpoint requests are not control requests */
	EXPECT_EQ(-1, ioctl(self->ctrl, RPMSG_LITE_IOC_SET_TX_TIMEOUT, &v));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F_TIMEOUT(ept, null_pointers_fail_efault, 60)
{
	EXPECT_EQ(-1, ioctl(self->ctrl, RPMSG_LITE_IOC_LINK_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, RPMSG_LITE_IOC_EPT_STATS, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, RPMSG_LITE_IOC_SENDTO, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->ctrl, RPMSG_LITE_IOC_DESTROY_EPT, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* a bad user pointer, hidden from the compiler's nonnull check */
	volatile uintptr_t bad = 0;

	EXPECT_EQ(-1, write(self->fd, (void *)bad, 4));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F_TIMEOUT(ept, destroy_of_an_unknown_index_fails_enoent, 60)
{
	EXPECT_EQ(-ENOENT, rl_destroy(self->ctrl, 1000));
}

TEST_F_TIMEOUT(ept, lookup_of_an_unannounced_name_fails_enoent, 60)
{
	__u32 addr;

	EXPECT_EQ(-ENOENT, rl_lookup(self->ctrl, "no-such-service", 0, &addr));
}

TEST_F_TIMEOUT(ept, destroy_with_fd_open_drains_then_gives_epipe_and_pollhup, 60)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN | POLLOUT };
	struct rpmsg_lite_ept_stats st;
	char buf[16], node[32];
	long long end = rl_now_ms() + REPLY_TIMEOUT_MS;

	ASSERT_EQ(3, write(self->fd, "abc", 3));
	for (;;) {	/* wait until the reply is queued */
		ASSERT_EQ(0, ept_stats(self->fd, &st));
		if (st.rx_queued || rl_now_ms() > end)
			break;
		usleep(1000);
	}
	ASSERT_EQ(1, st.rx_queued);

	ASSERT_EQ(0, rl_destroy(self->ctrl, self->index));
	snprintf(node, sizeof(node), "/dev/rpmsg_ept%d", self->index);
	self->index = -1;
	EXPECT_EQ(-1, access(node, F_OK));	/* the node is gone */

	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN | POLLHUP | POLLERR, pfd.revents);
	EXPECT_EQ(3, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, write(self->fd, "x", 1));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLHUP | POLLERR, pfd.revents);
	EXPECT_EQ(0, ept_stats(self->fd, &st));	/* still answers */
}

TEST_F_TIMEOUT(ept, destroy_from_the_endpoint_node_itself, 60)
{
	__u32 self_index = RPMSG_LITE_EPT_SELF;
	char buf[8];

	EXPECT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_DESTROY_EPT, &self_index));
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, ioctl(self->fd, RPMSG_LITE_IOC_DESTROY_EPT, &self_index));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-ENOENT, rl_destroy(self->ctrl, self->index));
	self->index = -1;
}

/*
 * A reader asleep on an empty queue wakes with EPIPE when its endpoint is
 * destroyed.  The child destroys it once it sees the reader sleeping in
 * read() (exit status 2 if it never does: it destroys it anyway so that
 * the read ends).
 */
TEST_F_TIMEOUT(ept, blocked_reader_is_woken_by_destroy_with_epipe, 60)
{
	int index = self->index, status, e;
	pid_t pid, reader = getpid();
	char buf[8];
	ssize_t n;

	self->index = -1;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int seen = rl_wait_blocked(reader, reader, SYS_read,
					   REPLY_TIMEOUT_MS);

		if (rl_destroy(self->ctrl, index))
			_exit(1);
		_exit(seen ? 2 : 0);
	}
	n = read(self->fd, buf, sizeof(buf));
	e = errno;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("1: DESTROY_EPT failed, 2: the read was never seen blocked");
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EPIPE, e);
}

TEST_F_TIMEOUT(ept, recreate_with_the_same_src_works_after_destroy, 60)
{
	__u32 src = self->src, got = 0;
	int index, fd;

	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, rl_destroy(self->ctrl, self->index));
	self->index = -1;

	index = rl_create(self->ctrl, "again", src, self->echo, &got);
	ASSERT_LE(0, index);
	EXPECT_EQ(src, got);
	fd = rl_open_ept(index, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, round_trip(fd, 32));
	close(fd);
	EXPECT_EQ(0, rl_destroy(self->ctrl, index));
}

TEST_F_TIMEOUT(ept, fixed_src_is_used_as_given, 60)
{
	__u32 got = 0;
	int index;

	index = rl_create(self->ctrl, "fixed", 200, self->echo, &got);
	ASSERT_LE(0, index);
	EXPECT_EQ(200, got);
	EXPECT_EQ(0, rl_destroy(self->ctrl, index));
}

TEST_F_TIMEOUT(ept, upstream_create_and_destroy_ioctls_work, 60)
{
	struct rpmsg_endpoint_info info = { .src = 300, .dst = self->echo };
	char dev[300], val[64];
	struct dirent *de;
	DIR *d;
	int fd = -1;

	strcpy(info.name, "upstream-compat");
	ASSERT_EQ(0, ioctl(self->ctrl, RPMSG_CREATE_EPT_IOCTL, &info));

	/* Find the node the way upstream tools do: by name and src in sysfs. */
	d = opendir(RL_CLASS_DIR);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "rpmsg_ept", 9))
			continue;
		if (rl_sysfs_read(de->d_name, "name", val, sizeof(val)) ||
		    strcmp(val, info.name))
			continue;
		if (rl_sysfs_read(de->d_name, "src", val, sizeof(val)) ||
		    strtoul(val, NULL, 0) != 300)
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", de->d_name);
		fd = open(dev, O_RDWR);
		break;
	}
	closedir(d);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, round_trip(fd, 12));
	EXPECT_EQ(0, ioctl(fd, RPMSG_DESTROY_EPT_IOCTL));
	EXPECT_EQ(-1, write(fd, "x", 1));
	EXPECT_EQ(EPIPE, errno);
	close(fd);
}

/* ---- batches: RPMSG_LITE_IOC_SEND_MSGS / RECV_MSGS ---- */

#define BATCH		32

static int send_msgs(int fd, struct rpmsg_lite_msg *m, __u32 n)
{
	struct rpmsg_lite_msgs req = { .msgs = (uintptr_t)m, .count = n };
	int ret = ioctl(fd, RPMSG_LITE_IOC_SEND_MSGS, &req);

	return ret < 0 ? -errno : ret;
}

static int recv_msgs(int fd, struct rpmsg_lite_msg *m, __u32 n)
{
	struct rpmsg_lite_msgs req = { .msgs = (uintptr_t)m, .count = n };
	int ret = ioctl(fd, RPMSG_LITE_IOC_RECV_MSGS, &req);

	return ret < 0 ? -errno : ret;
}

/* Wait until @n messages are queued for read(); 0 or -ETIMEDOUT. */
static int wait_queued(int fd, __u32 n)
{
	long long end = rl_now_ms() + REPLY_TIMEOUT_MS;
	struct rpmsg_lite_ept_stats st;

	do {
		if (ept_stats(fd, &st))
			return -errno;
		if (st.rx_queued >= n)
			return 0;
		usleep(5000);
	} while (rl_now_ms() < end);
	return -ETIMEDOUT;
}

TEST_F_TIMEOUT(ept, send_msgs_and_recv_msgs_carry_a_batch_in_order, 90)
{
	static unsigned char out[BATCH][64], in[2 * BATCH][64];
	struct rpmsg_lite_msg m[2 * BATCH];
	struct rpmsg_lite_ept_stats st;
	unsigned int i, got = 0, bytes = 0;
	int n;

	memset(m, 0, sizeof(m));
	for (i = 0; i < BATCH; i++) {
		fill(out[i], sizeof(out[i]), i);
		m[i].buf = (uintptr_t)out[i];
		m[i].len = 1 + i;	/* 1..BATCH bytes, told apart by size */
		m[i].addr = RPMSG_LITE_ADDR_ANY;	/* the node's dst */
		bytes += m[i].len;
	}
	ASSERT_EQ(BATCH, send_msgs(self->fd, m, BATCH));
	ASSERT_EQ(0, ept_stats(self->fd, &st));
	EXPECT_EQ(BATCH, st.tx_msgs);
	EXPECT_EQ(bytes, st.tx_bytes);

	while (got < BATCH) {
		struct pollfd pfd = { .fd = self->fd, .events = POLLIN };

		ASSERT_EQ(1, poll(&pfd, 1, REPLY_TIMEOUT_MS))
			TH_LOG("%u of %u echoes", got, BATCH);
		/* more room than messages: it takes what is queued */
		for (i = 0; i < 2 * BATCH; i++) {
			m[i].buf = (uintptr_t)in[i];
			m[i].len = sizeof(in[i]);
			m[i].addr = 0;
		}
		n = recv_msgs(self->fd, m, 2 * BATCH);
		ASSERT_LT(0, n) TH_LOG("RECV_MSGS: %s", strerror(-n));
		ASSERT_GE(BATCH - got, (unsigned int)n);
		for (i = 0; i < (unsigned int)n; i++, got++) {
			EXPECT_EQ(1 + got, m[i].len);
			EXPECT_EQ(self->echo, m[i].addr);
			EXPECT_EQ(0, memcmp(in[i], out[got], m[i].len))
				TH_LOG("echo %u", got);
		}
	}
	ASSERT_EQ(0, ept_stats(self->fd, &st));
	EXPECT_EQ(BATCH, st.rx_msgs);
	EXPECT_EQ(0, st.rx_queued);
	EXPECT_EQ(0, st.rx_dropped);
}

TEST_F_TIMEOUT(ept, batch_requests_with_bad_arguments_fail_and_send_nothing, 60)
{
	struct rpmsg_lite_msg m[2] = {
		{ .buf = (uintptr_t)"ab", .len = 2,
		  .addr = RPMSG_LITE_ADDR_ANY },
		{ .buf = (uintptr_t)"cd", .len = 2,
		  .addr = RPMSG_LITE_ADDR_ANY },
	};
	struct rpmsg_lite_msgs req = { .msgs = (uintptr_t)m, .count = 2 };
	struct rpmsg_lite_ept_stats st;
	unsigned long cmds[] = { RPMSG_LITE_IOC_SEND_MSGS,
				 RPMSG_LITE_IOC_RECV_MSGS };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		req.count = 0;
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], &req));
		EXPECT_EQ(EINVAL, errno);
		req.count = RPMSG_LITE_MAX_MSGS + 1;
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], &req));
		EXPECT_EQ(EINVAL, errno);
		req.count = 2;
		req.flags = 1;
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], &req));
		EXPECT_EQ(EINVAL, errno);
		req.flags = 0;
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], NULL));
		EXPECT_EQ(EFAULT, errno);
	}
	/* the array itself unreadable */
	req.msgs = 0;
	EXPECT_EQ(-1, ioctl(self->fd, RPMSG_LITE_IOC_SEND_MSGS, &req));
	EXPECT_EQ(EFAULT, errno);
	req.msgs = (uintptr_t)m;
	/* a reserved field set in the first entry */
	m[0].reserved = 1;
	EXPECT_EQ(-EINVAL, send_msgs(self->fd, m, 2));
	m[0].reserved = 0;
	/* the first message too large: its errno, as write() */
	m[0].len = self->payload + 1;
	EXPECT_EQ(-EMSGSIZE, send_msgs(self->fd, m, 2));
	/* the first payload unreadable */
	m[0].len = 2;
	m[0].buf = 0;
	EXPECT_EQ(-EFAULT, send_msgs(self->fd, m, 2));
	/* to the name service */
	m[0].buf = (uintptr_t)"ab";
	m[0].addr = RPMSG_LITE_NS_ADDR;
	EXPECT_EQ(-EINVAL, send_msgs(self->fd, m, 2));

	ASSERT_EQ(0, ept_stats(self->fd, &st));
	EXPECT_EQ(0, st.tx_msgs);
	/*
	 * Nothing was sent, so nothing comes back: a message sent now comes
	 * back first and alone (the echo service answers in order, and
	 * round_trip() fails on any other message), and the node works.
	 */
	ASSERT_EQ(0, round_trip(self->fd, 16));
	ASSERT_EQ(0, ept_stats(self->fd, &st));
	EXPECT_EQ(1, st.tx_msgs);
	EXPECT_EQ(1, st.rx_msgs);
	EXPECT_EQ(0, st.rx_queued);
}

TEST_F_TIMEOUT(ept, send_msgs_stops_at_the_first_bad_message, 60)
{
	unsigned char big[4096] = { 0 }, buf[64];
	struct rpmsg_lite_msg m[3] = {
		{ .buf = (uintptr_t)"one", .len = 3,
		  .addr = RPMSG_LITE_ADDR_ANY },
		{ .buf = (uintptr_t)big, .len = self->payload + 1,
		  .addr = RPMSG_LITE_ADDR_ANY },
		{ .buf = (uintptr_t)"three", .len = 5,
		  .addr = RPMSG_LITE_ADDR_ANY },
	};
	struct rpmsg_lite_ept_stats st;

	/* an oversize second message: the first is sent, then the batch ends */
	EXPECT_EQ(1, send_msgs(self->fd, m, 3));
	EXPECT_EQ(3, rl_read_reply(self->fd, buf, sizeof(buf), REPLY_TIMEOUT_MS));
	EXPECT_EQ(0, memcmp(buf, "one", 3));
	/* an unreadable second payload: the same */
	m[1].len = 4;
	m[1].buf = 0;
	EXPECT_EQ(1, send_msgs(self->fd, m, 3));
	EXPECT_EQ(3, rl_read_reply(self->fd, buf, sizeof(buf), REPLY_TIMEOUT_MS));
	EXPECT_EQ(0, memcmp(buf, "one", 3));
	/*
	 * "three" was never sent: the next echo is that of a marker sent
	 * after it (the echo service answers in order).
	 */
	ASSERT_EQ(4, write(self->fd, "mark", 4));
	EXPECT_EQ(4, rl_read_reply(self->fd, buf, sizeof(buf), REPLY_TIMEOUT_MS));
	EXPECT_EQ(0, memcmp(buf, "mark", 4));
	ASSERT_EQ(0, ept_stats(self->fd, &st));
	EXPECT_EQ(3, st.tx_msgs);
	EXPECT_EQ(10, st.tx_bytes);
	EXPECT_EQ(0, st.rx_queued);
}

TEST_F_TIMEOUT(ept, recv_msgs_keeps_a_message_too_large_for_its_entry, 60)
{
	unsigned char out[32], in[2][32];
	struct rpmsg_lite_msg m[2];
	struct rpmsg_lite_ept_stats st;

	fill(out, sizeof(out), 9);
	ASSERT_EQ(8, write(self->fd, out, 8));
	ASSERT_EQ(32, write(self->fd, out, 32));
	ASSERT_EQ(0, wait_queued(self->fd, 2));

	/* room for the first, not for the second: one taken, one kept */
	memset(m, 0, sizeof(m));
	m[0].buf = (uintptr_t)in[0];
	m[0].len = 16;
	m[1].buf = (uintptr_t)in[1];
	m[1].len = 16;
	EXPECT_EQ(1, recv_msgs(self->fd, m, 2));
	EXPECT_EQ(8, m[0].len);
	EXPECT_EQ(0, memcmp(in[0], out, 8));
	EXPECT_EQ(16, m[1].len);	/* untouched */
	/* now it is the first: its errno, and it still stays */
	m[0].len = 16;
	EXPECT_EQ(-EMSGSIZE, recv_msgs(self->fd, m, 2));
	ASSERT_EQ(0, ept_stats(self->fd, &st));
	EXPECT_EQ(1, st.rx_queued);
	/* an unwritable payload buffer: -EFAULT, and it still stays */
	m[0].buf = 0;
	m[0].len = 32;
	EXPECT_EQ(-EFAULT, recv_msgs(self->fd, m, 1));
	EXPECT_EQ(32, read(self->fd, in[1], sizeof(in[1])));
	EXPECT_EQ(0, memcmp(in[1], out, 32));
}

TEST_F_TIMEOUT(ept, nonblocking_recv_msgs_of_an_empty_queue_fails_eagain, 60)
{
	struct rpmsg_lite_msg m = { .len = 16 };
	char buf[16];
	int fd = rl_open_ept(self->index, O_RDWR | O_NONBLOCK);

	ASSERT_LE(0, fd);
	m.buf = (uintptr_t)buf;
	EXPECT_EQ(-EAGAIN, recv_msgs(fd, &m, 1));
	close(fd);
}

TEST_F_TIMEOUT(ept, send_msgs_uses_each_entry_destination, 60)
{
	struct rpmsg_lite_msg m = { .buf = (uintptr_t)"hello", .len = 5,
				    .addr = RPMSG_LITE_ADDR_ANY };
	char buf[16];
	int index, fd;

	fd = open_nodst(_metadata, self->ctrl, &index);
	ASSERT_LE(0, fd);
	/* no destination in the entry nor on the node */
	EXPECT_EQ(-EDESTADDRREQ, send_msgs(fd, &m, 1));
	m.addr = self->echo;
	EXPECT_EQ(1, send_msgs(fd, &m, 1));
	EXPECT_EQ(5, rl_read_reply(fd, buf, sizeof(buf), REPLY_TIMEOUT_MS));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	close(fd);
	EXPECT_EQ(0, rl_destroy(self->ctrl, index));
}

#define WRITERS		4
#define PER_WRITER	200

struct writer {
	int ctrl;
	__u32 echo;
	int id;
	int errors;
	char why[128];
};

/* Each thread: own endpoint, numbered messages, replies checked in order. */
static void *writer_thread(void *arg)
{
	struct writer *w = arg;
	unsigned int seq, next = 0, msg[2];
	char name[32];
	int index, fd;
	ssize_t n;

	snprintf(name, sizeof(name), "writer%d", w->id);
	index = rl_create(w->ctrl, name, RPMSG_LITE_ADDR_ANY, w->echo, NULL);
	if (index < 0) {
		snprintf(w->why, sizeof(w->why), "create: %s", strerror(-index));
		w->errors++;
		return NULL;
	}
	fd = rl_open_ept(index, O_RDWR);
	if (fd < 0) {
		snprintf(w->why, sizeof(w->why), "open: %s", strerror(errno));
		w->errors++;
		rl_destroy(w->ctrl, index);
		return NULL;
	}
	for (seq = 0; seq < PER_WRITER; seq++) {
		msg[0] = w->id;
		msg[1] = seq;
		if (write(fd, msg, sizeof(msg)) != sizeof(msg)) {
			snprintf(w->why, sizeof(w->why), "write %u: %s", seq,
				 strerror(errno));
			w->errors++;
			break;
		}
		/* keep at most 16 in flight so the rx queue never overflows */
		while (next + 16 <= seq + 1 || (seq == PER_WRITER - 1 &&
						 next < PER_WRITER)) {
			n = rl_read_reply(fd, msg, sizeof(msg), REPLY_TIMEOUT_MS);
			if (n != sizeof(msg) || msg[0] != (unsigned int)w->id ||
			    msg[1] != next) {
				snprintf(w->why, sizeof(w->why),
					 "reply %u: n=%zd id=%u seq=%u", next,
					 n, msg[0], msg[1]);
				w->errors++;
				seq = PER_WRITER;
				break;
			}
			next++;
		}
	}
	close(fd);
	rl_destroy(w->ctrl, index);
	return NULL;
}

TEST_F_TIMEOUT(ept, concurrent_writers_see_no_loss_duplication_or_reordering, 120)
{
	struct writer w[WRITERS];
	pthread_t thr[WRITERS];
	int i;

	for (i = 0; i < WRITERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].ctrl = self->ctrl;
		w[i].echo = self->echo;
		w[i].id = i;
		ASSERT_EQ(0, pthread_create(&thr[i], NULL, writer_thread, &w[i]));
	}
	for (i = 0; i < WRITERS; i++) {
		pthread_join(thr[i], NULL);
		EXPECT_EQ(0, w[i].errors) TH_LOG("writer %d: %s", i, w[i].why);
	}
}

struct shared_writer {
	int fd;
	int id;
	int errors;
};

static void *shared_write(void *arg)
{
	struct shared_writer *w = arg;
	unsigned int i, msg[2];

	for (i = 0; i < 50; i++) {
		msg[0] = w->id;
		msg[1] = i;
		if (write(w->fd, msg, sizeof(msg)) != sizeof(msg))
			w->errors++;
	}
	return NULL;
}

TEST_F_TIMEOUT(ept, writers_and_readers_sharing_one_fd_lose_nothing, 120)
{
	struct shared_writer w[WRITERS];
	unsigned int next[WRITERS] = { 0 }, msg[2];
	__u32 len = RPMSG_LITE_MAX_RX_QUEUE_LEN;
	pthread_t thr[WRITERS];
	int i, total = 0;

	ASSERT_EQ(0, ioctl(self->fd, RPMSG_LITE_IOC_SET_RX_QUEUE_LEN, &len));
	for (i = 0; i < WRITERS; i++) {
		w[i].fd = self->fd;
		w[i].id = i;
		w[i].errors = 0;
		ASSERT_EQ(0, pthread_create(&thr[i], NULL, shared_write, &w[i]));
	}
	while (total < WRITERS * 50) {
		ASSERT_EQ(sizeof(msg), rl_read_reply(self->fd, msg, sizeof(msg),
						     REPLY_TIMEOUT_MS));
		ASSERT_GT(WRITERS, msg[0]);
		/* per writer, replies come back in the order it wrote */
		EXPECT_EQ(next[msg[0]], msg[1]);
		next[msg[0]] = msg[1] + 1;
		total++;
	}
	for (i = 0; i < WRITERS; i++) {
		pthread_join(thr[i], NULL);
		EXPECT_EQ(0, w[i].errors);
	}
}

TEST_HARNESS_MAIN
