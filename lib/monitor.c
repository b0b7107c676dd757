/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The monitor skeleton: the supervision engine, its timer (owned, or lent by a parent monitor), the refusals of
 * configurations that cannot work, and a supervised monitor's checkpoint, event in progress and re-adoption. */

#include <sel4ft/error.h>
#include <sel4ft/fmt.h>
#include <sel4ft/log.h>
#include <sel4ft/monitor.h>
#include <sel4ft/restart.h>

#include "internal.h"

enum { INTENT_FAULT = 1, INTENT_NOTIFIED = 2 };

/* "S4MK": the checkpointed block of a monitor. */
#define BLOCK_MAGIC 0x4b4d3453u
#define BLOCK_VERSION 1u

/* The checkpointed block's header; the engine's saved form and the monitor's own block follow. */
typedef struct {
    uint32_t magic;
    uint32_t version;
    uint32_t engine_size; /* bytes of sel4ft_faultmon_save() */
    uint32_t user_size;   /* bytes of the monitor's own block */
    uint64_t incarnation; /* the incarnation that committed it */
    uint64_t alarm;
    uint32_t finished;
    uint32_t reserved;
    uint64_t reserved2;
} block_header_t;

_Static_assert(sizeof(block_header_t) == SEL4FT_MONITOR_BLOCK_HEADER, "monitor block header layout");
_Static_assert(sizeof(sel4ft_monitor_intent_t) <= SEL4FT_MONITOR_INTENT_AREA, "the event in progress fits its area");

static bool has_timer(const sel4ft_monitor_t *monitor)
{
    return monitor->config.timer != 0 || monitor->config.parent_link != NULL;
}

static bool owns_timer(const sel4ft_monitor_t *monitor)
{
    return monitor->config.timer != 0;
}

static sel4ft_channel_t timer_channel(const sel4ft_monitor_t *monitor)
{
    return monitor->config.timer - 1u;
}

/* A child monitor's deadline, if it asked for one it was not told about yet (0: none). */
static uint64_t lent_deadline(const sel4ft_monitor_borrower_t *borrower)
{
    /* Untrusted: a faulty child monitor may write anything; any value is only a time to notify it at. */
    uint64_t sequence = __atomic_load_n(&borrower->link->sequence, __ATOMIC_ACQUIRE); /* pairs with its release */
    uint64_t deadline = __atomic_load_n(&borrower->link->deadline, __ATOMIC_RELAXED);
    return sequence != borrower->fired ? deadline : 0;
}

/* Arm the timer for the engine's next deadline, the alarm or a child monitor's deadline, whichever is first; a
 * monitor whose timer is lent asks its parent instead. */
static void rearm(sel4ft_monitor_t *monitor)
{
    if (!has_timer(monitor)) {
        return;
    }
    uint64_t next = monitor->started ? sel4ft_faultmon_next_deadline(&monitor->engine) : 0;
    if (monitor->alarm != 0 && (next == 0 || monitor->alarm < next)) {
        next = monitor->alarm;
    }
    for (uint32_t i = 0; i < monitor->borrower_count; i++) {
        uint64_t due = lent_deadline(&monitor->borrowers[i]);
        if (due != 0 && (next == 0 || due < next)) {
            next = due;
        }
    }
    if (owns_timer(monitor)) {
        sel4ft_os_timer_set(next);
        return;
    }
    sel4ft_monitor_link_t *link = monitor->config.parent_link;
    if (monitor->lent_asked && monitor->lent_deadline == next) {
        return; /* asked for already */
    }
    monitor->lent_asked = true;
    monitor->lent_deadline = next;
    __atomic_store_n(&link->deadline, next, __ATOMIC_RELAXED);
    /* The parent reads the sequence first: a new one means a new deadline (pairs with its acquire). */
    __atomic_store_n(&link->sequence, ++monitor->lent_sequence, __ATOMIC_RELEASE);
    sel4ft_os_notify(monitor->config.parent_timer);
}

/* Tell each child monitor whose deadline has passed (once per deadline it asked for). */
static void lend(sel4ft_monitor_t *monitor, uint64_t now)
{
    for (uint32_t i = 0; i < monitor->borrower_count; i++) {
        sel4ft_monitor_borrower_t *b = &monitor->borrowers[i];
        uint64_t sequence = __atomic_load_n(&b->link->sequence, __ATOMIC_ACQUIRE);
        uint64_t deadline = __atomic_load_n(&b->link->deadline, __ATOMIC_RELAXED);
        if (sequence != b->fired && deadline != 0 && now >= deadline) {
            b->fired = sequence;
            sel4ft_os_notify(b->channel);
        }
    }
}

