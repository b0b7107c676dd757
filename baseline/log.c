/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <sel4ft/error.h>
#include <sel4ft/os_linux.h>

#include "cli.h"
#include "log.h"
#include "shared.h"
#include "stream.h"

static const char *const mode_names[] = {
    [BASELINE_LOG_STDERR] = "stderr", [BASELINE_LOG_STDOUT] = "stdout", [BASELINE_LOG_RING] = "ring",
    [BASELINE_LOG_DGRAM] = "dgram",
};

bool baseline_log_mode_parse(const char *text, enum baseline_log_mode *mode)
{
    for (unsigned i = 0; text != NULL && i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
        if (strcmp(text, mode_names[i]) == 0) {
            *mode = (enum baseline_log_mode)i;
            return true;
        }
    }
    return false;
}

const char *baseline_log_mode_name(enum baseline_log_mode mode)
{
    return mode_names[mode];
}

void baseline_log_ring_name(char *what, unsigned size, const char *source)
{
    snprintf(what, size, "log-%s", source);
}

static void *log_ring;
static int log_bell = -1;
static int log_socket = -1;
/* A datagram: the line the library's log writes to the console in pieces (prefix, text, newline). */
static char line[SEL4FT_LOGRING_TEXT_MAX + 64];
static size_t line_length;

/* The library's port calls this when the logger armed its ring: ring the logger's eventfd. */
static void notify_logger(void *context, sel4ft_channel_t channel)
{
    (void)context;
    (void)channel;
    if (log_bell >= 0) {
        baseline_bell_ring(log_bell);
    }
}

/* The port's console without a ring: standard output, or one datagram per line to the logger. */
static void console(void *context, const char *text, size_t length)
{
    (void)context;
    if (log_socket < 0) {
        fwrite(text, 1, length, stdout);
        return;
    }
    size_t room = sizeof(line) - line_length, n = length < room ? length : room;
    memcpy(line + line_length, text, n);
    line_length += n;
    if (length > 0 && text[length - 1] == '\n') {
        while (send(log_socket, line, line_length - (line[line_length - 1] == '\n'), MSG_NOSIGNAL) < 0 &&
               errno == EINTR) {
        }
        line_length = 0;
    }
}

void baseline_log_open(enum baseline_log_mode mode, const char *run, const char *source, int bell)
{
    sel4ft_os_linux_set_name(source);
    if (mode == BASELINE_LOG_RING) {
        char what[48];
        baseline_log_ring_name(what, sizeof(what), source);
        log_ring = baseline_shm_open(run, what, BASELINE_LOG_RING_SIZE);
        int err = sel4ft_log_init(log_ring, BASELINE_LOG_RING_SIZE, BASELINE_LOG_CHANNEL);
        if (err != 0) {
            baseline_die("log ring %s: %s", what, sel4ft_strerror(err));
        }
        log_bell = bell;
        sel4ft_os_linux_route(BASELINE_LOG_CHANNEL, notify_logger, NULL);
    } else if (mode == BASELINE_LOG_DGRAM) {
        struct sockaddr_un address;
        socklen_t length = baseline_unix_address(&address, run, "log");
        log_socket = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (log_socket < 0 || connect(log_socket, (struct sockaddr *)&address, length) != 0) {
            baseline_die("logger socket: %s", strerror(errno));
        }
        /* A full queue blocks the sender for at most a second (a stuck logger), then the line is dropped. */
        struct timeval limit = { .tv_sec = 1 };
        setsockopt(log_socket, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
    }
    sel4ft_os_linux_hooks()->console = mode == BASELINE_LOG_STDOUT || mode == BASELINE_LOG_DGRAM ? console : NULL;
}

void baseline_log_close(void)
{
    sel4ft_log_init(NULL, 0, 0);
    sel4ft_os_linux_hooks()->console = NULL;
    if (log_ring != NULL) {
        sel4ft_os_linux_route(BASELINE_LOG_CHANNEL, NULL, NULL);
        baseline_shm_unmap(log_ring, BASELINE_LOG_RING_SIZE);
        log_ring = NULL;
    }
    if (log_socket >= 0) {
        close(log_socket);
    }
    log_socket = -1;
    log_bell = -1;
    line_length = 0;
}
