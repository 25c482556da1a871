// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The channel: open/close, the poll thread, subscriptions, sends, stats.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * One poll thread per channel (docs/librpc.md says why): it owns
 * dispatching, reconnecting and async timeouts, and reads the transport
 * unless a synchronous caller does (the reader role, below). API calls from
 * other threads only take ch->lock briefly and write under ch->tx_lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* epoll tags of the poll thread's fds */
enum { EV_WAKE, EV_TRANSPORT, EV_WATCH };

/* The channel whose poll thread this is (NULL on other threads). */
static _Thread_local struct alp_rpc_channel *poll_self;

uint64_t rpc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void rpc_strlcpy(char *dst, const char *src, size_t cap)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

bool rpc_on_poll_thread(struct alp_rpc_channel *ch)
{
	return poll_self == ch;
}

int rpc_channel_enter(struct alp_rpc_channel *ch)
{
	int rc = 0;

	pthread_mutex_lock(&ch->lock);
	if (ch->closing)
		rc = ALP_ERR_NOT_READY;
	else
		ch->users++;
	pthread_mutex_unlock(&ch->lock);
	return rc;
}

void rpc_channel_leave(struct alp_rpc_channel *ch)
{
	pthread_mutex_lock(&ch->lock);
	if (--ch->users == 0)
		pthread_cond_broadcast(&ch->cond);
	pthread_mutex_unlock(&ch->lock);
}

static void poke(int efd)
{
	uint64_t one = 1;

	/*
	 * Failure can only be EAGAIN (counter saturated), which means a poke is
	 * already pending: nothing is lost.
	 */
	if (write(efd, &one, sizeof(one)) < 0)
		return;
}

void rpc_channel_wake(struct alp_rpc_channel *ch)
{
	poke(ch->wake_fd);
}

alp_status_t rpc_channel_write(struct alp_rpc_channel *ch, const void *buf, size_t len)
{
	ssize_t n;

	if (len > ch->tp->mtu)
		return ALP_ERR_MSGSIZE;
	pthread_mutex_lock(&ch->tx_lock);
	n = ch->tp->fd < 0 ? -ENOTCONN : rpc_transport_send(ch->tp, buf, len);
	pthread_mutex_unlock(&ch->tx_lock);
	if (n < 0)
		return rpc_errno_status((int)n);
	if ((size_t)n != len)
		return ALP_ERR_IO;
	pthread_mutex_lock(&ch->lock);
	ch->stats.tx_frames++;
	ch->stats.tx_bytes += len;
	pthread_mutex_unlock(&ch->lock);
	return ALP_OK;
}

/* ---- dispatch (poll thread) --------------------------------------------- */

static void count(struct alp_rpc_channel *ch, uint64_t *ctr)
{
	pthread_mutex_lock(&ch->lock);
	(*ctr)++;
	pthread_mutex_unlock(&ch->lock);
}

void rpc_dispatch_end(struct alp_rpc_channel *ch)
{
	pthread_mutex_lock(&ch->lock);
	ch->dispatching = NULL;
	pthread_cond_broadcast(&ch->cond);
	pthread_mutex_unlock(&ch->lock);
}

static void deliver_raw(struct alp_rpc_channel *ch, const void *msg, size_t len)
{
	alp_rpc_raw_cb_t cb;
	void *user;

	pthread_mutex_lock(&ch->lock);
	cb = ch->raw_hook.used ? ch->raw_hook.fn.raw : NULL;
	user = ch->raw_hook.user;
	if (cb)
		ch->dispatching = &ch->raw_hook;
	else
		ch->stats.rx_unhandled++;
	pthread_mutex_unlock(&ch->lock);
	if (cb) {
		cb(msg, len, user);
		rpc_dispatch_end(ch);
	}
}

struct rpc_slot *rpc_slot_find(struct rpc_slot *tab, size_t n, const char *method)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].used && !strcmp(tab[i].method, method))
			return &tab[i];
	return NULL;
}

static void deliver_oneway(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f)
{
	struct rpc_slot *s;
	alp_rpc_method_cb_t cb = NULL;
	alp_rpc_msg_cb_t mcb = NULL;
	void *user = NULL;

	pthread_mutex_lock(&ch->lock);
	s = rpc_slot_find(ch->subs, ALP_RPC_SUBSCRIBE_MAX, f->method);
	if (s) {
		cb = s->fn.sub;
		user = s->user;
		ch->dispatching = s;
	} else if (ch->msg_hook.used) {
		mcb = ch->msg_hook.fn.msg;
		user = ch->msg_hook.user;
		ch->dispatching = &ch->msg_hook;
	} else {
		ch->stats.rx_unhandled++;
	}
	pthread_mutex_unlock(&ch->lock);
	if (cb)
		cb(f->payload, f->payload_len, user);
	else if (mcb)
		mcb(f->method, f->payload, f->payload_len, user);
	else
		return;
	rpc_dispatch_end(ch);
}

