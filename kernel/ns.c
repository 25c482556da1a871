// SPDX-License-Identifier: GPL-2.0-only
/*
 * rpmsg_rpc: the channels a remote announced, and BIND_BY_NAME endpoints.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * The rpmsg core turns each name-service announcement into a channel
 * device on the bus (and removes it on withdrawal); we watch those devices
 * rather than the name-service messages, so upstream keeps handling them.
 */
#include <linux/slab.h>

#include "internal.h"

/*
 * A channel: a device with a remote address that is not one of the devices
 * transports register for themselves (matched by name, as driver_override
 * moved out of struct rpmsg_device in some stable kernels).
 */
bool rpc_is_channel(struct rpmsg_device *rpdev)
{
	static const char * const own[] = {
		"rpmsg_ctrl", "rpmsg_chrdev", "rpmsg_ns",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(own); i++)
		if (!strcmp(rpdev->id.name, own[i]))
			return false;
	return rpdev->dst != RPMSG_ADDR_ANY;
}

static struct rpc_chan *rpc_chan_by_name(struct rpc_ctrl *ctrl,
					 const char *name)
{
	struct rpc_chan *chan;

	list_for_each_entry(chan, &ctrl->chans, node)
		if (!strcmp(chan->name, name))
			return chan;
	return NULL;
}

static bool rpc_ept_wants(struct rpc_ept *ept, const char *name)
{
	return (ept->flags & RPMSG_RPC_EPT_F_BIND_BY_NAME) && !ept->chan &&
	       !strcmp(ept->name, name);
}

void rpc_ns_add(struct rpc_ctrl *ctrl, struct rpmsg_device *rpdev)
{
	struct rpc_chan *chan;
	struct rpc_ept *ept;

	mutex_lock(&ctrl->lock);
	list_for_each_entry(chan, &ctrl->chans, node)
		if (chan->rpdev == rpdev)
			goto out;
	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan)
		goto out;
	chan->rpdev = rpdev;
	strscpy(chan->name, rpdev->id.name, sizeof(chan->name));
	chan->addr = rpdev->dst;
	list_add_tail(&chan->node, &ctrl->chans);
	ctrl->n_chans++;

	list_for_each_entry(ept, &ctrl->epts, node)
		if (rpc_ept_wants(ept, chan->name))
			rpc_ept_set_binding(ept, rpdev, chan->addr,
					    RPMSG_RPC_STATE_BOUND);
out:
	mutex_unlock(&ctrl->lock);
}

void rpc_ns_del(struct rpc_ctrl *ctrl, struct rpmsg_device *rpdev)
{
	struct rpc_chan *chan, *found = NULL, *other;
	struct rpc_ept *ept;

	mutex_lock(&ctrl->lock);
	list_for_each_entry(chan, &ctrl->chans, node) {
		if (chan->rpdev == rpdev) {
			found = chan;
			break;
		}
	}
	if (!found)
		goto out;
	list_del(&found->node);
	ctrl->n_chans--;

	list_for_each_entry(ept, &ctrl->epts, node) {
		if (ept->chan != rpdev)
			continue;
		/* another announcement of the same name takes over */
		other = rpc_chan_by_name(ctrl, ept->name);
		if (other)
			rpc_ept_set_binding(ept, other->rpdev, other->addr,
					    RPMSG_RPC_STATE_BOUND);
		else
			rpc_ept_set_binding(ept, NULL, RPMSG_RPC_ADDR_ANY,
					    RPMSG_RPC_STATE_WITHDRAWN);
	}
	kfree(found);
out:
	mutex_unlock(&ctrl->lock);
}

/* A new BIND_BY_NAME endpoint: bind now if the name is already known. */
void rpc_ns_bind_new(struct rpc_ctrl *ctrl, struct rpc_ept *ept)
{
	struct rpc_chan *chan;

	lockdep_assert_held(&ctrl->lock);
	chan = rpc_chan_by_name(ctrl, ept->name);
	if (chan)
		rpc_ept_set_binding(ept, chan->rpdev, chan->addr,
				    RPMSG_RPC_STATE_BOUND);
}

void rpc_ns_flush(struct rpc_ctrl *ctrl)
{
	struct rpc_chan *chan, *tmp;

	lockdep_assert_held(&ctrl->lock);
	list_for_each_entry_safe(chan, tmp, &ctrl->chans, node) {
		list_del(&chan->node);
		kfree(chan);
	}
	ctrl->n_chans = 0;
}
