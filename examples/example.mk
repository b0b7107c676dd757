#
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# The one make fragment every example system builds through (bench/sel4 too). An example's Makefile sets
#   SYSTEM      the system description, e.g. hello.system
#   PDS         the program images it builds, e.g. hello (makes hello.elf)
#   <pd>_SRCS   each image's C sources: relative to the example folder, or common/<file> (the PDs and helpers
#               examples share, examples/common) or services/<file> (what they share with the Linux baseline)
#   VARIANT, EXAMPLE_CFLAGS  (optional) a build variant's name and the compiler flags it adds
#   <pd>_CFLAGS (optional) flags for one image's objects only (built apart, under obj/<pd>/)
# and, for systems that use sDDF (examples/sddf.mk finds it), USE_SDDF := yes and optionally
#   <pd>_SDDF_SRCS  sources of sDDF's, relative to $(SDDF), compiled with the flags sDDF gives them (SDDF_CFLAGS)
#   <pd>_LDFLAGS    link flags for one image, before the libraries (a driver's restart shim: sel4ft/driver.h)
#   <pd>_CONFIG_SRC, <pd>_CONFIG_SECTIONS   a source (relative to the example) that defines one initialised
#               struct per section the image reads its configuration from (sDDF's config blobs); each section
#               is copied from its object into the linked image (objcopy --update-section)
# then includes this file, from the source tree or from an installed library:
#   include $(if $(SEL4FT_PREFIX),$(SEL4FT_PREFIX)/share/sel4ft,..)/example.mk
#
# In the source tree it builds the library from source (lib/sel4ft.mk's sel4ft_library). Installed (make
# install puts it in $(PREFIX)/share/sel4ft, beside examples/common and services/), it builds against that
# install only: its libsel4ft.a and headers, pkg-config's Cflags, Libs and cross compiler for the board and
# config, and its bin/sel4ft-sdf; such an example folder can live anywhere. Either way the system file Microkit
# reads is the example's for MICROKIT_BOARD (sel4ft-sdf select: a .system file marks each board's devices).
# Variables: MICROKIT_SDK, MICROKIT_BOARD, MICROKIT_CONFIG, TOOLCHAIN, BUILD_DIR; SEL4FT_PREFIX (an install).
# Targets: all (loader.img), run (boot it in QEMU, with the arguments of qemu.args in BUILD_DIR if the example
# writes one; RUN_SECONDS=N stops after N seconds), clean.

SEL4FT_SHARE_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
EXAMPLE_DIR := $(abspath $(dir $(firstword $(MAKEFILE_LIST))))
EXAMPLE := $(notdir $(EXAMPLE_DIR))
.DEFAULT_GOAL := all

ifneq ($(wildcard $(SEL4FT_SHARE_DIR)/../lib/sel4ft.mk),)
# The source tree: this file is examples/example.mk.
SEL4FT_DIR := $(abspath $(SEL4FT_SHARE_DIR)/..)
include $(SEL4FT_DIR)/lib/sel4ft.mk
include $(SEL4FT_DIR)/examples/sdk.mk
COMMON_DIR := $(SEL4FT_DIR)/examples/common
SERVICES_DIR := $(SEL4FT_DIR)/services
SEL4FT_SDF ?= $(SEL4FT_DIR)/tools/sel4ft-sdf
BUILD_DIR ?= $(SEL4FT_DIR)/build/examples/$(MICROKIT_BOARD)/$(MICROKIT_CONFIG)/$(EXAMPLE)$(if $(VARIANT),-$(VARIANT))
else
# An install: this file is $(SEL4FT_PREFIX)/share/sel4ft/example.mk. The install holds one pkg-config file per
# board and config (sel4ft-<board>-<config>.pc) and sel4ft.pc (the one installed last): MICROKIT_BOARD and
# MICROKIT_CONFIG choose one, and default to sel4ft.pc's.
SEL4FT_PREFIX ?= $(abspath $(SEL4FT_SHARE_DIR)/../..)
override SEL4FT_PREFIX := $(abspath $(SEL4FT_PREFIX))
SEL4FT_PC_DIR := $(SEL4FT_PREFIX)/lib/pkgconfig
ifeq ($(wildcard $(SEL4FT_PC_DIR)/sel4ft.pc),)
$(error SEL4FT_PREFIX=$(SEL4FT_PREFIX) holds no lib/pkgconfig/sel4ft.pc: point it at a sel4ft install (make install PREFIX=...))
endif
# Paths from the install as it lies now (a staged or moved install too), the SDK as given or as installed with.
sel4ft_pc = $(shell PKG_CONFIG_PATH=$(SEL4FT_PC_DIR) pkg-config --define-variable=prefix=$(SEL4FT_PREFIX) \
	$(if $(MICROKIT_SDK),--define-variable=sdk=$(abspath $(MICROKIT_SDK))) $(1) $(2))
