/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* What the faulter tells the probe through their shared page (read-only in the probe). */

#include <stdint.h>

/* What the faulter does, one step after another; a step that faults ends an incarnation, the probe restarts
 * the faulter and it goes on with the next step. */
enum port_step {
    STEP_WRITE_NULL,       /* store to address 0 */
    STEP_READ_UNMAPPED,    /* load from an address nothing is mapped at */
    STEP_FETCH_NULL,       /* call address 0 */
    STEP_WRITE_READONLY,   /* store to a page mapped read-only */
    STEP_UNDEFINED,        /* the all-zero instruction word: undefined on both architectures */
    STEP_BREAKPOINT,       /* __builtin_trap(): BRK on aarch64, EBREAK on riscv64 */
    STEP_MISALIGNED_ATOMIC, /* an atomic add on an odd address (plain loads and stores there do not fault on
                               either QEMU board) */
    STEP_CAP_FAULT,        /* seL4_Call on a capability address that resolves to no slot */
    STEP_UNKNOWN_SYSCALL,  /* a system call number the kernel does not know */
    STEP_NUM
};

/* The status page. Written by the faulter only. */
typedef struct port_status {
    uint64_t step;          /* the step being tried */
    uint64_t incarnation;   /* sel4ft_restart_begin()'s count */
    uint64_t frame;         /* init()'s frame address: the same at every start when the stack is reset */
    uint64_t data_value;    /* an initialised variable as init() found it */
    uint64_t bss_value;     /* a zero-initialised variable as init() found it */
    uint64_t not_faulted;   /* bit n: step n ran without a fault */
    uint64_t restore_error; /* sel4ft_restart_begin()'s result, negated */
} port_status_t;

/* data_value's initial value. */
#define PORT_DATA_MARKER 0x5e14f7u
