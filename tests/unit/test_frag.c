// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Large messages through librpc (lib/frag.c; docs/librpc.md, "Large
 * messages"): calls, sends, async calls, servers and subscriptions with
 * payloads around every boundary up to the channel's maximum, over
 * socketpairs and the unix transport; a peer that does not know fragments;
 * a peer that loses, repeats or reorders fragments, stops mid-message or
 * sends more than the reassembly memory takes; small calls during large
 * ones.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"

#define MTU ALP_RPC_WIRE_MTU_DEFAULT
#define MAX 65536u		/* the default max_msg */
#define ECHO_HDR (ALP_RPC_WIRE_CALL_HDR + 4 + 1)	/* a call frame of method "echo" */

/* Replies with as many bytes as the request's first 4 bytes say (little endian). */
static int dump(const void *req, size_t len, void *resp, size_t *resp_len, void *user)
{
	uint32_t n;

	(void)user;
	if (len != 4)
		return ALP_RPC_STATUS_BAD_PACKET;
	memcpy(&n, req, 4);
	if (n > *resp_len)
		return ALP_RPC_STATUS_BAD_PACKET;
	for (uint32_t i = 0; i < n; i++)
		((uint8_t *)resp)[i] = (uint8_t)(i * 13 + 1);
	*resp_len = n;
	return ALP_RPC_STATUS_OK;
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31 + seed + (i >> 9));
}

static alp_rpc_channel_t *open_fd_cfg(int fd, uint32_t max_msg, uint32_t mem, uint32_t tmo)
{
	alp_rpc_config_t cfg = { .name = "test", .framing = ALP_RPC_FRAMING_CALL,
				 .max_msg = max_msg, .frag_mem = mem, .frag_timeout_ms = tmo };
	alp_rpc_channel_t *ch = alp_rpc_open_fd(&cfg, fd);

	ck_assert_ptr_nonnull(ch);
	return ch;
}

START_TEST(echo_every_boundary)
{
	static uint8_t req[MAX + 16], resp[MAX + 16];
	/* Frame sizes: minimal, MTU-1, MTU, MTU+1, two fragments + 1, the maximum. */
	const size_t frames[] = { ECHO_HDR, MTU - 1, MTU, MTU + 1, 2 * 480 + 1, MAX };
	alp_rpc_channel_t *a, *b;

	t_open_two(ALP_RPC_FRAMING_CALL, &a, &b);
	ck_assert_uint_eq(alp_rpc_max_msg(a), MAX);
	ck_assert_uint_eq(alp_rpc_mtu(a), MTU);
	ck_assert_int_eq(alp_rpc_serve(b, "echo", t_echo, NULL), ALP_OK);
	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		size_t n = frames[i] - ECHO_HDR, len = sizeof(resp);

		fill(req, n, (unsigned int)i);
		ck_assert_int_eq(alp_rpc_call(a, "echo", req, n, resp, &len, T_WAIT_MS), ALP_OK);
		ck_assert_uint_eq(len, n);
		ck_assert_int_eq(memcmp(req, resp, n), 0);
	}
	/* Three requests above the MTU, in 2 + 3 + 137 fragments; their replies the same. */
	ck_assert_uint_eq(T_STAT(a, tx_fragments), 2 + 3 + 137);
	ck_assert_uint_eq(T_STAT(b, rx_fragments), 2 + 3 + 137);
	ck_assert_uint_eq(T_STAT(b, tx_fragments), 2 + 3 + 137);
	ck_assert_uint_eq(T_STAT(a, rx_fragments), 2 + 3 + 137);
	ck_assert_uint_eq(T_STAT(a, rx_reasm_dropped), 0);
	/* One byte above the maximum: refused here, nothing sent. */
	{
		uint64_t sent = T_STAT(a, tx_frames);
		size_t len = sizeof(resp);

		ck_assert_int_eq(alp_rpc_call(a, "echo", req, MAX - ECHO_HDR + 1, resp, &len,
					      T_WAIT_MS), ALP_ERR_MSGSIZE);
		ck_assert_uint_eq(len, 0);
		ck_assert_int_eq(alp_rpc_send(a, "echo", req, MAX - ECHO_HDR + 1), ALP_ERR_MSGSIZE);
		ck_assert_uint_eq(T_STAT(a, tx_frames), sent);
	}
	alp_rpc_close(a);
	alp_rpc_close(b);
}
END_TEST