static void dispatch(struct alp_rpc_channel *ch, const uint8_t *msg, size_t len)
{
	struct alp_rpc_frame f;

	pthread_mutex_lock(&ch->lock);
	ch->stats.rx_frames++;
	ch->stats.rx_bytes += len;
	pthread_mutex_unlock(&ch->lock);
	if (len > ch->tp->mtu) {
		count(ch, &ch->stats.rx_oversize);
		return;
	}
	if (ch->framing == ALP_RPC_FRAMING_RAW) {
		deliver_raw(ch, msg, len);
		return;
	}
	if (alp_rpc_frame_decode(msg, len, &f)) {
		count(ch, &ch->stats.rx_malformed);
		return;
	}
	switch (f.kind) {
	case ALP_RPC_KIND_REPLY:
	case ALP_RPC_KIND_ERROR:
		rpc_call_complete(ch, &f);
		return;
	case ALP_RPC_KIND_REQUEST:
		rpc_server_dispatch(ch, &f);
		return;
	default:
		break;
	}
	if (f.framing == ALP_RPC_WIRE_TEXT &&
	    (rpc_call_text_match(ch, &f) || rpc_server_dispatch(ch, &f)))
		return;
	deliver_oneway(ch, &f);
}

/*
 * ---- the reader role ------------------------------------------------------
 *
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
 */

/*
 * lock held. Let the poll thread's epoll set report rd_fd readable (on) or
 * not; false on failure. rd_fd is added once per connection; switching is an
 * EPOLL_CTL_MOD (cheaper than DEL + ADD, and allocates nothing). Off is
 * EPOLLONESHOT without EPOLLIN: a hang-up is still reported, once.
 */
static bool rd_arm(struct alp_rpc_channel *ch, bool on)
{
	struct epoll_event ev = { .events = on ? EPOLLIN : EPOLLONESHOT,
				  .data.u32 = EV_TRANSPORT };

	if (on == ch->rd_armed || ch->rd_fd < 0 || (!on && !ch->rd_added))
		return true;
	if (epoll_ctl(ch->ep_fd, ch->rd_added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, ch->rd_fd, &ev) < 0)
		return false;
	ch->rd_added = true;
	ch->rd_armed = on;
	return true;
}

bool rpc_reader_lead_ok(struct alp_rpc_channel *ch)
{
	return !ch->closing && ch->connected && ch->rd_fd >= 0 && !ch->rd_hup &&
	       ch->rxq_len < RPC_RXQ_MAX && !ch->lead_cool;
}

bool rpc_reader_take(struct alp_rpc_channel *ch, struct rpc_pending *p)
{
	if (ch->reader || !rpc_reader_lead_ok(ch) || !rd_arm(ch, false))
		return false;
	ch->reader = p;
	ch->rd_gen++;
	return true;
}

void rpc_reader_pass(struct alp_rpc_channel *ch)
{
	struct rpc_pending *q = NULL;

	ch->reader = NULL;
	if (rpc_reader_lead_ok(ch))
		for (q = ch->pending; q && !(q->waiting && !q->done); q = q->next)
			;
	if (q && rd_arm(ch, false)) {
		ch->reader = q;
		ch->rd_gen++;
		pthread_cond_signal(&q->cond);
		return;
	}
	if (!rd_arm(ch, true))
		rpc_channel_wake(ch);	/* the poll thread retries */
}

void rpc_reader_hup(struct alp_rpc_channel *ch)
{
	ch->rd_hup = true;
	rpc_reader_pass(ch);
	rpc_channel_wake(ch);
}

static void rxq_push(struct alp_rpc_channel *ch, const uint8_t *msg, size_t n)
{
	size_t keep = n <= RPC_RX_BUF ? n : 0;	/* an oversize one is only counted */
	struct rpc_rxmsg *m = malloc(sizeof(*m) + keep);
	bool poke;

	pthread_mutex_lock(&ch->lock);
	/* Not just replies: the caller hands reading back (RPC_LEAD_COOLDOWN). */
	ch->lead_cool = RPC_LEAD_COOLDOWN;
	if (!m) {
		ch->stats.rx_frames++;
		ch->stats.rx_bytes += n;
		ch->stats.rx_unhandled++;
		pthread_mutex_unlock(&ch->lock);
		return;
	}
	m->next = NULL;
	m->len = n;
	memcpy(m->data, msg, keep);
	poke = !ch->rxq;
	*ch->rxq_tail = m;
	ch->rxq_tail = &m->next;
	ch->rxq_len++;
	pthread_mutex_unlock(&ch->lock);
	if (poke)
		rpc_channel_wake(ch);
}

