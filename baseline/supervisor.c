/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The supervisor and the demo. Like the fault monitor of the seL4 examples, the supervisor owns every shared
 * resource (the system description's part: shared memory objects, eventfds, sockets), starts each process with
 * fork + exec, learns of a failure from the kernel (SIGCHLD, wait status), asks the library's restart policy
 * what to do, and logs each decision with its reason and the incarnation. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sel4ft/supervisor.h>

#include "policies.h"
#include "baseline.h"
#include "server_state.h"
#include "supervisor.h"

/* The longest a scenario may take before the supervisor gives up on it (a hung process). */
#define SCENARIO_DEADLINE_TICKS (30 * sel4ft_os_tick_hz())

enum child_id { CHILD_LOGGER = 0, CHILD_SERVER, CHILD_CLIENT, CHILD_CRASHER, CHILD_NUM };

enum child_state {
    CHILD_DOWN = 0,  /* not started yet */
    CHILD_RUNNING,
    CHILD_BACKOFF,   /* failed; restarts when its back-off is over */
    CHILD_STOPPING,  /* asked to finish */
    CHILD_GAVE_UP,   /* the policy escalated: stopped for good */
    CHILD_FINISHED,  /* exited as planned */
};

typedef struct {
    const char *name;
    sel4ft_supervisor_policy_t policy;
    sel4ft_supervisor_state_t supervision;
    enum child_state state;
    pid_t pid;
    int control;            /* The supervisor's end of the child's control socket, or -1. */
    uint64_t restart_at;    /* CHILD_BACKOFF: when. */
    uint64_t failed_at;     /* The last failure, until the next incarnation says it runs (0: none). */
    uint32_t failures;
    uint32_t restarts;
    uint32_t dependents;    /* Children (bit per enum child_id) told when the policy gives up on this one. */
} child_t;

typedef struct {
    supervisor_options_t options;
    supervisor_result_t *result;
    char run[32];
    child_t children[CHILD_NUM];
    int signals;
    int placeholder;        /* /dev/null, for descriptor positions a role does not use */
    int listener;
    int log_socket;
    int log_bells[BASELINE_LOG_SOURCE_NUM];
    int slot_bells[BASELINE_SLOT_NUM][2];
    void *slots[BASELINE_SLOT_NUM];
    void *log_rings[BASELINE_LOG_SOURCE_NUM];
    void *state;
    bool finished;
    bool aborted;
    uint64_t deadline;
} supervisor_t;

const char *baseline_scenario_name(scenario_t scenario)
{
    switch (scenario) {
    case SCENARIO_ISOLATED:
        return "isolated";
    case SCENARIO_SHARED:
        return "shared";
    case SCENARIO_MEMORY:
        return "memory";
    default:
        return "?";
    }
}

static const char *log_mode_name(enum baseline_log_mode mode)
{
    return mode == BASELINE_LOG_DGRAM ? "dgram" : mode == BASELINE_LOG_RING ? "ring" : "stderr";
}

static void us_text(uint64_t ticks, char *text, size_t size)
{
    uint64_t ns = baseline_ticks_to_ns(ticks);
    snprintf(text, size, "%lu.%03lu us", (unsigned long)(ns / 1000), (unsigned long)(ns % 1000));
}

/* Resources --------------------------------------------------------------------------------------------------- */

static void resource_name(const supervisor_t *s, char *name, size_t size, const char *prefix, const char *what)
{
    char full[48];
    snprintf(full, sizeof(full), "%s%s", prefix, what);
    baseline_shm_name(name, size, s->run, full);
}

static void create_resources(supervisor_t *s)
{
    char name[96];

    for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
        resource_name(s, name, sizeof(name), "slot-", baseline_slot_owners[i]);
        s->slots[i] = baseline_shm_create(name, BASELINE_SLOT_MAPPING_SIZE);
        baseline_slot_setup(s->slots[i]);
        s->slot_bells[i][0] = baseline_bell_create();
        s->slot_bells[i][1] = baseline_bell_create();
    }
    if (s->options.log == BASELINE_LOG_RING) {
        for (unsigned i = 0; i < BASELINE_LOG_SOURCE_NUM; i++) {
            resource_name(s, name, sizeof(name), "log-", baseline_log_sources[i]);
            s->log_rings[i] = baseline_shm_create(name, BASELINE_LOG_RING_SIZE);
            s->log_bells[i] = baseline_bell_create();
        }
    } else {
        /* The logger's datagram socket: bound here, so lines sent before the logger runs wait in its queue. */
        struct sockaddr_storage address;
        socklen_t length = baseline_unix_address(&address, s->run, "log");
        s->log_socket = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s->log_socket < 0 || bind(s->log_socket, (struct sockaddr *)&address, length) != 0) {
            baseline_die("logger socket: %s", strerror(errno));
        }
        for (unsigned i = 0; i < BASELINE_LOG_SOURCE_NUM; i++) {
            s->log_bells[i] = -1;
        }
    }
    if (s->options.scenario == SCENARIO_SHARED) {
        resource_name(s, name, sizeof(name), "", "server-state");
        s->state = baseline_shm_create(name, SERVER_STATE_MAPPING_SIZE);
    }
    /* Owned here, like the socket a service manager hands to each incarnation of a service. */
    s->listener = baseline_unix_listen(s->run, BASELINE_SERVER_SOCKET);
    s->placeholder = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (s->placeholder < 0) {
        baseline_die("/dev/null: %s", strerror(errno));
    }
}

