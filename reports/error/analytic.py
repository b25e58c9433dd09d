"""Exact error sums of plain Mitchell multiplication (all fraction bits kept), without enumerating pairs.

Within a block of fixed characteristics ``k1 <= k2`` (``A = 2**k1``, ``B = 2**k2``, ``d = B / A``),
write ``a = A + r1`` and ``b = B + r2``. Mitchell's error ``P - P'`` is ``r1 * r2`` when
``r1 * B + r2 * A < A * B``, that is when ``r2 < T = B - r1 * d``, and ``(A - r1) * (B - r2)``
otherwise (Mitchell 1962). For each ``r1`` every sum over ``r2`` then has a closed form: powers by
Faulhaber's formulas, and relative errors through differences of harmonic numbers, since
``r2 / (B + r2) = 1 - B / (B + r2)`` and ``(B - r2) / (B + r2) = 2B / (B + r2) - 1``. Blocks
``(k1, k2)`` and ``(k2, k1)`` are mirror images, so the work is about ``4 * 2**n`` vector
elements for n-bit operands instead of ``4**n`` pairs.
"""
from typing import Callable

import numpy as np

from ...rtl.params import check_int
from .metrics import ErrorSums

# Above 24 bits the largest errors pass 2**53 and float64 would round WCE; the time also grows 16x
# per 4 bits (about 5 s at 24 bits).
MAX_WIDTH = 24
_TABLE_SIZE = 1 << 10
_HARMONIC = np.concatenate([[0.0], np.cumsum(1.0 / np.arange(1, _TABLE_SIZE + 1, dtype=np.float64))])
# r1 values per vector: bounds the memory of one step at 24 bits (blocks of up to 2**23 values).
_CHUNK = 1 << 20


def _asymptotic_difference(m1: np.ndarray, m2: np.ndarray) -> np.ndarray:
    """``H(m2) - H(m1)`` for ``m1, m2 >= 1024`` from ``H(m) = ln m + gamma + 1/2m - 1/12m^2 + 1/120m^4``
    (the next term is below 1e-20 there), arranged to keep precision when ``m2`` is near ``m1``."""
    gap = m2 - m1
    return (np.log1p(gap / m1)
            - gap / (2 * m1 * m2)
            + gap * (m1 + m2) / (12 * m1 ** 2 * m2 ** 2)
            - (m2 ** 4 - m1 ** 4) / (120 * m1 ** 4 * m2 ** 4))


def harmonic_difference(m1: np.ndarray, m2: np.ndarray) -> np.ndarray:
    """``H(m2) - H(m1) = sum(1/x for x in m1+1 .. m2)`` elementwise, for integers ``0 <= m1 <= m2``."""
    m1 = np.asarray(m1, dtype=np.float64)
    m2 = np.asarray(m2, dtype=np.float64)
    low, high = np.minimum(m1, _TABLE_SIZE), np.minimum(m2, _TABLE_SIZE)
    tabulated = _HARMONIC[high.astype(np.intp)] - _HARMONIC[low.astype(np.intp)]
    return tabulated + _asymptotic_difference(np.maximum(m1, _TABLE_SIZE), np.maximum(m2, _TABLE_SIZE))


def _block_sums(k1: int, k2: int, r1: np.ndarray) -> ErrorSums:
    """Sums over every ``r2`` of block ``(k1, k2)`` for the given ``r1`` values (``k1 <= k2``)."""
    A, B = float(1 << k1), float(1 << k2)
    r1 = r1.astype(np.float64)
    T = B - r1 * (1 << (k2 - k1))  # count of r2 without carry, at least d >= 1
    U = B - T                       # count with carry
    a = A + r1
    # Without carry: E = r1 * r2 for r2 = 0 .. T-1.
    sum_e0 = r1 * T * (T - 1) / 2
    sum_sq0 = r1 ** 2 * (T - 1) * T * (2 * T - 1) / 6
    red0 = r1 / a * (T - B * harmonic_difference(B - 1, B + T - 1))
    max_e0 = r1 * (T - 1)
    max_red0 = max_e0 / (a * (B + T - 1))
    errors0 = np.where(r1 > 0, T - 1, 0)
    # With carry: E = (A - r1) * u for u = B - r2 = 1 .. U.
    sum_e1 = (A - r1) * U * (U + 1) / 2
    sum_sq1 = (A - r1) ** 2 * U * (U + 1) * (2 * U + 1) / 6
    red1 = (A - r1) / a * (2 * B * harmonic_difference(B + T - 1, 2 * B - 1) - U)
    max_e1 = np.where(U > 0, (A - r1) * U, 0)
    max_red1 = np.where(U > 0, max_e1 / (a * (B + T)), 0.0)

    sum_ed = float((sum_e0 + sum_e1).sum())
    sum_red = float((red0 + red1).sum())
    # Both error forms are products of non-negative factors: P' never exceeds P, so over = 0.
    return ErrorSums(
        pairs=int(len(r1) * B), nonzero=int(len(r1) * B), errors=int((errors0 + U).sum()), over=0,
        sum_ed=sum_ed, sum_signed=-sum_ed, sum_sq_ed=float((sum_sq0 + sum_sq1).sum()),
        max_ed=int(max(max_e0.max(), max_e1.max())),
        sum_red=sum_red, sum_signed_red=-sum_red,
        max_red=float(max(max_red0.max(), max_red1.max())),
    )


def mitchell_error_sums(width: int, *, progress: Callable[[float], None] | None = None,
                        chunk: int = _CHUNK) -> ErrorSums:
    """Exhaustive error sums of ``width``-bit Mitchell multiplication with all fraction bits kept.

    Each block's ``r1`` values are taken ``chunk`` at a time, which bounds the memory used.
    """
    if not 2 <= width <= MAX_WIDTH:
        raise ValueError(f"The analytic method covers widths 2 to {MAX_WIDTH}, not {width}")
    check_int(chunk, name="Chunk", minimum=1)
    total = ErrorSums()
    # Pairs with a zero operand: P = P' = 0, no error, no relative error.
    total.pairs = 2 * (1 << width) - 1
    work = sum((1 << min(k1, k2)) for k1 in range(width) for k2 in range(width))
    done = 0
    for k1 in range(width):
        for k2 in range(k1, width):
            mirror = 1 if k1 == k2 else 2
            for start in range(0, 1 << k1, chunk):
                r1 = np.arange(start, min(start + chunk, 1 << k1), dtype=np.float64)
                block = _block_sums(k1, k2, r1)
                for _ in range(mirror):
                    total = total + block
            done += mirror << k1
            if progress is not None:
                progress(done / work)
    return total
