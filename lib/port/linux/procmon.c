/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The Linux port's children (sel4ft/procmon.h): the supervision engine over processes. Host builds only. */

#define _GNU_SOURCE

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sel4ft/error.h>
#include <sel4ft/log.h>
#include <sel4ft/os_linux.h>
#include <sel4ft/procmon.h>

static void signal_set(sigset_t *signals)
{
    sigemptyset(signals);
    sigaddset(signals, SIGCHLD);
    sigaddset(signals, SIGINT);
    sigaddset(signals, SIGTERM);
}

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

static void kill_and_reap(sel4ft_procmon_t *procmon, sel4ft_child_t child)
{
    if (procmon->pids[child] > 0) {
        kill(procmon->pids[child], SIGKILL);
        /* At once: its end must not come back through waitpid() as a failure of the next incarnation. */
        waitpid(procmon->pids[child], NULL, 0);
        procmon->pids[child] = 0;
    }
}

static int stop_child(void *context, sel4ft_child_t child)
{
    sel4ft_procmon_t *procmon = context;
    if (child >= SEL4FT_PROCMON_CHILDREN) {
        return -SEL4FT_EINVAL;
    }
    kill_and_reap(procmon, child);
    return 0;
}

static int restart_child(void *context, sel4ft_child_t child)
{
    sel4ft_procmon_t *procmon = context;
    int err = stop_child(procmon, child);
    if (err != 0) {
        return err;
    }
    /* The record already holds the incarnation this restart starts. */
    pid_t pid = procmon->ops.start(procmon->ops.context, child,
                                   procmon->monitor.children[child].supervision.incarnation);
    procmon->pids[child] = pid > 0 ? pid : 0;
    return pid > 0 ? 0 : -SEL4FT_EIO;
}

/* Nanoseconds as the port's ticks, without overflow for any count a process's statistics hold. */
static uint64_t ns_to_ticks(unsigned long long ns, uint64_t hz)
{
    return ns / 1000000000ull * hz + ns % 1000000000ull * hz / 1000000000ull;
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
    *ran = ns_to_ticks(running, sel4ft_os_tick_hz());
    *waited_ticks = ns_to_ticks(delay, sel4ft_os_tick_hz());
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
    sel4ft_procmon_t *procmon = context;
    if (child >= SEL4FT_PROCMON_CHILDREN || procmon->pids[child] <= 0) {
        return -SEL4FT_EAGAIN;
    }
    pid_t pid = procmon->pids[child];
    siginfo_t info = { 0 };
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) {
        return -SEL4FT_EAGAIN;
    }
    uint64_t ran, delay, now = sel4ft_os_ticks();
    if (schedstat(pid, &ran, &delay) != 0) {
        return -SEL4FT_ENOTSUP;
    }
    sel4ft_procmon_usage_t *usage = &procmon->usage[child];
    if (usage->pid != pid) {
        *usage = (sel4ft_procmon_usage_t){ .pid = pid, .at = now, .ran = ran, .waited = 0 };
    } else if (runnable(pid)) {
        uint64_t wall = now - usage->at, used = ran - usage->ran;
        usage->waited += used < wall ? wall - used : 0;
    }
    usage->at = now;
    usage->ran = ran;
    *ticks = usage->waited;
    return 0;
}

int sel4ft_procmon_schedstat(const sel4ft_procmon_t *procmon, sel4ft_child_t child, uint64_t *ran,
                             uint64_t *waited_ticks)
{
    if (child >= SEL4FT_PROCMON_CHILDREN || procmon->pids[child] <= 0) {
        return -SEL4FT_EAGAIN;
    }
    return schedstat(procmon->pids[child], ran, waited_ticks);
}

static void notify(void *context, sel4ft_channel_t channel)
{
    sel4ft_procmon_t *procmon = context;
    if (procmon->ops.notify != NULL) {
        procmon->ops.notify(procmon->ops.context, channel);
    }
}