ifeq ($(origin MICROKIT_BOARD),undefined)
MICROKIT_BOARD := $(call sel4ft_pc,--variable=microkit_board,sel4ft)
endif
ifeq ($(origin MICROKIT_CONFIG),undefined)
MICROKIT_CONFIG := $(call sel4ft_pc,--variable=microkit_config,sel4ft)
endif
SEL4FT_PC := sel4ft-$(MICROKIT_BOARD)-$(MICROKIT_CONFIG)
ifeq ($(wildcard $(SEL4FT_PC_DIR)/$(SEL4FT_PC).pc),)
$(error $(SEL4FT_PREFIX) holds no library for $(MICROKIT_BOARD)/$(MICROKIT_CONFIG) (no lib/pkgconfig/$(SEL4FT_PC).pc); \
install that config too: make install PREFIX=... MICROKIT_BOARD=$(MICROKIT_BOARD) MICROKIT_CONFIG=$(MICROKIT_CONFIG))
endif
ifeq ($(strip $(MICROKIT_SDK)),)
MICROKIT_SDK := $(call sel4ft_pc,--variable=sdk,$(SEL4FT_PC))
endif
# The install's cross compiler, unless one is named (sdk.mk's per-board default otherwise).
SEL4FT_INSTALLED_TOOLCHAIN := $(call sel4ft_pc,--variable=toolchain,$(SEL4FT_PC))
ifneq ($(SEL4FT_INSTALLED_TOOLCHAIN),)
TOOLCHAIN ?= $(SEL4FT_INSTALLED_TOOLCHAIN)
endif
include $(SEL4FT_SHARE_DIR)/sdk.mk
COMMON_DIR := $(SEL4FT_SHARE_DIR)/common
SERVICES_DIR := $(SEL4FT_SHARE_DIR)/services
SEL4FT_SDF ?= $(SEL4FT_PREFIX)/bin/sel4ft-sdf
BUILD_DIR ?= $(EXAMPLE_DIR)/build/$(MICROKIT_BOARD)/$(MICROKIT_CONFIG)$(if $(VARIANT),/$(VARIANT))
endif
override BUILD_DIR := $(abspath $(BUILD_DIR))

CC := $(TOOLCHAIN)-gcc
LD := $(TOOLCHAIN)-ld
AR := $(TOOLCHAIN)-ar
OBJCOPY := $(TOOLCHAIN)-objcopy
# libgcc for the ABI the PDs are built with (riscv64-unknown-elf-gcc has one per ISA and ABI).
LIBGCC = $(shell $(CC) $(SEL4FT_EXAMPLE_PD_CFLAGS) -print-libgcc-file-name)

# Compile and link lines: in the tree, the library built from source; installed, exactly pkg-config's Cflags and
# Libs (the README's "Using the library in your own PD" shows the same lines).
ifdef SEL4FT_DIR
LIBSEL4FT := $(BUILD_DIR)/sel4ft/libsel4ft.a
SEL4FT_EXAMPLE_PD_CFLAGS = $(SEL4FT_PD_CFLAGS)
SEL4FT_EXAMPLE_CFLAGS = $(SEL4FT_PD_LIB_CFLAGS)
SEL4FT_LIBS = -L$(BUILD_DIR)/sel4ft -lsel4ft -L$(MICROKIT_BOARD_DIR)/lib -lmicrokit -Tmicrokit.ld
$(call sel4ft_library,$(BUILD_DIR)/sel4ft,$(CC),$(AR),$(SEL4FT_PD_LIB_CFLAGS),$(SEL4FT_MICROKIT_SRCS),sdk-check)
else
LIBSEL4FT := $(call sel4ft_pc,--variable=configdir,$(SEL4FT_PC))/libsel4ft.a
SEL4FT_EXAMPLE_PD_CFLAGS := $(call sel4ft_pc,--variable=pd_cflags,$(SEL4FT_PC))
SEL4FT_EXAMPLE_CFLAGS := -std=gnu11 -Wall -Wextra -Werror $(call sel4ft_pc,--cflags,$(SEL4FT_PC)) -O2 -g
SEL4FT_LIBS := $(call sel4ft_pc,--libs,$(SEL4FT_PC))
endif
ifeq ($(USE_SDDF),yes)
include $(SEL4FT_SHARE_DIR)/sddf.mk
SEL4FT_CHECKS := sdk-check sddf-check
else
SEL4FT_CHECKS := sdk-check
endif
CFLAGS = $(SEL4FT_EXAMPLE_CFLAGS) -I$(CONFIG_DIR) -I$(EXAMPLE_DIR) -I$(COMMON_DIR) -I$(SERVICES_DIR) \
	$(if $(filter yes,$(USE_SDDF)),$(SDDF_INCLUDES)) -MD -MP $(EXAMPLE_CFLAGS)

