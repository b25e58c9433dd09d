"""The floating-point section of ``mitchell report``: error over the mantissa plane, the
relative-error histogram, and the area table, for designs given with ``--format``.

Entries in report.json carry ``"format"`` besides the integer entries' keys (``width`` is the
format's, ``signed`` False, ``frac_bits`` None, ``params`` empty), and their ``error`` holds the
keys of :func:`mitchell.reports.error.float_error.measure_float`.
"""
from pathlib import Path

import numpy as np

from ...sim.float_design import FloatDesign
from . import plots
from .report import flow_markdown, flows_of
from ..error.float_error import measure_float, relative_errors
from ..error.metrics import format_metric

plt = plots.plt


def float_entry(design: FloatDesign, *, samples: int | None, seed: int) -> dict:
    """A float design's entry in report.json: what names it and its error figures (the synthesis
    figures are added as for every design, by :func:`~.report.design_entry`)."""
    return {"format": design.format, "variant": design.variant, "width": design.width,
            "signed": False, "frac_bits": None, "stages": design.stages, "params": {},
            "error": measure_float(design, samples=samples, seed=seed)}


def _name(entry: dict) -> str:
    return f"{entry['variant']} {entry['format']}"


def _exact(entries: list[dict], entry: dict, key: str) -> dict | None:
    return next((e[key] for e in entries if key in e and e["variant"] == "exact"
                 and e["format"] == entry["format"]), None)


def float_markdown(report: dict, images: list[str]) -> str:
    entries = report["designs"]
    lines = ["# Floating-point Mitchell multiplier report", "",
             "Each design against the exact product rounded to nearest even into the same format "
             "(float-exact, same guards). MRED, WCRE and bias over the pairs whose two results are "
             "normal; 'classes differ' counts pairs where one result is zero, infinite or NaN and "
             "the other not, and 'inside' those of them further than 9/8 inside the normal "
             "range (must be 0).", "",
             "## Error", "",
             "| design | pairs | relative pairs | MRED | WCRE | bias | classes differ | inside |",
             "|---|---|---|---|---|---|---|---|"]
    for entry in entries:
        error = entry["error"]
        pairs = f"{error['pairs']:,}" + (" (all)" if error["exhaustive"] else
                                         f" (random, seed {error['seed']})")
        lines.append(f"| {_name(entry)} | {pairs} | {error['relative_pairs']:,} | "
                     + " | ".join(format_metric(error[key], "%") for key in ("mred", "wcre", "bias"))
                     + f" | {error['class_mismatches']:,} | {error['class_mismatches_inside']:,} |")
    for flow in flows_of(entries):
        lines += flow_markdown(flow, entries, name=_name,
                               baseline=lambda entry, key: _exact(entries, entry, key), digits=3)
    lines += ["", "## Pictures", ""] + [f"![{name}]({name})" for name in images
                                        if name.endswith(".png")]
    return "\n".join(lines) + "\n"


# Fractions per axis of the mantissa plane (all of them up to this many).
PLANE_SIDE = 256


def mantissa_plane(design: FloatDesign) -> tuple[np.ndarray, np.ndarray]:
    """Relative error over the plane of the two fractions, both exponents those of 1.0 (the
    error depends on the fractions alone while no guard fires): (fractions, errors)."""
    fmt = design.fmt
    side = min(PLANE_SIDE, 1 << fmt.mantissa_bits)
    fractions = (np.arange(side, dtype=np.uint64) << np.uint64(fmt.mantissa_bits)) // \
        np.uint64(side)
    a = np.uint64(fmt.one) | np.repeat(fractions, side)
    b = np.uint64(fmt.one) | np.tile(fractions, side)
    errors, _, _ = relative_errors(design, a, b)
    return fractions / float(1 << fmt.mantissa_bits), errors.reshape(side, side)


def float_plots(designs: list[FloatDesign], folder: Path, *, samples: int = 200_000,
                seed: int = 1) -> list[str]:
    """The mantissa-plane heat maps and the relative-error histograms of the approximate designs."""
    approximate = [design for design in designs if design.variant != "exact"]
    if not approximate:
        return []
    files = []
    figure, axes = plt.subplots(1, len(approximate), figsize=(4.2 * len(approximate), 3.8),
                                squeeze=False)
    for axis, design in zip(axes[0], approximate):
        fractions, errors = mantissa_plane(design)
        image = axis.imshow(100 * errors, origin="lower", cmap="coolwarm",
                            extent=(0, 1, 0, 1))
        axis.set_title(f"{design.variant} {design.format}: relative error, %", fontsize=9)
        axis.set_xlabel("fraction of b")
        axis.set_ylabel("fraction of a")
        figure.colorbar(image, ax=axis, shrink=0.8)
    files += plots._save(figure, folder, "float_mantissa_plane")

    figure, axis = plt.subplots(figsize=(7, 4))
    for design in approximate:
        if design.width <= 8:
            index = np.arange(1 << 16, dtype=np.uint64)
            a, b = index >> np.uint64(8), index & np.uint64(255)
        else:
            rng = np.random.default_rng(seed)
            a, b = (rng.integers(0, 1 << design.width, samples, dtype=np.uint64) for _ in "ab")
        errors, _, _ = relative_errors(design, a, b)
        errors = errors[~np.isnan(errors)]
        axis.hist(100 * errors, bins=100, histtype="step", density=True,
                  label=f"{design.variant} {design.format}")
    axis.set_xlabel("relative error (|P'| - |P|) / |P|, %")
    axis.set_ylabel("density")
    axis.set_title("Relative error over pairs with normal results", fontsize=9)
    axis.legend(fontsize=7)
    files += plots._save(figure, folder, "float_error_histogram")
    return files


def write_float_report(report: dict, designs: list[FloatDesign], folder: Path) -> None:
    import json

    from .report import html_page

    images = float_plots(designs, folder)
    (folder / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    text = float_markdown(report, images)
    (folder / "report.md").write_text(text)
    (folder / "report.html").write_text(html_page(text, folder))
