"""The standard-cell flow (OSU 0.18 um, Yosys, Icarus, OpenSTA), through the real tools.

Expected figures come from the library file and the operand streams themselves, read here with
their own small parsers, not from the code under test.
"""
import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mitchell.reports.synthesis import asic
from mitchell.sim.design import Design
from mitchell.sim.toolchain import ToolMissing

INSTALL = "apt-get install -y opensta qflow-tech-osu018"
VOLTS = 1.8


@pytest.fixture(autouse=True)
def default_library(monkeypatch):
    monkeypatch.delenv("MITCHELL_LIBERTY", raising=False)


def cell_table(library: asic.Library) -> dict[str, dict]:
    """Area, leakage (nW) and input-pin capacitances (pF) of every cell, read with regular
    expressions from the Liberty text."""
    text = library.liberty.read_text()
    starts = [(m.start(), m.group(1)) for m in re.finditer(r"^cell \((\w+)\)", text, re.M)]
    table = {}
    for (start, name), (end, _) in zip(starts, starts[1:] + [(len(text), "")]):
        body = text[start:end]
        pins = {}
        for pin, pin_body in re.findall(r"pin\((\w+)\)\s*\{\s*direction : input;(.*?)\}", body, re.S):
            # Up to the pin's first inner group: the pads of osu035/050 state it later.
            if capacitance := re.search(r"\bcapacitance : ([\d.]+);", pin_body):
                pins[pin] = float(capacitance.group(1))
        # The power and filler pads of osu035/050 state no leakage.
        leakage = re.search(r"cell_leakage_power : ([\d.e-]+);", body)
        table[name] = {"area": float(re.search(r"area : ([\d.]+);", body).group(1)),
                       "leakage": float(leakage.group(1)) if leakage else 0.0, "inputs": pins}
    return table


def opensta(script: str, work: Path) -> str:
    """What OpenSTA prints running the Tcl ``script`` in folder ``work``."""
    (work / "check.tcl").write_text(script + "exit\n")
    return subprocess.run(["sta", "-no_init", "-no_splash", "-exit", "check.tcl"], cwd=work,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout


def instances(netlist_text: str) -> list[tuple[str, str, dict[str, str]]]:
    """(cell, instance, {pin: net}) for every cell instance of a Yosys netlist."""
    found = []
    for cell, name, body in re.findall(r"^\s+([A-Z]\w+) (\S+) \((.*?)\);", netlist_text, re.M | re.S):
        found.append((cell, name, dict(re.findall(r"\.(\w+)\(([^()]*)\)", body))))
    return found


def mitchell(*args, cwd: Path, env: dict | None = None):
    return subprocess.run([sys.executable, "-m", "mitchell.reports.cli", *args],
                          capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})})


# --- hand-made netlists whose activity is known from the operand stream ----------------------

TINY = """module tiny(a, b, p);
  input [1:0] a;
  input [1:0] b;
  output [3:0] p;
  XOR2X1 x0 (.A(a[0]), .B(b[0]), .Y(p[0]));
  AND2X1 g1 (.A(a[1]), .B(b[1]), .Y(p[1]));
  INVX1 i2 (.A(a[0]), .Y(p[2]));
  NOR2X1 n3 (.A(a[1]), .B(b[0]), .Y(p[3]));
endmodule
"""

TINY_REGISTERED = """module tinyreg(clk, rst, a, b, p);
  input clk;
  input rst;
  input [1:0] a;
  input [1:0] b;
  output [3:0] p;
  wire d0;
  XOR2X1 x0 (.A(a[0]), .B(b[0]), .Y(d0));
  DFFPOSX1 r0 (.CLK(clk), .D(d0), .Q(p[0]));
  AND2X1 g1 (.A(a[1]), .B(b[1]), .Y(p[1]));
  INVX1 i2 (.A(a[0]), .Y(p[2]));
  NOR2X1 n3 (.A(a[1]), .B(b[0]), .Y(p[3]));
endmodule
"""


