"""Independent scalar models of the floating-point multipliers, one pair of patterns at a time.

They work on values (Python ``Fraction``s), not on bit patterns: decode each operand, form the
product as its definition says, encode the value. The tests check the vectorised golden models
(:mod:`.float_golden`) against them; the guards are those listed there.
"""
from fractions import Fraction

from ..rtl.float_format import FloatFormat, lookup_format

__all__ = ["decode", "encode", "float_exact_scalar", "float_lmul_scalar", "float_mitchell_scalar"]


def decode(pattern: int, fmt: FloatFormat):
    """``(negative, value)``: value a ``Fraction`` (subnormals flushed to 0), ``"inf"`` or ``"nan"``."""
    negative = bool(pattern >> (fmt.width - 1))
    exponent = (pattern >> fmt.mantissa_bits) & fmt.exponent_max
    fraction = pattern & fmt.mantissa_mask
    if fmt.infinities and exponent == fmt.exponent_max:
        return negative, "nan" if fraction else "inf"
    if not fmt.infinities and exponent == fmt.exponent_max and fraction == fmt.mantissa_mask:
        return negative, "nan"
    if exponent == 0:
        return negative, Fraction(0)
    return negative, (1 + Fraction(fraction, 1 << fmt.mantissa_bits)) * Fraction(2) ** (exponent - fmt.bias)


def _split(value: Fraction) -> tuple[int, Fraction]:
    """``(k, f)`` with ``value = 2**k * (1 + f)``, ``0 <= f < 1``, for a positive value."""
    k = value.numerator.bit_length() - value.denominator.bit_length()
    if Fraction(2) ** k > value:
        k -= 1
    return k, value / Fraction(2) ** k - 1


def encode(negative: bool, value, fmt: FloatFormat) -> int:
    """The pattern of a value already on the format's fraction grid (or ``"inf"``/``"nan"``):
    zero below the smallest normal, the overflow pattern above the largest finite."""
    sign = fmt.sign_mask if negative else 0
    if value == "nan":
        return fmt.nan
    if value == "inf":
        return sign | fmt.infinity
    if value == 0:
        return sign
    k, f = _split(value)
    exponent = k + fmt.bias
    fraction = f * (1 << fmt.mantissa_bits)
    if fraction.denominator != 1:
        raise ValueError(f"{value} is not on the {fmt.name} grid")
    if exponent < 1:
        return sign
    pattern = (exponent << fmt.mantissa_bits) | int(fraction)
    return fmt.overflow(sign) if pattern > fmt.max_finite else sign | pattern


def _round_nearest_even(value: Fraction, fmt: FloatFormat) -> Fraction:
    """``value`` rounded to ``mantissa_bits`` fraction bits in its own binade, ties to even."""
    k, _ = _split(value)
    ulp = Fraction(2) ** (k - fmt.mantissa_bits)
    scaled = value / ulp
    low = scaled.numerator // scaled.denominator
    rest = scaled - low
    up = rest > Fraction(1, 2) or (rest == Fraction(1, 2) and low % 2 == 1)
    return (low + up) * ulp


def _mitchell(x: Fraction, y: Fraction, offset: Fraction) -> Fraction:
    """Mitchell's antilogarithm of his logarithms' sum ``log2 x + log2 y`` plus ``offset``: the
    sum's integer part is the characteristic, its fraction the mantissa. (With L-Mul's offset the
    fraction sum may reach 2, carrying twice, as the bit-pattern addition does.)"""
    kx, fx = _split(x)
    ky, fy = _split(y)
    total = fx + fy + offset
    carry = total.numerator // total.denominator
    return Fraction(2) ** (kx + ky + carry) * (1 + total - carry)


def _product(a: int, b: int, format, magnitude) -> int:
    """The result pattern for one pair: the guards, then ``magnitude(x, y, fmt)``, the value of
    the product of two normal operand values ``x``, ``y`` on the format's fraction grid."""
    fmt = lookup_format(format)
    negative_a, x = decode(a, fmt)
    negative_b, y = decode(b, fmt)
    negative = negative_a != negative_b
    if "nan" in (x, y) or ("inf" in (x, y) and 0 in (x, y)):
        return encode(False, "nan", fmt)
    if "inf" in (x, y):
        return encode(negative, "inf", fmt)
    if x == 0 or y == 0:
        return encode(negative, Fraction(0), fmt)
    return encode(negative, magnitude(x, y, fmt), fmt)


def float_mitchell_scalar(a: int, b: int, *, format) -> int:
    """Mitchell's product of one pair of patterns."""
    return _product(a, b, format, lambda x, y, fmt: _mitchell(x, y, Fraction(0)))


def float_lmul_scalar(a: int, b: int, *, format) -> int:
    """L-Mul's product of one pair of patterns."""
    return _product(a, b, format, lambda x, y, fmt: _mitchell(
        x, y, Fraction(fmt.lmul_offset, 1 << fmt.mantissa_bits)))


def float_exact_scalar(a: int, b: int, *, format) -> int:
    """The exact product of one pair of patterns, rounded to nearest even."""
    return _product(a, b, format, lambda x, y, fmt: _round_nearest_even(x * y, fmt))
