/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* Included (cpp -include) at the top of every file Frama-C analyses, never by gcc. What the gcc builtins the
 * library uses mean to the analysis:
 *   - copies (sel4ft_copy_ is __builtin_memcpy) go to SEL4FT_VERIFY_COPY, chosen per module by verify.mk:
 *     plain memcpy for the checkpoint loader (its region is private), sel4ft_verify_copy_from_shared() for the
 *     modules whose copies all read shared memory (its model, in shared.c, checks that the source lies in
 *     the shared window and gives the destination arbitrary bytes);
 *   - __atomic_load_n and __atomic_store_n, used directly only on 64-bit words (rpc.c's header), are a load
 *     of the shared window that returns an arbitrary value and a store into it; the 32-bit ones go through <sel4ft/fence.h>, replaced by the model in
 *     verify/framac/include/sel4ft/fence.h;
 *   - _Alignof, which Frama-C 25 does not parse, is GNU __alignof__ (the same for every type used here). */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define _Alignof(type) __alignof__(type)

#ifndef SEL4FT_VERIFY_COPY
#error "verify.mk sets SEL4FT_VERIFY_COPY for every analysed module"
#endif

/*@ requires private_destination: n == 0 || \valid((char *)dst + (0 .. n - 1)); */
void *sel4ft_verify_copy_from_shared(void *dst, const void *src, size_t n);
uint64_t sel4ft_verify_load_u64(const uint64_t *p);
void sel4ft_verify_store_u64(uint64_t *p, uint64_t v);

#define __builtin_memcpy(dst, src, n) SEL4FT_VERIFY_COPY((dst), (src), (n))
#define __builtin_memset(dst, c, n) memset((dst), (c), (n))
#define __atomic_load_n(p, order) sel4ft_verify_load_u64(p)
#define __atomic_store_n(p, v, order) sel4ft_verify_store_u64((p), (v))
