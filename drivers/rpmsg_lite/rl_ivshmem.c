// SPDX-License-Identifier: GPL-2.0
/*
 * ivshmem-doorbell transport of rpmsg-lite links (module
 * rpmsg_lite_ivshmem).
 *
 * QEMU's ivshmem-doorbell PCI device (1af4:1110) gives several virtual
 * machines, or a VM and host processes, one shared memory (BAR2) and lets
 * each ring interrupt vectors of the others (doorbell register in BAR0).
 * This driver makes it a mailbox controller with one channel per vring:
 * sending on channel q writes (peer id << 16) | q into the doorbell, and
 * MSI-X vector q (every vector with INTx) delivers the peer's kicks on
 * channel q.  Over these channels it creates one rpmsg-lite link through
 * the mailbox transport (rl_mbox, per-vring encoding) in a window of BAR2.
 *
 * The first page of the window is a small link header (struct
 * rl_ivshmem_hdr) by which the two sides tell each other that they
 * (re)started: after a reboot of either side the master rebuilds the
 * rings before the remote uses them.  The format, vector assignment and
 * addresses are in Documentation/rpmsg-lite/ivshmem.rst, enough to write
 * the other side.
 *
 * Memory type: the vring engine and the core access the shared region
 * with plain loads and stores ordered by barriers, as normal memory (not
 * __iomem).  BAR2 of ivshmem is RAM of the host shared between VMs and
 * coherent with every CPU that maps it, so it is mapped with memremap()
 * write-back (write-combining if the architecture refuses write-back for
 * a PCI BAR).  Ordering against the peer uses virt_*mb(), which stay real
 * barriers on uniprocessor kernels, where the peer is still another CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/mailbox_controller.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rpmsg_lite.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/barrier.h>

#include "rl_compat.h"
#include "rl_mbox.h"
#include "rl_wire.h"

#define RL_IVSHMEM_VENDOR_ID	0x1af4
#define RL_IVSHMEM_DEVICE_ID	0x1110

/* BARs and BAR0 registers (QEMU docs/specs/ivshmem-spec.rst). */
#define RL_IVSHMEM_BAR_REGS		0
#define RL_IVSHMEM_BAR_SHM		2
#define RL_IVSHMEM_REG_INTR_MASK	0x00	/* INTx: bit 0 enables */
#define RL_IVSHMEM_REG_INTR_STATUS	0x04	/* INTx: read clears */
#define RL_IVSHMEM_REG_IVPOSITION	0x08	/* our own peer id */
#define RL_IVSHMEM_REG_DOORBELL		0x0c	/* (peer << 16) | vector */
#define RL_IVSHMEM_DOORBELL_PEER_SHIFT	16
#define RL_IVSHMEM_MAX_ID		0xffff

/* Channels of the controller: one per vring, channel q = vector q. */
#define RL_IVSHMEM_CHANS		RL_MBOX_QUEUES

/* Link header: first page of the link window, rings after it. */
#define RL_IVSHMEM_HDR_SPACE		0x1000
/* "RLIV" read as a little-endian u32 */
#define RL_IVSHMEM_MAGIC		0x56494c52
#define RL_IVSHMEM_VERSION		1

/* Remote hello kicks: fast at first, then once a second. */
#define RL_IVSHMEM_HELLO_FAST_MS	100
#define RL_IVSHMEM_HELLO_FAST_COUNT	50
#define RL_IVSHMEM_HELLO_SLOW_MS	1000

/**
 * struct rl_ivshmem_hdr - link header at the start of the link window
 * @magic: RL_IVSHMEM_MAGIC; written by the master
 * @version: RL_IVSHMEM_VERSION; written by the master
 * @master_session: written by the master, a new non-zero value each time
 *	it (re)builds the rings from scratch (load, probe)
 * @remote_session: written by the remote, a new non-zero value each time
 *	it starts or restarts and needs fresh rings
 * @master_ack: written by the master: the @remote_session value its
 *	current rings were built for; the remote uses the rings only while
 *	this equals its own session
 * @link_id: written by the master: its link id ...
 * @payload_size: ... payload size ...
 * @buffer_count: ... buffers per direction ...
 * @vring_align: ... used-ring alignment ...
 * @vring_size: ... and bytes per vring, for the remote to check its own
 * @reserved: zero
 *
 * All fields little-endian.  The rest of the RL_IVSHMEM_HDR_SPACE bytes
 * are reserved (zero).
 */
