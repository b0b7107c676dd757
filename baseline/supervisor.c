/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The demo's supervisor. Like the fault monitor of the seL4 examples, it owns every shared resource (the system
 * description's part: shared memory objects, eventfds, sockets) and supervises the processes with the library's
 * engine over processes (sel4ft/procmon.h): a process's end is a failure, the engine restarts it under the seL4 recovery example's
 * policies, tells its dependents, and reports every step as an event. What is left here is the scenario: which
 * process starts when, and how a run ends. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sel4ft/procmon.h>

#include "cli.h"
#include "control.h"
#include "log.h"
#include "policies.h"
#include "role.h"
#include "server_state.h"
#include "shared.h"
#include "spawn.h"
#include "stream.h"
#include "supervisor.h"

/* The longest a scenario may take before the supervisor gives up on it (a hung process). */
#define SCENARIO_DEADLINE_SECONDS 30

enum child_id { CHILD_LOGGER = 0, CHILD_SERVER, CHILD_CLIENT, CHILD_CRASHER, CHILD_NUM };
static const char *const child_names[CHILD_NUM] = { "logger", "server", "client", "crasher" };

typedef struct {
    supervisor_options_t options;
    supervisor_result_t *result;
    baseline_run_t run;
    sel4ft_procmon_t engine;
    int control[CHILD_NUM];    /* The supervisor's end of each child's control socket, or -1. */
    bool finishing[CHILD_NUM]; /* Asked to finish. */
    bool finished[CHILD_NUM];  /* Ended as planned. */
    bool done;
    bool aborted;
} supervisor_t;

const char *baseline_scenario_name(scenario_t scenario)
{
    static const char *const names[] = { "isolated", "shared", "memory" };
    return scenario < sizeof(names) / sizeof(names[0]) ? names[scenario] : "?";
}

/* Children: how the engine starts, tells and loses them ------------------------------------------------------ */

/* Start incarnation `incarnation` of a child (role.h), with a fresh control socket. */
static pid_t start(void *context, sel4ft_child_t id, uint32_t incarnation)
{
    supervisor_t *s = context;
    const char *flag = NULL;
    if (s->options.scenario == SCENARIO_SHARED && (id == CHILD_SERVER || id == CHILD_CRASHER)) {
        flag = "--shared-state";
    } else if (s->options.quiet && id == CHILD_LOGGER) {
        flag = "--quiet";
    }
    if (s->control[id] >= 0) {
        close(s->control[id]);
    }
    pid_t pid = baseline_run_start(&s->run, child_names[id], incarnation, flag, &s->control[id]);
    fcntl(s->control[id], F_SETFL, O_NONBLOCK);
    return pid;
}

/* Supervise a child from its first start, under the seL4 recovery example's policies (policies.h). */
static void start_child(supervisor_t *s, enum child_id id)
{
    const uint64_t hz = sel4ft_os_tick_hz();
    const sel4ft_supervisor_policy_t policy = id == CHILD_CRASHER ? policy_crasher(hz) : policy_server(hz);
    const sel4ft_faultmon_child_config_t config = {
        .name = child_names[id],
        .on_fault = SEL4FT_FAULTMON_RESTART,
        .policy = &policy,
        /* The client depends on the crasher: it is told of each of its failures. */
        .dependents = id == CHILD_CRASHER ? 1ull << CHILD_CLIENT : 0,
    };
    baseline_check(sel4ft_procmon_start(&s->engine, id, &config), child_names[id]);
}

static bool started(const supervisor_t *s, enum child_id id)
{
    return sel4ft_procmon_child(&s->engine, id)->state != SEL4FT_FAULTMON_UNWATCHED;
}

/* The engine notifies a dependent's channel (its id): a process it depends on failed. */
static void notify(void *context, sel4ft_channel_t channel)
{
    supervisor_t *s = context;
    if (channel < CHILD_NUM && s->control[channel] >= 0) {
        baseline_control_send(s->control[channel], BASELINE_CONTROL_PEER_FAILED, 0, 0, 0);
    }
}

/* Ask a child to finish (a planned end, not a failure). */
static void finish(supervisor_t *s, enum child_id id)
{
    s->finishing[id] = true;
    if (baseline_control_send(s->control[id], BASELINE_CONTROL_FINISH, 0, 0, 0) != 0 && s->engine.pids[id] > 0) {
        kill(s->engine.pids[id], SIGTERM);
    }
}

