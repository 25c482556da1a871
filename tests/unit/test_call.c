// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/call.c and lib/reader.c: synchronous and asynchronous calls, id matching, statuses,
 * timeouts, duplicate/unknown replies, text-call serialisation, concurrency,
 * close and link loss while calls are blocked, calls from callbacks; a
 * calling thread that reads the transport itself (the reader role) while
 * other traffic arrives, with many threads, under back-pressure and close.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
/*
 * The reader role's generation (rd_state above its kind) tells that a
 * caller did read: it grows when a caller takes the role (or queues a frame
 * it read, which it can only do holding the role).
 */
#include "../../lib/internal.h"

struct caller {
	alp_rpc_channel_t *ch;
	const char *method;
	uint32_t timeout;
	alp_status_t rc;
	char resp[64];
	size_t len;
	atomic_int done;
};

static void *call_thread(void *arg)
{
	struct caller *c = arg;

	c->len = sizeof(c->resp);
	c->rc = alp_rpc_call(c->ch, c->method, "q", 1, c->resp, &c->len, c->timeout);
	c->done = 1;
	return NULL;
}

START_TEST(call_matches_reply_by_id)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct caller c = { .ch = ch, .method = "add", .timeout = T_WAIT_MS };
	struct alp_rpc_frame f;
	uint8_t buf[600];
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, call_thread, &c), 0);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_REQUEST);
	ck_assert_str_eq(f.method, "add");
	ck_assert_uint_ne(f.request_id, 0);
	ck_assert_uint_eq(f.payload_len, 1);
	/* A reply for another id first: counted, caller keeps waiting. */
	t_send_call(peer, ALP_RPC_KIND_REPLY, 0, f.request_id + 1, "add", "zz", 2);
	ck_assert(T_WAIT_STAT(ch, rx_unmatched_reply, 1));
	ck_assert_int_eq(c.done, 0);
	t_send_call(peer, ALP_RPC_KIND_REPLY, 0, f.request_id, NULL, "sum", 3);
	/* Duplicate reply: counted, harmless. */
	t_send_call(peer, ALP_RPC_KIND_REPLY, 0, f.request_id, NULL, "sum", 3);
	pthread_join(t, NULL);
	ck_assert_int_eq(c.rc, ALP_OK);
	ck_assert_uint_eq(c.len, 3);
	ck_assert_int_eq(memcmp(c.resp, "sum", 3), 0);
	ck_assert(T_WAIT_STAT(ch, rx_unmatched_reply, 2));
	ck_assert_uint_eq(T_STAT(ch, calls_ok), 1);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

static void *replier(void *arg)
{
	int peer = *(int *)arg;
	uint8_t buf[600];
	struct alp_rpc_frame f;
	const char *body = "0123456789";

	t_recv_frame(peer, buf, sizeof(buf), &f);
	t_send_call(peer, ALP_RPC_KIND_REPLY, 0, f.request_id, NULL, body, 10);
	return NULL;
}

