/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* sel4ft-baseline: the Linux baseline as one program with subcommands. `demo` and `bench` are for people; the
 * supervisor starts the roles (logger, server, client, crasher, bench-server) with exec of this same program. */

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "spawn.h"

/* Under AddressSanitizer, let a SIGSEGV kill the process as it would without it: the supervisor is meant to
 * see the signal, not an ASan report followed by exit(1). Unused in builds without ASan. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "handle_segv=0";
}

typedef struct {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *help;
} command_t;

static const command_t commands[] = {
    { "demo", baseline_demo_main, "[isolated|shared|both] [--log ring|dgram]  run the fault demonstration" },
    { "bench", baseline_bench_main, "[--quick] [--rtt-samples N] ...  print bench/FORMAT.md lines (system linux)" },
    { "inject", baseline_inject_main, "[--seed S] [--injections N] [--no-shared]  the seeded fault-injection campaign" },
    { "logger", baseline_logger_main, "--run R --log ring|dgram  (started by the supervisor)" },
    { "server", baseline_server_main, "--run R --log M --incarnation N [--shared-state]  (ditto)" },
    { "client", baseline_client_main, "--run R --log M --incarnation N  (ditto)" },
    { "crasher", baseline_crasher_main, "--run R --log M --incarnation N [--shared-state]  (ditto)" },
    { "bench-server", baseline_bench_server_main, "(started by bench)" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: sel4ft-baseline COMMAND [ARGS]\n\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].help);
    }
    fprintf(out, "\nThe Linux counterpart of the sel4ft examples: see baseline/README.md.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    /* A peer that went away shows as EPIPE on write, not as a signal. */
    signal(SIGPIPE, SIG_IGN);
    baseline_set_program(argv[0]);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            baseline_role = commands[i].name;
            return commands[i].main(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "sel4ft-baseline: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
