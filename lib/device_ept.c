// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The device level: creating and destroying endpoints through a remote's
 * control node (ours: RPMSG_RPC_CREATE_EPT[_FD]/DESTROY_EPT; upstream
 * rpmsg_char: RPMSG_CREATE_EPT_IOCTL/RPMSG_DESTROY_EPT_IOCTL).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/rpmsg.h>
#include <linux/rpmsg_rpc.h>

#include "internal.h"
#include "device.h"

/* Status for a failed system call; errno is left as it was. */
static alp_status_t fail_errno(int err)
{
	switch (err) {
	case EINVAL:
	case E2BIG:
	case EADDRNOTAVAIL:
	case ENAMETOOLONG:
		rpc_set_error(ALP_ERR_INVAL);
		break;
	case EADDRINUSE:
	case EBUSY:
		rpc_set_error(ALP_ERR_BUSY);
		break;
	case ENOENT:
	case ENODEV:
	case ENXIO:
		rpc_set_error(ALP_ERR_NOT_READY);
		break;
	case EPERM:
	case EACCES:
	case EBADF:
		rpc_set_error(ALP_ERR_PERM);	/* as the channel API says it */
		break;
	case ENOTTY:
	case EOPNOTSUPP:
		rpc_set_error(ALP_ERR_NOSUPPORT);
		break;
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		rpc_set_error(ALP_ERR_NOMEM);
		break;
	default:
		rpc_set_error(ALP_ERR_IO);
		break;
	}
	errno = err;
	return alp_last_error();
}

/*
 * Names the driver accepts: [A-Za-z0-9._-] plus ':' and '@', at most 31
 * characters. Checked here so that a bad one fails with a clear EINVAL
 * before any kernel sees it.
 */
static bool name_ok(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && !strchr("._-:@", s[n]))
			return false;
	return n < ALP_RPC_DEV_NAME_MAX;
}

static alp_status_t check_config(const alp_rpc_dev_ept_config_t *cfg, bool fd)
{
	uint32_t known = ALP_RPC_DEV_EPT_F_ANNOUNCE | ALP_RPC_DEV_EPT_F_BIND_BY_NAME;

	if (fd)
		known |= ALP_RPC_DEV_EPT_F_NONBLOCK | ALP_RPC_DEV_EPT_F_CLOEXEC;
	if (!cfg || cfg->size < sizeof(*cfg) || !cfg->name || (cfg->flags & ~known) ||
	    !name_ok(cfg->name) || cfg->backend > ALP_RPC_DEV_BACKEND_RPMSG_CHAR)
		return fail_errno(EINVAL);
	if ((cfg->flags & (ALP_RPC_DEV_EPT_F_ANNOUNCE | ALP_RPC_DEV_EPT_F_BIND_BY_NAME)) &&
	    !cfg->name[0])
		return fail_errno(EINVAL);
	if ((cfg->flags & ALP_RPC_DEV_EPT_F_BIND_BY_NAME) && cfg->dst != ALP_RPC_DEV_ADDR_ANY)
		return fail_errno(EINVAL);
	return ALP_OK;
}

/* The control node to use on remote `which` for cfg's backend. */
static alp_status_t pick_control(alp_rpc_dev_t *dev, const char *which,
				 const alp_rpc_dev_ept_config_t *cfg, char *path, size_t cap,
				 uint32_t *backend)
{
	alp_rpc_dev_remote_t r = { .size = sizeof(r) };
	alp_status_t st = alp_rpc_dev_find_remote(dev, which, &r);

	if (st)
		return st;
	if (cfg->backend == ALP_RPC_DEV_BACKEND_RPMSG_CHAR ||
	    (!cfg->backend && r.backend == ALP_RPC_DEV_BACKEND_RPMSG_CHAR)) {
		*backend = ALP_RPC_DEV_BACKEND_RPMSG_CHAR;
		rpc_strlcpy(path, r.char_control, cap);
	} else {
		*backend = ALP_RPC_DEV_BACKEND_RPMSG_RPC;
		rpc_strlcpy(path, r.backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC ? r.control : "", cap);
	}
	if (!path[0])
		return fail_errno(ENODEV);	/* the remote lacks that backend */
	return ALP_OK;
}

