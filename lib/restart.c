/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdbool.h>

#include <sel4ft/checkpoint.h>
#include <sel4ft/error.h>
#include <sel4ft/fmt.h>
#include <sel4ft/restart.h>

#include "internal.h"

/* Two forms of snapshot. Version 2, sparse, when the image is 8-byte aligned and the form fits: a bitmap of the
 * image's non-zero words, then those words in order, then the bytes of a last partial word (as one word). A restart
 * zeroes the image and writes the non-zero words back, and the checksum covers the bitmap and those words only: a
 * PD's .bss is mostly zero, so there is little to check and less to copy. Version 1, the whole image copied, where
 * the sparse form does not fit (an image with hardly a zero word) or the image is not aligned. */
#define VERSION_COPY 1u
#define VERSION_SPARSE 2u

typedef uint64_t __attribute__((may_alias)) image_word_t;

/* The sparse form's size in bytes (its bitmap and words) for an image of @p size bytes with @p nonzero non-zero
 * whole words. */
static size_t sparse_size(size_t size, size_t nonzero)
{
    size_t words = size / 8;
    return ((words + 63) / 64 + nonzero + (size % 8 != 0 ? 1 : 0)) * 8;
}

/* Write the sparse form of the image into @p to (room checked by the caller). */
static void sparse_write(uint64_t *to, const uint8_t *image, size_t size)
{
    size_t words = size / 8;
    size_t bitmap_words = (words + 63) / 64;
    const image_word_t *from = (const image_word_t *)(const void *)image;
    uint64_t *packed = to + bitmap_words;
    sel4ft_zero_(to, bitmap_words * 8);
    for (size_t i = 0; i < words; i++) {
        if (from[i] != 0) {
            to[i / 64] |= 1ull << (i % 64);
            *packed++ = from[i];
        }
    }
    if (size % 8 != 0) {
        uint64_t last = 0;
        sel4ft_copy_(&last, image + words * 8, size % 8);
        *packed = last;
    }
}

/* Check the sparse form (the bitmap names exactly @p nonzero words, none past the image), then restore the image
 * from it. Nothing is written before everything was checked. */
static bool sparse_restore(const uint64_t *from, size_t nonzero, uint8_t *image, size_t size)
{
    size_t words = size / 8;
    size_t bitmap_words = (words + 63) / 64;
    size_t named = 0;
    for (size_t i = 0; i < bitmap_words; i++) {
        uint64_t bits = from[i];
        if (i == bitmap_words - 1 && words % 64 != 0) {
            if ((bits >> (words % 64)) != 0) {
                return false;
            }
        }
        /* Counted in general registers (no popcount instruction there; libgcc's costs more). */
        bits = bits - ((bits >> 1) & 0x5555555555555555ull);
        bits = (bits & 0x3333333333333333ull) + ((bits >> 2) & 0x3333333333333333ull);
        bits = (bits + (bits >> 4)) & 0x0f0f0f0f0f0f0f0full;
        named += (size_t)((bits * 0x0101010101010101ull) >> 56);
    }
    if (named != nonzero) {
        return false;
    }
    const uint64_t *packed = from + bitmap_words;
    image_word_t *to = (image_word_t *)(void *)image;
    sel4ft_zero_(image, words * 8);
    for (size_t i = 0; i < bitmap_words; i++) {
        for (uint64_t bits = from[i]; bits != 0; bits &= bits - 1) {
            to[i * 64 + (size_t)__builtin_ctzll(bits)] = *packed++;
        }
    }
    if (size % 8 != 0) {
        sel4ft_copy_(image + words * 8, packed, size % 8);
    }
    return true;
}

/* The sparse form's checksum: FNV-1a's step over whole 64-bit words, each product folded (its high half into its
 * low half) so that a change in a word's top bits reaches every later step, and two changes cannot cancel as they
 * could in a plain 64-bit FNV step. One step per 8 bytes: the form is words, and a restart checks it. */
static uint64_t sparse_sum(const uint64_t *words, size_t count)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < count; i++) {
        h = (h ^ words[i]) * 0x100000001b3ull;
        h ^= h >> 32;
    }
    return h;
}

static size_t count_nonzero(const uint8_t *image, size_t size)
{
    const image_word_t *words = (const image_word_t *)(const void *)image;
    size_t n = 0;
    for (size_t i = 0; i < size / 8; i++) {
        n += words[i] != 0;
    }
    return n;
}

