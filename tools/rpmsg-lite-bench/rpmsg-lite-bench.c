// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite-bench - user-space benchmarks of the rpmsg-lite character
 * devices, each with a baseline measured by the same program in the same
 * system (used by `make bench`, scripts/guest/bench.sh):
 *
 *   rtt <ctrl> [--service NAME] [--size N] [--count N]
 *       round trips through /dev/rpmsg_eptN to an echo service
 *   pipe-rtt [--size N] [--count N]
 *       the same round trips to a child process through two pipes
 *   stream <tx ctrl> <rx ctrl> [--size N] [--count N] [--batch N]
 *       one-way stream from an endpoint of one link to a reader process on
 *       an endpoint of the other link; with --batch, N messages per
 *       RPMSG_LITE_IOC_SEND_MSGS and up to N per RPMSG_LITE_IOC_RECV_MSGS
 *   pipe-stream [--size N] [--count N]
 *       the same stream through a pipe
 *   upstream-stream <rpmsg_ctrl> <rx ctrl> [--size N] [--count N]
 *       the stream of "stream" with the upstream stack as the sender: an
 *       endpoint created on the upstream control node /dev/rpmsg_ctrlN
 *       (RPMSG_CREATE_EPT_IOCTL), written through its /dev/rpmsgN, to a
 *       reader process on an endpoint of the rpmsg-lite link <rx ctrl>
 *       (the remote that the upstream master talks to); upstream has no
 *       batch call, so --batch only batches the reader
 *   upstream-mem <rpmsg_ctrl> [--count N]
 *       slab memory per endpoint created through the upstream control node
 *   mem <ctrl> [--count N]
 *       slab memory per endpoint created through the control node
 *   slab
 *       slab bytes in use now (from /proc/slabinfo)
 *
 * Output: one "result test=... key=value ..." line per measurement and,
 * for latencies (nanoseconds), a "hist name=... low:count ..." line.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/rpmsg.h>
#include <linux/rpmsg_lite.h>

#define MAX_MSG		65536
#define HIST_SUB_BITS	3

static unsigned long opt_size = 16, opt_count = 1000, opt_batch = 1;
static const char *opt_service = "rpmsg-lite-echo";
static const char *opt_name;

