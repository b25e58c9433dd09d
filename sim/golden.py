"""Vectorised golden models: the expected output of each RTL design, bit for bit.

Each model takes two 1-D operand arrays and returns the products as an array of the dtype chosen by
:mod:`mitchell.sim.arrays` (``uint64`` up to 32 bits, Python ints above).
"""
import numpy as np

from ..rtl.dadda import merged_pairs
from ..rtl.log_variants import check_mitch_w
from ..rtl.mitchell import check_drop
from ..rtl.params import check_frac_bits, check_width
from ..rtl.realm_table import realm_table
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


def _log_product(a, b, *, width: int, frac_bits: int, add, sum_frac_bits: int | None = None,
                 drop: int = 0) -> np.ndarray:
    """The log-domain datapath of :class:`~mitchell.rtl.LogMultiplier`: logarithms with
    ``frac_bits`` fraction bits, ``add(k_a, x_a, k_b, x_b) -> (k, x)`` giving a sum with
    ``sum_frac_bits`` (default ``frac_bits``) fraction bits, antilogarithm; 0 where an operand is
    0; the low ``drop`` bits of the product cleared."""
    a, b = operand_array(a, width=width), operand_array(b, width=width)
    k_a, x_a = log_words(a, width=width, frac_bits=frac_bits)
    k_b, x_b = log_words(b, width=width, frac_bits=frac_bits)
    characteristic, fraction = add(k_a, x_a, k_b, x_b)
    product = antilog(characteristic, fraction,
                      frac_bits=frac_bits if sum_frac_bits is None else sum_frac_bits)
    places = np.full(len(product), check_drop(drop, width=width))
    product = shift_left(shift_right(product, places), places)
    return np.where((a == 0) | (b == 0), a.dtype.type(0), product).astype(a.dtype)


