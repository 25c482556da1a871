// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpcfuzz: a syscall fuzzer for rpmsg_rpc.ko that knows its ioctl structs.
 * Runs in the test VM as root, with rpmsg_sim + rpmsg_rpc loaded.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Several processes with several threads each issue random but structurally
 * plausible calls on our control nodes, endpoint nodes and CREATE_EPT_FD
 * fds: every ioctl of include/uapi/linux/rpmsg_rpc.h (and upstream's
 * RPMSG_CREATE_EPT_IOCTL / RPMSG_DESTROY_EPT_IOCTL) with valid and invalid
 * sizes, flags, names, addresses, counts, and user pointers that are valid,
 * NULL, unmapped, kernel, read-only, misaligned or cut by an unmapped page;
 * read, write, poll, epoll, dup, fcntl, close. Meanwhile the main process
 * crashes, stops, restarts and stalls the simulated remotes, injects
 * messages and announces/withdraws services. Half of the processes run
 * without capabilities (the EPERM paths).
 *
 * Sanity checks (each is a "finding", and the exit status is 1):
 *   - an errno outside the documented set of that kind of call (fz.c), or
 *     one >= 512 (ERESTARTSYS and friends leaking out);
 *   - a result that cannot be: a create that succeeded with a struct the
 *     kernel could not have written, an fd that is not ours, a read longer
 *     than the MTU or the buffer, a batch count above the request, an
 *     EPT_INFO with an impossible state or limit;
 *   - after every process closed every fd: an fd of ours still open
 *     (created but never reported), or a remote whose CTRL_INFO
 *     n_endpoints does not return to 0 once the node endpoints are
 *     destroyed (an endpoint leaked);
 *   - a new kernel report in /dev/kmsg during the run.
 *
 * Reproducible: each thread's sequence of calls is a function of the seed
 * (printed; -s to replay), of its process and thread number; only the
 * interleaving with the other threads and the remote's events is not.
 *
 * Usage: rpcfuzz [-s SEED] [-t SECONDS] [-p PROCS] [-j THREADS] [-r REMOTES]
 *                [-c CHAOS_MS] [-q]
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/rpmsg.h>
#include <linux/rpmsg_rpc.h>

#include "fz.h"
#include "libsim.h"

#define MAX_PROCS	8
#define MAX_THREADS	8
#define MAX_REMOTES	4
#define SLOTS		48
#define PAGE		4096
#define RW_SIZE		(128 * 1024)
#define MTU		496
#define ECHO_ADDR	0x500
#define SINK_ADDR	0x510
#define FZ_SVC_ADDR	0x600	/* chaos services fz-0..fz-3 */
#define MAX_FINDINGS_SHOWN	30

/* ---- options and shared counters --------------------------------------- */

static uint64_t seed;
static unsigned int seconds = 60, nprocs = 2, nthreads = 3, nremotes = 2;
static unsigned int chaos_ms = 150;
static bool quiet;

struct shared {
	uint64_t ops;
	uint64_t findings;
	uint64_t errs[FZ_NCALLS][512];
	uint64_t calls[FZ_NCALLS];
};
static struct shared *sh;

