#
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# The Linux baseline. Included by the top-level Makefile after its variables (BUILD_DIR, HOST_CC, HOST_CFLAGS,
# SAN_FLAGS, HOST_LIB, SAN_LIB, TOOLCHAIN, RESULTS_DIR, PYTHON and lib/sel4ft.mk's SEL4FT_*) are defined.
#
#   make baseline           native sel4ft-baseline, plain and with ASan + UBSan, linked with the host library
#   make baseline-aarch64   statically linked aarch64 sel4ft-baseline for the measurement VM (library built with it)
#   make linux-vm           the VM image: Debian's arm64 kernel + busybox + sel4ft-baseline in an initramfs
#   make linux-bench        boot the VM once and keep its console log (BENCH lines) in $(BUILD_DIR)/linux-vm
#   make baseline-test      the native tests (demo, a quick benchmark, the campaign), for make check

BASELINE_DIR := $(SEL4FT_DIR)/baseline
# What the seL4 examples and the baseline share: the key-value service's protocol and core, the restart policies,
# the fault-injection schedule (services/).
SERVICES_DIR := $(SEL4FT_DIR)/services
BASELINE_SRCS := main.c cli.c shared.c stream.c slot.c spawn.c control.c log.c \
	role.c logger.c server.c transport.c client.c crasher.c supervisor.c demo.c bench.c inject.c services/kv_store.c \
	services/kv_client.c
BASELINE_CFLAGS = -D_GNU_SOURCE -I$(SERVICES_DIR) -MD -MP

BASELINE_BIN = $(BUILD_DIR)/baseline/sel4ft-baseline
BASELINE_SAN_BIN = $(BUILD_DIR)/baseline-san/sel4ft-baseline
BASELINE_AARCH64_DIR = $(BUILD_DIR)/baseline-aarch64
BASELINE_AARCH64_BIN = $(BASELINE_AARCH64_DIR)/sel4ft-baseline
BASELINE_AARCH64_LIB = $(BASELINE_AARCH64_DIR)/lib/libsel4ft.a
LINUX_VM_DIR = $(BUILD_DIR)/linux-vm
# The aarch64 build uses the library's host sources (the Linux port), not the freestanding PD build. It is
# linked without a build id, which hashes the debug information and so the checkout's path: stripped, the
# program is then the same bytes wherever it was built, and so is the VM image.
BASELINE_AARCH64_CFLAGS = -std=gnu11 $(SEL4FT_WARNINGS) -O2 -g $(SEL4FT_LINUX_INCLUDES)
LINUX_VM_TIMEOUT ?= 600

.PHONY: baseline baseline-aarch64 linux-vm linux-bench baseline-test

baseline: $(BASELINE_BIN) $(BASELINE_SAN_BIN)

# Each object from baseline/ or, under obj/services/, from services/.
$(BUILD_DIR)/baseline/obj/%.o: $(BASELINE_DIR)/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(BASELINE_CFLAGS) -c $< -o $@
$(BUILD_DIR)/baseline/obj/services/%.o: $(SERVICES_DIR)/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(BASELINE_CFLAGS) -c $< -o $@

$(BUILD_DIR)/baseline-san/obj/%.o: $(BASELINE_DIR)/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(BASELINE_CFLAGS) -c $< -o $@
$(BUILD_DIR)/baseline-san/obj/services/%.o: $(SERVICES_DIR)/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(BASELINE_CFLAGS) -c $< -o $@

$(BASELINE_BIN): $(addprefix $(BUILD_DIR)/baseline/obj/,$(BASELINE_SRCS:.c=.o)) $(HOST_LIB)
	$(HOST_CC) -o $@ $^

$(BASELINE_SAN_BIN): $(addprefix $(BUILD_DIR)/baseline-san/obj/,$(BASELINE_SRCS:.c=.o)) $(SAN_LIB)
	$(HOST_CC) $(SAN_FLAGS) -o $@ $^

baseline-aarch64:
	@command -v $(TOOLCHAIN)-gcc >/dev/null || { echo "error: $(TOOLCHAIN)-gcc not found (Debian: apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)" >&2; exit 1; }
	@$(MAKE) --no-print-directory $(BASELINE_AARCH64_BIN)

$(call sel4ft_library,$(BASELINE_AARCH64_DIR)/lib,$(TOOLCHAIN)-gcc,$(TOOLCHAIN)-ar,$(BASELINE_AARCH64_CFLAGS),$(SEL4FT_LINUX_SRCS))

$(BASELINE_AARCH64_DIR)/obj/%.o: $(BASELINE_DIR)/%.c
	@mkdir -p $(dir $@)
	$(TOOLCHAIN)-gcc $(BASELINE_AARCH64_CFLAGS) $(BASELINE_CFLAGS) -c $< -o $@
$(BASELINE_AARCH64_DIR)/obj/services/%.o: $(SERVICES_DIR)/%.c
	@mkdir -p $(dir $@)
	$(TOOLCHAIN)-gcc $(BASELINE_AARCH64_CFLAGS) $(BASELINE_CFLAGS) -c $< -o $@

$(BASELINE_AARCH64_BIN): $(addprefix $(BASELINE_AARCH64_DIR)/obj/,$(BASELINE_SRCS:.c=.o)) $(BASELINE_AARCH64_LIB)
	$(TOOLCHAIN)-gcc -static -Wl,--build-id=none -o $@ $^ || { echo "error: static aarch64 link failed; is libc6-dev-arm64-cross installed?" >&2; exit 1; }

linux-vm: baseline-aarch64
	TOOLCHAIN=$(TOOLCHAIN) bash $(BASELINE_DIR)/vm/build-image.sh $(LINUX_VM_DIR) $(BASELINE_AARCH64_BIN)

linux-bench: linux-vm
	bash $(BASELINE_DIR)/vm/run.sh --timeout $(LINUX_VM_TIMEOUT) $(LINUX_VM_DIR) $(LINUX_VM_DIR)/bench.log

baseline-test: baseline
	@$(PYTHON) $(SEL4FT_DIR)/tests/baseline/run.py --build-dir $(BUILD_DIR) --results $(RESULTS_DIR)

-include $(wildcard $(foreach d,$(BUILD_DIR)/baseline $(BUILD_DIR)/baseline-san $(BASELINE_AARCH64_DIR),$(d)/obj/*.d $(d)/obj/services/*.d))
