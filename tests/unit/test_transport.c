// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/transport.c: message send/recv and the plain-fd backend.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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

Suite *transport_suite(void)
{
	Suite *s = suite_create("transport");
	TCase *tc = tcase_create("transport");

	tcase_add_test(tc, recv_reports_true_length_of_oversize);
	tcase_add_test(tc, fd_backend_does_not_reconnect);
	tcase_add_test(tc, fd_backend_unused_fd_closed_on_free);
	suite_add_tcase(s, tc);
	return s;
}
