/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/**
 * @defgroup microkit Microkit glue
 * @brief Conversions between Microkit's types and the library's, for PD code.
 *
 * Include this from PDs only (it needs the SDK's microkit.h); library code
 * stays portable through @ref os.
 * @{
 */

#include <microkit.h>

#include <sel4ft/os.h>

/** @brief Convert a Microkit message tag. @param info The tag. @return The library's form. */
static inline sel4ft_msginfo_t sel4ft_from_microkit(microkit_msginfo info)
{
    sel4ft_msginfo_t message = { microkit_msginfo_get_label(info), (uint32_t)microkit_msginfo_get_count(info) };
    return message;
}

/** @brief Convert to a Microkit message tag. @param message The library's tag. @return Microkit's form. */
static inline microkit_msginfo sel4ft_to_microkit(sel4ft_msginfo_t message)
{
    return microkit_msginfo_new(message.label, (seL4_Uint16)message.count);
}

/** @} */
