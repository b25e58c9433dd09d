"""The compiled twin of each integer design's arithmetic, one scalar function per design in
:data:`KERNELS`, keyed by catalogue name (the tests check each against the golden models of
:mod:`mitchell.sim.golden`): ``product(a, b, width, params) -> result`` on uint64."""
from dataclasses import dataclass
from typing import Callable

import numpy as np
from numba import njit

from ....rtl.dadda import merged_pairs
from ....rtl.realm_table import realm_table
from .compiled import JIT, LOW32, ONE, U, ZERO, leading_zeros, static_dispatch


@njit(**JIT)
def characteristic(value):
    """``floor(log2(value))``, and 0 for 0 (as the RTL's leading-one detector gives)."""
    return U(63) - leading_zeros(value | ONE)


@njit(**JIT)
def log_word(value, width, frac_bits):
    """Characteristic and ``frac_bits``-bit fraction of ``value`` (golden ``log_words``)."""
    k = characteristic(value)
    residue = value & ~(ONE << k)
    return k, (residue << (width - ONE - k)) >> (width - ONE - frac_bits)


@njit(**JIT)
def antilog(k, fraction, frac_bits):
    """``floor((1 + fraction / 2**frac_bits) * 2**k)`` (golden ``antilog``)."""
    mantissa = fraction + (ONE << frac_bits)
    # Signed shift amounts and max(), not a comparison and a branch: LLVM turns the latter into
    # an overflow intrinsic that stops the loops from vectorising.
    shift = np.int64(k) - np.int64(frac_bits)
    return (mantissa << U(max(shift, 0))) >> U(max(-shift, 0))


@njit(**JIT)
def _log_product(a, b, width, frac_bits, sum_frac_bits, add, params):
    """The log-domain datapath (golden ``_log_product``): logarithms with ``frac_bits`` fraction
    bits, ``add(k_a, x_a, k_b, x_b, width, params) -> (k, x)`` with ``sum_frac_bits`` fraction
    bits, antilogarithm; 0 where an operand is 0."""
    if a == ZERO or b == ZERO:
        return ZERO
    k_a, x_a = log_word(a, width, frac_bits)
    k_b, x_b = log_word(b, width, frac_bits)
    k, x = add(k_a, x_a, k_b, x_b, width, params)
    return antilog(k, x, sum_frac_bits)


@njit(**JIT)
def _truncated(product, drop):
    """``product`` with its low ``drop`` bits cleared: the log designs' ``drop`` (golden
    ``_log_product``)."""
    return (product >> drop) << drop


@njit(**JIT)
def _split(total, frac_bits):
    """A fraction sum as (carry, fraction)."""
    carry = total >> frac_bits
    return carry, total - (carry << frac_bits)


@njit(**JIT)
def _mitchell_add(k_a, x_a, k_b, x_b, width, params):
    carry, fraction = _split(x_a + x_b, U(params[0]))
    return k_a + k_b + carry, fraction


@njit(**JIT)
def mitchell(a, b, width, params):
    frac_bits = U(params[0])
    return _truncated(_log_product(a, b, width, frac_bits, frac_bits, _mitchell_add, params),
                      U(params[1]))


@njit(**JIT)
def _mitch_w_add(k_a, x_a, k_b, x_b, width, params):
    # w bits from the leading one: the one, w - 2 kept fraction bits, then a set bit.
    carry, fraction = _split((x_a << ONE) + ONE + (x_b << ONE) + ONE, U(params[0]) - ONE)
    return k_a + k_b + carry, fraction


@njit(**JIT)
def mitch_w(a, b, width, params):
    kept = U(params[0]) - U(2)
    return _truncated(_log_product(a, b, width, kept, kept + ONE, _mitch_w_add, params),
                      U(params[1]))


@njit(**JIT)
def _dr_alm_add(k_a, x_a, k_b, x_b, width, params):
    # Mitch-w's operands (t bits, the last set) and a carry-in of 1 at that last place.
    carry, fraction = _split((x_a << ONE) + ONE + (x_b << ONE) + ONE + ONE, U(params[0]) - ONE)
    return k_a + k_b + carry, fraction


