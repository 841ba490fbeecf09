// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite rl_rpmsg_bus: links on the kernel's rpmsg bus.
 *
 * An rpmsg client written the way upstream clients are (an rpmsg_driver
 * with an id table, probe, callback and remove, like
 * samples/rpmsg/rpmsg_client_sample.c) binds to the channels the bridge
 * creates for a loopback pair, and talks to the pair's echo service
 * through the upstream rpmsg API only (rpmsg_send(), rpmsg_create_ept()...).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/rpmsg.h>
#include <linux/rpmsg_lite.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "rl_loopback.h"
#include "rl_rpmsg_internal.h"
#include "rl_test_time.h"
#include "rl_wire.h"

#ifdef RL_RPMSG_LAYOUT_KNOWN

#define RL_BT_ECHO		"rl-bus-test-echo"
#define RL_BT_LOCAL		"rl-bus-test-local"
#define RL_BT_WAIT_MS		rl_test_ms(5000)
#define RL_BT_MAX_DEVS		4
#define RL_BT_LOCAL_ADDR	0x700

/**
 * struct rl_bt_client - what the test client driver saw
 * @lock: protects everything below (probe/remove versus callbacks)
 * @devs: devices currently bound, in probe order (NULL: free slot)
 * @probes: probe calls
 * @removes: remove calls
 * @probed: completed on every probe
 * @removed: completed on every remove
 * @rx: completed on every received message
 * @rx_dev: device of the last message
 * @rx_priv: endpoint private data of the last message
 * @rx_src: source address of the last message
 * @rx_len: length of the last message
 * @rx_data: the last message
 */
struct rl_bt_client {
	spinlock_t lock;		/* driver callbacks vs the test */
	struct rpmsg_device *devs[RL_BT_MAX_DEVS];
	int probes;
	int removes;
	struct completion probed;
	struct completion removed;
	struct completion rx;
	struct rpmsg_device *rx_dev;
	void *rx_priv;
	u32 rx_src;
	int rx_len;
	u8 rx_data[RL_DEFAULT_PAYLOAD_SIZE];
};

static struct rl_bt_client rl_bt;

static int rl_bt_probe(struct rpmsg_device *rpdev)
{
	int i;

	spin_lock(&rl_bt.lock);
	for (i = 0; i < RL_BT_MAX_DEVS; i++) {
		if (!rl_bt.devs[i]) {
			rl_bt.devs[i] = rpdev;
			break;
		}
	}
	rl_bt.probes++;
	spin_unlock(&rl_bt.lock);
	complete(&rl_bt.probed);
	return 0;
}

static void rl_bt_remove(struct rpmsg_device *rpdev)
{
	int i;

	spin_lock(&rl_bt.lock);
	for (i = 0; i < RL_BT_MAX_DEVS; i++)
		if (rl_bt.devs[i] == rpdev)
			rl_bt.devs[i] = NULL;
	rl_bt.removes++;
	spin_unlock(&rl_bt.lock);
	complete(&rl_bt.removed);
}

static int rl_bt_cb(struct rpmsg_device *rpdev, void *data, int len,
		    void *priv, u32 src)
{
	spin_lock(&rl_bt.lock);
	rl_bt.rx_dev = rpdev;
	rl_bt.rx_priv = priv;
	rl_bt.rx_src = src;
	rl_bt.rx_len = len;
	memcpy(rl_bt.rx_data, data, min_t(int, len, sizeof(rl_bt.rx_data)));
	spin_unlock(&rl_bt.lock);
	complete(&rl_bt.rx);
	return 0;
}

static struct rpmsg_device_id rl_bt_ids[] = {
	{ .name = RL_BT_ECHO },
	{ .name = RL_BT_LOCAL },
	{ },
};

static struct rpmsg_driver rl_bt_driver = {
	.drv.name = "rl_rpmsg_bus_test_client",
	.id_table = rl_bt_ids,
	.probe = rl_bt_probe,
	.callback = rl_bt_cb,
	.remove = rl_bt_remove,
};

