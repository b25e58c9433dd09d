"""Time of `mitchell prove` for every design of the catalogue at 8, 16 and 32 bits.

Run: python tests/benchmarks/bench_prove.py [--repeat 3] [--timeout 300] [--width 8 ...]
Prints the median over --repeat proofs of each design (a proof over 60 s is run once), or
"timeout" when one finds neither a proof nor a counterexample within --timeout seconds; then the
targets: plain Mitchell proved in 30 s or less at 16 bits and in 5 minutes or less at 32 bits.
The machine is shared, so compare ratios, not absolutes.
"""
import argparse
import statistics

from mitchell.reports.proofs.prove import ProofTimeout, prove
from mitchell.sim.catalogue import integer_designs
from mitchell.sim.design import Design

TARGETS = {16: 30.0, 32: 300.0}
# Each design with its defaults, and plain Mitchell pipelined (a sequential proof).
POINTS = [dict(variant=name) for name in integer_designs()] + [dict(variant="mitchell", stages=2)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--width", type=int, action="append")
    args = parser.parse_args()
    mitchell = {}
    print(f"{'design':44} {'result':>8} {'median s':>9} {'runs':>5}")
    for width in args.width or [8, 16, 32]:
        for fields in POINTS:
            design = Design(width=width, **fields)
            times, outcome = [], "proved"
            while len(times) < args.repeat and (not times or times[0] <= 60):
                try:
                    result = prove(design, timeout=args.timeout)
                except ProofTimeout:
                    outcome = "timeout"
                    break
                assert result.proved, f"{design.label}: counterexample {result.pair}"
                times.append(result.seconds)
            median = f"{statistics.median(times):9.1f}" if times else \
                f"{'>' + str(args.timeout):>9}"
            print(f"{design.label:44} {outcome:>8} {median} {len(times):5}", flush=True)
            if fields == dict(variant="mitchell") and times:
                mitchell[width] = statistics.median(times)
    for width, target in TARGETS.items():
        if width in mitchell:
            verdict = "met" if mitchell[width] <= target else "missed"
            print(f"target: Mitchell at {width} bits in {target:g} s or less: "
                  f"{mitchell[width]:.1f} s, {verdict}")


if __name__ == "__main__":
    main()
