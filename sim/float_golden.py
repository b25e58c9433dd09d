"""Vectorised golden models of the floating-point multipliers, on bit patterns.

Each model takes two arrays of operand bit patterns (unsigned integers below ``2**format.width``)
and returns the result patterns as ``uint64``, bit for bit what the RTL
(:mod:`mitchell.rtl.float_mul`) gives.

The bit-pattern addition
------------------------
The pattern of a positive normal float read as an integer is ``E * 2**M + f``: its base-2
logarithm ``E - bias + f / 2**M`` in fixed point, biased by ``bias * 2**M`` (the pattern of 1.0).
Adding two magnitude patterns and subtracting the pattern of 1.0 adds the logarithms: Mitchell's
product, the carry out of the fraction into the exponent being Mitchell's second case. In C on
fp32, with the patterns copied into ``uint32_t`` by ``memcpy`` (unsigned, so that the sum wraps
around instead of overflowing): ``c = ia + ib - 0x3f800000u;`` (:func:`bare_program`). L-Mul adds
``2**-l(m)`` to the fraction sum (:attr:`FloatFormat.lmul_offset`), in the same adder.

Guards
------
The one list of exceptions, applied in this order by every model here and by the RTL:

1. NaN in either operand gives NaN (:attr:`FloatFormat.nan`, positive and quiet).
2. Infinity times zero gives NaN. Zero here includes subnormals (rule 4).
3. Infinity times a finite non-zero gives infinity, the sign being the XOR of the signs.
4. Subnormal operands are flushed to zero; a zero operand gives zero, signed by the XOR.
5. A result below the smallest normal is flushed to zero, signed by the XOR.
6. A result above the largest finite is infinity, signed by the XOR, or NaN in E4M3 (which has
   no infinity; OCP's non-saturating conversion): :meth:`FloatFormat.overflow`.
7. Otherwise the result is the sign XOR over the magnitude pattern of the sum.

The bare program (:func:`bare_program`, no guards) differs exactly where a guard fires:
a zero operand gives ``pattern(other) - pattern(1.0)`` (``0.5 * 0`` is ``-inf``, 0xff800000,
because the subtraction borrows into the sign; ``2.0 * 0`` is 2**-126); a NaN or infinity
operand is read as a huge number and added (no propagation); subnormals are read as if their
exponent were 0 with an implicit 1, so mis-scaled; a sum below the pattern of the smallest normal
gives a subnormal pattern or, below zero, borrows into the sign bit; a sum above the largest
finite gives an infinity or NaN pattern, or carries into the sign bit. Everywhere else the two
agree bit for bit, which the tests check.

Rounded exact product (``float-exact``)
-----------------------------------------
The product of the significands is rounded to nearest, ties to even, at the fraction width with
an unbounded exponent; then rules 5 and 6 apply to the rounded value. Against IEEE (numpy for
fp32 and fp16, ml_dtypes for bf16 and fp8, both round to nearest even with gradual underflow):
identical wherever the IEEE result is normal, infinite or NaN (the NaN's sign and payload aside),
with one exception: IEEE rounds products from ``(1 - 2**-(M+1))`` times the smallest normal up
to it (the subnormal grid is coarser), while rounding at an unbounded exponent does so only from
``(1 - 2**-(M+2))`` times it, so the products in between give zero here. Where IEEE gives a
subnormal, this gives zero of the same sign.
"""
import numpy as np

from ..rtl.float_format import FloatFormat, lookup_format

__all__ = ["bare_program", "float_exact", "float_lmul", "float_mitchell"]


def _operands(a, b, fmt: FloatFormat) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(a).astype(np.int64).reshape(-1)
    b = np.asarray(b).astype(np.int64).reshape(-1)
    for values in (a, b):
        if values.size and (values.min() < 0 or int(values.max()) >> fmt.width):
            raise ValueError(f"{fmt.name} operands must be in [0, 2**{fmt.width}), got "
                             f"{int(values.min())} .. {int(values.max())}")
    return a, b


