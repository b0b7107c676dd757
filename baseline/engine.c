/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sel4ft/error.h>

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

static int restart_child(void *context, sel4ft_child_t child)
{
    baseline_engine_t *engine = context;
    if (child >= BASELINE_ENGINE_CHILDREN) {
        return -SEL4FT_EINVAL;
    }
    kill_and_reap(engine, child);
    /* The record already holds the incarnation this restart starts. */
    engine->pids[child] = engine->ops.start(engine->ops.context, child,
                                            engine->monitor.children[child].supervision.incarnation);
    return 0;
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

static void notify(void *context, sel4ft_channel_t channel)
{
    baseline_engine_t *engine = context;
    if (engine->ops.notify != NULL) {
        engine->ops.notify(engine->ops.context, channel);
    }
}

/* The engine's sink: its default line, through this process's logging. */
static void log_event(void *context, const sel4ft_faultmon_event_t *event)
{
    const baseline_engine_t *engine = context;
    char line[SEL4FT_LOGRING_TEXT_MAX + 1];
    if (!engine->quiet && sel4ft_faultmon_event_format(event, engine->monitor.tick_hz, line, sizeof(line)) >= 0) {
        baseline_log(sel4ft_faultmon_event_level(event->kind), "%s", line);
    }
}

void baseline_engine_init(baseline_engine_t *engine, const baseline_engine_ops_t *ops, bool quiet)
{
    memset(engine, 0, sizeof(*engine));
    engine->ops = *ops;
    engine->quiet = quiet;
    sel4ft_faultmon_init(&engine->monitor, NULL, log_event, engine);
    engine->signals = baseline_child_signals();
    baseline_port_children(restart_child, stop_child, engine);
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

/* Hand every process that ended to ops.ended, and a child's unplanned end to the engine. */
static void reap(baseline_engine_t *engine)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        int child = -1;
        for (unsigned i = 0; i < BASELINE_ENGINE_CHILDREN; i++) {
            if (engine->pids[i] == pid) {
                child = (int)i;
                engine->pids[i] = 0;
            }
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
    baseline_port_children(NULL, NULL, NULL);
    close(engine->signals);
    baseline_child_signals_unblock();
}
