/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* Helpers every role of the baseline uses: the counter, shared memory, futexes and eventfds, streams and Unix
 * sockets, the request slot, starting roles. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sel4ft/error.h>
#include <sel4ft/fence.h>

#include "baseline.h"

const char *baseline_role = "sel4ft-baseline";

/* Errors ---------------------------------------------------------------------------------------------------- */

void baseline_die(const char *format, ...)
{
    char text[512];
    va_list args;

    va_start(args, format);
    vsnprintf(text, sizeof(text), format, args);
    va_end(args);
    fprintf(stderr, "sel4ft-baseline: %s: %s\n", baseline_role, text);
    exit(2);
}

/* No sanitizer instrumentation: the store must reach the hardware and fault, not be reported and turned into
 * an exit by ASan or UBSan. The asm hides the pointer's value, so the compiler cannot see a NULL store. */
__attribute__((no_sanitize("address", "undefined"), noinline)) void baseline_crash_now(void)
{
    volatile uint32_t *target = NULL;
    __asm__ volatile("" : "+r"(target));
    *target = 0xdead;
    /* Not reached; if it were, stop the same way a fault would. */
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    abort();
}

/* Shared memory and wake-ups -------------------------------------------------------------------------------- */

void baseline_shm_name(char *name, size_t size, const char *run, const char *what)
{
    snprintf(name, size, "/sel4ft-%s-%s", run, what);
}

static void *shm_map(const char *name, size_t size, bool create)
{
    int fd = shm_open(name, O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0), 0600);
    if (fd < 0) {
        baseline_die("shm_open %s: %s", name, strerror(errno));
    }
    if (create && ftruncate(fd, (off_t)size) != 0) {
        baseline_die("ftruncate %s: %s", name, strerror(errno));
    }
    void *mapping = baseline_shm_map_fd(fd, size);
    close(fd);
    return mapping;
}

void *baseline_shm_create(const char *name, size_t size)
{
    return shm_map(name, size, true);
}

void *baseline_shm_open(const char *name, size_t size)
{
    return shm_map(name, size, false);
}

void *baseline_shm_map_fd(int fd, size_t size)
{
    void *mapping = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mapping == MAP_FAILED) {
        baseline_die("mmap of %zu bytes: %s", size, strerror(errno));
    }
    return mapping;
}

void baseline_shm_unmap(void *mapping, size_t size)
{
    if (mapping != NULL) {
        munmap(mapping, size);
    }
}

int baseline_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns)
{
    struct timespec timeout;
    struct timespec *limit = NULL;

    if (timeout_ns >= 0) {
        timeout.tv_sec = (time_t)(timeout_ns / 1000000000);
        timeout.tv_nsec = (long)(timeout_ns % 1000000000);
        limit = &timeout;
    }
    /* Not FUTEX_PRIVATE_FLAG: the word lies in memory shared by two processes. */
    long r = syscall(SYS_futex, word, FUTEX_WAIT, expected, limit, NULL, 0);
    if (r != 0 && errno == ETIMEDOUT) {
        return -ETIMEDOUT;
    }
    /* Woken, interrupted, or the word had already changed (EAGAIN): the caller checks the word again. */
    return 0;
}