/* The engine's sink: its default line, through this process's log. */
static void log_event(void *context, const sel4ft_faultmon_event_t *event)
{
    const sel4ft_procmon_t *procmon = context;
    char line[SEL4FT_LOGRING_TEXT_MAX + 1];
    if (!procmon->quiet && sel4ft_faultmon_event_format(event, procmon->monitor.tick_hz, line, sizeof(line)) >= 0) {
        sel4ft_log_printf(sel4ft_faultmon_event_level(event->kind), "%s", line);
    }
}

/* Send the port's child hooks to this monitor (NULL: back to none). */
static void hook_children(sel4ft_procmon_t *procmon)
{
    sel4ft_os_linux_hooks_t *hooks = sel4ft_os_linux_hooks();
    hooks->child_restart = procmon != NULL ? restart_child : NULL;
    hooks->child_stop = procmon != NULL ? stop_child : NULL;
    hooks->child_waited = procmon != NULL ? waited : NULL;
    hooks->context = procmon;
}

int sel4ft_procmon_init(sel4ft_procmon_t *procmon, const sel4ft_procmon_ops_t *ops, bool quiet)
{
    if (procmon == NULL || ops == NULL || ops->start == NULL) {
        return -SEL4FT_EINVAL;
    }
    memset(procmon, 0, sizeof(*procmon));
    sigset_t signals;
    signal_set(&signals);
    sigprocmask(SIG_BLOCK, &signals, &procmon->saved_mask);
    procmon->signals = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
    if (procmon->signals < 0) {
        sigprocmask(SIG_SETMASK, &procmon->saved_mask, NULL);
        return -SEL4FT_EIO;
    }
    procmon->ops = *ops;
    procmon->quiet = quiet;
    sel4ft_faultmon_init(&procmon->monitor, NULL, log_event, procmon);
    hook_children(procmon);
    return 0;
}

int sel4ft_procmon_start(sel4ft_procmon_t *procmon, sel4ft_child_t child,
                         const sel4ft_faultmon_child_config_t *config)
{
    if (child >= SEL4FT_PROCMON_CHILDREN || config == NULL || procmon->pids[child] > 0 ||
        procmon->monitor.children[child].state != SEL4FT_FAULTMON_UNWATCHED) {
        return -SEL4FT_EINVAL; /* a second start would lose the running process */
    }
    sel4ft_faultmon_child_config_t watched = *config;
    watched.channel = child;
    int err = sel4ft_faultmon_add_child(&procmon->monitor, child, &watched);
    if (err != 0) {
        return err;
    }
    sel4ft_os_linux_route(child, notify, procmon);
    pid_t pid = procmon->ops.start(procmon->ops.context, child, 1);
    if (pid <= 0) {
        /* Not supervised after all: a record with no process would never fail, hang or restart. */
        sel4ft_os_linux_route(child, NULL, NULL);
        memset(&procmon->monitor.children[child], 0, sizeof(procmon->monitor.children[child]));
        return -SEL4FT_EIO;
    }
    procmon->pids[child] = pid;
    return 0;
}

/* Hand every process that ended to ops.ended, and a child's unplanned end to the engine. A child's last figures
 * (its wait for a processor, its processor time) are kept for ops.ended: read before the reap, which ends them. */
