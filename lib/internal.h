/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librpc internals shared by the lib/ files; never installed.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef LIBRPC_INTERNAL_H
#define LIBRPC_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <alp/rpc.h>
#include <alp/rpc_codec.h>
#include <alp/rpc_ext.h>

#include "frag.h"
#include "lock.h"

#define RPC_EXPORT __attribute__((visibility("default")))
/* A static helper of the call path, inlined into its caller whatever the heuristics say. */
#define RPC_HOT_INLINE static inline __attribute__((always_inline))

/* Key of the one-entry hook tables (not a valid method name). */
#define RPC_HOOK "*"

/* Largest message any transport gives us; longer ones are counted oversize. */
#define RPC_RX_BUF 4096
#define RPC_DEFAULT_OPEN_TIMEOUT_MS 5000u
/*
 * alp_rpc_config_t sizes: the reference's own fields (the least a caller may
 * pass), and the layout of release 1.0, which the unsized LIBRPC_1.0 entry
 * points assume (binaries built before alp_rpc_open_sized() existed).
 */
#define RPC_CONFIG_SIZE_MIN offsetof(alp_rpc_config_t, framing)
#define RPC_CONFIG_SIZE_1_0 (offsetof(alp_rpc_config_t, flags) + sizeof(uint32_t))
/* A send to a full node gives up after this long (both drivers' default tx timeout). */
#define RPC_NODE_TX_TIMEOUT_MS 15000u
/* ... and tries again at least this often (not every driver reports POLLOUT). */
#define RPC_NODE_TX_RETRY_MS 10
/*
 * Frames a calling thread may have read for the poll thread and not yet seen
 * dispatched; at this many, callers stop reading and leave it to the poll
 * thread (back-pressure when a callback is slow).
 */
#define RPC_RXQ_MAX 64
/*
 * After a reading caller met a frame for the poll thread (a request, an
 * event: traffic that is not just replies), this many calls leave reading to
 * the poll thread, so that such traffic costs no more thread switches than
 * before callers read.
 */
#define RPC_LEAD_COOLDOWN 16
/*
 * A reading caller reads before it polls (the reply may be there already);
 * after reads that found nothing, up to this many waits poll first (reader.c).
 */
#define RPC_EAGER_SKIP_MAX 64

/* epoll tags of the poll thread's fds (poll.c; reader.c arms the transport's) */
enum rpc_ev { RPC_EV_WAKE, RPC_EV_TRANSPORT, RPC_EV_WATCH };

/* codec.c, not part of the codec API: encode a method already validated (mlen = its length) */
long rpc_codec_encode_text_known(void *buf, size_t cap, const char *method, size_t mlen,
				 const void *payload, size_t len);
long rpc_codec_encode_call_known(void *buf, size_t cap, uint8_t kind, uint8_t status,
				 uint32_t request_id, const char *method, size_t mlen,
				 const void *payload, size_t len);

/*
 * The library's thread-locals (the last error, the poll thread's channel):
 * initial-exec, read and written at a fixed offset from the thread pointer,
 * where the default model of a shared library calls __tls_get_addr on
 * every access (three per call, about 45 instructions). It takes 16 bytes
 * of the static TLS space glibc keeps for libraries loaded by dlopen() (the
 * Python binding's case; 512 bytes by default).
 */
#define RPC_TLS _Thread_local __attribute__((tls_model("initial-exec")))

/* error.c */
extern RPC_TLS alp_status_t rpc_last_error;

/* Record st as the calling thread's last error (alp_last_error()) and return it. */
static inline alp_status_t rpc_set_error(alp_status_t st)
{
	rpc_last_error = st;
	return st;
}
alp_status_t rpc_errno_status(int err);

/* util.c: helpers that belong to no object */
void rpc_strlcpy(char *dst, const char *src, size_t cap);
uint64_t rpc_now_ns(void);
/* Absolute CLOCK_MONOTONIC deadline for a cond wait; false when forever. */
bool rpc_deadline(struct timespec *ts, uint32_t timeout_ms);
/* Milliseconds until the absolute CLOCK_MONOTONIC time ts (rounded up, >= 0). */
int rpc_ms_until(const struct timespec *ts);

