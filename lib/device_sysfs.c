// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The device level's sysfs reading: attributes, class directories, and the
 * endpoints and channels sysfs shows (ours, rpmsg_char's, the rpmsg bus's),
 * for the snapshot that device.c puts together.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "device.h"

void rpc_dev_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
}

int rpc_dev_read_file(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "re");
	size_t n;

	buf[0] = 0;
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

int rpc_dev_read_attr(const alp_rpc_dev_t *dev, const char *rel, char *buf, size_t cap)
{
	char path[PATH_MAX];

	rpc_dev_fmt(path, sizeof(path), "%s/%s", dev->sys, rel);
	return rpc_dev_read_file(path, buf, cap);
}

uint32_t rpc_dev_parse_addr(const char *s)
{
	/* rpmsg_char prints %d (ANY is -1), the rpmsg bus 0x%x, ours %u. */
	return (uint32_t)strtoll(s, NULL, 0);
}

void rpc_dev_rproc_state(const alp_rpc_dev_t *dev, const char *rproc, char *buf, size_t cap)
{
	char rel[128];

	buf[0] = 0;
	if (!rproc[0])
		return;
	rpc_dev_fmt(rel, sizeof(rel), "class/remoteproc/%.64s/state", rproc);
	rpc_dev_read_attr(dev, rel, buf, cap);
}