struct rl_ivshmem_hdr {
	__le32 magic;
	__le32 version;
	__le32 master_session;
	__le32 remote_session;
	__le32 master_ack;
	__le32 link_id;
	__le32 payload_size;
	__le32 buffer_count;
	__le32 vring_align;
	__le32 vring_size;
	__le32 reserved[6];
};

static_assert(sizeof(struct rl_ivshmem_hdr) == 64);

static char *role = "master";
module_param(role, charp, 0444);
MODULE_PARM_DESC(role, "master (lays out the rings) or remote (default master)");

static int peer = -1;
module_param(peer, int, 0444);
MODULE_PARM_DESC(peer, "ivshmem id of the other side (default -1: 1 if our own id is 0, else 0)");

static unsigned int peer_vectors = RL_IVSHMEM_CHANS;
module_param(peer_vectors, uint, 0444);
MODULE_PARM_DESC(peer_vectors, "interrupt vectors of the peer: 2 (vq q rings vector q) or 1 (default 2)");

static unsigned int link_id;
module_param(link_id, uint, 0444);
MODULE_PARM_DESC(link_id, "link id; vq ids are (link_id << 1) | queue (default 0)");

static unsigned int payload_size = RL_DEFAULT_PAYLOAD_SIZE;
module_param(payload_size, uint, 0444);
MODULE_PARM_DESC(payload_size, "max payload per message (default 496)");

static unsigned int buffer_count = 256;
module_param(buffer_count, uint, 0444);
MODULE_PARM_DESC(buffer_count, "buffers per direction, power of two (default 256)");

static unsigned int vring_align = RL_DEFAULT_VRING_ALIGN;
module_param(vring_align, uint, 0444);
MODULE_PARM_DESC(vring_align, "used-ring alignment (default 0x1000)");

static unsigned int vring_size = RL_DEFAULT_VRING_SIZE;
module_param(vring_size, uint, 0444);
MODULE_PARM_DESC(vring_size, "bytes reserved per vring (default 0x8000)");

static unsigned long shm_offset;
module_param(shm_offset, ulong, 0444);
MODULE_PARM_DESC(shm_offset, "offset of the link window in BAR2, page aligned (default 0)");

static bool handshake = true;
module_param(handshake, bool, 0444);
MODULE_PARM_DESC(handshake, "restart handshake through the link header (default on; off for peers that do not implement it)");

struct rl_ivshmem;

/**
 * struct rl_ivshmem_vec - one interrupt vector
 * @iv: owner
 * @index: vector number (MSI-X) or 0 (INTx)
 * @irq: Linux irq number, 0 when not requested
 */
struct rl_ivshmem_vec {
	struct rl_ivshmem *iv;
	unsigned int index;
	int irq;
};

/**
 * struct rl_ivshmem - one ivshmem-doorbell device and its link
 * @pdev: the PCI device
 * @regs: BAR0
 * @shm: BAR2, normal memory (see the top of the file)
 * @shm_size: bytes of BAR2
 * @hdr: link header in BAR2
 * @own_id: our ivshmem id (IVPosition)
 * @peer_id: the id our kicks go to
 * @role: master or remote
 * @cfg: link numbers as configured
 * @mbox: the mailbox controller
 * @chans: its channels, RL_IVSHMEM_CHANS
 * @vec: interrupt vectors
 * @nvec: vectors allocated
 * @msix: @vec are MSI-X vectors (else one INTx line)
 * @lock: protects @started, @removing and the handshake state below
 *	   against the interrupt handlers (taken in hard IRQ)
 * @started: channel q has a client (between startup and shutdown)
 * @ready: @rl is set (probe done): the handshake work may use it
 * @removing: remove() began: queue no more work
 * @session: remote: our session in the header
 * @master_seen: remote: master session we accepted rings of; 0 while
 *		 kicks are held back (waiting for the master's ack)
 * @acked: master: remote session we last acknowledged
 * @mb: mailbox transport of the link
 * @rl: the link
 * @sync_work: master: acknowledge a new remote session; remote: start a
 *	       new session (at probe and after the master restarted)
 * @hello_work: remote: ring the master until it acknowledged
 * @hello_count: hello kicks of the current session
 * @irqs: interrupts handled
 * @held_back: kicks not delivered while waiting for an ack
 * @resyncs: sessions acknowledged (master) or restarted (remote)
 */
