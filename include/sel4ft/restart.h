/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <sel4ft/os.h>

/**
 * @defgroup restart Clean restarts
 * @brief Give a restarted PD the .data and .bss it had at its first start, and count its incarnations.
 *
 * Microkit restarts a PD by setting its program counter; everything in its
 * memory stays as the crash left it. Call sel4ft_restart_begin() first thing
 * in `init()`: on the first start it copies the PD's writable image (.data and
 * .bss, as microkit.ld lays them out) into a snapshot region; on every later
 * start it restores the image from the snapshot, so no state survives by
 * accident. The snapshot keeps only the image's non-zero words (a PD's .bss is
 * mostly zero): a restart zeroes the image, writes those words back and checks
 * the checksum of what it keeps only. The
 * start counter lives in the snapshot region's header, outside the restored
 * area. The monitor resets the stack pointer (sel4ft_os_child_restart()).
 *
 * A passive server must not return from `init()` after a restart: it calls
 * sel4ft_restart_serve() instead, which answers the client whose call the
 * crash interrupted and then serves as usual.
 * @{
 */

/** "S4RS": marks a snapshot region in use. */
#define SEL4FT_RESTART_MAGIC 0x53523453u

/** The snapshot region's header; the image copy follows it. */
typedef struct sel4ft_restart_header {
    uint32_t magic;        /**< SEL4FT_RESTART_MAGIC. */
    uint32_t version;      /**< 2: sparse (a bitmap of the image's non-zero 8-byte words, those words, the bytes of a
                                    last partial word); 1: the whole image, where the sparse form does not fit. */
    uint64_t starts;       /**< Starts so far, this one included. */
    uint64_t image_start;  /**< Address of the image copied. */
    uint64_t image_size;   /**< Its size. */
    uint64_t checksum;     /**< Version 1: sel4ft_checksum() of the copy; version 2: a checksum of the bitmap and
                                    the words, a step per 8-byte word. */
    uint64_t reserved[3];  /**< Version 2: [0] the non-zero words stored; otherwise 0. */
} sel4ft_restart_header_t;

_Static_assert(sizeof(sel4ft_restart_header_t) == 64, "restart header layout");

/**
 * @brief Snapshot or restore this PD's writable image; call first thing in init().
 * @param region The snapshot region (mapped into this PD only).
 * @param region_size Its size: at least the header plus the image.
 * @param incarnation Set to 1 on the first start, 2 on the first restart, and so on.
 * @return 0; -SEL4FT_ENOSPC when the region is too small; -SEL4FT_EBADMSG when the snapshot
 *         fails its checksum or describes another image (nothing restored: stop the PD);
 *         -SEL4FT_ENOTSUP where the port cannot name the image; -SEL4FT_EINVAL.
 */
int sel4ft_restart_begin(void *region, size_t region_size, uint64_t *incarnation);

/**
 * @brief How a restartable PD starts: sel4ft_restart_begin(), then sel4ft_log_init(), and a stop if the image
 *        could not be restored.
 *
 * The log is attached after the image is restored (the log's own state is in .bss), so that the reason for a
 * failed restore can go into the ring: `cannot restore a clean image: <sel4ft_restart_explain()>; stopping`, at
 * ERROR, and then the PD traps, so that its monitor sees a fault and does not count on a PD whose memory is not as
 * at its first start. A log ring that cannot be used leaves the log on the console (sel4ft_log_init() says so).
 * @param snapshot The snapshot region, or NULL: no clean restart (the incarnation is then 1).
 * @param snapshot_size Its size.
 * @param log The log ring's region, or NULL: the log stays on the console.
 * @param log_size Its size.
 * @param log_channel The channel on which the logger is notified.
 * @return The incarnation, as set by sel4ft_restart_begin(). It does not return if the image cannot be restored.
 */
uint64_t sel4ft_restart_begin_or_stop(void *snapshot, size_t snapshot_size, void *log, size_t log_size,
                                      sel4ft_channel_t log_channel);

/**
 * @brief As sel4ft_restart_begin(), for an explicit image (used by the port-independent tests).
 * @param region The snapshot region.
 * @param region_size Its size.
 * @param image The writable image.
 * @param image_size Its size.
 * @param incarnation Set as by sel4ft_restart_begin().
 * @return As sel4ft_restart_begin().
 */
int sel4ft_restart_begin_image(void *region, size_t region_size, void *image, size_t image_size,
                               uint64_t *incarnation);

/**
 * @brief The snapshot region this PD needs: the header plus its writable image, rounded up to whole 4 KiB pages.
 * @return Bytes, or 0 where the port cannot name the image (Linux).
 */
size_t sel4ft_restart_region_needed(void);

/**
 * @brief Say in one sentence what a sel4ft_restart_begin() error means and how to fix it, naming the sizes.
 *
 * For -SEL4FT_ENOSPC, for example: `snapshot region is 8192 bytes but this PD's .data and .bss are 11208 bytes,
 * plus the 64-byte header: map a snapshot_region of at least 12288 bytes (size="0x3000")`.
 * @param error The error sel4ft_restart_begin() returned.
 * @param region_size The snapshot region's size as given to it.
 * @param buffer Where to write; always NUL-terminated when @p size > 0.
 * @param size The buffer's size.
 * @return The sentence's length, as sel4ft_fmt().
 */
int sel4ft_restart_explain(int error, size_t region_size, char *buffer, size_t size);

/**
 * @brief As sel4ft_restart_explain(), for an explicit image size (used by the port-independent tests).
 * @param error The error.
 * @param region_size The snapshot region's size.
 * @param image_size The writable image's size (0: unknown).
 * @param buffer Where to write.
 * @param size The buffer's size.
 * @return As sel4ft_restart_explain().
 */
int sel4ft_restart_explain_image(int error, size_t region_size, size_t image_size, char *buffer, size_t size);

/**
 * @brief After a restart: answer the interrupted call with @p first_reply, then serve forever.
 *
 * On Microkit this is libmicrokit's event loop, started with a reply instead
 * of a plain receive, so the client blocked in the crashed call gets an
 * answer and the server returns to waiting passively, without asking the
 * Microkit monitor to make it passive a second time. Returns only where the
 * port has no such loop (Linux).
 * @param first_reply The answer for the interrupted caller (for example
 *        sel4ft_rpc_server_restarted()); harmless when nobody was waiting.
 */
void sel4ft_restart_serve(sel4ft_msginfo_t first_reply);

/** @} */