void baseline_futex_wake(uint32_t *word)
{
    syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

int baseline_bell_create(void)
{
    int bell = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (bell < 0) {
        baseline_die("eventfd: %s", strerror(errno));
    }
    return bell;
}

void baseline_bell_ring(int bell)
{
    uint64_t one = 1;
    /* EAGAIN means the counter is saturated: the bell is ringing already. */
    if (write(bell, &one, sizeof(one)) < 0 && errno != EAGAIN) {
        baseline_die("ringing eventfd %d: %s", bell, strerror(errno));
    }
}

void baseline_bell_clear(int bell)
{
    uint64_t count;
    while (read(bell, &count, sizeof(count)) < 0 && errno == EINTR) {
    }
}

int baseline_bell_wait(int bell, int timeout_ms)
{
    struct pollfd p = { .fd = bell, .events = POLLIN };
    int n;
    do {
        n = poll(&p, 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        return 0;
    }
    baseline_bell_clear(bell);
    return 1;
}

/* Streams and Unix sockets ---------------------------------------------------------------------------------- */

int baseline_write_all(int fd, const void *buffer, size_t length)
{
    const uint8_t *p = buffer;
    while (length > 0) {
        /* send() with MSG_NOSIGNAL would be nicer on sockets, but pipes need write(); SIGPIPE is ignored. */
        ssize_t n = write(fd, p, length);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

/* Read until `have` reaches `want` bytes. Returns 0, -EPIPE at end of stream, or -errno. */
static int read_until(int fd, uint8_t *buffer, size_t *have, size_t want, size_t capacity)
{
    while (*have < want) {
        ssize_t n = read(fd, buffer + *have, capacity - *have);
        if (n == 0) {
            return -EPIPE;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        *have += (size_t)n;
    }
    return 0;
}

int baseline_stream_receive(int fd, uint8_t *buffer, sel4ft_rpc_header_t *header)
{
    size_t have = 0;
    /* One read usually brings the whole message: the peer never has more than one in flight. */
    int err = read_until(fd, buffer, &have, sizeof(*header), sizeof(*header));
    if (err != 0) {
        return err;
    }
    /* The buffer is private: validate the copy, and trust nothing but the copy. */
    err = sel4ft_rpc_header_read(buffer, BASELINE_MESSAGE_MAX, header);
    if (err != 0) {
        return err == -SEL4FT_E2BIG ? -E2BIG : -EBADMSG;
    }
    return read_until(fd, buffer, &have, sizeof(*header) + header->length, sizeof(*header) + header->length);
}

int baseline_stream_send(int fd, uint8_t *buffer, uint16_t opcode, uint32_t status, const void *payload,
                         uint32_t length, uint64_t request_id, uint64_t epoch)
{
    if (length > BASELINE_PAYLOAD_MAX) {
        return -E2BIG;
    }
    if (length > 0) {
        memcpy(buffer + sizeof(sel4ft_rpc_header_t), payload, length);
    }
    sel4ft_rpc_header_write(buffer, opcode, status, length, request_id, epoch);
    return baseline_write_all(fd, buffer, sizeof(sel4ft_rpc_header_t) + length);
}

socklen_t baseline_unix_address(void *address, const char *run, const char *what)
{
    struct sockaddr_un *a = address;
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    /* Abstract namespace (leading NUL): no file to create or remove, gone when the last socket closes. */
    int n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "sel4ft-%s-%s", run, what);
    if (n < 0 || (size_t)n >= sizeof(a->sun_path) - 1) {
        baseline_die("socket name for %s too long", what);
    }
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

static void supervisor_signal_set(sigset_t *signals)
{
    sigemptyset(signals);
    sigaddset(signals, SIGCHLD);
    sigaddset(signals, SIGINT);
    sigaddset(signals, SIGTERM);
}

void baseline_supervisor_signals_unblock(void)
{
    sigset_t signals;
    supervisor_signal_set(&signals);
    sigprocmask(SIG_UNBLOCK, &signals, NULL);
}

int baseline_supervisor_signals(void)
{
    sigset_t signals;
    supervisor_signal_set(&signals);
    sigprocmask(SIG_BLOCK, &signals, NULL);
    int fd = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd < 0) {
        baseline_die("signalfd: %s", strerror(errno));
    }
    return fd;
}

int baseline_unix_listen(const char *run, const char *what)
{
    struct sockaddr_un address;
    socklen_t length = baseline_unix_address(&address, run, what);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, length) != 0 || listen(fd, 16) != 0) {
        baseline_die("listening socket %s: %s", what, strerror(errno));
    }
    return fd;
}

int baseline_unix_connect(const char *run, const char *what)
{
    struct sockaddr_un address;
    socklen_t length = baseline_unix_address(&address, run, what);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (connect(fd, (struct sockaddr *)&address, length) != 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    return fd;
}

/* The request slot -------------------------------------------------------------------------------------------- */

void baseline_slot_setup(void *mapping)
{
    memset(mapping, 0, BASELINE_SLOT_MAPPING_SIZE);
    baseline_slot_control_t *control = mapping;
    control->region_size = BASELINE_SLOT_REGION_SIZE;
    /* Pairs with nothing: set up before any peer runs. */
    control->magic = BASELINE_SLOT_MAGIC;
}

static void slot_attach(baseline_slot_t *slot, void *mapping, int request_bell, int reply_bell)
{
    slot->control = mapping;
    slot->region = (uint8_t *)mapping + sizeof(baseline_slot_control_t);
    slot->request_bell = request_bell;
    slot->reply_bell = reply_bell;
}

void baseline_slot_attach_client(baseline_slot_t *slot, void *mapping, int request_bell, int reply_bell)
{
    slot_attach(slot, mapping, request_bell, reply_bell);
    /* Only a counter to continue from: whatever it holds, replies are matched by request id. */
    slot->sequence = sel4ft_load_relaxed_u32(&slot->control->request_seq);
}

void baseline_slot_attach_server(baseline_slot_t *slot, void *mapping, int request_bell, int reply_bell)
{
    slot_attach(slot, mapping, request_bell, reply_bell);
    slot->sequence = sel4ft_load_relaxed_u32(&slot->control->reply_seq);
}

/* Wait until *word differs from `old`; through the bell, or a futex when there is none. */
static int wait_change(uint32_t *word, uint32_t old, int bell, int timeout_ms)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        /* Pairs with the store-release of the word by the other side, after it wrote the message. */
        if (sel4ft_load_acquire_u32(word) != old) {
            return 0;
        }
        int64_t left_ns = -1;
        if (timeout_ms >= 0) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            int64_t spent = (int64_t)(now.tv_sec - start.tv_sec) * 1000000000 + (now.tv_nsec - start.tv_nsec);
            left_ns = (int64_t)timeout_ms * 1000000 - spent;
            if (left_ns <= 0) {
                return -ETIMEDOUT;
            }
        }
        if (bell >= 0) {
            baseline_bell_wait(bell, left_ns < 0 ? -1 : (int)((left_ns + 999999) / 1000000));
        } else {
            baseline_futex_wait(word, old, left_ns);
        }
    }
}

