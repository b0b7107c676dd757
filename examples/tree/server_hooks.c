/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The server (common/recovery_server.c) in the supervision tree: no faults are injected into it; it is the child the
 * monitor's restarts must leave alone. */

#include "recovery_server.h"

const recovery_server_hooks_t recovery_server_hooks = { .arm = NULL, .at = NULL };