int sel4ft_restart_begin_image(void *region, size_t region_size, void *image, size_t image_size,
                               uint64_t *incarnation)
{
    if (region == NULL || image == NULL || incarnation == NULL || !sel4ft_is_aligned_(region, 8)) {
        return -SEL4FT_EINVAL;
    }
    if (region_size < sizeof(sel4ft_restart_header_t) || image_size > region_size - sizeof(sel4ft_restart_header_t)) {
        return -SEL4FT_ENOSPC;
    }
    sel4ft_restart_header_t *header = region;
    uint8_t *copy = (uint8_t *)region + sizeof(*header);
    size_t room = region_size - sizeof(*header);

    if (header->magic != SEL4FT_RESTART_MAGIC) {
        /* First start: the image is as the loader and the Microkit tool left it. */
        sel4ft_zero_(header, sizeof(*header));
        size_t nonzero = sel4ft_is_aligned_(image, 8) ? count_nonzero(image, image_size) : 0;
        if (sel4ft_is_aligned_(image, 8) && sparse_size(image_size, nonzero) <= room) {
            sparse_write((uint64_t *)(void *)copy, image, image_size);
            header->version = VERSION_SPARSE;
            header->reserved[0] = nonzero;
            header->checksum = sparse_sum((const uint64_t *)(const void *)copy, sparse_size(image_size, nonzero) / 8);
        } else {
            sel4ft_copy_(copy, image, image_size);
            header->version = VERSION_COPY;
            header->checksum = sel4ft_checksum(0, copy, image_size);
        }
        header->image_start = (uintptr_t)image;
        header->image_size = image_size;
        header->starts = 1;
        header->magic = SEL4FT_RESTART_MAGIC;
        *incarnation = 1;
        return 0;
    }
    /* A start count at its limit cannot be real (and would wrap the incarnation to 0). */
    if (header->image_start != (uintptr_t)image || header->image_size != image_size || header->starts == 0 ||
        header->starts == UINT64_MAX) {
        return -SEL4FT_EBADMSG;
    }
    uint64_t nonzero = header->reserved[0];
    if (header->version == VERSION_SPARSE) {
        /* The count bounds what the checksum reads: at most the image's words, and the form within the region. */
        if (!sel4ft_is_aligned_(image, 8) || nonzero > image_size / 8 || sparse_size(image_size, nonzero) > room ||
            sparse_sum((const uint64_t *)(const void *)copy, sparse_size(image_size, nonzero) / 8) !=
                header->checksum) {
            return -SEL4FT_EBADMSG;
        }
    } else if (header->version != VERSION_COPY || nonzero != 0 ||
               sel4ft_checksum(0, copy, image_size) != header->checksum) {
        return -SEL4FT_EBADMSG;
    }
    if (header->version == VERSION_SPARSE && !sparse_restore((const uint64_t *)(const void *)copy, nonzero, image,
                                                              image_size)) {
        return -SEL4FT_EBADMSG;
    }
    /* Count after the restore: the counter is outside the image, so the restore cannot undo it. */
    header->starts++;
    if (header->version == VERSION_COPY) {
        sel4ft_copy_(image, copy, image_size);
    }
    *incarnation = header->starts;
    return 0;
}

int sel4ft_restart_begin(void *region, size_t region_size, uint64_t *incarnation)
{
    uintptr_t start;
    size_t size;
    int err = sel4ft_os_image_writable(&start, &size);
    if (err != 0) {
        return err;
    }
    return sel4ft_restart_begin_image(region, region_size, (void *)start, size, incarnation);
}

void sel4ft_restart_serve(sel4ft_msginfo_t first_reply)
{
    sel4ft_os_serve_after_restart(first_reply);
}

/* Snapshot regions are whole pages in the system description. */
#define PAGE_SIZE_ 0x1000u

static size_t region_for_image(size_t image_size)
{
    size_t bytes = sizeof(sel4ft_restart_header_t) + image_size;
    return (bytes + PAGE_SIZE_ - 1) & ~(size_t)(PAGE_SIZE_ - 1);
}

size_t sel4ft_restart_region_needed(void)
{
    uintptr_t start;
    size_t size;
    return sel4ft_os_image_writable(&start, &size) == 0 ? region_for_image(size) : 0;
}

int sel4ft_restart_explain_image(int error, size_t region_size, size_t image_size, char *buffer, size_t size)
{
    if (error == -SEL4FT_ENOSPC && image_size != 0) {
        size_t needed = region_for_image(image_size);
        return sel4ft_fmt(buffer, size,
                          "snapshot region is %lu bytes but this PD's .data and .bss are %lu bytes, plus the %u-byte "
                          "header: map a snapshot_region of at least %lu bytes (size=\"0x%lx\")",
                          (unsigned long)region_size, (unsigned long)image_size,
                          (unsigned)sizeof(sel4ft_restart_header_t), (unsigned long)needed, (unsigned long)needed);
    }
    if (error == -SEL4FT_ENOSPC) {
        return sel4ft_fmt(buffer, size, "snapshot region of %lu bytes is smaller than the %u-byte header plus this "
                          "PD's .data and .bss: make it larger", (unsigned long)region_size,
                          (unsigned)sizeof(sel4ft_restart_header_t));
    }
    if (error == -SEL4FT_EBADMSG) {
        return sel4ft_fmt(buffer, size, "the snapshot region holds a snapshot of another image, or one that fails its "
                          "checksum: nothing was restored (a snapshot region must be private to its PD)");
    }
    if (error == -SEL4FT_EINVAL) {
        return sel4ft_fmt(buffer, size, "no snapshot region, or one not 8-byte aligned: map a snapshot_region with "
                          "setvar_vaddr=\"snapshot_region\" and setvar_size=\"snapshot_region_size\"");
    }
    return sel4ft_fmt(buffer, size, "%s", sel4ft_strerror(error));
}

int sel4ft_restart_explain(int error, size_t region_size, char *buffer, size_t size)
{
    uintptr_t start;
    size_t image_size = 0;
    if (sel4ft_os_image_writable(&start, &image_size) != 0) {
        image_size = 0;
    }
    return sel4ft_restart_explain_image(error, region_size, image_size, buffer, size);
}
