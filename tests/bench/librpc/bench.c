// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * librpc benchmark over a SOCK_SEQPACKET socketpair: call round trip (p50,
 * p99) and calls/s with 1, 4 and 16 threads, against a raw write+read
 * ping-pong on the same kind of transport in the same run; text framing
 * (serialised, matched by method) against call framing (concurrent,
 * matched by id). Two peers: an instant echo (the run is CPU-bound on the
 * host), and a "delay line" that answers every request DELAY_US later
 * without blocking its input, as a remote core behind vrings would: there
 * concurrency, not CPU, decides. Prints figures; asserts nothing about time.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * usage: bench [seconds-per-case [delay-us]]   (defaults 1, 100)
 *        bench large [seconds]   (64 KiB echo calls in fragments against the
 *        raw link, bytes per second: "bench large" below)
 *        bench count raw|call|text N   (N round trips of one mode against
 *        the instant echo, untimed: callcost.sh runs it under callgrind)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <alp/rpc.h>
#include <alp/rpc_codec.h>
#include <alp/rpc_ext.h>
#include <poll.h>

#define PAYLOAD 32
#define MAX_SAMPLES 4000000

enum mode { RAW, CALL, TEXT };
static const char *const mode_name[] = { "raw write+read", "librpc call framing",
					 "librpc text framing" };

