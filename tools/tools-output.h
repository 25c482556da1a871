/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpcctl's output of payloads, JSON and frames (tools-output.c).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPCCTL_TOOLS_OUTPUT_H
#define RPCCTL_TOOLS_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tools-options.h"

bool is_printable(const uint8_t *p, size_t len);
void print_payload(FILE *f, const uint8_t *p, size_t len, enum out_format fmt);
void print_hex(FILE *f, const uint8_t *p, size_t len);
/* A JSON string literal (quotes included) of len bytes. */
void json_string(FILE *f, const void *s, size_t len);
/* "payload" as JSON members: "text" when printable, always "hex". */
void json_payload(FILE *f, const uint8_t *p, size_t len);
/*
 * One received message as a line: time, method, kind (call frames), length
 * ("1 byte", "2 bytes"), payload; or one JSON object.
 */
void print_frame(FILE *f, const uint8_t *msg, size_t len, enum out_format fmt, bool json);
/* Wall-clock "HH:MM:SS.mmm" of now. */
void timestamp(char *buf, size_t cap);

#endif /* RPCCTL_TOOLS_OUTPUT_H */
