"""Error metrics: hand-computed cases, independent derivations, and the analytic method."""
from fractions import Fraction

import numpy as np
import pytest

from mitchell.reports.error import analytic
from mitchell.reports.error.error_analysis import measure
from mitchell.reports.error.metrics import error_sums
from mitchell.sim.design import Design
from mitchell.sim.golden import exact_product, mitchell_product
from mitchell.sim.scalar import mitchell_scalar
from mitchell.sim.vectors import exhaustive


def test_hand_computed_case():
    exact = np.array([6, 0, 10, 4], dtype=np.uint64)
    approx = np.array([5, 0, 12, 4], dtype=np.uint64)
    m = error_sums(exact, approx).metrics(normaliser=100, exhaustive=True, seed=None)
    assert m["pairs"] == 4
    assert m["er"] == pytest.approx(2 / 4)
    assert m["med"] == pytest.approx((1 + 0 + 2 + 0) / 4)
    assert m["nmed"] == pytest.approx(0.75 / 100)
    assert m["wce"] == 2
    assert m["mse"] == pytest.approx((1 + 4) / 4)
    assert m["mean_error"] == pytest.approx((-1 + 2) / 4)
    # Relative metrics skip the pair whose exact product is 0.
    assert m["mred"] == pytest.approx((1 / 6 + 2 / 10 + 0) / 3)
    assert m["wcre"] == pytest.approx(0.2)
    assert m["bias"] == pytest.approx((-1 / 6 + 2 / 10) / 3)


def test_exact_multiplier_has_zero_error():
    m = measure(Design(variant="exact", width=8))
    assert m["exhaustive"] and m["pairs"] == 65536
    assert all(m[key] == 0 for key in ("er", "med", "nmed", "mred", "wce", "wcre", "bias", "mse"))


def independent_8bit_metrics() -> dict:
    """From the scalar integer model and exact fractions, pair by pair."""
    total = Fraction(0)
    red = Fraction(0)
    worst = worst_relative = Fraction(0)
    wrong = 0
    nonzero = 0
    for a in range(256):
        for b in range(256):
            error = a * b - mitchell_scalar(a, b, width=8)
            total += error
            wrong += error != 0
            worst = max(worst, error)
            if a * b:
                nonzero += 1
                red += Fraction(error, a * b)
                worst_relative = max(worst_relative, Fraction(error, a * b))
    return {"med": total / 65536, "er": Fraction(wrong, 65536), "wce": worst,
            "mred": red / nonzero, "wcre": worst_relative, "bias": -red / nonzero}


@pytest.mark.parametrize("method", ["analytic", "enumerate"])
def test_mitchell_8bit_exhaustive_matches_independent_derivation(method):
    expected = independent_8bit_metrics()
    m = measure(Design(width=8), method=method)
    for key, value in expected.items():
        assert m[key] == pytest.approx(float(value), rel=1e-12), key
    # The reference's published-convention figures follow from the same numbers.
    assert round(100 * m["mred"], 3) == 3.788 and round(100 * (1 - m["er"]), 2) == 6.91


@pytest.mark.parametrize("width", [2, 3, 5, 8, 10, 12])
@pytest.mark.slow
def test_analytic_equals_enumeration(width):
    a, b = exhaustive(width)
    brute = error_sums(exact_product(a, b, width=width), mitchell_product(a, b, width=width))
    exact_sums = analytic.mitchell_error_sums(width)
    for name in ("pairs", "nonzero", "errors", "max_ed"):
        assert getattr(exact_sums, name) == getattr(brute, name), name
    for name in ("sum_ed", "sum_sq_ed", "sum_red", "sum_signed_red", "max_red"):
        assert getattr(exact_sums, name) == pytest.approx(getattr(brute, name), rel=1e-11), name


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 32, 100, 128, 1000])
def test_analytic_chunks_add_up_to_enumeration(chunk):
    """Blocks are taken ``chunk`` values of r1 at a time; 8-bit blocks hold up to 128 of them, so
    small chunks (dividing 128 or not) split every block and the largest take each one whole."""
    a, b = exhaustive(8)
    brute = error_sums(exact_product(a, b, width=8), mitchell_product(a, b, width=8))
    sums = analytic.mitchell_error_sums(8, chunk=chunk)
    for name in ("pairs", "nonzero", "errors", "max_ed"):
        assert getattr(sums, name) == getattr(brute, name), name
    for name in ("sum_ed", "sum_sq_ed", "sum_red", "sum_signed_red", "max_red"):
        assert getattr(sums, name) == pytest.approx(getattr(brute, name), rel=1e-11), name


@pytest.mark.parametrize("k1, k2", [(15, 15), (9, 15), (15, 9), (12, 13), (0, 15)])
@pytest.mark.slow
def test_analytic_blocks_at_16_bits_equal_enumeration(k1, k2):
    """Whole blocks of fixed characteristics at 16 bits, enumerated pair by pair."""
    low, high = min(k1, k2), max(k1, k2)
    # Large blocks are checked on a slice of r1 values; the formula is per r1.
    r1 = np.arange(0, 1 << low, max(1, (1 << low) >> 9), dtype=np.uint64)
    a = np.repeat((1 << low) + r1, 1 << high)
    b = np.tile(np.arange(1 << high, 2 << high, dtype=np.uint64), len(r1))
    brute = error_sums(exact_product(a, b, width=16), mitchell_product(a, b, width=16))
    block = analytic._block_sums(low, high, r1.astype(np.float64))
    assert (block.pairs, block.errors, block.max_ed) == (brute.pairs, brute.errors, brute.max_ed)
    for name in ("sum_ed", "sum_sq_ed", "sum_red", "max_red"):
        assert getattr(block, name) == pytest.approx(getattr(brute, name), rel=1e-11), name


def test_harmonic_difference_matches_direct_sums():
    for m1, m2 in [(0, 5), (3, 3), (1000, 1030), (1023, 4096), (1 << 20, (1 << 20) + 1), (5, 1 << 16)]:
        direct = sum(Fraction(1, x) for x in range(m1 + 1, m2 + 1)) if m2 - m1 < 5000 else \
            float(np.sum(1.0 / np.arange(m1 + 1, m2 + 1, dtype=np.float64)))
        assert analytic.harmonic_difference(np.array([m1]), np.array([m2]))[0] == \
            pytest.approx(float(direct), rel=1e-13, abs=1e-300)


def test_sampled_metrics_carry_a_confidence_interval_that_holds_the_exact_value():
    exact = measure(Design(width=12), exhaustive=True)
    sampled = measure(Design(width=12), samples=300_000, seed=3)
    assert not sampled["exhaustive"] and sampled["seed"] == 3 and sampled["pairs"] == 300_000
    low, high = sampled["ci95"]["mred"]
    assert low < exact["mred"] < high and high - low < 0.002
    assert sampled == measure(Design(width=12), samples=300_000, seed=3)


def test_truncated_fractions_enumerate_and_are_worse():
    m = measure(Design(width=10, frac_bits=4))
    assert m["exhaustive"] and m["mred"] > measure(Design(width=10))["mred"]


@pytest.mark.parametrize("kwargs, message", [
    (dict(exhaustive=True), "Exhaustive metrics are limited to widths up to 16"),
    (dict(method="analytic", samples=10), "analytic method covers"),
    (dict(method="guess"), "Method must be one of"),
])
def test_bad_requests(kwargs, message):
    with pytest.raises(ValueError, match=message):
        measure(Design(variant="mitchell", width=32, frac_bits=20), **kwargs)
