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

/* Binary records ---------------------------------------------------------------------------------------------------
 * What the default sink writes into a log ring: the event's fixed-width fields, then (for a failure) the failure,
 * then the child's name and the reason, each NUL-terminated (a reason of the library's own, sel4ft_reasons_, is
 * named by its index instead, and its text is empty). The consumer formats it (sel4ft_faultmon_record_format()),
 * so a monitor on its way from a child's fault to the child's restart copies fields instead of formatting text. */

#define RECORD_VERSION 1u

/* Every field of an event but the failure and the strings. */
typedef struct {
    uint16_t version;
    uint8_t kind;
    uint8_t reason; /* 1 + the reason's index in sel4ft_reasons_; 0: its text follows the name */
    uint32_t child;
    uint32_t incarnation;
    uint32_t restarts_in_window;
    uint64_t at;
    uint64_t tick_hz;
    uint64_t delay_ticks;
    uint64_t failures;
    uint64_t recovery_ticks;
    uint64_t longest_recovery_ticks;
    uint32_t group;
    int32_t error;
    uint32_t missed;
    uint32_t spares;
    uint32_t faults;
    uint32_t hangs;
    uint32_t restarts;
    uint32_t state;
} record_head_t;

/* A failure and its decoded fault. */
typedef struct {
    uint32_t cause;
    int32_t code;
    uint64_t detail;
    uint32_t fault_kind;
    uint32_t fault_child;
    uint64_t ip;
    uint64_t address;
    uint64_t sp;
    uint64_t syndrome; /* the ESR on aarch64 (equal to it there), scause on riscv64 */
    uint64_t fault_detail;
    uint32_t exception_class;
    uint32_t status_code;
    uint32_t flags; /* bit 0 has_esr, 1 is_instruction, 2 is_write, 3 has_syndrome */
    uint32_t arch;
} record_failure_t;

_Static_assert(sizeof(record_head_t) == 96, "binary event record layout");
_Static_assert(sizeof(record_failure_t) == 80, "binary event record layout");
_Static_assert(sizeof(record_head_t) + sizeof(record_failure_t) + 2 <= SEL4FT_LOGRING_TEXT_MAX,
               "a failure's record has room for a name");

static bool has_failure(uint32_t kind)
{
    return kind == SEL4FT_FAULTMON_EVENT_FAILED || kind == SEL4FT_FAULTMON_EVENT_UNKNOWN_CHILD;
}

/* Copy a string, cut to leave room for its NUL; returns the bytes written, NUL included. */
static size_t put_string(char *to, size_t room, const char *text)
{
    size_t n = 0;
    if (room == 0) {
        return 0;
    }
    while (text != NULL && text[n] != '\0' && n + 1 < room) {
        to[n] = text[n];
        n++;
    }
    to[n] = '\0';
    return n + 1;
}

int sel4ft_faultmon_record_write(sel4ft_logring_producer_t *log, const sel4ft_faultmon_event_t *event,
                                 uint64_t tick_hz)
{
    if (log == NULL || log->control == NULL || event == NULL) {
        return -SEL4FT_EINVAL;
    }
    /* Written in place, into the ring's next slot: nothing here is read back. */
    uint8_t *bytes = sel4ft_logring_binary_begin_(log);
    if (bytes == NULL) {
        return -SEL4FT_ENOSPC;
    }
    record_head_t *head = (record_head_t *)(void *)bytes;
    uint8_t reason = 0;
    for (uint32_t i = 0; event->reason != NULL && i < SEL4FT_REASON_NUM_; i++) {
        if (event->reason == sel4ft_reasons_[i]) {
            reason = (uint8_t)(i + 1);
            break;
        }
    }
    *head = (record_head_t){
        .version = RECORD_VERSION, .kind = (uint8_t)event->kind, .reason = reason, .child = event->child,
        .incarnation = event->incarnation, .restarts_in_window = event->restarts_in_window, .at = event->at,
        .tick_hz = tick_hz, .delay_ticks = event->delay_ticks, .failures = event->failures,
        .recovery_ticks = event->recovery_ticks, .longest_recovery_ticks = event->longest_recovery_ticks,
        .group = event->group, .error = event->error, .missed = event->missed, .spares = event->spares,
        .faults = event->faults, .hangs = event->hangs, .restarts = event->restarts, .state = event->state,
    };
    size_t length = sizeof(*head);
    if (has_failure(event->kind)) {
        const sel4ft_failure_t *f = &event->failure;
        *(record_failure_t *)(bytes + length) = (record_failure_t){
            .cause = f->cause, .code = f->code, .detail = f->detail, .fault_kind = f->fault.kind,
            .fault_child = f->fault.child, .ip = f->fault.ip, .address = f->fault.address, .sp = f->fault.sp,
            .syndrome = f->fault.syndrome, .fault_detail = f->fault.detail, .exception_class = f->fault.exception_class,
            .status_code = f->fault.status_code,
            .flags = (uint32_t)f->fault.has_esr | (uint32_t)f->fault.is_instruction << 1 |
                     (uint32_t)f->fault.is_write << 2 | (uint32_t)f->fault.has_syndrome << 3,
            .arch = f->fault.arch,
        };
        length += sizeof(record_failure_t);
    }
    /* The name takes what it needs, leaving room for at least an empty reason: copied whole where the engine
     * measured it (a record is written on the way to every restart), else scanned. */
    size_t room = SEL4FT_LOGRING_TEXT_MAX - length - 1;
    if (event->name != NULL && event->name_length != 0 && event->name_length < room) {
        sel4ft_copy_(bytes + length, event->name, event->name_length);
        bytes[length + event->name_length] = '\0';
        length += event->name_length + 1u;
    } else {
        length += put_string((char *)bytes + length, room, event->name);
    }
    length += put_string((char *)bytes + length, SEL4FT_LOGRING_TEXT_MAX - length, reason == 0 ? event->reason : NULL);
    sel4ft_logring_binary_end_(log, sel4ft_faultmon_event_level(event->kind), length);
    return 0;
}

