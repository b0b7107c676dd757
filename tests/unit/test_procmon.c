/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* Unit tests for the Linux port's process monitor (sel4ft/procmon.h): the library's engine over real child
 * processes. A child ends by a signal, an exit or a hang; the engine restarts or stops it through the port's
 * hooks; a planned end is not a failure. */

#define _GNU_SOURCE

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sel4ft/error.h>
#include <sel4ft/os.h>
#include <sel4ft/os_linux.h>
#include <sel4ft/procmon.h>

/* What each incarnation of a child does. */
enum behaviour { SEGFAULT, EXIT_3, EXIT_0, HANG, SLEEP };

static struct {
    enum behaviour behaviour[8]; /* indexed by incarnation - 1; later incarnations sleep */
    uint32_t starts;
    uint32_t last_incarnation;
    bool fail_start;
    bool planned;                /* ended() says every end was planned */
    uint32_t ended_calls;
    int last_child;
    int last_status;
    uint32_t notified;
    sel4ft_channel_t notified_channel;
} t;

static sel4ft_heartbeat_t *heartbeat; /* MAP_SHARED: the children beat here */

static void run(enum behaviour behaviour)
{
    switch (behaviour) {
    case SEGFAULT:
        /* The default action, not a sanitizer's handler: the monitor must see the signal itself. */
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
        _exit(99);
    case EXIT_3:
        _exit(3);
    case EXIT_0:
        _exit(0);
    case HANG:
        sel4ft_heartbeat_beat(heartbeat);
        for (;;) {
            pause();
        }
    case SLEEP:
        for (;;) {
            sel4ft_heartbeat_beat(heartbeat);
            usleep(1000);
        }
    }
    _exit(98);
}

static pid_t start(void *context, sel4ft_child_t child, uint32_t incarnation)
{
    (void)context;
    if (child != 0) {
        pid_t pid = sel4ft_procmon_fork(); /* a bystander: sleeps */
        if (pid == 0) {
            run(SLEEP);
        }
        return pid;
    }
    t.starts++;
    t.last_incarnation = incarnation;
    if (t.fail_start) {
        return -1;
    }
    pid_t pid = sel4ft_procmon_fork();
    if (pid == 0) {
        run(incarnation <= 8 ? t.behaviour[incarnation - 1] : SLEEP);
    }
    return pid;
}

static bool ended(void *context, int child, pid_t pid, int status)
{
    (void)context;
    (void)pid;
    t.ended_calls++;
    t.last_child = child;
    t.last_status = status;
    return t.planned;
}

static void notify(void *context, sel4ft_channel_t channel)
{
    (void)context;
    t.notified++;
    t.notified_channel = channel;
}

static const sel4ft_procmon_ops_t ops = { .start = start, .ended = ended, .notify = notify };

