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
 * @{
 */

/** The most children a monitor can watch (Microkit child ids are 0..63). */
#define SEL4FT_FAULTMON_MAX_CHILDREN 64u

/** What to do with a child that faulted. */
typedef enum {
    SEL4FT_FAULTMON_STOP = 0, /**< Suspend it and leave it stopped; dependents are told. */
    SEL4FT_FAULTMON_RESTART,  /**< Restart it from its entry point on a fresh stack; dependents are told. */
    SEL4FT_FAULTMON_ACTION_NUM
} sel4ft_faultmon_action_t;

/** A child's lifecycle state as the monitor sees it. */
typedef enum {
    SEL4FT_FAULTMON_UNWATCHED = 0, /**< Not configured. */
    SEL4FT_FAULTMON_RUNNING,       /**< Running (or never faulted). */
    SEL4FT_FAULTMON_STOPPED,       /**< Stopped after a fault. */
} sel4ft_faultmon_state_t;

/** How a child is supervised. */
typedef struct sel4ft_faultmon_child_config {
    const char *name;    /**< The child's name, for the log (kept by pointer). */
    uint32_t on_fault;   /**< A sel4ft_faultmon_action_t. */
    uint64_t dependents; /**< Bit n set: notify channel n when this child faults. */
} sel4ft_faultmon_child_config_t;

/** The monitor's record of one child. */
typedef struct sel4ft_faultmon_child {
    sel4ft_faultmon_child_config_t config; /**< As added. */
    uint32_t state;                        /**< A sel4ft_faultmon_state_t. */
    uint32_t faults;                       /**< Faults seen from this child. */
    uint32_t restarts;                     /**< Times it was restarted. */
    uint64_t last_fault_ticks;             /**< sel4ft_os_ticks() at its last fault. */
    sel4ft_fault_t last_fault;             /**< Its last fault, decoded. */
} sel4ft_faultmon_child_t;

/** A fault monitor. */
typedef struct sel4ft_faultmon {
    sel4ft_faultmon_child_t children[SEL4FT_FAULTMON_MAX_CHILDREN]; /**< Indexed by child id. */
    sel4ft_logring_producer_t *log; /**< Where lines go; NULL: the console. */
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
 * @param config How to supervise it (copied).
 * @return 0, or -SEL4FT_EINVAL for an id >= SEL4FT_FAULTMON_MAX_CHILDREN, a
 *         NULL name, an unknown action or a dependent channel above SEL4FT_OS_MAX_CHANNEL.
 */
int sel4ft_faultmon_add_child(sel4ft_faultmon_t *monitor, sel4ft_child_t child,
                              const sel4ft_faultmon_child_config_t *config);

/**
 * @brief Decide what to do about a fault (pure: no side effects).
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
 * one line, acts, and notifies the child's dependents.
 * @param monitor The monitor.
 * @param child The faulting child.
 * @param message The fault message's tag (its label is the fault kind).
 * @return false: never resume the faulting instruction (return it from `fault()`).
 */
bool sel4ft_faultmon_handle(sel4ft_faultmon_t *monitor, sel4ft_child_t child, sel4ft_msginfo_t message);

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

/** @} */
