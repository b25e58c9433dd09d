"""``mitchell verilog``: write the Verilog of a design, to a file or stdout."""
import argparse
import sys

from .options import UsageError, add_design_options, design_from, nonempty, output_file

HELP = "write the Verilog of a design"
DESCRIPTION = ("Write the Verilog of a multiplier, ports a, b, p (and clk, rst when "
               "pipelined).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_design_options(parser)
    parser.add_argument("--name", type=nonempty, default=None,
                        help="module name (default the variant's name with - as _, the format's after a "
                             "float design's, and _mul after a multiplier's: mitchell_mul, "
                             "mitch_w_mul, mitchell_div, lmul_bf16_mul)")
    parser.add_argument("-o", "--output", type=output_file, default=None,
                        help="output file (default stdout)")


def run(args: argparse.Namespace) -> int:
    from ...sim.files import write_text

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
