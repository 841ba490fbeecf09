// SPDX-License-Identifier: GPL-2.0
/*
 * rl_rproc.c - remoteproc glue: an rproc subdevice that is the master of
 * an rpmsg-lite link described by a vdev entry of the resource table.
 *
 * Life of the link against the life of the remote core:
 *   prepare    the vdev entry is read and checked, the shared region
 *              mapped (rproc_da_to_va); status byte cleared
 *   start      first boot or attach: rpmsg_lite_master_init(); after a
 *              crash: rpmsg_lite_reset_link() on the link that was kept;
 *              then the status byte gets DRIVER_OK
 *   stop       crash (crashed, or the rproc is in RPROC_CRASHED - attach
 *              recovery stops subdevices with crashed false):
 *              rpmsg_lite_peer_lost(), endpoints stay; otherwise
 *              rpmsg_lite_deinit()
 *   unprepare  nothing kept but the link of a crashed core
 *
 * The vdev entry uses type RL_RSC_RPMSG_LITE_VDEV so that the remoteproc
 * core does not build a virtio device for it (see rl_rproc.h and
 * Documentation/rpmsg-lite/remoteproc.rst).  Layout derived from it
 * (rpmsg-lite's): vring 0 at da0, vring 1 at da1 = da0 + vring_size,
 * buffers from da0 + 2 * vring_size, 2 * num of them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/mutex.h>
#include <linux/remoteproc.h>
#include <linux/rpmsg_lite.h>
#include <linux/rsc_table.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

#include "rl_rproc.h"

/* Any notify id / address in a resource table ("allocate one for me"). */
#define RL_RSC_ANY			((u32)FW_RSC_ADDR_ANY)
/* Virtio rpmsg feature bit 0: name service (VIRTIO_RPMSG_F_NS). */
#define RL_RPROC_F_NS			BIT(0)
/* Status the glue writes once the rings are ready, as virtio drivers do. */
#define RL_RPROC_STATUS_READY		(VIRTIO_CONFIG_S_ACKNOWLEDGE | \
					 VIRTIO_CONFIG_S_DRIVER | \
					 VIRTIO_CONFIG_S_DRIVER_OK)

/**
 * struct rl_rproc - glue of one rproc
 * @rproc: the remote processor
 * @subdev: our subdevice
 * @desc: copy of what rl_rproc_add() was given
 * @name: link name
 * @rsc_offset: offset of our vdev entry's body in the table, or -1
 * @cfg: link configuration derived from the vdev entry
 * @shm: mapping of the shared region
 * @shm_size: bytes of it in use
 * @lock: protects @rl against rl_rproc_vq_interrupt() (any context)
 * @rl: the link, or NULL
 */
struct rl_rproc {
	struct rproc *rproc;
	struct rproc_subdev subdev;
	struct rl_rproc_desc desc;
	const char *name;
	int rsc_offset;
	struct rpmsg_lite_config cfg;
	void *shm;
	size_t shm_size;
	spinlock_t lock; /* @rl vs incoming kicks */
	struct rpmsg_lite_instance *rl;
};

#define to_glue(s)	container_of(s, struct rl_rproc, subdev)

/* How rpmsg_lite_config_check() names each number: by its vdev field. */
static const char *const rl_rproc_names[RPMSG_LITE_CFG_FIELDS] = {
	[RPMSG_LITE_CFG_LINK_ID] = "link id (vring 0 notifyid / 2)",
	[RPMSG_LITE_CFG_PAYLOAD_SIZE] = "payload_size",
	[RPMSG_LITE_CFG_BUFFER_COUNT] = "vring num",
	[RPMSG_LITE_CFG_VRING_ALIGN] = "vring align",
	[RPMSG_LITE_CFG_VRING_SIZE] = "vring 1 da - vring 0 da",
	[RPMSG_LITE_CFG_SHM_DA] = "vring 0 da",
	[RPMSG_LITE_CFG_SHM_SIZE] = "link region",
};

