/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Opening a CHANNEL given on the command line (tools-channel.c).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPCCTL_TOOLS_CHANNEL_H
#define RPCCTL_TOOLS_CHANNEL_H

#include <stdbool.h>

#include <alp/rpc.h>

#include "tools-options.h"

/*
 * Open CHANNEL: a name (discovered like alp_rpc_open() does), a node path
 * (/dev/rpmsg_rpc_ctrlN, /dev/rpmsg_rpcN, /dev/rpmsgN, /dev/rpmsg_ctrlN,
 * rpmsg_rpc:PATH, rpmsg_char:PATH) or a unix:PATH / unix-listen:PATH
 * address. server: unix:PATH listens instead of connecting. Dies with a
 * message saying what failed and why.
 */
alp_rpc_channel_t *chan_open(const char *channel, const struct chan_opts *o, bool server);
/* Whether the last chan_open() used an existing endpoint node's fd, which
 * cannot come back once the remote is gone. */
extern bool chan_no_reconnect;
/* If channel is an existing endpoint node of our driver (/dev/rpmsg_rpcN), open it; else -1. */
int ept_node_open(const char *channel);
/* The device-level context every command shares (librpc's, <alp/rpc_device.h>). */
struct alp_rpc_dev *tools_dev(void);

#endif /* RPCCTL_TOOLS_CHANNEL_H */
