"""The synthesis flows a command names (``--flow``): ``generic`` (Yosys generic gates and iCE40
with nextpnr), ``asic`` (OSU 0.18 um standard cells, OpenSTA) or ``all``; their figures for one
design, and as text tables side by side."""
from ...sim.design import Design

FLOWS = ("generic", "asic", "all")


def flow_results(design: Design, flow: str, *, retime: bool = False) -> dict:
    """The figures of one design from the synthesis ``flow`` (its registers retimed in the
    iCE40 flow if ``retime``)."""
    from .asic import synthesize_asic
    from .yosys import synthesize

    return {**(synthesize(design, retime=retime) if flow != "asic" else {}),
            **(synthesize_asic(design) if flow != "generic" else {})}


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


def asic_table(results: dict[str, dict]) -> str:
    """Standard-cell figures side by side, with the ratio of the first two, the critical paths
    and the conditions."""
    from .asic import ROWS

    labels = list(results)
    column = max(14, *(len(label) + 2 for label in labels))
    lines = [f"{'standard cells':16}" + "".join(f"{label:>{column}}" for label in labels)
             + (f"{'ratio':>10}" if len(labels) == 2 else "")]
    for field, name, style in ROWS:
        values = [results[label][field] for label in labels]
        lines.append(f"{name:16}" + "".join(f"{style.format(value):>{column}}" for value in values)
                     + _ratio(values))
    first = results[labels[0]]
    lines += ["critical paths: " + ", ".join(f"{label} {results[label]['asic_critical_path']}"
                                             for label in labels),
              f"conditions: {first['asic_constraints']}",
              f"activity: {first['asic_activity']}"]
    return "\n".join(lines)
