/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * <alp/rpc_codec.h>: freestanding encoder/decoder for the <alp/rpc.h> wire
 * format (docs/wire-format.md is normative). Shared by librpc and firmware
 * peers (Zephyr, FreeRTOS, bare metal): no allocation, no stdio, no state.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * All functions are reentrant and thread-safe (pure functions of their
 * arguments).
 */
#ifndef ALP_RPC_CODEC_H
#define ALP_RPC_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* librpc defines this to export the codec from the shared library. */
#ifndef ALP_RPC_CODEC_API
#define ALP_RPC_CODEC_API
#endif

#define ALP_RPC_WIRE_METHOD_MAX		31u	/* characters, NUL excluded */
#define ALP_RPC_WIRE_CALL_MAGIC		0xC1u	/* first byte of a call frame, version 1 */
#define ALP_RPC_WIRE_CALL_HDR		8u	/* fixed part of a call frame */
#define ALP_RPC_WIRE_MTU_DEFAULT	496u	/* 512-byte rpmsg buffer - 16-byte header */
#define ALP_RPC_WIRE_ADDR_MIN		1024u	/* first address Linux rpmsg hands out */
#define ALP_RPC_WIRE_ADDR_MAX		0x7FFFFFFFu /* INT_MAX: Linux keeps addresses in an int idr */

/* Frame kinds (call frames; text frames decode as ONEWAY). */
#define ALP_RPC_KIND_REQUEST	1u
#define ALP_RPC_KIND_REPLY	2u
#define ALP_RPC_KIND_ONEWAY	3u
#define ALP_RPC_KIND_ERROR	4u

/* Framings a decoded frame can have. */
#define ALP_RPC_WIRE_TEXT	1u
#define ALP_RPC_WIRE_CALL	2u

/* Codec errors (negative). */
#define ALP_RPC_WIRE_EINVAL	(-1)	/* NULL pointer or bad argument */
#define ALP_RPC_WIRE_ENOSPC	(-2)	/* encode: buffer too small */
#define ALP_RPC_WIRE_ETRUNC	(-3)	/* decode: message shorter than its header says */
#define ALP_RPC_WIRE_EMETHOD	(-4)	/* bad method name (charset, length, missing NUL) */
#define ALP_RPC_WIRE_EKIND	(-5)	/* unknown kind or bad magic */
#define ALP_RPC_WIRE_EFIELD	(-6)	/* id/status/method inconsistent with the kind */
#define ALP_RPC_WIRE_EFRAG	(-7)	/* decode: a fragment frame (use alp_rpc_frag_decode) */
#define ALP_RPC_WIRE_ESEQ	(-8)	/* reassembly: lost, duplicated or reordered fragment */
#define ALP_RPC_WIRE_ETOOBIG	(-9)	/* reassembly: message larger than the buffer */
#define ALP_RPC_WIRE_EBUSY	(-10)	/* reassembly: buffer holds another message */

struct alp_rpc_frame {
	uint8_t framing;	/* ALP_RPC_WIRE_TEXT or ALP_RPC_WIRE_CALL */
	uint8_t kind;		/* ALP_RPC_KIND_* */
	uint8_t status;		/* wire status, 0 unless kind == ERROR */
	uint8_t method_len;	/* strlen(method) */
	uint32_t request_id;	/* 0 for text and one-way frames */
	const char *method;	/* NUL-terminated, points into the decoded buffer */
	const uint8_t *payload;	/* points into the decoded buffer */
	size_t payload_len;
};

/*
 * Fragmented call frames (docs/wire-format.md, "Fragments"): a call frame
 * larger than the MTU travels as fragment frames (first byte 0xF1) of at
 * most the MTU each, and is put back together by the receiver.
 */
#define ALP_RPC_WIRE_FRAG_MAGIC		0xF1u	/* first byte of a fragment frame, version 1 */
#define ALP_RPC_WIRE_FRAG_HDR		16u	/* fixed part of a fragment frame */
#define ALP_RPC_WIRE_FRAG_FIRST		0x01u	/* flags: offset 0 */
#define ALP_RPC_WIRE_FRAG_LAST		0x02u	/* flags: offset + data == total */
/* Smallest MTU the fragmenter works with: a first fragment holds the whole call header. */
#define ALP_RPC_WIRE_FRAG_MIN_MTU	(ALP_RPC_WIRE_FRAG_HDR + ALP_RPC_WIRE_CALL_HDR + \
					 ALP_RPC_WIRE_METHOD_MAX + 1u + 1u)
