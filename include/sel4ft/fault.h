/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * @defgroup fault Fault decoding
 * @brief Turn an seL4 fault message (label and message registers) into facts a person can act on.
 *
 * The kernel delivers a child's fault to its parent as an IPC whose label is
 * the fault type and whose message registers depend on that type. Decoding is
 * pure: it needs no system call, so it is unit-tested on the host.
 * @{
 */

/** seL4 fault labels on aarch64 (MCS kernel, hypervisor mode), as the kernel sends them. */
typedef enum {
    SEL4FT_FAULT_NULL = 0,            /**< Not a fault. */
    SEL4FT_FAULT_CAP = 1,             /**< Invoked a capability that is missing or of the wrong type. */
    SEL4FT_FAULT_UNKNOWN_SYSCALL = 2, /**< Made a system call the kernel does not know. */
    SEL4FT_FAULT_USER_EXCEPTION = 3,  /**< Undefined instruction, alignment or another synchronous exception. */
    SEL4FT_FAULT_DEBUG = 4,           /**< Breakpoint or watchpoint (hardware debug API). */
    SEL4FT_FAULT_TIMEOUT = 5,         /**< Scheduling-context budget exhausted (MCS). */
    SEL4FT_FAULT_VM = 6,              /**< Data or instruction abort: a bad memory access. */
    SEL4FT_FAULT_VGIC_MAINTENANCE = 7,/**< Virtual GIC maintenance (virtual machines). */
    SEL4FT_FAULT_VCPU = 8,            /**< A trapped instruction or register access (for example CNTVCT_EL0). */
    SEL4FT_FAULT_VPPI = 9,            /**< Virtual PPI event (virtual machines). */
    SEL4FT_FAULT_KIND_NUM             /**< Sentinel: the number of known labels. */
} sel4ft_fault_kind_t;

/** A decoded fault. Fields that a fault kind does not carry are zero. */
typedef struct sel4ft_fault {
    uint32_t kind;         /**< sel4ft_fault_kind_t, or the raw label if unknown. */
    uint32_t child;        /**< The faulting child's id (set by the caller of sel4ft_fault_decode()). */
    uint64_t ip;           /**< The faulting instruction's address. */
    uint64_t address;      /**< VM fault: the address accessed. Cap fault: the capability address. */
    uint64_t sp;           /**< User exception / unknown syscall: the stack pointer. */
    uint64_t esr;          /**< The exception syndrome (ESR/HSR) where the kernel provides it, else 0. */
    uint64_t detail;       /**< Kind-specific: cap fault lookup type, syscall number, timeout budget consumed. */
    uint32_t exception_class; /**< ESR bits 31:26. */
    uint32_t status_code;  /**< ESR bits 5:0 for aborts: the fault status code (DFSC/IFSC). */
    bool has_esr;          /**< The esr field is meaningful. */
    bool is_instruction;   /**< VM fault on an instruction fetch (prefetch abort). */
    bool is_write;         /**< VM fault on a data write (ESR WnR bit); false for reads. */
} sel4ft_fault_t;

/**
 * @brief Decode a fault message.
 * @param label The IPC label the kernel sent (the fault type).
 * @param mrs The message registers, in order.
 * @param count How many registers @p mrs holds. Registers beyond @p count read as 0.
 * @param fault Where to put the result; @c child is set to 0 (fill it in yourself).
 * @return 0; -SEL4FT_EBADMSG for label 0 or an unknown label (the raw label is
 *         kept in @c kind and IP-like fields stay zero); -SEL4FT_EINVAL for a
 *         NULL @p fault or a NULL @p mrs with a non-zero @p count.
 */
int sel4ft_fault_decode(uint64_t label, const uint64_t *mrs, uint32_t count, sel4ft_fault_t *fault);

/**
 * @brief The name of a fault kind.
 * @param kind A label.
 * @return For example "VM fault", or "unknown fault" for labels outside the table.
 */
const char *sel4ft_fault_kind_str(uint32_t kind);

/**
 * @brief Describe an aarch64 exception class (ESR bits 31:26).
 *
 * A library built with SEL4FT_FAULT_TERSE defined (make SEL4FT_FAULT_TERSE=1), for the smallest monitors, has
 * no tables of names: "data abort", "instruction abort" or "exception"; fault lines still carry the code.
 * @param exception_class 0..63.
 * @return For example "data abort from a lower exception level", or "unallocated exception class".
 */
const char *sel4ft_fault_exception_class_str(uint32_t exception_class);

/**
 * @brief Describe an aarch64 abort's fault status code (DFSC/IFSC, ESR bits 5:0).
 *
 * With SEL4FT_FAULT_TERSE: "address size fault", "translation fault", "access flag fault", "permission fault"
 * (codes 0x00-0x0f, without the level), "alignment fault", or "fault"; fault lines still carry the code.
 * @param status_code 0..63.
 * @return For example "translation fault, level 2", or "reserved fault status code".
 */
const char *sel4ft_fault_status_str(uint32_t status_code);

/**
 * @brief Write one line that says what happened, for a log.
 *
 * For example: `crasher: VM fault: write to 0x0 (unmapped: translation fault,
 * level 0) at ip 0x200240 [EC 0x24 data abort from a lower exception level,
 * FSC 0x04]`.
 * @param fault The decoded fault.
 * @param pd_name The faulting PD's name; NULL: the line starts with the fault's kind (`VM fault: write
 *        to ...`), for a caller that names the PD elsewhere.
 * @param buffer Where to write; always NUL-terminated when @p size > 0.
 * @param size The buffer's size.
 * @return As sel4ft_fmt(): the full length, which is >= @p size when truncated.
 */
int sel4ft_fault_format(const sel4ft_fault_t *fault, const char *pd_name, char *buffer, size_t size);

/** @} */
