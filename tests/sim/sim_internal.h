/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpmsg_sim internals shared by sim_ctl.c, sim_remote.c, sim_firmware.c.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/remoteproc.h>
#include <linux/spinlock.h>
#include <linux/virtio_ring.h>
#include <linux/wait.h>
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

/* sim_remote.c: lifetime of a remote and its remoteproc */
struct sim_remote *sim_remote_create(u32 vring_num, u32 flags);
void sim_remote_destroy(struct sim_remote *r);
void sim_remote_destroy_all(void);
struct sim_remote *sim_remote_get(u32 index);
void sim_remote_put(struct sim_remote *r);

/* sim_firmware.c: the simulated firmware */
void sim_firmware_init(struct sim_remote *r);
void sim_kick_firmware(struct sim_remote *r);
void sim_firmware_start(struct sim_remote *r);
void sim_firmware_stop(struct sim_remote *r);
u32 sim_firmware_rx_held(struct sim_remote *r);
struct sim_msg *sim_msg_alloc(u32 src, u32 dst, u32 len, u32 flags, gfp_t gfp);
void sim_msgs_free(struct list_head *list);
struct sim_service *sim_find_service(struct sim_remote *r, u32 addr);
void sim_queue_ns_locked(struct sim_remote *r, const struct sim_service *s,
			 u32 ns_flags);

#define SIM_NS_CREATE	0
#define SIM_NS_DESTROY	1

#endif /* SIM_INTERNAL_H */
