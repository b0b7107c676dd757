/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4ft/os.h>

/**
 * @defgroup rpc Typed request/reply
 * @brief Fixed-format requests and replies in a region shared by one client and one server, carried by a PPC.
 *
 * A client owns one region per server it calls, mapped into that server too.
 * The region holds one message: a 32-byte header followed by the payload. The
 * client writes its request there and makes a protected procedure call with
 * label SEL4FT_RPC_LABEL_REQUEST; the server copies the header and the payload
 * out, validates them, runs its handler, writes the reply into the same region
 * and answers with SEL4FT_RPC_LABEL_REPLY. A request the server cannot even
 * parse, or a channel with no region, is answered with SEL4FT_RPC_LABEL_REJECT
 * and the status in message register 0, leaving the region alone.
 *
 * Every message carries a request id, chosen by the client and echoed by the
 * server, and the server's epoch (its incarnation number): a request that names
 * an epoch other than the server's current one is refused with
 * SEL4FT_RPC_STALE_EPOCH, so a client learns that its server restarted.
 * @{
 */

/** "S4RP": marks a message header. */
#define SEL4FT_RPC_MAGIC 0x50523453u
/** The protocol version in every header. */
#define SEL4FT_RPC_VERSION 1u

/** PPC label of a request. */
#define SEL4FT_RPC_LABEL_REQUEST 0x5f401u
/** PPC label of a reply whose header and payload are in the region. */
#define SEL4FT_RPC_LABEL_REPLY 0x5f402u
/** PPC label of a refusal: MR0 holds the status, MR1 the server's epoch; the region is untouched. */
#define SEL4FT_RPC_LABEL_REJECT 0x5f403u

/**
 * @brief Protocol statuses: what a server says about a request. Separate from library error codes.
 *
 * Statuses below SEL4FT_RPC_STATUS_SERVICE_FIRST are the library's: those
 * below SEL4FT_RPC_STATUS_NUM are defined here, the rest are reserved for
 * later versions (a client refuses a reply that carries one, and a server
 * turns a handler's into SEL4FT_RPC_INTERNAL_ERROR). A service defines its own
 * statuses from SEL4FT_RPC_STATUS_SERVICE_FIRST up, in its protocol header, with
 * its own names for them; they pass through server and client unchanged.
 */
typedef enum {
    SEL4FT_RPC_OK = 0,               /**< Done. */
    SEL4FT_RPC_BAD_MESSAGE,          /**< The request header was malformed (magic, version, length). */
    SEL4FT_RPC_UNKNOWN_OPERATION,    /**< The server does not implement this opcode. */
    SEL4FT_RPC_INVALID_ARGUMENT,     /**< The payload was well formed but its contents were not acceptable. */
    SEL4FT_RPC_NOT_FOUND,            /**< The thing named does not exist. */
    SEL4FT_RPC_NO_SPACE,             /**< The server is out of room. */
    SEL4FT_RPC_TOO_LARGE,            /**< The reply would not fit the region. */
    SEL4FT_RPC_STALE_EPOCH,          /**< The request named an old epoch: the server restarted since. */
    SEL4FT_RPC_PEER_RESTARTED,       /**< The server restarted while the request was in flight. It may or may not
                                          have been applied: retry it under the same id (sel4ft_rpc_retry()). */
    SEL4FT_RPC_NO_REGION,            /**< The server has no region for this channel. */
    SEL4FT_RPC_INTERNAL_ERROR,       /**< The server failed in a way that is not the client's fault. */
    SEL4FT_RPC_STALE_REQUEST,        /**< The request id is older than the last one applied for this client. */
    SEL4FT_RPC_REQUEST_ID_REUSED,    /**< The request id is the last one applied for this client, but the request
                                          is another (another opcode or payload): the client reused an id. Not
                                          applied; the recorded reply belongs to the earlier request. */
    SEL4FT_RPC_STATUS_NUM            /**< Sentinel: the number of statuses the library defines. */
} sel4ft_rpc_status_t;

/** The first status a service may define for itself (its statuses run from here to UINT32_MAX). */
#define SEL4FT_RPC_STATUS_SERVICE_FIRST 0x100u

_Static_assert(SEL4FT_RPC_STATUS_NUM <= SEL4FT_RPC_STATUS_SERVICE_FIRST, "library statuses stay in their range");

/**
 * @brief Whether a status may appear in a reply: one the library defines, or one of a service's own.
 * @param status A status.
 * @return true for 0..SEL4FT_RPC_STATUS_NUM-1 and SEL4FT_RPC_STATUS_SERVICE_FIRST..UINT32_MAX.
 */
