// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmsg_sim: a simulated remote processor for testing the rpmsg stack.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Each simulated remote is a remoteproc whose "firmware" is this module.
 * Linux boots it the way it boots a real M-core, then the unmodified
 * remoteproc_virtio -> virtio_rpmsg_bus -> rpmsg core stack comes up on it.
 * The module is three parts: the remoteproc side (sim_remote.c: platform
 * device, rproc ops, resource table, boot/crash/stop through the
 * remoteproc core), the firmware (sim_firmware.c: device side of the
 * vrings, name service, echo services, capture and injection queues), and
 * here the control interface, /dev/rpmsg_sim (rpmsg_sim.h,
 * docs/simulator.md).
 */
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sim_internal.h"

/* A file of /dev/rpmsg_sim: speaks for one remote once created/selected. */
struct sim_file {
	struct mutex lock;	/* protects remote */
	struct sim_remote *remote;
};

static int sim_ioc_create(struct sim_file *f, void __user *argp)
{
	struct rpmsg_sim_create c;
	struct sim_remote *r;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if (c.size != sizeof(c) || c.flags & ~RPMSG_SIM_CREATE_STOPPED)
		return -EINVAL;
	if (!c.vring_num)
		c.vring_num = SIM_DEFAULT_VRING_NUM;
	if (c.vring_num < 2 || c.vring_num > SIM_MAX_VRING_NUM ||
	    !is_power_of_2(c.vring_num))
		return -EINVAL;
	if (f->remote)
		return -EBUSY;

	r = sim_remote_create(c.vring_num, c.flags);
	if (IS_ERR(r))
		return PTR_ERR(r);
	kref_get(&r->ref);
	f->remote = r;
	c.index = r->index;
	if (copy_to_user(argp, &c, sizeof(c)))
		return -EFAULT;
	return 0;
}

static int sim_ioc_select(struct sim_file *f, u32 __user *argp)
{
	struct sim_remote *r;
	u32 index;

	if (get_user(index, argp))
		return -EFAULT;
	if (f->remote)
		return -EBUSY;
	r = sim_remote_get(index);
	if (!r)
		return -ENOENT;
	f->remote = r;
	return 0;
}

