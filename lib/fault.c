/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/error.h>
#include <sel4ft/fault.h>
#include <sel4ft/fmt.h>
#include <sel4ft/os.h>

#include "internal.h"

/* aarch64 ESR fields (Arm ARM D17.2.37). */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3fu
#define ESR_FSC_MASK 0x3fu
#define ESR_WNR_BIT (1u << 6)
#define EC_INSTRUCTION_ABORT_LOWER 0x20u
#define EC_INSTRUCTION_ABORT_SAME 0x21u
#define EC_DATA_ABORT_LOWER 0x24u
#define EC_DATA_ABORT_SAME 0x25u

/* RISC-V exception codes (the privileged architecture's scause values with the interrupt bit clear) that the
 * decoder reads meaning from. seL4 reports every VM fault as an access fault: a load, store/AMO or instruction
 * page fault (13, 15, 12) arrives as 5, 7 or 1 (src/arch/riscv/kernel/vspace.c, handleVMFault). */
#define SCAUSE_INTERRUPT_BIT (1ull << 63)
#define SCAUSE_INSTRUCTION_MISALIGNED 0u
#define SCAUSE_INSTRUCTION_ACCESS 1u
#define SCAUSE_LOAD_ACCESS 5u
#define SCAUSE_STORE_MISALIGNED 6u
#define SCAUSE_STORE_ACCESS 7u
#define SCAUSE_INSTRUCTION_PAGE 12u
#define SCAUSE_STORE_PAGE 15u

static const char *const arch_names[SEL4FT_FAULT_ARCH_NUM] = {
    [SEL4FT_FAULT_ARCH_AARCH64] = "aarch64",
    [SEL4FT_FAULT_ARCH_RISCV64] = "riscv64",
};

static const char *const kind_names[SEL4FT_FAULT_KIND_NUM] = {
    [SEL4FT_FAULT_NULL] = "null fault",
    [SEL4FT_FAULT_CAP] = "cap fault",
    [SEL4FT_FAULT_UNKNOWN_SYSCALL] = "unknown syscall",
    [SEL4FT_FAULT_USER_EXCEPTION] = "user exception",
    [SEL4FT_FAULT_DEBUG] = "debug exception",
    [SEL4FT_FAULT_TIMEOUT] = "timeout fault",
    [SEL4FT_FAULT_VM] = "VM fault",
    [SEL4FT_FAULT_VGIC_MAINTENANCE] = "VGIC maintenance",
    [SEL4FT_FAULT_VCPU] = "VCPU fault",
    [SEL4FT_FAULT_VPPI] = "VPPI event",
};

#ifndef SEL4FT_FAULT_TERSE
/* The full decoder's tables (about 4 KiB of text in a PD). SEL4FT_FAULT_TERSE leaves them out. */
static const char *const exception_classes[64] = {
    [0x00] = "unknown reason (undefined instruction)",
    [0x01] = "trapped WFI or WFE",
    [0x03] = "trapped AArch32 MCR or MRC",
    [0x04] = "trapped AArch32 MCRR or MRRC",
    [0x05] = "trapped AArch32 MCR or MRC (coprocessor 14)",
    [0x06] = "trapped AArch32 LDC or STC",
    [0x07] = "trapped SIMD or floating-point access",
    [0x08] = "trapped AArch32 VMRS",
    [0x09] = "trapped pointer authentication instruction",
    [0x0c] = "trapped AArch32 MRRC (coprocessor 14)",
    [0x0d] = "branch target exception",
    [0x0e] = "illegal execution state",
    [0x11] = "SVC in AArch32",
    [0x12] = "HVC in AArch32",
    [0x13] = "SMC in AArch32",
    [0x15] = "SVC in AArch64",
    [0x16] = "HVC in AArch64",
    [0x17] = "SMC in AArch64",
    [0x18] = "trapped MSR, MRS or system instruction",
    [0x19] = "trapped SVE access",
    [0x1a] = "trapped ERET",
    [0x1c] = "pointer authentication failure",
    [0x1d] = "trapped SME access",
    [0x1f] = "implementation defined exception to EL3",
    [0x20] = "instruction abort from a lower exception level",
    [0x21] = "instruction abort at the same exception level",
    [0x22] = "PC alignment fault",
    [0x24] = "data abort from a lower exception level",
    [0x25] = "data abort at the same exception level",
    [0x26] = "SP alignment fault",
    [0x27] = "memory copy or set exception",
    [0x28] = "AArch32 floating-point exception",
    [0x2c] = "AArch64 floating-point exception",
    [0x2d] = "guarded control stack exception",
    [0x2f] = "SError interrupt",
    [0x30] = "breakpoint from a lower exception level",
    [0x31] = "breakpoint at the same exception level",
    [0x32] = "software step from a lower exception level",
    [0x33] = "software step at the same exception level",
    [0x34] = "watchpoint from a lower exception level",
    [0x35] = "watchpoint at the same exception level",
    [0x38] = "AArch32 BKPT instruction",
    [0x3a] = "AArch32 vector catch",
    [0x3c] = "BRK instruction",
};

