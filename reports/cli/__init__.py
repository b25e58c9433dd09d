"""The ``mitchell`` command line."""
import argparse
import itertools
import json
import os
import re
import signal
import sys

from pathlib import Path

from ...sim.catalogue import BASELINES, CATALOGUE, parameter_help
from ...sim.design import Design
from ...sim.files import OutputError, guarded_stdout, write_text
from ...sim.pool import Terminated, terminate_as_interrupt
from ...sim.run import SIMULATORS, SimRequest, run_simulation
from ...sim.toolchain import ToolFailed, ToolMissing
from ...sim.vectors import VectorSet, check_seed
from ..apps.application import check_epochs
from ..error.error_analysis import METHODS, check_samples
from ..sweeps.jobs import ClusterUnusable, check_jobs
from ..proofs.prove import DEFAULT_TIMEOUT


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse with its errors on one line, as every other error (argparse prints the usage
    block first), and unrecognised options reported by the subcommand they were given to."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def add_subparsers(self, **kwargs):
        self.commands = super().add_subparsers(**kwargs)
        return self.commands

    def parse_args(self, args=None, namespace=None) -> argparse.Namespace:
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            commands = getattr(self, "commands", None)
            command = commands.choices[getattr(namespace, commands.dest)] if commands else self
            command.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace


def decimal(text: str) -> int:
    """``text`` as an integer if it is ASCII decimal digits with an optional minus sign: ``int()``
    also takes '١٦', '+8', ' 8' and '1_0'."""
    if not re.fullmatch(r"-?[0-9]+", text):
        raise argparse.ArgumentTypeError(f"expected an integer in decimal digits, not {text!r}")
    try:
        return int(text)
    except ValueError:  # more digits than sys.get_int_max_str_digits() allows
        raise argparse.ArgumentTypeError(f"expected an integer, not one of {len(text):,} digits") \
            from None


def integer(check=None):
    """The type of an integer option: :func:`decimal`, then the library's ``check`` of its range
    where the run would not check it before starting work."""
    def parse(text: str) -> int:
        value = decimal(text)
        if check is not None:
            try:
                check(value)
            except (TypeError, ValueError) as error:
                raise argparse.ArgumentTypeError(str(error)) from None
        return value
    return parse


def nonempty(value: str) -> str:
    """The type of a string option: not empty (an empty name, folder or vector set is a mistake,
    not a request for the default)."""
    if not value:
        raise argparse.ArgumentTypeError("expected a value, not ''")
    return value


def output_file(value: str) -> str:
    """The type of an output file option: a path ending in / (or . or ..) names a folder."""
    nonempty(value)
    if value.endswith(("/", os.sep)) or os.path.basename(value) in (".", ".."):
        raise argparse.ArgumentTypeError(f"{value!r} names a folder; give a file name")
    return value


def parameter(value: str) -> tuple[str, str]:
    """The type of ``--param NAME=VALUE``: a name and the text of its value, which
    :func:`parse_params` reads as the design declares the parameter."""
    name, equals, text_value = value.partition("=")
    if not (equals and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and text_value):
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE (for example w=6), not {value!r}")
    return name, text_value


class ParameterAction(argparse.Action):
    """Collects ``--param`` options into a dict; a name given twice is an error rather than the
    last value silently winning."""

    def __call__(self, parser, namespace, values, option_string=None):
        name, value = values
        params = dict(getattr(namespace, self.dest) or {})
        if name in params:
            raise argparse.ArgumentError(self, f"{name} is given twice ({name}={params[name]} and "
                                               f"{name}={value}); give it once")
        params[name] = value
        setattr(namespace, self.dest, params)


def parse_params(variant: str, params: dict[str, str] | None) -> dict:
    """``--param`` options of ``variant`` as a dict, each value read as its parameter declares
    (unknown names are left to :class:`Design` to reject, naming the ones allowed)."""
    declared = {parameter.name: parameter for parameter in CATALOGUE[variant].parameters} \
        if variant in CATALOGUE else {}
    values = {}
    for name, value in (params or {}).items():
        try:
            values[name] = declared[name].parse(value) if name in declared else value
        except ValueError as error:
            raise UsageError(f"{error} (in --param {name}={value})") from None
    return values


def make_design(*, kind=Design, **fields) -> Design:
    try:
        return kind(**fields)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None


