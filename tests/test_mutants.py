"""Every simulator's check must see a wrong bit anywhere in ``p``: at the top as well as at the
bottom. Each mutant is built inside its test, so none is left unused when tests are deselected."""
import numpy as np
import pytest

from mitchell.rtl import to_verilog
from mitchell.sim.design import Design
from mitchell.sim.run import SimRequest, run_simulation
from mitchell.sim.vectors import VectorSet

from .conftest import SIMULATORS
from .mutants import FlippedBit

WIDTH = 8


@pytest.mark.parametrize("bit", [0, 2 * WIDTH - 1], ids=["lowest-bit", "top-bit"])
@pytest.mark.parametrize("simulator", SIMULATORS)
def test_a_wrong_bit_of_p_is_a_mismatch_on_every_simulator(simulator, bit, build_dir, tmp_path):
    mutant = FlippedBit(width=WIDTH, bit=bit)  # wrong in that bit alone, whenever a is odd
    vectors = VectorSet("random:2000", WIDTH, seed=3)
    if simulator == "amaranth":
        request = SimRequest(Design(width=WIDTH), simulator, vectors)
        report = run_simulation(request, dut=mutant)
    else:
        source = tmp_path / "mutant.v"
        source.write_text(to_verilog(mutant, name="mutant"))
        request = SimRequest(Design(width=WIDTH), simulator, vectors, build_dir=build_dir,
                             verilog=source, top="mutant")
        report = run_simulation(request)
    a, _ = vectors.arrays()
    assert report.checked == 2000 and report.mismatches == int(np.count_nonzero(a & 1))
    assert report.first and all(m.a % 2 == 1 and m.got ^ m.expected == 1 << bit
                                for m in report.first), report.first
