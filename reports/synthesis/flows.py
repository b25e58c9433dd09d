"""The synthesis flows a command names (``--flow``): ``generic`` (Yosys generic gates and iCE40
with nextpnr), ``asic`` (standard cells of an OSU library, OpenSTA; mapped for area, a delay
target or the minimum delay) or ``all``; their figures for one design, and as text tables side
by side."""
from ...sim.design import Design

FLOWS = ("generic", "asic", "all")


def flow_results(design: Design, flow: str, *, retime: bool = False, library: str | None = None,
                 target_delay: float | None = None, min_delay: bool = False) -> dict:
    """The figures of one design from the synthesis ``flow`` (its registers retimed in the
    iCE40 flow if ``retime``; on standard-cell ``library``, mapped for ``target_delay`` ns or
    for its minimum delay, see :func:`~.delay.synthesize_cells`)."""
    from .delay import synthesize_cells
    from .yosys import synthesize

    return {**(synthesize(design, retime=retime) if flow != "asic" else {}),
            **(synthesize_cells(design, library=library, target_delay=target_delay,
                                min_delay=min_delay) if flow != "generic" else {})}


def _ratio(values: list) -> str:
    """The ratio of the first of two values to the second, as a table's last column."""
    return f"{values[0] / values[1]:10.2f}" if len(values) == 2 and values[1] else ""


def area_table(results: dict[str, dict]) -> str:
    """Generic-flow figures side by side, one column per design, with the ratio of the first
    two."""
    from .yosys import FIELDS

    labels = list(results)
    column = max(14, *(len(label) + 2 for label in labels))
    lines = [f"{'':14}" + "".join(f"{label:>{column}}" for label in labels)
             + (f"{'ratio':>10}" if len(labels) == 2 else "")]
    for field in FIELDS:
        values = [results[label][field] for label in labels]
        lines.append(f"{field:14}" + "".join(f"{value:>{column},}" for value in values)
                     + _ratio(values))
    return "\n".join(lines)


def _found(result: dict) -> str:
    """Where the minimum-delay search found a design's fastest netlist."""
    if result["asic_target_ns"] is None:
        return "the area mapping"
    return f"{result['asic_script']} for {result['asic_target_ns']:g} ns"


def asic_table(results: dict[str, dict]) -> str:
    """Standard-cell figures side by side, with the ratio of the first two, the critical paths
    and the conditions."""
    from .asic import ROWS

    labels = list(results)
    first = results[labels[0]]
    column = max(14, *(len(label) + 2 for label in labels))
    lines = [f"{first['asic_library']:16}" + "".join(f"{label:>{column}}" for label in labels)
             + (f"{'ratio':>10}" if len(labels) == 2 else "")]
    for field, name, style in ROWS:
        values = [results[label][field] for label in labels]
        lines.append(f"{name:16}" + "".join(f"{style.format(value):>{column}}" for value in values)
                     + _ratio(values))
    lines.append("critical paths: " + ", ".join(f"{label} {results[label]['asic_critical_path']}"
                                                for label in labels))
    if "asic_target_met" in first:
        lines.append(f"target {first['asic_target_ns']:g} ns: " + ", ".join(
            f"{label} {'met' if results[label]['asic_target_met'] else 'NOT met'} "
            f"({results[label]['asic_script']})" for label in labels))
    if "asic_curve" in first:
        lines.append("minimum delay: " + ", ".join(
            f"{label} {results[label]['asic_delay_ns']:.3f} ns ({_found(results[label])}, "
            f"{len(results[label]['asic_curve'])} points searched)" for label in labels))
    lines += [f"conditions: {first['asic_constraints']}", f"mapping: {first['asic_mapping']}",
              f"activity: {first['asic_activity']}"]
    return "\n".join(lines)
