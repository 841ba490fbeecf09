/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rl_rproc.h - remoteproc glue of rpmsg-lite links.
 *
 * A remoteproc driver whose firmware talks rpmsg-lite lets this driver be
 * the master of the firmware's vdev: the glue is an rproc subdevice that
 * creates the link when the remote core starts (or is attached), marks it
 * lost when the core stops after a crash, rebuilds it when the core is
 * recovered, and removes it when the core is stopped.  The link is
 * configured from the resource table's vdev entry.  See
 * Documentation/rpmsg-lite/remoteproc.rst.
 *
 * Users add MODULE_IMPORT_NS(RPMSG_LITE).  Without CONFIG_REMOTEPROC the
 * functions are stubs that fail with -EOPNOTSUPP.
 */
#ifndef _RL_RPROC_H
#define _RL_RPROC_H

#include <linux/err.h>
#include <linux/rpmsg_lite.h>
#include <linux/types.h>

struct resource_table;
struct rproc;
struct rl_rproc;

/*
 * RL_RSC_RPMSG_LITE_VDEV - resource type of a vdev entry this driver is
 * master of: a vendor type (RSC_VENDOR_START 128 + 0x52, 'R'), so that the
 * remoteproc core gives the entry to the driver's ops->handle_rsc instead
 * of creating a virtio device that virtio_rpmsg_bus would bind to.  The
 * body is a struct fw_rsc_vdev with id VIRTIO_ID_RPMSG and two vrings,
 * byte for byte as for RSC_VDEV.
 */
#define RL_RSC_RPMSG_LITE_VDEV		(128 + 0x52)

/**
 * struct rl_rproc_desc - what rl_rproc_add() needs besides the rproc
 * @name: link name (NULL: the rproc's name)
 * @payload_size: payload per message (0: 496, rpmsg-lite's default); the
 *                resource table does not carry it, both sides must agree
 * @link_up_kick_ms: re-kick interval until the remote answers (0: 100)
 * @notify_consumed: see struct rpmsg_lite_config
 * @ops: transport of the link; NULL: kicks go out through the rproc's
 *       ops->kick and come in through rl_rproc_vq_interrupt()
 * @ops_priv: passed back to @ops
 */
struct rl_rproc_desc {
	const char *name;
	u32 payload_size;
	u32 link_up_kick_ms;
	bool notify_consumed;
	const struct rpmsg_lite_transport_ops *ops;
	void *ops_priv;
};

#if IS_ENABLED(CONFIG_REMOTEPROC)

struct rl_rproc *rl_rproc_add(struct rproc *rproc,
			      const struct rl_rproc_desc *desc);
void rl_rproc_remove(struct rl_rproc *glue);
int rl_rproc_handle_rsc(struct rl_rproc *glue, u32 type, void *rsc,
			int offset, int avail);
int rl_rproc_claim_vdevs(struct resource_table *table, size_t table_sz);
void rl_rproc_vq_interrupt(struct rl_rproc *glue, u32 notifyid);
struct rpmsg_lite_instance *rl_rproc_link(struct rl_rproc *glue);
int rl_rproc_vdev_config(const void *rsc, int avail, u32 payload_size,
			 struct rpmsg_lite_config *cfg, size_t *shm_size);

#else

static inline struct rl_rproc *rl_rproc_add(struct rproc *rproc,
					    const struct rl_rproc_desc *desc)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline void rl_rproc_remove(struct rl_rproc *glue)
{
}

static inline int rl_rproc_handle_rsc(struct rl_rproc *glue, u32 type,
				      void *rsc, int offset, int avail)
{
	return -EOPNOTSUPP;
}

static inline int rl_rproc_claim_vdevs(struct resource_table *table,
				       size_t table_sz)
{
	return -EOPNOTSUPP;
}

static inline void rl_rproc_vq_interrupt(struct rl_rproc *glue, u32 notifyid)
{
}

static inline struct rpmsg_lite_instance *rl_rproc_link(struct rl_rproc *glue)
{
	return NULL;
}

static inline int rl_rproc_vdev_config(const void *rsc, int avail,
				       u32 payload_size,
				       struct rpmsg_lite_config *cfg,
				       size_t *shm_size)
{
	return -EOPNOTSUPP;
}

#endif /* CONFIG_REMOTEPROC */

#endif /* _RL_RPROC_H */
