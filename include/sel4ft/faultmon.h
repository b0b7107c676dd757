/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4ft/fault.h>
#include <sel4ft/logring.h>
#include <sel4ft/os.h>
#include <sel4ft/supervisor.h>

/**
 * @defgroup faultmon Fault monitor
 * @brief The supervision engine: told that a child failed, it applies the child's policy through the port,
 *        tells the child's dependents, and reports every step as an event.
 *
 * The engine is OS-neutral. A failure enters it in one way,
 * sel4ft_faultmon_failed(), with its cause: a decoded seL4 fault, or on Linux
 * a signal or an exit status, or a hang or a missed recovery deadline.
 * Hangs (missed heartbeats) and missed recovery deadlines are found by
 * sel4ft_faultmon_tick() and take the same path. A child says it serves
 * (again) with sel4ft_faultmon_serving(), or on Microkit with a notification
 * that sel4ft_faultmon_notified() maps to its child. The engine acts only
 * through the port (@ref os): sel4ft_os_child_restart(), sel4ft_os_child_stop()
 * and sel4ft_os_notify(), which on Linux are the hooks a supervisor installs
 * (restart: reap the old process and start a new one; stop: kill it; notify:
 * a control message). When the port's restart is called, the child's record
 * already holds the incarnation the restart starts (`supervision.incarnation`),
 * for a hook that passes it to the new process; stop is also called for a
 * child about to wait out a back-off, which on Linux has usually exited
 * already. The engine never reads the clock: every entry point takes the
 * time, `now`, from its caller.
 *
 * On seL4 a monitor PD is the parent of the PDs it watches, so the kernel
 * sends their faults to its `fault()` entry point: call
 * sel4ft_faultmon_fault() there, which reads and decodes the fault message
 * and hands the failure to the engine.
 *
 * What the engine does is reported as events (sel4ft_faultmon_event_t), each
 * with its kind, the child, its incarnation, the time and fields of its own,
 * to the sink the monitor was given at sel4ft_faultmon_init(). The default
 * sink writes each to the monitor's log ring as a binary record, which the
 * logger formats when it drains the ring (sel4ft_faultmon_record_format()), or
 * to the console as a line, sel4ft_faultmon_event_format(). doc/events.md lists every kind and
 * field. On a failure the engine first acts (restart or stop, through the
 * port), then tells the dependents, then reports: the failure, then the
 * decision. Formatting never delays a restart; with a log ring it does not
 * delay the restarted child either (a monitor outranks its children, so the
 * child runs only once the monitor waits again: what the monitor does after
 * the restart is on the child's way back too, and copying an event's fields
 * costs a fraction of formatting them). The log still reads in the order
 * things were decided.
 *
 * The decision is a pure function, sel4ft_faultmon_decide(), and the engine is
 * tested on the host with the Linux port's hooks standing in for the kernel.
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

/** Why a child failed. */
typedef enum {
    SEL4FT_FAILURE_FAULT = 0, /**< The kernel reported a fault: sel4ft_failure_t.fault holds it, decoded. */
    SEL4FT_FAILURE_SIGNAL,    /**< Killed by a signal (Linux): sel4ft_failure_t.code is its number. */
    SEL4FT_FAILURE_EXIT,      /**< Exited when it should have run on (Linux): sel4ft_failure_t.code is its exit
                                   status. */
    SEL4FT_FAILURE_HANG,      /**< Stopped answering heartbeats: sel4ft_failure_t.code is the periods it missed,
                                   sel4ft_failure_t.detail the counter where it stuck. */
    SEL4FT_FAILURE_DEADLINE,  /**< Restarted, but not serving by its recovery deadline: sel4ft_failure_t.detail is
                                   the ticks since its restart. */
    SEL4FT_FAILURE_CAUSE_NUM
} sel4ft_failure_cause_t;

