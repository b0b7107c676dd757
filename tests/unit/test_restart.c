/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/*
 * Unit tests for clean restarts: sel4ft_restart_begin_image() with a buffer
 * standing in for a PD's .data and .bss, and sel4ft_restart_begin() on the
 * Linux port, which cannot name the image.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sel4ft/checkpoint.h>
#include <sel4ft/error.h>
#include <sel4ft/os.h>
#include <sel4ft/restart.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define IMAGE_SIZE  1000u
#define HEADER_SIZE ((uint32_t)sizeof(sel4ft_restart_header_t))
#define REGION_SIZE (HEADER_SIZE + IMAGE_SIZE)

/* The fake writable image, and the snapshot region (exactly large enough). */
static _Alignas(8) uint8_t image[IMAGE_SIZE];
static _Alignas(8) uint8_t other_image[IMAGE_SIZE];
static _Alignas(8) uint8_t region[REGION_SIZE + 8];
/* The image as the loader left it. */
static uint8_t pristine[IMAGE_SIZE];

/* A dense image (no zero word: its sparse form does not fit the region, so the whole image is copied) instead of
 * the usual one, whose last quarter (.bss) is zero. */
static bool dense;

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(pristine); i++) {
        pristine[i] = (uint8_t)(i * 17 + 3);
    }
    if (!dense) {
        memset(pristine + 3 * IMAGE_SIZE / 4, 0, IMAGE_SIZE / 4);
    }
    memcpy(image, pristine, sizeof(image));
    memset(other_image, 0, sizeof(other_image));
    memset(region, 0, sizeof(region));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return 0;
}

static sel4ft_restart_header_t *header(void)
{
    return (sel4ft_restart_header_t *)region;
}

/* The pristine image's non-zero 8-byte words. */
static size_t pristine_nonzero(void)
{
    size_t n = 0;
    for (size_t i = 0; i + 8 <= IMAGE_SIZE; i += 8) {
        uint64_t w;
        memcpy(&w, pristine + i, 8);
        n += w != 0;
    }
    return n;
}

/* The bytes of the snapshot after the header: the sparse form (bitmap, words, the last partial word), or the
 * whole image. */
static size_t snapshot_bytes(void)
{
    return header()->version == 2 ? ((IMAGE_SIZE / 8 + 63) / 64 + pristine_nonzero() + (IMAGE_SIZE % 8 != 0)) * 8
                                  : IMAGE_SIZE;
}

/* What a run does to its image: counters in .data, buffers in .bss. */
static void scribble(unsigned run)
{
    for (size_t i = run % 7; i < IMAGE_SIZE; i += 5) {
        image[i] = (uint8_t)(image[i] + run + 1);
    }
}

static void test_first_start_snapshots(void **state)
{
    (void)state;
    uint64_t incarnation = 0;

    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(incarnation, 1);
    /* The image itself is untouched; the region holds its sparse form and a header describing it: a bitmap of
     * the non-zero words, those words in order, the last 0 to 7 bytes as one word. */
    assert_memory_equal(image, pristine, IMAGE_SIZE);
    assert_int_equal(header()->magic, SEL4FT_RESTART_MAGIC);
    assert_int_equal(header()->version, 2);
    assert_int_equal(header()->reserved[0], pristine_nonzero());
    assert_true(pristine_nonzero() < IMAGE_SIZE / 8);
    const uint64_t *bitmap = (const uint64_t *)(region + HEADER_SIZE);
    const uint64_t *packed = bitmap + (IMAGE_SIZE / 8 + 63) / 64;
    for (size_t i = 0; i < IMAGE_SIZE / 8; i++) {
        uint64_t w;
        memcpy(&w, pristine + 8 * i, 8);
        assert_int_equal((bitmap[i / 64] >> (i % 64)) & 1, w != 0);
        if (w != 0) {
            assert_int_equal(*packed++, w);
        }
    }
    assert_int_equal(header()->starts, 1);
    assert_int_equal(header()->image_start, (uintptr_t)image);
    assert_int_equal(header()->image_size, IMAGE_SIZE);
    /* Nothing past the snapshot was written. */
    for (size_t i = HEADER_SIZE + snapshot_bytes(); i < sizeof(region); i++) {
        assert_int_equal(region[i], 0);
    }
}

