// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl create / destroy: endpoint nodes through a control node.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "rpcctl.h"

static void create_usage(void)
{
	printf("Usage: rpcctl create [OPTIONS] NAME\n"
	       "Create an endpoint called NAME on a remote, with a node /dev/rpmsg_rpcN that\n"
	       "stays until 'rpcctl destroy' (or until the remote goes away). Prints the\n"
	       "node, then its name, addresses and MTU.\n"
	       "\n"
	       "Options:\n"
	       "  -c, --ctrl=CTRL       the remote: a control node (/dev/rpmsg_rpc_ctrlN,\n"
	       "                        rpmsg_rpc_ctrlN, N) or a remoteproc (remoteprocN or\n"
	       "                        its name); default: the only control node\n"
	       "  -a, --announce        tell the remote about the endpoint (name service)\n"
	       "  -b, --bind-by-name    take the destination from the remote's announcement\n"
	       "                        of NAME\n"
	       "  -S, --src=ADDR        our address (default: any free one)\n"
	       "  -D, --dst=ADDR        the remote's address (default: none)\n"
	       "  -j, --json            print the endpoint as one JSON object\n"
	       "  -h, --help            display this help and exit\n"
	       "\n"
	       "Exit status: 0 created, 1 bad argument or refused by the driver (address in\n"
	       "use or reserved, bad name), 2 other failure, 7 no such remote.\n");
}

static void destroy_usage(void)
{
	printf("Usage: rpcctl destroy [OPTIONS] NODE...\n"
	       "Destroy endpoints created with 'rpcctl create': NODE is /dev/rpmsg_rpcN,\n"
	       "rpmsg_rpcN or N. Readers of the node see end of data, writers EPIPE.\n"
	       "\n"
	       "Options:\n"
	       "  -h, --help   display this help and exit\n"
	       "\n"
	       "Exit status: 0 destroyed, 1 bad argument, 2 failure, 7 no such endpoint.\n");
}

/* Find the control device for --ctrl (or the only one); dies if none. */
static void pick_ctrl(const char *want, char *out, size_t cap)
{
	char names[64][64];
	int n = ctrl_names(names, 64);

	if (!driver_loaded())
		die(EXIT_NOCHANNEL, "the rpmsg_rpc driver is not loaded (modprobe rpmsg_rpc)");
	if (!want) {
		if (n == 0)
			die(EXIT_NOCHANNEL, "no remote is up (no /dev/rpmsg_rpc_ctrlN)");
		if (n > 1)
			die_usage("%d remotes are up: choose one with --ctrl", n);
		snprintf(out, cap, "/dev/%.63s", names[0]);
		return;
	}
	if (want[0] == '/') {
		snprintf(out, cap, "%s", want);
		return;
	}
	for (int i = 0; i < n; i++) {
		char p[PATH_MAX], rproc[64] = "", remote[64] = "";

		snprintf(p, sizeof(p), "/sys/class/rpmsg_rpc/%.63s/rproc", names[i]);
		sysfs_read(p, rproc, sizeof(rproc));
		snprintf(p, sizeof(p), "/sys/class/rpmsg_rpc/%.63s/remote", names[i]);
		sysfs_read(p, remote, sizeof(remote));
		if (!strcmp(want, names[i]) || !strcmp(want, names[i] + 14) ||
		    !strcmp(want, rproc) || !strcmp(want, remote)) {
			snprintf(out, cap, "/dev/%.63s", names[i]);
			return;
		}
	}
	die(EXIT_NOCHANNEL, "no remote '%s' is up (see 'rpcctl list')", want);
}

