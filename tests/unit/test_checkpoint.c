/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/*
 * Unit tests for two-slot checkpoints: sel4ft_checkpoint_init(), _commit(),
 * _load() and sel4ft_checksum().
 *
 * A restart is simulated by loading through a fresh handle; a crash in the
 * middle of a commit, or memory corruption, by editing the region by hand.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sel4ft/checkpoint.h>
#include <sel4ft/error.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CANARY        0xa5

#define REGION_SIZE 1024u
#define SLOT_SIZE   (REGION_SIZE / 2)
#define HEADER_SIZE ((uint32_t)sizeof(sel4ft_checkpoint_header_t))
#define CAPACITY    (SLOT_SIZE - HEADER_SIZE)

/* Exactly REGION_SIZE bytes, so that a read past slot 1 is a read past the object (ASan). */
static _Alignas(8) uint8_t region[REGION_SIZE];
static sel4ft_checkpoint_t checkpoint;

static int setup(void **state)
{
    (void)state;
    memset(region, 0, sizeof(region));
    assert_int_equal(sel4ft_checkpoint_init(&checkpoint, region, sizeof(region)), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return 0;
}

static sel4ft_checkpoint_header_t *header_of(uint32_t slot)
{
    return (sel4ft_checkpoint_header_t *)(region + (size_t)slot * SLOT_SIZE);
}

static uint8_t *data_of(uint32_t slot)
{
    return region + (size_t)slot * SLOT_SIZE + HEADER_SIZE;
}

/* Recognisable contents for version v of the state, n bytes long. */
static void fill(uint8_t *buffer, size_t n, unsigned v)
{
    for (size_t i = 0; i < n; i++) {
        buffer[i] = (uint8_t)(v * 31 + i * 7 + 1);
    }
}

static void commit_version(sel4ft_checkpoint_t *handle, unsigned v, size_t n)
{
    uint8_t buffer[CAPACITY];
    assert_true(n <= sizeof(buffer));
    fill(buffer, n, v);
    assert_int_equal(sel4ft_checkpoint_commit(handle, buffer, n), 0);
}

/*
 * Load through a fresh handle, as a restarted server would. Returns load()'s
 * result; on success checks that the data is version v, n bytes long.
 */
static int restart_and_load(sel4ft_checkpoint_t *handle, sel4ft_checkpoint_report_t *report, unsigned v, size_t n)
{
    uint8_t buffer[CAPACITY + 8];
    uint8_t expected[CAPACITY];

    memset(handle, 0xee, sizeof(*handle));
    assert_int_equal(sel4ft_checkpoint_init(handle, region, sizeof(region)), 0);
    memset(buffer, CANARY, sizeof(buffer));
    memset(report, 0xee, sizeof(*report));
    int err = sel4ft_checkpoint_load(handle, buffer, sizeof(buffer), report);
    if (err == 0) {
        fill(expected, n, v);
        assert_int_equal(report->length, n);
        assert_memory_equal(buffer, expected, n);
        for (size_t i = n; i < sizeof(buffer); i++) {
            assert_int_equal(buffer[i], CANARY);
        }
        assert_true(report->loaded_slot == 0 || report->loaded_slot == 1);
        assert_int_equal(report->slot_status[report->loaded_slot], SEL4FT_CHECKPOINT_SLOT_OK);
        assert_int_equal(report->slot_sequence[report->loaded_slot], report->sequence);
    } else {
        assert_int_equal(report->loaded_slot, -1);
        for (size_t i = 0; i < sizeof(buffer); i++) {
            assert_int_equal(buffer[i], CANARY);
        }
    }
    return err;
}

static bool rejected(uint32_t status)
{
    return status == SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM || status == SEL4FT_CHECKPOINT_SLOT_BAD_HEADER
        || status == SEL4FT_CHECKPOINT_SLOT_INCOMPLETE;
}

/* Init and capacity */

static void test_init_validation(void **state)
{
    (void)state;
    sel4ft_checkpoint_t handle;
    /* The smallest region: two slots of a header plus 8 bytes. */
    const size_t smallest = 2 * (HEADER_SIZE + 8);

    assert_int_equal(sel4ft_checkpoint_init(NULL, region, sizeof(region)), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_checkpoint_init(&handle, NULL, sizeof(region)), -SEL4FT_EINVAL);
    for (size_t offset = 1; offset < 8; offset++) {
        assert_int_equal(sel4ft_checkpoint_init(&handle, region + offset, sizeof(region) - 8), -SEL4FT_EINVAL);
    }
    assert_int_equal(sel4ft_checkpoint_init(&handle, region, 0), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_checkpoint_init(&handle, region, smallest - 1), -SEL4FT_EINVAL);
    /* Half of 94 is 47, rounded down to 40 bytes per slot: just enough. */
    assert_int_equal(sel4ft_checkpoint_init(&handle, region, smallest + 14), 0);
    assert_int_equal(sel4ft_checkpoint_capacity(&handle), 8);
    assert_int_equal(sel4ft_checkpoint_init(&handle, region, smallest), 0);
    assert_int_equal(sel4ft_checkpoint_capacity(&handle), 8);
    assert_int_equal(sel4ft_checkpoint_init(&handle, region + 8, sizeof(region) - 8), 0);

    /* Nothing was written by init. */
    for (size_t i = 0; i < sizeof(region); i++) {
        assert_int_equal(region[i], 0);
    }
}

static void test_capacity(void **state)
{
    (void)state;
    sel4ft_checkpoint_t handle;

    assert_int_equal(sel4ft_checkpoint_capacity(&checkpoint), SLOT_SIZE - 32);
    assert_int_equal(sel4ft_checkpoint_capacity(&checkpoint), CAPACITY);
    /* Each slot gets half, rounded down to 8 bytes. */
    assert_int_equal(sel4ft_checkpoint_init(&handle, region, 1000), 0);
    assert_int_equal(sel4ft_checkpoint_capacity(&handle), 496 - 32);
    assert_int_equal(sel4ft_checkpoint_init(&handle, region, 1014), 0);
    assert_int_equal(sel4ft_checkpoint_capacity(&handle), 504 - 32);
    assert_int_equal(sel4ft_checkpoint_init(&handle, region, 1015), 0);
    assert_int_equal(sel4ft_checkpoint_capacity(&handle), 504 - 32);
    assert_int_equal(sel4ft_checkpoint_init(&handle, region, 1016), 0);
    assert_int_equal(sel4ft_checkpoint_capacity(&handle), 504 - 32);
}

/* Load and commit */

static void test_load_zeroed_region(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;

    assert_int_equal(restart_and_load(&checkpoint, &report, 0, 0), -SEL4FT_EAGAIN);
    assert_int_equal(report.slot_status[0], SEL4FT_CHECKPOINT_SLOT_EMPTY);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_EMPTY);
    assert_int_equal(report.slot_sequence[0], 0);
    assert_int_equal(report.slot_sequence[1], 0);
    assert_int_equal(report.loaded_slot, -1);

    /* Without a report, the same answer. */
    uint8_t buffer[8];
    assert_int_equal(sel4ft_checkpoint_load(&checkpoint, buffer, sizeof(buffer), NULL), -SEL4FT_EAGAIN);
}