def tiny_bits(a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    """The value of every net of TINY for each operand pair, from the gates' definitions."""
    a0, a1, b0, b1 = a & 1, a >> 1 & 1, b & 1, b >> 1 & 1
    return {"a[0]": a0, "a[1]": a1, "b[0]": b0, "b[1]": b1,
            "p[0]": a0 ^ b0, "p[1]": a1 & b1, "p[2]": 1 - a0, "p[3]": 1 - (a1 | b0)}


def tiny_products(bits: dict[str, np.ndarray]) -> np.ndarray:
    return sum(bits[f"p[{i}]"] << i for i in range(4))


@pytest.fixture(scope="module")
def stream():
    rng = np.random.default_rng(2024)
    return rng.integers(0, 4, size=201), rng.integers(0, 4, size=201)


def test_toggles_and_duty_of_a_combinational_netlist(library, stream, tmp_path):
    a, b = stream
    bits = tiny_bits(a, b)
    netlist = asic.Netlist.parse(TINY, "tiny", library)
    activity = asic.measure_activity(netlist, library, a, b, width=2, stages=0,
                                     expected=tiny_products(bits), work=tmp_path)
    assert activity.operations == 200
    assert set(activity.toggles) == set(bits)
    for net, values in bits.items():
        # Pair 0 is the warm-up: changes are counted from it on, duty over pairs 1..200.
        assert activity.toggles[net] == np.count_nonzero(np.diff(values)), net
        assert activity.duty[net] == pytest.approx(values[1:].mean()), net
    assert 0 < activity.toggles["p[0]"] < 200


def test_toggles_and_duty_of_a_registered_netlist(library, stream, tmp_path):
    a, b = stream
    bits = tiny_bits(a, b)
    netlist = asic.Netlist.parse(TINY_REGISTERED, "tinyreg", library)
    activity = asic.measure_activity(netlist, library, a, b, width=2, stages=1,
                                     expected=tiny_products(bits), work=tmp_path)
    xor = bits["p[0]"]
    # Sampled before and after each clock edge: the register shows the previous pair's XOR for
    # the first half of a cycle, its input the new one for the whole cycle.
    assert activity.toggles["d0"] == activity.toggles["p[0]"] == np.count_nonzero(np.diff(xor))
    assert activity.duty["d0"] == pytest.approx(xor[1:].mean())
    assert activity.duty["p[0]"] == pytest.approx((xor[:-1].sum() + xor[1:].sum()) / 400)
    assert activity.toggles["rst"] == 0 and "clk" not in activity.toggles


def test_a_wrong_product_in_any_bit_is_caught(library, stream, tmp_path):
    a, b = stream
    bits = tiny_bits(a, b)
    netlist = asic.Netlist.parse(TINY, "tiny", library)
    for bit in (0, 3):
        wrong = tiny_products(bits) ^ (1 << bit)
        with pytest.raises(asic.NetlistError, match="computes"):
            asic.measure_activity(netlist, library, a, b, width=2, stages=0, expected=wrong,
                                  work=tmp_path)


def test_a_netlist_that_does_not_simulate_is_a_clear_error(library, stream, tmp_path):
    a, b = stream
    expected = tiny_products(tiny_bits(a, b))
    duplicate = TINY.replace("NOR2X1 n3", "NOR2X1 x0")
    with pytest.raises(asic.NetlistError, match=r"iverilog .*failed.*x0"):
        asic.measure_activity(asic.Netlist.parse(duplicate, "tiny", library), library, a, b,
                              width=2, stages=0, expected=expected, work=tmp_path)
    floating = TINY.replace(".B(b[0]), .Y(p[3])", ".B(nothing), .Y(p[3])")
    with pytest.raises(asic.NetlistError, match=r"does not simulate: .*p\[3\].* is undefined"):
        asic.measure_activity(asic.Netlist.parse(floating, "tiny", library), library, a, b,
                              width=2, stages=0, expected=expected, work=tmp_path)
    with pytest.raises(asic.NetlistError, match="NAND9X9"):
        asic.Netlist.parse(TINY.replace("AND2X1", "NAND9X9"), "tiny", library)


def test_an_activity_that_does_not_match_the_netlist_is_a_clear_error(library, stream, tmp_path):
    a, b = stream
    netlist = asic.Netlist.parse(TINY, "tiny", library)
    activity = asic.measure_activity(netlist, library, a, b, width=2, stages=0,
                                     expected=tiny_products(tiny_bits(a, b)), work=tmp_path)
    extra = asic.Activity(activity.operations, {**activity.toggles, "_999_": 3},
                          {**activity.duty, "_999_": 0.5})
    with pytest.raises(asic.ActivityError, match="_999_"):
        asic.power(netlist, library, extra, clocked=False, work=tmp_path)
    short = asic.Activity(activity.operations,
                          {k: v for k, v in activity.toggles.items() if k != "p[2]"},
                          {k: v for k, v in activity.duty.items() if k != "p[2]"})
    with pytest.raises(asic.ActivityError, match=r"no figure for 1 net.*p\[2\]"):
        asic.power(netlist, library, short, clocked=False, work=tmp_path)
    figures = asic.power(netlist, library, activity, clocked=False, work=tmp_path)
    assert figures["asic_internal_mw"] > 0 and figures["asic_switching_mw"] > 0
    # A driver map that points one net at an input pin leaves a cell output unannotated:
    # OpenSTA's read-back catches it.
    wrong = dataclasses.replace(netlist, drivers={**netlist.drivers, "p[0]": "x0/A"})
    with pytest.raises(asic.ActivityError, match=r"did not take the activity of 1 cell.*x0/Y"):
        asic.power(wrong, library, activity, clocked=False, work=tmp_path)


def test_switching_power_is_half_c_v_squared_per_measured_transition(library, tmp_path):
    """OpenSTA's switching power against 1/2 C V^2 x transitions / period, net by net, with C
    the input capacitances the net drives (from the Liberty text) plus the output load. Nets
    driven by the inputs are charged to whatever drives the inputs, outside the design."""
    design = Design(variant="exact", width=4)
    netlist, _ = asic.map_design(design.verilog(), design.default_name, library, tmp_path)
    a, b = asic.operand_stream(4)
    activity = asic.measure_activity(netlist, library, a, b, width=4, stages=0,
                                     expected=design.golden(a, b), work=tmp_path)
    figures = asic.power(netlist, library, activity, clocked=False, work=tmp_path)
    cells = cell_table(library)
    load = {f"p[{i}]": asic.OUTPUT_LOAD_PF for i in range(8)}
    for cell, _, pins in instances(netlist.text):
        for pin, net in pins.items():
            if pin in cells[cell]["inputs"]:
                load[net] = load.get(net, 0.0) + cells[cell]["inputs"][pin]
    expected = sum(0.5 * load.get(net, 0.0) * VOLTS ** 2 * toggles / activity.operations
                   for net, toggles in activity.toggles.items()
                   if not net.startswith(("a[", "b["))) / asic.PERIOD_NS
    assert figures["asic_switching_mw"] == pytest.approx(expected, rel=1e-3)


INVERTER = "module inv(i, o);\n  input i;\n  output o;\n  INVX1 x0 (.A(i), .Y(o));\nendmodule\n"


def shipped_power(library: asic.Library, rate: float, duty: float, work: Path) -> list[float]:
    """Internal, switching and leakage power (mW) of INVERTER by OpenSTA with the library as
    shipped, its input driven by an INVX1 and given ``rate`` transitions per period and
    ``duty``."""
    (work / "inv.v").write_text(INVERTER)
    output = opensta(
        f"read_liberty {library.liberty}\nread_verilog inv.v\nlink_design inv\n"
        f"create_clock -name vclk -period {asic.PERIOD_NS}\n"
        "set_input_delay 0 -clock vclk [all_inputs]\nset_output_delay 0 -clock vclk [all_outputs]\n"
        f"set_driving_cell -lib_cell INVX1 [all_inputs]\nset_load {asic.OUTPUT_LOAD_PF} [all_outputs]\n"
        f"set_power_activity -input_ports [get_ports i] -activity {rate} -duty {duty}\n"
        "puts \"power [lrange [sta::design_power [sta::cmd_corner]] 0 2]\"\n", work)
    return [float(v) * 1e3 for v in re.search(r"^power (.*)$", output, re.M).group(1).split()]


def test_the_power_view_charges_an_inverter_the_mean_of_rise_and_fall_energy(library, tmp_path):
    """Shipped OpenSTA 2.0.17 charges an inverter's output transition its rise plus its fall
    energy (duty 1); the power view must charge half that, and the same switching power."""
    netlist = asic.Netlist.parse(INVERTER, "inv", library)
    activity = asic.Activity(1000, {"i": 300, "o": 300}, {"i": 0.25, "o": 0.75})
    view = asic.power(netlist, library, activity, clocked=False, work=tmp_path)
    internal, switching, leakage = shipped_power(library, 0.3, 0.25, tmp_path)
    assert internal > 0 and switching > 0
    assert view["asic_internal_mw"] == pytest.approx(internal / 2, rel=1e-6)
    assert view["asic_switching_mw"] == pytest.approx(switching, rel=1e-6)
    assert view["asic_leakage_mw"] == pytest.approx(leakage, rel=1e-6)
    # The annotated output activity is used, not one propagated from the input.
    doubled = asic.Activity(1000, {"i": 300, "o": 600}, {"i": 0.25, "o": 0.75})
    again = asic.power(netlist, library, doubled, clocked=False, work=tmp_path)
    assert again["asic_switching_mw"] == pytest.approx(2 * switching, rel=1e-6)


# --- the whole flow ---------------------------------------------------------------------------


def test_area_is_the_sum_of_cell_areas_and_constant_inputs_draw_only_leakage(library, tmp_path):
    design = Design(width=8)
    netlist, figures = asic.map_design(design.verilog(), design.default_name, library, tmp_path)
    cells = cell_table(library)
    used = [cell for cell, _, _ in instances(netlist.text)]
    assert figures["asic_cells"] == len(used) > 50
    assert figures["asic_area_um2"] == pytest.approx(sum(cells[cell]["area"] for cell in used))
    zeros = np.zeros(501, dtype=np.uint64)
    result = asic.synthesize_asic(design, operands=(zeros, zeros))
    assert result["asic_area_um2"] == figures["asic_area_um2"]
    assert result["asic_internal_mw"] == result["asic_switching_mw"] == 0.0
    assert result["asic_dynamic_mw"] == 0.0 and result["asic_toggles_per_op"] == 0.0
    leakage_mw = sum(cells[cell]["leakage"] for cell in used) * 1e-6   # nW in the library
    assert result["asic_leakage_mw"] == pytest.approx(leakage_mw, rel=1e-6)
    assert result["asic_total_mw"] == result["asic_leakage_mw"] > 0
    assert result["asic_energy_pj"] == pytest.approx(result["asic_total_mw"] * asic.PERIOD_NS)
    assert "500 given operand pairs" in result["asic_activity"]


def test_random_operands_give_positive_figures_and_a_pipeline_shortens_the_period(library):
    combinational = asic.synthesize_asic(Design(width=8))
    pipelined = asic.synthesize_asic(Design(width=8, stages=2))
    for result in (combinational, pipelined):
        assert set(asic.FIELDS) <= set(result)
        for field in asic.FIELDS:
            assert result[field] > 0, field
        assert result["asic_dynamic_mw"] > 1000 * result["asic_leakage_mw"]
        assert "glitches are not counted" in result["asic_activity"]
    assert pipelined["asic_delay_ns"] < combinational["asic_delay_ns"]
    assert pipelined["asic_area_um2"] > combinational["asic_area_um2"]   # the flip-flops
    assert asic.synthesize_asic(Design(width=8)) == combinational        # from the cache


@pytest.mark.slow
def test_exact_16bit_costs_more_area_and_power_than_mitchell(library):
    approx = asic.synthesize_asic(Design(width=16))
    exact = asic.synthesize_asic(Design(variant="exact", width=16))
    for field in ("asic_area_um2", "asic_cells", "asic_dynamic_mw", "asic_energy_pj"):
        assert 0 < approx[field] < exact[field], field
    assert approx["asic_area_um2"] < 0.35 * exact["asic_area_um2"]
    assert 0 < approx["asic_delay_ns"] and 0 < exact["asic_delay_ns"]


def test_sta_reading_its_standard_input_saves_a_history_in_its_folder(library, tmp_path):
    """Why the flow closes OpenSTA's standard input and runs it in a folder of its own."""
    subprocess.run(["sta", "-no_init", "-no_splash"], input="puts hello\nexit\n", cwd=tmp_path,
                   capture_output=True, text=True, check=True)
    assert (tmp_path / ".history_sta").read_text().splitlines()[0] == "puts hello"


def test_the_flow_writes_nothing_in_the_folder_it_runs_from(library, tmp_path, monkeypatch):
    user = tmp_path / "user"
    user.mkdir()
    monkeypatch.chdir(user)
    result = asic.synthesize_asic(Design(width=4, stages=1), use_cache=False)
    assert result["asic_area_um2"] > 0
    assert sorted(path.name for path in user.iterdir()) == []


def test_the_library_can_be_moved_and_a_wrong_path_is_named(library, tmp_path, monkeypatch):
    with pytest.raises(asic.LibraryError, match=r"'/no/such/cells\.lib' \(from liberty\) does not exist"):
        asic.Library.find("/no/such/cells.lib")
    monkeypatch.setenv("MITCHELL_LIBERTY", str(tmp_path / "missing.lib"))
    with pytest.raises(asic.LibraryError, match=r"missing\.lib' \(from MITCHELL_LIBERTY\)"):
        asic.Library.find()
    (tmp_path / "lonely.lib").write_text(library.liberty.read_text())
    with pytest.raises(asic.LibraryError, match=r"no cell models beside it .*lonely\.v"):
        asic.Library.find(tmp_path / "lonely.lib")
    # A copy elsewhere, named by the variable, gives the same figures.
    (tmp_path / "copy.lib").write_text(library.liberty.read_text())
    (tmp_path / "copy.v").write_text(library.models.read_text())
    monkeypatch.setenv("MITCHELL_LIBERTY", str(tmp_path / "copy.lib"))
    assert asic.Library.find().liberty == tmp_path / "copy.lib"
    moved = asic.synthesize_asic(Design(width=4))
    monkeypatch.delenv("MITCHELL_LIBERTY")
    assert moved == asic.synthesize_asic(Design(width=4))
    monkeypatch.setitem(asic.LIBRARIES, "osu018", ("OSU 0.18 um", tmp_path / "absent" /
                                                   "osu018_stdcells.lib", "qflow-tech-osu018"))
    with pytest.raises(ToolMissing, match="apt-get install -y qflow-tech-osu018$"):
        asic.Library.find()


# --- the command line -------------------------------------------------------------------------


@pytest.mark.slow
def test_area_command_prints_standard_cells_side_by_side(library, tmp_path):
    run = mitchell("area", "--width", "4", "--flow", "asic", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "ratio" in lines[0] and "mitchell(width=4" in lines[0] and "exact(width=4" in lines[0]
    for name in ("area um2", "cells", "delay ns", "dynamic mW", "leakage mW", "total mW",
                 "energy pJ/op zero-delay", "energy pJ/op timed", "glitch share"):
        row = next(line for line in lines if line.startswith(name))
        mitchell_value, exact_value, ratio = row[len(name):].split()
        assert float(ratio) == pytest.approx(float(mitchell_value.replace(",", ""))
                                             / float(exact_value.replace(",", "")), abs=0.006)
    assert "glitches are not counted" in run.stdout and "0.01 pF" in run.stdout
    assert "the same synthesis flows (asic)" in run.stdout
    run = mitchell("area", "--width", "4", "--flow", "all", "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    same = results.pop("comparison")
    assert set(same["same"]) == {"width", "stages", "signed", "flow"}
    assert same["flow"]["flows"] == ["generic", "ice40", "asic"]
    assert len(results) == 2
    for figures in results.values():
        assert set(figures) == {"generic", "ice40", "asic"}
        assert set(asic.FIELDS) <= set(figures["asic"]) and "transistors" in figures["generic"]
        assert "fmax_mhz" in figures["ice40"]


def test_area_command_names_a_wrong_library_or_a_missing_sta(library, tmp_path):
    run = mitchell("area", "--width", "4", "--flow", "asic", cwd=tmp_path,
                   env={"MITCHELL_LIBERTY": "/no/such/cells.lib"})
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip().count("\n") == 0 and "/no/such/cells.lib" in run.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    run = mitchell("area", "--width", "4", "--flow", "asic", cwd=tmp_path, env={"PATH": str(empty)})
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip() == f"mitchell area: error: OpenSTA is not installed: {INSTALL}"


@pytest.mark.slow
def test_report_and_sweep_gain_standard_cell_columns_and_a_plot(library, tmp_path):
    run = mitchell("report", "--width", "4", "--flow", "asic", "--out", "report", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["tool"]["opensta"] and report["tool"]["iverilog"]
    for entry in report["designs"]:
        assert "generic" not in entry and "ice40" not in entry
        assert set(asic.FIELDS) <= set(entry["asic"])
    text = (tmp_path / "report" / "report.md").read_text()
    assert "## Standard cells" in text and "asic_bars.png" in text
    assert "glitches are not counted" in text
    cells_section = text[text.index("## Standard cells"):]
    exact_row = next(line for line in cells_section.splitlines()
                     if line.startswith("| exact 4b | "))
    cells = [cell.strip() for cell in exact_row.strip("|").split("|")]
    assert cells[-3:] == ["1.00"] * 3      # the exact multiplier against itself
    assert (tmp_path / "report" / "asic_bars.svg").exists()
    assert "Standard cells" in (tmp_path / "report" / "report.html").read_text()
    run = mitchell("sweep", "--width", "4", "--variant", "mitchell", "--flow", "asic",
                   "--out", "sweep", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    header, *rows = (tmp_path / "sweep" / "sweep.csv").read_text().splitlines()
    assert header.endswith(",".join(asic.FIELDS)) and len(rows) == 2
    assert all(row.split(",")[-1] for row in rows)


def sta_figures(library_file: Path, netlist: str, top: str, work: Path) -> str:
    """Worst slack and power of ``netlist`` by OpenSTA, inputs at activity 0.5 (propagated)."""
    (work / "n.v").write_text(netlist)
    output = opensta(
        f"read_liberty {library_file}\nread_verilog n.v\nlink_design {top}\n"
        "create_clock -name vclk -period 10\nset_input_delay 0 -clock vclk [all_inputs]\n"
        "set_output_delay 0 -clock vclk [all_outputs]\nset_load 0.01 [all_outputs]\n"
        "set_power_activity -input -activity 0.5 -duty 0.5\n"
        "puts \"figures [sta::worst_slack -max] [sta::design_power [sta::cmd_corner]]\"\n", work)
    return re.search(r"^figures (.*)$", output, re.M).group(1)


def test_the_liberty_writer_gives_opensta_the_same_library(library, tmp_path):
    text = library.liberty.read_text()
    (tmp_path / "again.lib").write_text(asic.liberty_format.parse(text).write())
    (tmp_path / "view.lib").write_text(asic.liberty_format.power_view(text))
    shipped = sta_figures(library.liberty, TINY_REGISTERED, "tinyreg", tmp_path)
    assert sta_figures(tmp_path / "again.lib", TINY_REGISTERED, "tinyreg", tmp_path) == shipped
    # The power view keeps timing; its power differs (no propagation, scaled energies).
    view = sta_figures(tmp_path / "view.lib", TINY_REGISTERED, "tinyreg", tmp_path)
    assert view.split()[0] == shipped.split()[0] and view != shipped
    cells = {cell.args[0]: cell for cell in asic.liberty_format.parse(text).groups("cell")}
    viewed = {cell.args[0]: cell for cell in
              asic.liberty_format.parse((tmp_path / "view.lib").read_text()).groups("cell")}

    def first_energy(cells, cell, pin, index=0):
        group = next(p for p in cells[cell].groups("pin") if p.args[0] == pin)
        table = group.groups("internal_power")[index].groups("rise_power")[0]
        values = next(item[1] for item in table.items if item[0] == "values")
        return float(values[0].strip('"').split(",")[0])

    # Per output transition: the mean over a cell's arcs, and clock pins counted once a cycle.
    for cell, pin, factor in (("INVX1", "Y", 1), ("NAND2X1", "Y", 1 / 2), ("AOI22X1", "Y", 1 / 4),
                              ("DFFPOSX1", "CLK", 1 / 2), ("DFFPOSX1", "D", 1),
                              ("DFFPOSX1", "Q", 1 / 2)):
        assert first_energy(viewed, cell, pin) == pytest.approx(
            first_energy(cells, cell, pin) * factor, rel=1e-8), (cell, pin)
    for cell in ("NAND2X1", "DFFPOSX1", "FAX1"):
        for pin in viewed[cell].groups("pin"):
            if pin.attribute("direction") == "output":
                assert pin.attribute("function") == pin.args[0]


# Outputs that are other nets: p[3] is p[1], p[2] is the input a[0], p[0] is constant (as in
# some EvoApprox netlists, whose aliased outputs Yosys writes as assigns).
ALIASED = """module aliased(input [1:0] a, input [1:0] b, output [3:0] p);
  assign p[1] = a[1] & b[1];
  assign p[3] = p[1];
  assign p[2] = a[0];
  assign p[0] = 1'b0;
endmodule
"""


def test_aliased_outputs_are_driven_by_buffers_counted_in_the_area(library, tmp_path):
    netlist, figures = asic.map_design(ALIASED, "aliased", library, tmp_path)
    found = instances(netlist.text)
    buffers = {pins["Y"]: pins["A"] for cell, _, pins in found if cell == asic.BUFFER}
    assert buffers == {"p[3]": "p[1]", "p[2]": "a[0]"}, netlist.text
    assert all(netlist.drivers[f"p[{i}]"].endswith("/Y") for i in (1, 2, 3))
    # The area is the cells' areas read from the Liberty text, the buffers' included.
    areas = cell_table(library)
    assert figures["asic_area_um2"] == pytest.approx(sum(areas[cell]["area"]
                                                         for cell, _, _ in found))
    assert figures["asic_cells"] == len(found)
