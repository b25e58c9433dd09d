"""``mitchell pick``: the cheapest design within an error budget.

A budget is ``METRIC=LIMIT`` (:func:`parse_budget`): an error metric the kernel measures
(:data:`METRICS`, plus ``abs-bias``, the magnitude of the bias) and its largest allowed value, a
fraction or a percentage (``mred=2%`` is ``mred=0.02``); a design meets the budget when every
metric is at or under its limit. The objective (:func:`parse_objective`) is a figure of a
synthesis flow that is better lower: ``transistors`` (generic), ``lut4`` (ice40), ``energy``,
``area``, ``delay`` (asic), or any numeric field of :data:`~mitchell.reports.synthesis.flows.FLOWS`.

The search (:func:`search`) runs on a grid of designs (:func:`candidate_designs`): by default
every integer multiplier of the catalogue at one width, each over the full range of its fraction
bits and of every parameter it declares (``PARAMETERS`` of its RTL class: Mitch-w's and ALM-SOA's
``w``, ILM's ``corrections``, the datapath architectures, the exact multiplier's final adders).
The error metrics depend on neither the datapath architecture nor the pipeline, so they are
measured once per class of designs with the same outputs (:func:`error_class`), and kept in
the cache beside the synthesis results (:func:`cached_errors`); only the
designs of the classes that meet the budget are synthesized, plus, for each variant, the class
that misses it by the least (so that the front shows what the budget rules out). The chosen
design is the one of least objective among those that meet the budget (ties: the smaller error
on the first budget's metric, then the label); :func:`~mitchell.reports.sweeps.pareto.pareto_front` of the first budget's metric
against the objective is drawn around it.

Foreign designs (``--verilog``, :mod:`mitchell.sim.foreign`) join the grid as candidates of their
own: each is its own error class (its netlist's exact figures, from the gate kernel), cached by
the content of its file rather than its path (:func:`error_key`), and drawn on the front by its
label. A foreign design has no ``mitchell verilog`` command: when it wins, ``command`` is None
and :func:`verilog_line` names its file.
"""
import itertools
import math
import re
import shlex
from dataclasses import dataclass
from functools import partial
from typing import Callable

from ...sim.catalogue import CATALOGUE, MULTIPLIER, integer_designs, parameters_of, stated_params
from ...sim.design import Design
from ...sim.foreign import is_foreign
from ..synthesis.flows import FLOWS
from ...rtl.params import check_width
from .grid import fitting, grid, read_params, stage_grid
from .pareto import pareto_front

#: The error metrics a budget may name: the keys the kernel gives every integer design, and
#: ``abs-bias``, ``|bias|``.
METRICS = ("mred", "wcre", "bias", "abs-bias", "nmed", "er", "over", "med", "wce", "mse",
           "mean_error")
#: The metrics that are fractions (a budget on them may be a percentage); the others are in
#: units of the product.
FRACTIONS = frozenset({"mred", "wcre", "bias", "abs-bias", "nmed", "er", "over"})
#: Flow figures that are better higher, so never an objective to minimize.
HIGHER_IS_BETTER = frozenset({"fmax_mhz"})

NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"


@dataclass(frozen=True)
class Budget:
    """The largest allowed value of one error metric: ``metric <= limit`` (a fraction for the
    metrics in :data:`FRACTIONS`); ``text`` is the limit as given."""

    metric: str
    limit: float
    text: str

    def value(self, error: dict) -> float:
        """The metric of the error figures ``error``."""
        return abs(error["bias"]) if self.metric == "abs-bias" else error[self.metric]

    def met(self, error: dict) -> bool:
        return self.value(error) <= self.limit

    def excess(self, error: dict) -> float:
        """How far the metric is over the limit, relative to it (0 when met): the measure of
        the closest design when none meets the budgets."""
        over = max(0.0, self.value(error) - self.limit)
        return over / self.limit if self.limit > 0 else over

    def show(self, value: float) -> str:
        """A value of the metric as the tables write it: percent for a fraction."""
        return f"{100 * value:.4g}%" if self.metric in FRACTIONS else f"{value:,.6g}"

    def miss(self, error: dict) -> str:
        """By how much ``error`` misses the limit, in percentage points for a fraction."""
        over = self.value(error) - self.limit
        return f"{100 * over:.3g} points" if self.metric in FRACTIONS else f"{over:,.6g}"

    def __str__(self) -> str:
        return f"{self.metric} <= {self.show(self.limit)}"


