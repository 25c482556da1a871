// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Payloads given on the command line: text, @FILE, standard input, hex.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools-frag.h"
#include "tools-messages.h"
#include "tools-payload.h"

static void read_all(FILE *f, const char *what, struct payload *p)
{
	size_t cap = 4096;
	size_t n;

	p->data = malloc(cap);
	p->len = 0;
	if (!p->data)
		die_errno(EXIT_FAIL, ENOMEM, "reading %s", what);
	while ((n = fread(p->data + p->len, 1, cap - p->len, f)) > 0) {
		p->len += n;
		if (p->len == cap) {
			uint8_t *d;

			/* More than any message takes (TOOLS_MAX_MSG, tools-frag.h). */
			if (cap >= TOOLS_MAX_MSG)
				die(EXIT_USAGE, "%s: more than 1 MiB of payload", what);
			d = realloc(p->data, cap * 2);
			if (!d)
				die_errno(EXIT_FAIL, ENOMEM, "reading %s", what);
			p->data = d;
			cap *= 2;
		}
	}
	if (ferror(f))
		die_errno(EXIT_FAIL, errno, "reading %s", what);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Turn hex text in p into bytes, in place. */
static void unhex(struct payload *p, const char *what)
{
	size_t out = 0, digits = 0;
	int hi = 0;

	for (size_t i = 0; i < p->len; i++) {
		int c = p->data[i], v;

		if (c == ' ' || c == ':' || c == '\n' || c == '\t' || c == '\r') {
			if (digits % 2)
				die_usage("bad hex in %s: lone digit before offset %zu", what, i);
			continue;
		}
		v = hexval(c);
		if (v < 0)
			die_usage(isprint(c) ? "bad hex in %s: '%c' at offset %zu is not a hex digit" :
					       "bad hex in %s: byte 0x%02x at offset %zu is not a hex digit",
				  what, c, i);
		if (digits++ % 2 == 0) {
			hi = v;
		} else {
			p->data[out++] = (uint8_t)(hi << 4 | v);
		}
	}
	if (digits % 2)
		die_usage("bad hex in %s: odd number of hex digits", what);
	p->len = out;
}

void payload_from_arg(struct payload *p, const char *arg, bool hex)
{
	const char *what = "DATA";

	if (!arg) {
		p->data = NULL;
		p->len = 0;
		return;
	}
	if (!strcmp(arg, "-")) {
		what = "standard input";
		read_all(stdin, what, p);
	} else if (arg[0] == '@') {
		FILE *f = fopen(arg + 1, "rb");

		if (!f)
			die_errno(EXIT_USAGE, errno, "cannot open payload file '%s'", arg + 1);
		what = arg + 1;
		read_all(f, what, p);
		fclose(f);
	} else {
		p->len = strlen(arg);
		p->data = malloc(p->len + 1);
		if (!p->data)
			die_errno(EXIT_FAIL, ENOMEM, "payload");
		memcpy(p->data, arg, p->len + 1);
	}
	if (hex)
		unhex(p, what);
}

void payload_free(struct payload *p)
{
	free(p->data);
	p->data = NULL;
	p->len = 0;
}

