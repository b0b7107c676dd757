/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The probe: what the Microkit port does on this board, checked on the real kernel. It prints through the UART
 * (console), arms the timer three times and checks each interrupt comes after its deadline (timer, counter), and
 * supervises the faulter: for each of its faults it prints the raw fault message (label and message registers,
 * which the host tests of the fault decoder replay) and the monitor's decoded event, restarts it, and checks that
 * every incarnation started on the same stack with the .data and .bss of the first. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "port_status.h"

#define FAULTER_ID 1
#define FAULTER_CHANNEL 1      /* the faulter runs (again) */
#define FAULTER_DONE_CHANNEL 2 /* the faulter tried every step */
#define TIMER_CHANNEL 10

#define TIMER_SHOTS 3

/* Set by the Microkit tool (port.system); timer_base only on boards whose timer is a device. */
uintptr_t uart_base;
uintptr_t timer_base;
uintptr_t faulter_status;

static const char *const step_names[STEP_NUM] = {
    [STEP_WRITE_NULL] = "write_null",
    [STEP_READ_UNMAPPED] = "read_unmapped",
    [STEP_FETCH_NULL] = "fetch_null",
    [STEP_WRITE_READONLY] = "write_readonly",
    [STEP_UNDEFINED] = "undefined",
    [STEP_BREAKPOINT] = "breakpoint",
    [STEP_MISALIGNED_ATOMIC] = "misaligned_atomic",
    [STEP_CAP_FAULT] = "cap_fault",
    [STEP_UNKNOWN_SYSCALL] = "unknown_syscall",
};

static sel4ft_faultmon_t monitor;
static uint64_t hz;
static uint64_t deadline;
static uint32_t shots;
static bool faulter_done;
static bool finished;
static uint64_t first_frame;
static uint64_t starts_seen;
static bool starts_clean = true;

static const port_status_t *status(void)
{
    return (const port_status_t *)faulter_status;
}

static uint64_t read_status(const uint64_t *field)
{
    return sel4ft_load_acquire_u64(field);
}

static void print_line(uint32_t level, sel4ft_logfmt_t *line)
{
    static const char *const levels[] = { "ERROR", "WARN", "INFO", "DEBUG" };
    int n = sel4ft_logfmt_end(line);
    (void)n;
    sel4ft_printf("%s|%s: %s\n", sel4ft_os_name(), levels[level], line->buffer);
}

static void finish_if_done(void)
{
    if (finished || !faulter_done || shots < TIMER_SHOTS) {
        return;
    }
    finished = true;
    char text[256];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "restarts");
    sel4ft_logfmt_u64(&line, "starts", starts_seen);
    sel4ft_logfmt_str(&line, "same_stack", starts_clean ? "true" : "false");
    sel4ft_logfmt_hex(&line, "frame", first_frame, 0);
    sel4ft_logfmt_hex(&line, "not_faulted", read_status(&status()->not_faulted), 0);
    print_line(starts_clean ? SEL4FT_LOG_INFO : SEL4FT_LOG_ERROR, &line);
    sel4ft_faultmon_report(&monitor, sel4ft_os_ticks());
    sel4ft_printf("%s|INFO: done\n", sel4ft_os_name());
}

/* The faulter says it runs: check how it found its stack and its image. */
static void faulter_started(void)
{
    uint64_t frame = read_status(&status()->frame);
    uint64_t data_value = read_status(&status()->data_value);
    uint64_t bss_value = read_status(&status()->bss_value);
    uint64_t restore_error = read_status(&status()->restore_error);

    starts_seen++;
    if (first_frame == 0) {
        first_frame = frame;
    }
    bool clean = frame == first_frame && data_value == PORT_DATA_MARKER && bss_value == 0 && restore_error == 0;
    starts_clean = starts_clean && clean;
    char text[256];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "started");
    sel4ft_logfmt_u64(&line, "incarnation", read_status(&status()->incarnation));
    sel4ft_logfmt_hex(&line, "frame", frame, 0);
    sel4ft_logfmt_hex(&line, "data", data_value, 0);
    sel4ft_logfmt_u64(&line, "bss", bss_value);
    sel4ft_logfmt_str(&line, "clean", clean ? "true" : "false");
    print_line(clean ? SEL4FT_LOG_INFO : SEL4FT_LOG_ERROR, &line);
}

static void arm_timer(uint64_t now)
{
    deadline = now + hz / 50;
    int err = sel4ft_os_timer_set(deadline);
    if (err != 0) {
        sel4ft_printf("%s|ERROR: cannot arm the timer: %s\n", sel4ft_os_name(), sel4ft_strerror(err));
    }
}

/* The port's inline copy (written out per architecture; every PD's memcpy is it): each length 0..300 from every
 * source offset 0..15 to an aligned and a misaligned destination, the bytes around the destination untouched. */
