/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The block driver PD's sel4ft side. The driver is sDDF 0.6.0's virtio-blk driver (drivers/blk/virtio/block.c),
 * compiled from sDDF unmodified; the image links it with the library's restart shim (sel4ft/driver.h) through
 * --wrap=init --wrap=notified. This file tells the shim about the system (its regions and channels, from the
 * generated blk_config.h), stops the device before a restarted driver's rings are cleared, and carries out the
 * monitor's fault injections at the shim's points of I/O. */

#include <sel4ft/sel4ft.h>

#include "blk_config.h"
#include "blk_inject.h"
#include "blk_layout.h"

#define REGION(mr) { .vaddr = BLK_DRIVER_MAP_##mr##_VADDR, .size = BLK_DRIVER_MAP_##mr##_SIZE }

/* The virtio-mmio transport's Status register (virtio 1.2, 4.2.2: offset 0x070), where sDDF's driver maps the
 * transport. (sddf/virtio/virtio.h names it too, but defines functions that block.c defines as well.) */
#define VIRTIO_MMIO_STATUS 0x070u
#define VIRTIO_STATUS ((volatile uint32_t *)(uintptr_t)(BLK_DRIVER_MAP_BLK_REGS_VADDR + BLK_VIRTIO_MMIO_PADDR - \
                                                       BLK_DRIVER_MAP_BLK_REGS_PADDR + VIRTIO_MMIO_STATUS))

/* A device reset (virtio 1.2, 2.1 and 4.2.2.1: writing 0 to Status) makes the device drop its queues and finish
 * with the memory they named: it then writes nothing more into the rings the shim clears next. */
static void quiesce(void)
{
    *VIRTIO_STATUS = 0;
}

static void inject_hook(uint32_t point);

const sel4ft_driver_shim_config_t sel4ft_driver_shim_config = {
    .snapshot = REGION(BLK_DRIVER_SNAPSHOT),
    .handshake = (sel4ft_driver_handshake_t *)(uintptr_t)BLK_DRIVER_MAP_BLK_HANDSHAKE_VADDR,
    .upper_channel = BLK_DRIVER_CH_BLK_VIRT,
    .monitor_channel = BLK_DRIVER_CH_MONITOR_SUPERVISE,
    .heartbeat = (sel4ft_heartbeat_t *)(uintptr_t)BLK_DRIVER_MAP_BLK_DRIVER_HEARTBEAT_VADDR,
    .irq_channels = 1ull << BLK_DRIVER_IRQ_DEVICE,
    .reset = { REGION(BLK_VIRTIO_RINGS) },
    .log_ring = REGION(BLK_DRIVER_LOG),
    .log_channel = BLK_DRIVER_CH_LOGGER,
    .quiesce = quiesce,
    .hook = inject_hook,
};

/* The command being carried out: taken from the page, waiting for its point. In .bss: a restarted driver starts
 * with none (the monitor withdraws a command when the driver fails, before the new incarnation runs). */
static uint32_t last_sequence;
static bool armed;
static blk_inject_command_t command;

static void say(uint32_t level, const char *kind, const blk_inject_command_t *c)
{
    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), kind);
    sel4ft_logfmt_u64(&line, "n", c->number);
    sel4ft_logfmt_str(&line, "kind", c->kind < INJECT_KINDS ? inject_kind_names[c->kind] : "?");
    sel4ft_logfmt_str(&line, "point", c->point < SEL4FT_DRIVER_POINT_NUM ? blk_inject_point_names[c->point] : "?");
    sel4ft_log_event(level, &line);
}

/* Take a new command, copied and checked (nothing is used from the page itself). */
static void take(void)
{
    const volatile blk_campaign_page_t *page = (const volatile blk_campaign_page_t *)BLK_DRIVER_MAP_CAMPAIGN_VADDR;
    uint32_t sequence = __atomic_load_n(&page->command.sequence, __ATOMIC_ACQUIRE);
    if (sequence == 0 || sequence == last_sequence) {
        return;
    }
    blk_inject_command_t copy = { sequence, page->command.kind, page->command.point, page->command.skip,
                                  page->command.number };
    if (__atomic_load_n(&page->command.sequence, __ATOMIC_ACQUIRE) != sequence) {
        return; /* changed meanwhile: taken next time */
    }
    last_sequence = sequence;
    if (copy.kind >= INJECT_KINDS || (BLK_INJECT_KINDS & INJECT_BIT(copy.kind)) == 0 ||
        copy.point >= SEL4FT_DRIVER_POINT_NUM || copy.skip >= BLK_INJECT_SKIP_MAX) {
        return;
    }
    command = copy;
    armed = true;
}

static void inject_hook(uint32_t point)
{
    take();
    if (!armed || point != command.point) {
        return;
    }
    if (command.skip > 0) {
        command.skip--;
        return;
    }
    armed = false;
    /* The logger runs above this PD: the line is out before the fault. */
    say(SEL4FT_LOG_INFO, "inject", &command);
    switch (command.kind) {
    case INJECT_NULL_READ:
        (void)*(volatile uint32_t *)0;
        break;
    case INJECT_NULL_WRITE:
        *(volatile uint32_t *)0 = 1;
        break;
    case INJECT_UNMAPPED_WRITE:
        *(volatile uint32_t *)0x10000000 = 1;
        break;
    case INJECT_UNDEFINED_INSTRUCTION:
        __asm__ volatile("udf #0");
        break;
    case INJECT_HANG:
        for (;;) {
            __asm__ volatile("" ::: "memory");
        }
    default:
        break;
    }
    say(SEL4FT_LOG_ERROR, "inject_not_faulted", &command);
}
