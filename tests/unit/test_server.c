// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/server.c: handlers, statuses on the wire, unknown methods, oversize
 * replies, text-framing servers, end to end between two channels.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"

static int handler(const void *req, size_t len, void *resp, size_t *resp_len, void *user)
{
	const char *mode = user;

	if (!strcmp(mode, "upper")) {
		for (size_t i = 0; i < len; i++)
			((char *)resp)[i] = (char)(((const char *)req)[i] & ~0x20);
		*resp_len = len;
		return ALP_RPC_STATUS_OK;
	}
	if (!strcmp(mode, "fail")) {
		memcpy(resp, "boom", 4);
		*resp_len = 4;
		return ALP_RPC_STATUS_EXEC_FAILED;
	}
	if (!strcmp(mode, "overflow")) {
		*resp_len += 1;	/* claims more than the capacity */
		return ALP_RPC_STATUS_OK;
	}
	if (!strcmp(mode, "full")) {
		memset(resp, 'f', *resp_len);	/* exactly the capacity */
		return ALP_RPC_STATUS_OK;
	}
	*resp_len = 0;
	return -5;	/* not a wire status */
}

START_TEST(request_gets_reply_with_same_id)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct alp_rpc_frame f;
	uint8_t buf[600];

	ck_assert_int_eq(alp_rpc_serve(ch, "up", handler, "upper"), ALP_OK);
	t_send_call(peer, ALP_RPC_KIND_REQUEST, 0, 0xDEADBEEF, "up", "abc", 3);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_REPLY);
	ck_assert_uint_eq(f.request_id, 0xDEADBEEF);
	ck_assert_str_eq(f.method, "up");
	ck_assert_uint_eq(f.payload_len, 3);
	ck_assert_int_eq(memcmp(f.payload, "ABC", 3), 0);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(statuses_on_the_wire)
{
	int peer;
	/* Fragments off: a handler's capacity is what one frame leaves ("full"). */
	alp_rpc_channel_t *ch = t_open_pair_mtu_only(ALP_RPC_FRAMING_CALL, &peer);
	struct alp_rpc_frame f;
	uint8_t buf[600];

	ck_assert_int_eq(alp_rpc_serve(ch, "fail", handler, "fail"), ALP_OK);
	ck_assert_int_eq(alp_rpc_serve(ch, "over", handler, "overflow"), ALP_OK);
	ck_assert_int_eq(alp_rpc_serve(ch, "neg", handler, "neg"), ALP_OK);
	ck_assert_int_eq(alp_rpc_serve(ch, "full", handler, "full"), ALP_OK);

	t_send_call(peer, ALP_RPC_KIND_REQUEST, 0, 1, "nothere", NULL, 0);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_ERROR);
	ck_assert_int_eq(f.status, ALP_RPC_STATUS_NO_METHOD);
	ck_assert_uint_eq(f.request_id, 1);

	t_send_call(peer, ALP_RPC_KIND_REQUEST, 0, 2, "fail", NULL, 0);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_ERROR);
	ck_assert_int_eq(f.status, ALP_RPC_STATUS_EXEC_FAILED);
	ck_assert_uint_eq(f.payload_len, 4);	/* diagnostic travels */

	t_send_call(peer, ALP_RPC_KIND_REQUEST, 0, 3, "over", NULL, 0);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(f.status, ALP_RPC_STATUS_BAD_PACKET);
	ck_assert_uint_eq(f.payload_len, 0);

	t_send_call(peer, ALP_RPC_KIND_REQUEST, 0, 4, "neg", NULL, 0);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(f.status, ALP_RPC_STATUS_EXEC_FAILED);

	/* A reply of exactly the capacity fills the MTU. */
	t_send_call(peer, ALP_RPC_KIND_REQUEST, 0, 5, "full", NULL, 0);
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), 496);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(text_framing_server)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	struct alp_rpc_frame f;
	uint8_t buf[600];

	ck_assert_int_eq(alp_rpc_serve(ch, "up", handler, "upper"), ALP_OK);
	ck_assert_int_eq(alp_rpc_serve(ch, "fail", handler, "fail"), ALP_OK);
	t_send_text(peer, "up", "xy", 2);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(f.framing, ALP_RPC_WIRE_TEXT);
	ck_assert_str_eq(f.method, "up");
	ck_assert_int_eq(memcmp(f.payload, "XY", 2), 0);
	/* No status field in text framing: a failure sends nothing. */
	t_send_text(peer, "fail", NULL, 0);
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_QUIET_MS), -1);
	/* Unknown text methods are not answered either. */
	t_send_text(peer, "nothere", NULL, 0);
	ck_assert(T_WAIT_STAT(ch, rx_unhandled, 1));
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_QUIET_MS), -1);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(serve_table_rules)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct alp_rpc_frame f;
	uint8_t buf[600];
	char m[16];

	ck_assert_int_eq(alp_rpc_serve(NULL, "a", handler, "upper"), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_serve(ch, "a b", handler, "upper"), ALP_ERR_INVAL);
	for (int i = 0; i < ALP_RPC_SERVE_MAX; i++) {
		snprintf(m, sizeof(m), "s%d", i);
		ck_assert_int_eq(alp_rpc_serve(ch, m, handler, "upper"), ALP_OK);
	}
	ck_assert_int_eq(alp_rpc_serve(ch, "extra", handler, "upper"), ALP_ERR_NOMEM);
	ck_assert_int_eq(alp_rpc_serve(ch, "s0", NULL, NULL), ALP_OK);
	t_send_call(peer, ALP_RPC_KIND_REQUEST, 0, 9, "s0", NULL, 0);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(f.status, ALP_RPC_STATUS_NO_METHOD);
	ck_assert_int_eq(alp_rpc_serve(ch, "extra", handler, "upper"), ALP_OK);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

