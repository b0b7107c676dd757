/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "shared.h"

void baseline_shm_name(char *name, size_t size, const char *run, const char *what)
{
    snprintf(name, size, "/sel4ft-%s-%s", run, what);
}

static void *shm_map(const char *run, const char *what, size_t size, bool create)
{
    char name[128];
    baseline_shm_name(name, sizeof(name), run, what);
    int fd = shm_open(name, O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0), 0600);
    if (fd < 0) {
        baseline_die("shm_open %s: %s", name, strerror(errno));
    }
    if (create && ftruncate(fd, (off_t)size) != 0) {
        baseline_die("ftruncate %s: %s", name, strerror(errno));
    }
    void *mapping = baseline_shm_map_fd(fd, size);
    close(fd);
    return mapping;
}

void *baseline_shm_create(const char *run, const char *what, size_t size)
{
    return shm_map(run, what, size, true);
}

void *baseline_shm_open(const char *run, const char *what, size_t size)
{
    return shm_map(run, what, size, false);
}

void baseline_shm_remove(const char *run, const char *what, void *mapping, size_t size)
{
    char name[128];
    baseline_shm_name(name, sizeof(name), run, what);
    shm_unlink(name);
    baseline_shm_unmap(mapping, size);
}

static void *map(int fd, size_t size, int flags)
{
    void *mapping = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, fd, 0);
    if (mapping == MAP_FAILED) {
        baseline_die("mmap of %zu bytes: %s", size, strerror(errno));
    }
    return mapping;
}

void *baseline_shm_map_fd(int fd, size_t size)
{
    return map(fd, size, MAP_SHARED);
}

void *baseline_shm_anonymous(size_t size)
{
    return map(-1, size, MAP_SHARED | MAP_ANONYMOUS);
}

void baseline_shm_unmap(void *mapping, size_t size)
{
    if (mapping != NULL) {
        munmap(mapping, size);
    }
}

int baseline_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns)
{
    struct timespec timeout;
    struct timespec *limit = NULL;

    if (timeout_ns >= 0) {
        timeout.tv_sec = (time_t)(timeout_ns / 1000000000);
        timeout.tv_nsec = (long)(timeout_ns % 1000000000);
        limit = &timeout;
    }
    /* Not FUTEX_PRIVATE_FLAG: the word lies in memory shared by two processes. */
    long r = syscall(SYS_futex, word, FUTEX_WAIT, expected, limit, NULL, 0);
    if (r != 0 && errno == ETIMEDOUT) {
        return -ETIMEDOUT;
    }
    /* Woken, interrupted, or the word had already changed (EAGAIN): the caller checks the word again. */
    return 0;
}

void baseline_futex_wake(uint32_t *word)
{
    syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

int baseline_bell_create(void)
{
    int bell = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (bell < 0) {
        baseline_die("eventfd: %s", strerror(errno));
    }
    return bell;
}

void baseline_bell_ring(int bell)
{
    uint64_t one = 1;
    /* EAGAIN means the counter is saturated: the bell is ringing already. */
    if (write(bell, &one, sizeof(one)) < 0 && errno != EAGAIN) {
        baseline_die("ringing eventfd %d: %s", bell, strerror(errno));
    }
}

void baseline_bell_clear(int bell)
{
    uint64_t count;
    while (read(bell, &count, sizeof(count)) < 0 && errno == EINTR) {
    }
}

int baseline_bell_wait(int bell, int timeout_ms)
{
    struct pollfd p = { .fd = bell, .events = POLLIN };
    int n;
    do {
        n = poll(&p, 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        return 0;
    }
    baseline_bell_clear(bell);
    return 1;
}
