/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "role.h"
#include "server_state.h"
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

void baseline_run_create(baseline_run_t *run, const char *name, enum baseline_log_mode log, bool shared_state)
{
    *run = (baseline_run_t){ .log = log, .log_socket = -1 };
    snprintf(run->name, sizeof(run->name), "%s", name);
    for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
        run->slots[i] = baseline_slot_create(name, baseline_slot_owners[i]);
        run->bells[i][0] = baseline_bell_create();
        run->bells[i][1] = baseline_bell_create();
    }
    run->listener = baseline_unix_listen(name, BASELINE_SERVER_SOCKET);
    for (unsigned i = 0; i < BASELINE_LOG_SOURCE_NUM; i++) {
        char what[48];
        baseline_log_ring_name(what, sizeof(what), baseline_log_sources[i]);
        run->log_rings[i] = log == BASELINE_LOG_RING ? baseline_shm_create(name, what, BASELINE_LOG_RING_SIZE) : NULL;
        run->log_bells[i] = log == BASELINE_LOG_RING ? baseline_bell_create() : -1;
    }
    if (log == BASELINE_LOG_DGRAM) {
        /* The logger's datagram socket: bound here, so lines sent before the logger runs wait in its queue. */
        struct sockaddr_storage address;
        socklen_t length = baseline_unix_address(&address, name, "log");
        run->log_socket = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (run->log_socket < 0 || bind(run->log_socket, (struct sockaddr *)&address, length) != 0) {
            baseline_die("logger socket: %s", strerror(errno));
        }
    }
    run->state = shared_state ? baseline_shm_create(name, "server-state", SERVER_STATE_MAPPING_SIZE) : NULL;
    run->placeholder = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (run->placeholder < 0) {
        baseline_die("/dev/null: %s", strerror(errno));
    }
}

pid_t baseline_run_start(const baseline_run_t *run, const char *role, uint32_t incarnation, const char *flag,
                         int *control)
{
    char incarnation_text[16];
    int pair[2], fds[2 + 2 * BASELINE_SLOT_NUM + BASELINE_LOG_SOURCE_NUM];
    unsigned n = 0;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        baseline_die("socketpair: %s", strerror(errno));
    }
    snprintf(incarnation_text, sizeof(incarnation_text), "%u", incarnation);
    const char *argv[] = { "sel4ft-baseline", role, "--run", run->name, "--log", baseline_log_mode_name(run->log),
                           "--incarnation", incarnation_text, flag, NULL };
    fds[n++] = pair[1];
    if (strcmp(role, "logger") == 0) {
        fds[n++] = run->log_socket >= 0 ? run->log_socket : run->placeholder;
        for (unsigned i = 0; i < BASELINE_LOG_SOURCE_NUM && run->log_bells[i] >= 0; i++) {
            fds[n++] = run->log_bells[i];
        }
    } else {
        /* The bell of its log ring (ring mode), then the server's descriptors or its own slot's bells. */
        unsigned source = 0;
        while (source < BASELINE_LOG_SOURCE_NUM && strcmp(baseline_log_sources[source], role) != 0) {
            source++;
        }
        fds[n++] = source < BASELINE_LOG_SOURCE_NUM && run->log_bells[source] >= 0 ? run->log_bells[source]
                                                                                  : run->placeholder;
        if (strcmp(role, "server") == 0) {
            fds[n++] = run->listener;
        }
        for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
            if (strcmp(role, "server") == 0 || strcmp(role, baseline_slot_owners[i]) == 0) {
                fds[n++] = run->bells[i][0];
                fds[n++] = run->bells[i][1];
            }
        }
    }
    pid_t pid = baseline_spawn(argv, fds, n);
    close(pair[1]);
    *control = pair[0];
    return pid;
}

void baseline_run_release(baseline_run_t *run)
{
    for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
        baseline_slot_remove(run->name, baseline_slot_owners[i], run->slots[i]);
        close(run->bells[i][0]);
        close(run->bells[i][1]);
    }
    close(run->listener);
    for (unsigned i = 0; i < BASELINE_LOG_SOURCE_NUM; i++) {
        if (run->log_rings[i] != NULL) {
            char what[48];
            baseline_log_ring_name(what, sizeof(what), baseline_log_sources[i]);
            baseline_shm_remove(run->name, what, run->log_rings[i], BASELINE_LOG_RING_SIZE);
            close(run->log_bells[i]);
        }
    }
    if (run->state != NULL) {
        baseline_shm_remove(run->name, "server-state", run->state, SERVER_STATE_MAPPING_SIZE);
    }
    if (run->log_socket >= 0) {
        close(run->log_socket);
    }
    close(run->placeholder);
}