static void wake(uint32_t *word, int bell)
{
    if (bell >= 0) {
        baseline_bell_ring(bell);
    } else {
        baseline_futex_wake(word);
    }
}

int baseline_slot_call(baseline_slot_t *slot, uint16_t opcode, const void *payload, uint32_t length,
                       uint64_t request_id, void *reply_payload, uint32_t reply_capacity, sel4ft_rpc_header_t *reply,
                       int timeout_ms)
{
    if (length > BASELINE_PAYLOAD_MAX) {
        return -E2BIG;
    }
    if (length > 0) {
        memcpy(slot->region + sizeof(sel4ft_rpc_header_t), payload, length);
    }
    sel4ft_rpc_header_write(slot->region, opcode, 0, length, request_id, 0);
    uint32_t sequence = ++slot->sequence;
    uint32_t answered = sel4ft_load_relaxed_u32(&slot->control->reply_seq);
    /* Pairs with the server's load-acquire of request_seq: the message is visible first. */
    sel4ft_store_release_u32(&slot->control->request_seq, sequence);
    wake(&slot->control->request_seq, slot->request_bell);

    /* Wait for reply_seq to reach our number; a stale server may publish other numbers meanwhile. */
    for (;;) {
        int err = wait_change(&slot->control->reply_seq, answered, slot->reply_bell, timeout_ms);
        if (err != 0) {
            return err;
        }
        answered = sel4ft_load_acquire_u32(&slot->control->reply_seq);
        if (answered == sequence) {
            break;
        }
    }
    /* One copy of the header out of shared memory; everything below looks at the copy. */
    if (sel4ft_rpc_header_read(slot->region, BASELINE_SLOT_REGION_SIZE, reply) != 0 ||
        reply->request_id != request_id || reply->opcode != opcode) {
        return -EBADMSG;
    }
    if (reply->length > reply_capacity) {
        return -ENOSPC;
    }
    if (reply->length > 0) {
        memcpy(reply_payload, slot->region + sizeof(sel4ft_rpc_header_t), reply->length);
    }
    return 0;
}

