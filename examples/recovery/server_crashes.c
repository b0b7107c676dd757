/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The recovery example's faults in the server (common/recovery_server.c): client_a arms a crash for the next
 * update (OP_INJECT), and it strikes at its point of that update. */

#include <sel4ft/sel4ft.h>

#include "recovery_server.h"

/* In .bss, so a restart disarms it: an injected crash strikes once. */
static uint32_t armed;

static const char *const crash_names[CRASH_POINT_NUM] = {
    "none", "after applying an update", "after committing an update", "after corrupting the new checkpoint"
};

static void crash(uint64_t incarnation)
{
    LOG_WARN("injected crash %s (incarnation %lu)", crash_names[armed], (unsigned long)incarnation);
    *(volatile uint32_t *)0 = 0;
}

static uint32_t arm(const sel4ft_rpc_request_t *request)
{
    const inject_request_t *inject = (const inject_request_t *)request->payload;
    if (request->length != sizeof(*inject) || inject->point == CRASH_NONE || inject->point >= CRASH_POINT_NUM) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    armed = inject->point;
    LOG_INFO("fault injection armed: crash %s, during the next update", crash_names[armed]);
    return SEL4FT_RPC_OK;
}

static void at(sel4ft_service_t *service, sel4ft_service_point_t point)
{
    if (point == SEL4FT_SERVICE_BEFORE_COMMIT && armed == CRASH_AFTER_APPLY) {
        crash(service->incarnation);
    }
    if (point == SEL4FT_SERVICE_BEFORE_REPLY && armed == CRASH_CORRUPT_COMMIT) {
        /* Flip one byte of the slot just written, as a stray write or bad memory would. */
        sel4ft_checkpoint_t *checkpoint = &service->checkpoint;
        uint8_t *slot = checkpoint->region + (size_t)checkpoint->newest * checkpoint->slot_size;
        slot[sizeof(sel4ft_checkpoint_header_t) + 8] ^= 0x40;
        crash(service->incarnation);
    }
    if (point == SEL4FT_SERVICE_BEFORE_REPLY && armed == CRASH_AFTER_COMMIT) {
        crash(service->incarnation);
    }
}

const recovery_server_hooks_t recovery_server_hooks = { .arm = arm, .at = at };
