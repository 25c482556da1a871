// SPDX-License-Identifier: BSD-3-Clause
/*
 * Freestanding frame codec for the <alp/rpc.h> wire format.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Firmware links this file as is: it must build with -ffreestanding and use
 * nothing from libc but memcpy (which every freestanding toolchain provides,
 * as the compiler may emit calls to it anyway). docs/firmware-codec.md.
 */
#include <alp/rpc_codec.h>

#include <string.h>

#define CALL_OFF_MAGIC	0
#define CALL_OFF_KIND	1
#define CALL_OFF_STATUS	2
#define CALL_OFF_MLEN	3
#define CALL_OFF_ID	4

/*
 * [A-Za-z0-9_.-]: 1 for the method characters among the 256 byte values
 * (one load per byte on the call path); rows of 16 from 0x00, 0x80-0xff 0.
 */
static const unsigned char method_chars[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x10 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0,	/* 0x20 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,	/* 0x30 */
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,	/* 0x50 */
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,	/* 0x70 */
};

static bool method_char(unsigned char c)
{
	return method_chars[c];
}

/* Length of the method at s if it is valid and NUL-terminated within max+1 bytes. */
static int method_scan(const unsigned char *s, size_t avail)
{
	size_t i, end = avail < ALP_RPC_WIRE_METHOD_MAX + 1 ? avail : ALP_RPC_WIRE_METHOD_MAX + 1;

	for (i = 0; i < end; i++) {
		if (!method_char(s[i]))
			return s[i] == 0 && i > 0 ? (int)i : -1;
	}
	return -2;	/* no NUL in range: truncated or too long */
}

