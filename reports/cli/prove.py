"""``mitchell prove``: prove a design equal to its behavioural reference (or its netlist) for
every input with Yosys; a counterexample is printed and replayed in simulation."""
import argparse
from pathlib import Path

from .options import UsageError, add_design_options, design_from, nonempty

HELP = "prove a design equal to its behavioural reference for every input"
DESCRIPTION = ("Prove with Yosys (miter, SAT) that the design's Verilog equals its behavioural "
               "reference (sim/hdl/reference.v) for every input pair, or, pipelined, every run "
               "from reset; or, with --netlist, that it equals its own synthesised netlist. Exit "
               "0 when proved, 1 on a counterexample (printed and replayed in simulation), 3 "
               "when the time runs out.")


def seconds(text: str) -> float:
    """The type of ``--timeout``: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not (0 < value < float("inf")):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ...sim.simulators import SIMULATORS
    from ..proofs.prove import DEFAULT_TIMEOUT

    add_design_options(parser)
    parser.add_argument("--netlist", action="store_true",
                        help="prove the RTL equal to its netlist from the generic synthesis flow "
                             "(synth -flatten, abc -g cmos2) instead")
    parser.add_argument("--verilog", type=nonempty, default=None,
                        help="prove this Verilog file instead (ports a, b, p; clk, rst if "
                             "--stages)")
    parser.add_argument("--top", type=nonempty, default=None, help="module to prove in --verilog")
    parser.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT,
                        help=f"give up after this many seconds (default {DEFAULT_TIMEOUT:g}); "
                             f"exit status 3")
    parser.add_argument("--simulator", default=None,
                        help=f"where a counterexample is replayed: one of {', '.join(SIMULATORS)} "
                             f"(default amaranth; icarus with --netlist or --verilog)")
    parser.add_argument("--build-dir", type=nonempty, default="build/mitchell-sim",
                        help="where simulator builds for the replay go (default "
                             "build/mitchell-sim)")


def run(args: argparse.Namespace) -> int:
    from ...sim.simulators import lookup
    from ..proofs.counterexample import describe, describe_replay
    from ..proofs.prove import prove, replay

    design = design_from(args)
    simulator = args.simulator or ("icarus" if args.netlist or args.verilog else "amaranth")
    try:
        lookup(simulator)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if (args.netlist or args.verilog) and simulator == "amaranth":
        raise UsageError("A counterexample of a netlist or a Verilog file is replayed on icarus "
                         "or verilator, not amaranth (--simulator)")
    if (args.verilog is None) != (args.top is None):
        raise UsageError("--verilog and --top go together: the file and the module in it to prove")
    try:
        result = prove(design, netlist=args.netlist, verilog=args.verilog, top=args.top,
                       timeout=args.timeout)
    except ValueError as error:
        raise UsageError(str(error)) from None
    print(describe(result, design))
    if result.proved:
        return 0
    replayed = replay(result, design, simulator=simulator, build_dir=Path(args.build_dir),
                      verilog=args.verilog, top=args.top)
    print(describe_replay(replayed, result, design, netlist=args.netlist))
    return 1
