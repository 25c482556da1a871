/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <alp/rpc_ext.h>: librpc extensions to <alp/rpc.h> — server handlers,
 * asynchronous calls, raw mode, statistics, channels over an existing fd.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Same conventions as <alp/rpc.h>: alp_status_t returns, thread-local last
 * error, callbacks on the channel's poll thread, thread-safe functions.
 */
#ifndef ALP_RPC_EXT_H
#define ALP_RPC_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <alp/rpc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Wire statuses a server handler returns (ESP-AMP RPC's statuses). */
#define ALP_RPC_STATUS_OK		0	/* reply carries the result */
#define ALP_RPC_STATUS_NO_METHOD	1	/* caller gets ALP_ERR_NOMETHOD */
#define ALP_RPC_STATUS_EXEC_FAILED	2	/* caller gets ALP_ERR_REMOTE */
#define ALP_RPC_STATUS_BAD_PACKET	3	/* caller gets ALP_ERR_PROTO */
#define ALP_RPC_STATUS_TIMEOUT		4	/* caller gets ALP_ERR_TIMEOUT */
#define ALP_RPC_STATUS_TOO_LARGE	5	/* caller gets ALP_ERR_MSGSIZE */

/*
 * Open a channel over an already connected, message-preserving fd
 * (SOCK_SEQPACKET or SOCK_DGRAM socket, rpmsg char node; anything else,
 * such as a regular file, a pipe or a stream socket, is ALP_ERR_INVAL).
 * The channel takes ownership of fd (closed by alp_rpc_close(), also on
 * failure) and makes it non-blocking. There is no
 * reconnection: once the peer hangs up the channel stays down
 * (ALP_ERR_NOT_READY). cfg->node must be NULL; cfg->name is still required.
 */
alp_rpc_channel_t *alp_rpc_open_fd(const alp_rpc_config_t *cfg, int fd);
/* The same, told sizeof(*cfg) (see alp_rpc_open_sized() in <alp/rpc.h>). */
alp_rpc_channel_t *alp_rpc_open_fd_sized(size_t cfg_size, const alp_rpc_config_t *cfg, int fd);
#define alp_rpc_open_fd(...) alp_rpc_open_fd_sized(sizeof(alp_rpc_config_t), __VA_ARGS__)

/*
 * Server handler: req/req_len is the request body; write at most *resp_len
 * bytes (capacity on entry) to resp and set *resp_len to the reply length.
 * Return an ALP_RPC_STATUS_* value; with any status other than OK the reply
 * body is sent as diagnostic payload of the error frame. Runs on the poll
 * thread. A *resp_len larger than the capacity is answered BAD_PACKET.
 */
typedef int (*alp_rpc_handler_t)(const void *req, size_t req_len,
				 void *resp, size_t *resp_len, void *user);

/*
 * Start reading a channel opened with ALP_RPC_OPEN_PAUSED: the frames that
 * arrived meanwhile are dispatched first, in order, to the subscriptions and
 * servers registered by then. Until it is called, alp_rpc_call() and
 * alp_rpc_call_async() return ALP_ERR_NOT_READY (nothing would read the
 * reply); sends work. ALP_OK also when the channel is already reading.
 * ALP_ERR_INVAL for NULL, ALP_ERR_NOT_READY once close has started,
 * ALP_ERR_NOMEM when the poll thread cannot be created. Thread-safe.
 */
alp_status_t alp_rpc_resume(alp_rpc_channel_t *ch);

/*
 * Serve method: requests (call framing) or frames (text framing) for it go
 * to handler and its result is sent back. Replaces a previous handler;
 * handler NULL removes it. Requests for methods nobody serves are answered
 * ALP_RPC_STATUS_NO_METHOD (call framing). ALP_ERR_NOMEM when
 * ALP_RPC_SERVE_MAX handlers exist.
 */
alp_status_t alp_rpc_serve(alp_rpc_channel_t *ch, const char *method,
			   alp_rpc_handler_t handler, void *user);

/*
 * Completion of an asynchronous call: status is ALP_OK (resp/len = reply),
 * a peer error (ALP_ERR_NOMETHOD, ALP_ERR_REMOTE, ALP_ERR_PROTO,
 * ALP_ERR_TIMEOUT with the diagnostic payload if any), ALP_ERR_TIMEOUT when
 * timeout_ms elapsed locally, ALP_ERR_NOT_READY when the link went down or
 * the channel was closed. Called exactly once, on the poll thread.
 */
typedef void (*alp_rpc_done_cb_t)(alp_status_t status, const void *resp, size_t len, void *user);

