/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4ft/checkpoint.h>
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
 *
 * **A supervised monitor** (a supervision tree, as Erlang/OTP builds them: a
 * root supervisor is the parent of one or more monitors, each the parent of
 * its children). Such a monitor is restartable like any child:
 * - its `.data` and `.bss` are restored at every start from a snapshot
 *   (sel4ft_monitor_config_t.snapshot, as sel4ft_restart_begin());
 * - it keeps its state in a checkpoint (sel4ft_monitor_config_t.state, two
 *   checksummed slots, @ref checkpoint): its children's records as
 *   sel4ft_faultmon_save() writes them (states, incarnations, the policies'
 *   memory, pending back-offs, recovery deadlines, counters), its alarm, and a
 *   block of its own (sel4ft_monitor_config_t.user_state, a campaign's, say),
 *   committed at the end of every fault, notification and tick that changed
 *   any of it;
 * - at the start of every `fault()` and `notified()` it writes the event it is
 *   about to handle (a fault's label and message registers, or a channel) into
 *   the same region, and clears it once the handler committed. A monitor
 *   restarted in the middle of a handler handles that event again, before it
 *   waits for anything: a child's fault it had received but not acted on is
 *   acted on (the child, blocked on the monitor's reply object, is restarted or
 *   stopped before the monitor's first receive, which would otherwise cancel
 *   that reply and leave the child inactive for good); a notification it had
 *   taken is taken again;
 * - on a restart it re-adopts its children from the checkpoint
 *   (sel4ft_faultmon_adopt()): running ones keep running (none is restarted),
 *   a waiting one keeps its back-off's deadline, a stopped one stays stopped, a
 *   restarting one gets a whole recovery deadline (its "serving" notification
 *   may still be pending). Faults and notifications its children sent while it
 *   was down wait in the kernel (a fault message blocks its sender until the
 *   monitor receives it; notification bits accumulate) and are handled after;
 * - its parent watches it like any child: the monitor beats its heartbeat when
 *   the parent asks and says "serving" when it has started
 *   (sel4ft_monitor_config_t.parent). A parent owns the board's timer and
 *   lends it: the child monitor writes the deadline it wants into its link
 *   (sel4ft_monitor_link_t) and notifies the parent, who arms the timer for the
 *   earliest deadline of its own and of its child monitors, and notifies each
 *   child monitor when its deadline has passed.
 *
 * What a monitor restart cannot undo: an action the crashed handler took
 * without committing it is taken again by the replay (a child restarted twice
 * in a row), or, for a hang the handler found, not recorded (the restarted
 * child is adopted as running); a crash in the few instructions before the
 * event is written loses that event (a faulted child is then left inactive,
 * and found by its heartbeat if it has one).
 * @{
 */

/** A child monitor's link with its parent: written by the child monitor only, read by its parent. Fixed-width fields
 *  only (it is shared memory). */
typedef struct sel4ft_monitor_link {
    sel4ft_heartbeat_t heartbeat; /**< The child monitor's heartbeat: beaten when its parent asks. */
    uint64_t deadline;            /**< When it next needs its timer (sel4ft_os_ticks() units; 0: not at all). */
    uint64_t sequence;            /**< Bumped with every new deadline (written after it): the parent notifies once
                                       per sequence. */
    uint64_t reserved;            /**< 0. */
} sel4ft_monitor_link_t;

_Static_assert(sizeof(sel4ft_monitor_link_t) == 32, "monitor link layout (shared)");

/** The most child monitors a parent lends its timer to. */
#define SEL4FT_MONITOR_BORROWERS 8u

/** The event a monitor was handling, kept across its restart (the first bytes of its state region). */
typedef struct sel4ft_monitor_intent {
    uint32_t magic;  /**< SEL4FT_MONITOR_INTENT_MAGIC while an event is being handled; 0 otherwise. */
    uint32_t kind;   /**< 1: a child's fault; 2: a notification. */
    uint32_t id;     /**< The child, or the channel. */
    uint32_t count;  /**< A fault: message registers in @c mrs. */
    uint64_t label;  /**< A fault: its label (kind). */
    uint64_t mrs[SEL4FT_FAULTMON_FAULT_MRS]; /**< A fault: its message registers. */
} sel4ft_monitor_intent_t;

/** "S4MI": an event in progress. */
#define SEL4FT_MONITOR_INTENT_MAGIC 0x494d3453u

/** The bytes of the state region before the checkpoint: the event in progress. */
#define SEL4FT_MONITOR_INTENT_AREA 256u

/** The checkpointed block's own header (then the children's records, then the monitor's own block). */
#define SEL4FT_MONITOR_BLOCK_HEADER 48u

/** The smallest state region for a monitor of @p children watched children and a block of its own of @p user_size
 *  bytes: the event in progress, a working copy of the block, and two checkpoint slots of it, in whole 4 KiB pages. */
#define SEL4FT_MONITOR_STATE_SIZE(children, user_size)                                                            \
    ((SEL4FT_MONITOR_INTENT_AREA + 3u * (SEL4FT_MONITOR_BLOCK_HEADER + SEL4FT_FAULTMON_SAVED_SIZE(children) +      \
                                         (((size_t)(user_size) + 7u) & ~(size_t)7u) + 32u) + 0xfffu) &            \
     ~(size_t)0xfffu)

/** A channel as sel4ft_monitor_config_t.timer and .finish take it: 0 there means none. */
#define SEL4FT_MONITOR_CHANNEL(channel) ((uint32_t)(channel) + 1u)

/** Points of a monitor's handling of an event at which sel4ft_monitor_config_t.at is called (where a
 *  fault-injection test strikes the monitor). */
typedef enum {
    SEL4FT_MONITOR_EVENT_TAKEN = 0, /**< A fault or notification was taken and kept as the event in progress;
                                         nothing was done about it yet. */
    SEL4FT_MONITOR_BEFORE_COMMIT,   /**< It was handled (children restarted, stopped, told); not yet committed. */
    SEL4FT_MONITOR_POINT_NUM
} sel4ft_monitor_point_t;

/** A child: its id in the system description and how it is supervised. */
typedef struct sel4ft_monitor_child {
    sel4ft_child_t id;                     /**< Its child id (the `id` of its nested protection_domain). */
    sel4ft_faultmon_child_config_t config; /**< How (its name, action, policy, channel, heartbeat, priority). */
} sel4ft_monitor_child_t;

/** A child that is itself a monitor, to which this monitor lends its timer. */
typedef struct sel4ft_monitor_lend {
    sel4ft_child_t id;                 /**< The child monitor's id (one of the children; give it the link's heartbeat
                                            as its sel4ft_faultmon_child_config_t.heartbeat). */
    const sel4ft_monitor_link_t *link; /**< Its link, mapped read-only. */
    sel4ft_channel_t timer_channel;    /**< The channel on which it says its deadline moved and is told it passed. */
} sel4ft_monitor_lend_t;

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
    /** Optional: a notification on a channel of the monitor's own (none of the skeleton's): return true if it was
     *  one. Its changes to the monitor's own block are checkpointed with the rest. */
    bool (*on_notified)(struct sel4ft_monitor *monitor, sel4ft_channel_t channel, uint64_t now);

    const sel4ft_monitor_lend_t *lend; /**< Child monitors this monitor lends its timer to (read during
                                            sel4ft_monitor_start() only); NULL: none. */
    uint32_t lend_count;               /**< How many (at most SEL4FT_MONITOR_BORROWERS). */

    /** Optional: called at each point of every fault and notification it handles; may fault (a fault-injection
     *  test's hook, as sel4ft_service_config_t.at). */
    void (*at)(struct sel4ft_monitor *monitor, sel4ft_monitor_point_t point);

    /* A supervised monitor (see above); all optional. */
    sel4ft_region_t snapshot;     /**< Its snapshot region (setvar `snapshot_region`): `.data` and `.bss` as at
                                       first start after every restart; base NULL: not restored. */
    sel4ft_region_t state;        /**< Its state region (setvar `checkpoint_region`, private): the event in
                                       progress and the checkpoint, SEL4FT_MONITOR_STATE_SIZE() bytes at least;
                                       base NULL: nothing survives a restart. */
    void *user_state;             /**< The monitor's own block (fixed-width fields), checkpointed with its children's
                                       records and restored before sel4ft_monitor_start() returns; NULL: none. */
    uint32_t user_state_size;     /**< Its size. */
    sel4ft_monitor_link_t *parent_link; /**< Its link with its parent monitor (mapped read-write); NULL: a root. */
    sel4ft_channel_t parent_channel;    /**< With parent_link: "serving" to the parent; heartbeat requests from it. */
    sel4ft_channel_t parent_timer;      /**< With parent_link and no timer of its own: the parent's timer, lent (its
                                             notifications are this monitor's timer ticks). */
    uintptr_t timer_device;       /**< Where the board's timer device is mapped, on boards whose timer is one
                                       (qemu_virt_riscv64: the Goldfish RTC; the setvar `timer_base`): passed to
                                       sel4ft_os_timer_use_device(). 0 where the timer needs no mapping (aarch64). */
} sel4ft_monitor_config_t;

/** A child monitor this monitor lends its timer to. */
typedef struct sel4ft_monitor_borrower {
    const sel4ft_monitor_link_t *link; /**< Its link. */
    sel4ft_channel_t channel;          /**< Its timer channel. */
    uint64_t fired;                    /**< The sequence of the last deadline it was told about. */
} sel4ft_monitor_borrower_t;

/** A monitor. */
typedef struct sel4ft_monitor {
    sel4ft_faultmon_t engine;       /**< The supervision engine (read its children with sel4ft_faultmon_child()). */
    sel4ft_monitor_config_t config; /**< As started. */
    uint64_t hz;                    /**< The counter's frequency. */
    uint64_t alarm;                 /**< The monitor's own deadline, in ticks (0: none). */
    bool started;                   /**< The configuration was accepted. */
    bool finished;                  /**< sel4ft_monitor_finish() ran. */
    bool resumed;                   /**< This start took over from a checkpoint (the monitor was restarted). */
    uint64_t incarnation;           /**< 1 at first start, +1 at every restart. */
    uint32_t replayed;              /**< At a restart: the event replayed (sel4ft_monitor_intent_t.kind; 0: none). */
    sel4ft_checkpoint_t checkpoint; /**< The state region's checkpoint (with config.state). */
    sel4ft_monitor_intent_t *intent;/**< The event in progress, in the state region (NULL: none kept). */
    uint8_t *block;                 /**< The working copy of the checkpointed block, in the state region. */
    size_t block_capacity;          /**< Its capacity. */
    uint64_t committed;             /**< The checksum of the block last committed (commits only when it changes). */
    uint64_t commits;               /**< Commits by this incarnation. */
    sel4ft_monitor_borrower_t borrowers[SEL4FT_MONITOR_BORROWERS]; /**< Child monitors it lends its timer to. */
    uint32_t borrower_count;        /**< How many. */
    uint64_t lent_sequence;         /**< A child monitor: the sequence of the last deadline it asked its parent for. */
    uint64_t lent_deadline;         /**< That deadline. */
    bool lent_asked;                /**< This incarnation has asked for one. */
} sel4ft_monitor_t;

/**
 * @brief Start supervising: call it in `init()`, first (it restores `.data` and `.bss` of a supervised monitor).
 *
 * Restores the image from the snapshot (if configured), attaches the log, checks the configuration (a back-off,
 * recovery deadline or heartbeat without a timer is refused, as is a child the engine refuses, or a state region
 * too small), and then either reports `watching` for each child (a first start) or, when the state region holds a
 * checkpoint of an earlier incarnation, re-adopts the children from it (sel4ft_faultmon_adopt(): an `adopted`
 * event each), restores the monitor's own block, handles again the event the last incarnation was handling when it
 * stopped, and reports `resumed`. Then it commits, tells its parent it serves (if it has one) and arms the timer.
 * @param monitor The monitor (static storage).
 * @param config Its configuration (copied).
 * @return 0; -SEL4FT_EINVAL for a configuration refused (the reason is logged; no child is supervised then, and
 *         a fault of one stops it). A snapshot that cannot be restored stops the PD (it traps, so its parent
 *         restarts or escalates) after logging why.
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
 * @brief A notification: `if (!sel4ft_monitor_notified(&monitor, ch)) ...` in `notified()`.
 *
 * The timer's interrupt (or the parent's lent timer), a child saying it serves (again), a child monitor's new
 * deadline, the parent's heartbeat request; any other channel goes to sel4ft_monitor_config_t.on_notified.
 * @param monitor The monitor.
 * @param channel The channel.
 * @return true if the skeleton or on_notified took it; false if nobody did (an unexpected notification).
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
