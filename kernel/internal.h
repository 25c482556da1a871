/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rpmsg_rpc internals shared by main.c, ctrl.c, ept.c and ns.c.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPMSG_RPC_INTERNAL_H
#define RPMSG_RPC_INTERNAL_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rpmsg.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/rpmsg_rpc.h>

#define RPC_MAX_MINORS	4096
/* Endpoints (with a node or as an fd) one remote may have */
#define RPC_MAX_EPTS	1024
/* Received messages queued over all endpoints of one remote */
#define RPC_RX_BUDGET	8192

/* The ioctl number without its size bits: structs may grow */
#define RPC_IOC_NOSIZE(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

/**
 * struct rpc_ctrl - one remote processor, and its control node
 * @dev:	the rpmsg_rpc_ctrlN device; the memory lives until its release
 * @cdev:	the character device
 * @index:	N of rpmsg_rpc_ctrlN
 * @minor:	minor number of the node
 * @remote:	remoteproc name (or transport device name), for sysfs and udev
 * @rproc:	remoteproc device name ("remoteprocN"), empty if none
 * @device:	transport device name ("virtioN")
 * @parent:	transport device, compared with rpmsg devices' parent only
 *		while @node is on rpc_ctrls (never dereferenced)
 * @node:	entry in rpc_ctrls, protected by rpc_lock
 * @lock:	protects @anchor, @epts, @n_epts, @chans and @n_chans
 * @anchor:	rpmsg device we create endpoints on; NULL once the remote is
 *		gone. Reference held while non-NULL.
 * @epts:	live endpoints (struct rpc_ept.node)
 * @n_epts:	entries on @epts, at most RPC_MAX_EPTS
 * @chans:	channels the remote announced (struct rpc_chan.node)
 * @n_chans:	entries on @chans
 * @rx_queued:	received messages held by all endpoints of this remote
 *		(queued or being read), at most RPC_RX_BUDGET; no lock
 */
struct rpc_ctrl {
	struct device dev;
	struct cdev cdev;
	int index;
	int minor;
	char remote[RPMSG_RPC_NAME_SIZE];
	char rproc[RPMSG_RPC_NAME_SIZE];
	char device[RPMSG_RPC_NAME_SIZE];
	struct device *parent;
	struct list_head node;

	struct mutex lock;		/* see above */
	struct rpmsg_device *anchor;
	struct list_head epts;
	u32 n_epts;
	struct list_head chans;
	u32 n_chans;

	atomic_t rx_queued;
};

/**
 * struct rpc_chan - a channel device seen on the remote's rpmsg bus
 * @node:	entry in rpc_ctrl.chans
 * @rpdev:	the channel device, compared only (never dereferenced)
 * @name:	channel name
 * @addr:	the remote's address for it
 */
struct rpc_chan {
	struct list_head node;
	struct rpmsg_device *rpdev;
	char name[RPMSG_RPC_NAME_SIZE];
	u32 addr;
};

/**
 * struct rpc_ept - one endpoint, with or without a device node
 * @dev:	device (added only if the endpoint has a node); holds the memory
 * @cdev:	character device, if @has_node
 * @ctrl:	the remote; counted reference
 * @index:	N of rpmsg_rpcN
 * @minor:	minor number, -1 without a node
 * @has_node:	the endpoint has /dev/rpmsg_rpcN
 * @flags:	RPMSG_RPC_EPT_F_* given at creation
 * @announced:	the name-service create went out, so a destroy is owed;
 *		written under @sem
 * @name:	endpoint name
 * @node:	entry in ctrl->epts while alive, protected by ctrl->lock
 * @sem:	write side: changing @rpept, @dst, @state, @chan; read side:
 *		using @rpept to send
 * @rpept:	the rpmsg endpoint; NULL once dead
 * @src:	our address (fixed at creation)
 * @dst:	default destination, RPMSG_RPC_ADDR_ANY if none
 * @state:	RPMSG_RPC_STATE_*; written under @sem, read locklessly by poll
 * @chan:	rpdev of the channel a BIND_BY_NAME endpoint is bound to
 * @mtu:	largest payload
 * @tx_timeout_ms: bound of a blocking send
 * @wq:		readers, writers and pollers wait here
 * @tx_blocked:	the last send found no free buffer; cleared by a successful
 *		send or by @tx_timer
 * @tx_hinted:	@tx_timer fired (reported POLLOUT) since the last send
 *		attempt; under @qlock
 * @tx_recheck_ms: interval of @tx_timer: doubles (up to 64 ms) each time a
 *		send after its POLLOUT still finds no buffer, back to 2 ms
 *		after a successful send; under @qlock
 * @tx_timer:	re-check timer, armed by a poll that asks for EPOLLOUT while
 *		@tx_blocked: the transport gives no "buffer free" event
 * @qlock:	protects the rx queue and statistics below; taken in the rx
 *		callback (any context)
 * @rxq:	received messages (struct rpc_msg)
 * @rxq_len:	messages in @rxq
 * @rxq_limit:	bound of @rxq_len
 * @drop_pending: a message was dropped since the last queued one
 * @rx_err:	a message was dropped since the last receive: the next read()
 *		fails with ENOBUFS (once)
 * @stats:	counters (uapi layout, size/depth fields unused)
 */
struct rpc_ept {
	struct device dev;
	struct cdev cdev;
	struct rpc_ctrl *ctrl;
	int index;
	int minor;
	bool has_node;
	u32 flags;
	bool announced;
	char name[RPMSG_RPC_NAME_SIZE];
	struct list_head node;

