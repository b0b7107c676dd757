/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The benchmark driver: the Linux side of bench/FORMAT.md. It runs inside the measurement VM (QEMU with
 * -icount, where one counter tick is 16 guest instructions: the figures measure code-path length, not hardware
 * latency) and natively for development, where the counter is the Linux port's (CLOCK_MONOTONIC nanoseconds on
 * x86_64).
 *
 *   boot      first_request       the counter when the first request was served
 *   recovery  supervisor_restart  server SIGSEGV -> supervisor (library policy) -> fork + exec -> retry answered
 *   rtt       futex_shm, pipe, unix_socket   request/reply round trips between two processes
 *   logs      sel4ft_logring, unix_dgram        records from a producer process to a consumer process
 *   MEM       server, client, logger         resident memory (VmRSS, counted exactly) of the demo's processes
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sel4ft/error.h>
#include <sel4ft/fence.h>
#include <sel4ft/logring.h>
#include <sel4ft/os_linux.h>
#include <sel4ft/supervisor.h>

#include <sel4ft/procmon.h>

#include "cli.h"
#include "inject_fault.h"
#include "log.h"
#include "shared.h"
#include "slot.h"
#include "spawn.h"
#include "stream.h"
#include "supervisor.h"

typedef struct {
    uint32_t rtt_samples;
    uint32_t rtt_ops;
    uint32_t log_samples;
    uint32_t log_records;
    uint32_t recovery_samples;
    bool verbose;
} bench_options_t;

static const uint32_t payloads[] = { 0, 64, 1024, 4096 };
#define PAYLOAD_COUNT (sizeof(payloads) / sizeof(payloads[0]))

/* Round trips before each payload's samples, untimed: first touches of pages and caches. */
#define RTT_WARMUP 100u

/* The benchmark's one opcode: echo the payload (outside the key-value opcodes). */
#define BASELINE_OP_ECHO 100u

/* Bytes of text in each log record of the logs benchmark (its payload column). */
#define LOG_TEXT_BYTES 64u

/* The recovery samples one run may take: the benchmark server's policy allows 16 restarts within 100 ms. */
#define RECOVERY_SAMPLES_MAX 15u

static bench_options_t options;

static void result(const char *metric, const char *mechanism, uint32_t payload, uint64_t ops, uint64_t ticks)
{
    printf("BENCH linux %s %s %u %lu %lu\n", metric, mechanism, payload, (unsigned long)ops, (unsigned long)ticks);
    fflush(stdout);
}

static void wait_child(pid_t pid, const char *what)
{
    int status;
    char how[96];
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        sel4ft_procmon_describe_status(status, how, sizeof(how));
        baseline_die("%s %s", what, how);
    }
}

/* Round trips ------------------------------------------------------------------------------------------------ */

/* The client's side of one mechanism. */
typedef struct rtt_client {
    baseline_slot_t slot;
    int write_fd;
    int read_fd;
    _Alignas(8) uint8_t message[BASELINE_MESSAGE_MAX];
} rtt_client_t;

typedef int (*rtt_call_t)(rtt_client_t *client, uint16_t opcode, const uint8_t *payload, uint32_t length,
                          uint64_t id, uint8_t *reply, sel4ft_rpc_header_t *header);

static int call_slot(rtt_client_t *client, uint16_t opcode, const uint8_t *payload, uint32_t length, uint64_t id,
                     uint8_t *reply, sel4ft_rpc_header_t *header)
{
    return baseline_slot_call(&client->slot, opcode, payload, length, id, reply, BASELINE_PAYLOAD_MAX, header, -1);
}

static int call_stream(rtt_client_t *client, uint16_t opcode, const uint8_t *payload, uint32_t length, uint64_t id,
                       uint8_t *reply, sel4ft_rpc_header_t *header)
{
    return baseline_stream_call(client->write_fd, client->read_fd, client->message, opcode, payload, length, id, reply,
                                BASELINE_PAYLOAD_MAX, header);
}

