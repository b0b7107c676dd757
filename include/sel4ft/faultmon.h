/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sel4ft/fault.h>
#include <sel4ft/logring.h>
#include <sel4ft/os.h>
#include <sel4ft/supervisor.h>

/**
 * @defgroup faultmon Fault monitor
 * @brief The body of a PD that supervises its children: detect, decode, log, act, tell dependents.
 *
 * A monitor PD is the parent of the PDs it watches, so the kernel sends their
 * faults to its `fault()` entry point. Call sel4ft_faultmon_handle() from
 * there: it decodes the fault, writes one line about it to the monitor's log,
 * applies the child's policy (stop it, or restart it from a clean stack) and
 * notifies the channels of the PDs that depend on the child.
 *
 * The decision is a pure function, sel4ft_faultmon_decide(), tested on the
 * host; the actions go through the port (@ref os).
 *
 * Limits that follow from seL4's scheduling contexts (see sel4ft_os_child_restart()):
 * - watch for hangs only PDs that do not block in calls to servers: a client
 *   blocked in a call stops answering heartbeats, and restarting it would leave
 *   it without a scheduling context;
 * - a group restart restarts only the members that failed, wait for a
 *   restart or are still restarting; running members are notified on their
 *   channel instead (a member that has just finished restarting but whose
 *   "serving" notification the monitor has not taken yet is restarted again);
 * - escalating a passive server to "stop" strands a client blocked in a call to
 *   it (nobody else can answer that call): give servers a restart policy;
 * - a hung child starves the children of lower priority, which then miss their
 *   heartbeats too: give each watched child its priority, and a child is not
 *   counted as hung while one above it is missing beats (children starved by
 *   a busy PD the monitor does not watch are not told apart from hung ones).
 *
 * Deadlines (the next heartbeat check, the end of a back-off, a recovery
 * deadline) are the time they start from plus a number of ticks, saturated at
 * UINT64_MAX, which means never: a period, back-off or timeout that would reach
 * past 2^64 ticks never falls due, and sel4ft_faultmon_next_deadline() does not
 * report it.
 * @{
 */

/** The most children a monitor can watch (Microkit child ids are 0..63). */
#define SEL4FT_FAULTMON_MAX_CHILDREN 64u

/** Heartbeat periods a child may miss before it counts as hung. */
#define SEL4FT_FAULTMON_MISSED_BEATS_HUNG 2u

/** How many times in a row a child that misses its beats while one of higher priority does too is given its
 *  grace periods afresh (see sel4ft_faultmon_child_config_t.priority) before it counts as hung all the same;
 *  the count starts again when it beats or when a child of higher priority fails. */
#define SEL4FT_FAULTMON_STARVED_SPARES 3u

/** What to do with a child that failed (faulted, or stopped answering heartbeats). */
typedef enum {
    SEL4FT_FAULTMON_STOP = 0, /**< Suspend it and leave it stopped; dependents are told. */
    SEL4FT_FAULTMON_RESTART,  /**< Restart it under its supervision policy; dependents are told. */
    SEL4FT_FAULTMON_ACTION_NUM
} sel4ft_faultmon_action_t;

/** A child's lifecycle state as the monitor sees it. */
typedef enum {
    SEL4FT_FAULTMON_UNWATCHED = 0, /**< Not configured. */
    SEL4FT_FAULTMON_RUNNING,       /**< Running (never failed, or said it is serving again). */
    SEL4FT_FAULTMON_STOPPED,       /**< Stopped for good (its policy says stop, or gave up). */
    SEL4FT_FAULTMON_WAITING,       /**< Stopped until its back-off ends, then restarted. */
    SEL4FT_FAULTMON_RESTARTING,    /**< Restarted; has not yet said it is serving again. */
} sel4ft_faultmon_state_t;

/** A child's heartbeat: a counter it increments whenever the monitor asks (shared, monitor reads only). */
typedef struct sel4ft_heartbeat {
    uint64_t beats; /**< Written by the child only. */
} sel4ft_heartbeat_t;

/**
 * @brief The child's side of a heartbeat: one beat (on a heartbeat request, or as it makes progress).
 * @param heartbeat The child's heartbeat, in the region it shares with its monitor.
 */
static inline void sel4ft_heartbeat_beat(sel4ft_heartbeat_t *heartbeat)
{
    /* Only the child writes the counter; the monitor reads it untorn and only compares it. */
    __atomic_store_n(&heartbeat->beats, heartbeat->beats + 1, __ATOMIC_RELAXED);
}

