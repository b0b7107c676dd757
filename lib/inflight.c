/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/error.h>
#include <sel4ft/inflight.h>

#include "internal.h"

static uint32_t make_id(const sel4ft_inflight_t *table, uint32_t slot)
{
    /* The generation's bits that do not fit above the slot number are dropped: ids wrap, by design. */
    return slot | (uint32_t)((uint64_t)table->slots[slot].generation << table->slot_bits);
}

int sel4ft_inflight_init(sel4ft_inflight_t *table, sel4ft_inflight_slot_t *slots, uint32_t capacity)
{
    if (table == NULL || slots == NULL || capacity > SEL4FT_INFLIGHT_MAX || !sel4ft_is_power_of_two_(capacity)) {
        return -SEL4FT_EINVAL;
    }
    table->slots = slots;
    table->capacity = capacity;
    table->slot_bits = (uint32_t)__builtin_ctz(capacity);
    table->count = 0;
    table->oldest = SEL4FT_INFLIGHT_NONE;
    table->newest = SEL4FT_INFLIGHT_NONE;
    table->refused = 0;
    /* Free slots are taken lowest first. */
    for (uint32_t i = 0; i < capacity; i++) {
        slots[i].generation = 0;
        slots[i].in_use = 0;
        slots[i].older = SEL4FT_INFLIGHT_NONE;
        slots[i].newer = i + 1 < capacity ? i + 1 : SEL4FT_INFLIGHT_NONE;
    }
    table->free = 0;
    return 0;
}

int sel4ft_inflight_add(sel4ft_inflight_t *table, uint32_t *slot, uint32_t *id)
{
    if (table == NULL || slot == NULL || id == NULL) {
        return -SEL4FT_EINVAL;
    }
    uint32_t s = table->free;
    if (s == SEL4FT_INFLIGHT_NONE) {
        return -SEL4FT_ENOSPC;
    }
    sel4ft_inflight_slot_t *entry = &table->slots[s];
    table->free = entry->newer;
    entry->in_use = 1;
    entry->older = table->newest;
    entry->newer = SEL4FT_INFLIGHT_NONE;
    if (table->newest != SEL4FT_INFLIGHT_NONE) {
        table->slots[table->newest].newer = s;
    } else {
        table->oldest = s;
    }
    table->newest = s;
    table->count++;
    *slot = s;
    *id = make_id(table, s);
    return 0;
}

bool sel4ft_inflight_find(const sel4ft_inflight_t *table, uint32_t id, uint32_t *slot)
{
    if (table == NULL || slot == NULL) {
        return false;
    }
    uint32_t s = id & (table->capacity - 1);
    if (!table->slots[s].in_use || make_id(table, s) != id) {
        return false;
    }
    *slot = s;
    return true;
}

int sel4ft_inflight_remove(sel4ft_inflight_t *table, uint32_t id, uint32_t *slot)
{
    if (table == NULL || slot == NULL) {
        return -SEL4FT_EINVAL;
    }
    uint32_t s;
    if (!sel4ft_inflight_find(table, id, &s)) {
        table->refused++;
        return -SEL4FT_ESTALE;
    }
    sel4ft_inflight_slot_t *entry = &table->slots[s];
    if (entry->older != SEL4FT_INFLIGHT_NONE) {
        table->slots[entry->older].newer = entry->newer;
    } else {
        table->oldest = entry->newer;
    }
    if (entry->newer != SEL4FT_INFLIGHT_NONE) {
        table->slots[entry->newer].older = entry->older;
    } else {
        table->newest = entry->older;
    }
    entry->generation++;
    entry->in_use = 0;
    entry->older = SEL4FT_INFLIGHT_NONE;
    entry->newer = table->free;
    table->free = s;
    table->count--;
    *slot = s;
    return 0;
}

int sel4ft_inflight_reissue(sel4ft_inflight_t *table, uint32_t slot, uint32_t *id)
{
    if (table == NULL || id == NULL || slot >= table->capacity || !table->slots[slot].in_use) {
        return -SEL4FT_EINVAL;
    }
    table->slots[slot].generation++;
    *id = make_id(table, slot);
    return 0;
}

uint32_t sel4ft_inflight_id(const sel4ft_inflight_t *table, uint32_t slot)
{
    if (table == NULL || slot >= table->capacity) {
        return 0;
    }
    return make_id(table, slot);
}

uint32_t sel4ft_inflight_first(const sel4ft_inflight_t *table)
{
    return table != NULL ? table->oldest : SEL4FT_INFLIGHT_NONE;
}

uint32_t sel4ft_inflight_next(const sel4ft_inflight_t *table, uint32_t slot)
{
    if (table == NULL || slot >= table->capacity || !table->slots[slot].in_use) {
        return SEL4FT_INFLIGHT_NONE;
    }
    return table->slots[slot].newer;
}