struct blob {
	_Atomic int n;
	size_t len;
	uint8_t data[MAX];
};

static void blob_cb(const void *payload, size_t len, void *user)
{
	struct blob *b = user;

	if (len <= sizeof(b->data)) {
		memcpy(b->data, payload, len);
		b->len = len;
	}
	atomic_fetch_add(&b->n, 1);
}

static bool blob_seen(void *arg)
{
	return atomic_load(&((struct blob *)arg)->n) > 0;
}

START_TEST(send_to_subscriber)
{
	static uint8_t msg[MAX];
	static struct blob got;
	alp_rpc_channel_t *a, *b;
	const size_t n = 50000;

	t_open_two(ALP_RPC_FRAMING_CALL, &a, &b);
	ck_assert_int_eq(alp_rpc_subscribe(b, "blob", blob_cb, &got), ALP_OK);
	fill(msg, n, 5);
	ck_assert_int_eq(alp_rpc_send(a, "blob", msg, n), ALP_OK);
	ck_assert(t_wait(blob_seen, &got, T_WAIT_MS));
	ck_assert_uint_eq(got.len, n);
	ck_assert_int_eq(memcmp(got.data, msg, n), 0);
	alp_rpc_close(a);
	alp_rpc_close(b);
}
END_TEST

struct async_res {
	_Atomic int done;
	alp_status_t st;
	size_t len;
	uint8_t data[MAX];
};

static void async_done(alp_status_t st, const void *resp, size_t len, void *user)
{
	struct async_res *r = user;

	r->st = st;
	r->len = len;
	if (len <= sizeof(r->data))
		memcpy(r->data, resp, len);
	atomic_store(&r->done, 1);
}

static bool async_finished(void *arg)
{
	return atomic_load(&((struct async_res *)arg)->done);
}

START_TEST(async_and_large_reply_to_small_request)
{
	static uint8_t req[30000];
	static struct async_res r;
	alp_rpc_channel_t *a, *b;
	uint8_t resp[20000];
	size_t len = sizeof(resp);
	uint32_t n = 20000;

	t_open_two(ALP_RPC_FRAMING_CALL, &a, &b);
	ck_assert_int_eq(alp_rpc_serve(b, "echo", t_echo, NULL), ALP_OK);
	ck_assert_int_eq(alp_rpc_serve(b, "dump", dump, NULL), ALP_OK);
	/*
	 * A small request with a large reply first: b does not know a's
	 * capability, holds the reply and asks a's alp.caps itself.
	 */
	ck_assert_int_eq(alp_rpc_call(a, "dump", &n, 4, resp, &len, T_WAIT_MS), ALP_OK);
	ck_assert_uint_eq(len, n);
	for (uint32_t i = 0; i < n; i++)
		ck_assert_uint_eq(resp[i], (uint8_t)(i * 13 + 1));
	/* An async call with a large request (a asks b's capability before it). */
	fill(req, sizeof(req), 9);
	ck_assert_int_eq(alp_rpc_call_async(a, "echo", req, sizeof(req), T_WAIT_MS, async_done, &r),
			 ALP_OK);
	ck_assert(t_wait(async_finished, &r, T_WAIT_MS));
	ck_assert_int_eq(r.st, ALP_OK);
	ck_assert_uint_eq(r.len, sizeof(req));
	ck_assert_int_eq(memcmp(r.data, req, sizeof(req)), 0);
	alp_rpc_close(a);
	alp_rpc_close(b);
}
END_TEST

/* A peer that predates fragments: never sees one, the caller gets ALP_ERR_MSGSIZE. */
struct big_call {
	alp_rpc_channel_t *ch;
	alp_status_t st;
};

static void *big_call_thread(void *arg)
{
	static uint8_t req[2000];
	struct big_call *c = arg;
	uint8_t resp[64];
	size_t len = sizeof(resp);

	c->st = alp_rpc_call(c->ch, "big", req, sizeof(req), resp, &len, T_WAIT_MS);
	return NULL;
}

