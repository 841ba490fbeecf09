// SPDX-License-Identifier: GPL-2.0
/*
 * rl_bench_upstream.c - the upstream rpmsg stack as the peer baseline of
 * the benchmarks (rpmsg_lite_bench_upstream.ko, loaded by
 * scripts/guest/bench.sh)
 *
 * A remote processor that exists only in this kernel: a struct rproc in
 * attach mode whose resource table holds a standard RSC_VDEV entry with
 * VIRTIO_ID_RPMSG, so that the kernel's virtio_rpmsg_bus binds to it as the
 * master, and whose "firmware" is the remote role of this driver
 * (rpmsg_lite_remote_init()) on the same vrings and buffers:
 *
 *   vrings   two carveouts, "vdev0vring0" and "vdev0vring1", that this
 *            module allocates and registers in ops->prepare; device
 *            address = physical address, as without an IOMMU
 *   buffers  virtio_rpmsg_bus allocates its buffers itself, one
 *            dma_alloc_coherent() block (a "vdev0buffer" carveout needs
 *            CONFIG_DMA_DECLARE_COHERENT, which x86 does not have): once
 *            it has posted its receive buffers, the module reads where
 *            the block is from the descriptors of vring 0 (checked: one
 *            contiguous run of equal buffers, in system RAM) and gives it
 *            to the remote as a separate buffer region (desc->bufs)
 *   kicks    Linux -> remote: ops->kick -> rpmsg_lite_isr(); remote ->
 *            Linux: notify -> a work item -> rproc_vq_interrupt(), since
 *            virtio callbacks must not run in atomic context
 *
 * The remote takes the virtio master's habits: transmit descriptors as
 * long as their message (short_descs), and a kick for every batch of
 * buffers it gives back (notify_consumed), which a sender of
 * virtio_rpmsg_bus waiting for a free buffer needs.
 *
 * Tests (parameter test=):
 *   stream  the remote announces "rl-bench-upstream" through the name
 *           service; virtio_rpmsg_bus creates the channel and this
 *           module's rpmsg driver binds to it; the loading task sends
 *           @count messages of @size bytes with rpmsg_send(), the remote
 *           endpoint's callback (the link's receive work) copies each one
 *           out.  Messages/s, ns per message, one-way latency, kicks per
 *           message: upstream master -> our remote, against test=stream
 *           of rpmsg_lite_bench.ko (our master -> our remote).
 *   dev     set up only and stay loaded until unloaded: the upstream
 *           /dev/rpmsg_ctrlN (rpmsg_ctrl, rpmsg_char) and the remote
 *           link's /dev/rpmsg_lite_ctrlN, for rpmsg-lite-bench
 *           upstream-stream.
 *
 * Results: /sys/kernel/debug/rl_bench_upstream/output, one "result
 * key=value ..." line (or "error ..."), as rpmsg_lite_bench.ko writes
 * them.  A benchmark never fails on a number.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/dma-map-ops.h>
#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/remoteproc.h>
#include <linux/rpmsg.h>
#include <linux/rpmsg_lite.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/virtio_ids.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "rl_wire.h"

/*
 * Exported by drivers/remoteproc/remoteproc_virtio.c for remoteproc
 * drivers, declared only in the private remoteproc_internal.h there.
 */
irqreturn_t rproc_vq_interrupt(struct rproc *rproc, int vq_id);

static char *test = "stream";
module_param(test, charp, 0444);
MODULE_PARM_DESC(test, "stream or dev (default stream)");

static char *label = "";
module_param(label, charp, 0444);
MODULE_PARM_DESC(label, "name of this run in the output (default: the test)");

static unsigned int size = 16;
module_param(size, uint, 0444);
MODULE_PARM_DESC(size, "payload bytes per message, 8..496 (default 16)");

static unsigned int count = 20000;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "messages of a stream (default 20000)");

/* What virtio_rpmsg_bus of Linux 6.1 uses, fixed there. */
#define RLU_NUM			256	/* descriptors per vring */
#define RLU_BUF_SIZE		512	/* bytes per buffer, header included */
#define RLU_PAYLOAD		(RLU_BUF_SIZE - RL_MSG_HDR_SIZE)
/* Our choice for the resource table: used rings page aligned. */
#define RLU_ALIGN		PAGE_SIZE
/* Bytes of one vring carveout: vring_size(256, 4096) rounded to pages. */
#define RLU_VRING_BYTES		(3 * PAGE_SIZE)
/* Virtio rpmsg feature bit 0: name service (VIRTIO_RPMSG_F_NS). */
#define RLU_F_NS		BIT(0)
#define RLU_CHANNEL		"rl-bench-upstream"
#define RLU_OUT_SIZE		4096
#define RLU_WAIT_MS		5000
#define RLU_RX_WAIT_S		30