IMAGE := $(BUILD_DIR)/loader.img
REPORT := $(BUILD_DIR)/report.txt

# Generated from the system description by sel4ft-sdf (doc/sdf.md), so no PD restates an id: the system's header
# (<system>_config.h: channel ids by peer name, child ids, priorities, regions), system_config.h (includes it, for
# sources several systems share), and the logger's ring list (logger_config.h) when the system has a PD named
# $(LOGGER_PD).
LOGGER_PD ?= logger
CONFIG_DIR := $(BUILD_DIR)/include
SYSTEM_HEADER := $(CONFIG_DIR)/$(basename $(notdir $(SYSTEM)))_config.h
CONFIG_HEADERS := $(SYSTEM_HEADER) $(CONFIG_DIR)/system_config.h \
	$(if $(filter $(LOGGER_PD),$(PDS)),$(CONFIG_DIR)/logger_config.h)
$(SYSTEM_HEADER): $(EXAMPLE_DIR)/$(SYSTEM)
	@mkdir -p $(dir $@)
	$(SEL4FT_SDF) header --board $(MICROKIT_BOARD) $< -o $@
$(CONFIG_DIR)/system_config.h: $(SYSTEM_HEADER)
	@echo '#pragma once' > $@
	@echo '#include "$(notdir $(SYSTEM_HEADER))"' >> $@
$(CONFIG_DIR)/logger_config.h: $(EXAMPLE_DIR)/$(SYSTEM)
	@mkdir -p $(dir $@)
	$(SEL4FT_SDF) logger-config --board $(MICROKIT_BOARD) --pd $(LOGGER_PD) $< -o $@

.PHONY: all image clean run
all: image
image: $(IMAGE)

# The flags the objects were compiled with, rewritten only when they change (a variant's EXAMPLE_CFLAGS in the
# same BUILD_DIR, say), so that a change rebuilds them.
CFLAGS_FILE := $(BUILD_DIR)/cflags
ifeq ($(filter clean,$(MAKECMDGOALS)),)
ALL_CFLAGS := $(CFLAGS) $(foreach pd,$(PDS),$(pd): $($(pd)_CFLAGS)) $(if $(filter yes,$(USE_SDDF)),sddf: $(SDDF_CFLAGS))
$(shell mkdir -p $(BUILD_DIR) && echo '$(ALL_CFLAGS)' | cmp -s - $(CFLAGS_FILE) || echo '$(ALL_CFLAGS)' > $(CFLAGS_FILE))
endif