static const char *const fault_statuses[64] = {
    [0x00] = "address size fault, level 0",
    [0x01] = "address size fault, level 1",
    [0x02] = "address size fault, level 2",
    [0x03] = "address size fault, level 3",
    [0x04] = "translation fault, level 0",
    [0x05] = "translation fault, level 1",
    [0x06] = "translation fault, level 2",
    [0x07] = "translation fault, level 3",
    [0x08] = "access flag fault, level 0",
    [0x09] = "access flag fault, level 1",
    [0x0a] = "access flag fault, level 2",
    [0x0b] = "access flag fault, level 3",
    [0x0c] = "permission fault, level 0",
    [0x0d] = "permission fault, level 1",
    [0x0e] = "permission fault, level 2",
    [0x0f] = "permission fault, level 3",
    [0x10] = "synchronous external abort",
    [0x11] = "synchronous tag check fault",
    [0x12] = "synchronous external abort on table walk, level -2",
    [0x13] = "synchronous external abort on table walk, level -1",
    [0x14] = "synchronous external abort on table walk, level 0",
    [0x15] = "synchronous external abort on table walk, level 1",
    [0x16] = "synchronous external abort on table walk, level 2",
    [0x17] = "synchronous external abort on table walk, level 3",
    [0x18] = "synchronous parity or ECC error",
    [0x1b] = "parity or ECC error on table walk, level -1",
    [0x1c] = "parity or ECC error on table walk, level 0",
    [0x1d] = "parity or ECC error on table walk, level 1",
    [0x1e] = "parity or ECC error on table walk, level 2",
    [0x1f] = "parity or ECC error on table walk, level 3",
    [0x21] = "alignment fault",
    [0x22] = "granule protection fault on table walk, level -2",
    [0x23] = "granule protection fault on table walk, level -1",
    [0x24] = "granule protection fault on table walk, level 0",
    [0x25] = "granule protection fault on table walk, level 1",
    [0x26] = "granule protection fault on table walk, level 2",
    [0x27] = "granule protection fault on table walk, level 3",
    [0x28] = "granule protection fault",
    [0x29] = "address size fault, level -1",
    [0x2a] = "translation fault, level -2",
    [0x2b] = "translation fault, level -1",
    [0x2c] = "address size fault, level -2",
    [0x30] = "TLB conflict abort",
    [0x31] = "unsupported atomic hardware update",
    [0x34] = "implementation defined fault (lockdown)",
    [0x35] = "implementation defined fault (unsupported exclusive or atomic access)",
};
#endif

static const char *const riscv_causes[20] = {
    [0] = "instruction address misaligned",
    [1] = "instruction access fault",
    [2] = "illegal instruction",
    [3] = "breakpoint",
    [4] = "load address misaligned",
    [5] = "load access fault",
    [6] = "store/AMO address misaligned",
    [7] = "store/AMO access fault",
    [8] = "environment call from U-mode",
    [9] = "environment call from S-mode",
    [11] = "environment call from M-mode",
    [12] = "instruction page fault",
    [13] = "load page fault",
    [15] = "store/AMO page fault",
    [18] = "software check",
    [19] = "hardware error",
};

/* A riscv64 VM fault's cause as seL4 reports it: page and access faults alike. */
static const char *riscv_vm_cause_str(uint64_t scause)
{
    switch (scause) {
    case SCAUSE_INSTRUCTION_ACCESS:
        return "instruction page or access fault";
    case SCAUSE_LOAD_ACCESS:
        return "load page or access fault";
    case SCAUSE_STORE_ACCESS:
        return "store/AMO page or access fault";
    default:
        return sel4ft_fault_scause_str(scause);
    }
}

const char *sel4ft_fault_arch_str(uint32_t arch)
{
    return arch < SEL4FT_FAULT_ARCH_NUM ? arch_names[arch] : "unknown architecture";
}

const char *sel4ft_fault_scause_str(uint64_t scause)
{
    if ((scause & SCAUSE_INTERRUPT_BIT) != 0) {
        return "interrupt (not an exception)";
    }
    const char *s = scause < SEL4FT_ARRAY_SIZE_(riscv_causes) ? riscv_causes[scause] : NULL;
    return s != NULL ? s : "reserved exception code";
}

