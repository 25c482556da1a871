// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The device level: the context and the snapshot of remotes, channels and
 * endpoints (<alp/rpc_device.h>), put together from our driver's LIST
 * ioctls and from sysfs (read in device_sysfs.c). Endpoint creation is in
 * device_ept.c, events in device_monitor.c.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/rpmsg_rpc.h>

#include "internal.h"
#include "device.h"

/* ---- the context ------------------------------------------------------------ */

static const char *root_of(const char *given, const char *env, const char *dflt)
{
	const char *v = given ? given : secure_getenv(env);

	return v && *v ? v : dflt;
}

RPC_EXPORT alp_rpc_dev_t *alp_rpc_dev_open(const alp_rpc_dev_config_t *cfg)
{
	const char *sys, *dev;
	alp_rpc_dev_t *d;

	if (cfg && (cfg->size < sizeof(*cfg) || cfg->flags)) {
		rpc_set_error(ALP_ERR_INVAL);
		return NULL;
	}
	sys = root_of(cfg ? cfg->sysfs_root : NULL, "ALP_RPC_SYSFS_ROOT", "/sys");
	dev = root_of(cfg ? cfg->dev_root : NULL, "ALP_RPC_DEV_ROOT", "/dev");
	d = calloc(1, sizeof(*d));
	if (!d) {
		rpc_set_error(ALP_ERR_NOMEM);
		return NULL;
	}
	if (strlen(sys) >= sizeof(d->sys) - 64 || strlen(dev) >= sizeof(d->dev) - 64) {
		free(d);
		rpc_set_error(ALP_ERR_INVAL);
		return NULL;
	}
	rpc_strlcpy(d->sys, sys, sizeof(d->sys));
	rpc_strlcpy(d->dev, dev, sizeof(d->dev));
	rpc_set_error(ALP_OK);
	return d;
}

RPC_EXPORT void alp_rpc_dev_close(alp_rpc_dev_t *dev)
{
	free(dev);
}

void rpc_dev_copy_out(void *out, const void *in, size_t in_size)
{
	uint32_t want;

	memcpy(&want, out, sizeof(want));
	memcpy((uint8_t *)out + sizeof(want), (const uint8_t *)in + sizeof(want),
	       (want < in_size ? want : in_size) - sizeof(want));
}

/* The caller's struct can at least hold its size field and one more. */
static bool out_ok(const void *out)
{
	uint32_t size;

	if (!out)
		return false;
	memcpy(&size, out, sizeof(size));
	return size >= 2 * sizeof(uint32_t);
}

RPC_EXPORT uint32_t alp_rpc_dev_backends(alp_rpc_dev_t *dev)
{
	char p[PATH_MAX];
	uint32_t mask = 0;
	DIR *d;
	struct dirent *e;

	if (!dev)
		return 0;
	rpc_dev_fmt(p, sizeof(p), "%s/module/rpmsg_rpc", dev->sys);
	if (access(p, F_OK) == 0)
		mask |= 1u << ALP_RPC_DEV_BACKEND_RPMSG_RPC;
	rpc_dev_fmt(p, sizeof(p), "%s/module/rpmsg_char", dev->sys);
	if (access(p, F_OK) == 0)
		mask |= 1u << ALP_RPC_DEV_BACKEND_RPMSG_CHAR;
	/* built into the kernel: no module directory, but its control nodes */
	rpc_dev_fmt(p, sizeof(p), "%s/class/rpmsg", dev->sys);
	d = opendir(p);
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "rpmsg_ctrl", 10))
			mask |= 1u << ALP_RPC_DEV_BACKEND_RPMSG_CHAR;
	if (d)
		closedir(d);
	return mask;
}

/* ---- the snapshot ------------------------------------------------------------ */

struct alp_rpc_dev_list {
	struct rpc_dev_entry *r;
	size_t n, cap;
};

static struct rpc_dev_entry *add_remote(struct alp_rpc_dev_list *l)
{
	struct rpc_dev_entry *e;

	if (l->n == l->cap) {
		struct rpc_dev_entry *nr = realloc(l->r, (l->cap ? l->cap * 2 : 8) * sizeof(*nr));

		if (!nr)
			return NULL;
		l->r = nr;
		l->cap = l->cap ? l->cap * 2 : 8;
	}
	e = &l->r[l->n++];
	memset(e, 0, sizeof(*e));
	e->r.size = sizeof(e->r);
	return e;
}

