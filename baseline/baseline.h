/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The Linux baseline's shared helpers: the counter, POSIX shared memory, futex and eventfd wake-ups, Unix
 * sockets, the request slot in shared memory, messages on byte streams, logging to the logger process, and
 * starting roles of this program with a fixed descriptor layout. Internal to baseline/; never installed. */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sel4ft/logring.h>
#include <sel4ft/os.h>
#include <sel4ft/rpc.h>

/* Time ------------------------------------------------------------------------------------------------------ */

/* The clock is the library's Linux port's (sel4ft_os_ticks() at sel4ft_os_tick_hz()): the generic timer's
 * virtual count on aarch64, which FORMAT.md's ticks count in the measurement VM; CLOCK_MONOTONIC nanoseconds
 * elsewhere (development only). */

/* Ticks as nanoseconds, at the port's rate. */
static inline uint64_t baseline_ticks_to_ns(uint64_t ticks)
{
    uint64_t hz = sel4ft_os_tick_hz();
    return ticks / hz * 1000000000ull + ticks % hz * 1000000000ull / hz;
}

/* Errors ---------------------------------------------------------------------------------------------------- */

/* Print "sel4ft-baseline: <role>: message" on standard error and exit with status 2. */
void baseline_die(const char *format, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Block SIGCHLD, SIGINT and SIGTERM and return a non-blocking signalfd that delivers them (dies on failure). */
int baseline_supervisor_signals(void);
/* Unblock them again (the caller closes the descriptor). */
void baseline_supervisor_signals_unblock(void);

/* The role this process plays, for error messages ("demo", "server", ...). */
extern const char *baseline_role;

/* Deliberately fault: a store to address 0, outside every sanitizer's instrumentation, so the process dies
 * of a genuine SIGSEGV. */
void baseline_crash_now(void) __attribute__((noreturn));

/* Shared memory and wake-ups -------------------------------------------------------------------------------- */

/* The name of a POSIX shared memory object of one run: "/sel4ft-<run>-<what>". */
void baseline_shm_name(char *name, size_t size, const char *run, const char *what);

/* Create (zero-filled, mode 0600) or open a POSIX shared memory object and map it read-write; dies on error. */
void *baseline_shm_create(const char *name, size_t size);
void *baseline_shm_open(const char *name, size_t size);

/* Map a shared memory descriptor read-write; dies on error. */
void *baseline_shm_map_fd(int fd, size_t size);

/* Release a mapping made by one of the functions above. */
void baseline_shm_unmap(void *mapping, size_t size);

/* Sleep while *word == expected (FUTEX_WAIT on a shared word, not process-private).
 * timeout_ns < 0 waits without a limit. Returns 0 (woken, or the word had changed), or -ETIMEDOUT. */
int baseline_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns);

/* Wake every waiter on *word. */
void baseline_futex_wake(uint32_t *word);

/* An eventfd used as a doorbell: non-blocking, close-on-exec. */
int baseline_bell_create(void);
void baseline_bell_ring(int bell);
/* Consume pending rings, if any (never blocks). */
void baseline_bell_clear(int bell);
/* Wait until the bell rings or timeout_ms passes (-1: no limit). Returns 1 rang, 0 timed out. */
int baseline_bell_wait(int bell, int timeout_ms);

/* Byte streams and Unix sockets ----------------------------------------------------------------------------- */

/* Largest payload of a request or reply, the biggest benchmark payload. */
#define BASELINE_PAYLOAD_MAX 4096u
/* A message: a sel4ft_rpc header followed by its payload. */
#define BASELINE_MESSAGE_MAX (sizeof(sel4ft_rpc_header_t) + BASELINE_PAYLOAD_MAX)

/* Write all of buffer. Returns 0 or -errno. */
int baseline_write_all(int fd, const void *buffer, size_t length);

/* Receive one message from a byte stream into a private buffer of BASELINE_MESSAGE_MAX bytes, then validate
 * its header (sel4ft_rpc_header_read on the private copy). Returns 0 with *header filled and the payload at
 * buffer + sizeof(sel4ft_rpc_header_t); -EPIPE at end of stream before a message; -EBADMSG (malformed header),
 * -E2BIG (length beyond the payload maximum), or another -errno. */
int baseline_stream_receive(int fd, uint8_t *buffer, sel4ft_rpc_header_t *header);

