"""``mitchell export``: a design as an approximate-DNN tool's lookup table or as a C model."""
import argparse

from .options import (UsageError, add_design_options, add_foreign_options, design_from, integer,
                      output_file, samples)

HELP = "lookup table (TFApprox, TorchApprox, AdaPT, .npy) or C model of a design"
DESCRIPTION = ("Write a design as an approximate-DNN tool's lookup table (8 bits) or as a "
               "self-contained C model (.c and .h, widths up to 32, or --format on bit "
               "patterns; of a --verilog design, its flattened netlist's gates).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ...sim.vectors import check_seed

    add_design_options(parser)
    add_foreign_options(parser)
    parser.add_argument("--layout", required=True,
                        choices=["tfapprox", "torchapprox", "adapt", "npy", "c"],
                        help="tfapprox: raw uint16[65536], index a*256+b, unsigned; torchapprox: "
                             ".npy int16[256][256] by two's-complement pattern, signed; adapt: "
                             "C header const int16_t lut[256][256], signed; npy: int32 table "
                             "row a, column b, up to 8 bits; c: NAME.c and NAME.h (the only "
                             "layout with --format)")
    parser.add_argument("-o", "--output", type=output_file, default=None,
                        help="output file (for c, NAME.c or NAME.h names both; default: a name "
                             "from the design, such as mitchell8u.c, in the current folder)")
    parser.add_argument("--samples", type=integer(samples), default=None,
                        help="c: random pairs for the header's metrics where no exhaustive set "
                             "is cheap (default 10,000,000)")
    parser.add_argument("--seed", type=integer(check_seed), default=1,
                        help="seed of those pairs (default 1)")
    parser.add_argument("--area", action="store_true",
                        help="c: synthesize the design (Yosys, nextpnr) for the header's area")


def run(args: argparse.Namespace) -> int:
    from ..apps.export import check_export, default_output, export
    from ..error.error_analysis import measure
    from ..synthesis.yosys import synthesize

    design = design_from(args)
    try:
        check_export(design, args.layout)
        if args.area and args.layout != "c":
            raise ValueError(f"--area goes into a C model's header, not into layout {args.layout}")
        metrics = measure(design, samples=args.samples, seed=args.seed) \
            if args.layout == "c" else None
    except ValueError as error:
        raise UsageError(str(error)) from None
    area = synthesize(design) if args.area else None
    written = export(design, args.layout, args.output or default_output(design, args.layout),
                     metrics=metrics, area=area)
    print(f"wrote {' and '.join(written)} ({args.layout}, {design.label})")
    return 0
