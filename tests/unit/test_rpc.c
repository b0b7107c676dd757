/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/*
 * Unit tests for the request/reply protocol, end to end on the host.
 *
 * The Linux port's PPC hook plays the kernel: it runs the server's
 * sel4ft_rpc_server_handle() in the caller's thread, so the server sees the
 * client's message registers (they are thread-local), as a passive server on
 * seL4 would. Hostile clients forge labels, message registers and region
 * contents; other hooks play a hostile server that answers with garbage.
 * The framing header (sel4ft_rpc_header_*, used by the Linux baseline) is
 * tested first.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sel4ft/error.h>
#include <sel4ft/os.h>
#include <sel4ft/os_linux.h>
#include <sel4ft/rpc.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CANARY        0xa5

#define REGION_SIZE        4096u
#define HEADER_SIZE        ((uint32_t)sizeof(sel4ft_rpc_header_t))
/* A framed message: the header, then the payload. */
#define FRAME_CAPACITY     (REGION_SIZE - HEADER_SIZE)
/* The protocol: half the region each way. */
#define CAPACITY           (REGION_SIZE / 2)
#define SMALL_CAPACITY     (SEL4FT_RPC_REGION_MIN / 2)
#define CHANNEL            3u
#define SMALL_CHANNEL      7u
#define UNATTACHED_CHANNEL 5u
#define FIRST_REQUEST_ID   100u

/* The test service's operations. */
enum {
    OP_ECHO = 1, /* reply with the request payload */
    OP_ADD = 2, /* two uint32 -> their uint32 sum */
    OP_DIVIDE = 3, /* two uint32 -> quotient; INVALID_ARGUMENT for a zero divisor or a bad length */
    OP_OVERCLAIM = 4, /* buggy: claims a reply longer than the region */
    OP_BAD_STATUS = 5, /* buggy: returns a status outside the protocol */
    OP_REPLY_BYTES = 6, /* one uint32 n -> n bytes of 'r' */
    OP_INSPECT = 7, /* checks that the payload it sees is a private copy */
    OP_SERVICE_STATUS = 8, /* one uint32 status -> that status (a service's own) with 3 bytes "svc" */
    OP_OPAQUE_ECHO = 9, /* declared opaque: copies the shared payload to the reply once */
    OP_OPAQUE_INSPECT = 10, /* declared opaque: records what it sees, replies nothing */
    OP_UNKNOWN = 999,
};

/* Shared memory: the region each client shares with the server. */
static uint8_t region[REGION_SIZE] __attribute__((aligned(8)));
static uint8_t small_region[SEL4FT_RPC_REGION_MIN] __attribute__((aligned(8)));
/* The server's private buffer. */
static uint8_t scratch[CAPACITY];

static sel4ft_rpc_server_t server;
static sel4ft_rpc_client_t client;

/* What the handler saw. */
static struct {
    unsigned calls;
    sel4ft_channel_t channel;
    uint16_t opcode;
    uint32_t length;
    uint64_t request_id;
    const uint8_t *payload;
    const uint8_t *shared_payload;
    uint8_t *response_payload;
    uint32_t response_capacity;
    bool payload_stable; /* OP_INSPECT: the payload did not change when the region did */
} seen;

/* What the kernel hook saw: the call and the answer, with the answer's registers. */
static struct {
    unsigned calls;
    sel4ft_channel_t channel;
    sel4ft_msginfo_t message;
    sel4ft_msginfo_t answer;
    uint64_t answer_mr[2];
} kernel;

static uint32_t get_u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, sizeof(v));
}

static uint32_t service(void *context, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    assert_ptr_equal(context, &seen);
    seen.calls++;
    seen.channel = request->channel;
    seen.opcode = request->opcode;
    seen.length = request->length;
    seen.request_id = request->request_id;
    seen.payload = request->payload;
    seen.shared_payload = request->shared_payload;
    seen.response_payload = response->payload;
    seen.response_capacity = response->capacity;
    /* The default reply is empty. */
    assert_int_equal(response->length, 0);

    switch (request->opcode) {
    case OP_ECHO:
        if (request->length > response->capacity) {
            return SEL4FT_RPC_TOO_LARGE;
        }
        memcpy(response->payload, request->payload, request->length);
        response->length = request->length;
        return SEL4FT_RPC_OK;
    case OP_ADD:
        if (request->length != 8) {
            return SEL4FT_RPC_INVALID_ARGUMENT;
        }
        put_u32(response->payload, get_u32(request->payload) + get_u32(request->payload + 4));
        response->length = 4;
        return SEL4FT_RPC_OK;
    case OP_DIVIDE:
        if (request->length != 8 || get_u32(request->payload + 4) == 0) {
            return SEL4FT_RPC_INVALID_ARGUMENT;
        }
        put_u32(response->payload, get_u32(request->payload) / get_u32(request->payload + 4));
        response->length = 4;
        return SEL4FT_RPC_OK;
    case OP_OVERCLAIM:
        response->length = response->capacity + 1;
        return SEL4FT_RPC_OK;
    case OP_BAD_STATUS:
        response->length = 1;
        response->payload[0] = 'x';
        return SEL4FT_RPC_STATUS_NUM + 3;
    case OP_SERVICE_STATUS:
        memcpy(response->payload, "svc", 3);
        response->length = 3;
        return request->length == 4 ? get_u32(request->payload) : SEL4FT_RPC_INVALID_ARGUMENT;
    case OP_REPLY_BYTES: {
        uint32_t n = get_u32(request->payload);
        if (request->length != 4 || n > response->capacity) {
            return SEL4FT_RPC_INVALID_ARGUMENT;
        }
        memset(response->payload, 'r', n);
        response->length = n;
        return SEL4FT_RPC_OK;
    }
    case OP_INSPECT: {
        /* A client rewriting the shared payload while the server works must not change what the server sees. */
        uint8_t before[16];
        memcpy(before, request->payload, sizeof(before));
        memset(region, 'X', 16);
        seen.payload_stable = memcmp(before, request->payload, sizeof(before)) == 0;
        return SEL4FT_RPC_OK;
    }
    case OP_OPAQUE_ECHO:
        /* The contract of an opaque payload: read once, copied to where it goes, not interpreted. */
        sel4ft_rpc_request_copy(request, response->payload);
        response->length = request->length;
        return SEL4FT_RPC_OK;
    case OP_OPAQUE_INSPECT:
        return SEL4FT_RPC_OK;
    default:
        return SEL4FT_RPC_UNKNOWN_OPERATION;
    }
}

static void kernel_saw_answer(sel4ft_msginfo_t answer)
{
    kernel.answer = answer;
    kernel.answer_mr[0] = sel4ft_os_mr_get(0);
    kernel.answer_mr[1] = sel4ft_os_mr_get(1);
}

/* The kernel: carry the PPC to the server, in this thread. */
static sel4ft_msginfo_t kernel_ppcall(void *context, sel4ft_channel_t channel, sel4ft_msginfo_t message)
{
    kernel.calls++;
    kernel.channel = channel;
    kernel.message = message;
    sel4ft_msginfo_t answer = sel4ft_rpc_server_handle(context, channel, message);
    kernel_saw_answer(answer);
    return answer;
}

/* The same, through the inline entry point with the handler given at the call. */
static sel4ft_msginfo_t kernel_ppcall_inline(void *context, sel4ft_channel_t channel, sel4ft_msginfo_t message)
{
    kernel.calls++;
    kernel.channel = channel;
    kernel.message = message;
    sel4ft_msginfo_t answer = sel4ft_rpc_server_handle_with(context, channel, message, service, &seen);
    kernel_saw_answer(answer);
    return answer;
}

static void install_kernel(sel4ft_msginfo_t (*ppcall)(void *, sel4ft_channel_t, sel4ft_msginfo_t))
{
    sel4ft_os_linux_hooks_t hooks = { .ppcall = ppcall, .context = &server };
    sel4ft_os_linux_set_hooks(&hooks);
}

static int setup(void **state)
{
    (void)state;
    memset(region, 0, sizeof(region));
    memset(small_region, 0, sizeof(small_region));
    memset(scratch, 0, sizeof(scratch));
    memset(&seen, 0, sizeof(seen));
    memset(&kernel, 0, sizeof(kernel));
    assert_int_equal(sel4ft_rpc_server_init(&server, service, &seen, 1, scratch, sizeof(scratch)), 0);
    assert_int_equal(sel4ft_rpc_server_declare_opaque(&server, OP_OPAQUE_ECHO), 0);
    assert_int_equal(sel4ft_rpc_server_declare_opaque(&server, OP_OPAQUE_INSPECT), 0);
    assert_int_equal(sel4ft_rpc_server_attach(&server, CHANNEL, region, sizeof(region)), 0);
    assert_int_equal(sel4ft_rpc_server_attach(&server, SMALL_CHANNEL, small_region, sizeof(small_region)), 0);
    assert_int_equal(sel4ft_rpc_client_init(&client, region, sizeof(region), CHANNEL, FIRST_REQUEST_ID), 0);
    install_kernel(kernel_ppcall);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sel4ft_os_linux_set_hooks(NULL);
    return 0;
}

/* Put bytes into the next request's payload. */
static void set_payload(const void *bytes, size_t length)
{
    assert_true(length <= sel4ft_rpc_client_capacity(&client));
    memcpy(sel4ft_rpc_client_payload(&client), bytes, length);
}

static void set_two_u32(uint32_t a, uint32_t b)
{
    uint8_t payload[8];
    put_u32(payload, a);
    put_u32(payload + 4, b);
    set_payload(payload, sizeof(payload));
}

static void assert_all_canary(const uint8_t *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        assert_int_equal(bytes[i], CANARY);
    }
}

/* The framing header (the Linux baseline's transports) */

static void test_header_round_trip(void **state)
{
    (void)state;
    uint8_t buffer[128] __attribute__((aligned(8)));
    memset(buffer, CANARY, sizeof(buffer));

    sel4ft_rpc_header_write(buffer, 0xbeef, 5, 10, 0x1122334455667788ull, 9);
    /* Only the 32-byte header is written. */
    assert_all_canary(buffer + HEADER_SIZE, sizeof(buffer) - HEADER_SIZE);
    /* The magic reads "S4RP" in memory (little-endian). */
    assert_memory_equal(buffer, "S4RP", 4);

    sel4ft_rpc_header_t header;
    memset(&header, 0, sizeof(header));
    assert_int_equal(sel4ft_rpc_header_read(buffer, sizeof(buffer), &header), 0);
    assert_int_equal(header.magic, SEL4FT_RPC_MAGIC);
    assert_int_equal(header.version, SEL4FT_RPC_VERSION);
    assert_int_equal(header.opcode, 0xbeef);
    assert_int_equal(header.status, 5);
    assert_int_equal(header.length, 10);
    assert_int_equal(header.request_id, 0x1122334455667788ull);
    assert_int_equal(header.epoch, 9);

    /* Fields at their protocol offsets. */
    assert_int_equal(offsetof(sel4ft_rpc_header_t, magic), 0);
    assert_int_equal(offsetof(sel4ft_rpc_header_t, version), 4);
    assert_int_equal(offsetof(sel4ft_rpc_header_t, opcode), 6);
    assert_int_equal(offsetof(sel4ft_rpc_header_t, status), 8);
    assert_int_equal(offsetof(sel4ft_rpc_header_t, length), 12);
    assert_int_equal(offsetof(sel4ft_rpc_header_t, request_id), 16);
    assert_int_equal(offsetof(sel4ft_rpc_header_t, epoch), 24);
    assert_int_equal(get_u32(buffer + 12), 10);
}