static int setup(void **state)
{
    (void)state;
    memset(&t, 0, sizeof(t));
    for (unsigned i = 0; i < 8; i++) {
        t.behaviour[i] = SLEEP;
    }
    heartbeat = mmap(NULL, sizeof(*heartbeat), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return heartbeat == MAP_FAILED ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    munmap(heartbeat, sizeof(*heartbeat));
    return 0;
}

/* Wait (at most 5 s) until the child's record satisfies `done`. */
static void wait_until(sel4ft_procmon_t *pm, bool (*done)(const sel4ft_faultmon_child_t *))
{
    uint64_t limit = sel4ft_os_ticks() + 5 * sel4ft_os_tick_hz();
    while (!done(sel4ft_procmon_child(pm, 0))) {
        assert_int_equal(sel4ft_procmon_wait(pm, NULL, 0, sel4ft_os_ticks() + sel4ft_os_tick_hz() / 100), 1);
        assert_true(sel4ft_os_ticks() < limit);
    }
}

static bool restarted_once(const sel4ft_faultmon_child_t *child)
{
    return child->restarts >= 1;
}

static bool stopped(const sel4ft_faultmon_child_t *child)
{
    return child->state == SEL4FT_FAULTMON_STOPPED;
}

static bool ended_once(const sel4ft_faultmon_child_t *child)
{
    (void)child;
    return t.ended_calls >= 1;
}

static void test_signal_is_a_failure_and_restarts(void **state)
{
    (void)state;
    sel4ft_procmon_t pm;
    t.behaviour[0] = SEGFAULT;
    assert_int_equal(sel4ft_procmon_init(&pm, &ops, true), 0);
    const sel4ft_faultmon_child_config_t config = { .name = "child", .on_fault = SEL4FT_FAULTMON_RESTART,
                                                    .dependents = 1ull << 1 };
    const sel4ft_faultmon_child_config_t dependent = { .name = "dependent", .on_fault = SEL4FT_FAULTMON_STOP };
    assert_int_equal(sel4ft_procmon_start(&pm, 1, &dependent), 0);
    assert_int_equal(sel4ft_procmon_start(&pm, 0, &config), 0);
    assert_true(pm.pids[0] > 0);
    wait_until(&pm, restarted_once);

    const sel4ft_faultmon_child_t *child = sel4ft_procmon_child(&pm, 0);
    assert_int_equal(child->last_failure.cause, SEL4FT_FAILURE_SIGNAL);
    assert_int_equal(child->last_failure.code, SIGSEGV);
    assert_int_equal(child->faults, 1);
    assert_int_equal(t.last_incarnation, 2);
    assert_true(WIFSIGNALED(t.last_status) && WTERMSIG(t.last_status) == SIGSEGV);
    assert_true(pm.pids[0] > 0); /* the second incarnation runs */
    assert_int_equal(t.notified, 1); /* the dependent was told, on its channel */
    assert_int_equal(t.notified_channel, 1);

    assert_int_equal(sel4ft_procmon_child(&pm, 1)->faults, 0); /* the bystander goes on */
    pid_t second = pm.pids[0], bystander = pm.pids[1];
    sel4ft_procmon_close(&pm);
    assert_int_equal(kill(second, 0), -1); /* killed and reaped */
    assert_int_equal(kill(bystander, 0), -1);
}

static void test_exit_is_a_failure_with_its_status(void **state)
{
    (void)state;
    sel4ft_procmon_t pm;
    t.behaviour[0] = EXIT_3;
    assert_int_equal(sel4ft_procmon_init(&pm, &ops, true), 0);
    const sel4ft_faultmon_child_config_t config = { .name = "child", .on_fault = SEL4FT_FAULTMON_STOP };
    assert_int_equal(sel4ft_procmon_start(&pm, 0, &config), 0);
    wait_until(&pm, stopped);
    const sel4ft_faultmon_child_t *child = sel4ft_procmon_child(&pm, 0);
    assert_int_equal(child->last_failure.cause, SEL4FT_FAILURE_EXIT);
    assert_int_equal(child->last_failure.code, 3);
    assert_int_equal(child->restarts, 0);
    assert_int_equal(t.starts, 1);
    assert_int_equal(pm.pids[0], 0);
    sel4ft_procmon_close(&pm);
}

static void test_planned_end_is_not_a_failure(void **state)
{
    (void)state;
    sel4ft_procmon_t pm;
    t.behaviour[0] = EXIT_0;
    t.planned = true;
    assert_int_equal(sel4ft_procmon_init(&pm, &ops, true), 0);
    const sel4ft_faultmon_child_config_t config = { .name = "child", .on_fault = SEL4FT_FAULTMON_RESTART };
    assert_int_equal(sel4ft_procmon_start(&pm, 0, &config), 0);
    wait_until(&pm, ended_once);
    const sel4ft_faultmon_child_t *child = sel4ft_procmon_child(&pm, 0);
    assert_int_equal(child->faults, 0);
    assert_int_equal(child->restarts, 0);
    assert_int_equal(pm.pids[0], 0);
    assert_true(WIFEXITED(t.last_status) && WEXITSTATUS(t.last_status) == 0);
    sel4ft_procmon_close(&pm);
}

static void test_hang_is_found_by_heartbeat(void **state)
{
    (void)state;
    sel4ft_procmon_t pm;
    t.behaviour[0] = HANG;
    assert_int_equal(sel4ft_procmon_init(&pm, &ops, true), 0);
    const sel4ft_faultmon_child_config_t config = { .name = "child", .on_fault = SEL4FT_FAULTMON_RESTART,
                                                    .heartbeat = heartbeat };
    assert_int_equal(sel4ft_procmon_start(&pm, 0, &config), 0);
    uint64_t now = sel4ft_os_ticks();
    sel4ft_faultmon_set_heartbeat_period(&pm.monitor, sel4ft_os_tick_hz() / 50, now);
    assert_int_equal(sel4ft_faultmon_serving(&pm.monitor, 0, now), 0);
    pid_t hung = pm.pids[0];
    wait_until(&pm, restarted_once);
    const sel4ft_faultmon_child_t *child = sel4ft_procmon_child(&pm, 0);
    assert_int_equal(child->last_failure.cause, SEL4FT_FAILURE_HANG);
    assert_int_equal(child->hangs, 1);
    assert_int_equal(kill(hung, 0), -1); /* the hung process was killed and reaped by the restart */
    assert_true(pm.pids[0] > 0 && pm.pids[0] != hung);
    sel4ft_procmon_close(&pm);
}

static void test_failed_start_is_reported(void **state)
{
    (void)state;
    sel4ft_procmon_t pm;
    t.behaviour[0] = SEGFAULT;
    assert_int_equal(sel4ft_procmon_init(&pm, &ops, true), 0);
    const sel4ft_faultmon_child_config_t config = { .name = "child", .on_fault = SEL4FT_FAULTMON_RESTART };
    assert_int_equal(sel4ft_procmon_start(&pm, 0, &config), 0);
    t.fail_start = true; /* the restart cannot start the next incarnation */
    wait_until(&pm, stopped);
    const sel4ft_faultmon_child_t *child = sel4ft_procmon_child(&pm, 0);
    assert_int_equal(child->restart_error, -SEL4FT_EIO);
    assert_int_equal(pm.pids[0], 0);
    sel4ft_procmon_close(&pm);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    sel4ft_procmon_t pm;
    const sel4ft_procmon_ops_t no_start = { 0 };
    assert_int_equal(sel4ft_procmon_init(&pm, &no_start, true), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_procmon_init(&pm, NULL, true), -SEL4FT_EINVAL);

    assert_int_equal(sel4ft_procmon_init(&pm, &ops, true), 0);
    const sel4ft_faultmon_child_config_t config = { .name = "child", .on_fault = SEL4FT_FAULTMON_RESTART };
    assert_int_equal(sel4ft_procmon_start(&pm, SEL4FT_PROCMON_CHILDREN, &config), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_procmon_start(&pm, 0, NULL), -SEL4FT_EINVAL);
    const sel4ft_faultmon_child_config_t unnamed = { .on_fault = SEL4FT_FAULTMON_RESTART };
    assert_int_equal(sel4ft_procmon_start(&pm, 0, &unnamed), -SEL4FT_EINVAL);
    struct pollfd fds[SEL4FT_PROCMON_FDS + 1] = { 0 };
    assert_int_equal(sel4ft_procmon_wait(&pm, fds, SEL4FT_PROCMON_FDS + 1, 0), -SEL4FT_EINVAL);
    uint64_t ran, waited;
    assert_int_equal(sel4ft_procmon_schedstat(&pm, 0, &ran, &waited), -SEL4FT_EAGAIN);
    assert_int_equal(sel4ft_procmon_release(&pm, SEL4FT_PROCMON_CHILDREN), 0);
    t.fail_start = true;
    assert_int_equal(sel4ft_procmon_start(&pm, 0, &config), -SEL4FT_EIO);
    assert_int_equal(t.starts, 1);
    /* Not supervised after all: no record without a process, no route to its channel. */
    assert_int_equal(sel4ft_procmon_child(&pm, 0)->state, SEL4FT_FAULTMON_UNWATCHED);
    sel4ft_os_notify(0);
    assert_int_equal(t.notified, 0);
    t.fail_start = false;
    assert_int_equal(sel4ft_procmon_start(&pm, 0, &config), 0);
    pid_t first = pm.pids[0];
    /* A second start would lose the running process: refused, and the first goes on. */
    assert_int_equal(sel4ft_procmon_start(&pm, 0, &config), -SEL4FT_EINVAL);
    assert_int_equal(pm.pids[0], first);
    assert_int_equal(kill(first, 0), 0);
    sel4ft_procmon_close(&pm);
    assert_int_equal(kill(first, 0), -1);
}

static void test_terminate_ends_the_wait(void **state)
{
    (void)state;
    sel4ft_procmon_t pm;
    assert_int_equal(sel4ft_procmon_init(&pm, &ops, true), 0);
    kill(getpid(), SIGTERM); /* blocked, so it waits in the signalfd */
    assert_int_equal(sel4ft_procmon_wait(&pm, NULL, 0, 0), 0);
    sel4ft_procmon_close(&pm);
    sigset_t blocked;
    sigprocmask(SIG_BLOCK, NULL, &blocked);
    assert_false(sigismember(&blocked, SIGTERM)); /* given back */
}

static void test_release_hands_the_process_back(void **state)
{
    (void)state;
    sel4ft_procmon_t pm;
    t.planned = true;
    assert_int_equal(sel4ft_procmon_init(&pm, &ops, true), 0);
    const sel4ft_faultmon_child_config_t config = { .name = "child", .on_fault = SEL4FT_FAULTMON_RESTART };
    assert_int_equal(sel4ft_procmon_start(&pm, 0, &config), 0);
    uint64_t ran, waited;
    assert_int_equal(sel4ft_procmon_schedstat(&pm, 0, &ran, &waited), 0);
    pid_t pid = sel4ft_procmon_release(&pm, 0);
    assert_true(pid > 0);
    assert_int_equal(pm.pids[0], 0);
    kill(pid, SIGKILL);
    /* Its end reaches ops.ended as a process the monitor does not supervise, and is no failure. */
    uint64_t limit = sel4ft_os_ticks() + 5 * sel4ft_os_tick_hz();
    while (t.ended_calls == 0) {
        assert_int_equal(sel4ft_procmon_wait(&pm, NULL, 0, sel4ft_os_ticks() + sel4ft_os_tick_hz() / 100), 1);
        assert_true(sel4ft_os_ticks() < limit);
    }
    assert_int_equal(t.last_child, -1);
    assert_true(WIFSIGNALED(t.last_status) && WTERMSIG(t.last_status) == SIGKILL);
    assert_int_equal(sel4ft_procmon_child(&pm, 0)->faults, 0);
    assert_int_equal(kill(pid, 0), -1); /* reaped */
    sel4ft_procmon_close(&pm);
}

/* Closed, the monitor gives everything back: the caller's signal mask, the port's child hooks, the channels. */
static void test_close_gives_back(void **state)
{
    (void)state;
    sel4ft_procmon_t pm;
    sigset_t interrupt, blocked;
    sigemptyset(&interrupt);
    sigaddset(&interrupt, SIGINT);
    sigprocmask(SIG_BLOCK, &interrupt, NULL);
    assert_int_equal(sel4ft_procmon_init(&pm, &ops, true), 0);
    const sel4ft_faultmon_child_config_t config = { .name = "child", .on_fault = SEL4FT_FAULTMON_RESTART };
    assert_int_equal(sel4ft_procmon_start(&pm, 0, &config), 0);
    sel4ft_os_notify(0); /* routed to ops.notify while open */
    assert_int_equal(t.notified, 1);
    assert_int_equal(sel4ft_os_child_stop(0), 0); /* through the port's hook: killed and reaped */
    assert_int_equal(pm.pids[0], 0);
    sel4ft_procmon_close(&pm);
    sigprocmask(SIG_BLOCK, NULL, &blocked);
    assert_true(sigismember(&blocked, SIGINT));   /* the caller's, kept */
    assert_false(sigismember(&blocked, SIGCHLD)); /* the monitor's, given back */
    sigprocmask(SIG_UNBLOCK, &interrupt, NULL);
    assert_int_equal(sel4ft_os_child_restart(0), -SEL4FT_ENOTSUP);
    assert_int_equal(sel4ft_os_child_stop(0), -SEL4FT_ENOTSUP);
    sel4ft_os_notify(0);
    assert_int_equal(t.notified, 1);
}

static void test_fork_unblocks_signals(void **state)
{
    (void)state;
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);
    pid_t pid = sel4ft_procmon_fork();
    if (pid == 0) {
        sigset_t blocked;
        sigprocmask(SIG_BLOCK, NULL, &blocked);
        _exit(sigismember(&blocked, SIGTERM) ? 1 : 0);
    }
    sigprocmask(SIG_UNBLOCK, &term, NULL);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_describe_status(void **state)
{
    (void)state;
    char text[96];
    sel4ft_procmon_describe_status(3 << 8, text, sizeof(text)); /* as the kernel encodes exit(3) */
    assert_string_equal(text, "exited with status 3");
    sel4ft_procmon_describe_status(SIGSEGV, text, sizeof(text));
    assert_string_equal(text, "killed by signal 11 (SIGSEGV)");
    sel4ft_procmon_describe_status(SIGSEGV, text, 8);
    assert_string_equal(text, "killed ");
}

static void route_handler(void *context, sel4ft_channel_t channel)
{
    *(sel4ft_channel_t *)context = channel;
}

static void test_route(void **state)
{
    (void)state;
    sel4ft_channel_t seen = 0;
    sel4ft_os_linux_route(5, route_handler, &seen);
    sel4ft_os_notify(4); /* no route: dropped */
    assert_int_equal(seen, 0);
    sel4ft_os_notify(5);
    assert_int_equal(seen, 5);
    sel4ft_os_linux_route(SEL4FT_OS_MAX_CHANNEL + 1, route_handler, &seen); /* out of range: ignored */
    sel4ft_os_linux_route(5, NULL, NULL);
    seen = 0;
    sel4ft_os_notify(5);
    assert_int_equal(seen, 0);
    /* New hooks clear the routes: a later route does not bring an old one back. */
    sel4ft_os_linux_route(5, route_handler, &seen);
    sel4ft_os_linux_set_hooks(NULL);
    sel4ft_os_linux_route(6, route_handler, &seen);
    sel4ft_os_notify(5);
    assert_int_equal(seen, 0);
    sel4ft_os_linux_set_hooks(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signal_is_a_failure_and_restarts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exit_is_a_failure_with_its_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_planned_end_is_not_a_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hang_is_found_by_heartbeat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_start_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_terminate_ends_the_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release_hands_the_process_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_gives_back, setup, teardown),
        cmocka_unit_test(test_fork_unblocks_signals),
        cmocka_unit_test(test_describe_status),
        cmocka_unit_test(test_route),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