static void die(const char *what)
{
	fprintf(stderr, "rpmsg-lite-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t bucket(uint32_t v)
{
	uint32_t msb;

	if (v < (1U << HIST_SUB_BITS))
		return v;
	msb = 31 - __builtin_clz(v);
	return ((msb - HIST_SUB_BITS + 1) << HIST_SUB_BITS) |
	       ((v >> (msb - HIST_SUB_BITS)) & ((1U << HIST_SUB_BITS) - 1));
}

static uint32_t bucket_low(uint32_t b)
{
	uint32_t e = b >> HIST_SUB_BITS, m = b & ((1U << HIST_SUB_BITS) - 1);

	return e ? ((1U << HIST_SUB_BITS) | m) << (e - 1) : m;
}

static uint32_t pct(const uint32_t *s, unsigned long n, unsigned int permille)
{
	unsigned long i = n * permille / 1000;

	return s[i < n ? i : n - 1];
}

/* Finish a result line with percentiles, print the histogram line. */
static void print_latency(const char *name, uint32_t *s, unsigned long n)
{
	uint32_t cur = UINT32_MAX, cnt = 0, b;
	unsigned long i;

	qsort(s, n, sizeof(*s), cmp_u32);
	printf(" lat_p50=%u lat_p90=%u lat_p99=%u lat_p999=%u lat_max=%u\n",
	       pct(s, n, 500), pct(s, n, 900), pct(s, n, 990),
	       pct(s, n, 999), s[n - 1]);
	printf("hist name=%s", name);
	for (i = 0; i < n; i++) {
		b = bucket(s[i]);
		if (b != cur) {
			if (cnt)
				printf(" %u:%u", bucket_low(cur), cnt);
			cur = b;
			cnt = 0;
		}
		cnt++;
	}
	printf(" %u:%u\n", bucket_low(cur), cnt);
}

static uint32_t clamp_ns(long long v)
{
	return v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		p += n;
		len -= n;
	}
}

/* Read exactly @len bytes of a byte stream; 0 at end of file. */
static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read");
		if (!n)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

static const char *ctrl_path(const char *arg, char *buf, size_t n)
{
	char *end;

	strtoul(arg, &end, 10);
	if (*arg && !*end) {
		snprintf(buf, n, "/dev/rpmsg_lite_ctrl%s", arg);
		return buf;
	}
	return arg;
}

/* Create an endpoint on control node @cfd; returns its node's fd. */
static int ept_create(int cfd, const char *name, uint32_t dst, uint32_t *src,
		      uint32_t *index)
{
	struct rpmsg_lite_ept_info info = {
		.src = RPMSG_LITE_ADDR_ANY, .dst = dst,
	};
	char path[64];
	int fd;

	snprintf(info.name, sizeof(info.name), "%s", name);
	if (ioctl(cfd, RPMSG_LITE_IOC_CREATE_EPT, &info) < 0)
		die("create endpoint");
	snprintf(path, sizeof(path), "/dev/rpmsg_ept%u", info.index);
	fd = open(path, O_RDWR);
	if (fd < 0)
		die(path);
	if (src)
		*src = info.src;
	if (index)
		*index = info.index;
	return fd;
}

static void ept_destroy(int fd)
{
	uint32_t self = RPMSG_LITE_EPT_SELF;

	if (ioctl(fd, RPMSG_LITE_IOC_DESTROY_EPT, &self) < 0)
		die("destroy endpoint");
	close(fd);
}

static uint64_t kicks_out(int fd)
{
	struct rpmsg_lite_link_info li;

	if (ioctl(fd, RPMSG_LITE_IOC_LINK_INFO, &li) < 0)
		die("link info");
	return li.stats.kicks_out;
}

static uint64_t kicks_in(int fd)
{
	struct rpmsg_lite_link_info li;

	if (ioctl(fd, RPMSG_LITE_IOC_LINK_INFO, &li) < 0)
		die("link info");
	return li.stats.kicks_in;
}

/* ---- round trips ---- */

static int cmd_rtt(const char *ctrl)
{
	static unsigned char out[MAX_MSG], in[MAX_MSG];
	struct rpmsg_lite_service svc = {};
	unsigned long i, warm = opt_count / 10 + 1;
	uint32_t *lat;
	char p[64];
	long long t0;
	int cfd, fd;
	ssize_t n;

	cfd = open(ctrl_path(ctrl, p, sizeof(p)), O_RDWR);
	if (cfd < 0)
		die(p);
	snprintf(svc.name, sizeof(svc.name), "%s", opt_service);
	if (ioctl(cfd, RPMSG_LITE_IOC_LOOKUP_SERVICE, &svc) < 0)
		die("lookup service");
	fd = ept_create(cfd, "bench-rtt", svc.addr, NULL, NULL);
	lat = calloc(opt_count, sizeof(*lat));
	if (!lat)
		die("calloc");
	memset(out, 0x5a, opt_size);
	for (i = 0; i < warm + opt_count; i++) {
		t0 = now_ns();
		if (write(fd, out, opt_size) != (ssize_t)opt_size)
			die("write");
		n = read(fd, in, sizeof(in));
		if (n != (ssize_t)opt_size)
			die("read (short reply)");
		if (i >= warm)
			lat[i - warm] = clamp_ns(now_ns() - t0);
	}
	printf("result test=dev_rtt name=%s size=%lu count=%lu", opt_name,
	       opt_size, opt_count);
	print_latency(opt_name, lat, opt_count);
	ept_destroy(fd);
	close(cfd);
	free(lat);
	return 0;
}

static int cmd_pipe_rtt(void)
{
	static unsigned char out[MAX_MSG], in[MAX_MSG];
	unsigned long i, warm = opt_count / 10 + 1;
	int to[2], from[2];
	uint32_t *lat;
	long long t0;
	pid_t pid;

	if (pipe(to) || pipe(from))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(to[1]);
		close(from[0]);
		while (read_all(to[0], in, opt_size))
			write_all(from[1], in, opt_size);
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	lat = calloc(opt_count, sizeof(*lat));
	if (!lat)
		die("calloc");
	memset(out, 0x5a, opt_size);
	for (i = 0; i < warm + opt_count; i++) {
		t0 = now_ns();
		write_all(to[1], out, opt_size);
		if (!read_all(from[0], in, opt_size))
			die("pipe echo ended");
		if (i >= warm)
			lat[i - warm] = clamp_ns(now_ns() - t0);
	}
	close(to[1]);
	waitpid(pid, NULL, 0);
	printf("result test=pipe_rtt name=%s size=%lu count=%lu", opt_name,
	       opt_size, opt_count);
	print_latency(opt_name, lat, opt_count);
	free(lat);
	return 0;
}

/* ---- streams ---- */

static struct rpmsg_lite_msg batch[RPMSG_LITE_MAX_MSGS];

/* Entries for --batch messages of --size bytes from/into @buf. */
static void batch_init(unsigned char *buf)
{
	unsigned long i;

	for (i = 0; i < opt_batch; i++)
		batch[i] = (struct rpmsg_lite_msg) {
			.buf = (uintptr_t)buf, .len = opt_size,
			.addr = RPMSG_LITE_ADDR_ANY,
		};
}

/* Up to --batch messages in one RECV_MSGS; how many came. */
static int recv_batch(int fd)
{
	static unsigned char in[MAX_MSG];
	struct rpmsg_lite_msgs req = {
		.msgs = (uintptr_t)batch, .count = opt_batch,
	};
	int n;

	/* each call overwrites len: room again, for every entry */
	for (n = 0; n < (int)opt_batch; n++)
		batch[n] = (struct rpmsg_lite_msg) {
			.buf = (uintptr_t)in, .len = sizeof(in),
		};
	n = ioctl(fd, RPMSG_LITE_IOC_RECV_MSGS, &req);
	if (n < 0)
		die("RPMSG_LITE_IOC_RECV_MSGS");
	return n;
}

/* @count messages from @buf, --batch per SEND_MSGS. */
static void send_batches(int fd, unsigned char *buf, unsigned long count)
{
	struct rpmsg_lite_msgs req = { .msgs = (uintptr_t)batch };
	int n;

	batch_init(buf);
	while (count) {
		req.count = count < opt_batch ? count : opt_batch;
		n = ioctl(fd, RPMSG_LITE_IOC_SEND_MSGS, &req);
		if (n <= 0)
			die("RPMSG_LITE_IOC_SEND_MSGS");
		count -= n;
	}
}

/*
 * Reader of a stream: reads until @count messages or 500 ms of silence,
 * then writes (received, last arrival time) to @res.
 */
static void stream_reader(int fd, int res, int message_fd)
{
	static unsigned char in[MAX_MSG];
	long long last = 0, got = 0, r[2];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while ((unsigned long)got < opt_count) {
		if (poll(&pfd, 1, 500) <= 0)
			break;
		if (message_fd && opt_batch > 1) {
			n = recv_batch(fd);
		} else if (message_fd) {
			n = read(fd, in, sizeof(in));
			if (n < 0)
				die("read");
			n = 1;
		} else if (read_all(fd, in, opt_size)) {
			n = 1;
		} else {
			break;
		}
		got += n;
		last = now_ns();
	}
	r[0] = got;
	r[1] = last;
	write_all(res, r, sizeof(r));
	_exit(0);
}

static void stream_report(const char *test, long long t0, int res,
			  unsigned long kicks, int have_kicks)
{
	long long r[2], el;

	if (!read_all(res, r, sizeof(r)))
		die("stream reader ended without a result");
	el = r[1] - t0;
	if (el <= 0)
		el = 1;
	printf("result test=%s name=%s size=%lu count=%lu batch=%lu received=%lld elapsed_ns=%lld msgs_per_s=%lld ns_per_msg=%lld",
	       test, opt_name, opt_size, opt_count, opt_batch, r[0], el,
	       r[0] * 1000000000LL / el, r[0] ? el / r[0] : 0);
	if (have_kicks)
		printf(" kicks_out=%lu", kicks);
	printf("\n");
}

/* A reader endpoint on the control node @rcfd; its address in *@src. */
static int sink_create(int rcfd, uint32_t *src)
{
	uint32_t qlen = RPMSG_LITE_MAX_RX_QUEUE_LEN;
	int rfd;

	rfd = ept_create(rcfd, "bench-sink", RPMSG_LITE_ADDR_ANY, src, NULL);
	if (ioctl(rfd, RPMSG_LITE_IOC_SET_RX_QUEUE_LEN, &qlen) < 0)
		die("set rx queue length");
	return rfd;
}

/*
 * Write the stream into @tfd while a child reads it from @rfd, then report
 * it as @label with the kicks @kicks counts on @kfd meanwhile.
 */
static void stream_through(const char *label, int tfd, int rfd,
			   uint64_t (*kicks)(int fd), int kfd, int tx_batch)
{
	static unsigned char out[MAX_MSG];
	int res[2];
	unsigned long i;
	uint64_t k0;
	long long t0;
	pid_t pid;

	if (pipe(res))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(res[0]);
		stream_reader(rfd, res[1], 1);
	}
	close(res[1]);
	memset(out, 0x5a, opt_size);
	k0 = kicks(kfd);
	t0 = now_ns();
	if (tx_batch && opt_batch > 1)
		send_batches(tfd, out, opt_count);
	else
		for (i = 0; i < opt_count; i++)
			if (write(tfd, out, opt_size) != (ssize_t)opt_size)
				die("write");
	stream_report(label, t0, res[0], kicks(kfd) - k0, 1);
	waitpid(pid, NULL, 0);
	close(res[0]);
}

