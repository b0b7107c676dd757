/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Logging: each process writes its lines with the library's log (sel4ft/log.h: LOG_INFO, LOG_WARN, LOG_ERROR),
 * which sends them to the logger process, through the library's log ring in POSIX shared memory (eventfd wake-ups
 * when the logger asked for one) or, through the port's console, as one Unix datagram per line
 * "source|LEVEL: text". The logger is the only process that prints, like the logger PD that owns the UART on seL4. */

#include <stdbool.h>

#include <sel4ft/log.h>
#include <sel4ft/os.h>

/* The channel a process's log ring notifies its logger on (a process monitor's children's channels are their
 * ids). */
#define BASELINE_LOG_CHANNEL SEL4FT_OS_MAX_CHANNEL

/* How a process's log lines reach the logger. */
enum baseline_log_mode {
    BASELINE_LOG_STDERR = 0, /* no logger: straight to standard error */
    BASELINE_LOG_STDOUT,     /* no logger: straight to standard output (the campaign's record) */
    BASELINE_LOG_RING,       /* the library's sel4ft_logring in POSIX shared memory, eventfd wake-ups */
    BASELINE_LOG_DGRAM,      /* one datagram per line to the logger's Unix datagram socket */
};

/* The log ring region of each producer (a power-of-two ring of 64 slots), "log-<source>" of the run. */
#define BASELINE_LOG_RING_SIZE (sizeof(sel4ft_logring_control_t) + 64 * sizeof(sel4ft_logring_slot_t))

/* "ring", "dgram", "stderr", "stdout" to a mode; false for anything else. */
bool baseline_log_mode_parse(const char *text, enum baseline_log_mode *mode);
const char *baseline_log_mode_name(enum baseline_log_mode mode);

/* The name of a source's log ring in its run ("log-<source>"). */
void baseline_log_ring_name(char *what, unsigned size, const char *source);

/* Set up this process's logging as `source`. Ring: map the ring of `source` in run `run` and ring `bell` after each
 * record the logger asked to hear about. Dgram: send to the run's logger socket. */
void baseline_log_open(enum baseline_log_mode mode, const char *run, const char *source, int bell);

/* Stop logging through the logger (back to standard error) and release what baseline_log_open took. */
void baseline_log_close(void);
