"""Simulation speed of `mitchell sim`'s back ends: vectors per second and build time.

Run: python tests/benchmarks/bench_sim.py [--repeat 3]
Prints the median over --repeat runs of each configuration (the first, building, run is timed
separately as the build time). The machine is shared, so compare ratios, not absolutes.
"""
import argparse
import statistics
import tempfile
from pathlib import Path

from mitchell.sim.design import Design
from mitchell.sim.run import SimRequest, run_simulation
from mitchell.sim.vectors import VectorSet

CONFIGURATIONS = [
    # simulator, width, vectors
    ("amaranth", 8, "exhaustive"),
    ("amaranth", 16, "random:20000"),
    ("amaranth", 32, "random:20000"),
    ("icarus", 8, "exhaustive"),
    ("icarus", 16, "random:200000"),
    ("icarus", 32, "random:200000"),
    ("verilator", 8, "exhaustive"),
    ("verilator", 12, "exhaustive"),
    ("verilator", 16, "random:4000000"),
    ("verilator", 32, "random:2000000"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as build_dir:
        print(f"{'simulator':10} {'width':>5} {'vectors':>14} {'vectors/s':>12} {'sim s':>7} "
              f"{'wall s':>7} {'build s':>8}")
        for simulator, width, vectors in CONFIGURATIONS:
            request = SimRequest(Design(width=width), simulator, VectorSet(vectors, width),
                                 build_dir=Path(build_dir))
            first = run_simulation(request)
            reports = [first] + [run_simulation(request) for _ in range(args.repeat - 1)]
            assert all(report.passed for report in reports)
            rate = statistics.median(report.rate for report in reports)
            sim = statistics.median(report.sim_seconds for report in reports)
            wall = statistics.median(report.wall_seconds for report in reports[1:] or reports)
            print(f"{simulator:10} {width:5} {first.checked:14,} {rate:12,.0f} {sim:7.2f} "
                  f"{wall:7.2f} {first.build_seconds:8.1f}", flush=True)


if __name__ == "__main__":
    main()
