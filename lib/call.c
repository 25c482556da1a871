// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Calls: synchronous and asynchronous, matched by request id (call framing)
 * or by method (text framing, serialised).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

alp_status_t rpc_wire_status_to_alp(uint8_t st)
{
	switch (st) {
	case ALP_RPC_STATUS_OK:
		return ALP_OK;
	case ALP_RPC_STATUS_NO_METHOD:
		return ALP_ERR_NOMETHOD;
	case ALP_RPC_STATUS_BAD_PACKET:
		return ALP_ERR_PROTO;
	case ALP_RPC_STATUS_TIMEOUT:
		return ALP_ERR_TIMEOUT;
	case ALP_RPC_STATUS_TOO_LARGE:
		return ALP_ERR_MSGSIZE;
	default:	/* EXEC_FAILED and statuses newer than this library */
		return ALP_ERR_REMOTE;
	}
}

static void count_result(struct alp_rpc_channel *ch, alp_status_t st)
{
	if (st == ALP_OK)
		RPC_STAT_ADD(ch, calls_ok, 1);
	else if (st == ALP_ERR_TIMEOUT)
		RPC_STAT_ADD(ch, calls_timeout, 1);
	else
		RPC_STAT_ADD(ch, calls_failed, 1);
}

/* lock held */
static bool unlink_pending(struct alp_rpc_channel *ch, struct rpc_pending *p)
{
	for (struct rpc_pending **pp = &ch->pending; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			p->next = NULL;
			if (p->async)
				ch->async_n--;
			return true;
		}
	}
	return false;
}

/* lock held */
uint32_t rpc_call_next_id(struct alp_rpc_channel *ch)
{
	for (;;) {
		uint32_t id = ch->next_id++;
		struct rpc_pending *p;

		if (id == 0)
			continue;
		for (p = ch->pending; p && p->id != id; p = p->next)
			;
		if (!p)
			return id;
	}
}

/*
 * lock held; fills a sync waiter and wakes it. data is the reply body, or
 * with a non-OK st the diagnostic payload of the peer's error frame (NULL
 * for local failures).
 */
static void finish_sync(struct rpc_pending *p, alp_status_t st, const void *data, size_t len)
{
	p->status = st;
	p->len = 0;
	if (st == ALP_OK) {
		p->len = len;
		if (len > p->cap && p->resp)
			p->status = ALP_ERR_MSGSIZE;
		else if (p->resp && len)
			memcpy(p->resp, data, len);
	} else if (data) {
		/* the peer said why: hand over what fits, the status stays */
		p->detail = true;
		if (p->resp) {
			p->len = len < p->cap ? len : p->cap;
			if (p->len)
				memcpy(p->resp, data, p->len);
		}
	}
	p->done = true;
	if (p->waiting)	/* else its thread is not blocked: it sees done under lock */
		rpc_cond_signal(&p->cond);
}

static void finish_async(struct alp_rpc_channel *ch, struct rpc_pending *p, alp_status_t st,
			 const void *data, size_t len)
{
	count_result(ch, st);
	p->cb(st, data, len, p->user);
	free(p);
}

void rpc_call_complete(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f)
{
	alp_status_t st = f->kind == ALP_RPC_KIND_REPLY ? ALP_OK : rpc_wire_status_to_alp(f->status);
	struct rpc_pending *p;

	rpc_lock(&ch->lock);
	for (p = ch->pending; p; p = p->next)
		if (p->id && p->id == f->request_id)
			break;
	if (!p) {
		RPC_STAT_ADD(ch, rx_unmatched_reply, 1);
		rpc_unlock(&ch->lock);
		return;
	}
	unlink_pending(ch, p);
	if (!p->async) {
		finish_sync(p, st, f->payload, f->payload_len);
		rpc_unlock(&ch->lock);
		return;
	}
	rpc_unlock(&ch->lock);
	finish_async(ch, p, st, f->payload, f->payload_len);
}

bool rpc_call_text_match(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f)
{
	struct rpc_pending *p;

	rpc_lock(&ch->lock);
	for (p = ch->pending; p; p = p->next)
		if (!p->id && !p->async && p->method && !strcmp(p->method, f->method))
			break;
	if (p) {
		unlink_pending(ch, p);
		finish_sync(p, ALP_OK, f->payload, f->payload_len);
	}
	rpc_unlock(&ch->lock);
	return p != NULL;
}