START_TEST(resp_buffer_rules)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	char small[4];
	size_t len = 4;
	pthread_t t;

	ck_assert_int_eq(alp_rpc_call(ch, "m", NULL, 0, small, NULL, 10), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_call(ch, "m", NULL, 0, NULL, &len, 10), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_call(ch, "m", NULL, 3, NULL, NULL, 10), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_call(NULL, "m", NULL, 0, NULL, NULL, 10), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_call(ch, "bad method", NULL, 0, NULL, NULL, 10), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	/* Both NULL: body discarded. */
	pthread_create(&t, NULL, replier, &peer);
	ck_assert_int_eq(alp_rpc_call(ch, "m", NULL, 0, NULL, NULL, T_WAIT_MS), ALP_OK);
	pthread_join(t, NULL);
	/* Too small: MSGSIZE and the needed length. */
	pthread_create(&t, NULL, replier, &peer);
	ck_assert_int_eq(alp_rpc_call(ch, "m", NULL, 0, small, &len, T_WAIT_MS), ALP_ERR_MSGSIZE);
	ck_assert_int_eq(alp_last_error(), ALP_ERR_MSGSIZE);
	ck_assert_uint_eq(len, 10);
	pthread_join(t, NULL);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(oversize_request_sends_nothing)
{
	int peer;
	/* Fragments off; with them, test_frag.c's peer_without_fragments. */
	alp_rpc_channel_t *ch = t_open_pair_mtu_only(ALP_RPC_FRAMING_CALL, &peer);
	uint8_t big[600] = { 0 }, buf[600];

	/* call frame: 8 + 1 + 1 + payload <= 496 */
	ck_assert_int_eq(alp_rpc_call(ch, "m", big, 487, NULL, NULL, 10), ALP_ERR_MSGSIZE);
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_QUIET_MS), -1);
	ck_assert_int_eq(alp_rpc_call(ch, "m", big, 486, NULL, NULL, 10), ALP_ERR_TIMEOUT);
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), 496);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(timeout_then_late_reply)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct alp_rpc_frame f;
	uint8_t buf[600];
	uint64_t t0 = t_now_ms();

	ck_assert_int_eq(alp_rpc_call(ch, "slow", NULL, 0, NULL, NULL, 50), ALP_ERR_TIMEOUT);
	ck_assert_int_eq(alp_last_error(), ALP_ERR_TIMEOUT);
	ck_assert_uint_ge(t_now_ms() - t0, 50);
	ck_assert_uint_eq(T_STAT(ch, calls_timeout), 1);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	t_send_call(peer, ALP_RPC_KIND_REPLY, 0, f.request_id, NULL, NULL, 0);
	ck_assert(T_WAIT_STAT(ch, rx_unmatched_reply, 1));
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

struct err_case {
	uint8_t status;
	alp_status_t want;
};

START_TEST(peer_error_statuses)
{
	static const struct err_case cases[] = {
		{ ALP_RPC_STATUS_NO_METHOD, ALP_ERR_NOMETHOD },
		{ ALP_RPC_STATUS_EXEC_FAILED, ALP_ERR_REMOTE },
		{ ALP_RPC_STATUS_BAD_PACKET, ALP_ERR_PROTO },
		{ ALP_RPC_STATUS_TIMEOUT, ALP_ERR_TIMEOUT },
		{ 77, ALP_ERR_REMOTE },
	};
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct caller c = { .ch = ch, .method = "m", .timeout = T_WAIT_MS };
		struct alp_rpc_frame f;
		uint8_t buf[600];
		pthread_t t;

		pthread_create(&t, NULL, call_thread, &c);
		t_recv_frame(peer, buf, sizeof(buf), &f);
		t_send_call(peer, ALP_RPC_KIND_ERROR, cases[i].status, f.request_id, "m", "why", 3);
		pthread_join(t, NULL);
		ck_assert_int_eq(c.rc, cases[i].want);
		/* the peer's diagnostic payload reaches the caller */
		ck_assert_uint_eq(c.len, 3);
		ck_assert_int_eq(memcmp(c.resp, "why", 3), 0);
	}
	ck_assert_uint_eq(T_STAT(ch, calls_failed), 4);
	ck_assert_uint_eq(T_STAT(ch, calls_timeout), 1);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

struct detail_caller {
	alp_rpc_channel_t *ch;
	char *resp;
	size_t *len;
	alp_status_t rc;
};

static void *detail_call_thread(void *arg)
{
	struct detail_caller *c = arg;

	c->rc = alp_rpc_call(c->ch, "m", NULL, 0, c->resp, c->len, T_WAIT_MS);
	return NULL;
}

/* Run c's call and answer it from peer with an ERROR frame. */
static void call_answered_error(struct detail_caller *c, int peer, uint8_t status,
				const char *payload)
{
	struct alp_rpc_frame f;
	uint8_t buf[600];
	pthread_t t;

	pthread_create(&t, NULL, detail_call_thread, c);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	t_send_call(peer, ALP_RPC_KIND_ERROR, status, f.request_id, NULL, payload,
		    payload ? strlen(payload) : 0);
	pthread_join(t, NULL);
}

