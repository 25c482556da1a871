// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * alp_rpc._core: the callbacks librpc runs on its poll threads (GIL taken
 * there) and the setting of their slots.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */

#include "core.h"

static void sub_cb(const void *payload, size_t len, void *user)
{
	struct slot *s = user;
	PyGILState_STATE g;
	PyObject *fn, *data, *r;

	if (IS_FINALIZING())
		return;
	g = PyGILState_Ensure();
	fn = s->fn;	/* s may be freed by the call (close from the callback): not used after */
	if (fn) {
		Py_INCREF(fn);
		data = PyBytes_FromStringAndSize(payload, (Py_ssize_t)len);
		r = data ? PyObject_CallOneArg(fn, data) : NULL;
		Py_XDECREF(data);
		if (r)
			Py_DECREF(r);
		else
			pyrpc_report(fn);
		Py_DECREF(fn);
	}
	PyGILState_Release(g);
}

static void msg_cb(const char *method, const void *payload, size_t len, void *user)
{
	struct slot *s = user;
	PyGILState_STATE g;
	PyObject *fn, *r;

	if (IS_FINALIZING())
		return;
	g = PyGILState_Ensure();
	fn = s->fn;
	if (fn) {
		Py_INCREF(fn);
		r = PyObject_CallFunction(fn, "sy#", method, (const char *)payload, (Py_ssize_t)len);
		if (r)
			Py_DECREF(r);
		else
			pyrpc_report(fn);
		Py_DECREF(fn);
	}
	PyGILState_Release(g);
}

static void raw_cb(const void *msg, size_t len, void *user)
{
	sub_cb(msg, len, user);
}

/* Which wire status an alp_rpc.Error raised by a handler asks for. */
static int wire_status_of(PyObject *exc)
{
	PyObject *st = PyObject_GetAttrString(exc, "status");
	long v = st ? PyLong_AsLong(st) : 0;

	Py_XDECREF(st);
	PyErr_Clear();
	switch (v) {
	case ALP_ERR_NOMETHOD:
		return ALP_RPC_STATUS_NO_METHOD;
	case ALP_ERR_PROTO:
		return ALP_RPC_STATUS_BAD_PACKET;
	case ALP_ERR_TIMEOUT:
		return ALP_RPC_STATUS_TIMEOUT;
	default:
		return ALP_RPC_STATUS_EXEC_FAILED;
	}
}

/* The diagnostic sent with an error: the exception's text, cut to cap. */
static size_t put_text(PyObject *text, void *resp, size_t cap)
{
	Py_ssize_t n = 0;
	const char *u = text ? PyUnicode_AsUTF8AndSize(text, &n) : NULL;

	if (!u) {
		PyErr_Clear();
		return 0;
	}
	if ((size_t)n > cap)
		n = (Py_ssize_t)cap;
	memcpy(resp, u, (size_t)n);
	return (size_t)n;
}

static int srv_cb(const void *req, size_t req_len, void *resp, size_t *resp_len, void *user)
{
	struct slot *s = user;
	size_t cap = *resp_len;
	PyGILState_STATE g;
	PyObject *fn, *data, *r;
	int status = ALP_RPC_STATUS_NO_METHOD;

	*resp_len = 0;
	if (IS_FINALIZING())
		return ALP_RPC_STATUS_EXEC_FAILED;
	g = PyGILState_Ensure();
	fn = s->fn;
	if (!fn)
		goto out;
	Py_INCREF(fn);
	data = PyBytes_FromStringAndSize(req, (Py_ssize_t)req_len);
	r = data ? PyObject_CallOneArg(fn, data) : NULL;
	Py_XDECREF(data);
	if (r) {
		Py_buffer view;

		status = ALP_RPC_STATUS_OK;
		if (r != Py_None) {
			if (PyObject_GetBuffer(r, &view, PyBUF_SIMPLE) < 0) {
				PyErr_Format(PyExc_TypeError,
					     "handler for '%s' must return bytes or None, not %.100s",
					     s->method, Py_TYPE(r)->tp_name);
			} else if ((size_t)view.len > cap) {
				PyBuffer_Release(&view);
				PyErr_Format(PyExc_ValueError,
					     "reply of %zd bytes for '%s' exceeds the %zu the channel carries",
					     view.len, s->method, cap);
			} else {
				memcpy(resp, view.buf, (size_t)view.len);
				*resp_len = (size_t)view.len;
				PyBuffer_Release(&view);
			}
			if (PyErr_Occurred()) {
				PyObject *et, *ev, *tb, *text;

				PyErr_Fetch(&et, &ev, &tb);
				PyErr_NormalizeException(&et, &ev, &tb);
				text = ev ? PyObject_Str(ev) : NULL;
				*resp_len = put_text(text, resp, cap);
				Py_XDECREF(text);
				PyErr_Restore(et, ev, tb);
				pyrpc_report(fn);
				status = ALP_RPC_STATUS_EXEC_FAILED;
			}
		}
		Py_DECREF(r);
	} else {
		PyObject *et, *ev, *tb, *text;
		int intended;

		PyErr_Fetch(&et, &ev, &tb);
		PyErr_NormalizeException(&et, &ev, &tb);
		intended = ev && PyObject_IsInstance(ev, pyrpc_error) == 1;
		if (intended) {
			PyObject *d = PyObject_GetAttrString(ev, "diagnostic");

			/*
			 * An alp_rpc error raised on purpose: its status, and the
			 * diagnostic it carries (a peer's, passed on) or its text.
			 */
			PyErr_Clear();
			status = wire_status_of(ev);
			if (d && PyBytes_Check(d))
				text = PyUnicode_DecodeUTF8(PyBytes_AS_STRING(d), PyBytes_GET_SIZE(d),
							    "replace");
			else
				text = PyObject_Str(ev);
			Py_XDECREF(d);
			*resp_len = put_text(text, resp, cap);
			Py_XDECREF(text);
			Py_XDECREF(et);
			Py_XDECREF(ev);
			Py_XDECREF(tb);
		} else {
			/* A bug in the handler: the caller gets "Type: text", and it is reported. */
			text = ev ? PyUnicode_FromFormat("%s: %S", ((PyTypeObject *)et)->tp_name, ev) :
				    NULL;
			*resp_len = put_text(text, resp, cap);
			Py_XDECREF(text);
			PyErr_Restore(et, ev, tb);
			pyrpc_report(fn);
			status = ALP_RPC_STATUS_EXEC_FAILED;
		}
	}
	Py_DECREF(fn);
out:
	PyGILState_Release(g);
	return status;
}

