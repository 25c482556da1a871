// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reassembly of fragmented call frames for one channel, on top of the
 * codec's reassembler (docs/wire-format.md, "Fragments"): up to
 * RPC_FRAG_PARTS messages at once, each buffer allocated at its first
 * fragment at its exact size, their sum bounded by max_bytes, each
 * message by max_msg; a partial message idle for the timeout expires.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void rpc_frag_rx_init(struct rpc_frag_rx *rx, size_t max_msg, size_t max_bytes,
		      uint32_t timeout_ms)
{
	memset(rx, 0, sizeof(*rx));
	rx->max_msg = max_msg;
	rx->max_bytes = max_bytes;
	rx->timeout_ns = (uint64_t)timeout_ms * 1000000u;
	for (int i = 0; i < RPC_FRAG_PARTS; i++)
		alp_rpc_reasm_init(&rx->part[i].r, NULL, 0);
}

static void part_free(struct rpc_frag_rx *rx, struct rpc_frag_part *p)
{
	rx->bytes -= p->r.cap;
	free(p->r.buf);
	alp_rpc_reasm_init(&p->r, NULL, 0);
}

unsigned int rpc_frag_rx_expire(struct rpc_frag_rx *rx, uint64_t now_ns)
{
	unsigned int n = 0;

	for (int i = 0; i < RPC_FRAG_PARTS; i++) {
		struct rpc_frag_part *p = &rx->part[i];

		if (p->r.buf && now_ns - p->last_ns >= rx->timeout_ns) {
			part_free(rx, p);
			n++;
		}
	}
	return n;
}

uint64_t rpc_frag_rx_next_expiry(const struct rpc_frag_rx *rx)
{
	uint64_t t = 0;

	for (int i = 0; i < RPC_FRAG_PARTS; i++)
		if (rx->part[i].r.buf && (!t || rx->part[i].last_ns + rx->timeout_ns < t))
			t = rx->part[i].last_ns + rx->timeout_ns;
	return t;
}

unsigned int rpc_frag_rx_reset(struct rpc_frag_rx *rx)
{
	unsigned int n = 0;

	for (int i = 0; i < RPC_FRAG_PARTS; i++) {
		if (rx->part[i].r.buf) {
			part_free(rx, &rx->part[i]);
			n++;
		}
	}
	free(rx->done);
	rx->done = NULL;
	return n;
}

static void refuse(struct rpc_frag_result *res, const struct alp_rpc_frag *fg)
{
	res->dropped++;
	if (fg->head.kind != ALP_RPC_KIND_REQUEST)
		return;
	res->refuse = true;
	res->refuse_id = fg->head.request_id;
	memcpy(res->refuse_method, fg->head.method, (size_t)fg->head.method_len + 1);
}

/* A first fragment: a slot and a buffer of its total, within the bounds. */
static struct rpc_frag_part *start(struct rpc_frag_rx *rx, const struct alp_rpc_frag *fg,
				   struct rpc_frag_result *res)
{
	struct rpc_frag_part *idle = NULL;
	void *buf;

	for (int i = 0; i < RPC_FRAG_PARTS; i++) {
		struct rpc_frag_part *p = &rx->part[i];

		if (p->r.buf && p->r.msg_id == fg->msg_id) {
			/* The sender started it over: the old one is lost. */
			part_free(rx, p);
			res->dropped++;
		}
		if (!p->r.buf && !idle)
			idle = p;
	}
	if (!idle || fg->total > rx->max_msg || fg->total > rx->max_bytes - rx->bytes) {
		refuse(res, fg);
		return NULL;
	}
	buf = malloc(fg->total);
	if (!buf) {
		refuse(res, fg);
		return NULL;
	}
	alp_rpc_reasm_init(&idle->r, buf, fg->total);
	rx->bytes += fg->total;
	return idle;
}

void rpc_frag_rx_feed(struct rpc_frag_rx *rx, const uint8_t *msg, size_t len, uint64_t now_ns,
		      struct rpc_frag_result *res)
{
	struct rpc_frag_part *p = NULL;
	struct alp_rpc_frag fg;
	size_t got;
	int rc;