/* A diagnostic larger than the capacity is cut, an empty one gives length 0. */
START_TEST(peer_error_detail_cut_and_empty)
{
	static const char why[] = "sensor 3 did not answer";
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	char resp[8];
	size_t len;
	struct detail_caller c = { .ch = ch, .resp = resp, .len = &len };
	pthread_t t;

	memset(resp, '#', sizeof(resp));
	len = 5;
	call_answered_error(&c, peer, ALP_RPC_STATUS_EXEC_FAILED, why);
	ck_assert_int_eq(c.rc, ALP_ERR_REMOTE);
	ck_assert_uint_eq(len, 5);
	ck_assert_int_eq(memcmp(resp, "senso#", 6), 0);	/* nothing past the capacity */

	len = sizeof(resp);
	call_answered_error(&c, peer, ALP_RPC_STATUS_NO_METHOD, NULL);
	ck_assert_int_eq(c.rc, ALP_ERR_NOMETHOD);
	ck_assert_uint_eq(len, 0);

	/* no buffer: the status alone */
	c.resp = NULL;
	c.len = NULL;
	call_answered_error(&c, peer, ALP_RPC_STATUS_EXEC_FAILED, why);
	ck_assert_int_eq(c.rc, ALP_ERR_REMOTE);

	/* a local failure: no body, *resp_len 0 */
	c.resp = resp;
	c.len = &len;
	len = 7;
	close(peer);
	pthread_create(&t, NULL, detail_call_thread, &c);
	pthread_join(t, NULL);
	ck_assert_int_eq(c.rc, ALP_ERR_NOT_READY);
	ck_assert_uint_eq(len, 0);
	len = 7;
	ck_assert_int_eq(alp_rpc_call(ch, "bad method", NULL, 0, resp, &len, T_WAIT_MS),
			 ALP_ERR_INVAL);
	ck_assert_uint_eq(len, 0);
	alp_rpc_close(ch);
}
END_TEST

START_TEST(text_call_matches_method_and_serialises)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	struct caller a = { .ch = ch, .method = "get", .timeout = T_WAIT_MS };
	struct caller b = { .ch = ch, .method = "get", .timeout = T_WAIT_MS };
	struct alp_rpc_frame f;
	uint8_t buf[600];
	pthread_t ta, tb;

	pthread_create(&ta, NULL, call_thread, &a);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(f.framing, ALP_RPC_WIRE_TEXT);
	ck_assert_str_eq(f.method, "get");
	pthread_create(&tb, NULL, call_thread, &b);
	/* The second call is not sent while the first is outstanding. */
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_QUIET_MS), -1);
	/* A frame of another method does not complete the call. */
	t_send_text(peer, "other", NULL, 0);
	ck_assert(T_WAIT_STAT(ch, rx_unhandled, 1));
	t_send_text(peer, "get", "one", 3);
	t_recv_frame(peer, buf, sizeof(buf), &f);	/* now the second request */
	t_send_text(peer, "get", "two", 3);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	ck_assert_int_eq(a.rc, ALP_OK);
	ck_assert_int_eq(b.rc, ALP_OK);
	ck_assert_uint_eq(a.len, 3);
	ck_assert_uint_eq(b.len, 3);
	/* Whichever thread went first got "one". */
	ck_assert(!memcmp(a.resp, "one", 3) || !memcmp(b.resp, "one", 3));
	ck_assert(!memcmp(a.resp, "two", 3) || !memcmp(b.resp, "two", 3));
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

/* A text call queued behind a slow one still times out after its own timeout_ms. */
START_TEST(text_call_queued_keeps_own_timeout)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	struct caller a = { .ch = ch, .method = "slow", .timeout = 1500 };
	struct alp_rpc_frame f;
	uint8_t buf[600];
	pthread_t ta;
	uint64_t t0, took;
	alp_status_t rc;

	pthread_create(&ta, NULL, call_thread, &a);
	t_recv_frame(peer, buf, sizeof(buf), &f);	/* a is outstanding, unanswered */
	t0 = t_now_ms();
	rc = alp_rpc_call(ch, "quick", NULL, 0, NULL, NULL, 200);
	took = t_now_ms() - t0;
	ck_assert_msg(took < 1000, "a 200 ms call queued behind a 1500 ms one took %llu ms",
		      (unsigned long long)took);
	ck_assert_int_eq(rc, ALP_ERR_TIMEOUT);
	ck_assert_uint_ge(took, 200);
	/* It never went out: the peer sees nothing more than the first request. */
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_QUIET_MS), -1);
	pthread_join(ta, NULL);
	ck_assert_int_eq(a.rc, ALP_ERR_TIMEOUT);
	ck_assert_uint_eq(T_STAT(ch, calls_timeout), 2);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

