"""Speed of the compiled metric kernel: 16-bit exhaustive sets, 10,000,000 sampled 32-bit pairs,
and the one-time compile.

Run: python tests/benchmarks/bench_kernel.py [--repeat 3] [--variant NAME ...] [--all]
Prints medians of wall time and of CPU time (all threads), so that runs on a shared machine can
be read: on two idle cores the wall time is about half the CPU time. The compile is timed in a
fresh process with an empty numba cache; "cached load" is a fresh process's first call once
the cache holds the code.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numba

from mitchell.reports import kernel
from mitchell.sim.catalogue import CATALOGUE
from mitchell.sim.design import Design

FIRST_CALL = """
import sys, time
from mitchell.reports import kernel
from mitchell.sim.design import Design
design = Design(variant=sys.argv[1], width=4)
started, cpu = time.perf_counter(), time.process_time()
kernel.exhaustive_sums(design)
middle, middle_cpu = time.perf_counter(), time.process_time()
kernel.sampled_sums(design, 1000, 1)
print(middle - started, middle_cpu - cpu, time.perf_counter() - middle,
      time.process_time() - middle_cpu)
"""


def first_call(variant: str, cache: str) -> list[float]:
    """Wall and CPU seconds of the first exhaustive and of the first sampled call in a fresh
    process."""
    result = subprocess.run([sys.executable, "-c", FIRST_CALL, variant], check=True,
                            capture_output=True, text=True,
                            env=dict(os.environ, NUMBA_CACHE_DIR=cache))
    return [float(value) for value in result.stdout.split()]


def timed(function, repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds of ``function()`` over ``repeat`` runs, and its result."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--variant", action="append", choices=list(CATALOGUE),
                        help="designs to time at 16 bits (default mbm and mitchell-div)")
    parser.add_argument("--all", action="store_true", help="every design of the catalogue")
    args = parser.parse_args()
    variants = list(CATALOGUE) if args.all else args.variant or ["mbm", "mitchell-div"]
    print(f"numba {numba.__version__}, {numba.get_num_threads()} threads, "
          f"threading layer after first call below; load average {os.getloadavg()[0]:.1f}")

    print(f"\n{'first call (wall s / cpu s)':40} {'compile exhaustive':>19} "
          f"{'compile sampled':>16} {'cached load':>12}")
    for variant in variants:
        with tempfile.TemporaryDirectory() as cache:
            exhaustive, exhaustive_cpu, sampled, sampled_cpu = first_call(variant, cache)
            load = sum(first_call(variant, cache)[::2])
        print(f"{variant:40} {exhaustive:8.1f} / {exhaustive_cpu:6.1f} "
              f"{sampled:7.1f} / {sampled_cpu:5.1f} {load:12.2f}", flush=True)

    print(f"\n{'design':40} {'set':>24} {'wall s':>8} {'cpu s':>8} {'pairs/s (wall)':>15}")
    for variant in variants:
        design = Design(variant=variant, width=16)
        kernel.exhaustive_sums(Design(variant=variant, width=4))
        wall, cpu, sums = timed(lambda: kernel.exhaustive_sums(design), args.repeat)
        print(f"{design.label:40} {'exhaustive ' + format(sums.pairs, ','):>24} {wall:8.2f} "
              f"{cpu:8.2f} {sums.pairs / wall:15,.0f}", flush=True)
    design = Design(width=32)
    kernel.sampled_sums(design, 1000, 1)
    wall, cpu, sums = timed(lambda: kernel.sampled_sums(design, 10_000_000, 1), args.repeat)
    print(f"{design.label:40} {'10,000,000 sampled':>24} {wall:8.2f} {cpu:8.2f} "
          f"{sums.pairs / wall:15,.0f}")
    print(f"threading layer: {numba.threading_layer()}")


if __name__ == "__main__":
    main()
