// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * alp_rpc._core: the CPython extension under the alp_rpc package, over
 * librpc's public API only (<alp/rpc.h>, <alp/rpc_ext.h>,
 * <alp/rpc_device.h>). The Pythonic surface (context managers, decorators,
 * asyncio, dataclasses, enums) is alp_rpc/__init__.py; this file is the
 * part that must be C: the handles, the GIL, and the callbacks that librpc
 * runs on its poll threads.
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

#define N_STATUS 13	/* ALP_OK .. -ALP_ERR_PERM */

static PyObject *Error;			/* alp_rpc.Error */
static PyObject *exc_by_status[N_STATUS];	/* index: -status */
static PyObject *complete_helper;	/* alp_rpc._complete(fut, ok, value) */

/* ---- errors ---------------------------------------------------------------- */

/*
 * The exception for a status: class per ALP_ERR_*, message from
 * alp_strerror() (plus the peer's diagnostic text or errno's reason), and
 * the attributes status, diagnostic (bytes or None) and errno (or None).
 */
static PyObject *make_exc(alp_status_t st, const void *diag, size_t dlen, int sys_errno)
{
	PyObject *cls = (st < 0 && -st < N_STATUS && exc_by_status[-st]) ? exc_by_status[-st] : Error;
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

static PyObject *raise_status(alp_status_t st, const void *diag, size_t dlen, int sys_errno)
{
	PyObject *exc = make_exc(st, diag, dlen, sys_errno);

	if (exc) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
	return NULL;
}

/* Seconds (float or None = forever) to librpc's milliseconds. */
static int to_ms(PyObject *t, uint32_t *ms)
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
static void report(PyObject *where)
{
	PyErr_WriteUnraisable(where);
}

/* ---- the channel ------------------------------------------------------------- */

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

static ChannelObject *open_channels;	/* GIL-protected list */

static void link_open(ChannelObject *self)
{
	self->prev = NULL;
	self->next = open_channels;
	if (open_channels)
		open_channels->prev = self;
	open_channels = self;
}

static void unlink_open(ChannelObject *self)
{
	if (self->prev)
		self->prev->next = self->next;
	else if (open_channels == self)
		open_channels = self->next;
	if (self->next)
		self->next->prev = self->prev;
	self->next = self->prev = NULL;
}

/* Drop the slots' callables (after close: breaks reference cycles too). */
static void clear_slots(ChannelObject *self)
{
	for (size_t i = 0; i < ALP_RPC_SUBSCRIBE_MAX; i++)
		if (self->subs[i])
			Py_CLEAR(self->subs[i]->fn);
	for (size_t i = 0; i < ALP_RPC_SERVE_MAX; i++)
		if (self->srvs[i])
			Py_CLEAR(self->srvs[i]->fn);
	if (self->msg)
		Py_CLEAR(self->msg->fn);
	if (self->raw)
		Py_CLEAR(self->raw->fn);
}

static void free_slot(struct slot **s)
{
	if (*s) {
		Py_CLEAR((*s)->fn);
		free(*s);
		*s = NULL;
	}
}

/*
 * Close the handle (GIL held on entry and exit, released around
 * alp_rpc_close(), which joins the poll thread, whose callbacks need the
 * GIL). From a callback of this channel librpc returns at once and frees
 * the handle once the callback returns; it has dropped every subscription
 * and handler already. The slots' callables go now; their memory only with
 * the object (a thread in set_slot() may still hold one).
 */
static void channel_close_impl(ChannelObject *self)
{
	alp_rpc_channel_t *ch = self->ch;
	int users = self->users;

	if (!ch)
		return;
	self->ch = NULL;
	unlink_open(self);
	Py_BEGIN_ALLOW_THREADS
	/*
	 * Threads that checked the handle under the GIL and released it are
	 * about to enter librpc (which then makes them return NOT_READY):
	 * let them get there before the handle can be freed. Not a proof (see
	 * docs/python.md, "Limitations"): librpc has no close that tolerates
	 * a caller still on its way in.
	 */
	for (int i = 0; users && i < 20; i++)
		sched_yield();
	alp_rpc_close(ch);
	Py_END_ALLOW_THREADS
	clear_slots(self);
}

static ChannelObject *get_open(PyObject *o)
{
	ChannelObject *self = (ChannelObject *)o;

	if (!self->ch) {
		PyObject *exc = make_exc(ALP_ERR_NOT_READY, "channel is closed", 17, 0);

		if (exc) {
			PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
			Py_DECREF(exc);
		}
		return NULL;
	}
	return self;
}

/* A method name as UTF-8 (librpc checks the characters). */
static const char *method_arg(PyObject *m)
{
	if (!PyUnicode_Check(m)) {
		PyErr_Format(PyExc_TypeError, "method must be str, not %.100s", Py_TYPE(m)->tp_name);
		return NULL;
	}
	return PyUnicode_AsUTF8(m);
}

static int framing_arg(const char *f)
{
	if (!strcmp(f, "text"))
		return ALP_RPC_FRAMING_TEXT;
	if (!strcmp(f, "call"))
		return ALP_RPC_FRAMING_CALL;
	if (!strcmp(f, "raw"))
		return ALP_RPC_FRAMING_RAW;
	PyErr_Format(PyExc_ValueError, "framing must be 'text', 'call' or 'raw', not %R",
		     PyUnicode_FromString(f));
	return -1;
}

static PyObject *Channel_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	ChannelObject *self = (ChannelObject *)type->tp_alloc(type, 0);

	(void)args;
	(void)kw;
	return (PyObject *)self;
}

