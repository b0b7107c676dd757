/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* For the tests of the layers that log (log, service, call, monitor): the Linux port's console hook, capturing
 * what a PD would print, and the hooks' common set-up. */

#include <stddef.h>
#include <string.h>

#include <sel4ft/log.h>
#include <sel4ft/os_linux.h>

static char console[16384];
static size_t console_length;

static inline void console_clear(void)
{
    console_length = 0;
    console[0] = '\0';
}

/* A console hook (sel4ft_os_linux_hooks_t.console): appends to console[], NUL-terminated. */
static inline void console_capture(void *context, const char *text, size_t length)
{
    (void)context;
    if (console_length + length < sizeof(console)) {
        memcpy(console + console_length, text, length);
        console_length += length;
        console[console_length] = '\0';
    }
}

/* Install @p hooks with console_capture() as the console, name the PD, detach its log from any ring an earlier
 * test attached (the log then prints to the console) and start with an empty console. */
static inline void console_setup(sel4ft_os_linux_hooks_t hooks, const char *name)
{
    hooks.console = console_capture;
    sel4ft_os_linux_set_hooks(&hooks);
    sel4ft_os_linux_set_name(name);
    sel4ft_log_init(NULL, 0, 0);
    console_clear();
}

/* Undo console_setup(): a cmocka teardown. */
static inline int console_teardown(void **state)
{
    (void)state;
    sel4ft_os_linux_set_hooks(NULL);
    sel4ft_os_linux_set_name(NULL);
    return 0;
}