/* One more zeroed, sized element at the end of *arr (n used, cap allocated); NULL if no memory. */
static void *grow(void **arr, size_t *n, size_t *cap, size_t elem)
{
	uint8_t *slot;
	uint32_t size = (uint32_t)elem;

	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		void *a = realloc(*arr, c * elem);

		if (!a)
			return NULL;
		*arr = a;
		*cap = c;
	}
	slot = (uint8_t *)*arr + (*n)++ * elem;
	memset(slot, 0, elem);
	memcpy(slot, &size, sizeof(size));	/* every element starts with its size */
	return slot;
}

alp_rpc_dev_channel_t *rpc_dev_add_channel(struct rpc_dev_entry *e)
{
	return grow((void **)&e->ch, &e->nch, &e->cap_ch, sizeof(*e->ch));
}

alp_rpc_dev_endpoint_t *rpc_dev_add_endpoint(struct rpc_dev_entry *e)
{
	return grow((void **)&e->ep, &e->nep, &e->cap_ep, sizeof(*e->ep));
}

/* LIST_* on our control node: a malloc'ed array, the count, or -errno. */
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

/* Channels and endpoints through the LIST ioctls; -errno if the node cannot be used. */
static int list_from_ctrl(const alp_rpc_dev_t *dev, struct rpc_dev_entry *e)
{
	struct rpmsg_rpc_channel *ch = NULL;
	struct rpmsg_rpc_ept_info *ep = NULL;
	char path[PATH_MAX];
	int fd, nc, ne;

	rpc_dev_fmt(path, sizeof(path), "%s/%s", dev->dev, e->ctrl);
	/* Listing changes nothing: read-only is enough (and all a reader may have). */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	nc = list_ioctl(fd, RPMSG_RPC_LIST_CHANNELS, sizeof(*ch), (void **)&ch);
	ne = nc < 0 ? nc : list_ioctl(fd, RPMSG_RPC_LIST_EPTS, sizeof(*ep), (void **)&ep);
	close(fd);
	if (nc < 0 || ne < 0) {
		free(ch);
		return nc < 0 ? nc : ne;
	}
	for (int i = 0; i < nc; i++) {
		alp_rpc_dev_channel_t *c = rpc_dev_add_channel(e);

		if (!c)
			break;
		c->addr = ch[i].addr;
		memcpy(c->name, ch[i].name, sizeof(c->name) - 1);
	}
	for (int i = 0; i < ne; i++) {
		alp_rpc_dev_endpoint_t *x = rpc_dev_add_endpoint(e);

		if (!x)
			break;
		x->backend = ALP_RPC_DEV_BACKEND_RPMSG_RPC;
		x->index = ep[i].index;
		memcpy(x->name, ep[i].name, sizeof(x->name) - 1);
		x->src = ep[i].src;
		x->dst = ep[i].dst;
		x->mtu = ep[i].mtu;
		x->state = ep[i].state;
		x->flags = ep[i].flags & (RPMSG_RPC_EPT_F_ANNOUNCE | RPMSG_RPC_EPT_F_BIND_BY_NAME |
					  RPMSG_RPC_EPT_F_ANON);
		x->rxq_limit = ep[i].rxq_limit;
		if (ep[i].minor == RPMSG_RPC_ADDR_ANY) {
			x->flags |= ALP_RPC_DEV_EPT_F_ANON;	/* no node, no sysfs entry */
		} else {
			rpc_dev_fmt(x->node, sizeof(x->node), "%s/rpmsg_rpc%u", dev->dev, x->index);
			rpc_dev_read_stats(dev, x);
		}
	}
	free(ch);
	free(ep);
	return 0;
}

