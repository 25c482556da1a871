// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers shared by the rpcctl subcommands.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <alp/rpc_codec.h>

#include "tools-common.h"

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

void block_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, set, NULL);
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

/* ---- payloads ------------------------------------------------------------ */

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

			/* The MTU is 496: anything this large is refused anyway. */
			if (cap >= (1u << 20))
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

/* ---- output -------------------------------------------------------------- */

enum out_format parse_out_format(const char *s)
{
	static const char *const names[] = { "auto", "text", "hex", "raw" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (enum out_format)i;
	die_usage("--output: '%s' is not one of auto, text, hex, raw", s);
}

bool is_printable(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t') || p[i] >= 0x7f)
			return false;
	return true;
}

void print_hex(FILE *f, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

void print_payload(FILE *f, const uint8_t *p, size_t len, enum out_format fmt)
{
	switch (fmt) {
	case OUT_RAW:
		fwrite(p, 1, len, f);
		return;
	case OUT_AUTO:
		if (!is_printable(p, len))
			break;
		/* fall through */
	case OUT_TEXT:
		fwrite(p, 1, len, f);
		fputc('\n', f);
		return;
	case OUT_HEX:
		break;
	}
	print_hex(f, p, len);
	fputc('\n', f);
}

void json_string(FILE *f, const void *s, size_t len)
{
	const uint8_t *p = s;

	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void json_payload(FILE *f, const uint8_t *p, size_t len)
{
	fprintf(f, "\"len\":%zu,\"hex\":\"", len);
	print_hex(f, p, len);
	fputc('"', f);
	if (is_printable(p, len)) {
		fputs(",\"text\":", f);
		json_string(f, p, len);
	}
}

static const char *const kind_names[] = { "?", "request", "reply", "oneway", "error" };
static const char *const wire_status_names[] = {
	"ok", "no-method", "exec-failed", "bad-packet", "timeout",
};

static const char *wire_status_name(uint8_t st)
{
	return st < sizeof(wire_status_names) / sizeof(wire_status_names[0]) ?
	       wire_status_names[st] : "reserved";
}

void print_frame(FILE *f, const uint8_t *msg, size_t len, enum out_format fmt, bool json)
{
	struct alp_rpc_frame fr;
	bool ok = alp_rpc_frame_decode(msg, len, &fr) == 0;
	char ts[32];

	timestamp(ts, sizeof(ts));
	if (json) {
		fprintf(f, "{\"time\":\"%s\"", ts);
		if (ok) {
			fprintf(f, ",\"framing\":\"%s\",\"kind\":\"%s\",\"method\":",
				fr.framing == ALP_RPC_WIRE_TEXT ? "text" : "call", kind_names[fr.kind]);
			json_string(f, fr.method, fr.method_len);
			fprintf(f, ",\"id\":%u,\"status\":\"%s\",", fr.request_id,
				wire_status_name(fr.status));
			json_payload(f, fr.payload, fr.payload_len);
		} else {
			fputs(",\"framing\":\"none\",", f);
			json_payload(f, msg, len);
		}
		fputs("}\n", f);
		return;
	}
	if (fmt == OUT_RAW) {
		if (ok)
			fwrite(fr.payload, 1, fr.payload_len, f);
		else
			fwrite(msg, 1, len, f);
		return;
	}
	if (!ok) {
		fprintf(f, "%s  (not a frame)  %zu bytes  ", ts, len);
		print_payload(f, msg, len, fmt == OUT_TEXT ? OUT_TEXT : OUT_HEX);
		return;
	}
	fprintf(f, "%s  %s", ts, fr.method_len ? fr.method : "-");
	if (fr.framing == ALP_RPC_WIRE_CALL && fr.kind != ALP_RPC_KIND_ONEWAY)
		fprintf(f, " (%s #%u%s%s)", kind_names[fr.kind], fr.request_id,
			fr.kind == ALP_RPC_KIND_ERROR ? ": " : "",
			fr.kind == ALP_RPC_KIND_ERROR ? wire_status_name(fr.status) : "");
	fprintf(f, "  %zu bytes", fr.payload_len);
	if (fr.payload_len) {
		fputs("  ", f);
		print_payload(f, fr.payload, fr.payload_len, fmt);
	} else {
		fputc('\n', f);
	}
}

void timestamp(char *buf, size_t cap)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, cap, "%H:%M:%S", &tm);
	snprintf(buf + n, cap - n, ".%03ld", ts.tv_nsec / 1000000);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- a unix: server without librpc ------------------------------------ */

/*
 * Poll the signalfd and either the peer (u->conn) or, when there is none
 * and lfd >= 0, the listening socket. Returns 0 (signal or done), 1
 * (deadline passed) or 2 (the peer hung up and there is no listener).
 */
static int pump(struct unix_server *u, int lfd, int sfd, uint64_t deadline_ns)
{
	uint8_t buf[4096];

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = u->conn >= 0 ? u->conn : lfd, .events = POLLIN },
		};
		struct signalfd_siginfo si;
		int timeout = -1;
		ssize_t n;

