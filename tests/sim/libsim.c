// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libsim: drive the rpmsg remote simulator from tests (see libsim.h).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libsim.h"

#define SIM_DEV "/dev/rpmsg_sim"
#define SIM_BOOT_TIMEOUT_MS 10000

struct sim {
	int fd;
	unsigned int index;
};

static int sim_ioctl(struct sim *sim, unsigned long cmd, void *arg)
{
	return ioctl(sim->fd, cmd, arg) < 0 ? -errno : 0;
}

static int sim_new(struct sim **out)
{
	struct sim *sim = calloc(1, sizeof(*sim));

	if (!sim)
		return -ENOMEM;
	sim->fd = open(SIM_DEV, O_RDWR | O_CLOEXEC);
	if (sim->fd < 0) {
		int ret = -errno;

		free(sim);
		return ret;
	}
	*out = sim;
	return 0;
}

int sim_create(unsigned int vring_num, unsigned int flags, struct sim **out)
{
	struct rpmsg_sim_create c = {
		.size = sizeof(c),
		.vring_num = vring_num,
		.flags = flags,
	};
	struct sim *sim;
	int ret;

	ret = sim_new(&sim);
	if (ret)
		return ret;
	ret = sim_ioctl(sim, RPMSG_SIM_IOC_CREATE, &c);
	if (ret) {
		sim_close(sim);
		return ret;
	}
	sim->index = c.index;
	if (!(flags & RPMSG_SIM_CREATE_STOPPED)) {
		ret = sim_wait_up(sim, SIM_BOOT_TIMEOUT_MS);
		if (ret) {
			sim_destroy(sim);
			return ret;
		}
	}
	*out = sim;
	return 0;
}

int sim_open_index(unsigned int index, struct sim **out)
{
	struct sim *sim;
	__u32 idx = index;
	int ret;

	ret = sim_new(&sim);
	if (ret)
		return ret;
	ret = sim_ioctl(sim, RPMSG_SIM_IOC_SELECT, &idx);
	if (ret) {
		sim_close(sim);
		return ret;
	}
	sim->index = index;
	*out = sim;
	return 0;
}

void sim_close(struct sim *sim)
{
	if (!sim)
		return;
	close(sim->fd);
	free(sim);
}

int sim_destroy(struct sim *sim)
{
	int ret;

	if (!sim)
		return 0;
	ret = sim_ioctl(sim, RPMSG_SIM_IOC_DESTROY, NULL);
	sim_close(sim);
	return ret;
}

int sim_fd(const struct sim *sim)
{
	return sim->fd;
}

unsigned int sim_index(const struct sim *sim)
{
	return sim->index;
}

int sim_info(struct sim *sim, struct rpmsg_sim_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return sim_ioctl(sim, RPMSG_SIM_IOC_INFO, info);
}

int sim_stats(struct sim *sim, struct rpmsg_sim_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	stats->size = sizeof(*stats);
	return sim_ioctl(sim, RPMSG_SIM_IOC_STATS, stats);
}

int sim_rproc_name(struct sim *sim, char *buf, size_t len)
{
	struct rpmsg_sim_info info;
	int ret = sim_info(sim, &info);

	if (ret)
		return ret;
	if (strlen(info.rproc) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, info.rproc);
	return 0;
}

int sim_add_service(struct sim *sim, const char *name, uint32_t addr,
		    uint32_t flags)
{
	struct rpmsg_sim_service svc = { .addr = addr, .flags = flags };

	if (strlen(name) >= sizeof(svc.name))
		return -ENAMETOOLONG;
	strcpy(svc.name, name);
	return sim_ioctl(sim, RPMSG_SIM_IOC_ADD_SVC, &svc);
}

int sim_del_service(struct sim *sim, uint32_t addr)
{
	__u32 a = addr;

	return sim_ioctl(sim, RPMSG_SIM_IOC_DEL_SVC, &a);
}

int sim_echo(struct sim *sim, const char *name, uint32_t addr)
{
	return sim_add_service(sim, name, addr, RPMSG_SIM_SVC_ECHO);
}

static int sim_set(struct sim *sim, unsigned long cmd, bool on)
{
	__u32 v = on;

	return sim_ioctl(sim, cmd, &v);
}

int sim_stall(struct sim *sim, bool on)
{
	return sim_set(sim, RPMSG_SIM_IOC_STALL, on);
}

int sim_capture(struct sim *sim, bool on)
{
	return sim_set(sim, RPMSG_SIM_IOC_CAPTURE, on);
}

int sim_crash(struct sim *sim)
{
	return sim_ioctl(sim, RPMSG_SIM_IOC_CRASH, NULL);
}

int sim_stop(struct sim *sim)
{
	return sim_ioctl(sim, RPMSG_SIM_IOC_STOP, NULL);
}

int sim_start(struct sim *sim)
{
	return sim_ioctl(sim, RPMSG_SIM_IOC_START, NULL);
}

int sim_wait_reboot(struct sim *sim, unsigned int prev_boots,
		    unsigned int timeout_ms)
{
	struct rpmsg_sim_wait w = {
		.timeout_ms = timeout_ms,
		.min_boots = prev_boots + 1,
	};

	return sim_ioctl(sim, RPMSG_SIM_IOC_WAIT_UP, &w);
}

int sim_wait_up(struct sim *sim, unsigned int timeout_ms)
{
	struct rpmsg_sim_wait w = { .timeout_ms = timeout_ms };

	return sim_ioctl(sim, RPMSG_SIM_IOC_WAIT_UP, &w);
}

ssize_t sim_recv(struct sim *sim, struct rpmsg_sim_msg *hdr, void *buf,
		 size_t cap, int timeout_ms)
{
	unsigned char msg[sizeof(*hdr) + RPMSG_SIM_BUF_SIZE];
	struct pollfd pfd = { .fd = sim->fd, .events = POLLIN };
	ssize_t n;
	int ret;

	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	n = read(sim->fd, msg, sizeof(msg));
	if (n < 0)
		return -errno;
	if ((size_t)n < sizeof(*hdr))
		return -EPROTO;
	memcpy(hdr, msg, sizeof(*hdr));
	if (hdr->len > cap)
		return -EMSGSIZE;
	memcpy(buf, msg + sizeof(*hdr), hdr->len);
	return hdr->len;
}

static int sim_write_msg(struct sim *sim, const struct rpmsg_sim_msg *hdr,
			 const void *buf)
{
	unsigned char msg[sizeof(*hdr) + RPMSG_SIM_BUF_SIZE];

	/* one write() is one message */
	if (hdr->len > RPMSG_SIM_BUF_SIZE)
		return -EMSGSIZE;
	memcpy(msg, hdr, sizeof(*hdr));
	if (hdr->len)
		memcpy(msg + sizeof(*hdr), buf, hdr->len);
	if (write(sim->fd, msg, sizeof(*hdr) + hdr->len) < 0)
		return -errno;
	return 0;
}

int sim_inject(struct sim *sim, uint32_t src, uint32_t dst, const void *buf,
	       size_t len)
{
	struct rpmsg_sim_msg hdr = { .src = src, .dst = dst, .len = len };

	if (len > RPMSG_SIM_MAX_PAYLOAD)
		return -EMSGSIZE;
	return sim_write_msg(sim, &hdr, buf);
}

int sim_inject_raw(struct sim *sim, const void *buf, size_t len)
{
	struct rpmsg_sim_msg hdr = { .len = len, .flags = RPMSG_SIM_MSG_RAW };

	return sim_write_msg(sim, &hdr, buf);
}