static bool rl_bt_wait(struct completion *c)
{
	return wait_for_completion_timeout(c, msecs_to_jiffies(RL_BT_WAIT_MS));
}

/* The bound device with this destination (RPMSG_ADDR_ANY: the first). */
static struct rpmsg_device *rl_bt_dev(u32 dst)
{
	struct rpmsg_device *found = NULL;
	int i;

	spin_lock(&rl_bt.lock);
	for (i = 0; i < RL_BT_MAX_DEVS && !found; i++)
		if (rl_bt.devs[i] &&
		    (dst == RPMSG_ADDR_ANY || rl_bt.devs[i]->dst == dst))
			found = rl_bt.devs[i];
	spin_unlock(&rl_bt.lock);
	return found;
}

static int rl_bt_count(int *field)
{
	int n;

	spin_lock(&rl_bt.lock);
	n = *field;
	spin_unlock(&rl_bt.lock);
	return n;
}

static int rl_bt_init(struct kunit *test)
{
	memset(&rl_bt, 0, sizeof(rl_bt));
	spin_lock_init(&rl_bt.lock);
	init_completion(&rl_bt.probed);
	init_completion(&rl_bt.removed);
	init_completion(&rl_bt.rx);
	test->priv = NULL;
	/* No owner: the driver lives for one case, which unregisters it. */
	return __register_rpmsg_driver(&rl_bt_driver, NULL);
}

static void rl_bt_exit(struct kunit *test)
{
	if (test->priv)
		rl_loopback_pair_destroy(test->priv);
	unregister_rpmsg_driver(&rl_bt_driver);
}

/* A pair whose remote announces RL_BT_ECHO; returns the bound channel. */
static struct rpmsg_device *rl_bt_pair(struct kunit *test,
				       struct rl_loopback_pair **pp)
{
	struct rpmsg_lite_config cfg = { .buffer_count = 4 };
	struct rl_loopback_pair *p;

	p = rl_loopback_pair_create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(p));
	test->priv = p;
	KUNIT_ASSERT_EQ(test, rl_loopback_echo_start(p, RL_BT_ECHO), 0);
	KUNIT_ASSERT_TRUE_MSG(test, rl_bt_wait(&rl_bt.probed),
			      "no channel for the announced echo service");
	*pp = p;
	return rl_bt_dev(RPMSG_ADDR_ANY);
}

/* Send @msg on @ept to @dst and expect the echo back on @ept. */
static void rl_bt_echo(struct kunit *test, struct rpmsg_endpoint *ept,
		       u32 dst, const char *msg)
{
	int len = strlen(msg) + 1;

	reinit_completion(&rl_bt.rx);
	KUNIT_ASSERT_EQ(test, rpmsg_sendto(ept, (void *)msg, len, dst), 0);
	KUNIT_ASSERT_TRUE_MSG(test, rl_bt_wait(&rl_bt.rx), "no echo of %s",
			      msg);
	spin_lock(&rl_bt.lock);
	KUNIT_EXPECT_EQ(test, rl_bt.rx_len, len);
	KUNIT_EXPECT_EQ(test, rl_bt.rx_src, dst);
	KUNIT_EXPECT_STREQ(test, (char *)rl_bt.rx_data, msg);
	spin_unlock(&rl_bt.lock);
}

static void rl_bus_test_peer_announcement_becomes_an_rpmsg_device(struct kunit *test)
{
	struct rl_loopback_pair *p;
	struct rpmsg_device *rpdev;
	char suffix[64];
	const char *name;

	rpdev = rl_bt_pair(test, &p);
	KUNIT_ASSERT_NOT_NULL(test, rpdev);
	KUNIT_EXPECT_STREQ(test, rpdev->id.name, RL_BT_ECHO);
	KUNIT_EXPECT_EQ(test, rpdev->dst, rl_loopback_echo_addr(p));
	/* the probe gave the channel its endpoint, from 1024 up */
	KUNIT_ASSERT_NOT_NULL(test, rpdev->ept);
	KUNIT_EXPECT_EQ(test, rpdev->src, rpdev->ept->addr);
	KUNIT_EXPECT_GE(test, rpdev->src, 1024U);
	KUNIT_EXPECT_FALSE(test, rpdev->announce);
	KUNIT_EXPECT_TRUE(test, rpdev->little_endian);
	/* named like virtio_rpmsg_bus does: <parent>.<name>.<src>.<dst> */
	snprintf(suffix, sizeof(suffix), "." RL_BT_ECHO ".-1.%d", rpdev->dst);
	name = dev_name(&rpdev->dev);
	KUNIT_EXPECT_TRUE_MSG(test, strlen(name) > strlen(suffix) &&
			      !strcmp(name + strlen(name) - strlen(suffix),
				      suffix), "device name %s", name);
	KUNIT_EXPECT_TRUE(test, !strncmp(dev_name(rpdev->dev.parent),
					 "rpmsg_lite_link", 15));
}

