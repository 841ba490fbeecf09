// SPDX-License-Identifier: GPL-2.0
/*
 * rl_fault_test - processes and modules going away under the endpoint
 * nodes: a process killed while blocked in read() or busy in write(),
 * and rmmod of the loopback module while readers block and writers
 * write.  The loopback module is loaded again at the end so the guest
 * can unload everything.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "rl_char_util.h"
#include "kselftest_harness.h"

#define LOOPBACK_KO	"/rl/modules/rpmsg_lite_loopback.ko"
#define WRITERS		4
#define READERS		4

/* Wait until the single-threaded process @pid sleeps in read(). */
static int wait_sleeping(pid_t pid)
{
	return rl_wait_blocked(pid, pid, SYS_read, rl_scaled_ms(RL_WAIT_MS));
}

/* One message to the echo service and back through a new endpoint. */
static int round_trip(int ctrl, __u32 echo)
{
	char buf[16] = "";
	int index, fd, ret = -1;

	index = rl_create(ctrl, "probe", RPMSG_LITE_ADDR_ANY, echo, NULL);
	if (index < 0)
		return index;
	fd = rl_open_ept(index, O_RDWR);
	if (fd >= 0) {
		if (write(fd, "ping", 4) == 4 &&
		    rl_read_reply(fd, buf, sizeof(buf), rl_scaled_ms(RL_WAIT_MS)) == 4)
			ret = memcmp(buf, "ping", 4) ? -1 : 0;
		close(fd);
	}
	rl_destroy(ctrl, index);
	return ret;
}

static unsigned long slab_kb(void)
{
	char line[128];
	unsigned long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * No common set-up: the fixture only gives each test a time limit of its
 * own (TEST_F_TIMEOUT(); kselftest_harness.h of Linux 6.1 has no
 * TEST_TIMEOUT()).
 */
FIXTURE(fault) {};

FIXTURE_SETUP(fault)
{
}

FIXTURE_TEARDOWN(fault)
{
}

/*
 * 20 times: a child opens an endpoint and blocks in read() (or loops in
 * write()), and is killed with SIGKILL.  Afterwards the same endpoint
 * node still works and the link carries messages.
 */
TEST_F_TIMEOUT(fault, process_killed_while_blocked_leaves_the_node_working, 120)
{
	struct rpmsg_lite_ept_stats st;
	unsigned long slab0, slab1;
	char path[64], buf[512];
	int ctrl, index, quiet, fd, i, status;
	__u32 echo = 0;
	pid_t pid;

	ASSERT_EQ(0, rl_find_ctrl("master", path, sizeof(path)));
	ctrl = open(path, O_RDWR);
	ASSERT_LE(0, ctrl);
	ASSERT_EQ(0, rl_lookup_echo(ctrl, &echo));
	/* writers use the echo; readers an endpoint nothing ever reaches */
	index = rl_create(ctrl, "victim", RPMSG_LITE_ADDR_ANY, echo, NULL);
	ASSERT_LE(0, index);
	quiet = rl_create(ctrl, "quiet", RPMSG_LITE_ADDR_ANY, 0x7ff0, NULL);
	ASSERT_LE(0, quiet);
	slab0 = slab_kb();

	for (i = 0; i < 20; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			char cbuf[512] = "x";

			fd = rl_open_ept(i % 2 ? index : quiet, O_RDWR);
			if (fd < 0)
				_exit(1);
			if (i % 2)
				for (;;)
					write(fd, cbuf, sizeof(cbuf) - 16);
			read(fd, cbuf, sizeof(cbuf));
			_exit(2);	/* nothing was sent: must not return */
		}
		if (i % 2 == 0) {
			EXPECT_EQ(0, wait_sleeping(pid));
		} else {
			usleep(20000);
		}
		EXPECT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status));
		EXPECT_EQ(SIGKILL, WTERMSIG(status));
	}

	/* the node works: drain the writers' echoes, then a round trip */
	fd = rl_open_ept(index, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd);
	usleep(200000);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, ioctl(fd, RPMSG_LITE_IOC_EPT_STATS, &st));
	EXPECT_EQ(0, st.rx_queued);
	close(fd);
	fd = rl_open_ept(index, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "pong", 4));
	EXPECT_EQ(4, read(fd, buf, sizeof(buf)));
	close(fd);
	EXPECT_EQ(0, rl_destroy(ctrl, index));
	fd = rl_open_ept(quiet, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
	EXPECT_EQ(0, rl_destroy(ctrl, quiet));
	EXPECT_EQ(0, round_trip(ctrl, echo));
	slab1 = slab_kb();
	TH_LOG("slab %lu kB before the kills, %lu kB after", slab0, slab1);
	close(ctrl);
}

