// SPDX-License-Identifier: GPL-2.0
/*
 * rl_platform.c - "rpmsg-lite-link" platform driver: turns a firmware
 * description of a link (device tree or software node) into a running
 * rpmsg-lite link over the mailbox transport.
 *
 * Probe only reads properties and acquires resources.  Every number is
 * checked before anything is acquired, by the core's
 * rpmsg_lite_config_check() with the property names of the binding, so a
 * wrong board description fails with one message naming the property to
 * fix; rpmsg_lite_*_init() checking again never fires for a link probed
 * here.
 *
 * Resources, released in reverse order by devres after remove():
 *   mapping of the shared region   devm_memremap()
 *   mailbox transport              rl_mbox_create(), devm action
 *   link                           rpmsg_lite_{master,remote}_init(),
 *                                  deinitialised by remove()
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_reserved_mem.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/rpmsg_lite.h>
#include <linux/string.h>

#include "rl_compat.h"
#include "rl_internal.h"
#include "rl_mbox.h"
#include "rl_platform.h"
#include "rl_wire.h"

/* Property names of the binding (nxp,rpmsg-lite-link.yaml). */
#define RL_PROP_ROLE		"nxp,role"
#define RL_PROP_LINK_ID		"nxp,link-id"
#define RL_PROP_PAYLOAD		"nxp,payload-size"
#define RL_PROP_COUNT		"nxp,buffer-count"
#define RL_PROP_ALIGN		"nxp,vring-align"
#define RL_PROP_VRING_SIZE	"nxp,vring-size"
#define RL_PROP_ENCODING	"nxp,kick-encoding"
#define RL_PROP_SHM_DA		"nxp,shm-da"
#define RL_PROP_KICK_MS		"nxp,link-up-kick-ms"
#define RL_PROP_CONSUMED	"nxp,notify-consumed"
#define RL_PROP_EVENT_IDX	"nxp,event-idx"
#define RL_PROP_TXDONE		"nxp,mbox-txdone-by-client"

/* How rpmsg_lite_config_check() names each number: by its property. */
static const char *const rl_prop_names[RPMSG_LITE_CFG_FIELDS] = {
	[RPMSG_LITE_CFG_LINK_ID] = RL_PROP_LINK_ID,
	[RPMSG_LITE_CFG_PAYLOAD_SIZE] = RL_PROP_PAYLOAD,
	[RPMSG_LITE_CFG_BUFFER_COUNT] = RL_PROP_COUNT,
	[RPMSG_LITE_CFG_VRING_ALIGN] = RL_PROP_ALIGN,
	[RPMSG_LITE_CFG_VRING_SIZE] = RL_PROP_VRING_SIZE,
	[RPMSG_LITE_CFG_SHM_DA] = RL_PROP_SHM_DA,
	/* the reserved-memory region of "memory-region" */
	[RPMSG_LITE_CFG_SHM_SIZE] = "shared memory",
};

/**
 * struct rl_platform_link - one bound link device
 * @dev: the platform device's struct device
 * @role: master or remote
 * @desc: what the link was initialised with (@desc.ops_priv is the
 *	  transport)
 * @shm_phys: physical address of the shared region (for the log line)
 * @mbox: mailbox transport, destroyed by a devres action after remove()
 * @rl: the link; NULL once remove() deinitialised it
 */
struct rl_platform_link {
	struct device *dev;
	enum rpmsg_lite_role role;
	struct rpmsg_lite_link_desc desc;
	phys_addr_t shm_phys;
	struct rl_mbox *mbox;
	struct rpmsg_lite_instance *rl;
};

/**
 * struct rl_mbox_name - a channel name of "mbox-names"
 * @name: the name
 * @encoding: RL_KICK_PER_VRING for the per-vring names; RL_KICK_IMX
 *	      stands for both RL_KICK_IMX and RL_KICK_RAW
 * @rx: the channel receives the peer's kicks only
 * @queue: queue (vring) the channel serves
 */
struct rl_mbox_name {
	const char *name;
	enum rl_kick_encoding encoding;
	bool rx;
	unsigned int queue;
};

static const struct rl_mbox_name rl_mbox_names[] = {
	{ "tx", RL_KICK_IMX, false, 0 },
	{ "rx", RL_KICK_IMX, true, 0 },
	{ "vq0", RL_KICK_PER_VRING, false, 0 },
	{ "vq1", RL_KICK_PER_VRING, false, 1 },
	{ "vq0-rx", RL_KICK_PER_VRING, true, 0 },
	{ "vq1-rx", RL_KICK_PER_VRING, true, 1 },
};

