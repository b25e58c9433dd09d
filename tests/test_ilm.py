"""ILM with other than its default one correction: the golden model against the scalar model, and
the RTL against the golden model on every simulator kind."""
import pytest

from mitchell.sim import scalar, vectors
from mitchell.sim.design import Design
from mitchell.sim.run import SimRequest, run_simulation
from mitchell.sim.vectors import VectorSet

CORRECTIONS = [0, 2, 3]


def ilm(width: int, corrections: int) -> Design:
    return Design(variant="ilm", width=width, params={"corrections": corrections})


@pytest.mark.parametrize("corrections", CORRECTIONS)
def test_golden_matches_the_scalar_model_exhaustively(corrections):
    a, b = vectors.exhaustive(8)
    got = [int(p) for p in ilm(8, corrections).golden(a, b)]
    assert got == [scalar.ilm_scalar(int(x), int(y), width=8, corrections=corrections)
                   for x, y in zip(a, b)]


# 8-bit ILM runs at a few thousand pairs a second in Amaranth's simulator: the 8-bit cases are slow.
@pytest.mark.parametrize("width, corrections", [
    (6, 0), (6, 2), (6, 3), (7, 2),
    pytest.param(8, 0, marks=pytest.mark.slow), pytest.param(8, 2, marks=pytest.mark.slow),
])
def test_rtl_exhaustive_on_amaranth(width, corrections):
    report = run_simulation(SimRequest(ilm(width, corrections), "amaranth",
                                       VectorSet("exhaustive", width)))
    assert report.checked == 1 << (2 * width) and report.passed, report.first


@pytest.mark.needs_iverilog
@pytest.mark.slow
def test_two_corrections_on_icarus(cli):
    status, out, err = cli("sim", "--simulator", "icarus", "--width", 8, "--variant", "ilm",
                           "--param", "corrections=2", "--vectors", "exhaustive")
    assert status == 0, out + err
    assert "ilm(width=8, corrections=2, stages=0): 65,536 vectors" in out and " 0 mismatches" in out
