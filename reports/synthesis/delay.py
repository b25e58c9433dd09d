"""Delay-driven standard-cell synthesis: a design mapped for a delay target, and the search for
its minimum delay, on the flow of :mod:`mitchell.reports.synthesis.asic`.

**Mapping for a target** ``T`` (:func:`synthesize_at_delay`): Yosys maps the design once with
each ABC script of :data:`SCRIPTS` (no single one is best for every design), ABC given the
flow's input driver and output load (``-constr``) and the target in ps:

- ``dch-map``: ``strash; dch; map -D T``, then buffering and sizing
  (``buffer; upsize -D T; dnsize -D T``);
- ``syn2-nf``: restructuring (``&get -n; &st; &syn2; &if -g; &st; &synch2``), ``&nf -D T``, then
  buffering and sizing;
- ``syn2-map``: the same restructuring, ``dch; map -D T``, then buffering and sizing.

A script that fails (ABC crashes on some designs at tight targets) is left out and noted. Each
netlist is timed by OpenSTA under the flow's conditions; the candidates that meet ``T`` are
tried smallest first, and if none does, the fastest first: the first that simulates correctly
against the design's golden model (the activity simulation of the flow, which also gives its
power) is chosen. A netlist that computes a wrong product is never chosen; the result says
whether ``T`` was met.

**Minimum delay** (:func:`synthesize_min_delay`): the search starts from the area mapping
(:func:`~mitchell.reports.synthesis.asic.synthesize_asic`, the relaxed point), then maps for
targets from relaxed to tight, each :data:`SHRINK` times the fastest delay reached so far, and
stops when a target's chosen netlist is no faster than the fastest so far (or after
:data:`MAX_STEPS` targets). The result is the fastest netlist found (the smaller on a tie), with
every target's chosen netlist as a point of the area-delay and energy-delay curves.
"""
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

from subprocess import TimeoutExpired

from ...sim.design import Design
from .asic import FIELDS, Mapping, NetlistError, Synthesis
from .yosys import SynthesisError, cached

# The ABC scripts tried at every target, ``{T}`` the target in ps.
_SIZING = "buffer; upsize -D {T}; dnsize -D {T}"
_RESTRUCTURE = "strash; &get -n; &st; &syn2; &if -g; &st; &synch2"
SCRIPTS = {
    "dch-map": f"strash; dch; map -D {{T}}; {_SIZING}",
    "syn2-nf": f"{_RESTRUCTURE}; &nf -D {{T}}; &put; {_SIZING}",
    "syn2-map": f"{_RESTRUCTURE}; &put; dch; map -D {{T}}; {_SIZING}",
}
# Each target of the minimum-delay search is this fraction of the fastest delay so far.
SHRINK = 0.9
MAX_STEPS = 12
# A delay counts as faster than another only by more than this (ns): OpenSTA prints 4 digits.
TOLERANCE_NS = 1e-3
# Seconds one Yosys run may take before its script counts as failed.
TIMEOUT_S = 600


def check_target(target_delay) -> float:
    """``target_delay`` (ns) if it is a positive finite number."""
    if isinstance(target_delay, bool) or not isinstance(target_delay, (int, float)):
        raise TypeError(f"Target delay must be a positive number of ns, not {target_delay!r}")
    if not (math.isfinite(target_delay) and target_delay > 0):
        raise ValueError(f"Target delay must be a positive number of ns, not {target_delay!r}")
    return float(target_delay)


@dataclass(frozen=True)
class Candidate:
    """A netlist mapped by one script for one target.

    Members
    -------
    script : str
        a key of :data:`SCRIPTS`, or ``area`` for the area mapping.
    target_ns : float or None
        the target it was mapped for (None: the area mapping).
    mapping : Mapping
    """

    script: str
    target_ns: float | None
    mapping: Mapping

    @property
    def delay_ns(self) -> float:
        return self.mapping.figures["asic_delay_ns"]

    @property
    def area_um2(self) -> float:
        return self.mapping.figures["asic_area_um2"]

    def meets(self, target_ns: float) -> bool:
        return self.delay_ns <= target_ns


class Search:
    """Candidates of one design mapped in folders under ``work``, each simulated at most once.

    Members
    -------
    run : Synthesis
    work : Path
    notes : list[str]
        the scripts that failed and the netlists that did not simulate correctly, in words.
    """

    def __init__(self, run: Synthesis, work: Path):
        self.run, self.work, self.notes = run, work, []
        self._figures: dict[str, dict | None] = {}

    def candidates(self, target_ns: float) -> list[Candidate]:
        """The design mapped for ``target_ns`` by every script of :data:`SCRIPTS`; a script
        that fails is left out and noted, and so is one whose netlist an earlier one gave."""
        found, seen = [], set()
        picoseconds = f"{target_ns * 1000:.0f}"
        for name, script in SCRIPTS.items():
            folder = self.work / f"{name}-{picoseconds}"
            folder.mkdir()
            try:
                mapping = self.run.map(folder, abc_script=script.replace("{T}", picoseconds),
                                       timeout=TIMEOUT_S)
            except (SynthesisError, TimeoutExpired) as error:
                self.notes.append(f"{name} at {target_ns:g} ns failed: "
                                  f"{str(error).splitlines()[0]}")
                continue
            if mapping.netlist.text not in seen:
                seen.add(mapping.netlist.text)
                found.append(Candidate(name, target_ns, mapping))
        return found

    def figures(self, candidate: Candidate) -> dict | None:
        """The figures of ``candidate`` (:meth:`~.asic.Synthesis.measure`), or None if it does
        not compute the golden model's products."""
        text = candidate.mapping.netlist.text
        if text not in self._figures:
            try:
                self._figures[text] = self.run.measure(candidate.mapping, self.work)
            except NetlistError as error:
                where = "" if candidate.target_ns is None else f" at {candidate.target_ns:g} ns"
                self.notes.append(f"{candidate.script}{where} rejected: {error}")
                self._figures[text] = None
        return self._figures[text]

    def choose(self, found: list[Candidate], target_ns: float) -> tuple[Candidate, dict]:
        """The smallest of ``found`` that meets ``target_ns``, else the fastest (the smaller on
        a tie), among those that simulate correctly, with its figures."""
        meeting = sorted((c for c in found if c.meets(target_ns)),
                         key=lambda c: (c.area_um2, c.delay_ns))
        missing = sorted((c for c in found if not c.meets(target_ns)),
                         key=lambda c: (c.delay_ns, c.area_um2))
        for candidate in meeting + missing:
            if (figures := self.figures(candidate)) is not None:
                return candidate, figures
        raise SynthesisError(f"no netlist of {self.run.design.label} mapped for {target_ns:g} "
                             f"ns simulates correctly: "
                             f"{'; '.join(self.notes[-3:]) or 'every script failed'}")


