"""Scalar reference models in plain Python integers and fractions.

Written from the paper's algebra rather than from the hardware's bit fields, so that the tests can
cross-check the vectorised models in :mod:`mitchell.sim.golden` against something independent.
"""
import functools
from fractions import Fraction
from math import floor

from ..rtl.mitchell import check_drop


def truncating(model):
    """``model`` with a ``drop`` option, the log-domain designs' truncated product: the result
    less its remainder modulo ``2**drop``."""
    @functools.wraps(model)
    def truncated(a: int, b: int, *, drop: int = 0, **options) -> int:
        value = model(a, b, **options)
        return value - value % 2 ** check_drop(drop, width=options["width"])
    return truncated


def exact_scalar(a: int, b: int, *, width: int) -> int:
    return a * b


@truncating
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
    return _antilog(k1 + k2, _mantissa(a, frac_bits) + _mantissa(b, frac_bits))


def _mantissa(n: int, bits: int) -> Fraction:
    """The mantissa ``x = n / 2**k - 1`` of ``n > 0``, truncated to ``bits`` binary places."""
    k = n.bit_length() - 1
    return Fraction(floor(Fraction(n - 2 ** k, 2 ** k) * 2 ** bits), 2 ** bits)


def _antilog(k: int, x: Fraction) -> int:
    """``floor(2**k * (1 + x))`` for a fraction sum ``x`` below 1, carrying into k otherwise."""
    if x >= 1:
        return floor(2 ** (k + 1) * x)
    return floor(2 ** k * (1 + x))


@truncating
def mitch_w_scalar(a: int, b: int, *, width: int, w: int) -> int:
    """Mitch-w: each operand cut to its top ``w`` bits, leading one included, the last of them
    replaced by a 1: the mantissa truncated to ``w - 2`` bits, plus half a unit of its last place."""
    if a == 0 or b == 0:
        return 0
    half = Fraction(1, 2 ** (w - 1))
    x1, x2 = _mantissa(a, w - 2) + half, _mantissa(b, w - 2) + half
    return _antilog(a.bit_length() + b.bit_length() - 2, x1 + x2)


@truncating
def dr_alm_scalar(a: int, b: int, *, width: int, t: int) -> int:
    """DR-ALM: each mantissa truncated to ``t - 2`` places plus half a unit of the last (Mitch-w),
    and one more half unit added to their sum."""
    if a == 0 or b == 0:
        return 0
    half = Fraction(1, 2 ** (t - 1))
    x1, x2 = _mantissa(a, t - 2) + half, _mantissa(b, t - 2) + half
    return _antilog(a.bit_length() + b.bit_length() - 2, x1 + x2 + half)


