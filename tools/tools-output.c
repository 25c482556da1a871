// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl's output: payloads as text or hex, JSON strings, one line (or
 * JSON object) per received frame, wall-clock timestamps.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <alp/rpc_codec.h>

#include "tools-output.h"

bool is_printable(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t') || p[i] >= 0x7f)
			return false;
	return true;
}

void print_hex(FILE *f, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

void print_payload(FILE *f, const uint8_t *p, size_t len, enum out_format fmt)
{
	switch (fmt) {
	case OUT_RAW:
		fwrite(p, 1, len, f);
		return;
	case OUT_AUTO:
		if (!is_printable(p, len))
			break;
		/* fall through */
	case OUT_TEXT:
		fwrite(p, 1, len, f);
		fputc('\n', f);
		return;
	case OUT_HEX:
		break;
	}
	print_hex(f, p, len);
	fputc('\n', f);
}

void json_string(FILE *f, const void *s, size_t len)
{
	const uint8_t *p = s;

	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void json_payload(FILE *f, const uint8_t *p, size_t len)
{
	fprintf(f, "\"len\":%zu,\"hex\":\"", len);
	print_hex(f, p, len);
	fputc('"', f);
	if (is_printable(p, len)) {
		fputs(",\"text\":", f);
		json_string(f, p, len);
	}
}

static const char *const kind_names[] = { "?", "request", "reply", "oneway", "error" };
static const char *const wire_status_names[] = {
	"ok", "no-method", "exec-failed", "bad-packet", "timeout",
};

static const char *wire_status_name(uint8_t st)
{
	return st < sizeof(wire_status_names) / sizeof(wire_status_names[0]) ?
	       wire_status_names[st] : "reserved";
}

void print_frame(FILE *f, const uint8_t *msg, size_t len, enum out_format fmt, bool json)
{
	struct alp_rpc_frame fr;
	bool ok = alp_rpc_frame_decode(msg, len, &fr) == 0;
	char ts[32];

	timestamp(ts, sizeof(ts));
	if (json) {
		fprintf(f, "{\"time\":\"%s\"", ts);
		if (ok) {
			fprintf(f, ",\"framing\":\"%s\",\"kind\":\"%s\",\"method\":",
				fr.framing == ALP_RPC_WIRE_TEXT ? "text" : "call", kind_names[fr.kind]);
			json_string(f, fr.method, fr.method_len);
			fprintf(f, ",\"id\":%u,\"status\":\"%s\",", fr.request_id,
				wire_status_name(fr.status));
			json_payload(f, fr.payload, fr.payload_len);
		} else {
			fputs(",\"framing\":\"none\",", f);
			json_payload(f, msg, len);
		}
		fputs("}\n", f);
		return;
	}
	if (fmt == OUT_RAW) {
		if (ok)
			fwrite(fr.payload, 1, fr.payload_len, f);
		else
			fwrite(msg, 1, len, f);
		return;
	}
	if (!ok) {
		fprintf(f, "%s  (not a frame)  %zu byte%s  ", ts, len, len == 1 ? "" : "s");
		print_payload(f, msg, len, fmt == OUT_TEXT ? OUT_TEXT : OUT_HEX);
		return;
	}
	fprintf(f, "%s  %s", ts, fr.method_len ? fr.method : "-");
	if (fr.framing == ALP_RPC_WIRE_CALL && fr.kind != ALP_RPC_KIND_ONEWAY)
		fprintf(f, " (%s #%u%s%s)", kind_names[fr.kind], fr.request_id,
			fr.kind == ALP_RPC_KIND_ERROR ? ": " : "",
			fr.kind == ALP_RPC_KIND_ERROR ? wire_status_name(fr.status) : "");
	fprintf(f, "  %zu byte%s", fr.payload_len, fr.payload_len == 1 ? "" : "s");
	if (fr.payload_len) {
		fputs("  ", f);
		print_payload(f, fr.payload, fr.payload_len, fmt);
	} else {
		fputc('\n', f);
	}
}

void timestamp(char *buf, size_t cap)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, cap, "%H:%M:%S", &tm);
	snprintf(buf + n, cap - n, ".%03ld", ts.tv_nsec / 1000000);
}

