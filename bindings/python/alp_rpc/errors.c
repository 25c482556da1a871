// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * alp_rpc._core: the exceptions (librpc statuses to alp_rpc.Error subclasses)
 * and the argument and callback-error helpers.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */

#include "core.h"

PyObject *pyrpc_error;			/* alp_rpc.Error */
PyObject *pyrpc_exc_by_status[N_STATUS];	/* index: -status */

/* ---- errors ---------------------------------------------------------------- */

/*
 * The exception for a status: class per ALP_ERR_*, message from
 * alp_strerror() (plus the peer's diagnostic text or errno's reason), and
 * the attributes status, diagnostic (bytes or None) and errno (or None).
 */
PyObject *pyrpc_make_exc(alp_status_t st, const void *diag, size_t dlen, int sys_errno)
{
	PyObject *cls = (st < 0 && -st < N_STATUS && pyrpc_exc_by_status[-st]) ?
				pyrpc_exc_by_status[-st] : pyrpc_error;
	PyObject *msg, *exc, *d, *e, *s;
	int rc;

	if (diag && dlen) {
		PyObject *text = PyUnicode_DecodeUTF8(diag, (Py_ssize_t)dlen, "replace");

		msg = text ? PyUnicode_FromFormat("%s: %U", alp_strerror(st), text) : NULL;
		Py_XDECREF(text);
	} else if (sys_errno) {
		msg = PyUnicode_FromFormat("%s (%s)", alp_strerror(st), strerror(sys_errno));
	} else {
		msg = PyUnicode_FromString(alp_strerror(st));
	}
	if (!msg)
		return NULL;
	exc = PyObject_CallOneArg(cls, msg);
	Py_DECREF(msg);
	if (!exc)
		return NULL;
	d = (diag && dlen) ? PyBytes_FromStringAndSize(diag, (Py_ssize_t)dlen) : Py_NewRef(Py_None);
	e = sys_errno ? PyLong_FromLong(sys_errno) : Py_NewRef(Py_None);
	s = PyLong_FromLong(st);
	rc = (!d || !e || !s || PyObject_SetAttrString(exc, "status", s) < 0 ||
	      PyObject_SetAttrString(exc, "diagnostic", d) < 0 ||
	      PyObject_SetAttrString(exc, "errno", e) < 0) ? -1 : 0;
	Py_XDECREF(d);
	Py_XDECREF(e);
	Py_XDECREF(s);
	if (rc < 0)
		Py_CLEAR(exc);
	return exc;
}

PyObject *pyrpc_raise_status(alp_status_t st, const void *diag, size_t dlen, int sys_errno)
{
	PyObject *exc = pyrpc_make_exc(st, diag, dlen, sys_errno);

	if (exc) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
	return NULL;
}

/* Seconds (float or None = forever) to librpc's milliseconds. */
int pyrpc_to_ms(PyObject *t, uint32_t *ms)
{
	double s;

	if (!t || t == Py_None) {
		*ms = UINT32_MAX;
		return 0;
	}
	s = PyFloat_AsDouble(t);
	if (s == -1.0 && PyErr_Occurred())
		return -1;
	if (isnan(s) || s < 0) {
		PyErr_SetString(PyExc_ValueError, "timeout must be >= 0 seconds, or None");
		return -1;
	}
	s = ceil(s * 1000.0);
	*ms = s >= (double)(UINT32_MAX - 1) ? UINT32_MAX - 1 : (uint32_t)s;
	return 0;
}

/* Report the pending exception of a callback: sys.unraisablehook. */
void pyrpc_report(PyObject *where)
{
	PyErr_WriteUnraisable(where);
}