static void test_load_and_commit_invalid(void **state)
{
    (void)state;
    uint8_t buffer[8] = { 0 };
    sel4ft_checkpoint_t unattached;
    memset(&unattached, 0, sizeof(unattached));

    assert_int_equal(sel4ft_checkpoint_load(NULL, buffer, sizeof(buffer), NULL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_checkpoint_load(&checkpoint, NULL, 8, NULL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_checkpoint_load(&unattached, buffer, sizeof(buffer), NULL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_checkpoint_commit(NULL, buffer, sizeof(buffer)), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_checkpoint_commit(&checkpoint, NULL, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_checkpoint_commit(&unattached, buffer, sizeof(buffer)), -SEL4FT_EINVAL);
    for (size_t i = 0; i < sizeof(region); i++) {
        assert_int_equal(region[i], 0);
    }
}

static void test_commit_then_load_after_restart(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;

    commit_version(&checkpoint, 1, 100);
    assert_int_equal(checkpoint.commits, 1);
    /* The first commit goes to slot 0, complete. */
    assert_int_equal(header_of(0)->magic, SEL4FT_CHECKPOINT_MAGIC);
    assert_int_equal(header_of(0)->version, SEL4FT_CHECKPOINT_VERSION);
    assert_int_equal(header_of(0)->sequence, 1);
    assert_int_equal(header_of(0)->length, 100);
    assert_int_equal(header_of(0)->reserved, 0);
    assert_int_equal(header_of(1)->magic, 0);

    sel4ft_checkpoint_t fresh;
    assert_int_equal(restart_and_load(&fresh, &report, 1, 100), 0);
    assert_int_equal(report.loaded_slot, 0);
    assert_int_equal(report.sequence, 1);
    assert_int_equal(report.length, 100);
    assert_int_equal(report.slot_status[0], SEL4FT_CHECKPOINT_SLOT_OK);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_EMPTY);
    assert_int_equal(report.slot_sequence[0], 1);
    assert_int_equal(report.slot_sequence[1], 0);
}

static void test_commits_alternate_newest_wins(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t fresh;

    for (unsigned v = 1; v <= 9; v++) {
        size_t n = 10 * v + v % 4;
        commit_version(&checkpoint, v, n);
        uint32_t written = (v - 1) % 2;
        assert_int_equal(header_of(written)->sequence, v);
        assert_int_equal(header_of(written)->length, n);
        /* The other slot still holds the previous checkpoint, intact. */
        if (v > 1) {
            assert_int_equal(header_of(1 - written)->magic, SEL4FT_CHECKPOINT_MAGIC);
            assert_int_equal(header_of(1 - written)->sequence, v - 1);
        }

        assert_int_equal(restart_and_load(&fresh, &report, v, n), 0);
        assert_int_equal(report.loaded_slot, (int32_t)written);
        assert_int_equal(report.sequence, v);
        assert_int_equal(report.slot_status[0], SEL4FT_CHECKPOINT_SLOT_OK);
        assert_int_equal(report.slot_status[1], v > 1 ? SEL4FT_CHECKPOINT_SLOT_OK : SEL4FT_CHECKPOINT_SLOT_EMPTY);
    }
    assert_int_equal(checkpoint.commits, 9);
}

static void test_restarted_server_goes_on_committing(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t fresh;

    commit_version(&checkpoint, 1, 8);
    commit_version(&checkpoint, 2, 8);
    /* Restart: load slot 1 (sequence 2); the next commit writes slot 0 with sequence 3. */
    assert_int_equal(restart_and_load(&fresh, &report, 2, 8), 0);
    assert_int_equal(report.loaded_slot, 1);
    commit_version(&fresh, 3, 16);
    assert_int_equal(header_of(0)->sequence, 3);
    assert_int_equal(header_of(1)->sequence, 2);
    commit_version(&fresh, 4, 24);
    assert_int_equal(header_of(1)->sequence, 4);
    assert_int_equal(restart_and_load(&fresh, &report, 4, 24), 0);
    assert_int_equal(report.loaded_slot, 1);
    assert_int_equal(report.sequence, 4);
}

static void test_empty_checkpoint(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;

    /* Zero bytes of state is a valid checkpoint, with or without a buffer. */
    assert_int_equal(sel4ft_checkpoint_commit(&checkpoint, NULL, 0), 0);
    assert_int_equal(restart_and_load(&checkpoint, &report, 0, 0), 0);
    assert_int_equal(report.sequence, 1);
    sel4ft_checkpoint_t fresh;
    assert_int_equal(sel4ft_checkpoint_init(&fresh, region, sizeof(region)), 0);
    assert_int_equal(sel4ft_checkpoint_load(&fresh, NULL, 0, &report), 0);
    assert_int_equal(report.length, 0);
    assert_int_equal(report.loaded_slot, 0);
}

/* Torn writes and corruption */

static void test_torn_write_no_magic(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t fresh;

    commit_version(&checkpoint, 1, 64);
    commit_version(&checkpoint, 2, 64);
    /* The crash came before the magic of slot 1 was written. */
    header_of(1)->magic = 0;
    assert_int_equal(restart_and_load(&fresh, &report, 1, 64), 0);
    assert_int_equal(report.loaded_slot, 0);
    assert_int_equal(report.sequence, 1);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_INCOMPLETE);
    assert_int_equal(report.slot_sequence[1], 2);
}

static void test_torn_write_partial_data(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t fresh;

    commit_version(&checkpoint, 1, 200);
    commit_version(&checkpoint, 2, 200);
    /* The header and magic of the newest slot made it to memory, half of its data did not. */
    memset(data_of(1) + 100, 0, 100);
    assert_int_equal(restart_and_load(&fresh, &report, 1, 200), 0);
    assert_int_equal(report.loaded_slot, 0);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM);
}

/*
 * A crash at every point of a commit, in the order the commit writes: the
 * magic cleared, then the data byte by byte, then the header fields, then the
 * magic. Until the magic is back, a restart must load the previous
 * checkpoint, and never anything else.
 */
static void test_crash_at_every_point_of_a_commit(void **state)
{
    (void)state;
    static _Alignas(8) uint8_t before[REGION_SIZE];
    static _Alignas(8) uint8_t after[REGION_SIZE];
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t fresh;
    const size_t n = 150;

    commit_version(&checkpoint, 1, 120);
    commit_version(&checkpoint, 2, 120);
    memcpy(before, region, sizeof(region));
    /* The third commit writes slot 0, over version 1. */
    commit_version(&checkpoint, 3, n);
    memcpy(after, region, sizeof(region));

    sel4ft_checkpoint_header_t old_header, new_header;
    memcpy(&old_header, before, sizeof(old_header));
    memcpy(&new_header, after, sizeof(new_header));
    assert_int_equal(new_header.sequence, 3);

    /* Data written up to byte k, header not yet. */
    for (size_t k = 0; k <= n; k++) {
        memcpy(region, before, sizeof(region));
        header_of(0)->magic = 0;
        memcpy(data_of(0), after + HEADER_SIZE, k);
        assert_int_equal(restart_and_load(&fresh, &report, 2, 120), 0);
        assert_int_equal(report.loaded_slot, 1);
        assert_int_equal(report.slot_status[0], SEL4FT_CHECKPOINT_SLOT_INCOMPLETE);
    }
    /* All data, then every subset of the four header fields (sequence, length, reserved, checksum). */
    for (unsigned mask = 0; mask < 16; mask++) {
        memcpy(region, after, sizeof(region));
        sel4ft_checkpoint_header_t *h = header_of(0);
        h->magic = 0;
        if (!(mask & 1)) {
            h->sequence = old_header.sequence;
        }
        if (!(mask & 2)) {
            h->length = old_header.length;
        }
        if (!(mask & 4)) {
            h->reserved = old_header.reserved;
        }
        if (!(mask & 8)) {
            h->checksum = old_header.checksum;
        }
        assert_int_equal(restart_and_load(&fresh, &report, 2, 120), 0);
        assert_int_equal(report.loaded_slot, 1);
        assert_int_equal(report.slot_status[0], SEL4FT_CHECKPOINT_SLOT_INCOMPLETE);
    }
    /* The magic written: the new checkpoint. */
    memcpy(region, after, sizeof(region));
    assert_int_equal(restart_and_load(&fresh, &report, 3, n), 0);
    assert_int_equal(report.loaded_slot, 0);
    assert_int_equal(report.sequence, 3);
}

/* Flip one bit of the newest slot (slot 1, sequence 2) at a byte offset; the older one must be loaded. */
static void check_bit_flips(size_t first_byte, size_t bytes, const char *what)
{
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t fresh;

    for (size_t byte = first_byte; byte < first_byte + bytes; byte++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            uint8_t *p = region + SLOT_SIZE + byte;
            *p ^= (uint8_t)(1u << bit);
            int err = restart_and_load(&fresh, &report, 1, 40);
            if (err != 0 || report.loaded_slot != 0 || !rejected(report.slot_status[1])) {
                fail_msg("%s: bit %u of byte %zu flipped: load %d, slot %d, status %u", what, bit, byte, err,
                    report.loaded_slot, report.slot_status[1]);
            }
            *p ^= (uint8_t)(1u << bit);
        }
    }
    /* Everything restored: the newest wins again. */
    assert_int_equal(restart_and_load(&fresh, &report, 2, 48), 0);
    assert_int_equal(report.loaded_slot, 1);
}

