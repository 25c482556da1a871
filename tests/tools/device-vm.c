// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * librpc's device level (<alp/rpc_device.h>) against the real kernel, on
 * both backends: our rpmsg_rpc driver and upstream rpmsg_char. Run by the
 * VM suite tests/vm/suites/30-rpcctl with a simulated remote that runs the
 * demo firmware (it announces CHANNEL at ADDR).
 * Usage: device-vm REMOTEPROC CHANNEL ADDR
 * Prints "ok"/"not ok" per check; exit status 0 when every check passed.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <alp/rpc_device.h>
#include <alp/rpc_ext.h>

static int failed;

#define CHECK(cond, ...) check(!!(cond), #cond, __VA_ARGS__)

static void check(bool ok, const char *expr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check(bool ok, const char *expr, const char *fmt, ...)
{
	va_list ap;

	printf("# device-vm: %s ", ok ? "ok    " : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok) {
		printf("  (%s; last error %s, errno %s)", expr, alp_strerror(alp_last_error()),
		       strerror(errno));
		failed++;
	}
	putchar('\n');
	fflush(stdout);
}

static alp_rpc_dev_t *dev;

/* The remote with this remoteproc in a fresh snapshot; its index or -1. */
static long find(alp_rpc_dev_list_t *l, const char *rproc, alp_rpc_dev_remote_t *r)
{
	for (size_t i = 0; i < alp_rpc_dev_list_count(l); i++) {
		r->size = sizeof(*r);
		if (alp_rpc_dev_list_remote(l, i, r) == ALP_OK && !strcmp(r->rproc, rproc))
			return (long)i;
	}
	return -1;
}

/* Endpoint of the remote whose backend and src match, from a fresh snapshot. */
static bool listed(const char *rproc, uint32_t backend, uint32_t src, alp_rpc_dev_endpoint_t *out)
{
	alp_rpc_dev_list_t *l = alp_rpc_dev_list_open(dev);
	alp_rpc_dev_remote_t r;
	long i = find(l, rproc, &r);
	bool hit = false;

	for (uint32_t j = 0; i >= 0 && j < r.n_endpoints && !hit; j++) {
		out->size = sizeof(*out);
		alp_rpc_dev_list_endpoint(l, (size_t)i, j, out);
		hit = out->backend == backend && out->src == src;
	}
	alp_rpc_dev_list_close(l);
	return hit;
}

/* Read events until one of type about device arrives (5 s at most). */
static bool saw(alp_rpc_dev_monitor_t *m, uint32_t type, const char *device)
{
	alp_rpc_dev_event_t ev = { .size = sizeof(ev) };

	for (int i = 0; i < 50; i++) {
		if (alp_rpc_dev_monitor_read(m, &ev, 5000) != ALP_OK)
			return false;
		if (ev.type == type && !strcmp(ev.device, device))
			return true;
	}
	return false;
}

static const char *base(const char *p)
{
	return strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
}

static void snapshot(const char *rproc, const char *channel, uint32_t addr)
{
	alp_rpc_dev_list_t *l = alp_rpc_dev_list_open(dev);
	alp_rpc_dev_remote_t r;
	long i = find(l, rproc, &r);
	bool ch = false;

	CHECK(i >= 0, "the snapshot has %s", rproc);
	if (i < 0)
		return;
	CHECK(r.backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC && !strncmp(base(r.control), "rpmsg_rpc_ctrl", 14),
	      "our control node %s", r.control);
	CHECK(!strncmp(base(r.char_control), "rpmsg_ctrl", 10), "upstream's control node %s",
	      r.char_control);
	CHECK(r.list_status == ALP_OK && r.flags == 0, "listed through the LIST ioctls");
	CHECK(!strcmp(r.state, "running"), "state %s", r.state);
	for (uint32_t j = 0; j < r.n_channels; j++) {
		alp_rpc_dev_channel_t c = { .size = sizeof(c) };

		alp_rpc_dev_list_channel(l, (size_t)i, j, &c);
		ch |= !strcmp(c.name, channel) && c.addr == addr;
	}
	CHECK(ch, "channel %s at %u", channel, addr);
	alp_rpc_dev_list_close(l);
}

static void ours(const char *rproc, const char *channel, uint32_t addr, alp_rpc_dev_monitor_t *m)
{
	alp_rpc_dev_ept_config_t cfg = {
		.size = sizeof(cfg), .name = channel, .src = ALP_RPC_DEV_ADDR_ANY,
		.dst = ALP_RPC_DEV_ADDR_ANY, .backend = ALP_RPC_DEV_BACKEND_RPMSG_RPC,
		.flags = ALP_RPC_DEV_EPT_F_BIND_BY_NAME | ALP_RPC_DEV_EPT_F_ANNOUNCE,
	};
	alp_rpc_dev_endpoint_t ep = { .size = sizeof(ep) }, got = { .size = sizeof(got) };
	int fd = -1;

	CHECK(alp_rpc_dev_ept_create(dev, rproc, &cfg, &ep) == ALP_OK, "create, bind by name");
	CHECK(ep.dst == addr && ep.state == ALP_RPC_DEV_EPT_BOUND && access(ep.node, F_OK) == 0,
	      "%s bound to %u", ep.node, ep.dst);
	CHECK(!m || saw(m, ALP_RPC_DEV_EVENT_ENDPOINT_CREATED, base(ep.node)), "event: created");
	memset(&got, 0, sizeof(got));
	CHECK(listed(rproc, ALP_RPC_DEV_BACKEND_RPMSG_RPC, ep.src, &got), "listed (src %u)", ep.src);
	CHECK((got.flags & (ALP_RPC_DEV_EPT_F_ANNOUNCE | ALP_RPC_DEV_EPT_F_BIND_BY_NAME)) ==
	      (ALP_RPC_DEV_EPT_F_ANNOUNCE | ALP_RPC_DEV_EPT_F_BIND_BY_NAME),
	      "listed with its creation flags (0x%x)", got.flags);
	CHECK(got.flags & ALP_RPC_DEV_EPT_F_STATS, "listed with statistics (0x%x)", got.flags);
	/* the driver's default queue limit is the one create reported (its uapi's) */
	CHECK(got.mtu == 496 && got.rxq_limit == ep.rxq_limit && got.state == ALP_RPC_DEV_EPT_BOUND,
	      "listed with MTU %u, queue limit %u, state %s", got.mtu, got.rxq_limit,
	      alp_rpc_dev_state_name(got.state));
	got.size = sizeof(got);
	CHECK(alp_rpc_dev_node_endpoint(dev, ep.node, &got) == ALP_OK &&
	      got.backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC && !strcmp(got.name, channel),
	      "the node is our endpoint %s", got.name);
	CHECK(alp_rpc_dev_ept_destroy(dev, ep.node) == ALP_OK, "destroy");
	CHECK(access(ep.node, F_OK) < 0, "the node is gone");
	CHECK(!m || saw(m, ALP_RPC_DEV_EVENT_ENDPOINT_DESTROYED, base(ep.node)), "event: destroyed");
	errno = 0;
	CHECK(alp_rpc_dev_ept_destroy(dev, ep.node) == ALP_ERR_NOT_READY && errno == ENOENT,
	      "destroy twice: ENOENT");

	cfg.flags = 0;
	cfg.name = "dev-vm-fd";
	cfg.dst = addr;
	CHECK(alp_rpc_dev_ept_create_fd(dev, rproc, &cfg, &fd, &ep) == ALP_OK && fd >= 0 &&
	      (ep.flags & ALP_RPC_DEV_EPT_F_ANON) && !ep.node[0], "create_fd");
	CHECK(listed(rproc, ALP_RPC_DEV_BACKEND_RPMSG_RPC, ep.src, &got) &&
	      (got.flags & ALP_RPC_DEV_EPT_F_ANON) && !got.node[0], "the fd endpoint is listed, without node");
	close(fd);
	CHECK(!listed(rproc, ALP_RPC_DEV_BACKEND_RPMSG_RPC, ep.src, &got) ||
	      got.state == ALP_RPC_DEV_EPT_DEAD, "closing the fd destroys it");

	cfg.name = "bad name";
	errno = 0;
	CHECK(alp_rpc_dev_ept_create(dev, rproc, &cfg, NULL) == ALP_ERR_INVAL && errno == EINVAL,
	      "a bad name is refused");
	cfg.name = "dev-vm-dup";
	cfg.src = 7300;
	CHECK(alp_rpc_dev_ept_create(dev, rproc, &cfg, &ep) == ALP_OK, "create at 7300");
	errno = 0;
	CHECK(alp_rpc_dev_ept_create(dev, rproc, &cfg, NULL) == ALP_ERR_BUSY && errno == EADDRINUSE,
	      "7300 again: EADDRINUSE");
	CHECK(alp_rpc_dev_ept_destroy(dev, ep.node) == ALP_OK, "destroy it");
}

static void upstream(const char *rproc, uint32_t addr, alp_rpc_dev_monitor_t *m)
{
	alp_rpc_dev_ept_config_t cfg = {
		.size = sizeof(cfg), .name = "dev-vm-char", .src = 7200, .dst = addr,
		.backend = ALP_RPC_DEV_BACKEND_RPMSG_CHAR,
	};
	alp_rpc_dev_endpoint_t ep = { .size = sizeof(ep) }, got = { .size = sizeof(got) };
	int fd;

	CHECK(alp_rpc_dev_ept_create(dev, rproc, &cfg, &ep) == ALP_OK, "rpmsg_char: create");
	CHECK(!strncmp(ep.node, "/dev/rpmsg", 10) && access(ep.node, F_OK) == 0,
	      "rpmsg_char: node %s", ep.node);
	CHECK(!m || saw(m, ALP_RPC_DEV_EVENT_ENDPOINT_CREATED, base(ep.node)),
	      "rpmsg_char: event created");
	CHECK(listed(rproc, ALP_RPC_DEV_BACKEND_RPMSG_CHAR, 7200, &got) && got.dst == addr &&
	      !strcmp(got.name, "dev-vm-char") && got.state == ALP_RPC_DEV_EPT_UNKNOWN,
	      "rpmsg_char: listed (%s %u -> %u)", got.name, got.src, got.dst);
	got.size = sizeof(got);
	CHECK(alp_rpc_dev_node_endpoint(dev, ep.node, &got) == ALP_OK &&
	      got.backend == ALP_RPC_DEV_BACKEND_RPMSG_CHAR, "rpmsg_char: node_endpoint");
	CHECK(alp_rpc_dev_ept_destroy(dev, ep.node) == ALP_OK, "rpmsg_char: destroy");
	CHECK(!m || saw(m, ALP_RPC_DEV_EVENT_ENDPOINT_DESTROYED, base(ep.node)),
	      "rpmsg_char: event destroyed");
	CHECK(!listed(rproc, ALP_RPC_DEV_BACKEND_RPMSG_CHAR, 7200, &got), "rpmsg_char: gone");
	cfg.flags = ALP_RPC_DEV_EPT_F_ANNOUNCE;
	CHECK(alp_rpc_dev_ept_create(dev, rproc, &cfg, NULL) == ALP_ERR_NOSUPPORT,
	      "rpmsg_char: no announcements");
	cfg.flags = 0;
	CHECK(alp_rpc_dev_ept_create_fd(dev, rproc, &cfg, &fd, NULL) == ALP_ERR_NOSUPPORT,
	      "rpmsg_char: no fd endpoints");
}

int main(int argc, char **argv)
{
	alp_rpc_dev_monitor_t *m;
	uint32_t addr;

	if (argc != 4) {
		fprintf(stderr, "usage: device-vm REMOTEPROC CHANNEL ADDR\n");
		return 2;
	}
	addr = (uint32_t)strtoul(argv[3], NULL, 0);
	dev = alp_rpc_dev_open(NULL);
	CHECK(dev, "open");
	CHECK(alp_rpc_dev_backends(dev) == ((1u << ALP_RPC_DEV_BACKEND_RPMSG_RPC) |
					    (1u << ALP_RPC_DEV_BACKEND_RPMSG_CHAR)),
	      "both backends loaded");
	m = alp_rpc_dev_monitor_open(dev);
	CHECK(m && alp_rpc_dev_monitor_fd(m) >= 0, "monitor");
	snapshot(argv[1], argv[2], addr);
	ours(argv[1], argv[2], addr, m);
	upstream(argv[1], addr, m);
	alp_rpc_dev_monitor_close(m);
	alp_rpc_dev_close(dev);
	printf("# device-vm: %d failed\n", failed);
	return failed ? 1 : 0;
}
