// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the frame codec (lib/codec.c):
 * - the frame decoder: any message must decode or be refused without
 *   reading outside it, and whatever decodes must re-encode to the very
 *   same bytes (one encoding per frame);
 * - the fragment decoder and the reassembler: the input, cut into messages
 *   (each preceded by its length byte), is fed as fragments to three
 *   reassemblers of fixed capacity; nothing is read or written outside the
 *   messages and the buffers, a reassembler never holds more than its
 *   message's total, a completed message has exactly its total length;
 * - the fragmenter: the input as a payload, cut at an MTU taken from it,
 *   reassembles to the frame the one-frame encoder makes.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <stdlib.h>
#include <string.h>

#include <alp/rpc_codec.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void frame_roundtrip(const uint8_t *msg, size_t size)
{
	uint8_t out[1024];
	struct alp_rpc_frame f;
	long n;

	if (alp_rpc_frame_decode(msg, size, &f) != 0)
		return;
	if (f.method_len != strlen(f.method))
		abort();
	if ((const uint8_t *)f.payload + f.payload_len != msg + size)
		abort();
	if (f.framing == ALP_RPC_WIRE_TEXT)
		n = alp_rpc_frame_encode_text(out, sizeof(out), f.method, f.payload, f.payload_len);
	else
		n = alp_rpc_frame_encode_call(out, sizeof(out), f.kind, f.status, f.request_id,
					      f.method, f.payload, f.payload_len);
	if (size <= sizeof(out) && (n != (long)size || memcmp(out, msg, size)))
		abort();
}

/* The reassembler's invariants after every step. */
static void check_reasm(const struct alp_rpc_reasm *r)
{
	if (r->msg_id == 0 && (r->got || r->total))
		abort();
	if (r->msg_id && (r->total > r->cap || r->got > r->total || r->got == r->total))
		abort();
}

static void reassemble(const uint8_t *data, size_t size)
{
	static uint8_t bufs[3][1024];
	struct alp_rpc_reasm set[3];
	size_t caps[3] = { 64, 300, sizeof(bufs[2]) };

	for (int i = 0; i < 3; i++)
		alp_rpc_reasm_init(&set[i], bufs[i], caps[i]);
	while (size > 1) {
		size_t len = data[0] < size - 1 ? data[0] : size - 1;
		/* An exact-size copy: ASan flags any read past the fragment. */
		uint8_t *msg = malloc(len ? len : 1);
		struct alp_rpc_frag fr;
		struct alp_rpc_reasm *r;
		size_t msg_len;
		int rc;

		if (!msg)
			return;
		memcpy(msg, data + 1, len);
		data += 1 + len;
		size -= 1 + len;
		if (alp_rpc_frag_decode(msg, len, &fr) == 0) {
			if (fr.data != msg + ALP_RPC_WIRE_FRAG_HDR || fr.len + 16 != len ||
			    (uint64_t)fr.offset + fr.len > fr.total)
				abort();
			if ((fr.flags & ALP_RPC_WIRE_FRAG_FIRST) &&
			    (fr.head.framing != ALP_RPC_WIRE_CALL || !fr.head.method ||
			     fr.head.method_len != strlen(fr.head.method)))
				abort();
			r = alp_rpc_reasm_pick(set, 3, &fr);
			if (r) {
				rc = alp_rpc_reasm_feed(r, &fr, &msg_len);
				if (rc == ALP_RPC_REASM_DONE) {
					if (msg_len != fr.total || msg_len > r->cap)
						abort();
					frame_roundtrip(r->buf, msg_len);
				} else if (msg_len != 0) {
					abort();
				}
				check_reasm(r);
			}
		} else if (len && msg[0] == ALP_RPC_WIRE_FRAG_MAGIC) {
			struct alp_rpc_frame f;

			if (alp_rpc_frame_decode(msg, len, &f) != ALP_RPC_WIRE_EFRAG)
				abort();
		}
		free(msg);
	}
}

static void fragment(const uint8_t *data, size_t size)
{
	static uint8_t frame[1200], out[1200];
	uint8_t frag[600];
	struct alp_rpc_fragmenter fr;
	struct alp_rpc_reasm r;
	size_t mtu, got = 0;
	long total, n;
	int rc = -100;

	if (size < 2)
		return;
	mtu = ALP_RPC_WIRE_FRAG_MIN_MTU + data[0] % (sizeof(frag) - ALP_RPC_WIRE_FRAG_MIN_MTU + 1);
	total = alp_rpc_frag_begin(&fr, 1u + data[1], ALP_RPC_KIND_ONEWAY, 0, 0, "fz", data + 2,
				   size - 2);
	if (total != alp_rpc_frame_encode_call(frame, sizeof(frame), ALP_RPC_KIND_ONEWAY, 0, 0,
					       "fz", data + 2, size - 2))
		abort();
	alp_rpc_reasm_init(&r, out, sizeof(out));
	while ((n = alp_rpc_frag_next(&fr, frag, mtu)) > 0) {
		struct alp_rpc_frag d;

		if ((size_t)n > mtu || alp_rpc_frag_decode(frag, (size_t)n, &d) != 0)
			abort();
		rc = alp_rpc_reasm_feed(&r, &d, &got);
		if (rc < 0)
			abort();
	}
	if (n != 0 || rc != ALP_RPC_REASM_DONE || got != (size_t)total || memcmp(out, frame, got))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan flags any read past the message. */
	uint8_t *msg = malloc(size ? size : 1);

	if (!msg)
		return 0;
	memcpy(msg, data, size);
	frame_roundtrip(msg, size);
	free(msg);
	reassemble(data, size);
	fragment(data, size);
	return 0;
}
