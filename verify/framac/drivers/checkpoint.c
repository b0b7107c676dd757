/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* EVA driver: sel4ft_checkpoint_load() on a region whose every byte is arbitrary (whatever a crash, a torn
 * commit or a stray write left), for each region size below, any data capacity, with and without a report.
 * The checkpoint region is private to its server (no peer writes it while it loads), so it is ordinary
 * memory here, not the shared window. */

#include <stddef.h>
#include <stdint.h>

#include "__fc_builtin.h"
#include <sel4ft/checkpoint.h>

#define REGION_MAX 65536u

static uint8_t region[REGION_MAX] __attribute__((aligned(8)));
static uint8_t data[REGION_MAX];

static void load_any(size_t region_size)
{
    sel4ft_checkpoint_t checkpoint;
    sel4ft_checkpoint_report_t report;

    Frama_C_make_unknown((char *)region, REGION_MAX);
    /* (The analysis does not know the array's address modulo 8, so it also follows init's refusal.) */
    if (sel4ft_checkpoint_init(&checkpoint, region, region_size) != 0) {
        return;
    }
    size_t capacity = Frama_C_size_t_interval(0, REGION_MAX);
    sel4ft_checkpoint_load(&checkpoint, data, capacity, &report);
    /* A second load starts from what the first left in the handle; this one without a report. */
    sel4ft_checkpoint_load(&checkpoint, data, capacity, NULL);
}

/* Region sizes: the smallest accepted (two 40-byte slots), odd and unaligned halves, a page, 64 KiB. */
void verify_checkpoint_load(void)
{
    load_any(80);
    load_any(95);
    load_any(200);
    load_any(1000);
    load_any(4096);
    load_any(REGION_MAX);
}
