"""``mitchell report``: designs against their exact baselines at each width, error and area,
written as a folder (JSON, Markdown, HTML, plots); ``--app`` adds the applications."""
import argparse
import dataclasses

from ...sim.catalogue import BASELINES, integer_designs
from .apply import (DEFAULT_BATCH, add_onnx_arguments, catalogue_onnx_designs,
                    checked_onnx_designs, evaluate_onnx, onnx_foreign_designs, onnx_workload,
                    workload_designs)
from .options import (UsageError, add_folder_options, add_foreign_options, add_format_option,
                      add_variant_options, build_folder, design_from, foreign_designs_from,
                      integer, nonempty)

HELP = "error and area report: JSON, Markdown, HTML, plots"
DESCRIPTION = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--width", type=integer(), action="append",
                        help="operand width, repeatable (default 8 and 16)")
    parser.add_argument("--variant", type=nonempty, action="append", default=None,
                        help=f"design(s) to compare with their exact baseline, repeatable "
                             f"(default mitchell); one of "
                             f"{', '.join(v for v in integer_designs() if v not in BASELINES)}")
    parser.add_argument("--frac-bits", type=integer(), default=None)
    parser.add_argument("--stages", type=integer(), default=0)
    add_variant_options(parser)
    add_format_option(parser)
    add_foreign_options(parser, repeatable=True)
    parser.add_argument("--app", type=application, nargs="?", const=BUILT_IN, action="append",
                        metavar="onnx:MODEL",
                        help="add the Application section: digits MLP accuracy (8-bit, each "
                             "variant), training curves, image filters with PSNR/SSIM; with "
                             "onnx:MODEL, that ONNX model over --inputs (see mitchell apply "
                             "--onnx) instead; repeat --app for both. --verilog designs of 8 "
                             "bits join the network (an unsigned one as sign and magnitude) "
                             "and, unsigned, the filters; with onnx:MODEL, the model")
    add_onnx_arguments(parser)
    parser.add_argument("--max", type=nonempty, action="append", default=None,
                        metavar="METRIC=LIMIT",
                        help="add the Pick section: the cheapest integer multiplier within this "
                             "error budget at each width, over every variant's parameter grid "
                             "and the --verilog designs, and the front around it (repeatable; "
                             "see mitchell pick)")
    parser.add_argument("--minimize", type=nonempty, default=None,
                        help="the Pick section's objective, a figure of one of --flow "
                             "(default transistors; see mitchell pick)")
    add_folder_options(parser)
    parser.add_argument("--curve", action="store_true",
                        help="with --flow asic --min-delay: plot the area-delay and energy-delay "
                             "points of each design's minimum-delay search beside its baselines "
                             "(every Mitchell architecture on one plot per width)")


BUILT_IN = "built-in"


def application(value: str) -> str:
    """The type of ``--app``'s value: ``onnx:MODEL`` (argparse passes the constant of a bare
    ``--app`` through it too)."""
    if value != BUILT_IN and (not value.startswith("onnx:") or value == "onnx:"):
        raise argparse.ArgumentTypeError(f"--app takes no value (the built-in workloads) or "
                                         f"onnx:MODEL, not {value!r}")
    return value


def onnx_application(args: argparse.Namespace, foreign: list) -> dict | None:
    """The result of ``--app onnx:MODEL`` (each variant at the model's width, then the
    ``foreign`` designs), or ``None``; checked and computed before the report's folder is
    written."""
    models = [value.removeprefix("onnx:") for value in args.app or [] if value != BUILT_IN]
    if not models:
        if args.inputs is not None or args.labels is not None:
            raise UsageError("--inputs and --labels go with --app onnx:MODEL")
        return None
    if len(models) > 1:
        raise UsageError(f"--app takes one onnx:MODEL, not {len(models)}")
    model, inputs, labels = onnx_workload(models[0], args)
    designs = checked_onnx_designs(model, [
        *catalogue_onnx_designs(args, model, args.variant or ["mitchell"], width=None),
        *onnx_foreign_designs(args, model, foreign)])
    return evaluate_onnx(model, inputs, labels, designs, batch=DEFAULT_BATCH)


