/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The block client: in passes, writes a pattern of its own to every block of its partition, then reads every
 * block back and checks it, keeping CLIENT_DEPTH requests of CLIENT_BLOCKS blocks in flight through sDDF's queue
 * protocol. Each pass writes other data (the pattern depends on the seed, the pass and the block), so a write that
 * was lost shows as the previous pass's data. It counts every block verified, every mismatch, every error status
 * and every completion it did not expect (one it already had, or for no request of its own). It runs passes
 * until it has done CLIENT_PASSES and the monitor says the injections are over, then reports and tells the
 * monitor. In the benchmark configuration it counts the system's instructions (pmu.h), asks the monitor for a
 * crash every CRASH_PERIOD_MS of them and runs for at least CLIENT_RUN_MS (the overhead experiment). */

#include <microkit.h>

#include <sddf/blk/config.h>
#include <sddf/blk/queue.h>
#include <sddf/blk/storage_info.h>

#include <sel4ft/sel4ft.h>

#include "blk_config.h"
#include "blk_inject.h"
#include "blk_layout.h"
#include "example_log.h"
#include "pmu.h"

#ifndef CLIENT_DEPTH
#define CLIENT_DEPTH 32u
#endif
#ifndef CLIENT_BLOCKS
#define CLIENT_BLOCKS 4u
#endif
#ifndef CLIENT_PASSES
#define CLIENT_PASSES 2u
#endif
#ifndef INJECT_SEED
#define INJECT_SEED 1
#endif
#ifndef CRASH_PERIOD_MS
#define CRASH_PERIOD_MS 0
#endif
/* The overhead experiment: run passes until this much virtual time (instructions: pmu.h) has passed. */
#ifndef CLIENT_RUN_MS
#define CLIENT_RUN_MS 0
#endif

#define VIRT_CHANNEL CLIENT_CH_BLK_VIRT
#define LOG_CHANNEL CLIENT_CH_LOGGER
#define MONITOR_CHANNEL CLIENT_CH_MONITOR
#define PERIOD_CHANNEL CLIENT_CH_MONITOR_PERIOD

/* The overhead experiment's crash period and run length in instructions (one a nanosecond of virtual time:
 * pmu.h); variables, not macros, in comparisons (they may be 0). */
#define CRASH_PERIOD_INSTRUCTIONS ((uint64_t)CRASH_PERIOD_MS * 1000000u)
static const uint64_t run_instructions = (uint64_t)CLIENT_RUN_MS * 1000000u; /* no crash asked for after it */

/* Errors and mismatches are each reported this many times, then only counted. */
#define REPORT_MAX 8u

#define WORDS_PER_BLOCK (BLK_TRANSFER_SIZE / sizeof(uint64_t))

_Static_assert(CLIENT_DEPTH >= 1 && CLIENT_DEPTH <= 256 && (CLIENT_DEPTH & (CLIENT_DEPTH - 1)) == 0,
               "CLIENT_DEPTH: a power of two, 1..256");
_Static_assert(CLIENT_BLOCKS >= 1 && (uint64_t)CLIENT_DEPTH * CLIENT_BLOCKS * BLK_TRANSFER_SIZE <=
                                         CLIENT_MAP_BLK_CLIENT_DATA_SIZE,
               "CLIENT_DEPTH requests of CLIENT_BLOCKS blocks do not fit the data region");
_Static_assert(CLIENT_DEPTH <= BLK_QUEUE_CAPACITY, "more requests in flight than the queues hold");

__attribute__((section(".blk_client_config"))) blk_client_config_t config;
uintptr_t log_ring, log_ring_size;
uintptr_t campaign_page;

typedef struct {
    bool busy;
    uint32_t generation; /* the id's upper bits: a completion for an earlier use of the slot is not this one's */
    uint32_t code;
    uint64_t block;
    uint16_t count;
} slot_t;

static blk_queue_handle_t queue;
static slot_t slots[CLIENT_DEPTH];
static uint32_t busy;
static bool started, finished;
static uint64_t blocks;        /* the partition's size */
static uint32_t pass;          /* 0-based */
static bool reading;           /* the pass's second half */
static uint64_t next_block;    /* the next block to ask for in this half */
static uint64_t done_blocks;   /* blocks completed in this half */
static uint64_t start_ticks, pass_ticks;
static uint32_t pmu_last;          /* the 32-bit counter at the last reading */
static uint64_t instructions;      /* since the start, all PDs and the kernel (pmu.h) */
static uint64_t pass_instructions; /* at the start of the pass */
static uint32_t pmu_user_last;
static uint64_t user_instructions; /* the same, at EL0 only */
static uint64_t pass_user_instructions;
static uint64_t next_period;       /* CRASH_PERIOD_MS: when to ask for the next crash */

static struct {
    uint64_t requests, verified, mismatches, errors, unexpected, bytes;
} stats;

