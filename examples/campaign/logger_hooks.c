/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The logger as a campaign target: common/logger.c hands it the notifications of channels it does not own
 * (LOGGER_NOTIFIED_HOOK in logger_config.h). On the injection channel it takes the monitor's command and
 * carries it out; having no ring of its own, it writes its lines to the console. */

#include <sel4ft/sel4ft.h>

#include "campaign.h"
#include "campaign_config.h"

bool logger_injection(sel4ft_channel_t channel)
{
    if (channel != LOGGER_CH_MONITOR_INJECT) {
        return false;
    }
    /* No ring and no flood (the schedule gives the logger none), so no heartbeat to beat during one either. */
    static const campaign_target_t logger = { .target = INJECT_TARGET_LOGGER, .channel = LOGGER_CH_MONITOR_INJECT };
    inject_at(&logger, INJECT_POINT_BEFORE);
    return true;
}
