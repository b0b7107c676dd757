#!/bin/sh
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Make a Debian 12 base image without a container registry: debootstrap a minimal bookworm (only Debian's
# package mirror is needed), drop apt's caches and lists, and import it into Docker. Then `make docker` builds
# on it (BASE_IMAGE names it when TAG is not debian:bookworm).
#
# usage: sudo sh docker/make-base-image.sh [TAG [MIRROR]]
#        TAG default debian:bookworm; MIRROR default http://deb.debian.org/debian (the image's apt uses it too)

set -eu

die() {
    echo "error: $*" >&2
    exit 1
}

tag=${1:-debian:bookworm}
mirror=${2:-http://deb.debian.org/debian}
docker=${DOCKER:-docker}
[ "$(id -u)" -eq 0 ] || die "debootstrap needs root: sudo sh $0 $*"
command -v debootstrap > /dev/null || die "debootstrap not found (Debian: apt-get install debootstrap)"
command -v "$docker" > /dev/null || die "no '$docker' command on PATH"

root=$(mktemp -d "${TMPDIR:-/tmp}/sel4ft-bookworm.XXXXXX")
trap 'rm -rf "$root"' EXIT
trap 'exit 130' INT TERM
echo "debootstrap --variant=minbase bookworm from $mirror (a minute or two)"
debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.log" 2>&1 || {
    tail -n 20 "$root.log" >&2
    rm -f "$root.log"
    die "debootstrap failed"
}
rm -f "$root.log"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | "$docker" import - "$tag" > /dev/null
echo "imported $tag ($("$docker" image inspect --format '{{.Size}}' "$tag" | awk '{ printf "%d MB", $1 / 1000000 }'))"
