"""Mitchell's descendants and signed operands: golden models, RTL, and the published behaviour."""
from fractions import Fraction

import numpy as np
import pytest

from mitchell.reports.error.error_analysis import measure
from mitchell.sim import vectors
from mitchell.sim.catalogue import BASELINES, integer_designs
from mitchell.sim.design import Design
from mitchell.sim.run import SimRequest, run_simulation
from mitchell.sim.vectors import VectorSet

from .conftest import require_tool

# Every design of the catalogue, with and without signed operands where it takes them.
CASES = [(name, signed) for name, entry in integer_designs().items()
         for signed in ([False, True] if entry.signable else [False])]
APPROXIMATE_CASES = [(name, signed) for name, signed in CASES if name not in BASELINES]


def case_id(case) -> str:
    return case if isinstance(case, str) else ("signed" if case else "unsigned")


@pytest.mark.parametrize("variant, signed", CASES, ids=case_id)
def test_golden_matches_independent_scalar_model(variant, signed):
    for width, (a, b) in [(8, vectors.exhaustive(8)), (16, vectors.random_pairs(16, 3000, seed=1)),
                          (32, vectors.random_pairs(32, 2000, seed=2)), (32, vectors.corners(32))]:
        design = Design(variant=variant, width=width, signed=signed)
        # Port values (a divider's flag included), or signed numbers for signed designs.
        outputs = design.golden(a, b)
        got = [int(v) for v in (design.output_values(outputs) if signed else outputs)]
        assert got == [design.scalar(int(x), int(y)) for x, y in zip(a, b)], design.label


# Sampled on Amaranth, which steps a pair at a time in Python; every pair on Icarus below.
@pytest.mark.parametrize("variant, signed", APPROXIMATE_CASES, ids=case_id)
def test_rtl_sampled_8bit_on_amaranth(variant, signed):
    vectors = VectorSet("random:3000+corners", 8)
    report = run_simulation(SimRequest(Design(variant=variant, width=8, signed=signed), "amaranth",
                                       vectors))
    assert report.checked == vectors.count and report.passed, report.first


@pytest.mark.needs_iverilog
@pytest.mark.parametrize("variant, signed", APPROXIMATE_CASES, ids=case_id)
@pytest.mark.slow
def test_rtl_on_icarus(variant, signed, build_dir, cli):
    # Between the two, at 16 bits, test_arch runs every log variant in every architecture.
    for width, spec in [(8, "exhaustive"), (32, "random:2000+corners")]:
        status, out, err = cli("sim", "--simulator", "icarus", "--width", width, "--variant", variant,
                               "--vectors", spec, "--build-dir", build_dir, *(["--signed"] if signed else []))
        assert status == 0 and " 0 mismatches" in out, out + err


def test_pipelined_signed_variant_keeps_latency():
    design = Design(variant="mbm", width=12, stages=3, signed=True)
    report = run_simulation(SimRequest(design, "amaranth", VectorSet("random:3000+corners", 12)))
    assert report.passed, report.first


@pytest.mark.parametrize("width, samples", [(8, None), (16, 2_000_000)])
def test_mbm_is_nearly_unbiased(width, samples):
    m = measure(Design(variant="mbm", width=width), samples=samples)
    assert abs(m["bias"]) < 0.005
    plain = measure(Design(width=width), samples=samples)
    assert m["mred"] < plain["mred"]


def test_ilm_one_correction_stays_within_one_sixteenth():
    m = measure(Design(variant="ilm", width=8))
    assert 0 < m["wcre"] <= 1 / 16
    sampled = measure(Design(variant="ilm", width=16), samples=1_000_000)
    assert sampled["wcre"] <= 1 / 16
    assert measure(Design(variant="ilm", width=8), samples=None)["bias"] < 0  # never overestimates


def test_ilm_with_enough_corrections_is_exact():
    # 7 corrections: 8 basic blocks, one per set bit of an 8-bit operand at most.
    m = measure(Design(variant="ilm", width=8, params={"corrections": 7}))
    assert m["er"] == 0 and m["wce"] == 0
    # Fewer corrections than an operand's ones leave an error: 0xFF needs all 8 blocks.
    design = Design(variant="ilm", width=8, params={"corrections": 6})
    assert int(design.golden([255], [255])[0]) != 255 * 255


def test_nearest_one_errs_both_ways_with_small_bias():
    design = Design(variant="nearest-one", width=8)
    a, b = vectors.exhaustive(8)
    error = design.golden(a, b).astype(np.int64) - (a * b).astype(np.int64)
    assert (error > 0).any() and (error < 0).any()
    assert abs(measure(design)["bias"]) < 0.002


def test_mitch_w_unbiasing_bit_beats_plain_truncation():
    # Mitch-w's w counts the leading one and the appended 1: it keeps w - 2 mantissa bits.
    for w in (5, 7, 8):
        truncated = measure(Design(width=8, frac_bits=w - 2))
        unbiased = measure(Design(variant="mitch-w", width=8, params={"w": w}))
        assert abs(unbiased["bias"]) < abs(truncated["bias"])


def test_signed_metrics_use_the_signed_range():
    design = Design(variant="mitchell", width=8, signed=True)
    m = measure(design)
    assert m["nmed"] == pytest.approx(m["med"] / 2 ** 14)
    # The most negative operand squared: 2**14, exact for Mitchell (both mantissas 0).
    pattern = design.golden([0x80], [0x80])[0]
    assert design.output_values([pattern])[0] == 2 ** 14
    # Sign-magnitude: the error shrinks the magnitude, whatever the signs.
    assert m["bias"] < 0 and Fraction(m["wcre"]).limit_denominator(100) == Fraction(1, 9)


@pytest.mark.parametrize("args, message", [
    (["--variant", "ilm", "--param", "w=3"], "Unknown parameter 'w' for 'ilm'"),
    (["--variant", "mitch-w", "--param", "w=10"], "Parameter w must be an integer from 2 to 9, not 10"),
    (["--variant", "ilm", "--param", "corrections"], "expected NAME=VALUE"),
    (["--variant", "ilm", "--param", "corrections=x"], "Parameter corrections must be an integer, not 'x'"),
    (["--variant", "ilm", "--frac-bits", "3"], "Fraction bits apply to mitchell, mbm, mitchell-div, exact-div, not to 'ilm'"),
])
def test_bad_variant_parameters(args, message, cli):
    status, _, err = cli("verilog", "--width", 8, *args)
    assert status == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize("width", [31, 32, 40, 64])
def test_signed_exact_products_do_not_overflow(width):
    # int64 holds a signed product only up to 31-bit operands; wider ones need Python ints.
    design = Design(width=width, signed=True)
    a, b = vectors.corners(width)
    values = [int(v) for v in design.exact_values(a, b)]
    signed = lambda n: n - (1 << width) if n >> (width - 1) else n  # noqa: E731
    assert values == [signed(int(x)) * signed(int(y)) for x, y in zip(a, b)]
    assert max(values) == 1 << (2 * width - 2)
