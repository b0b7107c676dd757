/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* `sel4ft-baseline inject`: the seeded fault-injection campaign of the seL4 recovery example (make inject) on
 * Linux, as far as it applies (see plan()). A supervised crasher process performs injection k in its k-th
 * incarnation; the supervisor learns of each death from waitpid (which signal) or of a hang
 * from a missed heartbeat, asks the library's restart policy (sel4ft_supervisor_on_failure) what to do, restarts
 * the crasher and counts it recovered when the next incarnation reports it is up. Meanwhile a client keeps
 * incrementing a counter in the demo's key-value server (the server role, started with fork + exec, over its
 * request slot in shared memory and its Unix socket) and checks at the end that every acknowledged increment
 * was applied exactly once. A final, separate step runs the demo's shared scenario (a crasher that maps the
 * server's table writable scribbles on it before dying) and reports whether the server's checksum caught it.
 *
 * Output on standard output, one line per event:
 *   SCHEDULE <applicable> of <injections> injections apply here (...)
 *   INJECT <n> <kind> / DETECTED <n> <kind> <how> / RECOVERED <n> <kind>
 *   SUMMARY lost=<x> doubled=<y> escaped=<z>
 *   SHARED-MAPPING corrupted=<yes|no> detected=<yes|no>
 *   CAMPAIGN-DONE <injections> seed <seed> */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sel4ft/supervisor.h>

#include "baseline.h"
#include "inject_schedule.h"
#include "kv_protocol.h"
#include "supervisor.h"

enum kind {
    KIND_NULL_READ = 0,
    KIND_NULL_WRITE,
    KIND_UNMAPPED_WRITE,
    KIND_READONLY_WRITE,
    KIND_UNDEFINED_INSTRUCTION,
    KIND_STACK_OVERFLOW,
    KIND_HANG,
    KIND_NUM
};

static const char *const kind_names[KIND_NUM] = {
    "null_read", "null_write", "unmapped_write", "readonly_write", "undefined_instruction", "stack_overflow", "hang",
};

/* The schedule is the seL4 campaign's (services/inject_schedule.h). What applies here: the injections
 * into the crasher of the fault kinds and the hang; the baseline's crasher process is their Linux counterpart.
 * The rest (the server, client_b and the logger as targets, and the crasher's foreign_notify, ring_garbage and
 * log_flood) is not run on Linux. Linux numbers its own injections 1..plan_count, in schedule order. */
_Static_assert((int)KIND_NULL_READ == (int)INJECT_NULL_READ && (int)KIND_HANG == (int)INJECT_HANG && (int)KIND_NUM == (int)INJECT_HANG + 1,
               "the baseline's kinds are the schedule's first ones, in its order");

static uint32_t plan_seed, plan_count;
static uint64_t *plan_number; /* plan_number[k - 1]: the schedule's number of Linux injection k */

static void plan(uint32_t seed, uint32_t injections)
{
    plan_seed = seed;
    plan_number = calloc(injections, sizeof(*plan_number));
    if (plan_number == NULL) {
        baseline_die("out of memory for the schedule");
    }
    for (uint64_t n = 1; n <= injections; n++) {
        if (inject_target_of(seed, n) == INJECT_TARGET_CRASHER && inject_kind_of(seed, n) < KIND_NUM) {
            plan_number[plan_count++] = n;
        }
    }
}

/* The kind of Linux injection k (1-based, k <= plan_count). */
static enum kind kind_of(uint32_t seed, uint64_t k)
{
    (void)seed;
    return (enum kind)inject_kind_of(plan_seed, plan_number[k - 1]);
}

/* The go word's value that tells an incarnation beyond the campaign to exit. */
#define GO_STOP UINT32_MAX
#define REQUEST_TIMEOUT_MS 5000
#define COUNTER_KEY "inject-counter"

/* Shared (MAP_SHARED | MAP_ANONYMOUS) between the supervisor, the crasher and the client; the server maps
 * none of it. */
