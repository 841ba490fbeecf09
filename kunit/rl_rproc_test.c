// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite rl_rproc: the remoteproc glue against a fake remote core.
 *
 * The fake core is a real struct rproc in attach mode (RPROC_DETACHED,
 * ops->attach, get_loaded_rsc_table, da_to_va; recovery by re-attaching)
 * whose "memory" is a buffer of this test: a resource table with one
 * RL_RSC_RPMSG_LITE_VDEV entry, and the link region behind the vring
 * addresses.  Attaching "starts" the remote: an rpmsg-lite remote link in
 * this kernel over that region, with an echo endpoint.  Kicks go through
 * the rproc (ops->kick) one way and rl_rproc_vq_interrupt() the other.
 * No firmware file is needed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/remoteproc.h>
#include <linux/rpmsg_lite.h>
#include <linux/rsc_table.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/wait.h>

#include "rl_rproc.h"
#include "rl_test_time.h"
#include "rl_wire.h"

#define RP_WAIT_MS		rl_test_ms(5000)
/* Device address of vring 0 as the fake core sees it. */
#define RP_DA			0x40000000U
/* rpmsg-lite numbers of the fake firmware. */
#define RP_COUNT		8
#define RP_ALIGN		0x10
#define RP_VRING_SIZE		0x400
#define RP_PAYLOAD		496
#define RP_REGION		(2 * RP_VRING_SIZE + \
				 2 * RP_COUNT * (RP_PAYLOAD + 16))
/* Address of the echo endpoint on the fake core. */
#define RP_ECHO_ADDR		30

/**
 * struct rp_table - the resource table of the fake firmware
 * @num: entries (1)
 * @ver: version (1)
 * @reserved: zero
 * @offset: offset of the entry
 * @type: RL_RSC_RPMSG_LITE_VDEV
 * @vdev: body: id, notifyid, dfeatures, gfeatures, config_len, status,
 *        num_of_vrings, reserved
 * @vring: the two vrings (da, align, num, notifyid, pa)
 */
struct rp_table {
	u32 ver;
	u32 num;
	u32 reserved[2];
	u32 offset[1];
	u32 type;
	struct {
		u32 id;
		u32 notifyid;
		u32 dfeatures;
		u32 gfeatures;
		u32 config_len;
		u8 status;
		u8 num_of_vrings;
		u8 reserved[2];
	} __packed vdev;
	struct fw_rsc_vdev_vring vring[2];
} __packed;

/**
 * struct rp_core - the fake remote core
 * @pdev: parent device of the rproc
 * @rproc: the rproc
 * @glue: the glue under test
 * @table: its resource table
 * @mem: its memory behind RP_DA
 * @lock: protects @remote against kicks
 * @remote: the remote link while the core "runs"
 * @echo: echo endpoint on @remote
 * @attaches: times the core was attached
 * @detaches: times it was detached or stopped
 * @recovering: detached by a recovery, the next attach completes it
 */
struct rp_core {
	struct platform_device *pdev;
	struct rproc *rproc;
	struct rl_rproc *glue;
	struct rp_table *table;
	void *mem;
	spinlock_t lock; /* @remote vs kicks */
	struct rpmsg_lite_instance *remote;
	struct rpmsg_lite_endpoint *echo;
	int attaches;
	int detaches;
	bool recovering;
};

/**
 * struct rp_sink - endpoint on the Linux side that counts echoes
 * @ept: endpoint
 * @count: messages received
 * @last: first word of the last one
 * @wq: woken per message
 */
struct rp_sink {
	struct rpmsg_lite_endpoint *ept;
	atomic_t count;
	u32 last;
	wait_queue_head_t wq;
};

static struct rp_core *rp_of(struct rproc *rproc)
{
	return *(struct rp_core **)rproc->priv;
}

/* Echo service of the fake core: send every message back. */
static int rp_echo_cb(void *payload, u32 len, u32 src, void *priv)
{
	struct rp_core *core = priv;

	rpmsg_lite_send(core->remote, core->echo, src, payload, len,
			RL_DONT_BLOCK);
	return RL_RELEASE;
}

