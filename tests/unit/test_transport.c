// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/transport.c, lib/transport_fd.c: message send/recv and the plain-fd backend.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"
#include "../../lib/internal.h"

START_TEST(recv_reports_true_length_of_oversize)
{
	struct rpc_transport *t;
	uint8_t big[3000] = { 0 }, buf[100];
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ck_assert_int_eq(rpc_transport_fd_new(&t, sv[0]), 0);
	ck_assert(t->is_socket);
	ck_assert_uint_eq(t->mtu, ALP_RPC_WIRE_MTU_DEFAULT);
	ck_assert_int_eq(t->ops->connect(t), 0);
	ck_assert_int_eq(t->fd, sv[0]);
	t_send(sv[1], big, sizeof(big));
	ck_assert_int_eq(rpc_transport_recv(t, buf, sizeof(buf)), 3000);
	ck_assert_int_eq(rpc_transport_send(t, "abc", 3), 3);
	ck_assert_int_eq(t_recv(sv[1], buf, sizeof(buf), T_WAIT_MS), 3);
	/* Nothing queued: no blocking, -EAGAIN. */
	ck_assert_int_eq(rpc_transport_recv(t, buf, sizeof(buf)), -EAGAIN);
	close(sv[1]);
	ck_assert_int_eq(rpc_transport_recv(t, buf, sizeof(buf)), 0);
	ck_assert_int_eq(rpc_transport_send(t, "abc", 3), -EPIPE);	/* no SIGPIPE either */
	rpc_transport_free(t);
	ck_assert_int_eq(fcntl(sv[0], F_GETFD), -1);
}
END_TEST

START_TEST(fd_backend_does_not_reconnect)
{
	struct rpc_transport *t;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ck_assert_int_eq(rpc_transport_fd_new(&t, sv[0]), 0);
	ck_assert_int_eq(t->ops->connect(t), 0);
	t->ops->disconnect(t);
	ck_assert_int_eq(t->fd, -1);
	ck_assert_int_eq(fcntl(sv[0], F_GETFD), -1);
	ck_assert_int_eq(t->ops->connect(t), -ENOTSUP);
	ck_assert_int_eq(t->ops->watch_fd(t), -1);
	rpc_transport_free(t);
	close(sv[1]);
}
END_TEST

START_TEST(fd_backend_unused_fd_closed_on_free)
{
	struct rpc_transport *t;
	int fd = open("/dev/null", O_RDWR);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(rpc_transport_fd_new(&t, fd), 0);
	ck_assert(!t->is_socket);
	rpc_transport_free(t);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
}
END_TEST

/*
 * A transport that says "messages were lost" (our driver: ENOBUFS once after
 * it dropped received messages for a full queue) on the next fail_reads
 * reads, and leaves the queued messages readable.
 */
static _Atomic int fail_reads;
static struct rpc_transport_ops flaky_ops;

static ssize_t flaky_recv(struct rpc_transport *t, void *buf, size_t cap)
{
	if (fail_reads > 0) {
		fail_reads--;
		return -ENOBUFS;
	}
	return rpc_transport_recv_msg(t, buf, cap);
}

static alp_rpc_channel_t *open_flaky(uint32_t framing, int *peer)
{
	alp_rpc_config_t cfg = { .name = "flaky", .framing = framing };
	struct rpc_transport *t;
	alp_rpc_channel_t *ch;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(rpc_transport_fd_new(&t, sv[0]), 0);
	flaky_ops = *t->ops;
	flaky_ops.recv = flaky_recv;
	t->ops = &flaky_ops;
	ch = rpc_channel_open(&cfg, t);
	ck_assert_ptr_nonnull(ch);
	*peer = sv[1];
	return ch;
}

static _Atomic int got_e;

static void on_e(const void *payload, size_t len, void *user)
{
	(void)payload;
	(void)len;
	(void)user;
	got_e++;
}

static bool e_seen(void *arg)
{
	(void)arg;
	return got_e > 0;
}

struct bg_call {
	alp_rpc_channel_t *ch;
	alp_status_t rc;
	char resp[16];
	size_t len;
};

static void *bg_call(void *arg)
{
	struct bg_call *c = arg;

	c->len = sizeof(c->resp);
	c->rc = alp_rpc_call(c->ch, "m", NULL, 0, c->resp, &c->len, T_WAIT_MS);
	return NULL;
}

/* ENOBUFS is counted (rx_dropped) and the channel keeps reading: no link drop. */
START_TEST(enobufs_counts_lost_and_keeps_reading)
{
	struct bg_call bg = { 0 };
	uint8_t buf[600];
	struct alp_rpc_frame f;
	alp_rpc_channel_t *ch;
	pthread_t t;
	int peer;

	/* the poll thread reads */
	got_e = 0;
	fail_reads = 1;
	ch = open_flaky(ALP_RPC_FRAMING_TEXT, &peer);
	ck_assert_int_eq(alp_rpc_subscribe(ch, "e", on_e, NULL), ALP_OK);
	t_send_text(peer, "e", "1", 1);
	ck_assert_msg(t_wait(e_seen, NULL, T_WAIT_MS), "the message after ENOBUFS was not delivered");
	ck_assert_uint_eq(T_STAT(ch, rx_dropped), 1);
	ck_assert_uint_eq(T_STAT(ch, link_down), 0);
	ck_assert(alp_rpc_is_connected(ch));
	alp_rpc_close(ch);
	close(peer);

	/* a calling thread may be the one reading: its call still gets the reply */
	ch = open_flaky(ALP_RPC_FRAMING_CALL, &peer);
	bg.ch = ch;
	pthread_create(&t, NULL, bg_call, &bg);
	t_recv_frame(peer, buf, sizeof(buf), &f);
	fail_reads = 1;
	t_send_call(peer, ALP_RPC_KIND_REPLY, 0, f.request_id, "m", "ok", 2);
	pthread_join(t, NULL);
	ck_assert_int_eq(bg.rc, ALP_OK);
	ck_assert_uint_eq(bg.len, 2);
	ck_assert_uint_eq(T_STAT(ch, rx_dropped), 1);
	ck_assert_uint_eq(T_STAT(ch, link_down), 0);
	alp_rpc_close(ch);
	close(peer);
}
END_TEST

Suite *transport_suite(void)
{
	Suite *s = suite_create("transport");
	TCase *tc = tcase_create("transport");

	tcase_add_test(tc, recv_reports_true_length_of_oversize);
	tcase_add_test(tc, fd_backend_does_not_reconnect);
	tcase_add_test(tc, fd_backend_unused_fd_closed_on_free);
	tcase_add_test(tc, enobufs_counts_lost_and_keeps_reading);
	suite_add_tcase(s, tc);
	return s;
}