struct rl_ivshmem {
	struct pci_dev *pdev;
	void __iomem *regs;
	void *shm;
	resource_size_t shm_size;
	struct rl_ivshmem_hdr *hdr;
	u32 own_id;
	u32 peer_id;
	enum rpmsg_lite_role role;
	struct rpmsg_lite_config cfg;
	struct mbox_controller mbox;
	struct mbox_chan chans[RL_IVSHMEM_CHANS];
	struct rl_ivshmem_vec vec[RL_IVSHMEM_CHANS];
	unsigned int nvec;
	bool msix;
	spinlock_t lock; /* hard IRQ vs. channel startup/shutdown, works */
	bool started[RL_IVSHMEM_CHANS];
	bool ready;
	bool removing;
	u32 session;
	u32 master_seen;
	u32 acked;
	struct rl_mbox *mb;
	struct rpmsg_lite_instance *rl;
	struct work_struct sync_work;
	struct delayed_work hello_work;
	unsigned int hello_count;
	atomic64_t irqs;
	atomic64_t held_back;
	atomic64_t resyncs;
};

static const char *rl_ivshmem_role_name(enum rpmsg_lite_role r)
{
	return r == RPMSG_LITE_MASTER ? "master" : "remote";
}

/* Ring vector @queue of the peer.  Any context. */
static void rl_ivshmem_ring(struct rl_ivshmem *iv, unsigned int queue)
{
	u32 vector = queue % peer_vectors;

	/* writel() orders the ring updates before it (memory-barriers.txt). */
	writel((iv->peer_id << RL_IVSHMEM_DOORBELL_PEER_SHIFT) | vector,
	       iv->regs + RL_IVSHMEM_REG_DOORBELL);
}

/* ---- handshake ---- */

static u32 rl_ivshmem_hdr_read(__le32 *field)
{
	return le32_to_cpu(READ_ONCE(*field));
}

static void rl_ivshmem_hdr_write(__le32 *field, u32 val)
{
	WRITE_ONCE(*field, cpu_to_le32(val));
}

/* Remote: do the master's numbers (header) match ours?  Logs if not. */
static bool rl_ivshmem_numbers_match(struct rl_ivshmem *iv)
{
	struct rl_ivshmem_hdr *h = iv->hdr;
	u32 lid = rl_ivshmem_hdr_read(&h->link_id);
	u32 ps = rl_ivshmem_hdr_read(&h->payload_size);
	u32 bc = rl_ivshmem_hdr_read(&h->buffer_count);
	u32 va = rl_ivshmem_hdr_read(&h->vring_align);
	u32 vs = rl_ivshmem_hdr_read(&h->vring_size);

	if (rl_ivshmem_hdr_read(&h->magic) == RL_IVSHMEM_MAGIC &&
	    lid == iv->cfg.link_id && ps == iv->cfg.payload_size &&
	    bc == iv->cfg.buffer_count && va == iv->cfg.vring_align &&
	    vs == iv->cfg.vring_size)
		return true;
	dev_err_ratelimited(&iv->pdev->dev,
			    "master's link header (magic %#x) says link %u, payload %u, %u buffers, align %#x, vring %#x; ours: link %u, payload %u, %u buffers, align %#x, vring %#x: load both sides with the same numbers\n",
			    rl_ivshmem_hdr_read(&h->magic), lid, ps, bc, va,
			    vs, iv->cfg.link_id, iv->cfg.payload_size,
			    iv->cfg.buffer_count, iv->cfg.vring_align,
			    iv->cfg.vring_size);
	return false;
}

/*
 * Remote, hard IRQ, @iv->lock held: may a kick go to the link?  Only while
 * the master's rings are the ones built for our session.  A change of
 * the master's session means it restarted: hold kicks back and start a
 * new session from process context.
 */
static bool rl_ivshmem_remote_gate(struct rl_ivshmem *iv)
{
	u32 ms = rl_ivshmem_hdr_read(&iv->hdr->master_session);
	u32 ack;

	if (iv->master_seen) {
		if (ms == iv->master_seen)
			return true;
		iv->master_seen = 0;
		dev_info_ratelimited(&iv->pdev->dev,
				     "master restarted (session %08x): link restarts\n",
				     ms);
		if (iv->ready && !iv->removing)
			queue_work(system_wq, &iv->sync_work);
		return false;
	}
	ack = rl_ivshmem_hdr_read(&iv->hdr->master_ack);
	if (!iv->session || !ms || ack != iv->session)
		return false;
	if (!rl_ivshmem_numbers_match(iv))
		return false;
	/* The ack before the rings built for it. */
	virt_rmb();
	iv->master_seen = ms;
	return true;
}

