// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmsg_sim: a simulated remote processor for testing the rpmsg stack.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Each simulated remote is a remoteproc whose "firmware" is this module.
 * Linux boots it the way it boots a real M-core: request_firmware() of a
 * token image, the resource table (one rpmsg vdev, two vrings) handed over
 * through find_loaded_rsc_table(), then the unmodified remoteproc_virtio ->
 * virtio_rpmsg_bus -> rpmsg core stack comes up on it. This module plays the
 * device side of the two vrings like an OpenAMP remote: it consumes Linux's
 * tx buffers, fills Linux's rx buffers, announces services to address 53,
 * runs echo services, and kicks Linux from a workqueue (virtio_rpmsg_bus
 * takes mutexes in its vq callbacks). Crashes go through
 * rproc_report_crash() and the remoteproc recovery path.
 *
 * Userspace drives it through /dev/rpmsg_sim (rpmsg_sim.h,
 * docs/simulator.md).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/firmware.h>
#include <linux/idr.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/remoteproc.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>
#include <linux/workqueue.h>

#include "rpmsg_sim.h"

/*
 * Exported by remoteproc_virtio for platform drivers' mailbox interrupts;
 * in-tree drivers get the prototype from the private remoteproc_internal.h,
 * which an out-of-tree module cannot include.
 */
irqreturn_t rproc_vq_interrupt(struct rproc *rproc, int notifyid);

#define SIM_DEFAULT_VRING_NUM	256
#define SIM_MAX_VRING_NUM	256
#define SIM_VRING_ALIGN		4096
#define SIM_QUEUE_LIMIT		4096	/* pending (to Linux) and captured */
#define SIM_BOOT_POLL_MS	5
#define SIM_WORK_BUDGET		64	/* buffers per direction per pass */
#define SIM_FW_NAME		"rpmsg-sim.fw"
#define SIM_FW_MAGIC		"RPMSGSIM"

/* virtio-rpmsg feature bit 0: the remote has a name service (virtio spec) */
#define SIM_VIRTIO_RPMSG_F_NS	0

/*
 * Wire format of the rpmsg transport (virtio spec 5.6 / OpenAMP), as the
 * remote sees it in shared memory. Legacy virtio: native (little) endian.
 */
struct sim_rpmsg_hdr {
	__le32 src;
	__le32 dst;
	__le32 reserved;
	__le16 len;
	__le16 flags;
} __packed;

struct sim_ns_msg {
	char name[RPMSG_SIM_NAME_LEN];
	__le32 addr;
	__le32 flags;
} __packed;

#define SIM_NS_CREATE	0
#define SIM_NS_DESTROY	1

/* One rpmsg message queued inside the simulator. */
struct sim_msg {
	struct list_head node;
	u32 src;
	u32 dst;
	u32 len;
	u32 flags;		/* RPMSG_SIM_MSG_* */
	u8 data[];
};

struct sim_service {
	struct list_head node;
	char name[RPMSG_SIM_NAME_LEN];
	u32 addr;
	u32 flags;
};

/* The device side of one vring. Touched only from the remote's work items. */
struct sim_vring {
	struct vring vr;
	u16 last_avail;
	u32 notifyid;
};

/**
 * struct sim_remote - one simulated remote processor
 * @ref: one reference for the index table, one per selected file
 * @index: rpmsg-sim.<index>
 * @pdev: parent device of the remoteproc (DMA for vrings and buffers)
 * @rproc: the remoteproc; NULL once destroyed
 * @subdev: stopped before the vdev, so the firmware stops touching the
 *	vrings before virtio_rpmsg_bus frees its buffers
 * @fw_table: the resource table as "built into the firmware image"
 * @dev_table: the resource table in "device memory": Linux writes vring
 *	addresses, notify ids and the virtio status here
 * @table_sz: size of both tables
 * @vdev: the vdev entry inside @dev_table
 * @wq: runs the firmware's work items
 * @tx_work: consumes Linux's tx buffers (vring 1). Separate from @rx_work
 *	so that a Linux rx callback that blocks on a full tx ring cannot
 *	stall the work that frees tx buffers, as on real hardware
 * @rx_work: fills Linux's rx buffers (vring 0) from @pending
 * @boot_work: waits for DRIVER_OK, then "boots" the firmware; touches the
 *	vrings only while @state is BOOTING, the other two only while UP
 * @vring: device side of vring 0 (Linux rx) and vring 1 (Linux tx)
 * @ctl_lock: serialises control operations (create/destroy, crash, stop,
 *	start, services)
 * @services: the firmware's services, under @ctl_lock
 * @lock: protects everything below, taken from process context only
 * @state: RPMSG_SIM_STATE_*
 * @dead: destroyed: every operation fails with -ENODEV
 * @stalled: do not consume Linux's tx buffers
 * @capture_on: queue every message Linux sends on @capture
 * @boots: times the firmware came up
 * @pending: messages the remote will deliver to Linux
 * @npending: length of @pending
 * @capture: messages Linux sent, for read()
 * @ncapture: length of @capture
 * @stats: counters reported by RPMSG_SIM_IOC_STATS
 * @wait: woken on state changes and captured messages
 */
