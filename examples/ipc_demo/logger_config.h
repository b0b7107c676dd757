/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* ipc_demo's logger: the rings it drains and their channels (see ipc_demo.system). */
#define LOGGER_RINGS(X) X(client, 0) X(server, 1)
#define LOGGER_FINISH_CHANNEL 9
