/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The faulter: at every start it reports how it found its stack, .data and .bss, then faults in the next way
 * (port_status.h), so that the probe receives one real fault message of each kind from this board's kernel. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "port_status.h"

#define PROBE_CHANNEL 9 /* "I run (again)" */
#define DONE_CHANNEL 8  /* every step tried */

/* A capability address no lookup resolves (a null slot's cap would only be an invocation error). */
#define NO_SLOT (1ull << 62)

uintptr_t snapshot_region, snapshot_region_size;
uintptr_t status_region;
uintptr_t readonly_page;

static uint64_t data_value = PORT_DATA_MARKER;
static uint64_t bss_value;
static uint64_t odd_words[3];

/* The compiler must not see through these addresses (a NULL store it could prove would be compiled as a trap). */
static uintptr_t hidden(uintptr_t address)
{
    __asm__ volatile("" : "+r"(address));
    return address;
}

static void try_step(uint32_t step)
{
    switch (step) {
    case STEP_WRITE_NULL:
        *(volatile uint64_t *)hidden(0) = 1;
        break;
    case STEP_READ_UNMAPPED:
        (void)*(volatile uint64_t *)hidden(0x10000000);
        break;
    case STEP_FETCH_NULL:
        ((void (*)(void))hidden(0))();
        break;
    case STEP_WRITE_READONLY:
        *(volatile uint64_t *)hidden(readonly_page) = 1;
        break;
    case STEP_UNDEFINED:
        __asm__ volatile(".4byte 0");
        break;
    case STEP_BREAKPOINT:
        __builtin_trap();
        break;
    case STEP_MISALIGNED_ATOMIC:
        __atomic_fetch_add((uint64_t *)hidden((uintptr_t)odd_words + 1), 1, __ATOMIC_RELAXED);
        break;
    case STEP_CAP_FAULT:
        seL4_Call(NO_SLOT, seL4_MessageInfo_new(0, 0, 0, 0));
        break;
    case STEP_UNKNOWN_SYSCALL: {
        /* The one architecture-specific line of the test: the system call instruction, with a number the
         * kernel does not know in the register that carries it. */
#if defined(__aarch64__)
        register seL4_Word number __asm__("x7") = 42;
        __asm__ volatile("svc #0" : "+r"(number) : : "memory");
#elif defined(__riscv)
        register seL4_Word number __asm__("a7") = 42;
        __asm__ volatile("ecall" : "+r"(number) : : "memory");
#else
#error "an unknown syscall needs this architecture's system call instruction"
#endif
        break;
    }
    default:
        break;
    }
}

/* Each field written with a release store: the kernel reads the page's state to the probe only through the fault
 * that follows, but the compiler must not move a store past the faulting instruction. */
static void report(uint64_t *field, uint64_t value)
{
    sel4ft_store_release_u64(field, value);
}

void init(void)
{
    port_status_t *status = (port_status_t *)status_region;
    uint64_t incarnation = 0;

    int err = sel4ft_restart_begin((void *)snapshot_region, snapshot_region_size, &incarnation);
    report(&status->restore_error, (uint64_t)-err);
    report(&status->incarnation, incarnation);
    report(&status->frame, (uint64_t)(uintptr_t)__builtin_frame_address(0));
    report(&status->data_value, data_value);
    report(&status->bss_value, bss_value);
    /* Changed here, so that a restart that did not restore the image would show it. */
    data_value++;
    bss_value = incarnation;
    microkit_notify(PROBE_CHANNEL);

    /* The step the last incarnation faulted in is done: go on with the next. */
    uint32_t step = incarnation == 1 ? 0 : (uint32_t)sel4ft_load_acquire_u64(&status->step) + 1;
    for (; step < STEP_NUM; step++) {
        report(&status->step, step);
        sel4ft_fence_full();
        try_step(step);
        report(&status->not_faulted, sel4ft_load_acquire_u64(&status->not_faulted) | 1ull << step);
    }
    report(&status->step, STEP_NUM);
    microkit_notify(DONE_CHANNEL);
}

void notified(microkit_channel ch)
{
    (void)ch;
}
