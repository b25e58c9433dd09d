"""RTL against the golden model in Amaranth's simulator."""
import pytest
from amaranth.sim import Simulator

from mitchell.rtl import BarrelShifter, LeadingOneDetector, MitchellMultiplier
from mitchell.sim import vectors
from mitchell.sim.amaranth_sim import simulate
from mitchell.sim.check import compare
from mitchell.sim.design import Design

from .mutants import ExtraLatency, FlippedBit
from .resets import outputs_around_reset

def check(design: Design, a, b, dut=None):
    got = simulate(dut if dut is not None else design.component(), a, b)
    return compare(a, b, design.golden(a, b), got)


def run_comb(dut, assignments):
    """Sets each list of (port, value) in turn and returns what ``read`` yields after each."""
    results = []

    async def bench(ctx):
        for values, read in assignments:
            for port, value in values:
                ctx.set(port, value)
            results.append(ctx.get(read))

    sim = Simulator(dut)
    sim.add_testbench(bench)
    sim.run()
    return results


@pytest.mark.parametrize("width", [1, 2, 3, 5, 8, 9])
def test_leading_one_detector(width):
    dut = LeadingOneDetector(width=width)
    values = range(1 << width)
    positions = run_comb(dut, [([(dut.value, v)], dut.position) for v in values])
    zeros = run_comb(dut, [([(dut.value, v)], dut.zero) for v in values])
    assert positions == [max(v.bit_length() - 1, 0) for v in values]
    assert zeros == [int(v == 0) for v in values]


@pytest.mark.parametrize("direction", ["left", "right"])
def test_barrel_shifter(direction):
    dut = BarrelShifter(width=6, amount_width=3, direction=direction, result_width=9)
    cases = [(v, s) for v in range(64) for s in range(8)]
    got = run_comb(dut, [([(dut.value, v), (dut.amount, s)], dut.result) for v, s in cases])
    expected = [((v << s) if direction == "left" else (v >> s)) & 0x1FF for v, s in cases]
    assert got == expected


@pytest.mark.parametrize("width", range(2, 9))
def test_exhaustive_small_widths(width):
    a, b = vectors.exhaustive(width)
    result = check(Design(width=width), a, b)
    assert result.checked == 1 << (2 * width) and result.passed, result.first


@pytest.mark.parametrize("frac_bits", [0, 1, 3, 5, 6])
def test_exhaustive_truncated_fractions(frac_bits):
    a, b = vectors.exhaustive(8)
    assert check(Design(width=8, frac_bits=frac_bits), a, b).passed


# The Dadda tree (exact) simulates gate by gate, 2 pairs/s at 64 bits in Amaranth: its wide
# random pairs run in tests/test_dadda.py, mostly on the compiled simulators.
@pytest.mark.parametrize("width", [12, 16, 24, 32, 64])
@pytest.mark.parametrize("variant", ["mitchell", "exact-yosys"])
@pytest.mark.slow
def test_random_and_corners(variant, width):
    for a, b in (vectors.random_pairs(width, 1500, seed=width), vectors.corners(width)):
        assert check(Design(variant=variant, width=width), a, b).passed


@pytest.mark.parametrize("variant, width, stages", [
    ("mitchell", 8, 1), ("mitchell", 8, 2), ("mitchell", 8, 3), ("mitchell", 6, 5),
    ("mitchell", 16, 2), ("exact", 8, 1), ("exact", 8, 3),
])
def test_pipelined_latency_and_throughput(variant, width, stages):
    # simulate() presents a new pair on every edge and reads output i right after edge i+stages.
    a, b = vectors.random_pairs(width, 3000, seed=stages)
    assert check(Design(variant=variant, width=width, stages=stages), a, b).passed


@pytest.mark.parametrize("variant", ["mitchell", "exact"])
def test_pipelined_reset_shows_zero(variant):
    """p is 0 during reset and until the first operands after it reach the output."""
    stages = 3
    dut = Design(variant=variant, width=8, stages=stages).component()
    seen = outputs_around_reset(dut, stages=stages, full=(200, 100), after=(7, 9))
    full = Design(variant=variant, width=8).golden([200], [100])[0]
    after = Design(variant=variant, width=8).golden([7], [9])[0]
    assert seen == [full, 0, 0] + [0] * (stages - 1) + [after]


def test_checker_catches_wrong_antilog_bit():
    a, b = vectors.exhaustive(6)
    result = check(Design(width=6), a, b, dut=FlippedBit(width=6, bit=3))
    assert not result.passed and result.mismatches > 100


def test_checker_catches_wrong_latency():
    a, b = vectors.random_pairs(8, 500, seed=1)
    result = check(Design(width=8, stages=2), a, b, dut=ExtraLatency(width=8, stages=2))
    assert result.mismatches > 400


def test_plan_cuts_fills_each_cut_in_turn_then_the_last():
    # Where the registers really end up is checked on the elaborated designs in test_components.py.
    from mitchell.rtl.pipeline import plan_cuts
    assert plan_cuts(1, MitchellMultiplier.CUTS) == {"logarithms": 1, "sum": 0, "product": 0}
    assert plan_cuts(5, MitchellMultiplier.CUTS) == {"logarithms": 1, "sum": 1, "product": 3}