static void fill_remote(const alp_rpc_dev_t *dev, struct rpc_dev_entry *e)
{
	char rel[128], transport_real[PATH_MAX] = "", ctrl_real[PATH_MAX];

	if (e->r.transport[0]) {
		rpc_dev_fmt(rel, sizeof(rel), "bus/virtio/devices/%s", e->r.transport);
		if (!rpc_dev_sys_real(dev, rel, transport_real))
			transport_real[0] = 0;
	}
	if (e->ctrl[0]) {
		int rc = list_from_ctrl(dev, e);

		if (rc == -ENODEV) {
			/* the remote went away while we looked */
			e->r.list_status = ALP_ERR_NOT_READY;
			e->r.sys_errno = ENODEV;
		} else if (rc < 0) {
			e->r.flags |= ALP_RPC_DEV_REMOTE_F_SYSFS;
			e->r.sys_errno = -rc;
			if (transport_real[0])
				rpc_dev_channels_from_sysfs(dev, e, transport_real);
			rpc_dev_fmt(rel, sizeof(rel), "class/rpmsg_rpc/%s", e->ctrl);
			if (rpc_dev_sys_real(dev, rel, ctrl_real))
				rpc_dev_epts_from_sysfs(dev, e, ALP_RPC_DEV_BACKEND_RPMSG_RPC, ctrl_real);
		}
	} else if (transport_real[0]) {
		rpc_dev_channels_from_sysfs(dev, e, transport_real);
	}
	if (transport_real[0] && e->char_ctrl[0])
		rpc_dev_epts_from_sysfs(dev, e, ALP_RPC_DEV_BACKEND_RPMSG_CHAR, transport_real);
	e->r.n_channels = (uint32_t)e->nch;
	e->r.n_endpoints = (uint32_t)e->nep;
}

static int cmp_remote(const void *a, const void *b)
{
	const struct rpc_dev_entry *x = a, *y = b;
	long i = rpc_dev_name_index(x->r.rproc, "remoteproc");
	long j = rpc_dev_name_index(y->r.rproc, "remoteproc");

	if (i < 0 || j < 0)
		return (i < 0) - (j < 0);
	return (i > j) - (i < j);
}

static struct rpc_dev_entry *find_by(struct alp_rpc_dev_list *l, const char *transport,
				    const char *rproc)
{
	for (size_t i = 0; i < l->n; i++) {
		if (transport[0] && !strcmp(l->r[i].r.transport, transport))
			return &l->r[i];
		if (rproc[0] && !strcmp(l->r[i].r.rproc, rproc))
			return &l->r[i];
	}
	return NULL;
}

static int collect(const alp_rpc_dev_t *dev, struct alp_rpc_dev_list *l)
{
	char (*names)[64];
	size_t n;

	n = rpc_dev_scan_class(dev, "class/remoteproc", "remoteproc", &names);
	for (size_t i = 0; i < n; i++) {
		struct rpc_dev_entry *e = add_remote(l);
		char rel[128];

		if (!e)
			goto nomem;
		rpc_strlcpy(e->r.rproc, names[i], sizeof(e->r.rproc));
		rpc_dev_fmt(rel, sizeof(rel), "class/remoteproc/%s/name", names[i]);
		rpc_dev_read_attr(dev, rel, e->r.name, sizeof(e->r.name));
		rpc_dev_rproc_state(dev, names[i], e->r.state, sizeof(e->r.state));
	}
	free(names);

	/* our control nodes, joined by their rproc attribute */
	n = rpc_dev_scan_class(dev, "class/rpmsg_rpc", "rpmsg_rpc_ctrl", &names);
	for (size_t i = 0; i < n; i++) {
		char rel[128], rproc[32] = "", transport[32] = "";
		struct rpc_dev_entry *e;

		rpc_dev_fmt(rel, sizeof(rel), "class/rpmsg_rpc/%s/rproc", names[i]);
		rpc_dev_read_attr(dev, rel, rproc, sizeof(rproc));
		rpc_dev_fmt(rel, sizeof(rel), "class/rpmsg_rpc/%s/transport", names[i]);
		rpc_dev_read_attr(dev, rel, transport, sizeof(transport));
		e = find_by(l, "", rproc);
		if (e && e->ctrl[0])
			e = NULL;	/* two control nodes on one remoteproc: show both */
		if (!e) {
			e = add_remote(l);
			if (!e)
				goto nomem;
			rpc_dev_fmt(rel, sizeof(rel), "class/rpmsg_rpc/%s/remote", names[i]);
			rpc_dev_read_attr(dev, rel, e->r.name, sizeof(e->r.name));
			rpc_strlcpy(e->r.state, "running", sizeof(e->r.state));
		}
		rpc_strlcpy(e->ctrl, names[i], sizeof(e->ctrl));
		rpc_strlcpy(e->r.transport, transport, sizeof(e->r.transport));
		rpc_dev_fmt(e->r.control, sizeof(e->r.control), "%s/%s", dev->dev, names[i]);
		e->r.backend = ALP_RPC_DEV_BACKEND_RPMSG_RPC;
	}
	free(names);

	/* upstream's, joined by the transport (or remoteproc) among their ancestors */
	n = rpc_dev_scan_class(dev, "class/rpmsg", "rpmsg_ctrl", &names);
	for (size_t i = 0; i < n; i++) {
		char rel[128], real[PATH_MAX], rproc[32], transport[32];
		struct rpc_dev_entry *e;

		rpc_dev_fmt(rel, sizeof(rel), "class/rpmsg/%s", names[i]);
		if (!rpc_dev_sys_real(dev, rel, real))
			continue;
		rpc_dev_component(real, "remoteproc", rproc, sizeof(rproc));
		rpc_dev_component(real, "virtio", transport, sizeof(transport));
		e = find_by(l, transport, "");
		if (!e)
			e = find_by(l, "", rproc);
		if (!e) {
			e = add_remote(l);
			if (!e)
				goto nomem;
			rpc_strlcpy(e->r.name, transport, sizeof(e->r.name));
			rpc_strlcpy(e->r.state, "running", sizeof(e->r.state));
		}
		if (!e->r.transport[0])
			rpc_strlcpy(e->r.transport, transport, sizeof(e->r.transport));
		rpc_strlcpy(e->char_ctrl, names[i], sizeof(e->char_ctrl));
		rpc_dev_fmt(e->r.char_control, sizeof(e->r.char_control), "%s/%s", dev->dev, names[i]);
		if (!e->r.control[0]) {
			rpc_strlcpy(e->r.control, e->r.char_control, sizeof(e->r.control));
			e->r.backend = ALP_RPC_DEV_BACKEND_RPMSG_CHAR;
		}
	}
	free(names);
	qsort(l->r, l->n, sizeof(*l->r), cmp_remote);
	for (size_t i = 0; i < l->n; i++)
		fill_remote(dev, &l->r[i]);
	return 0;
nomem:
	free(names);
	return -ENOMEM;
}

