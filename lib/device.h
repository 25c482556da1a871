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