static bool is_reply(const struct alp_rpc_frame *f)
{
	return f->kind == ALP_RPC_KIND_REPLY || f->kind == ALP_RPC_KIND_ERROR;
}

bool rpc_call_answers(const struct rpc_pending *p, const struct alp_rpc_frame *f)
{
	if (p->async)
		return false;
	return is_reply(f) ? p->id && p->id == f->request_id :
	       !p->id && f->framing == ALP_RPC_WIRE_TEXT && p->method &&
	       !strcmp(p->method, f->method);
}

/* lock held */
bool rpc_call_sync_match(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f)
{
	struct rpc_pending *p;

	for (p = ch->pending; p && !rpc_call_answers(p, f); p = p->next)
		;
	if (!p)
		return false;
	unlink_pending(ch, p);
	finish_sync(p, f->kind == ALP_RPC_KIND_ERROR ? rpc_wire_status_to_alp(f->status) : ALP_OK,
		    f->payload, f->payload_len);
	return true;
}

void rpc_call_fail_all(struct alp_rpc_channel *ch, alp_status_t st)
{
	struct rpc_pending *p, *next, *async = NULL;

	rpc_lock(&ch->lock);
	for (p = ch->pending; p; p = next) {
		next = p->next;
		p->next = NULL;
		if (p->async) {
			p->next = async;
			async = p;
		} else {
			finish_sync(p, st, NULL, 0);
		}
	}
	ch->pending = NULL;
	ch->async_n = 0;
	rpc_unlock(&ch->lock);
	for (p = async; p; p = next) {
		next = p->next;
		finish_async(ch, p, st, NULL, 0);
	}
}

static uint64_t next_deadline(struct alp_rpc_channel *ch)
{
	uint64_t next = 0;

	for (struct rpc_pending *p = ch->pending; p; p = p->next)
		if (p->async && p->deadline_ns && (!next || p->deadline_ns < next))
			next = p->deadline_ns;
	return next;
}

uint64_t rpc_call_expire(struct alp_rpc_channel *ch)
{
	struct rpc_pending *p, *next, *expired = NULL;
	uint64_t now = rpc_now_ns(), nd;

	rpc_lock(&ch->lock);
	for (p = ch->pending; p; p = next) {
		next = p->next;
		if (p->async && p->deadline_ns && p->deadline_ns <= now) {
			unlink_pending(ch, p);
			p->next = expired;
			expired = p;
		}
	}
	rpc_unlock(&ch->lock);
	for (p = expired; p; p = next) {
		next = p->next;
		finish_async(ch, p, ALP_ERR_TIMEOUT, NULL, 0);
	}
	rpc_lock(&ch->lock);
	nd = next_deadline(ch);
	rpc_unlock(&ch->lock);
	return nd;
}

/*
 * Validate a call; *mlen: the method's length (its only scan on this side);
 * *big: the frame exceeds the MTU (fragments: rpc_frag_prepare first).
 */
RPC_HOT_INLINE alp_status_t check_call_args(alp_rpc_channel_t *ch, const char *method,
					    const void *req, size_t req_len, size_t *mlen,
					    bool *big)
{
	int n = alp_rpc_method_len(method);
	size_t size, limit;

	if (!ch || (!req && req_len) || n < 0)
		return ALP_ERR_INVAL;
	if (ch->framing == ALP_RPC_FRAMING_RAW)
		return ALP_ERR_NOSUPPORT;
	*mlen = (size_t)n;
	size = (ch->framing == ALP_RPC_FRAMING_CALL ? ALP_RPC_WIRE_CALL_HDR : 0) + *mlen + 1;
	limit = rpc_frag_limit(ch);	/* above the MTU: fragments (frag.c) */
	if (req_len > limit || size > limit - req_len)
		return ALP_ERR_MSGSIZE;
	*big = rpc_call_frame_size(*mlen, req_len) > ch->tp->mtu;	/* as rpc_frag_prepare */
	return ALP_OK;
}

/*
 * lock held: rpc_channel_enter() for a caller that already holds the lock
 * (one lock round less on the call path); false once close has started.
 */
static bool enter_locked(struct alp_rpc_channel *ch, bool *entered)
{
	if (*entered)
		return true;
	if (ch->closing)
		return false;
	ch->users++;
	*entered = true;
	return true;
}

