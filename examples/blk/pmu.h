/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The overhead experiment's clock: instructions executed by the whole system (every PD, the kernel at EL2, the
 * idle thread), counted by PMU event counter 0 set to INST_RETIRED (0x08). Under QEMU -icount this is the guest's
 * exact instruction count, without the jumps that -icount's sleep=off adds to the virtual clock (and to CNTPCT and
 * the cycle counter) whenever the guest waits idle for the host to finish a disk request. One instruction is one
 * nanosecond of virtual time (shift=0). Only the benchmark configuration lets a PD use the PMU
 * (CONFIG_EXPORT_PMU_USER); elsewhere the counter reads 0. The counter is 32 bits wide on a Cortex-A53: read it
 * at least every 4e9 instructions and add the differences (pmu_instructions_since()). */

#include <stdint.h>

#include <microkit.h>

#define PMU_INST_RETIRED 0x08u
#define PMU_FILTER_NSH (1u << 27) /* PMEVTYPER: count at EL2 too (the kernel runs there) */
#define PMU_FILTER_P (1u << 31)   /* PMEVTYPER: not at EL1 */
#define PMU_PMCR_E 1u

#if defined(CONFIG_EXPORT_PMU_USER)
static inline void pmu_start(void)
{
    uint64_t pmcr;
    __asm__ volatile("msr pmevtyper0_el0, %0; isb" : : "r"((uint64_t)(PMU_INST_RETIRED | PMU_FILTER_NSH)));
    __asm__ volatile("msr pmevtyper1_el0, %0; isb" : : "r"((uint64_t)(PMU_INST_RETIRED | PMU_FILTER_P)));
    __asm__ volatile("msr pmcntenset_el0, %0; isb" : : "r"((uint64_t)3));
    __asm__ volatile("mrs %0, pmcr_el0" : "=r"(pmcr));
    __asm__ volatile("msr pmcr_el0, %0; isb" : : "r"(pmcr | PMU_PMCR_E));
}

static inline uint32_t pmu_read(void)
{
    uint64_t count;
    __asm__ volatile("isb; mrs %0, pmevcntr0_el0" : "=r"(count) : : "memory");
    return (uint32_t)count;
}

/* Counter 1: the same, at EL0 only (the PDs' own instructions, no kernel, no idle thread). */
static inline uint32_t pmu_read_user(void)
{
    uint64_t count;
    __asm__ volatile("isb; mrs %0, pmevcntr1_el0" : "=r"(count) : : "memory");
    return (uint32_t)count;
}
#define PMU_AVAILABLE 1
#else
static inline void pmu_start(void)
{
}

static inline uint32_t pmu_read(void)
{
    return 0;
}

static inline uint32_t pmu_read_user(void)
{
    return 0;
}
#define PMU_AVAILABLE 0
#endif
