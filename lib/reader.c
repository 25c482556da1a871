// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The reader role: which thread reads the transport, and how a
 * synchronous caller reads its own reply (docs/librpc.md, "Who reads").
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "internal.h"
#include "sys.h"

/*
 * Exactly one thread reads the transport at a time. A synchronous caller
 * that finds the role free takes it: it makes the poll thread's epoll set
 * stop reporting the fd (no wake-up needed) and polls the fd itself, so
 * that its reply costs no thread hand-off. Replies to synchronous calls it
 * completes directly; every other frame (requests, one-way messages, async
 * replies, anything malformed) it queues for the poll thread, so callbacks
 * still run only there, in arrival order; and it gives the role back to
 * the poll thread for the next RPC_LEAD_COOLDOWN calls (such traffic woke
 * the caller, which had to wake the poll thread: one switch more than if
 * the poll thread had read). While the queue is not empty, replies are
 * queued too: a call never returns before the callbacks of frames that
 * arrived before its reply have run. Only the poll thread
 * changes the fd (link down/up), and only while it holds the role or no
 * caller can take it (not connected).
 *
 * Everything here runs under ch->lock unless a comment says otherwise; the
 * role itself is ch->rd_state and ch->rd_call (internal.h): the poll thread
 * takes a free role without the lock, so that it takes one lock round less
 * per frame it reads.
 */

static unsigned int rd_word(struct alp_rpc_channel *ch)
{
	return atomic_load_explicit(&ch->rd_state, memory_order_relaxed);
}

static enum rpc_reader_kind reader_kind(struct alp_rpc_channel *ch)
{
	return RPC_RD_KIND(rd_word(ch));
}

static bool caller_reads(struct alp_rpc_channel *ch)
{
	return reader_kind(ch) == RPC_READER_CALLER;
}

/* The word for kind, in the same generation or (bump) the next. */
static unsigned int rd_next(unsigned int w, enum rpc_reader_kind kind, bool bump)
{
	return (w & ~3u) + (bump ? RPC_RD_GEN1 : 0) + (unsigned int)kind;
}

/*
 * The holder of the role (a caller, or the poll thread) hands it on. A plain
 * store: nobody else changes a role that is not free. bump: a caller gets it.
 */
static void set_held(struct alp_rpc_channel *ch, enum rpc_reader_kind kind,
		     struct rpc_pending *call, bool bump)
{
	ch->rd_call = call;
	atomic_store_explicit(&ch->rd_state, rd_next(rd_word(ch), kind, bump),
			      memory_order_release);
}

/* Take the free role: false if the poll thread took it first (no lock there). */
static bool take_free(struct alp_rpc_channel *ch, enum rpc_reader_kind kind,
		      struct rpc_pending *call, bool bump)
{
	unsigned int w = rd_word(ch);

	if (RPC_RD_KIND(w) != RPC_READER_NONE ||
	    !atomic_compare_exchange_strong_explicit(&ch->rd_state, &w, rd_next(w, kind, bump),
						     memory_order_acq_rel, memory_order_relaxed))
		return false;
	ch->rd_call = call;
	return true;
}

/*
 * Let the poll thread's epoll set report rd_fd readable (on) or
 * not; false on failure. rd_fd is added once per connection; switching is an
 * EPOLL_CTL_MOD (cheaper than DEL + ADD, and allocates nothing). Off is
 * EPOLLONESHOT without EPOLLIN: a hang-up is still reported, once.
 */
static bool rd_arm_change(struct alp_rpc_channel *ch, bool on)
{
	struct epoll_event ev = { .events = on ? EPOLLIN : EPOLLONESHOT,
				  .data.u32 = RPC_EV_TRANSPORT };

	if (rpc_sys_epoll_ctl(ch->ep_fd, ch->rd_added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, ch->rd_fd,
			      &ev) < 0)
		return false;
	ch->rd_added = true;
	ch->rd_armed = on;
	return true;
}

/* The test inline: on the poll thread's path the watch rarely changes. */
static inline bool rd_arm(struct alp_rpc_channel *ch, bool on)
{
	if (on == ch->rd_armed || ch->rd_fd < 0 || (!on && !ch->rd_added))
		return true;
	return rd_arm_change(ch, on);
}