static int Channel_init(ChannelObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "name", "node", "framing", "src", "dst", "open_timeout",
				  "fd", "paused", NULL };
	const char *name, *node = NULL, *framing = "call";
	unsigned int src = 0, dst = 0;
	PyObject *open_timeout = NULL, *fdobj = Py_None;
	int paused = 0, fd = -1, f;
	alp_rpc_config_t cfg;
	alp_rpc_channel_t *ch;
	alp_status_t st;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "s|z$sIIOOp:Channel", kwlist, &name, &node,
					 &framing, &src, &dst, &open_timeout, &fdobj, &paused))
		return -1;
	if (self->ch) {
		PyErr_SetString(PyExc_TypeError, "Channel is already open");
		return -1;
	}
	f = framing_arg(framing);
	if (f < 0)
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = name;
	cfg.node = node;
	cfg.src_ept = src;
	cfg.dst_ept = dst;
	cfg.framing = (uint32_t)f;
	cfg.flags = paused ? ALP_RPC_OPEN_PAUSED : 0;
	if (open_timeout && open_timeout != Py_None) {
		if (to_ms(open_timeout, &cfg.open_timeout_ms) < 0)
			return -1;
		if (cfg.open_timeout_ms == 0)
			cfg.open_timeout_ms = 1;	/* librpc's 0 is "the default 5 s" */
	} else if (open_timeout == Py_None) {
		cfg.open_timeout_ms = UINT32_MAX;
	}
	if (fdobj != Py_None) {
		int given = PyObject_AsFileDescriptor(fdobj);

		if (given < 0)
			return -1;
		if (node) {
			PyErr_SetString(PyExc_ValueError, "give node or fd, not both");
			return -1;
		}
		/* librpc owns what it gets: give it a copy, the caller keeps its own. */
		fd = fcntl(given, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return PyErr_SetFromErrno(PyExc_OSError), -1;
	}
	Py_BEGIN_ALLOW_THREADS
	ch = fd >= 0 ? alp_rpc_open_fd_sized(sizeof(cfg), &cfg, fd) :
		       alp_rpc_open_sized(sizeof(cfg), &cfg);
	st = alp_last_error();
	Py_END_ALLOW_THREADS
	if (!ch) {
		raise_status(st, NULL, 0, 0);
		return -1;
	}
	self->ch = ch;
	self->framing = f;
	link_open(self);
	return 0;
}

static int Channel_traverse(ChannelObject *self, visitproc visit, void *arg)
{
	for (size_t i = 0; i < ALP_RPC_SUBSCRIBE_MAX; i++)
		if (self->subs[i])
			Py_VISIT(self->subs[i]->fn);
	for (size_t i = 0; i < ALP_RPC_SERVE_MAX; i++)
		if (self->srvs[i])
			Py_VISIT(self->srvs[i]->fn);
	if (self->msg)
		Py_VISIT(self->msg->fn);
	if (self->raw)
		Py_VISIT(self->raw->fn);
	return 0;
}

/* Breaking a cycle (a callback that refers to its channel) closes the channel. */
static int Channel_clear(ChannelObject *self)
{
	channel_close_impl(self);
	return 0;
}

static void Channel_dealloc(ChannelObject *self)
{
	PyObject_GC_UnTrack(self);
	if (self->weakreflist)
		PyObject_ClearWeakRefs((PyObject *)self);
	channel_close_impl(self);
	for (size_t i = 0; i < ALP_RPC_SUBSCRIBE_MAX; i++)
		free_slot(&self->subs[i]);
	for (size_t i = 0; i < ALP_RPC_SERVE_MAX; i++)
		free_slot(&self->srvs[i]);
	free_slot(&self->msg);
	free_slot(&self->raw);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Channel_close(PyObject *o, PyObject *unused)
{
	(void)unused;
	channel_close_impl((ChannelObject *)o);
	Py_RETURN_NONE;
}

static PyObject *Channel_get_closed(PyObject *o, void *c)
{
	(void)c;
	return PyBool_FromLong(((ChannelObject *)o)->ch == NULL);
}

/*
 * Fast argument parsing for the calls on the hot path: positional or
 * keyword, names in `names`, `need` required.
 */
static int fast_args(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
		     const char *const *names, int n, int need, PyObject **out, const char *fn)
{
	for (int i = 0; i < n; i++)
		out[i] = NULL;
	if (nargs > n) {
		PyErr_Format(PyExc_TypeError, "%s() takes at most %d arguments (%zd given)", fn, n,
			     nargs);
		return -1;
	}
	for (Py_ssize_t i = 0; i < nargs; i++)
		out[i] = args[i];
	if (kwnames) {
		Py_ssize_t nk = PyTuple_GET_SIZE(kwnames);

		for (Py_ssize_t k = 0; k < nk; k++) {
			const char *kn = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k));
			int i;

			if (!kn)
				return -1;
			for (i = 0; i < n && strcmp(kn, names[i]); i++)
				;
			if (i == n) {
				PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%s'",
					     fn, kn);
				return -1;
			}
			if (out[i]) {
				PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'",
					     fn, kn);
				return -1;
			}
			out[i] = args[nargs + k];
		}
	}
	for (int i = 0; i < need; i++)
		if (!out[i]) {
			PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", fn,
				     names[i]);
			return -1;
		}
	return 0;
}

