// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite - command-line client of the rpmsg-lite character devices.
 * See `rpmsg-lite --help` and Documentation/rpmsg-lite/char.rst.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/rpmsg_lite.h>

#define CLASS_DIR	"/sys/class/rpmsg_lite"
#define MAX_MSG		65536

static const char *const states[] = {
	"down", "waiting", "up", "resetting", "removed"
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: rpmsg-lite <command> [args]\n"
"  list                                   links and endpoints\n"
"  create <ctrl> <name> [--src N] [--dst N|--service NAME] [--announce]\n"
"                                         create /dev/rpmsg_eptN, print N\n"
"  destroy <ctrl> <N> | destroy <ept>     destroy an endpoint\n"
"  send <ept> <text> | send <ept> --hex <hex bytes>\n"
"  recv <ept> [--timeout ms] [--count n]  print received messages\n"
"  echo <ept> [--count n]                 send every message back\n"
"  ping <ept> [--count n] [--size n]      round trips, latency histogram\n"
"  stats <ctrl|ept>                       link (and endpoint) counters\n"
"  services <ctrl>                        names the peer announced\n"
"<ctrl> is /dev/rpmsg_lite_ctrlN (or N), <ept> /dev/rpmsg_eptN (or N).\n");
}

static const char *node_path(const char *arg, const char *prefix,
			     char *buf, size_t size)
{
	char *end;

	strtoul(arg, &end, 10);
	if (*arg && !*end) {
		snprintf(buf, size, "/dev/%s%s", prefix, arg);
		return buf;
	}
	return arg;
}

static int open_node(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		fprintf(stderr, "rpmsg-lite: %s: %s\n", path, strerror(errno));
	return fd;
}

static int fail(const char *path, const char *what)
{
	fprintf(stderr, "rpmsg-lite: %s: %s: %s\n", path, what,
		strerror(errno));
	return 1;
}

static unsigned long num(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end) {
		fprintf(stderr, "rpmsg-lite: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static int read_attr(const char *dev, const char *attr, char *buf, size_t n)
{
	char path[600];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), CLASS_DIR "/%s/%s", dev, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		snprintf(buf, n, "?");
		return -1;
	}
	len = read(fd, buf, n - 1);
	close(fd);
	if (len < 0)
		len = 0;
	buf[len] = '\0';
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return 0;
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strverscmp((*a)->d_name, (*b)->d_name);
}

static int cmd_list(void)
{
	struct dirent **ents;
	char a[64], b[64], c[64], d[64], e[4096];
	int i, n;

	n = scandir(CLASS_DIR, &ents, NULL, cmp_names);
	if (n < 0)
		return fail(CLASS_DIR, "is rpmsg_lite.ko loaded?");
	printf("links:\n");
	for (i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;

		if (strncmp(nm, "rpmsg_lite_ctrl", 15))
			continue;
		read_attr(nm, "link_name", a, sizeof(a));
		read_attr(nm, "role", b, sizeof(b));
		read_attr(nm, "state", c, sizeof(c));
		read_attr(nm, "payload_size", d, sizeof(d));
		printf("  /dev/%-18s %-16s %-6s %-9s payload %s\n", nm, a, b, c,
		       d);
		read_attr(nm, "services", e, sizeof(e));
		if (e[0] && strcmp(e, "?")) {
			char *line, *save = NULL;

			for (line = strtok_r(e, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save))
				printf("      peer service: %s\n", line);
		}
	}
	printf("endpoints:\n");
	for (i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;

		if (!strncmp(nm, "rpmsg_ept", 9)) {
			read_attr(nm, "name", a, sizeof(a));
			read_attr(nm, "src", b, sizeof(b));
			read_attr(nm, "dst", c, sizeof(c));
			read_attr(nm, "link", d, sizeof(d));
			printf("  /dev/%-12s name %-20s src %-6s dst %-10s link %s\n",
			       nm, a, b,
			       strtoul(c, NULL, 0) == RPMSG_LITE_ADDR_ANY ? "any" : c,
			       d);
		}
		free(ents[i]);
	}
	free(ents);
	return 0;
}