	memset(res, 0, sizeof(*res));
	free(rx->done);
	rx->done = NULL;
	if (alp_rpc_frag_decode(msg, len, &fg)) {
		res->malformed = true;
		return;
	}
	res->dropped += rpc_frag_rx_expire(rx, now_ns);
	if (fg.flags & ALP_RPC_WIRE_FRAG_FIRST) {
		p = start(rx, &fg, res);
	} else {
		for (int i = 0; i < RPC_FRAG_PARTS && !p; i++)
			if (rx->part[i].r.buf && rx->part[i].r.msg_id == fg.msg_id)
				p = &rx->part[i];
		if (!p)
			res->orphans++;
	}
	if (!p)
		return;
	rc = alp_rpc_reasm_feed(&p->r, &fg, &got);
	p->last_ns = now_ns;
	if (rc == ALP_RPC_REASM_DONE) {
		/* The buffer leaves the slot: handed out until the next feed. */
		rx->done = p->r.buf;
		rx->bytes -= p->r.cap;
		alp_rpc_reasm_init(&p->r, NULL, 0);
		res->frame = rx->done;
		res->len = got;
	} else if (rc < 0) {
		/* Out of sequence: the codec dropped the message; free its buffer. */
		part_free(rx, p);
		res->dropped++;
	}
}

/* ---- the channel side (needs internal.h) ---------------------------------- */

static void caps_learn(struct alp_rpc_channel *ch, const void *payload, size_t len)
{
	uint32_t max;

	if (alp_rpc_caps_decode(payload, len, &max) == 0) {
		atomic_store(&ch->ftx.peer_max, max);
		atomic_store(&ch->ftx.caps, RPC_CAPS_KNOWN);
	}
}

/*
 * May a call frame of total bytes go out (in fragments when above the MTU)?
 * Asks the peer's alp.caps first when this link has not told it yet (not
 * from the poll thread, which would have to read the answer itself).
 */
alp_status_t rpc_frag_prepare(struct alp_rpc_channel *ch, size_t total, uint32_t timeout_ms)
{
	uint8_t pl[ALP_RPC_CAPS_LEN], resp[64];
	size_t rlen = sizeof(resp);
	alp_status_t st;

	if (total <= ch->tp->mtu)
		return ALP_OK;
	if (ch->framing != ALP_RPC_FRAMING_CALL || total > ch->max_msg)
		return ALP_ERR_MSGSIZE;
	if (atomic_load(&ch->ftx.caps) == RPC_CAPS_UNKNOWN) {
		if (rpc_on_poll_thread(ch))
			return ALP_ERR_MSGSIZE;
		alp_rpc_caps_encode(pl, sizeof(pl), ch->max_msg);
		st = alp_rpc_call(ch, ALP_RPC_CAPS_METHOD, pl, sizeof(pl), resp, &rlen, timeout_ms);
		if (st == ALP_ERR_NOMETHOD)
			atomic_store(&ch->ftx.caps, RPC_CAPS_NONE);
		else if (st == ALP_OK)
			caps_learn(ch, resp, rlen);
		else
			return st;	/* no answer: nothing learnt, nothing sent */
	}
	if (atomic_load(&ch->ftx.caps) != RPC_CAPS_KNOWN || total > atomic_load(&ch->ftx.peer_max))
		return ALP_ERR_MSGSIZE;
	return ALP_OK;
}

/*
 * Write a call frame; above the MTU as fragments, one write each: every
 * fragment waits for room like any frame (backpressure), and other senders'
 * frames go out between them (interleaving). rpc_frag_prepare() said yes.
 */
