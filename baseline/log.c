/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <errno.h>
#include <stdarg.h>
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
#include "port.h"
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

static enum baseline_log_mode log_mode = BASELINE_LOG_STDERR;
static const char *log_source = "?";
static sel4ft_logring_producer_t log_producer;
static int log_bell = -1;
static int log_socket = -1;

/* The library's port calls this when the logger armed its ring: ring the logger's eventfd. */
static void notify_logger(void *context, sel4ft_channel_t channel)
{
    (void)context;
    (void)channel;
    if (log_bell >= 0) {
        baseline_bell_ring(log_bell);
    }
}

void baseline_log_open(enum baseline_log_mode mode, const char *run, const char *source, int bell)
{
    log_mode = mode;
    log_source = source;
    sel4ft_os_linux_set_name(source);

    if (mode == BASELINE_LOG_RING) {
        char what[48];
        baseline_log_ring_name(what, sizeof(what), source);
        void *ring = baseline_shm_open(run, what, BASELINE_LOG_RING_SIZE);
        int err = sel4ft_logring_producer_init(&log_producer, ring, BASELINE_LOG_RING_SIZE, BASELINE_LOG_CHANNEL);
        if (err != 0) {
            baseline_die("log ring %s: %s", what, sel4ft_strerror(err));
        }
        log_bell = bell;
        baseline_port_route(BASELINE_LOG_CHANNEL, notify_logger, NULL);
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
}

void baseline_log(uint32_t level, const char *format, ...)
{
    char buffer[sizeof(baseline_log_datagram_t) + SEL4FT_LOGRING_TEXT_MAX + 1];
    char *text = buffer + sizeof(baseline_log_datagram_t);
    va_list args;

    va_start(args, format);
    int n = vsnprintf(text, SEL4FT_LOGRING_TEXT_MAX + 1, format, args);
    va_end(args);
    size_t length = n < 0 ? 0 : (size_t)n;
    if (length > SEL4FT_LOGRING_TEXT_MAX) {
        length = SEL4FT_LOGRING_TEXT_MAX;
    }

    switch (log_mode) {
    case BASELINE_LOG_RING:
        /* A full ring drops the record; the logger counts what the ring dropped. */
        sel4ft_logring_write(&log_producer, level, text, length);
        return;
    case BASELINE_LOG_DGRAM: {
        baseline_log_datagram_t header = {
            .magic = BASELINE_LOG_DGRAM_MAGIC, .level = (uint16_t)level, .length = (uint16_t)length,
            .time = sel4ft_os_ticks(),
        };
        snprintf(header.source, sizeof(header.source), "%s", log_source);
        memcpy(buffer, &header, sizeof(header));
        while (send(log_socket, buffer, sizeof(header) + length, MSG_NOSIGNAL) < 0 && errno == EINTR) {
        }
        return;
    }
    default:
        fprintf(log_mode == BASELINE_LOG_STDOUT ? stdout : stderr, "%s|%s: %.*s\n", log_source,
                sel4ft_log_level_str(level), (int)length, text);
        return;
    }
}

void baseline_log_close(void)
{
    if (log_mode == BASELINE_LOG_RING) {
        baseline_port_route(BASELINE_LOG_CHANNEL, NULL, NULL);
        baseline_shm_unmap(log_producer.control, BASELINE_LOG_RING_SIZE);
        log_producer = (sel4ft_logring_producer_t){ 0 };
    }
    if (log_socket >= 0) {
        close(log_socket);
    }
    log_socket = -1;
    log_bell = -1;
    log_mode = BASELINE_LOG_STDERR;
}
