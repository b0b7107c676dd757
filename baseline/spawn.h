/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Starting roles of this program with exec and a fixed descriptor layout (sel4ft_procmon_fork(): every child
 * gets SIGKILL if its parent dies). */

#include <stddef.h>
#include <sys/types.h>

/* The first descriptor a role receives; the rest follow in the order its starter lists them. */
#define BASELINE_FD_FIRST 3

/* Remember this program's path (from /proc/self/exe, else argv[0]) so roles can be started with exec. */
void baseline_set_program(const char *argv0);

/* fork + exec this program with argv (argv[0] is replaced by the program path, argv ends with NULL), handing
 * over fds[i] as descriptor BASELINE_FD_FIRST + i and closing every other descriptor above 2. Returns the
 * child's pid; dies if fork fails. */
pid_t baseline_spawn(const char *const *argv, const int *fds, unsigned fd_count);
