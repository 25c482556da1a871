// SPDX-License-Identifier: GPL-2.0-only
/*
 * rpmsg_rpc: endpoint attributes in sysfs (docs/driver.md, "sysfs").
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "internal.h"

static struct rpc_ept *dev_to_ept(struct device *dev)
{
	return container_of(dev, struct rpc_ept, dev);
}

static ssize_t name_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_ept(dev)->name);
}
static DEVICE_ATTR_RO(name);

/* dst changes at run time; the others are fixed at creation */
#define RPC_EPT_ATTR(field)						\
static ssize_t field##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%u\n", READ_ONCE(dev_to_ept(dev)->field)); \
}									\
static DEVICE_ATTR_RO(field)

RPC_EPT_ATTR(src);
RPC_EPT_ATTR(dst);
RPC_EPT_ATTR(mtu);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	static const char * const names[] = {
		[RPMSG_RPC_STATE_UNBOUND] = "unbound",
		[RPMSG_RPC_STATE_BOUND] = "bound",
		[RPMSG_RPC_STATE_WAITING] = "waiting",
		[RPMSG_RPC_STATE_WITHDRAWN] = "withdrawn",
		[RPMSG_RPC_STATE_DEAD] = "dead",
	};

	return sysfs_emit(buf, "%s\n", names[READ_ONCE(dev_to_ept(dev)->state)]);
}
static DEVICE_ATTR_RO(state);

static ssize_t remote_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_ept(dev)->ctrl->remote);
}
static DEVICE_ATTR_RO(remote);

static struct attribute *rpc_ept_attrs[] = {
	&dev_attr_name.attr,
	&dev_attr_src.attr,
	&dev_attr_dst.attr,
	&dev_attr_mtu.attr,
	&dev_attr_state.attr,
	&dev_attr_remote.attr,
	NULL,
};

static const struct attribute_group rpc_ept_group = {
	.attrs = rpc_ept_attrs,
};

static ssize_t rpc_stat_show(struct device *dev, char *buf, size_t off)
{
	struct rpc_ept *ept = dev_to_ept(dev);
	u64 val;

	spin_lock_irq(&ept->qlock);
	if (off == offsetof(struct rpmsg_rpc_ept_stats, rxq_depth))
		val = ept->rxq_len;
	else if (off == offsetof(struct rpmsg_rpc_ept_stats, rxq_limit))
		val = ept->rxq_limit;
	else
		val = *(u64 *)((u8 *)&ept->stats + off);
	spin_unlock_irq(&ept->qlock);
	return sysfs_emit(buf, "%llu\n", val);
}

#define RPC_STAT_ATTR(field)						\
static ssize_t field##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return rpc_stat_show(dev, buf,					\
			     offsetof(struct rpmsg_rpc_ept_stats, field)); \
}									\
static DEVICE_ATTR_RO(field)

RPC_STAT_ATTR(rx_msgs);
RPC_STAT_ATTR(rx_bytes);
RPC_STAT_ATTR(rx_drops);
RPC_STAT_ATTR(tx_msgs);
RPC_STAT_ATTR(tx_bytes);
RPC_STAT_ATTR(tx_busy);
RPC_STAT_ATTR(rxq_depth);
RPC_STAT_ATTR(rxq_limit);

static struct attribute *rpc_ept_stat_attrs[] = {
	&dev_attr_rx_msgs.attr,
	&dev_attr_rx_bytes.attr,
	&dev_attr_rx_drops.attr,
	&dev_attr_tx_msgs.attr,
	&dev_attr_tx_bytes.attr,
	&dev_attr_tx_busy.attr,
	&dev_attr_rxq_depth.attr,
	&dev_attr_rxq_limit.attr,
	NULL,
};

static const struct attribute_group rpc_ept_stat_group = {
	.name = "statistics",
	.attrs = rpc_ept_stat_attrs,
};

static const struct attribute_group *rpc_ept_groups[] = {
	&rpc_ept_group,
	&rpc_ept_stat_group,
	NULL,
};

const struct device_type rpc_ept_type = {
	.name = "rpmsg_rpc_ept",
	.groups = rpc_ept_groups,
};