def design_from(args: argparse.Namespace, **overrides) -> Design:
    variant = overrides.get("variant", args.variant)
    if getattr(args, "format", "int") != "int":  # apply has no --format: integer designs only
        return float_design_from(args, variant)
    if overrides.get("width", args.width) is None:
        raise UsageError(f"the following arguments are required: --width (or --format) "
                         f"(see mitchell {args.command} --help)")
    fields = dict(variant=variant, width=args.width, frac_bits=args.frac_bits,
                  stages=args.stages, signed=args.signed, params=parse_params(variant, args.param))
    fields.update(overrides)
    return make_design(**fields)


def float_design_from(args: argparse.Namespace, variant: str, *, stages: int | None = None):
    """The floating-point design the options name (at ``stages``, else ``--stages``);
    integer-only options are refused."""
    from ...sim.float_design import FloatDesign

    for option, given in (("--width", args.width is not None),
                          ("--frac-bits", getattr(args, "frac_bits", None) is not None),
                          ("--signed", args.signed),
                          ("--param", bool(getattr(args, "param", None)))):
        if given:
            raise UsageError(f"{option} applies to integer designs, not with --format {args.format} "
                             f"(whose width is the format's)")
    return make_design(format=args.format, variant=variant, kind=FloatDesign,
                       stages=getattr(args, "stages", 0) if stages is None else stages)


def check_format_name(value: str) -> str:
    """The type of ``--format``: ``int`` or a floating-point format's name."""
    from ...rtl.float_format import lookup_format

    if value != "int":
        try:
            lookup_format(value)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return value


def add_format_option(parser: argparse.ArgumentParser) -> None:
    from ...rtl.float_format import FORMATS
    from ...sim.float_design import FLOAT_DESIGNS

    parser.add_argument("--format", type=check_format_name, default="int",
                        help=f"int (default: integer operands of --width bits) or a "
                             f"floating-point format: {', '.join(FORMATS)}; its variants: "
                             + "; ".join(f"{name}: {text}" for name, text in FLOAT_DESIGNS.items()))


def variant_help() -> str:
    return "; ".join(f"{name}: {entry.summary}" for name, entry in CATALOGUE.items())


def add_design_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--width", type=integer(), default=None,
                        help="operand width in bits, 2 to 64 (required without --format)")
    add_format_option(parser)
    parser.add_argument("--variant", type=nonempty, default="mitchell",
                        help=f"the design (default mitchell). {variant_help()}")
    parser.add_argument("--frac-bits", type=integer(), default=None,
                        help="mantissa fraction bits, 0 to width-1 (default width-1); for a "
                             "divider, quotient fraction bits, 0 to width (default width)")
    parser.add_argument("--stages", type=integer(), default=0,
                        help="pipeline registers, 0 to 64 (default 0)")
    add_variant_options(parser)


def add_variant_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--signed", action="store_true",
                        help="two's-complement operands and product (sign-magnitude around the core)")
    parser.add_argument("--param", type=parameter, action=ParameterAction, metavar="NAME=VALUE",
                        help=f"design parameter, repeatable: {parameter_help()}")


def add_folder_options(parser: argparse.ArgumentParser) -> None:
    """The options of the commands that write a folder of results (report, sweep)."""
    parser.add_argument("--samples", type=integer(check_samples), default=None,
                        help="random pairs where no exhaustive set is cheap (default 10,000,000)")
    parser.add_argument("--seed", type=integer(check_seed), default=1,
                        help="seed of the random pairs (default 1)")
    parser.add_argument("--no-area", action="store_true", help="skip synthesis")
    add_flow_option(parser)
    add_retime_option(parser)
    parser.add_argument("--out", type=nonempty, required=True, help="output folder")


FLOWS = ("generic", "asic", "all")


def add_flow_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--flow", default="generic", choices=FLOWS,
                        help="generic: Yosys generic gates and iCE40 with nextpnr (default); "
                             "asic: OSU 0.18 um standard cells, OpenSTA delay and power "
                             "(apt-get install -y opensta qflow-tech-osu018); all: both")


