/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sel4ft/error.h>
#include <sel4ft/fence.h>
#include <sel4ft/os.h>

#include "shared.h"
#include "slot.h"

static void slot_name(char *what, size_t size, const char *owner)
{
    snprintf(what, size, "slot-%s", owner);
}

void *baseline_slot_create(const char *run, const char *owner)
{
    char what[48];
    slot_name(what, sizeof(what), owner);
    void *mapping = baseline_shm_create(run, what, BASELINE_SLOT_MAPPING_SIZE);
    baseline_slot_setup(mapping);
    return mapping;
}

void *baseline_slot_open(const char *run, const char *owner)
{
    char what[48];
    slot_name(what, sizeof(what), owner);
    return baseline_shm_open(run, what, BASELINE_SLOT_MAPPING_SIZE);
}

void baseline_slot_remove(const char *run, const char *owner, void *mapping)
{
    char what[48];
    slot_name(what, sizeof(what), owner);
    baseline_shm_remove(run, what, mapping, BASELINE_SLOT_MAPPING_SIZE);
}

void baseline_slot_setup(void *mapping)
{
    memset(mapping, 0, BASELINE_SLOT_MAPPING_SIZE);
    baseline_slot_control_t *control = mapping;
    control->region_size = BASELINE_SLOT_REGION_SIZE;
    /* Pairs with nothing: set up before any peer runs. */
    control->magic = BASELINE_SLOT_MAGIC;
}

static void slot_attach(baseline_slot_t *slot, void *mapping, int request_bell, int reply_bell)
{
    slot->control = mapping;
    slot->region = (uint8_t *)mapping + sizeof(baseline_slot_control_t);
    slot->request_bell = request_bell;
    slot->reply_bell = reply_bell;
}

void baseline_slot_attach_client(baseline_slot_t *slot, void *mapping, int request_bell, int reply_bell)
{
    slot_attach(slot, mapping, request_bell, reply_bell);
    /* Only a counter to continue from: whatever it holds, replies are matched by request id. */
    slot->sequence = sel4ft_load_relaxed_u32(&slot->control->request_seq);
}

void baseline_slot_attach_server(baseline_slot_t *slot, void *mapping, int request_bell, int reply_bell)
{
    slot_attach(slot, mapping, request_bell, reply_bell);
    slot->sequence = sel4ft_load_relaxed_u32(&slot->control->reply_seq);
}

/* Wait until *word differs from `old`; through the bell, or a futex when there is none. The clock (the port's) is
 * read only when there is a limit. */
static int wait_change(uint32_t *word, uint32_t old, int bell, int timeout_ms)
{
    uint64_t hz = timeout_ms >= 0 ? sel4ft_os_tick_hz() : 0;
    uint64_t deadline = timeout_ms >= 0 ? sel4ft_os_ticks() + (uint64_t)timeout_ms * hz / 1000 : 0;
    for (;;) {
        /* Pairs with the store-release of the word by the other side, after it wrote the message. */
        if (sel4ft_load_acquire_u32(word) != old) {
            return 0;
        }
        int64_t left_ns = -1;
        if (timeout_ms >= 0) {
            uint64_t now = sel4ft_os_ticks(), left = deadline > now ? deadline - now : 0;
            if (left == 0) {
                return -ETIMEDOUT;
            }
            left_ns = (int64_t)(left / hz * 1000000000u + left % hz * 1000000000u / hz);
        }
        if (bell >= 0) {
            baseline_bell_wait(bell, left_ns < 0 ? -1 : (int)((left_ns + 999999) / 1000000));
        } else {
            baseline_futex_wait(word, old, left_ns);
        }
    }
}

static void wake(uint32_t *word, int bell)
{
    if (bell >= 0) {
        baseline_bell_ring(bell);
    } else {
        baseline_futex_wake(word);
    }
}

int baseline_slot_call(baseline_slot_t *slot, uint16_t opcode, const void *payload, uint32_t length,
                       uint64_t request_id, void *reply_payload, uint32_t reply_capacity, sel4ft_rpc_header_t *reply,
                       int timeout_ms)
{
    if (length > BASELINE_PAYLOAD_MAX) {
        return -E2BIG;
    }
    if (length > 0) {
        memcpy(slot->region + sizeof(sel4ft_rpc_header_t), payload, length);
    }
    sel4ft_rpc_header_write(slot->region, opcode, 0, length, request_id, 0);
    uint32_t sequence = ++slot->sequence;
    uint32_t answered = sel4ft_load_relaxed_u32(&slot->control->reply_seq);
    /* Pairs with the server's load-acquire of request_seq: the message is visible first. */
    sel4ft_store_release_u32(&slot->control->request_seq, sequence);
    wake(&slot->control->request_seq, slot->request_bell);

    /* Wait for reply_seq to reach our number; a stale server may publish other numbers meanwhile. */
    for (;;) {
        int err = wait_change(&slot->control->reply_seq, answered, slot->reply_bell, timeout_ms);
        if (err != 0) {
            return err;
        }
        answered = sel4ft_load_acquire_u32(&slot->control->reply_seq);
        if (answered == sequence) {
            break;
        }
    }
    /* One copy of the header out of shared memory; everything below looks at the copy. */
    if (sel4ft_rpc_header_read(slot->region, BASELINE_SLOT_REGION_SIZE, reply) != 0) {
        return -EBADMSG;
    }
    return baseline_reply_take(reply, slot->region, opcode, request_id, reply_payload, reply_capacity);
}

bool baseline_slot_pending(baseline_slot_t *slot)
{
    /* Pairs with the client's store-release of request_seq. */
    return sel4ft_load_acquire_u32(&slot->control->request_seq) != slot->sequence;
}

void baseline_slot_wait_request(baseline_slot_t *slot)
{
    wait_change(&slot->control->request_seq, slot->sequence, slot->request_bell, -1);
}

int baseline_slot_take(baseline_slot_t *slot, sel4ft_rpc_header_t *request, uint8_t *payload)
{
    /* The number we answer is the one we saw; the client may change the word again at any time. */
    slot->sequence = sel4ft_load_acquire_u32(&slot->control->request_seq);
    int err = sel4ft_rpc_header_read(slot->region, BASELINE_SLOT_REGION_SIZE, request);
    if (err != 0) {
        return err == -SEL4FT_E2BIG ? -E2BIG : -EBADMSG;
    }
    /* request->length comes from our copy and was checked against the region: copy exactly that much. */
    if (request->length > 0) {
        memcpy(payload, slot->region + sizeof(sel4ft_rpc_header_t), request->length);
    }
    return 0;
}

void baseline_slot_answer(baseline_slot_t *slot, uint16_t opcode, uint32_t status, const void *payload,
                          uint32_t length, uint64_t request_id, uint64_t epoch)
{
    if (length > BASELINE_PAYLOAD_MAX) {
        length = 0;
        status = SEL4FT_RPC_TOO_LARGE;
    }
    if (length > 0) {
        memcpy(slot->region + sizeof(sel4ft_rpc_header_t), payload, length);
    }
    sel4ft_rpc_header_write(slot->region, opcode, status, length, request_id, epoch);
    /* Pairs with the client's load-acquire of reply_seq: the reply is visible first. */
    sel4ft_store_release_u32(&slot->control->reply_seq, slot->sequence);
    wake(&slot->control->reply_seq, slot->reply_bell);
}
