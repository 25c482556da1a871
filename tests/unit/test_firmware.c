// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The demo firmware (demo/firmware/app.c + the freestanding codec) on the
 * host, over a socketpair (demo/firmware/port_host.c), spoken to with the
 * codec alone: the alp.caps handshake both ways, a multi-KiB reply in
 * fragments, large requests, the size limits, a caller that does not know
 * fragments, a lost fragment, a peer that stops mid-message, small calls
 * between the fragments of a large one.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#ifndef FW_HOST
#error "FW_HOST must name demo/build/demo-firmware-host"
#endif

#define MTU ALP_RPC_WIRE_MTU_DEFAULT
#define FW_MAX 16384	/* FW_MAX_MSG in demo/firmware/app.c */

static pid_t fw_pid;
static uint32_t msg_ids;
static uint8_t big[70000];

/* Start the firmware on one end of a socketpair; the other end is returned. */
static int fw_start(void)
{
	int sv[2];
	char fd[16];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	fw_pid = fork();
	ck_assert_int_ge(fw_pid, 0);
	if (fw_pid == 0) {
		close(sv[0]);
		snprintf(fd, sizeof(fd), "%d", sv[1]);
		execl(FW_HOST, FW_HOST, "--fd", fd, "--quiet", (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	return sv[0];
}

static void fw_stop(int fd)
{
	int status;

	close(fd);
	ck_assert_int_eq(waitpid(fw_pid, &status, 0), fw_pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "firmware ended with status %#x", status);
}

/* Send a call frame, fragmented at MTU when it is larger. Returns the fragment count. */
static int send_msg(int fd, uint8_t kind, uint8_t status, uint32_t id, const char *method,
		    const void *payload, size_t len)
{
	struct alp_rpc_fragmenter fr;
	uint8_t buf[MTU];
	long n, total;
	int count = 0;

	total = alp_rpc_frame_size_call(method, len);
	if (total <= MTU) {
		t_send_call(fd, kind, status, id, method, payload, len);
		return 1;
	}
	ck_assert_int_eq(alp_rpc_frag_begin(&fr, ++msg_ids, kind, status, id, method, payload,
					    len), total);
	while ((n = alp_rpc_frag_next(&fr, buf, sizeof(buf))) > 0) {
		t_send(fd, buf, (size_t)n);
		count++;
	}
	return count;
}

/*
 * Receive the next call frame (whole or reassembled into big), skipping the
 * firmware's temperature text frames. *nfrag = fragments it came in (0:
 * whole). False on timeout.
 */
static bool recv_msg(int fd, struct alp_rpc_frame *f, int *nfrag, int timeout_ms)
{
	static uint8_t buf[MTU + 1];
	struct alp_rpc_reasm r;
	uint64_t end = t_now_ms() + (uint64_t)timeout_ms;

	alp_rpc_reasm_init(&r, big, sizeof(big));
	*nfrag = 0;
	while (t_now_ms() < end) {
		ssize_t n = t_recv(fd, buf, sizeof(buf), (int)(end - t_now_ms()) + 1);
		struct alp_rpc_frag fg;
		size_t len;
		int rc;

		if (n < 0)
			return false;
		ck_assert_int_le(n, MTU);
		rc = alp_rpc_frame_decode(buf, (size_t)n, f);
		if (rc == 0 && f->framing == ALP_RPC_WIRE_TEXT)
			continue;	/* temperature */
		if (rc == 0) {
			ck_assert_int_eq(r.msg_id, 0);	/* not inside a fragmented message here */
			return true;
		}
		ck_assert_int_eq(rc, ALP_RPC_WIRE_EFRAG);
		ck_assert_int_eq(alp_rpc_frag_decode(buf, (size_t)n, &fg), 0);
		rc = alp_rpc_reasm_feed(&r, &fg, &len);
		ck_assert_int_ge(rc, 0);
		(*nfrag)++;
		if (rc == ALP_RPC_REASM_DONE) {
			ck_assert_int_eq(alp_rpc_frame_decode(big, len, f), 0);
			return true;
		}
	}
	return false;
}

/* Expect the firmware's alp.caps request; answer it (max 0: with NO_METHOD). */
static void answer_caps(int fd, uint32_t max)
{
	struct alp_rpc_frame f;
	uint32_t fw_max = 0;
	uint8_t pl[ALP_RPC_CAPS_LEN];
	int nfrag;

	ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_REQUEST);
	ck_assert_str_eq(f.method, ALP_RPC_CAPS_METHOD);
	ck_assert_int_eq(alp_rpc_caps_decode(f.payload, f.payload_len, &fw_max), 0);
	ck_assert_uint_eq(fw_max, FW_MAX);
	if (max) {
		ck_assert_int_eq(alp_rpc_caps_encode(pl, sizeof(pl), max), ALP_RPC_CAPS_LEN);
		t_send_call(fd, ALP_RPC_KIND_REPLY, 0, f.request_id, f.method, pl, sizeof(pl));
	} else {
		t_send_call(fd, ALP_RPC_KIND_ERROR, 1, f.request_id, f.method, NULL, 0);
	}
}

/* Tell the firmware our capability with our own alp.caps call. */
static void ask_caps(int fd, uint32_t id)
{
	struct alp_rpc_frame f;
	uint8_t pl[ALP_RPC_CAPS_LEN];
	uint32_t max = 0;
	int nfrag;

	alp_rpc_caps_encode(pl, sizeof(pl), sizeof(big));
	t_send_call(fd, ALP_RPC_KIND_REQUEST, 0, id, ALP_RPC_CAPS_METHOD, pl, sizeof(pl));
	ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_REPLY);
	ck_assert_uint_eq(f.request_id, id);
	ck_assert_int_eq(alp_rpc_caps_decode(f.payload, f.payload_len, &max), 0);
	ck_assert_uint_eq(max, FW_MAX);
}

static uint32_t fnv(const uint8_t *p, size_t n)
{
	uint32_t h = 0x811C9DC5u;

	while (n--)
		h = (h ^ *p++) * 0x01000193u;
	return h;
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31 + seed + (i >> 7));
}

