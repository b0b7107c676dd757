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
# then includes this file, from the source tree or from an installed library:
#   include $(if $(SEL4FT_PREFIX),$(SEL4FT_PREFIX)/share/sel4ft,..)/example.mk
#
# In the source tree it builds the library from source (lib/sel4ft.mk's sel4ft_library). Installed (make
# install puts it in $(PREFIX)/share/sel4ft, beside examples/common and services/), it builds against that
# install only: its libsel4ft.a and headers, its sel4ft-sdf, and pkg-config's pd_cflags, board, config and
# toolchain from its sel4ft.pc; such an example folder can live anywhere. Either way the system file Microkit
# reads is the example's for MICROKIT_BOARD (sel4ft-sdf select).
# Variables: MICROKIT_SDK, MICROKIT_BOARD, MICROKIT_CONFIG, TOOLCHAIN, BUILD_DIR; SEL4FT_PREFIX (an install).

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
BUILD_DIR ?= $(SEL4FT_DIR)/build/examples/$(MICROKIT_BOARD)/$(MICROKIT_CONFIG)/$(EXAMPLE)$(if $(VARIANT),-$(VARIANT))
else
# An install: this file is $(SEL4FT_PREFIX)/share/sel4ft/example.mk.
SEL4FT_PREFIX ?= $(abspath $(SEL4FT_SHARE_DIR)/../..)
SEL4FT_PC := $(SEL4FT_PREFIX)/lib/pkgconfig/sel4ft.pc
ifeq ($(wildcard $(SEL4FT_PC)),)
$(error SEL4FT_PREFIX=$(SEL4FT_PREFIX) holds no lib/pkgconfig/sel4ft.pc: point it at a sel4ft install (make install PREFIX=...))
endif
sel4ft_pc = $(shell pkg-config --variable=$(1) $(SEL4FT_PC))
SEL4FT_INSTALLED_BOARD := $(call sel4ft_pc,microkit_board)
SEL4FT_INSTALLED_CONFIG := $(call sel4ft_pc,microkit_config)
# An install serves the one board and config it was built for (the port's hot calls are inline).
MICROKIT_BOARD ?= $(SEL4FT_INSTALLED_BOARD)
MICROKIT_CONFIG ?= $(SEL4FT_INSTALLED_CONFIG)
ifneq ($(MICROKIT_BOARD)/$(MICROKIT_CONFIG),$(SEL4FT_INSTALLED_BOARD)/$(SEL4FT_INSTALLED_CONFIG))
$(error the library in $(SEL4FT_PREFIX) was built for $(SEL4FT_INSTALLED_BOARD)/$(SEL4FT_INSTALLED_CONFIG), not $(MICROKIT_BOARD)/$(MICROKIT_CONFIG))
endif
# The install's cross compiler, unless one is named (sdk.mk's per-board default otherwise).
SEL4FT_INSTALLED_TOOLCHAIN := $(call sel4ft_pc,toolchain)
ifneq ($(SEL4FT_INSTALLED_TOOLCHAIN),)
TOOLCHAIN ?= $(SEL4FT_INSTALLED_TOOLCHAIN)
endif
include $(SEL4FT_SHARE_DIR)/sdk.mk
COMMON_DIR := $(SEL4FT_SHARE_DIR)/common
SERVICES_DIR := $(SEL4FT_SHARE_DIR)/services
BUILD_DIR ?= $(EXAMPLE_DIR)/build/$(MICROKIT_BOARD)/$(MICROKIT_CONFIG)$(if $(VARIANT),/$(VARIANT))
endif
override BUILD_DIR := $(abspath $(BUILD_DIR))

CC := $(TOOLCHAIN)-gcc
LD := $(TOOLCHAIN)-ld
AR := $(TOOLCHAIN)-ar
# libgcc for the ABI the PDs are built with (riscv64-unknown-elf-gcc has one per ISA and ABI).
LIBGCC = $(shell $(CC) $(SEL4FT_EXAMPLE_PD_CFLAGS) -print-libgcc-file-name)

ifdef SEL4FT_DIR
LIBSEL4FT := $(BUILD_DIR)/sel4ft/libsel4ft.a
SEL4FT_EXAMPLE_PD_CFLAGS = $(SEL4FT_PD_CFLAGS)
SEL4FT_EXAMPLE_CFLAGS = $(SEL4FT_PD_LIB_CFLAGS)
SEL4FT_SDF ?= $(SEL4FT_DIR)/tools/sel4ft-sdf
$(call sel4ft_library,$(BUILD_DIR)/sel4ft,$(CC),$(AR),$(SEL4FT_PD_LIB_CFLAGS),$(SEL4FT_MICROKIT_SRCS),sdk-check)
else
LIBSEL4FT := $(SEL4FT_PREFIX)/lib/libsel4ft.a
SEL4FT_EXAMPLE_PD_CFLAGS := $(call sel4ft_pc,pd_cflags)
SEL4FT_EXAMPLE_CFLAGS = -std=gnu11 -Wall -Wextra -Werror $(SEL4FT_EXAMPLE_PD_CFLAGS) -O2 -g \
	-I$(SEL4FT_PREFIX)/include -isystem $(MICROKIT_BOARD_DIR)/include
