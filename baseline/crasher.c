/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The crasher: one request through its own slot, then a SIGSEGV; in the shared scenario it first maps the
 * server's table writable and scribbles on it. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "control.h"
#include "inject_fault.h"
#include "log.h"
#include "role.h"
#include "server_state.h"
#include "shared.h"
#include "transport.h"

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
    static baseline_role_options_t options;
    static baseline_transport_t transport;
    kv_client_t kv;

    baseline_role_options_parse(&options, argc, argv);
    baseline_log_open(options.log, options.run, "crasher", BASELINE_FD_LOG);
    baseline_transport_init(&kv, &transport, options.run, "crasher", BASELINE_CLIENT_FD_REQUEST_BELL,
                            BASELINE_CLIENT_FD_REPLY_BELL, (uint64_t)options.incarnation << 32 | 1, false);
    LOG_INFO("incarnation %u: started; %s", options.incarnation,
             options.shared_state ? "the server's table is a shared memory object I can open"
                                  : "the only memory I share with the server is my own request slot");
    baseline_control_send(BASELINE_FD_CONTROL, BASELINE_CONTROL_READY, options.incarnation, 0, 0);

    bool ok = kv_put(&kv, "crasher", value, sizeof(value), SEL4FT_RPC_OK);
    LOG_INFO("test request answered: %s", ok ? kv_status_str(SEL4FT_RPC_OK) : "not as expected");

    if (options.shared_state) {
        scribble_on_server(&options);
    }
    LOG_INFO("dereferencing NULL now");
    inject_write(NULL);
    abort(); /* not reached */
}
