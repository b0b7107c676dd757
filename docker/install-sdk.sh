#!/bin/sh
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Runs in the Dockerfile's sdk stage: puts the Microkit SDK 2.0.1 into /opt/microkit-sdk-2.0.1, from /tmp/sdk
# (the build context's sdk/, where make docker puts a copy of a local SDK) or else from the official release
# (MICROKIT_SDK_URL overrides where), then checks that it runs here and has both configs make check boots.

set -eu
dest=/opt/microkit-sdk-2.0.1

die() {
    echo "error: $*" >&2
    exit 1
}

mkdir -p /opt
if [ -x /tmp/sdk/bin/microkit ]; then
    echo "sel4ft: using the SDK copied into the build context"
    mv /tmp/sdk "$dest"
else
    url=${MICROKIT_SDK_URL:-}
    if [ -z "$url" ]; then
        case "$(dpkg --print-architecture)" in
            amd64) host=linux-x86-64 ;;
            arm64) host=linux-aarch64 ;;
            *) die "there is no official Microkit SDK for $(dpkg --print-architecture); pass MICROKIT_SDK_URL" ;;
        esac
        url=https://github.com/seL4/microkit/releases/download/2.0.1/microkit-sdk-2.0.1-$host.tar.gz
    fi
    echo "sel4ft: no SDK in the build context; downloading $url"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q > /dev/null
    apt-get install -y -q --no-install-recommends ca-certificates curl > /dev/null
    mkdir -p /tmp/download
    if ! curl -fsSL --connect-timeout 20 --retry 2 "$url" -o /tmp/download/sdk.tar.gz ||
        ! tar -xzf /tmp/download/sdk.tar.gz -C /tmp/download; then
        die "could not download the Microkit SDK from $url.
       Without internet access, copy in a local SDK instead: make docker MICROKIT_SDK=/path/to/microkit-sdk-2.0.1"
    fi
    [ -d /tmp/download/microkit-sdk-2.0.1 ] || die "$url holds no microkit-sdk-2.0.1 folder"
    mv /tmp/download/microkit-sdk-2.0.1 "$dest"
fi

chmod -R a+rX "$dest"
"$dest/bin/microkit" --help > /dev/null || die "$dest/bin/microkit does not run on this base image"
for config in debug release; do
    [ -d "$dest/board/qemu_virt_aarch64/$config/include" ] ||
        die "the SDK has no board qemu_virt_aarch64 in config $config"
done
echo "sel4ft: SDK ready in $dest"
