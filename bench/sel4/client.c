/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The benchmark driver: times batches of operations with the generic counter and
 * prints one line per sample (bench/FORMAT.md) on the UART it maps. Nothing is
 * printed while a batch is being timed. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "bench.h"
#include "bench_config.h"


#define SAMPLES 20
#define OPS 1000
#define LOG_SAMPLES 10
#define LOG_RECORDS 2000
#define RECOVERY_SAMPLES 10

uintptr_t uart_base;
uintptr_t raw_passive_region;
uintptr_t raw_active_region;
uintptr_t rpc_region, rpc_region_size;
uintptr_t recovery_region, recovery_region_size;
uintptr_t crash_region;
uintptr_t log_ring, log_ring_size;
uintptr_t received_region;

static const uint32_t payloads[] = { 0, 64, 1024, 4096 };

static _Alignas(16) uint8_t request[BENCH_PAYLOAD_MAX];
static _Alignas(16) uint8_t reply[BENCH_PAYLOAD_MAX];
static sel4ft_rpc_client_t rpc;
static sel4ft_rpc_client_t recovery;
static sel4ft_logring_producer_t producer;
static uint32_t failures;

/* Output. The benchmark's lines are words and unsigned numbers: written with these few lines, not the library's
 * formatter, so that this PD's image holds what a client on the request path links from the library (the rpc
 * client, a log ring producer, the port), not a printf for the driver's own report. */
static void say(const char *text)
{
    size_t length = 0;
    while (text[length] != '\0') {
        length++;
    }
    sel4ft_os_console_write(text, length);
}