def _mapping(target_ns: float | None, *, search: bool = False) -> str:
    scripts = ", ".join(SCRIPTS)
    chosen = ("the fastest netlist that simulates correctly kept" if search else
              "the smallest netlist that simulates correctly and meets the target kept (the "
              "fastest if none does)")
    where = (f"targets from the area mapping's delay down, each {SHRINK:g}x the fastest so "
             f"far, until the delay stops improving" if search else f"a {target_ns:g} ns target")
    return (f"for {where}, ABC scripts {scripts} (see mitchell.reports.synthesis.delay) with "
            f"the same input driver and output load (-constr); {chosen}")


def synthesize_at_delay(design: Design, *, target_delay: float, library: str | None = None,
                        liberty=None, operands: tuple | None = None,
                        use_cache: bool = True) -> dict:
    """The fields of :func:`~.asic.synthesize_asic` for ``design`` mapped for ``target_delay``
    ns, plus ``asic_target_ns``, ``asic_target_met`` (whether the chosen netlist meets it),
    ``asic_script`` (the script that made it) and ``asic_notes`` (scripts that failed and
    netlists rejected by simulation)."""
    target_ns = check_target(target_delay)
    run = Synthesis.prepare(design, library=library, liberty=liberty, operands=operands)

    def compute() -> dict:
        with tempfile.TemporaryDirectory(prefix="mitchell-delay-") as work:
            search = Search(run, Path(work))
            chosen, figures = search.choose(search.candidates(target_ns), target_ns)
        return {**figures, "asic_target_ns": target_ns,
                "asic_target_met": chosen.meets(target_ns), "asic_script": chosen.script,
                "asic_mapping": _mapping(target_ns), "asic_notes": search.notes}

    key = run.key("target", target_ns, SCRIPTS)
    return cached("asic", key, FIELDS, compute, use_cache=use_cache)


def _point(candidate: Candidate, figures: dict) -> dict:
    """A point of the area-delay and energy-delay curves."""
    return {"target_ns": candidate.target_ns, "script": candidate.script,
            "area_um2": figures["asic_area_um2"], "delay_ns": figures["asic_delay_ns"],
            "energy_pj": figures["asic_energy_pj"],
            "met": None if candidate.target_ns is None else candidate.meets(candidate.target_ns)}


def synthesize_min_delay(design: Design, *, library: str | None = None, liberty=None,
                         operands: tuple | None = None, use_cache: bool = True) -> dict:
    """The fields of :func:`~.asic.synthesize_asic` for ``design`` at its minimum delay (see
    the module's description), plus ``asic_script``, ``asic_target_ns`` (the target it was
    mapped for), ``asic_notes`` and ``asic_curve``: every target's chosen netlist, the area
    mapping first, as ``{target_ns, script, area_um2, delay_ns, energy_pj, met}``."""
    run = Synthesis.prepare(design, library=library, liberty=liberty, operands=operands)

    def compute() -> dict:
        with tempfile.TemporaryDirectory(prefix="mitchell-delay-") as work:
            search = Search(run, Path(work))
            (search.work / "area").mkdir()
            relaxed = Candidate("area", None, run.map(search.work / "area"))
            curve = [_point(*search.choose([relaxed], math.inf))]
            tried, fastest = [relaxed], relaxed.delay_ns
            for _ in range(MAX_STEPS):
                target_ns = round(fastest * SHRINK, 3)
                found = search.candidates(target_ns)
                if not found:
                    break
                curve.append(_point(*search.choose(found, target_ns)))
                tried += found
                quickest = min(candidate.delay_ns for candidate in found)
                if quickest >= fastest - TOLERANCE_NS:
                    break
                fastest = quickest
            # The fastest correct netlist of any target, not only those chosen at each.
            chosen, figures = search.choose(tried, 0.0)
            if _point(chosen, figures) not in curve:
                curve.append(_point(chosen, figures))
        return {**figures, "asic_target_ns": chosen.target_ns, "asic_script": chosen.script,
                "asic_mapping": _mapping(None, search=True), "asic_notes": search.notes,
                "asic_curve": curve}

    key = run.key("min-delay", SHRINK, MAX_STEPS, TOLERANCE_NS, SCRIPTS)
    return cached("asic", key, FIELDS, compute, use_cache=use_cache)