void rpc_reader_got(struct alp_rpc_channel *ch, const uint8_t *msg, size_t n)
{
	struct alp_rpc_frame f;
	bool done = false;

	if (n > 0 && n <= RPC_RX_BUF && n <= ch->tp->mtu && ch->framing != ALP_RPC_FRAMING_RAW &&
	    alp_rpc_frame_decode(msg, n, &f) == 0 &&
	    (f.kind == ALP_RPC_KIND_REPLY || f.kind == ALP_RPC_KIND_ERROR ||
	     f.framing == ALP_RPC_WIRE_TEXT)) {
		struct rpc_pending *me;

		pthread_mutex_lock(&ch->lock);
		me = ch->reader;	/* our caller's call */
		done = ch->rxq_len == 0 && rpc_call_sync_match(ch, &f);
		if (done) {
			ch->stats.rx_frames++;
			ch->stats.rx_bytes += n;
		} else if (rpc_call_answers(me, &f)) {
			/* The poll thread will finish it: the caller stops reading. */
			me->queued = true;
		}
		pthread_mutex_unlock(&ch->lock);
	}
	if (!done)
		rxq_push(ch, msg, n);
}

/* ---- link state (poll thread, and open) --------------------------------- */

static void link_up(struct alp_rpc_channel *ch)
{
	pthread_mutex_lock(&ch->lock);
	ch->rd_fd = ch->tp->fd;
	if (!ch->reader || ch->reader == ch)
		rd_arm(ch, true);	/* on failure the poll thread retries */
	ch->connected = true;
	if (ch->tp->addrs_known) {
		ch->src = ch->tp->bound_src;
		ch->dst = ch->tp->bound_dst;
	}
	ch->stats.link_up++;
	pthread_cond_broadcast(&ch->cond);
	pthread_mutex_unlock(&ch->lock);
}

static int try_connect(struct alp_rpc_channel *ch)
{
	int rc;

	pthread_mutex_lock(&ch->tx_lock);
	rc = rpc_transport_connect(ch->tp);
	pthread_mutex_unlock(&ch->tx_lock);
	if (rc == 0)
		link_up(ch);
	return rc;
}

/* Poll thread, holding the reader role (no caller reads the fd it closes). */
static void link_down(struct alp_rpc_channel *ch)
{
	pthread_mutex_lock(&ch->lock);
	if (ch->rd_added)
		epoll_ctl(ch->ep_fd, EPOLL_CTL_DEL, ch->rd_fd, NULL);
	/* closing the fd would drop it from the set anyway */
	ch->rd_added = false;
	ch->rd_armed = false;
	ch->rd_fd = -1;
	ch->rd_hup = false;
	ch->connected = false;
	pthread_mutex_unlock(&ch->lock);
	pthread_mutex_lock(&ch->tx_lock);
	ch->tp->ops->disconnect(ch->tp);
	pthread_mutex_unlock(&ch->tx_lock);
	pthread_mutex_lock(&ch->lock);
	ch->connected = false;
	ch->stats.link_down++;
	pthread_cond_broadcast(&ch->cond);
	pthread_mutex_unlock(&ch->lock);
	rpc_call_fail_all(ch, ALP_ERR_NOT_READY);
	/* The peer may already be back (e.g. a listening socket). */
	try_connect(ch);
}

/* One received message of true length n (buf holds at most RPC_RX_BUF of it). */
static void rx_message(struct alp_rpc_channel *ch, const uint8_t *buf, size_t n)
{
	if (n == 0) {
		/* An empty seqpacket message, not a hang-up (no POLLHUP). */
		count(ch, &ch->stats.rx_frames);
		count(ch, &ch->stats.rx_malformed);
		return;
	}
	if (n > RPC_RX_BUF) {
		pthread_mutex_lock(&ch->lock);
		ch->stats.rx_frames++;
		ch->stats.rx_bytes += n;	/* at its true length, like every other */
		ch->stats.rx_oversize++;
		pthread_mutex_unlock(&ch->lock);
		return;
	}
	dispatch(ch, buf, n);
}

void rpc_channel_rx_lost(struct alp_rpc_channel *ch)
{
	count(ch, &ch->stats.rx_dropped);
}

static void read_one(struct alp_rpc_channel *ch, uint8_t *buf, uint32_t revents)
{
	ssize_t n = rpc_transport_recv(ch->tp, buf, RPC_RX_BUF);

	if (n == -EINTR || n == -EAGAIN)
		return;
	if (n == -ENOBUFS) {	/* messages were lost; those still queued follow */
		rpc_channel_rx_lost(ch);
		return;
	}
	if (n < 0 || (n == 0 && (revents & (EPOLLHUP | EPOLLERR)))) {
		link_down(ch);
		return;
	}
	rx_message(ch, buf, (size_t)n);
}

/* Dispatch the frames reading callers queued, in order (poll thread). */
static void rxq_drain(struct alp_rpc_channel *ch)
{
	for (;;) {
		struct rpc_rxmsg *m, *next;
		bool closing;

		pthread_mutex_lock(&ch->lock);
		m = ch->rxq;
		ch->rxq = NULL;
		ch->rxq_tail = &ch->rxq;
		pthread_mutex_unlock(&ch->lock);
		if (!m)
			return;
		for (; m; m = next) {
			next = m->next;
			pthread_mutex_lock(&ch->lock);
			closing = ch->closing;
			pthread_mutex_unlock(&ch->lock);
			if (!closing)	/* after close nothing is delivered */
				rx_message(ch, m->data, m->len);
			free(m);
			pthread_mutex_lock(&ch->lock);
			ch->rxq_len--;
			pthread_mutex_unlock(&ch->lock);
		}
	}
}