/* The echo server of every mechanism: copy the request out, validate it, answer with the same payload. */
static uint32_t echo_status(const sel4ft_rpc_header_t *request)
{
    return request->opcode == BASELINE_OP_ECHO ? SEL4FT_RPC_OK : SEL4FT_RPC_UNKNOWN_OPERATION;
}

static void serve_slot(void *mapping)
{
    static _Alignas(8) uint8_t payload[BASELINE_PAYLOAD_MAX];
    baseline_slot_t slot;
    sel4ft_rpc_header_t request;

    baseline_slot_attach_server(&slot, mapping, -1, -1);
    for (;;) {
        baseline_slot_wait_request(&slot);
        if (baseline_slot_take(&slot, &request, payload) != 0) {
            baseline_slot_answer(&slot, 0, SEL4FT_RPC_BAD_MESSAGE, NULL, 0, 0, 1);
            continue;
        }
        uint32_t status = echo_status(&request);
        baseline_slot_answer(&slot, request.opcode, status, payload, status == SEL4FT_RPC_OK ? request.length : 0,
                             request.request_id, 1);
        if (request.opcode == 0) {
            return; /* the driver's stop request */
        }
    }
}

static void serve_stream(int read_fd, int write_fd)
{
    static _Alignas(8) uint8_t in[BASELINE_MESSAGE_MAX];
    static _Alignas(8) uint8_t out[BASELINE_MESSAGE_MAX];
    sel4ft_rpc_header_t request;

    for (;;) {
        /* The read is the copy out of the client's hands; the header is validated on that private copy. */
        int err = baseline_stream_receive(read_fd, in, &request);
        if (err != 0) {
            return; /* end of stream: the driver is done */
        }
        uint32_t status = echo_status(&request);
        if (baseline_stream_send(write_fd, out, request.opcode, status, in + sizeof(request),
                                 status == SEL4FT_RPC_OK ? request.length : 0, request.request_id, 1) != 0) {
            return;
        }
    }
}

static void rtt_samples(const char *mechanism, rtt_call_t call, rtt_client_t *client)
{
    static _Alignas(8) uint8_t payload[BASELINE_PAYLOAD_MAX];
    static _Alignas(8) uint8_t reply[BASELINE_PAYLOAD_MAX];
    sel4ft_rpc_header_t header;
    uint64_t id = 1;

    for (uint32_t i = 0; i < BASELINE_PAYLOAD_MAX; i++) {
        payload[i] = (uint8_t)(i * 7 + 1);
    }
    for (unsigned p = 0; p < PAYLOAD_COUNT; p++) {
        uint32_t length = payloads[p];
        for (uint32_t i = 0; i < RTT_WARMUP; i++) {
            if (call(client, BASELINE_OP_ECHO, payload, length, id++, reply, &header) != 0) {
                baseline_die("%s: warm-up round trip failed", mechanism);
            }
        }
        for (uint32_t sample = 0; sample < options.rtt_samples; sample++) {
            /* Check one round trip per sample completely, outside the timed loop. */
            memset(reply, 0, length);
            if (call(client, BASELINE_OP_ECHO, payload, length, id++, reply, &header) != 0 ||
                header.status != SEL4FT_RPC_OK || header.length != length || memcmp(reply, payload, length) != 0) {
                baseline_die("%s: the echo of %u bytes came back wrong", mechanism, length);
            }
            uint64_t start = sel4ft_os_ticks();
            for (uint32_t op = 0; op < options.rtt_ops; op++) {
                if (call(client, BASELINE_OP_ECHO, payload, length, id++, reply, &header) != 0) {
                    baseline_die("%s: round trip failed", mechanism);
                }
            }
            uint64_t end = sel4ft_os_ticks();
            result("rtt", mechanism, length, options.rtt_ops, end - start);
        }
    }
}