static void test_bit_flips_in_newest_slot_rejected(void **state)
{
    (void)state;
    commit_version(&checkpoint, 1, 40);
    commit_version(&checkpoint, 2, 48);

    check_bit_flips(offsetof(sel4ft_checkpoint_header_t, magic), 4, "magic");
    check_bit_flips(offsetof(sel4ft_checkpoint_header_t, version), 4, "version");
    check_bit_flips(offsetof(sel4ft_checkpoint_header_t, sequence), 8, "sequence");
    check_bit_flips(offsetof(sel4ft_checkpoint_header_t, length), 4, "length");
    check_bit_flips(offsetof(sel4ft_checkpoint_header_t, reserved), 4, "reserved");
    check_bit_flips(offsetof(sel4ft_checkpoint_header_t, checksum), 8, "checksum");
    check_bit_flips(HEADER_SIZE, 48, "data");
}

static void test_specific_corruptions(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t fresh;

    commit_version(&checkpoint, 1, 40);
    commit_version(&checkpoint, 2, 48);
    static _Alignas(8) uint8_t good[REGION_SIZE];
    memcpy(good, region, sizeof(region));

    /* A flipped data bit: checksum mismatch. */
    data_of(1)[17] ^= 0x10;
    assert_int_equal(restart_and_load(&fresh, &report, 1, 40), 0);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM);

    /* A shorter length still within capacity: checksum mismatch (the length is covered). */
    memcpy(region, good, sizeof(region));
    header_of(1)->length = 47;
    assert_int_equal(restart_and_load(&fresh, &report, 1, 40), 0);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM);

    /* A sequence bumped to look newer: checksum mismatch, and the report shows what it claimed. */
    memcpy(region, good, sizeof(region));
    header_of(1)->sequence = 1000;
    assert_int_equal(restart_and_load(&fresh, &report, 1, 40), 0);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM);
    assert_int_equal(report.slot_sequence[1], 1000);

    /* Sequence 0 and an unknown version: bad header. */
    memcpy(region, good, sizeof(region));
    header_of(1)->sequence = 0;
    assert_int_equal(restart_and_load(&fresh, &report, 1, 40), 0);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_BAD_HEADER);
    memcpy(region, good, sizeof(region));
    header_of(1)->version = SEL4FT_CHECKPOINT_VERSION + 1;
    assert_int_equal(restart_and_load(&fresh, &report, 1, 40), 0);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_BAD_HEADER);

    /* The other slot's data under this slot's header: a slot cannot be made valid by moving data around. */
    memcpy(region, good, sizeof(region));
    memcpy(data_of(1), data_of(0), 40);
    header_of(1)->length = 40;
    assert_int_equal(restart_and_load(&fresh, &report, 1, 40), 0);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM);
}