/*
 * Link p, encode and write the request. On success p is in flight (and may
 * already be finished by the poll thread); otherwise p is not linked.
 * *entered: the caller is counted in ch->users (set here if it was not).
 */
RPC_HOT_INLINE alp_status_t launch(alp_rpc_channel_t *ch, struct rpc_pending *p,
				  const char *method, size_t mlen, const void *req,
				  size_t req_len, bool *entered, bool *reading)
{
	uint8_t buf[RPC_RX_BUF];
	alp_status_t st = ALP_OK;
	bool async = p->async;
	long n;

	rpc_lock(&ch->lock);
	if (!enter_locked(ch, entered) || ch->closing || !ch->connected || !ch->running) {
		st = ALP_ERR_NOT_READY;
	} else {
		if (!async)
			rpc_reader_call_started(ch);
		if (ch->framing == ALP_RPC_FRAMING_CALL)
			p->id = rpc_call_next_id(ch);
		p->next = ch->pending;
		ch->pending = p;
		if (async)
			ch->async_n++;
		else	/* read the reply ourselves if we may (reader.c) */
			*reading = rpc_reader_take(ch, p);
	}
	rpc_unlock(&ch->lock);
	if (st)
		return st;
	if (ch->framing == ALP_RPC_FRAMING_CALL &&
	    rpc_call_frame_size(mlen, req_len) > ch->tp->mtu) {	/* fragments */
		st = rpc_frag_write(ch, ALP_RPC_KIND_REQUEST, 0, p->id, method, mlen, req, req_len);
	} else {	/* one frame, either framing */
		n = rpc_encode(ch, buf, ALP_RPC_KIND_REQUEST, 0, p->id, method, mlen, req, req_len);
		st = n < 0 ? ALP_ERR_INVAL : rpc_channel_write(ch, buf, (size_t)n);
	}
	if (st) {
		rpc_lock(&ch->lock);
		/*
		 * Not linked any more: the link dropped meanwhile and the poll
		 * thread finished p. A sync p reports that status; an async p
		 * was already completed (and freed) through its callback.
		 */
		if (!unlink_pending(ch, p))
			st = async ? ALP_OK : p->status;
		if (*reading)
			rpc_reader_release(ch, p);
		*reading = false;
		rpc_unlock(&ch->lock);
	}
	return st;
}

/*
 * Text framing matches replies by method only: one call at a time. Wait for
 * the turn until the caller's own deadline (ALP_ERR_TIMEOUT, nothing sent)
 * or close (ALP_ERR_NOT_READY). ALP_OK: the caller has the turn and gives
 * it back (text_busy, under lock) when its call ends.
 */
static alp_status_t text_turn(struct alp_rpc_channel *ch, const struct timespec *ts, bool bounded,
			      bool *entered, bool *waited)
{
	alp_status_t st = ALP_OK;
	int rc = 0;

	rpc_lock(&ch->lock);
	if (!enter_locked(ch, entered)) {
		rpc_unlock(&ch->lock);
		return ALP_ERR_NOT_READY;
	}
	while (ch->text_busy && !ch->closing && rc != ETIMEDOUT) {
		*waited = true;
		rc = rpc_chan_wait(ch, bounded ? ts : NULL);
	}
	if (ch->closing)
		st = ALP_ERR_NOT_READY;
	else if (ch->text_busy)
		st = ALP_ERR_TIMEOUT;
	else
		ch->text_busy = true;
	rpc_unlock(&ch->lock);
	return st;
}

