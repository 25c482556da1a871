// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl listen: print frames as they arrive.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * The channel is opened in raw mode and every message is decoded here, so
 * that requests are shown rather than answered "no such method" by librpc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <alp/rpc_codec.h>

#include "rpcctl.h"

struct listen {
	char **methods;		/* filter; NULL = every frame */
	int n_methods;
	enum out_format fmt;
	bool json;
	unsigned long count;	/* 0 = no limit */
	atomic_ulong seen;
	pthread_t main_thread;
	/* Fragments put back together; alp.caps answered through one of these: */
	struct frag_peer fp;
	alp_rpc_channel_t *ch;		/* the librpc channel, or */
	struct unix_server *srv;	/* the peer we read ourselves */
};

static void usage(void)
{
	printf("Usage: rpcctl listen [OPTIONS] CHANNEL [METHOD]...\n"
	       "Print the frames that arrive on CHANNEL (only those of the METHODs given,\n"
	       "if any) until interrupted, or until --count frames arrived. Each line:\n"
	       "time, method, call kind and id (call frames), length, payload.\n"
	       "When the remote goes away (crash, stop), a note goes to standard error\n"
	       "and listening goes on once the remote is back.\n"
	       "On unix:PATH it connects to the server listening there; if none does, it\n"
	       "listens there itself and accepts senders one at a time (as on\n"
	       "unix-listen:PATH, which always listens). With --hello or --exit-on-loss it\n"
	       "always connects (waiting --wait for the server).\n"
	       "\n"
	       "Options:\n"
	       "  -c, --count=N         exit after N frames\n"
	       "  -t, --timeout=MS      stop after MS milliseconds; exit 3 if --count\n"
	       "                        frames did not arrive by then ('forever' is the\n"
	       "                        default, 0 is refused)\n"
	       "  -H, --hello=METHOD    send an empty METHOD frame once open and after every\n"
	       "                        reconnection (for peers that learn their listeners\n"
	       "                        from the first message they receive)\n"
	       "  -e, --exit-on-loss    exit (status 5) when the remote goes away\n"
	       "  -O, --output=FORMAT   payload as auto, text, hex or raw (default auto)\n"
	       "  -j, --json            one JSON object per frame (time, framing, kind,\n"
	       "                        method, id, status, len, hex, text if printable)\n"
	       CHAN_HELP
	       "                        (listen shows both framings; this sets the hello's)\n"
	       "  -h, --help            display this help and exit\n"
	       "\n"
	       "Exit status: 0 interrupted or --count reached, 1 bad argument, 3 timeout,\n"
	       "5 the remote went away (--exit-on-loss), 7 no such channel.\n");
}

static bool wanted(const struct listen *l, const uint8_t *msg, size_t len)
{
	struct alp_rpc_frame f;

	if (!l->n_methods)
		return true;
	if (alp_rpc_frame_decode(msg, len, &f))
		return false;
	for (int i = 0; i < l->n_methods; i++)
		if (!strcmp(l->methods[i], f.method))
			return true;
	return false;
}

/* frag_send_fn: to the peer, whichever way listen reads it. */
static int listen_send(const void *buf, size_t len, void *arg)
{
	struct listen *l = arg;
	ssize_t w;

	if (l->ch)
		return alp_rpc_send_raw(l->ch, buf, len) == ALP_OK ? 0 : -EIO;
	if (!l->srv || l->srv->conn < 0)
		return -ENOTCONN;
	w = send(l->srv->conn, buf, len, MSG_NOSIGNAL);
	if (w < 0 && errno == ENOTSOCK)	/* an endpoint node */
		w = write(l->srv->conn, buf, len);
	return w < 0 ? -errno : 0;
}

static void on_msg(const void *data, size_t len, void *user)
{
	struct listen *l = user;
	const uint8_t *msg = frag_peer_in(&l->fp, data, &len);
	struct alp_rpc_frame f;
	unsigned long n;

	if (!msg)
		return;		/* a fragment: the message is shown once it is whole */
	/* A sender asking whether we take large messages: yes (not shown). */
	if (alp_rpc_frame_decode(msg, len, &f) == 0 && frag_peer_caps(&l->fp, &f, listen_send, l))
		return;
	if (!wanted(l, msg, len))
		return;
	if (l->count && atomic_load(&l->seen) >= l->count)
		return;
	print_frame(stdout, msg, len, l->fmt, l->json);
	fflush(stdout);
	n = atomic_fetch_add(&l->seen, 1) + 1;
	if (l->count && n == l->count)
		pthread_kill(l->main_thread, SIGUSR1);
}

