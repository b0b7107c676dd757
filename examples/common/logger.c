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
    sel4ft_logring_consumer_t consumer;
    bool attached;
    bool backlog;               /* its budget ran out with records left: served again in the next round */
    uint64_t reported_problems; /* malformed records and resynchronisations already reported */
} ring_t;

#define RING_ENTRY(name, channel) { #name, channel, &name##_log, &name##_log_size, { 0 }, false, false, 0 },
static ring_t rings[] = { LOGGER_RINGS(RING_ENTRY) };
#define RING_COUNT (sizeof(rings) / sizeof(rings[0]))

/* Fairness and liveness: one notification serves the rings in rounds, each ring at most DRAIN_BUDGET slots a
 * round in an order that starts one ring later each time, so a flooding producer cannot keep the others waiting.
 * Rounds go on until every ring is empty and armed, so no record is left unread while the logger sleeps (it
 * cannot notify itself to come back for a backlog). A producer that publishes faster than the logger prints
 * would keep it in that loop for ever: after SERVE_ROUNDS_MAX rounds the logger returns with the backlog
 * armed, and that producer's next record, which cannot be long in coming, notifies it again. */
#define DRAIN_BUDGET 256u
#define SERVE_ROUNDS_MAX 256u

/* The ring served first at the next notification: the order rotates, so no ring is always first. */
static uint32_t first_ring;

static void print_record(void *context, const sel4ft_log_record_t *record)
{
    (void)context;
    /* The text apart from the prefix: a full record (an event line cut to its size) and the prefix together are
     * longer than one sel4ft_printf() line, which would lose the newline. */
    sel4ft_printf("%s|%s: ", record->source, sel4ft_log_level_str(record->level));
    sel4ft_os_console_write(record->text, record->length);
    sel4ft_os_console_write("\n", 1);
}

/* Say once per incident that a producer wrote something impossible and what the consumer did about it. */
static void report_problems(ring_t *ring)
{
    const sel4ft_logring_consumer_t *c = &ring->consumer;
    uint64_t problems = (uint64_t)c->malformed + c->protocol_errors;
    if (problems != ring->reported_problems) {
        ring->reported_problems = problems;
        sel4ft_printf("logger|WARN: ring '%s': %lu malformed records and %lu impossible indices so far; skipped "
                      "them and carried on\n", ring->name, (unsigned long)c->malformed,
                      (unsigned long)c->protocol_errors);
    }
}

/* Take at most @p budget slots from a ring: one sel4ft_logring_read() each, whatever it finds. The ring ends
 * armed either way (its producer's next record notifies). If the budget runs out first, the ring keeps a
 * backlog, which the next round serves. */
static void drain(ring_t *ring, uint32_t budget)
{
    if (!ring->attached) {
        ring->backlog = false;
        return;
    }
    bool empty = false;
    for (uint32_t taken = 0; taken < budget && !empty; taken++) {
        sel4ft_log_record_t record;
        int err = sel4ft_logring_read(&ring->consumer, &record);
        if (err == 0) {
            print_record(NULL, &record);
        } else if (err == -SEL4FT_EAGAIN) {
            /* Ask for a notification, then make sure nothing slipped in meanwhile (if it did, read on). */
            empty = sel4ft_logring_consumer_arm(&ring->consumer);
        }
        /* Malformed records and resynchronisations were counted (reported below); carry on. */
    }
    report_problems(ring);
    if (!empty) {
        empty = sel4ft_logring_consumer_arm(&ring->consumer);
    }
    ring->backlog = !empty;
}

/* One notification's work: the ring that notified (if any) and every ring with a backlog, in rounds (see
 * DRAIN_BUDGET) until none has a backlog or SERVE_ROUNDS_MAX rounds are done. */
