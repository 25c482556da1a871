// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmsg_sim firmware: what the simulated remote runs. It plays the device
 * side of the two vrings like an OpenAMP remote: consumes Linux's tx
 * buffers, fills Linux's rx buffers, announces its services to address 53,
 * answers on echo services, and interrupts Linux from work items
 * (virtio_rpmsg_bus takes mutexes in its vq callbacks).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */

#include <linux/slab.h>
#include <linux/virtio_config.h>

#include "sim_internal.h"

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

void sim_msgs_free(struct list_head *list)
{
	struct sim_msg *m, *tmp;

	list_for_each_entry_safe(m, tmp, list, node) {
		list_del(&m->node);
		kfree(m);
	}
}

struct sim_msg *sim_msg_alloc(u32 src, u32 dst, u32 len, u32 flags, gfp_t gfp)
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
void sim_queue_ns_locked(struct sim_remote *r, const struct sim_service *s,
			 u32 ns_flags)
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
	WRITE_ONCE(v->last_avail, v->last_avail + 1);
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
struct sim_service *sim_find_service(struct sim_remote *r, u32 addr)
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

/*
 * Linux rx buffers (vring 0) the firmware has taken and Linux has not put
 * back on the available ring yet. virtio_rpmsg_bus posts every buffer of
 * the ring at probe and re-posts each one right after its endpoint callback
 * returns, so 0 means every message handed over has been through Linux's
 * rx path. Caller holds r->lock with the state UP (the vring is mapped).
 */
u32 sim_firmware_rx_held(struct sim_remote *r)
{
	struct sim_vring *v = &r->vring[0];
	u16 avail_idx = (__force u16)READ_ONCE(v->vr.avail->idx);

	return v->vr.num - (u16)(avail_idx - READ_ONCE(v->last_avail));
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

void sim_kick_firmware(struct sim_remote *r)
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

void sim_firmware_init(struct sim_remote *r)
{
	INIT_WORK(&r->tx_work, sim_tx_work_fn);
	INIT_WORK(&r->rx_work, sim_rx_work_fn);
	INIT_DELAYED_WORK(&r->boot_work, sim_boot_fn);
}

/* The remote was started: boot as soon as the driver is ready. */
void sim_firmware_start(struct sim_remote *r)
{
	spin_lock(&r->lock);
	r->state = RPMSG_SIM_STATE_BOOTING;
	spin_unlock(&r->lock);
	queue_delayed_work(r->wq, &r->boot_work, 0);
}

/*
 * The remote stops (crash, shutdown): the firmware stops touching the
 * vrings, and what it had queued for Linux is lost.
 */
void sim_firmware_stop(struct sim_remote *r)
{
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
