// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The demo's M-core application, written as firmware: it knows an rpmsg
 * endpoint API (ept.h) and the freestanding frame codec <alp/rpc_codec.h>,
 * nothing of Linux. It announces the channel declared in the generated
 * <alp/system_ipc.h>, publishes "temperature" (a float, as the reference
 * producer does) once a second and serves a few methods.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Who gets temperature frames: the channel's declared peer address (the
 * consumer of alp-rpc-h.md opens exactly that one), plus any Linux address
 * that sent a "subscribe" frame since this boot (rpcctl listen --hello
 * subscribe), as firmware learns its peers from their first message.
 *
 * Methods (call frames get REPLY/ERROR with the request id; text frames are
 * answered with a text frame of the same method, or not at all on error):
 *   ping             "pong"
 *   echo             the request
 *   version          a version string
 *   get_temperature  the current temperature as text, e.g. "21.40"
 *   uptime           seconds since this boot, as text
 *   add              two little-endian int32 -> their int32 sum
 *   fail             EXEC_FAILED with a diagnostic text
 *   hang             never answered (for timeouts)
 *   subscribe / unsubscribe   start / stop temperature frames to the sender
 *   anything else    NO_METHOD
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <alp/rpc_codec.h>
#include <alp/system_ipc.h>

#include "ept.h"

#define MAX_PEERS 8
#define FW_VERSION "alp-demo-firmware 1.0 (freestanding rpc codec, wire format v1)"

static struct fw_ept ept;
static uint32_t peers[MAX_PEERS];	/* learnt subscribers, 0 = free */
static uint64_t next_publish_ms;
static unsigned int published;

/* A thermistor that drifts between 20.0 and 23.0 degrees. */
static float read_thermistor(void)
{
	unsigned int t = (unsigned int)(fw_uptime_ms() / 1000) % 30;

	return 20.0f + (float)(t < 15 ? t : 30 - t) * 0.2f;
}

static void subscribe(uint32_t addr, bool on)
{
	int free_slot = -1;

	for (int i = 0; i < MAX_PEERS; i++) {
		if (peers[i] == addr) {
			if (!on)
				peers[i] = 0;
			return;
		}
		if (!peers[i] && free_slot < 0)
			free_slot = i;
	}
	if (on && free_slot >= 0) {
		peers[free_slot] = addr;
		fw_log("Linux address %u subscribed to temperature", addr);
	}
}

/* Run a method; returns a wire status, fills out/out_len (capacity on entry). */
static int run_method(const struct alp_rpc_frame *f, uint32_t src, uint8_t *out,
		      size_t *out_len)
{
	size_t cap = *out_len;
	int n;

	*out_len = 0;
	if (!strcmp(f->method, "ping")) {
		memcpy(out, "pong", 4);
		*out_len = 4;
	} else if (!strcmp(f->method, "echo")) {
		if (f->payload_len > cap)
			return ALP_RPC_WIRE_ENOSPC;
		memcpy(out, f->payload, f->payload_len);
		*out_len = f->payload_len;
	} else if (!strcmp(f->method, "version")) {
		*out_len = strlen(FW_VERSION);
		memcpy(out, FW_VERSION, *out_len);
	} else if (!strcmp(f->method, "get_temperature")) {
		n = snprintf((char *)out, cap, "%.2f", (double)read_thermistor());
		*out_len = n > 0 ? (size_t)n : 0;
	} else if (!strcmp(f->method, "uptime")) {
		n = snprintf((char *)out, cap, "%llu s since boot",
			     (unsigned long long)(fw_uptime_ms() / 1000));
		*out_len = n > 0 ? (size_t)n : 0;
	} else if (!strcmp(f->method, "add")) {
		int32_t a, b, sum;

		if (f->payload_len != 8)
			return 3;	/* BAD_PACKET: add takes two int32 */
		memcpy(&a, f->payload, 4);
		memcpy(&b, f->payload + 4, 4);
		sum = (int32_t)((uint32_t)a + (uint32_t)b);
		memcpy(out, &sum, 4);
		*out_len = 4;
	} else if (!strcmp(f->method, "fail")) {
		n = snprintf((char *)out, cap, "fail always fails (as asked)");
		*out_len = n > 0 ? (size_t)n : 0;
		return 2;	/* EXEC_FAILED */
	} else if (!strcmp(f->method, "subscribe") || !strcmp(f->method, "unsubscribe")) {
		subscribe(src, f->method[0] == 's');
	} else {
		return 1;	/* NO_METHOD */
	}
	return 0;
}

