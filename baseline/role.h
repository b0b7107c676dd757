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

#include <sys/types.h>

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

/* What a run's starter owns, as a Microkit system description does: each slot and its request and reply bells,
 * the server's listening socket, each source's log ring and its bell (ring mode) or the logger's datagram socket
 * (dgram mode), the server's table as a shared object (the shared scenario), /dev/null for unused positions. */
typedef struct baseline_run {
    char name[32];                            /* The run's id. */
    enum baseline_log_mode log;
    void *slots[BASELINE_SLOT_NUM];           /* In the order of baseline_slot_owners. */
    int bells[BASELINE_SLOT_NUM][2];
    int listener;
    void *log_rings[BASELINE_LOG_SOURCE_NUM]; /* In the order of baseline_log_sources; NULL without. */
    int log_bells[BASELINE_LOG_SOURCE_NUM];   /* -1 without. */
    int log_socket;                           /* -1 without. */
    void *state;                              /* NULL without. */
    int placeholder;
} baseline_run_t;

/* Create them (dies on error). */
void baseline_run_create(baseline_run_t *run, const char *name, enum baseline_log_mode log, bool shared_state);

/* Start incarnation `incarnation` of role `role` ("logger", "server", "client", "crasher") with fork + exec: its
 * options (and `flag`, if not NULL), its descriptor layout, and a fresh control socket, whose other end goes into
 * *control (blocking, close-on-exec). Returns its pid. */
pid_t baseline_run_start(const baseline_run_t *run, const char *role, uint32_t incarnation, const char *flag,
                         int *control);

/* Remove the shared objects and close the descriptors. */
void baseline_run_release(baseline_run_t *run);