/* ---- transports (transport.c, transport_*.c) ---------------------------- */

struct rpc_transport;

/*
 * A transport turns a node spec into a connected, message-preserving fd and,
 * when the link drops, knows how to wait for the peer to come back.
 * All ops run on the poll thread, except connect() during open.
 */
struct rpc_transport_ops {
	const char *name;
	/* Try to connect now; 0 and t->fd set, or -errno (-EAGAIN: not there yet). */
	int (*connect)(struct rpc_transport *t);
	/* Close t->fd after a hang-up (keeps whatever is needed to reconnect). */
	void (*disconnect)(struct rpc_transport *t);
	/* fd that becomes readable when connect() is worth retrying, or -1. */
	int (*watch_fd)(struct rpc_transport *t);
	/* Consume the event on watch_fd. */
	void (*watch_drain)(struct rpc_transport *t);
	/* Free everything. */
	void (*destroy)(struct rpc_transport *t);
	/* Read one message (optional; default rpc_transport_recv_msg). */
	ssize_t (*recv)(struct rpc_transport *t, void *buf, size_t cap);
};

struct rpc_transport {
	const struct rpc_transport_ops *ops;
	int fd;			/* connected message fd, -1 when down */
	int cancel_fd;		/* readable: a blocked send gives up (-ECANCELED); -1: none */
	/*
	 * Largest message, framing included. Atomic: senders read it without
	 * tx_lock while a reconnect (driver backend) may change it.
	 */
	_Atomic size_t mtu;
	bool is_socket;		/* use send/recv (MSG_TRUNC tells the real size) */
	/* Set by a failed connect(): retry after this long even without a watch event (0: don't). */
	int retry_ms;
	char name[ALP_RPC_METHOD_MAX_LEN];
	uint32_t src, dst;	/* requested by the channel's configuration */
	/*
	 * Set by connect() where the kernel reports the endpoint's real
	 * addresses (our driver: the allocated src, the bound dst).
	 */
	bool addrs_known;
	uint32_t bound_src, bound_dst;
	struct rpc_udev_watch *udev;	/* rpmsg backends: node add/remove events */
	void *priv;			/* backend state, freed by rpc_transport_free */
};

/* transport.c: the backend cfg->node names (docs/librpc.md, "Opening"); -EINVAL: none. */
int rpc_transport_new(struct rpc_transport **out, const alp_rpc_config_t *cfg, uint32_t src,
		      uint32_t dst);
/* the backends */
int rpc_transport_fd_new(struct rpc_transport **out, int fd);
int rpc_transport_unix_new(struct rpc_transport **out, const char *spec, bool listen);
int rpc_transport_rpmsg_char_new(struct rpc_transport **out, const char *node,
				  const char *name, uint32_t src, uint32_t dst);
int rpc_transport_rpmsg_rpc_new(struct rpc_transport **out, const char *node,
				const char *name, uint32_t src, uint32_t dst, bool bind_by_name);
void rpc_transport_free(struct rpc_transport *t);
/* A transport with a zeroed priv of priv_size bytes; NULL when out of memory. */
struct rpc_transport *rpc_transport_alloc(const struct rpc_transport_ops *ops, size_t priv_size);
/* Record the endpoint identity and start watching udev (subsystem NULL: all). */
void rpc_transport_set_ident(struct rpc_transport *t, const char *name, uint32_t src,
			     uint32_t dst, const char *subsystem);