static const char * const rl_encoding_names[] = {
	[RL_KICK_IMX] = "imx",
	[RL_KICK_RAW] = "raw",
	[RL_KICK_PER_VRING] = "per-vring",
};

/* ---- properties ---- */

/*
 * Read an optional u32: @def when absent, an error when present but not a
 * single u32 cell.
 */
static int rl_read_u32(struct device *dev, const char *prop, u32 def,
		       u32 *val)
{
	int ret;

	if (!device_property_present(dev, prop)) {
		*val = def;
		return 0;
	}
	ret = device_property_read_u32(dev, prop, val);
	if (ret)
		return dev_err_probe(dev, -EINVAL,
				     "\"%s\" must be one 32-bit cell (%d)\n",
				     prop, ret);
	return 0;
}

static int rl_read_role(struct device *dev, enum rpmsg_lite_role *role)
{
	const char *s;
	int ret;

	ret = device_property_read_string(dev, RL_PROP_ROLE, &s);
	if (ret)
		return dev_err_probe(dev, -EINVAL,
				     "\"%s\" is missing: set it to \"master\" (Linux lays out the rings) or \"remote\"\n",
				     RL_PROP_ROLE);
	if (!strcmp(s, "master")) {
		*role = RPMSG_LITE_MASTER;
	} else if (!strcmp(s, "remote")) {
		*role = RPMSG_LITE_REMOTE;
	} else {
		return dev_err_probe(dev, -EINVAL,
				     "%s \"%s\" is unknown: use \"master\" or \"remote\"\n",
				     RL_PROP_ROLE, s);
	}
	return 0;
}

static int rl_read_encoding(struct device *dev, enum rl_kick_encoding *enc)
{
	const char *s;
	int i;

	if (!device_property_present(dev, RL_PROP_ENCODING)) {
		*enc = RL_KICK_IMX;
		return 0;
	}
	if (device_property_read_string(dev, RL_PROP_ENCODING, &s))
		return dev_err_probe(dev, -EINVAL, "\"%s\" must be a string\n",
				     RL_PROP_ENCODING);
	i = match_string(rl_encoding_names, ARRAY_SIZE(rl_encoding_names), s);
	if (i < 0)
		return dev_err_probe(dev, -EINVAL,
				     "%s \"%s\" is unknown: use \"imx\", \"raw\" or \"per-vring\"\n",
				     RL_PROP_ENCODING, s);
	*enc = i;
	return 0;
}

/*
 * "nxp,shm-da": one cell (the 32-bit address rpmsg-lite uses) or two
 * cells (high, low).  Absent: the remote sees the region at the physical
 * address Linux sees it at.
 */
static int rl_read_shm_da(struct device *dev, phys_addr_t phys, u64 *da)
{
	u32 cells[2];
	int n;

	if (!device_property_present(dev, RL_PROP_SHM_DA)) {
		*da = phys;
		return 0;
	}
	n = device_property_count_u32(dev, RL_PROP_SHM_DA);
	if (n == 1 || n == 2)
		n = device_property_read_u32_array(dev, RL_PROP_SHM_DA, cells,
						   n) ?: n;
	if (n == 1) {
		*da = cells[0];
	} else if (n == 2) {
		*da = (u64)cells[0] << 32 | cells[1];
	} else {
		return dev_err_probe(dev, -EINVAL,
				     "\"%s\" must be one cell (32-bit address) or two (high, low)\n",
				     RL_PROP_SHM_DA);
	}
	return 0;
}

/* Absent numbers stay 0: rpmsg_lite_config_check() fills in the defaults. */
static int rl_read_config(struct device *dev, struct rpmsg_lite_config *cfg)
{
	int ret;

	ret = rl_read_u32(dev, RL_PROP_LINK_ID, 0, &cfg->link_id);
	ret = ret ?: rl_read_u32(dev, RL_PROP_PAYLOAD, 0, &cfg->payload_size);
	ret = ret ?: rl_read_u32(dev, RL_PROP_COUNT, 0, &cfg->buffer_count);
	ret = ret ?: rl_read_u32(dev, RL_PROP_ALIGN, 0, &cfg->vring_align);
	ret = ret ?: rl_read_u32(dev, RL_PROP_VRING_SIZE, 0, &cfg->vring_size);
	ret = ret ?: rl_read_u32(dev, RL_PROP_KICK_MS, 0,
				 &cfg->link_up_kick_ms);
	if (ret)
		return ret;
	cfg->notify_consumed = device_property_read_bool(dev, RL_PROP_CONSUMED);
	cfg->event_idx = device_property_read_bool(dev, RL_PROP_EVENT_IDX);
	return 0;
}

