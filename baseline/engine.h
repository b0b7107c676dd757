/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The library's supervision engine (sel4ft/faultmon.h) over child processes, through the Linux port. The
 * engine's restart kills the old process if it still runs, reaps it, and starts the next incarnation; its stop
 * kills and reaps; its notifications go to the supervisor's handler (a child's channel is its id). A process's
 * end, from waitpid(), enters the engine as a SIGNAL or EXIT failure unless the supervisor says it was planned.
 * The engine's events are logged with the library's log (log.h) in the engine's own format, at their levels. */

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <sel4ft/faultmon.h>

/* The most children an engine here supervises, and the most descriptors baseline_engine_wait() polls for. */
#define BASELINE_ENGINE_CHILDREN 4u
#define BASELINE_ENGINE_FDS 8u

typedef struct baseline_engine_ops {
    /* Start incarnation `incarnation` of `child`; return its pid (die on failure). */
    pid_t (*start)(void *context, sel4ft_child_t child, uint32_t incarnation);
    /* The engine notifies channel `channel` (a dependent, or a heartbeat request). NULL: nothing to do. */
    void (*notify)(void *context, sel4ft_channel_t channel);
    /* A process ended: `child` is its id, or -1 if the engine does not supervise it. Return true if the end was
     * planned; false hands a child's end to the engine as a failure. NULL: every child's end is a failure. */
    bool (*ended)(void *context, int child, pid_t pid, int status);
    void *context;
} baseline_engine_ops_t;

/* A child process's last scheduler statistics (/proc/<pid>/schedstat), taken as it was reaped. */
typedef struct baseline_engine_end {
    bool known;            /* The kernel keeps scheduler statistics. */
    uint64_t ran_ticks;    /* The time it ran, in its whole life (port ticks). */
    uint64_t waited_ticks; /* The time it waited, runnable, for a processor (sel4ft_os_child_waited()). */
} baseline_engine_end_t;

/* What sel4ft_os_child_waited() last found of a child process. */
typedef struct baseline_engine_usage {
    pid_t pid;       /* The process (a new incarnation starts afresh). */
    uint64_t at;     /* When (port ticks). */
    uint64_t ran;    /* The time it had run then. */
    uint64_t waited; /* The time it could not use so far. */
} baseline_engine_usage_t;

typedef struct baseline_engine {
    sel4ft_faultmon_t monitor;
    baseline_engine_ops_t ops;
    pid_t pids[BASELINE_ENGINE_CHILDREN]; /* 0: not running. */
    baseline_engine_end_t ends[BASELINE_ENGINE_CHILDREN]; /* Each child's last end, for ops.ended. */
    baseline_engine_usage_t usage[BASELINE_ENGINE_CHILDREN]; /* For sel4ft_os_child_waited(). */
    int signals;                          /* baseline_child_signals(). */
    bool quiet;                           /* Events are not logged. */
} baseline_engine_t;

/* Set up the engine, take SIGCHLD, SIGINT and SIGTERM, and install the port's child hooks. */
void baseline_engine_init(baseline_engine_t *engine, const baseline_engine_ops_t *ops, bool quiet);

/* Supervise `child` as `config` says (its channel becomes its id) and start its first incarnation. */
void baseline_engine_start(baseline_engine_t *engine, sel4ft_child_t child,
                           const sel4ft_faultmon_child_config_t *config);

/* Wait until one of `fds` (at most BASELINE_ENGINE_FDS; revents filled in) is ready, a process ends, a signal
 * comes, or the engine's next deadline or `deadline` (0: none) passes; then hand every end to ops.ended and the
 * engine, and run the engine's tick. Returns false once SIGINT or SIGTERM came. */
bool baseline_engine_wait(baseline_engine_t *engine, struct pollfd *fds, unsigned count, uint64_t deadline);

/* A running child's scheduler statistics so far: the time it ran and the time it waited, runnable, for a
 * processor, in port ticks. 0, -SEL4FT_EAGAIN (not running) or -SEL4FT_ENOTSUP (no statistics). */
int baseline_engine_schedstat(const baseline_engine_t *engine, sel4ft_child_t child, uint64_t *ran, uint64_t *waited);

/* A child's record in the engine. */
const sel4ft_faultmon_child_t *baseline_engine_child(const baseline_engine_t *engine, sel4ft_child_t child);

/* Kill and reap every child still running; give back the signals and the port's hooks. */
void baseline_engine_close(baseline_engine_t *engine);