static void add64(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

/* ---- per-process fd table ---------------------------------------------- */

enum kind { K_CTRL = 1, K_NODE = 2, K_ANON = 4 };
#define K_EPT	(K_NODE | K_ANON)
#define K_ANY	(K_CTRL | K_EPT)

struct slot {
	int fd;
	int kind;
	int refs;
	bool used, closing;
};

static struct slot slots[SLOTS];
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static int proc_no;
static volatile int stop_workers;
static char *unmapped;	/* a PROT_NONE range: every access faults */

struct worker {
	int id;
	uint64_t rng;
	uint64_t ops;
	pthread_t tid;
	unsigned char *rw;	/* RW_SIZE bytes, then an unmapped guard page */
	size_t used;
	unsigned char *ro;	/* one page, read-only during a call */
	bool ro_used;
	unsigned char *edge;	/* one page followed by an unmapped one */
	bool edge_used;
	int placed;	/* the mode place() really used last (see place()) */
	int epfd;
	uint32_t idx[8];	/* endpoint indexes seen, for DESTROY/open */
};

static void finding(struct worker *w, const char *fmt, ...)
{
	static pthread_mutex_t out = PTHREAD_MUTEX_INITIALIZER;
	uint64_t n = __atomic_fetch_add(&sh->findings, 1, __ATOMIC_RELAXED);
	va_list ap;

	if (n >= MAX_FINDINGS_SHOWN)
		return;
	pthread_mutex_lock(&out);
	fprintf(stderr, "rpcfuzz: FINDING (proc %d thread %d op %" PRIu64 "): ",
		proc_no, w ? w->id : -1, w ? w->ops : 0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&out);
}

static int slot_add(int fd, int kind)
{
	int i;

	pthread_mutex_lock(&slot_lock);
	for (i = 0; i < SLOTS; i++) {
		if (!slots[i].used) {
			slots[i] = (struct slot){ .fd = fd, .kind = kind,
						  .used = true };
			pthread_mutex_unlock(&slot_lock);
			return i;
		}
	}
	pthread_mutex_unlock(&slot_lock);
	close(fd);
	return -1;
}

/* A random open slot of one of kinds, with a reference; -1 if none. */
static int slot_get(struct worker *w, int kinds)
{
	int i, start = fz_below(&w->rng, SLOTS), s = -1;

	pthread_mutex_lock(&slot_lock);
	for (i = 0; i < SLOTS; i++) {
		struct slot *sl = &slots[(start + i) % SLOTS];

		if (sl->used && !sl->closing && (sl->kind & kinds)) {
			sl->refs++;
			s = (start + i) % SLOTS;
			break;
		}
	}
	pthread_mutex_unlock(&slot_lock);
	return s;
}

static void slot_put(int s)
{
	int fd = -1;

	pthread_mutex_lock(&slot_lock);
	if (--slots[s].refs == 0 && slots[s].closing) {
		fd = slots[s].fd;
		slots[s].used = false;
	}
	pthread_mutex_unlock(&slot_lock);
	if (fd >= 0)
		close(fd);
}

/* Close it once nobody uses it (the fd number is never reused under us). */
static void slot_close(int s)
{
	pthread_mutex_lock(&slot_lock);
	slots[s].closing = true;
	pthread_mutex_unlock(&slot_lock);
	slot_put(s);
}

/* ---- user memory -------------------------------------------------------- */

enum pmode { P_OK, P_MISALIGN, P_NULL, P_UNMAPPED, P_KERNEL, P_RO, P_EDGE,
	     P_NMODES };
static const char *const mode_names[P_NMODES] = {
	"valid", "misaligned", "NULL", "unmapped", "kernel", "read-only",
	"cut by an unmapped page",
};

static int pick_mode(struct worker *w, unsigned int bad_one_in)
{
	if (!fz_one_in(&w->rng, bad_one_in))
		return fz_one_in(&w->rng, 16) ? P_MISALIGN : P_OK;
	return 2 + fz_below(&w->rng, P_NMODES - 2);
}

static void *scratch(struct worker *w, size_t len, size_t align_off)
{
	size_t off = ((w->used + 7) & ~(size_t)7) + align_off;

	if (off + len > RW_SIZE)
		off = align_off;	/* reuse: the contents are garbage anyway */
	w->used = off + len;
	return w->rw + off;
}

/*
 * Lay out len bytes of src as mode says; returns the user address to hand
 * to the kernel. A P_OK object can be read back after the call.
 */
static uint64_t place(struct worker *w, int mode, const void *src, size_t len)
{
	unsigned char *p;
	size_t cut;

	w->placed = mode;
	switch (mode) {
	case P_NULL:
		return 0;
	case P_UNMAPPED:
		return (uintptr_t)unmapped + fz_below(&w->rng, PAGE);
	case P_KERNEL:
		return 0xffffffff81000000ULL + 8 * fz_below(&w->rng, 1024);
	case P_RO:
		if (!w->ro_used && len <= PAGE) {
			memcpy(w->ro, src, len);
			w->ro_used = true;
			return (uintptr_t)w->ro;
		}
		break;
	case P_EDGE:
		if (!w->edge_used && len > 1 && len <= PAGE) {
			cut = 1 + fz_below(&w->rng, len - 1);
			p = w->edge + PAGE - cut;
			memcpy(p, src, cut);
			w->edge_used = true;
			return (uintptr_t)p;
		}
		break;
	}
	/*
	 * Valid memory, also when a read-only or cut placement was asked
	 * for but cannot be made (the page is taken, or len does not fit
	 * in it): callers judge the result by w->placed, not by mode.
	 */
	if (mode != P_MISALIGN)
		w->placed = P_OK;
	p = scratch(w, len, mode == P_MISALIGN);
	memcpy(p, src, len);
	return (uintptr_t)p;
}

/* A payload buffer of len bytes (content random). */
static uint64_t place_buf(struct worker *w, int mode, size_t len)
{
	unsigned char tmp[PAGE];
	size_t n = len < sizeof(tmp) ? len : sizeof(tmp), i;

	for (i = 0; i < n; i += 8) {
		uint64_t r = fz_next(&w->rng);

		memcpy(tmp + i, &r, n - i < 8 ? n - i : 8);
	}
	if (len > sizeof(tmp) && (mode == P_OK || mode == P_MISALIGN)) {
		/* longer than a page: scratch space, whatever it holds */
		return (uintptr_t)scratch(w, len < RW_SIZE ? len : RW_SIZE / 2,
					  mode == P_MISALIGN);
	}
	return place(w, mode, tmp, n);
}

static void arm(struct worker *w)
{
	if (w->ro_used)
		mprotect(w->ro, PAGE, PROT_READ);
}

static void disarm(struct worker *w)
{
	if (w->ro_used)
		mprotect(w->ro, PAGE, PROT_READ | PROT_WRITE);
	w->ro_used = false;
	w->edge_used = false;
	w->used = 0;
}

/* ---- value generators --------------------------------------------------- */

static const char *const good_names[] = {
	"fz", "echo", "sink", "fz-0", "fz-1", "fz-2", "fz-3",
	"rpmsg-openamp-demo-channel", "ti.ipc4.ping-pong", "alp_default_rpmsg",
	"a.b:c@d_e-f", "0123456789012345678901234567890",
};
static const char *const bad_names[] = {
	"", ".", "..", "-x", ".hidden", "a b", "a/b", "../../etc/x", "a\nb",
	"\xff\xfe", "caf\xc3\xa9", "a$b", "a\\b", "*",
};

static void gen_name(struct worker *w, char name[RPMSG_RPC_NAME_SIZE])
{
	unsigned int r = fz_below(&w->rng, 10), i;

	memset(name, 0, RPMSG_RPC_NAME_SIZE);
	if (r < 6) {
		strcpy(name, good_names[fz_below(&w->rng, 12)]);
	} else if (r < 9) {
		strcpy(name, bad_names[fz_below(&w->rng, 14)]);
	} else {
		/* random bytes, maybe no NUL at all */
		for (i = 0; i < RPMSG_RPC_NAME_SIZE; i++)
			name[i] = (char)fz_below(&w->rng, 256);
	}
}

static uint32_t gen_addr(struct worker *w, bool src)
{
	switch (fz_below(&w->rng, src ? 14 : 10)) {
	case 0: return ECHO_ADDR;
	case 1: return SINK_ADDR;
	case 2: return FZ_SVC_ADDR + fz_below(&w->rng, 4);
	case 3: return 1024 + fz_below(&w->rng, 64);
	case 4: return 53;
	case 5: return fz_below(&w->rng, 1024);
	case 6: return (uint32_t)fz_next(&w->rng);
	default: return RPMSG_RPC_ADDR_ANY;
	}
}

static uint32_t gen_len(struct worker *w)
{
	static const uint32_t lens[] = { 0, 1, 16, 100, MTU, MTU + 1, 4096,
					 0xffffffff };

	if (fz_one_in(&w->rng, 2))
		return fz_below(&w->rng, 64);
	return lens[fz_below(&w->rng, 8)];
}

/* The size of a growable struct: mostly right, sometimes not. */
static uint32_t gen_size(struct worker *w, uint32_t ksize, uint32_t ver0,
			 bool *dirty_tail)
{
	*dirty_tail = false;
	switch (fz_below(&w->rng, 16)) {
	case 0: return ver0;
	case 1: return ver0 - 4;
	case 2: return 0;
	case 3: return ksize + 8;
	case 4: *dirty_tail = true; return ksize + 8;
	case 5: return fz_below(&w->rng, 300);
	case 6: return PAGE + fz_below(&w->rng, 0x3fff - PAGE);
	default: return ksize;
	}
}

/*
 * A growable struct as the kernel sees it: the first csize bytes of obj
 * (zero or garbage beyond ksize), its size field csize (mostly), placed
 * per mode. Returns the ioctl number with csize in its size bits.
 */
static unsigned long build(struct worker *w, unsigned long cmd, void *obj,
			   uint32_t ksize, uint32_t ver0, int mode,
			   uint64_t *addr)
{
	unsigned char buf[0x4000];
	bool dirty;
	uint32_t csize = gen_size(w, ksize, ver0, &dirty), sz = csize;

	memset(buf, 0, csize);
	if (!fz_one_in(&w->rng, 20))
		memcpy(obj, &sz, 4);
	memcpy(buf, obj, csize < ksize ? csize : ksize);
	if (dirty)
		buf[ksize + fz_below(&w->rng, 8)] = 1 + fz_below(&w->rng, 255);
	*addr = place(w, mode, buf, csize);
	return _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), csize);
}