START_TEST(peer_without_fragments)
{
	static uint8_t msg[2000];
	struct big_call c = { 0 };
	struct alp_rpc_frame f;
	uint8_t buf[4096];
	pthread_t t;
	int peer;

	c.ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	ck_assert_int_eq(pthread_create(&t, NULL, big_call_thread, &c), 0);
	/* The first thing it sees is an ordinary call of alp.caps, not a fragment. */
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_REQUEST);
	ck_assert_str_eq(f.method, ALP_RPC_CAPS_METHOD);
	t_send_call(peer, ALP_RPC_KIND_ERROR, ALP_RPC_STATUS_NO_METHOD, f.request_id, f.method,
		    NULL, 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(c.st, ALP_ERR_MSGSIZE);
	ck_assert_int_lt(t_recv(peer, buf, sizeof(buf), T_QUIET_MS), 0);
	/* Known now for this link: refused at once, nothing sent. */
	ck_assert_int_eq(alp_rpc_send(c.ch, "big", msg, sizeof(msg)), ALP_ERR_MSGSIZE);
	ck_assert_int_lt(t_recv(peer, buf, sizeof(buf), T_QUIET_MS), 0);
	ck_assert_uint_eq(T_STAT(c.ch, tx_fragments), 0);
	/* Small messages are unaffected. */
	ck_assert_int_eq(alp_rpc_send(c.ch, "small", msg, 100), ALP_OK);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	ck_assert_str_eq(f.method, "small");
	alp_rpc_close(c.ch);
	close(peer);
}
END_TEST

/* The fragments of a one-way frame (method "ev", n bytes), cut at the MTU. */
static int cut(uint32_t msg_id, uint8_t kind, uint32_t id, const char *method, size_t n,
	       uint8_t frags[][MTU], size_t *flen, int max)
{
	static uint8_t payload[MAX];
	struct alp_rpc_fragmenter fr;
	long len;
	int k = 0;

	fill(payload, n, msg_id);
	ck_assert_int_gt(alp_rpc_frag_begin(&fr, msg_id, kind, 0, id, method, payload, n), 0);
	while ((len = alp_rpc_frag_next(&fr, frags[k], MTU)) > 0) {
		flen[k++] = (size_t)len;
		ck_assert_int_le(k, max);
	}
	return k;
}