static alp_status_t cb_call_rc = 1;
static atomic_int cb_ran;

static void call_from_cb(const void *p, size_t l, void *user)
{
	(void)p;
	(void)l;
	cb_call_rc = alp_rpc_call(user, "x", NULL, 0, NULL, NULL, UINT32_MAX);
	cb_ran = 1;
}

static bool cb_done(void *arg)
{
	(void)arg;
	return cb_ran;
}

START_TEST(call_from_own_callback_is_busy)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	uint8_t buf[64];

	cb_ran = 0;
	ck_assert_int_eq(alp_rpc_subscribe(ch, "go", call_from_cb, ch), ALP_OK);
	t_send_text(peer, "go", NULL, 0);
	ck_assert(t_wait(cb_done, NULL, T_WAIT_MS));
	ck_assert_int_eq(cb_call_rc, ALP_ERR_BUSY);
	/* Nothing was sent for the refused call. */
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_QUIET_MS), -1);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

struct async_rec {
	atomic_int calls;
	alp_status_t st;
	char resp[32];
	size_t len;
	alp_rpc_channel_t *ch;	/* when set: start another async call from the callback */
	alp_status_t nested_rc;
};

static void async_done(alp_status_t st, const void *resp, size_t len, void *user)
{
	struct async_rec *a = user;

	a->st = st;
	a->len = len;
	if (len && len <= sizeof(a->resp))
		memcpy(a->resp, resp, len);
	if (a->ch) {
		a->nested_rc = alp_rpc_call_async(a->ch, "nested", NULL, 0, 20, async_done, a);
		a->ch = NULL;
	}
	a->calls++;
}

static bool async_n(void *arg)
{
	return ((struct async_rec *)arg)->calls >= 1;
}

START_TEST(async_call_completes_and_times_out)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct async_rec a = { 0 }, b = { 0 };
	struct alp_rpc_frame f;
	uint8_t buf[600];

	ck_assert_int_eq(alp_rpc_call_async(ch, "m", "r", 1, T_WAIT_MS, async_done, &a), ALP_OK);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(a.calls, 0);
	t_send_call(peer, ALP_RPC_KIND_REPLY, 0, f.request_id, NULL, "ok!", 3);
	ck_assert(t_wait(async_n, &a, T_WAIT_MS));
	ck_assert_int_eq(a.st, ALP_OK);
	ck_assert_uint_eq(a.len, 3);
	/* Timeout, and a nested async call started from the callback. */
	b.ch = ch;
	ck_assert_int_eq(alp_rpc_call_async(ch, "m", NULL, 0, 30, async_done, &b), ALP_OK);
	ck_assert(t_wait(async_n, &b, T_WAIT_MS));
	ck_assert_int_eq(b.st, ALP_ERR_TIMEOUT);
	ck_assert_int_eq(b.nested_rc, ALP_OK);
	for (int i = 0; i < 1000 && b.calls < 2; i++)
		t_sleep_ms(5);
	ck_assert_int_eq(b.calls, 2);
	ck_assert_int_eq(b.st, ALP_ERR_TIMEOUT);
	ck_assert_uint_eq(T_STAT(ch, calls_timeout), 2);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(async_rejects_bad_input)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	struct async_rec a = { 0 };

	ck_assert_int_eq(alp_rpc_call_async(ch, "m", NULL, 0, 10, async_done, &a), ALP_ERR_NOSUPPORT);
	ck_assert_int_eq(alp_rpc_call_async(ch, "m", NULL, 0, 10, NULL, &a), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_call_async(NULL, "m", NULL, 0, 10, async_done, &a), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_call_async(ch, "", NULL, 0, 10, async_done, &a), ALP_ERR_INVAL);
	alp_rpc_close(ch);
	close(peer);
	ck_assert_int_eq(a.calls, 0);
}
END_TEST

