/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * @defgroup logfmt Event lines
 * @brief Write one event as a logfmt line, `kind key=value key="a value"`, into a bounded buffer, without libc.
 *
 * Events are the contract between a PD that reports what happened and the
 * programs that read its log (tests, the campaign's tabulator): they match
 * fields, not prose. A line starts with the event's kind, then one
 * `key=value` field per call, in the order of the calls. A value that is
 * empty or holds a space, `"`, `=`, `\` or a character that is not printable
 * ASCII is written in double quotes, with `"` and `\` escaped by a backslash
 * and anything not printable written as `?`.
 *
 * Bounded: a field is written whole or not at all, except a string value,
 * which is cut to fit and ends in `...` (inside its quotes when quoted). Once
 * a field did not fit whole, no later field is written, so a reader never
 * sees a field without the ones before it: put long, human-only fields (a
 * description, a reason) last. The line is always NUL-terminated.
 *
 * doc/events.md lists the events the library and the examples write.
 * @{
 */

/** A line being written. Set up with sel4ft_logfmt_begin(); read @c buffer and @c used to pass the line on
 *  (to sel4ft_logring_write(), say); the other fields are the writer's. */
typedef struct sel4ft_logfmt {
    char *buffer;  /**< Where the line goes (NUL-terminated). */
    size_t size;   /**< The buffer's size. */
    size_t used;   /**< Characters written so far (without the NUL). */
    size_t length; /**< The length the whole line has. */
    bool cut;      /**< A field did not fit whole: no later field is written. */
} sel4ft_logfmt_t;

/**
 * @brief Start a line with its event kind.
 * @param line The line.
 * @param buffer Where to write; may be NULL only when @p size is 0 (then only the length is counted).
 * @param size The buffer's size in bytes.
 * @param kind The event's kind, a word such as `restart` (written as it is).
 */
void sel4ft_logfmt_begin(sel4ft_logfmt_t *line, char *buffer, size_t size, const char *kind);

/**
 * @brief Add a string field, quoted when it must be (see @ref logfmt).
 * @param line The line.
 * @param key The field's name (a word).
 * @param value Its value; NULL is written as `?`.
 */
void sel4ft_logfmt_str(sel4ft_logfmt_t *line, const char *key, const char *value);

/**
 * @brief Add an unsigned decimal field.
 * @param line The line.
 * @param key The field's name.
 * @param value Its value.
 */
void sel4ft_logfmt_u64(sel4ft_logfmt_t *line, const char *key, uint64_t value);

/**
 * @brief Add a signed decimal field.
 * @param line The line.
 * @param key The field's name.
 * @param value Its value.
 */
void sel4ft_logfmt_i64(sel4ft_logfmt_t *line, const char *key, int64_t value);

/**
 * @brief Add a hexadecimal field, `0x` and lower-case digits.
 * @param line The line.
 * @param key The field's name.
 * @param value Its value.
 * @param digits At least this many digits, zero-padded (0 or 1: as many as the value needs).
 */
void sel4ft_logfmt_hex(sel4ft_logfmt_t *line, const char *key, uint64_t value, uint32_t digits);

/**
 * @brief Add a duration in counter ticks as microseconds with three decimals, e.g. `us=31.952`
 *        (integer arithmetic only).
 * @param line The line.
 * @param key The field's name.
 * @param ticks The duration in ticks.
 * @param tick_hz The counter's frequency; 0 leaves the field out.
 */
void sel4ft_logfmt_ticks_us(sel4ft_logfmt_t *line, const char *key, uint64_t ticks, uint64_t tick_hz);

/**
 * @brief Finish the line.
 * @param line The line.
 * @return The length the whole line has (without the NUL): >= the buffer's size when something was cut
 *         or left out, as sel4ft_fmt() returns.
 */
int sel4ft_logfmt_end(const sel4ft_logfmt_t *line);

/** @} */
