#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Make the block example's disk image: zeros, with an MS-DOS partition table (MBR) of one partition.

What sDDF's block virtualisers need (sddf/blk/msdos_mbr.h): the 0xAA55 signature, and each client's partition
non-empty and starting on a 4 KiB boundary (a multiple of 8 sectors). Python's standard library only: no fdisk."""

import argparse
import os
import struct
import sys

SECTOR = 512
TRANSFER = 4096  # sDDF's BLK_TRANSFER_SIZE


def mbr(first_sector, sectors, partition_type):
    entry = struct.pack("<B3sB3sII", 0x00, b"\0\0\0", partition_type, b"\0\0\0", first_sector, sectors)
    empty = bytes(16)
    table = entry + empty * 3
    return bytes(446) + table + struct.pack("<H", 0xAA55)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output")
    parser.add_argument("--size-mib", type=int, default=8, help="the disk's size (default 8 MiB)")
    parser.add_argument("--start-sector", type=int, default=2048, help="the partition's first sector (1 MiB)")
    args = parser.parse_args()
    total = args.size_mib * 1024 * 1024 // SECTOR
    if args.start_sector % (TRANSFER // SECTOR) or not 0 < args.start_sector < total:
        parser.error("the partition must start inside the disk, on a multiple of 8 sectors")
    block = mbr(args.start_sector, total - args.start_sector, 0x83)
    assert len(block) == SECTOR
    temporary = args.output + ".tmp"
    with open(temporary, "wb") as f:
        f.write(block)
        f.truncate(total * SECTOR)
    os.replace(temporary, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