/*
 * Defaults and the rules of every link (rpmsg_lite_config_check()),
 * reported against the property to fix, and the one rule of the kick
 * encoding: an i.MX word carries the vq id in its upper bits.  @shm_size
 * is the region size, @cfg->shm_da set.
 */
static int rl_check_config(struct device *dev, struct rpmsg_lite_config *cfg,
			   enum rl_kick_encoding enc, size_t shm_size)
{
	struct rpmsg_lite_config_error err;
	int ret;

	ret = rpmsg_lite_config_check(cfg, shm_size, rl_prop_names, &err);
	if (ret)
		return dev_err_probe(dev, ret, "%s\n", err.msg);
	if (enc == RL_KICK_IMX &&
	    rl_vq_id(cfg->link_id, 1) > U32_MAX >> RL_MBOX_IMX_SHIFT)
		return dev_err_probe(dev, -EINVAL,
				     "%s %u is too large for %s kicks (the vq id (link id << 1) | 1 must fit in %u bits)\n",
				     RL_PROP_LINK_ID, cfg->link_id,
				     rl_kick_encoding_name(enc),
				     32 - RL_MBOX_IMX_SHIFT);
	return 0;
}

/* ---- shared memory ---- */

/*
 * Device tree: "memory-region" -> a /reserved-memory child.  Returns
 * -ENOENT when the node has no "memory-region" at all.
 */
static int rl_of_region(struct device *dev, struct resource *res)
{
	struct reserved_mem *rmem;
	struct device_node *np;
	int ret = 0;

	if (!IS_ENABLED(CONFIG_OF) || !dev->of_node)
		return -ENOENT;
	if (!device_property_present(dev, "memory-region"))
		return -ENOENT;
	np = of_parse_phandle(dev->of_node, "memory-region", 0);
	if (!np)
		return dev_err_probe(dev, -EINVAL,
				     "\"memory-region\" is not a phandle\n");

	rmem = of_reserved_mem_lookup(np);
	if (rmem) {
		*res = (struct resource)DEFINE_RES_MEM_NAMED(rmem->base,
							     rmem->size,
							     rmem->name);
	} else if (IS_ENABLED(CONFIG_OF_RESERVED_MEM)) {
		ret = dev_err_probe(dev, -EINVAL,
				    "memory-region %pOF is not a reserved-memory region: move it under /reserved-memory with \"reg\" and \"no-map\"\n",
				    np);
	} else if (of_address_to_resource(np, 0, res)) {
		/* a kernel without reserved-memory support: its "reg" */
		ret = dev_err_probe(dev, -EINVAL,
				    "memory-region %pOF has no usable \"reg\"\n",
				    np);
	}
	of_node_put(np);
	return ret;
}

/* The region from the device tree, else memory resource 0. */
static int rl_get_region(struct platform_device *pdev, struct resource *res)
{
	struct device *dev = &pdev->dev;
	struct resource *r;
	int ret;

	ret = rl_of_region(dev, res);
	if (ret != -ENOENT)
		return ret;

	r = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!r)
		return dev_err_probe(dev, -ENODEV,
				     "no shared memory: give \"memory-region\" (a /reserved-memory node) or a memory resource\n");
	*res = *r;
	return 0;
}

/*
 * The ring is normal memory (see rl_vring.h): write-combined, never
 * __iomem.  A region inside the kernel's own RAM (a test, or memory
 * shared with a cache-coherent peer) is used through the linear map:
 * memremap() refuses a second, differently cached alias of RAM.
 */
static void *rl_map_region(struct device *dev, const struct resource *res)
{
	resource_size_t size = resource_size(res);
	unsigned long flags = MEMREMAP_WC;
	void *va;

	if (region_intersects(res->start, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) == REGION_INTERSECTS) {
		flags = MEMREMAP_WB;
		if (dev->of_node)
			dev_warn(dev, "shared memory %pR is in the kernel's cached linear map (reserved without \"no-map\"?): only a cache-coherent peer sees what is written\n",
				 res);
	}
	va = devm_memremap(dev, res->start, size, flags);
	if (IS_ERR(va))
		dev_err_probe(dev, PTR_ERR(va),
			      "cannot map shared memory %pR\n", res);
	return va;
}

