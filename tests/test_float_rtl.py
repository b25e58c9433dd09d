"""Floating-point RTL on every simulator against the golden models, its Verilog, and mutants."""
import numpy as np
import pytest
from amaranth.hdl import Module, Mux, Signal, signed
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from mitchell.rtl import to_verilog
from mitchell.rtl.float_format import FORMATS
from mitchell.rtl.float_mul import ExactFloatMultiplier, FloatMitchellMultiplier
from mitchell.rtl.pipeline import delay
from mitchell.sim.float_design import FloatDesign
from mitchell.sim.float_vectors import float_corner_values
from mitchell.sim.run import SimRequest, run_simulation
from mitchell.sim.vectors import VectorSet

from .conftest import SIMULATORS, half_built, on

slow = pytest.mark.slow


def simulate(design: FloatDesign, simulator: str, spec: str, build_dir):
    vectors = VectorSet(spec, design.width, seed=7, format=design.format)
    result = run_simulation(SimRequest(design, simulator, vectors, build_dir=build_dir))
    assert result.checked == vectors.count, result.summary()
    return result


# Every fp8 pair on Icarus, whose builds take a second, and on Verilator (tens of seconds a build)
# once per variant; sampled on Amaranth, which steps a pair at a time in Python.
@pytest.mark.parametrize("simulator, spec, variant, name", [
    *(on("icarus", "exhaustive", variant, name, marks=[] if (variant, name) == (
        "mitchell", "fp8-e4m3") else slow)
      for name in ["fp8-e4m3", "fp8-e5m2"] for variant in ["mitchell", "lmul", "exact"]),
    *(on("amaranth", "random:3000+corners", variant, name, marks=[] if variant == "mitchell"
         else slow)
      for name in ["fp8-e4m3", "fp8-e5m2"] for variant in ["mitchell", "lmul", "exact"]),
    *(on("verilator", "exhaustive", variant, "fp8-e4m3")
      for variant in ["mitchell", "lmul", "exact"]),
])
def test_fp8(simulator, spec, name, variant, build_dir):
    stages = 0 if simulator == "amaranth" else 2
    result = simulate(FloatDesign(name, variant, stages), simulator, spec, build_dir)
    assert result.passed, [result.summary(), result.first, result.reset_problems]


# The wide formats at random and their corners on Icarus; on Verilator at the widest.
@pytest.mark.parametrize("simulator, name, variant", [
    *(on("icarus", name, variant, marks=[] if name == "bf16" and variant != "lmul" else slow)
      for name in ["bf16", "fp16", "fp32"] for variant in ["mitchell", "exact", "lmul"]),
    *(on("verilator", "fp32", variant) for variant in ["mitchell", "exact", "lmul"]),
])
def test_wide_random_and_corners(simulator, name, variant, build_dir):
    result = simulate(FloatDesign(name, variant, 1), simulator, "random:3000+corners", build_dir)
    assert result.passed, [result.summary(), result.first, result.reset_problems]


@pytest.mark.parametrize("name", ["bf16", pytest.param("fp16", marks=slow),
                                  pytest.param("fp32", marks=slow)])
def test_wide_random_and_corners_on_amaranth(name, build_dir):
    for variant in ["mitchell", "exact"]:
        result = simulate(FloatDesign(name, variant, 0), "amaranth", "random:1000+corners",
                          build_dir)
        assert result.passed, [result.summary(), result.first]


def test_corners_cover_the_special_cases():
    fmt = FORMATS["fp16"]
    values = set(float_corner_values("fp16"))
    # Zeros, infinities and NaN of both signs, a subnormal, the normal range's ends, a fraction of
    # all ones, exact powers of two.
    for value in [0, fmt.infinity, fmt.nan, 1, fmt.min_normal, fmt.max_finite, 0x3BFF, 0x3C00,
                  0x4000]:
        assert value in values and value | fmt.sign_mask in values
    e4m3 = set(float_corner_values("fp8-e4m3"))
    assert {0x7E, 0x7F, 0xFF, 0x08, 0x01} <= e4m3


@pytest.mark.parametrize("name", list(FORMATS))
@pytest.mark.parametrize("variant", ["mitchell", "lmul", "exact"])
def test_verilog_is_byte_identical_across_runs(name, variant):
    design = FloatDesign(name, variant, 2)
    first = design.verilog()
    assert first == design.verilog() and f"module {design.default_name}(" in first
    width = FORMATS[name].width
    assert f"input [{width - 1}:0] a;" in first and f"output [{width - 1}:0] p;" in first


