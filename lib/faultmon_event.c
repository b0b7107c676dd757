/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The fault monitor's events as lines: the one formatter, its vocabulary and the level of each kind. doc/events.md
 * documents what is written here; change both together. */

#include <sel4ft/error.h>
#include <sel4ft/faultmon.h>
#include <sel4ft/logfmt.h>

#include "internal.h"

static const char *const kind_names[SEL4FT_FAULTMON_EVENT_KIND_NUM] = {
    [SEL4FT_FAULTMON_EVENT_FAILED] = "failed",
    [SEL4FT_FAULTMON_EVENT_UNKNOWN_CHILD] = "unknown_child",
    [SEL4FT_FAULTMON_EVENT_RESTART] = "restart",
    [SEL4FT_FAULTMON_EVENT_BACKOFF] = "backoff",
    [SEL4FT_FAULTMON_EVENT_RESTART_FAILED] = "restart_failed",
    [SEL4FT_FAULTMON_EVENT_STOPPED] = "stopped",
    [SEL4FT_FAULTMON_EVENT_GAVE_UP] = "gave_up",
    [SEL4FT_FAULTMON_EVENT_GROUP_RESTART] = "group_restart",
    [SEL4FT_FAULTMON_EVENT_SPARED] = "spared",
    [SEL4FT_FAULTMON_EVENT_RECOVERED] = "recovered",
    [SEL4FT_FAULTMON_EVENT_SUMMARY] = "summary",
    [SEL4FT_FAULTMON_EVENT_ADOPTED] = "adopted",
};

static const uint8_t kind_levels[SEL4FT_FAULTMON_EVENT_KIND_NUM] = {
    [SEL4FT_FAULTMON_EVENT_FAILED] = SEL4FT_LOG_ERROR,
    [SEL4FT_FAULTMON_EVENT_UNKNOWN_CHILD] = SEL4FT_LOG_ERROR,
    [SEL4FT_FAULTMON_EVENT_RESTART] = SEL4FT_LOG_WARN,
    [SEL4FT_FAULTMON_EVENT_BACKOFF] = SEL4FT_LOG_WARN,
    [SEL4FT_FAULTMON_EVENT_RESTART_FAILED] = SEL4FT_LOG_ERROR,
    [SEL4FT_FAULTMON_EVENT_STOPPED] = SEL4FT_LOG_WARN,
    [SEL4FT_FAULTMON_EVENT_GAVE_UP] = SEL4FT_LOG_ERROR,
    [SEL4FT_FAULTMON_EVENT_GROUP_RESTART] = SEL4FT_LOG_WARN,
    [SEL4FT_FAULTMON_EVENT_SPARED] = SEL4FT_LOG_WARN,
    [SEL4FT_FAULTMON_EVENT_RECOVERED] = SEL4FT_LOG_INFO,
    [SEL4FT_FAULTMON_EVENT_SUMMARY] = SEL4FT_LOG_INFO,
    [SEL4FT_FAULTMON_EVENT_ADOPTED] = SEL4FT_LOG_INFO,
};

static const char *const cause_names[SEL4FT_FAILURE_CAUSE_NUM] = {
    [SEL4FT_FAILURE_FAULT] = "fault", [SEL4FT_FAILURE_SIGNAL] = "signal", [SEL4FT_FAILURE_EXIT] = "exit",
    [SEL4FT_FAILURE_HANG] = "hang",   [SEL4FT_FAILURE_DEADLINE] = "deadline",
};

/* A fault kind as one word, for the `fault` field. */
static const char *const fault_words[SEL4FT_FAULT_KIND_NUM] = {
    [SEL4FT_FAULT_NULL] = "null",
    [SEL4FT_FAULT_CAP] = "cap",
    [SEL4FT_FAULT_UNKNOWN_SYSCALL] = "unknown_syscall",
    [SEL4FT_FAULT_USER_EXCEPTION] = "user_exception",
    [SEL4FT_FAULT_DEBUG] = "debug",
    [SEL4FT_FAULT_TIMEOUT] = "timeout",
    [SEL4FT_FAULT_VM] = "vm",
    [SEL4FT_FAULT_VGIC_MAINTENANCE] = "vgic_maintenance",
    [SEL4FT_FAULT_VCPU] = "vcpu",
    [SEL4FT_FAULT_VPPI] = "vppi",
};

