// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/channel.c, poll.c, subscribe.c, send.c, stats.c: open/close, sends,
 * subscriptions, bad input from the peer,
 * statistics, callbacks that unsubscribe or close.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"

/* A subscriber that records what it got. */
struct rec {
	atomic_int calls;
	size_t len;
	uint8_t data[512];
	char method[ALP_RPC_METHOD_MAX_LEN];
	alp_rpc_channel_t *ch;
	int action;		/* 0 record, 1 unsubscribe self, 2 close channel, 3 slow */
	alp_status_t action_rc;
	atomic_int finished;
	atomic_int entered;
};

static void rec_cb(const void *payload, size_t len, void *user)
{
	struct rec *r = user;

	r->entered = 1;
	r->len = len;
	memcpy(r->data, payload, len < sizeof(r->data) ? len : sizeof(r->data));
	if (r->action == 1)
		r->action_rc = alp_rpc_unsubscribe(r->ch, r->method);
	if (r->action == 3)
		t_sleep_ms(200);
	r->calls++;
	if (r->action == 2)
		alp_rpc_close(r->ch);
	r->finished = 1;
}

static bool got_call(void *arg)
{
	return ((struct rec *)arg)->calls > 0;
}

static bool is_down(void *arg)
{
	return !alp_rpc_is_connected(arg);
}

