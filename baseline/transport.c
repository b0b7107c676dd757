/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "role.h"
#include "transport.h"

/* How long a request may take before it counts as failed. */
#define REQUEST_TIMEOUT_MS 5000

static void *payload(void *context)
{
    return ((baseline_transport_t *)context)->payload;
}

static const char *describe(int err)
{
    return strerror(-err);
}

static int call(void *context, uint16_t opcode, uint32_t length, void *reply, size_t capacity,
                sel4ft_rpc_reply_t *answer)
{
    baseline_transport_t *t = context;
    uint64_t id = t->next_request_id++;
    sel4ft_rpc_header_t header;
    int err = -ECONNRESET;
    if (length > sizeof(t->payload)) {
        return -E2BIG;
    }
    if (!t->alternate || (t->sent_slot + t->sent_socket) % 2 == 0) {
        t->sent_slot++;
        err = baseline_slot_call(&t->slot, opcode, t->payload, length, id, reply, (uint32_t)capacity, &header,
                                 REQUEST_TIMEOUT_MS);
    } else {
        t->sent_socket++;
        /* A server that restarted closed our connection: reconnect once and send the same request again. */
        for (int attempt = 0; attempt < 2 && err == -ECONNRESET; attempt++) {
            if (t->socket < 0 && (t->socket = baseline_unix_connect(t->run, BASELINE_SERVER_SOCKET)) < 0) {
                return t->socket;
            }
            err = baseline_stream_call(t->socket, t->socket, t->message, opcode, t->payload, length, id, reply,
                                       (uint32_t)capacity, &header);
            if (err != 0) {
                close(t->socket);
                t->socket = -1;
                err = err == -EPIPE ? -ECONNRESET : err;
            }
        }
    }
    if (err == 0) {
        *answer = (sel4ft_rpc_reply_t){ .status = header.status, .length = header.length, .request_id = id,
                                        .epoch = header.epoch };
    }
    return err;
}

void baseline_transport_init(kv_client_t *kv, baseline_transport_t *transport, const char *run, const char *owner,
                             int request_bell, int reply_bell, uint64_t first_request_id, bool alternate)
{
    *transport = (baseline_transport_t){ .run = run, .socket = -1, .alternate = alternate,
                                         .next_request_id = first_request_id };
    baseline_slot_attach_client(&transport->slot, baseline_slot_open(run, owner), request_bell, reply_bell);
    const kv_transport_t ops = { .context = transport, .payload = payload, .call = call, .describe = describe };
    kv_client_init_transport(kv, &ops);
}
