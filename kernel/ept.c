// SPDX-License-Identifier: GPL-2.0-only
/*
 * rpmsg_rpc: endpoints, as /dev/rpmsg_rpcN nodes or anonymous fds.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <asm/ioctls.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/rpmsg/ns.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "internal.h"

/*
 * How long a sender that found no free transport buffer waits before it
 * tries again: the transport has no "buffer free" event we could wait for.
 * Pollers' re-check interval starts there and backs off to the maximum
 * while the remote stays stalled.
 */
#define RPC_TX_RECHECK_MS	2
#define RPC_TX_RECHECK_MAX_MS	64

static DEFINE_IDA(rpc_ept_ida);
static struct lock_class_key rpc_cb_lock_key;

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

/*
 * Every message we hold counts against its remote's budget, from the rx
 * callback until it is freed (delivered or purged).
 */
static bool rpc_budget_take(struct rpc_ept *ept)
{
	return atomic_add_unless(&ept->ctrl->rx_queued, 1, RPC_RX_BUDGET);
}

static void rpc_msg_free(struct rpc_ept *ept, struct rpc_msg *msg)
{
	atomic_dec(&ept->ctrl->rx_queued);
	kfree(msg);
}

/* Runs in the transport's rx context, which may be atomic. */
static int rpc_ept_rx(struct rpmsg_device *rpdev, void *data, int len,
		      void *priv, u32 src)
{
	struct rpc_ept *ept = priv;
	struct rpc_msg *msg = NULL;
	unsigned long flags;

	if (len >= 0 && rpc_budget_take(ept)) {
		msg = kmalloc(struct_size(msg, data, len),
			      GFP_ATOMIC | __GFP_NOWARN);
		if (msg) {
			msg->src = src;
			msg->len = len;
			memcpy(msg->data, data, len);
		} else {
			atomic_dec(&ept->ctrl->rx_queued);
		}
	}

	spin_lock_irqsave(&ept->qlock, flags);
	if (!msg || ept->rxq_len >= ept->rxq_limit) {
		ept->stats.rx_drops++;
		ept->drop_pending = true;
		ept->rx_err = true;
		spin_unlock_irqrestore(&ept->qlock, flags);
		if (msg)
			rpc_msg_free(ept, msg);
		/* a reader learns of it (ENOBUFS) */
		wake_up_interruptible_poll(&ept->wq, EPOLLIN | EPOLLRDNORM);
		return 0;
	}
	msg->drops = ept->drop_pending;
	ept->drop_pending = false;
	list_add_tail(&msg->node, &ept->rxq);
	ept->rxq_len++;
	ept->stats.rx_msgs++;
	ept->stats.rx_bytes += len;
	spin_unlock_irqrestore(&ept->qlock, flags);

	wake_up_interruptible_poll(&ept->wq, EPOLLIN | EPOLLRDNORM);
	return 0;
}

static bool rpc_ept_dead(struct rpc_ept *ept)
{
	return READ_ONCE(ept->state) == RPMSG_RPC_STATE_DEAD;
}

static bool rpc_rx_ready(struct rpc_ept *ept, bool drops_err)
{
	return !list_empty(&ept->rxq) || rpc_ept_dead(ept) ||
	       (drops_err && READ_ONCE(ept->rx_err));
}

/*
 * Take the next message of at most cap bytes, waiting unless nonblock. A
 * longer one stays queued (EMSGSIZE) and *need says how long it is. Queued
 * messages are delivered even after the endpoint died; then EPIPE.
 * drops_err (read()): after drops, fail once with ENOBUFS first; otherwise
 * (RECV_BATCH, which flags the message after the drops) taking a message
 * consumes that notice too.
 */
static struct rpc_msg *rpc_ept_pop(struct rpc_ept *ept, size_t cap,
				   bool nonblock, bool drops_err, u32 *need)
{
	struct rpc_msg *msg;
	int ret;

	for (;;) {
		spin_lock_irq(&ept->qlock);
		msg = list_first_entry_or_null(&ept->rxq, struct rpc_msg, node);
		if (drops_err && ept->rx_err) {
			ept->rx_err = false;
			msg = ERR_PTR(-ENOBUFS);
		} else if (msg && msg->len > cap) {
			*need = msg->len;
			msg = ERR_PTR(-EMSGSIZE);
		} else if (msg) {
			list_del(&msg->node);
			ept->rxq_len--;
			ept->rx_err = false;
		}
		spin_unlock_irq(&ept->qlock);
		if (msg)
			return msg;
		if (rpc_ept_dead(ept))
			return ERR_PTR(-EPIPE);
		if (nonblock)
			return ERR_PTR(-EAGAIN);
		ret = wait_event_interruptible(ept->wq,
					       rpc_rx_ready(ept, drops_err));
		if (ret)
			return ERR_PTR(ret);
	}
}

/* Put back a message we could not copy out. */
static void rpc_ept_unpop(struct rpc_ept *ept, struct rpc_msg *msg)
{
	spin_lock_irq(&ept->qlock);
	list_add(&msg->node, &ept->rxq);
	ept->rxq_len++;
	spin_unlock_irq(&ept->qlock);
}

/* Put back a list of messages we could not copy out, keeping their order. */
static void rpc_ept_unpop_list(struct rpc_ept *ept, struct list_head *list)
{
	struct rpc_msg *msg;
	u32 n = 0;

	list_for_each_entry(msg, list, node)
		n++;
	spin_lock_irq(&ept->qlock);
	list_splice(list, &ept->rxq);
	ept->rxq_len += n;
	spin_unlock_irq(&ept->qlock);
	INIT_LIST_HEAD(list);
}

