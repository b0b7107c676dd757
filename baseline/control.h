/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Control messages between the supervisor and its children: SOCK_SEQPACKET, one struct per message. */

#include <stdint.h>

enum baseline_control_type {
    BASELINE_CONTROL_READY = 1,      /* child -> supervisor: initialised and serving; a = incarnation */
    BASELINE_CONTROL_PHASE_DONE,     /* client -> supervisor: a = phase (1, 2), b = succeeded, c = failed */
    BASELINE_CONTROL_PEER_FAILED,    /* supervisor -> client: a process it depends on failed (the engine's word) */
    BASELINE_CONTROL_CONTINUE,       /* supervisor -> client: go on to phase 2 */
    BASELINE_CONTROL_CORRUPTED,      /* server -> supervisor: its state failed the integrity check */
    BASELINE_CONTROL_FINISH,         /* supervisor -> server, logger: finish and exit */
    BASELINE_CONTROL_TYPE_NUM
};

typedef struct baseline_control {
    uint32_t type; /* A baseline_control_type. */
    uint32_t a;
    uint64_t b;
    uint64_t c;
} baseline_control_t;

_Static_assert(sizeof(baseline_control_t) == 24, "control message layout");

/* Send a control message; returns 0 or -errno. */
int baseline_control_send(int fd, uint32_t type, uint32_t a, uint64_t b, uint64_t c);
/* Receive one (blocking unless the socket is non-blocking); returns 1 with a valid message, 0 at EOF,
 * -EBADMSG for a malformed one, or -errno. */
int baseline_control_receive(int fd, baseline_control_t *message);