START_TEST(open_rejects_bad_config)
{
	alp_rpc_config_t cfg = { .name = "ok" };
	int sv[2];

	ck_assert_ptr_null(alp_rpc_open(NULL));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	cfg.name = NULL;
	ck_assert_ptr_null(alp_rpc_open(&cfg));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	cfg.name = "bad name";
	ck_assert_ptr_null(alp_rpc_open(&cfg));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	cfg.name = "abcdefghijklmnopqrstuvwxyz0123456"; /* 33 chars */
	ck_assert_ptr_null(alp_rpc_open(&cfg));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	cfg.name = "ok";
	cfg.framing = 7;
	ck_assert_ptr_null(alp_rpc_open(&cfg));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	cfg.framing = 0;
	cfg.node = "tcp:1.2.3.4";
	ck_assert_ptr_null(alp_rpc_open(&cfg));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	cfg.node = "unix:";
	ck_assert_ptr_null(alp_rpc_open(&cfg));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	/* open_fd: node must be NULL, and the fd is closed on failure. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	cfg.node = "unix:/x";
	ck_assert_ptr_null(alp_rpc_open_fd(&cfg, sv[0]));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	ck_assert_int_eq(fcntl(sv[0], F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);
	close(sv[1]);
	ck_assert_ptr_null(alp_rpc_open_fd(&cfg, -1));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
}
END_TEST

START_TEST(close_null_is_noop)
{
	alp_rpc_close(NULL);
	ck_assert_int_eq(alp_rpc_subscribe(NULL, "a", rec_cb, NULL), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_unsubscribe(NULL, "a"), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_send(NULL, "a", NULL, 0), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_send_raw(NULL, "a", 1), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_get_stats(NULL, NULL, 0), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_get_addrs(NULL, NULL, NULL), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_wait_connected(NULL, 0), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_set_msg_cb(NULL, NULL, NULL), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_set_raw_cb(NULL, NULL, NULL), ALP_ERR_INVAL);
	ck_assert_uint_eq(alp_rpc_mtu(NULL), 0);
	ck_assert(!alp_rpc_is_connected(NULL));
}
END_TEST

START_TEST(default_and_explicit_addresses)
{
	alp_rpc_config_t cfg = { .name = "temperature", .mbox_ch = 3, .cacheable = true };
	alp_rpc_channel_t *ch;
	uint32_t src, dst;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ch = alp_rpc_open_fd(&cfg, sv[0]);
	ck_assert_ptr_nonnull(ch);
	ck_assert_int_eq(alp_rpc_get_addrs(ch, &src, &dst), ALP_OK);
	ck_assert_uint_eq(src, alp_rpc_default_src("temperature"));
	ck_assert_uint_eq(dst, src + 1);
	alp_rpc_close(ch);
	close(sv[1]);

	cfg.src_ept = 0x400;
	cfg.dst_ept = 0x35;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ch = alp_rpc_open_fd(&cfg, sv[0]);
	ck_assert_int_eq(alp_rpc_get_addrs(ch, &src, &dst), ALP_OK);
	ck_assert_uint_eq(src, 0x400);
	ck_assert_uint_eq(dst, 0x35);
	alp_rpc_close(ch);
	close(sv[1]);
}
END_TEST

START_TEST(send_text_bytes_on_wire)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	uint8_t buf[600];
	static const uint8_t want[] = { 't', 'e', 'm', 'p', 0, 1, 2, 3 };

	ck_assert_int_eq(alp_rpc_send(ch, "temp", "\x01\x02\x03", 3), ALP_OK);
	ck_assert_int_eq(alp_last_error(), ALP_OK);
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), sizeof(want));
	ck_assert_int_eq(memcmp(buf, want, sizeof(want)), 0);
	ck_assert_int_eq(alp_rpc_send(ch, "empty", NULL, 0), ALP_OK);
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), 6);
	ck_assert_uint_eq(T_STAT(ch, tx_frames), 2);
	ck_assert_uint_eq(T_STAT(ch, tx_bytes), 14);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(send_call_framing_is_oneway)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	uint8_t buf[600];
	struct alp_rpc_frame f;

	ck_assert_int_eq(alp_rpc_send(ch, "log", "hi", 2), ALP_OK);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(f.framing, ALP_RPC_WIRE_CALL);
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_ONEWAY);
	ck_assert_uint_eq(f.request_id, 0);
	ck_assert_str_eq(f.method, "log");
	ck_assert_uint_eq(f.payload_len, 2);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(send_rejects_bad_input_and_sends_nothing)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	uint8_t big[1000] = { 0 }, buf[1000];
	size_t mtu = alp_rpc_mtu(ch);

	ck_assert_uint_eq(mtu, 496);
	ck_assert_int_eq(alp_rpc_send(ch, NULL, NULL, 0), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_send(ch, "", NULL, 0), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_send(ch, "a b", NULL, 0), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_send(ch, "x/y", NULL, 0), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_send(ch, "abcdefghijklmnopqrstuvwxyz012345", NULL, 0),
			 ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_send(ch, "a", NULL, 4), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	/* "a\0" + payload: mtu - 2 fits, mtu - 1 does not. */
	ck_assert_int_eq(alp_rpc_send(ch, "a", big, mtu - 1), ALP_ERR_MSGSIZE);
	ck_assert_int_eq(alp_last_error(), ALP_ERR_MSGSIZE);
	ck_assert_int_eq(alp_rpc_send(ch, "a", big, sizeof(big)), ALP_ERR_MSGSIZE);
	ck_assert_int_eq(alp_rpc_send_raw(ch, big, mtu + 1), ALP_ERR_MSGSIZE);
	ck_assert_int_eq(alp_rpc_send_raw(ch, NULL, 3), ALP_ERR_INVAL);
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_QUIET_MS), -1);
	ck_assert_uint_eq(T_STAT(ch, tx_frames), 0);
	ck_assert_int_eq(alp_rpc_send(ch, "a", big, mtu - 2), ALP_OK);
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), (ssize_t)mtu);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(subscribe_delivers_replaces_and_unsubscribes)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	struct rec a = { 0 }, b = { 0 };

	ck_assert_int_eq(alp_rpc_subscribe(ch, "temp", rec_cb, &a), ALP_OK);
	t_send_text(peer, "temp", "abc", 3);
	ck_assert(t_wait(got_call, &a, T_WAIT_MS));
	ck_assert_uint_eq(a.len, 3);
	ck_assert_int_eq(memcmp(a.data, "abc", 3), 0);
	/* Subscribing again replaces: b gets the next frame, a does not. */
	ck_assert_int_eq(alp_rpc_subscribe(ch, "temp", rec_cb, &b), ALP_OK);
	t_send_text(peer, "temp", "de", 2);
	ck_assert(t_wait(got_call, &b, T_WAIT_MS));
	ck_assert_int_eq(a.calls, 1);
	ck_assert_uint_eq(b.len, 2);
	/* NULL cb unsubscribes. */
	ck_assert_int_eq(alp_rpc_subscribe(ch, "temp", NULL, NULL), ALP_OK);
	t_send_text(peer, "temp", "x", 1);
	ck_assert(T_WAIT_STAT(ch, rx_unhandled, 1));
	ck_assert_int_eq(b.calls, 1);
	ck_assert_int_eq(alp_rpc_unsubscribe(ch, "never"), ALP_OK);
	ck_assert_int_eq(alp_rpc_subscribe(ch, "bad name", rec_cb, &a), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_unsubscribe(ch, ""), ALP_ERR_INVAL);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(subscribe_table_full)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	struct rec r = { 0 };
	char m[16];

	for (int i = 0; i < ALP_RPC_SUBSCRIBE_MAX; i++) {
		snprintf(m, sizeof(m), "m%d", i);
		ck_assert_int_eq(alp_rpc_subscribe(ch, m, rec_cb, &r), ALP_OK);
	}
	ck_assert_int_eq(alp_rpc_subscribe(ch, "one_more", rec_cb, &r), ALP_ERR_NOMEM);
	/* Replacing an existing one still works when full; freeing a slot helps. */
	ck_assert_int_eq(alp_rpc_subscribe(ch, "m0", rec_cb, &r), ALP_OK);
	ck_assert_int_eq(alp_rpc_unsubscribe(ch, "m3"), ALP_OK);
	ck_assert_int_eq(alp_rpc_subscribe(ch, "one_more", rec_cb, &r), ALP_OK);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(call_channel_accepts_text_and_oneway)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct rec r = { 0 };

	ck_assert_int_eq(alp_rpc_subscribe(ch, "evt", rec_cb, &r), ALP_OK);
	t_send_call(peer, ALP_RPC_KIND_ONEWAY, 0, 0, "evt", "12", 2);
	t_send_text(peer, "evt", "345", 3);
	ck_assert(T_WAIT_STAT(ch, rx_frames, 2));
	ck_assert(t_wait(got_call, &r, T_WAIT_MS));
	for (int i = 0; i < 1000 && r.calls < 2; i++)
		t_sleep_ms(5);
	ck_assert_int_eq(r.calls, 2);
	ck_assert_uint_eq(r.len, 3);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

