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
 *   log              the firmware's event log: about 6 KiB of text, larger
 *                    than one rpmsg buffer (call framing; text framing gets
 *                    what fits in one frame)
 *   checksum         any request up to FW_MAX_MSG: "<n> bytes, fnv1a <hex>"
 *   subscribe / unsubscribe   start / stop temperature frames to the sender
 *   alp.caps         the fragment capability (docs/wire-format.md)
 *   anything else    NO_METHOD
 * One-way frames larger than one buffer are logged with their size.
 *
 * Large messages (docs/wire-format.md, "Fragments"), with the freestanding
 * codec and no allocation: one reassembler with a FW_MAX_MSG buffer takes
 * one fragmented message at a time (a second one meanwhile, or one above
 * FW_MAX_MSG, is refused: a request gets ERROR/TOO_LARGE); a partial
 * message that stalls for FW_FRAG_TIMEOUT_MS is dropped. A reply above the
 * MTU goes out in fragments to a caller whose alp.caps the firmware knows;
 * otherwise the firmware asks alp.caps first and holds that one reply
 * (tx_big) until the answer comes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <alp/rpc_codec.h>
#include <alp/system_ipc.h>

#include "ept.h"

#define MAX_PEERS 8
#define FW_VERSION "alp-demo-firmware 1.1 (freestanding rpc codec, wire format v1, fragments)"
#define FW_MTU ALP_RPC_WIRE_MTU_DEFAULT
#define FW_MAX_MSG 16384		/* largest fragmented message taken or sent */
#define FW_FRAG_TIMEOUT_MS 2000
#define FW_LOG_LINES 160

static struct fw_ept ept;
static uint32_t peers[MAX_PEERS];	/* learnt subscribers, 0 = free */
static uint64_t next_publish_ms;
static unsigned int published;

/* What the firmware knows of a Linux address's fragment capability. */
enum { CAPS_UNKNOWN, CAPS_ASKED, CAPS_KNOWN };
static struct {
	uint32_t addr;
	uint8_t state;
	uint32_t max_msg;	/* CAPS_KNOWN: 0 = takes no fragments */
} caps[MAX_PEERS];

static uint8_t rx_big[FW_MAX_MSG];	/* the reassembler's buffer */
static struct alp_rpc_reasm rx;
static uint64_t rx_last_ms;
static uint8_t tx_big[FW_MAX_MSG];	/* a reply body above the MTU */
static uint32_t next_msg_id, next_call_id;
/* The one large reply waiting for the caller's alp.caps answer. */
static struct {
	bool used;
	uint32_t dst, request_id, caps_call_id;
	uint8_t kind, status;
	char method[ALP_RPC_WIRE_METHOD_MAX + 1];
	size_t len;
	uint64_t since_ms;
} held;

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

static uint32_t fnv1a(const uint8_t *p, size_t len)
{
	uint32_t h = 0x811C9DC5u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x01000193u;
	return h;
}

