"""``mitchell apply``: the designs on real work: the digits network's quantised inference and
training, and image filters, as text tables (and the filtered images as a PNG)."""
import argparse

from ...sim.catalogue import CATALOGUE
from .options import (UsageError, add_format_option, add_variant_options, design_from, integer,
                      nonempty, output_file)

HELP = "the designs on real work: digits MLP inference and training, image filters"
DESCRIPTION = ("digits-infer: an MLP on scikit-learn's digits, quantised to signed --width bits "
               "(or rounded into --format), with each design's products; digits-train: trained "
               "with exact and with Mitchell's fp32 products, accuracy per epoch; image: Gaussian "
               "blur and Sobel on china.jpg, PSNR and SSIM against the exact filters (products "
               "of --format designs in their format).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..apps.application import TASKS, check_epochs
    from ...sim.vectors import check_seed

    parser.add_argument("--task", required=True, choices=TASKS)
    parser.add_argument("--variant", type=nonempty, action="append", default=None,
                        help="design, repeatable (default: every multiplier variant, or every "
                             "approximate one of --format)")
    parser.add_argument("--width", type=integer(), default=None,
                        help="operand width (default 8; integer designs)")
    add_format_option(parser)
    parser.add_argument("--frac-bits", type=integer(), default=None)
    add_variant_options(parser)
    parser.add_argument("--seed", type=integer(check_seed), default=0,
                        help="seed of the split, initial weights and batches (default 0)")
    parser.add_argument("--epochs", type=integer(check_epochs), default=10,
                        help="training epochs, 1 to 100 (default 10)")
    parser.add_argument("-o", "--output", type=output_file, default=None,
                        help="image: write the output images side by side to this PNG")
    parser.set_defaults(stages=0)


def operand_width(args: argparse.Namespace) -> int:
    """``--width``, 8 by default (the workloads' operands are 8-bit)."""
    return 8 if args.width is None else args.width


def multiplier_variants(args: argparse.Namespace) -> list[str]:
    """``--variant`` as given, or every approximate multiplier of the catalogue (those whose
    golden model is not their baseline's: an exact circuit of another structure adds a row
    equal to the baseline's), or with ``--format`` every floating-point variant but the exact
    one."""
    if args.format != "int":
        from ...sim.float_design import FLOAT_DESIGNS
        return args.variant or [name for name in FLOAT_DESIGNS if name != "exact"]
    return args.variant or [
        name for name, entry in CATALOGUE.items() if entry.kind.name == "multiplier"
        and entry.golden is not CATALOGUE[entry.kind.baseline].golden]


def apply_designs(args: argparse.Namespace, **fields) -> list:
    """The multipliers ``mitchell apply`` runs: each variant with the design options and
    ``fields`` (at ``--width``, 8 by default; a floating-point design's width is its
    format's)."""
    designs = [design_from(args, variant=variant, width=operand_width(args), **fields)
               for variant in multiplier_variants(args)]
    for design in designs:
        if design.format == "int" and design.entry.kind.name != "multiplier":
            raise UsageError(f"apply takes multipliers, not {design.variant!r}")
    return designs


def run(args: argparse.Namespace) -> int:
    from ..apps import application as app
    from ..apps.images import check_design

    if args.task == "digits-train":
        if args.variant or args.param or args.frac_bits is not None or args.signed \
                or args.format != "int":
            raise UsageError("digits-train trains with fp32 products (exact, and Mitchell's "
                             "fp32 bit-pattern product); design options apply to digits-infer "
                             "and image")
        result, _ = app.digits_train(epochs=args.epochs, seed=args.seed)
        print(f"{app.describe_train(result)}.")
        print(app.text_table(app.TRAIN_HEADER, app.train_lines(result)))
        print(f"seconds: exact {result['seconds'][0]:.1f}, Mitchell {result['seconds'][1]:.1f}")
        return 0
    if args.task == "digits-infer":
        designs = apply_designs(args, signed=True)
        designs = list(dict.fromkeys([designs[0].baseline, *designs]))
        width = None  # a floating-point design runs in its format, unquantised
        if args.format == "int":
            width = operand_width(args)
            try:
                app.check_infer_width(width)
            except ValueError as error:
                raise UsageError(str(error)) from None
        result = app.digits_infer(designs, width=width, epochs=args.epochs, seed=args.seed)
        print(f"{app.describe_infer(result)}.")
        print(app.text_table(app.INFER_HEADER, app.infer_lines(result)))
        return 0
    from ..apps import images
    from ...sim.files import check_file

    designs = apply_designs(args)
    try:
        for design in designs:
            check_design(design)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.output:
        check_file(args.output)
    result, outputs = images.run(designs)
    print(f"{app.describe_image(result)}.")
    print(app.text_table(app.IMAGE_HEADER, app.image_lines(result)))
    if args.output:
        from ...sim.files import atomic_file
        with atomic_file(args.output) as writable:
            images.strip(outputs, writable)
        print(f"wrote {args.output}")
    return 0
