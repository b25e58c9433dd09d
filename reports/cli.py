"""The ``mitchell`` command line."""
import argparse
import sys

from pathlib import Path

from ..sim.design import VARIANTS, Design
from ..sim.files import OutputError, write_text
from ..sim.run import SIMULATORS, SimRequest, run_simulation
from ..sim.toolchain import ToolMissing
from ..sim.vectors import VectorSet


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


def design_from(args: argparse.Namespace, **overrides) -> Design:
    fields = dict(variant=args.variant, width=args.width, frac_bits=args.frac_bits,
                  stages=args.stages)
    fields.update(overrides)
    try:
        return Design(**fields)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None


def add_design_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--width", type=int, required=True, help="operand width in bits, 2 to 64")
    parser.add_argument("--variant", default="mitchell", help=f"one of {', '.join(VARIANTS)}")
    parser.add_argument("--frac-bits", type=int, default=None,
                        help="mantissa fraction bits, 0 to width-1 (default width-1)")
    parser.add_argument("--stages", type=int, default=0, help="pipeline registers (default 0)")


def run_verilog(args: argparse.Namespace) -> int:
    design = design_from(args)
    try:
        text = design.verilog(args.name)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_text(args.output, text)
    return 0


def run_sim(args: argparse.Namespace) -> int:
    from ..sim.cocotb_runner import SimulationError

    design = design_from(args)
    try:
        vectors = VectorSet(args.vectors, design.width, args.seed) if args.vectors else \
            VectorSet.default(design.width, args.seed)
        request = SimRequest(design=design, simulator=args.simulator, vectors=vectors,
                             build_dir=Path(args.build_dir), verilog=args.verilog, top=args.top,
                             vcd=args.vcd)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None
    try:
        report = run_simulation(request)
    except SimulationError as error:
        raise UsageError(str(error)) from None
    print(report.summary())
    for mismatch in report.first:
        print(f"  mismatch: {mismatch.describe(design.width)}")
    for problem in report.reset_problems:
        print(f"  reset: {problem}")
    return 0 if report.passed else 1


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="mitchell", description="Mitchell's logarithmic multiplier as a real circuit.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    verilog = commands.add_parser("verilog", help="write the Verilog of a design",
                                  description="Write the Verilog of a multiplier, ports a, b, p "
                                              "(and clk, rst when pipelined).")
    add_design_options(verilog)
    verilog.add_argument("--name", default=None,
                         help="module name (default mitchell_mul or exact_mul)")
    verilog.add_argument("-o", "--output", default=None, help="output file (default stdout)")
    verilog.set_defaults(run=run_verilog)

    sim = commands.add_parser("sim", help="simulate a design against the golden model",
                              description="Simulate every vector and compare each output with the "
                                          "golden model. Exit 0 only if all match, 1 on a mismatch.")
    add_design_options(sim)
    sim.add_argument("--simulator", default="amaranth", help=f"one of {', '.join(SIMULATORS)}")
    sim.add_argument("--vectors", default=None,
                     help="exhaustive (up to 16 bits), random:N, corners, or several joined with + "
                          "(default: exhaustive up to 8 bits, else random:100000+corners)")
    sim.add_argument("--seed", type=int, default=1, help="seed of the random vectors (default 1)")
    sim.add_argument("--vcd", type=Path, default=None, help="write a waveform to this file")
    sim.add_argument("--verilog", type=Path, default=None,
                     help="simulate this Verilog file instead (ports a, b, p; clk, rst if --stages)")
    sim.add_argument("--top", default=None, help="module to simulate in --verilog")
    sim.add_argument("--build-dir", default="build/mitchell-sim",
                     help="where simulator builds go (default build/mitchell-sim)")
    sim.set_defaults(run=run_sim)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, OutputError, ToolMissing) as error:
        print(f"mitchell {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mitchell {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