static void rl_bus_test_client_round_trips_through_the_echo_service(struct kunit *test)
{
	struct rl_loopback_pair *p;
	struct rpmsg_device *rpdev;
	char msg[32];
	int i;

	rpdev = rl_bt_pair(test, &p);
	KUNIT_ASSERT_NOT_NULL(test, rpdev);
	for (i = 0; i < 32; i++) {
		snprintf(msg, sizeof(msg), "hello world %d", i);
		reinit_completion(&rl_bt.rx);
		KUNIT_ASSERT_EQ(test, rpmsg_send(rpdev->ept, msg,
						 strlen(msg) + 1), 0);
		KUNIT_ASSERT_TRUE(test, rl_bt_wait(&rl_bt.rx));
		spin_lock(&rl_bt.lock);
		KUNIT_EXPECT_PTR_EQ(test, rl_bt.rx_dev, rpdev);
		KUNIT_EXPECT_EQ(test, rl_bt.rx_src, rpdev->dst);
		KUNIT_EXPECT_STREQ(test, (char *)rl_bt.rx_data, msg);
		spin_unlock(&rl_bt.lock);
	}
	KUNIT_EXPECT_EQ(test, rl_loopback_echo_count(p, NULL), 32ULL);
}

static void rl_bus_test_endpoint_ops_follow_rpmsg_conventions(struct kunit *test)
{
	struct rpmsg_channel_info ci = {
		.name = "second",
		.src = RPMSG_ADDR_ANY,
		.dst = RPMSG_ADDR_ANY,
	};
	static u8 big[RL_DEFAULT_PAYLOAD_SIZE + 1];
	struct rpmsg_endpoint *ept, *second;
	struct rl_loopback_pair *p;
	struct rpmsg_device *rpdev;
	int priv;

	rpdev = rl_bt_pair(test, &p);
	KUNIT_ASSERT_NOT_NULL(test, rpdev);
	ept = rpdev->ept;

	KUNIT_EXPECT_EQ(test, rpmsg_get_mtu(ept),
			(ssize_t)RL_DEFAULT_PAYLOAD_SIZE);
	KUNIT_EXPECT_EQ(test, rpmsg_send(ept, big, sizeof(big)), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, rpmsg_trysend(ept, big, sizeof(big)), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, rpmsg_sendto(ept, big, 4, RPMSG_ADDR_ANY),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rpmsg_send_offchannel(ept, ept->addr + 1,
						    rpdev->dst, big, 4),
			-EOPNOTSUPP);
	KUNIT_EXPECT_TRUE(test, rpmsg_poll(ept, NULL, NULL) & EPOLLOUT);

	/* full-size messages, each send variant */
	memset(big, 'x', sizeof(big));
	big[RL_DEFAULT_PAYLOAD_SIZE - 1] = '\0';
	rl_bt_echo(test, ept, rpdev->dst, (char *)big);
	reinit_completion(&rl_bt.rx);
	KUNIT_EXPECT_EQ(test, rpmsg_trysend(ept, "try", 4), 0);
	KUNIT_EXPECT_TRUE(test, rl_bt_wait(&rl_bt.rx));
	reinit_completion(&rl_bt.rx);
	KUNIT_EXPECT_EQ(test, rpmsg_trysendto(ept, "tryto", 6, rpdev->dst), 0);
	KUNIT_EXPECT_TRUE(test, rl_bt_wait(&rl_bt.rx));
	reinit_completion(&rl_bt.rx);
	KUNIT_EXPECT_EQ(test, rpmsg_send_offchannel(ept, ept->addr, rpdev->dst,
						    "off", 4), 0);
	KUNIT_EXPECT_TRUE(test, rl_bt_wait(&rl_bt.rx));

	/* a second endpoint on the channel gets its own address and priv */
	second = rpmsg_create_ept(rpdev, rl_bt_cb, &priv, ci);
	KUNIT_ASSERT_NOT_NULL(test, second);
	KUNIT_EXPECT_NE(test, second->addr, ept->addr);
	rl_bt_echo(test, second, rpdev->dst, "second");
	KUNIT_EXPECT_PTR_EQ(test, rl_bt.rx_priv, (void *)&priv);
	rpmsg_destroy_ept(second);

	/* a fixed address is taken once */
	ci.src = 0x600;
	second = rpmsg_create_ept(rpdev, rl_bt_cb, NULL, ci);
	KUNIT_ASSERT_NOT_NULL(test, second);
	KUNIT_EXPECT_EQ(test, second->addr, 0x600U);
	KUNIT_EXPECT_NULL(test, rpmsg_create_ept(rpdev, rl_bt_cb, NULL, ci));
	rpmsg_destroy_ept(second);
}