struct sim_remote {
	struct kref ref;
	u32 index;
	struct platform_device *pdev;
	struct rproc *rproc;
	struct rproc_subdev subdev;
	void *fw_table;
	void *dev_table;
	size_t table_sz;
	struct fw_rsc_vdev *vdev;
	struct workqueue_struct *wq;
	struct work_struct tx_work;
	struct work_struct rx_work;
	struct delayed_work boot_work;
	struct sim_vring vring[2];
	struct mutex ctl_lock;
	struct list_head services;

	spinlock_t lock;
	u32 state;
	bool dead;
	bool stalled;
	bool capture_on;
	u32 boots;
	struct list_head pending;
	u32 npending;
	struct list_head capture;
	u32 ncapture;
	struct rpmsg_sim_stats stats;
	wait_queue_head_t wait;
};

/* A file of /dev/rpmsg_sim: speaks for one remote once created/selected. */
struct sim_file {
	struct mutex lock;	/* protects remote */
	struct sim_remote *remote;
};

static DEFINE_MUTEX(sim_idr_lock);	/* protects sim_idr */
static DEFINE_IDR(sim_idr);

static void sim_msgs_free(struct list_head *list)
{
	struct sim_msg *m, *tmp;

	list_for_each_entry_safe(m, tmp, list, node) {
		list_del(&m->node);
		kfree(m);
	}
}

static void sim_remote_release(struct kref *ref)
{
	struct sim_remote *r = container_of(ref, struct sim_remote, ref);
	struct sim_service *s, *tmp;

	list_for_each_entry_safe(s, tmp, &r->services, node)
		kfree(s);
	sim_msgs_free(&r->pending);
	sim_msgs_free(&r->capture);
	kfree(r->fw_table);
	kfree(r->dev_table);
	kfree(r);
}

static void sim_remote_put(struct sim_remote *r)
{
	kref_put(&r->ref, sim_remote_release);
}

static struct sim_msg *sim_msg_alloc(u32 src, u32 dst, u32 len, u32 flags,
				     gfp_t gfp)
{
	struct sim_msg *m = kmalloc(struct_size(m, data, len), gfp);

	if (!m)
		return NULL;
	m->src = src;
	m->dst = dst;
	m->len = len;
	m->flags = flags;
	return m;
}

static struct sim_msg *sim_msg_new(u32 src, u32 dst, const void *data,
				   u32 len, u32 flags, gfp_t gfp)
{
	struct sim_msg *m = sim_msg_alloc(src, dst, len, flags, gfp);

	if (m && len)
		memcpy(m->data, data, len);
	return m;
}

/* Queue a message for Linux; false (and counted) when the queue is full. */
static bool sim_queue_locked(struct sim_remote *r, struct sim_msg *m)
{
	lockdep_assert_held(&r->lock);
	if (r->npending >= SIM_QUEUE_LIMIT) {
		r->stats.tx_drops++;
		kfree(m);
		return false;
	}
	list_add_tail(&m->node, &r->pending);
	r->npending++;
	return true;
}

/*
 * Announce (or withdraw) a service, if the firmware is up. Under r->lock,
 * so that a service added while the firmware boots is announced once.
 */
static void sim_queue_ns_locked(struct sim_remote *r,
				const struct sim_service *s, u32 ns_flags)
{
	struct sim_ns_msg ns = {};
	struct sim_msg *m;

	lockdep_assert_held(&r->lock);
	if (s->flags & RPMSG_SIM_SVC_QUIET || r->state != RPMSG_SIM_STATE_UP)
		return;
	strscpy(ns.name, s->name, sizeof(ns.name));
	ns.addr = cpu_to_le32(s->addr);
	ns.flags = cpu_to_le32(ns_flags);
	m = sim_msg_new(s->addr, RPMSG_SIM_NS_ADDR, &ns, sizeof(ns), 0,
			GFP_ATOMIC);
	if (m)
		sim_queue_locked(r, m);
	else
		r->stats.tx_drops++;
}

/* Shared memory as the remote sees it: on this machine, physical = DMA. */
static void *sim_da_to_va(u64 da)
{
	return phys_to_virt((phys_addr_t)da);
}

static bool sim_vring_pop(struct sim_vring *v, u16 *head, void **buf,
			  u32 *len)
{
	struct vring *vr = &v->vr;
	u16 avail_idx = (__force u16)READ_ONCE(vr->avail->idx);
	struct vring_desc *d;

	if (avail_idx == v->last_avail)
		return false;
	virt_rmb();	/* read the ring entry after the index */
	*head = (__force u16)vr->avail->ring[v->last_avail % vr->num];
	if (*head >= vr->num) {
		pr_err("vring: bad descriptor index %u\n", *head);
		return false;
	}
	d = &vr->desc[*head];
	*buf = sim_da_to_va((__force u64)d->addr);
	*len = (__force u32)d->len;
	v->last_avail++;
	return true;
}

static void sim_vring_push(struct sim_vring *v, u16 head, u32 len)
{
	struct vring *vr = &v->vr;
	u16 used_idx = (__force u16)vr->used->idx;
	struct vring_used_elem *e = &vr->used->ring[used_idx % vr->num];

	e->id = (__force __virtio32)(u32)head;
	e->len = (__force __virtio32)len;
	virt_wmb();	/* publish the entry before the index */
	WRITE_ONCE(vr->used->idx, (__force __virtio16)(u16)(used_idx + 1));
}

