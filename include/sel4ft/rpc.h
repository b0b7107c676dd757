/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4ft/error.h>
#include <sel4ft/os.h>

/**
 * @defgroup rpc Typed request/reply
 * @brief Requests and replies whose header travels in message registers and whose payload lies in a region shared
 *        by one client and one server, carried by a protected procedure call (PPC).
 *
 * A client owns one region per server it calls, mapped into that server too.
 * Its first half carries the request payload (written by the client), its
 * second half the reply payload (written by the server). The header (kind of
 * message, opcode, payload length, request id, epoch, status) travels in the
 * PPC's label and message registers: the kernel copies them into the
 * receiver's own registers and IPC buffer, so what a side validates is what it
 * uses, and the peer cannot change it afterwards.
 *
 * - Request: label sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, opcode, payload
 *   length), SEL4FT_RPC_MRS registers: MR0 = request id, MR1 = the server
 *   epoch the client knows (0: none yet).
 * - Reply: label sel4ft_rpc_label(SEL4FT_RPC_KIND_REPLY, the request's opcode,
 *   reply payload length), SEL4FT_RPC_MRS registers: MR0 = the request id,
 *   MR1 = status | the server's epoch << 32.
 * - Refusal: label SEL4FT_RPC_LABEL_REJECT, SEL4FT_RPC_MRS registers:
 *   MR0 = the status, MR1 = the server's epoch; the region is untouched. A
 *   request the server cannot even parse, or one on a channel with no region,
 *   is refused.
 *
 * Two registers each way: the kernel's IPC fast path carries them in CPU
 * registers. The kind of message includes the protocol version
 * (SEL4FT_RPC_VERSION): a peer speaking another version is refused
 * (SEL4FT_RPC_BAD_MESSAGE) or not understood (-SEL4FT_EPEER).
 *
 * The server copies a request payload into its own buffer before its handler
 * sees it (the client can rewrite the region at any time), unless the service
 * declared that opcode's payload opaque (sel4ft_rpc_server_declare_opaque()):
 * then the handler gets a pointer into the shared region, for bytes it passes
 * on without interpreting them (copied once to where they go, or checksummed).
 * The client copies the reply payload out of the region once, into the
 * caller's buffer, after checking its length.
 *
 * Every message carries a request id, chosen by the client and echoed by the
 * server, and the server's epoch (its incarnation number): a request that names
 * an epoch other than the server's current one is refused with
 * SEL4FT_RPC_STALE_EPOCH, so a client learns that its server restarted.
 * @{
 */

/** The protocol version, part of every message's kind. Version 1 kept the header in the region. */
#define SEL4FT_RPC_VERSION 2u

/** Kind of message: a request ("5f" for sel4ft, the version, 1). */
#define SEL4FT_RPC_KIND_REQUEST (0x5f01u | (SEL4FT_RPC_VERSION << 4))
/** Kind of message: a reply, its payload in the region's reply half. */
#define SEL4FT_RPC_KIND_REPLY (0x5f02u | (SEL4FT_RPC_VERSION << 4))
/** Kind of message: a refusal; the region is untouched. */
#define SEL4FT_RPC_KIND_REJECT (0x5f03u | (SEL4FT_RPC_VERSION << 4))

/** Where a label's fields lie: the kind in bits 36-51, the opcode in bits 20-35, the payload length in bits 0-19. */
#define SEL4FT_RPC_LABEL_KIND_SHIFT 36u
/** Shift of the opcode in a label. */
#define SEL4FT_RPC_LABEL_OPCODE_SHIFT 20u
/** Mask of the payload length in a label (the largest region's half fits). */
#define SEL4FT_RPC_LABEL_LENGTH_MASK 0xfffffu

/**
 * @brief A request's or a reply's label.
 * @param kind SEL4FT_RPC_KIND_*.
 * @param opcode The operation.
 * @param length The payload length, at most SEL4FT_RPC_LABEL_LENGTH_MASK (higher bits are dropped).
 * @return The label (52 bits, what a seL4 message tag carries on 64-bit platforms).
 */
static inline uint64_t sel4ft_rpc_label(uint32_t kind, uint16_t opcode, uint32_t length)
{
    return ((uint64_t)kind << SEL4FT_RPC_LABEL_KIND_SHIFT) | ((uint64_t)opcode << SEL4FT_RPC_LABEL_OPCODE_SHIFT) |
           (length & SEL4FT_RPC_LABEL_LENGTH_MASK);
}