RPC_EXPORT alp_status_t alp_rpc_call(alp_rpc_channel_t *ch, const char *method,
				     const void *req, size_t req_len,
				     void *resp, size_t *resp_len, uint32_t timeout_ms)
{
	struct rpc_pending p;
	struct timespec ts;
	bool bounded, text, turn, big, entered = false, reading = false, late = false;
	bool waited = false;
	alp_status_t st;
	size_t mlen = 0;

	st = check_call_args(ch, method, req, req_len, &mlen, &big);
	if (!st && ((resp && !resp_len) || (!resp && resp_len)))
		st = ALP_ERR_INVAL;
	if (!st && rpc_on_poll_thread(ch))
		st = ALP_ERR_BUSY;
	/* A request above the MTU: the peer's capability first (one call per link). */
	if (!st && big)
		st = rpc_frag_prepare(ch, rpc_call_frame_size(mlen, req_len), timeout_ms);
	if (st) {
		if (resp_len)
			*resp_len = 0;
		return rpc_set_error(st);
	}
	text = ch->framing == ALP_RPC_FRAMING_TEXT;
	/* Field by field: the async-only ones stay unset (one store each, no memset). */
	p.next = NULL;
	p.id = 0;
	p.status = ALP_OK;
	p.async = p.done = p.waiting = p.queued = p.detail = false;
	p.method = text ? method : NULL;	/* the match key; call framing matches by id */
	p.cond = (struct rpc_cond){ 0 };
	p.resp = resp;
	p.cap = resp_len ? *resp_len : 0;
	p.len = 0;
	bounded = rpc_deadline(&ts, timeout_ms);
	/* Entering the channel (ch->users) rides on the first lock round. */
	st = text ? text_turn(ch, &ts, bounded, &entered, &waited) : ALP_OK;
	turn = text && st == ALP_OK;
	if (st == ALP_OK)
		st = launch(ch, &p, method, mlen, req, req_len, &entered, &reading);
	if (entered) {
		/*
		 * Holding the role: straight to the transport. Unless a text
		 * call waited for its turn, its first wait is the whole
		 * timeout_ms, which is what counting down to the deadline
		 * gives too (rounded up to whole milliseconds) unless sending
		 * took a millisecond or more: one clock read per call. Later
		 * waits count down to the deadline.
		 */
		if (reading)
			late = rpc_reader_recv(ch, !bounded ? -1 : waited ? rpc_ms_until(&ts) :
						   timeout_ms > INT_MAX ? INT_MAX : (int)timeout_ms);
		else
			rpc_lock(&ch->lock);
		if (st == ALP_OK) {
			rpc_reader_wait(ch, &p, &ts, bounded, late);	/* reader.c */
			if (!p.done)
				unlink_pending(ch, &p);
			st = p.done ? p.status : ALP_ERR_TIMEOUT;
		}
		count_result(ch, st);
		if (turn)
			ch->text_busy = false;
		/* rpc_channel_leave(), in the same round; ch may be freed after the unlock */
		ch->users--;
		if (turn || ch->users == 0)
			rpc_chan_broadcast(ch);
		rpc_unlock(&ch->lock);
	}
	if (resp_len)
		*resp_len = p.done && (st == ALP_OK || st == ALP_ERR_MSGSIZE || p.detail) ? p.len : 0;
	return rpc_set_error(st);
}

RPC_EXPORT alp_status_t alp_rpc_call_async(alp_rpc_channel_t *ch, const char *method,
					   const void *req, size_t req_len, uint32_t timeout_ms,
					   alp_rpc_done_cb_t done, void *user)
{
	struct rpc_pending *p;
	alp_status_t st;
	size_t mlen = 0;
	bool big;

	st = check_call_args(ch, method, req, req_len, &mlen, &big);
	if (!st && !done)
		st = ALP_ERR_INVAL;
	if (!st && ch->framing != ALP_RPC_FRAMING_CALL)
		st = ALP_ERR_NOSUPPORT;
	if (!st)	/* synchronous once per link; from the poll thread only when known */
		st = rpc_frag_prepare(ch, rpc_call_frame_size(mlen, req_len),
				      timeout_ms == UINT32_MAX ? RPC_FRAG_TIMEOUT_DEFAULT_MS :
								 timeout_ms);
	if (st)
		return rpc_set_error(st);
	p = calloc(1, sizeof(*p));
	if (!p)
		return rpc_set_error(ALP_ERR_NOMEM);
	p->async = true;
	p->cb = done;
	p->user = user;
	if (timeout_ms != UINT32_MAX)
		p->deadline_ns = rpc_now_ns() + (uint64_t)timeout_ms * 1000000u;
	if (rpc_channel_enter(ch)) {
		free(p);
		return rpc_set_error(ALP_ERR_NOT_READY);
	}
	st = launch(ch, p, method, mlen, req, req_len, &(bool){ true }, &(bool){ false });
	if (st)
		free(p);
	else if (!rpc_on_poll_thread(ch))
		rpc_channel_wake(ch);	/* recompute the poll timeout */
	rpc_channel_leave(ch);
	return rpc_set_error(st);
}
