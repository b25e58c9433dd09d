"""Compiled error-metric kernels: every integer design of the catalogue, measured at machine speed.

The NumPy golden models (:mod:`mitchell.sim.golden`) stay the reference; this module holds the
compiled twin of each design's arithmetic, one scalar function per design in :data:`KERNELS`
(keyed by catalogue name, checked by the tests against the golden models), and generic parallel
loops that evaluate a design and its exact baseline pair by pair and accumulate every field of
:class:`~.metrics.ErrorSums` in one pass. They are compiled by numba (``cache=True``: the
compile is paid once per machine; ``parallel=True``: one thread per core).

How the work is cut:

- **Exhaustive sets** run over operand *magnitudes*, each with its count of bit patterns of
  either sign: unsigned operands have one positive pattern per value; signed ones (sign-magnitude
  around the unsigned core) have ``+m`` and ``-m`` for ``0 < m < 2**(n-1)``, one pattern for 0
  and one (negative) for ``2**(n-1)``. A magnitude pair stands for up to four signed pairs that
  share ``|P' - P|`` and ``|P|``, and only the direction of the error depends on the signs, so a
  signed set costs a quarter of its pairs. Designs with ``a*b == b*a`` (:attr:`Kernel.symmetric`,
  every multiplier; checked by the tests) evaluate each unordered pair once and count it twice.
  Each row of the operand table (one ``a``, all ``b``) is paired with the mirror row so that
  every parallel task holds the same number of pairs.
- **Sampled sets** draw pair ``i`` from a counter-based generator (SplitMix64 of
  ``(seed, i)``), so the pairs and every sum depend on the seed only, not on the core count or
  the order the threads run in. These pairs are not NumPy's PCG64 stream of
  ``--method enumerate``: the two methods' sampled figures agree statistically, not digit for
  digit.

- **Floating-point designs** (:data:`FLOAT_KERNELS`) run over operand magnitudes too: every
  guard is sign-symmetric, so a magnitude pair stands for its 4 sign patterns, and for 8 with
  its mirror (``a*b == b*a`` in every variant); a row holds two mirrored magnitudes, the
  unordered pairs of each from the diagonal on. Sampled sets draw bit patterns as above. The
  sums are those of :class:`~.float_error.FloatErrorSums`; per row, counts stay below
  ``8 * 2**16`` and each float sum has at most ``2**16`` terms.

Exactness: every per-row integer sum is exact in 64 bits, and the rows are added as Python
ints. In exhaustive sets (widths up to 16) every product, quotient and distance is below
``2**32``; a row holds at most ``2**16 + 1`` magnitude pairs, each weighted at most 8 (4 sign
patterns, twice for symmetry), so a row's sum of distances stays below
``8 * 2**32 * (2**16 + 1) < 2**52``. Sampled sets (up to 32 bits, distances up to ``2**64``)
split each distance into its high and low 32 bits; a row of :data:`CHUNK` = ``2**16`` pairs
sums each half below ``2**48``. Counts are smaller still. The floating-point sums (squares,
relative errors) are summed in float64 within a row, at most ``2**17`` terms (relative error
below ``2**-36`` even in the worst order), and the rows are added with :func:`math.fsum`
(exactly rounded), so the result does not depend on how the rows were scheduled.

Widths above :data:`MAX_WIDTH` = 32 have products above ``2**64``, and numba has no 128-bit
integers: :mod:`.error_analysis` measures those with the NumPy path and says so in its result.
"""
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, NamedTuple

import numba
import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.extending import intrinsic, overload

from ...rtl.float_format import FloatFormat
from ...sim.design import Design
from ...sim.float_design import FloatDesign
from .metrics import ErrorSums

# GNU OpenMP, numba's default threading layer where TBB is absent, aborts a process that forks
# after using it; reports fork worker processes. "forksafe" picks TBB or numba's workqueue.
if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "forksafe"

MAX_WIDTH = 32
MAX_EXHAUSTIVE_WIDTH = 16
CHUNK = 1 << 16
# The random pairs of sampled sets, named in the JSON.
SAMPLER = "splitmix64"
# Integer model, and no exception checks in the loops (the divisions never see a zero divisor).
_JIT = dict(cache=True, nogil=True, error_model="numpy")
# Float sums within a row may be reordered (vectorised, several partial sums); nothing is NaN.
_LOOP = dict(_JIT, fastmath={"reassoc", "nnan", "nsz"})

U = np.uint64
ONE = np.uint64(1)
ZERO = np.uint64(0)
_LOW32 = np.uint64((1 << 32) - 1)


# -- The designs' arithmetic, one scalar function each: (a, b, width, params) -> result --------

@intrinsic
def _leading_zeros(typingctx, value):
    """LLVM's ``ctlz`` on a uint64: the count of leading zero bits, 64 for 0."""
    if value != types.uint64:
        return None

    def codegen(context, builder, signature, args):
        return builder.ctlz(args[0], ir.Constant(ir.IntType(1), 0))

    return types.uint64(types.uint64), codegen


