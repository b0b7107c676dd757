/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The script of the supervision tree's monitor (monitor.c): its state is the monitor's own block, checkpointed with
 * its children's records, so it survives the monitor's restarts. It brings the children into each state a monitor
 * may leave them in, and then fails the monitor:
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

#include "script.h"
#include "system_config.h"
#include "tree.h"

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

tree_script_t tree_script;

/* The monitor the hooks were called for (there is one). */
static sel4ft_monitor_t *mon;

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
    return sel4ft_faultmon_child(&mon->engine, id);
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
    tree_script.fail = fail;
    tree_script.armed_in = mon->incarnation;
    sel4ft_monitor_alarm(mon, now + sel4ft_monitor_ticks(mon, 1000));
}

static void step(uint32_t next)
{
    tree_script.step = next;
    LOG_INFO("script: step %u", next);
}

/* The script: as far as the children's states allow. Idempotent: it runs after every event, and again after a
 * restart, from the state its last committed block says. */
static void advance(uint64_t now)
{
    bool restarted_since_armed = tree_script.armed_in != 0 && mon->incarnation > tree_script.armed_in;
    switch (tree_script.step) {
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
            tree_script.fail = FAIL_CRASH_TAKING_A_FAULT;
            tree_script.armed_in = mon->incarnation;
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
        if (tree_script.clients_done == 3) {
            step(STEP_DONE);
            sel4ft_monitor_finish(mon, now);
        }
        break;
    default:
        break;
    }
}

void tree_script_changed(sel4ft_monitor_t *m, uint64_t now)
{
    mon = m;
    advance(now);
}

/* The monitor fails itself, in a handler of its own, as the script armed it for this incarnation. */
static void fail_now(void)
{
    uint32_t fail = tree_script.fail;
    tree_script.fail = FAIL_NONE;
    switch (fail) {
    case FAIL_CRASH:
        if (tree_script.step == STEP_QUEUED) {
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

void tree_script_alarm(sel4ft_monitor_t *m, uint64_t now)
{
    mon = m;
    (void)now;
    if (tree_script.armed_in == mon->incarnation && (tree_script.fail == FAIL_CRASH || tree_script.fail == FAIL_HANG)) {
        fail_now();
    }
}

/* The monitor crashes as it takes a child's fault, before it acted on it. */
void tree_script_at(sel4ft_monitor_t *m, sel4ft_monitor_point_t point)
{
    mon = m;
    if (point == SEL4FT_MONITOR_EVENT_TAKEN && tree_script.fail == FAIL_CRASH_TAKING_A_FAULT &&
        tree_script.armed_in == m->incarnation && m->intent != NULL && m->intent->kind == 1) {
        LOG_INFO("script: the monitor writes to NULL as it takes a fault of child %u", m->intent->id);
        *(volatile uint32_t *)0 = 1;
    }
}

bool tree_script_notified(sel4ft_monitor_t *m, sel4ft_channel_t ch, uint64_t now)
{
    mon = m;
    (void)now;
    if (ch == MONITOR_CH_CLIENT_A || ch == MONITOR_CH_CLIENT_B) {
        tree_script.clients_done |= ch == MONITOR_CH_CLIENT_A ? 1u : 2u;
        return true;
    }
    return false;
}
