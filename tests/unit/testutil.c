// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers shared by the librpc unit tests.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static alp_rpc_channel_t *open_pair(uint32_t framing, uint32_t max_msg, int *peer)
{
	alp_rpc_config_t cfg = { .name = "test", .framing = framing, .max_msg = max_msg };
	alp_rpc_channel_t *ch;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ch = alp_rpc_open_fd(&cfg, sv[0]);
	ck_assert_ptr_nonnull(ch);
	ck_assert_int_eq(alp_last_error(), ALP_OK);
	*peer = sv[1];
	return ch;
}

alp_rpc_channel_t *t_open_pair(uint32_t framing, int *peer)
{
	return open_pair(framing, 0, peer);
}

alp_rpc_channel_t *t_open_pair_mtu_only(uint32_t framing, int *peer)
{
	return open_pair(framing, ALP_RPC_WIRE_MTU_DEFAULT, peer);
}

void t_open_two(uint32_t framing, alp_rpc_channel_t **a, alp_rpc_channel_t **b)
{
	alp_rpc_config_t cfg = { .name = "test", .framing = framing };
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	*a = alp_rpc_open_fd(&cfg, sv[0]);
	*b = alp_rpc_open_fd(&cfg, sv[1]);
	ck_assert_ptr_nonnull(*a);
	ck_assert_ptr_nonnull(*b);
}

int t_echo(const void *req, size_t len, void *resp, size_t *resp_len, void *user)
{
	(void)user;
	if (len > *resp_len)
		return ALP_RPC_STATUS_BAD_PACKET;
	memcpy(resp, req, len);
	*resp_len = len;
	return ALP_RPC_STATUS_OK;
}

ssize_t t_recv(int fd, void *buf, size_t cap, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	return recv(fd, buf, cap, 0);
}

void t_send(int fd, const void *buf, size_t len)
{
	ck_assert_int_eq(send(fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

void t_send_text(int fd, const char *method, const void *payload, size_t len)
{
	uint8_t buf[4096];
	long n = alp_rpc_frame_encode_text(buf, sizeof(buf), method, payload, len);

	ck_assert_int_gt(n, 0);
	t_send(fd, buf, (size_t)n);
}

void t_send_call(int fd, uint8_t kind, uint8_t status, uint32_t id, const char *method,
		 const void *payload, size_t len)
{
	uint8_t buf[4096];
	long n = alp_rpc_frame_encode_call(buf, sizeof(buf), kind, status, id, method,
					   payload, len);

	ck_assert_int_gt(n, 0);
	t_send(fd, buf, (size_t)n);
}

void t_recv_frame(int fd, uint8_t *buf, size_t cap, struct alp_rpc_frame *f)
{
	ssize_t n = t_recv(fd, buf, cap, T_WAIT_MS);

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(alp_rpc_frame_decode(buf, (size_t)n, f), 0);
}

uint64_t t_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void t_sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

bool t_wait(bool (*pred)(void *arg), void *arg, int timeout_ms)
{
	uint64_t end = t_now_ms() + (uint64_t)timeout_ms;

	while (!pred(arg)) {
		if (t_now_ms() >= end)
			return false;
		t_sleep_ms(1);
	}
	return true;
}

uint64_t t_stat(alp_rpc_channel_t *ch, size_t field)
{
	alp_rpc_stats_t st;
	uint64_t v;

	ck_assert_int_eq(alp_rpc_get_stats(ch, &st, sizeof(st)), ALP_OK);
	memcpy(&v, (const char *)&st + field, sizeof(v));
	return v;
}

bool t_wait_stat(alp_rpc_channel_t *ch, size_t field, uint64_t want)
{
	uint64_t end = t_now_ms() + T_WAIT_MS;

	while (t_stat(ch, field) < want) {
		if (t_now_ms() >= end)
			return false;
		t_sleep_ms(1);
	}
	return t_stat(ch, field) == want;
}

void t_seq_cb(const void *payload, size_t len, void *user)
{
	struct t_seq *q = user;

	if (len && q->n < (int)sizeof(q->got) - 1)
		q->got[q->n] = *(const char *)payload;
	q->n++;
}

bool t_seq_wait(struct t_seq *seq, int n, int timeout_ms)
{
	uint64_t end = t_now_ms() + (uint64_t)timeout_ms;

	while (seq->n < n) {
		if (t_now_ms() >= end)
			return false;
		t_sleep_ms(1);
	}
	return true;
}

struct t_closer {
	alp_rpc_channel_t *ch;
	atomic_bool done;
};

static void *t_closer_main(void *arg)
{
	struct t_closer *c = arg;

	alp_rpc_close(c->ch);
	c->done = true;
	return NULL;
}

bool t_close_within(alp_rpc_channel_t *ch, int ms)
{
	static struct t_closer c;	/* outlives a helper that stays blocked */
	pthread_t t;

	c.ch = ch;
	c.done = false;
	ck_assert_int_eq(pthread_create(&t, NULL, t_closer_main, &c), 0);
	for (int i = 0; i < ms && !c.done; i++)
		t_sleep_ms(1);
	if (!c.done)
		return false;
	pthread_join(t, NULL);
	return true;
}

int t_settle(_Atomic int *counter, int quiet_ms, int timeout_ms)
{
	uint64_t end = t_now_ms() + (uint64_t)timeout_ms;
	int prev = -1;

	while (t_now_ms() < end) {
		int now = *counter;

		if (now == prev && now > 0)
			break;
		prev = now;
		t_sleep_ms(quiet_ms);
	}
	return *counter;
}

size_t t_unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	if (!strcmp(s, "-"))
		return 0;
	if (!strncmp(s, "seq:", 4)) {
		n = strtoul(s + 4, NULL, 10);
		ck_assert_uint_le(n, cap);
		for (size_t i = 0; i < n; i++)
			out[i] = (uint8_t)i;
		return n;
	}
	ck_assert_int_eq(strlen(s) % 2, 0);
	for (; s[0] && s[1]; s += 2) {
		unsigned int b;

		ck_assert_uint_lt(n, cap);
		ck_assert_int_eq(sscanf(s, "%2x", &b), 1);
		out[n++] = (uint8_t)b;
	}
	return n;
}