/** The label of a refusal (no opcode, no length). */
#define SEL4FT_RPC_LABEL_REJECT ((uint64_t)SEL4FT_RPC_KIND_REJECT << SEL4FT_RPC_LABEL_KIND_SHIFT)

/** Message registers in every message of the protocol. */
#define SEL4FT_RPC_MRS 2u

/** The largest epoch: a reply carries it in 32 bits. */
#define SEL4FT_RPC_EPOCH_MAX 0xffffffffull

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
    SEL4FT_RPC_BAD_MESSAGE,          /**< The request was malformed (label, register count, reserved bits,
                                          length). */
    SEL4FT_RPC_UNKNOWN_OPERATION,    /**< The server does not implement this opcode. */
    SEL4FT_RPC_INVALID_ARGUMENT,     /**< The payload was well formed but its contents were not acceptable. */
    SEL4FT_RPC_NOT_FOUND,            /**< The thing named does not exist. */
    SEL4FT_RPC_NO_SPACE,             /**< The server is out of room. */
    SEL4FT_RPC_TOO_LARGE,            /**< A payload is too large: the reply for the region, or the request for
                                          the server's private buffer. */
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

/** The smallest region: 32 bytes of payload each way. */
#define SEL4FT_RPC_REGION_MIN 64u
/** The largest region the library accepts (1 MiB). */
#define SEL4FT_RPC_REGION_MAX (1u << 20)

/**
 * @brief The payload capacity each way of a region: half of it, rounded down to 8 bytes.
 * @param region_size The region's size.
 * @return Bytes; the reply half starts this far into the region.
 */
static inline uint32_t sel4ft_rpc_capacity(size_t region_size)
{
    return (uint32_t)(region_size / 2) & ~7u;
}

/**
 * @brief A message header in memory: the framing of the same fields for transports without message registers.
 *
 * The PPC protocol above does not use it. The Linux baseline frames its messages over byte streams and
 * shared-memory slots with it, so both systems carry the same fields. Fixed-width fields only.
 */
typedef struct sel4ft_rpc_header {
    uint32_t magic;      /**< SEL4FT_RPC_MAGIC. */
    uint16_t version;    /**< SEL4FT_RPC_VERSION. */
    uint16_t opcode;     /**< The operation, defined by the service. */
    uint32_t status;     /**< Replies: a sel4ft_rpc_status_t or a service's own status. Requests: 0. */
    uint32_t length;     /**< Payload bytes that follow the header. */
    uint64_t request_id; /**< Chosen by the client, echoed by the server. */
    uint64_t epoch;      /**< Requests: the server epoch the client knows (0: none yet). Replies: the server's epoch. */
} sel4ft_rpc_header_t;

_Static_assert(sizeof(sel4ft_rpc_header_t) == 32, "header size is part of the framing");
_Static_assert(_Alignof(sel4ft_rpc_header_t) == 8, "header is 8-byte aligned");

/** "S4RP": marks a framed message header. */
#define SEL4FT_RPC_MAGIC 0x50523453u

/**
 * @brief Copy a framed header out of a buffer and validate it.
 * @param buffer The message: a header followed by its payload.
 * @param buffer_size The buffer's size, from the caller's own configuration (at least SEL4FT_RPC_REGION_MIN).
 * @param header Where to put the private copy.
 * @return 0; -SEL4FT_EBADMSG for a bad magic or version, -SEL4FT_E2BIG when
 *         the length exceeds what follows the header in the buffer,
 *         -SEL4FT_EINVAL for bad arguments.
 */
int sel4ft_rpc_header_read(const void *buffer, size_t buffer_size, sel4ft_rpc_header_t *header);

/**
 * @brief Write a framed header into a buffer, with magic and version filled in.
 * @param buffer The message buffer (at least 32 bytes).
 * @param opcode The operation.
 * @param status The status (0 in requests).
 * @param length The payload length (the payload must follow the header).
 * @param request_id The request id.
 * @param epoch The epoch.
 */
void sel4ft_rpc_header_write(void *buffer, uint16_t opcode, uint32_t status, uint32_t length, uint64_t request_id,
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
    uint8_t *region;          /**< The shared region: the request half, then the reply half. */
    uint32_t capacity;        /**< Payload bytes each half holds (sel4ft_rpc_capacity()). */
    sel4ft_channel_t channel; /**< The PPC channel to the server. */
    uint64_t next_request_id; /**< The id the next new request gets. */
    uint64_t last_request_id; /**< The id of the last request sent (0: none). */
    uint64_t epoch;           /**< The server's epoch as last seen (0: not yet). */
} sel4ft_rpc_client_t;