/*
 * The poll thread takes the reader role if it is free, nothing is queued and
 * no caller has read since epoll_wait said "readable" (gen: rd_gen before
 * it), so that the report is still true and read() cannot block.
 */
static bool poll_take(struct alp_rpc_channel *ch, unsigned int gen)
{
	bool ok;

	pthread_mutex_lock(&ch->lock);
	ok = !ch->reader && !ch->rxq && ch->rd_gen == gen;
	if (ok)
		ch->reader = ch;
	pthread_mutex_unlock(&ch->lock);
	return ok;
}

static void poll_pass(struct alp_rpc_channel *ch)
{
	pthread_mutex_lock(&ch->lock);
	rpc_reader_pass(ch);
	pthread_mutex_unlock(&ch->lock);
}

/* Keep the watch fd (reconnect events) registered exactly while it is wanted. */
static void watch_set(struct alp_rpc_channel *ch, int *cur, int want)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = EV_WATCH };

	if (*cur == want)
		return;
	if (*cur >= 0)
		epoll_ctl(ch->ep_fd, EPOLL_CTL_DEL, *cur, &ev);
	*cur = -1;
	if (want >= 0 && epoll_ctl(ch->ep_fd, EPOLL_CTL_ADD, want, &ev) == 0)
		*cur = want;
}

static void *poll_thread(void *arg)
{
	struct alp_rpc_channel *ch = arg;
	uint8_t *buf = ch->rx;
	int wcur = -1;
	bool self;

	poll_self = ch;
	for (;;) {
		struct epoll_event evs[3];
		uint64_t next, now;
		uint32_t tev = 0, wev = 0;
		int timeout = -1, tfd, wfd, retry, n;
		unsigned int gen;
		bool closing, hup, unarmed;

		rxq_drain(ch);
		next = rpc_call_expire(ch);
		pthread_mutex_lock(&ch->lock);
		closing = ch->closing;
		hup = ch->rd_hup && !ch->reader;
		if (hup)
			ch->reader = ch;
		else if (!ch->reader)
			rd_arm(ch, true);
		unarmed = !ch->reader && ch->rd_fd >= 0 && !ch->rd_armed;
		gen = ch->rd_gen;
		pthread_mutex_unlock(&ch->lock);
		if (closing)
			break;
		if (hup) {	/* a reading caller saw the link drop */
			link_down(ch);
			poll_pass(ch);
			continue;
		}
		tfd = ch->tp->fd;
		wfd = tfd < 0 ? ch->tp->ops->watch_fd(ch->tp) : -1;
		watch_set(ch, &wcur, wfd);
		if (next) {
			now = rpc_now_ns();
			timeout = next <= now ? 0 : (int)((next - now + 999999) / 1000000);
		}
		retry = tfd < 0 ? ch->tp->retry_ms : 0;
		if (unarmed)
			retry = 10;	/* epoll_ctl failed (out of memory): try again soon */
		if (retry > 0 && (timeout < 0 || retry < timeout))
			timeout = retry;
		n = epoll_wait(ch->ep_fd, evs, 3, timeout);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.u32 == EV_WAKE) {
				uint64_t v;

				/* Only this thread reads it: EAGAIN cannot happen. */
				if (read(ch->wake_fd, &v, sizeof(v)) < 0)
					v = 0;
			} else if (evs[i].data.u32 == EV_TRANSPORT) {
				tev = evs[i].events;
			} else {
				wev = evs[i].events;
			}
		}
		if (n < 0)
			continue;
		if (tfd >= 0 && tev) {
			/* A caller may have taken the role since epoll_wait returned. */
			if (!poll_take(ch, gen))
				continue;
			if (tev & EPOLLIN)
				read_one(ch, buf, tev);
			else
				link_down(ch);
			poll_pass(ch);
		} else if (wfd >= 0 && wev) {
			ch->tp->ops->watch_drain(ch->tp);
			try_connect(ch);
		} else if (tfd < 0 && retry > 0 && n == 0) {
			try_connect(ch);
		}
	}
	rpc_call_fail_all(ch, ALP_ERR_NOT_READY);
	pthread_mutex_lock(&ch->lock);
	self = ch->self_close;
	pthread_mutex_unlock(&ch->lock);
	if (self) {
		pthread_detach(pthread_self());
		rpc_channel_destroy(ch);
	}
	poll_self = NULL;
	return NULL;
}

/* ---- open / close -------------------------------------------------------- */

/*
 * The poll thread blocks every signal, so that process signals keep going
 * to the application's threads, and is named after the channel for ps/gdb.
 */