static void sim_vring_notify(struct sim_remote *r, struct sim_vring *v)
{
	virt_mb();	/* used->idx visible before we read the avail flags */
	if (!((__force u16)READ_ONCE(v->vr.avail->flags) &
	      VRING_AVAIL_F_NO_INTERRUPT))
		rproc_vq_interrupt(r->rproc, v->notifyid);
}

/* Under rcu_read_lock() or ctl_lock. */
static struct sim_service *sim_find_service(struct sim_remote *r, u32 addr)
{
	struct sim_service *s;

	list_for_each_entry_rcu(s, &r->services, node,
				lockdep_is_held(&r->ctl_lock))
		if (s->addr == addr)
			return s;
	return NULL;
}

/* One message from Linux: count, capture, echo. Called from the work item. */
static void sim_handle_from_linux(struct sim_remote *r, u32 src, u32 dst,
				  const void *data, u32 len, bool echo)
{
	struct sim_msg *cap = NULL, *reply = NULL;

	if (echo)
		reply = sim_msg_new(dst, src, data, len, 0, GFP_KERNEL);
	if (READ_ONCE(r->capture_on))
		cap = sim_msg_new(src, dst, data, len,
				  echo ? RPMSG_SIM_MSG_ECHOED : 0, GFP_KERNEL);

	spin_lock(&r->lock);
	r->stats.rx_msgs++;
	r->stats.rx_bytes += len;
	if (reply && sim_queue_locked(r, reply))
		r->stats.echoed++;
	if (cap) {
		if (r->capture_on && r->ncapture < SIM_QUEUE_LIMIT) {
			list_add_tail(&cap->node, &r->capture);
			r->ncapture++;
			cap = NULL;
		} else if (r->capture_on) {
			r->stats.capture_drops++;
		}
	}
	spin_unlock(&r->lock);
	kfree(cap);
	if (reply)
		queue_work(r->wq, &r->rx_work);
	if (READ_ONCE(r->capture_on))
		wake_up_interruptible(&r->wait);
}

/* Consume Linux's tx buffers (vring 1). Returns buffers consumed. */
static int sim_consume_tx(struct sim_remote *r)
{
	struct sim_vring *v = &r->vring[1];
	int n;

	for (n = 0; n < SIM_WORK_BUDGET && !READ_ONCE(r->stalled); n++) {
		const struct sim_rpmsg_hdr *hdr;
		struct sim_service *s;
		bool echo;
		void *buf;
		u32 blen, len;
		u16 head;

		if (!sim_vring_pop(v, &head, &buf, &blen))
			break;
		hdr = buf;
		if (blen >= sizeof(*hdr)) {
			u32 src = le32_to_cpu(hdr->src);
			u32 dst = le32_to_cpu(hdr->dst);

			len = min_t(u32, le16_to_cpu(hdr->len),
				    blen - sizeof(*hdr));
			rcu_read_lock();
			s = sim_find_service(r, dst);
			echo = s && (s->flags & RPMSG_SIM_SVC_ECHO);
			rcu_read_unlock();
			sim_handle_from_linux(r, src, dst, hdr + 1, len, echo);
		} else {
			pr_err("rpmsg-sim.%u: tx buffer of %u bytes\n",
			       r->index, blen);
		}
		sim_vring_push(v, head, 0);
	}
	if (n)
		sim_vring_notify(r, v);
	return n;
}

/* Fill Linux's rx buffers (vring 0) from the pending queue. */
static int sim_deliver_rx(struct sim_remote *r)
{
	struct sim_vring *v = &r->vring[0];
	int n;

	for (n = 0; n < SIM_WORK_BUDGET; n++) {
		struct sim_rpmsg_hdr *hdr;
		struct sim_msg *m;
		void *buf;
		u32 blen, total;
		u16 head;

		spin_lock(&r->lock);
		m = list_first_entry_or_null(&r->pending, struct sim_msg, node);
		spin_unlock(&r->lock);
		if (!m)
			break;
		if (!sim_vring_pop(v, &head, &buf, &blen))
			break;
		spin_lock(&r->lock);
		list_del(&m->node);
		r->npending--;
		spin_unlock(&r->lock);

		if (m->flags & RPMSG_SIM_MSG_RAW) {
			total = min(m->len, blen);
			memcpy(buf, m->data, total);
		} else {
			hdr = buf;
			total = min_t(u32, sizeof(*hdr) + m->len, blen);
			hdr->src = cpu_to_le32(m->src);
			hdr->dst = cpu_to_le32(m->dst);
			hdr->reserved = 0;
			hdr->len = cpu_to_le16(total - sizeof(*hdr));
			hdr->flags = 0;
			memcpy(hdr + 1, m->data, total - sizeof(*hdr));
		}
		sim_vring_push(v, head, total);
		spin_lock(&r->lock);
		r->stats.tx_msgs++;
		r->stats.tx_bytes += m->len;
		spin_unlock(&r->lock);
		kfree(m);
	}
	if (n)
		sim_vring_notify(r, v);
	return n;
}