def _split(total: np.ndarray, frac_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """A fraction sum of ``frac_bits + 1`` bits as (carry as int64, fraction)."""
    carry = (total >> frac_bits).astype(np.int64)
    return carry, total - shift_left(carry.astype(total.dtype), np.full(len(total), frac_bits))


def mitchell_product(a, b, *, width: int, frac_bits: int | None = None, drop: int = 0) -> np.ndarray:
    """Mitchell's product: add the fixed-point logarithms, take the antilogarithm; 0 if an operand is 0."""
    frac_bits = check_frac_bits(frac_bits, width=check_width(width))

    def add(k_a, x_a, k_b, x_b):
        carry, fraction = _split(x_a + x_b, frac_bits)
        return k_a + k_b + carry, fraction

    return _log_product(a, b, width=width, frac_bits=frac_bits, add=add, drop=drop)


def mitch_w_product(a, b, *, width: int, w: int, drop: int = 0) -> np.ndarray:
    """Mitch-w: each operand truncated to ``w`` bits from its leading one, the last of them set
    to 1 (``w - 2`` mantissa bits kept, then a 1), then Mitchell."""
    kept = check_mitch_w(w, width=width) - 2

    def add(k_a, x_a, k_b, x_b):
        one = x_a.dtype.type(1)
        carry, fraction = _split((x_a << one) + one + (x_b << one) + one, kept + 1)
        return k_a + k_b + carry, fraction

    return _log_product(a, b, width=width, frac_bits=kept, add=add, sum_frac_bits=kept + 1,
                       drop=drop)


def dr_alm_product(a, b, *, width: int, t: int, drop: int = 0) -> np.ndarray:
    """DR-ALM: Mitch-w with ``w = t`` plus a carry-in of 1 at the appended bit: the fraction sum
    is ``2 x1 + 1 + 2 x2 + 1 + 1`` in units of ``2**-(t-1)``."""
    kept = check_mitch_w(t, width=width) - 2

    def add(k_a, x_a, k_b, x_b):
        one = x_a.dtype.type(1)
        carry, fraction = _split((x_a << one) + one + (x_b << one) + one + one, kept + 1)
        return k_a + k_b + carry, fraction

    return _log_product(a, b, width=width, frac_bits=kept, add=add, sum_frac_bits=kept + 1,
                       drop=drop)


def mbm_product(a, b, *, width: int, frac_bits: int | None = None, drop: int = 0) -> np.ndarray:
    """MBM: ``floor(2**F/12)`` added to the fraction of the sum without a carry, ``floor(2**F/24)``
    with one, unless that overflows the fraction."""
    frac_bits = check_frac_bits(frac_bits, width=width)
    no_carry, with_carry = (1 << frac_bits) // 12, (1 << frac_bits) // 24

    def add(k_a, x_a, k_b, x_b):
        carry, fraction = _split(x_a + x_b, frac_bits)
        corrected = fraction + np.where(carry == 1, with_carry, no_carry).astype(fraction.dtype)
        overflow = (corrected >> frac_bits) != 0
        return k_a + k_b + carry, np.where(overflow, fraction, corrected).astype(fraction.dtype)

    return _log_product(a, b, width=width, frac_bits=frac_bits, add=add, drop=drop)


def realm_product(a, b, *, width: int, m: int, t: int, drop: int = 0) -> np.ndarray:
    """REALM: the factor of the segment picked by the top ``m`` fraction bits of each operand added
    to the fraction of the sum without a carry, half of it (shifted right) with one; a corrected
    fraction that reaches 1 is halved into the next binade without a carry, saturated at all
    ones with one; with truncated mantissas the sum's carry-in is 1."""
    frac_bits = check_frac_bits(t, width=check_width(width))
    m = min(m, frac_bits)
    table = np.array(realm_table(m=m, frac_bits=frac_bits), dtype=np.int64)
    carry_in = int(frac_bits < width - 1)

    def add(k_a, x_a, k_b, x_b):
        carry, fraction = _split(x_a + x_b + x_a.dtype.type(carry_in), frac_bits)
        index = ((x_a >> (frac_bits - m)) << m | (x_b >> (frac_bits - m))).astype(np.int64)
        factor = table[index] >> carry
        corrected = fraction + factor.astype(fraction.dtype)
        full = fraction.dtype.type((1 << frac_bits) - 1)
        overflow = corrected > full
        halved = (corrected - full - fraction.dtype.type(1)) >> fraction.dtype.type(1)
        # The fraction's own dtype: at 64 bits it holds Python ints (object), whose type(...)
        # gives an int with no dtype.
        dtype = fraction.dtype
        fraction = np.where(overflow, np.where(carry == 1, full, halved), corrected)
        return k_a + k_b + (carry | overflow), fraction.astype(dtype)

    return _log_product(a, b, width=width, frac_bits=frac_bits, add=add, drop=drop)


def alm_soa_product(a, b, *, width: int, w: int, drop: int = 0) -> np.ndarray:
    """ALM-SOA: the low ``w`` bits of the log adder set to 1, carry into the rest = AND of bit w-1."""
    frac_bits = width - 1
    mask = (1 << w) - 1

    def add(k_a, x_a, k_b, x_b):
        word_a = shift_left(k_a.astype(x_a.dtype), np.full(len(x_a), frac_bits)) + x_a
        word_b = shift_left(k_b.astype(x_b.dtype), np.full(len(x_b), frac_bits)) + x_b
        carry_in = (word_a >> (w - 1)) & (word_b >> (w - 1)) & 1
        total = (((word_a >> w) + (word_b >> w) + carry_in) << w) + mask
        return (total >> frac_bits).astype(np.int64), total & ((1 << frac_bits) - 1)

    return _log_product(a, b, width=width, frac_bits=frac_bits, add=add, drop=drop)


def _power_sum(k1: np.ndarray, r1: np.ndarray, k2: np.ndarray, r2: np.ndarray) -> np.ndarray:
    """``2**(k1+k2) + r1 * 2**k2 + r2 * 2**k1``, the basic block of the iterative multipliers."""
    return power_of_two(k1 + k2, like=r1) + shift_left(r1, k2) + shift_left(r2, k1)


def ilm_product(a, b, *, width: int, corrections: int) -> np.ndarray:
    """ILM: the basic block on the operands, then on the residues ``corrections`` times."""
    a, b = operand_array(a, width=width), operand_array(b, width=width)
    total = np.zeros(len(a), dtype=a.dtype)
    for _ in range(corrections + 1):
        live = (a != 0) & (b != 0)
        k_a, k_b = np.maximum(floor_log2(a), 0), np.maximum(floor_log2(b), 0)
        r_a = a - power_of_two(k_a, like=a) * (a != 0)
        r_b = b - power_of_two(k_b, like=b) * (b != 0)
        total = total + np.where(live, _power_sum(k_a, r_a, k_b, r_b), a.dtype.type(0)).astype(a.dtype)
        a, b = r_a, r_b
    return total


def truncated_product(a, b, *, width: int, cut: int, merge: int) -> np.ndarray:
    """The truncated multiplier: ``a * b`` less the partial products of the columns below
    ``cut``, less ``2**(i + j)`` where both products of a merged pair are 1, plus the correction
    ``2**(cut - 1)``."""
    a, b = operand_array(a, width=width), operand_array(b, width=width)
    bit = lambda values, index: (values >> index) & 1  # noqa: E731
    product = a * b
    for i in range(min(cut, width)):
        # The products a[j] & b[i] with j < cut - i: the low cut - i bits of a, where b[i] is 1.
        low = min(cut - i, width)
        product = product - ((a & ((1 << low) - 1)) * bit(b, i) << i)
    for i, j in merged_pairs(width, cut, merge):
        product = product - ((bit(a, i) & bit(b, j) & bit(a, j) & bit(b, i)) << (i + j))
    return product + (1 << cut >> 1)


def nearest_one_product(a, b, *, width: int) -> np.ndarray:
    """Nearest-one: operands rounded to the nearest power of two, signed residues, exact adder."""
    a, b = operand_array(a, width=width), operand_array(b, width=width)
    # Signed residues times 2**k' stay below 2**(2*width + 1): int64 holds them up to 30 bits.
    signed = np.int64 if width <= 30 else object

    def rounded(values):
        k = np.maximum(floor_log2(values), 0)
        k = k + np.where(k > 0, shift_right(values, np.maximum(k - 1, 0)) & 1, 0).astype(np.int64)
        residue = values.astype(signed)
        return k, residue - power_of_two(k, like=residue)

    (k_a, r_a), (k_b, r_b) = rounded(a), rounded(b)
    product = np.where((a == 0) | (b == 0), 0, _power_sum(k_a, r_a, k_b, r_b))
    return product.astype(a.dtype)


def mitchell_quotient(a, b, *, width: int, frac_bits: int) -> np.ndarray:
    """Mitchell's divider: ``floor(Q' * 2**frac_bits)``, 0 for ``a = 0``, all ones for ``b = 0``."""
    a, b = operand_array(a, width=width), operand_array(b, width=width)
    log_frac_bits = width - 1
    k_a, x_a = log_words(a, width=width, frac_bits=log_frac_bits)
    k_b, x_b = log_words(b, width=width, frac_bits=log_frac_bits)
    borrow = (x_a < x_b).astype(np.int64)
    fraction = x_a + shift_left(borrow.astype(a.dtype), np.full(len(a), log_frac_bits)) - x_b
    scaled = antilog(k_a - k_b - borrow + width, fraction, frac_bits=log_frac_bits)
    quotient = shift_right(scaled, np.full(len(a), width - frac_bits))
    all_ones = (1 << (width + frac_bits)) - 1
    return np.where(b == 0, all_ones, np.where(a == 0, 0, quotient)).astype(a.dtype)


def exact_quotient(a, b, *, width: int, frac_bits: int) -> np.ndarray:
    """The exact divider: ``floor(a * 2**frac_bits / b)``, all ones for ``b = 0``."""
    a, b = operand_array(a, width=width), operand_array(b, width=width)
    if width + frac_bits > 64:
        a, b = a.astype(object), b.astype(object)
    scaled = shift_left(a, np.full(len(a), frac_bits))
    quotient = scaled // np.where(b == 0, b.dtype.type(1), b)
    all_ones = (1 << (width + frac_bits)) - 1
    return np.where(b == 0, all_ones, quotient).astype(a.dtype)


def _packed(quotient: np.ndarray, b, *, width: int, frac_bits: int) -> np.ndarray:
    """A divider's port ``p = {dz, q}``: ``q | (b == 0) << (width + frac_bits)``."""
    flag = (operand_array(b, width=width) == 0).astype(quotient.dtype)
    if width + frac_bits + 1 > 64:
        quotient, flag = quotient.astype(object), flag.astype(object)
    return quotient | shift_left(flag, np.full(len(flag), width + frac_bits))


def mitchell_divider_output(a, b, *, width: int, frac_bits: int) -> np.ndarray:
    """Mitchell's divider's port ``p = {dz, q}``."""
    return _packed(mitchell_quotient(a, b, width=width, frac_bits=frac_bits), b, width=width,
                   frac_bits=frac_bits)


def exact_divider_output(a, b, *, width: int, frac_bits: int) -> np.ndarray:
    """The exact divider's port ``p = {dz, q}``."""
    return _packed(exact_quotient(a, b, width=width, frac_bits=frac_bits), b, width=width,
                   frac_bits=frac_bits)
