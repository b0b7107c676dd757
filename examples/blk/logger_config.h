/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The block system's logger (see blk.system). */
#define LOGGER_RINGS(X) X(monitor, 0) X(blk_driver, 1) X(blk_virt, 2) X(client, 3)
#define LOGGER_FINISH_CHANNEL 9
