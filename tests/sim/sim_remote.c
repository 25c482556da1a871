// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmsg_sim remotes: a platform device with a remoteproc on it, booted
 * through the firmware-loading path of the remoteproc core (token image,
 * resource table with one rpmsg vdev), crashed and recovered through it.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */

#include <linux/dma-mapping.h>
#include <linux/firmware.h>
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/virtio_ids.h>

#include "sim_internal.h"

/* virtio-rpmsg feature bit 0: the remote has a name service (virtio spec) */
#define SIM_VIRTIO_RPMSG_F_NS	0

static DEFINE_MUTEX(sim_idr_lock);	/* protects sim_idr */
static DEFINE_IDR(sim_idr);

static void sim_remote_release(struct kref *ref)
{
	struct sim_remote *r = container_of(ref, struct sim_remote, ref);
	struct sim_service *s, *tmp;

	list_for_each_entry_safe(s, tmp, &r->services, node)
		kfree(s);
	sim_msgs_free(&r->pending);
	sim_msgs_free(&r->capture);
	kfree(r->fw_table);
	kfree(r->dev_table);
	kfree(r);
}

void sim_remote_put(struct sim_remote *r)
{
	kref_put(&r->ref, sim_remote_release);
}

static struct sim_remote *rproc_to_sim(struct rproc *rproc)
{
	return *(struct sim_remote **)rproc->priv;
}

static int sim_rproc_sanity_check(struct rproc *rproc,
				  const struct firmware *fw)
{
	if (fw->size < strlen(SIM_FW_MAGIC) ||
	    memcmp(fw->data, SIM_FW_MAGIC, strlen(SIM_FW_MAGIC))) {
		dev_err(&rproc->dev, "%s is not a simulator image\n",
			rproc->firmware);
		return -EINVAL;
	}
	return 0;
}

/* The image "contains" the resource table; keep a copy as the core does. */
static int sim_rproc_parse_fw(struct rproc *rproc, const struct firmware *fw)
{
	struct sim_remote *r = rproc_to_sim(rproc);

	rproc->cached_table = kmemdup(r->fw_table, r->table_sz, GFP_KERNEL);
	if (!rproc->cached_table)
		return -ENOMEM;
	rproc->table_ptr = rproc->cached_table;
	rproc->table_sz = r->table_sz;
	return 0;
}

static struct resource_table *
sim_rproc_find_loaded_rsc_table(struct rproc *rproc, const struct firmware *fw)
{
	return rproc_to_sim(rproc)->dev_table;
}

/* Nothing to copy: the firmware's code is this module. */
static int sim_rproc_load(struct rproc *rproc, const struct firmware *fw)
{
	return 0;
}

static int sim_rproc_start(struct rproc *rproc)
{
	struct sim_remote *r = rproc_to_sim(rproc);

	/*
	 * Subdevices stop in reverse order of registration. The vdev was
	 * registered while the resources were handled, before this: moving
	 * ours to the tail makes it stop first, so the firmware has let go
	 * of the vrings before virtio_rpmsg_bus frees its buffers.
	 */
	rproc_remove_subdev(rproc, &r->subdev);
	rproc_add_subdev(rproc, &r->subdev);
	return 0;
}

static int sim_rproc_stop(struct rproc *rproc)
{
	return 0;
}

/* Linux added buffers to a vring: tx to consume, or rx to fill. */
static void sim_rproc_kick(struct rproc *rproc, int vqid)
{
	struct sim_remote *r = rproc_to_sim(rproc);

	if (READ_ONCE(r->state) != RPMSG_SIM_STATE_UP)
		return;
	if (vqid == r->vring[1].notifyid)
		queue_work(r->wq, &r->tx_work);
	else
		queue_work(r->wq, &r->rx_work);
}

static const struct rproc_ops sim_rproc_ops = {
	.start = sim_rproc_start,
	.stop = sim_rproc_stop,
	.kick = sim_rproc_kick,
	.load = sim_rproc_load,
	.parse_fw = sim_rproc_parse_fw,
	.find_loaded_rsc_table = sim_rproc_find_loaded_rsc_table,
	.sanity_check = sim_rproc_sanity_check,
};

/* Called after the vdev started (virtio device registered). */
static int sim_subdev_start(struct rproc_subdev *subdev)
{
	sim_firmware_start(container_of(subdev, struct sim_remote, subdev));
	return 0;
}

/* Called before the vdev stops: the firmware dies, its queues with it. */
static void sim_subdev_stop(struct rproc_subdev *subdev, bool crashed)
{
	sim_firmware_stop(container_of(subdev, struct sim_remote, subdev));
}

