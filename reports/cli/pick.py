"""``mitchell pick``: the cheapest design within an error budget (see
:mod:`mitchell.reports.sweeps.pick`), searched over the catalogue's parameter grids with the
sweep's jobs (``--jobs``, ``--scheduler``), the synthesis cache and a cache of error figures."""
import argparse
import json
import sys
from pathlib import Path

from .options import (ParameterAction, UsageError, add_foreign_options, add_retime_option,
                      check_output_folder, flow_names, foreign_designs_from, integer, nonempty,
                      parameter)

HELP = "the cheapest design within an error budget"
DESCRIPTION = ("Search every integer multiplier of the catalogue (every fraction-bit count, "
               "parameter value and datapath architecture; a log design's truncated product "
               "and a truncated multiplier's merged pairs only with --param drop=... and "
               "--param merge=...) at one width for the design of least "
               "--minimize whose error metrics are all within their --max budgets. Prints the "
               "chosen design, the Pareto front around it and the command that writes its "
               "Verilog. With --verilog, your own multipliers are candidates beside the "
               "catalogue's (--variant none: theirs alone), each measured from its own "
               "netlist. Exit status 1 when no design meets the budget.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..sweeps.jobs import check_jobs
    from ..sweeps.pick import METRICS, objectives

    parser.add_argument("--width", type=integer(), default=None,
                        help="operand width in bits (required without --verilog, whose ports "
                             "give it)")
    parser.add_argument("--max", type=nonempty, action="append", required=True,
                        metavar="METRIC=LIMIT",
                        help=f"an error budget, repeatable: METRIC=LIMIT, the limit a fraction "
                             f"or a percentage (mred=2%%, wcre=0.12, abs-bias=0.5%%); metrics: "
                             f"{', '.join(METRICS)}")
    parser.add_argument("--minimize", type=nonempty, default="transistors",
                        help=f"the flow figure to minimize (default transistors): "
                             f"{', '.join(objectives())}")
    parser.add_argument("--flow", type=flow_names, default=None, metavar="FLOW[,FLOW...]",
                        help="synthesis flows to run (default: the one that gives --minimize)")
    add_retime_option(parser)
    parser.add_argument("--variant", type=nonempty, action="append", default=None,
                        help="repeatable (default every integer multiplier of the catalogue; "
                             "'none' for none, to pick among the --verilog designs alone)")
    parser.add_argument("--signed", action="store_true",
                        help="two's-complement operands (and --verilog ports)")
    add_foreign_options(parser, repeatable=True)
    parser.add_argument("--frac-bits", type=nonempty, default=None, metavar="VALUES",
                        help="fraction bits to search: A..B, X,Y,... or one (default all)")
    parser.add_argument("--param", type=parameter, action=ParameterAction, metavar="NAME=VALUES",
                        help="a parameter's values to search, repeatable: A..B, X,Y,... or one "
                             "(default every value the design takes; drop and merge only when "
                             "given)")
    parser.add_argument("--stages", type=nonempty, default="0",
                        help="pipeline registers to search: A..B, X,Y,... or one (default 0)")
    parser.add_argument("--samples", type=integer(_samples), default=None,
                        help="random pairs where no exhaustive set is cheap (default 10,000,000; "
                             "exhaustive up to 16 bits)")
    parser.add_argument("--seed", type=integer(_seed), default=1,
                        help="seed of the random pairs (default 1)")
    parser.add_argument("--around", type=integer(_around), default=3,
                        help="designs of the front shown on each side of the chosen one "
                             "(default 3)")
    parser.add_argument("--jobs", type=integer(check_jobs), default=None,
                        help="local worker processes (default one per core)")
    parser.add_argument("--scheduler", type=nonempty, default=None, metavar="ADDRESS",
                        help="run the jobs on the Dask cluster whose scheduler is at ADDRESS")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--out", type=nonempty, default=None,
                        help="also write pick.json and the front (pick.png, pick.svg) here")


def _samples(count: int) -> int:
    from .options import samples
    return samples(count)


