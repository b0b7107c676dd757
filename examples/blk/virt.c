/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* sel4ft's block virtualiser: sDDF's block queue protocol (sddf/blk/queue.h) to its clients and to the driver,
 * like sDDF's blk/components/virt.c, and restart-aware:
 * - it keeps a shadow of every request it hands the driver (sel4ft/inflight.h), keyed by the id it gives the
 *   driver, so a completion with an id it did not hand out, or one that comes twice, is dropped, never passed on;
 * - when the driver's shim announces a new incarnation (sel4ft/driver.h), it owns the driver's queues: it takes
 *   the completions the old incarnation published, empties both queues, hands every request still in the shadow
 *   to the new incarnation under a new id, and only then admits it.
 * The client sees none of it: each of its requests completes once. */

#include <microkit.h>

#include <sddf/blk/config.h>
#include <sddf/blk/msdos_mbr.h>
#include <sddf/blk/queue.h>
#include <sddf/blk/storage_info.h>
#include <sddf/util/cache.h>

#include <sel4ft/sel4ft.h>

#include "blk_config.h"
#include "blk_layout.h"
#include "example_log.h"

/* Channels (blk.system). The monitor's comes first: when it and the driver's new incarnation notify at once,
 * libmicrokit hands over the lower channel first, and the failure reads better before the recovery. */
#define MONITOR_CHANNEL BLK_VIRT_CH_MONITOR
#define LOG_CHANNEL BLK_VIRT_CH_LOGGER

/* libmicrokit 2.0.1's capability slot of the PD's address space (as sDDF's virtualiser uses it). */
#define VSPACE_CAP 3

#define MAX_CLIENTS 4u
#define SLOTS BLK_QUEUE_CAPACITY
/* The virtualiser's own read of the partition table, in place of a client index. */
#define OWN_READ UINT32_MAX
/* Blocks of the transfer size per 512-byte sector. */
#define SECTORS_PER_BLOCK (BLK_TRANSFER_SIZE / MSDOS_MBR_SECTOR_SIZE)

_Static_assert((SLOTS & (SLOTS - 1)) == 0, "the shadow table's capacity must be a power of two");

__attribute__((section(".blk_virt_config"))) blk_virt_config_t config;
uintptr_t log_ring, log_ring_size;
uintptr_t supervision_page;

/* A request handed (or to be handed) to the driver. */
typedef struct {
    uint32_t client;      /* index into clients, or OWN_READ */
    uint32_t client_id;   /* the id the client gave it */
    uint32_t code;        /* blk_req_code_t */
    uint16_t count;       /* blocks */
    uint64_t block;       /* the device's block number */
    uintptr_t io_addr;    /* the buffer as the device sees it */
    uintptr_t vaddr;      /* the buffer here (cache maintenance) */
    uint32_t submissions; /* incarnations of the driver it was handed to */
} request_t;

typedef struct {
    blk_queue_handle_t queue;
    uint64_t first_block; /* its partition, in blocks of the transfer size */
    uint64_t blocks;
} client_t;

static sel4ft_driver_handshake_t *const handshake =
    (sel4ft_driver_handshake_t *)(uintptr_t)BLK_VIRT_MAP_BLK_HANDSHAKE_VADDR;

static blk_queue_handle_t driver;
static client_t clients[MAX_CLIENTS];
static uint32_t client_count;
static sel4ft_inflight_t inflight;
static sel4ft_inflight_slot_t slots[SLOTS];
static request_t requests[SLOTS];
static uint64_t admitted;     /* the driver incarnation that has the queues (0: none yet) */
static bool partitions_ready; /* the partition table is read: clients are served */
static bool given_up;         /* the monitor gave up on the driver: every request fails with "no device" */

static struct {
    uint64_t submitted;   /* requests taken from clients */
    uint64_t completed;   /* completions passed to clients */
    uint64_t resubmitted; /* requests handed to a driver incarnation again */
    uint64_t restarts;    /* driver incarnations admitted after the first */
    uint64_t bad_status;  /* completions with a status sDDF does not define (passed on as unspecified errors) */
    uint64_t bad_indices; /* times the driver published more completions than its queue holds (skipped) */
} stats;

