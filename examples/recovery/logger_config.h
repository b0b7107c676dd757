/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include "scenario.h"

#if SCENARIO == SCENARIO_INJECT
/* inject.system: the logger is a child of the monitor and an injection target. */
#define LOGGER_RINGS(X) X(client_a, 0) X(client_b, 1) X(server, 2) X(crasher, 3) X(monitor, 5)
#define LOGGER_FINISH_CHANNEL 9
#define LOGGER_SUPERVISOR_CHANNEL 8
#define LOGGER_INJECT_CHANNEL 10
#else
/* recovery's logger: the rings it drains and their channels (see recovery.system). */
#define LOGGER_RINGS(X) X(client_a, 0) X(client_b, 1) X(server, 2) X(crasher, 3) X(hanger, 4) X(monitor, 5)
#define LOGGER_FINISH_CHANNEL 9
#endif
