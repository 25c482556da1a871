/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <alp/rpc.h>: framed RPC over RPMsg, Linux implementation (librpc).
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * The surface below is the reference <alp/rpc.h> (v0.6, ABI-stable): the
 * types, callback signatures and function signatures are kept exactly.
 * librpc appends optional fields to alp_rpc_config_t (allowed by the
 * reference); extensions that need new functions live in <alp/rpc_ext.h>.
 *
 * Error reporting: every function taking a channel returns an alp_status_t
 * (ALP_OK or a negative ALP_ERR_* code) and stores the same value in the
 * calling thread's last-error slot, read with alp_last_error(). Functions
 * returning a pointer return NULL on failure and set the slot too.
 *
 * Threading: every function is thread-safe unless its comment says
 * otherwise. Callbacks run on the channel's own poll thread, one at a time.
 * See docs/librpc.md for the full model.
 */
#ifndef ALP_RPC_H
#define ALP_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. ALP_OK is zero, errors are negative and stable. */
typedef int32_t alp_status_t;

#define ALP_OK			0
#define ALP_ERR_INVAL		(-1)	/* bad argument or method name */
#define ALP_ERR_NOMEM		(-2)	/* allocation failed or table full */
#define ALP_ERR_NOT_READY	(-3)	/* peer/node absent, link down, channel closing */
#define ALP_ERR_NOSUPPORT	(-4)	/* backend or feature not available */
#define ALP_ERR_TIMEOUT		(-5)	/* no reply in time (local or peer-reported) */
#define ALP_ERR_IO		(-6)	/* transport read/write failed */
#define ALP_ERR_MSGSIZE		(-7)	/* frame larger than the transport MTU, or reply larger than resp */
#define ALP_ERR_BUSY		(-8)	/* would deadlock: blocking call from the channel's own callback */
#define ALP_ERR_NOMETHOD	(-9)	/* peer has no handler for the method */
#define ALP_ERR_REMOTE		(-10)	/* peer handler reported failure */
#define ALP_ERR_PROTO		(-11)	/* peer reported a bad packet, or sent one */
/* librpc extension: no access to the node, node not writable, reserved or foreign address */
#define ALP_ERR_PERM		(-12)

/* Method names: [A-Za-z0-9_.-]+, at most 31 characters + NUL on the wire. */
#define ALP_RPC_METHOD_MAX_LEN	32
#define ALP_RPC_DEFAULT_MBOX_CH	0u
/* Per-channel table sizes of this implementation (reference v0.6: 8). */
#define ALP_RPC_SUBSCRIBE_MAX	16
#define ALP_RPC_SERVE_MAX	16

/* Values of alp_rpc_config_t.framing (librpc extension, see docs/wire-format.md). */
#define ALP_RPC_FRAMING_TEXT	0u	/* reference framing "<method>\0<payload>" (default) */
#define ALP_RPC_FRAMING_CALL	1u	/* binary call frames: request ids, many calls in flight */
#define ALP_RPC_FRAMING_RAW	2u	/* no framing: whole messages, see alp_rpc_set_raw_cb() */

/* Opaque channel handle: alp_rpc_open() allocates it, alp_rpc_close() frees it. */
typedef struct alp_rpc_channel alp_rpc_channel_t;

typedef struct {
	const char *name;	/* endpoint / service name, required */
	uint32_t src_ept;	/* this side; 0 -> default address from name */
	/*
	 * peer side; 0 -> on our driver (rpmsg_rpc), bind by name to the
	 * remote's announcement of `name`; on the other transports src_ept + 1
	 */
	uint32_t dst_ept;
	uint32_t mbox_ch;	/* accepted and ignored on Linux */
	bool cacheable;		/* accepted and ignored on Linux */
	/* ---- librpc extensions (zero = default); appended, never reordered ---- */
	uint32_t framing;	/* ALP_RPC_FRAMING_* */
	/*
	 * node: NULL to discover by name through udev; or "/dev/rpmsgN",
	 * "/dev/rpmsg_ctrlN", "/dev/rpmsg_rpc_ctrlN", "rpmsg_char:PATH",
	 * "rpmsg_rpc:PATH" (empty PATH: that backend, by discovery),
	 * "unix:PATH", "unix:@ABSTRACT", "unix-listen:PATH".
	 */
	const char *node;
	/* How long open waits for the peer: 0 -> 5000 ms, UINT32_MAX -> forever. */
	uint32_t open_timeout_ms;
	uint32_t flags;		/* ALP_RPC_OPEN_* */
	/*
	 * Messages larger than the MTU (call framing; docs/librpc.md, "Large
	 * messages"): the largest call frame sent or taken in fragments, 0 ->
	 * 65536, at most the MTU -> none; the memory for messages being put
	 * together, 0 -> 4 * max_msg; how long a partial message may wait for
	 * its next fragment, 0 -> 5000 ms.
	 */
	uint32_t max_msg;
	uint32_t frag_mem;
	uint32_t frag_timeout_ms;
	uint32_t reserved;	/* must be 0 (keeps the size a multiple of 8 on LP64) */
} alp_rpc_config_t;

/*
 * Open without reading: nothing is read from the peer (it waits in the
 * transport's queue) until alp_rpc_resume() in <alp/rpc_ext.h>, so that
 * subscriptions and servers registered in between see the first frames.
 */
#define ALP_RPC_OPEN_PAUSED	0x1u