/* Hard IRQ: hand a kick for @queue to the client of channel @queue. */
static void rl_ivshmem_deliver(struct rl_ivshmem *iv, unsigned int queue)
{
	bool pass = true;
	u32 rs;

	spin_lock(&iv->lock);
	if (handshake && iv->role == RPMSG_LITE_MASTER) {
		rs = rl_ivshmem_hdr_read(&iv->hdr->remote_session);
		if (rs && rs != iv->acked && iv->ready && !iv->removing)
			queue_work(system_wq, &iv->sync_work);
	} else if (handshake) {
		pass = rl_ivshmem_remote_gate(iv);
	}
	if (!pass)
		atomic64_inc(&iv->held_back);
	else if (iv->started[queue])
		mbox_chan_received_data(&iv->chans[queue], NULL);
	spin_unlock(&iv->lock);
}

static irqreturn_t rl_ivshmem_irq(int irq, void *data)
{
	struct rl_ivshmem_vec *v = data;
	struct rl_ivshmem *iv = v->iv;
	unsigned int q;

	if (!iv->msix) {
		/* Shared INTx line: was it us?  Reading clears the status. */
		if (!readl(iv->regs + RL_IVSHMEM_REG_INTR_STATUS))
			return IRQ_NONE;
	}
	atomic64_inc(&iv->irqs);
	if (iv->msix && iv->nvec == RL_IVSHMEM_CHANS) {
		rl_ivshmem_deliver(iv, v->index);
		return IRQ_HANDLED;
	}
	/* One vector or INTx: the queue is unknown, both look. */
	for (q = 0; q < RL_IVSHMEM_CHANS; q++)
		rl_ivshmem_deliver(iv, q);
	return IRQ_HANDLED;
}

/*
 * Master: the remote (re)started with a new session.  Rebuild the rings
 * (the remote may have used the old ones before it went away, or a stale
 * remote may have touched the new ones), then acknowledge its session and
 * kick vq 0, on which a remote counts the link up.
 */
static void rl_ivshmem_master_sync(struct rl_ivshmem *iv)
{
	struct device *dev = &iv->pdev->dev;
	u32 rs = rl_ivshmem_hdr_read(&iv->hdr->remote_session);
	int ret;

	if (!rs || rs == READ_ONCE(iv->acked))
		return;
	ret = rpmsg_lite_reset_link(iv->rl);
	if (ret) {
		dev_err(dev, "cannot rebuild the rings for remote session %08x: %d\n",
			rs, ret);
		return;
	}
	/* Rings rebuilt before the ack that lets the remote use them. */
	virt_wmb();
	rl_ivshmem_hdr_write(&iv->hdr->master_ack, rs);
	WRITE_ONCE(iv->acked, rs);
	atomic64_inc(&iv->resyncs);
	rl_ivshmem_ring(iv, RL_VQ_MASTER_RX);
	dev_info(dev, "remote session %08x acknowledged, rings rebuilt\n", rs);
}

/*
 * Remote: start a new session.  If the link ran with an earlier master
 * session, reset it first (it then waits for the master's next kick).
 */
static void rl_ivshmem_remote_sync(struct rl_ivshmem *iv)
{
	struct device *dev = &iv->pdev->dev;
	unsigned long flags;
	u32 s;
	int ret;

	if (rpmsg_lite_get_link_state(iv->rl) != RPMSG_LITE_LINK_WAITING) {
		ret = rpmsg_lite_reset_link(iv->rl);
		if (ret) {
			dev_err(dev, "cannot reset the link: %d\n", ret);
			return;
		}
	}
	s = rl_ivshmem_hdr_read(&iv->hdr->remote_session) + 1;
	if (!s)
		s = 1;
	spin_lock_irqsave(&iv->lock, flags);
	iv->session = s;
	iv->master_seen = 0;
	iv->hello_count = 0;
	spin_unlock_irqrestore(&iv->lock, flags);
	rl_ivshmem_hdr_write(&iv->hdr->remote_session, s);
	atomic64_inc(&iv->resyncs);
	dev_info(dev, "remote session %08x: waiting for the master's ack\n", s);
	mod_delayed_work(system_wq, &iv->hello_work, 0);
}

static void rl_ivshmem_sync_work(struct work_struct *work)
{
	struct rl_ivshmem *iv = container_of(work, struct rl_ivshmem,
					     sync_work);

	if (READ_ONCE(iv->removing))
		return;
	if (iv->role == RPMSG_LITE_MASTER)
		rl_ivshmem_master_sync(iv);
	else
		rl_ivshmem_remote_sync(iv);
}

