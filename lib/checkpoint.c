/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdbool.h>

#include <sel4ft/checkpoint.h>
#include <sel4ft/error.h>
#include <sel4ft/fence.h>

#include "internal.h"


_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the checksum reads words in little-endian order");

/* A 32-bit word that may alias anything, for the aligned fast path. */
typedef uint32_t __attribute__((may_alias)) word32_alias_t;

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

uint64_t sel4ft_checksum(uint64_t seed, const void *data, size_t length)
{
    /* FNV-1a (64-bit) over 32-bit words. The multiply mixes every word into all later state, so unlike a
     * sum (Fletcher) no arrangement of all-one or all-zero words cancels out. The state is kept XORed with
     * the offset basis, so feeding nothing returns the seed and a running value can be fed back in. */
    const uint8_t *p = data;
    uint64_t h = seed ^ FNV_OFFSET;
    size_t i = 0;

    /* Every read is p[i .. i + n - 1] under a loop condition i + n <= length (verify/ proves them in bounds);
     * i is a multiple of 4 throughout. */
    if (((uintptr_t)p & 3) == 0) {
        /* Aligned (snapshots, checkpoints): whole words. */
        for (; i + 8 <= length; i += 8) {
            const word32_alias_t *w = (const word32_alias_t *)(p + i);
            h = (h ^ w[0]) * FNV_PRIME;
            h = (h ^ w[1]) * FNV_PRIME;
        }
    }
    for (; i + 4 <= length; i += 4) {
        uint32_t word = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
        h = (h ^ word) * FNV_PRIME;
    }
    if (i < length) {
        /* The last 1 to 3 bytes, as one zero-padded word. */
        uint32_t word = 0;
        for (; i < length; i++) {
            word |= (uint32_t)p[i] << (8 * (i & 3));
        }
        h = (h ^ word) * FNV_PRIME;
    }
    return h ^ FNV_OFFSET;
}

int sel4ft_checkpoint_init(sel4ft_checkpoint_t *checkpoint, void *region, size_t region_size)
{
    if (checkpoint == NULL || region == NULL || !sel4ft_is_aligned_(region, 8)) {
        return -SEL4FT_EINVAL;
    }
    size_t slot_size = (region_size / 2) & ~(size_t)7;
    if (slot_size < sizeof(sel4ft_checkpoint_header_t) + 8 || slot_size > UINT32_MAX) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_zero_(checkpoint, sizeof(*checkpoint));
    checkpoint->region = region;
    checkpoint->slot_size = (uint32_t)slot_size;
    /* Until a load says otherwise, slot 1 counts as newest, so the first commit writes slot 0. */
    checkpoint->newest = 1;
    return 0;
}

uint32_t sel4ft_checkpoint_capacity(const sel4ft_checkpoint_t *checkpoint)
{
    return checkpoint->slot_size - (uint32_t)sizeof(sel4ft_checkpoint_header_t);
}

static uint8_t *slot(const sel4ft_checkpoint_t *checkpoint, uint32_t index)
{
    return checkpoint->region + (size_t)index * checkpoint->slot_size;
}

/* Covers the header and the data, but not the magic (written last, after the checksum) nor the checksum itself. */
static uint64_t slot_checksum(const sel4ft_checkpoint_header_t *header, const uint8_t *data)
{
    sel4ft_checkpoint_header_t copy = *header;
    copy.magic = 0;
    copy.checksum = 0;
    return sel4ft_checksum(sel4ft_checksum(0, &copy, sizeof(copy)), data, copy.length);
}

static uint32_t examine(const sel4ft_checkpoint_t *checkpoint, uint32_t index, sel4ft_checkpoint_header_t *header)
{
    const uint8_t *base = slot(checkpoint, index);
    sel4ft_copy_(header, base, sizeof(*header));

    if (header->magic != SEL4FT_CHECKPOINT_MAGIC) {
        bool zero = header->magic == 0 && header->version == 0 && header->sequence == 0 && header->length == 0 &&
                    header->checksum == 0;
        return zero ? SEL4FT_CHECKPOINT_SLOT_EMPTY : SEL4FT_CHECKPOINT_SLOT_INCOMPLETE;
    }
    if (header->version != SEL4FT_CHECKPOINT_VERSION || header->reserved != 0 || header->sequence == 0 ||
        header->sequence > SEL4FT_CHECKPOINT_SEQUENCE_MAX ||
        header->length > sel4ft_checkpoint_capacity(checkpoint)) {
        return SEL4FT_CHECKPOINT_SLOT_BAD_HEADER;
    }
    if (slot_checksum(header, base + sizeof(*header)) != header->checksum) {
        return SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM;
    }
    return SEL4FT_CHECKPOINT_SLOT_OK;
}