static int sim_ioc_info(struct sim_remote *r, void __user *argp)
{
	struct rpmsg_sim_info info;

	if (copy_from_user(&info, argp, sizeof(info)))
		return -EFAULT;
	if (info.size != sizeof(info))
		return -EINVAL;
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.index = r->index;
	info.vring_num = r->vdev->vring[0].num;
	mutex_lock(&r->ctl_lock);
	if (r->rproc)
		strscpy(info.rproc, dev_name(&r->rproc->dev),
			sizeof(info.rproc));
	mutex_unlock(&r->ctl_lock);
	spin_lock(&r->lock);
	info.state = r->state;
	info.boots = r->boots;
	info.stalled = r->stalled;
	spin_unlock(&r->lock);
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static int sim_ioc_stats(struct sim_remote *r, void __user *argp)
{
	struct rpmsg_sim_stats st;
	u32 size;

	if (get_user(size, (u32 __user *)argp))
		return -EFAULT;
	if (size != sizeof(st))
		return -EINVAL;
	spin_lock(&r->lock);
	st = r->stats;
	st.pending = r->npending;
	/* The vrings stay mapped while the state is UP (set under the lock). */
	if (r->state == RPMSG_SIM_STATE_UP)
		st.rx_held = sim_firmware_rx_held(r);
	spin_unlock(&r->lock);
	st.size = sizeof(st);
	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

static int sim_ioc_add_svc(struct sim_remote *r, void __user *argp)
{
	struct rpmsg_sim_service req;
	struct sim_service *s;
	int ret = 0;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!memchr(req.name, '\0', sizeof(req.name)) || !req.name[0] ||
	    req.flags & ~(RPMSG_SIM_SVC_ECHO | RPMSG_SIM_SVC_QUIET) ||
	    req.addr == RPMSG_SIM_NS_ADDR || req.addr == FW_RSC_ADDR_ANY)
		return -EINVAL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	strscpy(s->name, req.name, sizeof(s->name));
	s->addr = req.addr;
	s->flags = req.flags;

	mutex_lock(&r->ctl_lock);
	if (sim_find_service(r, s->addr)) {
		ret = -EEXIST;
		kfree(s);
	} else {
		spin_lock(&r->lock);
		list_add_tail_rcu(&s->node, &r->services);
		sim_queue_ns_locked(r, s, SIM_NS_CREATE);
		spin_unlock(&r->lock);
	}
	mutex_unlock(&r->ctl_lock);
	sim_kick_firmware(r);
	return ret;
}

static int sim_ioc_del_svc(struct sim_remote *r, u32 __user *argp)
{
	struct sim_service *s;
	u32 addr;

	if (get_user(addr, argp))
		return -EFAULT;
	mutex_lock(&r->ctl_lock);
	s = sim_find_service(r, addr);
	if (s) {
		spin_lock(&r->lock);
		list_del_rcu(&s->node);
		sim_queue_ns_locked(r, s, SIM_NS_DESTROY);
		spin_unlock(&r->lock);
	}
	mutex_unlock(&r->ctl_lock);
	if (!s)
		return -ENOENT;
	synchronize_rcu();
	kfree(s);
	sim_kick_firmware(r);
	return 0;
}

static int sim_ioc_flag(struct sim_remote *r, u32 __user *argp, bool *flag)
{
	u32 on;

	if (get_user(on, argp))
		return -EFAULT;
	if (on > 1)
		return -EINVAL;
	spin_lock(&r->lock);
	WRITE_ONCE(*flag, on);
	if (flag == &r->capture_on && !on) {
		sim_msgs_free(&r->capture);
		r->ncapture = 0;
	}
	spin_unlock(&r->lock);
	sim_kick_firmware(r);
	return 0;
}

static int sim_ioc_wait_up(struct sim_remote *r, void __user *argp)
{
	struct rpmsg_sim_wait w;
	long ret;

	if (copy_from_user(&w, argp, sizeof(w)))
		return -EFAULT;
	ret = wait_event_interruptible_timeout(r->wait,
		READ_ONCE(r->dead) ||
		(READ_ONCE(r->state) == RPMSG_SIM_STATE_UP &&
		 READ_ONCE(r->boots) >= w.min_boots),
		msecs_to_jiffies(w.timeout_ms));
	if (ret < 0)
		return ret;
	if (READ_ONCE(r->dead))
		return -ENODEV;
	return ret ? 0 : -ETIMEDOUT;
}

/* Crash, stop and start go through the remoteproc core like a board's. */
static int sim_ioc_lifecycle(struct sim_remote *r, unsigned int cmd)
{
	int ret = 0;

	mutex_lock(&r->ctl_lock);
	if (!r->rproc) {
		ret = -ENODEV;
	} else if (cmd == RPMSG_SIM_IOC_CRASH) {
		if (READ_ONCE(r->state) == RPMSG_SIM_STATE_DOWN)
			ret = -EINVAL;
		else
			rproc_report_crash(r->rproc, RPROC_FATAL_ERROR);
	} else if (cmd == RPMSG_SIM_IOC_STOP) {
		ret = rproc_shutdown(r->rproc);
	} else {
		ret = rproc_boot(r->rproc);
	}
	mutex_unlock(&r->ctl_lock);
	return ret;
}

static long sim_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct sim_file *f = file->private_data;
	void __user *argp = (void __user *)arg;
	struct sim_remote *r;
	long ret;

	mutex_lock(&f->lock);
	if (cmd == RPMSG_SIM_IOC_CREATE) {
		ret = sim_ioc_create(f, argp);
		goto out;
	}
	if (cmd == RPMSG_SIM_IOC_SELECT) {
		ret = sim_ioc_select(f, argp);
		goto out;
	}
	r = f->remote;
	if (!r || READ_ONCE(r->dead)) {
		ret = -ENODEV;
		goto out;
	}
	switch (cmd) {
	case RPMSG_SIM_IOC_DESTROY:
		sim_remote_destroy(r);
		ret = 0;
		break;
	case RPMSG_SIM_IOC_INFO:
		ret = sim_ioc_info(r, argp);
		break;
	case RPMSG_SIM_IOC_STATS:
		ret = sim_ioc_stats(r, argp);
		break;
	case RPMSG_SIM_IOC_ADD_SVC:
		ret = sim_ioc_add_svc(r, argp);
		break;
	case RPMSG_SIM_IOC_DEL_SVC:
		ret = sim_ioc_del_svc(r, argp);
		break;
	case RPMSG_SIM_IOC_CAPTURE:
		ret = sim_ioc_flag(r, argp, &r->capture_on);
		break;
	case RPMSG_SIM_IOC_STALL:
		ret = sim_ioc_flag(r, argp, &r->stalled);
		break;
	case RPMSG_SIM_IOC_CRASH:
	case RPMSG_SIM_IOC_STOP:
	case RPMSG_SIM_IOC_START:
		ret = sim_ioc_lifecycle(r, cmd);
		break;
	case RPMSG_SIM_IOC_WAIT_UP:
		/* may sleep long: do not hold the file lock */
		kref_get(&r->ref);
		mutex_unlock(&f->lock);
		ret = sim_ioc_wait_up(r, argp);
		sim_remote_put(r);
		return ret;
	default:
		ret = -ENOTTY;
	}
out:
	mutex_unlock(&f->lock);
	return ret;
}

static struct sim_remote *sim_file_remote(struct sim_file *f)
{
	struct sim_remote *r;

	mutex_lock(&f->lock);
	r = f->remote;
	if (r)
		kref_get(&r->ref);
	mutex_unlock(&f->lock);
	return r;
}