/* Malformed, truncated and oversize frames are dropped, counted, survivable. */
START_TEST(bad_frames_dropped_and_counted)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct rec r = { 0 };
	uint8_t big[2000];
	static const uint8_t trunc_call[] = { 0xC1, 1, 0, 3, 7, 0 };
	static const uint8_t bad_kind[] = { 0xC1, 9, 0, 1, 7, 0, 0, 0, 'a', 0 };
	static const uint8_t hi[] = { 0xFF, 0xFE };

	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(alp_rpc_subscribe(ch, "ok", rec_cb, &r), ALP_OK);
	t_send(peer, trunc_call, sizeof(trunc_call));
	t_send(peer, bad_kind, sizeof(bad_kind));
	t_send(peer, hi, sizeof(hi));
	t_send(peer, "no_nul", 6);
	t_send(peer, "", 0);				/* empty message */
	t_send(peer, big, 40);				/* text, method too long */
	ck_assert(T_WAIT_STAT(ch, rx_malformed, 6));
	big[0] = 'o';
	big[1] = 'k';
	big[2] = 0;
	t_send(peer, big, 497);				/* valid text frame, > MTU */
	t_send(peer, big, sizeof(big));			/* > MTU and > our buffer */
	ck_assert(T_WAIT_STAT(ch, rx_oversize, 2));
	ck_assert_int_eq(r.calls, 0);
	/* Still alive and connected. */
	ck_assert(alp_rpc_is_connected(ch));
	t_send_text(peer, "ok", "1", 1);
	ck_assert(t_wait(got_call, &r, T_WAIT_MS));
	ck_assert_uint_eq(T_STAT(ch, rx_frames), 9);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

static atomic_int msg_calls;
static char msg_method[64];

static void msg_cb(const char *method, const void *payload, size_t len, void *user)
{
	(void)payload;
	(void)len;
	ck_assert_ptr_eq(user, &msg_calls);
	snprintf(msg_method, sizeof(msg_method), "%s", method);
	msg_calls++;
}

static bool msg_seen(void *arg)
{
	(void)arg;
	return msg_calls > 0;
}

START_TEST(catch_all_gets_unsubscribed_methods)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);

	msg_calls = 0;
	t_send_text(peer, "lost", NULL, 0);
	ck_assert(T_WAIT_STAT(ch, rx_unhandled, 1));
	ck_assert_int_eq(alp_rpc_set_msg_cb(ch, msg_cb, &msg_calls), ALP_OK);
	t_send_text(peer, "other", "z", 1);
	ck_assert(t_wait(msg_seen, NULL, T_WAIT_MS));
	ck_assert_str_eq(msg_method, "other");
	ck_assert_int_eq(alp_rpc_set_msg_cb(ch, NULL, NULL), ALP_OK);
	t_send_text(peer, "other", "z", 1);
	ck_assert(T_WAIT_STAT(ch, rx_unhandled, 2));
	ck_assert_int_eq(msg_calls, 1);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

static atomic_int raw_len;

static void raw_cb(const void *msg, size_t len, void *user)
{
	(void)msg;
	(void)user;
	raw_len = (int)len;
}

