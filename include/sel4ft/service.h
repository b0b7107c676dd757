/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4ft/checkpoint.h>
#include <sel4ft/os.h>
#include <sel4ft/rpc.h>

/**
 * @defgroup service Durable service
 * @brief A restartable server whose updates are applied exactly once: one call in `init()`, one line in
 *        `protected()`.
 *
 * The service declares its state (its size and initial value), an @c apply
 * callback for updates and a @c read callback for queries. The layer does the
 * rest, in the order that makes it correct:
 *
 * - at every start, the clean restart (sel4ft_restart_begin(): `.data` and
 *   `.bss` as at first start; a snapshot region too small is reported with the
 *   size it must have), then the PD's log (@ref log);
 * - the newest valid checkpoint is loaded (a rejected slot is reported, with
 *   why), or the initial state on a first start;
 * - every update is checked against the client's last applied request
 *   (request id and digest, sel4ft_dedup_verdict()): a retry of an applied
 *   update is answered from its record and not applied again, a reused id for
 *   another request and an id older than the last are refused;
 * - a new update is applied (@c apply builds its reply once, straight into
 *   its de-duplication record), recorded, and committed to the checkpoint
 *   together with the state before the reply goes out;
 * - after a restart, the call the crash interrupted is answered with
 *   SEL4FT_RPC_PEER_RESTARTED (the client retries under the same id), and the
 *   monitor is told that the service serves (again).
 *
 * The de-duplication table has one entry per client, as many as the service
 * has (not indexed by channel, not limited to a fixed number), each holding the
 * client's last applied request and its reply of up to @c reply_max bytes.
 * Everything read from a request region is copied out before it is parsed
 * (@ref rpc); nothing is ever read back from it.
 *
 * What @c apply must do: validate the request; if it cannot be applied, return
 * an error status *without changing the state* (such a request is not recorded:
 * a retry is judged afresh, and a garbage request id never becomes a client's
 * last one); otherwise change the state, write the reply into
 * @c response->payload and return SEL4FT_RPC_OK. Queries (the opcodes in
 * @c queries) go to @c read, which must not change the state and writes its
 * reply straight into the request region.
 *
 * The system description gives the server a snapshot region, a checkpoint
 * region, a log ring, one request region per client and a channel to its
 * monitor, with the setvar names doc/service.md's template uses; sel4ft-sdf
 * checks them (snapshot size against the image, regions shared as the
 * protocols expect) and its header names the channels.
 * @{
 */

/** A memory region as the system description maps it: its address and size (from setvar_vaddr/setvar_size). */
typedef struct sel4ft_region {
    void *base;  /**< The region (NULL: none). */
    size_t size; /**< Its size in bytes. */
} sel4ft_region_t;

/** One client of a service: the channel it calls on and its request region. */
typedef struct sel4ft_service_client {
    sel4ft_channel_t channel; /**< Its PPC channel (the id in the server's end of the channel). */
    sel4ft_region_t region;   /**< Its request region. */
} sel4ft_service_client_t;

/**
 * An update (@c apply) or a query (@c read) of the service.
 * @param state The service's state (sel4ft_service_config_t.state_size bytes, 8-byte aligned).
 * @param request The request, its payload a private copy.
 * @param response Where the reply goes: @c payload, @c capacity bytes; set @c length.
 * @return SEL4FT_RPC_OK, or a status that says why nothing was done (an update must then leave the state as it was).
 */
typedef uint32_t (*sel4ft_service_fn_t)(void *state, const sel4ft_rpc_request_t *request,
                                        sel4ft_rpc_response_t *response);

/** Points of an update at which sel4ft_service_config_t.at is called (where a fault-injection test strikes). */
typedef enum {
    SEL4FT_SERVICE_BEFORE_APPLY = 0, /**< A new update: nothing changed yet. */
    SEL4FT_SERVICE_BEFORE_COMMIT,    /**< Applied and recorded in memory, the reply written; not yet committed. */
    SEL4FT_SERVICE_BEFORE_REPLY,     /**< Committed to the checkpoint; the reply not yet sent. */
    SEL4FT_SERVICE_POINT_NUM
} sel4ft_service_point_t;