static void check_copy(void)
{
    static _Alignas(16) uint8_t source[320];
    static _Alignas(16) uint8_t destination[336];
    uint32_t copies = 0, wrong = 0;
    for (uint32_t i = 0; i < sizeof(source); i++) {
        source[i] = (uint8_t)(i * 13 + 7);
    }
    for (uint32_t offset = 0; offset < 16; offset++) {
        for (uint32_t at = 0; at < 16; at += 7) {
            for (uint32_t length = 0; length <= 300; length++) {
                for (uint32_t i = 0; i < sizeof(destination); i++) {
                    destination[i] = 0xa5;
                }
                sel4ft_os_copy(destination + at, source + offset, length);
                copies++;
                for (uint32_t i = 0; i < sizeof(destination); i++) {
                    bool inside = i >= at && i - at < length;
                    if (destination[i] != (inside ? source[offset + i - at] : 0xa5)) {
                        wrong++;
                        break;
                    }
                }
            }
        }
    }
    char text[128];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "copy");
    sel4ft_logfmt_u64(&line, "copies", copies);
    sel4ft_logfmt_u64(&line, "wrong", wrong);
    print_line(wrong == 0 ? SEL4FT_LOG_INFO : SEL4FT_LOG_ERROR, &line);
}

void init(void)
{
    sel4ft_os_console_use_uart(uart_base);
    hz = sel4ft_os_tick_hz();

    char text[256];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "port");
    sel4ft_logfmt_str(&line, "name", SEL4FT_PORT_NAME);
    sel4ft_logfmt_str(&line, "arch", sel4ft_fault_arch_str(sel4ft_os_fault_arch()));
    sel4ft_logfmt_u64(&line, "hz", hz);
    print_line(SEL4FT_LOG_INFO, &line);
    check_copy();

    sel4ft_faultmon_init(&monitor, NULL, NULL, NULL);
    /* No policy: restart at once, every time. */
    const sel4ft_faultmon_child_config_t faulter = {
        .name = "faulter", .on_fault = SEL4FT_FAULTMON_RESTART, .channel = FAULTER_CHANNEL,
    };
    int err = sel4ft_faultmon_add_child(&monitor, FAULTER_ID, &faulter);
    if (err != 0) {
        sel4ft_printf("%s|ERROR: cannot watch the faulter: %s\n", sel4ft_os_name(), sel4ft_strerror(err));
    }

    err = sel4ft_os_timer_use_device(timer_base);
    if (err != 0) {
        sel4ft_printf("%s|ERROR: no timer: %s\n", sel4ft_os_name(), sel4ft_strerror(err));
    }
    arm_timer(sel4ft_os_ticks());
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    uint64_t now = sel4ft_os_ticks();
    (void)reply_msginfo;

    /* The raw message, as the kernel sent it: what tests/unit/test_fault.c replays. */
    uint64_t step = read_status(&status()->step);
    char text[512];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "recorded");
    sel4ft_logfmt_str(&line, "step", step < STEP_NUM ? step_names[step] : "none");
    sel4ft_logfmt_str(&line, "arch", sel4ft_fault_arch_str(sel4ft_os_fault_arch()));
    sel4ft_logfmt_u64(&line, "label", sel4ft_msginfo_label(msginfo));
    sel4ft_logfmt_u64(&line, "count", sel4ft_msginfo_count(msginfo));
    char mrs[320];
    size_t used = 0;
    for (uint32_t i = 0; i < sel4ft_msginfo_count(msginfo) && i < 16 && used < sizeof(mrs); i++) {
        int n = sel4ft_fmt(mrs + used, sizeof(mrs) - used, "%s0x%lx", i == 0 ? "" : ",",
                           (unsigned long)sel4ft_os_mr_get(i));
        used += n > 0 ? (size_t)n : 0;
    }
    sel4ft_logfmt_str(&line, "mrs", used > 0 ? mrs : "none");
    print_line(SEL4FT_LOG_INFO, &line);

    return sel4ft_faultmon_fault(&monitor, child, msginfo, now);
}

void notified(microkit_channel ch)
{
    uint64_t now = sel4ft_os_ticks();

    switch (ch) {
    case TIMER_CHANNEL:
        shots++;
        if (now < deadline) {
            sel4ft_printf("%s|ERROR: timer interrupt %u before its deadline (%lu ticks early)\n", sel4ft_os_name(),
                          shots, (unsigned long)(deadline - now));
        } else {
            sel4ft_printf("%s|INFO: timer n=%u after_deadline=true\n", sel4ft_os_name(), shots);
        }
        /* Move the deadline (or disarm) before the acknowledgement: the interrupt is level-triggered. */
        if (shots < TIMER_SHOTS) {
            arm_timer(now);
        } else {
            sel4ft_os_timer_set(0);
        }
        sel4ft_os_irq_ack(TIMER_CHANNEL);
        finish_if_done();
        return;
    case FAULTER_CHANNEL:
        faulter_started();
        break;
    case FAULTER_DONE_CHANNEL:
        faulter_done = true;
        finish_if_done();
        return;
    default:
        break;
    }
    if (!sel4ft_faultmon_notified(&monitor, ch, now)) {
        sel4ft_printf("%s|WARN: unexpected notification on channel %u\n", sel4ft_os_name(), ch);
    }
}
