// SPDX-License-Identifier: GPL-2.0-only
/*
 * rpmsg_rpc: an endpoint's send path: bounded waits for a transport buffer,
 * the POLLOUT estimate, name-service announcements.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/poll.h>
#include <linux/rpmsg/ns.h>
#include <linux/sched/signal.h>
#include <linux/timer.h>

#include "internal.h"

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
int rpc_ept_send(struct rpc_ept *ept, u32 src, u32 dst, void *data,
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

void rpc_ept_count_tx(struct rpc_ept *ept, size_t len)
{
	spin_lock_irq(&ept->qlock);
	ept->stats.tx_msgs++;
	ept->stats.tx_bytes += len;
	spin_unlock_irq(&ept->qlock);
}

void rpc_ns_fill(struct rpc_ept *ept, struct rpmsg_device *rpdev,
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

void rpc_tx_timer_fn(struct timer_list *t)
{
	struct rpc_ept *ept = from_timer(ept, t, tx_timer);
	unsigned long flags;

	spin_lock_irqsave(&ept->qlock, flags);
	ept->tx_hinted = true;
	WRITE_ONCE(ept->tx_blocked, false);
	spin_unlock_irqrestore(&ept->qlock, flags);
	wake_up_interruptible_poll(&ept->wq, EPOLLOUT | EPOLLWRNORM);
}
