/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The demo's supervisor: starts the logger, server, client and crasher as processes, supervises them with the
 * library's engine over processes (sel4ft/procmon.h), and runs one scenario of the demo. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "log.h"

typedef enum {
    SCENARIO_ISOLATED = 0, /* the crasher shares only its own request slot with the server */
    SCENARIO_SHARED,       /* the server's table is a shared object the crasher maps writable and scribbles on */
    SCENARIO_MEMORY,       /* no crasher: the benchmark reads the processes' resident memory between the phases */
} scenario_t;

/* What the benchmark's memory reading gets: the pids of the running processes. */
typedef void (*baseline_memory_probe_t)(pid_t server, pid_t client, pid_t logger);

typedef struct {
    scenario_t scenario;
    enum baseline_log_mode log;     /* BASELINE_LOG_RING or BASELINE_LOG_DGRAM */
    bool quiet;                     /* the logger prints nothing */
    baseline_memory_probe_t probe;  /* SCENARIO_MEMORY: called between the client's phases */
} supervisor_options_t;

typedef struct {
    bool completed;                 /* every process finished as planned, before the deadline */
    uint64_t phase_succeeded[2];    /* the client's requests before and after the crash */
    uint64_t phase_failed[2];
    uint32_t crasher_failures;
    uint32_t crasher_restarts;
    bool crasher_stopped;           /* the engine gave up on the crasher (its policy's limit) */
    bool signal_seen;               /* the crasher died of SIGSEGV */
    bool corrupted;                 /* the server reported its table corrupted */
    bool state_foreign_write;       /* shared scenario: at the end, the table fails its checksum or canaries */
} supervisor_result_t;

/* Run one scenario from start to finish. Returns 0 when it completed (whatever it showed), else 1. */
int baseline_supervise(const supervisor_options_t *options, supervisor_result_t *result);

const char *baseline_scenario_name(scenario_t scenario);
