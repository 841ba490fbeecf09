// SPDX-License-Identifier: GPL-2.0
/*
 * rl_rpmsg_bus_test - the kernel's own rpmsg user interface over an
 * rpmsg-lite link: /sys/bus/rpmsg devices for announced services,
 * /dev/rpmsg_ctrlN from the upstream rpmsg_ctrl driver, /dev/rpmsgN from
 * the upstream rpmsg_char driver, used exactly as tools written for
 * virtio_rpmsg_bus use them.  The peer is the loopback pair's echo service
 * ("rpmsg-lite-echo", announced by the remote link to the master).
 *
 * The last test removes the link (rmmod rpmsg_lite_loopback) and loads the
 * loopback module again so the guest can unload everything.
 */
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sys/stat.h>

#include <linux/rpmsg.h>

#include "rl_char_util.h"
#include "kselftest_harness.h"

#define BUS_DIR		"/sys/bus/rpmsg/devices"
#define RPMSG_CLASS	"/sys/class/rpmsg"
#define LOOPBACK_KO	"/rl/modules/rpmsg_lite_loopback.ko"
/* A bound on one wait for a device, a node or an echo (scaled) */
#define WAIT_MS		rl_scaled_ms(RL_WAIT_MS)
#define MTU		496
#define RAW_ADDR	0x4000

/*
 * The bridge exists only when the kernel has the rpmsg bus (CONFIG_RPMSG;
 * Debian's stock kernel has not): skip there, as for any missing feature.
 */
#define REQUIRE_RPMSG_BUS()						\
	do {								\
		if (access("/sys/bus/rpmsg", F_OK))			\
			SKIP(return, "no rpmsg bus in this kernel (CONFIG_RPMSG)"); \
	} while (0)

static int write_file(const char *path, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Role ("master"/"remote") of the link whose directory is up levels above. */
static int link_role(const char *sysfs_path, int up, char *role, size_t size)
{
	char real[PATH_MAX], attr[PATH_MAX + 8];
	char *p;

	if (!realpath(sysfs_path, real))
		return -errno;
	while (up--) {
		p = strrchr(real, '/');
		if (!p)
			return -ENOENT;
		*p = '\0';
	}
	snprintf(attr, sizeof(attr), "%s/role", real);
	return rl_read_file(attr, role, size);
}

/*
 * The rpmsg bus device named @name on the link of role @role, waiting up
 * to WAIT_MS; its directory name goes to @dev, its dst to @dst.
 */
static int find_bus_dev(const char *name, const char *role, char *dev,
			size_t size, __u32 *dst)
{
	long long end = rl_now_ms() + WAIT_MS;
	char path[PATH_MAX], val[64];
	struct dirent *de;
	DIR *d;

	for (;;) {
		d = opendir(BUS_DIR);
		if (!d)
			return -errno;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), BUS_DIR "/%s/name",
				 de->d_name);
			if (rl_read_file(path, val, sizeof(val)) ||
			    strcmp(val, name))
				continue;
			snprintf(path, sizeof(path), BUS_DIR "/%s",
				 de->d_name);
			if (link_role(path, 1, val, sizeof(val)) ||
			    strcmp(val, role))
				continue;
			snprintf(dev, size, "%s", de->d_name);
			snprintf(path, sizeof(path), BUS_DIR "/%s/dst",
				 de->d_name);
			if (rl_read_file(path, val, sizeof(val)))
				continue;
			*dst = strtoul(val, NULL, 0);
			closedir(d);
			return 0;
		}
		closedir(d);
		if (rl_now_ms() > end)
			return -ENOENT;
		usleep(10000);
	}
}

