/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Memory shared between processes and the wake-ups that go with it: POSIX shared memory objects named per run,
 * "/sel4ft-<run>-<what>", anonymous shared mappings that forked processes inherit, futexes on words in shared
 * memory, and eventfds as doorbells (pollable). Functions that return nothing to check die on error. */

#include <stddef.h>
#include <stdint.h>

/* The name of the object `what` of run `run`. */
void baseline_shm_name(char *name, size_t size, const char *run, const char *what);

/* Create the object (zero-filled, mode 0600; it must not exist) or open it, and map it read-write. */
void *baseline_shm_create(const char *run, const char *what, size_t size);
void *baseline_shm_open(const char *run, const char *what, size_t size);

/* Unlink the object and release the mapping the creator made of it. */
void baseline_shm_remove(const char *run, const char *what, void *mapping, size_t size);

/* Map a shared memory descriptor read-write. */
void *baseline_shm_map_fd(int fd, size_t size);

/* A zero-filled MAP_SHARED | MAP_ANONYMOUS mapping. */
void *baseline_shm_anonymous(size_t size);

/* Release a mapping made by one of the functions above (NULL: nothing). */
void baseline_shm_unmap(void *mapping, size_t size);

/* Sleep while *word == expected (FUTEX_WAIT on a shared word, not process-private).
 * timeout_ns < 0 waits without a limit. Returns 0 (woken, or the word had changed), or -ETIMEDOUT. */
int baseline_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns);

/* Wake every waiter on *word. */
void baseline_futex_wake(uint32_t *word);

/* An eventfd used as a doorbell: non-blocking, close-on-exec. */
int baseline_bell_create(void);
void baseline_bell_ring(int bell);
/* Consume pending rings, if any (never blocks). */
void baseline_bell_clear(int bell);
/* Wait until the bell rings or timeout_ms passes (-1: no limit). Returns 1 rang, 0 timed out. */
int baseline_bell_wait(int bell, int timeout_ms);