/* watch_fd / watch_drain ops for backends that wait on udev. */
int rpc_transport_udev_fd(struct rpc_transport *t);
void rpc_transport_udev_drain(struct rpc_transport *t);
/* disconnect op for backends whose fd is all the connection state */
void rpc_transport_close_fd(struct rpc_transport *t);
bool rpc_fd_is_socket(int fd);
/* transport_rpmsg_rpc.c: fd is an endpoint of rpmsg_rpc.ko (node or anonymous). */
bool rpc_rpmsg_rpc_is_endpoint(int fd);
/* ops->connect, then the fd made non-blocking (sends wait in poll, see cancel_fd). */
int rpc_transport_connect(struct rpc_transport *t);
/* Write one message; waits while the fd is full, until cancel_fd is readable (-ECANCELED). */
ssize_t rpc_transport_send(struct rpc_transport *t, const void *buf, size_t len);
/* The same on fd, a copy of t->fd the caller keeps open (send.c). */
ssize_t rpc_transport_send_fd(struct rpc_transport *t, int fd, const void *buf, size_t len);
/*
 * Read one message: its true length (may exceed cap: truncated), 0 on
 * hang-up, -errno; -ENOBUFS: the transport dropped received messages
 * (counted, the link stays up). Through ops->recv when the backend has one.
 */
ssize_t rpc_transport_recv(struct rpc_transport *t, void *buf, size_t cap);
/* The plain read/recv behind rpc_transport_recv. */
ssize_t rpc_transport_recv_msg(struct rpc_transport *t, void *buf, size_t cap);
/*
 * The rest of rpc_transport_send_fd / rpc_transport_recv_msg after a first
 * attempt that failed with errno (sys.h: rpc_transport_send_fast/_recv_fast).
 */
ssize_t rpc_transport_send_again(struct rpc_transport *t, int fd, const void *buf, size_t len);
ssize_t rpc_transport_recv_again(struct rpc_transport *t, void *buf, size_t cap);

/* discovery.c (libudev) */
struct rpc_udev_watch;
int rpc_udev_watch_new(struct rpc_udev_watch **out, const char *subsystem);
int rpc_udev_watch_fd(struct rpc_udev_watch *w);
void rpc_udev_watch_drain(struct rpc_udev_watch *w);
void rpc_udev_watch_free(struct rpc_udev_watch *w);
/* Check that path is a char device of sysfs class subsystem: 0, -ENOTTY, -ENODEV. */
int rpc_check_chardev(const char *path, const char *subsystem);
/* Find /dev node of an rpmsg_char endpoint device with this name (and addrs unless ANY). */
int rpc_find_rpmsg_ept(const char *name, uint32_t src, uint32_t dst, char *node, size_t cap);
/*
 * The first /dev node named prefix + digits in subsystem (any if NULL) that
 * accept (if not NULL) takes: 0, -ENOENT, -ENOTSUP (no libudev context).
 */
int rpc_find_node_by_prefix(const char *subsystem, const char *prefix,
			    bool (*accept)(const char *devnode, void *arg), void *arg,
			    char *node, size_t cap);

/* ---- the channel ------------------------------------------------------- */

/* A subscription or a server handler: one table type for both. */
union rpc_fn {
	alp_rpc_method_cb_t sub;
	alp_rpc_handler_t srv;
	alp_rpc_msg_cb_t msg;
	alp_rpc_raw_cb_t raw;
};

struct rpc_slot {
	bool used;
	char method[ALP_RPC_METHOD_MAX_LEN];
	union rpc_fn fn;
	void *user;
};

/* A frame read by a calling thread, queued for the poll thread. */
struct rpc_rxmsg {
	struct rpc_rxmsg *next;
	size_t len;			/* true length (may exceed RPC_RX_BUF: truncated) */
	uint8_t data[];
};

/* One outstanding call; sync ones live on the caller's stack. */
struct rpc_pending {
	struct rpc_pending *next;
	uint32_t id;			/* call framing; 0 for a text call */
	alp_status_t status;
	bool async;
	bool done;
	bool waiting;			/* sync: blocked on cond, may be handed the reader role */
	bool queued;			/* sync: its reply is queued for the poll thread */
	bool detail;			/* sync: resp holds a peer error's diagnostic */
	/* sync */
	/*
	 * Text framing's match key: the caller's own method string (a text call
	 * is synchronous: it outlives the call); NULL for call framing.
	 */
	const char *method;
	struct rpc_cond cond;		/* the calling thread waits on it (zeroed: ready, lock.h) */
	void *resp;
	size_t cap;
	size_t len;
	/* async */
	uint64_t deadline_ns;		/* 0: none */
	alp_rpc_done_cb_t cb;
	void *user;
};

