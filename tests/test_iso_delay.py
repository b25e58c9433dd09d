"""Designs against their exact baselines at the same delay (``report --flow asic --min-delay``),
the search's curves (``--curve``), and the standard-cell options of ``report`` and ``sweep``.

The choice of the baseline's adder and the section's ratios are checked on figures written here;
the end-to-end runs go through the real tools (Yosys, Icarus, OpenSTA, OSU 0.18 um).
"""
import csv
import json

import pytest

from mitchell.reports.render.report import iso_delay_markdown
from mitchell.reports.synthesis import asic, iso_delay
from mitchell.sim.design import Design


# A synthesis cache of this worker's own (conftest.py).
pytestmark = pytest.mark.usefixtures("private_cache")


def figures(delay_ns: float, area: float, energy: float = 1.0, met: bool | None = None) -> dict:
    result = {"asic_delay_ns": delay_ns, "asic_area_um2": area, "asic_energy_pj": energy,
              "asic_timed_energy_pj": energy, "asic_glitch_share": 0.5, "asic_script": "s"}
    return result if met is None else {**result, "asic_target_met": met}


def test_the_stronger_adder_is_the_faster_at_the_minimum_and_the_smaller_at_a_target():
    at_minimum = {"alu": figures(3.0, 900), "kogge-stone": figures(2.5, 1000)}
    assert iso_delay.fastest(at_minimum) == "kogge-stone"
    # A tie on delay goes to the smaller.
    assert iso_delay.fastest({"alu": figures(2.5, 900), "kogge-stone": figures(2.5, 1000)}) == "alu"
    at_target = {"alu": figures(2.9, 900), "kogge-stone": figures(2.4, 1000)}
    assert iso_delay.smallest_meeting(at_target, 3.0) == "alu"
    assert iso_delay.smallest_meeting(at_target, 2.5) == "kogge-stone"
    # Within OpenSTA's printed precision counts as met; beyond it does not.
    assert iso_delay.smallest_meeting(at_target, 2.4 - 0.0005) == "kogge-stone"
    assert iso_delay.smallest_meeting(at_target, 2.3) is None


def test_the_baselines_are_the_exact_multiplier_with_each_final_adder():
    design = Design(width=8, stages=1, signed=True)
    found = iso_delay.baselines(design)
    assert set(found) == {"alu", "kogge-stone"}
    for adder, base in found.items():
        assert (base.variant, base.width, base.stages, base.signed) == ("exact", 8, 1, True)
        assert base.options["adder"] == adder
    assert iso_delay.applies(design)
    assert not iso_delay.applies(Design(variant="exact", width=8))
    assert not iso_delay.applies(Design(variant="mitchell-div", width=8))


def row(common_design: dict, common_baseline: dict | None, adder: str | None) -> dict:
    return {"design": "mitchell(width=8)", "width": 8, "common_ns": 3.0,
            "own": {"design": figures(2.8, 400, 4.0), "baseline": figures(3.0, 1000, 10.0),
                    "adder": "Kogge-Stone"},
            "common": {"design": common_design, "baseline": common_baseline, "adder": adder}}


def test_the_section_names_the_adder_and_a_delay_that_cannot_be_met():
    lines = iso_delay_markdown([
        row(figures(2.9, 300, 3.0, met=True), figures(2.95, 1200, 12.0, met=True), "+"),
        row(figures(3.2, 300, 3.0, met=False), figures(2.95, 1200, 12.0, met=True), "+"),
        row(figures(2.9, 300, 3.0, met=True), None, None)])
    table = [line for line in lines if line.startswith("| mitchell")]
    assert table[0] == ("| mitchell(width=8) | 3.000 | 300 | 1,200 (exact +) | 0.25 | 3.000 | "
                        "12.000 | 0.25 |")
    assert "| the design cannot meet it |" in table[1]
    assert "| the baseline cannot meet it |" in table[2]
    # At each one's own minimum: 2.8 / 3.0, 400 / 1000, 4 / 10.
    assert table[3] == ("| mitchell(width=8) | 2.800 | 3.000 (exact Kogge-Stone) | 0.93 | 0.40 "
                        "| 0.40 |")


