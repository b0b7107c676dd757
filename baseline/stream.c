/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include <sel4ft/error.h>

#include "cli.h"
#include "stream.h"

/* Write all of buffer. Returns 0 or -errno. */
static int write_all(int fd, const void *buffer, size_t length)
{
    const uint8_t *p = buffer;
    while (length > 0) {
        /* send() with MSG_NOSIGNAL would be nicer on sockets, but pipes need write(); SIGPIPE is ignored. */
        ssize_t n = write(fd, p, length);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

/* Read until `have` reaches `want` bytes. Returns 0, -EPIPE at end of stream, or -errno. */
static int read_until(int fd, uint8_t *buffer, size_t *have, size_t want)
{
    while (*have < want) {
        ssize_t n = read(fd, buffer + *have, want - *have);
        if (n == 0) {
            return -EPIPE;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        *have += (size_t)n;
    }
    return 0;
}

int baseline_stream_receive(int fd, uint8_t *buffer, sel4ft_rpc_header_t *header)
{
    size_t have = 0;
    /* One read usually brings the whole message: the peer never has more than one in flight. */
    int err = read_until(fd, buffer, &have, sizeof(*header));
    if (err != 0) {
        return err;
    }
    /* The buffer is private: validate the copy, and trust nothing but the copy. */
    err = sel4ft_rpc_header_read(buffer, BASELINE_MESSAGE_MAX, header);
    if (err != 0) {
        return err == -SEL4FT_E2BIG ? -E2BIG : -EBADMSG;
    }
    return read_until(fd, buffer, &have, sizeof(*header) + header->length);
}

int baseline_stream_send(int fd, uint8_t *buffer, uint16_t opcode, uint32_t status, const void *payload,
                         uint32_t length, uint64_t request_id, uint64_t epoch)
{
    if (length > BASELINE_PAYLOAD_MAX) {
        return -E2BIG;
    }
    if (length > 0) {
        memcpy(buffer + sizeof(sel4ft_rpc_header_t), payload, length);
    }
    sel4ft_rpc_header_write(buffer, opcode, status, length, request_id, epoch);
    return write_all(fd, buffer, sizeof(sel4ft_rpc_header_t) + length);
}

int baseline_stream_call(int out, int in, uint8_t *buffer, uint16_t opcode, const void *payload, uint32_t length,
                         uint64_t request_id, void *reply_payload, uint32_t reply_capacity, sel4ft_rpc_header_t *reply)
{
    int err = baseline_stream_send(out, buffer, opcode, 0, payload, length, request_id, 0);
    if (err == 0) {
        err = baseline_stream_receive(in, buffer, reply);
    }
    return err != 0 ? err : baseline_reply_take(reply, buffer, opcode, request_id, reply_payload, reply_capacity);
}

socklen_t baseline_unix_address(void *address, const char *run, const char *what)
{
    struct sockaddr_un *a = address;
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    int n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "sel4ft-%s-%s", run, what);
    if (n < 0 || (size_t)n >= sizeof(a->sun_path) - 1) {
        baseline_die("socket name for %s too long", what);
    }
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

int baseline_unix_listen(const char *run, const char *what)
{
    struct sockaddr_un address;
    socklen_t length = baseline_unix_address(&address, run, what);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, length) != 0 || listen(fd, 16) != 0) {
        baseline_die("listening socket %s: %s", what, strerror(errno));
    }
    return fd;
}

int baseline_unix_connect(const char *run, const char *what)
{
    struct sockaddr_un address;
    socklen_t length = baseline_unix_address(&address, run, what);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (connect(fd, (struct sockaddr *)&address, length) != 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    return fd;
}