const char *sel4ft_faultmon_event_kind_str(uint32_t kind)
{
    return kind < SEL4FT_FAULTMON_EVENT_KIND_NUM ? kind_names[kind] : "?";
}

uint32_t sel4ft_faultmon_event_level(uint32_t kind)
{
    return kind < SEL4FT_FAULTMON_EVENT_KIND_NUM ? kind_levels[kind] : SEL4FT_LOG_ERROR;
}

const char *sel4ft_failure_cause_str(uint32_t cause)
{
    return cause < SEL4FT_FAILURE_CAUSE_NUM ? cause_names[cause] : "?";
}

/* A riscv64 fault's facts: the kinds whose cause is an exception code carry it as `scause`. */
static bool add_riscv64_fault(sel4ft_logfmt_t *line, const sel4ft_fault_t *fault)
{
    switch (fault->kind) {
    case SEL4FT_FAULT_VM:
        sel4ft_logfmt_str(line, "access", fault->is_instruction ? "fetch" : fault->is_write ? "write" : "read");
        sel4ft_logfmt_hex(line, "addr", fault->address, 0);
        sel4ft_logfmt_hex(line, "ip", fault->ip, 0);
        sel4ft_logfmt_hex(line, "scause", fault->syndrome, 0);
        return true;
    case SEL4FT_FAULT_USER_EXCEPTION:
        sel4ft_logfmt_hex(line, "ip", fault->ip, 0);
        sel4ft_logfmt_hex(line, "sp", fault->sp, 0);
        sel4ft_logfmt_hex(line, "scause", fault->syndrome, 0);
        return true;
    default:
        return false; /* the kinds both architectures share have the same fields */
    }
}

/* The decoded fault's facts, one field each; the one-line description comes last, from the caller. A kind its
 * architecture never sends is reported by its raw label. */
static void add_fault(sel4ft_logfmt_t *line, const sel4ft_fault_t *fault)
{
    bool known = sel4ft_fault_kind_known(fault->arch, fault->kind);
    sel4ft_logfmt_str(line, "fault", known || fault->kind == SEL4FT_FAULT_NULL ? fault_words[fault->kind] : "unknown");
    if (known && fault->arch == SEL4FT_FAULT_ARCH_RISCV64 && add_riscv64_fault(line, fault)) {
        return;
    }
    switch (known ? fault->kind : SEL4FT_FAULT_KIND_NUM) {
    case SEL4FT_FAULT_VM:
        sel4ft_logfmt_str(line, "access", fault->is_instruction ? "fetch" : fault->is_write ? "write" : "read");
        sel4ft_logfmt_hex(line, "addr", fault->address, 0);
        sel4ft_logfmt_hex(line, "ip", fault->ip, 0);
        sel4ft_logfmt_hex(line, "ec", fault->exception_class, 2);
        sel4ft_logfmt_hex(line, "fsc", fault->status_code, 2);
        break;
    case SEL4FT_FAULT_USER_EXCEPTION:
        sel4ft_logfmt_hex(line, "ip", fault->ip, 0);
        sel4ft_logfmt_hex(line, "sp", fault->sp, 0);
        sel4ft_logfmt_hex(line, "ec", fault->exception_class, 2);
        sel4ft_logfmt_hex(line, "esr", fault->esr, 0);
        break;
    case SEL4FT_FAULT_VCPU:
        sel4ft_logfmt_hex(line, "ec", fault->exception_class, 2);
        sel4ft_logfmt_hex(line, "esr", fault->esr, 0);
        break;
    case SEL4FT_FAULT_CAP:
        sel4ft_logfmt_hex(line, "ip", fault->ip, 0);
        sel4ft_logfmt_hex(line, "addr", fault->address, 0);
        sel4ft_logfmt_u64(line, "lookup", fault->detail);
        break;
    case SEL4FT_FAULT_UNKNOWN_SYSCALL:
        sel4ft_logfmt_hex(line, "ip", fault->ip, 0);
        sel4ft_logfmt_hex(line, "sp", fault->sp, 0);
        sel4ft_logfmt_i64(line, "syscall", (int64_t)fault->detail);
        break;
    case SEL4FT_FAULT_TIMEOUT:
        sel4ft_logfmt_u64(line, "consumed", fault->detail);
        break;
    case SEL4FT_FAULT_DEBUG:
        sel4ft_logfmt_hex(line, "ip", fault->ip, 0);
        sel4ft_logfmt_hex(line, "addr", fault->address, 0);
        sel4ft_logfmt_u64(line, "debug_reason", fault->detail);
        break;
    default:
        sel4ft_logfmt_u64(line, "label", fault->kind);
        sel4ft_logfmt_hex(line, "detail", fault->detail, 0);
        break;
    }
}