/* Remote link transport: its kicks reach the Linux side. */
static int rp_remote_notify(void *priv, u32 vq_id)
{
	struct rp_core *core = priv;

	rl_rproc_vq_interrupt(core->glue, vq_id);
	return 0;
}

static const struct rpmsg_lite_transport_ops rp_remote_ops = {
	.notify = rp_remote_notify,
};

static int rp_attach(struct rproc *rproc)
{
	struct rp_core *core = rp_of(rproc);
	struct rpmsg_lite_link_desc d = {
		.dev = &core->pdev->dev,
		.name = "rp-fake-remote",
		.shm = core->mem,
		.shm_size = RP_REGION,
		.cfg = {
			.buffer_count = RP_COUNT,
			.vring_align = RP_ALIGN,
			.vring_size = RP_VRING_SIZE,
			.payload_size = RP_PAYLOAD,
			.shm_da = RP_DA,
		},
		.ops = &rp_remote_ops,
		.ops_priv = core,
	};
	struct rpmsg_lite_instance *rl;

	if (core->recovering) {
		core->recovering = false;
		/*
		 * Attach recovery of Linux 6.1 frees clean_table without
		 * making a new one and leaves table_ptr on a kernel copy: the
		 * next recovery would read freed memory and the remote would
		 * not see the status byte.  Put both back, as a driver using
		 * RPROC_FEAT_ATTACH_ON_RECOVERY on 6.1 has to.
		 */
		rproc->clean_table = kmemdup(core->table, sizeof(*core->table),
					     GFP_KERNEL);
		if (!rproc->clean_table)
			return -ENOMEM;
		kfree(rproc->cached_table);
		rproc->cached_table = NULL;
		rproc->table_ptr = (struct resource_table *)core->table;
	}

	/* the fake firmware boots: a fresh remote link over its memory */
	rl = rpmsg_lite_remote_init(&d);
	if (IS_ERR(rl))
		return PTR_ERR(rl);
	core->echo = rpmsg_lite_create_ept(rl, RP_ECHO_ADDR, rp_echo_cb, core);
	if (IS_ERR(core->echo)) {
		rpmsg_lite_deinit(rl);
		return PTR_ERR(core->echo);
	}
	spin_lock_irq(&core->lock);
	core->remote = rl;
	spin_unlock_irq(&core->lock);
	core->attaches++;
	return 0;
}

static void rp_core_halt(struct rp_core *core)
{
	struct rpmsg_lite_instance *rl;

	spin_lock_irq(&core->lock);
	rl = core->remote;
	core->remote = NULL;
	spin_unlock_irq(&core->lock);
	if (!rl)
		return;
	rpmsg_lite_destroy_ept(rl, core->echo);
	rpmsg_lite_deinit(rl);
	core->detaches++;
}

static int rp_detach(struct rproc *rproc)
{
	struct rp_core *core = rp_of(rproc);

	/* attach recovery: detached while crashed, attached right after */
	core->recovering = rproc->state == RPROC_CRASHED;
	rp_core_halt(core);
	return 0;
}

static int rp_stop(struct rproc *rproc)
{
	rp_core_halt(rp_of(rproc));
	return 0;
}

/* Linux kicks the fake core; lost while it does not run. */
static void rp_kick(struct rproc *rproc, int vqid)
{
	struct rp_core *core = rp_of(rproc);
	unsigned long flags;

	spin_lock_irqsave(&core->lock, flags);
	if (core->remote)
		rpmsg_lite_isr(core->remote, vqid);
	spin_unlock_irqrestore(&core->lock, flags);
}

static void *rp_da_to_va(struct rproc *rproc, u64 da, size_t len,
			 bool *is_iomem)
{
	struct rp_core *core = rp_of(rproc);

	if (da < RP_DA || da - RP_DA > RP_REGION || len > RP_REGION ||
	    da - RP_DA + len > RP_REGION)
		return NULL;
	return core->mem + (da - RP_DA);
}

static struct resource_table *rp_get_table(struct rproc *rproc,
					   size_t *size)
{
	*size = sizeof(struct rp_table);
	return (struct resource_table *)rp_of(rproc)->table;
}

static int rp_handle_rsc(struct rproc *rproc, u32 type, void *rsc,
			 int offset, int avail)
{
	return rl_rproc_handle_rsc(rp_of(rproc)->glue, type, rsc, offset,
				   avail);
}