/* ---- calls and checks --------------------------------------------------- */

static void count(enum fz_call call, int err)
{
	add64(&sh->calls[call], 1);
	add64(&sh->errs[call][err >= 0 && err < 512 ? err : 0], err ? 1 : 0);
}

static long checked(struct worker *w, enum fz_call call, long ret,
		    const char *what)
{
	int e = errno;

	count(call, ret < 0 ? e : 0);
	if (ret < 0 && !fz_errno_ok(call, e))
		finding(w, "%s (%s): unexpected errno %d (%s)", what,
			fz_call_name(call), e, strerror(e));
	errno = e;
	return ret;
}

static long do_ioctl(struct worker *w, int s, unsigned long cmd, uint64_t arg,
		     const char *what)
{
	enum fz_call call = slots[s].kind == K_CTRL ? FZ_CTRL_IOCTL :
						       FZ_EPT_IOCTL;
	long ret;

	arm(w);
	ret = ioctl(slots[s].fd, cmd, (unsigned long)arg);
	ret = checked(w, call, ret, what);
	return ret;
}

static bool readable_back(int mode)
{
	return mode == P_OK || mode == P_MISALIGN;
}

/* Is fd one of our endpoint fds? */
static bool is_ept_fd(int fd)
{
	char path[64], link[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = '\0';
	return !strcmp(link, "anon_inode:[rpmsg_rpc]");
}

static void remember(struct worker *w, uint32_t index)
{
	w->idx[fz_below(&w->rng, 8)] = index;
}

static uint32_t some_index(struct worker *w)
{
	if (fz_one_in(&w->rng, 4))
		return fz_below(&w->rng, 64);
	return w->idx[fz_below(&w->rng, 8)];
}

static void op_open(struct worker *w, bool ctrl)
{
	unsigned int idx[64];
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR, O_RDWR };
	char path[64];
	int n, fd, flags;

	n = fz_list_nodes(ctrl ? "rpmsg_rpc_ctrl" : "rpmsg_rpc", idx, 64);
	if (n && !fz_one_in(&w->rng, 8))
		snprintf(path, sizeof(path), "/dev/rpmsg_rpc%s%u",
			 ctrl ? "_ctrl" : "", idx[fz_below(&w->rng, n)]);
	else
		snprintf(path, sizeof(path), "/dev/rpmsg_rpc%s%u",
			 ctrl ? "_ctrl" : "", ctrl ? fz_below(&w->rng, 8) :
			 some_index(w));
	flags = modes[fz_below(&w->rng, 4)] | O_CLOEXEC;
	if (fz_one_in(&w->rng, 3))
		flags |= O_NONBLOCK;
	fd = open(path, flags);
	/* ENOENT is no finding: a node may have gone since the listing */
	checked(w, FZ_OPEN, fd, path);
	if (fd >= 0)
		slot_add(fd, ctrl ? K_CTRL : K_NODE);
}

static void op_create(struct worker *w)
{
	struct rpmsg_rpc_ept_create c = { 0 }, out;
	struct rpmsg_endpoint_info ei;
	int s = slot_get(w, fz_one_in(&w->rng, 16) ? K_ANY : K_CTRL);
	int mode = pick_mode(w, 6), v = fz_below(&w->rng, 10);
	unsigned long cmd;
	uint64_t arg;
	long ret;

	if (s < 0) {
		op_open(w, true);
		return;
	}
	if (v >= 8) {
		/* upstream rpmsg_ctrl's create: no size, no flags */
		memset(&ei, 0, sizeof(ei));
		gen_name(w, ei.name);
		ei.src = gen_addr(w, true);
		ei.dst = gen_addr(w, false);
		arg = place(w, mode, &ei, sizeof(ei));
		mode = w->placed;
		ret = do_ioctl(w, s, RPMSG_CREATE_EPT_IOCTL, arg,
			       "RPMSG_CREATE_EPT_IOCTL");
		/* input only: read-only memory is fine */
		if (!ret && mode >= P_NULL && mode != P_RO)
			finding(w, "upstream create succeeded with a %s struct",
				mode_names[mode]);
		goto out;
	}
	c.flags = fz_below(&w->rng, 4) | (fz_below(&w->rng, 4) << 8);
	if (fz_one_in(&w->rng, 12))
		c.flags |= 1U << fz_below(&w->rng, 32);
	gen_name(w, c.name);
	c.src = gen_addr(w, true);
	c.dst = (c.flags & RPMSG_RPC_EPT_F_BIND_BY_NAME) &&
		!fz_one_in(&w->rng, 8) ? RPMSG_RPC_ADDR_ANY : gen_addr(w, false);
	c.index = c.minor = c.mtu = (uint32_t)fz_next(&w->rng);
	c.fd = (int32_t)fz_next(&w->rng);
	cmd = build(w, v < 5 ? RPMSG_RPC_CREATE_EPT_FD : RPMSG_RPC_CREATE_EPT,
		    &c, sizeof(c), RPMSG_RPC_EPT_CREATE_SIZE_VER0, mode, &arg);
	mode = w->placed;
	ret = do_ioctl(w, s, cmd, arg, v < 5 ? "CREATE_EPT_FD" : "CREATE_EPT");
	if (ret > 0)
		finding(w, "create returned %ld", ret);
	if (ret)
		goto out;
	if (!readable_back(mode)) {
		finding(w, "create succeeded with a %s struct",
			mode_names[mode]);
		goto out;
	}
	memcpy(&out, (void *)(uintptr_t)arg, sizeof(out));
	if (out.src < RPMSG_RPC_RESERVED_ADDRS)
		finding(w, "create gave src %u", out.src);
	if (v < 5) {
		if (out.fd < 0 || !is_ept_fd(out.fd) ||
		    out.minor != RPMSG_RPC_ADDR_ANY) {
			finding(w, "CREATE_EPT_FD gave fd %d minor %u", out.fd,
				out.minor);
			goto out;
		}
		slot_add(out.fd, K_ANON);
	} else {
		if (out.fd != -1 || out.minor == RPMSG_RPC_ADDR_ANY)
			finding(w, "CREATE_EPT gave fd %d minor %u", out.fd,
				out.minor);
		remember(w, out.index);
	}
out:
	slot_put(s);
}