/**
 * struct rlu_table - resource table of the in-kernel remote
 * @ver: 1
 * @num: entries (1)
 * @reserved: zero
 * @offset: offset of the entry
 * @type: RSC_VDEV
 * @vdev: body of struct fw_rsc_vdev without its vrings
 * @vring: the two vrings
 */
struct rlu_table {
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
 * struct rlu_rx - receiving side of a stream (remote endpoint callback)
 * @lat: one-way latency of each measured message, ns
 * @sink: where each payload is copied to
 * @n: messages received in this run
 * @count: messages expected
 * @last_ns: when the last one arrived
 * @done: completed at the last message
 */
struct rlu_rx {
	u32 *lat;
	u8 *sink;
	u32 n;
	u32 count;
	u64 last_ns;
	struct completion done;
};

/**
 * struct rlu - the in-kernel remote processor and its link
 * @pdev: parent device of the rproc
 * @rproc: the rproc virtio_rpmsg_bus sees
 * @table: its resource table
 * @vrings: memory of both vrings (2 * RLU_VRING_BYTES, physically
 *          contiguous)
 * @vrings_pa: physical address of @vrings
 * @bufs: mapping of virtio_rpmsg_bus's buffer block, or NULL
 * @bufs_pa: its physical address
 * @lock: protects @rl and @early_kicks against kicks from Linux
 * @rl: the remote link once created
 * @early_kicks: vq ids (bits) Linux kicked before @rl existed
 * @wq: delivers the remote's kicks to the rproc
 * @work: the delivery
 * @to_linux: vq ids (bits) the remote kicked, not yet delivered
 * @ept: remote endpoint of test=stream
 * @rx: what @ept received
 * @rpdev: the upstream channel, once this module's driver bound to it
 * @probed: completed when @rpdev is set
 */
struct rlu {
	struct platform_device *pdev;
	struct rproc *rproc;
	struct rlu_table *table;
	void *vrings;
	phys_addr_t vrings_pa;
	void *bufs;
	phys_addr_t bufs_pa;
	spinlock_t lock; /* @rl and @early_kicks vs ops->kick */
	struct rpmsg_lite_instance *rl;
	unsigned long early_kicks;
	struct workqueue_struct *wq;
	struct work_struct work;
	unsigned long to_linux;
	struct rpmsg_lite_endpoint *ept;
	struct rlu_rx rx;
	struct rpmsg_device *rpdev;
	struct completion probed;
};

static struct rlu *rlu;
static struct dentry *rlu_dir;
static char *rlu_out;
static size_t rlu_out_len;
static struct debugfs_blob_wrapper rlu_blob;

static __printf(1, 2) void rlu_printf(const char *fmt, ...)
{
	va_list args;

	if (!rlu_out || rlu_out_len >= RLU_OUT_SIZE - 1)
		return;
	va_start(args, fmt);
	rlu_out_len += vscnprintf(rlu_out + rlu_out_len,
				  RLU_OUT_SIZE - rlu_out_len, fmt, args);
	va_end(args);
}

static const char *rlu_label(void)
{
	return label && *label ? label : test;
}

static struct rlu *rlu_of(struct rproc *rproc)
{
	return *(struct rlu **)rproc->priv;
}

/* ---- remote -> Linux ---- */

static void rlu_work(struct work_struct *work)
{
	struct rlu *u = container_of(work, struct rlu, work);
	unsigned long pend = xchg(&u->to_linux, 0);
	unsigned int vq;

	for_each_set_bit(vq, &pend, 2)
		rproc_vq_interrupt(u->rproc, vq);
}

/* The remote link kicks Linux: any context, delivered from process context. */
static int rlu_notify(void *priv, u32 vq_id)
{
	struct rlu *u = priv;

	if (vq_id > 1)
		return -EINVAL;
	set_bit(vq_id, &u->to_linux);
	queue_work(u->wq, &u->work);
	return 0;
}

static const struct rpmsg_lite_transport_ops rlu_remote_ops = {
	.notify = rlu_notify,
};

/* ---- rproc ops ---- */

/* Linux kicks the remote; kept for later while the remote does not exist. */
static void rlu_kick(struct rproc *rproc, int vqid)
{
	struct rlu *u = rlu_of(rproc);
	unsigned long flags;

	if (vqid < 0 || vqid > 1)
		return;
	spin_lock_irqsave(&u->lock, flags);
	if (u->rl)
		rpmsg_lite_isr(u->rl, vqid);
	else
		__set_bit(vqid, &u->early_kicks);
	spin_unlock_irqrestore(&u->lock, flags);
}

/* Register the vring memory as the carveouts virtio finds by name. */
static int rlu_prepare(struct rproc *rproc)
{
	struct rlu *u = rlu_of(rproc);
	struct rproc_mem_entry *mem;
	int i;

	for (i = 0; i < 2; i++) {
		mem = rproc_mem_entry_init(&rproc->dev,
					   u->vrings + i * RLU_VRING_BYTES,
					   u->vrings_pa + i * RLU_VRING_BYTES,
					   RLU_VRING_BYTES,
					   u->vrings_pa + i * RLU_VRING_BYTES,
					   NULL, NULL, "vdev0vring%d", i);
		if (!mem)
			return -ENOMEM;
		rproc_add_carveout(rproc, mem);
	}
	return 0;
}

/* The remote "runs" from the start; its link is created after the boot. */
static int rlu_attach(struct rproc *rproc)
{
	return 0;
}

static int rlu_stop(struct rproc *rproc)
{
	return 0;
}

static struct resource_table *rlu_get_table(struct rproc *rproc,
					    size_t *table_sz)
{
	*table_sz = sizeof(struct rlu_table);
	return (struct resource_table *)rlu_of(rproc)->table;
}

static const struct rproc_ops rlu_ops = {
	.prepare = rlu_prepare,
	.attach = rlu_attach,
	.stop = rlu_stop,
	.kick = rlu_kick,
	.get_loaded_rsc_table = rlu_get_table,
};

static void rlu_fill_table(struct rlu *u)
{
	struct rlu_table *t = u->table;
	int i;

	t->ver = 1;
	t->num = 1;
	t->offset[0] = offsetof(struct rlu_table, type);
	t->type = RSC_VDEV;
	t->vdev.id = VIRTIO_ID_RPMSG;
	t->vdev.dfeatures = RLU_F_NS;
	t->vdev.num_of_vrings = 2;
	for (i = 0; i < 2; i++) {
		t->vring[i].da = u->vrings_pa + i * RLU_VRING_BYTES;
		t->vring[i].align = RLU_ALIGN;
		t->vring[i].num = RLU_NUM;
		t->vring[i].notifyid = FW_RSC_ADDR_ANY;
	}
}

/*
 * Where virtio_rpmsg_bus put its buffers: it posted all its receive
 * buffers on vring 0 (master rx), descriptor i carrying buffer i of one
 * block whose second half holds its transmit buffers.  Every descriptor is
 * read once and checked against that picture.
 */
static int rlu_find_bufs(struct rlu *u)
{
	const struct rl_vring_desc *desc = u->vrings;
	const struct rl_vring_avail *avail = u->vrings + RLU_NUM *
					     sizeof(*desc);
	size_t len = 2 * RLU_NUM * RLU_BUF_SIZE;
	u64 base = 0, addr;
	u32 dlen;
	u16 idx;
	int i;

	idx = le16_to_cpu(READ_ONCE(avail->idx));
	if (idx != RLU_NUM) {
		pr_err("virtio_rpmsg_bus posted %u receive buffers, expected %u\n",
		       idx, RLU_NUM);
		return -ENODEV;
	}
	/* the master wrote the descriptors before the idx */
	virt_rmb();
	for (i = 0; i < RLU_NUM; i++) {
		addr = le64_to_cpu(READ_ONCE(desc[i].addr));
		dlen = le32_to_cpu(READ_ONCE(desc[i].len));
		if (!i)
			base = addr;
		if (dlen != RLU_BUF_SIZE || addr != base + i * RLU_BUF_SIZE) {
			pr_err("vring 0 descriptor %d: 0x%llx + %u, not buffer %d of a block at 0x%llx\n",
			       i, addr, dlen, i, base);
			return -ENODEV;
		}
	}
	if (base + len > U32_MAX) {
		pr_err("buffers at 0x%llx beyond 32-bit addresses\n", base);
		return -ENODEV;
	}
	/* system RAM: the kernel's own mapping, nothing is remapped */
	u->bufs = memremap(base, len, MEMREMAP_WB);
	if (!u->bufs) {
		pr_err("buffers at 0x%llx + 0x%zx are not system RAM\n", base,
		       len);
		return -ENODEV;
	}
	u->bufs_pa = base;
	return 0;
}

/* After the boot: the remote link on the vrings and the buffers found. */
static int rlu_remote_start(struct rlu *u)
{
	struct rpmsg_lite_link_desc d = {
		.dev = &u->pdev->dev,
		.name = "upstream-remote",
		.shm = u->vrings,
		.shm_size = 2 * RLU_VRING_BYTES,
		.cfg = {
			.link_id = 0,
			.payload_size = RLU_PAYLOAD,
			.buffer_count = RLU_NUM,
			.vring_align = RLU_ALIGN,
			.vring_size = RLU_VRING_BYTES,
			.shm_da = u->vrings_pa,
			.notify_consumed = true,
			.short_descs = true,
		},
		.ops = &rlu_remote_ops,
		.ops_priv = u,
		.bufs = u->bufs,
		.bufs_size = 2 * RLU_NUM * RLU_BUF_SIZE,
		.bufs_da = u->bufs_pa,
	};
	struct rpmsg_lite_instance *rl;
	unsigned long early;
	unsigned int vq;
	int ret;

	rl = rpmsg_lite_remote_init(&d);
	if (IS_ERR(rl))
		return PTR_ERR(rl);
	spin_lock_irq(&u->lock);
	u->rl = rl;
	early = u->early_kicks;
	u->early_kicks = 0;
	for_each_set_bit(vq, &early, 2)
		rpmsg_lite_isr(rl, vq);
	spin_unlock_irq(&u->lock);
	ret = rpmsg_lite_wait_for_link_up(rl, RLU_WAIT_MS);
	if (ret)
		pr_err("remote link did not come up: %d\n", ret);
	return ret;
}

static void rlu_remote_stop(struct rlu *u)
{
	struct rpmsg_lite_instance *rl;

	spin_lock_irq(&u->lock);
	rl = u->rl;
	u->rl = NULL;
	spin_unlock_irq(&u->lock);
	if (!rl)
		return;
	if (!IS_ERR_OR_NULL(u->ept))
		rpmsg_lite_destroy_ept(rl, u->ept);
	u->ept = NULL;
	rpmsg_lite_deinit(rl);
}

static void rlu_destroy(struct rlu *u)
{
	if (!u)
		return;
	/* the remote stops using Linux's buffers before they are freed */
	rlu_remote_stop(u);
	if (u->wq)
		flush_workqueue(u->wq);
	if (u->rproc) {
		rproc_shutdown(u->rproc);
		rproc_del(u->rproc);
		rproc_free(u->rproc);
	}
	if (u->wq)
		destroy_workqueue(u->wq);
	if (u->bufs)
		memunmap(u->bufs);
	if (!IS_ERR_OR_NULL(u->pdev))
		platform_device_unregister(u->pdev);
	if (u->vrings)
		free_pages_exact(u->vrings, 2 * RLU_VRING_BYTES);
	kfree(u->table);
	vfree(u->rx.lat);
	kfree(u->rx.sink);
	kfree(u);
}

static struct rlu *rlu_create(void)
{
	struct rlu *u;
	int ret = -ENOMEM;

	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&u->lock);
	INIT_WORK(&u->work, rlu_work);
	init_completion(&u->probed);
	u->table = kzalloc(sizeof(*u->table), GFP_KERNEL);
	/* 32-bit device addresses in the resource table */
	u->vrings = alloc_pages_exact(2 * RLU_VRING_BYTES,
				      GFP_KERNEL | GFP_DMA32 | __GFP_ZERO);
	u->wq = alloc_ordered_workqueue("rl_bench_upstream", WQ_HIGHPRI);
	if (!u->table || !u->vrings || !u->wq)
		goto err;
	u->vrings_pa = virt_to_phys(u->vrings);
	rlu_fill_table(u);

