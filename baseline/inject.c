/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* `sel4ft-baseline inject`: the seeded fault-injection campaign of the seL4 examples (make inject) on
 * Linux, as far as it applies: of the schedule (inject_schedule.h), the injections into the crasher of the fault
 * kinds and the hang, numbered 1.. in schedule order. The crasher's incarnation n performs injection n. It is
 * supervised by the library's engine over processes (sel4ft/procmon.h), as the demo's processes are: its death (a signal) or its hang
 * (its heartbeat in shared memory stops) is a failure, the engine restarts it at once, and counts it recovered
 * when the next incarnation says it is up. Meanwhile a client keeps incrementing a counter in the demo's
 * key-value server (the server role, started with fork + exec, over its request slot in shared memory and its
 * Unix socket) and checks at the end that every acknowledged increment was applied exactly once. A final step
 * runs the demo's shared scenario (a crasher that maps the server's table writable scribbles on it before
 * dying) and reports whether the server's checksum caught it.
 *
 * The record, on standard output, is events (doc/events.md), `supervisor|LEVEL: kind key=value ...`: the
 * engine's (failed, restart, recovered, ...) and the campaign's own: campaign, inject, outcome, shared_mapping,
 * campaign_done. bench/inject.py tabulates them. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sel4ft/procmon.h>

#include "cli.h"
#include "control.h"
#include "inject_fault.h"
#include "log.h"
#include "role.h"
#include "shared.h"
#include "spawn.h"
#include "supervisor.h"
#include "transport.h"

/* The go word's value that tells an incarnation beyond the campaign to exit. */
#define GO_STOP UINT32_MAX
#define COUNTER_KEY "inject-counter"
#define CRASHER_STACK_BYTES (1024u * 1024u)

enum child_id { CHILD_CRASHER = 0, CHILD_SERVER, CHILD_CLIENT };

/* Shared (MAP_SHARED | MAP_ANONYMOUS) between the supervisor, the crasher and the client; the server maps
 * none of it. */
typedef struct {
    uint32_t go;                   /* Futex word. The supervisor: incarnation n may now perform injection n. */
    uint32_t stop_client;          /* The supervisor: the campaign is over, read back and exit. */
    sel4ft_heartbeat_t heartbeat;  /* The crasher's: it beats while it waits for its go. */
    /* Written by the client before it exits. */
    uint64_t acknowledged;  /* Increments the server acknowledged, with the value expected. */
    uint64_t failed;        /* Requests that failed or were answered unexpectedly. */
    int64_t read_back;      /* The counter at the end. */
    uint32_t read_back_ok;
} campaign_shared_t;

typedef struct {
    uint32_t seed;
    uint32_t injections;
    uint32_t period_ms;
    uint64_t period;        /* The heartbeat period in ticks: set in phase with each go (crasher_up()). */
    bool shared_step;
    uint64_t *plan;         /* plan[n - 1]: the schedule's number of Linux injection n */
    uint32_t planned;
    baseline_run_t run;     /* The server's slots, bells and socket (role.h). */
    campaign_shared_t *shared;
    sel4ft_procmon_t engine;
    int up[2];              /* Each incarnation of the crasher writes its number here when it is up. */
    int control;            /* The server's control socket. */
    uint32_t pending;       /* The injection under way (its go was given), else 0. */
    uint64_t go_at;         /* When its go was given (ticks). */
    uint64_t go_ran, go_waited; /* The crasher's scheduler statistics then (sel4ft_procmon_schedstat()). */
    bool go_known;
    uint32_t unexpected;    /* Deaths of the crasher with no injection under way. */
    bool done;
} campaign_t;

static void plan(campaign_t *c)
{
    c->plan = calloc(c->injections, sizeof(*c->plan));
    if (c->plan == NULL) {
        baseline_die("out of memory for the schedule");
    }
    for (uint64_t n = 1; n <= c->injections; n++) {
        if (inject_target_of(c->seed, n) == INJECT_TARGET_CRASHER && inject_kind_of(c->seed, n) <= INJECT_HANG) {
            c->plan[c->planned++] = n;
        }
    }
}

