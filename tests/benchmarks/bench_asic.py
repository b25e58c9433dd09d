"""The circuit against the exact multiplier: logic depth, standard-cell delay, area and dynamic
power, and iCE40 Fmax, with the targets of issue 9.

Run: python tests/benchmarks/bench_asic.py [--width 16 --width 32] [--variant mitchell]
     [--param NAME=VALUE ...] [--frac-bits F] [--repeat 3]

Every figure is measured in this run (the area cache is used where a figure does not vary).
Fmax is the median over nextpnr seeds 1..repeat; dynamic power the median over operand streams
seeded 1..repeat (PAIRS random pairs each, the stream of the standard-cell flow for seed 1);
depth (Yosys ``ltp`` on ``abc -g cmos2``), area and OpenSTA delay are deterministic. The design
is built with ``--variant`` and ``--param`` (for example ``--param arch=...`` once the
architectures exist); the baseline is always ``exact``.
"""
import argparse
import statistics
import tempfile
from pathlib import Path

from mitchell.reports.synthesis import asic
from mitchell.reports.synthesis import yosys
from mitchell.reports.cli.options import parse_params
from mitchell.sim.design import Design
from mitchell.sim.vectors import random_pairs

# figure, label, better when, target at each width (None: any), format
TARGETS = [
    ("depth", "logic depth (cmos2 ltp)", "lower", {16: 0.65, 32: 0.65}, "{:,}"),
    ("asic_delay_ns", "OpenSTA delay, ns", "lower", {16: 0.75, 32: 0.75}, "{:.3f}"),
    ("fmax_mhz", "iCE40 Fmax, MHz", "higher", {16: 1.1, 32: 1.1}, "{:.1f}"),
    ("asic_area_um2", "std-cell area, um2", "lower", {16: 0.30, 32: 0.20}, "{:,.0f}"),
    ("asic_dynamic_mw", "dynamic power, mW", "lower", {16: 0.40, 32: 0.40}, "{:.3f}"),
]


def measure(design: Design, repeat: int) -> dict:
    figures = dict(yosys.synthesize(design))
    width = design.width
    wrapper = yosys._registered_wrapper(design.default_name, {"a": width, "b": width},
                                            {"p": 2 * width}, bool(design.stages))
    library = asic.Library.find()
    with tempfile.TemporaryDirectory(prefix="bench-asic-") as work:
        work = Path(work)
        (work / "design.v").write_text(design.verilog())
        figures["fmax_mhz"] = statistics.median(
            yosys._fmax(work, wrapper, design.label, figures["ice40_lut4"], seed=seed)
            for seed in range(1, repeat + 1))
        netlist, mapped = asic.map_design(design.verilog(), design.default_name, library, work)
        figures.update(mapped)
        figures.update(asic.critical_path(netlist, library, clocked=bool(design.stages), work=work))
        powers = []
        for seed in range(1, repeat + 1):
            a, b = random_pairs(width, asic.PAIRS + 1, seed=seed)
            activity = asic.measure_activity(netlist, library, a, b, width=width,
                                             stages=design.stages, expected=design.golden(a, b),
                                             work=work)
            power = asic.power(netlist, library, activity, clocked=bool(design.stages), work=work)
            powers.append(power["asic_internal_mw"] + power["asic_switching_mw"])
        figures["asic_dynamic_mw"] = statistics.median(powers)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, action="append", help="repeatable (default 16 and 32)")
    parser.add_argument("--variant", default="mitchell")
    parser.add_argument("--param", action="append", metavar="NAME=VALUE")
    parser.add_argument("--frac-bits", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for width in args.width or [16, 32]:
        design = Design(variant=args.variant, width=width, frac_bits=args.frac_bits,
                        params=parse_params(args.param))
        exact = Design(variant="exact", width=width)
        ours, theirs = measure(design, args.repeat), measure(exact, args.repeat)
        print(f"\n{design.label} against {exact.label}")
        print(f"{'figure':26} {'design':>12} {'exact':>12} {'ratio':>7} {'target':>8}  met")
        for field, label, better, targets, style in TARGETS:
            ratio = ours[field] / theirs[field]
            target = targets.get(width)
            met = "-" if target is None else \
                ("yes" if (ratio <= target if better == "lower" else ratio >= target) else "NO")
            bound = "-" if target is None else f"{'<=' if better == 'lower' else '>='}{target:.2f}"
            print(f"{label:26} {style.format(ours[field]):>12} {style.format(theirs[field]):>12} "
                  f"{ratio:7.2f} {bound:>8}  {met}")
        print(f"critical path (OpenSTA): design {ours['asic_critical_path']}, "
              f"exact {theirs['asic_critical_path']}", flush=True)


if __name__ == "__main__":
    main()
