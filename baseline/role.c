/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "role.h"
#include "shared.h"
#include "slot.h"
#include "stream.h"

const char *const baseline_log_sources[BASELINE_LOG_SOURCE_NUM] = { "supervisor", "server", "client", "crasher" };
const char *const baseline_slot_owners[BASELINE_SLOT_NUM] = { "client", "crasher" };

void baseline_role_options_parse(baseline_role_options_t *options, int argc, char **argv)
{
    *options = (baseline_role_options_t){ .log = BASELINE_LOG_STDERR, .incarnation = 1 };
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--run") == 0 && value != NULL) {
            options->run = value;
            i++;
        } else if (strcmp(arg, "--log") == 0 && value != NULL) {
            if (!baseline_log_mode_parse(value, &options->log)) {
                baseline_die("--log needs ring, dgram or stderr, not '%s'", value);
            }
            i++;
        } else if (strcmp(arg, "--incarnation") == 0 && value != NULL) {
            options->incarnation = (uint32_t)baseline_parse_number(arg, value, 1, UINT32_MAX);
            i++;
        } else if (strcmp(arg, "--shared-state") == 0) {
            options->shared_state = true;
        } else if (strcmp(arg, "--quiet") == 0) {
            options->quiet = true;
        } else {
            baseline_die("unexpected argument '%s' (this role is started by the supervisor; see --help)", arg);
        }
    }
    if (options->run == NULL) {
        baseline_die("--run is missing (this role is started by the supervisor; see --help)");
    }
}

void baseline_server_resources_create(baseline_server_resources_t *resources, const char *run)
{
    for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
        resources->slots[i] = baseline_slot_create(run, baseline_slot_owners[i]);
        resources->bells[i][0] = baseline_bell_create();
        resources->bells[i][1] = baseline_bell_create();
    }
    resources->listener = baseline_unix_listen(run, BASELINE_SERVER_SOCKET);
}

unsigned baseline_server_resources_fds(const baseline_server_resources_t *resources, int slot, int control, int log,
                                       int *fds)
{
    unsigned n = 0;
    fds[n++] = control;
    fds[n++] = log;
    if (slot >= 0) {
        fds[n++] = resources->bells[slot][0];
        fds[n++] = resources->bells[slot][1];
        return n;
    }
    fds[n++] = resources->listener;
    for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
        fds[n++] = resources->bells[i][0];
        fds[n++] = resources->bells[i][1];
    }
    return n;
}

void baseline_server_resources_release(baseline_server_resources_t *resources, const char *run)
{
    for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
        baseline_slot_remove(run, baseline_slot_owners[i], resources->slots[i]);
        close(resources->bells[i][0]);
        close(resources->bells[i][1]);
    }
    close(resources->listener);
}