/* /dev/rpmsg_ctrlN of the link of role @role. */
static int find_rpmsg_ctrl(const char *role, char *path, size_t size)
{
	char cls[PATH_MAX], val[64];
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d;

	d = opendir(RPMSG_CLASS);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "rpmsg_ctrl", 10))
			continue;
		snprintf(cls, sizeof(cls), RPMSG_CLASS "/%s", de->d_name);
		/* rpmsg_ctrlN -> rpmsg (class dir) -> rpdev -> link */
		if (link_role(cls, 3, val, sizeof(val)) || strcmp(val, role))
			continue;
		snprintf(path, size, "/dev/%.*s", 40, de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

/*
 * /dev/rpmsgN whose endpoint is named @name and whose dst is @dst (as the
 * rpmsg_char attribute prints it, decimal), waiting up to WAIT_MS.
 */
static int find_ept_node(const char *name, __u32 dst, char *path, size_t size)
{
	long long end = rl_now_ms() + WAIT_MS;
	char attr[PATH_MAX], val[64];
	struct dirent *de;
	DIR *d;

	for (;;) {
		d = opendir(RPMSG_CLASS);
		if (!d)
			return -errno;
		while ((de = readdir(d))) {
			if (strncmp(de->d_name, "rpmsg", 5) ||
			    !strncmp(de->d_name, "rpmsg_ctrl", 10))
				continue;
			snprintf(attr, sizeof(attr), RPMSG_CLASS "/%s/name",
				 de->d_name);
			if (rl_read_file(attr, val, sizeof(val)) ||
			    strcmp(val, name))
				continue;
			snprintf(attr, sizeof(attr), RPMSG_CLASS "/%s/dst",
				 de->d_name);
			if (rl_read_file(attr, val, sizeof(val)) ||
			    (__u32)strtoul(val, NULL, 0) != dst)
				continue;
			snprintf(path, size, "/dev/%.*s", 40, de->d_name);
			closedir(d);
			if (!access(path, R_OK | W_OK))
				return 0;
			d = NULL;
			break;
		}
		if (d)
			closedir(d);
		if (rl_now_ms() > end)
			return -ENOENT;
		usleep(10000);
	}
}

/* Wait until @path no longer exists. */
static int wait_gone(const char *path)
{
	long long end = rl_now_ms() + WAIT_MS;

	while (!access(path, F_OK)) {
		if (rl_now_ms() > end)
			return -ETIMEDOUT;
		usleep(10000);
	}
	return 0;
}

/* Write @len bytes of a pattern seeded with @seed, read the echo, compare. */
static int round_trip(int fd, size_t len, unsigned int seed)
{
	char out[MTU], in[MTU];
	size_t i;
	ssize_t n;

	for (i = 0; i < len; i++)
		out[i] = (char)(seed * 31 + i);
	if (write(fd, out, len) != (ssize_t)len)
		return -errno;
	n = rl_read_reply(fd, in, sizeof(in), WAIT_MS);
	if (n < 0)
		return n;
	if ((size_t)n != len || memcmp(in, out, len))
		return -EBADMSG;
	return 0;
}

static __u32 echo_addr(struct __test_metadata *_metadata)
{
	char dev[256];
	__u32 dst = 0;

	EXPECT_EQ(0, find_bus_dev(RL_ECHO_NAME, "master", dev, sizeof(dev),
				  &dst));
	return dst;
}

/* Create an upstream endpoint node through /dev/rpmsg_ctrlN and open it. */
static int open_upstream_ept(struct __test_metadata *_metadata,
			     const char *name, __u32 dst)
{
	struct rpmsg_endpoint_info info;
	char ctrl_path[64], node[64];
	int ctrl, fd;

	EXPECT_EQ(0, find_rpmsg_ctrl("master", ctrl_path, sizeof(ctrl_path)));
	ctrl = open(ctrl_path, O_RDWR);
	EXPECT_LE(0, ctrl);
	if (ctrl < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "%s", name);
	info.src = RPMSG_ADDR_ANY;
	info.dst = dst;
	EXPECT_EQ(0, ioctl(ctrl, RPMSG_CREATE_EPT_IOCTL, &info));
	close(ctrl);
	EXPECT_EQ(0, find_ept_node(name, dst, node, sizeof(node)));
	fd = open(node, O_RDWR);
	EXPECT_LE(0, fd);
	return fd;
}

/*
 * No common set-up: the fixture only gives each test a time limit of its
 * own (TEST_F_TIMEOUT(); kselftest_harness.h of Linux 6.1 has no
 * TEST_TIMEOUT()).
 */
FIXTURE(bus) {};

FIXTURE_SETUP(bus)
{
}

FIXTURE_TEARDOWN(bus)
{
}

TEST_F_TIMEOUT(bus, announced_service_is_an_rpmsg_bus_device, 90)
{
	char dev[256], path[512], val[64], ctrl[64];
	__u32 dst = 0, looked_up = 0;
	int fd;

	REQUIRE_RPMSG_BUS();

	ASSERT_EQ(0, find_bus_dev(RL_ECHO_NAME, "master", dev, sizeof(dev),
				  &dst));
	/* the same address our own interface reports for the service */
	ASSERT_EQ(0, rl_find_ctrl("master", ctrl, sizeof(ctrl)));
	fd = open(ctrl, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rl_lookup_echo(fd, &looked_up));
	close(fd);
	EXPECT_EQ(looked_up, dst);

	snprintf(path, sizeof(path), BUS_DIR "/%s/modalias", dev);
	ASSERT_EQ(0, rl_read_file(path, val, sizeof(val)));
	EXPECT_STREQ("rpmsg:" RL_ECHO_NAME, val);
	snprintf(path, sizeof(path), BUS_DIR "/%s/src", dev);
	ASSERT_EQ(0, rl_read_file(path, val, sizeof(val)));
	EXPECT_STREQ("0xffffffff", val);
	snprintf(path, sizeof(path), BUS_DIR "/%s/announce", dev);
	ASSERT_EQ(0, rl_read_file(path, val, sizeof(val)));
	EXPECT_STREQ("false", val);
	snprintf(path, sizeof(path), BUS_DIR "/%s/driver_override", dev);
	ASSERT_EQ(0, rl_read_file(path, val, sizeof(val)));
	EXPECT_STREQ("(null)", val);
	/* the link also has its control device, bound to rpmsg_ctrl */
	EXPECT_EQ(0, find_rpmsg_ctrl("master", ctrl, sizeof(ctrl)));
	EXPECT_EQ(0, find_rpmsg_ctrl("remote", ctrl, sizeof(ctrl)));
}

TEST_F_TIMEOUT(bus, rpmsg_char_endpoint_round_trips_to_the_echo_service, 90)
{
	char big[MTU + 1] = { 0 };
	__u32 dst;
	unsigned int i;
	int fd;

	REQUIRE_RPMSG_BUS();
	dst = echo_addr(_metadata);

	fd = open_upstream_ept(_metadata, "bus-selftest", dst);
	ASSERT_LE(0, fd);
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, round_trip(fd, 1 + (i * 37) % MTU, i));
	ASSERT_EQ(0, round_trip(fd, MTU, 99));
	/* the link's payload size is the limit, as rpmsg_get_mtu() says */
	EXPECT_EQ(-1, write(fd, big, sizeof(big)));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(0, ioctl(fd, RPMSG_DESTROY_EPT_IOCTL));
	close(fd);
}