/* The kind of Linux injection n (1-based, n <= planned). */
static uint32_t kind_of(const campaign_t *c, uint32_t n)
{
    return inject_kind_of(c->seed, c->plan[n - 1]);
}

/* The crasher ------------------------------------------------------------------------------------------------ */

static void inject(campaign_shared_t *shared, uint32_t kind)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (kind == INJECT_HANG) {
        /* A few more beats, then none for good. */
        for (int i = 0; i < 3; i++) {
            sel4ft_heartbeat_beat(&shared->heartbeat);
            usleep(1000);
        }
        for (;;) {
            __asm__ volatile("" ::: "memory");
        }
    }
    /* A page that was mapped and no longer is (nothing else in this single-threaded process maps there), a
     * read-only page, frames of 16 KiB (the kernel's stack guard gap is far wider). */
    void *unmapped = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void *readonly = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (unmapped == MAP_FAILED || readonly == MAP_FAILED || munmap(unmapped, page) != 0) {
        _exit(4);
    }
    inject_fault(kind, unmapped, readonly, 16384);
    _exit(3); /* not reached: an exit is a fault that did not happen */
}

static void crasher(const campaign_t *c, uint32_t incarnation)
{
    campaign_shared_t *shared = c->shared;
    /* Deliberate crashes: no core dumps (and no core_pattern helper run 1000 times). */
    struct rlimit none = { 0, 0 };
    setrlimit(RLIMIT_CORE, &none);
    /* A bounded stack: the overflow runs off 1 MiB, not the default 8 MiB, so it costs a few hundred page faults
     * (a fraction of a millisecond of processor time) instead of thousands (measured: up to 3 ms). */
    struct rlimit stack = { CRASHER_STACK_BYTES, CRASHER_STACK_BYTES };
    setrlimit(RLIMIT_STACK, &stack);
    prctl(PR_SET_DUMPABLE, 0);
    signal(SIGPIPE, SIG_DFL);

    /* Up: the engine counts the previous incarnation recovered. */
    if (write(c->up[1], &incarnation, sizeof(incarnation)) != (ssize_t)sizeof(incarnation)) {
        _exit(5);
    }
    for (;;) {
        uint32_t go = __atomic_load_n(&shared->go, __ATOMIC_ACQUIRE);
        if (go == GO_STOP) {
            _exit(0);
        }
        if (go == incarnation && incarnation <= c->planned) {
            break;
        }
        sel4ft_heartbeat_beat(&shared->heartbeat);
        baseline_futex_wait(&shared->go, go, 1000000);
    }
    sel4ft_heartbeat_beat(&shared->heartbeat);
    inject(shared, kind_of(c, incarnation));
}

/* The client -------------------------------------------------------------------------------------------------- */

static void client(const campaign_t *c)
{
    static baseline_transport_t transport;
    campaign_shared_t *shared = c->shared;
    kv_client_t kv;
    int64_t expected = 0, value = 0;

    /* Its lines (the failures it finds) on standard error, apart from the record. */
    baseline_log_open(BASELINE_LOG_STDERR, NULL, "client", -1);
    baseline_transport_init(&kv, &transport, c->run.name, "client", c->run.bells[0][0], c->run.bells[0][1], 1, true);
    kv.log_limit = 3;
    while (!__atomic_load_n(&shared->stop_client, __ATOMIC_ACQUIRE)) {
        bool ok = kv_increment(&kv, COUNTER_KEY, 1, &value, SEL4FT_RPC_OK);
        if (ok && value == expected + 1) {
            expected++;
            shared->acknowledged++;
            continue;
        }
        shared->failed++;
        if (ok) {
            LOG_ERROR("increment %lu: the counter is %ld, not %ld", (unsigned long)kv.sent, (long)value,
                      (long)expected + 1);
            expected = value;
        }
    }
    /* Read back with an increment of 0, through the slot: the counter as the server holds it. */
    transport.alternate = false;
    if (kv_increment(&kv, COUNTER_KEY, 0, &value, SEL4FT_RPC_OK)) {
        shared->read_back = value;
        shared->read_back_ok = 1;
    }
    _exit(0);
}