def parse_budget(text: str) -> Budget:
    """``METRIC=LIMIT`` as a :class:`Budget`; raises ``ValueError`` naming what is allowed."""
    metric, equals, limit = text.partition("=")
    if not equals:
        raise ValueError(f"--max takes METRIC=LIMIT (such as mred=2%), not {text!r}")
    if metric not in METRICS:
        raise ValueError(f"--max {text}: the metric must be one of {', '.join(METRICS)}, "
                         f"not {metric!r}")
    percent = limit.endswith("%")
    number = limit[:-1] if percent else limit
    if not re.fullmatch(NUMBER, number):
        raise ValueError(f"--max {text}: the limit must be a number at least 0, such as "
                         f"{metric}=2% or {metric}=0.02, not {limit!r}")
    if percent and metric not in FRACTIONS:
        raise ValueError(f"--max {text}: {metric} is in units of the product, not a fraction; "
                         f"give it without %")
    value = float(number) / (100 if percent else 1)
    if not math.isfinite(value):
        raise ValueError(f"--max {text}: the limit must be a finite number, not {limit!r}")
    return Budget(metric, value, limit)


def parse_budgets(texts: list[str]) -> tuple[Budget, ...]:
    """The budgets of the ``--max`` options; a metric given twice is refused."""
    budgets = []
    for text in texts:
        budget = parse_budget(text)
        if any(other.metric == budget.metric for other in budgets):
            raise ValueError(f"--max {budget.metric} is given twice; give it once")
        budgets.append(budget)
    return tuple(budgets)


@dataclass(frozen=True)
class Objective:
    """The flow figure to minimize: ``field`` of the flow ``flow`` (its key in the entries)."""

    name: str
    flow: str
    field: str
    label: str

    @property
    def key(self) -> str:
        return FLOWS[self.flow].key

    def value(self, entry: dict) -> float:
        return entry[self.key][self.field]

    def show(self, value: float) -> str:
        row = next(row for row in FLOWS[self.flow].rows if row.field == self.field)
        return row.format.format(value)


def _short(flow: str, field: str) -> str:
    """A field's name without its flow's prefix and its unit: ``asic_energy_pj`` is ``energy``."""
    name = field.removeprefix(f"{flow}_")
    return re.sub(r"_(um2|ns|mw|pj|mhz)$", "", name)


def objectives() -> dict[str, list[tuple[str, str]]]:
    """Every name ``--minimize`` takes, with the (flow, field) pairs it may mean: each numeric
    figure of each flow that is better lower, by its field and by its short name."""
    names: dict[str, list[tuple[str, str]]] = {}
    for flow in FLOWS.values():
        for row in flow.rows:
            if row.number and row.field not in HIGHER_IS_BETTER:
                for name in dict.fromkeys((_short(flow.name, row.field), row.field)):
                    names.setdefault(name, []).append((flow.name, row.field))
    return names


def parse_objective(name: str, flows: tuple[str, ...] | None = None) -> Objective:
    """The objective ``--minimize name`` means among ``flows`` (the ``--flow`` given; ``None``
    for the first flow that produces it); raises ``ValueError`` naming what is allowed."""
    names = objectives()
    if name not in names:
        raise ValueError(f"--minimize must be one of {', '.join(names)}, not {name!r}")
    meanings = names[name]
    if flows is not None:
        produced = [(flow, field) for flow, field in meanings if flow in flows]
        if not produced:
            makers = " or ".join(dict.fromkeys(flow for flow, _ in meanings))
            raise ValueError(f"--minimize {name} comes from the {makers} flow, which --flow "
                             f"{','.join(flows)} does not run; add --flow {makers.split()[0]}")
        if len(produced) > 1:
            raise ValueError(f"--minimize {name} is a figure of several flows of --flow "
                             f"{','.join(flows)}; name one: "
                             f"{', '.join(field for _, field in produced)}")
        meanings = produced
    flow, field = meanings[0]
    row = next(row for row in FLOWS[flow].rows if row.field == field)
    return Objective(name, flow, field, row.label)


def _accepts(check: Callable, value, width: int) -> bool:
    try:
        check(value, width=width)
    except (TypeError, ValueError):
        return False
    return True