START_TEST(close_cancels_async)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct async_rec a = { 0 };

	ck_assert_int_eq(alp_rpc_call_async(ch, "m", NULL, 0, UINT32_MAX, async_done, &a), ALP_OK);
	alp_rpc_close(ch);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_int_eq(a.st, ALP_ERR_NOT_READY);
	close(peer);
}
END_TEST

#define BLOCKED 6

START_TEST(close_while_calls_blocked)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct caller c[BLOCKED];
	pthread_t t[BLOCKED];
	uint8_t buf[600];

	for (int i = 0; i < BLOCKED; i++) {
		c[i] = (struct caller){ .ch = ch, .method = "wait", .timeout = UINT32_MAX };
		pthread_create(&t[i], NULL, call_thread, &c[i]);
	}
	/* All requests are on the wire, i.e. every caller is blocked. */
	for (int i = 0; i < BLOCKED; i++)
		ck_assert_int_gt(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), 0);
	alp_rpc_close(ch);
	for (int i = 0; i < BLOCKED; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(c[i].rc, ALP_ERR_NOT_READY);
	}
	close(peer);
}
END_TEST

static atomic_int closed_in_cb;

static void close_cb(const void *p, size_t l, void *user)
{
	(void)p;
	(void)l;
	alp_rpc_close(user);
	closed_in_cb = 1;
}

/* A callback closes the channel while another thread is blocked in a call. */
/* One sync call blocked in thread *t and one async call, both on the wire. */
static void start_two_calls(alp_rpc_channel_t *ch, int peer, struct caller *c,
			    struct async_rec *a, pthread_t *t)
{
	uint8_t buf[600];

	*c = (struct caller){ .ch = ch, .method = "m", .timeout = UINT32_MAX };
	pthread_create(t, NULL, call_thread, c);
	ck_assert_int_gt(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), 0);
	ck_assert_int_eq(alp_rpc_call_async(ch, "m", NULL, 0, UINT32_MAX, async_done, a), ALP_OK);
	ck_assert_int_gt(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), 0);
}

/* Both calls of start_two_calls() end with ALP_ERR_NOT_READY. */
static void both_not_ready(struct caller *c, struct async_rec *a, pthread_t t)
{
	pthread_join(t, NULL);
	ck_assert_int_eq(c->rc, ALP_ERR_NOT_READY);
	ck_assert(t_wait(async_n, a, T_WAIT_MS));
	ck_assert_int_eq(a->st, ALP_ERR_NOT_READY);
}

START_TEST(close_from_callback_with_blocked_caller)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct caller c;
	struct async_rec a = { 0 };
	uint8_t buf[600];
	pthread_t t;

	closed_in_cb = 0;
	ck_assert_int_eq(alp_rpc_subscribe(ch, "bye", close_cb, ch), ALP_OK);
	start_two_calls(ch, peer, &c, &a, &t);
	t_send_call(peer, ALP_RPC_KIND_ONEWAY, 0, 0, "bye", NULL, 0);
	both_not_ready(&c, &a, t);
	/* Freed by its poll thread: the socket closes. */
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), 0);
	ck_assert_int_eq(closed_in_cb, 1);
	close(peer);
}
END_TEST

START_TEST(link_loss_fails_inflight_calls)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct caller c;
	struct async_rec a = { 0 };
	pthread_t t;

	start_two_calls(ch, peer, &c, &a, &t);
	close(peer);
	both_not_ready(&c, &a, t);
	alp_rpc_close(ch);
}
END_TEST

/* Many threads, many calls in flight on one channel, each reply to its caller. */
static int echo_handler(const void *req, size_t len, void *resp, size_t *resp_len, void *user)
{
	(void)user;
	ck_assert_uint_le(len, *resp_len);
	memcpy(resp, req, len);
	*resp_len = len;
	return ALP_RPC_STATUS_OK;
}

#define THREADS 8
#define CALLS 200

struct hammer {
	alp_rpc_channel_t *ch;
	int id;
	int bad;
};

