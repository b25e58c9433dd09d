"""Mitchell's divider: golden model, RTL, and the paper's error bounds."""
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from mitchell.reports.error.error_analysis import measure
from mitchell.rtl import MitchellDivider
from mitchell.sim.amaranth_sim import simulate
from mitchell.sim.design import Design
from mitchell.sim.golden import mitchell_quotient
from mitchell.sim.scalar import mitchell_quotient_scalar
from mitchell.sim.run import SimRequest, run_simulation
from mitchell.sim.vectors import VectorSet, corners, exhaustive, random_pairs

from .conftest import COCOTB_SIMULATORS
from .mutants import WrongDivider


@pytest.mark.parametrize("width, frac_bits", [(4, 0), (6, 6), (8, 3), (8, 8)])
def test_golden_matches_scalar_exhaustively(width, frac_bits):
    a, b = exhaustive(width)
    got = [int(v) for v in mitchell_quotient(a, b, width=width, frac_bits=frac_bits)]
    assert got == [mitchell_quotient_scalar(int(x), int(y), width=width, frac_bits=frac_bits)
                   for x, y in zip(a, b)]


@pytest.mark.parametrize("width", [16, 32, 64])
def test_golden_matches_scalar_wide(width):
    for a, b in (random_pairs(width, 2000, seed=width), corners(width)):
        got = [int(v) for v in mitchell_quotient(a, b, width=width, frac_bits=width)]
        assert got == [mitchell_quotient_scalar(int(x), int(y), width=width, frac_bits=width)
                       for x, y in zip(a, b)]


def test_rtl_matches_golden_and_a_wrong_design_fails():
    design = Design(variant="mitchell-div", width=7)
    report = run_simulation(SimRequest(design, "amaranth", VectorSet("exhaustive", 7)))
    assert report.checked == 2 ** 14 and report.passed, report.first
    # Port p is {dz, q}: the flag sits above the 14 quotient bits, set exactly where b is 0.
    a, b = exhaustive(7)
    outputs = simulate(MitchellDivider(width=7), a, b)
    assert [value >> 14 for value in outputs] == [int(y == 0) for y in b.tolist()]
    bad = run_simulation(SimRequest(design, "amaranth", VectorSet("exhaustive", 7)),
                         dut=WrongDivider(width=7, frac_bits=7))
    assert not bad.passed and bad.mismatches > 1000


def test_mitchell_quotient_never_underestimates_and_is_within_one_eighth():
    """The paper's bounds on Q', for every pair of non-zero 8-bit values. The package's 16-bit
    quotient with 16 fraction bits is Q' of these values exactly: their mantissas have at most 7
    fraction bits and 2**(k1-k2-1) is at least 2**-8, so Q' has at most 15."""
    a, b = (values.astype(np.uint64) for values in np.divmod(np.arange(256 * 256), 256))
    a, b = a[(a > 0) & (b > 0)], b[(a > 0) & (b > 0)]
    quotients = mitchell_quotient(a, b, width=16, frac_bits=16)
    errors = {(x, y): Fraction(int(q), 2 ** 16) * y / x - 1
              for x, y, q in zip(a.tolist(), b.tolist(), quotients)}
    assert min(errors.values()) >= 0
    assert max(errors.values()) == Fraction(1, 8)
    # Reached where x1 = 0 and x2 = 1/2: a = 2**i, b = 3 * 2**j.
    assert sorted(pair for pair, error in errors.items() if error == Fraction(1, 8)) == \
        sorted((1 << i, 3 << j) for i in range(8) for j in range(7))


def test_fixed_point_quotient_bounds():
    m = measure(Design(variant="mitchell-div", width=8))
    # Pairs with b != 0 are measured; relative figures over those with a non-zero exact quotient
    # floor(a * 2**8 / b), which is zero exactly when a is (a * 256 / b > 1 for a >= 1).
    assert m["exhaustive"] and m["pairs"] == 256 * 255 and m["relative_pairs"] == 255 * 255
    # Mitchell's quotient never underestimates: every error is an overestimate.
    assert m["over"] == m["er"] > 0.5 and m["bias"] > 0