/*
 * Without waiting, move up to max queued messages to list, each fitting
 * the capacity of its entry; stops at the first that does not fit.
 */
static void rpc_ept_pop_more(struct rpc_ept *ept,
			     const struct rpmsg_rpc_msg *entries, u32 max,
			     struct list_head *list)
{
	struct rpc_msg *msg;
	u32 i;

	spin_lock_irq(&ept->qlock);
	for (i = 0; i < max; i++) {
		msg = list_first_entry_or_null(&ept->rxq, struct rpc_msg, node);
		if (!msg || msg->len > entries[i].len)
			break;
		list_move_tail(&msg->node, list);
		ept->rxq_len--;
	}
	spin_unlock_irq(&ept->qlock);
}

static int rpc_ept_trysend(struct rpc_ept *ept, u32 src, u32 dst, void *data,
			   size_t len)
{
	int ret;

	down_read(&ept->sem);
	if (!ept->rpept) {
		ret = -EPIPE;
	} else if (dst == RPMSG_RPC_ADDR_ANY && ept->dst == RPMSG_RPC_ADDR_ANY) {
		ret = ept->state == RPMSG_RPC_STATE_UNBOUND ? -EDESTADDRREQ :
							      -ENOTCONN;
	} else {
		if (dst == RPMSG_RPC_ADDR_ANY)
			dst = ept->dst;
		if (src == RPMSG_RPC_ADDR_ANY || src == ept->src)
			ret = rpmsg_trysendto(ept->rpept, data, len, dst);
		else
			ret = rpc_trysend_offchannel(ept->rpept, src, dst,
						     data, len);
	}
	up_read(&ept->sem);
	return ret;
}

static bool rpc_tx_ready(struct rpc_ept *ept)
{
	return !READ_ONCE(ept->tx_blocked) || rpc_ept_dead(ept);
}

/*
 * A send found no buffer: count it, and if the re-check timer had said
 * "try again" (its POLLOUT estimate was wrong), make it wait longer next
 * time.
 */
static void rpc_ept_tx_busy(struct rpc_ept *ept)
{
	spin_lock_irq(&ept->qlock);
	ept->stats.tx_busy++;
	if (ept->tx_hinted)
		ept->tx_recheck_ms = min_t(u32, ept->tx_recheck_ms * 2,
					   RPC_TX_RECHECK_MAX_MS);
	ept->tx_hinted = false;
	WRITE_ONCE(ept->tx_blocked, true);
	spin_unlock_irq(&ept->qlock);
}

static void rpc_ept_tx_done(struct rpc_ept *ept)
{
	spin_lock_irq(&ept->qlock);
	ept->tx_recheck_ms = RPC_TX_RECHECK_MS;
	ept->tx_hinted = false;
	WRITE_ONCE(ept->tx_blocked, false);
	spin_unlock_irq(&ept->qlock);
}

/*
 * Send one message. The transport's own blocking send is not used: it
 * busy-loops with a signal pending and returns -ERESTARTSYS on timeout
 * (6.1). We try, and wait here, interruptibly and at most tx_timeout_ms,
 * retrying every RPC_TX_RECHECK_MS (an hrtimer wait: a jiffy may be 10 ms).
 * A signal ends the wait with EINTR, never a restart: a restarted send
 * would start its bound again, so periodic signals would make it unbounded
 * (sockets with SO_SNDTIMEO do the same, see signal(7)).
 */
static int rpc_ept_send(struct rpc_ept *ept, u32 src, u32 dst, void *data,
			size_t len, bool nonblock)
{
	ktime_t deadline, step;
	int ret;

	if (len > ept->mtu)
		return -EMSGSIZE;
	deadline = ktime_add_ms(ktime_get(), READ_ONCE(ept->tx_timeout_ms));
	for (;;) {
		ret = rpc_ept_trysend(ept, src, dst, data, len);
		if (ret != -ENOMEM && ret != -EAGAIN)
			break;
		rpc_ept_tx_busy(ept);
		if (nonblock)
			return -EAGAIN;
		step = ktime_sub(deadline, ktime_get());
		if (ktime_to_ns(step) <= 0)
			return -ETIMEDOUT;
		step = min(step, ms_to_ktime(RPC_TX_RECHECK_MS));
		ret = wait_event_interruptible_hrtimeout(ept->wq,
							 rpc_tx_ready(ept),
							 step);
		if (ret == -ERESTARTSYS)
			return -EINTR;
	}
	if (ret)
		return ret;
	rpc_ept_tx_done(ept);
	return 0;
}

static void rpc_ept_count_tx(struct rpc_ept *ept, size_t len)
{
	spin_lock_irq(&ept->qlock);
	ept->stats.tx_msgs++;
	ept->stats.tx_bytes += len;
	spin_unlock_irq(&ept->qlock);
}

static void rpc_ns_fill(struct rpc_ept *ept, struct rpmsg_device *rpdev,
			struct rpmsg_ns_msg *nsm, u32 flags)
{
	memset(nsm, 0, sizeof(*nsm));
	strscpy(nsm->name, ept->name, sizeof(nsm->name));
	nsm->addr = cpu_to_rpmsg32(rpdev, ept->src);
	nsm->flags = cpu_to_rpmsg32(rpdev, flags);
}

