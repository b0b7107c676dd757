/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Umbrella header: every module of the library. */

#include <sel4ft/error.h>
#include <sel4ft/fence.h>
#include <sel4ft/fmt.h>
#include <sel4ft/logfmt.h>
#include <sel4ft/os.h>
#include <sel4ft/logring.h>
#include <sel4ft/logger.h>
#include <sel4ft/rpc.h>
#include <sel4ft/fault.h>
#include <sel4ft/faultmon.h>
#include <sel4ft/supervisor.h>
#include <sel4ft/checkpoint.h>
#include <sel4ft/dedup.h>
#include <sel4ft/restart.h>
#include <sel4ft/log.h>
#include <sel4ft/service.h>
#include <sel4ft/call.h>
#include <sel4ft/monitor.h>
#include <sel4ft/inflight.h>
#include <sel4ft/driver.h>

/** The library's version as a string. */
#define SEL4FT_VERSION_STRING "0.1.0"
