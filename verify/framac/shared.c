/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The shared window, as the analysis sees it (Frama-C only).
 *
 * A driver hands the code under analysis a region at the absolute address SEL4FT_VERIFY_WINDOW, where no C
 * object lies: a plain load or store through it is an invalid memory access, which EVA reports as an alarm.
 * The only way in is through the functions below (the fence primitives and the copy out of shared memory),
 * which check that the access lies inside the window and, for reads, return arbitrary bytes on every call.
 * So a proof with no alarm shows two things at once: the code touches shared memory only through these
 * primitives (each value it uses was read once, into a private copy), and no content of the region, even
 * content the peer changes between any two reads, leads to a run-time error. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "__fc_builtin.h"
#include "window.h"

size_t sel4ft_verify_window_size;

/* The offset of [p, p + n) in the window; an alarm if it is not wholly inside. */
static size_t window_offset(const void *p, size_t n, size_t alignment)
{
    uintptr_t address = (uintptr_t)p;
    //@ assert shared_window: SEL4FT_VERIFY_WINDOW <= address;
    size_t offset = address - SEL4FT_VERIFY_WINDOW;
    //@ assert shared_window: offset <= sel4ft_verify_window_size && n <= sel4ft_verify_window_size - offset;
    //@ assert shared_aligned: offset % alignment == 0;
    return offset;
}

void *sel4ft_verify_copy_from_shared(void *dst, const void *src, size_t n)
{
    window_offset(src, n, 1);
    if (n != 0) {
        Frama_C_make_unknown((char *)dst, n);
    }
    return dst;
}

uint32_t sel4ft_load_acquire_u32(const uint32_t *p)
{
    window_offset(p, sizeof(*p), sizeof(*p));
    return Frama_C_unsigned_int_interval(0, UINT32_MAX);
}

uint32_t sel4ft_load_relaxed_u32(const uint32_t *p)
{
    return sel4ft_load_acquire_u32(p);
}

void sel4ft_store_release_u32(uint32_t *p, uint32_t v)
{
    (void)v;
    window_offset(p, sizeof(*p), sizeof(*p));
}

void sel4ft_store_relaxed_u32(uint32_t *p, uint32_t v)
{
    sel4ft_store_release_u32(p, v);
}

uint64_t sel4ft_verify_load_u64(const uint64_t *p)
{
    window_offset(p, sizeof(*p), sizeof(*p));
    uint64_t high = Frama_C_unsigned_int_interval(0, UINT32_MAX);
    return high << 32 | Frama_C_unsigned_int_interval(0, UINT32_MAX);
}

void sel4ft_verify_store_u64(uint64_t *p, uint64_t v)
{
    (void)v;
    window_offset(p, sizeof(*p), sizeof(*p));
}

uint64_t sel4ft_load_acquire_u64(const uint64_t *p)
{
    return sel4ft_verify_load_u64(p);
}

uint64_t sel4ft_load_relaxed_u64(const uint64_t *p)
{
    return sel4ft_verify_load_u64(p);
}

uint16_t sel4ft_load_relaxed_u16(const uint16_t *p)
{
    window_offset(p, sizeof(*p), sizeof(*p));
    return (uint16_t)Frama_C_unsigned_int_interval(0, UINT16_MAX);
}

int sel4ft_verify_private_copy;

/* The port's copy (lib/port/linux is not analysed): out of the shared window, as the copy model above; out of
 * private memory (a server's buffer: the driver says so), a checked memcpy. */
void sel4ft_os_copy(void *destination, const void *source, size_t length)
{
    if (!sel4ft_verify_private_copy) {
        sel4ft_verify_copy_from_shared(destination, source, length);
    } else if (length != 0) {
        //@ assert private_source: \valid_read((const char *)source + (0 .. length - 1));
        memcpy(destination, source, length);
    }
}

void sel4ft_store_release_u64(uint64_t *p, uint64_t v)
{
    (void)v;
    window_offset(p, sizeof(*p), sizeof(*p));
}

void sel4ft_fence_full(void)
{
}
