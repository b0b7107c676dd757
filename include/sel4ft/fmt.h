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
 * Formatted as C's printf does (in the C locale):
 * - conversions `%d %i %u %o %x %X %c %s %p %%`;
 * - flags `-`, `0`, `+`, space and `#` (`0x`/`0X` before a non-zero `%#x`/`%#X`,
 *   a leading 0 for `%#o`); `'` and `I` are accepted and change nothing, as in
 *   the C locale;
 * - a field width and a precision, each a number or `*` (a negative `*` width
 *   means `-`, a negative `*` precision none). The precision is the least number
 *   of digits for integers (`0` is then ignored, and `%.0d` of 0 prints nothing)
 *   and the most characters for `%s` (`%.*s` prints a string that is not
 *   NUL-terminated);
 * - length modifiers `hh`, `h`, `l`, `ll`, `j`, `z`, `t`, and the synonyms `q` and
 *   `L` for `ll`, `Z` for `z` (integer conversions).
 *
 * Differences: a NULL `%s` prints "(null)"; `%p` prints `0x` and hex digits
 * (`0x0` for NULL) and takes width, `-` and `0` only.
 *
 * Not formatted, but their argument is consumed, so every later conversion
 * still gets its own, and the specification is printed as written (for
 * example `%.2f`): floating point `%e %E %f %F %g %G %a %A` (a double; a long
 * double with `L`), `%n` (a pointer, never written through), wide `%lc`, `%C`
 * (a wint_t) and `%ls`, `%S` (a pointer). In a build with GCC's
 * `-mgeneral-regs-only` (the PD library) floating-point arguments are stepped
 * over as AAPCS64 places them (SIMD/FP registers, then the stack), without
 * floating-point instructions.
 *
 * Anything else (an unknown conversion character, `%m`) takes no argument and
 * is printed as written.
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
