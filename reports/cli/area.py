"""``mitchell area``: synthesize a design and its exact baseline, figures side by side."""
import argparse
import json

from .options import (add_asic_options, add_design_options, add_flow_option, add_foreign_options,
                      add_retime_option, design_from, flows_from)

HELP = ("synthesis: cells, transistors, depth, iCE40 LUTs, Fmax; standard-cell area, delay and "
        "power")
DESCRIPTION = ("Synthesize the design and the exact multiplier of the same width with each flow "
               "of --flow: Yosys generic gates (generic), iCE40 LUTs and nextpnr-ice40 Fmax "
               "(ice40), standard cells of an OSU library with OpenSTA delay and power (asic), "
               "mapped for area, for a delay target or for each design's minimum delay.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_design_options(parser)
    add_foreign_options(parser)
    add_flow_option(parser)
    add_retime_option(parser)
    add_asic_options(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    from ..render.comparison import comparison, describe
    from ..sweeps.jobs import runner
    from ..synthesis.cache import check_cache
    from ..synthesis.flows import FLOWS, flow_results, flow_table

    design = design_from(args)
    flows, options = flows_from(args)
    for name in flows:
        # Here, so that the workers do not each warn of an unusable cache.
        check_cache(FLOWS[name].key)
    # The design and its baseline side by side, a process each (up to one per core): the
    # minimum-delay searches, in particular, each leave a core idle much of the time.
    designs = list(dict.fromkeys([design, design.baseline]))
    with runner() as pool:
        futures = [pool.submit(flow_results, d, flows, options) for d in designs]
        results = {d.label: future.result() for d, future in zip(designs, futures)}
    same = comparison([design], flows=flows, retime=args.retime)
    if args.json:
        print(json.dumps({**results, "comparison": same}, indent=2))
        return 0
    for name in flows:
        key = FLOWS[name].key
        print(flow_table(FLOWS[name], {label: figures[key] for label, figures in results.items()}))
    print(describe(same))
    return 0
