// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl create / destroy: endpoint nodes through a control node, with
 * librpc's device level (<alp/rpc_device.h>).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <alp/rpc_device.h>

#include "rpcctl.h"

static void create_usage(void)
{
	printf("Usage: rpcctl create [OPTIONS] NAME\n"
	       "Create an endpoint called NAME on a remote, with a node /dev/rpmsg_rpcN that\n"
	       "stays until 'rpcctl destroy' (or until the remote goes away). Prints the\n"
	       "node, then its name, addresses and MTU.\n"
	       "\n"
	       "Options:\n"
	       "      --ctrl=CTRL       the remote: a control node (/dev/rpmsg_rpc_ctrlN,\n"
	       "                        rpmsg_rpc_ctrlN, N) or a remoteproc (remoteprocN or\n"
	       "                        its name); default: the only control node. Long\n"
	       "                        only: -c means --count in every command\n"
	       "  -a, --announce        tell the remote about the endpoint (name service)\n"
	       "  -b, --bind-by-name    take the destination from the remote's announcement\n"
	       "                        of NAME\n"
	       "  -S, --src=ADDR        our address (default: any free one)\n"
	       "  -D, --dst=ADDR        the remote's address (default: none)\n"
	       "  -j, --json            print the endpoint as one JSON object\n"
	       "  -h, --help            display this help and exit\n"
	       "\n"
	       "NAME: letters, digits and . _ - : @, at most 31 characters.\n"
	       "\n"
	       "Exit status: 0 created, 1 bad argument or refused by the driver (address in\n"
	       "use or reserved, bad name), 2 other failure, 5 the remote went away,\n"
	       "7 no such remote.\n");
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

/* The remote for --ctrl (or the only one); dies if none. */
static void pick_remote(const char *want, alp_rpc_dev_remote_t *r)
{
	alp_status_t st;

	if (!(alp_rpc_dev_backends(tools_dev()) & (1u << ALP_RPC_DEV_BACKEND_RPMSG_RPC)))
		die(EXIT_NOCHANNEL, "the rpmsg_rpc driver is not loaded (modprobe rpmsg_rpc)");
	r->size = sizeof(*r);
	st = alp_rpc_dev_find_remote(tools_dev(), want, r);
	if (st == ALP_ERR_INVAL)
		die_usage("several remotes are up: choose one with --ctrl");
	if (st || r->backend != ALP_RPC_DEV_BACKEND_RPMSG_RPC) {
		if (!want)
			die(EXIT_NOCHANNEL, "no remote is up (no /dev/rpmsg_rpc_ctrlN)");
		die(EXIT_NOCHANNEL, "no remote '%s' is up (see 'rpcctl list')", want);
	}
}

int cmd_create(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ctrl", required_argument, NULL, 'C' },
		{ "announce", no_argument, NULL, 'a' },
		{ "bind-by-name", no_argument, NULL, 'b' },
		{ "src", required_argument, NULL, 'S' },
		{ "dst", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	alp_rpc_dev_ept_config_t cfg = {
		.size = sizeof(cfg), .src = ALP_RPC_DEV_ADDR_ANY, .dst = ALP_RPC_DEV_ADDR_ANY,
		.backend = ALP_RPC_DEV_BACKEND_RPMSG_RPC,
	};
	alp_rpc_dev_endpoint_t ep = { .size = sizeof(ep) };
	alp_rpc_dev_remote_t r;
	const char *want = NULL;
	bool json = false;
	int c;

	/* 'C' is not a short option: --ctrl is long only. */
	while ((c = getopt_long(argc, argv, "abS:D:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			want = optarg;
			break;
		case 'a':
			cfg.flags |= ALP_RPC_DEV_EPT_F_ANNOUNCE;
			break;
		case 'b':
			cfg.flags |= ALP_RPC_DEV_EPT_F_BIND_BY_NAME;
			break;
		case 'S':
			cfg.src = parse_addr(optarg, "--src");
			break;
		case 'D':
			cfg.dst = parse_addr(optarg, "--dst");
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
	if (strlen(argv[0]) >= ALP_RPC_DEV_NAME_MAX)
		die_usage("NAME '%s' is longer than %d characters", argv[0], ALP_RPC_DEV_NAME_MAX - 1);
	if ((cfg.flags & ALP_RPC_DEV_EPT_F_BIND_BY_NAME) && cfg.dst != ALP_RPC_DEV_ADDR_ANY)
		die_usage("--bind-by-name and --dst exclude each other");
	cfg.name = argv[0];
	pick_remote(want, &r);
	if (alp_rpc_dev_ept_create(tools_dev(), r.control, &cfg, &ep)) {
		int err = errno;

		die_errno(err == EADDRINUSE || err == EADDRNOTAVAIL || err == EINVAL ? EXIT_USAGE :
			  err == ENODEV ? EXIT_GONE : err == ENOENT ? EXIT_NOCHANNEL : EXIT_FAIL, err,
			  "creating endpoint '%s' on %s", cfg.name, r.control);
	}
	if (json) {
		printf("{\"node\":\"%s\",\"index\":%u,\"name\":", ep.node, ep.index);
		json_string(stdout, ep.name, strlen(ep.name));
		printf(",\"src\":%u,\"dst\":", ep.src);
		if (ep.dst == ALP_RPC_DEV_ADDR_ANY)
			printf("null");
		else
			printf("%u", ep.dst);
		printf(",\"mtu\":%u,\"control\":\"%s\"}\n", ep.mtu, r.control);
	} else {
		printf("%s name=%s src=%u dst=", ep.node, ep.name, ep.src);
		if (ep.dst == ALP_RPC_DEV_ADDR_ANY)
			printf("any");
		else
			printf("%u", ep.dst);
		printf(" mtu=%u\n", ep.mtu);
	}
	return EXIT_OK;
}

static int destroy_one(const char *node)
{
	int err;

	if (alp_rpc_dev_ept_destroy(tools_dev(), node) == ALP_OK)
		return EXIT_OK;
	err = errno;
	if (alp_last_error() == ALP_ERR_INVAL && err == EINVAL)
		die_usage("'%s' is not an endpoint node (/dev/rpmsg_rpcN, rpmsg_rpcN or N)", node);
	if (err == ENOENT) {
		const char *base = strrchr(node, '/') ? strrchr(node, '/') + 1 : node;

		warnmsg("no endpoint %s%s (see 'rpcctl list')",
			strncmp(base, "rpmsg", 5) ? "rpmsg_rpc" : "", base);
		return EXIT_NOCHANNEL;
	}
	warnmsg("destroying %s: %s", node, strerror(err));
	return err == ENODEV ? EXIT_GONE : EXIT_FAIL;
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
