/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel API differences, in one place; force-included by Kbuild so that
 * the driver sources carry no version tests. Every guard says what changed.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPMSG_RPC_COMPAT_H
#define RPMSG_RPC_COMPAT_H

#include <linux/version.h>

/*
 * Oldest kernel supported: 5.15. Keep in sync with BUILD_EXCLUSIVE_KERNEL in
 * dkms.conf. Older kernels lack the rpmsg_ns split (5.11) that gives every
 * virtio remote a device that lives as long as the remote.
 */
#if KERNEL_VERSION(5, 15, 0) > LINUX_VERSION_CODE
#error "rpmsg_rpc needs Linux 5.15 or newer (see dkms.conf)"
#endif

/*
 * Without the RPMsg bus there is nothing to drive. Also in dkms.conf
 * (BUILD_EXCLUSIVE_CONFIG). RPMSG_RPC_COMPILE_ONLY (make compile-check)
 * builds anyway against the core's stubs, to check the code compiles.
 */
#if !IS_ENABLED(CONFIG_RPMSG) && !defined(RPMSG_RPC_COMPILE_ONLY)
#error "rpmsg_rpc needs a kernel with CONFIG_RPMSG (see dkms.conf)"
#endif

/*
 * The rpmsg device we create endpoints on: one that lives exactly as long as
 * the remote. Since 5.18 every transport registers an "rpmsg_ctrl" device;
 * before, glink/smd registered "rpmsg_chrdev" and virtio only "rpmsg_ns".
 */
#if KERNEL_VERSION(5, 18, 0) <= LINUX_VERSION_CODE
#define RPC_ANCHOR_NAMES	{ "rpmsg_ctrl" }
#define RPC_ANCHOR_ALIAS	"rpmsg:rpmsg_ctrl"
#else
#define RPC_ANCHOR_NAMES	{ "rpmsg_chrdev", "rpmsg_ns" }
/* virtio's anchor (the only transport we serve) */
#define RPC_ANCHOR_ALIAS	"rpmsg:rpmsg_ns"
#endif

/*
 * rpmsg_trysend_offchannel() and the offchannel ops were removed in 6.16:
 * sends with an explicit source address fail with EOPNOTSUPP there.
 */
#if KERNEL_VERSION(6, 16, 0) <= LINUX_VERSION_CODE
#define RPC_HAVE_OFFCHANNEL	0
#define rpc_trysend_offchannel(ept, src, dst, data, len)	(-EOPNOTSUPP)
#else
#define RPC_HAVE_OFFCHANNEL	1
#define rpc_trysend_offchannel	rpmsg_trysend_offchannel
#endif

/* del_timer_sync() became timer_delete_sync() in 6.2 (old name gone in 6.15) */
#if KERNEL_VERSION(6, 2, 0) > LINUX_VERSION_CODE
#define rpc_timer_delete_sync	del_timer_sync
#else
#define rpc_timer_delete_sync	timer_delete_sync
#endif

/* from_timer() was renamed timer_container_of() in 6.16 */
#if KERNEL_VERSION(6, 16, 0) <= LINUX_VERSION_CODE
#define from_timer		timer_container_of
#endif

/*
 * Not used on purpose, so no guard is needed: rpmsg_class (const since 6.10;
 * we register our own class), the flow-control ops (6.6; virtio has none,
 * the upstream FLOWCONTROL ioctls get ENOTTY), class_create() (lost its
 * owner argument in 6.4; we use class_register() on a static class).
 */

#endif /* RPMSG_RPC_COMPAT_H */
