// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/transport_unix.c: the AF_UNIX loopback, waiting for the peer, and
 * surviving a peer restart (in-flight calls fail, subscriptions kept,
 * reconnection by itself, calls read the new link).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutil.h"

static char dir[64], path[96], spec[PATH_MAX + 16];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/librpc-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sock", dir);
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
}

static int listener(const char *p)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	ck_assert_uint_lt(strlen(p), sizeof(a.sun_path));
	memcpy(a.sun_path, p, strlen(p) + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	return fd;
}

static int accept_within(int l, int ms)
{
	struct pollfd p = { .fd = l, .events = POLLIN };

	ck_assert_int_eq(poll(&p, 1, ms), 1);
	return accept4(l, NULL, NULL, SOCK_CLOEXEC);
}

static atomic_int evts;

static void on_evt(const void *payload, size_t len, void *user)
{
	(void)payload;
	(void)len;
	(void)user;
	evts++;
}

static bool evts_ge(void *arg)
{
	return evts >= *(int *)arg;
}

struct bg_call {
	alp_rpc_channel_t *ch;
	alp_status_t rc;
};

static void *bg_call(void *arg)
{
	struct bg_call *c = arg;

	c->rc = alp_rpc_call(c->ch, "m", NULL, 0, NULL, NULL, UINT32_MAX);
	return NULL;
}

/* A call-framing client on unix:path, and the peer end the listener l accepted. */
static alp_rpc_channel_t *open_client(int l, int *peer)
{
	alp_rpc_channel_t *ch;

	snprintf(spec, sizeof(spec), "unix:%s", path);
	ch = alp_rpc_open(&(alp_rpc_config_t){ .name = "x", .node = spec,
					       .framing = ALP_RPC_FRAMING_CALL });
	ck_assert_ptr_nonnull(ch);
	*peer = accept_within(l, T_WAIT_MS);
	return ch;
}

/* The peer end goes away with a call in flight: the call fails NOT_READY. */
static void drop_under_call(alp_rpc_channel_t *ch, int peer)
{
	struct bg_call bg = { .ch = ch };
	uint8_t buf[600];
	pthread_t t;

	pthread_create(&t, NULL, bg_call, &bg);
	ck_assert_int_gt(t_recv(peer, buf, sizeof(buf), T_WAIT_MS), 0);
	close(peer);
	pthread_join(t, NULL);
	ck_assert_int_eq(bg.rc, ALP_ERR_NOT_READY);
}

START_TEST(peer_restart_is_survived)
{
	int l = listener(path), a, b, c, want;
	alp_rpc_channel_t *ch = open_client(l, &a);

	evts = 0;
	ck_assert_int_eq(alp_rpc_subscribe(ch, "evt", on_evt, NULL), ALP_OK);
	/* The peer goes away with a call in flight. */
	drop_under_call(ch, a);
	/* The listener is still there: the channel reconnects at once. */
	b = accept_within(l, T_WAIT_MS);
	ck_assert_int_eq(alp_rpc_wait_connected(ch, T_WAIT_MS), ALP_OK);
	t_send_call(b, ALP_RPC_KIND_ONEWAY, 0, 0, "evt", NULL, 0);
	want = 1;
	ck_assert(t_wait(evts_ge, &want, T_WAIT_MS));
	/* A full restart: socket file removed, then created again. */
	close(l);
	unlink(path);
	close(b);
	ck_assert(T_WAIT_STAT(ch, link_down, 2));
	l = listener(path);
	c = accept_within(l, T_WAIT_MS);
	ck_assert_int_eq(alp_rpc_wait_connected(ch, T_WAIT_MS), ALP_OK);
	t_send_call(c, ALP_RPC_KIND_ONEWAY, 0, 0, "evt", NULL, 0);
	want = 2;
	ck_assert(t_wait(evts_ge, &want, T_WAIT_MS));
	ck_assert_uint_eq(T_STAT(ch, link_up), 3);
	alp_rpc_close(ch);
	close(c);
	close(l);
}
END_TEST