/* Move the scenario on once the client is done: stop the server, then sum up, then stop the logger. */
static void finish_scenario(supervisor_t *s)
{
    const supervisor_result_t *r = s->result;
    if (!s->finished[CHILD_CLIENT]) {
        return;
    }
    if (!s->finishing[CHILD_SERVER]) {
        finish(s, CHILD_SERVER);
    } else if (s->finished[CHILD_SERVER] && !s->finishing[CHILD_LOGGER]) {
        sel4ft_faultmon_report(&s->engine.monitor, sel4ft_os_ticks());
        LOG_INFO("scenario summary: client: %lu of %lu requests succeeded before the crash, %lu of %lu after it; server "
                 "table %s", (unsigned long)r->phase_succeeded[0], (unsigned long)(r->phase_succeeded[0] + r->phase_failed[0]),
                 (unsigned long)r->phase_succeeded[1], (unsigned long)(r->phase_succeeded[1] + r->phase_failed[1]),
                 r->corrupted ? "CORRUPTED (detected by the server's checksum)" : "intact");
        finish(s, CHILD_LOGGER);
    }
    s->done = s->finished[CHILD_LOGGER];
}

static void handle_message(supervisor_t *s, enum child_id id, const baseline_control_t *message)
{
    switch (message->type) {
    case BASELINE_CONTROL_READY:
        sel4ft_faultmon_serving(&s->engine.monitor, id, sel4ft_os_ticks());
        if (id == CHILD_SERVER && !started(s, CHILD_CLIENT)) {
            start_child(s, CHILD_CLIENT);
        }
        return;
    case BASELINE_CONTROL_PHASE_DONE:
        if (id != CHILD_CLIENT || message->a < 1 || message->a > 2) {
            break;
        }
        s->result->phase_succeeded[message->a - 1] = message->b;
        s->result->phase_failed[message->a - 1] = message->c;
        if (message->a == 2) {
            return;
        }
        if (s->options.scenario == SCENARIO_MEMORY) {
            if (s->options.probe != NULL) {
                s->options.probe(s->engine.pids[CHILD_SERVER], s->engine.pids[CHILD_CLIENT],
                                 s->engine.pids[CHILD_LOGGER]);
            }
            baseline_control_send(s->control[CHILD_CLIENT], BASELINE_CONTROL_CONTINUE, 0, 0, 0);
        } else {
            LOG_INFO("the client's first phase is done; starting the crasher%s",
                     s->options.scenario == SCENARIO_SHARED ? " (it can open the server's table)" : "");
            start_child(s, CHILD_CRASHER);
        }
        return;
    case BASELINE_CONTROL_CORRUPTED:
        if (id == CHILD_SERVER) {
            s->result->corrupted = true;
            /* An event (doc/events.md): the server found its table written by someone else. */
            LOG_WARN("corrupted child=server");
            return;
        }
        break;
    default:
        break;
    }
    LOG_WARN("%s: unexpected control message %u", child_names[id], message->type);
}

static void read_messages(supervisor_t *s, enum child_id id)
{
    baseline_control_t message;
    int r;
    /* Until EAGAIN (nothing more) or EOF (the child is gone: its end says how). */
    while (s->control[id] >= 0 && ((r = baseline_control_receive(s->control[id], &message)) == 1 || r == -EBADMSG)) {
        if (r == 1) {
            handle_message(s, id, &message);
        } else {
            LOG_WARN("%s: malformed control message", child_names[id]);
        }
    }
}

