/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Logging: each process sends its lines "source|LEVEL: text" to the logger process, through the library's log
 * ring in POSIX shared memory (eventfd wake-ups when the logger asked for one) or as Unix datagrams. The logger
 * is the only process that prints, like the logger PD that owns the UART on seL4. */

#include <stdbool.h>
#include <stdint.h>

#include <sel4ft/logring.h>

/* How a process's log lines reach the logger. */
enum baseline_log_mode {
    BASELINE_LOG_STDERR = 0, /* no logger: straight to standard error */
    BASELINE_LOG_STDOUT,     /* no logger: straight to standard output (the campaign's record) */
    BASELINE_LOG_RING,       /* the library's sel4ft_logring in POSIX shared memory, eventfd wake-ups */
    BASELINE_LOG_DGRAM,      /* one datagram per line to the logger's Unix datagram socket */
};

/* The log ring region of each producer (a power-of-two ring of 64 slots), "log-<source>" of the run. */
#define BASELINE_LOG_RING_SIZE (sizeof(sel4ft_logring_control_t) + 64 * sizeof(sel4ft_logring_slot_t))

/* A log line as a datagram: this header, then `length` bytes of text. */
#define BASELINE_LOG_DGRAM_MAGIC 0x474c4253u /* "SBLG" */
typedef struct baseline_log_datagram {
    uint32_t magic;
    uint16_t level;   /* SEL4FT_LOG_* */
    uint16_t length;  /* <= SEL4FT_LOGRING_TEXT_MAX */
    uint64_t time;    /* sel4ft_os_ticks() at the sender */
    char source[16];  /* The sender's name as it claims it, NUL-terminated. */
} baseline_log_datagram_t;

_Static_assert(sizeof(baseline_log_datagram_t) == 32, "log datagram header layout");

/* "ring", "dgram", "stderr", "stdout" to a mode; false for anything else. */
bool baseline_log_mode_parse(const char *text, enum baseline_log_mode *mode);
const char *baseline_log_mode_name(enum baseline_log_mode mode);

/* The name of a source's log ring in its run ("log-<source>"). */
void baseline_log_ring_name(char *what, unsigned size, const char *source);

/* Set up this process's logging. Ring: map the ring of `source` in run `run` and ring `bell` after each record
 * the logger asked to hear about. Dgram: send to the run's logger socket. */
void baseline_log_open(enum baseline_log_mode mode, const char *run, const char *source, int bell);

/* Log one line "source|LEVEL: text" through the logger (or to standard error or output). */
void baseline_log(uint32_t level, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Stop logging through the logger (back to standard error) and release what baseline_log_open took. */
void baseline_log_close(void);

#define LOG_ERROR(...) baseline_log(SEL4FT_LOG_ERROR, __VA_ARGS__)
#define LOG_WARN(...) baseline_log(SEL4FT_LOG_WARN, __VA_ARGS__)
#define LOG_INFO(...) baseline_log(SEL4FT_LOG_INFO, __VA_ARGS__)