static void test_length_beyond_capacity_is_bad_header(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t fresh;

    /* Slot 1 ends the region: a checksum over a claimed length past the capacity would read past it (ASan). */
    commit_version(&checkpoint, 1, 40);
    commit_version(&checkpoint, 2, CAPACITY);
    static const uint32_t lengths[] = { CAPACITY + 1, CAPACITY + 8, SLOT_SIZE, 0x10000u, 0x80000000u, UINT32_MAX };
    for (size_t i = 0; i < ARRAY_SIZE(lengths); i++) {
        header_of(1)->length = lengths[i];
        assert_int_equal(restart_and_load(&fresh, &report, 1, 40), 0);
        assert_int_equal(report.loaded_slot, 0);
        assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_BAD_HEADER);
    }
    /* The same with the older slot gone too. */
    memset(region, 0, SLOT_SIZE);
    header_of(1)->length = UINT32_MAX;
    assert_int_equal(restart_and_load(&fresh, &report, 0, 0), -SEL4FT_EAGAIN);
    assert_int_equal(report.slot_status[0], SEL4FT_CHECKPOINT_SLOT_EMPTY);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_BAD_HEADER);
    /* Back to the length it had: valid again. */
    header_of(1)->length = CAPACITY;
    assert_int_equal(restart_and_load(&fresh, &report, 2, CAPACITY), 0);
}

static void test_both_slots_corrupt(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t fresh;

    commit_version(&checkpoint, 1, 40);
    commit_version(&checkpoint, 2, 40);
    data_of(0)[3] ^= 1;
    header_of(1)->magic = 0;

    assert_int_equal(restart_and_load(&fresh, &report, 0, 0), -SEL4FT_EAGAIN);
    assert_int_equal(report.slot_status[0], SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_INCOMPLETE);
    assert_int_equal(report.slot_sequence[0], 1);
    assert_int_equal(report.slot_sequence[1], 2);
    assert_int_equal(report.loaded_slot, -1);
    assert_string_equal(sel4ft_checkpoint_slot_status_str(report.slot_status[0]), "checksum mismatch");
    assert_string_equal(sel4ft_checkpoint_slot_status_str(report.slot_status[1]), "incomplete write");

    /* Starting over from nothing: the commit must win over both rejected slots (whose claims are not trusted). */
    commit_version(&fresh, 7, 16);
    assert_int_equal(header_of(0)->sequence, 1);
    assert_int_equal(restart_and_load(&fresh, &report, 7, 16), 0);
    assert_int_equal(report.loaded_slot, 0);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_INCOMPLETE);
}

