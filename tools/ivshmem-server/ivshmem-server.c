// SPDX-License-Identifier: GPL-2.0
/*
 * ivshmem-server - hands shared memory and doorbell eventfds to QEMU
 * ivshmem-doorbell devices, following the client-server protocol of QEMU's
 * docs/specs/ivshmem-spec.rst:
 *
 * Every message is one little-endian int64, optionally with one file
 * descriptor (SCM_RIGHTS).  To a new client, in order:
 *   1. protocol version 0
 *   2. its id (the lowest id not in use, 0..65535)
 *   3. -1 with the shared-memory fd
 *   4. for each other connected peer: that peer's id, once per vector,
 *      each with the eventfd that rings that vector of that peer
 *   5. its own id once per vector, each with the eventfd of that vector
 * Every other client is told about the new one as in step 4; when a
 * client goes away the others get its id without an fd (disconnect).
 *
 * Usage: ivshmem-server -S <socket> -M <shm file> [-l <size>] [-n <vectors>]
 *                       [-L <log file>]
 * The shared-memory file is created (or truncated to <size>, a power of
 * two, default 1 MiB) and zero-filled.  The server runs in the foreground
 * until SIGTERM/SIGINT, then removes the socket (the file stays for
 * post-mortem inspection; remove it with its directory).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_PEERS	16
#define MAX_VECTORS	64
#define MAX_ID		65535

struct peer {
	int sock;		/* -1: slot free */
	int64_t id;
	int efd[MAX_VECTORS];	/* eventfds that ring this peer's vectors */
};

static struct peer peers[MAX_PEERS];
static unsigned int vectors = 2;
static int shm_fd = -1;
static FILE *logf;
static volatile sig_atomic_t stop;