static const struct rproc_ops rp_ops = {
	.attach = rp_attach,
	.detach = rp_detach,
	.stop = rp_stop,
	.kick = rp_kick,
	.da_to_va = rp_da_to_va,
	.get_loaded_rsc_table = rp_get_table,
	.handle_rsc = rp_handle_rsc,
};

static void rp_fill_table(struct rp_table *t)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->ver = 1;
	t->num = 1;
	t->offset[0] = offsetof(struct rp_table, type);
	t->type = RL_RSC_RPMSG_LITE_VDEV;
	t->vdev.id = VIRTIO_ID_RPMSG;
	t->vdev.notifyid = 2;
	t->vdev.dfeatures = 1;	/* name service */
	t->vdev.num_of_vrings = 2;
	for (i = 0; i < 2; i++) {
		t->vring[i].da = RP_DA + i * RP_VRING_SIZE;
		t->vring[i].align = RP_ALIGN;
		t->vring[i].num = RP_COUNT;
		t->vring[i].notifyid = i;
	}
}

static int rp_init(struct kunit *test)
{
	struct rl_rproc_desc desc = {
		.payload_size = RP_PAYLOAD,
		.link_up_kick_ms = 20,
	};
	struct rp_core *core;
	int ret;

	core = kunit_kzalloc(test, sizeof(*core), GFP_KERNEL);
	if (!core)
		return -ENOMEM;
	spin_lock_init(&core->lock);
	core->table = kunit_kzalloc(test, sizeof(*core->table), GFP_KERNEL);
	core->mem = vzalloc(RP_REGION);
	if (!core->table || !core->mem)
		goto err_mem;
	rp_fill_table(core->table);

	core->pdev = platform_device_register_simple("rl-rproc-test", -1,
						     NULL, 0);
	if (IS_ERR(core->pdev))
		goto err_mem;
	core->rproc = rproc_alloc(&core->pdev->dev, "rl-fake-core", &rp_ops,
				  NULL, sizeof(core));
	if (!core->rproc)
		goto err_pdev;
	*(struct rp_core **)core->rproc->priv = core;
	core->rproc->state = RPROC_DETACHED;
	core->rproc->auto_boot = false;
	/* recover by re-attaching: no firmware file involved */
	set_bit(RPROC_FEAT_ATTACH_ON_RECOVERY, core->rproc->features);

	core->glue = rl_rproc_add(core->rproc, &desc);
	if (IS_ERR(core->glue))
		goto err_rproc;
	ret = rproc_add(core->rproc);
	if (ret)
		goto err_glue;
	test->priv = core;
	return 0;

err_glue:
	rl_rproc_remove(core->glue);
err_rproc:
	rproc_free(core->rproc);
err_pdev:
	platform_device_unregister(core->pdev);
err_mem:
	vfree(core->mem);
	return -ENOMEM;
}

static void rp_exit(struct kunit *test)
{
	struct rp_core *core = test->priv;

	if (!core)
		return;
	rproc_del(core->rproc);
	rl_rproc_remove(core->glue);
	rproc_free(core->rproc);
	platform_device_unregister(core->pdev);
	vfree(core->mem);
}

static int rp_sink_cb(void *payload, u32 len, u32 src, void *priv)
{
	struct rp_sink *s = priv;
	u32 v = 0;

	memcpy(&v, payload, min_t(u32, len, sizeof(v)));
	WRITE_ONCE(s->last, v);
	atomic_inc(&s->count);
	wake_up_all(&s->wq);
	return RL_RELEASE;
}

static struct rp_sink *rp_sink_new(struct kunit *test,
				   struct rpmsg_lite_instance *rl)
{
	struct rp_sink *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	init_waitqueue_head(&s->wq);
	s->ept = rpmsg_lite_create_ept(rl, RL_ADDR_ANY, rp_sink_cb, s);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s->ept));
	return s;
}

/* One message to the fake core's echo and back. */
static void rp_echo(struct kunit *test, struct rpmsg_lite_instance *rl,
		    struct rp_sink *s, u32 v)
{
	int n = atomic_read(&s->count);

