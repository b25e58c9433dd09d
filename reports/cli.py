"""The ``mitchell`` command line."""
import argparse
import json
import os
import sys

from pathlib import Path

from ..rtl import to_verilog
from ..sim.design import VARIANTS, Design
from ..sim.files import OutputError, write_text
from ..sim.run import SIMULATORS, SimRequest, run_simulation
from ..sim.toolchain import ToolMissing
from ..sim.vectors import VectorSet


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


def parse_params(items: list[str] | None) -> dict[str, int]:
    """``--param NAME=VALUE`` options as a dict of integers."""
    params = {}
    for item in items or []:
        name, equals, value = item.partition("=")
        if not equals or not name or not value.lstrip("-").isdigit():
            raise UsageError(f"Parameters are NAME=INTEGER (for example w=6), not {item!r}")
        params[name] = int(value)
    return params


def make_design(**fields) -> Design:
    try:
        return Design(**fields)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None


def design_from(args: argparse.Namespace, **overrides) -> Design:
    fields = dict(variant=args.variant, width=args.width, frac_bits=args.frac_bits,
                  stages=args.stages, signed=args.signed, params=parse_params(args.param))
    fields.update(overrides)
    return make_design(**fields)


def add_design_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--width", type=int, required=True, help="operand width in bits, 2 to 64")
    parser.add_argument("--variant", default="mitchell", help=f"one of {', '.join(VARIANTS)}")
    parser.add_argument("--frac-bits", type=int, default=None,
                        help="mantissa fraction bits, 0 to width-1 (default width-1)")
    parser.add_argument("--stages", type=int, default=0, help="pipeline registers (default 0)")
    add_variant_options(parser)


def add_variant_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--signed", action="store_true",
                        help="two's-complement operands and product (sign-magnitude around the core)")
    parser.add_argument("--param", action="append", metavar="NAME=VALUE",
                        help="variant parameter, repeatable: w=N for mitch-w (default 6) and "
                             "alm-soa (default (width-1)//2), corrections=N for ilm (default 1)")


def add_folder_options(parser: argparse.ArgumentParser) -> None:
    """The options of the commands that write a folder of results (report, sweep)."""
    parser.add_argument("--samples", type=int, default=None,
                        help="random pairs where no exhaustive set is cheap (default 10,000,000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random pairs (default 1)")
    parser.add_argument("--no-area", action="store_true", help="skip synthesis")
    add_flow_option(parser)
    parser.add_argument("--out", required=True, help="output folder")


FLOWS = ("generic", "asic", "all")


def add_flow_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--flow", default="generic", choices=FLOWS,
                        help="generic: Yosys generic gates and iCE40 with nextpnr (default); "
                             "asic: OSU 0.18 um standard cells, OpenSTA delay and power "
                             "(apt-get install -y opensta qflow-tech-osu018); all: both")


def run_verilog(args: argparse.Namespace) -> int:
    design = design_from(args)
    try:
        text = design.verilog(args.name)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_text(args.output, text)
    return 0


def run_sim(args: argparse.Namespace) -> int:
    from ..sim.cocotb_runner import SimulationError

    design = design_from(args)
    try:
        vectors = VectorSet(args.vectors, design.width, args.seed) if args.vectors else \
            VectorSet.default(design.width, args.seed)
        request = SimRequest(design=design, simulator=args.simulator, vectors=vectors,
                             build_dir=Path(args.build_dir), verilog=args.verilog, top=args.top,
                             vcd=args.vcd, netlist="" if args.netlist else None)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None
    if args.netlist:
        from .synthesis import SynthesisError, gate_netlist
        try:
            request.netlist = gate_netlist(design)
        except SynthesisError as error:
            print(f"mitchell sim: error: {error}", file=sys.stderr)
            return 1
    try:
        report = run_simulation(request)
    except SimulationError as error:
        raise UsageError(str(error)) from None
    print(report.summary())
    for mismatch in report.first:
        print(f"  mismatch: {mismatch.describe(design.width)}")
    for problem in report.reset_problems:
        print(f"  reset: {problem}")
    return 0 if report.passed else 1


