/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/checkpoint.h>
#include <sel4ft/error.h>
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
