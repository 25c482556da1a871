// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * alp_rpc._core: the Channel type, its lifetime and its methods.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */

#include "core.h"

PyObject *pyrpc_complete_helper;	/* alp_rpc._complete(fut, ok, value) */
ChannelObject *pyrpc_open_channels;	/* GIL-protected list */

static void link_open(ChannelObject *self)
{
	self->prev = NULL;
	self->next = pyrpc_open_channels;
	if (pyrpc_open_channels)
		pyrpc_open_channels->prev = self;
	pyrpc_open_channels = self;
}

static void unlink_open(ChannelObject *self)
{
	if (self->prev)
		self->prev->next = self->next;
	else if (pyrpc_open_channels == self)
		pyrpc_open_channels = self->next;
	if (self->next)
		self->next->prev = self->prev;
	self->next = self->prev = NULL;
}

/* Take one slot's callable out (its reference moves to fns[*n]). */
static void detach_slot(struct slot *s, PyObject **fns, size_t *n)
{
	if (s && s->fn) {
		fns[(*n)++] = s->fn;
		s->fn = NULL;
	}
}

/*
 * Take every slot's callable out (GIL held): a callback that starts after
 * this finds none and does nothing. The references go to fns, dropped by
 * the caller once librpc's close has returned (breaks reference cycles
 * too); returns how many.
 */
static size_t detach_slots(ChannelObject *self, PyObject **fns)
{
	size_t n = 0;

	for (size_t i = 0; i < ALP_RPC_SUBSCRIBE_MAX; i++)
		detach_slot(self->subs[i], fns, &n);
	for (size_t i = 0; i < ALP_RPC_SERVE_MAX; i++)
		detach_slot(self->srvs[i], fns, &n);
	detach_slot(self->msg, fns, &n);
	detach_slot(self->raw, fns, &n);
	return n;
}

void pyrpc_free_slot(struct slot **s)
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
 * and handler already. The slots' callables are taken out before the GIL
 * is released, so that no callback starts once close has begun (one
 * waiting for the GIL would otherwise run now and find its channel
 * closed), and dropped once librpc's close has returned; the slots' memory
 * goes only with the object (a thread in pyrpc_set_slot() may still hold
 * one).
 */
void pyrpc_channel_close_impl(ChannelObject *self)
{
	alp_rpc_channel_t *ch = self->ch;
	int users = self->users;
	PyObject *fns[N_SLOTS + 2];
	size_t nfns;

	if (!ch)
		return;
	self->ch = NULL;
	unlink_open(self);
	nfns = detach_slots(self, fns);
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
	while (nfns)
		Py_DECREF(fns[--nfns]);
}

static ChannelObject *get_open(PyObject *o)
{
	ChannelObject *self = (ChannelObject *)o;

	if (!self->ch) {
		PyObject *exc = pyrpc_make_exc(ALP_ERR_NOT_READY, "channel is closed", 17, 0);

		if (exc) {
			PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
			Py_DECREF(exc);
		}
		return NULL;
	}
	return self;
}

/* A method name as UTF-8 (librpc checks the characters). */
const char *pyrpc_method_arg(PyObject *m)
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
		if (pyrpc_to_ms(open_timeout, &cfg.open_timeout_ms) < 0)
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
		pyrpc_raise_status(st, NULL, 0, 0);
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
	pyrpc_channel_close_impl(self);
	return 0;
}

