/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Payloads given on the command line (tools-payload.c).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPCCTL_TOOLS_PAYLOAD_H
#define RPCCTL_TOOLS_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct payload {
	uint8_t *data;
	size_t len;
};
/*
 * DATA: "-" reads stdin, "@FILE" reads a file, otherwise the text itself;
 * with hex the text (or the file/stdin contents) is hex digits, spaces and
 * colons allowed between bytes. NULL arg gives an empty payload.
 */
void payload_from_arg(struct payload *p, const char *arg, bool hex);
void payload_free(struct payload *p);

#endif /* RPCCTL_TOOLS_PAYLOAD_H */