/* A child ended: as planned (asked to finish, or the client done), or a failure for the engine. */
static bool ended(void *context, int child, pid_t pid, int status)
{
    supervisor_t *s = context;
    (void)pid;
    if (child < 0) {
        return true;
    }
    /* Whatever it said before it went (READY, CORRUPTED) counts. */
    read_messages(s, (enum child_id)child);
    close(s->control[child]);
    s->control[child] = -1;
    s->result->signal_seen |= child == CHILD_CRASHER && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
    if (!s->finishing[child] && !(child == CHILD_CLIENT && WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        return false;
    }
    s->finished[child] = true;
    if (child != CHILD_LOGGER) {
        char how[96];
        sel4ft_procmon_describe_status(status, how, sizeof(how));
        LOG_INFO("%s: finished (%s)", child_names[child], how);
    }
    finish_scenario(s);
    return true;
}

/* After the engine's decisions: the client goes on once the crasher is given up; without any other process the
 * scenario cannot. */
static void follow_decisions(supervisor_t *s)
{
    if (sel4ft_procmon_child(&s->engine, CHILD_CRASHER)->state == SEL4FT_FAULTMON_STOPPED && !s->result->crasher_stopped) {
        s->result->crasher_stopped = true;
        baseline_control_send(s->control[CHILD_CLIENT], BASELINE_CONTROL_CONTINUE, 0, 0, 0);
    }
    for (unsigned i = CHILD_LOGGER; i < CHILD_CRASHER; i++) {
        if (sel4ft_procmon_child(&s->engine, i)->state == SEL4FT_FAULTMON_STOPPED && !s->aborted) {
            LOG_ERROR("the scenario cannot go on without the %s", child_names[i]);
            s->aborted = true;
        }
    }
}

int baseline_supervise(const supervisor_options_t *options, supervisor_result_t *result)
{
    static supervisor_t supervisor;
    static unsigned runs;
    supervisor_t *s = &supervisor;
    const sel4ft_procmon_ops_t ops = { .start = start, .notify = notify, .ended = ended, .context = s };

    memset(s, 0, sizeof(*s));
    memset(result, 0, sizeof(*result));
    s->options = *options;
    s->result = result;
    for (unsigned i = 0; i < CHILD_NUM; i++) {
        s->control[i] = -1;
    }
    char run[32];
    snprintf(run, sizeof(run), "%d-%u", (int)getpid(), ++runs);
    baseline_check(sel4ft_procmon_init(&s->engine, &ops, false), "process monitor");
    baseline_run_create(&s->run, run, options->log, options->scenario == SCENARIO_SHARED);
    baseline_log_open(options->log, run, "supervisor", s->run.log_bells[0]);
    LOG_INFO("scenario %s: logs over %s; server, client, crasher and logger are processes started with fork + exec",
             baseline_scenario_name(options->scenario),
             options->log == BASELINE_LOG_RING ? "sel4ft_logring in POSIX shared memory" : "a Unix datagram socket");
    if (options->scenario == SCENARIO_SHARED) {
        LOG_INFO("scenario shared: the server keeps its table in a POSIX shared memory object, and the crasher may "
                 "open it writable");
    }
    const uint64_t deadline = sel4ft_os_ticks() + SCENARIO_DEADLINE_SECONDS * sel4ft_os_tick_hz();
    start_child(s, CHILD_LOGGER);
    start_child(s, CHILD_SERVER);

    while (!s->done && !s->aborted) {
        struct pollfd fds[CHILD_NUM];
        for (unsigned i = 0; i < CHILD_NUM; i++) {
            fds[i] = (struct pollfd){ .fd = s->control[i], .events = POLLIN };
        }
        if (baseline_check(sel4ft_procmon_wait(&s->engine, fds, CHILD_NUM, deadline), "wait") == 0) {
            LOG_ERROR("interrupted by a signal");
            s->aborted = true;
        }
        for (unsigned i = 0; i < CHILD_NUM; i++) {
            if (fds[i].revents != 0) {
                read_messages(s, (enum child_id)i);
            }
        }
        follow_decisions(s);
        if (!s->done && sel4ft_os_ticks() >= deadline) {
            LOG_ERROR("scenario %s did not finish within %u s; stopping every process",
                      baseline_scenario_name(options->scenario), SCENARIO_DEADLINE_SECONDS);
            s->aborted = true;
        }
    }
    if (s->aborted) {
        /* The logger may be gone: say it where it is seen. */
        fprintf(stderr, "sel4ft-baseline: scenario %s aborted (see the log above)\n",
                baseline_scenario_name(options->scenario));
    }
    sel4ft_procmon_close(&s->engine);
    const sel4ft_faultmon_child_t *crasher = sel4ft_procmon_child(&s->engine, CHILD_CRASHER);
    result->crasher_failures = crasher->faults;
    result->crasher_restarts = crasher->restarts;
    if (s->run.state != NULL) {
        /* Whatever the server noticed: did anything but the server write to its table? */
        const server_state_t *state = s->run.state;
        result->state_foreign_write = state->canary_front != SERVER_STATE_CANARY ||
                                      state->canary_back != SERVER_STATE_CANARY ||
                                      server_state_checksum(state) != state->checksum;
    }
    baseline_log_close();
    baseline_run_release(&s->run);
    for (unsigned i = 0; i < CHILD_NUM; i++) {
        if (s->control[i] >= 0) {
            close(s->control[i]);
        }
    }
    result->completed = s->done && !s->aborted;
    return result->completed ? 0 : 1;
}