typedef struct {
    uint32_t go;            /* Futex word. The supervisor: incarnation n may now perform injection n. */
    uint32_t stop_client;   /* The supervisor: the campaign is over, read back and exit. */
    uint64_t beat;          /* The crasher's heartbeat counter. */
    /* Written by the client before it exits. */
    uint64_t acknowledged;  /* Increments the server acknowledged, with the value expected. */
    uint64_t failed;        /* Requests that failed or were answered unexpectedly. */
    int64_t read_back;      /* The counter at the end. */
    uint32_t read_back_ok;
} campaign_shared_t;

/* The crasher ------------------------------------------------------------------------------------------------ */

static volatile uint64_t recursion_limit = UINT64_MAX;

static void beat(campaign_shared_t *shared)
{
    __atomic_add_fetch(&shared->beat, 1, __ATOMIC_RELAXED);
}

/* The faults run outside the sanitizers' instrumentation so each is a genuine signal (as baseline_crash_now). */
__attribute__((no_sanitize("address", "undefined"), noinline)) static void null_access(bool write)
{
    volatile uint32_t *target = NULL;
    __asm__ volatile("" : "+r"(target));
    if (write) {
        *target = 0xdead;
    } else {
        (void)*target;
    }
}

__attribute__((no_sanitize("address", "undefined"), noinline)) static void write_to(volatile uint32_t *target)
{
    __asm__ volatile("" : "+r"(target));
    *target = 0xdead;
}

__attribute__((no_sanitize("address", "undefined"), noinline)) static uint64_t recurse(uint64_t depth)
{
    volatile uint8_t frame[16384];
    frame[0] = (uint8_t)depth;
    frame[sizeof(frame) - 1] = (uint8_t)depth;
    if (depth < recursion_limit) {
        return recurse(depth + 1) + frame[0] + frame[sizeof(frame) - 1];
    }
    return frame[0];
}

static void inject(campaign_shared_t *shared, enum kind kind)
{
    long page = sysconf(_SC_PAGESIZE);
    void *p;

    switch (kind) {
    case KIND_NULL_READ:
        null_access(false);
        break;
    case KIND_NULL_WRITE:
        null_access(true);
        break;
    case KIND_UNMAPPED_WRITE:
        /* A page that was mapped and no longer is: nothing else in this single-threaded process maps there. */
        p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED || munmap(p, (size_t)page) != 0) {
            _exit(4);
        }
        write_to(p);
        break;
    case KIND_READONLY_WRITE:
        p = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            _exit(4);
        }
        write_to(p);
        break;
    case KIND_UNDEFINED_INSTRUCTION:
        __builtin_trap();
    case KIND_STACK_OVERFLOW:
        recursion_limit = UINT64_MAX;
        (void)recurse(0);
        break;
    case KIND_HANG:
        /* Answer a few heartbeats, then stop answering for good. */
        for (int i = 0; i < 3; i++) {
            beat(shared);
            usleep(1000);
        }
        for (;;) {
            __asm__ volatile("" ::: "memory");
        }
    default:
        break;
    }
    _exit(3); /* not reached: the supervisor counts an exit as an undetected fault */
}

static void crasher(campaign_shared_t *shared, int up, uint32_t incarnation, uint32_t seed, uint32_t injections)
{
    /* Deliberate crashes: no core dumps (and no core_pattern helper run 1000 times). */
    struct rlimit none = { 0, 0 };
    setrlimit(RLIMIT_CORE, &none);
    prctl(PR_SET_DUMPABLE, 0);
    signal(SIGPIPE, SIG_DFL);

    /* Up: the supervisor counts the previous injection recovered. */
    if (write(up, &incarnation, sizeof(incarnation)) != (ssize_t)sizeof(incarnation)) {
        _exit(5);
    }
    for (;;) {
        uint32_t go = __atomic_load_n(&shared->go, __ATOMIC_ACQUIRE);
        if (go == GO_STOP) {
            _exit(0);
        }
        if (go == incarnation && incarnation <= injections) {
            break;
        }
        beat(shared);
        baseline_futex_wait(&shared->go, go, 1000000);
    }
    beat(shared);
    inject(shared, kind_of(seed, incarnation));
}

/* The client -------------------------------------------------------------------------------------------------- */

