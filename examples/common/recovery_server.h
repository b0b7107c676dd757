/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The recovery service's server PD (recovery_server.c), and the hooks through which an example makes faults
 * strike inside it. An example links, beside recovery_server.c, one source of its own that defines
 * recovery_server_hooks: examples/recovery arms crashes on a client's request, examples/campaign takes the
 * monitor's injections. */

#include <stdint.h>

#include <sel4ft/rpc.h>
#include <sel4ft/service.h>

#include "recovery_protocol.h"

typedef struct {
    /* OP_INJECT from a client (arm a fault for the next update): returns the reply's status. NULL: the server
     * refuses the operation (SEL4FT_RPC_UNKNOWN_OPERATION). */
    uint32_t (*arm)(const sel4ft_rpc_request_t *request);
    /* Called at each point of every new update (an increment or an append). It may fault, and so not return: the
     * monitor restarts the server, which resumes from its newest valid checkpoint (service->checkpoint, which a
     * fault may corrupt). */
    void (*at)(sel4ft_service_t *service, sel4ft_service_point_t point);
} recovery_server_hooks_t;

/* Defined by the example, in a source it links into its server. */
extern const recovery_server_hooks_t recovery_server_hooks;
