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
/* Bytes of each message the killed writers send */
#define WRITE_LEN	496
/* Messages a writer is seen to send before it is killed */
#define WRITE_RUN	64
/*
 * Most the settled slab (slab_kb()) may grow across the kills, in kB.
 * Measured on the KASAN test kernel: -40 to +84 kB in seven runs.  The
 * ten writers send at least 640 messages (WRITE_RUN each; 1000 to 1500
 * in practice), each echo queued for read() in a kmalloc of about 1 KiB
 * and freed when read or dropped: echoes never freed would grow it past
 * 600 kB.  Smaller leaks (a few hundred bytes per killed process) are
 * kmemleak's to find (make check-debug).
 */
#define SLAB_GROWTH_KB	512

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

/* Best effort: a knob that is missing or refuses changes nothing. */
static void write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return;
	write(fd, val, strlen(val));
	close(fd);
}

/*
 * Slab memory in use (kB, 0 if unknown) once what is merely cached is
 * given back, so that two readings differ by what was allocated and not
 * freed in between: dentries and inodes dropped (drop_caches, if the
 * kernel has sysctls) and every cache shrunk (/sys/kernel/slab/<cache>/
 * shrink), which empties its per-CPU slabs and takes its objects out of
 * KASAN's quarantine of freed memory.
 */
static unsigned long slab_kb(void)
{
	char line[300];
	unsigned long kb = 0;
	struct dirent *de;
	FILE *f;
	DIR *d;

	write_str("/proc/sys/vm/drop_caches", "2");
	d = opendir("/sys/kernel/slab");
	while (d && (de = readdir(d))) {
		/* aliases of a merged cache are symbolic links */
		if (de->d_name[0] == '.' || de->d_type == DT_LNK)
			continue;
		snprintf(line, sizeof(line), "/sys/kernel/slab/%s/shrink",
			 de->d_name);
		write_str(line, "1");
	}
	if (d)
		closedir(d);
	f = fopen("/proc/meminfo", "r");
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
 * write()), and is killed with SIGKILL once it is seen sleeping in read()
 * (or once its messages flow).  Afterwards the same endpoint node still
 * works and the link carries messages.
 */
TEST_F_TIMEOUT(fault, process_killed_while_blocked_leaves_the_node_working, 120)
{
	struct rpmsg_lite_ept_stats st;
	unsigned long slab0, slab1;
	long growth;
	char path[64], buf[512];
	int ctrl, index, quiet, fd, i, status;
	__u32 echo = 0, qlen = RPMSG_LITE_MAX_RX_QUEUE_LEN;
	long long tx0, echoes = 0;
	ssize_t n;
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
	/* room for every echo the writers cause, so the marker's is kept */
	fd = rl_open_ept(index, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, RPMSG_LITE_IOC_SET_RX_QUEUE_LEN, &qlen));
	close(fd);
	slab0 = slab_kb();

	for (i = 0; i < 20; i++) {
		tx0 = rl_link_msgs(ctrl, 0);
		ASSERT_LE(0, tx0);
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			char cbuf[512] = "x";

			fd = rl_open_ept(i % 2 ? index : quiet, O_RDWR);
			if (fd < 0)
				_exit(1);
			if (i % 2)
				for (;;)
					write(fd, cbuf, WRITE_LEN);
			read(fd, cbuf, sizeof(cbuf));
			_exit(2);	/* nothing was sent: must not return */
		}
		/* braces: the harness's EXPECT is two statements */
		if (i % 2 == 0) {
			EXPECT_EQ(0, wait_sleeping(pid));
		} else {
			EXPECT_EQ(0, rl_wait_link_msgs(ctrl, 0, tx0 + WRITE_RUN));
		}
		EXPECT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status));
		EXPECT_EQ(SIGKILL, WTERMSIG(status));
	}

	/*
	 * The node works: a marker written after every message of the
	 * killed writers comes back after all their echoes (the echo
	 * service answers in order), so what is read before it is theirs,
	 * and once it is read nothing is left behind.  No delay guesses
	 * when the echoes are over.
	 */
	fd = rl_open_ept(index, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "pong", 4));
	for (;;) {
		n = rl_read_reply(fd, buf, sizeof(buf),
				  rl_scaled_ms(RL_WAIT_MS));
		if (n != WRITE_LEN)
			break;
		echoes++;
	}
	ASSERT_EQ(4, n) TH_LOG("after %lld echoes of the writers", echoes);
	EXPECT_EQ(0, memcmp(buf, "pong", 4));
	ASSERT_EQ(0, ioctl(fd, RPMSG_LITE_IOC_EPT_STATS, &st));
	EXPECT_EQ(0, st.rx_queued);
	EXPECT_GE(st.tx_msgs, echoes + 1);
	close(fd);
	TH_LOG("%lld echoes of the killed writers before the marker, %llu dropped",
	       echoes, (unsigned long long)st.rx_dropped);
	EXPECT_EQ(0, rl_destroy(ctrl, index));
	fd = rl_open_ept(quiet, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
	EXPECT_EQ(0, rl_destroy(ctrl, quiet));
	EXPECT_EQ(0, round_trip(ctrl, echo));
	slab1 = slab_kb();
	/* 0 when the kernel does not say: then there is nothing to check */
	growth = slab0 && slab1 ? (long)(slab1 - slab0) : 0;
	TH_LOG("slab %lu kB before the kills, %lu kB after (%+ld kB)", slab0,
	       slab1, growth);
	EXPECT_GE(SLAB_GROWTH_KB, growth);
	close(ctrl);
}

