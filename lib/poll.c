// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The poll thread: waits on the transport, the wake-up eventfd and the
 * reconnect watch; dispatches every frame to subscriptions, servers and
 * pending calls (callbacks run only here, one at a time); takes the link
 * down and up; expires async calls.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "internal.h"
#include "sys.h"

/* The channel whose poll thread this is (NULL on other threads). */
static RPC_TLS struct alp_rpc_channel *poll_self;

bool rpc_on_poll_thread(struct alp_rpc_channel *ch)
{
	return poll_self == ch;
}

/* ---- dispatch ------------------------------------------------------------ */

/*
 * No lock unless a thread waits for the callback to end (subscribe.c): it
 * counts itself in dispatch_waiters before it reads dispatching, and this
 * clears dispatching before it reads dispatch_waiters (sequentially
 * consistent both), so either the waiter sees NULL or this sees the waiter
 * and wakes it, under the lock the waiter holds until it sleeps.
 */
void rpc_dispatch_end(struct alp_rpc_channel *ch)
{
	atomic_store(&ch->dispatching, NULL);
	if (atomic_load(&ch->dispatch_waiters)) {
		rpc_lock(&ch->lock);
		rpc_cond_broadcast(&ch->cond);
		rpc_unlock(&ch->lock);
	}
}

static void deliver_raw(struct alp_rpc_channel *ch, const void *msg, size_t len)
{
	alp_rpc_raw_cb_t cb;
	void *user;

	rpc_lock(&ch->lock);
	cb = ch->raw_hook.used ? ch->raw_hook.fn.raw : NULL;
	user = ch->raw_hook.user;
	if (cb)
		ch->dispatching = &ch->raw_hook;
	else
		RPC_STAT_ADD(ch, rx_unhandled, 1);
	rpc_unlock(&ch->lock);
	if (cb) {
		cb(msg, len, user);
		rpc_dispatch_end(ch);
	}
}

static void deliver_oneway(struct alp_rpc_channel *ch, const struct alp_rpc_frame *f)
{
	struct rpc_slot *s;
	alp_rpc_method_cb_t cb = NULL;
	alp_rpc_msg_cb_t mcb = NULL;
	void *user = NULL;

	rpc_lock(&ch->lock);
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
		RPC_STAT_ADD(ch, rx_unhandled, 1);
	}
	rpc_unlock(&ch->lock);
	if (cb)
		cb(f->payload, f->payload_len, user);
	else if (mcb)
		mcb(f->method, f->payload, f->payload_len, user);
	else
		return;
	rpc_dispatch_end(ch);
}

/*
 * One whole frame: a message as read, or one put together from fragments
 * (frag.c, through a pointer). Inline on the read path: one call less per frame.
 */
