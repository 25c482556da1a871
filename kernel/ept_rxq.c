// SPDX-License-Identifier: GPL-2.0-only
/*
 * rpmsg_rpc: an endpoint's receive queue, bounded per endpoint and per remote.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "internal.h"

/*
 * Every message we hold counts against its remote's budget, from the rx
 * callback until it is freed (delivered or purged).
 */
static bool rpc_budget_take(struct rpc_ept *ept)
{
	return atomic_add_unless(&ept->ctrl->rx_queued, 1, RPC_RX_BUDGET);
}

void rpc_msg_free(struct rpc_ept *ept, struct rpc_msg *msg)
{
	atomic_dec(&ept->ctrl->rx_queued);
	kfree(msg);
}

/* Runs in the transport's rx context, which may be atomic. */
int rpc_ept_rx(struct rpmsg_device *rpdev, void *data, int len,
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
struct rpc_msg *rpc_ept_pop(struct rpc_ept *ept, size_t cap,
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
void rpc_ept_unpop(struct rpc_ept *ept, struct rpc_msg *msg)
{
	spin_lock_irq(&ept->qlock);
	list_add(&msg->node, &ept->rxq);
	ept->rxq_len++;
	spin_unlock_irq(&ept->qlock);
}

/* Put back a list of messages we could not copy out, keeping their order. */
void rpc_ept_unpop_list(struct rpc_ept *ept, struct list_head *list)
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
void rpc_ept_pop_more(struct rpc_ept *ept,
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

void rpc_ept_purge(struct rpc_ept *ept)
{
	struct rpc_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, &ept->rxq, node)
		rpc_msg_free(ept, msg);
	INIT_LIST_HEAD(&ept->rxq);
	ept->rxq_len = 0;
}