static alp_status_t create_ours(alp_rpc_dev_t *dev, const char *ctrl,
				const alp_rpc_dev_ept_config_t *cfg, int *fd,
				alp_rpc_dev_endpoint_t *out)
{
	alp_rpc_dev_endpoint_t ep = { .size = sizeof(ep) };
	struct rpmsg_rpc_ept_create cr = {
		.size = sizeof(cr), .src = cfg->src, .dst = cfg->dst,
	};
	int cfd, err;

	cr.flags = (cfg->flags & ALP_RPC_DEV_EPT_F_ANNOUNCE ? RPMSG_RPC_EPT_F_ANNOUNCE : 0) |
		   (cfg->flags & ALP_RPC_DEV_EPT_F_BIND_BY_NAME ? RPMSG_RPC_EPT_F_BIND_BY_NAME : 0) |
		   (cfg->flags & ALP_RPC_DEV_EPT_F_NONBLOCK ? RPMSG_RPC_EPT_F_NONBLOCK : 0) |
		   (cfg->flags & ALP_RPC_DEV_EPT_F_CLOEXEC ? RPMSG_RPC_EPT_F_CLOEXEC : 0);
	rpc_strlcpy(cr.name, cfg->name, sizeof(cr.name));
	/* Creating changes the remote's state: the driver wants a writable fd. */
	cfd = open(ctrl, O_RDWR | O_CLOEXEC);
	if (cfd < 0)
		return fail_errno(errno);
	if (ioctl(cfd, fd ? RPMSG_RPC_CREATE_EPT_FD : RPMSG_RPC_CREATE_EPT, &cr) < 0) {
		err = errno;
		close(cfd);
		return fail_errno(err);
	}
	close(cfd);
	ep.backend = ALP_RPC_DEV_BACKEND_RPMSG_RPC;
	ep.index = cr.index;
	ep.src = cr.src;
	ep.dst = cr.dst;
	ep.mtu = cr.mtu;
	ep.flags = cfg->flags & (ALP_RPC_DEV_EPT_F_ANNOUNCE | ALP_RPC_DEV_EPT_F_BIND_BY_NAME);
	if (cfg->flags & ALP_RPC_DEV_EPT_F_BIND_BY_NAME)
		ep.state = cr.dst == RPMSG_RPC_ADDR_ANY ? ALP_RPC_DEV_EPT_WAITING : ALP_RPC_DEV_EPT_BOUND;
	else
		ep.state = cr.dst == RPMSG_RPC_ADDR_ANY ? ALP_RPC_DEV_EPT_UNBOUND : ALP_RPC_DEV_EPT_BOUND;
	ep.rxq_limit = RPMSG_RPC_RXQ_DEFAULT;
	rpc_strlcpy(ep.name, cfg->name, sizeof(ep.name));
	if (fd) {
		*fd = cr.fd;
		ep.flags |= ALP_RPC_DEV_EPT_F_ANON;
	} else {
		rpc_dev_fmt(ep.node, sizeof(ep.node), "%s/rpmsg_rpc%u", dev->dev, cr.index);
	}
	if (out)
		rpc_dev_copy_out(out, &ep, sizeof(ep));
	return rpc_set_error(ALP_OK);
}

/*
 * Upstream's create ioctl does not say which node it made: the newest
 * rpmsgN under this control device with our name is it.
 */