uint64_t sel4ft_monitor_ticks(const sel4ft_monitor_t *monitor, uint64_t us)
{
    /* In two parts, so large values neither overflow nor lose the fraction. */
    return us / 1000000u * monitor->hz + us % 1000000u * monitor->hz / 1000000u;
}

/* What needs the timer, or NULL: a back-off of a child's policy, heartbeats, the recovery deadline. */
static const char *needs_timer(const sel4ft_monitor_config_t *config, const char **child)
{
    *child = NULL;
    for (uint32_t i = 0; i < config->child_count; i++) {
        const sel4ft_faultmon_child_config_t *c = &config->children[i].config;
        *child = c->name;
        bool backs_off = c->policy != NULL && (c->policy->backoff_first_ticks != 0 || c->policy->backoff_max_ticks != 0);
        if (backs_off && c->on_fault == SEL4FT_FAULTMON_RESTART) {
            return "its restart policy backs off before restarting";
        }
        if (c->heartbeat != NULL && config->heartbeat_period_us != 0) {
            return "its heartbeat is checked";
        }
    }
    *child = NULL;
    if (config->lend_count != 0) {
        return "it lends the timer to a child monitor";
    }
    if (config->heartbeat_period_us != 0) {
        return "heartbeats are checked";
    }
    if (config->recovery_timeout_us != 0) {
        return "restarted children have a recovery deadline";
    }
    return NULL;
}

static void refuse(const char *child, const char *what, const char *reason)
{
    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "refused");
    if (child != NULL) {
        sel4ft_logfmt_str(&line, "child", child);
    }
    sel4ft_logfmt_str(&line, "needs", what);
    sel4ft_logfmt_str(&line, "reason", reason);
    sel4ft_log_event(SEL4FT_LOG_ERROR, &line);
}

/* The checkpoint -------------------------------------------------------------------------------------------------- */

/* The checkpointed block as it stands now, in the working copy; its length. */
static size_t build_block(sel4ft_monitor_t *monitor)
{
    block_header_t *header = (block_header_t *)monitor->block;
    uint8_t *engine = monitor->block + sizeof(*header);
    size_t room = monitor->block_capacity - sizeof(*header);
    int engine_size = sel4ft_faultmon_save(&monitor->engine, engine, room);
    if (engine_size < 0) {
        return 0; /* refused at start: the capacity was checked */
    }
    size_t user_at = ((size_t)engine_size + 7u) & ~(size_t)7u;
    uint32_t user_size = monitor->config.user_state != NULL ? monitor->config.user_state_size : 0;
    if (user_at + user_size > room) {
        return 0;
    }
    sel4ft_zero_(engine + engine_size, user_at - (size_t)engine_size);
    if (user_size != 0) {
        sel4ft_copy_(engine + user_at, monitor->config.user_state, user_size);
    }
    *header = (block_header_t){ .magic = BLOCK_MAGIC, .version = BLOCK_VERSION, .engine_size = (uint32_t)engine_size,
                                .user_size = user_size, .incarnation = monitor->incarnation,
                                .alarm = monitor->alarm, .finished = monitor->finished };
    return sizeof(*header) + user_at + user_size;
}

/* Commit the block if it changed since the last commit. */
static void commit(sel4ft_monitor_t *monitor)
{
    if (monitor->block == NULL) {
        return;
    }
    size_t length = build_block(monitor);
    uint64_t sum = sel4ft_checksum(length, monitor->block, length);
    if (length == 0 || (monitor->commits != 0 && sum == monitor->committed)) {
        return;
    }
    int err = sel4ft_checkpoint_commit(&monitor->checkpoint, monitor->block, length);
    if (err != 0) {
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "monitor checkpoint commit failed: %s", sel4ft_strerror(err));
        return;
    }
    monitor->committed = sum;
    monitor->commits++;
}