/* checksum of n bytes answers "<n> bytes, fnv1a <hex>" */
static void expect_checksum(int fd, uint32_t id, const uint8_t *p, size_t n)
{
	struct alp_rpc_frame f;
	char want[64];
	int nfrag;

	ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_REPLY);
	ck_assert_uint_eq(f.request_id, id);
	snprintf(want, sizeof(want), "%zu bytes, fnv1a %08x", n, (unsigned int)fnv(p, n));
	ck_assert_uint_eq(f.payload_len, strlen(want));
	ck_assert_int_eq(memcmp(f.payload, want, f.payload_len), 0);
}

/* Tell the firmware our capability, then start fragmenting a checksum request of n bytes. */
static void begin_checksum(int fd, struct alp_rpc_fragmenter *fr, uint8_t *req, size_t n,
			   uint32_t msg_id, uint32_t id)
{
	ask_caps(fd, 1);
	fill(req, n, msg_id);
	ck_assert_int_gt(alp_rpc_frag_begin(fr, msg_id, ALP_RPC_KIND_REQUEST, 0, id, "checksum",
					    req, n), 0);
}

START_TEST(fw_log_reply_in_fragments)
{
	int fd = fw_start(), nfrag;
	struct alp_rpc_frame f;
	size_t len;

	/* The first large reply: the firmware asks our capability first. */
	t_send_call(fd, ALP_RPC_KIND_REQUEST, 0, 1, "log", NULL, 0);
	answer_caps(fd, 65536);
	ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_REPLY);
	ck_assert_uint_eq(f.request_id, 1);
	ck_assert_str_eq(f.method, "log");
	len = f.payload_len;
	ck_assert_uint_gt(len, 4096);
	ck_assert_uint_lt(len, FW_MAX);
	ck_assert_int_eq(memcmp(f.payload, "0000 t=", 7), 0);
	ck_assert_int_eq(nfrag, (int)((12 + len + 479) / 480));
	/* The second: the capability is known, fragments come at once. */
	t_send_call(fd, ALP_RPC_KIND_REQUEST, 0, 2, "log", NULL, 0);
	ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_REPLY);
	ck_assert_uint_eq(f.request_id, 2);
	ck_assert_uint_eq(f.payload_len, len);
	ck_assert_int_gt(nfrag, 1);
	fw_stop(fd);
}
END_TEST