/* Remote: kick the master (vector 0) until it acknowledged our session. */
static void rl_ivshmem_hello_work(struct work_struct *work)
{
	struct rl_ivshmem *iv = container_of(to_delayed_work(work),
					     struct rl_ivshmem, hello_work);
	unsigned long flags;
	unsigned int n;
	bool done;

	spin_lock_irqsave(&iv->lock, flags);
	/* The gate may be open already even if no kick came in yet. */
	done = iv->removing || iv->master_seen || rl_ivshmem_remote_gate(iv);
	n = iv->hello_count++;
	spin_unlock_irqrestore(&iv->lock, flags);
	if (done)
		return;
	rl_ivshmem_ring(iv, RL_VQ_MASTER_RX);
	queue_delayed_work(system_wq, &iv->hello_work,
			   msecs_to_jiffies(n < RL_IVSHMEM_HELLO_FAST_COUNT ?
					    RL_IVSHMEM_HELLO_FAST_MS :
					    RL_IVSHMEM_HELLO_SLOW_MS));
}

/* ---- mailbox controller ---- */

static unsigned int rl_ivshmem_chan_index(struct mbox_chan *chan)
{
	struct rl_ivshmem *iv = chan->con_priv;

	return chan - iv->chans;
}

/* The framework holds the channel lock: a doorbell write, nothing else. */
static int rl_ivshmem_send_data(struct mbox_chan *chan, void *data)
{
	rl_ivshmem_ring(chan->con_priv, rl_ivshmem_chan_index(chan));
	return 0;
}

static int rl_ivshmem_startup(struct mbox_chan *chan)
{
	struct rl_ivshmem *iv = chan->con_priv;
	unsigned long flags;

	spin_lock_irqsave(&iv->lock, flags);
	iv->started[rl_ivshmem_chan_index(chan)] = true;
	spin_unlock_irqrestore(&iv->lock, flags);
	return 0;
}

/*
 * The framework clears chan->cl after this: deliveries run under @lock,
 * so once it is released with @started clear none is running or starts.
 */
static void rl_ivshmem_shutdown(struct mbox_chan *chan)
{
	struct rl_ivshmem *iv = chan->con_priv;
	unsigned long flags;

	spin_lock_irqsave(&iv->lock, flags);
	iv->started[rl_ivshmem_chan_index(chan)] = false;
	spin_unlock_irqrestore(&iv->lock, flags);
}

static const struct mbox_chan_ops rl_ivshmem_chan_ops = {
	.send_data = rl_ivshmem_send_data,
	.startup = rl_ivshmem_startup,
	.shutdown = rl_ivshmem_shutdown,
};

/* ---- probe / remove ---- */

static void rl_ivshmem_free_irqs(struct rl_ivshmem *iv)
{
	unsigned int i;

	for (i = 0; i < iv->nvec; i++) {
		if (iv->vec[i].irq > 0)
			free_irq(iv->vec[i].irq, &iv->vec[i]);
		iv->vec[i].irq = 0;
	}
	if (!iv->msix)
		writel(0, iv->regs + RL_IVSHMEM_REG_INTR_MASK);
	pci_free_irq_vectors(iv->pdev);
	iv->nvec = 0;
}

static int rl_ivshmem_setup_irqs(struct rl_ivshmem *iv)
{
	struct pci_dev *pdev = iv->pdev;
	unsigned int i;
	int nvec, ret;

	nvec = pci_alloc_irq_vectors(pdev, 1, RL_IVSHMEM_CHANS,
				     PCI_IRQ_MSIX | PCI_IRQ_INTX);
	if (nvec < 0)
		return dev_err_probe(&pdev->dev, nvec,
				     "no interrupt: neither MSI-X (CONFIG_PCI_MSI) nor INTx\n");
	iv->nvec = nvec;
	iv->msix = pdev->msix_enabled;
	for (i = 0; i < iv->nvec; i++) {
		iv->vec[i].iv = iv;
		iv->vec[i].index = i;
		ret = request_irq(pci_irq_vector(pdev, i), rl_ivshmem_irq,
				  iv->msix ? 0 : IRQF_SHARED, "rpmsg_lite_ivshmem",
				  &iv->vec[i]);
		if (ret) {
			rl_ivshmem_free_irqs(iv);
			return dev_err_probe(&pdev->dev, ret,
					     "cannot request interrupt %u\n", i);
		}
		iv->vec[i].irq = pci_irq_vector(pdev, i);
	}
	if (!iv->msix) {
		/* INTx (device without MSI-X, e.g. msi=off): unmask it. */
		readl(iv->regs + RL_IVSHMEM_REG_INTR_STATUS);
		writel(1, iv->regs + RL_IVSHMEM_REG_INTR_MASK);
		dev_info(&pdev->dev, "INTx interrupt: every kick looks at both vrings\n");
	}
	return 0;
}

