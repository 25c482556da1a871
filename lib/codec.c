// SPDX-License-Identifier: BSD-3-Clause
/*
 * Freestanding frame codec for the <alp/rpc.h> wire format.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Firmware links this file as is: it must build with -ffreestanding and use
 * nothing from libc but memcpy and memset (which every freestanding
 * toolchain provides, as the compiler may emit calls to them anyway).
 * docs/firmware-codec.md.
 */
#include <alp/rpc_codec.h>

/*
 * Declared here rather than taken from <string.h>: a bare-metal toolchain
 * without a C library (gcc-arm-none-eabi alone) has no <string.h>, but the
 * firmware links some memcpy/memset. These are the standard prototypes.
 */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memset(void *dst, int c, size_t n);

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

/* 1 or 0 (not bool: method_chars_all() and's them without a conversion). */
static unsigned int method_char(unsigned char c)
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

/*
 * Whether the n bytes at s are all method characters: four method_char()
 * and'ed per step, no branch per byte (a decoded call frame's method,
 * whose length the header gives). Half the instructions of a loop that
 * stops at the first bad byte, which only a malformed frame has.
 */
static bool method_chars_all(const unsigned char *s, size_t n)
{
	unsigned int ok = 1;
	size_t i = 0;

#ifndef __OPTIMIZE_SIZE__	/* -Os (firmware): the plain loop below, 72 bytes less */
	for (; i + 4 <= n; i += 4)
		ok &= method_char(s[i]) & method_char(s[i + 1]) & method_char(s[i + 2]) &
		      method_char(s[i + 3]);
#endif
	for (; i < n; i++)
		ok &= method_char(s[i]);
	return ok;
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
static inline int check_fields(uint8_t kind, uint8_t status, uint32_t id, size_t mlen)
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
	/* The length is known: mlen method characters, then the NUL. */
	if (!method_chars_all(m + ALP_RPC_WIRE_CALL_HDR, mlen) ||
	    m[ALP_RPC_WIRE_CALL_HDR + mlen] != 0)
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
	if (m[0] == ALP_RPC_WIRE_FRAG_MAGIC)
		return ALP_RPC_WIRE_EFRAG;
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
 * Copy a method of n (at most ALP_RPC_WIRE_METHOD_MAX) characters: 4 to 16
 * of them as two overlapping fixed-size copies, which the compiler turns
 * into loads and stores (a call to memcpy costs more than the copy).
 */
static void copy_method(unsigned char *dst, const char *src, size_t n)
{
#ifdef __OPTIMIZE_SIZE__	/* -Os (firmware): 72 bytes less */
	if (n)	/* a REPLY's method may be NULL when n is 0 */
		memcpy(dst, src, n);
#else
	if (n >= 8 && n <= 16) {
		memcpy(dst, src, 8);
		memcpy(dst + n - 8, src + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(dst, src, 4);
		memcpy(dst + n - 4, src + n - 4, 4);
	} else if (n > 16) {
		memcpy(dst, src, n);
	} else {
		for (size_t i = 0; i < n; i++)
			dst[i] = (unsigned char)src[i];
	}
#endif
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

/*
 * Also with the fields known to obey check_fields(): librpc builds them
 * (a request's id is never 0, a reply's is the request's, an ERROR's
 * status is never 0); the public encoders check them first.
 */
long rpc_codec_encode_call_known(void *buf, size_t cap, uint8_t kind, uint8_t status,
				 uint32_t request_id, const char *method, size_t mlen,
				 const void *payload, size_t len)
{
	unsigned char *b = buf;
	size_t body;

	body = ALP_RPC_WIRE_CALL_HDR + mlen + 1;
	if (len > cap || body > cap - len)
		return ALP_RPC_WIRE_ENOSPC;
	b[CALL_OFF_MAGIC] = ALP_RPC_WIRE_CALL_MAGIC;
	b[CALL_OFF_KIND] = kind;
	b[CALL_OFF_STATUS] = status;
	b[CALL_OFF_MLEN] = (unsigned char)mlen;
	put_le32(b + CALL_OFF_ID, request_id);
	copy_method(b + ALP_RPC_WIRE_CALL_HDR, method, mlen);
	b[ALP_RPC_WIRE_CALL_HDR + mlen] = 0;
	if (len)
		memcpy(b + body, payload, len);
	return (long)(body + len);
}

/*
 * The public call-frame encoders' checks of a caller's header: the method
 * (none, or valid: its length in *mlen), then the kind's field rules.
 */
static int check_call_header(uint8_t kind, uint8_t status, uint32_t request_id,
			     const char *method, size_t *mlen)
{
	int n = 0;

	if (method && method[0]) {
		n = alp_rpc_method_len(method);
		if (n < 0)
			return ALP_RPC_WIRE_EMETHOD;
	}
	*mlen = (size_t)n;
	return check_fields(kind, status, request_id, *mlen);
}

long alp_rpc_frame_encode_call(void *buf, size_t cap, uint8_t kind, uint8_t status,
			       uint32_t request_id, const char *method,
			       const void *payload, size_t len)
{
	size_t mlen;
	int rc;

	if (!buf || (!payload && len))
		return ALP_RPC_WIRE_EINVAL;
	rc = check_call_header(kind, status, request_id, method, &mlen);
	if (rc)
		return rc;
	return rpc_codec_encode_call_known(buf, cap, kind, status, request_id, method, mlen,
					   payload, len);
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

/* ---- Fragments (docs/wire-format.md, "Fragments") ---- */

#define FRAG_OFF_MAGIC	0
#define FRAG_OFF_FLAGS	1
#define FRAG_OFF_RSVD	2
#define FRAG_OFF_ID	4
#define FRAG_OFF_TOTAL	8
#define FRAG_OFF_OFFSET	12
#define FRAG_FLAGS_ALL	(ALP_RPC_WIRE_FRAG_FIRST | ALP_RPC_WIRE_FRAG_LAST)

int alp_rpc_frag_decode(const void *msg, size_t len, struct alp_rpc_frag *fr)
{
	const unsigned char *m = msg;
	uint8_t want;
	size_t n;
	int rc;

	if (!msg || !fr)
		return ALP_RPC_WIRE_EINVAL;
	if (len == 0)
		return ALP_RPC_WIRE_ETRUNC;
	if (m[0] != ALP_RPC_WIRE_FRAG_MAGIC)
		return ALP_RPC_WIRE_EKIND;
	if (len < ALP_RPC_WIRE_FRAG_HDR + 1)
		return ALP_RPC_WIRE_ETRUNC;
	memset(fr, 0, sizeof(*fr));
	fr->flags = m[FRAG_OFF_FLAGS];
	fr->msg_id = get_le32(m + FRAG_OFF_ID);
	fr->total = get_le32(m + FRAG_OFF_TOTAL);
	fr->offset = get_le32(m + FRAG_OFF_OFFSET);
	fr->data = m + ALP_RPC_WIRE_FRAG_HDR;
	fr->len = n = len - ALP_RPC_WIRE_FRAG_HDR;
	if ((fr->flags & ~FRAG_FLAGS_ALL) || m[FRAG_OFF_RSVD] || m[FRAG_OFF_RSVD + 1] ||
	    fr->msg_id == 0 || fr->total < ALP_RPC_WIRE_CALL_HDR + 1 || fr->offset > fr->total ||
	    n > fr->total - fr->offset)
		return ALP_RPC_WIRE_EFIELD;
	want = (fr->offset == 0 ? ALP_RPC_WIRE_FRAG_FIRST : 0) |
	       (n == fr->total - fr->offset ? ALP_RPC_WIRE_FRAG_LAST : 0);
	if (fr->flags != want)
		return ALP_RPC_WIRE_EFIELD;
	if (!(fr->flags & ALP_RPC_WIRE_FRAG_FIRST))
		return 0;
	/* A first fragment carries the call frame's whole header (magic .. NUL). */
	if (fr->data[0] != ALP_RPC_WIRE_CALL_MAGIC)
		return ALP_RPC_WIRE_EKIND;
	rc = decode_call(fr->data, n, &fr->head);
	if (rc)
		memset(&fr->head, 0, sizeof(fr->head));
	return rc;
}

long alp_rpc_frag_begin(struct alp_rpc_fragmenter *fr, uint32_t msg_id, uint8_t kind,
			uint8_t status, uint32_t request_id, const char *method,
			const void *payload, size_t len)
{
	size_t mlen;
	long hdr;
	int rc;

	if (!fr || msg_id == 0 || (!payload && len))
		return ALP_RPC_WIRE_EINVAL;
	rc = check_call_header(kind, status, request_id, method, &mlen);
	if (rc)
		return rc;
	/* The call header alone, encoded once; the payload is copied per fragment. */
	hdr = rpc_codec_encode_call_known(fr->hdr, sizeof(fr->hdr), kind, status, request_id,
					  method, mlen, NULL, 0);
	if (hdr < 0)
		return hdr;
	if (len > 0xFFFFFFFFu - (size_t)hdr)
		return ALP_RPC_WIRE_ENOSPC;
	fr->hdr_len = (uint8_t)hdr;
	fr->msg_id = msg_id;
	fr->total = (uint32_t)((size_t)hdr + len);
	fr->offset = 0;
	fr->payload = payload;
	return (long)fr->total;
}

long alp_rpc_frag_next(struct alp_rpc_fragmenter *fr, void *buf, size_t cap)
{
	unsigned char *b = buf;
	size_t room, n, done = 0;

	if (!fr || !buf)
		return ALP_RPC_WIRE_EINVAL;
	if (fr->offset >= fr->total)
		return 0;
	if (cap < ALP_RPC_WIRE_FRAG_MIN_MTU)
		return ALP_RPC_WIRE_ENOSPC;
	room = cap - ALP_RPC_WIRE_FRAG_HDR;
	n = fr->total - fr->offset < room ? fr->total - fr->offset : room;
	b[FRAG_OFF_MAGIC] = ALP_RPC_WIRE_FRAG_MAGIC;
	b[FRAG_OFF_FLAGS] = (unsigned char)((fr->offset == 0 ? ALP_RPC_WIRE_FRAG_FIRST : 0) |
			    (n == fr->total - fr->offset ? ALP_RPC_WIRE_FRAG_LAST : 0));
	b[FRAG_OFF_RSVD] = 0;
	b[FRAG_OFF_RSVD + 1] = 0;
	put_le32(b + FRAG_OFF_ID, fr->msg_id);
	put_le32(b + FRAG_OFF_TOTAL, fr->total);
	put_le32(b + FRAG_OFF_OFFSET, fr->offset);
	b += ALP_RPC_WIRE_FRAG_HDR;
	if (fr->offset < fr->hdr_len) {
		/* room >= hdr_len (FRAG_MIN_MTU): the header goes whole into the first fragment. */
		done = fr->hdr_len;
		memcpy(b, fr->hdr, done);
	}
	if (n > done)
		memcpy(b + done, fr->payload + (fr->offset + done - fr->hdr_len), n - done);
	fr->offset += (uint32_t)n;
	return (long)(ALP_RPC_WIRE_FRAG_HDR + n);
}

void alp_rpc_reasm_init(struct alp_rpc_reasm *r, void *buf, size_t cap)
{
	if (!r)
		return;
	r->buf = buf;
	r->cap = buf ? cap : 0;
	alp_rpc_reasm_reset(r);
}

void alp_rpc_reasm_reset(struct alp_rpc_reasm *r)
{
	if (!r)
		return;
	r->msg_id = 0;
	r->total = 0;
	r->got = 0;
}

struct alp_rpc_reasm *alp_rpc_reasm_pick(struct alp_rpc_reasm *r, size_t n,
					 const struct alp_rpc_frag *fr)
{
	struct alp_rpc_reasm *idle = NULL;
	size_t i;

	if (!r || !fr)
		return NULL;
	for (i = 0; i < n; i++) {
		if (r[i].msg_id == fr->msg_id)
			return &r[i];
		if (!r[i].msg_id && (!idle || (idle->cap < fr->total && r[i].cap >= fr->total)))
			idle = &r[i];
	}
	return (fr->flags & ALP_RPC_WIRE_FRAG_FIRST) ? idle : NULL;
}

int alp_rpc_reasm_feed(struct alp_rpc_reasm *r, const struct alp_rpc_frag *fr, size_t *msg_len)
{
	int rc = ALP_RPC_REASM_MORE;

	if (!r || !fr || !msg_len)
		return ALP_RPC_WIRE_EINVAL;
	*msg_len = 0;
	if (fr->flags & ALP_RPC_WIRE_FRAG_FIRST) {
		if (r->msg_id && r->msg_id != fr->msg_id)
			return ALP_RPC_WIRE_EBUSY;
		if (r->msg_id)
			rc = ALP_RPC_REASM_REPLACED;	/* the sender started it again */
		alp_rpc_reasm_reset(r);
		if (fr->total > r->cap)
			return ALP_RPC_WIRE_ETOOBIG;
		if (fr->len > fr->total)
			return ALP_RPC_WIRE_ESEQ;	/* not from alp_rpc_frag_decode() */
		r->msg_id = fr->msg_id;
		r->total = fr->total;
	} else if (r->msg_id != fr->msg_id) {
		/* Idle: its first fragment was lost, or its message was dropped. */
		return r->msg_id ? ALP_RPC_WIRE_EBUSY : ALP_RPC_WIRE_ESEQ;
	} else if (fr->offset != r->got || fr->total != r->total || fr->len > r->total - r->got) {
		alp_rpc_reasm_reset(r);		/* gap, duplicate or reordering */
		return ALP_RPC_WIRE_ESEQ;
	}
	/* decode checked offset + len <= total, and total <= cap here. */
	memcpy(r->buf + fr->offset, fr->data, fr->len);
	r->got += (uint32_t)fr->len;
	if (r->got == r->total) {
		*msg_len = r->total;
		alp_rpc_reasm_reset(r);
		return ALP_RPC_REASM_DONE;
	}
	return rc;
}

long alp_rpc_caps_encode(void *buf, size_t cap, uint32_t max_msg)
{
	unsigned char *b = buf;

	if (!buf)
		return ALP_RPC_WIRE_EINVAL;
	if (cap < ALP_RPC_CAPS_LEN)
		return ALP_RPC_WIRE_ENOSPC;
	memset(b, 0, ALP_RPC_CAPS_LEN);
	b[0] = ALP_RPC_CAPS_VERSION;
	put_le32(b + 4, max_msg);
	return ALP_RPC_CAPS_LEN;
}

int alp_rpc_caps_decode(const void *payload, size_t len, uint32_t *max_msg)
{
	const unsigned char *p = payload;

	if (!max_msg || (!payload && len))
		return ALP_RPC_WIRE_EINVAL;
	if (len < ALP_RPC_CAPS_LEN)
		return ALP_RPC_WIRE_ETRUNC;
	if (p[0] == 0)
		return ALP_RPC_WIRE_EFIELD;
	*max_msg = get_le32(p + 4);
	return 0;
}
