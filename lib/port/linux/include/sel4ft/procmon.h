/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/**
 * @file
 * @brief The Linux port's children: the library's supervision engine (sel4ft/faultmon.h) over child processes.
 *
 * On seL4 a fault monitor's children are protection domains, and the kernel delivers their faults. Here they are
 * processes: the monitor starts each one through a callback, and a process's end, from waitpid(), enters the
 * engine as a failure (SEL4FT_FAILURE_SIGNAL with the signal, or SEL4FT_FAILURE_EXIT with the status) unless the
 * caller says it was planned. The engine restarts and stops children through the port's child hooks, which this
 * module installs (sel4ft_os_linux_hooks_t: child_restart kills and reaps the old process, then starts the next
 * incarnation; child_stop kills and reaps; child_waited reads the kernel's scheduler statistics, so that a child
 * starved of processor time is not taken for a hung one). Heartbeats, restart policies, dependents and events
 * are the engine's, as on seL4. Host builds only.
 *
 * One process monitor per process: it takes SIGCHLD, SIGINT and SIGTERM through a signalfd (they are blocked
 * while it is open) and owns the port's child hooks. Children should be created with sel4ft_procmon_fork(),
 * which starts them with no signal blocked and ends them with their parent.
 *
 * @defgroup procmon Linux process monitor
 * @{
 */

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sel4ft/faultmon.h>

/** The most children one process monitor supervises (ids 0 to this minus one). */
#define SEL4FT_PROCMON_CHILDREN 8u
/** The most descriptors sel4ft_procmon_wait() polls for the caller. */
#define SEL4FT_PROCMON_FDS 8u

/** What the process monitor asks of its user. */
typedef struct sel4ft_procmon_ops {
    /** Start incarnation @p incarnation of @p child (sel4ft_procmon_fork(), then exec or run); return its pid,
     *  or a negative value if it could not be started (the engine then counts a failed restart). Required. */
    pid_t (*start)(void *context, sel4ft_child_t child, uint32_t incarnation);
    /** The engine notifies channel @p channel: a dependent's (a child's channel is its id), or a heartbeat
     *  request. NULL: nothing to do. */
    void (*notify)(void *context, sel4ft_channel_t channel);
    /** A process ended, reaped: @p child is its id, or -1 for a process the monitor does not supervise. Return
     *  true if the end was planned; false hands a child's end to the engine as a failure. NULL: every child's
     *  end is a failure. */
    bool (*ended)(void *context, int child, pid_t pid, int status);
    /** Passed to every callback. */
    void *context;
} sel4ft_procmon_ops_t;

/** A child process's last scheduler statistics (/proc/PID/schedstat), taken just before it was reaped. */
typedef struct sel4ft_procmon_end {
    bool known;            /**< The kernel keeps scheduler statistics. */
    uint64_t ran_ticks;    /**< The time it ran, in its whole life (port ticks). */
    uint64_t waited_ticks; /**< The time it waited, runnable, for a processor. */
} sel4ft_procmon_end_t;

/** What the port's child_waited hook last found of a child (internal). */
typedef struct sel4ft_procmon_usage {
    pid_t pid;       /**< The process (a new incarnation starts afresh). */
    uint64_t at;     /**< When (port ticks). */
    uint64_t ran;    /**< The time it had run then. */
    uint64_t waited; /**< The time it could not use so far. */
} sel4ft_procmon_usage_t;

/** A process monitor. Read its fields; change them only through the functions below. */
typedef struct sel4ft_procmon {
    sel4ft_faultmon_t monitor;                        /**< The engine: its children's records and policies. */
    sel4ft_procmon_ops_t ops;                         /**< The user's callbacks, copied at init. */
    pid_t pids[SEL4FT_PROCMON_CHILDREN];              /**< Each child's process; 0: not running. */
    sel4ft_procmon_end_t ends[SEL4FT_PROCMON_CHILDREN]; /**< Each child's last end, for ops.ended. */
    sel4ft_procmon_usage_t usage[SEL4FT_PROCMON_CHILDREN]; /**< What child_waited last found of each child. */
    int signals;                                      /**< The signalfd of SIGCHLD, SIGINT and SIGTERM. */
    sigset_t saved_mask;                              /**< The caller's signal mask, given back by close. */
    bool quiet;                                       /**< The engine's events are not logged. */
} sel4ft_procmon_t;