/* Status of an ERROR frame: the request (or its reply) was larger than the receiver takes. */
#define ALP_RPC_WIRE_STATUS_TOO_LARGE	5u
/* The capability handshake (a call of this method; payload: alp_rpc_caps_encode). */
#define ALP_RPC_CAPS_METHOD		"alp.caps"
#define ALP_RPC_CAPS_LEN		8u	/* payload length of version 1 */
#define ALP_RPC_CAPS_VERSION		1u

/* One decoded fragment frame; data points into the decoded buffer. */
struct alp_rpc_frag {
	uint8_t flags;		/* ALP_RPC_WIRE_FRAG_FIRST / _LAST */
	uint32_t msg_id;	/* non-zero, chosen by the sender */
	uint32_t total;		/* length of the whole call frame */
	uint32_t offset;	/* where data goes in it */
	const uint8_t *data;
	size_t len;		/* >= 1 */
	/*
	 * First fragment only (flags & FIRST): the call frame's header, decoded
	 * (kind, status, id, method); its payload/payload_len cover only the
	 * part of the payload in this fragment. Zeroed in other fragments.
	 */
	struct alp_rpc_frame head;
};

/*
 * Cuts one call frame into fragments, one per alp_rpc_frag_next() call,
 * without copying the payload anywhere but into the fragments. Fields are
 * private; the payload must stay valid until the last fragment is out.
 */
struct alp_rpc_fragmenter {
	uint8_t hdr[ALP_RPC_WIRE_CALL_HDR + ALP_RPC_WIRE_METHOD_MAX + 1u];
	uint8_t hdr_len;
	uint32_t msg_id;
	uint32_t total;
	uint32_t offset;
	const uint8_t *payload;
};

/*
 * Reassembles one fragmented message into a buffer the caller owns (fixed
 * capacity, no allocation). Fields are read-only for the caller: msg_id is
 * 0 when idle; total and got describe the message being assembled. The
 * codec has no clock: the caller expires a partial message (its own timer)
 * with alp_rpc_reasm_reset().
 */
struct alp_rpc_reasm {
	uint8_t *buf;
	size_t cap;
	uint32_t msg_id;
	uint32_t total;
	uint32_t got;
};

/* Results of alp_rpc_reasm_feed() that are not errors. */
#define ALP_RPC_REASM_MORE	0	/* fragment taken, more to come */
#define ALP_RPC_REASM_DONE	1	/* message complete: buf[0 .. *msg_len) */
#define ALP_RPC_REASM_REPLACED	2	/* a new first fragment replaced an unfinished message of the same id */

/* Length of a valid method name ([A-Za-z0-9_.-]{1,31}), or -1. */
ALP_RPC_CODEC_API int alp_rpc_method_len(const char *method);

/* Decode one transport message. Returns 0 and fills *f, or ALP_RPC_WIRE_E*. */
ALP_RPC_CODEC_API int alp_rpc_frame_decode(const void *msg, size_t len, struct alp_rpc_frame *f);

/* Encode "<method>\0<payload>" into buf. Returns the frame length or ALP_RPC_WIRE_E*. */
ALP_RPC_CODEC_API long alp_rpc_frame_encode_text(void *buf, size_t cap, const char *method,
			       const void *payload, size_t len);

/*
 * Encode a call frame. method may be NULL or "" for REPLY/ERROR. Returns the
 * frame length or ALP_RPC_WIRE_E* (kind/id/status rules as in the decoder).
 */
ALP_RPC_CODEC_API long alp_rpc_frame_encode_call(void *buf, size_t cap, uint8_t kind, uint8_t status,
			       uint32_t request_id, const char *method,
			       const void *payload, size_t len);

/* Space a frame needs: text and call framing. -1 for a bad method. */
ALP_RPC_CODEC_API long alp_rpc_frame_size_text(const char *method, size_t payload_len);
ALP_RPC_CODEC_API long alp_rpc_frame_size_call(const char *method, size_t payload_len);

/* 32-bit FNV-1a of a NUL-terminated string. */
ALP_RPC_CODEC_API uint32_t alp_rpc_fnv1a32(const char *s);