static void test_header_read_bad_magic_and_version(void **state)
{
    (void)state;
    sel4ft_rpc_header_t header;

    sel4ft_rpc_header_write(region, 1, 0, 0, 1, 1);
    region[0] ^= 0x01;
    assert_int_equal(sel4ft_rpc_header_read(region, REGION_SIZE, &header), -SEL4FT_EBADMSG);

    sel4ft_rpc_header_write(region, 1, 0, 0, 1, 1);
    uint16_t version = SEL4FT_RPC_VERSION + 1;
    memcpy(region + offsetof(sel4ft_rpc_header_t, version), &version, sizeof(version));
    assert_int_equal(sel4ft_rpc_header_read(region, REGION_SIZE, &header), -SEL4FT_EBADMSG);

    version = 0;
    memcpy(region + offsetof(sel4ft_rpc_header_t, version), &version, sizeof(version));
    assert_int_equal(sel4ft_rpc_header_read(region, REGION_SIZE, &header), -SEL4FT_EBADMSG);

    /* All zeroes: not a message. */
    memset(region, 0, HEADER_SIZE);
    assert_int_equal(sel4ft_rpc_header_read(region, REGION_SIZE, &header), -SEL4FT_EBADMSG);
}

static void test_header_read_length_limit(void **state)
{
    (void)state;
    sel4ft_rpc_header_t header;

    sel4ft_rpc_header_write(region, 1, 0, FRAME_CAPACITY, 1, 1);
    assert_int_equal(sel4ft_rpc_header_read(region, REGION_SIZE, &header), 0);
    assert_int_equal(header.length, FRAME_CAPACITY);

    sel4ft_rpc_header_write(region, 1, 0, FRAME_CAPACITY + 1, 1, 1);
    assert_int_equal(sel4ft_rpc_header_read(region, REGION_SIZE, &header), -SEL4FT_E2BIG);

    sel4ft_rpc_header_write(region, 1, 0, UINT32_MAX, 1, 1);
    assert_int_equal(sel4ft_rpc_header_read(region, REGION_SIZE, &header), -SEL4FT_E2BIG);

    /* The limit comes from the size the caller passes, not from the message. */
    sel4ft_rpc_header_write(region, 1, 0, 33, 1, 1);
    assert_int_equal(sel4ft_rpc_header_read(region, 64, &header), -SEL4FT_E2BIG);
    sel4ft_rpc_header_write(region, 1, 0, 32, 1, 1);
    assert_int_equal(sel4ft_rpc_header_read(region, 64, &header), 0);
}