struct sel4ft_service;

/** How a durable service is set up. */
typedef struct sel4ft_service_config {
    uint32_t state_size;         /**< The state's size in bytes (> 0). */
    const void *initial_state;   /**< Its value on a first start (NULL: all zero). */
    sel4ft_service_fn_t apply;   /**< Updates: applied exactly once. */
    sel4ft_service_fn_t read;    /**< Queries (NULL: none): never change the state, never recorded. */
    uint64_t queries;            /**< Bit n set: opcode n is a query (opcodes 0..63); every other opcode is an
                                      update. */
    uint32_t reply_max;          /**< The longest reply an update gives (recorded for replays), in bytes. */
    const sel4ft_service_client_t *clients; /**< The clients, 1..SEL4FT_OS_MAX_CHANNEL + 1 of them (read during
                                                 sel4ft_service_start() only). */
    uint32_t client_count;       /**< How many. */
    sel4ft_region_t snapshot;    /**< The snapshot region (setvar `snapshot_region`); base NULL: not restartable. */
    sel4ft_region_t checkpoint;  /**< The checkpoint region (setvar `checkpoint_region`). */
    sel4ft_region_t log;         /**< The log ring (setvar `log_ring`); base NULL: log to the console. */
    sel4ft_channel_t log_channel;     /**< The channel to the logger. */
    sel4ft_channel_t monitor_channel; /**< The channel on which the monitor is told the service serves (again). */
    void *memory;                /**< Working memory: SEL4FT_SERVICE_MEMORY_SIZE() bytes, 8-byte aligned, private. */
    size_t memory_size;          /**< Its size. */
    /** Optional: called at each point of every new update; may fault (a fault-injection test's hook). */
    void (*at)(struct sel4ft_service *service, sel4ft_service_point_t point);
} sel4ft_service_config_t;

/** A client's de-duplication record in the checkpointed block. Fixed-width fields only. */
typedef struct sel4ft_service_record {
    uint64_t request_id; /**< The client's last applied update (0: none yet). */
    uint64_t digest;     /**< Its sel4ft_dedup_digest(). */
    uint32_t status;     /**< Its reply's status. */
    uint32_t length;     /**< Its reply's length. */
    uint32_t slot;       /**< Which of the client's two reply buffers holds that reply (0 or 1): a new update builds
                              its reply in the other, so one that fails leaves the recorded reply intact. */
    uint32_t reserved;   /**< 0. */
} sel4ft_service_record_t;

_Static_assert(sizeof(sel4ft_service_record_t) == 32, "service record layout (checkpointed)");

/** The checkpointed block's header. */
typedef struct sel4ft_service_block {
    uint32_t magic;        /**< SEL4FT_SERVICE_MAGIC. */
    uint32_t state_size;   /**< As configured: a checkpoint of another layout is not loaded. */
    uint32_t client_count; /**< As configured. */
    uint32_t reply_max;    /**< As configured. */
    uint64_t updates;      /**< Updates applied, across restarts. */
    uint64_t replays;      /**< Retries answered from a record, across restarts. */
} sel4ft_service_block_t;

_Static_assert(sizeof(sel4ft_service_block_t) == 32, "service block header layout (checkpointed)");

/** "S4SV": marks a service's checkpointed block. */
#define SEL4FT_SERVICE_MAGIC 0x56533453u

/** @cond INTERNAL */
#define SEL4FT_SERVICE_ALIGN8_(n) (((size_t)(n) + 7u) & ~(size_t)7u)
/** @endcond */

/** The checkpointed block: its header, the state, and per client a record and two reply buffers. */
#define SEL4FT_SERVICE_BLOCK_SIZE(state_size, clients, reply_max)                                                  \
    (sizeof(sel4ft_service_block_t) + SEL4FT_SERVICE_ALIGN8_(state_size) +                                         \
     (size_t)(clients) * (sizeof(sel4ft_service_record_t) + 2 * SEL4FT_SERVICE_ALIGN8_(reply_max)))

