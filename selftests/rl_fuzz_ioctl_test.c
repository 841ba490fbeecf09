// SPDX-License-Identifier: GPL-2.0
/*
 * rl_fuzz_ioctl_test - random requests against the rpmsg-lite nodes.
 *
 * Random ioctl numbers (both magics, 0xb5 and the native one, and a few
 * others), random sizes and directions, arguments that are NULL, point
 * into unmapped or read-only memory, straddle the end of a mapping, or
 * hold random bytes; writes of random sizes from good and bad buffers;
 * reads into small, NULL and unmapped buffers.  Every call must succeed
 * or fail with an errno of the expected set, and afterwards the link
 * still carries a message to the echo service and back.
 *
 * Seeded and reproducible: RL_FUZZ_SEED (default 1) and RL_FUZZ_ITERS
 * (default 20000) from the environment; a failure prints both and the
 * iteration.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

#include "rl_char_util.h"
#include "kselftest_harness.h"

/* What a call into these nodes may fail with. */
static const int expected_errnos[] = {
	ENOTTY, EINVAL, EFAULT, EAGAIN, EMSGSIZE, EPIPE, EDESTADDRREQ,
	ENOENT, EADDRINUSE, ENOSPC, ENODEV, ETIMEDOUT, ENOMEM,
};

/* Magics besides the two of the ABI, none of them a VFS request type. */
static const unsigned int other_magics[] = { 0xb6, 0xb7, 0xb9, 0xa7, 0xee };

static uint64_t rnd_state;

