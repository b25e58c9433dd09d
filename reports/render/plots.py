"""The report's pictures, drawn with matplotlib into PNG and SVG files."""
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402

from ...rtl.mitchell import DROP  # noqa: E402
from ...sim.catalogue import (BASELINES, CATALOGUE, FOREIGN_PREFIX, kind_of,  # noqa: E402
                               shown_params, stated_params)
from ...sim.design import Design  # noqa: E402
from ...sim.float_design import FloatDesign  # noqa: E402
from ...sim.vectors import random_pairs  # noqa: E402
from ..error.error_analysis import relative_error  # noqa: E402
from ..error.float_metrics import relative_errors  # noqa: E402

SAMPLE_SEED = 2024


def _save(figure, folder: Path, name: str) -> list[str]:
    figure.tight_layout()
    files = []
    for suffix in ("png", "svg"):
        path = folder / f"{name}.{suffix}"
        figure.savefig(path, dpi=110, metadata={"Date": None} if suffix == "svg" else None)
        files.append(path.name)
    plt.close(figure)
    return files


PLANE_WIDTH = 8


def plane_design(design: Design) -> tuple[Design, list[str]]:
    """The design the operand plane shows, and a note for each option changed to get it.

    Up to ``PLANE_WIDTH`` bits, ``design`` itself. A wider design is taken to ``PLANE_WIDTH`` bits
    with every other option kept (signedness, fraction bits, variant parameters, stages). Fraction
    bits and parameters are each bounded by ``width - 1``: a value above ``PLANE_WIDTH - 1`` is
    clamped to it and noted, except all fraction bits, which stay all fraction bits. A truncated
    product (``drop``) keeps as many top product bits as it can (noted): the error it adds
    depends on the bits kept, not on those dropped.
    """
    if design.width <= PLANE_WIDTH:
        return design, []
    top = PLANE_WIDTH - 1
    notes = []
    frac_bits = design.frac_bits
    if frac_bits == design.width - 1:
        frac_bits = None
    elif frac_bits is not None and frac_bits > top:
        notes.append(f"frac_bits {frac_bits} clamped to {top}")
        frac_bits = top
    params = {}
    for parameter in design.entry.parameters:
        value = design.options[parameter.name]
        if parameter is DROP and value:
            shown = max(0, value - 2 * (design.width - PLANE_WIDTH))
            notes.append(f"drop={value} shown as drop={shown} (the top {2 * design.width - value} "
                         f"product bits kept at {design.width} bits, the top "
                         f"{2 * PLANE_WIDTH - shown} here)")
            value = shown
        elif not parameter.choices and value != parameter.default(design.width):
            # The largest value the parameter allows at PLANE_WIDTH bits with the values before
            # it (merge's range depends on cut), if this one is above it.
            fitting = value
            while fitting > 0 and not _fits(design, frac_bits, params, parameter.name, fitting):
                fitting -= 1
            if fitting != value:
                notes.append(f"{parameter.name}={value} clamped to {fitting}")
            value = fitting
        elif not parameter.choices:
            value = None  # the default at PLANE_WIDTH bits
        params[parameter.name] = value
    params = {name: value for name, value in params.items() if value is not None}
    return replace(design, width=PLANE_WIDTH, frac_bits=frac_bits, params=params), notes


def _fits(design: Design, frac_bits, params: dict, name: str, value) -> bool:
    """Whether ``design`` at PLANE_WIDTH bits takes ``name=value`` beside ``params``."""
    given = {key: known for key, known in params.items() if known is not None}
    try:
        replace(design, width=PLANE_WIDTH, frac_bits=frac_bits, params={**given, name: value})
    except (TypeError, ValueError):
        return False
    return True


def _operand_values(design: Design) -> np.ndarray:
    """Every operand value of ``design`` in increasing order (negative ones too when signed)."""
    low = -(1 << (design.width - 1)) if design.signed else 0
    return np.arange(low, low + (1 << design.width), dtype=np.int64)