def _classes(values: np.ndarray, fmt: FloatFormat) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(NaN, infinity, zero or subnormal) masks of magnitude patterns."""
    if fmt.infinities:
        special = (values >> fmt.mantissa_bits) == fmt.exponent_max
        fraction = values & fmt.mantissa_mask
        nan, infinity = special & (fraction != 0), special & (fraction == 0)
    else:
        nan, infinity = values == fmt.nan, np.zeros(len(values), dtype=bool)
    return nan, infinity, values < fmt.min_normal


def guarded(a, b, fmt: FloatFormat, magnitude) -> np.ndarray:
    """Applies the guards (module docstring) around ``magnitude(mag_a, mag_b)``, which gives the
    unbounded magnitude pattern (int64, may be negative or above the largest finite) of the
    product of two finite normal operands."""
    a, b = _operands(a, b, fmt)
    sign = (a ^ b) & fmt.sign_mask
    mag_a, mag_b = a & fmt.magnitude_mask, b & fmt.magnitude_mask
    nan_a, inf_a, zero_a = _classes(mag_a, fmt)
    nan_b, inf_b, zero_b = _classes(mag_b, fmt)
    total = magnitude(mag_a, mag_b)
    result = np.select(
        [nan_a | nan_b,
         (inf_a & zero_b) | (inf_b & zero_a),
         inf_a | inf_b,
         zero_a | zero_b | (total < fmt.min_normal),
         total > fmt.max_finite],
        [fmt.nan,
         fmt.nan,
         sign | (fmt.infinity or 0),
         sign,
         fmt.overflow(sign)],
        default=sign | (total & fmt.magnitude_mask))
    return result.astype(np.uint64)


def float_mitchell(a, b, *, format) -> np.ndarray:
    """Mitchell's product by the bit-pattern addition, guarded."""
    fmt = lookup_format(format)
    return guarded(a, b, fmt, lambda x, y: x + y - fmt.one)


def float_lmul(a, b, *, format) -> np.ndarray:
    """L-Mul: the bit-pattern addition with ``2**-l(m)`` added to the fraction sum, guarded.
    Where the fraction sum carries, this is the bit-pattern addition (Mitchell's second case),
    as with L-Mul's fp32 constant 0x3f780000."""
    fmt = lookup_format(format)
    return guarded(a, b, fmt, lambda x, y: x + y - fmt.one + fmt.lmul_offset)


def _round_product(x: np.ndarray, y: np.ndarray, fmt: FloatFormat) -> np.ndarray:
    """The product of two normal magnitude patterns rounded to nearest even at the fraction width,
    as an unbounded magnitude pattern (exponent field may be below 1 or above the largest)."""
    m = fmt.mantissa_bits
    significand = ((x & fmt.mantissa_mask) | fmt.min_normal) * ((y & fmt.mantissa_mask) |
                                                                 fmt.min_normal)
    exponent = (x >> m) + (y >> m) - fmt.bias
    # The significand product has 2m + 1 or 2m + 2 bits: drop m or m + 1 of them.
    top = significand >> (2 * m + 1)
    shift = m + top
    exponent = exponent + top
    kept = significand >> shift
    dropped = significand - (kept << shift)
    half = np.int64(1) << (shift - 1)
    up = (dropped > half) | ((dropped == half) & ((kept & 1) == 1))
    # kept holds the implicit one at bit m; a round-up carry into bit m + 1 moves to the
    # exponent by the same addition.
    return (exponent << m) + (kept - fmt.min_normal) + up


def float_exact(a, b, *, format) -> np.ndarray:
    """The exact product rounded to nearest even, with the same guards."""
    fmt = lookup_format(format)
    return guarded(a, b, fmt, lambda x, y: _round_product(x, y, fmt))


def bare_program(a, b, *, format) -> np.ndarray:
    """The unguarded program: ``a + b - pattern(1.0)`` on whole patterns, sign bits included,
    modulo ``2**width`` (what ``int c = *(int*)&a + *(int*)&b - 0x3f800000;`` does on fp32)."""
    fmt = lookup_format(format)
    a, b = _operands(a, b, fmt)
    return ((a + b - fmt.one) & ((1 << fmt.width) - 1)).astype(np.uint64)
