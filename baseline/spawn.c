/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sel4ft/procmon.h>

#include "cli.h"
#include "spawn.h"

static char program_path[PATH_MAX];

void baseline_set_program(const char *argv0)
{
    ssize_t n = readlink("/proc/self/exe", program_path, sizeof(program_path) - 1);
    if (n > 0) {
        program_path[n] = '\0';
    } else {
        snprintf(program_path, sizeof(program_path), "%s", argv0);
    }
}

pid_t baseline_spawn(const char *const *argv, const int *fds, unsigned fd_count)
{
    pid_t pid = sel4ft_procmon_fork();
    if (pid < 0) {
        baseline_die("fork: %s", strerror(errno));
    }
    if (pid > 0) {
        return pid;
    }
    /* Move every descriptor out of the way first, then into place: a source may sit on another's target. */
    int moved[16];
    if (fd_count > sizeof(moved) / sizeof(moved[0])) {
        _exit(126);
    }
    for (unsigned i = 0; i < fd_count; i++) {
        moved[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 64);
        if (moved[i] < 0) {
            _exit(126);
        }
    }
    for (unsigned i = 0; i < fd_count; i++) {
        /* dup2 clears close-on-exec on the target. */
        if (dup2(moved[i], BASELINE_FD_FIRST + (int)i) < 0) {
            _exit(126);
        }
    }
    /* The moved copies are close-on-exec; the rest should be too, but a leak would mislead the demo. */
    if (close_range(BASELINE_FD_FIRST + fd_count, ~0u, 0) != 0) {
        for (int fd = BASELINE_FD_FIRST + (int)fd_count; fd < 1024; fd++) {
            close(fd);
        }
    }
    char *args[24];
    unsigned n = 0;
    args[n++] = program_path;
    for (unsigned i = 1; argv[i] != NULL && n < sizeof(args) / sizeof(args[0]) - 1; i++) {
        args[n++] = (char *)argv[i];
    }
    args[n] = NULL;
    signal(SIGPIPE, SIG_DFL);
    execv(program_path, args);
    fprintf(stderr, "sel4ft-baseline: exec %s: %s\n", program_path, strerror(errno));
    _exit(127);
}