/* Any frame (method already parsed); used by alp_rpc_set_msg_cb() in <alp/rpc_ext.h>. */
typedef void (*alp_rpc_msg_cb_t)(const char *method, const void *payload, size_t len, void *user);
/* A frame of one subscribed method. payload is valid only during the call. */
typedef void (*alp_rpc_method_cb_t)(const void *payload, size_t len, void *user);

/*
 * Open a channel. Waits up to cfg->open_timeout_ms (default 5 s) for the
 * peer's node to exist. Returns NULL with alp_last_error() = ALP_ERR_INVAL
 * (cfg/name NULL, name not a valid method-like name, unknown framing or node
 * syntax), ALP_ERR_NOMEM, ALP_ERR_NOT_READY (node did not appear in time),
 * ALP_ERR_NOSUPPORT (backend not available), ALP_ERR_IO.
 * The caller owns the handle until alp_rpc_close().
 */
alp_rpc_channel_t *alp_rpc_open(const alp_rpc_config_t *cfg);

/*
 * librpc extension: alp_rpc_open() told how large *cfg is (cfg_size =
 * sizeof(alp_rpc_config_t) as the caller was compiled), so that the struct
 * can grow: fields past cfg_size are taken as zero (their defaults), and a
 * caller built against a newer, larger struct gets ALP_ERR_NOSUPPORT if it
 * sets a field this library does not know. ALP_ERR_INVAL if cfg_size does
 * not cover the reference's fields (name .. cacheable). The macro below
 * makes every alp_rpc_open(cfg) call this one (docs/librpc.md, "Growing
 * the config"); bindings that call through dlsym/FFI should call it
 * directly with their own struct size. The size comes first so that the
 * macro can pass a compound literal (commas and all) through __VA_ARGS__.
 */
alp_rpc_channel_t *alp_rpc_open_sized(size_t cfg_size, const alp_rpc_config_t *cfg);
#define alp_rpc_open(...) alp_rpc_open_sized(sizeof(alp_rpc_config_t), __VA_ARGS__)

/*
 * Close a channel: drops every subscription and server handler, makes
 * outstanding alp_rpc_call()s return ALP_ERR_NOT_READY, completes pending
 * async calls with ALP_ERR_NOT_READY, stops the poll thread, frees the handle.
 * NULL is a no-op. May be called from any thread, including from one of the
 * channel's own callbacks (the handle is then freed once the callback
 * returns). No other function may be called on the handle once close has
 * started, except those already blocked in it.
 */
void alp_rpc_close(alp_rpc_channel_t *ch);

/*
 * Subscribe cb to frames whose method matches; replaces a previous callback
 * for the same method; cb == NULL unsubscribes. ALP_ERR_NOMEM when the
 * per-channel table (ALP_RPC_SUBSCRIBE_MAX entries) is full,
 * ALP_ERR_NOSUPPORT on a raw channel. Subscriptions survive link drops.
 */
alp_status_t alp_rpc_subscribe(alp_rpc_channel_t *ch, const char *method,
			       alp_rpc_method_cb_t cb, void *user);

/*
 * Remove the subscription for method (ALP_OK also when there was none).
 * When called from a thread other than the poll thread, it returns only once
 * a running invocation of that callback has finished, so user data may be
 * freed afterwards. Called from the callback itself it returns at once.
 */
alp_status_t alp_rpc_unsubscribe(alp_rpc_channel_t *ch, const char *method);

/*
 * Fire-and-forget: frame (method, payload) and write it to the transport
 * (a text frame, or a one-way call frame with call framing). Returns once
 * the transport took it (every fragment of a large one). ALP_ERR_MSGSIZE
 * (nothing sent) when the frame exceeds the MTU (text framing) or what the
 * channel or the peer takes (call framing), ALP_ERR_NOT_READY when the link is down,
 * ALP_ERR_NOSUPPORT on a raw channel.
 */
alp_status_t alp_rpc_send(alp_rpc_channel_t *ch, const char *method,
			  const void *payload, size_t len);

/*
 * Synchronous call. Text framing: sends the frame and waits for a frame with
 * the same method (calls on one channel are serialised). Call framing: sends
 * a request with a fresh id and waits for the reply with that id (calls from
 * many threads are in flight together); requests and replies up to the
 * channel's max_msg travel in fragments (alp_rpc_max_msg()).
 * resp/resp_len: both NULL -> reply body discarded; otherwise *resp_len is
 * the capacity on entry and the reply length on exit (ALP_ERR_MSGSIZE, with
 * *resp_len set to the needed length, when the reply does not fit).
 * timeout_ms == UINT32_MAX waits forever. Returns ALP_ERR_BUSY when called
 * from a callback running on the same channel's poll thread,
 * ALP_ERR_MSGSIZE (nothing sent) for a request above the MTU (text
 * framing) or above what the channel or the peer takes (call framing), the peer's
 * status as ALP_ERR_NOMETHOD/REMOTE/PROTO/TIMEOUT (call framing), and
 * ALP_ERR_NOT_READY when the link drops or the channel closes meanwhile.
 * With a peer status, resp/resp_len hold the diagnostic payload of the
 * peer's error frame (cut to the capacity; 0 when it sent none); after any
 * other error *resp_len is 0.
 */
alp_status_t alp_rpc_call(alp_rpc_channel_t *ch, const char *method,
			  const void *req, size_t req_len,
			  void *resp, size_t *resp_len, uint32_t timeout_ms);

/* The calling thread's last status (ALP_OK after a successful call). */
alp_status_t alp_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* ALP_RPC_H */
