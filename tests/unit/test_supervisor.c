/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/*
 * Unit tests for the restart policy: sel4ft_supervisor_policy_check(),
 * sel4ft_supervisor_on_failure() and sel4ft_supervisor_reset(), as pure logic
 * driven by made-up tick counts.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sel4ft/error.h>
#include <sel4ft/supervisor.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define WINDOW 1000u
#define FIRST  10u
#define CAP    100u
#define BUDGET 5u

static sel4ft_supervisor_policy_t policy;
static sel4ft_supervisor_state_t pd;

static int setup(void **state)
{
    (void)state;
    policy = (sel4ft_supervisor_policy_t) {
        .max_restarts = BUDGET,
        .escalation = SEL4FT_SUPERVISOR_ESCALATE_STOP,
        .window_ticks = WINDOW,
        .backoff_first_ticks = FIRST,
        .backoff_max_ticks = CAP,
    };
    assert_int_equal(sel4ft_supervisor_policy_check(&policy), 0);
    memset(&pd, 0xa5, sizeof(pd));
    sel4ft_supervisor_state_init(&pd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return 0;
}

/*
 * Report a failure and check what must hold for every decision: a reason, an
 * incarnation one higher after a restart and unchanged after an escalation,
 * the policy's escalation, and a history no larger than the budget.
 */
static sel4ft_supervisor_decision_t fail_at(uint64_t now)
{
    uint32_t incarnation = pd.incarnation;
    uint64_t failures = pd.failures;
    sel4ft_supervisor_decision_t decision = sel4ft_supervisor_on_failure(&policy, &pd, now);

    assert_non_null(decision.reason);
    assert_true(strlen(decision.reason) > 0);
    assert_int_equal(pd.failures, failures + 1);
    if (decision.action == SEL4FT_SUPERVISOR_RESTART) {
        assert_int_equal(decision.incarnation, incarnation + 1);
        assert_int_equal(pd.incarnation, incarnation + 1);
        assert_true(decision.restarts_in_window >= 1);
        assert_true(decision.restarts_in_window <= policy.max_restarts);
        assert_true(decision.delay_ticks <= policy.backoff_max_ticks);
    } else {
        assert_int_equal(decision.action, SEL4FT_SUPERVISOR_ESCALATE);
        assert_int_equal(decision.escalation, policy.escalation);
        assert_int_equal(decision.incarnation, incarnation);
        assert_int_equal(pd.incarnation, incarnation);
        assert_int_not_equal(pd.escalated, 0);
    }
    assert_true(pd.restart_count <= SEL4FT_SUPERVISOR_HISTORY);
    return decision;
}

static void assert_restart(sel4ft_supervisor_decision_t decision, uint64_t delay, uint32_t in_window)
{
    assert_int_equal(decision.action, SEL4FT_SUPERVISOR_RESTART);
    assert_int_equal(decision.delay_ticks, delay);
    assert_int_equal(decision.restarts_in_window, in_window);
}

/* Policy validation */