	KUNIT_ASSERT_EQ(test, rpmsg_lite_send(rl, s->ept, RP_ECHO_ADDR, &v,
					      sizeof(v), RP_WAIT_MS), 0);
	KUNIT_ASSERT_TRUE(test, wait_event_timeout
			  (s->wq, atomic_read(&s->count) > n,
			   msecs_to_jiffies(RP_WAIT_MS)) > 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(s->last), v);
}

static bool rp_wait_for(struct rp_core *core, enum rproc_state state)
{
	unsigned long end = jiffies + msecs_to_jiffies(RP_WAIT_MS);

	while (READ_ONCE(core->rproc->state) != state &&
	       time_before(jiffies, end))
		usleep_range(5000, 10000);
	return READ_ONCE(core->rproc->state) == state;
}

static u8 rp_status(struct rp_core *core)
{
	struct rp_table *t = (struct rp_table *)core->rproc->table_ptr;

	return t ? READ_ONCE(t->vdev.status) : 0;
}

/* ---- cases ---- */

static void rl_rproc_test_vdev_entry_gives_rpmsg_lite_layout(struct kunit *test)
{
	struct rpmsg_lite_config cfg;
	struct rp_table t;
	size_t size;

	rp_fill_table(&t);
	KUNIT_ASSERT_EQ(test, rl_rproc_vdev_config(&t.vdev, sizeof(t) -
						   offsetof(struct rp_table,
							    vdev),
						   0, &cfg, &size), 0);
	KUNIT_EXPECT_EQ(test, cfg.buffer_count, (u32)RP_COUNT);
	KUNIT_EXPECT_EQ(test, cfg.vring_align, (u32)RP_ALIGN);
	KUNIT_EXPECT_EQ(test, cfg.vring_size, (u32)RP_VRING_SIZE);
	KUNIT_EXPECT_EQ(test, cfg.shm_da, (u64)RP_DA);
	KUNIT_EXPECT_EQ(test, cfg.link_id, 0U);
	KUNIT_EXPECT_EQ(test, cfg.payload_size, (u32)RL_DEFAULT_PAYLOAD_SIZE);
	KUNIT_EXPECT_EQ(test, size, (size_t)RP_REGION);

	/* notify ids 2, 3: link 1 */
	t.vring[0].notifyid = 2;
	t.vring[1].notifyid = 3;
	KUNIT_ASSERT_EQ(test, rl_rproc_vdev_config(&t.vdev, sizeof(t) -
						   offsetof(struct rp_table,
							    vdev),
						   0, &cfg, &size), 0);
	KUNIT_EXPECT_EQ(test, cfg.link_id, 1U);
}

static void rl_rproc_test_bad_vdev_entries_are_refused(struct kunit *test)
{
	int avail = sizeof(struct rp_table) - offsetof(struct rp_table, vdev);
	struct rpmsg_lite_config cfg;
	struct rp_table t;
	size_t size;

	rp_fill_table(&t);
	t.vdev.id = 3;	/* a console, not rpmsg */
	KUNIT_EXPECT_EQ(test, rl_rproc_vdev_config(&t.vdev, avail, 0, &cfg,
						   &size), -EINVAL);
	rp_fill_table(&t);
	t.vring[1].num = RP_COUNT / 2;
	KUNIT_EXPECT_EQ(test, rl_rproc_vdev_config(&t.vdev, avail, 0, &cfg,
						   &size), -EINVAL);
	rp_fill_table(&t);
	t.vring[0].da = (u32)FW_RSC_ADDR_ANY;
	KUNIT_EXPECT_EQ(test, rl_rproc_vdev_config(&t.vdev, avail, 0, &cfg,
						   &size), -EINVAL);
	rp_fill_table(&t);
	t.vring[1].notifyid = 5;
	KUNIT_EXPECT_EQ(test, rl_rproc_vdev_config(&t.vdev, avail, 0, &cfg,
						   &size), -EINVAL);
	rp_fill_table(&t);
	t.vring[0].num = 3;
	t.vring[1].num = 3;
	KUNIT_EXPECT_EQ(test, rl_rproc_vdev_config(&t.vdev, avail, 0, &cfg,
						   &size), -EINVAL);
	rp_fill_table(&t);
	KUNIT_EXPECT_EQ(test, rl_rproc_vdev_config(&t.vdev, 20, 0, &cfg,
						   &size), -EINVAL);
}

