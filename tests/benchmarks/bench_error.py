"""Speed of `mitchell error`: exhaustive metrics by the analytic method and by enumeration.

Run: python tests/benchmarks/bench_error.py [--repeat 3] [--full]
--full adds 16-bit enumeration (2**32 pairs), which takes minutes. Prints medians.
"""
import argparse
import resource
import statistics
import time

from mitchell.reports.error.error_analysis import measure
from mitchell.sim.design import Design


def timed(design: Design, repeat: int, **options) -> tuple[float, dict]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        metrics = measure(design, **options)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    cases = [(Design(width=16), dict(exhaustive=True, method="analytic"), args.repeat),
             (Design(width=20), dict(exhaustive=True, method="analytic"), args.repeat),
             (Design(width=24), dict(exhaustive=True, method="analytic"), 1),
             (Design(width=12), dict(exhaustive=True, method="enumerate"), args.repeat),
             (Design(width=14), dict(exhaustive=True, method="enumerate"), 1),
             (Design(width=32), dict(samples=10_000_000), 1)]
    if args.full:
        cases.append((Design(width=16), dict(exhaustive=True, method="enumerate"), 1))
    print(f"{'design':45} {'method':10} {'pairs':>22} {'seconds':>9} {'pairs/s':>14} {'MRED %':>9}")
    for design, options, repeat in cases:
        seconds, metrics = timed(design, repeat, **options)
        method = options.get("method", "sampled")
        print(f"{design.label:45} {method:10} {metrics['pairs']:22,} {seconds:9.2f} "
              f"{metrics['pairs'] / seconds:14,.0f} {100 * metrics['mred']:9.4f}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + \
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak resident memory (this process + largest child): {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