def parameter_values(parameter, width: int) -> list:
    """Every value ``parameter`` takes at ``width``: its choices that fit the design, or the
    integers its check accepts (every integer parameter is bounded by about the width); only
    its default for a ``quiet`` one (an opt-in such as ``drop``, swept when ``--param`` asks)."""
    if parameter.quiet:
        return [parameter.default(width)]
    values = parameter.choices or range(0, 2 * width + 2)
    return [value for value in values if _accepts(parameter.check, value, width)]


def frac_bits_values(variant: str, width: int) -> list:
    """Every fraction-bit count ``variant`` takes at ``width`` (``[None]`` if it takes none)."""
    check = CATALOGUE[variant].frac_bits
    if check is None:
        return [None]
    return [value for value in range(0, width + 2) if _accepts(check, value, width)]


def default_variants(*, signed: bool) -> list[str]:
    """The integer multipliers of the catalogue (those that take signed operands, if
    ``signed``)."""
    return [name for name, entry in integer_designs().items()
            if entry.kind is MULTIPLIER and (entry.signable or not signed)]


def candidate_designs(*, width: int, variants: list[str] | None = None, signed: bool = False,
                      stages: str = "0", params: dict[str, str] | None = None,
                      frac_bits: str | None = None) -> list[Design]:
    """The grid of designs: each of ``variants`` (default :func:`default_variants`) at
    ``width``, each combination of its fraction bits and parameters, at each stage count of
    ``stages`` (for the pipelined designs; the others at 0). ``params`` and ``frac_bits`` are
    grids as ``mitchell sweep`` takes them (``A..B``, ``X,Y,...`` or one value) replacing the
    full range for the variants that take them. Raises ``ValueError`` naming a bad value."""
    check_width(width)
    if variants is None:
        variants = default_variants(signed=signed)
    for variant in variants:
        if variant not in integer_designs():
            raise ValueError(f"--variant must be one of {', '.join(integer_designs())}, "
                             f"not {variant!r}")
    kinds = {CATALOGUE[variant].kind.name for variant in variants}
    if len(kinds) > 1:
        raise ValueError(f"--variant names designs of different kinds ({', '.join(sorted(kinds))}); "
                         f"pick among one kind")
    grids = {name: grid(text, option=f"--param {name}=") for name, text in (params or {}).items()}
    declared = {parameter.name for variant in variants
                for parameter in CATALOGUE[variant].parameters}
    for name in grids:
        if name not in declared:
            raise ValueError(f"No design of the search takes parameter {name!r} (they take: "
                             f"{', '.join(sorted(declared)) or 'none'})")
    fractions = None
    if frac_bits is not None:
        if all(CATALOGUE[variant].frac_bits is None for variant in variants):
            raise ValueError(f"--frac-bits applies to none of {', '.join(variants)}")
        fractions = []
        for text in grid(frac_bits, option="--frac-bits "):
            if not re.fullmatch(r"[0-9]{1,9}", text):
                raise ValueError(f"--frac-bits: expected integers, not {text!r}")
            fractions.append(int(text))
    counts = stage_grid(stages)
    designs = []
    for variant in variants:
        entry = CATALOGUE[variant]
        axes = {parameter.name: [read_params(variant, {parameter.name: text})[parameter.name]
                                 for text in grids[parameter.name]]
                if parameter.name in grids else parameter_values(parameter, width)
                for parameter in entry.parameters}
        fracs = frac_bits_values(variant, width) if fractions is None or entry.frac_bits is None \
            else fractions
        designs += fitting(variant, width, (
            partial(Design, variant=variant, width=width, frac_bits=fraction, stages=count,
                    signed=signed and entry.signable, params=dict(zip(axes, values)))
            for fraction in fracs for values in itertools.product(*axes.values())
            for count in (counts if entry.pipelined else [0])))
    if not designs:
        raise ValueError("The search has no designs: widen --variant, --param or --frac-bits")
    return list(dict.fromkeys(designs))


def error_class(design: Design) -> Design:
    """The design whose error figures ``design`` shares: the same outputs, so the same variant,
    width, fraction bits, signedness and output parameters, with the parameters that change
    only the circuit (``output=False``, such as ``arch``) at their defaults and no pipeline; a
    foreign design is its own class."""
    if is_foreign(design):
        return design
    outputs = {parameter.name for parameter in design.entry.parameters if parameter.output}
    return Design(variant=design.variant, width=design.width, frac_bits=design.frac_bits,
                  signed=design.signed,
                  params={name: value for name, value in design.params if name in outputs})


