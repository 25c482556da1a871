// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl list: remotes, the channels each announced, our endpoints.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rpcctl.h"

#define MAX_REMOTES 64

struct remote {
	char rproc[64];		/* "remoteprocN", "" for a control node without one */
	char name[64];		/* remoteproc name */
	char state[32];		/* remoteproc state: running, offline, crashed, ... */
	char ctrl[64];		/* "rpmsg_rpc_ctrlN", "" if none (remote down) */
};

static const char *const ept_states[] = { "unbound", "bound", "waiting", "withdrawn", "dead" };

static void usage(void)
{
	printf("Usage: rpcctl list [OPTIONS]\n"
	       "Show every remote processor (remoteproc name and state), the channels it\n"
	       "announced (name and address) and the endpoints we have on it (node, name,\n"
	       "source and destination address, state, message counters). The channels and\n"
	       "endpoints come from the rpmsg_rpc driver's control node of each remote.\n"
	       "\n"
	       "Options:\n"
	       "  -j, --json   print one JSON object: {\"remotes\": [...]}\n"
	       "  -h, --help   display this help and exit\n"
	       "\n"
	       "Exit status: 0 listed (possibly nothing), 2 a control node could not be read.\n");
}

static int add_remotes(struct remote *r, int max)
{
	DIR *d = opendir("/sys/class/remoteproc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		char p[PATH_MAX];

		if (strncmp(e->d_name, "remoteproc", 10))
			continue;
		memset(&r[n], 0, sizeof(r[n]));
		snprintf(r[n].rproc, sizeof(r[n].rproc), "%.63s", e->d_name);
		snprintf(p, sizeof(p), "/sys/class/remoteproc/%s/name", e->d_name);
		sysfs_read(p, r[n].name, sizeof(r[n].name));
		snprintf(p, sizeof(p), "/sys/class/remoteproc/%s/state", e->d_name);
		sysfs_read(p, r[n].state, sizeof(r[n].state));
		n++;
	}
	closedir(d);
	return n;
}

static int cmp_remote(const void *a, const void *b)
{
	const struct remote *x = a, *y = b;

	if (!x->rproc[0] || !y->rproc[0])
		return !x->rproc[0] - !y->rproc[0];
	return atoi(x->rproc + 10) - atoi(y->rproc + 10);
}

/* Remotes from remoteproc, joined with our control nodes by the ctrl's rproc attribute. */
static int collect(struct remote *r)
{
	char names[MAX_REMOTES][64];
	int n = add_remotes(r, MAX_REMOTES);
	int k = ctrl_names(names, MAX_REMOTES);

	qsort(r, (size_t)n, sizeof(*r), cmp_remote);
	for (int i = 0; i < k; i++) {
		char p[PATH_MAX], rproc[64] = "";
		int j;

		snprintf(p, sizeof(p), "/sys/class/rpmsg_rpc/%.63s/rproc", names[i]);
		sysfs_read(p, rproc, sizeof(rproc));
		for (j = 0; j < n; j++)
			if (rproc[0] && !strcmp(r[j].rproc, rproc) && !r[j].ctrl[0])
				break;
		if (j == n) {
			if (n == MAX_REMOTES)
				break;
			memset(&r[n], 0, sizeof(r[n]));
			snprintf(p, sizeof(p), "/sys/class/rpmsg_rpc/%.63s/remote", names[i]);
			sysfs_read(p, r[n].name, sizeof(r[n].name));
			snprintf(r[n].state, sizeof(r[n].state), "running");
			n++;
		}
		snprintf(r[j].ctrl, sizeof(r[j].ctrl), "%.63s", names[i]);
	}
	return n;
}

static const char *addr_str(uint32_t a, char *buf, size_t cap)
{
	if (a == RPMSG_RPC_ADDR_ANY)
		return "any";
	snprintf(buf, cap, "%u", a);
	return buf;
}

struct ept_stats {
	bool valid;
	unsigned long long rx, tx, drops, depth;
};

