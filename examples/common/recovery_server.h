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

#include <sel4ft/checkpoint.h>
#include <sel4ft/rpc.h>

#include "recovery_protocol.h"

/* Where in an update (an increment or an append) the server calls the example's hook. */
enum recovery_update_point {
    UPDATE_BEFORE_APPLY = 0, /* nothing changed yet */
    UPDATE_BEFORE_COMMIT,    /* applied and recorded in memory, the reply written; not yet checkpointed */
    UPDATE_BEFORE_REPLY,     /* committed to the checkpoint; the reply not yet sent */
    UPDATE_POINTS
};

typedef struct {
    /* OP_INJECT from a client (arm a fault for the next update): returns the reply's status. NULL: the server
     * refuses the operation (SEL4FT_RPC_UNKNOWN_OPERATION). */
    uint32_t (*arm)(const sel4ft_rpc_request_t *request);
    /* Called at each point of every update. It may fault, and so not return: the monitor restarts the server,
     * which resumes from its newest valid checkpoint. @p checkpoint is the server's (a fault may corrupt it). */
    void (*at)(enum recovery_update_point point, uint64_t incarnation, sel4ft_checkpoint_t *checkpoint);
} recovery_server_hooks_t;

/* Defined by the example, in a source it links into its server. */
extern const recovery_server_hooks_t recovery_server_hooks;