/* ---- mailbox channels ---- */

static const struct rl_mbox_name *rl_find_mbox_name(const char *name,
						    enum rl_kick_encoding enc)
{
	enum rl_kick_encoding class = enc == RL_KICK_RAW ? RL_KICK_IMX : enc;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rl_mbox_names); i++)
		if (rl_mbox_names[i].encoding == class &&
		    !strcmp(rl_mbox_names[i].name, name))
			return &rl_mbox_names[i];
	return NULL;
}

static int rl_get_mboxes(struct device *dev, enum rl_kick_encoding enc,
			 struct rl_mbox_desc *md)
{
	const struct rl_platform_data *pdata = dev_get_platdata(dev);
	const char *names[RL_PLATFORM_MAX_MBOXES];
	const char *expect = enc == RL_KICK_PER_VRING ?
		"\"vq0\", \"vq1\" (and optionally \"vq0-rx\", \"vq1-rx\")" :
		"\"tx\" (and optionally \"rx\")";
	struct rl_mbox_chan_desc *cd;
	const struct rl_mbox_name *mn;
	bool use_of;
	int n, i, nq;

	memset(md, 0, sizeof(*md));
	md->encoding = enc;
	md->knows_txdone = device_property_read_bool(dev, RL_PROP_TXDONE);

	n = device_property_string_array_count(dev, "mbox-names");
	if (n <= 0)
		return dev_err_probe(dev, -ENODEV,
				     "\"mbox-names\" is missing: %s kicks need %s\n",
				     rl_kick_encoding_name(enc), expect);
	if (n > RL_PLATFORM_MAX_MBOXES)
		return dev_err_probe(dev, -EINVAL,
				     "\"mbox-names\" has %d entries, at most %d are used: %s\n",
				     n, RL_PLATFORM_MAX_MBOXES, expect);
	n = device_property_read_string_array(dev, "mbox-names", names, n);
	if (n < 0)
		return dev_err_probe(dev, n, "cannot read \"mbox-names\"\n");

	use_of = !pdata && IS_ENABLED(CONFIG_OF) && dev->of_node;
	if (!pdata && !use_of)
		return dev_err_probe(dev, -ENODEV,
				     "mailbox channels need \"mboxes\" in a device-tree node, or platform data (struct rl_platform_data)\n");
	if (pdata && pdata->num_mboxes != n)
		return dev_err_probe(dev, -EINVAL,
				     "platform data has %u channels for %d \"mbox-names\"\n",
				     pdata->num_mboxes, n);

	for (i = 0; i < n; i++) {
		mn = rl_find_mbox_name(names[i], enc);
		if (!mn)
			return dev_err_probe(dev, -EINVAL,
					     "mbox-names entry \"%s\" is unknown for %s kicks: use %s\n",
					     names[i], rl_kick_encoding_name(enc),
					     expect);
		cd = mn->rx ? &md->rx[mn->queue] : &md->tx[mn->queue];
		if (cd->chan || cd->name)
			return dev_err_probe(dev, -EINVAL,
					     "mbox-names entry \"%s\" is given twice\n",
					     names[i]);
		if (use_of) {
			cd->name = mn->name;
		} else {
			cd->chan = pdata->mboxes[i];
			if (!cd->chan)
				return dev_err_probe(dev, -EINVAL,
						     "platform data channel %d (\"%s\") is NULL\n",
						     i, names[i]);
		}
	}

	/* a channel to kick on for every queue the encoding names */
	nq = enc == RL_KICK_PER_VRING ? RL_MBOX_QUEUES : 1;
	for (i = 0; i < nq; i++)
		if (!md->tx[i].chan && !md->tx[i].name)
			break;
	if (i < nq)
		return dev_err_probe(dev, -EINVAL,
				     "mbox-names lacks a channel to kick on: %s kicks need %s\n",
				     rl_kick_encoding_name(enc), expect);
	return 0;
}

static void rl_mbox_destroy_action(void *mb)
{
	rl_mbox_destroy(mb);
}

/* ---- driver ---- */