static int get_data(PyObject *o, Py_buffer *view)
{
	if (!o) {
		view->obj = NULL;
		view->buf = NULL;
		view->len = 0;
		return 0;
	}
	return PyObject_GetBuffer(o, view, PyBUF_SIMPLE);
}

static void put_data(Py_buffer *view)
{
	if (view->obj)
		PyBuffer_Release(view);
}

static PyObject *Channel_send(PyObject *o, PyObject *const *args, Py_ssize_t nargs,
			      PyObject *kwnames)
{
	static const char *const names[] = { "method", "data" };
	ChannelObject *self;
	PyObject *a[2];
	const char *method;
	Py_buffer data;
	alp_status_t st;

	if (fast_args(args, nargs, kwnames, names, 2, 1, a, "send") < 0 || !(self = get_open(o)))
		return NULL;
	if (!(method = method_arg(a[0])) || get_data(a[1], &data) < 0)
		return NULL;
	self->users++;
	Py_BEGIN_ALLOW_THREADS
	st = alp_rpc_send(self->ch, method, data.buf, (size_t)data.len);
	Py_END_ALLOW_THREADS
	self->users--;
	put_data(&data);
	if (st)
		return raise_status(st, NULL, 0, 0);
	Py_RETURN_NONE;
}

#define REPLY_STACK 4096

static PyObject *Channel_call(PyObject *o, PyObject *const *args, Py_ssize_t nargs,
			      PyObject *kwnames)
{
	static const char *const names[] = { "method", "data", "timeout" };
	ChannelObject *self;
	PyObject *a[3], *ret;
	const char *method;
	Py_buffer data;
	uint32_t ms = 1000;
	char stackbuf[REPLY_STACK], *buf = stackbuf;
	size_t cap = sizeof(stackbuf), len;
	alp_status_t st;

	if (fast_args(args, nargs, kwnames, names, 3, 1, a, "call") < 0 || !(self = get_open(o)))
		return NULL;
	if (!(method = method_arg(a[0])) || (a[2] && to_ms(a[2], &ms) < 0) ||
	    get_data(a[1], &data) < 0)
		return NULL;
	if (alp_rpc_mtu(self->ch) > cap) {
		cap = alp_rpc_mtu(self->ch);
		buf = PyMem_Malloc(cap);
		if (!buf) {
			put_data(&data);
			return PyErr_NoMemory();
		}
	}
	len = cap;
	self->users++;
	Py_BEGIN_ALLOW_THREADS
	st = alp_rpc_call(self->ch, method, data.buf, (size_t)data.len, buf, &len, ms);
	Py_END_ALLOW_THREADS
	self->users--;
	put_data(&data);
	if (st == ALP_OK)
		ret = PyBytes_FromStringAndSize(buf, (Py_ssize_t)len);
	else
		ret = raise_status(st, buf, st == ALP_ERR_MSGSIZE ? 0 : len, 0);
	if (buf != stackbuf)
		PyMem_Free(buf);
	return ret;
}

struct pending {
	PyObject *loop;
	PyObject *fut;
};

/*
 * An async call completes on the poll thread: hand the result to the
 * future's loop (call_soon_threadsafe wakes it). A loop closed meanwhile
 * has nobody left to tell: dropped silently.
 */
static void done_cb(alp_status_t st, const void *resp, size_t len, void *user)
{
	struct pending *p = user;
	PyGILState_STATE g;
	PyObject *value, *r;

	if (IS_FINALIZING()) {
		free(p);	/* the objects go with the interpreter */
		return;
	}
	g = PyGILState_Ensure();
	value = st == ALP_OK ? PyBytes_FromStringAndSize(resp, (Py_ssize_t)len) :
			       make_exc(st, resp, len, 0);
	if (value) {
		r = PyObject_CallMethod(p->loop, "call_soon_threadsafe", "OOOO", complete_helper,
					p->fut, st == ALP_OK ? Py_True : Py_False, value);
		if (r)
			Py_DECREF(r);
		else if (PyErr_ExceptionMatches(PyExc_RuntimeError))
			PyErr_Clear();	/* the loop is closed */
		else
			report(p->fut);
		Py_DECREF(value);
	} else {
		report(p->fut);
	}
	Py_DECREF(p->loop);
	Py_DECREF(p->fut);
	free(p);
	PyGILState_Release(g);
}

static PyObject *Channel_call_async(PyObject *o, PyObject *args)
{
	ChannelObject *self;
	PyObject *m, *t, *loop, *fut;
	const char *method;
	Py_buffer data;
	uint32_t ms;
	struct pending *p;
	alp_status_t st;

	if (!PyArg_ParseTuple(args, "Uy*OOO:_call_async", &m, &data, &t, &loop, &fut))
		return NULL;
	if (!(self = get_open(o)) || !(method = method_arg(m)) || to_ms(t, &ms) < 0) {
		PyBuffer_Release(&data);
		return NULL;
	}
	p = malloc(sizeof(*p));
	if (!p) {
		PyBuffer_Release(&data);
		return PyErr_NoMemory();
	}
	p->loop = Py_NewRef(loop);
	p->fut = Py_NewRef(fut);
	/* Never blocks (async start): no need to release the GIL. */
	st = alp_rpc_call_async(self->ch, method, data.buf, (size_t)data.len, ms, done_cb, p);
	PyBuffer_Release(&data);
	if (st) {
		Py_DECREF(p->loop);
		Py_DECREF(p->fut);
		free(p);
		return raise_status(st, NULL, 0, 0);
	}
	Py_RETURN_NONE;
}