static void rl_bus_test_withdrawn_service_unbinds_its_client(struct kunit *test)
{
	struct rl_loopback_pair *p;
	struct rpmsg_device *rpdev;

	rpdev = rl_bt_pair(test, &p);
	KUNIT_ASSERT_NOT_NULL(test, rpdev);
	rl_loopback_echo_stop(p);
	KUNIT_ASSERT_TRUE_MSG(test, rl_bt_wait(&rl_bt.removed),
			      "client still bound after the peer withdrew");
	KUNIT_EXPECT_EQ(test, rl_bt_count(&rl_bt.removes), 1);
	KUNIT_EXPECT_NULL(test, rl_bt_dev(RPMSG_ADDR_ANY));
}

static void rl_bus_test_link_reset_unbinds_peer_channels(struct kunit *test)
{
	struct rl_loopback_pair *p;
	struct rpmsg_device *rpdev;

	rpdev = rl_bt_pair(test, &p);
	KUNIT_ASSERT_NOT_NULL(test, rpdev);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(rl_loopback_master(p)), 0);
	KUNIT_ASSERT_TRUE_MSG(test, rl_bt_wait(&rl_bt.removed),
			      "client still bound after a link reset");
	KUNIT_EXPECT_EQ(test, rl_bt_count(&rl_bt.removes), 1);
	KUNIT_EXPECT_NULL(test, rl_bt_dev(RPMSG_ADDR_ANY));
}

static void rl_bus_test_link_removal_unbinds_and_voids_endpoints(struct kunit *test)
{
	struct rpmsg_channel_info ci = {
		.name = "leftover",
		.src = RPMSG_ADDR_ANY,
		.dst = RPMSG_ADDR_ANY,
	};
	struct rpmsg_endpoint *extra;
	struct rl_loopback_pair *p;
	struct rpmsg_device *rpdev;
	u32 dst;

	rpdev = rl_bt_pair(test, &p);
	KUNIT_ASSERT_NOT_NULL(test, rpdev);
	dst = rpdev->dst;
	extra = rpmsg_create_ept(rpdev, rl_bt_cb, NULL, ci);
	KUNIT_ASSERT_NOT_NULL(test, extra);

	rl_loopback_pair_destroy(p);
	test->priv = NULL;
	KUNIT_EXPECT_EQ(test, rl_bt_count(&rl_bt.removes), 1);
	KUNIT_EXPECT_NULL(test, rl_bt_dev(RPMSG_ADDR_ANY));
	/* an endpoint its user kept outlives the link, unusable */
	KUNIT_EXPECT_EQ(test, rpmsg_sendto(extra, "late", 5, dst), -EPIPE);
	KUNIT_EXPECT_TRUE(test, rpmsg_poll(extra, NULL, NULL) & EPOLLHUP);
	rpmsg_destroy_ept(extra);
}

