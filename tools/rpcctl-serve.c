// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl serve: a reflector for testing the other side. Every request is
 * answered with its own payload; options make chosen methods fail, stay
 * unanswered or be unknown, so a peer can test its error paths.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Raw mode with our own decoding: librpc's handlers are per method, and a
 * reflector answers whatever method it is asked.
 *
 * On a unix: address serve accepts peers itself instead of opening a librpc
 * unix-listen: channel, and it reads an existing endpoint node itself, for
 * the same reason: librpc starts a channel's poll thread inside
 * alp_rpc_open(), before a callback can be installed, so the first request
 * of a peer that sends at once after connecting would be dropped. Over rpmsg
 * the remote cannot know our address before the endpoint exists, which
 * makes that window harmless there.
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
#include <unistd.h>

#include <alp/rpc_codec.h>

#include "rpcctl.h"

#define MAX_LIST 32

struct method_list {
	const char *m[MAX_LIST];
	int n;
};

struct serve {
	alp_rpc_channel_t *ch;	/* librpc channel, or NULL: unix_srv.conn is the peer */
	struct unix_server unix_srv;
	struct method_list only, fail, ignore;
	bool quiet, json;
	enum out_format fmt;
	unsigned long count;
	atomic_ulong answered;
	pthread_t main_thread;
	struct frag_peer fp;	/* large requests put together, large replies cut */
};

static void usage(void)
{
	printf("Usage: rpcctl serve [OPTIONS] CHANNEL\n"
	       "Answer every request that arrives on CHANNEL with its own payload (a\n"
	       "reflector), to test the other side: call frames get a reply with the\n"
	       "request's id, text frames are sent back as they came. Each frame is\n"
	       "printed as 'rpcctl listen' does. On unix:PATH it listens for a peer.\n"
	       "\n"
	       "Options:\n"
	       "  -m, --method=METHOD   answer only METHOD (repeatable); other requests get\n"
	       "                        'no such method'\n"
	       "  -f, --fail=METHOD     answer METHOD 'handler failed', with a diagnostic\n"
	       "                        text (repeatable)\n"
	       "  -i, --ignore=METHOD   never answer METHOD: the caller times out\n"
	       "                        (repeatable)\n"
	       "  -c, --count=N         exit after answering N requests\n"
	       "  -q, --quiet           do not print the frames\n"
	       "  -O, --output=FORMAT   payload as auto, text, hex or raw (default auto)\n"
	       "  -j, --json            print frames as JSON objects, one per line\n"
	       CHAN_HELP
	       "                        (serve answers in the framing of each request; for\n"
	       "                        serve --wait defaults to forever)\n"
	       "  -h, --help            display this help and exit\n"
	       "\n"
	       "Exit status: 0 interrupted or --count reached, 1 bad argument, 2 transport\n"
	       "error, 7 no such channel.\n");
}

static bool in_list(const struct method_list *l, const char *m)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->m[i], m))
			return true;
	return false;
}

static void add_list(struct method_list *l, const char *m, const char *opt)
{
	if (alp_rpc_method_len(m) < 0)
		die_usage("%s: '%s' is not a valid method name", opt, m);
	if (l->n == MAX_LIST)
		die_usage("%s: at most %d methods", opt, MAX_LIST);
	l->m[l->n++] = m;
}

/* frag_send_fn: one message to the peer, through librpc or our own socket. */
static int serve_send(const void *buf, size_t len, void *arg)
{
	struct serve *s = arg;
	ssize_t w;

	if (s->ch)
		return alp_rpc_send_raw(s->ch, buf, len) == ALP_OK ? 0 : -EIO;
	w = send(s->unix_srv.conn, buf, len, MSG_NOSIGNAL);
	if (w < 0 && errno == ENOTSOCK)	/* an endpoint node */
		w = write(s->unix_srv.conn, buf, len);
	return w < 0 ? -errno : 0;
}

static void answer(struct serve *s, const struct alp_rpc_frame *f)
{
	uint8_t out[ALP_RPC_WIRE_MTU_DEFAULT];
	char why[64];
	uint8_t status = ALP_RPC_STATUS_OK;
	const void *body = f->payload;
	size_t len = f->payload_len;
	int rc = 0;
	long n;

	if (in_list(&s->ignore, f->method))
		return;
	if (s->only.n && !in_list(&s->only, f->method))
		status = ALP_RPC_STATUS_NO_METHOD;
	else if (in_list(&s->fail, f->method))
		status = ALP_RPC_STATUS_EXEC_FAILED;
	if (status == ALP_RPC_STATUS_EXEC_FAILED) {
		/* the diagnostic payload an error frame may carry */
		snprintf(why, sizeof(why), "%s failed (rpcctl serve --fail)", f->method);
		body = why;
		len = strlen(why);
	} else if (status) {
		body = NULL;
		len = 0;
	}
	if (f->framing == ALP_RPC_WIRE_TEXT) {
		if (status)
			return;	/* text frames have no status: say nothing */
		n = alp_rpc_frame_encode_text(out, sizeof(out), f->method, body, len);
		rc = n < 0 ? -EMSGSIZE : serve_send(out, (size_t)n, s);
	} else {
		/* A reply above the MTU goes in fragments (the caller's alp.caps told us its limit). */
		rc = frag_peer_send_call(&s->fp, status ? ALP_RPC_KIND_ERROR : ALP_RPC_KIND_REPLY,
					 status, f->request_id, f->method, body, len, serve_send, s);
		if (rc == -EMSGSIZE) {
			snprintf(why, sizeof(why), "a %zu-byte reply: more than the caller takes", len);
			rc = frag_peer_send_call(&s->fp, ALP_RPC_KIND_ERROR,
						 ALP_RPC_WIRE_STATUS_TOO_LARGE, f->request_id,
						 f->method, why, strlen(why), serve_send, s);
		}
	}
	if (rc)
		warnmsg("answering %s: %s", f->method, strerror(-rc));
	if (s->count && atomic_fetch_add(&s->answered, 1) + 1 == s->count)
		pthread_kill(s->main_thread, SIGUSR1);
}

