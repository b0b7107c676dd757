/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/**
 * @defgroup supervisor Restart policy
 * @brief When to restart a failed PD, how long to wait, and when to give up: pure logic, no system calls.
 *
 * After Erlang/OTP supervisors and Minix 3's reincarnation server:
 * - the first failure is restarted at once;
 * - a failure that follows another within the window is restarted after a
 *   back-off that doubles each time, up to a cap;
 * - more than @c max_restarts restarts within @c window_ticks escalate: the
 *   monitor stops the PD and tells its dependents, or restarts its whole group;
 * - a PD that stays up for a whole window is forgiven: its back-off starts over.
 *
 * Every decision says why, so the monitor can log it with the incarnation number.
 * @{
 */

/** The most restarts a window can count (the history kept per PD). */
#define SEL4FT_SUPERVISOR_HISTORY 16u

/** What to do when the restart budget is spent. */
typedef enum {
    SEL4FT_SUPERVISOR_ESCALATE_STOP = 0,  /**< Stop the PD and tell its dependents. */
    SEL4FT_SUPERVISOR_ESCALATE_GROUP,     /**< Restart every PD of its group. */
    SEL4FT_SUPERVISOR_ESCALATION_NUM
} sel4ft_supervisor_escalation_t;

/** A restart policy. */
typedef struct sel4ft_supervisor_policy {
    uint32_t max_restarts;        /**< Restarts allowed within the window, 0..SEL4FT_SUPERVISOR_HISTORY. */
    uint32_t escalation;          /**< A sel4ft_supervisor_escalation_t. */
    uint64_t window_ticks;        /**< The window, in counter ticks (> 0). */
    uint64_t backoff_first_ticks; /**< Delay before the second restart in a row. */
    uint64_t backoff_max_ticks;   /**< Cap on the delay (>= backoff_first_ticks). */
} sel4ft_supervisor_policy_t;

/** What the policy remembers about one PD. */
typedef struct sel4ft_supervisor_state {
    uint64_t restarts[SEL4FT_SUPERVISOR_HISTORY]; /**< Times of recent restarts (oldest first). */
    uint32_t restart_count;       /**< Valid entries in @c restarts. */
    uint32_t consecutive;         /**< Failures in a row without a quiet window between them. */
    uint32_t incarnation;         /**< 1 for the first start; +1 for every restart decided. */
    uint32_t escalated;           /**< Non-zero once the policy gave up. */
    uint64_t last_failure_ticks;  /**< When the last failure happened. */
    uint64_t failures;            /**< Failures reported in all. */
} sel4ft_supervisor_state_t;

/** The decision's verb. */
typedef enum {
    SEL4FT_SUPERVISOR_RESTART = 0, /**< Restart after @c delay_ticks (0: at once). */
    SEL4FT_SUPERVISOR_ESCALATE,    /**< Give up; apply the policy's escalation. */
} sel4ft_supervisor_action_t;

/** A decision about one failure. */
typedef struct sel4ft_supervisor_decision {
    uint32_t action;            /**< A sel4ft_supervisor_action_t. */
    uint32_t escalation;        /**< With ESCALATE: the policy's sel4ft_supervisor_escalation_t. */
    uint64_t delay_ticks;       /**< With RESTART: how long to wait first. */
    uint32_t incarnation;       /**< With RESTART: the incarnation the restart starts; else the current one. */
    uint32_t restarts_in_window;/**< Restarts within the window, this one included. */
    const char *reason;         /**< Why, in words (static string). */
} sel4ft_supervisor_decision_t;

/**
 * @brief Check a policy.
 * @param policy The policy.
 * @return 0, or -SEL4FT_EINVAL (NULL, max_restarts too large, zero window, cap below the first back-off,
 *         unknown escalation).
 */
int sel4ft_supervisor_policy_check(const sel4ft_supervisor_policy_t *policy);

/**
 * @brief The policy that restarts at once, every time, and never escalates (a fault-injection campaign's,
 *        and the fault monitor's default when a child has no policy).
 * @return The policy.
 */
sel4ft_supervisor_policy_t sel4ft_supervisor_policy_always(void);

/**
 * @brief Start remembering a PD (incarnation 1, no failures).
 * @param state The state to reset.
 */
void sel4ft_supervisor_state_init(sel4ft_supervisor_state_t *state);

/**
 * @brief Decide what to do about a failure, and remember it.
 * @param policy The PD's policy (checked with sel4ft_supervisor_policy_check()).
 * @param state The PD's state; updated.
 * @param now The failure's time in counter ticks (never earlier than an earlier call's).
 * @return The decision. Once escalated, every later failure escalates again.
 */
sel4ft_supervisor_decision_t sel4ft_supervisor_on_failure(const sel4ft_supervisor_policy_t *policy,
                                                          sel4ft_supervisor_state_t *state, uint64_t now);

/**
 * @brief Forget the escalation and the history (an operator decided to try again).
 * @param state The PD's state; the incarnation is kept.
 */
void sel4ft_supervisor_reset(sel4ft_supervisor_state_t *state);

/** @} */
