"""Speed of mitchell.sim.apply.matmul: products per second for 256x256 by 256x256 against numpy.matmul.

Run: python tests/benchmarks/bench_apply.py [--repeat 5] [--size 256]
Prints medians (the table of an 8-bit design is built before timing, as any first call does)
and the peak memory traced by NumPy's allocations in one wider call.
"""
import argparse
import statistics
import time
import tracemalloc

import numpy as np

from mitchell.sim import apply
from mitchell.sim.apply import mitchell_fp32_product
from mitchell.sim.design import Design


def median_seconds(call, repeat: int) -> float:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def peak_mib(call) -> float:
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--size", type=int, default=256)
    args = parser.parse_args()
    n = args.size
    rng = np.random.default_rng(1)
    A8, B8 = (rng.integers(-128, 128, size=(n, n), dtype=np.int8) for _ in range(2))
    products = n ** 3
    rows = [("numpy.matmul int8 (wraps)", lambda: np.matmul(A8, B8)),
            ("numpy.matmul int64", lambda: np.matmul(A8.astype(np.int64), B8.astype(np.int64)))]
    for variant in ("exact", "mitchell", "mbm", "ilm"):
        design = Design(variant=variant, width=8, signed=True)
        apply.matmul(A8[:1], B8, design)  # builds the table
        rows.append((f"apply.matmul {design.label}", lambda d=design: apply.matmul(A8, B8, d)))
    print(f"{'case':68} {'seconds':>9} {'products/s':>14} {'vs numpy int64':>15}")
    reference = None
    for name, call in rows:
        seconds = median_seconds(call, args.repeat)
        if name == "numpy.matmul int64":
            reference = seconds
        ratio = f"{seconds / reference:15.2f}" if reference else ""
        print(f"{name:68} {seconds:9.4f} {products / seconds:14,.0f} {ratio}", flush=True)

    # Wider designs and float functions go through the golden model in blocks: fewer rows.
    m = 16
    wide = [(Design(variant="mitchell", width=16, signed=True), A8[:m], B8),
            (mitchell_fp32_product, A8[:m].astype(np.float32), B8.astype(np.float32))]
    for design, A, B in wide:
        name = getattr(design, "label", getattr(design, "__name__", ""))
        seconds = median_seconds(lambda: apply.matmul(A, B, design), 1)
        print(f"apply.matmul {name:55} {seconds:9.4f} {m * n * n / seconds:14,.0f}   "
              f"({m}x{n} by {n}x{n}; peak {peak_mib(lambda: apply.matmul(A, B, design)):.0f} "
              f"MiB traced)", flush=True)
    design = Design(variant="mitchell", width=8, signed=True)
    print(f"peak traced memory, 8-bit table path, {n}x{n}: "
          f"{peak_mib(lambda: apply.matmul(A8, B8, design)):.1f} MiB")


if __name__ == "__main__":
    main()