static bool raw_seen(void *arg)
{
	(void)arg;
	return raw_len > 0;
}

START_TEST(raw_mode)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_RAW, &peer);
	struct rec r = { 0 };
	uint8_t buf[64];

	raw_len = 0;
	ck_assert_int_eq(alp_rpc_subscribe(ch, "x", rec_cb, &r), ALP_ERR_NOSUPPORT);
	ck_assert_int_eq(alp_rpc_send(ch, "x", NULL, 0), ALP_ERR_NOSUPPORT);
	ck_assert_int_eq(alp_rpc_call(ch, "x", NULL, 0, NULL, NULL, 10), ALP_ERR_NOSUPPORT);
	ck_assert_int_eq(alp_rpc_set_raw_cb(ch, raw_cb, NULL), ALP_OK);
	t_send(peer, "\xff\x00garbage", 9);	/* not a frame: raw mode does not care */
	ck_assert(t_wait(raw_seen, NULL, T_WAIT_MS));
	ck_assert_int_eq(raw_len, 9);
	ck_assert_uint_eq(T_STAT(ch, rx_malformed), 0);
	ck_assert_int_eq(alp_rpc_send_raw(ch, "\x01\x02", 2), ALP_OK);
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), 2);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(callback_unsubscribes_itself)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	struct rec r = { .action = 1, .method = "once" };

	r.ch = ch;
	r.action_rc = -99;
	ck_assert_int_eq(alp_rpc_subscribe(ch, "once", rec_cb, &r), ALP_OK);
	t_send_text(peer, "once", NULL, 0);
	t_send_text(peer, "once", NULL, 0);
	ck_assert(T_WAIT_STAT(ch, rx_unhandled, 1));
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.action_rc, ALP_OK);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

static bool finished(void *arg)
{
	return ((struct rec *)arg)->finished;
}

START_TEST(close_from_callback)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	struct rec r = { .action = 2 };
	uint8_t buf[8];

	r.ch = ch;
	ck_assert_int_eq(alp_rpc_subscribe(ch, "bye", rec_cb, &r), ALP_OK);
	t_send_text(peer, "bye", NULL, 0);
	ck_assert(t_wait(finished, &r, T_WAIT_MS));
	/* The channel's fd closes once the poll thread has freed it. */
	ck_assert_int_eq(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), 0);
	close(peer);
}
END_TEST

struct unsub_arg {
	alp_rpc_channel_t *ch;
	struct rec *r;
	int finished_at_return;
};

static void *unsub_thread(void *arg)
{
	struct unsub_arg *u = arg;

	ck_assert_int_eq(alp_rpc_unsubscribe(u->ch, "slow"), ALP_OK);
	u->finished_at_return = u->r->finished;
	return NULL;
}

static bool started(void *arg)
{
	return ((struct rec *)arg)->entered;
}

/* Unsubscribe from another thread waits for the running callback. */
START_TEST(unsubscribe_waits_for_running_callback)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	struct rec r = { .action = 3 };
	struct unsub_arg u = { .ch = ch, .r = &r };
	pthread_t t;

	ck_assert_int_eq(alp_rpc_subscribe(ch, "slow", rec_cb, &r), ALP_OK);
	t_send_text(peer, "slow", "x", 1);
	ck_assert(t_wait(started, &r, T_WAIT_MS));
	ck_assert_int_eq(pthread_create(&t, NULL, unsub_thread, &u), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(u.finished_at_return, 1);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(peer_hangup_is_link_down)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct rec r = { 0 };

	ck_assert(alp_rpc_is_connected(ch));
	ck_assert_int_eq(alp_rpc_wait_connected(ch, 0), ALP_OK);
	ck_assert_int_eq(alp_rpc_subscribe(ch, "x", rec_cb, &r), ALP_OK);
	close(peer);
	ck_assert(t_wait(is_down, ch, T_WAIT_MS));
	ck_assert_uint_eq(T_STAT(ch, link_down), 1);
	ck_assert_uint_eq(T_STAT(ch, link_up), 1);
	ck_assert_int_eq(alp_rpc_send(ch, "x", NULL, 0), ALP_ERR_NOT_READY);
	ck_assert_int_eq(alp_rpc_call(ch, "x", NULL, 0, NULL, NULL, 1000), ALP_ERR_NOT_READY);
	ck_assert_int_eq(alp_rpc_wait_connected(ch, 20), ALP_ERR_TIMEOUT);
	/* Subscriptions survive a link drop. */
	ck_assert_int_eq(alp_rpc_subscribe(ch, "x", rec_cb, &r), ALP_OK);
	alp_rpc_close(ch);
}
END_TEST

