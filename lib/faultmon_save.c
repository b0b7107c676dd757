/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* A supervisable monitor: what a restarted monitor needs to carry on (sel4ft_faultmon_save()), and how it takes its
 * children back (sel4ft_faultmon_adopt()). The saved form holds fixed-width fields only, in a layout of its own, so
 * that the engine's in-memory record (pointers, configuration) never reaches a checkpoint; it holds what matters
 * across a restart (states, incarnations, the policy's memory, pending back-offs, counters) and leaves out what is
 * rebuilt (heartbeat bookkeeping: a restarted monitor judges heartbeats afresh). */

#include <sel4ft/error.h>
#include <sel4ft/faultmon.h>

#include "internal.h"

/* "S4MS": a monitor's saved state. */
#define SAVED_MAGIC 0x534d3453u
#define SAVED_VERSION 1u

typedef struct {
    uint32_t magic;
    uint32_t version;
    uint32_t children;    /* records that follow */
    uint32_t record_size; /* sizeof(saved_child_t): another build's layout is not read */
    uint64_t faults;
    uint64_t unknown_children;
    uint64_t action_errors;
    uint64_t reserved;
} saved_header_t;

typedef struct {
    uint32_t id;
    uint32_t state;
    uint32_t faults;
    uint32_t hangs;
    uint32_t restarts;
    uint32_t serving;
    int32_t restart_error;
    uint32_t reserved;
    uint64_t failure_ticks;
    uint64_t restart_at;
    uint64_t backoff_ticks;
    uint64_t restarted_at;
    uint64_t last_recovery_ticks;
    uint64_t max_recovery_ticks;
    /* The policy's memory (sel4ft_supervisor_state_t). */
    uint64_t restart_times[SEL4FT_SUPERVISOR_HISTORY];
    uint32_t restart_count;
    uint32_t consecutive;
    uint32_t incarnation;
    uint32_t escalated;
    uint64_t last_failure_ticks;
    uint64_t failures;
    /* Its last failure (sel4ft_failure_t). */
    uint32_t cause;
    int32_t code;
    uint64_t detail;
    uint32_t fault_kind;
    uint32_t fault_child;
    uint64_t fault_ip;
    uint64_t fault_address;
    uint64_t fault_sp;
    uint64_t fault_syndrome; /* the ESR on aarch64 (equal to the syndrome there), scause on riscv64 */
    uint64_t fault_detail;
    uint32_t fault_class;
    uint32_t fault_status;
    uint32_t fault_flags; /* bit 0: has_esr, 1: is_instruction, 2: is_write, 3: has_syndrome */
    uint32_t fault_arch;
} saved_child_t;

_Static_assert(sizeof(saved_header_t) == SEL4FT_FAULTMON_SAVED_HEADER_SIZE, "saved monitor header layout");
_Static_assert(sizeof(saved_child_t) == SEL4FT_FAULTMON_SAVED_CHILD_SIZE, "saved child layout");

int sel4ft_faultmon_save(const sel4ft_faultmon_t *monitor, void *buffer, size_t size)
{
    if (monitor == NULL || (buffer == NULL && size != 0)) {
        return -SEL4FT_EINVAL;
    }
    uint32_t count = 0;
    for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
        count += monitor->children[i].state != SEL4FT_FAULTMON_UNWATCHED;
    }
    size_t needed = sizeof(saved_header_t) + (size_t)count * sizeof(saved_child_t);
    if (size < needed || !sel4ft_is_aligned_(buffer, 8)) {
        return size < needed ? -SEL4FT_ENOSPC : -SEL4FT_EINVAL;
    }
    saved_header_t *header = buffer;
    *header = (saved_header_t){ .magic = SAVED_MAGIC, .version = SAVED_VERSION, .children = count,
                                .record_size = sizeof(saved_child_t), .faults = monitor->faults,
                                .unknown_children = monitor->unknown_children,
                                .action_errors = monitor->action_errors };
    saved_child_t *out = (saved_child_t *)(header + 1);
    for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
        const sel4ft_faultmon_child_t *c = &monitor->children[i];
        if (c->state == SEL4FT_FAULTMON_UNWATCHED) {
            continue;
        }
        const sel4ft_supervisor_state_t *s = &c->supervision;
        const sel4ft_failure_t *f = &c->last_failure;
        sel4ft_zero_(out, sizeof(*out));
        *out = (saved_child_t){
            .id = i, .state = c->state, .faults = c->faults, .hangs = c->hangs, .restarts = c->restarts,
            .serving = c->serving, .restart_error = c->restart_error, .failure_ticks = c->failure_ticks,
            .restart_at = c->restart_at, .backoff_ticks = c->backoff_ticks, .restarted_at = c->restarted_at,
            .last_recovery_ticks = c->last_recovery_ticks, .max_recovery_ticks = c->max_recovery_ticks,
            .restart_count = s->restart_count, .consecutive = s->consecutive, .incarnation = s->incarnation,
            .escalated = s->escalated, .last_failure_ticks = s->last_failure_ticks, .failures = s->failures,
            .cause = f->cause, .code = f->code, .detail = f->detail, .fault_kind = f->fault.kind,
            .fault_child = f->fault.child, .fault_ip = f->fault.ip, .fault_address = f->fault.address,
            .fault_sp = f->fault.sp, .fault_syndrome = f->fault.syndrome, .fault_detail = f->fault.detail,
            .fault_class = f->fault.exception_class, .fault_status = f->fault.status_code,
            .fault_flags = (f->fault.has_esr ? 1u : 0u) | (f->fault.is_instruction ? 2u : 0u) |
                           (f->fault.is_write ? 4u : 0u) | (f->fault.has_syndrome ? 8u : 0u),
            .fault_arch = f->fault.arch,
        };
        sel4ft_copy_(out->restart_times, s->restarts, sizeof(out->restart_times));
        out++;
    }
    return (int)needed;
}