TEST_F_TIMEOUT(bus, create_dev_channel_is_seen_by_both_ends, 90)
{
	struct rpmsg_endpoint_info info;
	char ctrl_path[64], mnode[64], rnode[64], buf[16];
	__u32 dst;
	int ctrl, m, r;

	REQUIRE_RPMSG_BUS();
	dst = echo_addr(_metadata);

	ASSERT_EQ(0, find_rpmsg_ctrl("master", ctrl_path, sizeof(ctrl_path)));
	ctrl = open(ctrl_path, O_RDWR);
	ASSERT_LE(0, ctrl);
	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "rpmsg-raw");
	info.src = RAW_ADDR;
	info.dst = dst;
	ASSERT_EQ(0, ioctl(ctrl, RPMSG_CREATE_DEV_IOCTL, &info));

	/* rpmsg_char binds the channel on the master ... */
	ASSERT_EQ(0, find_ept_node("rpmsg-raw", dst, mnode, sizeof(mnode)));
	/* ... and, announced by name service, the copy on the remote link */
	ASSERT_EQ(0, find_ept_node("rpmsg-raw", RAW_ADDR, rnode,
				   sizeof(rnode)));
	m = open(mnode, O_RDWR);
	r = open(rnode, O_RDWR);
	ASSERT_LE(0, m);
	ASSERT_LE(0, r);

	ASSERT_EQ(5, write(r, "ping", 5));
	ASSERT_EQ(5, rl_read_reply(m, buf, sizeof(buf), WAIT_MS));
	EXPECT_STREQ("ping", buf);
	ASSERT_EQ(0, round_trip(m, 100, 7));
	close(m);
	close(r);

	ASSERT_EQ(0, ioctl(ctrl, RPMSG_RELEASE_DEV_IOCTL, &info));
	EXPECT_EQ(0, wait_gone(mnode));
	EXPECT_EQ(0, wait_gone(rnode));
	close(ctrl);
}