static int cmd_stream(const char *txc, const char *rxc)
{
	int tcfd, rcfd, tfd, rfd;
	char p1[64], p2[64];
	uint32_t rx_src;

	tcfd = open(ctrl_path(txc, p1, sizeof(p1)), O_RDWR);
	rcfd = open(ctrl_path(rxc, p2, sizeof(p2)), O_RDWR);
	if (tcfd < 0 || rcfd < 0)
		die("control node");
	rfd = sink_create(rcfd, &rx_src);
	tfd = ept_create(tcfd, "bench-source", rx_src, NULL, NULL);
	/* the sender's kicks */
	stream_through("dev_stream", tfd, rfd, kicks_out, tfd, 1);
	ept_destroy(tfd);
	ept_destroy(rfd);
	close(tcfd);
	close(rcfd);
	return 0;
}

/* First line of a sysfs attribute into @buf; "" when unreadable. */
static void read_attr(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (!fgets(buf, n, f))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

/*
 * Endpoint @name -> @dst on the upstream control node @cfd: create it and
 * open its /dev/rpmsgN, found through the class device's name and dst.
 */
static int upstream_ept_create(int cfd, const char *name, uint32_t dst)
{
	struct rpmsg_endpoint_info info = { .src = RPMSG_ADDR_ANY, .dst = dst };
	char path[96], val[64], want[16];
	int i, fd;

	snprintf(info.name, sizeof(info.name), "%s", name);
	if (ioctl(cfd, RPMSG_CREATE_EPT_IOCTL, &info) < 0)
		die("upstream create endpoint");
	snprintf(want, sizeof(want), "%u", dst);
	for (i = 0; i < 256; i++) {
		snprintf(path, sizeof(path), "/sys/class/rpmsg/rpmsg%d/name", i);
		read_attr(path, val, sizeof(val));
		if (strcmp(val, name))
			continue;
		snprintf(path, sizeof(path), "/sys/class/rpmsg/rpmsg%d/dst", i);
		read_attr(path, val, sizeof(val));
		if (strcmp(val, want))
			continue;
		snprintf(path, sizeof(path), "/dev/rpmsg%d", i);
		fd = open(path, O_RDWR);
		if (fd < 0)
			die(path);
		return fd;
	}
	errno = ENOENT;
	die("no /dev/rpmsgN for the upstream endpoint");
	return -1;
}

static int cmd_upstream_stream(const char *uctrl, const char *rxc)
{
	int ucfd, rcfd, tfd, rfd;
	uint32_t rx_src;
	char p[64];

	ucfd = open(uctrl, O_RDWR);
	if (ucfd < 0)
		die(uctrl);
	rcfd = open(ctrl_path(rxc, p, sizeof(p)), O_RDWR);
	if (rcfd < 0)
		die(p);
	rfd = sink_create(rcfd, &rx_src);
	tfd = upstream_ept_create(ucfd, "bench-upstream", rx_src);
	/* the sender's kicks: each one reaches the receiving link once */
	stream_through("upstream_dev_stream", tfd, rfd, kicks_in, rfd, 0);
	if (ioctl(tfd, RPMSG_DESTROY_EPT_IOCTL) < 0)
		die("upstream destroy endpoint");
	close(tfd);
	ept_destroy(rfd);
	close(ucfd);
	close(rcfd);
	return 0;
}

static int cmd_pipe_stream(void)
{
	static unsigned char out[MAX_MSG];
	int data[2], res[2];
	unsigned long i;
	long long t0;
	pid_t pid;

	if (pipe(data) || pipe(res))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(data[1]);
		close(res[0]);
		stream_reader(data[0], res[1], 0);
	}
	close(data[0]);
	close(res[1]);
	memset(out, 0x5a, opt_size);
	t0 = now_ns();
	for (i = 0; i < opt_count; i++)
		write_all(data[1], out, opt_size);
	stream_report("pipe_stream", t0, res[0], 0, 0);
	close(data[1]);
	waitpid(pid, NULL, 0);
	return 0;
}

