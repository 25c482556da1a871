// SPDX-License-Identifier: GPL-2.0-only
/*
 * rpmsg_rpc: the control node of one remote processor.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/delay.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/remoteproc.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>

#include "internal.h"

/* How long a create waits for a remote whose transport is still starting */
#define RPC_READY_WAIT_MS	1000

static LIST_HEAD(rpc_ctrls);
static DEFINE_IDA(rpc_ctrl_ida);

struct rpc_ctrl *rpc_ctrl_find(struct device *parent)
{
	struct rpc_ctrl *ctrl;

	lockdep_assert_held(&rpc_lock);
	list_for_each_entry(ctrl, &rpc_ctrls, node)
		if (ctrl->parent == parent)
			return ctrl;
	return NULL;
}

struct rpc_ctrl *rpc_ctrl_first(void)
{
	lockdep_assert_held(&rpc_lock);
	return list_first_entry_or_null(&rpc_ctrls, struct rpc_ctrl, node);
}

static void rpc_ctrl_release(struct device *dev)
{
	struct rpc_ctrl *ctrl = container_of(dev, struct rpc_ctrl, dev);

	if (ctrl->minor >= 0)
		rpc_minor_put(ctrl->minor);
	if (ctrl->index >= 0)
		ida_free(&rpc_ctrl_ida, ctrl->index);
	kfree(ctrl);
}

/* The remote's name: its remoteproc's, if the transport sits on one. */
static void rpc_ctrl_identify(struct rpc_ctrl *ctrl, struct device *parent)
{
	struct device *d;

	strscpy(ctrl->device, dev_name(parent), sizeof(ctrl->device));
	strscpy(ctrl->remote, dev_name(parent), sizeof(ctrl->remote));
	for (d = parent; d; d = d->parent) {
		if (d->class && !strcmp(d->class->name, "remoteproc")) {
			struct rproc *rproc = container_of(d, struct rproc, dev);

			strscpy(ctrl->rproc, dev_name(d), sizeof(ctrl->rproc));
			if (rproc->name)
				strscpy(ctrl->remote, rproc->name,
					sizeof(ctrl->remote));
			break;
		}
	}
}

static int rpc_ctrl_scan_chan(struct device *dev, void *data)
{
	struct rpmsg_device *rpdev = rpc_to_rpdev(dev);
	struct rpc_ctrl *ctrl = data;

	if (dev->parent == ctrl->parent && rpc_is_channel(rpdev))
		rpc_ns_add(ctrl, rpdev);
	return 0;
}

#define RPC_CTRL_ATTR(attr_name, field)					\
static ssize_t attr_name##_show(struct device *dev,			\
				struct device_attribute *attr, char *buf) \
{									\
	return sysfs_emit(buf, "%s\n",					\
			  container_of(dev, struct rpc_ctrl, dev)->field); \
}									\
static DEVICE_ATTR_RO(attr_name)

RPC_CTRL_ATTR(remote, remote);
RPC_CTRL_ATTR(rproc, rproc);
RPC_CTRL_ATTR(transport, device);

static struct attribute *rpc_ctrl_attrs[] = {
	&dev_attr_remote.attr,
	&dev_attr_rproc.attr,
	&dev_attr_transport.attr,
	NULL,
};
ATTRIBUTE_GROUPS(rpc_ctrl);

static const struct device_type rpc_ctrl_type = {
	.name = "rpmsg_rpc_ctrl",
	.groups = rpc_ctrl_groups,
};

static const struct file_operations rpc_ctrl_fops;

/*
 * Only virtio transports: glink and SMD register the same anchor device,
 * but creating endpoints on it fails there (ENOTSUPP). One line per remote
 * says why it has no control node.
 */
static bool rpc_transport_supported(struct device *parent)
{
	return parent->bus && !strcmp(parent->bus->name, "virtio");
}

