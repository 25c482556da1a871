// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * alp_rpc._core: the CPython extension under the alp_rpc package, over
 * librpc's public API only (<alp/rpc.h>, <alp/rpc_ext.h>,
 * <alp/rpc_device.h>). The Pythonic surface (context managers, decorators,
 * asyncio, dataclasses, enums) is alp_rpc/__init__.py; the C files are the
 * part that must be C: the handles, the GIL, and the callbacks that librpc
 * runs on its poll threads. This file: the module and its init; errors.c
 * the exceptions, channel.c the Channel type, callbacks.c the callbacks
 * and their slots, device.c Device and Monitor; core.h what they share.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Rules kept here (docs/python.md, "Threads and the GIL"):
 * - every librpc call that can block (open, close, call, send, subscribe
 *   and serve changes, which wait for a running callback, device I/O) runs
 *   with the GIL released; callbacks take it with PyGILState_Ensure();
 * - a callback that raises is reported through sys.unraisablehook
 *   (PyErr_WriteUnraisable), a server handler's exception also becomes the
 *   error status and diagnostic the caller gets;
 * - a callback never runs Python code while the interpreter finalizes; the
 *   package closes every open channel from atexit, before that;
 * - the C `user` pointers given to librpc are slots owned by the channel,
 *   never the channel object itself; they are freed only once
 *   alp_rpc_close() has returned, after which librpc calls none of them.
 */

#include "core.h"

/* ---- module -------------------------------------------------------------------- */

static PyObject *mod_close_all(PyObject *m, PyObject *unused)
{
	(void)m;
	(void)unused;
	while (pyrpc_open_channels)
		pyrpc_channel_close_impl(pyrpc_open_channels);
	Py_RETURN_NONE;
}

static PyObject *mod_set_helpers(PyObject *m, PyObject *fn)
{
	(void)m;
	Py_XSETREF(pyrpc_complete_helper, Py_NewRef(fn));
	Py_RETURN_NONE;
}

static PyObject *mod_strerror(PyObject *m, PyObject *arg)
{
	long st = PyLong_AsLong(arg);

	(void)m;
	if (st == -1 && PyErr_Occurred())
		return NULL;
	return PyUnicode_FromString(alp_strerror((alp_status_t)st));
}

static PyObject *mod_event_name(PyObject *m, PyObject *arg)
{
	unsigned long v = PyLong_AsUnsignedLong(arg);

	(void)m;
	if (PyErr_Occurred())
		return NULL;
	return PyUnicode_FromString(alp_rpc_dev_event_name((uint32_t)v));
}

static PyObject *mod_state_name(PyObject *m, PyObject *arg)
{
	unsigned long v = PyLong_AsUnsignedLong(arg);

	(void)m;
	if (PyErr_Occurred())
		return NULL;
	return PyUnicode_FromString(alp_rpc_dev_state_name((uint32_t)v));
}

static PyMethodDef module_methods[] = {
	{ "_close_all", mod_close_all, METH_NOARGS, "Close every open channel (atexit)." },
	{ "_set_helpers", mod_set_helpers, METH_O, NULL },
	{ "strerror", mod_strerror, METH_O,
	  "strerror($module, status)\n--\n\nlibrpc's text for an ALP_ERR_* status." },
	{ "event_name", mod_event_name, METH_O,
	  "event_name($module, type)\n--\n\nlibrpc's name of a device event type ('remote-up', ...)." },
	{ "state_name", mod_state_name, METH_O,
	  "state_name($module, state)\n--\n\nlibrpc's name of an endpoint state ('bound', ...)." },
	{ NULL, NULL, 0, NULL }
};

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "alp_rpc._core",
	.m_doc = "librpc for Python: the C part of the alp_rpc package.",
	.m_size = -1,
	.m_methods = module_methods,
};