static size_t sim_build_tables(struct sim_remote *r, u32 vring_num)
{
	struct resource_table *t;
	struct fw_rsc_hdr *hdr;
	struct fw_rsc_vdev *vdev;
	size_t vdev_sz = struct_size(vdev, vring, 2);
	size_t sz = sizeof(*t) + sizeof(u32) + sizeof(*hdr) + vdev_sz;
	int i;

	t = kzalloc(sz, GFP_KERNEL);
	r->dev_table = kzalloc(sz, GFP_KERNEL);
	if (!t || !r->dev_table) {
		kfree(t);
		return 0;
	}
	t->ver = 1;
	t->num = 1;
	t->offset[0] = sizeof(*t) + sizeof(u32);
	hdr = (void *)t + t->offset[0];
	hdr->type = RSC_VDEV;
	vdev = (void *)(hdr + 1);
	vdev->id = VIRTIO_ID_RPMSG;
	vdev->dfeatures = BIT(SIM_VIRTIO_RPMSG_F_NS);
	vdev->num_of_vrings = 2;
	for (i = 0; i < 2; i++) {
		vdev->vring[i].da = FW_RSC_ADDR_ANY;
		vdev->vring[i].align = SIM_VRING_ALIGN;
		vdev->vring[i].num = vring_num;
	}
	r->fw_table = t;
	r->vdev = (void *)r->dev_table + ((void *)vdev - (void *)t);
	return sz;
}

static void sim_remote_teardown(struct sim_remote *r)
{
	if (r->rproc) {
		rproc_del(r->rproc);
		rproc_remove_subdev(r->rproc, &r->subdev);
		rproc_free(r->rproc);
		r->rproc = NULL;
	}
	if (r->wq)
		destroy_workqueue(r->wq);
	r->wq = NULL;
	if (r->pdev)
		platform_device_unregister(r->pdev);
	r->pdev = NULL;
}

struct sim_remote *sim_remote_create(u32 vring_num, u32 flags)
{
	struct platform_device_info pinfo = {
		.name = "rpmsg-sim",
		/* vring and buffer addresses go in 32-bit resource fields */
		.dma_mask = DMA_BIT_MASK(32),
	};
	struct sim_remote *r;
	int ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	kref_init(&r->ref);
	mutex_init(&r->ctl_lock);
	spin_lock_init(&r->lock);
	INIT_LIST_HEAD(&r->services);
	INIT_LIST_HEAD(&r->pending);
	INIT_LIST_HEAD(&r->capture);
	init_waitqueue_head(&r->wait);
	sim_firmware_init(r);
	r->subdev.start = sim_subdev_start;
	r->subdev.stop = sim_subdev_stop;
	INIT_LIST_HEAD(&r->subdev.node);

	r->table_sz = sim_build_tables(r, vring_num);
	if (!r->table_sz) {
		ret = -ENOMEM;
		goto err_put;
	}

	mutex_lock(&sim_idr_lock);
	ret = idr_alloc(&sim_idr, r, 0, 0, GFP_KERNEL);
	mutex_unlock(&sim_idr_lock);
	if (ret < 0)
		goto err_put;
	r->index = ret;

	r->wq = alloc_workqueue("rpmsg_sim%u", WQ_UNBOUND, 0, r->index);
	if (!r->wq) {
		ret = -ENOMEM;
		goto err_teardown;
	}
	pinfo.id = r->index;
	r->pdev = platform_device_register_full(&pinfo);
	if (IS_ERR(r->pdev)) {
		ret = PTR_ERR(r->pdev);
		r->pdev = NULL;
		goto err_teardown;
	}
	r->rproc = rproc_alloc(&r->pdev->dev, dev_name(&r->pdev->dev),
			       &sim_rproc_ops, SIM_FW_NAME, sizeof(r));
	if (!r->rproc) {
		ret = -ENOMEM;
		goto err_teardown;
	}
	*(struct sim_remote **)r->rproc->priv = r;
	r->rproc->auto_boot = false;
	ret = rproc_add(r->rproc);
	if (ret) {
		rproc_free(r->rproc);
		r->rproc = NULL;
		goto err_teardown;
	}
	if (!(flags & RPMSG_SIM_CREATE_STOPPED)) {
		ret = rproc_boot(r->rproc);
		if (ret)
			goto err_teardown;
	}
	return r;

err_teardown:
	sim_remote_teardown(r);
	mutex_lock(&sim_idr_lock);
	idr_remove(&sim_idr, r->index);
	mutex_unlock(&sim_idr_lock);
err_put:
	sim_remote_put(r);
	return ERR_PTR(ret);
}

/* Remove from the index table and tear down; files keep the memory alive. */
void sim_remote_destroy(struct sim_remote *r)
{
	mutex_lock(&r->ctl_lock);
	spin_lock(&r->lock);
	r->dead = true;
	spin_unlock(&r->lock);
	sim_remote_teardown(r);
	mutex_unlock(&r->ctl_lock);
	wake_up_interruptible(&r->wait);

	mutex_lock(&sim_idr_lock);
	idr_remove(&sim_idr, r->index);
	mutex_unlock(&sim_idr_lock);
	sim_remote_put(r);
}

struct sim_remote *sim_remote_get(u32 index)
{
	struct sim_remote *r;

	mutex_lock(&sim_idr_lock);
	r = idr_find(&sim_idr, index);
	if (r)
		kref_get(&r->ref);
	mutex_unlock(&sim_idr_lock);
	return r;
}

/* Module unload: no file is open (the module is pinned while one is). */
void sim_remote_destroy_all(void)
{
	struct sim_remote *r;
	int id;

	for (;;) {
		mutex_lock(&sim_idr_lock);
		id = 0;
		r = idr_get_next(&sim_idr, &id);
		mutex_unlock(&sim_idr_lock);
		if (!r)
			break;
		sim_remote_destroy(r);
	}
	idr_destroy(&sim_idr);
}
