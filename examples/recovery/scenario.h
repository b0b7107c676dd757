/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The recovery example runs one scenario per build (make SCENARIO=...): every PD is
 * compiled with -DSCENARIO=SCENARIO_<name>, and PDs a scenario does not use stay idle. */

#define SCENARIO_ESCALATE 1     /* the crasher crashes every incarnation until the policy gives up */
#define SCENARIO_SERVER_CRASH 2 /* the server crashes mid-request, twice, while two clients keep calling */
#define SCENARIO_HANG 3         /* the hanger stops answering heartbeats and is restarted */
#define SCENARIO_CHECKPOINT 4   /* the server's newest checkpoint is corrupted before it crashes */
#define SCENARIO_HOSTILE 5      /* client_b sends garbage requests and scribbles on its log ring */
#define SCENARIO_INJECT 6       /* a seeded campaign: the crasher fails INJECTIONS times, in 7 ways */

#ifndef INJECTIONS
#define INJECTIONS 1000
#endif
#ifndef INJECT_SEED
#define INJECT_SEED 1
#endif

#ifndef SCENARIO
#error "build with -DSCENARIO=SCENARIO_<name> (make SCENARIO=escalate|server_crash|hang|checkpoint)"
#endif

/* Channels every PD agrees on: a PD's channel to the monitor says "serving (again)". */
#define MONITOR_UP_CHANNEL 9