static alp_status_t write_fragments(struct alp_rpc_channel *ch, uint8_t kind, uint8_t status,
				    uint32_t id, const char *method, size_t mlen,
				    const void *payload, size_t len)
{
	uint8_t buf[RPC_RX_BUF];
	struct alp_rpc_fragmenter fr;
	size_t mtu = ch->tp->mtu;
	uint32_t msg_id;
	alp_status_t st;
	long n;

	do
		msg_id = atomic_fetch_add(&ch->ftx.next_msg_id, 1) + 1;
	while (msg_id == 0);
	if (alp_rpc_frag_begin(&fr, msg_id, kind, status, id, mlen ? method : NULL, payload,
			       len) < 0)
		return ALP_ERR_INVAL;
	while ((n = alp_rpc_frag_next(&fr, buf, mtu)) > 0) {
		st = rpc_channel_write(ch, buf, (size_t)n);
		if (st)
			return st;
		RPC_STAT_ADD(ch, tx_fragments, 1);
	}
	return n < 0 ? ALP_ERR_MSGSIZE : ALP_OK;
}

alp_status_t rpc_frag_write(struct alp_rpc_channel *ch, uint8_t kind, uint8_t status,
			    uint32_t id, const char *method, size_t mlen, const void *payload,
			    size_t len)
{
	uint8_t buf[RPC_RX_BUF];
	size_t mtu = ch->tp->mtu;
	long n;

	if (rpc_call_frame_size(mlen, len) > mtu)
		return write_fragments(ch, kind, status, id, method, mlen, payload, len);
	n = rpc_codec_encode_call_known(buf, mtu, kind, status, id, method, mlen, payload, len);
	return n < 0 ? ALP_ERR_INVAL : rpc_channel_write(ch, buf, (size_t)n);
}

/* A server reply held until the caller's alp.caps answer (rpc_frag_reply). */
struct held_reply {
	struct alp_rpc_channel *ch;
	uint8_t kind, status;
	uint32_t id;
	char method[ALP_RPC_METHOD_MAX_LEN];
	size_t mlen, len;
	uint8_t body[];
};

static void send_too_large(struct alp_rpc_channel *ch, uint32_t id, const char *method,
			   size_t mlen, const char *why)
{
	if (rpc_frag_write(ch, ALP_RPC_KIND_ERROR, ALP_RPC_WIRE_STATUS_TOO_LARGE, id, method, mlen,
			   why, strlen(why)) != ALP_OK)
		RPC_STAT_ADD(ch, replies_failed, 1);
}

static void held_send(struct alp_rpc_channel *ch, uint8_t kind, uint8_t status, uint32_t id,
		      const char *method, size_t mlen, const void *body, size_t len)
{
	size_t total = rpc_call_frame_size(mlen, len);

	if (total > ch->tp->mtu && (atomic_load(&ch->ftx.caps) != RPC_CAPS_KNOWN ||
				    total > atomic_load(&ch->ftx.peer_max)))
		send_too_large(ch, id, method, mlen, "reply larger than the caller takes");
	else if (rpc_frag_write(ch, kind, status, id, method, mlen, body, len) != ALP_OK)
		RPC_STAT_ADD(ch, replies_failed, 1);
}

static void held_done(alp_status_t st, const void *resp, size_t len, void *user)
{
	struct held_reply *h = user;

	if (st == ALP_ERR_NOMETHOD)
		atomic_store(&h->ch->ftx.caps, RPC_CAPS_NONE);
	else if (st == ALP_OK)
		caps_learn(h->ch, resp, len);
	if (st == ALP_OK || st == ALP_ERR_NOMETHOD)
		held_send(h->ch, h->kind, h->status, h->id, h->method, h->mlen, h->body, h->len);
	else	/* the link dropped or the caller did not answer: the call fails there */
		RPC_STAT_ADD(h->ch, replies_failed, 1);
	free(h);
}

/*
 * A server's call-framing reply (poll thread). Above the MTU it goes in
 * fragments if the caller takes them; while that is unknown on this link,
 * the reply is held (copied) and alp.caps asked asynchronously.
 */
