// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-call: the simulated remote calls Linux. Injects one frame from SRC to
 * the Linux address DST on remote IDX and prints the answer captured on its
 * way back (for testing 'rpcctl serve' in the VM: the remote is the other
 * side). Capture is switched on for the call, so nothing else may use the
 * remote's capture meanwhile.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Usage: sim-call IDX SRC DST METHOD [PAYLOAD [text|call [TIMEOUT_MS]]]
 * Prints "<kind> <status> <method> <payload>" (kind reply/error/text,
 * status a wire status number); exit 0 on an answer, 3 when none came in
 * time, 2 on an error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <alp/rpc_codec.h>

#include "libsim.h"

int main(int argc, char **argv)
{
	uint8_t out[RPMSG_SIM_MAX_PAYLOAD], in[RPMSG_SIM_BUF_SIZE];
	const char *payload = argc > 5 ? argv[5] : "";
	bool text = argc > 6 && !strcmp(argv[6], "text");
	int timeout = argc > 7 ? atoi(argv[7]) : 3000;
	struct rpmsg_sim_msg h;
	struct alp_rpc_frame f;
	uint32_t src, dst;
	struct sim *sim;
	long n;
	int rc;

	if (argc < 5) {
		fprintf(stderr, "usage: sim-call IDX SRC DST METHOD [PAYLOAD [text|call [TIMEOUT_MS]]]\n");
		return 1;
	}
	src = (uint32_t)strtoul(argv[2], NULL, 0);
	dst = (uint32_t)strtoul(argv[3], NULL, 0);
	n = text ? alp_rpc_frame_encode_text(out, sizeof(out), argv[4], payload, strlen(payload)) :
		   alp_rpc_frame_encode_call(out, sizeof(out), ALP_RPC_KIND_REQUEST, 0, 0x1234,
					     argv[4], payload, strlen(payload));
	if (n < 0) {
		fprintf(stderr, "sim-call: cannot encode the frame (%ld)\n", n);
		return 1;
	}
	rc = sim_open_index((unsigned int)strtoul(argv[1], NULL, 0), &sim);
	if (!rc)
		rc = sim_capture(sim, true);
	if (!rc)
		rc = sim_inject(sim, src, dst, out, (size_t)n);
	if (rc) {
		fprintf(stderr, "sim-call: %s\n", strerror(-rc));
		return 2;
	}
	for (;;) {
		ssize_t len = sim_recv(sim, &h, in, sizeof(in), timeout);

		if (len == -ETIMEDOUT || len == -EAGAIN) {
			fprintf(stderr, "sim-call: no answer within %d ms\n", timeout);
			return 3;
		}
		if (len < 0) {
			fprintf(stderr, "sim-call: %s\n", strerror((int)-len));
			return 2;
		}
		if (h.src != dst || h.dst != src || alp_rpc_frame_decode(in, (size_t)len, &f))
			continue;	/* someone else's message */
		printf("%s %u %s %.*s\n",
		       f.framing == ALP_RPC_WIRE_TEXT ? "text" :
		       f.kind == ALP_RPC_KIND_REPLY ? "reply" : "error",
		       f.status, f.method, (int)f.payload_len, (const char *)f.payload);
		break;
	}
	sim_capture(sim, false);
	sim_close(sim);
	return 0;
}
