"""``mitchell area``: synthesize a design and its exact baseline, figures side by side."""
import argparse
import json

from .options import (add_design_options, add_flow_option, add_foreign_options, add_retime_option,
                      design_from, flows_from)

HELP = ("synthesis: cells, transistors, depth, iCE40 LUTs, Fmax; standard-cell area, delay and "
        "power")
DESCRIPTION = ("Synthesize the design and the exact multiplier of the same width with each flow "
               "of --flow: Yosys generic gates (generic), iCE40 LUTs and nextpnr-ice40 Fmax "
               "(ice40), standard cells of an OSU library with OpenSTA delay and power (asic), "
               "mapped for area, for a delay target or for each design's minimum delay.")


def delay_ns(text: str) -> float:
    """The type of ``--target-delay``: a positive number of ns."""
    from ..synthesis.delay import check_target

    try:
        return check_target(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number of ns, not {text!r}") \
            from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..synthesis.asic import LIBRARIES

    add_design_options(parser)
    add_foreign_options(parser)
    add_flow_option(parser)
    add_retime_option(parser)
    parser.add_argument("--library", choices=list(LIBRARIES), default=None,
                        help="standard cells of --flow asic: " + ", ".join(
                            f"{name} ({label}, apt-get install -y {package})"
                            for name, (label, _, package) in LIBRARIES.items())
                        + "; default osu018, or the Liberty file $MITCHELL_LIBERTY names")
    delay = parser.add_mutually_exclusive_group()
    delay.add_argument("--target-delay", type=delay_ns, default=None, metavar="NS",
                       help="--flow asic: map each design for this delay with a fixed set of ABC "
                            "scripts; the smallest netlist that simulates correctly and meets it "
                            "is kept, and the table says whether it was met")
    delay.add_argument("--min-delay", action="store_true",
                       help="--flow asic: search each design's minimum delay (targets from "
                            "relaxed to tight) and give area, delay and energy there")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    from ..render.comparison import comparison, describe
    from ..synthesis.flows import FLOWS, flow_results, flow_table

    design = design_from(args)
    flows, options = flows_from(args)
    results = {d.label: flow_results(d, flows, options)
               for d in dict.fromkeys([design, design.baseline])}
    same = comparison([design], retime=args.retime)
    if args.json:
        print(json.dumps({**results, "comparison": same}, indent=2))
        return 0
    for name in flows:
        key = FLOWS[name].key
        print(flow_table(FLOWS[name], {label: figures[key] for label, figures in results.items()}))
    print(describe(same))
    return 0