static void find_char_node(alp_rpc_dev_t *dev, const char *ctrl, const char *name,
			   alp_rpc_dev_endpoint_t *ep)
{
	const char *ctrl_name = strrchr(ctrl, '/') ? strrchr(ctrl, '/') + 1 : ctrl;
	char p[PATH_MAX], ctrl_real[PATH_MAX];
	long best = -1;
	struct dirent *e;
	DIR *d;

	rpc_dev_fmt(p, sizeof(p), "%s/class/rpmsg/%s", dev->sys, ctrl_name);
	if (!realpath(p, ctrl_real))
		return;
	rpc_dev_fmt(p, sizeof(p), "%s/class/rpmsg", dev->sys);
	d = opendir(p);
	while (d && (e = readdir(d))) {
		char real[PATH_MAX], n[64] = "", *end;
		const char *slash;
		long i;

		if (strncmp(e->d_name, "rpmsg", 5) || !isdigit((unsigned char)e->d_name[5]))
			continue;
		i = strtol(e->d_name + 5, &end, 10);
		if (*end)
			continue;
		rpc_dev_fmt(p, sizeof(p), "%s/class/rpmsg/%s", dev->sys, e->d_name);
		if (!realpath(p, real))
			continue;
		slash = strrchr(real, '/');
		if (!slash || (size_t)(slash - real) != strlen(ctrl_real) ||
		    strncmp(real, ctrl_real, strlen(ctrl_real)))
			continue;
		rpc_dev_fmt(p, sizeof(p), "%s/class/rpmsg/%s/name", dev->sys, e->d_name);
		rpc_dev_read_file(p, n, sizeof(n));
		if (!strcmp(n, name) && i > best)
			best = i;
	}
	if (d)
		closedir(d);
	if (best >= 0) {
		ep->index = (uint32_t)best;
		rpc_dev_fmt(ep->node, sizeof(ep->node), "%s/rpmsg%ld", dev->dev, best);
	}
}

static alp_status_t create_char(alp_rpc_dev_t *dev, const char *ctrl,
				const alp_rpc_dev_ept_config_t *cfg, alp_rpc_dev_endpoint_t *out)
{
	alp_rpc_dev_endpoint_t ep = { .size = sizeof(ep) };
	struct rpmsg_endpoint_info info = { .src = cfg->src, .dst = cfg->dst };
	int cfd, err;

	if (cfg->flags)
		return fail_errno(EOPNOTSUPP);	/* no announce, no bind by name upstream */
	rpc_strlcpy(info.name, cfg->name, sizeof(info.name));
	cfd = open(ctrl, O_RDWR | O_CLOEXEC);
	if (cfd < 0)
		return fail_errno(errno);
	if (ioctl(cfd, RPMSG_CREATE_EPT_IOCTL, &info) < 0) {
		err = errno;
		close(cfd);
		return fail_errno(err);
	}
	close(cfd);
	ep.backend = ALP_RPC_DEV_BACKEND_RPMSG_CHAR;
	ep.index = ALP_RPC_DEV_ADDR_ANY;
	ep.src = cfg->src;
	ep.dst = cfg->dst;
	ep.state = ALP_RPC_DEV_EPT_UNKNOWN;
	rpc_strlcpy(ep.name, cfg->name, sizeof(ep.name));
	find_char_node(dev, ctrl, cfg->name, &ep);
	if (out)
		rpc_dev_copy_out(out, &ep, sizeof(ep));
	return rpc_set_error(ALP_OK);
}

/* The checks both creates share, and the control node to use. */
static alp_status_t prepare(alp_rpc_dev_t *dev, const char *which,
			    const alp_rpc_dev_ept_config_t *cfg, bool fd,
			    const alp_rpc_dev_endpoint_t *out, char *ctrl, uint32_t *backend)
{
	alp_status_t st;

	if (!dev || (out && out->size < 2 * sizeof(uint32_t)))
		return fail_errno(EINVAL);
	st = check_config(cfg, fd);
	if (!st)
		st = pick_control(dev, which, cfg, ctrl, PATH_MAX, backend);
	return st;
}

