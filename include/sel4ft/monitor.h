/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/os.h>
#include <sel4ft/service.h>

/**
 * @defgroup monitor Monitor skeleton
 * @brief A monitor PD as a table of children and policies plus a few lines: the skeleton owns the timer,
 *        heartbeats, recovery deadlines and the summary.
 *
 * The monitor PD calls sel4ft_monitor_start() in `init()`,
 * sel4ft_monitor_fault() in `fault()` and sel4ft_monitor_notified() first in
 * `notified()`. The skeleton runs the supervision engine (@ref faultmon) and
 * the one-shot timer for it: it arms the timer for the engine's next deadline
 * (the end of a back-off, a recovery deadline, the next heartbeat check) or the
 * monitor's own alarm (sel4ft_monitor_alarm()), whichever comes first; on the
 * timer's interrupt it does what is due, moves the deadline and only then
 * acknowledges the interrupt (it is level-triggered: acknowledged before the
 * deadline moved, it would fire again at once).
 *
 * Back-offs, recovery deadlines and heartbeats need the timer: on QEMU virt
 * for aarch64 the EL1 physical timer, PPI 30, given to the monitor as
 * `<irq irq="30" id="N"><!-- sel4ft: name=timer --></irq>` and to the skeleton
 * as SEL4FT_MONITOR_CHANNEL(N); for riscv64 the Goldfish RTC, its page mapped
 * into the monitor (its address as sel4ft_monitor_config_t.timer_device) and
 * its PLIC interrupt 11 given as the irq (doc/timers.md). A configuration that
 * needs the timer and has none, or whose board's timer device is not mapped, is
 * refused at start, with a `refused` event that says what needs it, instead of
 * a back-off that silently never ends.
 *
 * At start the skeleton reports a `watching` event per child (doc/events.md);
 * sel4ft_monitor_finish() reports every child's summary.
 * @{
 */

/** A channel as sel4ft_monitor_config_t.timer and .finish take it: 0 there means none. */
#define SEL4FT_MONITOR_CHANNEL(channel) ((uint32_t)(channel) + 1u)

/** A child: its id in the system description and how it is supervised. */
typedef struct sel4ft_monitor_child {
    sel4ft_child_t id;                     /**< Its child id (the `id` of its nested protection_domain). */
    sel4ft_faultmon_child_config_t config; /**< How (its name, action, policy, channel, heartbeat, priority). */
} sel4ft_monitor_child_t;

struct sel4ft_monitor;

/** How a monitor is set up. */
typedef struct sel4ft_monitor_config {
    const sel4ft_monitor_child_t *children; /**< The children (copied into the engine; read during
                                                 sel4ft_monitor_start() only, so it may live on its stack). */
    uint32_t child_count;                   /**< How many. */
    uint32_t timer;               /**< SEL4FT_MONITOR_CHANNEL(the timer IRQ's channel); 0: no timer. */
    uint32_t finish;              /**< SEL4FT_MONITOR_CHANNEL(a channel sel4ft_monitor_finish() notifies, the
                                       logger's "print your summary", say); 0: none. */
    uint64_t heartbeat_period_us; /**< Heartbeat checks this often, in microseconds (0: none). */
    uint64_t recovery_timeout_us; /**< A restarted child not serving again within this many microseconds failed
                                       again (0: no deadline). */
    sel4ft_region_t log;          /**< The monitor's log ring (setvar `log_ring`); base NULL: the console. */
    sel4ft_channel_t log_channel; /**< The channel to the logger. */
    /** Optional: called after every fault, timer tick and child notification the skeleton handled. */
    void (*on_change)(struct sel4ft_monitor *monitor, uint64_t now);
    /** Optional: called when the alarm set with sel4ft_monitor_alarm() is due. */
    void (*on_alarm)(struct sel4ft_monitor *monitor, uint64_t now);
    uintptr_t timer_device;       /**< Where the board's timer device is mapped, on boards whose timer is one
                                       (qemu_virt_riscv64: the Goldfish RTC; the setvar `timer_base`): passed to
                                       sel4ft_os_timer_use_device(). 0 where the timer needs no mapping (aarch64). */
} sel4ft_monitor_config_t;

/** A monitor. */
typedef struct sel4ft_monitor {
    sel4ft_faultmon_t engine;       /**< The supervision engine (read its children with sel4ft_faultmon_child()). */
    sel4ft_monitor_config_t config; /**< As started. */
    uint64_t hz;                    /**< The counter's frequency. */
    uint64_t alarm;                 /**< The monitor's own deadline, in ticks (0: none). */
    bool started;                   /**< The configuration was accepted. */
    bool finished;                  /**< sel4ft_monitor_finish() ran. */
} sel4ft_monitor_t;

/**
 * @brief Start supervising: call it in `init()`.
 *
 * Attaches the log, checks the configuration (a back-off, recovery deadline or heartbeat without a timer is
 * refused, as is a child the engine refuses), reports `watching` for each child and arms the timer.
 * @param monitor The monitor (static storage).
 * @param config Its configuration (copied).
 * @return 0; -SEL4FT_EINVAL for a configuration refused (the reason is logged; no child is supervised then, and
 *         a fault of one stops it).
 */
int sel4ft_monitor_start(sel4ft_monitor_t *monitor, const sel4ft_monitor_config_t *config);

/**
 * @brief A child faulted: `return sel4ft_monitor_fault(&monitor, child, msginfo);` in `fault()`.
 * @param monitor The monitor.
 * @param child The child.
 * @param message The fault message's tag.
 * @return false (the child is restarted or stopped, never resumed at the faulting instruction).
 */
bool sel4ft_monitor_fault(sel4ft_monitor_t *monitor, sel4ft_child_t child, sel4ft_msginfo_t message);

/**
 * @brief A notification: the timer's interrupt, or a child saying it serves (again).
 * @param monitor The monitor.
 * @param channel The channel.
 * @return true if the skeleton took it; false if it is the monitor's own to handle.
 */
bool sel4ft_monitor_notified(sel4ft_monitor_t *monitor, sel4ft_channel_t channel);

/**
 * @brief Set the monitor's own deadline: sel4ft_monitor_config_t.on_alarm is called once it has passed.
 * @param monitor The monitor.
 * @param at A time in sel4ft_os_ticks() units; 0 cancels.
 */
void sel4ft_monitor_alarm(sel4ft_monitor_t *monitor, uint64_t at);

/**
 * @brief Microseconds as counter ticks.
 * @param monitor The monitor.
 * @param us Microseconds.
 * @return Ticks.
 */
uint64_t sel4ft_monitor_ticks(const sel4ft_monitor_t *monitor, uint64_t us);

/**
 * @brief Sum up, once: a `summary` event for every child, then a notification on sel4ft_monitor_config_t.finish.
 *        Later calls do nothing. Its signature is an alarm's: `.on_alarm = sel4ft_monitor_finish` sums up when the
 *        alarm is due.
 * @param monitor The monitor.
 * @param now The current time.
 */
void sel4ft_monitor_finish(sel4ft_monitor_t *monitor, uint64_t now);

/** @} */