/* ---- callbacks --------------------------------------------------------------- */

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
			report(fn);
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
			report(fn);
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
				report(fn);
				status = ALP_RPC_STATUS_EXEC_FAILED;
			}
		}
		Py_DECREF(r);
	} else {
		PyObject *et, *ev, *tb, *text;
		int intended;

		PyErr_Fetch(&et, &ev, &tb);
		PyErr_NormalizeException(&et, &ev, &tb);
		intended = ev && PyObject_IsInstance(ev, Error) == 1;
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
			report(fn);
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
static PyObject *set_slot(ChannelObject *self, enum slot_kind kind, PyObject *mobj, PyObject *fn)
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
		if (!(method = method_arg(mobj)))
			return NULL;
		if (strlen(method) >= ALP_RPC_METHOD_MAX_LEN)
			return raise_status(ALP_ERR_INVAL, NULL, 0, 0);
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
		return raise_status(ALP_ERR_NOMEM, NULL, 0, 0);
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
			free_slot(sp);
		return raise_status(st, NULL, 0, 0);
	}
	Py_RETURN_NONE;
}

static PyObject *Channel_subscribe_c(PyObject *o, PyObject *args)
{
	PyObject *m, *fn;

	if (!PyArg_ParseTuple(args, "OO:_subscribe", &m, &fn) || !get_open(o))
		return NULL;
	return set_slot((ChannelObject *)o, SLOT_SUB, m, fn);
}

static PyObject *Channel_unsubscribe(PyObject *o, PyObject *m)
{
	if (!get_open(o))
		return NULL;
	return set_slot((ChannelObject *)o, SLOT_SUB, m, Py_None);
}

static PyObject *Channel_serve_c(PyObject *o, PyObject *args)
{
	PyObject *m, *fn;

	if (!PyArg_ParseTuple(args, "OO:_serve", &m, &fn) || !get_open(o))
		return NULL;
	return set_slot((ChannelObject *)o, SLOT_SRV, m, fn);
}

static PyObject *Channel_unserve(PyObject *o, PyObject *m)
{
	if (!get_open(o))
		return NULL;
	return set_slot((ChannelObject *)o, SLOT_SRV, m, Py_None);
}

static PyObject *Channel_on_message_c(PyObject *o, PyObject *fn)
{
	if (!get_open(o))
		return NULL;
	return set_slot((ChannelObject *)o, SLOT_MSG, NULL, fn);
}

static PyObject *Channel_on_raw_c(PyObject *o, PyObject *fn)
{
	if (!get_open(o))
		return NULL;
	return set_slot((ChannelObject *)o, SLOT_RAW, NULL, fn);
}

static PyObject *Channel_send_raw(PyObject *o, PyObject *arg)
{
	ChannelObject *self = get_open(o);
	Py_buffer data;
	alp_status_t st;

	if (!self || PyObject_GetBuffer(arg, &data, PyBUF_SIMPLE) < 0)
		return NULL;
	self->users++;
	Py_BEGIN_ALLOW_THREADS
	st = alp_rpc_send_raw(self->ch, data.buf, (size_t)data.len);
	Py_END_ALLOW_THREADS
	self->users--;
	PyBuffer_Release(&data);
	if (st)
		return raise_status(st, NULL, 0, 0);
	Py_RETURN_NONE;
}

static PyObject *Channel_resume(PyObject *o, PyObject *unused)
{
	ChannelObject *self = get_open(o);
	alp_status_t st;

	(void)unused;
	if (!self)
		return NULL;
	st = alp_rpc_resume(self->ch);
	if (st)
		return raise_status(st, NULL, 0, 0);
	Py_RETURN_NONE;
}

static PyObject *Channel_stats_c(PyObject *o, PyObject *unused)
{
	ChannelObject *self = get_open(o);
	alp_rpc_stats_t s;
	alp_status_t st;

	(void)unused;
	if (!self)
		return NULL;
	memset(&s, 0, sizeof(s));
	st = alp_rpc_get_stats(self->ch, &s, sizeof(s));
	if (st)
		return raise_status(st, NULL, 0, 0);
	return Py_BuildValue("(KKKKKKKKKKKKKKK)", s.tx_frames, s.tx_bytes, s.rx_frames,
			     s.rx_bytes, s.rx_malformed, s.rx_oversize, s.rx_unmatched_reply,
			     s.rx_unhandled, s.calls_ok, s.calls_failed, s.calls_timeout,
			     s.link_down, s.link_up, s.replies_failed, s.rx_dropped);
}

static PyObject *Channel_wait_connected(PyObject *o, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "timeout", NULL };
	ChannelObject *self;
	PyObject *t = Py_None;
	uint32_t ms;
	alp_status_t st;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:wait_connected", kwlist, &t) ||
	    !(self = get_open(o)) || to_ms(t, &ms) < 0)
		return NULL;
	self->users++;
	Py_BEGIN_ALLOW_THREADS
	st = alp_rpc_wait_connected(self->ch, ms);
	Py_END_ALLOW_THREADS
	self->users--;
	if (st)
		return raise_status(st, NULL, 0, 0);
	Py_RETURN_NONE;
}

static PyObject *Channel_get_mtu(PyObject *o, void *c)
{
	ChannelObject *self = get_open(o);

	(void)c;
	return self ? PyLong_FromSize_t(alp_rpc_mtu(self->ch)) : NULL;
}