static void read_stats(const struct rpmsg_rpc_ept_info *e, struct ept_stats *s)
{
	static const char *const names[] = { "rx_msgs", "tx_msgs", "rx_drops", "rxq_depth" };
	unsigned long long *v[] = { &s->rx, &s->tx, &s->drops, &s->depth };

	memset(s, 0, sizeof(*s));
	if (e->minor == RPMSG_RPC_ADDR_ANY)
		return;	/* fd endpoints have no sysfs entry */
	for (size_t i = 0; i < 4; i++) {
		char p[PATH_MAX], buf[32];

		snprintf(p, sizeof(p), "/sys/class/rpmsg_rpc/rpmsg_rpc%u/statistics/%s",
			 e->index, names[i]);
		if (sysfs_read(p, buf, sizeof(buf)))
			return;
		*v[i] = strtoull(buf, NULL, 10);
	}
	s->valid = true;
}

static const char *ept_state(uint32_t s)
{
	return s < sizeof(ept_states) / sizeof(ept_states[0]) ? ept_states[s] : "?";
}

static void node_of(const struct rpmsg_rpc_ept_info *e, char *buf, size_t cap)
{
	if (e->minor == RPMSG_RPC_ADDR_ANY)
		snprintf(buf, cap, "(fd)");
	else
		snprintf(buf, cap, "/dev/rpmsg_rpc%u", e->index);
}

static int print_text(const struct remote *r, int n)
{
	int rc = EXIT_OK;

	if (!n) {
		printf("no remote processors%s\n",
		       driver_loaded() ? "" : " (and the rpmsg_rpc driver is not loaded)");
		return rc;
	}
	for (int i = 0; i < n; i++) {
		struct rpmsg_rpc_channel *ch = NULL;
		struct rpmsg_rpc_ept_info *ep = NULL;
		int fd, nc, ne;

		printf("%s%s%s  %s  %s\n", r[i].rproc[0] ? r[i].rproc : r[i].ctrl,
		       r[i].name[0] ? " " : "", r[i].name, r[i].state,
		       r[i].ctrl[0] ? r[i].ctrl : "(no control node: remote down or driver not loaded)");
		if (!r[i].ctrl[0])
			continue;
		fd = ctrl_open(r[i].ctrl);
		if (fd == -ENOENT || fd == -ENODEV) {
			printf("  (the remote went away while listing)\n");
			continue;
		}
		if (fd < 0) {
			warnmsg("cannot open /dev/%s: %s", r[i].ctrl, strerror(-fd));
			rc = EXIT_FAIL;
			continue;
		}
		nc = ctrl_channels(fd, &ch);
		ne = ctrl_endpoints(fd, &ep);
		close(fd);
		if (nc == -ENODEV || ne == -ENODEV) {
			printf("  (the remote went away while listing)\n");
			nc = ne = 0;
		} else if (nc < 0 || ne < 0) {
			warnmsg("listing /dev/%s: %s", r[i].ctrl, strerror(-(nc < 0 ? nc : ne)));
			rc = EXIT_FAIL;
		}
		printf("  channels:%s\n", nc > 0 ? "" : " none");
		for (int j = 0; j < nc; j++)
			printf("    %-31s addr %u (0x%x)\n", ch[j].name, ch[j].addr, ch[j].addr);
		printf("  endpoints:%s\n", ne > 0 ? "" : " none");
		if (ne > 0)
			printf("    %-18s %-20s %10s %10s %-9s %8s %8s %6s\n", "NODE", "NAME", "SRC",
			       "DST", "STATE", "RX", "TX", "DROPS");
		for (int j = 0; j < ne; j++) {
			char node[64], a[16], b[16];
			struct ept_stats s;

			read_stats(&ep[j], &s);
			node_of(&ep[j], node, sizeof(node));
			printf("    %-18s %-20s %10s %10s %-9s", node, ep[j].name,
			       addr_str(ep[j].src, a, sizeof(a)), addr_str(ep[j].dst, b, sizeof(b)),
			       ept_state(ep[j].state));
			if (s.valid)
				printf(" %8llu %8llu %6llu\n", s.rx, s.tx, s.drops);
			else
				printf(" %8s %8s %6s\n", "-", "-", "-");
		}
		free(ch);
		free(ep);
	}
	return rc;
}

