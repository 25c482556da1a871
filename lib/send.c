// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sends: one message per write, serialised by ch->tx_lock.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>

#include "internal.h"

alp_status_t rpc_channel_write(struct alp_rpc_channel *ch, const void *buf, size_t len)
{
	ssize_t n;

	if (len > ch->tp->mtu)
		return ALP_ERR_MSGSIZE;
	pthread_mutex_lock(&ch->tx_lock);
	n = ch->tp->fd < 0 ? -ENOTCONN : rpc_transport_send(ch->tp, buf, len);
	pthread_mutex_unlock(&ch->tx_lock);
	if (n < 0)
		return rpc_errno_status((int)n);
	if ((size_t)n != len)
		return ALP_ERR_IO;
	RPC_STAT_ADD(ch, tx_frames, 1);
	RPC_STAT_ADD(ch, tx_bytes, len);
	return ALP_OK;
}

long rpc_encode(struct alp_rpc_channel *ch, void *buf, uint8_t kind, uint8_t status, uint32_t id,
		const char *method, size_t mlen, const void *payload, size_t len)
{
	size_t cap = ch->tp->mtu;

	if (ch->framing == ALP_RPC_FRAMING_CALL)
		return rpc_codec_encode_call_known(buf, cap, kind, status, id, method, mlen,
						   payload, len);
	return rpc_codec_encode_text_known(buf, cap, method, mlen, payload, len);
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
