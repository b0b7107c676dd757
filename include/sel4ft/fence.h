/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdint.h>

/**
 * @defgroup fence Memory ordering
 * @brief Acquire/release helpers for indices shared between PDs.
 *
 * Built on the compiler's `__atomic` builtins, never on `volatile`. Every use
 * in the library carries a comment naming the access it pairs with.
 * @{
 */

/** @brief Load a 32-bit shared word with acquire ordering. @param p The word. @return Its value. */
static inline uint32_t sel4ft_load_acquire_u32(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/** @brief Store a 32-bit shared word with release ordering. @param p The word. @param v The value. */
static inline void sel4ft_store_release_u32(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/** @brief Load a 32-bit shared word once, with no ordering (a single, untorn read). @param p The word. @return Its value. */
static inline uint32_t sel4ft_load_relaxed_u32(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/** @brief Store a 32-bit shared word once, with no ordering. @param p The word. @param v The value. */
static inline void sel4ft_store_relaxed_u32(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/** @brief Load a 16-bit shared field once, with no ordering (a single, untorn read). @param p The field. @return Its value. */
static inline uint16_t sel4ft_load_relaxed_u16(const uint16_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/** @brief Load a 64-bit shared word once, with no ordering (a single, untorn read). @param p The word. @return Its value. */
static inline uint64_t sel4ft_load_relaxed_u64(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/** @brief Load a 64-bit shared word with acquire ordering. @param p The word. @return Its value. */
static inline uint64_t sel4ft_load_acquire_u64(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/** @brief Store a 64-bit shared word with release ordering. @param p The word. @param v The value. */
static inline void sel4ft_store_release_u64(uint64_t *p, uint64_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/** @brief Full barrier: orders earlier loads and stores before later ones (store-load included). */
static inline void sel4ft_fence_full(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/** @} */