static void say_number(uint64_t n)
{
    char digits[20];
    size_t i = sizeof(digits);
    do {
        digits[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n != 0);
    sel4ft_os_console_write(digits + i, sizeof(digits) - i);
}

/* An error line: the text, then up to three numbers, each after its word. */
static void say_error(const char *what, const char *word1, uint64_t n1, const char *word2, uint64_t n2)
{
    failures++;
    say("bench|ERROR: ");
    say(what);
    if (word1 != NULL) {
        say(word1);
        say_number(n1);
    }
    if (word2 != NULL) {
        say(word2);
        say_number(n2);
    }
    say("\n");
}

static void sample(const char *metric, const char *mechanism, uint32_t payload, uint32_t ops, uint64_t ticks)
{
    say("BENCH sel4 ");
    say(metric);
    say(" ");
    say(mechanism);
    say(" ");
    say_number(payload);
    say(" ");
    say_number(ops);
    say(" ");
    say_number(ticks);
    say("\n");
}

/* Raw PPC: the client copies the request into the region and the reply out of it, like the typed path. Every copy
 * here and in the servers is the port's inline copy, as the library's are. */
static uint64_t raw_batch(microkit_channel ch, uintptr_t region, uint32_t payload, uint32_t ops)
{
    uint64_t start = sel4ft_os_ticks();
    for (uint32_t i = 0; i < ops; i++) {
        if (payload == 0) {
            if (microkit_msginfo_get_label(microkit_ppcall(ch, microkit_msginfo_new(0, 0))) != 0) {
                failures++;
            }
            continue;
        }
        sel4ft_os_copy((void *)region, request, payload);
        microkit_mr_set(0, payload);
        microkit_msginfo answer = microkit_ppcall(ch, microkit_msginfo_new(0, 1));
        if (microkit_msginfo_get_label(answer) != 0 || microkit_mr_get(0) != payload) {
            failures++;
        }
        sel4ft_os_copy(reply, (const void *)region, payload);
    }
    return sel4ft_os_ticks() - start;
}

static uint64_t rpc_batch(uint32_t payload, uint32_t ops)
{
    sel4ft_rpc_reply_t answer;
    uint64_t start = sel4ft_os_ticks();
    for (uint32_t i = 0; i < ops; i++) {
        sel4ft_os_copy(sel4ft_rpc_client_payload(&rpc), request, payload);
        if (sel4ft_rpc_call(&rpc, OP_ECHO, payload, reply, sizeof(reply), &answer) != 0 ||
            answer.status != SEL4FT_RPC_OK || answer.length != payload) {
            failures++;
        }
    }
    return sel4ft_os_ticks() - start;
}

static void clear_reply(void)
{
    for (uint32_t i = 0; i < sizeof(reply); i++) {
        reply[i] = 0;
    }
}

/* The reply of the last round trip is the request: the echoes and the memcpy both ends use work. */
static void check_echo(const char *mechanism, uint32_t payload)
{
    for (uint32_t i = 0; i < payload; i++) {
        if (reply[i] != request[i]) {
            say_error(mechanism, ": a wrong byte in an echo of ", payload, " bytes, at ", i);
            return;
        }
    }
}

/* The library's memcpy, which every copy measured here uses, at every length to 300 and in every alignment. */
static void check_memcpy(void)
{
    static _Alignas(16) uint8_t destination[320];
    for (uint32_t offset = 0; offset < 16; offset += 3) {
        for (uint32_t length = 0; length <= 300; length++) {
            for (uint32_t i = 0; i < sizeof(destination); i++) {
                destination[i] = 0xa5;
            }
            __builtin_memcpy(destination + (offset & 8), request + offset, length);
            for (uint32_t i = 0; i < sizeof(destination); i++) {
                uint32_t at = i - (offset & 8);
                uint8_t expected = i >= (offset & 8) && at < length ? request[offset + at] : 0xa5;
                if (destination[i] != expected) {
                    say_error("memcpy", " of bytes: ", length, ", from offset ", offset);
                    return;
                }
            }
        }
    }
}

static void round_trips(void)
{
    for (uint32_t p = 0; p < sizeof(payloads) / sizeof(payloads[0]); p++) {
        uint32_t payload = payloads[p];
        /* One untimed batch of each first, so every sample sees warm caches and TLBs; each checked. */
        clear_reply();
        raw_batch(CLIENT_CH_RAW_PASSIVE, raw_passive_region, payload, OPS);
        check_echo("microkit_ppc_passive", payload);
        clear_reply();
        raw_batch(CLIENT_CH_RAW_ACTIVE, raw_active_region, payload, OPS);
        check_echo("microkit_ppc_active", payload);
        clear_reply();
        rpc_batch(payload, OPS);
        check_echo("sel4ft_rpc_passive", payload);
        for (int s = 0; s < SAMPLES; s++) {
            sample("rtt", "microkit_ppc_passive", payload, OPS,
                   raw_batch(CLIENT_CH_RAW_PASSIVE, raw_passive_region, payload, OPS));
            sample("rtt", "microkit_ppc_active", payload, OPS,
                   raw_batch(CLIENT_CH_RAW_ACTIVE, raw_active_region, payload, OPS));
            sample("rtt", "sel4ft_rpc_passive", payload, OPS, rpc_batch(payload, OPS));
        }
    }
}

/* Log records end to end. The consumer has this PD's priority, as two Linux processes share a CPU: a
 * notification makes it runnable without preempting this PD, so it drains the ring once this PD waits (or its
 * time slice ends), and then records when it found the ring empty and notifies back. A sample: LOG_RECORDS
 * records written, from the first write to the consumer finding the ring empty with all of them counted. The ring
 * holds a whole sample, as the Linux benchmark's does; the first sample is a warm-up, not printed (as on Linux). */
static const char log_text[] = "client|INFO: a 64-byte log record, as a PD would write one, ok...";
static int log_sample = -2; /* -2: not started; -1: the warm-up */
static uint32_t log_records = LOG_RECORDS;
static uint64_t log_start, log_expected;
static uint32_t log_dropped_before;

static void log_sample_start(void)
{
    const volatile log_progress_t *progress = (const volatile log_progress_t *)received_region;
    log_expected = progress->received + log_records;
    log_dropped_before = sel4ft_logring_producer_dropped(&producer);
    log_start = sel4ft_os_ticks();
    for (uint32_t i = 0; i < log_records; i++) {
        sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, log_text, 64);
    }
    /* Now back to the event loop: the consumer runs, and notified() takes the sample. */
}

static void finish(void)
{
    if (failures != 0) {
        say("bench|ERROR: operations failed: ");
        say_number(failures);
        say("\n");
    }
    say("BENCH-DONE sel4\n");
}

static void log_sample_end(void)
{
    const volatile log_progress_t *progress = (const volatile log_progress_t *)received_region;
    uint64_t ticks = progress->idle_at - log_start;
    uint32_t dropped = sel4ft_logring_producer_dropped(&producer) - log_dropped_before;
    if (progress->received != log_expected || dropped != 0) {
        say_error("a log sample lost records", ": arrived ", progress->received - (log_expected - log_records),
                  ", dropped ", dropped);
    }
    if (log_sample >= 0) {
        sample("logs", "sel4ft_logring", 64, log_records, ticks);
    }
    log_sample++;
    if (log_sample < LOG_SAMPLES) {
        log_sample_start();
    } else {
        finish();
    }
}

static void logs(void)
{
    log_sample = -1;
    log_sample_start();
}

/* One crash of the recovery server under a request, and the retry that the restarted server answers: the same
 * request twice, under the same id. */
