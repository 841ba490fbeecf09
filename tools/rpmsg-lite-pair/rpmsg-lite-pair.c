// SPDX-License-Identifier: GPL-2.0
/*
 * rpmsg-lite-pair - traffic between two processors over rpmsg-lite char
 * devices, checked end to end.  One side serves (echoes every message on
 * N endpoints at fixed addresses), the other sends and checks the echoes:
 * content, order, loss.  Used by scripts/check-ivshmem; each command exits
 * 0 when its check holds, 1 (with a sentence on stderr) when not.
 *
 *   serve <ctrl> <n> <src-base> <dst-base> <service>
 *       endpoints src-base+i -> dst-base+i, the first announced as
 *       <service>; echo forever (survives link resets)
 *   wait-service <ctrl> <service> <addr> <timeout-ms>
 *       wait until the peer announced <service> at <addr>
 *   sizes <ctrl> <src> <dst> <size,size,...>
 *       one message of each size there and back, compared byte by byte;
 *       then payload size + 1 must fail with EMSGSIZE
 *   many <ctrl> <n> <src-base> <dst-base> <rounds>
 *       n endpoints; each round every endpoint sends its own message and
 *       must get exactly that one back
 *   stream <ctrl> <src> <dst> <count> <size> <window>
 *       <count> sequence-numbered messages, at most <window> unanswered;
 *       every echo must be the next number, intact
 *   outage <ctrl> <src> <dst> <size> <timeout-s>
 *       stream until 200 echoes came back, print "RL-PAIR-REBOOT-PEER"
 *       (also into the file $RL_PAIR_NOTIFY, e.g. the console: the host
 *       then resets the peer), keep trying until the link was
 *       reset and 100 echoes flowed again; echoes must stay in order
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/rpmsg_lite.h>

#define MAX_EPTS	64
#define MAX_MSG		65536
#define SEQ_MAGIC	0x51455352u	/* "RSEQ" */
#define HDR_LEN		12		/* magic, seq, length */

static const char *prog = "rpmsg-lite-pair";

/* Endpoints outlive their file descriptors: destroy ours on any exit. */
static int epts[MAX_EPTS];
static unsigned int nepts;

static void ept_destroy(int fd)
{
	uint32_t self = RPMSG_LITE_EPT_SELF;
	unsigned int i;

	ioctl(fd, RPMSG_LITE_IOC_DESTROY_EPT, &self);
	close(fd);
	for (i = 0; i < nepts; i++)
		if (epts[i] == fd)
			epts[i] = epts[--nepts];
}

static int die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	while (nepts)
		ept_destroy(epts[0]);
	exit(1);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (!*s || *end)
		die("bad number '%s'", s);
	return v;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int open_ctrl(const char *path)
{
	int fd = open(path, O_RDWR);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	return fd;
}

static struct rpmsg_lite_link_info link_info(int fd)
{
	struct rpmsg_lite_link_info li;

	memset(&li, 0, sizeof(li));
	if (ioctl(fd, RPMSG_LITE_IOC_LINK_INFO, &li))
		die("LINK_INFO: %s", strerror(errno));
	return li;
}

/* Create an endpoint and open its node; returns the node's fd. */
static int ept_create(int ctrl, const char *name, uint32_t src, uint32_t dst,
		      uint32_t flags, int oflags)
{
	struct rpmsg_lite_ept_info info;
	uint32_t qlen = 512;
	char path[64];
	int idx, fd;

	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "%s", name);
	info.src = src;
	info.dst = dst;
	info.flags = flags;
	idx = ioctl(ctrl, RPMSG_LITE_IOC_CREATE_EPT, &info);
	if (idx < 0)
		die("create endpoint %s (src %u): %s", name, src,
		    strerror(errno));
	snprintf(path, sizeof(path), "/dev/rpmsg_ept%d", idx);
	fd = open(path, O_RDWR | oflags);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	if (nepts < MAX_EPTS)
		epts[nepts++] = fd;
	if (ioctl(fd, RPMSG_LITE_IOC_SET_RX_QUEUE_LEN, &qlen))
		die("%s: SET_RX_QUEUE_LEN: %s", path, strerror(errno));
	return fd;
}

static void fill(unsigned char *p, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seed * 131u + i * 7u + (i >> 8));
}

/* Wait up to @ms for POLLIN; 0 on timeout, -1 on hang-up. */
static int wait_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n = poll(&p, 1, ms);

	if (n < 0)
		die("poll: %s", strerror(errno));
	if (n && (p.revents & POLLIN))
		return 1;
	return n ? -1 : 0;
}

