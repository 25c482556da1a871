/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the demo firmware's ports share: the clock behind fw_uptime_ms()
 * and the console behind fw_log() (port_common.c).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef DEMO_FW_PORT_COMMON_H
#define DEMO_FW_PORT_COMMON_H

#include <stdbool.h>
#include <stdint.h>

extern uint64_t port_boot_ms;		/* CLOCK_MONOTONIC at this boot */
extern const char *port_log_prefix;	/* "[m33 firmware] " unless set */
extern bool port_log_stderr;		/* fw_log to stderr instead of stdout */
extern bool port_log_quiet;		/* fw_log prints nothing */

uint64_t port_mono_ms(void);

#endif
