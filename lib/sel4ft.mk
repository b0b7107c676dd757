#
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Embeddable make fragment for libsel4ft: lists the sources and the flags a
# build needs, defines no rules. Include it and compile the sources your way.
#
#   SEL4FT_DIR       the repository root (set before including, or derived here)
#   SEL4FT_INCLUDE   the public include directory
#   SEL4FT_CORE_SRCS portable modules (every build)
#   SEL4FT_PD_SRCS   what a PD build compiles without the SDK (core + freestanding memory functions)
#   SEL4FT_MICROKIT_SRCS  the Microkit port (needs the SDK's headers)
#   SEL4FT_LINUX_SRCS     the Linux port (host builds)
#   SEL4FT_PD_CFLAGS flags a freestanding aarch64 PD build needs

SEL4FT_DIR ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
SEL4FT_INCLUDE := $(SEL4FT_DIR)/include
SEL4FT_LIB_DIR := $(SEL4FT_DIR)/lib

SEL4FT_CORE_SRCS := error.c fmt.c logring.c rpc.c fault.c faultmon.c supervisor.c checkpoint.c dedup.c restart.c
SEL4FT_PD_SRCS := $(SEL4FT_CORE_SRCS) freestanding.c
SEL4FT_MICROKIT_SRCS := os_microkit.c
SEL4FT_LINUX_SRCS := os_linux.c

SEL4FT_WARNINGS := -Wall -Wextra -Werror
# Freestanding, position-dependent code for microkit.ld; no calls to libgcc's
# outline atomics; no FP/SIMD registers (a PD that touches them makes seL4 save
# and restore FPU state when it switches to and from it); no loop-to-memset
# rewriting inside our own memset; one section
# per function, so a link with --gc-sections keeps only what a PD uses (a setvar
# variable that no code reads is then dropped too: the Microkit tool will say so).
SEL4FT_PD_CFLAGS := -std=gnu11 $(SEL4FT_WARNINGS) -ffreestanding -nostdlib -fno-pie -fno-pic \
	-fno-stack-protector -mstrict-align -mcpu=cortex-a53 -mno-outline-atomics -mgeneral-regs-only \
	-fno-tree-loop-distribute-patterns -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -O2 -g -I$(SEL4FT_INCLUDE)
