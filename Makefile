#
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Top-level build. `make help` lists the targets and variables.

SEL4FT_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
.DEFAULT_GOAL := all
include $(SEL4FT_DIR)/lib/sel4ft.mk
include $(SEL4FT_DIR)/examples/sdk.mk
include $(SEL4FT_DIR)/examples/sddf.mk

BUILD_DIR ?= build
override BUILD_DIR := $(abspath $(BUILD_DIR))
PREFIX ?= /usr/local
DESTDIR ?=
HOST_CC ?= cc
EXAMPLE ?= hello
EXAMPLES := hello ipc_demo fault_tolerance counter recovery campaign tree blk
# Every system the QEMU tests boot: an example, or example:variant for examples built in variants (the recovery
# example's scenarios: one source each in examples/recovery/scenarios/), and the port test (tests/port: console,
# counter, timer, fault messages and clean restarts on the board).
RECOVERY_SCENARIOS := $(sort $(basename $(notdir $(wildcard $(SEL4FT_DIR)/examples/recovery/scenarios/*.c))))
# Systems built on sDDF (examples/sddf.mk finds it) are booted only when it is there, in the release they are
# written for, and only on qemu_virt_aarch64 (examples/blk is not ported to riscv64 yet, though sDDF 0.6.0 supports
# it); otherwise they are counted as skipped, never as passed (board_skip_reason says why).
SDDF_SYSTEMS := blk blk:giveup
SDDF_USABLE := $(if $(SEL4FT_HAVE_SDDF),$(if $(filter $(SDDF_VERSION),$(SEL4FT_SDDF_RELEASE)),yes))
QEMU_SYSTEMS := hello ipc_demo fault_tolerance counter $(addprefix recovery:,$(RECOVERY_SCENARIOS)) campaign tree port
# What each board boots (a list per board, to leave a system out where it cannot run), and what it skips.
RISCV64_NOT_PORTED :=
QEMU_SYSTEMS_qemu_virt_aarch64 ?= $(QEMU_SYSTEMS) $(if $(SDDF_USABLE),$(SDDF_SYSTEMS))
QEMU_SYSTEMS_qemu_virt_riscv64 ?= $(filter-out $(RISCV64_NOT_PORTED),$(QEMU_SYSTEMS))
QEMU_SKIPPED_SYSTEMS_qemu_virt_aarch64 := $(if $(SDDF_USABLE),,$(SDDF_SYSTEMS))
QEMU_SKIPPED_SYSTEMS_qemu_virt_riscv64 := $(RISCV64_NOT_PORTED) $(SDDF_SYSTEMS)
board_systems = $(QEMU_SYSTEMS_$(1))
board_skipped_systems = $(QEMU_SKIPPED_SYSTEMS_$(1))
board_skip_reason = $(if $(filter qemu_virt_aarch64,$(1)),$(SDDF_SKIP_REASON),not ported to $(1) yet (the \
	block example's system file names aarch64's devices only))
SCENARIO ?=
QEMU_TEST_CONFIGS ?= debug release
# The boards the QEMU tests (and the install test) run on: those the Microkit port supports that the SDK was built
# for, in every config of QEMU_TEST_CONFIGS; only MICROKIT_BOARD when it is given on the command line.
SEL4FT_SDK_BOARDS := $(if $(SEL4FT_HAVE_SDK),$(foreach b,$(SEL4FT_MICROKIT_BOARDS),$(if $(strip $(foreach \
	c,$(QEMU_TEST_CONFIGS),$(if $(wildcard $(MICROKIT_SDK)/board/$(b)/$(c)/include),,$(c)))),,$(b))))
QEMU_TEST_BOARDS ?= $(if $(filter command line,$(origin MICROKIT_BOARD)),$(MICROKIT_BOARD),$(SEL4FT_SDK_BOARDS))
QEMU_SKIPPED_BOARDS := $(filter-out $(QEMU_TEST_BOARDS),$(SEL4FT_MICROKIT_BOARDS))
QEMU_TIMEOUT ?= 60
PYTHON ?= /usr/bin/python3
SEL4FT_VERSION := $(shell sed -n 's/^#define SEL4FT_VERSION_STRING "\(.*\)"/\1/p' include/sel4ft/sel4ft.h)

# Host builds (unit tests, fuzzers, the Linux baseline) use the Linux port; PD builds the Microkit port.
HOST_CFLAGS := -std=gnu11 $(SEL4FT_WARNINGS) -O2 -g $(SEL4FT_LINUX_INCLUDES)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

HOST_LIB := $(BUILD_DIR)/host/libsel4ft.a
SAN_LIB := $(BUILD_DIR)/host-san/libsel4ft.a
# The PD library: built against the SDK's headers for one board and config (the port's hot calls are inline).
PD_LIB_DIR := $(BUILD_DIR)/pd/$(MICROKIT_BOARD)/$(MICROKIT_CONFIG)
PD_LIB := $(PD_LIB_DIR)/libsel4ft.a

$(call sel4ft_library,$(BUILD_DIR)/host,$(HOST_CC),ar,$(HOST_CFLAGS),$(SEL4FT_LINUX_SRCS))
$(call sel4ft_library,$(BUILD_DIR)/host-san,$(HOST_CC),ar,$(HOST_CFLAGS) $(SAN_FLAGS),$(SEL4FT_LINUX_SRCS))
$(call sel4ft_library,$(PD_LIB_DIR),$(TOOLCHAIN)-gcc,$(TOOLCHAIN)-ar,$(SEL4FT_PD_LIB_CFLAGS),$(SEL4FT_MICROKIT_SRCS),sdk-check)

UNIT_TESTS := error fmt logfmt logring logger rpc fault fault_terse faultmon supervisor checkpoint dedup restart os_linux procmon log \
	service call monitor inflight driver
UNIT_BINS := $(addprefix $(BUILD_DIR)/tests/,$(addprefix test_,$(UNIT_TESTS)))
UNIT_SAN_BINS := $(addprefix $(BUILD_DIR)/tests-san/,$(addprefix test_,$(UNIT_TESTS)))

.PHONY: all help lib check verify unit-tests install-test tutorial-test harness-test footprint-test fuzz fuzz-smoke bench bench-trace \
	inject inject-seeds inject-smoke blk-inject blk-bench examples qemu qemu-test qemu-test-board install install-lib \
	install-includes install-examples print-pd-cflags print-toolchain \
	docs docs-test sdk sddf clean format pd-lib

all: lib

help:
	@echo "Targets:"
	@echo "  make              host library (+ the PD library for MICROKIT_BOARD and MICROKIT_CONFIG with an SDK)"
	@echo "  make check        unit tests (plain and ASan/UBSan), install test, the counter tutorial and QEMU tests"
	@echo "                    when an SDK is found"
	@echo "  make examples     build every example system (needs the SDK)"
	@echo "  make qemu EXAMPLE=hello   build and boot one example in QEMU; the log is saved under $(BUILD_DIR)/logs"
	@echo "                    (examples: $(EXAMPLES); counter is the tutorial, examples/counter/README.md)"
	@echo "  make qemu EXAMPLE=recovery SCENARIO=server_crash   (scenarios: $(RECOVERY_SCENARIOS))"
	@echo "  make qemu EXAMPLE=campaign   the fault-injection campaign's serial log (INJECT_SEED, INJECTIONS)"
	@echo "  make qemu EXAMPLE=port       the port test: console, counter, timer, fault messages, clean restarts"
	@echo "  make qemu-test    boot every example in QEMU ($(QEMU_TEST_CONFIGS)) on every board in QEMU_TEST_BOARDS"
	@echo "                    ($(or $(QEMU_TEST_BOARDS),none)) and check its serial log"
	@echo "  make install PREFIX=... DESTDIR=...   PD library and sel4ft-<board>-<config>.pc (several boards and configs"
	@echo "                    side by side; sel4ft.pc: the last installed), headers, bin/sel4ft-sdf;"
	@echo "  make qemu EXAMPLE=blk   sDDF's virtio-blk driver crashed mid-I/O and restarted (needs sDDF $(SDDF_VERSION);"
	@echo "                    qemu_virt_aarch64)"
	@echo "                    share/sel4ft: example.mk, examples/common, services (to build an example anywhere)"
	@echo "  make bench        seL4 vs Linux in the same QEMU under -icount: CSV, plots, report in $(BUILD_DIR)/bench/"
	@echo "                    (seL4 on BENCH_BOARDS=$(BENCH_BOARDS), side by side; Linux on aarch64)"
	@echo "  make bench-trace  instructions of one round trip and one log record, by PD and function (QEMU trace;"
	@echo "                    qemu_virt_aarch64)"
	@echo "  make baseline     the Linux baseline: build/baseline/sel4ft-baseline demo | bench"
	@echo "  make linux-vm     the measurement VM (Debian arm64 kernel, busybox, static sel4ft-baseline)"
	@echo "  make fuzz         run each libFuzzer harness for FUZZ_SECONDS (default 60) from tests/fuzz/corpus"
	@echo "  make inject       seeded fault-injection campaign on seL4 (MICROKIT_BOARD) and Linux, tabulated"
	@echo "                    (INJECT_SEED, INJECTIONS)"
	@echo "  make inject-seeds the campaign over SEEDS=20 seeds from FIRST_SEED=1, INJECTIONS=3000 each, JOBS=1 at a"
	@echo "                    time, Linux beside INJECT_LOAD=2 busy loops per processor; a summary across seeds (hours)"
	@echo "  make blk-inject   driver injections into sDDF's virtio-blk driver under -icount (BLK_INJECT_SEED, BLK_INJECTIONS)"
	@echo "  make blk-bench    block throughput with a driver crash every 1, 4 and 25 s of virtual time vs none"
	@echo "  make docs         doxygen HTML in $(BUILD_DIR)/docs (warnings are errors; make docs-test: the check stage)"
	@echo "  make verify       Frama-C proofs of the shared-memory parsers, Spin model of the log ring (doc/verification.md)"
	@echo "  make sdf-test     tests of tools/sel4ft-sdf (checks, header, report, diagram of .system files)"
	@echo "  make footprint-test   the benchmark's request-path PDs link at most 4 KiB of the library each (part of check)"
	@echo "  make sdk          download the official Microkit SDK $(MICROKIT_SDK_VERSION) into ./sdk/"
	@echo "  make sddf         download sDDF $(SDDF_VERSION) (its release, or git clone --branch $(SDDF_VERSION)) into ./sdk/"
	@echo "  make docker       build the container image (Debian 12, the packages, the SDK); docker/README.md"
	@echo "  make docker-check make check inside it on this tree, as you; make docker-shell: a shell there"
	@echo "  make docker-test  build the image and boot every example in QEMU inside it (skipped without Docker)"
	@echo "Variables: MICROKIT_SDK MICROKIT_BOARD=$(MICROKIT_BOARD) (or $(filter-out $(MICROKIT_BOARD),$(SEL4FT_MICROKIT_BOARDS)))"
	@echo "           MICROKIT_CONFIG=$(MICROKIT_CONFIG) BUILD_DIR=$(BUILD_DIR) PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)"
	@echo "           TOOLCHAIN=$(TOOLCHAIN) (per board: $(foreach b,$(SEL4FT_MICROKIT_BOARDS),TOOLCHAIN_$(b)=$(TOOLCHAIN_$(b))))"
	@echo "           QEMU_TEST_BOARDS=$(QEMU_TEST_BOARDS) QEMU_TEST_CONFIGS=$(QEMU_TEST_CONFIGS)"
	@echo "SDK: $(if $(SEL4FT_HAVE_SDK),$(MICROKIT_SDK),none found)"
	@echo "sDDF: $(if $(SDDF_USABLE),$(SDDF),$(SDDF_SKIP_REASON) (the blk example is skipped))"

# Libraries ------------------------------------------------------------------

lib: $(HOST_LIB) $(SAN_LIB)
ifeq ($(SEL4FT_HAVE_SDK),yes)
lib: $(PD_LIB)
else
lib: ; @echo "note: the PD library ($(PD_LIB)) was not built: it needs the Microkit SDK (see 'make help')."
endif

pd-lib: $(PD_LIB)

# Tests ----------------------------------------------------------------------

CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

$(BUILD_DIR)/tests/test_%: tests/unit/test_%.c $(HOST_LIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MD -MP -Itests/unit -Iservices -Iexamples/campaign $(filter %.c,$^) $(HOST_LIB) $(CMOCKA_LIBS) -lpthread -o $@

$(BUILD_DIR)/tests-san/test_%: tests/unit/test_%.c $(SAN_LIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -MD -MP -Itests/unit -Iservices -Iexamples/campaign $(filter %.c,$^) $(SAN_LIB) $(CMOCKA_LIBS) -lpthread -o $@

# Tests of services/ (what the examples and the baseline share), built with the code they test.
UNIT_BINS += $(BUILD_DIR)/tests/test_kv_store
UNIT_SAN_BINS += $(BUILD_DIR)/tests-san/test_kv_store
$(BUILD_DIR)/tests/test_kv_store $(BUILD_DIR)/tests-san/test_kv_store: services/kv_store.c
# The campaign's workload (examples/campaign), against a model server with restarts at every point.
UNIT_BINS += $(BUILD_DIR)/tests/test_campaign_workload
UNIT_SAN_BINS += $(BUILD_DIR)/tests-san/test_campaign_workload
$(BUILD_DIR)/tests/test_campaign_workload $(BUILD_DIR)/tests-san/test_campaign_workload: examples/campaign/workload.c

# The terse fault decoder (SEL4FT_FAULT_TERSE): lib/fault.c built with it, ahead of the library's own fault.o.
$(BUILD_DIR)/tests/test_fault_terse: tests/unit/test_fault_terse.c lib/fault.c $(HOST_LIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -DSEL4FT_FAULT_TERSE -MD -MP $< lib/fault.c $(HOST_LIB) $(CMOCKA_LIBS) -o $@

$(BUILD_DIR)/tests-san/test_fault_terse: tests/unit/test_fault_terse.c lib/fault.c $(SAN_LIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -DSEL4FT_FAULT_TERSE -MD -MP $< lib/fault.c $(SAN_LIB) $(CMOCKA_LIBS) \
		-o $@

RESULTS_DIR := $(BUILD_DIR)/results

unit-tests: $(UNIT_BINS) $(UNIT_SAN_BINS)
	@$(PYTHON) tests/run_unit.py --results $(RESULTS_DIR) $(UNIT_BINS) $(UNIT_SAN_BINS)

# With an SDK, on every board of QEMU_TEST_BOARDS.
install-test: lib
	@BUILD_DIR=$(BUILD_DIR) RESULTS_DIR=$(RESULTS_DIR) MICROKIT_SDK=$(MICROKIT_SDK) BOARDS="$(QEMU_TEST_BOARDS)" \
		MICROKIT_CONFIG=$(MICROKIT_CONFIG) HAVE_SDK=$(SEL4FT_HAVE_SDK) sh tests/install/run.sh

# examples/counter/README.md, followed literally in an empty folder against an install (tests/tutorial/).
tutorial-test: lib
	@BUILD_DIR=$(BUILD_DIR) RESULTS_DIR=$(RESULTS_DIR) MICROKIT_SDK=$(MICROKIT_SDK) HAVE_SDK=$(SEL4FT_HAVE_SDK) \
		PYTHON=$(PYTHON) sh tests/tutorial/run.sh

# The request-path PDs' library footprint (<= 4 KiB each, counted in the linker maps as make bench counts it), on
# the benchmark system built in the release configuration for every board make check boots.
footprint-test: sdk-check
	@$(foreach b,$(QEMU_TEST_BOARDS),$(MAKE) --no-print-directory -C bench/sel4 MICROKIT_CONFIG=release \
		MICROKIT_BOARD=$(b) TOOLCHAIN=$(TOOLCHAIN_$(b)) MICROKIT_SDK=$(MICROKIT_SDK) \
		BUILD_DIR=$(BUILD_DIR)/bench-sel4/$(b)/release >/dev/null || exit 1;) true
	@$(PYTHON) tests/bench/test_footprint.py "$(RESULTS_DIR)" $(BUILD_DIR)/bench-sel4 \
		$(foreach b,$(QEMU_TEST_BOARDS),$(b)/release)

harness-test:
	@$(PYTHON) tests/bench/test_analyse.py $(RESULTS_DIR)

# libFuzzer harnesses (clang from Debian: clang, libclang-rt-14-dev). make check runs each briefly.
FUZZERS := rpc logring fault checkpoint restart
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SANITIZERS := address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=gnu11 $(SEL4FT_WARNINGS) -g -O1 $(SEL4FT_LINUX_INCLUDES)
FUZZ_BINS := $(addprefix $(BUILD_DIR)/fuzz/fuzz_,$(FUZZERS))
FUZZ_LIB := $(BUILD_DIR)/fuzz/lib/libsel4ft.a

FUZZ_LIB_CFLAGS := $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SANITIZERS)
$(call sel4ft_library,$(BUILD_DIR)/fuzz/lib,$(FUZZ_CC),ar,$(FUZZ_LIB_CFLAGS),$(SEL4FT_LINUX_SRCS))

$(BUILD_DIR)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SANITIZERS) -MD -MP $< $(FUZZ_LIB) -o $@

fuzz: $(FUZZ_BINS)
	@$(PYTHON) tests/fuzz/run.py --bin-dir $(BUILD_DIR)/fuzz --work-dir $(BUILD_DIR)/fuzz --seconds $(FUZZ_SECONDS) \
		--results $(RESULTS_DIR) $(FUZZERS)

fuzz-smoke: $(FUZZ_BINS)
	@$(PYTHON) tests/fuzz/run.py --bin-dir $(BUILD_DIR)/fuzz --work-dir $(BUILD_DIR)/fuzz --seconds 5 \
		--results $(RESULTS_DIR) $(FUZZERS)

include $(SEL4FT_DIR)/baseline/baseline.mk
include $(SEL4FT_DIR)/docker/docker.mk
include $(SEL4FT_DIR)/tools/sdf.mk
include $(SEL4FT_DIR)/verify/verify.mk

# Every stage runs (-k) even when an earlier one fails; the last line totals them all. The QEMU tests are one
# stage per board; a board the port supports but the SDK was not built for is skipped, and said so. The short
# multi-seed campaign (inject) runs on MICROKIT_BOARD.
CHECK_STAGES := docs unit install tutorial harness fuzz baseline \
	$(if $(SEL4FT_HAVE_SDK),$(addprefix qemu-,$(QEMU_TEST_BOARDS)) inject footprint) sdf verify
qemu_test_count = $(words $(foreach c,$(QEMU_TEST_CONFIGS),$(call board_systems,$(1)) $(call board_skipped_systems,$(1))))
QEMU_SKIPPED := $(foreach b,$(if $(SEL4FT_HAVE_SDK),$(QEMU_SKIPPED_BOARDS),$(SEL4FT_MICROKIT_BOARDS)),qemu-$(b)=$(call qemu_test_count,$(b))) \
	$(if $(SEL4FT_HAVE_SDK),,inject=4 footprint=$(words $(foreach b,$(SEL4FT_MICROKIT_BOARDS),client echo recovery)))
SDDF_SKIP_REASON := $(if $(SEL4FT_HAVE_SDDF),the sDDF at $(SDDF) is release '$(SEL4FT_SDDF_RELEASE)' (its \
	CHANGES.md)$(sel4ft_comma) not $(SDDF_VERSION),$(if $(filter variable,$(SEL4FT_SDDF_FROM)),SDDF=$(SDDF) is not \
	an sDDF source tree (no include/sddf/blk/queue.h in it),sDDF $(SDDF_VERSION) not found (looked in \
	\$$SDDF$(sel4ft_comma) $(subst $(sel4ft_space),$(sel4ft_comma) ,$(strip $(SEL4FT_SDDF_CANDIDATES)))))); \
	make sddf fetches it

check:
	@rm -rf $(RESULTS_DIR)
	@$(MAKE) --no-print-directory -k docs-test unit-tests install-test tutorial-test harness-test fuzz-smoke baseline-test \
		$(if $(SEL4FT_HAVE_SDK),qemu-test inject-smoke footprint-test) sdf-test verify; \
	status=$$?; \
	$(if $(SEL4FT_HAVE_SDK),,echo "QEMU tests SKIPPED: no Microkit SDK found (looked in \$$MICROKIT_SDK, ./sdk/microkit-sdk-$(MICROKIT_SDK_VERSION), /opt/microkit-sdk-$(MICROKIT_SDK_VERSION)). A skip is not a pass.";) \
	$(if $(SEL4FT_HAVE_SDK),$(foreach b,$(QEMU_SKIPPED_BOARDS),echo "QEMU tests SKIPPED on $(b): $(if $(filter $(b),$(SEL4FT_SDK_BOARDS)),not in QEMU_TEST_BOARDS,the SDK at $(MICROKIT_SDK) was not built for it (in $(QEMU_TEST_CONFIGS))). A skip is not a pass.";)) \
	$(if $(SEL4FT_HAVE_SDK),$(foreach b,$(QEMU_TEST_BOARDS),$(if $(call board_skipped_systems,$(b)),echo "QEMU tests of $(call board_skipped_systems,$(b)) SKIPPED on $(b): $(call board_skip_reason,$(b)). A skip is not a pass.";))) \
	echo "== make check summary"; \
	$(PYTHON) tests/summary.py $(RESULTS_DIR) --expect "$(CHECK_STAGES)" --skipped "$(strip $(QEMU_SKIPPED))" && [ $$status -eq 0 ]

# Examples and QEMU ------------------------------------------------------------

# A system's folder: examples/<name>, or tests/<name> for the port test.
system_src = $(if $(wildcard examples/$(1)/Makefile),examples/$(1),tests/$(1))
# $(call system_make,example,variant,config): build one system.
system_dir = $(BUILD_DIR)/examples/$(MICROKIT_BOARD)/$(3)/$(1)$(if $(2),-$(2))
system_make = $(MAKE) --no-print-directory -C $(call system_src,$(1)) MICROKIT_SDK=$(MICROKIT_SDK) \
	MICROKIT_BOARD=$(MICROKIT_BOARD) MICROKIT_CONFIG=$(3) TOOLCHAIN=$(TOOLCHAIN) $(if $(2),SCENARIO=$(2)) \
	BUILD_DIR=$(call system_dir,$(1),$(2),$(3))
# Shell loop over MICROKIT_BOARD's systems: sets ex, variant, label (ex or ex-variant) and src (its folder) for
# each, then builds it for $$config.
for_each_system = for system in $(call board_systems,$(MICROKIT_BOARD)); do ex=$${system%%:*}; \
	variant=$${system\#$$ex}; variant=$${variant\#:}; label=$$ex$${variant:+-$$variant}; \
	src=examples/$$ex; [ -f $$src/Makefile ] || src=tests/$$ex;
shell_system_make = $(MAKE) --no-print-directory -C $$src MICROKIT_SDK=$(MICROKIT_SDK) \
	MICROKIT_BOARD=$(MICROKIT_BOARD) MICROKIT_CONFIG=$$config TOOLCHAIN=$(TOOLCHAIN) $${variant:+SCENARIO=$$variant} \
	BUILD_DIR=$(BUILD_DIR)/examples/$(MICROKIT_BOARD)/$$config/$$label

examples: sdk-check
	@config=$(MICROKIT_CONFIG); $(for_each_system) \
		echo "== $$label ($(MICROKIT_BOARD), $$config)"; \
		$(shell_system_make) >/dev/null || exit 1; \
	done
	@echo "built: $(call board_systems,$(MICROKIT_BOARD)) ($(MICROKIT_CONFIG)) under $(BUILD_DIR)/examples/$(MICROKIT_BOARD)/$(MICROKIT_CONFIG)"

qemu: sdk-check
	@if [ ! -f $(call system_src,$(EXAMPLE))/Makefile ]; then echo "error: EXAMPLE=$(EXAMPLE) is not one of: $(EXAMPLES) port" >&2; exit 1; fi
	@if [ -n "$(filter $(EXAMPLE),$(SDDF_SYSTEMS))" ]; then $(MAKE) --no-print-directory sddf-check; fi
	@if [ "$(EXAMPLE)" = recovery ] && [ -z "$(filter $(SCENARIO),$(RECOVERY_SCENARIOS))" ]; then \
		echo "error: EXAMPLE=recovery needs SCENARIO= one of: $(RECOVERY_SCENARIOS)" >&2; \
		if [ "$(SCENARIO)" = inject ]; then echo "       the fault-injection campaign is EXAMPLE=campaign" >&2; fi; \
		exit 1; fi
	@$(call system_make,$(EXAMPLE),$(SCENARIO),$(MICROKIT_CONFIG))
	$(PYTHON) tests/qemu/run.py --image $(call system_dir,$(EXAMPLE),$(SCENARIO),$(MICROKIT_CONFIG))/loader.img \
		--expect tests/qemu/$(EXAMPLE)$(if $(SCENARIO),-$(SCENARIO)).expect --config $(MICROKIT_CONFIG) \
		--board $(MICROKIT_BOARD) --name $(EXAMPLE)$(if $(SCENARIO),-$(SCENARIO)) --log-dir $(BUILD_DIR)/logs \
		--timeout $(QEMU_TIMEOUT) --live

# Every board of QEMU_TEST_BOARDS in turn, each built and booted by a make of its own (its TOOLCHAIN default).
qemu-test:
	@if [ -z "$(strip $(QEMU_TEST_BOARDS))" ]; then $(MAKE) --no-print-directory sdk-check || exit 1; \
		echo "error: no board to test: the SDK at $(MICROKIT_SDK) has none of $(SEL4FT_MICROKIT_BOARDS) in every config of $(QEMU_TEST_CONFIGS)." >&2; exit 1; fi
	@status=0; for board in $(QEMU_TEST_BOARDS); do \
		$(MAKE) --no-print-directory qemu-test-board MICROKIT_BOARD=$$board || status=1; \
	done; exit $$status

qemu-test-board: sdk-check
	@for config in $(QEMU_TEST_CONFIGS); do $(for_each_system) \
		$(shell_system_make) >/dev/null || exit 1; \
	done; done
	@$(PYTHON) tests/qemu/qemu_test.py --build-dir $(BUILD_DIR) --board $(MICROKIT_BOARD) \
		--configs "$(QEMU_TEST_CONFIGS)" --systems "$(call board_systems,$(MICROKIT_BOARD))" --timeout $(QEMU_TIMEOUT) \
		--results $(RESULTS_DIR) $(if $(call board_skipped_systems,$(MICROKIT_BOARD)),--skip \
		"$(call board_skipped_systems,$(MICROKIT_BOARD))" --skip-reason "$(call board_skip_reason,$(MICROKIT_BOARD))")

# Benchmarks -------------------------------------------------------------------

# Needs the SDK, the Debian packages in bench/README.md, and (without BENCH_FLAGS=--skip-linux) the Linux VM. The
# seL4 system runs on every board of BENCH_BOARDS (default: those the QEMU tests use), the Linux VM on aarch64.
BENCH_BOARDS ?= $(QEMU_TEST_BOARDS)
bench: sdk-check
	@$(PYTHON) -c 'import matplotlib' 2>/dev/null || { echo "error: make bench needs Debian's python3-matplotlib \
(apt-get install python3-matplotlib)" >&2; exit 1; }
	$(PYTHON) bench/harness.py --build-dir $(BUILD_DIR) --boards "$(BENCH_BOARDS)" --sdk $(MICROKIT_SDK) $(BENCH_FLAGS)

# Where the instructions of a round trip and of a log record go: by PD and function, from an instruction trace.
bench-trace: sdk-check
	@[ "$(MICROKIT_BOARD)" = qemu_virt_aarch64 ] || { echo "error: make bench-trace reads aarch64 instruction \
traces: MICROKIT_BOARD=qemu_virt_aarch64 only" >&2; exit 1; }
	$(PYTHON) bench/trace.py --build-dir $(BUILD_DIR) --board $(MICROKIT_BOARD) --toolchain $(TOOLCHAIN) \
		--sdk $(MICROKIT_SDK)

# Fault injection ----------------------------------------------------------------

INJECT_SEED ?= 1
INJECTIONS ?= 1000
INJECT_CONFIG ?= release
INJECT_BUILD_DIR = $(BUILD_DIR)/examples/$(MICROKIT_BOARD)/$(INJECT_CONFIG)/campaign-seed$(INJECT_SEED)-n$(INJECTIONS)

# The seeded campaign: on seL4 (examples/campaign: INJECTIONS faults into the server, the crasher, client_b and
# the logger, in 11 kinds) and, with the same schedule as far as it applies, on the Linux baseline (natively).
inject: sdk-check baseline
	@s="$(INJECT_SEED)"; case "$$s" in ''|*[!0-9]*) bad=1;; *) if [ $${#s} -gt 10 ] || [ "$$s" -gt 4294967295 ]; \
		then bad=1; fi;; esac; if [ -n "$$bad" ]; then \
		echo "error: INJECT_SEED=$(INJECT_SEED) must be a number from 0 to 4294967295" >&2; exit 1; fi
	@n="$(INJECTIONS)"; case "$$n" in ''|*[!0-9]*) bad=1;; *) if [ $${#n} -gt 7 ] || [ "$$n" -lt 1 ] || \
		[ "$$n" -gt 1000000 ]; then bad=1; fi;; esac; if [ -n "$$bad" ]; then \
		echo "error: INJECTIONS=$(INJECTIONS) must be a number from 1 to 1000000" >&2; exit 1; fi
	@$(MAKE) --no-print-directory -C examples/campaign MICROKIT_SDK=$(MICROKIT_SDK) MICROKIT_BOARD=$(MICROKIT_BOARD) \
		MICROKIT_CONFIG=$(INJECT_CONFIG) TOOLCHAIN=$(TOOLCHAIN) INJECT_SEED=$(INJECT_SEED) INJECTIONS=$(INJECTIONS) \
		BUILD_DIR=$(INJECT_BUILD_DIR) >/dev/null
	$(PYTHON) bench/inject.py --image $(INJECT_BUILD_DIR)/loader.img \
		--out-dir $(BUILD_DIR)/inject --seed $(INJECT_SEED) --injections $(INJECTIONS) --config $(INJECT_CONFIG) \
		--board $(MICROKIT_BOARD) \
		--linux-binary $(BUILD_DIR)/baseline/sel4ft-baseline

# The campaign over many seeds (doc/fault-injection.md, "Over many seeds"): SEEDS seeds from FIRST_SEED, INJECTIONS
# each (3000 unless given), JOBS at a time, on seL4 and on Linux beside INJECT_LOAD busy loops per processor; a summary
# across the seeds. Long: 20 seeds of 3000 take hours of QEMU. make check runs a short one (inject-smoke).
SEEDS ?= 20
FIRST_SEED ?= 1
JOBS ?= 1
INJECT_LOAD ?= 2
SEEDS_INJECTIONS = $(if $(filter file,$(origin INJECTIONS)),3000,$(INJECTIONS))
inject_seeds = $(PYTHON) bench/inject_seeds.py --build-dir $(BUILD_DIR) --board $(MICROKIT_BOARD) \
	--config $(INJECT_CONFIG) --toolchain $(TOOLCHAIN) --sdk $(MICROKIT_SDK) \
	--linux-binary $(BUILD_DIR)/baseline/sel4ft-baseline --linux-load $(INJECT_LOAD)
inject-seeds: sdk-check baseline
	$(inject_seeds) --out-dir $(BUILD_DIR)/inject-seeds --seeds $(SEEDS) --first-seed $(FIRST_SEED) \
		--injections $(SEEDS_INJECTIONS) --jobs $(JOBS)

# make check's short version: two seeds (seed 1 is the QEMU test's) of 150 injections, side by side.
inject-smoke: sdk-check baseline
	@$(inject_seeds) --out-dir $(BUILD_DIR)/inject-smoke --seeds 2 --first-seed 2 --injections 150 --jobs 2 \
		--progress 0 --results $(RESULTS_DIR) > $(BUILD_DIR)/inject-smoke.log 2>&1; status=$$?; \
		grep -E "^(seed [0-9]+: seL4|seL4 \(|\*\*)" $(BUILD_DIR)/inject-smoke.log; \
		if [ $$status -ne 0 ]; then echo "inject-smoke FAILED: $(BUILD_DIR)/inject-smoke.log"; fi; exit $$status

# Driver recovery measured (examples/blk; doc/driver-recovery.md) ----------------

BLK_INJECT_SEED ?= 1
BLK_INJECTIONS ?= 500
BLK_INJECT_CONFIG ?= release
BLK_EXAMPLE_DIR = $(BUILD_DIR)/examples/$(MICROKIT_BOARD)
blk_make = $(MAKE) --no-print-directory -C examples/blk MICROKIT_SDK=$(MICROKIT_SDK) MICROKIT_BOARD=$(MICROKIT_BOARD) \
	TOOLCHAIN=$(TOOLCHAIN) SDDF=$(SDDF)

# Seeded injections into sDDF's virtio-blk driver (null pointers, an unmapped write, undefined instructions, hangs;
# at random points of I/O) while the client verifies every block, under QEMU -icount: restart at once every time,
# heartbeats every 20 ms.
blk-inject: sdk-check sddf-check
	@n="$(BLK_INJECTIONS)"; s="$(BLK_INJECT_SEED)"; case "$$n$$s" in ''|*[!0-9]*) \
		echo "error: BLK_INJECTIONS and BLK_INJECT_SEED must be numbers" >&2; exit 1;; esac
	@$(blk_make) MICROKIT_CONFIG=$(BLK_INJECT_CONFIG) INJECTIONS=$(BLK_INJECTIONS) INJECT_SEED=$(BLK_INJECT_SEED) \
		POLICY_ALWAYS=1 HEARTBEAT_MS=20 CLIENT_PASSES=1 \
		BUILD_DIR=$(BLK_EXAMPLE_DIR)/$(BLK_INJECT_CONFIG)/blk-inject-seed$(BLK_INJECT_SEED)-n$(BLK_INJECTIONS) >/dev/null
	$(PYTHON) bench/blk.py inject --seed $(BLK_INJECT_SEED) --injections $(BLK_INJECTIONS) --config $(BLK_INJECT_CONFIG) \
		--image $(BLK_EXAMPLE_DIR)/$(BLK_INJECT_CONFIG)/blk-inject-seed$(BLK_INJECT_SEED)-n$(BLK_INJECTIONS)/loader.img \
		--out-dir $(BUILD_DIR)/blk-inject/seed$(BLK_INJECT_SEED)-n$(BLK_INJECTIONS)

# Block throughput with no driver crash, and with one every 1, 4 and 25 s of virtual time (the guest's instruction
# count, in the benchmark configuration: examples/blk/pmu.h), each run long enough for several crashes: 10, 5, 2
# (PERIOD_MS:RUN_MS pairs; the client asks for no crash at or after the end of its run).
BLK_BENCH_RUNS ?= 0:10000 1000:10500 4000:22000 25000:52000
blk-bench: sdk-check sddf-check
	@for run in $(BLK_BENCH_RUNS); do period=$${run%%:*}; length=$${run#*:}; \
		echo "== building: a crash every $$period ms (0: none), $$length ms of virtual time"; \
		$(blk_make) MICROKIT_CONFIG=benchmark INJECTIONS=0 CRASH_PERIOD_MS=$$period CLIENT_RUN_MS=$$length \
			CLIENT_PASSES=1 HEARTBEAT_MS=0 BUILD_DIR=$(BLK_EXAMPLE_DIR)/benchmark/blk-bench-$$period >/dev/null || exit 1; \
	done
	$(PYTHON) bench/blk.py overhead --out-dir $(BUILD_DIR)/blk-bench \
		$(foreach run,$(BLK_BENCH_RUNS),--run $(firstword $(subst :, ,$(run)))=$(BLK_EXAMPLE_DIR)/benchmark/blk-bench-$(firstword $(subst :, ,$(run)))/loader.img)

# Install ----------------------------------------------------------------------

LIBDIR := $(PREFIX)/lib
INCLUDEDIR := $(PREFIX)/include
# The public headers are the same for every board and config; the library and the port's header (<sel4ft/port.h>:
# the hot calls are inline, built against the SDK's headers) are one board's and config's, so they go into a
# folder of their own, with a pkg-config file of their own: one install holds several configs side by side.
PUBLIC_HEADERS := $(wildcard include/sel4ft/*.h)
PORT_HEADER := lib/port/microkit/include/sel4ft/port.h
CONFIG_LIBDIR := $(LIBDIR)/sel4ft/$(MICROKIT_BOARD)/$(MICROKIT_CONFIG)
PC_NAME := sel4ft-$(MICROKIT_BOARD)-$(MICROKIT_CONFIG)

install: install-lib install-includes install-sdf install-examples

install-lib: $(PD_LIB) sel4ft.pc.in | sdk-check
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(CONFIG_LIBDIR)/include/sel4ft
	install -m 644 $(PD_LIB) $(DESTDIR)$(CONFIG_LIBDIR)/
	install -m 644 $(PORT_HEADER) $(DESTDIR)$(CONFIG_LIBDIR)/include/sel4ft/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@SDK@|$(abspath $(MICROKIT_SDK))|g' \
		-e 's|@VERSION@|$(SEL4FT_VERSION)|g' -e 's|@BOARD@|$(MICROKIT_BOARD)|g' -e 's|@CONFIG@|$(MICROKIT_CONFIG)|g' \
		-e 's|@PD_CFLAGS@|$(SEL4FT_PD_CFLAGS)|g' -e 's|@TOOLCHAIN@|$(TOOLCHAIN)|g' sel4ft.pc.in \
		> $(DESTDIR)$(LIBDIR)/pkgconfig/$(PC_NAME).pc
	install -m 644 $(DESTDIR)$(LIBDIR)/pkgconfig/$(PC_NAME).pc $(DESTDIR)$(LIBDIR)/pkgconfig/sel4ft.pc

# The flags pkg-config's pd_cflags carries, and the cross compiler's prefix, for MICROKIT_BOARD (the install test
# uses them).
print-pd-cflags:
	@echo '$(SEL4FT_PD_CFLAGS)'

print-toolchain:
	@echo '$(TOOLCHAIN)'

install-includes:
	install -d $(DESTDIR)$(INCLUDEDIR)/sel4ft
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(INCLUDEDIR)/sel4ft/

# What an example folder needs to build against the install from anywhere: the make fragment (and the SDK
# finder it includes), the PDs and helpers examples share, and services/ (what they share with the baseline).
SHAREDIR := $(PREFIX)/share/sel4ft
install-examples:
	install -d $(DESTDIR)$(SHAREDIR)/common $(DESTDIR)$(SHAREDIR)/services
	install -m 644 examples/example.mk examples/sdk.mk examples/sddf.mk $(DESTDIR)$(SHAREDIR)/
	install -m 644 $(wildcard examples/common/*.[ch]) $(DESTDIR)$(SHAREDIR)/common/
	install -m 644 $(wildcard services/*.[ch]) $(DESTDIR)$(SHAREDIR)/services/

# Docs, SDK, housekeeping --------------------------------------------------------

docs:
	@command -v doxygen >/dev/null || { echo "error: doxygen not found (Debian: apt-get install doxygen)" >&2; exit 1; }
	@mkdir -p $(BUILD_DIR)/docs
	@(cat doc/Doxyfile; echo "OUTPUT_DIRECTORY = $(BUILD_DIR)/docs") | doxygen - > $(BUILD_DIR)/docs/doxygen.log
	@echo "API docs: $(BUILD_DIR)/docs/html/index.html"

# make check's stage: the API docs build with no warning (doc/Doxyfile makes every warning an error: an
# undocumented member or parameter, a doc error).
docs-test:
	@if $(MAKE) --no-print-directory docs; then ok=1; else ok=0; \
		echo "docs: FAIL: doxygen found the problems above (its log: $(BUILD_DIR)/docs/doxygen.log)" >&2; fi; \
	$(PYTHON) -c 'import sys; sys.path.insert(0, "tests"); import results; ok = int(sys.argv[2]); results.record(sys.argv[1], "docs", ok, 1 - ok)' \
		"$(RESULTS_DIR)" $$ok; \
	[ $$ok -eq 1 ]

SDK_URL := https://github.com/seL4/microkit/releases/download/$(MICROKIT_SDK_VERSION)/microkit-sdk-$(MICROKIT_SDK_VERSION)-linux-x86-64.tar.gz
sdk:
	@mkdir -p sdk
	@echo "Downloading $(SDK_URL)"
	@if ! curl -fL --connect-timeout 20 -o sdk/microkit-sdk.tar.gz "$(SDK_URL)"; then \
		rm -f sdk/microkit-sdk.tar.gz; \
		echo "error: could not download the Microkit SDK (no internet access?)." >&2; \
		echo "       Fetch $(SDK_URL) elsewhere, unpack it into ./sdk/ or /opt/, or set MICROKIT_SDK." >&2; \
		exit 1; \
	fi
	tar -C sdk -xzf sdk/microkit-sdk.tar.gz && rm sdk/microkit-sdk.tar.gz
	@test -x sdk/microkit-sdk-$(MICROKIT_SDK_VERSION)/bin/microkit && echo "SDK ready: sdk/microkit-sdk-$(MICROKIT_SDK_VERSION)"

# sDDF, for the examples built on it: the release's source archive, or (where only git gets through) a shallow
# clone of its tag. Never part of this repository (./sdk/ is ignored).
SDDF_URL := https://github.com/au-ts/sddf/archive/refs/tags/$(SDDF_VERSION).tar.gz
SDDF_GIT := https://github.com/au-ts/sddf.git
sddf:
	@mkdir -p sdk
	@if [ -f sdk/sddf-$(SDDF_VERSION)/include/sddf/blk/queue.h ]; then echo "sDDF ready: sdk/sddf-$(SDDF_VERSION)"; exit 0; fi; \
	echo "Downloading $(SDDF_URL)"; \
	if curl -fL --connect-timeout 20 -o sdk/sddf.tar.gz "$(SDDF_URL)" && tar -C sdk -xzf sdk/sddf.tar.gz; then \
		rm -f sdk/sddf.tar.gz; \
	else \
		rm -rf sdk/sddf.tar.gz sdk/sddf-$(SDDF_VERSION); \
		echo "Trying git clone --branch $(SDDF_VERSION) $(SDDF_GIT)"; \
		if ! git clone -q --depth 1 --branch $(SDDF_VERSION) $(SDDF_GIT) sdk/sddf-$(SDDF_VERSION); then \
			rm -rf sdk/sddf-$(SDDF_VERSION); \
			echo "error: could not download sDDF $(SDDF_VERSION) (no internet access?)." >&2; \
			echo "       Fetch $(SDDF_URL) elsewhere and unpack it into ./sdk/ (as sdk/sddf-$(SDDF_VERSION)) or /opt/," >&2; \
			echo "       or set SDDF=/path/to/it." >&2; \
			exit 1; \
		fi; \
	fi; \
	test -f sdk/sddf-$(SDDF_VERSION)/include/sddf/blk/queue.h && echo "sDDF ready: sdk/sddf-$(SDDF_VERSION)"

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD_DIR)

-include $(wildcard $(BUILD_DIR)/tests/*.d $(BUILD_DIR)/tests-san/*.d $(BUILD_DIR)/fuzz/*.d)
