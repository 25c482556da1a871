/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpcctl's messages and exit codes (tools-messages.c).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPCCTL_TOOLS_MESSAGES_H
#define RPCCTL_TOOLS_MESSAGES_H

#include <stdnoreturn.h>

#include <alp/rpc.h>

#ifndef RPCCTL_VERSION
#define RPCCTL_VERSION "0.0"
#endif

/*
 * Exit codes, the same for every subcommand (documented in rpcctl --help,
 * docs/rpcctl.md and the man page).
 */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,		/* bad option or argument, bad hex, payload too large */
	EXIT_FAIL = 2,		/* system or transport error, bad packet */
	EXIT_TIMEOUT = 3,	/* no reply / not enough frames in time */
	EXIT_NOMETHOD = 4,	/* the peer has no such method */
	EXIT_GONE = 5,		/* the remote went away (crash, stop, hang-up) */
	EXIT_REMOTE = 6,	/* the peer's handler reported a failure */
	EXIT_NOCHANNEL = 7,	/* no such channel, node or remote */
};

/* "rpcctl" or "rpcctl SUBCOMMAND": prefix of every message. */
extern const char *prog_name;
void set_subcommand(const char *name);

noreturn void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* die() with ": <strerror(err)>" appended; err is a positive errno. */
noreturn void die_errno(int code, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A bad option or argument: message, then "try 'rpcctl CMD --help'", exit 1. */
noreturn void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The standard reaction to an unknown option from getopt_long. */
noreturn void bad_option(void);
void print_version(void);

/* Exit code for a librpc status. */
int status_exit(alp_status_t st);
/* die() for a failed librpc function: "<what>: <alp_strerror>". */
noreturn void die_status(alp_status_t st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* RPCCTL_TOOLS_MESSAGES_H */
