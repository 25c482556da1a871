// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl monitor: remotes, channels and endpoints appearing and vanishing,
 * from librpc's device-level events (<alp/rpc_device.h>).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <alp/rpc_device.h>

#include "rpcctl.h"

static void usage(void)
{
	printf("Usage: rpcctl monitor [OPTIONS]\n"
	       "Print one line per event until interrupted: a remote's control node\n"
	       "appearing or vanishing (the remote booted, crashed or stopped), a channel\n"
	       "announced or withdrawn by a remote, an endpoint node created or destroyed.\n"
	       "Each line: time, action (add, remove, change), kind (remote, control,\n"
	       "channel, endpoint, chardev: an upstream rpmsg_char node), device,\n"
	       "details, and what it means (remote-up, remote-down, remote-crashed,\n"
	       "channel-announced, channel-withdrawn, endpoint-created, ...).\n"
	       "\n"
	       "Options:\n"
	       "  -c, --count=N     exit after N events\n"
	       "  -t, --timeout=MS  exit after MS milliseconds (status 3 if --count events\n"
	       "                    did not arrive by then); 'forever' is the default,\n"
	       "                    0 is refused\n"
	       "  -j, --json        one JSON object per event\n"
	       "  -h, --help        display this help and exit\n"
	       "\n"
	       "Exit status: 0 interrupted or --count reached, 2 no event source,\n"
	       "3 timeout.\n");
}

static const char *const actions[] = { "?", "add", "remove", "change" };

/* The kind column of earlier releases: what the device is. */
static const char *kind_of(const alp_rpc_dev_event_t *ev)
{
	switch (ev->object) {
	case ALP_RPC_DEV_OBJ_REMOTEPROC:
		return "remote";
	case ALP_RPC_DEV_OBJ_CHANNEL:
		return "channel";
	case ALP_RPC_DEV_OBJ_CONTROL:
		return ev->backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC ? "control" : "chardev";
	default:
		return ev->backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC ? "endpoint" : "chardev";
	}
}

static void describe(const alp_rpc_dev_event_t *ev, char *buf, size_t cap)
{
	bool gone = ev->action == ALP_RPC_DEV_ACTION_REMOVE;

	buf[0] = 0;
	switch (ev->object) {
	case ALP_RPC_DEV_OBJ_REMOTEPROC:
		if (!gone)
			snprintf(buf, cap, "name=%s state=%s", ev->name, ev->state);
		break;
	case ALP_RPC_DEV_OBJ_CHANNEL:
		if (ev->name[0])
			snprintf(buf, cap, "name=%s dst=%u", ev->name, ev->dst);
		break;
	case ALP_RPC_DEV_OBJ_CONTROL:
		if (!gone && ev->backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC)
			snprintf(buf, cap, "remote=%s rproc=%s", ev->name, ev->rproc);
		else if (gone && ev->rproc[0])
			snprintf(buf, cap, "rproc=%s state=%s", ev->rproc, ev->state);
		break;
	default:
		if (gone)
			break;
		if (ev->backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC)
			snprintf(buf, cap, "name=%s src=%u dst=%u", ev->name, ev->src, ev->dst);
		else
			snprintf(buf, cap, "name=%s", ev->name);
		break;
	}
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t count = 0, timeout = UINT32_MAX, seen = 0;
	alp_rpc_dev_monitor_t *mon;
	uint64_t deadline = 0;
	bool json = false;
	int c, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "c:t:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			count = parse_u32(optarg, "--count");
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
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);

	mon = alp_rpc_dev_monitor_open(tools_dev());
	if (!mon)
		die_status(alp_last_error(), "cannot listen to udev events");
	if (timeout != UINT32_MAX)
		deadline = deadline_in(timeout);
	/* Tell a script that events from now on are seen. */
	if (!json)
		warnmsg("watching remotes, channels and endpoints");
	while (!count || seen < count) {
		alp_rpc_dev_event_t ev = { .size = sizeof(ev) };
		uint32_t wait = UINT32_MAX;
		char details[256], t[32];
		alp_status_t st;

		if (deadline) {
			uint64_t now = now_ns();

			if (now >= deadline) {
				if (count)
					rc = EXIT_TIMEOUT;
				break;
			}
			wait = (uint32_t)((deadline - now + 999999) / 1000000);
		}
		st = alp_rpc_dev_monitor_read(mon, &ev, wait);
		if (st == ALP_ERR_TIMEOUT)
			continue;
		if (st)
			die_status(st, "reading events");
		describe(&ev, details, sizeof(details));
		timestamp(t, sizeof(t));
		if (json) {
			printf("{\"time\":\"%s\",\"action\":\"%s\",\"kind\":\"%s\",\"device\":",
			       t, actions[ev.action < 4 ? ev.action : 0], kind_of(&ev));
			json_string(stdout, ev.device, strlen(ev.device));
			printf(",\"details\":");
			json_string(stdout, details, strlen(details));
			printf(",\"event\":\"%s\"}\n", alp_rpc_dev_event_name(ev.type));
		} else {
			printf("%s  %-6s %-8s %s%s%s", t, actions[ev.action < 4 ? ev.action : 0],
			       kind_of(&ev), ev.device, details[0] ? "  " : "", details);
			if (ev.type != ALP_RPC_DEV_EVENT_OTHER)
				printf("  (%s)", alp_rpc_dev_event_name(ev.type));
			putchar('\n');
		}
		fflush(stdout);
		seen++;
	}
	alp_rpc_dev_monitor_close(mon);
	return rc;
}