static int start_poll_thread(struct alp_rpc_channel *ch)
{
	sigset_t all, old;
	char tname[16];
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&ch->thread, NULL, poll_thread, ch);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return -rc;
	snprintf(tname, sizeof(tname), "rpc:%.11s", ch->name);	/* 15 + NUL */
	pthread_setname_np(ch->thread, tname);
	return 0;
}

void rpc_channel_destroy(struct alp_rpc_channel *ch)
{
	pthread_mutex_lock(&ch->lock);
	while (ch->users)
		pthread_cond_wait(&ch->cond, &ch->lock);
	pthread_mutex_unlock(&ch->lock);
	while (ch->rxq) {
		struct rpc_rxmsg *m = ch->rxq;

		ch->rxq = m->next;
		free(m);
	}
	rpc_transport_free(ch->tp);
	if (ch->wake_fd >= 0)
		close(ch->wake_fd);
	if (ch->kick_fd >= 0)
		close(ch->kick_fd);
	if (ch->ep_fd >= 0)
		close(ch->ep_fd);
	pthread_mutex_destroy(&ch->tx_lock);
	pthread_cond_destroy(&ch->cond);
	pthread_mutex_destroy(&ch->lock);
	free(ch);
}

static bool known_framing(uint32_t f)
{
	return f == ALP_RPC_FRAMING_TEXT || f == ALP_RPC_FRAMING_CALL || f == ALP_RPC_FRAMING_RAW;
}

static int make_transport(const alp_rpc_config_t *cfg, uint32_t src, uint32_t dst,
			  struct rpc_transport **tp)
{
	const char *n = cfg->node;
	bool by_name = cfg->dst_ept == 0;

	if (!n)
		return rpc_transport_rpmsg_rpc_new(tp, NULL, cfg->name, src, dst, by_name) == 0 ? 0 :
		       rpc_transport_rpmsg_char_new(tp, NULL, cfg->name, src, dst);
	if (!strncmp(n, "unix:", 5))
		return rpc_transport_unix_new(tp, n + 5, false);
	if (!strncmp(n, "unix-listen:", 12))
		return rpc_transport_unix_new(tp, n + 12, true);
	/* Explicit backend prefixes, for nodes under unusual paths. */
	if (!strncmp(n, "rpmsg_rpc:", 10))
		return rpc_transport_rpmsg_rpc_new(tp, n + 10, cfg->name, src, dst, by_name);
	if (!strncmp(n, "rpmsg_char:", 11))
		return rpc_transport_rpmsg_char_new(tp, n + 11, cfg->name, src, dst);
	if (!strncmp(n, "/dev/rpmsg_rpc", 14))
		return rpc_transport_rpmsg_rpc_new(tp, n, cfg->name, src, dst, by_name);
	if (!strncmp(n, "/dev/", 5))
		return rpc_transport_rpmsg_char_new(tp, n, cfg->name, src, dst);
	return -EINVAL;
}

/* Wait for the first connection during open, up to timeout_ms. */
static int wait_first_connect(struct alp_rpc_channel *ch, uint32_t timeout_ms)
{
	uint64_t deadline = rpc_now_ns() + (uint64_t)timeout_ms * 1000000u;
	int rc;

	while ((rc = try_connect(ch)) != 0) {
		struct pollfd pfd = { .events = POLLIN };
		uint64_t now = rpc_now_ns();
		int wait_ms;

		if (rc != -EAGAIN)	/* backends say -EAGAIN for "not there yet" */
			return rc;
		pfd.fd = ch->tp->ops->watch_fd(ch->tp);
		if (pfd.fd < 0 && ch->tp->retry_ms <= 0)
			return rc;
		if (timeout_ms != UINT32_MAX && now >= deadline)
			return -ETIMEDOUT;
		wait_ms = timeout_ms == UINT32_MAX ? -1 :
			  (int)((deadline - now + 999999) / 1000000);
		if (ch->tp->retry_ms > 0 && (wait_ms < 0 || ch->tp->retry_ms < wait_ms))
			wait_ms = ch->tp->retry_ms;
		if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR)
			return -errno;
		if (pfd.revents)
			ch->tp->ops->watch_drain(ch->tp);
	}
	return 0;
}

/*
 * The config as the caller compiled it, size bytes of it: a shorter one
 * leaves our later fields zero (defaults); a longer one must have zeros
 * where this library knows no field (docs/librpc.md, "Growing the config").
 */
static alp_status_t config_copy(alp_rpc_config_t *out, const alp_rpc_config_t *cfg, size_t size)
{
	const unsigned char *bytes = (const unsigned char *)cfg;

	memset(out, 0, sizeof(*out));
	if (!cfg || size < RPC_CONFIG_SIZE_MIN)
		return ALP_ERR_INVAL;
	for (size_t i = sizeof(*out); i < size; i++)
		if (bytes[i])
			return ALP_ERR_NOSUPPORT;
	memcpy(out, cfg, size < sizeof(*out) ? size : sizeof(*out));
	return ALP_OK;
}