/* A caller may take the role now. */
static bool lead_ok(struct alp_rpc_channel *ch)
{
	return !ch->closing && ch->connected && ch->rd_fd >= 0 && !ch->rd_hup &&
	       ch->rxq_len < RPC_RXQ_MAX && !ch->lead_cool;
}

/* p becomes the reader if the role is free and a caller may read now. */
bool rpc_reader_take(struct alp_rpc_channel *ch, struct rpc_pending *p)
{
	if (reader_kind(ch) != RPC_READER_NONE || !lead_ok(ch) ||
	    !take_free(ch, RPC_READER_CALLER, p, true))
		return false;
	if (!rd_arm(ch, false)) {
		set_held(ch, RPC_READER_NONE, NULL, false);
		return false;
	}
	return true;
}

/*
 * The reader gives the role up: to a waiting synchronous caller if there is
 * one (and callers may read), else to the poll thread's epoll set.
 */
static void pass(struct alp_rpc_channel *ch)
{
	struct rpc_pending *q;

	/* Usually nobody waits: lead_ok()'s six tests only when somebody does. */
	for (q = ch->pending; q && !(q->waiting && !q->done); q = q->next)
		;
	if (q && lead_ok(ch) && rd_arm(ch, false)) {
		set_held(ch, RPC_READER_CALLER, q, true);
		rpc_cond_signal(&q->cond);
		return;
	}
	set_held(ch, RPC_READER_NONE, NULL, false);
	if (!rd_arm(ch, true))
		rpc_channel_wake(ch);	/* the poll thread retries */
}

/* A reading caller saw the link drop: the poll thread takes it down. */
static void caller_hup(struct alp_rpc_channel *ch)
{
	ch->rd_hup = true;
	pass(ch);
	rpc_channel_wake(ch);
}

/* Queue a frame a caller read for the poll thread. lock not held. */
static void rxq_push(struct alp_rpc_channel *ch, const uint8_t *msg, size_t n)
{
	size_t keep = n <= RPC_RX_BUF ? n : 0;	/* an oversize one is only counted */
	struct rpc_rxmsg *m = malloc(sizeof(*m) + keep);
	bool poke;

	rpc_lock(&ch->lock);
	/* Not just replies: the caller hands reading back (RPC_LEAD_COOLDOWN). */
	ch->lead_cool = RPC_LEAD_COOLDOWN;
	if (!m) {
		RPC_STAT_ADD(ch, rx_frames, 1);
		RPC_STAT_ADD(ch, rx_bytes, n);
		RPC_STAT_ADD(ch, rx_unhandled, 1);
		rpc_unlock(&ch->lock);
		return;
	}
	m->next = NULL;
	m->len = n;
	memcpy(m->data, msg, keep);
	/* a new generation: the poll thread must not read past the queue (poll_take) */
	atomic_fetch_add_explicit(&ch->rd_state, RPC_RD_GEN1, memory_order_relaxed);
	poke = !ch->rxq;
	*ch->rxq_tail = m;
	ch->rxq_tail = &m->next;
	ch->rxq_len++;
	rpc_unlock(&ch->lock);
	if (poke)
		rpc_channel_wake(ch);
}

/*
 * A reading caller got this message (true length n): finish the synchronous
 * call it answers (true), or leave it to be queued for the poll thread
 * (false). lock held; the frame was decoded without it.
 */
static bool caller_got(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f, size_t n)
{
	struct rpc_pending *me = ch->rd_call;	/* our caller's call */

	if (ch->rxq_len == 0 && rpc_call_sync_match(ch, f)) {
		RPC_STAT_ADD(ch, rx_frames, 1);
		RPC_STAT_ADD(ch, rx_bytes, n);
		return true;
	}
	if (rpc_call_answers(me, f))
		me->queued = true;	/* the poll thread will finish it: the caller stops reading */
	return false;
}

/* Could msg be a reply a reading caller completes itself? Decodes it into *f. */
static bool maybe_reply(struct alp_rpc_channel *ch, const uint8_t *msg, size_t n,
			struct alp_rpc_frame *f)
{
	return n > 0 && n <= RPC_RX_BUF && n <= ch->tp->mtu && ch->framing != ALP_RPC_FRAMING_RAW &&
	       alp_rpc_frame_decode(msg, n, f) == 0 &&
	       (f->kind == ALP_RPC_KIND_REPLY || f->kind == ALP_RPC_KIND_ERROR ||
		f->framing == ALP_RPC_WIRE_TEXT);
}