/* Wait until *field reaches @want (or the time runs out); return it. */
static int rl_bt_wait_count(int *field, int want)
{
	unsigned long end = jiffies + msecs_to_jiffies(RL_BT_WAIT_MS);

	while (rl_bt_count(field) < want && time_before(jiffies, end))
		msleep(20);
	return rl_bt_count(field);
}

static void rl_bus_test_local_channel_is_announced_to_the_peer(struct kunit *test)
{
	struct rpmsg_channel_info ci = {
		.name = RL_BT_LOCAL,
		.src = RL_BT_LOCAL_ADDR,
		.dst = RPMSG_ADDR_ANY,
	};
	struct rpmsg_device *rpdev, *local, *peer;
	struct rl_loopback_pair *p;

	rpdev = rl_bt_pair(test, &p);
	KUNIT_ASSERT_NOT_NULL(test, rpdev);
	KUNIT_ASSERT_NOT_NULL(test, rpdev->ops->create_channel);

	/* what RPMSG_CREATE_DEV_IOCTL does on the master link */
	local = rpdev->ops->create_channel(rpdev, &ci);
	KUNIT_ASSERT_NOT_NULL(test, local);
	KUNIT_EXPECT_TRUE(test, local->announce);
	/* the remote link's bridge turns the announcement into a channel */
	KUNIT_ASSERT_EQ(test, rl_bt_wait_count(&rl_bt.probes, 3), 3);
	peer = rl_bt_dev(RL_BT_LOCAL_ADDR);
	KUNIT_ASSERT_NOT_NULL(test, peer);
	KUNIT_EXPECT_STREQ(test, peer->id.name, RL_BT_LOCAL);
	KUNIT_EXPECT_PTR_NE(test, peer->dev.parent, local->dev.parent);

	/* the remote's client reaches the master's local channel */
	reinit_completion(&rl_bt.rx);
	KUNIT_ASSERT_EQ(test, rpmsg_send(peer->ept, "ping", 5), 0);
	KUNIT_ASSERT_TRUE(test, rl_bt_wait(&rl_bt.rx));
	KUNIT_EXPECT_PTR_EQ(test, rl_bt.rx_dev, local);
	KUNIT_EXPECT_EQ(test, rl_bt.rx_src, peer->ept->addr);

	/* releasing it withdraws it from the peer too */
	KUNIT_ASSERT_EQ(test, rpdev->ops->release_channel(rpdev, &ci), 0);
	KUNIT_EXPECT_EQ(test, rl_bt_wait_count(&rl_bt.removes, 2), 2);
	KUNIT_EXPECT_NULL(test, rl_bt_dev(RL_BT_LOCAL_ADDR));
	KUNIT_EXPECT_EQ(test, rpdev->ops->release_channel(rpdev, &ci),
			-EINVAL);
}