/*
 * Name-service create for an ANNOUNCE endpoint: waits like a write (not
 * at all for a non-blocking caller). Only an announcement that went out
 * is withdrawn when the endpoint dies.
 */
int rpc_ept_announce(struct rpc_ept *ept, bool nonblock)
{
	struct rpmsg_ns_msg nsm;
	int ret;

	down_read(&ept->sem);
	if (!ept->rpept) {
		up_read(&ept->sem);
		return -ENODEV;
	}
	rpc_ns_fill(ept, ept->rpept->rpdev, &nsm, RPMSG_NS_CREATE);
	up_read(&ept->sem);
	ret = rpc_ept_send(ept, RPMSG_RPC_ADDR_ANY, RPMSG_NS_ADDR, &nsm,
			   sizeof(nsm), nonblock);
	if (ret)
		return ret;
	down_write(&ept->sem);
	ept->announced = true;
	up_write(&ept->sem);
	return 0;
}

static void rpc_tx_timer_fn(struct timer_list *t)
{
	struct rpc_ept *ept = from_timer(ept, t, tx_timer);
	unsigned long flags;

	spin_lock_irqsave(&ept->qlock, flags);
	ept->tx_hinted = true;
	WRITE_ONCE(ept->tx_blocked, false);
	spin_unlock_irqrestore(&ept->qlock, flags);
	wake_up_interruptible_poll(&ept->wq, EPOLLOUT | EPOLLWRNORM);
}

static void rpc_ept_purge(struct rpc_ept *ept)
{
	struct rpc_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, &ept->rxq, node)
		rpc_msg_free(ept, msg);
	INIT_LIST_HEAD(&ept->rxq);
	ept->rxq_len = 0;
}

static void rpc_ept_release(struct device *dev)
{
	struct rpc_ept *ept = container_of(dev, struct rpc_ept, dev);

	rpc_timer_delete_sync(&ept->tx_timer);
	rpc_ept_purge(ept);
	if (ept->minor >= 0)
		rpc_minor_put(ept->minor);
	if (ept->index >= 0)
		ida_free(&rpc_ept_ida, ept->index);
	put_device(&ept->ctrl->dev);
	kfree(ept);
}

/*
 * The endpoint dies: no more sends or receives, waiters wake, the node
 * goes. Called with ctrl->lock held, once (it leaves ctrl->epts).
 */
void rpc_ept_kill(struct rpc_ept *ept, bool remote_gone)
{
	struct rpmsg_endpoint *rpept;
	struct rpmsg_ns_msg nsm;

	bool announced;

	lockdep_assert_held(&ept->ctrl->lock);
	list_del_init(&ept->node);
	ept->ctrl->n_epts--;

	down_write(&ept->sem);
	rpept = ept->rpept;
	ept->rpept = NULL;
	announced = ept->announced;
	WRITE_ONCE(ept->state, RPMSG_RPC_STATE_DEAD);
	up_write(&ept->sem);

	if (rpept) {
		/* Best effort: the remote may have no buffer for it. */
		if (announced && !remote_gone) {
			rpc_ns_fill(ept, rpept->rpdev, &nsm, RPMSG_NS_DESTROY);
			rpmsg_trysendto(rpept, &nsm, sizeof(nsm),
					RPMSG_NS_ADDR);
		}
		/* After this the rx callback is not running and never will */
		rpmsg_destroy_ept(rpept);
	}
	rpc_timer_delete_sync(&ept->tx_timer);
	wake_up_interruptible_poll(&ept->wq, EPOLLIN | EPOLLOUT | EPOLLHUP);
	if (ept->has_node)
		cdev_device_del(&ept->cdev, &ept->dev);
	put_device(&ept->dev);
}

/* Kill it unless someone already did. */
void rpc_ept_destroy(struct rpc_ept *ept)
{
	struct rpc_ctrl *ctrl = ept->ctrl;

	mutex_lock(&ctrl->lock);
	if (!list_empty(&ept->node))
		rpc_ept_kill(ept, false);
	mutex_unlock(&ctrl->lock);
}

void rpc_ept_set_binding(struct rpc_ept *ept, struct rpmsg_device *chan,
			 u32 dst, int state)
{
	down_write(&ept->sem);
	if (ept->rpept) {
		ept->chan = chan;
		ept->dst = dst;
		WRITE_ONCE(ept->state, state);
	}
	up_write(&ept->sem);
	/* withdrawn: nothing to report (no POLLHUP: it may come back) */
	if (state == RPMSG_RPC_STATE_BOUND)
		wake_up_interruptible_poll(&ept->wq, EPOLLOUT | EPOLLWRNORM);
}

void rpc_ept_fill_info(struct rpc_ept *ept, struct rpmsg_rpc_ept_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->index = ept->index;
	strscpy(info->name, ept->name, sizeof(info->name));
	info->src = ept->src;
	info->mtu = ept->mtu;
	info->flags = ept->flags;
	info->minor = ept->has_node ? ept->minor : RPMSG_RPC_ADDR_ANY;
	info->tx_timeout_ms = READ_ONCE(ept->tx_timeout_ms);
	down_read(&ept->sem);
	info->dst = ept->dst;
	info->state = ept->state;
	up_read(&ept->sem);
	spin_lock_irq(&ept->qlock);
	info->rxq_limit = ept->rxq_limit;
	spin_unlock_irq(&ept->qlock);
}

/* ---- file operations ---------------------------------------------------- */

static int rpc_ept_open(struct inode *inode, struct file *filp)
{
	struct rpc_ept *ept = container_of(inode->i_cdev, struct rpc_ept, cdev);

	get_device(&ept->dev);
	filp->private_data = ept;
	return stream_open(inode, filp);
}