/* Add what the counter counted since the last reading (every completion reads it: far more often than the 4e9
 * instructions it takes to wrap). In the overhead experiment, ask the monitor for a crash each period. */
static void count_instructions(void)
{
    uint32_t now = pmu_read();
    instructions += (uint32_t)(now - pmu_last);
    pmu_last = now;
    uint32_t user = pmu_read_user();
    user_instructions += (uint32_t)(user - pmu_user_last);
    pmu_user_last = user;
    if (CRASH_PERIOD_MS > 0 && PMU_AVAILABLE && instructions >= next_period && next_period < run_instructions) {
        next_period += CRASH_PERIOD_INSTRUCTIONS;
        microkit_notify(PERIOD_CHANNEL);
    }
}

static uint32_t request_id(uint32_t slot)
{
    return slot | (slots[slot].generation << 8);
}

static uint8_t *buffer(uint32_t slot)
{
    return (uint8_t *)config.data.vaddr + (uintptr_t)slot * CLIENT_BLOCKS * BLK_TRANSFER_SIZE;
}

/* The block's content in a pass: a 64-bit LCG seeded by (seed, pass, block). */
static uint64_t pattern_seed(uint32_t p, uint64_t block)
{
    return inject_draw(INJECT_SEED, ((uint64_t)p << 40) ^ block, 7) | 1;
}

static void fill(uint64_t *words, uint32_t p, uint64_t block)
{
    uint64_t x = pattern_seed(p, block);
    for (uint32_t i = 0; i < WORDS_PER_BLOCK; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        words[i] = x;
    }
}

static bool matches(const uint64_t *words, uint32_t p, uint64_t block)
{
    uint64_t x = pattern_seed(p, block);
    uint64_t differ = 0;
    for (uint32_t i = 0; i < WORDS_PER_BLOCK; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        differ |= words[i] ^ x;
    }
    return differ == 0;
}

static void issue(void)
{
    bool kick = false;
    for (uint32_t s = 0; s < CLIENT_DEPTH && next_block < blocks && !blk_queue_full_req(&queue); s++) {
        slot_t *slot = &slots[s];
        if (slot->busy) {
            continue;
        }
        uint64_t left = blocks - next_block;
        slot->busy = true;
        slot->generation++;
        slot->code = reading ? BLK_REQ_READ : BLK_REQ_WRITE;
        slot->block = next_block;
        slot->count = (uint16_t)(left < CLIENT_BLOCKS ? left : CLIENT_BLOCKS);
        if (!reading) {
            for (uint32_t b = 0; b < slot->count; b++) {
                fill((uint64_t *)(buffer(s) + (uintptr_t)b * BLK_TRANSFER_SIZE), pass, slot->block + b);
            }
        }
        blk_enqueue_req(&queue, (blk_req_code_t)slot->code, (uintptr_t)s * CLIENT_BLOCKS * BLK_TRANSFER_SIZE,
                        slot->block, slot->count, request_id(s));
        next_block += slot->count;
        busy++;
        stats.requests++;
        kick = true;
    }
    if (kick) {
        microkit_notify(VIRT_CHANNEL);
    }
}

static void finish(void)
{
    count_instructions();
    finished = true;
    uint64_t ticks = sel4ft_os_ticks() - start_ticks;
    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "client_done");
    sel4ft_logfmt_u64(&line, "passes", pass);
    sel4ft_logfmt_u64(&line, "blocks", blocks);
    sel4ft_logfmt_u64(&line, "verified", stats.verified);
    /* Every block of every pass read back as written: nothing lost, nothing stale. */
    sel4ft_logfmt_u64(&line, "unverified", (uint64_t)pass * blocks - stats.verified);
    sel4ft_logfmt_u64(&line, "mismatches", stats.mismatches);
    sel4ft_logfmt_u64(&line, "errors", stats.errors);
    sel4ft_logfmt_u64(&line, "unexpected", stats.unexpected);
    sel4ft_logfmt_u64(&line, "requests", stats.requests);
    sel4ft_logfmt_u64(&line, "bytes", stats.bytes);
    sel4ft_logfmt_u64(&line, "ticks", ticks);
    sel4ft_logfmt_u64(&line, "instructions", instructions);
    sel4ft_logfmt_u64(&line, "user_instructions", user_instructions);
    bool clean = stats.mismatches == 0 && stats.errors == 0 && stats.unexpected == 0 &&
                 stats.verified == (uint64_t)pass * blocks;
    sel4ft_log_event(clean ? SEL4FT_LOG_INFO : SEL4FT_LOG_ERROR, &line);
    microkit_notify(MONITOR_CHANNEL);
}

static bool injections_over(void)
{
    const blk_campaign_page_t *page = (const blk_campaign_page_t *)campaign_page;
    return page == NULL || __atomic_load_n(&page->over, __ATOMIC_ACQUIRE) != 0;
}

