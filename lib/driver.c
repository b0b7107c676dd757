/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The restart handshake between a restartable driver and the component above it (see sel4ft/driver.h). */

#include <sel4ft/driver.h>
#include <sel4ft/fence.h>

void sel4ft_driver_announce(sel4ft_driver_handshake_t *handshake, uint64_t incarnation)
{
    /* Release: the driver's init() (its device set up, its storage information written) happens before the
     * other side sees the incarnation; pairs with the acquire in sel4ft_driver_pending(). */
    sel4ft_store_release_u64(&handshake->started, incarnation);
}

bool sel4ft_driver_is_admitted(const sel4ft_driver_handshake_t *handshake, uint64_t incarnation)
{
    /* Acquire: the queues the other side put in order before admitting are seen as it left them; pairs with
     * the release in sel4ft_driver_admit(). */
    return sel4ft_load_acquire_u64(&handshake->admitted) == incarnation;
}

bool sel4ft_driver_pending(const sel4ft_driver_handshake_t *handshake, uint64_t *incarnation)
{
    /* Acquire: pairs with the release in sel4ft_driver_announce(). The admitted word is this side's own. */
    uint64_t started = sel4ft_load_acquire_u64(&handshake->started);
    if (started == 0 || started == sel4ft_load_relaxed_u64(&handshake->admitted)) {
        return false;
    }
    *incarnation = started;
    return true;
}

void sel4ft_driver_admit(sel4ft_driver_handshake_t *handshake, uint64_t incarnation)
{
    /* Release: the queues' new indices and the requests queued again are visible before the admission; pairs
     * with the acquire in sel4ft_driver_is_admitted(). */
    sel4ft_store_release_u64(&handshake->admitted, incarnation);
}
