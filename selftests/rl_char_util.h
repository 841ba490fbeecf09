/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_char_util.h - helpers of the rpmsg-lite character-device selftests:
 * find the control node of the loopback master link and the address of
 * the echo service its peer announced; scale deadlines to the speed of
 * the machine.
 */
#ifndef RL_CHAR_UTIL_H
#define RL_CHAR_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/rpmsg_lite.h>

#define RL_CLASS_DIR	"/sys/class/rpmsg_lite"
#define RL_ECHO_NAME	"rpmsg-lite-echo"
/* A bound on one wait for the peer (an answer, an announcement), nominal. */
#define RL_WAIT_MS	5000

/*
 * How slow the machine is, in percent of nominal speed: the environment
 * variable RL_TIME_SCALE (set by the test guest; 250: everything may take
 * 2.5 times as long), 100 when unset or not a number, clamped to
 * 100..2000.  errno is left alone.
 */
static inline int rl_time_scale(void)
{
	const char *v = getenv("RL_TIME_SCALE");
	int saved = errno;
	char *end;
	long s;

	if (!v || !*v)
		return 100;
	s = strtol(v, &end, 10);
	errno = saved;
	if (*end)
		return 100;
	if (s < 100)
		return 100;
	if (s > 2000)
		return 2000;
	return (int)s;
}

/*
 * @ms, a bound on a wait at nominal speed, scaled to this machine.  For
 * deadlines only: a delay that merely paces a test stays as it is.
 */
static inline int rl_scaled_ms(int ms)
{
	return (int)((long long)ms * rl_time_scale() / 100);
}

/*
 * Every test states its time limit (TEST_F_TIMEOUT(), in seconds): 60 to
 * 120 s, far above what a test takes at nominal speed and above its
 * scaled waits, where the harness's default of 30 s is not; a program
 * whose length is chosen by its environment (a fuzzer, a race) takes
 * longer.  Above them, the guest stops a whole program that runs past
 * its step limit (STEP_TIMEOUT of scripts/run-guest).
 */

static inline long long rl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Read a whole small file into buf without the trailing newline. */
static inline int rl_read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* Read a sysfs attribute of a class device, as rl_read_file() does. */
static inline int rl_sysfs_read(const char *dev, const char *attr,
				char *buf, size_t size)
{
	char path[600];

	snprintf(path, sizeof(path), RL_CLASS_DIR "/%s/%s", dev, attr);
	return rl_read_file(path, buf, size);
}

/*
 * Wait up to @timeout_ms until thread @tid of process @pid sleeps (state
 * S) inside system call @nr (the first field of
 * /proc/<pid>/task/<tid>/syscall): the positive sign that it reached the
 * wait a test is about, rather than a delay that hopes it did.
 * Return: 0, or -ETIMEDOUT.
 */
static inline int rl_wait_blocked(pid_t pid, pid_t tid, long nr,
				  int timeout_ms)
{
	long long end = rl_now_ms() + timeout_ms;
	char sc[64], st[64], buf[512], *p;

	snprintf(sc, sizeof(sc), "/proc/%d/task/%d/syscall", pid, tid);
	snprintf(st, sizeof(st), "/proc/%d/task/%d/stat", pid, tid);
	for (;;) {
		/* "<nr> <args>..." while in a call, else "running" or "-1 ..." */
		if (!rl_read_file(sc, buf, sizeof(buf)) &&
		    (buf[0] >= '0' && buf[0] <= '9') &&
		    strtol(buf, NULL, 10) == nr &&
		    !rl_read_file(st, buf, sizeof(buf))) {
			p = strrchr(buf, ')');
			if (p && p[1] == ' ' && p[2] == 'S')
				return 0;
		}
		if (rl_now_ms() > end)
			return -ETIMEDOUT;
		usleep(2000);
	}
}

static inline pid_t rl_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/**
 * struct rl_blocked_signal - send a signal to a thread once it blocks
 * @target: the thread to signal
 * @tid: its thread id
 * @nr: the system call it must be seen sleeping in
 * @sig: the signal
 * @timeout_ms: how long to wait for it to block
 * @ret: 0: it was seen blocked, then signalled; -ETIMEDOUT: it was never
 *       seen blocked within @timeout_ms and was signalled anyway (so that
 *       a call that blocks late still ends)
 * @thread: the thread that watches and signals
 */
struct rl_blocked_signal {
	pthread_t target;
	pid_t tid;
	long nr;
	int sig;
	int timeout_ms;
	int ret;
	pthread_t thread;
};

static inline void *rl_blocked_signal_fn(void *arg)
{
	struct rl_blocked_signal *b = arg;

	b->ret = rl_wait_blocked(getpid(), b->tid, b->nr, b->timeout_ms);
	pthread_kill(b->target, b->sig);
	return NULL;
}