static void test_policy_check(void **state)
{
    (void)state;
    sel4ft_supervisor_policy_t p = policy;

    assert_int_equal(sel4ft_supervisor_policy_check(NULL), -SEL4FT_EINVAL);

    p.max_restarts = SEL4FT_SUPERVISOR_HISTORY;
    assert_int_equal(sel4ft_supervisor_policy_check(&p), 0);
    p.max_restarts = SEL4FT_SUPERVISOR_HISTORY + 1;
    assert_int_equal(sel4ft_supervisor_policy_check(&p), -SEL4FT_EINVAL);
    p.max_restarts = UINT32_MAX;
    assert_int_equal(sel4ft_supervisor_policy_check(&p), -SEL4FT_EINVAL);
    p.max_restarts = 0;
    assert_int_equal(sel4ft_supervisor_policy_check(&p), 0);

    p = policy;
    p.window_ticks = 0;
    assert_int_equal(sel4ft_supervisor_policy_check(&p), -SEL4FT_EINVAL);
    p.window_ticks = 1;
    assert_int_equal(sel4ft_supervisor_policy_check(&p), 0);

    p = policy;
    p.backoff_max_ticks = p.backoff_first_ticks - 1;
    assert_int_equal(sel4ft_supervisor_policy_check(&p), -SEL4FT_EINVAL);
    p.backoff_max_ticks = p.backoff_first_ticks;
    assert_int_equal(sel4ft_supervisor_policy_check(&p), 0);
    p.backoff_first_ticks = 0;
    p.backoff_max_ticks = 0;
    assert_int_equal(sel4ft_supervisor_policy_check(&p), 0);

    p = policy;
    p.escalation = SEL4FT_SUPERVISOR_ESCALATE_GROUP;
    assert_int_equal(sel4ft_supervisor_policy_check(&p), 0);
    p.escalation = SEL4FT_SUPERVISOR_ESCALATION_NUM;
    assert_int_equal(sel4ft_supervisor_policy_check(&p), -SEL4FT_EINVAL);
    p.escalation = UINT32_MAX;
    assert_int_equal(sel4ft_supervisor_policy_check(&p), -SEL4FT_EINVAL);
}

static void test_invalid_policy_on_failure_stops(void **state)
{
    (void)state;
    sel4ft_supervisor_policy_t bad = policy;
    bad.window_ticks = 0;

    /* A policy that does not check out never restarts anything. */
    sel4ft_supervisor_decision_t decision = sel4ft_supervisor_on_failure(&bad, &pd, 5);
    assert_int_equal(decision.action, SEL4FT_SUPERVISOR_ESCALATE);
    assert_int_equal(decision.escalation, SEL4FT_SUPERVISOR_ESCALATE_STOP);
    assert_non_null(decision.reason);
    assert_int_equal(pd.incarnation, 1);

    decision = sel4ft_supervisor_on_failure(NULL, &pd, 5);
    assert_int_equal(decision.action, SEL4FT_SUPERVISOR_ESCALATE);
    assert_non_null(decision.reason);
    decision = sel4ft_supervisor_on_failure(&policy, NULL, 5);
    assert_int_equal(decision.action, SEL4FT_SUPERVISOR_ESCALATE);
    assert_non_null(decision.reason);
}

/* Restarts and back-off */

static void test_state_init(void **state)
{
    (void)state;
    assert_int_equal(pd.incarnation, 1);
    assert_int_equal(pd.restart_count, 0);
    assert_int_equal(pd.consecutive, 0);
    assert_int_equal(pd.escalated, 0);
    assert_int_equal(pd.failures, 0);
    assert_int_equal(pd.last_failure_ticks, 0);
}

static void test_first_failure_restarts_at_once(void **state)
{
    (void)state;
    sel4ft_supervisor_decision_t decision = fail_at(123456);
    assert_restart(decision, 0, 1);
    assert_int_equal(decision.incarnation, 2);
    assert_int_equal(pd.incarnation, 2);
    assert_int_equal(pd.last_failure_ticks, 123456);
}

static void test_first_failure_at_time_zero(void **state)
{
    (void)state;
    /* The very first failure, even at tick 0, is a first failure. */
    assert_restart(fail_at(0), 0, 1);
    /* The next, right after, is in a row. */
    assert_restart(fail_at(1), FIRST, 2);
}