	struct rw_semaphore sem;
	struct rpmsg_endpoint *rpept;
	u32 src;
	u32 dst;
	int state;
	struct rpmsg_device *chan;
	u32 mtu;
	u32 tx_timeout_ms;

	wait_queue_head_t wq;
	bool tx_blocked;
	bool tx_hinted;
	u32 tx_recheck_ms;
	struct timer_list tx_timer;

	spinlock_t qlock;		/* see above */
	struct list_head rxq;
	u32 rxq_len;
	u32 rxq_limit;
	bool drop_pending;
	bool rx_err;
	struct rpmsg_rpc_ept_stats stats;
};

static inline struct rpmsg_device *rpc_to_rpdev(struct device *dev)
{
	return container_of(dev, struct rpmsg_device, dev);
}

/* main.c */
extern struct mutex rpc_lock;
extern struct class rpc_class;
extern dev_t rpc_devt;
int rpc_minor_get(void);
void rpc_minor_put(int minor);
int rpc_copy_in(void *kbuf, size_t ksize, size_t ver0, unsigned int cmd,
		void __user *arg);

/* ctrl.c */
struct rpc_ctrl *rpc_ctrl_find(struct device *parent);
struct rpc_ctrl *rpc_ctrl_first(void);
int rpc_ctrl_add(struct rpmsg_device *anchor);
void rpc_ctrl_remove(struct rpc_ctrl *ctrl, bool remote_gone);

/*
 * How long a sender that found no free transport buffer waits before it
 * tries again: the transport has no "buffer free" event we could wait for.
 * Pollers' re-check interval starts there and backs off to the maximum
 * while the remote stays stalled.
 */
#define RPC_TX_RECHECK_MS	2
#define RPC_TX_RECHECK_MAX_MS	64

/**
 * struct rpc_msg - one received message
 * @node:	entry in rpc_ept.rxq
 * @src:	sender's address
 * @len:	payload bytes
 * @drops:	messages were dropped just before this one
 * @data:	payload
 */
struct rpc_msg {
	struct list_head node;
	u32 src;
	u32 len;
	bool drops;
	u8 data[];
};

static inline bool rpc_ept_dead(struct rpc_ept *ept)
{
	return READ_ONCE(ept->state) == RPMSG_RPC_STATE_DEAD;
}

/* ept.c: lifecycle */
struct rpc_ept *rpc_ept_create(struct rpc_ctrl *ctrl,
			       const struct rpmsg_rpc_ept_create *req,
			       bool node);
void rpc_ept_kill(struct rpc_ept *ept, bool remote_gone);
void rpc_ept_destroy(struct rpc_ept *ept);
void rpc_ept_fill_info(struct rpc_ept *ept, struct rpmsg_rpc_ept_info *info);
int rpc_ept_announce(struct rpc_ept *ept, bool nonblock);
void rpc_ept_set_binding(struct rpc_ept *ept, struct rpmsg_device *chan,
			 u32 dst, int state);

/* ept_rxq.c */
int rpc_ept_rx(struct rpmsg_device *rpdev, void *data, int len, void *priv,
	       u32 src);
struct rpc_msg *rpc_ept_pop(struct rpc_ept *ept, size_t cap, bool nonblock,
			    bool drops_err, u32 *need);
void rpc_ept_unpop(struct rpc_ept *ept, struct rpc_msg *msg);
void rpc_ept_unpop_list(struct rpc_ept *ept, struct list_head *list);
void rpc_ept_pop_more(struct rpc_ept *ept, const struct rpmsg_rpc_msg *entries,
		      u32 max, struct list_head *list);
void rpc_msg_free(struct rpc_ept *ept, struct rpc_msg *msg);
void rpc_ept_purge(struct rpc_ept *ept);

/* ept_tx.c */
struct rpmsg_ns_msg;
int rpc_ept_send(struct rpc_ept *ept, u32 src, u32 dst, void *data,
		 size_t len, bool nonblock);
void rpc_ept_count_tx(struct rpc_ept *ept, size_t len);
void rpc_ns_fill(struct rpc_ept *ept, struct rpmsg_device *rpdev,
		 struct rpmsg_ns_msg *nsm, u32 flags);
void rpc_tx_timer_fn(struct timer_list *t);

/* ept_file.c */
extern const struct file_operations rpc_ept_fops;
struct file *rpc_ept_file(struct rpc_ept *ept, bool nonblock);

/* ept_sysfs.c */
extern const struct device_type rpc_ept_type;

/* access.c */
int rpc_need_write(struct file *filp);
int rpc_need_read(struct file *filp);
int rpc_check_dst(struct file *filp, u32 dst);
int rpc_check_src(struct file *filp, u32 own, u32 src);
int rpc_check_name(const char *name, u32 flags);

/* ns.c */
void rpc_ns_add(struct rpc_ctrl *ctrl, struct rpmsg_device *rpdev);
void rpc_ns_del(struct rpc_ctrl *ctrl, struct rpmsg_device *rpdev);
void rpc_ns_bind_new(struct rpc_ctrl *ctrl, struct rpc_ept *ept);
void rpc_ns_flush(struct rpc_ctrl *ctrl);
bool rpc_is_channel(struct rpmsg_device *rpdev);

#endif /* RPMSG_RPC_INTERNAL_H */
