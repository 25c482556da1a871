/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpcctl's option values and the channel options (tools-options.c).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPCCTL_TOOLS_OPTIONS_H
#define RPCCTL_TOOLS_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include <alp/rpc.h>

/* Numbers: decimal or 0x hex; die_usage() on anything else. */
uint32_t parse_u32(const char *s, const char *what);
/* An rpmsg address: a number or "any". */
uint32_t parse_addr(const char *s, const char *what);
/*
 * A --timeout in ms for librpc: a positive number, or "forever"
 * (UINT32_MAX). 0 is refused: the library would not wait at all, which no
 * command wants, and rpcctl once read it as "forever".
 */
uint32_t parse_timeout(const char *s, const char *what);

enum out_format {
	OUT_AUTO,	/* text if printable, else hex */
	OUT_TEXT,
	OUT_HEX,
	OUT_RAW,	/* the bytes as they are, no newline */
};
enum out_format parse_out_format(const char *s);

struct chan_opts {
	const char *name;	/* --name: endpoint name when CHANNEL is not a name */
	uint32_t src;		/* --src, RPMSG address; ANY by default */
	uint32_t dst;		/* --dst; 0 = bind by name / default */
	uint32_t framing;	/* ALP_RPC_FRAMING_* */
	uint32_t wait_ms;	/* --wait: how long to wait for the channel */
	bool framing_set;
	bool paused;		/* open ALP_RPC_OPEN_PAUSED: the caller resumes */
};

#define ADDR_ANY 0xffffffffu

/* Long options every channel subcommand takes, and their short letters. */
#define CHAN_SHORTOPTS "N:S:D:F:w:"
#define CHAN_LONGOPTS \
	{ "name", required_argument, NULL, 'N' }, \
	{ "src", required_argument, NULL, 'S' }, \
	{ "dst", required_argument, NULL, 'D' }, \
	{ "framing", required_argument, NULL, 'F' }, \
	{ "wait", required_argument, NULL, 'w' }
#define CHAN_HELP \
"  -N, --name=NAME       endpoint name when CHANNEL is a node or unix: address\n" \
"                        (default: rpcctl)\n" \
"  -S, --src=ADDR        our rpmsg address (default: any free one)\n" \
"  -D, --dst=ADDR        the remote's address (default: the one the remote\n" \
"                        announced for the channel's name)\n" \
"  -w, --wait=MS         how long to wait for the channel to appear\n" \
"                        (default 5000)\n" \
"  -F, --framing=KIND    text (<method>\\0<payload>) or call (binary call frames\n" \
"                        with request ids and statuses)\n"

void chan_opts_init(struct chan_opts *o, uint32_t framing);
/* Handle one of the CHAN_LONGOPTS; false if c is not one of them. */
bool chan_opt(struct chan_opts *o, int c, const char *arg);

#endif /* RPCCTL_TOOLS_OPTIONS_H */
