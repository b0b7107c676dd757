/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/checkpoint.h>
#include <sel4ft/error.h>
#include <sel4ft/fmt.h>
#include <sel4ft/restart.h>

#include "internal.h"

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

    if (header->magic != SEL4FT_RESTART_MAGIC) {
        /* First start: the image is as the loader and the Microkit tool left it. */
        sel4ft_zero_(header, sizeof(*header));
        sel4ft_copy_(copy, image, image_size);
        header->version = 1;
        header->image_start = (uintptr_t)image;
        header->image_size = image_size;
        header->checksum = sel4ft_checksum(0, copy, image_size);
        header->starts = 1;
        header->magic = SEL4FT_RESTART_MAGIC;
        *incarnation = 1;
        return 0;
    }
    /* A start count at its limit cannot be real (and would wrap the incarnation to 0). */
    if (header->version != 1 || header->image_start != (uintptr_t)image || header->image_size != image_size ||
        header->starts == 0 || header->starts == UINT64_MAX || sel4ft_checksum(0, copy, image_size) != header->checksum) {
        return -SEL4FT_EBADMSG;
    }
    /* Count first: the counter is outside the image, so the copy below cannot undo it. */
    header->starts++;
    uint64_t starts = header->starts;
    sel4ft_copy_(image, copy, image_size);
    *incarnation = starts;
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