static void *hammer_thread(void *arg)
{
	struct hammer *h = arg;
	char req[32], resp[32];

	for (int i = 0; i < CALLS; i++) {
		size_t len = sizeof(resp);
		int n = snprintf(req, sizeof(req), "t%d-c%d", h->id, i);

		if (alp_rpc_call(h->ch, "echo", req, (size_t)n, resp, &len, T_WAIT_MS) != ALP_OK ||
		    len != (size_t)n || memcmp(req, resp, len))
			h->bad++;
	}
	return NULL;
}

/* THREADS threads make CALLS calls each on client; every one succeeds. */
static void hammer_all(alp_rpc_channel_t *client)
{
	struct hammer h[THREADS];
	pthread_t t[THREADS];

	for (int i = 0; i < THREADS; i++) {
		h[i] = (struct hammer){ .ch = client, .id = i };
		pthread_create(&t[i], NULL, hammer_thread, &h[i]);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(h[i].bad, 0);
	}
}

START_TEST(many_threads_calling)
{
	alp_rpc_channel_t *client, *server;

	t_open_two(ALP_RPC_FRAMING_CALL, &client, &server);
	ck_assert_int_eq(alp_rpc_serve(server, "echo", echo_handler, NULL), ALP_OK);
	hammer_all(client);
	ck_assert_uint_eq(T_STAT(client, calls_ok), THREADS * CALLS);
	ck_assert_uint_eq(T_STAT(client, rx_unmatched_reply), 0);
	alp_rpc_close(client);
	alp_rpc_close(server);
}
END_TEST

/* ---- a synchronous caller reads the transport itself ------------------- */

static unsigned int reader_takes(alp_rpc_channel_t *ch)
{
	unsigned int n;

	rpc_lock(&ch->lock);
	n = atomic_load(&ch->rd_state) / RPC_RD_GEN1;
	rpc_unlock(&ch->lock);
	return n;
}

/* What the callbacks saw: how many, in which order, on which thread. */
struct seen {
	atomic_int n;
	atomic_int out_of_order;
	atomic_int wrong_thread;
	atomic_int gate;		/* when set: the first callback waits until it is 0 */
	pthread_t poll_thread;
	atomic_int have_thread;
	pthread_t caller;		/* callbacks must never run on it */
};

static void seen_here(struct seen *s)
{
	pthread_t me = pthread_self();
	int expect = 0;

	if (pthread_equal(me, s->caller))
		s->wrong_thread++;
	if (atomic_compare_exchange_strong(&s->have_thread, &expect, 1))
		s->poll_thread = me;
	else if (!pthread_equal(me, s->poll_thread))
		s->wrong_thread++;
}

static void on_seq(const void *p, size_t l, void *user)
{
	struct seen *s = user;
	int seq = -1;

	seen_here(s);
	if (l == sizeof(seq))
		memcpy(&seq, p, sizeof(seq));
	if (seq != s->n)
		s->out_of_order++;
	s->n++;
	while (seq == 0 && s->gate)
		t_sleep_ms(1);
}

static struct seen *srv_seen;

static int seen_handler(const void *req, size_t len, void *resp, size_t *resp_len, void *user)
{
	(void)user;
	seen_here(srv_seen);
	memcpy(resp, req, len);
	*resp_len = len;
	return ALP_RPC_STATUS_OK;
}

struct seq_caller {
	struct caller c;
	struct seen *s;
	int seen_at_return;
};

static void *seq_call_thread(void *arg)
{
	struct seq_caller *sc = arg;

	sc->s->caller = pthread_self();
	call_thread(&sc->c);
	sc->seen_at_return = sc->s->n;
	return NULL;
}

static void send_seq(int peer, int from, int to)
{
	for (int i = from; i < to; i++)
		t_send_call(peer, ALP_RPC_KIND_ONEWAY, 0, 0, "ev", &i, sizeof(i));
}

/*
 * The caller reads while one-way frames, a request for our server and an
 * async reply arrive before its own reply: every callback runs on the poll
 * thread, in order, and all of them before the call returns.
 */