static int rpc_ept_release_file(struct inode *inode, struct file *filp)
{
	struct rpc_ept *ept = filp->private_data;

	/* An fd endpoint lives as long as its file. */
	if (ept->flags & RPMSG_RPC_EPT_F_ANON)
		rpc_ept_destroy(ept);
	put_device(&ept->dev);
	return 0;
}

static ssize_t rpc_ept_read(struct file *filp, char __user *buf, size_t count,
			    loff_t *ppos)
{
	struct rpc_ept *ept = filp->private_data;
	struct rpc_msg *msg;
	ssize_t ret;
	u32 need;

	msg = rpc_ept_pop(ept, count, filp->f_flags & O_NONBLOCK, true, &need);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	if (copy_to_user(buf, msg->data, msg->len)) {
		rpc_ept_unpop(ept, msg);
		return -EFAULT;
	}
	ret = msg->len;
	rpc_msg_free(ept, msg);
	return ret;
}

static ssize_t rpc_ept_write(struct file *filp, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	struct rpc_ept *ept = filp->private_data;
	void *kbuf;
	int ret;

	if (len > ept->mtu)
		return -EMSGSIZE;
	kbuf = memdup_user(buf, len);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);
	ret = rpc_ept_send(ept, RPMSG_RPC_ADDR_ANY, RPMSG_RPC_ADDR_ANY, kbuf,
			   len, filp->f_flags & O_NONBLOCK);
	kfree(kbuf);
	if (ret)
		return ret;
	rpc_ept_count_tx(ept, len);
	return len;
}

/*
 * EPOLLHUP only for a dead endpoint: WAITING and WITHDRAWN are states an
 * endpoint leaves when the remote (re)announces, and a hang-up cannot be
 * masked, so a level-triggered loop would spin on it. Neither has EPOLLOUT.
 */
static __poll_t rpc_ept_poll(struct file *filp, poll_table *wait)
{
	struct rpc_ept *ept = filp->private_data;
	__poll_t mask = 0;
	int state;

	poll_wait(filp, &ept->wq, wait);
	if (!list_empty(&ept->rxq) || READ_ONCE(ept->rx_err))
		mask |= EPOLLIN | EPOLLRDNORM;

	down_read(&ept->sem);
	state = ept->state;
	if (state == RPMSG_RPC_STATE_DEAD) {
		mask |= EPOLLHUP;
	} else if (state == RPMSG_RPC_STATE_WAITING ||
		   state == RPMSG_RPC_STATE_WITHDRAWN) {
		/* POLLOUT comes with the binding */
	} else if (rpmsg_poll(ept->rpept, filp, NULL) & EPOLLOUT) {
		/*
		 * The transport knows (virtio only since 7.0). Asked for its
		 * mask only: a waiter on its queue would outlive the queue
		 * when the remote goes (it is freed without POLLFREE).
		 */
		mask |= EPOLLOUT | EPOLLWRNORM;
	} else if (!READ_ONCE(ept->tx_blocked)) {
		/* no transport poll, or it says no: our own estimate */
		mask |= EPOLLOUT | EPOLLWRNORM;
	} else if ((poll_requested_events(wait) & EPOLLOUT) &&
		   !timer_pending(&ept->tx_timer)) {
		/* someone waits for POLLOUT: try again a little later */
		mod_timer(&ept->tx_timer, jiffies +
			  msecs_to_jiffies(READ_ONCE(ept->tx_recheck_ms)));
	}
	up_read(&ept->sem);
	return mask;
}

static long rpc_ept_info(struct rpc_ept *ept, unsigned int cmd,
			 void __user *arg)
{
	struct rpmsg_rpc_ept_info info;
	int ret;

	ret = rpc_copy_in(&info, sizeof(info), RPMSG_RPC_EPT_INFO_SIZE_VER0,
			  cmd, arg);
	if (ret)
		return ret;
	rpc_ept_fill_info(ept, &info);
	info.size = _IOC_SIZE(cmd);
	if (copy_to_user(arg, &info, min_t(size_t, sizeof(info), info.size)))
		return -EFAULT;
	return 0;
}

static long rpc_ept_stats(struct rpc_ept *ept, unsigned int cmd,
			  void __user *arg)
{
	struct rpmsg_rpc_ept_stats st;
	int ret;

	ret = rpc_copy_in(&st, sizeof(st), RPMSG_RPC_EPT_STATS_SIZE_VER0, cmd,
			  arg);
	if (ret)
		return ret;
	spin_lock_irq(&ept->qlock);
	st = ept->stats;
	st.rxq_depth = ept->rxq_len;
	st.rxq_limit = ept->rxq_limit;
	spin_unlock_irq(&ept->qlock);
	st.size = _IOC_SIZE(cmd);
	st.reserved = 0;
	if (copy_to_user(arg, &st, min_t(size_t, sizeof(st), st.size)))
		return -EFAULT;
	return 0;
}

static long rpc_ept_set_dst(struct rpc_ept *ept, struct file *filp,
			    u32 __user *arg)
{
	u32 dst;
	int ret;

	if (get_user(dst, arg))
		return -EFAULT;
	ret = rpc_check_dst(filp, dst);
	if (ret)
		return ret;
	if (ept->flags & RPMSG_RPC_EPT_F_BIND_BY_NAME)
		return -EBUSY;
	down_write(&ept->sem);
	if (!ept->rpept) {
		ret = -EPIPE;
	} else {
		ept->dst = dst;
		WRITE_ONCE(ept->state, dst == RPMSG_RPC_ADDR_ANY ?
			   RPMSG_RPC_STATE_UNBOUND : RPMSG_RPC_STATE_BOUND);
	}
	up_write(&ept->sem);
	wake_up_interruptible_poll(&ept->wq, EPOLLOUT | EPOLLWRNORM);
	return ret;
}

