// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcctl list: remotes, the channels each announced, our endpoints; all of
 * it from librpc's device level (<alp/rpc_device.h>).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <alp/rpc_device.h>

#include "rpcctl.h"

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
	       "A control node that cannot be read (permission) is listed from sysfs instead,\n"
	       "without the endpoints that have no node; upstream rpmsg_char endpoints are\n"
	       "listed from sysfs (name and addresses: it has no more).\n"
	       "\n"
	       "Exit status: 0 listed (possibly nothing), 2 out of memory.\n");
}

static bool driver_loaded(void)
{
	return alp_rpc_dev_backends(tools_dev()) & (1u << ALP_RPC_DEV_BACKEND_RPMSG_RPC);
}

static const char *base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static const char *addr_str(uint32_t a, char *buf, size_t cap)
{
	if (a == ALP_RPC_DEV_ADDR_ANY)
		return "any";
	snprintf(buf, cap, "%u", a);
	return buf;
}

static void endpoint(const alp_rpc_dev_list_t *l, size_t r, uint32_t i, alp_rpc_dev_endpoint_t *e)
{
	e->size = sizeof(*e);
	alp_rpc_dev_list_endpoint(l, r, i, e);
}

/* The line under a remote when its control node could not be listed as usual. */
static void list_note(const alp_rpc_dev_remote_t *r)
{
	if (r->list_status == ALP_ERR_NOT_READY)
		printf("  (the remote went away while listing)\n");
	else if (r->flags & ALP_RPC_DEV_REMOTE_F_SYSFS)
		printf("  (from sysfs: %s: %s; endpoints without a node are not shown)\n",
		       r->control, strerror(r->sys_errno));
}

static void print_text_remote(const alp_rpc_dev_list_t *l, size_t i, const alp_rpc_dev_remote_t *r)
{
	bool ours = r->backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC;
	uint32_t n_ours = 0, n_char = 0;

	printf("%s%s%s  %s  %s\n", r->rproc[0] ? r->rproc : base_of(r->control),
	       r->name[0] ? " " : "", r->name, r->state,
	       ours ? base_of(r->control) :
	       "(no control node: remote down or driver not loaded)");
	if (r->char_control[0])
		printf("  rpmsg_char: %s\n", r->char_control);
	if (!r->control[0])
		return;
	list_note(r);
	printf("  channels:%s\n", r->n_channels ? "" : " none");
	for (uint32_t j = 0; j < r->n_channels; j++) {
		alp_rpc_dev_channel_t c = { .size = sizeof(c) };

		alp_rpc_dev_list_channel(l, i, j, &c);
		printf("    %-31s addr %u (0x%x)\n", c.name, c.addr, c.addr);
	}
	for (uint32_t j = 0; j < r->n_endpoints; j++) {
		alp_rpc_dev_endpoint_t e;

		endpoint(l, i, j, &e);
		if (e.backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC)
			n_ours++;
		else
			n_char++;
	}
	if (ours) {
		printf("  endpoints:%s\n", n_ours ? "" : " none");
		if (n_ours)
			printf("    %-18s %-20s %10s %10s %-9s %8s %8s %6s\n", "NODE", "NAME", "SRC",
			       "DST", "STATE", "RX", "TX", "DROPS");
	}
	for (uint32_t j = 0; ours && j < r->n_endpoints; j++) {
		alp_rpc_dev_endpoint_t e;
		char a[16], b[16];

		endpoint(l, i, j, &e);
		if (e.backend != ALP_RPC_DEV_BACKEND_RPMSG_RPC)
			continue;
		printf("    %-18s %-20s %10s %10s %-9s", e.node[0] ? e.node : "(fd)", e.name,
		       addr_str(e.src, a, sizeof(a)), addr_str(e.dst, b, sizeof(b)),
		       alp_rpc_dev_state_name(e.state));
		if (e.flags & ALP_RPC_DEV_EPT_F_STATS)
			printf(" %8llu %8llu %6llu\n", (unsigned long long)e.rx_msgs,
			       (unsigned long long)e.tx_msgs, (unsigned long long)e.rx_drops);
		else
			printf(" %8s %8s %6s\n", "-", "-", "-");
	}
	if (!n_char)
		return;
	/* rpmsg_char's sysfs has no state, MTU or counters */
	printf("  rpmsg_char endpoints:\n    %-18s %-20s %10s %10s\n", "NODE", "NAME", "SRC", "DST");
	for (uint32_t j = 0; j < r->n_endpoints; j++) {
		alp_rpc_dev_endpoint_t e;
		char a[16], b[16];

		endpoint(l, i, j, &e);
		if (e.backend == ALP_RPC_DEV_BACKEND_RPMSG_CHAR)
			printf("    %-18s %-20s %10s %10s\n", e.node, e.name,
			       addr_str(e.src, a, sizeof(a)), addr_str(e.dst, b, sizeof(b)));
	}
}