/*
 * The numbers of a vdev entry follow the rules of every link
 * (rpmsg_lite_config_check()): vrings a multiple of the alignment apart,
 * vring 0 aligned in the remote's address space, as a device-tree link.
 */
static void rl_rproc_test_vdev_entries_breaking_link_rules_are_refused(struct kunit *test)
{
	int avail = sizeof(struct rp_table) - offsetof(struct rp_table, vdev);
	struct rpmsg_lite_config cfg;
	struct rp_table t;
	size_t size;

	/* vring 1 at 0x408: off the alignment 0x10 */
	rp_fill_table(&t);
	t.vring[1].da = RP_DA + RP_VRING_SIZE + 8;
	KUNIT_EXPECT_EQ(test, rl_rproc_vdev_config(&t.vdev, avail, 0, &cfg,
						   &size), -EINVAL);
	/* vring 0 at an address off the alignment */
	rp_fill_table(&t);
	t.vring[0].da = RP_DA + 8;
	t.vring[1].da = RP_DA + 8 + RP_VRING_SIZE;
	KUNIT_EXPECT_EQ(test, rl_rproc_vdev_config(&t.vdev, avail, 0, &cfg,
						   &size), -EINVAL);
	/* a table has no defaults: num and align 0 are refused */
	rp_fill_table(&t);
	t.vring[0].num = 0;
	t.vring[1].num = 0;
	KUNIT_EXPECT_EQ(test, rl_rproc_vdev_config(&t.vdev, avail, 0, &cfg,
						   &size), -EINVAL);
	rp_fill_table(&t);
	t.vring[0].align = 0;
	t.vring[1].align = 0;
	KUNIT_EXPECT_EQ(test, rl_rproc_vdev_config(&t.vdev, avail, 0, &cfg,
						   &size), -EINVAL);
	/* rings that do not fit between the two vrings */
	rp_fill_table(&t);
	t.vring[1].da = RP_DA + 0x40;
	KUNIT_EXPECT_EQ(test, rl_rproc_vdev_config(&t.vdev, avail, 0, &cfg,
						   &size), -EINVAL);
}

static void rl_rproc_test_claim_turns_rpmsg_vdev_into_ours(struct kunit *test)
{
	struct rp_table t;

	rp_fill_table(&t);
	t.type = RSC_VDEV;
	KUNIT_EXPECT_EQ(test, rl_rproc_claim_vdevs((void *)&t, sizeof(t)), 1);
	KUNIT_EXPECT_EQ(test, t.type, (u32)RL_RSC_RPMSG_LITE_VDEV);
	/* other virtio devices stay with the remoteproc core */
	t.type = RSC_VDEV;
	t.vdev.id = 3;
	KUNIT_EXPECT_EQ(test, rl_rproc_claim_vdevs((void *)&t, sizeof(t)), 0);
	KUNIT_EXPECT_EQ(test, t.type, (u32)RSC_VDEV);
}

static void rl_rproc_test_boot_creates_link_and_sets_driver_ok(struct kunit *test)
{
	struct rp_core *core = test->priv;
	struct rpmsg_lite_instance *rl;
	struct rp_sink *s;

	KUNIT_EXPECT_NULL(test, rl_rproc_link(core->glue));
	KUNIT_ASSERT_EQ(test, rproc_boot(core->rproc), 0);
	KUNIT_EXPECT_EQ(test, core->rproc->state, RPROC_ATTACHED);
	rl = rl_rproc_link(core->glue);
	KUNIT_ASSERT_NOT_NULL(test, rl);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_role(rl), RPMSG_LITE_MASTER);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_config(rl)->buffer_count,
			(u32)RP_COUNT);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_config(rl)->vring_size,
			(u32)RP_VRING_SIZE);
	KUNIT_EXPECT_TRUE(test, rp_status(core) & VIRTIO_CONFIG_S_DRIVER_OK);
	KUNIT_EXPECT_EQ(test, READ_ONCE(core->table->vdev.gfeatures), 1U);

	/* the fake remote came up on our kick and answers */
	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(core->remote,
							  RP_WAIT_MS), 0);
	s = rp_sink_new(test, rl);
	rp_echo(test, rl, s, 0xabcd);
	rp_echo(test, rl, s, 0xabce);
	rpmsg_lite_destroy_ept(rl, s->ept);
}