/* An image with no zero word: its sparse form would not fit the region, so the whole image is copied. */
static void test_dense_image_copied_whole(void **state)
{
    uint64_t incarnation = 0;
    dense = true;
    setup(state);
    dense = false;
    assert_int_equal(pristine_nonzero(), IMAGE_SIZE / 8);
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(header()->version, 1);
    assert_int_equal(header()->reserved[0], 0);
    assert_memory_equal(region + HEADER_SIZE, pristine, IMAGE_SIZE);
    memset(image, 0, IMAGE_SIZE);
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(incarnation, 2);
    assert_memory_equal(image, pristine, IMAGE_SIZE);
    /* An image that is not 8-byte aligned is copied whole too. */
    memset(region, 0, sizeof(region));
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image + 1, IMAGE_SIZE - 8, &incarnation), 0);
    assert_int_equal(header()->version, 1);
}

static void test_first_start_over_garbage(void **state)
{
    (void)state;
    uint64_t incarnation = 0;

    /* A region that was never used but is not zero: a first start, with a clean header. */
    memset(region, 0x5a, sizeof(region));
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(incarnation, 1);
    assert_int_equal(header()->starts, 1);
    assert_int_equal(header()->reserved[0], pristine_nonzero());
    for (size_t i = 1; i < ARRAY_SIZE(header()->reserved); i++) {
        assert_int_equal(header()->reserved[i], 0);
    }
    scribble(3);
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(incarnation, 2);
    assert_memory_equal(image, pristine, IMAGE_SIZE);
}

static void test_restart_restores_image(void **state)
{
    (void)state;
    uint64_t incarnation = 0;

    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    scribble(1);
    assert_memory_not_equal(image, pristine, IMAGE_SIZE);

    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(incarnation, 2);
    assert_memory_equal(image, pristine, IMAGE_SIZE);
    assert_int_equal(header()->starts, 2);

    /* An image whose size is not a multiple of 8: its last bytes are kept as one word, and restored. */
    for (size_t cut = 1; cut < 8; cut++) {
        memset(region, 0, sizeof(region));
        memcpy(image, pristine, IMAGE_SIZE);
        image[IMAGE_SIZE - cut - 1] = 0x77; /* the last partial word is not zero */
        uint8_t start[IMAGE_SIZE];
        memcpy(start, image, IMAGE_SIZE);
        assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE - cut, &incarnation), 0);
        assert_int_equal(header()->version, 2);
        memset(image, 0xee, IMAGE_SIZE);
        assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE - cut, &incarnation), 0);
        assert_int_equal(incarnation, 2);
        assert_memory_equal(image, start, IMAGE_SIZE - cut);
        /* Nothing past the image was written. */
        for (size_t i = IMAGE_SIZE - cut; i < IMAGE_SIZE; i++) {
            assert_int_equal(image[i], 0xee);
        }
    }
}

static void test_incarnation_keeps_counting(void **state)
{
    (void)state;
    uint64_t incarnation = 0;

    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(incarnation, 1);
    static uint8_t snapshot[REGION_SIZE];
    memcpy(snapshot, region + HEADER_SIZE, REGION_SIZE - HEADER_SIZE);
    for (unsigned run = 1; run <= 10; run++) {
        scribble(run);
        /* Some runs scribble everything, .bss included. */
        if (run % 3 == 0) {
            memset(image, 0xff, IMAGE_SIZE);
        }
        incarnation = 0;
        assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
        assert_int_equal(incarnation, run + 1);
        assert_memory_equal(image, pristine, IMAGE_SIZE);
    }
    assert_int_equal(header()->starts, 11);
    /* The snapshot is unchanged by all this. */
    assert_memory_equal(region + HEADER_SIZE, snapshot, REGION_SIZE - HEADER_SIZE);
}

