/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/error.h>
#include <sel4ft/fmt.h>
#include <sel4ft/log.h>

/* The PD's one log: its ring once attached. In .bss, so a restart (which restores .bss) detaches it until the
 * new incarnation attaches it again. */
static sel4ft_logring_producer_t ring;
static bool attached;

int sel4ft_log_init(void *region, size_t size, sel4ft_channel_t channel)
{
    attached = false;
    if (region == NULL && size == 0) {
        return 0;
    }
    int err = sel4ft_logring_producer_init(&ring, region, size, channel);
    if (err != 0) {
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "log ring at %p (%lu bytes) cannot be used: %s; logging to the console",
                          region, (unsigned long)size, sel4ft_strerror(err));
        return err;
    }
    attached = true;
    return 0;
}

sel4ft_logring_producer_t *sel4ft_log_ring(void)
{
    return attached ? &ring : NULL;
}

/* A line without a ring: to the console, prefixed as the logger prints records. */
static void console_line(uint32_t level, const char *text, size_t length)
{
    char prefix[80];
    int p = sel4ft_fmt(prefix, sizeof(prefix), "%s|%s: ", sel4ft_os_name(), sel4ft_log_level_str(level));
    sel4ft_os_console_write(prefix, p <= 0 ? 0 : (size_t)p < sizeof(prefix) ? (size_t)p : sizeof(prefix) - 1);
    sel4ft_os_console_write(text, length);
    sel4ft_os_console_write("\n", 1);
}

int sel4ft_log_vprintf(uint32_t level, const char *format, va_list args)
{
    if (format == NULL || level >= SEL4FT_LOG_LEVEL_NUM) {
        return -SEL4FT_EINVAL;
    }
    if (attached) {
        return sel4ft_logring_vprintf(&ring, level, format, args);
    }
    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    int n = sel4ft_vfmt(text, sizeof(text), format, args);
    console_line(level, text, n <= 0 ? 0 : (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1);
    return 0;
}

int sel4ft_log_printf(uint32_t level, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int err = sel4ft_log_vprintf(level, format, args);
    va_end(args);
    return err;
}

int sel4ft_log_event(uint32_t level, const sel4ft_logfmt_t *line)
{
    if (line == NULL || line->buffer == NULL || level >= SEL4FT_LOG_LEVEL_NUM) {
        return -SEL4FT_EINVAL;
    }
    if (attached) {
        return sel4ft_logring_write(&ring, level, line->buffer, line->used);
    }
    console_line(level, line->buffer, line->used);
    return 0;
}