/**
 * Set up a process monitor: block SIGCHLD, SIGINT and SIGTERM and take them through a signalfd, and install the
 * port's child hooks. Unless @p quiet, the engine's events are logged through sel4ft/log.h at their levels.
 * @param procmon The monitor to set up (its previous contents are ignored).
 * @param ops     The callbacks; copied, so the structure need not outlive the call.
 * @param quiet   Do not log the engine's events.
 * @return 0, -SEL4FT_EINVAL (no ops->start), or -SEL4FT_EIO (no signalfd).
 */
int sel4ft_procmon_init(sel4ft_procmon_t *procmon, const sel4ft_procmon_ops_t *ops, bool quiet);

/**
 * Supervise @p child as @p config says (its channel becomes its id) and start its first incarnation.
 * @param procmon The monitor.
 * @param child   The child's id, below SEL4FT_PROCMON_CHILDREN.
 * @param config  Its restart policy, heartbeat and dependents, as for sel4ft_faultmon_add_child().
 * @return 0, -SEL4FT_EINVAL (an id >= SEL4FT_PROCMON_CHILDREN, a child already supervised, or a configuration
 *         the engine refuses), or -SEL4FT_EIO (ops.start failed: the child is then not supervised, as before
 *         the call).
 */
int sel4ft_procmon_start(sel4ft_procmon_t *procmon, sel4ft_child_t child,
                         const sel4ft_faultmon_child_config_t *config);

/**
 * Wait until one of @p fds (at most SEL4FT_PROCMON_FDS; their revents filled in) is ready, a process ends, a
 * signal comes, or the engine's next deadline or @p deadline (port ticks; 0: none) passes; then hand every
 * process that ended to ops.ended and the engine, and run the engine's tick.
 * @param procmon  The monitor.
 * @param fds      The caller's descriptors (may be NULL when @p count is 0).
 * @param count    How many there are.
 * @param deadline When to return at the latest, in port ticks; 0: no deadline of the caller's.
 * @return 1, 0 once SIGINT or SIGTERM came, -SEL4FT_EINVAL (too many descriptors), or -SEL4FT_EIO (poll failed).
 */
int sel4ft_procmon_wait(sel4ft_procmon_t *procmon, struct pollfd *fds, unsigned count, uint64_t deadline);

/**
 * A running child's scheduler statistics so far, in port ticks: the time it ran and the time it waited,
 * runnable, for a processor.
 * @param procmon The monitor.
 * @param child   The child's id.
 * @param ran     Set to the time it ran.
 * @param waited  Set to the time it waited.
 * @return 0, -SEL4FT_EAGAIN (not running) or -SEL4FT_ENOTSUP (the kernel keeps no statistics).
 */
int sel4ft_procmon_schedstat(const sel4ft_procmon_t *procmon, sel4ft_child_t child, uint64_t *ran,
                             uint64_t *waited);

/**
 * A child's record in the engine.
 * @param procmon The monitor.
 * @param child   The child's id.
 * @return its record, or NULL for an id the engine does not have.
 */
const sel4ft_faultmon_child_t *sel4ft_procmon_child(const sel4ft_procmon_t *procmon, sel4ft_child_t child);

/**
 * Take a child's process out of the monitor's hands (the caller reaps or kills it itself): its end is then
 * reported to ops.ended with child -1.
 * @param procmon The monitor.
 * @param child   The child's id.
 * @return its pid, or 0 if it was not running.
 */
pid_t sel4ft_procmon_release(sel4ft_procmon_t *procmon, sel4ft_child_t child);

/**
 * Kill and reap every child still running; give back the caller's signal mask, the port's child hooks and the
 * children's channels.
 * @param procmon The monitor; it may be set up again with sel4ft_procmon_init().
 */
void sel4ft_procmon_close(sel4ft_procmon_t *procmon);

/**
 * fork() for a child of a process monitor: standard streams flushed first; the child starts with no signal
 * blocked and is killed when its parent ends (a crashed supervisor leaves no orphans).
 * @return as fork().
 */
pid_t sel4ft_procmon_fork(void);

/**
 * A wait status in words ("exited with status 3", "killed by signal 11 (SIGSEGV)").
 * @param status A status from waitpid().
 * @param text   Where to write the words, NUL-terminated and cut short if need be.
 * @param size   The size of @p text in bytes (0: nothing is written).
 */
void sel4ft_procmon_describe_status(int status, char *text, size_t size);

/** @} */