/* The frames reading callers queued, taken off the queue (poll thread, lock held). */
struct rpc_rxmsg *rpc_reader_detach(struct alp_rpc_channel *ch)
{
	struct rpc_rxmsg *m = ch->rxq;

	ch->rxq = NULL;
	ch->rxq_tail = &ch->rxq;
	return m;
}

/* Dispatch what rpc_reader_detach took, in order (poll thread, lock not held). */
void rpc_reader_dispatch(struct alp_rpc_channel *ch, struct rpc_rxmsg *m)
{
	struct rpc_rxmsg *next;
	bool closing;

	for (; m; m = next) {
		next = m->next;
		rpc_lock(&ch->lock);
		closing = ch->closing;
		rpc_unlock(&ch->lock);
		if (!closing)	/* after close nothing is delivered */
			rpc_rx_message(ch, m->data, m->len);
		free(m);
		rpc_lock(&ch->lock);
		ch->rxq_len--;
		rpc_unlock(&ch->lock);
	}
}

/*
 * The poll thread takes the reader role if it is free, nothing is queued and
 * no caller has read since epoll_wait said "readable", so that the report is
 * still true and read() cannot block: the role word is still the one it saw
 * before epoll_wait (state, with the queue empty), or that word freed again
 * in the same generation (a caller that read kept it, and queued nothing).
 * Lock not held: one compare-and-swap.
 */
bool rpc_reader_poll_take(struct alp_rpc_channel *ch, unsigned int state)
{
	unsigned int w = rd_next(state, RPC_READER_NONE, false);

	return atomic_compare_exchange_strong_explicit(&ch->rd_state, &w,
						       rd_next(state, RPC_READER_POLL, false),
						       memory_order_acq_rel, memory_order_relaxed);
}

void rpc_reader_poll_pass(struct alp_rpc_channel *ch)
{
	pass(ch);
}

/*
 * The calling thread holds the reader role: wait for one message on the
 * transport (or close, or ms milliseconds, -1: forever) and hand it on. lock not held on
 * entry (rd_fd cannot change while a caller holds the role), held on return
 * (one lock round per message in the common case: matching the reply
 * happens in the round that re-takes it). Returns true when the deadline
 * passed.
 */
bool rpc_reader_recv(struct alp_rpc_channel *ch, int ms)
{
	struct pollfd pfd[2];	/* filled only when polling (the eager read often makes it moot) */
	uint8_t buf[RPC_RX_BUF];
	struct alp_rpc_frame f;
	ssize_t n = -EAGAIN;
	short rev = 0;		/* the transport's poll events (an eager hit: POLLIN) */
	bool got = false, reply = false, kicked = false, eof;	/* kicked: close poked kick_fd */
	int rc = 0;

	/*
	 * Eager: read before polling. When the peer answered before this
	 * thread came to wait (on one CPU the woken peer often runs before the
	 * caller is back from its send), that is one system call less; when
	 * it did not, one more (EAGAIN). After a miss the next waits poll
	 * first, 1, 2, 4, ... up to RPC_EAGER_SKIP_MAX of them while reads
	 * keep missing; a hit starts over at 1.
	 */
	if (ms != 0 && ch->rd_eager_skip == 0) {
		n = rpc_transport_recv_fast(ch->tp, buf, sizeof(buf));
		if (n == -ENOBUFS)
			rpc_channel_rx_lost(ch);
		if (n == -EAGAIN || n == -EINTR || n == -ENOBUFS) {
			ch->rd_eager_skip = ch->rd_eager_pen ? ch->rd_eager_pen : 1;
			ch->rd_eager_pen = ch->rd_eager_skip < RPC_EAGER_SKIP_MAX ?
					   2 * ch->rd_eager_skip : RPC_EAGER_SKIP_MAX;
			n = -EAGAIN;
		} else {
			ch->rd_eager_pen = 1;
			rc = 1;
			rev = POLLIN;
			if (n == 0) {	/* an empty message, or the peer hung up: poll tells */
				pfd[0] = (struct pollfd){ .fd = ch->rd_fd, .events = POLLIN };
				rpc_sys_poll(pfd, 1, 0);
				rev = pfd[0].revents;
			}
		}
	} else if (ch->rd_eager_skip) {
		ch->rd_eager_skip--;
	}
	if (rc == 0 && ms != 0) {
		pfd[0] = (struct pollfd){ .fd = ch->rd_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = ch->kick_fd, .events = POLLIN };
		rc = rpc_sys_poll(pfd, 2, ms);
		if (rc > 0) {
			rev = pfd[0].revents;
			kicked = pfd[1].revents != 0;
		}
		if (rc > 0 && !kicked) {
			if (rev & POLLIN)
				n = rpc_transport_recv_fast(ch->tp, buf, sizeof(buf));
			else
				n = -EPIPE;	/* POLLHUP, POLLERR, POLLNVAL */
			if (n == -ENOBUFS) {	/* messages were lost; those still queued follow */
				rpc_channel_rx_lost(ch);
				n = -EAGAIN;
			}
		}
	}
	eof = n == 0 && (rev & (POLLHUP | POLLERR));
	if (rc > 0 && !kicked && n >= 0 && !eof) {
		got = true;
		reply = maybe_reply(ch, buf, (size_t)n, &f);
	}
	rpc_lock(&ch->lock);
	if (got && !(reply && caller_got(ch, &f, (size_t)n))) {
		rpc_unlock(&ch->lock);
		rxq_push(ch, buf, (size_t)n);
		rpc_lock(&ch->lock);
	}
	if (rc > 0 && !kicked && n != -EAGAIN && n != -EINTR && (n < 0 || eof))
		caller_hup(ch);
	return rc == 0;
}

