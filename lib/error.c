/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/error.h>

#include "internal.h"

#define ERRTABENT_(code, text) [(code)] = #code ": " text

static const char *const error_table[] = {
    ERRTABENT_(SEL4FT_OK, "success"),
    ERRTABENT_(SEL4FT_EINVAL, "invalid argument"),
    ERRTABENT_(SEL4FT_ENOSPC, "no space left"),
    ERRTABENT_(SEL4FT_EAGAIN, "nothing available, try again"),
    ERRTABENT_(SEL4FT_EBADMSG, "malformed message from peer"),
    ERRTABENT_(SEL4FT_EPROTO, "peer broke the shared-memory protocol"),
    ERRTABENT_(SEL4FT_E2BIG, "too large for the message"),
    ERRTABENT_(SEL4FT_ESTALE, "peer restarted"),
    ERRTABENT_(SEL4FT_EIO, "operating system call failed"),
    ERRTABENT_(SEL4FT_ENOTSUP, "not supported here"),
    ERRTABENT_(SEL4FT_EMISMATCH, "reply does not match the request"),
    ERRTABENT_(SEL4FT_EPEER, "peer answered outside the protocol"),
    ERRTABENT_(SEL4FT_EUNAVAILABLE, "peer unavailable: it restarted under every attempt"),
};

_Static_assert(SEL4FT_ARRAY_SIZE_(error_table) == SEL4FT_ERRNO_MAX + 1, "every error code has a text");

const char *sel4ft_strerror(int error)
{
    /* Negate in unsigned arithmetic: -INT_MIN would overflow. */
    unsigned int code = error < 0 ? 0u - (unsigned int)error : (unsigned int)error;

    if (code < SEL4FT_ARRAY_SIZE_(error_table) && error_table[code] != NULL) {
        return error_table[code];
    }
    return "unknown error";
}