def operand_plane(design: Design):
    """Relative error over every pair of operand values a, b of ``design`` taken to 8 bits
    (see :func:`plane_design`), signed values when signed. The image is ``100 * (P'-P)/P``, rows
    ``a`` and columns ``b`` in increasing order, NaN where P = 0."""
    small, notes = plane_design(design)
    values = _operand_values(small)
    # Operands as bit patterns: two's complement when signed.
    patterns = (values & ((1 << small.width) - 1)).astype(np.uint64)
    a, b = np.meshgrid(patterns, patterns, indexing="ij")
    red = relative_error(small, a.ravel(), b.ravel()).reshape(len(values), len(values))
    figure, axes = plt.subplots(figsize=(5.5, 4.8))
    extent = (values[0] - 0.5, values[-1] + 0.5) * 2
    image = axes.imshow(100 * red, origin="lower", cmap="viridis", interpolation="nearest",
                        extent=extent)
    operands = "signed operands" if small.signed else "operands"
    axes.set_xlabel(f"b ({operands} {values[0]} to {values[-1]})")
    axes.set_ylabel(f"a ({operands} {values[0]} to {values[-1]})")
    source = [f"from the {design.width}-bit design"] if small is not design else []
    axes.set_title("\n".join([small.label, "; ".join(["relative error (P'-P)/P"] + source + notes)]),
                   fontsize=8)
    figure.colorbar(image, ax=axes, label="%")
    return figure