def add_retime_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--retime", action="store_true",
                        help="retime registers in the iCE40 flow (abc -dff -D 1, what synth_ice40 "
                             "-retime did), for every design and its baseline alike")


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
    design = design_from(args)
    try:
        vectors = VectorSet(args.vectors, design.width, args.seed, design.format) \
            if args.vectors else VectorSet.default(design.width, args.seed, design.format)
        request = SimRequest(design=design, simulator=args.simulator, vectors=vectors,
                             build_dir=Path(args.build_dir), verilog=args.verilog, top=args.top,
                             vcd=args.vcd, netlist="" if args.netlist else None)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None
    if args.netlist:
        from ..synthesis.yosys import gate_netlist
        request.netlist = gate_netlist(design)
    result = run_simulation(request)
    print(result.summary())
    for mismatch in result.first:
        print(f"  mismatch: {mismatch.describe(width=design.width, out_width=design.out_width)}")
    for problem in result.reset_problems:
        print(f"  reset: {problem}")
    return 0 if result.passed else 1


def run_error(args: argparse.Namespace) -> int:
    from ..error.error_analysis import measure
    from ..error.progress import Progress
    from ..error.metrics import METRIC_LABELS, describe_pairs, format_metric

    design = design_from(args)
    if design.format != "int":
        return run_float_error(args, design)
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
    print(f"{design.label} against {design.baseline.variant}, "
          f"{describe_pairs(metrics, which=design.entry.kind.defined_pairs)}; MRED, WCRE and bias "
          f"over the {metrics['relative_pairs']:,} of them with a non-zero exact result")
    for key, label, unit in METRIC_LABELS:
        line = f"  {label:6} {format_metric(metrics[key], unit):>24}"
        if "ci95" in metrics and key in metrics["ci95"]:
            low, high = metrics["ci95"][key]
            line += f"   95 % CI [{format_metric(low, unit)}, {format_metric(high, unit)}]"
        print(line)
    print(f"  {'mean':6} {format_metric(metrics['mean_error'], ''):>24}   (mean of P' - P)")
    return 0


def run_float_error(args: argparse.Namespace, design) -> int:
    from ..error.float_error import measure_float
    from ..error.metrics import format_metric
    from ..error.progress import Progress

    if args.method == "analytic":
        raise UsageError("--method analytic applies to integer designs, not with --format")
    progress = Progress(f"error {design.label}")
    try:
        metrics = measure_float(design, exhaustive=True if args.exhaustive else None,
                                samples=args.samples, seed=args.seed, method=args.method,
                                progress=progress)
    except ValueError as error:
        raise UsageError(str(error)) from None
    finally:
        progress.close()
    if args.json:
        print(json.dumps({"design": design.label, "error": metrics}, indent=2))
        return 0
    pairs = "pairs, all of them" if metrics["exhaustive"] else f"random pairs (seed {metrics['seed']})"
    print(f"{design.label} against {design.baseline.label}, {metrics['pairs']:,} {pairs}; "
          f"MRED, WCRE and bias over the {metrics['relative_pairs']:,} with both results normal")
    for key, label in (("mred", "MRED"), ("wcre", "WCRE"), ("bias", "bias")):
        line = f"  {label:6} {format_metric(metrics[key], '%'):>16}"
        if key in metrics.get("ci95", {}):
            low, high = metrics["ci95"][key]
            line += f"   95 % CI [{format_metric(low, '%')}, {format_metric(high, '%')}]"
        print(line)
    print(f"  classes differ in {metrics['class_mismatches']:,} pairs, all at the edges of the "
          f"normal range but {metrics['class_mismatches_inside']:,}")
    return 0


def run_area(args: argparse.Namespace) -> int:
    from ..render.comparison import comparison, describe

    design = design_from(args)
    results = {d.label: flow_results(d, args.flow, retime=args.retime)
               for d in dict.fromkeys([design, design.baseline])}
    same = comparison([design], retime=args.retime)
    if args.json:
        print(json.dumps({**results, "comparison": same}, indent=2))
        return 0
    if args.flow in ("generic", "all"):
        print_area(results)
    if args.flow in ("asic", "all"):
        print_asic(results)
    print(describe(same))
    return 0


def flow_results(design: Design, flow: str, *, retime: bool = False) -> dict:
    """The figures of one design from the synthesis ``flow``: ``generic`` (Yosys generic gates
    and iCE40, its registers retimed if ``retime``), ``asic`` (OSU 0.18 um standard cells,
    OpenSTA) or ``all``."""
    from ..synthesis.asic import synthesize_asic
    from ..synthesis.yosys import synthesize

    return {**(synthesize(design, retime=retime) if flow != "asic" else {}),
            **(synthesize_asic(design) if flow != "generic" else {})}