int cmd_create(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ctrl", required_argument, NULL, 'c' },
		{ "announce", no_argument, NULL, 'a' },
		{ "bind-by-name", no_argument, NULL, 'b' },
		{ "src", required_argument, NULL, 'S' },
		{ "dst", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rpmsg_rpc_ept_create cr = {
		.size = sizeof(cr), .src = RPMSG_RPC_ADDR_ANY, .dst = RPMSG_RPC_ADDR_ANY,
	};
	const char *want = NULL;
	char ctrl[PATH_MAX];
	bool json = false;
	int c, fd;

	while ((c = getopt_long(argc, argv, "c:abS:D:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			want = optarg;
			break;
		case 'a':
			cr.flags |= RPMSG_RPC_EPT_F_ANNOUNCE;
			break;
		case 'b':
			cr.flags |= RPMSG_RPC_EPT_F_BIND_BY_NAME;
			break;
		case 'S':
			cr.src = parse_addr(optarg, "--src");
			break;
		case 'D':
			cr.dst = parse_addr(optarg, "--dst");
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			create_usage();
			return EXIT_OK;
		default:
			bad_option();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		die_usage(argc ? "too many arguments" : "NAME is required");
	if (strlen(argv[0]) >= sizeof(cr.name))
		die_usage("NAME '%s' is longer than %zu characters", argv[0], sizeof(cr.name) - 1);
	if ((cr.flags & RPMSG_RPC_EPT_F_BIND_BY_NAME) && cr.dst != RPMSG_RPC_ADDR_ANY)
		die_usage("--bind-by-name and --dst exclude each other");
	snprintf(cr.name, sizeof(cr.name), "%s", argv[0]);
	pick_ctrl(want, ctrl, sizeof(ctrl));
	fd = ctrl_open(ctrl);
	if (fd < 0)
		die_errno(fd == -ENOENT || fd == -ENODEV ? EXIT_NOCHANNEL : EXIT_FAIL, -fd,
			  "cannot open %s", ctrl);
	if (ioctl(fd, RPMSG_RPC_CREATE_EPT, &cr) < 0) {
		int err = errno;

		die_errno(err == EADDRINUSE || err == EADDRNOTAVAIL || err == EINVAL ? EXIT_USAGE :
			  err == ENODEV ? EXIT_GONE : EXIT_FAIL, err,
			  "creating endpoint '%s' on %s", cr.name, ctrl);
	}
	close(fd);
	if (json) {
		printf("{\"node\":\"/dev/rpmsg_rpc%u\",\"index\":%u,\"name\":", cr.index, cr.index);
		json_string(stdout, cr.name, strlen(cr.name));
		printf(",\"src\":%u,\"dst\":", cr.src);
		if (cr.dst == RPMSG_RPC_ADDR_ANY)
			printf("null");
		else
			printf("%u", cr.dst);
		printf(",\"mtu\":%u,\"control\":\"%s\"}\n", cr.mtu, ctrl);
	} else {
		printf("/dev/rpmsg_rpc%u name=%s src=%u dst=", cr.index, cr.name, cr.src);
		if (cr.dst == RPMSG_RPC_ADDR_ANY)
			printf("any");
		else
			printf("%u", cr.dst);
		printf(" mtu=%u\n", cr.mtu);
	}
	return EXIT_OK;
}

/* NODE -> index N; dies on a malformed NODE. */
static uint32_t node_index(const char *node)
{
	const char *p = node;

	if (!strncmp(p, "/dev/", 5))
		p += 5;
	if (!strncmp(p, "rpmsg_rpc", 9) && isdigit((unsigned char)p[9]))
		p += 9;
	if (!isdigit((unsigned char)*p))
		die_usage("'%s' is not an endpoint node (/dev/rpmsg_rpcN, rpmsg_rpcN or N)", node);
	return parse_u32(p, "NODE");
}

static int destroy_one(const char *node)
{
	uint32_t idx = node_index(node);
	struct rpmsg_rpc_ept_destroy d = { .size = sizeof(d), .index = idx };
	char link[PATH_MAX], target[PATH_MAX], *slash;
	ssize_t n;
	int fd;

	/* The endpoint device is a child of its control device. */
	snprintf(link, sizeof(link), "/sys/class/rpmsg_rpc/rpmsg_rpc%u", idx);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		warnmsg("no endpoint rpmsg_rpc%u (see 'rpcctl list')", idx);
		return EXIT_NOCHANNEL;
	}
	target[n] = 0;
	slash = strrchr(target, '/');
	if (slash)
		*slash = 0;
	slash = strrchr(target, '/');
	fd = ctrl_open(slash ? slash + 1 : target);
	if (fd < 0) {
		warnmsg("cannot open the control node of rpmsg_rpc%u: %s", idx, strerror(-fd));
		return EXIT_FAIL;
	}
	if (ioctl(fd, RPMSG_RPC_DESTROY_EPT, &d) < 0) {
		int err = errno;

		close(fd);
		warnmsg("destroying rpmsg_rpc%u: %s", idx, strerror(err));
		return err == ENOENT ? EXIT_NOCHANNEL : err == ENODEV ? EXIT_GONE : EXIT_FAIL;
	}
	close(fd);
	return EXIT_OK;
}

int cmd_destroy(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c != 'h')
			bad_option();
		destroy_usage();
		return EXIT_OK;
	}
	if (optind >= argc)
		die_usage("NODE is required");
	for (int i = optind; i < argc; i++) {
		int r = destroy_one(argv[i]);

		if (r && !rc)
			rc = r;
	}
	return rc;
}