def mantissa_surface(design: Design, points: int = 257):
    """Relative error over the two mantissas x1, x2 in [0, 1): both operands in the top octave of
    the positive values, ``2**(n-1)`` to ``2**n - 1`` (``2**(n-2)`` to ``2**(n-1) - 1`` when
    signed; the sign-magnitude core gives a negative product the same relative error). The mesh
    is ``100 * (P'-P)/P`` on at most ``points`` mantissas per axis."""
    k = design.width - 1 - design.signed
    top = 1 << k
    # Integer steps: a float linspace would round the largest mantissa up to top at 64 bits.
    steps = np.array(sorted({i * (top - 1) // (points - 1) for i in range(points)}),
                     dtype=np.uint64)
    r1, r2 = np.meshgrid(steps, steps, indexing="ij")
    red = relative_error(design, top + r1.ravel(), top + r2.ravel()).reshape(len(steps), len(steps))
    x = steps / top
    figure, axes = plt.subplots(figsize=(5.5, 4.6))
    image = axes.pcolormesh(x, x, 100 * red, cmap="magma", shading="nearest")
    worst = np.unravel_index(np.nanargmax(np.abs(red)), red.shape)
    axes.plot(x[worst[1]], x[worst[0]], "c+", markersize=14,
              label=f"worst {100 * red[worst]:.2f} % at x1={x[worst[0]]:.3f}, x2={x[worst[1]]:.3f}")
    axes.set_xlabel(f"x2 (mantissa of b = 2^{k} (1 + x2))")
    axes.set_ylabel(f"x1 (mantissa of a = 2^{k} (1 + x1))")
    axes.set_title(f"{design.label}:\nerror over the mantissas, a, b in [2^{k}, 2^{k + 1})",
                   fontsize=8)
    axes.legend(loc="upper right", fontsize=7)
    figure.colorbar(image, ax=axes, label="(P'-P)/P, %")
    return figure


def error_distributions(designs: list[Design], samples: int = 200_000):
    """Histogram of relative error over random pairs, and mean relative error against the
    magnitude of a."""
    figure, (histogram, magnitude) = plt.subplots(1, 2, figsize=(10, 4))
    for design in designs:
        shown = shown_params(design.variant, design.width, dict(design.params))
        name = " ".join([f"{design.variant} {design.width}b"]
                        + [f"{k}={v}" for k, v in shown.items()]
                        + (["signed"] if design.signed else []))
        a, b = random_pairs(design.width, samples, seed=SAMPLE_SEED)
        red = relative_error(design, a, b)
        histogram.hist(100 * red[~np.isnan(red)], bins=120, histtype="step", label=name,
                       density=True)
        # Operand a drawn uniformly within each octave 2**k .. 2**(k+1)-1 of the positive values,
        # b over the full range of bit patterns but 0.
        octaves = np.arange(design.width - design.signed)
        rng = np.random.default_rng(SAMPLE_SEED)
        means = []
        for k in octaves:
            per = 4000
            a_k = ((1 << int(k)) + rng.integers(0, 1 << int(k), size=per, dtype=np.uint64)).astype(np.uint64)
            b_k = rng.integers(1, 1 << design.width, size=per, dtype=np.uint64)
            means.append(100 * np.nanmean(np.abs(relative_error(design, a_k, b_k))))
        magnitude.plot(octaves, means, marker=".", label=name)
    histogram.set_xlabel("(P'-P)/P, %")
    histogram.set_ylabel("density")
    histogram.set_title(f"relative error, {samples:,} random pairs (seed {SAMPLE_SEED})")
    histogram.legend(fontsize=7)
    magnitude.set_xlabel("k = floor(log2 a), a > 0")
    magnitude.set_ylabel("mean |P'-P|/P, %")
    magnitude.set_title("mean relative error against operand magnitude")
    magnitude.legend(fontsize=7)
    return figure


def _file_part(variant: str) -> str:
    """A design's name as part of a file name: a foreign design's ``verilog:TOP`` without the
    colon, which some file systems and Markdown links do not take."""
    return variant.replace(":", "-")


def error_figures(designs: list[Design]):
    """The error pictures of the approximate ones of ``designs``, as (file name, figure) pairs,
    drawn one at a time: an operand plane per variant, from its narrowest design; a mantissa
    surface per design; the error distributions of all of them. Every value drawn is
    :func:`~mitchell.reports.error.error_analysis.relative_error`, the metrics' own."""
    approximate = [design for design in designs if design.variant not in BASELINES]
    planes = {}
    for design in sorted(approximate, key=lambda design: design.width):
        planes.setdefault(design.variant, design)
    for design in planes.values():
        yield f"operand_plane_{_file_part(design.variant)}", operand_plane(design)
    for design in approximate:
        yield (f"mantissa_surface_{_file_part(design.variant)}_{design.width}",
               mantissa_surface(design))
    if approximate:
        yield "error_distributions", error_distributions(approximate)


def error_plots(designs: list[Design], folder: Path) -> list[str]:
    """The files of :func:`error_figures`, PNG and SVG, written into ``folder``."""
    files = []
    for name, figure in error_figures(designs):
        files += _save(figure, folder, name)
    return files


def flow_bars(entries: list[dict], flow, folder: Path) -> list[str]:
    """Each figure of ``flow`` (a :class:`~mitchell.reports.synthesis.flows.Flow`) that it
    offers as bars, one bar per design, grouped by width: ``{name}_bars``. With
    ``flow.relative_bars``, the bars are fractions of the exact baseline of the same width, the
    absolute values printed on them."""
    widths = sorted({entry["width"] for entry in entries})
    variants = list(dict.fromkeys(entry["variant"] for entry in entries))
    figure, axes = plt.subplots(1, len(flow.bars), figsize=(4 * len(flow.bars), 3.8),
                                squeeze=False)
    bar = 0.8 / len(variants)
    for axis, (field, title) in zip(axes[0], flow.bars):
        for index, variant in enumerate(variants):
            values, heights = [], []
            for width in widths:
                entry = next((e for e in entries
                              if e["width"] == width and e["variant"] == variant), None)
                value = entry[flow.key][field] if entry else 0
                values.append(value)
                if flow.relative_bars:
                    baseline = kind_of(variant).baseline
                    exact = next((e[flow.key][field] for e in entries
                                  if e["width"] == width and e["variant"] == baseline), None)
                    value = value / exact if exact else 0.0
                heights.append(value)
            positions = np.arange(len(widths)) + index * bar
            axis.bar(positions, heights, bar, label=variant)
            if flow.relative_bars:
                for x, y, value in zip(positions, heights, values):
                    if value:
                        axis.annotate(f"{value:,.0f}" if value >= 100 else f"{value:.3g}",
                                      (x, y), fontsize=6, ha="center", va="bottom")
        if flow.relative_bars:
            axis.axhline(1.0, color="k", lw=0.6, ls=":")
            axis.set_ylabel("fraction of exact")
        axis.set_xticks(np.arange(len(widths)) + bar * (len(variants) - 1) / 2,
                        [f"{w} bits" for w in widths])
        axis.set_title(title, fontsize=9)
    axes[0][0].legend(fontsize=7)
    figure.suptitle(flow.title(entries[0][flow.key]), fontsize=9)
    return _save(figure, folder, f"{flow.name}_bars")


def delay_curves(curves: list[dict], folder: Path) -> list[str]:
    """The points of each design's minimum-delay search (``curves``, from
    :func:`~mitchell.reports.synthesis.iso_delay.curves`): area and zero-delay energy against
    delay, one figure per width, ``asic_curves_{width}b``; each design's fastest-so-far frontier
    drawn as a line through its points, the baselines dashed."""
    files = []
    for width in sorted({curve["width"] for curve in curves}):
        figure, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        for curve in (c for c in curves if c["width"] == width):
            style = dict(ls="--", marker="s") if curve["baseline"] else dict(ls="-", marker="o")
            for axis, field in zip(axes, ("area_um2", "energy_pj")):
                points = sorted((p["delay_ns"], p[field]) for p in curve["points"])
                line, = axis.plot([], [], label=curve["label"], **style)
                axis.scatter([d for d, _ in points], [v for _, v in points], s=12,
                             color=line.get_color(), marker=style["marker"])
                # The Pareto frontier: from the fastest point, each slower one that is smaller.
                frontier, smallest = [], np.inf
                for delay_ns, value in points:
                    if value < smallest:
                        frontier.append((delay_ns, value))
                        smallest = value
                line.set_data([d for d, _ in frontier], [v for _, v in frontier])
        for axis, label in zip(axes, ("area, um2", "energy, pJ/operation (zero-delay)")):
            axis.relim()
            axis.autoscale_view()
            axis.set_xlabel("delay, ns")
            axis.set_ylabel(label)
            axis.grid(alpha=0.3)
        axes[0].legend(fontsize=7)
        figure.suptitle(f"{width} bits: points of the minimum-delay search, each design beside "
                        f"its exact baselines", fontsize=9)
        files += _save(figure, folder, f"asic_curves_{width}b")
    return files


def area_growth(entries: list[dict], panels: list[tuple[str, str, str]],
                folder: Path) -> list[str]:
    """Each of ``panels`` (flow key, field, title) against width, with n log n and n^2 guides
    through the smallest width."""
    figure, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4), squeeze=False)
    variants = list(dict.fromkeys(entry["variant"] for entry in entries))
    for axis, (key, field, title) in zip(axes[0], panels):
        for variant in variants:
            points = sorted((e["width"], e[key][field]) for e in entries if e["variant"] == variant)
            widths = np.array([w for w, _ in points], dtype=float)
            values = np.array([v for _, v in points], dtype=float)
            axis.plot(widths, values, marker="o", label=variant)
        if len(entries):
            n = np.linspace(min(e["width"] for e in entries), max(e["width"] for e in entries), 50)
            n0 = n[0]
            base = {variant: next(e[key][field] for e in sorted(entries, key=lambda e: e["width"])
                                  if e["variant"] == variant) for variant in variants}
            if "mitchell" in base:
                axis.plot(n, base["mitchell"] * n * np.log2(n) / (n0 * np.log2(n0)), "k:",
                          label="~ n log n")
            if "exact" in base:
                axis.plot(n, base["exact"] * n ** 2 / n0 ** 2, "k--", label="~ n^2")
        axis.set_xscale("log", base=2)
        axis.set_yscale("log")
        axis.set_xlabel("width n, bits")
        axis.set_title(f"{title} against width")
        axis.legend(fontsize=7)
    return _save(figure, folder, "area_growth")