/** A failure, as whoever saw it tells the engine. Fields a cause does not use are zero. */
typedef struct sel4ft_failure {
    uint32_t cause;       /**< A sel4ft_failure_cause_t. */
    int32_t code;         /**< SIGNAL: the signal; EXIT: the exit status; HANG: heartbeat periods missed. */
    uint64_t detail;      /**< HANG: the heartbeat counter where it stuck; DEADLINE: ticks since the restart. */
    sel4ft_fault_t fault; /**< FAULT: the decoded fault (sel4ft_fault_decode()). */
} sel4ft_failure_t;

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
    const char *name;    /**< The child's name, for the log (kept by pointer: measured when the child is added,
                              it must not change after). */
    uint32_t on_fault;   /**< A sel4ft_faultmon_action_t. */
    uint32_t group;      /**< Children that share a non-zero group restart together when one escalates with
                              SEL4FT_SUPERVISOR_ESCALATE_GROUP. */
    uint64_t dependents; /**< Bit n set: notify channel n when this child fails, restarts or is given up. */
    const sel4ft_supervisor_policy_t *policy; /**< With RESTART: the policy (copied). NULL: restart at once,
                                                   every time, with no limit. */
    const sel4ft_heartbeat_t *heartbeat; /**< The child's heartbeat, or NULL: not watched for hangs. */
    sel4ft_channel_t channel; /**< The channel shared with the child: the monitor asks for heartbeats on it
                                   (sel4ft_os_notify()), and on Microkit the child notifies it when it is
                                   serving (again). */
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
    uint32_t faults;                       /**< Faults (and, on Linux, signals and exits) seen from this child. */
    uint32_t hangs;                        /**< Times it was found hung. */
    uint32_t restarts;                     /**< Times it was restarted. */
    uint32_t missed_beats;                 /**< Consecutive heartbeat periods without a beat. */
    uint32_t starved_spares;               /**< Times in a row it was spared as starved by a child above it. */
    uint32_t serving;                      /**< Non-zero once it said it serves: heartbeats are checked from then. */
    uint32_t name_length;                  /**< The length of config.name, measured once when it was added. */
    uint64_t last_beats;                   /**< The counter at the last check. */
    uint64_t beats_since;                  /**< When last_beats was taken (it said it serves, or its counter moved):
                                                a miss is counted only once the child could have run for as many
                                                whole periods since then as it has missed, and one more. */
    uint64_t waited_since;                 /**< sel4ft_os_child_waited() at beats_since (0 where the port cannot
                                                tell): time the child then waits for a processor is not counted. */
    uint64_t failure_ticks;                /**< When it last failed. */
    uint64_t restart_at;                   /**< WAITING: when to restart it. */
    uint64_t backoff_ticks;                /**< WAITING: the back-off it waits. */
    uint64_t restarted_at;                 /**< When it was last restarted. */
    uint64_t last_recovery_ticks;          /**< Failure to "serving again", last time. */
    uint64_t max_recovery_ticks;           /**< The longest such time. */
    sel4ft_failure_t last_failure;         /**< Its last failure. */
    int32_t restart_error;                 /**< The port's error at its last restart (0: none; else it was
                                                left stopped). */
} sel4ft_faultmon_child_t;

/** The kinds of event the engine reports (doc/events.md: their fields, and the line each becomes). */
typedef enum {
    SEL4FT_FAULTMON_EVENT_FAILED = 0,     /**< A watched child failed (ERROR). */
    SEL4FT_FAULTMON_EVENT_UNKNOWN_CHILD,  /**< A child the monitor does not watch failed; it was stopped (ERROR). */
    SEL4FT_FAULTMON_EVENT_RESTART,        /**< A child was restarted (WARN). */
    SEL4FT_FAULTMON_EVENT_BACKOFF,        /**< A child was stopped until its back-off ends (WARN). */
    SEL4FT_FAULTMON_EVENT_RESTART_FAILED, /**< The port refused a restart; the child is left stopped (ERROR). */
    SEL4FT_FAULTMON_EVENT_STOPPED,        /**< A child was stopped, as its action says (WARN). */
    SEL4FT_FAULTMON_EVENT_GAVE_UP,        /**< The policy gave up: the child is stopped for good (ERROR). */
    SEL4FT_FAULTMON_EVENT_GROUP_RESTART,  /**< The policy escalated to the child's group (WARN). */
    SEL4FT_FAULTMON_EVENT_SPARED,         /**< A child missed its heartbeats while one above it did too: not
                                               counted as hung yet (WARN). */
    SEL4FT_FAULTMON_EVENT_RECOVERED,      /**< A restarted child serves again (INFO). */
    SEL4FT_FAULTMON_EVENT_SUMMARY,        /**< A child's record, on request (INFO). */
    SEL4FT_FAULTMON_EVENT_ADOPTED,        /**< A restarted monitor took a child back as its saved record says
                                               (INFO; sel4ft_faultmon_adopt()). */
    SEL4FT_FAULTMON_EVENT_KIND_NUM
} sel4ft_faultmon_event_kind_t;