/* Process a budget, then requeue to let others run, until idle. */
static void sim_tx_work_fn(struct work_struct *work)
{
	struct sim_remote *r = container_of(work, struct sim_remote, tx_work);

	if (READ_ONCE(r->state) == RPMSG_SIM_STATE_UP &&
	    sim_consume_tx(r) == SIM_WORK_BUDGET)
		queue_work(r->wq, &r->tx_work);
}

static void sim_rx_work_fn(struct work_struct *work)
{
	struct sim_remote *r = container_of(work, struct sim_remote, rx_work);

	if (READ_ONCE(r->state) == RPMSG_SIM_STATE_UP &&
	    sim_deliver_rx(r) == SIM_WORK_BUDGET)
		queue_work(r->wq, &r->rx_work);
}

static void sim_kick_firmware(struct sim_remote *r)
{
	if (READ_ONCE(r->state) == RPMSG_SIM_STATE_UP) {
		queue_work(r->wq, &r->tx_work);
		queue_work(r->wq, &r->rx_work);
	}
}

/* The firmware's boot: wait for the driver, set up the vrings, announce. */
static void sim_boot_fn(struct work_struct *work)
{
	struct sim_remote *r = container_of(to_delayed_work(work),
					    struct sim_remote, boot_work);
	struct fw_rsc_vdev *vdev = r->vdev;
	int i;

	if (READ_ONCE(r->state) != RPMSG_SIM_STATE_BOOTING)
		return;
	if (!(READ_ONCE(vdev->status) & VIRTIO_CONFIG_S_DRIVER_OK)) {
		queue_delayed_work(r->wq, &r->boot_work,
				   msecs_to_jiffies(SIM_BOOT_POLL_MS));
		return;
	}
	virt_rmb();	/* vring addresses were written before DRIVER_OK */
	for (i = 0; i < 2; i++) {
		struct fw_rsc_vdev_vring *rv = &vdev->vring[i];

		vring_init(&r->vring[i].vr, rv->num, sim_da_to_va(rv->da),
			   rv->align);
		r->vring[i].last_avail = 0;
		r->vring[i].notifyid = rv->notifyid;
	}

	/* Up: announce the services, as OpenAMP firmware does at boot. */
	rcu_read_lock();
	spin_lock(&r->lock);
	if (r->state == RPMSG_SIM_STATE_BOOTING) {
		struct sim_service *s;

		r->state = RPMSG_SIM_STATE_UP;
		r->boots++;
		list_for_each_entry_rcu(s, &r->services, node)
			sim_queue_ns_locked(r, s, SIM_NS_CREATE);
	}
	spin_unlock(&r->lock);
	rcu_read_unlock();
	wake_up_interruptible(&r->wait);
	sim_kick_firmware(r);
}

/* --- remoteproc side ------------------------------------------------- */

static struct sim_remote *rproc_to_sim(struct rproc *rproc)
{
	return *(struct sim_remote **)rproc->priv;
}

static int sim_rproc_sanity_check(struct rproc *rproc,
				  const struct firmware *fw)
{
	if (fw->size < strlen(SIM_FW_MAGIC) ||
	    memcmp(fw->data, SIM_FW_MAGIC, strlen(SIM_FW_MAGIC))) {
		dev_err(&rproc->dev, "%s is not a simulator image\n",
			rproc->firmware);
		return -EINVAL;
	}
	return 0;
}

/* The image "contains" the resource table; keep a copy as the core does. */
static int sim_rproc_parse_fw(struct rproc *rproc, const struct firmware *fw)
{
	struct sim_remote *r = rproc_to_sim(rproc);

	rproc->cached_table = kmemdup(r->fw_table, r->table_sz, GFP_KERNEL);
	if (!rproc->cached_table)
		return -ENOMEM;
	rproc->table_ptr = rproc->cached_table;
	rproc->table_sz = r->table_sz;
	return 0;
}

static struct resource_table *
sim_rproc_find_loaded_rsc_table(struct rproc *rproc, const struct firmware *fw)
{
	return rproc_to_sim(rproc)->dev_table;
}

/* Nothing to copy: the firmware's code is this module. */
static int sim_rproc_load(struct rproc *rproc, const struct firmware *fw)
{
	return 0;
}

static int sim_rproc_start(struct rproc *rproc)
{
	struct sim_remote *r = rproc_to_sim(rproc);

	/*
	 * Subdevices stop in reverse order of registration. The vdev was
	 * registered while the resources were handled, before this: moving
	 * ours to the tail makes it stop first, so the firmware has let go
	 * of the vrings before virtio_rpmsg_bus frees its buffers.
	 */
	rproc_remove_subdev(rproc, &r->subdev);
	rproc_add_subdev(rproc, &r->subdev);
	return 0;
}

static int sim_rproc_stop(struct rproc *rproc)
{
	return 0;
}

/* Linux added buffers to a vring: tx to consume, or rx to fill. */
static void sim_rproc_kick(struct rproc *rproc, int vqid)
{
	struct sim_remote *r = rproc_to_sim(rproc);

	if (READ_ONCE(r->state) != RPMSG_SIM_STATE_UP)
		return;
	if (vqid == r->vring[1].notifyid)
		queue_work(r->wq, &r->tx_work);
	else
		queue_work(r->wq, &r->rx_work);
}