int rpc_ctrl_add(struct rpmsg_device *anchor)
{
	struct rpc_ctrl *ctrl;
	int ret;

	if (!rpc_transport_supported(anchor->dev.parent)) {
		dev_info(&anchor->dev,
			 "not a virtio transport: no rpmsg_rpc control node\n");
		return 0;
	}
	ctrl = kzalloc(sizeof(*ctrl), GFP_KERNEL);
	if (!ctrl)
		return -ENOMEM;
	mutex_init(&ctrl->lock);
	INIT_LIST_HEAD(&ctrl->epts);
	INIT_LIST_HEAD(&ctrl->chans);
	INIT_LIST_HEAD(&ctrl->node);
	atomic_set(&ctrl->rx_queued, 0);
	ctrl->parent = anchor->dev.parent;
	rpc_ctrl_identify(ctrl, ctrl->parent);
	ctrl->index = -1;
	ctrl->minor = -1;

	device_initialize(&ctrl->dev);
	/* release copes with a half-built ctrl: every error path just puts */
	ctrl->dev.release = rpc_ctrl_release;
	ctrl->dev.class = &rpc_class;
	ctrl->dev.type = &rpc_ctrl_type;

	ret = ida_alloc(&rpc_ctrl_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_put;
	ctrl->index = ret;
	ret = rpc_minor_get();
	if (ret < 0)
		goto err_put;
	ctrl->minor = ret;
	ctrl->dev.devt = MKDEV(MAJOR(rpc_devt), ctrl->minor);
	ret = dev_set_name(&ctrl->dev, "rpmsg_rpc_ctrl%d", ctrl->index);
	if (ret)
		goto err_put;

	get_device(&anchor->dev);
	ctrl->anchor = anchor;

	cdev_init(&ctrl->cdev, &rpc_ctrl_fops);
	ctrl->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&ctrl->cdev, &ctrl->dev);
	if (ret) {
		put_device(&anchor->dev);
		goto err_put;
	}

	list_add_tail(&ctrl->node, &rpc_ctrls);
	bus_for_each_dev(anchor->dev.bus, NULL, ctrl, rpc_ctrl_scan_chan);
	return 0;

err_put:
	put_device(&ctrl->dev);
	return ret;
}

/*
 * The remote is going (or we are): every endpoint dies, the node goes.
 * remote_gone: the transport is going, send it nothing more.
 */
void rpc_ctrl_remove(struct rpc_ctrl *ctrl, bool remote_gone)
{
	struct rpmsg_device *anchor;
	struct rpc_ept *ept;

	lockdep_assert_held(&rpc_lock);
	list_del_init(&ctrl->node);

	mutex_lock(&ctrl->lock);
	while ((ept = list_first_entry_or_null(&ctrl->epts, struct rpc_ept,
					       node)))
		rpc_ept_kill(ept, remote_gone);
	rpc_ns_flush(ctrl);
	anchor = ctrl->anchor;
	ctrl->anchor = NULL;
	mutex_unlock(&ctrl->lock);

	put_device(&anchor->dev);
	cdev_device_del(&ctrl->cdev, &ctrl->dev);
	put_device(&ctrl->dev);
}

static int rpc_ctrl_open(struct inode *inode, struct file *filp)
{
	struct rpc_ctrl *ctrl = container_of(inode->i_cdev, struct rpc_ctrl,
					     cdev);

	get_device(&ctrl->dev);
	filp->private_data = ctrl;
	return stream_open(inode, filp);
}

static int rpc_ctrl_release_file(struct inode *inode, struct file *filp)
{
	struct rpc_ctrl *ctrl = filp->private_data;

	put_device(&ctrl->dev);
	return 0;
}