/*
 * The counters of alp_rpc_stats_t (all uint64_t), as relaxed atomics: any
 * thread counts without taking a lock; stats.c copies them one by one.
 */
#define RPC_NSTATS (sizeof(alp_rpc_stats_t) / sizeof(uint64_t))
_Static_assert(sizeof(alp_rpc_stats_t) % sizeof(uint64_t) == 0, "stats are uint64_t only");
struct rpc_stats {
	_Atomic uint64_t v[RPC_NSTATS];
};
#define RPC_STAT_ADD(ch, field, n) \
	atomic_fetch_add_explicit(&(ch)->stats.v[offsetof(alp_rpc_stats_t, field) / sizeof(uint64_t)], \
				  (uint64_t)(n), memory_order_relaxed)

/*
 * Who reads the transport (reader.c; docs/librpc.md, "Who reads"). Exactly
 * one of: nobody right now (the poll thread's epoll set reports the fd),
 * the poll thread (reading now), or a synchronous caller, which then polls
 * and reads the fd itself.
 */
enum rpc_reader_kind {
	RPC_READER_NONE,
	RPC_READER_POLL,
	RPC_READER_CALLER,
};

/*
 * The role as one atomic word, rd_state: RPC_RD_KIND(w) who reads, and
 * above it a generation that grows each time a caller takes the role or
 * queues a frame for the poll thread. It changes under lock, except that
 * the poll thread takes the free role without the lock, by a
 * compare-and-swap against the free word it saw before epoll_wait
 * (rpc_reader_poll_take): so every change away from RPC_READER_NONE is a
 * compare-and-swap as well.
 */
#define RPC_RD_KIND(w) ((enum rpc_reader_kind)((w) & 3u))
#define RPC_RD_GEN1 4u

/*
 * Locking: ch->lock protects every field in the first block (the channel's
 * state, tables, pending calls, the reader role and its queue), and
 * is never held while a user callback runs. The counters are atomics.
 * Senders take no lock (send.c): they count themselves in tx_busy and use
 * tx_fd; a disconnect withdraws tx_fd and waits under tx_lock until
 * tx_busy is 0 before it closes the fd. The last block
 * is set once by open and only read afterwards, or belongs to the poll
 * thread alone, as marked. Order: tx_lock is never taken with lock held.
 */
struct alp_rpc_channel {
	struct rpc_lock lock;		/* lock.h (zeroed by open: free) */
	struct rpc_cond cond;		/* users drop to 0, dispatch ends, link changes, text turn */
	unsigned int cond_waiters;	/* under lock: threads in rpc_chan_wait (0: no broadcast) */

	/* ---- under lock ---- */
	bool closing;
	bool connected;
	bool running;			/* the poll thread was started */
	bool self_close;		/* close was called on the poll thread */
	unsigned int users;		/* API calls currently inside the channel */
	uint32_t src, dst;		/* the transport's real ones once known */
	/* subscribe.c */
	struct rpc_slot subs[ALP_RPC_SUBSCRIBE_MAX];
	struct rpc_slot srvs[ALP_RPC_SERVE_MAX];
	struct rpc_slot msg_hook;	/* catch-all, a one-entry table keyed RPC_HOOK */
	struct rpc_slot raw_hook;	/* raw mode receiver, same */
	/*
	 * The table entry whose callback runs now (poll.c): set under lock,
	 * cleared without it when the callback returns (rpc_dispatch_end);
	 * dispatch_waiters: threads waiting for that (subscribe.c; changed under
	 * lock, read without).
	 */
	_Atomic(const void *) dispatching;
	_Atomic unsigned int dispatch_waiters;
	/* call.c */
	struct rpc_pending *pending;
	unsigned int async_n;		/* async calls in pending (the poll thread expires them) */
	uint32_t next_id;
	bool text_busy;			/* text framing: a call is in flight (one at a time) */
	/* reader.c: the reader role */
	_Atomic unsigned int rd_state;	/* who reads, and a generation (above) */
	struct rpc_pending *rd_call;	/* RPC_READER_CALLER: the reading caller's call */
	int rd_fd;			/* transport fd, -1 when down (stable while a caller reads) */
	bool rd_added;			/* rd_fd is registered in ep_fd */
	bool rd_armed;			/* ... and reported when readable (no caller reads) */
	bool rd_hup;			/* a reading caller saw the link drop */
	unsigned int rd_eager_skip;	/* reading callers poll before reading this many times more */
	unsigned int rd_eager_pen;	/* ... after the next miss (doubles while reads miss) */
	/* Frames a caller read that belong to the poll thread, in arrival order. */
	struct rpc_rxmsg *rxq, **rxq_tail;
	unsigned int rxq_len;		/* queued or being dispatched */
	unsigned int lead_cool;		/* calls left before callers read again */

