"""``mitchell area``: synthesize a design and its exact baseline, figures side by side."""
import argparse
import json

from .options import add_design_options, add_flow_option, add_retime_option, design_from

HELP = ("synthesis: cells, transistors, depth, iCE40 LUTs, Fmax; standard-cell area, delay and "
        "power")
DESCRIPTION = ("Synthesize the design and the exact multiplier of the same width with Yosys and "
               "nextpnr-ice40 (--flow generic), or onto OSU 0.18 um standard cells with OpenSTA "
               "delay and power (--flow asic).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_design_options(parser)
    add_flow_option(parser)
    add_retime_option(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    from ..render.comparison import comparison, describe
    from ..synthesis.flows import area_table, asic_table, flow_results

    design = design_from(args)
    results = {d.label: flow_results(d, args.flow, retime=args.retime)
               for d in dict.fromkeys([design, design.baseline])}
    same = comparison([design], retime=args.retime)
    if args.json:
        print(json.dumps({**results, "comparison": same}, indent=2))
        return 0
    if args.flow in ("generic", "all"):
        print(area_table(results))
    if args.flow in ("asic", "all"):
        print(asic_table(results))
    print(describe(same))
    return 0
