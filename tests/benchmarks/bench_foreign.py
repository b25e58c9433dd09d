"""Speed of foreign designs' exhaustive error (``mitchell error --verilog``): Yosys's flattening,
and the gate kernel over every pair at 8 bits (65,536 pairs) and 16 bits (2**32 pairs).

Run: python tests/benchmarks/bench_foreign.py [--repeat 3] [--repeat-16 1] [--variant exact]
     [--skip-16]
The netlists are our own designs written as Verilog (``mitchell verilog``) and read back as
foreign ones: by default the exact Dadda multiplier, about 1,400 simple gates at 16 bits.
Targets: 8 bits in a second, 16 bits in 60 s on 2 cores. Prints medians of wall time and of
CPU time (all threads): on a machine shared with other jobs the wall time depends on the load;
on two idle cores it is about half the CPU time. The first call of the process compiles the
kernel (or loads it from numba's cache) and is timed apart.
"""
import argparse
import os
import tempfile
import time
from pathlib import Path

import numba

from mitchell.reports.error import kernel
from mitchell.reports.error.kernel import gates
from mitchell.sim.design import Design
from mitchell.sim.foreign import ForeignDesign

# Run as a script, this folder is on the path: the kernel benchmark's timer serves both.
from bench_kernel import timed


def foreign(variant: str, width: int, folder: Path) -> tuple[ForeignDesign, float]:
    """Our ``variant`` at ``width`` bits as a foreign design, and the seconds Yosys took."""
    design = Design(variant=variant, width=width)
    path = folder / f"{variant}{width}.v"
    path.write_text(design.verilog())
    started = time.perf_counter()
    read = ForeignDesign(str(path), design.default_name)
    return read, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the 8-bit set")
    parser.add_argument("--repeat-16", type=int, default=1, help="runs of the 16-bit set")
    parser.add_argument("--variant", default="exact", help="our design to read back (exact)")
    parser.add_argument("--skip-16", action="store_true")
    args = parser.parse_args()
    print(f"numba {numba.__version__}, {numba.get_num_threads()} threads, {os.cpu_count()} "
          f"cores, load average {os.getloadavg()[0]:.1f}; block {gates.BLOCK} words")
    with tempfile.TemporaryDirectory() as folder:
        small, flatten_8 = foreign(args.variant, 8, Path(folder))
        wall, cpu, _ = timed(lambda: kernel.exhaustive_sums(small), 1)
        print(f"first call (compile or cached load): {wall:.2f} s wall, {cpu:.2f} s CPU")
        wall, cpu, sums = timed(lambda: kernel.exhaustive_sums(small), args.repeat)
        print(f"{small.label}: {len(small.netlist.ops):,} gates (Yosys {flatten_8:.2f} s); "
              f"all {sums.pairs:,} pairs in {wall:.4f} s wall, {cpu:.4f} s CPU "
              f"(target: 1 s)")
        if args.skip_16:
            return
        large, flatten_16 = foreign(args.variant, 16, Path(folder))
        wall, cpu, sums = timed(lambda: kernel.exhaustive_sums(large), args.repeat_16)
        words = sums.pairs // 64
        print(f"{large.label}: {len(large.netlist.ops):,} gates (Yosys {flatten_16:.2f} s); "
              f"all {sums.pairs:,} pairs in {wall:.1f} s wall, {cpu:.1f} s CPU "
              f"(target: 60 s on 2 cores); "
              f"{1e9 * cpu / (words * len(large.netlist.ops)):.3f} ns of CPU per gate and "
              f"64-pair word")


if __name__ == "__main__":
    main()