/* A saved record as the engine can use it: every field in range for the child it names (copied first, then checked:
 * the saved form is private memory, but a bug elsewhere must not become a record out of bounds). */
static bool record_valid(const sel4ft_faultmon_t *monitor, const saved_child_t *r)
{
    return r->id < SEL4FT_FAULTMON_MAX_CHILDREN && monitor->children[r->id].state != SEL4FT_FAULTMON_UNWATCHED &&
           r->state >= SEL4FT_FAULTMON_RUNNING && r->state <= SEL4FT_FAULTMON_RESTARTING &&
           r->restart_count <= SEL4FT_SUPERVISOR_HISTORY && r->incarnation != 0 && r->fault_arch < SEL4FT_FAULT_ARCH_NUM;
}

/* Take one child back as its record says; returns the event that reports it. */
static void adopt_child(sel4ft_faultmon_t *monitor, const saved_child_t *r, uint64_t now,
                        sel4ft_faultmon_event_t *event)
{
    sel4ft_faultmon_child_t *c = &monitor->children[r->id];
    c->state = r->state;
    c->faults = r->faults;
    c->hangs = r->hangs;
    c->restarts = r->restarts;
    c->serving = r->serving != 0;
    c->restart_error = r->restart_error;
    c->failure_ticks = r->failure_ticks;
    c->restart_at = r->restart_at;
    c->backoff_ticks = r->backoff_ticks;
    c->restarted_at = r->restarted_at;
    c->last_recovery_ticks = r->last_recovery_ticks;
    c->max_recovery_ticks = r->max_recovery_ticks;
    sel4ft_supervisor_state_t *s = &c->supervision;
    sel4ft_copy_(s->restarts, r->restart_times, sizeof(s->restarts));
    s->restart_count = r->restart_count;
    s->consecutive = r->consecutive;
    s->incarnation = r->incarnation;
    s->escalated = r->escalated;
    s->last_failure_ticks = r->last_failure_ticks;
    s->failures = r->failures;
    sel4ft_failure_t *f = &c->last_failure;
    sel4ft_zero_(f, sizeof(*f));
    f->cause = r->cause;
    f->code = r->code;
    f->detail = r->detail;
    f->fault.kind = r->fault_kind;
    f->fault.child = r->fault_child;
    f->fault.ip = r->fault_ip;
    f->fault.address = r->fault_address;
    f->fault.sp = r->fault_sp;
    f->fault.arch = r->fault_arch;
    f->fault.syndrome = r->fault_syndrome;
    f->fault.detail = r->fault_detail;
    f->fault.exception_class = r->fault_class;
    f->fault.status_code = r->fault_status;
    f->fault.has_esr = (r->fault_flags & 1u) != 0;
    /* aarch64's syndrome is the ESR (lib/fault.c sets both); riscv64 has none. */
    f->fault.esr = f->fault.has_esr ? r->fault_syndrome : 0;
    f->fault.has_syndrome = (r->fault_flags & 8u) != 0;
    f->fault.is_instruction = (r->fault_flags & 2u) != 0;
    f->fault.is_write = (r->fault_flags & 4u) != 0;

    /* Heartbeats are judged afresh: the monitor asked for none while it was down, so the child gets a whole period
     * from now, from its counter as it stands, and a running one is asked for a beat at once. */
    c->missed_beats = 0;
    c->starved_spares = 0;
    if (c->config.heartbeat != NULL) {
        uint64_t waited;
        c->last_beats = __atomic_load_n(&c->config.heartbeat->beats, __ATOMIC_RELAXED);
        c->beats_since = now;
        c->waited_since = sel4ft_os_child_waited(r->id, &waited) == 0 ? waited : 0;
        if (c->state == SEL4FT_FAULTMON_RUNNING && c->serving) {
            sel4ft_os_notify(c->config.channel);
        }
    }
    /* A restarting child may have said it serves while the monitor was down (that notification is delivered after
     * the restart, unless the monitor took it in the handler it crashed in, which is then replayed): it gets a
     * whole recovery deadline from now. A waiting child keeps its deadline; one that passed restarts at the next
     * tick. */
    if (c->state == SEL4FT_FAULTMON_RESTARTING) {
        c->restarted_at = now;
    }

    sel4ft_zero_(event, sizeof(*event));
    event->kind = SEL4FT_FAULTMON_EVENT_ADOPTED;
    event->child = r->id;
    event->name = c->config.name;
    event->name_length = c->name_length;
    event->incarnation = s->incarnation;
    event->at = now;
    event->state = c->state;
    event->delay_ticks = c->state == SEL4FT_FAULTMON_WAITING && c->restart_at > now ? c->restart_at - now : 0;
    event->faults = c->faults;
    event->hangs = c->hangs;
    event->restarts = c->restarts;
}