static void test_restart_without_scribbling(void **state)
{
    (void)state;
    uint64_t incarnation = 0;

    /* A crash before the PD changed anything: still a restart, still counted. */
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(incarnation, 2);
    assert_memory_equal(image, pristine, IMAGE_SIZE);
}

static void test_region_too_small(void **state)
{
    (void)state;
    uint64_t incarnation = 77;

    assert_int_equal(
        sel4ft_restart_begin_image(region, REGION_SIZE - 1, image, IMAGE_SIZE, &incarnation), -SEL4FT_ENOSPC);
    assert_int_equal(sel4ft_restart_begin_image(region, HEADER_SIZE, image, IMAGE_SIZE, &incarnation), -SEL4FT_ENOSPC);
    assert_int_equal(
        sel4ft_restart_begin_image(region, HEADER_SIZE - 1, image, IMAGE_SIZE, &incarnation), -SEL4FT_ENOSPC);
    assert_int_equal(sel4ft_restart_begin_image(region, 0, image, IMAGE_SIZE, &incarnation), -SEL4FT_ENOSPC);
    /* Even an empty image needs room for the header. */
    assert_int_equal(sel4ft_restart_begin_image(region, HEADER_SIZE - 1, image, 0, &incarnation), -SEL4FT_ENOSPC);
    /* An image whose size would wrap the arithmetic. */
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, SIZE_MAX, &incarnation), -SEL4FT_ENOSPC);
    assert_int_equal(incarnation, 77);
    for (size_t i = 0; i < sizeof(region); i++) {
        assert_int_equal(region[i], 0);
    }
    assert_memory_equal(image, pristine, IMAGE_SIZE);

    /* Exactly large enough. */
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(incarnation, 1);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    uint64_t incarnation = 77;

    assert_int_equal(sel4ft_restart_begin_image(NULL, REGION_SIZE, image, IMAGE_SIZE, &incarnation), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, NULL, IMAGE_SIZE, &incarnation), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, NULL), -SEL4FT_EINVAL);
    for (size_t offset = 1; offset < 8; offset++) {
        assert_int_equal(
            sel4ft_restart_begin_image(region + offset, REGION_SIZE, image, IMAGE_SIZE, &incarnation), -SEL4FT_EINVAL);
    }
    assert_int_equal(incarnation, 77);
    for (size_t i = 0; i < sizeof(region); i++) {
        assert_int_equal(region[i], 0);
    }
}

/* Start once, scribble, then break the snapshot with @p breaker; the next start must refuse and touch nothing. */
static void check_refused(void (*breaker)(void), void *start_image, size_t start_size)
{
    uint64_t incarnation = 0;
    static uint8_t scribbled[IMAGE_SIZE];
    static _Alignas(8) uint8_t broken[sizeof(region)];

    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    scribble(4);
    memcpy(scribbled, image, sizeof(image));
    breaker();
    memcpy(broken, region, sizeof(region));

    incarnation = 77;
    assert_int_equal(
        sel4ft_restart_begin_image(region, REGION_SIZE, start_image, start_size, &incarnation), -SEL4FT_EBADMSG);
    /* Nothing restored, nothing counted. */
    assert_int_equal(incarnation, 77);
    assert_memory_equal(image, scribbled, IMAGE_SIZE);
    assert_memory_equal(region, broken, sizeof(region));
    for (size_t i = 0; i < sizeof(other_image); i++) {
        assert_int_equal(other_image[i], 0);
    }
}

static void flip_first_copy_byte(void)
{
    region[HEADER_SIZE] ^= 0x01;
}

