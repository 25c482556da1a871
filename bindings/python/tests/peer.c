// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The C librpc peer of the Python binding's tests and benchmark.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * peer serve NODE [text|call]   serve until SIGTERM/SIGINT on NODE (e.g.
 *                               unix-listen:/tmp/x), methods below
 * peer bench NODE N SIZE [NAME] N calls of echo with SIZE bytes from C, one
 *                               thread, on channel NAME (default pytest);
 *                               prints "p50_us mean_us calls_per_s"
 *
 * Methods served:
 *   echo       the request back
 *   fail       EXEC_FAILED, diagnostic "fail: <request>"
 *   slow       sleeps <request> ms (decimal text), then replies "slept"
 *   publish    sends <request> (decimal) one-way frames "event" with
 *              payloads "0", "1", ... then replies "published"
 *   ask        the request is "METHOD:DATA": calls METHOD(DATA) on the
 *              caller (async, from the handler), and sends the outcome as
 *              a one-way frame "answer": "<status>:<reply or diagnostic>"
 * Text framing: the same handlers (text has no statuses).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <alp/rpc.h>
#include <alp/rpc_ext.h>

static alp_rpc_channel_t *ch;

static int h_echo(const void *req, size_t len, void *resp, size_t *resp_len, void *u)
{
	(void)u;
	if (len > *resp_len)
		return ALP_RPC_STATUS_BAD_PACKET;
	memcpy(resp, req, len);
	*resp_len = len;
	return ALP_RPC_STATUS_OK;
}

static int h_fail(const void *req, size_t len, void *resp, size_t *resp_len, void *u)
{
	int n = snprintf(resp, *resp_len, "fail: %.*s", (int)len, (const char *)req);

	(void)u;
	*resp_len = n < 0 ? 0 : (size_t)n < *resp_len ? (size_t)n : *resp_len;
	return ALP_RPC_STATUS_EXEC_FAILED;
}

static long num(const void *req, size_t len)
{
	char buf[32];

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, req, len);
	buf[len] = 0;
	return strtol(buf, NULL, 10);
}

static int h_slow(const void *req, size_t len, void *resp, size_t *resp_len, void *u)
{
	long ms = num(req, len);
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	(void)u;
	nanosleep(&ts, NULL);
	memcpy(resp, "slept", 5);
	*resp_len = 5;
	return ALP_RPC_STATUS_OK;
}

static int h_publish(const void *req, size_t len, void *resp, size_t *resp_len, void *u)
{
	long n = num(req, len);
	char buf[16];

	(void)u;
	for (long i = 0; i < n; i++) {
		int k = snprintf(buf, sizeof(buf), "%ld", i);

		alp_rpc_send(ch, "event", buf, (size_t)k);
	}
	memcpy(resp, "published", 9);
	*resp_len = 9;
	return ALP_RPC_STATUS_OK;
}

static void answer(alp_status_t st, const void *resp, size_t len, void *u)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%d:%.*s", (int)st, (int)len, (const char *)resp);

	(void)u;
	alp_rpc_send(ch, "answer", buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static int h_ask(const void *req, size_t len, void *resp, size_t *resp_len, void *u)
{
	char method[ALP_RPC_METHOD_MAX_LEN];
	const char *colon = memchr(req, ':', len);
	size_t mlen = colon ? (size_t)(colon - (const char *)req) : len;
	alp_status_t st;

	(void)u;
	if (mlen >= sizeof(method))
		return ALP_RPC_STATUS_BAD_PACKET;
	memcpy(method, req, mlen);
	method[mlen] = 0;
	st = alp_rpc_call_async(ch, method, colon ? colon + 1 : "", colon ? len - mlen - 1 : 0,
				2000, answer, NULL);
	*resp_len = (size_t)snprintf(resp, *resp_len, "%d", (int)st);
	return ALP_RPC_STATUS_OK;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int bench(const char *node, long n, size_t size, const char *name)
{
	alp_rpc_config_t cfg = { .name = name, .node = node, .framing = ALP_RPC_FRAMING_CALL };
	char req[512] = { 0 }, resp[512];
	double *lat = calloc((size_t)n, sizeof(*lat)), t0, sum = 0;

	ch = alp_rpc_open(&cfg);
	if (!ch || !lat || n < 1 || size > sizeof(req)) {
		fprintf(stderr, "peer bench: open %s: %s\n", node, alp_strerror(alp_last_error()));
		return 1;
	}
	for (long i = 0; i < n; i++) {
		size_t rl = sizeof(resp);

		t0 = now_us();
		if (alp_rpc_call(ch, "echo", req, size, resp, &rl, 5000) != ALP_OK) {
			fprintf(stderr, "peer bench: call: %s\n", alp_strerror(alp_last_error()));
			return 1;
		}
		lat[i] = now_us() - t0;
		sum += lat[i];
	}
	alp_rpc_close(ch);
	qsort(lat, (size_t)n, sizeof(*lat), cmp_d);
	printf("%.2f %.2f %.0f\n", lat[n / 2], sum / (double)n, (double)n / (sum / 1e6));
	free(lat);
	return 0;
}

int main(int argc, char **argv)
{
	alp_rpc_config_t cfg = { .name = "pytest", .framing = ALP_RPC_FRAMING_CALL,
				 .open_timeout_ms = UINT32_MAX, .flags = ALP_RPC_OPEN_PAUSED };
	struct sigaction sa = { .sa_handler = on_signal };

	if (argc >= 5 && !strcmp(argv[1], "bench"))
		return bench(argv[2], atol(argv[3]), (size_t)atol(argv[4]),
			     argc > 5 ? argv[5] : "pytest");
	if (argc < 3 || strcmp(argv[1], "serve")) {
		fprintf(stderr, "usage: peer serve NODE [text|call] | peer bench NODE N SIZE\n");
		return 1;
	}
	cfg.node = argv[2];
	if (argc > 3 && !strcmp(argv[3], "text"))
		cfg.framing = ALP_RPC_FRAMING_TEXT;
	/* Killed by default while open waits for the client; cleanly after. */
	ch = alp_rpc_open(&cfg);
	if (!ch) {
		fprintf(stderr, "peer: open %s: %s\n", cfg.node, alp_strerror(alp_last_error()));
		return 1;
	}
	alp_rpc_serve(ch, "echo", h_echo, NULL);
	alp_rpc_serve(ch, "fail", h_fail, NULL);
	alp_rpc_serve(ch, "slow", h_slow, NULL);
	alp_rpc_serve(ch, "publish", h_publish, NULL);
	alp_rpc_serve(ch, "ask", h_ask, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	alp_rpc_resume(ch);
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	alp_rpc_close(ch);
	return 0;
}
