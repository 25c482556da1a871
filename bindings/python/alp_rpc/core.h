// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * alp_rpc._core: the declarations the extension's C files share (private;
 * errors.c, channel.c, callbacks.c, device.c, _core.c). The rules the code
 * keeps (GIL, callbacks, slots) are at the top of _core.c.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef ALP_RPC_CORE_H
#define ALP_RPC_CORE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <alp/rpc.h>
#include <alp/rpc_device.h>
#include <alp/rpc_ext.h>

#if PY_VERSION_HEX >= 0x030d0000
#define IS_FINALIZING() Py_IsFinalizing()
#else
#define IS_FINALIZING() _Py_IsFinalizing()
#endif

/* ---- errors.c ---------------------------------------------------------------- */

#define N_STATUS 13	/* ALP_OK .. -ALP_ERR_PERM */

/* alp_rpc.Error, the base of every exception (set up by PyInit__core). */
extern PyObject *pyrpc_error;
/* The Error subclass for each status; index: -status (set up by PyInit__core). */
extern PyObject *pyrpc_exc_by_status[N_STATUS];

/* The exception for a status, its diagnostic and errno (a new reference). */
PyObject *pyrpc_make_exc(alp_status_t st, const void *diag, size_t dlen, int sys_errno);
/* Raise the exception for a status; returns NULL. */
PyObject *pyrpc_raise_status(alp_status_t st, const void *diag, size_t dlen, int sys_errno);
/* Seconds (float or None = forever) to librpc's milliseconds. */
int pyrpc_to_ms(PyObject *t, uint32_t *ms);
/* Report the pending exception of a callback: sys.unraisablehook. */
void pyrpc_report(PyObject *where);

/* ---- channel.c --------------------------------------------------------------- */

enum slot_kind { SLOT_SUB, SLOT_SRV, SLOT_MSG, SLOT_RAW };

/*
 * What librpc gets as `user`: one per method and kind, kept (and reused)
 * until the channel is closed, so that a callback waiting for the GIL never
 * finds it freed. fn is read and written under the GIL only; NULL: removed.
 */
struct slot {
	PyObject *fn;
	int pending;	/* threads telling librpc about this slot now */
	char method[ALP_RPC_METHOD_MAX_LEN];
};

#define N_SLOTS (ALP_RPC_SUBSCRIBE_MAX + ALP_RPC_SERVE_MAX)

typedef struct ChannelObject {
	PyObject_HEAD
	alp_rpc_channel_t *ch;		/* NULL once closed */
	int framing;
	int users;			/* threads inside a librpc call on ch (GIL-protected) */
	struct slot *subs[ALP_RPC_SUBSCRIBE_MAX];
	struct slot *srvs[ALP_RPC_SERVE_MAX];
	struct slot *msg, *raw;
	struct ChannelObject *next, *prev;	/* open channels, for atexit */
	PyObject *weakreflist;
} ChannelObject;

/* The Channel type (alp_rpc.Channel). */
extern PyTypeObject pyrpc_ChannelType;
/* Open channels, for atexit (GIL-protected list). */
extern ChannelObject *pyrpc_open_channels;
/* alp_rpc._complete(fut, ok, value), set by _set_helpers. */
extern PyObject *pyrpc_complete_helper;

/* Close the channel (idempotent); the module's _close_all too. */
void pyrpc_channel_close_impl(ChannelObject *self);
/* Free a slot and drop its callable; *s becomes NULL. */
void pyrpc_free_slot(struct slot **s);
/* A method name as UTF-8 (librpc checks the characters). */
const char *pyrpc_method_arg(PyObject *m);

/* ---- callbacks.c ------------------------------------------------------------- */

/* Set (fn) or remove (fn None) a subscription, handler, on_message or on_raw callable. */
PyObject *pyrpc_set_slot(ChannelObject *self, enum slot_kind kind, PyObject *mobj, PyObject *fn);

/* ---- device.c ---------------------------------------------------------------- */

/* The Device and Monitor types (alp_rpc.Device, alp_rpc.Monitor). */
extern PyTypeObject pyrpc_DeviceType;
extern PyTypeObject pyrpc_MonitorType;

#endif /* ALP_RPC_CORE_H */