static void rl_bus_test_local_channel_is_announced_again_after_a_reset(struct kunit *test)
{
	struct rpmsg_channel_info ci = {
		.name = RL_BT_LOCAL,
		.src = RL_BT_LOCAL_ADDR,
		.dst = RPMSG_ADDR_ANY,
	};
	struct rpmsg_device *rpdev, *local, *peer;
	struct rl_loopback_pair *p;

	rpdev = rl_bt_pair(test, &p);
	KUNIT_ASSERT_NOT_NULL(test, rpdev);
	local = rpdev->ops->create_channel(rpdev, &ci);
	KUNIT_ASSERT_NOT_NULL(test, local);
	KUNIT_ASSERT_EQ(test, rl_bt_wait_count(&rl_bt.probes, 3), 3);

	/*
	 * Master reset: the echo channel goes (the loopback echo does not
	 * announce again), the remote follows and drops its copy of the local
	 * channel, and gets it back from the announcement made at link up.
	 */
	KUNIT_ASSERT_EQ(test, rpmsg_lite_reset_link(rl_loopback_master(p)), 0);
	KUNIT_EXPECT_EQ(test, rl_bt_wait_count(&rl_bt.removes, 2), 2);
	KUNIT_ASSERT_EQ(test, rl_bt_wait_count(&rl_bt.probes, 4), 4);
	peer = rl_bt_dev(RL_BT_LOCAL_ADDR);
	KUNIT_ASSERT_NOT_NULL(test, peer);
	KUNIT_EXPECT_PTR_NE(test, peer, local);

	reinit_completion(&rl_bt.rx);
	KUNIT_ASSERT_EQ(test, rpmsg_send(peer->ept, "again", 6), 0);
	KUNIT_ASSERT_TRUE(test, rl_bt_wait(&rl_bt.rx));
	KUNIT_EXPECT_PTR_EQ(test, rl_bt.rx_dev, local);
	KUNIT_EXPECT_STREQ(test, (char *)rl_bt.rx_data, "again");
	KUNIT_EXPECT_EQ(test, local->ops->release_channel(local, &ci), 0);
}

static int rl_bt_count_rpmsg(struct device *dev, void *data)
{
	if (dev->bus && !strcmp(dev->bus->name, "rpmsg"))
		(*(int *)data)++;
	return 0;
}

/* rpmsg devices under the link device @parent. */
static int rl_bt_children(struct device *parent)
{
	int n = 0;

	device_for_each_child(parent, &n, rl_bt_count_rpmsg);
	return n;
}

static int rl_bt_match_name(struct device *dev, void *name)
{
	return dev->bus && !strcmp(dev->bus->name, "rpmsg") &&
	       !strcmp(container_of(dev, struct rpmsg_device, dev)->id.name,
		       name);
}

/* Is a channel named @name among the children of @parent? */
static bool rl_bt_listed(struct device *parent, const char *name)
{
	struct device *dev;

	dev = device_find_child(parent, (void *)name, rl_bt_match_name);
	put_device(dev);
	return dev;
}

/*
 * Wait until the channel named @name is among the children of @parent:
 * a device joins its parent's list after its driver's probe, and leaves
 * it before its driver's remove.
 */
static bool rl_bt_wait_listed(struct device *parent, const char *name)
{
	return rl_test_wait_for(rl_bt_listed(parent, name), 5000);
}

static int rl_bt_dummy_cb(void *payload, u32 len, u32 src, void *priv)
{
	return RL_RELEASE;
}

/* The peer announces (or withdraws) "flood/<i>" for @from <= i < @to. */
static void rl_bt_flood(struct kunit *test, struct rpmsg_lite_instance *r,
			struct rpmsg_lite_endpoint *ept, int from, int to,
			u32 flags)
{
	char name[RL_NS_NAME_SIZE];
	int i;

	for (i = from; i < to; i++) {
		snprintf(name, sizeof(name), "flood/%d", i);
		KUNIT_ASSERT_EQ(test, rpmsg_lite_ns_announce(r, ept, name,
							     flags), 0);
	}
}

/*
 * A peer floods the link with announcements: 64 channels per link at
 * most, the control device included, and withdrawals are honoured.  The
 * link handles the peer's announcements in order, in one work item: one
 * of RL_BT_LOCAL, which the test client binds to, marks how far it got
 * (its channel listed, or its removal seen by the client).
 */