START_TEST(peer_loses_repeats_reorders)
{
	static uint8_t frags[40][MTU];
	static struct blob got;
	size_t flen[40];
	alp_rpc_channel_t *ch;
	int peer, k;

	ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	ck_assert_int_eq(alp_rpc_subscribe(ch, "ev", blob_cb, &got), ALP_OK);
	k = cut(1, ALP_RPC_KIND_ONEWAY, 0, "ev", 10000, frags, flen, 40);
	ck_assert_int_eq(k, 21);
	/* Lost fragment 3: the message is dropped, fragments 4.. are orphans. */
	for (int i = 0; i < k; i++)
		if (i != 3)
			t_send(peer, frags[i], flen[i]);
	ck_assert(T_WAIT_STAT(ch, rx_frag_orphans, (uint64_t)k - 5));
	ck_assert_uint_eq(T_STAT(ch, rx_reasm_dropped), 1);
	/* Fragment 7 twice. */
	for (int i = 0; i < k; i++) {
		t_send(peer, frags[i], flen[i]);
		if (i == 7)
			t_send(peer, frags[i], flen[i]);
	}
	ck_assert(T_WAIT_STAT(ch, rx_reasm_dropped, 2));
	/* 9 and 10 swapped. */
	for (int i = 0; i < k; i++)
		t_send(peer, frags[i == 9 ? 10 : i == 10 ? 9 : i], flen[i == 9 ? 10 : i == 10 ? 9 : i]);
	ck_assert(T_WAIT_STAT(ch, rx_reasm_dropped, 3));
	ck_assert_int_eq(atomic_load(&got.n), 0);
	/* Intact: delivered. */
	for (int i = 0; i < k; i++)
		t_send(peer, frags[i], flen[i]);
	ck_assert(t_wait(blob_seen, &got, T_WAIT_MS));
	ck_assert_uint_eq(got.len, 10000);
	ck_assert_uint_eq(T_STAT(ch, rx_malformed), 0);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

START_TEST(partial_message_expires)
{
	static uint8_t frags[40][MTU];
	size_t flen[40];
	alp_rpc_channel_t *ch;
	int sv[2], k;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ch = open_fd_cfg(sv[0], 0, 0, 100);
	k = cut(7, ALP_RPC_KIND_ONEWAY, 0, "ev", 5000, frags, flen, 40);
	for (int i = 0; i < k / 2; i++)
		t_send(sv[1], frags[i], flen[i]);
	/* Nothing else arrives: the partial message expires on its own. */
	ck_assert(T_WAIT_STAT(ch, rx_reasm_dropped, 1));
	for (int i = k / 2; i < k; i++)
		t_send(sv[1], frags[i], flen[i]);
	ck_assert(T_WAIT_STAT(ch, rx_frag_orphans, (uint64_t)(k - k / 2)));
	alp_rpc_close(ch);
	close(sv[1]);
}
END_TEST

/* The peer hangs up mid-message: the partial one is dropped with the link, and counted. */
START_TEST(peer_hangs_up_mid_message)
{
	static uint8_t frags[40][MTU];
	size_t flen[40];
	alp_rpc_channel_t *ch;
	int peer, k;

	ch = t_open_pair(ALP_RPC_FRAMING_CALL, &peer);
	k = cut(3, ALP_RPC_KIND_ONEWAY, 0, "ev", 8000, frags, flen, 40);
	for (int i = 0; i < k - 1; i++)
		t_send(peer, frags[i], flen[i]);
	ck_assert(T_WAIT_STAT(ch, rx_fragments, (uint64_t)k - 1));
	close(peer);
	ck_assert(T_WAIT_STAT(ch, link_down, 1));
	ck_assert_uint_eq(T_STAT(ch, rx_reasm_dropped), 1);
	alp_rpc_close(ch);
}
END_TEST

struct from_cb {
	alp_rpc_channel_t *ch;
	_Atomic int n;
	alp_status_t st[2];
};

/* A subscriber that sends a large message back (on the poll thread). */
static void send_back_cb(const void *payload, size_t len, void *user)
{
	static uint8_t big[20000];
	struct from_cb *c = user;
	int i = atomic_load(&c->n);

	(void)payload;
	(void)len;
	if (i < 2)
		c->st[i] = alp_rpc_send(c->ch, "back", big, sizeof(big));
	atomic_fetch_add(&c->n, 1);
}

static bool from_cb_1(void *arg)
{
	return atomic_load(&((struct from_cb *)arg)->n) >= 1;
}

static bool from_cb_2(void *arg)
{
	return atomic_load(&((struct from_cb *)arg)->n) >= 2;
}

/*
 * From a callback (the poll thread) a large send cannot ask the peer's
 * capability (it would wait for its own reader): ALP_ERR_MSGSIZE until the
 * link knows it, then it goes.
 */
START_TEST(large_send_from_callback)
{
	static uint8_t big[20000];
	static struct blob got;
	struct from_cb c = { 0 };
	alp_rpc_channel_t *a, *b;

	t_open_two(ALP_RPC_FRAMING_CALL, &a, &b);
	c.ch = b;
	ck_assert_int_eq(alp_rpc_subscribe(b, "go", send_back_cb, &c), ALP_OK);
	ck_assert_int_eq(alp_rpc_subscribe(a, "back", blob_cb, &got), ALP_OK);
	ck_assert_int_eq(alp_rpc_send(a, "go", "1", 1), ALP_OK);
	ck_assert(t_wait(from_cb_1, &c, T_WAIT_MS));
	ck_assert_int_eq(c.st[0], ALP_ERR_MSGSIZE);
	/* a's large send asks b's capability; b learns a's from that call. */
	ck_assert_int_eq(alp_rpc_send(a, "blob", big, sizeof(big)), ALP_OK);
	ck_assert_int_eq(alp_rpc_send(a, "go", "2", 1), ALP_OK);
	ck_assert(t_wait(from_cb_2, &c, T_WAIT_MS));
	ck_assert_int_eq(c.st[1], ALP_OK);
	ck_assert(t_wait(blob_seen, &got, T_WAIT_MS));
	ck_assert_uint_eq(got.len, sizeof(big));
	alp_rpc_close(a);
	alp_rpc_close(b);
}
END_TEST

/* Reassembly memory: max_msg 8192, frag_mem 16384: two 8000-byte messages at once, not three. */
START_TEST(reassembly_memory_bounded)
{
	static uint8_t frags[3][40][MTU];
	size_t flen[3][40];
	struct alp_rpc_frame f;
	uint8_t buf[4096];
	alp_rpc_channel_t *ch;
	int sv[2], k[3];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ch = open_fd_cfg(sv[0], 8192, 16384, 0);
	ck_assert_uint_eq(alp_rpc_max_msg(ch), 8192);
	for (int m = 0; m < 3; m++)
		k[m] = cut(10 + (uint32_t)m, ALP_RPC_KIND_REQUEST, 100 + (uint32_t)m, "put", 7980,
			   frags[m], flen[m], 40);
	for (int m = 0; m < 3; m++)
		t_send(sv[1], frags[m][0], flen[m][0]);
	/* The third request is refused at its first fragment, with its id. */
	t_recv_frame(sv[1], buf, sizeof(buf), &f);
	ck_assert_int_eq(f.kind, ALP_RPC_KIND_ERROR);
	ck_assert_int_eq(f.status, ALP_RPC_STATUS_TOO_LARGE);
	ck_assert_uint_eq(f.request_id, 102);
	ck_assert_uint_eq(T_STAT(ch, rx_reasm_dropped), 1);
	/* The first two complete (no server: NO_METHOD for each). */
	for (int m = 0; m < 2; m++)
		for (int i = 1; i < k[m]; i++)
			t_send(sv[1], frags[m][i], flen[m][i]);
	for (int m = 0; m < 2; m++) {
		t_recv_frame(sv[1], buf, sizeof(buf), &f);
		ck_assert_int_eq(f.status, ALP_RPC_STATUS_NO_METHOD);
		ck_assert_uint_eq(f.request_id, 100 + (uint32_t)m);
	}
	/* Above max_msg: refused whatever the memory. */
	k[0] = cut(20, ALP_RPC_KIND_REQUEST, 200, "put", 8193 - 12, frags[0], flen[0], 40);
	t_send(sv[1], frags[0][0], flen[0][0]);
	t_recv_frame(sv[1], buf, sizeof(buf), &f);
	ck_assert_int_eq(f.status, ALP_RPC_STATUS_TOO_LARGE);
	ck_assert_uint_eq(f.request_id, 200);
	alp_rpc_close(ch);
	close(sv[1]);
}
END_TEST

struct bulk {
	alp_rpc_channel_t *ch;
	_Atomic bool *stop;
	_Atomic int *calls;
	alp_status_t st;	/* this thread's last status */
};

static void *bulk_thread(void *arg)
{
	struct bulk *b = arg;
	uint8_t *req = calloc(1, MAX - ECHO_HDR), *resp = malloc(MAX);

	while (req && resp && !atomic_load(b->stop)) {
		size_t len = MAX;

		b->st = alp_rpc_call(b->ch, "echo", req, MAX - ECHO_HDR, resp, &len, T_WAIT_MS);
		if (b->st)
			break;
		atomic_fetch_add(b->calls, 1);
	}
	free(req);
	free(resp);
	return NULL;
}

/* Small calls go on while 64 KiB calls from two threads keep the link busy. */
START_TEST(small_calls_not_starved)
{
	_Atomic bool stop = false;
	_Atomic int calls = 0;
	struct bulk bulk[2];
	alp_rpc_channel_t *a, *b;
	uint64_t worst = 0;
	pthread_t t[2];
	int before;

	t_open_two(ALP_RPC_FRAMING_CALL, &a, &b);
	ck_assert_int_eq(alp_rpc_serve(b, "echo", t_echo, NULL), ALP_OK);
	for (int i = 0; i < 2; i++) {
		bulk[i] = (struct bulk){ .ch = a, .stop = &stop, .calls = &calls };
		ck_assert_int_eq(pthread_create(&t[i], NULL, bulk_thread, &bulk[i]), 0);
	}
	while (atomic_load(&calls) < 2)
		t_sleep_ms(1);
	before = atomic_load(&calls);
	/* At least 50 small calls, and on until 3 more large ones completed meanwhile. */
	for (int i = 0; i < 50 || atomic_load(&calls) < before + 3; i++) {
		uint8_t resp[16];
		size_t len = sizeof(resp);
		uint64_t t0 = t_now_ms();

		ck_assert_int_eq(alp_rpc_call(a, "echo", "ping", 4, resp, &len, T_WAIT_MS), ALP_OK);
		if (t_now_ms() - t0 > worst)
			worst = t_now_ms() - t0;
	}
	atomic_store(&stop, true);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(bulk[i].st, ALP_OK);
	}
	/* No small one waited for long while the large ones went on. */
	ck_assert_int_ge(atomic_load(&calls), before + 3);
	ck_assert_uint_lt(worst, T_WAIT_MS / 2);
	alp_rpc_close(a);
	alp_rpc_close(b);
}
END_TEST