static int client_increment(const char *run, baseline_slot_t *slot, int *sock, uint8_t *message, bool over_socket,
                            int64_t delta, uint64_t id, int64_t *value)
{
    kv_increment_request_t inc = { .delta = delta };
    snprintf(inc.key, sizeof(inc.key), COUNTER_KEY);
    kv_counter_reply_t counter = { 0 };
    sel4ft_rpc_header_t reply;
    int err;

    if (!over_socket) {
        err = baseline_slot_call(slot, KV_INCREMENT, &inc, sizeof(inc), id, &counter, sizeof(counter), &reply,
                                 REQUEST_TIMEOUT_MS);
    } else {
        if (*sock < 0) {
            *sock = baseline_unix_connect(run, BASELINE_SERVER_SOCKET);
            if (*sock < 0) {
                return *sock;
            }
        }
        err = baseline_stream_send(*sock, message, KV_INCREMENT, 0, &inc, sizeof(inc), id, 0);
        if (err == 0) {
            err = baseline_stream_receive(*sock, message, &reply);
        }
        if (err == 0 && (reply.request_id != id || reply.length != sizeof(counter))) {
            err = -EBADMSG;
        }
        if (err == 0) {
            memcpy(&counter, message + sizeof(reply), sizeof(counter));
        }
    }
    if (err == 0 && (reply.status != SEL4FT_RPC_OK || reply.length != sizeof(counter))) {
        err = -EPROTO;
    }
    *value = counter.value;
    return err;
}

static void client(campaign_shared_t *shared, const char *run, int request_bell, int reply_bell)
{
    static _Alignas(8) uint8_t message[BASELINE_MESSAGE_MAX];
    char name[96];
    baseline_slot_t slot;
    int sock = -1;
    int64_t expected = 0, value;
    uint64_t id = 1;

    baseline_shm_name(name, sizeof(name), run, "slot-client");
    baseline_slot_attach_client(&slot, baseline_shm_open(name, BASELINE_SLOT_MAPPING_SIZE), request_bell,
                                reply_bell);
    while (!__atomic_load_n(&shared->stop_client, __ATOMIC_ACQUIRE)) {
        int err = client_increment(run, &slot, &sock, message, id % 2 == 1, 1, id, &value);
        id++;
        if (err == 0 && value == expected + 1) {
            expected++;
            shared->acknowledged++;
        } else {
            shared->failed++;
            if (shared->failed <= 3) {
                fprintf(stderr, "sel4ft-baseline: inject: client: increment %lu: %s\n", (unsigned long)id - 1,
                        err != 0 ? strerror(-err) : "unexpected counter value");
            }
            if (err == 0) {
                expected = value;
            }
        }
    }
    /* Read back with an increment of 0: the counter as the server holds it. */
    if (client_increment(run, &slot, &sock, message, false, 0, id, &value) == 0) {
        shared->read_back = value;
        shared->read_back_ok = 1;
    }
    _exit(0);
}

/* The campaign ------------------------------------------------------------------------------------------------ */

typedef struct {
    uint32_t seed;
    uint32_t injections;
    uint32_t period_ms;
    bool shared_step;
} inject_options_t;

typedef struct {
    uint32_t injected, detected, decoded, recovered;
} kind_counts_t;

static bool expected_signal(enum kind kind, int signal)
{
    switch (kind) {
    case KIND_UNDEFINED_INSTRUCTION:
        /* ud2 on x86_64 raises SIGILL; brk on aarch64 raises SIGTRAP. */
        return signal == SIGILL || signal == SIGTRAP;
    case KIND_HANG:
        return false;
    default:
        return signal == SIGSEGV;
    }
}

static pid_t start_crasher(campaign_shared_t *shared, int up, uint32_t incarnation, const inject_options_t *options)
{
    pid_t pid = baseline_fork();
    if (pid < 0) {
        baseline_die("fork: %s", strerror(errno));
    }
    if (pid == 0) {
        crasher(shared, up, incarnation, options->seed, plan_count);
        _exit(6);
    }
    return pid;
}