static void test_commit_after_rejected_newest_overwrites_it_and_wins(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t server;

    commit_version(&checkpoint, 1, 40); /* slot 0, sequence 1 */
    commit_version(&checkpoint, 2, 40); /* slot 1, sequence 2 */
    commit_version(&checkpoint, 3, 40); /* slot 0, sequence 3 */
    data_of(0)[0] ^= 0x80;

    /* The restarted server loads version 2 from slot 1. */
    assert_int_equal(restart_and_load(&server, &report, 2, 40), 0);
    assert_int_equal(report.loaded_slot, 1);
    assert_int_equal(report.slot_status[0], SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM);
    assert_int_equal(report.slot_sequence[0], 3);

    /* Its next commit overwrites the rejected slot 0, numbered after the slot it loaded. */
    commit_version(&server, 4, 32);
    assert_int_equal(header_of(0)->magic, SEL4FT_CHECKPOINT_MAGIC);
    assert_int_equal(header_of(0)->sequence, 3);
    /* Slot 1 was left alone. */
    assert_int_equal(header_of(1)->sequence, 2);

    sel4ft_checkpoint_t fresh;
    assert_int_equal(restart_and_load(&fresh, &report, 4, 32), 0);
    assert_int_equal(report.loaded_slot, 0);
    assert_int_equal(report.slot_status[1], SEL4FT_CHECKPOINT_SLOT_OK);
}

static void test_commit_numbers_past_a_corrupt_huge_sequence(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t server;
    const uint64_t claimed = 3 | (1ull << 40);

    commit_version(&checkpoint, 1, 40);
    commit_version(&checkpoint, 2, 40);
    commit_version(&checkpoint, 3, 40);
    /* A bit flip made slot 0 claim a huge sequence; it fails its checksum. */
    header_of(0)->sequence = claimed;
    assert_int_equal(restart_and_load(&server, &report, 2, 40), 0);
    assert_int_equal(report.slot_sequence[0], claimed);

    /* The claim is not trusted: numbering continues from the loaded slot, and the commits still win. */
    commit_version(&server, 4, 40);
    assert_int_equal(header_of(0)->sequence, 3);
    commit_version(&server, 5, 40);
    assert_int_equal(header_of(1)->sequence, 4);
    sel4ft_checkpoint_t fresh;
    assert_int_equal(restart_and_load(&fresh, &report, 5, 40), 0);
    assert_int_equal(report.loaded_slot, 1);
    /* Crash during the next commit (slot 0 invalidated): version 5 is still there. */
    commit_version(&fresh, 6, 40);
    header_of(0)->magic = 0;
    assert_int_equal(restart_and_load(&fresh, &report, 5, 40), 0);
}

static void test_commit_after_all_ones_garbage_is_not_lost(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t server;

    /* A wild write filled slot 0 with 0xff: it claims sequence UINT64_MAX, a number nothing can exceed. */
    commit_version(&checkpoint, 1, 40);
    commit_version(&checkpoint, 2, 40);
    memset(region, 0xff, SLOT_SIZE);
    assert_int_equal(restart_and_load(&server, &report, 2, 40), 0);
    assert_int_equal(report.loaded_slot, 1);
    assert_int_equal(report.slot_status[0], SEL4FT_CHECKPOINT_SLOT_INCOMPLETE);
    assert_int_equal(report.slot_sequence[0], UINT64_MAX);

    /* Every commit that returned 0 must be what the next restart loads. */
    for (unsigned v = 3; v < 7; v++) {
        commit_version(&server, v, 40);
        sel4ft_checkpoint_t fresh;
        assert_int_equal(restart_and_load(&fresh, &report, v, 40), 0);
    }

    /* The same with both slots garbage. */
    memset(region, 0xff, sizeof(region));
    assert_int_equal(restart_and_load(&server, &report, 0, 0), -SEL4FT_EAGAIN);
    for (unsigned v = 10; v < 13; v++) {
        commit_version(&server, v, 40);
        sel4ft_checkpoint_t fresh;
        assert_int_equal(restart_and_load(&fresh, &report, v, 40), 0);
    }
}

/* A slot may carry the largest sequence a load accepts (a writer that is not this library put it there): the
 * next commit would be numbered past it, report success, and then be rejected by every load. It must fail,
 * and leave both slots alone. */
