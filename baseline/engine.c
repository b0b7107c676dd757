/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sel4ft/error.h>
#include <sel4ft/os_linux.h>

#include "cli.h"
#include "engine.h"
#include "log.h"
#include "port.h"
#include "spawn.h"

/* A poll() timeout until `deadline` (0: none, -1 returned): whole milliseconds rounded up, at most a minute. */
static int timeout_ms(uint64_t deadline, uint64_t now)
{
    if (deadline == 0) {
        return -1;
    }
    uint64_t hz = sel4ft_os_tick_hz(), ticks = deadline > now ? deadline - now : 0;
    uint64_t ms = ticks / hz * 1000 + (ticks % hz * 1000 + hz - 1) / hz;
    return ms > 60000 ? 60000 : (int)ms;
}

static void kill_and_reap(baseline_engine_t *engine, sel4ft_child_t child)
{
    if (engine->pids[child] > 0) {
        kill(engine->pids[child], SIGKILL);
        /* At once: its end must not come back through waitpid() as a failure of the next incarnation. */
        waitpid(engine->pids[child], NULL, 0);
        engine->pids[child] = 0;
    }
}

static int stop_child(void *context, sel4ft_child_t child)
{
    baseline_engine_t *engine = context;
    if (child >= BASELINE_ENGINE_CHILDREN) {
        return -SEL4FT_EINVAL;
    }
    kill_and_reap(engine, child);
    return 0;
}

static int restart_child(void *context, sel4ft_child_t child)
{
    baseline_engine_t *engine = context;
    int err = stop_child(engine, child);
    if (err == 0) {
        /* The record already holds the incarnation this restart starts. */
        engine->pids[child] = engine->ops.start(engine->ops.context, child,
                                                engine->monitor.children[child].supervision.incarnation);
    }
    return err;
}

/* A process's scheduler statistics, /proc/<pid>/schedstat: the time it ran and the time it waited, runnable, for a
 * processor (run_delay), nanoseconds, as the port's ticks. */
static int schedstat(pid_t pid, uint64_t *ran, uint64_t *waited_ticks)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
    FILE *f = fopen(path, "r");
    unsigned long long running = 0, delay = 0;
    int fields = f != NULL ? fscanf(f, "%llu %llu", &running, &delay) : 0;
    if (f != NULL) {
        fclose(f);
    }
    if (fields != 2) {
        return -SEL4FT_ENOTSUP; /* no scheduler statistics: the engine counts wall time only */
    }
    uint64_t hz = sel4ft_os_tick_hz();
    *ran = running / 1000000000ull * hz + running % 1000000000ull * hz / 1000000000ull;
    *waited_ticks = delay / 1000000000ull * hz + delay % 1000000000ull * hz / 1000000000ull;
    return 0;
}

/* Whether a process is runnable (running or waiting for a processor), from /proc/<pid>/stat: the state letter
 * after the command name, which is in parentheses and may itself hold any character. */
static bool runnable(pid_t pid)
{
    char path[64], text[512];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    size_t length = f != NULL ? fread(text, 1, sizeof(text) - 1, f) : 0;
    if (f != NULL) {
        fclose(f);
    }
    text[length] = '\0';
    const char *end = strrchr(text, ')');
    return end != NULL && end[1] == ' ' && end[2] == 'R';
}

/* The port's sel4ft_os_child_waited(): the time a child could not use. The kernel's run_delay counts a wait only
 * once it has ended (when the process gets a processor), so a process still waiting would look as if it had run.
 * Instead, between two calls, a process found runnable is counted as having had only the processor time it used;
 * one found sleeping had the whole time (a deadlock is a hang too). A process that has ended but is not yet reaped
 * is not judged: its end is handled first, at the next wait. */
static int waited(void *context, sel4ft_child_t child, uint64_t *ticks)
{
    baseline_engine_t *engine = context;
    if (child >= BASELINE_ENGINE_CHILDREN || engine->pids[child] <= 0) {
        return -SEL4FT_EAGAIN;
    }
    pid_t pid = engine->pids[child];
    siginfo_t info = { 0 };
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) {
        return -SEL4FT_EAGAIN;
    }
    uint64_t ran, delay, now = sel4ft_os_ticks();
    if (schedstat(pid, &ran, &delay) != 0) {
        return -SEL4FT_ENOTSUP;
    }
    baseline_engine_usage_t *usage = &engine->usage[child];
    if (usage->pid != pid) {
        *usage = (baseline_engine_usage_t){ .pid = pid, .at = now, .ran = ran, .waited = 0 };
    } else if (runnable(pid)) {
        uint64_t wall = now - usage->at, used = ran - usage->ran;
        usage->waited += used < wall ? wall - used : 0;
    }
    usage->at = now;
    usage->ran = ran;
    *ticks = usage->waited;
    return 0;
}

int baseline_engine_schedstat(const baseline_engine_t *engine, sel4ft_child_t child, uint64_t *ran, uint64_t *waited)
{
    if (child >= BASELINE_ENGINE_CHILDREN || engine->pids[child] <= 0) {
        return -SEL4FT_EAGAIN;
    }
    return schedstat(engine->pids[child], ran, waited);
}

static void notify(void *context, sel4ft_channel_t channel)
{
    baseline_engine_t *engine = context;
    if (engine->ops.notify != NULL) {
        engine->ops.notify(engine->ops.context, channel);
    }
}

