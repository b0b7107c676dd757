/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* EVA driver: the log ring's consumer (init, read, drain, arm, dropped, with a decoder of binary records or
 * without) on a ring whose producer writes anything at any moment. The region is the shared window
 * (verify/framac/shared.c): the consumer can reach it only through the fence primitives and the copy out of
 * shared memory, each of which returns arbitrary values on every call. Ring sizes: 2, 4 and 8 slots exactly, and
 * a region with room to spare. */

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

/* A decoder of binary records as a consumer may be given: it writes any bytes into the text it was given, at most
 * its size, and returns any length or an error (a full length past the size, as sel4ft_fmt() does when it cuts). */
static int any_decoder(const void *data, size_t length, char *text, size_t size)
{
    (void)data;
    (void)length;
    size_t written = Frama_C_size_t_interval(0, size);
    for (size_t i = 0; i < written; i++) {
        text[i] = (char)Frama_C_interval(-128, 127);
    }
    return Frama_C_interval(-1, 2147483647);
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
        switch (Frama_C_interval(0, 4)) {
        case 0:
            sel4ft_logring_read(&consumer, &record);
            break;
        case 1:
            sel4ft_logring_drain(&consumer, handler, NULL, Frama_C_unsigned_int_interval(0, UINT32_MAX));
            break;
        case 2:
            sel4ft_logring_consumer_arm(&consumer);
            break;
        case 3:
            sel4ft_logring_consumer_dropped(&consumer);
            break;
        default:
            /* Binary records taken (decoded) or not (malformed) from here on. */
            sel4ft_logring_consumer_set_decoder(&consumer, Frama_C_nondet(0, 1) ? any_decoder : NULL);
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