static bool listen_done(void *user)
{
	struct listen *l = user;

	return l->count && atomic_load(&l->seen) >= l->count;
}

static void on_peer(bool up, void *user)
{
	struct listen *l = user;

	frag_peer_reset(&l->fp);	/* a new peer tells its own capability */
	warnmsg(up ? "a peer connected" :
		"the remote went away; waiting for it to come back");
}

/* unix-listen: accept senders one at a time (see struct unix_server). */
static int listen_unix(struct listen *l, const char *spec, const sigset_t *set,
		       uint32_t timeout)
{
	struct unix_server u = {
		.on_msg = on_msg, .on_peer = on_peer, .done = listen_done, .user = l,
		.quiet = true,
	};

	l->srv = &u;

	if (unix_serve(&u, spec, set, timeout ? now_ns() + (uint64_t)timeout * 1000000u : 0) &&
	    l->count) {
		warnmsg("%lu of %lu frames arrived within %u ms",
			(unsigned long)atomic_load(&l->seen), l->count, timeout);
		return EXIT_TIMEOUT;
	}
	return EXIT_OK;
}

static long encode_hello(uint8_t *buf, size_t cap, const char *method, uint32_t framing)
{
	return framing == ALP_RPC_FRAMING_CALL ?
	       alp_rpc_frame_encode_call(buf, cap, ALP_RPC_KIND_ONEWAY, 0, 0, method, NULL, 0) :
	       alp_rpc_frame_encode_text(buf, cap, method, NULL, 0);
}

static alp_status_t send_hello(alp_rpc_channel_t *ch, const char *method, uint32_t framing)
{
	uint8_t buf[64];
	long n = encode_hello(buf, sizeof(buf), method, framing);

	return n < 0 ? ALP_ERR_INVAL : alp_rpc_send_raw(ch, buf, (size_t)n);
}

/* An existing endpoint node, read directly (see struct unix_server). */
static int listen_node(struct listen *l, int fd, const char *node, const char *hello,
		       uint32_t framing, const sigset_t *set, uint32_t timeout)
{
	struct unix_server u = { .on_msg = on_msg, .done = listen_done, .user = l, .quiet = true };
	uint8_t buf[64];
	int rc;

	u.conn = fd;
	l->srv = &u;

	if (hello) {
		long n = encode_hello(buf, sizeof(buf), hello, framing);

		if (n < 0 || write(fd, buf, (size_t)n) < 0)
			die_errno(status_exit(ALP_ERR_NOT_READY), errno, "sending the hello to %s", node);
	}
	rc = fd_serve(&u, fd, set, timeout ? now_ns() + (uint64_t)timeout * 1000000u : 0);
	if (rc == 2) {
		warnmsg("%s: the remote went away", node);
		return EXIT_GONE;
	}
	if (rc == 1 && l->count) {
		warnmsg("%lu of %lu frames arrived within %u ms",
			(unsigned long)atomic_load(&l->seen), l->count, timeout);
		return EXIT_TIMEOUT;
	}
	return EXIT_OK;
}