	/* ---- atomic: counted from any thread without a lock ---- */
	struct rpc_stats stats;

	/*
	 * ---- senders (send.c), atomic ----
	 * Each message is one write/send, which the kernel keeps whole, so
	 * senders need not be serialised; what they must not do is write to
	 * an fd that a disconnect closes (or that open() then reuses).
	 * tx_fd: tp->fd for senders, published after a connect, -1 from the
	 * start of a disconnect. tx_busy: senders between reading tx_fd and
	 * done with it. tx_wait: a disconnect waits for tx_busy to drop to 0
	 * (on tx_cond under tx_lock; the last sender out wakes it).
	 */
	_Atomic int tx_fd;
	_Atomic unsigned int tx_busy;
	_Atomic bool tx_wait;
	pthread_mutex_t tx_lock;
	pthread_cond_t tx_cond;
	/*
	 * tp->fd: changed only by connect/disconnect (open, then the poll
	 * thread); senders use tx_fd instead.
	 */
	struct rpc_transport *tp;

	/* ---- large messages (frag.c): atomics, any thread ---- */
	struct rpc_frag_tx ftx;

	/* ---- set once by open, read-only afterwards ---- */
	uint32_t framing;
	size_t max_msg;			/* largest frame in fragments (0: none), config max_msg */
	int wake_fd;			/* eventfd poking the poll thread */
	int kick_fd;			/* written once by close: stops reading callers, blocked sends */
	int ep_fd;			/* the poll thread's epoll set */
	char name[ALP_RPC_METHOD_MAX_LEN]; /* the poll thread's name */
	pthread_t thread;		/* set by open or resume, under lock */

	/* ---- poll thread only ---- */
	uint8_t rx[RPC_RX_BUF];		/* receive buffer */
	struct rpc_frag_rx frx;		/* messages being put together (frag.c) */
	uint8_t *srv_out;		/* a server's reply buffer above the MTU (max_msg bytes) */
};

/*
 * Wait on / broadcast ch->cond, lock held. The broadcast is skipped when
 * nobody waits (the common case on the call path: no atomic increment of the
 * condition's sequence).
 */
static inline int rpc_chan_wait(struct alp_rpc_channel *ch, const struct timespec *ts)
{
	int rc;

	ch->cond_waiters++;
	rc = rpc_cond_wait(&ch->cond, &ch->lock, ts);
	ch->cond_waiters--;
	return rc;
}

static inline void rpc_chan_broadcast(struct alp_rpc_channel *ch)
{
	if (ch->cond_waiters)
		rpc_cond_broadcast(&ch->cond);
}

/* channel.c: lifecycle */
int rpc_channel_enter(struct alp_rpc_channel *ch);
void rpc_channel_leave(struct alp_rpc_channel *ch);
void rpc_channel_wake(struct alp_rpc_channel *ch);
void rpc_channel_destroy(struct alp_rpc_channel *ch);
/* Open a channel over tp (taken over, freed on failure); cfg already checked. */
struct alp_rpc_channel *rpc_channel_open(const alp_rpc_config_t *cfg, struct rpc_transport *tp);