def pareto(entries: list[dict], panels: list[tuple[str, str, str]], folder: Path,
           front) -> list[str]:
    """MRED against each of ``panels`` (flow key, field, title), one colour per width, Pareto
    fronts drawn; foreign designs (``--verilog``) as triangles."""
    figure, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 5), squeeze=False)
    widths = sorted({entry["width"] for entry in entries})
    for axis, (key, field, title) in zip(axes[0], panels):
        for width in widths:
            group = [e for e in entries if e["width"] == width]
            points = [(e[key][field], 100 * e["error"]["mred"]) for e in group]
            # Foreign designs (--verilog) as triangles among ours, in the width's colour.
            foreign = [entry["variant"].startswith(FOREIGN_PREFIX) for entry in group]
            ours = [point for point, other in zip(points, foreign) if not other]
            theirs = [point for point, other in zip(points, foreign) if other]
            line = axis.scatter(*zip(*(ours or theirs)), label=f"{width} bits",
                                marker="o" if ours else "^")
            if ours and theirs:
                axis.scatter(*zip(*theirs), marker="^", color=line.get_facecolor()[0],
                             label=f"{width} bits, --verilog")
            for (x, y), entry in zip(points, group):
                name = entry["variant"] + "".join(
                    f" {k}={v}" for k, v in
                    stated_params(entry["variant"], entry["width"], entry["params"]).items())
                axis.annotate(name, (x, y), fontsize=6, xytext=(3, 3), textcoords="offset points")
            best = [points[i] for i in front(points)]
            colour = line.get_facecolor()[0]
            axis.step(*zip(*best), where="post", color=colour, alpha=0.6)
            axis.plot(*zip(*best), "o", mfc="none", mec=colour, ms=11)
        axis.set_xscale("log")
        axis.set_xlabel(title)
        axis.set_ylabel("MRED, %")
        axis.set_title(f"MRED against {title.split(' (')[0]}; ringed: Pareto front")
        axis.legend(fontsize=7)
    return _save(figure, folder, "pareto")


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
    files += _save(figure, folder, "float_mantissa_plane")

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
    files += _save(figure, folder, "float_error_histogram")
    return files