/* Take over from the newest checkpoint of an earlier incarnation, if there is one: returns whether there was. */
static bool resume(sel4ft_monitor_t *monitor, uint64_t now, int *adopted)
{
    sel4ft_checkpoint_report_t report;
    int err = sel4ft_checkpoint_load(&monitor->checkpoint, monitor->block, monitor->block_capacity, &report);
    for (uint32_t i = 0; i < 2; i++) {
        uint32_t status = report.slot_status[i];
        if (status != SEL4FT_CHECKPOINT_SLOT_OK && status != SEL4FT_CHECKPOINT_SLOT_EMPTY) {
            sel4ft_log_printf(SEL4FT_LOG_WARN, "monitor checkpoint slot %u (sequence %lu) rejected: %s", i,
                              (unsigned long)report.slot_sequence[i], sel4ft_checkpoint_slot_status_str(status));
        }
    }
    if (err == -SEL4FT_EAGAIN && report.slot_status[0] == SEL4FT_CHECKPOINT_SLOT_EMPTY &&
        report.slot_status[1] == SEL4FT_CHECKPOINT_SLOT_EMPTY) {
        return false; /* a first start */
    }
    block_header_t header = { 0 };
    if (err == 0 && report.length >= sizeof(header)) {
        sel4ft_copy_(&header, monitor->block, sizeof(header));
    }
    uint32_t user_size = monitor->config.user_state != NULL ? monitor->config.user_state_size : 0;
    size_t user_at = ((size_t)header.engine_size + 7u) & ~(size_t)7u;
    if (err != 0 || report.length < sizeof(header) || header.magic != BLOCK_MAGIC ||
        header.version != BLOCK_VERSION || header.user_size != user_size ||
        sizeof(header) + user_at + user_size != report.length ||
        (*adopted = sel4ft_faultmon_adopt(&monitor->engine, monitor->block + sizeof(header), header.engine_size,
                                          now)) < 0) {
        /* Both slots rejected, or another layout: the children's states are unknown. They are left as added
         * (running), which heartbeats then check; said loudly. */
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "monitor restarted without a usable checkpoint (%s): its children are "
                          "taken as running", err != 0 ? sel4ft_strerror(err) : "another layout");
        *adopted = -1;
        return true;
    }
    if (user_size != 0) {
        sel4ft_copy_(monitor->config.user_state, monitor->block + sizeof(header) + user_at, user_size);
    }
    monitor->alarm = header.alarm;
    monitor->finished = header.finished != 0;
    if (monitor->incarnation <= header.incarnation) {
        monitor->incarnation = header.incarnation + 1; /* no snapshot counts the starts: the checkpoint does */
    }
    return true;
}

/* The event in progress --------------------------------------------------------------------------------------- */

static void intent_begin(sel4ft_monitor_t *monitor, uint32_t kind, uint32_t id, uint64_t label, const uint64_t *mrs,
                         uint32_t count)
{
    sel4ft_monitor_intent_t *intent = monitor->intent;
    if (intent == NULL) {
        return;
    }
    intent->kind = kind;
    intent->id = id;
    intent->count = count;
    intent->label = label;
    for (uint32_t i = 0; i < count; i++) {
        intent->mrs[i] = mrs[i];
    }
    /* Private memory, but the magic goes last: a restart sees a whole event or none. */
    __atomic_store_n(&intent->magic, SEL4FT_MONITOR_INTENT_MAGIC, __ATOMIC_RELEASE);
}

static void intent_end(sel4ft_monitor_t *monitor)
{
    if (monitor->intent != NULL) {
        __atomic_store_n(&monitor->intent->magic, 0, __ATOMIC_RELEASE);
    }
}

/* Handling ---------------------------------------------------------------------------------------------------------- */

static void changed(sel4ft_monitor_t *monitor, uint64_t now)
{
    if (monitor->config.on_change != NULL) {
        monitor->config.on_change(monitor, now);
    }
}

static void at(sel4ft_monitor_t *monitor, sel4ft_monitor_point_t point)
{
    if (monitor->config.at != NULL && monitor->started) {
        monitor->config.at(monitor, point);
    }
}

/* Every handler ends here: the monitor's own view of the change, the commit, the timer, then the event is done. */
static void handled(sel4ft_monitor_t *monitor, uint64_t now)
{
    if (monitor->started) {
        changed(monitor, now);
        at(monitor, SEL4FT_MONITOR_BEFORE_COMMIT);
        commit(monitor);
    }
    rearm(monitor);
    intent_end(monitor);
}

static void fault_message(sel4ft_monitor_t *monitor, sel4ft_child_t child, uint64_t label, const uint64_t *mrs,
                          uint32_t count, uint64_t now)
{
    at(monitor, SEL4FT_MONITOR_EVENT_TAKEN);
    /* A monitor whose configuration was refused supervises nobody: the engine, with no children, stops it. */
    sel4ft_faultmon_fault_message(&monitor->engine, child, label, mrs, count, now);
    handled(monitor, now);
}

