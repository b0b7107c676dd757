/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The log-ring consumer for the end-to-end log benchmark: drains and counts records
 * (a logger without the UART, so the figure is the ring's, not the console's). Each
 * time it has emptied the ring it records the time and notifies the client. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "bench.h"
#include "bench_config.h"

uintptr_t log_ring, log_ring_size;
uintptr_t received_region; /* a log_progress_t the client reads */

static sel4ft_logring_consumer_t consumer;

static void count(void *context, const sel4ft_log_record_t *record)
{
    (void)context;
    (void)record;
    volatile log_progress_t *progress = (volatile log_progress_t *)received_region;
    progress->received = progress->received + 1;
}

static void drain(void)
{
    do {
        sel4ft_logring_drain(&consumer, count, NULL, 1024);
    } while (!sel4ft_logring_consumer_arm(&consumer));
    volatile log_progress_t *progress = (volatile log_progress_t *)received_region;
    progress->idle_at = sel4ft_os_ticks();
    microkit_notify(CONSUMER_CH_CLIENT);
}

void init(void)
{
    sel4ft_logring_consumer_init(&consumer, (void *)log_ring, log_ring_size, "client");
    drain();
}

void notified(microkit_channel ch)
{
    switch (ch) {
    case CONSUMER_CH_CLIENT:
        drain();
        break;
    default:
        microkit_dbg_puts("consumer|ERROR: unexpected notification\n");
        break;
    }
}