static void *open_listener(void *spec)
{
	return alp_rpc_open(&(alp_rpc_config_t){ .name = "srv", .node = spec,
						 .framing = ALP_RPC_FRAMING_CALL });
}

static alp_rpc_channel_t *open_client(const char *spec)
{
	alp_rpc_channel_t *cli = alp_rpc_open(&(alp_rpc_config_t){
		.name = "cli", .node = spec, .framing = ALP_RPC_FRAMING_CALL });

	ck_assert_ptr_nonnull(cli);
	return cli;
}

/*
 * The unix transport: a listening channel and a client, 64 KiB both ways;
 * then a new client on the same listener: the capability is learnt again
 * (per link), and the large call works again.
 */
START_TEST(unix_transport_large)
{
	static uint8_t req[MAX - ECHO_HDR], resp[MAX];
	char lspec[64], cspec[64];
	alp_rpc_channel_t *srv, *cli;
	size_t len = sizeof(resp);
	pthread_t t;
	void *ret;

	snprintf(lspec, sizeof(lspec), "unix-listen:@rpc-frag-%d", (int)getpid());
	snprintf(cspec, sizeof(cspec), "unix:@rpc-frag-%d", (int)getpid());
	pthread_create(&t, NULL, open_listener, lspec);
	cli = open_client(cspec);	/* retried until the listener is bound */
	pthread_join(t, &ret);
	srv = ret;
	ck_assert_ptr_nonnull(srv);
	ck_assert_int_eq(alp_rpc_serve(srv, "echo", t_echo, NULL), ALP_OK);
	fill(req, sizeof(req), 3);
	ck_assert_int_eq(alp_rpc_call(cli, "echo", req, sizeof(req), resp, &len, T_WAIT_MS), ALP_OK);
	ck_assert_uint_eq(len, sizeof(req));
	ck_assert_int_eq(memcmp(req, resp, len), 0);
	alp_rpc_close(cli);
	ck_assert(T_WAIT_STAT(srv, link_down, 1));
	cli = open_client(cspec);
	fill(req, sizeof(req), 4);
	len = sizeof(resp);
	ck_assert_int_eq(alp_rpc_call(cli, "echo", req, sizeof(req), resp, &len, T_WAIT_MS), ALP_OK);
	ck_assert_int_eq(memcmp(req, resp, len), 0);
	/* The new client asked the capability again (its alp.caps call, then the echo). */
	ck_assert_uint_eq(T_STAT(cli, calls_ok), 2);
	ck_assert_uint_eq(T_STAT(srv, rx_fragments), 2 * 137);
	alp_rpc_close(cli);
	alp_rpc_close(srv);
}
END_TEST

Suite *frag_suite(void)
{
	Suite *s = suite_create("frag");
	TCase *tc = tcase_create("frag");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, echo_every_boundary);
	tcase_add_test(tc, send_to_subscriber);
	tcase_add_test(tc, async_and_large_reply_to_small_request);
	tcase_add_test(tc, peer_without_fragments);
	tcase_add_test(tc, peer_loses_repeats_reorders);
	tcase_add_test(tc, partial_message_expires);
	tcase_add_test(tc, peer_hangs_up_mid_message);
	tcase_add_test(tc, large_send_from_callback);
	tcase_add_test(tc, reassembly_memory_bounded);
	tcase_add_test(tc, small_calls_not_starved);
	tcase_add_test(tc, unix_transport_large);
	suite_add_tcase(s, tc);
	return s;
}