@truncating
def mbm_scalar(a: int, b: int, *, width: int, frac_bits: int | None = None) -> int:
    """MBM: Mitchell plus C = 1/12 without a carry or C/2 with one, both truncated to F bits,
    unless the corrected fraction would reach 1."""
    if a == 0 or b == 0:
        return 0
    bits = width - 1 if frac_bits is None else frac_bits
    k = a.bit_length() + b.bit_length() - 2
    total = _mantissa(a, bits) + _mantissa(b, bits)
    if total < 1:
        corrected = total + Fraction(2 ** bits // 12, 2 ** bits)
        return floor(2 ** k * (1 + (corrected if corrected < 1 else total)))
    corrected = total - 1 + Fraction(2 ** bits // 24, 2 ** bits)
    return floor(2 ** (k + 1) * (1 + (corrected if corrected < 1 else total - 1)))


@truncating
def realm_scalar(a: int, b: int, *, width: int, m: int, t: int) -> int:
    """REALM from its algebra: mantissas truncated to F = t places (plus half a place each when
    truncated), Mitchell's two cases, the segment's factor s added to the mantissa sum below 1,
    s/2 (floored to F places) to its fraction at or above 1; below 1, a corrected mantissa of 2
    or more is halved into the next binade (floored to F places); at or above 1, the corrected
    fraction is capped just below 1."""
    from ..rtl.realm_table import realm_table  # the design's hard-wired table, not a model
    if a == 0 or b == 0:
        return 0
    bits = t
    m = min(m, bits)
    unit = Fraction(1, 2 ** bits)
    x1, x2 = _mantissa(a, bits), _mantissa(b, bits)
    segment = floor(x1 * 2 ** m) * 2 ** m + floor(x2 * 2 ** m)
    factor = realm_table(m=m, frac_bits=bits)[segment] * unit
    total = x1 + x2 + (unit if bits < width - 1 else 0)
    k = a.bit_length() + b.bit_length() - 2
    if total < 1:
        mantissa = 1 + total + factor
        if mantissa >= 2:
            k, mantissa = k + 1, 1 + floor((mantissa - 2) / 2 / unit) * unit
        return floor(2 ** k * mantissa)
    factor = floor(factor / 2 / unit) * unit
    return floor(2 ** (k + 1) * (1 + min(total - 1 + factor, 1 - unit)))


@truncating
def alm_soa_scalar(a: int, b: int, *, width: int, w: int) -> int:
    """ALM-SOA: log words ``k * 2**F + x * 2**F`` added with the low w result bits forced to 1 and
    the carry out of them equal to the AND of both words' bit w-1."""
    if a == 0 or b == 0:
        return 0
    bits = width - 1
    words = [(n.bit_length() - 1) * 2 ** bits + (n - 2 ** (n.bit_length() - 1)) * 2 ** bits
             // 2 ** (n.bit_length() - 1) for n in (a, b)]
    carry = (words[0] // 2 ** (w - 1)) % 2 * ((words[1] // 2 ** (w - 1)) % 2)
    total = (words[0] // 2 ** w + words[1] // 2 ** w + carry) * 2 ** w + 2 ** w - 1
    k, fraction = divmod(total, 2 ** bits)
    return floor(2 ** k * (1 + Fraction(fraction, 2 ** bits)))


def ilm_scalar(a: int, b: int, *, width: int, corrections: int) -> int:
    """ILM: ``(a*b - r1*r2)`` from the basic block, plus the same for the residues, recursively."""
    if a == 0 or b == 0:
        return 0
    k1, k2 = a.bit_length() - 1, b.bit_length() - 1
    r1, r2 = a - 2 ** k1, b - 2 ** k2
    block = a * b - r1 * r2
    return block if corrections == 0 else block + ilm_scalar(r1, r2, width=width,
                                                             corrections=corrections - 1)


def nearest_one_scalar(a: int, b: int, *, width: int) -> int:
    """Nearest-one: ``a*b - r1*r2`` with ``r = N - 2**k'`` for the nearest power of two (ties up)."""
    if a == 0 or b == 0:
        return 0

    def nearest(n: int) -> int:
        low = 2 ** (n.bit_length() - 1)
        return 2 * low if n - low >= 2 * low - n else low

    r1, r2 = a - nearest(a), b - nearest(b)
    return a * b - r1 * r2


def truncated_scalar(a: int, b: int, *, width: int, cut: int, merge: int) -> int:
    """The truncated multiplier summed from its kept bits: every partial product of weight
    ``2**cut`` or more, except that the first ``merge`` symmetric pairs (by weight, then the one
    with the lowest-indexed operand bit first) count once when either is 1; plus ``2**(cut-1)``."""
    bit = lambda n, k: n >> k & 1  # noqa: E731
    pairs = sorted(((i + j, i, j) for i in range(width) for j in range(i + 1, width)
                    if i + j >= cut))[:merge]
    if len(pairs) < merge:
        raise ValueError(f"merge={merge} names more pairs than the {len(pairs)} from column {cut}")
    merged = {(i, j) for _, i, j in pairs}
    total = sum(bit(a, i) * bit(b, j) << (i + j)
                for i in range(width) for j in range(width) if i + j >= cut
                and (min(i, j), max(i, j)) not in merged)
    total += sum((bit(a, i) & bit(b, j) | bit(a, j) & bit(b, i)) << (i + j) for i, j in merged)
    return total + (2 ** (cut - 1) if cut else 0)


def signed_scalar(model, a: int, b: int, *, width: int, **options) -> int:
    """A sign-magnitude signed product of two's-complement ``width``-bit patterns, as a number."""
    def value(n: int) -> int:
        return n - 2 ** width if n >= 2 ** (width - 1) else n

    x, y = value(a), value(b)
    magnitude = model(abs(x), abs(y), width=width, **options)
    return -magnitude if (x < 0) != (y < 0) else magnitude


def mitchell_quotient_scalar(a: int, b: int, *, width: int, frac_bits: int) -> int:
    """Mitchell's quotient from the paper's two cases: ``2**(k1-k2) (1 + x1 - x2)`` when
    ``x1 >= x2``, else ``2**(k1-k2-1) (2 + x1 - x2)``; scaled by ``2**frac_bits`` and truncated."""
    if b == 0:
        return 2 ** (width + frac_bits) - 1
    if a == 0:
        return 0
    k1, k2 = a.bit_length() - 1, b.bit_length() - 1
    x1, x2 = Fraction(a, 2 ** k1) - 1, Fraction(b, 2 ** k2) - 1
    if x1 >= x2:
        quotient = Fraction(2) ** (k1 - k2) * (1 + x1 - x2)
    else:
        quotient = Fraction(2) ** (k1 - k2 - 1) * (2 + x1 - x2)
    return floor(quotient * 2 ** frac_bits)


def exact_quotient_scalar(a: int, b: int, *, width: int, frac_bits: int) -> int:
    """``floor(a / b)`` scaled by ``2**frac_bits``, from exact fractions; all ones for ``b = 0``."""
    if b == 0:
        return 2 ** (width + frac_bits) - 1
    return floor(Fraction(a, b) * 2 ** frac_bits)


def divider_port_scalar(quotient_model, a: int, b: int, *, width: int, frac_bits: int) -> int:
    """A divider's port ``{dz, q}`` as one number: ``q + 2**(width + frac_bits)`` when ``b = 0``."""
    flag = 2 ** (width + frac_bits) if b == 0 else 0
    return quotient_model(a, b, width=width, frac_bits=frac_bits) + flag