static void rl_rproc_test_shutdown_removes_link(struct kunit *test)
{
	struct rp_core *core = test->priv;
	struct rpmsg_lite_instance *rl;
	struct rp_sink *s;

	KUNIT_ASSERT_EQ(test, rproc_boot(core->rproc), 0);
	rl = rl_rproc_link(core->glue);
	KUNIT_ASSERT_NOT_NULL(test, rl);
	s = rp_sink_new(test, rl);
	rp_echo(test, rl, s, 1);
	rpmsg_lite_destroy_ept(rl, s->ept);

	rproc_shutdown(core->rproc);
	KUNIT_EXPECT_EQ(test, core->rproc->state, RPROC_OFFLINE);
	KUNIT_EXPECT_NULL(test, rl_rproc_link(core->glue));
	KUNIT_EXPECT_EQ(test, core->detaches, 1);
}

static void rl_rproc_test_detach_and_attach_again_build_a_new_link(struct kunit *test)
{
	struct rp_core *core = test->priv;
	struct rpmsg_lite_instance *rl;
	struct rp_sink *s;

	KUNIT_ASSERT_EQ(test, rproc_boot(core->rproc), 0);
	KUNIT_ASSERT_EQ(test, rproc_detach(core->rproc), 0);
	KUNIT_EXPECT_EQ(test, core->rproc->state, RPROC_DETACHED);
	KUNIT_EXPECT_NULL(test, rl_rproc_link(core->glue));

	KUNIT_ASSERT_EQ(test, rproc_boot(core->rproc), 0);
	KUNIT_EXPECT_EQ(test, core->attaches, 2);
	rl = rl_rproc_link(core->glue);
	KUNIT_ASSERT_NOT_NULL(test, rl);
	s = rp_sink_new(test, rl);
	rp_echo(test, rl, s, 7);
	KUNIT_EXPECT_TRUE(test, rp_status(core) & VIRTIO_CONFIG_S_DRIVER_OK);
	rpmsg_lite_destroy_ept(rl, s->ept);
}

/* Wait until the fake core was attached @n times and runs. */
static bool rp_wait_attached(struct rp_core *core, int n)
{
	unsigned long end = jiffies + msecs_to_jiffies(RP_WAIT_MS);

	while ((READ_ONCE(core->attaches) != n ||
		READ_ONCE(core->rproc->state) != RPROC_ATTACHED) &&
	       time_before(jiffies, end))
		usleep_range(5000, 10000);
	return READ_ONCE(core->attaches) == n &&
	       READ_ONCE(core->rproc->state) == RPROC_ATTACHED;
}

static void rl_rproc_test_crash_recovery_rebuilds_link_endpoints_survive(struct kunit *test)
{
	struct rp_core *core = test->priv;
	struct rpmsg_lite_link_stats st;
	struct rpmsg_lite_instance *rl;
	struct rp_sink *s;

	KUNIT_ASSERT_EQ(test, rproc_boot(core->rproc), 0);
	rl = rl_rproc_link(core->glue);
	KUNIT_ASSERT_NOT_NULL(test, rl);
	s = rp_sink_new(test, rl);
	rp_echo(test, rl, s, 100);

	/* recovery: the core is detached, then attached again */
	rproc_report_crash(core->rproc, RPROC_FATAL_ERROR);
	KUNIT_ASSERT_TRUE(test, rp_wait_attached(core, 2));
	KUNIT_EXPECT_EQ(test, core->detaches, 1);
	KUNIT_EXPECT_EQ(test, core->rproc->crash_cnt, 1U);

	/* the same link and endpoint, rebuilt rings, counted */
	KUNIT_ASSERT_PTR_EQ(test, rl_rproc_link(core->glue), rl);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_wait_for_link_up(core->remote,
							  RP_WAIT_MS), 0);
	rp_echo(test, rl, s, 101);
	rp_echo(test, rl, s, 102);
	rpmsg_lite_get_stats(rl, &st);
	KUNIT_EXPECT_EQ(test, st.resets, 1ULL);
	KUNIT_EXPECT_TRUE(test, rp_status(core) & VIRTIO_CONFIG_S_DRIVER_OK);
	rpmsg_lite_destroy_ept(rl, s->ept);
}

