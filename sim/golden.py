"""Vectorised golden models: the expected output of each RTL design, bit for bit.

Each model takes two 1-D operand arrays and returns the products as an array of the dtype chosen by
:mod:`mitchell.sim.arrays` (``uint64`` up to 32 bits, Python ints above).
"""
import numpy as np

from ..rtl.params import check_frac_bits, check_width
from .arrays import floor_log2, operand_array, power_of_two, shift_left, shift_right


def exact_product(a, b, *, width: int) -> np.ndarray:
    check_width(width)
    return operand_array(a, width=width) * operand_array(b, width=width)


def log_words(values: np.ndarray, *, width: int, frac_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Characteristic ``k`` (int64) and fraction (``frac_bits`` bits) of each value, as the RTL's
    :class:`~mitchell.rtl.Logarithm` forms them; zeros give ``k = 0`` and fraction 0."""
    characteristic = np.maximum(floor_log2(values), 0)
    residue = values - power_of_two(characteristic, like=values) * (values != 0)
    normalised = shift_left(residue, (width - 1) - characteristic)
    fraction = shift_right(normalised, np.full(len(values), (width - 1) - frac_bits))
    return characteristic, fraction


def antilog(characteristic: np.ndarray, fraction: np.ndarray, *, frac_bits: int) -> np.ndarray:
    """``floor((1 + fraction / 2**frac_bits) * 2**characteristic)``, as the RTL's
    :class:`~mitchell.rtl.Antilogarithm` computes it."""
    mantissa = fraction + power_of_two(np.full(len(fraction), frac_bits), like=fraction)
    up = np.maximum(characteristic - frac_bits, 0)
    down = np.maximum(frac_bits - characteristic, 0)
    return shift_right(shift_left(mantissa, up), down)


def mitchell_product(a, b, *, width: int, frac_bits: int | None = None) -> np.ndarray:
    """Mitchell's product: add the fixed-point logarithms, take the antilogarithm; 0 if an operand is 0."""
    check_width(width)
    frac_bits = check_frac_bits(frac_bits, width=width)
    a = operand_array(a, width=width)
    b = operand_array(b, width=width)
    k_a, x_a = log_words(a, width=width, frac_bits=frac_bits)
    k_b, x_b = log_words(b, width=width, frac_bits=frac_bits)

    fraction_sum = x_a + x_b
    carry = (fraction_sum >> frac_bits).astype(np.int64)
    fraction = fraction_sum - shift_left(carry.astype(a.dtype), np.full(len(a), frac_bits))
    product = antilog(k_a + k_b + carry, fraction, frac_bits=frac_bits)
    return np.where((a == 0) | (b == 0), a.dtype.type(0), product).astype(a.dtype)