/* The campaign ------------------------------------------------------------------------------------------------ */

static pid_t start(void *context, sel4ft_child_t child, uint32_t incarnation)
{
    campaign_t *c = context;
    if (child == CHILD_SERVER) {
        /* The demo's server role, with fork + exec; it logs to standard error. */
        return baseline_run_start(&c->run, "server", 1, NULL, &c->control);
    }
    pid_t pid = sel4ft_procmon_fork();
    if (pid < 0) {
        baseline_die("fork: %s", strerror(errno));
    }
    if (pid == 0) {
        if (child == CHILD_CRASHER) {
            crasher(c, incarnation);
        } else {
            client(c);
        }
        _exit(6);
    }
    return pid;
}

/* A process ended: the crasher's deaths are the engine's failures (and the campaign's evidence); the server's and
 * the client's are failures too, which stop them (an escape). */
static bool ended(void *context, int child, pid_t pid, int status)
{
    campaign_t *c = context;
    (void)pid;
    if (child != CHILD_CRASHER) {
        return child < 0;
    }
    if (c->done && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        return true; /* the incarnation after the last injection, told to stop */
    }
    uint32_t incarnation = sel4ft_procmon_child(&c->engine, CHILD_CRASHER)->supervision.incarnation;
    if (c->pending != 0) {
        /* The margin: from the go to the end, the time the crasher ran (its fault's cost, which the heartbeat's
         * hang threshold must exceed by far), the time it waited for a processor, and the wall time until the
         * supervisor reaped it. */
        const sel4ft_procmon_end_t *end = &c->engine.ends[CHILD_CRASHER];
        uint64_t hz = sel4ft_os_tick_hz(), wall = sel4ft_os_ticks() - c->go_at;
        if (end->known && c->go_known && end->ran_ticks >= c->go_ran && end->waited_ticks >= c->go_waited) {
            LOG_INFO("fault_time n=%u kind=%s ran_us=%lu waited_us=%lu wall_us=%lu", c->pending,
                     inject_kind_names[kind_of(c, c->pending)],
                     (unsigned long)((end->ran_ticks - c->go_ran) * 1000000u / hz),
                     (unsigned long)((end->waited_ticks - c->go_waited) * 1000000u / hz),
                     (unsigned long)(wall * 1000000u / hz));
        }
    }
    if (c->pending == 0) {
        c->unexpected++;
        fprintf(stderr, "sel4ft-baseline: inject: crasher incarnation %u died with no injection under way\n",
                incarnation);
    } else if (WIFEXITED(status)) {
        fprintf(stderr, "sel4ft-baseline: inject: injection %u (%s) did not fault\n", c->pending,
                inject_kind_names[kind_of(c, c->pending)]);
    }
    c->pending = 0;
    return false;
}

/* Incarnation `up` of the crasher is up: give it its injection, or tell it the campaign is over. */
static void crasher_up(campaign_t *c, uint32_t up)
{
    if (up != sel4ft_procmon_child(&c->engine, CHILD_CRASHER)->supervision.incarnation) {
        return; /* a word from an incarnation that is gone */
    }
    uint64_t now = sel4ft_os_ticks();
    sel4ft_faultmon_serving(&c->engine.monitor, CHILD_CRASHER, now);
    /* Heartbeat periods count from the go, so a hang is two whole periods without a beat after it. Left in their
     * old phase, the first check could fall just after the go and count a crasher not yet scheduled as having
     * missed a period (measured: 14-18 ms without a beat taken for a hang on a loaded machine, at 10 ms). */
    sel4ft_faultmon_set_heartbeat_period(&c->engine.monitor, c->period, now);
    c->pending = 0;
    if (up > c->planned) {
        c->done = true;
        __atomic_store_n(&c->shared->go, GO_STOP, __ATOMIC_RELEASE);
    } else {
        LOG_INFO("inject n=%u kind=%s incarnation=%u", up, inject_kind_names[kind_of(c, up)], up);
        c->pending = up;
        c->go_at = sel4ft_os_ticks();
        c->go_known = sel4ft_procmon_schedstat(&c->engine, CHILD_CRASHER, &c->go_ran, &c->go_waited) == 0;
        __atomic_store_n(&c->shared->go, up, __ATOMIC_RELEASE);
    }
    baseline_futex_wake(&c->shared->go);
}

