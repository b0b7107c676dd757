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
 * the fault type and whose message registers depend on that type and on the
 * architecture. Decoding is pure: it needs no system call, so it is
 * unit-tested on the host, with messages recorded from seL4 on both
 * architectures.
 *
 * A decoded fault has one shape on every architecture: the architecture, the
 * kind, the instruction pointer, the address, the access (read, write or
 * instruction fetch) and the trap's cause in the architecture's own word
 * (@c syndrome: the ESR on aarch64, the exception code `scause` on riscv64),
 * plus the words only one architecture has (aarch64: the ESR's exception
 * class and fault status code).
 * @{
 */

/** The architectures whose seL4 fault messages the decoder reads. */
typedef enum {
    SEL4FT_FAULT_ARCH_AARCH64 = 0, /**< aarch64, MCS kernel in hypervisor mode: causes are ESR values. */
    SEL4FT_FAULT_ARCH_RISCV64 = 1, /**< riscv64, MCS kernel: causes are exception codes (scause). */
    SEL4FT_FAULT_ARCH_NUM          /**< Sentinel: the number of architectures. */
} sel4ft_fault_arch_t;

/** seL4 fault labels (MCS kernel), as the kernel sends them. Both architectures use 0-3, 5 and 6; the others
 *  exist on aarch64 only (riscv64 has no hardware debug API and no virtualisation in these kernels). */
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

/** A decoded fault. Fields that a fault kind (or the architecture) does not carry are zero. */
typedef struct sel4ft_fault {
    /* The same on every architecture. */
    uint32_t kind;         /**< sel4ft_fault_kind_t, or the raw label if unknown. */
    uint32_t child;        /**< The faulting child's id (set by the caller of sel4ft_fault_decode()). */
    uint32_t arch;         /**< sel4ft_fault_arch_t: whose message this was. */
    uint64_t ip;           /**< The faulting instruction's address. */
    uint64_t address;      /**< VM fault: the address accessed (riscv64: stval). Cap fault: the capability address. */
    uint64_t sp;           /**< User exception / unknown syscall: the stack pointer. */
    uint64_t syndrome;     /**< The trap's cause in the architecture's word: the ESR on aarch64 (as @c esr), the
                                exception code (scause) on riscv64. In words: sel4ft_fault_cause_str(). */
    uint64_t detail;       /**< Kind-specific: cap fault lookup type, syscall number, timeout budget consumed,
                                a user exception's code word. */
    bool has_syndrome;     /**< The syndrome field is meaningful. */
    bool is_instruction;   /**< An instruction fetch: a VM fault's (aarch64: a prefetch abort), or on riscv64 a
                                user exception whose cause is a fetch's (misaligned target). */
    bool is_write;         /**< A data write: a VM fault's (aarch64: the ESR's WnR bit; riscv64: a store
                                cause), or on riscv64 a user exception whose cause is a store's; false for reads. */
    /* aarch64 only: the ESR and its fields (zero on riscv64). */
    bool has_esr;          /**< The esr field is meaningful. */
    uint64_t esr;          /**< The exception syndrome (ESR/HSR) where the kernel provides it, else 0. */
    uint32_t exception_class; /**< ESR bits 31:26. */
    uint32_t status_code;  /**< ESR bits 5:0 for aborts: the fault status code (DFSC/IFSC). */
} sel4ft_fault_t;

/**
 * @brief Decode a fault message of a given architecture.
 * @param arch The sel4ft_fault_arch_t of the kernel that sent it.
 * @param label The IPC label the kernel sent (the fault type).
 * @param mrs The message registers, in order.
 * @param count How many registers @p mrs holds. Registers beyond @p count read as 0.
 * @param fault Where to put the result; @c child is set to 0 (fill it in yourself).
 * @return 0; -SEL4FT_EBADMSG for label 0 or a label unknown on that
 *         architecture (the raw label is kept in @c kind, @c arch is set and
 *         IP-like fields stay zero); -SEL4FT_EINVAL for a NULL @p fault, a
 *         NULL @p mrs with a non-zero @p count, or an unknown @p arch (then
 *         @p fault is left alone).
 */
int sel4ft_fault_decode_arch(uint32_t arch, uint64_t label, const uint64_t *mrs, uint32_t count,
                             sel4ft_fault_t *fault);

/**
 * @brief Decode a fault message of this PD's architecture (sel4ft_os_fault_arch()).
 *
 * On a PD that is the architecture it was compiled for; in host tests the
 * Linux port's (aarch64 unless a test sets its hooks' `fault_arch`).
 * @param label The IPC label the kernel sent (the fault type).
 * @param mrs The message registers, in order.
 * @param count How many registers @p mrs holds. Registers beyond @p count read as 0.
 * @param fault Where to put the result; @c child is set to 0 (fill it in yourself).
 * @return As sel4ft_fault_decode_arch().
 */
int sel4ft_fault_decode(uint64_t label, const uint64_t *mrs, uint32_t count, sel4ft_fault_t *fault);

/**
 * @brief The name of an architecture.
 * @param arch A sel4ft_fault_arch_t.
 * @return "aarch64", "riscv64", or "unknown architecture".
 */
const char *sel4ft_fault_arch_str(uint32_t arch);

/**
 * @brief The name of a fault kind.
 * @param kind A label.
 * @return For example "VM fault", or "unknown fault" for labels outside the table.
 */
const char *sel4ft_fault_kind_str(uint32_t kind);

/**
 * @brief Whether a kernel of an architecture sends faults of a kind.
 * @param arch A sel4ft_fault_arch_t.
 * @param kind A label.
 * @return true for CapFault, UnknownSyscall, UserException, Timeout and VMFault on both architectures, and for
 *         the debug and virtualisation faults on aarch64; false otherwise (label 0 included).
 */
bool sel4ft_fault_kind_known(uint32_t arch, uint32_t kind);

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
 * @brief Describe a RISC-V exception code (the `scause` value of a synchronous exception).
 *
 * The same with SEL4FT_FAULT_TERSE: the table of RISC-V's few exception codes is small (the terse build leaves out
 * aarch64's tables only).
 * @param scause The exception code; a value with the interrupt bit (63) set is an interrupt, never a fault.
 * @return For example "store/AMO page fault", or "reserved exception code".
 */
const char *sel4ft_fault_scause_str(uint64_t scause);

/**
 * @brief The trap's cause in words, on either architecture.
 *
 * aarch64: the exception class of the ESR (sel4ft_fault_exception_class_str()).
 * riscv64: the exception code (sel4ft_fault_scause_str()); for a VM fault the
 * kernel reports a page fault and an access fault alike, as the access fault
 * (1, 5 or 7), so the words say "page or access fault".
 * @param fault The decoded fault.
 * @return The words; "no cause reported" when the fault carries none.
 */
const char *sel4ft_fault_cause_str(const sel4ft_fault_t *fault);

/**
 * @brief Write one line that says what happened, for a log.
 *
 * For example, on aarch64: `crasher: VM fault: write to 0x0 at ip 0x200240:
 * translation fault, level 2 [EC 0x24 data abort from a lower exception
 * level, FSC 0x06]`; on riscv64: `crasher: VM fault: write to 0x0 at ip
 * 0x2001f6: store/AMO page or access fault [scause 0x7]`.
 * @param fault The decoded fault.
 * @param pd_name The faulting PD's name; NULL: the line starts with the fault's kind (`VM fault: write
 *        to ...`), for a caller that names the PD elsewhere.
 * @param buffer Where to write; always NUL-terminated when @p size > 0.
 * @param size The buffer's size.
 * @return As sel4ft_fmt(): the full length, which is >= @p size when truncated.
 */
int sel4ft_fault_format(const sel4ft_fault_t *fault, const char *pd_name, char *buffer, size_t size);

/** @} */