START_TEST(fw_large_requests)
{
	static uint8_t req[FW_MAX];
	int fd = fw_start(), nfrag;
	struct alp_rpc_frame f;
	/* checksum's frame: 8 + 8 + 1 + payload; the largest the firmware takes: */
	const size_t max_payload = FW_MAX - 17;
	const size_t sizes[] = { 0, MTU - 17 - 1, MTU - 17, MTU - 17 + 1, 10000, max_payload };
	uint32_t id = 10;

	ask_caps(fd, 1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill(req, sizes[i], (unsigned int)i);
		ck_assert_int_eq(send_msg(fd, ALP_RPC_KIND_REQUEST, 0, ++id, "checksum", req,
					  sizes[i]), sizes[i] + 17 <= MTU ? 1 :
					  (int)((sizes[i] + 17 + 479) / 480));
		expect_checksum(fd, id, req, sizes[i]);
	}
	/* One byte more than the firmware takes: refused at the first fragment. */
	ck_assert_int_gt(send_msg(fd, ALP_RPC_KIND_REQUEST, 0, ++id, "checksum", req,
				  max_payload + 1), 1);
	ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_ERROR);
	ck_assert_int_eq(f.status, ALP_RPC_WIRE_STATUS_TOO_LARGE);
	ck_assert_uint_eq(f.request_id, id);
	/* A large echo: large request and large reply (our alp.caps told it 70000). */
	fill(req, 9000, 77);
	send_msg(fd, ALP_RPC_KIND_REQUEST, 0, ++id, "echo", req, 9000);
	ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_REPLY);
	ck_assert_uint_eq(f.payload_len, 9000);
	ck_assert_int_eq(memcmp(f.payload, req, 9000), 0);
	ck_assert_int_eq(nfrag, (9000 + 13 + 479) / 480);
	fw_stop(fd);
}
END_TEST

START_TEST(fw_caller_without_fragments)
{
	int fd = fw_start(), nfrag;
	struct alp_rpc_frame f;

	t_send_call(fd, ALP_RPC_KIND_REQUEST, 0, 5, "log", NULL, 0);
	answer_caps(fd, 0);	/* NO_METHOD: we predate fragments */
	ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
	ck_assert_int_eq(nfrag, 0);
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_ERROR);
	ck_assert_int_eq(f.status, ALP_RPC_WIRE_STATUS_TOO_LARGE);
	ck_assert_uint_eq(f.request_id, 5);
	ck_assert_uint_gt(f.payload_len, 0);
	/* Small calls are unaffected. */
	t_send_call(fd, ALP_RPC_KIND_REQUEST, 0, 6, "ping", NULL, 0);
	ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_REPLY);
	ck_assert_uint_eq(f.request_id, 6);
	fw_stop(fd);
}
END_TEST

START_TEST(fw_lost_fragment_and_stall)
{
	static uint8_t req[8000];
	struct alp_rpc_fragmenter fr;
	struct alp_rpc_frame f;
	uint8_t frag[20][MTU];
	size_t flen[20];
	int fd = fw_start(), nfrag, k = 0;
	long n;

	begin_checksum(fd, &fr, req, sizeof(req), 900, 40);
	while ((n = alp_rpc_frag_next(&fr, frag[k], MTU)) > 0)
		flen[k++] = (size_t)n;
	ck_assert_int_eq(k, 17);
	/* Fragment 5 lost: the message is dropped, no reply; the link goes on. */
	for (int i = 0; i < k; i++)
		if (i != 5)
			t_send(fd, frag[i], flen[i]);
	t_send_call(fd, ALP_RPC_KIND_REQUEST, 0, 41, "ping", NULL, 0);
	ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
	ck_assert_uint_eq(f.request_id, 41);
	/* Fragment 5 twice: dropped too. */
	for (int i = 0; i < k; i++) {
		t_send(fd, frag[i], flen[i]);
		if (i == 5)
			t_send(fd, frag[i], flen[i]);
	}
	t_send_call(fd, ALP_RPC_KIND_REQUEST, 0, 42, "ping", NULL, 0);
	ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
	ck_assert_uint_eq(f.request_id, 42);
	/* The peer stops mid-message: another large request is refused meanwhile... */
	for (int i = 0; i < 8; i++)
		t_send(fd, frag[i], flen[i]);
	ck_assert_int_gt(send_msg(fd, ALP_RPC_KIND_REQUEST, 0, 43, "checksum", req, 2000), 1);
	ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_ERROR);
	ck_assert_int_eq(f.status, ALP_RPC_WIRE_STATUS_TOO_LARGE);
	ck_assert_uint_eq(f.request_id, 43);
	/* ...until the partial one expires (FW_FRAG_TIMEOUT_MS, 2 s). */
	t_sleep_ms(2300);
	send_msg(fd, ALP_RPC_KIND_REQUEST, 0, 44, "checksum", req, 2000);
	expect_checksum(fd, 44, req, 2000);
	/* The stalled message's remaining fragments are orphans now. */
	for (int i = 8; i < k; i++)
		t_send(fd, frag[i], flen[i]);
	send_msg(fd, ALP_RPC_KIND_REQUEST, 0, 45, "checksum", req, sizeof(req));
	expect_checksum(fd, 45, req, sizeof(req));
	fw_stop(fd);
}
END_TEST

