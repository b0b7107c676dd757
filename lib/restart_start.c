/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
/* The start of a restartable PD: a file of its own, so that a PD that restarts without a log pulls in no logging. */
#include <sel4ft/log.h>
#include <sel4ft/restart.h>

uint64_t sel4ft_restart_begin_or_stop(void *snapshot, size_t snapshot_size, void *log, size_t log_size,
                                      sel4ft_channel_t log_channel)
{
    /* First of all: nothing may run on .data or .bss before they are as at first start. */
    uint64_t incarnation = 1;
    int err = 0;
    if (snapshot != NULL) {
        err = sel4ft_restart_begin(snapshot, snapshot_size, &incarnation);
    }
    if (log != NULL) {
        sel4ft_log_init(log, log_size, log_channel);
    }
    if (err != 0) {
        char why[SEL4FT_LOGRING_TEXT_MAX];
        sel4ft_restart_explain(err, snapshot_size, why, sizeof(why));
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "cannot restore a clean image: %s; stopping", why);
        __builtin_trap();
    }
    return incarnation;
}