static inline bool sel4ft_rpc_status_valid(uint32_t status)
{
    return status < SEL4FT_RPC_STATUS_NUM || status >= SEL4FT_RPC_STATUS_SERVICE_FIRST;
}

/** A message header as it lies in shared memory. Fixed-width fields only. */
typedef struct sel4ft_rpc_header {
    uint32_t magic;      /**< SEL4FT_RPC_MAGIC. */
    uint16_t version;    /**< SEL4FT_RPC_VERSION. */
    uint16_t opcode;     /**< The operation, defined by the service. */
    uint32_t status;     /**< Replies: a sel4ft_rpc_status_t or a service's own status. Requests: 0. */
    uint32_t length;     /**< Payload bytes that follow the header. */
    uint64_t request_id; /**< Chosen by the client, echoed by the server. */
    uint64_t epoch;      /**< Requests: the server epoch the client knows (0: none yet). Replies: the server's epoch. */
} sel4ft_rpc_header_t;

_Static_assert(sizeof(sel4ft_rpc_header_t) == 32, "header size is part of the protocol");
_Static_assert(_Alignof(sel4ft_rpc_header_t) == 8, "header is 8-byte aligned");

/** The smallest region: a header and 32 bytes of payload. */
#define SEL4FT_RPC_REGION_MIN 64u
/** The largest region the library accepts (1 MiB). */
#define SEL4FT_RPC_REGION_MAX (1u << 20)

/**
 * @brief Copy a header out of a region and validate it.
 * @param region The shared region.
 * @param region_size Its size, from the caller's own configuration.
 * @param header Where to put the private copy.
 * @return 0; -SEL4FT_EBADMSG for a bad magic or version, -SEL4FT_E2BIG when
 *         the length exceeds the region's payload capacity, -SEL4FT_EINVAL for
 *         bad arguments.
 */
int sel4ft_rpc_header_read(const void *region, size_t region_size, sel4ft_rpc_header_t *header);

/**
 * @brief Write a header into a region, with magic and version filled in.
 * @param region The shared region (at least SEL4FT_RPC_REGION_MIN bytes).
 * @param opcode The operation.
 * @param status The status (0 in requests).
 * @param length The payload length (the payload must already be in place).
 * @param request_id The request id.
 * @param epoch The epoch.
 */
void sel4ft_rpc_header_write(void *region, uint16_t opcode, uint32_t status, uint32_t length, uint64_t request_id,
                             uint64_t epoch);

/**
 * @brief The name of a protocol status.
 * @param status A status.
 * @return For example "SEL4FT_RPC_NOT_FOUND"; "service status" for one of a service's own (name it with the
 *         service's own function); "unknown status" for a reserved one.
 */
const char *sel4ft_rpc_status_str(uint32_t status);

/** A reply as the client sees it, after validation. */
typedef struct sel4ft_rpc_reply {
    uint32_t status;     /**< The server's status: a sel4ft_rpc_status_t, or one of the service's own. */
    uint32_t length;     /**< Payload bytes copied to the caller's buffer. */
    uint64_t request_id; /**< The id the reply answers (equal to the request's). */
    uint64_t epoch;      /**< The server's epoch. */
} sel4ft_rpc_reply_t;

/** A client's private handle for one server. */
typedef struct sel4ft_rpc_client {
    uint8_t *region;          /**< The shared region. */
    uint32_t capacity;        /**< Payload bytes the region holds. */
    sel4ft_channel_t channel; /**< The PPC channel to the server. */
    uint64_t next_request_id; /**< The id the next new request gets. */
    uint64_t last_request_id; /**< The id of the last request sent (0: none). */
    uint64_t epoch;           /**< The server's epoch as last seen (0: not yet). */
} sel4ft_rpc_client_t;

