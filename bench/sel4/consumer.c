/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The log-ring consumer for the end-to-end log benchmark: drains and counts records
 * (a logger without the UART, so the figure is the ring's, not the console's). */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "bench_config.h"

uintptr_t log_ring, log_ring_size;
uintptr_t received_region; /* a counter the client reads */

static sel4ft_logring_consumer_t consumer;

static void count(void *context, const sel4ft_log_record_t *record)
{
    (void)context;
    (void)record;
    volatile uint64_t *received = (volatile uint64_t *)received_region;
    *received = *received + 1;
}

static void drain(void)
{
    do {
        sel4ft_logring_drain(&consumer, count, NULL, 1024);
    } while (!sel4ft_logring_consumer_arm(&consumer));
}

void init(void)
{
    sel4ft_logring_consumer_init(&consumer, (void *)log_ring, log_ring_size, "client");
    drain();
}

void notified(microkit_channel ch)
{
    if (ch == CONSUMER_CH_CLIENT) {
        drain();
    }
}
