/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Shared by the benchmark PDs. */

#define BENCH_PAYLOAD_MAX 4096u
#define OP_ECHO 1
#define OP_CRASH 2

/* The recovery server's crash record, in a region it shares with the client (client: read only).
 * It survives the server's restart because it is not part of its program image. */
typedef struct {
    uint64_t stamp;       /* counter just before the faulting instruction */
    uint64_t crashed_id;  /* request id that made it crash (a retry of it is served) */
} crash_record_t;

/* The log consumer's progress, in a region it shares with the client (client: read only). */
typedef struct {
    uint64_t received; /* records the consumer took and counted */
    uint64_t idle_at;  /* the counter when it last found the ring empty, just before it notified the client */
} log_progress_t;