static atomic_int storm_calls;

static void storm_cb(const void *payload, size_t len, void *user)
{
	(void)payload;
	(void)len;
	(void)user;
	storm_calls++;
}

struct toggler {
	alp_rpc_channel_t *ch;
	atomic_int stop;
	int bad;
};

static void *toggle_thread(void *arg)
{
	struct toggler *t = arg;

	while (!t->stop) {
		if (alp_rpc_subscribe(t->ch, "evt", storm_cb, NULL) != ALP_OK ||
		    alp_rpc_unsubscribe(t->ch, "evt") != ALP_OK ||
		    alp_rpc_send(t->ch, "out", "x", 1) != ALP_OK)
			t->bad++;
	}
	return NULL;
}

#define STORM 2000

struct drainer {
	int fd;
	atomic_int stop;
};

/* Keeps the "out" frames from filling the socket (senders would block). */
static void *drain_thread(void *arg)
{
	struct drainer *d = arg;
	uint8_t buf[64];

	while (!d->stop)
		t_recv(d->fd, buf, sizeof(buf), 10);
	return NULL;
}

/* Frames arrive while other threads subscribe, unsubscribe and send. */
START_TEST(subscribe_churn_under_traffic)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	struct toggler tg[2] = { { .ch = ch }, { .ch = ch } };
	struct drainer d = { .fd = peer };
	pthread_t t[2], dt;

	storm_calls = 0;
	pthread_create(&dt, NULL, drain_thread, &d);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, toggle_thread, &tg[i]);
	for (int i = 0; i < STORM; i++)
		t_send_call(peer, ALP_RPC_KIND_ONEWAY, 0, 0, "evt", NULL, 0);
	ck_assert(T_WAIT_STAT(ch, rx_frames, STORM));
	for (int i = 0; i < 2; i++) {
		tg[i].stop = 1;
		pthread_join(t[i], NULL);
		ck_assert_int_eq(tg[i].bad, 0);
	}
	d.stop = 1;
	pthread_join(dt, NULL);
	/* Every frame went to the callback or was counted unhandled, once. */
	ck_assert_uint_eq((uint64_t)storm_calls + T_STAT(ch, rx_unhandled), STORM);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

static atomic_int sig_blocked = -1;
static char poll_name[16];

static void where_cb(const void *p, size_t l, void *user)
{
	sigset_t cur;

	(void)p;
	(void)l;
	(void)user;
	pthread_getname_np(pthread_self(), poll_name, sizeof(poll_name));
	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	sig_blocked = sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGINT);
}

static bool where_done(void *arg)
{
	(void)arg;
	return sig_blocked >= 0;
}

/* Callbacks run on the channel's named poll thread, with signals blocked. */
START_TEST(poll_thread_blocks_signals)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);

	ck_assert_int_eq(alp_rpc_subscribe(ch, "where", where_cb, NULL), ALP_OK);
	t_send_text(peer, "where", NULL, 0);
	ck_assert(t_wait(where_done, NULL, T_WAIT_MS));
	ck_assert_int_eq(sig_blocked, 1);
	ck_assert_str_eq(poll_name, "rpc:test");
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(stats_prefix_copy)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	uint64_t old[3] = { 99, 99, 99 };

	ck_assert_int_eq(alp_rpc_send(ch, "a", "b", 1), ALP_OK);
	/* An older, smaller struct receives only its prefix. */
	ck_assert_int_eq(alp_rpc_get_stats(ch, (alp_rpc_stats_t *)old, 2 * sizeof(uint64_t)),
			 ALP_OK);
	ck_assert_uint_eq(old[0], 1);
	ck_assert_uint_eq(old[1], 3);
	ck_assert_uint_eq(old[2], 99);
	ck_assert_int_eq(alp_rpc_get_stats(ch, NULL, 8), ALP_ERR_INVAL);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

static void done_cb(alp_status_t st, const void *resp, size_t len, void *user)
{
	(void)st;
	(void)resp;
	(void)len;
	(void)user;
	ck_abort_msg("an async call refused while paused completed");
}

/*
 * A peer that talks first: opened paused, nothing is read until resume, so
 * the subscription registered in between gets every frame, in order (an
 * unpaused channel dispatches them at once to nobody: rx_unhandled).
 */