static void on_msg(const void *data, size_t len, void *user)
{
	struct serve *s = user;
	const uint8_t *msg = frag_peer_in(&s->fp, data, &len);
	struct alp_rpc_frame f;

	if (!msg)
		return;		/* a fragment: the request is answered once it is whole */
	if (!s->quiet) {
		print_frame(stdout, msg, len, s->fmt, s->json);
		fflush(stdout);
	}
	if (alp_rpc_frame_decode(msg, len, &f) || frag_peer_caps(&s->fp, &f, serve_send, s))
		return;
	if (f.kind == ALP_RPC_KIND_REQUEST || f.framing == ALP_RPC_WIRE_TEXT)
		answer(s, &f);
}

/* A new peer on unix: tells its own capability. */
static void on_peer(bool up, void *user)
{
	struct serve *s = user;

	(void)up;
	frag_peer_reset(&s->fp);
}

static bool serve_done(void *user)
{
	struct serve *s = user;

	return s->count && atomic_load(&s->answered) >= s->count;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "method", required_argument, NULL, 'm' },
		{ "fail", required_argument, NULL, 'f' },
		{ "ignore", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "output", required_argument, NULL, 'O' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CHAN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct serve s = { .fmt = OUT_AUTO };
	struct chan_opts co;
	sigset_t set;
	int c, sig, fd;

	chan_opts_init(&co, ALP_RPC_FRAMING_CALL);
	co.wait_ms = UINT32_MAX;
	while ((c = getopt_long(argc, argv, "m:f:i:c:qO:jh" CHAN_SHORTOPTS, longopts, NULL)) != -1) {
		if (chan_opt(&co, c, optarg))
			continue;
		switch (c) {
		case 'm':
			add_list(&s.only, optarg, "--method");
			break;
		case 'f':
			add_list(&s.fail, optarg, "--fail");
			break;
		case 'i':
			add_list(&s.ignore, optarg, "--ignore");
			break;
		case 'c':
			s.count = parse_u32(optarg, "--count");
			break;
		case 'q':
			s.quiet = true;
			break;
		case 'O':
			s.fmt = parse_out_format(optarg);
			break;
		case 'j':
			s.json = true;
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
	if (argc != 1)
		die_usage(argc ? "too many arguments" : "CHANNEL is required");
	s.main_thread = pthread_self();
	atomic_init(&s.answered, 0);
	block_stop_signals(&set);

	frag_peer_init(&s.fp);
	s.unix_srv.on_msg = on_msg;
	s.unix_srv.on_peer = on_peer;
	s.unix_srv.done = serve_done;
	s.unix_srv.user = &s;
	s.unix_srv.quiet = s.quiet;
	if (!strncmp(argv[0], "unix:", 5) || !strncmp(argv[0], "unix-listen:", 12)) {
		unix_serve(&s.unix_srv, strchr(argv[0], ':') + 1, &set, 0);
		return EXIT_OK;
	}
	fd = ept_node_open(argv[0]);
	if (fd >= 0) {
		if (!s.quiet)
			warnmsg("serving %s", argv[0]);
		if (fd_serve(&s.unix_srv, fd, &set, 0) == 2) {
			warnmsg("%s: the remote went away", argv[0]);
			return EXIT_GONE;
		}
		return EXIT_OK;
	}
	co.framing = ALP_RPC_FRAMING_RAW;
	co.paused = true;	/* requests that arrive before the callback are answered too */
	s.ch = chan_open(argv[0], &co, true);
	if (alp_rpc_set_raw_cb(s.ch, on_msg, &s) || alp_rpc_resume(s.ch))
		die_status(alp_last_error(), "serving on %s", argv[0]);
	if (!s.quiet) {
		uint32_t src = 0;

		alp_rpc_get_addrs(s.ch, &src, NULL);
		if (src != ADDR_ANY && strncmp(argv[0], "unix", 4))
			warnmsg("serving %s (our address %u)", argv[0], src);
		else
			warnmsg("serving %s", argv[0]);
	}
	do {
		sig = sigwaitinfo(&set, NULL);
	} while (sig < 0 || (sig == SIGUSR1 && s.count &&
			     atomic_load(&s.answered) < s.count));
	alp_rpc_close(s.ch);
	return EXIT_OK;
}
