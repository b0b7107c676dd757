#
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Finds sDDF, the seL4 Device Driver Framework, for the examples that use its drivers and queue protocols (set
# USE_SDDF := yes before including example.mk). sDDF is upstream code: never part of this repository. It is found
# like the Microkit SDK: $SDDF, then ./sdk/sddf-$(SDDF_VERSION) in the source tree, then /opt/sddf-$(SDDF_VERSION);
# `make sddf` at the top level fetches the release there. Nothing here fails at include time: targets that need
# it depend on `sddf-check`, which stops with one clear message.
# Defines SDDF, SEL4FT_HAVE_SDDF (yes or empty), SDDF_CFLAGS (what sDDF's own sources are compiled with) and
# SDDF_INCLUDES (how a sel4ft PD includes sDDF's headers).

SDDF_VERSION := 0.6.0
SEL4FT_SDDF_CANDIDATES := $(if $(SEL4FT_DIR),$(SEL4FT_DIR)/sdk/sddf-$(SDDF_VERSION)) /opt/sddf-$(SDDF_VERSION)

ifeq ($(strip $(SDDF)),)
SDDF := $(firstword $(foreach d,$(SEL4FT_SDDF_CANDIDATES),$(if $(wildcard $(d)/include/sddf/blk/queue.h),$(d))))
SEL4FT_SDDF_FROM := search
else
SEL4FT_SDDF_FROM := variable
endif
override SDDF := $(if $(SDDF),$(abspath $(SDDF)))

# The release is the first "## Release" line of sDDF's CHANGES.md (a source tree has no other version mark).
SEL4FT_SDDF_RELEASE = $(shell sed -n 's/^## Release \([0-9.]*\).*/\1/p' $(SDDF)/CHANGES.md 2>/dev/null | head -n 1)
SEL4FT_HAVE_SDDF := $(if $(wildcard $(SDDF)/include/sddf/blk/queue.h),yes,)

# sDDF's sources with the flags its example Makefiles give them (examples/blk/blk.mk: -nostdlib -ffreestanding -g3
# -O3 -Wall -Wno-unused-function -Werror, the board's headers, sDDF's include and include/microkit, -mcpu), plus
# what Debian's aarch64-linux-gnu-gcc needs to build what sDDF's bare-metal toolchains build by default: no
# position-independent code, no calls to libgcc's outline atomics.
SDDF_CFLAGS = -nostdlib -ffreestanding -g3 -O3 -Wall -Wno-unused-function -Werror -mcpu=cortex-a53 \
	-fno-pie -fno-pic -mno-outline-atomics -I$(MICROKIT_BOARD_DIR)/include -I$(SDDF)/include \
	-I$(SDDF)/include/microkit
# sel4ft's PDs include sDDF's headers as system headers: they define static data and functions that a file which
# includes them does not always use, which sel4ft's -Wall -Wextra -Werror would refuse.
SDDF_INCLUDES = -isystem $(SDDF)/include -isystem $(SDDF)/include/microkit

.PHONY: sddf-check
sddf-check:
	@if [ -z "$(SEL4FT_HAVE_SDDF)" ]; then \
		if [ "$(SEL4FT_SDDF_FROM)" = variable ]; then \
			echo "error: SDDF=$(SDDF) is not an sDDF source tree: there is no include/sddf/blk/queue.h in it." >&2; \
		else \
			echo "error: this target needs sDDF $(SDDF_VERSION) (the seL4 Device Driver Framework), and none was found." >&2; \
			echo "       Looked in: \$$SDDF (unset), $(subst $(sel4ft_space),$(sel4ft_comma) ,$(strip $(SEL4FT_SDDF_CANDIDATES)))." >&2; \
		fi; \
		echo "       Get it with 'make sddf' at the top of sel4ft (fetches release $(SDDF_VERSION) into ./sdk/), or unpack" >&2; \
		echo "       https://github.com/au-ts/sddf/archive/refs/tags/$(SDDF_VERSION).tar.gz yourself and set SDDF=/path/to/it." >&2; \
		exit 1; \
	fi
	@if [ "$(SEL4FT_SDDF_RELEASE)" != "$(SDDF_VERSION)" ]; then \
		echo "error: the sDDF at $(SDDF) is release '$(SEL4FT_SDDF_RELEASE)' (its CHANGES.md), not $(SDDF_VERSION)." >&2; \
		echo "       sel4ft's sDDF examples are written for sDDF $(SDDF_VERSION), the release for Microkit 2.0.1." >&2; \
		exit 1; \
	fi
