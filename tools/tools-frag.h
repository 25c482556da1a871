/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Large messages for the commands that speak the wire format themselves
 * (serve and listen read raw messages): fragments put back together, the
 * alp.caps handshake answered, large replies sent in fragments
 * (docs/wire-format.md, "Fragments"), with the codec of <alp/rpc_codec.h>.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPCCTL_TOOLS_FRAG_H
#define RPCCTL_TOOLS_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <alp/rpc_codec.h>

/* The largest message serve and listen take (as the payload options: 1 MiB). */
#define TOOLS_MAX_MSG (1u << 20)
#define TOOLS_FRAG_PARTS 4

struct frag_peer {
	struct alp_rpc_reasm r[TOOLS_FRAG_PARTS];	/* buffers allocated per message */
	uint8_t *done;		/* the last message put together, freed at the next one */
	uint32_t next_msg_id;
	bool caps_known;	/* the peer told its maximum (its alp.caps call) */
	uint32_t peer_max;
};

/* Writes one message to the peer: 0 or -errno. */
typedef int (*frag_send_fn)(const void *buf, size_t len, void *arg);

void frag_peer_init(struct frag_peer *fp);
/* The peer went away: drop partial messages and what it told. */
void frag_peer_reset(struct frag_peer *fp);
/*
 * A received message: returns what to handle, msg itself (anything but a
 * fragment) or a message the fragment completed (*len updated); NULL when
 * there is nothing to handle yet (a fragment; a broken message is dropped
 * with a warning).
 */
const uint8_t *frag_peer_in(struct frag_peer *fp, const uint8_t *msg, size_t *len);
/*
 * If f is an alp.caps request: learn the peer's maximum, answer with ours
 * and return true (nothing else to do with it).
 */
bool frag_peer_caps(struct frag_peer *fp, const struct alp_rpc_frame *f, frag_send_fn send,
		    void *arg);
/*
 * Send a call frame of any size: one message when it fits the MTU, else
 * fragments when the peer takes them. 0, -EMSGSIZE (too large for the
 * peer), -EINVAL (bad fields) or what send returned.
 */
int frag_peer_send_call(struct frag_peer *fp, uint8_t kind, uint8_t status, uint32_t id,
			const char *method, const void *body, size_t len, frag_send_fn send,
			void *arg);

#endif /* RPCCTL_TOOLS_FRAG_H */