def _seed(seed: int) -> int:
    from ...sim.vectors import check_seed
    return check_seed(seed)


def _around(count: int) -> int:
    if count < 0:
        raise ValueError(f"--around must be 0 or more, not {count}")
    return count


def budgets_and_objective(args: argparse.Namespace, flows: tuple[str, ...] | None):
    """The budgets of ``--max`` and the objective of ``--minimize`` among ``flows``, checked."""
    from ..sweeps import pick

    try:
        return pick.parse_budgets(args.max), pick.parse_objective(args.minimize, flows)
    except ValueError as error:
        raise UsageError(str(error)) from None


NONE = "none"


def grid_of(args: argparse.Namespace, width: int, foreign: list = (), **fields) -> list:
    """The designs to search at ``width``: the grid the options name (``fields`` override
    them; ``--variant none``, no catalogue design), then the ``foreign`` designs of that
    width."""
    from ..sweeps.pick import candidate_designs

    grid = dict(variants=getattr(args, "variant", None), signed=args.signed,
                stages=getattr(args, "stages", "0"), params=getattr(args, "param", None),
                frac_bits=getattr(args, "frac_bits", None))
    grid.update(fields)
    foreign = [design for design in foreign if design.width == width]
    if NONE in (grid["variants"] or []):
        if grid["variants"] != [NONE] or not foreign:
            raise UsageError(f"--variant none leaves the catalogue out, to pick among the "
                             f"--verilog designs alone: give it once, with --verilog, not "
                             f"--variant {' --variant '.join(grid['variants'])}"
                             + ("" if foreign else " without --verilog"))
        for option, given in (("--param", grid["params"]), ("--frac-bits", grid["frac_bits"]),
                              ("--stages", grid["stages"] != "0")):
            if given:
                raise UsageError(f"{option} applies to catalogue designs, not with --variant "
                                 f"none")
        return foreign
    try:
        designs = candidate_designs(width=width, **grid)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None
    if foreign and designs[0].entry.kind.name != "multiplier":
        raise UsageError(f"--verilog designs are multipliers; --variant "
                         f"{designs[0].variant} is a {designs[0].entry.kind.name}")
    return designs + foreign


def foreign_width(args: argparse.Namespace, foreign: list) -> int:
    """``--width``, or the width of the ``--verilog`` designs' ports; they must agree."""
    widths = {design.width for design in foreign}
    width = args.width if args.width is not None else min(widths, default=None)
    if width is None:
        raise UsageError("the following arguments are required: --width (or --verilog) "
                         "(see mitchell pick --help)")
    for design in foreign:
        if design.width != width:
            raise UsageError(f"{design.label} of {design.path} has {design.width}-bit operands, "
                             f"not {width}: a search is at one width")
    return width


def settings(args: argparse.Namespace):
    """The budgets, the objective, the flows and their options, and the designs, all checked:
    bad input raises :class:`UsageError` before any work starts."""
    from .options import flows_from

    budgets, objective = budgets_and_objective(args, args.flow)
    foreign = foreign_designs_from(args)
    args.width = foreign_width(args, foreign)
    designs = grid_of(args, args.width, foreign)
    if args.jobs is not None and args.scheduler is not None:
        raise UsageError("--jobs counts local processes; a Dask cluster (--scheduler) runs as "
                         "many jobs as it has workers")
    if args.flow is None:
        args.flow = (objective.flow,)
    flows, options = flows_from(args)
    return budgets, objective, flows, options, designs