static const struct rproc_ops sim_rproc_ops = {
	.start = sim_rproc_start,
	.stop = sim_rproc_stop,
	.kick = sim_rproc_kick,
	.load = sim_rproc_load,
	.parse_fw = sim_rproc_parse_fw,
	.find_loaded_rsc_table = sim_rproc_find_loaded_rsc_table,
	.sanity_check = sim_rproc_sanity_check,
};

/* Called after the vdev started (virtio device registered). */
static int sim_subdev_start(struct rproc_subdev *subdev)
{
	struct sim_remote *r = container_of(subdev, struct sim_remote, subdev);

	spin_lock(&r->lock);
	r->state = RPMSG_SIM_STATE_BOOTING;
	spin_unlock(&r->lock);
	queue_delayed_work(r->wq, &r->boot_work, 0);
	return 0;
}

/* Called before the vdev stops: the firmware dies, its queues with it. */
static void sim_subdev_stop(struct rproc_subdev *subdev, bool crashed)
{
	struct sim_remote *r = container_of(subdev, struct sim_remote, subdev);
	LIST_HEAD(lost);

	spin_lock(&r->lock);
	r->state = RPMSG_SIM_STATE_DOWN;
	list_splice_init(&r->pending, &lost);
	r->npending = 0;
	spin_unlock(&r->lock);
	cancel_delayed_work_sync(&r->boot_work);
	cancel_work_sync(&r->tx_work);
	cancel_work_sync(&r->rx_work);
	sim_msgs_free(&lost);
	wake_up_interruptible(&r->wait);
}

static size_t sim_build_tables(struct sim_remote *r, u32 vring_num)
{
	struct resource_table *t;
	struct fw_rsc_hdr *hdr;
	struct fw_rsc_vdev *vdev;
	size_t vdev_sz = struct_size(vdev, vring, 2);
	size_t sz = sizeof(*t) + sizeof(u32) + sizeof(*hdr) + vdev_sz;
	int i;

	t = kzalloc(sz, GFP_KERNEL);
	r->dev_table = kzalloc(sz, GFP_KERNEL);
	if (!t || !r->dev_table) {
		kfree(t);
		return 0;
	}
	t->ver = 1;
	t->num = 1;
	t->offset[0] = sizeof(*t) + sizeof(u32);
	hdr = (void *)t + t->offset[0];
	hdr->type = RSC_VDEV;
	vdev = (void *)(hdr + 1);
	vdev->id = VIRTIO_ID_RPMSG;
	vdev->dfeatures = BIT(SIM_VIRTIO_RPMSG_F_NS);
	vdev->num_of_vrings = 2;
	for (i = 0; i < 2; i++) {
		vdev->vring[i].da = FW_RSC_ADDR_ANY;
		vdev->vring[i].align = SIM_VRING_ALIGN;
		vdev->vring[i].num = vring_num;
	}
	r->fw_table = t;
	r->vdev = (void *)r->dev_table + ((void *)vdev - (void *)t);
	return sz;
}

static void sim_remote_teardown(struct sim_remote *r)
{
	if (r->rproc) {
		rproc_del(r->rproc);
		rproc_remove_subdev(r->rproc, &r->subdev);
		rproc_free(r->rproc);
		r->rproc = NULL;
	}
	if (r->wq)
		destroy_workqueue(r->wq);
	r->wq = NULL;
	if (r->pdev)
		platform_device_unregister(r->pdev);
	r->pdev = NULL;
}

static struct sim_remote *sim_remote_create(u32 vring_num, u32 flags)
{
	struct platform_device_info pinfo = {
		.name = "rpmsg-sim",
		/* vring and buffer addresses go in 32-bit resource fields */
		.dma_mask = DMA_BIT_MASK(32),
	};
	struct sim_remote *r;
	int ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	kref_init(&r->ref);
	mutex_init(&r->ctl_lock);
	spin_lock_init(&r->lock);
	INIT_LIST_HEAD(&r->services);
	INIT_LIST_HEAD(&r->pending);
	INIT_LIST_HEAD(&r->capture);
	init_waitqueue_head(&r->wait);
	INIT_WORK(&r->tx_work, sim_tx_work_fn);
	INIT_WORK(&r->rx_work, sim_rx_work_fn);
	INIT_DELAYED_WORK(&r->boot_work, sim_boot_fn);
	r->subdev.start = sim_subdev_start;
	r->subdev.stop = sim_subdev_stop;
	INIT_LIST_HEAD(&r->subdev.node);

	r->table_sz = sim_build_tables(r, vring_num);
	if (!r->table_sz) {
		ret = -ENOMEM;
		goto err_put;
	}

	mutex_lock(&sim_idr_lock);
	ret = idr_alloc(&sim_idr, r, 0, 0, GFP_KERNEL);
	mutex_unlock(&sim_idr_lock);
	if (ret < 0)
		goto err_put;
	r->index = ret;

