/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* fault_tolerance's logger: the rings it drains and their channels (see fault_tolerance.system). */
#define LOGGER_RINGS(X) X(client, 0) X(server, 1) X(crasher, 2) X(monitor, 3)
#define LOGGER_FINISH_CHANNEL 9
