#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Write a gzip-compressed cpio (newc) initramfs from a list of entries, reproducibly.

Every entry is owned by root, dated 0, and numbered in the order given, so the same inputs give the same
bytes. Device nodes are written straight into the archive: no root privileges, no mknod, no cpio tool.

Entries:
  dir:PATH                      a directory (mode 0755)
  file:PATH=SOURCE[:MODE]       a regular file copied from SOURCE (mode in octal, default 0644)
  link:PATH=TARGET              a symbolic link
  char:PATH=MAJOR,MINOR[:MODE]  a character device (default mode 0600)
"""

import argparse
import gzip
import stat
import sys

TRAILER = "TRAILER!!!"


def header(ino, mode, size, name, nlink=1, rdev=(0, 0)):
    fields = [
        ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev[0], rdev[1], len(name) + 1, 0,
    ]
    text = "070701" + "".join(f"{v:08x}" for v in fields)
    return text.encode("ascii") + name.encode("utf-8") + b"\0"


def pad4(data):
    return data + b"\0" * (-len(data) % 4)


def entry(ino, mode, name, data=b"", nlink=1, rdev=(0, 0)):
    return pad4(header(ino, mode, len(data), name, nlink, rdev)) + pad4(data)


def parse(spec):
    kind, _, rest = spec.partition(":")
    path, _, value = rest.partition("=")
    name = path.lstrip("/")
    if not name:
        raise ValueError(f"entry without a path: {spec}")
    return kind, name, value


def build(entries):
    out = bytearray()
    for ino, spec in enumerate(entries, start=1):
        kind, name, value = parse(spec)
        if kind == "dir":
            out += entry(ino, stat.S_IFDIR | 0o755, name, nlink=2)
        elif kind == "file":
            source, _, mode = value.partition(":")
            with open(source, "rb") as f:
                data = f.read()
            out += entry(ino, stat.S_IFREG | int(mode or "644", 8), name, data)
        elif kind == "link":
            out += entry(ino, stat.S_IFLNK | 0o777, name, value.encode("utf-8"))
        elif kind == "char":
            numbers, _, mode = value.partition(":")
            major, minor = (int(x) for x in numbers.split(","))
            out += entry(ino, stat.S_IFCHR | int(mode or "600", 8), name, rdev=(major, minor))
        else:
            raise ValueError(f"unknown entry kind '{kind}' in {spec}")
    out += entry(0, 0, TRAILER)
    return bytes(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", help="the .cpio.gz to write")
    parser.add_argument("entries", nargs="+")
    args = parser.parse_args()
    try:
        archive = build(args.entries)
    except (OSError, ValueError) as error:
        print(f"mkinitramfs: {error}", file=sys.stderr)
        return 1
    with open(args.output, "wb") as f:
        # mtime 0 and no file name in the gzip header: the same archive gives the same bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as z:
            z.write(archive)
    return 0


if __name__ == "__main__":
    sys.exit(main())