static long rpc_ctrl_info(struct rpc_ctrl *ctrl, unsigned int cmd,
			  void __user *arg)
{
	struct rpmsg_rpc_ctrl_info info;
	struct rpc_ept *ept;
	struct rpc_chan *chan;
	int ret;

	ret = rpc_copy_in(&info, sizeof(info), RPMSG_RPC_CTRL_INFO_SIZE_VER0,
			  cmd, arg);
	if (ret)
		return ret;
	memset(&info, 0, sizeof(info));
	info.size = _IOC_SIZE(cmd);
	info.abi_version = RPMSG_RPC_ABI_VERSION;
	info.index = ctrl->index;
	strscpy(info.remote, ctrl->remote, sizeof(info.remote));
	strscpy(info.device, ctrl->device, sizeof(info.device));

	mutex_lock(&ctrl->lock);
	if (!ctrl->anchor) {
		mutex_unlock(&ctrl->lock);
		return -ENODEV;
	}
	list_for_each_entry(ept, &ctrl->epts, node)
		info.n_endpoints++;
	list_for_each_entry(chan, &ctrl->chans, node)
		info.n_channels++;
	mutex_unlock(&ctrl->lock);

	if (copy_to_user(arg, &info, min_t(size_t, sizeof(info), info.size)))
		return -EFAULT;
	return 0;
}

/*
 * Transports allocate addresses with idr_alloc(), whose range is an int: a
 * fixed address above INT_MAX would make virtio call it with a negative
 * start (a WARNING, a panic with panic_on_warn). Found by the fuzzer.
 */
static bool rpc_src_in_range(u32 src)
{
	return src == RPMSG_RPC_ADDR_ANY || src <= INT_MAX;
}

static int rpc_check_create(struct file *filp,
			    const struct rpmsg_rpc_ept_create *req, bool fd)
{
	u32 known = RPMSG_RPC_EPT_F_ANNOUNCE | RPMSG_RPC_EPT_F_BIND_BY_NAME;
	int ret;

	if (fd)
		known |= RPMSG_RPC_EPT_F_NONBLOCK | RPMSG_RPC_EPT_F_CLOEXEC;
	if (req->flags & ~known)
		return -EINVAL;
	if ((req->flags & RPMSG_RPC_EPT_F_BIND_BY_NAME) &&
	    req->dst != RPMSG_RPC_ADDR_ANY)
		return -EINVAL;
	if (!rpc_src_in_range(req->src) || (req->src != RPMSG_RPC_ADDR_ANY &&
					    req->src < RPMSG_RPC_RESERVED_ADDRS))
		return -EADDRNOTAVAIL;
	ret = rpc_check_name(req->name, req->flags);
	if (ret)
		return ret;
	return rpc_check_dst(filp, req->dst);
}

/*
 * virtio registers the anchor (and so our control node appears) before it
 * sets DRIVER_OK; nothing may be queued on its vrings before that. Called
 * with ctrl->lock held and ctrl->anchor set, so the transport is alive.
 */
static bool rpc_transport_ready(struct rpc_ctrl *ctrl)
{
	struct virtio_device *vdev = dev_to_virtio(ctrl->parent);

	return vdev->config->get_status(vdev) & VIRTIO_CONFIG_S_DRIVER_OK;
}

/* Under ctrl->lock: a new endpoint, or why not (-EAGAIN: not ready yet). */
static struct rpc_ept *rpc_ctrl_try_new_ept(struct rpc_ctrl *ctrl,
					    const struct rpmsg_rpc_ept_create *req,
					    bool node)
{
	lockdep_assert_held(&ctrl->lock);
	if (!ctrl->anchor)
		return ERR_PTR(-ENODEV);
	if (!rpc_transport_ready(ctrl))
		return ERR_PTR(-EAGAIN);
	if (ctrl->n_epts >= RPC_MAX_EPTS)
		return ERR_PTR(-ENOSPC);
	return rpc_ept_create(ctrl, req, node);
}

