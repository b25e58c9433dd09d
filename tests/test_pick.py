"""``mitchell pick``: budgets parsed and refused, the choice checked against a brute-force search
whose error figures come from the golden models (plain numpy, every pair) and whose cost is the
generic flow's transistor count, the Pareto front against its definition, and planted mutants of
the selection caught."""
import functools
import json
import random
import re
import shlex

import numpy as np
import pytest

from mitchell.reports.error.error_analysis import measure
from mitchell.reports.sweeps import pick
from mitchell.reports.synthesis.flows import FLOWS, FlowOptions
from mitchell.sim.design import Design

from .test_cli_imports import HEAVY, imported

WIDTH = 6
# A small grid: Mitchell at four fraction-bit counts, Mitch-w at five w, the two exact
# multipliers; one architecture and one final adder, so that few designs are synthesized.
GRID = ["--width", WIDTH, "--variant", "mitchell", "--variant", "mitch-w", "--variant", "exact",
        "--variant", "exact-yosys", "--frac-bits", "2..5", "--param", "w=3..7",
        "--param", "arch=serial", "--param", "adder=auto", "--jobs", 1]


def grid_designs() -> list[Design]:
    """GRID's designs, listed here by hand rather than by the code under test."""
    return ([Design(variant="mitchell", width=WIDTH, frac_bits=f) for f in range(2, 6)]
            + [Design(variant="mitch-w", width=WIDTH, params={"w": w}) for w in range(3, 8)]
            + [Design(variant="exact", width=WIDTH), Design(variant="exact-yosys", width=WIDTH)])


@functools.cache
def golden_relative_errors(design: Design) -> np.ndarray:
    """|error| / exact product over every pair with a non-zero product, from the golden model
    and numpy's a * b."""
    values = np.arange(1 << design.width, dtype=np.int64)
    a, b = (x.ravel() for x in np.meshgrid(values, values))
    exact = a * b
    approximate = np.asarray(design.golden(a, b), dtype=np.int64)
    nonzero = exact != 0
    return np.abs(approximate[nonzero] - exact[nonzero]) / exact[nonzero]


def golden_mred(design: Design) -> float:
    return float(np.mean(golden_relative_errors(design)))


@functools.cache
def transistors(design: Design) -> int:
    return FLOWS["generic"].run(design, FlowOptions())["transistors"]


def brute_force(designs: list[Design], limit: float) -> Design:
    """The cheapest design whose golden MRED is at most ``limit`` (ties: the lower MRED; the
    grid has one value of each structural parameter, its default, so no further tie)."""
    meeting = [d for d in designs if golden_mred(d) <= limit]
    return min(meeting, key=lambda d: (transistors(d), golden_mred(d), d.label))


def check_choice(result: dict, designs: list[Design], limit: float) -> None:
    """The checker: the result's chosen design is the brute-force one. (The golden MRED and the
    kernel's differ in the last bits: a limit set to a design's MRED meets it either way.)"""
    assert result["chosen"] is not None, "nothing chosen"
    assert result["chosen"]["label"] == brute_force(designs, limit * (1 + 1e-12)).label


# ---------------------------------------------------------------------------------------------
# Budgets and objectives.

@pytest.mark.parametrize("text, metric, limit", [
    ("mred=2%", "mred", 0.02), ("wcre=12%", "wcre", 0.12), ("abs-bias=0.5%", "abs-bias", 0.005),
    ("mred=0.02", "mred", 0.02), ("mred=.5%", "mred", 0.005), ("med=10", "med", 10.0),
    ("wce=1e3", "wce", 1000.0), ("er=0", "er", 0.0), ("bias=1%", "bias", 0.01)])
def test_budgets_are_parsed(text, metric, limit):
    budget = pick.parse_budget(text)
    assert (budget.metric, budget.limit) == (metric, pytest.approx(limit, rel=1e-15))


