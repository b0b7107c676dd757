/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The echo server, built restartable: it crashes on OP_CRASH and restarts under the monitor. */
#define RESTARTABLE
#include "echo_server.c"