/* ---- serve ---- */

static int cmd_serve(char **av)
{
	static unsigned char buf[MAX_MSG];
	int ctrl = open_ctrl(av[0]);
	unsigned int n = num(av[1]), i;
	uint32_t src = num(av[2]), dst = num(av[3]);
	struct pollfd p[MAX_EPTS];
	char name[32];

	if (!n || n > MAX_EPTS)
		die("1..%d endpoints", MAX_EPTS);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s", i ? "rl-pair" : av[4]);
		p[i].fd = ept_create(ctrl, name, src + i, dst + i,
				     i ? 0 : RPMSG_LITE_EPT_F_ANNOUNCE, 0);
		p[i].events = POLLIN;
	}
	printf("serving %u endpoints %u.. -> %u.., \"%s\" announced\n", n, src,
	       dst, av[4]);
	fflush(stdout);
	for (;;) {
		int hup = 0;

		if (poll(p, n, -1) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			ssize_t len;

			if (!(p[i].revents & POLLIN)) {
				hup |= !!p[i].revents;
				continue;
			}
			len = read(p[i].fd, buf, sizeof(buf));
			if (len < 0) {
				hup = 1;
				continue;
			}
			/* A failed echo is the sender's loss to report. */
			if (write(p[i].fd, buf, len) != len)
				hup = 1;
		}
		if (hup)
			sleep_ms(20);	/* link down: wait for it */
	}
	return 0;
}

/* ---- wait-service ---- */

static int cmd_wait_service(char **av)
{
	int ctrl = open_ctrl(av[0]);
	uint32_t addr = num(av[2]);
	long long end = now_ms() + num(av[3]);
	struct rpmsg_lite_service svc;

	for (;;) {
		memset(&svc, 0, sizeof(svc));
		snprintf(svc.name, sizeof(svc.name), "%s", av[1]);
		if (!ioctl(ctrl, RPMSG_LITE_IOC_LOOKUP_SERVICE, &svc)) {
			if (svc.addr == addr) {
				printf("\"%s\" announced at %u\n", av[1], addr);
				return 0;
			}
			die("\"%s\" announced at %u, expected %u", av[1],
			    svc.addr, addr);
		}
		if (now_ms() > end)
			die("\"%s\" not announced within %s ms (%s)", av[1],
			    av[3], strerror(errno));
		sleep_ms(20);
	}
}

/* ---- sizes ---- */

static int cmd_sizes(char **av)
{
	static unsigned char out[MAX_MSG], in[MAX_MSG];
	int ctrl = open_ctrl(av[0]);
	struct rpmsg_lite_link_info li = link_info(ctrl);
	int fd = ept_create(ctrl, "rl-pair-sizes", num(av[1]), num(av[2]), 0,
			    0);
	char *list = strdup(av[3]), *tok, *save = NULL;
	unsigned int count = 0;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t len = num(tok);
		ssize_t n;

		if (!len || len > li.payload_size || len > MAX_MSG)
			die("size %zu outside 1..%u", len, li.payload_size);
		fill(out, len, len);
		if (write(fd, out, len) != (ssize_t)len)
			die("send %zu bytes: %s", len, strerror(errno));
		if (wait_in(fd, 5000) <= 0)
			die("no echo of the %zu-byte message within 5 s", len);
		n = read(fd, in, sizeof(in));
		if (n != (ssize_t)len)
			die("%zu bytes sent, %zd came back", len, n);
		if (memcmp(in, out, len))
			die("the %zu-byte echo differs from what was sent",
			    len);
		count++;
	}
	fill(out, li.payload_size + 1, 1);
	errno = 0;
	if (write(fd, out, li.payload_size + 1) >= 0 || errno != EMSGSIZE)
		die("a %u-byte message (payload size + 1) gave '%s', not EMSGSIZE",
		    li.payload_size + 1, strerror(errno));
	printf("%u sizes there and back intact (payload size %u); %u bytes refused with EMSGSIZE\n",
	       count, li.payload_size, li.payload_size + 1);
	ept_destroy(fd);
	return 0;
}

/* ---- many ---- */