static void Channel_dealloc(ChannelObject *self)
{
	PyObject_GC_UnTrack(self);
	if (self->weakreflist)
		PyObject_ClearWeakRefs((PyObject *)self);
	pyrpc_channel_close_impl(self);
	for (size_t i = 0; i < ALP_RPC_SUBSCRIBE_MAX; i++)
		pyrpc_free_slot(&self->subs[i]);
	for (size_t i = 0; i < ALP_RPC_SERVE_MAX; i++)
		pyrpc_free_slot(&self->srvs[i]);
	pyrpc_free_slot(&self->msg);
	pyrpc_free_slot(&self->raw);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Channel_close(PyObject *o, PyObject *unused)
{
	(void)unused;
	pyrpc_channel_close_impl((ChannelObject *)o);
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
	if (!(method = pyrpc_method_arg(a[0])) || get_data(a[1], &data) < 0)
		return NULL;
	self->users++;
	Py_BEGIN_ALLOW_THREADS
	st = alp_rpc_send(self->ch, method, data.buf, (size_t)data.len);
	Py_END_ALLOW_THREADS
	self->users--;
	put_data(&data);
	if (st)
		return pyrpc_raise_status(st, NULL, 0, 0);
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
	if (!(method = pyrpc_method_arg(a[0])) || (a[2] && pyrpc_to_ms(a[2], &ms) < 0) ||
	    get_data(a[1], &data) < 0)
		return NULL;
	/* replies up to the channel's maximum arrive in fragments (max_msg) */
	if (alp_rpc_max_msg(self->ch) > cap) {
		cap = alp_rpc_max_msg(self->ch);
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
		ret = pyrpc_raise_status(st, buf, st == ALP_ERR_MSGSIZE ? 0 : len, 0);
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
			       pyrpc_make_exc(st, resp, len, 0);
	if (value) {
		r = PyObject_CallMethod(p->loop, "call_soon_threadsafe", "OOOO", pyrpc_complete_helper,
					p->fut, st == ALP_OK ? Py_True : Py_False, value);
		if (r)
			Py_DECREF(r);
		else if (PyErr_ExceptionMatches(PyExc_RuntimeError))
			PyErr_Clear();	/* the loop is closed */
		else
			pyrpc_report(p->fut);
		Py_DECREF(value);
	} else {
		pyrpc_report(p->fut);
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
	if (!(self = get_open(o)) || !(method = pyrpc_method_arg(m)) || pyrpc_to_ms(t, &ms) < 0) {
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
		return pyrpc_raise_status(st, NULL, 0, 0);
	}
	Py_RETURN_NONE;
}


static PyObject *Channel_subscribe_c(PyObject *o, PyObject *args)
{
	PyObject *m, *fn;

	if (!PyArg_ParseTuple(args, "OO:_subscribe", &m, &fn) || !get_open(o))
		return NULL;
	return pyrpc_set_slot((ChannelObject *)o, SLOT_SUB, m, fn);
}

static PyObject *Channel_unsubscribe(PyObject *o, PyObject *m)
{
	if (!get_open(o))
		return NULL;
	return pyrpc_set_slot((ChannelObject *)o, SLOT_SUB, m, Py_None);
}

static PyObject *Channel_serve_c(PyObject *o, PyObject *args)
{
	PyObject *m, *fn;

	if (!PyArg_ParseTuple(args, "OO:_serve", &m, &fn) || !get_open(o))
		return NULL;
	return pyrpc_set_slot((ChannelObject *)o, SLOT_SRV, m, fn);
}

static PyObject *Channel_unserve(PyObject *o, PyObject *m)
{
	if (!get_open(o))
		return NULL;
	return pyrpc_set_slot((ChannelObject *)o, SLOT_SRV, m, Py_None);
}

static PyObject *Channel_on_message_c(PyObject *o, PyObject *fn)
{
	if (!get_open(o))
		return NULL;
	return pyrpc_set_slot((ChannelObject *)o, SLOT_MSG, NULL, fn);
}

static PyObject *Channel_on_raw_c(PyObject *o, PyObject *fn)
{
	if (!get_open(o))
		return NULL;
	return pyrpc_set_slot((ChannelObject *)o, SLOT_RAW, NULL, fn);
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
		return pyrpc_raise_status(st, NULL, 0, 0);
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
		return pyrpc_raise_status(st, NULL, 0, 0);
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
		return pyrpc_raise_status(st, NULL, 0, 0);
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
	    !(self = get_open(o)) || pyrpc_to_ms(t, &ms) < 0)
		return NULL;
	self->users++;
	Py_BEGIN_ALLOW_THREADS
	st = alp_rpc_wait_connected(self->ch, ms);
	Py_END_ALLOW_THREADS
	self->users--;
	if (st)
		return pyrpc_raise_status(st, NULL, 0, 0);
	Py_RETURN_NONE;
}

static PyObject *Channel_get_mtu(PyObject *o, void *c)
{
	ChannelObject *self = get_open(o);

	(void)c;
	return self ? PyLong_FromSize_t(alp_rpc_mtu(self->ch)) : NULL;
}

static PyObject *Channel_get_max_msg(PyObject *o, void *c)
{
	ChannelObject *self = get_open(o);

	(void)c;
	return self ? PyLong_FromSize_t(alp_rpc_max_msg(self->ch)) : NULL;
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
		return pyrpc_raise_status(st, NULL, 0, 0);
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
	{ "max_msg", Channel_get_max_msg, NULL,
	  "Largest call frame the channel sends or takes; above the MTU in fragments (bytes).", NULL },
	{ "connected", Channel_get_connected, NULL, "Whether the link is up now.", NULL },
	{ "addresses", Channel_get_addresses, NULL,
	  "(src, dst): the rpmsg addresses in use (0xffffffff: dst not bound yet).", NULL },
	{ "framing", Channel_get_framing, NULL, "'text', 'call' or 'raw'.", NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

PyTypeObject pyrpc_ChannelType = {
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