/** One event. Fields a kind does not use are zero (doc/events.md says which kind uses which). */
typedef struct sel4ft_faultmon_event {
    uint32_t kind;                   /**< A sel4ft_faultmon_event_kind_t. */
    sel4ft_child_t child;            /**< The child's id. */
    const char *name;                /**< The child's name; NULL for UNKNOWN_CHILD. */
    uint32_t name_length;            /**< Its length, without the NUL, where the engine knows it (0: a sink
                                          measures @c name itself). A sink that changes @c name sets it to 0;
                                          the name's bytes must not change once the child is added. */
    uint32_t incarnation;            /**< FAILED, STOPPED, GAVE_UP, GROUP_RESTART, SPARED, SUMMARY, ADOPTED: the
                                          incarnation that failed or runs; RESTART, BACKOFF, RESTART_FAILED,
                                          RECOVERED: the incarnation the restart starts. */
    uint64_t at;                     /**< When (the `now` the engine was given). */
    sel4ft_failure_t failure;        /**< FAILED, UNKNOWN_CHILD. */
    const char *reason;              /**< RESTART, BACKOFF, STOPPED, GAVE_UP, GROUP_RESTART: why, in words. */
    uint64_t delay_ticks;            /**< RESTART: the back-off it waited (0: restarted at once); BACKOFF: the
                                          back-off; ADOPTED (waiting): the back-off left. */
    uint32_t restarts_in_window;     /**< RESTART, BACKOFF, GAVE_UP, GROUP_RESTART: restarts within the policy's
                                          window, this one included. */
    uint32_t group;                  /**< GROUP_RESTART: the group; RESTART: the group it was restarted with
                                          (0: alone). */
    int32_t error;                   /**< RESTART_FAILED: the port's error, -SEL4FT_E... */
    uint32_t missed;                 /**< SPARED: heartbeat periods missed. */
    uint32_t spares;                 /**< SPARED: times in a row it was spared. */
    uint64_t failures;               /**< STOPPED: its failures so far, this one included. */
    uint64_t recovery_ticks;         /**< RECOVERED: failure to serving again; SUMMARY: the last such time. */
    uint64_t longest_recovery_ticks; /**< SUMMARY: the longest such time. */
    uint32_t faults;                 /**< SUMMARY, ADOPTED: faults (and, on Linux, signals and exits) seen. */
    uint32_t hangs;                  /**< SUMMARY, ADOPTED: hangs found. */
    uint32_t restarts;               /**< SUMMARY, ADOPTED: restarts made. */
    uint32_t state;                  /**< SUMMARY, ADOPTED: a sel4ft_faultmon_state_t. */
} sel4ft_faultmon_event_t;

/**
 * @brief Where a monitor delivers its events.
 * @param context As given to sel4ft_faultmon_init().
 * @param event The event (valid during the call only).
 */
typedef void (*sel4ft_faultmon_sink_t)(void *context, const sel4ft_faultmon_event_t *event);

/** A fault monitor. */
typedef struct sel4ft_faultmon {
    sel4ft_faultmon_child_t children[SEL4FT_FAULTMON_MAX_CHILDREN]; /**< Indexed by child id. */
    sel4ft_logring_producer_t *log; /**< The default sink's log ring; NULL: the console. */
    sel4ft_faultmon_sink_t sink;    /**< Where events go; NULL: the default sink. */
    void *sink_context;             /**< Passed to @c sink. */
    uint64_t heartbeat_period;      /**< Ticks between heartbeat checks (0: no checks). */
    uint64_t recovery_timeout;      /**< A restarted child that has not said it serves within this many ticks
                                         failed again (0: no limit). */
    uint64_t next_heartbeat;        /**< When the next check is due. */
    uint32_t missing_priority;      /**< The highest priority of the children that missed a beat at the last
                                         check (0: none). */
    uint64_t tick_hz;               /**< Counter frequency, for the microseconds in the log. */
    uint64_t faults;                /**< Faults (and, on Linux, signals and exits) seen in all. */
    uint64_t unknown_children;      /**< Failures of ids that were never added (each such child is stopped). */
    uint64_t action_errors;         /**< Stops or restarts the kernel refused. */
} sel4ft_faultmon_t;