bool sel4ft_fault_kind_known(uint32_t arch, uint32_t kind)
{
    switch (kind) {
    case SEL4FT_FAULT_CAP:
    case SEL4FT_FAULT_UNKNOWN_SYSCALL:
    case SEL4FT_FAULT_USER_EXCEPTION:
    case SEL4FT_FAULT_TIMEOUT:
    case SEL4FT_FAULT_VM:
        return arch < SEL4FT_FAULT_ARCH_NUM;
    case SEL4FT_FAULT_DEBUG:
    case SEL4FT_FAULT_VGIC_MAINTENANCE:
    case SEL4FT_FAULT_VCPU:
    case SEL4FT_FAULT_VPPI:
        return arch == SEL4FT_FAULT_ARCH_AARCH64;
    default:
        return false;
    }
}

const char *sel4ft_fault_cause_str(const sel4ft_fault_t *fault)
{
    if (fault == NULL || !fault->has_syndrome) {
        return "no cause reported";
    }
    if (fault->arch == SEL4FT_FAULT_ARCH_RISCV64) {
        return fault->kind == SEL4FT_FAULT_VM ? riscv_vm_cause_str(fault->syndrome)
                                              : sel4ft_fault_scause_str(fault->syndrome);
    }
    return sel4ft_fault_exception_class_str(fault->exception_class);
}

const char *sel4ft_fault_kind_str(uint32_t kind)
{
    return kind < SEL4FT_FAULT_KIND_NUM ? kind_names[kind] : "unknown fault";
}

#ifdef SEL4FT_FAULT_TERSE
/* The terse decoder, for the smallest monitors: the aborts and the commonest fault statuses in words, the rest
 * left to the codes that every fault line carries anyway. */
const char *sel4ft_fault_exception_class_str(uint32_t exception_class)
{
    switch (exception_class) {
    case EC_INSTRUCTION_ABORT_LOWER:
    case EC_INSTRUCTION_ABORT_SAME:
        return "instruction abort";
    case EC_DATA_ABORT_LOWER:
    case EC_DATA_ABORT_SAME:
        return "data abort";
    default:
        return "exception";
    }
}

const char *sel4ft_fault_status_str(uint32_t status_code)
{
    static const char *const kinds[4] = { "address size fault", "translation fault", "access flag fault",
                                          "permission fault" };
    if (status_code < 0x10) {
        return kinds[status_code >> 2];
    }
    return status_code == 0x21 ? "alignment fault" : "fault";
}
#else
const char *sel4ft_fault_exception_class_str(uint32_t exception_class)
{
    const char *s = exception_class < 64 ? exception_classes[exception_class] : NULL;
    return s != NULL ? s : "unallocated exception class";
}

const char *sel4ft_fault_status_str(uint32_t status_code)
{
    const char *s = status_code < 64 ? fault_statuses[status_code] : NULL;
    return s != NULL ? s : "reserved fault status code";
}
#endif

static void set_esr(sel4ft_fault_t *fault, uint64_t esr)
{
    fault->esr = esr;
    fault->has_esr = true;
    fault->exception_class = (uint32_t)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
    fault->syndrome = esr;
    fault->has_syndrome = true;
}

/* Registers the kernel did not send read as zero. */
#define MR_(i) ((uint32_t)(i) < count ? mrs[(i)] : 0)

/* aarch64 (libsel4/sel4_arch_include/aarch64/sel4/sel4_arch/constants.h): the ESR in the syndrome's place. */
static int decode_aarch64(uint64_t label, const uint64_t *mrs, uint32_t count, sel4ft_fault_t *fault)
{
    switch (label) {
    case SEL4FT_FAULT_CAP:
        fault->ip = MR_(0);
        fault->address = MR_(1);
        fault->detail = MR_(3); /* lookup failure type */
        break;
    case SEL4FT_FAULT_UNKNOWN_SYSCALL:
        fault->ip = MR_(8);
        fault->sp = MR_(9);
        fault->detail = MR_(12); /* the syscall number */
        break;
    case SEL4FT_FAULT_USER_EXCEPTION:
        fault->ip = MR_(0);
        fault->sp = MR_(1);
        /* On aarch64 the kernel sends the whole ESR as the exception number. */
        set_esr(fault, MR_(3));
        fault->detail = MR_(4);
        break;
    case SEL4FT_FAULT_DEBUG:
        fault->ip = MR_(0);
        fault->detail = MR_(1);
        fault->address = MR_(2);
        break;
    case SEL4FT_FAULT_TIMEOUT:
        fault->detail = MR_(1); /* budget consumed */
        break;
    case SEL4FT_FAULT_VM:
        fault->ip = MR_(0);
        fault->address = MR_(1);
        fault->is_instruction = MR_(2) != 0;
        set_esr(fault, MR_(3));
        fault->status_code = (uint32_t)fault->esr & ESR_FSC_MASK;
        if (!fault->is_instruction && (fault->exception_class == EC_DATA_ABORT_LOWER ||
                                       fault->exception_class == EC_DATA_ABORT_SAME)) {
            fault->is_write = (fault->esr & ESR_WNR_BIT) != 0;
        }
        break;
    case SEL4FT_FAULT_VCPU:
        set_esr(fault, MR_(0));
        break;
    case SEL4FT_FAULT_VGIC_MAINTENANCE:
    case SEL4FT_FAULT_VPPI:
        fault->detail = MR_(0);
        break;
    default:
        return -SEL4FT_EBADMSG;
    }
    return 0;
}