static long rpc_ept_set_rxq_limit(struct rpc_ept *ept, u32 __user *arg)
{
	u32 limit;

	if (get_user(limit, arg))
		return -EFAULT;
	if (!limit || limit > RPMSG_RPC_RXQ_MAX)
		return -EINVAL;
	spin_lock_irq(&ept->qlock);
	ept->rxq_limit = limit;
	spin_unlock_irq(&ept->qlock);
	return 0;
}

static long rpc_ept_set_tx_timeout(struct rpc_ept *ept, u32 __user *arg)
{
	u32 ms;

	if (get_user(ms, arg))
		return -EFAULT;
	if (ms > RPMSG_RPC_TX_TIMEOUT_MAX)
		return -EINVAL;
	WRITE_ONCE(ept->tx_timeout_ms, ms);
	return 0;
}

/* The addresses of an explicit send: the permission model's two rules. */
static int rpc_ept_check_addrs(struct rpc_ept *ept, struct file *filp,
			       u32 src, u32 dst)
{
	return rpc_check_src(filp, ept->src, src) ?: rpc_check_dst(filp, dst);
}

static long rpc_ept_send_ioctl(struct rpc_ept *ept, struct file *filp,
			       unsigned int cmd, void __user *arg)
{
	struct rpmsg_rpc_send req;
	void *kbuf;
	int ret;

	ret = rpc_copy_in(&req, sizeof(req), RPMSG_RPC_SEND_SIZE_VER0, cmd, arg);
	if (ret)
		return ret;
	if (req.reserved || (req.flags & ~RPMSG_RPC_F_NONBLOCK))
		return -EINVAL;
	ret = rpc_ept_check_addrs(ept, filp, req.src, req.dst);
	if (ret)
		return ret;
	if (req.len > ept->mtu)
		return -EMSGSIZE;
	kbuf = memdup_user(u64_to_user_ptr(req.buf), req.len);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);
	ret = rpc_ept_send(ept, req.src, req.dst, kbuf, req.len,
			   (filp->f_flags & O_NONBLOCK) ||
			   (req.flags & RPMSG_RPC_F_NONBLOCK));
	kfree(kbuf);
	if (!ret)
		rpc_ept_count_tx(ept, req.len);
	return ret;
}

/*
 * Copy in a batch request and its message array, in one piece: per-message
 * user copies are what the batch is there to save.
 */
static struct rpmsg_rpc_msg *rpc_batch_in(struct rpmsg_rpc_batch *req,
					  unsigned int cmd, void __user *arg)
{
	struct rpmsg_rpc_msg *msgs;
	int ret;

	ret = rpc_copy_in(req, sizeof(*req), RPMSG_RPC_BATCH_SIZE_VER0, cmd,
			  arg);
	if (ret)
		return ERR_PTR(ret);
	if ((req->flags & ~RPMSG_RPC_F_NONBLOCK) || !req->count ||
	    req->count > RPMSG_RPC_BATCH_MAX ||
	    req->msg_size != sizeof(struct rpmsg_rpc_msg))
		return ERR_PTR(-EINVAL);
	msgs = kmalloc_array(req->count, sizeof(*msgs), GFP_KERNEL);
	if (!msgs)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(msgs, u64_to_user_ptr(req->msgs),
			   req->count * sizeof(*msgs))) {
		kfree(msgs);
		return ERR_PTR(-EFAULT);
	}
	return msgs;
}

static long rpc_ept_send_batch(struct rpc_ept *ept, struct file *filp,
			       unsigned int cmd, void __user *arg)
{
	struct rpmsg_rpc_batch req;
	struct rpmsg_rpc_msg *msgs, *m;
	bool nonblock;
	void *kbuf;
	u32 i;
	int ret = 0;

	msgs = rpc_batch_in(&req, cmd, arg);
	if (IS_ERR(msgs))
		return PTR_ERR(msgs);
	nonblock = (filp->f_flags & O_NONBLOCK) ||
		   (req.flags & RPMSG_RPC_F_NONBLOCK);
	kbuf = kmalloc(ept->mtu ? ept->mtu : 1, GFP_KERNEL);
	if (!kbuf) {
		kfree(msgs);
		return -ENOMEM;
	}

	for (i = 0; i < req.count; i++) {
		m = &msgs[i];
		if (m->flags) {
			ret = -EINVAL;
			break;
		}
		ret = rpc_ept_check_addrs(ept, filp, m->src, m->dst);
		if (ret)
			break;
		if (m->len > ept->mtu) {
			ret = -EMSGSIZE;
			break;
		}
		if (copy_from_user(kbuf, u64_to_user_ptr(m->buf), m->len)) {
			ret = -EFAULT;
			break;
		}
		ret = rpc_ept_send(ept, m->src, m->dst, kbuf, m->len, nonblock);
		if (ret)
			break;
		rpc_ept_count_tx(ept, m->len);
	}
	kfree(kbuf);
	kfree(msgs);
	return i ? i : ret;
}