static void log_event_line(uint32_t level, sel4ft_logfmt_t *line)
{
    sel4ft_log_event(level, line);
}

static bool driver_admitted(void)
{
    return admitted != 0;
}

/* Hand a request to the driver under @p id. The queue cannot be full: it holds at most what the shadow does. */
static void enqueue(uint32_t slot, uint32_t id)
{
    const request_t *r = &requests[slot];
    if (blk_enqueue_req(&driver, (blk_req_code_t)r->code, r->io_addr, r->block, r->count, id) != 0) {
        LOG_ERROR("driver queue full with %u requests in flight: the queue is smaller than the shadow", inflight.count);
    }
}

/* Add a request to the shadow and, if a driver has the queues, hand it over. Returns false when the shadow is
 * full. */
static bool submit(const request_t *request)
{
    uint32_t slot, id;
    if (sel4ft_inflight_add(&inflight, &slot, &id) != 0) {
        return false;
    }
    requests[slot] = *request;
    requests[slot].submissions = 0;
    if (driver_admitted()) {
        requests[slot].submissions = 1;
        enqueue(slot, id);
    }
    return true;
}

static void respond(uint32_t client, uint32_t status, uint16_t count, uint32_t client_id, uint64_t *notify)
{
    if (blk_enqueue_resp(&clients[client].queue, (blk_resp_status_t)status, count, client_id) != 0) {
        LOG_ERROR("client %u response queue full", client);
        return;
    }
    *notify |= 1ull << client;
}

static void notify_clients(uint64_t notify)
{
    for (uint32_t i = 0; i < client_count; i++) {
        if (notify & (1ull << i)) {
            microkit_notify(config.clients[i].conn.id);
        }
    }
}

static void partitions_init(const struct msdos_mbr *mbr, uint64_t *notify)
{
    if (mbr->signature != MSDOS_MBR_SIGNATURE) {
        LOG_ERROR("no MS-DOS partition table on the disk (signature 0x%x)", mbr->signature);
        return;
    }
    for (uint32_t i = 0; i < client_count; i++) {
        uint32_t p = config.clients[i].partition;
        if (p >= MSDOS_MBR_MAX_PRIMARY_PARTITIONS || mbr->partitions[p].type == MSDOS_MBR_PARTITION_TYPE_EMPTY ||
            mbr->partitions[p].lba_start % SECTORS_PER_BLOCK != 0) {
            LOG_ERROR("client %u: partition %u is missing or not aligned to %u sectors", i, p, SECTORS_PER_BLOCK);
            return;
        }
        clients[i].first_block = mbr->partitions[p].lba_start / SECTORS_PER_BLOCK;
        clients[i].blocks = mbr->partitions[p].sectors / SECTORS_PER_BLOCK;
        blk_storage_info_t *info = config.clients[i].conn.storage_info.vaddr;
        blk_storage_info_t *device = config.driver.conn.storage_info.vaddr;
        info->sector_size = device->sector_size;
        info->block_size = 1;
        info->capacity = clients[i].blocks;
        info->read_only = false;
        __atomic_store_n(&info->ready, true, __ATOMIC_RELEASE);
        *notify |= 1ull << i; /* it waits for this */

        char text[SEL4FT_LOGRING_TEXT_MAX + 1];
        sel4ft_logfmt_t line;
        sel4ft_logfmt_begin(&line, text, sizeof(text), "virt_ready");
        sel4ft_logfmt_u64(&line, "client", i);
        sel4ft_logfmt_u64(&line, "partition", p);
        sel4ft_logfmt_u64(&line, "first_block", clients[i].first_block);
        sel4ft_logfmt_u64(&line, "blocks", clients[i].blocks);
        log_event_line(SEL4FT_LOG_INFO, &line);
    }
    partitions_ready = true;
}

