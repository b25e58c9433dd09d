"""The exact multiplier written out as a Dadda tree (``exact``): its gates against the definition,
the cut planner against brute force, 8 bits exhaustively on the compiled simulators (sampled on
Amaranth) and 16 to 64 bits at random, pipelined latency and reset, and a dropped carry that the
checks catch."""
import itertools
import random

import pytest

from mitchell.rtl import DaddaMultiplier
from mitchell.rtl.dadda import choose_plan, dadda_plan
from mitchell.sim.design import Design
from mitchell.sim.run import SimRequest, run_simulation
from mitchell.sim.vectors import VectorSet

from .conftest import on
from .mutants import DroppedCarry
from .resets import outputs_around_reset

# The two final adders written out; "auto" picks one of them (test_auto_adder_and_cuts_at_16_bits).
ADDERS = ["alu", "kogge-stone"]
BITWISE = {"and": lambda x, y: x & y, "xor": lambda x, y: x ^ y,
           "xor3": lambda x, y, z: x ^ y ^ z,
           "maj": lambda x, y, z: 1 if x + y + z >= 2 else 0,
           "andor": lambda g, p, g_low: g | (p & g_low)}


def evaluate(plan, a: int, b: int) -> int:
    """The product a plan's gates compute, gate by gate in Python."""
    values = []
    for gate in plan.gates:
        if gate.op == "operand":
            (port, index), = gate.inputs
            values.append(((a if port == "a" else b) >> index) & 1)
        else:
            values.append(BITWISE[gate.op](*(values[node] for node in gate.inputs)))
    bits = [0 if node is None else values[node] for node in plan.outputs]
    return sum(bit << column for column, bit in enumerate(bits))


@pytest.mark.parametrize("adder", ADDERS)
@pytest.mark.parametrize("width", [2, 3, 4, 5, 7, 8, 13, 16, 33, 64])
def test_gates_compute_the_product(width, adder):
    # Every gate of the plan, the Brent-Kung model of the alu adder included, in plain Python.
    plan = dadda_plan(width, adder)
    top = (1 << width) - 1
    rng = random.Random(width)
    pairs = [(x, y) for x in range(1 << width) for y in range(1 << width)] if width <= 5 else \
        [(rng.getrandbits(width), rng.getrandbits(width)) for _ in range(300)] + \
        [(top, top), (top, 1), (1 << (width - 1), top), (0, top)]
    assert [evaluate(plan, x, y) for x, y in pairs] == [x * y for x, y in pairs]


@pytest.mark.parametrize("width", range(3, 17))
def test_tree_has_daddas_adder_count(width):
    # Dadda's tree for n x n bits: n**2 - 4n + 3 full adders and n - 1 half adders (Bickerstaff,
    # Schulte and Swartzlander, "Parallel reduced area multipliers", J. VLSI Signal Proc. 9, 1995).
    plan = dadda_plan(width, "alu")
    levels = {step for step, name in enumerate(plan.steps) if name.startswith("level")}
    full = sum(gate.op == "xor3" for gate in plan.gates)
    half = sum(gate.op == "xor" and gate.step in levels for gate in plan.gates)
    assert (full, half) == (width ** 2 - 4 * width + 3, width - 1)


@pytest.mark.parametrize("adder", ADDERS)
@pytest.mark.parametrize("width", [4, 8, 16])
def test_cuts_make_the_deepest_segment_as_shallow_as_any_cuts_can(width, adder):
    plan = dadda_plan(width, adder)
    last = len(plan.steps) - 1

    def deepest(cuts) -> int:
        bounds = [0, *(cut + 1 for cut in cuts), last + 1]
        return max(plan.depth(first, end - 1) for first, end in zip(bounds, bounds[1:]) if end > first)

    for stages in range(1, 4):
        cuts = plan.cuts(stages)
        assert len(cuts) == stages and list(cuts) == sorted(cuts)
        best = min(deepest(c) for c in itertools.combinations(range(last), stages))
        assert deepest(cuts) == best, (stages, cuts)
    # Beyond one register per boundary, the rest go on the product.
    assert plan.cuts(last + 2) == tuple(range(last)) + (last,) * 2


def test_auto_adder_and_cuts_at_16_bits_are_the_documented_ones():
    # The cuts listed in mitchell.rtl.dadda's docstring; Yosys's depths of these designs are in
    # bench_pipeline.py.
    documented = {0: ("alu", ()), 1: ("kogge-stone", ("prefix1",)),
                  2: ("kogge-stone", ("level4", "prefix2")),
                  3: ("kogge-stone", ("level3", "level5", "prefix3"))}
    for stages, (adder, cuts) in documented.items():
        plan = choose_plan(16, "auto", stages)
        assert (plan.adder, tuple(plan.steps[cut] for cut in plan.cuts(stages))) == \
            (adder, cuts), stages
        # auto takes Kogge-Stone only where its deepest modelled segment is shallower.
        alu, prefix = dadda_plan(16, "alu"), dadda_plan(16, "kogge-stone")
        assert (prefix.deepest(stages) < alu.deepest(stages)) == (adder == "kogge-stone")


