/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The monitor of the supervision tree: a supervised monitor (sel4ft/monitor.h) whose parent is the root. Its script
 * (its own block, checkpointed with its children's records, so it survives the monitor's restarts) brings its
 * children into each state a monitor may leave them in, and then fails the monitor:
 *   1. crasher_b stopped (its action is stop), crasher_a waiting out a 100 ms back-off, crasher_c restarted but
 *      holding back "serving": the monitor writes to NULL;
 *   2. all running again: the monitor hangs (the root finds it by its heartbeat);
 *   3. crasher_a faults: the monitor writes to NULL as it takes that fault, before it acted on it (crasher_a is
 *      blocked on the monitor's reply object when the monitor restarts);
 *   4. crasher_c is told to fault and the monitor writes to NULL: the root backs off before restarting the monitor,
 *      and crasher_c faults while the monitor is down (its fault message waits in the kernel).
 * After each, the root restarts the monitor, which takes its children back from its checkpoint; the expectation file
 * (tests/qemu/tree.expect) checks that each child came back in its state, none was restarted but those the script
 * failed, and the clients counted exactly throughout. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "system_config.h"
#include "tree.h"

uintptr_t log_ring, log_ring_size;
uintptr_t heartbeat_region; /* the link with the root (sel4ft_monitor_link_t) */
uintptr_t checkpoint_region, checkpoint_region_size;
uintptr_t snapshot_region, snapshot_region_size;
uintptr_t commands_page;
uintptr_t crasher_a_heartbeat, crasher_b_heartbeat, crasher_c_heartbeat;

enum { CRASHER_A, CRASHER_B, CRASHER_C };
static const sel4ft_child_t crasher_child[TREE_CRASHERS] = { MONITOR_CHILD_CRASHER_A, MONITOR_CHILD_CRASHER_B,
                                                            MONITOR_CHILD_CRASHER_C };
static const sel4ft_channel_t crasher_channel[TREE_CRASHERS] = { MONITOR_CH_CRASHER_A, MONITOR_CH_CRASHER_B,
                                                                MONITOR_CH_CRASHER_C };

/* How the monitor fails itself when its script says so. */
enum { FAIL_NONE, FAIL_CRASH, FAIL_HANG, FAIL_CRASH_TAKING_A_FAULT };

enum step {
    STEP_WAIT_SERVING,  /* until every child serves */
    STEP_A_RESTARTED,   /* crasher_b stopped, crasher_a failed once: until crasher_a serves again */
    STEP_STATES_SET,    /* crasher_a failed again (back-off), crasher_c failed (held): until both are there */
    STEP_CRASHED,       /* 1: the monitor crashes; restarted: release crasher_c */
    STEP_RUNNING_AGAIN, /* until crasher_a (back-off over) and crasher_c (released) serve */
    STEP_HUNG,          /* 2: the monitor hangs */
    STEP_TAKING_FAULT,  /* 3: crasher_a faults; the monitor crashes as it takes the fault */
    STEP_A_BACK,        /* until crasher_a serves again */
    STEP_QUEUED,        /* 4: crasher_c is told to fault, the monitor crashes */
    STEP_C_BACK,        /* until crasher_c serves again: the clients finish */
    STEP_CLIENTS,       /* until both clients have read back */
    STEP_DONE,
};

/* The script's state: the monitor's own block, checkpointed with its children's records. */
static struct {
    uint32_t step;
    uint32_t fail;        /* FAIL_*: armed for the monitor's incarnation `armed_in` */
    uint64_t armed_in;
    uint32_t clients_done;
    uint32_t reserved;
} script;

static sel4ft_monitor_t monitor;

static tree_commands_t *commands(void)
{
    return (tree_commands_t *)commands_page;
}

static void command(uint32_t *word, uint32_t incarnation)
{
    __atomic_store_n(word, incarnation, __ATOMIC_RELEASE); /* pairs with the crashers' acquire loads */
}

static const sel4ft_faultmon_child_t *child(sel4ft_child_t id)
{
    return sel4ft_faultmon_child(&monitor.engine, id);
}

static bool serving(sel4ft_child_t id, uint32_t incarnation)
{
    const sel4ft_faultmon_child_t *c = child(id);
    return c->state == SEL4FT_FAULTMON_RUNNING && c->serving && c->supervision.incarnation == incarnation;
}

/* Tell crasher @p i to write to NULL (its current incarnation). */
static void fault_crasher(uint32_t i)
{
    command(&commands()->fault[i], child(crasher_child[i])->supervision.incarnation);
    microkit_notify(crasher_channel[i]);
}

/* Fail this incarnation of the monitor at the next alarm (in a handler of its own, after this one committed). */
static void arm(uint32_t fail, uint64_t now)
{
    script.fail = fail;
    script.armed_in = monitor.incarnation;
    sel4ft_monitor_alarm(&monitor, now + sel4ft_monitor_ticks(&monitor, 1000));
}

static void step(uint32_t next)
{
    script.step = next;
    LOG_INFO("script: step %u", next);
}

/* The script: as far as the children's states allow. Idempotent: it runs after every event, and again after a
 * restart, from the state its last committed block says. */
static void advance(uint64_t now)
{
    bool restarted_since_armed = script.armed_in != 0 && monitor.incarnation > script.armed_in;
    switch (script.step) {
    case STEP_WAIT_SERVING:
        if (child(MONITOR_CHILD_SERVER)->serving && serving(crasher_child[CRASHER_A], 1) &&
            serving(crasher_child[CRASHER_B], 1) && serving(crasher_child[CRASHER_C], 1)) {
            step(STEP_A_RESTARTED);
            fault_crasher(CRASHER_B);
            fault_crasher(CRASHER_A);
        }
        break;
    case STEP_A_RESTARTED:
        if (serving(crasher_child[CRASHER_A], 2) && child(crasher_child[CRASHER_B])->state == SEL4FT_FAULTMON_STOPPED) {
            step(STEP_STATES_SET);
            fault_crasher(CRASHER_A);
            command(&commands()->hold[CRASHER_C], 2);
            fault_crasher(CRASHER_C);
        }
        break;
    case STEP_STATES_SET:
        if (child(crasher_child[CRASHER_A])->state == SEL4FT_FAULTMON_WAITING &&
            child(crasher_child[CRASHER_C])->state == SEL4FT_FAULTMON_RESTARTING) {
            step(STEP_CRASHED);
            arm(FAIL_CRASH, now);
        }
        break;
    case STEP_CRASHED:
        if (restarted_since_armed) {
            step(STEP_RUNNING_AGAIN);
            command(&commands()->release[CRASHER_C], 2);
            microkit_notify(crasher_channel[CRASHER_C]);
        }
        break;
    case STEP_RUNNING_AGAIN:
        if (serving(crasher_child[CRASHER_A], 3) && serving(crasher_child[CRASHER_C], 2)) {
            step(STEP_HUNG);
            arm(FAIL_HANG, now);
        }
        break;
    case STEP_HUNG:
        if (restarted_since_armed) {
            step(STEP_TAKING_FAULT);
            script.fail = FAIL_CRASH_TAKING_A_FAULT;
            script.armed_in = monitor.incarnation;
            fault_crasher(CRASHER_A);
        }
        break;
    case STEP_TAKING_FAULT:
        if (restarted_since_armed) {
            step(STEP_A_BACK);
        }
        break;
    case STEP_A_BACK:
        if (serving(crasher_child[CRASHER_A], 4)) {
            step(STEP_QUEUED);
            arm(FAIL_CRASH, now);
        }
        break;
    case STEP_QUEUED:
        if (restarted_since_armed) {
            step(STEP_C_BACK);
        }
        break;
    case STEP_C_BACK:
        if (serving(crasher_child[CRASHER_C], 3)) {
            step(STEP_CLIENTS);
            __atomic_store_n(&commands()->over, 1, __ATOMIC_RELEASE);
        }
        break;
    case STEP_CLIENTS:
        if (script.clients_done == 3) {
            step(STEP_DONE);
            sel4ft_monitor_finish(&monitor, now);
        }
        break;
    default:
        break;
    }
}

static void changed(sel4ft_monitor_t *m, uint64_t now)
{
    (void)m;
    advance(now);
}

/* The monitor fails itself, in a handler of its own, as the script armed it for this incarnation. */
static void fail_now(void)
{
    uint32_t fail = script.fail;
    script.fail = FAIL_NONE;
    switch (fail) {
    case FAIL_CRASH:
        if (script.step == STEP_QUEUED) {
            /* crasher_c faults when it next runs: once the monitor is down (the monitor is above it). */
            fault_crasher(CRASHER_C);
        }
        LOG_INFO("script: the monitor writes to NULL");
        *(volatile uint32_t *)0 = 1;
        break;
    case FAIL_HANG:
        LOG_INFO("script: the monitor hangs");
        for (;;) {
            __asm__ volatile("" ::: "memory");
        }
    default:
        break;
    }
}

static void alarm(sel4ft_monitor_t *m, uint64_t now)
{
    (void)m;
    (void)now;
    if (script.armed_in == monitor.incarnation && (script.fail == FAIL_CRASH || script.fail == FAIL_HANG)) {
        fail_now();
    }
}

/* The monitor crashes as it takes a child's fault, before it acted on it. */
static void at(sel4ft_monitor_t *m, sel4ft_monitor_point_t point)
{
    if (point == SEL4FT_MONITOR_EVENT_TAKEN && script.fail == FAIL_CRASH_TAKING_A_FAULT &&
        script.armed_in == m->incarnation && m->intent != NULL && m->intent->kind == 1) {
        LOG_INFO("script: the monitor writes to NULL as it takes a fault of child %u", m->intent->id);
        *(volatile uint32_t *)0 = 1;
    }
}

static bool own_notification(sel4ft_monitor_t *m, sel4ft_channel_t ch, uint64_t now)
{
    (void)m;
    (void)now;
    if (ch == MONITOR_CH_CLIENT_A || ch == MONITOR_CH_CLIENT_B) {
        script.clients_done |= ch == MONITOR_CH_CLIENT_A ? 1u : 2u;
        return true;
    }
    return false;
}

void init(void)
{
    /* crasher_a: a second failure within a second waits out a back-off of 100 ms; crasher_b: stopped when it fails;
     * crasher_c and the server: restarted at once. Heartbeats every 100 ms. */
    static sel4ft_supervisor_policy_t back_off;
    back_off = (sel4ft_supervisor_policy_t){ .max_restarts = 8, .escalation = SEL4FT_SUPERVISOR_ESCALATE_STOP,
                                             .window_ticks = sel4ft_os_tick_hz(),
                                             .backoff_first_ticks = sel4ft_os_tick_hz() / 10,
                                             .backoff_max_ticks = sel4ft_os_tick_hz() / 10 };
    sel4ft_monitor_child_t children[] = {
        { MONITOR_CHILD_SERVER, { .name = "server", .on_fault = SEL4FT_FAULTMON_RESTART, .channel = MONITOR_CH_SERVER,
                                  .priority = SERVER_PRIORITY } },
        { MONITOR_CHILD_CRASHER_A, { .name = "crasher_a", .on_fault = SEL4FT_FAULTMON_RESTART, .policy = &back_off,
                                     .channel = MONITOR_CH_CRASHER_A, .priority = CRASHER_A_PRIORITY,
                                     .heartbeat = (void *)crasher_a_heartbeat } },
        { MONITOR_CHILD_CRASHER_B, { .name = "crasher_b", .on_fault = SEL4FT_FAULTMON_STOP,
                                     .channel = MONITOR_CH_CRASHER_B, .priority = CRASHER_B_PRIORITY,
                                     .heartbeat = (void *)crasher_b_heartbeat } },
        { MONITOR_CHILD_CRASHER_C, { .name = "crasher_c", .on_fault = SEL4FT_FAULTMON_RESTART,
                                     .channel = MONITOR_CH_CRASHER_C, .priority = CRASHER_C_PRIORITY,
                                     .heartbeat = (void *)crasher_c_heartbeat } },
    };
    sel4ft_monitor_config_t config = {
        .children = children, .child_count = 4, .finish = SEL4FT_MONITOR_CHANNEL(MONITOR_CH_LOGGER_FINISH),
        .heartbeat_period_us = 100000, .recovery_timeout_us = 1000000, .on_change = changed, .on_alarm = alarm,
        .on_notified = own_notification, .at = at, .log = { (void *)log_ring, log_ring_size },
        .log_channel = MONITOR_CH_LOGGER,
        .snapshot = { (void *)snapshot_region, snapshot_region_size },
        .state = { (void *)checkpoint_region, checkpoint_region_size },
        .user_state = &script, .user_state_size = sizeof(script),
        .parent_link = (sel4ft_monitor_link_t *)heartbeat_region, .parent_channel = MONITOR_CH_ROOT_SUPERVISE,
        .parent_timer = MONITOR_CH_ROOT_TIMER,
    };
    sel4ft_monitor_start(&monitor, &config);
}

seL4_Bool fault(microkit_child child_id, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    return sel4ft_monitor_fault(&monitor, child_id, msginfo);
}

void notified(microkit_channel ch)
{
    if (!sel4ft_monitor_notified(&monitor, ch)) {
        LOG_WARN("unexpected notification on channel %u", ch);
    }
}