/* Take every completion the driver published. Each must carry the current id of a request in the shadow: any
 * other (a completion repeated, or from an incarnation that no longer has the request) is dropped. */
static uint32_t take_completions(uint64_t *notify)
{
    uint32_t taken = 0;
    /* The tail is the driver's: one that claims more completions than the queue holds is impossible. Skip to it
     * (the requests stay in the shadow, for the next incarnation), rather than read the queue round and round. */
    blk_resp_queue_t *sq = driver.resp_queue;
    uint32_t tail = __atomic_load_n(&sq->tail, __ATOMIC_ACQUIRE);
    if (tail - sq->head > driver.capacity) {
        if (stats.bad_indices++ == 0) {
            LOG_ERROR("the driver's response queue claims %u completions in a queue of %u: skipped",
                      tail - sq->head, driver.capacity);
        }
        sq->head = tail;
        return 0;
    }
    while (!blk_queue_empty_resp(&driver)) {
        blk_resp_status_t status;
        uint16_t success_count;
        uint32_t id, slot;
        blk_dequeue_resp(&driver, &status, &success_count, &id);
        if (sel4ft_inflight_remove(&inflight, id, &slot) != 0) {
            continue; /* counted in inflight.refused */
        }
        taken++;
        const request_t *r = &requests[slot];
        uint32_t checked = (uint32_t)status;
        if (checked > BLK_RESP_ERR_NO_DEVICE) {
            stats.bad_status++;
            checked = BLK_RESP_ERR_UNSPEC;
        }
        uint16_t count = success_count <= r->count ? success_count : r->count;
        if (r->code == BLK_REQ_READ && checked == BLK_RESP_OK) {
            /* The device wrote memory behind the cache's back (sDDF's virtualiser does the same). */
            seL4_ARM_VSpace_Invalidate_Data(VSPACE_CAP, r->vaddr, r->vaddr + (uintptr_t)BLK_TRANSFER_SIZE * r->count);
        }
        if (r->client == OWN_READ) {
            if (checked == BLK_RESP_OK) {
                partitions_init((const struct msdos_mbr *)r->vaddr, notify);
            } else {
                LOG_ERROR("reading the partition table failed: status %u", checked);
            }
            continue;
        }
        stats.completed++;
        respond(r->client, checked, count, r->client_id, notify);
    }
    return taken;
}

/* Validate a client's request as sDDF's virtualiser does; the status to answer it with at once, or BLK_RESP_OK
 * when it goes to the driver. */
static uint32_t check_request(uint32_t c, uint32_t code, uintptr_t offset, uint64_t block, uint16_t count)
{
    const blk_virt_config_client_t *cc = &config.clients[c];
    if (given_up) {
        return BLK_RESP_ERR_NO_DEVICE;
    }
    switch (code) {
    case BLK_REQ_READ:
    case BLK_REQ_WRITE:
        if (count == 0 || block >= clients[c].blocks || count > clients[c].blocks - block) {
            return BLK_RESP_ERR_INVALID_PARAM;
        }
        if (offset >= cc->data.region.size || (uint64_t)BLK_TRANSFER_SIZE * count > cc->data.region.size - offset ||
            offset % BLK_TRANSFER_SIZE != 0) {
            return BLK_RESP_ERR_INVALID_PARAM;
        }
        return BLK_RESP_OK;
    case BLK_REQ_FLUSH:
    case BLK_REQ_BARRIER:
        return BLK_RESP_OK;
    default:
        return BLK_RESP_ERR_INVALID_PARAM;
    }
}

