// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl monitor: remotes, channels and endpoints appearing and vanishing,
 * from udev events (raw kernel events when no udevd runs).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libudev.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rpcctl.h"

static void usage(void)
{
	printf("Usage: rpcctl monitor [OPTIONS]\n"
	       "Print one line per event until interrupted: a remote's control node\n"
	       "appearing or vanishing (the remote booted, crashed or stopped), a channel\n"
	       "announced or withdrawn by a remote, an endpoint node created or destroyed.\n"
	       "Each line: time, action (add, remove, change), kind (remote, control,\n"
	       "channel, endpoint, chardev: an upstream rpmsg_char node), device,\n"
	       "details.\n"
	       "\n"
	       "Options:\n"
	       "  -c, --count=N     exit after N events\n"
	       "  -t, --timeout=MS  exit after MS milliseconds (status 3 if --count events\n"
	       "                    did not arrive by then)\n"
	       "  -j, --json        one JSON object per event\n"
	       "  -h, --help        display this help and exit\n"
	       "\n"
	       "Exit status: 0 interrupted or --count reached, 2 no event source,\n"
	       "3 timeout.\n");
}

static const char *attr(struct udev_device *d, const char *name)
{
	const char *v = udev_device_get_sysattr_value(d, name);

	return v ? v : "";
}

/* Kind of device and its details (attributes read while it still exists). */
static const char *describe(struct udev_device *d, char *buf, size_t cap)
{
	const char *sub = udev_device_get_subsystem(d);
	const char *sys = udev_device_get_sysname(d);
	const char *action = udev_device_get_action(d);
	bool gone = action && !strcmp(action, "remove");

	buf[0] = 0;
	if (!strcmp(sub, "remoteproc")) {
		if (!gone)
			snprintf(buf, cap, "name=%s state=%s", attr(d, "name"), attr(d, "state"));
		return "remote";
	}
	if (!strcmp(sub, "rpmsg_rpc")) {
		if (!strncmp(sys, "rpmsg_rpc_ctrl", 14)) {
			if (!gone)
				snprintf(buf, cap, "remote=%s rproc=%s", attr(d, "remote"),
					 attr(d, "rproc"));
			return "control";
		}
		if (!gone)
			snprintf(buf, cap, "name=%s src=%s dst=%s", attr(d, "name"), attr(d, "src"),
				 attr(d, "dst"));
		return "endpoint";
	}
	/*
	 * The rpmsg bus: a channel device is named <transport>.<name>.<src>.<dst>
	 * (read the name from it: after a removal the attributes are gone).
	 * The rpmsg class: upstream rpmsg_char nodes (rpmsg_ctrlN, rpmsgN).
	 */
	if (strchr(sys, '.')) {
		const char *first = strchr(sys, '.') + 1, *end = sys + strlen(sys);
		int dots = 0;

		while (end > first && dots < 2)
			if (*--end == '.')
				dots++;
		if (dots == 2)
			snprintf(buf, cap, "name=%.*s dst=%s", (int)(end - first), first,
				 strrchr(sys, '.') + 1);
		return "channel";
	}
	if (!gone)
		snprintf(buf, cap, "name=%s", attr(d, "name"));
	return "chardev";
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
	static const char *const subsystems[] = { "remoteproc", "rpmsg_rpc", "rpmsg" };
	uint32_t count = 0, timeout = 0, seen = 0;
	bool json = false;
	struct udev *udev;
	struct udev_monitor *mon;
	uint64_t deadline = 0;
	int c, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "c:t:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			count = parse_u32(optarg, "--count");
			break;
		case 't':
			timeout = parse_u32(optarg, "--timeout");
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

	udev = udev_new();
	/* Without udevd (a minimal system) only the kernel's own events exist. */
	mon = udev ? udev_monitor_new_from_netlink(udev, access("/run/udev/control", F_OK) ?
						   "kernel" : "udev") : NULL;
	if (!mon)
		die_errno(EXIT_FAIL, errno ? errno : ENOTSUP, "cannot listen to udev events");
	for (size_t i = 0; i < sizeof(subsystems) / sizeof(subsystems[0]); i++)
		udev_monitor_filter_add_match_subsystem_devtype(mon, subsystems[i], NULL);
	if (udev_monitor_enable_receiving(mon) < 0)
		die_errno(EXIT_FAIL, errno, "cannot listen to udev events");

	if (timeout)
		deadline = now_ns() + (uint64_t)timeout * 1000000u;
	/* Tell a script that events from now on are seen. */
	if (!json)
		warnmsg("watching remotes, channels and endpoints");
	while (!count || seen < count) {
		struct timespec ts = { 0, 0 }, *tsp = NULL;
		struct pollfd pfd = { .fd = udev_monitor_get_fd(mon), .events = POLLIN };
		struct udev_device *d;

		if (deadline) {
			uint64_t now = now_ns();

			if (now >= deadline) {
				if (count)
					rc = EXIT_TIMEOUT;
				break;
			}
			ts.tv_sec = (time_t)((deadline - now) / 1000000000u);
			ts.tv_nsec = (long)((deadline - now) % 1000000000u);
			tsp = &ts;
		}
		if (ppoll(&pfd, 1, tsp, NULL) <= 0)
			continue;
		while ((d = udev_monitor_receive_device(mon)) && (!count || seen < count)) {
			char details[256], t[32];
			const char *action = udev_device_get_action(d);
			const char *kind = describe(d, details, sizeof(details));

			if (!strcmp(action, "bind") || !strcmp(action, "unbind")) {
				udev_device_unref(d);
				continue;
			}
			timestamp(t, sizeof(t));
			if (json) {
				printf("{\"time\":\"%s\",\"action\":\"%s\",\"kind\":\"%s\",\"device\":",
				       t, action, kind);
				json_string(stdout, udev_device_get_sysname(d),
					    strlen(udev_device_get_sysname(d)));
				printf(",\"details\":");
				json_string(stdout, details, strlen(details));
				printf("}\n");
			} else {
				printf("%s  %-6s %-8s %s%s%s\n", t, action, kind,
				       udev_device_get_sysname(d), details[0] ? "  " : "", details);
			}
			fflush(stdout);
			seen++;
			udev_device_unref(d);
		}
	}
	udev_monitor_unref(mon);
	udev_unref(udev);
	return rc;
}