static void serve(ring_t *notifying)
{
    if (notifying != NULL) {
        notifying->backlog = true;
    }
    bool backlog = true;
    for (uint32_t round = 0; round < SERVE_ROUNDS_MAX && backlog; round++) {
        uint32_t first = first_ring;
        first_ring = (first_ring + 1) % RING_COUNT;
        backlog = false;
        for (uint32_t k = 0; k < RING_COUNT; k++) {
            ring_t *ring = &rings[(first + k) % RING_COUNT];
            if (ring->backlog) {
                drain(ring, DRAIN_BUDGET);
                backlog |= ring->backlog;
            }
        }
    }
}

static void summary(void)
{
    char line[200];
    int used = sel4ft_fmt(line, sizeof(line), "summary: records");
    uint64_t dropped = 0, malformed = 0, protocol_errors = 0;

    for (uint32_t i = 0; i < RING_COUNT; i++) {
        sel4ft_logring_consumer_t *c = &rings[i].consumer;
        if (used >= 0 && (size_t)used < sizeof(line)) {
            used += sel4ft_fmt(line + used, sizeof(line) - (size_t)used, " %s %lu", rings[i].name,
                               (unsigned long)c->received);
        }
        dropped += sel4ft_logring_consumer_dropped(c);
        malformed += c->malformed;
        protocol_errors += c->protocol_errors;
    }
    sel4ft_printf("logger|INFO: %s; dropped %lu, malformed %lu, protocol errors %lu\n", line,
                  (unsigned long)dropped, (unsigned long)malformed, (unsigned long)protocol_errors);
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
    for (uint32_t i = 0; i < RING_COUNT; i++) {
        int err = sel4ft_logring_consumer_init(&rings[i].consumer, (void *)*rings[i].region, *rings[i].size,
                                               rings[i].name);
        if (err != 0) {
            sel4ft_printf("logger|ERROR: ring '%s': %s\n", rings[i].name, sel4ft_strerror(err));
            continue;
        }
        rings[i].attached = true;
    }
    if (incarnation == 1) {
        sel4ft_printf("logger|INFO: ready: %u log rings, console on the UART\n", (unsigned)RING_COUNT);
    } else {
        sel4ft_printf("logger|INFO: restarted as incarnation %lu: draining %u log rings from where they were\n",
                      (unsigned long)incarnation, (unsigned)RING_COUNT);
    }
    /* A restarted logger finds records waiting: every ring counts as having a backlog. */
    for (uint32_t i = 0; i < RING_COUNT; i++) {
        rings[i].backlog = rings[i].attached;
    }
    serve(NULL);
#ifdef LOGGER_SUPERVISOR_CHANNEL
    microkit_notify(LOGGER_SUPERVISOR_CHANNEL);
#endif
}

void notified(microkit_channel ch)
{
#ifdef LOGGER_SUPERVISOR_CHANNEL
    if (ch == LOGGER_SUPERVISOR_CHANNEL) {
        sel4ft_heartbeat_beat((sel4ft_heartbeat_t *)heartbeat_region);
        serve(NULL);
        return;
    }
#endif
#ifdef LOGGER_NOTIFIED_HOOK
    if (LOGGER_NOTIFIED_HOOK(ch)) {
        return;
    }
#endif
    if (ch == LOGGER_FINISH_CHANNEL) {
        /* The summary counts what was logged: take everything the rings hold (one ring's worth each). */
        for (uint32_t i = 0; i < RING_COUNT; i++) {
            uint32_t slots = rings[i].consumer.mask + 1;
            drain(&rings[i], slots > DRAIN_BUDGET ? slots : DRAIN_BUDGET);
        }
        summary();
        sel4ft_printf("logger|INFO: done\n");
        return;
    }
    for (uint32_t i = 0; i < RING_COUNT; i++) {
        if (rings[i].channel == ch) {
            serve(&rings[i]);
            return;
        }
    }
    sel4ft_printf("logger|WARN: notification on channel %u, which no ring uses\n", ch);
    serve(NULL);
}
