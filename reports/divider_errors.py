"""Error of Mitchell's divider against the exact quotient ``a / b`` (pairs with ``b = 0`` excluded).

Relative metrics compare ``Q = q / 2**frac_bits`` with the real quotient: ``RED = |Q - a/b| / (a/b)``
is computed exactly as ``|q*b - a*2**F| / (a*2**F)``, over pairs with ``a != 0``. They include
the truncation of ``Q`` to ``F`` fraction bits, which can lose most of a small quotient; Mitchell's
own bound shows in ``max_over`` (the largest ``(Q - a/b) / (a/b)``, at most 1/8) and in
``below_exact`` (pairs where ``q`` is below the exact quotient truncated the same way,
``floor(a * 2**F / b)``: never). ``er`` is the fraction of pairs where ``q`` differs from it.
"""
import numpy as np

from ..sim.golden import mitchell_quotient
from ..sim.vectors import VectorSet
from .error_analysis import DEFAULT_SAMPLES, EXHAUSTIVE_DEFAULT_MAX_WIDTH, check_samples
from .metrics import error_sums


def _numbers(values, width: int) -> np.ndarray:
    # a * 2**F and q * b need up to 3 * width + 2 bits.
    return np.asarray(values, dtype=np.uint64) if 3 * width + 2 <= 64 else \
        np.array([int(v) for v in values], dtype=object)


def divider_metrics(*, width: int, frac_bits: int, samples: int | None = None, seed: int = 1) -> dict:
    exhaustive = samples is None and width <= EXHAUSTIVE_DEFAULT_MAX_WIDTH
    spec = "exhaustive" if exhaustive else \
        f"random:{DEFAULT_SAMPLES if samples is None else check_samples(samples)}"
    totals = None
    below = wrong = divisions = 0
    max_over = 0.0
    for a, b in VectorSet(spec, width, seed).chunks():
        keep = b != 0
        a, b = a[keep], b[keep]
        q = _numbers(mitchell_quotient(a, b, width=width, frac_bits=frac_bits), width)
        a, b = _numbers(a, width), _numbers(b, width)
        scaled = a * (1 << frac_bits)
        truncated = scaled // b
        below += int((q < truncated).sum())
        wrong += int((q != truncated).sum())
        divisions += len(a)
        approx = q * b
        over = (approx > scaled) & (scaled != 0)
        if over.any():
            excess = (approx[over] - scaled[over]).astype(np.float64) / scaled[over].astype(np.float64)
            max_over = max(max_over, float(excess.max()))
        sums = error_sums(scaled, approx)
        totals = sums if totals is None else totals + sums
    metrics = totals.metrics(normaliser=1, exhaustive=exhaustive, seed=None if exhaustive else seed)
    result = {key: metrics[key] for key in ("pairs", "exhaustive", "seed", "mred", "wcre", "bias")}
    result.update({"max_over": max_over, "er": wrong / divisions, "below_exact": below})
    return result
