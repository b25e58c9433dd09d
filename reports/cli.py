"""The ``mitchell`` command line."""
import argparse
import sys

from ..sim.design import VARIANTS, Design
from ..sim.files import OutputError, write_text


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
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, OutputError) as error:
        print(f"mitchell {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mitchell {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
