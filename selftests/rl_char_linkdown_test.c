// SPDX-License-Identifier: GPL-2.0
/*
 * rl_char_linkdown_test - what open endpoint files see when their link is
 * removed underneath them (rmmod rpmsg_lite_loopback).  The loopback
 * module is loaded again at the end so the guest can unload everything.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/wait.h>

#include "rl_char_util.h"
#include "kselftest_harness.h"

#define LOOPBACK_KO	"/rl/modules/rpmsg_lite_loopback.ko"

/**
 * struct reader - a thread blocked in read()
 * @fd: the node it reads
 * @started: passed once @tid is set
 * @tid: its thread id
 * @err: errno of the read, 0 if it returned a message
 */
struct reader {
	int fd;
	pthread_barrier_t started;
	pid_t tid;
	int err;
};

static void *blocked_read(void *arg)
{
	struct reader *r = arg;
	char buf[16];
	ssize_t n;

	r->tid = rl_gettid();
	pthread_barrier_wait(&r->started);
	n = read(r->fd, buf, sizeof(buf));
	r->err = n < 0 ? errno : 0;
	return NULL;
}

/*
 * No common set-up: the fixture only gives each test a time limit of its
 * own (TEST_F_TIMEOUT(); kselftest_harness.h of Linux 6.1 has no
 * TEST_TIMEOUT()).
 */
FIXTURE(linkdown) {};

FIXTURE_SETUP(linkdown)
{
}

FIXTURE_TEARDOWN(linkdown)
{
}

TEST_F_TIMEOUT(linkdown, link_removal_gives_epipe_and_pollhup_to_open_files, 90)
{
	struct pollfd pfd = { .events = POLLIN | POLLOUT };
	struct rpmsg_lite_ept_stats st;
	struct rpmsg_lite_link_info li;
	struct reader rd;
	char path[64], buf[16];
	int ctrl, a, b, ia, ib;
	__u32 echo = 0;
	pthread_t thr;
	long long end;

	ASSERT_EQ(0, rl_find_ctrl("master", path, sizeof(path)));
	ctrl = open(path, O_RDWR);
	ASSERT_LE(0, ctrl);
	ASSERT_EQ(0, rl_lookup_echo(ctrl, &echo));
	ia = rl_create(ctrl, "linkdown-a", RPMSG_LITE_ADDR_ANY, echo, NULL);
	ib = rl_create(ctrl, "linkdown-b", RPMSG_LITE_ADDR_ANY, echo, NULL);
	ASSERT_LE(0, ia);
	ASSERT_LE(0, ib);
	a = rl_open_ept(ia, O_RDWR);
	b = rl_open_ept(ib, O_RDWR);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);

	/* a: one reply queued; b: a reader blocked on an empty queue */
	ASSERT_EQ(3, write(a, "abc", 3));
	end = rl_now_ms() + rl_scaled_ms(RL_WAIT_MS);
	for (;;) {
		ASSERT_EQ(0, ioctl(a, RPMSG_LITE_IOC_EPT_STATS, &st));
		if (st.rx_queued || rl_now_ms() > end)
			break;
		usleep(1000);
	}
	ASSERT_EQ(1, st.rx_queued);
	rd.fd = b;
	ASSERT_EQ(0, pthread_barrier_init(&rd.started, NULL, 2));
	ASSERT_EQ(0, pthread_create(&thr, NULL, blocked_read, &rd));
	pthread_barrier_wait(&rd.started);
	/* the link goes once the reader sleeps in read(), not before */
	ASSERT_EQ(0, rl_wait_blocked(getpid(), rd.tid, SYS_read,
				     rl_scaled_ms(RL_WAIT_MS)));

	ASSERT_EQ(0, system("rmmod rpmsg_lite_loopback"));

	pthread_join(thr, NULL);
	EXPECT_EQ(EPIPE, rd.err);

	pfd.fd = a;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN | POLLHUP | POLLERR, pfd.revents);
	EXPECT_EQ(3, read(a, buf, sizeof(buf)));	/* queued: delivered */
	EXPECT_EQ(-1, read(a, buf, sizeof(buf)));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, write(a, "x", 1));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, write(b, "x", 1));
	EXPECT_EQ(EPIPE, errno);

	ASSERT_EQ(0, ioctl(ctrl, RPMSG_LITE_IOC_LINK_INFO, &li));
	EXPECT_EQ(RPMSG_LITE_STATE_REMOVED, li.state);
	EXPECT_EQ(-1, access(path, F_OK));	/* control node gone */
	EXPECT_EQ(-ENODEV, rl_create(ctrl, "late", RPMSG_LITE_ADDR_ANY, echo,
				     NULL));

	close(a);
	close(b);
	close(ctrl);
	EXPECT_EQ(0, system("insmod " LOOPBACK_KO));
}

TEST_F_TIMEOUT(linkdown, reloaded_link_gets_a_working_control_node, 90)
{
	char path[64];
	int ctrl, index, fd;
	__u32 echo = 0;
	char buf[8];

	ASSERT_EQ(0, rl_find_ctrl("master", path, sizeof(path)));
	ctrl = open(path, O_RDWR);
	ASSERT_LE(0, ctrl);
	ASSERT_EQ(0, rl_lookup_echo(ctrl, &echo));
	index = rl_create(ctrl, "again", RPMSG_LITE_ADDR_ANY, echo, NULL);
	ASSERT_LE(0, index);
	fd = rl_open_ept(index, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(2, write(fd, "hi", 2));
	EXPECT_EQ(2, rl_read_reply(fd, buf, sizeof(buf), rl_scaled_ms(RL_WAIT_MS)));
	EXPECT_EQ(0, memcmp(buf, "hi", 2));
	close(fd);
	EXPECT_EQ(0, rl_destroy(ctrl, index));
	close(ctrl);
}

TEST_HARNESS_MAIN
