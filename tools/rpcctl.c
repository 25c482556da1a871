// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl: look at and talk to RPMsg remote processors from the shell.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpcctl.h"

static const struct subcommand commands[] = {
	{ "list", cmd_list, "show remotes, the channels they announced and our endpoints" },
	{ "create", cmd_create, "create an endpoint node through a control node" },
	{ "destroy", cmd_destroy, "destroy an endpoint node" },
	{ "send", cmd_send, "send one frame (fire and forget)" },
	{ "call", cmd_call, "call a method and print the reply" },
	{ "listen", cmd_listen, "print frames as they arrive" },
	{ "serve", cmd_serve, "answer calls by reflecting them (an echo server)" },
	{ "monitor", cmd_monitor, "print remotes, channels and endpoints coming and going" },
	{ "bench", cmd_bench, "measure call latency and throughput" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(void)
{
	printf("Usage: rpcctl [OPTIONS] COMMAND [ARGS]...\n"
	       "Look at and talk to RPMsg remote processors: list what they announced,\n"
	       "create endpoints, send frames, call methods, watch traffic, measure latency.\n"
	       "\n"
	       "Options:\n"
	       "  -h, --help     display this help and exit\n"
	       "  -v, --version  output version information and exit\n"
	       "\n"
	       "Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		printf("  %-9s %s\n", commands[i].name, commands[i].summary);
	printf("\n"
	       "'rpcctl COMMAND --help' describes each command.\n"
	       "\n"
	       "CHANNEL is one of:\n"
	       "  NAME              a channel a remote announced (found the way alp_rpc_open\n"
	       "                    does: the control node of the remote that announced it)\n"
	       "  /dev/rpmsg_rpc_ctrlN, /dev/rpmsg_rpcN\n"
	       "                    a control node of the rpmsg_rpc driver (with --name) or\n"
	       "                    one of its endpoint nodes\n"
	       "  /dev/rpmsgN, /dev/rpmsg_ctrlN\n"
	       "                    upstream rpmsg_char nodes\n"
	       "  unix:PATH, unix:@NAME\n"
	       "                    the AF_UNIX loopback used on a PC without a remote\n"
	       "                    (serve listens there; listen listens there unless a\n"
	       "                    server already does; the other commands connect)\n"
	       "\n"
	       "Exit status:\n"
	       "  0  success\n"
	       "  1  bad option or argument (bad hex, payload larger than a message, ...)\n"
	       "  2  system or transport error, or the peer reported a bad packet\n"
	       "  3  timeout: no reply in time (call), not enough frames in time (listen)\n"
	       "  4  the peer has no such method (call)\n"
	       "  5  the remote went away (crashed, stopped or hung up)\n"
	       "  6  the peer's handler reported a failure (call)\n"
	       "  7  no such channel, node or remote\n"
	       "\n"
	       "Report bugs to the rpmsg-rpc authors.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
			return EXIT_OK;
		case 'v':
			print_version();
			return EXIT_OK;
		default:
			bad_option();
		}
	}
	if (optind >= argc)
		die_usage("a command is required");
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		set_subcommand(commands[i].name);
		argc -= optind;
		argv += optind;
		argv[0] = (char *)prog_name;	/* getopt's messages name the subcommand */
		optind = 0;	/* restart getopt for the subcommand */
		return commands[i].fn(argc, argv);
	}
	die_usage("unknown command '%s'", argv[optind]);
}
