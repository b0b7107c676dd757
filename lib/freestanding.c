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

/* A word that may alias anything, so the word-wise copy is well defined. */
typedef uint64_t __attribute__((may_alias)) word_alias_t;

__attribute__((weak)) void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    /* Word copies when both sides are 8-byte aligned (PDs build with -mstrict-align): eight words per
     * iteration, which the compiler turns into load/store pairs of general registers. SIMD registers would
     * halve the instructions, but make every PD an FPU user, whose state seL4 then switches on every IPC. */
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
        for (; n >= 64; n -= 64, d += 64, s += 64) {
            const word_alias_t *from = (const word_alias_t *)s;
            word_alias_t *to = (word_alias_t *)d;
            word_alias_t w0 = from[0], w1 = from[1], w2 = from[2], w3 = from[3];
            word_alias_t w4 = from[4], w5 = from[5], w6 = from[6], w7 = from[7];
            to[0] = w0;
            to[1] = w1;
            to[2] = w2;
            to[3] = w3;
            to[4] = w4;
            to[5] = w5;
            to[6] = w6;
            to[7] = w7;
        }
        for (; n >= 8; n -= 8, d += 8, s += 8) {
            *(word_alias_t *)d = *(const word_alias_t *)s;
        }
    }
    while (n-- > 0) {
        *d++ = *s++;
    }
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