/** The working memory a service needs: the block, and a private buffer for request payloads as large as the
 *  largest request region. */
#define SEL4FT_SERVICE_MEMORY_SIZE(state_size, clients, reply_max, region_size_max)                                \
    (SEL4FT_SERVICE_BLOCK_SIZE(state_size, clients, reply_max) + SEL4FT_SERVICE_ALIGN8_(region_size_max))

/** The smallest checkpoint region for a block: two slots, each a header and the block, in whole 4 KiB pages. */
#define SEL4FT_SERVICE_CHECKPOINT_SIZE(state_size, clients, reply_max)                                             \
    ((2 * (sizeof(sel4ft_checkpoint_header_t) + SEL4FT_SERVICE_BLOCK_SIZE(state_size, clients, reply_max)) +      \
      0xfffu) & ~(size_t)0xfffu)

/** A durable service. */
typedef struct sel4ft_service {
    sel4ft_service_config_t config;  /**< As started (clients: NULL; client_of holds what is needed). */
    sel4ft_rpc_server_t rpc;         /**< The request/reply server. */
    sel4ft_checkpoint_t checkpoint;  /**< The checkpoint store. */
    uint64_t incarnation;            /**< 1 at first start, +1 at every restart (the server's epoch). */
    sel4ft_service_block_t *block;   /**< The checkpointed block, in the working memory. */
    void *state;                     /**< The state, in the block. */
    sel4ft_service_record_t *records;/**< The clients' records, in the block. */
    uint8_t *replies;                /**< Their reply buffers, in the block. */
    size_t block_size;               /**< The block's size. */
    uint64_t stale;                  /**< Requests refused as older than their client's last. */
    uint64_t conflicts;              /**< Requests refused for reusing an id. */
    uint8_t client_of[SEL4FT_OS_MAX_CHANNEL + 1]; /**< Channel -> client index (0xff: none). */
} sel4ft_service_t;

/**
 * @brief Start the service: call it in `init()`, last (after a restart it does not return on Microkit).
 *
 * Restores `.data`/`.bss`, attaches the log, loads the newest valid checkpoint (or the initial state), sets up
 * the request regions, logs `ready` (first start) or `restarted as incarnation N` and notifies the monitor.
 * After a restart it then answers the interrupted call and serves (sel4ft_restart_serve()).
 * Every error is logged with what to change: a snapshot region too small names the size it must have, a
 * checkpoint region or working memory too small the same.
 * @param service The service (static storage).
 * @param config Its configuration (copied; the clients array is read during the call only).
 * @return 0 (first start; on Linux also after a restart); -SEL4FT_EINVAL for a bad configuration; -SEL4FT_ENOSPC
 *         when the working memory or checkpoint region is too small. A snapshot that cannot be restored stops
 *         the PD (it traps, so its monitor restarts or escalates) after logging why.
 */
int sel4ft_service_start(sel4ft_service_t *service, const sel4ft_service_config_t *config);

/**
 * @brief Handle a request: `return sel4ft_service_handle(&service, ch, msginfo);` in `protected()`.
 * @param service The service.
 * @param channel The channel the call came in on.
 * @param message The call's tag.
 * @return The reply tag.
 */
static inline sel4ft_msginfo_t sel4ft_service_handle(sel4ft_service_t *service, sel4ft_channel_t channel,
                                                     sel4ft_msginfo_t message)
{
    return sel4ft_rpc_server_handle(&service->rpc, channel, message);
}

/**
 * @brief Write a reply into a response (for @c apply and @c read).
 * @param response The response.
 * @param data The reply.
 * @param length Its length.
 * @return SEL4FT_RPC_OK, or SEL4FT_RPC_TOO_LARGE (nothing written) when it does not fit.
 */
uint32_t sel4ft_service_reply(sel4ft_rpc_response_t *response, const void *data, uint32_t length);

/**
 * @brief Log the service's summary: `summary: incarnation N, U updates applied, R retries answered from the
 *        record, checkpoint sequence S`.
 * @param service The service.
 */
void sel4ft_service_log_summary(const sel4ft_service_t *service);

/** @} */
