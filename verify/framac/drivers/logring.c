/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* EVA driver: the log ring's consumer (init, read, drain, arm, dropped) on a ring whose producer writes
 * anything at any moment. The region is the shared window (verify/framac/shared.c): the consumer can reach
 * it only through the fence primitives and the copy out of shared memory, each of which returns arbitrary
 * values on every call. Ring sizes: 2, 4 and 8 slots exactly, and a region with room to spare. */

#include <stddef.h>
#include <stdint.h>

#include "__fc_builtin.h"
#include <sel4ft/logring.h>

#include "window.h"

static void handler(void *context, const sel4ft_log_record_t *record)
{
    (void)context;
    (void)record;
}

static void consume_any(size_t region_size, const char *source)
{
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;

    sel4ft_verify_window_size = region_size;
    if (sel4ft_logring_consumer_init(&consumer, SEL4FT_VERIFY_REGION, region_size, source) != 0) {
        //@ assert driver_setup: \false;
        return;
    }
    /* Any number of reads in any order with the other calls: each starts from the state the last left. */
    while (Frama_C_nondet(0, 1)) {
        switch (Frama_C_interval(0, 3)) {
        case 0:
            sel4ft_logring_read(&consumer, &record);
            break;
        case 1:
            sel4ft_logring_drain(&consumer, handler, NULL, Frama_C_unsigned_int_interval(0, UINT32_MAX));
            break;
        case 2:
            sel4ft_logring_consumer_arm(&consumer);
            break;
        default:
            sel4ft_logring_consumer_dropped(&consumer);
            break;
        }
    }
}

void verify_logring_consumer(void)
{
    consume_any(SEL4FT_LOGRING_REGION_MIN, "verify");
    consume_any(sizeof(sel4ft_logring_control_t) + 4 * sizeof(sel4ft_logring_slot_t), NULL);
    consume_any(sizeof(sel4ft_logring_control_t) + 8 * sizeof(sel4ft_logring_slot_t), "verify");
    consume_any(4096, "verify");
}