static void json_str(const char *s)
{
	json_string(stdout, s, strlen(s));
}

static int print_json(const struct remote *r, int n)
{
	int rc = EXIT_OK;

	printf("{\"driver_loaded\":%s,\"remotes\":[", driver_loaded() ? "true" : "false");
	for (int i = 0; i < n; i++) {
		struct rpmsg_rpc_channel *ch = NULL;
		struct rpmsg_rpc_ept_info *ep = NULL;
		int fd = -1, nc = 0, ne = 0;

		printf("%s{\"rproc\":", i ? "," : "");
		if (r[i].rproc[0])
			json_str(r[i].rproc);
		else
			printf("null");
		printf(",\"name\":");
		json_str(r[i].name);
		printf(",\"state\":");
		json_str(r[i].state);
		printf(",\"control\":");
		if (r[i].ctrl[0]) {
			printf("\"/dev/%s\"", r[i].ctrl);
			fd = ctrl_open(r[i].ctrl);
			/* A remote going away while we list is not an error. */
			if (fd < 0 && fd != -ENOENT && fd != -ENODEV) {
				warnmsg("cannot open /dev/%s: %s", r[i].ctrl, strerror(-fd));
				rc = EXIT_FAIL;
			}
		} else {
			printf("null");
		}
		if (fd >= 0) {
			nc = ctrl_channels(fd, &ch);
			ne = ctrl_endpoints(fd, &ep);
			close(fd);
			if (nc == -ENODEV || ne == -ENODEV) {
				nc = ne = 0;
			} else if (nc < 0 || ne < 0) {
				warnmsg("listing /dev/%s: %s", r[i].ctrl,
					strerror(-(nc < 0 ? nc : ne)));
				rc = EXIT_FAIL;
			}
		}
		printf(",\"channels\":[");
		for (int j = 0; j < nc; j++) {
			printf("%s{\"name\":", j ? "," : "");
			json_str(ch[j].name);
			printf(",\"addr\":%u}", ch[j].addr);
		}
		printf("],\"endpoints\":[");
		for (int j = 0; j < ne; j++) {
			struct ept_stats s;
			char node[64];

			read_stats(&ep[j], &s);
			node_of(&ep[j], node, sizeof(node));
			printf("%s{\"index\":%u,\"node\":", j ? "," : "", ep[j].index);
			if (ep[j].minor == RPMSG_RPC_ADDR_ANY)
				printf("null");
			else
				json_str(node);
			printf(",\"name\":");
			json_str(ep[j].name);
			printf(",\"src\":%u,\"dst\":", ep[j].src);
			if (ep[j].dst == RPMSG_RPC_ADDR_ANY)
				printf("null");
			else
				printf("%u", ep[j].dst);
			printf(",\"state\":\"%s\",\"mtu\":%u,\"announce\":%s,\"bind_by_name\":%s",
			       ept_state(ep[j].state), ep[j].mtu,
			       ep[j].flags & RPMSG_RPC_EPT_F_ANNOUNCE ? "true" : "false",
			       ep[j].flags & RPMSG_RPC_EPT_F_BIND_BY_NAME ? "true" : "false");
			if (s.valid)
				printf(",\"stats\":{\"rx_msgs\":%llu,\"tx_msgs\":%llu,\"rx_drops\":%llu,"
				       "\"rxq_depth\":%llu}", s.rx, s.tx, s.drops, s.depth);
			printf("}");
		}
		printf("]}");
		free(ch);
		free(ep);
	}
	printf("]}\n");
	return rc;
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct remote r[MAX_REMOTES];
	bool json = false;
	int c, n;

	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
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
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	n = collect(r);
	return json ? print_json(r, n) : print_text(r, n);
}
