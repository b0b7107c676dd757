/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* `demo`: run the fault demonstration's scenarios and say what each showed. */

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "supervisor.h"

/* Say what a scenario showed, on standard output, after its logger has finished. Returns true if it showed
 * what it is meant to show. */
static bool verdict(scenario_t scenario, const supervisor_result_t *r)
{
    uint64_t after = r->phase_succeeded[1] + r->phase_failed[1];
    if (!r->completed) {
        printf("demo: scenario %s: FAILED to complete\n", baseline_scenario_name(scenario));
        return false;
    }
    if (scenario == SCENARIO_ISOLATED) {
        bool ok = r->signal_seen && r->crasher_stopped && r->phase_failed[0] == 0 && r->phase_failed[1] == 0 &&
                  after > 0 && !r->corrupted;
        printf("demo: scenario isolated: %s: the crasher's SIGSEGV was contained by the process boundary (%u failures, "
               "%u restarts, then stopped by the policy); %lu of %lu requests after the crash succeeded; the server's "
               "table is %s\n",
               ok ? "as expected" : "NOT as expected", r->crasher_failures, r->crasher_restarts,
               (unsigned long)r->phase_succeeded[1], (unsigned long)after, r->corrupted ? "CORRUPTED" : "intact");
        return ok;
    }
    bool ok = r->signal_seen && r->corrupted && r->phase_failed[0] == 0;
    printf("demo: scenario shared: %s: the crasher shared a writable mapping with the server and corrupted its table "
           "before its SIGSEGV; the server %s; %lu of %lu requests after the crash failed\n",
           ok ? "as expected" : "NOT as expected",
           r->corrupted ? "detected it (checksum) and refused to serve from it" : "did NOT notice",
           (unsigned long)r->phase_failed[1], (unsigned long)after);
    return ok;
}

/* Only through the logger: "ring" or "dgram". */
static bool parse_log(const char *value, enum baseline_log_mode *mode)
{
    return baseline_log_mode_parse(value, mode) && (*mode == BASELINE_LOG_RING || *mode == BASELINE_LOG_DGRAM);
}

static int run_scenarios(bool isolated, bool shared, enum baseline_log_mode log)
{
    supervisor_options_t options = { .log = log };
    supervisor_result_t results[2];
    bool ok = true;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (isolated) {
        printf("demo: == scenario isolated: the crasher shares nothing with the server but its own request slot\n");
        options.scenario = SCENARIO_ISOLATED;
        baseline_supervise(&options, &results[0]);
    }
    if (shared) {
        printf("demo: == scenario shared: the server's table is in shared memory the crasher can map writable\n");
        options.scenario = SCENARIO_SHARED;
        baseline_supervise(&options, &results[1]);
    }
    if (isolated) {
        ok &= verdict(SCENARIO_ISOLATED, &results[0]);
    }
    if (shared) {
        ok &= verdict(SCENARIO_SHARED, &results[1]);
    }
    if (isolated && shared) {
        printf("demo: contrast: on Linux the process boundary contains the crash itself, but not the writes made "
               "before it through memory that was shared writable. On seL4 the crasher's protection domain maps "
               "nothing of the server's: its only shared region is its own request region, which the server copies "
               "and validates, so the same bug cannot reach the server's state.\n");
    }
    return ok ? 0 : 1;
}

int baseline_demo_main(int argc, char **argv)
{
    enum baseline_log_mode log = BASELINE_LOG_RING;
    bool isolated = true, shared = true;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--log") == 0 && i + 1 < argc && parse_log(argv[i + 1], &log)) {
            i++;
        } else if (strcmp(argv[i], "isolated") == 0) {
            isolated = true;
            shared = false;
        } else if (strcmp(argv[i], "shared") == 0) {
            isolated = false;
            shared = true;
        } else if (strcmp(argv[i], "both") == 0) {
            isolated = shared = true;
        } else {
            fprintf(stderr, "usage: sel4ft-baseline demo [--log ring|dgram] [isolated|shared|both]\n");
            return 2;
        }
    }
    return run_scenarios(isolated, shared, log);
}
