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

/* Eight bytes a store once the destination is 8-byte aligned, 64 bytes an iteration: zeroing a structure or a
 * restarted PD's .bss costs a tenth of a byte loop. */
typedef uint64_t __attribute__((may_alias)) fill_word_t;

__attribute__((weak)) void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char byte = (unsigned char)c;

    while (n > 0 && ((uintptr_t)d & 7) != 0) {
        *d++ = byte;
        n--;
    }
    uint64_t word = 0x0101010101010101ull * byte;
    fill_word_t *w = (fill_word_t *)(void *)d;
#if defined(__aarch64__)
    /* Store pairs (GCC does not pair stores itself under -mstrict-align): 64 bytes in six instructions, then 32. */
    size_t blocks = n / 64;
    if (blocks != 0) {
        __asm__ volatile("1:\n"
                         "stp %[v], %[v], [%[w]], #16\n"
                         "stp %[v], %[v], [%[w]], #16\n"
                         "stp %[v], %[v], [%[w]], #16\n"
                         "stp %[v], %[v], [%[w]], #16\n"
                         "subs %[n], %[n], #1\n"
                         "b.ne 1b\n"
                         : [w] "+r"(w), [n] "+r"(blocks)
                         : [v] "r"(word)
                         : "cc", "memory");
        n &= 63;
    }
    if (n >= 32) {
        __asm__ volatile("stp %[v], %[v], [%[w]], #16\n"
                         "stp %[v], %[v], [%[w]], #16\n"
                         : [w] "+r"(w)
                         : [v] "r"(word)
                         : "memory");
        n -= 32;
    }
#else
    for (; n >= 32; n -= 32, w += 4) {
        w[0] = word;
        w[1] = word;
        w[2] = word;
        w[3] = word;
    }
#endif
    for (; n >= 8; n -= 8) {
        *w++ = word;
    }
    d = (unsigned char *)w;
    while (n-- > 0) {
        *d++ = byte;
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