/* poll.c: the poll thread, dispatch, link state */
bool rpc_on_poll_thread(struct alp_rpc_channel *ch);
int rpc_poll_start(struct alp_rpc_channel *ch);
/* Connect the transport now; on success the link is up. lock not held. */
int rpc_link_try_connect(struct alp_rpc_channel *ch);
/* Dispatch one received message of true length n (buf holds at most RPC_RX_BUF). */
void rpc_rx_message(struct alp_rpc_channel *ch, const uint8_t *buf, size_t n);
/* The transport reported lost received messages (ENOBUFS). lock not held. */
void rpc_channel_rx_lost(struct alp_rpc_channel *ch);
/* After a callback started with ch->dispatching set returns. lock not held. */
void rpc_dispatch_end(struct alp_rpc_channel *ch);

/* send.c */
alp_status_t rpc_channel_write(struct alp_rpc_channel *ch, const void *buf, size_t len);
/* The same on the poll thread (no tx_busy round: only it takes the link down). */
alp_status_t rpc_channel_write_poll(struct alp_rpc_channel *ch, const void *buf, size_t len);
/* The link is up: senders may use tp->fd (poll thread, or open). */
void rpc_tx_publish(struct alp_rpc_channel *ch);
/* The link goes down: senders stop using tp->fd; returns once none does. */
void rpc_tx_withdraw(struct alp_rpc_channel *ch);

/* subscribe.c; lock held: the used slot for method, or NULL */
struct rpc_slot *rpc_slot_find(struct rpc_slot *tab, size_t n, const char *method);
/* Set (fn non-NULL) or clear a table entry; the public subscribe/serve body. */
alp_status_t rpc_slot_set(struct alp_rpc_channel *ch, struct rpc_slot *tab, size_t n,
			  const char *method, const union rpc_fn *fn, void *user);

/* reader.c: the reader role; lock held unless noted */
/*
 * A synchronous caller waits for p's reply, reading when it may, until the
 * deadline (timed_out: it already passed).
 */
void rpc_reader_wait(struct alp_rpc_channel *ch, struct rpc_pending *p,
		     const struct timespec *ts, bool bounded, bool timed_out);
/*
 * p becomes the reader if the role is free and callers may read: a call
 * takes it before it writes its request, so that nothing else reads the
 * reply meanwhile. rpc_reader_release gives it back if p holds it.
 */
bool rpc_reader_take(struct alp_rpc_channel *ch, struct rpc_pending *p);
void rpc_reader_release(struct alp_rpc_channel *ch, struct rpc_pending *p);
/*
 * The caller holding the role waits for one message, at most ms
 * milliseconds (-1: no limit), and hands it on; lock not held on entry,
 * held on return. true: the time passed.
 */
bool rpc_reader_recv(struct alp_rpc_channel *ch, int ms);
/* A synchronous call starts: one call less before callers read again. */
void rpc_reader_call_started(struct alp_rpc_channel *ch);
/* The transport connected (tp->fd valid) / is being disconnected (poll thread holds the role). */
void rpc_reader_link_up(struct alp_rpc_channel *ch);
void rpc_reader_link_down(struct alp_rpc_channel *ch);
/*
 * Poll thread before it waits: true when it took the role to handle a link
 * drop a reading caller saw; else re-arms the fd if nobody reads (*unarmed:
 * that failed). *state: the role word rpc_reader_poll_take checks.
 */
bool rpc_reader_poll_prepare(struct alp_rpc_channel *ch, unsigned int *state, bool *unarmed);
/*
 * Poll thread: take the role to read after epoll said readable (lock not
 * held: a compare-and-swap on the word rpc_reader_poll_prepare returned).
 */
bool rpc_reader_poll_take(struct alp_rpc_channel *ch, unsigned int state);
/* Poll thread: give the role up (lock held). */
void rpc_reader_poll_pass(struct alp_rpc_channel *ch);
/* Poll thread: take the frames callers queued (lock held); dispatch them in order (not held). */
struct rpc_rxmsg *rpc_reader_detach(struct alp_rpc_channel *ch);
void rpc_reader_dispatch(struct alp_rpc_channel *ch, struct rpc_rxmsg *m);

