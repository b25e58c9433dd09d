"""Datapath architectures of the log-domain multipliers: every one bit-exact with the golden model.

The residue form's identity is checked here from its definition, independently of the RTL, against
both the scalar model (Mitchell's algebra) and the vectorised golden model.
"""
import random

import numpy as np
import pytest
from amaranth.hdl import Fragment, Module, Mux
from amaranth.sim import Simulator

from mitchell.rtl import (MinimallyBiasedMultiplier, MitchellMultiplier, MitchW, Multiplier,
                          SetOneAdderMultiplier)
from mitchell.rtl.adder import PrefixAdder
from mitchell.rtl.antilogarithm import Antilogarithm
from mitchell.rtl.lod import OneHotLeadingOneDetector
from mitchell.rtl.log_variants import check_mitch_w
from mitchell.rtl.mitchell import ARCHITECTURES, LogMultiplier, check_arch
from mitchell.rtl.pipeline import delay
from mitchell.rtl.residue import Residue
from mitchell.rtl.shifter import OneHotShifter
from mitchell.sim import golden, vectors
from mitchell.sim.catalogue import CATALOGUE
from mitchell.sim.design import Design
from mitchell.sim.amaranth_sim import simulate
from mitchell.sim.scalar import mitch_w_scalar, mitchell_scalar

from .conftest import half_built
from .resets import outputs_around_reset

ARCHS = list(ARCHITECTURES)


# --- The residue identity, from its definition -----------------------------------------------

def masked_residue(n: int, frac_bits: int) -> tuple[int, int]:
    """``(k, r')``: ``n = 2**k + r`` with the bits of ``r`` below ``k - frac_bits`` cleared."""
    k = n.bit_length() - 1
    dropped = max(0, k - frac_bits)
    return k, (n - (1 << k)) >> dropped << dropped


def residue_product(a: int, b: int, *, width: int, frac_bits: int | None = None,
                    less=lambda s, t: s < t) -> int:
    """Mitchell's product as ``(S < T) ? (S | T) : (S << 1)``, ``less`` replaceable by a mutant."""
    if a == 0 or b == 0:
        return 0
    frac_bits = width - 1 if frac_bits is None else frac_bits
    (k1, r1), (k2, r2) = masked_residue(a, frac_bits), masked_residue(b, frac_bits)
    s, t = (r1 << k2) + (r2 << k1), 1 << (k1 + k2)
    assert s >= t or s | t == s + t  # the step of the proof: below T, S has no bit of T's
    return s | t if less(s, t) else s << 1


def scaled_residue_product(a: int, b: int, *, width: int, w: int) -> int:
    """Mitch-w in the residue form: residues scaled by ``2**(w-1)`` with the appended 1 at bit k."""
    if a == 0 or b == 0:
        return 0
    kept, scale = w - 2, w - 1
    (k1, r1), (k2, r2) = masked_residue(a, kept), masked_residue(b, kept)
    big_r1, big_r2 = (r1 << scale) | (1 << k1), (r2 << scale) | (1 << k2)
    assert big_r1 == (r1 << scale) + (1 << k1) and big_r2 == (r2 << scale) + (1 << k2)
    s, t = (big_r1 << k2) + (big_r2 << k1), 1 << (k1 + k2 + scale)
    return (s | t if s < t else s << 1) >> scale


@pytest.mark.parametrize("width", range(2, 7))
def test_residue_identity_exhaustive_against_scalar_and_golden(width):
    a, b = vectors.exhaustive(width)
    for frac_bits in [None, *range(width - 1)]:
        expected = [int(v) for v in golden.mitchell_product(a, b, width=width, frac_bits=frac_bits)]
        pairs = zip(a.tolist(), b.tolist())
        got = [residue_product(x, y, width=width, frac_bits=frac_bits) for x, y in pairs]
        scalar = [mitchell_scalar(x, y, width=width, frac_bits=frac_bits)
                  for x, y in zip(a.tolist(), b.tolist())]
        assert got == scalar == expected, frac_bits


def test_residue_identity_exhaustive_at_8_bits_against_golden():
    a, b = vectors.exhaustive(8)
    for frac_bits in [None, *range(7)]:
        expected = golden.mitchell_product(a, b, width=8, frac_bits=frac_bits).tolist()
        got = [residue_product(x, y, width=8, frac_bits=frac_bits)
               for x, y in zip(a.tolist(), b.tolist())]
        assert got == expected, frac_bits