	u->pdev = platform_device_register_simple("rl-bench-upstream", -1,
						  NULL, 0);
	if (IS_ERR(u->pdev)) {
		ret = PTR_ERR(u->pdev);
		goto err;
	}
	/*
	 * virtio_rpmsg_bus's buffers are read through the kernel's linear
	 * mapping: the same memory type as its own only with coherent DMA.
	 */
	if (!dev_is_dma_coherent(&u->pdev->dev)) {
		pr_err("DMA is not cache-coherent here: the remote cannot share virtio_rpmsg_bus's buffers\n");
		ret = -EOPNOTSUPP;
		goto err;
	}
	u->rproc = rproc_alloc(&u->pdev->dev, "rl-bench-upstream", &rlu_ops,
			       NULL, sizeof(u));
	if (!u->rproc)
		goto err;
	*(struct rlu **)u->rproc->priv = u;
	u->rproc->state = RPROC_DETACHED;
	u->rproc->auto_boot = false;
	ret = rproc_add(u->rproc);
	if (ret) {
		rproc_free(u->rproc);
		u->rproc = NULL;
		goto err;
	}
	/* attach: virtio_rpmsg_bus probes, posts its buffers and kicks */
	ret = rproc_boot(u->rproc);
	if (ret) {
		pr_err("boot of the in-kernel remote failed: %d\n", ret);
		goto err;
	}
	ret = rlu_find_bufs(u);
	if (!ret)
		ret = rlu_remote_start(u);
	if (ret)
		goto err;
	return u;

err:
	rlu_destroy(u);
	return ERR_PTR(ret);
}