/**
 * struct worker - a thread on an endpoint node
 * @fd: the node
 * @writer: writes in a loop, else reads in a loop
 * @ops: calls that succeeded
 * @err: errno that ended the loop
 */
struct worker {
	int fd;
	bool writer;
	long ops;
	int err;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	char buf[496];

	memset(buf, 0x5a, sizeof(buf));
	for (;;) {
		ssize_t n = w->writer ? write(w->fd, buf, sizeof(buf)) :
					read(w->fd, buf, sizeof(buf));

		if (n < 0) {
			w->err = errno;
			return NULL;
		}
		w->ops++;
	}
}

/*
 * Readers block on endpoints nobody answers, writers keep the link busy;
 * then the loopback module goes away.  Every thread returns with EPIPE,
 * nothing hangs, and the module comes back with a working link.
 */
TEST_F_TIMEOUT(fault, rmmod_with_blocked_readers_and_busy_writers_returns_epipe, 120)
{
	struct worker w[WRITERS + READERS];
	pthread_t thr[WRITERS + READERS];
	char path[64];
	int ctrl, i, index;
	__u32 echo = 0, tmo = RPMSG_LITE_TIMEOUT_FOREVER;

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, rl_find_ctrl("master", path, sizeof(path)));
	ctrl = open(path, O_RDWR);
	ASSERT_LE(0, ctrl);
	ASSERT_EQ(0, rl_lookup_echo(ctrl, &echo));
	for (i = 0; i < WRITERS + READERS; i++) {
		bool writer = i < WRITERS;

		/* writers talk to the echo, readers to an address nobody has */
		index = rl_create(ctrl, writer ? "writer" : "reader",
				  RPMSG_LITE_ADDR_ANY, writer ? echo : 0x7ff0,
				  NULL);
		ASSERT_LE(0, index);
		w[i].fd = rl_open_ept(index, O_RDWR);
		ASSERT_LE(0, w[i].fd);
		ASSERT_EQ(0, ioctl(w[i].fd, RPMSG_LITE_IOC_SET_TX_TIMEOUT,
				   &tmo));
		w[i].writer = writer;
		w[i].ops = 0;
		w[i].err = 0;
		ASSERT_EQ(0, pthread_create(&thr[i], NULL, worker_fn, &w[i]));
	}
	usleep(300000);

	ASSERT_EQ(0, system("rmmod rpmsg_lite_loopback"));
	for (i = 0; i < WRITERS + READERS; i++) {
		pthread_join(thr[i], NULL);
		EXPECT_EQ(EPIPE, w[i].err);
		if (w[i].writer) {
			EXPECT_LT(0, w[i].ops);
		}
		close(w[i].fd);
	}
	close(ctrl);
	ASSERT_EQ(0, system("insmod " LOOPBACK_KO));

	ASSERT_EQ(0, rl_find_ctrl("master", path, sizeof(path)));
	ctrl = open(path, O_RDWR);
	ASSERT_LE(0, ctrl);
	ASSERT_EQ(0, rl_lookup_echo(ctrl, &echo));
	EXPECT_EQ(0, round_trip(ctrl, echo));
	close(ctrl);
}

TEST_HARNESS_MAIN
