/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The client: not supervised, the system's witness. It increments its counter in the server (a child of the
 * monitor) round after round, checking every answer, while the monitor is crashed, hung and restarted above the
 * server; when the monitor's script is over it reads the counter back and tells the monitor. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "recovery_client.h"
#include "system_config.h"
#include "tree.h"

uintptr_t rpc_region, rpc_region_size;
uintptr_t log_ring, log_ring_size;
uintptr_t commands_page;

static recovery_client_t server;

void init(void)
{
    example_log_init(log_ring, log_ring_size, CLIENT_IMAGE_CH_LOGGER);
    sel4ft_call_config_t config = { .region = { (void *)rpc_region, rpc_region_size }, .channel = CLIENT_IMAGE_CH_SERVER };
    if (recovery_client_init(&server, &config) != 0) {
        LOG_ERROR("cannot set up the request region");
        return;
    }
    const tree_commands_t *commands = (const tree_commands_t *)commands_page;
    uint32_t own = sel4ft_os_name()[7] == 'a' ? 0 : 1;
    int64_t rounds = 0;
    while (__atomic_load_n(&commands->over, __ATOMIC_ACQUIRE) == 0) {
        increment_request_t inc = { own, 0, 1 };
        value_reply_t reply = { -1 };
        if (recovery_call(&server, OP_INCREMENT, &inc, sizeof(inc), &reply, sizeof(reply)) != SEL4FT_RPC_OK) {
            break;
        }
        if (reply.value != ++rounds) {
            server.errors++;
            LOG_ERROR("round %ld: the counter is %ld", (long)rounds, (long)reply.value);
        }
        server.acknowledged++;
    }
    static read_reply_t state;
    if (recovery_read(&server, own, &state)) {
        bool exact = state.counter == rounds && server.errors == 0;
        LOG_INFO("read back after %ld rounds: counter %ld: %s", (long)rounds, (long)state.counter,
                 exact ? "nothing lost, nothing applied twice" : "MISMATCH");
    }
    recovery_client_summary(&server, "");
    microkit_notify(CLIENT_IMAGE_CH_MONITOR);
}

void notified(microkit_channel ch)
{
    LOG_WARN("unexpected notification on channel %u", ch);
}