static int run_campaign(const inject_options_t *options)
{
    char run[32], name[96];
    void *slots[BASELINE_SLOT_NUM];
    int bells[BASELINE_SLOT_NUM][2];
    snprintf(run, sizeof(run), "inject-%d", (int)getpid());

    campaign_shared_t *shared = mmap(NULL, sizeof(campaign_shared_t), PROT_READ | PROT_WRITE,
                                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        baseline_die("mmap: %s", strerror(errno));
    }
    for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
        char what[48];
        snprintf(what, sizeof(what), "slot-%s", baseline_slot_owners[i]);
        baseline_shm_name(name, sizeof(name), run, what);
        slots[i] = baseline_shm_create(name, BASELINE_SLOT_MAPPING_SIZE);
        baseline_slot_setup(slots[i]);
        bells[i][0] = baseline_bell_create();
        bells[i][1] = baseline_bell_create();
    }
    int listener = baseline_unix_listen(run, BASELINE_SERVER_SOCKET);
    int placeholder = open("/dev/null", O_RDWR | O_CLOEXEC);
    int up[2], control[2];
    if (placeholder < 0 || pipe2(up, O_CLOEXEC | O_NONBLOCK) != 0 ||
        socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control) != 0) {
        baseline_die("descriptors: %s", strerror(errno));
    }

    int signal_fd = baseline_supervisor_signals();

    /* The server: the demo's role, started with fork + exec and its descriptor layout; it logs to stderr. */
    const char *server_argv[] = { "sel4ft-baseline", "server", "--run", run, "--log", "stderr", "--incarnation", "1",
                                  NULL };
    int server_fds[3 + 2 * BASELINE_SLOT_NUM] = { control[1], placeholder, listener };
    for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
        server_fds[3 + 2 * i] = bells[i][0];
        server_fds[4 + 2 * i] = bells[i][1];
    }
    pid_t server = baseline_spawn(server_argv, server_fds, 3 + 2 * BASELINE_SLOT_NUM);
    close(control[1]);
    baseline_control_t message;
    if (baseline_control_receive(control[0], &message) != 1 || message.type != BASELINE_CONTROL_READY) {
        baseline_die("the server did not start");
    }
    pid_t client_pid = baseline_fork();
    if (client_pid < 0) {
        baseline_die("fork: %s", strerror(errno));
    }
    if (client_pid == 0) {
        client(shared, run, bells[0][0], bells[0][1]);
    }

    /* Restart at once, always: the campaign's policy, applied by the library. */
    const sel4ft_supervisor_policy_t policy = sel4ft_supervisor_policy_always();
    if (sel4ft_supervisor_policy_check(&policy) != 0) {
        baseline_die("the campaign's restart policy is invalid");
    }
    sel4ft_supervisor_state_t supervision;
    sel4ft_supervisor_state_init(&supervision);

    kind_counts_t counts[KIND_NUM] = { { 0 } };
    uint32_t escaped = 0, unexpected_exits = 0;
    const uint64_t period = sel4ft_os_tick_hz() * options->period_ms / 1000;
    uint32_t incarnation = 1;
    bool injected = false, detected = false, hang_killed = false, done = false, aborted = false;
    bool server_alive = true, client_alive = true;
    uint64_t last_beat = 0, last_change = 0;
    uint64_t deadline = sel4ft_os_ticks() + (uint64_t)(60 + options->injections / 10) * sel4ft_os_tick_hz();
    pid_t crasher_pid = start_crasher(shared, up[1], incarnation, options);

    while (!done && !aborted) {
        struct pollfd fds[2] = { { .fd = signal_fd, .events = POLLIN }, { .fd = up[0], .events = POLLIN } };
        if (poll(fds, 2, (int)options->period_ms) < 0 && errno != EINTR) {
            baseline_die("poll: %s", strerror(errno));
        }
        struct signalfd_siginfo info;
        while (read(signal_fd, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
            if (info.ssi_signo == SIGINT || info.ssi_signo == SIGTERM) {
                aborted = true;
            }
        }
        uint32_t reported;
        while (read(up[0], &reported, sizeof(reported)) == (ssize_t)sizeof(reported)) {
            if (reported != incarnation) {
                continue;
            }
            if (reported > 1) {
                enum kind previous = kind_of(options->seed, reported - 1);
                counts[previous].recovered++;
                printf("RECOVERED %u %s\n", reported - 1, kind_names[previous]);
            }
            if (reported > plan_count) {
                __atomic_store_n(&shared->go, GO_STOP, __ATOMIC_RELEASE);
                baseline_futex_wake(&shared->go);
                done = true;
                break;
            }
            enum kind kind = kind_of(options->seed, reported);
            counts[kind].injected++;
            printf("INJECT %u %s\n", reported, kind_names[kind]);
            injected = true;
            detected = false;
            hang_killed = false;
            last_beat = __atomic_load_n(&shared->beat, __ATOMIC_RELAXED);
            last_change = sel4ft_os_ticks();
            __atomic_store_n(&shared->go, reported, __ATOMIC_RELEASE);
            baseline_futex_wake(&shared->go);
        }

        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            if (pid == server) {
                server_alive = false;
                escaped++;
                char how[96];
                baseline_describe_status(status, how, sizeof(how));
                fprintf(stderr, "sel4ft-baseline: inject: ESCAPED: the server %s\n", how);
                aborted = true;
                continue;
            }
            if (pid == client_pid) {
                client_alive = false;
                escaped++;
                fprintf(stderr, "sel4ft-baseline: inject: ESCAPED: the client stopped early\n");
                aborted = true;
                continue;
            }
            if (pid != crasher_pid) {
                continue;
            }
            crasher_pid = 0;
            if (done && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                /* The incarnation after the last injection, told to stop: the campaign is over. */
                continue;
            }
            enum kind kind = kind_of(options->seed, incarnation);
            char how[32];
            bool decoded;
            if (hang_killed && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
                snprintf(how, sizeof(how), "hang");
                decoded = kind == KIND_HANG;
            } else if (WIFSIGNALED(status)) {
                const char *abbreviation = sigabbrev_np(WTERMSIG(status));
                snprintf(how, sizeof(how), "SIG%s", abbreviation != NULL ? abbreviation : "?");
                decoded = expected_signal(kind, WTERMSIG(status));
            } else {
                snprintf(how, sizeof(how), "exit%d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
                decoded = false;
            }
            if (!injected || detected) {
                /* A death with no injection pending: not one of ours. */
                unexpected_exits++;
                fprintf(stderr, "sel4ft-baseline: inject: crasher incarnation %u died (%s) with no injection pending\n",
                        incarnation, how);
            } else if (WIFEXITED(status)) {
                /* The fault did not happen: not detected. */
                detected = true;
                fprintf(stderr, "sel4ft-baseline: inject: injection %u (%s) did not fault: %s\n", incarnation,
                        kind_names[kind], how);
            } else {
                detected = true;
                counts[kind].detected++;
                counts[kind].decoded += decoded;
                printf("DETECTED %u %s %s\n", incarnation, kind_names[kind], how);
            }
            injected = false;
            sel4ft_supervisor_decision_t decision = sel4ft_supervisor_on_failure(&policy, &supervision,
                                                                                 sel4ft_os_ticks());
            if (decision.action != SEL4FT_SUPERVISOR_RESTART || decision.delay_ticks != 0) {
                fprintf(stderr, "sel4ft-baseline: inject: the policy did not restart at once: %s\n", decision.reason);
                aborted = true;
                break;
            }
            incarnation++;
            crasher_pid = start_crasher(shared, up[1], incarnation, options);
        }

        /* The heartbeat: two periods without a beat after the injection began is a hang. */
        uint64_t now = sel4ft_os_ticks();
        if (injected && !hang_killed && crasher_pid > 0) {
            uint64_t b = __atomic_load_n(&shared->beat, __ATOMIC_RELAXED);
            if (b != last_beat) {
                last_beat = b;
                last_change = now;
            } else if (now - last_change >= 2 * period) {
                hang_killed = true;
                kill(crasher_pid, SIGKILL);
            }
        }
        if (now >= deadline && !done) {
            fprintf(stderr, "sel4ft-baseline: inject: the campaign did not finish in time\n");
            aborted = true;
        }
    }

    /* The last incarnation exits on GO_STOP; then the client reads back and the server is asked to finish. */
    if (crasher_pid > 0) {
        if (aborted) {
            kill(crasher_pid, SIGKILL);
        }
        waitpid(crasher_pid, NULL, 0);
    }
    __atomic_store_n(&shared->stop_client, 1, __ATOMIC_RELEASE);
    if (client_alive) {
        int status;
        waitpid(client_pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            escaped++;
        }
    }
    if (server_alive) {
        baseline_control_send(control[0], BASELINE_CONTROL_FINISH, 0, 0, 0);
        int status;
        waitpid(server, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            escaped++;
        }
    }

    uint64_t acknowledged = shared->acknowledged;
    uint64_t lost = 0, doubled = 0;
    if (!shared->read_back_ok) {
        escaped++;
        fprintf(stderr, "sel4ft-baseline: inject: the client could not read the counter back\n");
    } else if ((uint64_t)shared->read_back < acknowledged) {
        lost = acknowledged - (uint64_t)shared->read_back;
    } else {
        doubled = (uint64_t)shared->read_back - acknowledged;
    }
    /* A failed request is a fault that reached the service's users. */
    escaped += (uint32_t)shared->failed + unexpected_exits;
    fprintf(stderr, "sel4ft-baseline: inject: client: %lu increments acknowledged, counter read back %ld, %lu failed\n",
            (unsigned long)acknowledged, (long)shared->read_back, (unsigned long)shared->failed);
    printf("SUMMARY lost=%lu doubled=%lu escaped=%u\n", (unsigned long)lost, (unsigned long)doubled, escaped);

    for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
        char what[48];
        snprintf(what, sizeof(what), "slot-%s", baseline_slot_owners[i]);
        baseline_shm_name(name, sizeof(name), run, what);
        shm_unlink(name);
        baseline_shm_unmap(slots[i], BASELINE_SLOT_MAPPING_SIZE);
        close(bells[i][0]);
        close(bells[i][1]);
    }
    close(listener);
    close(placeholder);
    close(up[0]);
    close(up[1]);
    close(control[0]);
    close(signal_fd);
    baseline_supervisor_signals_unblock();

    uint32_t total_injected = 0, total_detected = 0, total_decoded = 0, total_recovered = 0;
    for (unsigned k = 0; k < KIND_NUM; k++) {
        total_injected += counts[k].injected;
        total_detected += counts[k].detected;
        total_decoded += counts[k].decoded;
        total_recovered += counts[k].recovered;
    }
    munmap(shared, sizeof(*shared));
    bool ok = !aborted && total_injected == plan_count && total_detected == total_injected &&
              total_recovered == total_injected && total_decoded == total_injected && lost == 0 && doubled == 0 &&
              escaped == 0;
    return ok ? 0 : 1;
}