static long rpc_ept_recv_batch(struct rpc_ept *ept, struct file *filp,
			       unsigned int cmd, void __user *arg)
{
	struct rpmsg_rpc_msg __user *umsgs;
	struct rpmsg_rpc_msg *msgs, *m;
	struct rpmsg_rpc_batch req;
	struct rpc_msg *msg;
	LIST_HEAD(batch);
	bool nonblock;
	u32 i, need;
	int ret = 0;

	msgs = rpc_batch_in(&req, cmd, arg);
	if (IS_ERR(msgs))
		return PTR_ERR(msgs);
	nonblock = (filp->f_flags & O_NONBLOCK) ||
		   (req.flags & RPMSG_RPC_F_NONBLOCK);
	umsgs = u64_to_user_ptr(req.msgs);
	/* the results are copied out at the end: it must be writable */
	if (copy_to_user(umsgs, msgs, req.count * sizeof(*msgs))) {
		kfree(msgs);
		return -EFAULT;
	}

	/* the first one waits; the rest is taken at once, one lock for all */
	msg = rpc_ept_pop(ept, msgs[0].len, nonblock, false, &need);
	if (IS_ERR(msg)) {
		ret = PTR_ERR(msg);
		if (ret == -EMSGSIZE)
			msgs[0].len = need;
	} else {
		list_add(&msg->node, &batch);
		rpc_ept_pop_more(ept, msgs + 1, req.count - 1, &batch);
	}

	for (i = 0; !list_empty(&batch); i++) {
		m = &msgs[i];
		msg = list_first_entry(&batch, struct rpc_msg, node);
		list_del(&msg->node);
		if (copy_to_user(u64_to_user_ptr(m->buf), msg->data,
				 msg->len)) {
			/* this one and the rest go back, in order */
			list_add(&msg->node, &batch);
			rpc_ept_unpop_list(ept, &batch);
			ret = -EFAULT;
			break;
		}
		m->len = msg->len;
		m->src = msg->src;
		m->dst = ept->src;
		m->flags = msg->drops ? RPMSG_RPC_MSG_F_DROPS : 0;
		rpc_msg_free(ept, msg);
	}
	/* the first entry too when it reports the size it needs */
	if (copy_to_user(umsgs, msgs,
			 max_t(u32, i, ret == -EMSGSIZE) * sizeof(*msgs)))
		ret = -EFAULT;
	kfree(msgs);
	return i ? i : ret;
}

/* Which open mode an ioctl needs (docs/ioctl.md, "Permissions"). */
static int rpc_ept_ioctl_allowed(struct file *filp, unsigned int cmd)
{
	switch (cmd) {
	case RPMSG_DESTROY_EPT_IOCTL:
	case RPMSG_RPC_EPT_SET_DST:
	case RPMSG_RPC_EPT_SET_RXQ_LIMIT:
	case RPMSG_RPC_EPT_SET_TX_TIMEOUT:
		return rpc_need_write(filp);
	}
	if (_IOC_TYPE(cmd) != RPMSG_RPC_IOC_MAGIC)
		return 0;
	switch (RPC_IOC_NOSIZE(cmd)) {
	case RPC_IOC_NOSIZE(RPMSG_RPC_EPT_SEND):
	case RPC_IOC_NOSIZE(RPMSG_RPC_EPT_SEND_BATCH):
		return rpc_need_write(filp);
	case RPC_IOC_NOSIZE(RPMSG_RPC_EPT_RECV_BATCH):
		return rpc_need_read(filp);
	}
	return 0;
}

static long rpc_ept_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	struct rpc_ept *ept = filp->private_data;
	void __user *uarg = (void __user *)arg;
	struct rpc_msg *msg;
	int len;
	int ret;

	ret = rpc_ept_ioctl_allowed(filp, cmd);
	if (ret)
		return ret;

	switch (cmd) {
	case FIONREAD:
		spin_lock_irq(&ept->qlock);
		msg = list_first_entry_or_null(&ept->rxq, struct rpc_msg, node);
		len = msg ? msg->len : 0;
		spin_unlock_irq(&ept->qlock);
		return put_user(len, (int __user *)uarg);
	case RPMSG_DESTROY_EPT_IOCTL:
		/* upstream rpmsg_char's, on the endpoint itself */
		if (list_empty(&ept->node))
			return -ENOENT;
		rpc_ept_destroy(ept);
		return 0;
	case RPMSG_RPC_EPT_SET_DST:
		return rpc_ept_set_dst(ept, filp, uarg);
	case RPMSG_RPC_EPT_SET_RXQ_LIMIT:
		return rpc_ept_set_rxq_limit(ept, uarg);
	case RPMSG_RPC_EPT_SET_TX_TIMEOUT:
		return rpc_ept_set_tx_timeout(ept, uarg);
	}

	if (_IOC_TYPE(cmd) != RPMSG_RPC_IOC_MAGIC)
		return -ENOTTY;
	switch (RPC_IOC_NOSIZE(cmd)) {
	case RPC_IOC_NOSIZE(RPMSG_RPC_EPT_INFO):
		return rpc_ept_info(ept, cmd, uarg);
	case RPC_IOC_NOSIZE(RPMSG_RPC_EPT_STATS):
		return rpc_ept_stats(ept, cmd, uarg);
	case RPC_IOC_NOSIZE(RPMSG_RPC_EPT_SEND):
		return rpc_ept_send_ioctl(ept, filp, cmd, uarg);
	case RPC_IOC_NOSIZE(RPMSG_RPC_EPT_SEND_BATCH):
		return rpc_ept_send_batch(ept, filp, cmd, uarg);
	case RPC_IOC_NOSIZE(RPMSG_RPC_EPT_RECV_BATCH):
		return rpc_ept_recv_batch(ept, filp, cmd, uarg);
	}
	return -ENOTTY;
}