RPC_EXPORT alp_status_t alp_rpc_dev_ept_create(alp_rpc_dev_t *dev, const char *which,
					       const alp_rpc_dev_ept_config_t *cfg,
					       alp_rpc_dev_endpoint_t *out)
{
	char ctrl[PATH_MAX];
	uint32_t backend;
	alp_status_t st = prepare(dev, which, cfg, false, out, ctrl, &backend);

	if (st)
		return st;
	return backend == ALP_RPC_DEV_BACKEND_RPMSG_CHAR ? create_char(dev, ctrl, cfg, out) :
	       create_ours(dev, ctrl, cfg, NULL, out);
}

RPC_EXPORT alp_status_t alp_rpc_dev_ept_create_fd(alp_rpc_dev_t *dev, const char *which,
						  const alp_rpc_dev_ept_config_t *cfg, int *fd,
						  alp_rpc_dev_endpoint_t *out)
{
	char ctrl[PATH_MAX];
	uint32_t backend;
	alp_status_t st;

	if (!fd)
		return fail_errno(EINVAL);
	*fd = -1;
	st = prepare(dev, which, cfg, true, out, ctrl, &backend);
	if (st)
		return st;
	if (backend != ALP_RPC_DEV_BACKEND_RPMSG_RPC)
		return fail_errno(EOPNOTSUPP);	/* upstream never merged CREATE_EPT_FD */
	return create_ours(dev, ctrl, cfg, fd, out);
}

/* "/dev/rpmsg_rpcN", "rpmsg_rpcN", "N" -> ours; "/dev/rpmsgN", "rpmsgN" -> rpmsg_char. */
static bool parse_node(const char *node, uint32_t *backend, unsigned long *index)
{
	const char *p = strrchr(node, '/') ? strrchr(node, '/') + 1 : node;
	char *end;

	*backend = ALP_RPC_DEV_BACKEND_RPMSG_RPC;
	if (!strncmp(p, "rpmsg_rpc", 9) && isdigit((unsigned char)p[9])) {
		p += 9;
	} else if (!strncmp(p, "rpmsg", 5) && isdigit((unsigned char)p[5])) {
		p += 5;
		*backend = ALP_RPC_DEV_BACKEND_RPMSG_CHAR;
	} else if (p != node) {
		return false;	/* a path to something else */
	}
	if (!isdigit((unsigned char)*p))
		return false;
	errno = 0;
	*index = strtoul(p, &end, 10);
	return !*end && !errno && *index < UINT32_MAX;
}

RPC_EXPORT alp_status_t alp_rpc_dev_ept_destroy(alp_rpc_dev_t *dev, const char *node)
{
	char link[PATH_MAX], target[PATH_MAX], path[PATH_MAX];
	unsigned long idx;
	uint32_t backend;
	char *slash;
	ssize_t n;
	int fd, err;

	if (!dev || !node || !parse_node(node, &backend, &idx))
		return fail_errno(EINVAL);
	if (backend == ALP_RPC_DEV_BACKEND_RPMSG_CHAR) {
		rpc_dev_fmt(path, sizeof(path), "%s/rpmsg%lu", dev->dev, idx);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return fail_errno(errno);
		err = ioctl(fd, RPMSG_DESTROY_EPT_IOCTL) < 0 ? errno : 0;
		close(fd);
		return err ? fail_errno(err) : rpc_set_error(ALP_OK);
	}
	/* Our endpoint device is a child of its control device. */
	rpc_dev_fmt(link, sizeof(link), "%s/class/rpmsg_rpc/rpmsg_rpc%lu", dev->sys, idx);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return fail_errno(ENOENT);
	target[n] = 0;
	slash = strrchr(target, '/');
	if (slash)
		*slash = 0;
	slash = strrchr(target, '/');
	rpc_dev_fmt(path, sizeof(path), "%s/%s", dev->dev, slash ? slash + 1 : target);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(errno);
	{
		struct rpmsg_rpc_ept_destroy d = { .size = sizeof(d), .index = (uint32_t)idx };

		err = ioctl(fd, RPMSG_RPC_DESTROY_EPT, &d) < 0 ? errno : 0;
	}
	close(fd);
	return err ? fail_errno(err) : rpc_set_error(ALP_OK);
}