@half_built
def test_component_parameters_are_checked():
    with pytest.raises(ValueError, match="Variant must be one of mitchell, lmul, not 'exact'"):
        FloatMitchellMultiplier("bf16", variant="exact")
    with pytest.raises(ValueError, match="Format must be one of int, fp32"):
        ExactFloatMultiplier("fp64")
    with pytest.raises(TypeError, match="Format must be a format name or a FloatFormat, not 16"):
        ExactFloatMultiplier(16)
    with pytest.raises(ValueError, match="Pipeline stages must be"):
        FloatMitchellMultiplier("fp16", stages=-1)


class DroppedCarry(FloatMitchellMultiplier):
    """Mutant: the fraction sum's carry never reaches the exponent."""

    def magnitude(self, m, mag_a, mag_b, *, count):
        fmt = self.format
        mb = fmt.mantissa_bits
        total = Signal(signed(fmt.width + 2), name="total")
        exponent = mag_a[mb:] + mag_b[mb:] - fmt.bias
        m.d.comb += total.eq((exponent << mb) | (mag_a[:mb] + mag_b[:mb])[:mb])
        return delay(m, total, count=count, name="sum").as_signed()


class InfinityTimesZero(wiring.Component):
    """Mutant: infinity times zero gives infinity instead of NaN (E5M2 patterns)."""

    def __init__(self):
        self.stages = 0
        super().__init__({"a": In(8), "b": In(8), "p": Out(8)})

    def elaborate(self, platform):
        m = Module()
        m.submodules.core = core = FloatMitchellMultiplier("fp8-e5m2")
        inf_a, inf_b = self.a[:7] == 0x7C, self.b[:7] == 0x7C
        zero_a, zero_b = self.a[2:7] == 0, self.b[2:7] == 0
        wrong = (inf_a & zero_b) | (inf_b & zero_a)
        m.d.comb += [core.a.eq(self.a), core.b.eq(self.b),
                     self.p.eq(Mux(wrong, ((self.a[7] ^ self.b[7]) << 7) | 0x7C, core.p))]
        return m


@pytest.mark.parametrize("simulator", SIMULATORS)
def test_checks_catch_a_dropped_carry(simulator, build_dir, tmp_path):
    design = FloatDesign("fp8-e5m2", "mitchell", 0)
    vectors = VectorSet("exhaustive", 8, format="fp8-e5m2")
    result = run_mutant(DroppedCarry("fp8-e5m2"), design, simulator, vectors, build_dir, tmp_path)
    assert result.mismatches > 1000
    # The carry is the exponent's lowest bit: the error is in the high bits, not the fraction.
    assert all((m.got ^ m.expected) >> 2 for m in result.first), result.first


@pytest.mark.parametrize("simulator", SIMULATORS)
def test_checks_catch_a_wrong_guard(simulator, build_dir, tmp_path):
    design = FloatDesign("fp8-e5m2", "mitchell", 0)
    vectors = VectorSet("exhaustive", 8, format="fp8-e5m2")
    result = run_mutant(InfinityTimesZero(), design, simulator, vectors, build_dir, tmp_path)
    # Two infinities times 8 zeros and subnormals (4 fractions, 2 signs), in either order.
    assert result.mismatches == 2 * 2 * 8
    assert all(m.expected == 0x7E and m.got in (0x7C, 0xFC) for m in result.first), result.first


def run_mutant(mutant, design, simulator, vectors, build_dir, tmp_path):
    if simulator == "amaranth":
        return run_simulation(SimRequest(design, simulator, vectors), dut=mutant)
    source = tmp_path / "mutant.v"
    source.write_text(to_verilog(mutant, name="mutant"))
    return run_simulation(SimRequest(design, simulator, vectors, build_dir=build_dir,
                                     verilog=source, top="mutant"))


def test_seed_example_through_the_rtl():
    a = int(np.array([12.3], dtype=np.float32).view(np.uint32)[0])
    b = int(np.array([4.56], dtype=np.float32).view(np.uint32)[0])
    from mitchell.sim.amaranth_sim import simulate as amaranth_simulate
    got = amaranth_simulate(FloatMitchellMultiplier("fp32"), [a], [b])
    # The C program: int c = *(int*)&a + *(int*)&b - 0x3f800000;
    assert got == [(a + b - 0x3F800000) & 0xFFFFFFFF]
    assert float(np.array(got, dtype=np.uint32).view(np.float32)[0]) == pytest.approx(53.68, 1e-6)
