/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* What a demo role (logger, server, client, crasher) gets from its starter: options on its command line,
 * descriptors at fixed numbers, the names of the run's processes, slots and socket; and, on the starter's side,
 * the server's resources. */

#include <stdbool.h>
#include <stdint.h>

#include "log.h"
#include "spawn.h"

/* The options every demo role gets from the supervisor. */
typedef struct baseline_role_options {
    const char *run;              /* The run's id (names of shared memory objects and sockets). */
    enum baseline_log_mode log;   /* How to log. */
    uint32_t incarnation;         /* 1 for the first start, +1 per restart. */
    bool shared_state;            /* Server: state in a shared object; crasher: map it and scribble on it. */
    bool quiet;                   /* Logger: count records but print nothing (benchmark memory run). */
} baseline_role_options_t;

/* Parse "--run R --log ring|dgram|stderr --incarnation N [--shared-state] [--quiet]"; dies on anything else. */
void baseline_role_options_parse(baseline_role_options_t *options, int argc, char **argv);

/* Descriptor layout of each demo role (BASELINE_FD_FIRST + index). */
enum {
    BASELINE_FD_CONTROL = BASELINE_FD_FIRST, /* every role: its control socket to the supervisor */
    BASELINE_FD_LOG,                         /* producers: the eventfd that wakes the logger (ring mode);
                                                logger: its datagram socket */
    BASELINE_FD_ROLE,                        /* the first of a role's own descriptors (below) */
};

/* Server: the listening socket, then the request and reply bells of each slot (client's, crasher's). */
#define BASELINE_SERVER_FD_LISTEN (BASELINE_FD_ROLE + 0)
#define BASELINE_SERVER_FD_BELLS (BASELINE_FD_ROLE + 1)
/* Client and crasher: the request and reply bells of their slot. */
#define BASELINE_CLIENT_FD_REQUEST_BELL (BASELINE_FD_ROLE + 0)
#define BASELINE_CLIENT_FD_REPLY_BELL (BASELINE_FD_ROLE + 1)
/* Logger: one bell per log ring, in the order of baseline_log_sources. */
#define BASELINE_LOGGER_FD_BELLS (BASELINE_FD_ROLE + 0)

/* The processes that log through the logger, in a fixed order (the logger's bells follow it). */
#define BASELINE_LOG_SOURCE_NUM 4u
extern const char *const baseline_log_sources[BASELINE_LOG_SOURCE_NUM];

/* The request slots the server serves, in a fixed order (its bells follow it). */
#define BASELINE_SLOT_NUM 2u
extern const char *const baseline_slot_owners[BASELINE_SLOT_NUM];

/* The server's listening socket: the demo's service, the key-value protocol over sel4ft_rpc framing. */
#define BASELINE_SERVER_SOCKET "server"

typedef struct baseline_server_resources {
    void *slots[BASELINE_SLOT_NUM]; /* In the order of baseline_slot_owners. */
    int bells[BASELINE_SLOT_NUM][2]; /* Each slot's request and reply bell. */
    int listener;
} baseline_server_resources_t;

/* Create them for run `run` (dies on error). */
void baseline_server_resources_create(baseline_server_resources_t *resources, const char *run);

/* Fill fds with the descriptors a role gets from BASELINE_FD_CONTROL on (role.h): `control`, `log`, then the
 * server's (slot < 0) or the client of slot `slot`'s own. Returns how many. */
unsigned baseline_server_resources_fds(const baseline_server_resources_t *resources, int slot, int control, int log,
                                       int *fds);

/* Remove the slots and close the descriptors. */
void baseline_server_resources_release(baseline_server_resources_t *resources, const char *run);
