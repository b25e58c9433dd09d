"""Standard cells at iso-delay: every Mitchell architecture against the exact multipliers, each
mapped for area, searched for its minimum delay and mapped for a common delay, with the
targets of issue 19, at 16 and 32 bits in one run.

Run: python tests/benchmarks/bench_asic_delay.py [--width 16 --width 32] [--at 4.0]
     [--library osu018] [--no-cold]

Every figure comes from :mod:`mitchell.reports.synthesis.delay` and
:mod:`mitchell.reports.synthesis.iso_delay` (the results cache is used: set MITCHELL_CACHE_DIR to
a fresh folder for a cold run). The designs are Mitchell's multiplier in each architecture
(``arch=...``), the exact multiplier with each final adder (``adder=alu``, the ``+`` that
synthesis maps, and ``adder=kogge-stone``) and ``exact-yosys`` (Yosys's ``$mul``). Printed first:
the time of ``mitchell area --width 16 --flow asic --min-delay`` on a cold cache (a fresh
folder; ``--no-cold`` skips it). Then for each width: the area mapping's area and delay, the
minimum delay with the area, zero-delay and timed (glitch-aware) energy and glitch share there,
and the area at ``--at`` ns; then the ratios:

- minimum delay: the fastest Mitchell architecture's against the fastest exact multiplier's;
- area and glitch-aware energy at iso-delay: at the slower of those two minimum delays (a delay
  both can reach), each design's smallest netlist that meets it (mapped for it, or its
  minimum-delay netlist, :func:`~mitchell.reports.synthesis.iso_delay.at_delay`), the smallest
  Mitchell one against the smallest exact one.

Every Yosys/ABC run is bounded by ``$MITCHELL_MAP_TIMEOUT`` seconds (default 600): an area
mapping past it is printed as timed out, the runs a search left out are listed, and a design
whose search found nothing in time (its synthesis timed out, say) is left out of the ratios.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

from mitchell.reports.synthesis import asic, delay, iso_delay
from mitchell.rtl.mitchell import ARCHITECTURES
from mitchell.sim.design import Design

# figure, target at each width, better when
TARGETS = {"minimum delay": ({16: 0.80, 32: 0.80}, "lower"),
           "area at iso-delay": ({16: 0.40, 32: 0.25}, "lower"),
           "glitch-aware energy at iso-delay": ({16: 0.40, 32: 0.40}, "lower")}


def designs(width: int) -> tuple[list[Design], list[Design]]:
    mitchell = [Design(width=width, params={"arch": arch}) for arch in ARCHITECTURES]
    exact = [Design(variant="exact", width=width, params={"adder": adder})
             for adder in ("alu", "kogge-stone")] + [Design(variant="exact-yosys", width=width)]
    return mitchell, exact


def name(design: Design) -> str:
    if design.variant == "mitchell":
        return f"mitchell {design.options['arch']}"
    return f"exact adder={design.options['adder']}" if "adder" in design.options else design.variant


def smallest_at(group: list[Design], minimum: dict, target_ns: float,
                library: str) -> tuple[str, dict] | None:
    """The design of ``group`` with the smallest netlist that meets ``target_ns``, if any."""
    met = [(name(d), r) for d in group
           if (r := iso_delay.at_delay(d, target_ns, minimum[d], library=library))
           ["asic_target_met"]]
    return min(met, key=lambda item: item[1]["asic_area_um2"], default=None)


def verdict(figure: str, ratio: float, width: int) -> str:
    targets, better = TARGETS[figure]
    target = targets.get(width)
    if target is None:
        return ""
    met = ratio <= target if better == "lower" else ratio >= target
    return f"  (target {'<=' if better == 'lower' else '>='} {target:.2f}: {'met' if met else 'NOT met'})"


def cold_area(library: str) -> None:
    """Times ``mitchell area --width 16 --flow asic --min-delay`` with an empty cache."""
    with tempfile.TemporaryDirectory(prefix="bench-asic-cold-") as cache:
        start = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "mitchell.reports.cli", "area", "--width", "16",
                              "--flow", "asic", "--min-delay", "--library", library],
                             capture_output=True, text=True,
                             env={**os.environ, "MITCHELL_CACHE_DIR": cache})
        seconds = time.monotonic() - start
    status = "" if run.returncode == 0 else f" (FAILED, exit {run.returncode}: " \
        f"{run.stderr.strip().splitlines()[-1:]})"
    print(f"mitchell area --width 16 --flow asic --min-delay, cold cache: {seconds:.0f} s"
          f"{status}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, action="append", help="repeatable (default 16 and 32)")
    parser.add_argument("--at", type=float, default=4.0, help="common target, ns (default 4.0)")
    parser.add_argument("--library", default="osu018", choices=list(asic.LIBRARIES))
    parser.add_argument("--no-cold", action="store_true",
                        help="skip the cold-cache timing of mitchell area")
    args = parser.parse_args()
    if not args.no_cold:
        cold_area(args.library)
    for width in args.width or [16, 32]:
        start = time.monotonic()
        mitchell, exact = designs(width)
        rows, timeouts = {}, []
        for design in mitchell + exact:
            try:
                area = asic.synthesize_asic(design, library=args.library)
            except asic.MappingTimeout as error:
                area = None
                timeouts.append(str(error))
            try:
                rows[design] = (area, delay.synthesize_min_delay(design, library=args.library),
                                delay.synthesize_at_delay(design, target_delay=args.at,
                                                          library=args.library))
            except asic.SynthesisError as error:
                print(f"{name(design)}: left out, {str(error).splitlines()[0]}", flush=True)
        mitchell, exact = ([d for d in group if d in rows] for group in (mitchell, exact))
        label = rows[mitchell[0]][1]["asic_library"]
        print(f"\n{width} bits, {label}: {rows[mitchell[0]][1]['asic_constraints']}")
        print(f"{'design':26} {'area mapping':>20} {'min delay ns':>13} {'area there':>11} "
              f"{'energy pJ':>10} {'timed pJ':>9} {'glitch':>7} {f'area at {args.at:g} ns':>14}")
        for design, (area, fastest, at) in rows.items():
            there = f"{at['asic_area_um2']:,.0f}" if at["asic_target_met"] else "cannot reach"
            mapped = "timed out" if area is None else \
                f"{area['asic_area_um2']:,.0f} / {area['asic_delay_ns']:5.2f}"
            print(f"{name(design):26} {mapped:>19} "
                  f"{fastest['asic_delay_ns']:13.3f} {fastest['asic_area_um2']:11,.0f} "
                  f"{fastest['asic_energy_pj']:10.2f} {fastest['asic_timed_energy_pj']:9.2f} "
                  f"{fastest['asic_glitch_share']:7.2f} {there:>14}")
        # A result cached before the time limit existed has no list of timeouts.
        timeouts += [note for _, fastest, at in rows.values()
                     for note in [*fastest.get("asic_timeouts", ()), *at.get("asic_timeouts", ())]]
        for note in timeouts:
            print(f"timed out: {note}")
        quickest = {group: min(designs_, key=lambda d: rows[d][1]["asic_delay_ns"])
                    for group, designs_ in (("mitchell", mitchell), ("exact", exact))}
        delays = {group: rows[d][1]["asic_delay_ns"] for group, d in quickest.items()}
        ratio = delays["mitchell"] / delays["exact"]
        print(f"\nminimum delay: fastest Mitchell ({name(quickest['mitchell'])}) "
              f"{delays['mitchell']:.3f} ns / fastest exact ({name(quickest['exact'])}) "
              f"{delays['exact']:.3f} ns = {ratio:.2f}{verdict('minimum delay', ratio, width)}")
        iso = max(delays.values())
        minimum = {design: result[1] for design, result in rows.items()}
        ours = smallest_at(mitchell, minimum, iso, args.library)
        theirs = smallest_at(exact, minimum, iso, args.library)
        if ours is None or theirs is None:
            print(f"at iso-delay {iso:.3f} ns: no netlist of "
                  f"{'Mitchell' if ours is None else 'the exact multipliers'} meets it")
        else:
            for figure, field in (("area at iso-delay", "asic_area_um2"),
                                  ("glitch-aware energy at iso-delay", "asic_timed_energy_pj")):
                ratio = ours[1][field] / theirs[1][field]
                print(f"{figure}, {iso:.3f} ns: {ours[0]} {ours[1][field]:,.2f} / {theirs[0]} "
                      f"{theirs[1][field]:,.2f} = {ratio:.2f}{verdict(figure, ratio, width)}")
            ratio = ours[1]["asic_energy_pj"] / theirs[1]["asic_energy_pj"]
            print(f"(zero-delay energy at iso-delay: {ours[1]['asic_energy_pj']:,.2f} / "
                  f"{theirs[1]['asic_energy_pj']:,.2f} = {ratio:.2f})")
        at = {group: [(name(d), rows[d][2]) for d in designs_ if rows[d][2]["asic_target_met"]]
              for group, designs_ in (("mitchell", mitchell), ("exact", exact))}
        if all(at.values()):
            ours, theirs = (min(at[group], key=lambda item: item[1]["asic_area_um2"])
                            for group in ("mitchell", "exact"))
            print(f"area at {args.at:g} ns: {ours[0]} {ours[1]['asic_area_um2']:,.0f} / "
                  f"{theirs[0]} {theirs[1]['asic_area_um2']:,.0f} = "
                  f"{ours[1]['asic_area_um2'] / theirs[1]['asic_area_um2']:.2f}")
        print(f"({time.monotonic() - start:.0f} s for {width} bits)", flush=True)


if __name__ == "__main__":
    main()