static int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "service", required_argument, NULL, 'S' },
		{ "announce", no_argument, NULL, 'a' },
		{ }
	};
	struct rpmsg_lite_ept_info info = {
		.src = RPMSG_LITE_ADDR_ANY, .dst = RPMSG_LITE_ADDR_ANY,
	};
	const char *service = NULL, *path;
	char buf[64];
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, "s:d:S:a", opts, NULL)) != -1) {
		switch (c) {
		case 's': info.src = num(optarg, "--src"); break;
		case 'd': info.dst = num(optarg, "--dst"); break;
		case 'S': service = optarg; break;
		case 'a': info.flags |= RPMSG_LITE_EPT_F_ANNOUNCE; break;
		default: usage(stderr); return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	path = node_path(argv[optind], "rpmsg_lite_ctrl", buf, sizeof(buf));
	if (strlen(argv[optind + 1]) >= sizeof(info.name)) {
		fprintf(stderr, "rpmsg-lite: name longer than %zu characters\n",
			sizeof(info.name) - 1);
		return 2;
	}
	strcpy(info.name, argv[optind + 1]);
	fd = open_node(path, O_RDWR);
	if (fd < 0)
		return 1;
	if (service) {
		struct rpmsg_lite_service svc = { };

		snprintf(svc.name, sizeof(svc.name), "%s", service);
		if (ioctl(fd, RPMSG_LITE_IOC_LOOKUP_SERVICE, &svc))
			return fail(path, "service not announced by the peer");
		info.dst = svc.addr;
	}
	ret = ioctl(fd, RPMSG_LITE_IOC_CREATE_EPT, &info);
	if (ret < 0)
		return fail(path, "create endpoint");
	printf("/dev/rpmsg_ept%u src %u dst %u\n", info.index, info.src,
	       info.dst);
	close(fd);
	return 0;
}

static int cmd_destroy(int argc, char **argv)
{
	char buf[64];
	const char *path;
	__u32 index = RPMSG_LITE_EPT_SELF;
	int fd;

	if (argc == 3) {
		path = node_path(argv[1], "rpmsg_lite_ctrl", buf, sizeof(buf));
		index = num(argv[2], "endpoint index");
	} else if (argc == 2) {
		path = node_path(argv[1], "rpmsg_ept", buf, sizeof(buf));
	} else {
		usage(stderr);
		return 2;
	}
	fd = open_node(path, O_RDWR);
	if (fd < 0)
		return 1;
	if (ioctl(fd, RPMSG_LITE_IOC_DESTROY_EPT, &index))
		return fail(path, "destroy endpoint");
	close(fd);
	return 0;
}

static int parse_hex(char **argv, int argc, unsigned char *out, size_t max)
{
	size_t n = 0;
	int i;

	for (i = 0; i < argc; i++) {
		const char *p = argv[i];

		while (*p) {
			unsigned int v;

			if (*p == ' ' || *p == ':') {
				p++;
				continue;
			}
			if (sscanf(p, "%2x", &v) != 1 || n >= max)
				return -1;
			out[n++] = v;
			p += (p[1] && p[1] != ' ' && p[1] != ':') ? 2 : 1;
		}
	}
	return n;
}

static void print_msg(const unsigned char *buf, ssize_t n)
{
	ssize_t i;
	int text = 1;

	for (i = 0; i < n; i++)
		if ((buf[i] < 0x20 || buf[i] > 0x7e) && buf[i] != '\n' &&
		    !(i == n - 1 && buf[i] == 0))
			text = 0;
	printf("%zd bytes: ", n);
	if (text) {
		printf("%.*s\n", (int)n, (const char *)buf);
		return;
	}
	for (i = 0; i < n; i++)
		printf("%02x%s", buf[i], i == n - 1 ? "\n" : " ");
	if (!n)
		printf("\n");
}

static int cmd_send(int argc, char **argv)
{
	unsigned char buf[MAX_MSG];
	char p[64];
	const char *path;
	ssize_t len;
	int fd;

	if (argc < 3) {
		usage(stderr);
		return 2;
	}
	path = node_path(argv[1], "rpmsg_ept", p, sizeof(p));
	if (!strcmp(argv[2], "--hex")) {
		len = parse_hex(argv + 3, argc - 3, buf, sizeof(buf));
		if (len < 0) {
			fprintf(stderr, "rpmsg-lite: bad hex bytes\n");
			return 2;
		}
	} else {
		len = strlen(argv[2]);
		if (len > (ssize_t)sizeof(buf))
			len = sizeof(buf);
		memcpy(buf, argv[2], len);
	}
	fd = open_node(path, O_RDWR);
	if (fd < 0)
		return 1;
	if (write(fd, buf, len) != len)
		return fail(path, "write");
	close(fd);
	return 0;
}

static int recv_opts(int argc, char **argv, int *timeout, long *count)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ }
	};
	int c, size = 0;

	while ((c = getopt_long(argc, argv, "t:c:s:", opts, NULL)) != -1) {
		switch (c) {
		case 't': *timeout = num(optarg, "--timeout"); break;
		case 'c': *count = num(optarg, "--count"); break;
		case 's': size = num(optarg, "--size"); break;
		default: usage(stderr); exit(2);
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		exit(2);
	}
	return size;
}