/**
 * @brief Set up a client.
 * @param client The handle to fill.
 * @param region The region shared with the server, 8-byte aligned.
 * @param region_size Its size, SEL4FT_RPC_REGION_MIN..SEL4FT_RPC_REGION_MAX.
 * @param channel The PPC channel to the server.
 * @param first_request_id The id of the first request, > 0. Ids must keep
 *        growing across the client's own restarts too (a server that
 *        de-duplicates refuses ids below the last one it applied with
 *        SEL4FT_RPC_STALE_REQUEST, and answers the last one from its record):
 *        a restartable client can use (incarnation << 32) | 1. That leaves
 *        each incarnation 2^32 - 1 ids; one that sends more runs into the
 *        next incarnation's ids, and after a restart the client's ids collide
 *        with ones an earlier incarnation used. A server that de-duplicates
 *        with sel4ft_dedup_check() detects what it can: ids below the last
 *        applied are refused as stale, and the last applied id arriving with
 *        another request (another opcode or payload digest) is refused with
 *        SEL4FT_RPC_REQUEST_ID_REUSED, never answered with the old reply. A
 *        reused id for a request identical to the recorded one cannot be told
 *        from a retry and is answered from the record without being applied.
 * @return 0, or -SEL4FT_EINVAL.
 */
int sel4ft_rpc_client_init(sel4ft_rpc_client_t *client, void *region, size_t region_size, sel4ft_channel_t channel,
                           uint64_t first_request_id);

/**
 * @brief Where to write the next request's payload (in the shared region: no copy).
 * @param client The client.
 * @return The payload area; sel4ft_rpc_client_capacity() bytes long.
 */
void *sel4ft_rpc_client_payload(sel4ft_rpc_client_t *client);

/**
 * @brief The payload capacity of the client's region.
 * @param client The client.
 * @return Bytes.
 */
uint32_t sel4ft_rpc_client_capacity(const sel4ft_rpc_client_t *client);

/**
 * @brief Send a new request (the payload is already in place) and wait for the reply.
 * @param client The client.
 * @param opcode The operation.
 * @param length The request payload's length.
 * @param reply_payload Where to copy the reply payload (may be NULL when @p reply_capacity is 0).
 * @param reply_capacity Its size; a longer reply is an error.
 * @param reply Where to put the reply.
 * @return As sel4ft_rpc_call_id().
 */
int sel4ft_rpc_call(sel4ft_rpc_client_t *client, uint16_t opcode, uint32_t length, void *reply_payload,
                    size_t reply_capacity, sel4ft_rpc_reply_t *reply);

/**
 * @brief Send a request under a given id (a retry) and wait for the reply.
 *
 * The reply header is copied out of the region and validated before anything
 * in it is used; the payload is copied to @p reply_payload.
 * @param client The client.
 * @param request_id The id (for a retry: the id of the request that failed).
 * @param opcode The operation.
 * @param length The request payload's length.
 * @param reply_payload Where to copy the reply payload.
 * @param reply_capacity Its size.
 * @param reply Where to put the reply; its status says how the server answered.
 * @return 0 when a well-formed reply arrived (look at reply->status);
 *         -SEL4FT_ESTALE when the server restarted, or had restarted since the
 *         client last heard from it (the client adopted the new epoch). A
 *         request interrupted by a crash may have been applied before it:
 *         write the payload again and retry under the same id, never a new one
 *         (sel4ft_rpc_retry()), so a de-duplicating server applies it once; -SEL4FT_EBADMSG for a malformed reply (bad
 *         magic, version or length, or a status in the library's reserved range);
 *         -SEL4FT_EMISMATCH when the reply answers another request;
 *         -SEL4FT_ENOSPC when the reply payload does not fit @p reply_capacity;
 *         -SEL4FT_EPEER when the server answered outside the protocol (an
 *         unknown label, or a refusal whose status is OK or unknown);
 *         -SEL4FT_E2BIG when @p length exceeds the capacity; -SEL4FT_EINVAL.
 */
int sel4ft_rpc_call_id(sel4ft_rpc_client_t *client, uint64_t request_id, uint16_t opcode, uint32_t length,
                       void *reply_payload, size_t reply_capacity, sel4ft_rpc_reply_t *reply);

/**
 * @brief Send the last request again, under the same id (after -SEL4FT_ESTALE).
 *
 * The payload must be written again first: a crashed server may have changed the region.
 * @param client The client.
 * @param opcode The operation (the same as before).
 * @param length The payload's length.
 * @param reply_payload Where to copy the reply payload.
 * @param reply_capacity Its size.
 * @param reply Where to put the reply.
 * @return As sel4ft_rpc_call_id(); -SEL4FT_EINVAL when no request was sent yet.
 */
int sel4ft_rpc_retry(sel4ft_rpc_client_t *client, uint16_t opcode, uint32_t length, void *reply_payload,
                     size_t reply_capacity, sel4ft_rpc_reply_t *reply);

