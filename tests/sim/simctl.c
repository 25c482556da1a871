// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * simctl: the rpmsg remote simulator from the shell (a thin CLI over
 * libsim; tests/sim/sim.sh wraps it for shell tests).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsim.h"

static const char *prog = "simctl";

static void usage(FILE *out)
{
	fprintf(out,
"Usage: %s COMMAND [ARGS]\n"
"Drive the rpmsg remote simulator (/dev/rpmsg_sim).\n\n"
"  create [VRING_NUM [stopped]]   create a remote, print its index\n"
"  destroy IDX                    remove a remote\n"
"  info IDX                       state, boots, remoteproc name\n"
"  stats IDX                      message counters\n"
"  service IDX NAME ADDR [echo|quiet]...  add (and announce) a service\n"
"  withdraw IDX ADDR              remove (and withdraw) a service\n"
"  stall IDX on|off               stop/resume consuming Linux's tx buffers\n"
"  capture IDX on|off             queue every message Linux sends\n"
"  recv IDX [TIMEOUT_MS]          print one captured message\n"
"  inject IDX SRC DST TEXT        the remote sends TEXT to Linux\n"
"  crash IDX                      crash (remoteproc recovers it)\n"
"  stop IDX | start IDX           shut the remote down / boot it\n"
"  wait-up IDX [TIMEOUT_MS [MIN_BOOTS]]  wait for the firmware to be up\n",
		prog);
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end) {
		fprintf(stderr, "%s: not a number: '%s'\n", prog, s);
		exit(1);
	}
	return v;
}

static int check(int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(-ret));
		exit(2);
	}
	return ret;
}

static struct sim *open_idx(const char *idx)
{
	struct sim *sim;

	check(sim_open_index(num(idx), &sim), "open remote");
	return sim;
}

static bool on_off(const char *s)
{
	if (!strcmp(s, "on"))
		return true;
	if (!strcmp(s, "off"))
		return false;
	fprintf(stderr, "%s: expected on or off, got '%s'\n", prog, s);
	exit(1);
}

static void print_msg(const struct rpmsg_sim_msg *h, const unsigned char *p)
{
	printf("src=%u dst=%u len=%u flags=%u data=", h->src, h->dst, h->len,
	       h->flags);
	for (unsigned int i = 0; i < h->len; i++)
		printf("%02x", p[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	struct sim *sim;
	int n = argc - 2;
	char **a = argv + 2;

	if (!cmd || !strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		usage(cmd ? stdout : stderr);
		return cmd ? 0 : 1;
	}
	if (!strcmp(cmd, "create")) {
		unsigned int flags = 0;

		if (n > 1 && !strcmp(a[1], "stopped"))
			flags = RPMSG_SIM_CREATE_STOPPED;
		check(sim_create(n > 0 ? num(a[0]) : 0, flags, &sim), "create");
		printf("%u\n", sim_index(sim));
		sim_close(sim);
		return 0;
	}
	if (n < 1) {
		usage(stderr);
		return 1;
	}
	sim = open_idx(a[0]);
	if (!strcmp(cmd, "destroy")) {
		check(sim_destroy(sim), "destroy");
		return 0;
	} else if (!strcmp(cmd, "info")) {
		struct rpmsg_sim_info i;

		check(sim_info(sim, &i), "info");
		printf("index=%u\nstate=%s\nboots=%u\nstalled=%u\nvring_num=%u\nrproc=%s\n",
		       i.index, i.state == RPMSG_SIM_STATE_UP ? "up" :
				i.state == RPMSG_SIM_STATE_BOOTING ? "booting" :
								      "down",
		       i.boots, i.stalled, i.vring_num, i.rproc);
	} else if (!strcmp(cmd, "stats")) {
		struct rpmsg_sim_stats s;

		check(sim_stats(sim, &s), "stats");
		printf("rx_msgs=%llu\nrx_bytes=%llu\ntx_msgs=%llu\ntx_bytes=%llu\n"
		       "echoed=%llu\ncapture_drops=%llu\ntx_drops=%llu\npending=%u\n"
		       "rx_held=%u\n",
		       (unsigned long long)s.rx_msgs,
		       (unsigned long long)s.rx_bytes,
		       (unsigned long long)s.tx_msgs,
		       (unsigned long long)s.tx_bytes,
		       (unsigned long long)s.echoed,
		       (unsigned long long)s.capture_drops,
		       (unsigned long long)s.tx_drops, s.pending, s.rx_held);
	} else if (!strcmp(cmd, "service") && n >= 3) {
		unsigned int flags = 0;

		for (int i = 3; i < n; i++) {
			if (!strcmp(a[i], "echo"))
				flags |= RPMSG_SIM_SVC_ECHO;
			else if (!strcmp(a[i], "quiet"))
				flags |= RPMSG_SIM_SVC_QUIET;
			else {
				fprintf(stderr, "%s: unknown flag '%s'\n", prog, a[i]);
				return 1;
			}
		}
		check(sim_add_service(sim, a[1], num(a[2]), flags), "service");
	} else if (!strcmp(cmd, "withdraw") && n == 2) {
		check(sim_del_service(sim, num(a[1])), "withdraw");
	} else if (!strcmp(cmd, "stall") && n == 2) {
		check(sim_stall(sim, on_off(a[1])), "stall");
	} else if (!strcmp(cmd, "capture") && n == 2) {
		check(sim_capture(sim, on_off(a[1])), "capture");
	} else if (!strcmp(cmd, "recv")) {
		unsigned char buf[RPMSG_SIM_BUF_SIZE];
		struct rpmsg_sim_msg h;

		check(sim_recv(sim, &h, buf, sizeof(buf),
			       n > 1 ? (int)num(a[1]) : -1), "recv");
		print_msg(&h, buf);
	} else if (!strcmp(cmd, "inject") && n == 4) {
		check(sim_inject(sim, num(a[1]), num(a[2]), a[3], strlen(a[3])),
		      "inject");
	} else if (!strcmp(cmd, "crash")) {
		check(sim_crash(sim), "crash");
	} else if (!strcmp(cmd, "stop")) {
		check(sim_stop(sim), "stop");
	} else if (!strcmp(cmd, "start")) {
		check(sim_start(sim), "start");
	} else if (!strcmp(cmd, "wait-up")) {
		unsigned int ms = n > 1 ? num(a[1]) : 10000;

		if (n > 2)
			check(sim_wait_reboot(sim, num(a[2]) - 1, ms), "wait-up");
		else
			check(sim_wait_up(sim, ms), "wait-up");
	} else {
		usage(stderr);
		return 1;
	}
	sim_close(sim);
	return 0;
}