def test_divider_json_says_which_pairs_each_figure_covers():
    result = subprocess.run([sys.executable, "-m", "mitchell.reports.cli", "error", "--variant",
                             "mitchell-div", "--width", "8", "--json"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    error = json.loads(result.stdout)["error"]
    pairs = [(a, b) for a in range(256) for b in range(256) if b != 0]
    exact = {(a, b): a * 256 // b for a, b in pairs}
    relative = [pair for pair in pairs if exact[pair] != 0]
    assert error["pairs"] == len(pairs) == 65_280
    assert error["relative_pairs"] == len(relative) == 65_025
    # Every figure is named in exactly one set's description.
    named = {key: description.split(", ") for key, description in error["sets"].items()}
    assert sorted(sum(named.values(), [])) == sorted(
        set(error) - {"pairs", "relative_pairs", "exhaustive", "seed", "sets", "method", "kernel"})
    # The figures over each set, from the paper's quotient (scalar model) pair by pair, against
    # the exact divider floor(a * 2**8 / b).
    quotient = {(a, b): mitchell_quotient_scalar(a, b, width=8, frac_bits=8) for a, b in pairs}
    assert "er" in named["pairs"] and error["er"] == pytest.approx(
        sum(quotient[pair] != exact[pair] for pair in pairs) / len(pairs), rel=1e-12)
    red = [Fraction(abs(quotient[pair] - exact[pair]), exact[pair]) for pair in relative]
    assert "mred" in named["relative_pairs"] and error["mred"] == pytest.approx(
        float(sum(red) / len(relative)), rel=1e-12)

    text = subprocess.run([sys.executable, "-m", "mitchell.reports.cli", "error", "--variant",
                           "mitchell-div", "--width", "8"], capture_output=True, text=True).stdout
    assert "all 65,280 pairs with b != 0" in text


def test_division_by_zero_and_zero_dividend():
    q = mitchell_quotient([5, 0, 0], [0, 7, 0], width=8, frac_bits=4)
    assert [int(v) for v in q] == [2 ** 12 - 1, 0, 2 ** 12 - 1]


def mitchell(*args):
    return subprocess.run([sys.executable, "-m", "mitchell.reports.cli", *args],
                          capture_output=True, text=True)


@pytest.mark.parametrize("args, message", [
    (["--width", "65"], "Width must be an integer from 2 to 64, not 65"),
    (["--width", "8", "--frac-bits", "9"], "Fraction bits must be an integer from 0 to 8, not 9"),
    (["--width", "8", "--stages", "1"], "Pipeline stages apply to"),
    (["--width", "8", "--signed"], "Signed operands apply to"),
])
def test_divider_bad_input(args, message, tmp_path):
    result = mitchell("verilog", "--variant", "mitchell-div", *args, "-o", str(tmp_path / "d.v"))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "d.v").exists()


def test_divider_verilog_has_the_common_ports(tmp_path):
    result = mitchell("verilog", "--variant", "mitchell-div", "--width", "6", "-o",
                      str(tmp_path / "d.v"))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "d.v").read_text()
    assert "module mitchell_div(" in text and "output [12:0] p;" in text


@pytest.mark.slow
def test_divider_area_against_the_exact_divider(tmp_path, monkeypatch):
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path / "cache"))
    result = mitchell("area", "--variant", "mitchell-div", "--width", "8", "--json")
    assert result.returncode == 0, result.stderr
    areas = json.loads(result.stdout)
    mine, exact = ({**areas[label]["generic"], **areas[label]["ice40"]}
                   for label in ("mitchell-div(width=8, frac_bits=8)",
                                 "exact-div(width=8, frac_bits=8)"))
    assert set(mine) == set(exact) == {"cells", "transistors", "depth", "ice40_lut4",
                                       "ice40_carry", "ice40_dff", "fmax_mhz"}
    assert 0 < mine["transistors"] < exact["transistors"] and mine["depth"] < exact["depth"]


@pytest.mark.parametrize("simulator", COCOTB_SIMULATORS)
def test_divider_on_cocotb_simulators_and_a_wrong_one_fails(simulator, tmp_path):
    good = mitchell("sim", "--variant", "mitchell-div", "--width", "8", "--vectors", "exhaustive",
                    "--simulator", simulator, "--build-dir", str(tmp_path / "build"))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "65,536 vectors (exhaustive, seed 1), 0 mismatches" in good.stdout
    design = Design(variant="mitchell-div", width=8)
    bad = run_simulation(SimRequest(design, simulator, VectorSet("random:2000", 8),
                                    build_dir=tmp_path / "build"),
                         dut=WrongDivider(width=8, frac_bits=8))
    assert not bad.passed and bad.mismatches > 500 and bad.first