/* The access a riscv64 exception code names, if any. */
static void set_riscv_access(sel4ft_fault_t *fault, uint64_t scause)
{
    fault->is_instruction = scause == SCAUSE_INSTRUCTION_MISALIGNED || scause == SCAUSE_INSTRUCTION_ACCESS ||
                            scause == SCAUSE_INSTRUCTION_PAGE;
    fault->is_write = scause == SCAUSE_STORE_MISALIGNED || scause == SCAUSE_STORE_ACCESS || scause == SCAUSE_STORE_PAGE;
}

/* riscv64 (libsel4/sel4_arch_include/riscv64/sel4/sel4_arch/constants.h and types.bf): the exception code in
 * the syndrome's place. A VM fault's address is stval; a user exception carries no address. */
static int decode_riscv64(uint64_t label, const uint64_t *mrs, uint32_t count, sel4ft_fault_t *fault)
{
    switch (label) {
    case SEL4FT_FAULT_CAP:
        fault->ip = MR_(0);
        fault->address = MR_(1);
        fault->detail = MR_(3); /* lookup failure type */
        break;
    case SEL4FT_FAULT_UNKNOWN_SYSCALL:
        /* FaultIP, SP, RA, A0..A6, then the syscall number. */
        fault->ip = MR_(0);
        fault->sp = MR_(1);
        fault->detail = MR_(10);
        break;
    case SEL4FT_FAULT_USER_EXCEPTION:
        /* FaultIP, SP, Number (scause), Code (0 from this kernel). */
        fault->ip = MR_(0);
        fault->sp = MR_(1);
        fault->syndrome = MR_(2);
        fault->has_syndrome = true;
        fault->detail = MR_(3);
        set_riscv_access(fault, fault->syndrome);
        break;
    case SEL4FT_FAULT_TIMEOUT:
        fault->detail = MR_(1); /* budget consumed */
        break;
    case SEL4FT_FAULT_VM:
        /* IP, Addr (stval), PrefetchFault, FSR (scause as an access fault). */
        fault->ip = MR_(0);
        fault->address = MR_(1);
        fault->syndrome = MR_(3);
        fault->has_syndrome = true;
        set_riscv_access(fault, fault->syndrome);
        /* As on aarch64, the prefetch flag wins. */
        if (MR_(2) != 0) {
            fault->is_instruction = true;
            fault->is_write = false;
        }
        break;
    default:
        /* No hardware debug API or virtualisation faults in the riscv64 kernels. */
        return -SEL4FT_EBADMSG;
    }
    return 0;
}

#undef MR_

int sel4ft_fault_decode_arch(uint32_t arch, uint64_t label, const uint64_t *mrs, uint32_t count,
                             sel4ft_fault_t *fault)
{
    if (fault == NULL || (mrs == NULL && count != 0) || arch >= SEL4FT_FAULT_ARCH_NUM) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_zero_(fault, sizeof(*fault));
    fault->arch = arch;
    fault->kind = label > UINT32_MAX ? UINT32_MAX : (uint32_t)label;
    int err = arch == SEL4FT_FAULT_ARCH_RISCV64 ? decode_riscv64(label, mrs, count, fault)
                                                : decode_aarch64(label, mrs, count, fault);
    if (err != 0) {
        /* Nothing half-decoded: the raw label and the architecture only. */
        uint32_t kind = fault->kind;
        sel4ft_zero_(fault, sizeof(*fault));
        fault->arch = arch;
        fault->kind = kind;
    }
    return err;
}

int sel4ft_fault_decode(uint64_t label, const uint64_t *mrs, uint32_t count, sel4ft_fault_t *fault)
{
    return sel4ft_fault_decode_arch(sel4ft_os_fault_arch(), label, mrs, count, fault);
}

