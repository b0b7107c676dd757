#
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Embeddable make fragment for libsel4ft: the one rule set every build of the library uses (the top level's
# host, sanitizer, fuzzer and PD libraries, the examples, the benchmark system, the Linux baseline for the
# measurement VM). Include it, then call sel4ft_library once per library you want:
#
#   $(call sel4ft_library,OUT,CC,AR,CFLAGS,SRCS[,ORDER_ONLY])
#       defines the rules for OUT/libsel4ft.a: each source of SRCS (relative to lib/) compiled with CC and
#       CFLAGS into OUT/obj/, archived with AR; ORDER_ONLY are prerequisites that must run first
#       (sdk-check, say). Dependency files are kept and read.
#
# What it defines for those calls:
#   SEL4FT_DIR, SEL4FT_INCLUDE     the repository root and the public include directory
#   SEL4FT_CORE_SRCS               the portable modules
#   SEL4FT_MICROKIT_SRCS           a PD library: the modules, the freestanding memory functions, the Microkit port
#                                  with the board file for MICROKIT_BOARD
#   SEL4FT_MICROKIT_BOARDS         the boards the Microkit port supports (one file each in port/microkit/board/)
#   SEL4FT_LINUX_SRCS              a host library: the modules and the Linux port
#   SEL4FT_MICROKIT_INCLUDES, SEL4FT_LINUX_INCLUDES
#                                  -I flags that choose the port (<sel4ft/port.h>) and find the public headers
#   SEL4FT_WARNINGS                -Wall -Wextra -Werror
#   SEL4FT_PD_CFLAGS               what every PD object must be compiled with to match the library (installed
#                                  as pkg-config's pd_cflags); depends on MICROKIT_BOARD's architecture
#   SEL4FT_PD_LIB_CFLAGS           the PD library's full flags (needs MICROKIT_BOARD_DIR and MICROKIT_SDK from
#                                  examples/sdk.mk)
#
# Build option: SEL4FT_FAULT_TERSE=1 builds the PD library with the terse fault decoder (no tables of exception
# classes and fault statuses in words: about 4 KiB less in a monitor; fault lines still carry the codes).

SEL4FT_DIR ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
SEL4FT_INCLUDE := $(SEL4FT_DIR)/include
SEL4FT_LIB_DIR := $(SEL4FT_DIR)/lib

SEL4FT_CORE_SRCS := error.c fmt.c logfmt.c logring.c logger.c rpc.c fault.c faultmon.c faultmon_event.c reasons.c \
	faultmon_save.c faultmon_sel4.c supervisor.c checkpoint.c dedup.c restart.c restart_start.c log.c service.c call.c monitor.c \
	inflight.c driver.c
# The Microkit port's board file is chosen by MICROKIT_BOARD (examples/sdk.mk), hence the late expansion.
SEL4FT_MICROKIT_SRCS = $(SEL4FT_CORE_SRCS) freestanding.c port/microkit/os_microkit.c port/microkit/serve_microkit.c \
	port/microkit/driver_shim.c port/microkit/board/$(MICROKIT_BOARD).c
# The boards the Microkit port has a board file for.
SEL4FT_MICROKIT_BOARDS := $(sort $(basename $(notdir $(wildcard $(SEL4FT_LIB_DIR)/port/microkit/board/*.c))))
SEL4FT_LINUX_SRCS := $(SEL4FT_CORE_SRCS) port/linux/os_linux.c port/linux/procmon.c

SEL4FT_MICROKIT_INCLUDES := -I$(SEL4FT_INCLUDE) -I$(SEL4FT_LIB_DIR)/port/microkit/include
SEL4FT_LINUX_INCLUDES := -I$(SEL4FT_INCLUDE) -I$(SEL4FT_LIB_DIR)/port/linux/include

SEL4FT_WARNINGS := -Wall -Wextra -Werror

# Freestanding, position-dependent code for microkit.ld; no stack protector (nothing to report to); alignment
# faults never hidden by the compiler (device registers); no loop-to-memset rewriting inside our own memset; one
# section per function, so a link with --gc-sections keeps only what a PD uses (a setvar variable that no code
# reads is then dropped too: the Microkit tool will say so).
SEL4FT_PD_CFLAGS_COMMON := -ffreestanding -nostdlib -fno-pie -fno-pic -fno-stack-protector -mstrict-align \
	-fno-tree-loop-distribute-patterns -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	-fno-unwind-tables
# Per board (its architecture). aarch64: the SDK's CPU; no calls to libgcc's outline atomics; no FP/SIMD
# registers (a PD that touches them makes seL4 save and restore FPU state when it switches to and from it).
# riscv64: the ISA and the double-float ABI libmicrokit is built with (objects of another ABI do not link with
# it), and its code model; the compiler does not use FP registers for integer code, and seL4 enables a PD's FPU
# only when the PD first uses it. No small-data sections: with one section per variable they would be
# .sdata.<name> and .sbss.<name>, which microkit.ld does not name, and the linker puts the .sbss ones after
# _bss_end, outside the writable image a clean restart restores (seen on seL4: a variable there kept its value).
SEL4FT_PD_CFLAGS_qemu_virt_aarch64 := -mcpu=cortex-a53 -mno-outline-atomics -mgeneral-regs-only
SEL4FT_PD_CFLAGS_qemu_virt_riscv64 := -march=rv64imafdc_zicsr_zifencei -mabi=lp64d -mcmodel=medany \
	-msmall-data-limit=0
SEL4FT_PD_CFLAGS = $(SEL4FT_PD_CFLAGS_COMMON) $(SEL4FT_PD_CFLAGS_$(MICROKIT_BOARD))

# The SDK release the Microkit port's restart loop was written for is checked when it is compiled.
SEL4FT_MICROKIT_VERSION = $(shell awk -F. 'NR == 1 { printf "%d", $$1 * 10000 + $$2 * 100 + $$3 }' \
	$(MICROKIT_SDK)/VERSION 2>/dev/null)
SEL4FT_PD_LIB_CFLAGS = -std=gnu11 $(SEL4FT_WARNINGS) $(SEL4FT_PD_CFLAGS) -O2 -g $(SEL4FT_MICROKIT_INCLUDES) \
	-isystem $(MICROKIT_BOARD_DIR)/include -DSEL4FT_MICROKIT_VERSION=$(SEL4FT_MICROKIT_VERSION) \
	$(if $(SEL4FT_FAULT_TERSE),-DSEL4FT_FAULT_TERSE)

define sel4ft_library_rules
$(1)/libsel4ft.a: $(addprefix $(1)/obj/,$(5:.c=.o))
	@rm -f $$@
	$(3) rcs $$@ $$^

$(1)/obj/%.o: $(SEL4FT_LIB_DIR)/%.c | $(6)
	@mkdir -p $$(@D)
	$(2) $(4) -MD -MP -c $$< -o $$@

-include $(wildcard $(1)/obj/*.d $(1)/obj/port/*/*.d $(1)/obj/port/*/*/*.d)
endef

sel4ft_library = $(eval $(call sel4ft_library_rules,$(strip $(1)),$(strip $(2)),$(strip $(3)),$(strip $(4)),$(5),$(6)))
