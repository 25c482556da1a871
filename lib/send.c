// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sends: one message per write, without a lock (internal.h, "senders").
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>

#include "internal.h"
#include "sys.h"

/* What a write of len bytes that returned n means (counted when it went out). */
static inline alp_status_t write_status(struct alp_rpc_channel *ch, ssize_t n, size_t len)
{
	if (n < 0)
		return rpc_errno_status((int)n);
	if ((size_t)n != len)
		return ALP_ERR_IO;
	RPC_STAT_ADD(ch, tx_frames, 1);
	RPC_STAT_ADD(ch, tx_bytes, len);
	return ALP_OK;
}

/*
 * tx_busy is raised before tx_fd is read, and a disconnect withdraws tx_fd
 * before it reads tx_busy (sequentially consistent both): either the sender
 * sees -1, or the disconnect sees the sender and waits for it.
 */
alp_status_t rpc_channel_write(struct alp_rpc_channel *ch, const void *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (len > ch->tp->mtu)
		return ALP_ERR_MSGSIZE;
	atomic_fetch_add(&ch->tx_busy, 1);
	fd = atomic_load(&ch->tx_fd);
	n = fd < 0 ? -ENOTCONN : rpc_transport_send_fast(ch->tp, fd, buf, len);
	if (atomic_fetch_sub(&ch->tx_busy, 1) == 1 && atomic_load(&ch->tx_wait)) {
		pthread_mutex_lock(&ch->tx_lock);
		pthread_cond_broadcast(&ch->tx_cond);
		pthread_mutex_unlock(&ch->tx_lock);
	}
	return write_status(ch, n, len);
}

/*
 * The poll thread's own writes (server replies): it is the only thread that
 * takes the link down (poll.c, link_down) and the fd is closed only after it
 * has been joined, so the fd cannot go away under it: no tx_busy round.
 */
alp_status_t rpc_channel_write_poll(struct alp_rpc_channel *ch, const void *buf, size_t len)
{
	int fd = atomic_load_explicit(&ch->tx_fd, memory_order_relaxed);

	if (len > ch->tp->mtu)
		return ALP_ERR_MSGSIZE;
	return write_status(ch, fd < 0 ? -ENOTCONN : rpc_transport_send_fast(ch->tp, fd, buf, len),
			    len);
}

void rpc_tx_publish(struct alp_rpc_channel *ch)
{
	atomic_store(&ch->tx_fd, ch->tp->fd);
}

void rpc_tx_withdraw(struct alp_rpc_channel *ch)
{
	atomic_store(&ch->tx_fd, -1);
	if (!atomic_load(&ch->tx_busy))
		return;
	pthread_mutex_lock(&ch->tx_lock);
	atomic_store(&ch->tx_wait, true);
	while (atomic_load(&ch->tx_busy))
		pthread_cond_wait(&ch->tx_cond, &ch->tx_lock);
	atomic_store(&ch->tx_wait, false);
	pthread_mutex_unlock(&ch->tx_lock);
}

/* A one-way call frame above the MTU: in fragments, to a peer that takes them. */
static alp_status_t send_large(struct alp_rpc_channel *ch, const char *method, size_t mlen,
			       const void *payload, size_t len)
{
	size_t total = rpc_call_frame_size(mlen, len);
	alp_status_t st;

	if (len > rpc_frag_limit(ch) || total > rpc_frag_limit(ch))
		return rpc_set_error(ALP_ERR_MSGSIZE);
	if (rpc_channel_enter(ch))
		return rpc_set_error(ALP_ERR_NOT_READY);
	st = rpc_frag_prepare(ch, total, RPC_FRAG_TIMEOUT_DEFAULT_MS);
	if (!st)
		st = rpc_frag_write(ch, ALP_RPC_KIND_ONEWAY, 0, 0, method, mlen, payload, len);
	rpc_channel_leave(ch);
	return rpc_set_error(st);
}

RPC_EXPORT alp_status_t alp_rpc_send(alp_rpc_channel_t *ch, const char *method,
				     const void *payload, size_t len)
{
	uint8_t buf[RPC_RX_BUF];
	int mlen = alp_rpc_method_len(method);
	long n;
	alp_status_t st;

	if (!ch || mlen < 0 || (!payload && len))
		return rpc_set_error(ALP_ERR_INVAL);
	if (ch->framing == ALP_RPC_FRAMING_RAW)
		return rpc_set_error(ALP_ERR_NOSUPPORT);
	if (ch->framing == ALP_RPC_FRAMING_CALL &&
	    rpc_call_frame_size((size_t)mlen, len) > ch->tp->mtu)
		return send_large(ch, method, (size_t)mlen, payload, len);
	n = rpc_encode(ch, buf, ALP_RPC_KIND_ONEWAY, 0, 0, method, (size_t)mlen, payload, len);
	if (n < 0)
		return rpc_set_error(n == ALP_RPC_WIRE_ENOSPC ? ALP_ERR_MSGSIZE : ALP_ERR_INVAL);
	if (rpc_channel_enter(ch))
		return rpc_set_error(ALP_ERR_NOT_READY);
	st = rpc_channel_write(ch, buf, (size_t)n);
	rpc_channel_leave(ch);
	return rpc_set_error(st);
}

RPC_EXPORT alp_status_t alp_rpc_send_raw(alp_rpc_channel_t *ch, const void *msg, size_t len)
{
	alp_status_t st;

	if (!ch || !msg || !len)
		return rpc_set_error(ALP_ERR_INVAL);
	if (len > ch->tp->mtu)
		return rpc_set_error(ALP_ERR_MSGSIZE);
	if (rpc_channel_enter(ch))
		return rpc_set_error(ALP_ERR_NOT_READY);
	st = rpc_channel_write(ch, msg, len);
	rpc_channel_leave(ch);
	return rpc_set_error(st);
}