/**
 * @brief Set up a client.
 * @param client The handle to fill.
 * @param region The region shared with the server, 8-byte aligned.
 * @param region_size Its size, SEL4FT_RPC_REGION_MIN..SEL4FT_RPC_REGION_MAX: half of it (rounded down to 8 bytes)
 *        for the request payload, the next half for the reply payload.
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
 * @brief Where to write the next request's payload (the request half of the shared region: no copy).
 * @param client The client.
 * @return The payload area; sel4ft_rpc_client_capacity() bytes long.
 */
static inline void *sel4ft_rpc_client_payload(sel4ft_rpc_client_t *client)
{
    return client->region;
}

/**
 * @brief The payload capacity of the client's region, each way.
 * @param client The client.
 * @return Bytes.
 */
static inline uint32_t sel4ft_rpc_client_capacity(const sel4ft_rpc_client_t *client)
{
    return client->capacity;
}

/**
 * @brief Send a request under a given id (a retry) and wait for the reply.
 *
 * The reply's header comes in message registers and is validated before
 * anything in it is used; then exactly the reply's payload length is copied
 * from the region's reply half to @p reply_payload, once.
 * @param client The client.
 * @param request_id The id (for a retry: the id of the request that failed).
 * @param opcode The operation.
 * @param length The request payload's length (the payload is already in place).
 * @param reply_payload Where to copy the reply payload (may be NULL when @p reply_capacity is 0).
 * @param reply_capacity Its size; a longer reply is an error.
 * @param reply Where to put the reply; its status says how the server answered.
 * @return 0 when a well-formed reply arrived (look at reply->status);
 *         -SEL4FT_ESTALE when the server restarted, or had restarted since the
 *         client last heard from it (the client adopted the new epoch). A
 *         request interrupted by a crash may have been applied before it:
 *         write the payload again and retry under the same id, never a new one
 *         (sel4ft_rpc_retry()), so a de-duplicating server applies it once; -SEL4FT_EBADMSG for a malformed reply
 *         (a wrong register count, a length beyond the region's reply half, or a status in the library's reserved
 *         range); -SEL4FT_EMISMATCH when the reply answers another request (request id or
 *         opcode); -SEL4FT_ENOSPC when the reply payload does not fit @p reply_capacity;
 *         -SEL4FT_EPEER when the server answered outside the protocol (an
 *         unknown label, or a refusal whose status is OK or unknown);
 *         -SEL4FT_E2BIG when @p length exceeds the capacity; -SEL4FT_EINVAL.
 */
static inline int sel4ft_rpc_call_id(sel4ft_rpc_client_t *client, uint64_t request_id, uint16_t opcode,
                                     uint32_t length, void *reply_payload, size_t reply_capacity,
                                     sel4ft_rpc_reply_t *reply);

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
static inline __attribute__((always_inline)) int sel4ft_rpc_call(sel4ft_rpc_client_t *client, uint16_t opcode,
                                                                 uint32_t length, void *reply_payload,
                                                                 size_t reply_capacity, sel4ft_rpc_reply_t *reply)
{
    if (client == NULL) {
        return -SEL4FT_EINVAL;
    }
    return sel4ft_rpc_call_id(client, client->next_request_id++, opcode, length, reply_payload, reply_capacity,
                              reply);
}

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

/**
 * @brief A request as the server's handler sees it, after validation.
 *
 * Exactly one of @c payload and @c shared_payload is set (both NULL only for
 * an empty request to a server without a private buffer): a handler that reads
 * the wrong one faults at once instead of parsing memory the client can change.
 */
typedef struct sel4ft_rpc_request {
    sel4ft_channel_t channel;      /**< The channel it came in on (which client). */
    uint16_t opcode;               /**< The operation. */
    uint32_t length;               /**< Payload bytes. */
    uint64_t request_id;           /**< The client's id for it. */
    const uint8_t *payload;        /**< Opcodes the handler parses (the default): the payload, copied into the
                                        server's own buffer first, so it cannot change. NULL for opaque opcodes. */
    const uint8_t *shared_payload; /**< Opcodes declared opaque (sel4ft_rpc_server_declare_opaque()): the payload
                                        where the client wrote it, in the shared region. The client can change
                                        it at any moment: read each byte at most once and never decide anything
                                        from it (copy it once to where it goes, or checksum it). NULL otherwise. */
} sel4ft_rpc_request_t;

