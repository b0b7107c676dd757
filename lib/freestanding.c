/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/*
 * The memory functions a freestanding compiler may emit calls to. Linked into
 * the PD build only; weak, so a PD that brings its own C library keeps its own.
 */

#include <stddef.h>
#include <stdint.h>

#include <sel4ft/os.h>

/* The port's inline copy: load/store pairs of general registers when both sides are 8-byte aligned. SIMD
 * registers would halve the instructions, but make every PD an FPU user, whose state seL4 then switches on every
 * IPC. */
__attribute__((weak)) void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    sel4ft_os_copy(dst, src, n);
    return dst;
}

__attribute__((weak)) void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0) {
        return dst;
    }
    if (d < s || d >= s + n) {
        while (n-- > 0) {
            *d++ = *s++;
        }
    } else {
        while (n-- > 0) {
            d[n] = s[n];
        }
    }
    return dst;
}

__attribute__((weak)) void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    while (n-- > 0) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

__attribute__((weak)) int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

__attribute__((weak)) size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0') {
        n++;
    }
    return n;
}