def departures(row: dict) -> int:
    """How many of a row's parameters differ from their defaults: of two designs that cost the
    same, the one with the shorter command (such as the exact multiplier's default adder,
    which is the ALU adder without registers)."""
    parameters = parameters_of(row["variant"])
    return sum(row["params"][parameter.name] != parameter.default(row["width"])
               for parameter in parameters)


def choose(rows: list[dict], budgets: tuple[Budget, ...], objective: Objective) -> dict | None:
    """The row of least objective among those whose error meets every budget (ties: the smaller
    value of the first budget's metric, then the fewer :func:`departures`, then the label), or
    None."""
    meeting = [row for row in rows if all(budget.met(row["error"]) for budget in budgets)]
    if not meeting:
        return None
    return min(meeting, key=lambda row: (objective.value(row), budgets[0].value(row["error"]),
                                         departures(row), row["label"]))


def closest(rows: list[dict], budgets: tuple[Budget, ...]) -> dict:
    """The row whose error misses the budgets by the least: the smallest largest relative excess
    (:meth:`Budget.excess`), then the smallest sum of them, then the label."""
    def distance(row):
        excesses = [budget.excess(row["error"]) for budget in budgets]
        return max(excesses), sum(excesses), row["label"]
    return min(rows, key=distance)


def front_rows(rows: list[dict], budget: Budget, objective: Objective) -> list[dict]:
    """The rows on the Pareto front of ``budget``'s metric against ``objective`` (lower is better
    on both), in increasing order of the metric."""
    points = [(budget.value(row["error"]), objective.value(row)) for row in rows]
    return [rows[index] for index in pareto_front(points)]


def verilog_command(design: Design) -> str:
    """The ``mitchell verilog`` command that writes ``design``'s Verilog, every option given."""
    words = ["mitchell", "verilog", "--width", str(design.width), "--variant", design.variant]
    if design.entry.frac_bits is not None:
        words += ["--frac-bits", str(design.frac_bits)]
    if design.stages:
        words += ["--stages", str(design.stages)]
    if design.signed:
        words.append("--signed")
    for name, value in stated_params(design.variant, design.width, dict(design.params)).items():
        words += ["--param", f"{name}={value}"]
    words += ["-o", f"{design.default_name}.v"]
    return shlex.join(words)


def verilog_line(result: dict) -> str:
    """Where the chosen design's Verilog comes from: the ``mitchell verilog`` command that
    writes it, or, for a foreign design, its own file."""
    chosen = result["chosen"]
    if "verilog" in chosen:
        return (f"module {chosen['top']} of {chosen['verilog']}, the --verilog file given "
                f"(mitchell verilog writes the catalogue's designs only)")
    return result["command"]


def row_of(design: Design, error: dict, figures: dict | None = None) -> dict:
    """A design's row of the result: what names it, its error and its flows' figures (and a
    foreign design's file, module and ports)."""
    where = {"verilog": design.path, "top": design.top, "ports": list(design.ports)} \
        if is_foreign(design) else {}
    return {"label": design.label, "variant": design.variant, "width": design.width,
            "signed": design.signed, "frac_bits": design.frac_bits, "stages": design.stages,
            "params": design.options, **where, "error": error, **(figures or {})}


