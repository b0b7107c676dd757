#
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Rules shared by the example systems. An example's Makefile sets
#   SYSTEM      the system description, e.g. hello.system
#   PDS         the program images it builds, e.g. hello (makes hello.elf)
#   <pd>_SRCS   each image's C sources, relative to the example folder
#   VARIANT, EXAMPLE_CFLAGS  (optional) a build variant's name and its compiler flags
# and includes this file. Variables: MICROKIT_SDK, MICROKIT_BOARD,
# MICROKIT_CONFIG, TOOLCHAIN, BUILD_DIR.

EXAMPLE_DIR := $(abspath $(dir $(firstword $(MAKEFILE_LIST))))
EXAMPLE := $(notdir $(EXAMPLE_DIR))
SEL4FT_DIR := $(abspath $(EXAMPLE_DIR)/../..)
.DEFAULT_GOAL := all

include $(SEL4FT_DIR)/lib/sel4ft.mk
include $(SEL4FT_DIR)/examples/sdk.mk

# An example with variants (VARIANT, EXAMPLE_CFLAGS set by its Makefile) builds each in its own folder.
BUILD_DIR ?= $(SEL4FT_DIR)/build/examples/$(MICROKIT_BOARD)/$(MICROKIT_CONFIG)/$(EXAMPLE)$(if $(VARIANT),-$(VARIANT))
override BUILD_DIR := $(abspath $(BUILD_DIR))

CC := $(TOOLCHAIN)-gcc
LD := $(TOOLCHAIN)-ld
AR := $(TOOLCHAIN)-ar
CFLAGS = $(SEL4FT_PD_LIB_CFLAGS) -I$(EXAMPLE_DIR) -I$(SEL4FT_DIR)/examples/common -MD -MP $(EXAMPLE_CFLAGS)
# libgcc for the ABI the PDs are built with (riscv64-unknown-elf-gcc has one per ISA and ABI).
LIBGCC = $(shell $(CC) $(SEL4FT_PD_CFLAGS) -print-libgcc-file-name)

SEL4FT_SDF ?= $(SEL4FT_DIR)/tools/sel4ft-sdf
IMAGE := $(BUILD_DIR)/loader.img
REPORT := $(BUILD_DIR)/report.txt
LIBSEL4FT := $(BUILD_DIR)/sel4ft/libsel4ft.a

.PHONY: all image clean
all: image
image: $(IMAGE)

$(call sel4ft_library,$(BUILD_DIR)/sel4ft,$(CC),$(AR),$(SEL4FT_PD_LIB_CFLAGS),$(SEL4FT_MICROKIT_SRCS),sdk-check)

$(BUILD_DIR)/obj/%.o: $(EXAMPLE_DIR)/%.c | sdk-check
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD_DIR)/obj/common/%.o: $(SEL4FT_DIR)/examples/common/%.c | sdk-check
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# One image per PD: its objects, then the library, then libmicrokit and libgcc.
define PD_template
$(BUILD_DIR)/$(1).elf: $(addprefix $(BUILD_DIR)/obj/,$($(1)_SRCS:.c=.o)) $(LIBSEL4FT)
	$(LD) -L$(MICROKIT_BOARD_DIR)/lib $$(filter %.o,$$^) $(LIBSEL4FT) -lmicrokit $$(LIBGCC) -Tmicrokit.ld \
		--gc-sections -Map=$$(@:.elf=.map) -o $$@
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