/**
 * rl_rproc_vdev_config() - link configuration of a vdev entry
 * @rsc: body of the entry (struct fw_rsc_vdev and its vrings)
 * @avail: bytes of the table from @rsc on
 * @payload_size: payload per message (0: 496)
 * @cfg: filled in: link id from the notify ids, buffer count = num,
 *       alignment, vring size = da1 - da0, shm_da = da0, defaults
 * @shm_size: set to the bytes the link uses from da0 on
 *
 * Every field is read once and checked, the numbers by
 * rpmsg_lite_config_check() as for every link; what is wrong is logged,
 * named as in the resource table.
 *
 * Return: 0, or -EINVAL for an entry this driver cannot serve.
 */
int rl_rproc_vdev_config(const void *rsc, int avail, u32 payload_size,
			 struct rpmsg_lite_config *cfg, size_t *shm_size)
{
	const struct fw_rsc_vdev *vdev = rsc;
	struct rpmsg_lite_config_error err;
	struct fw_rsc_vdev_vring v[2];
	u32 id, nvrings, cfg_len;
	u64 size;
	int i;

	if (avail < 0 || (size_t)avail < sizeof(*vdev) + sizeof(v)) {
		pr_err("vdev entry truncated: %d bytes\n", avail);
		return -EINVAL;
	}
	id = READ_ONCE(vdev->id);
	nvrings = READ_ONCE(vdev->num_of_vrings);
	cfg_len = READ_ONCE(vdev->config_len);
	if (id != VIRTIO_ID_RPMSG || nvrings != 2) {
		pr_err("vdev entry has id %u with %u vrings: needs VIRTIO_ID_RPMSG (%u) with 2\n",
		       id, nvrings, VIRTIO_ID_RPMSG);
		return -EINVAL;
	}
	if (cfg_len > (size_t)avail - sizeof(*vdev) - sizeof(v)) {
		pr_err("vdev entry config space of %u bytes runs past the table\n",
		       cfg_len);
		return -EINVAL;
	}
	for (i = 0; i < 2; i++)
		memcpy(&v[i], &vdev->vring[i], sizeof(v[i]));

	if (v[0].da == RL_RSC_ANY || v[1].da == RL_RSC_ANY ||
	    v[1].da <= v[0].da) {
		pr_err("vrings at 0x%x and 0x%x: give them fixed device addresses, vring 1 after vring 0\n",
		       v[0].da, v[1].da);
		return -EINVAL;
	}
	if (v[0].num != v[1].num || v[0].align != v[1].align) {
		pr_err("vrings differ (num %u/%u, align 0x%x/0x%x): rpmsg-lite uses one size for both\n",
		       v[0].num, v[1].num, v[0].align, v[1].align);
		return -EINVAL;
	}
	if (!v[0].num || !v[0].align) {
		pr_err("vring num %u, align 0x%x: a resource table gives both, it has no defaults\n",
		       v[0].num, v[0].align);
		return -EINVAL;
	}
	memset(cfg, 0, sizeof(*cfg));
	if (v[0].notifyid == RL_RSC_ANY && v[1].notifyid == RL_RSC_ANY) {
		cfg->link_id = 0;
	} else if (!(v[0].notifyid & 1) && v[0].notifyid != RL_RSC_ANY &&
		   v[1].notifyid == v[0].notifyid + 1) {
		cfg->link_id = v[0].notifyid >> 1;
	} else {
		pr_err("vring notify ids %u, %u: rpmsg-lite needs 2n, 2n + 1 (vq ids of link n)\n",
		       v[0].notifyid, v[1].notifyid);
		return -EINVAL;
	}
	cfg->buffer_count = v[0].num;
	cfg->vring_align = v[0].align;
	cfg->vring_size = v[1].da - v[0].da;
	cfg->shm_da = v[0].da;
	cfg->payload_size = payload_size;
	if (rpmsg_lite_config_check(cfg, 0, rl_rproc_names, &err)) {
		pr_err("vdev entry refused: %s\n", err.msg);
		return -EINVAL;
	}

	size = rpmsg_lite_shm_size(cfg);
	if (size > SIZE_MAX || cfg->shm_da + size - 1 > U32_MAX) {
		pr_err("link region of 0x%llx bytes at 0x%llx does not fit 32-bit device addresses\n",
		       size, cfg->shm_da);
		return -EINVAL;
	}
	*shm_size = size;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rl_rproc_vdev_config, RPMSG_LITE);

static struct fw_rsc_vdev *rl_rproc_vdev(struct rl_rproc *glue, int *avail)
{
	struct rproc *rproc = glue->rproc;

