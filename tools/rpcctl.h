/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpcctl subcommands: one file each (rpcctl-NAME.c); what they share is in
 * the tools-*.c files, one concern each.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPCCTL_H
#define RPCCTL_H

#include <alp/rpc.h>
#include <alp/rpc_codec.h>
#include <alp/rpc_ext.h>

#include "tools-channel.h"
#include "tools-clock.h"
#include "tools-frag.h"
#include "tools-messages.h"
#include "tools-options.h"
#include "tools-output.h"
#include "tools-payload.h"
#include "tools-peer-io.h"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

int cmd_list(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_call(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_bench(int argc, char **argv);

#endif /* RPCCTL_H */