static void check_ctrl_info(struct worker *w, const struct rpmsg_rpc_ctrl_info *i)
{
	if (i->abi_version != RPMSG_RPC_ABI_VERSION || i->reserved ||
	    !memchr(i->remote, 0, sizeof(i->remote)) ||
	    !memchr(i->device, 0, sizeof(i->device)) || i->n_endpoints > 100000)
		finding(w, "CTRL_INFO: abi %u reserved %u n_endpoints %u",
			i->abi_version, i->reserved, i->n_endpoints);
}

static void check_ept_info(struct worker *w, const struct rpmsg_rpc_ept_info *i)
{
	if (i->state > RPMSG_RPC_STATE_DEAD || !i->rxq_limit ||
	    i->rxq_limit > RPMSG_RPC_RXQ_MAX ||
	    i->tx_timeout_ms > RPMSG_RPC_TX_TIMEOUT_MAX ||
	    !memchr(i->name, 0, sizeof(i->name)) || i->mtu > 65536)
		finding(w, "EPT_INFO: state %u rxq_limit %u tx_timeout %u mtu %u",
			i->state, i->rxq_limit, i->tx_timeout_ms, i->mtu);
}

static void op_list(struct worker *w, int s, bool chans)
{
	static const uint32_t esz[] = {
		sizeof(struct rpmsg_rpc_ept_info), RPMSG_RPC_EPT_INFO_SIZE_VER0,
		sizeof(struct rpmsg_rpc_channel), 0, 71, 128, PAGE, PAGE + 1,
	};
	static const uint32_t counts[] = { 0, 1, 4, 16, 64, 1024, 0xffffffff };
	struct rpmsg_rpc_list l = { 0 };
	int mode = pick_mode(w, 6), emode = pick_mode(w, 6);
	uint64_t arg, len;
	unsigned long cmd;

	l.count = counts[fz_below(&w->rng, 7)];
	l.entry_size = fz_below(&w->rng, 3) ? esz[chans ? 2 : 0] :
		       esz[fz_below(&w->rng, 8)];
	l.reserved = fz_one_in(&w->rng, 20);
	len = (uint64_t)l.count * l.entry_size;
	/* a claim beyond the buffer runs into the arena's guard page */
	l.entries = place_buf(w, emode, len < RW_SIZE / 2 ? len : RW_SIZE / 2);
	cmd = build(w, chans ? RPMSG_RPC_LIST_CHANNELS : RPMSG_RPC_LIST_EPTS,
		    &l, sizeof(l), RPMSG_RPC_LIST_SIZE_VER0, mode, &arg);
	do_ioctl(w, s, cmd, arg, chans ? "LIST_CHANNELS" : "LIST_EPTS");
}

static void op_ctrl(struct worker *w)
{
	struct rpmsg_rpc_ctrl_info info = { 0 };
	struct rpmsg_rpc_ept_destroy d = { 0 };
	int s = slot_get(w, fz_one_in(&w->rng, 10) ? K_ANY : K_CTRL);
	int mode = pick_mode(w, 6);
	unsigned long cmd;
	uint64_t arg;
	unsigned char junk[64];
	long ret;

	if (s < 0) {
		op_open(w, true);
		return;
	}
	switch (fz_below(&w->rng, 6)) {
	case 0:
		cmd = build(w, RPMSG_RPC_CTRL_INFO, &info, sizeof(info),
			    RPMSG_RPC_CTRL_INFO_SIZE_VER0, mode, &arg);
		ret = do_ioctl(w, s, cmd, arg, "CTRL_INFO");
		if (!ret && readable_back(mode) && _IOC_SIZE(cmd) >= sizeof(info)) {
			memcpy(&info, (void *)(uintptr_t)arg, sizeof(info));
			check_ctrl_info(w, &info);
		}
		break;
	case 1:
		d.index = some_index(w);
		cmd = build(w, RPMSG_RPC_DESTROY_EPT, &d, sizeof(d),
			    RPMSG_RPC_EPT_DESTROY_SIZE_VER0, mode, &arg);
		do_ioctl(w, s, cmd, arg, "DESTROY_EPT");
		break;
	case 2:
	case 3:
		op_list(w, s, fz_one_in(&w->rng, 2));
		break;
	case 4:
		/* upstream's other control ioctls, which we do not serve */
		arg = place_buf(w, mode, 40);
		do_ioctl(w, s, fz_one_in(&w->rng, 2) ? RPMSG_CREATE_DEV_IOCTL :
			 RPMSG_RELEASE_DEV_IOCTL, arg, "upstream dev ioctl");
		break;
	default:
		/* any other number of our magic */
		memset(junk, 0, sizeof(junk));
		junk[0] = fz_below(&w->rng, 80);
		arg = place(w, mode, junk, sizeof(junk));
		cmd = _IOC(fz_below(&w->rng, 4), RPMSG_RPC_IOC_MAGIC,
			   fz_below(&w->rng, 256), fz_below(&w->rng, 128));
		do_ioctl(w, s, cmd, arg, "random ioctl");
		break;
	}
	slot_put(s);
}