static void release_resources(supervisor_t *s)
{
    char name[96];

    for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
        resource_name(s, name, sizeof(name), "slot-", baseline_slot_owners[i]);
        shm_unlink(name);
        baseline_shm_unmap(s->slots[i], BASELINE_SLOT_MAPPING_SIZE);
        close(s->slot_bells[i][0]);
        close(s->slot_bells[i][1]);
    }
    for (unsigned i = 0; i < BASELINE_LOG_SOURCE_NUM; i++) {
        if (s->log_rings[i] != NULL) {
            resource_name(s, name, sizeof(name), "log-", baseline_log_sources[i]);
            shm_unlink(name);
            baseline_shm_unmap(s->log_rings[i], BASELINE_LOG_RING_SIZE);
        }
        if (s->log_bells[i] >= 0) {
            close(s->log_bells[i]);
        }
    }
    if (s->state != NULL) {
        resource_name(s, name, sizeof(name), "", "server-state");
        shm_unlink(name);
        baseline_shm_unmap(s->state, SERVER_STATE_MAPPING_SIZE);
    }
    for (unsigned i = 0; i < CHILD_NUM; i++) {
        if (s->children[i].control >= 0) {
            close(s->children[i].control);
        }
    }
    if (s->log_socket >= 0) {
        close(s->log_socket);
    }
    close(s->listener);
    close(s->placeholder);
    close(s->signals);
}

/* Children ---------------------------------------------------------------------------------------------------- */

static void spawn(supervisor_t *s, enum child_id id, uint32_t incarnation)
{
    child_t *child = &s->children[id];
    char incarnation_text[16];
    const char *argv[16];
    unsigned argc = 0;
    int fds[2 + 2 * BASELINE_SLOT_NUM + BASELINE_LOG_SOURCE_NUM];
    unsigned fd_count = 0;
    int pair[2];

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        baseline_die("socketpair: %s", strerror(errno));
    }
    snprintf(incarnation_text, sizeof(incarnation_text), "%u", incarnation);
    argv[argc++] = "sel4ft-baseline";
    argv[argc++] = child->name;
    argv[argc++] = "--run";
    argv[argc++] = s->run;
    argv[argc++] = "--log";
    argv[argc++] = log_mode_name(s->options.log);
    argv[argc++] = "--incarnation";
    argv[argc++] = incarnation_text;
    if (s->options.scenario == SCENARIO_SHARED && (id == CHILD_SERVER || id == CHILD_CRASHER)) {
        argv[argc++] = "--shared-state";
    }
    if (s->options.quiet && id == CHILD_LOGGER) {
        argv[argc++] = "--quiet";
    }
    argv[argc] = NULL;

    fds[fd_count++] = pair[1];
    switch (id) {
    case CHILD_LOGGER:
        fds[fd_count++] = s->log_socket >= 0 ? s->log_socket : s->placeholder;
        for (unsigned i = 0; i < BASELINE_LOG_SOURCE_NUM && s->log_bells[i] >= 0; i++) {
            fds[fd_count++] = s->log_bells[i];
        }
        break;
    case CHILD_SERVER:
        fds[fd_count++] = s->log_bells[1] >= 0 ? s->log_bells[1] : s->placeholder;
        fds[fd_count++] = s->listener;
        for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
            fds[fd_count++] = s->slot_bells[i][0];
            fds[fd_count++] = s->slot_bells[i][1];
        }
        break;
    case CHILD_CLIENT:
    case CHILD_CRASHER: {
        unsigned slot = id == CHILD_CLIENT ? 0 : 1;
        unsigned source = id == CHILD_CLIENT ? 2 : 3;
        fds[fd_count++] = s->log_bells[source] >= 0 ? s->log_bells[source] : s->placeholder;
        fds[fd_count++] = s->slot_bells[slot][0];
        fds[fd_count++] = s->slot_bells[slot][1];
        break;
    }
    default:
        break;
    }
    child->pid = baseline_spawn(argv, fds, fd_count);
    close(pair[1]);
    fcntl(pair[0], F_SETFL, O_NONBLOCK);
    child->control = pair[0];
    child->state = CHILD_RUNNING;
}