static void flip_middle_copy_byte(void)
{
    region[HEADER_SIZE + snapshot_bytes() / 2] ^= 0x80;
}

static void flip_last_copy_byte(void)
{
    region[HEADER_SIZE + snapshot_bytes() - 1] ^= 0x10;
}

/* Sparse form: more words than the image has, or more than the region holds. */
static void too_many_words(void)
{
    header()->reserved[0] = IMAGE_SIZE / 8 + 1;
}

static void words_past_the_region(void)
{
    header()->reserved[0] = IMAGE_SIZE / 8;
}

/* Sparse form, its checksum made to match: a bitmap bit past the image's last whole word; a bitmap that names one
 * word more than the count (the words would be read out of step). */
/* The sparse form's checksum, as lib/restart.c computes it (FNV-1a steps over 64-bit words, each folded). */
static void rechecksum(void)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < snapshot_bytes() / 8; i++) {
        uint64_t w;
        memcpy(&w, region + HEADER_SIZE + 8 * i, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 32;
    }
    header()->checksum = h;
}

static void bit_past_the_image(void)
{
    uint64_t *bitmap = (uint64_t *)(region + HEADER_SIZE);
    bitmap[(IMAGE_SIZE / 8) / 64] |= 1ull << (IMAGE_SIZE / 8 % 64);
    rechecksum();
}

static void bitmap_names_more_than_counted(void)
{
    uint64_t *bitmap = (uint64_t *)(region + HEADER_SIZE);
    for (size_t i = 0; i < IMAGE_SIZE / 8; i++) {
        if ((bitmap[i / 64] & (1ull << (i % 64))) == 0) {
            bitmap[i / 64] |= 1ull << (i % 64);
            break;
        }
    }
    rechecksum();
}

/* The top bit of two words in a row: a plain 64-bit FNV step would let these cancel. */
static void flip_top_bits_of_two_words(void)
{
    size_t first = HEADER_SIZE + 8 * ((IMAGE_SIZE / 8 + 63) / 64); /* the first kept word */
    region[first + 7] ^= 0x80;
    region[first + 15] ^= 0x80;
}

static void copy_with_a_count(void)
{
    header()->version = 1;
}

static void zero_copy_word(void)
{
    memset(region + HEADER_SIZE + 8, 0, 4);
}

static void flip_checksum(void)
{
    header()->checksum ^= 1ull << 40;
}

static void bad_version(void)
{
    header()->version = 3;
}

static void leave_alone(void)
{
}

static void test_corrupt_snapshot_refused(void **state)
{
    (void)state;
    void (*const breakers[])(void) = {
        flip_first_copy_byte,
        flip_middle_copy_byte,
        flip_last_copy_byte,
        zero_copy_word,
        flip_checksum,
        bad_version,
        too_many_words,
        words_past_the_region,
        bit_past_the_image,
        bitmap_names_more_than_counted,
        flip_top_bits_of_two_words,
        copy_with_a_count,
    };
    for (size_t i = 0; i < ARRAY_SIZE(breakers); i++) {
        setup(NULL);
        check_refused(breakers[i], image, IMAGE_SIZE);
    }
    /* The whole copy, refused as well when broken. */
    void (*const copy_breakers[])(void) = {
        flip_first_copy_byte, flip_middle_copy_byte, flip_last_copy_byte, zero_copy_word, flip_checksum, bad_version,
    };
    for (size_t i = 0; i < ARRAY_SIZE(copy_breakers); i++) {
        dense = true;
        setup(NULL);
        dense = false;
        check_refused(copy_breakers[i], image, IMAGE_SIZE);
    }
}