/* The NUL-terminated string at data[*at], within length; moves *at past it. NULL if it has no NUL. */
static const char *take_string(const char *data, size_t length, size_t *at)
{
    const char *text = data + *at;
    for (size_t i = *at; i < length; i++) {
        if (data[i] == '\0') {
            *at = i + 1;
            return text;
        }
    }
    return NULL;
}

int sel4ft_faultmon_record_format(const void *data, size_t length, char *buffer, size_t size)
{
    if (data == NULL || (buffer == NULL && size != 0)) {
        return -SEL4FT_EINVAL;
    }
    if (length < sizeof(record_head_t) || length > SEL4FT_LOGRING_TEXT_MAX) {
        return -SEL4FT_EBADMSG;
    }
    /* Copied, then checked: a record from shared memory may change under the reader. */
    uint64_t words[SEL4FT_LOGRING_TEXT_MAX / 8];
    const char *bytes = (const char *)words;
    sel4ft_copy_(words, data, length);
    record_head_t head;
    sel4ft_copy_(&head, words, sizeof(head));
    if (head.version != RECORD_VERSION || head.kind >= SEL4FT_FAULTMON_EVENT_KIND_NUM ||
        head.reason > SEL4FT_REASON_NUM_) {
        return -SEL4FT_EBADMSG;
    }
    sel4ft_faultmon_event_t event;
    sel4ft_zero_(&event, sizeof(event));
    event.kind = head.kind;
    event.child = head.child;
    event.incarnation = head.incarnation;
    event.restarts_in_window = head.restarts_in_window;
    event.at = head.at;
    event.delay_ticks = head.delay_ticks;
    event.failures = head.failures;
    event.recovery_ticks = head.recovery_ticks;
    event.longest_recovery_ticks = head.longest_recovery_ticks;
    event.group = head.group;
    event.error = head.error;
    event.missed = head.missed;
    event.spares = head.spares;
    event.faults = head.faults;
    event.hangs = head.hangs;
    event.restarts = head.restarts;
    event.state = head.state;
    size_t at = sizeof(head);
    if (has_failure(head.kind)) {
        record_failure_t f;
        if (length < at + sizeof(f)) {
            return -SEL4FT_EBADMSG;
        }
        sel4ft_copy_(&f, bytes + at, sizeof(f));
        at += sizeof(f);
        /* What the engine never writes: a cause it does not know, ESR fields wider than theirs, unknown flags, an
         * architecture it does not know. */
        if (f.cause >= SEL4FT_FAILURE_CAUSE_NUM || f.exception_class > 63 || f.status_code > 63 || f.flags > 15 ||
            f.arch >= SEL4FT_FAULT_ARCH_NUM) {
            return -SEL4FT_EBADMSG;
        }
        event.failure = (sel4ft_failure_t){
            .cause = f.cause, .code = f.code, .detail = f.detail,
            .fault = { .kind = f.fault_kind, .child = f.fault_child, .ip = f.ip, .address = f.address, .sp = f.sp,
                       .arch = f.arch, .syndrome = f.syndrome, .has_syndrome = (f.flags & 8) != 0,
                       .esr = (f.flags & 1) != 0 ? f.syndrome : 0, .detail = f.fault_detail,
                       .exception_class = f.exception_class, .status_code = f.status_code,
                       .has_esr = (f.flags & 1) != 0, .is_instruction = (f.flags & 2) != 0,
                       .is_write = (f.flags & 4) != 0 },
        };
    }
    const char *name = take_string(bytes, length, &at);
    const char *reason = name != NULL ? take_string(bytes, length, &at) : NULL;
    if (reason == NULL) {
        return -SEL4FT_EBADMSG;
    }
    event.name = head.kind == SEL4FT_FAULTMON_EVENT_UNKNOWN_CHILD ? NULL : name;
    if (head.reason != 0 && reason[0] != '\0') {
        return -SEL4FT_EBADMSG; /* a reason named twice */
    }
    event.reason = head.reason != 0 ? sel4ft_reasons_[head.reason - 1] : reason[0] != '\0' ? reason : NULL;
    return sel4ft_faultmon_event_format(&event, head.tick_hz, buffer, size);
}