/* The contrast: the demo's shared scenario, quietly, judged by the server's checksum. */
static void shared_mapping_step(void)
{
    supervisor_options_t options = { .scenario = SCENARIO_SHARED, .log = BASELINE_LOG_RING, .quiet = true };
    supervisor_result_t result;
    baseline_supervise(&options, &result);
    printf("SHARED-MAPPING corrupted=%s detected=%s\n", result.state_foreign_write ? "yes" : "no",
           result.corrupted ? "yes" : "no");
}

int baseline_inject_main(int argc, char **argv)
{
    inject_options_t options = { .seed = 1, .injections = 1000, .period_ms = 10, .shared_step = true };

    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--seed") == 0 && value != NULL) {
            options.seed = (uint32_t)baseline_parse_number("--seed", value, 0, UINT32_MAX);
            i++;
        } else if (strcmp(argv[i], "--injections") == 0 && value != NULL) {
            options.injections = (uint32_t)baseline_parse_number("--injections", value, 1, 1000000);
            i++;
        } else if (strcmp(argv[i], "--period-ms") == 0 && value != NULL) {
            options.period_ms = (uint32_t)baseline_parse_number("--period-ms", value, 1, 1000);
            i++;
        } else if (strcmp(argv[i], "--no-shared") == 0) {
            options.shared_step = false;
        } else {
            fprintf(stderr, "usage: sel4ft-baseline inject [--seed S] [--injections N] [--period-ms P] [--no-shared]\n");
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    plan(options.seed, options.injections);
    printf("SCHEDULE %u of %u injections apply here (into the crasher: the fault kinds and the hang)\n", plan_count,
           options.injections);
    int status = plan_count != 0 ? run_campaign(&options) : 0;
    if (options.shared_step) {
        shared_mapping_step();
    }
    printf("CAMPAIGN-DONE %u seed %u\n", options.injections, options.seed);
    free(plan_number);
    return status;
}