SEL4FT_SDF ?= $(SEL4FT_PREFIX)/bin/sel4ft-sdf
endif
CFLAGS = $(SEL4FT_EXAMPLE_CFLAGS) -I$(EXAMPLE_DIR) -I$(COMMON_DIR) -I$(SERVICES_DIR) -MD -MP $(EXAMPLE_CFLAGS)

IMAGE := $(BUILD_DIR)/loader.img
REPORT := $(BUILD_DIR)/report.txt

.PHONY: all image clean
all: image
image: $(IMAGE)

# The flags the objects were compiled with, rewritten only when they change (a variant's EXAMPLE_CFLAGS in the
# same BUILD_DIR, say), so that a change rebuilds them.
CFLAGS_FILE := $(BUILD_DIR)/cflags
ifeq ($(filter clean,$(MAKECMDGOALS)),)
ALL_CFLAGS := $(CFLAGS) $(foreach pd,$(PDS),$(pd): $($(pd)_CFLAGS))
$(shell mkdir -p $(BUILD_DIR) && echo '$(ALL_CFLAGS)' | cmp -s - $(CFLAGS_FILE) || echo '$(ALL_CFLAGS)' > $(CFLAGS_FILE))
endif

# Objects: the example's own sources, then common/ and services/ ones (the longer, more specific patterns win).
$(BUILD_DIR)/obj/%.o: $(EXAMPLE_DIR)/%.c $(CFLAGS_FILE) | sdk-check
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD_DIR)/obj/common/%.o: $(COMMON_DIR)/%.c $(CFLAGS_FILE) | sdk-check
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD_DIR)/obj/services/%.o: $(SERVICES_DIR)/%.c $(CFLAGS_FILE) | sdk-check
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# One image per PD: its objects, then the library, then libmicrokit and libgcc. A PD with flags of its own has
# its objects apart.
define PD_template
$(BUILD_DIR)/$(1).elf: $(addprefix $(BUILD_DIR)/obj/$(if $($(1)_CFLAGS),$(1)/),$($(1)_SRCS:.c=.o)) $(LIBSEL4FT)
	$(LD) -L$(MICROKIT_BOARD_DIR)/lib $$(filter %.o,$$^) $(LIBSEL4FT) -lmicrokit $$(LIBGCC) -Tmicrokit.ld \
		--gc-sections -Map=$$(@:.elf=.map) -o $$@
ifneq ($($(1)_CFLAGS),)
$(BUILD_DIR)/obj/$(1)/%.o: $(EXAMPLE_DIR)/%.c $(CFLAGS_FILE) | sdk-check
	@mkdir -p $$(dir $$@)
	$(CC) $(CFLAGS) $($(1)_CFLAGS) -c $$< -o $$@
$(BUILD_DIR)/obj/$(1)/common/%.o: $(COMMON_DIR)/%.c $(CFLAGS_FILE) | sdk-check
	@mkdir -p $$(dir $$@)
	$(CC) $(CFLAGS) $($(1)_CFLAGS) -c $$< -o $$@
$(BUILD_DIR)/obj/$(1)/services/%.o: $(SERVICES_DIR)/%.c $(CFLAGS_FILE) | sdk-check
	@mkdir -p $$(dir $$@)
	$(CC) $(CFLAGS) $($(1)_CFLAGS) -c $$< -o $$@
endif
endef
$(foreach pd,$(PDS),$(eval $(call PD_template,$(pd))))

# The system file Microkit reads: the example's, with the elements for other boards left out (a .system file
# marks a board's devices with <!-- sel4ft: board=B -->; doc/sdf.md).
BOARD_SYSTEM := $(BUILD_DIR)/$(SYSTEM)
$(BOARD_SYSTEM): $(EXAMPLE_DIR)/$(SYSTEM) $(SEL4FT_SDF) | sdk-check
	@mkdir -p $(dir $@)
	$(SEL4FT_SDF) select --board $(MICROKIT_BOARD) $< -o $@

$(IMAGE): $(addprefix $(BUILD_DIR)/,$(addsuffix .elf,$(PDS))) $(BOARD_SYSTEM) | sdk-check
	$(MICROKIT_TOOL) $(BOARD_SYSTEM) --search-path $(BUILD_DIR) --board $(MICROKIT_BOARD) \
		--config $(MICROKIT_CONFIG) -o $@ -r $(REPORT)

clean:
	rm -rf $(BUILD_DIR)

-include $(shell find $(BUILD_DIR)/obj -name '*.d' 2>/dev/null)