static void rtt_futex_shm(void)
{
    static rtt_client_t client;
    void *mapping = baseline_shm_anonymous(BASELINE_SLOT_MAPPING_SIZE);
    baseline_slot_setup(mapping);

    pid_t server = sel4ft_procmon_fork();
    if (server == 0) {
        serve_slot(mapping);
        _exit(0);
    }
    baseline_slot_attach_client(&client.slot, mapping, -1, -1);
    rtt_samples("futex_shm", call_slot, &client);
    sel4ft_rpc_header_t header;
    baseline_slot_call(&client.slot, 0, NULL, 0, 0, NULL, 0, &header, -1);
    wait_child(server, "futex_shm server");
    munmap(mapping, BASELINE_SLOT_MAPPING_SIZE);
}

static void rtt_streams(const char *mechanism, int client_read, int client_write, int server_read,
                        int server_write)
{
    static rtt_client_t client;
    pid_t server = sel4ft_procmon_fork();
    if (server == 0) {
        close(client_read);
        close(client_write);
        serve_stream(server_read, server_write);
        _exit(0);
    }
    close(server_read);
    if (server_write != server_read) {
        close(server_write);
    }
    client.read_fd = client_read;
    client.write_fd = client_write;
    rtt_samples(mechanism, call_stream, &client);
    close(client_write);
    if (client_read != client_write) {
        close(client_read);
    }
    wait_child(server, mechanism);
}

static void rtt_pipe(void)
{
    int requests[2], replies[2];
    if (pipe2(requests, O_CLOEXEC) != 0 || pipe2(replies, O_CLOEXEC) != 0) {
        baseline_die("pipe: %s", strerror(errno));
    }
    rtt_streams("pipe", replies[0], requests[1], requests[0], replies[1]);
}

static void rtt_unix_socket(void)
{
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        baseline_die("socketpair: %s", strerror(errno));
    }
    rtt_streams("unix_socket", pair[0], pair[0], pair[1], pair[1]);
}

/* Logs ------------------------------------------------------------------------------------------------------- */

typedef struct {
    uint64_t start;    /* The producer's counter just before its first record of the sample. */
    uint32_t doorbell; /* Futex word: the producer's port bumps it when the consumer asked for a wake-up. */
    uint32_t reserved;
} log_control_t;

static log_control_t *log_control;

/* The library's Linux port calls this where seL4 would signal a notification. */
static void ring_doorbell(void *context, sel4ft_channel_t channel)
{
    (void)context;
    (void)channel;
    /* Pairs with the consumer's load-acquire of the doorbell before it waits. */
    __atomic_add_fetch(&log_control->doorbell, 1, __ATOMIC_RELEASE);
    baseline_futex_wake(&log_control->doorbell);
}

/* A record as a datagram, like a record in a ring: this header (time, level, length), then the text. */
#define LOG_DGRAM_MAGIC 0x474c4253u /* "SBLG" */
typedef struct {
    uint32_t magic;
    uint16_t level;  /* SEL4FT_LOG_* */
    uint16_t length; /* <= SEL4FT_LOGRING_TEXT_MAX */
    uint64_t time;   /* sel4ft_os_ticks() at the sender */
    char source[16]; /* The sender's name as it claims it, NUL-terminated. */
} log_datagram_t;

static const char log_text[LOG_TEXT_BYTES + 1] = "bench record: the quick brown fox jumps over the lazy dog 123456";
_Static_assert(sizeof(log_text) == LOG_TEXT_BYTES + 1, "record text length");

/* Wait for the driver's go for the next sample; false when it is done. */
static bool wait_go(int go)
{
    char byte;
    ssize_t n;
    do {
        n = read(go, &byte, 1);
    } while (n < 0 && errno == EINTR);
    return n == 1;
}

static void send_go(int go)
{
    if (write(go, "g", 1) != 1) {
        baseline_die("producer went away");
    }
}

