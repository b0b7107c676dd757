/* Copyright 2026, the sel4ft authors */
/* SPDX-License-Identifier: BSD-2-Clause */
#pragma once

/* The counter service's protocol (payloads: fixed-width fields only). */
enum counter_opcode {
    COUNTER_ADD = 1,   /* update: int64_t delta -> int64_t, the new count */
    COUNTER_GET = 2,   /* query: nothing -> int64_t, the count */
    COUNTER_CRASH = 3, /* query, for the demonstration: uint32_t point -> int64_t; the next ADD crashes there */
};