/* Take what the clients queued, as long as the shadow has room. */
static void handle_clients(void)
{
    if (!partitions_ready && !given_up) {
        return;
    }
    bool kick = false;
    uint64_t notify = 0;
    for (uint32_t c = 0; c < client_count; c++) {
        blk_queue_handle_t *h = &clients[c].queue;
        /* At most a queue's worth a call: a client's tail is not trusted to be possible. */
        for (uint32_t taken = 0; taken < h->capacity && !blk_queue_empty_req(h) && inflight.count < inflight.capacity;
             taken++) {
            blk_req_code_t code;
            uintptr_t offset;
            uint64_t block;
            uint16_t count;
            uint32_t client_id;
            blk_dequeue_req(h, &code, &offset, &block, &count, &client_id);
            uint32_t status = check_request(c, (uint32_t)code, offset, block, count);
            if (status != BLK_RESP_OK) {
                respond(c, status, 0, client_id, &notify);
                continue;
            }
            const blk_virt_config_client_t *cc = &config.clients[c];
            request_t r = {
                .client = c,
                .client_id = client_id,
                .code = (uint32_t)code,
                .count = count,
                .block = clients[c].first_block + block,
                .io_addr = cc->data.io_addr + offset,
                .vaddr = (uintptr_t)cc->data.region.vaddr + offset,
            };
            if (code == BLK_REQ_WRITE) {
                cache_clean(r.vaddr, r.vaddr + (uintptr_t)BLK_TRANSFER_SIZE * count);
            }
            submit(&r); /* cannot fail: the loop checked for room */
            stats.submitted++;
            kick = true;
        }
    }
    notify_clients(notify);
    if (kick && driver_admitted()) {
        microkit_notify(config.driver.conn.id);
    }
}

/* A new driver incarnation waits: the queues are this side's until it is admitted (sel4ft/driver.h). */
static void admit(uint64_t incarnation)
{
    uint64_t notify = 0;
    /* First what the old incarnation finished and published: those requests are done, not handed over again. */
    uint32_t taken = take_completions(&notify);
    notify_clients(notify);

    /* How far the old incarnation got: requests it had taken from the queue (head) are in the device or lost
     * with it; the rest it never saw. Its index is untrusted: for the log only. */
    blk_req_queue_t *rq = driver.req_queue;
    blk_resp_queue_t *sq = driver.resp_queue;
    uint32_t waiting = rq->tail - __atomic_load_n(&rq->head, __ATOMIC_RELAXED);
    uint32_t in_flight = inflight.count;
    uint32_t held = waiting <= in_flight ? in_flight - waiting : in_flight;

    /* Both queues empty, from the start. The driver's shim holds the new incarnation off them until admitted. */
    rq->head = 0;
    rq->tail = 0;
    rq->plugged = false;
    sq->head = 0;
    sq->tail = 0;

    uint32_t again = 0;
    for (uint32_t slot = sel4ft_inflight_first(&inflight); slot != SEL4FT_INFLIGHT_NONE;
         slot = sel4ft_inflight_next(&inflight, slot)) {
        uint32_t id;
        sel4ft_inflight_reissue(&inflight, slot, &id);
        if (requests[slot].submissions++ > 0) {
            again++;
        }
        enqueue(slot, id);
    }
    if (admitted != 0) {
        stats.restarts++;
    }
    stats.resubmitted += again;
    admitted = incarnation;
    sel4ft_driver_admit(handshake, incarnation);
    microkit_notify(config.driver.conn.id);

    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "driver_handover");
    sel4ft_logfmt_u64(&line, "incarnation", incarnation);
    sel4ft_logfmt_u64(&line, "completed_before", taken);
    sel4ft_logfmt_u64(&line, "in_flight", in_flight);
    sel4ft_logfmt_u64(&line, "held_by_driver", held);
    sel4ft_logfmt_u64(&line, "resubmitted", again);
    sel4ft_logfmt_u64(&line, "dropped_completions", inflight.refused);
    sel4ft_logfmt_u64(&line, "total_resubmitted", stats.resubmitted);
    log_event_line(incarnation > 1 ? SEL4FT_LOG_WARN : SEL4FT_LOG_INFO, &line);
}

static void check_driver(void)
{
    uint64_t incarnation;
    if (sel4ft_driver_pending(handshake, &incarnation)) {
        admit(incarnation);
    }
}

/* The monitor gave up on the driver (its restart policy's budget is spent): answer every request it held with
 * "no device", and every later one too, rather than keep the clients waiting for ever. */