TEST_F_TIMEOUT(bus, rpmsg_char_binds_an_announced_channel_by_driver_override, 90)
{
	char dev[256], path[512], node[64];
	__u32 dst = 0;
	int fd;

	REQUIRE_RPMSG_BUS();

	ASSERT_EQ(0, find_bus_dev(RL_ECHO_NAME, "master", dev, sizeof(dev),
				  &dst));
	snprintf(path, sizeof(path), BUS_DIR "/%s/driver_override", dev);
	ASSERT_EQ(0, write_file(path, "rpmsg_chrdev"));
	ASSERT_EQ(0, write_file("/sys/bus/rpmsg/drivers_probe", dev));
	ASSERT_EQ(0, find_ept_node(RL_ECHO_NAME, dst, node, sizeof(node)));
	fd = open(node, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, round_trip(fd, 32, 1));
	ASSERT_EQ(0, round_trip(fd, MTU, 2));
	close(fd);

	ASSERT_EQ(0, write_file("/sys/bus/rpmsg/drivers/rpmsg_chrdev/unbind",
				dev));
	EXPECT_EQ(0, wait_gone(node));
	ASSERT_EQ(0, write_file(path, "\n"));
}

struct traffic {
	int fd;
	unsigned int seed;
	int rounds;
	int failed_at;
	int err;
};

static void *traffic_thread(void *arg)
{
	struct traffic *t = arg;
	int i, ret;

	t->failed_at = -1;
	for (i = 0; i < t->rounds; i++) {
		ret = round_trip(t->fd, 1 + (t->seed + i * 13) % MTU,
				 t->seed + i);
		if (ret) {
			t->failed_at = i;
			t->err = ret;
			break;
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(bus, bridge_and_native_nodes_carry_traffic_at_once, 90)
{
	struct traffic up = { .seed = 1, .rounds = 300 };
	struct traffic nat = { .seed = 1000, .rounds = 300 };
	__u32 dst;
	pthread_t a, b;
	char ctrl[64];
	int c, idx;

	REQUIRE_RPMSG_BUS();
	dst = echo_addr(_metadata);

	up.fd = open_upstream_ept(_metadata, "bus-concurrent", dst);
	ASSERT_LE(0, up.fd);
	ASSERT_EQ(0, rl_find_ctrl("master", ctrl, sizeof(ctrl)));
	c = open(ctrl, O_RDWR);
	ASSERT_LE(0, c);
	idx = rl_create(c, "native-concurrent", RPMSG_LITE_ADDR_ANY, dst,
			NULL);
	ASSERT_LE(0, idx);
	nat.fd = rl_open_ept(idx, O_RDWR);
	ASSERT_LE(0, nat.fd);

	ASSERT_EQ(0, pthread_create(&a, NULL, traffic_thread, &up));
	ASSERT_EQ(0, pthread_create(&b, NULL, traffic_thread, &nat));
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	EXPECT_EQ(-1, up.failed_at) TH_LOG("upstream node: %d", up.err);
	EXPECT_EQ(-1, nat.failed_at) TH_LOG("native node: %d", nat.err);

	close(nat.fd);
	EXPECT_EQ(0, rl_destroy(c, idx));
	close(c);
	EXPECT_EQ(0, ioctl(up.fd, RPMSG_DESTROY_EPT_IOCTL));
	close(up.fd);
}

/* Last: takes the link away and brings a new one. */
TEST_F_TIMEOUT(bus, link_removal_removes_devices_and_hangs_up_nodes, 90)
{
	char ctrl[64], dev[256], path[512], buf[16];
	__u32 dst;
	int fd;

	REQUIRE_RPMSG_BUS();
	dst = echo_addr(_metadata);

	fd = open_upstream_ept(_metadata, "bus-removal", dst);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, find_rpmsg_ctrl("master", ctrl, sizeof(ctrl)));
	ASSERT_EQ(0, find_bus_dev(RL_ECHO_NAME, "master", dev, sizeof(dev),
				  &dst));

	ASSERT_EQ(0, system("rmmod rpmsg_lite_loopback"));
	snprintf(path, sizeof(path), BUS_DIR "/%s", dev);
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_NE(0, access(ctrl, F_OK));
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, write(fd, "x", 1));
	close(fd);

	ASSERT_EQ(0, system("insmod " LOOPBACK_KO));
	EXPECT_EQ(0, find_bus_dev(RL_ECHO_NAME, "master", dev, sizeof(dev),
				  &dst));
	EXPECT_EQ(0, find_rpmsg_ctrl("master", ctrl, sizeof(ctrl)));
}

TEST_HARNESS_MAIN
