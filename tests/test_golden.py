"""The golden models: vectorised against scalar, and the published facts derived from definitions."""
from fractions import Fraction

import pytest

from mitchell.sim import golden, vectors
from mitchell.sim.scalar import exact_scalar, mitchell_scalar


def as_ints(array) -> list[int]:
    return [int(value) for value in array]


@pytest.mark.parametrize("width", range(2, 9))
@pytest.mark.slow
def test_vectorised_matches_scalar_exhaustively(width):
    a, b = vectors.exhaustive(width)
    for frac_bits in range(width):
        got = as_ints(golden.mitchell_product(a, b, width=width, frac_bits=frac_bits))
        expected = [mitchell_scalar(x, y, width=width, frac_bits=frac_bits)
                    for x, y in zip(as_ints(a), as_ints(b))]
        assert got == expected, f"frac_bits={frac_bits}"


@pytest.mark.parametrize("width", [12, 16, 24, 31, 32, 33, 48, 64])
@pytest.mark.parametrize("frac_bits", [None, 5])
def test_vectorised_matches_scalar_on_random_and_corners(width, frac_bits):
    ra, rb = vectors.random_pairs(width, 3000, seed=width)
    ca, cb = vectors.corners(width)
    for a, b in ((ra, rb), (ca, cb)):
        got = as_ints(golden.mitchell_product(a, b, width=width, frac_bits=frac_bits))
        expected = [mitchell_scalar(x, y, width=width, frac_bits=frac_bits)
                    for x, y in zip(as_ints(a), as_ints(b))]
        assert got == expected


def test_wide_operands_use_python_ints():
    # A 64 x 64 product overflows uint64; the model must still be exact.
    top = (1 << 64) - 1
    assert golden.exact_product([top], [top], width=64)[0] == top * top
    # k1 = k2 = 63 and x1 = x2 = 1/2: the fractions carry, so P' = 2**(63 + 63 + 1) * (x1 + x2).
    assert golden.mitchell_product([3 << 62], [3 << 62], width=64)[0] == 1 << 127


def test_relative_error_facts_8bit_exhaustive():
    a, b = vectors.exhaustive(8)
    approx = as_ints(golden.mitchell_product(a, b, width=8))
    worst = Fraction(0)
    worst_pairs = []
    for x, y, p in zip(as_ints(a), as_ints(b), approx):
        exact = x * y
        assert p <= exact, f"overestimate at {x} x {y}"
        if exact:
            error = Fraction(exact - p, exact)
            if error > worst:
                worst, worst_pairs = error, [(x, y)]
            elif error == worst:
                worst_pairs.append((x, y))
    assert worst == Fraction(1, 9)
    # Reached exactly where both mantissas are 1/2: a = 3 * 2**i, b = 3 * 2**j.
    assert sorted(worst_pairs) == [(3 << i, 3 << j) for i in range(7) for j in range(7)]


@pytest.mark.parametrize("width", [16, 32, 64])
def test_one_ninth_at_three_times_powers_of_two(width):
    for j in range(width - 1):
        value = 3 << j
        p = mitchell_scalar(value, value, width=width)
        assert Fraction(value * value - p, value * value) == Fraction(1, 9)


def test_exact_model_is_exact():
    a, b = vectors.exhaustive(6)
    assert as_ints(golden.exact_product(a, b, width=6)) == [exact_scalar(x, y, width=6) for x, y in zip(as_ints(a), as_ints(b))]


def test_operands_out_of_range_are_rejected():
    with pytest.raises(ValueError, match=r"Operands must be in \[0, 2\*\*8\)"):
        golden.mitchell_product([256], [1], width=8)
