#
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# The container set-up (docker/README.md). Included by the top-level Makefile, after examples/sdk.mk.
#
#   make docker         build the image: Debian 12, the project's packages, the Microkit SDK 2.0.1
#   make docker-check   `make check` inside it, on this working tree (mounted), as the calling user
#   make docker-shell   a shell inside it, on this working tree
#   make docker-test    build the image and boot every example system in QEMU inside it; SKIPPED (not passed)
#                       when no Docker daemon is reachable. Not part of `make check` (docker/README.md says why).

DOCKER ?= docker
DOCKER_IMAGE ?= sel4ft-build
BASE_IMAGE ?= debian:bookworm
# More Debian packages for the image, e.g. make bench's: DOCKER_EXTRA_PACKAGES="python3-matplotlib libc6-dev-arm64-cross"
DOCKER_EXTRA_PACKAGES ?=
# The SDK copied into the image: MICROKIT_SDK when set, else the one the default search found; with none (or
# DOCKER_SDK=download) the image build downloads the official release.
DOCKER_SDK ?= $(if $(filter variable,$(SEL4FT_SDK_FROM))$(SEL4FT_HAVE_SDK),$(MICROKIT_SDK))
# Build output of make docker-check, relative to the tree (the container sees only the tree): apart from the
# host's, whose compilers may differ.
DOCKER_BUILD_DIR ?= build/docker
# More flags for docker build and docker run, e.g. DOCKER_BUILD_FLAGS="--build-arg MICROKIT_SDK_URL=<mirror>",
# DOCKER_RUN_FLAGS="--security-opt label=disable" (SELinux hosts); DOCKER_RUN_USER=uid:gid to run as someone else.
DOCKER_BUILD_FLAGS ?=
DOCKER_RUN_FLAGS ?=
DOCKER_RUN_USER ?=
# Extra arguments for make inside the container, e.g. DOCKER_MAKE_ARGS="QEMU_TEST_CONFIGS=debug"
DOCKER_MAKE_ARGS ?=

SEL4FT_DOCKER_ENV = DOCKER="$(DOCKER)" DOCKER_IMAGE="$(DOCKER_IMAGE)" BASE_IMAGE="$(BASE_IMAGE)" \
	EXTRA_PACKAGES="$(DOCKER_EXTRA_PACKAGES)" DOCKER_SDK="$(DOCKER_SDK)" DOCKER_BUILD_FLAGS="$(DOCKER_BUILD_FLAGS)" \
	DOCKER_RUN_FLAGS="$(DOCKER_RUN_FLAGS)" DOCKER_RUN_USER="$(DOCKER_RUN_USER)"
SEL4FT_DOCKER = $(SEL4FT_DOCKER_ENV) sh $(SEL4FT_DIR)/docker/docker.sh

.PHONY: docker docker-check docker-shell docker-test

docker:
	@$(SEL4FT_DOCKER) build

docker-check:
	@case "$(DOCKER_BUILD_DIR)" in /*|..|../*|*/..|*/../*|'') \
		echo "error: DOCKER_BUILD_DIR=$(DOCKER_BUILD_DIR) must be a folder inside the tree, relative to it" >&2; exit 1;; esac
	@$(SEL4FT_DOCKER) run make check BUILD_DIR=$(DOCKER_BUILD_DIR) $(DOCKER_MAKE_ARGS)

docker-shell:
	@$(SEL4FT_DOCKER) run bash

# The checks of the set-up itself, plus one per QEMU boot; all counted as skipped without a daemon.
docker-test:
	@rm -f $(RESULTS_DIR)/docker.txt
	@$(SEL4FT_DOCKER_ENV) RESULTS_DIR="$(RESULTS_DIR)" QEMU_TEST_CONFIGS="$(QEMU_TEST_CONFIGS)" \
		QEMU_TEST_COUNT=$(QEMU_TEST_COUNT) sh $(SEL4FT_DIR)/tests/docker/run.sh; \
	status=$$?; \
	echo "== make docker-test summary"; \
	$(PYTHON) tests/summary.py $(RESULTS_DIR) --expect docker && [ $$status -eq 0 ]
