/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpcctl subcommands: one file each (rpcctl-NAME.c).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPCCTL_H
#define RPCCTL_H

#include "tools-common.h"

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
