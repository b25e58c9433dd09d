"""What the commands share: the options' argument types, the option groups, and the designs
the options name (bad input raised as :class:`UsageError`). Imports stay light: the command
that runs imports the rest."""
import argparse
import dataclasses
import os
import re
from pathlib import Path

from ...sim.catalogue import integer_designs, parameter_help
from ...sim.design import Design
from ..sweeps.grid import read_params
from ..synthesis import flows as synthesis_flows


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


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


def samples(count: int) -> int:
    """The library's check of a count of random pairs, imported only when a count is given
    (it lives beside the compiled kernel, whose import takes longer than the rest)."""
    from ..error.error_analysis import check_samples

    return check_samples(count)


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
    (see :func:`~mitchell.reports.sweeps.grid.read_params`)."""
    try:
        return read_params(variant, params)
    except ValueError as error:
        raise UsageError(str(error)) from None


def make_design(*, kind=Design, **fields) -> Design:
    try:
        return kind(**fields)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None


def design_from(args: argparse.Namespace, **overrides) -> Design:
    """The design the options name: the ``--verilog`` design when the command takes one and no
    ``overrides`` (``variant``, ``width``, ... of a grid's point) are given."""
    if getattr(args, "foreign", False) and not overrides:
        foreign = foreign_designs_from(args, single=True)
        if foreign:
            return foreign[0]
    variant = overrides.get("variant", args.variant)
    if args.format != "int":
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
    from ...sim.catalogue import float_variants

    parser.add_argument("--format", type=check_format_name, default="int",
                        help=f"int (default: integer operands of --width bits) or a "
                             f"floating-point format: {', '.join(FORMATS)}; its variants: "
                             + "; ".join(f"{name}: {entry.summary}"
                                         for name, entry in float_variants().items()))


def variant_help() -> str:
    return "; ".join(f"{name}: {entry.summary}" for name, entry in integer_designs().items())


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


def check_ports_option(text: str) -> tuple[str, str, str]:
    """The type of ``--ports``: the operands' and the product's names, as A,B,P."""
    from ...sim.foreign import check_ports

    try:
        return check_ports(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_foreign_options(parser: argparse.ArgumentParser, *, repeatable: bool = False) -> None:
    """``--verilog FILE --top NAME [--ports A,B,P]``: a foreign multiplier's Verilog measured
    like the catalogue's designs (:mod:`mitchell.sim.foreign`); ``--signed`` reads its ports as
    two's complement. With ``repeatable``, each ``--verilog`` takes the ``--top`` given in the
    same place (or the one ``--top`` for all)."""
    more = ", repeatable" if repeatable else ""
    parser.add_argument("--verilog", type=nonempty, action="append", metavar="FILE",
                        help=f"measure the combinational multiplier of this Verilog file, "
                             f"against the exact product of its width (its ports'){more}; its "
                             f"own gates, flattened by Yosys, are its model"
                             + ("" if repeatable else "; --variant is not read"))
    parser.add_argument("--top", type=nonempty, action="append", metavar="NAME",
                        help=f"the module of --verilog to measure (its sub-modules come along){more}")
    parser.add_argument("--ports", type=check_ports_option, default=None, metavar="A,B,P",
                        help="the operand and product ports of --verilog (default a,b,p)")
    # ``mitchell sim`` has a --verilog of its own (a file checked against a catalogue design).
    parser.set_defaults(foreign=True)


def foreign_designs_from(args: argparse.Namespace, *, single: bool = False) -> list:
    """The foreign designs that ``--verilog`` and ``--top`` name (none without ``--verilog``);
    the catalogue's options that do not apply to them are refused."""
    from ...sim.foreign import DEFAULT_PORTS, ForeignDesign, ForeignError

    if not getattr(args, "foreign", False):
        return []
    files, tops = args.verilog or [], args.top or []
    if not files:
        if tops or getattr(args, "ports", None):
            raise UsageError("--top and --ports name the module and ports of --verilog FILE; "
                             "give --verilog too")
        return []
    if single and len(files) > 1:
        raise UsageError(f"--verilog is given {len(files)} times; mitchell {args.command} "
                         f"measures one design")
    if not tops:
        raise UsageError("--verilog needs --top NAME, the module to measure")
    if len(tops) not in (1, len(files)):
        raise UsageError(f"--top is given {len(tops)} times for {len(files)} --verilog files; "
                         f"give one for all or one for each")
    if single:
        for option, given in (("--width", getattr(args, "width", None) is not None),
                              ("--frac-bits", getattr(args, "frac_bits", None) is not None),
                              ("--stages", bool(getattr(args, "stages", 0))),
                              ("--param", bool(getattr(args, "param", None))),
                              ("--format", getattr(args, "format", "int") != "int")):
            if given:
                raise UsageError(f"{option} applies to catalogue designs, not with --verilog "
                                 f"(whose ports give its width)")
    designs = []
    for index, path in enumerate(files):
        top = tops[index if len(tops) > 1 else 0]
        try:
            designs.append(ForeignDesign(path, top, args.ports or DEFAULT_PORTS,
                                         signed=bool(getattr(args, "signed", False))))
        except ForeignError as error:
            raise UsageError(f"{path}: {error}") from None
    labels = [design.label for design in designs]
    for index, label in enumerate(labels):
        if label in labels[:index]:
            raise UsageError(f"two --verilog designs are both {label} ({files[labels.index(label)]} "
                             f"and {files[index]}); the tables name a design by its module")
    return designs


def add_folder_options(parser: argparse.ArgumentParser) -> None:
    """The options of the commands that write a folder of results (report, sweep)."""
    from ...sim.vectors import check_seed

    parser.add_argument("--samples", type=integer(samples), default=None,
                        help="random pairs where no exhaustive set is cheap (default 10,000,000)")
    parser.add_argument("--seed", type=integer(check_seed), default=1,
                        help="seed of the random pairs (default 1)")
    parser.add_argument("--no-area", action="store_true", help="skip synthesis")
    add_flow_option(parser)
    add_retime_option(parser)
    add_asic_options(parser)
    parser.add_argument("--out", type=nonempty, required=True, help="output folder")


def flow_names(text: str) -> tuple[str, ...]:
    """The type of ``--flow``: flow names separated by commas, or ``all``."""
    try:
        return synthesis_flows.parse_flows(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_flow_option(parser: argparse.ArgumentParser) -> None:
    flows = synthesis_flows.FLOWS
    parser.add_argument("--flow", type=flow_names, default=synthesis_flows.DEFAULT,
                        metavar="FLOW[,FLOW...]",
                        help=f"synthesis flows, separated by commas, or all: "
                             f"{', '.join(flows)} (default {','.join(synthesis_flows.DEFAULT)})")


def flows_from(args: argparse.Namespace) -> tuple[tuple[str, ...], "synthesis_flows.FlowOptions"]:
    """The flows the options name (none with ``--no-area``) and their options, checked: an
    option no flow takes is refused, and every flow's tools must be there (else
    :class:`~mitchell.sim.toolchain.ToolMissing`, before any job starts)."""
    flows = () if getattr(args, "no_area", False) else args.flow
    # A command offers only the options of its flows it takes; the others keep their defaults.
    options = synthesis_flows.FlowOptions(**{
        option.name: getattr(args, option.name)
        for option in dataclasses.fields(synthesis_flows.FlowOptions)
        if hasattr(args, option.name)})
    if flows:
        try:
            synthesis_flows.check_options(flows, options)
        except ValueError as error:
            raise UsageError(str(error)) from None
    for name in flows:
        synthesis_flows.FLOWS[name].check(options)
    return flows, options


def delay_ns(text: str) -> float:
    """The type of ``--target-delay``: a positive number of ns."""
    from ..synthesis.delay import check_target

    try:
        return check_target(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number of ns, not {text!r}") \
            from None


def add_asic_options(parser: argparse.ArgumentParser) -> None:
    """The options of the standard-cell flow (``--flow asic``): the library, and a delay
    target or the minimum-delay search."""
    from ..synthesis.asic import LIBRARIES

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


def add_retime_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--retime", action="store_true",
                        help="retime registers in the iCE40 flow (abc -dff -D 1, what synth_ice40 "
                             "-retime did), for every design and its baseline alike")


def check_output_folder(out: str, *, marker: str, what: str) -> Path:
    """The output folder ``out``, checked before any work starts: writable as a folder (see
    :func:`~mitchell.sim.files.check_folder`), and empty, absent or holding an earlier
    ``marker`` file (the output of an earlier mitchell ``what``), which it may replace."""
    from ...sim.files import check_folder

    folder = Path(out)
    check_folder(folder)
    if folder.exists() and any(folder.iterdir()) and not (folder / marker).exists():
        raise UsageError(f"Output folder {out!r} exists and holds something other than a "
                         f"mitchell {what}; choose another --out")
    return folder


def build_folder(args: argparse.Namespace, designs: list[Design], *, marker: str, what: str,
                 write, failures: dict[Design, str] | None = None) -> int:
    """Computes every design's entry, then writes the folder ``args.out`` in one move.

    ``write(result, folder)`` fills a temporary folder that replaces ``args.out`` only when it is
    complete; an existing ``args.out`` is replaced only if it holds an earlier ``marker`` file.
    With ``failures``, a design whose tool fails is recorded there and left out (see
    :func:`~mitchell.reports.render.report.collect`); ``--jobs`` and ``--scheduler`` say where
    the jobs run.
    """
    from ...sim.files import atomic_folder
    from ..render.comparison import comparison
    from ..error.progress import Progress
    from ..render.report import collect, tool_info
    from ..sweeps.jobs import ClusterUnusable

    out = check_output_folder(args.out, marker=marker, what=what)
    flows, options = flows_from(args)
    progress = Progress(f"{what} of {len(designs)} designs")
    try:
        entries = collect(designs, samples=args.samples, seed=args.seed, flows=flows,
                          options=options, progress=progress, jobs=getattr(args, "jobs", None),
                          scheduler=getattr(args, "scheduler", None), failures=failures)
    except ClusterUnusable as error:
        raise UsageError(str(error)) from None
    finally:
        progress.close()
    tool = tool_info(flows)
    with atomic_folder(out) as folder:
        write({"tool": tool, "comparison": comparison(designs, flows=flows, retime=args.retime),
               "designs": entries}, folder)
    return 0