static void logmsg(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(logf, "[%ld.%03ld] ivshmem-server: ", (long)ts.tv_sec,
		ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(logf, fmt, ap);
	va_end(ap);
	fputc('\n', logf);
	fflush(logf);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* One protocol message: @value as LE int64, plus @fd when >= 0. */
static int send_msg(int sock, int64_t value, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	unsigned char le[8];
	struct msghdr msg = { 0 };
	struct iovec iov;
	struct cmsghdr *cmsg;
	uint64_t v = (uint64_t)value;
	ssize_t n;
	int i;

	for (i = 0; i < 8; i++)
		le[i] = v >> (8 * i);
	iov.iov_base = le;
	iov.iov_len = sizeof(le);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(le) ? 0 : -1;
}

static void drop_peer(struct peer *p, const char *why)
{
	unsigned int v;
	int i;

	logmsg("peer %lld disconnected (%s)", (long long)p->id, why);
	close(p->sock);
	p->sock = -1;
	for (v = 0; v < vectors; v++) {
		close(p->efd[v]);
		p->efd[v] = -1;
	}
	for (i = 0; i < MAX_PEERS; i++)
		if (peers[i].sock >= 0 && send_msg(peers[i].sock, p->id, -1))
			logmsg("cannot tell peer %lld about it",
			       (long long)peers[i].id);
}

static int64_t free_id(void)
{
	int64_t id;
	int i;

	for (id = 0; id <= MAX_ID; id++) {
		for (i = 0; i < MAX_PEERS; i++)
			if (peers[i].sock >= 0 && peers[i].id == id)
				break;
		if (i == MAX_PEERS)
			return id;
	}
	return -1;
}

/* Steps 1-5 for a new client, and its connect notification to others. */
static void add_peer(int sock)
{
	struct peer *p = NULL;
	unsigned int v;
	int i;

	for (i = 0; i < MAX_PEERS; i++)
		if (peers[i].sock < 0) {
			p = &peers[i];
			break;
		}
	if (!p) {
		logmsg("refusing a client: %d peers connected", MAX_PEERS);
		close(sock);
		return;
	}
	p->id = free_id();
	for (v = 0; v < vectors; v++) {
		p->efd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (p->efd[v] < 0) {
			logmsg("eventfd: %s", strerror(errno));
			while (v--)
				close(p->efd[v]);
			close(sock);
			return;
		}
	}
	p->sock = sock;

	if (send_msg(sock, 0, -1) || send_msg(sock, p->id, -1) ||
	    send_msg(sock, -1, shm_fd))
		goto fail;
	for (i = 0; i < MAX_PEERS; i++) {
		struct peer *o = &peers[i];

		if (o == p || o->sock < 0)
			continue;
		for (v = 0; v < vectors; v++)
			if (send_msg(sock, o->id, o->efd[v]))
				goto fail;
	}
	for (v = 0; v < vectors; v++)
		if (send_msg(sock, p->id, p->efd[v]))
			goto fail;
	logmsg("peer %lld connected (%u vectors)", (long long)p->id, vectors);

	for (i = 0; i < MAX_PEERS; i++) {
		struct peer *o = &peers[i];

		if (o == p || o->sock < 0)
			continue;
		for (v = 0; v < vectors; v++)
			if (send_msg(o->sock, p->id, p->efd[v]))
				logmsg("cannot tell peer %lld about peer %lld",
				       (long long)o->id, (long long)p->id);
	}
	return;
fail:
	drop_peer(p, "send failed during setup");
}

static int is_pow2(unsigned long long x)
{
	return x && !(x & (x - 1));
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ivshmem-server -S <socket> -M <shm file> [-l <size>] [-n <vectors>] [-L <log>]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *sock_path = NULL, *shm_path = NULL, *log_path = NULL;
	unsigned long long size = 1 << 20;
	struct pollfd pfd[MAX_PEERS + 1];
	int idx[MAX_PEERS + 1];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sigaction sa = { .sa_handler = on_signal };
	int lsock, c, i, n;
	char *end;

	while ((c = getopt(argc, argv, "S:M:l:n:L:")) != -1) {
		switch (c) {
		case 'S': sock_path = optarg; break;
		case 'M': shm_path = optarg; break;
		case 'L': log_path = optarg; break;
		case 'l':
			size = strtoull(optarg, &end, 0);
			if (*end == 'k' || *end == 'K')
				size <<= 10, end++;
			else if (*end == 'm' || *end == 'M')
				size <<= 20, end++;
			if (*end || !is_pow2(size))
				usage();
			break;
		case 'n':
			vectors = strtoul(optarg, &end, 0);
			if (*end || !vectors || vectors > MAX_VECTORS)
				usage();
			break;
		default:
			usage();
		}
	}
	if (!sock_path || !shm_path || optind != argc)
		usage();
	logf = stderr;
	if (log_path) {
		logf = fopen(log_path, "a");
		if (!logf) {
			perror(log_path);
			return 1;
		}
	}
	if (strlen(sock_path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "ivshmem-server: socket path too long\n");
		return 1;
	}

	shm_fd = open(shm_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (shm_fd < 0 || ftruncate(shm_fd, 0) || ftruncate(shm_fd, size)) {
		fprintf(stderr, "ivshmem-server: %s: %s\n", shm_path,
			strerror(errno));
		return 1;
	}

	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(sun.sun_path, sock_path);
	unlink(sock_path);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(lsock, 8)) {
		fprintf(stderr, "ivshmem-server: %s: %s\n", sock_path,
			strerror(errno));
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < MAX_PEERS; i++)
		peers[i].sock = -1;
	logmsg("listening on %s, shm %s (%llu bytes), %u vectors", sock_path,
	       shm_path, size, vectors);

	while (!stop) {
		n = 0;
		pfd[n].fd = lsock;
		pfd[n].events = POLLIN;
		idx[n++] = -1;
		for (i = 0; i < MAX_PEERS; i++) {
			if (peers[i].sock < 0)
				continue;
			pfd[n].fd = peers[i].sock;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			logmsg("poll: %s", strerror(errno));
			break;
		}
		for (i = 1; i < n; i++) {
			char buf[64];
			ssize_t r;

			if (!pfd[i].revents)
				continue;
			/* Clients never send; data or EOF both end them. */
			r = recv(pfd[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			drop_peer(&peers[idx[i]], r ? "protocol error" : "hang-up");
		}
		if (pfd[0].revents & POLLIN) {
			int s = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);

			if (s >= 0)
				add_peer(s);
		}
	}

	logmsg("stopping");
	for (i = 0; i < MAX_PEERS; i++)
		if (peers[i].sock >= 0)
			close(peers[i].sock);
	close(lsock);
	unlink(sock_path);
	return 0;
}
