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
 * @defgroup os Port layer
 * @brief The only way library code reaches the operating system.
 *
 * This header is the contract; a backend implements it. The backend is chosen
 * by the include path, as sDDF chooses its OS layer: the build puts exactly one
 * of `lib/port/microkit/include` (protection domains on seL4 Microkit) and
 * `lib/port/linux/include` (host tests and the Linux baseline) on the path, and
 * both provide `<sel4ft/port.h>`. `lib/sel4ft.mk` does this for every build.
 *
 * The hot calls (message tags, message registers, notify, PPC, the counter) are
 * `static inline` in the backend, so on Microkit they cost what the
 * libmicrokit call they wrap costs. The message tag type, sel4ft_msginfo_t, is
 * the backend's own: on Microkit it is `microkit_msginfo`, so a PD passes
 * the tags its entry points receive straight to the library and returns the
 * library's tags from `protected()` unchanged. Build a tag with
 * sel4ft_msginfo_new() and read it with sel4ft_msginfo_label(),
 * sel4ft_msginfo_count() and sel4ft_msginfo_matches().
 *
 * Board and tool facts (a PD's entry point and initial stack, the UART, the
 * timer) live in the backend; nothing here names them. The Microkit backend
 * keeps what differs per architecture in its header (the counter read, the
 * kind of fault message) and what differs per board in one source file per
 * board, `lib/port/microkit/board/BOARD.c`, which the build chooses from
 * MICROKIT_BOARD (qemu_virt_aarch64 or qemu_virt_riscv64).
 * @{
 */

/** A Microkit channel id (0..SEL4FT_OS_MAX_CHANNEL). */
typedef uint32_t sel4ft_channel_t;

/** A Microkit child PD id, as the parent's system description gives it. */
typedef uint32_t sel4ft_child_t;

/** The largest channel id Microkit accepts. */
#define SEL4FT_OS_MAX_CHANNEL 61u

/** The number of message registers a protected procedure call carries each way. */
#define SEL4FT_OS_MAX_MRS 64u

/** @} */

#include <sel4ft/port.h>

#ifndef SEL4FT_PORT_NAME
#error "<sel4ft/port.h> is not a sel4ft port: put lib/port/microkit/include or lib/port/linux/include on the path"
#endif

/**
 * @addtogroup os
 * @{
 */

/**
 * @brief Make a message tag.
 * @param label The label.
 * @param count Message registers in use, 0..SEL4FT_OS_MAX_MRS.
 * @return The tag.
 */
sel4ft_msginfo_t sel4ft_msginfo_new(uint64_t label, uint32_t count);

/**
 * @brief A message tag's label.
 * @param message The tag.
 * @return Its label.
 */
uint64_t sel4ft_msginfo_label(sel4ft_msginfo_t message);

/**
 * @brief How many message registers a tag says are in use.
 * @param message The tag.
 * @return The count.
 */
uint32_t sel4ft_msginfo_count(sel4ft_msginfo_t message);

/**
 * @brief Whether a tag is exactly the one sel4ft_msginfo_new(@p label, @p count) makes.
 *
 * One comparison on Microkit, where it also checks that no capabilities came with the message.
 * @param message The tag.
 * @param label The label expected.
 * @param count The message register count expected.
 * @return true if label and count (and, on Microkit, the capability fields) match.
 */
bool sel4ft_msginfo_matches(sel4ft_msginfo_t message, uint64_t label, uint32_t count);

/**
 * @brief Whether a tag's label, from bit @p shift up, is @p upper, and its count @p count.
 *
 * For labels that carry fields in their low bits: one comparison on Microkit (which also checks that no
 * capabilities came with the message).
 * @param message The tag.
 * @param upper The label's bits from @p shift up.
 * @param shift Where they start, 0..51.
 * @param count The message register count expected.
 * @return true if they match.
 */
bool sel4ft_msginfo_matches_upper(sel4ft_msginfo_t message, uint64_t upper, uint32_t shift, uint32_t count);

/**
 * @brief Signal a notification channel.
 * @param ch A channel this PD may notify. An invalid channel is reported by the
 *        backend and ignored (Microkit prints it in debug builds).
 */
void sel4ft_os_notify(sel4ft_channel_t ch);

/**
 * @brief Make a protected procedure call and wait for its reply.
 *
 * Set the request's message registers with sel4ft_os_mr_set() first; read the
 * reply's with sel4ft_os_mr_get() afterwards.
 * @param ch A channel on which this PD may call.
 * @param msg The request tag.
 * @return The reply tag. Label 0 with count 0 means no reply (invalid channel).
 */
sel4ft_msginfo_t sel4ft_os_ppcall(sel4ft_channel_t ch, sel4ft_msginfo_t msg);

/**
 * @brief Set a message register of the next call or reply.
 * @param index 0..SEL4FT_OS_MAX_MRS-1; larger indices are ignored.
 * @param value The value.
 */
void sel4ft_os_mr_set(uint32_t index, uint64_t value);

/**
 * @brief Read a message register of the message just received.
 * @param index 0..SEL4FT_OS_MAX_MRS-1; larger indices read as 0.
 * @return The register's value.
 */
uint64_t sel4ft_os_mr_get(uint32_t index);

/**
 * @brief Copy bytes on a hot path.
 *
 * On Microkit it is inline, so a copy costs no function call (and a caller
 * that makes no other call needs no stack frame): load/store pairs of general
 * registers when both sides are 8-byte aligned (aarch64, -mstrict-align, no
 * SIMD registers), bytes otherwise; the PD library's memcpy is the same code.
 * On Linux it is memcpy. Each source byte is read once. The areas must not
 * overlap.
 * @param destination Where to copy to.
 * @param source Where to copy from.
 * @param length Bytes; 0 copies nothing (either pointer may then be NULL).
 */
void sel4ft_os_copy(void *destination, const void *source, size_t length);

/**
 * @brief Read the free-running system counter.
 * @return Counter ticks since an arbitrary origin: on Microkit CNTPCT_EL0 (aarch64) or the time CSR
 *         (riscv64); on Linux the generic timer's virtual count (CNTVCT_EL0) on aarch64, CLOCK_MONOTONIC
 *         nanoseconds elsewhere.
 */
uint64_t sel4ft_os_ticks(void);

/**
 * @brief The counter's frequency: the one rate every sel4ft_os_ticks() value is in.
 * @return Ticks per second (CNTFRQ_EL0 on aarch64, the board's timebase on riscv64: 10000000 on QEMU
 *         virt; 1000000000 for CLOCK_MONOTONIC).
 */
uint64_t sel4ft_os_tick_hz(void);

/**
 * @brief Write bytes to the console.
 *
 * On Microkit the bytes go to the UART when sel4ft_os_console_use_uart() was
 * called (works in every kernel configuration), else to the kernel's debug
 * console (debug configuration only). On Linux they go to standard error.
 * @param text The bytes; need not be NUL-terminated.
 * @param length How many bytes to write.
 */
void sel4ft_os_console_write(const char *text, size_t length);

/**
 * @brief Send console output straight to the board's UART, mapped into this PD.
 *
 * Map the UART's page uncached (`cached="false"`); the backend knows the
 * UART's kind (on QEMU virt a PL011 at 0x9000000 for aarch64, an
 * NS16550-compatible UART at 0x10000000 for riscv64). Newlines are expanded to
 * CR LF. Only one PD of a system should drive the UART.
 * @param base The virtual address of the UART's registers; 0 restores the default.
 * @return 0, or -SEL4FT_ENOTSUP where there is no UART (Linux).
 */
int sel4ft_os_console_use_uart(uintptr_t base);

/**
 * @brief This PD's name.
 * @return The name from the system description (Microkit), or the name set
 *         with sel4ft_os_linux_set_name() (Linux). Never NULL.
 */
const char *sel4ft_os_name(void);

/**
 * @brief Restart a stopped or faulted child PD from its entry point, on a clean stack.
 *
 * Unlike microkit_pd_restart(), which sets only the program counter, this also
 * resets the stack pointer (and every other register), so the child does not
 * run on what its crashed incarnation left behind. The backend knows the entry
 * point and the stack top the Microkit tool gives every PD.
 *
 * The child must own a scheduling context at that moment to run again: an
 * active PD, or a passive PD that faulted while running on a caller's. An idle
 * passive PD (its context is bound to its notification) or a client blocked in
 * a call (it lent its context to the server) would be left unable to run.
 * @param child The child's id.
 * @return 0; -SEL4FT_EINVAL for an id above the backend's largest;
 *         -SEL4FT_EIO if the kernel refused; -SEL4FT_ENOTSUP where there is no
 *         such control (Linux without a hook).
 */
int sel4ft_os_child_restart(sel4ft_child_t child);

/**
 * @brief Stop (suspend) a child PD.
 * @param child The child's id.
 * @return 0, -SEL4FT_EINVAL, -SEL4FT_EIO if the kernel refused, or -SEL4FT_ENOTSUP.
 */
int sel4ft_os_child_stop(sel4ft_child_t child);

/**
 * @brief How long a child has waited, ready to run, for a processor: the part of its time it could not use.
 *
 * The supervision engine judges heartbeats by the time a child could run (wall time less this), so a child
 * starved by the machine's load is not taken for hung. On Microkit the port cannot tell (a child starved by
 * watched children of higher priority is told apart by their priorities instead, see
 * sel4ft_faultmon_child_config_t.priority).
 * @param child The child's id.
 * @param ticks Set to the time it has waited so far, in sel4ft_os_ticks() units (it only grows while the child
 *        runs the same incarnation).
 * @return 0; -SEL4FT_EAGAIN when the child has ended and its end is not yet handled (judge nothing now);
 *         -SEL4FT_ENOTSUP where the port cannot tell (Microkit; Linux without a hook).
 */
int sel4ft_os_child_waited(sel4ft_child_t child, uint64_t *ticks);

/**
 * @brief Where this PD's writable image (initialised data and bss) lies.
 * @param start Set to its first byte.
 * @param size Set to its size.
 * @return 0, or -SEL4FT_ENOTSUP (Linux).
 */
int sel4ft_os_image_writable(uintptr_t *start, size_t *size);

/**
 * @brief Reply to the caller a crash left waiting, then run the PD's event loop.
 *
 * On Microkit: libmicrokit's event loop (dispatching to `notified()`,
 * `protected()` and `fault()`), entered with seL4_ReplyRecv on the PD's reply
 * object instead of a plain receive. Never returns there. On Linux it returns at once.
 * @param first_reply The reply (its message registers already set).
 */
void sel4ft_os_serve_after_restart(sel4ft_msginfo_t first_reply);

/**
 * @brief Tell the backend where the board's timer device is mapped in this PD, if it needs one.
 *
 * On qemu_virt_aarch64 the timer is the EL1 physical timer, a set of system
 * registers: nothing is mapped and @p base is ignored. On qemu_virt_riscv64 it
 * is QEMU's Goldfish RTC (physical address 0x101000, one page, map it
 * uncached), since seL4 exports no CPU timer to user level there. Call it
 * before sel4ft_os_timer_set(); doc/timers.md says why each board uses what.
 * @param base The virtual address of the device's registers; 0 forgets it.
 * @return 0 when the timer can then be armed; -SEL4FT_ENOTSUP when it cannot:
 *         on riscv64 with @p base 0, on Linux without a timer hook.
 */
int sel4ft_os_timer_use_device(uintptr_t base);

/**
 * @brief Arm the one-shot timer to fire when the counter reaches a deadline.
 *
 * The timer's interrupt must be given to the PD as an `irq` in the system
 * description: on QEMU virt the EL1 physical timer's PPI 30 (aarch64), the
 * Goldfish RTC's PLIC interrupt 11 (riscv64). A deadline in the past fires at
 * once. The interrupt is level-triggered on both boards: when it arrives, call
 * this (with the next deadline, or 0) before sel4ft_os_irq_ack(), which drops
 * the line; otherwise the acknowledgement raises it again at once.
 * @param deadline_ticks The deadline in sel4ft_os_ticks() units; 0 disarms.
 * @return 0; -SEL4FT_ENOTSUP where there is no timer (Linux), or on riscv64
 *         before sel4ft_os_timer_use_device().
 */
int sel4ft_os_timer_set(uint64_t deadline_ticks);

/**
 * @brief Acknowledge an interrupt delivered on a channel, so it can fire again.
 * @param ch The IRQ's channel.
 */
void sel4ft_os_irq_ack(sel4ft_channel_t ch);

/**
 * @brief The architecture whose seL4 fault messages this PD receives.
 *
 * A fault message's registers mean different things on each architecture;
 * sel4ft_fault_decode() asks this, sel4ft_fault_decode_arch() is told.
 * @return A sel4ft_fault_arch_t: SEL4FT_FAULT_ARCH_AARCH64 or
 *         SEL4FT_FAULT_ARCH_RISCV64 on Microkit, as compiled; on Linux, which
 *         receives seL4 fault messages only from tests, the hooks' `fault_arch`
 *         (aarch64 unless set).
 */
uint32_t sel4ft_os_fault_arch(void);

/** @} */