/* The peer end answers one call request on fd with "ok". */
static void *answer_one(void *arg)
{
	int fd = *(int *)arg;
	struct alp_rpc_frame f;
	uint8_t buf[600];

	t_recv_frame(fd, buf, sizeof(buf), &f);
	t_send_call(fd, ALP_RPC_KIND_REPLY, 0, f.request_id, NULL, "ok", 2);
	return NULL;
}

/*
 * The calling thread reads the transport itself: after the link dropped
 * under it and came back on a new fd, calls read the new one, and several
 * rounds of drop and reconnect leave nothing stuck.
 */
START_TEST(calls_read_the_new_link_after_restart)
{
	int l = listener(path), a;
	alp_rpc_channel_t *ch = open_client(l, &a);

	for (int round = 0; round < 3; round++) {
		char resp[8];
		size_t len = sizeof(resp);
		pthread_t t;

		drop_under_call(ch, a);	/* under the reading caller */
		a = accept_within(l, T_WAIT_MS);
		ck_assert_int_eq(alp_rpc_wait_connected(ch, T_WAIT_MS), ALP_OK);
		pthread_create(&t, NULL, answer_one, &a);
		ck_assert_int_eq(alp_rpc_call(ch, "m", NULL, 0, resp, &len, T_WAIT_MS), ALP_OK);
		pthread_join(t, NULL);
		ck_assert_uint_eq(len, 2);
		ck_assert_int_eq(memcmp(resp, "ok", 2), 0);
	}
	ck_assert_uint_eq(T_STAT(ch, link_up), 4);
	alp_rpc_close(ch);
	close(a);
	close(l);
}
END_TEST

static int echo(const void *req, size_t len, void *resp, size_t *resp_len, void *user)
{
	(void)user;
	memcpy(resp, req, len);
	*resp_len = len;
	return ALP_RPC_STATUS_OK;
}

static void *open_server(void *arg)
{
	return alp_rpc_open(&(alp_rpc_config_t){ .name = "srv", .node = arg,
						 .framing = ALP_RPC_FRAMING_CALL });
}

/* An abstract name cannot be watched: wait until the server has bound it. */
static bool abstract_bound(void *name)
{
	char line[512];
	bool found = false;
	FILE *fp = fopen("/proc/net/unix", "r");

	while (fp && !found && fgets(line, sizeof(line), fp))
		found = strstr(line, name) != NULL;
	if (fp)
		fclose(fp);
	return found;
}

static void listen_and_connect(const char *lspec, const char *cspec)
{
	alp_rpc_channel_t *srv, *cli;
	char resp[16];
	size_t len = sizeof(resp);
	pthread_t t;
	void *ret;

	pthread_create(&t, NULL, open_server, (void *)lspec);
	if (!strncmp(cspec, "unix:@", 6))
		ck_assert(t_wait(abstract_bound, (void *)(cspec + 5), T_WAIT_MS));
	cli = alp_rpc_open(&(alp_rpc_config_t){ .name = "cli", .node = cspec,
						.framing = ALP_RPC_FRAMING_CALL });
	ck_assert_ptr_nonnull(cli);
	pthread_join(t, &ret);
	srv = ret;
	ck_assert_ptr_nonnull(srv);
	ck_assert_int_eq(alp_rpc_serve(srv, "echo", echo, NULL), ALP_OK);
	ck_assert_int_eq(alp_rpc_call(cli, "echo", "hi", 2, resp, &len, T_WAIT_MS), ALP_OK);
	ck_assert_uint_eq(len, 2);
	/* The listening side takes the next client after this one leaves. */
	alp_rpc_close(cli);
	ck_assert(T_WAIT_STAT(srv, link_down, 1));
	cli = alp_rpc_open(&(alp_rpc_config_t){ .name = "cli", .node = cspec,
						.framing = ALP_RPC_FRAMING_CALL });
	ck_assert_ptr_nonnull(cli);
	len = sizeof(resp);
	ck_assert_int_eq(alp_rpc_call(cli, "echo", "again", 5, resp, &len, T_WAIT_MS), ALP_OK);
	ck_assert_uint_eq(len, 5);
	ck_assert_uint_eq(T_STAT(srv, link_up), 2);
	alp_rpc_close(cli);
	alp_rpc_close(srv);
}

