"""Error metrics of the floating-point multipliers against the exact product rounded into the format.

Over the pairs whose rounded exact product (``float-exact``, the baseline) is finite, non-zero
and normal, and whose approximate product is too: ``mred`` (mean |P' - P| / |P|), ``wcre`` (the
largest) and ``bias`` (mean (|P'| - |P|) / |P|), with P and P' the values of the two result patterns.
``pairs`` counts every pair measured and ``relative_pairs`` those the three run over.
``class_mismatches`` counts the pairs whose results differ in class (zero, normal, infinity,
NaN; subnormals are never produced): the guards are the same in both designs, so these are pairs
near the ends of the normal range where the approximation's own error (Mitchell never
overestimates, and stays within 1/9 below) moves the result across the edge, an exact product
that just overflows or a Mitchell product that just underflows. ``class_mismatches_inside``
counts those whose exact product lies further than ``EDGE`` inside the normal range, which no
approximation within ``EDGE`` can explain: it must be 0.
"""
import math
from dataclasses import dataclass, fields

import numpy as np

from ...rtl.float_format import FloatFormat
from ...sim.apply import float_values
from ...sim.float_design import FloatDesign
from .metrics import Z95

# How far (as a factor) an approximate product may lie from the exact one near the edges of the
# normal range: Mitchell's 9/8 (a relative error of 1/9), which also covers L-Mul's
# overestimate of at most 1 + 2**-l(m) <= 9/8, widened by an ulp for the exact product's rounding.
EDGE = 9 / 8
ZERO, NORMAL, INFINITY, NAN = range(4)


def decode(patterns, fmt: FloatFormat) -> tuple[np.ndarray, np.ndarray]:
    """(class, value as float64) of each pattern; subnormals are read as zeros, as every design
    here reads them."""
    patterns = np.asarray(patterns, dtype=np.uint64)
    magnitude = (patterns & np.uint64(fmt.magnitude_mask)).astype(np.int64)
    exponent = magnitude >> fmt.mantissa_bits
    fraction = magnitude & fmt.mantissa_mask
    if fmt.infinities:
        special = exponent == fmt.exponent_max
        nan, infinity = special & (fraction != 0), special & (fraction == 0)
    else:
        nan, infinity = magnitude == fmt.nan, np.zeros(len(magnitude), dtype=bool)
    kind = np.select([nan, infinity, exponent == 0], [NAN, INFINITY, ZERO], NORMAL)
    value = float_values(patterns, fmt)
    return kind, np.where(kind == ZERO, np.copysign(0.0, value), value)


@dataclass
class FloatErrorSums:
    """Running sums from which the metrics follow; partial sums from chunks add up."""

    pairs: int = 0
    relative_pairs: int = 0
    class_mismatches: int = 0
    class_mismatches_inside: int = 0
    sum_red: float = 0.0
    sum_sq_red: float = 0.0
    sum_signed_red: float = 0.0
    sum_sq_signed_red: float = 0.0
    max_red: float = 0.0

    def __add__(self, other: "FloatErrorSums") -> "FloatErrorSums":
        return FloatErrorSums(**{
            field.name: (max if field.name.startswith("max") else sum)(
                (getattr(self, field.name), getattr(other, field.name)))
            for field in fields(self)})

    def metrics(self, *, exhaustive: bool, seed: int | None) -> dict:
        count = max(self.relative_pairs, 1)
        result = {"pairs": self.pairs, "relative_pairs": self.relative_pairs,
                  "mred": self.sum_red / count, "wcre": self.max_red,
                  "bias": self.sum_signed_red / count,
                  "class_mismatches": self.class_mismatches,
                  "class_mismatches_inside": self.class_mismatches_inside,
                  "exhaustive": exhaustive, "seed": seed}
        if not exhaustive and self.relative_pairs > 1:
            result["ci95"] = {}
            for key, total, squares in (("mred", self.sum_red, self.sum_sq_red),
                                        ("bias", self.sum_signed_red, self.sum_sq_signed_red)):
                mean = total / count
                spread = math.sqrt(max(squares / count - mean * mean, 0.0) / count)
                result["ci95"][key] = [mean - Z95 * spread, mean + Z95 * spread]
        return result


def relative_errors(design: FloatDesign, a, b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Signed relative errors (|P'| - |P|) / |P| where both results are normal (NaN elsewhere),
    and the classes of the approximate and the exact results. (Both have the same sign.)"""
    fmt = design.fmt
    kind_p, approximate = decode(design.golden(a, b), fmt)
    kind_e, exact = decode(design.baseline.golden(a, b), fmt)
    both = (kind_p == NORMAL) & (kind_e == NORMAL)
    with np.errstate(invalid="ignore", divide="ignore"):
        errors = (np.abs(approximate) - np.abs(exact)) / np.abs(exact)
    return np.where(both, errors, np.nan), kind_p, kind_e


def inside_bounds(fmt: FloatFormat) -> tuple[float, float]:
    """The range of true products further than ``EDGE`` (and an ulp) inside the normal range."""
    _, smallest = decode([fmt.min_normal], fmt)
    _, largest = decode([fmt.max_finite], fmt)
    margin = EDGE * (1 + 2.0 ** -fmt.mantissa_bits)
    return float(smallest[0] * margin), float(largest[0] / margin)


def pair_sums(design: FloatDesign, a, b) -> FloatErrorSums:
    fmt = design.fmt
    errors, kind_p, kind_e = relative_errors(design, a, b)
    both = ~np.isnan(errors)
    signed_errors = errors[both]
    red = np.abs(signed_errors)
    # The true product of the operands, exact in float64 (significands of at most 24 bits).
    _, value_a = decode(a, fmt)
    _, value_b = decode(b, fmt)
    with np.errstate(invalid="ignore", over="ignore"):
        true = np.abs(value_a * value_b)
    low, high = inside_bounds(fmt)
    inside = (true >= low) & (true <= high)
    mismatch = kind_p != kind_e
    return FloatErrorSums(
        pairs=len(a), relative_pairs=int(both.sum()),
        class_mismatches=int(mismatch.sum()), class_mismatches_inside=int((mismatch & inside).sum()),
        sum_red=float(red.sum()), sum_sq_red=float((red * red).sum()),
        sum_signed_red=float(signed_errors.sum()),
        sum_sq_signed_red=float((signed_errors * signed_errors).sum()),
        max_red=float(red.max()) if len(red) else 0.0)
