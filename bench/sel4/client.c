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

static void sample(const char *metric, const char *mechanism, uint32_t payload, uint32_t ops, uint64_t ticks)
{
    sel4ft_printf("BENCH sel4 %s %s %u %u %lu\n", metric, mechanism, payload, ops, (unsigned long)ticks);
}

/* Raw PPC: the client copies the request into the region and the reply out of it, like the typed path. */
static uint64_t raw_batch(microkit_channel ch, uintptr_t region, uint32_t payload, uint32_t ops)
{
    uint64_t start = sel4ft_os_ticks();
    for (uint32_t i = 0; i < ops; i++) {
        if (payload == 0) {
            microkit_ppcall(ch, microkit_msginfo_new(0, 0));
            continue;
        }
        __builtin_memcpy((void *)region, request, payload);
        microkit_mr_set(0, payload);
        microkit_msginfo answer = microkit_ppcall(ch, microkit_msginfo_new(0, 1));
        if (microkit_msginfo_get_label(answer) != 0 || microkit_mr_get(0) != payload) {
            failures++;
        }
        __builtin_memcpy(reply, (const void *)region, payload);
    }
    return sel4ft_os_ticks() - start;
}

static uint64_t rpc_batch(uint32_t payload, uint32_t ops)
{
    sel4ft_rpc_reply_t answer;
    uint64_t start = sel4ft_os_ticks();
    for (uint32_t i = 0; i < ops; i++) {
        __builtin_memcpy(sel4ft_rpc_client_payload(&rpc), request, payload);
        if (sel4ft_rpc_call(&rpc, OP_ECHO, payload, reply, sizeof(reply), &answer) != 0 ||
            answer.status != SEL4FT_RPC_OK || answer.length != payload) {
            failures++;
        }
    }
    return sel4ft_os_ticks() - start;
}

static void round_trips(void)
{
    for (uint32_t p = 0; p < sizeof(payloads) / sizeof(payloads[0]); p++) {
        uint32_t payload = payloads[p];
        /* One untimed batch of each first, so every sample sees warm caches and TLBs. */
        raw_batch(CLIENT_CH_RAW_PASSIVE, raw_passive_region, payload, OPS);
        raw_batch(CLIENT_CH_RAW_ACTIVE, raw_active_region, payload, OPS);
        rpc_batch(payload, OPS);
        for (int s = 0; s < SAMPLES; s++) {
            sample("rtt", "microkit_ppc_passive", payload, OPS,
                   raw_batch(CLIENT_CH_RAW_PASSIVE, raw_passive_region, payload, OPS));
            sample("rtt", "microkit_ppc_active", payload, OPS,
                   raw_batch(CLIENT_CH_RAW_ACTIVE, raw_active_region, payload, OPS));
            sample("rtt", "sel4ft_rpc_passive", payload, OPS, rpc_batch(payload, OPS));
        }
    }
}

static void logs(void)
{
    volatile uint64_t *received = (volatile uint64_t *)received_region;
    static const char text[] = "client|INFO: a 64-byte log record, as a PD would write one, ok...";

    for (int s = 0; s < LOG_SAMPLES; s++) {
        uint64_t expected = *received + LOG_RECORDS;
        uint32_t dropped_before = sel4ft_logring_producer_dropped(&producer);
        uint64_t start = sel4ft_os_ticks();
        for (uint32_t i = 0; i < LOG_RECORDS; i++) {
            sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, text, 64);
        }
        /* The consumer has the higher priority: every record it was told about is in by now. */
        uint64_t ticks = sel4ft_os_ticks() - start;
        uint32_t dropped = sel4ft_logring_producer_dropped(&producer) - dropped_before;
        if (*received != expected || dropped != 0) {
            failures++;
            sel4ft_printf("bench|ERROR: log sample %d: %lu of %u records arrived, %u dropped\n", s,
                          (unsigned long)(*received - (expected - LOG_RECORDS)), LOG_RECORDS, dropped);
        }
        sample("logs", "sel4ft_logring", 64, LOG_RECORDS, ticks);
    }
}

static void recoveries(void)
{
    const crash_record_t *record = (const crash_record_t *)crash_region;
    sel4ft_rpc_reply_t answer;

    for (int s = 0; s < RECOVERY_SAMPLES; s++) {
        uint64_t id = recovery.next_request_id++;
        int err = sel4ft_rpc_call_id(&recovery, id, OP_CRASH, 0, reply, sizeof(reply), &answer);
        if (err != -SEL4FT_ESTALE) {
            failures++;
            sel4ft_printf("bench|ERROR: crash request answered with %s\n", sel4ft_strerror(err));
            continue;
        }
        /* Retry under the same id: the restarted server serves it. */
        err = sel4ft_rpc_call_id(&recovery, id, OP_CRASH, 0, reply, sizeof(reply), &answer);
        uint64_t end = sel4ft_os_ticks();
        if (err != 0 || answer.status != SEL4FT_RPC_OK) {
            failures++;
            sel4ft_printf("bench|ERROR: retry after restart: %s\n", sel4ft_strerror(err));
            continue;
        }
        sample("recovery", "monitor_restart", 0, 1, end - record->stamp);
    }
}

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
    sel4ft_printf("BENCH-CLOCK sel4 %lu\n", (unsigned long)sel4ft_os_tick_hz());

    /* Boot: the counter counts from the moment QEMU started the machine. */
    sel4ft_rpc_reply_t answer;
    int err = sel4ft_rpc_call(&rpc, OP_ECHO, 0, reply, sizeof(reply), &answer);
    uint64_t first = sel4ft_os_ticks();
    if (err != 0) {
        failures++;
    }
    sample("boot", "first_request", 0, 1, first);

    round_trips();
    logs();
    recoveries();
    if (failures != 0) {
        sel4ft_printf("bench|ERROR: %u operations failed\n", failures);
    }
    sel4ft_printf("BENCH-DONE sel4\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}
