"""``mitchell sim``: simulate a design against its golden model; exit 1 on a mismatch."""
import argparse
from pathlib import Path

from .options import UsageError, add_design_options, design_from, integer, nonempty, output_file

HELP = "simulate a design against the golden model"
DESCRIPTION = ("Simulate every vector and compare each output with the golden model. Exit 0 "
               "only if all match, 1 on a mismatch.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ...sim.simulators import SIMULATORS
    from ...sim.vectors import check_seed

    add_design_options(parser)
    parser.add_argument("--simulator", default="amaranth", help=f"one of {', '.join(SIMULATORS)}")
    parser.add_argument("--vectors", type=nonempty, default=None,
                        help="exhaustive (up to 16 bits), random:N, corners, pair:A,B (decimal), "
                             "or several joined with + "
                             "(default: exhaustive up to 8 bits, else random:100000+corners)")
    parser.add_argument("--seed", type=integer(check_seed), default=1,
                        help="seed of the random vectors (default 1)")
    parser.add_argument("--vcd", type=output_file, default=None,
                        help="write a waveform to this file")
    parser.add_argument("--verilog", type=nonempty, default=None,
                        help="simulate this Verilog file instead (ports a, b, p; clk, rst if "
                             "--stages)")
    parser.add_argument("--top", type=nonempty, default=None,
                        help="module to simulate in --verilog")
    parser.add_argument("--netlist", action="store_true",
                        help="simulate the design's Yosys gate-level netlist (generic synth, with "
                             "Yosys's cell models) instead of its RTL: a post-synthesis check")
    parser.add_argument("--build-dir", type=nonempty, default="build/mitchell-sim",
                        help="where simulator builds go (default build/mitchell-sim)")


def run(args: argparse.Namespace) -> int:
    from ...sim.run import SimRequest, run_simulation
    from ...sim.vectors import VectorSet

    design = design_from(args)
    try:
        vectors = VectorSet(args.vectors, design.width, args.seed, design.format) \
            if args.vectors else VectorSet.default(design.width, args.seed, design.format)
        request = SimRequest(design=design, simulator=args.simulator, vectors=vectors,
                             build_dir=Path(args.build_dir), verilog=args.verilog, top=args.top,
                             vcd=args.vcd, netlist="" if args.netlist else None)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None
    if args.netlist:
        from ..synthesis.yosys import gate_netlist
        request.netlist = gate_netlist(design)
    result = run_simulation(request)
    print(result.summary())
    for mismatch in result.first:
        print(f"  mismatch: {mismatch.describe(width=design.width, out_width=design.out_width)}")
    for problem in result.reset_problems:
        print(f"  reset: {problem}")
    return 0 if result.passed else 1