static const struct file_operations rpc_ept_fops = {
	.owner = THIS_MODULE,
	.open = rpc_ept_open,
	.release = rpc_ept_release_file,
	.read = rpc_ept_read,
	.write = rpc_ept_write,
	.poll = rpc_ept_poll,
	.unlocked_ioctl = rpc_ept_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/* A file for an anonymous endpoint; it takes its own reference. */
struct file *rpc_ept_file(struct rpc_ept *ept, bool nonblock)
{
	struct file *file;

	get_device(&ept->dev);
	file = anon_inode_getfile("[rpmsg_rpc]", &rpc_ept_fops, ept,
				  O_RDWR | (nonblock ? O_NONBLOCK : 0));
	if (IS_ERR(file))
		put_device(&ept->dev);
	return file;
}

/* ---- sysfs ------------------------------------------------------------ */

static struct rpc_ept *dev_to_ept(struct device *dev)
{
	return container_of(dev, struct rpc_ept, dev);
}

static ssize_t name_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_ept(dev)->name);
}
static DEVICE_ATTR_RO(name);

/* dst changes at run time; the others are fixed at creation */
#define RPC_EPT_ATTR(field)						\
static ssize_t field##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%u\n", READ_ONCE(dev_to_ept(dev)->field)); \
}									\
static DEVICE_ATTR_RO(field)

RPC_EPT_ATTR(src);
RPC_EPT_ATTR(dst);
RPC_EPT_ATTR(mtu);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	static const char * const names[] = {
		[RPMSG_RPC_STATE_UNBOUND] = "unbound",
		[RPMSG_RPC_STATE_BOUND] = "bound",
		[RPMSG_RPC_STATE_WAITING] = "waiting",
		[RPMSG_RPC_STATE_WITHDRAWN] = "withdrawn",
		[RPMSG_RPC_STATE_DEAD] = "dead",
	};

	return sysfs_emit(buf, "%s\n", names[READ_ONCE(dev_to_ept(dev)->state)]);
}
static DEVICE_ATTR_RO(state);

static ssize_t remote_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_ept(dev)->ctrl->remote);
}
static DEVICE_ATTR_RO(remote);

static struct attribute *rpc_ept_attrs[] = {
	&dev_attr_name.attr,
	&dev_attr_src.attr,
	&dev_attr_dst.attr,
	&dev_attr_mtu.attr,
	&dev_attr_state.attr,
	&dev_attr_remote.attr,
	NULL,
};

static const struct attribute_group rpc_ept_group = {
	.attrs = rpc_ept_attrs,
};

static ssize_t rpc_stat_show(struct device *dev, char *buf, size_t off)
{
	struct rpc_ept *ept = dev_to_ept(dev);
	u64 val;

	spin_lock_irq(&ept->qlock);
	if (off == offsetof(struct rpmsg_rpc_ept_stats, rxq_depth))
		val = ept->rxq_len;
	else if (off == offsetof(struct rpmsg_rpc_ept_stats, rxq_limit))
		val = ept->rxq_limit;
	else
		val = *(u64 *)((u8 *)&ept->stats + off);
	spin_unlock_irq(&ept->qlock);
	return sysfs_emit(buf, "%llu\n", val);
}

#define RPC_STAT_ATTR(field)						\
static ssize_t field##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return rpc_stat_show(dev, buf,					\
			     offsetof(struct rpmsg_rpc_ept_stats, field)); \
}									\
static DEVICE_ATTR_RO(field)

RPC_STAT_ATTR(rx_msgs);
RPC_STAT_ATTR(rx_bytes);
RPC_STAT_ATTR(rx_drops);
RPC_STAT_ATTR(tx_msgs);
RPC_STAT_ATTR(tx_bytes);
RPC_STAT_ATTR(tx_busy);
RPC_STAT_ATTR(rxq_depth);
RPC_STAT_ATTR(rxq_limit);

static struct attribute *rpc_ept_stat_attrs[] = {
	&dev_attr_rx_msgs.attr,
	&dev_attr_rx_bytes.attr,
	&dev_attr_rx_drops.attr,
	&dev_attr_tx_msgs.attr,
	&dev_attr_tx_bytes.attr,
	&dev_attr_tx_busy.attr,
	&dev_attr_rxq_depth.attr,
	&dev_attr_rxq_limit.attr,
	NULL,
};

static const struct attribute_group rpc_ept_stat_group = {
	.name = "statistics",
	.attrs = rpc_ept_stat_attrs,
};

static const struct attribute_group *rpc_ept_groups[] = {
	&rpc_ept_group,
	&rpc_ept_stat_group,
	NULL,
};

static const struct device_type rpc_ept_type = {
	.name = "rpmsg_rpc_ept",
	.groups = rpc_ept_groups,
};

/* ---- creation ----------------------------------------------------------- */

static int rpc_ept_initial_state(const struct rpmsg_rpc_ept_create *req)
{
	if (req->flags & RPMSG_RPC_EPT_F_BIND_BY_NAME)
		return RPMSG_RPC_STATE_WAITING;
	return req->dst == RPMSG_RPC_ADDR_ANY ? RPMSG_RPC_STATE_UNBOUND :
						RPMSG_RPC_STATE_BOUND;
}

