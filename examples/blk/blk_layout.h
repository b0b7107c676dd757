/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* What the block system's PDs agree on beyond blk.system (whose addresses and channel ids are in the generated
 * blk_config.h). */

/* Entries in each of sDDF's request and response queues (driver <-> virtualiser, virtualiser <-> client): the
 * most requests either side has outstanding. */
#define BLK_QUEUE_CAPACITY 128u

/* The virtio-mmio transport inside the page blk_regs maps (QEMU virt's last transport, where the first
 * virtio-blk-device goes; sDDF's dts/qemu_virt_aarch64.dts, virtio_mmio@a003e00). */
#define BLK_VIRTIO_MMIO_PADDR 0xa003e00u
#define BLK_VIRTIO_MMIO_SIZE 0x200u

#include <stdint.h>

/* The supervision page: the driver's state as its monitor last saw it. The monitor writes it (release) before it
 * returns from any entry point, so the virtualiser, which it notifies as the driver's dependent and which runs
 * below it, reads it (acquire) up to date. */
typedef struct {
    uint32_t state;       /* sel4ft_faultmon_state_t of blk_driver */
    uint32_t reserved;
    uint64_t incarnation; /* the driver incarnation that runs, or ran last */
} blk_supervision_t;
