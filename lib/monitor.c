/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The monitor skeleton: the supervision engine, its timer, the refusals of configurations that cannot work. */

#include <sel4ft/error.h>
#include <sel4ft/fmt.h>
#include <sel4ft/log.h>
#include <sel4ft/monitor.h>

#include "internal.h"

static bool has_timer(const sel4ft_monitor_t *monitor)
{
    return monitor->config.timer != 0;
}

static sel4ft_channel_t timer_channel(const sel4ft_monitor_t *monitor)
{
    return monitor->config.timer - 1u;
}

/* Arm the timer for the engine's next deadline or the alarm, whichever is first. */
static void rearm(sel4ft_monitor_t *monitor)
{
    if (!has_timer(monitor)) {
        return;
    }
    uint64_t next = monitor->started ? sel4ft_faultmon_next_deadline(&monitor->engine) : 0;
    if (monitor->alarm != 0 && (next == 0 || monitor->alarm < next)) {
        next = monitor->alarm;
    }
    sel4ft_os_timer_set(next);
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

int sel4ft_monitor_start(sel4ft_monitor_t *monitor, const sel4ft_monitor_config_t *config)
{
    if (monitor == NULL || config == NULL || (config->children == NULL && config->child_count != 0)) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_zero_(monitor, sizeof(*monitor));
    monitor->config = *config;
    monitor->hz = sel4ft_os_tick_hz();
    if (config->log.base != NULL) {
        sel4ft_log_init(config->log.base, config->log.size, config->log_channel);
    }
    sel4ft_faultmon_init(&monitor->engine, sel4ft_log_ring(), NULL, NULL);
    if (config->timer > SEL4FT_OS_MAX_CHANNEL + 1u || config->finish > SEL4FT_OS_MAX_CHANNEL + 1u) {
        refuse(NULL, "valid_config", "the timer's or the finish channel is above 61");
        return -SEL4FT_EINVAL;
    }
    /* The board's timer device, where it has one: the port says whether the timer can be armed then. */
    if (has_timer(monitor) && sel4ft_os_timer_use_device(config->timer_device) != 0) {
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
    uint64_t now = sel4ft_os_ticks();
    sel4ft_faultmon_set_recovery_timeout(&monitor->engine, sel4ft_monitor_ticks(monitor, config->recovery_timeout_us));
    sel4ft_faultmon_set_heartbeat_period(&monitor->engine, sel4ft_monitor_ticks(monitor, config->heartbeat_period_us),
                                         now);
    monitor->started = true;
    monitor->config.children = NULL; /* read during the start only */
    for (uint32_t i = 0; i < config->child_count; i++) {
        char text[SEL4FT_LOGRING_TEXT_MAX + 1];
        sel4ft_logfmt_t line;
        sel4ft_logfmt_begin(&line, text, sizeof(text), "watching");
        sel4ft_logfmt_str(&line, "child", config->children[i].config.name);
        sel4ft_logfmt_u64(&line, "id", config->children[i].id);
        sel4ft_logfmt_str(&line, "on_fault", sel4ft_faultmon_action_str(config->children[i].config.on_fault));
        sel4ft_log_event(SEL4FT_LOG_INFO, &line);
    }
    rearm(monitor);
    return 0;
}

static void changed(sel4ft_monitor_t *monitor, uint64_t now)
{
    if (monitor->config.on_change != NULL) {
        monitor->config.on_change(monitor, now);
    }
}

bool sel4ft_monitor_fault(sel4ft_monitor_t *monitor, sel4ft_child_t child, sel4ft_msginfo_t message)
{
    uint64_t now = sel4ft_os_ticks();
    /* A monitor whose configuration was refused supervises nobody: the engine, with no children, stops it. */
    sel4ft_faultmon_fault(&monitor->engine, child, message, now);
    if (monitor->started) {
        changed(monitor, now);
    }
    rearm(monitor);
    return false;
}

bool sel4ft_monitor_notified(sel4ft_monitor_t *monitor, sel4ft_channel_t channel)
{
    uint64_t now = sel4ft_os_ticks();
    if (has_timer(monitor) && channel == timer_channel(monitor)) {
        if (monitor->started) {
            sel4ft_faultmon_tick(&monitor->engine, now);
        }
        if (monitor->alarm != 0 && now >= monitor->alarm) {
            monitor->alarm = 0;
            if (monitor->config.on_alarm != NULL) {
                monitor->config.on_alarm(monitor, now);
            }
        }
        if (monitor->started) {
            changed(monitor, now);
        }
        /* Move the deadline before acknowledging: the timer's interrupt is level-triggered. */
        rearm(monitor);
        sel4ft_os_irq_ack(channel);
        return true;
    }
    if (!monitor->started || !sel4ft_faultmon_notified(&monitor->engine, channel, now)) {
        return false;
    }
    changed(monitor, now);
    rearm(monitor);
    return true;
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