/** A request as the server's handler sees it: a private, validated copy. */
typedef struct sel4ft_rpc_request {
    sel4ft_channel_t channel; /**< The channel it came in on (which client). */
    uint16_t opcode;          /**< The operation. */
    uint32_t length;          /**< Payload bytes. */
    uint64_t request_id;      /**< The client's id for it. */
    const uint8_t *payload;   /**< The payload, copied into the server's own buffer. */
} sel4ft_rpc_request_t;

/** Where a handler puts its reply payload. */
typedef struct sel4ft_rpc_response {
    uint8_t *payload;  /**< The reply payload area (the shared region: write only, never read back). */
    uint32_t capacity; /**< Its size. */
    uint32_t length;   /**< Set by the handler: bytes written (0 by default). */
} sel4ft_rpc_response_t;

/**
 * A service's request handler.
 * @return The reply's status: a sel4ft_rpc_status_t, or one of the service's own (from
 *         SEL4FT_RPC_STATUS_SERVICE_FIRST up). A reserved status becomes SEL4FT_RPC_INTERNAL_ERROR.
 */
typedef uint32_t (*sel4ft_rpc_handler_t)(void *context, const sel4ft_rpc_request_t *request,
                                         sel4ft_rpc_response_t *response);

/** One client's region as the server knows it. */
typedef struct sel4ft_rpc_server_region {
    uint8_t *region;   /**< NULL: no client on this channel. */
    uint32_t size;     /**< Region size from the server's configuration. */
} sel4ft_rpc_server_region_t;

/** A server's private state. */
typedef struct sel4ft_rpc_server {
    sel4ft_rpc_handler_t handler;  /**< The service. */
    void *context;                 /**< Passed to the handler. */
    uint64_t epoch;                /**< This incarnation's number (>= 1). */
    uint8_t *scratch;              /**< Private buffer for request payloads. */
    uint32_t scratch_size;         /**< Its size. */
    uint64_t requests;             /**< Requests handled (any status). */
    uint64_t rejected;             /**< Requests refused before reaching the handler. */
    sel4ft_rpc_server_region_t regions[SEL4FT_OS_MAX_CHANNEL + 1]; /**< Per channel. */
} sel4ft_rpc_server_t;

/**
 * @brief Set up a server.
 * @param server The state to fill.
 * @param handler The service's handler.
 * @param context Passed to the handler.
 * @param epoch This incarnation's number, >= 1 (1 on the first start; larger after a restart).
 * @param scratch A private buffer at least as large as the largest payload any region can hold.
 * @param scratch_size Its size.
 * @return 0, or -SEL4FT_EINVAL.
 */
int sel4ft_rpc_server_init(sel4ft_rpc_server_t *server, sel4ft_rpc_handler_t handler, void *context, uint64_t epoch,
                           void *scratch, size_t scratch_size);

/**
 * @brief Give the server the region of the client on a channel.
 * @param server The server.
 * @param channel The channel the client calls on.
 * @param region The region, 8-byte aligned.
 * @param region_size Its size, SEL4FT_RPC_REGION_MIN..SEL4FT_RPC_REGION_MAX, and
 *        its payload capacity no larger than the scratch buffer.
 * @return 0, or -SEL4FT_EINVAL.
 */
int sel4ft_rpc_server_attach(sel4ft_rpc_server_t *server, sel4ft_channel_t channel, void *region, size_t region_size);

/**
 * @brief Handle one PPC: call this from `protected()`.
 *
 * Never trusts the region: the header and payload are copied out, then
 * checked; anything malformed gets an error status, never a crash.
 * @param server The server.
 * @param channel The channel the call came in on.
 * @param message The call's tag.
 * @return The reply tag to return from `protected()` (its message registers are set).
 */
sel4ft_msginfo_t sel4ft_rpc_server_handle(sel4ft_rpc_server_t *server, sel4ft_channel_t channel,
                                          sel4ft_msginfo_t message);

/**
 * @brief The answer a restarted server gives the call its crash interrupted.
 *
 * Sets the message registers of a SEL4FT_RPC_LABEL_REJECT reply with status
 * SEL4FT_RPC_PEER_RESTARTED and the server's (new) epoch. The client's
 * sel4ft_rpc_call() returns -SEL4FT_ESTALE and may retry under the same id.
 * Pass the result to sel4ft_restart_serve().
 * @param server The restarted server (initialised with its new epoch).
 * @return The reply tag.
 */
sel4ft_msginfo_t sel4ft_rpc_server_restarted(sel4ft_rpc_server_t *server);

/** @} */