def print_area(results: dict[str, dict]) -> None:
    """Synthesis figures side by side, one column per design, with the ratio of the first two."""
    from ..synthesis.yosys import FIELDS

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
    from ..synthesis.asic import ROWS

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
                 write, failures: dict[Design, str] | None = None) -> int:
    """Computes every design's entry, then writes the folder ``args.out`` in one move.

    ``write(result, folder)`` fills a temporary folder that replaces ``args.out`` only when it is
    complete; an existing ``args.out`` is replaced only if it holds an earlier ``marker`` file.
    With ``failures``, a design whose tool fails is recorded there and left out (see
    :func:`~mitchell.reports.render.report.collect`); ``--jobs`` and ``--scheduler`` say where
    the jobs run.
    """
    from ...sim.files import atomic_folder, check_folder
    from ..render.comparison import comparison
    from ..error.progress import Progress
    from ..render.report import collect, tool_info

    out = Path(args.out)
    check_folder(out)
    if out.exists() and any(out.iterdir()) and not (out / marker).exists():
        raise UsageError(f"Output folder {str(out)!r} exists and holds something other than a "
                         f"mitchell {what}; choose another --out")
    asic = not args.no_area and args.flow != "generic"
    if asic:
        from ..synthesis.asic import Library, tool_versions
        Library.find()
        tool_versions()
    progress = Progress(f"{what} of {len(designs)} designs")
    try:
        entries = collect(designs, samples=args.samples, seed=args.seed,
                          area=not args.no_area and args.flow != "asic",
                          asic=asic, retime=args.retime, progress=progress,
                          jobs=getattr(args, "jobs", None),
                          scheduler=getattr(args, "scheduler", None), failures=failures)
    except ClusterUnusable as error:
        raise UsageError(str(error)) from None
    finally:
        progress.close()
    tool = tool_info()
    if asic:
        tool.update(tool_versions())
    with atomic_folder(out) as folder:
        write({"tool": tool, "comparison": comparison(designs, retime=args.retime),
               "designs": entries}, folder)
    return 0


def with_baselines(designs: list[Design]) -> list[Design]:
    """Each design followed by its exact baseline, once each, in order."""
    return list(dict.fromkeys(d for design in designs for d in (design, design.baseline)))


def run_report(args: argparse.Namespace) -> int:
    from ..render.report import write_report

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


def grid(text: str, *, option: str) -> list[str]:
    """The values of a sweep's grid option: ``A..B`` (integers, both ends included), ``X,Y,...``
    or one value, as texts for the parameter to read."""
    low, dots, high = text.partition("..")
    if dots:
        if not (re.fullmatch(r"-?[0-9]{1,9}", low) and re.fullmatch(r"-?[0-9]{1,9}", high)
                and int(low) <= int(high)):
            raise UsageError(f"{option} {text!r}: a range is two integers, the first not above "
                             f"the second, such as 4..8")
        return [str(value) for value in range(int(low), int(high) + 1)]
    values = text.split(",")
    if not all(values):
        raise UsageError(f"{option} {text!r}: give values separated by commas, such as 0,1,2")
    return values


def stage_grid(args: argparse.Namespace) -> list[int]:
    """The stage counts of ``sweep --stages``."""
    stages = []
    for value in grid(args.stages, option="--stages"):
        if not re.fullmatch(r"[0-9]{1,9}", value):
            raise UsageError(f"--stages: expected integers from 0 to 64, not {value!r}")
        stages.append(int(value))
    return stages


def sweep_designs(args: argparse.Namespace, variants: list[str], *, every: bool) -> list[Design]:
    """Every point of the sweep's grid: each width, variant, stage count and combination of the
    ``--param`` values that the variant declares. With ``every`` (``--variant all``), a design
    that takes no pipeline stages is swept at 0 stages only, and left out without 0 among
    them."""
    grids = {name: grid(text, option=f"--param {name}=") for name, text in
             (args.param or {}).items()}
    declared = {parameter.name for variant in variants if variant in CATALOGUE
                for parameter in CATALOGUE[variant].parameters}
    for name in grids:
        if name not in declared:
            raise UsageError(f"No design of the sweep takes parameter {name!r} (they take: "
                             f"{', '.join(sorted(declared)) or 'none'})")
    stages = stage_grid(args)
    points = []
    for width in args.width or [8, 16]:
        for variant in variants:
            entry = CATALOGUE.get(variant, CATALOGUE["exact"])
            names = [name for name in grids if name in {p.name for p in entry.parameters}]
            for values in itertools.product(*(grids[name] for name in names)):
                counts = stages if entry.pipelined or not every else \
                    [count for count in stages if count == 0]
                for stage_count in counts:
                    points.append(make_design(
                        variant=variant, width=width, stages=stage_count,
                        signed=args.signed and entry.signable,
                        params=parse_params(variant, dict(zip(names, values)))))
    return with_baselines(points)


