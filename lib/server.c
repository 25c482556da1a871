// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Server side: per-method handlers that answer requests with a status.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

RPC_EXPORT alp_status_t alp_rpc_serve(alp_rpc_channel_t *ch, const char *method,
				      alp_rpc_handler_t handler, void *user)
{
	union rpc_fn fn = { .srv = handler };

	if (!ch || alp_rpc_method_len(method) < 0)
		return rpc_set_error(ALP_ERR_INVAL);
	if (ch->framing == ALP_RPC_FRAMING_RAW)
		return rpc_set_error(ALP_ERR_NOSUPPORT);
	return rpc_slot_set(ch, ch->srvs, ALP_RPC_SERVE_MAX, method, handler ? &fn : NULL, user);
}

static void reply(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f, int status,
		  const void *body, size_t len)
{
	uint8_t buf[RPC_RX_BUF];
	long n;

	/* The request's method was validated by the decoder: not scanned again. */
	if (f->framing == ALP_RPC_WIRE_TEXT) {
		/* Text framing has no status field: only successes are answered. */
		if (status != ALP_RPC_STATUS_OK)
			return;
		n = rpc_codec_encode_text_known(buf, ch->tp->mtu, f->method, f->method_len,
						body, len);
	} else if (rpc_call_frame_size(f->method_len, len) > ch->tp->mtu) {
		/* Any size up to max_msg: fragments above the MTU (frag.c). */
		rpc_frag_reply(ch, status ? ALP_RPC_KIND_ERROR : ALP_RPC_KIND_REPLY,
			       (uint8_t)status, f->request_id, f->method, f->method_len, body, len);
		return;
	} else {	/* one frame: what rpc_frag_reply does for it, without its two calls */
		n = rpc_codec_encode_call_known(buf, ch->tp->mtu,
						status ? ALP_RPC_KIND_ERROR : ALP_RPC_KIND_REPLY,
						(uint8_t)status, f->request_id, f->method,
						f->method_len, body, len);
	}
	if (n <= 0 || rpc_channel_write(ch, buf, (size_t)n) != ALP_OK) {
		RPC_STAT_ADD(ch, replies_failed, 1);
	}
}

bool rpc_server_dispatch(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f)
{
	uint8_t out[RPC_RX_BUF], *resp;
	alp_rpc_handler_t handler = NULL;
	struct rpc_slot *s;
	void *user = NULL;
	size_t cap, len, limit;
	long overhead;
	int status;

	rpc_lock(&ch->lock);
	s = rpc_slot_find(ch->srvs, ALP_RPC_SERVE_MAX, f->method);
	if (s) {
		handler = s->fn.srv;
		user = s->user;
		ch->dispatching = s;
	} else if (f->framing == ALP_RPC_WIRE_CALL) {
		RPC_STAT_ADD(ch, rx_unhandled, 1);
	}
	rpc_unlock(&ch->lock);
	if (!handler) {
		if (f->framing == ALP_RPC_WIRE_TEXT)
			return false;	/* may still be a subscription */
		reply(ch, f, ALP_RPC_STATUS_NO_METHOD, NULL, 0);
		return true;
	}
	overhead = (f->framing == ALP_RPC_WIRE_TEXT ? 0 : ALP_RPC_WIRE_CALL_HDR) +
		   f->method_len + 1;
	limit = f->framing == ALP_RPC_WIRE_CALL ? rpc_frag_limit(ch) : ch->tp->mtu;
	if (limit > sizeof(out) && !ch->srv_out)	/* once per channel, max_msg bytes */
		ch->srv_out = malloc(limit);
	resp = limit > sizeof(out) && ch->srv_out ? ch->srv_out : out;
	if (resp == out && limit > sizeof(out))
		limit = sizeof(out);
	cap = limit > (size_t)overhead ? limit - (size_t)overhead : 0;
	len = cap;
	status = handler(f->payload, f->payload_len, resp, &len, user);
	rpc_dispatch_end(ch);
	if (status < 0 || status > 255)
		status = ALP_RPC_STATUS_EXEC_FAILED;
	if (len > cap) {
		status = ALP_RPC_STATUS_BAD_PACKET;
		len = 0;
	}
	reply(ch, f, status, resp, len);
	return true;
}