RPC_EXPORT void alp_rpc_dev_list_close(alp_rpc_dev_list_t *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->r[i].ch);
		free(l->r[i].ep);
	}
	free(l->r);
	free(l);
}

RPC_EXPORT alp_rpc_dev_list_t *alp_rpc_dev_list_open(alp_rpc_dev_t *dev)
{
	alp_rpc_dev_list_t *l;

	if (!dev) {
		rpc_set_error(ALP_ERR_INVAL);
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l || collect(dev, l)) {
		alp_rpc_dev_list_close(l);
		rpc_set_error(ALP_ERR_NOMEM);
		return NULL;
	}
	rpc_set_error(ALP_OK);
	return l;
}

RPC_EXPORT size_t alp_rpc_dev_list_count(const alp_rpc_dev_list_t *l)
{
	return l ? l->n : 0;
}

/* Copy element in of the snapshot to the caller's sized struct, if it exists. */
static alp_status_t give(bool exists, void *out, const void *in, size_t in_size)
{
	if (!exists || !out_ok(out))
		return rpc_set_error(ALP_ERR_INVAL);
	rpc_dev_copy_out(out, in, in_size);
	return rpc_set_error(ALP_OK);
}

RPC_EXPORT alp_status_t alp_rpc_dev_list_remote(const alp_rpc_dev_list_t *l, size_t r,
						alp_rpc_dev_remote_t *out)
{
	bool ok = l && r < l->n;

	return give(ok, out, ok ? &l->r[r].r : NULL, sizeof(l->r[0].r));
}

RPC_EXPORT alp_status_t alp_rpc_dev_list_channel(const alp_rpc_dev_list_t *l, size_t r, size_t i,
						 alp_rpc_dev_channel_t *out)
{
	bool ok = l && r < l->n && i < l->r[r].nch;

	return give(ok, out, ok ? &l->r[r].ch[i] : NULL, sizeof(*out));
}

RPC_EXPORT alp_status_t alp_rpc_dev_list_endpoint(const alp_rpc_dev_list_t *l, size_t r, size_t i,
						  alp_rpc_dev_endpoint_t *out)
{
	bool ok = l && r < l->n && i < l->r[r].nep;

	return give(ok, out, ok ? &l->r[r].ep[i] : NULL, sizeof(*out));
}

