/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/*
 * Unit tests for the in-flight table (sel4ft/inflight.h): ids, refusals, order, reissues, a model check against a
 * plain reference, and the argument it exists for, end to end: a component hands requests to a driver that
 * crashes at random points (losing what it had taken, or publishing a completion twice), hands everything still
 * in the table to each new incarnation, and every request completes exactly once.
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
#include <sel4ft/inflight.h>

#define CAPACITY 8u

static sel4ft_inflight_t table;
static sel4ft_inflight_slot_t slots[SEL4FT_INFLIGHT_MAX];

static int setup(void **state)
{
    (void)state;
    memset(slots, 0xa5, sizeof(slots));
    assert_int_equal(sel4ft_inflight_init(&table, slots, CAPACITY), 0);
    return 0;
}

static void test_init_rejects(void **state)
{
    (void)state;
    sel4ft_inflight_t t;
    assert_int_equal(sel4ft_inflight_init(NULL, slots, 8), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_inflight_init(&t, NULL, 8), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_inflight_init(&t, slots, 0), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_inflight_init(&t, slots, 3), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_inflight_init(&t, slots, 2 * SEL4FT_INFLIGHT_MAX), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_inflight_init(&t, slots, 1), 0);
    assert_int_equal(sel4ft_inflight_init(&t, slots, SEL4FT_INFLIGHT_MAX), 0);
    assert_int_equal(t.count, 0);
    assert_int_equal(sel4ft_inflight_first(&t), SEL4FT_INFLIGHT_NONE);
}

static void test_add_until_full(void **state)
{
    (void)state;
    uint32_t ids[CAPACITY], slot, id;
    for (uint32_t i = 0; i < CAPACITY; i++) {
        assert_int_equal(sel4ft_inflight_add(&table, &slot, &ids[i]), 0);
        assert_true(slot < CAPACITY);
        for (uint32_t j = 0; j < i; j++) {
            assert_int_not_equal(ids[i], ids[j]);
        }
        uint32_t found;
        assert_true(sel4ft_inflight_find(&table, ids[i], &found));
        assert_int_equal(found, slot);
    }
    assert_int_equal(table.count, CAPACITY);
    assert_int_equal(sel4ft_inflight_add(&table, &slot, &id), -SEL4FT_ENOSPC);
    assert_int_equal(table.count, CAPACITY);
    assert_int_equal(sel4ft_inflight_add(NULL, &slot, &id), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_inflight_add(&table, NULL, &id), -SEL4FT_EINVAL);
}

static void test_remove_once(void **state)
{
    (void)state;
    uint32_t slot, id, removed;
    assert_int_equal(sel4ft_inflight_add(&table, &slot, &id), 0);
    assert_int_equal(sel4ft_inflight_remove(&table, id, &removed), 0);
    assert_int_equal(removed, slot);
    assert_int_equal(table.count, 0);
    /* The same completion again: refused, counted, nothing changed. */
    assert_int_equal(sel4ft_inflight_remove(&table, id, &removed), -SEL4FT_ESTALE);
    assert_int_equal(table.refused, 1);
    assert_false(sel4ft_inflight_find(&table, id, &removed));
    /* The slot comes back with another id: the old one still completes nothing. */
    uint32_t again_slot, again_id;
    assert_int_equal(sel4ft_inflight_add(&table, &again_slot, &again_id), 0);
    assert_int_equal(again_slot, slot);
    assert_int_not_equal(again_id, id);
    assert_int_equal(sel4ft_inflight_remove(&table, id, &removed), -SEL4FT_ESTALE);
    assert_int_equal(table.count, 1);
    assert_int_equal(sel4ft_inflight_remove(&table, again_id, &removed), 0);
}

static void test_garbage_ids(void **state)
{
    (void)state;
    uint32_t slot, id, removed;
    assert_int_equal(sel4ft_inflight_add(&table, &slot, &id), 0);
    const uint32_t garbage[] = { UINT32_MAX, id ^ (1u << 31), id + CAPACITY, id ^ 1u, 0xdeadbeef };
    for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        if (garbage[i] == id) {
            continue;
        }
        assert_int_equal(sel4ft_inflight_remove(&table, garbage[i], &removed), -SEL4FT_ESTALE);
    }
    assert_int_equal(table.count, 1);
    assert_int_equal(sel4ft_inflight_remove(&table, id, &removed), 0);
    assert_int_equal(sel4ft_inflight_remove(NULL, id, &removed), -SEL4FT_EINVAL);
    assert_false(sel4ft_inflight_find(NULL, id, &removed));
}