bool baseline_slot_pending(baseline_slot_t *slot)
{
    /* Pairs with the client's store-release of request_seq. */
    return sel4ft_load_acquire_u32(&slot->control->request_seq) != slot->sequence;
}

void baseline_slot_wait_request(baseline_slot_t *slot)
{
    wait_change(&slot->control->request_seq, slot->sequence, slot->request_bell, -1);
}

int baseline_slot_take(baseline_slot_t *slot, sel4ft_rpc_header_t *request, uint8_t *payload)
{
    /* The number we answer is the one we saw; the client may change the word again at any time. */
    slot->sequence = sel4ft_load_acquire_u32(&slot->control->request_seq);
    int err = sel4ft_rpc_header_read(slot->region, BASELINE_SLOT_REGION_SIZE, request);
    if (err != 0) {
        return err == -SEL4FT_E2BIG ? -E2BIG : -EBADMSG;
    }
    /* request->length comes from our copy and was checked against the region: copy exactly that much. */
    if (request->length > 0) {
        memcpy(payload, slot->region + sizeof(sel4ft_rpc_header_t), request->length);
    }
    return 0;
}

void baseline_slot_answer(baseline_slot_t *slot, uint16_t opcode, uint32_t status, const void *payload,
                          uint32_t length, uint64_t request_id, uint64_t epoch)
{
    if (length > BASELINE_PAYLOAD_MAX) {
        length = 0;
        status = SEL4FT_RPC_TOO_LARGE;
    }
    if (length > 0) {
        memcpy(slot->region + sizeof(sel4ft_rpc_header_t), payload, length);
    }
    sel4ft_rpc_header_write(slot->region, opcode, status, length, request_id, epoch);
    /* Pairs with the client's load-acquire of reply_seq: the reply is visible first. */
    sel4ft_store_release_u32(&slot->control->reply_seq, slot->sequence);
    wake(&slot->control->reply_seq, slot->reply_bell);
}

/* Processes --------------------------------------------------------------------------------------------------- */

static char program_path[PATH_MAX];

void baseline_set_program(const char *argv0)
{
    ssize_t n = readlink("/proc/self/exe", program_path, sizeof(program_path) - 1);
    if (n > 0) {
        program_path[n] = '\0';
    } else {
        snprintf(program_path, sizeof(program_path), "%s", argv0);
    }
}

static void die_with_parent(void)
{
    /* Roles never outlive their starter (a killed test, a crashed supervisor). */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

pid_t baseline_fork(void)
{
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* The parent may block signals it takes through a signalfd; the child starts with none blocked. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        die_with_parent();
        if (getppid() != parent) {
            _exit(1);
        }
    }
    return pid;
}

pid_t baseline_spawn(const char *const *argv, const int *fds, unsigned fd_count)
{
    pid_t pid = baseline_fork();
    if (pid < 0) {
        baseline_die("fork: %s", strerror(errno));
    }
    if (pid > 0) {
        return pid;
    }
    /* Move every descriptor out of the way first, then into place: a source may sit on another's target. */
    int moved[16];
    if (fd_count > sizeof(moved) / sizeof(moved[0])) {
        _exit(126);
    }
    for (unsigned i = 0; i < fd_count; i++) {
        moved[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 64);
        if (moved[i] < 0) {
            _exit(126);
        }
    }
    for (unsigned i = 0; i < fd_count; i++) {
        /* dup2 clears close-on-exec on the target. */
        if (dup2(moved[i], BASELINE_FD_FIRST + (int)i) < 0) {
            _exit(126);
        }
    }
    /* The moved copies are close-on-exec; the rest should be too, but a leak would mislead the demo. */
    if (close_range(BASELINE_FD_FIRST + fd_count, ~0u, 0) != 0) {
        for (int fd = BASELINE_FD_FIRST + (int)fd_count; fd < 1024; fd++) {
            close(fd);
        }
    }
    char *args[24];
    unsigned n = 0;
    args[n++] = program_path;
    for (unsigned i = 1; argv[i] != NULL && n < sizeof(args) / sizeof(args[0]) - 1; i++) {
        args[n++] = (char *)argv[i];
    }
    args[n] = NULL;
    signal(SIGPIPE, SIG_DFL);
    execv(program_path, args);
    fprintf(stderr, "sel4ft-baseline: exec %s: %s\n", program_path, strerror(errno));
    _exit(127);
}

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