/* How rpmsg_lite_config_check() names each number: by its parameter. */
static const char *const rl_ivshmem_names[RPMSG_LITE_CFG_FIELDS] = {
	[RPMSG_LITE_CFG_LINK_ID] = "link_id",
	[RPMSG_LITE_CFG_PAYLOAD_SIZE] = "payload_size",
	[RPMSG_LITE_CFG_BUFFER_COUNT] = "buffer_count",
	[RPMSG_LITE_CFG_VRING_ALIGN] = "vring_align",
	[RPMSG_LITE_CFG_VRING_SIZE] = "vring_size",
	[RPMSG_LITE_CFG_SHM_DA] = "link window (shm_offset + 0x1000)",
	[RPMSG_LITE_CFG_SHM_SIZE] = "link window in BAR2",
};

static int rl_ivshmem_parse_params(struct rl_ivshmem *iv)
{
	struct rpmsg_lite_config_error err;
	struct device *dev = &iv->pdev->dev;
	int ret;

	if (sysfs_streq(role, "master"))
		iv->role = RPMSG_LITE_MASTER;
	else if (sysfs_streq(role, "remote"))
		iv->role = RPMSG_LITE_REMOTE;
	else
		return dev_err_probe(dev, -EINVAL,
				     "role=%s: use master or remote\n", role);

	if (peer < 0)
		iv->peer_id = iv->own_id ? 0 : 1;
	else if (peer > RL_IVSHMEM_MAX_ID)
		return dev_err_probe(dev, -EINVAL,
				     "peer=%d: ivshmem ids are 0..65535\n", peer);
	else
		iv->peer_id = peer;
	if (iv->peer_id == iv->own_id)
		return dev_err_probe(dev, -EINVAL,
				     "peer=%u is our own id (IVPosition): give the other side's\n",
				     iv->peer_id);
	if (peer_vectors < 1 || peer_vectors > RL_IVSHMEM_CHANS)
		return dev_err_probe(dev, -EINVAL,
				     "peer_vectors=%u: use 1 or 2\n", peer_vectors);

	if (!PAGE_ALIGNED(shm_offset) ||
	    shm_offset >= iv->shm_size ||
	    iv->shm_size - shm_offset <= RL_IVSHMEM_HDR_SPACE)
		return dev_err_probe(dev, -EINVAL,
				     "shm_offset=%#lx: must be page aligned and leave room in the %pa bytes of BAR2\n",
				     shm_offset, &iv->shm_size);

	iv->cfg.link_id = link_id;
	iv->cfg.payload_size = payload_size;
	iv->cfg.buffer_count = buffer_count;
	iv->cfg.vring_align = vring_align;
	iv->cfg.vring_size = vring_size;
	/* Descriptors carry offsets from the start of BAR2. */
	iv->cfg.shm_da = shm_offset + RL_IVSHMEM_HDR_SPACE;
	/* defaults in before the master publishes the numbers to the remote */
	ret = rpmsg_lite_config_check(&iv->cfg, iv->shm_size - iv->cfg.shm_da,
				      rl_ivshmem_names, &err);
	if (ret)
		return dev_err_probe(dev, ret, "%s\n", err.msg);
	return 0;
}

/* Master, before its rings exist: a new session; no remote is acked. */
static void rl_ivshmem_master_publish(struct rl_ivshmem *iv)
{
	struct rl_ivshmem_hdr *h = iv->hdr;
	u32 s = rl_ivshmem_hdr_read(&h->master_session) + 1;

	if (!s)
		s = 1;
	rl_ivshmem_hdr_write(&h->master_ack, 0);
	rl_ivshmem_hdr_write(&h->magic, RL_IVSHMEM_MAGIC);
	rl_ivshmem_hdr_write(&h->version, RL_IVSHMEM_VERSION);
	rl_ivshmem_hdr_write(&h->link_id, iv->cfg.link_id);
	rl_ivshmem_hdr_write(&h->payload_size, iv->cfg.payload_size);
	rl_ivshmem_hdr_write(&h->buffer_count, iv->cfg.buffer_count);
	rl_ivshmem_hdr_write(&h->vring_align, iv->cfg.vring_align);
	rl_ivshmem_hdr_write(&h->vring_size, iv->cfg.vring_size);
	rl_ivshmem_hdr_write(&h->master_session, s);
	/* The new session before the rings a stale remote must not trust. */
	virt_wmb();
}