/* Returns a new endpoint with an extra reference for the caller. */
static struct rpc_ept *rpc_ctrl_new_ept(struct rpc_ctrl *ctrl,
					const struct rpmsg_rpc_ept_create *req,
					bool node, bool nonblock)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(RPC_READY_WAIT_MS);
	struct rpc_ept *ept;
	int ret;

	for (;;) {
		mutex_lock(&ctrl->lock);
		ept = rpc_ctrl_try_new_ept(ctrl, req, node);
		if (!IS_ERR(ept))
			get_device(&ept->dev);
		mutex_unlock(&ctrl->lock);
		if (PTR_ERR_OR_ZERO(ept) != -EAGAIN || nonblock)
			break;
		if (time_after(jiffies, deadline))
			return ERR_PTR(-EAGAIN);
		if (msleep_interruptible(1))
			return ERR_PTR(-EINTR);
	}
	if (IS_ERR(ept))
		return ept;

	if (req->flags & RPMSG_RPC_EPT_F_ANNOUNCE) {
		ret = rpc_ept_announce(ept, nonblock);
		if (ret) {
			rpc_ept_destroy(ept);
			put_device(&ept->dev);
			return ERR_PTR(ret);
		}
	}
	return ept;
}

static long rpc_ctrl_create(struct rpc_ctrl *ctrl, struct file *filp,
			    unsigned int cmd, void __user *arg, bool want_fd)
{
	struct rpmsg_rpc_ept_create req;
	struct rpmsg_rpc_ept_info info;
	struct file *file = NULL;
	struct rpc_ept *ept;
	int fd = -1;
	int ret;

	ret = rpc_copy_in(&req, sizeof(req), RPMSG_RPC_EPT_CREATE_SIZE_VER0,
			  cmd, arg);
	if (ret)
		return ret;
	ret = rpc_check_create(filp, &req, want_fd);
	if (ret)
		return ret;

	ept = rpc_ctrl_new_ept(ctrl, &req, !want_fd,
			       filp->f_flags & O_NONBLOCK);
	if (IS_ERR(ept))
		return PTR_ERR(ept);

	if (want_fd) {
		fd = get_unused_fd_flags(O_RDWR |
			((req.flags & RPMSG_RPC_EPT_F_CLOEXEC) ? O_CLOEXEC : 0));
		if (fd < 0) {
			ret = fd;
			goto err_destroy;
		}
		file = rpc_ept_file(ept, req.flags & RPMSG_RPC_EPT_F_NONBLOCK);
		if (IS_ERR(file)) {
			put_unused_fd(fd);
			ret = PTR_ERR(file);
			goto err_destroy;
		}
	}

	rpc_ept_fill_info(ept, &info);
	req.src = info.src;
	req.dst = info.dst;
	req.index = info.index;
	req.minor = info.minor;
	req.mtu = info.mtu;
	req.fd = fd;
	if (copy_to_user(arg, &req, min_t(size_t, sizeof(req), req.size))) {
		ret = -EFAULT;
		if (file) {
			/* the file owns the endpoint: its release kills it */
			put_unused_fd(fd);
			fput(file);
			put_device(&ept->dev);
			return ret;
		}
		goto err_destroy;
	}
	if (file)
		fd_install(fd, file);
	put_device(&ept->dev);
	return 0;

err_destroy:
	rpc_ept_destroy(ept);
	put_device(&ept->dev);
	return ret;
}

/* Upstream rpmsg_ctrl's RPMSG_CREATE_EPT_IOCTL: a node, no flags. */
static long rpc_ctrl_create_compat(struct rpc_ctrl *ctrl, struct file *filp,
				   void __user *arg)
{
	struct rpmsg_rpc_ept_create req = { .size = sizeof(req) };
	struct rpmsg_endpoint_info uinfo;
	struct rpc_ept *ept;
	int ret;

	if (copy_from_user(&uinfo, arg, sizeof(uinfo)))
		return -EFAULT;
	/* As upstream, the name is cut and any src is tried; our name rule */
	memcpy(req.name, uinfo.name, sizeof(req.name) - 1);
	req.src = uinfo.src;
	req.dst = uinfo.dst;
	if (!rpc_src_in_range(req.src))
		return -EADDRNOTAVAIL;
	ret = rpc_check_name(req.name, 0);
	if (!ret)
		ret = rpc_check_dst(filp, req.dst);
	if (ret)
		return ret;
	ept = rpc_ctrl_new_ept(ctrl, &req, true, filp->f_flags & O_NONBLOCK);
	if (IS_ERR(ept))
		return PTR_ERR(ept);
	put_device(&ept->dev);
	return 0;
}

