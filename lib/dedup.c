/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/checkpoint.h>
#include <sel4ft/dedup.h>
#include <sel4ft/error.h>

#include "internal.h"

uint64_t sel4ft_dedup_digest(uint32_t opcode, const void *payload, uint32_t length)
{
    /* The length too: the checksum pads a short tail with zeros, so "ab" and "ab\0" would digest alike. */
    const uint32_t head[2] = { opcode, length };
    return sel4ft_checksum(sel4ft_checksum(0, head, sizeof(head)), payload, payload != NULL ? length : 0);
}

sel4ft_dedup_verdict_t sel4ft_dedup_verdict(uint64_t last_id, uint64_t last_digest, uint64_t request_id,
                                            uint64_t digest)
{
    if (request_id > last_id) {
        return SEL4FT_DEDUP_NEW;
    }
    if (request_id == last_id) {
        /* The same id for another request is not a retry: its recorded reply answers something else. */
        return digest == last_digest ? SEL4FT_DEDUP_REPLAY : SEL4FT_DEDUP_CONFLICT;
    }
    return SEL4FT_DEDUP_STALE;
}

int sel4ft_dedup_check(sel4ft_dedup_t *table, uint32_t client, uint64_t request_id, uint64_t digest)
{
    if (table == NULL || client >= SEL4FT_DEDUP_CLIENTS || request_id == 0) {
        return -SEL4FT_EINVAL;
    }
    const sel4ft_dedup_entry_t *entry = &table->clients[client];
    sel4ft_dedup_verdict_t verdict = sel4ft_dedup_verdict(entry->request_id, entry->digest, request_id, digest);
    table->conflicts += verdict == SEL4FT_DEDUP_CONFLICT;
    table->replays += verdict == SEL4FT_DEDUP_REPLAY;
    table->stale += verdict == SEL4FT_DEDUP_STALE;
    return verdict;
}

const sel4ft_dedup_entry_t *sel4ft_dedup_last(const sel4ft_dedup_t *table, uint32_t client)
{
    if (table == NULL || client >= SEL4FT_DEDUP_CLIENTS) {
        return NULL;
    }
    return &table->clients[client];
}

int sel4ft_dedup_record(sel4ft_dedup_t *table, uint32_t client, uint64_t request_id, uint64_t digest,
                        uint32_t status, const void *reply, uint32_t length)
{
    if (table == NULL || client >= SEL4FT_DEDUP_CLIENTS || request_id == 0 || (reply == NULL && length != 0)) {
        return -SEL4FT_EINVAL;
    }
    if (length > SEL4FT_DEDUP_REPLY_MAX) {
        return -SEL4FT_E2BIG;
    }
    sel4ft_dedup_entry_t *entry = &table->clients[client];
    entry->request_id = request_id;
    entry->digest = digest;
    entry->status = status;
    entry->length = length;
    if (length != 0) {
        sel4ft_copy_(entry->reply, reply, length);
    }
    return 0;
}