/* The addresses open uses: the defaults of docs/librpc.md, "Addresses". */
static void config_addrs(const alp_rpc_config_t *cfg, uint32_t *src, uint32_t *dst)
{
	*src = cfg->src_ept ? cfg->src_ept : alp_rpc_default_src(cfg->name);
	*dst = cfg->dst_ept ? cfg->dst_ept : *src + 1;
}

static alp_status_t open_status(int rc)
{
	return rc == -ETIMEDOUT ? ALP_ERR_NOT_READY : rpc_errno_status(rc);
}

struct alp_rpc_channel *rpc_channel_open(const alp_rpc_config_t *cfg, struct rpc_transport *tp)
{
	struct alp_rpc_channel *ch;
	pthread_condattr_t ca;
	uint32_t src, dst, tmo;
	int rc;

	config_addrs(cfg, &src, &dst);
	tmo = cfg->open_timeout_ms ? cfg->open_timeout_ms : RPC_DEFAULT_OPEN_TIMEOUT_MS;
	ch = calloc(1, sizeof(*ch));
	if (!ch) {
		rpc_transport_free(tp);
		rpc_set_error(ALP_ERR_NOMEM);
		return NULL;
	}
	ch->tp = tp;
	pthread_mutex_init(&ch->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ch->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&ch->tx_lock, NULL);
	ch->framing = cfg->framing;
	rpc_strlcpy(ch->name, cfg->name, sizeof(ch->name));
	ch->src = src;
	ch->dst = dst;
	ch->next_id = 1;
	ch->rd_fd = -1;
	ch->rxq_tail = &ch->rxq;
	ch->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ch->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ch->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	rc = ch->wake_fd < 0 || ch->kick_fd < 0 || ch->ep_fd < 0 ? -errno :
	     epoll_ctl(ch->ep_fd, EPOLL_CTL_ADD, ch->wake_fd,
		       &(struct epoll_event){ .events = EPOLLIN, .data.u32 = EV_WAKE }) ? -errno : 0;
	if (rc == 0) {
		ch->tp->cancel_fd = ch->kick_fd;	/* close stops blocked sends */
		rc = wait_first_connect(ch, tmo);
	}
	if (rc == 0 && !(cfg->flags & ALP_RPC_OPEN_PAUSED)) {
		rc = start_poll_thread(ch);
		ch->running = rc == 0;
	}
	if (rc) {
		rpc_channel_destroy(ch);
		rpc_set_error(open_status(rc));
		return NULL;
	}
	rpc_set_error(ALP_OK);
	return ch;
}

static alp_rpc_channel_t *open_common(const alp_rpc_config_t *ucfg, size_t size, int fd)
{
	alp_rpc_config_t copy, *cfg = &copy;
	struct rpc_transport *tp;
	uint32_t src, dst;
	alp_status_t st;
	int rc;

	st = config_copy(cfg, ucfg, size);
	if (st == ALP_OK &&
	    (alp_rpc_method_len(cfg->name) < 0 || !known_framing(cfg->framing) ||
	     (fd >= 0 && cfg->node) || (cfg->flags & ~ALP_RPC_OPEN_PAUSED)))
		st = ALP_ERR_INVAL;
	if (st) {
		if (fd >= 0)
			close(fd);
		rpc_set_error(st);
		return NULL;
	}
	config_addrs(cfg, &src, &dst);
	rc = fd >= 0 ? rpc_transport_fd_new(&tp, fd) : make_transport(cfg, src, dst, &tp);
	if (rc) {
		if (fd >= 0)
			close(fd);
		rpc_set_error(open_status(rc));
		return NULL;
	}
	return rpc_channel_open(cfg, tp);
}

RPC_EXPORT alp_rpc_channel_t *alp_rpc_open_sized(size_t cfg_size, const alp_rpc_config_t *cfg)
{
	return open_common(cfg, cfg_size, -1);
}

RPC_EXPORT alp_rpc_channel_t *alp_rpc_open_fd_sized(size_t cfg_size, const alp_rpc_config_t *cfg,
						    int fd)
{
	if (fd < 0) {
		rpc_set_error(ALP_ERR_INVAL);
		return NULL;
	}
	return open_common(cfg, cfg_size, fd);
}

/* LIBRPC_1.0 entry points, for binaries built before the sized ones: the 1.0 layout. */
RPC_EXPORT alp_rpc_channel_t *(alp_rpc_open)(const alp_rpc_config_t *cfg)
{
	return alp_rpc_open_sized(RPC_CONFIG_SIZE_1_0, cfg);
}

RPC_EXPORT alp_rpc_channel_t *(alp_rpc_open_fd)(const alp_rpc_config_t *cfg, int fd)
{
	return alp_rpc_open_fd_sized(RPC_CONFIG_SIZE_1_0, cfg, fd);
}

