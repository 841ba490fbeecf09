/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_platform.h - the "rpmsg-lite-link" platform driver: one rpmsg-lite
 * link per platform device, described by device properties.
 *
 * A link is described through the unified device-property API, so a
 * device-tree node (binding: nxp,rpmsg-lite-link.yaml) and a software node
 * work alike.  Two things cannot be expressed as properties outside a
 * device tree and come from elsewhere there:
 *  - the shared memory: "memory-region" in a device tree, otherwise the
 *    first IORESOURCE_MEM resource of the platform device;
 *  - the mailbox channels: "mboxes" in a device tree (the mailbox
 *    framework resolves it with of_* only), otherwise &struct
 *    rl_platform_data as platform data.
 * "mbox-names" is read from the properties in both cases.
 * See Documentation/rpmsg-lite/device-tree.rst.
 *
 * rl_platform_get_link() is exported for the KUnit suite only, in the
 * RPMSG_LITE_TEST namespace (MODULE_IMPORT_NS(RPMSG_LITE_TEST)); production
 * code finds a link through the link notifier of <linux/rpmsg_lite.h>.
 */
#ifndef _RL_PLATFORM_H
#define _RL_PLATFORM_H

#include <linux/types.h>

struct device;
struct mbox_chan;
struct rpmsg_lite_instance;

/** RL_PLATFORM_DRV_NAME - name of the driver and of non-DT link devices */
#define RL_PLATFORM_DRV_NAME	"rpmsg-lite-link"
/** RL_PLATFORM_COMPATIBLE - device-tree compatible of a link node */
#define RL_PLATFORM_COMPATIBLE	"nxp,rpmsg-lite-link"
/** RL_PLATFORM_MAX_MBOXES - most channels a link uses (two per vring) */
#define RL_PLATFORM_MAX_MBOXES	4

/**
 * struct rl_platform_data - mailbox channels of a link without a device tree
 * @mboxes: stands in for the "mboxes" property: @mboxes[i] is the channel
 *	    named by entry i of the "mbox-names" property.  The channels
 *	    belong to a controller the creator of the device owns; the link
 *	    binds them as a client while it is bound to the driver.
 * @num_mboxes: entries used in @mboxes; must equal the number of names
 */
struct rl_platform_data {
	struct mbox_chan *mboxes[RL_PLATFORM_MAX_MBOXES];
	unsigned int num_mboxes;
};

struct rpmsg_lite_instance *rl_platform_get_link(struct device *dev);

#endif /* _RL_PLATFORM_H */