START_TEST(listen_and_connect_path)
{
	char lspec[PATH_MAX + 16];

	snprintf(lspec, sizeof(lspec), "unix-listen:%s", path);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	listen_and_connect(lspec, spec);
	/* The listener removes its socket file on close. */
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

START_TEST(listen_and_connect_abstract)
{
	char lspec[64], cspec[64];

	snprintf(lspec, sizeof(lspec), "unix-listen:@librpc-test-%d", getpid());
	snprintf(cspec, sizeof(cspec), "unix:@librpc-test-%d", getpid());
	listen_and_connect(lspec, cspec);
}
END_TEST

START_TEST(open_times_out_without_peer)
{
	uint64_t t0 = t_now_ms();
	char cspec[64];

	snprintf(spec, sizeof(spec), "unix:%s", path);
	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "x", .node = spec,
							      .open_timeout_ms = 100 }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_NOT_READY);
	ck_assert_uint_ge(t_now_ms() - t0, 100);
	ck_assert_uint_lt(t_now_ms() - t0, 3000);
	/* An abstract name cannot be watched: it is retried until the timeout. */
	snprintf(cspec, sizeof(cspec), "unix:@librpc-none-%d", getpid());
	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "x", .node = cspec,
							      .open_timeout_ms = 100 }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_NOT_READY);
	/* Too long a path. */
	memset(spec, 'a', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = 0;
	memcpy(spec, "unix:", 5);
	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "x", .node = spec }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
}
END_TEST