START_TEST(caller_reads_amid_other_traffic)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct seen s = { 0 };
	struct seq_caller sc = { .c = { .ch = ch, .method = "m", .timeout = T_WAIT_MS }, .s = &s };
	struct async_rec a = { 0 };
	struct alp_rpc_frame f;
	unsigned int takes;
	uint32_t async_id;
	uint8_t buf[600];
	pthread_t t;

	srv_seen = &s;
	s.caller = pthread_self();
	ck_assert_int_eq(alp_rpc_subscribe(ch, "ev", on_seq, &s), ALP_OK);
	ck_assert_int_eq(alp_rpc_serve(ch, "srv", seen_handler, NULL), ALP_OK);
	ck_assert_int_eq(alp_rpc_call_async(ch, "am", NULL, 0, T_WAIT_MS, async_done, &a), ALP_OK);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	async_id = f.request_id;
	pthread_create(&t, NULL, seq_call_thread, &sc);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_str_eq(f.method, "m");
	t_sleep_ms(20);		/* let the caller settle into reading */
	send_seq(peer, 0, 10);
	t_send_call(peer, ALP_RPC_KIND_REQUEST, 0, 77, "srv", "hi", 2);
	t_send_call(peer, ALP_RPC_KIND_REPLY, 0, async_id, NULL, "as", 2);
	send_seq(peer, 10, 20);
	t_send_call(peer, ALP_RPC_KIND_REPLY, 0, f.request_id, NULL, "mine", 4);
	pthread_join(t, NULL);
	ck_assert_int_eq(sc.c.rc, ALP_OK);
	ck_assert_uint_eq(sc.c.len, 4);
	ck_assert_int_eq(memcmp(sc.c.resp, "mine", 4), 0);
	ck_assert_int_eq(sc.seen_at_return, 20);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_int_eq(a.st, ALP_OK);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_REPLY);
	ck_assert_uint_eq(f.request_id, 77);
	ck_assert_int_eq(s.out_of_order, 0);
	ck_assert_int_eq(s.wrong_thread, 0);
	ck_assert_uint_ge(reader_takes(ch), 1);
	ck_assert_uint_eq(T_STAT(ch, rx_frames), 23);
	/*
	 * Other traffic met: the poll thread reads for the next calls, then
	 * callers again (unless the poll thread happens to be reading when a
	 * reply comes: a few more calls).
	 */
	takes = reader_takes(ch);
	for (int i = 0; i < RPC_LEAD_COOLDOWN + 100 && reader_takes(ch) == takes; i++) {
		pthread_create(&t, NULL, replier, &peer);
		ck_assert_int_eq(alp_rpc_call(ch, "m", NULL, 0, NULL, NULL, T_WAIT_MS), ALP_OK);
		pthread_join(t, NULL);
		if (i < RPC_LEAD_COOLDOWN - 1)
			ck_assert_uint_eq(reader_takes(ch), takes);
	}
	ck_assert_uint_gt(reader_takes(ch), takes);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

/*
 * A slow callback: the reading caller queues the first frame and leaves
 * reading to the stuck poll thread. Nothing is lost or reordered, and the
 * call returns only after the callbacks of everything before its reply.
 */
#define FLOOD 150

START_TEST(caller_reads_under_backpressure)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct seen s = { 0 };
	struct seq_caller sc = { .c = { .ch = ch, .method = "m", .timeout = UINT32_MAX }, .s = &s };
	struct alp_rpc_frame f;
	uint8_t buf[600];
	pthread_t t;

	s.gate = 1;
	ck_assert_int_eq(alp_rpc_subscribe(ch, "ev", on_seq, &s), ALP_OK);
	pthread_create(&t, NULL, seq_call_thread, &sc);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	t_sleep_ms(20);
	send_seq(peer, 0, FLOOD);
	t_send_call(peer, ALP_RPC_KIND_REPLY, 0, f.request_id, NULL, "late", 4);
	t_sleep_ms(T_QUIET_MS);
	ck_assert_int_eq(sc.c.done, 0);	/* its reply is behind the stuck callback */
	s.gate = 0;
	pthread_join(t, NULL);
	ck_assert_int_eq(sc.c.rc, ALP_OK);
	ck_assert_int_eq(sc.seen_at_return, FLOOD);
	ck_assert_int_eq(s.out_of_order, 0);
	ck_assert_int_eq(s.wrong_thread, 0);
	ck_assert_uint_eq(T_STAT(ch, rx_unhandled), 0);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