@pytest.mark.parametrize("args, message", [
    (["report", "--width", 4, "--curve"], "--curve plots the minimum-delay search"),
    (["report", "--width", 4, "--flow", "asic", "--curve"], "--curve plots"),
    (["report", "--width", 4, "--flow", "generic", "--min-delay"],
     "--min-delay applies to the asic flow"),
    (["sweep", "--width", 4, "--flow", "ice40", "--library", "osu035"],
     "--library applies to the asic flow"),
    (["sweep", "--width", 4, "--flow", "asic", "--target-delay", "0"], "positive number of ns"),
    (["report", "--width", 4, "--flow", "asic", "--target-delay", 2, "--min-delay"],
     "not allowed with"),
])
def test_bad_delay_options_of_report_and_sweep_are_one_line(cli, args, message):
    status, out, err = cli(*args, "--out", "folder")
    assert status == 2 and message in err and len(err.strip().splitlines()) <= 2, err
    assert err.strip().splitlines()[-1].count(message) == 1


def test_sweep_maps_for_a_target_and_writes_the_timed_columns(library, cli, tmp_path):
    status, out, err = cli("sweep", "--width", 4, "--variant", "mitchell", "--flow", "asic",
                           "--target-delay", 1.6, "--out", "sweep")
    assert status == 0, err
    with open(tmp_path / "sweep" / "sweep.csv") as stream:
        rows = list(csv.DictReader(stream))
    entries = json.loads((tmp_path / "sweep" / "sweep.json").read_text())["designs"]
    assert len(rows) == len(entries) == 2
    for csv_row, entry in zip(rows, entries):
        figures = entry["asic"]
        assert figures["asic_target_ns"] == 1.6
        for field in ("asic_energy_pj", "asic_timed_energy_pj", "asic_glitch_share"):
            assert float(csv_row[field]) == pytest.approx(figures[field])
        assert figures["asic_timed_energy_pj"] >= figures["asic_leakage_mw"] * asic.PERIOD_NS
    assert "energy pJ/op timed" in out.splitlines()[0]


@pytest.mark.slow
def test_report_holds_each_design_against_the_stronger_adder_and_plots_the_curves(library, cli,
                                                                                tmp_path):
    status, out, err = cli("report", "--width", 4, "--flow", "asic", "--min-delay", "--curve",
                           "--out", "report")
    assert status == 0, err
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    [row_] = report["iso_delay"]
    assert row_["design"] == Design(width=4).label and row_["variant"] == "mitchell"
    assert "| mitchell 4b | " in (tmp_path / "report" / "report.md").read_text()
    # The baselines' own searches, read back from the cache the report filled.
    from mitchell.reports.synthesis.delay import synthesize_min_delay
    exact = {adder: synthesize_min_delay(base)
             for adder, base in iso_delay.baselines(Design(width=4)).items()}
    quick = min(exact, key=lambda adder: (exact[adder]["asic_delay_ns"],
                                          exact[adder]["asic_area_um2"]))
    assert row_["own"]["adder"] == iso_delay.ADDERS[quick]
    assert row_["own"]["baseline"]["asic_delay_ns"] == exact[quick]["asic_delay_ns"]
    mine = next(e["asic"] for e in report["designs"] if e["variant"] == "mitchell")
    assert row_["own"]["design"]["asic_delay_ns"] == mine["asic_delay_ns"]
    assert row_["common_ns"] == max(mine["asic_delay_ns"], exact[quick]["asic_delay_ns"])
    common = row_["common"]
    assert common["design"]["asic_target_met"]
    if common["baseline"] is not None:
        assert common["baseline"]["asic_delay_ns"] <= row_["common_ns"] + 1e-3
        assert common["adder"] in iso_delay.ADDERS.values()
    text = (tmp_path / "report" / "report.md").read_text()
    assert "## Iso-delay (standard cells)" in text and f"(exact {row_['own']['adder']})" in text
    # Where each minimum delay was found, under the standard-cell table; no run timed out.
    assert f"\nminimum delay: mitchell 4b {mine['asic_delay_ns']:.3f} ns (" in text
    assert "timed out" not in text
    # Every Mitchell architecture and both adders on the one plot of the width.
    labels = {curve["label"] for curve in report["curves"]}
    from mitchell.rtl.mitchell import ARCHITECTURES
    assert labels == {f"mitchell {arch}" for arch in ARCHITECTURES} | {"exact +",
                                                                       "exact Kogge-Stone"}
    assert all(len(curve["points"]) >= 2 for curve in report["curves"])
    assert (tmp_path / "report" / "asic_curves_4b.png").stat().st_size > 5000
    assert "asic_curves_4b.png" in text