@njit(**JIT)
def dr_alm(a, b, width, params):
    kept = U(params[0]) - U(2)
    return _truncated(_log_product(a, b, width, kept, kept + ONE, _dr_alm_add, params),
                      U(params[1]))


@njit(**JIT)
def _mbm_add(k_a, x_a, k_b, x_b, width, params):
    frac_bits = U(params[0])
    carry, fraction = _split(x_a + x_b, frac_bits)
    corrected = fraction + ((ONE << frac_bits) // U(24) if carry else (ONE << frac_bits) // U(12))
    return k_a + k_b + carry, fraction if corrected >> frac_bits else corrected


@njit(**JIT)
def mbm(a, b, width, params):
    frac_bits = U(params[0])
    return _truncated(_log_product(a, b, width, frac_bits, frac_bits, _mbm_add, params),
                      U(params[1]))


@njit(**JIT)
def _realm_add(k_a, x_a, k_b, x_b, width, params):
    # params: m, t (the fraction bits), drop, the factor table (an array).
    frac_bits = U(params[1])
    m = min(U(params[0]), frac_bits)
    carry_in = ONE if frac_bits < width - ONE else ZERO
    carry, fraction = _split(x_a + x_b + carry_in, frac_bits)
    index = ((x_a >> (frac_bits - m)) << m) | (x_b >> (frac_bits - m))
    corrected = fraction + (params[3][index] >> carry)
    full = (ONE << frac_bits) - ONE
    if corrected > full:  # past the binade: halved into the next, or saturated with a carry
        return k_a + k_b + ONE, full if carry else (corrected - full - ONE) >> ONE
    return k_a + k_b + carry, corrected


@njit(**JIT)
def realm(a, b, width, params):
    frac_bits = U(params[1])
    return _truncated(_log_product(a, b, width, frac_bits, frac_bits, _realm_add, params),
                      U(params[2]))


@njit(**JIT)
def _alm_soa_add(k_a, x_a, k_b, x_b, width, params):
    frac_bits, w = width - ONE, U(params[0])
    word_a, word_b = (k_a << frac_bits) + x_a, (k_b << frac_bits) + x_b
    carry_in = (word_a >> (w - ONE)) & (word_b >> (w - ONE)) & ONE
    total = (((word_a >> w) + (word_b >> w) + carry_in) << w) + ((ONE << w) - ONE)
    return total >> frac_bits, total & ((ONE << frac_bits) - ONE)


@njit(**JIT)
def alm_soa(a, b, width, params):
    return _truncated(_log_product(a, b, width, width - ONE, width - ONE, _alm_soa_add, params),
                      U(params[1]))


@njit(**JIT)
def _mitchell_subtract(k_a, x_a, k_b, x_b, width, params):
    """Mitchell's divider's log subtraction, offset by ``width`` so the characteristic stays
    non-negative: a borrow from the fraction decrements it (golden ``mitchell_quotient``)."""
    # The fractions are below 2**63, so the wrapped difference's top bit is the borrow.
    difference = x_a - x_b
    borrow = difference >> U(63)
    return k_a + width - k_b - borrow, difference + (borrow << (width - ONE))


@njit(**JIT)
def mitchell_divider(a, b, width, params):
    """The quotient ``q`` of Mitchell's divider for ``b != 0``."""
    scaled = _log_product(a, b, width, width - ONE, width - ONE, _mitchell_subtract, params)
    return scaled >> (width - U(params[0]))


@njit(**JIT)
def exact(a, b, width, params):
    # Operands are below 2**32 (MAX_WIDTH): the masks change nothing but let LLVM use a
    # 32 x 32-bit multiply, which vectorises to one instruction.
    return (a & LOW32) * (b & LOW32)


@njit(**JIT)
def exact_divider(a, b, width, params):
    """``floor(a * 2**frac_bits / b)`` for ``b != 0``. Below ``2**53`` the float quotient is within
    1 of the true one (both operands exact, one rounding), so one correction step makes it exact;
    the integer division is slower."""
    scaled = a << U(params[0])
    if scaled >= U(1 << 53):
        return scaled // b
    quotient = U(float(scaled) / float(b))
    if quotient * b > scaled:
        return quotient - ONE
    if (quotient + ONE) * b <= scaled:
        return quotient + ONE
    return quotient


@njit(**JIT)
def _power_sum(k_a, r_a, k_b, r_b):
    """``2**(k_a+k_b) + r_a * 2**k_b + r_b * 2**k_a`` modulo ``2**64`` (residues may be negative,
    as two's complement); the true value of every use fits in 64 bits."""
    power = ONE << (k_a + k_b) if k_a + k_b < U(64) else ZERO
    return power + (r_a << k_b) + (r_b << k_a)


@njit(**JIT)
def ilm(a, b, width, params):
    total = ZERO
    for _ in range(params[0] + 1):
        if a == ZERO or b == ZERO:
            break
        k_a, k_b = characteristic(a), characteristic(b)
        r_a, r_b = a - (ONE << k_a), b - (ONE << k_b)
        total += _power_sum(k_a, r_a, k_b, r_b)
        a, b = r_a, r_b
    return total


@njit(**JIT)
def _nearest_power(value):
    """``k'`` (``k + 1`` when the bit under the leading one is set) and the residue
    ``value - 2**k'`` as two's complement."""
    k = characteristic(value)
    k += ((value << ONE) >> k) & ONE
    return k, value - (ONE << k)


@njit(**JIT)
def nearest_one(a, b, width, params):
    if a == ZERO or b == ZERO:
        return ZERO
    k_a, r_a = _nearest_power(a)
    k_b, r_b = _nearest_power(b)
    return _power_sum(k_a, r_a, k_b, r_b)


@njit(**JIT)
def truncated(a, b, width, params):
    """The exact product less the columns below ``cut`` and the doubles of the merged pairs,
    plus the correction (golden ``truncated_product``); the pairs come as a table ``i, j, ...``."""
    cut = U(params[0])
    product = exact(a, b, width, params)
    for index in range(min(cut, width)):
        i = U(index)
        product -= ((a & ((ONE << min(cut - i, width)) - ONE)) * ((b >> i) & ONE)) << i
    pairs = params[2]
    for index in range(0, len(pairs), 2):
        i, j = pairs[index], pairs[index + 1]
        product -= ((a >> i) & (b >> j) & (a >> j) & (b >> i) & ONE) << (i + j)
    return product + ((ONE << cut) >> ONE)


@dataclass(frozen=True)
class Kernel:
    """The compiled arithmetic of one catalogue design.

    ``product(a, b, width, params)`` takes uint64 operands (magnitudes below ``2**width``, and
    ``b != 0`` for a divider) and returns the number the design's port stands for (the product,
    or the quotient without its flag); ``params`` holds ``frac_bits`` when the design takes it,
    then the parameters whose ``output`` flag is set, in declaration order. ``symmetric`` says
    that ``product(a, b) == product(b, a)`` for every pair, which the exhaustive loop exploits.
    """

    product: Callable
    symmetric: bool
    #: The design's hard-wired constants that follow from its options (REALM's factor table),
    #: appended to ``params`` as one uint64 array: ``tables(design) -> sequence of ints``.
    tables: Callable | None = None


KERNELS: dict[str, Kernel] = {
    "mitchell": Kernel(mitchell, symmetric=True),
    "exact": Kernel(exact, symmetric=True),
    "exact-yosys": Kernel(exact, symmetric=True),
    "mitch-w": Kernel(mitch_w, symmetric=True),
    "dr-alm": Kernel(dr_alm, symmetric=True),
    "mbm": Kernel(mbm, symmetric=True),
    "ilm": Kernel(ilm, symmetric=True),
    "alm-soa": Kernel(alm_soa, symmetric=True),
    "realm": Kernel(realm, symmetric=True, tables=lambda design: realm_table(
        m=min(design.options["m"], design.options["t"]), frac_bits=design.options["t"])),
    "nearest-one": Kernel(nearest_one, symmetric=True),
    "truncated": Kernel(truncated, symmetric=True, tables=lambda design: [
        index for pair in merged_pairs(design.width, design.options["cut"],
                                       design.options["merge"]) for index in pair]),
    "mitchell-div": Kernel(mitchell_divider, symmetric=False),
    "exact-div": Kernel(exact_divider, symmetric=False),
}


evaluate = static_dispatch(
    lambda name: KERNELS[name].product, "evaluate",
    "``evaluate(name, a, b, width, params)``: the result of the catalogue design ``name``.")