# Exhaustive on Icarus, whose builds take a second; sampled on Amaranth, which evaluates the
# tree gate by gate. Verilator, whose builds take tens of seconds, runs each adder wider below.
@pytest.mark.parametrize("simulator, spec, adder, stages", [
    on(simulator, spec, adder, stages) for simulator, spec in [
        ("icarus", "exhaustive"), ("amaranth", "random:3000+corners")]
    for adder in ADDERS for stages in (0, 3)])
def test_8bit_on_icarus_and_amaranth(simulator, spec, adder, stages, build_dir):
    design = Design(variant="exact", width=8, stages=stages, params={"adder": adder})
    vectors = VectorSet(spec, 8)
    result = run_simulation(SimRequest(design, simulator, vectors, build_dir=build_dir))
    assert result.checked == vectors.count and result.passed, (result.first, result.reset_problems)


# Every adder at 16 bits on Icarus; wider, each adder once on Verilator: Kogge-Stone pipelined
# with many pairs at 32, and the automatic choice when combinational (the ripple adder) with the
# corners at 64.
@pytest.mark.parametrize("simulator, width, spec, adder, stages", [
    *(on("icarus", 16, "random:3000+corners", adder, stages)
      for adder, stages in [("alu", 2), ("kogge-stone", 2), ("auto", 0)]),
    on("verilator", 32, "random:100000+corners", "kogge-stone", 2),
    # 64 bits on Verilator: Icarus took 13 minutes on these 37,100 pairs, Verilator a minute.
    on("verilator", 64, "random:1000+corners", "auto", 0),
    # Amaranth evaluates the 64-bit tree's gates one by one, a few pairs per second.
    pytest.param("amaranth", 64, "random:40", "kogge-stone", 2, marks=pytest.mark.slow),
])
@pytest.mark.slow
def test_random_wide(simulator, width, spec, adder, stages, build_dir):
    design = Design(variant="exact", width=width, stages=stages, params={"adder": adder})
    result = run_simulation(SimRequest(design, simulator, VectorSet(spec, width), build_dir=build_dir))
    assert result.checked == VectorSet(spec, width).count and result.passed, result.first


# On Icarus; Verilator runs the same bench on a pipelined tree in test_random_wide (32 bits).
@pytest.mark.parametrize("stages", [1, 2, 3, 4])
@pytest.mark.parametrize("simulator", [on("icarus")])
def test_pipelined_latency_throughput_and_reset_on_the_cocotb_bench(simulator, stages, build_dir):
    # One pair per clock, each output checked stages cycles later, and p = 0 through reset.
    design = Design(variant="exact", width=8, stages=stages)  # Kogge-Stone, cut inside too
    assert choose_plan(8, "auto", stages).adder == "kogge-stone"
    result = run_simulation(SimRequest(design, simulator, VectorSet("random:3000+corners", 8),
                                       build_dir=build_dir))
    assert result.passed and not result.reset_problems, (result.first, result.reset_problems)


@pytest.mark.parametrize("stages", [1, 2, 3, 4])
@pytest.mark.parametrize("adder", ADDERS)
def test_reset_shows_zero_until_new_operands_arrive(adder, stages):
    dut = DaddaMultiplier(width=8, stages=stages, adder=adder)
    seen = outputs_around_reset(dut, stages=stages, full=(251, 243), after=(7, 9))
    assert seen == [251 * 243, 0, 0] + [0] * (stages - 1) + [63]


# Every pair on Icarus; sampled on Amaranth, as above (over 500 of its 3,484 pairs are wrong).
# Verilator's bench catches wrong products in test_mutants.py (a wrong top bit) without a build of
# its own for this mutant.
@pytest.mark.parametrize("simulator", [on("amaranth"), on("icarus")])
@pytest.mark.slow
def test_a_dropped_carry_high_in_the_tree_is_caught(simulator, build_dir):
    mutant = DroppedCarry(width=8, stages=2)
    assert mutant.dropped_column >= 12
    spec = "random:3000+corners" if simulator == "amaranth" else "exhaustive"
    request = SimRequest(Design(variant="exact", width=8, stages=2), simulator,
                         VectorSet(spec, 8), build_dir=build_dir)
    result = run_simulation(request, dut=mutant)
    # Each wrong product is short by exactly the carry's weight.
    assert not result.passed and result.mismatches > 100
    assert all(m.expected - m.got == 1 << mutant.dropped_column for m in result.first), result.first
