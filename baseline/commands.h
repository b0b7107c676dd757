/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The subcommands of sel4ft-baseline, each a main(argc, argv) of its own (argv[0] is the subcommand). */

int baseline_demo_main(int argc, char **argv);
int baseline_bench_main(int argc, char **argv);
int baseline_inject_main(int argc, char **argv);
/* Roles the supervisor starts with exec. */
int baseline_logger_main(int argc, char **argv);
int baseline_server_main(int argc, char **argv);
int baseline_client_main(int argc, char **argv);
int baseline_crasher_main(int argc, char **argv);
int baseline_bench_server_main(int argc, char **argv);