/* The driver's state of @pdev, device-managed, with nothing started. */
static struct rl_ivshmem *rl_ivshmem_alloc(struct pci_dev *pdev)
{
	struct rl_ivshmem *iv;

	iv = devm_kzalloc(&pdev->dev, sizeof(*iv), GFP_KERNEL);
	if (!iv)
		return ERR_PTR(-ENOMEM);
	iv->pdev = pdev;
	spin_lock_init(&iv->lock);
	INIT_WORK(&iv->sync_work, rl_ivshmem_sync_work);
	INIT_DELAYED_WORK(&iv->hello_work, rl_ivshmem_hello_work);
	atomic64_set(&iv->irqs, 0);
	atomic64_set(&iv->held_back, 0);
	atomic64_set(&iv->resyncs, 0);
	return iv;
}

/*
 * Enable the device, map its registers (BAR0) and its shared memory
 * (BAR2) and read our own id.  Everything is device-managed: a failure
 * leaves nothing to undo.
 */
static int rl_ivshmem_map(struct rl_ivshmem *iv)
{
	struct pci_dev *pdev = iv->pdev;
	struct device *dev = &pdev->dev;
	resource_size_t start;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot enable the device\n");
	ret = pcim_iomap_regions(pdev, BIT(RL_IVSHMEM_BAR_REGS), KBUILD_MODNAME);
	if (ret)
		return dev_err_probe(dev, ret, "cannot map BAR0 (registers)\n");
	iv->regs = pcim_iomap_table(pdev)[RL_IVSHMEM_BAR_REGS];

	start = pci_resource_start(pdev, RL_IVSHMEM_BAR_SHM);
	iv->shm_size = pci_resource_len(pdev, RL_IVSHMEM_BAR_SHM);
	if (!start || !iv->shm_size)
		return dev_err_probe(dev, -ENODEV,
				     "no BAR2: the device has no shared memory (ivshmem-doorbell needs a server)\n");
	ret = pci_request_region(pdev, RL_IVSHMEM_BAR_SHM, KBUILD_MODNAME);
	if (ret)
		return dev_err_probe(dev, ret, "BAR2 is in use\n");
	iv->shm = devm_memremap(dev, start, iv->shm_size,
				MEMREMAP_WB | MEMREMAP_WC);
	if (IS_ERR(iv->shm))
		return dev_err_probe(dev, PTR_ERR(iv->shm),
				     "cannot map BAR2 as memory\n");

	iv->own_id = readl(iv->regs + RL_IVSHMEM_REG_IVPOSITION);
	if (iv->own_id > RL_IVSHMEM_MAX_ID)
		return dev_err_probe(dev, -ENODEV,
				     "IVPosition %#x: the device has no id yet (no server?)\n",
				     iv->own_id);
	return 0;
}

/*
 * Register the doorbell as a mailbox controller (device-managed) and bind
 * the link's transport to its channels.  On success the caller owns iv->mb
 * (rl_mbox_destroy()); on failure there is nothing to undo.
 */
static int rl_ivshmem_mbox_init(struct rl_ivshmem *iv)
{
	struct device *dev = &iv->pdev->dev;
	struct rl_mbox_desc md = { };
	unsigned int i;
	int ret;

	for (i = 0; i < RL_IVSHMEM_CHANS; i++)
		iv->chans[i].con_priv = iv;
	iv->mbox.dev = dev;
	iv->mbox.ops = &rl_ivshmem_chan_ops;
	iv->mbox.chans = iv->chans;
	iv->mbox.num_chans = RL_IVSHMEM_CHANS;
	/* A doorbell write is done when it returns: the client says so. */
	iv->mbox.txdone_irq = false;
	iv->mbox.txdone_poll = false;
	ret = devm_mbox_controller_register(dev, &iv->mbox);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register the mailbox\n");

	md.encoding = RL_KICK_PER_VRING;
	for (i = 0; i < RL_IVSHMEM_CHANS; i++)
		md.tx[i].chan = &iv->chans[i];
	md.knows_txdone = true;
	iv->mb = rl_mbox_create(dev, &md);
	if (IS_ERR(iv->mb))
		return dev_err_probe(dev, PTR_ERR(iv->mb),
				     "cannot bind the link to the doorbell channels\n");
	return 0;
}

