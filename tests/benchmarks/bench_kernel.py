"""Speed of the compiled metric kernel: 16-bit exhaustive sets, 10,000,000 sampled 32-bit pairs,
bf16 exhaustive (2**32 pairs) and 10,000,000 sampled fp32 pairs, and the one-time compile.

Run: python tests/benchmarks/bench_kernel.py [--repeat 3] [--variant NAME ...] [--all]
     [--float-variant NAME ...]
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

from mitchell.reports.error import kernel
from mitchell.sim.catalogue import float_variants, integer_designs
from mitchell.sim.design import Design
from mitchell.sim.float_design import FloatDesign

FIRST_CALL = """
import sys, time
from mitchell.reports.error import kernel
from mitchell.sim.design import Design
from mitchell.sim.float_design import FloatDesign
if sys.argv[1].startswith("float-"):
    design = FloatDesign("fp8-e5m2", sys.argv[1].removeprefix("float-"))
    exhaustive, sampled = kernel.float_exhaustive_sums, kernel.float_sampled_sums
else:
    design = Design(variant=sys.argv[1], width=4)
    exhaustive, sampled = kernel.exhaustive_sums, kernel.sampled_sums
started, cpu = time.perf_counter(), time.process_time()
exhaustive(design)
middle, middle_cpu = time.perf_counter(), time.process_time()
sampled(design, 1000, 1)
print(middle - started, middle_cpu - cpu, time.perf_counter() - middle,
      time.process_time() - middle_cpu)
"""


def first_call(variant: str, cache: str) -> list[float]:
    """Wall and CPU seconds of the first exhaustive and of the first sampled call in a fresh
    process; ``variant`` is a catalogue name or ``float-`` and a floating-point variant."""
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
    parser.add_argument("--variant", action="append", choices=list(integer_designs()),
                        help="designs to time at 16 bits (default mbm and mitchell-div)")
    parser.add_argument("--all", action="store_true", help="every design of the catalogue")
    parser.add_argument("--float-variant", action="append", choices=list(float_variants()),
                        help="floating-point designs to time on bf16 (default mitchell; "
                             "every one with --all)")
    args = parser.parse_args()
    variants = list(integer_designs()) if args.all else args.variant or ["mbm", "mitchell-div"]
    floats = list(float_variants()) if args.all else args.float_variant or ["mitchell"]
    print(f"numba {numba.__version__}, {numba.get_num_threads()} threads, "
          f"threading layer after first call below; load average {os.getloadavg()[0]:.1f}")

    print(f"\n{'first call (wall s / cpu s)':40} {'compile exhaustive':>19} "
          f"{'compile sampled':>16} {'cached load':>12}")
    for variant in variants + [f"float-{variant}" for variant in floats]:
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
    for variant in floats:
        design = FloatDesign("bf16", variant)
        kernel.float_exhaustive_sums(FloatDesign("fp8-e5m2", variant))
        wall, cpu, sums = timed(lambda: kernel.float_exhaustive_sums(design), args.repeat)
        print(f"{design.label:40} {'exhaustive ' + format(sums.pairs, ','):>24} {wall:8.2f} "
              f"{cpu:8.2f} {sums.pairs / wall:15,.0f}", flush=True)
        design = FloatDesign("fp32", variant)
        wall, cpu, sums = timed(lambda: kernel.float_sampled_sums(design, 10_000_000, 1),
                                args.repeat)
        print(f"{design.label:40} {'10,000,000 sampled':>24} {wall:8.2f} {cpu:8.2f} "
              f"{sums.pairs / wall:15,.0f}", flush=True)
    print(f"threading layer: {numba.threading_layer()}")


if __name__ == "__main__":
    main()