static PyObject *Channel_get_connected(PyObject *o, void *c)
{
	ChannelObject *self = (ChannelObject *)o;

	(void)c;
	return PyBool_FromLong(self->ch && alp_rpc_is_connected(self->ch));
}

static PyObject *Channel_get_addresses(PyObject *o, void *c)
{
	ChannelObject *self = get_open(o);
	uint32_t src = 0, dst = 0;
	alp_status_t st;

	(void)c;
	if (!self)
		return NULL;
	st = alp_rpc_get_addrs(self->ch, &src, &dst);
	if (st)
		return raise_status(st, NULL, 0, 0);
	return Py_BuildValue("(II)", src, dst);
}

static PyObject *Channel_get_framing(PyObject *o, void *c)
{
	static const char *const names[] = { "text", "call", "raw" };

	(void)c;
	return PyUnicode_FromString(names[((ChannelObject *)o)->framing]);
}

static PyMethodDef Channel_methods[] = {
	{ "close", Channel_close, METH_NOARGS,
	  "close($self)\n--\n\nClose the channel: calls blocked in other threads raise NotReady,\n"
	  "pending call_async() futures get NotReady, callbacks are dropped.\n"
	  "Safe from the channel's own callbacks and more than once." },
	{ "send", (PyCFunction)(void (*)(void))Channel_send, METH_FASTCALL | METH_KEYWORDS,
	  "send($self, method, data=b'')\n--\n\nSend a one-way frame (fire and forget)." },
	{ "call", (PyCFunction)(void (*)(void))Channel_call, METH_FASTCALL | METH_KEYWORDS,
	  "call($self, method, data=b'', timeout=1.0)\n--\n\n"
	  "Call method on the peer and return its reply (bytes). timeout in\n"
	  "seconds, None waits forever. Raises Timeout (a TimeoutError),\n"
	  "NoSuchMethod, RemoteFailure (with the peer's diagnostic), NotReady,\n"
	  "Busy (from a callback of the same channel: use call_async)." },
	{ "_call_async", Channel_call_async, METH_VARARGS, NULL },
	{ "_subscribe", Channel_subscribe_c, METH_VARARGS, NULL },
	{ "unsubscribe", Channel_unsubscribe, METH_O,
	  "unsubscribe($self, method)\n--\n\nRemove the subscription for method (no error if none).\n"
	  "Returns once a running invocation of it has finished." },
	{ "_serve", Channel_serve_c, METH_VARARGS, NULL },
	{ "unserve", Channel_unserve, METH_O,
	  "unserve($self, method)\n--\n\nStop serving method (callers then get NoSuchMethod)." },
	{ "_on_message", Channel_on_message_c, METH_O, NULL },
	{ "_on_raw", Channel_on_raw_c, METH_O, NULL },
	{ "send_raw", Channel_send_raw, METH_O,
	  "send_raw($self, data)\n--\n\nWrite one message as it is (no framing added)." },
	{ "resume", Channel_resume, METH_NOARGS,
	  "resume($self)\n--\n\nStart reading a channel opened with paused=True: frames that\n"
	  "arrived meanwhile go to the callbacks registered by now, in order." },
	{ "_stats", Channel_stats_c, METH_NOARGS, NULL },
	{ "wait_connected", (PyCFunction)(void (*)(void))Channel_wait_connected,
	  METH_VARARGS | METH_KEYWORDS,
	  "wait_connected($self, timeout=None)\n--\n\nWait for the link to be up; Timeout if it is not\n"
	  "in time, Busy from a callback of this channel." },
	{ NULL, NULL, 0, NULL }
};

static PyGetSetDef Channel_getset[] = {
	{ "closed", Channel_get_closed, NULL, "True once close() was called.", NULL },
	{ "mtu", Channel_get_mtu, NULL, "Largest message the transport carries (bytes, framing included).", NULL },
	{ "connected", Channel_get_connected, NULL, "Whether the link is up now.", NULL },
	{ "addresses", Channel_get_addresses, NULL,
	  "(src, dst): the rpmsg addresses in use (0xffffffff: dst not bound yet).", NULL },
	{ "framing", Channel_get_framing, NULL, "'text', 'call' or 'raw'.", NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

static PyTypeObject ChannelType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "alp_rpc._core.Channel",
	.tp_basicsize = sizeof(ChannelObject),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
	.tp_doc = "The C channel under alp_rpc.Channel (use that).",
	.tp_new = Channel_new,
	.tp_init = (initproc)Channel_init,
	.tp_dealloc = (destructor)Channel_dealloc,
	.tp_traverse = (traverseproc)Channel_traverse,
	.tp_clear = (inquiry)Channel_clear,
	.tp_methods = Channel_methods,
	.tp_getset = Channel_getset,
	.tp_weaklistoffset = offsetof(ChannelObject, weakreflist),
};

/* ---- the device level -------------------------------------------------------- */

typedef struct {
	PyObject_HEAD
	alp_rpc_dev_t *dev;
	PyObject *roots;	/* keeps the root strings alive: librpc copies? not promised */
} DeviceObject;

static PyObject *dev_raise(alp_status_t st, int err)
{
	return raise_status(st, NULL, 0, err);
}

static int Device_init(DeviceObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "sysfs_root", "dev_root", NULL };
	PyObject *sys = Py_None, *devr = Py_None;
	alp_rpc_dev_config_t cfg;
	alp_rpc_dev_t *dev;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|$OO:Device", kwlist, &sys, &devr))
		return -1;
	if (self->dev) {
		PyErr_SetString(PyExc_TypeError, "Device is already open");
		return -1;
	}
	self->roots = Py_BuildValue("(OO)", sys, devr);
	if (!self->roots)
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	if (sys != Py_None && !(cfg.sysfs_root = PyUnicode_AsUTF8(sys)))
		return -1;
	if (devr != Py_None && !(cfg.dev_root = PyUnicode_AsUTF8(devr)))
		return -1;
	dev = alp_rpc_dev_open(&cfg);
	if (!dev) {
		dev_raise(alp_last_error(), 0);
		return -1;
	}
	self->dev = dev;
	return 0;
}