		if (deadline_ns) {
			uint64_t now = now_ns();

			if (now >= deadline_ns)
				return 1;
			timeout = (int)((deadline_ns - now + 999999) / 1000000);
		}
		if (poll(pfd, 2, timeout) <= 0)
			continue;
		if (pfd[0].revents) {
			if (read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGUSR1)
				return 0;
			if (u->done && u->done(u->user))
				return 0;
			continue;
		}
		if (u->conn < 0) {
			u->conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (u->conn >= 0 && u->on_peer)
				u->on_peer(true, u->user);
			continue;
		}
		n = lfd >= 0 ? recv(u->conn, buf, sizeof(buf), MSG_TRUNC) :
			       read(u->conn, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		/* A read of 0 from a node is an empty message, not an end. */
		if (n < 0 || (n == 0 && (lfd >= 0 || pfd[1].revents & POLLHUP))) {
			close(u->conn);
			u->conn = -1;
			if (u->on_peer)
				u->on_peer(false, u->user);
			if (lfd < 0)
				return 2;
		} else if ((size_t)n > ALP_RPC_WIRE_MTU_DEFAULT) {
			warnmsg("dropped a %zd-byte message (above the %u-byte MTU)", n,
				ALP_RPC_WIRE_MTU_DEFAULT);
		} else {
			u->on_msg(buf, (size_t)n, u->user);
		}
	}
}

int unix_serve(struct unix_server *u, const char *spec, const sigset_t *set,
	       uint64_t deadline_ns)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t salen;
	struct stat st;
	int lfd, sfd, rc;

	if (strlen(spec) >= sizeof(sa.sun_path))
		die_usage("unix:%s: the path is too long", spec);
	memcpy(sa.sun_path, spec, strlen(spec));
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(spec));
	if (spec[0] == '@')
		sa.sun_path[0] = 0;	/* abstract name */
	else if (stat(spec, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(spec);		/* a stale socket of an earlier server */
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, salen) < 0 || listen(lfd, 4) < 0)
		die_errno(EXIT_FAIL, errno, "cannot listen on unix:%s", spec);
	sfd = signalfd(-1, set, SFD_CLOEXEC);
	if (sfd < 0)
		die_errno(EXIT_FAIL, errno, "signalfd");
	if (!u->quiet)
		warnmsg("serving unix:%s", spec);
	u->conn = -1;
	rc = pump(u, lfd, sfd, deadline_ns);
	if (u->conn >= 0)
		close(u->conn);
	u->conn = -1;
	close(lfd);
	close(sfd);
	if (spec[0] != '@')
		unlink(spec);
	return rc;
}

int fd_serve(struct unix_server *u, int fd, const sigset_t *set, uint64_t deadline_ns)
{
	int sfd = signalfd(-1, set, SFD_CLOEXEC), rc;

	if (sfd < 0)
		die_errno(EXIT_FAIL, errno, "signalfd");
	u->conn = fd;
	rc = pump(u, -1, sfd, deadline_ns);
	if (u->conn >= 0)
		close(u->conn);
	u->conn = -1;
	close(sfd);
	return rc;
}

/* ---- our driver -------------------------------------------------------- */

bool driver_loaded(void)
{
	return access("/sys/module/rpmsg_rpc", F_OK) == 0;
}

static int name_index(const void *a, const void *b)
{
	const char *x = a, *y = b;
	size_t k = strlen("rpmsg_rpc_ctrl");

	return atoi(x + k) - atoi(y + k);
}

int ctrl_names(char (*names)[64], int max)
{
	DIR *d = opendir("/sys/class/rpmsg_rpc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		if (strncmp(e->d_name, "rpmsg_rpc_ctrl", 14) || !isdigit((unsigned char)e->d_name[14]))
			continue;
		snprintf(names[n++], 64, "%.63s", e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), name_index);
	return n;
}