static void count_record(void *context, const sel4ft_log_record_t *record)
{
    uint64_t *received = context;
    if (record->length == LOG_TEXT_BYTES) {
        (*received)++;
    }
}

static void logs_ring(void)
{
    uint32_t capacity = 2;
    while (capacity < options.log_records) {
        capacity *= 2;
    }
    /* Big enough for a whole sample: the producer never blocks and, with a live consumer, never drops. */
    size_t size = sizeof(sel4ft_logring_control_t) + (size_t)capacity * sizeof(sel4ft_logring_slot_t);
    void *region = baseline_shm_anonymous(size);
    log_control = baseline_shm_anonymous(sizeof(log_control_t));
    int go[2];
    if (pipe2(go, O_CLOEXEC) != 0) {
        baseline_die("pipe: %s", strerror(errno));
    }

    pid_t producer = sel4ft_procmon_fork();
    if (producer == 0) {
        close(go[1]);
        sel4ft_logring_producer_t ring;
        const sel4ft_os_linux_hooks_t hooks = { .notify = ring_doorbell };
        sel4ft_os_linux_set_hooks(&hooks);
        if (sel4ft_logring_producer_init(&ring, region, size, 0) != 0) {
            _exit(1);
        }
        /* Fault in every slot now, not in the first samples: the ring is empty, so all slots are ours. */
        memset(ring.slots, 0, (size_t)capacity * sizeof(sel4ft_logring_slot_t));
        while (wait_go(go[0])) {
            log_control->start = sel4ft_os_ticks();
            for (uint32_t i = 0; i < options.log_records; i++) {
                sel4ft_logring_write(&ring, SEL4FT_LOG_INFO, log_text, LOG_TEXT_BYTES);
            }
        }
        _exit(0);
    }
    close(go[0]);

    sel4ft_logring_consumer_t consumer;
    if (sel4ft_logring_consumer_init(&consumer, region, size, "producer") != 0) {
        baseline_die("log ring consumer");
    }
    /* The consumer's side of the same: one read per page, outside the timed samples. */
    for (size_t offset = 0; offset < size; offset += 4096) {
        (void)*(volatile uint8_t *)((uint8_t *)region + offset);
    }
    uint32_t dropped_before = 0;
    /* Sample 0 is a warm-up, not printed: the first wake-ups and scheduling decisions of the pair. */
    for (uint32_t sample = 0; sample <= options.log_samples; sample++) {
        uint64_t received = 0;
        uint32_t dropped = 0;
        send_go(go[1]);
        for (;;) {
            sel4ft_logring_drain(&consumer, count_record, &received, capacity);
            dropped = sel4ft_logring_consumer_dropped(&consumer) - dropped_before;
            if (received + dropped >= options.log_records) {
                break;
            }
            /* Pairs with the release increment in ring_doorbell(). */
            uint32_t seen = __atomic_load_n(&log_control->doorbell, __ATOMIC_ACQUIRE);
            if (sel4ft_logring_consumer_arm(&consumer)) {
                baseline_futex_wait(&log_control->doorbell, seen, -1);
            }
        }
        uint64_t end = sel4ft_os_ticks();
        dropped_before += dropped;
        if (dropped != 0) {
            /* Lost records are reported, never hidden: ops counts only what arrived. */
            printf("NOTE linux logs sel4ft_logring: %u of %u records dropped (ring full)\n", dropped, options.log_records);
        }
        if (sample > 0) {
            result("logs", "sel4ft_logring", LOG_TEXT_BYTES, received, end - log_control->start);
        }
    }
    close(go[1]);
    wait_child(producer, "log ring producer");
    munmap(region, size);
    munmap(log_control, sizeof(log_control_t));
}