static alp_rpc_channel_t *nested_ch;
static alp_status_t nested_call_rc, nested_send_rc;

static int nesting_handler(const void *req, size_t len, void *resp, size_t *resp_len, void *user)
{
	(void)req;
	(void)len;
	(void)resp;
	(void)user;
	nested_call_rc = alp_rpc_call(nested_ch, "x", NULL, 0, NULL, NULL, 1000);
	nested_send_rc = alp_rpc_send(nested_ch, "note", NULL, 0);
	*resp_len = 0;
	return ALP_RPC_STATUS_OK;
}

START_TEST(end_to_end_statuses_and_nesting)
{
	alp_rpc_channel_t *client, *server;
	char resp[600];
	size_t len = sizeof(resp);

	t_open_two(ALP_RPC_FRAMING_CALL, &client, &server);
	nested_ch = server;
	ck_assert_int_eq(alp_rpc_serve(server, "up", handler, "upper"), ALP_OK);
	ck_assert_int_eq(alp_rpc_serve(server, "fail", handler, "fail"), ALP_OK);
	ck_assert_int_eq(alp_rpc_serve(server, "over", handler, "overflow"), ALP_OK);
	ck_assert_int_eq(alp_rpc_serve(server, "nest", nesting_handler, NULL), ALP_OK);
	ck_assert_int_eq(alp_rpc_call(client, "up", "hey", 3, resp, &len, T_WAIT_MS), ALP_OK);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(memcmp(resp, "HEY", 3), 0);
	ck_assert_int_eq(alp_rpc_call(client, "fail", NULL, 0, NULL, NULL, T_WAIT_MS), ALP_ERR_REMOTE);
	len = sizeof(resp);
	ck_assert_int_eq(alp_rpc_call(client, "fail", NULL, 0, resp, &len, T_WAIT_MS), ALP_ERR_REMOTE);
	ck_assert_uint_eq(len, 4);	/* the handler's diagnostic, end to end */
	ck_assert_int_eq(memcmp(resp, "boom", 4), 0);
	ck_assert_int_eq(alp_rpc_call(client, "over", NULL, 0, NULL, NULL, T_WAIT_MS), ALP_ERR_PROTO);
	ck_assert_int_eq(alp_rpc_call(client, "none", NULL, 0, NULL, NULL, T_WAIT_MS), ALP_ERR_NOMETHOD);
	ck_assert_int_eq(alp_rpc_call(client, "nest", NULL, 0, NULL, NULL, T_WAIT_MS), ALP_OK);
	ck_assert_int_eq(nested_call_rc, ALP_ERR_BUSY);
	ck_assert_int_eq(nested_send_rc, ALP_OK);
	ck_assert(T_WAIT_STAT(client, rx_unhandled, 1));	/* the "note" */
	alp_rpc_close(client);
	alp_rpc_close(server);
}
END_TEST

static _Atomic int echoed;

static int echo400(const void *req, size_t len, void *resp, size_t *resp_len, void *user)
{
	(void)user;
	memcpy(resp, req, len);
	*resp_len = len;
	echoed++;
	return ALP_RPC_STATUS_OK;
}

/* The poll thread blocked writing a reply to a peer that does not read: close returns. */
START_TEST(close_while_reply_blocked)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	uint8_t frame[600], body[400] = { 0 };
	long n = alp_rpc_frame_encode_call(frame, sizeof(frame), ALP_RPC_KIND_REQUEST, 0, 1, "e",
					   body, sizeof(body));
	uint64_t t0, end = t_now_ms() + T_WAIT_MS;
	int last = -1;

	echoed = 0;
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(alp_rpc_serve(ch, "e", echo400, NULL), ALP_OK);
	/* Requests until the channel stops answering (its writes are blocked). */
	while (t_now_ms() < end && !(echoed > 0 && echoed == last)) {
		last = echoed;
		while (send(peer, frame, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
			;
		t_sleep_ms(100);
	}
	ck_assert_int_gt(echoed, 0);
	t0 = t_now_ms();
	ck_assert_msg(t_close_within(ch, 3000),
		      "alp_rpc_close still blocked after 3000 ms (poll thread writing reply %d)",
		      (int)echoed);
	ck_assert_uint_lt(t_now_ms() - t0, 1000);
	close(peer);
}
END_TEST

/* A reply that cannot be written is counted (replies_failed), not lost silently. */
START_TEST(failed_replies_counted)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);

	ck_assert_int_eq(alp_rpc_serve(ch, "up", handler, "upper"), ALP_OK);
	ck_assert_int_eq(shutdown(peer, SHUT_RD), 0);	/* our writes now fail with EPIPE */
	t_send_call(peer, ALP_RPC_KIND_REQUEST, 0, 7, "up", "abc", 3);
	ck_assert(T_WAIT_STAT(ch, replies_failed, 1));
	ck_assert_uint_eq(T_STAT(ch, tx_frames), 0);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

Suite *server_suite(void)
{
	Suite *s = suite_create("server");
	TCase *tc = tcase_create("server");

	tcase_add_test(tc, request_gets_reply_with_same_id);
	tcase_add_test(tc, statuses_on_the_wire);
	tcase_add_test(tc, text_framing_server);
	tcase_add_test(tc, serve_table_rules);
	tcase_add_test(tc, end_to_end_statuses_and_nesting);
	tcase_add_test(tc, close_while_reply_blocked);
	tcase_add_test(tc, failed_replies_counted);
	suite_add_tcase(s, tc);
	return s;
}
