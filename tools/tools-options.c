// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl's option values: numbers, addresses, timeouts, output formats
 * and the options every channel subcommand takes.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <alp/rpc_codec.h>

#include "tools-messages.h"
#include "tools-options.h"

uint32_t parse_u32(const char *s, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end || *s == '-' || v > UINT32_MAX)
		die_usage("%s: '%s' is not a number from 0 to %u", what, s, UINT32_MAX);
	return (uint32_t)v;
}

uint32_t parse_addr(const char *s, const char *what)
{
	return strcmp(s, "any") ? parse_u32(s, what) : ADDR_ANY;
}

enum out_format parse_out_format(const char *s)
{
	static const char *const names[] = { "auto", "text", "hex", "raw" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (enum out_format)i;
	die_usage("--output: '%s' is not one of auto, text, hex, raw", s);
}

void chan_opts_init(struct chan_opts *o, uint32_t framing)
{
	memset(o, 0, sizeof(*o));
	o->src = ADDR_ANY;
	o->framing = framing;
	o->wait_ms = 5000;
}

bool chan_opt(struct chan_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'N':
		if (alp_rpc_method_len(arg) < 0)
			die_usage("--name: '%s' is not a valid name ([A-Za-z0-9_.-], 1 to 31 characters)",
				  arg);
		o->name = arg;
		return true;
	case 'S':
		o->src = parse_addr(arg, "--src");
		return true;
	case 'D':
		o->dst = parse_addr(arg, "--dst");
		if (o->dst == ADDR_ANY)
			o->dst = 0;
		return true;
	case 'F':
		if (!strcmp(arg, "text"))
			o->framing = ALP_RPC_FRAMING_TEXT;
		else if (!strcmp(arg, "call"))
			o->framing = ALP_RPC_FRAMING_CALL;
		else
			die_usage("--framing: '%s' is not text or call", arg);
		o->framing_set = true;
		return true;
	case 'w':
		o->wait_ms = parse_u32(arg, "--wait");
		return true;
	default:
		return false;
	}
}


uint32_t parse_timeout(const char *s, const char *what)
{
	uint32_t v;

	if (!strcmp(s, "forever"))
		return UINT32_MAX;
	v = parse_u32(s, what);
	if (!v)
		die_usage("%s: 0 would not wait at all; give milliseconds, or 'forever'", what);
	return v;
}
