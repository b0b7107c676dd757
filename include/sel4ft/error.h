/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/**
 * @defgroup error Error codes
 * @brief Library error codes shared by every module.
 *
 * Functions that can fail return `int`: 0 on success or a negated code from
 * this list. Protocol statuses that travel between PDs are a separate set
 * (see @ref rpc).
 * @{
 */

/** Success. */
#define SEL4FT_OK 0
/** A caller passed a bad argument (NULL pointer, bad size, out-of-range value). */
#define SEL4FT_EINVAL 1
/** No room: a full ring or a buffer too small for the result. */
#define SEL4FT_ENOSPC 2
/** Nothing to do now: an empty ring; try again later. */
#define SEL4FT_EAGAIN 3
/** A message from a peer is malformed (bad magic, version, length or field). */
#define SEL4FT_EBADMSG 4
/** A peer broke the shared-memory protocol (impossible indices); the local side resynchronised. */
#define SEL4FT_EPROTO 5
/** A payload or text does not fit the fixed message size. */
#define SEL4FT_E2BIG 6
/** A peer restarted: its epoch changed while a request was in flight. */
#define SEL4FT_ESTALE 7
/** The port layer failed to carry out an OS operation (a system call returned an error). */
#define SEL4FT_EIO 8
/** Not supported by this port or configuration. */
#define SEL4FT_ENOTSUP 9
/** A reply does not belong to the request it answers (request id or opcode mismatch). */
#define SEL4FT_EMISMATCH 10
/** The peer did not answer with the protocol at all (unknown reply label, IPC failed). */
#define SEL4FT_EPEER 11
/** The peer is unavailable: it restarted under every attempt of a call (sel4ft_call()), so it was given up. */
#define SEL4FT_EUNAVAILABLE 12
/** The largest error code. */
#define SEL4FT_ERRNO_MAX 12

/**
 * @brief Describe an error code.
 * @param error A code, negated or not (-SEL4FT_EINVAL and SEL4FT_EINVAL both work).
 * @return The code's name and meaning as a static string; "unknown error" for
 *         values outside the table. Never NULL.
 */
const char *sel4ft_strerror(int error);

/** @} */