START_TEST(paused_open_keeps_early_frames)
{
	alp_rpc_config_t cfg = { .name = "test", .framing = ALP_RPC_FRAMING_CALL,
				 .flags = ALP_RPC_OPEN_PAUSED };
	struct t_seq q = { 0 };
	struct alp_rpc_frame f;
	alp_rpc_channel_t *ch;
	uint8_t buf[600];
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ch = alp_rpc_open_fd(&cfg, sv[0]);
	ck_assert_ptr_nonnull(ch);
	t_send_text(sv[1], "hello", "1", 1);
	t_send_text(sv[1], "hello", "2", 1);
	t_send_text(sv[1], "hello", "3", 1);
	t_sleep_ms(T_QUIET_MS);
	ck_assert_uint_eq(T_STAT(ch, rx_frames), 0);	/* nothing read while paused */
	/* sends work while paused; calls would have nobody to read the reply */
	ck_assert_int_eq(alp_rpc_send(ch, "out", "x", 1), ALP_OK);
	t_recv_frame(sv[1], buf, sizeof(buf), &f);
	ck_assert_str_eq(f.method, "out");
	ck_assert_int_eq(alp_rpc_call(ch, "m", NULL, 0, NULL, NULL, T_WAIT_MS),
			 ALP_ERR_NOT_READY);
	ck_assert_int_eq(alp_rpc_call_async(ch, "m", NULL, 0, T_WAIT_MS, done_cb, NULL),
			 ALP_ERR_NOT_READY);

	ck_assert_int_eq(alp_rpc_subscribe(ch, "hello", t_seq_cb, &q), ALP_OK);
	ck_assert_int_eq(alp_rpc_resume(ch), ALP_OK);
	ck_assert_int_eq(alp_rpc_resume(ch), ALP_OK);	/* already reading: no-op */
	ck_assert(t_seq_wait(&q, 3, T_WAIT_MS));
	ck_assert_str_eq(q.got, "123");
	ck_assert_uint_eq(T_STAT(ch, rx_unhandled), 0);
	ck_assert_uint_eq(T_STAT(ch, rx_frames), 3);
	alp_rpc_close(ch);
	close(sv[1]);
}
END_TEST

/* Unknown open flags, resume(NULL), and closing a channel never resumed. */
START_TEST(paused_bad_input_and_close_without_resume)
{
	alp_rpc_config_t cfg = { .name = "test", .flags = 0x2 };
	alp_rpc_channel_t *ch;
	uint8_t buf[16];
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_ptr_null(alp_rpc_open_fd(&cfg, sv[0]));	/* closes sv[0] */
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	close(sv[1]);
	ck_assert_int_eq(alp_rpc_resume(NULL), ALP_ERR_INVAL);

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	cfg.flags = ALP_RPC_OPEN_PAUSED;
	ch = alp_rpc_open_fd(&cfg, sv[0]);
	ck_assert_ptr_nonnull(ch);
	t_send_text(sv[1], "hello", "1", 1);
	alp_rpc_close(ch);	/* no poll thread to join; nothing leaks (valgrind) */
	/* the transport was closed: the peer sees the hang-up */
	ck_assert_int_eq(poll(&(struct pollfd){ .fd = sv[1], .events = POLLIN }, 1, T_WAIT_MS), 1);
	ck_assert_int_eq(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, ECONNRESET);	/* it went away with our frame unread */
	close(sv[1]);
}
END_TEST

struct bg_sender {
	alp_rpc_channel_t *ch;
	_Atomic int sent;
	alp_status_t rc;
};

static void *bg_send_loop(void *arg)
{
	struct bg_sender *s = arg;
	char buf[400] = { 0 };
	alp_status_t rc;

	while ((rc = alp_rpc_send(s->ch, "m", buf, sizeof(buf))) == ALP_OK)
		s->sent++;
	s->rc = rc;
	return NULL;
}

/* A peer that does not read blocks a sender; close still returns at once. */
START_TEST(close_while_send_blocked)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	struct bg_sender s = { .ch = ch };
	pthread_t t;
	uint64_t t0;

	pthread_create(&t, NULL, bg_send_loop, &s);
	/* The socket buffer fills: the sender is blocked for good. */
	ck_assert_int_gt(t_settle(&s.sent, 200, T_WAIT_MS), 0);
	t0 = t_now_ms();
	ck_assert_msg(t_close_within(ch, 3000),
		      "alp_rpc_close still blocked after 3000 ms (a send is blocked, %d sent)",
		      (int)s.sent);
	ck_assert_uint_lt(t_now_ms() - t0, 1000);
	pthread_join(t, NULL);
	ck_assert_int_eq(s.rc, ALP_ERR_NOT_READY);
	close(peer);
}
END_TEST