static void test_other_image_refused(void **state)
{
    (void)state;
    /* Another address, same size. */
    check_refused(leave_alone, other_image, IMAGE_SIZE);
    /* Same address, another size: smaller or larger. */
    setup(NULL);
    check_refused(leave_alone, image, IMAGE_SIZE - 1);
    setup(NULL);
    check_refused(leave_alone, image, IMAGE_SIZE - 8);
    setup(NULL);
    check_refused(leave_alone, image, 0);
    /* Larger than the snapshot, but the region has room for it (8 spare bytes). */
    setup(NULL);
    uint64_t incarnation = 0;
    assert_int_equal(sel4ft_restart_begin_image(region, sizeof(region), image, IMAGE_SIZE, &incarnation), 0);
    scribble(2);
    uint8_t scribbled[IMAGE_SIZE];
    memcpy(scribbled, image, sizeof(scribbled));
    assert_int_equal(
        sel4ft_restart_begin_image(region, sizeof(region), image, IMAGE_SIZE + 8, &incarnation), -SEL4FT_EBADMSG);
    assert_memory_equal(image, scribbled, IMAGE_SIZE);
}

static void test_refusal_is_not_counted(void **state)
{
    (void)state;
    uint64_t incarnation = 0;

    /* A refused start (wrong image) does not count, and the right one still works after it. */
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(
        sel4ft_restart_begin_image(region, REGION_SIZE, other_image, IMAGE_SIZE, &incarnation), -SEL4FT_EBADMSG);
    scribble(9);
    assert_int_equal(sel4ft_restart_begin_image(region, REGION_SIZE, image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(incarnation, 2);
    assert_memory_equal(image, pristine, IMAGE_SIZE);
}

static void test_image_and_snapshot_in_one_buffer(void **state)
{
    (void)state;
    /* A PD's region next to its image, as in memory: scribbling on the image never reaches the snapshot. */
    static _Alignas(8) uint8_t memory[2 * IMAGE_SIZE + HEADER_SIZE];
    uint8_t *pd_image = memory;
    uint8_t *pd_region = memory + IMAGE_SIZE;
    uint64_t incarnation = 0;

    memcpy(pd_image, pristine, IMAGE_SIZE);
    memset(pd_region, 0, IMAGE_SIZE + HEADER_SIZE);
    assert_int_equal(
        sel4ft_restart_begin_image(pd_region, IMAGE_SIZE + HEADER_SIZE, pd_image, IMAGE_SIZE, &incarnation), 0);
    memset(pd_image, 0x5a, IMAGE_SIZE);
    assert_int_equal(
        sel4ft_restart_begin_image(pd_region, IMAGE_SIZE + HEADER_SIZE, pd_image, IMAGE_SIZE, &incarnation), 0);
    assert_int_equal(incarnation, 2);
    assert_memory_equal(pd_image, pristine, IMAGE_SIZE);
}

static void test_begin_not_supported_on_linux(void **state)
{
    (void)state;
    uint64_t incarnation = 77;
    uintptr_t start = 1;
    size_t size = 2;

    assert_int_equal(sel4ft_os_image_writable(&start, &size), -SEL4FT_ENOTSUP);
    assert_int_equal(sel4ft_restart_begin(region, sizeof(region), &incarnation), -SEL4FT_ENOTSUP);
    assert_int_equal(incarnation, 77);
    for (size_t i = 0; i < sizeof(region); i++) {
        assert_int_equal(region[i], 0);
    }
    /* And on Linux there is no event loop to enter: it returns. */
    sel4ft_restart_serve((sel4ft_msginfo_t) { 0, 0 });
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_first_start_snapshots),
        TEST(test_dense_image_copied_whole),
        TEST(test_first_start_over_garbage),
        TEST(test_restart_restores_image),
        TEST(test_incarnation_keeps_counting),
        TEST(test_restart_without_scribbling),
        TEST(test_region_too_small),
        TEST(test_invalid_arguments),
        TEST(test_corrupt_snapshot_refused),
        TEST(test_other_image_refused),
        TEST(test_refusal_is_not_counted),
        TEST(test_image_and_snapshot_in_one_buffer),
        TEST(test_begin_not_supported_on_linux),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