static void on_message(struct fw_ept *e, const void *data, size_t len, uint32_t src, void *priv)
{
	uint8_t body[ALP_RPC_WIRE_MTU_DEFAULT], out[ALP_RPC_WIRE_MTU_DEFAULT];
	struct alp_rpc_frame f;
	size_t body_len;
	long n;
	int st;

	(void)priv;
	if (alp_rpc_frame_decode(data, len, &f))
		return;		/* not a frame: drop it, as a peer must */
	/* The reply's body may fill what the frame header leaves of the MTU. */
	n = f.framing == ALP_RPC_WIRE_TEXT ? alp_rpc_frame_size_text(f.method, 0) :
					     alp_rpc_frame_size_call(f.method, 0);
	body_len = sizeof(body) - (size_t)n;
	if (f.kind != ALP_RPC_KIND_REQUEST && f.framing != ALP_RPC_WIRE_TEXT &&
	    f.kind != ALP_RPC_KIND_ONEWAY)
		return;		/* replies to calls we never make */
	if (!strcmp(f.method, "hang"))
		return;
	st = run_method(&f, src, body, &body_len);
	if (st < 0)
		st = 3;
	if (f.framing == ALP_RPC_WIRE_CALL && f.kind == ALP_RPC_KIND_REQUEST)
		n = alp_rpc_frame_encode_call(out, sizeof(out),
					      st ? ALP_RPC_KIND_ERROR : ALP_RPC_KIND_REPLY,
					      (uint8_t)st, f.request_id, f.method, body, body_len);
	else if (f.framing == ALP_RPC_WIRE_TEXT && !st && strcmp(f.method, "subscribe") &&
		 strcmp(f.method, "unsubscribe"))
		n = alp_rpc_frame_encode_text(out, sizeof(out), f.method, body, body_len);
	else
		return;		/* one-way frames and failed text calls get no answer */
	if (n > 0)
		fw_sendto(e, out, (size_t)n, src);
}

static void publish_temperature(void)
{
	uint8_t out[64];
	float c = read_thermistor();
	long n = alp_rpc_frame_encode_text(out, sizeof(out), "temperature", &c, sizeof(c));

	if (n <= 0)
		return;
	fw_sendto(&ept, out, (size_t)n, ALP_IPC_ALP_DEFAULT_RPMSG_DST_EPT);
	for (int i = 0; i < MAX_PEERS; i++)
		if (peers[i] && peers[i] != ALP_IPC_ALP_DEFAULT_RPMSG_DST_EPT)
			fw_sendto(&ept, out, (size_t)n, peers[i]);
	if (published++ % 10 == 0)
		fw_log("published temperature %.2f C (every second; this is #%u)", (double)c,
		       published);
}

void app_boot(void)
{
	memset(peers, 0, sizeof(peers));
	published = 0;
	next_publish_ms = 1000;
	if (fw_ept_create(&ept, ALP_IPC_ALP_DEFAULT_RPMSG_NAME, ALP_IPC_ALP_DEFAULT_RPMSG_SRC_EPT,
			  on_message, NULL) == 0)
		fw_log("channel '%s' announced at address %u; temperature goes to %u",
		       ALP_IPC_ALP_DEFAULT_RPMSG_NAME, (unsigned int)ALP_IPC_ALP_DEFAULT_RPMSG_SRC_EPT,
		       (unsigned int)ALP_IPC_ALP_DEFAULT_RPMSG_DST_EPT);
}

void app_tick(void)
{
	if (fw_uptime_ms() >= next_publish_ms) {
		next_publish_ms += 1000;
		publish_temperature();
	}
}