/*
 * Start a thread that sends @sig to the calling thread once the caller
 * sleeps in system call @nr (waiting up to @timeout_ms); the caller then
 * makes that call, joins @b->thread and checks @b->ret.  0 or -errno.
 */
static inline int rl_signal_when_blocked(struct rl_blocked_signal *b,
					 long nr, int sig, int timeout_ms)
{
	b->target = pthread_self();
	b->tid = rl_gettid();
	b->nr = nr;
	b->sig = sig;
	b->timeout_ms = timeout_ms;
	b->ret = -EINPROGRESS;
	return -pthread_create(&b->thread, NULL, rl_blocked_signal_fn, b);
}

/* Path of the control node whose link has the given role ("master"). */
static inline int rl_find_ctrl(const char *role, char *path, size_t size)
{
	struct dirent *de;
	char val[64];
	DIR *d;
	int ret = -ENOENT;

	d = opendir(RL_CLASS_DIR);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "rpmsg_lite_ctrl", 15))
			continue;
		if (rl_sysfs_read(de->d_name, "role", val, sizeof(val)))
			continue;
		if (strcmp(val, role))
			continue;
		snprintf(path, size, "/dev/%.*s", 40, de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

/* Address the peer announced for name, waiting up to timeout_ms. */
static inline int rl_lookup(int fd, const char *name, unsigned int timeout_ms,
			    __u32 *addr)
{
	long long end = rl_now_ms() + timeout_ms;
	struct rpmsg_lite_service svc;

	for (;;) {
		memset(&svc, 0, sizeof(svc));
		snprintf(svc.name, sizeof(svc.name), "%s", name);
		if (!ioctl(fd, RPMSG_LITE_IOC_LOOKUP_SERVICE, &svc)) {
			*addr = svc.addr;
			return 0;
		}
		if (errno != ENOENT || rl_now_ms() > end)
			return -errno;
		usleep(10000);
	}
}

/* Address of the echo service, waiting up to RL_WAIT_MS (scaled). */
static inline int rl_lookup_echo(int fd, __u32 *addr)
{
	return rl_lookup(fd, RL_ECHO_NAME, rl_scaled_ms(RL_WAIT_MS), addr);
}

/*
 * Wait up to @timeout_ms for a message on @fd, then read it into @buf.
 * Return: its length (0: an empty message, which the ABI allows); or
 * -ETIMEDOUT when none came; -EPIPE when poll() reports a hang-up
 * (POLLHUP, POLLERR, POLLNVAL), even with a message still queued, so
 * that a node that hung up never passes for one that answered, and a
 * read() of 0 bytes at its end never for an empty message; else -errno
 * of poll() or read().  Callers compare the length they expect.
 */
static inline ssize_t rl_read_reply(int fd, void *buf, size_t len,
				    int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ETIMEDOUT;
	if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
		return -EPIPE;
	n = read(fd, buf, len);
	return n < 0 ? -errno : n;
}

/* Create an endpoint; returns its index or -errno. */
static inline int rl_create(int ctrl, const char *name, __u32 src, __u32 dst,
			    __u32 *src_out)
{
	struct rpmsg_lite_ept_info info;
	int ret;

	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "%s", name);
	info.src = src;
	info.dst = dst;
	ret = ioctl(ctrl, RPMSG_LITE_IOC_CREATE_EPT, &info);
	if (ret < 0)
		return -errno;
	if (src_out)
		*src_out = info.src;
	return ret;
}

static inline int rl_open_ept(int index, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/rpmsg_ept%d", index);
	return open(path, flags);
}

static inline int rl_destroy(int ctrl, __u32 index)
{
	return ioctl(ctrl, RPMSG_LITE_IOC_DESTROY_EPT, &index) ? -errno : 0;
}

/*
 * Messages the link of @ctrl has sent (@rx false) or delivered to its
 * endpoints (@rx true), from its LINK_INFO counters; -1 on error.
 */
static inline long long rl_link_msgs(int ctrl, int rx)
{
	struct rpmsg_lite_link_info li;

	if (ioctl(ctrl, RPMSG_LITE_IOC_LINK_INFO, &li))
		return -1;
	return rx ? (long long)li.stats.rx_msgs : (long long)li.stats.tx_msgs;
}

/*
 * Wait until rl_link_msgs(@ctrl, @rx) reaches @n, for at most RL_WAIT_MS
 * scaled by the guest's speed: 0, or -ETIMEDOUT.
 */
static inline int rl_wait_link_msgs(int ctrl, int rx, long long n)
{
	long long end = rl_now_ms() + rl_scaled_ms(RL_WAIT_MS);

	while (rl_link_msgs(ctrl, rx) < n) {
		if (rl_now_ms() > end)
			return -ETIMEDOUT;
		usleep(1000);
	}
	return 0;
}

#endif /* RL_CHAR_UTIL_H */