	r->wq = alloc_workqueue("rpmsg_sim%u", WQ_UNBOUND, 0, r->index);
	if (!r->wq) {
		ret = -ENOMEM;
		goto err_teardown;
	}
	pinfo.id = r->index;
	r->pdev = platform_device_register_full(&pinfo);
	if (IS_ERR(r->pdev)) {
		ret = PTR_ERR(r->pdev);
		r->pdev = NULL;
		goto err_teardown;
	}
	r->rproc = rproc_alloc(&r->pdev->dev, dev_name(&r->pdev->dev),
			       &sim_rproc_ops, SIM_FW_NAME, sizeof(r));
	if (!r->rproc) {
		ret = -ENOMEM;
		goto err_teardown;
	}
	*(struct sim_remote **)r->rproc->priv = r;
	r->rproc->auto_boot = false;
	ret = rproc_add(r->rproc);
	if (ret) {
		rproc_free(r->rproc);
		r->rproc = NULL;
		goto err_teardown;
	}
	if (!(flags & RPMSG_SIM_CREATE_STOPPED)) {
		ret = rproc_boot(r->rproc);
		if (ret)
			goto err_teardown;
	}
	return r;

err_teardown:
	sim_remote_teardown(r);
	mutex_lock(&sim_idr_lock);
	idr_remove(&sim_idr, r->index);
	mutex_unlock(&sim_idr_lock);
err_put:
	sim_remote_put(r);
	return ERR_PTR(ret);
}

/* Remove from the index table and tear down; files keep the memory alive. */
static void sim_remote_destroy(struct sim_remote *r)
{
	mutex_lock(&r->ctl_lock);
	spin_lock(&r->lock);
	r->dead = true;
	spin_unlock(&r->lock);
	sim_remote_teardown(r);
	mutex_unlock(&r->ctl_lock);
	wake_up_interruptible(&r->wait);

	mutex_lock(&sim_idr_lock);
	idr_remove(&sim_idr, r->index);
	mutex_unlock(&sim_idr_lock);
	sim_remote_put(r);
}

/* --- control device ---------------------------------------------------- */

static int sim_ioc_create(struct sim_file *f, void __user *argp)
{
	struct rpmsg_sim_create c;
	struct sim_remote *r;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if (c.size != sizeof(c) || c.flags & ~RPMSG_SIM_CREATE_STOPPED)
		return -EINVAL;
	if (!c.vring_num)
		c.vring_num = SIM_DEFAULT_VRING_NUM;
	if (c.vring_num < 2 || c.vring_num > SIM_MAX_VRING_NUM ||
	    !is_power_of_2(c.vring_num))
		return -EINVAL;
	if (f->remote)
		return -EBUSY;

	r = sim_remote_create(c.vring_num, c.flags);
	if (IS_ERR(r))
		return PTR_ERR(r);
	kref_get(&r->ref);
	f->remote = r;
	c.index = r->index;
	if (copy_to_user(argp, &c, sizeof(c)))
		return -EFAULT;
	return 0;
}

static int sim_ioc_select(struct sim_file *f, u32 __user *argp)
{
	struct sim_remote *r;
	u32 index;

	if (get_user(index, argp))
		return -EFAULT;
	if (f->remote)
		return -EBUSY;
	mutex_lock(&sim_idr_lock);
	r = idr_find(&sim_idr, index);
	if (r)
		kref_get(&r->ref);
	mutex_unlock(&sim_idr_lock);
	if (!r)
		return -ENOENT;
	f->remote = r;
	return 0;
}

