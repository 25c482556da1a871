// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl send: one frame, fire and forget.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "rpcctl.h"

static void usage(void)
{
	printf("Usage: rpcctl send [OPTIONS] CHANNEL METHOD [DATA]\n"
	       "  or:  rpcctl send --raw [OPTIONS] CHANNEL [DATA]\n"
	       "Send one frame to CHANNEL and return once the transport took it.\n"
	       "DATA is the payload: text, '@FILE' for a file's contents, '-' for\n"
	       "standard input; none means an empty payload.\n"
	       "\n"
	       "Options:\n"
	       "  -x, --hex             DATA is hex digits (spaces and colons allowed)\n"
	       "  -r, --raw             send DATA as is, without a frame (no METHOD)\n"
	       CHAN_HELP
	       "                        (default for send: text, what alp_rpc_send does)\n"
	       "  -h, --help            display this help and exit\n"
	       "\n"
	       "Exit status: 0 sent, 1 bad argument or payload larger than the channel\n"
	       "takes (the MTU with text framing or --raw),\n"
	       "5 the remote is not there, 7 no such channel (see 'rpcctl --help').\n");
}

int cmd_send(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "hex", no_argument, NULL, 'x' },
		{ "raw", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		CHAN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct chan_opts co;
	struct payload p;
	bool hex = false, raw = false;
	const char *method = NULL, *data;
	alp_rpc_channel_t *ch;
	alp_status_t st;
	int c;

	chan_opts_init(&co, ALP_RPC_FRAMING_TEXT);
	while ((c = getopt_long(argc, argv, "xrh" CHAN_SHORTOPTS, longopts, NULL)) != -1) {
		if (chan_opt(&co, c, optarg))
			continue;
		switch (c) {
		case 'x':
			hex = true;
			break;
		case 'r':
			raw = true;
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
	if (argc < (raw ? 1 : 2))
		die_usage(raw ? "CHANNEL is required" : "CHANNEL and METHOD are required");
	if (argc > (raw ? 2 : 3))
		die_usage("too many arguments");
	if (!raw) {
		method = argv[1];
		if (alp_rpc_method_len(method) < 0)
			die_usage("'%s' is not a valid method name ([A-Za-z0-9_.-], 1 to 31 characters)",
				  method);
	}
	data = argc > (raw ? 1 : 2) ? argv[raw ? 1 : 2] : NULL;
	payload_from_arg(&p, data, hex);
	if (raw && !p.len)
		die_usage("--raw needs a non-empty DATA");
	if (raw)
		co.framing = ALP_RPC_FRAMING_RAW;
	ch = chan_open(argv[0], &co, false);
	st = raw ? alp_rpc_send_raw(ch, p.data, p.len) : alp_rpc_send(ch, method, p.data, p.len);
	if (st == ALP_ERR_MSGSIZE && raw)
		die(EXIT_USAGE, "%zu-byte payload does not fit in one message (MTU %zu bytes, "
		    "framing included)", p.len, alp_rpc_mtu(ch));
	if (st == ALP_ERR_MSGSIZE)
		die(EXIT_USAGE, "%zu-byte payload does not fit: at most %zu bytes per message on %s, "
		    "framing included (MTU %zu; larger ones in fragments, if the peer takes them)",
		    p.len, alp_rpc_max_msg(ch), argv[0], alp_rpc_mtu(ch));
	if (st)
		die_status(st, "sending to %s", argv[0]);
	alp_rpc_close(ch);
	payload_free(&p);
	return EXIT_OK;
}