static void driver_given_up(void)
{
    given_up = true;
    uint64_t notify = 0;
    uint32_t failed = 0;
    uint32_t slot = sel4ft_inflight_first(&inflight);
    while (slot != SEL4FT_INFLIGHT_NONE) {
        uint32_t next = sel4ft_inflight_next(&inflight, slot), removed;
        sel4ft_inflight_remove(&inflight, sel4ft_inflight_id(&inflight, slot), &removed);
        if (requests[slot].client != OWN_READ) {
            respond(requests[slot].client, BLK_RESP_ERR_NO_DEVICE, 0, requests[slot].client_id, &notify);
            failed++;
        }
        slot = next;
    }
    for (uint32_t i = 0; i < client_count; i++) {
        notify |= 1ull << i; /* also for a client that still waits for its partition */
    }
    notify_clients(notify);

    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "driver_given_up");
    sel4ft_logfmt_u64(&line, "incarnation", admitted);
    sel4ft_logfmt_u64(&line, "failed_requests", failed);
    log_event_line(SEL4FT_LOG_ERROR, &line);
    handle_clients();
}

void init(void)
{
    example_log_init(log_ring, log_ring_size, LOG_CHANNEL);
    if (!blk_config_check_magic(&config) || config.num_clients == 0 || config.num_clients > MAX_CLIENTS ||
        config.driver.conn.num_buffers < SLOTS || config.driver.data.region.size < BLK_TRANSFER_SIZE) {
        LOG_ERROR("bad configuration blob (.blk_virt_config): magic, %lu clients, %u driver buffers",
                  (unsigned long)config.num_clients, config.driver.conn.num_buffers);
        __builtin_trap();
    }
    client_count = (uint32_t)config.num_clients;
    for (uint32_t i = 0; i < client_count; i++) {
        const blk_connection_resource_t *conn = &config.clients[i].conn;
        blk_queue_init(&clients[i].queue, conn->req_queue.vaddr, conn->resp_queue.vaddr, conn->num_buffers);
    }
    blk_queue_init(&driver, config.driver.conn.req_queue.vaddr, config.driver.conn.resp_queue.vaddr, SLOTS);
    sel4ft_inflight_init(&inflight, slots, SLOTS);

    /* The partition table first: the driver's first incarnation gets it when it is admitted. */
    request_t mbr = {
        .client = OWN_READ,
        .code = BLK_REQ_READ,
        .count = 1,
        .block = 0,
        .io_addr = config.driver.data.io_addr,
        .vaddr = (uintptr_t)config.driver.data.region.vaddr,
    };
    submit(&mbr);
    check_driver();
}

void notified(microkit_channel ch)
{
    if (ch == MONITOR_CHANNEL) {
        /* The driver failed, or was restarted or given up on: until a new incarnation announces itself, the
         * shadow keeps every request, and new ones wait there. */
        char text[SEL4FT_LOGRING_TEXT_MAX + 1];
        sel4ft_logfmt_t line;
        sel4ft_logfmt_begin(&line, text, sizeof(text), "driver_down");
        sel4ft_logfmt_u64(&line, "incarnation", admitted);
        sel4ft_logfmt_u64(&line, "in_flight", inflight.count);
        log_event_line(SEL4FT_LOG_WARN, &line);
        const blk_supervision_t *s = (const blk_supervision_t *)supervision_page;
        if (s != NULL && !given_up && __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == SEL4FT_FAULTMON_STOPPED) {
            driver_given_up();
            return;
        }
        check_driver();
        return;
    }
    if (ch == config.driver.conn.id) {
        check_driver();
        uint64_t notify = 0;
        take_completions(&notify);
        notify_clients(notify);
        handle_clients();
        return;
    }
    for (uint32_t i = 0; i < client_count; i++) {
        if (ch == config.clients[i].conn.id) {
            handle_clients();
            return;
        }
    }
    LOG_WARN("unexpected notification on channel %u", ch);
}
