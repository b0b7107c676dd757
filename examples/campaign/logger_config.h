/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The campaign's logger (see campaign.system): a child of the monitor, which supervises it, and an injection
 * target (logger_hooks.c). */
#define LOGGER_RINGS(X) X(client_a, 0) X(client_b, 1) X(server, 2) X(crasher, 3) X(monitor, 5)
#define LOGGER_FINISH_CHANNEL 9
#define LOGGER_SUPERVISOR_CHANNEL 8
#define LOGGER_NOTIFIED_HOOK logger_injection