/**
 * @brief Copy a request's payload to where it goes: for an opaque payload, the one read it may have.
 *
 * Inline (sel4ft_os_copy()): a handler that passes payloads on costs no function call.
 * @param request The request; request->length bytes are copied, from whichever payload pointer is set.
 * @param destination Where to copy them (not in the region's request half).
 */
static inline void sel4ft_rpc_request_copy(const sel4ft_rpc_request_t *request, void *destination)
{
    sel4ft_os_copy(destination, request->shared_payload != NULL ? request->shared_payload : request->payload,
                   request->length);
}

/** Where a handler puts its reply payload. */
typedef struct sel4ft_rpc_response {
    uint8_t *payload;  /**< The reply payload area (the region's reply half: write only, never read back). */
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
    uint32_t capacity; /**< Payload bytes each half holds, from the server's configuration of the region's size. */
} sel4ft_rpc_server_region_t;

/** The opcodes sel4ft_rpc_server_declare_opaque() accepts: 0..SEL4FT_RPC_OPAQUE_OPCODES-1. */
#define SEL4FT_RPC_OPAQUE_OPCODES 64u

/** A server's private state. */
typedef struct sel4ft_rpc_server {
    sel4ft_rpc_handler_t handler;  /**< The service. */
    void *context;                 /**< Passed to the handler. */
    uint64_t epoch;                /**< This incarnation's number (>= 1). */
    uint8_t *scratch;              /**< Private buffer for the payloads of parsed opcodes (NULL: none). */
    uint32_t scratch_size;         /**< Its size. */
    uint64_t opaque_opcodes;       /**< Bit n set: opcode n's payload is opaque to the handler. */
    uint64_t requests;             /**< Requests handled (any status). */
    uint64_t rejected;             /**< Requests refused before reaching the handler. */
    sel4ft_rpc_server_region_t regions[SEL4FT_OS_MAX_CHANNEL + 1]; /**< Per channel. */
} sel4ft_rpc_server_t;

/**
 * @brief Set up a server.
 *
 * Every opcode's payload is copied into @p scratch before the handler sees it,
 * unless sel4ft_rpc_server_declare_opaque() says otherwise.
 * @param server The state to fill.
 * @param handler The service's handler.
 * @param context Passed to the handler.
 * @param epoch This incarnation's number, 1..SEL4FT_RPC_EPOCH_MAX (1 on the first start; larger after a restart).
 * @param scratch A private buffer at least as large as the largest payload any region can hold; NULL (with
 *        @p scratch_size 0) for a server whose requests are all opaque or empty.
 * @param scratch_size Its size.
 * @return 0, or -SEL4FT_EINVAL.
 */
int sel4ft_rpc_server_init(sel4ft_rpc_server_t *server, sel4ft_rpc_handler_t handler, void *context, uint64_t epoch,
                           void *scratch, size_t scratch_size);

/**
 * @brief Declare that the handler treats an opcode's payload as opaque bytes: no private copy.
 *
 * The handler then gets the payload where the client wrote it (request->shared_payload) and must honour the
 * contract there: read each byte at most once, decide nothing from it. Declare only opcodes whose handler copies
 * or checksums the payload without interpreting it; parse anything else from request->payload, the default.
 * @param server The server.
 * @param opcode The opcode, below SEL4FT_RPC_OPAQUE_OPCODES.
 * @return 0, or -SEL4FT_EINVAL.
 */
int sel4ft_rpc_server_declare_opaque(sel4ft_rpc_server_t *server, uint16_t opcode);

/**
 * @brief Give the server the region of the client on a channel.
 * @param server The server.
 * @param channel The channel the client calls on.
 * @param region The region, 8-byte aligned.
 * @param region_size Its size, SEL4FT_RPC_REGION_MIN..SEL4FT_RPC_REGION_MAX, and
 *        its payload capacity (sel4ft_rpc_capacity()) no larger than the scratch buffer when there is one.
 * @return 0, or -SEL4FT_EINVAL.
 */
int sel4ft_rpc_server_attach(sel4ft_rpc_server_t *server, sel4ft_channel_t channel, void *region, size_t region_size);

/**
 * @brief Handle one PPC: call this from `protected()`.
 *
 * The header comes from the message registers, which are the server's own
 * (the kernel copied them): each is read once, then checked; anything
 * malformed is refused, never a crash. Parsed payloads are copied out of the
 * region before the handler sees them; a payload too large for the private
 * buffer gets SEL4FT_RPC_TOO_LARGE without reaching the handler.
 * @param server The server.
 * @param channel The channel the call came in on.
 * @param message The call's tag.
 * @return The reply tag to return from `protected()` (its message registers are set).
 */
