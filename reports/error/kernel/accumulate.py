"""The parallel loops: one step per pair, rows of steps, each row's sums stored for an exact final
sum by :mod:`.driver`. A design and its baseline are compile-time constants of the loops
(:func:`entry_points`, :func:`float_entry_points`), so each design compiles (and caches) its own
code; how the work is cut and why the sums are exact is said in the package's docstring
(:mod:`mitchell.reports.error.kernel`).
"""
from functools import lru_cache

import numpy as np
from numba import njit, prange

from .compiled import JIT, LOOP, LOW32, ONE, U, ZERO, fmax, static_dispatch
from .floats import float_pair
from .integer import evaluate

# Pairs per row of a sampled set.
CHUNK = 1 << 16

INT_FIELDS = ("pairs", "nonzero", "errors", "over", "up_high", "up_low", "down_high", "down_low",
         "max_ed")
FLOAT_FIELDS = ("sum_sq_ed", "red_grown", "red_shrunk", "sum_sq_red", "max_red")


@njit(**JIT)
def _empty():
    return ((ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO), (0.0, 0.0, 0.0, 0.0, 0.0))


@njit(**JIT)
def _narrow_parts(value):
    """A value below ``2**32`` as (high half, low half, float64): the high half is the constant
    0, so that its sums vanish from the loop."""
    return ZERO, value, float(value)


@njit(**JIT)
def _wide_parts(value):
    """Any uint64 as (high 32 bits, low 32 bits, float64)."""
    return value >> U(32), value & LOW32, float(value)


parts = static_dispatch(
    {"narrow": _narrow_parts, "wide": _wide_parts}.__getitem__, "parts",
    "``parts(mode, value)``: a result or distance as (high half, low half, float64); mode "
    "'narrow' for values below 2**32 (every exhaustive set, widths up to 16), else 'wide'.")


@njit(**LOOP)
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
              fmax(max_red, red))
    return ints, floats


@njit(**JIT)
def _merged(first, second):
    ints = (first[0][0] + second[0][0], first[0][1] + second[0][1], first[0][2] + second[0][2],
            first[0][3] + second[0][3], first[0][4] + second[0][4], first[0][5] + second[0][5],
            first[0][6] + second[0][6], first[0][7] + second[0][7],
            max(first[0][8], second[0][8]))
    floats = (first[1][0] + second[1][0], first[1][1] + second[1][1],
              first[1][2] + second[1][2], first[1][3] + second[1][3],
              fmax(first[1][4], second[1][4]))
    return ints, floats


@njit(**JIT)
def _doubled(state):
    """A row's sums counted twice (its mirror half of a symmetric table); maxima unchanged."""
    ints, floats = state
    return ((ints[0] * U(2), ints[1] * U(2), ints[2] * U(2), ints[3] * U(2), ints[4] * U(2),
             ints[5] * U(2), ints[6] * U(2), ints[7] * U(2), ints[8]),
            (floats[0] * 2.0, floats[1] * 2.0, floats[2] * 2.0, floats[3] * 2.0, floats[4]))


@njit(**JIT)
def _store(state, int_rows, float_rows, row):
    ints, floats = state
    for index in range(len(ints)):
        int_rows[row, index] = ints[index]
    for index in range(len(floats)):
        float_rows[row, index] = floats[index]


@njit(**JIT)
def _unsigned_patterns(magnitude, width):
    """Bit patterns of an unsigned operand value: one, positive."""
    return ONE, ZERO


@njit(**JIT)
def _signed_patterns(magnitude, width):
    """Bit patterns (positive, negative) of a signed operand magnitude: ``+m`` and ``-m``, one
    pattern for 0 (counted as positive) and only ``-2**(n-1)`` for ``2**(n-1)``."""
    return (ONE if magnitude >> (width - ONE) == ZERO else ZERO,
            ONE if magnitude != ZERO else ZERO)


patterns = static_dispatch(
    {"unsigned": _unsigned_patterns, "signed": _signed_patterns}.__getitem__, "patterns",
    "``patterns(kind, magnitude, width)``: the (positive, negative) bit patterns of an operand "
    "magnitude, for ``kind`` 'unsigned' or 'signed'.")


@njit(**LOOP)
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


@njit(**JIT)
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


@njit(**JIT)
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


@njit(**JIT)
def _table_rows(name, baseline, symmetric, signed, row, first_b, magnitudes, width, params,
                base_params):
    # Unsigned and signed operands get separate code, so that the unsigned loop's pattern
    # counts are the constants 1 and 0.
    if signed:
        return _row_pair(name, baseline, symmetric, row, first_b, magnitudes, width, params,
                         base_params, "signed")
    return _row_pair(name, baseline, symmetric, row, first_b, magnitudes, width, params,
                     base_params, "unsigned")


@njit(parallel=True, **JIT)
def _exhaustive_rows(name, baseline, symmetric, signed, first_b, magnitudes, width, params,
                     base_params, start, stop, int_rows, float_rows):
    """Rows ``start`` to ``stop - 1`` of the exhaustive table of operand magnitudes; row ``i``
    holds magnitudes ``i`` and ``last - i``, so every row has as many pairs as the next."""
    for row in prange(start, stop):
        state = _table_rows(name, baseline, symmetric, signed, row, first_b, magnitudes, width,
                            params, base_params)
        _store(state, int_rows, float_rows, row - start)


