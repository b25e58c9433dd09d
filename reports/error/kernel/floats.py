"""The compiled twins of the floating-point designs (:mod:`mitchell.sim.float_golden`), on operand
*magnitudes* (patterns without the sign bit), as int64.

Every guard there is sign-symmetric: the result's magnitude depends on the operands' magnitudes
only (its sign is the XOR of theirs, or positive for NaN), and the float metrics
(:mod:`mitchell.reports.error.float_metrics`) read classes and absolute values only. So a
magnitude pair stands for its 4 sign patterns, and each unordered pair for 8 (a*b == b*a in every
design; both are checked by the tests). :func:`float_pair` is one pair's contribution to the
metrics, which :mod:`.accumulate` adds up.
"""
from typing import Callable, NamedTuple

import numpy as np
from numba import njit

from ....rtl.float_format import FloatFormat
from .compiled import JIT, as_float64, static_dispatch


class FloatConstants(NamedTuple):
    """A format's constants for the compiled models, as magnitude patterns (int64); ``infinity``
    is -1 in a format without infinities, which no magnitude equals."""

    mantissa_bits: int
    mantissa_mask: int
    bias: int
    one: int
    min_normal: int
    max_finite: int
    infinity: int
    nan: int
    overflow: int
    lmul_offset: int


# Result classes, as mitchell.reports.error.float_metrics.decode reads patterns (subnormals as zeros).
_ZERO_CLASS, _NORMAL, _INFINITE, _NAN = range(4)


def float_constants(fmt: FloatFormat) -> FloatConstants:
    return FloatConstants(*(np.int64(value) for value in (
        fmt.mantissa_bits, fmt.mantissa_mask, fmt.bias, fmt.one, fmt.min_normal, fmt.max_finite,
        -1 if fmt.infinity is None else fmt.infinity, fmt.nan, fmt.overflow(0),
        fmt.lmul_offset)))


@njit(**JIT)
def _float_class(magnitude, c):
    """The class of a magnitude pattern: below the smallest normal a zero, up to the largest
    finite normal, above it infinity or NaN."""
    if magnitude < c.min_normal:
        return _ZERO_CLASS
    if magnitude <= c.max_finite:
        return _NORMAL
    return _INFINITE if magnitude == c.infinity else _NAN


@njit(**JIT)
def _float_value(magnitude, c):
    """The value of a normal magnitude pattern, exactly, by moving its fields into a float64
    pattern (a finite number whatever ``magnitude`` is, so no NaN reaches the loops)."""
    exponent = (magnitude >> c.mantissa_bits) - c.bias + 1023
    fraction = magnitude & c.mantissa_mask
    return as_float64((exponent << 52) | (fraction << (52 - c.mantissa_bits)))


@njit(**JIT)
def float_mitchell(x, y, c):
    return x + y - c.one


@njit(**JIT)
def float_lmul(x, y, c):
    return x + y - c.one + c.lmul_offset


@njit(**JIT)
def float_exact(x, y, c):
    """The significand product rounded to nearest even, unbounded (golden ``_round_product``)."""
    m = c.mantissa_bits
    significand = ((x & c.mantissa_mask) | c.min_normal) * ((y & c.mantissa_mask) | c.min_normal)
    top = significand >> (2 * m + 1)
    shift = m + top
    kept = significand >> shift
    dropped = significand - (kept << shift)
    half = np.int64(1) << (shift - 1)
    up = np.int64(dropped > half or (dropped == half and kept & 1 == 1))
    return (((x >> m) + (y >> m) - c.bias + top) << m) + (kept - c.min_normal) + up


# The unbounded magnitude of each floating-point design's product of two normal operands, by
# catalogue name.
FLOAT_KERNELS: dict[str, Callable] = {
    "float-mitchell": float_mitchell, "float-lmul": float_lmul, "float-exact": float_exact}

float_magnitude = static_dispatch(
    lambda name: FLOAT_KERNELS[name], "float_magnitude",
    "``float_magnitude(name, x, y, constants)``: the unbounded magnitude pattern of the "
    "catalogue design ``name``'s product of the normal magnitudes ``x`` and ``y``.")


@njit(**JIT)
def float_guarded(name, x, y, c):
    """The result magnitude of ``name`` for operand magnitudes ``x`` and ``y``: the guards of
    :mod:`mitchell.sim.float_golden`, in its order."""
    class_x, class_y = _float_class(x, c), _float_class(y, c)
    total = float_magnitude(name, x, y, c)
    if class_x == _NAN or class_y == _NAN:
        return c.nan
    if (class_x == _INFINITE and class_y == _ZERO_CLASS) or \
            (class_y == _INFINITE and class_x == _ZERO_CLASS):
        return c.nan
    if class_x == _INFINITE or class_y == _INFINITE:
        return c.infinity
    if class_x == _ZERO_CLASS or class_y == _ZERO_CLASS or total < c.min_normal:
        return np.int64(0)
    if total > c.max_finite:
        return c.overflow
    return total


@njit(inline="always", **JIT)
def float_pair(name, x, y, c, low, high):
    """(classes differ, classes differ with the true product of the operands inside
    ``[low, high]``, both results normal, signed relative error (|P'| - |P|) / |P| or 0) for
    operand magnitudes ``x`` and ``y``: the same float64 values as the NumPy path's (one
    subtraction and one division, which the loops' fast-math flags leave alone: they only
    reassociate the sums, and no value here is NaN).

    Inlined by numba (``inline="always"``, here and in :func:`~.accumulate._float_step`): LLVM finds the body
    too large to inline, and a call per pair keeps the loops from vectorising (4x slower)."""
    approx, exact = float_guarded(name, x, y, c), float_guarded("float-exact", x, y, c)
    differ = _float_class(approx, c) != _float_class(exact, c)
    both = _float_class(approx, c) == _NORMAL and _float_class(exact, c) == _NORMAL
    value_p = _float_value(approx if both else c.one, c)
    value_e = _float_value(exact if both else c.one, c)
    # Products of operands of at most 24 significant bits are exact in float64; zeros, infinities
    # and NaNs lie outside any [low, high] with 0 < low <= high < inf.
    operands = _float_class(x, c) == _NORMAL and _float_class(y, c) == _NORMAL
    true = _float_value(x, c) * _float_value(y, c)
    inside = differ and operands and low <= true <= high
    return differ, inside, both, (value_p - value_e) / value_e
