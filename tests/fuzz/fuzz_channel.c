// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the channel's receive path: every input is one
 * message from a hostile peer, delivered to a live channel (call framing
 * with a server, a subscription and calls in flight, or text framing,
 * chosen by the input's last byte). The channel must neither crash nor
 * stop: after each input it still answers a probe request.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <alp/rpc.h>
#include <alp/rpc_codec.h>
#include <alp/rpc_ext.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static alp_rpc_channel_t *ch[2];
static int peer[2];

static int echo(const void *req, size_t len, void *resp, size_t *resp_len, void *user)
{
	(void)user;
	if (len > *resp_len)
		return ALP_RPC_STATUS_BAD_PACKET;
	memcpy(resp, req, len);
	*resp_len = len;
	return ALP_RPC_STATUS_OK;
}

static volatile uint8_t sink;

static void on_msg(const void *payload, size_t len, void *user)
{
	(void)user;
	for (size_t i = 0; i < len; i++)	/* touch every byte: ASan checks bounds */
		sink = (uint8_t)(sink + ((const uint8_t *)payload)[i]);
}

static void done(alp_status_t st, const void *resp, size_t len, void *user)
{
	(void)st;
	(void)user;
	on_msg(resp, len, NULL);
}

static void setup(void)
{
	for (int i = 0; i < 2; i++) {
		alp_rpc_config_t cfg = { .name = "fuzz",
					 .framing = i ? ALP_RPC_FRAMING_TEXT : ALP_RPC_FRAMING_CALL };
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
			abort();
		ch[i] = alp_rpc_open_fd(&cfg, sv[0]);
		peer[i] = sv[1];
		if (!ch[i] || alp_rpc_serve(ch[i], "echo", echo, NULL) ||
		    alp_rpc_subscribe(ch[i], "evt", on_msg, NULL))
			abort();
	}
}

/* The probe: a request the server must answer, proving the channel lives. */
static void probe(int i)
{
	uint8_t buf[600];
	struct alp_rpc_frame f;
	long n;

	if (i == 0)
		n = alp_rpc_frame_encode_call(buf, sizeof(buf), ALP_RPC_KIND_REQUEST, 0, 0xFFFFFFF0u,
					      "echo", "probe", 5);
	else
		n = alp_rpc_frame_encode_text(buf, sizeof(buf), "echo", "probe", 5);
	if (n < 0 || send(peer[i], buf, (size_t)n, MSG_NOSIGNAL) != n)
		abort();
	/* Skip whatever the fuzz input provoked; the probe's answer comes last. */
	for (;;) {
		ssize_t r = recv(peer[i], buf, sizeof(buf), 0);

		if (r <= 0)
			abort();	/* the channel hung up: it must not */
		if (alp_rpc_frame_decode(buf, (size_t)r, &f) == 0 && !strcmp(f.method, "echo") &&
		    f.payload_len == 5 && !memcmp(f.payload, "probe", 5) &&
		    (i == 1 || f.request_id == 0xFFFFFFF0u))
			return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int i;

	if (!ch[0])
		setup();
	if (size == 0)
		return 0;
	i = data[size - 1] & 1;
	/* Keep calls in flight so that replies in the input can match them. */
	if (i == 0)
		alp_rpc_call_async(ch[0], "m", NULL, 0, 50, done, NULL);
	if (send(peer[i], data, size - 1, MSG_NOSIGNAL) < 0)
		abort();
	probe(i);
	return 0;
}
