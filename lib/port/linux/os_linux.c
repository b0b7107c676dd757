/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The Linux backend's out-of-line part: for host tests and the baseline. Never used on seL4. */

#define _POSIX_C_SOURCE 200809L

#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sel4ft/error.h>
#include <sel4ft/os.h>
#include <sel4ft/os_linux.h>

static sel4ft_os_linux_hooks_t hooks;
static const char *pd_name = "host";
_Thread_local uint64_t sel4ft_linux_message_registers_[SEL4FT_OS_MAX_MRS];

static struct {
    sel4ft_os_linux_route_t handler;
    void *context;
} routes[SEL4FT_OS_MAX_CHANNEL + 1];

void sel4ft_os_linux_set_hooks(const sel4ft_os_linux_hooks_t *new_hooks)
{
    /* New hooks replace the routes too: a later route must not bring old ones back. */
    memset(routes, 0, sizeof(routes));
    if (new_hooks != NULL) {
        hooks = *new_hooks;
    } else {
        hooks = (sel4ft_os_linux_hooks_t){ 0 };
    }
}

sel4ft_os_linux_hooks_t *sel4ft_os_linux_hooks(void)
{
    return &hooks;
}

void sel4ft_os_linux_set_name(const char *name)
{
    pd_name = name != NULL ? name : "host";
}

static void route_notify(void *context, sel4ft_channel_t channel)
{
    (void)context;
    /* sel4ft_os_notify() passes only channels up to SEL4FT_OS_MAX_CHANNEL. */
    if (routes[channel].handler != NULL) {
        routes[channel].handler(routes[channel].context, channel);
    }
}

void sel4ft_os_linux_route(sel4ft_channel_t channel, sel4ft_os_linux_route_t handler, void *context)
{
    if (channel <= SEL4FT_OS_MAX_CHANNEL) {
        routes[channel].handler = handler;
        routes[channel].context = context;
        hooks.notify = route_notify;
    }
}

void sel4ft_os_copy(void *destination, const void *source, size_t length)
{
    if (length != 0) {
        memcpy(destination, source, length);
    }
}

void sel4ft_os_notify(sel4ft_channel_t ch)
{
    if (hooks.notify != NULL && ch <= SEL4FT_OS_MAX_CHANNEL) {
        hooks.notify(hooks.context, ch);
    }
}

sel4ft_msginfo_t sel4ft_os_ppcall(sel4ft_channel_t ch, sel4ft_msginfo_t msg)
{
    if (hooks.ppcall == NULL || ch > SEL4FT_OS_MAX_CHANNEL || msg.count > SEL4FT_OS_MAX_MRS) {
        return sel4ft_msginfo_new(0, 0);
    }
    return hooks.ppcall(hooks.context, ch, msg);
}

uint64_t sel4ft_os_ticks(void)
{
    if (hooks.ticks != NULL) {
        return hooks.ticks(hooks.context);
    }
#if defined(__aarch64__)
    uint64_t ticks;
    /* The ISB keeps the read from being taken early, before the instructions it is meant to follow. */
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(ticks) : : "memory");
    return ticks;
#else
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
#endif
}

uint64_t sel4ft_os_tick_hz(void)
{
    if (hooks.ticks != NULL && hooks.tick_hz != 0) {
        return hooks.tick_hz;
    }
#if defined(__aarch64__)
    uint64_t hz;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
    return hz;
#else
    return 1000000000u;
#endif
}

void sel4ft_os_console_write(const char *text, size_t length)
{
    if (hooks.console != NULL) {
        hooks.console(hooks.context, text, length);
        return;
    }
    while (length > 0) {
        ssize_t n = write(STDERR_FILENO, text, length);
        if (n <= 0) {
            return;
        }
        text += n;
        length -= (size_t)n;
    }
}

int sel4ft_os_console_use_uart(uintptr_t base)
{
    (void)base;
    return -SEL4FT_ENOTSUP;
}

const char *sel4ft_os_name(void)
{
    return pd_name;
}

int sel4ft_os_child_restart(sel4ft_child_t child)
{
    if (hooks.child_restart == NULL) {
        return -SEL4FT_ENOTSUP;
    }
    return hooks.child_restart(hooks.context, child);
}

int sel4ft_os_child_stop(sel4ft_child_t child)
{
    if (hooks.child_stop == NULL) {
        return -SEL4FT_ENOTSUP;
    }
    return hooks.child_stop(hooks.context, child);
}

int sel4ft_os_child_waited(sel4ft_child_t child, uint64_t *ticks)
{
    if (hooks.child_waited == NULL || ticks == NULL) {
        return -SEL4FT_ENOTSUP;
    }
    return hooks.child_waited(hooks.context, child, ticks);
}

int sel4ft_os_image_writable(uintptr_t *start, size_t *size)
{
    (void)start;
    (void)size;
    return -SEL4FT_ENOTSUP;
}

void sel4ft_os_serve_after_restart(sel4ft_msginfo_t first_reply)
{
    (void)first_reply;
}

int sel4ft_os_timer_use_device(uintptr_t base)
{
    /* A timer that needs no device: there is one when a hook plays it. */
    (void)base;
    return hooks.timer_set != NULL ? 0 : -SEL4FT_ENOTSUP;
}

int sel4ft_os_timer_set(uint64_t deadline_ticks)
{
    if (hooks.timer_set == NULL) {
        return -SEL4FT_ENOTSUP;
    }
    return hooks.timer_set(hooks.context, deadline_ticks);
}

void sel4ft_os_irq_ack(sel4ft_channel_t ch)
{
    if (hooks.irq_ack != NULL) {
        hooks.irq_ack(hooks.context, ch);
    }
}

uint32_t sel4ft_os_fault_arch(void)
{
    return hooks.fault_arch;
}
