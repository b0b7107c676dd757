/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* libFuzzer: a checkpoint region with any contents (torn writes, garbage, stray headers). Loading
 * never reads out of bounds, and after any load a commit followed by a load returns the new data, unless
 * the commit refused because the loaded slot carries the largest sequence (then it wrote nothing). */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sel4ft/checkpoint.h>
#include <sel4ft/error.h>

static _Alignas(8) uint8_t region[256];
static uint8_t out[256];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sel4ft_checkpoint_t checkpoint;
    sel4ft_checkpoint_report_t report;
    static const uint8_t fresh[40] = "committed after whatever was there";

    memset(region, 0, sizeof(region));
    memcpy(region, data, size < sizeof(region) ? size : sizeof(region));
    if (sel4ft_checkpoint_init(&checkpoint, region, sizeof(region)) != 0) {
        __builtin_trap();
    }
    int err = sel4ft_checkpoint_load(&checkpoint, out, sizeof(out), &report);
    if (err == 0 && report.length > sel4ft_checkpoint_capacity(&checkpoint)) {
        __builtin_trap();
    }
    static uint8_t before[sizeof(region)];
    memcpy(before, region, sizeof(region));
    err = sel4ft_checkpoint_commit(&checkpoint, fresh, sizeof(fresh));
    if (err == -SEL4FT_ENOSPC && checkpoint.sequence == SEL4FT_CHECKPOINT_SEQUENCE_MAX) {
        if (memcmp(region, before, sizeof(region)) != 0) {
            __builtin_trap();
        }
        return 0;
    }
    if (err != 0) {
        __builtin_trap();
    }
    sel4ft_checkpoint_t again;
    sel4ft_checkpoint_init(&again, region, sizeof(region));
    memset(out, 0, sizeof(out));
    if (sel4ft_checkpoint_load(&again, out, sizeof(out), &report) != 0 || report.length != sizeof(fresh) ||
        memcmp(out, fresh, sizeof(fresh)) != 0) {
        __builtin_trap();
    }
    return 0;
}