static void test_order_and_reissue(void **state)
{
    (void)state;
    uint32_t slot[5], id[5], removed;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(sel4ft_inflight_add(&table, &slot[i], &id[i]), 0);
    }
    /* Take the middle one and the oldest: the walk keeps the order of the rest. */
    assert_int_equal(sel4ft_inflight_remove(&table, id[2], &removed), 0);
    assert_int_equal(sel4ft_inflight_remove(&table, id[0], &removed), 0);
    const int expect[] = { 1, 3, 4 };
    uint32_t s = sel4ft_inflight_first(&table);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(s, slot[expect[k]]);
        uint32_t fresh;
        assert_int_equal(sel4ft_inflight_reissue(&table, s, &fresh), 0);
        assert_int_not_equal(fresh, id[expect[k]]);
        assert_int_equal(sel4ft_inflight_id(&table, s), fresh);
        assert_false(sel4ft_inflight_find(&table, id[expect[k]], &removed));
        assert_true(sel4ft_inflight_find(&table, fresh, &removed));
        id[expect[k]] = fresh;
        s = sel4ft_inflight_next(&table, s);
    }
    assert_int_equal(s, SEL4FT_INFLIGHT_NONE);
    /* A newer request goes to the end; reissuing a free slot is refused. */
    uint32_t late_slot, late_id, dummy;
    assert_int_equal(sel4ft_inflight_add(&table, &late_slot, &late_id), 0);
    s = sel4ft_inflight_first(&table);
    for (int k = 0; k < 3; k++) {
        s = sel4ft_inflight_next(&table, s);
    }
    assert_int_equal(s, late_slot);
    assert_int_equal(sel4ft_inflight_reissue(&table, slot[0] == late_slot ? slot[2] : slot[0], &dummy),
                     -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_inflight_reissue(&table, CAPACITY, &dummy), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_inflight_next(&table, CAPACITY + 5), SEL4FT_INFLIGHT_NONE);
    assert_int_equal(sel4ft_inflight_id(&table, CAPACITY), 0);
}

/* A capacity of one: the slot bits are none; ids are the generation alone. */
static void test_capacity_one(void **state)
{
    (void)state;
    sel4ft_inflight_t t;
    assert_int_equal(sel4ft_inflight_init(&t, slots, 1), 0);
    uint32_t slot, id, removed, prev = UINT32_MAX;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(sel4ft_inflight_add(&t, &slot, &id), 0);
        assert_int_equal(slot, 0);
        assert_int_not_equal(id, prev);
        assert_int_equal(sel4ft_inflight_add(&t, &slot, &removed), -SEL4FT_ENOSPC);
        assert_int_equal(sel4ft_inflight_remove(&t, id, &removed), 0);
        prev = id;
    }
}

/* Random operations against a reference: a list of (slot, id) in order of addition. */
static void test_against_model(void **state)
{
    (void)state;
    enum { CAP = 64, STEPS = 200000, HISTORY = 4096 };
    sel4ft_inflight_t t;
    assert_int_equal(sel4ft_inflight_init(&t, slots, CAP), 0);
    uint32_t model_slot[CAP], model_id[CAP], n = 0;
    uint32_t history[HISTORY], h = 0; /* ids that were current once */
    uint64_t refused = 0;
    srand(7);
    for (int step = 0; step < STEPS; step++) {
        int op = rand() % 4;
        uint32_t slot, id;
        if (op == 0 || op == 1) {
            int err = sel4ft_inflight_add(&t, &slot, &id);
            if (n == CAP) {
                assert_int_equal(err, -SEL4FT_ENOSPC);
                continue;
            }
            assert_int_equal(err, 0);
            for (uint32_t i = 0; i < n; i++) {
                assert_int_not_equal(model_id[i], id);
                assert_int_not_equal(model_slot[i], slot);
            }
            model_slot[n] = slot;
            model_id[n++] = id;
            history[h++ % HISTORY] = id;
        } else if (op == 2 && n > 0) {
            uint32_t k = (uint32_t)rand() % n;
            assert_int_equal(sel4ft_inflight_remove(&t, model_id[k], &slot), 0);
            assert_int_equal(slot, model_slot[k]);
            memmove(&model_slot[k], &model_slot[k + 1], (n - k - 1) * sizeof(uint32_t));
            memmove(&model_id[k], &model_id[k + 1], (n - k - 1) * sizeof(uint32_t));
            n--;
        } else if (op == 3 && n > 0) {
            uint32_t k = (uint32_t)rand() % n;
            assert_int_equal(sel4ft_inflight_reissue(&t, model_slot[k], &id), 0);
            model_id[k] = id;
            history[h++ % HISTORY] = id;
        } else {
            /* An id from the past: refused unless it is current. */
            uint32_t old = history[(uint32_t)rand() % (h < HISTORY ? (h ? h : 1) : HISTORY)];
            bool current = false;
            for (uint32_t i = 0; i < n; i++) {
                current |= model_id[i] == old;
            }
            if (!current && h > 0) {
                assert_int_equal(sel4ft_inflight_remove(&t, old, &slot), -SEL4FT_ESTALE);
                refused++;
            }
        }
        /* The walk is the model's order, and the count agrees. */
        assert_int_equal(t.count, n);
        uint32_t s = sel4ft_inflight_first(&t);
        for (uint32_t i = 0; i < n; i++) {
            assert_int_equal(s, model_slot[i]);
            assert_int_equal(sel4ft_inflight_id(&t, s), model_id[i]);
            s = sel4ft_inflight_next(&t, s);
        }
        assert_int_equal(s, SEL4FT_INFLIGHT_NONE);
    }
    assert_int_equal(t.refused, refused);
}

