/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The campaign's injections, as each target carries them out. Every target PD links this file. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "campaign.h"
#include "example_log.h"
#include "inject_fault.h"

enum {
    FLOOD_RECORDS = 128, /* records a flood writes: four times what a ring holds */
    FOREIGN_TRIES = 8,   /* channels tried per foreign_notify injection */
};

/* Every target maps the campaign page read-only (campaign.system); the monitor maps it read-write, and read-only
 * at a second address for its own readonly_write (campaign_page_readonly; 0 in the others). */
uintptr_t campaign_page, campaign_page_readonly;

static uint32_t last_sequence;

bool inject_take(const campaign_target_t *target, uint32_t point, inject_command_t *command)
{
    if (campaign_page == 0 || target->target >= INJECT_TARGETS) {
        return false;
    }
    const volatile campaign_page_t *page = (const volatile campaign_page_t *)campaign_page;
    const volatile inject_command_t *slot = &page->command[target->target];
    uint32_t sequence = __atomic_load_n(&slot->sequence, __ATOMIC_ACQUIRE);
    if (sequence == 0 || sequence == last_sequence) {
        return false;
    }
    /* Copy, then check the copy: nothing is used from the page itself. A copy the monitor changed meanwhile
     * (a withdrawal and a new command) is dropped; the new command is taken next time. */
    inject_command_t copy = { sequence, slot->kind, slot->point, slot->arg, slot->number };
    if (__atomic_load_n(&slot->sequence, __ATOMIC_ACQUIRE) != sequence) {
        return false;
    }
    if (copy.kind >= INJECT_KINDS || (inject_kinds_of[target->target] & INJECT_BIT(copy.kind)) == 0 ||
        copy.point >= INJECT_POINTS) {
        last_sequence = sequence;
        return false;
    }
    if (copy.point != point) {
        return false;
    }
    last_sequence = sequence;
    *command = copy;
    return true;
}

bool inject_over(void)
{
    const campaign_page_t *page = (const campaign_page_t *)campaign_page;
    return page != NULL && __atomic_load_n(&page->over, __ATOMIC_ACQUIRE) != 0;
}

/* The @p k-th of the channels whose bit is clear in @p allowed (libmicrokit's masks of what this PD may do),
 * counting round; MICROKIT_MAX_CHANNEL_ID + 1 if there are none. */
static uint32_t foreign_channel(uint64_t allowed, uint32_t k)
{
    uint32_t foreign = 0;
    for (uint32_t ch = 0; ch <= MICROKIT_MAX_CHANNEL_ID; ch++) {
        foreign += (allowed & (1ull << ch)) == 0;
    }
    if (foreign == 0) {
        return MICROKIT_MAX_CHANNEL_ID + 1;
    }
    k %= foreign;
    for (uint32_t ch = 0; ch <= MICROKIT_MAX_CHANNEL_ID; ch++) {
        if ((allowed & (1ull << ch)) == 0 && k-- == 0) {
            return ch;
        }
    }
    return MICROKIT_MAX_CHANNEL_ID + 1;
}

#define SAY(log, level, format, ...)                                                                              \
    do {                                                                                                          \
        if ((log) != NULL) {                                                                                      \
            sel4ft_logring_printf((log), (level), format, __VA_ARGS__);                                           \
        } else {                                                                                                  \
            sel4ft_printf("%s|%s: " format "\n", sel4ft_os_name(), sel4ft_log_level_str(level), __VA_ARGS__);     \
        }                                                                                                         \
    } while (0)