def run_error(args: argparse.Namespace) -> int:
    from .error_analysis import measure
    from .progress import Progress
    from .metrics import METRIC_LABELS, describe_pairs, format_metric

    design = design_from(args)
    progress = Progress(f"error {design.label}")
    try:
        metrics = measure(design, exhaustive=True if args.exhaustive else None,
                          samples=args.samples, seed=args.seed, method=args.method,
                          progress=progress)
    except ValueError as error:
        raise UsageError(str(error)) from None
    finally:
        progress.close()
    if args.json:
        print(json.dumps({"design": design.label, "error": metrics}, indent=2))
        return 0
    print(f"{design.label} against the exact product, {describe_pairs(metrics)}")
    for key, label, unit in METRIC_LABELS:
        line = f"  {label:6} {format_metric(metrics[key], unit):>24}"
        if "ci95" in metrics and key in metrics["ci95"]:
            low, high = metrics["ci95"][key]
            line += f"   95 % CI [{format_metric(low, unit)}, {format_metric(high, unit)}]"
        print(line)
    print(f"  {'mean':6} {format_metric(metrics['mean_error'], ''):>24}   (mean of P' - P)")
    return 0


def run_area(args: argparse.Namespace) -> int:
    from .synthesis import SynthesisError

    design = design_from(args)
    baseline = design_from(args, variant="exact", frac_bits=None, params={})
    try:
        results = {d.label: flow_results(d, args.flow)
                   for d in dict.fromkeys([design, baseline])}
    except SynthesisError as error:
        print(f"mitchell area: error: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    if args.flow in ("generic", "all"):
        print_area(results)
    if args.flow in ("asic", "all"):
        print_asic(results)
    return 0


def flow_results(design: Design, flow: str) -> dict:
    """The figures of one design from the synthesis ``flow``: ``generic`` (Yosys generic gates
    and iCE40), ``asic`` (OSU 0.18 um standard cells, OpenSTA) or ``all``."""
    from .asic import synthesize_asic
    from .synthesis import synthesize

    return {**(synthesize(design) if flow != "asic" else {}),
            **(synthesize_asic(design) if flow != "generic" else {})}


def print_area(results: dict[str, dict]) -> None:
    """Synthesis figures side by side, one column per design, with the ratio of the first two."""
    from .synthesis import FIELDS

    labels = list(results)
    column = max(14, *(len(label) + 2 for label in labels))
    print(f"{'':14}" + "".join(f"{label:>{column}}" for label in labels)
          + (f"{'ratio':>10}" if len(labels) == 2 else ""))
    for field in FIELDS:
        values = [results[label][field] for label in labels]
        ratio = f"{values[0] / values[1]:10.2f}" if len(values) == 2 and values[1] else ""
        print(f"{field:14}" + "".join(f"{value:>{column},}" for value in values) + ratio)


def print_asic(results: dict[str, dict]) -> None:
    """Standard-cell figures side by side, with the ratio of the first two and the conditions."""
    from .asic import ROWS

    labels = list(results)
    column = max(14, *(len(label) + 2 for label in labels))
    print(f"{'standard cells':16}" + "".join(f"{label:>{column}}" for label in labels)
          + (f"{'ratio':>10}" if len(labels) == 2 else ""))
    for field, name, style in ROWS:
        values = [results[label][field] for label in labels]
        ratio = f"{values[0] / values[1]:10.2f}" if len(values) == 2 and values[1] else ""
        print(f"{name:16}" + "".join(f"{style.format(value):>{column}}" for value in values)
              + ratio)
    first = results[labels[0]]
    print("critical paths: " + ", ".join(f"{label} {results[label]['asic_critical_path']}"
                                          for label in labels))
    print(f"conditions: {first['asic_constraints']}")
    print(f"activity: {first['asic_activity']}")


def build_folder(args: argparse.Namespace, designs: list[Design], *, marker: str, what: str,
                 write) -> int:
    """Computes every design's entry, then writes the folder ``args.out`` in one move.

    ``write(result, folder)`` fills a temporary folder that replaces ``args.out`` only when it is
    complete; an existing ``args.out`` is replaced only if it holds an earlier ``marker`` file.
    """
    from ..sim.files import atomic_folder, check_folder
    from .progress import Progress
    from .report import collect, tool_info
    from .synthesis import SynthesisError

    out = Path(args.out)
    check_folder(out)
    if out.exists() and any(out.iterdir()) and not (out / marker).exists():
        raise UsageError(f"Output folder {str(out)!r} exists and holds something other than a "
                         f"mitchell {what}; choose another --out")
    if args.samples is not None and args.samples <= 0:
        raise UsageError(f"Samples must be a positive integer, not {args.samples}")
    asic = not args.no_area and args.flow != "generic"
    if asic:
        from .asic import Library, tool_versions
        Library.find()
        tool_versions()
    progress = Progress(f"{what} of {len(designs)} designs")
    try:
        entries = collect(designs, samples=args.samples, seed=args.seed,
                          area=not args.no_area and args.flow != "asic",
                          asic=asic, progress=progress)
    except SynthesisError as error:
        print(f"mitchell {what}: error: {error}", file=sys.stderr)
        return 1
    finally:
        progress.close()
    tool = tool_info()
    if asic:
        tool.update(tool_versions())
    with atomic_folder(out) as folder:
        write({"tool": tool, "designs": entries}, folder)
    return 0


def run_report(args: argparse.Namespace) -> int:
    from .report import write_report

    designs = []
    for width in args.width or [8, 16]:
        for variant in (args.variant or ["mitchell"]) + ["exact"]:
            exact = variant == "exact"
            designs.append(design_from(args, width=width, variant=variant,
                                       frac_bits=None if exact else args.frac_bits,
                                       params={} if exact else parse_params(args.param)))
    designs = list(dict.fromkeys(designs))
    status = build_folder(args, designs, marker="report.json", what="report",
                          write=lambda report, folder: write_report(report, designs, folder))
    if status == 0:
        print(f"wrote {args.out}/report.json, report.md, report.html and the plots")
    return status


def run_sweep(args: argparse.Namespace) -> int:
    from .sweep import write_sweep

    variants = list(VARIANTS) if args.variant in (None, ["all"]) else \
        list(dict.fromkeys(args.variant + ["exact"]))
    designs = [make_design(variant=variant, width=width, signed=args.signed)
               for width in (args.width or [8, 16]) for variant in variants]
    entries = []

    def write(sweep: dict, folder: Path) -> None:
        entries.extend(sweep["designs"])
        write_sweep(sweep, folder)

    status = build_folder(args, designs, marker="sweep.json", what="sweep", write=write)
    if status:
        return status
    asic = any("asic" in entry for entry in entries)
    print(f"{'design':42} {'MRED %':>9} {'bias %':>9} {'transistors':>12} {'LUT4':>7} {'Fmax':>7}"
          + (f" {'um2':>9} {'ns':>6} {'dyn mW':>7}" if asic else ""))
    for design, entry in zip(designs, entries):
        area, cells = entry.get("area", {}), entry.get("asic")
        print(f"{design.label:42} {100 * entry['error']['mred']:9.4f} "
              f"{100 * entry['error']['bias']:9.4f} {area.get('transistors', '-'):>12} "
              f"{area.get('ice40_lut4', '-'):>7} {area.get('fmax_mhz', '-'):>7}"
              + (f" {cells['asic_area_um2']:9,.0f} {cells['asic_delay_ns']:6.2f} "
                 f"{cells['asic_dynamic_mw']:7.3f}" if cells else ""))
    pictures = " and pareto.png/svg" if all("area" in entry for entry in entries) else ""
    print(f"wrote {args.out}/sweep.csv, sweep.json{pictures}")
    return 0


def run_divide(args: argparse.Namespace) -> int:
    from ..rtl import ExactDivider, MitchellDivider
    from ..rtl.divider import check_quotient_frac_bits
    from ..rtl.params import check_width
    from ..sim.cocotb_runner import SimulationError
    from ..sim.run import run_divider_simulation
    from .divider_errors import divider_metrics
    from .metrics import describe_pairs
    from .synthesis import SynthesisError, synthesize_verilog

    try:
        width = check_width(args.width)
        frac_bits = check_quotient_frac_bits(args.frac_bits, width=width)
        vectors = VectorSet(args.simulate, width, args.seed) if args.simulate else None
        if args.simulator not in SIMULATORS:
            raise ValueError(f"Simulator must be one of {', '.join(SIMULATORS)}, "
                             f"not {args.simulator!r}")
        if args.samples is not None and args.samples <= 0:
            raise ValueError(f"Samples must be a positive integer, not {args.samples}")
        text = to_verilog(MitchellDivider(width=width, frac_bits=frac_bits), name=args.name) \
            if args.output else None
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None
    if text is not None:
        write_text(args.output, text)
    status = 0
    label = f"mitchell-div(width={width}, frac_bits={frac_bits})"
    if vectors is not None:
        try:
            report = run_divider_simulation(args.simulator, width=width, frac_bits=frac_bits,
                                            vectors=vectors, build_dir=Path(args.build_dir))
        except SimulationError as error:
            raise UsageError(str(error)) from None
        print(report.summary())
        for mismatch in report.first:
            print(f"  mismatch (q | dz << {width + frac_bits}): {mismatch.describe(width)}")
        status = 0 if report.passed else 1
    metrics = divider_metrics(width=width, frac_bits=frac_bits, samples=args.samples,
                              seed=args.seed)
    areas = {}
    if args.area:
        ports = dict(inputs={"a": width, "b": width}, outputs={"q": width + frac_bits, "dz": 1},
                     clocked=False)
        try:
            for name, divider in (("mitchell_div", MitchellDivider), ("exact_div", ExactDivider)):
                areas[name] = synthesize_verilog(
                    to_verilog(divider(width=width, frac_bits=frac_bits), name=name), top=name,
                    label=name, **ports)
        except SynthesisError as error:
            print(f"mitchell divide: error: {error}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps({"design": label, "error": metrics, "area": areas or None}, indent=2))
        return status
    print(f"{label} against a / b, {describe_pairs(metrics, which='pairs with b != 0')}")
    for key, label_text in (("mred", "MRED"), ("wcre", "WCRE"), ("bias", "bias")):
        print(f"  {label_text:6} {100 * metrics[key]:12.4f} %   (includes the truncation to F bits)")
    print(f"  {'over':6} {100 * metrics['max_over']:12.4f} %   (largest overestimate of a / b)")
    print(f"  {'ER':6} {100 * metrics['er']:12.4f} %   (q differs from floor(a*2^F/b))")
    print(f"  below floor(a*2^F/b): {metrics['below_exact']:,} pairs")
    if areas:
        print_area(areas)
    return status


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="mitchell", description="Mitchell's logarithmic multiplier as a real circuit.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    verilog = commands.add_parser("verilog", help="write the Verilog of a design",
                                  description="Write the Verilog of a multiplier, ports a, b, p "
                                              "(and clk, rst when pipelined).")
    add_design_options(verilog)
    verilog.add_argument("--name", default=None,
                         help="module name (default mitchell_mul or exact_mul)")
    verilog.add_argument("-o", "--output", default=None, help="output file (default stdout)")
    verilog.set_defaults(run=run_verilog)

    sim = commands.add_parser("sim", help="simulate a design against the golden model",
                              description="Simulate every vector and compare each output with the "
                                          "golden model. Exit 0 only if all match, 1 on a mismatch.")
    add_design_options(sim)
    sim.add_argument("--simulator", default="amaranth", help=f"one of {', '.join(SIMULATORS)}")
    sim.add_argument("--vectors", default=None,
                     help="exhaustive (up to 16 bits), random:N, corners, or several joined with + "
                          "(default: exhaustive up to 8 bits, else random:100000+corners)")
    sim.add_argument("--seed", type=int, default=1, help="seed of the random vectors (default 1)")
    sim.add_argument("--vcd", type=Path, default=None, help="write a waveform to this file")
    sim.add_argument("--verilog", type=Path, default=None,
                     help="simulate this Verilog file instead (ports a, b, p; clk, rst if --stages)")
    sim.add_argument("--top", default=None, help="module to simulate in --verilog")
    sim.add_argument("--netlist", action="store_true",
                     help="simulate the design's Yosys gate-level netlist (generic synth, with "
                          "Yosys's cell models) instead of its RTL: a post-synthesis check")
    sim.add_argument("--build-dir", default="build/mitchell-sim",
                     help="where simulator builds go (default build/mitchell-sim)")
    sim.set_defaults(run=run_sim)

    error = commands.add_parser("error", help="error metrics against the exact product",
                                description="Error metrics (ER, MED, NMED, MRED, WCE, WCRE, bias, "
                                            "MSE) against the exact product.")
    add_design_options(error)
    error.add_argument("--exhaustive", action="store_true",
                       help="all pairs (default up to 12 bits; up to 16 bits, or 24 for plain "
                            "Mitchell, which is computed analytically)")
    error.add_argument("--samples", type=int, default=None,
                       help="random pairs instead (default 10,000,000 above 12 bits)")
    error.add_argument("--seed", type=int, default=1, help="seed of the random pairs (default 1)")
    error.add_argument("--method", default="auto", choices=["auto", "analytic", "enumerate"],
                       help="analytic sums (plain Mitchell only) or enumeration (default: auto)")
    error.add_argument("--json", action="store_true", help="print JSON")
    error.set_defaults(run=run_error)

    area = commands.add_parser("area", help="synthesis: cells, transistors, depth, iCE40 LUTs, Fmax; "
                                            "standard-cell area, delay and power",
                               description="Synthesize the design and the exact multiplier of the "
                                           "same width with Yosys and nextpnr-ice40 (--flow "
                                           "generic), or onto OSU 0.18 um standard cells with "
                                           "OpenSTA delay and power (--flow asic).")
    add_design_options(area)
    add_flow_option(area)
    area.add_argument("--json", action="store_true", help="print JSON")
    area.set_defaults(run=run_area)

    report = commands.add_parser("report", help="error and area report: JSON, Markdown, HTML, plots")
    report.add_argument("--width", type=int, action="append",
                        help="operand width, repeatable (default 8 and 16)")
    report.add_argument("--variant", action="append", default=None,
                        help=f"approximate design(s) to compare with exact (default mitchell); "
                             f"one of {', '.join(v for v in VARIANTS if v != 'exact')}")
    report.add_argument("--frac-bits", type=int, default=None)
    report.add_argument("--stages", type=int, default=0)
    add_variant_options(report)
    add_folder_options(report)
    report.set_defaults(run=run_report)

    sweep = commands.add_parser("sweep", help="every variant at every width: error, area, Pareto plot")
    sweep.add_argument("--width", type=int, action="append", help="repeatable (default 8 and 16)")
    sweep.add_argument("--variant", action="append", default=None,
                       help="repeatable, or 'all' (default: all, with their default parameters)")
    sweep.add_argument("--signed", action="store_true")
    add_folder_options(sweep)
    sweep.set_defaults(run=run_sweep)

    divide = commands.add_parser("divide", help="Mitchell's divider: Verilog, simulation, error",
                                 description="Mitchell's logarithmic divider: quotient with "
                                             "--frac-bits fraction bits and a dz flag.")
    divide.add_argument("--width", type=int, required=True, help="operand width, 2 to 64")
    divide.add_argument("--frac-bits", type=int, default=None,
                        help="quotient fraction bits, 0 to width (default width)")
    divide.add_argument("-o", "--output", default=None, help="write the Verilog to this file")
    divide.add_argument("--name", default="mitchell_div", help="module name (default mitchell_div)")
    divide.add_argument("--simulate", default=None, metavar="VECTORS",
                        help="check the RTL against the golden model on these vectors "
                             "(exhaustive, random:N, corners), on --simulator")
    divide.add_argument("--simulator", default="amaranth", help=f"one of {', '.join(SIMULATORS)}")
    divide.add_argument("--build-dir", default="build/mitchell-sim",
                        help="where simulator builds go (default build/mitchell-sim)")
    divide.add_argument("--samples", type=int, default=None,
                        help="random pairs for the error (default: exhaustive up to 12 bits, "
                             "else 10,000,000)")
    divide.add_argument("--seed", type=int, default=1)
    divide.add_argument("--area", action="store_true",
                        help="synthesize it and the exact divider (Yosys, nextpnr-ice40)")
    divide.add_argument("--json", action="store_true")
    divide.set_defaults(run=run_divide)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, OutputError, ToolMissing) as error:
        print(f"mitchell {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mitchell {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
