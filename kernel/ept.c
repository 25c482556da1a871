// SPDX-License-Identifier: GPL-2.0-only
/*
 * rpmsg_rpc: endpoints, as /dev/rpmsg_rpcN nodes or anonymous fds: creation
 * and teardown. The receive queue is in ept_rxq.c, the send path in
 * ept_tx.c, file operations in ept_file.c, sysfs in ept_sysfs.c.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/rpmsg/ns.h>
#include <linux/slab.h>

#include "internal.h"

static DEFINE_IDA(rpc_ept_ida);

/*
 * Give a transport endpoint's cb_lock our lockdep class (see
 * rpc_ept_create). The endpoint is reachable by then: a message for its
 * address may be taking cb_lock on another CPU while the class changes.
 * lockdep warns when it sees a key with a name that is not its class's
 * (the two are written one after the other), so the name stays the one
 * the lock has: only the key changes, and either key goes with that name.
 */
#ifdef CONFIG_DEBUG_LOCK_ALLOC
static struct lock_class_key rpc_cb_lock_key;

static void rpc_ept_set_cb_class(struct rpmsg_endpoint *rpept)
{
	lockdep_set_class_and_name(&rpept->cb_lock, &rpc_cb_lock_key,
				   rpept->cb_lock.dep_map.name);
}
#else
static inline void rpc_ept_set_cb_class(struct rpmsg_endpoint *rpept)
{
}
#endif

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
	rpc_ept_set_cb_class(probe);
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
	 * address, but for a message racing with its creation, whose
	 * acquisition may still count in the transport's class.
	 */
	rpc_ept_set_cb_class(rpept);
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