static void logs_dgram(void)
{
    int pair[2];
    int go[2];
    log_control = baseline_shm_anonymous(sizeof(log_control_t));
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair) != 0 || pipe2(go, O_CLOEXEC) != 0) {
        baseline_die("socketpair: %s", strerror(errno));
    }
    pid_t producer = sel4ft_procmon_fork();
    if (producer == 0) {
        close(go[1]);
        close(pair[0]);
        char buffer[sizeof(log_datagram_t) + LOG_TEXT_BYTES];
        log_datagram_t header = {
            .magic = LOG_DGRAM_MAGIC, .level = SEL4FT_LOG_INFO, .length = LOG_TEXT_BYTES,
        };
        snprintf(header.source, sizeof(header.source), "producer");
        while (wait_go(go[0])) {
            log_control->start = sel4ft_os_ticks();
            for (uint32_t i = 0; i < options.log_records; i++) {
                /* Like a record in the ring: time, level, text; one datagram each. A full queue blocks. */
                header.time = sel4ft_os_ticks();
                memcpy(buffer, &header, sizeof(header));
                memcpy(buffer + sizeof(header), log_text, LOG_TEXT_BYTES);
                if (send(pair[1], buffer, sizeof(buffer), 0) != (ssize_t)sizeof(buffer)) {
                    _exit(1);
                }
            }
        }
        _exit(0);
    }
    close(go[0]);
    close(pair[1]);

    /* Sample 0 is a warm-up, not printed, as for the ring. */
    for (uint32_t sample = 0; sample <= options.log_samples; sample++) {
        uint64_t received = 0;
        send_go(go[1]);
        while (received < options.log_records) {
            char buffer[sizeof(log_datagram_t) + SEL4FT_LOGRING_TEXT_MAX];
            log_datagram_t header;
            ssize_t n = recv(pair[0], buffer, sizeof(buffer), 0);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < (ssize_t)sizeof(header)) {
                baseline_die("unix_dgram: producer went away");
            }
            /* Validate the private copy: magic, level, length. */
            memcpy(&header, buffer, sizeof(header));
            if (header.magic == LOG_DGRAM_MAGIC && header.level < SEL4FT_LOG_LEVEL_NUM &&
                header.length == (size_t)n - sizeof(header)) {
                received++;
            }
        }
        uint64_t end = sel4ft_os_ticks();
        if (sample > 0) {
            result("logs", "unix_dgram", LOG_TEXT_BYTES, received, end - log_control->start);
        }
    }
    close(go[1]);
    close(pair[0]);
    wait_child(producer, "datagram producer");
    munmap(log_control, sizeof(log_control_t));
}

/* Boot and recovery ------------------------------------------------------------------------------------------- */

/* Shared between the driver, its client and every incarnation of the benchmark server. */
typedef struct {
    uint32_t armed;         /* Non-zero: the next request crashes the server (it clears the flag first). */
    uint32_t reserved;
    uint64_t crash_stamp;   /* The counter just before the faulting instruction. */
    uint64_t first_served;  /* The counter when the first request of the whole run was served. */
} recovery_control_t;

#define RECOVERY_CONTROL_SIZE 4096u
#define BENCH_SERVER_FD_CONTROL BASELINE_FD_FIRST
#define BENCH_SERVER_FD_LISTEN (BASELINE_FD_FIRST + 1)