static int rpc_probe_rx(struct rpmsg_device *rpdev, void *data, int len,
			void *priv, u32 src)
{
	return 0;
}

/*
 * rpmsg_create_ept() only says "no". With a fixed address, find out why:
 * if any address can be had, that one was taken (EADDRINUSE); if none
 * can, the transport is out of memory or addresses (ENOMEM).
 */
static int rpc_ept_create_errno(struct rpc_ctrl *ctrl,
				const struct rpmsg_channel_info *chinfo)
{
	struct rpmsg_channel_info any = *chinfo;
	struct rpmsg_endpoint *probe;

	if (chinfo->src == RPMSG_ADDR_ANY)
		return -ENOMEM;
	any.src = RPMSG_ADDR_ANY;
	probe = rpmsg_create_ept(ctrl->anchor, rpc_probe_rx, NULL, any);
	if (!probe)
		return -ENOMEM;
	/* destroyed under ctrl->lock, like ours: the same lockdep class */
	lockdep_set_class(&probe->cb_lock, &rpc_cb_lock_key);
	rpmsg_destroy_ept(probe);
	return -EADDRINUSE;
}

/*
 * A live endpoint on ctrl->epts (whose reference the list holds). Called
 * with ctrl->lock held and ctrl->anchor set.
 */
struct rpc_ept *rpc_ept_create(struct rpc_ctrl *ctrl,
			       const struct rpmsg_rpc_ept_create *req,
			       bool node)
{
	struct rpmsg_channel_info chinfo = {};
	struct rpmsg_endpoint *rpept;
	struct rpc_ept *ept;
	ssize_t mtu;
	int ret;

	lockdep_assert_held(&ctrl->lock);
	ept = kzalloc(sizeof(*ept), GFP_KERNEL);
	if (!ept)
		return ERR_PTR(-ENOMEM);
	init_rwsem(&ept->sem);
	spin_lock_init(&ept->qlock);
	INIT_LIST_HEAD(&ept->rxq);
	INIT_LIST_HEAD(&ept->node);
	init_waitqueue_head(&ept->wq);
	timer_setup(&ept->tx_timer, rpc_tx_timer_fn, 0);
	ept->tx_recheck_ms = RPC_TX_RECHECK_MS;
	ept->index = -1;
	ept->minor = -1;
	ept->has_node = node;
	ept->flags = req->flags & (RPMSG_RPC_EPT_F_ANNOUNCE |
				   RPMSG_RPC_EPT_F_BIND_BY_NAME);
	if (!node)
		ept->flags |= RPMSG_RPC_EPT_F_ANON;
	strscpy(ept->name, req->name, sizeof(ept->name));
	ept->dst = req->dst;
	ept->state = rpc_ept_initial_state(req);
	ept->rxq_limit = RPMSG_RPC_RXQ_DEFAULT;
	ept->tx_timeout_ms = RPMSG_RPC_TX_TIMEOUT_DEFAULT;
	ept->ctrl = ctrl;
	get_device(&ctrl->dev);

	device_initialize(&ept->dev);
	ept->dev.release = rpc_ept_release;
	ept->dev.class = &rpc_class;
	ept->dev.type = &rpc_ept_type;
	ept->dev.parent = &ctrl->dev;

	ret = ida_alloc(&rpc_ept_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_put;
	ept->index = ret;
	ret = dev_set_name(&ept->dev, "rpmsg_rpc%d", ept->index);
	if (ret)
		goto err_put;
	if (node) {
		ret = rpc_minor_get();
		if (ret < 0)
			goto err_put;
		ept->minor = ret;
		ept->dev.devt = MKDEV(MAJOR(rpc_devt), ept->minor);
	}

	strscpy(chinfo.name, req->name, sizeof(chinfo.name));
	chinfo.src = req->src;
	chinfo.dst = req->dst;
	rpept = rpmsg_create_ept(ctrl->anchor, rpc_ept_rx, ept, chinfo);
	if (!rpept) {
		ret = rpc_ept_create_errno(ctrl, &chinfo);
		goto err_put;
	}
	/*
	 * Our endpoints' cb_lock gets a lockdep class of its own. The
	 * transport gives all endpoints one class, and the name-service
	 * endpoint's callback creates channel devices, so holds cb_lock
	 * across the bus notifier; we destroy endpoints from that notifier.
	 * Two different locks, but one class: a false cycle. Our callback
	 * takes only qlock. Set before anything could be delivered to the
	 * address, but for a message racing with its creation.
	 */
	lockdep_set_class(&rpept->cb_lock, &rpc_cb_lock_key);
	mtu = rpmsg_get_mtu(rpept);
	if (mtu < 0) {
		ret = mtu;
		goto err_destroy;
	}
	ept->mtu = mtu;
	ept->src = rpept->addr;
	ept->rpept = rpept;

	if (node) {
		cdev_init(&ept->cdev, &rpc_ept_fops);
		ept->cdev.owner = THIS_MODULE;
		ret = cdev_device_add(&ept->cdev, &ept->dev);
		if (ret)
			goto err_destroy;
	}
	list_add_tail(&ept->node, &ctrl->epts);
	ctrl->n_epts++;
	if (ept->flags & RPMSG_RPC_EPT_F_BIND_BY_NAME)
		rpc_ns_bind_new(ctrl, ept);
	return ept;

err_destroy:
	ept->rpept = NULL;
	rpmsg_destroy_ept(rpept);
err_put:
	put_device(&ept->dev);
	return ERR_PTR(ret);
}
