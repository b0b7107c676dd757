/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stddef.h>

/* Where drivers place a shared region: an absolute address no C object occupies (see shared.c). */
#define SEL4FT_VERIFY_WINDOW 0x40000000u
#define SEL4FT_VERIFY_REGION ((void *)(uintptr_t)SEL4FT_VERIFY_WINDOW)

/* The size of the region a driver placed there (set before each call). */
extern size_t sel4ft_verify_window_size;

/* Non-zero while a driver copies out of private memory with sel4ft_os_copy() (its model reads the window else). */
extern int sel4ft_verify_private_copy;