static ssize_t sim_read(struct file *file, char __user *buf, size_t count,
			loff_t *ppos)
{
	struct sim_remote *r = sim_file_remote(file->private_data);
	struct rpmsg_sim_msg hdr;
	struct sim_msg *m;
	ssize_t ret;

	if (!r)
		return -ENODEV;
	spin_lock(&r->lock);
	while (!(m = list_first_entry_or_null(&r->capture, struct sim_msg,
					       node))) {
		spin_unlock(&r->lock);
		if (READ_ONCE(r->dead)) {
			ret = -ENODEV;
			goto out;
		}
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out;
		}
		ret = wait_event_interruptible(r->wait,
			!list_empty_careful(&r->capture) || READ_ONCE(r->dead));
		if (ret)
			goto out;
		spin_lock(&r->lock);
	}
	if (count < sizeof(hdr) + m->len) {
		spin_unlock(&r->lock);
		ret = -EMSGSIZE;
		goto out;
	}
	list_del(&m->node);
	r->ncapture--;
	spin_unlock(&r->lock);

	hdr.src = m->src;
	hdr.dst = m->dst;
	hdr.len = m->len;
	hdr.flags = m->flags;
	ret = sizeof(hdr) + m->len;
	if (copy_to_user(buf, &hdr, sizeof(hdr)) ||
	    copy_to_user(buf + sizeof(hdr), m->data, m->len))
		ret = -EFAULT;
	kfree(m);
out:
	sim_remote_put(r);
	return ret;
}

static ssize_t sim_write(struct file *file, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	struct sim_remote *r = sim_file_remote(file->private_data);
	struct rpmsg_sim_msg hdr;
	struct sim_msg *m = NULL;
	ssize_t ret;
	u32 max;

	if (!r)
		return -ENODEV;
	ret = -EFAULT;
	if (count < sizeof(hdr) || copy_from_user(&hdr, buf, sizeof(hdr)))
		goto out;
	ret = -EINVAL;
	if (hdr.flags & ~RPMSG_SIM_MSG_RAW || count != sizeof(hdr) + hdr.len)
		goto out;
	max = hdr.flags & RPMSG_SIM_MSG_RAW ? RPMSG_SIM_BUF_SIZE :
					      RPMSG_SIM_MAX_PAYLOAD;
	ret = -EMSGSIZE;
	if (hdr.len > max)
		goto out;
	ret = -ENOMEM;
	m = sim_msg_alloc(hdr.src, hdr.dst, hdr.len, hdr.flags, GFP_KERNEL);
	if (!m)
		goto out;
	ret = -EFAULT;
	if (copy_from_user(m->data, buf + sizeof(hdr), hdr.len))
		goto out;

	spin_lock(&r->lock);
	if (r->dead) {
		ret = -ENODEV;
	} else if (r->state != RPMSG_SIM_STATE_UP) {
		ret = -ENOTCONN;	/* a remote that is down sends nothing */
	} else if (r->npending >= SIM_QUEUE_LIMIT) {
		ret = -EAGAIN;
	} else {
		list_add_tail(&m->node, &r->pending);
		r->npending++;
		m = NULL;
		ret = count;
	}
	spin_unlock(&r->lock);
	sim_kick_firmware(r);
out:
	kfree(m);
	sim_remote_put(r);
	return ret;
}

static __poll_t sim_poll(struct file *file, poll_table *wait)
{
	struct sim_remote *r = sim_file_remote(file->private_data);
	__poll_t mask = 0;

	if (!r)
		return EPOLLERR;
	poll_wait(file, &r->wait, wait);
	spin_lock(&r->lock);
	if (!list_empty(&r->capture))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (r->state == RPMSG_SIM_STATE_UP && r->npending < SIM_QUEUE_LIMIT)
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (r->dead)
		mask |= EPOLLHUP;
	spin_unlock(&r->lock);
	sim_remote_put(r);
	return mask;
}

static int sim_open(struct inode *inode, struct file *file)
{
	struct sim_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	file->private_data = f;
	return stream_open(inode, file);
}

static int sim_release(struct inode *inode, struct file *file)
{
	struct sim_file *f = file->private_data;

	if (f->remote)
		sim_remote_put(f->remote);
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

static const struct file_operations sim_fops = {
	.owner = THIS_MODULE,
	.open = sim_open,
	.release = sim_release,
	.read = sim_read,
	.write = sim_write,
	.poll = sim_poll,
	.unlocked_ioctl = sim_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice sim_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "rpmsg_sim",
	.fops = &sim_fops,
	.mode = 0600,
};

static int __init sim_init(void)
{
	return misc_register(&sim_misc);
}

static void __exit sim_exit(void)
{
	misc_deregister(&sim_misc);
	sim_remote_destroy_all();
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_DESCRIPTION("Simulated remote processor for rpmsg tests");
MODULE_AUTHOR("The rpmsg-rpc authors");
MODULE_LICENSE("GPL");