/*
 * Set or remove (fn None) the callback of one slot kind. The slot of a
 * method is found or made under the GIL, fn swapped there; librpc is told
 * with the GIL released (removing waits for a running callback).
 */
PyObject *pyrpc_set_slot(ChannelObject *self, enum slot_kind kind, PyObject *mobj, PyObject *fn)
{
	struct slot **tab, **sp = NULL, *s;
	size_t n = 0;
	const char *method = NULL;
	alp_status_t st;
	int fresh = 0;

	if (fn != Py_None && !PyCallable_Check(fn)) {
		PyErr_Format(PyExc_TypeError, "callback must be callable, not %.100s",
			     Py_TYPE(fn)->tp_name);
		return NULL;
	}
	switch (kind) {
	case SLOT_SUB:
		tab = self->subs;
		n = ALP_RPC_SUBSCRIBE_MAX;
		break;
	case SLOT_SRV:
		tab = self->srvs;
		n = ALP_RPC_SERVE_MAX;
		break;
	case SLOT_MSG:
		tab = &self->msg;
		n = 1;
		break;
	default:
		tab = &self->raw;
		n = 1;
		break;
	}
	if (mobj) {
		if (!(method = pyrpc_method_arg(mobj)))
			return NULL;
		if (strlen(method) >= ALP_RPC_METHOD_MAX_LEN)
			return pyrpc_raise_status(ALP_ERR_INVAL, NULL, 0, 0);
		for (size_t i = 0; i < n; i++)
			if (tab[i] && !strcmp(tab[i]->method, method))
				sp = &tab[i];
		if (!sp && fn != Py_None)
			for (size_t i = 0; i < n; i++)
				/* a removed method's slot, once librpc has let go of it */
				if (!tab[i] || (!tab[i]->fn && !tab[i]->pending)) {
					sp = &tab[i];
					break;
				}
	} else {
		sp = &tab[0];
	}
	if (!sp) {
		if (fn == Py_None)
			Py_RETURN_NONE;
		return pyrpc_raise_status(ALP_ERR_NOMEM, NULL, 0, 0);
	}
	if (!*sp) {
		*sp = calloc(1, sizeof(**sp));
		if (!*sp)
			return PyErr_NoMemory();
		fresh = 1;
	}
	s = *sp;
	if (method && strcmp(s->method, method)) {
		/* a slot of a removed method reused: librpc no longer knows it */
		Py_CLEAR(s->fn);
		snprintf(s->method, sizeof(s->method), "%s", method);
	}
	if (fn == Py_None) {
		PyObject *old = s->fn;

		s->fn = NULL;
		Py_XDECREF(old);
	} else {
		PyObject *old = s->fn;

		s->fn = Py_NewRef(fn);
		Py_XDECREF(old);
	}
	self->users++;
	s->pending++;
	Py_BEGIN_ALLOW_THREADS
	switch (kind) {
	case SLOT_SUB:
		st = fn == Py_None ? alp_rpc_unsubscribe(self->ch, method) :
				     alp_rpc_subscribe(self->ch, method, sub_cb, s);
		break;
	case SLOT_SRV:
		st = alp_rpc_serve(self->ch, method, fn == Py_None ? NULL : srv_cb, s);
		break;
	case SLOT_MSG:
		st = alp_rpc_set_msg_cb(self->ch, fn == Py_None ? NULL : msg_cb, s);
		break;
	default:
		st = alp_rpc_set_raw_cb(self->ch, fn == Py_None ? NULL : raw_cb, s);
		break;
	}
	Py_END_ALLOW_THREADS
	self->users--;
	s->pending--;
	if (st) {
		Py_CLEAR(s->fn);
		if (fresh && !s->pending)
			pyrpc_free_slot(sp);
		return pyrpc_raise_status(st, NULL, 0, 0);
	}
	Py_RETURN_NONE;
}