struct run {
	enum mode mode;
	double seconds;
	/* raw */
	int fd;
	pthread_mutex_t raw_lock;	/* one ping-pong at a time on one socket */
	long count;			/* count mode: this many calls on one thread, untimed */
	/* librpc */
	alp_rpc_channel_t *client;
	/* results */
	pthread_mutex_t res_lock;
	double *lat_us;
	size_t n;
	int errors;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *raw_echo(void *arg)
{
	int fd = *(int *)arg;
	char buf[512];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	return NULL;
}

/* The delay-line peer: every message is answered delay_us after it arrived. */
struct delay_line {
	int fd;
	double delay_s;
};

#define DL_SLOTS 256

static void *delay_peer(void *arg)
{
	struct delay_line *dl = arg;
	static _Thread_local struct {
		double due;
		size_t len;
		uint8_t msg[512];
	} q[DL_SLOTS];
	size_t head = 0, tail = 0;
	uint8_t in[512];

	for (;;) {
		struct pollfd p = { .fd = dl->fd, .events = POLLIN };
		struct timespec ts, *tsp = NULL;
		struct alp_rpc_frame f;
		ssize_t n;

		if (head != tail) {
			double wait = q[head % DL_SLOTS].due - now_s();

			if (wait < 0)
				wait = 0;
			ts.tv_sec = (time_t)wait;
			ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
			tsp = &ts;
		}
		if (tail - head < DL_SLOTS && ppoll(&p, 1, tsp, NULL) > 0) {
			n = recv(dl->fd, in, sizeof(in), 0);
			if (n <= 0)
				return NULL;
			q[tail % DL_SLOTS].due = now_s() + dl->delay_s;
			if (alp_rpc_frame_decode(in, (size_t)n, &f) == 0 &&
			    f.kind == ALP_RPC_KIND_REQUEST)
				n = alp_rpc_frame_encode_call(q[tail % DL_SLOTS].msg, 512,
							      ALP_RPC_KIND_REPLY, 0, f.request_id,
							      f.method, f.payload, f.payload_len);
			else
				memcpy(q[tail % DL_SLOTS].msg, in, (size_t)n);
			q[tail % DL_SLOTS].len = (size_t)n;
			tail++;
		}
		while (head != tail && q[head % DL_SLOTS].due <= now_s()) {
			if (send(dl->fd, q[head % DL_SLOTS].msg, q[head % DL_SLOTS].len,
				 MSG_NOSIGNAL) < 0)
				return NULL;
			head++;
		}
	}
}

static int echo(const void *req, size_t len, void *resp, size_t *resp_len, void *user)
{
	(void)user;
	memcpy(resp, req, len);
	*resp_len = len;
	return ALP_RPC_STATUS_OK;
}

static int one_call(struct run *r, const char *req, char *resp)
{
	size_t len = PAYLOAD;

	if (r->mode == RAW) {
		int ok;

		if (!r->count)
			pthread_mutex_lock(&r->raw_lock);
		ok = write(r->fd, req, PAYLOAD) == PAYLOAD && read(r->fd, resp, 512) == PAYLOAD;
		if (!r->count)
			pthread_mutex_unlock(&r->raw_lock);
		return ok ? 0 : -1;
	}
	return alp_rpc_call(r->client, "echo", req, PAYLOAD, resp, &len, 5000) == ALP_OK &&
	       len == PAYLOAD ? 0 : -1;
}

static void *worker(void *arg)
{
	struct run *r = arg;
	char req[PAYLOAD], resp[512];
	double end = now_s() + r->seconds, *mine = malloc(sizeof(double) * 200000);
	size_t n = 0;
	int errors = 0;

	memset(req, 'x', sizeof(req));
	while (now_s() < end && n < 200000) {
		double t0 = now_s();

		if (one_call(r, req, resp))
			errors++;
		mine[n++] = (now_s() - t0) * 1e6;
	}
	pthread_mutex_lock(&r->res_lock);
	for (size_t i = 0; i < n && r->n < MAX_SAMPLES; i++)
		r->lat_us[r->n++] = mine[i];
	r->errors += errors;
	pthread_mutex_unlock(&r->res_lock);
	free(mine);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct result {
	double rate, p50, p99;
	int errors;
};

static struct result run_case(enum mode mode, int threads, double seconds, double delay_us,
			      long count)
{
	struct run r = { .mode = mode, .seconds = seconds, .count = count };
	struct delay_line dl = { .delay_s = delay_us / 1e6 };
	alp_rpc_channel_t *server = NULL;
	pthread_t t[16], echo_thread;
	struct result res;
	double t0, elapsed;
	int sv[2];

	r.lat_us = malloc(sizeof(double) * MAX_SAMPLES);
	pthread_mutex_init(&r.raw_lock, NULL);
	pthread_mutex_init(&r.res_lock, NULL);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		perror("socketpair");
		exit(1);
	}
	if (mode == RAW)
		r.fd = sv[0];
	if (delay_us > 0) {
		dl.fd = sv[1];
		pthread_create(&echo_thread, NULL, delay_peer, &dl);
	} else if (mode == RAW) {
		pthread_create(&echo_thread, NULL, raw_echo, &sv[1]);
	}
	if (mode != RAW) {
		alp_rpc_config_t cfg = { .name = "bench",
					 .framing = mode == CALL ? ALP_RPC_FRAMING_CALL :
								   ALP_RPC_FRAMING_TEXT };

		r.client = alp_rpc_open_fd(&cfg, sv[0]);
		server = delay_us > 0 ? NULL : alp_rpc_open_fd(&cfg, sv[1]);
		if (!r.client || (!server && delay_us <= 0) ||
		    (server && alp_rpc_serve(server, "echo", echo, NULL))) {
			fprintf(stderr, "bench: open: %s\n", alp_strerror(alp_last_error()));
			exit(1);
		}
	}
	t0 = now_s();
	for (long i = 0; i < count; i++) {
		char req[PAYLOAD] = { 0 }, resp[512];

		r.errors += one_call(&r, req, resp) != 0;
	}
	for (int i = 0; i < threads && !count; i++)
		pthread_create(&t[i], NULL, worker, &r);
	for (int i = 0; i < threads && !count; i++)
		pthread_join(t[i], NULL);
	elapsed = now_s() - t0;
	if (mode == RAW) {
		shutdown(sv[0], SHUT_RDWR);
		close(sv[0]);
	} else {
		alp_rpc_close(r.client);	/* closes sv[0]: the peer thread ends */
		alp_rpc_close(server);		/* NULL with the delay line: no-op */
	}
	if (mode == RAW || delay_us > 0) {
		pthread_join(echo_thread, NULL);
		close(sv[1]);
	}
	qsort(r.lat_us, r.n, sizeof(double), cmp);
	res.rate = (double)r.n / elapsed;
	res.p50 = r.n ? r.lat_us[r.n / 2] : 0;
	res.p99 = r.n ? r.lat_us[(size_t)((double)r.n * 0.99)] : 0;
	res.errors = r.errors;
	if (r.errors)
		fprintf(stderr, "bench: %s x%d: %d failed calls\n", mode_name[mode], threads,
			r.errors);
	free(r.lat_us);
	return res;
}

/*
 * The threading choice: n channels (each with its own poll thread, and
 * the server's), one calling thread each, against the single-channel
 * figures above; and what opening and closing a channel costs.
 */
static void run_multi(int nch, double seconds)
{
	struct run r[16];
	alp_rpc_channel_t *srv[16];
	pthread_t t[16];
	alp_rpc_config_t cfg = { .name = "bench", .framing = ALP_RPC_FRAMING_CALL };
	double t0, open_s, total = 0, elapsed, *all;
	size_t n = 0;

	t0 = now_s();
	for (int i = 0; i < nch; i++) {
		int sv[2];

		memset(&r[i], 0, sizeof(r[i]));
		r[i].mode = CALL;
		r[i].seconds = seconds;
		r[i].lat_us = malloc(sizeof(double) * 200000);
		pthread_mutex_init(&r[i].res_lock, NULL);
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
			exit(1);
		r[i].client = alp_rpc_open_fd(&cfg, sv[0]);
		srv[i] = alp_rpc_open_fd(&cfg, sv[1]);
		if (!r[i].client || !srv[i] || alp_rpc_serve(srv[i], "echo", echo, NULL))
			exit(1);
	}
	open_s = (now_s() - t0) / nch;
	t0 = now_s();
	for (int i = 0; i < nch; i++)
		pthread_create(&t[i], NULL, worker, &r[i]);
	for (int i = 0; i < nch; i++)
		pthread_join(t[i], NULL);
	elapsed = now_s() - t0;
	all = malloc(sizeof(double) * 200000 * (size_t)nch);
	for (int i = 0; i < nch; i++) {
		memcpy(all + n, r[i].lat_us, r[i].n * sizeof(double));
		n += r[i].n;
		total += (double)r[i].n;
		free(r[i].lat_us);
	}
	t0 = now_s();
	for (int i = 0; i < nch; i++) {
		alp_rpc_close(r[i].client);
		alp_rpc_close(srv[i]);
	}
	qsort(all, n, sizeof(double), cmp);
	printf("%-22s %7d %12.0f %10.1f %10.1f   (open %.0f us, close %.0f us per pair)\n",
	       "call framing, 1 ch/thr", nch, total / elapsed, all[n / 2],
	       all[(size_t)((double)n * 0.99)], open_s * 1e6, (now_s() - t0) / nch * 1e6);
	free(all);
}

static void table(struct result res[3][3], double seconds, double delay_us)
{
	static const int threads[] = { 1, 4, 16 };

	printf("%-22s %7s %12s %10s %10s\n", "transport/framing", "threads", "calls/s",
	       "p50 us", "p99 us");
	for (int ti = 0; ti < 3; ti++) {
		for (int m = RAW; m <= TEXT; m++) {
			res[m][ti] = run_case((enum mode)m, threads[ti], seconds, delay_us, 0);
			printf("%-22s %7d %12.0f %10.1f %10.1f\n", mode_name[m], threads[ti],
			       res[m][ti].rate, res[m][ti].p50, res[m][ti].p99);
		}
	}
}

/*
 * `bench large [seconds]` (issue 10's benchmark, host half): bytes per
 * second, both directions counted, of 64 KiB echo calls through librpc
 * (call framing, 137 fragments each way) against the raw link's rate for
 * 496-byte messages in the same run: raw ping-pong (one message in flight,
 * as a call is) and raw streaming (up to 64 in flight: what the socket
 * itself carries).
 */
#define LARGE_MTU ALP_RPC_WIRE_MTU_DEFAULT
#define BIG (65536 - (ALP_RPC_WIRE_CALL_HDR + 4 + 1))	/* the largest "echo" payload */
#define WINDOW 64

/* Raw 496-byte messages echoed, at most window in flight: messages per second. */
static double raw_rate(double seconds, int window)
{
	uint8_t buf[LARGE_MTU] = { 1 };
	pthread_t t;
	int sv[2], inflight = 0;
	long done = 0;
	double t0, t1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		return 0;
	pthread_create(&t, NULL, raw_echo, &sv[1]);
	t0 = t1 = now_s();
	do {
		while (inflight < window) {
			if (send(sv[0], buf, sizeof(buf), MSG_NOSIGNAL) != (ssize_t)sizeof(buf))
				goto out;
			inflight++;
		}
		if (recv(sv[0], buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
			break;
		inflight--;
		done++;
		t1 = now_s();
	} while (t1 - t0 < seconds);
out:
	shutdown(sv[0], SHUT_RDWR);
	pthread_join(t, NULL);
	close(sv[0]);
	close(sv[1]);
	return (double)done / (t1 - t0);
}

struct caller {
	alp_rpc_channel_t *ch;
	double seconds;
	size_t size;
	long calls;
	int errors;
};

static void *call_loop(void *arg)
{
	struct caller *c = arg;
	uint8_t *req = calloc(1, c->size), *resp = malloc(c->size);
	double t0 = now_s();

	while (now_s() - t0 < c->seconds) {
		size_t len = c->size;

		if (alp_rpc_call(c->ch, "echo", req, c->size, resp, &len, 5000) != ALP_OK ||
		    len != c->size)
			c->errors++;
		else
			c->calls++;
	}
	free(req);
	free(resp);
	return NULL;
}

/* librpc echo calls of size bytes from threads threads: calls per second. */
static double librpc_rate(double seconds, size_t size, int threads, int *errors)
{
	alp_rpc_config_t cfg = { .name = "bench", .framing = ALP_RPC_FRAMING_CALL };
	struct caller c[16];
	alp_rpc_channel_t *a, *b;
	pthread_t t[16];
	long calls = 0;
	int sv[2];
	double t0, t1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return 0;
	a = alp_rpc_open_fd(&cfg, sv[0]);
	b = alp_rpc_open_fd(&cfg, sv[1]);
	if (!a || !b || alp_rpc_serve(b, "echo", echo, NULL))
		return 0;
	t0 = now_s();
	for (int i = 0; i < threads; i++) {
		c[i] = (struct caller){ .ch = a, .seconds = seconds, .size = size };
		pthread_create(&t[i], NULL, call_loop, &c[i]);
	}
	*errors = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		calls += c[i].calls;
		*errors += c[i].errors;
	}
	t1 = now_s();
	alp_rpc_close(a);
	alp_rpc_close(b);
	return (double)calls / (t1 - t0);
}

static int large_main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2.0;
	double pp = raw_rate(seconds, 1), st = raw_rate(seconds, WINDOW);
	double raw_pp = pp * LARGE_MTU * 2, raw_st = st * LARGE_MTU * 2;
	int err;

	printf("%-44s %12s %14s %10s %10s\n", "case", "per second", "bytes/s (both)", "of ping",
	       "of stream");
	printf("%-44s %12.0f %14.0f %9.0f%% %9.0f%%\n", "raw 496-byte ping-pong", pp, raw_pp, 100.0,
	       100.0 * raw_pp / raw_st);
	printf("%-44s %12.0f %14.0f %9.0f%% %9.0f%%\n", "raw 496-byte stream (64 in flight)", st,
	       raw_st, 100.0 * raw_st / raw_pp, 100.0);
	for (int threads = 1; threads <= 2; threads++) {
		double r = librpc_rate(seconds, BIG, threads, &err);
		double bytes = r * BIG * 2;
		char name[64];

		snprintf(name, sizeof(name), "librpc 64 KiB echo call, %d thread%s", threads,
			 threads > 1 ? "s" : "");
		printf("%-44s %12.1f %14.0f %9.0f%% %9.0f%%%s\n", name, r, bytes,
		       100.0 * bytes / raw_pp, 100.0 * bytes / raw_st, err ? "  (errors!)" : "");
	}
	{
		double r = librpc_rate(seconds, LARGE_MTU - 13, 1, &err);
		double bytes = r * (LARGE_MTU - 13) * 2;

		printf("%-44s %12.0f %14.0f %9.0f%% %9.0f%%%s\n",
		       "librpc 483-byte echo call (one frame)", r, bytes, 100.0 * bytes / raw_pp,
		       100.0 * bytes / raw_st, err ? "  (errors!)" : "");
	}
	return 0;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0;
	double delay_us = argc > 2 ? atof(argv[2]) : 100.0;
	struct result res[3][3], dres[3][3];

	if (argc >= 2 && !strcmp(argv[1], "large"))
		return large_main(argc - 1, argv + 1);
	if (argc == 4 && !strcmp(argv[1], "count")) {
		for (int m = RAW; m <= TEXT; m++)
			if (!strcmp(argv[2], (const char *[]){ "raw", "call", "text" }[m]))
				return run_case((enum mode)m, 1, 0, 0, atol(argv[3])).errors != 0;
		fprintf(stderr, "usage: bench count raw|call|text N\n");
		return 2;
	}
	if (seconds <= 0)
		seconds = 1.0;
	printf("librpc benchmark: AF_UNIX SOCK_SEQPACKET socketpair, %d-byte payload, "
	       "%.1f s per case\n\npeer: instant echo (raw: a thread; librpc: a librpc server)\n",
	       PAYLOAD, seconds);
	table(res, seconds, 0);
	printf("\npeer: delay line, every request answered %.0f us after it arrived, "
	       "requests pipelined\n", delay_us);
	table(dres, seconds, delay_us);
	printf("\n%-22s %7s %12s %10s %10s\n", "one channel per thread", "chans", "calls/s",
	       "p50 us", "p99 us");
	run_multi(4, seconds);
	run_multi(16, seconds);
	printf("\nround trip, 1 thread: call framing p50 = %.2fx raw, text framing p50 = %.2fx raw\n",
	       res[CALL][0].p50 / res[RAW][0].p50, res[TEXT][0].p50 / res[RAW][0].p50);
	printf("16 threads: call framing %.2fx the calls/s of text framing (instant echo), "
	       "%.2fx (delay line)\n", res[CALL][2].rate / res[TEXT][2].rate,
	       dres[CALL][2].rate / dres[TEXT][2].rate);
	printf("delay line, 1 thread: call framing p50 = %.2fx raw\n",
	       dres[CALL][0].p50 / dres[RAW][0].p50);
	return 0;
}