@intrinsic
def _fmax(typingctx, x, y):
    """LLVM's ``maxnum`` on float64: a maximum the loop vectoriser recognises as a reduction
    (a compare and select is not)."""
    if x != types.float64 or y != types.float64:
        return None

    def codegen(context, builder, signature, args):
        double = ir.DoubleType()
        function = builder.module.declare_intrinsic("llvm.maxnum", [double],
                                                    ir.FunctionType(double, [double, double]))
        return builder.call(function, args)

    return types.float64(types.float64, types.float64), codegen


@njit(**_JIT)
def characteristic(value):
    """``floor(log2(value))``, and 0 for 0 (as the RTL's leading-one detector gives)."""
    return U(63) - _leading_zeros(value | ONE)


@njit(**_JIT)
def log_word(value, width, frac_bits):
    """Characteristic and ``frac_bits``-bit fraction of ``value`` (golden ``log_words``)."""
    k = characteristic(value)
    residue = value & ~(ONE << k)
    return k, (residue << (width - ONE - k)) >> (width - ONE - frac_bits)


@njit(**_JIT)
def antilog(k, fraction, frac_bits):
    """``floor((1 + fraction / 2**frac_bits) * 2**k)`` (golden ``antilog``)."""
    mantissa = fraction + (ONE << frac_bits)
    # Signed shift amounts and max(), not a comparison and a branch: LLVM turns the latter into
    # an overflow intrinsic that stops the loops from vectorising.
    shift = np.int64(k) - np.int64(frac_bits)
    return (mantissa << U(max(shift, 0))) >> U(max(-shift, 0))


@njit(**_JIT)
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


@njit(**_JIT)
def _split(total, frac_bits):
    """A fraction sum as (carry, fraction)."""
    carry = total >> frac_bits
    return carry, total - (carry << frac_bits)


@njit(**_JIT)
def _mitchell_add(k_a, x_a, k_b, x_b, width, params):
    carry, fraction = _split(x_a + x_b, U(params[0]))
    return k_a + k_b + carry, fraction


@njit(**_JIT)
def mitchell(a, b, width, params):
    frac_bits = U(params[0])
    return _log_product(a, b, width, frac_bits, frac_bits, _mitchell_add, params)


@njit(**_JIT)
def _mitch_w_add(k_a, x_a, k_b, x_b, width, params):
    # w bits from the leading one: the one, w - 2 kept fraction bits, then a set bit.
    carry, fraction = _split((x_a << ONE) + ONE + (x_b << ONE) + ONE, U(params[0]) - ONE)
    return k_a + k_b + carry, fraction


@njit(**_JIT)
def mitch_w(a, b, width, params):
    kept = U(params[0]) - U(2)
    return _log_product(a, b, width, kept, kept + ONE, _mitch_w_add, params)