/** How a child is supervised. */
typedef struct sel4ft_faultmon_child_config {
    const char *name;    /**< The child's name, for the log (kept by pointer). */
    uint32_t on_fault;   /**< A sel4ft_faultmon_action_t. */
    uint32_t group;      /**< Children that share a non-zero group restart together when one escalates with
                              SEL4FT_SUPERVISOR_ESCALATE_GROUP. */
    uint64_t dependents; /**< Bit n set: notify channel n when this child fails, restarts or is given up. */
    const sel4ft_supervisor_policy_t *policy; /**< With RESTART: the policy (copied). NULL: restart at once,
                                                   every time, with no limit. */
    const sel4ft_heartbeat_t *heartbeat; /**< The child's heartbeat, or NULL: not watched for hangs. */
    sel4ft_channel_t channel; /**< The channel shared with the child: the monitor asks for heartbeats on it,
                                   and the child notifies it when it is serving (again). */
    uint32_t priority;        /**< The child's scheduling priority as in the system description, or 0 if not
                                   given. A child is not counted as hung while a watched child of higher
                                   priority is missing its heartbeat too (or restarting), at this check or
                                   the one before (a spinning child starves every child below it); it gets
                                   its grace periods afresh instead (a bounded number of times: see
                                   SEL4FT_FAULTMON_STARVED_SPARES). */
} sel4ft_faultmon_child_config_t;

/** The monitor's record of one child. */
typedef struct sel4ft_faultmon_child {
    sel4ft_faultmon_child_config_t config; /**< As added. */
    sel4ft_supervisor_policy_t policy;     /**< The policy in force. */
    sel4ft_supervisor_state_t supervision; /**< The policy's memory (incarnation, restarts in the window). */
    uint32_t state;                        /**< A sel4ft_faultmon_state_t. */
    uint32_t faults;                       /**< Faults seen from this child. */
    uint32_t hangs;                        /**< Times it was found hung. */
    uint32_t restarts;                     /**< Times it was restarted. */
    uint32_t missed_beats;                 /**< Consecutive heartbeat periods without a beat. */
    uint32_t starved_spares;               /**< Times in a row it was spared as starved by a child above it. */
    uint32_t serving;                      /**< Non-zero once it said it serves: heartbeats are checked from then. */
    uint64_t last_beats;                   /**< The counter at the last check. */
    uint64_t failure_ticks;                /**< When it last failed. */
    uint64_t restart_at;                   /**< WAITING: when to restart it. */
    uint64_t restarted_at;                 /**< When it was last restarted. */
    uint64_t last_recovery_ticks;          /**< Failure to "serving again", last time. */
    uint64_t max_recovery_ticks;           /**< The longest such time. */
    sel4ft_fault_t last_fault;             /**< Its last fault, decoded. */
} sel4ft_faultmon_child_t;

/** A fault monitor. */
typedef struct sel4ft_faultmon {
    sel4ft_faultmon_child_t children[SEL4FT_FAULTMON_MAX_CHILDREN]; /**< Indexed by child id. */
    sel4ft_logring_producer_t *log; /**< Where lines go; NULL: the console. */
    uint64_t heartbeat_period;      /**< Ticks between heartbeat checks (0: no checks). */
    uint64_t recovery_timeout;      /**< A restarted child that has not said it serves within this many ticks
                                         failed again (0: no limit). */
    uint64_t next_heartbeat;        /**< When the next check is due. */
    uint32_t missing_priority;      /**< The highest priority of the children that missed a beat at the last
                                         check (0: none). */
    uint64_t tick_hz;               /**< Counter frequency, for the microseconds in the log. */
    uint64_t faults;                /**< Faults seen in all. */
    uint64_t unknown_children;      /**< Faults from ids that were never added (each such child is stopped). */
    uint64_t action_errors;         /**< Stops or restarts the kernel refused. */
} sel4ft_faultmon_t;

/**
 * @brief Set up a monitor with no children.
 * @param monitor The monitor.
 * @param log The monitor's log ring, or NULL to write to the console.
 * @return 0, or -SEL4FT_EINVAL.
 */
int sel4ft_faultmon_init(sel4ft_faultmon_t *monitor, sel4ft_logring_producer_t *log);

/**
 * @brief Watch a child.
 * @param monitor The monitor.
 * @param child The child's id, as in the system description.
 * @param config How to supervise it (copied, its policy too).
 * @return 0, or -SEL4FT_EINVAL for an id >= SEL4FT_FAULTMON_MAX_CHILDREN, a NULL name, an unknown
 *         action, an invalid policy, or a channel above SEL4FT_OS_MAX_CHANNEL.
 */