/* Lines of the event log, as much as fits in cap (whole lines). */
static size_t make_log(char *out, size_t cap)
{
	size_t n = 0;

	for (unsigned int i = 0; i < FW_LOG_LINES; i++) {
		char line[80];
		int k = snprintf(line, sizeof(line), "%04u t=%llus temperature %.2f C, peers %d\n",
				 i, (unsigned long long)(fw_uptime_ms() / 1000),
				 (double)(20.0f + (float)(i % 15) * 0.2f), (int)(i % MAX_PEERS));

		if (k <= 0 || n + (size_t)k > cap)
			break;
		memcpy(out + n, line, (size_t)k);
		n += (size_t)k;
	}
	return n;
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
	} else if (!strcmp(f->method, "log")) {
		*out_len = make_log((char *)out, cap);
	} else if (!strcmp(f->method, "checksum")) {
		n = snprintf((char *)out, cap, "%zu bytes, fnv1a %08x", f->payload_len,
			     (unsigned int)fnv1a(f->payload, f->payload_len));
		*out_len = n > 0 ? (size_t)n : 0;
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

static uint32_t fresh_id(uint32_t *counter)
{
	if (++*counter == 0)	/* ids are non-zero */
		*counter = 1;
	return *counter;
}

static int caps_slot(uint32_t addr)
{
	int free_slot = -1;

	for (int i = 0; i < MAX_PEERS; i++) {
		if (caps[i].state != CAPS_UNKNOWN && caps[i].addr == addr)
			return i;
		if (caps[i].state == CAPS_UNKNOWN && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		free_slot = (int)(addr % MAX_PEERS);	/* forget someone: asked again later */
	caps[free_slot].addr = addr;
	caps[free_slot].state = CAPS_UNKNOWN;
	return free_slot;
}

static void send_call(uint32_t dst, uint8_t kind, uint8_t status, uint32_t id, const char *method,
		      const void *body, size_t len)
{
	uint8_t out[FW_MTU];
	long n = alp_rpc_frame_encode_call(out, sizeof(out), kind, status, id, method, body, len);

	if (n > 0)
		fw_sendto(&ept, out, (size_t)n, dst);
}

static void too_large(uint32_t dst, uint32_t id, const char *method, const char *why)
{
	send_call(dst, ALP_RPC_KIND_ERROR, ALP_RPC_WIRE_STATUS_TOO_LARGE, id, method, why,
		  strlen(why));
}

/* A reply whose frame is above the MTU, to a caller that takes fragments. */
static void send_fragments(uint32_t dst, uint8_t kind, uint8_t status, uint32_t id,
			   const char *method, const void *body, size_t len)
{
	struct alp_rpc_fragmenter fr;
	uint8_t out[FW_MTU];
	unsigned int count = 0;
	long n;

	if (alp_rpc_frag_begin(&fr, fresh_id(&next_msg_id), kind, status, id, method, body,
			       len) < 0)
		return;
	while ((n = alp_rpc_frag_next(&fr, out, sizeof(out))) > 0) {
		if (fw_sendto(&ept, out, (size_t)n, dst))
			return;		/* link down: the caller times out or sees it */
		count++;
	}
	fw_log("sent '%s' reply of %zu bytes to %u in %u fragments", method, len, dst, count);
}

/* Send a call-framing answer of any size (body in tx_big when above the MTU). */
static void answer(uint32_t dst, uint8_t kind, uint8_t status, uint32_t id, const char *method,
		   const uint8_t *body, size_t len)
{
	long size = alp_rpc_frame_size_call(method, len);
	int c;

	if (size >= 0 && (size_t)size <= FW_MTU) {
		send_call(dst, kind, status, id, method, body, len);
		return;
	}
	c = caps_slot(dst);
	if (caps[c].state == CAPS_KNOWN) {
		if (size > 0 && (uint32_t)size <= caps[c].max_msg)
			send_fragments(dst, kind, status, id, method, body, len);
		else
			too_large(dst, id, method, caps[c].max_msg ?
				  "reply larger than the caller takes" :
				  "reply needs fragments, the caller takes none");
		return;
	}
	if (held.used) {
		too_large(dst, id, method, "another large reply is waiting");
		return;
	}
	/* Ask first; the reply waits in tx_big (body points there already). */
	held.used = true;
	held.dst = dst;
	held.request_id = id;
	held.kind = kind;
	held.status = status;
	snprintf(held.method, sizeof(held.method), "%s", method);
	held.len = len;
	held.since_ms = fw_uptime_ms();
	held.caps_call_id = fresh_id(&next_call_id);
	caps[c].state = CAPS_ASKED;
	{
		uint8_t pl[ALP_RPC_CAPS_LEN];

		alp_rpc_caps_encode(pl, sizeof(pl), FW_MAX_MSG);
		send_call(dst, ALP_RPC_KIND_REQUEST, 0, held.caps_call_id, ALP_RPC_CAPS_METHOD,
			  pl, sizeof(pl));
	}
}

/* The answer to our alp.caps call: send or refuse the held reply. */
static void caps_answer(const struct alp_rpc_frame *f, uint32_t src)
{
	int c = caps_slot(src);
	uint32_t max = 0;

	if (f->kind != ALP_RPC_KIND_REPLY ||
	    alp_rpc_caps_decode(f->payload, f->payload_len, &max) != 0)
		max = 0;	/* NO_METHOD: a peer that predates fragments */
	caps[c].state = CAPS_KNOWN;
	caps[c].max_msg = max;
	fw_log("Linux address %u takes messages up to %u bytes in fragments", src, max);
	held.used = false;
	answer(held.dst, held.kind, held.status, held.request_id, held.method, tx_big, held.len);
}

static void on_frame(const struct alp_rpc_frame *f, uint32_t src, size_t whole_len)
{
	uint8_t body[FW_MTU], out[FW_MTU];
	size_t body_len;
	long n;
	int st;

	if (held.used && src == held.dst && f->framing == ALP_RPC_WIRE_CALL &&
	    (f->kind == ALP_RPC_KIND_REPLY || f->kind == ALP_RPC_KIND_ERROR) &&
	    f->request_id == held.caps_call_id) {
		caps_answer(f, src);
		return;
	}
	if (f->framing == ALP_RPC_WIRE_CALL && f->kind == ALP_RPC_KIND_REQUEST &&
	    !strcmp(f->method, ALP_RPC_CAPS_METHOD)) {
		uint32_t max;
		int c = caps_slot(src);

		if (alp_rpc_caps_decode(f->payload, f->payload_len, &max) == 0) {
			caps[c].state = CAPS_KNOWN;
			caps[c].max_msg = max;
		}
		n = alp_rpc_caps_encode(body, sizeof(body), FW_MAX_MSG);
		send_call(src, ALP_RPC_KIND_REPLY, 0, f->request_id, f->method, body, (size_t)n);
		return;
	}
	if (f->kind != ALP_RPC_KIND_REQUEST && f->framing != ALP_RPC_WIRE_TEXT &&
	    f->kind != ALP_RPC_KIND_ONEWAY)
		return;		/* replies to calls we never make */
	if (f->kind == ALP_RPC_KIND_ONEWAY && whole_len > FW_MTU)
		fw_log("one-way '%s' of %zu bytes received (%zu-byte payload)", f->method,
		       whole_len, f->payload_len);
	if (!strcmp(f->method, "hang"))
		return;
	if (f->framing == ALP_RPC_WIRE_CALL && f->kind == ALP_RPC_KIND_REQUEST) {
		/*
		 * A call's reply may be as large as the fragments allow, except
		 * while tx_big holds a reply waiting for alp.caps: one frame then.
		 */
		uint8_t *dst = held.used ? body : tx_big;

		body_len = (held.used ? sizeof(body) : FW_MAX_MSG) -
			   (size_t)alp_rpc_frame_size_call(f->method, 0);
		st = run_method(f, src, dst, &body_len);
		if (st < 0)
			st = 3;
		if (f->payload_len > FW_MTU)
			fw_log("call '%s' with a %zu-byte request answered", f->method,
			       f->payload_len);
		answer(src, st ? ALP_RPC_KIND_ERROR : ALP_RPC_KIND_REPLY, (uint8_t)st,
		       f->request_id, f->method, dst, body_len);
		return;
	}
	/* Text and one-way frames: one frame at most, as before. */
	n = f->framing == ALP_RPC_WIRE_TEXT ? alp_rpc_frame_size_text(f->method, 0) :
					      alp_rpc_frame_size_call(f->method, 0);
	body_len = sizeof(body) - (size_t)n;
	st = run_method(f, src, body, &body_len);
	if (f->framing == ALP_RPC_WIRE_TEXT && !st && strcmp(f->method, "subscribe") &&
	    strcmp(f->method, "unsubscribe"))
		n = alp_rpc_frame_encode_text(out, sizeof(out), f->method, body, body_len);
	else
		return;		/* one-way frames and failed text calls get no answer */
	if (n > 0)
		fw_sendto(&ept, out, (size_t)n, src);
}

/* A fragment: into the reassembler; a complete message is handled as a frame. */
static void on_fragment(const void *data, size_t len, uint32_t src)
{
	struct alp_rpc_frag fg;
	struct alp_rpc_frame f;
	size_t msg_len;
	int rc;

	if (alp_rpc_frag_decode(data, len, &fg))
		return;		/* malformed: drop it */
	rc = alp_rpc_reasm_feed(&rx, &fg, &msg_len);
	rx_last_ms = fw_uptime_ms();
	if (rc == ALP_RPC_REASM_DONE) {
		if (alp_rpc_frame_decode(rx_big, msg_len, &f) == 0)
			on_frame(&f, src, msg_len);
	} else if ((rc == ALP_RPC_WIRE_ETOOBIG || rc == ALP_RPC_WIRE_EBUSY) &&
		   fg.head.kind == ALP_RPC_KIND_REQUEST) {
		too_large(src, fg.head.request_id, fg.head.method,
			  rc == ALP_RPC_WIRE_EBUSY ? "firmware busy with another large message" :
						     "request larger than the firmware takes");
	} else if (rc == ALP_RPC_WIRE_ESEQ) {
		fw_log("fragment out of sequence from %u: message dropped", src);
	}
}

static void on_message(struct fw_ept *e, const void *data, size_t len, uint32_t src, void *priv)
{
	struct alp_rpc_frame f;
	int rc;

	(void)e;
	(void)priv;
	rc = alp_rpc_frame_decode(data, len, &f);
	if (rc == ALP_RPC_WIRE_EFRAG)
		on_fragment(data, len, src);
	else if (rc == 0)
		on_frame(&f, src, len);
	/* anything else is not a frame: drop it, as a peer must */
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
	memset(caps, 0, sizeof(caps));
	memset(&held, 0, sizeof(held));
	alp_rpc_reasm_init(&rx, rx_big, sizeof(rx_big));
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
	if (rx.msg_id && fw_uptime_ms() - rx_last_ms >= FW_FRAG_TIMEOUT_MS) {
		fw_log("partial message %u stalled at %u of %u bytes: dropped", rx.msg_id, rx.got,
		       rx.total);
		alp_rpc_reasm_reset(&rx);
	}
	if (held.used && fw_uptime_ms() - held.since_ms >= FW_FRAG_TIMEOUT_MS) {
		held.used = false;
		caps[caps_slot(held.dst)].state = CAPS_UNKNOWN;
		too_large(held.dst, held.request_id, held.method,
			  "caller did not answer alp.caps");
	}
	if (fw_uptime_ms() >= next_publish_ms) {
		next_publish_ms += 1000;
		publish_temperature();
	}
}