/* Drive failures one tick apart with the given back-off and check the delays. */
static void check_backoff(uint64_t first, uint64_t cap, const uint64_t *expected, size_t count)
{
    policy.max_restarts = SEL4FT_SUPERVISOR_HISTORY;
    policy.backoff_first_ticks = first;
    policy.backoff_max_ticks = cap;
    policy.window_ticks = UINT64_MAX;
    assert_int_equal(sel4ft_supervisor_policy_check(&policy), 0);
    sel4ft_supervisor_state_init(&pd);
    assert_true(count <= SEL4FT_SUPERVISOR_HISTORY);

    uint64_t previous = 0;
    for (size_t i = 0; i < count; i++) {
        sel4ft_supervisor_decision_t decision = fail_at(1000 + i);
        assert_int_equal(decision.action, SEL4FT_SUPERVISOR_RESTART);
        if (decision.delay_ticks != expected[i]) {
            fail_msg("failure %zu: delay %llu, expected %llu (first %llu, cap %llu)", i,
                (unsigned long long)decision.delay_ticks, (unsigned long long)expected[i], (unsigned long long)first,
                (unsigned long long)cap);
        }
        /* Never shorter than the previous delay: no wrap-around. */
        assert_true(decision.delay_ticks >= previous);
        previous = decision.delay_ticks;
        assert_int_equal(decision.incarnation, i + 2);
        assert_int_equal(decision.restarts_in_window, i + 1);
    }
}

static void test_backoff_doubles_up_to_cap(void **state)
{
    (void)state;
    static const uint64_t expected[] = { 0, 10, 20, 40, 80, 100, 100, 100, 100 };
    check_backoff(10, 100, expected, ARRAY_SIZE(expected));
}

static void test_backoff_cap_not_a_power_of_two_multiple(void **state)
{
    (void)state;
    static const uint64_t seventy[] = { 0, 10, 20, 40, 70, 70, 70 };
    check_backoff(10, 70, seventy, ARRAY_SIZE(seventy));
    static const uint64_t odd[] = { 0, 3, 6, 12, 24, 48, 96, 97, 97 };
    check_backoff(3, 97, odd, ARRAY_SIZE(odd));
    /* A cap equal to the first back-off. */
    static const uint64_t flat[] = { 0, 7, 7, 7 };
    check_backoff(7, 7, flat, ARRAY_SIZE(flat));
    /* No back-off at all. */
    static const uint64_t none[] = { 0, 0, 0, 0, 0 };
    check_backoff(0, 0, none, ARRAY_SIZE(none));
    /* No first back-off, but a cap: doubling zero stays zero. */
    check_backoff(0, 1000, none, ARRAY_SIZE(none));
}

static void test_backoff_full_history(void **state)
{
    (void)state;
    /* 16 restarts in a row with a cap far away: 1, 2, 4, ... 2^14. */
    uint64_t expected[SEL4FT_SUPERVISOR_HISTORY];
    expected[0] = 0;
    for (size_t i = 1; i < SEL4FT_SUPERVISOR_HISTORY; i++) {
        expected[i] = 1ull << (i - 1);
    }
    check_backoff(1, UINT64_MAX, expected, ARRAY_SIZE(expected));
}

static void test_backoff_near_uint64_max_does_not_overflow(void **state)
{
    (void)state;
    const uint64_t half = 1ull << 63;

    /* 2^62, 2^63, then doubling would wrap to 0: capped at UINT64_MAX instead. */
    static const uint64_t a[] = { 0, 1ull << 62, 1ull << 63, UINT64_MAX, UINT64_MAX, UINT64_MAX };
    check_backoff(1ull << 62, UINT64_MAX, a, ARRAY_SIZE(a));

    /* A first back-off above half the cap goes straight to the cap. */
    const uint64_t b[] = { 0, half + 1, UINT64_MAX - 5, UINT64_MAX - 5, UINT64_MAX - 5 };
    check_backoff(half + 1, UINT64_MAX - 5, b, ARRAY_SIZE(b));

    /* The largest values there are. */
    const uint64_t c[] = { 0, UINT64_MAX, UINT64_MAX, UINT64_MAX };
    check_backoff(UINT64_MAX, UINT64_MAX, c, ARRAY_SIZE(c));
    const uint64_t d[] = { 0, UINT64_MAX - 1, UINT64_MAX, UINT64_MAX };
    check_backoff(UINT64_MAX - 1, UINT64_MAX, d, ARRAY_SIZE(d));

    /* A cap just below twice the first: 3 * 2^61 doubled is 3 * 2^62, below 2^64 - 1 but above the cap. */
    const uint64_t e[] = { 0, 3ull << 61, (3ull << 62) - 1, (3ull << 62) - 1 };
    check_backoff(3ull << 61, (3ull << 62) - 1, e, ARRAY_SIZE(e));
}