/* The half of a pass is complete: on to the next half, or the next pass, or the end. */
static void advance(void)
{
    next_block = 0;
    done_blocks = 0;
    if (!reading) {
        reading = true;
        return;
    }
    reading = false;
    pass++;
    uint64_t now = sel4ft_os_ticks();
    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "pass");
    sel4ft_logfmt_u64(&line, "n", pass);
    sel4ft_logfmt_u64(&line, "verified", stats.verified);
    sel4ft_logfmt_u64(&line, "mismatches", stats.mismatches);
    sel4ft_logfmt_u64(&line, "errors", stats.errors);
    sel4ft_logfmt_u64(&line, "ticks", now - pass_ticks);
    sel4ft_logfmt_u64(&line, "instructions", instructions - pass_instructions);
    sel4ft_logfmt_u64(&line, "user_instructions", user_instructions - pass_user_instructions);
    sel4ft_log_event(SEL4FT_LOG_INFO, &line);
    pass_ticks = now;
    pass_instructions = instructions;
    pass_user_instructions = user_instructions;
    if (pass >= CLIENT_PASSES && injections_over() && instructions >= run_instructions) {
        finish();
    }
}

static void complete(void)
{
    while (!blk_queue_empty_resp(&queue)) {
        blk_resp_status_t status;
        uint16_t count;
        uint32_t id;
        blk_dequeue_resp(&queue, &status, &count, &id);
        uint32_t s = id & 0xffu;
        slot_t *slot = &slots[s < CLIENT_DEPTH ? s : 0];
        if (s >= CLIENT_DEPTH || !slot->busy || request_id(s) != id) {
            if (stats.unexpected++ < REPORT_MAX) {
                LOG_ERROR("a completion for no request of mine: id 0x%x", id);
            }
            continue;
        }
        slot->busy = false;
        busy--;
        done_blocks += slot->count;
        if (status != BLK_RESP_OK || count != slot->count) {
            if (stats.errors++ < REPORT_MAX) {
                LOG_ERROR("%s of blocks %lu..%lu: status %u, %u of %u blocks", reading ? "read" : "write",
                          (unsigned long)slot->block, (unsigned long)(slot->block + slot->count - 1), status,
                          count, slot->count);
            }
            continue;
        }
        stats.bytes += (uint64_t)slot->count * BLK_TRANSFER_SIZE;
        if (slot->code == BLK_REQ_READ) {
            for (uint32_t b = 0; b < slot->count; b++) {
                if (matches((const uint64_t *)(buffer(s) + (uintptr_t)b * BLK_TRANSFER_SIZE), pass, slot->block + b)) {
                    stats.verified++;
                } else if (stats.mismatches++ < REPORT_MAX) {
                    LOG_ERROR("pass %u: block %lu does not hold what was written", pass + 1,
                              (unsigned long)(slot->block + b));
                }
            }
        }
    }
    if (done_blocks >= blocks && busy == 0) {
        advance();
    }
}

static void start(void)
{
    blk_storage_info_t *info = config.virt.storage_info.vaddr;
    if (started || !blk_storage_is_ready(info)) {
        return;
    }
    started = true;
    blocks = info->capacity;
    pmu_start();
    pmu_last = pmu_read();
    pmu_user_last = pmu_read_user();
    next_period = CRASH_PERIOD_INSTRUCTIONS;
    start_ticks = pass_ticks = sel4ft_os_ticks();
    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "client_start");
    sel4ft_logfmt_u64(&line, "blocks", blocks);
    sel4ft_logfmt_u64(&line, "depth", CLIENT_DEPTH);
    sel4ft_logfmt_u64(&line, "blocks_per_request", CLIENT_BLOCKS);
    sel4ft_logfmt_u64(&line, "passes", CLIENT_PASSES);
    sel4ft_logfmt_u64(&line, "crash_period_ms", CRASH_PERIOD_MS);
    sel4ft_logfmt_u64(&line, "run_ms", CLIENT_RUN_MS);
    sel4ft_logfmt_str(&line, "instruction_counter", PMU_AVAILABLE ? "pmu" : "none");
    sel4ft_log_event(SEL4FT_LOG_INFO, &line);
    issue();
}

void init(void)
{
    example_log_init(log_ring, log_ring_size, LOG_CHANNEL);
    if (!blk_config_check_magic(&config) || config.virt.num_buffers < CLIENT_DEPTH) {
        LOG_ERROR("bad configuration blob (.blk_client_config)");
        __builtin_trap();
    }
    blk_queue_init(&queue, config.virt.req_queue.vaddr, config.virt.resp_queue.vaddr, config.virt.num_buffers);
    /* The virtualiser notifies once the partition is ready (it reads the partition table first). */
    start();
}

void notified(microkit_channel ch)
{
    if (ch != VIRT_CHANNEL) {
        LOG_WARN("unexpected notification on channel %u", ch);
        return;
    }
    if (!started) {
        start();
        return;
    }
    if (finished) {
        return;
    }
    count_instructions();
    complete();
    if (!finished) {
        issue();
    }
}
