# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
"""Build of the alp_rpc package (the _core extension over librpc).

The Makefile next to this file calls it for `make`/`make install` (build
tree: ALP_RPC_LIBDIR=../../lib/build); the Yocto recipe (setuptools3) and
debian/rules call it too. librpc's headers come from ../../include when the
sources are there (an older installed <alp/rpc.h> must not win), else from
the system; the library from ALP_RPC_LIBDIR, else the system's -lrpc.
"""
import os

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
TREE_INCLUDE = os.path.join(HERE, "..", "..", "include")
include_dirs = [TREE_INCLUDE] if os.path.exists(os.path.join(TREE_INCLUDE, "alp", "rpc.h")) else []
library_dirs = [d for d in os.environ.get("ALP_RPC_LIBDIR", "").split(":") if d]

setup(
    name="alp_rpc",
    version="1.1.0",
    description="librpc for Python: framed RPC over RPMsg (rpmsg-rpc)",
    license="LGPL-2.1-or-later",
    packages=["alp_rpc"],
    package_data={"alp_rpc": ["py.typed", "*.pyi"]},
    ext_modules=[
        Extension(
            "alp_rpc._core",
            sources=["alp_rpc/_core.c", "alp_rpc/errors.c", "alp_rpc/channel.c",
                     "alp_rpc/callbacks.c", "alp_rpc/device.c"],
            depends=["alp_rpc/core.h"],
            include_dirs=include_dirs,
            library_dirs=library_dirs,
            libraries=["rpc"],
            extra_compile_args=["-std=c11", "-Wall", "-Wextra", "-Werror",
                                "-Wno-missing-field-initializers", "-Wno-cast-function-type"],
        )
    ],
    zip_safe=False,
)