/* Wait for one message; 0 on timeout, -1 on error (reported). */
static ssize_t recv_one(int fd, const char *path, unsigned char *buf,
			size_t size, int timeout)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	n = poll(&pfd, 1, timeout);
	if (n < 0) {
		fail(path, "poll");
		return -1;
	}
	if (!n)
		return -2;
	n = read(fd, buf, size);
	if (n < 0) {
		fail(path, "read");
		return -1;
	}
	return n;
}

static int cmd_recv(int argc, char **argv, int serve)
{
	static unsigned char buf[MAX_MSG];
	int timeout = -1;
	long count = -1, i;
	const char *path;
	char p[64];
	ssize_t n;
	int fd;

	recv_opts(argc, argv, &timeout, &count);
	path = node_path(argv[optind], "rpmsg_ept", p, sizeof(p));
	fd = open_node(path, O_RDWR);
	if (fd < 0)
		return 1;
	for (i = 0; count < 0 || i < count; i++) {
		n = recv_one(fd, path, buf, sizeof(buf), timeout);
		if (n == -2) {
			fprintf(stderr, "rpmsg-lite: %s: no message within %d ms\n",
				path, timeout);
			return 1;
		}
		if (n < 0)
			return 1;
		if (serve) {
			if (write(fd, buf, n) != n)
				return fail(path, "write");
		} else {
			print_msg(buf, n);
			fflush(stdout);
		}
	}
	close(fd);
	return 0;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int cmd_ping(int argc, char **argv)
{
	static unsigned char out[MAX_MSG], in[MAX_MSG];
	struct rpmsg_lite_link_info li;
	long count = 100, i;
	int timeout = 5000, size, fd;
	long long *rtt, t0, max;
	const char *path;
	char p[64];
	ssize_t n;

	size = recv_opts(argc, argv, &timeout, &count);
	path = node_path(argv[optind], "rpmsg_ept", p, sizeof(p));
	fd = open_node(path, O_RDWR);
	if (fd < 0)
		return 1;
	if (ioctl(fd, RPMSG_LITE_IOC_LINK_INFO, &li))
		return fail(path, "link info");
	if (!size)
		size = 16;
	if (size < 8 || (unsigned int)size > li.payload_size ||
	    count < 1) {
		fprintf(stderr, "rpmsg-lite: --size must be 8..%u, --count >= 1\n",
			li.payload_size);
		return 2;
	}
	rtt = calloc(count, sizeof(*rtt));
	if (!rtt)
		return 1;
	for (i = 0; i < count; i++) {
		memset(out, (int)i, size);
		memcpy(out, &i, sizeof(i));
		t0 = now_ns();
		if (write(fd, out, size) != size)
			return fail(path, "write");
		n = recv_one(fd, path, in, sizeof(in), timeout);
		if (n == -2) {
			fprintf(stderr, "rpmsg-lite: %s: no reply to ping %ld within %d ms\n",
				path, i, timeout);
			return 1;
		}
		if (n < 0)
			return 1;
		rtt[i] = now_ns() - t0;
		if (n != size || memcmp(in, out, size)) {
			fprintf(stderr, "rpmsg-lite: %s: reply %ld differs from the request\n",
				path, i);
			return 1;
		}
	}
	qsort(rtt, count, sizeof(*rtt), cmp_ll);
	max = rtt[count - 1];
	printf("%ld round trips of %d bytes through %s (link %s)\n", count, size,
	       path, li.name);
	printf("  min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  (us)\n",
	       rtt[0] / 1e3, rtt[count / 2] / 1e3, rtt[count * 9 / 10] / 1e3,
	       rtt[count * 99 / 100] / 1e3, max / 1e3);
	/* histogram: 10 linear buckets from min to max */
	{
		long long lo = rtt[0], w = (max - lo) / 10 + 1;
		long b[10] = { 0 };
		int j, k;

		for (i = 0; i < count; i++)
			b[(rtt[i] - lo) / w]++;
		for (j = 0; j < 10; j++) {
			int bar = (int)(b[j] * 50 / count);

			printf("  %9.1f us %6ld ", (lo + j * w) / 1e3, b[j]);
			for (k = 0; k < bar; k++)
				putchar('#');
			putchar('\n');
		}
	}
	free(rtt);
	close(fd);
	return 0;
}

static int cmd_stats(int argc, char **argv)
{
	struct rpmsg_lite_link_info li;
	struct rpmsg_lite_ept_stats st;
	const char *path;
	char p[64];
	int fd;

	if (argc != 2) {
		usage(stderr);
		return 2;
	}
	path = argv[1];
	if (!strchr(path, '/'))
		path = node_path(path, "rpmsg_ept", p, sizeof(p));
	fd = open_node(path, O_RDWR);
	if (fd < 0)
		return 1;
	if (ioctl(fd, RPMSG_LITE_IOC_LINK_INFO, &li))
		return fail(path, "link info");
	printf("link %s (/dev/rpmsg_lite_ctrl%u): %s, %s, link id %u\n",
	       li.name, li.ctrl_index,
	       li.role == RPMSG_LITE_ROLE_MASTER ? "master" : "remote",
	       li.state < 5 ? states[li.state] : "?", li.link_id);
	printf("  payload %u bytes, %u buffers per direction, %u tx free\n",
	       li.payload_size, li.buffer_count, li.free_tx_buffers);
	printf("  tx_msgs %llu rx_msgs %llu kicks_out %llu kicks_in %llu kick_errors %llu\n",
	       (unsigned long long)li.stats.tx_msgs,
	       (unsigned long long)li.stats.rx_msgs,
	       (unsigned long long)li.stats.kicks_out,
	       (unsigned long long)li.stats.kicks_in,
	       (unsigned long long)li.stats.kick_errors);
	printf("  rx_drop_no_ept %llu rx_drop_bad_len %llu rx_drop_bad_ns %llu ring_errors %llu\n",
	       (unsigned long long)li.stats.rx_drop_no_ept,
	       (unsigned long long)li.stats.rx_drop_bad_len,
	       (unsigned long long)li.stats.rx_drop_bad_ns,
	       (unsigned long long)li.stats.ring_errors);
	printf("  tx_timeouts %llu resets %llu link_up_rekicks %llu\n",
	       (unsigned long long)li.stats.tx_timeouts,
	       (unsigned long long)li.stats.resets,
	       (unsigned long long)li.stats.link_up_rekicks);
	if (!ioctl(fd, RPMSG_LITE_IOC_EPT_STATS, &st)) {
		printf("endpoint %s:\n", path);
		printf("  tx %llu msgs %llu bytes, rx %llu msgs %llu bytes, rx_dropped %llu\n",
		       (unsigned long long)st.tx_msgs,
		       (unsigned long long)st.tx_bytes,
		       (unsigned long long)st.rx_msgs,
		       (unsigned long long)st.rx_bytes,
		       (unsigned long long)st.rx_dropped);
		printf("  rx queued %u of %u, tx timeout %u ms\n", st.rx_queued,
		       st.rx_queue_len, st.tx_timeout_ms);
	}
	close(fd);
	return 0;
}

static int cmd_services(int argc, char **argv)
{
	char p[64], dev[64], buf[4096];
	const char *path;

	if (argc != 2) {
		usage(stderr);
		return 2;
	}
	path = node_path(argv[1], "rpmsg_lite_ctrl", p, sizeof(p));
	snprintf(dev, sizeof(dev), "%s", strrchr(path, '/') ?
		 strrchr(path, '/') + 1 : path);
	if (read_attr(dev, "services", buf, sizeof(buf)))
		return fail(path, "no services attribute");
	printf("%s\n", buf[0] ? buf : "(none announced)");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	argc--;
	argv++;
	if (!strcmp(cmd, "list"))
		return cmd_list();
	if (!strcmp(cmd, "create"))
		return cmd_create(argc, argv);
	if (!strcmp(cmd, "destroy"))
		return cmd_destroy(argc, argv);
	if (!strcmp(cmd, "send"))
		return cmd_send(argc, argv);
	if (!strcmp(cmd, "recv"))
		return cmd_recv(argc, argv, 0);
	if (!strcmp(cmd, "echo"))
		return cmd_recv(argc, argv, 1);
	if (!strcmp(cmd, "ping"))
		return cmd_ping(argc, argv);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(argc, argv);
	if (!strcmp(cmd, "services"))
		return cmd_services(argc, argv);
	fprintf(stderr, "rpmsg-lite: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
