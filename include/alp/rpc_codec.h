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

#ifdef __cplusplus
}
#endif

#endif /* ALP_RPC_CODEC_H */