int sel4ft_faultmon_add_child(sel4ft_faultmon_t *monitor, sel4ft_child_t child,
                              const sel4ft_faultmon_child_config_t *config);

/**
 * @brief Check heartbeats every @p period ticks (children with a heartbeat only).
 * @param monitor The monitor.
 * @param period Ticks between checks; 0 turns checking off. A check that would fall at or past
 *        2^64 - 1 ticks never comes.
 * @param now The current time.
 */
void sel4ft_faultmon_set_heartbeat_period(sel4ft_faultmon_t *monitor, uint64_t period, uint64_t now);

/**
 * @brief Give restarted children a deadline to say they serve again.
 *
 * A child still restarting @p timeout ticks after its failure counts as
 * failed again (its restart path hung, or it could not run), and its policy
 * decides what next. Children that never notify the monitor must not be
 * supervised with a timeout.
 * @param monitor The monitor.
 * @param timeout Ticks; 0 turns the deadline off, and so does one that ends at or past 2^64 - 1.
 */
void sel4ft_faultmon_set_recovery_timeout(sel4ft_faultmon_t *monitor, uint64_t timeout);

/**
 * @brief Decide what to do about a fault, before the policy's history is consulted (pure).
 * @param monitor The monitor.
 * @param child The faulting child.
 * @param fault The decoded fault.
 * @return The child's configured action; SEL4FT_FAULTMON_STOP for an unknown child or an unknown fault kind.
 */
sel4ft_faultmon_action_t sel4ft_faultmon_decide(const sel4ft_faultmon_t *monitor, sel4ft_child_t child,
                                                const sel4ft_fault_t *fault);

/**
 * @brief Handle a child's fault: call this from `fault()`.
 *
 * Reads the fault's message registers through the port, decodes them, logs
 * one line, applies the child's action and policy (restart now, restart after
 * a back-off, or give up), logs the decision with its reason and the
 * incarnation, and notifies the child's dependents.
 * @param monitor The monitor.
 * @param child The faulting child.
 * @param message The fault message's tag (its label is the fault kind).
 * @return false: never resume the faulting instruction (return it from `fault()`).
 */
bool sel4ft_faultmon_handle(sel4ft_faultmon_t *monitor, sel4ft_child_t child, sel4ft_msginfo_t message);

/**
 * @brief Do what is due: restarts whose back-off ended, heartbeat checks (a child that missed
 *        SEL4FT_FAULTMON_MISSED_BEATS_HUNG periods fails as if it had crashed), heartbeat requests.
 *
 * A child's heartbeats are checked only once it has said it serves (sel4ft_faultmon_notified()): one
 * that has not run yet, starved by higher priorities at boot, is not taken for hung.
 * @param monitor The monitor.
 * @param now The current time.
 */
void sel4ft_faultmon_tick(sel4ft_faultmon_t *monitor, uint64_t now);

/**
 * @brief When sel4ft_faultmon_tick() next has something to do.
 * @param monitor The monitor.
 * @return A time in ticks, or 0 when nothing is scheduled (arm the timer with it). A deadline
 *         saturated to "never" (UINT64_MAX) counts as nothing scheduled.
 */
uint64_t sel4ft_faultmon_next_deadline(const sel4ft_faultmon_t *monitor);

/**
 * @brief Handle a notification: a child saying it is serving (again).
 *
 * The first such notification after a restart ends the recovery: the monitor
 * logs the time from the failure to this moment, in ticks and microseconds.
 * @param monitor The monitor.
 * @param channel The channel it came on.
 * @param now The current time.
 * @return true if the channel belongs to a child, false if the caller should handle it.
 */
bool sel4ft_faultmon_notified(sel4ft_faultmon_t *monitor, sel4ft_channel_t channel, uint64_t now);

/**
 * @brief A child's record.
 * @param monitor The monitor.
 * @param child The child's id.
 * @return The record, or NULL for an id out of range.
 */
const sel4ft_faultmon_child_t *sel4ft_faultmon_child(const sel4ft_faultmon_t *monitor, sel4ft_child_t child);

/**
 * @brief Name of an action.
 * @param action A sel4ft_faultmon_action_t.
 * @return "stop", "restart", or "?".
 */
const char *sel4ft_faultmon_action_str(uint32_t action);

/**
 * @brief Name of a child state.
 * @param state A sel4ft_faultmon_state_t.
 * @return For example "running", or "?".
 */
const char *sel4ft_faultmon_state_str(uint32_t state);

/** @} */