/* The benchmark server: echo over a Unix stream socket; crash on the request the driver armed. */
int baseline_bench_server_main(int argc, char **argv)
{
    static _Alignas(8) uint8_t in[BASELINE_MESSAGE_MAX];
    static _Alignas(8) uint8_t out[BASELINE_MESSAGE_MAX];
    sel4ft_rpc_header_t request;
    (void)argc;
    (void)argv;

    recovery_control_t *control = baseline_shm_map_fd(BENCH_SERVER_FD_CONTROL, RECOVERY_CONTROL_SIZE);
    for (;;) {
        int fd = accept4(BENCH_SERVER_FD_LISTEN, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR) {
                continue;
            }
            baseline_die("accept: %s", strerror(errno));
        }
        while (baseline_stream_receive(fd, in, &request) == 0) {
            if (control->first_served == 0) {
                control->first_served = sel4ft_os_ticks();
            }
            if (__atomic_exchange_n(&control->armed, 0, __ATOMIC_ACQ_REL) != 0) {
                /* Pairs with the client's load-acquire after it saw the connection drop. */
                __atomic_store_n(&control->crash_stamp, sel4ft_os_ticks(), __ATOMIC_RELEASE);
                inject_write(NULL);
                abort(); /* not reached */
            }
            uint32_t status = echo_status(&request);
            if (baseline_stream_send(fd, out, request.opcode, status, in + sizeof(request),
                                     status == SEL4FT_RPC_OK ? request.length : 0, request.request_id, 1) != 0) {
                break;
            }
        }
        close(fd);
    }
}

/* The benchmark server's supervision: the library's engine, as the demo's, with the benchmark's policy. */
typedef struct {
    int fds[2];        /* The server's descriptors: the control mapping, the listening socket. */
    pid_t client;      /* The recovery client (not supervised). */
    bool client_done;
} recovery_t;

static pid_t start_bench_server(void *context, sel4ft_child_t child, uint32_t incarnation)
{
    const recovery_t *recovery = context;
    const char *argv[] = { "sel4ft-baseline", "bench-server", NULL };
    (void)child;
    (void)incarnation;
    return baseline_spawn(argv, recovery->fds, 2);
}

/* The server's end is a failure; the client's is the end of the samples. */
static bool recovery_ended(void *context, int child, pid_t pid, int status)
{
    recovery_t *recovery = context;
    if (child >= 0 || pid != recovery->client) {
        return child < 0;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char how[96];
        sel4ft_procmon_describe_status(status, how, sizeof(how));
        baseline_die("recovery client %s", how);
    }
    recovery->client_done = true;
    return true;
}

/* One echo over a fresh or existing connection. Returns 0, or -errno (-EPIPE: the server hung up). */
static int echo_once(int *fd, const char *run, uint64_t id, uint8_t *message)
{
    sel4ft_rpc_header_t header;
    if (*fd < 0) {
        *fd = baseline_unix_connect(run, "bench");
        if (*fd < 0) {
            return *fd;
        }
    }
    char pong[4];
    int err = baseline_stream_call(*fd, *fd, message, BASELINE_OP_ECHO, "ping", 4, id, pong, sizeof(pong), &header);
    if (err == 0 && header.status != SEL4FT_RPC_OK) {
        err = -EBADMSG;
    }
    if (err != 0) {
        close(*fd);
        *fd = -1;
    }
    return err;
}

/* The recovery client: crash the server, reconnect, retry the same request, time it. */
static int recovery_client(recovery_control_t *control, const char *run)
{
    static _Alignas(8) uint8_t message[BASELINE_MESSAGE_MAX];
    int fd = -1;
    uint64_t id = 1000;

    for (uint32_t sample = 0; sample < options.recovery_samples; sample++) {
        if (echo_once(&fd, run, id++, message) != 0) {
            fprintf(stderr, "bench: recovery: the server does not answer before the crash\n");
            return 1;
        }
        /* Pairs with the server's exchange: armed before the request that is to crash it. */
        __atomic_store_n(&control->armed, 1, __ATOMIC_RELEASE);
        int err = echo_once(&fd, run, id, message);
        if (err != -EPIPE && err != -ECONNRESET) {
            fprintf(stderr, "bench: recovery: expected the connection to drop, got %s\n",
                    err == 0 ? "an answer" : strerror(-err));
            return 1;
        }
        /* Reconnect at once: the supervisor keeps the listening socket, so the connection waits in its queue
         * for the next incarnation. */
        err = echo_once(&fd, run, id, message);
        uint64_t answered = sel4ft_os_ticks();
        if (err != 0) {
            fprintf(stderr, "bench: recovery: the retry failed: %s\n", strerror(-err));
            return 1;
        }
        id++;
        result("recovery", "supervisor_restart", 0, 1, answered - __atomic_load_n(&control->crash_stamp,
                                                                                  __ATOMIC_ACQUIRE));
    }
    if (fd >= 0) {
        close(fd);
    }
    return 0;
}