static child_t *child_by_pid(supervisor_t *s, pid_t pid)
{
    for (unsigned i = 0; i < CHILD_NUM; i++) {
        if (s->children[i].pid == pid) {
            return &s->children[i];
        }
    }
    return NULL;
}

static void finish_scenario(supervisor_t *s);

static void stop_child(child_t *child)
{
    if (child->state == CHILD_RUNNING) {
        child->state = CHILD_STOPPING;
        if (baseline_control_send(child->control, BASELINE_CONTROL_FINISH, 0, 0, 0) != 0) {
            kill(child->pid, SIGTERM);
        }
    }
}

static void handle_message(supervisor_t *s, enum child_id id, const baseline_control_t *message)
{
    child_t *child = &s->children[id];

    switch (message->type) {
    case BASELINE_CONTROL_READY:
        if (child->failed_at != 0) {
            char us[32];
            uint64_t ticks = sel4ft_os_ticks() - child->failed_at;
            us_text(ticks, us, sizeof(us));
            LOG_INFO("%s: serving again as incarnation %u, %lu ticks (%s) after the failure", child->name,
                     message->a, (unsigned long)ticks, us);
            child->failed_at = 0;
        }
        if (id == CHILD_SERVER && s->children[CHILD_CLIENT].state == CHILD_DOWN) {
            spawn(s, CHILD_CLIENT, 1);
        }
        return;
    case BASELINE_CONTROL_PHASE_DONE:
        if (id != CHILD_CLIENT || message->a < 1 || message->a > 2) {
            break;
        }
        s->result->phase_succeeded[message->a - 1] = message->b;
        s->result->phase_failed[message->a - 1] = message->c;
        if (message->a == 1) {
            if (s->options.scenario == SCENARIO_MEMORY) {
                if (s->options.probe != NULL) {
                    s->options.probe(s->children[CHILD_SERVER].pid, s->children[CHILD_CLIENT].pid,
                                     s->children[CHILD_LOGGER].pid);
                }
                baseline_control_send(child->control, BASELINE_CONTROL_CONTINUE, 0, 0, 0);
            } else {
                LOG_INFO("the client's first phase is done; starting the crasher%s",
                         s->options.scenario == SCENARIO_SHARED ? " (it can open the server's table)" : "");
                spawn(s, CHILD_CRASHER, 1);
            }
        }
        return;
    case BASELINE_CONTROL_CORRUPTED:
        if (id == CHILD_SERVER) {
            s->result->corrupted = true;
            LOG_WARN("server: reports that its table was corrupted by a write that was not its own");
        }
        return;
    default:
        break;
    }
    LOG_WARN("%s: unexpected control message %u", child->name, message->type);
}

