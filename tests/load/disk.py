#!/usr/bin/env python3
"""How long a durable append takes on this disk: writes SIZE bytes to a fresh file in FOLDER and
waits for fdatasync, COUNT times, then prints the percentiles. Every payment `ward serve`
acknowledges waits for one such sync (shared by the payments of a group commit), so this is the
floor under its latency.

Usage: disk.py [FOLDER] [--size BYTES] [--count N]   (defaults: the current folder, 16384, 5000)"""

import argparse
import os
import tempfile
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=".")
    parser.add_argument("--size", type=int, default=16384)
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    if args.size <= 0 or args.count <= 0:
        parser.error("--size and --count must be positive")
    block = b"w" * args.size
    took = []
    with tempfile.NamedTemporaryFile(dir=args.folder, prefix="ward-disk-") as f:
        fd = f.fileno()
        for _ in range(args.count):
            start = time.perf_counter()
            os.write(fd, block)
            os.fdatasync(fd)
            took.append((time.perf_counter() - start) * 1e3)
    took.sort()

    def at(q):
        return took[min(len(took) - 1, int(len(took) * q))]

    print(f"append {args.size} bytes + fdatasync, {args.count} times, in {os.path.abspath(args.folder)}")
    print("| p50 | p90 | p99 | p99.9 | max | mean |")
    print("|---|---|---|---|---|---|")
    print(f"| {at(0.5):.3f} ms | {at(0.9):.3f} ms | {at(0.99):.3f} ms | {at(0.999):.3f} ms "
          f"| {took[-1]:.3f} ms | {sum(took) / len(took):.3f} ms |")


if __name__ == "__main__":
    main()