/* Compose header + payload in a private buffer and write it in one go. Returns 0 or -errno. */
int baseline_stream_send(int fd, uint8_t *buffer, uint16_t opcode, uint32_t status, const void *payload,
                         uint32_t length, uint64_t request_id, uint64_t epoch);

/* Fill an abstract-namespace Unix socket address "\0sel4ft-<run>-<what>"; returns its length for bind/connect. */
socklen_t baseline_unix_address(void *address, const char *run, const char *what);

/* A listening SOCK_STREAM socket at the abstract address (close-on-exec). Dies on error. */
int baseline_unix_listen(const char *run, const char *what);

/* Connect a SOCK_STREAM socket to the abstract address. Returns the descriptor or -errno. */
int baseline_unix_connect(const char *run, const char *what);

/* The request slot: one request/reply message in shared memory ------------------------------------------------ */

/* "SBSL": the slot's control block was set up by the supervisor. */
#define BASELINE_SLOT_MAGIC 0x4c534253u

/* The slot's shared control block. Indices only: nothing the other side must trust. */
typedef struct baseline_slot_control {
    uint32_t magic;         /* BASELINE_SLOT_MAGIC. Written at setup. */
    uint32_t region_size;   /* Informative: each side uses its own configured size. */
    uint32_t request_seq;   /* Futex word. Written by the client: the number of the request it published. */
    uint32_t reply_seq;     /* Futex word. Written by the server: the number of the request it answered. */
    uint32_t reserved[12];  /* Zero. */
} baseline_slot_control_t;

_Static_assert(sizeof(baseline_slot_control_t) == 64, "the slot's control block is one cache line");

/* The message region after the control block: a sel4ft_rpc header and the largest payload. */
#define BASELINE_SLOT_REGION_SIZE ((uint32_t)BASELINE_MESSAGE_MAX)
/* The size of a slot's mapping (control block and region, whole pages). */
#define BASELINE_SLOT_MAPPING_SIZE 8192u

_Static_assert(sizeof(baseline_slot_control_t) + BASELINE_SLOT_REGION_SIZE <= BASELINE_SLOT_MAPPING_SIZE,
               "the slot fits its mapping");

/* One side's private handle on a slot. Wake-ups go through two eventfds (pollable, used by the demo, whose
 * server waits on several sources at once), or, when the descriptors are -1, through futexes on the
 * sequence words themselves (the benchmark's futex_shm). */
typedef struct baseline_slot {
    baseline_slot_control_t *control; /* Shared. */
    uint8_t *region;                  /* Shared: header + payload. */
    int request_bell;                 /* The client rings it after publishing a request; -1: futex. */
    int reply_bell;                   /* The server rings it after publishing a reply; -1: futex. */
    uint32_t sequence;                /* Client: last request published. Server: last request answered. */
} baseline_slot_t;

/* Zero a fresh slot mapping and mark it (supervisor or benchmark driver, before any side attaches). */
void baseline_slot_setup(void *mapping);

/* Attach one side. The client starts numbering after the last published request; the server resumes after
 * the last request it answered, so a request a crashed incarnation left unanswered is served by the next. */
void baseline_slot_attach_client(baseline_slot_t *slot, void *mapping, int request_bell, int reply_bell);
void baseline_slot_attach_server(baseline_slot_t *slot, void *mapping, int request_bell, int reply_bell);

/* Client: copy the payload into the slot, publish the request, wake the server, wait for the reply
 * (timeout_ms < 0: no limit), then copy the reply header out, validate it, and copy its payload out.
 * Returns 0 with *reply filled (look at reply->status); -ETIMEDOUT; -EBADMSG for a malformed reply or one
 * that answers another request; -ENOSPC if the reply payload exceeds reply_capacity. */
int baseline_slot_call(baseline_slot_t *slot, uint16_t opcode, const void *payload, uint32_t length,
                       uint64_t request_id, void *reply_payload, uint32_t reply_capacity, sel4ft_rpc_header_t *reply,
                       int timeout_ms);

/* Server: true if a request is waiting. */
bool baseline_slot_pending(baseline_slot_t *slot);

/* Server, futex mode: sleep until a request is waiting. */
void baseline_slot_wait_request(baseline_slot_t *slot);

/* Server: copy the waiting request's header out and validate it, then copy its payload into the private
 * buffer `payload` (BASELINE_PAYLOAD_MAX bytes). Returns 0, or -EBADMSG / -E2BIG (answer with
 * SEL4FT_RPC_BAD_MESSAGE). */
