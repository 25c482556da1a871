// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl bench: call latency (p50/p90/p99/max) and throughput.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rpcctl.h"

static void usage(void)
{
	printf("Usage: rpcctl bench [OPTIONS] CHANNEL\n"
	       "Call METHOD on CHANNEL again and again, one call at a time, and report the\n"
	       "round-trip latency (min, p50, p90, p99, max) and the throughput. On a\n"
	       "terminal a progress line is updated while it runs; otherwise only the\n"
	       "summary is printed.\n"
	       "\n"
	       "Options:\n"
	       "  -m, --method=METHOD   the method to call (default echo)\n"
	       "  -c, --count=N         number of calls (default 1000; -n is the same)\n"
	       "  -d, --duration=SEC    call for SEC seconds instead of --count calls\n"
	       "  -s, --size=BYTES      request payload size (default 32)\n"
	       "  -t, --timeout=MS      timeout of each call (default 1000; 'forever' waits\n"
	       "                        without limit, 0 is refused)\n"
	       "  -j, --json            print the summary as one JSON object\n"
	       CHAN_HELP
	       "                        (default for bench: call)\n"
	       "  -h, --help            display this help and exit\n"
	       "\n"
	       "Exit status: 0 every call succeeded, 1 bad argument or size above the maximum,\n"
	       "3 a call timed out, 4 no such method, 5 the remote went away, 6 the peer's\n"
	       "handler failed, 7 no such channel: the first failing call ends the run.\n");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const uint64_t *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return (double)v[i < n ? i : n - 1] / 1000.0;
}