int cmd_listen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "hello", required_argument, NULL, 'H' },
		{ "exit-on-loss", no_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'O' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CHAN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct listen l = { .fmt = OUT_AUTO };
	const char *hello = NULL;
	uint32_t timeout = 0, hello_framing;
	bool exit_on_loss = false, hello_due;
	struct chan_opts co;
	alp_rpc_channel_t *ch;
	alp_rpc_stats_t st;
	uint64_t downs, ups, deadline = 0;
	sigset_t set;
	int c, fd, rc = EXIT_OK;

	chan_opts_init(&co, ALP_RPC_FRAMING_TEXT);
	while ((c = getopt_long(argc, argv, "c:t:H:eO:jh" CHAN_SHORTOPTS, longopts, NULL)) != -1) {
		if (chan_opt(&co, c, optarg))
			continue;
		switch (c) {
		case 'c':
			l.count = parse_u32(optarg, "--count");
			break;
		case 't':
			timeout = parse_timeout(optarg, "--timeout");
			if (timeout == UINT32_MAX)
				timeout = 0;	/* none */
			break;
		case 'H':
			if (alp_rpc_method_len(optarg) < 0)
				die_usage("--hello: '%s' is not a valid method name", optarg);
			hello = optarg;
			break;
		case 'e':
			exit_on_loss = true;
			break;
		case 'O':
			l.fmt = parse_out_format(optarg);
			break;
		case 'j':
			l.json = true;
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
	if (argc < 1)
		die_usage("CHANNEL is required");
	for (int i = 1; i < argc; i++)
		if (alp_rpc_method_len(argv[i]) < 0)
			die_usage("'%s' is not a valid method name", argv[i]);
	l.methods = argv + 1;
	l.n_methods = argc - 1;
	l.main_thread = pthread_self();
	atomic_init(&l.seen, 0);

	/* Signals are taken synchronously below; the poll thread blocks them all. */
	block_stop_signals(&set);

	fd = ept_node_open(argv[0]);
	if (fd >= 0)
		return listen_node(&l, fd, argv[0], hello, co.framing, &set, timeout);
	/*
	 * unix:PATH where nobody listens: be the listening side, as a user
	 * who says "listen" expects; with a server there, connect to it (its
	 * frames are what one wants to see). --hello and --exit-on-loss only
	 * make sense towards a server: then always connect.
	 */
	if (!strncmp(argv[0], "unix:", 5) && !hello && !exit_on_loss &&
	    !unix_listening(argv[0] + 5)) {
		warnmsg("nobody listens on %s: listening there for senders", argv[0]);
		return listen_unix(&l, argv[0] + 5, &set, timeout);
	}
	if (!strncmp(argv[0], "unix-listen:", 12)) {
		if (hello || exit_on_loss)
			die_usage("--hello and --exit-on-loss need a channel we connect to");
		return listen_unix(&l, argv[0] + 12, &set, timeout);
	}
	hello_framing = co.framing;
	co.framing = ALP_RPC_FRAMING_RAW;
	co.paused = true;	/* nothing the remote sends first is lost */
	ch = chan_open(argv[0], &co, false);
	l.ch = ch;
	if (alp_rpc_set_raw_cb(ch, on_msg, &l) || alp_rpc_resume(ch))
		die_status(alp_last_error(), "listening on %s", argv[0]);
	alp_rpc_get_stats(ch, &st, sizeof(st));
	downs = st.link_down;
	ups = st.link_up;
	hello_due = hello != NULL;
	if (timeout)
		deadline = now_ns() + (uint64_t)timeout * 1000000u;

	for (;;) {
		struct timespec tick = { .tv_nsec = 100000000 };
		int sig;

		if (l.count && atomic_load(&l.seen) >= l.count)
			break;
		if (hello_due && send_hello(ch, hello, hello_framing) == ALP_OK)
			hello_due = false;
		sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			break;
		alp_rpc_get_stats(ch, &st, sizeof(st));
		if (st.link_down != downs) {
			downs = st.link_down;
			if (exit_on_loss || chan_no_reconnect) {
				warnmsg("%s: the remote went away", argv[0]);
				rc = EXIT_GONE;
				break;
			}
			warnmsg("%s: the remote went away; waiting for it to come back", argv[0]);
		}
		if (st.link_up != ups) {
			ups = st.link_up;
			warnmsg("%s: the remote is back", argv[0]);
			hello_due = hello != NULL;
		}
		if (deadline && now_ns() >= deadline) {
			if (l.count) {
				warnmsg("%lu of %lu frames arrived within %u ms",
					(unsigned long)atomic_load(&l.seen), l.count, timeout);
				rc = EXIT_TIMEOUT;
			}
			break;
		}
	}
	alp_rpc_close(ch);
	fflush(stdout);
	return rc;
}