int alp_rpc_method_len(const char *method)
{
	int n;

	if (!method)
		return -1;
	n = method_scan((const unsigned char *)method, ALP_RPC_WIRE_METHOD_MAX + 1);
	return n < 0 ? -1 : n;
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* The per-kind rules shared by the encoder and the decoder. */
static int check_fields(uint8_t kind, uint8_t status, uint32_t id, size_t mlen)
{
	switch (kind) {
	case ALP_RPC_KIND_REQUEST:
		return id != 0 && status == 0 && mlen > 0 ? 0 : ALP_RPC_WIRE_EFIELD;
	case ALP_RPC_KIND_ONEWAY:
		return id == 0 && status == 0 && mlen > 0 ? 0 : ALP_RPC_WIRE_EFIELD;
	case ALP_RPC_KIND_REPLY:
		return id != 0 && status == 0 ? 0 : ALP_RPC_WIRE_EFIELD;
	case ALP_RPC_KIND_ERROR:
		return status != 0 ? 0 : ALP_RPC_WIRE_EFIELD;
	default:
		return ALP_RPC_WIRE_EKIND;
	}
}

static int decode_call(const unsigned char *m, size_t len, struct alp_rpc_frame *f)
{
	size_t mlen, body;
	int rc;

	if (len < ALP_RPC_WIRE_CALL_HDR + 1)
		return ALP_RPC_WIRE_ETRUNC;
	mlen = m[CALL_OFF_MLEN];
	if (mlen > ALP_RPC_WIRE_METHOD_MAX)
		return ALP_RPC_WIRE_EMETHOD;
	body = ALP_RPC_WIRE_CALL_HDR + mlen + 1;
	if (len < body)
		return ALP_RPC_WIRE_ETRUNC;
	if (mlen > 0 && method_scan(m + ALP_RPC_WIRE_CALL_HDR, mlen + 1) != (int)mlen)
		return ALP_RPC_WIRE_EMETHOD;
	if (m[ALP_RPC_WIRE_CALL_HDR + mlen] != 0)
		return ALP_RPC_WIRE_EMETHOD;
	f->framing = ALP_RPC_WIRE_CALL;
	f->kind = m[CALL_OFF_KIND];
	f->status = m[CALL_OFF_STATUS];
	f->method_len = (uint8_t)mlen;
	f->request_id = get_le32(m + CALL_OFF_ID);
	rc = check_fields(f->kind, f->status, f->request_id, mlen);
	if (rc)
		return rc;
	f->method = (const char *)m + ALP_RPC_WIRE_CALL_HDR;
	f->payload = m + body;
	f->payload_len = len - body;
	return 0;
}

int alp_rpc_frame_decode(const void *msg, size_t len, struct alp_rpc_frame *f)
{
	const unsigned char *m = msg;
	int mlen;

	if (!msg || !f)
		return ALP_RPC_WIRE_EINVAL;
	if (len == 0)
		return ALP_RPC_WIRE_ETRUNC;
	if (m[0] == ALP_RPC_WIRE_CALL_MAGIC)
		return decode_call(m, len, f);
	if (!method_char(m[0]))
		return ALP_RPC_WIRE_EKIND;
	mlen = method_scan(m, len);
	if (mlen == -2)
		return len <= ALP_RPC_WIRE_METHOD_MAX ? ALP_RPC_WIRE_ETRUNC : ALP_RPC_WIRE_EMETHOD;
	if (mlen < 0)
		return ALP_RPC_WIRE_EMETHOD;
	f->framing = ALP_RPC_WIRE_TEXT;
	f->kind = ALP_RPC_KIND_ONEWAY;
	f->status = 0;
	f->method_len = (uint8_t)mlen;
	f->request_id = 0;
	f->method = (const char *)m;
	f->payload = m + mlen + 1;
	f->payload_len = len - (size_t)mlen - 1;
	return 0;
}

long alp_rpc_frame_size_text(const char *method, size_t payload_len)
{
	int mlen = alp_rpc_method_len(method);

	return mlen < 0 ? -1 : (long)(mlen + 1 + payload_len);
}

long alp_rpc_frame_size_call(const char *method, size_t payload_len)
{
	int mlen = (method && method[0]) ? alp_rpc_method_len(method) : 0;

	return mlen < 0 ? -1 : (long)(ALP_RPC_WIRE_CALL_HDR + mlen + 1 + payload_len);
}

/*
 * The encoders with the method's length already known (a valid method of
 * mlen characters, or mlen 0 and any method for a call REPLY/ERROR): librpc
 * validates a method once per frame and encodes without scanning it again.
 * Not part of the API (no ALP_RPC_CODEC_API: hidden in librpc).
 */
long rpc_codec_encode_text_known(void *buf, size_t cap, const char *method, size_t mlen,
				 const void *payload, size_t len)
{
	unsigned char *b = buf;

	if (len > cap || mlen + 1 > cap - len)
		return ALP_RPC_WIRE_ENOSPC;
	memcpy(b, method, mlen + 1);
	if (len)
		memcpy(b + mlen + 1, payload, len);
	return (long)(mlen + 1 + len);
}

long alp_rpc_frame_encode_text(void *buf, size_t cap, const char *method,
			       const void *payload, size_t len)
{
	int mlen;

	if (!buf || (!payload && len))
		return ALP_RPC_WIRE_EINVAL;
	mlen = alp_rpc_method_len(method);
	if (mlen < 0)
		return ALP_RPC_WIRE_EMETHOD;
	return rpc_codec_encode_text_known(buf, cap, method, (size_t)mlen, payload, len);
}

long rpc_codec_encode_call_known(void *buf, size_t cap, uint8_t kind, uint8_t status,
				 uint32_t request_id, const char *method, size_t mlen,
				 const void *payload, size_t len)
{
	unsigned char *b = buf;
	size_t body;
	int rc;

	rc = check_fields(kind, status, request_id, mlen);
	if (rc)
		return rc;
	body = ALP_RPC_WIRE_CALL_HDR + mlen + 1;
	if (len > cap || body > cap - len)
		return ALP_RPC_WIRE_ENOSPC;
	b[CALL_OFF_MAGIC] = ALP_RPC_WIRE_CALL_MAGIC;
	b[CALL_OFF_KIND] = kind;
	b[CALL_OFF_STATUS] = status;
	b[CALL_OFF_MLEN] = (unsigned char)mlen;
	put_le32(b + CALL_OFF_ID, request_id);
	if (mlen)
		memcpy(b + ALP_RPC_WIRE_CALL_HDR, method, (size_t)mlen);
	b[ALP_RPC_WIRE_CALL_HDR + mlen] = 0;
	if (len)
		memcpy(b + body, payload, len);
	return (long)(body + len);
}

long alp_rpc_frame_encode_call(void *buf, size_t cap, uint8_t kind, uint8_t status,
			       uint32_t request_id, const char *method,
			       const void *payload, size_t len)
{
	int mlen = 0;

	if (!buf || (!payload && len))
		return ALP_RPC_WIRE_EINVAL;
	if (method && method[0]) {
		mlen = alp_rpc_method_len(method);
		if (mlen < 0)
			return ALP_RPC_WIRE_EMETHOD;
	}
	return rpc_codec_encode_call_known(buf, cap, kind, status, request_id, method,
					   (size_t)mlen, payload, len);
}

uint32_t alp_rpc_fnv1a32(const char *s)
{
	uint32_t h = 0x811C9DC5u;

	if (!s)
		return h;
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x01000193u;
	}
	return h;
}

uint32_t alp_rpc_default_src(const char *name)
{
	uint32_t h = alp_rpc_fnv1a32(name);
	/* src and src + 1 must both lie in [ADDR_MIN, ADDR_MAX]. */
	uint32_t span = ALP_RPC_WIRE_ADDR_MAX - ALP_RPC_WIRE_ADDR_MIN;

	if (h >= ALP_RPC_WIRE_ADDR_MIN && h < ALP_RPC_WIRE_ADDR_MAX)
		return h;
	return ALP_RPC_WIRE_ADDR_MIN + h % span;
}
