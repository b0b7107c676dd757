/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The block system's fault injector (injector.c), driven by its monitor (monitor.c) through the skeleton's hooks. */

#include <stdint.h>

#include <sel4ft/monitor.h>

/* on_change: after every fault, timer tick and notification from the driver. */
void blk_injector_changed(sel4ft_monitor_t *monitor, uint64_t now);
/* on_alarm: the injection under way did not strike in time. */
void blk_injector_timed_out(sel4ft_monitor_t *monitor, uint64_t now);
/* The client says another period of the overhead experiment passed: crash the driver at its next point of I/O. */
void blk_injector_period(sel4ft_monitor_t *monitor, uint64_t now);
/* Publish the driver's state for the virtualiser (after the start; the hooks do it after every change). */
void blk_injector_publish(sel4ft_monitor_t *monitor);
/* Withdraw a command not carried out yet (the client is done). */
void blk_injector_withdraw(void);