/**
 * @brief Set up a monitor with no children.
 * @param monitor The monitor.
 * @param log The default sink's log ring, or NULL: the default sink writes to the console, each line
 *        prefixed `PD|LEVEL: ` as the logger prints records.
 * @param sink Where events go, or NULL for the default sink: sel4ft_faultmon_event_format() at the
 *        kind's level (sel4ft_faultmon_event_level()), to @p log or the console.
 * @param context Passed to @p sink.
 * @return 0, or -SEL4FT_EINVAL.
 */
int sel4ft_faultmon_init(sel4ft_faultmon_t *monitor, sel4ft_logring_producer_t *log, sel4ft_faultmon_sink_t sink,
                         void *context);

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
 * @brief Decide what to do about a failure, before the policy's history is consulted (pure).
 * @param monitor The monitor.
 * @param child The failed child.
 * @param failure The failure.
 * @return The child's configured action; SEL4FT_FAULTMON_STOP for an unknown child, an unknown cause or a
 *         fault of an unknown kind (what cannot be reasoned about is stopped, not guessed at).
 */
sel4ft_faultmon_action_t sel4ft_faultmon_decide(const sel4ft_faultmon_t *monitor, sel4ft_child_t child,
                                                const sel4ft_failure_t *failure);

/**
 * @brief A child failed: the one way a failure enters the engine.
 *
 * Applies the child's action and policy through the port (restart now;
 * stop until a back-off ends; stop; or escalate: stop for good or restart
 * the group), notifies the child's dependents, then reports a FAILED event
 * and the decision's event. A child the monitor does not watch is stopped
 * and reported as UNKNOWN_CHILD; nobody is told.
 * @param monitor The monitor.
 * @param child The child's id.
 * @param failure What happened (copied).
 * @param now The time of the failure.
 * @return 0, or -SEL4FT_EINVAL for a NULL monitor or failure.
 */
int sel4ft_faultmon_failed(sel4ft_faultmon_t *monitor, sel4ft_child_t child, const sel4ft_failure_t *failure,
                           uint64_t now);

/**
 * @brief The Microkit adapter: a child's fault, as `fault()` received it.
 *
 * Reads the fault's message registers through the port, decodes them
 * (sel4ft_fault_decode()) and calls sel4ft_faultmon_failed() with a FAULT
 * failure. Call it from `fault()` with the tag that entry point received.
 * @param monitor The monitor.
 * @param child The faulting child.
 * @param message The fault message's tag (its label is the fault kind).
 * @param now The time, read once at the top of `fault()`.
 * @return false: never resume the faulting instruction (return it from `fault()`).
 */
bool sel4ft_faultmon_fault(sel4ft_faultmon_t *monitor, sel4ft_child_t child, sel4ft_msginfo_t message, uint64_t now);

/** The most message registers of a fault message the engine reads (an unknown-syscall fault has 13). */
#define SEL4FT_FAULTMON_FAULT_MRS 16u

/**
 * @brief As sel4ft_faultmon_fault(), for a fault message already read (a monitor that replays the fault it was
 *        handling when it crashed, see @ref monitor).
 * @param monitor The monitor.
 * @param child The faulting child.
 * @param label The fault message's label (its kind).
 * @param mrs Its message registers.
 * @param count How many (at most SEL4FT_FAULTMON_FAULT_MRS are read).
 * @param now The time.
 * @return false: never resume the faulting instruction.
 */
bool sel4ft_faultmon_fault_message(sel4ft_faultmon_t *monitor, sel4ft_child_t child, uint64_t label,
                                   const uint64_t *mrs, uint32_t count, uint64_t now);

/**
 * @brief Do what is due: restarts whose back-off ended, recovery deadlines (a restarted child not serving
 *        in time fails with cause DEADLINE), heartbeat checks (a child that missed
 *        SEL4FT_FAULTMON_MISSED_BEATS_HUNG periods fails with cause HANG), heartbeat requests.
 *
 * Failures found here take the same path as those given to sel4ft_faultmon_failed(). A child's
 * heartbeats are checked only once it has said it serves (sel4ft_faultmon_serving()): one that has not
 * run yet, starved by higher priorities at boot, is not taken for hung.
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
 * @brief A child says it is serving (again).
 *
 * Its heartbeats are checked from now on. After a restart, the first such
 * word ends the recovery: a RECOVERED event reports the time from the
 * failure to @p now.
 * @param monitor The monitor.
 * @param child The child's id.
 * @param now The current time.
 * @return 0, or -SEL4FT_EINVAL for a child the monitor does not watch.
 */