static int print_text(const alp_rpc_dev_list_t *l)
{
	size_t n = alp_rpc_dev_list_count(l);

	if (!n) {
		printf("no remote processors%s\n",
		       driver_loaded() ? "" : " (and the rpmsg_rpc driver is not loaded)");
		return EXIT_OK;
	}
	for (size_t i = 0; i < n; i++) {
		alp_rpc_dev_remote_t r = { .size = sizeof(r) };

		alp_rpc_dev_list_remote(l, i, &r);
		print_text_remote(l, i, &r);
	}
	return EXIT_OK;
}

static void json_str(const char *s)
{
	json_string(stdout, s, strlen(s));
}

static void json_str_or_null(const char *s)
{
	if (s[0])
		json_str(s);
	else
		printf("null");
}

static void json_endpoint(const alp_rpc_dev_endpoint_t *e, bool first)
{
	printf("%s{\"index\":%u,\"node\":", first ? "" : ",", e->index);
	json_str_or_null(e->node);
	printf(",\"name\":");
	json_str(e->name);
	printf(",\"src\":");
	if (e->src == ALP_RPC_DEV_ADDR_ANY)
		printf("null");
	else
		printf("%u", e->src);
	printf(",\"dst\":");
	if (e->dst == ALP_RPC_DEV_ADDR_ANY)
		printf("null");
	else
		printf("%u", e->dst);
	if (e->backend == ALP_RPC_DEV_BACKEND_RPMSG_CHAR) {
		printf("}");
		return;
	}
	printf(",\"state\":\"%s\",\"mtu\":%u,\"announce\":%s,\"bind_by_name\":%s",
	       alp_rpc_dev_state_name(e->state), e->mtu,
	       e->flags & ALP_RPC_DEV_EPT_F_ANNOUNCE ? "true" : "false",
	       e->flags & ALP_RPC_DEV_EPT_F_BIND_BY_NAME ? "true" : "false");
	if (e->flags & ALP_RPC_DEV_EPT_F_STATS)
		printf(",\"stats\":{\"rx_msgs\":%llu,\"tx_msgs\":%llu,\"rx_drops\":%llu,"
		       "\"rxq_depth\":%u,\"rx_bytes\":%llu,\"tx_bytes\":%llu,\"tx_busy\":%llu,"
		       "\"rxq_limit\":%u}",
		       (unsigned long long)e->rx_msgs, (unsigned long long)e->tx_msgs,
		       (unsigned long long)e->rx_drops, e->rxq_depth,
		       (unsigned long long)e->rx_bytes, (unsigned long long)e->tx_bytes,
		       (unsigned long long)e->tx_busy, e->rxq_limit);
	printf("}");
}

/* The endpoints of remote i with this backend, comma-separated. */
static void json_endpoints(const alp_rpc_dev_list_t *l, size_t i, const alp_rpc_dev_remote_t *r,
			   uint32_t backend)
{
	bool first = true;

	for (uint32_t j = 0; j < r->n_endpoints; j++) {
		alp_rpc_dev_endpoint_t e;

		endpoint(l, i, j, &e);
		if (e.backend == backend) {
			json_endpoint(&e, first);
			first = false;
		}
	}
}

static int print_json(const alp_rpc_dev_list_t *l)
{
	size_t n = alp_rpc_dev_list_count(l);

	printf("{\"driver_loaded\":%s,\"remotes\":[", driver_loaded() ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		alp_rpc_dev_remote_t r = { .size = sizeof(r) };
		bool ours;

		alp_rpc_dev_list_remote(l, i, &r);
		ours = r.backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC;
		printf("%s{\"rproc\":", i ? "," : "");
		json_str_or_null(r.rproc);
		printf(",\"name\":");
		json_str(r.name);
		printf(",\"state\":");
		json_str(r.state);
		printf(",\"control\":");
		json_str_or_null(ours ? r.control : "");
		printf(",\"rpmsg_char_control\":");
		json_str_or_null(r.char_control);
		printf(",\"from_sysfs\":%s", r.flags & ALP_RPC_DEV_REMOTE_F_SYSFS ? "true" : "false");
		printf(",\"channels\":[");
		for (uint32_t j = 0; j < r.n_channels; j++) {
			alp_rpc_dev_channel_t c = { .size = sizeof(c) };

			alp_rpc_dev_list_channel(l, i, j, &c);
			printf("%s{\"name\":", j ? "," : "");
			json_str(c.name);
			printf(",\"addr\":%u}", c.addr);
		}
		/* ours under "endpoints" (as before), upstream's apart: their indexes are another space */
		printf("],\"endpoints\":[");
		json_endpoints(l, i, &r, ALP_RPC_DEV_BACKEND_RPMSG_RPC);
		printf("],\"rpmsg_char_endpoints\":[");
		json_endpoints(l, i, &r, ALP_RPC_DEV_BACKEND_RPMSG_CHAR);
		printf("]}");
	}
	printf("]}\n");
	return EXIT_OK;
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	alp_rpc_dev_list_t *l;
	bool json = false;
	int c, rc;

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
	l = alp_rpc_dev_list_open(tools_dev());
	if (!l)
		die_status(alp_last_error(), "listing the remotes");
	rc = json ? print_json(l) : print_text(l);
	alp_rpc_dev_list_close(l);
	return rc;
}