@pytest.mark.parametrize("width", [32, 64])
def test_residue_identity_random_wide(width):
    rng = random.Random(width)
    a = [rng.getrandbits(rng.randint(1, width)) for _ in range(3000)]
    b = [rng.getrandbits(rng.randint(1, width)) for _ in range(3000)]
    for frac_bits in [None, width // 2, 3]:
        expected = [int(v) for v in golden.mitchell_product(a, b, width=width, frac_bits=frac_bits)]
        got = [residue_product(x, y, width=width, frac_bits=frac_bits) for x, y in zip(a, b)]
        scalar = [mitchell_scalar(x, y, width=width, frac_bits=frac_bits) for x, y in zip(a, b)]
        assert got == scalar == expected, frac_bits


@pytest.mark.parametrize("width", [5, 6, 32, 64])
def test_scaled_residue_identity_for_mitch_w(width):
    if width <= 6:
        a, b = (values.tolist() for values in vectors.exhaustive(width))
    else:
        rng = random.Random(width)
        a = [rng.getrandbits(rng.randint(1, width)) for _ in range(2000)]
        b = [rng.getrandbits(rng.randint(1, width)) for _ in range(2000)]
    for w in sorted({2, 3, min(8, width + 1), width + 1}):
        expected = [int(v) for v in golden.mitch_w_product(a, b, width=width, w=w)]
        got = [scaled_residue_product(x, y, width=width, w=w) for x, y in zip(a, b)]
        scalar = [mitch_w_scalar(x, y, width=width, w=w) for x, y in zip(a, b)]
        assert got == scalar == expected, w


def test_identity_check_catches_a_wrong_comparison():
    # S == T (x1 + x2 == 1, e.g. 3 x 3: S = 2 + 2 = T = 4) is Mitchell's carry case: 2S = 8.
    assert residue_product(3, 3, width=4) == mitchell_scalar(3, 3, width=4) == 8
    a, b = vectors.exhaustive(6)
    wrong = [residue_product(x, y, width=6, less=lambda s, t: s <= t)
             for x, y in zip(a.tolist(), b.tolist())]
    expected = golden.mitchell_product(a, b, width=6).tolist()
    assert sum(got != want for got, want in zip(wrong, expected)) > 10


# --- Building blocks ---------------------------------------------------------------------------

def run_comb(dut, inputs: list[list], outputs: list) -> list[tuple]:
    """For each list of (port, value) pairs in ``inputs``, the values of ``outputs``."""
    results = []

    async def bench(ctx):
        for values in inputs:
            for port, value in values:
                ctx.set(port, value)
            results.append(tuple(ctx.get(port) for port in outputs))

    sim = Simulator(dut)
    sim.add_testbench(bench)
    sim.run()
    return results


@pytest.mark.parametrize("width", [1, 2, 3, 5, 8, 9])
def test_one_hot_leading_one_detector(width):
    dut = OneHotLeadingOneDetector(width=width)
    values = range(1 << width)
    got = run_comb(dut, [[(dut.value, v)] for v in values],
                   [dut.onehot, dut.seen, dut.position, dut.zero])
    for value, (onehot, seen, position, zero) in zip(values, got):
        k = value.bit_length() - 1
        assert onehot == (1 << k if value else 0)
        assert seen == ((1 << (k + 1)) - 1 if value else 0)
        assert (position, zero) == (max(k, 0), int(value == 0))


def test_one_hot_shifter():
    dut = OneHotShifter(width=5, amounts=4, result_width=7)
    cases = [(v, s) for v in range(32) for s in range(16)]
    got = run_comb(dut, [[(dut.value, v), (dut.select, s)] for v, s in cases], [dut.result])
    expected = [0] * len(cases)
    for index, (v, s) in enumerate(cases):
        for amount in range(4):
            if s >> amount & 1:
                expected[index] |= (v << amount) & 0x7F
    assert [result for (result,) in got] == expected


@pytest.mark.parametrize("width", [1, 2, 4, 5])
def test_prefix_adder_exhaustive(width):
    dut = PrefixAdder(width=width)
    cases = [(x, y, c) for x in range(1 << width) for y in range(1 << width) for c in (0, 1)]
    got = run_comb(dut, [[(dut.a, x), (dut.b, y), (dut.carry_in, c)] for x, y, c in cases],
                   [dut.sum])
    assert [total for (total,) in got] == [x + y + c for x, y, c in cases]


def test_prefix_adder_random_wide():
    rng = random.Random(3)
    dut = PrefixAdder(width=47)
    cases = [(rng.getrandbits(47), rng.getrandbits(47), rng.getrandbits(1)) for _ in range(2000)]
    got = run_comb(dut, [[(dut.a, x), (dut.b, y), (dut.carry_in, c)] for x, y, c in cases],
                   [dut.sum])
    assert [total for (total,) in got] == [x + y + c for x, y, c in cases]


@pytest.mark.parametrize("frac_bits", [0, 2, 6])
def test_residue_component(frac_bits):
    dut = Residue(width=7, frac_bits=frac_bits)
    values = range(1 << 7)
    got = run_comb(dut, [[(dut.operand, v)] for v in values],
                   [dut.residue, dut.onehot, dut.characteristic, dut.zero])
    for value, outputs in zip(values, got):
        if value == 0:
            assert outputs == (0, 0, 0, 1)
        else:
            k, residue = masked_residue(value, frac_bits)
            assert outputs == (residue, 1 << k, k, 0)


def test_carry_select_antilogarithm():
    dut = Antilogarithm(characteristic_width=3, frac_bits=3, width=10, carry_select=True)
    cases = [(k, x, c) for k in range(8) for x in range(8) for c in (0, 1)]
    got = run_comb(dut, [[(dut.characteristic, k), (dut.fraction, x), (dut.carry, c)]
                         for k, x, c in cases], [dut.result])
    # floor((1 + x/8) * 2**(k + c)), bits above the 10 of the result lost.
    assert [result for (result,) in got] == [(((8 + x) << (k + c)) >> 3) & 0x3FF
                                             for k, x, c in cases]


# --- Every architecture against the golden model -------------------------------------------------

# Every catalogue design with a datapath architecture, at its defaults except where the test
# chooses options that truncate its fractions at every width, and plain Mitchell truncated too.
ARCH_DESIGNS = [name for name, entry in CATALOGUE.items()
                if any(parameter.name == "arch" for parameter in entry.parameters)]
OPTIONS = {"mitch-w": lambda width: {"params": {"w": min(8, width - 1)}}}
VARIANTS = {**{name: (name, OPTIONS.get(name, lambda width: {})) for name in ARCH_DESIGNS},
            "mitchell-truncated": ("mitchell", lambda width: {"frac_bits": width // 2})}


def fits(variant: str, arch: str) -> bool:
    """Whether the design takes the architecture (its parameter's check says)."""
    try:
        CATALOGUE[VARIANTS[variant][0]].component.arch_parameter().check(arch, width=8)
    except ValueError:
        return False
    return True


COMBINATIONS = [(variant, arch) for variant in VARIANTS for arch in ARCHS if fits(variant, arch)]


def design_of(variant: str, width: int, *, arch: str, stages: int = 0) -> Design:
    name, options = VARIANTS[variant]
    extra = options(width)
    return Design(variant=name, width=width, stages=stages, frac_bits=extra.get("frac_bits"),
                  params={**extra.get("params", {}), "arch": arch})


def mismatches(dut: Multiplier, expected_of, a, b) -> int:
    got = np.array(simulate(dut, a, b), dtype=object)
    expected = np.array([int(v) for v in expected_of(a, b, dut.width)], dtype=object)
    return int((got != expected).sum())


def mitchell_expected(a, b, width: int):
    """Plain Mitchell's golden products, for the planted bugs below."""
    return golden.mitchell_product(a, b, width=width)


def design_mismatches(design: Design, a, b, *, arch: str | None = None) -> int:
    """Mismatches of the design's RTL against its golden model; the RTL is first checked to be
    built with ``arch`` when given."""
    dut = design.component()
    if arch is not None:
        assert dut.arch == arch
    return mismatches(dut, lambda x, y, width: design.golden(x, y), a, b)


@pytest.mark.parametrize("stages", [0, 2])
@pytest.mark.parametrize("variant, arch", COMBINATIONS)
def test_exhaustive_6_bits(variant, arch, stages):
    design = design_of(variant, 6, arch=arch, stages=stages)
    a, b = vectors.exhaustive(6)
    assert design_mismatches(design, a, b, arch=arch) == 0


def wide_vectors(width: int) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs, then the corner values against each other in a shuffled subset."""
    a, b = vectors.random_pairs(width, 300, seed=width)
    corner_a, corner_b = vectors.corners(width)
    pick = np.random.default_rng(width).permutation(len(corner_a))[:300]
    return np.concatenate([a, corner_a[pick]]), np.concatenate([b, corner_b[pick]])


# At 64 bits, pipelined, what can go wrong only wide: each architecture's datapath (on
# Mitchell's multiplier, whose datapath every log variant shares) and each variant's own steps
# (in its default architecture). Every combination is checked exhaustively at 6 bits (above) and
# at 16 bits (below).
WIDE_64 = [(variant, arch) for variant, arch in COMBINATIONS
           if variant == "mitchell" or arch == LogMultiplier.DEFAULT_ARCH]


# Every combination exhaustive at 6 bits (above), then wide: combinational at 16 bits, and
# pipelined at 64 for WIDE_64. The generated Verilog of each architecture runs on Icarus below,
# exhaustive at 8 bits.
@pytest.mark.parametrize("variant, arch", COMBINATIONS)
def test_random_and_corners_at_16_bits(variant, arch):
    a, b = wide_vectors(16)
    assert design_mismatches(design_of(variant, 16, arch=arch), a, b) == 0


@pytest.mark.slow
@pytest.mark.parametrize("variant, arch", WIDE_64)
def test_random_and_corners_pipelined_at_64_bits(variant, arch):
    a, b = wide_vectors(64)
    assert design_mismatches(design_of(variant, 64, arch=arch, stages=3), a, b) == 0


@pytest.mark.parametrize("arch", ARCHS)
def test_pipelined_reset_shows_zero(arch):
    """p is 0 during reset and until the first operands after it reach the output."""
    stages = 3
    dut = MitchellMultiplier(width=8, stages=stages, arch=arch)
    seen = outputs_around_reset(dut, stages=stages, full=(200, 100), after=(7, 9))
    full, after = (int(golden.mitchell_product([x], [y], width=8)[0])
                   for x, y in [(200, 100), (7, 9)])
    assert full != 0 and after != 0
    assert seen == [full, 0, 0] + [0] * (stages - 1) + [after]


# --- Parameters ----------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [CATALOGUE[name].component for name in ARCH_DESIGNS])
def test_every_log_design_builds_its_default_architecture(cls):
    dut = cls(width=8)
    assert dut.arch == cls.DEFAULT_ARCH in ARCHITECTURES
    # Built means elaborated too (which also keeps Amaranth from warning that it never was).
    Fragment.get(dut, None)


@pytest.mark.parametrize("arch, error, message", [
    ("fast", ValueError,
     "Architecture must be one of serial, msb-first, onehot, carry-select, residue, not 'fast'"),
    (3, TypeError,
     "Architecture must be one of serial, msb-first, onehot, carry-select, residue, not 3"),
])
def test_unknown_architecture_is_rejected(arch, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        check_arch(arch)
    with pytest.raises(error, match=f"^{message}$"):
        LogMultiplier.arch_parameter().resolve(arch, width=8)


@pytest.mark.parametrize("cls, reason", [
    (MinimallyBiasedMultiplier, "its constant is added to the fraction sum"),
    (SetOneAdderMultiplier, "its set-one adder approximates the logarithm adder"),
])
def test_residue_is_rejected_where_it_does_not_fit(cls, reason):
    with pytest.raises(ValueError, match=f"^Architecture 'residue' does not fit {cls.__name__}: "
                                         f"{reason}.*; use one of serial, msb-first, onehot, "
                                         f"carry-select$"):
        cls.arch_parameter().check("residue", width=8)
    assert cls.arch_parameter().check("carry-select", width=8) == "carry-select"


@pytest.mark.parametrize("variant", ["mitchell", "mitch-w", "mbm", "alm-soa"])
def test_architecture_is_a_design_parameter_that_leaves_the_outputs_alone(variant):
    design = Design(variant=variant, width=6, params={"arch": "carry-select"})
    a, b = vectors.exhaustive(6)
    serial = Design(variant=variant, width=6)
    assert dict(serial.params)["arch"] == "serial"
    assert (design.golden(a, b) == serial.golden(a, b)).all()
    assert design_mismatches(design, a, b, arch="carry-select") == 0


def test_unfit_architecture_is_a_bad_design_parameter():
    with pytest.raises(ValueError, match="^Architecture 'residue' does not fit "
                                         "MinimallyBiasedMultiplier"):
        Design(variant="mbm", width=8, params={"arch": "residue"})


@half_built
def test_mitch_w_counts_the_leading_one_and_the_appended_one():
    # 128 = 1.0000000b * 2**7; w = 4 keeps 1, two mantissa bits (00) and sets the last to 1:
    # 1.001b = 1.125, so x = 1/8 and Mitchell gives 2**14 * (1 + 1/8 + 1/8) = 20480.
    assert mitch_w_scalar(128, 128, width=8, w=4) == 20480
    assert int(golden.mitch_w_product([128], [128], width=8, w=4)[0]) == 20480
    assert simulate(MitchW(width=8, w=4), [128], [128]) == [20480]
    # w = width + 1 keeps every mantissa bit; w = 2 keeps none (x = 1/2).
    assert check_mitch_w(9, width=8) == 9
    assert mitch_w_scalar(128, 128, width=8, w=2) == 2 ** 15
    with pytest.raises(ValueError, match="^Parameter w must be an integer from 2 to 9, not 10$"):
        MitchW(width=8, w=10)


# --- The checks fail where they must -----------------------------------------------------------

class WrongResidueComparison(MitchellMultiplier):
    """The residue datapath with ``S <= T`` for ``S < T``: wrong where ``x1 + x2 = 1``."""

    def __init__(self, *, width: int, stages: int = 0):
        super().__init__(width=width, stages=stages, arch="residue")

    @staticmethod
    def _residue_select(s, t):
        return Mux(s <= t, s | t, s << 1)


class TopBitFlipped(Multiplier):
    """A correct core whose top product bit is inverted when both operands are odd."""

    def __init__(self, core: Multiplier):
        super().__init__(width=core.width, stages=core.stages)
        self.core = core

    def elaborate(self, platform):
        m = Module()
        m.submodules.core = core = self.core
        both_odd = delay(m, self.a[0] & self.b[0], count=self.stages, name="both_odd")
        m.d.comb += [
            core.a.eq(self.a),
            core.b.eq(self.b),
            self.p.eq(core.p ^ (both_odd << (2 * self.width - 1))),
        ]
        return m


@pytest.mark.parametrize("stages", [0, 2])
def test_check_catches_a_wrong_residue_comparison(stages):
    a, b = vectors.exhaustive(6)
    expected_of = mitchell_expected
    assert mismatches(MitchellMultiplier(width=6, stages=stages, arch="residue"),
                      expected_of, a, b) == 0
    # Wrong exactly where x1 + x2 = 1 (S = T), as for 3 x 3 or 6 x 5.
    assert mismatches(WrongResidueComparison(width=6, stages=stages), expected_of, a, b) > 10


@pytest.mark.parametrize("arch", ARCHS)
def test_check_catches_an_error_in_the_top_bits(arch):
    a, b = vectors.exhaustive(6)
    dut = TopBitFlipped(MitchellMultiplier(width=6, stages=2, arch=arch))
    assert mismatches(dut, mitchell_expected, a, b) == 32 * 32


# Every architecture through the generated Verilog on Icarus (a build costs it a second, where
# Verilator takes tens: Verilator runs the default architecture's Verilog in test_sim.py), as
# every design is verified: exhaustive at 8 bits, and pipelined with random and corner pairs at
# 16 bits (reset checked by the bench).
@pytest.mark.slow
@pytest.mark.needs_iverilog
@pytest.mark.parametrize("arch", ARCHS)
def test_every_architecture_on_icarus(arch, build_dir):
    from mitchell.sim.run import SimRequest, run_simulation
    from mitchell.sim.vectors import VectorSet

    for design, vectors in [
            (Design(width=8, params={"arch": arch}), VectorSet("exhaustive", 8)),
            (Design(width=16, stages=2, params={"arch": arch}), VectorSet("random:3000+corners", 16))]:
        result = run_simulation(SimRequest(design, "icarus", vectors, build_dir=build_dir))
        assert result.passed and result.checked == vectors.count, (design.label, result.first)