def pick_settings(args: argparse.Namespace, widths: list[int], foreign: list) -> tuple | None:
    """The budgets, objective, flow options and grids of ``--max`` at each of ``widths`` (every
    integer multiplier, of ``--signed`` operands, and the ``foreign`` designs of that width),
    checked before any work starts; None without it."""
    from .options import check_output_folder, flows_from
    from .pick import budgets_and_objective, grid_of

    if not args.max:
        if args.minimize is not None:
            raise UsageError("--minimize goes with --max (the Pick section's budget)")
        return None
    if args.format != "int":
        raise UsageError(f"--max searches integer multipliers, not with --format {args.format}")
    if args.no_area:
        raise UsageError("--max synthesizes the designs within the budget; drop --no-area")
    args.minimize = args.minimize or "transistors"
    budgets, objective = budgets_and_objective(args, args.flow)
    _, options = flows_from(args)
    # Checked before the search, as build_folder checks it before its jobs.
    check_output_folder(args.out, marker="report.json", what="report")
    grids = {width: grid_of(args, width, foreign, variants=None, params=None, frac_bits=None,
                            stages="0")
             for width in widths}
    return budgets, objective, options, grids


def picks(args: argparse.Namespace, settings: tuple | None) -> list[dict] | None:
    """The searches of ``--max`` at each width (see :mod:`mitchell.reports.cli.pick`), in the
    objective's flow, before the report's folder is written."""
    from ...sim.toolchain import ToolFailed
    from .pick import find

    if settings is None:
        return None
    budgets, objective, options, grids = settings
    failures: dict = {}
    results = [find(args, budgets, objective, (objective.flow,), options, designs, width=width,
                    failures=failures) for width, designs in grids.items()]
    if failures:
        design, message = next(iter(failures.items()))
        raise ToolFailed(f"{design.label}: {message}")
    return results


def iso_delay_section(args: argparse.Namespace, designs: list) -> dict:
    """What ``--flow asic --min-delay`` adds to the report: the iso-delay comparison of each
    design that has one, and with ``--curve`` the points of the searches (see
    :mod:`mitchell.reports.synthesis.iso_delay`); nothing otherwise."""
    asic = "asic" in args.flow and not args.no_area
    if args.curve and not (asic and args.min_delay):
        raise UsageError("--curve plots the minimum-delay search: give it with --flow asic "
                         "--min-delay")
    if not (asic and args.min_delay):
        return {}
    from ...rtl.mitchell import ARCHITECTURES
    from ..synthesis import iso_delay

    compared = [design for design in designs if iso_delay.applies(design)]
    section = {"iso_delay": [iso_delay.compare(design, library=args.library)
                             for design in compared]}
    if args.curve:
        # Mitchell's multiplier in every architecture beside the report's designs.
        plotted = [variant for design in compared for variant in
                   ([dataclasses.replace(design, params={**design.options, "arch": arch})
                     for arch in ARCHITECTURES] if design.variant == "mitchell" else [design])]
        section["curves"] = iso_delay.curves(list(dict.fromkeys(plotted)), library=args.library)
    return section


def run(args: argparse.Namespace) -> int:
    from ..render.report import write_report
    from ..sweeps.grid import with_baselines

    if args.app and args.format != "int":
        raise UsageError(f"--app runs integer designs, not with --format {args.format}")
    if args.verilog and args.format != "int":
        raise UsageError("--verilog designs are integer multipliers, not with --format")
    foreign = foreign_designs_from(args)
    # A floating-point design's width is its format's: the widths leave it alone. With
    # --verilog, the widths default to the foreign designs'.
    widths = args.width or sorted({design.width for design in foreign}) or [8, 16]
    designs = with_baselines([
        design_from(args, width=width, variant=variant)
        for width in widths for variant in args.variant or ["mitchell"]] + foreign)
    settings = pick_settings(args, widths, foreign)
    onnx = onnx_application(args, foreign)
    searches = picks(args, settings)
    application = None if onnx is None else ({"onnx": onnx}, {})
    if BUILT_IN in (args.app or []):
        from ..apps.application import collect
        # The workloads' operands are 8-bit: the network signed, the images' pixels unsigned.
        variants = args.variant or ["mitchell"]
        network = [design_from(args, width=8, variant=v, signed=True) for v in variants]
        network += workload_designs(foreign, signed=True, workload="--app's network")
        # A signed design cannot take the filters' pixels (0 to 255): it runs the network only.
        filters = [design_from(args, width=8, variant=v, signed=False) for v in variants]
        filters += [design for design in foreign if not design.signed]
        application = collect(list(dict.fromkeys([network[0].baseline, *network])), filters,
                              seed=0, epochs=10)
        if onnx is not None:
            application[0]["onnx"] = onnx
    iso_delay_section(args, [])  # --curve without the search is refused before any work
    status = build_folder(args, designs, marker="report.json", what="report",
                          write=lambda report, folder: write_report(
                              {**report, **iso_delay_section(args, designs)}, designs, folder,
                              application, searches))
    if status == 0:
        print(f"wrote {args.out}/report.json, report.md, report.html and the plots")
    return status