/* The engine's sink: its default line, through this process's log. */
static void log_event(void *context, const sel4ft_faultmon_event_t *event)
{
    const baseline_engine_t *engine = context;
    char line[SEL4FT_LOGRING_TEXT_MAX + 1];
    if (!engine->quiet && sel4ft_faultmon_event_format(event, engine->monitor.tick_hz, line, sizeof(line)) >= 0) {
        sel4ft_log_printf(sel4ft_faultmon_event_level(event->kind), "%s", line);
    }
}

/* Send the port's child hooks to this engine (NULL: back to the defaults). */
static void hook_children(baseline_engine_t *engine)
{
    sel4ft_os_linux_hooks_t *hooks = sel4ft_os_linux_hooks();
    hooks->child_restart = engine != NULL ? restart_child : NULL;
    hooks->child_stop = engine != NULL ? stop_child : NULL;
    hooks->child_waited = engine != NULL ? waited : NULL;
    hooks->context = engine;
}

void baseline_engine_init(baseline_engine_t *engine, const baseline_engine_ops_t *ops, bool quiet)
{
    memset(engine, 0, sizeof(*engine));
    engine->ops = *ops;
    engine->quiet = quiet;
    sel4ft_faultmon_init(&engine->monitor, NULL, log_event, engine);
    engine->signals = baseline_child_signals();
    hook_children(engine);
}

void baseline_engine_start(baseline_engine_t *engine, sel4ft_child_t child,
                           const sel4ft_faultmon_child_config_t *config)
{
    sel4ft_faultmon_child_config_t watched = *config;
    watched.channel = child;
    if (child >= BASELINE_ENGINE_CHILDREN || sel4ft_faultmon_add_child(&engine->monitor, child, &watched) != 0) {
        baseline_die("cannot supervise %s", config->name);
    }
    baseline_port_route(child, notify, engine);
    engine->pids[child] = engine->ops.start(engine->ops.context, child, 1);
}

/* Hand every process that ended to ops.ended, and a child's unplanned end to the engine. A child's last figures
 * (its wait for a processor, its processor time) are kept for ops.ended: read before the reap, which ends them. */
static void reap(baseline_engine_t *engine)
{
    siginfo_t info;
    for (;;) {
        memset(&info, 0, sizeof(info));
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) {
            break;
        }
        pid_t pid = info.si_pid;
        int child = -1;
        for (unsigned i = 0; i < BASELINE_ENGINE_CHILDREN; i++) {
            if (engine->pids[i] == pid) {
                child = (int)i;
            }
        }
        baseline_engine_end_t end = { 0 };
        end.known = child >= 0 && schedstat(pid, &end.ran_ticks, &end.waited_ticks) == 0;
        int status;
        if (waitpid(pid, &status, 0) != pid) {
            break;
        }
        if (child >= 0) {
            engine->pids[child] = 0;
            engine->ends[child] = end;
        }
        if ((engine->ops.ended != NULL && engine->ops.ended(engine->ops.context, child, pid, status)) || child < 0) {
            continue;
        }
        sel4ft_failure_t failure = { .cause = SEL4FT_FAILURE_EXIT, .code = WEXITSTATUS(status) };
        if (WIFSIGNALED(status)) {
            failure = (sel4ft_failure_t){ .cause = SEL4FT_FAILURE_SIGNAL, .code = WTERMSIG(status) };
        }
        sel4ft_faultmon_failed(&engine->monitor, (sel4ft_child_t)child, &failure, sel4ft_os_ticks());
    }
}

bool baseline_engine_wait(baseline_engine_t *engine, struct pollfd *fds, unsigned count, uint64_t deadline)
{
    struct pollfd all[1 + BASELINE_ENGINE_FDS] = { { .fd = engine->signals, .events = POLLIN } };
    if (count > BASELINE_ENGINE_FDS) {
        baseline_die("too many descriptors to wait for");
    }
    for (unsigned i = 0; i < count; i++) {
        all[1 + i] = fds[i];
    }
    uint64_t next = sel4ft_faultmon_next_deadline(&engine->monitor);
    if (deadline != 0 && (next == 0 || deadline < next)) {
        next = deadline;
    }
    if (poll(all, 1 + count, timeout_ms(next, sel4ft_os_ticks())) < 0 && errno != EINTR) {
        baseline_die("poll: %s", strerror(errno));
    }
    for (unsigned i = 0; i < count; i++) {
        fds[i].revents = all[1 + i].revents;
    }

    bool go_on = true;
    struct signalfd_siginfo info;
    while (read(engine->signals, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
        go_on = go_on && info.ssi_signo != SIGINT && info.ssi_signo != SIGTERM;
    }
    reap(engine);
    sel4ft_faultmon_tick(&engine->monitor, sel4ft_os_ticks());
    return go_on;
}

const sel4ft_faultmon_child_t *baseline_engine_child(const baseline_engine_t *engine, sel4ft_child_t child)
{
    return sel4ft_faultmon_child(&engine->monitor, child);
}

void baseline_engine_close(baseline_engine_t *engine)
{
    for (sel4ft_child_t i = 0; i < BASELINE_ENGINE_CHILDREN; i++) {
        kill_and_reap(engine, i);
        baseline_port_route(i, NULL, NULL);
    }
    hook_children(NULL);
    close(engine->signals);
    baseline_child_signals_unblock();
}
