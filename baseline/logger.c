/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The logger: the only process that prints. It drains one sel4ft_logring per process (eventfd wake-ups only when
 * it armed a ring) or one Unix datagram socket, and prints records in time order across sources. */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <sel4ft/error.h>
#include <sel4ft/logring.h>

#include "cli.h"
#include "commands.h"
#include "control.h"
#include "log.h"
#include "role.h"
#include "shared.h"

/* The most records to print per pass before looking at the control socket again. */
#define DRAIN_BUDGET 1024u

typedef struct {
    const char *name;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t next; /* Read, not yet printed: records are printed in time order across sources. */
    bool have_next;
    int bell;
} ring_source_t;

typedef struct {
    baseline_role_options_t options;
    ring_source_t rings[BASELINE_LOG_SOURCE_NUM];
    unsigned ring_count;
    int socket;
    sel4ft_log_record_t datagram;
    char datagram_source[16];
    bool have_datagram;
    uint64_t datagrams[BASELINE_LOG_SOURCE_NUM + 1]; /* per claimed source; the last: any other name */
    uint64_t datagrams_malformed;
} logger_t;

static void print_line(logger_t *logger, const char *source, uint32_t level, const char *text)
{
    if (!logger->options.quiet) {
        printf("%s|%s: %s\n", source, sel4ft_log_level_str(level), text);
    }
}

/* Take one datagram, if any, and validate the private copy the kernel made. */
static void receive_datagram(logger_t *logger)
{
    char buffer[sizeof(baseline_log_datagram_t) + SEL4FT_LOGRING_TEXT_MAX];
    baseline_log_datagram_t header = { 0 };

    while (!logger->have_datagram) {
        ssize_t n = recv(logger->socket, buffer, sizeof(buffer), MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            return;
        }
        memcpy(&header, buffer, n >= (ssize_t)sizeof(header) ? sizeof(header) : 0);
        if (n < (ssize_t)sizeof(header) || n > (ssize_t)sizeof(buffer) || header.magic != BASELINE_LOG_DGRAM_MAGIC ||
            header.level >= SEL4FT_LOG_LEVEL_NUM || header.length != (size_t)n - sizeof(header) ||
            memchr(header.source, '\0', sizeof(header.source)) == NULL) {
            logger->datagrams_malformed++;
            continue;
        }
        sel4ft_log_record_t *record = &logger->datagram;
        record->time = header.time;
        record->level = header.level;
        record->length = header.length;
        for (uint32_t i = 0; i < header.length; i++) {
            char c = buffer[sizeof(header) + i];
            record->text[i] = (c >= 0x20 && c <= 0x7e) ? c : '?';
        }
        record->text[header.length] = '\0';
        for (uint32_t i = 0; i < sizeof(header.source); i++) {
            char c = header.source[i];
            logger->datagram_source[i] = (c == '\0' || (c >= 0x21 && c <= 0x7e)) ? c : '?';
        }
        unsigned index = 0;
        while (index < BASELINE_LOG_SOURCE_NUM && strcmp(baseline_log_sources[index], logger->datagram_source) != 0) {
            index++;
        }
        logger->datagrams[index]++;
        logger->have_datagram = true;
    }
}

static void refill(logger_t *logger)
{
    for (unsigned i = 0; i < logger->ring_count; i++) {
        ring_source_t *ring = &logger->rings[i];
        /* Malformed records and resynchronisations are counted by the library and skipped. */
        for (unsigned tries = 0; !ring->have_next && tries < DRAIN_BUDGET; tries++) {
            int err = sel4ft_logring_read(&ring->consumer, &ring->next);
            if (err == 0) {
                ring->have_next = true;
            } else if (err == -SEL4FT_EAGAIN || err == -SEL4FT_EINVAL) {
                break;
            }
        }
    }
    if (logger->socket >= 0) {
        receive_datagram(logger);
    }
}

/* Print what is there, oldest first. Returns true if work is left over (the budget ran out). */
static bool drain(logger_t *logger)
{
    for (;;) {
        for (unsigned budget = DRAIN_BUDGET; budget > 0; budget--) {
            refill(logger);
            const sel4ft_log_record_t *oldest = NULL;
            const char *source = NULL;
            bool *taken = NULL;
            for (unsigned i = 0; i < logger->ring_count; i++) {
                ring_source_t *ring = &logger->rings[i];
                if (ring->have_next && (oldest == NULL || ring->next.time < oldest->time)) {
                    oldest = &ring->next;
                    source = ring->name;
                    taken = &ring->have_next;
                }
            }
            if (logger->have_datagram && (oldest == NULL || logger->datagram.time < oldest->time)) {
                oldest = &logger->datagram;
                source = logger->datagram_source;
                taken = &logger->have_datagram;
            }
            if (oldest == NULL) {
                break;
            }
            print_line(logger, source, oldest->level, oldest->text);
            *taken = false;
            if (budget == 1) {
                return true;
            }
        }
        /* Ask every ring for a wake-up, then make sure nothing slipped in meanwhile. */
        bool empty = true;
        for (unsigned i = 0; i < logger->ring_count; i++) {
            if (!sel4ft_logring_consumer_arm(&logger->rings[i].consumer)) {
                empty = false;
            }
        }
        if (empty) {
            return false;
        }
    }
}

