/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* Logging: each process sends its lines to the logger process, through the library's log ring in POSIX shared
 * memory (sel4ft_logring_*, eventfd wake-ups when the logger asked for one), or as Unix datagrams. The logger
 * is the only process that prints, like the logger PD that owns the UART on seL4. */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <sel4ft/error.h>
#include <sel4ft/logring.h>
#include <sel4ft/os_linux.h>

#include "baseline.h"

/* Producer side ----------------------------------------------------------------------------------------------- */

static enum baseline_log_mode log_mode = BASELINE_LOG_STDERR;
static const char *log_source = "?";
static sel4ft_logring_producer_t log_producer;
static int log_bell = -1;
static int log_socket = -1;
static uint32_t log_dropped;

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
        char name[96];
        char what[48];
        snprintf(what, sizeof(what), "log-%s", source);
        baseline_shm_name(name, sizeof(name), run, what);
        void *ring = baseline_shm_open(name, BASELINE_LOG_RING_SIZE);
        int err = sel4ft_logring_producer_init(&log_producer, ring, BASELINE_LOG_RING_SIZE, 0);
        if (err != 0) {
            baseline_die("log ring %s: %s", name, sel4ft_strerror(err));
        }
        log_bell = bell;
        const sel4ft_os_linux_hooks_t hooks = { .notify = notify_logger };
        sel4ft_os_linux_set_hooks(&hooks);
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
        if (sel4ft_logring_write(&log_producer, level, text, length) != 0) {
            log_dropped++;
        }
        return;
    case BASELINE_LOG_DGRAM: {
        baseline_log_datagram_t header = {
            .magic = BASELINE_LOG_DGRAM_MAGIC, .level = (uint16_t)level, .length = (uint16_t)length,
            .time = sel4ft_os_ticks(),
        };
        snprintf(header.source, sizeof(header.source), "%s", log_source);
        memcpy(buffer, &header, sizeof(header));
        ssize_t sent;
        do {
            sent = send(log_socket, buffer, sizeof(header) + length, MSG_NOSIGNAL);
        } while (sent < 0 && errno == EINTR);
        if (sent < 0) {
            log_dropped++;
        }
        return;
    }
    case BASELINE_LOG_STDERR:
    default:
        fprintf(stderr, "%s|%s: %.*s\n", log_source, sel4ft_log_level_str(level), (int)length, text);
        return;
    }
}

void baseline_log_close(void)
{
    if (log_mode == BASELINE_LOG_RING) {
        sel4ft_os_linux_set_hooks(NULL);
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

uint32_t baseline_log_dropped(void)
{
    return log_dropped;
}

/* The logger -------------------------------------------------------------------------------------------------- */

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
    uint64_t printed;
} logger_t;

static void print_line(logger_t *logger, const char *source, uint32_t level, const char *text)
{
    logger->printed++;
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
        snprintf(line, sizeof(line), "datagrams: %lu from other names, %lu malformed (senders count their own drops)",
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
            char name[96];
            char what[48];
            snprintf(what, sizeof(what), "log-%s", baseline_log_sources[i]);
            baseline_shm_name(name, sizeof(name), logger.options.run, what);
            ring->name = baseline_log_sources[i];
            ring->bell = BASELINE_LOGGER_FD_BELLS + (int)i;
            void *region = baseline_shm_open(name, BASELINE_LOG_RING_SIZE);
            int err = sel4ft_logring_consumer_init(&ring->consumer, region, BASELINE_LOG_RING_SIZE, ring->name);
            if (err != 0) {
                baseline_die("log ring %s: %s", name, sel4ft_strerror(err));
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