static int cmd_many(char **av)
{
	static unsigned char out[MAX_MSG], in[MAX_MSG];
	int ctrl = open_ctrl(av[0]);
	unsigned int n = num(av[1]), rounds = num(av[4]), i, r;
	uint32_t src = num(av[2]), dst = num(av[3]);
	int fd[MAX_EPTS];
	char name[32];

	if (!n || n > MAX_EPTS)
		die("1..%d endpoints", MAX_EPTS);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "rl-pair-%u", i);
		fd[i] = ept_create(ctrl, name, src + i, dst + i, 0, 0);
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < n; i++) {
			size_t len = 16 + (i * 29 + r * 13) % 200;

			fill(out, len, (r << 8) | i);
			if (write(fd[i], out, len) != (ssize_t)len)
				die("endpoint %u: send: %s", src + i,
				    strerror(errno));
		}
		for (i = 0; i < n; i++) {
			size_t len = 16 + (i * 29 + r * 13) % 200;
			ssize_t got;

			if (wait_in(fd[i], 5000) <= 0)
				die("endpoint %u: no reply in round %u", src + i,
				    r);
			got = read(fd[i], in, sizeof(in));
			fill(out, len, (r << 8) | i);
			if (got != (ssize_t)len || memcmp(in, out, len))
				die("endpoint %u, round %u: got another endpoint's or a damaged reply (%zd bytes)",
				    src + i, r, got);
			if (wait_in(fd[i], 0) > 0)
				die("endpoint %u, round %u: more than one reply",
				    src + i, r);
		}
	}
	printf("%u endpoints x %u rounds: every reply on its own endpoint\n",
	       n, rounds);
	for (i = 0; i < n; i++)
		ept_destroy(fd[i]);
	return 0;
}

/* ---- stream / outage ---- */

struct stream {
	int fd;
	size_t size;
	unsigned int window;
	uint32_t next_tx;	/* next sequence number to send */
	uint32_t next_rx;	/* lowest sequence number still expected */
	uint32_t base;		/* window start: oldest message awaited */
	uint32_t rx;		/* echoes received */
	uint32_t gaps;		/* messages missing (outage only) */
	int tolerate_gaps;
};

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Send one message if the window allows; 1 sent, 0 not now, -1 error. */
static int stream_send(struct stream *s)
{
	static unsigned char buf[MAX_MSG];
	ssize_t n;

	if (s->next_tx - s->base >= s->window)
		return 0;
	put32(buf, SEQ_MAGIC);
	put32(buf + 4, s->next_tx);
	put32(buf + 8, s->size);
	fill(buf + HDR_LEN, s->size - HDR_LEN, s->next_tx);
	n = write(s->fd, buf, s->size);
	if (n == (ssize_t)s->size) {
		s->next_tx++;
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == ENOMEM ||
		      errno == ETIMEDOUT))
		return 0;
	return -1;
}

/* Read every queued echo and check it; returns echoes read or -1. */
static int stream_recv(struct stream *s)
{
	static unsigned char buf[MAX_MSG], ref[MAX_MSG];
	int got = 0;

	for (;;) {
		ssize_t n = read(s->fd, buf, sizeof(buf));
		uint32_t seq;

		if (n < 0) {
			if (errno == EAGAIN)
				return got;
			return got ? got : -1;
		}
		if (n != (ssize_t)s->size || get32(buf) != SEQ_MAGIC ||
		    get32(buf + 8) != s->size)
			die("echo %u: %zd bytes, not a %zu-byte stream message",
			    s->rx, n, s->size);
		seq = get32(buf + 4);
		fill(ref, s->size - HDR_LEN, seq);
		if (memcmp(buf + HDR_LEN, ref, s->size - HDR_LEN))
			die("message %u came back damaged", seq);
		if (seq != s->next_rx) {
			if (!s->tolerate_gaps || (int32_t)(seq - s->next_rx) < 0)
				die("expected message %u, got %u (%s)",
				    s->next_rx, seq,
				    (int32_t)(seq - s->next_rx) < 0 ?
				    "duplicate or reordered" : "loss");
			s->gaps += seq - s->next_rx;
		}
		s->next_rx = seq + 1;
		if ((int32_t)(s->next_rx - s->base) > 0)
			s->base = s->next_rx;
		s->rx++;
		got++;
	}
}

static void stream_open(struct stream *s, char **av, const char *name)
{
	int ctrl = open_ctrl(av[0]);

	s->fd = ept_create(ctrl, name, num(av[1]), num(av[2]), 0, O_NONBLOCK);
	close(ctrl);
}

