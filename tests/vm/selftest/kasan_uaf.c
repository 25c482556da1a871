// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A deliberately broken module for the harness self-test: it reads freed
 * memory when loaded. The VM harness must report the KASAN splat and fail
 * the run even though the suite that loads it exits 0.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <linux/module.h>
#include <linux/slab.h>

static int __init kasan_uaf_init(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	pr_info("kasan_uaf: read after free: %d\n", READ_ONCE(p[8]));
	return 0;
}

static void __exit kasan_uaf_exit(void)
{
}

module_init(kasan_uaf_init);
module_exit(kasan_uaf_exit);
MODULE_DESCRIPTION("Use-after-free on purpose: test-harness self-test");
MODULE_LICENSE("GPL");
