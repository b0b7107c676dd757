/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* recovery's logger: the rings it drains and their channels (see recovery.system). */
#define LOGGER_RINGS(X) X(client_a, 0) X(client_b, 1) X(server, 2) X(crasher, 3) X(hanger, 4) X(monitor, 5)
#define LOGGER_FINISH_CHANNEL 9