uint64_t baseline_rss_bytes(pid_t pid)
{
    /* Linux 6.1 keeps RSS counters per thread and folds them into VmRSS only every 64 page faults, so a small
     * process's VmRSS can read 4 kB. smaps_rollup walks the page tables: the same quantity, counted exactly. */
    uint64_t bytes = proc_kib_field(pid, "smaps_rollup", "Rss");
    return bytes != 0 ? bytes : proc_kib_field(pid, "status", "VmRSS");
}

void baseline_describe_status(int status, char *text, size_t size)
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

uint64_t baseline_parse_number(const char *option, const char *text, uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    unsigned long long value = text != NULL ? strtoull(text, &end, 10) : 0;
    if (text == NULL || *text == '\0' || *end != '\0' || errno != 0 || value < min || value > max) {
        baseline_die("%s needs a number from %lu to %lu, not '%s'", option, (unsigned long)min, (unsigned long)max,
                     text != NULL ? text : "");
    }
    return value;
}

/* Control messages -------------------------------------------------------------------------------------------- */

int baseline_control_send(int fd, uint32_t type, uint32_t a, uint64_t b, uint64_t c)
{
    baseline_control_t message = { .type = type, .a = a, .b = b, .c = c };
    ssize_t n;
    do {
        n = send(fd, &message, sizeof(message), MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof(message) ? 0 : (n < 0 ? -errno : -EIO);
}

int baseline_control_receive(int fd, baseline_control_t *message)
{
    ssize_t n;
    do {
        n = recv(fd, message, sizeof(*message), 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
        return 0;
    }
    if (n < 0) {
        return -errno;
    }
    if (n != (ssize_t)sizeof(*message) || message->type == 0 || message->type >= BASELINE_CONTROL_TYPE_NUM) {
        return -EBADMSG;
    }
    return 1;
}

/* Role options ------------------------------------------------------------------------------------------------ */

const char *const baseline_log_sources[BASELINE_LOG_SOURCE_NUM] = { "supervisor", "server", "client", "crasher" };
const char *const baseline_slot_owners[BASELINE_SLOT_NUM] = { "client", "crasher" };

void baseline_role_options_parse(baseline_role_options_t *options, int argc, char **argv)
{
    *options = (baseline_role_options_t){ .log = BASELINE_LOG_STDERR, .incarnation = 1 };
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--run") == 0 && value != NULL) {
            options->run = value;
            i++;
        } else if (strcmp(arg, "--log") == 0 && value != NULL) {
            if (strcmp(value, "ring") == 0) {
                options->log = BASELINE_LOG_RING;
            } else if (strcmp(value, "dgram") == 0) {
                options->log = BASELINE_LOG_DGRAM;
            } else if (strcmp(value, "stderr") == 0) {
                options->log = BASELINE_LOG_STDERR;
            } else {
                baseline_die("--log needs ring, dgram or stderr, not '%s'", value);
            }
            i++;
        } else if (strcmp(arg, "--incarnation") == 0 && value != NULL) {
            options->incarnation = (uint32_t)baseline_parse_number(arg, value, 1, UINT32_MAX);
            i++;
        } else if (strcmp(arg, "--shared-state") == 0) {
            options->shared_state = true;
        } else if (strcmp(arg, "--quiet") == 0) {
            options->quiet = true;
        } else {
            baseline_die("unexpected argument '%s' (this role is started by the supervisor; see --help)", arg);
        }
    }
    if (options->run == NULL) {
        baseline_die("--run is missing (this role is started by the supervisor; see --help)");
    }
}