/* ---- memory ---- */

/* Bytes of slab pages in use, summed over /proc/slabinfo. */
static long long slab_bytes(void)
{
	long long total = 0, pagesize = sysconf(_SC_PAGESIZE);
	unsigned long active, objs, objsize, perslab, pps, slabs;
	char line[512], name[128];
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		die("/proc/slabinfo");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lu %lu %lu %lu %lu : tunables %*u %*u %*u : slabdata %*u %lu",
			   name, &active, &objs, &objsize, &perslab, &pps,
			   &slabs) == 7)
			total += (long long)slabs * pps * pagesize;
	}
	fclose(f);
	return total;
}

static int cmd_slab(void)
{
	printf("%lld\n", slab_bytes());
	return 0;
}

static int cmd_mem(const char *ctrl)
{
	unsigned long i, n = opt_count;
	long long before, after;
	uint32_t *idx;
	char p[64];
	int cfd, fd;

	cfd = open(ctrl_path(ctrl, p, sizeof(p)), O_RDWR);
	if (cfd < 0)
		die(p);
	idx = calloc(n, sizeof(*idx));
	if (!idx)
		die("calloc");
	/* one endpoint first: caches and the class directory exist */
	fd = ept_create(cfd, "bench-mem", RPMSG_LITE_ADDR_ANY, NULL, NULL);
	ept_destroy(fd);
	sync();
	before = slab_bytes();
	for (i = 0; i < n; i++) {
		struct rpmsg_lite_ept_info info = {
			.src = RPMSG_LITE_ADDR_ANY, .dst = RPMSG_LITE_ADDR_ANY,
		};

		snprintf(info.name, sizeof(info.name), "bench-mem%lu", i);
		if (ioctl(cfd, RPMSG_LITE_IOC_CREATE_EPT, &info) < 0)
			die("create endpoint");
		idx[i] = info.index;
	}
	after = slab_bytes();
	for (i = 0; i < n; i++)
		if (ioctl(cfd, RPMSG_LITE_IOC_DESTROY_EPT, &idx[i]) < 0)
			die("destroy endpoint");
	printf("result test=dev_mem name=%s eps=%lu slab_before=%lld slab_after=%lld bytes_per_ept=%lld\n",
	       opt_name, n, before, after, (after - before) / (long long)n);
	free(idx);
	close(cfd);
	return 0;
}

