/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The raw Microkit baseline: an echo server with no library on the request path.
 * MR0 carries the payload length; the payload is copied out of the shared region
 * and back, as the typed protocol's server does. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "bench.h"

uintptr_t region, region_size;

static _Alignas(16) uint8_t buffer[BENCH_PAYLOAD_MAX];

void init(void)
{
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    (void)ch;
    if (microkit_msginfo_get_count(msginfo) == 0) {
        return microkit_msginfo_new(0, 0);
    }
    uint64_t length = microkit_mr_get(0);
    if (length > BENCH_PAYLOAD_MAX || length > region_size) {
        microkit_mr_set(0, 0);
        return microkit_msginfo_new(1, 1);
    }
    sel4ft_os_copy(buffer, (const void *)region, length);
    sel4ft_os_copy((void *)region, buffer, length);
    microkit_mr_set(0, length);
    return microkit_msginfo_new(0, 1);
}

void notified(microkit_channel ch)
{
    (void)ch;
}
