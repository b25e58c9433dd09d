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

A script that fails (ABC crashes on some designs at tight targets) or runs past the flow's
time limit (:func:`~mitchell.reports.synthesis.asic.map_timeout`) is left out and noted. Each
netlist is timed by OpenSTA under the flow's conditions; the candidates that meet ``T`` are
tried smallest first, and if none does, the fastest first: the first that simulates correctly
against the design's golden model (the activity simulation of the flow, which also gives its
power) is chosen. A netlist that computes a wrong product is never chosen; the result says
whether ``T`` was met.

**Minimum delay** (:func:`synthesize_min_delay`): the search starts from the area mapping
(:func:`~mitchell.reports.synthesis.asic.synthesize_asic`, the relaxed point, delay ``D``; if
that runs past the time limit, the netlist chosen for a target of the clock period,
:data:`~mitchell.reports.synthesis.asic.PERIOD_NS`), then maps for targets from relaxed to
tight, each :data:`SHRINK` times the lower of the target before (``D`` at first) and the fastest
delay reached so far, and stops after :data:`PATIENCE` targets in a row whose netlists are none
faster than the fastest so far (ABC often reaches its fastest netlist only for a target well
below it; a target whose every script failed or timed out counts as one), or after
:data:`MAX_STEPS` targets. The result is the fastest correct netlist of any target (the smaller
on a tie). The points of the area-delay and energy-delay curves are the area mapping and, for
every target, its chosen netlist and, where it differs, its fastest correct one.

The minimum found is an upper bound: ABC's result is not monotone in the target, and a target
the search does not try can do better (16-bit exact multiplier with a Kogge-Stone adder: 3.356 ns
found, 3.207 ns from ``syn2-map`` at 3.169 ns, a target of an earlier version of the search).

Every candidate is simulated without delays (zero-delay activity, for its energy and the curves);
only the netlist kept is simulated with its delays too, for the glitch-aware figures
(:meth:`~mitchell.reports.synthesis.asic.Synthesis.measure_timed`).

