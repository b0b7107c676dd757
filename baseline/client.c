/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The client: the seL4 fault_tolerance client's batches of key-value requests (services/kv_client.h), before and
 * after the crash, alternating between its request slot in POSIX shared memory and the server's Unix socket, every
 * answer checked; between the batches it waits for the supervisor's word about the crasher. */

#include "cli.h"
#include "control.h"
#include "log.h"
#include "role.h"
#include "transport.h"

#define PHASE1_REQUESTS 30u
#define PHASE2_REQUESTS 50u

static baseline_role_options_t options;
static kv_client_t kv;
static baseline_transport_t transport;

/* A batch of `count` requests; tells the supervisor how it went. */
static void phase(uint32_t number, const char *counter, uint32_t count)
{
    uint64_t succeeded = kv.succeeded, failed = kv.failed;
    uint64_t slot = transport.sent_slot, socket = transport.sent_socket;
    kv_batch(&kv, counter, count);
    succeeded = kv.succeeded - succeeded;
    failed = kv.failed - failed;
    LOG_INFO("%s: %u requests (%lu through shared memory, %lu over the socket), %lu succeeded, %lu failed",
             number == 1 ? "before the crash" : "after the crash", count,
             (unsigned long)(transport.sent_slot - slot), (unsigned long)(transport.sent_socket - socket),
             (unsigned long)succeeded, (unsigned long)failed);
    baseline_control_send(BASELINE_FD_CONTROL, BASELINE_CONTROL_PHASE_DONE, number, succeeded, failed);
}

int baseline_client_main(int argc, char **argv)
{
    baseline_role_options_parse(&options, argc, argv);
    baseline_log_open(options.log, options.run, "client", BASELINE_FD_LOG);
    baseline_transport_init(&kv, &transport, options.run, "client", BASELINE_CLIENT_FD_REQUEST_BELL,
                            BASELINE_CLIENT_FD_REPLY_BELL, (uint64_t)options.incarnation << 32 | 1, true);
    kv.log_limit = 3; /* a refusing server would flood the log */
    LOG_INFO("started (incarnation %u): requests through my slot in POSIX shared memory and over the server's "
             "Unix socket, in turn", options.incarnation);
    baseline_control_send(BASELINE_FD_CONTROL, BASELINE_CONTROL_READY, options.incarnation, 0, 0);

    phase(1, "before", PHASE1_REQUESTS);

    /* Until the supervisor says go on (once the crasher is given up), hearing of each of its failures. */
    uint32_t failures = 0;
    for (baseline_control_t message = { 0 }; message.type != BASELINE_CONTROL_CONTINUE;) {
        if (baseline_control_receive(BASELINE_FD_CONTROL, &message) != 1) {
            LOG_ERROR("the supervisor went away");
            return 1;
        }
        if (message.type == BASELINE_CONTROL_PEER_FAILED) {
            LOG_INFO("the supervisor reports that a process I depend on failed");
            failures++;
        }
    }
    if (failures > 0) {
        LOG_INFO("going on after %u failures of a process I depend on: checking that the server still answers",
                 failures);
    }
    phase(2, "after", PHASE2_REQUESTS);
    /* What the crasher wrote before it died is still there (the server's state was not touched); the summaries. */
    transport.alternate = false;
    kv_wrap_up(&kv, "crasher");
    return 0;
}