void inject_perform(const campaign_target_t *target, const inject_command_t *command)
{
    static const char *const points[INJECT_POINTS] = { "before", "middle", "after" };
    sel4ft_logring_producer_t *log = target->logs ? sel4ft_log_ring() : NULL;
    uint32_t kind = command->kind;
    unsigned long n = (unsigned long)command->number;

    SAY(log, SEL4FT_LOG_INFO, "INJECT %lu %s %s at %s", n, inject_target_names[target->target],
        inject_kind_names[kind], points[command->point]);
    switch (kind) {
    case INJECT_NULL_READ:
    case INJECT_NULL_WRITE:
    case INJECT_UNMAPPED_WRITE:
    case INJECT_READONLY_WRITE:
    case INJECT_UNDEFINED_INSTRUCTION:
    case INJECT_STACK_OVERFLOW:
        /* Nothing maps 0x10000000; the campaign page is read-only (the monitor's second, read-only view of it);
         * frames of 512 bytes run off a 4 KiB stack into the unmapped page below it. */
        inject_fault(kind, (volatile uint32_t *)0x10000000,
                     (volatile uint32_t *)(campaign_page_readonly != 0 ? campaign_page_readonly : campaign_page), 512);
        break;
    case INJECT_HANG:
        for (;;) {
            __asm__ volatile("" ::: "memory");
        }
    case INJECT_FOREIGN_NOTIFY: {
        /* Past libmicrokit's checks, straight to the kernel, as hostile code would: signals on channels this
         * PD may not notify and calls on channels it may not call. Their capability slots are empty, so the
         * kernel refuses each: a signal silently (a send has no answer), a call with an error. Nothing reaches
         * another PD, and this one runs on. */
        uint32_t signals = 0, calls = 0, refused = 0;
        for (uint32_t i = 0; i < FOREIGN_TRIES; i++) {
            uint32_t ch = foreign_channel(microkit_notifications, command->arg + i * 7u);
            if (ch <= MICROKIT_MAX_CHANNEL_ID) {
                seL4_Signal(BASE_OUTPUT_NOTIFICATION_CAP + ch);
                signals++;
            }
            ch = foreign_channel(microkit_pps, command->arg + i * 11u);
            if (ch <= MICROKIT_MAX_CHANNEL_ID) {
                seL4_MessageInfo_t answer = seL4_Call(BASE_ENDPOINT_CAP + ch, seL4_MessageInfo_new(0, 0, 0, 0));
                calls++;
                refused += seL4_MessageInfo_get_label(answer) == seL4_InvalidCapability;
            }
        }
        SAY(log, refused == calls ? SEL4FT_LOG_INFO : SEL4FT_LOG_ERROR,
            "INJECT %lu foreign_notify: %u signals and %u calls on channels it may not use; the kernel refused "
            "%u of the %u calls", n, signals, calls, refused, calls);
        return;
    }
    case INJECT_RING_GARBAGE:
        if (log != NULL) {
            example_log_scribble((uint16_t)(0x8000u | command->arg), (uint16_t)(99u + (command->arg >> 16) % 100u),
                                 (log->mask + 1) * (2u + command->arg % 1000u));
            log = sel4ft_log_ring(); /* attached again */
            SAY(log, SEL4FT_LOG_INFO, "INJECT %lu ring_garbage: wrote a malformed record and an impossible head; "
                "logging again", n);
            return;
        }
        break;
    case INJECT_LOG_FLOOD:
        if (log != NULL) {
            uint32_t dropped_before = sel4ft_logring_producer_dropped(log);
            for (uint32_t i = 0; i < FLOOD_RECORDS; i++) {
                sel4ft_logring_printf(log, SEL4FT_LOG_INFO, "flood %lu.%u", n, i);
                if (target->heartbeat != NULL) {
                    sel4ft_heartbeat_beat(target->heartbeat);
                }
            }
            uint32_t dropped = sel4ft_logring_producer_dropped(log) - dropped_before;
            SAY(log, SEL4FT_LOG_INFO, "INJECT %lu log_flood: wrote %u records, the ring dropped %u", n,
                (uint32_t)FLOOD_RECORDS, dropped);
            return;
        }
        break;
    default:
        break;
    }
    SAY(log, SEL4FT_LOG_ERROR, "INJECT %lu %s did not fault", n, inject_kind_names[kind]);
}

void inject_contained(const campaign_target_t *target)
{
    sel4ft_os_notify(target->channel);
}

void inject_at(const campaign_target_t *target, uint32_t point)
{
    inject_command_t command;
    if (inject_take(target, point, &command)) {
        inject_perform(target, &command);
        inject_contained(target);
    }
}