int ctrl_open(const char *name_or_path)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name_or_path, '/'))
		snprintf(path, sizeof(path), "%s", name_or_path);
	else
		snprintf(path, sizeof(path), "/dev/%s", name_or_path);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int list_ioctl(int fd, unsigned long cmd, size_t entry_size, void **out)
{
	uint32_t cap = 16;

	for (;;) {
		void *buf = calloc(cap, entry_size);
		struct rpmsg_rpc_list l = {
			.size = sizeof(l),
			.count = cap,
			.entry_size = (uint32_t)entry_size,
			.entries = (uintptr_t)buf,
		};

		if (!buf)
			return -ENOMEM;
		if (ioctl(fd, cmd, &l) < 0) {
			int err = errno;

			free(buf);
			return -err;
		}
		if (l.count <= cap) {
			*out = buf;
			return (int)l.count;
		}
		free(buf);
		cap = l.count + 8;	/* it grew meanwhile: ask again */
	}
}

int ctrl_channels(int fd, struct rpmsg_rpc_channel **out)
{
	void *v = NULL;
	int n = list_ioctl(fd, RPMSG_RPC_LIST_CHANNELS, sizeof(**out), &v);

	*out = v;
	for (int i = 0; i < n; i++)
		(*out)[i].name[RPMSG_RPC_NAME_SIZE - 1] = 0;
	return n;
}

int ctrl_endpoints(int fd, struct rpmsg_rpc_ept_info **out)
{
	void *v = NULL;
	int n = list_ioctl(fd, RPMSG_RPC_LIST_EPTS, sizeof(**out), &v);

	*out = v;
	for (int i = 0; i < n; i++)
		(*out)[i].name[RPMSG_RPC_NAME_SIZE - 1] = 0;
	return n;
}

int sysfs_read(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)cap, f))
		buf[0] = 0;
	fclose(f);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

/* ---- opening a CHANNEL ------------------------------------------------- */

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

static bool announced_anywhere(const char *name)
{
	char names[32][64];
	int n = ctrl_names(names, 32);
	bool found = false;

	for (int i = 0; i < n && !found; i++) {
		struct rpmsg_rpc_channel *ch;
		int fd = ctrl_open(names[i]), k;

		if (fd < 0)
			continue;
		k = ctrl_channels(fd, &ch);
		for (int j = 0; j < k && !found; j++)
			found = !strcmp(ch[j].name, name);
		if (k >= 0)
			free(ch);
		close(fd);
	}
	return found;
}

/*
 * Wait until a remote has announced name: re-check whenever an rpmsg
 * device (a channel) or one of our control nodes comes or goes, and at
 * least every 250 ms in case an event raced with the check.
 */
static bool wait_announced(const char *name, uint32_t ms)
{
	struct udev *udev = udev_new();
	struct udev_monitor *mon = NULL;
	uint64_t deadline = now_ns() + (uint64_t)ms * 1000000u;
	bool found;

	if (udev) {
		mon = udev_monitor_new_from_netlink(udev, access("/run/udev/control", F_OK) ?
						    "kernel" : "udev");
		if (mon) {
			udev_monitor_filter_add_match_subsystem_devtype(mon, "rpmsg", NULL);
			udev_monitor_filter_add_match_subsystem_devtype(mon, "rpmsg_rpc", NULL);
			udev_monitor_enable_receiving(mon);
		}
	}
	while (!(found = announced_anywhere(name))) {
		uint64_t now = now_ns();
		struct pollfd pfd = { .fd = mon ? udev_monitor_get_fd(mon) : -1, .events = POLLIN };
		int left;

		if (now >= deadline)
			break;
		left = (int)((deadline - now + 999999) / 1000000);
		if (poll(&pfd, 1, left < 250 ? left : 250) > 0 && mon) {
			struct udev_device *d;

			while ((d = udev_monitor_receive_device(mon)))
				udev_device_unref(d);
		}
	}
	udev_monitor_unref(mon);
	udev_unref(udev);
	return found;
}