/* The timer fired (its interrupt, or the parent's notification of a lent timer): whatever is due. */
static void tick(sel4ft_monitor_t *monitor, uint64_t now)
{
    if (monitor->started) {
        sel4ft_faultmon_tick(&monitor->engine, now);
    }
    if (monitor->alarm != 0 && now >= monitor->alarm) {
        monitor->alarm = 0;
        if (monitor->config.on_alarm != NULL) {
            monitor->config.on_alarm(monitor, now);
        }
    }
    lend(monitor, now);
}

static bool notification(sel4ft_monitor_t *monitor, sel4ft_channel_t channel, uint64_t now)
{
    const sel4ft_monitor_config_t *config = &monitor->config;
    at(monitor, SEL4FT_MONITOR_EVENT_TAKEN);
    if (owns_timer(monitor) && channel == timer_channel(monitor)) {
        tick(monitor, now);
        if (monitor->started) {
            changed(monitor, now);
            at(monitor, SEL4FT_MONITOR_BEFORE_COMMIT);
            commit(monitor);
        }
        /* Move the deadline before acknowledging: the timer's interrupt is level-triggered. */
        rearm(monitor);
        sel4ft_os_irq_ack(channel);
        intent_end(monitor);
        return true;
    }
    if (config->parent_link != NULL && !owns_timer(monitor) && channel == config->parent_timer) {
        tick(monitor, now);
        handled(monitor, now);
        return true;
    }
    if (config->parent_link != NULL && channel == config->parent_channel) {
        /* The parent asks for a heartbeat (this monitor handles events, so it is not hung). */
        sel4ft_heartbeat_beat(&config->parent_link->heartbeat);
        handled(monitor, now);
        return true;
    }
    for (uint32_t i = 0; i < monitor->borrower_count; i++) {
        if (channel == monitor->borrowers[i].channel) {
            handled(monitor, now); /* a child monitor moved its deadline: rearm */
            return true;
        }
    }
    bool taken = monitor->started && sel4ft_faultmon_notified(&monitor->engine, channel, now);
    if (!taken && config->on_notified != NULL) {
        taken = config->on_notified(monitor, channel, now);
    }
    if (taken) {
        handled(monitor, now);
    } else {
        intent_end(monitor);
    }
    return taken;
}

/* A restarted monitor handles the event it was handling when it stopped, before it waits for anything. */
static uint32_t replay(sel4ft_monitor_t *monitor, uint64_t now)
{
    if (monitor->intent == NULL || __atomic_load_n(&monitor->intent->magic, __ATOMIC_ACQUIRE) !=
                                       SEL4FT_MONITOR_INTENT_MAGIC) {
        return 0;
    }
    /* Copied, then checked (private memory; a bug elsewhere must not become an out-of-range read). */
    sel4ft_monitor_intent_t event;
    sel4ft_copy_(&event, monitor->intent, sizeof(event));
    if (event.kind == INTENT_FAULT && event.id < SEL4FT_FAULTMON_MAX_CHILDREN &&
        event.count <= SEL4FT_FAULTMON_FAULT_MRS) {
        fault_message(monitor, event.id, event.label, event.mrs, event.count, now);
        return INTENT_FAULT;
    }
    if (event.kind == INTENT_NOTIFIED && event.id <= SEL4FT_OS_MAX_CHANNEL) {
        notification(monitor, event.id, now);
        return INTENT_NOTIFIED;
    }
    intent_end(monitor);
    return 0;
}

/* Start ------------------------------------------------------------------------------------------------------------ */

static void report_watching(const sel4ft_monitor_config_t *config)
{
    for (uint32_t i = 0; i < config->child_count; i++) {
        char text[SEL4FT_LOGRING_TEXT_MAX + 1];
        sel4ft_logfmt_t line;
        sel4ft_logfmt_begin(&line, text, sizeof(text), "watching");
        sel4ft_logfmt_str(&line, "child", config->children[i].config.name);
        sel4ft_logfmt_u64(&line, "id", config->children[i].id);
        sel4ft_logfmt_str(&line, "on_fault", sel4ft_faultmon_action_str(config->children[i].config.on_fault));
        sel4ft_log_event(SEL4FT_LOG_INFO, &line);
    }
}