int baseline_slot_take(baseline_slot_t *slot, sel4ft_rpc_header_t *request, uint8_t *payload);

/* Server: write the reply (payload copied from a private buffer) and wake the client. */
void baseline_slot_answer(baseline_slot_t *slot, uint16_t opcode, uint32_t status, const void *payload,
                          uint32_t length, uint64_t request_id, uint64_t epoch);

/* Processes --------------------------------------------------------------------------------------------------- */

/* The first descriptor a role receives; the rest follow in the order its starter lists them. */
#define BASELINE_FD_FIRST 3

/* Remember this program's path (from /proc/self/exe, else argv[0]) so roles can be started with exec. */
void baseline_set_program(const char *argv0);

/* fork + exec this program with argv (argv[0] is replaced by the program path, argv ends with NULL), handing
 * over fds[i] as descriptor BASELINE_FD_FIRST + i and closing every other descriptor above 2. The child gets
 * SIGKILL if the parent dies. Returns the child's pid; dies if fork fails. */
pid_t baseline_spawn(const char *const *argv, const int *fds, unsigned fd_count);

/* fork for a child that keeps running this image (benchmark peers); the child gets SIGKILL if the parent
 * dies. Returns as fork(). */
pid_t baseline_fork(void);

/* Resident memory of a process in bytes: Rss from /proc/<pid>/smaps_rollup (exact), else VmRSS from
 * /proc/<pid>/status; 0 if unknown. */
uint64_t baseline_rss_bytes(pid_t pid);

/* Describe a wait status: "exited with status 1", "killed by signal 11 (SIGSEGV)". */
void baseline_describe_status(int status, char *text, size_t size);

/* Parse a decimal argument; dies with a message naming the option if it is not a number in [min, max]. */
uint64_t baseline_parse_number(const char *option, const char *text, uint64_t min, uint64_t max);

/* Control messages between the supervisor and its children (SOCK_SEQPACKET, one struct per message) ------- */

enum baseline_control_type {
    BASELINE_CONTROL_READY = 1,      /* child -> supervisor: initialised and serving; a = incarnation */
    BASELINE_CONTROL_PHASE_DONE,     /* client -> supervisor: a = phase (1, 2), b = succeeded, c = failed */
    BASELINE_CONTROL_PEER_STOPPED,   /* supervisor -> client: a peer was given up; a = its failures */
    BASELINE_CONTROL_CONTINUE,       /* supervisor -> client: go on to phase 2 (no peer failed) */
    BASELINE_CONTROL_CORRUPTED,      /* server -> supervisor: its state failed the integrity check */
    BASELINE_CONTROL_FINISH,         /* supervisor -> server, logger: finish and exit */
    BASELINE_CONTROL_TYPE_NUM
};

typedef struct baseline_control {
    uint32_t type; /* A baseline_control_type. */
    uint32_t a;
    uint64_t b;
    uint64_t c;
} baseline_control_t;

_Static_assert(sizeof(baseline_control_t) == 24, "control message layout");

/* Send a control message; returns 0 or -errno. */
int baseline_control_send(int fd, uint32_t type, uint32_t a, uint64_t b, uint64_t c);
/* Receive one (blocking unless the socket is non-blocking); returns 1 with a valid message, 0 at EOF,
 * -EBADMSG for a malformed one, or -errno. */
int baseline_control_receive(int fd, baseline_control_t *message);

/* Logging to the logger process ------------------------------------------------------------------------------- */

/* How a process's log lines reach the logger. */
enum baseline_log_mode {
    BASELINE_LOG_STDERR = 0, /* no logger: straight to standard error */
    BASELINE_LOG_RING,       /* the library's sel4ft_logring in POSIX shared memory, eventfd wake-ups */
    BASELINE_LOG_DGRAM,      /* one datagram per line to the logger's Unix datagram socket */
};

/* The log ring region of each producer (a power-of-two ring of 64 slots). */
#define BASELINE_LOG_RING_SIZE (sizeof(sel4ft_logring_control_t) + 64 * sizeof(sel4ft_logring_slot_t))

/* A log line as a datagram: this header, then `length` bytes of text. */
#define BASELINE_LOG_DGRAM_MAGIC 0x474c4253u /* "SBLG" */
typedef struct baseline_log_datagram {
    uint32_t magic;
    uint16_t level;   /* SEL4FT_LOG_* */
    uint16_t length;  /* <= SEL4FT_LOGRING_TEXT_MAX */
    uint64_t time;    /* sel4ft_os_ticks() at the sender */
    char source[16];  /* The sender's name as it claims it, NUL-terminated. */
} baseline_log_datagram_t;

