"""REALM's error-reduction factors: one per segment of the square of the two mantissas.

Mitchell's product of ``A = 2**k1 (1 + x1)`` and ``B = 2**k2 (1 + x2)`` is ``2**(k1+k2) * M``
with ``M = 1 + x1 + x2`` when ``x1 + x2 < 1`` and ``M = 2 (x1 + x2)`` otherwise; the exact
mantissa product is ``P = (1 + x1)(1 + x2)`` and ``P - M`` is ``e = x1 x2`` or
``(1 - x1)(1 - x2)``. Adding ``s`` to ``M`` over a segment gives a mean relative error
``mean((s - e) / P)``, zero for ``s = mean(e / P) / mean(1 / P)``. The means are taken here by
the midpoint rule on a 64 x 64 grid per segment (the integrand is smooth but for the kink along
``x1 + x2 = 1``; the rule's error, about 1e-5, is far below a factor's last place).
"""
from functools import lru_cache

#: Midpoints per segment side.
GRID = 64


def _error(x1: float, x2: float) -> float:
    """Mitchell's mantissa error ``P - M``."""
    return x1 * x2 if x1 + x2 < 1 else (1 - x1) * (1 - x2)


@lru_cache(maxsize=None)
def realm_factor(i: int, j: int, m: int) -> float:
    """The factor ``s`` of segment ``(i, j)``: ``x1`` in ``[i, i+1) / 2**m``, ``x2`` likewise
    with ``j``. Symmetric: computed for ``i <= j`` only, so that ``(i, j)`` and ``(j, i)`` agree
    to the last bit."""
    if i > j:
        return realm_factor(j, i, m)
    step = 1 / (GRID << m)
    points_1 = [(i * GRID + n + 0.5) * step for n in range(GRID)]
    points_2 = [(j * GRID + n + 0.5) * step for n in range(GRID)]
    weighted = weights = 0.0
    for x1 in points_1:
        for x2 in points_2:
            inverse = 1 / ((1 + x1) * (1 + x2))
            weighted += _error(x1, x2) * inverse
            weights += inverse
    return weighted / weights


@lru_cache(maxsize=None)
def realm_table(*, m: int, frac_bits: int) -> tuple[int, ...]:
    """The factors rounded to ``frac_bits`` fraction bits (in units of ``2**-frac_bits``), entry
    ``(i << m) | j`` for segment ``(i, j)``."""
    return tuple(round(realm_factor(i, j, m) * (1 << frac_bits))
                 for i in range(1 << m) for j in range(1 << m))
