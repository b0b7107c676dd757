/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The command line: the subcommands, the role this process plays, fatal errors, numeric arguments. */

#include <stdint.h>

/* The role this process plays, for error messages ("demo", "server", ...). */
extern const char *baseline_role;

/* Print "sel4ft-baseline: <role>: message" on standard error and exit with status 2. */
void baseline_die(const char *format, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Return `err` if it is not negative (a sel4ft error); else die: "<what>: <sel4ft_strerror(err)>". */
int baseline_check(int err, const char *what);

/* Parse a decimal argument; dies with a message naming the option if it is not a number in [min, max]. */
uint64_t baseline_parse_number(const char *option, const char *text, uint64_t min, uint64_t max);

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