@njit(**_JIT)
def _mbm_add(k_a, x_a, k_b, x_b, width, params):
    frac_bits = U(params[0])
    carry, fraction = _split(x_a + x_b, frac_bits)
    corrected = fraction + ((ONE << frac_bits) // U(24) if carry else (ONE << frac_bits) // U(12))
    return k_a + k_b + carry, fraction if corrected >> frac_bits else corrected


@njit(**_JIT)
def mbm(a, b, width, params):
    frac_bits = U(params[0])
    return _log_product(a, b, width, frac_bits, frac_bits, _mbm_add, params)


@njit(**_JIT)
def _alm_soa_add(k_a, x_a, k_b, x_b, width, params):
    frac_bits, w = width - ONE, U(params[0])
    word_a, word_b = (k_a << frac_bits) + x_a, (k_b << frac_bits) + x_b
    carry_in = (word_a >> (w - ONE)) & (word_b >> (w - ONE)) & ONE
    total = (((word_a >> w) + (word_b >> w) + carry_in) << w) + ((ONE << w) - ONE)
    return total >> frac_bits, total & ((ONE << frac_bits) - ONE)


@njit(**_JIT)
def alm_soa(a, b, width, params):
    return _log_product(a, b, width, width - ONE, width - ONE, _alm_soa_add, params)


@njit(**_JIT)
def _mitchell_subtract(k_a, x_a, k_b, x_b, width, params):
    """Mitchell's divider's log subtraction, offset by ``width`` so the characteristic stays
    non-negative: a borrow from the fraction decrements it (golden ``mitchell_quotient``)."""
    # The fractions are below 2**63, so the wrapped difference's top bit is the borrow.
    difference = x_a - x_b
    borrow = difference >> U(63)
    return k_a + width - k_b - borrow, difference + (borrow << (width - ONE))


@njit(**_JIT)
def mitchell_divider(a, b, width, params):
    """The quotient ``q`` of Mitchell's divider for ``b != 0``."""
    scaled = _log_product(a, b, width, width - ONE, width - ONE, _mitchell_subtract, params)
    return scaled >> (width - U(params[0]))


@njit(**_JIT)
def exact(a, b, width, params):
    # Operands are below 2**32 (MAX_WIDTH): the masks change nothing but let LLVM use a
    # 32 x 32-bit multiply, which vectorises to one instruction.
    return (a & _LOW32) * (b & _LOW32)


@njit(**_JIT)
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


@njit(**_JIT)
def _power_sum(k_a, r_a, k_b, r_b):
    """``2**(k_a+k_b) + r_a * 2**k_b + r_b * 2**k_a`` modulo ``2**64`` (residues may be negative,
    as two's complement); the true value of every use fits in 64 bits."""
    power = ONE << (k_a + k_b) if k_a + k_b < U(64) else ZERO
    return power + (r_a << k_b) + (r_b << k_a)


@njit(**_JIT)
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


@njit(**_JIT)
def _nearest_power(value):
    """``k'`` (``k + 1`` when the bit under the leading one is set) and the residue
    ``value - 2**k'`` as two's complement."""
    k = characteristic(value)
    k += ((value << ONE) >> k) & ONE
    return k, value - (ONE << k)


@njit(**_JIT)
def nearest_one(a, b, width, params):
    if a == ZERO or b == ZERO:
        return ZERO
    k_a, r_a = _nearest_power(a)
    k_b, r_b = _nearest_power(b)
    return _power_sum(k_a, r_a, k_b, r_b)


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


KERNELS: dict[str, Kernel] = {
    "mitchell": Kernel(mitchell, symmetric=True),
    "exact": Kernel(exact, symmetric=True),
    "exact-yosys": Kernel(exact, symmetric=True),
    "mitch-w": Kernel(mitch_w, symmetric=True),
    "mbm": Kernel(mbm, symmetric=True),
    "ilm": Kernel(ilm, symmetric=True),
    "alm-soa": Kernel(alm_soa, symmetric=True),
    "nearest-one": Kernel(nearest_one, symmetric=True),
    "mitchell-div": Kernel(mitchell_divider, symmetric=False),
    "exact-div": Kernel(exact_divider, symmetric=False),
}


def _static_dispatch(lookup: Callable[[str], Callable], name: str, doc: str) -> Callable:
    """A function for compiled code whose first argument, a compile-time string, picks the
    function ``lookup(key)`` that it calls with the remaining arguments: each key gets its own
    specialised code, and no function object is passed at run time (numba cannot cache code
    that holds one)."""

    def dispatch(key, *args):
        raise NotImplementedError(f"{name}() runs in compiled code only")

    dispatch.__name__ = dispatch.__qualname__ = name
    dispatch.__doc__ = doc

    @overload(dispatch, jit_options=_JIT)
    def _dispatch(key, *args):
        if not isinstance(key, types.StringLiteral):
            return None
        function = lookup(key.literal_value)
        return lambda key, *args: function(*args)

    return dispatch


evaluate = _static_dispatch(
    lambda name: KERNELS[name].product, "evaluate",
    "``evaluate(name, a, b, width, params)``: the result of the catalogue design ``name``.")


# -- Accumulation: one step per pair, rows of steps, rows stored for an exact final sum --------

_INTS = ("pairs", "nonzero", "errors", "over", "up_high", "up_low", "down_high", "down_low",
         "max_ed")
_FLOATS = ("sum_sq_ed", "red_grown", "red_shrunk", "sum_sq_red", "max_red")


@njit(**_JIT)
def _empty():
    return ((ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO), (0.0, 0.0, 0.0, 0.0, 0.0))


@njit(**_JIT)
def _narrow_parts(value):
    """A value below ``2**32`` as (high half, low half, float64): the high half is the constant
    0, so that its sums vanish from the loop."""
    return ZERO, value, float(value)


@njit(**_JIT)
def _wide_parts(value):
    """Any uint64 as (high 32 bits, low 32 bits, float64)."""
    return value >> U(32), value & _LOW32, float(value)


parts = _static_dispatch(
    {"narrow": _narrow_parts, "wide": _wide_parts}.__getitem__, "parts",
    "``parts(mode, value)``: a result or distance as (high half, low half, float64); mode "
    "'narrow' for values below 2**32 (every exhaustive set, widths up to 16), else 'wide'.")


@njit(**_LOOP)
def _step(ints, floats, exact_value, approx, positive, negative, mode):
    """Add one magnitude pair standing for ``positive`` bit-pattern pairs with a positive exact
    result and ``negative`` with a negative one (the error changes direction with the sign);
    ``mode`` as for :func:`parts`."""
    pairs, nonzero, errors, over, up_high, up_low, down_high, down_low, max_ed = ints
    sum_sq_ed, red_grown, red_shrunk, sum_sq_red, max_red = floats
    weight = positive + negative
    above = approx > exact_value
    # max - min rather than a subtraction chosen by the comparison, which LLVM would fuse into an
    # overflow intrinsic that does not vectorise.
    distance = max(approx, exact_value) - min(approx, exact_value)
    # Patterns whose result lies above the exact one, and below it.
    up = positive if above else negative
    down = weight - up
    # Relative errors (P' - P) / P keep the direction of the magnitudes whatever the signs.
    grown = weight if above else ZERO
    wrong = ONE if distance != ZERO else ZERO
    defined = exact_value != ZERO
    counted = weight != ZERO
    # Selects, not branches, so that the loops vectorise: maxima over counted pairs only, and
    # relative errors over the pairs with a non-zero exact result only.
    high, low, distance_f = parts(mode, distance)
    exact_f = parts(mode, exact_value)[2]
    quotient = distance_f / (exact_f if defined else 1.0)
    red = quotient if defined and counted else 0.0
    largest = distance if counted else ZERO
    ints = (pairs + weight, nonzero + (weight if defined else ZERO), errors + weight * wrong,
            over + up * wrong,
            up_high + up * high, up_low + up * low, down_high + down * high,
            down_low + down * low,
            largest if largest > max_ed else max_ed)
    floats = (sum_sq_ed + float(weight) * distance_f * distance_f,
              red_grown + float(grown) * red, red_shrunk + float(weight - grown) * red,
              sum_sq_red + float(weight) * red * red,
              _fmax(max_red, red))
    return ints, floats


@njit(**_JIT)
def _merged(first, second):
    ints = (first[0][0] + second[0][0], first[0][1] + second[0][1], first[0][2] + second[0][2],
            first[0][3] + second[0][3], first[0][4] + second[0][4], first[0][5] + second[0][5],
            first[0][6] + second[0][6], first[0][7] + second[0][7],
            max(first[0][8], second[0][8]))
    floats = (first[1][0] + second[1][0], first[1][1] + second[1][1],
              first[1][2] + second[1][2], first[1][3] + second[1][3],
              _fmax(first[1][4], second[1][4]))
    return ints, floats


@njit(**_JIT)
def _doubled(state):
    """A row's sums counted twice (its mirror half of a symmetric table); maxima unchanged."""
    ints, floats = state
    return ((ints[0] * U(2), ints[1] * U(2), ints[2] * U(2), ints[3] * U(2), ints[4] * U(2),
             ints[5] * U(2), ints[6] * U(2), ints[7] * U(2), ints[8]),
            (floats[0] * 2.0, floats[1] * 2.0, floats[2] * 2.0, floats[3] * 2.0, floats[4]))


@njit(**_JIT)
def _store(state, int_rows, float_rows, row):
    ints, floats = state
    for index in range(len(ints)):
        int_rows[row, index] = ints[index]
    for index in range(len(floats)):
        float_rows[row, index] = floats[index]


@njit(**_JIT)
def _unsigned_patterns(magnitude, width):
    """Bit patterns of an unsigned operand value: one, positive."""
    return ONE, ZERO


@njit(**_JIT)
def _signed_patterns(magnitude, width):
    """Bit patterns (positive, negative) of a signed operand magnitude: ``+m`` and ``-m``, one
    pattern for 0 (counted as positive) and only ``-2**(n-1)`` for ``2**(n-1)``."""
    return (ONE if magnitude >> (width - ONE) == ZERO else ZERO,
            ONE if magnitude != ZERO else ZERO)


patterns = _static_dispatch(
    {"unsigned": _unsigned_patterns, "signed": _signed_patterns}.__getitem__, "patterns",
    "``patterns(kind, magnitude, width)``: the (positive, negative) bit patterns of an operand "
    "magnitude, for ``kind`` 'unsigned' or 'signed'.")


@njit(**_LOOP)
def _row(name, baseline, a, first, stop, width, params, base_params, kind):
    """Sums over the magnitudes ``b`` from ``first`` to ``stop - 1`` against magnitude ``a``,
    operands of signedness ``kind``."""
    a_positive, a_negative = patterns(kind, a, width)
    ints, floats = _empty()
    for index in range(first, stop):
        b = U(index)
        b_positive, b_negative = patterns(kind, b, width)
        ints, floats = _step(ints, floats, evaluate(baseline, a, b, width, base_params),
                             evaluate(name, a, b, width, params),
                             a_positive * b_positive + a_negative * b_negative,
                             a_positive * b_negative + a_negative * b_positive, "narrow")
    return ints, floats


@njit(**_JIT)
def _table_row(name, baseline, symmetric, a_index, first_b, stop, width, params, base_params,
               kind):
    """All the pairs of one operand magnitude ``a``: with symmetry, ``b > a`` twice and ``b = a``."""
    a = U(a_index)
    if not symmetric:
        return _row(name, baseline, a, first_b, stop, width, params, base_params, kind)
    above = _row(name, baseline, a, a_index + 1, stop, width, params, base_params, kind)
    diagonal = _row(name, baseline, a, a_index, a_index + 1, width, params, base_params,
                    kind)
    return _merged(_doubled(above), diagonal)


@njit(**_JIT)
def _row_pair(name, baseline, symmetric, row, first_b, magnitudes, width, params, base_params,
              kind):
    """Row ``row`` of the table: magnitudes ``row`` and ``magnitudes - 1 - row`` as ``a``."""
    state = _table_row(name, baseline, symmetric, row, first_b, magnitudes, width, params,
                       base_params, kind)
    mirror = magnitudes - 1 - row
    if mirror != row:
        state = _merged(state, _table_row(name, baseline, symmetric, mirror, first_b,
                                          magnitudes, width, params, base_params, kind))
    return state


@njit(**_JIT)
def _table_rows(name, baseline, symmetric, signed, row, first_b, magnitudes, width, params,
                base_params):
    # Unsigned and signed operands get separate code, so that the unsigned loop's pattern
    # counts are the constants 1 and 0.
    if signed:
        return _row_pair(name, baseline, symmetric, row, first_b, magnitudes, width, params,
                         base_params, "signed")
    return _row_pair(name, baseline, symmetric, row, first_b, magnitudes, width, params,
                     base_params, "unsigned")


@njit(parallel=True, **_JIT)
def _exhaustive_rows(name, baseline, symmetric, signed, first_b, magnitudes, width, params,
                     base_params, start, stop, int_rows, float_rows):
    """Rows ``start`` to ``stop - 1`` of the exhaustive table of operand magnitudes; row ``i``
    holds magnitudes ``i`` and ``last - i``, so every row has as many pairs as the next."""
    for row in prange(start, stop):
        state = _table_rows(name, baseline, symmetric, signed, row, first_b, magnitudes, width,
                            params, base_params)
        _store(state, int_rows, float_rows, row - start)


@njit(**_JIT)
def _mix(value):
    """SplitMix64's output function (Steele, Lea and Flood 2014)."""
    value = (value ^ (value >> U(30))) * U(0xBF58476D1CE4E5B9)
    value = (value ^ (value >> U(27))) * U(0x94D049BB133111EB)
    return value ^ (value >> U(31))


@njit(**_JIT)
def _draw(key, index, width):
    """Draw number ``index`` of the stream ``key``: the top ``width`` bits of SplitMix64."""
    return _mix(key + U(index) * U(0x9E3779B97F4A7C15)) >> (U(64) - width)


@njit(**_JIT)
def _magnitude(pattern, width, signed):
    """A bit pattern as (magnitude, negative) under the design's signedness."""
    if signed and pattern >> (width - ONE):
        return (ONE << width) - pattern, True
    return pattern, False


@njit(parallel=True, **_LOOP)
def _sampled_rows(name, baseline, signed, first_b, width, params, base_params, key, count,
                  start, stop, int_rows, float_rows):
    """Chunks ``start`` to ``stop - 1`` of ``count`` random pairs, :data:`CHUNK` pairs each:
    pair ``i`` is draws ``2i`` and ``2i + 1``. A pair whose ``b`` is below ``first_b`` has no
    defined result (division by 0) and is not counted."""
    for row in prange(start, stop):
        ints, floats = _empty()
        for index in range(row * CHUNK, min(row * CHUNK + CHUNK, count)):
            a, a_negative = _magnitude(_draw(key, 2 * index, width), width, signed)
            b, b_negative = _magnitude(_draw(key, 2 * index + 1, width), width, signed)
            defined = ONE if b >= U(first_b) else ZERO
            b = b if defined else U(first_b)
            negative = a_negative != b_negative
            ints, floats = _step(ints, floats, evaluate(baseline, a, b, width, base_params),
                                 evaluate(name, a, b, width, params),
                                 ZERO if negative else defined, defined if negative else ZERO,
                                 "wide")
        _store((ints, floats), int_rows, float_rows, row - start)


@lru_cache(maxsize=None)
def _entry_points(name: str, baseline: str):
    """The loops specialised to one design: the names are constants of these closures, so each
    design compiles (and caches) its own code."""

    @njit(**_JIT)
    def exhaustive(symmetric, signed, first_b, magnitudes, width, params, base_params, start,
                   stop, int_rows, float_rows):
        _exhaustive_rows(name, baseline, symmetric, signed, first_b, magnitudes, width, params,
                         base_params, start, stop, int_rows, float_rows)

    @njit(**_JIT)
    def sampled(signed, first_b, width, params, base_params, key, count, start, stop, int_rows,
                float_rows):
        _sampled_rows(name, baseline, signed, first_b, width, params, base_params, key, count,
                      start, stop, int_rows, float_rows)

    return exhaustive, sampled


# -- Floating-point designs: float-mitchell, float-lmul, float-exact -----------------------------
#
# Twins of mitchell.sim.float_golden on operand *magnitudes* (patterns without the sign bit), as
# int64. Every guard there is sign-symmetric: the result's magnitude depends on the operands'
# magnitudes only (its sign is the XOR of theirs, or positive for NaN), and the metrics of
# mitchell.reports.error.float_error read classes and absolute values only. So a magnitude pair stands
# for its 4 sign patterns, and each unordered pair for 8 (a*b == b*a in every variant; both are
# checked by the tests).

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


# Result classes, as mitchell.reports.error.float_error.decode reads patterns (subnormals as zeros).
_ZERO_CLASS, _NORMAL, _INFINITE, _NAN = range(4)


@intrinsic
def _as_float64(typingctx, bits):
    """The float64 whose IEEE pattern is ``bits`` (an int64)."""
    if bits != types.int64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@njit(**_JIT)
def _float_class(magnitude, c):
    """The class of a magnitude pattern: below the smallest normal a zero, up to the largest
    finite normal, above it infinity or NaN."""
    if magnitude < c.min_normal:
        return _ZERO_CLASS
    if magnitude <= c.max_finite:
        return _NORMAL
    return _INFINITE if magnitude == c.infinity else _NAN


@njit(**_JIT)
def _float_value(magnitude, c):
    """The value of a normal magnitude pattern, exactly, by moving its fields into a float64
    pattern (a finite number whatever ``magnitude`` is, so no NaN reaches the loops)."""
    exponent = (magnitude >> c.mantissa_bits) - c.bias + 1023
    fraction = magnitude & c.mantissa_mask
    return _as_float64((exponent << 52) | (fraction << (52 - c.mantissa_bits)))


@njit(**_JIT)
def float_mitchell(x, y, c):
    return x + y - c.one


@njit(**_JIT)
def float_lmul(x, y, c):
    return x + y - c.one + c.lmul_offset


@njit(**_JIT)
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


# The unbounded magnitude of each variant's product of two normal operands.
FLOAT_KERNELS: dict[str, Callable] = {
    "mitchell": float_mitchell, "lmul": float_lmul, "exact": float_exact}

float_magnitude = _static_dispatch(
    lambda variant: FLOAT_KERNELS[variant], "float_magnitude",
    "``float_magnitude(variant, x, y, constants)``: the unbounded magnitude pattern of "
    "``variant``'s product of the normal magnitudes ``x`` and ``y``.")


@njit(**_JIT)
def float_guarded(variant, x, y, c):
    """The result magnitude of ``variant`` for operand magnitudes ``x`` and ``y``: the guards of
    :mod:`mitchell.sim.float_golden`, in its order."""
    class_x, class_y = _float_class(x, c), _float_class(y, c)
    total = float_magnitude(variant, x, y, c)
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


@njit(inline="always", **_JIT)
def _float_pair(variant, x, y, c, low, high):
    """(classes differ, classes differ with the true product of the operands inside
    ``[low, high]``, both results normal, signed relative error (|P'| - |P|) / |P| or 0) for
    operand magnitudes ``x`` and ``y``: the same float64 values as the NumPy path's (one
    subtraction and one division, which the loops' fast-math flags leave alone: they only
    reassociate the sums, and no value here is NaN).

    Inlined by numba (``inline="always"``, here and in :func:`_float_step`): LLVM finds the body
    too large to inline, and a call per pair keeps the loops from vectorising (4x slower)."""
    approx, exact = float_guarded(variant, x, y, c), float_guarded("exact", x, y, c)
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


_FLOAT_INTS = ("pairs", "relative_pairs", "class_mismatches", "class_mismatches_inside")
_FLOAT_FLOATS = ("sum_red", "sum_sq_red", "sum_signed_red", "max_red")


@njit(**_JIT)
def _float_empty():
    zero = np.int64(0)
    return (zero, zero, zero, zero), (0.0, 0.0, 0.0, 0.0)


@njit(inline="always", **_LOOP)
def _float_step(state, variant, x, y, weight, c, low, high):
    """Add the magnitude pair ``(x, y)``, standing for ``weight`` bit-pattern pairs."""
    (pairs, relative, differ_count, inside_count), (red_sum, sq_sum, signed_sum, red_max) = state
    differ, inside, both, error = _float_pair(variant, x, y, c, low, high)
    red = abs(error)
    share = float(weight)
    zero = np.int64(0)
    return ((pairs + weight, relative + (weight if both else zero),
             differ_count + (weight if differ else zero),
             inside_count + (weight if inside else zero)),
            (red_sum + share * red, sq_sum + share * red * red, signed_sum + share * error,
             _fmax(red_max, red)))


@njit(**_JIT)
def _float_merged(first, second):
    (a0, a1, a2, a3), (f0, f1, f2, f3) = first
    (b0, b1, b2, b3), (g0, g1, g2, g3) = second
    return (a0 + b0, a1 + b1, a2 + b2, a3 + b3), (f0 + g0, f1 + g1, f2 + g2, _fmax(f3, g3))


@njit(**_LOOP)
def _float_table_row(variant, x, magnitudes, c, low, high):
    """Magnitude ``x`` against every ``y >= x``: 4 sign patterns on the diagonal, 8 above it."""
    state = _float_empty()
    for y in range(x, magnitudes):
        state = _float_step(state, variant, x, y, np.int64(8 if y > x else 4), c, low, high)
    return state


@njit(parallel=True, **_JIT)
def _float_exhaustive_rows(variant, c, low, high, magnitudes, start, stop, int_rows,
                           float_rows):
    """Rows ``start`` to ``stop - 1`` of the exhaustive table: row ``i`` holds magnitudes ``i``
    and ``magnitudes - 1 - i`` (never the same: ``magnitudes`` is a power of two), so every row
    has ``magnitudes + 1`` pairs."""
    for row in prange(start, stop):
        state = _float_merged(_float_table_row(variant, row, magnitudes, c, low, high),
                              _float_table_row(variant, magnitudes - 1 - row, magnitudes, c,
                                               low, high))
        _store(state, int_rows, float_rows, row - start)


@njit(parallel=True, **_LOOP)
def _float_sampled_rows(variant, c, low, high, width, key, count, start, stop, int_rows,
                        float_rows):
    """Chunks ``start`` to ``stop - 1`` of ``count`` random pairs of bit patterns, drawn as for
    integer designs (:func:`_sampled_rows`); only their magnitudes are read."""
    mask = (ONE << (width - ONE)) - ONE
    for row in prange(start, stop):
        state = _float_empty()
        for index in range(row * CHUNK, min(row * CHUNK + CHUNK, count)):
            x = np.int64(_draw(key, 2 * index, width) & mask)
            y = np.int64(_draw(key, 2 * index + 1, width) & mask)
            state = _float_step(state, variant, x, y, np.int64(1), c, low, high)
        _store(state, int_rows, float_rows, row - start)


@lru_cache(maxsize=None)
def _float_entry_points(variant: str):
    """The floating-point loops specialised to one variant (as :func:`_entry_points`)."""

    @njit(**_JIT)
    def exhaustive(c, low, high, magnitudes, start, stop, int_rows, float_rows):
        _float_exhaustive_rows(variant, c, low, high, magnitudes, start, stop, int_rows,
                               float_rows)

    @njit(**_JIT)
    def sampled(c, low, high, width, key, count, start, stop, int_rows, float_rows):
        _float_sampled_rows(variant, c, low, high, width, key, count, start, stop, int_rows,
                            float_rows)

    return exhaustive, sampled


# -- Python side --------------------------------------------------------------------------------

def refusal(design: Design) -> str | None:
    """Why the kernel cannot measure ``design``, or None: it takes every catalogue design up to
    32 bits except a signed one whose result can wrap."""
    if design.width > MAX_WIDTH:
        return (f"The compiled kernel covers widths up to {MAX_WIDTH} (numba has no 128-bit "
                f"integers), not {design.width}")
    if _wraps(design):
        return (f"The compiled kernel counts signed pairs by magnitude, and {design.label} wraps "
                f"(-2**{design.width - 1})**2 past the signed product's range")
    return None


def applies(design: Design) -> bool:
    return refusal(design) is None


def _wraps(design: Design) -> bool:
    """Whether a signed result leaves the range of the signed product. Only the square of the
    most negative operand can (every other magnitude pair stays below a quarter of the range),
    and only in a design that doubles it: Mitch-w at w=2 reads a power of two as 1.1b times it,
    and 0.5 + 0.5 in the log domain doubles the square, which the two's-complement output reads
    as negative."""
    if not design.signed:
        return False
    most_negative = np.array([1 << (design.width - 1)], dtype=np.uint64)
    return bool(design.output_values(design.golden(most_negative, most_negative))[0] < 0)


def describe(design: Design | FloatDesign) -> str:
    """Which kernel measures ``design``, for the JSON."""
    function = FLOAT_KERNELS[design.variant] if isinstance(design, FloatDesign) else \
        KERNELS[design.variant].product
    return f"mitchell.reports.error.kernel:{function.__name__} (numba {numba.__version__})"


def kernel_params(design: Design) -> tuple[int, ...]:
    """The ``params`` of :class:`Kernel`'s product for ``design``."""
    entry = design.entry
    values = [design.frac_bits] if entry.frac_bits is not None else []
    options = design.options
    return tuple(values + [options[p.name] for p in entry.parameters if p.output])


def _arguments(design: Design) -> tuple:
    baseline = design.baseline
    return (np.uint64(design.width), kernel_params(design), kernel_params(baseline))


def _first_b(design: Design) -> int:
    """The smallest ``b`` with a defined result: 1 when ``b = 0`` is undefined (a divider)."""
    one, zero = np.ones(1, dtype=np.uint64), np.zeros(1, dtype=np.uint64)
    return 0 if design.defined(one, zero)[0] else 1


def _pieces(total: int) -> list[tuple[int, int]]:
    """About 64 calls' worth of rows, each a multiple of the thread count (numba splits a call's
    rows evenly between its threads)."""
    threads = numba.get_num_threads()
    step = threads * max(1, -(-total // (64 * threads)))
    return [(start, min(start + step, total)) for start in range(0, total, step)]


def _rows(loop, arguments: tuple, rows: int, int_names: tuple, float_names: tuple,
          progress: Callable[[float], None] | None) -> tuple[dict, dict]:
    """Call ``loop(*arguments, start, stop, int_rows, float_rows)`` over ``rows`` rows in pieces
    (so that the progress bar moves and Ctrl-C is seen between them); each field's per-row sums
    as a list of Python numbers, by name."""
    int_rows = np.zeros((rows, len(int_names)), dtype=np.uint64)
    float_rows = np.zeros((rows, len(float_names)), dtype=np.float64)
    for start, stop in _pieces(rows):
        loop(*arguments, start, stop, int_rows[start:stop], float_rows[start:stop])
        if progress is not None:
            progress(stop / rows)
    return ({name: int_rows[:, index].tolist() for index, name in enumerate(int_names)},
            {name: float_rows[:, index].tolist() for index, name in enumerate(float_names)})


def _run(loop, arguments: tuple, rows: int,
         progress: Callable[[float], None] | None) -> ErrorSums:
    """The rows of an integer design's loop added up exactly."""
    ints, floats = _rows(loop, arguments, rows, _INTS, _FLOATS, progress)
    up = (sum(ints["up_high"]) << 32) + sum(ints["up_low"])
    down = (sum(ints["down_high"]) << 32) + sum(ints["down_low"])
    sum_sq_red = math.fsum(floats["sum_sq_red"])
    return ErrorSums(
        pairs=sum(ints["pairs"]), nonzero=sum(ints["nonzero"]), errors=sum(ints["errors"]),
        over=sum(ints["over"]), sum_ed=float(up + down), sum_signed=float(up - down),
        sum_sq_ed=math.fsum(floats["sum_sq_ed"]), max_ed=max(ints["max_ed"], default=0),
        sum_red=math.fsum(floats["red_grown"] + floats["red_shrunk"]),
        sum_signed_red=math.fsum(floats["red_grown"] + [-value for value in floats["red_shrunk"]]),
        sum_sq_red=sum_sq_red, sum_sq_signed_red=sum_sq_red,
        max_red=max(floats["max_red"], default=0.0))


def _check(design: Design, *, max_width: int) -> None:
    if design.variant not in KERNELS:
        raise ValueError(f"No compiled kernel for {design.variant!r}")
    if design.width > max_width:
        raise ValueError(f"The kernel covers widths up to {max_width} here, not {design.width}")


def exhaustive_sums(design: Design, *,
                    progress: Callable[[float], None] | None = None) -> ErrorSums:
    """Error sums of ``design`` over every pair with a defined result (widths up to 16)."""
    _check(design, max_width=MAX_EXHAUSTIVE_WIDTH)
    magnitudes = (1 << (design.width - 1)) + 1 if design.signed else 1 << design.width
    loop, _ = _entry_points(design.variant, design.baseline.variant)
    arguments = (KERNELS[design.variant].symmetric, design.signed, np.int64(_first_b(design)),
                 np.int64(magnitudes), *_arguments(design))
    rows = (magnitudes + 1) // 2
    return _run(loop, arguments, rows, progress)


def sampled_sums(design: Design, count: int, seed: int, *,
                 progress: Callable[[float], None] | None = None) -> ErrorSums:
    """Error sums over ``count`` random pairs drawn from ``seed`` (those with a defined result
    count; widths up to 32)."""
    _check(design, max_width=MAX_WIDTH)
    key = _key(count, seed)
    _, loop = _entry_points(design.variant, design.baseline.variant)
    arguments = (design.signed, np.int64(_first_b(design)), *_arguments(design), key,
                 np.int64(count))
    return _run(loop, arguments, -(-count // CHUNK), progress)


def _key(count: int, seed: int) -> np.uint64:
    """The random stream of ``seed``, once ``count`` and ``seed`` are checked."""
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        raise ValueError(f"Samples must be a positive integer, not {count!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 1 << 64:
        raise ValueError(f"Seed must be an integer from 0 to 2**64 - 1, not {seed!r}")
    return np.uint64(_mix(U(seed)))


# Floating-point designs: every format (at most 32 bits) and variant has a kernel.

def float_constants(fmt: FloatFormat) -> FloatConstants:
    return FloatConstants(*(np.int64(value) for value in (
        fmt.mantissa_bits, fmt.mantissa_mask, fmt.bias, fmt.one, fmt.min_normal, fmt.max_finite,
        -1 if fmt.infinity is None else fmt.infinity, fmt.nan, fmt.overflow(0),
        fmt.lmul_offset)))


def _float_run(design: FloatDesign, loop, arguments: tuple, rows: int,
               progress: Callable[[float], None] | None):
    """Call ``loop(constants, low, high, *arguments, start, stop, int_rows, float_rows)`` over
    ``rows`` rows, and add the rows up exactly into a ``FloatErrorSums``."""
    # Imported here: float_error imports this module to measure with it.
    from .float_error import FloatErrorSums, inside_bounds

    low, high = inside_bounds(design.fmt)
    ints, floats = _rows(loop, (float_constants(design.fmt), low, high, *arguments), rows,
                         _FLOAT_INTS, _FLOAT_FLOATS, progress)
    squares = math.fsum(floats["sum_sq_red"])
    return FloatErrorSums(
        **{name: sum(values) for name, values in ints.items()},
        sum_red=math.fsum(floats["sum_red"]), sum_sq_red=squares,
        sum_signed_red=math.fsum(floats["sum_signed_red"]), sum_sq_signed_red=squares,
        max_red=max(floats["max_red"], default=0.0))


def float_exhaustive_sums(design: FloatDesign, *,
                          progress: Callable[[float], None] | None = None):
    """The :class:`~.float_error.FloatErrorSums` of ``design`` over every pair of bit patterns
    (formats of up to 16 bits)."""
    if design.width > MAX_EXHAUSTIVE_WIDTH:
        raise ValueError(f"The kernel's exhaustive sets cover formats of up to "
                         f"{MAX_EXHAUSTIVE_WIDTH} bits, not {design.format}")
    magnitudes = 1 << (design.width - 1)
    loop, _ = _float_entry_points(design.variant)
    return _float_run(design, loop, (np.int64(magnitudes),), magnitudes // 2, progress)


def float_sampled_sums(design: FloatDesign, count: int, seed: int, *,
                       progress: Callable[[float], None] | None = None):
    """The :class:`~.float_error.FloatErrorSums` of ``design`` over ``count`` random pairs of bit
    patterns drawn from ``seed`` (the integer designs' generator at the format's width)."""
    key = _key(count, seed)
    _, loop = _float_entry_points(design.variant)
    return _float_run(design, loop, (U(design.width), key, np.int64(count)), -(-count // CHUNK),
                      progress)