/* call.c: the pending-call table; lock held unless noted */
uint32_t rpc_call_next_id(struct alp_rpc_channel *ch);
void rpc_call_complete(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f);	/* lock not held */
void rpc_call_fail_all(struct alp_rpc_channel *ch, alp_status_t st);			/* lock not held */
bool rpc_call_text_match(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f);	/* lock not held */
/* f is the reply to p (a synchronous call)? */
bool rpc_call_answers(const struct rpc_pending *p, const struct alp_rpc_frame *f);
/* Finish the synchronous call f answers (id or text match): true if there was one. */
bool rpc_call_sync_match(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f);
/* Expire async calls; returns the next deadline (0: none). lock not held. */
uint64_t rpc_call_expire(struct alp_rpc_channel *ch);
alp_status_t rpc_wire_status_to_alp(uint8_t st);

/* server.c */
/* Handle a request (call framing) or a text frame; true when a handler took it. lock not held. */
bool rpc_server_dispatch(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f);

/*
 * frag.c: call frames above the MTU (docs/librpc.md, "Large messages").
 * rpc_frag_limit: the largest frame ch sends or takes. rpc_frag_prepare:
 * may a frame of total bytes go out (asks the peer's alp.caps first when
 * the link has not told it; never from the poll thread). rpc_frag_write:
 * one frame, or fragments, each one write. rpc_frag_reply: a server's
 * call-framing reply of any size (poll thread). rpc_frag_serve_caps: the
 * built-in alp.caps server. rpc_frag_rx: a received fragment (poll
 * thread). rpc_frag_link_down: forget partial messages and the peer's
 * capability. rpc_frag_next_expiry: when the poll thread must wake to
 * expire a partial message (0: none).
 */
static inline size_t rpc_frag_limit(const struct alp_rpc_channel *ch)
{
	size_t mtu = ch->tp->mtu;

	return ch->framing == ALP_RPC_FRAMING_CALL && ch->max_msg > mtu ? ch->max_msg : mtu;
}

/* The size of a call-framing frame: header, method, its NUL, payload. */
static inline size_t rpc_call_frame_size(size_t mlen, size_t len)
{
	return ALP_RPC_WIRE_CALL_HDR + mlen + 1 + len;
}

/*
 * Encode a frame of ch's framing for a method of mlen characters (validated
 * once by the caller): call framing kind/id, text framing "<method>\0<body>".
 * Inline: one call less per frame on the call path.
 */
static inline long rpc_encode(struct alp_rpc_channel *ch, void *buf, uint8_t kind, uint8_t status,
			      uint32_t id, const char *method, size_t mlen, const void *payload,
			      size_t len)
{
	size_t cap = ch->tp->mtu;

	if (ch->framing == ALP_RPC_FRAMING_CALL)
		return rpc_codec_encode_call_known(buf, cap, kind, status, id, method, mlen,
						   payload, len);
	return rpc_codec_encode_text_known(buf, cap, method, mlen, payload, len);
}

alp_status_t rpc_frag_prepare(struct alp_rpc_channel *ch, size_t total, uint32_t timeout_ms);
alp_status_t rpc_frag_write(struct alp_rpc_channel *ch, uint8_t kind, uint8_t status,
			    uint32_t id, const char *method, size_t mlen, const void *payload,
			    size_t len);
void rpc_frag_reply(struct alp_rpc_channel *ch, uint8_t kind, uint8_t status, uint32_t id,
		    const char *method, size_t mlen, const void *body, size_t len);
void rpc_frag_serve_caps(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f);
void rpc_frag_rx(struct alp_rpc_channel *ch, const uint8_t *msg, size_t len,
		 void (*dispatch_frame)(struct alp_rpc_channel *, const uint8_t *, size_t));
void rpc_frag_link_down(struct alp_rpc_channel *ch);
uint64_t rpc_frag_next_expiry(struct alp_rpc_channel *ch);
void rpc_frag_expire(struct alp_rpc_channel *ch);

#endif /* LIBRPC_INTERNAL_H */