int sel4ft_faultmon_serving(sel4ft_faultmon_t *monitor, sel4ft_child_t child, uint64_t now);

/**
 * @brief Handle a notification: on Microkit, a child says it is serving (again) on its channel.
 * @param monitor The monitor.
 * @param channel The channel it came on.
 * @param now The current time.
 * @return true if the channel belongs to a child (then as sel4ft_faultmon_serving()), false if the
 *         caller should handle it.
 */
bool sel4ft_faultmon_notified(sel4ft_faultmon_t *monitor, sel4ft_channel_t channel, uint64_t now);

/**
 * @brief Report a SUMMARY event for every watched child, in id order.
 * @param monitor The monitor.
 * @param now The current time.
 */
void sel4ft_faultmon_report(sel4ft_faultmon_t *monitor, uint64_t now);

/**
 * @brief A child's record.
 * @param monitor The monitor.
 * @param child The child's id.
 * @return The record, or NULL for an id out of range.
 */
const sel4ft_faultmon_child_t *sel4ft_faultmon_child(const sel4ft_faultmon_t *monitor, sel4ft_child_t child);

/** @cond INTERNAL */
#define SEL4FT_FAULTMON_SAVED_HEADER_SIZE 48u
#define SEL4FT_FAULTMON_SAVED_CHILD_SIZE 320u
/** @endcond */

/** The bytes sel4ft_faultmon_save() writes for a monitor of @p children watched children. */
#define SEL4FT_FAULTMON_SAVED_SIZE(children)                                                                      \
    (SEL4FT_FAULTMON_SAVED_HEADER_SIZE + (size_t)(children) * SEL4FT_FAULTMON_SAVED_CHILD_SIZE)

/**
 * @brief Write what a restarted monitor needs to take its children back: per watched child its state, its
 *        incarnation, its policy's memory (restarts in the window, back-off), a pending back-off's deadline, its
 *        recovery deadline, its counters and its last failure; and the monitor's own counters.
 *
 * Fixed-width fields only, in a layout of its own (never the in-memory record, which holds pointers). Heartbeat
 * bookkeeping is left out: a restarted monitor judges heartbeats afresh. Commit it to a checkpoint
 * (@ref checkpoint) whenever it changes; the monitor skeleton does (@ref monitor).
 * @param monitor The monitor.
 * @param buffer Where to write, 8-byte aligned.
 * @param size Its size: SEL4FT_FAULTMON_SAVED_SIZE() of the watched children at least.
 * @return The bytes written; -SEL4FT_ENOSPC when @p size is too small; -SEL4FT_EINVAL.
 */
int sel4ft_faultmon_save(const sel4ft_faultmon_t *monitor, void *buffer, size_t size);

/**
 * @brief A restarted monitor takes its children back (re-adopts them) as sel4ft_faultmon_save() left them.
 *
 * Call it after the children were added again (their configuration is the monitor's code, not saved). No child is
 * restarted, stopped or told anything here, only asked for a heartbeat; each is reported with an ADOPTED event:
 * - RUNNING stays running, its incarnation unchanged; its heartbeat is judged afresh, a whole period from @p now
 *   (nobody asked it for a beat while the monitor was down), and it is asked for a beat at once;
 * - WAITING keeps its back-off's deadline (it stays stopped until then; one that passed restarts at the next tick);
 * - STOPPED stays stopped;
 * - RESTARTING gets a whole recovery deadline from @p now: it may have said it serves while the monitor was down,
 *   and that notification is still to come.
 *
 * The saved form is checked before anything is taken (copied, then validated): a record of another layout, of a
 * child not watched now, or out of range refuses the whole, and nothing changes.
 * @param monitor The monitor, its children added.
 * @param saved What sel4ft_faultmon_save() wrote, 8-byte aligned.
 * @param size Its size.
 * @param now The current time.
 * @return The children adopted (>= 0); -SEL4FT_EBADMSG for a saved form that cannot be used; -SEL4FT_EINVAL.
 */
int sel4ft_faultmon_adopt(sel4ft_faultmon_t *monitor, const void *saved, size_t size, uint64_t now);

