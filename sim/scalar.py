"""Scalar reference models in plain Python integers and fractions.

Written from the paper's algebra rather than from the hardware's bit fields, so that the tests can
cross-check the vectorised models in :mod:`mitchell.sim.golden` against something independent.
"""
from fractions import Fraction
from math import floor


def exact_scalar(a: int, b: int) -> int:
    return a * b


def mitchell_scalar(a: int, b: int, *, width: int, frac_bits: int | None = None) -> int:
    """Mitchell's product of two non-negative integers.

    With all ``width - 1`` fraction bits, the integer form: ``r = N - 2**k``,
    ``s = r1 * 2**k2 + r2 * 2**k1``, and ``P' = 2**(k1+k2) + s`` if ``s < 2**(k1+k2)`` else ``2*s``.
    With fewer, each mantissa ``x = r / 2**k`` is first truncated to ``frac_bits`` binary places, and
    ``P' = floor(2**(k1+k2) * (1 + x1 + x2))`` or ``floor(2**(k1+k2+1) * (x1 + x2))``.
    """
    if a == 0 or b == 0:
        return 0
    k1, k2 = a.bit_length() - 1, b.bit_length() - 1
    r1, r2 = a - 2 ** k1, b - 2 ** k2
    if frac_bits is None or frac_bits == width - 1:
        s = r1 * 2 ** k2 + r2 * 2 ** k1
        return 2 ** (k1 + k2) + s if s < 2 ** (k1 + k2) else 2 * s
    x1 = Fraction(floor(Fraction(r1, 2 ** k1) * 2 ** frac_bits), 2 ** frac_bits)
    x2 = Fraction(floor(Fraction(r2, 2 ** k2) * 2 ** frac_bits), 2 ** frac_bits)
    if x1 + x2 < 1:
        return floor(2 ** (k1 + k2) * (1 + x1 + x2))
    return floor(2 ** (k1 + k2 + 1) * (x1 + x2))
