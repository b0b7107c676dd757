/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The crasher: one request through its own slot, then a SIGSEGV; in the shared scenario it first maps the
 * server's table writable and scribbles on it. */

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "control.h"
#include "faults.h"
#include "kv_protocol.h"
#include "log.h"
#include "role.h"
#include "server_state.h"
#include "shared.h"
#include "slot.h"

/* How long its request may take. */
#define REQUEST_TIMEOUT_MS 5000

/* A stray write: what a bug with a pointer into a shared mapping does. */
static void scribble_on_server(const baseline_role_options_t *options)
{
    char name[96];
    baseline_shm_name(name, sizeof(name), options->run, "server-state");
    uint8_t *state = baseline_shm_open(options->run, "server-state", SERVER_STATE_MAPPING_SIZE);
    LOG_WARN("mapped the server's table writable (%s, %u bytes), as any process with access to the object can",
             name, SERVER_STATE_MAPPING_SIZE);
    memset(state + 16, 0x5a, 1024);
    LOG_WARN("wrote 1024 bytes of 0x5a into it at offset 16 (a stray memset through a pointer into the mapping)");
}

int baseline_crasher_main(int argc, char **argv)
{
    static const char value[] = "written before the crash";
    baseline_role_options_t options;
    baseline_slot_t slot;

    baseline_role_options_parse(&options, argc, argv);
    baseline_log_open(options.log, options.run, "crasher", BASELINE_FD_LOG);
    baseline_slot_attach_client(&slot, baseline_slot_open(options.run, "crasher"),
                                BASELINE_CLIENT_FD_REQUEST_BELL, BASELINE_CLIENT_FD_REPLY_BELL);
    LOG_INFO("incarnation %u: started; %s", options.incarnation,
             options.shared_state ? "the server's table is a shared memory object I can open"
                                  : "the only memory I share with the server is my own request slot");
    baseline_control_send(BASELINE_FD_CONTROL, BASELINE_CONTROL_READY, options.incarnation, 0, 0);

    kv_put_request_t put = { .value_length = sizeof(value) };
    snprintf(put.key, sizeof(put.key), "crasher");
    memcpy(put.value, value, sizeof(value));
    sel4ft_rpc_header_t reply;
    int err = baseline_slot_call(&slot, KV_PUT, &put, sizeof(put), (uint64_t)options.incarnation << 32 | 1, NULL, 0,
                                 &reply, REQUEST_TIMEOUT_MS);
    LOG_INFO("test request answered: %s", err != 0 ? strerror(-err) : kv_status_str(reply.status));

    if (options.shared_state) {
        scribble_on_server(&options);
    }
    LOG_INFO("dereferencing NULL now");
    baseline_crash_now();
}