static int cmd_stream(char **av)
{
	struct stream s = { 0 };
	uint32_t count = num(av[3]);
	long long t0, t;

	s.size = num(av[4]);
	s.window = num(av[5]);
	if (s.size < HDR_LEN || s.size > MAX_MSG || !s.window || !count)
		die("size %u..%u, window and count >= 1", HDR_LEN, MAX_MSG);
	stream_open(&s, av, "rl-pair-stream");
	t0 = now_ms();
	while (s.rx < count) {
		struct pollfd p = { .fd = s.fd, .events = POLLIN };
		int sent = 0;

		while (s.next_tx < count) {
			int r = stream_send(&s);

			if (r < 0)
				die("send %u: %s", s.next_tx, strerror(errno));
			if (!r)
				break;
			sent++;
		}
		if (s.next_tx < count && s.next_tx - s.base < s.window)
			p.events |= POLLOUT;
		if (!sent && poll(&p, 1, 5000) == 0)
			die("no echo within 5 s: %u of %u came back, %u sent",
			    s.rx, count, s.next_tx);
		if (stream_recv(&s) < 0)
			die("receive after %u echoes: %s", s.rx,
			    strerror(errno));
	}
	t = now_ms() - t0;
	printf("%u messages of %zu bytes there and back in order, none lost (%lld ms, %lld msg/s each way)\n",
	       count, s.size, t, t ? count * 1000LL / t : 0);
	ept_destroy(s.fd);
	return 0;
}

/*
 * Tell the host: to stdout and, when $RL_PAIR_NOTIFY names a file (the
 * console), there too, at once.
 */
static void notify(const char *fmt, ...)
{
	const char *path = getenv("RL_PAIR_NOTIFY");
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	f = path ? fopen(path, "w") : NULL;
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static int cmd_outage(char **av)
{
	int ctrl = open_ctrl(av[0]);
	struct stream s = { 0 };
	uint64_t resets0 = link_info(ctrl).stats.resets;
	long long end = now_ms() + num(av[4]) * 1000LL, t_reset = 0;
	uint32_t rx_at_reset = 0, errors = 0;
	int said = 0;

	s.size = num(av[3]);
	s.window = 16;
	s.tolerate_gaps = 1;
	if (s.size < HDR_LEN || s.size > MAX_MSG)
		die("size %u..%u", HDR_LEN, MAX_MSG);
	stream_open(&s, av, "rl-pair-outage");
	for (;;) {
		struct rpmsg_lite_link_info li = link_info(ctrl);
		int r;

		if (!said && s.rx >= 200) {
			notify("RL-PAIR-REBOOT-PEER after %u echoes\n", s.rx);
			said = 1;
		}
		if (!t_reset && li.stats.resets > resets0) {
			t_reset = now_ms();
			rx_at_reset = s.rx;
			printf("link reset seen after %u echoes (state %u)\n",
			       s.rx, li.state);
			fflush(stdout);
		}
		if (t_reset && s.rx >= rx_at_reset + 100)
			break;
		if (now_ms() > end)
			die("%s after %s s: %u echoes, %u before the reset, %u send errors",
			    t_reset ? "traffic did not resume" :
			    "no link reset", av[4], s.rx, rx_at_reset, errors);
		r = stream_send(&s);
		if (r < 0) {
			errors++;
			sleep_ms(10);
		}
		/*
		 * A peer that went away never answers what it held: when
		 * nothing moved for 300 ms, stop waiting for those (an echo
		 * that still comes must only be in order; what never comes
		 * counts as the outage's loss).
		 */
		if (wait_in(s.fd, r > 0 ? 0 : 300) == 0 && r == 0 &&
		    s.next_tx - s.base >= s.window)
			s.base = s.next_tx;
		if (stream_recv(&s) < 0)
			sleep_ms(10);	/* hung up: the link is down */
	}
	printf("peer reset mid-stream: link back %lld ms after the reset, %u messages lost in the outage, %u send errors; every echo in order\n",
	       now_ms() - t_reset, s.gaps, errors);
	ept_destroy(s.fd);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int args;
		int (*fn)(char **av);
	} cmds[] = {
		{ "serve", 5, cmd_serve },
		{ "wait-service", 4, cmd_wait_service },
		{ "sizes", 4, cmd_sizes },
		{ "many", 5, cmd_many },
		{ "stream", 6, cmd_stream },
		{ "outage", 5, cmd_outage },
	};
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name)) {
			if (argc != cmds[i].args + 2)
				die("%s takes %d arguments (see the top of rpmsg-lite-pair.c)",
				    cmds[i].name, cmds[i].args);
			return cmds[i].fn(argv + 2);
		}
	fprintf(stderr, "usage: %s serve|wait-service|sizes|many|stream|outage ... (see the top of rpmsg-lite-pair.c)\n",
		prog);
	return 2;
}
