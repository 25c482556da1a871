// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * alp_rpc._core: the Device and Monitor types (the device level,
 * <alp/rpc_device.h>).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */

#include "core.h"

typedef struct {
	PyObject_HEAD
	alp_rpc_dev_t *dev;
	PyObject *roots;	/* keeps the root strings alive: librpc copies? not promised */
} DeviceObject;

static PyObject *dev_raise(alp_status_t st, int err)
{
	return pyrpc_raise_status(st, NULL, 0, err);
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
	m = PyObject_New(MonitorObject, &pyrpc_MonitorType);
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

PyTypeObject pyrpc_DeviceType = {
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
	    pyrpc_to_ms(t, &ms) < 0)
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

PyTypeObject pyrpc_MonitorType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "alp_rpc._core.Monitor",
	.tp_basicsize = sizeof(MonitorObject),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "The C event source under alp_rpc.Monitor.",
	.tp_dealloc = (destructor)Monitor_dealloc,
	.tp_methods = Monitor_methods,
};