static long rpc_ctrl_destroy(struct rpc_ctrl *ctrl, unsigned int cmd,
			     void __user *arg)
{
	struct rpmsg_rpc_ept_destroy req;
	struct rpc_ept *ept;
	int ret;

	ret = rpc_copy_in(&req, sizeof(req), RPMSG_RPC_EPT_DESTROY_SIZE_VER0,
			  cmd, arg);
	if (ret)
		return ret;

	mutex_lock(&ctrl->lock);
	ret = ctrl->anchor ? -ENOENT : -ENODEV;
	list_for_each_entry(ept, &ctrl->epts, node) {
		if (ept->index == req.index) {
			rpc_ept_kill(ept, false);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&ctrl->lock);
	return ret;
}

static int rpc_list_check(struct rpmsg_rpc_list *req, size_t ver0)
{
	if (req->reserved || req->entry_size < ver0 ||
	    req->entry_size > PAGE_SIZE)
		return -EINVAL;
	return 0;
}

/*
 * Copy n kernel entries of ksize bytes out to the user's array; a larger
 * user entry gets zeros at the end. No lock held: the user's memory may
 * fault for as long as its owner likes.
 */
static int rpc_list_out(const struct rpmsg_rpc_list *req, const void *kents,
			u32 n, size_t ksize)
{
	size_t len = min_t(size_t, ksize, req->entry_size);
	void __user *dst;
	u32 i;

	for (i = 0; i < n; i++) {
		dst = u64_to_user_ptr(req->entries) + (size_t)i * req->entry_size;
		if (copy_to_user(dst, kents + i * ksize, len))
			return -EFAULT;
		if (req->entry_size > len &&
		    clear_user(dst + len, req->entry_size - len))
			return -EFAULT;
	}
	return 0;
}

/*
 * Snapshot up to max entries into kents (max * ksize bytes) under
 * ctrl->lock; returns how many exist, or -ENODEV.
 */
static int rpc_list_snapshot(struct rpc_ctrl *ctrl, bool chans, void *kents,
			     u32 max, u32 entry_size)
{
	struct rpmsg_rpc_channel *ch = kents;
	struct rpmsg_rpc_ept_info *info = kents;
	struct rpc_chan *chan;
	struct rpc_ept *ept;
	u32 n = 0;

	mutex_lock(&ctrl->lock);
	if (!ctrl->anchor) {
		mutex_unlock(&ctrl->lock);
		return -ENODEV;
	}
	if (chans) {
		list_for_each_entry(chan, &ctrl->chans, node) {
			if (n < max) {
				strscpy(ch[n].name, chan->name,
					sizeof(ch[n].name));
				ch[n].addr = chan->addr;
			}
			n++;
		}
	} else {
		list_for_each_entry(ept, &ctrl->epts, node) {
			if (n < max) {
				rpc_ept_fill_info(ept, &info[n]);
				info[n].size = min_t(u32, sizeof(*info),
						     entry_size);
			}
			n++;
		}
	}
	mutex_unlock(&ctrl->lock);
	return n;
}

/* The count of things to list, read under the lock, for sizing. */
static u32 rpc_list_count(struct rpc_ctrl *ctrl, bool chans)
{
	return chans ? ctrl->n_chans : ctrl->n_epts;
}

static long rpc_ctrl_list(struct rpc_ctrl *ctrl, unsigned int cmd,
			  void __user *arg, bool chans)
{
	struct rpmsg_rpc_list __user *ureq = arg;
	size_t ksize = chans ? sizeof(struct rpmsg_rpc_channel) :
			       sizeof(struct rpmsg_rpc_ept_info);
	struct rpmsg_rpc_list req;
	void *kents = NULL;
	u32 max;
	int n;
	int ret;

	ret = rpc_copy_in(&req, sizeof(req), RPMSG_RPC_LIST_SIZE_VER0, cmd, arg);
	if (ret)
		return ret;
	ret = rpc_list_check(&req, chans ? ksize :
			     RPMSG_RPC_EPT_INFO_SIZE_VER0);
	if (ret)
		return ret;

	mutex_lock(&ctrl->lock);
	max = min(req.count, rpc_list_count(ctrl, chans));
	mutex_unlock(&ctrl->lock);
	if (max) {
		kents = kvcalloc(max, ksize, GFP_KERNEL);
		if (!kents)
			return -ENOMEM;
	}
	n = rpc_list_snapshot(ctrl, chans, kents, max, req.entry_size);
	if (n < 0) {
		ret = n;
		goto out;
	}
	/* the list may have grown meanwhile: report it, fill what we have */
	ret = rpc_list_out(&req, kents, min_t(u32, n, max), ksize);
	if (!ret)
		ret = put_user((u32)n, &ureq->count);
out:
	kvfree(kents);
	return ret;
}

static long rpc_ctrl_ioctl(struct file *filp, unsigned int cmd,
			   unsigned long arg)
{
	struct rpc_ctrl *ctrl = filp->private_data;
	void __user *uarg = (void __user *)arg;

	int ret;

	if (cmd == RPMSG_CREATE_EPT_IOCTL)
		return rpc_need_write(filp) ?: rpc_ctrl_create_compat(ctrl, filp,
								       uarg);
	if (_IOC_TYPE(cmd) != RPMSG_RPC_IOC_MAGIC)
		return -ENOTTY;

	switch (RPC_IOC_NOSIZE(cmd)) {
	case RPC_IOC_NOSIZE(RPMSG_RPC_CREATE_EPT):
	case RPC_IOC_NOSIZE(RPMSG_RPC_CREATE_EPT_FD):
	case RPC_IOC_NOSIZE(RPMSG_RPC_DESTROY_EPT):
		ret = rpc_need_write(filp);
		if (ret)
			return ret;
	}

	switch (RPC_IOC_NOSIZE(cmd)) {
	case RPC_IOC_NOSIZE(RPMSG_RPC_CTRL_INFO):
		return rpc_ctrl_info(ctrl, cmd, uarg);
	case RPC_IOC_NOSIZE(RPMSG_RPC_CREATE_EPT):
		return rpc_ctrl_create(ctrl, filp, cmd, uarg, false);
	case RPC_IOC_NOSIZE(RPMSG_RPC_CREATE_EPT_FD):
		return rpc_ctrl_create(ctrl, filp, cmd, uarg, true);
	case RPC_IOC_NOSIZE(RPMSG_RPC_DESTROY_EPT):
		return rpc_ctrl_destroy(ctrl, cmd, uarg);
	case RPC_IOC_NOSIZE(RPMSG_RPC_LIST_EPTS):
		return rpc_ctrl_list(ctrl, cmd, uarg, false);
	case RPC_IOC_NOSIZE(RPMSG_RPC_LIST_CHANNELS):
		return rpc_ctrl_list(ctrl, cmd, uarg, true);
	}
	return -ENOTTY;
}

static const struct file_operations rpc_ctrl_fops = {
	.owner = THIS_MODULE,
	.open = rpc_ctrl_open,
	.release = rpc_ctrl_release_file,
	.unlocked_ioctl = rpc_ctrl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
