/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4ft/logring.h>

/**
 * @defgroup logger Logger
 * @brief The consumer side of several log rings: drained fairly, printed through one callback, with a summary.
 *
 * What a logger (the seL4 examples' logger PD, the Linux baseline's logger
 * process) does with its rings, without knowing how it is woken or where it
 * prints. One notification (or wake-up) serves the rings in rounds, each ring at
 * most SEL4FT_LOGGER_BUDGET slots a round, in an order that starts one ring
 * later each time, so a flooding producer cannot keep the others waiting.
 * Rounds go on until every ring is empty and armed, so no record is left unread
 * while the logger sleeps. A producer that publishes faster than the logger
 * prints would keep it in that loop for ever: after SEL4FT_LOGGER_ROUNDS_MAX
 * rounds the logger returns with the backlog armed, and that producer's next
 * record notifies it again.
 *
 * Records and the logger's own lines (source "logger": problems a producer
 * caused, the summary, "done") all go to the print callback.
 * @{
 */

/** The most slots taken from one ring in one round. */
#define SEL4FT_LOGGER_BUDGET 256u
/** The most rounds one sel4ft_logger_serve() runs. */
#define SEL4FT_LOGGER_ROUNDS_MAX 256u

/** One producer's ring, as the logger drains it. */
typedef struct sel4ft_logger_ring {
    sel4ft_logring_consumer_t consumer; /**< Its consumer (sel4ft_logger_attach()). */
    bool attached;                      /**< The consumer is set up. */
    bool backlog;                       /**< Records may be left: served in the next round. */
    uint64_t reported_problems;         /**< Malformed records and resynchronisations already reported. */
} sel4ft_logger_ring_t;

/** A logger: its rings and where it prints. */
typedef struct sel4ft_logger {
    sel4ft_logger_ring_t *rings;  /**< The rings (the caller's array). */
    uint32_t count;               /**< How many. */
    uint32_t first;               /**< The ring served first in the next round (the order rotates). */
    sel4ft_log_record_fn_t print; /**< Prints a record, `source|LEVEL: text`. */
    void *context;                /**< Passed to @c print. */
} sel4ft_logger_t;

/**
 * @brief Set up a logger over @p count rings, none attached yet.
 * @param logger The logger.
 * @param rings The rings (zeroed here).
 * @param count How many.
 * @param print Where records and the logger's own lines go.
 * @param context Passed to @p print.
 */
void sel4ft_logger_init(sel4ft_logger_t *logger, sel4ft_logger_ring_t *rings, uint32_t count,
                        sel4ft_log_record_fn_t print, void *context);

/**
 * @brief Attach ring @p index to its region (sel4ft_logring_consumer_init()); it counts as having a backlog, so a
 *        restarted logger drains what waits there.
 * @param logger The logger.
 * @param index The ring.
 * @param region The ring's region.
 * @param size Its size.
 * @param name The producer's name, printed before its records (kept by pointer).
 * @return 0, or sel4ft_logring_consumer_init()'s error (the ring stays detached), -SEL4FT_EINVAL for a bad index.
 */
int sel4ft_logger_attach(sel4ft_logger_t *logger, uint32_t index, void *region, size_t size, const char *name);

/**
 * @brief Serve the rings: @p notifying (if any) and every ring with a backlog, in rounds (see @ref logger).
 * @param logger The logger.
 * @param notifying The ring whose notification came, or NULL.
 * @return true if a backlog is left (SEL4FT_LOGGER_ROUNDS_MAX rounds were not enough; its rings are armed).
 */
bool sel4ft_logger_serve(sel4ft_logger_t *logger, sel4ft_logger_ring_t *notifying);

/**
 * @brief The end of the logger's work: take everything the rings hold (a ring's worth each), then print the summary,
 *        `summary: records <name> <count> ...; dropped D, malformed M, protocol errors P`, and `done`.
 * @param logger The logger.
 */
void sel4ft_logger_finish(sel4ft_logger_t *logger);

/** @} */