static void op_ept_simple(struct worker *w, int s)
{
	static const uint32_t rxq[] = { 0, 1, 8, 64, 256, RPMSG_RPC_RXQ_MAX,
					RPMSG_RPC_RXQ_MAX + 1 };
	static const uint32_t txt[] = { 0, 1, 5, 20, 50,
					RPMSG_RPC_TX_TIMEOUT_MAX,
					RPMSG_RPC_TX_TIMEOUT_MAX + 1 };
	struct rpmsg_rpc_ept_info info = { 0 };
	struct rpmsg_rpc_ept_stats st = { 0 };
	int mode = pick_mode(w, 6);
	unsigned long cmd;
	uint64_t arg;
	uint32_t v;
	long ret;
	int n;

	switch (fz_below(&w->rng, 8)) {
	case 0:
		cmd = build(w, RPMSG_RPC_EPT_INFO, &info, sizeof(info),
			    RPMSG_RPC_EPT_INFO_SIZE_VER0, mode, &arg);
		ret = do_ioctl(w, s, cmd, arg, "EPT_INFO");
		if (!ret && readable_back(mode) && _IOC_SIZE(cmd) >= sizeof(info)) {
			memcpy(&info, (void *)(uintptr_t)arg, sizeof(info));
			check_ept_info(w, &info);
			remember(w, info.index);
		}
		break;
	case 1:
		cmd = build(w, RPMSG_RPC_EPT_STATS, &st, sizeof(st),
			    RPMSG_RPC_EPT_STATS_SIZE_VER0, mode, &arg);
		ret = do_ioctl(w, s, cmd, arg, "EPT_STATS");
		if (!ret && readable_back(mode) && _IOC_SIZE(cmd) >= sizeof(st)) {
			memcpy(&st, (void *)(uintptr_t)arg, sizeof(st));
			if (st.reserved || st.rxq_limit > RPMSG_RPC_RXQ_MAX)
				finding(w, "EPT_STATS: reserved %u rxq_limit %u",
					st.reserved, st.rxq_limit);
		}
		break;
	case 2:
		v = gen_addr(w, false);
		do_ioctl(w, s, RPMSG_RPC_EPT_SET_DST, place(w, mode, &v, 4),
			 "EPT_SET_DST");
		break;
	case 3:
		v = rxq[fz_below(&w->rng, 7)];
		do_ioctl(w, s, RPMSG_RPC_EPT_SET_RXQ_LIMIT, place(w, mode, &v, 4),
			 "EPT_SET_RXQ_LIMIT");
		break;
	case 4:
		v = txt[fz_below(&w->rng, 7)];
		do_ioctl(w, s, RPMSG_RPC_EPT_SET_TX_TIMEOUT,
			 place(w, mode, &v, 4), "EPT_SET_TX_TIMEOUT");
		break;
	case 5:
		n = -1;
		arg = place(w, mode, &n, sizeof(n));
		ret = do_ioctl(w, s, FIONREAD, arg, "FIONREAD");
		if (!ret && readable_back(mode)) {
			memcpy(&n, (void *)(uintptr_t)arg, sizeof(n));
			if (n < 0 || n > MTU)
				finding(w, "FIONREAD gave %d", n);
		}
		break;
	case 6:
		/* upstream's destroy, rarely: it kills the endpoint */
		if (fz_one_in(&w->rng, 6))
			do_ioctl(w, s, RPMSG_DESTROY_EPT_IOCTL, 0,
				 "RPMSG_DESTROY_EPT_IOCTL");
		break;
	default:
		arg = place_buf(w, mode, 64);
		cmd = _IOC(fz_below(&w->rng, 4), RPMSG_RPC_IOC_MAGIC,
			   fz_below(&w->rng, 256), fz_below(&w->rng, 128));
		do_ioctl(w, s, cmd, arg, "random ioctl");
		break;
	}
}

static void op_send(struct worker *w, int s)
{
	struct rpmsg_rpc_send m = { 0 };
	int mode = pick_mode(w, 6);
	unsigned long cmd;
	uint64_t arg;
	long ret;

	m.flags = fz_below(&w->rng, 2) ? RPMSG_RPC_F_NONBLOCK : 0;
	if (fz_one_in(&w->rng, 20))
		m.flags |= 1U << fz_below(&w->rng, 32);
	m.src = fz_below(&w->rng, 3) ? RPMSG_RPC_ADDR_ANY : gen_addr(w, true);
	m.dst = gen_addr(w, false);
	m.len = gen_len(w);
	m.buf = place_buf(w, pick_mode(w, 6), m.len);
	m.reserved = fz_one_in(&w->rng, 20);
	cmd = build(w, RPMSG_RPC_EPT_SEND, &m, sizeof(m),
		    RPMSG_RPC_SEND_SIZE_VER0, mode, &arg);
	ret = do_ioctl(w, s, cmd, arg, "EPT_SEND");
	if (ret > 0)
		finding(w, "EPT_SEND returned %ld", ret);
}

static void op_batch(struct worker *w, int s, bool recv)
{
	static const uint32_t counts[] = { 0, 1, 2, 4, 8, 64,
					   RPMSG_RPC_BATCH_MAX,
					   RPMSG_RPC_BATCH_MAX + 1 };
	static const uint32_t caps[] = { 0, 1, 16, MTU, MTU, 4096 };
	struct rpmsg_rpc_msg *msgs;
	struct rpmsg_rpc_batch b = { 0 };
	int mode = pick_mode(w, 6), amode = pick_mode(w, 8);
	uint32_t i, n, fill;
	unsigned long cmd;
	uint64_t arg, shared_buf;
	long ret;

	b.flags = fz_below(&w->rng, 2) ? RPMSG_RPC_F_NONBLOCK : 0;
	if (fz_one_in(&w->rng, 20))
		b.flags |= 1U << fz_below(&w->rng, 32);
	b.count = fz_below(&w->rng, 3) ? 1 + fz_below(&w->rng, 8) :
		  counts[fz_below(&w->rng, 8)];
	b.msg_size = fz_below(&w->rng, 8) ? sizeof(*msgs) :
		     fz_below(&w->rng, 64);
	n = b.count < RPMSG_RPC_BATCH_MAX ? b.count : RPMSG_RPC_BATCH_MAX;
	msgs = calloc(n ? n : 1, sizeof(*msgs));
	if (!msgs)
		return;
	/* the first few get their own buffers; the rest share one */
	fill = n < 8 ? n : 8;
	shared_buf = place_buf(w, P_OK, MTU);
	for (i = 0; i < n; i++) {
		msgs[i].len = recv ? caps[fz_below(&w->rng, 6)] : gen_len(w);
		msgs[i].buf = i < fill ?
			place_buf(w, pick_mode(w, 10),
				  msgs[i].len < 4096 ? msgs[i].len : 4096) :
			shared_buf;
		if (i >= fill && msgs[i].len > MTU)
			msgs[i].len = MTU;
		msgs[i].src = fz_below(&w->rng, 3) ? RPMSG_RPC_ADDR_ANY :
			      gen_addr(w, true);
		msgs[i].dst = fz_below(&w->rng, 2) ? RPMSG_RPC_ADDR_ANY :
			      gen_addr(w, false);
		msgs[i].flags = fz_one_in(&w->rng, 30);
	}
	b.msgs = place(w, amode, msgs, (size_t)n * sizeof(*msgs));
	cmd = build(w, recv ? RPMSG_RPC_EPT_RECV_BATCH : RPMSG_RPC_EPT_SEND_BATCH,
		    &b, sizeof(b), RPMSG_RPC_BATCH_SIZE_VER0, mode, &arg);
	ret = do_ioctl(w, s, cmd, arg, recv ? "RECV_BATCH" : "SEND_BATCH");
	if (ret > (long)b.count || (ret == 0 && b.count))
		finding(w, "%s of %u returned %ld", recv ? "RECV_BATCH" :
			"SEND_BATCH", b.count, ret);
	if (ret > 0 && recv && readable_back(amode)) {
		memcpy(msgs, (void *)(uintptr_t)b.msgs,
		       (size_t)ret * sizeof(*msgs));
		for (i = 0; i < (uint32_t)ret; i++)
			if (msgs[i].len > MTU ||
			    msgs[i].flags & ~RPMSG_RPC_MSG_F_DROPS)
				finding(w, "RECV_BATCH msg %u: len %u flags %#x",
					i, msgs[i].len, msgs[i].flags);
	}
	free(msgs);
}

