// SPDX-License-Identifier: GPL-2.0-only
/*
 * rpmsg_rpc: endpoint file operations: read, write, poll and the endpoint
 * ioctls, for nodes and anonymous fds alike.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <asm/ioctls.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "internal.h"

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

const struct file_operations rpc_ept_fops = {
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