/*
 * The peer goes away while a sender is blocked on it: the poll thread takes
 * the link down, which waits for the sender still using the fd before it
 * closes it (send.c, rpc_tx_withdraw: the last sender out wakes it), and
 * the sender returns an error. Neither may hang. (The sender sees the
 * hang-up too and may leave before the disconnect looks: about half the
 * runs take the waiting path.)
 */
static bool link_down_counted(void *arg)
{
	return T_STAT((alp_rpc_channel_t *)arg, link_down) == 1;
}

START_TEST(link_drop_while_send_blocked)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_TEXT, &peer);
	struct bg_sender s = { .ch = ch };
	pthread_t t;

	pthread_create(&t, NULL, bg_send_loop, &s);
	ck_assert_int_gt(t_settle(&s.sent, 200, T_WAIT_MS), 0);
	close(peer);
	/* counted once the fd is closed, i.e. after the disconnect's wait */
	ck_assert_msg(t_wait(link_down_counted, ch, T_WAIT_MS),
		      "link not taken down %d ms after the peer left", T_WAIT_MS);
	pthread_join(t, NULL);
	ck_assert_int_ne(s.rc, ALP_OK);
	ck_assert(!alp_rpc_is_connected(ch));
	ck_assert_int_eq(alp_rpc_send(ch, "m", "x", 1), ALP_ERR_NOT_READY);
	alp_rpc_close(ch);
}
END_TEST

/*
 * A program compiled against an older, smaller alp_rpc_config_t: here the
 * reference's own layout (alp-rpc-h.md v0.6, before any librpc extension),
 * in a heap block of exactly its size so that ASan and valgrind see a read
 * past it. The library must read only what the caller says it has.
 */
struct cfg_reference {
	const char *name;
	uint32_t src_ept;
	uint32_t dst_ept;
	uint32_t mbox_ch;
	bool cacheable;
};

START_TEST(open_reads_only_callers_config_size)
{
	struct cfg_reference *old = malloc(sizeof(*old));
	alp_rpc_channel_t *ch;
	int sv[2];

	ck_assert_ptr_nonnull(old);
	*old = (struct cfg_reference){ .name = "old", .src_ept = 0x400 };
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ch = alp_rpc_open_fd_sized(sizeof(*old), (const alp_rpc_config_t *)old, sv[0]);
	ck_assert_ptr_nonnull(ch);
	free(old);
	alp_rpc_close(ch);
	close(sv[1]);
}
END_TEST

/* A newer program (larger struct) is refused only when it sets a field this library lacks. */
START_TEST(open_sized_newer_caller)
{
	struct {
		alp_rpc_config_t cfg;
		uint32_t newer, newer2;	/* no padding: every byte is a field */
	} big;
	alp_rpc_channel_t *ch;
	int sv[2];

	memset(&big, 0, sizeof(big));
	big.cfg.name = "new";

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ch = alp_rpc_open_fd_sized(sizeof(big), &big.cfg, sv[0]);
	ck_assert_ptr_nonnull(ch);
	alp_rpc_close(ch);
	close(sv[1]);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	big.newer = 1;
	ck_assert_ptr_null(alp_rpc_open_fd_sized(sizeof(big), &big.cfg, sv[0]));	/* closes sv[0] */
	ck_assert_int_eq(alp_last_error(), ALP_ERR_NOSUPPORT);
	/* Smaller than the reference's own fields. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv + 0), 0);
	ck_assert_ptr_null(alp_rpc_open_fd_sized(sizeof(const char *), &big.cfg, sv[0]));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	close(sv[1]);
	/* The plain names stay for binaries built before the macros (the 1.0 layout). */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ch = (alp_rpc_open_fd)(&big.cfg, sv[0]);
	ck_assert_ptr_nonnull(ch);
	alp_rpc_close(ch);
	close(sv[1]);
	ck_assert_ptr_null((alp_rpc_open)(NULL));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
}
END_TEST

/* set_raw_cb needs a raw channel, set_msg_cb a framed one: misuse is refused. */
START_TEST(hooks_refuse_wrong_framing)
{
	int tp, rp;
	alp_rpc_channel_t *text = t_open_pair(ALP_RPC_FRAMING_TEXT, &tp);
	alp_rpc_channel_t *raw = t_open_pair(ALP_RPC_FRAMING_RAW, &rp);

	ck_assert_int_eq(alp_rpc_set_raw_cb(text, raw_cb, NULL), ALP_ERR_NOSUPPORT);
	ck_assert_int_eq(alp_last_error(), ALP_ERR_NOSUPPORT);
	ck_assert_int_eq(alp_rpc_set_msg_cb(raw, msg_cb, &msg_calls), ALP_ERR_NOSUPPORT);
	/* the right ones still work */
	ck_assert_int_eq(alp_rpc_set_msg_cb(text, msg_cb, &msg_calls), ALP_OK);
	ck_assert_int_eq(alp_rpc_set_raw_cb(raw, raw_cb, NULL), ALP_OK);
	alp_rpc_close(text);
	alp_rpc_close(raw);
	close(tp);
	close(rp);
}
END_TEST

