/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4ft/logfmt.h>
#include <sel4ft/logring.h>
#include <sel4ft/os.h>

/**
 * @defgroup log Logging
 * @brief A PD's log: one log ring to the logger PD, written with LOG_INFO(), LOG_WARN() and LOG_ERROR().
 *
 * Each PD has one log. sel4ft_log_init() attaches it to the PD's log ring
 * (the region the system description maps with `setvar_vaddr="log_ring"`
 * and `setvar_size="log_ring_size"`, and the channel to the logger); from
 * then on every line goes into the ring, and the logger PD (installed with
 * the library: share/sel4ft/logger) prints it as `PD|LEVEL: text` on the
 * UART, in every kernel configuration. Before a ring is attached, or in a PD
 * that has none, lines go to the console with the same prefix (visible in
 * the debug configuration only, unless the PD drives the UART).
 *
 * The library's own layers (@ref service, @ref call, @ref monitor) log
 * through this log, so a PD that uses them needs no logging code of its own.
 * Define SEL4FT_LOG_NO_SHORT_NAMES before including this header to keep the
 * short macro names out of your namespace.
 * @{
 */

/**
 * @brief Attach this PD's log to its log ring.
 *
 * A ring that a previous incarnation of the PD filled keeps its unread records (sel4ft_logring_producer_init()).
 * @param region The ring's region (setvar_vaddr), 8-byte aligned; NULL with @p size 0: detach the log from its
 *        ring, back to the console (before the ring is unmapped, say).
 * @param size Its size (setvar_size).
 * @param channel The channel on which the logger is notified.
 * @return 0, or -SEL4FT_EINVAL for a NULL (with a size), misaligned or too small region (the log then stays on the
 *         console, and says so there).
 */
int sel4ft_log_init(void *region, size_t size, sel4ft_channel_t channel);

/**
 * @brief The ring this PD's log writes to.
 * @return The producer, or NULL while no ring is attached (lines go to the console).
 */
sel4ft_logring_producer_t *sel4ft_log_ring(void);

/**
 * @brief Log a line at a level: into the ring, or to the console as `PD|LEVEL: text`.
 * @param level SEL4FT_LOG_ERROR, SEL4FT_LOG_WARN, SEL4FT_LOG_INFO or SEL4FT_LOG_DEBUG.
 * @param format As sel4ft_fmt(); a line is cut at SEL4FT_LOGRING_TEXT_MAX bytes.
 * @return 0; -SEL4FT_ENOSPC when the ring was full (the line is counted as dropped); -SEL4FT_EINVAL for a bad level
 *         or a NULL format.
 */
int sel4ft_log_printf(uint32_t level, const char *format, ...) __attribute__((format(printf, 2, 3)));

/**
 * @brief As sel4ft_log_printf(), with a va_list.
 * @param level The level.
 * @param format The format.
 * @param args The arguments.
 * @return As sel4ft_log_printf().
 */
int sel4ft_log_vprintf(uint32_t level, const char *format, va_list args);

/**
 * @brief Log an event line built with sel4ft_logfmt_begin() and its field functions (@ref events).
 * @param level The level.
 * @param line The line.
 * @return As sel4ft_log_printf().
 */
int sel4ft_log_event(uint32_t level, const sel4ft_logfmt_t *line);

/** An event line together with its text: room for the longest line a log record holds. */
typedef struct sel4ft_log_line {
    char text[SEL4FT_LOGRING_TEXT_MAX + 1]; /**< The line's text, written by the field functions. */
    sel4ft_logfmt_t fmt;                    /**< The line being written into @c text. */
} sel4ft_log_line_t;

/**
 * @brief Begin an event line in @p line (sel4ft_logfmt_begin() on its own text), for sel4ft_log_event().
 * @param line The line and its text, usually on the caller's stack.
 * @param kind The event's kind, its first word.
 * @return The line to add fields to (sel4ft_logfmt_u64(), sel4ft_logfmt_str(), ...).
 */
static inline sel4ft_logfmt_t *sel4ft_log_line_begin(sel4ft_log_line_t *line, const char *kind)
{
    sel4ft_logfmt_begin(&line->fmt, line->text, sizeof(line->text), kind);
    return &line->fmt;
}

#ifndef SEL4FT_LOG_NO_SHORT_NAMES
/** Log an error: something failed and was not recovered here. */
#define LOG_ERROR(...) sel4ft_log_printf(SEL4FT_LOG_ERROR, __VA_ARGS__)
/** Log a warning: something went wrong and was recovered from. */
#define LOG_WARN(...) sel4ft_log_printf(SEL4FT_LOG_WARN, __VA_ARGS__)
/** Log normal operation. */
#define LOG_INFO(...) sel4ft_log_printf(SEL4FT_LOG_INFO, __VA_ARGS__)
#endif

/** @} */