/* boot first_request, then recovery supervisor_restart, on one supervised server. */
static void boot_and_recovery(void)
{
    char run[32];
    char name[96];
    static _Alignas(8) uint8_t message[BASELINE_MESSAGE_MAX];

    snprintf(run, sizeof(run), "%d-bench", (int)getpid());
    baseline_shm_name(name, sizeof(name), run, "recovery");
    /* A descriptor the server's every incarnation inherits; the name goes at once. */
    int control_fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (control_fd < 0 || ftruncate(control_fd, RECOVERY_CONTROL_SIZE) != 0) {
        baseline_die("shm_open %s: %s", name, strerror(errno));
    }
    shm_unlink(name);
    recovery_control_t *control = baseline_shm_map_fd(control_fd, RECOVERY_CONTROL_SIZE);
    int listener = baseline_unix_listen(run, "bench");

    /* At once, every time (no back-off), up to the library's history of 16 restarts within 100 ms; more gives up
     * and ends the benchmark with an error. */
    const sel4ft_supervisor_policy_t policy = {
        .max_restarts = SEL4FT_SUPERVISOR_HISTORY, .window_ticks = sel4ft_os_tick_hz() / 10,
        .backoff_first_ticks = 0, .backoff_max_ticks = 0, .escalation = SEL4FT_SUPERVISOR_ESCALATE_STOP,
    };
    const sel4ft_faultmon_child_config_t server = { .name = "server", .on_fault = SEL4FT_FAULTMON_RESTART,
                                                    .policy = &policy };
    static sel4ft_procmon_t engine;
    static recovery_t recovery;
    const sel4ft_procmon_ops_t ops = { .start = start_bench_server, .ended = recovery_ended, .context = &recovery };
    recovery = (recovery_t){ .fds = { control_fd, listener } };
    baseline_check(sel4ft_procmon_init(&engine, &ops, !options.verbose), "process monitor");
    baseline_check(sel4ft_procmon_start(&engine, 0, &server), "benchmark server");

    int fd = -1;
    if (echo_once(&fd, run, 1, message) != 0) {
        baseline_die("boot: the first request was not answered");
    }
    close(fd);
    result("boot", "first_request", 0, 1, control->first_served);

    recovery.client = sel4ft_procmon_fork();
    if (recovery.client == 0) {
        _exit(recovery_client(control, run));
    }
    while (!recovery.client_done) {
        if (baseline_check(sel4ft_procmon_wait(&engine, NULL, 0, 0), "wait") == 0) {
            baseline_die("interrupted");
        }
        if (sel4ft_procmon_child(&engine, 0)->state == SEL4FT_FAULTMON_STOPPED) {
            kill(recovery.client, SIGKILL);
            baseline_die("recovery: the policy gave up on the server");
        }
    }
    sel4ft_procmon_close(&engine);
    close(listener);
    close(control_fd);
    munmap(control, RECOVERY_CONTROL_SIZE);
}

/* Memory ---------------------------------------------------------------------------------------------------- */

