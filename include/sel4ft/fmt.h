/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/**
 * @defgroup fmt Freestanding formatting
 * @brief snprintf-style formatting without libc, for protection domains.
 *
 * Conversions: `%s %d %i %u %x %X %p %c %%`, with the flags `-` and `0`, a
 * field width (a number or `*`), a precision for `%s` (`%.*s` prints a string
 * that is not NUL-terminated), and the length modifiers `l`, `ll`, `z`. An
 * unknown conversion is printed as written. A NULL `%s` prints "(null)".
 * @{
 */

/**
 * @brief Format into a bounded buffer.
 * @param buffer Where to write; may be NULL only when @p size is 0.
 * @param size The buffer's size in bytes. When it is non-zero the result is
 *        always NUL-terminated and never longer than size - 1 characters.
 * @param format The format string.
 * @param args The arguments.
 * @return The length the full result has (excluding the NUL), which is
 *         >= @p size when the output was truncated; -SEL4FT_EINVAL for a NULL
 *         format or a NULL buffer with a non-zero size.
 */
int sel4ft_vfmt(char *buffer, size_t size, const char *format, va_list args);

/**
 * @brief Format into a bounded buffer (see sel4ft_vfmt()).
 * @param buffer Where to write.
 * @param size The buffer's size.
 * @param format The format string.
 * @return As sel4ft_vfmt().
 */
int sel4ft_fmt(char *buffer, size_t size, const char *format, ...) __attribute__((format(printf, 3, 4)));

/**
 * @brief Format a line and write it to the console through the port.
 *
 * Output longer than 255 characters is truncated; nothing is allocated.
 * @param format The format string.
 * @return The number of characters written, or -SEL4FT_EINVAL.
 */
int sel4ft_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));

/** @} */
