"""``mitchell report``: designs against their exact baselines at each width, error and area,
written as a folder (JSON, Markdown, HTML, plots); ``--app`` adds the applications."""
import argparse

from ...sim.catalogue import BASELINES, CATALOGUE
from .options import (UsageError, add_folder_options, add_format_option, add_variant_options,
                      build_folder, design_from, float_design_from, integer, nonempty)

HELP = "error and area report: JSON, Markdown, HTML, plots"
DESCRIPTION = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--width", type=integer(), action="append",
                        help="operand width, repeatable (default 8 and 16)")
    parser.add_argument("--variant", type=nonempty, action="append", default=None,
                        help=f"design(s) to compare with their exact baseline, repeatable "
                             f"(default mitchell); one of "
                             f"{', '.join(v for v in CATALOGUE if v not in BASELINES)}")
    parser.add_argument("--frac-bits", type=integer(), default=None)
    parser.add_argument("--stages", type=integer(), default=0)
    add_variant_options(parser)
    add_format_option(parser)
    parser.add_argument("--app", action="store_true",
                        help="add the Application section: digits MLP accuracy (8-bit, each "
                             "variant), training curves, image filters with PSNR/SSIM")
    add_folder_options(parser)


def run(args: argparse.Namespace) -> int:
    from ..render.report import write_report
    from ..sweeps.grid import with_baselines

    if args.format != "int":
        from ..render.float_report import write_float_report
        if args.app:
            raise UsageError(f"--app runs integer designs, not with --format {args.format}")
        designs = with_baselines([float_design_from(args, variant)
                                  for variant in args.variant or ["mitchell"]])
        status = build_folder(args, designs, marker="report.json", what="report",
                              write=lambda report, folder: write_float_report(report, designs,
                                                                              folder))
        if status == 0:
            print(f"wrote {args.out}/report.json, report.md, report.html and the plots")
        return status
    designs = with_baselines([
        design_from(args, width=width, variant=variant)
        for width in args.width or [8, 16] for variant in args.variant or ["mitchell"]])
    application = None
    if args.app:
        from ..apps.application import collect
        # The workloads' operands are 8-bit: the network signed, the images' pixels unsigned.
        variants = args.variant or ["mitchell"]
        network = [design_from(args, width=8, variant=v, signed=True) for v in variants]
        application = collect(
            list(dict.fromkeys([network[0].baseline, *network])),
            [design_from(args, width=8, variant=v, signed=False) for v in variants],
            seed=0, epochs=10)
    status = build_folder(args, designs, marker="report.json", what="report",
                          write=lambda report, folder: write_report(report, designs, folder,
                                                                    application))
    if status == 0:
        print(f"wrote {args.out}/report.json, report.md, report.html and the plots")
    return status