/* "prefixN" with N digits only: N, else -1. */
long rpc_dev_name_index(const char *name, const char *prefix)
{
	size_t k = strlen(prefix);

	if (strncmp(name, prefix, k) || !name[k])
		return -1;
	for (const char *p = name + k; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -1;
	return strtol(name + k, NULL, 10);
}

/* Names in <sys>/<dir> of the form prefixN, sorted by N (malloc'ed array of 64-byte names). */
size_t rpc_dev_scan_class(const alp_rpc_dev_t *dev, const char *dir, const char *prefix,
			  char (**out)[64])
{
	char p[PATH_MAX];
	char (*v)[64] = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;

	*out = NULL;
	rpc_dev_fmt(p, sizeof(p), "%s/%s", dev->sys, dir);
	d = opendir(p);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (rpc_dev_name_index(e->d_name, prefix) < 0)
			continue;
		if (n == cap) {
			char (*nv)[64] = realloc(v, (cap ? cap * 2 : 8) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
			cap = cap ? cap * 2 : 8;
		}
		rpc_dev_fmt(v[n++], 64, "%.63s", e->d_name);
	}
	closedir(d);
	/* insertion sort by index: a handful of entries */
	for (size_t i = 1; i < n; i++) {
		char t[64];
		size_t j = i;

		memcpy(t, v[i], 64);
		while (j && rpc_dev_name_index(v[j - 1], prefix) > rpc_dev_name_index(t, prefix)) {
			memcpy(v[j], v[j - 1], 64);
			j--;
		}
		memcpy(v[j], t, 64);
	}
	*out = v;
	return n;
}

/* realpath of <sys>/<rel> into out; false if it does not resolve. */
bool rpc_dev_sys_real(const alp_rpc_dev_t *dev, const char *rel, char *out)
{
	char p[PATH_MAX];

	rpc_dev_fmt(p, sizeof(p), "%s/%s", dev->sys, rel);
	return realpath(p, out) != NULL;
}

/* The last path component of path starting with prefix and followed by digits. */
void rpc_dev_component(const char *path, const char *prefix, char *out, size_t cap)
{
	const char *p = path;

	out[0] = 0;
	while ((p = strchr(p, '/'))) {
		const char *s = ++p, *end = strchrnul(s, '/');
		char part[64];

		if ((size_t)(end - s) >= sizeof(part))
			continue;
		memcpy(part, s, (size_t)(end - s));
		part[end - s] = 0;
		if (rpc_dev_name_index(part, prefix) >= 0)
			rpc_strlcpy(out, part, cap);
	}
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return n && !strncmp(path, dir, n) && path[n] == '/';
}

static bool parent_is(const char *path, const char *dir)
{
	const char *slash = strrchr(path, '/');

	return slash && (size_t)(slash - path) == strlen(dir) && !strncmp(path, dir, strlen(dir));
}

static uint32_t state_from_name(const char *s)
{
	static const char *const names[] = { "unbound", "bound", "waiting", "withdrawn", "dead" };

	for (uint32_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return i;
	return ALP_RPC_DEV_EPT_UNKNOWN;
}

/* Our endpoint's statistics from sysfs (only endpoints with a node have them). */
void rpc_dev_read_stats(const alp_rpc_dev_t *dev, alp_rpc_dev_endpoint_t *ep)
{
	static const char *const names[] = {
		"rx_msgs", "rx_bytes", "rx_drops", "tx_msgs", "tx_bytes", "tx_busy",
		"rxq_depth", "rxq_limit",
	};
	uint64_t v[8];

	for (size_t i = 0; i < 8; i++) {
		char rel[128], buf[32];

		rpc_dev_fmt(rel, sizeof(rel), "class/rpmsg_rpc/rpmsg_rpc%u/statistics/%s", ep->index,
			 names[i]);
		if (rpc_dev_read_attr(dev, rel, buf, sizeof(buf)))
			return;
		v[i] = strtoull(buf, NULL, 10);
	}
	ep->rx_msgs = v[0];
	ep->rx_bytes = v[1];
	ep->rx_drops = v[2];
	ep->tx_msgs = v[3];
	ep->tx_bytes = v[4];
	ep->tx_busy = v[5];
	ep->rxq_depth = (uint32_t)v[6];
	ep->rxq_limit = (uint32_t)v[7];
	ep->flags |= ALP_RPC_DEV_EPT_F_STATS;
}

/* An endpoint with a node, from its sysfs directory (ours or rpmsg_char's). */
void rpc_dev_ept_from_sysfs(const alp_rpc_dev_t *dev, uint32_t backend, const char *sysname,
			    alp_rpc_dev_endpoint_t *ep)
{
	bool ours = backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC;
	const char *cls = ours ? "rpmsg_rpc" : "rpmsg";
	char rel[160], buf[64];

	ep->backend = backend;
	ep->index = (uint32_t)rpc_dev_name_index(sysname, ours ? "rpmsg_rpc" : "rpmsg");
	ep->src = ep->dst = ALP_RPC_DEV_ADDR_ANY;
	ep->state = ALP_RPC_DEV_EPT_UNKNOWN;
	rpc_dev_fmt(ep->node, sizeof(ep->node), "%s/%s", dev->dev, sysname);
	rpc_dev_fmt(rel, sizeof(rel), "class/%s/%s/name", cls, sysname);
	rpc_dev_read_attr(dev, rel, ep->name, sizeof(ep->name));
	rpc_dev_fmt(rel, sizeof(rel), "class/%s/%s/src", cls, sysname);
	if (!rpc_dev_read_attr(dev, rel, buf, sizeof(buf)))
		ep->src = rpc_dev_parse_addr(buf);
	rpc_dev_fmt(rel, sizeof(rel), "class/%s/%s/dst", cls, sysname);
	if (!rpc_dev_read_attr(dev, rel, buf, sizeof(buf)))
		ep->dst = rpc_dev_parse_addr(buf);
	if (!ours)
		return;
	rpc_dev_fmt(rel, sizeof(rel), "class/rpmsg_rpc/%s/mtu", sysname);
	if (!rpc_dev_read_attr(dev, rel, buf, sizeof(buf)))
		ep->mtu = (uint32_t)strtoul(buf, NULL, 10);
	rpc_dev_fmt(rel, sizeof(rel), "class/rpmsg_rpc/%s/state", sysname);
	if (!rpc_dev_read_attr(dev, rel, buf, sizeof(buf)))
		ep->state = state_from_name(buf);
	rpc_dev_read_stats(dev, ep);
}

/*
 * Endpoint nodes of a backend from sysfs: ours are children of their
 * control device, upstream's live somewhere under the transport.
 */
void rpc_dev_epts_from_sysfs(const alp_rpc_dev_t *dev, struct rpc_dev_entry *e,
			     uint32_t backend, const char *dir_real)
{
	bool ours = backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC;
	const char *cls = ours ? "rpmsg_rpc" : "rpmsg";
	char rel[128], real[PATH_MAX];
	char (*names)[64];
	size_t n;

	rpc_dev_fmt(rel, sizeof(rel), "class/%s", cls);
	n = rpc_dev_scan_class(dev, rel, cls, &names);
	for (size_t i = 0; i < n; i++) {
		alp_rpc_dev_endpoint_t *x;

		rpc_dev_fmt(rel, sizeof(rel), "class/%s/%s", cls, names[i]);
		if (!rpc_dev_sys_real(dev, rel, real) ||
		    !(ours ? parent_is(real, dir_real) : under(real, dir_real)))
			continue;
		x = rpc_dev_add_endpoint(e);
		if (x)
			rpc_dev_ept_from_sysfs(dev, backend, names[i], x);
	}
	free(names);
}

/*
 * Channels from the rpmsg bus: devices under the transport with a remote
 * address, except the transport's own (as the driver's rpc_is_channel()).
 */
void rpc_dev_channels_from_sysfs(const alp_rpc_dev_t *dev, struct rpc_dev_entry *e,
				 const char *transport_real)
{
	static const char *const own[] = { "rpmsg_ctrl", "rpmsg_chrdev", "rpmsg_ns" };
	char p[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	DIR *d;

	rpc_dev_fmt(p, sizeof(p), "%s/bus/rpmsg/devices", dev->sys);
	d = opendir(p);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char rel[PATH_MAX], name[64] = "", dst[32] = "";
		alp_rpc_dev_channel_t *c;
		bool skip = false;

		if (de->d_name[0] == '.')
			continue;
		rpc_dev_fmt(rel, sizeof(rel), "bus/rpmsg/devices/%.200s", de->d_name);
		if (!rpc_dev_sys_real(dev, rel, real) || !parent_is(real, transport_real))
			continue;
		rpc_dev_fmt(rel, sizeof(rel), "bus/rpmsg/devices/%.200s/name", de->d_name);
		rpc_dev_read_attr(dev, rel, name, sizeof(name));
		rpc_dev_fmt(rel, sizeof(rel), "bus/rpmsg/devices/%.200s/dst", de->d_name);
		rpc_dev_read_attr(dev, rel, dst, sizeof(dst));
		for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
			skip |= !strcmp(name, own[i]);
		if (skip || !dst[0] || rpc_dev_parse_addr(dst) == ALP_RPC_DEV_ADDR_ANY)
			continue;
		c = rpc_dev_add_channel(e);
		if (!c)
			break;
		rpc_strlcpy(c->name, name, sizeof(c->name));
		c->addr = rpc_dev_parse_addr(dst);
	}
	closedir(d);
}