static void op_ept(struct worker *w)
{
	int s = slot_get(w, fz_one_in(&w->rng, 10) ? K_ANY : K_EPT);

	if (s < 0) {
		if (fz_one_in(&w->rng, 2))
			op_create(w);
		else
			op_open(w, false);
		return;
	}
	switch (fz_below(&w->rng, 4)) {
	case 0:
	case 1:
		op_ept_simple(w, s);
		break;
	case 2:
		op_send(w, s);
		break;
	default:
		op_batch(w, s, fz_one_in(&w->rng, 2));
		break;
	}
	slot_put(s);
}

static void op_rw(struct worker *w, bool wr)
{
	static const size_t caps[] = { 0, 1, 16, MTU, MTU, 4096 };
	int s = slot_get(w, fz_one_in(&w->rng, 10) ? K_ANY : K_EPT);
	int mode = pick_mode(w, 6);
	size_t len = wr ? gen_len(w) : caps[fz_below(&w->rng, 6)];
	uint64_t buf;
	ssize_t ret;

	if (s < 0)
		return;
	if (len > 8192)
		len = 8192;
	buf = place_buf(w, mode, len);
	arm(w);
	if (wr)
		ret = write(slots[s].fd, (void *)(uintptr_t)buf, len);
	else
		ret = read(slots[s].fd, (void *)(uintptr_t)buf, len);
	checked(w, wr ? FZ_WRITE : FZ_READ, ret, wr ? "write" : "read");
	if (ret >= 0 && ((wr && (size_t)ret != len) ||
			 (!wr && ((size_t)ret > len || ret > MTU))))
		finding(w, "%s of %zu returned %zd", wr ? "write" : "read", len,
			ret);
	slot_put(s);
}

static void op_poll(struct worker *w)
{
	struct pollfd pfd[3];
	struct epoll_event ev[4];
	int s[3], n = 1 + fz_below(&w->rng, 3), i, got = 0;
	short events;
	long ret;

	for (i = 0; i < n; i++) {
		s[i] = slot_get(w, K_ANY);
		if (s[i] < 0)
			break;
		events = fz_below(&w->rng, 1 << 8);
		pfd[got++] = (struct pollfd){ .fd = slots[s[i]].fd,
					      .events = events };
	}
	if (!got)
		return;
	if (fz_one_in(&w->rng, 2)) {
		ret = poll(pfd, got, fz_below(&w->rng, 20));
		checked(w, FZ_POLL, ret, "poll");
		for (i = 0; ret > 0 && i < got; i++)
			if (pfd[i].revents & POLLNVAL)
				finding(w, "poll: POLLNVAL on an open fd");
	} else {
		for (i = 0; i < got; i++) {
			struct epoll_event e = {
				.events = pfd[i].events |
					  (fz_one_in(&w->rng, 2) ? EPOLLET : 0),
			};

			/* EEXIST: that fd number is in the set already */
			epoll_ctl(w->epfd, EPOLL_CTL_ADD, pfd[i].fd, &e);
		}
		ret = epoll_wait(w->epfd, ev, 4, fz_below(&w->rng, 20));
		checked(w, FZ_POLL, ret, "epoll_wait");
		if (fz_one_in(&w->rng, 2))
			epoll_ctl(w->epfd, EPOLL_CTL_DEL, pfd[0].fd, NULL);
	}
	for (i = 0; i < got; i++)
		slot_put(s[i]);
}

static void op_misc(struct worker *w)
{
	int s = slot_get(w, K_ANY), fd, fl;
	long ret;
	void *p;

	if (s < 0)
		return;
	switch (fz_below(&w->rng, 5)) {
	case 0:
		fd = fcntl(slots[s].fd, F_DUPFD_CLOEXEC, 0);
		checked(w, FZ_OTHER, fd, "dup");
		if (fd >= 0)
			slot_add(fd, slots[s].kind);
		break;
	case 1:
		fl = fcntl(slots[s].fd, F_GETFL);
		ret = fcntl(slots[s].fd, F_SETFL, fl ^ O_NONBLOCK);
		checked(w, FZ_OTHER, ret, "fcntl");
		break;
	case 2:
		ret = lseek(slots[s].fd, fz_below(&w->rng, 100), SEEK_SET);
		checked(w, FZ_OTHER, ret, "lseek");
		break;
	case 3:
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, slots[s].fd, 0);
		checked(w, FZ_OTHER, p == MAP_FAILED ? -1 : 0, "mmap");
		if (p != MAP_FAILED) {
			finding(w, "mmap of a node succeeded");
			munmap(p, PAGE);
		}
		break;
	default:
		slot_close(s);	/* the reference we hold is the close's */
		return;
	}
	slot_put(s);
}

static void on_signal(int sig)
{
	(void)sig;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	unsigned int r;

	while (!stop_workers) {
		w->ops++;
		r = fz_below(&w->rng, 100);
		if (r < 4)
			op_open(w, true);
		else if (r < 10)
			op_open(w, false);
		else if (r < 24)
			op_create(w);
		else if (r < 34)
			op_ctrl(w);
		else if (r < 58)
			op_ept(w);
		else if (r < 66)
			op_rw(w, false);
		else if (r < 74)
			op_rw(w, true);
		else if (r < 82)
			op_poll(w);
		else
			op_misc(w);
		disarm(w);
	}
	add64(&sh->ops, w->ops);
	return NULL;
}

static void *map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("rpcfuzz: mmap");
		exit(2);
	}
	return p;
}

static void drop_caps(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (syscall(SYS_capset, &h, d))
		perror("rpcfuzz: capset");
}

/* Close everything; then no fd of ours may remain (kernel-made, unknown). */
static void proc_cleanup(void)
{
	char path[64], link[128];
	int fd, i;
	ssize_t n;

	for (i = 0; i < SLOTS; i++)
		if (slots[i].used)
			close(slots[i].fd);
	for (fd = 3; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (strstr(link, "rpmsg_rpc")) {
			finding(NULL, "fd %d (%s) open after all were closed",
				fd, link);
			close(fd);
		}
	}
}