static void test_commit_after_the_largest_sequence_fails(void **state)
{
    (void)state;
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t server;

    commit_version(&checkpoint, 1, 40); /* slot 0, sequence 1 */
    checkpoint.sequence = SEL4FT_CHECKPOINT_SEQUENCE_MAX - 1;
    commit_version(&checkpoint, 2, 40); /* slot 1, the largest sequence: valid */
    assert_int_equal(restart_and_load(&server, &report, 2, 40), 0);
    assert_int_equal(report.loaded_slot, 1);
    assert_int_equal(report.sequence, SEL4FT_CHECKPOINT_SEQUENCE_MAX);

    uint8_t before[REGION_SIZE];
    memcpy(before, region, sizeof(region));
    uint8_t buffer[40];
    fill(buffer, sizeof(buffer), 3);
    assert_int_equal(sel4ft_checkpoint_commit(&server, buffer, sizeof(buffer)), -SEL4FT_ENOSPC);
    assert_int_equal(sel4ft_checkpoint_commit(&server, buffer, sizeof(buffer)), -SEL4FT_ENOSPC);
    assert_memory_equal(region, before, sizeof(region));
    assert_int_equal(server.commits, 0);

    /* What loads is what was last committed successfully. */
    sel4ft_checkpoint_t fresh;
    assert_int_equal(restart_and_load(&fresh, &report, 2, 40), 0);
    assert_int_equal(report.sequence, SEL4FT_CHECKPOINT_SEQUENCE_MAX);

    /* One below the largest: the commit takes the largest itself, and loads. */
    memset(region, 0, sizeof(region));
    assert_int_equal(restart_and_load(&server, &report, 0, 0), -SEL4FT_EAGAIN);
    server.sequence = SEL4FT_CHECKPOINT_SEQUENCE_MAX - 1;
    commit_version(&server, 4, 40);
    assert_int_equal(restart_and_load(&fresh, &report, 4, 40), 0);
    assert_int_equal(report.sequence, SEL4FT_CHECKPOINT_SEQUENCE_MAX);
}

/* Sizes */

static void test_commit_too_large(void **state)
{
    (void)state;
    static uint8_t big[CAPACITY + 1];
    sel4ft_checkpoint_report_t report;

    commit_version(&checkpoint, 1, 16);
    static _Alignas(8) uint8_t snapshot[REGION_SIZE];
    memcpy(snapshot, region, sizeof(region));

    assert_int_equal(sel4ft_checkpoint_commit(&checkpoint, big, CAPACITY + 1), -SEL4FT_E2BIG);
    assert_int_equal(sel4ft_checkpoint_commit(&checkpoint, big, SIZE_MAX), -SEL4FT_E2BIG);
    assert_int_equal(sel4ft_checkpoint_commit(&checkpoint, big, (size_t)UINT32_MAX + 41), -SEL4FT_E2BIG);
    /* Refused before anything was written: neither slot was touched. */
    assert_memory_equal(region, snapshot, sizeof(region));
    assert_int_equal(checkpoint.commits, 1);

    /* Exactly the capacity fits. */
    commit_version(&checkpoint, 2, CAPACITY);
    assert_int_equal(restart_and_load(&checkpoint, &report, 2, CAPACITY), 0);
}

static void test_load_buffer_too_small(void **state)
{
    (void)state;
    uint8_t buffer[100];
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t fresh;

    commit_version(&checkpoint, 1, 100);
    assert_int_equal(sel4ft_checkpoint_init(&fresh, region, sizeof(region)), 0);
    memset(buffer, CANARY, sizeof(buffer));
    assert_int_equal(sel4ft_checkpoint_load(&fresh, buffer, 99, &report), -SEL4FT_ENOSPC);
    for (size_t i = 0; i < sizeof(buffer); i++) {
        assert_int_equal(buffer[i], CANARY);
    }
    assert_int_equal(sel4ft_checkpoint_load(&fresh, NULL, 0, &report), -SEL4FT_ENOSPC);
    /* Exactly large enough. */
    assert_int_equal(sel4ft_checkpoint_load(&fresh, buffer, 100, &report), 0);
    uint8_t expected[100];
    fill(expected, sizeof(expected), 1);
    assert_memory_equal(buffer, expected, sizeof(expected));
}

static void test_commit_after_load_too_small_still_wins(void **state)
{
    (void)state;
    uint8_t buffer[16];
    sel4ft_checkpoint_report_t report;
    sel4ft_checkpoint_t server;

    commit_version(&checkpoint, 1, 100); /* slot 0, sequence 1 */
    commit_version(&checkpoint, 2, 100); /* slot 1, sequence 2 */
    commit_version(&checkpoint, 3, 100); /* slot 0, sequence 3 */

    /* A new version of the server whose state is smaller cannot load the old one, and starts over. */
    assert_int_equal(sel4ft_checkpoint_init(&server, region, sizeof(region)), 0);
    assert_int_equal(sel4ft_checkpoint_load(&server, buffer, sizeof(buffer), &report), -SEL4FT_ENOSPC);
    commit_version(&server, 4, 16);
    /* The commit did not destroy the newest checkpoint, and it wins on the next load. */
    assert_int_equal(header_of(0)->sequence, 3);
    sel4ft_checkpoint_t fresh;
    assert_int_equal(restart_and_load(&fresh, &report, 4, 16), 0);
    assert_int_equal(report.loaded_slot, 1);
    assert_true(report.sequence > 3);
}

/* Checksum */

static void test_checksum_known_values(void **state)
{
    (void)state;
    const uint8_t one[4] = { 1, 0, 0, 0 };
    const uint8_t two_words[8] = { 1, 0, 0, 0, 2, 0, 0, 0 };

    /* Nothing fed: the seed comes back. */
    assert_int_equal(sel4ft_checksum(0, one, 0), 0);
    assert_int_equal(sel4ft_checksum(0x123456789ull, NULL, 0), 0x123456789ull);
    /* FNV-1a over 32-bit words, with the state kept XORed with the offset basis (values computed
     * independently: h = (0xcbf29ce484222325 ^ w) * 0x100000001b3 mod 2^64, result h ^ 0xcbf29ce484222325). */
    assert_int_equal(sel4ft_checksum(0, one, 4), 0x649120a802239509ull);
    assert_int_equal(sel4ft_checksum(0, two_words, 8), 0xc3ddb8e330cab30full);
    /* Words are little-endian. */
    const uint8_t le[4] = { 0x78, 0x56, 0x34, 0x12 };
    assert_int_equal(sel4ft_checksum(0, le, 4), 0x6847698f8c0b4e22ull);
}

