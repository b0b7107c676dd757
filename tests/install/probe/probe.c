/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* A PD built outside the repository against the installed library, found through pkg-config. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

uintptr_t uart_base;

static _Alignas(64) uint8_t ring[2048];

void init(void)
{
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;

    sel4ft_os_console_use_uart(uart_base);
    /* Exercise a module end to end inside one PD: write a record, read it back. */
    int err = sel4ft_logring_consumer_init(&consumer, ring, sizeof(ring), "probe");
    if (err == 0) {
        err = sel4ft_logring_producer_init(&producer, ring, sizeof(ring), 0);
    }
    if (err == 0) {
        err = sel4ft_logring_printf(&producer, SEL4FT_LOG_INFO, "ring %u slots", sel4ft_logring_capacity(sizeof(ring)));
    }
    if (err == 0) {
        err = sel4ft_logring_read(&consumer, &record);
    }
    if (err != 0) {
        sel4ft_printf("probe|ERROR: %s\n", sel4ft_strerror(err));
        return;
    }
    sel4ft_printf("probe|INFO: installed libsel4ft works: %s\n", record.text);
    sel4ft_printf("probe|INFO: done\n");
}

void notified(microkit_channel ch)
{
    sel4ft_printf("probe|WARN: notification on channel %u\n", ch);
}