/* ---- the upstream channel ---- */

static int rlu_rpdev_cb(struct rpmsg_device *rpdev, void *data, int len,
			void *priv, u32 src)
{
	return 0;
}

static int rlu_rpdev_probe(struct rpmsg_device *rpdev)
{
	struct rlu *u = READ_ONCE(rlu);

	if (!u || u->rpdev)
		return -EBUSY;
	u->rpdev = rpdev;
	complete(&u->probed);
	return 0;
}

static void rlu_rpdev_remove(struct rpmsg_device *rpdev)
{
	struct rlu *u = READ_ONCE(rlu);

	if (u && u->rpdev == rpdev)
		u->rpdev = NULL;
}

static const struct rpmsg_device_id rlu_id_table[] = {
	{ .name = RLU_CHANNEL },
	{ },
};

static struct rpmsg_driver rlu_driver = {
	.drv.name = KBUILD_MODNAME,
	.id_table = rlu_id_table,
	.probe = rlu_rpdev_probe,
	.remove = rlu_rpdev_remove,
	.callback = rlu_rpdev_cb,
};

/* ---- test=stream ---- */

static int rlu_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* The remote endpoint: copy the payload out, take its latency. */
static int rlu_rx_cb(void *data, u32 len, u32 src, void *priv)
{
	struct rlu_rx *rx = priv;
	u64 now, ts;

	memcpy(rx->sink, data, min_t(u32, len, RLU_PAYLOAD));
	now = ktime_get_ns();
	if (rx->n >= rx->count || len < sizeof(ts))
		return RL_RELEASE;
	memcpy(&ts, rx->sink, sizeof(ts));
	rx->lat[rx->n] = min_t(u64, now - ts, U32_MAX);
	if (++rx->n == rx->count) {
		rx->last_ns = now;
		complete(&rx->done);
	}
	return RL_RELEASE;
}

