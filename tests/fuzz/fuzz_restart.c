/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* libFuzzer: a restart snapshot region with any contents. Either the image is restored from a snapshot
 * whose checksum matches, or it is left untouched and an error returned. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sel4ft/error.h>
#include <sel4ft/restart.h>

static _Alignas(8) uint8_t region[sizeof(sel4ft_restart_header_t) + 64];
static uint8_t image[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t before[sizeof(image)];
    uint64_t incarnation = 0;

    memset(region, 0, sizeof(region));
    memcpy(region, data, size < sizeof(region) ? size : sizeof(region));
    /* Point the snapshot at this image, so the fuzzer reaches the restore path. */
    if (size > 0 && (data[0] & 1)) {
        sel4ft_restart_header_t *header = (sel4ft_restart_header_t *)region;
        header->image_start = (uintptr_t)image;
        header->image_size = sizeof(image);
    }
    memset(image, 0x5a, sizeof(image));
    memcpy(before, image, sizeof(image));
    int err = sel4ft_restart_begin_image(region, sizeof(region), image, sizeof(image), &incarnation);
    if (err != 0 && memcmp(before, image, sizeof(image)) != 0) {
        __builtin_trap();
    }
    if (err == 0 && incarnation == 0) {
        __builtin_trap();
    }
    return 0;
}