/*
 * Start a call and return at once. When this returns ALP_OK, done is called
 * exactly once, on the poll thread (never from inside this function);
 * otherwise it is never called. timeout_ms == UINT32_MAX: no timeout.
 * Requires call framing (ALP_ERR_NOSUPPORT otherwise). May be used from
 * callbacks, including done itself.
 */
alp_status_t alp_rpc_call_async(alp_rpc_channel_t *ch, const char *method,
				const void *req, size_t req_len, uint32_t timeout_ms,
				alp_rpc_done_cb_t done, void *user);

/*
 * Catch-all for frames no subscription matched (text frames and one-way call
 * frames); cb NULL removes it. Uses the reference's alp_rpc_msg_cb_t.
 * ALP_ERR_NOSUPPORT on a raw channel (nothing is parsed there).
 */
alp_status_t alp_rpc_set_msg_cb(alp_rpc_channel_t *ch, alp_rpc_msg_cb_t cb, void *user);

/*
 * Raw mode (ALP_RPC_FRAMING_RAW): every received message, unparsed.
 * ALP_ERR_NOSUPPORT on a framed channel (it would never fire).
 */
typedef void (*alp_rpc_raw_cb_t)(const void *msg, size_t len, void *user);
alp_status_t alp_rpc_set_raw_cb(alp_rpc_channel_t *ch, alp_rpc_raw_cb_t cb, void *user);
/* Write one message as is (any framing). ALP_ERR_MSGSIZE above the MTU. */
alp_status_t alp_rpc_send_raw(alp_rpc_channel_t *ch, const void *msg, size_t len);

/* Per-channel counters. Fields are only ever appended. */
typedef struct {
	uint64_t tx_frames;		/* messages written */
	uint64_t tx_bytes;
	uint64_t rx_frames;		/* messages read, valid or not */
	uint64_t rx_bytes;		/* of every message read, oversize ones at their true length */
	uint64_t rx_malformed;		/* dropped: failed to decode */
	uint64_t rx_oversize;		/* dropped: larger than the MTU */
	uint64_t rx_unmatched_reply;	/* reply/error for an unknown, expired or already answered id */
	uint64_t rx_unhandled;		/* valid frame nobody subscribed to */
	uint64_t calls_ok;
	uint64_t calls_failed;		/* peer error, local error or link down */
	uint64_t calls_timeout;
	uint64_t link_down;		/* times the transport went away */
	uint64_t link_up;		/* times it (re)connected, including open */
	uint64_t replies_failed;	/* server replies that could not be written */
	uint64_t rx_dropped;		/* times the transport said it dropped received messages */
	/* Large messages (docs/librpc.md, "Large messages"): */
	uint64_t tx_fragments;		/* fragment frames written (also counted in tx_frames) */
	uint64_t rx_fragments;		/* valid fragment frames read (also in rx_frames) */
	uint64_t rx_reasm_dropped;	/* messages dropped unfinished: gap, duplicate, expired, refused, link down */
	uint64_t rx_frag_orphans;	/* fragments of no message being put together (dropped) */
} alp_rpc_stats_t;

/*
 * Copy the counters into *out; size is sizeof(*out) as the caller compiled
 * it (a smaller, older struct gets its prefix).
 */
alp_status_t alp_rpc_get_stats(alp_rpc_channel_t *ch, alp_rpc_stats_t *out, size_t size);

/* Largest message the transport carries (bytes, framing included); 0 if ch is NULL. */
size_t alp_rpc_mtu(alp_rpc_channel_t *ch);

/*
 * Largest frame the channel sends or takes (bytes, framing included): its
 * max_msg with call framing (larger frames travel in fragments, when the
 * peer takes them too), else the MTU; 0 if ch is NULL.
 */
size_t alp_rpc_max_msg(alp_rpc_channel_t *ch);

/* Whether the transport is currently connected. */
bool alp_rpc_is_connected(alp_rpc_channel_t *ch);

/*
 * Wait up to timeout_ms (UINT32_MAX: forever) for the link to be up.
 * ALP_ERR_TIMEOUT otherwise; ALP_ERR_BUSY from the poll thread.
 */
alp_status_t alp_rpc_wait_connected(alp_rpc_channel_t *ch, uint32_t timeout_ms);

/*
 * The addresses the channel uses: after the defaults were applied, and on
 * our driver the ones the kernel reports once connected (the allocated
 * source; the destination, or 0xffffffff while a bind by name waits for
 * the remote's announcement). Thread-safe.
 */
alp_status_t alp_rpc_get_addrs(alp_rpc_channel_t *ch, uint32_t *src, uint32_t *dst);

/* Static English text for a status code; never NULL. */
const char *alp_strerror(alp_status_t status);

#ifdef __cplusplus
}
#endif

#endif /* ALP_RPC_EXT_H */
