// SPDX-License-Identifier: GPL-2.0-only
/*
 * rpmsg_rpc: character devices for RPMsg endpoints. Module setup and the
 * rpmsg bus watcher.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * We never bind rpmsg channels (the driver we register matches nothing): it
 * only gives us the rpmsg bus, whose notifier tells us when a remote's
 * anchor device (see compat.h) and its announced channels come and go.
 */
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/uaccess.h>

#include "internal.h"

/* Serialises bus events; protects the list of control nodes */
DEFINE_MUTEX(rpc_lock);
dev_t rpc_devt;
static DEFINE_IDA(rpc_minor_ida);

struct class rpc_class = {
	.name = "rpmsg_rpc",
};

int rpc_minor_get(void)
{
	return ida_alloc_max(&rpc_minor_ida, RPC_MAX_MINORS - 1, GFP_KERNEL);
}

void rpc_minor_put(int minor)
{
	ida_free(&rpc_minor_ida, minor);
}

/*
 * Copy an ioctl struct that starts with a __u32 size field: the size must be
 * the one encoded in cmd, at least the first published size, and bytes
 * beyond what we know must be zero. The size field is read from user space
 * twice (checked, then copied with the rest): the kernel copy gets the
 * checked value, so another thread changing it meanwhile changes nothing.
 */
int rpc_copy_in(void *kbuf, size_t ksize, size_t ver0, unsigned int cmd,
		void __user *arg)
{
	size_t usize = _IOC_SIZE(cmd);
	u32 size;
	int ret;

	if (usize < ver0)
		return -EINVAL;
	if (get_user(size, (u32 __user *)arg))
		return -EFAULT;
	if (size != usize)
		return -EINVAL;
	ret = copy_struct_from_user(kbuf, ksize, arg, usize);
	if (ret)
		return ret;
	*(u32 *)kbuf = size;
	return 0;
}

static bool rpc_is_anchor(struct rpmsg_device *rpdev)
{
	static const char * const names[] = RPC_ANCHOR_NAMES;
	int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(rpdev->id.name, names[i]))
			return true;
	return false;
}

static void rpc_dev_added(struct rpmsg_device *rpdev)
{
	struct device *parent = rpdev->dev.parent;
	struct rpc_ctrl *ctrl;

	if (!parent)
		return;
	mutex_lock(&rpc_lock);
	ctrl = rpc_ctrl_find(parent);
	if (rpc_is_anchor(rpdev)) {
		if (!ctrl && rpc_ctrl_add(rpdev))
			dev_warn(&rpdev->dev, "no rpmsg_rpc control node\n");
	} else if (ctrl && rpc_is_channel(rpdev)) {
		rpc_ns_add(ctrl, rpdev);
	}
	mutex_unlock(&rpc_lock);
}

static void rpc_dev_removed(struct rpmsg_device *rpdev)
{
	struct rpc_ctrl *ctrl;

	mutex_lock(&rpc_lock);
	ctrl = rpc_ctrl_find(rpdev->dev.parent);
	if (ctrl && ctrl->anchor == rpdev)
		rpc_ctrl_remove(ctrl, true);
	else if (ctrl)
		rpc_ns_del(ctrl, rpdev);
	mutex_unlock(&rpc_lock);
}

static int rpc_bus_notify(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	struct rpmsg_device *rpdev = rpc_to_rpdev(data);

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		rpc_dev_added(rpdev);
		break;
	/*
	 * Both: a device whose DEL_DEVICE we missed while loading may still
	 * be found by the initial scan; REMOVED_DEVICE comes while the
	 * transport is still alive (virtio frees it after all children).
	 */
	case BUS_NOTIFY_DEL_DEVICE:
	case BUS_NOTIFY_REMOVED_DEVICE:
		rpc_dev_removed(rpdev);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block rpc_nb = {
	.notifier_call = rpc_bus_notify,
};

static int rpc_scan_one(struct device *dev, void *data)
{
	rpc_dev_added(rpc_to_rpdev(dev));
	return 0;
}

/* Matches no device: we only want the bus pointer it gets. */
static int rpc_probe(struct rpmsg_device *rpdev)
{
	return -ENODEV;
}

static struct rpmsg_driver rpc_driver = {
	.drv.name = KBUILD_MODNAME,
	.probe = rpc_probe,
};

static void rpc_remove_all(void)
{
	struct rpc_ctrl *ctrl;

	mutex_lock(&rpc_lock);
	/* the remotes stay: ANNOUNCE endpoints tell them they go */
	while ((ctrl = rpc_ctrl_first()))
		rpc_ctrl_remove(ctrl, false);
	mutex_unlock(&rpc_lock);
}

static int __init rpc_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&rpc_devt, 0, RPC_MAX_MINORS, "rpmsg_rpc");
	if (ret)
		return ret;
	ret = class_register(&rpc_class);
	if (ret)
		goto err_region;
	ret = register_rpmsg_driver(&rpc_driver);
	if (ret)
		goto err_class;
	ret = bus_register_notifier(rpc_driver.drv.bus, &rpc_nb);
	if (ret)
		goto err_driver;
	/* A channel seen before its anchor is picked up when the anchor is. */
	bus_for_each_dev(rpc_driver.drv.bus, NULL, NULL, rpc_scan_one);
	return 0;

err_driver:
	unregister_rpmsg_driver(&rpc_driver);
err_class:
	class_unregister(&rpc_class);
err_region:
	unregister_chrdev_region(rpc_devt, RPC_MAX_MINORS);
	return ret;
}

static void __exit rpc_exit(void)
{
	bus_unregister_notifier(rpc_driver.drv.bus, &rpc_nb);
	rpc_remove_all();
	unregister_rpmsg_driver(&rpc_driver);
	class_unregister(&rpc_class);
	unregister_chrdev_region(rpc_devt, RPC_MAX_MINORS);
	ida_destroy(&rpc_minor_ida);
}

module_init(rpc_init);
module_exit(rpc_exit);

MODULE_DESCRIPTION("RPMsg endpoint character devices with name-service binding");
MODULE_AUTHOR("The rpmsg-rpc authors");
MODULE_LICENSE("GPL");
/*
 * The anchor's modalias, so that udev's modprobe loads us when a remote
 * appears (after a DKMS install too). An alias, not an id table: a table
 * would make the core offer us the anchor, and log our refusal as an error.
 */
MODULE_ALIAS(RPC_ANCHOR_ALIAS);