static void test_incarnation_counts_restarts(void **state)
{
    (void)state;
    policy.window_ticks = 10;
    /* One failure per window: never escalated, one more incarnation each time. */
    for (uint32_t i = 0; i < 100; i++) {
        sel4ft_supervisor_decision_t decision = fail_at(100 + 10ull * i);
        assert_restart(decision, 0, 1);
        assert_int_equal(decision.incarnation, i + 2);
    }
    assert_int_equal(pd.incarnation, 101);
    assert_int_equal(pd.failures, 100);
}

/* Escalation */

static void escalate_after_budget(uint32_t escalation)
{
    policy.escalation = escalation;
    assert_int_equal(sel4ft_supervisor_policy_check(&policy), 0);

    for (uint32_t i = 0; i < BUDGET; i++) {
        sel4ft_supervisor_decision_t decision = fail_at(5000 + i);
        assert_int_equal(decision.action, SEL4FT_SUPERVISOR_RESTART);
        assert_int_equal(decision.restarts_in_window, i + 1);
    }
    assert_int_equal(pd.incarnation, BUDGET + 1);

    sel4ft_supervisor_decision_t decision = fail_at(5000 + BUDGET);
    assert_int_equal(decision.action, SEL4FT_SUPERVISOR_ESCALATE);
    assert_int_equal(decision.escalation, escalation);
    assert_int_equal(decision.restarts_in_window, BUDGET);
    assert_int_equal(decision.incarnation, BUDGET + 1);
    assert_int_not_equal(pd.escalated, 0);

    /* Once escalated, every later failure escalates: soon after, and long after a quiet window. */
    static const uint64_t later[] = { 5000 + BUDGET + 1, 5000 + BUDGET + 1, 5000 + 10 * WINDOW, UINT64_MAX };
    for (size_t i = 0; i < ARRAY_SIZE(later); i++) {
        decision = fail_at(later[i]);
        assert_int_equal(decision.action, SEL4FT_SUPERVISOR_ESCALATE);
        assert_int_equal(decision.escalation, escalation);
        assert_int_equal(decision.incarnation, BUDGET + 1);
    }
    assert_int_equal(pd.incarnation, BUDGET + 1);
}

static void test_escalate_stop_after_budget(void **state)
{
    (void)state;
    escalate_after_budget(SEL4FT_SUPERVISOR_ESCALATE_STOP);
}

static void test_escalate_group_after_budget(void **state)
{
    (void)state;
    escalate_after_budget(SEL4FT_SUPERVISOR_ESCALATE_GROUP);
}

static void test_full_history_budget(void **state)
{
    (void)state;
    /* The largest budget: 16 restarts kept, the 17th failure escalates. */
    policy.max_restarts = SEL4FT_SUPERVISOR_HISTORY;
    policy.escalation = SEL4FT_SUPERVISOR_ESCALATE_GROUP;
    for (uint32_t i = 0; i < SEL4FT_SUPERVISOR_HISTORY; i++) {
        assert_int_equal(fail_at(i).action, SEL4FT_SUPERVISOR_RESTART);
    }
    sel4ft_supervisor_decision_t decision = fail_at(SEL4FT_SUPERVISOR_HISTORY);
    assert_int_equal(decision.action, SEL4FT_SUPERVISOR_ESCALATE);
    assert_int_equal(decision.escalation, SEL4FT_SUPERVISOR_ESCALATE_GROUP);
    assert_int_equal(decision.restarts_in_window, SEL4FT_SUPERVISOR_HISTORY);
}

static void test_zero_budget_escalates_first_failure(void **state)
{
    (void)state;
    policy.max_restarts = 0;
    sel4ft_supervisor_decision_t decision = fail_at(42);
    assert_int_equal(decision.action, SEL4FT_SUPERVISOR_ESCALATE);
    assert_int_equal(decision.escalation, SEL4FT_SUPERVISOR_ESCALATE_STOP);
    assert_int_equal(decision.restarts_in_window, 0);
    assert_int_equal(decision.incarnation, 1);
    assert_int_equal(pd.incarnation, 1);
    assert_int_equal(fail_at(42 + 100 * WINDOW).action, SEL4FT_SUPERVISOR_ESCALATE);
}

