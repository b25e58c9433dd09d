"""The joint front with EvoApproxLib at 8 and 16 bits: for every MRED budget from 1 % to 10 %, the
cheapest of our designs and the cheapest EvoApprox multiplier within it, and the ratio, all
measured in one run of one flow (the standard cells, ``mitchell sweep --flow asic``).

Run: python tests/benchmarks/bench_front.py --evoapprox DIR [--width 8] [--width 16]
     [--jobs 1] [--all-evoapprox] [--out FOLDER]

DIR is a clone of github.com/ehw-fit/evoapproxlib (MIT; read and measured only, never committed
here). Its unsigned ``mul8u_*.v`` and ``mul16u_*.v`` (``multiplers/WxW_unsigned/*/``) whose
header MRE is at most the largest budget are measured as foreign designs (``--verilog``, ports
``A,B,O``); by default, for each budget, only the two cheapest within it by the header's PDK45
area and the two by its power (``--keep``), as the others can be the cheapest in our flow only
if the two libraries rank designs very differently (``--all-evoapprox`` measures them all). Ours are the log multipliers over
parameter grids (``OURS``), each in every datapath architecture that fits it; at 16 bits Mitch-w
and DR-ALM also with their products truncated (``drop``: the low 8 or 16 bits cleared); at 8 bits
also the truncated multiplier (not a log design: at 16 bits it needs about 90 of the 256 partial
products for 1 %, more than REALM's area). Every design's MRED is exhaustive (the compiled kernel for ours, the
gate kernel for EvoApprox's: about a minute of CPU each at 16 bits) and its area and energy per
operation come from the same flow (OSU 0.18 um, OpenSTA; ``mitchell.reports.synthesis.asic``).

Prints, per width and budget, the cheapest design of each side by area (and at 8 bits by energy)
and the ratio ours / EvoApprox (below 1: ours is cheaper), then the sweep folders.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mitchell.sim.catalogue import shown_params

BUDGETS = range(1, 11)  # MRED budgets in %

# The datapath architectures every log design of OURS can be built in (the residue datapath, the
# largest, fits Mitchell's and Mitch-w's only); the same product, another circuit, so another
# area and energy.
ARCHITECTURES = "arch=serial,msb-first,onehot,carry-select"
# Our designs at each width: (variants, parameter grids) per sweep, so that the grids of
# different designs' parameters (t is REALM's and DR-ALM's) are not crossed with each other.
OURS = {
    8: [(["mitchell", "mbm", "nearest-one", "ilm"], [ARCHITECTURES]),
        (["mitch-w"], ["w=3..9", ARCHITECTURES]),
        (["dr-alm"], ["t=3..9", ARCHITECTURES]),
        (["alm-soa"], ["w=1..6", ARCHITECTURES]),
        (["realm"], ["m=1..4", "t=3..7", ARCHITECTURES]),
        (["truncated"], ["cut=3..9", "merge=0..8"])],
    16: [(["mitchell", "mbm", "nearest-one", "ilm"], [ARCHITECTURES]),
         (["mitch-w"], ["w=3..9", ARCHITECTURES, "drop=0,8,16"]),
         (["dr-alm"], ["t=3..9", ARCHITECTURES, "drop=0,8,16"]),
         (["alm-soa"], ["w=3,5,7,9,11", ARCHITECTURES]),
         (["realm"], ["m=1..4", "t=4..8", ARCHITECTURES])],
}
HEADER = re.compile(r"//\s*(MRE%|PDK45_AREA|PDK45_PWR)\s*=\s*([0-9.]+)")


def evoapprox_files(root: Path, width: int) -> dict[str, dict]:
    """EvoApprox's unsigned ``width``-bit multipliers: by module name, the file and its header
    figures (MRE in %, PDK45 area and power)."""
    folder = root / "multiplers" / f"{width}x{width}_unsigned"
    if not folder.is_dir():
        raise SystemExit(f"bench_front: no {folder} (is --evoapprox a clone of "
                         f"github.com/ehw-fit/evoapproxlib?)")
    found = {}
    for path in sorted(folder.glob(f"*/mul{width}u_*.v")):
        name = path.stem
        if name.endswith("_pdk45") or name in found:
            continue
        figures = dict(HEADER.findall(path.read_text(errors="replace")[:4000]))
        if {"MRE%", "PDK45_AREA", "PDK45_PWR"} <= set(figures):
            found[name] = {"path": path, "mre": float(figures["MRE%"]),
                           "area": float(figures["PDK45_AREA"]),
                           "power": float(figures["PDK45_PWR"])}
    return found


def header_candidates(designs: dict[str, dict], cost: str, keep: int) -> set[str]:
    """For every budget, the ``keep`` designs within it that are cheapest in ``cost`` by their
    header (PDK45): those that can be the cheapest in our flow unless the two libraries rank
    designs very differently."""
    chosen = set()
    for budget in BUDGETS:
        within = sorted((d[cost], name) for name, d in designs.items() if d["mre"] <= budget)
        chosen.update(name for _, name in within[:keep])
    return chosen


def sweep(arguments: list[str], folder: Path, jobs: int) -> list[dict]:
    """``mitchell sweep ARGUMENTS --flow asic`` into ``folder``: its design entries."""
    command = [sys.executable, "-m", "mitchell.reports.cli", "sweep", *arguments,
               "--flow", "asic", "--jobs", str(jobs), "--out", str(folder)]
    print("$ mitchell " + " ".join(command[3:]), flush=True)
    started = time.perf_counter()
    process = subprocess.run(command, capture_output=True, text=True)
    for line in process.stderr.splitlines():
        if " failed: " in line:  # status 3: a design the flow could not measure, reported
            print("  " + line[:300], flush=True)
    if process.returncode not in (0, 3) or not (folder / "sweep.json").exists():
        raise SystemExit(f"bench_front: the sweep failed (status {process.returncode}):\n"
                         + (process.stderr or process.stdout)[-2000:])
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    return json.loads((folder / "sweep.json").read_text())["designs"]


def label(entry: dict) -> str:
    shown = shown_params(entry["variant"], entry["width"], entry.get("params") or {})
    text = ", ".join(f"{key}={value}" for key, value in shown.items())
    return f"{entry['variant']}({text})" if text else entry["variant"]


def cheapest(entries: list[dict], budget: float, cost: str) -> dict | None:
    within = [e for e in entries if 100 * e["error"]["mred"] <= budget and e.get("asic")]
    return min(within, key=lambda e: e["asic"][cost], default=None)


def table(width: int, ours: list[dict], theirs: list[dict], cost: str, unit: str) -> None:
    print(f"\n{width} bits, {cost} ({unit}), OSU 0.18 um: cheapest within each MRED budget")
    print(f"{'budget':>6}  {'ours':40} {'MRED %':>7} {cost:>10}  {'EvoApprox':20} {'MRED %':>7} "
          f"{cost:>10}  {'ratio':>6}")
    for budget in BUDGETS:
        mine, best = cheapest(ours, budget, cost), cheapest(theirs, budget, cost)

        def show(entry, size):
            if entry is None:
                return f"{'(none)':{size}} {'':>7} {'':>10}"
            return (f"{label(entry):{size}} {100 * entry['error']['mred']:7.3f} "
                    f"{entry['asic'][cost]:10,.1f}")

        ratio = f"{mine['asic'][cost] / best['asic'][cost]:6.2f}" if mine and best else "     -"
        print(f"{budget:5d}%  {show(mine, 40)}  {show(best, 20)}  {ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evoapprox", type=Path, required=True,
                        help="a clone of github.com/ehw-fit/evoapproxlib")
    parser.add_argument("--width", type=int, action="append", choices=sorted(OURS))
    parser.add_argument("--jobs", type=int, default=1, help="sweep workers (default 1)")
    parser.add_argument("--all-evoapprox", action="store_true",
                        help="measure every EvoApprox design within the largest budget, not "
                             "only those on its header's Pareto fronts")
    parser.add_argument("--keep", type=int, default=2,
                        help="EvoApprox designs measured per budget: the cheapest KEEP by their "
                             "header's area and power (default 2)")
    parser.add_argument("--out", type=Path, default=None,
                        help="keep the sweep folders here (default: a temporary folder)")
    args = parser.parse_args()
    widths = args.width or sorted(OURS)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; budgets "
          f"{BUDGETS.start}..{BUDGETS.stop - 1} % MRED")
    print("Reproduce: python tests/benchmarks/bench_front.py --evoapprox DIR "
          + " ".join(f"--width {w}" for w in widths)
          + (" --all-evoapprox" if args.all_evoapprox else f" --keep {args.keep}"))
    with tempfile.TemporaryDirectory(prefix="bench-front-") as scratch:
        root = args.out or Path(scratch)
        root.mkdir(parents=True, exist_ok=True)
        results = {}
        for width in widths:
            designs = evoapprox_files(args.evoapprox, width)
            within = {n: d for n, d in designs.items() if d["mre"] <= BUDGETS.stop - 1}
            chosen = set(within) if args.all_evoapprox else \
                header_candidates(within, "area", args.keep) | \
                header_candidates(within, "power", args.keep)
            print(f"\n{width} bits: {len(designs)} EvoApprox designs, {len(within)} within "
                  f"{BUDGETS.stop - 1} % by their header, {len(chosen)} measured: "
                  f"{', '.join(sorted(chosen))}")
            foreign = []
            for name in sorted(chosen):
                foreign += ["--verilog", str(designs[name]["path"]), "--top", name]
            theirs = sweep(foreign + ["--ports", "A,B,O", "--width", str(width),
                            "--variant", "exact"],
                           root / f"evoapprox{width}", args.jobs) if chosen else []
            theirs = [e for e in theirs if e["variant"].startswith("verilog:")]
            ours = []
            for index, (variants, grids) in enumerate(OURS[width]):
                arguments = ["--width", str(width)]
                for variant in variants:
                    arguments += ["--variant", variant]
                for grid in grids:
                    arguments += ["--param", grid]
                ours += [e for e in sweep(arguments, root / f"ours{width}-{index}", args.jobs)
                         if not e["variant"].startswith("verilog:")]
            results[width] = (ours, theirs)
        for width, (ours, theirs) in results.items():
            table(width, ours, theirs, "asic_area_um2", "um2")
            if width == 8:
                table(width, ours, theirs, "asic_energy_pj", "pJ per operation")
        if args.out:
            print(f"\nsweeps in {args.out}")


if __name__ == "__main__":
    main()
