/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the rpcctl subcommands (not installed): error exits,
 * option parsing, payloads, output formats, opening a CHANNEL.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPCCTL_TOOLS_COMMON_H
#define RPCCTL_TOOLS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <stdnoreturn.h>

#include <alp/rpc.h>
#include <alp/rpc_codec.h>
#include <alp/rpc_ext.h>

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

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
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

/*
 * Block SIGINT, SIGTERM, SIGHUP and SIGUSR1 (fill set with them) so that the
 * main thread takes them synchronously (sigwaitinfo/signalfd); SIGUSR1 is
 * how a callback on the poll thread wakes it.
 */
void block_stop_signals(sigset_t *set);

/* Exit code for a librpc status. */
int status_exit(alp_status_t st);
/* die() for a failed librpc function: "<what>: <alp_strerror>". */
noreturn void die_status(alp_status_t st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Numbers: decimal or 0x hex; die_usage() on anything else. */
uint32_t parse_u32(const char *s, const char *what);
/* An rpmsg address: a number or "any". */
uint32_t parse_addr(const char *s, const char *what);

/* A payload given on the command line. */
struct payload {
	uint8_t *data;
	size_t len;
};
/*
 * DATA: "-" reads stdin, "@FILE" reads a file, otherwise the text itself;
 * with hex the text (or the file/stdin contents) is hex digits, spaces and
 * colons allowed between bytes. NULL arg gives an empty payload.
 */
void payload_from_arg(struct payload *p, const char *arg, bool hex);
void payload_free(struct payload *p);

enum out_format {
	OUT_AUTO,	/* text if printable, else hex */
	OUT_TEXT,
	OUT_HEX,
	OUT_RAW,	/* the bytes as they are, no newline */
};
enum out_format parse_out_format(const char *s);
bool is_printable(const uint8_t *p, size_t len);
void print_payload(FILE *f, const uint8_t *p, size_t len, enum out_format fmt);
void print_hex(FILE *f, const uint8_t *p, size_t len);
/* A JSON string literal (quotes included) of len bytes. */
void json_string(FILE *f, const void *s, size_t len);
/* "payload" as JSON members: "text" when printable, always "hex". */
void json_payload(FILE *f, const uint8_t *p, size_t len);
/*
 * One received message as a line: time, method, kind (call frames), length,
 * payload; or one JSON object.
 */
void print_frame(FILE *f, const uint8_t *msg, size_t len, enum out_format fmt, bool json);
/* Wall-clock "HH:MM:SS.mmm" of now. */
void timestamp(char *buf, size_t cap);
uint64_t now_ns(void);

/* ---- opening a CHANNEL ------------------------------------------------- */

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
/*
 * Open CHANNEL: a name (discovered like alp_rpc_open() does), a node path
 * (/dev/rpmsg_rpc_ctrlN, /dev/rpmsg_rpcN, /dev/rpmsgN, /dev/rpmsg_ctrlN,
 * rpmsg_rpc:PATH, rpmsg_char:PATH) or a unix:PATH / unix-listen:PATH
 * address. server: unix:PATH listens instead of connecting. Dies with a
 * message saying what failed and why.
 */
alp_rpc_channel_t *chan_open(const char *channel, const struct chan_opts *o, bool server);
/* Whether the last chan_open() used an existing endpoint node's fd, which
 * cannot come back once the remote is gone. */
extern bool chan_no_reconnect;

/* ---- a unix: server without librpc ------------------------------------ */

/*
 * Accepts peers one at a time on a unix:SPEC address (a path or @abstract)
 * and hands every message to on_msg. Used by serve and listen instead of a
 * librpc unix-listen: channel, whose callbacks can only be installed once
 * its poll thread already runs: a peer that sends right after connecting
 * would lose its first message.
 */
struct unix_server {
	void (*on_msg)(const void *msg, size_t len, void *user);
	void (*on_peer)(bool up, void *user);	/* optional: peer came / hung up */
	bool (*done)(void *user);		/* optional: checked after SIGUSR1 */
	void *user;
	bool quiet;		/* no "serving ..." line */
	int conn;		/* the current peer, for replies; -1 if none */
};
/*
 * Serve until a signal of set other than SIGUSR1 arrives (set must be
 * blocked), done() is true, or deadline_ns (CLOCK_MONOTONIC, 0 = none)
 * passes. Returns 0, or 1 when the deadline passed. Dies on setup errors.
 */
int unix_serve(struct unix_server *u, const char *spec, const sigset_t *set,
	       uint64_t deadline_ns);

/*
 * The same for a connected message fd we read ourselves (an existing
 * endpoint node: its queued messages are there before any librpc callback
 * could be installed). Returns 0 (signal or done), 1 (deadline) or 2 (the
 * fd hung up: the remote went away).
 */
int fd_serve(struct unix_server *u, int fd, const sigset_t *set, uint64_t deadline_ns);
/* If channel is an existing endpoint node (/dev/rpmsg_rpcN), open it; else -1. */
int ept_node_open(const char *channel);

/* ---- our driver's control nodes (list, create, destroy) -------------- */

#include <linux/rpmsg_rpc.h>

/* Whether our driver is loaded. */
bool driver_loaded(void);
/*
 * The control devices' names ("rpmsg_rpc_ctrlN"), sorted by N; returns how
 * many (at most max). Their nodes are /dev/NAME.
 */
int ctrl_names(char (*names)[64], int max);
/* Open /dev/NAME (or a path) read-write; -errno on failure. */
int ctrl_open(const char *name_or_path);
/*
 * The channels a remote announced / our endpoints on it, in a malloc()ed
 * array (*out, free it); returns the count or -errno.
 */
int ctrl_channels(int fd, struct rpmsg_rpc_channel **out);
int ctrl_endpoints(int fd, struct rpmsg_rpc_ept_info **out);
/* One line of sysfs (newline stripped) into buf; -errno on failure. */
int sysfs_read(const char *path, char *buf, size_t cap);

#endif /* RPCCTL_TOOLS_COMMON_H */