def search(designs: list[Design], budgets: tuple[Budget, ...], objective: Objective, *,
           measure: Callable[[list[Design]], list[dict]],
           synthesize: Callable[[list[Design]], list[dict]]) -> dict:
    """The pick among ``designs``: ``measure(designs)`` gives each design's error figures (one
    call, one design per error class), ``synthesize(designs)`` each design's flow figures (under
    the flows' keys; a design whose synthesis failed is left out, by its label), for the
    designs of the classes that meet the budgets and of each variant's nearest miss.

    The result: ``chosen`` (a row, or None), ``closest`` (the nearest miss when nothing meets
    the budgets, else None), ``front`` (the Pareto front of the first budget's metric against
    the objective over the synthesized rows), ``rows`` (every synthesized row, with ``meets``),
    ``command`` (the ``mitchell verilog`` command of the chosen design; None for a foreign
    one) and counts (``foreign``: how many of ``designs`` are foreign)."""
    classes = list(dict.fromkeys(error_class(design) for design in designs))
    errors = dict(zip(classes, measure(classes)))
    meeting = {design for design in classes if all(budget.met(errors[design]) for budget in budgets)}
    counts = {"candidates": len(designs), "foreign": sum(map(is_foreign, designs)),
              "error_classes": len(classes), "meeting_classes": len(meeting)}
    if not meeting:
        nearest = closest([row_of(design, errors[design]) for design in classes], budgets)
        return {**counts, "synthesized": 0, "chosen": None, "closest": nearest, "front": [],
                "rows": [], "command": None}
    # Each variant's nearest miss: the budget's other side on the plot.
    misses = {}
    for design in classes:
        if design not in meeting:
            misses.setdefault(design.variant, []).append(row_of(design, errors[design]))
    near = {closest(rows, budgets)["label"] for rows in misses.values()}
    chosen_classes = meeting | {design for design in classes if design.label in near}
    targets = [design for design in designs if error_class(design) in chosen_classes]
    figures = dict(zip(targets, synthesize(targets)))
    rows = []
    for design in targets:
        if figures.get(design) is None:
            continue
        error = errors[error_class(design)]
        row = row_of(design, error, figures[design])
        row["meets"] = error_class(design) in meeting
        rows.append(row)
    chosen = choose(rows, budgets, objective)
    return {**counts, "synthesized": len(targets), "chosen": chosen, "closest": None,
            "front": front_rows(rows, budgets[0], objective), "rows": rows,
            "command": None if chosen is None or "verilog" in chosen
            else verilog_command(design_of(chosen))}


def design_of(row: dict) -> Design:
    """The design a row names."""
    return Design(variant=row["variant"], width=row["width"], frac_bits=row["frac_bits"],
                  stages=row["stages"], signed=row["signed"], params=row["params"])


def around(front: list[dict], chosen: dict, budget: Budget, count: int) -> list[dict]:
    """The ``count`` rows of ``front`` on each side of ``chosen``'s value of ``budget``'s metric
    (the chosen row itself included when it is on the front)."""
    value = budget.value(chosen["error"])
    below = [row for row in front if budget.value(row["error"]) < value]
    at_or_above = [row for row in front if budget.value(row["error"]) >= value]
    return below[-count:] + at_or_above[:count + 1]


def budgets_of(result: dict) -> tuple[Budget, ...]:
    """The budgets a result (``pick.json``) was searched under."""
    return tuple(Budget(**budget) for budget in result["budgets"])


def objective_of(result: dict) -> Objective:
    """The objective a result (``pick.json``) was searched for."""
    return parse_objective(result["objective"]["name"], (result["objective"]["flow"],))


def unmet_line(result: dict) -> str:
    """The answer when no design meets the budgets: the closest design and by how much it
    misses each budget it misses."""
    budgets, row = budgets_of(result), result["closest"]
    failing = [budget for budget in budgets if not budget.met(row["error"])]
    return (f"no design meets {', '.join(map(str, budgets))}; closest: {row['label']} ("
            + ", ".join(f"{budget.metric} {budget.show(budget.value(row['error']))}, misses by "
                        f"{budget.miss(row['error'])}" for budget in failing) + ")")


def summary(result: dict) -> str:
    """What was searched, in one sentence."""
    foreign = f", {result['foreign']} of them --verilog" if result.get("foreign") else ""
    return (f"{result['candidates']} designs searched at {result['width']} bits"
            f"{' (signed)' if result['signed'] else ''}{foreign}: {result['error_classes']} error classes, "
            f"{result['meeting_classes']} within {', '.join(map(str, budgets_of(result)))}; "
            f"{result['synthesized']} synthesized in the {result['objective']['flow']} flow")


def chosen_line(result: dict) -> str:
    """The chosen design with its figures under the budgets and the objective."""
    chosen, objective = result["chosen"], objective_of(result)
    return (f"{chosen['label']}: " + ", ".join(
        f"{budget.metric} {budget.show(budget.value(chosen['error']))}"
        for budget in budgets_of(result))
        + f", {objective.label} {objective.show(objective.value(chosen))}")