	if (glue->rsc_offset < 0 || !rproc->table_ptr ||
	    glue->rsc_offset >= rproc->table_sz)
		return NULL;
	*avail = rproc->table_sz - glue->rsc_offset;
	return (void *)rproc->table_ptr + glue->rsc_offset;
}

/* Transport of the link by default: the rproc's own kick. */
static int rl_rproc_notify(void *priv, u32 vq_id)
{
	struct rl_rproc *glue = priv;

	if (!glue->rproc->ops->kick)
		return -EOPNOTSUPP;
	glue->rproc->ops->kick(glue->rproc, vq_id);
	return 0;
}

static const struct rpmsg_lite_transport_ops rl_rproc_kick_ops = {
	.notify = rl_rproc_notify,
};

static int rl_rproc_prepare(struct rproc_subdev *subdev)
{
	struct rl_rproc *glue = to_glue(subdev);
	struct device *dev = &glue->rproc->dev;
	struct rpmsg_lite_config cfg;
	struct fw_rsc_vdev *vdev;
	bool is_iomem = false;
	size_t size;
	void *shm;
	int avail, ret;

	vdev = rl_rproc_vdev(glue, &avail);
	if (!vdev) {
		dev_dbg(dev, "no rpmsg-lite vdev in the resource table\n");
		return 0;
	}
	ret = rl_rproc_vdev_config(vdev, avail, glue->desc.payload_size, &cfg,
				   &size);
	if (ret) {
		dev_err(dev, "rpmsg-lite vdev entry at table offset %d refused\n",
			glue->rsc_offset);
		return ret;
	}
	cfg.link_up_kick_ms = glue->desc.link_up_kick_ms;
	cfg.notify_consumed = glue->desc.notify_consumed;

	shm = rproc_da_to_va(glue->rproc, cfg.shm_da, size, &is_iomem);
	if (!shm || is_iomem) {
		dev_err(dev, "rpmsg-lite region 0x%zx bytes at device address 0x%llx is %s: describe it as a carveout or in da_to_va\n",
			size, cfg.shm_da, shm ? "I/O memory" : "not mapped");
		return -ENOMEM;
	}

	if (glue->rl && (shm != glue->shm || size != glue->shm_size ||
			 memcmp(&cfg, &glue->cfg, sizeof(cfg)))) {
		struct rpmsg_lite_instance *old = glue->rl;

		dev_err(dev, "rpmsg-lite vdev changed across recovery: removing the link\n");
		spin_lock_irq(&glue->lock);
		glue->rl = NULL;
		spin_unlock_irq(&glue->lock);
		rpmsg_lite_deinit(old);
	}
	glue->cfg = cfg;
	glue->shm = shm;
	glue->shm_size = size;
	if (cfg.link_id == 0 && vdev->vring[0].notifyid == RL_RSC_ANY) {
		WRITE_ONCE(vdev->vring[0].notifyid, 0);
		WRITE_ONCE(vdev->vring[1].notifyid, 1);
	}
	WRITE_ONCE(vdev->gfeatures, READ_ONCE(vdev->dfeatures) & RL_RPROC_F_NS);
	WRITE_ONCE(vdev->status, 0);
	return 0;
}

static int rl_rproc_start(struct rproc_subdev *subdev)
{
	struct rl_rproc *glue = to_glue(subdev);
	struct rpmsg_lite_link_desc d = {
		.dev = &glue->rproc->dev,
		.name = glue->name,
		.shm = glue->shm,
		.shm_size = glue->shm_size,
		.cfg = glue->cfg,
		.ops = glue->desc.ops ?: &rl_rproc_kick_ops,
		.ops_priv = glue->desc.ops ? glue->desc.ops_priv : glue,
	};
	struct rpmsg_lite_instance *rl;
	struct fw_rsc_vdev *vdev;
	int avail, ret;

	vdev = rl_rproc_vdev(glue, &avail);
	if (!vdev || !glue->shm)
		return 0;

	if (glue->rl) {
		/* recovery: same link, fresh rings */
		ret = rpmsg_lite_reset_link(glue->rl);
		if (ret)
			return ret;
	} else {
		rl = rpmsg_lite_master_init(&d);
		if (IS_ERR(rl))
			return PTR_ERR(rl);
		spin_lock_irq(&glue->lock);
		glue->rl = rl;
		spin_unlock_irq(&glue->lock);
	}
	/* the rings are written before the remote may act on the status */
	wmb();
	WRITE_ONCE(vdev->status, RL_RPROC_STATUS_READY);
	return 0;
}

