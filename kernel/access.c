// SPDX-License-Identifier: GPL-2.0-only
/*
 * rpmsg_rpc: who may do what. The permission model of docs/ioctl.md
 * ("Permissions"), and the rule for endpoint names, in one place.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/rpmsg/ns.h>

#include "internal.h"

/* Anything that changes state or sends needs an fd opened for writing. */
int rpc_need_write(struct file *filp)
{
	return (filp->f_mode & FMODE_WRITE) ? 0 : -EBADF;
}

/* Taking messages off the queue needs an fd opened for reading. */
int rpc_need_read(struct file *filp)
{
	return (filp->f_mode & FMODE_READ) ? 0 : -EBADF;
}

/*
 * Speaking for the bus or for another endpoint is for administrators:
 * both whoever opened the fd and whoever uses it must hold CAP_NET_ADMIN,
 * so that passing an fd to a less privileged process (or a privileged
 * process writing to an fd it was handed) grants nothing.
 */
static bool rpc_privileged(struct file *filp)
{
	return file_ns_capable(filp, &init_user_ns, CAP_NET_ADMIN) &&
	       capable(CAP_NET_ADMIN);
}

/* The name-service address: what is sent there is an announcement. */
int rpc_check_dst(struct file *filp, u32 dst)
{
	if (dst == RPMSG_NS_ADDR && !rpc_privileged(filp))
		return -EPERM;
	return 0;
}

/* A source address that is not the endpoint's own is a forgery. */
int rpc_check_src(struct file *filp, u32 own, u32 src)
{
	if (src != RPMSG_RPC_ADDR_ANY && src != own && !rpc_privileged(filp))
		return -EPERM;
	return 0;
}

/*
 * ASCII only (the kernel's isalnum() takes Latin-1 letters too), no
 * separators: the name ends up in sysfs and in udev links.
 */
static bool rpc_name_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
	       c == ':' || c == '@';
}

/*
 * 0-31 bytes of [A-Za-z0-9._:@-], NUL-terminated, not starting with '.'
 * or '-' ("." and ".." are path components, "-x" an option); empty only
 * when nothing is announced or bound by it.
 */
int rpc_check_name(const char *name, u32 flags)
{
	size_t len = strnlen(name, RPMSG_RPC_NAME_SIZE);
	size_t i;

	if (len == RPMSG_RPC_NAME_SIZE)
		return -EINVAL;
	if (!len)
		return (flags & (RPMSG_RPC_EPT_F_ANNOUNCE |
				 RPMSG_RPC_EPT_F_BIND_BY_NAME)) ? -EINVAL : 0;
	if (name[0] == '.' || name[0] == '-')
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!rpc_name_char_ok(name[i]))
			return -EINVAL;
	return 0;
}