int cmd_bench(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "method", required_argument, NULL, 'm' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "size", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CHAN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *method = "echo";
	uint32_t count = 1000, duration = 0, size = 32, timeout = 1000;
	bool json = false, tty = isatty(STDERR_FILENO);
	uint8_t *req = malloc(TOOLS_MAX_MSG), *resp = malloc(TOOLS_MAX_MSG);
	uint64_t *lat, start, end, last_progress = 0;
	size_t n = 0, cap, mismatched = 0;
	struct chan_opts co;
	alp_rpc_channel_t *ch;
	alp_status_t st = ALP_OK;
	struct timespec res;
	uint64_t res_ns;
	double secs;
	int c;

	chan_opts_init(&co, ALP_RPC_FRAMING_CALL);
	while ((c = getopt_long(argc, argv, "m:c:n:d:s:t:jh" CHAN_SHORTOPTS, longopts, NULL)) != -1) {
		if (chan_opt(&co, c, optarg))
			continue;
		switch (c) {
		case 'm':
			if (alp_rpc_method_len(optarg) < 0)
				die_usage("--method: '%s' is not a valid method name", optarg);
			method = optarg;
			break;
		case 'c':
		case 'n':	/* the spelling of earlier releases */
			count = parse_u32(optarg, "--count");
			if (!count)
				die_usage("--count must be at least 1");
			break;
		case 'd':
			duration = parse_u32(optarg, "--duration");
			break;
		case 's':
			size = parse_u32(optarg, "--size");
			if (size > TOOLS_MAX_MSG)
				die_usage("--size: at most %u bytes", TOOLS_MAX_MSG);
			break;
		case 't':
			timeout = parse_timeout(optarg, "--timeout");
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage();
			return EXIT_OK;
		default:
			bad_option();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		die_usage(argc ? "too many arguments" : "CHANNEL is required");
	if (!req || !resp)
		die_errno(EXIT_FAIL, ENOMEM, "bench");
	for (uint32_t i = 0; i < size; i++)
		req[i] = (uint8_t)('a' + i % 26);
	/* One latency sample per call; a duration run grows the array. */
	cap = duration ? 65536 : count;
	lat = malloc(cap * sizeof(*lat));
	if (!lat)
		die_errno(EXIT_FAIL, ENOMEM, "latency samples");

	ch = chan_open(argv[0], &co, false);
	start = now_ns();
	for (;;) {
		size_t rlen = TOOLS_MAX_MSG;
		uint64_t t0 = now_ns(), t1;

		if (duration ? t0 - start >= (uint64_t)duration * 1000000000u : n >= count)
			break;
		st = alp_rpc_call(ch, method, req, size, resp, &rlen, timeout);
		t1 = now_ns();
		if (st)
			break;
		if (rlen != size || memcmp(resp, req, size))
			mismatched++;
		if (n == cap) {
			uint64_t *l = realloc(lat, 2 * cap * sizeof(*lat));

			if (!l)
				die_errno(EXIT_FAIL, ENOMEM, "latency samples");
			lat = l;
			cap *= 2;
		}
		lat[n++] = t1 - t0;
		if (tty && t1 - last_progress > 100000000u) {
			last_progress = t1;
			fprintf(stderr, "\r%s: %zu calls, %.0f calls/s, last %.0f us   ",
				prog_name, n, (double)n * 1e9 / (double)(t1 - start),
				(double)(t1 - t0) / 1000.0);
		}
	}
	end = now_ns();
	if (tty && last_progress)
		fputc('\n', stderr);
	if (st == ALP_ERR_MSGSIZE)
		die(EXIT_USAGE, "a %u-byte request does not fit: at most %zu bytes per message "
		    "(MTU %zu; larger ones in fragments, if the peer takes them)", size,
		    alp_rpc_max_msg(ch), alp_rpc_mtu(ch));
	if (st)
		die_status(st, "call %zu of %s on %s failed", n + 1, method, argv[0]);
	alp_rpc_close(ch);

	qsort(lat, n, sizeof(*lat), cmp_u64);
	clock_getres(CLOCK_MONOTONIC, &res);
	res_ns = (uint64_t)res.tv_sec * 1000000000u + (uint64_t)res.tv_nsec;
	secs = (double)(end - start) / 1e9;
	if (json) {
		printf("{\"channel\":");
		json_string(stdout, argv[0], strlen(argv[0]));
		printf(",\"method\":");
		json_string(stdout, method, strlen(method));
		printf(",\"framing\":\"%s\",\"size\":%u,\"calls\":%zu,\"seconds\":%.3f,"
		       "\"calls_per_s\":%.1f,\"latency_us\":{\"min\":%.1f,\"p50\":%.1f,"
		       "\"p90\":%.1f,\"p99\":%.1f,\"max\":%.1f},\"mismatched\":%zu,"
		       "\"clock_resolution_us\":%.3f}\n",
		       co.framing == ALP_RPC_FRAMING_CALL ? "call" : "text", size, n, secs,
		       (double)n / secs, pct(lat, n, 0), pct(lat, n, 0.5), pct(lat, n, 0.9),
		       pct(lat, n, 0.99), pct(lat, n, 1), mismatched,
		       (double)res_ns / 1000.0);
	} else {
		printf("%zu calls of '%s' with a %u-byte payload on %s (%s framing) in %.3f s\n",
		       n, method, size, argv[0],
		       co.framing == ALP_RPC_FRAMING_CALL ? "call" : "text", secs);
		printf("  latency (us): min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n",
		       pct(lat, n, 0), pct(lat, n, 0.5), pct(lat, n, 0.9), pct(lat, n, 0.99),
		       pct(lat, n, 1));
		printf("  throughput:   %.0f calls/s, %.1f KiB/s of payload each way\n",
		       (double)n / secs, (double)n * size / secs / 1024.0);
		if (mismatched)
			printf("  %zu replies differed from their request\n", mismatched);
		if (res_ns > 1000)
			printf("  note: this system's clock ticks every %.0f us; latencies are "
			       "rounded to that\n", (double)res_ns / 1000.0);
	}
	free(lat);
	free(req);
	free(resp);
	return EXIT_OK;
}
