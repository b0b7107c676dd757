/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The supervision tree example: the page in which the monitor's script tells the crashers what to do (mapped
 * read-write in the monitor, read-only in the crashers and the client). Every command names the incarnation it is
 * for, so a restarted crasher (a new incarnation, its .bss as at first start) never carries out a stale one. */

#include <stdint.h>

enum { TREE_CRASHERS = 3 }; /* crasher_a, crasher_b, crasher_c */

typedef struct {
    uint32_t fault[TREE_CRASHERS];   /* this incarnation writes to NULL when it is next notified */
    uint32_t hold[TREE_CRASHERS];    /* this incarnation does not say it serves until released */
    uint32_t release[TREE_CRASHERS]; /* this held incarnation may say it serves now */
    uint32_t over;                   /* non-zero: the client stops its rounds and reads back */
} tree_commands_t;

_Static_assert(sizeof(tree_commands_t) == 40, "tree_commands_t layout (shared)");
