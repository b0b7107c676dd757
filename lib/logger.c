/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/error.h>
#include <sel4ft/fmt.h>
#include <sel4ft/logger.h>

#include "internal.h"

/* A line of the logger's own, through the same callback as the records. */
__attribute__((format(printf, 3, 4))) static void say(const sel4ft_logger_t *logger, uint32_t level,
                                                      const char *format, ...)
{
    sel4ft_log_record_t record;
    va_list args;
    va_start(args, format);
    int n = sel4ft_vfmt(record.text, sizeof(record.text), format, args);
    va_end(args);
    record.length = n <= 0 ? 0 : (size_t)n < sizeof(record.text) ? (uint32_t)n : sizeof(record.text) - 1;
    record.level = level;
    record.source = "logger";
    record.time = 0;
    record.sequence = 0;
    logger->print(logger->context, &record);
}

void sel4ft_logger_init(sel4ft_logger_t *logger, sel4ft_logger_ring_t *rings, uint32_t count,
                        sel4ft_log_record_fn_t print, void *context)
{
    sel4ft_zero_(rings, count * sizeof(*rings));
    *logger = (sel4ft_logger_t){ .rings = rings, .count = count, .first = 0, .print = print, .context = context };
}

int sel4ft_logger_attach(sel4ft_logger_t *logger, uint32_t index, void *region, size_t size, const char *name)
{
    if (index >= logger->count) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_logger_ring_t *ring = &logger->rings[index];
    int err = sel4ft_logring_consumer_init(&ring->consumer, region, size, name);
    ring->attached = err == 0;
    if (!ring->attached) {
        ring->consumer.source = name; /* named in the summary all the same */
    }
    ring->backlog = ring->attached;
    return err;
}

/* Say once per incident that a producer wrote something impossible and what the consumer did about it. */
static void report_problems(const sel4ft_logger_t *logger, sel4ft_logger_ring_t *ring)
{
    const sel4ft_logring_consumer_t *c = &ring->consumer;
    uint64_t problems = (uint64_t)c->malformed + c->protocol_errors;
    if (problems != ring->reported_problems) {
        ring->reported_problems = problems;
        say(logger, SEL4FT_LOG_WARN, "ring '%s': %lu malformed records and %lu impossible indices so far; skipped "
            "them and carried on", c->source, (unsigned long)c->malformed, (unsigned long)c->protocol_errors);
    }
}

/* Take at most @p budget slots from a ring: one sel4ft_logring_read() each, whatever it finds. The ring ends armed
 * either way (its producer's next record notifies). If the budget runs out first, the ring keeps a backlog. */
static void drain(const sel4ft_logger_t *logger, sel4ft_logger_ring_t *ring, uint32_t budget)
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
            logger->print(logger->context, &record);
        } else if (err == -SEL4FT_EAGAIN) {
            /* Ask for a notification, then make sure nothing slipped in meanwhile (if it did, read on). */
            empty = sel4ft_logring_consumer_arm(&ring->consumer);
        }
        /* Malformed records and resynchronisations were counted (reported below); carry on. */
    }
    report_problems(logger, ring);
    if (!empty) {
        empty = sel4ft_logring_consumer_arm(&ring->consumer);
    }
    ring->backlog = !empty;
}

bool sel4ft_logger_serve(sel4ft_logger_t *logger, sel4ft_logger_ring_t *notifying)
{
    if (notifying != NULL) {
        notifying->backlog = true;
    }
    bool backlog = true;
    for (uint32_t round = 0; round < SEL4FT_LOGGER_ROUNDS_MAX && backlog; round++) {
        uint32_t first = logger->first;
        logger->first = (logger->first + 1) % logger->count;
        backlog = false;
        for (uint32_t k = 0; k < logger->count; k++) {
            sel4ft_logger_ring_t *ring = &logger->rings[(first + k) % logger->count];
            if (ring->backlog) {
                drain(logger, ring, SEL4FT_LOGGER_BUDGET);
                backlog |= ring->backlog;
            }
        }
    }
    return backlog;
}

void sel4ft_logger_finish(sel4ft_logger_t *logger)
{
    char line[200];
    int used = sel4ft_fmt(line, sizeof(line), "summary: records");
    uint64_t dropped = 0, malformed = 0, protocol_errors = 0;

    for (uint32_t i = 0; i < logger->count; i++) {
        /* The summary counts what was logged: take everything the ring holds (a ring's worth). */
        sel4ft_logger_ring_t *ring = &logger->rings[i];
        uint32_t slots = ring->attached ? ring->consumer.mask + 1 : 0;
        drain(logger, ring, slots > SEL4FT_LOGGER_BUDGET ? slots : SEL4FT_LOGGER_BUDGET);
        sel4ft_logring_consumer_t *c = &ring->consumer;
        if (used >= 0 && (size_t)used < sizeof(line)) {
            used += sel4ft_fmt(line + used, sizeof(line) - (size_t)used, " %s %lu", c->source,
                               (unsigned long)c->received);
        }
        dropped += sel4ft_logring_consumer_dropped(c);
        malformed += c->malformed;
        protocol_errors += c->protocol_errors;
    }
    say(logger, SEL4FT_LOG_INFO, "%s; dropped %lu, malformed %lu, protocol errors %lu", line, (unsigned long)dropped,
        (unsigned long)malformed, (unsigned long)protocol_errors);
    say(logger, SEL4FT_LOG_INFO, "done");
}