# Objects: the example's own sources, then common/ and services/ ones (the longer, more specific patterns win).
$(BUILD_DIR)/obj/%.o: $(EXAMPLE_DIR)/%.c $(CFLAGS_FILE) $(CONFIG_HEADERS) | $(SEL4FT_CHECKS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD_DIR)/obj/common/%.o: $(COMMON_DIR)/%.c $(CFLAGS_FILE) $(CONFIG_HEADERS) | $(SEL4FT_CHECKS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD_DIR)/obj/services/%.o: $(SERVICES_DIR)/%.c $(CFLAGS_FILE) $(CONFIG_HEADERS) | $(SEL4FT_CHECKS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@
ifeq ($(USE_SDDF),yes)
# sDDF's own sources, unmodified, with sDDF's flags (and, as its driver fragments add, the driver's include/).
$(BUILD_DIR)/obj/sddf/%.o: $(SDDF)/%.c $(CFLAGS_FILE) | $(SEL4FT_CHECKS)
	@mkdir -p $(dir $@)
	$(CC) $(SDDF_CFLAGS) -I$(dir $<)include -MD -MP -c $< -o $@
endif

# One image per PD: its objects (and sDDF's), then the library, then libmicrokit and libgcc; then the config
# blobs copied into their sections. A PD with flags of its own has its objects apart.
define PD_template
$(BUILD_DIR)/$(1).elf: $(addprefix $(BUILD_DIR)/obj/$(if $($(1)_CFLAGS),$(1)/),$($(1)_SRCS:.c=.o)) \
		$(addprefix $(BUILD_DIR)/obj/sddf/,$($(1)_SDDF_SRCS:.c=.o)) $(LIBSEL4FT) \
		$(if $($(1)_CONFIG_SRC),$(BUILD_DIR)/obj/$($(1)_CONFIG_SRC:.c=.o))
	$(LD) $$(filter-out $(BUILD_DIR)/obj/$($(1)_CONFIG_SRC:.c=.o),$$(filter %.o,$$^)) $($(1)_LDFLAGS) \
		$(SEL4FT_LIBS) $$(LIBGCC) --gc-sections -Map=$$(@:.elf=.map) -o $$@.tmp
	$(foreach section,$($(1)_CONFIG_SECTIONS),$(OBJCOPY) -O binary --only-section=$(section) \
		$(BUILD_DIR)/obj/$($(1)_CONFIG_SRC:.c=.o) $$@$(section).bin && \
		$(OBJCOPY) --update-section $(section)=$$@$(section).bin $$@.tmp && rm $$@$(section).bin &&) true
	mv $$@.tmp $$@
ifneq ($($(1)_CFLAGS),)
$(BUILD_DIR)/obj/$(1)/%.o: $(EXAMPLE_DIR)/%.c $(CFLAGS_FILE) $(CONFIG_HEADERS) | $(SEL4FT_CHECKS)
	@mkdir -p $$(dir $$@)
	$(CC) $(CFLAGS) $($(1)_CFLAGS) -c $$< -o $$@
$(BUILD_DIR)/obj/$(1)/common/%.o: $(COMMON_DIR)/%.c $(CFLAGS_FILE) $(CONFIG_HEADERS) | $(SEL4FT_CHECKS)
	@mkdir -p $$(dir $$@)
	$(CC) $(CFLAGS) $($(1)_CFLAGS) -c $$< -o $$@
$(BUILD_DIR)/obj/$(1)/services/%.o: $(SERVICES_DIR)/%.c $(CFLAGS_FILE) $(CONFIG_HEADERS) | $(SEL4FT_CHECKS)
	@mkdir -p $$(dir $$@)
	$(CC) $(CFLAGS) $($(1)_CFLAGS) -c $$< -o $$@
endif
endef
$(foreach pd,$(PDS),$(eval $(call PD_template,$(pd))))

# The system file Microkit reads: the example's, with the elements for other boards left out (a .system file
# marks a board's devices with <!-- sel4ft: board=B -->; doc/sdf.md). The system is checked with its program
# images before Microkit builds the image (a snapshot region too small for its PD's .data and .bss, a request
# region shared the wrong way, ... stop the build here, with the fix).
BOARD_SYSTEM := $(BUILD_DIR)/$(SYSTEM)
$(BOARD_SYSTEM): $(EXAMPLE_DIR)/$(SYSTEM) $(SEL4FT_SDF) | sdk-check
	@mkdir -p $(dir $@)
	$(SEL4FT_SDF) select --board $(MICROKIT_BOARD) $< -o $@

$(IMAGE): $(addprefix $(BUILD_DIR)/,$(addsuffix .elf,$(PDS))) $(BOARD_SYSTEM) | $(SEL4FT_CHECKS)
	$(SEL4FT_SDF) check --board $(MICROKIT_BOARD) --search-path $(BUILD_DIR) $(EXAMPLE_DIR)/$(SYSTEM)
	$(MICROKIT_TOOL) $(BOARD_SYSTEM) --search-path $(BUILD_DIR) --board $(MICROKIT_BOARD) \
		--config $(MICROKIT_CONFIG) -o $@ -r $(REPORT)

# Boot the image in QEMU: `make run` until you leave it (Ctrl-a x), `make run RUN_SECONDS=N` for N seconds.
RUN_SECONDS ?= 0
QEMU_qemu_virt_aarch64 := qemu-system-aarch64 -machine virt,virtualization=on -cpu cortex-a53 -m size=2G \
	-nographic -serial mon:stdio -device loader,file=$(IMAGE),addr=0x70000000,cpu-num=0
QEMU_qemu_virt_riscv64 := qemu-system-riscv64 -machine virt -m size=2G -nographic -serial mon:stdio -kernel $(IMAGE)
run: $(IMAGE)
	@echo "== booting $(IMAGE) ($(MICROKIT_BOARD), $(MICROKIT_CONFIG))$(if $(filter-out 0,$(RUN_SECONDS)), for \
	$(RUN_SECONDS) s,; leave QEMU with Ctrl-a x)"
	@$(if $(filter-out 0,$(RUN_SECONDS)),timeout $(RUN_SECONDS)) $(QEMU_$(MICROKIT_BOARD)) \
		$$(cat $(BUILD_DIR)/qemu.args 2>/dev/null) \
		$(if $(filter-out 0,$(RUN_SECONDS)),< /dev/null; [ $$? -eq 124 ])

clean:
	rm -rf $(BUILD_DIR)

-include $(shell find $(BUILD_DIR)/obj -name '*.d' 2>/dev/null)
