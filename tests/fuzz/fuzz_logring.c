/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* libFuzzer: a log ring whose producer wrote anything (control block, indices, records). The consumer
 * must stay in bounds, deliver only validated records, and finish every call. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sel4ft/error.h>
#include <sel4ft/logring.h>

#define REGION_SIZE (sizeof(sel4ft_logring_control_t) + 8 * sizeof(sel4ft_logring_slot_t))

static _Alignas(64) uint8_t region[REGION_SIZE];

static void check(void *context, const sel4ft_log_record_t *record)
{
    (void)context;
    if (record->length > SEL4FT_LOGRING_TEXT_MAX || record->level >= SEL4FT_LOG_LEVEL_NUM ||
        record->text[record->length] != '\0') {
        __builtin_trap();
    }
    for (uint32_t i = 0; i < record->length; i++) {
        if (record->text[i] < 0x20 || record->text[i] > 0x7e) {
            __builtin_trap();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;

    memset(region, 0, sizeof(region));
    memcpy(region, data, size < sizeof(region) ? size : sizeof(region));
    if (sel4ft_logring_consumer_init(&consumer, region, sizeof(region), "fuzz") != 0) {
        __builtin_trap();
    }
    /* Every read consumes a slot or reports; a ring of 8 can never yield more than 8 + 1 results before
     * it is empty, unless the producer changes it meanwhile (it cannot here). */
    int reads = 0;
    int err;
    while ((err = sel4ft_logring_read(&consumer, &record)) != -SEL4FT_EAGAIN) {
        if (++reads > 9 || (err != 0 && err != -SEL4FT_EBADMSG && err != -SEL4FT_EPROTO)) {
            __builtin_trap();
        }
        if (err == 0) {
            check(NULL, &record);
        }
    }
    sel4ft_logring_consumer_arm(&consumer);
    memcpy(region, data, size < sizeof(region) ? size : sizeof(region));
    if (sel4ft_logring_drain(&consumer, check, NULL, 100) > 100) {
        __builtin_trap();
    }
    (void)sel4ft_logring_consumer_dropped(&consumer);
    return 0;
}
