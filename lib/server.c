// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Server side: per-method handlers that answer requests with a status.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
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

	if (f->framing == ALP_RPC_WIRE_TEXT) {
		/* Text framing has no status field: only successes are answered. */
		if (status != ALP_RPC_STATUS_OK)
			return;
		n = alp_rpc_frame_encode_text(buf, ch->tp->mtu, f->method, body, len);
	} else {
		n = alp_rpc_frame_encode_call(buf, ch->tp->mtu,
					      status ? ALP_RPC_KIND_ERROR : ALP_RPC_KIND_REPLY,
					      (uint8_t)status, f->request_id, f->method, body, len);
	}
	if (n <= 0 || rpc_channel_write(ch, buf, (size_t)n) != ALP_OK) {
		pthread_mutex_lock(&ch->lock);
		ch->stats.replies_failed++;
		pthread_mutex_unlock(&ch->lock);
	}
}

bool rpc_server_dispatch(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f)
{
	uint8_t out[RPC_RX_BUF];
	alp_rpc_handler_t handler = NULL;
	struct rpc_slot *s;
	void *user = NULL;
	size_t cap, len;
	long overhead;
	int status;

	pthread_mutex_lock(&ch->lock);
	s = rpc_slot_find(ch->srvs, ALP_RPC_SERVE_MAX, f->method);
	if (s) {
		handler = s->fn.srv;
		user = s->user;
		ch->dispatching = s;
	} else if (f->framing == ALP_RPC_WIRE_CALL) {
		ch->stats.rx_unhandled++;
	}
	pthread_mutex_unlock(&ch->lock);
	if (!handler) {
		if (f->framing == ALP_RPC_WIRE_TEXT)
			return false;	/* may still be a subscription */
		reply(ch, f, ALP_RPC_STATUS_NO_METHOD, NULL, 0);
		return true;
	}
	overhead = f->framing == ALP_RPC_WIRE_TEXT ? alp_rpc_frame_size_text(f->method, 0) :
						     alp_rpc_frame_size_call(f->method, 0);
	cap = ch->tp->mtu > (size_t)overhead ? ch->tp->mtu - (size_t)overhead : 0;
	len = cap;
	status = handler(f->payload, f->payload_len, out, &len, user);
	rpc_dispatch_end(ch);
	if (status < 0 || status > 255)
		status = ALP_RPC_STATUS_EXEC_FAILED;
	if (len > cap) {
		status = ALP_RPC_STATUS_BAD_PACKET;
		len = 0;
	}
	reply(ch, f, status, out, len);
	return true;
}