/* Quiet windows */

static void test_quiet_window_restarts_at_once(void **state)
{
    (void)state;
    assert_restart(fail_at(0), 0, 1);
    assert_restart(fail_at(10), FIRST, 2);
    assert_restart(fail_at(20), 2 * FIRST, 3);

    /* Up for a whole window since the last failure: forgiven, back-off starts over, the window empties. */
    assert_restart(fail_at(20 + WINDOW), 0, 1);
    assert_restart(fail_at(21 + WINDOW), FIRST, 2);
    /* One tick short of a window is still in a row. */
    assert_restart(fail_at(20 + 2 * WINDOW), 2 * FIRST, 2);
    assert_int_equal(pd.incarnation, 7);
}

static void test_old_restarts_leave_the_window(void **state)
{
    (void)state;
    policy.max_restarts = 3;
    policy.window_ticks = 100;

    /* Restarts at 0 and 60; at 120 the one at 0 has left the window (120 - 0 >= 100). */
    assert_restart(fail_at(0), 0, 1);
    assert_restart(fail_at(60), FIRST, 2);
    assert_restart(fail_at(120), 2 * FIRST, 2);
    assert_restart(fail_at(150), 4 * FIRST, 3);
    /* Restarts at 60, 120, 150 are all within 100 of 159: the budget is spent. */
    sel4ft_supervisor_decision_t decision = fail_at(159);
    assert_int_equal(decision.action, SEL4FT_SUPERVISOR_ESCALATE);
    assert_int_equal(decision.restarts_in_window, 3);
}

static void test_once_per_window_never_escalates(void **state)
{
    (void)state;
    policy.max_restarts = 1;
    policy.window_ticks = 100;

    /* Exactly one window apart, for a long time. */
    for (uint32_t i = 0; i < 1000; i++) {
        sel4ft_supervisor_decision_t decision = fail_at(7 + 100ull * i);
        assert_restart(decision, 0, 1);
    }
    assert_int_equal(pd.incarnation, 1001);
    assert_int_equal(pd.escalated, 0);

    /* Then twice within one window: the budget of one is spent. */
    sel4ft_supervisor_decision_t decision = fail_at(7 + 100ull * 999 + 99);
    assert_int_equal(decision.action, SEL4FT_SUPERVISOR_ESCALATE);
    assert_int_equal(decision.restarts_in_window, 1);
}

static void test_irregular_failures_within_budget(void **state)
{
    (void)state;
    /* Failures at random gaps, never more than BUDGET restarts within any window: never escalated. */
    srand(20260101);
    uint64_t now = 1;
    uint64_t history[BUDGET] = { 0 };
    for (uint32_t i = 0; i < 2000; i++) {
        /* Keep each new failure at least a window after the restart BUDGET restarts ago. */
        uint64_t gap = (uint64_t)(rand() % (2 * WINDOW / BUDGET)) + 1;
        uint64_t earliest = history[i % BUDGET] + WINDOW;
        now = i < BUDGET ? now + gap : (now + gap > earliest ? now + gap : earliest);
        sel4ft_supervisor_decision_t decision = fail_at(now);
        assert_int_equal(decision.action, SEL4FT_SUPERVISOR_RESTART);
        history[i % BUDGET] = now;
    }
    assert_int_equal(pd.incarnation, 2001);
}

/* Time */