/*
 * The same through the upstream control node: each RPMSG_CREATE_EPT_IOCTL
 * makes a /dev/rpmsgN (its rpmsg endpoint comes at open, so an idle one
 * has none), destroyed afterwards through the node.
 */
static int cmd_upstream_mem(const char *uctrl)
{
	unsigned long i, n = opt_count, left;
	char path[96], val[64];
	long long before, after;
	int cfd, fd;

	cfd = open(uctrl, O_RDWR);
	if (cfd < 0)
		die(uctrl);
	fd = upstream_ept_create(cfd, "bench-umem", 1);
	if (ioctl(fd, RPMSG_DESTROY_EPT_IOCTL) < 0)
		die("upstream destroy endpoint");
	close(fd);
	sync();
	before = slab_bytes();
	for (i = 0; i < n; i++) {
		struct rpmsg_endpoint_info info = {
			.src = RPMSG_ADDR_ANY, .dst = 1,
		};

		snprintf(info.name, sizeof(info.name), "bench-umem%lu", i);
		if (ioctl(cfd, RPMSG_CREATE_EPT_IOCTL, &info) < 0)
			die("upstream create endpoint");
	}
	after = slab_bytes();
	left = n;
	for (i = 0; i < 4 * RPMSG_LITE_MAX_MSGS && left; i++) {
		snprintf(path, sizeof(path), "/sys/class/rpmsg/rpmsg%lu/name", i);
		read_attr(path, val, sizeof(val));
		if (strncmp(val, "bench-umem", 10))
			continue;
		snprintf(path, sizeof(path), "/dev/rpmsg%lu", i);
		fd = open(path, O_RDWR);
		if (fd < 0)
			die(path);
		if (ioctl(fd, RPMSG_DESTROY_EPT_IOCTL) < 0)
			die("upstream destroy endpoint");
		close(fd);
		left--;
	}
	if (left)
		fprintf(stderr, "rpmsg-lite-bench: %lu upstream endpoints not found to destroy\n",
			left);
	printf("result test=upstream_dev_mem name=%s eps=%lu slab_before=%lld slab_after=%lld bytes_per_ept=%lld\n",
	       opt_name, n, before, after, (after - before) / (long long)n);
	close(cfd);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
"usage: rpmsg-lite-bench <command> [--size N] [--count N] [--batch N] [--name S]\n"
"  rtt <ctrl> [--service NAME]   round trips to an echo service\n"
"  pipe-rtt                      round trips to a child through pipes\n"
"  stream <tx ctrl> <rx ctrl>    one-way stream between two links\n"
"  pipe-stream                   one-way stream through a pipe\n"
"  upstream-stream <rpmsg_ctrl> <rx ctrl>\n"
"                                the stream sent through upstream /dev/rpmsgN\n"
"  mem <ctrl>                    slab bytes per endpoint (--count of them)\n"
"  upstream-mem <rpmsg_ctrl>     the same through the upstream control node\n"
"  slab                          slab bytes in use\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "service", required_argument, NULL, 'S' },
		{ "name", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ }
	};
	const char *cmd;
	int c;

	if (argc < 2)
		usage();
	cmd = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "s:c:S:n:b:", opts, NULL)) != -1) {
		switch (c) {
		case 's': opt_size = strtoul(optarg, NULL, 0); break;
		case 'c': opt_count = strtoul(optarg, NULL, 0); break;
		case 'S': opt_service = optarg; break;
		case 'n': opt_name = optarg; break;
		case 'b': opt_batch = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (!opt_size || opt_size > MAX_MSG || !opt_count || !opt_batch ||
	    opt_batch > RPMSG_LITE_MAX_MSGS)
		usage();
	if (!opt_name)
		opt_name = cmd;
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(cmd, "rtt") && argc - optind == 1)
		return cmd_rtt(argv[optind]);
	if (!strcmp(cmd, "pipe-rtt") && argc == optind)
		return cmd_pipe_rtt();
	if (!strcmp(cmd, "stream") && argc - optind == 2)
		return cmd_stream(argv[optind], argv[optind + 1]);
	if (!strcmp(cmd, "pipe-stream") && argc == optind)
		return cmd_pipe_stream();
	if (!strcmp(cmd, "upstream-stream") && argc - optind == 2)
		return cmd_upstream_stream(argv[optind], argv[optind + 1]);
	if (!strcmp(cmd, "mem") && argc - optind == 1)
		return cmd_mem(argv[optind]);
	if (!strcmp(cmd, "upstream-mem") && argc - optind == 1)
		return cmd_upstream_mem(argv[optind]);
	if (!strcmp(cmd, "slab") && argc == optind)
		return cmd_slab();
	usage();
	return 2;
}
