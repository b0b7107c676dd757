/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The server as a campaign target: common/recovery_server.c calls these hooks at the points of every update,
 * where the monitor's injections for the server strike. Its clients cannot arm faults here: the campaign's come
 * from the monitor only. */

#include "campaign.h"
#include "campaign_config.h"
#include "recovery_server.h"

/* The server's points of an update are the schedule's (inject_point_of: before, middle, after). */
_Static_assert((int)SEL4FT_SERVICE_BEFORE_APPLY == (int)INJECT_POINT_BEFORE &&
                   (int)SEL4FT_SERVICE_BEFORE_COMMIT == (int)INJECT_POINT_MIDDLE &&
                   (int)SEL4FT_SERVICE_BEFORE_REPLY == (int)INJECT_POINT_AFTER,
               "the server's update points are the schedule's injection points");

static const campaign_target_t server = {
    .target = INJECT_TARGET_SERVER, .channel = SERVER_CH_MONITOR_INJECT, .logs = true, .heartbeat = NULL /* passive */
};

static void at(sel4ft_service_t *service, sel4ft_service_point_t point)
{
    (void)service;
    inject_at(&server, point);
}

const recovery_server_hooks_t recovery_server_hooks = { .arm = NULL, .at = at };