/* Send @n messages through the upstream channel, wait for all of them. */
static int rlu_stream_run(struct rlu *u, u8 *txbuf, u32 n, u64 *t0)
{
	u64 now;
	u32 i;
	int ret;

	u->rx.n = 0;
	u->rx.count = n;
	reinit_completion(&u->rx.done);
	*t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		now = ktime_get_ns();
		memcpy(txbuf, &now, sizeof(now));
		ret = rpmsg_send(u->rpdev->ept, txbuf, size);
		if (ret) {
			pr_err("rpmsg_send %u of %u failed: %d\n", i, n, ret);
			return ret;
		}
	}
	if (!wait_for_completion_timeout(&u->rx.done, RLU_RX_WAIT_S * HZ)) {
		pr_err("only %u of %u messages arrived\n", u->rx.n, n);
		return -ETIMEDOUT;
	}
	return 0;
}

static int rlu_test_stream(struct rlu *u)
{
	struct rpmsg_lite_link_stats s0, s1;
	u64 t0, el;
	u8 *txbuf;
	int ret;

	if (size < sizeof(u64) || size > RLU_PAYLOAD || !count)
		return -EINVAL;
	u->rx.lat = vmalloc(array_size(count, sizeof(*u->rx.lat)));
	u->rx.sink = kmalloc(RLU_PAYLOAD, GFP_KERNEL);
	txbuf = kzalloc(size, GFP_KERNEL);
	ret = -ENOMEM;
	if (!u->rx.lat || !u->rx.sink || !txbuf)
		goto out;
	init_completion(&u->rx.done);
	u->ept = rpmsg_lite_create_ept(u->rl, RL_ADDR_ANY, rlu_rx_cb, &u->rx);
	if (IS_ERR(u->ept)) {
		ret = PTR_ERR(u->ept);
		goto out;
	}
	ret = rpmsg_lite_ns_announce(u->rl, u->ept, RLU_CHANNEL,
				     RL_NS_CREATE);
	if (ret)
		goto out;
	if (!wait_for_completion_timeout(&u->probed,
					 msecs_to_jiffies(RLU_WAIT_MS))) {
		pr_err("virtio_rpmsg_bus created no channel %s\n",
		       RLU_CHANNEL);
		ret = -ETIMEDOUT;
		goto out;
	}

	/* warm-up: a tenth of the messages, not measured */
	ret = rlu_stream_run(u, txbuf, max(count / 10, 1U), &t0);
	if (ret)
		goto out;
	rpmsg_lite_get_stats(u->rl, &s0);
	ret = rlu_stream_run(u, txbuf, count, &t0);
	if (ret)
		goto out;
	rpmsg_lite_get_stats(u->rl, &s1);
	el = max(u->rx.last_ns - t0, 1ULL);
	sort(u->rx.lat, count, sizeof(*u->rx.lat), rlu_cmp_u32, NULL);

	rlu_printf("result test=upstream_stream name=%s size=%u payload=%u buffers=%u",
		   rlu_label(), size, RLU_PAYLOAD, RLU_NUM);
	rlu_printf(" count=%u elapsed_ns=%llu msgs_per_s=%llu ns_per_msg=%llu",
		   count, el, div64_u64((u64)count * NSEC_PER_SEC, el),
		   div_u64(el, count));
	rlu_printf(" kicks_to_remote=%llu kicks_to_master=%llu rx_msgs=%llu",
		   s1.kicks_in - s0.kicks_in, s1.kicks_out - s0.kicks_out,
		   s1.rx_msgs - s0.rx_msgs);
	rlu_printf(" lat_p50=%u lat_p99=%u lat_max=%u\n",
		   u->rx.lat[count / 2], u->rx.lat[count / 100 * 99],
		   u->rx.lat[count - 1]);
out:
	kfree(txbuf);
	return ret;
}