/* Small calls between the fragments of a large one are answered at once. */
START_TEST(fw_small_calls_between_fragments)
{
	static uint8_t req[12000];
	struct alp_rpc_fragmenter fr;
	struct alp_rpc_frame f;
	uint8_t buf[MTU];
	int fd = fw_start(), nfrag, i = 0;
	long n;

	begin_checksum(fd, &fr, req, sizeof(req), 7, 100);
	while ((n = alp_rpc_frag_next(&fr, buf, sizeof(buf))) > 0) {
		t_send(fd, buf, (size_t)n);
		if (++i % 5 == 0) {
			t_send_call(fd, ALP_RPC_KIND_REQUEST, 0, 200 + (uint32_t)i, "ping", NULL, 0);
			ck_assert(recv_msg(fd, &f, &nfrag, T_WAIT_MS));
			ck_assert_uint_eq(f.request_id, 200 + (uint32_t)i);
			ck_assert_int_eq(nfrag, 0);
		}
	}
	expect_checksum(fd, 100, req, sizeof(req));
	fw_stop(fd);
}
END_TEST

/* The same firmware through librpc: large messages are transparent. */
START_TEST(fw_through_librpc)
{
	static uint8_t req[FW_MAX], resp[FW_MAX];
	alp_rpc_config_t cfg = { .name = "test", .framing = ALP_RPC_FRAMING_CALL };
	alp_rpc_channel_t *ch;
	size_t len = sizeof(resp);
	char want[64];
	int fd = fw_start();

	ch = alp_rpc_open_fd(&cfg, dup(fd));
	ck_assert_ptr_nonnull(ch);
	/* The firmware asks our alp.caps (librpc answers it), then replies in fragments. */
	ck_assert_int_eq(alp_rpc_call(ch, "log", NULL, 0, resp, &len, T_WAIT_MS), ALP_OK);
	ck_assert_uint_gt(len, 4096);
	ck_assert_int_eq(memcmp(resp, "0000 t=", 7), 0);
	/* A large request: librpc asks the firmware's alp.caps first. */
	fill(req, 10000, 1);
	len = sizeof(resp);
	ck_assert_int_eq(alp_rpc_call(ch, "checksum", req, 10000, resp, &len, T_WAIT_MS), ALP_OK);
	snprintf(want, sizeof(want), "10000 bytes, fnv1a %08x", (unsigned int)fnv(req, 10000));
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_int_eq(memcmp(resp, want, len), 0);
	/* Above the firmware's maximum (its alp.caps said 16384): refused here. */
	len = sizeof(resp);
	ck_assert_int_eq(alp_rpc_call(ch, "checksum", req, FW_MAX - 17 + 1, resp, &len, T_WAIT_MS),
			 ALP_ERR_MSGSIZE);
	len = sizeof(resp);
	ck_assert_int_eq(alp_rpc_call(ch, "checksum", req, FW_MAX - 17, resp, &len, T_WAIT_MS),
			 ALP_OK);
	alp_rpc_close(ch);
	fw_stop(fd);
}
END_TEST

Suite *firmware_suite(void)
{
	Suite *s = suite_create("firmware");
	TCase *tc = tcase_create("firmware");

	tcase_set_timeout(tc, 60);
	if (access(FW_HOST, X_OK) != 0) {
		/* The Yocto ptest installs the suite without the demo: say so, run the rest. */
		fprintf(stderr, "firmware suite skipped: %s is not there\n", FW_HOST);
		suite_add_tcase(s, tc);
		return s;
	}
	tcase_add_test(tc, fw_log_reply_in_fragments);
	tcase_add_test(tc, fw_large_requests);
	tcase_add_test(tc, fw_caller_without_fragments);
	tcase_add_test(tc, fw_lost_fragment_and_stall);
	tcase_add_test(tc, fw_small_calls_between_fragments);
	tcase_add_test(tc, fw_through_librpc);
	suite_add_tcase(s, tc);
	return s;
}