/* Whether path is one of our endpoint nodes (/dev/rpmsg_rpcN). */
static bool is_ept_node(const char *path, char *sysdir, size_t cap)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	struct stat st;
	ssize_t n;

	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode))
		return false;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = 0;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strncmp(base, "rpmsg_rpc", 9) || !isdigit((unsigned char)base[9]))
		return false;
	snprintf(sysdir, cap, "/sys/class/rpmsg_rpc/%.200s", base);
	return true;
}

bool chan_no_reconnect;

int ept_node_open(const char *channel)
{
	char sysdir[PATH_MAX];
	int fd;

	if (channel[0] != '/' || !is_ept_node(channel, sysdir, sizeof(sysdir)))
		return -1;
	fd = open(channel, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die_errno(errno == ENOENT || errno == ENODEV ? EXIT_NOCHANNEL : EXIT_FAIL, errno,
			  "cannot open %s", channel);
	return fd;
}

static alp_rpc_channel_t *open_ept_node(const char *path, const char *sysdir,
					const struct chan_opts *o)
{
	alp_rpc_config_t cfg = { .framing = o->framing,
				 .flags = o->paused ? ALP_RPC_OPEN_PAUSED : 0 };
	char attr[PATH_MAX + 16], name[64] = "";
	alp_rpc_channel_t *ch;
	int fd;

	/* librpc opens endpoints through a control node; a node that exists
	 * already is used through its fd (no reconnection: it dies with the
	 * remote). */
	snprintf(attr, sizeof(attr), "%s/name", sysdir);
	sysfs_read(attr, name, sizeof(name));
	cfg.name = o->name ? o->name : alp_rpc_method_len(name) > 0 ? name : "rpcctl";
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die_errno(errno == ENOENT || errno == ENODEV ? EXIT_NOCHANNEL : EXIT_FAIL, errno,
			  "cannot open %s", path);
	ch = alp_rpc_open_fd(&cfg, fd);
	chan_no_reconnect = true;
	if (!ch)
		die_status(alp_last_error(), "cannot use %s", path);
	return ch;
}

alp_rpc_channel_t *chan_open(const char *channel, const struct chan_opts *o, bool server)
{
	alp_rpc_config_t cfg = {
		.name = o->name ? o->name : "rpcctl",
		.src_ept = o->src,
		.dst_ept = o->dst,
		.framing = o->framing,
		.open_timeout_ms = o->wait_ms ? o->wait_ms : 1,
		.flags = o->paused ? ALP_RPC_OPEN_PAUSED : 0,
	};
	char node[PATH_MAX + 16], sysdir[PATH_MAX];
	alp_rpc_channel_t *ch;
	alp_status_t st;

	if (!strncmp(channel, "unix:", 5)) {
		snprintf(node, sizeof(node), "%s%s", server ? "unix-listen:" : "unix:", channel + 5);
		cfg.node = node;
	} else if (!strncmp(channel, "unix-listen:", 12) || !strncmp(channel, "rpmsg_rpc:", 10) ||
		   !strncmp(channel, "rpmsg_char:", 11)) {
		cfg.node = channel;
	} else if (channel[0] == '/') {
		if (access(channel, F_OK) < 0)
			die_errno(EXIT_NOCHANNEL, errno, "%s", channel);
		if (is_ept_node(channel, sysdir, sizeof(sysdir)))
			return open_ept_node(channel, sysdir, o);
		if (!o->name && !o->dst && strstr(channel, "ctrl"))
			die_usage("%s is a control node: give the channel's name with --name "
				  "(or its address with --dst)", channel);
		cfg.node = channel;
	} else {
		if (alp_rpc_method_len(channel) < 0)
			die_usage("'%s' is not a channel name, a node path or a unix: address",
				  channel);
		cfg.name = channel;
		if (driver_loaded() && !o->dst && !wait_announced(channel, o->wait_ms))
			die(EXIT_NOCHANNEL, "no remote has announced a channel named '%s' "
			    "(waited %u ms; 'rpcctl list' shows the announced channels)",
			    channel, o->wait_ms);
	}
	ch = alp_rpc_open(&cfg);
	if (ch)
		return ch;
	st = alp_last_error();
	if (st == ALP_ERR_NOT_READY)
		die(EXIT_NOCHANNEL, "%s: did not appear within %u ms", channel, o->wait_ms);
	if (st == ALP_ERR_INVAL)
		die(EXIT_USAGE, "%s: not usable as a channel (not an rpmsg node of the right "
		    "kind, or a bad address)", channel);
	die_status(st, "cannot open %s", channel);
}