/* The state region: the event in progress, the working copy of the block, then the checkpoint's two slots. */
static int attach_state(sel4ft_monitor_t *monitor, const sel4ft_monitor_config_t *config)
{
    size_t user = ((size_t)(config->user_state != NULL ? config->user_state_size : 0) + 7u) & ~(size_t)7u;
    size_t block = SEL4FT_MONITOR_BLOCK_HEADER + SEL4FT_FAULTMON_SAVED_SIZE(config->child_count) + user;
    size_t needed = SEL4FT_MONITOR_STATE_SIZE(config->child_count, user);
    if (config->state.size < needed || !sel4ft_is_aligned_(config->state.base, 8)) {
        char reason[SEL4FT_LOGRING_TEXT_MAX];
        sel4ft_fmt(reason, sizeof(reason), "the state region is %lu bytes (or not 8-byte aligned): %u children and "
                   "%lu bytes of the monitor's own need %lu (size=\"0x%lx\")", (unsigned long)config->state.size,
                   config->child_count, (unsigned long)user, (unsigned long)needed, (unsigned long)needed);
        refuse(NULL, "state_region", reason);
        return -SEL4FT_EINVAL;
    }
    uint8_t *base = config->state.base;
    monitor->intent = (sel4ft_monitor_intent_t *)base;
    monitor->block = base + SEL4FT_MONITOR_INTENT_AREA;
    monitor->block_capacity = (block + 7u) & ~(size_t)7u;
    uint8_t *slots = monitor->block + monitor->block_capacity;
    return sel4ft_checkpoint_init(&monitor->checkpoint, slots, config->state.size - (size_t)(slots - base));
}

int sel4ft_monitor_start(sel4ft_monitor_t *monitor, const sel4ft_monitor_config_t *config)
{
    if (monitor == NULL || config == NULL || (config->children == NULL && config->child_count != 0)) {
        return -SEL4FT_EINVAL;
    }
    /* First of all: nothing may run on .data or .bss before they are as at first start (this struct is in .bss). */
    uint64_t incarnation = sel4ft_restart_begin_or_stop(config->snapshot.base, config->snapshot.size, config->log.base,
                                                        config->log.size, config->log_channel);
    sel4ft_zero_(monitor, sizeof(*monitor));
    monitor->config = *config;
    monitor->incarnation = incarnation;
    monitor->hz = sel4ft_os_tick_hz();
    sel4ft_faultmon_init(&monitor->engine, sel4ft_log_ring(), NULL, NULL);
    if (config->timer > SEL4FT_OS_MAX_CHANNEL + 1u || config->finish > SEL4FT_OS_MAX_CHANNEL + 1u ||
        (config->parent_link != NULL && (config->parent_channel > SEL4FT_OS_MAX_CHANNEL ||
                                         config->parent_timer > SEL4FT_OS_MAX_CHANNEL))) {
        refuse(NULL, "valid_config", "the timer's, the finish or a parent's channel is above 61");
        return -SEL4FT_EINVAL;
    }
    /* The board's timer device, where it has one: the port says whether the timer can be armed then. */
    if (owns_timer(monitor) && sel4ft_os_timer_use_device(config->timer_device) != 0) {
        refuse(NULL, "timer_device", "the board's timer is a device that is not mapped: map it into the monitor and "
               "give its address as timer_device (doc/timers.md)");
        return -SEL4FT_EINVAL;
    }
    const char *child;
    const char *why = needs_timer(config, &child);
    if (why != NULL && !has_timer(monitor)) {
        char reason[160];
        sel4ft_fmt(reason, sizeof(reason), "%s, which needs the timer: give the monitor the timer's irq in the "
                   "system description and SEL4FT_MONITOR_CHANNEL(its id)", why);
        refuse(child, "timer", reason);
        return -SEL4FT_EINVAL;
    }
    for (uint32_t i = 0; i < config->child_count; i++) {
        const sel4ft_monitor_child_t *c = &config->children[i];
        if (sel4ft_faultmon_add_child(&monitor->engine, c->id, &c->config) != 0) {
            refuse(c->config.name, "valid_config", "the engine refused the child's configuration (id, action, "
                   "policy or channel)");
            return -SEL4FT_EINVAL;
        }
    }
    for (uint32_t i = 0; i < config->lend_count; i++) {
        const sel4ft_monitor_lend_t none = { 0 };
        const sel4ft_monitor_lend_t *l = config->lend != NULL ? &config->lend[i] : &none;
        const sel4ft_faultmon_child_t *c = sel4ft_faultmon_child(&monitor->engine, l->id);
        if (config->lend == NULL || i >= SEL4FT_MONITOR_BORROWERS || l->link == NULL || c == NULL ||
            c->state == SEL4FT_FAULTMON_UNWATCHED || l->timer_channel > SEL4FT_OS_MAX_CHANNEL) {
            refuse(c != NULL && c->state != SEL4FT_FAULTMON_UNWATCHED ? c->config.name : NULL, "valid_config",
                   "a child monitor to lend the timer to must be a child, with a link and a timer channel (at most "
                   "8 of them)");
            return -SEL4FT_EINVAL;
        }
        monitor->borrowers[monitor->borrower_count++] =
            (sel4ft_monitor_borrower_t){ .link = l->link, .channel = l->timer_channel };
    }
    if (config->state.base != NULL && attach_state(monitor, config) != 0) {
        return -SEL4FT_EINVAL;
    }
    if (config->parent_link != NULL) {
        /* The link outlives this incarnation: its sequence goes on from where the last one left it, so the parent,
         * which remembers the last one it fired, sees the next deadline as new. */
        monitor->lent_sequence = __atomic_load_n(&config->parent_link->sequence, __ATOMIC_RELAXED);
    }
    uint64_t now = sel4ft_os_ticks();
    sel4ft_faultmon_set_recovery_timeout(&monitor->engine, sel4ft_monitor_ticks(monitor, config->recovery_timeout_us));
    sel4ft_faultmon_set_heartbeat_period(&monitor->engine, sel4ft_monitor_ticks(monitor, config->heartbeat_period_us),
                                         now);
    int adopted = 0;
    monitor->resumed = monitor->block != NULL && resume(monitor, now, &adopted);
    monitor->started = true;
    if (!monitor->resumed) {
        intent_end(monitor); /* a first start: nothing was in progress */
        report_watching(config);
    } else {
        monitor->replayed = replay(monitor, now);
        char text[SEL4FT_LOGRING_TEXT_MAX + 1];
        sel4ft_logfmt_t line;
        sel4ft_logfmt_begin(&line, text, sizeof(text), "resumed");
        sel4ft_logfmt_u64(&line, "incarnation", monitor->incarnation);
        sel4ft_logfmt_i64(&line, "adopted", adopted);
        sel4ft_logfmt_str(&line, "replayed", monitor->replayed == INTENT_FAULT      ? "fault"
                                             : monitor->replayed == INTENT_NOTIFIED ? "notification"
                                                                                    : "none");
        sel4ft_logfmt_u64(&line, "at", now);
        sel4ft_log_event(SEL4FT_LOG_INFO, &line);
    }
    monitor->config.children = NULL; /* read during the start only */
    monitor->config.lend = NULL;
    commit(monitor);
    if (config->parent_link != NULL) {
        sel4ft_os_notify(config->parent_channel); /* serving (again) */
    }
    rearm(monitor);
    return 0;
}