static void Device_dealloc(DeviceObject *self)
{
	alp_rpc_dev_close(self->dev);
	Py_XDECREF(self->roots);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static DeviceObject *dev_open(PyObject *o)
{
	DeviceObject *self = (DeviceObject *)o;

	if (!self->dev) {
		PyErr_SetString(PyExc_ValueError, "Device is not open");
		return NULL;
	}
	return self;
}

static PyObject *remote_dict(const alp_rpc_dev_remote_t *r)
{
	return Py_BuildValue("{sIsIsIsIsisissssssssssss}", "backend", r->backend, "flags",
			     r->flags, "n_channels", r->n_channels, "n_endpoints", r->n_endpoints,
			     "list_status", (int)r->list_status, "sys_errno", (int)r->sys_errno,
			     "rproc", r->rproc, "name", r->name, "state", r->state, "control",
			     r->control, "char_control", r->char_control, "transport",
			     r->transport);
}

static PyObject *endpoint_dict(const alp_rpc_dev_endpoint_t *e)
{
	return Py_BuildValue("{sIsIsIsIsIsIsIsIsIsKsKsKsKsKsKssss}", "backend", e->backend,
			     "index", e->index, "src", e->src, "dst", e->dst, "mtu", e->mtu,
			     "state", e->state, "flags", e->flags, "rxq_depth", e->rxq_depth,
			     "rxq_limit", e->rxq_limit, "rx_msgs", e->rx_msgs, "rx_bytes",
			     e->rx_bytes, "rx_drops", e->rx_drops, "tx_msgs", e->tx_msgs,
			     "tx_bytes", e->tx_bytes, "tx_busy", e->tx_busy, "name", e->name,
			     "node", e->node);
}

static PyObject *Device_backends(PyObject *o, PyObject *unused)
{
	DeviceObject *self = dev_open(o);
	uint32_t m;

	(void)unused;
	if (!self)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	m = alp_rpc_dev_backends(self->dev);
	Py_END_ALLOW_THREADS
	return PyLong_FromUnsignedLong(m);
}

/* The snapshot as a list of remote dicts, each with 'channels' and 'endpoints' lists. */
static PyObject *Device_remotes(PyObject *o, PyObject *unused)
{
	DeviceObject *self = dev_open(o);
	alp_rpc_dev_list_t *l;
	PyObject *out = NULL;
	size_t n;
	int err;

	(void)unused;
	if (!self)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	l = alp_rpc_dev_list_open(self->dev);
	err = errno;
	Py_END_ALLOW_THREADS
	if (!l)
		return dev_raise(alp_last_error(), err);
	n = alp_rpc_dev_list_count(l);
	out = PyList_New(0);
	for (size_t r = 0; out && r < n; r++) {
		alp_rpc_dev_remote_t rem = { .size = sizeof(rem) };
		PyObject *d, *chans, *epts;

		if (alp_rpc_dev_list_remote(l, r, &rem))
			continue;
		d = remote_dict(&rem);
		chans = PyList_New(0);
		epts = PyList_New(0);
		for (uint32_t i = 0; d && chans && i < rem.n_channels; i++) {
			alp_rpc_dev_channel_t c = { .size = sizeof(c) };
			PyObject *cd;

			if (alp_rpc_dev_list_channel(l, r, i, &c))
				continue;
			cd = Py_BuildValue("{sssI}", "name", c.name, "addr", c.addr);
			if (!cd || PyList_Append(chans, cd) < 0)
				Py_CLEAR(chans);
			Py_XDECREF(cd);
		}
		for (uint32_t i = 0; d && chans && epts && i < rem.n_endpoints; i++) {
			alp_rpc_dev_endpoint_t e = { .size = sizeof(e) };
			PyObject *ed;

			if (alp_rpc_dev_list_endpoint(l, r, i, &e))
				continue;
			ed = endpoint_dict(&e);
			if (!ed || PyList_Append(epts, ed) < 0)
				Py_CLEAR(epts);
			Py_XDECREF(ed);
		}
		if (!d || !chans || !epts || PyDict_SetItemString(d, "channels", chans) < 0 ||
		    PyDict_SetItemString(d, "endpoints", epts) < 0 || PyList_Append(out, d) < 0)
			Py_CLEAR(out);
		Py_XDECREF(d);
		Py_XDECREF(chans);
		Py_XDECREF(epts);
	}
	alp_rpc_dev_list_close(l);
	return out;
}

static PyObject *Device_find_remote(PyObject *o, PyObject *args)
{
	DeviceObject *self = dev_open(o);
	const char *which = NULL;
	alp_rpc_dev_remote_t rem = { .size = sizeof(rem) };
	alp_status_t st;
	int err;

	if (!self || !PyArg_ParseTuple(args, "|z:find_remote", &which))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	st = alp_rpc_dev_find_remote(self->dev, which, &rem);
	err = errno;
	Py_END_ALLOW_THREADS
	if (st)
		return dev_raise(st, err);
	return remote_dict(&rem);
}

static PyObject *Device_node_endpoint(PyObject *o, PyObject *args)
{
	DeviceObject *self = dev_open(o);
	const char *path;
	alp_rpc_dev_endpoint_t e = { .size = sizeof(e) };
	alp_status_t st;
	int err;

	if (!self || !PyArg_ParseTuple(args, "s:node_endpoint", &path))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	st = alp_rpc_dev_node_endpoint(self->dev, path, &e);
	err = errno;
	Py_END_ALLOW_THREADS
	if (st)
		return dev_raise(st, err);
	return endpoint_dict(&e);
}

static PyObject *Device_create(PyObject *o, PyObject *args)
{
	DeviceObject *self = dev_open(o);
	const char *which, *name;
	unsigned int flags, src, dst, backend;
	int want_fd, fd = -1, err;
	alp_rpc_dev_ept_config_t cfg;
	alp_rpc_dev_endpoint_t e = { .size = sizeof(e) };
	alp_status_t st;
	PyObject *d;

	if (!self || !PyArg_ParseTuple(args, "zsIIIIp:_create", &which, &name, &flags, &src, &dst,
				       &backend, &want_fd))
		return NULL;
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.flags = flags;
	cfg.name = name;
	cfg.src = src;
	cfg.dst = dst;
	cfg.backend = backend;
	Py_BEGIN_ALLOW_THREADS
	st = want_fd ? alp_rpc_dev_ept_create_fd(self->dev, which, &cfg, &fd, &e) :
		       alp_rpc_dev_ept_create(self->dev, which, &cfg, &e);
	err = errno;
	Py_END_ALLOW_THREADS
	if (st)
		return dev_raise(st, err);
	d = endpoint_dict(&e);
	if (!want_fd)
		return d;
	if (!d) {
		close(fd);
		return NULL;
	}
	return Py_BuildValue("(iN)", fd, d);
}

static PyObject *Device_destroy(PyObject *o, PyObject *args)
{
	DeviceObject *self = dev_open(o);
	const char *node;
	alp_status_t st;
	int err;

	if (!self || !PyArg_ParseTuple(args, "s:destroy_endpoint", &node))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	st = alp_rpc_dev_ept_destroy(self->dev, node);
	err = errno;
	Py_END_ALLOW_THREADS
	if (st)
		return dev_raise(st, err);
	Py_RETURN_NONE;
}

static PyTypeObject MonitorType;

typedef struct {
	PyObject_HEAD
	alp_rpc_dev_monitor_t *mon;
	PyObject *device;	/* the Device it watches: kept alive */
} MonitorObject;

static PyObject *Device_monitor_c(PyObject *o, PyObject *unused)
{
	DeviceObject *self = dev_open(o);
	MonitorObject *m;
	alp_rpc_dev_monitor_t *mon;

	(void)unused;
	if (!self)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	mon = alp_rpc_dev_monitor_open(self->dev);
	Py_END_ALLOW_THREADS
	if (!mon)
		return dev_raise(alp_last_error(), 0);
	m = PyObject_New(MonitorObject, &MonitorType);
	if (!m) {
		alp_rpc_dev_monitor_close(mon);
		return NULL;
	}
	m->mon = mon;
	m->device = Py_NewRef(o);
	return (PyObject *)m;
}

static PyMethodDef Device_methods[] = {
	{ "_backends", Device_backends, METH_NOARGS, NULL },
	{ "_remotes", Device_remotes, METH_NOARGS, NULL },
	{ "_find_remote", Device_find_remote, METH_VARARGS, NULL },
	{ "_node_endpoint", Device_node_endpoint, METH_VARARGS, NULL },
	{ "_create", Device_create, METH_VARARGS, NULL },
	{ "destroy_endpoint", Device_destroy, METH_VARARGS,
	  "destroy_endpoint($self, node)\n--\n\nDestroy the endpoint with node /dev/rpmsg_rpcN (or rpmsg_rpcN,\n"
	  "N, /dev/rpmsgN). NotReady if it does not exist (any more)." },
	{ "_monitor", Device_monitor_c, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL }
};

static PyTypeObject DeviceType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "alp_rpc._core.Device",
	.tp_basicsize = sizeof(DeviceObject),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = "The C device context under alp_rpc.Device (use that).",
	.tp_new = PyType_GenericNew,
	.tp_init = (initproc)Device_init,
	.tp_dealloc = (destructor)Device_dealloc,
	.tp_methods = Device_methods,
};

