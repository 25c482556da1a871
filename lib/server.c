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

/*
 * Send the reply whose body (len bytes) the handler wrote at frame + hdr,
 * hdr being the room the frame's header takes (the call header or none,
 * then the request's method and its NUL): the header is written in front
 * of the body, so the body is not copied (above the MTU: fragments, which
 * copy it piece by piece, frag.c).
 */
static void reply(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f, int status,
		  uint8_t *frame, size_t hdr, size_t len)
{
	long n;

	/* The request's method was validated by the decoder: not scanned again. */
	if (f->framing == ALP_RPC_WIRE_TEXT) {
		/* Text framing has no status field: only successes are answered. */
		if (status != ALP_RPC_STATUS_OK)
			return;
		n = rpc_codec_encode_text_known(frame, hdr, f->method, f->method_len, NULL, 0);
	} else if (hdr + len > ch->tp->mtu) {
		/* Any size up to max_msg: fragments above the MTU (frag.c). */
		rpc_frag_reply(ch, status ? ALP_RPC_KIND_ERROR : ALP_RPC_KIND_REPLY,
			       (uint8_t)status, f->request_id, f->method, f->method_len,
			       frame + hdr, len);
		return;
	} else {	/* one frame: what rpc_frag_reply does for it, without its two calls */
		n = rpc_codec_encode_call_known(frame, hdr,
						status ? ALP_RPC_KIND_ERROR : ALP_RPC_KIND_REPLY,
						(uint8_t)status, f->request_id, f->method,
						f->method_len, NULL, 0);
	}
	if (n != (long)hdr || rpc_channel_write_poll(ch, frame, hdr + len) != ALP_OK)
		RPC_STAT_ADD(ch, replies_failed, 1);
}

bool rpc_server_dispatch(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f)
{
	uint8_t out[RPC_RX_BUF], *frame = out;
	alp_rpc_handler_t handler = NULL;
	struct rpc_slot *s;
	void *user = NULL;
	size_t hdr, cap, len, limit;
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
	/* The reply's header, then its body (reply() writes the header in front). */
	hdr = (f->framing == ALP_RPC_WIRE_TEXT ? 0 : ALP_RPC_WIRE_CALL_HDR) + f->method_len + 1;
	if (!handler) {
		if (f->framing == ALP_RPC_WIRE_TEXT)
			return false;	/* may still be a subscription */
		reply(ch, f, ALP_RPC_STATUS_NO_METHOD, out, hdr, 0);
		return true;
	}
	limit = f->framing == ALP_RPC_WIRE_CALL ? rpc_frag_limit(ch) : ch->tp->mtu;
	if (limit > sizeof(out)) {
		if (!ch->srv_out)	/* once per channel, max_msg bytes */
			ch->srv_out = malloc(limit);
		if (ch->srv_out)
			frame = ch->srv_out;
		else
			limit = sizeof(out);
	}
	cap = limit > hdr ? limit - hdr : 0;
	len = cap;
	status = handler(f->payload, f->payload_len, frame + hdr, &len, user);
	rpc_dispatch_end(ch);
	if (status < 0 || status > 255)
		status = ALP_RPC_STATUS_EXEC_FAILED;
	if (len > cap) {
		status = ALP_RPC_STATUS_BAD_PACKET;
		len = 0;
	}
	reply(ch, f, status, frame, hdr, len);
	return true;
}
