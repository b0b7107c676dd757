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

    /* Pair copies of general registers when both sides are 8-byte aligned (PDs build with -mstrict-align, and GCC
     * does not pair the accesses itself then): 64 bytes an iteration, then 16, then 8. SIMD registers would halve
     * the instructions, but make every PD an FPU user, whose state seL4 then switches on every IPC. */
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0 && n >= 8) {
        uint64_t a, b, c, e, f, g, h, i;
        size_t blocks = n / 64;
        size_t pairs = (n / 16) & 3;
        if (blocks != 0) {
            __asm__ volatile("1:\n"
                             "ldp %[a], %[b], [%[s]]\n"
                             "ldp %[c], %[e], [%[s], #16]\n"
                             "ldp %[f], %[g], [%[s], #32]\n"
                             "ldp %[h], %[i], [%[s], #48]\n"
                             "add %[s], %[s], #64\n"
                             "stp %[a], %[b], [%[d]]\n"
                             "stp %[c], %[e], [%[d], #16]\n"
                             "stp %[f], %[g], [%[d], #32]\n"
                             "stp %[h], %[i], [%[d], #48]\n"
                             "add %[d], %[d], #64\n"
                             "subs %[n], %[n], #1\n"
                             "b.ne 1b\n"
                             : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [e] "=&r"(e), [f] "=&r"(f), [g] "=&r"(g),
                               [h] "=&r"(h), [i] "=&r"(i), [s] "+r"(s), [d] "+r"(d), [n] "+r"(blocks)
                             :
                             : "cc", "memory");
        }
        if (pairs != 0) {
            __asm__ volatile("1:\n"
                             "ldp %[a], %[b], [%[s]], #16\n"
                             "stp %[a], %[b], [%[d]], #16\n"
                             "subs %[n], %[n], #1\n"
                             "b.ne 1b\n"
                             : [a] "=&r"(a), [b] "=&r"(b), [s] "+r"(s), [d] "+r"(d), [n] "+r"(pairs)
                             :
                             : "cc", "memory");
        }
        if ((n & 8) != 0) {
            *(word_alias_t *)d = *(const word_alias_t *)s;
            d += 8;
            s += 8;
        }
        n &= 7;
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
