/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The logger: the only process that prints. Ring mode: the library's logger (sel4ft/logger.h, as the seL4 logger
 * PD) drains one sel4ft_logring per process, woken by a ring's eventfd only when it armed that ring. Dgram mode:
 * one Unix datagram socket, a line "source|LEVEL: text" per datagram. */

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <sel4ft/error.h>
#include <sel4ft/logger.h>

#include "cli.h"
#include "control.h"
#include "log.h"
#include "role.h"
#include "shared.h"

typedef struct {
    baseline_role_options_t options;
    sel4ft_logger_t core;
    sel4ft_logger_ring_t rings[BASELINE_LOG_SOURCE_NUM];
    uint64_t datagrams[BASELINE_LOG_SOURCE_NUM + 1]; /* per claimed source; the last: any other name */
    uint64_t datagrams_malformed;
} logger_t;

static void print_record(void *context, const sel4ft_log_record_t *record)
{
    const logger_t *logger = context;
    if (!logger->options.quiet) {
        printf("%s|%s: %s\n", record->source, sel4ft_log_level_str(record->level), record->text);
    }
}

/* A line of the logger's own. */
__attribute__((format(printf, 2, 3))) static void say(const logger_t *logger, const char *format, ...)
{
    sel4ft_log_record_t record = { .level = SEL4FT_LOG_INFO, .source = "logger" };
    va_list args;
    va_start(args, format);
    vsnprintf(record.text, sizeof(record.text), format, args);
    va_end(args);
    print_record((void *)logger, &record);
}

/* Print every datagram waiting, each a copy the kernel made: printable ASCII only, a source name before the '|'. */
static void receive_datagrams(logger_t *logger)
{
    char line[SEL4FT_LOGRING_TEXT_MAX + 64];
    ssize_t n;
    while ((n = recv(BASELINE_FD_LOG, line, sizeof(line) - 1, MSG_DONTWAIT | MSG_TRUNC)) >= 0) {
        const char *bar = n < (ssize_t)sizeof(line) ? memchr(line, '|', n < 16 ? (size_t)n : 16) : NULL;
        if (bar == NULL || bar == line) {
            logger->datagrams_malformed++;
            continue;
        }
        line[n] = '\0';
        for (ssize_t i = 0; i < n; i++) {
            line[i] = line[i] >= 0x20 && line[i] <= 0x7e ? line[i] : '?';
        }
        unsigned index = 0;
        size_t length = (size_t)(bar - line);
        while (index < BASELINE_LOG_SOURCE_NUM && (strlen(baseline_log_sources[index]) != length ||
                                                   strncmp(baseline_log_sources[index], line, length) != 0)) {
            index++;
        }
        logger->datagrams[index]++;
        if (!logger->options.quiet) {
            printf("%s\n", line);
        }
    }
}

static void finish(logger_t *logger)
{
    if (logger->options.log == BASELINE_LOG_RING) {
        sel4ft_logger_finish(&logger->core); /* what the rings hold, the summary, "done" */
        return;
    }
    receive_datagrams(logger);
    const uint64_t *n = logger->datagrams;
    say(logger, "summary: records %s %lu %s %lu %s %lu %s %lu", baseline_log_sources[0], (unsigned long)n[0],
        baseline_log_sources[1], (unsigned long)n[1], baseline_log_sources[2], (unsigned long)n[2],
        baseline_log_sources[3], (unsigned long)n[3]);
    say(logger, "datagrams: %lu from other names, %lu malformed", (unsigned long)n[BASELINE_LOG_SOURCE_NUM],
        (unsigned long)logger->datagrams_malformed);
    say(logger, "done");
}

int baseline_logger_main(int argc, char **argv)
{
    static logger_t logger;
    baseline_role_options_parse(&logger.options, argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);
    sel4ft_logger_init(&logger.core, logger.rings, BASELINE_LOG_SOURCE_NUM, print_record, &logger);
    struct pollfd fds[1 + BASELINE_LOG_SOURCE_NUM] = { { .fd = BASELINE_FD_CONTROL, .events = POLLIN } };
    unsigned count = 1;

    if (logger.options.log == BASELINE_LOG_RING) {
        for (unsigned i = 0; i < BASELINE_LOG_SOURCE_NUM; i++) {
            char what[48];
            baseline_log_ring_name(what, sizeof(what), baseline_log_sources[i]);
            void *region = baseline_shm_open(logger.options.run, what, BASELINE_LOG_RING_SIZE);
            int err = sel4ft_logger_attach(&logger.core, i, region, BASELINE_LOG_RING_SIZE, baseline_log_sources[i]);
            if (err != 0) {
                baseline_die("log ring %s: %s", what, sel4ft_strerror(err));
            }
            fds[count++] = (struct pollfd){ .fd = BASELINE_LOGGER_FD_BELLS + (int)i, .events = POLLIN };
        }
        say(&logger, "ready (incarnation %u): %u log rings (sel4ft_logring in POSIX shared memory, eventfd wake-ups)",
            logger.options.incarnation, BASELINE_LOG_SOURCE_NUM);
    } else if (logger.options.log == BASELINE_LOG_DGRAM) {
        fds[count++] = (struct pollfd){ .fd = BASELINE_FD_LOG, .events = POLLIN };
        say(&logger, "ready (incarnation %u): one Unix datagram socket for every process", logger.options.incarnation);
    } else {
        baseline_die("the logger needs --log ring or --log dgram");
    }
    baseline_control_send(BASELINE_FD_CONTROL, BASELINE_CONTROL_READY, logger.options.incarnation, 0, 0);

    bool more = sel4ft_logger_serve(&logger.core, NULL);
    for (;;) {
        if (poll(fds, count, more ? 0 : -1) < 0 && errno != EINTR) {
            baseline_die("poll: %s", strerror(errno));
        }
        if (logger.options.log == BASELINE_LOG_DGRAM) {
            receive_datagrams(&logger);
        }
        for (unsigned i = 1; i < count && logger.options.log == BASELINE_LOG_RING; i++) {
            if (fds[i].revents != 0) {
                baseline_bell_clear(fds[i].fd);
                logger.rings[i - 1].backlog = true;
            }
        }
        more = sel4ft_logger_serve(&logger.core, NULL);
        if (fds[0].revents != 0) {
            baseline_control_t message;
            int r = baseline_control_receive(BASELINE_FD_CONTROL, &message);
            /* FINISH, or the supervisor went away: print what is left and stop. */
            if (r == 0 || (r == 1 && message.type == BASELINE_CONTROL_FINISH) || (r < 0 && r != -EBADMSG)) {
                finish(&logger);
                fflush(stdout);
                return 0;
            }
        }
    }
}