static void test_checksum_detects_differences(void **state)
{
    (void)state;
    uint8_t a[64];
    uint8_t b[64];
    fill(a, sizeof(a), 3);

    uint64_t base = sel4ft_checksum(0, a, sizeof(a));
    assert_int_not_equal(base, 0);
    /* Every single-bit flip changes it. */
    for (size_t bit = 0; bit < 8 * sizeof(a); bit++) {
        memcpy(b, a, sizeof(a));
        b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_not_equal(sel4ft_checksum(0, b, sizeof(b)), base);
    }
    /* So does a different length over the same bytes (one word more or less). */
    assert_int_not_equal(sel4ft_checksum(0, a, 60), base);
    /* Different data. */
    fill(b, sizeof(b), 4);
    assert_int_not_equal(sel4ft_checksum(0, b, sizeof(b)), base);
    /* A different seed. */
    assert_int_not_equal(sel4ft_checksum(1, a, sizeof(a)), base);
}

static void test_checksum_depends_on_order(void **state)
{
    (void)state;
    uint8_t a[16];
    uint8_t b[16];
    fill(a, sizeof(a), 9);

    /* Swap words 1 and 2: same words, another order, another checksum. */
    memcpy(b, a, sizeof(a));
    memcpy(b + 4, a + 8, 4);
    memcpy(b + 8, a + 4, 4);
    uint64_t x = sel4ft_checksum(0, a, sizeof(a));
    uint64_t y = sel4ft_checksum(0, b, sizeof(b));
    assert_int_not_equal(x, y);

    /* Swapping two bytes within a word changes the word, so the checksum. */
    memcpy(b, a, sizeof(a));
    b[0] = a[1];
    b[1] = a[0];
    assert_int_not_equal(sel4ft_checksum(0, b, sizeof(b)), x);
}

static void test_checksum_chaining(void **state)
{
    (void)state;
    uint8_t all[64];
    fill(all, sizeof(all), 5);

    /* Fed in pieces whose lengths are multiples of 4: the same as one go. */
    uint64_t whole = sel4ft_checksum(0, all, sizeof(all));
    for (size_t split = 0; split <= sizeof(all); split += 4) {
        uint64_t running = sel4ft_checksum(0, all, split);
        assert_int_equal(sel4ft_checksum(running, all + split, sizeof(all) - split), whole);
    }
    /* Three pieces. */
    uint64_t running = sel4ft_checksum(0, all, 12);
    running = sel4ft_checksum(running, all + 12, 20);
    running = sel4ft_checksum(running, all + 32, 32);
    assert_int_equal(running, whole);
    /* The last piece may have any length. */
    running = sel4ft_checksum(sel4ft_checksum(0, all, 32), all + 32, 29);
    assert_int_equal(running, sel4ft_checksum(0, all, 61));

    /*
     * A first piece whose length is not a multiple of 4 is zero-padded to a
     * word: chaining then equals one go over the padded piece, not over the
     * plain concatenation. That is all the implementation promises.
     */
    for (size_t split = 1; split < 16; split++) {
        if (split % 4 == 0) {
            continue;
        }
        uint8_t padded[80] = { 0 };
        size_t padded_split = (split + 3) & ~(size_t)3;
        memcpy(padded, all, split);
        memcpy(padded + padded_split, all + split, sizeof(all) - split);
        uint64_t chained = sel4ft_checksum(sel4ft_checksum(0, all, split), all + split, sizeof(all) - split);
        assert_int_equal(chained, sel4ft_checksum(0, padded, padded_split + sizeof(all) - split));
        assert_int_not_equal(chained, whole);
    }
}

static void test_checksum_odd_lengths(void **state)
{
    (void)state;
    const uint8_t bytes[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
    uint8_t padded[8];

    for (size_t n = 1; n <= 7; n++) {
        /* The tail is zero-padded to a word. */
        memset(padded, 0, sizeof(padded));
        memcpy(padded, bytes, n);
        size_t words = (n + 3) / 4 * 4;
        assert_int_equal(sel4ft_checksum(0, bytes, n), sel4ft_checksum(0, padded, words));
        /* Each extra non-zero byte changes it. */
        assert_int_not_equal(sel4ft_checksum(0, bytes, n), sel4ft_checksum(0, bytes, n + 1));
    }
    /* One byte: the word is that byte. */
    assert_int_equal(sel4ft_checksum(0, bytes, 1), 0x649150a80223f279ull);
    /* Three bytes read only three bytes (ASan): a buffer of exactly 3. */
    uint8_t *three = malloc(3);
    assert_non_null(three);
    memcpy(three, bytes, 3);
    assert_int_equal(sel4ft_checksum(0, three, 3), 0x55b350a8ecc72879ull);
    free(three);
}

static void test_checksum_large_words(void **state)
{
    (void)state;
    /* Sums are reduced modulo 2^32 - 1 without overflowing 64 bits, whatever the length. */
    static uint8_t ones[4096];
    memset(ones, 0xfe, sizeof(ones));
    uint64_t sum = sel4ft_checksum(0, ones, sizeof(ones));
    assert_true((sum & 0xffffffffu) < 0xffffffffu);
    assert_true((sum >> 32) < 0xffffffffu);
    /* Chained in halves it is the same. */
    assert_int_equal(sel4ft_checksum(sel4ft_checksum(0, ones, 2048), ones + 2048, 2048), sum);
}

/* Names */

static void test_slot_status_str(void **state)
{
    (void)state;
    assert_string_equal(sel4ft_checkpoint_slot_status_str(SEL4FT_CHECKPOINT_SLOT_OK), "valid");
    assert_string_equal(sel4ft_checkpoint_slot_status_str(SEL4FT_CHECKPOINT_SLOT_EMPTY), "empty");
    assert_string_equal(sel4ft_checkpoint_slot_status_str(SEL4FT_CHECKPOINT_SLOT_INCOMPLETE), "incomplete write");
    assert_string_equal(sel4ft_checkpoint_slot_status_str(SEL4FT_CHECKPOINT_SLOT_BAD_HEADER), "bad header");
    assert_string_equal(sel4ft_checkpoint_slot_status_str(SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM), "checksum mismatch");
    static const uint32_t unknown[] = { SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM + 1, 100, UINT32_MAX };
    for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
        assert_string_equal(sel4ft_checkpoint_slot_status_str(unknown[i]), "?");
    }
}