@njit(**JIT)
def mix(value):
    """SplitMix64's output function (Steele, Lea and Flood 2014)."""
    value = (value ^ (value >> U(30))) * U(0xBF58476D1CE4E5B9)
    value = (value ^ (value >> U(27))) * U(0x94D049BB133111EB)
    return value ^ (value >> U(31))


@njit(**JIT)
def _draw(key, index, width):
    """Draw number ``index`` of the stream ``key``: the top ``width`` bits of SplitMix64."""
    return mix(key + U(index) * U(0x9E3779B97F4A7C15)) >> (U(64) - width)


@njit(**JIT)
def _magnitude(pattern, width, signed):
    """A bit pattern as (magnitude, negative) under the design's signedness."""
    if signed and pattern >> (width - ONE):
        return (ONE << width) - pattern, True
    return pattern, False


@njit(parallel=True, **LOOP)
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
def entry_points(name: str, baseline: str):
    """The loops specialised to one design: the names are constants of these closures, so each
    design compiles (and caches) its own code."""

    @njit(**JIT)
    def exhaustive(symmetric, signed, first_b, magnitudes, width, params, base_params, start,
                   stop, int_rows, float_rows):
        _exhaustive_rows(name, baseline, symmetric, signed, first_b, magnitudes, width, params,
                         base_params, start, stop, int_rows, float_rows)

    @njit(**JIT)
    def sampled(signed, first_b, width, params, base_params, key, count, start, stop, int_rows,
                float_rows):
        _sampled_rows(name, baseline, signed, first_b, width, params, base_params, key, count,
                      start, stop, int_rows, float_rows)

    return exhaustive, sampled

FLOAT_INT_FIELDS = ("pairs", "relative_pairs", "class_mismatches", "class_mismatches_inside")
FLOAT_FLOAT_FIELDS = ("sum_red", "sum_sq_red", "sum_signed_red", "max_red")


@njit(**JIT)
def _float_empty():
    zero = np.int64(0)
    return (zero, zero, zero, zero), (0.0, 0.0, 0.0, 0.0)


@njit(inline="always", **LOOP)
def _float_step(state, name, x, y, weight, c, low, high):
    """Add the magnitude pair ``(x, y)``, standing for ``weight`` bit-pattern pairs."""
    (pairs, relative, differ_count, inside_count), (red_sum, sq_sum, signed_sum, red_max) = state
    differ, inside, both, error = float_pair(name, x, y, c, low, high)
    red = abs(error)
    share = float(weight)
    zero = np.int64(0)
    return ((pairs + weight, relative + (weight if both else zero),
             differ_count + (weight if differ else zero),
             inside_count + (weight if inside else zero)),
            (red_sum + share * red, sq_sum + share * red * red, signed_sum + share * error,
             fmax(red_max, red)))


@njit(**JIT)
def _float_merged(first, second):
    (a0, a1, a2, a3), (f0, f1, f2, f3) = first
    (b0, b1, b2, b3), (g0, g1, g2, g3) = second
    return (a0 + b0, a1 + b1, a2 + b2, a3 + b3), (f0 + g0, f1 + g1, f2 + g2, fmax(f3, g3))


@njit(**LOOP)
def _float_table_row(name, x, magnitudes, c, low, high):
    """Magnitude ``x`` against every ``y >= x``: 4 sign patterns on the diagonal, 8 above it."""
    state = _float_empty()
    for y in range(x, magnitudes):
        state = _float_step(state, name, x, y, np.int64(8 if y > x else 4), c, low, high)
    return state


@njit(parallel=True, **JIT)
def _float_exhaustive_rows(name, c, low, high, magnitudes, start, stop, int_rows,
                           float_rows):
    """Rows ``start`` to ``stop - 1`` of the exhaustive table: row ``i`` holds magnitudes ``i``
    and ``magnitudes - 1 - i`` (never the same: ``magnitudes`` is a power of two), so every row
    has ``magnitudes + 1`` pairs."""
    for row in prange(start, stop):
        state = _float_merged(_float_table_row(name, row, magnitudes, c, low, high),
                              _float_table_row(name, magnitudes - 1 - row, magnitudes, c,
                                               low, high))
        _store(state, int_rows, float_rows, row - start)


@njit(parallel=True, **LOOP)
def _float_sampled_rows(name, c, low, high, width, key, count, start, stop, int_rows,
                        float_rows):
    """Chunks ``start`` to ``stop - 1`` of ``count`` random pairs of bit patterns, drawn as for
    integer designs (:func:`_sampled_rows`); only their magnitudes are read."""
    mask = (ONE << (width - ONE)) - ONE
    for row in prange(start, stop):
        state = _float_empty()
        for index in range(row * CHUNK, min(row * CHUNK + CHUNK, count)):
            x = np.int64(_draw(key, 2 * index, width) & mask)
            y = np.int64(_draw(key, 2 * index + 1, width) & mask)
            state = _float_step(state, name, x, y, np.int64(1), c, low, high)
        _store(state, int_rows, float_rows, row - start)


@lru_cache(maxsize=None)
def float_entry_points(name: str):
    """The floating-point loops specialised to the design ``name`` (as :func:`entry_points`)."""

    @njit(**JIT)
    def exhaustive(c, low, high, magnitudes, start, stop, int_rows, float_rows):
        _float_exhaustive_rows(name, c, low, high, magnitudes, start, stop, int_rows,
                               float_rows)

    @njit(**JIT)
    def sampled(c, low, high, width, key, count, start, stop, int_rows, float_rows):
        _float_sampled_rows(name, c, low, high, width, key, count, start, stop, int_rows,
                            float_rows)

    return exhaustive, sampled
