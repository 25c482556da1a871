// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Thread-local last error and status texts.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>

#include "internal.h"

RPC_TLS alp_status_t rpc_last_error;

RPC_EXPORT alp_status_t alp_last_error(void)
{
	return rpc_last_error;
}

alp_status_t rpc_errno_status(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return ALP_OK;
	case EINVAL:
	case ENAMETOOLONG:
	case ENOTSOCK:
		return ALP_ERR_INVAL;
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		return ALP_ERR_NOMEM;
	case ENOENT:
	case ENODEV:
	case ENXIO:
	case ECONNREFUSED:
	case ECONNRESET:
	case EPIPE:
	case ENOTCONN:
	case EAGAIN:
	case ECANCELED:		/* a send stopped by close */
		return ALP_ERR_NOT_READY;
	case ETIMEDOUT:
		return ALP_ERR_TIMEOUT;
	case EMSGSIZE:
		return ALP_ERR_MSGSIZE;
	case EPERM:	/* our driver: reserved (53) or foreign source address */
	case EACCES:
	case EBADF:	/* our driver: node not opened for writing */
		return ALP_ERR_PERM;
	case ENOSYS:
	case ENOTSUP:
	case ENOTTY:
	case EPROTONOSUPPORT:
		return ALP_ERR_NOSUPPORT;
	default:
		return ALP_ERR_IO;
	}
}

RPC_EXPORT const char *alp_strerror(alp_status_t st)
{
	switch (st) {
	case ALP_OK:
		return "success";
	case ALP_ERR_INVAL:
		return "invalid argument";
	case ALP_ERR_NOMEM:
		return "out of memory or table full";
	case ALP_ERR_NOT_READY:
		return "peer not ready or link down";
	case ALP_ERR_NOSUPPORT:
		return "not supported";
	case ALP_ERR_TIMEOUT:
		return "timed out";
	case ALP_ERR_IO:
		return "transport I/O error";
	case ALP_ERR_MSGSIZE:
		return "message too large";
	case ALP_ERR_BUSY:
		return "would deadlock (blocking call from the channel's own callback)";
	case ALP_ERR_NOMETHOD:
		return "peer has no such method";
	case ALP_ERR_REMOTE:
		return "peer handler failed";
	case ALP_ERR_PROTO:
		return "bad packet";
	case ALP_ERR_PERM:
		return "operation not permitted";
	default:
		return "unknown error";
	}
}