int sel4ft_checkpoint_load(sel4ft_checkpoint_t *checkpoint, void *data, size_t capacity,
                           sel4ft_checkpoint_report_t *report)
{
    sel4ft_checkpoint_report_t local;
    sel4ft_checkpoint_header_t headers[2];

    if (checkpoint == NULL || checkpoint->region == NULL || (data == NULL && capacity != 0)) {
        return -SEL4FT_EINVAL;
    }
    if (report == NULL) {
        report = &local;
    }
    sel4ft_zero_(report, sizeof(*report));
    report->loaded_slot = -1;

    int best = -1;
    for (uint32_t i = 0; i < 2; i++) {
        report->slot_status[i] = examine(checkpoint, i, &headers[i]);
        report->slot_sequence[i] = headers[i].sequence;
        if (report->slot_status[i] == SEL4FT_CHECKPOINT_SLOT_OK &&
            (best < 0 || headers[i].sequence > headers[best].sequence)) {
            best = (int)i;
        }
    }
    /* What a rejected slot claims is not trusted, not even its sequence: the next commit overwrites it (it is
     * never the newest), and until then it stays rejected. */
    if (best < 0) {
        checkpoint->newest = 1;
        checkpoint->sequence = 0;
        return -SEL4FT_EAGAIN;
    }
    /* Before the size check: a caller that cannot load the checkpoint and commits afresh must still
     * write the other slot, under a higher sequence, or its commit would lose to this one. */
    checkpoint->newest = (uint32_t)best;
    checkpoint->sequence = headers[best].sequence;
    if (headers[best].length > capacity) {
        return -SEL4FT_ENOSPC;
    }
    /* The slot was verified in place; this region is private to the server, so it cannot change meanwhile. */
    if (headers[best].length != 0) {
        sel4ft_copy_(data, slot(checkpoint, (uint32_t)best) + sizeof(sel4ft_checkpoint_header_t),
                     headers[best].length);
    }
    report->loaded_slot = best;
    report->sequence = headers[best].sequence;
    report->length = headers[best].length;
    return 0;
}

int sel4ft_checkpoint_commit(sel4ft_checkpoint_t *checkpoint, const void *data, size_t length)
{
    if (checkpoint == NULL || checkpoint->region == NULL || (data == NULL && length != 0)) {
        return -SEL4FT_EINVAL;
    }
    if (length > sel4ft_checkpoint_capacity(checkpoint)) {
        return -SEL4FT_E2BIG;
    }
    /* The newest slot already carries the largest sequence a load accepts: a commit numbered past it would
     * report success and then be rejected by every load. Refuse before anything is written. */
    if (checkpoint->sequence >= SEL4FT_CHECKPOINT_SEQUENCE_MAX) {
        return -SEL4FT_ENOSPC;
    }
    uint32_t target = 1 - checkpoint->newest;
    uint8_t *base = slot(checkpoint, target);
    sel4ft_checkpoint_header_t *header = (sel4ft_checkpoint_header_t *)base;

    /* Invalidate first: until the magic is written again, a crash leaves this slot rejected. */
    sel4ft_store_release_u32(&header->magic, 0);
    if (length != 0) {
        sel4ft_copy_(base + sizeof(*header), data, length);
    }

    sel4ft_checkpoint_header_t fresh = {
        .magic = 0,
        .version = SEL4FT_CHECKPOINT_VERSION,
        .sequence = checkpoint->sequence + 1,
        .length = (uint32_t)length,
        .reserved = 0,
        .checksum = 0,
    };
    fresh.checksum = slot_checksum(&fresh, base + sizeof(*header));
    header->version = fresh.version;
    header->sequence = fresh.sequence;
    header->length = fresh.length;
    header->reserved = 0;
    header->checksum = fresh.checksum;
    /* Data and header before the magic: a reader that sees the magic sees a complete slot. */
    sel4ft_store_release_u32(&header->magic, SEL4FT_CHECKPOINT_MAGIC);

    checkpoint->newest = target;
    checkpoint->sequence = fresh.sequence;
    checkpoint->commits++;
    return 0;
}

const char *sel4ft_checkpoint_slot_status_str(uint32_t status)
{
    switch (status) {
    case SEL4FT_CHECKPOINT_SLOT_OK:
        return "valid";
    case SEL4FT_CHECKPOINT_SLOT_EMPTY:
        return "empty";
    case SEL4FT_CHECKPOINT_SLOT_INCOMPLETE:
        return "incomplete write";
    case SEL4FT_CHECKPOINT_SLOT_BAD_HEADER:
        return "bad header";
    case SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM:
        return "checksum mismatch";
    default:
        return "?";
    }
}
