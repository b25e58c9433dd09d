"""``mitchell sweep``: every variant at every width (and parameter and stage grid), error and
area, written as a folder (CSV, JSON, Pareto plot), locally or on a Dask cluster."""
import argparse
import sys
from pathlib import Path

from .options import (ParameterAction, UsageError, add_folder_options, add_foreign_options,
                      add_format_option, build_folder, float_design_from, foreign_designs_from,
                      integer, nonempty, parameter)

HELP = "every variant at every width: error, area, Pareto plot"
DESCRIPTION = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..sweeps.jobs import check_jobs

    parser.add_argument("--width", type=integer(), action="append",
                        help="repeatable (default 8 and 16)")
    parser.add_argument("--variant", type=nonempty, action="append", default=None,
                        help="repeatable, or 'all' (default: every design of the catalogue, "
                             "with its default parameters)")
    parser.add_argument("--signed", action="store_true",
                        help="two's-complement operands, for the designs that take them")
    parser.add_argument("--param", type=parameter, action=ParameterAction, metavar="NAME=VALUES",
                        help="a grid of a design parameter, repeatable: A..B (integers), X,Y,... "
                             "or one value, for the designs that take it (for example w=4..8)")
    parser.add_argument("--stages", type=nonempty, default="0",
                        help="pipeline registers: A..B, X,Y,... or one (default 0); 'all' at "
                             "stage counts above 0 is every pipelined design")
    add_format_option(parser)
    add_foreign_options(parser, repeatable=True)
    parser.add_argument("--jobs", type=integer(check_jobs), default=None,
                        help="local worker processes (default one per core)")
    parser.add_argument("--scheduler", type=nonempty, default=None, metavar="ADDRESS",
                        help="run the jobs on the Dask cluster whose scheduler is at ADDRESS "
                             "(such as tcp://10.0.0.5:8786) instead")
    add_folder_options(parser)


def designs_of(args: argparse.Namespace) -> list:
    """The designs of the sweep's grid, each followed by its baseline, then the foreign designs
    of ``--verilog`` (the grid's widths default to theirs)."""
    from ...sim.catalogue import float_variants, integer_designs
    from ..sweeps.grid import stage_grid, sweep_designs, with_baselines

    if args.verilog and args.format != "int":
        raise UsageError(f"--verilog designs have integer operands, not --format {args.format}")
    foreign = foreign_designs_from(args)
    every = args.variant in (None, ["all"])
    try:
        if foreign:
            widths = args.width or sorted({design.width for design in foreign})
            return with_baselines(sweep_designs(
                widths=widths, variants=list(integer_designs()) if every else args.variant,
                stages=args.stages, params=args.param, signed=args.signed, every=every)
                + foreign)
        if args.format != "int":
            variants = list(float_variants()) if every else args.variant
            return with_baselines([float_design_from(args, variant, stages=count)
                                   for variant in variants for count in stage_grid(args.stages)])
        return sweep_designs(widths=args.width or [8, 16],
                             variants=list(integer_designs()) if every else args.variant,
                             stages=args.stages, params=args.param, signed=args.signed,
                             every=every)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None


def summary(entry: dict, flow, row) -> str:
    """``row`` of ``flow`` for ``entry`` in the printed summary, or - without it."""
    figures = entry.get(flow.key)
    return row.format.format(figures[row.field]) if figures else "-"


def run(args: argparse.Namespace) -> int:
    from ..render.comparison import describe
    from ..render.report import flows_of
    from ..sweeps.sweep import write_sweep

    if args.jobs is not None and args.scheduler is not None:
        raise UsageError("--jobs counts local processes; a Dask cluster (--scheduler) runs as "
                         "many jobs as it has workers")
    designs = designs_of(args)
    entries, failures, same = [], {}, {}

    def write(sweep: dict, folder: Path) -> None:
        entries.extend(sweep["designs"])
        same.update(sweep["comparison"])
        write_sweep(sweep, folder)

    status = build_folder(args, designs, marker="sweep.json", what="sweep", write=write,
                          failures=failures)
    if status:
        return status
    for design, message in failures.items():
        print(f"mitchell sweep: {design.label} failed: {message}", file=sys.stderr)
    designs = [design for design in designs if design not in failures]
    columns = [(flow, row) for flow in flows_of(entries) for row in flow.rows
               if row.field in flow.summary]
    # The design column as wide as the longest label, at least 42.
    labels = max([42] + [len(design.label) for design in designs])
    print(f"{'design':{labels}} {'MRED %':>9} {'bias %':>9}"
          + "".join(f" {row.label:>{max(9, len(row.label))}}" for _, row in columns))
    for design, entry in zip(designs, entries):
        print(f"{design.label:{labels}} {100 * entry['error']['mred']:9.4f} "
              f"{100 * entry['error']['bias']:9.4f}"
              + "".join(f" {summary(entry, flow, row):>{max(9, len(row.label))}}"
                        for flow, row in columns))
    print(describe(same))
    pictures = " and pareto.png/svg" if any(flow.pareto for flow in flows_of(entries, every=True)) \
        else ""
    print(f"wrote {args.out}/sweep.csv, sweep.json{pictures}")
    # A failed tool's status, once the others' results are written.
    return 3 if failures else 0