static void rl_rproc_stop(struct rproc_subdev *subdev, bool crashed)
{
	struct rl_rproc *glue = to_glue(subdev);
	struct rpmsg_lite_instance *rl = glue->rl;

	if (!rl)
		return;
	if (crashed || glue->rproc->state == RPROC_CRASHED) {
		dev_info(&glue->rproc->dev, "%s: remote crashed: link down until it is recovered\n",
			 glue->name);
		rpmsg_lite_peer_lost(rl);
		return;
	}
	spin_lock_irq(&glue->lock);
	glue->rl = NULL;
	spin_unlock_irq(&glue->lock);
	rpmsg_lite_deinit(rl);
}

static void rl_rproc_unprepare(struct rproc_subdev *subdev)
{
	struct rl_rproc *glue = to_glue(subdev);

	if (!glue->rl) {
		glue->shm = NULL;
		glue->shm_size = 0;
	}
}

/**
 * rl_rproc_add() - attach the glue to a remote processor
 * @rproc: remote processor, allocated; call before rproc_boot() (or
 *         before rproc_add() with auto boot)
 * @desc: link parameters the table does not carry
 *
 * The remoteproc driver must also forward resources of type
 * RL_RSC_RPMSG_LITE_VDEV from its ops->handle_rsc to
 * rl_rproc_handle_rsc(), and incoming kicks to rl_rproc_vq_interrupt()
 * (unless @desc gives a transport of its own).
 *
 * Context: process context.
 * Return: the glue, or ERR_PTR(-EINVAL, -ENOMEM).
 */
struct rl_rproc *rl_rproc_add(struct rproc *rproc,
			      const struct rl_rproc_desc *desc)
{
	struct rl_rproc *glue;

	if (!rproc || !desc)
		return ERR_PTR(-EINVAL);
	glue = kzalloc(sizeof(*glue), GFP_KERNEL);
	if (!glue)
		return ERR_PTR(-ENOMEM);
	glue->desc = *desc;
	glue->name = kstrdup_const(desc->name ?: rproc->name, GFP_KERNEL);
	if (!glue->name) {
		kfree(glue);
		return ERR_PTR(-ENOMEM);
	}
	glue->desc.name = NULL;
	glue->rproc = rproc;
	glue->rsc_offset = -1;
	spin_lock_init(&glue->lock);
	glue->subdev.prepare = rl_rproc_prepare;
	glue->subdev.start = rl_rproc_start;
	glue->subdev.stop = rl_rproc_stop;
	glue->subdev.unprepare = rl_rproc_unprepare;
	rproc_add_subdev(rproc, &glue->subdev);
	return glue;
}
EXPORT_SYMBOL_NS_GPL(rl_rproc_add, RPMSG_LITE);

/**
 * rl_rproc_remove() - detach the glue
 * @glue: from rl_rproc_add(), or NULL / an ERR_PTR (no-op)
 *
 * Call after the remote processor was shut down or deleted (rproc_del());
 * a link still there (crashed core never recovered) is removed.
 *
 * Context: process context.
 */
void rl_rproc_remove(struct rl_rproc *glue)
{
	struct rpmsg_lite_instance *rl;

	if (IS_ERR_OR_NULL(glue))
		return;
	rproc_remove_subdev(glue->rproc, &glue->subdev);
	spin_lock_irq(&glue->lock);
	rl = glue->rl;
	glue->rl = NULL;
	spin_unlock_irq(&glue->lock);
	if (rl)
		rpmsg_lite_deinit(rl);
	kfree_const(glue->name);
	kfree(glue);
}
EXPORT_SYMBOL_NS_GPL(rl_rproc_remove, RPMSG_LITE);

/**
 * rl_rproc_handle_rsc() - ops->handle_rsc helper of a remoteproc driver
 * @glue: glue of the rproc
 * @type: resource type the core passes
 * @rsc: resource body
 * @offset: offset of @rsc in the table
 * @avail: bytes from @rsc to the end of the table
 *
 * Takes the RL_RSC_RPMSG_LITE_VDEV entry (one per glue) after checking it.
 *
 * Context: process context (resource handling of the remoteproc core).
 * Return: RSC_HANDLED, RSC_IGNORED for other types, -EINVAL for a bad
 * entry or a second one (boot fails with it).
 */