static int sim_ioc_info(struct sim_remote *r, void __user *argp)
{
	struct rpmsg_sim_info info;

	if (copy_from_user(&info, argp, sizeof(info)))
		return -EFAULT;
	if (info.size != sizeof(info))
		return -EINVAL;
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.index = r->index;
	info.vring_num = r->vdev->vring[0].num;
	mutex_lock(&r->ctl_lock);
	if (r->rproc)
		strscpy(info.rproc, dev_name(&r->rproc->dev),
			sizeof(info.rproc));
	mutex_unlock(&r->ctl_lock);
	spin_lock(&r->lock);
	info.state = r->state;
	info.boots = r->boots;
	info.stalled = r->stalled;
	spin_unlock(&r->lock);
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static int sim_ioc_stats(struct sim_remote *r, void __user *argp)
{
	struct rpmsg_sim_stats st;
	u32 size;

	if (get_user(size, (u32 __user *)argp))
		return -EFAULT;
	if (size != sizeof(st))
		return -EINVAL;
	spin_lock(&r->lock);
	st = r->stats;
	st.pending = r->npending;
	spin_unlock(&r->lock);
	st.size = sizeof(st);
	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

static int sim_ioc_add_svc(struct sim_remote *r, void __user *argp)
{
	struct rpmsg_sim_service req;
	struct sim_service *s;
	int ret = 0;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!memchr(req.name, '\0', sizeof(req.name)) || !req.name[0] ||
	    req.flags & ~(RPMSG_SIM_SVC_ECHO | RPMSG_SIM_SVC_QUIET) ||
	    req.addr == RPMSG_SIM_NS_ADDR || req.addr == FW_RSC_ADDR_ANY)
		return -EINVAL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	strscpy(s->name, req.name, sizeof(s->name));
	s->addr = req.addr;
	s->flags = req.flags;

	mutex_lock(&r->ctl_lock);
	if (sim_find_service(r, s->addr)) {
		ret = -EEXIST;
		kfree(s);
	} else {
		spin_lock(&r->lock);
		list_add_tail_rcu(&s->node, &r->services);
		sim_queue_ns_locked(r, s, SIM_NS_CREATE);
		spin_unlock(&r->lock);
	}
	mutex_unlock(&r->ctl_lock);
	sim_kick_firmware(r);
	return ret;
}

static int sim_ioc_del_svc(struct sim_remote *r, u32 __user *argp)
{
	struct sim_service *s;
	u32 addr;

	if (get_user(addr, argp))
		return -EFAULT;
	mutex_lock(&r->ctl_lock);
	s = sim_find_service(r, addr);
	if (s) {
		spin_lock(&r->lock);
		list_del_rcu(&s->node);
		sim_queue_ns_locked(r, s, SIM_NS_DESTROY);
		spin_unlock(&r->lock);
	}
	mutex_unlock(&r->ctl_lock);
	if (!s)
		return -ENOENT;
	synchronize_rcu();
	kfree(s);
	sim_kick_firmware(r);
	return 0;
}

static int sim_ioc_flag(struct sim_remote *r, u32 __user *argp, bool *flag)
{
	u32 on;

	if (get_user(on, argp))
		return -EFAULT;
	if (on > 1)
		return -EINVAL;
	spin_lock(&r->lock);
	WRITE_ONCE(*flag, on);
	if (flag == &r->capture_on && !on) {
		sim_msgs_free(&r->capture);
		r->ncapture = 0;
	}
	spin_unlock(&r->lock);
	sim_kick_firmware(r);
	return 0;
}

static int sim_ioc_wait_up(struct sim_remote *r, void __user *argp)
{
	struct rpmsg_sim_wait w;
	long ret;

	if (copy_from_user(&w, argp, sizeof(w)))
		return -EFAULT;
	ret = wait_event_interruptible_timeout(r->wait,
		READ_ONCE(r->dead) ||
		(READ_ONCE(r->state) == RPMSG_SIM_STATE_UP &&
		 READ_ONCE(r->boots) >= w.min_boots),
		msecs_to_jiffies(w.timeout_ms));
	if (ret < 0)
		return ret;
	if (READ_ONCE(r->dead))
		return -ENODEV;
	return ret ? 0 : -ETIMEDOUT;
}

/* Crash, stop and start go through the remoteproc core like a board's. */
static int sim_ioc_lifecycle(struct sim_remote *r, unsigned int cmd)
{
	int ret = 0;

	mutex_lock(&r->ctl_lock);
	if (!r->rproc) {
		ret = -ENODEV;
	} else if (cmd == RPMSG_SIM_IOC_CRASH) {
		if (READ_ONCE(r->state) == RPMSG_SIM_STATE_DOWN)
			ret = -EINVAL;
		else
			rproc_report_crash(r->rproc, RPROC_FATAL_ERROR);
	} else if (cmd == RPMSG_SIM_IOC_STOP) {
		ret = rproc_shutdown(r->rproc);
	} else {
		ret = rproc_boot(r->rproc);
	}
	mutex_unlock(&r->ctl_lock);
	return ret;
}

static long sim_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct sim_file *f = file->private_data;
	void __user *argp = (void __user *)arg;
	struct sim_remote *r;
	long ret;

	mutex_lock(&f->lock);
	if (cmd == RPMSG_SIM_IOC_CREATE) {
		ret = sim_ioc_create(f, argp);
		goto out;
	}
	if (cmd == RPMSG_SIM_IOC_SELECT) {
		ret = sim_ioc_select(f, argp);
		goto out;
	}
	r = f->remote;
	if (!r || READ_ONCE(r->dead)) {
		ret = -ENODEV;
		goto out;
	}
	switch (cmd) {
	case RPMSG_SIM_IOC_DESTROY:
		sim_remote_destroy(r);
		ret = 0;
		break;
	case RPMSG_SIM_IOC_INFO:
		ret = sim_ioc_info(r, argp);
		break;
	case RPMSG_SIM_IOC_STATS:
		ret = sim_ioc_stats(r, argp);
		break;
	case RPMSG_SIM_IOC_ADD_SVC:
		ret = sim_ioc_add_svc(r, argp);
		break;
	case RPMSG_SIM_IOC_DEL_SVC:
		ret = sim_ioc_del_svc(r, argp);
		break;
	case RPMSG_SIM_IOC_CAPTURE:
		ret = sim_ioc_flag(r, argp, &r->capture_on);
		break;
	case RPMSG_SIM_IOC_STALL:
		ret = sim_ioc_flag(r, argp, &r->stalled);
		break;
	case RPMSG_SIM_IOC_CRASH:
	case RPMSG_SIM_IOC_STOP:
	case RPMSG_SIM_IOC_START:
		ret = sim_ioc_lifecycle(r, cmd);
		break;
	case RPMSG_SIM_IOC_WAIT_UP:
		/* may sleep long: do not hold the file lock */
		kref_get(&r->ref);
		mutex_unlock(&f->lock);
		ret = sim_ioc_wait_up(r, argp);
		sim_remote_put(r);
		return ret;
	default:
		ret = -ENOTTY;
	}
out:
	mutex_unlock(&f->lock);
	return ret;
}

static struct sim_remote *sim_file_remote(struct sim_file *f)
{
	struct sim_remote *r;

	mutex_lock(&f->lock);
	r = f->remote;
	if (r)
		kref_get(&r->ref);
	mutex_unlock(&f->lock);
	return r;
}