static void read_messages(supervisor_t *s, enum child_id id)
{
    child_t *child = &s->children[id];
    baseline_control_t message;

    while (child->control >= 0) {
        int r = baseline_control_receive(child->control, &message);
        if (r == 1) {
            handle_message(s, id, &message);
        } else if (r == -EBADMSG) {
            LOG_WARN("%s: malformed control message", child->name);
        } else {
            /* EAGAIN: nothing more; EOF: the child is gone, and SIGCHLD says how. */
            return;
        }
    }
}

static void tell_dependents(supervisor_t *s, const child_t *child)
{
    for (unsigned i = 0; i < CHILD_NUM; i++) {
        if ((child->dependents & (1u << i)) != 0 && s->children[i].state == CHILD_RUNNING) {
            baseline_control_send(s->children[i].control, BASELINE_CONTROL_PEER_STOPPED, child->failures, 0, 0);
        }
    }
}

/* A child failed: ask the library's policy, and do what it says. */
static void on_failure(supervisor_t *s, enum child_id id, pid_t pid, int status)
{
    child_t *child = &s->children[id];
    char how[96];
    char us[32];
    uint64_t now = sel4ft_os_ticks();

    baseline_describe_status(status, how, sizeof(how));
    child->failures++;
    child->failed_at = now;
    if (id == CHILD_CRASHER) {
        s->result->crasher_failures = child->failures;
        s->result->signal_seen |= WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
    }
    LOG_ERROR("%s: %s (pid %d, incarnation %u); the kernel ended that process only", child->name, how,
              (int)pid, child->supervision.incarnation);

    sel4ft_supervisor_decision_t decision = sel4ft_supervisor_on_failure(&child->policy, &child->supervision, now);
    if (decision.action == SEL4FT_SUPERVISOR_RESTART) {
        child->restarts++;
        if (id == CHILD_CRASHER) {
            s->result->crasher_restarts = child->restarts;
        }
        if (decision.delay_ticks == 0) {
            LOG_WARN("%s: restarting now as incarnation %u (restart %u in the window): %s", child->name,
                     decision.incarnation, decision.restarts_in_window, decision.reason);
            spawn(s, id, decision.incarnation);
        } else {
            us_text(decision.delay_ticks, us, sizeof(us));
            LOG_WARN("%s: restarting in %lu ticks (%s) as incarnation %u (restart %u in the window): %s", child->name,
                     (unsigned long)decision.delay_ticks, us, decision.incarnation, decision.restarts_in_window,
                     decision.reason);
            child->state = CHILD_BACKOFF;
            child->restart_at = now + decision.delay_ticks;
        }
        return;
    }
    /* Escalation. Restarting the whole group would lose the other processes' state; stopping is the policy's
     * other choice and the one the examples use. */
    child->state = CHILD_GAVE_UP;
    child->failed_at = 0;
    LOG_ERROR("%s: %s (%u restarts in the window, incarnation %u): stopped for good, telling dependents%s",
              child->name, decision.reason, decision.restarts_in_window, decision.incarnation,
              decision.escalation == SEL4FT_SUPERVISOR_ESCALATE_GROUP ? " (group restart not supported)" : "");
    if (id == CHILD_CRASHER) {
        s->result->crasher_stopped = true;
    }
    tell_dependents(s, child);
    if (id != CHILD_CRASHER) {
        /* Without its server, logger or client the scenario cannot go on. */
        LOG_ERROR("the scenario cannot go on without the %s", child->name);
        s->aborted = true;
    }
}

static void reap(supervisor_t *s)
{
    int status;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        child_t *child = child_by_pid(s, pid);
        if (child == NULL) {
            continue;
        }
        enum child_id id = (enum child_id)(child - s->children);
        /* Whatever it said before it went (READY, CORRUPTED) counts. */
        read_messages(s, id);
        close(child->control);
        child->control = -1;
        child->pid = 0;

        bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (child->state == CHILD_STOPPING || (clean && id == CHILD_CLIENT)) {
            char how[96];
            baseline_describe_status(status, how, sizeof(how));
            child->state = CHILD_FINISHED;
            if (id != CHILD_LOGGER) {
                LOG_INFO("%s: finished (%s)", child->name, how);
            }
            finish_scenario(s);
        } else {
            on_failure(s, id, pid, status);
        }
    }
}

