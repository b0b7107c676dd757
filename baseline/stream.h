/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Byte streams: messages on them (a sel4ft_rpc header, then its payload), and the Unix sockets of a run in the
 * abstract namespace, "\0sel4ft-<run>-<what>" (no file to create or remove, gone when the last socket closes). */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <sel4ft/rpc.h>

/* Largest payload of a request or reply, the biggest benchmark payload. */
#define BASELINE_PAYLOAD_MAX 4096u
/* A message: a sel4ft_rpc header followed by its payload. */
#define BASELINE_MESSAGE_MAX (sizeof(sel4ft_rpc_header_t) + BASELINE_PAYLOAD_MAX)

/* Receive one message from a byte stream into a private buffer of BASELINE_MESSAGE_MAX bytes, then validate
 * its header (sel4ft_rpc_header_read on the private copy). Returns 0 with *header filled and the payload at
 * buffer + sizeof(sel4ft_rpc_header_t); -EPIPE at end of stream before a message; -EBADMSG (malformed header),
 * -E2BIG (length beyond the payload maximum), or another -errno. */
int baseline_stream_receive(int fd, uint8_t *buffer, sel4ft_rpc_header_t *header);

/* Compose header + payload in a private buffer and write it in one go. Returns 0 or -errno. */
int baseline_stream_send(int fd, uint8_t *buffer, uint16_t opcode, uint32_t status, const void *payload,
                         uint32_t length, uint64_t request_id, uint64_t epoch);

/* A call: send a request on `out`, receive the reply on `in` (the same descriptor for a socket), through the
 * private buffer. Returns 0 with *reply filled (look at reply->status) and its payload copied out; -EBADMSG for
 * a reply to another request or opcode; -ENOSPC if the reply payload exceeds reply_capacity; or as above. */
int baseline_stream_call(int out, int in, uint8_t *buffer, uint16_t opcode, const void *payload, uint32_t length,
                         uint64_t request_id, void *reply_payload, uint32_t reply_capacity, sel4ft_rpc_header_t *reply);

/* The end of a call: a reply whose header was read and validated, its payload after the header in `message`. Returns
 * 0 with the payload copied out, -EBADMSG for a reply to another request or opcode, -ENOSPC if the payload exceeds
 * capacity. */
static inline int baseline_reply_take(const sel4ft_rpc_header_t *reply, const uint8_t *message, uint16_t opcode,
                                      uint64_t request_id, void *payload, uint32_t capacity)
{
    if (reply->request_id != request_id || reply->opcode != opcode) {
        return -EBADMSG;
    }
    if (reply->length > capacity) {
        return -ENOSPC;
    }
    if (reply->length > 0) {
        memcpy(payload, message + sizeof(*reply), reply->length);
    }
    return 0;
}

/* Fill the address (a struct sockaddr_un); returns its length for bind/connect. Dies if the name is too long. */
socklen_t baseline_unix_address(void *address, const char *run, const char *what);

/* A listening SOCK_STREAM socket at the address (close-on-exec). Dies on error. */
int baseline_unix_listen(const char *run, const char *what);

/* Connect a SOCK_STREAM socket to the address. Returns the descriptor or -errno. */
int baseline_unix_connect(const char *run, const char *what);