RPC_HOT_INLINE void dispatch_frame(struct alp_rpc_channel *ch, const uint8_t *msg, size_t len)
{
	struct alp_rpc_frame f;

	if (alp_rpc_frame_decode(msg, len, &f)) {
		RPC_STAT_ADD(ch, rx_malformed, 1);
		return;
	}
	switch (f.kind) {
	case ALP_RPC_KIND_REPLY:
	case ALP_RPC_KIND_ERROR:
		rpc_call_complete(ch, &f);
		return;
	case ALP_RPC_KIND_REQUEST:
		/* The fragment capability is answered by the library (docs/wire-format.md). */
		if (ch->framing == ALP_RPC_FRAMING_CALL && f.framing == ALP_RPC_WIRE_CALL &&
		    f.method_len == sizeof(ALP_RPC_CAPS_METHOD) - 1 &&
		    !memcmp(f.method, ALP_RPC_CAPS_METHOD, f.method_len))
			rpc_frag_serve_caps(ch, &f);
		else
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

RPC_HOT_INLINE void dispatch(struct alp_rpc_channel *ch, const uint8_t *msg, size_t len)
{
	RPC_STAT_ADD(ch, rx_frames, 1);
	RPC_STAT_ADD(ch, rx_bytes, len);
	if (len > ch->tp->mtu) {
		RPC_STAT_ADD(ch, rx_oversize, 1);
		return;
	}
	if (ch->framing == ALP_RPC_FRAMING_RAW) {
		deliver_raw(ch, msg, len);
		return;
	}
	/* Fragments only on call framing: a text-framing channel takes none. */
	if (msg[0] == ALP_RPC_WIRE_FRAG_MAGIC && ch->framing == ALP_RPC_FRAMING_CALL) {
		rpc_frag_rx(ch, msg, len, dispatch_frame);
		return;
	}
	dispatch_frame(ch, msg, len);
}

/* One received message of true length n (buf holds at most RPC_RX_BUF of it). */
void rpc_rx_message(struct alp_rpc_channel *ch, const uint8_t *buf, size_t n)
{
	if (n == 0) {
		/* An empty seqpacket message, not a hang-up (no POLLHUP). */
		RPC_STAT_ADD(ch, rx_frames, 1);
		RPC_STAT_ADD(ch, rx_malformed, 1);
		return;
	}
	if (n > RPC_RX_BUF) {
		RPC_STAT_ADD(ch, rx_frames, 1);
		RPC_STAT_ADD(ch, rx_bytes, n);	/* at its true length, like every other */
		RPC_STAT_ADD(ch, rx_oversize, 1);
		return;
	}
	dispatch(ch, buf, n);
}

void rpc_channel_rx_lost(struct alp_rpc_channel *ch)
{
	RPC_STAT_ADD(ch, rx_dropped, 1);
}

/* ---- link state (poll thread, and open) --------------------------------- */

static void link_up(struct alp_rpc_channel *ch)
{
	rpc_lock(&ch->lock);
	rpc_reader_link_up(ch);
	ch->connected = true;
	if (ch->tp->addrs_known) {
		ch->src = ch->tp->bound_src;
		ch->dst = ch->tp->bound_dst;
	}
	RPC_STAT_ADD(ch, link_up, 1);
	rpc_chan_broadcast(ch);
	rpc_unlock(&ch->lock);
}

int rpc_link_try_connect(struct alp_rpc_channel *ch)
{
	int rc;

	rc = rpc_transport_connect(ch->tp);
	if (rc == 0) {
		rpc_tx_publish(ch);
		link_up(ch);
	}
	return rc;
}

/* Poll thread, holding the reader role (no caller reads the fd it closes). */
static void link_down(struct alp_rpc_channel *ch)
{
	rpc_lock(&ch->lock);
	rpc_reader_link_down(ch);
	ch->connected = false;
	rpc_unlock(&ch->lock);
	rpc_tx_withdraw(ch);
	ch->tp->ops->disconnect(ch->tp);
	rpc_lock(&ch->lock);
	ch->connected = false;
	RPC_STAT_ADD(ch, link_down, 1);
	rpc_chan_broadcast(ch);
	rpc_unlock(&ch->lock);
	rpc_call_fail_all(ch, ALP_ERR_NOT_READY);
	rpc_frag_link_down(ch);	/* partial messages lost; the next peer tells its own capability */
	/* The peer may already be back (e.g. a listening socket). */
	rpc_link_try_connect(ch);
}

/* ---- the thread ---------------------------------------------------------- */

static void read_one(struct alp_rpc_channel *ch, uint8_t *buf, uint32_t revents)
{
	ssize_t n = rpc_transport_recv_fast(ch->tp, buf, RPC_RX_BUF);

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
	rpc_rx_message(ch, buf, (size_t)n);
}

/* Keep the watch fd (reconnect events) registered exactly while it is wanted. */
static void watch_set(struct alp_rpc_channel *ch, int *cur, int want)
{
	struct epoll_event ev;

	if (*cur == want)
		return;
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u32 = RPC_EV_WATCH };
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
	bool self, holding = false;	/* the poll thread holds the reader role */

	poll_self = ch;
	for (;;) {
		struct epoll_event evs[3];
		uint64_t next, now;
		uint32_t tev = 0, wev = 0;
		int timeout = -1, tfd, wfd, retry, n;
		unsigned int rd_state;
		struct rpc_rxmsg *queued;
		bool closing, hup, unarmed, expire;

		/*
		 * One lock round per turn: give up the reader role taken last
		 * turn, then queued frames first, then the rest.
		 */
		rpc_lock(&ch->lock);
		if (holding)
			rpc_reader_poll_pass(ch);
		holding = false;
		queued = rpc_reader_detach(ch);
		if (!queued) {
			closing = ch->closing;
			hup = rpc_reader_poll_prepare(ch, &rd_state, &unarmed);
			expire = ch->async_n > 0;
		}
		rpc_unlock(&ch->lock);
		if (queued) {
			rpc_reader_dispatch(ch, queued);
			continue;
		}
		next = expire ? rpc_call_expire(ch) : 0;
		if (ch->frx.bytes) {	/* partial messages: wake to expire them */
			uint64_t f;

			rpc_frag_expire(ch);
			f = rpc_frag_next_expiry(ch);
			if (f && (!next || f < next))
				next = f;
		}
		if (closing)
			break;
		if (hup) {	/* a reading caller saw the link drop */
			link_down(ch);
			holding = true;
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
		n = rpc_sys_epoll_wait(ch->ep_fd, evs, 3, timeout);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.u32 == RPC_EV_WAKE) {
				uint64_t v;

				/* Only this thread reads it: EAGAIN cannot happen. */
				if (rpc_sys_read(ch->wake_fd, &v, sizeof(v)) < 0)
					v = 0;
			} else if (evs[i].data.u32 == RPC_EV_TRANSPORT) {
				tev = evs[i].events;
			} else {
				wev = evs[i].events;
			}
		}
		if (n < 0)
			continue;
		if (tfd >= 0 && tev) {
			/* A caller may have taken the role since epoll_wait returned. */
			if (!rpc_reader_poll_take(ch, rd_state))
				continue;
			if (tev & EPOLLIN)
				read_one(ch, buf, tev);
			else
				link_down(ch);
			holding = true;	/* passed at the top of the next turn */
		} else if (wfd >= 0 && wev) {
			ch->tp->ops->watch_drain(ch->tp);
			rpc_link_try_connect(ch);
		} else if (tfd < 0 && retry > 0 && n == 0) {
			rpc_link_try_connect(ch);
		}
	}
	rpc_call_fail_all(ch, ALP_ERR_NOT_READY);
	rpc_lock(&ch->lock);
	self = ch->self_close;
	rpc_unlock(&ch->lock);
	if (self) {
		pthread_detach(pthread_self());
		rpc_channel_destroy(ch);
	}
	poll_self = NULL;
	return NULL;
}

/*
 * The poll thread blocks every signal, so that process signals keep going
 * to the application's threads, and is named after the channel for ps/gdb.
 */
int rpc_poll_start(struct alp_rpc_channel *ch)
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
