"""Mitchell's divider RTL with fewer quotient fraction bits than its width (frac_bits < width), on
every simulator kind. Kept apart from test_divider.py so that it moves with the divider's
simulation path."""
from pathlib import Path

import pytest

from mitchell.sim.run import run_divider_simulation
from mitchell.sim.vectors import VectorSet

from .conftest import on
from .mutants import WrongDivider


@pytest.mark.parametrize("width, frac_bits", [(8, 0), (8, 3)] + [(5, f) for f in range(5)])
def test_rtl_matches_golden_exhaustively_on_amaranth(width, frac_bits):
    report = run_divider_simulation("amaranth", width=width, frac_bits=frac_bits,
                                    vectors=VectorSet("exhaustive", width), build_dir=Path("unused"))
    assert report.checked == 1 << (2 * width) and report.passed, report.first


@pytest.mark.parametrize("simulator, frac_bits", [on("icarus", 3), on("verilator", 0)])
def test_rtl_matches_golden_exhaustively_on_cocotb(simulator, frac_bits, tmp_path):
    report = run_divider_simulation(simulator, width=8, frac_bits=frac_bits,
                                    vectors=VectorSet("exhaustive", 8), build_dir=tmp_path)
    assert report.checked == 65536 and report.passed, report.first


@pytest.mark.parametrize("simulator", [on("amaranth"), on("icarus")])
def test_a_wrong_quotient_bit_fails(simulator, tmp_path):
    report = run_divider_simulation(simulator, width=8, frac_bits=3,
                                    vectors=VectorSet("random:2000", 8), build_dir=tmp_path,
                                    dut=WrongDivider(width=8, frac_bits=3))
    assert not report.passed and report.mismatches > 500 and report.first
