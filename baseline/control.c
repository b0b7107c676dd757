/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <errno.h>
#include <sys/socket.h>

#include "control.h"

int baseline_control_send(int fd, uint32_t type, uint32_t a, uint64_t b, uint64_t c)
{
    baseline_control_t message = { .type = type, .a = a, .b = b, .c = c };
    ssize_t n;
    do {
        n = send(fd, &message, sizeof(message), MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof(message) ? 0 : (n < 0 ? -errno : -EIO);
}

int baseline_control_receive(int fd, baseline_control_t *message)
{
    ssize_t n;
    do {
        n = recv(fd, message, sizeof(*message), 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
        return 0;
    }
    if (n < 0) {
        return -errno;
    }
    if (n != (ssize_t)sizeof(*message) || message->type == 0 || message->type >= BASELINE_CONTROL_TYPE_NUM) {
        return -EBADMSG;
    }
    return 1;
}