/*
 * Default source address for a channel name: FNV-1a of the name, folded into
 * [ALP_RPC_WIRE_ADDR_MIN, ALP_RPC_WIRE_ADDR_MAX - 1] when it falls outside,
 * so that it and the default peer address (src + 1) are usable on Linux.
 */
ALP_RPC_CODEC_API uint32_t alp_rpc_default_src(const char *name);

/*
 * Decode one fragment frame. Returns 0 and fills *fr, or ALP_RPC_WIRE_E*:
 * ETRUNC (shorter than the header, no data, or a first fragment without the
 * whole call header), EFIELD (reserved bits set, id 0, offset/length outside
 * total, flags not matching offset/length, total below a call frame's
 * minimum), EKIND/EMETHOD (the first fragment's call header is invalid).
 */
ALP_RPC_CODEC_API int alp_rpc_frag_decode(const void *msg, size_t len, struct alp_rpc_frag *fr);

/*
 * Start fragmenting the call frame (kind, status, request_id, method,
 * payload, len) as message msg_id (non-zero). Field rules and errors as
 * alp_rpc_frame_encode_call(); ALP_RPC_WIRE_ENOSPC if the frame exceeds
 * UINT32_MAX bytes. Returns the frame's total length (> 0).
 */
ALP_RPC_CODEC_API long alp_rpc_frag_begin(struct alp_rpc_fragmenter *fr, uint32_t msg_id,
					  uint8_t kind, uint8_t status, uint32_t request_id,
					  const char *method, const void *payload, size_t len);

/*
 * Write the next fragment into buf (at most cap bytes: the MTU). Returns its
 * length, 0 once every fragment was written, ALP_RPC_WIRE_ENOSPC when cap is
 * below ALP_RPC_WIRE_FRAG_MIN_MTU, ALP_RPC_WIRE_EINVAL for NULL.
 */
ALP_RPC_CODEC_API long alp_rpc_frag_next(struct alp_rpc_fragmenter *fr, void *buf, size_t cap);

/* Make r idle with buffer buf of cap bytes (the largest message it takes). */
ALP_RPC_CODEC_API void alp_rpc_reasm_init(struct alp_rpc_reasm *r, void *buf, size_t cap);

/*
 * Of n reassemblers, the one fr belongs to: the one assembling fr->msg_id,
 * else for a first fragment an idle one (the first whose capacity takes
 * fr->total, else the first idle: its feed then says ETOOBIG). NULL when
 * there is none: a first fragment with every reassembler busy (drop it, as
 * EBUSY), or a later fragment of no message being assembled (as ESEQ).
 */
ALP_RPC_CODEC_API struct alp_rpc_reasm *alp_rpc_reasm_pick(struct alp_rpc_reasm *r, size_t n,
							   const struct alp_rpc_frag *fr);

/* Drop the message being assembled (a timeout, the link went down). */
ALP_RPC_CODEC_API void alp_rpc_reasm_reset(struct alp_rpc_reasm *r);

/*
 * Feed one decoded fragment. Returns ALP_RPC_REASM_MORE, _DONE (buf holds
 * the whole call frame, *msg_len bytes; r is idle again and buf stays
 * untouched until the next first fragment) or _REPLACED, or an error:
 * ALP_RPC_WIRE_ESEQ (a fragment that does not continue the message: gap,
 * duplicate, reordering, other total, or not a first fragment while idle;
 * the unfinished message, if any, is dropped), ALP_RPC_WIRE_ETOOBIG (first
 * fragment of a message above cap: dropped), ALP_RPC_WIRE_EBUSY (r is
 * assembling another message: nothing changed, try another reassembler).
 */
ALP_RPC_CODEC_API int alp_rpc_reasm_feed(struct alp_rpc_reasm *r, const struct alp_rpc_frag *fr,
					 size_t *msg_len);

/* The capability payload of an alp.caps call or reply: max_msg = largest message taken. */
ALP_RPC_CODEC_API long alp_rpc_caps_encode(void *buf, size_t cap, uint32_t max_msg);
/* 0 and *max_msg, or ALP_RPC_WIRE_ETRUNC (short), ALP_RPC_WIRE_EFIELD (version 0). */
ALP_RPC_CODEC_API int alp_rpc_caps_decode(const void *payload, size_t len, uint32_t *max_msg);

#ifdef __cplusplus
}
#endif

#endif /* ALP_RPC_CODEC_H */
