/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The logger: drains one sel4ft log ring per producer and owns the board's UART,
 * so logs appear in every kernel configuration. The example's logger_config.h
 * names the rings and their channels:
 *   #define LOGGER_RINGS(X) X(client, 0) X(server, 1)
 *   #define LOGGER_FINISH_CHANNEL 9     (a notification that means "print the summary")
 * Each ring `name` comes with setvar symbols name_log and name_log_size.
 * Optionally, for a logger that a fault monitor supervises and restarts:
 *   #define LOGGER_SUPERVISOR_CHANNEL 8 (heartbeat requests in; "serving" out after every start)
 * with setvar symbols snapshot_region, snapshot_region_size (sel4ft_restart_begin) and heartbeat_region;
 * and for an example whose logger answers channels of the example's own as well (a fault-injection target):
 *   #define LOGGER_NOTIFIED_HOOK name   (bool name(sel4ft_channel_t channel), defined in a source the example
 *                                        links into its logger; true when it took the notification)
 * The logger itself knows nothing of any one example. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "logger_config.h"

uintptr_t uart_base;
#ifdef LOGGER_SUPERVISOR_CHANNEL
uintptr_t snapshot_region, snapshot_region_size;
uintptr_t heartbeat_region;
#endif
#ifdef LOGGER_NOTIFIED_HOOK
bool LOGGER_NOTIFIED_HOOK(sel4ft_channel_t channel);
#endif

#define DECLARE_RING(name, channel) uintptr_t name##_log, name##_log_size;
LOGGER_RINGS(DECLARE_RING)

typedef struct {
    const char *name;
    sel4ft_channel_t channel;
    const uintptr_t *region;
    const uintptr_t *size;
} ring_config_t;

#define RING_ENTRY(name, channel) { #name, channel, &name##_log, &name##_log_size },
static const ring_config_t ring_configs[] = { LOGGER_RINGS(RING_ENTRY) };
#define RING_COUNT (sizeof(ring_configs) / sizeof(ring_configs[0]))

/* The rings, drained fairly by the library's logger (sel4ft/logger.h). */
static sel4ft_logger_ring_t rings[RING_COUNT];
static sel4ft_logger_t logger;

static void print_record(void *context, const sel4ft_log_record_t *record)
{
    (void)context;
    /* The text apart from the prefix: a full record (an event line cut to its size) and the prefix together are
     * longer than one sel4ft_printf() line, which would lose the newline. */
    sel4ft_printf("%s|%s: ", record->source, sel4ft_log_level_str(record->level));
    sel4ft_os_console_write(record->text, record->length);
    sel4ft_os_console_write("\n", 1);
}

void init(void)
{
    uint64_t incarnation = 1;
#ifdef LOGGER_SUPERVISOR_CHANNEL
    /* Restarted by its monitor: .data and .bss as at first start; each ring resumes from the tail it left. */
    int restart_err = sel4ft_restart_begin((void *)snapshot_region, snapshot_region_size, &incarnation);
#endif
    sel4ft_os_console_use_uart(uart_base);
#ifdef LOGGER_SUPERVISOR_CHANNEL
    if (restart_err != 0) {
        sel4ft_printf("logger|ERROR: cannot restore a clean image: %s; stopping\n", sel4ft_strerror(restart_err));
        __builtin_trap();
    }
#endif
    sel4ft_logger_init(&logger, rings, RING_COUNT, print_record, NULL);
    for (uint32_t i = 0; i < RING_COUNT; i++) {
        const ring_config_t *ring = &ring_configs[i];
        int err = sel4ft_logger_attach(&logger, i, (void *)*ring->region, *ring->size, ring->name);
        if (err != 0) {
            sel4ft_printf("logger|ERROR: ring '%s': %s\n", ring->name, sel4ft_strerror(err));
            continue;
        }
        /* Monitors write their events as binary records, formatted here (sel4ft_faultmon_record_format()). */
        sel4ft_logring_consumer_set_decoder(&rings[i].consumer, sel4ft_faultmon_record_format);
    }
    if (incarnation == 1) {
        sel4ft_printf("logger|INFO: ready: %u log rings, console on the UART\n", (unsigned)RING_COUNT);
    } else {
        sel4ft_printf("logger|INFO: restarted as incarnation %lu: draining %u log rings from where they were\n",
                      (unsigned long)incarnation, (unsigned)RING_COUNT);
    }
    /* A restarted logger finds records waiting: every ring attached counts as having a backlog. */
    sel4ft_logger_serve(&logger, NULL);
#ifdef LOGGER_SUPERVISOR_CHANNEL
    microkit_notify(LOGGER_SUPERVISOR_CHANNEL);
#endif
}

void notified(microkit_channel ch)
{
#ifdef LOGGER_SUPERVISOR_CHANNEL
    if (ch == LOGGER_SUPERVISOR_CHANNEL) {
        sel4ft_heartbeat_beat((sel4ft_heartbeat_t *)heartbeat_region);
        sel4ft_logger_serve(&logger, NULL);
        return;
    }
#endif
#ifdef LOGGER_NOTIFIED_HOOK
    if (LOGGER_NOTIFIED_HOOK(ch)) {
        return;
    }
#endif
    if (ch == LOGGER_FINISH_CHANNEL) {
        sel4ft_logger_finish(&logger); /* everything the rings hold, the summary, "done" */
        return;
    }
    for (uint32_t i = 0; i < RING_COUNT; i++) {
        if (ring_configs[i].channel == ch) {
            sel4ft_logger_serve(&logger, &rings[i]);
            return;
        }
    }
    sel4ft_printf("logger|WARN: notification on channel %u, which no ring uses\n", ch);
    sel4ft_logger_serve(&logger, NULL);
}
