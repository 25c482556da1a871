// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Port of the demo firmware onto the rpmsg remote simulator: what Linux
 * sends reaches the firmware through the simulator's capture queue
 * (libsim sim_recv), what the firmware sends goes out with sim_inject, and
 * endpoints are announced as simulator services (sim_add_service), which
 * the simulator announces again at every boot, as firmware does.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * The remote's boots are followed through sim_info: when it crashed and
 * came back, app_boot() runs again so the application starts from scratch;
 * while it is down the application is not ticked (a dead core runs nothing).
 *
 * Usage: demo-firmware [--remote IDX] [--quiet]
 *   --remote IDX   run on simulated remote IDX (default: create one and
 *                  print "remote IDX" on standard output)
 * Stops on SIGINT/SIGTERM (a remote it created is destroyed then).
 * Built with -D_GNU_SOURCE (libsim needs it too).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libsim.h"
#include "ept.h"
#include "port_common.h"

#define MAX_EPTS 4

static struct sim *sim;
static struct fw_ept *epts[MAX_EPTS];
static volatile sig_atomic_t stop;

int fw_ept_create(struct fw_ept *ept, const char *name, uint32_t addr, fw_ept_cb cb, void *priv)
{
	int rc, free_slot = -1;

	snprintf(ept->name, sizeof(ept->name), "%s", name);
	ept->addr = addr;
	ept->cb = cb;
	ept->priv = priv;
	for (int i = 0; i < MAX_EPTS; i++) {
		if (epts[i] && epts[i]->addr == addr) {
			/* After a reboot: the simulator has announced it again. */
			epts[i] = ept;
			return 0;
		}
		if (!epts[i] && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return -ENOSPC;
	rc = sim_add_service(sim, name, addr, 0);
	if (rc == -EEXIST)
		rc = 0;	/* left by an earlier run of this program on the same remote */
	if (rc) {
		fw_log("cannot announce '%s': %s", name, strerror(-rc));
		return rc;
	}
	epts[free_slot] = ept;
	return 0;
}

int fw_sendto(struct fw_ept *ept, const void *data, size_t len, uint32_t dst)
{
	/* -ENOTCONN while the remote is down: a dead core sends nothing. */
	return sim_inject(sim, ept->addr, dst, data, len);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Deliver what Linux sent to our endpoints (others' messages are ignored). */
static void drain_capture(void)
{
	static unsigned char buf[RPMSG_SIM_BUF_SIZE];
	struct rpmsg_sim_msg hdr;
	ssize_t n;

	while ((n = sim_recv(sim, &hdr, buf, sizeof(buf), 0)) >= 0) {
		for (int i = 0; i < MAX_EPTS; i++)
			if (epts[i] && epts[i]->addr == hdr.dst)
				epts[i]->cb(epts[i], buf, (size_t)n, hdr.src, epts[i]->priv);
	}
}

int main(int argc, char **argv)
{
	struct rpmsg_sim_info info = { .size = sizeof(info) };
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int boots;
	bool created = false;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "--remote")) {
		rc = sim_open_index((unsigned int)strtoul(argv[2], NULL, 0), &sim);
	} else if (argc == 1) {
		rc = sim_create(0, 0, &sim);
		created = rc == 0;
	} else {
		fprintf(stderr, "usage: %s [--remote IDX]\n", argv[0]);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "demo-firmware: cannot reach the simulated remote: %s\n",
			strerror(-rc));
		return 2;
	}
	if (created)
		printf("remote %u\n", sim_index(sim));
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = sim_capture(sim, true);
	if (!rc)
		rc = sim_wait_up(sim, 10000);
	if (!rc)
		rc = sim_info(sim, &info);
	if (rc) {
		fprintf(stderr, "demo-firmware: starting on the remote: %s\n", strerror(-rc));
		return 2;
	}
	boots = info.boots;
	port_boot_ms = port_mono_ms();
	fw_log("booted on %s (boot #%u)", info.rproc, boots);
	app_boot();
	while (!stop) {
		struct pollfd pfd = { .fd = sim_fd(sim), .events = POLLIN };

		poll(&pfd, 1, APP_TICK_MS);
		if (sim_info(sim, &info))
			break;
		if (info.state != RPMSG_SIM_STATE_UP)
			continue;
		if (info.boots != boots) {
			boots = info.boots;
			port_boot_ms = port_mono_ms();
			fw_log("rebooted after a crash (boot #%u): starting from scratch", boots);
			app_boot();
		}
		drain_capture();
		app_tick();
	}
	sim_capture(sim, false);
	if (created)
		sim_destroy(sim);
	else
		sim_close(sim);
	return 0;
}