int rl_rproc_handle_rsc(struct rl_rproc *glue, u32 type, void *rsc,
			int offset, int avail)
{
	struct rpmsg_lite_config cfg;
	size_t size;

	if (IS_ERR_OR_NULL(glue) || type != RL_RSC_RPMSG_LITE_VDEV)
		return RSC_IGNORED;
	if (glue->rsc_offset >= 0 && glue->rsc_offset != offset) {
		dev_err(&glue->rproc->dev, "second rpmsg-lite vdev at table offset %d: one per rproc\n",
			offset);
		return -EINVAL;
	}
	if (rl_rproc_vdev_config(rsc, avail, glue->desc.payload_size, &cfg,
				 &size))
		return -EINVAL;
	glue->rsc_offset = offset;
	return RSC_HANDLED;
}
EXPORT_SYMBOL_NS_GPL(rl_rproc_handle_rsc, RPMSG_LITE);

/**
 * rl_rproc_claim_vdevs() - give a table's rpmsg vdevs to this driver
 * @table: resource table (e.g. the cached copy in ops->parse_fw)
 * @table_sz: bytes of @table
 *
 * For firmware built for Linux's virtio master: turns every RSC_VDEV entry
 * with id VIRTIO_ID_RPMSG into RL_RSC_RPMSG_LITE_VDEV, so that the
 * remoteproc core leaves it to ops->handle_rsc.  The type word is the only
 * change; firmware does not read it back.
 *
 * Return: the number of entries changed, or -EINVAL for a truncated table.
 */
int rl_rproc_claim_vdevs(struct resource_table *table, size_t table_sz)
{
	u32 i, n = 0, num;

	if (!table || table_sz < sizeof(*table))
		return -EINVAL;
	num = READ_ONCE(table->num);
	if (num > (table_sz - sizeof(*table)) / sizeof(u32))
		return -EINVAL;
	for (i = 0; i < num; i++) {
		u32 off = READ_ONCE(table->offset[i]);
		struct fw_rsc_hdr *hdr;
		struct fw_rsc_vdev *vdev;

		if (off < sizeof(*table) || off >= table_sz ||
		    table_sz - off < sizeof(*hdr) + sizeof(*vdev))
			continue;
		hdr = (void *)table + off;
		vdev = (void *)hdr + sizeof(*hdr);
		if (READ_ONCE(hdr->type) == RSC_VDEV &&
		    READ_ONCE(vdev->id) == VIRTIO_ID_RPMSG) {
			WRITE_ONCE(hdr->type, RL_RSC_RPMSG_LITE_VDEV);
			n++;
		}
	}
	return n;
}
EXPORT_SYMBOL_NS_GPL(rl_rproc_claim_vdevs, RPMSG_LITE);

/**
 * rl_rproc_vq_interrupt() - the remote kicked a vring
 * @glue: glue of the rproc
 * @notifyid: notify id of the vring (vq id (link << 1) | queue)
 *
 * For remoteproc drivers: call it where rproc_vq_interrupt() would be
 * called.  Kicks while no link exists are ignored.
 *
 * Context: any, including hard IRQ.
 */
void rl_rproc_vq_interrupt(struct rl_rproc *glue, u32 notifyid)
{
	unsigned long flags;

	if (IS_ERR_OR_NULL(glue))
		return;
	spin_lock_irqsave(&glue->lock, flags);
	if (glue->rl)
		rpmsg_lite_isr(glue->rl, notifyid);
	spin_unlock_irqrestore(&glue->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(rl_rproc_vq_interrupt, RPMSG_LITE);

/**
 * rl_rproc_link() - the link of an rproc, for its users
 * @glue: glue of the rproc
 *
 * Return: the link while the remote runs (or is being recovered), else
 * NULL.  Valid until the LINK_REMOVED notifier event.
 */
struct rpmsg_lite_instance *rl_rproc_link(struct rl_rproc *glue)
{
	return IS_ERR_OR_NULL(glue) ? NULL : READ_ONCE(glue->rl);
}
EXPORT_SYMBOL_NS_GPL(rl_rproc_link, RPMSG_LITE);
