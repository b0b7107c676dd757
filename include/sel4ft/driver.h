/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/os.h>

/**
 * @defgroup driver Restartable drivers
 * @brief Restart a device driver that was written without restarts in mind (sDDF's, unmodified), and hand it
 *        back its queues without the component above it losing or repeating a request.
 *
 * Two parts.
 *
 * **The shim** is linked into the driver's program image with the linker's
 * symbol wrapping (`-Wl,--wrap=init,--wrap=notified` or, with ld itself,
 * `--wrap=init --wrap=notified`): libmicrokit then calls the shim's init()
 * and notified(), which call the driver's. Since libmicrokit comes after
 * libsel4ft on the link line, name the shim's two symbols as undefined before
 * the libraries (`-u __wrap_init -u __wrap_notified`), so that ld takes the
 * shim from libsel4ft. Its init(), before the driver's:
 * - restores the driver's `.data` and `.bss` as they were at first start
 *   (sel4ft_restart_begin(): the first start takes the snapshot, so the
 *   snapshot is taken before the driver's own init() has run);
 * - on a restart: stops the device's DMA (the system's quiesce hook), clears
 *   the regions the system marks reset-on-restart (a virtqueue's rings, which
 *   the device would otherwise read again) and acknowledges every interrupt
 *   of the PD (one the crash left unacknowledged stays masked for good);
 * then runs the driver's init(), which sets the device up from scratch, and
 * announces the new incarnation to the component above (the handshake
 * below) on the channel to it. Until that component admits it, the shim
 * holds back the notifications from that component and the device's
 * interrupts, so the new incarnation does not touch the shared queues while
 * their owner puts them in order; on admission it hands them over, and tells
 * its monitor that the driver serves. It answers the monitor's heartbeat
 * requests itself, so a hung driver is found.
 *
 * **The handshake** is one shared page between the driver and the component
 * above (an sDDF virtualiser). The driver's side writes the incarnation that
 * has started; the other side writes the incarnation it has admitted. The
 * shared queue indices change hands with it: while the two differ, the
 * component above owns all of them (it takes the completions the old
 * incarnation published, resets the queues, and queues again every request
 * the old incarnation had not completed); once they are equal, the driver
 * owns its ends again. Each word has one writer; each side reads the other's
 * as untrusted.
 * @{
 */

/** The handshake page's layout (shared: fixed-width fields only, each with one writer). */
typedef struct sel4ft_driver_handshake {
    uint64_t started;  /**< Written by the driver's shim only: the incarnation whose init() has run (0: none). */
    uint64_t admitted; /**< Written by the component above only: the incarnation it handed the queues to. */
    uint64_t reserved[6]; /**< 0. */
} sel4ft_driver_handshake_t;

_Static_assert(sizeof(sel4ft_driver_handshake_t) == 64, "handshake layout");

/**
 * @brief The driver's side: announce that @p incarnation has initialised and waits to be admitted.
 * @param handshake The handshake page.
 * @param incarnation The incarnation (1 at first start, then 2, 3, ...).
 */
void sel4ft_driver_announce(sel4ft_driver_handshake_t *handshake, uint64_t incarnation);

/**
 * @brief The driver's side: has the component above admitted @p incarnation?
 * @param handshake The handshake page.
 * @param incarnation This incarnation.
 * @return true once it has (the queues are in order and the driver's to use).
 */
bool sel4ft_driver_is_admitted(const sel4ft_driver_handshake_t *handshake, uint64_t incarnation);

/**
 * @brief The side above: is an incarnation waiting to be admitted?
 * @param handshake The handshake page.
 * @param incarnation Set to the incarnation that waits.
 * @return true if the driver announced an incarnation other than the one last admitted (any other value counts:
 *         the driver is not trusted, and the worst a wrong value does is make the queues be put in order again).
 */
bool sel4ft_driver_pending(const sel4ft_driver_handshake_t *handshake, uint64_t *incarnation);

/**
 * @brief The side above: hand the queues to @p incarnation (after putting them in order), then notify it.
 * @param handshake The handshake page.
 * @param incarnation As sel4ft_driver_pending() gave it.
 */
void sel4ft_driver_admit(sel4ft_driver_handshake_t *handshake, uint64_t incarnation);

/** The most reset-on-restart regions a shim clears. */
#define SEL4FT_DRIVER_RESET_REGIONS 4u

/** Where the shim calls the system's hook (fault injection, tracing): around the driver's work. */
typedef enum {
    SEL4FT_DRIVER_BEFORE_IRQ = 0, /**< An interrupt came: before the driver handles it. */
    SEL4FT_DRIVER_AFTER_IRQ,      /**< After the driver handled an interrupt. */
    SEL4FT_DRIVER_BEFORE_REQUEST, /**< The component above notified: before the driver takes its requests. */
    SEL4FT_DRIVER_AFTER_REQUEST,  /**< After the driver took them (and handed them to the device). */
    SEL4FT_DRIVER_POINT_NUM
} sel4ft_driver_point_t;

/** A memory region of the driver, by its address in the driver PD. */
typedef struct sel4ft_driver_region {
    uintptr_t vaddr; /**< Its address (0: none). */
    size_t size;     /**< Its size in bytes. */
} sel4ft_driver_region_t;

/** What a shim needs to know of its system. The shim reads it from the read-only image (define it `const`), so
 *  a wild write of the crashed driver cannot redirect its restart. */
typedef struct sel4ft_driver_shim_config {
    sel4ft_driver_region_t snapshot;    /**< The restart snapshot (sel4ft_restart_begin()); private to the PD. */
    sel4ft_driver_handshake_t *handshake; /**< The handshake page shared with the component above. */
    sel4ft_channel_t upper_channel;     /**< The channel to the component above. */
    sel4ft_channel_t monitor_channel;   /**< The channel to the monitor: heartbeat requests in, "serving" out. */
    sel4ft_heartbeat_t *heartbeat;      /**< The heartbeat the monitor reads, or NULL. */
    uint64_t irq_channels;              /**< Bit n: channel n is an interrupt (acknowledged on a restart, held
                                             back until admission). */
    sel4ft_driver_region_t reset[SEL4FT_DRIVER_RESET_REGIONS]; /**< Cleared on every restart (vaddr 0: unused). */
    sel4ft_driver_region_t log_ring;    /**< The PD's log ring, which the shim attaches the PD's log (@ref log)
                                             to; vaddr 0: the console. The system's hook logs there too. */
    sel4ft_channel_t log_channel;       /**< The log ring's channel to its consumer. */
    /** On a restart, before the reset regions are cleared: stop the device (for example a virtio reset), so
     *  that it writes no more into them. NULL: nothing to stop. */
    void (*quiesce)(void);
    /** Called at each point (sel4ft_driver_point_t) of an admitted driver; NULL: none. */
    void (*hook)(uint32_t point);
} sel4ft_driver_shim_config_t;

/** The system's shim configuration: a driver PD linked with the shim defines it. */
extern const sel4ft_driver_shim_config_t sel4ft_driver_shim_config;

/**
 * @brief The shim's state, for the system's hook and tests.
 * @param incarnation Set to the running incarnation (1 at first start).
 * @return true once the component above has admitted it.
 */
bool sel4ft_driver_shim_state(uint64_t *incarnation);

/** @} */
