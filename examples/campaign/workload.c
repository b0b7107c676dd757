/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The campaign's exact-count workload (workload.h): no transport, no PD; client.c gives it the retrying client. */

#include <sel4ft/log.h>
#include <sel4ft/rpc.h>

#include "inject_schedule.h"
#include "workload.h"

void workload_rounds(workload_t *workload, workload_progress_t *progress, const workload_ops_t *ops)
{
    for (;;) {
        if (ops->beat != NULL) {
            ops->beat(ops->context);
        }
        /* Stop only between rounds, and never with a request restored in flight: it was sent (and perhaps applied)
         * before this client's restart, so it is sent again under its id first, and the round it began is finished;
         * the read-back then expects exactly the rounds completed. */
        if (progress->step == WORKLOAD_OWN && !ops->resumed(ops->context) && ops->over(ops->context)) {
            return;
        }
        if (progress->step == WORKLOAD_APPEND && progress->rounds >= RECOVERY_LIST_MAX) {
            progress->step = WORKLOAD_SHARED; /* the list is full: appends stop, the rounds go on */
        }
        increment_request_t inc = { progress->step == WORKLOAD_SHARED ? WORKLOAD_SHARED_COUNTER : workload->own, 0, 1 };
        append_request_t append = { workload->own, (uint32_t)progress->rounds + 1 };
        uint16_t opcode = progress->step == WORKLOAD_APPEND ? OP_APPEND : OP_INCREMENT;
        const void *payload = progress->step == WORKLOAD_APPEND ? (const void *)&append : (const void *)&inc;
        uint32_t length = progress->step == WORKLOAD_APPEND ? sizeof(append) : sizeof(inc);
        if (ops->at != NULL) {
            ops->at(ops->context, INJECT_POINT_BEFORE);
        }
        int64_t value = -1;
        /* The progress is committed with the request's id first; restarted, the client sends it again. */
        if (ops->call(ops->context, opcode, payload, length, &value) != SEL4FT_RPC_OK) {
            workload->errors++;
            return;
        }
        if (ops->at != NULL) {
            ops->at(ops->context, INJECT_POINT_MIDDLE);
        }
        int64_t expected = (int64_t)progress->rounds + 1;
        if (progress->step != WORKLOAD_SHARED && value != expected) {
            workload->errors++;
            LOG_ERROR("round %lu: %s is %ld, not %ld: an update was %s", (unsigned long)progress->rounds + 1,
                      progress->step == WORKLOAD_OWN ? "own counter" : "own list's length", (long)value,
                      (long)expected, value < expected ? "lost" : "applied twice");
        }
        workload->acknowledged++;
        if (++progress->step == WORKLOAD_STEPS) {
            progress->step = WORKLOAD_OWN;
            progress->rounds++;
        }
    }
}

bool workload_read_back_ok(const workload_progress_t *progress, int64_t counter, uint32_t list_length,
                           uint32_t in_order)
{
    uint64_t items = progress->rounds < RECOVERY_LIST_MAX ? progress->rounds : RECOVERY_LIST_MAX;
    return counter >= 0 && (uint64_t)counter == progress->rounds && list_length == items && in_order == items;
}
