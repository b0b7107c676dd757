#!/bin/sh
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# The container set-up behind `make docker`, `make docker-check`, `make docker-shell` (docker/docker.mk).
#
# usage: docker.sh probe              exit 0 when a Docker daemon is reachable; otherwise say why on stderr
#        docker.sh build              build the image
#        docker.sh run COMMAND...     run COMMAND in the image, on the working tree mounted at /sel4ft, as the
#                                     calling user (what it writes into the tree belongs to the caller)
#
# Environment (docker.mk sets them all):
#   DOCKER            the docker command (default docker)
#   DOCKER_IMAGE      the image's name (default sel4ft-build)
#   BASE_IMAGE        Debian 12 image to build on (default debian:bookworm)
#   EXTRA_PACKAGES    more Debian packages for the image (e.g. make bench's)
#   DOCKER_SDK        a local Microkit SDK 2.0.1 to copy into the image; empty or "download": download the release
#   DOCKER_RUN_USER   uid:gid to run as (default: the caller's; 0:0 under a rootless daemon, which maps to the caller)
#   DOCKER_BUILD_FLAGS more `docker build` flags (e.g. --build-arg MICROKIT_SDK_URL=..., --no-cache, --network host)
#   DOCKER_RUN_FLAGS  more `docker run` flags (e.g. --security-opt label=disable on SELinux hosts)
#
# POSIX sh, for macOS's /bin/sh too: the host side needs Docker, make and this script, nothing else.

set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/.." && pwd -P)
docker=${DOCKER:-docker}
image=${DOCKER_IMAGE:-sel4ft-build}
base_image=${BASE_IMAGE:-debian:bookworm}
mount=/sel4ft

die() {
    echo "error: $*" >&2
    exit 1
}

# One message for each way of not having Docker; exit 1 with it on stderr.
probe() {
    if ! command -v "$docker" > /dev/null 2>&1; then
        echo "error: there is no '$docker' command on PATH. The container set-up needs Docker: Docker Engine on Linux," >&2
        echo "       Docker Desktop on macOS and Windows (WSL2). Debian: apt-get install docker.io." >&2
        return 1
    fi
    if ! reason=$("$docker" version --format '{{.Server.Version}}' 2>&1 > /dev/null); then
        reason=$(printf '%s\n' "$reason" | grep -v '^[[:space:]]*$' | tail -n 1)
        echo "error: '$docker' is installed, but no Docker daemon is reachable: ${reason:-docker version failed}" >&2
        echo "       Start the daemon (Linux: 'sudo systemctl start docker'; Docker Desktop: start the app) and check" >&2
        echo "       that you may use it (Linux: the docker group, or DOCKER_HOST for a remote or rootless daemon)." >&2
        return 1
    fi
}

build() {
    sdk=${DOCKER_SDK:-}
    if [ -n "$sdk" ] && [ "$sdk" != download ] && [ ! -x "$sdk/bin/microkit" ]; then
        die "MICROKIT_SDK=$sdk is not a Microkit SDK: there is no bin/microkit in it.
       Point MICROKIT_SDK at an unpacked microkit-sdk-2.0.1, or build with DOCKER_SDK=download."
    fi
    if ! "$docker" image inspect "$base_image" > /dev/null 2>&1; then
        echo "note: the base image $base_image is not here; docker will try to pull it from its registry."
        echo "      Without a registry, make one: sudo sh docker/make-base-image.sh (Debian, debootstrap), or name"
        echo "      another Debian 12 image with BASE_IMAGE=."
    fi

    # The build context is a temporary folder, never the repository: the Dockerfile and sdk/, which holds a
    # copy of the local SDK or nothing (the image build then downloads the official release), and the script
    # that installs it.
    context=$(mktemp -d "${TMPDIR:-/tmp}/sel4ft-docker.XXXXXX")
    trap 'rm -rf "$context"' EXIT
    trap 'exit 130' INT TERM
    cp "$here/Dockerfile" "$here/install-sdk.sh" "$context/"
    mkdir "$context/sdk"
    if [ -n "$sdk" ] && [ "$sdk" != download ]; then
        echo "SDK: copying $sdk into the image"
        cp -RL "$sdk/." "$context/sdk/"
    else
        echo "SDK: downloading the official Microkit SDK 2.0.1 release during the build (needs internet; to use a"
        echo "     local copy instead: make docker MICROKIT_SDK=/path/to/microkit-sdk-2.0.1)"
    fi

    echo "building $image from $base_image"
    # shellcheck disable=SC2086 # DOCKER_BUILD_FLAGS is a list of flags
    if ! "$docker" build -t "$image" --build-arg "BASE_IMAGE=$base_image" \
        --build-arg "EXTRA_PACKAGES=${EXTRA_PACKAGES:-}" ${DOCKER_BUILD_FLAGS:-} "$context"; then
        die "the image build failed (see above)"
    fi
    size=$("$docker" image inspect --format '{{.Size}}' "$image")
    echo "image $image: $((size / 1000000)) MB"
}

run() {
    [ $# -gt 0 ] || die "usage: $0 run COMMAND..."
    if ! "$docker" image inspect "$image" > /dev/null 2>&1; then
        die "there is no image $image yet: build it first with 'make docker'."
    fi
    user=${DOCKER_RUN_USER:-}
    if [ -z "$user" ]; then
        # Under a rootless daemon the container's root is the caller on the host; any other uid would not be.
        if "$docker" info --format '{{.SecurityOptions}}' 2> /dev/null | grep -q rootless; then
            user=0:0
        else
            user="$(id -u):$(id -g)"
        fi
    fi
    tty=
    if [ -t 0 ] && [ -t 1 ]; then
        tty=-t
    fi
    # shellcheck disable=SC2086 # DOCKER_RUN_FLAGS is a list of flags
    exec "$docker" run --rm -i $tty --init --user "$user" -e HOME=/tmp -e PYTHONDONTWRITEBYTECODE=1 \
        -v "$top:$mount" -w "$mount" ${DOCKER_RUN_FLAGS:-} "$image" "$@"
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
    probe) probe ;;
    build) probe || exit 1; build ;;
    run) probe || exit 1; run "$@" ;;
    *) die "usage: $0 probe | build | run COMMAND..." ;;
esac