/* Write a regular file at p holding text. */
static void write_file(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static bool file_holds(const char *p, const char *text)
{
	char buf[64] = { 0 };
	FILE *f = fopen(p, "r");
	bool same;

	if (!f)
		return false;
	same = fgets(buf, sizeof(buf), f) && !strcmp(buf, text);
	fclose(f);
	return same;
}

static alp_rpc_channel_t *open_listener(uint32_t timeout_ms)
{
	char lspec[PATH_MAX + 16];

	snprintf(lspec, sizeof(lspec), "unix-listen:%s", path);
	return alp_rpc_open(&(alp_rpc_config_t){ .name = "srv", .node = lspec,
						 .open_timeout_ms = timeout_ms });
}

/* unix-listen: never removes a regular file that sits at PATH. */
START_TEST(listen_keeps_regular_file)
{
	write_file(path, "precious");
	ck_assert_ptr_null(open_listener(100));
	ck_assert_msg(file_holds(path, "precious"), "the regular file at PATH was removed");
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
}
END_TEST

/* unix-listen: never takes over the socket of a server that listens on it. */
START_TEST(listen_keeps_live_server)
{
	int l = listener(path), c, s;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	alp_status_t st;

	ck_assert_ptr_null(open_listener(100));
	st = alp_last_error();
	/* The running server still gets its clients. */
	memcpy(a.sun_path, path, strlen(path) + 1);
	c = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ck_assert_msg(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0,
		      "the live server's socket was taken over or removed: %s", strerror(errno));
	s = accept_within(l, T_WAIT_MS);
	ck_assert_int_ge(s, 0);
	close(s);
	close(c);
	close(l);
	ck_assert_int_eq(st, ALP_ERR_IO);
}
END_TEST

struct listener_arg {
	uint32_t timeout_ms;
	alp_rpc_channel_t *ch;
	alp_status_t st;
};

static void *listener_thread(void *arg)
{
	struct listener_arg *a = arg;

	a->ch = open_listener(a->timeout_ms);
	a->st = alp_last_error();
	return NULL;
}

static bool is_socket_file(void *arg)
{
	struct stat st;

	(void)arg;
	return lstat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* unix-listen: a stale socket (nobody listens) is replaced; close removes ours. */
START_TEST(listen_replaces_stale_socket)
{
	struct listener_arg arg = { .timeout_ms = T_WAIT_MS };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), c;
	pthread_t t;

	memcpy(a.sun_path, path, strlen(path) + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	close(fd);	/* left behind, as by a server that crashed */
	pthread_create(&t, NULL, listener_thread, &arg);
	c = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	for (int i = 0; i < T_WAIT_MS && connect(c, (struct sockaddr *)&a, sizeof(a)) < 0; i++)
		t_sleep_ms(1);
	pthread_join(t, NULL);
	ck_assert_ptr_nonnull(arg.ch);
	alp_rpc_close(arg.ch);
	close(c);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

/* unix-listen: close removes PATH only while it is still the socket it bound. */
START_TEST(listen_close_keeps_what_it_did_not_create)
{
	struct listener_arg arg = { .timeout_ms = 300 };
	pthread_t t;

	pthread_create(&t, NULL, listener_thread, &arg);
	ck_assert(t_wait(is_socket_file, NULL, T_WAIT_MS));
	/* Somebody replaces the socket file while the listener waits. */
	ck_assert_int_eq(unlink(path), 0);
	write_file(path, "replaced");
	pthread_join(t, NULL);
	ck_assert_ptr_null(arg.ch);
	ck_assert_int_eq(arg.st, ALP_ERR_NOT_READY);
	ck_assert_msg(file_holds(path, "replaced"),
		      "close removed a file at PATH that the listener did not create");
}
END_TEST

static char later_dir[128], later_sock[160];

static void *make_dir_and_server(void *arg)
{
	t_sleep_ms(200);
	ck_assert_int_eq(mkdir(later_dir, 0700), 0);
	*(int *)arg = listener(later_sock);
	return NULL;
}

/* unix:PATH in a directory that does not exist yet waits like a missing socket. */
START_TEST(open_waits_for_missing_directory)
{
	char cspec[200];
	uint64_t t0 = t_now_ms(), took;
	alp_rpc_channel_t *ch;
	pthread_t t;
	int l = -1;

	snprintf(later_dir, sizeof(later_dir), "%s/later", dir);
	snprintf(later_sock, sizeof(later_sock), "%s/sock", later_dir);
	snprintf(cspec, sizeof(cspec), "unix:%s", later_sock);
	ch = alp_rpc_open(&(alp_rpc_config_t){ .name = "x", .node = cspec,
					       .open_timeout_ms = 300 });
	took = t_now_ms() - t0;
	ck_assert_ptr_null(ch);
	ck_assert_int_eq(alp_last_error(), ALP_ERR_NOT_READY);
	ck_assert_msg(took >= 300, "open gave up after %llu ms of a 300 ms timeout",
		      (unsigned long long)took);
	/* ... and connects once the directory and the server appear. */
	pthread_create(&t, NULL, make_dir_and_server, &l);
	ch = alp_rpc_open(&(alp_rpc_config_t){ .name = "x", .node = cspec,
					       .open_timeout_ms = T_WAIT_MS });
	pthread_join(t, NULL);
	ck_assert_ptr_nonnull(ch);
	alp_rpc_close(ch);
	close(l);
	unlink(later_sock);
	rmdir(later_dir);
}
END_TEST

Suite *transport_unix_suite(void)
{
	Suite *s = suite_create("transport_unix");
	TCase *tc = tcase_create("transport_unix");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, peer_restart_is_survived);
	tcase_add_test(tc, calls_read_the_new_link_after_restart);
	tcase_add_test(tc, listen_and_connect_path);
	tcase_add_test(tc, listen_and_connect_abstract);
	tcase_add_test(tc, open_times_out_without_peer);
	tcase_add_test(tc, listen_keeps_regular_file);
	tcase_add_test(tc, listen_keeps_live_server);
	tcase_add_test(tc, listen_replaces_stale_socket);
	tcase_add_test(tc, listen_close_keeps_what_it_did_not_create);
	tcase_add_test(tc, open_waits_for_missing_directory);
	suite_add_tcase(s, tc);
	return s;
}