static void recover_once(void)
{
    const crash_record_t *record = (const crash_record_t *)crash_region;
    /* Zeroed: riscv64's GCC cannot see that a call returning 0 has set it (-Wmaybe-uninitialized). */
    sel4ft_rpc_reply_t answer = { 0 };
    uint64_t id = recovery.next_request_id++;

    for (int attempt = 0; attempt < 2; attempt++) {
        int err = sel4ft_rpc_call_id(&recovery, id, OP_CRASH, 0, reply, sizeof(reply), &answer);
        uint64_t end = sel4ft_os_ticks();
        if (attempt == 0 && err != -SEL4FT_ESTALE) {
            say_error("the crash request was answered", ", error -", (uint64_t)-err, NULL, 0);
            return;
        }
        if (attempt == 1 && (err != 0 || answer.status != SEL4FT_RPC_OK)) {
            say_error("the retry after a restart failed", ": error -", (uint64_t)-err, ", status ",
                      answer.status);
            return;
        }
        if (attempt == 1) {
            sample("recovery", "monitor_restart", 0, 1, end - record->stamp);
        }
    }
}

static void recoveries(void)
{
    for (int s = 0; s < RECOVERY_SAMPLES; s++) {
        recover_once();
    }
}

#ifdef BENCH_TRACE
/* bench/trace.py: a few operations of each kind, each group after a call to this mark, for an instruction
 * trace of the whole system (QEMU -singlestep -d exec). Nothing is timed. The log records' group ends when the
 * consumer has drained them (the last mark is in notified()). */
__attribute__((noinline)) void bench_trace_mark(void)
{
    __asm__ volatile("" : : : "memory");
}

#define TRACE_OPS 32

static void trace_run(void)
{
    recover_once(); /* the first restart, before any group */
    for (uint32_t p = 0; p < 2; p++) {
        bench_trace_mark();
        raw_batch(CLIENT_CH_RAW_PASSIVE, raw_passive_region, payloads[p], TRACE_OPS);
        bench_trace_mark();
        rpc_batch(payloads[p], TRACE_OPS);
    }
    bench_trace_mark();
    recover_once();
    log_records = TRACE_OPS;
    log_sample = LOG_SAMPLES - 1;
    bench_trace_mark();
    log_sample_start();
}
#endif

void init(void)
{
    sel4ft_os_console_use_uart(uart_base);
    sel4ft_rpc_client_init(&rpc, (void *)rpc_region, rpc_region_size, CLIENT_CH_RPC_SERVER, 1);
    sel4ft_rpc_client_init(&recovery, (void *)recovery_region, recovery_region_size, CLIENT_CH_RECOVERY_SERVER, 1);
    sel4ft_logring_producer_init(&producer, (void *)log_ring, log_ring_size, CLIENT_CH_CONSUMER);
    for (uint32_t i = 0; i < sizeof(request); i++) {
        request[i] = (uint8_t)(i * 13 + 7);
    }

    /* The counter's rate: every tick below is one of these (bench/FORMAT.md). */
    say("BENCH-CLOCK sel4 ");
    say_number(sel4ft_os_tick_hz());
    say("\n");

    /* Boot: the counter counts from the moment QEMU started the machine. The first request is a batch of one
     * (each rpc call site inlines the call: this client keeps one per server). */
    rpc_batch(0, 1);
    uint64_t first = sel4ft_os_ticks();
    sample("boot", "first_request", 0, 1, first);

    /* The rest starts when the log consumer, which has this PD's priority, has run its init() and notified:
     * then nothing else is runnable while round trips are timed (a runnable PD of the same priority would
     * make the kernel's scheduler checks longer on every one). */
}

static void run(void)
{
#ifdef BENCH_TRACE
    /* Volatile, so the benchmark's code (and the variables only it uses) stays in the image. */
    static volatile int tracing = 1;
    if (tracing) {
        trace_run();
        return;
    }
#endif
    check_memcpy();
    round_trips();
    recoveries();
    /* Last, as it goes on in notified(): each sample ends when the consumer says so. */
    logs();
}

void notified(microkit_channel ch)
{
    const volatile log_progress_t *progress = (const volatile log_progress_t *)received_region;
    switch (ch) {
    case CLIENT_CH_CONSUMER:
        if (log_sample == -2) {
            /* The consumer's first notification, from its init(). */
            run();
            break;
        }
        /* The consumer found the ring empty; it may have drained part of a sample only (this PD's time slice
         * ended while it wrote), then the rest comes with a later notification. */
        if (log_sample >= -1 && log_sample < LOG_SAMPLES && progress->received >= log_expected) {
#ifdef BENCH_TRACE
            bench_trace_mark();
#endif
            log_sample_end();
        }
        break;
    default:
        say_error("unexpected notification", " on channel ", ch, NULL, 0);
        break;
    }
}