static void reap(sel4ft_procmon_t *procmon)
{
    siginfo_t info;
    for (;;) {
        memset(&info, 0, sizeof(info));
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) {
            break;
        }
        pid_t pid = info.si_pid;
        int child = -1;
        for (unsigned i = 0; i < SEL4FT_PROCMON_CHILDREN; i++) {
            if (procmon->pids[i] == pid) {
                child = (int)i;
            }
        }
        sel4ft_procmon_end_t end = { 0 };
        end.known = child >= 0 && schedstat(pid, &end.ran_ticks, &end.waited_ticks) == 0;
        int status;
        if (waitpid(pid, &status, 0) != pid) {
            break;
        }
        if (child >= 0) {
            procmon->pids[child] = 0;
            procmon->ends[child] = end;
        }
        if ((procmon->ops.ended != NULL && procmon->ops.ended(procmon->ops.context, child, pid, status)) ||
            child < 0) {
            continue;
        }
        sel4ft_failure_t failure = { .cause = SEL4FT_FAILURE_EXIT, .code = WEXITSTATUS(status) };
        if (WIFSIGNALED(status)) {
            failure = (sel4ft_failure_t){ .cause = SEL4FT_FAILURE_SIGNAL, .code = WTERMSIG(status) };
        }
        sel4ft_faultmon_failed(&procmon->monitor, (sel4ft_child_t)child, &failure, sel4ft_os_ticks());
    }
}

int sel4ft_procmon_wait(sel4ft_procmon_t *procmon, struct pollfd *fds, unsigned count, uint64_t deadline)
{
    struct pollfd all[1 + SEL4FT_PROCMON_FDS] = { { .fd = procmon->signals, .events = POLLIN } };
    if (count > SEL4FT_PROCMON_FDS) {
        return -SEL4FT_EINVAL;
    }
    for (unsigned i = 0; i < count; i++) {
        all[1 + i] = fds[i];
    }
    uint64_t next = sel4ft_faultmon_next_deadline(&procmon->monitor);
    if (deadline != 0 && (next == 0 || deadline < next)) {
        next = deadline;
    }
    if (poll(all, 1 + count, timeout_ms(next, sel4ft_os_ticks())) < 0 && errno != EINTR) {
        return -SEL4FT_EIO;
    }
    for (unsigned i = 0; i < count; i++) {
        fds[i].revents = all[1 + i].revents;
    }

    int go_on = 1;
    struct signalfd_siginfo info;
    while (read(procmon->signals, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
        go_on = go_on && info.ssi_signo != SIGINT && info.ssi_signo != SIGTERM;
    }
    reap(procmon);
    sel4ft_faultmon_tick(&procmon->monitor, sel4ft_os_ticks());
    return go_on;
}

const sel4ft_faultmon_child_t *sel4ft_procmon_child(const sel4ft_procmon_t *procmon, sel4ft_child_t child)
{
    return sel4ft_faultmon_child(&procmon->monitor, child);
}

pid_t sel4ft_procmon_release(sel4ft_procmon_t *procmon, sel4ft_child_t child)
{
    if (child >= SEL4FT_PROCMON_CHILDREN) {
        return 0;
    }
    pid_t pid = procmon->pids[child];
    procmon->pids[child] = 0;
    return pid;
}

void sel4ft_procmon_close(sel4ft_procmon_t *procmon)
{
    for (sel4ft_child_t i = 0; i < SEL4FT_PROCMON_CHILDREN; i++) {
        kill_and_reap(procmon, i);
        sel4ft_os_linux_route(i, NULL, NULL);
    }
    hook_children(NULL);
    close(procmon->signals);
    procmon->signals = -1;
    sigprocmask(SIG_SETMASK, &procmon->saved_mask, NULL);
}

pid_t sel4ft_procmon_fork(void)
{
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* The parent blocks the signals it takes through its signalfd; the child starts with none blocked. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        /* Never outlive the parent (a killed test, a crashed supervisor); if it is gone already, go too. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(1);
        }
    }
    return pid;
}

void sel4ft_procmon_describe_status(int status, char *text, size_t size)
{
    if (WIFEXITED(status)) {
        snprintf(text, size, "exited with status %d", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *abbreviation = sigabbrev_np(sig);
        snprintf(text, size, "killed by signal %d (SIG%s)%s", sig, abbreviation != NULL ? abbreviation : "?",
                 WCOREDUMP(status) ? ", core dumped" : "");
    } else {
        snprintf(text, size, "wait status 0x%x", status);
    }
}