static void add_failure(sel4ft_logfmt_t *line, const sel4ft_failure_t *failure)
{
    sel4ft_logfmt_str(line, "cause", sel4ft_failure_cause_str(failure->cause));
    switch (failure->cause) {
    case SEL4FT_FAILURE_FAULT:
        add_fault(line, &failure->fault);
        break;
    case SEL4FT_FAILURE_SIGNAL:
        sel4ft_logfmt_i64(line, "signal", failure->code);
        break;
    case SEL4FT_FAILURE_EXIT:
        sel4ft_logfmt_i64(line, "status", failure->code);
        break;
    case SEL4FT_FAILURE_HANG:
        sel4ft_logfmt_i64(line, "missed", failure->code);
        sel4ft_logfmt_u64(line, "beats", failure->detail);
        break;
    case SEL4FT_FAILURE_DEADLINE:
        sel4ft_logfmt_u64(line, "waited_ticks", failure->detail);
        break;
    default:
        sel4ft_logfmt_i64(line, "code", failure->code);
        sel4ft_logfmt_u64(line, "detail", failure->detail);
        break;
    }
}

int sel4ft_faultmon_event_format(const sel4ft_faultmon_event_t *event, uint64_t tick_hz, char *buffer, size_t size)
{
    if (event == NULL || (buffer == NULL && size != 0)) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, buffer, size, sel4ft_faultmon_event_kind_str(event->kind));
    if (event->kind == SEL4FT_FAULTMON_EVENT_UNKNOWN_CHILD) {
        sel4ft_logfmt_u64(&line, "id", event->child);
    } else {
        sel4ft_logfmt_str(&line, "child", event->name);
        sel4ft_logfmt_u64(&line, "incarnation", event->incarnation);
    }

    /* Per kind: the facts, then the time, then what is for people only (cut first when the line is full). */
    switch (event->kind) {
    case SEL4FT_FAULTMON_EVENT_FAILED:
    case SEL4FT_FAULTMON_EVENT_UNKNOWN_CHILD:
        add_failure(&line, &event->failure);
        sel4ft_logfmt_u64(&line, "at", event->at);
        if (event->failure.cause == SEL4FT_FAILURE_FAULT) {
            char text[SEL4FT_LOGRING_TEXT_MAX + 1];
            sel4ft_fault_format(&event->failure.fault, NULL, text, sizeof(text));
            sel4ft_logfmt_str(&line, "text", text);
        }
        break;
    case SEL4FT_FAULTMON_EVENT_RESTART:
        sel4ft_logfmt_u64(&line, "in_window", event->restarts_in_window);
        sel4ft_logfmt_u64(&line, "delay_ticks", event->delay_ticks);
        if (event->group != 0) {
            sel4ft_logfmt_u64(&line, "group", event->group);
        }
        sel4ft_logfmt_u64(&line, "at", event->at);
        sel4ft_logfmt_str(&line, "reason", event->reason);
        break;
    case SEL4FT_FAULTMON_EVENT_BACKOFF:
        sel4ft_logfmt_u64(&line, "in_window", event->restarts_in_window);
        sel4ft_logfmt_u64(&line, "delay_ticks", event->delay_ticks);
        sel4ft_logfmt_ticks_us(&line, "delay_us", event->delay_ticks, tick_hz);
        sel4ft_logfmt_u64(&line, "at", event->at);
        sel4ft_logfmt_str(&line, "reason", event->reason);
        break;
    case SEL4FT_FAULTMON_EVENT_RESTART_FAILED:
        sel4ft_logfmt_u64(&line, "at", event->at);
        sel4ft_logfmt_str(&line, "error", sel4ft_strerror(event->error));
        break;
    case SEL4FT_FAULTMON_EVENT_STOPPED:
        sel4ft_logfmt_u64(&line, "failures", event->failures);
        sel4ft_logfmt_u64(&line, "at", event->at);
        sel4ft_logfmt_str(&line, "reason", event->reason);
        break;
    case SEL4FT_FAULTMON_EVENT_GAVE_UP:
        sel4ft_logfmt_u64(&line, "in_window", event->restarts_in_window);
        sel4ft_logfmt_u64(&line, "at", event->at);
        sel4ft_logfmt_str(&line, "reason", event->reason);
        break;
    case SEL4FT_FAULTMON_EVENT_GROUP_RESTART:
        sel4ft_logfmt_u64(&line, "group", event->group);
        sel4ft_logfmt_u64(&line, "in_window", event->restarts_in_window);
        sel4ft_logfmt_u64(&line, "at", event->at);
        sel4ft_logfmt_str(&line, "reason", event->reason);
        break;
    case SEL4FT_FAULTMON_EVENT_SPARED:
        sel4ft_logfmt_u64(&line, "missed", event->missed);
        sel4ft_logfmt_u64(&line, "spares", event->spares);
        sel4ft_logfmt_u64(&line, "at", event->at);
        break;
    case SEL4FT_FAULTMON_EVENT_RECOVERED:
        sel4ft_logfmt_u64(&line, "ticks", event->recovery_ticks);
        sel4ft_logfmt_ticks_us(&line, "us", event->recovery_ticks, tick_hz);
        sel4ft_logfmt_u64(&line, "at", event->at);
        break;
    case SEL4FT_FAULTMON_EVENT_SUMMARY:
        sel4ft_logfmt_u64(&line, "faults", event->faults);
        sel4ft_logfmt_u64(&line, "hangs", event->hangs);
        sel4ft_logfmt_u64(&line, "restarts", event->restarts);
        sel4ft_logfmt_str(&line, "state", sel4ft_faultmon_state_str(event->state));
        sel4ft_logfmt_u64(&line, "last_recovery_ticks", event->recovery_ticks);
        sel4ft_logfmt_u64(&line, "longest_recovery_ticks", event->longest_recovery_ticks);
        sel4ft_logfmt_u64(&line, "at", event->at);
        break;
    case SEL4FT_FAULTMON_EVENT_ADOPTED:
        sel4ft_logfmt_str(&line, "state", sel4ft_faultmon_state_str(event->state));
        if (event->state == SEL4FT_FAULTMON_WAITING) {
            sel4ft_logfmt_u64(&line, "restart_in_ticks", event->delay_ticks);
        }
        sel4ft_logfmt_u64(&line, "faults", event->faults);
        sel4ft_logfmt_u64(&line, "hangs", event->hangs);
        sel4ft_logfmt_u64(&line, "restarts", event->restarts);
        sel4ft_logfmt_u64(&line, "at", event->at);
        break;
    default:
        sel4ft_logfmt_u64(&line, "at", event->at);
        break;
    }
    return sel4ft_logfmt_end(&line);
}
