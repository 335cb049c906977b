#!/usr/bin/env python3
"""Before/after in one run: interleaves several tracewire_bench binaries and prints the
median CPU time of each benchmark per binary.

Usage: bench/compare.py [--rounds N] [--filter REGEX] BINARY...

On a shared, noisy machine two separate runs differ by more than most changes; running the
binaries in turn, several rounds, exposes them to the same noise. Example:
    cp build/bench-release/bench/tracewire_bench /tmp/before   # then rebuild with the change
    bench/compare.py --filter 'Span|Clock' /tmp/before build/bench-release/bench/tracewire_bench
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--filter", default="Span|Clock")
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()

    times = {binary: {} for binary in args.binaries}
    order = []
    for _ in range(args.rounds):
        for binary in args.binaries:
            with tempfile.TemporaryDirectory() as directory:
                out = os.path.join(directory, "run.json")
                subprocess.run([binary, f"--benchmark_filter={args.filter}", f"--benchmark_out={out}",
                                "--benchmark_out_format=json", "--benchmark_min_time=0.2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                with open(out, encoding="utf-8") as handle:
                    for entry in json.load(handle)["benchmarks"]:
                        if entry.get("error_occurred"):
                            continue
                        if entry["name"] not in order:
                            order.append(entry["name"])
                        times[binary].setdefault(entry["name"], []).append(entry["cpu_time"])

    width = max(len(name) for name in order) if order else 20
    print(f"{'median CPU ns':<{width}}" + "".join(f"  {os.path.basename(b)[-18:]:>18}" for b in args.binaries))
    for name in order:
        cells = [statistics.median(times[b][name]) if name in times[b] else None for b in args.binaries]
        print(f"{name:<{width}}" + "".join(f"  {c:>18.1f}" if c is not None else f"  {'-':>18}" for c in cells))


if __name__ == "__main__":
    main()