RPC_EXPORT alp_status_t alp_rpc_resume(alp_rpc_channel_t *ch)
{
	alp_status_t st = ALP_OK;
	int rc;

	if (!ch)
		return rpc_set_error(ALP_ERR_INVAL);
	pthread_mutex_lock(&ch->lock);
	if (ch->closing) {
		st = ALP_ERR_NOT_READY;
	} else if (!ch->running) {
		/* the new thread waits for the lock before it does anything */
		rc = start_poll_thread(ch);
		ch->running = rc == 0;
		if (rc)
			st = rc == -EAGAIN ? ALP_ERR_NOMEM : rpc_errno_status(rc);
	}
	pthread_mutex_unlock(&ch->lock);
	return rpc_set_error(st);
}

RPC_EXPORT void alp_rpc_close(alp_rpc_channel_t *ch)
{
	bool running;

	if (!ch)
		return;
	pthread_mutex_lock(&ch->lock);
	ch->closing = true;
	running = ch->running;
	ch->self_close = rpc_on_poll_thread(ch);
	memset(ch->subs, 0, sizeof(ch->subs));
	memset(ch->srvs, 0, sizeof(ch->srvs));
	ch->msg_hook.used = false;
	ch->raw_hook.used = false;
	pthread_cond_broadcast(&ch->cond);
	pthread_mutex_unlock(&ch->lock);
	/*
	 * A caller reading the transport and blocked sends stop (kick_fd is
	 * never read: it stays readable).
	 */
	poke(ch->kick_fd);
	if (ch->self_close)
		return;	/* the poll thread frees ch once the callback returns */
	if (running) {
		rpc_channel_wake(ch);
		pthread_join(ch->thread, NULL);
	}
	rpc_channel_destroy(ch);
}

/* ---- subscriptions, sends, stats ---------------------------------------- */

alp_status_t rpc_slot_set(struct alp_rpc_channel *ch, struct rpc_slot *tab, size_t n,
			  const char *method, const union rpc_fn *fn, void *user)
{
	struct rpc_slot *s;
	alp_status_t st = ALP_OK;

	if (rpc_channel_enter(ch))
		return rpc_set_error(ALP_ERR_NOT_READY);
	pthread_mutex_lock(&ch->lock);
	s = rpc_slot_find(tab, n, method);
	if (!fn) {
		if (s) {
			s->used = false;
			while (ch->dispatching == s && !rpc_on_poll_thread(ch))
				pthread_cond_wait(&ch->cond, &ch->lock);
		}
	} else {
		for (size_t i = 0; !s && i < n; i++)
			if (!tab[i].used)
				s = &tab[i];
		if (s) {
			rpc_strlcpy(s->method, method, sizeof(s->method));
			s->user = user;
			s->fn = *fn;
			s->used = true;
		} else {
			st = ALP_ERR_NOMEM;
		}
	}
	pthread_mutex_unlock(&ch->lock);
	rpc_channel_leave(ch);
	return rpc_set_error(st);
}

static alp_status_t set_sub(alp_rpc_channel_t *ch, const char *method,
			    alp_rpc_method_cb_t cb, void *user)
{
	union rpc_fn fn = { .sub = cb };

	if (!ch || alp_rpc_method_len(method) < 0)
		return rpc_set_error(ALP_ERR_INVAL);
	if (ch->framing == ALP_RPC_FRAMING_RAW)
		return rpc_set_error(ALP_ERR_NOSUPPORT);
	return rpc_slot_set(ch, ch->subs, ALP_RPC_SUBSCRIBE_MAX, method, cb ? &fn : NULL, user);
}

RPC_EXPORT alp_status_t alp_rpc_subscribe(alp_rpc_channel_t *ch, const char *method,
					  alp_rpc_method_cb_t cb, void *user)
{
	return set_sub(ch, method, cb, user);
}

RPC_EXPORT alp_status_t alp_rpc_unsubscribe(alp_rpc_channel_t *ch, const char *method)
{
	return set_sub(ch, method, NULL, NULL);
}

RPC_EXPORT alp_status_t alp_rpc_set_msg_cb(alp_rpc_channel_t *ch, alp_rpc_msg_cb_t cb, void *user)
{
	union rpc_fn fn = { .msg = cb };

	if (!ch)
		return rpc_set_error(ALP_ERR_INVAL);
	if (ch->framing == ALP_RPC_FRAMING_RAW)
		return rpc_set_error(ALP_ERR_NOSUPPORT);	/* it would never fire */
	return rpc_slot_set(ch, &ch->msg_hook, 1, RPC_HOOK, cb ? &fn : NULL, user);
}

RPC_EXPORT alp_status_t alp_rpc_set_raw_cb(alp_rpc_channel_t *ch, alp_rpc_raw_cb_t cb, void *user)
{
	union rpc_fn fn = { .raw = cb };

	if (!ch)
		return rpc_set_error(ALP_ERR_INVAL);
	if (ch->framing != ALP_RPC_FRAMING_RAW)
		return rpc_set_error(ALP_ERR_NOSUPPORT);	/* it would never fire */
	return rpc_slot_set(ch, &ch->raw_hook, 1, RPC_HOOK, cb ? &fn : NULL, user);
}

