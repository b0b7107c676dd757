/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/error.h>
#include <sel4ft/faultmon.h>
#include <sel4ft/fmt.h>

#include "internal.h"

/* The most message registers a fault message carries (unknown syscall: 13). */
#define FAULT_MRS_MAX 16u

int sel4ft_faultmon_init(sel4ft_faultmon_t *monitor, sel4ft_logring_producer_t *log)
{
    if (monitor == NULL) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_zero_(monitor, sizeof(*monitor));
    monitor->log = log;
    return 0;
}

int sel4ft_faultmon_add_child(sel4ft_faultmon_t *monitor, sel4ft_child_t child,
                              const sel4ft_faultmon_child_config_t *config)
{
    if (monitor == NULL || config == NULL || config->name == NULL || child >= SEL4FT_FAULTMON_MAX_CHILDREN ||
        config->on_fault >= SEL4FT_FAULTMON_ACTION_NUM ||
        (config->dependents >> (SEL4FT_OS_MAX_CHANNEL + 1)) != 0) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_faultmon_child_t *record = &monitor->children[child];
    sel4ft_zero_(record, sizeof(*record));
    record->config = *config;
    record->state = SEL4FT_FAULTMON_RUNNING;
    return 0;
}

const sel4ft_faultmon_child_t *sel4ft_faultmon_child(const sel4ft_faultmon_t *monitor, sel4ft_child_t child)
{
    if (monitor == NULL || child >= SEL4FT_FAULTMON_MAX_CHILDREN) {
        return NULL;
    }
    return &monitor->children[child];
}

const char *sel4ft_faultmon_action_str(uint32_t action)
{
    switch (action) {
    case SEL4FT_FAULTMON_STOP:
        return "stop";
    case SEL4FT_FAULTMON_RESTART:
        return "restart";
    default:
        return "?";
    }
}

sel4ft_faultmon_action_t sel4ft_faultmon_decide(const sel4ft_faultmon_t *monitor, sel4ft_child_t child,
                                                const sel4ft_fault_t *fault)
{
    if (monitor == NULL || fault == NULL || child >= SEL4FT_FAULTMON_MAX_CHILDREN ||
        monitor->children[child].state == SEL4FT_FAULTMON_UNWATCHED) {
        return SEL4FT_FAULTMON_STOP;
    }
    /* A message that is not a fault we know cannot be reasoned about: stop rather than guess. */
    if (fault->kind == SEL4FT_FAULT_NULL || fault->kind >= SEL4FT_FAULT_KIND_NUM) {
        return SEL4FT_FAULTMON_STOP;
    }
    return (sel4ft_faultmon_action_t)monitor->children[child].config.on_fault;
}

static void log_line(sel4ft_faultmon_t *monitor, uint32_t level, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void log_line(sel4ft_faultmon_t *monitor, uint32_t level, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    if (monitor->log != NULL) {
        sel4ft_logring_vprintf(monitor->log, level, format, args);
    } else {
        char line[160];
        int n = sel4ft_vfmt(line, sizeof(line), format, args);
        if (n > 0) {
            size_t length = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
            sel4ft_os_console_write(line, length);
            sel4ft_os_console_write("\n", 1);
        }
    }
    va_end(args);
}

static void tell_dependents(uint64_t dependents)
{
    for (uint32_t ch = 0; dependents != 0; ch++, dependents >>= 1) {
        if (dependents & 1) {
            sel4ft_os_notify(ch);
        }
    }
}

bool sel4ft_faultmon_handle(sel4ft_faultmon_t *monitor, sel4ft_child_t child, sel4ft_msginfo_t message)
{
    uint64_t mrs[FAULT_MRS_MAX];
    uint32_t count = message.count < FAULT_MRS_MAX ? message.count : FAULT_MRS_MAX;
    sel4ft_fault_t fault;
    char line[SEL4FT_LOGRING_TEXT_MAX];

    for (uint32_t i = 0; i < count; i++) {
        mrs[i] = sel4ft_os_mr_get(i);
    }
    sel4ft_fault_decode(message.label, mrs, count, &fault);
    fault.child = child;
    monitor->faults++;

    bool known = child < SEL4FT_FAULTMON_MAX_CHILDREN && monitor->children[child].state != SEL4FT_FAULTMON_UNWATCHED;
    sel4ft_faultmon_child_t *record = known ? &monitor->children[child] : NULL;
    const char *name = known ? record->config.name : "unknown child";
    sel4ft_fault_format(&fault, name, line, sizeof(line));
    log_line(monitor, SEL4FT_LOG_ERROR, "%s", line);

    sel4ft_faultmon_action_t action = sel4ft_faultmon_decide(monitor, child, &fault);
    int err = action == SEL4FT_FAULTMON_RESTART
                  ? sel4ft_os_child_restart(child, SEL4FT_OS_PD_ENTRY, SEL4FT_OS_PD_STACK_TOP)
                  : sel4ft_os_child_stop(child);
    if (err != 0) {
        monitor->action_errors++;
    }

    if (!known) {
        monitor->unknown_children++;
        log_line(monitor, SEL4FT_LOG_ERROR, "fault from child %u, which this monitor does not watch: stopped",
                 (unsigned)child);
        return false;
    }
    record->faults++;
    record->last_fault = fault;
    record->last_fault_ticks = sel4ft_os_ticks();
    if (action == SEL4FT_FAULTMON_RESTART && err == 0) {
        record->restarts++;
        record->state = SEL4FT_FAULTMON_RUNNING;
    } else {
        record->state = SEL4FT_FAULTMON_STOPPED;
    }
    log_line(monitor, err == 0 ? SEL4FT_LOG_WARN : SEL4FT_LOG_ERROR, "%s: %s%s (fault %u), telling dependents",
             name, action == SEL4FT_FAULTMON_RESTART ? "restarted" : "stopped", err == 0 ? "" : " FAILED",
             (unsigned)record->faults);
    tell_dependents(record->config.dependents);
    return false;
}