/* Close from another thread while the only caller is reading, both framings. */
START_TEST(close_while_caller_reads)
{
	static const uint32_t framings[] = { ALP_RPC_FRAMING_CALL, ALP_RPC_FRAMING_TEXT };

	for (size_t i = 0; i < 2; i++) {
		int peer;
		alp_rpc_channel_t *ch = t_open_pair(framings[i], &peer);
		struct caller c = { .ch = ch, .method = "m", .timeout = UINT32_MAX };
		uint8_t buf[600];
		pthread_t t;

		pthread_create(&t, NULL, call_thread, &c);
		ck_assert_int_gt(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), 0);
		t_sleep_ms(20);
		ck_assert_uint_ge(reader_takes(ch), 1);
		alp_rpc_close(ch);
		pthread_join(t, NULL);
		ck_assert_int_eq(c.rc, ALP_ERR_NOT_READY);
		close(peer);
	}
}
END_TEST

/*
 * Many threads calling a librpc server that also sends a one-way event
 * before every reply: one thread at a time reads, the others are handed
 * their replies or the reader role, events run on the poll thread only.
 */
static alp_rpc_channel_t *events_back;

static int event_then_echo(const void *req, size_t len, void *resp, size_t *resp_len, void *user)
{
	int seq = atomic_fetch_add((atomic_int *)user, 1);

	alp_rpc_send(events_back, "ev", &seq, sizeof(seq));
	memcpy(resp, req, len);
	*resp_len = len;
	return ALP_RPC_STATUS_OK;
}

static bool all_events(void *arg)
{
	return ((struct seen *)arg)->n >= THREADS * CALLS;
}

START_TEST(many_callers_one_reader_with_events)
{
	alp_rpc_channel_t *client, *server;
	struct seen s = { 0 };
	atomic_int sent = 0;

	s.caller = pthread_self();
	t_open_two(ALP_RPC_FRAMING_CALL, &client, &server);
	events_back = server;
	ck_assert_int_eq(alp_rpc_serve(server, "echo", event_then_echo, &sent), ALP_OK);
	ck_assert_int_eq(alp_rpc_subscribe(client, "ev", on_seq, &s), ALP_OK);
	hammer_all(client);
	ck_assert(t_wait(all_events, &s, T_WAIT_MS));
	ck_assert_int_eq(s.out_of_order, 0);
	ck_assert_int_eq(s.wrong_thread, 0);
	ck_assert_uint_eq(T_STAT(client, calls_ok), THREADS * CALLS);
	ck_assert_uint_eq(T_STAT(client, rx_unmatched_reply), 0);
	ck_assert_uint_eq(T_STAT(client, rx_unhandled), 0);
	ck_assert_uint_ge(reader_takes(client), 1);
	alp_rpc_close(client);
	alp_rpc_close(server);
}
END_TEST

Suite *call_suite(void)
{
	Suite *s = suite_create("call");
	TCase *tc = tcase_create("call");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, call_matches_reply_by_id);
	tcase_add_test(tc, resp_buffer_rules);
	tcase_add_test(tc, oversize_request_sends_nothing);
	tcase_add_test(tc, timeout_then_late_reply);
	tcase_add_test(tc, peer_error_statuses);
	tcase_add_test(tc, peer_error_detail_cut_and_empty);
	tcase_add_test(tc, text_call_matches_method_and_serialises);
	tcase_add_test(tc, text_call_queued_keeps_own_timeout);
	tcase_add_test(tc, call_from_own_callback_is_busy);
	tcase_add_test(tc, async_call_completes_and_times_out);
	tcase_add_test(tc, async_rejects_bad_input);
	tcase_add_test(tc, close_cancels_async);
	tcase_add_test(tc, close_while_calls_blocked);
	tcase_add_test(tc, link_loss_fails_inflight_calls);
	tcase_add_test(tc, close_from_callback_with_blocked_caller);
	tcase_add_test(tc, many_threads_calling);
	tcase_add_test(tc, caller_reads_amid_other_traffic);
	tcase_add_test(tc, caller_reads_under_backpressure);
	tcase_add_test(tc, close_while_caller_reads);
	tcase_add_test(tc, many_callers_one_reader_with_events);
	suite_add_tcase(s, tc);
	return s;
}
