/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests' helpers for upstream rpmsg_char nodes (/dev/rpmsgN) on a
 * simulated remote.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef CHARNODE_H
#define CHARNODE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

long charnode_now_ms(void);
/*
 * The N of the /dev/rpmsgN that rpmsg_char made for channel @name of the
 * remote @rproc ("remoteprocN"), waiting up to timeout_ms for it; -1 if
 * none appeared.
 */
int charnode_find(const char *rproc, const char *name, int timeout_ms);
/* open("/dev/rpmsgN", O_RDWR | O_CLOEXEC | flags) */
int charnode_open(int idx, int flags);
bool charnode_exists(int idx);
/* Wait up to timeout_ms for a message; -ETIMEDOUT or -errno on failure. */
ssize_t charnode_read(int fd, void *buf, size_t len, int timeout_ms);

#endif /* CHARNODE_H */