The three scripts of a target run side by side (one thread each, up to the machine's cores).
A result some run of which timed out lists those runs (``asic_timeouts``) and is cached apart,
under the limit it had (:func:`_cached`): a later call under the same limit reads it, one under
another limit computes it again, and a complete result, once there, is read first.
"""
import functools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ...sim.design import Design
from ...sim.files import work_folder
from .asic import (FIELDS, PERIOD_NS, Mapping, MappingTimeout, NetlistError, Synthesis,
                   map_timeout, synthesize_asic)
from .cache import read_cache, write_cache
from .yosys import SynthesisError

# The ABC scripts tried at every target, ``{T}`` the target in ps.
_SIZING = "buffer; upsize -D {T}; dnsize -D {T}"
_RESTRUCTURE = "strash; &get -n; &st; &syn2; &if -g; &st; &synch2"
SCRIPTS = {
    "dch-map": f"strash; dch; map -D {{T}}; {_SIZING}",
    "syn2-nf": f"{_RESTRUCTURE}; &nf -D {{T}}; &put; {_SIZING}",
    "syn2-map": f"{_RESTRUCTURE}; &put; dch; map -D {{T}}; {_SIZING}",
}
# Each target of the minimum-delay search is this fraction of the lower of the one before and
# the fastest delay so far; the search stops
# after PATIENCE targets in a row that gave nothing faster (ABC often needs a target well below
# what it can reach to reach it), or after MAX_STEPS targets.
SHRINK = 0.9
PATIENCE = 2
MAX_STEPS = 12
# A delay counts as faster than another only by more than this (ns): OpenSTA prints 4 digits.
TOLERANCE_NS = 1e-3


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
    timeouts : list[str]
        the Yosys/ABC runs that ran past the time limit, in words (among the notes too).
    """

    def __init__(self, run: Synthesis, work: Path):
        self.run, self.work, self.notes, self.timeouts = run, work, [], []
        self._figures: dict[str, dict | None] = {}

    @functools.cached_property
    def synthesized(self) -> Path:
        """The design synthesized once (:meth:`~.asic.Synthesis.synthesize`), what every
        mapping of the search starts from; first asked for before any thread starts."""
        (self.work / "synthesized").mkdir(exist_ok=True)
        return self.run.synthesize(self.work / "synthesized")

    def map(self, script: str, target_ns: float | None = None) -> Mapping | None:
        """The design mapped (:meth:`~.asic.Synthesis.map`) by ``script``, a key of
        :data:`SCRIPTS`, for ``target_ns``, or (``area``, None) for area; None, noted, if Yosys
        fails or runs out of time."""
        return self._kept(*self._attempt(script, target_ns))

    def _attempt(self, script: str, target_ns: float | None):
        """:meth:`map`'s mapping, or None with the error and where it came: not yet noted, as
        threads run this side by side and the notes keep the order of :data:`SCRIPTS`."""
        if target_ns is None:
            folder, abc_script, what, where = "area", None, "for area", "the area mapping"
        else:
            picoseconds = f"{target_ns * 1000:.0f}"
            folder, abc_script = f"{script}-{picoseconds}", \
                SCRIPTS[script].replace("{T}", picoseconds)
            what, where = f"with {script} for {target_ns:g} ns", f"{script} at {target_ns:g} ns"
        (self.work / folder).mkdir()
        try:
            return self.run.map(self.work / folder, abc_script=abc_script, what=what,
                                synthesized=self.synthesized), None, where
        except SynthesisError as error:
            return None, error, where

    def _kept(self, mapping: Mapping | None, error: SynthesisError | None,
              where: str) -> Mapping | None:
        """``mapping``, or None with ``error`` noted (and listed if it was a timeout)."""
        if error is not None:
            self.notes.append(f"{where} failed: {str(error).splitlines()[0]}")
            if isinstance(error, MappingTimeout):
                self.timeouts.append(str(error))
        return mapping

    def candidates(self, target_ns: float) -> list[Candidate]:
        """The design mapped for ``target_ns`` by every script of :data:`SCRIPTS`; a script
        that fails is left out and noted, and so is one whose netlist an earlier one gave."""
        self.synthesized
        # The tools run as processes of their own: threads are enough to run them side by side.
        with ThreadPoolExecutor(max_workers=min(len(SCRIPTS), os.cpu_count() or 1)) as pool:
            attempts = list(pool.map(lambda name: self._attempt(name, target_ns), SCRIPTS))
        mappings = {name: self._kept(*attempt) for name, attempt in zip(SCRIPTS, attempts)}
        found, seen = [], set()
        for name, mapping in mappings.items():
            if mapping is not None and mapping.netlist.text not in seen:
                seen.add(mapping.netlist.text)
                found.append(Candidate(name, target_ns, mapping))
        return found

    def figures(self, candidate: Candidate) -> dict | None:
        """The figures of ``candidate`` (:meth:`~.asic.Synthesis.measure`), or None if it does
        not compute the golden model's products."""
        text = candidate.mapping.netlist.text
        if text not in self._figures:
            try:
                self._figures[text] = self.run.measure(candidate.mapping, self.work,
                                                       timed=False)
            except NetlistError as error:
                where = "" if candidate.target_ns is None else f" at {candidate.target_ns:g} ns"
                self.notes.append(f"{candidate.script}{where} rejected: {error}")
                self._figures[text] = None
        return self._figures[text]

    def timed(self, candidate: Candidate, figures: dict) -> dict:
        """``figures`` of the chosen ``candidate`` with its glitch-aware ones
        (:meth:`~.asic.Synthesis.measure_timed`): only the netlist a search keeps is simulated
        with delays."""
        return {**figures, **self.run.measure_timed(candidate.mapping, self.work)}

    def choose(self, found: list[Candidate], target_ns: float) -> tuple[Candidate, dict]:
        """The smallest of ``found`` that meets ``target_ns``, else the fastest (the smaller on
        a tie), among those that simulate correctly, with its figures."""
        meeting = sorted((c for c in found if c.meets(target_ns)),
                         key=lambda c: (c.area_um2, c.delay_ns))
        missing = sorted((c for c in found if not c.meets(target_ns)),
                         key=lambda c: (c.delay_ns, c.area_um2))
        if not found:
            raise SynthesisError(f"no netlist of {self.run.design.label} for {target_ns:g} ns: "
                                 f"every script failed, the last: {self.notes[-1]}")
        for candidate in meeting + missing:
            if (figures := self.figures(candidate)) is not None:
                return candidate, figures
        raise SynthesisError(f"no netlist of {self.run.design.label} mapped for {target_ns:g} "
                             f"ns simulates correctly: {'; '.join(self.notes[-3:])}")


def _mapping(target_ns: float | None) -> str:
    """How a design was mapped, in words: for ``target_ns``, or (None) for its minimum delay."""
    if target_ns is None:
        where = (f"targets from the area mapping's delay (the clock period's if it runs out of "
                 f"time) down, each {SHRINK:g}x the lower of the one before and the fastest "
                 f"delay so far, until {PATIENCE} in a row gave nothing faster")
        chosen = "the fastest netlist that simulates correctly kept"
    else:
        where = f"a {target_ns:g} ns target"
        chosen = ("the smallest netlist that simulates correctly and meets the target kept (the "
                  "fastest if none does)")
    return (f"for {where}, ABC scripts {', '.join(SCRIPTS)} (see mitchell.reports.synthesis."
            f"delay) given the same input driver and output load (-constr); {chosen}")


def synthesize_at_delay(design: Design, *, target_delay: float, library: str | None = None,
                        liberty=None, operands: tuple | None = None,
                        use_cache: bool = True) -> dict:
    """The fields of :func:`~.asic.synthesize_asic` for ``design`` mapped for ``target_delay``
    ns, plus ``asic_target_ns``, ``asic_target_met`` (whether the chosen netlist meets it),
    ``asic_script`` (the script that made it), ``asic_notes`` (scripts that failed and
    netlists rejected by simulation) and ``asic_timeouts`` (the runs that timed out; a result
    with any is cached apart, see the module's description)."""
    target_ns = check_target(target_delay)
    run = Synthesis.prepare(design, library=library, liberty=liberty, operands=operands)

    def compute() -> dict:
        with work_folder("mitchell-delay-") as work:
            search = Search(run, Path(work))
            chosen, figures = search.choose(search.candidates(target_ns), target_ns)
            figures = search.timed(chosen, figures)
        return {**figures, "asic_target_ns": target_ns,
                "asic_target_met": chosen.meets(target_ns), "asic_script": chosen.script,
                "asic_mapping": _mapping(target_ns), "asic_notes": search.notes,
                "asic_timeouts": search.timeouts}

    return _cached(run, ("target", target_ns, SCRIPTS), compute, use_cache=use_cache)


def _cached(run: Synthesis, settings: tuple, compute, *, use_cache: bool) -> dict:
    """``compute()``, a search of ``run`` with ``settings``, or its result cached by an earlier
    call: the complete one (no run timed out) if there is one, else one cut short under the
    present limit (:func:`~.asic.map_timeout`); a computed result is stored as either."""
    complete = run.key(*settings)
    cut = run.key(*settings, "timed out under", map_timeout())
    for key in (complete, cut) if use_cache else ():
        if (entry := read_cache("asic", key, FIELDS)) is not None:
            return entry
    result = compute()
    write_cache("asic", cut if result["asic_timeouts"] else complete, result)
    return result


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
    mapped for), ``asic_notes``, ``asic_timeouts`` (as :func:`synthesize_at_delay`) and
    ``asic_curve``: every target's chosen netlist, the area mapping first, as ``{target_ns,
    script, area_um2, delay_ns, energy_pj, met}``."""
    run = Synthesis.prepare(design, library=library, liberty=liberty, operands=operands)

    def compute() -> dict:
        with work_folder("mitchell-delay-") as work:
            search = Search(run, Path(work))
            area = search.map("area")
            relaxed = search.choose([Candidate("area", None, area)], math.inf) if area else \
                search.choose(search.candidates(PERIOD_NS), PERIOD_NS)
            curve, quickest = [_point(*relaxed)], [relaxed]
            target_ns, stale = relaxed[0].delay_ns, 0
            for _ in range(MAX_STEPS):
                best = min(step[0].delay_ns for step in quickest)
                target_ns = round(min(target_ns, best) * SHRINK, 3)
                found = search.candidates(target_ns)
                if found:
                    chosen = search.choose(found, target_ns)
                    # The fastest netlist of the target too, where a smaller one met it.
                    fastest = search.choose(found, 0.0)
                    curve += [_point(*step) for step in
                              ([chosen] if chosen[0] is fastest[0] else [chosen, fastest])]
                    quickest.append(fastest)
                # A target whose every script failed or timed out gave nothing faster either.
                stale = stale + 1 if not found or fastest[0].delay_ns >= best - TOLERANCE_NS \
                    else 0
                if stale == PATIENCE:
                    break
            chosen, figures = min(quickest, key=lambda step: (step[0].delay_ns, step[0].area_um2))
            figures = search.timed(chosen, figures)
        return {**figures, "asic_target_ns": chosen.target_ns, "asic_script": chosen.script,
                "asic_mapping": _mapping(None), "asic_notes": search.notes,
                "asic_timeouts": search.timeouts, "asic_curve": curve}

    return _cached(run, ("min-delay", "below the fastest", "failed targets stale", SHRINK,
                         PATIENCE, MAX_STEPS, TOLERANCE_NS, SCRIPTS), compute,
                   use_cache=use_cache)


def synthesize_cells(design: Design, *, library: str | None = None,
                     target_delay: float | None = None, min_delay: bool = False,
                     use_cache: bool = True) -> dict:
    """The standard-cell figures of ``design`` on ``library`` (a key of
    :data:`~.asic.LIBRARIES`, default OSU 0.18 um or ``$MITCHELL_LIBERTY``): mapped for area
    (:func:`~.asic.synthesize_asic`), for ``target_delay`` ns (:func:`synthesize_at_delay`)
    or for its minimum delay (:func:`synthesize_min_delay`)."""
    if target_delay is not None and min_delay:
        raise ValueError(f"Give a target delay or ask for the minimum delay, not both "
                         f"(target {target_delay!r})")
    if min_delay:
        return synthesize_min_delay(design, library=library, use_cache=use_cache)
    if target_delay is not None:
        return synthesize_at_delay(design, target_delay=target_delay, library=library,
                                   use_cache=use_cache)
    return synthesize_asic(design, library=library, use_cache=use_cache)