/*
 * open_fd takes message-preserving fds only: sockets of kind seqpacket/dgram,
 * char devices, rpmsg_rpc's anonymous endpoint fds; not any anonymous inode.
 */
START_TEST(open_fd_refuses_non_message_fds)
{
	alp_rpc_config_t cfg = { .name = "x" };
	int fds[4], sv[2], p[2];

	fds[0] = open("/tmp", O_TMPFILE | O_RDWR, 0600);	/* a regular file */
	ck_assert_int_ge(fds[0], 0);
	ck_assert_int_eq(pipe(p), 0);
	fds[1] = p[0];
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fds[2] = sv[0];
	fds[3] = eventfd(0, EFD_CLOEXEC);	/* an anonymous inode, no endpoint */
	ck_assert_int_ge(fds[3], 0);
	for (int i = 0; i < 4; i++) {
		alp_rpc_channel_t *ch = alp_rpc_open_fd(&cfg, fds[i]);

		if (ch)
			alp_rpc_close(ch);
		ck_assert_msg(!ch, "open_fd accepted fd kind %d (0 file, 1 pipe, 2 stream socket, 3 eventfd)", i);
		ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
		ck_assert_int_eq(fcntl(fds[i], F_GETFD), -1);	/* closed on failure */
	}
	close(p[1]);
	close(sv[1]);
}
END_TEST

/* rx_bytes counts every message read at its true length, oversize ones too. */
START_TEST(rx_bytes_counts_oversize_at_true_length)
{
	int peer;
	alp_rpc_channel_t *ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	static uint8_t big[5000];

	t_send(peer, big, 1000);	/* above the MTU, fits the receive buffer */
	t_send(peer, big, 5000);	/* above the receive buffer too */
	ck_assert(T_WAIT_STAT(ch, rx_oversize, 2));
	ck_assert_uint_eq(T_STAT(ch, rx_frames), 2);
	ck_assert_uint_eq(T_STAT(ch, rx_bytes), 6000);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

Suite *channel_suite(void)
{
	Suite *s = suite_create("channel");
	TCase *tc = tcase_create("channel");

	tcase_add_test(tc, open_rejects_bad_config);
	tcase_add_test(tc, close_null_is_noop);
	tcase_add_test(tc, default_and_explicit_addresses);
	tcase_add_test(tc, send_text_bytes_on_wire);
	tcase_add_test(tc, send_call_framing_is_oneway);
	tcase_add_test(tc, send_rejects_bad_input_and_sends_nothing);
	tcase_add_test(tc, subscribe_delivers_replaces_and_unsubscribes);
	tcase_add_test(tc, subscribe_table_full);
	tcase_add_test(tc, call_channel_accepts_text_and_oneway);
	tcase_add_test(tc, bad_frames_dropped_and_counted);
	tcase_add_test(tc, catch_all_gets_unsubscribed_methods);
	tcase_add_test(tc, raw_mode);
	tcase_add_test(tc, callback_unsubscribes_itself);
	tcase_add_test(tc, close_from_callback);
	tcase_add_test(tc, unsubscribe_waits_for_running_callback);
	tcase_add_test(tc, peer_hangup_is_link_down);
	tcase_add_test(tc, stats_prefix_copy);
	tcase_add_test(tc, subscribe_churn_under_traffic);
	tcase_add_test(tc, poll_thread_blocks_signals);
	tcase_add_test(tc, paused_open_keeps_early_frames);
	tcase_add_test(tc, paused_bad_input_and_close_without_resume);
	tcase_add_test(tc, close_while_send_blocked);
	tcase_add_test(tc, link_drop_while_send_blocked);
	tcase_add_test(tc, open_reads_only_callers_config_size);
	tcase_add_test(tc, open_sized_newer_caller);
	tcase_add_test(tc, hooks_refuse_wrong_framing);
	tcase_add_test(tc, open_fd_refuses_non_message_fds);
	tcase_add_test(tc, rx_bytes_counts_oversize_at_true_length);
	suite_add_tcase(s, tc);
	return s;
}
