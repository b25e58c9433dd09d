"""REALM's error-reduction factors: one per segment of the square of the two mantissas.

Mitchell's product of ``A = 2**k1 (1 + x1)`` and ``B = 2**k2 (1 + x2)`` is ``2**(k1+k2) * M``
with ``M = 1 + x1 + x2`` when ``x1 + x2 < 1`` and ``M = 2 (x1 + x2)`` otherwise; the exact
mantissa product is ``P = (1 + x1)(1 + x2)`` and ``P - M`` is ``e = x1 x2`` or
``(1 - x1)(1 - x2)``. Adding ``s`` to ``M`` over a segment gives a mean relative error
``mean((s - e) / P)``, zero for ``s = mean(e / P) / mean(1 / P)``.

Both integrands separate on each side of the line ``x1 + x2 = 1``: ``e / P`` is
``g(x1) g(x2)`` below it, with ``g(x) = x / (1 + x)``, and ``h(x1) h(x2)`` on and above it, with
``h(x) = (1 - x) / (1 + x)``. So the integral over ``x2`` is closed-form (``G(x) = x - ln(1 + x)``,
``H(x) = 2 ln(1 + x) - x``), and the one over ``x1`` is taken by the midpoint rule on
``max(64, 4096 / 2**m)`` points a segment (its error, below 1e-8, is far below a factor's last
place); ``integral of 1 / P`` is ``ln((1 + b) / (1 + a)) ln((1 + d) / (1 + c))``.
"""
from functools import lru_cache
from math import log


def _g_integral(x: float) -> float:
    return x - log(1 + x)


def _h_integral(x: float) -> float:
    return 2 * log(1 + x) - x


@lru_cache(maxsize=None)
def realm_factor(i: int, j: int, m: int) -> float:
    """The factor ``s`` of segment ``(i, j)``: ``x1`` in ``[i, i+1) / 2**m``, ``x2`` likewise
    with ``j``. Symmetric: computed for ``i <= j`` only, so that ``(i, j)`` and ``(j, i)`` agree
    to the last bit."""
    if i > j:
        return realm_factor(j, i, m)
    size = 1 / (1 << m)
    a, c, d = i * size, j * size, (j + 1) * size
    points = max(64, 4096 >> m)
    step = size / points
    weighted = 0.0
    for n in range(points):
        x1 = a + (n + 0.5) * step
        split = min(max(1 - x1, c), d)  # x2 below it: no carry; from it on: carry
        below = _g_integral(split) - _g_integral(c)
        above = _h_integral(d) - _h_integral(split)
        weighted += (x1 / (1 + x1) * below + (1 - x1) / (1 + x1) * above) * step
    weights = log((1 + a + size) / (1 + a)) * log((1 + d) / (1 + c))
    return weighted / weights


@lru_cache(maxsize=None)
def realm_table(*, m: int, frac_bits: int) -> tuple[int, ...]:
    """The factors rounded to ``frac_bits`` fraction bits (in units of ``2**-frac_bits``), entry
    ``(i << m) | j`` for segment ``(i, j)``."""
    return tuple(round(realm_factor(i, j, m) * (1 << frac_bits))
                 for i in range(1 << m) for j in range(1 << m))