static void test_time_going_backwards(void **state)
{
    (void)state;
    assert_restart(fail_at(10000), 0, 1);

    /* Earlier than the last failure: no time passed, so it is in a row, not after a quiet window. */
    sel4ft_supervisor_decision_t decision = fail_at(5);
    assert_restart(decision, FIRST, 2);
    decision = fail_at(0);
    assert_restart(decision, 2 * FIRST, 3);
    /* The clock resumes: still measured from the latest time seen. */
    assert_restart(fail_at(10001), 4 * FIRST, 4);
    assert_restart(fail_at(10001 + WINDOW), 0, 1);

    /* From the top of the clock back to the bottom. */
    sel4ft_supervisor_state_init(&pd);
    assert_restart(fail_at(UINT64_MAX - 1), 0, 1);
    assert_restart(fail_at(3), FIRST, 2);
    assert_restart(fail_at(UINT64_MAX), 2 * FIRST, 3);
    assert_restart(fail_at(0), 4 * FIRST, 4);
    assert_restart(fail_at(1), 8 * FIRST, 5);
    /* The budget still applies: all five restarts count as happening near UINT64_MAX. */
    decision = fail_at(2);
    assert_int_equal(decision.action, SEL4FT_SUPERVISOR_ESCALATE);
    assert_int_equal(decision.restarts_in_window, BUDGET);
}

static void test_times_near_uint64_max(void **state)
{
    (void)state;
    policy.window_ticks = UINT64_MAX;
    assert_restart(fail_at(UINT64_MAX - 3), 0, 1);
    assert_restart(fail_at(UINT64_MAX - 2), FIRST, 2);
    assert_restart(fail_at(UINT64_MAX), 2 * FIRST, 3);
}

/* Reset */

static void test_reset_after_escalation(void **state)
{
    (void)state;
    policy.max_restarts = 2;
    assert_restart(fail_at(100), 0, 1);
    assert_restart(fail_at(101), FIRST, 2);
    assert_int_equal(fail_at(102).action, SEL4FT_SUPERVISOR_ESCALATE);
    assert_int_equal(pd.incarnation, 3);

    sel4ft_supervisor_reset(&pd);
    assert_int_equal(pd.escalated, 0);
    assert_int_equal(pd.restart_count, 0);
    assert_int_equal(pd.consecutive, 0);
    assert_int_equal(pd.incarnation, 3);

    /* A fresh budget and no back-off, but incarnations go on. */
    sel4ft_supervisor_decision_t decision = fail_at(103);
    assert_restart(decision, 0, 1);
    assert_int_equal(decision.incarnation, 4);
    assert_restart(fail_at(104), FIRST, 2);
    decision = fail_at(105);
    assert_int_equal(decision.action, SEL4FT_SUPERVISOR_ESCALATE);
    assert_int_equal(decision.incarnation, 5);
}

static void test_reset_clears_backoff(void **state)
{
    (void)state;
    assert_restart(fail_at(1), 0, 1);
    assert_restart(fail_at(2), FIRST, 2);
    assert_restart(fail_at(3), 2 * FIRST, 3);
    sel4ft_supervisor_reset(&pd);
    assert_restart(fail_at(4), 0, 1);
    assert_restart(fail_at(5), FIRST, 2);
    assert_int_equal(pd.incarnation, 6);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_policy_check),
        TEST(test_invalid_policy_on_failure_stops),
        TEST(test_state_init),
        TEST(test_first_failure_restarts_at_once),
        TEST(test_first_failure_at_time_zero),
        TEST(test_backoff_doubles_up_to_cap),
        TEST(test_backoff_cap_not_a_power_of_two_multiple),
        TEST(test_backoff_full_history),
        TEST(test_backoff_near_uint64_max_does_not_overflow),
        TEST(test_incarnation_counts_restarts),
        TEST(test_escalate_stop_after_budget),
        TEST(test_escalate_group_after_budget),
        TEST(test_full_history_budget),
        TEST(test_zero_budget_escalates_first_failure),
        TEST(test_quiet_window_restarts_at_once),
        TEST(test_old_restarts_leave_the_window),
        TEST(test_once_per_window_never_escalates),
        TEST(test_irregular_failures_within_budget),
        TEST(test_time_going_backwards),
        TEST(test_times_near_uint64_max),
        TEST(test_reset_after_escalation),
        TEST(test_reset_clears_backoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