def find(args: argparse.Namespace, budgets, objective, flows, options, designs, *, width: int,
         failures: dict) -> dict:
    """The search's result (:func:`~mitchell.reports.sweeps.pick.search`) with the jobs
    ``args`` asks for (``--jobs``, ``--scheduler``, where the command has them), each design
    synthesized in ``flows``; a design whose tool failed is recorded in ``failures``. The
    result is ``pick.json``'s content (see :mod:`mitchell.reports.sweeps.pick`)."""
    from ..error.progress import Progress
    from ..render.report import collect
    from ..sweeps.jobs import ClusterUnusable
    from ..sweeps.pick import cached_errors, search

    def run(what: str, chosen: list, **kwargs) -> list:
        progress = Progress(f"pick: {what} of {len(chosen)} designs at {width} bits")
        try:
            entries = collect(chosen, samples=args.samples, seed=args.seed, progress=progress,
                              jobs=getattr(args, "jobs", None),
                              scheduler=getattr(args, "scheduler", None), failures=failures,
                              **kwargs)
        except ClusterUnusable as error:
            raise UsageError(str(error)) from None
        finally:
            progress.close()
        # collect leaves a failed design out: None in its place.
        done = iter(entries)
        return [None if design in failures else next(done) for design in chosen]

    def measure(classes):
        return cached_errors(classes, samples=args.samples, seed=args.seed, compute=lambda missing:
                             [entry["error"] for entry in run("error", missing)])

    def synthesize(chosen):
        keys = [flow_key(name) for name in flows]
        return [None if entry is None else {key: entry[key] for key in keys}
                for entry in run("synthesis", chosen, flows=flows, options=options, error=False)]

    result = search(designs, budgets, objective, measure=measure, synthesize=synthesize)
    return {"width": width, "signed": args.signed,
            "budgets": [{"metric": b.metric, "limit": b.limit, "text": b.text} for b in budgets],
            "objective": {"name": objective.name, "flow": objective.flow,
                          "field": objective.field},
            "flows": list(flows), **result}


def flow_key(name: str) -> str:
    from ..synthesis.flows import FLOWS
    return FLOWS[name].key


def text(result: dict, around: int) -> str:
    """The printed answer: the chosen design, the front around it, the Verilog command."""
    from ..sweeps.pick import (budgets_of, chosen_line, front_lines, objective_of, summary,
                               verilog_line)

    first, objective = budgets_of(result)[0], objective_of(result)
    rows = front_lines(result, around)
    # The design column as wide as the longest label, at least 54.
    width = max([54] + [len(label) for mark, label, _, _ in rows if mark != "budget"])
    lines = [f"{summary(result)}", f"chosen: {chosen_line(result)}", "",
             f"Pareto front, {first.metric} against {objective.label} (* chosen, x beyond a "
             f"budget):",
             f"  {'design':{width}} {first.metric:>10} {objective.label:>14}"]
    for mark, label, value, cost in rows:
        if mark == "budget":
            lines.append(f"  {'-- ' + label + ' ':-<{width}}")
        else:
            lines.append(f"{mark or ' '} {label:{width}} {value:>10} {cost:>14}")
    lines += ["", f"Verilog: {verilog_line(result)}"]
    return "\n".join(lines)


def write(result: dict, out: str) -> None:
    from ...sim.files import atomic_folder
    from ..render import plots
    from ..render.report import tool_info

    with atomic_folder(Path(out)) as folder:
        (folder / "pick.json").write_text(json.dumps(
            {"tool": tool_info(tuple(result["flows"])), **result}, indent=2) + "\n")
        if result["chosen"] is not None:
            plots.pick_front(result, folder)


def run(args: argparse.Namespace) -> int:
    from ..sweeps.pick import unmet_line

    budgets, objective, flows, options, designs = settings(args)
    if args.out is not None:
        check_output_folder(args.out, marker="pick.json", what="pick")
    failures: dict = {}
    result = find(args, budgets, objective, flows, options, designs, width=args.width,
                  failures=failures)
    for design, message in failures.items():
        print(f"mitchell pick: {design.label} failed: {message}", file=sys.stderr)
    if args.out is not None:
        write(result, args.out)
    if args.json:
        print(json.dumps(result, indent=2))
    if result["chosen"] is None:
        if result["closest"] is not None:
            print(f"mitchell pick: {unmet_line(result)}",
                  file=sys.stderr if args.json else sys.stdout)
            return 1
        # Every design that met the budget failed in synthesis.
        return 3
    if not args.json:
        print(text(result, args.around))
        if args.out is not None:
            print(f"wrote {args.out}/pick.json, pick.png and pick.svg")
    return 3 if failures else 0