sel4ft_msginfo_t sel4ft_rpc_server_handle(sel4ft_rpc_server_t *server, sel4ft_channel_t channel,
                                          sel4ft_msginfo_t message);

/**
 * @brief Handle one PPC with a handler given here: as sel4ft_rpc_server_handle(), inline.
 *
 * With a handler the compiler can see (a function of the same file), it is
 * inlined too, and the call costs no function calls at all. Pass the handler
 * and context given to sel4ft_rpc_server_init().
 * @param server The server.
 * @param channel The channel the call came in on.
 * @param message The call's tag.
 * @param handler The service's handler.
 * @param context Passed to the handler.
 * @return The reply tag to return from `protected()`.
 */
static inline sel4ft_msginfo_t sel4ft_rpc_server_handle_with(sel4ft_rpc_server_t *server, sel4ft_channel_t channel,
                                                             sel4ft_msginfo_t message, sel4ft_rpc_handler_t handler,
                                                             void *context);

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

/** @cond INTERNAL */
/* The common paths of a call and of a request's handling are inline, as the port's hot calls are: a call costs
 * the registers it moves and the checks it makes, not a function call and a stack frame, and a server whose
 * handler is known where it handles requests (sel4ft_rpc_server_handle_with()) gets it inlined. What follows is
 * not API: names ending in '_' may change. */

/* Out of line (lib/rpc.c): a call answered by something other than a reply (a refusal, or outside the protocol). */
int sel4ft_rpc_not_a_reply_(sel4ft_rpc_client_t *client, sel4ft_msginfo_t answer, uint64_t request_id,
                            uint16_t opcode, sel4ft_rpc_reply_t *reply) __attribute__((cold));

static inline __attribute__((always_inline)) int sel4ft_rpc_call_id(sel4ft_rpc_client_t *client,
                                                                     uint64_t request_id, uint16_t opcode,
                                                                     uint32_t length, void *reply_payload,
                                                                     size_t reply_capacity, sel4ft_rpc_reply_t *reply)
{
    if (client == NULL || client->region == NULL || reply == NULL || (reply_payload == NULL && reply_capacity != 0)) {
        return -SEL4FT_EINVAL;
    }
    if (length > client->capacity) {
        return -SEL4FT_E2BIG;
    }
    client->last_request_id = request_id;
    sel4ft_os_mr_set(0, request_id);
    sel4ft_os_mr_set(1, client->epoch);
    sel4ft_msginfo_t answer = sel4ft_os_ppcall(
        client->channel, sel4ft_msginfo_new(sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, opcode, length), SEL4FT_RPC_MRS));

    uint64_t label = sel4ft_msginfo_label(answer);
    /* One comparison for the kind, the opcode and the count (a reply to another opcode is sorted out of line). */
    if (!sel4ft_msginfo_matches_upper(answer, ((uint64_t)SEL4FT_RPC_KIND_REPLY << 16) | opcode,
                                      SEL4FT_RPC_LABEL_OPCODE_SHIFT, SEL4FT_RPC_MRS)) {
        /* Through a copy, so that the caller's reply can stay in registers on the common path. */
        sel4ft_rpc_reply_t refusal;
        int err = sel4ft_rpc_not_a_reply_(client, answer, request_id, opcode, &refusal);
        if (err == 0 || err == -SEL4FT_ESTALE) {
            *reply = refusal;
        }
        return err;
    }
    /* The label and the registers are this PD's own copy: each is read once, and only these values are used. */
    uint64_t answered_id = sel4ft_os_mr_get(0);
    uint64_t status_epoch = sel4ft_os_mr_get(1);
    uint32_t reply_length = (uint32_t)(label & SEL4FT_RPC_LABEL_LENGTH_MASK);
    uint32_t status = (uint32_t)status_epoch;
    uint64_t epoch = status_epoch >> 32;

    /* SEL4FT_RPC_OK, the common status, is valid and not stale: one test passes it. */
    bool ok = __builtin_expect(status == SEL4FT_RPC_OK, 1);
    if (reply_length > client->capacity || (!ok && !sel4ft_rpc_status_valid(status))) {
        return -SEL4FT_EBADMSG;
    }
    if (answered_id != request_id) {
        return -SEL4FT_EMISMATCH;
    }
    if (!ok && (status == SEL4FT_RPC_STALE_EPOCH || status == SEL4FT_RPC_PEER_RESTARTED)) {
        client->epoch = epoch;
        *reply = (sel4ft_rpc_reply_t){ status, 0, request_id, epoch };
        return -SEL4FT_ESTALE;
    }
    if (reply_length > reply_capacity) {
        return -SEL4FT_ENOSPC;
    }
    /* The one copy out of the reply half, exactly as long as the validated length. */
    sel4ft_os_copy(reply_payload, client->region + client->capacity, reply_length);
    client->epoch = epoch;
    *reply = (sel4ft_rpc_reply_t){ status, reply_length, request_id, epoch };
    return 0;
}