/* ---- module ---- */

static int __init rlu_init(void)
{
	struct rlu *u;
	int ret;

	rlu_out = kzalloc(RLU_OUT_SIZE, GFP_KERNEL);
	if (!rlu_out)
		return -ENOMEM;
	rlu_dir = debugfs_create_dir("rl_bench_upstream", NULL);

	ret = register_rpmsg_driver(&rlu_driver);
	if (ret) {
		kfree(rlu_out);
		debugfs_remove_recursive(rlu_dir);
		return ret;
	}
	if (strcmp(test, "stream") && strcmp(test, "dev")) {
		pr_err("unknown test '%s'\n", test);
		ret = -EINVAL;
		goto report;
	}
	u = rlu_create();
	if (IS_ERR(u)) {
		ret = PTR_ERR(u);
		goto report;
	}
	WRITE_ONCE(rlu, u);
	if (!strcmp(test, "stream"))
		ret = rlu_test_stream(u);
	else
		rlu_printf("result test=upstream_dev name=%s link=%s ready=1\n",
			   rlu_label(), rpmsg_lite_get_name(u->rl));
report:
	if (ret)
		rlu_printf("error test=%s name=%s errno=%d\n", test,
			   rlu_label(), ret);
	rlu_blob.data = rlu_out;
	rlu_blob.size = rlu_out_len;
	debugfs_create_blob("output", 0400, rlu_dir, &rlu_blob);
	/* the module stays loaded so that the output can be read */
	return 0;
}
module_init(rlu_init);

static void __exit rlu_exit(void)
{
	debugfs_remove_recursive(rlu_dir);
	rlu_destroy(rlu);
	unregister_rpmsg_driver(&rlu_driver);
	kfree(rlu_out);
}
module_exit(rlu_exit);

MODULE_DESCRIPTION("rpmsg-lite benchmark baseline: the upstream rpmsg stack to an rpmsg-lite remote");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