static uint32_t rnd(void)
{
	/* xorshift64*: small, good enough, same on every libc */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (rnd_state * 0x2545F4914F6CDD1DULL) >> 32;
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static bool errno_expected(int e)
{
	size_t i;

	for (i = 0; i < sizeof(expected_errnos) / sizeof(expected_errnos[0]);
	     i++)
		if (expected_errnos[i] == e)
			return true;
	return false;
}

/**
 * struct arena - memory the arguments come from
 * @good: a read-write buffer of two pages
 * @ro: a read-only page
 * @hole: an address with nothing mapped
 * @edge: the last bytes of @good's mapping, followed by a hole
 */
struct arena {
	uint8_t *good;
	uint8_t *ro;
	uint8_t *hole;
	uint8_t *edge;
};

static int arena_init(struct arena *a)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *m = mmap(NULL, 5 * pg, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return -1;
	a->good = m;
	a->ro = m + 2 * pg;
	a->hole = m + 3 * pg;
	a->edge = m + 2 * pg - 8;
	memset(m, 0, 3 * pg);
	if (mprotect(a->ro, pg, PROT_READ) || munmap(a->hole, 2 * pg))
		return -1;
	return 0;
}

/* An argument pointer: NULL, into a hole, read-only, straddling, good. */
static void *arena_ptr(struct arena *a, size_t len)
{
	switch (rnd_below(8)) {
	case 0:
		return NULL;
	case 1:
		return a->hole + rnd_below(4096);
	case 2:
		return a->ro;
	case 3:
		return a->edge;
	case 4:		/* a kernel address */
		return (void *)(uintptr_t)0xffff888000000000ULL;
	default:
		if (len > 2 * 4096)
			len = 2 * 4096;
		for (size_t i = 0; i < len; i++)
			a->good[i] = rnd();
		return a->good;
	}
}

/**
 * struct fuzz - one run
 * @ctrl: control node
 * @ept: endpoint node under fuzz (O_NONBLOCK)
 * @echo: address of the echo service
 * @arena: argument memory
 * @calls: calls made
 * @ok: calls that succeeded
 * @created: endpoints created by the fuzz (destroyed at the end)
 * @ncreated: entries in @created
 */
struct fuzz {
	int ctrl;
	int ept;
	__u32 echo;
	struct arena arena;
	unsigned long calls;
	unsigned long ok;
	int created[1024];
	int ncreated;
};

/* A random request number. */
static unsigned long fuzz_cmd(void)
{
	static const unsigned long known[] = {
		RPMSG_LITE_IOC_CREATE_EPT, RPMSG_LITE_IOC_DESTROY_EPT,
		RPMSG_LITE_IOC_LINK_INFO, RPMSG_LITE_IOC_EPT_STATS,
		RPMSG_LITE_IOC_SET_TX_TIMEOUT, RPMSG_LITE_IOC_SET_RX_QUEUE_LEN,
		RPMSG_LITE_IOC_SENDTO, RPMSG_LITE_IOC_LOOKUP_SERVICE,
		RPMSG_LITE_IOC_SEND_MSGS, RPMSG_LITE_IOC_RECV_MSGS,
		RPMSG_CREATE_EPT_IOCTL, RPMSG_DESTROY_EPT_IOCTL,
	};
	unsigned int magic, dir, nr, size;
	uint32_t k = rnd_below(100);

	if (k < 30)
		return known[rnd_below(sizeof(known) / sizeof(known[0]))];
	if (k < 60)
		magic = RPMSG_LITE_IOC_MAGIC;
	else if (k < 90)
		magic = 0xb5;
	else
		magic = other_magics[rnd_below(sizeof(other_magics) /
					       sizeof(other_magics[0]))];
	dir = rnd_below(4);
	nr = rnd_below(4) ? rnd_below(12) : rnd_below(256);
	size = rnd_below(2) ? rnd_below(160) : rnd_below(1 << 14);
	if (dir == _IOC_NONE)
		size = 0;
	return _IOC(dir, magic, nr, size);
}

/*
 * A batch request that gets past the header checks most of the time:
 * 1..40 entries of random lengths, buffers and destinations (the node's,
 * the echo service, the name service, anything), now and then a reserved
 * field set, an entry array that ends in a hole, or a count or flags out
 * of range.
 */
static long fuzz_batch(struct fuzz *f, int fd, unsigned long *cmd)
{
	static struct rpmsg_lite_msg m[48];
	struct rpmsg_lite_msgs req = { .count = 1 + rnd_below(40) };
	struct arena *a = &f->arena;
	uint32_t i;

	for (i = 0; i < req.count; i++) {
		m[i].len = rnd_below(4) ? rnd_below(600) : rnd();
		m[i].buf = (uintptr_t)arena_ptr(a, m[i].len);
		switch (rnd_below(4)) {
		case 0:
			m[i].addr = RPMSG_LITE_ADDR_ANY;
			break;
		case 1:
			m[i].addr = f->echo;
			break;
		case 2:
			m[i].addr = rnd_below(2) ? RPMSG_LITE_NS_ADDR : rnd();
			break;
		default:
			m[i].addr = rnd_below(2048);
		}
		m[i].reserved = rnd_below(50) ? 0 : rnd();
	}
	req.msgs = (uintptr_t)m;
	switch (rnd_below(20)) {
	case 0:		/* the array runs into a hole */
		req.msgs = (uintptr_t)(a->edge - rnd_below(8));
		break;
	case 1:
		req.count = rnd_below(2) ? 0 : RPMSG_LITE_MAX_MSGS + 1 + rnd();
		break;
	case 2:
		req.flags = rnd();
		break;
	}
	*cmd = rnd_below(2) ? RPMSG_LITE_IOC_SEND_MSGS :
			      RPMSG_LITE_IOC_RECV_MSGS;
	return ioctl(fd, *cmd, &req);
}

static void fuzz_one(struct __test_metadata *_metadata, struct fuzz *f,
		     unsigned long seed, unsigned long iter)
{
	struct arena *a = &f->arena;
	unsigned long cmd = 0;
	const char *what;
	size_t len = 0;
	long ret;
	int fd;

	fd = rnd_below(3) ? f->ept : f->ctrl;
	switch (rnd_below(11)) {
	case 0: case 1:
		what = "write";
		len = rnd_below(4) ? rnd_below(600) : rnd_below(1 << 16);
		ret = write(fd, arena_ptr(a, len), len);
		break;
	case 2: case 3:
		what = "read";
		len = rnd_below(3) ? rnd_below(600) : rnd_below(16);
		ret = read(fd, arena_ptr(a, len), len);
		break;
	case 4:
		what = "batch";
		ret = fuzz_batch(f, fd, &cmd);
		break;
	default:
		what = "ioctl";
		cmd = fuzz_cmd();
		if (rnd_below(5))
			ret = ioctl(fd, cmd, arena_ptr(a, _IOC_SIZE(cmd)));
		else	/* a plain number as the argument */
			ret = ioctl(fd, cmd, (unsigned long)rnd());
		if (ret >= 0 && fd == f->ctrl &&
		    (cmd == RPMSG_LITE_IOC_CREATE_EPT ||
		     cmd == RPMSG_CREATE_EPT_IOCTL) && f->ncreated < 1024)
			f->created[f->ncreated++] = ret;
		break;
	}
	f->calls++;
	if (ret >= 0) {
		f->ok++;
		return;
	}
	if (!errno_expected(errno))
		TH_LOG("seed %lu iteration %lu: %s on %s (cmd 0x%lx, len %zu) failed with errno %d (%s)",
		       seed, iter, what, fd == f->ctrl ? "ctrl" : "ept", cmd,
		       len, errno, strerror(errno));
	ASSERT_TRUE(errno_expected(errno));
}

/* Destroy every endpoint node still there (the fuzz made some). */
static void destroy_all(int ctrl)
{
	struct dirent *de;
	DIR *d = opendir("/dev");
	int index;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (sscanf(de->d_name, "rpmsg_ept%d", &index) == 1)
			rl_destroy(ctrl, index);
	closedir(d);
}

/*
 * No common set-up: the fixture only gives each test a time limit of its
 * own (TEST_F_TIMEOUT(); kselftest_harness.h of Linux 6.1 has no
 * TEST_TIMEOUT()).
 */
FIXTURE(fuzz) {};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

/*
 * As long as RL_FUZZ_ITERS asks (make check-debug: 200000 calls on a debug
 * kernel); the guest's limit per program bounds it.
 */
TEST_F_TIMEOUT(fuzz, random_requests_get_expected_errnos_and_the_link_survives, 1800)
{
	const char *s = getenv("RL_FUZZ_SEED"), *n = getenv("RL_FUZZ_ITERS");
	unsigned long seed = s ? strtoul(s, NULL, 0) : 1;
	unsigned long iters = n ? strtoul(n, NULL, 0) : 20000, i;
	struct rpmsg_lite_link_info li;
	static struct fuzz f;
	char path[64], buf[64];
	int index, fd;

	rnd_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	TH_LOG("seed %lu, %lu iterations", seed, iters);
	/* a fuzzer that makes no call tests nothing: not a pass */
	ASSERT_LT(0, iters) TH_LOG("RL_FUZZ_ITERS=%s: no iteration to run", n);
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, arena_init(&f.arena));
	ASSERT_EQ(0, rl_find_ctrl("master", path, sizeof(path)));
	f.ctrl = open(path, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, f.ctrl);
	ASSERT_EQ(0, rl_lookup_echo(f.ctrl, &f.echo));
	index = rl_create(f.ctrl, "fuzz", RPMSG_LITE_ADDR_ANY, f.echo, NULL);
	ASSERT_LE(0, index);
	f.ept = rl_open_ept(index, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, f.ept);

	for (i = 0; i < iters; i++)
		fuzz_one(_metadata, &f, seed, i);
	TH_LOG("%lu calls, %lu succeeded", f.calls, f.ok);

	close(f.ept);
	destroy_all(f.ctrl);

	/* the link is still up and carries a message both ways */
	ASSERT_EQ(0, ioctl(f.ctrl, RPMSG_LITE_IOC_LINK_INFO, &li));
	EXPECT_EQ(RPMSG_LITE_STATE_UP, li.state);
	EXPECT_EQ(0, li.stats.ring_errors);
	index = rl_create(f.ctrl, "after-fuzz", RPMSG_LITE_ADDR_ANY, f.echo,
			  NULL);
	ASSERT_LE(0, index);
	fd = rl_open_ept(index, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(5, write(fd, "alive", 5));
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(5, rl_read_reply(fd, buf, sizeof(buf), rl_scaled_ms(RL_WAIT_MS)));
	EXPECT_STREQ("alive", buf);
	close(fd);
	EXPECT_EQ(0, rl_destroy(f.ctrl, index));
	close(f.ctrl);
}

TEST_HARNESS_MAIN