/* Move the scenario on once the client is done: stop the server, then sum up, then stop the logger. */
static void finish_scenario(supervisor_t *s)
{
    child_t *server = &s->children[CHILD_SERVER];
    child_t *logger = &s->children[CHILD_LOGGER];
    child_t *crasher = &s->children[CHILD_CRASHER];

    if (s->children[CHILD_CLIENT].state != CHILD_FINISHED) {
        return;
    }
    if (server->state == CHILD_RUNNING) {
        stop_child(server);
        return;
    }
    if (server->state == CHILD_STOPPING || logger->state != CHILD_RUNNING) {
        if (logger->state == CHILD_FINISHED) {
            s->finished = true;
        }
        return;
    }
    if (s->options.scenario != SCENARIO_MEMORY) {
        LOG_INFO("summary: crasher: incarnation %u, %u failures, %u restarts, %s", crasher->supervision.incarnation,
                 crasher->failures, crasher->restarts,
                 crasher->state == CHILD_GAVE_UP ? "stopped by the policy" : "not stopped");
    }
    LOG_INFO("summary: client: %lu of %lu requests succeeded before the crash, %lu of %lu after it; server table %s",
             (unsigned long)s->result->phase_succeeded[0],
             (unsigned long)(s->result->phase_succeeded[0] + s->result->phase_failed[0]),
             (unsigned long)s->result->phase_succeeded[1],
             (unsigned long)(s->result->phase_succeeded[1] + s->result->phase_failed[1]),
             s->result->corrupted ? "CORRUPTED (detected by the server's checksum)" : "intact");
    stop_child(logger);
}

static void restart_due(supervisor_t *s, uint64_t now)
{
    for (unsigned i = 0; i < CHILD_NUM; i++) {
        child_t *child = &s->children[i];
        if (child->state == CHILD_BACKOFF && now >= child->restart_at) {
            LOG_INFO("%s: back-off over, restarting as incarnation %u", child->name, child->supervision.incarnation);
            spawn(s, (enum child_id)i, child->supervision.incarnation);
        }
    }
}

static int poll_timeout_ms(const supervisor_t *s, uint64_t now)
{
    uint64_t next = s->deadline;
    for (unsigned i = 0; i < CHILD_NUM; i++) {
        if (s->children[i].state == CHILD_BACKOFF && s->children[i].restart_at < next) {
            next = s->children[i].restart_at;
        }
    }
    if (next <= now) {
        return 0;
    }
    uint64_t ms = (baseline_ticks_to_ns(next - now) + 999999) / 1000000;
    return ms > 60000 ? 60000 : (int)ms;
}

static void kill_all(supervisor_t *s)
{
    for (unsigned i = 0; i < CHILD_NUM; i++) {
        if (s->children[i].pid > 0) {
            kill(s->children[i].pid, SIGKILL);
            waitpid(s->children[i].pid, NULL, 0);
            s->children[i].pid = 0;
        }
    }
}

static void init_children(supervisor_t *s)
{
    const uint64_t hz = sel4ft_os_tick_hz();
    /* The seL4 recovery example's policies (services/policies.h). */
    const sel4ft_supervisor_policy_t steady = policy_server(hz);
    const sel4ft_supervisor_policy_t crasher = policy_crasher(hz);
    static const char *const names[CHILD_NUM] = { "logger", "server", "client", "crasher" };

    for (unsigned i = 0; i < CHILD_NUM; i++) {
        child_t *child = &s->children[i];
        child->name = names[i];
        child->policy = i == CHILD_CRASHER ? crasher : steady;
        child->control = -1;
        if (sel4ft_supervisor_policy_check(&child->policy) != 0) {
            baseline_die("the restart policy of %s is invalid", child->name);
        }
        sel4ft_supervisor_state_init(&child->supervision);
    }
    s->children[CHILD_CRASHER].dependents = 1u << CHILD_CLIENT;
}