int sel4ft_faultmon_adopt(sel4ft_faultmon_t *monitor, const void *saved, size_t size, uint64_t now)
{
    if (monitor == NULL || saved == NULL || size < sizeof(saved_header_t) || !sel4ft_is_aligned_(saved, 8)) {
        return -SEL4FT_EINVAL;
    }
    saved_header_t header;
    sel4ft_copy_(&header, saved, sizeof(header));
    if (header.magic != SAVED_MAGIC || header.version != SAVED_VERSION ||
        header.record_size != sizeof(saved_child_t) || header.children > SEL4FT_FAULTMON_MAX_CHILDREN ||
        size < sizeof(header) + (size_t)header.children * sizeof(saved_child_t)) {
        return -SEL4FT_EBADMSG;
    }
    const saved_child_t *records = (const saved_child_t *)((const saved_header_t *)saved + 1);
    /* All or nothing: every record is checked before any is taken. */
    for (uint32_t i = 0; i < header.children; i++) {
        saved_child_t r;
        sel4ft_copy_(&r, &records[i], sizeof(r));
        if (!record_valid(monitor, &r)) {
            return -SEL4FT_EBADMSG;
        }
    }
    monitor->faults = header.faults;
    monitor->unknown_children = header.unknown_children;
    monitor->action_errors = header.action_errors;
    monitor->missing_priority = 0;
    int adopted = 0;
    for (uint32_t i = 0; i < header.children; i++) {
        saved_child_t r;
        sel4ft_copy_(&r, &records[i], sizeof(r));
        sel4ft_faultmon_event_t event;
        adopt_child(monitor, &r, now, &event);
        sel4ft_faultmon_deliver_(monitor, &event);
        adopted++;
    }
    return adopted;
}
