"""``mitchell sweep``: every variant at every width, error and area in one table and one picture."""
import csv
import json
from pathlib import Path

from ...sim.catalogue import stated_params
from ..render import plots
from ..render.report import flows_of
from .pareto import pareto_front

CSV_COLUMNS = ["variant", "format", "width", "signed", "frac_bits", "stages", "params",
               "pairs", "relative_pairs", "exhaustive", "seed", "er", "med", "nmed", "mred", "wce",
               "wcre", "bias", "mse", "mean_error"]
# Floating-point designs' error columns (reports/error/float_metrics.py), after the others when present.
FLOAT_COLUMNS = ["class_mismatches", "class_mismatches_inside"]


def csv_rows(entries: list[dict]) -> list[dict]:
    flows = flows_of(entries)
    rows = []
    for entry in entries:
        row = {key: entry[key] for key in ("variant", "width", "signed", "frac_bits", "stages")}
        row["format"] = entry.get("format", "int")
        params = stated_params(entry["variant"], entry["width"], entry["params"])
        row["params"] = " ".join(f"{k}={v}" for k, v in params.items())
        row.update({key: value for key, value in entry["error"].items() if key in CSV_COLUMNS})
        row.update({key: value for key, value in entry["error"].items() if key in FLOAT_COLUMNS})
        for flow in flows:
            figures = entry.get(flow.key, {})
            row.update({field: figures[field] for field in flow.columns if field in figures})
        rows.append(row)
    return rows


def write_sweep(sweep: dict, folder: Path) -> list[str]:
    entries = sweep["designs"]
    (folder / "sweep.json").write_text(json.dumps(sweep, indent=2) + "\n")
    with open(folder / "sweep.csv", "w", newline="") as stream:
        # Each flow's columns come when that flow ran.
        floats = any("format" in entry for entry in entries)
        writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS
                                + [field for flow in flows_of(entries) for field in flow.columns]
                                + (FLOAT_COLUMNS if floats else []))
        writer.writeheader()
        writer.writerows(csv_rows(entries))
    panels = [(flow.key, field, title) for flow in flows_of(entries, every=True)
              for field, title in flow.pareto]
    return plots.pareto(entries, panels, folder, pareto_front) if panels else []
