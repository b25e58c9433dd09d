"""Designs against their exact baselines at the same delay, on the standard-cell flow of
:mod:`mitchell.reports.synthesis.delay`: what ``mitchell report --flow asic --min-delay`` adds
as its iso-delay section, and the points ``--curve`` plots.

For a multiplier ``D`` of the report, its baseline is the stronger of the exact multiplier's
final adders (:data:`ADDERS`: ``+``, which synthesis maps, and a Kogge-Stone prefix adder), each
searched by the same flow:

- **at each one's own minimum delay** (:func:`synthesize_min_delay` of ``D`` and of each adder):
  the baseline is the faster adder (the smaller on a tie);
- **at a common delay**, the slower of those two minimum delays (a delay both can reach): each
  design is mapped for it (:func:`synthesize_at_delay`), and its minimum-delay netlist counts too
  where that meets it (ABC is not monotone in the target); the smallest netlist that meets the
  common delay is kept, and the baseline is the adder whose kept netlist is smaller. A design
  that cannot meet it is said to.

Energy is the glitch-aware one (``asic_timed_energy_pj``) of the netlists kept; the points of the
curves carry the zero-delay energy of every netlist the search tried.
"""
from ...sim.design import Design
from .delay import TOLERANCE_NS, synthesize_at_delay, synthesize_min_delay

# The exact multiplier's final adders the baseline is the stronger of: parameter value, name.
ADDERS = {"alu": "+", "kogge-stone": "Kogge-Stone"}
# The figures of a netlist the section keeps.
KEPT = ("asic_area_um2", "asic_delay_ns", "asic_energy_pj", "asic_timed_energy_pj",
        "asic_glitch_share", "asic_script")


def baselines(design: Design) -> dict[str, Design]:
    """The exact multipliers ``design`` is held against, one per final adder of :data:`ADDERS`,
    at its width, stages and signedness."""
    return {adder: Design(variant="exact", width=design.width, stages=design.stages,
                          signed=design.signed, params={"adder": adder}) for adder in ADDERS}


def applies(design: Design) -> bool:
    """Whether ``design`` has an iso-delay comparison: an integer multiplier other than an exact
    one, whose baseline is the exact multiplier."""
    return (design.format == "int" and design.baseline.variant == "exact"
            and design.variant not in ("exact", "exact-yosys"))


def _kept(figures: dict) -> dict:
    return {field: figures[field] for field in KEPT}


def fastest(results: dict[str, dict]) -> str:
    """The key of ``results`` (figures at the minimum delay) with the lowest delay, the smaller
    on a tie."""
    return min(results, key=lambda key: (results[key]["asic_delay_ns"],
                                         results[key]["asic_area_um2"]))


def smallest_meeting(results: dict[str, dict], target_ns: float) -> str | None:
    """The key of ``results`` with the smallest netlist that meets ``target_ns`` (within
    :data:`~.delay.TOLERANCE_NS`), or None if none does."""
    meeting = [key for key, figures in results.items()
               if figures["asic_delay_ns"] <= target_ns + TOLERANCE_NS]
    return min(meeting, key=lambda key: (results[key]["asic_area_um2"],
                                         results[key]["asic_delay_ns"]), default=None)


def at_delay(design: Design, target_ns: float, minimum: dict, *, library: str | None) -> dict:
    """``design``'s smallest netlist meeting ``target_ns``: mapped for it, or its
    minimum-delay netlist ``minimum`` where only that (or that better) meets it; the mapping for
    it, not met, if neither does (``asic_target_met`` says)."""
    mapped = synthesize_at_delay(design, target_delay=target_ns, library=library)
    choice = smallest_meeting({"mapped": mapped, "minimum": minimum}, target_ns)
    kept = {"mapped": mapped, "minimum": minimum, None: mapped}[choice]
    return {**_kept(kept), "asic_target_met": choice is not None}


def compare(design: Design, *, library: str | None = None) -> dict:
    """The iso-delay comparison of ``design`` (see the module's description)::

        {"design": label, "variant", "width", "signed", "frac_bits", "stages", "params"
         (as in a report's entries), "common_ns": ...,
         "own": {"design": figures, "baseline": figures, "adder": name},
         "common": {"design": figures, "baseline": figures or None, "adder": name or None}}

    figures being :data:`KEPT` (and ``asic_target_met`` at the common delay)."""
    own = synthesize_min_delay(design, library=library)
    exact = {adder: synthesize_min_delay(base, library=library)
             for adder, base in baselines(design).items()}
    quick = fastest(exact)
    common_ns = max(own["asic_delay_ns"], exact[quick]["asic_delay_ns"])
    ours = at_delay(design, common_ns, own, library=library)
    theirs = {adder: at_delay(base, common_ns, exact[adder], library=library)
              for adder, base in baselines(design).items()}
    strong = smallest_meeting({adder: figures for adder, figures in theirs.items()
                               if figures["asic_target_met"]}, common_ns)
    return {"design": design.label, "variant": design.variant, "width": design.width,
            "signed": design.signed, "frac_bits": design.frac_bits, "stages": design.stages,
            "params": design.options, "common_ns": common_ns,
            "own": {"design": _kept(own), "baseline": _kept(exact[quick]),
                    "adder": ADDERS[quick]},
            "common": {"design": ours,
                       "baseline": None if strong is None else theirs[strong],
                       "adder": None if strong is None else ADDERS[strong]}}


def curves(designs: list[Design], *, library: str | None = None) -> list[dict]:
    """The points of the minimum-delay search of each of ``designs`` and of their baselines
    (each adder of :data:`ADDERS`), once each: ``{"label", "width", "baseline": bool,
    "points": [{target_ns, script, area_um2, delay_ns, energy_pj, met}, ...]}``."""
    everything = dict.fromkeys([*designs, *(base for design in designs
                                            for base in baselines(design).values())])
    found = []
    for design in everything:
        result = synthesize_min_delay(design, library=library)
        baseline = design.variant == "exact" and "adder" in design.options
        label = (f"exact {ADDERS[design.options['adder']]}" if baseline
                 else _curve_label(design))
        found.append({"label": label, "width": design.width, "baseline": baseline,
                      "points": result["asic_curve"]})
    return found


def _curve_label(design: Design) -> str:
    arch, dropped = design.options.get("arch"), design.dropped_bits
    return " ".join([design.variant] + ([arch] if arch else [])
                    + ([f"drop={dropped}"] if dropped else []))
