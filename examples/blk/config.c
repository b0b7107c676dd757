/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* sDDF's config blobs for blk.system, without sDDF's generator (sdfgen, a PyPI package): one initialised struct
 * from sDDF's own headers per section a program image reads its configuration from, compiled for aarch64 like
 * the images themselves. examples/example.mk copies each section out of this object and into its image
 * (objcopy --update-section: <pd>_CONFIG_SECTIONS in the Makefile). Every address, size and channel id comes
 * from blk_config.h, which tools/sel4ft-sdf generates from blk.system, so the blobs cannot drift from the
 * system description. This object is never linked into anything. */

#include <sddf/blk/config.h>
#include <sddf/resources/device.h>

#include "blk_config.h"
#include "blk_layout.h"

/* sddf/blk/config.h's SDDF_BLK_MAGIC and sddf/resources/device.h's DEVICE_MAGIC (arrays, which cannot
 * initialise another array): the images check them at init. */
#define BLK_MAGIC { 's', 'D', 'D', 'F', 0x2 }
#define DEVICE_MAGIC_BYTES { 's', 'D', 'D', 'F', 0x1 }

#define REGION(pd, mr) { .vaddr = (void *)(uintptr_t)pd##_MAP_##mr##_VADDR, .size = pd##_MAP_##mr##_SIZE }
#define DEVICE_REGION(pd, mr) { .region = REGION(pd, mr), .io_addr = pd##_MAP_##mr##_PADDR }

/* The queues hold BLK_QUEUE_CAPACITY entries each (blk_layout.h): they must fit their regions. */
_Static_assert(sizeof(blk_req_queue_t) + BLK_QUEUE_CAPACITY * sizeof(blk_req_t) <= BLK_DRIVER_MAP_BLK_DRIVER_REQUESTS_SIZE,
               "the driver's request queue does not fit its region");
_Static_assert(sizeof(blk_resp_queue_t) + BLK_QUEUE_CAPACITY * sizeof(blk_resp_t) <= BLK_DRIVER_MAP_BLK_DRIVER_RESPONSES_SIZE,
               "the driver's response queue does not fit its region");
_Static_assert(sizeof(blk_req_queue_t) + BLK_QUEUE_CAPACITY * sizeof(blk_req_t) <= CLIENT_MAP_BLK_CLIENT_REQUESTS_SIZE,
               "the client's request queue does not fit its region");
_Static_assert(sizeof(blk_resp_queue_t) + BLK_QUEUE_CAPACITY * sizeof(blk_resp_t) <= CLIENT_MAP_BLK_CLIENT_RESPONSES_SIZE,
               "the client's response queue does not fit its region");
_Static_assert(BLK_VIRTIO_MMIO_PADDR - BLK_DRIVER_MAP_BLK_REGS_PADDR + BLK_VIRTIO_MMIO_SIZE <= BLK_DRIVER_MAP_BLK_REGS_SIZE,
               "the virtio-mmio transport is not inside the page blk_regs maps");

/* blk_driver (sDDF's drivers/blk/virtio/block.c): its device (registers, request headers, virtqueue rings, in
 * the order block.c expects them) and its connection to the virtualiser. */
__attribute__((section(".device_resources"))) const device_resources_t blk_driver_device_resources = {
    .magic = DEVICE_MAGIC_BYTES,
    .num_regions = 3,
    .num_irqs = 1,
    .regions = {
        [0] = { .region = { .vaddr = (void *)(uintptr_t)(BLK_DRIVER_MAP_BLK_REGS_VADDR + BLK_VIRTIO_MMIO_PADDR -
                                                         BLK_DRIVER_MAP_BLK_REGS_PADDR),
                            .size = BLK_VIRTIO_MMIO_SIZE },
                .io_addr = BLK_VIRTIO_MMIO_PADDR },
        [1] = DEVICE_REGION(BLK_DRIVER, BLK_VIRTIO_HEADERS),
        [2] = DEVICE_REGION(BLK_DRIVER, BLK_VIRTIO_RINGS),
    },
    .irqs = { [0] = { .id = BLK_DRIVER_IRQ_DEVICE } },
};

__attribute__((section(".blk_driver_config"))) const blk_driver_config_t blk_driver_config = {
    .magic = BLK_MAGIC,
    .virt = {
        .storage_info = REGION(BLK_DRIVER, BLK_DRIVER_STORAGE_INFO),
        .req_queue = REGION(BLK_DRIVER, BLK_DRIVER_REQUESTS),
        .resp_queue = REGION(BLK_DRIVER, BLK_DRIVER_RESPONSES),
        .num_buffers = BLK_QUEUE_CAPACITY,
        .id = BLK_DRIVER_CH_BLK_VIRT,
    },
};

/* blk_virt (sel4ft's virtualiser, virt.c): the driver below it, one client above it on partition 0. */
__attribute__((section(".blk_virt_config"))) const blk_virt_config_t blk_virt_config = {
    .magic = BLK_MAGIC,
    .num_clients = 1,
    .driver = {
        .conn = {
            .storage_info = REGION(BLK_VIRT, BLK_DRIVER_STORAGE_INFO),
            .req_queue = REGION(BLK_VIRT, BLK_DRIVER_REQUESTS),
            .resp_queue = REGION(BLK_VIRT, BLK_DRIVER_RESPONSES),
            .num_buffers = BLK_QUEUE_CAPACITY,
            .id = BLK_VIRT_CH_BLK_DRIVER,
        },
        .data = DEVICE_REGION(BLK_VIRT, BLK_VIRT_DATA),
    },
    .clients = {
        [0] = {
            .conn = {
                .storage_info = REGION(BLK_VIRT, BLK_CLIENT_STORAGE_INFO),
                .req_queue = REGION(BLK_VIRT, BLK_CLIENT_REQUESTS),
                .resp_queue = REGION(BLK_VIRT, BLK_CLIENT_RESPONSES),
                .num_buffers = BLK_QUEUE_CAPACITY,
                .id = BLK_VIRT_CH_CLIENT,
            },
            .data = DEVICE_REGION(BLK_VIRT, BLK_CLIENT_DATA),
            .partition = 0,
        },
    },
};

/* client (client.c): its connection to the virtualiser and its data region. */
__attribute__((section(".blk_client_config"))) const blk_client_config_t client_config = {
    .magic = BLK_MAGIC,
    .virt = {
        .storage_info = REGION(CLIENT, BLK_CLIENT_STORAGE_INFO),
        .req_queue = REGION(CLIENT, BLK_CLIENT_REQUESTS),
        .resp_queue = REGION(CLIENT, BLK_CLIENT_RESPONSES),
        .num_buffers = BLK_QUEUE_CAPACITY,
        .id = CLIENT_CH_BLK_VIRT,
    },
    .data = REGION(CLIENT, BLK_CLIENT_DATA),
};