RPC_EXPORT alp_status_t alp_rpc_send(alp_rpc_channel_t *ch, const char *method,
				     const void *payload, size_t len)
{
	uint8_t buf[RPC_RX_BUF];
	long n;
	alp_status_t st;

	if (!ch || alp_rpc_method_len(method) < 0 || (!payload && len))
		return rpc_set_error(ALP_ERR_INVAL);
	if (ch->framing == ALP_RPC_FRAMING_RAW)
		return rpc_set_error(ALP_ERR_NOSUPPORT);
	if (ch->framing == ALP_RPC_FRAMING_CALL)
		n = alp_rpc_frame_encode_call(buf, ch->tp->mtu, ALP_RPC_KIND_ONEWAY, 0, 0,
					      method, payload, len);
	else
		n = alp_rpc_frame_encode_text(buf, ch->tp->mtu, method, payload, len);
	if (n < 0)
		return rpc_set_error(n == ALP_RPC_WIRE_ENOSPC ? ALP_ERR_MSGSIZE : ALP_ERR_INVAL);
	if (rpc_channel_enter(ch))
		return rpc_set_error(ALP_ERR_NOT_READY);
	st = rpc_channel_write(ch, buf, (size_t)n);
	rpc_channel_leave(ch);
	return rpc_set_error(st);
}

RPC_EXPORT alp_status_t alp_rpc_send_raw(alp_rpc_channel_t *ch, const void *msg, size_t len)
{
	alp_status_t st;

	if (!ch || !msg || !len)
		return rpc_set_error(ALP_ERR_INVAL);
	if (len > ch->tp->mtu)
		return rpc_set_error(ALP_ERR_MSGSIZE);
	if (rpc_channel_enter(ch))
		return rpc_set_error(ALP_ERR_NOT_READY);
	st = rpc_channel_write(ch, msg, len);
	rpc_channel_leave(ch);
	return rpc_set_error(st);
}

RPC_EXPORT alp_status_t alp_rpc_get_stats(alp_rpc_channel_t *ch, alp_rpc_stats_t *out, size_t size)
{
	if (!ch || !out || !size)
		return rpc_set_error(ALP_ERR_INVAL);
	if (size > sizeof(*out))
		size = sizeof(*out);
	pthread_mutex_lock(&ch->lock);
	memcpy(out, &ch->stats, size);
	pthread_mutex_unlock(&ch->lock);
	return rpc_set_error(ALP_OK);
}

RPC_EXPORT size_t alp_rpc_mtu(alp_rpc_channel_t *ch)
{
	return ch ? ch->tp->mtu : 0;
}

RPC_EXPORT bool alp_rpc_is_connected(alp_rpc_channel_t *ch)
{
	bool up;

	if (!ch)
		return false;
	pthread_mutex_lock(&ch->lock);
	up = ch->connected;
	pthread_mutex_unlock(&ch->lock);
	return up;
}

RPC_EXPORT alp_status_t alp_rpc_get_addrs(alp_rpc_channel_t *ch, uint32_t *src, uint32_t *dst)
{
	if (!ch)
		return rpc_set_error(ALP_ERR_INVAL);
	pthread_mutex_lock(&ch->lock);
	if (src)
		*src = ch->src;
	if (dst)
		*dst = ch->dst;
	pthread_mutex_unlock(&ch->lock);
	return rpc_set_error(ALP_OK);
}

bool rpc_deadline(struct timespec *ts, uint32_t timeout_ms)
{
	if (timeout_ms == UINT32_MAX)
		return false;
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
	return true;
}

RPC_EXPORT alp_status_t alp_rpc_wait_connected(alp_rpc_channel_t *ch, uint32_t timeout_ms)
{
	struct timespec ts;
	bool bounded;
	int rc = 0;
	alp_status_t st;

	if (!ch)
		return rpc_set_error(ALP_ERR_INVAL);
	if (rpc_on_poll_thread(ch))
		return rpc_set_error(ALP_ERR_BUSY);
	if (rpc_channel_enter(ch))
		return rpc_set_error(ALP_ERR_NOT_READY);
	bounded = rpc_deadline(&ts, timeout_ms);
	pthread_mutex_lock(&ch->lock);
	while (!ch->connected && !ch->closing && rc != ETIMEDOUT)
		rc = bounded ? pthread_cond_timedwait(&ch->cond, &ch->lock, &ts) :
			       pthread_cond_wait(&ch->cond, &ch->lock);
	st = ch->connected ? ALP_OK : ch->closing ? ALP_ERR_NOT_READY : ALP_ERR_TIMEOUT;
	pthread_mutex_unlock(&ch->lock);
	rpc_channel_leave(ch);
	return rpc_set_error(st);
}