def run_sweep(args: argparse.Namespace) -> int:
    from ..render.comparison import comparison, describe
    from ..sweeps.sweep import write_sweep

    if args.jobs is not None and args.scheduler is not None:
        raise UsageError("--jobs counts local processes; a Dask cluster (--scheduler) runs as "
                         "many jobs as it has workers")
    every = args.variant in (None, ["all"])
    if args.format != "int":
        from ...sim.float_design import FLOAT_DESIGNS
        variants = list(FLOAT_DESIGNS) if every else args.variant
        designs = with_baselines([float_design_from(args, variant, stages=count)
                                  for variant in variants for count in stage_grid(args)])
    else:
        designs = sweep_designs(args, list(CATALOGUE) if every else args.variant, every=every)
    entries, failures = [], {}

    def write(sweep: dict, folder: Path) -> None:
        entries.extend(sweep["designs"])
        write_sweep(sweep, folder)

    status = build_folder(args, designs, marker="sweep.json", what="sweep", write=write,
                          failures=failures)
    if status:
        return status
    for design, message in failures.items():
        print(f"mitchell sweep: {design.label} failed: {message}", file=sys.stderr)
    designs = [design for design in designs if design not in failures]
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
    print(describe(comparison(designs, retime=args.retime)))
    pictures = " and pareto.png/svg" if all("area" in entry for entry in entries) else ""
    print(f"wrote {args.out}/sweep.csv, sweep.json{pictures}")
    # A failed tool's status, once the others' results are written.
    return 3 if failures else 0


def run_prove(args: argparse.Namespace) -> int:
    from ...sim.simulators import lookup
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
    cycles = f" over {design.stages + 2} cycles from reset" if design.stages else ""
    if result.proved:
        print(f"proved: {result.design} equals {result.against} for every input{cycles} "
              f"({result.seconds:.1f} s)")
        return 0
    print(f"counterexample: {result.design} differs from {result.against}{cycles} "
          f"({result.seconds:.1f} s)")
    digits, operand_digits = (design.out_width + 3) // 4, (design.width + 3) // 4

    def number(value, count):
        return f"0x{value:0{count}x} ({value})" if isinstance(value, int) else f"0b{value}"

    if design.stages:
        print(f"  cycle 1: rst={result.trace[0].rst} (the reset; p is not compared, the "
              f"registers' first values being unknown)")
        for index, step in enumerate(result.trace[1:], start=1):
            mark = "  <- differs" if index == result.failing else ""
            print(f"  cycle {index + 1}: rst={step.rst} a={number(step.a, operand_digits)} "
                  f"b={number(step.b, operand_digits)} expected p={number(step.expected, digits)} "
                  f"seen p={number(step.seen, digits)}{mark}")
    pair = result.pair
    if pair is None:
        print(f"  p differs {result.failing + 1} cycles after the reset, before any operands "
              f"reach it")
    else:
        print(f"  a={number(pair.a, operand_digits)} b={number(pair.b, operand_digits)} "
              f"expected={number(pair.expected, digits)} seen={number(pair.seen, digits)}")
    replayed = replay(result, design, simulator=simulator, build_dir=Path(args.build_dir),
                      verilog=args.verilog, top=args.top)
    if pair is None:
        verdict = "confirms" if replayed.confirms(None) else "does not confirm"
        print(f"simulation ({replayed.simulator}) {verdict} it: "
              f"{'; '.join(replayed.reset_problems) or 'no reset problem seen'}")
    elif replayed.confirms(pair):
        print(f"simulation ({replayed.simulator}, --vectors {replayed.vectors}) confirms it: "
              f"p={number(replayed.got, digits)} where the golden model expects "
              f"{number(replayed.golden, digits)}")
    else:
        print(f"simulation ({replayed.simulator}, --vectors {replayed.vectors}) does not confirm "
              f"it: p={number(replayed.got, digits)}, golden model "
              f"{number(replayed.golden, digits)}; the proof's "
              f"{'netlist' if args.netlist else 'reference'} disagrees with the simulated circuit "
              f"or the golden model")
    return 1