@pytest.mark.parametrize("text, message", [
    ("mred=abc", "the limit must be a number at least 0"), ("mred=-1%", "at least 0"),
    ("mred=", "the limit must be a number"), ("mred=nan", "must be a number"),
    ("mred=inf%", "must be a number"), ("mred=2%%", "must be a number"),
    ("speed=2%", "the metric must be one of mred, wcre, bias, abs-bias"),
    ("mred", "METRIC=LIMIT"), ("med=5%", "units of the product"), ("MRED=2%", "not 'MRED'")])
def test_bad_budgets_are_refused(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        pick.parse_budget(text)


def test_a_budget_is_met_at_its_limit_and_abs_bias_is_the_magnitude():
    budget = pick.parse_budget("abs-bias=1%")
    assert budget.met({"bias": -0.01}) and budget.met({"bias": 0.01})
    assert not budget.met({"bias": -0.0101}) and not budget.met({"bias": 0.0101})
    assert pick.parse_budget("mred=1%").met({"mred": 0.01})


def test_objectives_name_their_flows():
    assert pick.parse_objective("transistors") == pick.Objective(
        "transistors", "generic", "transistors", "transistors")
    assert pick.parse_objective("lut4").field == "ice40_lut4"
    assert pick.parse_objective("energy").field == "asic_energy_pj"
    assert pick.parse_objective("delay", ("asic",)).field == "asic_delay_ns"
    assert pick.parse_objective("cells", ("asic",)).field == "asic_cells"
    with pytest.raises(ValueError, match="comes from the asic flow, which --flow generic"):
        pick.parse_objective("energy", ("generic",))
    with pytest.raises(ValueError, match="name one: cells, asic_cells"):
        pick.parse_objective("cells", ("generic", "asic"))
    # Higher is better for Fmax: not an objective to minimize.
    with pytest.raises(ValueError, match="--minimize must be one of"):
        pick.parse_objective("fmax")


# ---------------------------------------------------------------------------------------------
# The grid and the front.

def test_the_default_grid_has_every_value_each_parameter_takes():
    designs = pick.candidate_designs(width=5)
    def values(variant, name):
        return sorted({d.options[name] for d in designs if d.variant == variant}, key=str)
    assert values("mitch-w", "w") == [2, 3, 4, 5, 6]             # 2 to width + 1
    assert values("alm-soa", "w") == [1, 2, 3, 4]                # 1 to width - 1
    assert values("ilm", "corrections") == [0, 1, 2, 3, 4]       # 0 to width - 1
    assert values("mitchell", "arch") == sorted(
        ["serial", "msb-first", "onehot", "carry-select", "residue"])
    assert "residue" not in values("alm-soa", "arch")            # its unfit architecture
    assert values("exact", "adder") == ["alu", "auto", "kogge-stone"]
    assert sorted({d.frac_bits for d in designs if d.variant == "mbm"}) == [0, 1, 2, 3, 4]
    assert values("mitchell", "drop") == [0]                     # an opt-in: only if asked
    assert values("realm", "drop") == [0]
    asked = pick.candidate_designs(width=5, variants=["mitch-w"], params={"drop": "0..9"})
    assert sorted({d.options["drop"] for d in asked}) == list(range(10))  # 0 to 2 * width - 1
    assert values("truncated", "cut") == list(range(9))          # 0 to 2 * width - 2
    assert values("truncated", "merge") == [0]                   # an opt-in too
    # Merges beyond the pairs a cut leaves are no point of the grid: at 5 bits, cut=6 leaves
    # (2, 4) and (3, 4), cut=8 none.
    merged = pick.candidate_designs(width=5, variants=["truncated"],
                                    params={"cut": "6,8", "merge": "0..3"})
    assert sorted({(d.options["cut"], d.options["merge"]) for d in merged}) == [
        (6, 0), (6, 1), (6, 2), (8, 0)]
    assert {d.variant for d in designs} == {"mitchell", "exact", "exact-yosys", "mitch-w", "mbm",
                                            "ilm", "alm-soa", "nearest-one", "dr-alm", "realm",
                                            "truncated"}
    assert len(designs) == len(set(designs))
    # Error classes: one per output behaviour, whatever the architecture.
    assert len({pick.error_class(d) for d in designs if d.variant == "mitchell"}) == 5


def test_the_front_is_the_set_no_row_beats_on_both():
    generator = random.Random(7)
    objective = pick.parse_objective("transistors")
    budget = pick.parse_budget("mred=1")
    for trial in range(200):
        rows = [{"label": f"d{i}", "error": {"mred": generator.choice([0.0, 0.01, 0.02, 0.03])},
                 "generic": {"transistors": generator.randint(1, 6)}}
                for i in range(generator.randint(1, 9))]
        def beats(p, q):
            return (p["error"]["mred"] <= q["error"]["mred"]
                    and p["generic"]["transistors"] <= q["generic"]["transistors"]
                    and (p["error"]["mred"], p["generic"]["transistors"])
                    != (q["error"]["mred"], q["generic"]["transistors"]))
        expected = {row["label"] for row in rows if not any(beats(o, row) for o in rows)}
        front = pick.front_rows(rows, budget, objective)
        assert {row["label"] for row in front} == expected
        assert [row["error"]["mred"] for row in front] == sorted(r["error"]["mred"] for r in front)


# ---------------------------------------------------------------------------------------------
# The search, against a brute force.

def in_process(designs, budgets, objective):
    """search() with the error and the flow figures computed in this process."""
    return pick.search(
        designs, budgets, objective,
        measure=lambda classes: [measure(design) for design in classes],
        synthesize=lambda chosen: [{"generic": FLOWS["generic"].run(d, FlowOptions())}
                                   for d in chosen])


def test_the_golden_mred_is_the_kernels():
    # The brute force's error figures and the search's come from different code.
    for design in grid_designs():
        assert measure(design)["mred"] == pytest.approx(golden_mred(design), rel=1e-12)


def test_pick_chooses_the_cheapest_design_within_the_budget(cli):
    designs = grid_designs()
    status, stdout, stderr = cli("pick", *GRID, "--max", "mred=3%", "--json")
    assert status == 0, stderr
    result = json.loads(stdout)
    check_choice(result, designs, 0.03)
    chosen = result["chosen"]
    # The budget binds: a cheaper design misses it (among the nearest misses the search
    # synthesized, so that the test synthesizes nothing more), and the choice is not exact.
    synthesized = {row["label"] for row in result["rows"]}
    assert any(transistors(d) < chosen["generic"]["transistors"] for d in designs
               if golden_mred(d) > 0.03 and d.label in synthesized)
    assert chosen["error"]["mred"] > 0
    # Only the classes within the budget and each variant's nearest miss were synthesized.
    assert result["error_classes"] == len(designs)
    meeting = [d for d in designs if golden_mred(d) <= 0.03]
    assert result["meeting_classes"] == len(meeting)
    assert result["synthesized"] == len(meeting) + sum(
        any(golden_mred(d) > 0.03 for d in designs if d.variant == v)
        for v in {d.variant for d in designs})


def test_the_text_names_the_choice_the_front_and_a_verilog_command_that_builds_it(cli):
    status, stdout, stderr = cli("pick", *GRID, "--max", "mred=3%")
    assert status == 0, stderr
    expected = brute_force(grid_designs(), 0.03)
    assert f"chosen: {expected.label}: mred {100 * golden_mred(expected):.4g}%, transistors " \
           f"{transistors(expected):,}" in stdout
    assert re.search(rf"^\* {re.escape(expected.label)} ", stdout, re.M)
    assert "-- budget mred <= 3% --" in stdout
    command = re.search(r"^Verilog: (.*)$", stdout, re.M).group(1)
    words = shlex.split(command)
    assert words[:2] == ["mitchell", "verilog"]
    status, _, stderr = cli(*words[1:])
    assert status == 0, stderr
    output = words[words.index("-o") + 1]
    with open(output) as stream:
        assert stream.read() == expected.verilog()


def test_a_budget_exactly_met_counts_as_met():
    designs = grid_designs()
    expected = brute_force(designs, 0.03)
    limit = measure(expected)["mred"]
    # Some design is more accurate: with < instead of <=, the choice would move.
    assert any(golden_mred(d) < limit for d in designs)
    budgets = (pick.Budget("mred", limit, repr(limit)),)
    result = in_process(designs, budgets, pick.parse_objective("transistors"))
    assert result["chosen"]["label"] == expected.label


def test_planted_mutants_of_the_selection_are_caught(monkeypatch):
    designs = grid_designs()
    objective = pick.parse_objective("transistors")
    expected = brute_force(designs, 0.03)
    limit = measure(expected)["mred"]
    original = pick.choose

    def second_cheapest(rows, budgets, objective):
        meeting = [r for r in rows if all(b.met(r["error"]) for b in budgets)]
        ranked = sorted(meeting, key=lambda r: (objective.value(r), r["label"]))
        return ranked[1] if len(ranked) > 1 else ranked[0]

    def strictly_under(self, error):
        return self.value(error) < self.limit

    for mutant in ("second-cheapest", "strictly-under"):
        with monkeypatch.context() as patch:
            if mutant == "second-cheapest":
                patch.setattr(pick, "choose", second_cheapest)
            else:
                patch.setattr(pick.Budget, "met", strictly_under)
            result = in_process(designs, (pick.Budget("mred", limit, repr(limit)),), objective)
        with pytest.raises(AssertionError):
            check_choice(result, designs, limit)
    assert pick.choose is original
    check_choice(in_process(designs, (pick.Budget("mred", limit, repr(limit)),), objective),
                 designs, limit)


def test_an_unmet_budget_names_the_closest_design_in_one_line(cli):
    status, stdout, stderr = cli("pick", "--width", WIDTH, "--variant", "mitchell",
                                 "--frac-bits", "2..5", "--param", "arch=serial", "--jobs", 1,
                                 "--max", "mred=0.5%")
    assert status == 1, stderr
    mitchells = [Design(variant="mitchell", width=WIDTH, frac_bits=f) for f in range(2, 6)]
    nearest = min(mitchells, key=golden_mred)
    mred = golden_mred(nearest)
    assert stdout == (f"mitchell pick: no design meets mred <= 0.5%; closest: {nearest.label} "
                      f"(mred {100 * mred:.4g}%, misses by {100 * (mred - 0.005):.3g} points)\n")


def test_the_out_folder_has_the_result_and_the_front(cli, tmp_path):
    out = tmp_path / "picked"
    status, stdout, stderr = cli("pick", *GRID, "--max", "mred=3%", "--out", out)
    assert status == 0, stderr
    saved = json.loads((out / "pick.json").read_text())
    assert saved["chosen"]["label"] == brute_force(grid_designs(), 0.03).label
    assert (out / "pick.png").stat().st_size > 0 and (out / "pick.svg").stat().st_size > 0


# ---------------------------------------------------------------------------------------------
# Bad input: one line, exit status 2, nothing written.

@pytest.mark.parametrize("extra, message", [
    (["--max", "speed=2%"], "the metric must be one of mred, wcre, bias, abs-bias, nmed"),
    (["--max", "mred=abc"], "the limit must be a number at least 0"),
    (["--max", "mred=-1%"], "the limit must be a number at least 0"),
    (["--max", "mred=1%", "--max", "mred=2%"], "--max mred is given twice"),
    (["--max", "mred=2%", "--minimize", "energy", "--flow", "generic"],
     "--minimize energy comes from the asic flow, which --flow generic does not run"),
    (["--max", "mred=2%", "--minimize", "lut4", "--flow", "generic,asic"],
     "comes from the ice40 flow"),
    (["--max", "mred=2%", "--minimize", "fmax"], "--minimize must be one of"),
    (["--max", "mred=2%", "--param", "q=1..2"], "No design of the search takes parameter 'q'"),
    (["--max", "mred=2%", "--variant", "nope"], "--variant must be one of"),
    (["--max", "mred=2%", "--variant", "mitchell", "--variant", "mitchell-div"],
     "designs of different kinds"),
    (["--max", "mred=2%", "--param", "w=9..3"], "a range is two integers"),
    (["--max", "mred=2%", "--variant", "exact", "--frac-bits", "2"], "--frac-bits applies to none"),
    (["--max", "mred=2%", "--seed", "-1"], "at least 0"),
    (["--max", "mred=2%", "--around", "-1"], "--around must be 0 or more"),
    (["--max", "mred=2%", "--no-such-option"], "unrecognized arguments: --no-such-option"),
    (["--max", "mred=2%", "--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"],
     "--jobs counts local processes"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(cli, tmp_path, extra, message):
    out = tmp_path / "out"
    status, stdout, stderr = cli("pick", "--width", WIDTH, *extra, "--out", out)
    assert status == 2
    assert stderr.count("\n") == 1 and message in stderr, stderr
    assert stdout == "" and not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_bad_width_is_refused(cli):
    status, _, stderr = cli("pick", "--width", 1, "--max", "mred=2%")
    assert status == 2 and stderr.count("\n") == 1 and "Width must be an integer from 2 to 64" \
        in stderr


def test_the_help_imports_nothing_heavy():
    assert imported("pick", "--help") & HEAVY == set()


# ---------------------------------------------------------------------------------------------
# The report's Pick section.

def test_the_report_section_shows_the_choice_the_front_and_the_budget(tmp_path):
    from mitchell.reports.render import plots

    designs = grid_designs()
    objective = pick.parse_objective("transistors")
    result = {"width": WIDTH, "signed": False, "flows": ["generic"],
              "budgets": [{"metric": "mred", "limit": 0.03, "text": "3%"}],
              "objective": {"name": "transistors", "flow": "generic", "field": "transistors"},
              **in_process(designs, (pick.parse_budget("mred=3%"),), objective)}
    images = plots.pick_front(result, tmp_path, f"pick_{WIDTH}")
    assert images == [f"pick_{WIDTH}.png", f"pick_{WIDTH}.svg"]
    lines = pick.markdown_section([result], images)
    expected = brute_force(designs, 0.03)
    text = "\n".join(lines)
    assert f"Chosen: {expected.label}: mred {100 * golden_mred(expected):.4g}%" in text
    assert f"| * | {expected.label} | {100 * golden_mred(expected):.4g}% | " \
           f"{transistors(expected):,} |" in lines
    budget = lines.index("| | **budget mred <= 3%** | | |")
    # The rows above the budget line are within it, those below beyond it.
    rows = [line.split(" | ") for line in lines if line.startswith("| ") and "width=" in line]
    above = [float(row[2].rstrip("%")) for row in rows if lines.index(" | ".join(row)) < budget]
    below = [float(row[2].rstrip("%")) for row in rows if lines.index(" | ".join(row)) > budget]
    assert above and below and max(above) <= 3 < min(below)
    assert f"![pick_{WIDTH}.png](pick_{WIDTH}.png)" in lines


@pytest.mark.parametrize("extra, message", [
    (["--max", "mred=abc"], "the limit must be a number at least 0"),
    (["--max", "mred=2%", "--minimize", "energy"],
     "--minimize energy comes from the asic flow, which --flow generic,ice40 does not run"),
    (["--minimize", "transistors"], "--minimize goes with --max"),
    (["--max", "mred=2%", "--no-area"], "drop --no-area"),
])
def test_bad_report_budgets_are_one_line_exit_2_and_write_nothing(cli, tmp_path, extra, message):
    out = tmp_path / "report"
    status, stdout, stderr = cli("report", "--width", WIDTH, *extra, "--out", out)
    assert status == 2
    assert stderr.count("\n") == 1 and message in stderr, stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_report_has_the_pick_section_with_its_picture(cli, tmp_path):
    out = tmp_path / "report"
    status, stdout, stderr = cli("report", "--width", 4, "--flow", "generic", "--max", "mred=3%",
                                 "--out", out)
    assert status == 0, stderr
    report = json.loads((out / "report.json").read_text())
    [result] = report["pick"]
    markdown = (out / "report.md").read_text()
    assert "## Pick: the least transistors within mred <= 3%" in markdown
    assert f"Chosen: {result['chosen']['label']}" in markdown
    assert "![pick_4.png](pick_4.png)" in markdown and (out / "pick_4.png").exists()
    assert 'alt="pick_4.png"' in (out / "report.html").read_text()
    # The same search as mitchell pick's.
    status, stdout, stderr = cli("pick", "--width", 4, "--max", "mred=3%", "--json")
    assert status == 0, stderr
    assert json.loads(stdout)["chosen"] == result["chosen"]


def test_error_figures_are_cached_by_design_and_pairs(tmp_path, monkeypatch):
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path))
    designs = grid_designs()[:2]
    calls = []

    def compute(missing):
        calls.append(list(missing))
        return [measure(design) for design in missing]

    first = pick.cached_errors(designs, samples=None, seed=1, compute=compute)
    assert pick.cached_errors(designs, samples=None, seed=1, compute=compute) == first
    assert calls == [designs]
    # Other pairs asked for: a miss.
    pick.cached_errors(designs[1:], samples=1000, seed=1, compute=compute)
    assert calls[-1] == designs[1:]
    assert first[0]["mred"] == pytest.approx(golden_mred(designs[0]), rel=1e-12)
    assert len(list((tmp_path / "error").glob("*.json"))) == 3


def golden_wcre(design: Design) -> float:
    return float(np.max(golden_relative_errors(design)))


def test_every_budget_binds():
    designs = grid_designs()
    alone = brute_force(designs, 0.03)
    # A WCRE budget just under the MRED-only choice's WCRE rules it out.
    wcre = golden_wcre(alone) * 0.999
    meeting = [d for d in designs if golden_mred(d) <= 0.03 and golden_wcre(d) <= wcre]
    expected = min(meeting, key=lambda d: (transistors(d), golden_mred(d), d.label))
    assert expected != alone
    result = in_process(designs, pick.parse_budgets(["mred=3%", f"wcre={wcre!r}"]),
                        pick.parse_objective("transistors"))
    assert result["chosen"]["label"] == expected.label
    marks = {label: mark for mark, label, _, _ in pick.front_lines(
        {**result, "budgets": [{"metric": "mred", "limit": 0.03, "text": "3%"},
                               {"metric": "wcre", "limit": wcre, "text": repr(wcre)}],
         "objective": {"name": "transistors", "flow": "generic", "field": "transistors"}}, 9)}
    # The MRED-only choice is within the MRED budget but beyond the WCRE one.
    assert marks.get(alone.label, "x") == "x"
    assert marks[expected.label] == "*"


def test_of_two_designs_that_cost_the_same_the_defaults_win():
    objective = pick.parse_objective("transistors")
    budgets = (pick.parse_budget("mred=1%"),)
    def row(label, params):
        return {"label": label, "variant": "exact", "width": 8, "params": params,
                "error": {"mred": 0.0}, "generic": {"transistors": 100}}
    # The label of the default sorts after the other's: the tie is not broken by the label.
    rows = [row("exact(width=8, adder=alu)", {"adder": "alu"}), row("exact(width=8)", {"adder": "auto"})]
    assert pick.choose(rows, budgets, objective)["label"] == "exact(width=8)"
    assert pick.choose(rows[::-1], budgets, objective)["label"] == "exact(width=8)"


# ---------------------------------------------------------------------------------------------
# Foreign designs (--verilog) as candidates: truncated array multipliers written for the test,
# whose error figures come from their definition.

FOREIGN_GRID = ["--variant", "mitchell", "--frac-bits", "2..5", "--param", "arch=serial",
                "--jobs", 1]


def truncated_files(folder) -> dict[int, tuple[str, str]]:
    """6-bit truncated array multipliers without the partial products of columns below K, one
    file each: K -> (path, module)."""
    from .test_foreign import TRUNCATED

    folder.mkdir(exist_ok=True)
    files = {}
    for cut in (4, 5, 6):
        top = f"trunc6k{cut}"
        path = folder / f"{top}.v"
        path.write_text(TRUNCATED.replace("module truncated", f"module core{cut}")
                        + f"\nmodule {top}(input [5:0] x, input [5:0] y, output [11:0] z);\n"
                          f"  core{cut} #(.N(6), .K({cut})) c (.x(x), .y(y), .z(z));\n"
                          f"endmodule\n")
        files[cut] = (str(path), top)
    return files


def truncated_mred(cut: int) -> float:
    from .test_foreign import truncated_product

    values = np.arange(1 << WIDTH, dtype=np.int64)
    a, b = (x.ravel() for x in np.meshgrid(values, values))
    exact = a * b
    nonzero = exact != 0
    approx = truncated_product(a, b, width=WIDTH, cut=cut)
    return float(np.mean(np.abs(approx - exact)[nonzero] / exact[nonzero]))


def foreign_arguments(files: dict) -> list:
    return [word for path, top in files.values() for word in ("--verilog", path, "--top", top)] \
        + ["--ports", "x,y,z"]


def expected_pick(files: dict, limit: float, *, catalogue: bool = True):
    """The brute-force choice among the grid's Mitchell designs and the foreign ones: MRED from
    the golden model and from the truncation's definition, transistors from the generic flow."""
    from mitchell.sim.foreign import ForeignDesign

    candidates = [(design, golden_mred(design)) for design in grid_designs()
                  if design.variant == "mitchell"] if catalogue else []
    candidates += [(ForeignDesign(path, top, ("x", "y", "z")), truncated_mred(cut))
                   for cut, (path, top) in files.items()]
    meeting = [(design, mred) for design, mred in candidates if mred <= limit]
    return min(meeting, key=lambda item: (transistors(item[0]), item[1], item[0].label))[0]


@pytest.mark.parametrize("limit", [0.12, 0.08])
def test_foreign_designs_are_candidates_beside_the_catalogue(cli, tmp_path, limit):
    """At 12 % the 6-bit array multiplier cut below column 5 is the cheapest (a foreign winner:
    its file is named where the command would be); at 8 % a Mitchell design is."""
    files = truncated_files(tmp_path / "foreign")
    status, stdout, stderr = cli("pick", *FOREIGN_GRID, *foreign_arguments(files),
                                 "--max", f"mred={100 * limit:g}%")
    assert status == 0, stderr
    expected = expected_pick(files, limit)
    mred = truncated_mred(5) if limit == 0.12 else golden_mred(expected)
    assert f"chosen: {expected.label}: mred {100 * mred:.4g}%, transistors " \
           f"{transistors(expected):,}" in stdout
    assert "7 designs searched at 6 bits, 3 of them --verilog" in stdout
    verilog = re.search(r"^Verilog: (.*)$", stdout, re.M).group(1)
    if limit == 0.12:
        assert expected.label == "verilog:trunc6k5(width=6)"
        assert verilog.startswith(f"module trunc6k5 of {files[5][0]}, the --verilog file given")
    else:
        assert expected.variant == "mitchell"
        assert shlex.split(verilog)[:2] == ["mitchell", "verilog"]
    # The foreign designs are on the front, by label.
    assert re.search(r"^. verilog:trunc6k6\(width=6\) ", stdout, re.M)


def test_a_search_without_its_foreign_candidates_is_caught(cli, tmp_path, monkeypatch):
    """The mutant that leaves the --verilog designs out of the grid picks a Mitchell design."""
    from mitchell.reports.cli import pick as command

    files = truncated_files(tmp_path / "foreign")
    original = command.grid_of
    monkeypatch.setattr(command, "grid_of", lambda args, width, foreign=(), **fields:
                        original(args, width, **fields))
    status, stdout, stderr = cli("pick", *FOREIGN_GRID, *foreign_arguments(files),
                                 "--max", "mred=12%")
    assert status == 0, stderr
    assert f"chosen: {expected_pick(files, 0.12).label}:" not in stdout


def test_variant_none_picks_among_the_foreign_designs_at_their_width(cli, tmp_path):
    files = truncated_files(tmp_path / "foreign")
    status, stdout, stderr = cli("pick", "--variant", "none", *foreign_arguments(files),
                                 "--max", "mred=12%", "--jobs", 1, "--json")
    assert status == 0, stderr
    result = json.loads(stdout)
    expected = expected_pick(files, 0.12, catalogue=False)
    assert result["chosen"]["label"] == expected.label and result["command"] is None
    assert result["chosen"]["verilog"] == files[5][0] and result["chosen"]["top"] == "trunc6k5"
    assert {row["label"] for row in result["rows"]} == {
        f"verilog:trunc6k{cut}(width=6)" for cut in (4, 5, 6)}
    for row in result["rows"]:
        cut = int(row["label"][len("verilog:trunc6k")])
        assert row["error"]["mred"] == pytest.approx(truncated_mred(cut), rel=1e-12)


@pytest.mark.parametrize("extra, message", [
    (["--width", "6", "--variant", "none"], "--variant none leaves the catalogue out"),
    (["--variant", "none", "--variant", "mitchell", "FOREIGN"], "give it once, with --verilog"),
    (["--variant", "none", "--param", "w=3", "FOREIGN"], "--param applies to catalogue designs"),
    (["--width", "8", "FOREIGN"], "has 6-bit operands, not 8"),
    (["--variant", "mitchell-div", "FOREIGN"], "--verilog designs are multipliers"),
    (["FOREIGN", "--verilog", "COPY"], "two --verilog designs are both verilog:trunc6k4(width=6)"),
    ([], "the following arguments are required: --width (or --verilog)"),
])
def test_bad_foreign_input_is_one_line_exit_2(cli, tmp_path, extra, message):
    files = truncated_files(tmp_path / "foreign")
    path, top = files[4]
    copy = tmp_path / "foreign" / "copy.v"
    copy.write_text(open(path).read())
    words = {"FOREIGN": ["--verilog", path, "--top", top, "--ports", "x,y,z"], "COPY": [copy]}
    extra = [word for given in extra for word in words.get(given, [given])]
    status, stdout, stderr = cli("pick", *extra, "--max", "mred=5%", "--out", tmp_path / "out")
    assert status == 2, stderr
    assert stderr.count("\n") == 1 and message in stderr, stderr
    assert stdout == "" and not (tmp_path / "out").exists()


def test_foreign_error_figures_are_cached_by_file_content(tmp_path, monkeypatch):
    """The same path with other content is a miss (and gets that content's figures); the same
    content at another path is a hit. A key of the label alone would hand back the old file's
    figures."""
    from mitchell.sim.foreign import ForeignDesign

    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path / "cache"))
    files = truncated_files(tmp_path / "foreign")
    path = tmp_path / "design.v"
    calls = []

    def compute(missing):
        calls.append([design.path for design in missing])
        return [measure(design) for design in missing]

    def figures(cut: int, where=path) -> dict:
        where.write_text(open(files[cut][0]).read().replace(f"trunc6k{cut}", "m"))
        [error] = pick.cached_errors([ForeignDesign(str(where), "m", ("x", "y", "z"))],
                                     samples=None, seed=1, compute=compute)
        return error

    assert figures(4)["mred"] == pytest.approx(truncated_mred(4), rel=1e-12)
    assert figures(5)["mred"] == pytest.approx(truncated_mred(5), rel=1e-12)
    assert figures(5, tmp_path / "copy.v")["mred"] == pytest.approx(truncated_mred(5), rel=1e-12)
    assert calls == [[str(path)], [str(path)]]
    monkeypatch.setattr(pick, "error_key", lambda design, *, samples, seed, sources:
                        f"{design.label}-{samples}-{seed}")
    figures(4)
    assert figures(5)["mred"] == pytest.approx(truncated_mred(4), rel=1e-12)  # stale


def test_the_front_stays_aligned_when_labels_are_longer_than_the_column(cli):
    status, stdout, stderr = cli("pick", "--width", "4", "--variant", "truncated", "--max",
                                 "mred=10%", "--param", "merge=0..2", "--param",
                                 "adder=kogge-stone")
    assert status == 0, stderr
    table = stdout.split("budget):\n")[1].split("\n\n")[0].splitlines()
    rows = [line for line in table if not line.startswith("  --")]
    labels = [re.search(r"truncated\(.*?\)", line).group() for line in rows[1:]]
    assert len(labels) > 2 and max(map(len, labels)) > 54, table
    # Every row's metric and cost columns end where the header's do: the columns are right-
    # aligned, so the last two fields end at the same places.
    ends = {(len(line.rstrip().rsplit(" ", 1)[0].rstrip()), len(line.rstrip())) for line in rows}
    assert len(ends) == 1, table