/* The same, lock held on entry too. */
static bool lead_once(struct alp_rpc_channel *ch, const struct timespec *ts, bool bounded)
{
	rpc_unlock(&ch->lock);
	return rpc_reader_recv(ch, bounded ? rpc_ms_until(ts) : -1);
}

/*
 * A synchronous caller waits for p's reply (lock held on entry and on
 * return): reading the transport itself while it holds the role, else
 * blocked on p->cond until the reader finishes p or hands it the role.
 * Returns with p->done, or once the deadline passed.
 */
void rpc_reader_wait(struct alp_rpc_channel *ch, struct rpc_pending *p,
		     const struct timespec *ts, bool bounded, bool timed_out)
{
	int rc = timed_out ? ETIMEDOUT : 0;

	for (;;) {
		if (caller_reads(ch) && ch->rd_call == p) {
			/* queued: our reply waits behind frames for the poll thread */
			if (p->done || p->queued || rc == ETIMEDOUT || !lead_ok(ch))
				pass(ch);
			else if (lead_once(ch, ts, bounded))
				rc = ETIMEDOUT;
			continue;
		}
		if (p->done || rc == ETIMEDOUT)
			break;
		if (!p->queued && rpc_reader_take(ch, p))
			continue;
		p->waiting = true;
		rc = rpc_cond_wait(&p->cond, &ch->lock, bounded ? ts : NULL);
		p->waiting = false;
	}
}

void rpc_reader_release(struct alp_rpc_channel *ch, struct rpc_pending *p)
{
	if (caller_reads(ch) && ch->rd_call == p)
		pass(ch);
}

void rpc_reader_call_started(struct alp_rpc_channel *ch)
{
	if (ch->lead_cool)
		ch->lead_cool--;
}

void rpc_reader_link_up(struct alp_rpc_channel *ch)
{
	ch->rd_fd = ch->tp->fd;
	if (!caller_reads(ch))
		rd_arm(ch, true);	/* on failure the poll thread retries */
}

void rpc_reader_link_down(struct alp_rpc_channel *ch)
{
	if (ch->rd_added)
		epoll_ctl(ch->ep_fd, EPOLL_CTL_DEL, ch->rd_fd, NULL);
	/* closing the fd would drop it from the set anyway */
	ch->rd_added = false;
	ch->rd_armed = false;
	ch->rd_fd = -1;
	ch->rd_hup = false;
}

bool rpc_reader_poll_prepare(struct alp_rpc_channel *ch, unsigned int *state, bool *unarmed)
{
	bool idle = reader_kind(ch) == RPC_READER_NONE, hup = ch->rd_hup && idle;

	/* only this thread takes a free role without the lock: a plain store */
	if (hup)
		set_held(ch, RPC_READER_POLL, NULL, false);
	else if (idle)
		rd_arm(ch, true);
	*unarmed = idle && !hup && ch->rd_fd >= 0 && !ch->rd_armed;
	*state = rd_word(ch);
	return hup;
}