def seconds(text: str) -> float:
    """The type of ``--timeout``: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not (0 < value < float("inf")):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {text!r}")
    return value


def run_export(args: argparse.Namespace) -> int:
    from ..error.error_analysis import measure
    from ..apps.export import check_export, default_output, export
    from ..error.float_error import measure_float

    design = design_from(args)
    try:
        check_export(design, args.layout)
        if args.area and args.layout != "c":
            raise ValueError(f"--area goes into a C model's header, not into layout {args.layout}")
        metrics = (measure if args.format == "int" else measure_float)(
            design, samples=args.samples, seed=args.seed) if args.layout == "c" else None
    except ValueError as error:
        raise UsageError(str(error)) from None
    area = flow_results(design, "generic") if args.area else None
    written = export(design, args.layout, args.output or default_output(design, args.layout),
                     metrics=metrics, area=area)
    print(f"wrote {' and '.join(written)} ({args.layout}, {design.label})")
    return 0


def multiplier_variants(args: argparse.Namespace) -> list[str]:
    """``--variant`` as given, or every approximate multiplier of the catalogue (those whose
    golden model is not their baseline's: an exact circuit of another structure adds a row
    equal to the baseline's)."""
    return args.variant or [
        name for name, entry in CATALOGUE.items() if entry.kind.name == "multiplier"
        and entry.golden is not CATALOGUE[entry.kind.baseline].golden]


def apply_designs(args: argparse.Namespace, **fields) -> list[Design]:
    """The multipliers ``mitchell apply`` runs: each variant with the design options and
    ``fields``."""
    designs = [design_from(args, variant=variant, **fields) for variant in multiplier_variants(args)]
    for design in designs:
        if design.entry.kind.name != "multiplier":
            raise UsageError(f"apply takes multipliers, not {design.variant!r}")
    return designs


def run_apply(args: argparse.Namespace) -> int:
    from ..apps import application as app
    from ..apps.images import check_design

    if args.task == "digits-train":
        if args.variant or args.param or args.frac_bits is not None or args.signed:
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
        try:
            app.check_infer_width(args.width)
        except ValueError as error:
            raise UsageError(str(error)) from None
        result = app.digits_infer(designs, width=args.width, epochs=args.epochs, seed=args.seed)
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


def parser() -> argparse.ArgumentParser:
    root = Parser(
        prog="mitchell", description="Mitchell's logarithmic multiplier as a real circuit.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    verilog = commands.add_parser("verilog", help="write the Verilog of a design",
                                  description="Write the Verilog of a multiplier, ports a, b, p "
                                              "(and clk, rst when pipelined).")
    add_design_options(verilog)
    verilog.add_argument("--name", type=nonempty, default=None,
                         help="module name (default mitchell_mul or exact_mul)")
    verilog.add_argument("-o", "--output", type=output_file, default=None,
                         help="output file (default stdout)")
    verilog.set_defaults(run=run_verilog)

    sim = commands.add_parser("sim", help="simulate a design against the golden model",
                              description="Simulate every vector and compare each output with the "
                                          "golden model. Exit 0 only if all match, 1 on a mismatch.")
    add_design_options(sim)
    sim.add_argument("--simulator", default="amaranth", help=f"one of {', '.join(SIMULATORS)}")
    sim.add_argument("--vectors", type=nonempty, default=None,
                     help="exhaustive (up to 16 bits), random:N, corners, pair:A,B (decimal), "
                          "or several joined with + "
                          "(default: exhaustive up to 8 bits, else random:100000+corners)")
    sim.add_argument("--seed", type=integer(check_seed), default=1,
                     help="seed of the random vectors (default 1)")
    sim.add_argument("--vcd", type=output_file, default=None, help="write a waveform to this file")
    sim.add_argument("--verilog", type=nonempty, default=None,
                     help="simulate this Verilog file instead (ports a, b, p; clk, rst if --stages)")
    sim.add_argument("--top", type=nonempty, default=None, help="module to simulate in --verilog")
    sim.add_argument("--netlist", action="store_true",
                     help="simulate the design's Yosys gate-level netlist (generic synth, with "
                          "Yosys's cell models) instead of its RTL: a post-synthesis check")
    sim.add_argument("--build-dir", type=nonempty, default="build/mitchell-sim",
                     help="where simulator builds go (default build/mitchell-sim)")
    sim.set_defaults(run=run_sim)

    prove = commands.add_parser(
        "prove", help="prove a design equal to its behavioural reference for every input",
        description="Prove with Yosys (miter, SAT) that the design's Verilog equals its "
                    "behavioural reference (sim/hdl/reference.v) for every input pair, or, "
                    "pipelined, every run from reset; or, with --netlist, that it equals its own "
                    "synthesised netlist. Exit 0 when proved, 1 on a counterexample (printed and "
                    "replayed in simulation), 3 when the time runs out.")
    add_design_options(prove)
    prove.add_argument("--netlist", action="store_true",
                       help="prove the RTL equal to its netlist from the generic synthesis flow "
                            "(synth -flatten, abc -g cmos2) instead")
    prove.add_argument("--verilog", type=nonempty, default=None,
                       help="prove this Verilog file instead (ports a, b, p; clk, rst if --stages)")
    prove.add_argument("--top", type=nonempty, default=None, help="module to prove in --verilog")
    prove.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT,
                       help="give up after this many seconds (default 600); exit status 3")
    prove.add_argument("--simulator", default=None,
                       help=f"where a counterexample is replayed: one of {', '.join(SIMULATORS)} "
                            f"(default amaranth; icarus with --netlist or --verilog)")
    prove.add_argument("--build-dir", type=nonempty, default="build/mitchell-sim",
                       help="where simulator builds for the replay go (default build/mitchell-sim)")
    prove.set_defaults(run=run_prove)

    error = commands.add_parser("error", help="error metrics against the exact product",
                                description="Error metrics (ER, MED, NMED, MRED, WCE, WCRE, bias, "
                                            "MSE) against the exact product.")
    add_design_options(error)
    error.add_argument("--exhaustive", action="store_true",
                       help="all pairs (default up to 16 bits; at most 16 bits, or 24 for plain "
                            "Mitchell, which is computed analytically)")
    error.add_argument("--samples", type=integer(check_samples), default=None,
                       help="random pairs instead, up to 2**32 (default 10,000,000 above 16 bits)")
    error.add_argument("--seed", type=integer(check_seed), default=1,
                       help="seed of the random pairs (default 1)")
    error.add_argument("--method", default="auto", choices=METHODS,
                       help="analytic sums (plain Mitchell only), the compiled kernel (up to 32 "
                            "bits) or NumPy enumeration (default auto: the first that applies)")
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
    add_retime_option(area)
    area.add_argument("--json", action="store_true", help="print JSON")
    area.set_defaults(run=run_area)

    export = commands.add_parser(
        "export", help="lookup table (TFApprox, TorchApprox, AdaPT, .npy) or C model of a design",
        description="Write a design as an approximate-DNN tool's lookup table (8 bits) or as a "
                    "self-contained C model (.c and .h, widths up to 32, or --format on bit "
                    "patterns).")
    add_design_options(export)
    export.add_argument("--layout", required=True,
                        choices=["tfapprox", "torchapprox", "adapt", "npy", "c"],
                        help="tfapprox: raw uint16[65536], index a*256+b, unsigned; torchapprox: "
                             ".npy int16[256][256] by two's-complement pattern, signed; adapt: "
                             "C header const int16_t lut[256][256], signed; npy: int32 table "
                             "row a, column b, up to 8 bits; c: NAME.c and NAME.h (the only layout "
                             "with --format)")
    export.add_argument("-o", "--output", type=output_file, default=None,
                        help="output file (for c, NAME.c or NAME.h names both; default: a name "
                             "from the design, such as mitchell8u.c, in the current folder)")
    export.add_argument("--samples", type=integer(check_samples), default=None,
                        help="c: random pairs for the header's metrics where no exhaustive set "
                             "is cheap (default 10,000,000)")
    export.add_argument("--seed", type=integer(check_seed), default=1,
                        help="seed of those pairs (default 1)")
    export.add_argument("--area", action="store_true",
                        help="c: synthesize the design (Yosys, nextpnr) for the header's area")
    export.set_defaults(run=run_export)

    apply = commands.add_parser(
        "apply", help="the designs on real work: digits MLP inference and training, image filters",
        description="digits-infer: an MLP on scikit-learn's digits, quantised to signed --width "
                    "bits, with each design's products; digits-train: trained with exact and "
                    "with Mitchell's fp32 products, accuracy per epoch; image: Gaussian blur and "
                    "Sobel on china.jpg, PSNR and SSIM against the exact filters.")
    apply.add_argument("--task", required=True, choices=["digits-infer", "digits-train", "image"])
    apply.add_argument("--variant", type=nonempty, action="append", default=None,
                       help="design, repeatable (default: every multiplier variant)")
    apply.add_argument("--width", type=integer(), default=8, help="operand width (default 8)")
    apply.add_argument("--frac-bits", type=integer(), default=None)
    add_variant_options(apply)
    apply.add_argument("--seed", type=integer(check_seed), default=0,
                       help="seed of the split, initial weights and batches (default 0)")
    apply.add_argument("--epochs", type=integer(check_epochs), default=10,
                       help="training epochs, 1 to 100 (default 10)")
    apply.add_argument("-o", "--output", type=output_file, default=None,
                       help="image: write the output images side by side to this PNG")
    apply.set_defaults(run=run_apply, stages=0)

    report = commands.add_parser("report", help="error and area report: JSON, Markdown, HTML, plots")
    report.add_argument("--width", type=integer(), action="append",
                        help="operand width, repeatable (default 8 and 16)")
    report.add_argument("--variant", type=nonempty, action="append", default=None,
                        help=f"design(s) to compare with their exact baseline, repeatable "
                             f"(default mitchell); one of "
                             f"{', '.join(v for v in CATALOGUE if v not in BASELINES)}")
    report.add_argument("--frac-bits", type=integer(), default=None)
    report.add_argument("--stages", type=integer(), default=0)
    add_variant_options(report)
    add_format_option(report)
    report.add_argument("--app", action="store_true",
                        help="add the Application section: digits MLP accuracy (8-bit, each "
                             "variant), training curves, image filters with PSNR/SSIM")
    add_folder_options(report)
    report.set_defaults(run=run_report)

    sweep = commands.add_parser("sweep", help="every variant at every width: error, area, Pareto plot")
    sweep.add_argument("--width", type=integer(), action="append", help="repeatable (default 8 and 16)")
    sweep.add_argument("--variant", type=nonempty, action="append", default=None,
                       help="repeatable, or 'all' (default: every design of the catalogue, "
                            "with its default parameters)")
    sweep.add_argument("--signed", action="store_true",
                       help="two's-complement operands, for the designs that take them")
    sweep.add_argument("--param", type=parameter, action=ParameterAction, metavar="NAME=VALUES",
                       help="a grid of a design parameter, repeatable: A..B (integers), X,Y,... "
                            "or one value, for the designs that take it (for example w=4..8)")
    sweep.add_argument("--stages", type=nonempty, default="0",
                       help="pipeline registers: A..B, X,Y,... or one (default 0); 'all' at "
                            "stage counts above 0 is every pipelined design")
    add_format_option(sweep)
    sweep.add_argument("--jobs", type=integer(check_jobs), default=None,
                       help="local worker processes (default one per core)")
    sweep.add_argument("--scheduler", type=nonempty, default=None, metavar="ADDRESS",
                       help="run the jobs on the Dask cluster whose scheduler is at ADDRESS "
                            "(such as tcp://10.0.0.5:8786) instead")
    add_folder_options(sweep)
    sweep.set_defaults(run=run_sweep)

    return root


# Exit statuses by exception: bad input and missing tools are the user's to fix (2), a tool that
# ran and failed has its own status (3) and message; a failed check returns 1 from its command.
EXIT_STATUS = ((UsageError, 2), (OutputError, 2), (ToolMissing, 2), (ToolFailed, 3))


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        with terminate_as_interrupt(), guarded_stdout():
            return args.run(args)
    except tuple(error for error, _ in EXIT_STATUS) as error:
        print(f"mitchell {args.command}: error: {error}", file=sys.stderr)
        return next(status for kind, status in EXIT_STATUS if isinstance(error, kind))
    except Terminated:
        print(f"mitchell {args.command}: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print(f"mitchell {args.command}: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