int baseline_supervise(const supervisor_options_t *options, supervisor_result_t *result)
{
    static supervisor_t supervisor;
    supervisor_t *s = &supervisor;

    memset(s, 0, sizeof(*s));
    memset(result, 0, sizeof(*result));
    s->options = *options;
    s->result = result;
    s->log_socket = -1;
    static unsigned runs;
    snprintf(s->run, sizeof(s->run), "%d-%u", (int)getpid(), ++runs);
    init_children(s);

    s->signals = baseline_supervisor_signals();

    create_resources(s);
    baseline_log_open(options->log, s->run, "supervisor", s->log_bells[0]);
    LOG_INFO("scenario %s: logs over %s; server, client, crasher and logger are processes started with fork + exec",
             baseline_scenario_name(options->scenario),
             options->log == BASELINE_LOG_RING ? "sel4ft_logring in POSIX shared memory" : "a Unix datagram socket");
    if (options->scenario == SCENARIO_SHARED) {
        LOG_INFO("scenario shared: the server keeps its table in a POSIX shared memory object, and the crasher may "
                 "open it writable");
    }
    s->deadline = sel4ft_os_ticks() + SCENARIO_DEADLINE_TICKS;
    spawn(s, CHILD_LOGGER, 1);
    spawn(s, CHILD_SERVER, 1);

    while (!s->finished && !s->aborted) {
        struct pollfd fds[1 + CHILD_NUM];
        fds[0] = (struct pollfd){ .fd = s->signals, .events = POLLIN };
        for (unsigned i = 0; i < CHILD_NUM; i++) {
            fds[1 + i] = (struct pollfd){ .fd = s->children[i].control, .events = POLLIN };
        }
        if (poll(fds, 1 + CHILD_NUM, poll_timeout_ms(s, sel4ft_os_ticks())) < 0 && errno != EINTR) {
            baseline_die("poll: %s", strerror(errno));
        }
        for (unsigned i = 0; i < CHILD_NUM; i++) {
            if (fds[1 + i].revents != 0) {
                read_messages(s, (enum child_id)i);
            }
        }
        struct signalfd_siginfo info;
        while (read(s->signals, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
            if (info.ssi_signo == SIGINT || info.ssi_signo == SIGTERM) {
                LOG_ERROR("interrupted by signal %u", info.ssi_signo);
                s->aborted = true;
            }
        }
        reap(s);
        uint64_t now = sel4ft_os_ticks();
        restart_due(s, now);
        if (now >= s->deadline && !s->finished) {
            LOG_ERROR("scenario %s did not finish within %lu s; stopping every process",
                      baseline_scenario_name(options->scenario),
                      (unsigned long)(SCENARIO_DEADLINE_TICKS / sel4ft_os_tick_hz()));
            s->aborted = true;
        }
    }
    if (s->aborted) {
        /* The logger may be gone: say it where it is seen. */
        fprintf(stderr, "sel4ft-baseline: scenario %s aborted (see the log above)\n",
                baseline_scenario_name(options->scenario));
    }
    kill_all(s);
    if (s->state != NULL) {
        /* Whatever the server noticed: did anything but the server write to its table? */
        const server_state_t *state = s->state;
        result->state_foreign_write = state->canary_front != SERVER_STATE_CANARY ||
                                      state->canary_back != SERVER_STATE_CANARY ||
                                      server_state_checksum(state) != state->checksum;
    }
    baseline_log_close();
    release_resources(s);
    baseline_supervisor_signals_unblock();
    result->completed = s->finished && !s->aborted;
    return result->completed ? 0 : 1;
}

/* Subcommands ------------------------------------------------------------------------------------------------- */

static void usage_options(const char *command)
{
    fprintf(stderr, "usage: sel4ft-baseline %s [--log ring|dgram]%s\n", command,
            strcmp(command, "supervisor") == 0 ? " [--scenario isolated|shared]" : " [isolated|shared|both]");
}

/* Say what a scenario showed, on standard output, after its logger has finished. Returns true if it showed
 * what it is meant to show. */
static bool verdict(scenario_t scenario, const supervisor_result_t *r)
{
    uint64_t after = r->phase_succeeded[1] + r->phase_failed[1];
    if (!r->completed) {
        printf("demo: scenario %s: FAILED to complete\n", baseline_scenario_name(scenario));
        return false;
    }
    if (scenario == SCENARIO_ISOLATED) {
        bool ok = r->signal_seen && r->crasher_stopped && r->phase_failed[0] == 0 && r->phase_failed[1] == 0 &&
                  after > 0 && !r->corrupted;
        printf("demo: scenario isolated: %s: the crasher's SIGSEGV was contained by the process boundary (%u failures, "
               "%u restarts, then stopped by the policy); %lu of %lu requests after the crash succeeded; the server's "
               "table is %s\n",
               ok ? "as expected" : "NOT as expected", r->crasher_failures, r->crasher_restarts,
               (unsigned long)r->phase_succeeded[1], (unsigned long)after, r->corrupted ? "CORRUPTED" : "intact");
        return ok;
    }
    bool ok = r->signal_seen && r->corrupted && r->phase_failed[0] == 0;
    printf("demo: scenario shared: %s: the crasher shared a writable mapping with the server and corrupted its table "
           "before its SIGSEGV; the server %s; %lu of %lu requests after the crash failed\n",
           ok ? "as expected" : "NOT as expected",
           r->corrupted ? "detected it (checksum) and refused to serve from it" : "did NOT notice",
           (unsigned long)r->phase_failed[1], (unsigned long)after);
    return ok;
}

static bool parse_log(const char *value, enum baseline_log_mode *mode)
{
    if (value != NULL && strcmp(value, "ring") == 0) {
        *mode = BASELINE_LOG_RING;
    } else if (value != NULL && strcmp(value, "dgram") == 0) {
        *mode = BASELINE_LOG_DGRAM;
    } else {
        return false;
    }
    return true;
}

static int run_scenarios(bool isolated, bool shared, enum baseline_log_mode log)
{
    supervisor_options_t options = { .log = log };
    supervisor_result_t results[2];
    bool ok = true;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (isolated) {
        printf("demo: == scenario isolated: the crasher shares nothing with the server but its own request slot\n");
        options.scenario = SCENARIO_ISOLATED;
        baseline_supervise(&options, &results[0]);
    }
    if (shared) {
        printf("demo: == scenario shared: the server's table is in shared memory the crasher can map writable\n");
        options.scenario = SCENARIO_SHARED;
        baseline_supervise(&options, &results[1]);
    }
    if (isolated) {
        ok &= verdict(SCENARIO_ISOLATED, &results[0]);
    }
    if (shared) {
        ok &= verdict(SCENARIO_SHARED, &results[1]);
    }
    if (isolated && shared) {
        printf("demo: contrast: on Linux the process boundary contains the crash itself, but not the writes made "
               "before it through memory that was shared writable. On seL4 the crasher's protection domain maps "
               "nothing of the server's: its only shared region is its own request region, which the server copies "
               "and validates, so the same bug cannot reach the server's state.\n");
    }
    return ok ? 0 : 1;
}

int baseline_demo_main(int argc, char **argv)
{
    enum baseline_log_mode log = BASELINE_LOG_RING;
    bool isolated = true, shared = true;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--log") == 0 && i + 1 < argc && parse_log(argv[i + 1], &log)) {
            i++;
        } else if (strcmp(argv[i], "isolated") == 0) {
            isolated = true;
            shared = false;
        } else if (strcmp(argv[i], "shared") == 0) {
            isolated = false;
            shared = true;
        } else if (strcmp(argv[i], "both") == 0) {
            isolated = shared = true;
        } else {
            usage_options("demo");
            return 2;
        }
    }
    return run_scenarios(isolated, shared, log);
}

int baseline_supervisor_main(int argc, char **argv)
{
    enum baseline_log_mode log = BASELINE_LOG_RING;
    bool shared = false;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--log") == 0 && i + 1 < argc && parse_log(argv[i + 1], &log)) {
            i++;
        } else if (strcmp(argv[i], "--scenario") == 0 && i + 1 < argc &&
                   (strcmp(argv[i + 1], "isolated") == 0 || strcmp(argv[i + 1], "shared") == 0)) {
            shared = strcmp(argv[i + 1], "shared") == 0;
            i++;
        } else {
            usage_options("supervisor");
            return 2;
        }
    }
    return run_scenarios(!shared, shared, log);
}
