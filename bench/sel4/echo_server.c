/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* sel4ft's typed request/reply: an echo service. Built twice (see the Makefile): as the plain server,
 * and (RESTARTABLE) as the recovery server, which crashes on request and restarts
 * under the monitor with its .data/.bss restored. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "bench.h"

#include "bench_config.h"

uintptr_t region, region_size;
uintptr_t crash_region;
uintptr_t snapshot_region, snapshot_region_size;

static sel4ft_rpc_server_t server;

/* Both operations are declared opaque: the echo passes its payload on without looking at it (one copy, from the
 * region's request half to its reply half), and a crash request has none. So the server needs no private buffer. */
static uint32_t echo(void *context, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    (void)context;
#ifdef RESTARTABLE
    crash_record_t *record = (crash_record_t *)crash_region;
    if (request->opcode == OP_CRASH && record->crashed_id != request->request_id) {
        record->crashed_id = request->request_id;
        record->stamp = sel4ft_os_ticks();
        *(volatile uint32_t *)0 = 0;
    }
#endif
    if (request->length > response->capacity) {
        return SEL4FT_RPC_TOO_LARGE;
    }
    sel4ft_rpc_request_copy(request, response->payload);
    response->length = request->length;
    return SEL4FT_RPC_OK;
}

void init(void)
{
    uint64_t incarnation = 1;
#ifdef RESTARTABLE
    if (sel4ft_restart_begin((void *)snapshot_region, snapshot_region_size, &incarnation) != 0) {
        __builtin_trap();
    }
#endif
    sel4ft_rpc_server_init(&server, echo, NULL, incarnation, NULL, 0);
    if (sel4ft_rpc_server_declare_opaque(&server, OP_ECHO) != 0 || sel4ft_rpc_server_declare_opaque(&server, OP_CRASH) != 0 ||
        sel4ft_rpc_server_attach(&server, 0, (void *)region, region_size) != 0) {
        __builtin_trap();
    }
#ifdef RESTARTABLE
    if (incarnation > 1) {
        microkit_notify(RECOVERY_SERVER_CH_MONITOR);
        sel4ft_restart_serve(sel4ft_rpc_server_restarted(&server));
    }
#endif
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    /* The handler known here is inlined: a request costs no function call in this PD. */
    return sel4ft_rpc_server_handle_with(&server, ch, msginfo, echo, NULL);
}

void notified(microkit_channel ch)
{
    (void)ch;
}