static int rl_platform_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct rpmsg_lite_instance *rl;
	struct rl_platform_link *link;
	struct rl_mbox_desc md;
	enum rl_kick_encoding enc;
	struct resource res;
	const char *label;
	int ret;

	link = devm_kzalloc(dev, sizeof(*link), GFP_KERNEL);
	if (!link)
		return -ENOMEM;
	link->dev = dev;

	ret = rl_read_role(dev, &link->role);
	if (ret)
		return ret;
	ret = rl_read_encoding(dev, &enc);
	if (ret)
		return ret;
	ret = rl_read_config(dev, &link->desc.cfg);
	if (ret)
		return ret;
	ret = rl_get_region(pdev, &res);
	if (ret)
		return ret;
	ret = rl_read_shm_da(dev, res.start, &link->desc.cfg.shm_da);
	if (ret)
		return ret;
	ret = rl_check_config(dev, &link->desc.cfg, enc, resource_size(&res));
	if (ret)
		return ret;
	ret = rl_get_mboxes(dev, enc, &md);
	if (ret)
		return ret;

	link->desc.shm = rl_map_region(dev, &res);
	if (IS_ERR(link->desc.shm))
		return PTR_ERR(link->desc.shm);
	link->desc.shm_size = resource_size(&res);
	link->shm_phys = res.start;

	link->mbox = rl_mbox_create(dev, &md);
	if (IS_ERR(link->mbox))
		return dev_err_probe(dev, PTR_ERR(link->mbox),
				     "cannot get the mailbox channels\n");
	ret = devm_add_action_or_reset(dev, rl_mbox_destroy_action,
				       link->mbox);
	if (ret)
		return ret;

	if (device_property_read_string(dev, "label", &label))
		label = dev_name(dev);
	link->desc.dev = dev;
	link->desc.name = label;
	link->desc.ops = &rl_mbox_ops;
	link->desc.ops_priv = link->mbox;

	if (link->role == RPMSG_LITE_MASTER)
		rl = rpmsg_lite_master_init(&link->desc);
	else
		rl = rpmsg_lite_remote_init(&link->desc);
	if (IS_ERR(rl))
		return dev_err_probe(dev, PTR_ERR(rl),
				     "cannot initialise the %s link\n",
				     link->role == RPMSG_LITE_MASTER ?
				     "master" : "remote");
	link->rl = rl;
	platform_set_drvdata(pdev, link);

	dev_info(dev, "%s link %u on %pa (0x%zx bytes, device address 0x%llx): %u x %u-byte payloads, %s kicks\n",
		 link->role == RPMSG_LITE_MASTER ? "master" : "remote",
		 link->desc.cfg.link_id, &link->shm_phys, link->desc.shm_size,
		 link->desc.cfg.shm_da, link->desc.cfg.buffer_count,
		 link->desc.cfg.payload_size, rl_kick_encoding_name(enc));
	return 0;
}

static RL_PLATFORM_REMOVE_RET rl_platform_remove(struct platform_device *pdev)
{
	struct rl_platform_link *link = platform_get_drvdata(pdev);

	/* The transport and the mapping go after this, through devres. */
	rpmsg_lite_deinit(link->rl);
	link->rl = NULL;
	return RL_PLATFORM_REMOVE_OK;
}

static const struct of_device_id rl_platform_of_match[] = {
	{ .compatible = RL_PLATFORM_COMPATIBLE },
	{ }
};
MODULE_DEVICE_TABLE(of, rl_platform_of_match);

static struct platform_driver rl_platform_driver = {
	.probe = rl_platform_probe,
	.remove = rl_platform_remove,
	.driver = {
		.name = RL_PLATFORM_DRV_NAME,
		.of_match_table = rl_platform_of_match,
	},
};

/**
 * rl_platform_get_link() - the link of a device bound to this driver
 * @dev: a device
 *
 * Context: process context; the result is valid while @dev stays bound
 * (callers hold device_lock(@dev) or otherwise prevent an unbind).
 * Return: the link, or NULL when @dev is not bound to "rpmsg-lite-link".
 */
struct rpmsg_lite_instance *rl_platform_get_link(struct device *dev)
{
	struct rl_platform_link *link;

	if (!dev || dev->driver != &rl_platform_driver.driver)
		return NULL;
	link = dev_get_drvdata(dev);
	return link ? link->rl : NULL;
}
EXPORT_SYMBOL_NS_GPL(rl_platform_get_link, RPMSG_LITE_TEST);

int rl_platform_init(void)
{
	return platform_driver_register(&rl_platform_driver);
}

void rl_platform_exit(void)
{
	platform_driver_unregister(&rl_platform_driver);
}
