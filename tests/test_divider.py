"""Mitchell's divider: golden model, RTL, and the paper's error bounds."""
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from mitchell.reports.divider_errors import divider_metrics
from mitchell.rtl import MitchellDivider
from mitchell.sim.amaranth_sim import simulate_divider
from mitchell.sim.check import compare
from mitchell.sim.golden import mitchell_divider_output, mitchell_quotient
from mitchell.sim.scalar import mitchell_quotient_scalar
from mitchell.sim.run import run_divider_simulation
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
    a, b = exhaustive(7)
    expected = mitchell_divider_output(a, b, width=7, frac_bits=7)
    outputs = simulate_divider(MitchellDivider(width=7), a, b)
    assert compare(a, b, expected, outputs).passed
    # The flag sits above the 14 quotient bits, set exactly where b is 0.
    assert [value >> 14 for value in outputs] == [int(y == 0) for y in b.tolist()]
    report = run_divider_simulation("amaranth", width=7, frac_bits=7, vectors=VectorSet("exhaustive", 7),
                                    build_dir=Path("unused"), dut=WrongDivider(width=7, frac_bits=7))
    assert not report.passed and report.mismatches > 1000


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
    m = divider_metrics(width=8, frac_bits=8)
    assert m["exhaustive"] and m["pairs"] == 256 * 255
    assert m["below_exact"] == 0 and m["max_over"] == pytest.approx(1 / 8)
    assert m["bias"] > 0


def test_division_by_zero_and_zero_dividend():
    q = mitchell_quotient([5, 0, 0], [0, 7, 0], width=8, frac_bits=4)
    assert [int(v) for v in q] == [2 ** 12 - 1, 0, 2 ** 12 - 1]


@pytest.mark.parametrize("args, message", [
    (["--width", "65"], "Width must be an integer from 2 to 64, not 65"),
    (["--width", "8", "--frac-bits", "9"], "Fraction bits must be an integer from 0 to 8, not 9"),
    (["--width", "8", "--simulate", "sometimes"], "Vectors must be exhaustive, random:N"),
])
def test_divide_command_bad_input(args, message, tmp_path):
    result = subprocess.run([sys.executable, "-m", "mitchell.reports.cli", "divide", *args,
                             "-o", str(tmp_path / "d.v")], capture_output=True, text=True)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "d.v").exists()


def test_divide_command_simulates_and_writes_verilog(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mitchell.reports.cli", "divide", "--width", "6",
                             "--simulate", "exhaustive", "-o", str(tmp_path / "d.v")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "4,096 vectors (exhaustive, seed 1), 0 mismatches" in result.stdout
    assert "module mitchell_div(" in (tmp_path / "d.v").read_text()


@pytest.mark.slow
def test_divider_area_against_the_exact_divider(tmp_path, monkeypatch):
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-m", "mitchell.reports.cli", "divide", "--width", "8",
                             "--area", "--json"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    areas = json.loads(result.stdout)["area"]
    mine, exact = areas["mitchell_div"], areas["exact_div"]
    assert set(mine) == set(exact) == {"cells", "transistors", "depth", "ice40_lut4",
                                       "ice40_carry", "ice40_dff", "fmax_mhz"}
    assert 0 < mine["transistors"] < exact["transistors"] and mine["depth"] < exact["depth"]


@pytest.mark.parametrize("simulator", COCOTB_SIMULATORS)
def test_divider_on_cocotb_simulators_and_a_wrong_one_fails(simulator, tmp_path):
    good = subprocess.run([sys.executable, "-m", "mitchell.reports.cli", "divide", "--width", "8",
                           "--simulate", "exhaustive", "--simulator", simulator, "--build-dir",
                           str(tmp_path / "build"), "--samples", "1000"],
                          capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "65,536 vectors (exhaustive, seed 1), 0 mismatches" in good.stdout
    bad = run_divider_simulation(simulator, width=8, frac_bits=8, vectors=VectorSet("random:2000", 8),
                                 build_dir=tmp_path / "build", dut=WrongDivider(width=8, frac_bits=8))
    assert not bad.passed and bad.mismatches > 500 and bad.first