static void Monitor_dealloc(MonitorObject *self)
{
	alp_rpc_dev_monitor_close(self->mon);
	Py_XDECREF(self->device);
	PyObject_Free(self);
}

static MonitorObject *mon_open(PyObject *o)
{
	MonitorObject *self = (MonitorObject *)o;

	if (!self->mon) {
		PyErr_SetString(PyExc_ValueError, "monitor is closed");
		return NULL;
	}
	return self;
}

static PyObject *Monitor_fileno(PyObject *o, PyObject *unused)
{
	MonitorObject *self = mon_open(o);

	(void)unused;
	return self ? PyLong_FromLong(alp_rpc_dev_monitor_fd(self->mon)) : NULL;
}

static PyObject *Monitor_close(PyObject *o, PyObject *unused)
{
	MonitorObject *self = (MonitorObject *)o;

	(void)unused;
	alp_rpc_dev_monitor_close(self->mon);
	self->mon = NULL;
	Py_RETURN_NONE;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The next event as a dict, or None when none came within timeout
 * (seconds; None: wait for ever). Waits in poll() on the monitor's fd with
 * the GIL released, so that Ctrl-C (EINTR) interrupts it.
 */
static PyObject *Monitor_read(PyObject *o, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "timeout", NULL };
	MonitorObject *self;
	PyObject *t = Py_None;
	alp_rpc_dev_event_t ev;
	uint32_t ms;
	double end;
	alp_status_t st;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:read", kwlist, &t) || !(self = mon_open(o)) ||
	    to_ms(t, &ms) < 0)
		return NULL;
	end = mono_s() + ms / 1000.0;
	for (;;) {
		struct pollfd pfd = { .fd = alp_rpc_dev_monitor_fd(self->mon), .events = POLLIN };
		int rc = 0, err = 0, wait_ms;

		memset(&ev, 0, sizeof(ev));
		ev.size = sizeof(ev);
		Py_BEGIN_ALLOW_THREADS
		st = alp_rpc_dev_monitor_read(self->mon, &ev, 0);
		if (st == ALP_ERR_TIMEOUT) {
			double left = end - mono_s();

			wait_ms = ms == UINT32_MAX ? -1 : left <= 0 ? 0 : (int)ceil(left * 1000);
			if (wait_ms != 0) {
				rc = poll(&pfd, 1, wait_ms);
				err = errno;
			}
		}
		Py_END_ALLOW_THREADS
		if (st == ALP_OK)
			break;
		if (st != ALP_ERR_TIMEOUT)
			return dev_raise(st, 0);
		if (rc < 0 && err == EINTR) {
			if (PyErr_CheckSignals() < 0)
				return NULL;
			continue;
		}
		if (rc < 0)
			return PyErr_SetFromErrno(PyExc_OSError);
		if (rc == 0)
			Py_RETURN_NONE;
	}
	return Py_BuildValue("{sIsIsIsIsIsIssssssss}", "type", ev.type, "object", ev.object,
			     "backend", ev.backend, "action", ev.action, "src", ev.src, "dst", ev.dst,
			     "device", ev.device, "name", ev.name, "rproc", ev.rproc, "state",
			     ev.state);
}