/*
 * Create the link of our role in the window after the link header; a
 * master with the handshake publishes a new session first.  On failure
 * no link exists.
 */
static int rl_ivshmem_link_init(struct rl_ivshmem *iv)
{
	struct rpmsg_lite_link_desc desc = { };
	struct device *dev = &iv->pdev->dev;

	desc.dev = dev;
	desc.name = dev_name(dev);
	desc.shm = iv->shm + iv->cfg.shm_da;
	desc.shm_size = iv->shm_size - iv->cfg.shm_da;
	desc.cfg = iv->cfg;
	desc.ops = &rl_mbox_ops;
	desc.ops_priv = iv->mb;
	if (iv->role == RPMSG_LITE_MASTER) {
		if (handshake)
			rl_ivshmem_master_publish(iv);
		iv->rl = rpmsg_lite_master_init(&desc);
	} else {
		iv->rl = rpmsg_lite_remote_init(&desc);
	}
	if (IS_ERR(iv->rl))
		return dev_err_probe(dev, PTR_ERR(iv->rl),
				     "cannot create the %s link\n",
				     rl_ivshmem_role_name(iv->role));
	return 0;
}

static int rl_ivshmem_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct rl_ivshmem *iv;
	int ret;

	iv = rl_ivshmem_alloc(pdev);
	if (IS_ERR(iv))
		return PTR_ERR(iv);
	ret = rl_ivshmem_map(iv);
	if (ret)
		return ret;
	ret = rl_ivshmem_parse_params(iv);
	if (ret)
		return ret;
	iv->hdr = iv->shm + shm_offset;
	pci_set_master(pdev);	/* MSI-X messages are bus-master writes */

	ret = rl_ivshmem_mbox_init(iv);
	if (ret)
		return ret;
	ret = rl_ivshmem_setup_irqs(iv);
	if (ret)
		goto err_mbox;
	ret = rl_ivshmem_link_init(iv);
	if (ret)
		goto err_irqs;

	pci_set_drvdata(pdev, iv);
	spin_lock_irq(&iv->lock);
	/* The numbers in effect (defaults applied), for the remote's check. */
	iv->cfg = *rpmsg_lite_get_config(iv->rl);
	iv->ready = true;
	spin_unlock_irq(&iv->lock);

	dev_info(dev, "%s link %u: own id %u, peer %u, %u %s vector(s), BAR2 %pa bytes, link at +%#llx, %u x %u-byte payloads%s\n",
		 rl_ivshmem_role_name(iv->role), iv->cfg.link_id, iv->own_id,
		 iv->peer_id, iv->nvec, iv->msix ? "MSI-X" : "INTx",
		 &iv->shm_size, iv->cfg.shm_da, iv->cfg.buffer_count,
		 iv->cfg.payload_size, handshake ? "" : ", no handshake");
	if (handshake)
		queue_work(system_wq, &iv->sync_work);
	return 0;

err_irqs:
	rl_ivshmem_free_irqs(iv);
err_mbox:
	rl_mbox_destroy(iv->mb);
	return ret;
}

static void rl_ivshmem_remove(struct pci_dev *pdev)
{
	struct rl_ivshmem *iv = pci_get_drvdata(pdev);
	unsigned long flags;

	spin_lock_irqsave(&iv->lock, flags);
	iv->removing = true;
	spin_unlock_irqrestore(&iv->lock, flags);
	cancel_work_sync(&iv->sync_work);
	cancel_delayed_work_sync(&iv->hello_work);

	rpmsg_lite_deinit(iv->rl);
	rl_mbox_destroy(iv->mb);
	rl_ivshmem_free_irqs(iv);
	dev_info(&pdev->dev, "link removed (%lld interrupts, %lld kicks held back, %lld sessions)\n",
		 (long long)atomic64_read(&iv->irqs),
		 (long long)atomic64_read(&iv->held_back),
		 (long long)atomic64_read(&iv->resyncs));
}

static const struct pci_device_id rl_ivshmem_ids[] = {
	{ PCI_DEVICE(RL_IVSHMEM_VENDOR_ID, RL_IVSHMEM_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, rl_ivshmem_ids);

static struct pci_driver rl_ivshmem_driver = {
	.name = "rpmsg_lite_ivshmem",
	.id_table = rl_ivshmem_ids,
	.probe = rl_ivshmem_probe,
	.remove = rl_ivshmem_remove,
};
module_pci_driver(rl_ivshmem_driver);

MODULE_DESCRIPTION("rpmsg-lite link over a QEMU ivshmem-doorbell device");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RPMSG_LITE);