/* The value of a "Name: <n> kB" line of a /proc file, in bytes, or 0. */
static uint64_t proc_kib_field(pid_t pid, const char *file, const char *field)
{
    char path[64];
    char line[256];
    size_t length = strlen(field);
    uint64_t kib = 0;

    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return 0;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, field, length) == 0 && line[length] == ':') {
            kib = strtoull(line + length + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kib * 1024;
}

/* Resident memory of a process in bytes: Rss from /proc/<pid>/smaps_rollup (exact), else VmRSS from
 * /proc/<pid>/status; 0 if unknown. */
static uint64_t rss_bytes(pid_t pid)
{
    /* Linux 6.1 keeps RSS counters per thread and folds them into VmRSS only every 64 page faults, so a small
     * process's VmRSS can read 4 kB. smaps_rollup walks the page tables: the same quantity, counted exactly. */
    uint64_t bytes = proc_kib_field(pid, "smaps_rollup", "Rss");
    return bytes != 0 ? bytes : proc_kib_field(pid, "status", "VmRSS");
}

static void probe_memory(pid_t server, pid_t client, pid_t logger)
{
    printf("MEM linux server rss %lu\n", (unsigned long)rss_bytes(server));
    printf("MEM linux client rss %lu\n", (unsigned long)rss_bytes(client));
    printf("MEM linux logger rss %lu\n", (unsigned long)rss_bytes(logger));
    fflush(stdout);
}

static void memory(void)
{
    /* The demo's own processes, logging through the library's log ring, between the client's two phases. */
    supervisor_options_t demo = { .scenario = SCENARIO_MEMORY, .log = BASELINE_LOG_RING, .quiet = true,
                                  .probe = probe_memory };
    supervisor_result_t outcome;
    if (baseline_supervise(&demo, &outcome) != 0) {
        baseline_die("memory: the demo processes did not run to the end");
    }
}

/* Driver ------------------------------------------------------------------------------------------------------ */

static void usage(void)
{
    fprintf(stderr,
            "usage: sel4ft-baseline bench [--rtt-samples N] [--rtt-ops N] [--log-samples N] [--log-records N]\n"
            "                             [--recovery-samples N] [--quick] [--verbose]\n"
            "defaults: 30 samples of 1000 round trips, 10 samples of 10000 records, 10 recoveries;\n"
            "--quick: 3 x 100 round trips, 2 x 1000 records, 3 recoveries (for tests)\n");
}

int baseline_bench_main(int argc, char **argv)
{
    options = (bench_options_t){
        .rtt_samples = 30, .rtt_ops = 1000, .log_samples = 10, .log_records = 10000, .recovery_samples = 10,
    };
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--quick") == 0) {
            options.rtt_samples = 3;
            options.rtt_ops = 100;
            options.log_samples = 2;
            options.log_records = 1000;
            options.recovery_samples = 3;
        } else if (strcmp(arg, "--verbose") == 0) {
            options.verbose = true;
        } else if (strcmp(arg, "--rtt-samples") == 0) {
            options.rtt_samples = (uint32_t)baseline_parse_number(arg, value, 1, 100000);
            i++;
        } else if (strcmp(arg, "--rtt-ops") == 0) {
            options.rtt_ops = (uint32_t)baseline_parse_number(arg, value, 1, 100000000);
            i++;
        } else if (strcmp(arg, "--log-samples") == 0) {
            options.log_samples = (uint32_t)baseline_parse_number(arg, value, 1, 100000);
            i++;
        } else if (strcmp(arg, "--log-records") == 0) {
            options.log_records = (uint32_t)baseline_parse_number(arg, value, 1, 1u << 22);
            i++;
        } else if (strcmp(arg, "--recovery-samples") == 0) {
            options.recovery_samples = (uint32_t)baseline_parse_number(arg, value, 1, RECOVERY_SAMPLES_MAX);
            i++;
        } else {
            usage();
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (options.verbose) {
        /* The engine's events about the benchmark server. */
        baseline_log_open(BASELINE_LOG_STDERR, NULL, "supervisor", -1);
    }

    boot_and_recovery();
    rtt_futex_shm();
    rtt_pipe();
    rtt_unix_socket();
    logs_ring();
    logs_dgram();
    memory();
    printf("BENCH-DONE linux\n");
    fflush(stdout);
    return 0;
}