static PyMethodDef Monitor_methods[] = {
	{ "fileno", Monitor_fileno, METH_NOARGS,
	  "fileno($self)\n--\n\nAn fd that becomes readable when an event may be pending." },
	{ "close", Monitor_close, METH_NOARGS, "close($self)\n--\n\nStop watching." },
	{ "_read", (PyCFunction)(void (*)(void))Monitor_read, METH_VARARGS | METH_KEYWORDS, NULL },
	{ NULL, NULL, 0, NULL }
};

static PyTypeObject MonitorType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "alp_rpc._core.Monitor",
	.tp_basicsize = sizeof(MonitorObject),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "The C event source under alp_rpc.Monitor.",
	.tp_dealloc = (destructor)Monitor_dealloc,
	.tp_methods = Monitor_methods,
};

/* ---- module -------------------------------------------------------------------- */

static PyObject *mod_close_all(PyObject *m, PyObject *unused)
{
	(void)m;
	(void)unused;
	while (open_channels)
		channel_close_impl(open_channels);
	Py_RETURN_NONE;
}

static PyObject *mod_set_helpers(PyObject *m, PyObject *fn)
{
	(void)m;
	Py_XSETREF(complete_helper, Py_NewRef(fn));
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
	if (PyType_Ready(&ChannelType) < 0 || PyType_Ready(&DeviceType) < 0 ||
	    PyType_Ready(&MonitorType) < 0)
		goto fail;
	ns = Py_BuildValue("{sisOsO}", "status", ALP_ERR_REMOTE, "diagnostic", Py_None, "errno",
			   Py_None);
	if (!ns)
		goto fail;
	Error = PyErr_NewExceptionWithDoc(
		"alp_rpc.Error",
		"Base of every alp_rpc error. Attributes: status (the negative ALP_ERR_*\n"
		"code), diagnostic (bytes the peer sent with its error, or None), errno\n"
		"(the system's reason for a device-level failure, or None).",
		NULL, ns);
	Py_DECREF(ns);
	if (!Error || PyModule_AddObjectRef(m, "Error", Error) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(exc_table) / sizeof(exc_table[0]); i++) {
		PyObject *bases = exc_table[i].builtin ?
					  PyTuple_Pack(2, Error, *exc_table[i].builtin) :
					  PyTuple_Pack(1, Error);
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
		exc_by_status[-exc_table[i].st] = cls;
	}
	if (PyModule_AddObjectRef(m, "Channel", (PyObject *)&ChannelType) < 0 ||
	    PyModule_AddObjectRef(m, "Device", (PyObject *)&DeviceType) < 0 ||
	    PyModule_AddObjectRef(m, "Monitor", (PyObject *)&MonitorType) < 0 ||
	    PyModule_AddIntConstant(m, "METHOD_MAX_LEN", ALP_RPC_METHOD_MAX_LEN - 1) < 0 ||
	    PyModule_AddIntConstant(m, "SUBSCRIBE_MAX", ALP_RPC_SUBSCRIBE_MAX) < 0 ||
	    PyModule_AddIntConstant(m, "SERVE_MAX", ALP_RPC_SERVE_MAX) < 0)
		goto fail;
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