/**
 * struct worker - a thread on an endpoint node
 * @fd: the node
 * @writer: writes in a loop, else reads in a loop
 * @started: passed by every worker and the test once @tid is set
 * @tid: its thread id
 * @ops: calls that succeeded (atomic: the test watches it)
 * @err: errno that ended the loop
 */
struct worker {
	int fd;
	bool writer;
	pthread_barrier_t *started;
	pid_t tid;
	long ops;
	int err;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	char buf[496];

	memset(buf, 0x5a, sizeof(buf));
	w->tid = rl_gettid();
	pthread_barrier_wait(w->started);
	for (;;) {
		ssize_t n = w->writer ? write(w->fd, buf, sizeof(buf)) :
					read(w->fd, buf, sizeof(buf));

		if (n < 0) {
			w->err = errno;
			return NULL;
		}
		__atomic_add_fetch(&w->ops, 1, __ATOMIC_RELAXED);
	}
}

/*
 * Wait until every reader sleeps in read() and every writer got a
 * message through: 0, or -ETIMEDOUT.
 */
static int wait_workers_busy(struct worker *w, int n)
{
	long long end = rl_now_ms() + rl_scaled_ms(RL_WAIT_MS);
	int i;

	for (i = 0; i < n; i++) {
		if (!w[i].writer) {
			if (rl_wait_blocked(getpid(), w[i].tid, SYS_read,
					    end - rl_now_ms()))
				return -ETIMEDOUT;
			continue;
		}
		while (!__atomic_load_n(&w[i].ops, __ATOMIC_RELAXED)) {
			if (rl_now_ms() > end)
				return -ETIMEDOUT;
			usleep(1000);
		}
	}
	return 0;
}

/*
 * Readers block on endpoints nobody answers, writers keep the link busy;
 * then, once every reader is seen asleep in read() and every writer has
 * sent, the loopback module goes away.  Every thread returns with EPIPE,
 * nothing hangs, and the module comes back with a working link.
 */
TEST_F_TIMEOUT(fault, rmmod_with_blocked_readers_and_busy_writers_returns_epipe, 120)
{
	struct worker w[WRITERS + READERS];
	pthread_t thr[WRITERS + READERS];
	pthread_barrier_t started;
	char path[64];
	int ctrl, i, index;
	__u32 echo = 0, tmo = RPMSG_LITE_TIMEOUT_FOREVER;

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, rl_find_ctrl("master", path, sizeof(path)));
	ctrl = open(path, O_RDWR);
	ASSERT_LE(0, ctrl);
	ASSERT_EQ(0, rl_lookup_echo(ctrl, &echo));
	ASSERT_EQ(0, pthread_barrier_init(&started, NULL,
					  WRITERS + READERS + 1));
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
		w[i].started = &started;
		w[i].ops = 0;
		w[i].err = 0;
		ASSERT_EQ(0, pthread_create(&thr[i], NULL, worker_fn, &w[i]));
	}
	pthread_barrier_wait(&started);
	ASSERT_EQ(0, wait_workers_busy(w, WRITERS + READERS));

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