/* A word of zeros overwritten with ones (or the reverse) must change the checksum. */
static void test_checksum_tells_zero_words_from_all_ones(void **state)
{
    (void)state;
    uint8_t zeros[64] = { 0 };
    uint8_t ones[64];

    memset(ones, 0, sizeof(ones));
    memset(ones + 16, 0xff, 4);
    assert_true(sel4ft_checksum(0, zeros, sizeof(zeros)) != sel4ft_checksum(0, ones, sizeof(ones)));
    memset(ones, 0xff, sizeof(ones));
    assert_true(sel4ft_checksum(0, zeros, sizeof(zeros)) != sel4ft_checksum(0, ones, sizeof(ones)));
}

/* The checksum as it was written before verify/ (a moving pointer and a decreasing length); the indexed
 * loops that replaced it, so that every read is visibly in bounds, must give the same value for every
 * length and alignment. */
typedef uint32_t __attribute__((may_alias)) reference_word_t;

static uint64_t reference_checksum(uint64_t seed, const void *data, size_t length)
{
    const uint8_t *p = data;
    uint64_t h = seed ^ 0xcbf29ce484222325ull;

    if (((uintptr_t)p & 3) == 0) {
        const reference_word_t *w = (const reference_word_t *)p;
        for (; length >= 8; w += 2, length -= 8) {
            h = (h ^ w[0]) * 0x100000001b3ull;
            h = (h ^ w[1]) * 0x100000001b3ull;
        }
        p = (const uint8_t *)w;
    }
    for (; length >= 4; p += 4, length -= 4) {
        uint32_t word = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        h = (h ^ word) * 0x100000001b3ull;
    }
    if (length > 0) {
        uint32_t word = 0;
        for (size_t i = 0; i < length; i++) {
            word |= (uint32_t)p[i] << (8 * i);
        }
        h = (h ^ word) * 0x100000001b3ull;
    }
    return h ^ 0xcbf29ce484222325ull;
}

static void test_checksum_same_as_reference(void **state)
{
    (void)state;
    static _Alignas(8) uint8_t bytes[300];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(bytes); i++) {
        x = x * 1103515245u + 12345u;
        bytes[i] = (uint8_t)(x >> 16);
    }
    for (size_t offset = 0; offset < 8; offset++) {
        for (size_t length = 0; length + offset <= sizeof(bytes); length++) {
            uint64_t seed = length * 0x9e3779b97f4a7c15ull;
            assert_int_equal(sel4ft_checksum(seed, bytes + offset, length),
                             reference_checksum(seed, bytes + offset, length));
        }
    }
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_checksum_tells_zero_words_from_all_ones),
        TEST(test_init_validation),
        TEST(test_capacity),
        TEST(test_load_zeroed_region),
        TEST(test_load_and_commit_invalid),
        TEST(test_commit_then_load_after_restart),
        TEST(test_commits_alternate_newest_wins),
        TEST(test_restarted_server_goes_on_committing),
        TEST(test_empty_checkpoint),
        TEST(test_torn_write_no_magic),
        TEST(test_torn_write_partial_data),
        TEST(test_crash_at_every_point_of_a_commit),
        TEST(test_bit_flips_in_newest_slot_rejected),
        TEST(test_specific_corruptions),
        TEST(test_length_beyond_capacity_is_bad_header),
        TEST(test_both_slots_corrupt),
        TEST(test_commit_after_rejected_newest_overwrites_it_and_wins),
        TEST(test_commit_numbers_past_a_corrupt_huge_sequence),
        TEST(test_commit_after_all_ones_garbage_is_not_lost),
        TEST(test_commit_after_the_largest_sequence_fails),
        TEST(test_commit_too_large),
        TEST(test_load_buffer_too_small),
        TEST(test_commit_after_load_too_small_still_wins),
        TEST(test_checksum_known_values),
        TEST(test_checksum_same_as_reference),
        TEST(test_checksum_detects_differences),
        TEST(test_checksum_depends_on_order),
        TEST(test_checksum_chaining),
        TEST(test_checksum_odd_lengths),
        TEST(test_checksum_large_words),
        TEST(test_slot_status_str),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
