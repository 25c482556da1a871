// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl's messages: errors prefixed with the program name, usage
 * errors, exit codes for librpc statuses, --version.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <alp/rpc_ext.h>

#include "tools-messages.h"

const char *prog_name = "rpcctl";
static char prog_buf[64];

void set_subcommand(const char *name)
{
	snprintf(prog_buf, sizeof(prog_buf), "rpcctl %s", name);
	prog_name = prog_buf;
}

static void vmsg(const char *fmt, va_list ap, int err)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", prog_name);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
	exit(code);
}

void die_errno(int code, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, err);
	va_end(ap);
	exit(code);
}

void warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
}

static void try_help(void)
{
	fprintf(stderr, "try '%s --help'\n", prog_name);
}

void die_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
	try_help();
	exit(EXIT_USAGE);
}

void bad_option(void)
{
	/* getopt_long has already said which option. */
	try_help();
	exit(EXIT_USAGE);
}

void print_version(void)
{
	printf("rpcctl (rpmsg-rpc) %s\n"
	       "Copyright (C) 2026 The rpmsg-rpc authors.\n"
	       "License GPLv2+: GNU GPL version 2 or later <https://gnu.org/licenses/gpl.html>.\n"
	       "This is free software: you are free to change and redistribute it.\n"
	       "There is NO WARRANTY, to the extent permitted by law.\n", RPCCTL_VERSION);
}

int status_exit(alp_status_t st)
{
	switch (st) {
	case ALP_OK:
		return EXIT_OK;
	case ALP_ERR_INVAL:
	case ALP_ERR_MSGSIZE:
		return EXIT_USAGE;
	case ALP_ERR_TIMEOUT:
		return EXIT_TIMEOUT;
	case ALP_ERR_NOMETHOD:
		return EXIT_NOMETHOD;
	case ALP_ERR_NOT_READY:
		return EXIT_GONE;
	case ALP_ERR_REMOTE:
		return EXIT_REMOTE;
	default:
		return EXIT_FAIL;
	}
}

void die_status(alp_status_t st, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", alp_strerror(st));
	exit(status_exit(st));
}