static void summary(logger_t *logger)
{
    char line[300];
    int used = snprintf(line, sizeof(line), "summary: records");
    uint64_t dropped = 0, malformed = logger->datagrams_malformed, protocol_errors = 0;

    for (unsigned i = 0; i < BASELINE_LOG_SOURCE_NUM && used > 0 && (size_t)used < sizeof(line); i++) {
        uint64_t count = logger->datagrams[i];
        if (i < logger->ring_count) {
            count = logger->rings[i].consumer.received;
        }
        used += snprintf(line + used, sizeof(line) - (size_t)used, " %s %lu", baseline_log_sources[i],
                         (unsigned long)count);
    }
    for (unsigned i = 0; i < logger->ring_count; i++) {
        sel4ft_logring_consumer_t *c = &logger->rings[i].consumer;
        dropped += sel4ft_logring_consumer_dropped(c);
        malformed += c->malformed;
        protocol_errors += c->protocol_errors;
    }
    if (logger->options.log == BASELINE_LOG_RING) {
        print_line(logger, "logger", SEL4FT_LOG_INFO, line);
        snprintf(line, sizeof(line), "rings: dropped %lu, malformed %lu, protocol errors %lu", (unsigned long)dropped,
                 (unsigned long)malformed, (unsigned long)protocol_errors);
    } else {
        print_line(logger, "logger", SEL4FT_LOG_INFO, line);
        snprintf(line, sizeof(line), "datagrams: %lu from other names, %lu malformed",
                 (unsigned long)logger->datagrams[BASELINE_LOG_SOURCE_NUM], (unsigned long)malformed);
    }
    print_line(logger, "logger", SEL4FT_LOG_INFO, line);
}

int baseline_logger_main(int argc, char **argv)
{
    logger_t logger = { .socket = -1 };
    baseline_role_options_parse(&logger.options, argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (logger.options.log == BASELINE_LOG_RING) {
        for (unsigned i = 0; i < BASELINE_LOG_SOURCE_NUM; i++) {
            ring_source_t *ring = &logger.rings[i];
            char what[48];
            baseline_log_ring_name(what, sizeof(what), baseline_log_sources[i]);
            ring->name = baseline_log_sources[i];
            ring->bell = BASELINE_LOGGER_FD_BELLS + (int)i;
            void *region = baseline_shm_open(logger.options.run, what, BASELINE_LOG_RING_SIZE);
            int err = sel4ft_logring_consumer_init(&ring->consumer, region, BASELINE_LOG_RING_SIZE, ring->name);
            if (err != 0) {
                baseline_die("log ring %s: %s", what, sel4ft_strerror(err));
            }
        }
        logger.ring_count = BASELINE_LOG_SOURCE_NUM;
        char line[160];
        snprintf(line, sizeof(line),
                 "ready (incarnation %u): %u log rings (sel4ft_logring in POSIX shared memory, eventfd wake-ups)",
                 logger.options.incarnation, logger.ring_count);
        print_line(&logger, "logger", SEL4FT_LOG_INFO, line);
    } else if (logger.options.log == BASELINE_LOG_DGRAM) {
        logger.socket = BASELINE_FD_LOG;
        char line[160];
        snprintf(line, sizeof(line), "ready (incarnation %u): one Unix datagram socket for every process",
                 logger.options.incarnation);
        print_line(&logger, "logger", SEL4FT_LOG_INFO, line);
    } else {
        baseline_die("the logger needs --log ring or --log dgram");
    }
    baseline_control_send(BASELINE_FD_CONTROL, BASELINE_CONTROL_READY, logger.options.incarnation, 0, 0);

    struct pollfd fds[BASELINE_LOG_SOURCE_NUM + 2];
    unsigned count = 0;
    fds[count++] = (struct pollfd){ .fd = BASELINE_FD_CONTROL, .events = POLLIN };
    if (logger.socket >= 0) {
        fds[count++] = (struct pollfd){ .fd = logger.socket, .events = POLLIN };
    }
    for (unsigned i = 0; i < logger.ring_count; i++) {
        fds[count++] = (struct pollfd){ .fd = logger.rings[i].bell, .events = POLLIN };
    }

    bool more = drain(&logger);
    for (;;) {
        if (poll(fds, count, more ? 0 : -1) < 0 && errno != EINTR) {
            baseline_die("poll: %s", strerror(errno));
        }
        for (unsigned i = 0; i < logger.ring_count; i++) {
            baseline_bell_clear(logger.rings[i].bell);
        }
        more = drain(&logger);
        if (fds[0].revents != 0) {
            baseline_control_t message;
            int r = baseline_control_receive(BASELINE_FD_CONTROL, &message);
            /* FINISH, or the supervisor went away: print what is left and stop. */
            if (r == 0 || (r == 1 && message.type == BASELINE_CONTROL_FINISH) || (r < 0 && r != -EBADMSG)) {
                while (drain(&logger)) {
                }
                summary(&logger);
                print_line(&logger, "logger", SEL4FT_LOG_INFO, "done");
                fflush(stdout);
                return 0;
            }
        }
    }
}