/* The exception classes: name, ALP_ERR_*, an extra built-in base, doc. */
static const struct {
	const char *name;
	alp_status_t st;
	PyObject **builtin;
	const char *doc;
} exc_table[] = {
	{ "InvalidArgument", ALP_ERR_INVAL, &PyExc_ValueError,
	  "ALP_ERR_INVAL: bad argument, method name, config or node (also a ValueError)." },
	{ "OutOfMemory", ALP_ERR_NOMEM, NULL,
	  "ALP_ERR_NOMEM: allocation failed, or a table (16 subscriptions, 16 handlers) is full." },
	{ "NotReady", ALP_ERR_NOT_READY, &PyExc_ConnectionError,
	  "ALP_ERR_NOT_READY: peer or node absent, link down, channel closed (also a ConnectionError)." },
	{ "NotSupported", ALP_ERR_NOSUPPORT, NULL,
	  "ALP_ERR_NOSUPPORT: not available on this channel or backend." },
	{ "Timeout", ALP_ERR_TIMEOUT, &PyExc_TimeoutError,
	  "ALP_ERR_TIMEOUT: no reply in time, or the peer answered TIMEOUT (also the built-in TimeoutError)." },
	{ "TransportError", ALP_ERR_IO, &PyExc_OSError,
	  "ALP_ERR_IO: the transport failed (also an OSError)." },
	{ "MessageTooLarge", ALP_ERR_MSGSIZE, NULL,
	  "ALP_ERR_MSGSIZE: the frame exceeds the transport's MTU (nothing was sent)." },
	{ "Busy", ALP_ERR_BUSY, NULL,
	  "ALP_ERR_BUSY: a blocking call from a callback of the same channel (use call_async), "
	  "or an address in use." },
	{ "NoSuchMethod", ALP_ERR_NOMETHOD, NULL,
	  "ALP_ERR_NOMETHOD: the peer has no handler for the method." },
	{ "RemoteFailure", ALP_ERR_REMOTE, NULL,
	  "ALP_ERR_REMOTE: the peer's handler failed; .diagnostic holds what it said." },
	{ "ProtocolError", ALP_ERR_PROTO, NULL,
	  "ALP_ERR_PROTO: the peer reported a bad packet, or sent one." },
	{ "PermissionDenied", ALP_ERR_PERM, &PyExc_PermissionError,
	  "ALP_ERR_PERM: no access to the node, or an address the driver refuses (also a PermissionError)." },
};

PyMODINIT_FUNC PyInit__core(void)
{
	PyObject *m = PyModule_Create(&module), *ns;
	char qual[64];

	if (!m)
		return NULL;
	if (PyType_Ready(&pyrpc_ChannelType) < 0 || PyType_Ready(&pyrpc_DeviceType) < 0 ||
	    PyType_Ready(&pyrpc_MonitorType) < 0)
		goto fail;
	ns = Py_BuildValue("{sisOsO}", "status", ALP_ERR_REMOTE, "diagnostic", Py_None, "errno",
			   Py_None);
	if (!ns)
		goto fail;
	pyrpc_error = PyErr_NewExceptionWithDoc(
		"alp_rpc.Error",
		"Base of every alp_rpc error. Attributes: status (the negative ALP_ERR_*\n"
		"code), diagnostic (bytes the peer sent with its error, or None), errno\n"
		"(the system's reason for a device-level failure, or None).",
		NULL, ns);
	Py_DECREF(ns);
	if (!pyrpc_error || PyModule_AddObjectRef(m, "Error", pyrpc_error) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(exc_table) / sizeof(exc_table[0]); i++) {
		PyObject *bases = exc_table[i].builtin ?
					  PyTuple_Pack(2, pyrpc_error, *exc_table[i].builtin) :
					  PyTuple_Pack(1, pyrpc_error);
		PyObject *cls;

		if (!bases)
			goto fail;
		snprintf(qual, sizeof(qual), "alp_rpc.%s", exc_table[i].name);
		/* status as a class attribute: what a handler raising it sends */
		ns = Py_BuildValue("{si}", "status", exc_table[i].st);
		cls = ns ? PyErr_NewExceptionWithDoc(qual, exc_table[i].doc, bases, ns) : NULL;
		Py_XDECREF(ns);
		Py_DECREF(bases);
		if (!cls || PyModule_AddObjectRef(m, exc_table[i].name, cls) < 0)
			goto fail;
		pyrpc_exc_by_status[-exc_table[i].st] = cls;
	}
	if (PyModule_AddObjectRef(m, "Channel", (PyObject *)&pyrpc_ChannelType) < 0 ||
	    PyModule_AddObjectRef(m, "Device", (PyObject *)&pyrpc_DeviceType) < 0 ||
	    PyModule_AddObjectRef(m, "Monitor", (PyObject *)&pyrpc_MonitorType) < 0 ||
	    PyModule_AddIntConstant(m, "METHOD_MAX_LEN", ALP_RPC_METHOD_MAX_LEN - 1) < 0 ||
	    PyModule_AddIntConstant(m, "SUBSCRIBE_MAX", ALP_RPC_SUBSCRIBE_MAX) < 0 ||
	    PyModule_AddIntConstant(m, "SERVE_MAX", ALP_RPC_SERVE_MAX) < 0)
		goto fail;
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