static int child(int p, uint64_t deadline_ms)
{
	struct worker ws[MAX_THREADS];
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int t;

	proc_no = p;
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: EINTR */
	if (p % 2)
		drop_caps();
	for (t = 0; t < nthreads; t++) {
		struct worker *w = &ws[t];

		memset(w, 0, sizeof(*w));
		w->id = t;
		w->rng = seed ^ ((uint64_t)(p + 1) << 40) ^ ((uint64_t)(t + 1) << 32);
		fz_next(&w->rng);
		w->rw = map(RW_SIZE + PAGE, PROT_READ | PROT_WRITE);
		mprotect(w->rw + RW_SIZE, PAGE, PROT_NONE);
		w->ro = map(PAGE, PROT_READ | PROT_WRITE);
		w->edge = map(2 * PAGE, PROT_READ | PROT_WRITE);
		mprotect(w->edge + PAGE, PAGE, PROT_NONE);
		w->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (pthread_create(&w->tid, NULL, worker_fn, w)) {
			perror("rpcfuzz: pthread_create");
			return 2;
		}
	}
	/* blocked calls end by signal: never restarted, so never stuck */
	while (fz_now_ms() < deadline_ms) {
		struct timespec ts = { 0, 20000000 };

		nanosleep(&ts, NULL);
		for (t = 0; t < nthreads; t++)
			pthread_kill(ws[t].tid, SIGUSR1);
	}
	stop_workers = 1;
	for (t = 0; t < nthreads; t++) {
		struct timespec ts;

		for (;;) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 20000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			if (!pthread_timedjoin_np(ws[t].tid, NULL, &ts))
				break;
			pthread_kill(ws[t].tid, SIGUSR1);
		}
		close(ws[t].epfd);
	}
	proc_cleanup();
	return 0;
}

/* ---- the remote side: crashes, stops, stalls, traffic, services ------ */

struct remote {
	struct sim *sim;
	bool stopped, stalled;
	uint64_t start_at;
	char rproc[32];
};

static struct remote remotes[MAX_REMOTES];
static uint64_t n_crash, n_stop, n_stall, n_inject, n_svc;

static void chaos_step(uint64_t *rng)
{
	struct remote *r = &remotes[fz_below(rng, nremotes)];
	unsigned char buf[MTU];
	unsigned int i, n, k;
	uint32_t dst;

	if (r->stopped) {
		if (fz_now_ms() >= r->start_at && !sim_start(r->sim))
			r->stopped = false;
		return;
	}
	switch (fz_below(rng, 20)) {
	case 0: case 1: case 2: case 3:
		if (!sim_crash(r->sim))
			n_crash++;
		break;
	case 4:
		if (!sim_stop(r->sim)) {
			n_stop++;
			r->stopped = true;
			r->start_at = fz_now_ms() + fz_below(rng, 300);
		}
		break;
	case 5: case 6:
		r->stalled = !r->stalled;
		sim_stall(r->sim, r->stalled);
		n_stall++;
		break;
	case 7: case 8:
		k = fz_below(rng, 4);
		if (fz_one_in(rng, 2))
			sim_echo(r->sim, (char[]){ 'f', 'z', '-', '0' + k, 0 },
				 FZ_SVC_ADDR + k);
		else
			sim_del_service(r->sim, FZ_SVC_ADDR + k);
		n_svc++;
		break;
	default:
		n = 1 + fz_below(rng, 20);
		for (i = 0; i < n; i++) {
			size_t len = fz_below(rng, MTU + 1);

			memset(buf, (int)i, len);
			dst = fz_one_in(rng, 4) ? (uint32_t)fz_next(rng) :
			      1024 + fz_below(rng, 64);
			if (!sim_inject(r->sim, SINK_ADDR, dst, buf, len))
				n_inject++;
		}
		break;
	}
}

/* Everything closed: bring every remote up, destroy node endpoints, and
 * expect n_endpoints to reach 0. */
static int final_check(void)
{
	struct rpmsg_rpc_ept_info *e;
	struct rpmsg_rpc_list l = { .size = sizeof(l) };
	struct rpmsg_rpc_ctrl_info info;
	struct rpmsg_rpc_ept_destroy d = { .size = sizeof(d) };
	unsigned int i, j, ndestroyed, bad = 0;
	char path[64];
	uint64_t end;
	int fd, idx;

	e = calloc(4096, sizeof(*e));
	if (!e)
		return 1;
	for (i = 0; i < nremotes; i++) {
		struct remote *r = &remotes[i];

		sim_stall(r->sim, false);
		if (r->stopped)
			sim_start(r->sim);
		if (sim_wait_up(r->sim, 20000)) {
			fprintf(stderr, "rpcfuzz: remote %u did not come up\n", i);
			bad++;
			continue;
		}
		end = fz_now_ms() + 10000;
		while ((idx = fz_ctrl_of(r->rproc)) < 0 && fz_now_ms() < end)
			usleep(10000);
		snprintf(path, sizeof(path), "/dev/rpmsg_rpc_ctrl%d", idx);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "rpcfuzz: %s: %s\n", path, strerror(errno));
			bad++;
			continue;
		}
		l.count = 4096;
		l.entry_size = sizeof(*e);
		l.entries = (uintptr_t)e;
		if (ioctl(fd, RPMSG_RPC_LIST_EPTS, &l)) {
			fprintf(stderr, "rpcfuzz: LIST_EPTS: %s\n", strerror(errno));
			bad++;
		}
		ndestroyed = 0;
		for (j = 0; j < l.count && j < 4096; j++) {
			if (e[j].minor == RPMSG_RPC_ADDR_ANY)
				continue;
			d.index = e[j].index;
			ndestroyed += !ioctl(fd, RPMSG_RPC_DESTROY_EPT, &d);
		}
		end = fz_now_ms() + 3000;
		do {
			info = (struct rpmsg_rpc_ctrl_info){ .size = sizeof(info) };
			if (ioctl(fd, RPMSG_RPC_CTRL_INFO, &info))
				info.n_endpoints = ~0U;
			if (!info.n_endpoints)
				break;
			usleep(10000);
		} while (fz_now_ms() < end);
		printf("# rpcfuzz: remote %u (%s, rpmsg_rpc_ctrl%d): %u node endpoints destroyed, n_endpoints now %u\n",
		       i, r->rproc, idx, ndestroyed, info.n_endpoints);
		if (info.n_endpoints) {
			finding(NULL, "leak: %s has %u endpoints with every fd closed",
				path, info.n_endpoints);
			l.count = 4096;
			if (!ioctl(fd, RPMSG_RPC_LIST_EPTS, &l))
				for (j = 0; j < l.count && j < 16; j++)
					fprintf(stderr, "rpcfuzz:   left: index %u name '%.31s' flags %#x state %u\n",
						e[j].index, e[j].name, e[j].flags,
						e[j].state);
		}
		close(fd);
	}
	free(e);
	return bad;
}