void rpc_frag_reply(struct alp_rpc_channel *ch, uint8_t kind, uint8_t status, uint32_t id,
		    const char *method, size_t mlen, const void *body, size_t len)
{
	uint8_t pl[ALP_RPC_CAPS_LEN];
	struct held_reply *h;

	if (rpc_call_frame_size(mlen, len) <= ch->tp->mtu) {	/* one frame */
		if (rpc_frag_write(ch, kind, status, id, method, mlen, body, len) != ALP_OK)
			RPC_STAT_ADD(ch, replies_failed, 1);
		return;
	}
	if (atomic_load(&ch->ftx.caps) != RPC_CAPS_UNKNOWN) {
		held_send(ch, kind, status, id, method, mlen, body, len);
		return;
	}
	h = malloc(sizeof(*h) + len);
	if (!h) {
		send_too_large(ch, id, method, mlen, "no memory to hold the reply");
		return;
	}
	h->ch = ch;
	h->kind = kind;
	h->status = status;
	h->id = id;
	memcpy(h->method, method, mlen);
	h->method[mlen] = 0;
	h->mlen = mlen;
	h->len = len;
	memcpy(h->body, body, len);
	alp_rpc_caps_encode(pl, sizeof(pl), ch->max_msg);
	if (alp_rpc_call_async(ch, ALP_RPC_CAPS_METHOD, pl, sizeof(pl),
			       RPC_FRAG_TIMEOUT_DEFAULT_MS, held_done, h) != ALP_OK) {
		RPC_STAT_ADD(ch, replies_failed, 1);
		free(h);
	}
}

/* The built-in alp.caps server: learn the caller's, answer with ours (poll thread). */
void rpc_frag_serve_caps(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f)
{
	uint8_t pl[ALP_RPC_CAPS_LEN];
	uint32_t max = ch->max_msg > ch->tp->mtu ? ch->max_msg : 0;

	caps_learn(ch, f->payload, f->payload_len);
	alp_rpc_caps_encode(pl, sizeof(pl), max);
	if (rpc_frag_write(ch, ALP_RPC_KIND_REPLY, 0, f->request_id, f->method, f->method_len, pl,
			   sizeof(pl)) != ALP_OK)
		RPC_STAT_ADD(ch, replies_failed, 1);
}

/* A fragment arrived (poll thread): count, refuse, or dispatch the whole frame. */
void rpc_frag_rx(struct alp_rpc_channel *ch, const uint8_t *msg, size_t len,
		 void (*dispatch_frame)(struct alp_rpc_channel *, const uint8_t *, size_t))
{
	struct rpc_frag_result res;

	rpc_frag_rx_feed(&ch->frx, msg, len, rpc_now_ns(), &res);
	if (res.malformed) {
		RPC_STAT_ADD(ch, rx_malformed, 1);
		return;
	}
	RPC_STAT_ADD(ch, rx_fragments, 1);
	if (res.dropped)
		RPC_STAT_ADD(ch, rx_reasm_dropped, res.dropped);
	if (res.orphans)
		RPC_STAT_ADD(ch, rx_frag_orphans, res.orphans);
	if (res.refuse)
		send_too_large(ch, res.refuse_id, res.refuse_method, strlen(res.refuse_method),
			       "message larger than the receiver takes now");
	if (res.frame)
		dispatch_frame(ch, res.frame, res.len);
}

/* The link went down or the channel closes: drop what was partial and what was learnt. */
void rpc_frag_link_down(struct alp_rpc_channel *ch)
{
	unsigned int n = rpc_frag_rx_reset(&ch->frx);

	if (n)
		RPC_STAT_ADD(ch, rx_reasm_dropped, n);
	atomic_store(&ch->ftx.caps, RPC_CAPS_UNKNOWN);
}

uint64_t rpc_frag_next_expiry(struct alp_rpc_channel *ch)
{
	return rpc_frag_rx_next_expiry(&ch->frx);
}

/* The poll thread woke for an expiry (or anything else): drop what waited too long. */
void rpc_frag_expire(struct alp_rpc_channel *ch)
{
	unsigned int n = rpc_frag_rx_expire(&ch->frx, rpc_now_ns());

	if (n)
		RPC_STAT_ADD(ch, rx_reasm_dropped, n);
}