static ssize_t sim_read(struct file *file, char __user *buf, size_t count,
			loff_t *ppos)
{
	struct sim_remote *r = sim_file_remote(file->private_data);
	struct rpmsg_sim_msg hdr;
	struct sim_msg *m;
	ssize_t ret;

	if (!r)
		return -ENODEV;
	spin_lock(&r->lock);
	while (!(m = list_first_entry_or_null(&r->capture, struct sim_msg,
					       node))) {
		spin_unlock(&r->lock);
		if (READ_ONCE(r->dead)) {
			ret = -ENODEV;
			goto out;
		}
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out;
		}
		ret = wait_event_interruptible(r->wait,
			!list_empty_careful(&r->capture) || READ_ONCE(r->dead));
		if (ret)
			goto out;
		spin_lock(&r->lock);
	}
	if (count < sizeof(hdr) + m->len) {
		spin_unlock(&r->lock);
		ret = -EMSGSIZE;
		goto out;
	}
	list_del(&m->node);
	r->ncapture--;
	spin_unlock(&r->lock);

	hdr.src = m->src;
	hdr.dst = m->dst;
	hdr.len = m->len;
	hdr.flags = m->flags;
	ret = sizeof(hdr) + m->len;
	if (copy_to_user(buf, &hdr, sizeof(hdr)) ||
	    copy_to_user(buf + sizeof(hdr), m->data, m->len))
		ret = -EFAULT;
	kfree(m);
out:
	sim_remote_put(r);
	return ret;
}

static ssize_t sim_write(struct file *file, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	struct sim_remote *r = sim_file_remote(file->private_data);
	struct rpmsg_sim_msg hdr;
	struct sim_msg *m = NULL;
	ssize_t ret;
	u32 max;

	if (!r)
		return -ENODEV;
	ret = -EFAULT;
	if (count < sizeof(hdr) || copy_from_user(&hdr, buf, sizeof(hdr)))
		goto out;
	ret = -EINVAL;
	if (hdr.flags & ~RPMSG_SIM_MSG_RAW || count != sizeof(hdr) + hdr.len)
		goto out;
	max = hdr.flags & RPMSG_SIM_MSG_RAW ? RPMSG_SIM_BUF_SIZE :
					      RPMSG_SIM_MAX_PAYLOAD;
	ret = -EMSGSIZE;
	if (hdr.len > max)
		goto out;
	ret = -ENOMEM;
	m = sim_msg_alloc(hdr.src, hdr.dst, hdr.len, hdr.flags, GFP_KERNEL);
	if (!m)
		goto out;
	ret = -EFAULT;
	if (copy_from_user(m->data, buf + sizeof(hdr), hdr.len))
		goto out;

	spin_lock(&r->lock);
	if (r->dead) {
		ret = -ENODEV;
	} else if (r->state != RPMSG_SIM_STATE_UP) {
		ret = -ENOTCONN;	/* a remote that is down sends nothing */
	} else if (r->npending >= SIM_QUEUE_LIMIT) {
		ret = -EAGAIN;
	} else {
		list_add_tail(&m->node, &r->pending);
		r->npending++;
		m = NULL;
		ret = count;
	}
	spin_unlock(&r->lock);
	sim_kick_firmware(r);
out:
	kfree(m);
	sim_remote_put(r);
	return ret;
}

static __poll_t sim_poll(struct file *file, poll_table *wait)
{
	struct sim_remote *r = sim_file_remote(file->private_data);
	__poll_t mask = 0;

	if (!r)
		return EPOLLERR;
	poll_wait(file, &r->wait, wait);
	spin_lock(&r->lock);
	if (!list_empty(&r->capture))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (r->state == RPMSG_SIM_STATE_UP && r->npending < SIM_QUEUE_LIMIT)
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (r->dead)
		mask |= EPOLLHUP;
	spin_unlock(&r->lock);
	sim_remote_put(r);
	return mask;
}

static int sim_open(struct inode *inode, struct file *file)
{
	struct sim_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	file->private_data = f;
	return stream_open(inode, file);
}

static int sim_release(struct inode *inode, struct file *file)
{
	struct sim_file *f = file->private_data;

	if (f->remote)
		sim_remote_put(f->remote);
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

static const struct file_operations sim_fops = {
	.owner = THIS_MODULE,
	.open = sim_open,
	.release = sim_release,
	.read = sim_read,
	.write = sim_write,
	.poll = sim_poll,
	.unlocked_ioctl = sim_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

static struct miscdevice sim_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "rpmsg_sim",
	.fops = &sim_fops,
	.mode = 0600,
};

static int __init sim_init(void)
{
	return misc_register(&sim_misc);
}

static void __exit sim_exit(void)
{
	struct sim_remote *r;
	int id;

	misc_deregister(&sim_misc);
	/* No file is open (the module is pinned while one is): tear down. */
	for (;;) {
		mutex_lock(&sim_idr_lock);
		id = 0;
		r = idr_get_next(&sim_idr, &id);
		mutex_unlock(&sim_idr_lock);
		if (!r)
			break;
		sim_remote_destroy(r);
	}
	idr_destroy(&sim_idr);
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_DESCRIPTION("Simulated remote processor for rpmsg tests");
MODULE_AUTHOR("The rpmsg-rpc authors");
MODULE_LICENSE("GPL");