def pick_front(result: dict, folder: Path, name: str = "pick") -> list[str]:
    """``mitchell pick``'s search (``result``, as in pick.json): the first budget's metric
    against the objective for every design synthesized, the Pareto front drawn, the budget a
    horizontal line, the chosen design starred."""
    from ..sweeps.pick import FRACTIONS, budgets_of, objective_of

    budget, objective = budgets_of(result)[0], objective_of(result)
    figure, axis = plt.subplots(figsize=(7, 5))
    rows, front, chosen = result["rows"], result["front"], result["chosen"]
    scale = 100 if budget.metric in FRACTIONS else 1
    unit = ", %" if scale == 100 else ""
    for meets, colour, label in ((True, "tab:blue", "within the budget"),
                                 (False, "tab:grey", "beyond it (each variant's nearest)")):
        # Foreign designs (--verilog) as triangles, as on the sweep's plot.
        for foreign, marker, kind in ((False, "o", ""), (True, "^", ", --verilog")):
            group = [row for row in rows if row["meets"] is meets
                     and row["variant"].startswith(FOREIGN_PREFIX) is foreign]
            if group:
                axis.scatter([objective.value(row) for row in group],
                             [scale * budget.value(row["error"]) for row in group],
                             s=28 if foreign else 14, marker=marker, color=colour,
                             label=label + kind)
    points = [(objective.value(row), scale * budget.value(row["error"])) for row in front]
    axis.step(*zip(*sorted(points)), where="post", color="tab:orange", alpha=0.7,
              label="Pareto front")
    for row, (x, y) in zip(front, points):
        # The width is the plot's and no pipeline is the rule: the rest names the design.
        short = row["label"].replace(f"width={row['width']}, ", "").replace(
            f"width={row['width']}", "")
        axis.annotate(short.replace(", stages=0)", ")").replace("(stages=0)", "").replace("()", ""),
                      (x, y), fontsize=6, xytext=(3, 3), textcoords="offset points")
    axis.axhline(scale * budget.limit, color="tab:red", linestyle="--", label=f"budget: {budget}")
    axis.scatter([objective.value(chosen)], [scale * budget.value(chosen["error"])], marker="*",
                 s=200, color="tab:red", zorder=3, label=f"chosen: {chosen['label']}")
    axis.set_xscale("log")
    axis.set_xlabel(f"{objective.label} ({objective.flow} flow)")
    axis.set_ylabel(f"{budget.metric}{unit}")
    axis.set_title(f"{budget.metric} against {objective.label}, {result['width']} bits")
    axis.legend(fontsize=7)
    return _save(figure, folder, name)
