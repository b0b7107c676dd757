/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The port on seL4 Microkit: the only library source that includes microkit.h. */

#include <stdbool.h>

#include <microkit.h>

#include <sel4ft/error.h>
#include <sel4ft/os.h>

/* PL011 registers (ARM DDI 0183): data, and flags with "transmit FIFO full". */
#define PL011_DR 0x000u
#define PL011_FR 0x018u
#define PL011_FR_TXFF (1u << 5)

/* Microkit numbers children 0..63 (they index the parent's 64-slot TCB table). */
#define MAX_CHILD 63u

/* libmicrokit 2.0.1's capability slots and badge layout (src/main.c): the restart loop mirrors its event loop. */
#define INPUT_CAP 1
#define REPLY_CAP 4
#define BADGE_CHILD_MASK 0xffu
#define BADGE_CHANNEL_MASK 0x3fu

/* The writable image as microkit.ld lays it out: .init_array starts the data segment, .bss ends it. */
extern char __init_array_start[];
extern char _bss_end[];

/* EL1 physical timer control: enable, interrupt not masked. */
#define CNTP_CTL_ENABLE 1u

static uintptr_t pl011_base;

void sel4ft_os_notify(sel4ft_channel_t ch)
{
    microkit_notify(ch);
}

sel4ft_msginfo_t sel4ft_os_ppcall(sel4ft_channel_t ch, sel4ft_msginfo_t msg)
{
    if (msg.count > SEL4FT_OS_MAX_MRS) {
        return (sel4ft_msginfo_t){ 0, 0 };
    }
    microkit_msginfo reply = microkit_ppcall(ch, microkit_msginfo_new(msg.label, (seL4_Uint16)msg.count));
    return (sel4ft_msginfo_t){ microkit_msginfo_get_label(reply), (uint32_t)microkit_msginfo_get_count(reply) };
}

void sel4ft_os_mr_set(uint32_t index, uint64_t value)
{
    if (index < SEL4FT_OS_MAX_MRS) {
        microkit_mr_set((seL4_Uint8)index, value);
    }
}

uint64_t sel4ft_os_mr_get(uint32_t index)
{
    return index < SEL4FT_OS_MAX_MRS ? microkit_mr_get((seL4_Uint8)index) : 0;
}

uint64_t sel4ft_os_ticks(void)
{
    uint64_t ticks;
    /* The ISB keeps the counter read from being hoisted above earlier instructions. */
    __asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(ticks) : : "memory");
    return ticks;
}

uint64_t sel4ft_os_tick_hz(void)
{
    uint64_t hz;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
    return hz;
}

static void pl011_putc(char c)
{
    volatile uint32_t *fr = (volatile uint32_t *)(pl011_base + PL011_FR);
    volatile uint32_t *dr = (volatile uint32_t *)(pl011_base + PL011_DR);

    while ((*fr & PL011_FR_TXFF) != 0) {
    }
    *dr = (uint32_t)(unsigned char)c;
}

void sel4ft_os_console_write(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (pl011_base != 0) {
            if (text[i] == '\n') {
                pl011_putc('\r');
            }
            pl011_putc(text[i]);
        } else {
            microkit_dbg_putc(text[i]);
        }
    }
}

int sel4ft_os_console_use_pl011(uintptr_t base)
{
    pl011_base = base;
    return 0;
}

const char *sel4ft_os_name(void)
{
    return microkit_name;
}

int sel4ft_os_child_restart(sel4ft_child_t child, uintptr_t entry, uintptr_t stack_top)
{
    if (child > MAX_CHILD) {
        return -SEL4FT_EINVAL;
    }
    /* All registers zeroed but PC and SP: the new incarnation inherits nothing from the crashed one. */
    seL4_UserContext context = { 0 };
    context.pc = entry;
    context.sp = stack_top;
    seL4_Error err = seL4_TCB_WriteRegisters(BASE_TCB_CAP + child, seL4_True, 0,
                                             sizeof(context) / sizeof(seL4_Word), &context);
    return err == seL4_NoError ? 0 : -SEL4FT_EIO;
}

int sel4ft_os_child_stop(sel4ft_child_t child)
{
    if (child > MAX_CHILD) {
        return -SEL4FT_EINVAL;
    }
    return seL4_TCB_Suspend(BASE_TCB_CAP + child) == seL4_NoError ? 0 : -SEL4FT_EIO;
}

int sel4ft_os_image_writable(uintptr_t *start, size_t *size)
{
    *start = (uintptr_t)__init_array_start;
    *size = (size_t)(_bss_end - __init_array_start);
    return 0;
}

void sel4ft_os_serve_after_restart(sel4ft_msginfo_t first_reply)
{
    seL4_MessageInfo_t reply_tag = seL4_MessageInfo_new(first_reply.label, 0, 0, first_reply.count);
    bool have_reply = true;

    for (;;) {
        seL4_Word badge;
        seL4_MessageInfo_t tag;

        if (have_reply) {
            /* Answers whoever the crash left waiting (a no-op when nobody was), then waits, passively if passive. */
            tag = seL4_ReplyRecv(INPUT_CAP, reply_tag, &badge, REPLY_CAP);
        } else if (microkit_have_signal) {
            tag = seL4_NBSendRecv(microkit_signal_cap, microkit_signal_msg, INPUT_CAP, &badge, REPLY_CAP);
            microkit_have_signal = seL4_False;
        } else {
            tag = seL4_Recv(INPUT_CAP, &badge, REPLY_CAP);
        }

        have_reply = false;
        if ((badge >> 62) & 1) {
            have_reply = fault(badge & BADGE_CHILD_MASK, tag, &reply_tag);
        } else if (badge >> 63) {
            reply_tag = protected(badge & BADGE_CHANNEL_MASK, tag);
            have_reply = true;
        } else {
            for (unsigned int ch = 0; badge != 0; ch++, badge >>= 1) {
                if (badge & 1) {
                    notified(ch);
                }
            }
        }
    }
}

int sel4ft_os_timer_set(uint64_t deadline_ticks)
{
    if (deadline_ticks == 0) {
        __asm__ volatile("msr cntp_ctl_el0, %0; isb" : : "r"((uint64_t)0));
        return 0;
    }
    __asm__ volatile("msr cntp_cval_el0, %0" : : "r"(deadline_ticks));
    __asm__ volatile("msr cntp_ctl_el0, %0; isb" : : "r"((uint64_t)CNTP_CTL_ENABLE));
    return 0;
}

void sel4ft_os_irq_ack(sel4ft_channel_t ch)
{
    microkit_irq_ack(ch);
}