static void rl_bus_test_flooding_peer_is_capped_and_withdrawals_honoured(struct kunit *test)
{
	struct rpmsg_lite_endpoint *ept;
	struct rpmsg_lite_instance *r;
	struct rl_loopback_pair *p;
	struct rpmsg_device *rpdev;
	struct device *parent;

	rpdev = rl_bt_pair(test, &p);
	KUNIT_ASSERT_NOT_NULL(test, rpdev);
	parent = get_device(rpdev->dev.parent);
	/* the control device and the echo channel */
	KUNIT_ASSERT_TRUE(test, rl_bt_wait_listed(parent, RL_BT_ECHO));
	KUNIT_ASSERT_EQ(test, rl_bt_children(parent), 2);

	r = rl_loopback_remote(p);
	ept = rpmsg_lite_create_ept(r, RL_ADDR_ANY, rl_bt_dummy_cb, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ept));

	/* 61 channels and the marker: 64 in all */
	rl_bt_flood(test, r, ept, 0, 61, RL_NS_CREATE);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_ns_announce(r, ept, RL_BT_LOCAL,
						     RL_NS_CREATE), 0);
	KUNIT_ASSERT_TRUE(test, rl_bt_wait_listed(parent, RL_BT_LOCAL));
	KUNIT_EXPECT_EQ(test, rl_bt_children(parent), 64);

	/* 19 more are refused: the marker's withdrawal leaves 63 */
	rl_bt_flood(test, r, ept, 61, 80, RL_NS_CREATE);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_ns_announce(r, ept, RL_BT_LOCAL,
						     RL_NS_DESTROY), 0);
	KUNIT_ASSERT_EQ(test, rl_bt_wait_count(&rl_bt.removes, 1), 1);
	KUNIT_EXPECT_EQ(test, rl_bt_children(parent), 63);

	/* every one withdrawn, then the marker again: 3 left */
	rl_bt_flood(test, r, ept, 0, 80, RL_NS_DESTROY);
	KUNIT_ASSERT_EQ(test, rpmsg_lite_ns_announce(r, ept, RL_BT_LOCAL,
						     RL_NS_CREATE), 0);
	KUNIT_ASSERT_TRUE(test, rl_bt_wait_listed(parent, RL_BT_LOCAL));
	KUNIT_EXPECT_EQ(test, rl_bt_children(parent), 3);
	/* the client of the echo service was not disturbed */
	KUNIT_EXPECT_EQ(test, rl_bt_count(&rl_bt.removes), 1);
	rl_bt_echo(test, rpdev->ept, rpdev->dst, "still there");
	rpmsg_lite_destroy_ept(r, ept);
	put_device(parent);
}

static struct kunit_case rl_rpmsg_bus_cases[] = {
	KUNIT_CASE(rl_bus_test_peer_announcement_becomes_an_rpmsg_device),
	KUNIT_CASE(rl_bus_test_client_round_trips_through_the_echo_service),
	KUNIT_CASE(rl_bus_test_endpoint_ops_follow_rpmsg_conventions),
	KUNIT_CASE(rl_bus_test_withdrawn_service_unbinds_its_client),
	KUNIT_CASE(rl_bus_test_link_reset_unbinds_peer_channels),
	KUNIT_CASE(rl_bus_test_link_removal_unbinds_and_voids_endpoints),
	KUNIT_CASE(rl_bus_test_local_channel_is_announced_to_the_peer),
	KUNIT_CASE(rl_bus_test_local_channel_is_announced_again_after_a_reset),
	KUNIT_CASE(rl_bus_test_flooding_peer_is_capped_and_withdrawals_honoured),
	{}
};

static struct kunit_suite rl_rpmsg_bus_suite = {
	.name = "rl_rpmsg_bus",
	.init = rl_bt_init,
	.exit = rl_bt_exit,
	.test_cases = rl_rpmsg_bus_cases,
};

#else /* !RL_RPMSG_LAYOUT_KNOWN */

static void rl_bus_test_bridge_is_built(struct kunit *test)
{
	kunit_skip(test, "the bridge is not built for this kernel's rpmsg layout");
}

static struct kunit_case rl_rpmsg_bus_cases[] = {
	KUNIT_CASE(rl_bus_test_bridge_is_built),
	{}
};

static struct kunit_suite rl_rpmsg_bus_suite = {
	.name = "rl_rpmsg_bus",
	.test_cases = rl_rpmsg_bus_cases,
};

#endif /* RL_RPMSG_LAYOUT_KNOWN */

rl_test_suites_module(rl_rpmsg_bus_test, &rl_rpmsg_bus_suite);

MODULE_DESCRIPTION("KUnit tests of the rpmsg-lite rpmsg bus bridge");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
MODULE_IMPORT_NS(RPMSG_LITE_TEST);