/* Reap a child the campaign ends itself; true if it ended cleanly. */
static bool wait_clean(campaign_t *c, enum child_id child)
{
    int status;
    pid_t pid = sel4ft_procmon_release(&c->engine, child);
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int run_campaign(campaign_t *c)
{
    const sel4ft_procmon_ops_t ops = { .start = start, .ended = ended, .context = c };
    const sel4ft_faultmon_child_config_t children[] = {
        /* Restarted at once, every time (no policy); it beats on its own, so its heartbeat needs no requests. */
        [CHILD_CRASHER] = { .name = "crasher", .on_fault = SEL4FT_FAULTMON_RESTART, .heartbeat = &c->shared->heartbeat },
        /* Their failure is an escape: stopped, and the campaign ends. */
        [CHILD_SERVER] = { .name = "server", .on_fault = SEL4FT_FAULTMON_STOP },
        [CHILD_CLIENT] = { .name = "client", .on_fault = SEL4FT_FAULTMON_STOP },
    };
    uint32_t escaped = 0;
    bool aborted = false;

    char run[32];
    snprintf(run, sizeof(run), "inject-%d", (int)getpid());
    baseline_run_create(&c->run, run, BASELINE_LOG_STDERR, false);
    if (pipe2(c->up, O_CLOEXEC | O_NONBLOCK) != 0) {
        baseline_die("pipe: %s", strerror(errno));
    }
    baseline_check(sel4ft_procmon_init(&c->engine, &ops, false), "process monitor");
    baseline_check(sel4ft_procmon_start(&c->engine, CHILD_SERVER, &children[CHILD_SERVER]), "server");
    baseline_control_t message;
    if (baseline_control_receive(c->control, &message) != 1 || message.type != BASELINE_CONTROL_READY) {
        baseline_die("the server did not start");
    }
    baseline_check(sel4ft_procmon_start(&c->engine, CHILD_CLIENT, &children[CHILD_CLIENT]), "client");
    baseline_check(sel4ft_procmon_start(&c->engine, CHILD_CRASHER, &children[CHILD_CRASHER]), "crasher");
    const uint64_t hz = sel4ft_os_tick_hz();
    c->period = hz * c->period_ms / 1000;
    const uint64_t deadline = sel4ft_os_ticks() + (uint64_t)(60 + c->injections / 10) * hz;

    while (!c->done && !aborted) {
        struct pollfd up = { .fd = c->up[0], .events = POLLIN };
        aborted = baseline_check(sel4ft_procmon_wait(&c->engine, &up, 1, deadline), "wait") == 0;
        uint32_t reported;
        while (!c->done && read(c->up[0], &reported, sizeof(reported)) == (ssize_t)sizeof(reported)) {
            crasher_up(c, reported);
        }
        for (enum child_id i = CHILD_SERVER; i <= CHILD_CLIENT; i++) {
            if (sel4ft_procmon_child(&c->engine, i)->state == SEL4FT_FAULTMON_STOPPED) {
                fprintf(stderr, "sel4ft-baseline: inject: ESCAPED: the %s failed\n", children[i].name);
                escaped++;
                aborted = true;
            }
        }
        if (!c->done && sel4ft_os_ticks() >= deadline) {
            fprintf(stderr, "sel4ft-baseline: inject: the campaign did not finish in time\n");
            aborted = true;
        }
    }

    /* The last incarnation exits on GO_STOP; then the client reads back and the server is asked to finish. */
    if (aborted && c->engine.pids[CHILD_CRASHER] > 0) {
        kill(c->engine.pids[CHILD_CRASHER], SIGKILL);
    }
    wait_clean(c, CHILD_CRASHER);
    __atomic_store_n(&c->shared->stop_client, 1, __ATOMIC_RELEASE);
    escaped += c->engine.pids[CHILD_CLIENT] > 0 && !wait_clean(c, CHILD_CLIENT);
    if (c->engine.pids[CHILD_SERVER] > 0) {
        baseline_control_send(c->control, BASELINE_CONTROL_FINISH, 0, 0, 0);
        escaped += !wait_clean(c, CHILD_SERVER);
    }
    sel4ft_procmon_close(&c->engine);

    const campaign_shared_t *shared = c->shared;
    uint64_t lost = 0, doubled = 0;
    if (!shared->read_back_ok) {
        escaped++;
        fprintf(stderr, "sel4ft-baseline: inject: the client could not read the counter back\n");
    } else if ((uint64_t)shared->read_back < shared->acknowledged) {
        lost = shared->acknowledged - (uint64_t)shared->read_back;
    } else {
        doubled = (uint64_t)shared->read_back - shared->acknowledged;
    }
    /* A failed request is a fault that reached the service's users. */
    escaped += (uint32_t)shared->failed + c->unexpected;
    LOG_INFO("outcome acknowledged=%lu read_back=%ld failed_requests=%lu lost=%lu doubled=%lu escaped=%u",
             (unsigned long)shared->acknowledged, (long)shared->read_back, (unsigned long)shared->failed,
             (unsigned long)lost, (unsigned long)doubled, escaped);

    baseline_run_release(&c->run);
    close(c->up[0]);
    close(c->up[1]);
    close(c->control);
    /* Whether each injection was detected as its kind expects is for the tabulator, from the events. */
    return !aborted && lost == 0 && doubled == 0 && escaped == 0 ? 0 : 1;
}

/* The contrast: the demo's shared scenario, quietly, judged by the server's checksum. */
static void shared_mapping_step(void)
{
    supervisor_options_t options = { .scenario = SCENARIO_SHARED, .log = BASELINE_LOG_RING, .quiet = true };
    supervisor_result_t result;
    baseline_supervise(&options, &result);
    baseline_log_open(BASELINE_LOG_STDOUT, NULL, "supervisor", -1);
    LOG_INFO("shared_mapping corrupted=%s detected=%s", result.state_foreign_write ? "yes" : "no",
             result.corrupted ? "yes" : "no");
}

int baseline_inject_main(int argc, char **argv)
{
    static campaign_t campaign;
    campaign_t *c = &campaign;
    *c = (campaign_t){ .seed = 1, .injections = 1000, .period_ms = 10, .shared_step = true };

    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--seed") == 0 && value != NULL) {
            c->seed = (uint32_t)baseline_parse_number("--seed", value, 0, UINT32_MAX);
            i++;
        } else if (strcmp(argv[i], "--injections") == 0 && value != NULL) {
            c->injections = (uint32_t)baseline_parse_number("--injections", value, 1, 1000000);
            i++;
        } else if (strcmp(argv[i], "--period-ms") == 0 && value != NULL) {
            c->period_ms = (uint32_t)baseline_parse_number("--period-ms", value, 1, 1000);
            i++;
        } else if (strcmp(argv[i], "--no-shared") == 0) {
            c->shared_step = false;
        } else {
            fprintf(stderr, "usage: sel4ft-baseline inject [--seed S] [--injections N] [--period-ms P] [--no-shared]\n");
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    baseline_log_open(BASELINE_LOG_STDOUT, NULL, "supervisor", -1);
    plan(c);
    LOG_INFO("campaign injections=%u seed=%u applicable=%u period_ms=%u", c->injections, c->seed, c->planned,
             c->period_ms);
    c->shared = baseline_shm_anonymous(sizeof(campaign_shared_t));
    int status = c->planned != 0 ? run_campaign(c) : 0;
    baseline_shm_unmap(c->shared, sizeof(campaign_shared_t));
    if (c->shared_step) {
        shared_mapping_step();
    }
    LOG_INFO("campaign_done injections=%u seed=%u", c->injections, c->seed);
    free(c->plan);
    return status;
}
