"""What every comparison of ``area``, ``report`` and ``sweep`` holds equal.

A design is measured against its exact baseline (:attr:`~mitchell.sim.design.Design.baseline`,
named by its kind in the catalogue) at the same operand width, the same pipeline stages and the
same signedness, and both are synthesized by the same flow with the same options. This module
says so, in ``report.json``, ``sweep.json`` and ``area --json`` and in words.
"""
from ...sim.catalogue import CATALOGUE, float_variants
from ...sim.design import Design

# What a design and its baseline share.
SAME = ("width", "stages", "signed", "flow")


def comparison(designs: list[Design], *, flows: tuple[str, ...], retime: bool) -> dict:
    """The comparisons among ``designs``: which baseline each variant is measured against, the
    pipeline stages they are at, and the synthesis flows they went through (by name; the
    flows' own options, such as the library, are in each flow's figures)."""
    return {"same": list(SAME),
            "baselines": {design.variant: design.baseline.variant for design in designs
                          if design.variant != design.baseline.variant},
            "stages": sorted({design.stages for design in designs}),
            "flow": {"flows": list(flows), "ice40_retime": retime},
            **({"format": designs[0].format} if designs and designs[0].format != "int" else {})}


def describe(comparison: dict) -> str:
    """The comparison in one paragraph."""
    pairs = ", ".join(f"{variant} against {baseline}"
                      for variant, baseline in comparison["baselines"].items())
    # Floating-point designs are named by their variant, without the catalogue's "float-".
    designs = float_variants() if "format" in comparison else CATALOGUE
    summaries = {name: entry.summary for name, entry in designs.items()}
    baselines = " ".join(f"{name}: {summaries[name]}."
                         for name in dict.fromkeys(comparison["baselines"].values()))
    retime = "with" if comparison["flow"]["ice40_retime"] else "without"
    flows = ", ".join(f"iCE40 {retime} register retiming" if name == "ice40" else name
                      for name in comparison["flow"]["flows"])
    stages = " and ".join(map(str, comparison["stages"]))
    same = ["the same operand width", f"the same pipeline stages ({stages})",
            "the same signedness"] + ([f"the same synthesis flows ({flows})"] if flows else [])
    return (f"Each design is compared with its exact baseline ({pairs or 'none here'}) at "
            f"{', '.join(same[:-1])} and {same[-1]}. {baselines}").rstrip()
