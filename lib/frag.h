/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librpc internals: call frames larger than the MTU (docs/wire-format.md,
 * "Fragments"; docs/librpc.md, "Large messages"). Never installed.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef LIBRPC_FRAG_H
#define LIBRPC_FRAG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <alp/rpc.h>
#include <alp/rpc_codec.h>

/* Defaults of the config fields max_msg, frag_mem, frag_timeout_ms. */
#define RPC_FRAG_MAX_MSG_DEFAULT	65536u
#define RPC_FRAG_MEM_FACTOR		4u	/* frag_mem 0: this many maximum messages */
#define RPC_FRAG_TIMEOUT_DEFAULT_MS	5000u
/* Partial messages a channel assembles at once. */
#define RPC_FRAG_PARTS			8

/* One message being assembled: its buffer is total bytes, allocated at its first fragment. */
struct rpc_frag_part {
	struct alp_rpc_reasm r;
	uint64_t last_ns;		/* when its last fragment came (expiry) */
};

/* The receive side of a channel: the poll thread's alone. */
struct rpc_frag_rx {
	struct rpc_frag_part part[RPC_FRAG_PARTS];
	size_t bytes;			/* buffers of the partial messages */
	size_t max_msg;			/* largest message taken */
	size_t max_bytes;		/* bound of bytes */
	uint64_t timeout_ns;
	uint8_t *done;			/* the last completed message, freed at the next feed */
};

/* What one received fragment gave. */
struct rpc_frag_result {
	const uint8_t *frame;		/* a complete call frame (valid until the next feed), or NULL */
	size_t len;
	bool malformed;			/* the fragment itself did not decode */
	unsigned int dropped;		/* partial messages dropped (sequence, expiry, replaced, refused) */
	unsigned int orphans;		/* this fragment belonged to no message being assembled */
	/* A REQUEST refused at its first fragment (too large, no room): answer TOO_LARGE. */
	bool refuse;
	uint32_t refuse_id;
	char refuse_method[ALP_RPC_METHOD_MAX_LEN];
};

void rpc_frag_rx_init(struct rpc_frag_rx *rx, size_t max_msg, size_t max_bytes,
		      uint32_t timeout_ms);
void rpc_frag_rx_feed(struct rpc_frag_rx *rx, const uint8_t *msg, size_t len, uint64_t now_ns,
		      struct rpc_frag_result *res);
/* Drop partial messages idle for the timeout; returns how many. */
unsigned int rpc_frag_rx_expire(struct rpc_frag_rx *rx, uint64_t now_ns);
/* When the oldest partial message expires (0: none). */
uint64_t rpc_frag_rx_next_expiry(const struct rpc_frag_rx *rx);
/* Drop everything (link down, close); returns the partial messages dropped. */
unsigned int rpc_frag_rx_reset(struct rpc_frag_rx *rx);

/* What a channel knows of its peer's fragment capability, per link. */
enum rpc_caps_state {
	RPC_CAPS_UNKNOWN,		/* not asked on this link */
	RPC_CAPS_NONE,			/* the peer answered NO_METHOD: takes no fragments */
	RPC_CAPS_KNOWN,			/* peer_max holds its maximum */
};

/* The send side of a channel: atomics, any thread. */
struct rpc_frag_tx {
	_Atomic uint32_t next_msg_id;
	_Atomic int caps;		/* enum rpc_caps_state */
	_Atomic uint32_t peer_max;
};

#endif
