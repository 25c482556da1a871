/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The device level's internals (lib/device*.c), never installed.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef LIBRPC_DEVICE_H
#define LIBRPC_DEVICE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <alp/rpc_device.h>

struct alp_rpc_dev {
	char sys[PATH_MAX / 2];		/* "/sys" or a test root */
	char dev[PATH_MAX / 2];		/* "/dev" or a test root */
};

/* snprintf that is allowed to cut (paths are bounded by the roots' checked lengths). */
void rpc_dev_fmt(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* One line of sysfs file <root>/<rel> (trailing newline stripped); -errno. */
int rpc_dev_read_attr(const alp_rpc_dev_t *dev, const char *rel, char *buf, size_t cap);
/* The same for an absolute path. */
int rpc_dev_read_file(const char *path, char *buf, size_t cap);
/* A sysfs number: decimal, 0x hex, or -1 (ANY). */
uint32_t rpc_dev_parse_addr(const char *s);
/* A remoteproc's state, "" if unknown. */
void rpc_dev_rproc_state(const alp_rpc_dev_t *dev, const char *rproc, char *buf, size_t cap);
/* Copy what fits of a struct whose first member is `uint32_t size`. */
void rpc_dev_copy_out(void *out, const void *in, size_t in_size);

/* One remote of a snapshot (device.c), with its channels and endpoints. */
struct rpc_dev_entry {
	alp_rpc_dev_remote_t r;
	char ctrl[64];			/* our control's sysname */
	char char_ctrl[64];		/* upstream's */
	alp_rpc_dev_channel_t *ch;
	alp_rpc_dev_endpoint_t *ep;
	size_t nch, nep, cap_ch, cap_ep;
};
/* One more zeroed, sized channel / endpoint of e; NULL when out of memory (device.c). */
alp_rpc_dev_channel_t *rpc_dev_add_channel(struct rpc_dev_entry *e);
alp_rpc_dev_endpoint_t *rpc_dev_add_endpoint(struct rpc_dev_entry *e);

/* ---- sysfs (device_sysfs.c) ---- */
/* "prefixN" with N digits only: N, else -1. */
long rpc_dev_name_index(const char *name, const char *prefix);
/* Names in <sys>/<dir> of the form prefixN, sorted by N (malloc'ed array of 64-byte names). */
size_t rpc_dev_scan_class(const alp_rpc_dev_t *dev, const char *dir, const char *prefix,
			  char (**out)[64]);
/* realpath of <sys>/<rel> into out (PATH_MAX); false if it does not resolve. */
bool rpc_dev_sys_real(const alp_rpc_dev_t *dev, const char *rel, char *out);
/* The last path component of path starting with prefix and followed by digits. */
void rpc_dev_component(const char *path, const char *prefix, char *out, size_t cap);
/* Our endpoint's statistics (only endpoints with a node have them). */
void rpc_dev_read_stats(const alp_rpc_dev_t *dev, alp_rpc_dev_endpoint_t *ep);
/* An endpoint with a node, from its sysfs directory (ours or rpmsg_char's). */
void rpc_dev_ept_from_sysfs(const alp_rpc_dev_t *dev, uint32_t backend, const char *sysname,
			    alp_rpc_dev_endpoint_t *ep);
/* Endpoint nodes of a backend whose devices lie below dir_real (a real sysfs path). */
void rpc_dev_epts_from_sysfs(const alp_rpc_dev_t *dev, struct rpc_dev_entry *e,
			     uint32_t backend, const char *dir_real);
/* Channels on the rpmsg bus below the transport's real sysfs path. */
void rpc_dev_channels_from_sysfs(const alp_rpc_dev_t *dev, struct rpc_dev_entry *e,
				 const char *transport_real);

/*
 * Turn one kernel device event into an alp_rpc_dev_event_t (fields zeroed
 * first, full size). attr(name, arg) returns an attribute of the device
 * while it exists, or NULL. false: not an event of ours (bind, unbind,
 * devices of no interest).
 */
bool rpc_dev_event_from(alp_rpc_dev_event_t *ev, const char *subsystem, const char *sysname,
			const char *action, const char *devpath,
			const char *(*attr)(const char *name, void *arg), void *arg);

#endif /* LIBRPC_DEVICE_H */