def front_lines(result: dict, count: int) -> list[tuple[str, str, str, str]]:
    """The front around the chosen design as (mark, design, first metric, objective), in
    increasing order of the metric, ``*`` marking the chosen design and ``x`` those that miss a
    budget, with a line ``budget`` where the first budget falls."""
    first, objective, chosen = budgets_of(result)[0], objective_of(result), result["chosen"]
    lines, drawn = [], False
    budget_line = ("budget", f"budget {first}", "", "")
    for row in around(result["front"], chosen, first, count):
        value = first.value(row["error"])
        if not drawn and value > first.limit:
            lines.append(budget_line)
            drawn = True
        mark = "*" if row["label"] == chosen["label"] else "" if row["meets"] else "x"
        lines.append((mark, row["label"],
                      first.show(value), objective.show(objective.value(row))))
    return lines if drawn else lines + [budget_line]


def markdown_section(results: list[dict], images: list[str], count: int = 3) -> list[str]:
    """The report's section of ``--max``: each width's pick, its front and its picture."""
    first, objective = budgets_of(results[0])[0], objective_of(results[0])
    lines = ["", f"## Pick: the least {objective.label} within "
                 f"{', '.join(map(str, budgets_of(results[0])))}", "",
             "Every integer multiplier of the catalogue over its parameter grids"
             + (" and the --verilog designs" if any(r.get("foreign") for r in results) else "")
             + " (mitchell pick); the front is the first budget's metric against the objective over the "
             "designs synthesized (those within the budget and each variant's nearest miss); "
             "* marks the chosen design, x those beyond a budget."]
    for result in results:
        lines += ["", f"{summary(result)}."]
        if result["chosen"] is None:
            lines += ["", f"{unmet_line(result)[0].upper()}{unmet_line(result)[1:]}."]
            continue
        where = f"`{result['command']}`" if result["command"] else verilog_line(result)
        lines += ["", f"Chosen: {chosen_line(result)}. Verilog: {where}", "",
                  f"| | design | {first.metric} | {objective.label} |", "|---|---|---|---|"]
        lines += [f"| | **{label}** | | |" if mark == "budget" else
                  f"| {mark} | {label} | {value} | {cost} |"
                  for mark, label, value, cost in front_lines(result, count)]
        name = f"pick_{result['width']}.png"
        if name in images:
            lines += ["", f"![{name}]({name})"]
    return lines


def _error_sources() -> str | None:
    """A digest of the code the error figures come from (the catalogue, designs, golden models,
    vectors and the error kernel) and of the numpy and numba it runs on: a change to any of
    them makes every cached error figure a miss. None where the sources cannot be read (an
    installation without them): then nothing is cached."""
    import hashlib
    from importlib.metadata import version
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    paths = sorted([*(root / "sim").glob("*.py"), *(root / "reports" / "error").rglob("*.py"),
                    *(root / "rtl").glob("*.py")])
    if not paths:
        return None
    digest = hashlib.sha256(f"numpy {version('numpy')} numba {version('numba')}".encode())
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def error_key(design: Design, *, samples: int | None, seed: int, sources: str) -> str:
    """The ``error`` cache's key of ``design``'s figures: its label, the pairs asked for and
    the code's digest; for a foreign design also the content of its file, its module and its
    ports (its label names the module only: an edited file, or another file with a module of
    that name, is another design; a .sv file is read as SystemVerilog)."""
    import hashlib
    import json

    identity = design.label
    if is_foreign(design):
        identity = [identity, hashlib.sha256(design.text.encode()).hexdigest(), design.top,
                    list(design.ports), design.path.endswith(".sv")]
    return hashlib.sha256(json.dumps([identity, samples, seed, sources]).encode()).hexdigest()


def cached_errors(designs: list[Design], *, samples: int | None, seed: int,
                  compute: Callable[[list[Design]], list[dict]]) -> list[dict]:
    """The error figures of ``designs``: those an earlier search stored in the ``error`` cache
    (:mod:`~mitchell.reports.synthesis.cache`, keyed by :func:`error_key`), ``compute(missing)``
    for the others, which are stored."""
    from ..synthesis.cache import check_cache, read_cache, write_cache

    sources = _error_sources()
    if sources is None:
        return compute(designs)
    check_cache("error")
    keys = {design: error_key(design, samples=samples, seed=seed, sources=sources)
            for design in designs}
    found = {design: read_cache("error", keys[design], ("pairs", "mred")) for design in designs}
    missing = [design for design in designs if found[design] is None]
    for design, error in zip(missing, compute(missing) if missing else []):
        write_cache("error", keys[design], error)
        found[design] = error
    return [found[design] for design in designs]