/*
 * End to end: a component with a table of 16 hands requests to a driver through a queue of ids; the driver takes
 * some, completes some (publishing each completion, sometimes twice), and crashes at random points, losing what
 * it had taken but not completed. After each crash the component takes the completions published, empties the
 * queues and hands every request still in its table to the new incarnation under a new id. Every one of 5000
 * client requests must complete exactly once, none lost.
 */
enum { E2E_CAP = 16, E2E_REQUESTS = 5000, QUEUE = 64 };

typedef struct {
    uint32_t ids[QUEUE];
    uint32_t head, tail;
} idq_t;

static void push(idq_t *q, uint32_t id)
{
    assert_true(q->tail - q->head < QUEUE);
    q->ids[q->tail++ % QUEUE] = id;
}

static bool pop(idq_t *q, uint32_t *id)
{
    if (q->head == q->tail) {
        return false;
    }
    *id = q->ids[q->head++ % QUEUE];
    return true;
}

static void test_restarts_end_to_end(void **state)
{
    (void)state;
    sel4ft_inflight_t t;
    uint32_t request_of[E2E_CAP]; /* slot -> client request number */
    static uint8_t completions[E2E_REQUESTS];
    idq_t requests = { 0 }, responses = { 0 };
    uint32_t taken[E2E_CAP], held = 0; /* what the driver has taken and not completed */
    uint32_t next_request = 0, done = 0, crashes = 0, duplicates = 0;
    memset(completions, 0, sizeof(completions));
    assert_int_equal(sel4ft_inflight_init(&t, slots, E2E_CAP), 0);
    srand(11);

    while (done < E2E_REQUESTS) {
        /* The component: new client requests while the table has room. */
        while (next_request < E2E_REQUESTS && t.count < E2E_CAP && rand() % 2) {
            uint32_t slot, id;
            assert_int_equal(sel4ft_inflight_add(&t, &slot, &id), 0);
            request_of[slot] = next_request++;
            push(&requests, id);
        }
        /* The driver: takes some, completes some, sometimes publishes a completion twice. */
        uint32_t id;
        while (held < E2E_CAP && rand() % 3 && pop(&requests, &id)) {
            taken[held++] = id;
        }
        while (held > 0 && rand() % 3) {
            uint32_t k = (uint32_t)rand() % held;
            push(&responses, taken[k]);
            if (rand() % 10 == 0) {
                push(&responses, taken[k]);
            }
            taken[k] = taken[--held];
        }
        /* The component: its completions, now and then (a crash can come first). */
        while (rand() % 2 && pop(&responses, &id)) {
            uint32_t slot;
            if (sel4ft_inflight_remove(&t, id, &slot) != 0) {
                duplicates++;
                continue;
            }
            completions[request_of[slot]]++;
            done++;
        }
        /* A crash: the driver's taken requests are gone; completions it published stay. */
        if (rand() % 7 == 0) {
            crashes++;
            held = 0;
            while (pop(&responses, &id)) {
                uint32_t slot;
                if (sel4ft_inflight_remove(&t, id, &slot) == 0) {
                    completions[request_of[slot]]++;
                    done++;
                } else {
                    duplicates++;
                }
            }
            requests.head = requests.tail = 0;
            responses.head = responses.tail = 0;
            for (uint32_t s = sel4ft_inflight_first(&t); s != SEL4FT_INFLIGHT_NONE; s = sel4ft_inflight_next(&t, s)) {
                uint32_t fresh;
                assert_int_equal(sel4ft_inflight_reissue(&t, s, &fresh), 0);
                push(&requests, fresh);
            }
        }
    }
    for (uint32_t r = 0; r < E2E_REQUESTS; r++) {
        assert_int_equal(completions[r], 1);
    }
    assert_true(crashes > 100);
    assert_true(duplicates > 0);
    assert_int_equal(t.refused, duplicates);
    assert_int_equal(t.count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_rejects, setup),
        cmocka_unit_test_setup(test_add_until_full, setup),
        cmocka_unit_test_setup(test_remove_once, setup),
        cmocka_unit_test_setup(test_garbage_ids, setup),
        cmocka_unit_test_setup(test_order_and_reissue, setup),
        cmocka_unit_test_setup(test_capacity_one, setup),
        cmocka_unit_test_setup(test_against_model, setup),
        cmocka_unit_test_setup(test_restarts_end_to_end, setup),
    };
    return cmocka_run_group_tests_name("inflight", tests, NULL, NULL);
}