static void rl_rproc_test_crashed_core_shut_down_leaves_link_failing_with_epipe(struct kunit *test)
{
	struct rp_core *core = test->priv;
	struct rpmsg_lite_instance *rl;
	struct rp_sink *s;

	KUNIT_ASSERT_EQ(test, rproc_boot(core->rproc), 0);
	rl = rl_rproc_link(core->glue);
	KUNIT_ASSERT_NOT_NULL(test, rl);
	s = rp_sink_new(test, rl);
	rp_echo(test, rl, s, 200);

	core->rproc->recovery_disabled = true;
	rproc_report_crash(core->rproc, RPROC_FATAL_ERROR);
	KUNIT_ASSERT_TRUE(test, rp_wait_for(core, RPROC_CRASHED));
	KUNIT_ASSERT_EQ(test, rproc_shutdown(core->rproc), 0);

	/* the link waits for a recovery: down, endpoints kept, -EPIPE */
	KUNIT_ASSERT_PTR_EQ(test, rl_rproc_link(core->glue), rl);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_get_link_state(rl),
			RPMSG_LITE_LINK_RESETTING);
	KUNIT_EXPECT_EQ(test, rpmsg_lite_send(rl, s->ept, RP_ECHO_ADDR, "x",
					      1, RL_DONT_BLOCK), -EPIPE);
	KUNIT_EXPECT_NULL(test, core->remote);
	rpmsg_lite_destroy_ept(rl, s->ept);
}

static void rl_rproc_test_five_crash_cycles_keep_one_link(struct kunit *test)
{
	struct rp_core *core = test->priv;
	struct rpmsg_lite_link_stats st;
	struct rpmsg_lite_instance *rl;
	struct rp_sink *s;
	int i;

	KUNIT_ASSERT_EQ(test, rproc_boot(core->rproc), 0);
	rl = rl_rproc_link(core->glue);
	KUNIT_ASSERT_NOT_NULL(test, rl);
	s = rp_sink_new(test, rl);
	for (i = 0; i < 5; i++) {
		rproc_report_crash(core->rproc, RPROC_FATAL_ERROR);
		KUNIT_ASSERT_TRUE(test, rp_wait_attached(core, i + 2));
		rp_echo(test, rl, s, 300 + i);
	}
	rpmsg_lite_get_stats(rl, &st);
	KUNIT_EXPECT_EQ(test, st.resets, 5ULL);
	KUNIT_EXPECT_PTR_EQ(test, rl_rproc_link(core->glue), rl);
	rpmsg_lite_destroy_ept(rl, s->ept);
}

static struct kunit_case rl_rproc_cases[] = {
	KUNIT_CASE(rl_rproc_test_vdev_entry_gives_rpmsg_lite_layout),
	KUNIT_CASE(rl_rproc_test_bad_vdev_entries_are_refused),
	KUNIT_CASE(rl_rproc_test_vdev_entries_breaking_link_rules_are_refused),
	KUNIT_CASE(rl_rproc_test_claim_turns_rpmsg_vdev_into_ours),
	KUNIT_CASE(rl_rproc_test_boot_creates_link_and_sets_driver_ok),
	KUNIT_CASE(rl_rproc_test_shutdown_removes_link),
	KUNIT_CASE(rl_rproc_test_detach_and_attach_again_build_a_new_link),
	KUNIT_CASE(rl_rproc_test_crash_recovery_rebuilds_link_endpoints_survive),
	KUNIT_CASE(rl_rproc_test_crashed_core_shut_down_leaves_link_failing_with_epipe),
	KUNIT_CASE(rl_rproc_test_five_crash_cycles_keep_one_link),
	{}
};

static struct kunit_suite rl_rproc_suite = {
	.name = "rl_rproc",
	.init = rp_init,
	.exit = rp_exit,
	.test_cases = rl_rproc_cases,
};

rl_test_suites_module(rl_rproc_test, &rl_rproc_suite);

MODULE_DESCRIPTION("KUnit tests of the rpmsg-lite remoteproc glue");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