int sel4ft_fault_format(const sel4ft_fault_t *fault, const char *pd_name, char *buffer, size_t size)
{
    if (fault == NULL) {
        return -SEL4FT_EINVAL;
    }
    /* Without a name the line starts with the fault's kind. */
    const char *name = pd_name != NULL ? pd_name : "";
    const char *colon = pd_name != NULL ? ": " : "";
    const char *kind = fault->kind == SEL4FT_FAULT_NULL || sel4ft_fault_kind_known(fault->arch, fault->kind)
                           ? sel4ft_fault_kind_str(fault->kind)
                           : "unknown fault";
    unsigned long ip = (unsigned long)fault->ip;
    unsigned long address = (unsigned long)fault->address;
    unsigned ec = fault->exception_class;
    /* A kind this architecture never sends is shown by its raw label. */
    uint32_t kind_known = sel4ft_fault_kind_known(fault->arch, fault->kind) ? fault->kind : SEL4FT_FAULT_NULL;

    if (fault->arch == SEL4FT_FAULT_ARCH_RISCV64) {
        unsigned long scause = (unsigned long)fault->syndrome;
        switch (kind_known) {
        case SEL4FT_FAULT_VM: {
            const char *access = fault->is_instruction ? "instruction fetch from" : fault->is_write ? "write to" : "read of";
            return sel4ft_fmt(buffer, size, "%s%s%s: %s 0x%lx at ip 0x%lx: %s [scause 0x%lx]", name, colon, kind,
                              access, address, ip, sel4ft_fault_cause_str(fault), scause);
        }
        case SEL4FT_FAULT_USER_EXCEPTION:
            return sel4ft_fmt(buffer, size, "%s%s%s: %s at ip 0x%lx, sp 0x%lx [scause 0x%lx]", name, colon, kind,
                              sel4ft_fault_cause_str(fault), ip, (unsigned long)fault->sp, scause);
        default:
            break; /* the kinds both architectures share are written alike */
        }
    }

    switch (kind_known) {
    case SEL4FT_FAULT_VM: {
        const char *access = fault->is_instruction ? "instruction fetch from" : fault->is_write ? "write to" : "read of";
        return sel4ft_fmt(buffer, size, "%s%s%s: %s 0x%lx at ip 0x%lx: %s [EC 0x%02x %s, FSC 0x%02x]", name, colon,
                          kind, access, address, ip, sel4ft_fault_status_str(fault->status_code), ec,
                          sel4ft_fault_exception_class_str(ec), fault->status_code);
    }
    case SEL4FT_FAULT_USER_EXCEPTION:
        return sel4ft_fmt(buffer, size, "%s%s%s: %s at ip 0x%lx, sp 0x%lx [EC 0x%02x, ESR 0x%lx]", name, colon, kind,
                          sel4ft_fault_exception_class_str(ec), ip, (unsigned long)fault->sp, ec,
                          (unsigned long)fault->esr);
    case SEL4FT_FAULT_VCPU:
        return sel4ft_fmt(buffer, size, "%s%s%s: %s [EC 0x%02x, ESR 0x%lx]", name, colon, kind,
                          sel4ft_fault_exception_class_str(ec), ec, (unsigned long)fault->esr);
    case SEL4FT_FAULT_CAP:
        return sel4ft_fmt(buffer, size, "%s%s%s: invoked capability 0x%lx at ip 0x%lx (lookup failure type %lu)",
                          name, colon, kind, address, ip, (unsigned long)fault->detail);
    case SEL4FT_FAULT_UNKNOWN_SYSCALL:
        return sel4ft_fmt(buffer, size, "%s%s%s: syscall %ld at ip 0x%lx, sp 0x%lx", name, colon, kind,
                          (long)fault->detail, ip, (unsigned long)fault->sp);
    case SEL4FT_FAULT_TIMEOUT:
        return sel4ft_fmt(buffer, size, "%s%s%s: budget exhausted (consumed %lu)", name, colon, kind,
                          (unsigned long)fault->detail);
    case SEL4FT_FAULT_DEBUG:
        return sel4ft_fmt(buffer, size, "%s%s%s: reason %lu at ip 0x%lx, address 0x%lx", name, colon, kind,
                          (unsigned long)fault->detail, ip, address);
    default:
        return sel4ft_fmt(buffer, size, "%s%s%s (label %u) at ip 0x%lx, detail 0x%lx", name, colon, kind,
                          (unsigned)fault->kind, ip, (unsigned long)fault->detail);
    }
}