/* A refusal's registers and tag (inline too: a handler path without calls needs no stack frame). */
static inline sel4ft_msginfo_t sel4ft_rpc_reject_(sel4ft_rpc_server_t *server, uint32_t status)
{
    server->rejected++;
    sel4ft_os_mr_set(0, status);
    sel4ft_os_mr_set(1, server->epoch);
    return sel4ft_msginfo_new(SEL4FT_RPC_LABEL_REJECT, SEL4FT_RPC_MRS);
}

static inline __attribute__((always_inline)) sel4ft_msginfo_t
sel4ft_rpc_server_handle_with(sel4ft_rpc_server_t *server, sel4ft_channel_t channel, sel4ft_msginfo_t message,
                              sel4ft_rpc_handler_t handler, void *context)
{
    if (channel > SEL4FT_OS_MAX_CHANNEL || server->regions[channel].region == NULL) {
        return sel4ft_rpc_reject_(server, SEL4FT_RPC_NO_REGION);
    }
    /* The label and the registers are the server's own copy, made by the kernel: each is read once, and only these
     * values are used. The payload stays in the region. */
    uint64_t label = sel4ft_msginfo_label(message);
    uint64_t request_id = sel4ft_os_mr_get(0);
    uint64_t epoch = sel4ft_os_mr_get(1);
    uint8_t *region = server->regions[channel].region;
    uint32_t capacity = server->regions[channel].capacity;
    uint16_t opcode = (uint16_t)(label >> SEL4FT_RPC_LABEL_OPCODE_SHIFT);
    uint32_t length = (uint32_t)(label & SEL4FT_RPC_LABEL_LENGTH_MASK);
    if (!sel4ft_msginfo_matches_upper(message, SEL4FT_RPC_KIND_REQUEST, SEL4FT_RPC_LABEL_KIND_SHIFT, SEL4FT_RPC_MRS) ||
        length > capacity) {
        return sel4ft_rpc_reject_(server, SEL4FT_RPC_BAD_MESSAGE);
    }
    server->requests++;

    bool opaque = opcode < SEL4FT_RPC_OPAQUE_OPCODES && ((server->opaque_opcodes >> opcode) & 1) != 0;
    uint32_t status;
    sel4ft_rpc_response_t response = { .payload = region + capacity, .capacity = capacity, .length = 0 };
    if (epoch != server->epoch && epoch != 0) {
        /* Any other epoch, one no incarnation can have included: the client learns the current one. */
        status = SEL4FT_RPC_STALE_EPOCH;
    } else if (!opaque && length > server->scratch_size) {
        status = SEL4FT_RPC_TOO_LARGE;
    } else {
        sel4ft_rpc_request_t request = {
            .channel = channel,
            .opcode = opcode,
            .length = length,
            .request_id = request_id,
            .payload = NULL,
            .shared_payload = NULL,
        };
        if (opaque) {
            request.shared_payload = region;
        } else {
            /* Copied before the handler sees it: the client cannot change it under the handler's feet. */
            sel4ft_os_copy(server->scratch, region, length);
            request.payload = server->scratch;
        }
        status = handler(context, &request, &response);
        if (!sel4ft_rpc_status_valid(status) || response.length > capacity) {
            /* A handler bug must not turn into a reply that claims more bytes than the region holds. */
            status = SEL4FT_RPC_INTERNAL_ERROR;
            response.length = 0;
        }
    }
    sel4ft_os_mr_set(0, request_id);
    sel4ft_os_mr_set(1, status | (server->epoch << 32));
    return sel4ft_msginfo_new(sel4ft_rpc_label(SEL4FT_RPC_KIND_REPLY, opcode, response.length), SEL4FT_RPC_MRS);
}

/** @endcond */

/** @} */
