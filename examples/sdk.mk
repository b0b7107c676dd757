#
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Finds the Microkit SDK and checks the build variables that depend on it.
# Nothing here fails at include time: targets that need the SDK depend on
# `sdk-check`, which stops with one clear message; other targets never need it.
# Included by the top-level Makefile and by example.mk (an installed copy too, where SEL4FT_DIR is unset).

MICROKIT_SDK_VERSION := 2.0.1
MICROKIT_BOARD ?= qemu_virt_aarch64
MICROKIT_CONFIG ?= debug
# The cross compiler's prefix: per board by default (TOOLCHAIN_<board>), TOOLCHAIN for the board being built.
# aarch64: Debian's gcc-aarch64-linux-gnu (the SDK's own examples name aarch64-none-elf); riscv64: Debian's
# gcc-riscv64-unknown-elf, the prefix upstream's SDK build names.
TOOLCHAIN_qemu_virt_aarch64 ?= aarch64-linux-gnu
TOOLCHAIN_qemu_virt_riscv64 ?= riscv64-unknown-elf
TOOLCHAIN ?= $(TOOLCHAIN_$(MICROKIT_BOARD))
# The Debian package that has each default toolchain, for the error message.
SEL4FT_TOOLCHAIN_PACKAGE_aarch64-linux-gnu := gcc-aarch64-linux-gnu
SEL4FT_TOOLCHAIN_PACKAGE_riscv64-unknown-elf := gcc-riscv64-unknown-elf

sel4ft_comma := ,
sel4ft_space := $() $()
SEL4FT_SDK_CANDIDATES := $(if $(SEL4FT_DIR),$(SEL4FT_DIR)/sdk/microkit-sdk-$(MICROKIT_SDK_VERSION)) \
	/opt/microkit-sdk-$(MICROKIT_SDK_VERSION)

ifeq ($(strip $(MICROKIT_SDK)),)
MICROKIT_SDK := $(firstword $(foreach d,$(SEL4FT_SDK_CANDIDATES),$(if $(wildcard $(d)/bin/microkit),$(d))))
SEL4FT_SDK_FROM := search
else
SEL4FT_SDK_FROM := variable
endif

SEL4FT_HAVE_SDK := $(if $(wildcard $(MICROKIT_SDK)/bin/microkit),yes,)
MICROKIT_BOARD_DIR := $(MICROKIT_SDK)/board/$(MICROKIT_BOARD)/$(MICROKIT_CONFIG)
MICROKIT_TOOL := $(MICROKIT_SDK)/bin/microkit

.PHONY: sdk-check
sdk-check:
	@if [ "$(SEL4FT_SDK_FROM)" = variable ] && [ ! -x "$(MICROKIT_SDK)/bin/microkit" ]; then \
		echo "error: MICROKIT_SDK=$(MICROKIT_SDK) is not a Microkit SDK: there is no bin/microkit in it." >&2; \
		echo "       Point MICROKIT_SDK at an unpacked microkit-sdk-$(MICROKIT_SDK_VERSION), or unset it to search the default places." >&2; \
		exit 1; \
	fi
	@if [ -z "$(SEL4FT_HAVE_SDK)" ]; then \
		echo "error: this target needs the seL4 Microkit SDK $(MICROKIT_SDK_VERSION), and none was found." >&2; \
		echo "       Looked in: \$$MICROKIT_SDK (unset), $(subst $(sel4ft_space),$(sel4ft_comma) ,$(strip $(SEL4FT_SDK_CANDIDATES)))." >&2; \
		echo "       Get it with 'make sdk' (downloads the official release into ./sdk/), or unpack" >&2; \
		echo "       microkit-sdk-$(MICROKIT_SDK_VERSION)-linux-x86-64.tar.gz yourself and set MICROKIT_SDK=/path/to/it." >&2; \
		exit 1; \
	fi
	@if [ "$$(cat $(MICROKIT_SDK)/VERSION 2>/dev/null)" != "$(MICROKIT_SDK_VERSION)" ]; then \
		echo "error: the SDK at $(MICROKIT_SDK) is version '$$(cat $(MICROKIT_SDK)/VERSION 2>/dev/null)', not $(MICROKIT_SDK_VERSION)." >&2; \
		echo "       sel4ft is written for Microkit $(MICROKIT_SDK_VERSION) (see its README); point MICROKIT_SDK at that release." >&2; \
		exit 1; \
	fi
	@case "$(MICROKIT_CONFIG)" in debug|release|benchmark) ;; \
		*) echo "error: MICROKIT_CONFIG=$(MICROKIT_CONFIG) is not one of debug, release, benchmark." >&2; exit 1;; esac
	@if [ ! -d "$(MICROKIT_BOARD_DIR)/include" ]; then \
		echo "error: the SDK at $(MICROKIT_SDK) has no board '$(MICROKIT_BOARD)' in config '$(MICROKIT_CONFIG)'." >&2; \
		echo "       Boards it has: $$(ls $(MICROKIT_SDK)/board 2>/dev/null | tr '\n' ' ')" >&2; \
		exit 1; \
	fi
	@if [ -n "$(SEL4FT_MICROKIT_BOARDS)" ] && [ -z "$(filter $(MICROKIT_BOARD),$(SEL4FT_MICROKIT_BOARDS))" ]; then \
		echo "error: sel4ft's Microkit port has no board '$(MICROKIT_BOARD)': it supports $(SEL4FT_MICROKIT_BOARDS)." >&2; \
		exit 1; \
	fi
	@if ! command -v $(TOOLCHAIN)-gcc >/dev/null 2>&1; then \
		echo "error: no cross compiler $(TOOLCHAIN)-gcc on PATH for $(MICROKIT_BOARD) (Debian: apt-get install $(or $(SEL4FT_TOOLCHAIN_PACKAGE_$(TOOLCHAIN)),gcc-$(TOOLCHAIN)); or set TOOLCHAIN=prefix)." >&2; \
		exit 1; \
	fi
