"""``mitchell sweep``: every variant at every width, error and area in one table and one picture."""
import csv
import json
from pathlib import Path

from ..render import plots
from ..synthesis.asic import FIELDS

CSV_COLUMNS = ["variant", "format", "width", "signed", "frac_bits", "stages", "params",
               "pairs", "relative_pairs", "exhaustive", "seed", "er", "med", "nmed", "mred", "wce",
               "wcre", "bias", "mse", "mean_error",
               "cells", "transistors", "depth", "ice40_lut4", "ice40_carry", "ice40_dff", "fmax_mhz"]
# Floating-point designs' error columns (reports/error/float_metrics.py), after the others when present.
FLOAT_COLUMNS = ["class_mismatches", "class_mismatches_inside"]


def pareto_front(points: list[tuple[float, float]]) -> list[int]:
    """Indices of the points no other point beats on both coordinates (lower is better)."""
    front = []
    for index, (x, y) in enumerate(points):
        dominated = any((ox <= x and oy <= y) and (ox < x or oy < y) for ox, oy in points)
        if not dominated:
            front.append(index)
    return sorted(front, key=lambda i: points[i])


def csv_rows(entries: list[dict]) -> list[dict]:
    rows = []
    for entry in entries:
        row = {key: entry[key] for key in ("variant", "width", "signed", "frac_bits", "stages")}
        row["format"] = entry.get("format", "int")
        row["params"] = " ".join(f"{k}={v}" for k, v in entry["params"].items())
        row.update({key: value for key, value in entry["error"].items() if key in CSV_COLUMNS})
        row.update({key: value for key, value in entry["error"].items() if key in FLOAT_COLUMNS})
        row.update(entry.get("area", {}))
        row.update({key: value for key, value in entry.get("asic", {}).items() if key in FIELDS})
        rows.append(row)
    return rows


def write_sweep(sweep: dict, folder: Path) -> list[str]:
    entries = sweep["designs"]
    (folder / "sweep.json").write_text(json.dumps(sweep, indent=2) + "\n")
    with open(folder / "sweep.csv", "w", newline="") as stream:
        # The standard-cell columns come when that flow ran.
        asic = any("asic" in entry for entry in entries)
        floats = any("format" in entry for entry in entries)
        writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS + (list(FIELDS) if asic else [])
                                + (FLOAT_COLUMNS if floats else []))
        writer.writeheader()
        writer.writerows(csv_rows(entries))
    if all("area" in entry for entry in entries):
        return plots.pareto(entries, folder, pareto_front)
    return []
