// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl call: call a method, print the reply; the exit status says how
 * the call ended.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpcctl.h"

static void usage(void)
{
	printf("Usage: rpcctl call [OPTIONS] CHANNEL METHOD [DATA]\n"
	       "Call METHOD on CHANNEL with DATA as the request and print the reply.\n"
	       "DATA is text, '@FILE' for a file's contents, '-' for standard input;\n"
	       "none means an empty request.\n"
	       "\n"
	       "Options:\n"
	       "  -t, --timeout=MS      how long to wait for the reply (default 1000;\n"
	       "                        'forever' waits without limit; 0 is refused: the\n"
	       "                        library would not wait at all)\n"
	       "  -x, --hex             DATA is hex digits (spaces and colons allowed)\n"
	       "  -O, --output=FORMAT   auto (text if printable, else hex), text, hex or\n"
	       "                        raw (the bytes, no newline); default auto\n"
	       "  -j, --json            print the result as one JSON object\n"
	       CHAN_HELP
	       "                        (default for call: call, so that the peer can answer\n"
	       "                        'no such method'; text waits for a frame with the\n"
	       "                        same method, as alp_rpc_call does)\n"
	       "  -h, --help            display this help and exit\n"
	       "\n"
	       "Exit status: 0 reply printed, 1 bad argument or payload larger than the\n"
	       "channel takes, 2 transport error or bad packet, 3 no reply in time, 4 no such method,\n"
	       "5 the remote went away, 6 the peer's handler failed, 7 no such channel.\n");
}

static const char *status_name(alp_status_t st)
{
	switch (st) {
	case ALP_OK:
		return "ok";
	case ALP_ERR_TIMEOUT:
		return "timeout";
	case ALP_ERR_NOMETHOD:
		return "no-method";
	case ALP_ERR_NOT_READY:
		return "remote-gone";
	case ALP_ERR_REMOTE:
		return "remote-failed";
	case ALP_ERR_PROTO:
		return "bad-packet";
	case ALP_ERR_MSGSIZE:
		return "too-large";
	default:
		return "error";
	}
}

/* The diagnostic a peer sent with its error status, for a message. */
static void format_detail(char *out, size_t cap, const uint8_t *p, size_t len)
{
	size_t n = 0;

	if (is_printable(p, len)) {
		snprintf(out, cap, "%.*s", (int)(len < 200 ? len : 200), (const char *)p);
		for (char *c = out; *c; c++)
			if (*c == '\n' || *c == '\t')
				*c = ' ';
		return;
	}
	for (size_t i = 0; i < len && i < 64 && n + 3 < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%02x", p[i]);
	if (len > 64 && n + 4 < cap)
		snprintf(out + n, cap - n, "...");
}

int cmd_call(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "hex", no_argument, NULL, 'x' },
		{ "output", required_argument, NULL, 'O' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CHAN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	enum out_format fmt = OUT_AUTO;
	/* As large as any message serve and listen take (tools-frag.h): replies in fragments too. */
	uint8_t *resp = malloc(TOOLS_MAX_MSG);
	size_t resp_len = TOOLS_MAX_MSG;
	uint32_t timeout = 1000;
	bool hex = false, json = false;
	struct chan_opts co;
	struct payload p;
	alp_rpc_channel_t *ch;
	alp_status_t st;
	uint64_t t0, t1;
	int c;

	if (!resp)
		die_errno(EXIT_FAIL, ENOMEM, "call");
	chan_opts_init(&co, ALP_RPC_FRAMING_CALL);
	while ((c = getopt_long(argc, argv, "t:xO:jh" CHAN_SHORTOPTS, longopts, NULL)) != -1) {
		if (chan_opt(&co, c, optarg))
			continue;
		switch (c) {
		case 't':
			timeout = parse_timeout(optarg, "--timeout");
			break;
		case 'x':
			hex = true;
			break;
		case 'O':
			fmt = parse_out_format(optarg);
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
	if (argc < 2)
		die_usage("CHANNEL and METHOD are required");
	if (argc > 3)
		die_usage("too many arguments");
	if (alp_rpc_method_len(argv[1]) < 0)
		die_usage("'%s' is not a valid method name ([A-Za-z0-9_.-], 1 to 31 characters)",
			  argv[1]);
	payload_from_arg(&p, argc > 2 ? argv[2] : NULL, hex);
	ch = chan_open(argv[0], &co, false);
	t0 = now_ns();
	st = alp_rpc_call(ch, argv[1], p.data, p.len, resp, &resp_len, timeout);
	t1 = now_ns();
	if (json) {
		printf("{\"channel\":");
		json_string(stdout, argv[0], strlen(argv[0]));
		printf(",\"method\":");
		json_string(stdout, argv[1], strlen(argv[1]));
		printf(",\"status\":\"%s\",\"elapsed_us\":%llu", status_name(st),
		       (unsigned long long)((t1 - t0) / 1000));
		if (st == ALP_OK) {
			printf(",\"reply\":{");
			json_payload(stdout, resp, resp_len);
			printf("}");
		} else {
			printf(",\"error\":");
			json_string(stdout, alp_strerror(st), strlen(alp_strerror(st)));
			if (resp_len) {
				printf(",\"detail\":{");
				json_payload(stdout, resp, resp_len);
				printf("}");
			}
		}
		printf("}\n");
	} else if (st == ALP_OK) {
		print_payload(stdout, resp, resp_len, fmt);
	}
	/*
	 * A peer status with the peer's own words (an error frame's payload;
	 * with ALP_ERR_MSGSIZE, the peer's TOO_LARGE: a length within resp,
	 * since a reply too large for resp reports more than resp holds).
	 */
	if (st && resp_len && (st != ALP_ERR_MSGSIZE || resp_len <= TOOLS_MAX_MSG)) {
		/* a peer status with the peer's own words: show them */
		char why[256];

		format_detail(why, sizeof(why), resp, resp_len);
		die(status_exit(st), "%s on %s: %s: %s", argv[1], argv[0], alp_strerror(st), why);
	}
	if (st == ALP_ERR_MSGSIZE && resp_len > TOOLS_MAX_MSG)
		die(EXIT_FAIL, "%s on %s: the %zu-byte reply is larger than rpcctl takes (%u)",
		    argv[1], argv[0], resp_len, TOOLS_MAX_MSG);
	if (st == ALP_ERR_MSGSIZE)
		die(EXIT_USAGE, "%zu-byte request does not fit: at most %zu bytes per message on %s, "
		    "framing included (MTU %zu; larger ones in fragments, if the peer takes them)",
		    p.len, alp_rpc_max_msg(ch), argv[0], alp_rpc_mtu(ch));
	if (st == ALP_ERR_TIMEOUT)
		die(EXIT_TIMEOUT, "%s on %s: no reply within %u ms", argv[1], argv[0], timeout);
	if (st == ALP_ERR_NOT_READY)
		die(EXIT_GONE, "%s on %s: the remote went away before replying", argv[1], argv[0]);
	if (st)
		die_status(st, "%s on %s", argv[1], argv[0]);
	alp_rpc_close(ch);
	payload_free(&p);
	free(resp);
	return EXIT_OK;
}