_Static_assert(sizeof(baseline_log_datagram_t) == 32, "log datagram header layout");

/* Set up this process's logging. Ring: map the ring "log-<source>" of the run and ring `bell` after each
 * record the logger asked to hear about. Dgram: send to the run's logger socket. */
void baseline_log_open(enum baseline_log_mode mode, const char *run, const char *source, int bell);

/* Log one line "source|LEVEL: text" through the logger (or to stderr). */
void baseline_log(uint32_t level, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Stop logging through the logger (back to standard error) and release what baseline_log_open took. */
void baseline_log_close(void);

/* Records the logging path could not deliver (a full ring, a stuck logger). */
uint32_t baseline_log_dropped(void);

#define LOG_ERROR(...) baseline_log(SEL4FT_LOG_ERROR, __VA_ARGS__)
#define LOG_WARN(...) baseline_log(SEL4FT_LOG_WARN, __VA_ARGS__)
#define LOG_INFO(...) baseline_log(SEL4FT_LOG_INFO, __VA_ARGS__)

/* Roles (subcommands) ----------------------------------------------------------------------------------------- */

int baseline_logger_main(int argc, char **argv);
int baseline_server_main(int argc, char **argv);
int baseline_client_main(int argc, char **argv);
int baseline_crasher_main(int argc, char **argv);
int baseline_supervisor_main(int argc, char **argv);
int baseline_demo_main(int argc, char **argv);
int baseline_bench_main(int argc, char **argv);
int baseline_bench_server_main(int argc, char **argv);
int baseline_inject_main(int argc, char **argv);

/* The options every demo role gets from the supervisor. */
typedef struct baseline_role_options {
    const char *run;              /* The run's id (names of shared memory objects and sockets). */
    enum baseline_log_mode log;   /* How to log. */
    uint32_t incarnation;         /* 1 for the first start, +1 per restart. */
    bool shared_state;            /* Server: state in a shared object; crasher: map it and scribble on it. */
    bool quiet;                   /* Logger: count records but print nothing (benchmark memory run). */
} baseline_role_options_t;

/* Parse "--run R --log ring|dgram --incarnation N [--shared-state] [--quiet]"; dies on anything else. */
void baseline_role_options_parse(baseline_role_options_t *options, int argc, char **argv);

/* Descriptor layout of each demo role (BASELINE_FD_FIRST + index). */
enum {
    BASELINE_FD_CONTROL = BASELINE_FD_FIRST, /* every role: its control socket to the supervisor */
    BASELINE_FD_LOG,                         /* producers: the eventfd that wakes the logger (ring mode);
                                                logger: its datagram socket */
    BASELINE_FD_ROLE,                        /* the first of a role's own descriptors (below) */
};

/* Server: the listening socket, then the request and reply bells of each slot (client's, crasher's). */
#define BASELINE_SERVER_FD_LISTEN (BASELINE_FD_ROLE + 0)
#define BASELINE_SERVER_FD_BELLS (BASELINE_FD_ROLE + 1)
/* Client and crasher: the request and reply bells of their slot. */
#define BASELINE_CLIENT_FD_REQUEST_BELL (BASELINE_FD_ROLE + 0)
#define BASELINE_CLIENT_FD_REPLY_BELL (BASELINE_FD_ROLE + 1)
/* Logger: one bell per log ring, in the order of baseline_log_sources. */
#define BASELINE_LOGGER_FD_BELLS (BASELINE_FD_ROLE + 0)

/* The processes that log through the logger, in a fixed order (the logger's bells follow it). */
#define BASELINE_LOG_SOURCE_NUM 4u
extern const char *const baseline_log_sources[BASELINE_LOG_SOURCE_NUM];

/* The request slots the server serves, in a fixed order (its bells follow it). */
#define BASELINE_SLOT_NUM 2u
extern const char *const baseline_slot_owners[BASELINE_SLOT_NUM];

/* The demo's service: the key-value protocol of services/kv_protocol.h over sel4ft_rpc framing. */
#define BASELINE_SERVER_SOCKET "server"
/* Benchmark opcode: echo the payload (outside the key-value opcodes). */
#define BASELINE_OP_ECHO 100u