static void test_header_read_invalid_arguments(void **state)
{
    (void)state;
    sel4ft_rpc_header_t header;
    sel4ft_rpc_header_write(region, 1, 0, 0, 1, 1);

    assert_int_equal(sel4ft_rpc_header_read(NULL, REGION_SIZE, &header), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_header_read(region, REGION_SIZE, NULL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_header_read(region, 0, &header), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_header_read(region, HEADER_SIZE, &header), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_header_read(region, SEL4FT_RPC_REGION_MIN - 1, &header), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_header_read(region, SEL4FT_RPC_REGION_MIN, &header), 0);
    assert_int_equal(sel4ft_rpc_header_read(region, SEL4FT_RPC_REGION_MAX + 1, &header), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_header_read(region, SIZE_MAX, &header), -SEL4FT_EINVAL);

    /* The largest region, really allocated. */
    uint8_t *large = aligned_alloc(8, SEL4FT_RPC_REGION_MAX);
    assert_non_null(large);
    sel4ft_rpc_header_write(large, 1, 0, SEL4FT_RPC_REGION_MAX - HEADER_SIZE, 1, 1);
    assert_int_equal(sel4ft_rpc_header_read(large, SEL4FT_RPC_REGION_MAX, &header), 0);
    assert_int_equal(header.length, SEL4FT_RPC_REGION_MAX - HEADER_SIZE);
    free(large);
}

/* Set-up validation */

static void test_capacity(void **state)
{
    (void)state;
    assert_int_equal(sel4ft_rpc_capacity(4096), 2048);
    assert_int_equal(sel4ft_rpc_capacity(SEL4FT_RPC_REGION_MIN), 32);
    /* Half, rounded down to 8 bytes, so the reply half stays 8-byte aligned. */
    assert_int_equal(sel4ft_rpc_capacity(100), 48);
    assert_int_equal(sel4ft_rpc_capacity(SEL4FT_RPC_REGION_MAX), SEL4FT_RPC_REGION_MAX / 2);
    /* The largest payload still fits a label's length field. */
    assert_true(sel4ft_rpc_capacity(SEL4FT_RPC_REGION_MAX) <= SEL4FT_RPC_LABEL_LENGTH_MASK);
}

static void test_client_init(void **state)
{
    (void)state;
    sel4ft_rpc_client_t c;

    memset(&c, CANARY, sizeof(c));
    assert_int_equal(sel4ft_rpc_client_init(&c, region, sizeof(region), 61, 7), 0);
    assert_ptr_equal(c.region, region);
    assert_int_equal(c.capacity, CAPACITY);
    assert_int_equal(sel4ft_rpc_client_capacity(&c), CAPACITY);
    /* The request goes at the start of the region, the reply in its second half. */
    assert_ptr_equal(sel4ft_rpc_client_payload(&c), region);
    assert_int_equal(c.channel, 61);
    assert_int_equal(c.next_request_id, 7);
    assert_int_equal(c.last_request_id, 0);
    assert_int_equal(c.epoch, 0);

    assert_int_equal(sel4ft_rpc_client_init(&c, small_region, SEL4FT_RPC_REGION_MIN, 0, 1), 0);
    assert_int_equal(sel4ft_rpc_client_capacity(&c), SMALL_CAPACITY);
}

static void test_client_init_invalid(void **state)
{
    (void)state;
    sel4ft_rpc_client_t c;

    assert_int_equal(sel4ft_rpc_client_init(NULL, region, sizeof(region), 1, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_client_init(&c, NULL, sizeof(region), 1, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_client_init(&c, region + 1, sizeof(region) - 8, 1, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_client_init(&c, region + 4, sizeof(region) - 8, 1, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_client_init(&c, region + 8, sizeof(region) - 8, 1, 1), 0);
    assert_int_equal(sel4ft_rpc_client_init(&c, region, SEL4FT_RPC_REGION_MIN - 1, 1, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_client_init(&c, region, 0, 1, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_client_init(&c, region, SEL4FT_RPC_REGION_MAX + 1, 1, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_client_init(&c, region, sizeof(region), SEL4FT_OS_MAX_CHANNEL + 1, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_client_init(&c, region, sizeof(region), UINT32_MAX, 1), -SEL4FT_EINVAL);
}

static void test_server_init(void **state)
{
    (void)state;
    sel4ft_rpc_server_t s;
    uint8_t buffer[100];

    memset(&s, CANARY, sizeof(s));
    assert_int_equal(sel4ft_rpc_server_init(&s, service, &seen, 3, buffer, sizeof(buffer)), 0);
    assert_ptr_equal(s.handler, service);
    assert_ptr_equal(s.context, &seen);
    assert_int_equal(s.epoch, 3);
    assert_ptr_equal(s.scratch, buffer);
    assert_int_equal(s.scratch_size, sizeof(buffer));
    assert_int_equal(s.opaque_opcodes, 0);
    assert_int_equal(s.requests, 0);
    assert_int_equal(s.rejected, 0);
    /* No channel has a region until one is attached. */
    for (uint32_t ch = 0; ch <= SEL4FT_OS_MAX_CHANNEL; ch++) {
        assert_null(s.regions[ch].region);
    }

    /* No private buffer at all: for a server whose requests are all opaque or empty. */
    assert_int_equal(sel4ft_rpc_server_init(&s, service, NULL, SEL4FT_RPC_EPOCH_MAX, NULL, 0), 0);
    assert_null(s.scratch);
    assert_int_equal(s.scratch_size, 0);
    assert_int_equal(s.epoch, SEL4FT_RPC_EPOCH_MAX);
}

static void test_server_init_invalid(void **state)
{
    (void)state;
    sel4ft_rpc_server_t s;

    assert_int_equal(sel4ft_rpc_server_init(NULL, service, NULL, 1, scratch, sizeof(scratch)), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_init(&s, NULL, NULL, 1, scratch, sizeof(scratch)), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_init(&s, service, NULL, 0, scratch, sizeof(scratch)), -SEL4FT_EINVAL);
    /* Epochs travel in 32 bits. */
    assert_int_equal(
        sel4ft_rpc_server_init(&s, service, NULL, SEL4FT_RPC_EPOCH_MAX + 1, scratch, sizeof(scratch)), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_init(&s, service, NULL, UINT64_MAX, scratch, sizeof(scratch)), -SEL4FT_EINVAL);
    /* A buffer and its size come together. */
    assert_int_equal(sel4ft_rpc_server_init(&s, service, NULL, 1, NULL, sizeof(scratch)), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_init(&s, service, NULL, 1, scratch, 0), -SEL4FT_EINVAL);
    assert_int_equal(
        sel4ft_rpc_server_init(&s, service, NULL, 1, scratch, (size_t)SEL4FT_RPC_REGION_MAX + 1), -SEL4FT_EINVAL);
}

static void test_server_declare_opaque(void **state)
{
    (void)state;
    sel4ft_rpc_server_t s;
    assert_int_equal(sel4ft_rpc_server_init(&s, service, NULL, 1, NULL, 0), 0);

    assert_int_equal(sel4ft_rpc_server_declare_opaque(&s, 0), 0);
    assert_int_equal(sel4ft_rpc_server_declare_opaque(&s, 5), 0);
    assert_int_equal(sel4ft_rpc_server_declare_opaque(&s, SEL4FT_RPC_OPAQUE_OPCODES - 1), 0);
    assert_int_equal(s.opaque_opcodes, 1ull | (1ull << 5) | (1ull << 63));
    /* Declaring twice changes nothing. */
    assert_int_equal(sel4ft_rpc_server_declare_opaque(&s, 5), 0);
    assert_int_equal(s.opaque_opcodes, 1ull | (1ull << 5) | (1ull << 63));

    assert_int_equal(sel4ft_rpc_server_declare_opaque(&s, SEL4FT_RPC_OPAQUE_OPCODES), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_declare_opaque(&s, UINT16_MAX), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_declare_opaque(NULL, 1), -SEL4FT_EINVAL);
    assert_int_equal(s.opaque_opcodes, 1ull | (1ull << 5) | (1ull << 63));
}

static void test_server_attach_invalid(void **state)
{
    (void)state;
    sel4ft_rpc_server_t s;
    uint8_t small_scratch[100];
    assert_int_equal(sel4ft_rpc_server_init(&s, service, &seen, 1, small_scratch, sizeof(small_scratch)), 0);

    assert_int_equal(sel4ft_rpc_server_attach(NULL, 1, region, 128), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_attach(&s, SEL4FT_OS_MAX_CHANNEL + 1, region, 128), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_attach(&s, UINT32_MAX, region, 128), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_attach(&s, 1, NULL, 128), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_attach(&s, 1, region + 4, 128), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_attach(&s, 1, region, SEL4FT_RPC_REGION_MIN - 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_attach(&s, 1, region, SEL4FT_RPC_REGION_MAX + 1), -SEL4FT_EINVAL);
    /* The region's payload capacity must fit the scratch buffer: 2048 > 100, 104 > 100. */
    assert_int_equal(sel4ft_rpc_server_attach(&s, 1, region, sizeof(region)), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_server_attach(&s, 1, region, 2 * 104), -SEL4FT_EINVAL);
    for (uint32_t ch = 0; ch <= SEL4FT_OS_MAX_CHANNEL; ch++) {
        assert_null(s.regions[ch].region);
    }

    /* A capacity of 96 fits; the highest channel works. */
    assert_int_equal(sel4ft_rpc_server_attach(&s, SEL4FT_OS_MAX_CHANNEL, region, 2 * 96 + 7), 0);
    assert_ptr_equal(s.regions[SEL4FT_OS_MAX_CHANNEL].region, region);
    assert_int_equal(s.regions[SEL4FT_OS_MAX_CHANNEL].capacity, 96);

    /* Without a private buffer any region fits: requests too large for it are refused one by one. */
    assert_int_equal(sel4ft_rpc_server_init(&s, service, NULL, 1, NULL, 0), 0);
    assert_int_equal(sel4ft_rpc_server_attach(&s, 1, region, sizeof(region)), 0);
    assert_int_equal(s.regions[1].capacity, CAPACITY);
}

/* Calls that work */

static void test_call_echo(void **state)
{
    (void)state;
    uint8_t reply_payload[64];
    sel4ft_rpc_reply_t reply;
    memset(reply_payload, CANARY, sizeof(reply_payload));
    set_payload("hello", 5);

    assert_int_equal(sel4ft_rpc_call(&client, OP_ECHO, 5, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_int_equal(reply.length, 5);
    assert_memory_equal(reply_payload, "hello", 5);
    assert_all_canary(reply_payload + 5, sizeof(reply_payload) - 5);
    assert_int_equal(reply.request_id, FIRST_REQUEST_ID);
    assert_int_equal(reply.epoch, 1);
    assert_int_equal(client.epoch, 1);
    assert_int_equal(client.next_request_id, FIRST_REQUEST_ID + 1);
    assert_int_equal(client.last_request_id, FIRST_REQUEST_ID);

    /* The request went through the kernel once, its header in the label and two registers. */
    assert_int_equal(kernel.calls, 1);
    assert_int_equal(kernel.channel, CHANNEL);
    assert_int_equal(kernel.message.label, sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, OP_ECHO, 5));
    assert_int_equal(kernel.message.count, SEL4FT_RPC_MRS);
    /* And so did the reply. */
    assert_int_equal(kernel.answer.label, sel4ft_rpc_label(SEL4FT_RPC_KIND_REPLY, OP_ECHO, 5));
    assert_int_equal(kernel.answer.count, SEL4FT_RPC_MRS);
    assert_int_equal(kernel.answer_mr[0], FIRST_REQUEST_ID);
    assert_int_equal(kernel.answer_mr[1], SEL4FT_RPC_OK | (1ull << 32));

    /* The handler saw the request, a private copy, and wrote its reply into the region's second half. */
    assert_int_equal(seen.calls, 1);
    assert_int_equal(seen.channel, CHANNEL);
    assert_int_equal(seen.opcode, OP_ECHO);
    assert_int_equal(seen.length, 5);
    assert_int_equal(seen.request_id, FIRST_REQUEST_ID);
    assert_ptr_equal(seen.payload, scratch);
    assert_null(seen.shared_payload);
    assert_ptr_equal(seen.response_payload, region + CAPACITY);
    assert_int_equal(seen.response_capacity, CAPACITY);
    assert_memory_equal(region + CAPACITY, "hello", 5);
    assert_int_equal(server.requests, 1);
    assert_int_equal(server.rejected, 0);
}

/* Nothing of the header is read from the region: garbage there does not matter. */
static void test_header_not_in_region(void **state)
{
    (void)state;
    uint8_t reply_payload[8];
    sel4ft_rpc_reply_t reply;
    memset(region, 0xff, sizeof(region));
    set_two_u32(40, 2);

    assert_int_equal(sel4ft_rpc_call(&client, OP_ADD, 8, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_int_equal(reply.length, 4);
    assert_int_equal(get_u32(reply_payload), 42);
    /* Only the request's bytes were the client's and only the reply's the server's. */
    for (size_t i = 8; i < CAPACITY; i++) {
        assert_int_equal(region[i], 0xff);
    }
    for (size_t i = CAPACITY + 4; i < REGION_SIZE; i++) {
        assert_int_equal(region[i], 0xff);
    }
}

static void test_call_add(void **state)
{
    (void)state;
    uint8_t reply_payload[4];
    sel4ft_rpc_reply_t reply;

    for (uint32_t i = 0; i < 5; i++) {
        set_two_u32(1000 * i, 7);
        assert_int_equal(sel4ft_rpc_call(&client, OP_ADD, 8, reply_payload, sizeof(reply_payload), &reply), 0);
        assert_int_equal(reply.status, SEL4FT_RPC_OK);
        assert_int_equal(reply.length, 4);
        assert_int_equal(get_u32(reply_payload), 1000 * i + 7);
        assert_int_equal(reply.request_id, FIRST_REQUEST_ID + i);
        assert_int_equal(seen.request_id, FIRST_REQUEST_ID + i);
        assert_int_equal(client.next_request_id, FIRST_REQUEST_ID + i + 1);
    }
    /* uint32 arithmetic wraps. */
    set_two_u32(UINT32_MAX, 2);
    assert_int_equal(sel4ft_rpc_call(&client, OP_ADD, 8, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(get_u32(reply_payload), 1);
    assert_int_equal(server.requests, 6);
}

/* The inline entry point, with the handler given where the request is handled, behaves the same. */
static void test_call_through_inline_handler(void **state)
{
    (void)state;
    uint8_t reply_payload[16];
    sel4ft_rpc_reply_t reply;
    install_kernel(kernel_ppcall_inline);

    set_two_u32(5, 6);
    assert_int_equal(sel4ft_rpc_call(&client, OP_ADD, 8, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_int_equal(get_u32(reply_payload), 11);
    assert_ptr_equal(seen.payload, scratch);

    set_payload("opaque", 6);
    assert_int_equal(sel4ft_rpc_call(&client, OP_OPAQUE_ECHO, 6, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.length, 6);
    assert_memory_equal(reply_payload, "opaque", 6);
    assert_ptr_equal(seen.shared_payload, region);

    assert_int_equal(sel4ft_rpc_call(&client, OP_BAD_STATUS, 0, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_INTERNAL_ERROR);
    assert_int_equal(reply.length, 0);

    sel4ft_msginfo_t answer = sel4ft_os_ppcall(CHANNEL, (sel4ft_msginfo_t){ 0x5f401, 0 });
    assert_int_equal(answer.label, SEL4FT_RPC_LABEL_REJECT);
    assert_int_equal(sel4ft_os_mr_get(0), SEL4FT_RPC_BAD_MESSAGE);
    assert_int_equal(server.requests, 3);
    assert_int_equal(server.rejected, 1);
}

static void test_call_invalid_argument(void **state)
{
    (void)state;
    uint8_t reply_payload[4];
    sel4ft_rpc_reply_t reply;

    set_two_u32(10, 0);
    assert_int_equal(sel4ft_rpc_call(&client, OP_DIVIDE, 8, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_INVALID_ARGUMENT);
    assert_int_equal(reply.length, 0);

    set_two_u32(10, 3);
    assert_int_equal(sel4ft_rpc_call(&client, OP_DIVIDE, 7, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_INVALID_ARGUMENT);

    assert_int_equal(sel4ft_rpc_call(&client, OP_DIVIDE, 8, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_int_equal(get_u32(reply_payload), 3);
    assert_int_equal(seen.calls, 3);
}

static void test_call_empty_reply_without_buffer(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;

    /* No reply buffer at all: fine while the reply carries no payload. */
    set_two_u32(1, 0);
    assert_int_equal(sel4ft_rpc_call(&client, OP_DIVIDE, 8, NULL, 0, &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_INVALID_ARGUMENT);
    assert_int_equal(reply.length, 0);

    /* A payload where none fits. */
    set_two_u32(6, 2);
    assert_int_equal(sel4ft_rpc_call(&client, OP_DIVIDE, 8, NULL, 0, &reply), -SEL4FT_ENOSPC);
}

static void test_call_unknown_operation(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    uint8_t reply_payload[8];

    assert_int_equal(sel4ft_rpc_call(&client, OP_UNKNOWN, 0, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_UNKNOWN_OPERATION);
    assert_int_equal(reply.length, 0);
    assert_int_equal(seen.calls, 1);
    assert_int_equal(seen.opcode, OP_UNKNOWN);
    /* Opcodes use all 16 bits. */
    assert_int_equal(sel4ft_rpc_call(&client, UINT16_MAX, 0, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_UNKNOWN_OPERATION);
    assert_int_equal(seen.opcode, UINT16_MAX);
}

static void test_call_buggy_handler(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    uint8_t reply_payload[CAPACITY + 8];

    /* A handler that claims more reply bytes than the region holds gets INTERNAL_ERROR and an empty reply. */
    assert_int_equal(sel4ft_rpc_call(&client, OP_OVERCLAIM, 0, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(seen.calls, 1);
    assert_int_equal(reply.status, SEL4FT_RPC_INTERNAL_ERROR);
    assert_int_equal(reply.length, 0);
    assert_int_equal(kernel.answer.label, sel4ft_rpc_label(SEL4FT_RPC_KIND_REPLY, OP_OVERCLAIM, 0));
    assert_int_equal((uint32_t)kernel.answer_mr[1], SEL4FT_RPC_INTERNAL_ERROR);

    /* A status outside the protocol is turned into INTERNAL_ERROR, and its payload dropped. */
    assert_int_equal(sel4ft_rpc_call(&client, OP_BAD_STATUS, 0, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_INTERNAL_ERROR);
    assert_int_equal(reply.length, 0);
    assert_int_equal(kernel.answer.label, sel4ft_rpc_label(SEL4FT_RPC_KIND_REPLY, OP_BAD_STATUS, 0));
}

/* A service's own statuses (from SEL4FT_RPC_STATUS_SERVICE_FIRST up) pass through server and client unchanged,
 * payload and all; the library's reserved ones do not. */
static void test_service_statuses_pass_through(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    uint8_t reply_payload[8];
    static const uint32_t service_statuses[] = { SEL4FT_RPC_STATUS_SERVICE_FIRST, SEL4FT_RPC_STATUS_SERVICE_FIRST + 1,
                                                 0x7fffffffu, UINT32_MAX };

    for (size_t i = 0; i < ARRAY_SIZE(service_statuses); i++) {
        put_u32(sel4ft_rpc_client_payload(&client), service_statuses[i]);
        assert_int_equal(sel4ft_rpc_call(&client, OP_SERVICE_STATUS, 4, reply_payload, sizeof(reply_payload), &reply), 0);
        assert_int_equal(reply.status, service_statuses[i]);
        assert_int_equal(reply.length, 3);
        assert_memory_equal(reply_payload, "svc", 3);
        assert_string_equal(sel4ft_rpc_status_str(reply.status), "service status");
        /* The status takes the low half of the register, the epoch the high half. */
        assert_int_equal(kernel.answer_mr[1], service_statuses[i] | (1ull << 32));
    }

    /* The reserved range between the library's statuses and a service's is a handler bug. */
    static const uint32_t reserved[] = { SEL4FT_RPC_STATUS_NUM, SEL4FT_RPC_STATUS_SERVICE_FIRST - 1 };
    for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
        put_u32(sel4ft_rpc_client_payload(&client), reserved[i]);
        assert_int_equal(sel4ft_rpc_call(&client, OP_SERVICE_STATUS, 4, reply_payload, sizeof(reply_payload), &reply), 0);
        assert_int_equal(reply.status, SEL4FT_RPC_INTERNAL_ERROR);
        assert_int_equal(reply.length, 0);
    }
}

static void test_request_ids_echoed(void **state)
{
    (void)state;
    static const uint64_t ids[] = { 0, 1, 2, 0x7fffffffffffffffull, 0x8000000000000000ull, UINT64_MAX, 42 };
    sel4ft_rpc_reply_t reply;
    uint8_t reply_payload[8];

    for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
        set_payload("id", 2);
        assert_int_equal(
            sel4ft_rpc_call_id(&client, ids[i], OP_ECHO, 2, reply_payload, sizeof(reply_payload), &reply), 0);
        assert_int_equal(reply.status, SEL4FT_RPC_OK);
        assert_int_equal(reply.request_id, ids[i]);
        assert_int_equal(seen.request_id, ids[i]);
        /* The id in the reply's first register is the request's. */
        assert_int_equal(kernel.answer_mr[0], ids[i]);
        /* Explicit ids do not consume the client's counter. */
        assert_int_equal(client.next_request_id, FIRST_REQUEST_ID);
        assert_int_equal(client.last_request_id, ids[i]);
    }
}

static void test_reply_too_large_for_caller(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    uint8_t reply_payload[100 + 16];
    uint8_t n[4];

    put_u32(n, 100);
    set_payload(n, sizeof(n));
    memset(reply_payload, CANARY, sizeof(reply_payload));
    memset(&reply, CANARY, sizeof(reply));
    uint64_t epoch = client.epoch;
    assert_int_equal(sel4ft_rpc_call(&client, OP_REPLY_BYTES, 4, reply_payload, 99, &reply), -SEL4FT_ENOSPC);
    assert_int_equal(seen.calls, 1);
    /* Nothing was copied, nothing learnt. */
    assert_all_canary(reply_payload, sizeof(reply_payload));
    assert_all_canary((const uint8_t *)&reply, sizeof(reply));
    assert_int_equal(client.epoch, epoch);

    /* Exactly enough room. */
    set_payload(n, sizeof(n));
    assert_int_equal(sel4ft_rpc_call(&client, OP_REPLY_BYTES, 4, reply_payload, 100, &reply), 0);
    assert_int_equal(reply.length, 100);
    assert_int_equal(reply_payload[0], 'r');
    assert_int_equal(reply_payload[99], 'r');
    assert_all_canary(reply_payload + 100, 16);
}

static void test_request_too_large(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    static uint8_t reply_payload[CAPACITY];

    assert_int_equal(
        sel4ft_rpc_call(&client, OP_ECHO, CAPACITY + 1, reply_payload, sizeof(reply_payload), &reply), -SEL4FT_E2BIG);
    assert_int_equal(sel4ft_rpc_call_id(&client, 9, OP_ECHO, UINT32_MAX, reply_payload, sizeof(reply_payload), &reply),
        -SEL4FT_E2BIG);
    /* The server was never called. */
    assert_int_equal(kernel.calls, 0);
    assert_int_equal(seen.calls, 0);

    /* The whole capacity works, both ways, parsed and opaque. */
    memset(sel4ft_rpc_client_payload(&client), 'z', CAPACITY);
    assert_int_equal(sel4ft_rpc_call(&client, OP_ECHO, CAPACITY, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_int_equal(reply.length, CAPACITY);
    assert_int_equal(reply_payload[0], 'z');
    assert_int_equal(reply_payload[CAPACITY - 1], 'z');
    assert_int_equal(kernel.message.label, sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, OP_ECHO, CAPACITY));

    memset(reply_payload, 0, sizeof(reply_payload));
    memset(sel4ft_rpc_client_payload(&client), 'o', CAPACITY);
    assert_int_equal(
        sel4ft_rpc_call(&client, OP_OPAQUE_ECHO, CAPACITY, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.length, CAPACITY);
    assert_int_equal(reply_payload[0], 'o');
    assert_int_equal(reply_payload[CAPACITY - 1], 'o');
}

static void test_call_invalid_arguments(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    uint8_t reply_payload[8];
    sel4ft_rpc_client_t unset;
    memset(&unset, 0, sizeof(unset));

    assert_int_equal(sel4ft_rpc_call(NULL, OP_ECHO, 0, reply_payload, sizeof(reply_payload), &reply), -SEL4FT_EINVAL);
    assert_int_equal(
        sel4ft_rpc_call_id(NULL, 1, OP_ECHO, 0, reply_payload, sizeof(reply_payload), &reply), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_call(&client, OP_ECHO, 0, reply_payload, sizeof(reply_payload), NULL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_call(&client, OP_ECHO, 0, NULL, 8, &reply), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_call(&unset, OP_ECHO, 0, reply_payload, sizeof(reply_payload), &reply), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_retry(NULL, OP_ECHO, 0, NULL, 0, &reply), -SEL4FT_EINVAL);
    assert_int_equal(kernel.calls, 0);
    assert_int_equal(seen.calls, 0);
}

static void test_two_clients_on_separate_channels(void **state)
{
    (void)state;
    sel4ft_rpc_client_t small_client;
    sel4ft_rpc_reply_t reply;
    uint8_t reply_payload[64];
    assert_int_equal(sel4ft_rpc_client_init(&small_client, small_region, sizeof(small_region), SMALL_CHANNEL, 500), 0);

    memset(sel4ft_rpc_client_payload(&small_client), 's', SMALL_CAPACITY);
    assert_int_equal(
        sel4ft_rpc_call(&small_client, OP_ECHO, SMALL_CAPACITY, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_int_equal(reply.length, SMALL_CAPACITY);
    assert_int_equal(reply.request_id, 500);
    assert_int_equal(seen.channel, SMALL_CHANNEL);
    assert_int_equal(seen.response_capacity, SMALL_CAPACITY);
    assert_ptr_equal(seen.response_payload, small_region + SMALL_CAPACITY);
    assert_int_equal(
        sel4ft_rpc_call(&small_client, OP_ECHO, SMALL_CAPACITY + 1, reply_payload, sizeof(reply_payload), &reply),
        -SEL4FT_E2BIG);

    /* The other client's region was not touched. */
    for (size_t i = 0; i < sizeof(region); i++) {
        assert_int_equal(region[i], 0);
    }

    set_payload("big", 3);
    assert_int_equal(sel4ft_rpc_call(&client, OP_ECHO, 3, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(seen.channel, CHANNEL);
    assert_memory_equal(reply_payload, "big", 3);

    /* A length that fits one client's region but not the other's is refused on the smaller one. */
    sel4ft_os_mr_set(0, 1);
    sel4ft_os_mr_set(1, 0);
    sel4ft_msginfo_t answer = sel4ft_os_ppcall(
        SMALL_CHANNEL, sel4ft_msginfo_new(sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, OP_ECHO, 3 + SMALL_CAPACITY), 2));
    assert_int_equal(answer.label, SEL4FT_RPC_LABEL_REJECT);
    assert_int_equal(sel4ft_os_mr_get(0), SEL4FT_RPC_BAD_MESSAGE);
}

/* The handler's view of the payload */

static void test_handler_payload_is_private_copy(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    set_payload("0123456789abcdef", 16);

    assert_int_equal(sel4ft_rpc_call(&client, OP_INSPECT, 16, NULL, 0, &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_int_equal(seen.calls, 1);
    /* The payload pointer is in the server's scratch buffer, not in the shared region. */
    assert_ptr_equal(seen.payload, scratch);
    assert_null(seen.shared_payload);
    assert_true((uintptr_t)seen.payload + seen.length <= (uintptr_t)scratch + sizeof(scratch));
    assert_true((uintptr_t)seen.payload + seen.length <= (uintptr_t)region
        || (uintptr_t)seen.payload >= (uintptr_t)region + sizeof(region));
    /* Rewriting the shared region in the middle of the handler did not change what it saw. */
    assert_true(seen.payload_stable);
    assert_memory_equal(scratch, "0123456789abcdef", 16);
}

/* An opcode declared opaque is not copied: the handler gets the region itself, and no private pointer. */
static void test_handler_payload_opaque(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    uint8_t reply_payload[32];
    memset(scratch, CANARY, sizeof(scratch));
    set_payload("passed on as is", 15);

    assert_int_equal(sel4ft_rpc_call(&client, OP_OPAQUE_ECHO, 15, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_int_equal(reply.length, 15);
    assert_memory_equal(reply_payload, "passed on as is", 15);
    assert_ptr_equal(seen.shared_payload, region);
    assert_null(seen.payload);
    assert_ptr_equal(seen.response_payload, region + CAPACITY);
    /* The private buffer was not used. */
    assert_all_canary(scratch, sizeof(scratch));

    /* An empty opaque request still points at the region; a parsed one at the buffer. */
    assert_int_equal(sel4ft_rpc_call(&client, OP_OPAQUE_INSPECT, 0, NULL, 0, &reply), 0);
    assert_ptr_equal(seen.shared_payload, region);
    assert_null(seen.payload);
    assert_int_equal(sel4ft_rpc_call(&client, OP_UNKNOWN, 0, NULL, 0, &reply), 0);
    assert_ptr_equal(seen.payload, scratch);
    assert_null(seen.shared_payload);
}

/* sel4ft_rpc_request_copy() copies whichever payload the request has, exactly its length. */
static void test_request_copy(void **state)
{
    (void)state;
    uint8_t shared[16] = "opaque bytes...";
    uint8_t private_copy[16] = "parsed bytes...";
    uint8_t destination[20];
    sel4ft_rpc_request_t request = { .length = 6, .shared_payload = shared };

    memset(destination, CANARY, sizeof(destination));
    sel4ft_rpc_request_copy(&request, destination);
    assert_memory_equal(destination, "opaque", 6);
    assert_all_canary(destination + 6, sizeof(destination) - 6);

    request = (sel4ft_rpc_request_t){ .length = 15, .payload = private_copy };
    memset(destination, CANARY, sizeof(destination));
    sel4ft_rpc_request_copy(&request, destination);
    assert_memory_equal(destination, "parsed bytes...", 15);
    assert_all_canary(destination + 15, sizeof(destination) - 15);

    /* An empty request with neither pointer copies nothing. */
    request = (sel4ft_rpc_request_t){ .length = 0 };
    memset(destination, CANARY, sizeof(destination));
    sel4ft_rpc_request_copy(&request, destination);
    assert_all_canary(destination, sizeof(destination));
}

/* A server without a private buffer serves opaque and empty requests, and refuses a parsed one that has a payload
 * before its handler sees it. */
static void test_server_without_buffer(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    uint8_t reply_payload[8];
    assert_int_equal(sel4ft_rpc_server_init(&server, service, &seen, 1, NULL, 0), 0);
    assert_int_equal(sel4ft_rpc_server_declare_opaque(&server, OP_OPAQUE_ECHO), 0);
    assert_int_equal(sel4ft_rpc_server_attach(&server, CHANNEL, region, sizeof(region)), 0);

    set_payload("abc", 3);
    assert_int_equal(sel4ft_rpc_call(&client, OP_OPAQUE_ECHO, 3, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_memory_equal(reply_payload, "abc", 3);

    assert_int_equal(sel4ft_rpc_call(&client, OP_UNKNOWN, 0, NULL, 0, &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_UNKNOWN_OPERATION);
    assert_null(seen.payload);
    assert_null(seen.shared_payload);
    assert_int_equal(seen.calls, 2);

    set_two_u32(1, 2);
    assert_int_equal(sel4ft_rpc_call(&client, OP_ADD, 8, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_TOO_LARGE);
    assert_int_equal(reply.length, 0);
    assert_int_equal(seen.calls, 2);
    assert_int_equal(server.requests, 3);
}

/* Hostile requests: forged labels and registers, bypassing the client */

/* Make a PPC as a client would, with this label, count and registers, and check the server refused it. */
static void assert_rejected_with(uint64_t label, uint32_t count, uint64_t mr0, uint64_t mr1, uint32_t status)
{
    uint8_t before[REGION_SIZE];
    memcpy(before, region, sizeof(before));
    uint64_t requests = server.requests;
    uint64_t rejected = server.rejected;
    unsigned calls = kernel.calls;
    sel4ft_os_mr_set(0, mr0);
    sel4ft_os_mr_set(1, mr1);

    sel4ft_msginfo_t answer = sel4ft_os_ppcall(CHANNEL, (sel4ft_msginfo_t) { label, count });
    assert_int_equal(kernel.calls, calls + 1);
    assert_int_equal(answer.label, SEL4FT_RPC_LABEL_REJECT);
    assert_int_equal(answer.count, SEL4FT_RPC_MRS);
    assert_int_equal(sel4ft_os_mr_get(0), status);
    assert_int_equal(sel4ft_os_mr_get(1), server.epoch);
    assert_int_equal(seen.calls, 0);
    assert_int_equal(server.requests, requests);
    assert_int_equal(server.rejected, rejected + 1);
    /* A refusal leaves the region alone. */
    assert_memory_equal(region, before, sizeof(before));
}

static void assert_rejected(uint64_t label, uint32_t status)
{
    assert_rejected_with(label, SEL4FT_RPC_MRS, 1, 0, status);
}

/* The kind of message of protocol version 1 (the header was in the region then) and of a later version. */
static void test_hostile_request_other_versions(void **state)
{
    (void)state;
    sel4ft_rpc_header_write(region, OP_ECHO, 0, 4, 1, 1);
    assert_rejected(0x5f401, SEL4FT_RPC_BAD_MESSAGE);
    assert_rejected(sel4ft_rpc_label(0x5f01u | (1u << 4), OP_ECHO, 4), SEL4FT_RPC_BAD_MESSAGE);
    assert_rejected(sel4ft_rpc_label(0x5f01u | ((SEL4FT_RPC_VERSION + 1) << 4), OP_ECHO, 4), SEL4FT_RPC_BAD_MESSAGE);
    /* The same request with this version's kind is served. */
    sel4ft_os_mr_set(0, 1);
    sel4ft_os_mr_set(1, 0);
    sel4ft_msginfo_t answer
        = sel4ft_os_ppcall(CHANNEL, (sel4ft_msginfo_t) { sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, OP_ECHO, 4), 2 });
    assert_int_equal(answer.label, sel4ft_rpc_label(SEL4FT_RPC_KIND_REPLY, OP_ECHO, 4));
}

static void test_hostile_request_huge_length(void **state)
{
    (void)state;
    assert_rejected(sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, OP_ECHO, SEL4FT_RPC_LABEL_LENGTH_MASK),
                    SEL4FT_RPC_BAD_MESSAGE);
}

static void test_hostile_request_length_one_past_capacity(void **state)
{
    (void)state;
    assert_rejected(sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, OP_ECHO, CAPACITY + 1), SEL4FT_RPC_BAD_MESSAGE);
}

static void test_hostile_request_register_count(void **state)
{
    (void)state;
    uint64_t label = sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, OP_ECHO, 4);
    static const uint32_t counts[] = { 0, 1, 3, 4, SEL4FT_OS_MAX_MRS };
    for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
        assert_rejected_with(label, counts[i], 1, 0, SEL4FT_RPC_BAD_MESSAGE);
    }
}

/* An epoch no incarnation can have (above 32 bits) is just another stale one: refused before the handler, with the
 * server's epoch, so the client learns it. */
static void test_hostile_request_epoch_too_large(void **state)
{
    (void)state;
    static const uint64_t epochs[] = { SEL4FT_RPC_EPOCH_MAX + 1, (1ull << 32) | 1, UINT64_MAX };
    for (size_t i = 0; i < ARRAY_SIZE(epochs); i++) {
        sel4ft_os_mr_set(0, 5);
        sel4ft_os_mr_set(1, epochs[i]);
        sel4ft_msginfo_t answer = sel4ft_os_ppcall(
            CHANNEL, (sel4ft_msginfo_t) { sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, OP_ECHO, 4), SEL4FT_RPC_MRS });
        assert_int_equal(answer.label, sel4ft_rpc_label(SEL4FT_RPC_KIND_REPLY, OP_ECHO, 0));
        assert_int_equal(sel4ft_os_mr_get(0), 5);
        assert_int_equal(sel4ft_os_mr_get(1), SEL4FT_RPC_STALE_EPOCH | (server.epoch << 32));
    }
    assert_int_equal(seen.calls, 0);
    assert_int_equal(server.rejected, 0);
}

/* Bits above the 52 a seL4 label holds (the Linux port carries 64): not a request either. */
static void test_hostile_request_label_high_bits(void **state)
{
    (void)state;
    uint64_t label = sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, OP_ECHO, 4);
    assert_rejected(label | (1ull << 52), SEL4FT_RPC_BAD_MESSAGE);
    assert_rejected(label | (1ull << 63), SEL4FT_RPC_BAD_MESSAGE);
}

static void test_request_with_wrong_label(void **state)
{
    (void)state;
    /* A well-formed header does not make up for a kind that is not a request. */
    assert_rejected(sel4ft_rpc_label(SEL4FT_RPC_KIND_REPLY, OP_ECHO, 4), SEL4FT_RPC_BAD_MESSAGE);
    assert_rejected(SEL4FT_RPC_LABEL_REJECT, SEL4FT_RPC_BAD_MESSAGE);
    assert_rejected(0, SEL4FT_RPC_BAD_MESSAGE);
    assert_rejected(0x1234, SEL4FT_RPC_BAD_MESSAGE);
    assert_rejected((uint64_t)SEL4FT_RPC_KIND_REQUEST, SEL4FT_RPC_BAD_MESSAGE);
}

static void test_hostile_request_random_headers(void **state)
{
    (void)state;
    /* Random labels and registers, some made nearly valid: the server never crashes and runs the handler only on
     * valid ones. The region is garbage too. */
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t j = 0; j < sizeof(region); j++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        region[j] = (uint8_t)x;
    }
    for (unsigned i = 0; i < 4000; i++) {
        uint64_t words[4];
        for (size_t j = 0; j < ARRAY_SIZE(words); j++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            words[j] = x;
        }
        uint64_t label = words[0];
        uint32_t count = (uint32_t)(words[3] % 4);
        uint64_t mr0 = words[1];
        uint64_t mr1 = words[2];
        if (i % 2 == 0) {
            /* This version's request kind, 52 bits. */
            label = ((uint64_t)SEL4FT_RPC_KIND_REQUEST << SEL4FT_RPC_LABEL_KIND_SHIFT)
                | (label & ((1ull << SEL4FT_RPC_LABEL_KIND_SHIFT) - 1));
        }
        if (i % 4 == 0) {
            count = SEL4FT_RPC_MRS;
        }
        if (i % 8 == 0) {
            /* Lengths around the capacity, some just past it. */
            label = (label & ~(uint64_t)SEL4FT_RPC_LABEL_LENGTH_MASK) | (words[3] % (CAPACITY + 64));
        }
        if (i % 16 == 0) {
            mr1 = i % 32 == 0 ? 0 : server.epoch;
        } else if (i % 16 == 8) {
            mr1 &= SEL4FT_RPC_EPOCH_MAX;
        }
        bool valid = label >> SEL4FT_RPC_LABEL_KIND_SHIFT == SEL4FT_RPC_KIND_REQUEST && count == SEL4FT_RPC_MRS
            && (label & SEL4FT_RPC_LABEL_LENGTH_MASK) <= CAPACITY;
        bool fresh = mr1 == 0 || mr1 == server.epoch;

        unsigned calls = seen.calls;
        sel4ft_os_mr_set(0, mr0);
        sel4ft_os_mr_set(1, mr1);
        sel4ft_msginfo_t answer = sel4ft_os_ppcall(CHANNEL, (sel4ft_msginfo_t) { label, count });
        if (!valid) {
            assert_int_equal(answer.label, SEL4FT_RPC_LABEL_REJECT);
            assert_int_equal(sel4ft_os_mr_get(0), SEL4FT_RPC_BAD_MESSAGE);
            assert_int_equal(seen.calls, calls);
        } else {
            assert_int_equal(answer.label >> SEL4FT_RPC_LABEL_KIND_SHIFT, SEL4FT_RPC_KIND_REPLY);
            assert_int_equal(answer.count, SEL4FT_RPC_MRS);
            assert_int_equal(seen.calls, calls + (fresh ? 1 : 0));
            /* The reply is well formed: this request's id and opcode, a length the region holds, a valid status. */
            assert_int_equal(sel4ft_os_mr_get(0), mr0);
            assert_int_equal((answer.label >> SEL4FT_RPC_LABEL_OPCODE_SHIFT) & 0xffff,
                             (label >> SEL4FT_RPC_LABEL_OPCODE_SHIFT) & 0xffff);
            assert_true((answer.label & SEL4FT_RPC_LABEL_LENGTH_MASK) <= CAPACITY);
            assert_true(sel4ft_rpc_status_valid((uint32_t)sel4ft_os_mr_get(1)));
            assert_int_equal(sel4ft_os_mr_get(1) >> 32, server.epoch);
            if (!fresh) {
                assert_int_equal((uint32_t)sel4ft_os_mr_get(1), SEL4FT_RPC_STALE_EPOCH);
            }
        }
    }
    assert_true(seen.calls > 0);
    assert_true(server.rejected > 0);
}

static void test_no_region(void **state)
{
    (void)state;
    sel4ft_rpc_client_t stranger;
    sel4ft_rpc_reply_t reply;
    static uint8_t stranger_region[256] __attribute__((aligned(8)));
    assert_int_equal(
        sel4ft_rpc_client_init(&stranger, stranger_region, sizeof(stranger_region), UNATTACHED_CHANNEL, 1), 0);

    memcpy(sel4ft_rpc_client_payload(&stranger), "hi", 2);
    assert_int_equal(sel4ft_rpc_call(&stranger, OP_ECHO, 2, NULL, 0, &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_NO_REGION);
    assert_int_equal(reply.length, 0);
    assert_int_equal(reply.request_id, 1);
    assert_int_equal(reply.epoch, 1);
    assert_int_equal(kernel.channel, UNATTACHED_CHANNEL);
    assert_int_equal(seen.calls, 0);
    assert_int_equal(server.rejected, 1);

    /* Channels beyond the table are refused the same way, without reading past it. */
    static const sel4ft_channel_t beyond[] = { SEL4FT_OS_MAX_CHANNEL + 1, 1000, UINT32_MAX };
    for (size_t i = 0; i < ARRAY_SIZE(beyond); i++) {
        sel4ft_msginfo_t answer = sel4ft_rpc_server_handle(
            &server, beyond[i], (sel4ft_msginfo_t) { sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, OP_ECHO, 0), 2 });
        assert_int_equal(answer.label, SEL4FT_RPC_LABEL_REJECT);
        assert_int_equal(sel4ft_os_mr_get(0), SEL4FT_RPC_NO_REGION);
        answer = sel4ft_rpc_server_handle_with(&server, beyond[i],
            (sel4ft_msginfo_t) { sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, OP_ECHO, 0), 2 }, service, &seen);
        assert_int_equal(answer.label, SEL4FT_RPC_LABEL_REJECT);
        assert_int_equal(sel4ft_os_mr_get(0), SEL4FT_RPC_NO_REGION);
    }
    assert_int_equal(seen.calls, 0);
}

/* Epochs */

static void test_stale_epoch_after_restart(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    uint8_t reply_payload[16];

    set_payload("one", 3);
    assert_int_equal(sel4ft_rpc_call(&client, OP_ECHO, 3, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(client.epoch, 1);
    assert_int_equal(seen.calls, 1);

    /* The server restarts: a new incarnation with epoch 2 and the same configuration. */
    assert_int_equal(sel4ft_rpc_server_init(&server, service, &seen, 2, scratch, sizeof(scratch)), 0);
    assert_int_equal(sel4ft_rpc_server_attach(&server, CHANNEL, region, sizeof(region)), 0);

    set_payload("two", 3);
    uint64_t id = client.next_request_id;
    memset(reply_payload, CANARY, sizeof(reply_payload));
    assert_int_equal(
        sel4ft_rpc_call(&client, OP_ECHO, 3, reply_payload, sizeof(reply_payload), &reply), -SEL4FT_ESTALE);
    assert_int_equal(reply.status, SEL4FT_RPC_STALE_EPOCH);
    assert_int_equal(reply.epoch, 2);
    assert_int_equal(reply.request_id, id);
    assert_int_equal(client.epoch, 2);
    /* The request named epoch 1 in its second register, and was not applied. */
    assert_int_equal(seen.calls, 1);
    assert_all_canary(reply_payload, sizeof(reply_payload));

    /* Retry under the same id, with the payload written again. */
    set_payload("two", 3);
    assert_int_equal(sel4ft_rpc_retry(&client, OP_ECHO, 3, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_int_equal(reply.request_id, id);
    assert_int_equal(reply.epoch, 2);
    assert_memory_equal(reply_payload, "two", 3);
    assert_int_equal(seen.calls, 2);
    assert_int_equal(seen.request_id, id);
    assert_int_equal(client.next_request_id, id + 1);

    /* And the client goes on under the new epoch. */
    set_payload("three", 5);
    assert_int_equal(sel4ft_rpc_call(&client, OP_ECHO, 5, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_int_equal(seen.calls, 3);
}

static void test_new_client_adopts_epoch(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;

    /* A client that has seen no epoch (0) is served by any incarnation, up to the largest epoch. */
    assert_int_equal(sel4ft_rpc_server_init(&server, service, &seen, SEL4FT_RPC_EPOCH_MAX, scratch, sizeof(scratch)),
                     0);
    assert_int_equal(sel4ft_rpc_server_attach(&server, CHANNEL, region, sizeof(region)), 0);
    assert_int_equal(client.epoch, 0);

    assert_int_equal(sel4ft_rpc_call(&client, OP_UNKNOWN, 0, NULL, 0, &reply), 0);
    assert_int_equal(reply.epoch, SEL4FT_RPC_EPOCH_MAX);
    assert_int_equal(client.epoch, SEL4FT_RPC_EPOCH_MAX);
    assert_int_equal(seen.calls, 1);
    /* And then names it. */
    assert_int_equal(sel4ft_rpc_call(&client, OP_UNKNOWN, 0, NULL, 0, &reply), 0);
    assert_int_equal(kernel.message.count, SEL4FT_RPC_MRS);
    assert_int_equal(seen.calls, 2);
}

static void test_old_epoch_from_newer_client_refused(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;

    /* A client that believes in a later epoch than the server's is refused too: any mismatch is stale. */
    client.epoch = 5;
    assert_int_equal(sel4ft_rpc_call(&client, OP_UNKNOWN, 0, NULL, 0, &reply), -SEL4FT_ESTALE);
    assert_int_equal(reply.status, SEL4FT_RPC_STALE_EPOCH);
    assert_int_equal(client.epoch, 1);
    assert_int_equal(seen.calls, 0);
}

/* A hostile server */

enum hostile_mode {
    HOSTILE_NONE, /* a correct reply, to show the hook itself works */
    HOSTILE_OLD_VERSION,      /* version 1's reply label */
    HOSTILE_OTHER_VERSION,    /* a reply kind of another version */
    HOSTILE_REGISTER_COUNT,   /* a reply label with three registers */
    HOSTILE_NO_REGISTERS,     /* a reply label with none */
    HOSTILE_WRONG_ID,
    HOSTILE_WRONG_OPCODE,
    HOSTILE_HUGE_LENGTH,
    HOSTILE_LENGTH_PAST_REGION,
    HOSTILE_LABEL_ZERO,
    HOSTILE_LABEL_UNKNOWN,
    HOSTILE_LABEL_REQUEST,
    HOSTILE_REJECT_RESTARTED,
    HOSTILE_REJECT_STALE,
    HOSTILE_REJECT_OTHER,
    HOSTILE_REJECT_COUNT,     /* a refusal with three registers */
    HOSTILE_REJECT_FIELDS,    /* a refusal kind with an opcode and a length in its label */
    HOSTILE_REPLY_STALE,
    HOSTILE_RESERVED_STATUS,  /* a well-formed reply whose status lies in the library's reserved range */
    HOSTILE_SERVICE_STATUS,   /* a well-formed reply with a service's own status */
    HOSTILE_REJECT_SERVICE,   /* a refusal that claims a service's status: only the library refuses */
};

static enum hostile_mode hostile_mode;

#define HOSTILE_EPOCH     1u
#define HOSTILE_NEW_EPOCH 9u
#define HOSTILE_REPLY     "RRRRRRRR"

static sel4ft_msginfo_t hostile_reply(uint16_t opcode, uint32_t length, uint64_t id, uint32_t status, uint64_t epoch)
{
    sel4ft_os_mr_set(0, id);
    sel4ft_os_mr_set(1, status | (epoch << 32));
    return (sel4ft_msginfo_t) { sel4ft_rpc_label(SEL4FT_RPC_KIND_REPLY, opcode, length), SEL4FT_RPC_MRS };
}

static sel4ft_msginfo_t hostile_reject(uint64_t status, uint64_t epoch)
{
    sel4ft_os_mr_set(0, status);
    sel4ft_os_mr_set(1, epoch);
    return (sel4ft_msginfo_t) { SEL4FT_RPC_LABEL_REJECT, SEL4FT_RPC_MRS };
}

/* Reads the client's request from its label and registers, then answers broken in one way. */
static sel4ft_msginfo_t hostile_ppcall(void *context, sel4ft_channel_t channel, sel4ft_msginfo_t message)
{
    (void)context;
    kernel.calls++;
    kernel.channel = channel;
    kernel.message = message;

    uint64_t id = sel4ft_os_mr_get(0);
    uint16_t opcode = (uint16_t)(message.label >> SEL4FT_RPC_LABEL_OPCODE_SHIFT);
    memcpy(region + CAPACITY, HOSTILE_REPLY, 8);
    sel4ft_msginfo_t good = hostile_reply(opcode, 8, id, SEL4FT_RPC_OK, HOSTILE_EPOCH);
    switch (hostile_mode) {
    case HOSTILE_NONE:
        return good;
    case HOSTILE_OLD_VERSION:
        return (sel4ft_msginfo_t) { 0x5f402, SEL4FT_RPC_MRS };
    case HOSTILE_OTHER_VERSION:
        return (sel4ft_msginfo_t) { sel4ft_rpc_label(0x5f02u | ((SEL4FT_RPC_VERSION + 1) << 4), opcode, 8),
                                    SEL4FT_RPC_MRS };
    case HOSTILE_REGISTER_COUNT:
        return (sel4ft_msginfo_t) { good.label, SEL4FT_RPC_MRS + 1 };
    case HOSTILE_NO_REGISTERS:
        return (sel4ft_msginfo_t) { good.label, 0 };
    case HOSTILE_WRONG_ID:
        return hostile_reply(opcode, 8, id + 1, SEL4FT_RPC_OK, HOSTILE_EPOCH);
    case HOSTILE_WRONG_OPCODE:
        return hostile_reply((uint16_t)(opcode + 1), 8, id, SEL4FT_RPC_OK, HOSTILE_EPOCH);
    case HOSTILE_HUGE_LENGTH:
        return hostile_reply(opcode, SEL4FT_RPC_LABEL_LENGTH_MASK, id, SEL4FT_RPC_OK, HOSTILE_EPOCH);
    case HOSTILE_LENGTH_PAST_REGION:
        return hostile_reply(opcode, CAPACITY + 1, id, SEL4FT_RPC_OK, HOSTILE_EPOCH);
    case HOSTILE_LABEL_ZERO:
        return (sel4ft_msginfo_t) { 0, 0 };
    case HOSTILE_LABEL_UNKNOWN:
        return (sel4ft_msginfo_t) { 0x5f4ff, SEL4FT_RPC_MRS };
    case HOSTILE_LABEL_REQUEST:
        return (sel4ft_msginfo_t) { sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, opcode, 8), SEL4FT_RPC_MRS };
    case HOSTILE_REJECT_RESTARTED:
        return hostile_reject(SEL4FT_RPC_PEER_RESTARTED, HOSTILE_NEW_EPOCH);
    case HOSTILE_REJECT_STALE:
        return hostile_reject(SEL4FT_RPC_STALE_EPOCH, HOSTILE_NEW_EPOCH);
    case HOSTILE_REJECT_OTHER:
        return hostile_reject(SEL4FT_RPC_BAD_MESSAGE, HOSTILE_EPOCH);
    case HOSTILE_REJECT_COUNT:
        hostile_reject(SEL4FT_RPC_PEER_RESTARTED, HOSTILE_NEW_EPOCH);
        return (sel4ft_msginfo_t) { SEL4FT_RPC_LABEL_REJECT, SEL4FT_RPC_MRS + 1 };
    case HOSTILE_REJECT_FIELDS:
        hostile_reject(SEL4FT_RPC_PEER_RESTARTED, HOSTILE_NEW_EPOCH);
        return (sel4ft_msginfo_t) { sel4ft_rpc_label(SEL4FT_RPC_KIND_REJECT, opcode, 8), SEL4FT_RPC_MRS };
    case HOSTILE_REPLY_STALE:
        return hostile_reply(opcode, 8, id, SEL4FT_RPC_STALE_EPOCH, HOSTILE_NEW_EPOCH);
    case HOSTILE_RESERVED_STATUS:
        return hostile_reply(opcode, 8, id, SEL4FT_RPC_STATUS_SERVICE_FIRST - 1, HOSTILE_EPOCH);
    case HOSTILE_SERVICE_STATUS:
        return hostile_reply(opcode, 8, id, SEL4FT_RPC_STATUS_SERVICE_FIRST + 42, HOSTILE_EPOCH);
    case HOSTILE_REJECT_SERVICE:
        return hostile_reject(SEL4FT_RPC_STATUS_SERVICE_FIRST, HOSTILE_EPOCH);
    }
    return good;
}

static int hostile_setup(void **state)
{
    setup(state);
    install_kernel(hostile_ppcall);
    hostile_mode = HOSTILE_NONE;
    return 0;
}

/* One call against the hostile server; returns sel4ft_rpc_call()'s result, checks what must hold on failure. */
static int hostile_call(enum hostile_mode mode, sel4ft_rpc_reply_t *reply)
{
    uint8_t reply_payload[16];
    memset(reply_payload, CANARY, sizeof(reply_payload));
    memset(reply, CANARY, sizeof(*reply));
    hostile_mode = mode;
    uint64_t epoch = client.epoch;

    set_payload("request", 7);
    int err = sel4ft_rpc_call(&client, OP_ECHO, 7, reply_payload, sizeof(reply_payload), reply);
    assert_int_equal(kernel.message.label, sel4ft_rpc_label(SEL4FT_RPC_KIND_REQUEST, OP_ECHO, 7));
    if (err == 0 && reply->length != 0) {
        assert_memory_equal(reply_payload, HOSTILE_REPLY, reply->length);
    } else {
        /* Nothing from a bad reply reaches the caller's buffer. */
        assert_all_canary(reply_payload, sizeof(reply_payload));
    }
    if (err != 0 && err != -SEL4FT_ESTALE) {
        /* A reply that failed validation teaches the client nothing. */
        assert_int_equal(client.epoch, epoch);
    }
    return err;
}

static void test_hostile_server_good_reply(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    assert_int_equal(hostile_call(HOSTILE_NONE, &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_int_equal(reply.length, 8);
    assert_int_equal(reply.request_id, FIRST_REQUEST_ID);
    assert_int_equal(client.epoch, HOSTILE_EPOCH);
}

static void test_hostile_server_malformed_reply(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    assert_int_equal(hostile_call(HOSTILE_REGISTER_COUNT, &reply), -SEL4FT_EBADMSG);
    assert_int_equal(hostile_call(HOSTILE_NO_REGISTERS, &reply), -SEL4FT_EBADMSG);
    assert_int_equal(hostile_call(HOSTILE_HUGE_LENGTH, &reply), -SEL4FT_EBADMSG);
    assert_int_equal(hostile_call(HOSTILE_LENGTH_PAST_REGION, &reply), -SEL4FT_EBADMSG);
    assert_int_equal(hostile_call(HOSTILE_REJECT_COUNT, &reply), -SEL4FT_EBADMSG);
    assert_int_equal(hostile_call(HOSTILE_REJECT_FIELDS, &reply), -SEL4FT_EBADMSG);
    assert_int_equal(client.epoch, 0);
}

static void test_hostile_server_statuses(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    /* A status the library reserves is refused like any malformed reply. */
    assert_int_equal(hostile_call(HOSTILE_RESERVED_STATUS, &reply), -SEL4FT_EBADMSG);
    assert_int_equal(client.epoch, 0);
    /* A service's own status reaches the caller with its payload. */
    assert_int_equal(hostile_call(HOSTILE_SERVICE_STATUS, &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_STATUS_SERVICE_FIRST + 42);
    assert_int_equal(reply.length, 8);
    /* A refusal carries only the library's statuses. */
    assert_int_equal(hostile_call(HOSTILE_REJECT_SERVICE, &reply), -SEL4FT_EPEER);
}

static void test_hostile_server_mismatched_reply(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    assert_int_equal(hostile_call(HOSTILE_WRONG_ID, &reply), -SEL4FT_EMISMATCH);
    assert_int_equal(hostile_call(HOSTILE_WRONG_OPCODE, &reply), -SEL4FT_EMISMATCH);
    assert_int_equal(client.epoch, 0);
}

static void test_hostile_server_wrong_label(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    assert_int_equal(hostile_call(HOSTILE_LABEL_ZERO, &reply), -SEL4FT_EPEER);
    assert_int_equal(hostile_call(HOSTILE_LABEL_UNKNOWN, &reply), -SEL4FT_EPEER);
    assert_int_equal(hostile_call(HOSTILE_LABEL_REQUEST, &reply), -SEL4FT_EPEER);
    assert_int_equal(hostile_call(HOSTILE_OLD_VERSION, &reply), -SEL4FT_EPEER);
    assert_int_equal(hostile_call(HOSTILE_OTHER_VERSION, &reply), -SEL4FT_EPEER);
    assert_int_equal(client.epoch, 0);
}

static void test_hostile_server_reject(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;

    assert_int_equal(hostile_call(HOSTILE_REJECT_OTHER, &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_BAD_MESSAGE);
    assert_int_equal(reply.length, 0);
    assert_int_equal(reply.request_id, FIRST_REQUEST_ID);

    assert_int_equal(hostile_call(HOSTILE_REJECT_RESTARTED, &reply), -SEL4FT_ESTALE);
    assert_int_equal(reply.status, SEL4FT_RPC_PEER_RESTARTED);
    assert_int_equal(reply.epoch, HOSTILE_NEW_EPOCH);
    assert_int_equal(reply.request_id, FIRST_REQUEST_ID + 1);
    assert_int_equal(client.epoch, HOSTILE_NEW_EPOCH);

    client.epoch = 1;
    assert_int_equal(hostile_call(HOSTILE_REJECT_STALE, &reply), -SEL4FT_ESTALE);
    assert_int_equal(reply.status, SEL4FT_RPC_STALE_EPOCH);
    assert_int_equal(client.epoch, HOSTILE_NEW_EPOCH);

    client.epoch = 1;
    assert_int_equal(hostile_call(HOSTILE_REPLY_STALE, &reply), -SEL4FT_ESTALE);
    assert_int_equal(reply.status, SEL4FT_RPC_STALE_EPOCH);
    assert_int_equal(reply.length, 0);
    assert_int_equal(client.epoch, HOSTILE_NEW_EPOCH);
}

static void test_no_kernel_hook(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;

    /* Without a PPC hook the port answers label 0: the client reports that no peer answered. */
    sel4ft_os_linux_set_hooks(NULL);
    assert_int_equal(sel4ft_rpc_call(&client, OP_ECHO, 0, NULL, 0, &reply), -SEL4FT_EPEER);
    assert_int_equal(seen.calls, 0);
}

/* A server restarted in the middle of a call */

/* The kernel, after the server crashed during this call: the new incarnation answers it from its init(). */
static sel4ft_msginfo_t restarted_ppcall(void *context, sel4ft_channel_t channel, sel4ft_msginfo_t message)
{
    kernel.calls++;
    kernel.channel = channel;
    kernel.message = message;
    return sel4ft_rpc_server_restarted(context);
}

static void restart_server(uint64_t epoch)
{
    assert_int_equal(sel4ft_rpc_server_init(&server, service, &seen, epoch, scratch, sizeof(scratch)), 0);
    assert_int_equal(sel4ft_rpc_server_attach(&server, CHANNEL, region, sizeof(region)), 0);
}

static void test_server_restarted_reply(void **state)
{
    (void)state;
    restart_server(6);
    memset(region, CANARY, sizeof(region));
    sel4ft_os_mr_set(0, 0xdeadbeef);
    sel4ft_os_mr_set(1, 0xdeadbeef);
    sel4ft_os_mr_set(2, 0x1234);

    sel4ft_msginfo_t answer = sel4ft_rpc_server_restarted(&server);
    assert_int_equal(answer.label, SEL4FT_RPC_LABEL_REJECT);
    assert_int_equal(answer.count, SEL4FT_RPC_MRS);
    assert_int_equal(sel4ft_os_mr_get(0), SEL4FT_RPC_PEER_RESTARTED);
    assert_int_equal(sel4ft_os_mr_get(1), 6);
    /* Only the two registers of the reply are set; the region and the handler are left alone. */
    assert_int_equal(sel4ft_os_mr_get(2), 0x1234);
    assert_all_canary(region, sizeof(region));
    assert_int_equal(seen.calls, 0);

    /* Another incarnation, another epoch. */
    restart_server(7);
    answer = sel4ft_rpc_server_restarted(&server);
    assert_int_equal(answer.label, SEL4FT_RPC_LABEL_REJECT);
    assert_int_equal(sel4ft_os_mr_get(1), 7);
}

static void test_call_interrupted_by_restart(void **state)
{
    (void)state;
    sel4ft_rpc_reply_t reply;
    uint8_t reply_payload[16];

    /* A first call to incarnation 1. */
    set_payload("one", 3);
    assert_int_equal(sel4ft_rpc_call(&client, OP_ECHO, 3, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(client.epoch, 1);

    /* The second call crashes the server; incarnation 2 answers it with sel4ft_rpc_server_restarted(). */
    restart_server(2);
    install_kernel(restarted_ppcall);
    uint64_t id = client.next_request_id;
    set_payload("two", 3);
    memset(reply_payload, CANARY, sizeof(reply_payload));
    assert_int_equal(
        sel4ft_rpc_call(&client, OP_ECHO, 3, reply_payload, sizeof(reply_payload), &reply), -SEL4FT_ESTALE);
    assert_int_equal(kernel.calls, 2);
    assert_int_equal(reply.status, SEL4FT_RPC_PEER_RESTARTED);
    assert_int_equal(reply.epoch, 2);
    assert_int_equal(reply.request_id, id);
    assert_int_equal(reply.length, 0);
    assert_int_equal(client.epoch, 2);
    assert_all_canary(reply_payload, sizeof(reply_payload));
    assert_int_equal(seen.calls, 1);

    /* The retry, under the same id and the new epoch, is served. */
    install_kernel(kernel_ppcall);
    set_payload("two", 3);
    assert_int_equal(sel4ft_rpc_call_id(&client, id, OP_ECHO, 3, reply_payload, sizeof(reply_payload), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    assert_int_equal(reply.epoch, 2);
    assert_int_equal(reply.request_id, id);
    assert_memory_equal(reply_payload, "two", 3);
    assert_int_equal(seen.calls, 2);
    assert_int_equal(seen.request_id, id);

    /* A client that had not seen any epoch yet learns it the same way. */
    sel4ft_rpc_client_t newcomer;
    static uint8_t newcomer_region[SEL4FT_RPC_REGION_MIN] __attribute__((aligned(8)));
    assert_int_equal(sel4ft_rpc_client_init(&newcomer, newcomer_region, sizeof(newcomer_region), CHANNEL, 1), 0);
    install_kernel(restarted_ppcall);
    assert_int_equal(sel4ft_rpc_call(&newcomer, OP_ECHO, 0, NULL, 0, &reply), -SEL4FT_ESTALE);
    assert_int_equal(reply.status, SEL4FT_RPC_PEER_RESTARTED);
    assert_int_equal(newcomer.epoch, 2);
}

static void test_stale_request_status_name(void **state)
{
    (void)state;
    assert_string_equal(sel4ft_rpc_status_str(SEL4FT_RPC_STALE_REQUEST), "SEL4FT_RPC_STALE_REQUEST");
    assert_string_equal(sel4ft_rpc_status_str(SEL4FT_RPC_REQUEST_ID_REUSED), "SEL4FT_RPC_REQUEST_ID_REUSED");
    /* New statuses go at the end, before the sentinel: the values already in use do not move. */
    assert_int_equal(SEL4FT_RPC_STALE_REQUEST, 11);
    assert_int_equal(SEL4FT_RPC_REQUEST_ID_REUSED, 12);
    assert_int_equal(SEL4FT_RPC_REQUEST_ID_REUSED + 1, SEL4FT_RPC_STATUS_NUM);
}

/* Status names */

static void test_status_str(void **state)
{
    (void)state;
    static const char *const names[SEL4FT_RPC_STATUS_NUM] = {
        [SEL4FT_RPC_OK] = "SEL4FT_RPC_OK",
        [SEL4FT_RPC_BAD_MESSAGE] = "SEL4FT_RPC_BAD_MESSAGE",
        [SEL4FT_RPC_UNKNOWN_OPERATION] = "SEL4FT_RPC_UNKNOWN_OPERATION",
        [SEL4FT_RPC_INVALID_ARGUMENT] = "SEL4FT_RPC_INVALID_ARGUMENT",
        [SEL4FT_RPC_NOT_FOUND] = "SEL4FT_RPC_NOT_FOUND",
        [SEL4FT_RPC_NO_SPACE] = "SEL4FT_RPC_NO_SPACE",
        [SEL4FT_RPC_TOO_LARGE] = "SEL4FT_RPC_TOO_LARGE",
        [SEL4FT_RPC_STALE_EPOCH] = "SEL4FT_RPC_STALE_EPOCH",
        [SEL4FT_RPC_PEER_RESTARTED] = "SEL4FT_RPC_PEER_RESTARTED",
        [SEL4FT_RPC_NO_REGION] = "SEL4FT_RPC_NO_REGION",
        [SEL4FT_RPC_INTERNAL_ERROR] = "SEL4FT_RPC_INTERNAL_ERROR",
        [SEL4FT_RPC_STALE_REQUEST] = "SEL4FT_RPC_STALE_REQUEST",
        [SEL4FT_RPC_REQUEST_ID_REUSED] = "SEL4FT_RPC_REQUEST_ID_REUSED",
    };
    for (uint32_t status = 0; status < SEL4FT_RPC_STATUS_NUM; status++) {
        assert_non_null(names[status]);
        assert_string_equal(sel4ft_rpc_status_str(status), names[status]);
    }
    static const uint32_t unknown[] = { SEL4FT_RPC_STATUS_NUM, SEL4FT_RPC_STATUS_NUM + 1,
                                        SEL4FT_RPC_STATUS_SERVICE_FIRST - 1 };
    for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
        assert_false(sel4ft_rpc_status_valid(unknown[i]));
        assert_string_equal(sel4ft_rpc_status_str(unknown[i]), "unknown status");
    }
    static const uint32_t service_statuses[] = { SEL4FT_RPC_STATUS_SERVICE_FIRST, 1000, UINT32_MAX };
    for (size_t i = 0; i < ARRAY_SIZE(service_statuses); i++) {
        assert_true(sel4ft_rpc_status_valid(service_statuses[i]));
        assert_string_equal(sel4ft_rpc_status_str(service_statuses[i]), "service status");
    }
}

#define TEST(f)         cmocka_unit_test_setup_teardown(f, setup, teardown)
#define HOSTILE_TEST(f) cmocka_unit_test_setup_teardown(f, hostile_setup, teardown)

/* sel4ft_rpc_retry() resends the last request under its id; a client cannot start at id 0. */
static void test_retry_uses_the_last_id(void **state)
{
    (void)state;
    sel4ft_rpc_client_t c;
    sel4ft_rpc_reply_t r;
    static _Alignas(8) uint8_t own[256];

    assert_int_equal(sel4ft_rpc_client_init(&c, own, sizeof(own), 1, 0), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_rpc_client_init(&c, own, sizeof(own), 1, 40), 0);
    assert_int_equal(sel4ft_rpc_retry(&c, 1, 0, NULL, 0, &r), -SEL4FT_EINVAL);
    /* No server on the port: the call fails, but it was sent under id 40, in the first register. */
    assert_int_equal(sel4ft_rpc_call(&c, 1, 0, NULL, 0, &r), -SEL4FT_EPEER);
    assert_int_equal(c.last_request_id, 40);
    sel4ft_os_mr_set(0, 0);
    assert_int_equal(sel4ft_rpc_retry(&c, 1, 0, NULL, 0, &r), -SEL4FT_EPEER);
    assert_int_equal(sel4ft_os_mr_get(0), 40);
    assert_int_equal(c.next_request_id, 41);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_uses_the_last_id),
        TEST(test_header_round_trip),
        TEST(test_header_read_bad_magic_and_version),
        TEST(test_header_read_length_limit),
        TEST(test_header_read_invalid_arguments),
        TEST(test_capacity),
        TEST(test_client_init),
        TEST(test_client_init_invalid),
        TEST(test_server_init),
        TEST(test_server_init_invalid),
        TEST(test_server_declare_opaque),
        TEST(test_server_attach_invalid),
        TEST(test_call_echo),
        TEST(test_header_not_in_region),
        TEST(test_call_add),
        TEST(test_call_through_inline_handler),
        TEST(test_call_invalid_argument),
        TEST(test_call_empty_reply_without_buffer),
        TEST(test_call_unknown_operation),
        TEST(test_call_buggy_handler),
        TEST(test_service_statuses_pass_through),
        TEST(test_request_ids_echoed),
        TEST(test_reply_too_large_for_caller),
        TEST(test_request_too_large),
        TEST(test_call_invalid_arguments),
        TEST(test_two_clients_on_separate_channels),
        TEST(test_handler_payload_is_private_copy),
        TEST(test_handler_payload_opaque),
        TEST(test_request_copy),
        TEST(test_server_without_buffer),
        TEST(test_hostile_request_other_versions),
        TEST(test_hostile_request_huge_length),
        TEST(test_hostile_request_length_one_past_capacity),
        TEST(test_hostile_request_register_count),
        TEST(test_hostile_request_epoch_too_large),
        TEST(test_hostile_request_label_high_bits),
        TEST(test_request_with_wrong_label),
        TEST(test_hostile_request_random_headers),
        TEST(test_no_region),
        TEST(test_stale_epoch_after_restart),
        TEST(test_new_client_adopts_epoch),
        TEST(test_old_epoch_from_newer_client_refused),
        HOSTILE_TEST(test_hostile_server_good_reply),
        HOSTILE_TEST(test_hostile_server_malformed_reply),
        HOSTILE_TEST(test_hostile_server_statuses),
        HOSTILE_TEST(test_hostile_server_mismatched_reply),
        HOSTILE_TEST(test_hostile_server_wrong_label),
        HOSTILE_TEST(test_hostile_server_reject),
        TEST(test_no_kernel_hook),
        TEST(test_server_restarted_reply),
        TEST(test_call_interrupted_by_restart),
        TEST(test_stale_request_status_name),
        TEST(test_status_str),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