/* ---- finding one thing ------------------------------------------------------------- */

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static bool remote_matches(const struct rpc_dev_entry *e, const char *which)
{
	if (!strcmp(which, e->r.control) || !strcmp(which, e->r.char_control))
		return true;
	if (e->ctrl[0] && (!strcmp(which, e->ctrl) || !strcmp(which, e->ctrl + 14)))
		return true;
	if (e->char_ctrl[0] && !strcmp(which, e->char_ctrl))
		return true;
	if (!strchr(which, '/') && e->ctrl[0] && !strcmp(which, base_of(e->r.control)))
		return true;
	return (e->r.rproc[0] && !strcmp(which, e->r.rproc)) ||
	       (e->r.name[0] && !strcmp(which, e->r.name));
}

RPC_EXPORT alp_status_t alp_rpc_dev_find_remote(alp_rpc_dev_t *dev, const char *which,
						alp_rpc_dev_remote_t *out)
{
	alp_rpc_dev_list_t *l;
	const struct rpc_dev_entry *hit = NULL;
	size_t hits = 0;
	alp_status_t st;

	if (!dev || !out_ok(out))
		return rpc_set_error(ALP_ERR_INVAL);
	l = alp_rpc_dev_list_open(dev);
	if (!l)
		return alp_last_error();
	for (size_t i = 0; i < l->n; i++) {
		const struct rpc_dev_entry *e = &l->r[i];

		if (which ? remote_matches(e, which) : e->r.control[0] != 0) {
			if (!hit)
				hit = e;
			hits++;
		}
	}
	if (hit && (which || hits == 1)) {
		rpc_dev_copy_out(out, &hit->r, sizeof(hit->r));
		st = ALP_OK;
	} else {
		st = hits ? ALP_ERR_INVAL : ALP_ERR_NOT_READY;
	}
	alp_rpc_dev_list_close(l);
	if (st)
		errno = st == ALP_ERR_INVAL ? EEXIST : ENOENT;
	return rpc_set_error(st);
}

RPC_EXPORT alp_status_t alp_rpc_dev_node_endpoint(alp_rpc_dev_t *dev, const char *path,
						  alp_rpc_dev_endpoint_t *out)
{
	alp_rpc_dev_endpoint_t ep = { .size = sizeof(ep) };
	char rel[64], real[PATH_MAX], sub[PATH_MAX], link[PATH_MAX];
	const char *sysname, *subsys;
	struct stat st;
	ssize_t n;
	int err;

	if (!dev || !path || !out_ok(out))
		return rpc_set_error(ALP_ERR_INVAL);
	if (stat(path, &st) < 0) {
		err = errno;
		rpc_set_error(err == ENOENT ? ALP_ERR_NOT_READY : ALP_ERR_IO);
		errno = err;
		return alp_last_error();
	}
	err = ENOTTY;
	if (!S_ISCHR(st.st_mode))
		goto not_ept;
	err = ENODEV;
	rpc_dev_fmt(rel, sizeof(rel), "dev/char/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	if (!rpc_dev_sys_real(dev, rel, real))
		goto not_ept;
	rpc_dev_fmt(link, sizeof(link), "%s/subsystem", real);
	n = readlink(link, sub, sizeof(sub) - 1);
	if (n < 0)
		goto not_ept;
	sub[n] = 0;
	subsys = base_of(sub);
	sysname = base_of(real);
	if (!strcmp(subsys, "rpmsg_rpc") && rpc_dev_name_index(sysname, "rpmsg_rpc") >= 0)
		rpc_dev_ept_from_sysfs(dev, ALP_RPC_DEV_BACKEND_RPMSG_RPC, sysname, &ep);
	else if (!strcmp(subsys, "rpmsg") && rpc_dev_name_index(sysname, "rpmsg") >= 0)
		rpc_dev_ept_from_sysfs(dev, ALP_RPC_DEV_BACKEND_RPMSG_CHAR, sysname, &ep);
	else
		goto not_ept;
	rpc_strlcpy(ep.node, path, sizeof(ep.node));
	rpc_dev_copy_out(out, &ep, sizeof(ep));
	return rpc_set_error(ALP_OK);
not_ept:
	rpc_set_error(ALP_ERR_INVAL);
	errno = err;
	return ALP_ERR_INVAL;
}