static const char *errname(int e)
{
	static char buf[8][16];
	static int k;

	switch (e) {
#define E(x) case x: return #x
	E(EPERM); E(ENOENT); E(EINTR); E(ENXIO); E(EBADF); E(EAGAIN);
	E(ENOMEM); E(EFAULT); E(EBUSY); E(ENODEV); E(EINVAL); E(ENFILE);
	E(EMFILE); E(ENOTTY); E(ENOSPC); E(ESPIPE); E(EPIPE); E(E2BIG);
	E(EMSGSIZE); E(EDESTADDRREQ); E(ENOTCONN); E(EADDRINUSE);
	E(EADDRNOTAVAIL); E(ETIMEDOUT); E(EOPNOTSUPP); E(ENOBUFS);
#undef E
	}
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%d", e);
	return buf[k];
}

/* Where a stuck process's threads are: wchan and kernel stack of each. */
static void dump_stuck(pid_t pid)
{
	static const char *const what[] = { "wchan", "syscall", "stack" };
	char path[320], buf[4096];
	struct dirent *de;
	unsigned int k;
	ssize_t n;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		for (k = 0; k < 3; k++) {
			snprintf(path, sizeof(path), "/proc/%d/task/%s/%s",
				 (int)pid, de->d_name, what[k]);
			fd = open(path, O_RDONLY);
			if (fd < 0)
				continue;
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			fprintf(stderr, "rpcfuzz:   task %s %s: %s%s", de->d_name,
				what[k], buf, buf[n - 1] == '\n' ? "" : "\n");
		}
	}
	closedir(d);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: rpcfuzz [-s SEED] [-t SECONDS] [-p PROCS] [-j THREADS] [-r REMOTES] [-c CHAOS_MS] [-q]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	pid_t pids[MAX_PROCS];
	uint64_t t0, deadline, rng, total;
	int opt, status, reports0, reports1, bad = 0;
	unsigned int i, c, e;

	seed = (uint64_t)time(NULL) * 2654435761ULL ^ (uint64_t)getpid();
	while ((opt = getopt(argc, argv, "s:t:p:j:r:c:q")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = strtoul(optarg, NULL, 0); break;
		case 'p': nprocs = strtoul(optarg, NULL, 0); break;
		case 'j': nthreads = strtoul(optarg, NULL, 0); break;
		case 'r': nremotes = strtoul(optarg, NULL, 0); break;
		case 'c': chaos_ms = strtoul(optarg, NULL, 0); break;
		case 'q': quiet = true; break;
		default: usage();
		}
	}
	if (!nprocs || nprocs > MAX_PROCS || !nthreads ||
	    nthreads > MAX_THREADS || !nremotes || nremotes > MAX_REMOTES ||
	    !chaos_ms)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# rpcfuzz: seed %#" PRIx64 " (replay: rpcfuzz -s %#" PRIx64 " -t %u -p %u -j %u -r %u -c %u)\n",
	       seed, seed, seconds, nprocs, nthreads, nremotes, chaos_ms);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	/* kept reserved: an unmapped range would be reused by later maps */
	unmapped = map(16 * PAGE, PROT_NONE);

	for (i = 0; i < nremotes; i++) {
		struct remote *r = &remotes[i];

		if (sim_create(0, 0, &r->sim) || sim_echo(r->sim, "echo", ECHO_ADDR) ||
		    sim_add_service(r->sim, "sink", SINK_ADDR, RPMSG_SIM_SVC_QUIET) ||
		    sim_rproc_name(r->sim, r->rproc, sizeof(r->rproc))) {
			fprintf(stderr, "rpcfuzz: cannot set up simulated remote %u\n", i);
			return 2;
		}
	}
	reports0 = fz_kernel_reports();
	t0 = fz_now_ms();
	deadline = t0 + seconds * 1000ULL;
	for (i = 0; i < nprocs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("rpcfuzz: fork");
			return 2;
		}
		if (!pids[i]) {
			for (c = 0; c < nremotes; c++)
				close(sim_fd(remotes[c].sim));
			_exit(child(i, deadline));
		}
	}

	rng = seed ^ 0xc4a05ULL;
	while (fz_now_ms() < deadline) {
		usleep(1000 * (1 + fz_below(&rng, 2 * chaos_ms)));
		chaos_step(&rng);
	}
	for (i = 0; i < nprocs; i++) {
		uint64_t end = fz_now_ms() + 30000;

		while (waitpid(pids[i], &status, WNOHANG) == 0) {
			if (fz_now_ms() > end) {
				fprintf(stderr, "rpcfuzz: process %u stuck 30 s after the end:\n", i);
				dump_stuck(pids[i]);
				kill(pids[i], SIGKILL);
				waitpid(pids[i], &status, 0);
				bad++;
				break;
			}
			usleep(20000);
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "rpcfuzz: process %u ended with status %#x\n",
				i, status);
			bad++;
		}
	}
	t0 = fz_now_ms() - t0;
	bad += final_check();
	reports1 = fz_kernel_reports();

	for (total = 0, c = 0; c < FZ_NCALLS; c++)
		total += sh->calls[c];
	printf("# rpcfuzz: %" PRIu64 " operations, %" PRIu64 " syscalls on our nodes in %.1f s (%.0f/s), %u processes x %u threads, %u remotes\n",
	       sh->ops, total, t0 / 1e3, total * 1e3 / (t0 ? t0 : 1), nprocs,
	       nthreads, nremotes);
	printf("# rpcfuzz: remote events: %" PRIu64 " crashes, %" PRIu64 " stops, %" PRIu64 " stall toggles, %" PRIu64 " service changes, %" PRIu64 " messages injected\n",
	       n_crash, n_stop, n_stall, n_svc, n_inject);
	for (c = 0; c < FZ_NCALLS; c++) {
		char line[1024];
		size_t off = 0;

		if (!sh->calls[c])
			continue;
		for (e = 1; e < 512; e++)
			if (sh->errs[c][e] && off < sizeof(line) - 40)
				off += snprintf(line + off, sizeof(line) - off,
						" %s:%" PRIu64, errname(e),
						sh->errs[c][e]);
		line[off] = '\0';
		if (!quiet || c == FZ_CTRL_IOCTL || c == FZ_EPT_IOCTL)
			printf("# rpcfuzz:   %-10s %8" PRIu64 " calls; errors%s\n",
			       fz_call_name(c), sh->calls[c], off ? line : " none");
	}
	if (reports0 >= 0 && reports1 > reports0) {
		fprintf(stderr, "rpcfuzz: %d new kernel report lines during the run\n",
			reports1 - reports0);
		bad++;
	}
	printf("# rpcfuzz: findings %" PRIu64 ", kernel report lines %d, seed %#" PRIx64 "\n",
	       sh->findings, reports1 - reports0, seed);
	for (i = 0; i < nremotes; i++)
		sim_destroy(remotes[i].sim);
	return bad || sh->findings ? 1 : 0;
}