bool sel4ft_monitor_fault(sel4ft_monitor_t *monitor, sel4ft_child_t child, sel4ft_msginfo_t message)
{
    /* The message first, into the event in progress: a restart in this handler handles it again. */
    uint64_t mrs[SEL4FT_FAULTMON_FAULT_MRS];
    uint32_t count = sel4ft_msginfo_count(message) < SEL4FT_FAULTMON_FAULT_MRS ? sel4ft_msginfo_count(message)
                                                                               : SEL4FT_FAULTMON_FAULT_MRS;
    for (uint32_t i = 0; i < count; i++) {
        mrs[i] = sel4ft_os_mr_get(i);
    }
    intent_begin(monitor, INTENT_FAULT, child, sel4ft_msginfo_label(message), mrs, count);
    fault_message(monitor, child, sel4ft_msginfo_label(message), mrs, count, sel4ft_os_ticks());
    return false;
}

bool sel4ft_monitor_notified(sel4ft_monitor_t *monitor, sel4ft_channel_t channel)
{
    intent_begin(monitor, INTENT_NOTIFIED, channel, 0, NULL, 0);
    return notification(monitor, channel, sel4ft_os_ticks());
}

void sel4ft_monitor_alarm(sel4ft_monitor_t *monitor, uint64_t at)
{
    monitor->alarm = at;
    rearm(monitor);
}

void sel4ft_monitor_finish(sel4ft_monitor_t *monitor, uint64_t now)
{
    if (monitor->finished) {
        return;
    }
    monitor->finished = true;
    sel4ft_faultmon_report(&monitor->engine, now);
    if (monitor->config.finish != 0) {
        sel4ft_os_notify(monitor->config.finish - 1u);
    }
}