/**
 * @brief Name of an action.
 * @param action A sel4ft_faultmon_action_t.
 * @return "stop", "restart", or "?".
 */
const char *sel4ft_faultmon_action_str(uint32_t action);

/**
 * @brief Name of a child state, one word.
 * @param state A sel4ft_faultmon_state_t.
 * @return "unwatched", "running", "stopped", "waiting" (for the end of a back-off), "restarting", or "?".
 */
const char *sel4ft_faultmon_state_str(uint32_t state);

/**
 * @brief Name of a failure's cause, one word.
 * @param cause A sel4ft_failure_cause_t.
 * @return "fault", "signal", "exit", "hang", "deadline", or "?".
 */
const char *sel4ft_failure_cause_str(uint32_t cause);

/**
 * @brief Name of an event kind, as its line starts.
 * @param kind A sel4ft_faultmon_event_kind_t.
 * @return For example "restart", or "?".
 */
const char *sel4ft_faultmon_event_kind_str(uint32_t kind);

/**
 * @brief The fixed log level of an event kind.
 * @param kind A sel4ft_faultmon_event_kind_t.
 * @return SEL4FT_LOG_ERROR for failures and for what leaves a child stopped against its policy's wish
 *         (restart failed, gave up), SEL4FT_LOG_WARN for restarts, back-offs, stops and sparing,
 *         SEL4FT_LOG_INFO for recoveries and summaries; SEL4FT_LOG_ERROR for an unknown kind.
 */
uint32_t sel4ft_faultmon_event_level(uint32_t kind);

/**
 * @brief Write an event as one logfmt line (@ref logfmt): its kind, then its fields (doc/events.md).
 *
 * For example `restart child=server incarnation=2 in_window=1 delay_ticks=0 at=123456
 * reason="first failure: restart at once"`. A fault's one-line description
 * (sel4ft_fault_format()) comes last, as `text`, and is the field cut first
 * when the line does not fit.
 * @param event The event.
 * @param tick_hz The counter's frequency, for the microsecond fields (0: those fields are left out).
 * @param buffer Where to write; always NUL-terminated when @p size > 0.
 * @param size The buffer's size.
 * @return The full line's length (>= @p size when cut), or -SEL4FT_EINVAL for a NULL event or a NULL
 *         buffer with a non-zero size.
 */
int sel4ft_faultmon_event_format(const sel4ft_faultmon_event_t *event, uint64_t tick_hz, char *buffer, size_t size);

/**
 * @brief Write an event into a log ring as a binary record (what the default sink does with a ring).
 * @param log The ring's producer.
 * @param event The event.
 * @param tick_hz The counter's frequency, for the microsecond fields the line will have.
 * @return As sel4ft_logring_write_binary(); -SEL4FT_EINVAL for a NULL argument.
 */
int sel4ft_faultmon_record_write(sel4ft_logring_producer_t *log, const sel4ft_faultmon_event_t *event,
                                 uint64_t tick_hz);

/**
 * @brief Format a binary event record as its line: the logger's decoder for a monitor's log ring.
 *
 * With a log ring, the default sink writes each event as a binary record (its fixed-width fields, the child's name
 * and the reason; sel4ft_logring_write_binary()) instead of a line: a monitor copies a few fields on its way from a
 * child's fault to the restart, and the text is made when the ring is drained, at the logger's priority. A logger
 * gives this function to sel4ft_logring_consumer_set_decoder() for a monitor's ring; the line is the one
 * sel4ft_faultmon_event_format() makes of the event (in a failure's record a name is cut to 62 bytes; elsewhere
 * name and reason share 142). The record comes from another PD: any bytes are safe here, and a record the engine
 * would never write is refused.
 * @param data The record, as copied out of its slot.
 * @param length Its length.
 * @param buffer Where to write the line; always NUL-terminated when @p size > 0.
 * @param size The buffer's size.
 * @return As sel4ft_faultmon_event_format(); -SEL4FT_EBADMSG for a record of another version or length, an unknown
 *         kind or cause, ESR fields wider than theirs or strings without their NUL; -SEL4FT_EINVAL for a NULL @p data
 *         or a NULL buffer with a non-zero size.
 */
int sel4ft_faultmon_record_format(const void *data, size_t length, char *buffer, size_t size);

/** @} */
