// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the frame decoder (lib/codec.c): any message must
 * decode or be refused without reading outside it, and whatever decodes
 * must re-encode to the very same bytes (one encoding per frame).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <stdlib.h>
#include <string.h>

#include <alp/rpc_codec.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan flags any read past the message. */
	uint8_t *msg = malloc(size ? size : 1), out[1024];
	struct alp_rpc_frame f;
	long n;

	if (!msg)
		return 0;
	memcpy(msg, data, size);
	if (alp_rpc_frame_decode(msg, size, &f) == 0) {
		if (f.method_len != strlen(f.method))
			abort();
		if ((const uint8_t *)f.payload + f.payload_len != msg + size)
			abort();
		if (f.framing == ALP_RPC_WIRE_TEXT)
			n = alp_rpc_frame_encode_text(out, sizeof(out), f.method, f.payload,
						      f.payload_len);
		else
			n = alp_rpc_frame_encode_call(out, sizeof(out), f.kind, f.status,
						      f.request_id, f.method, f.payload,
						      f.payload_len);
		if (size <= sizeof(out) && (n != (long)size || memcmp(out, msg, size)))
			abort();
	}
	free(msg);
	return 0;
}
