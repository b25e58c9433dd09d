"""Mitchell's divider RTL with fewer quotient fraction bits than its width (frac_bits < width), on
every simulator kind."""
import pytest

from mitchell.sim.design import Design
from mitchell.sim.run import SimRequest, run_simulation
from mitchell.sim.vectors import VectorSet

from .conftest import on
from .mutants import WrongDivider


@pytest.mark.parametrize("width, frac_bits", [(8, 0), (8, 3)] + [(5, f) for f in range(5)])
def test_rtl_matches_golden_exhaustively_on_amaranth(width, frac_bits):
    design = Design(variant="mitchell-div", width=width, frac_bits=frac_bits)
    report = run_simulation(SimRequest(design, "amaranth", VectorSet("exhaustive", width)))
    assert report.checked == 1 << (2 * width) and report.passed, report.first


@pytest.mark.parametrize("simulator, frac_bits", [on("icarus", 3), on("verilator", 0)])
def test_rtl_matches_golden_exhaustively_on_cocotb(simulator, frac_bits, tmp_path):
    design = Design(variant="mitchell-div", width=8, frac_bits=frac_bits)
    report = run_simulation(SimRequest(design, simulator, VectorSet("exhaustive", 8),
                                       build_dir=tmp_path))
    assert report.checked == 65536 and report.passed, report.first


@pytest.mark.parametrize("simulator", [on("amaranth"), on("icarus")])
def test_a_wrong_quotient_bit_fails(simulator, tmp_path):
    design = Design(variant="mitchell-div", width=8, frac_bits=3)
    report = run_simulation(SimRequest(design, simulator, VectorSet("random:2000", 8),
                                       build_dir=tmp_path), dut=WrongDivider(width=8, frac_bits=3))
    assert not report.passed and report.mismatches > 500 and report.first
