"""Error metrics of an approximate multiplier against the exact product.

Definitions (Liang, Han and Lombardi, IEEE TC 2013), over a set of pairs with exact product P and
approximate product P':

- ``er``: fraction of pairs with P' != P; ``over``: fraction with P' > P (0 for a design that
  never overestimates);
- ``med``: mean |P' - P|; ``nmed``: med / (2**n - 1)**2;
- ``wce``: max |P' - P|; ``mse``: mean (P' - P)**2; ``mean_error``: mean (P' - P);
- ``mred``: mean |P' - P| / P, ``wcre``: max |P' - P| / P and ``bias``: mean (P' - P) / P, all
  three over the pairs with P != 0 only: ``relative_pairs`` of the ``pairs``.

``pairs`` counts the pairs measured (those with a defined exact result: for a divider, ``b != 0``)
and ``relative_pairs`` those with P != 0, over which the relative metrics run. All values are
fractions, not percent. Sampled sets carry a 95 % confidence interval on ``mred``
and ``bias`` (normal approximation, 1.96 standard errors).
"""
import math
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054
ALL_PAIR_METRICS = ("er", "over", "med", "nmed", "wce", "mse", "mean_error")
RELATIVE_METRICS = ("mred", "wcre", "bias")
# (key, label, unit) of the metrics shown in tables, in order.
METRIC_LABELS = [("er", "ER", "%"), ("over", "over", "%"), ("mred", "MRED", "%"), ("wcre", "WCRE", "%"), ("bias", "bias", "%"),
                 ("nmed", "NMED", "%"), ("med", "MED", ""), ("wce", "WCE", ""), ("mse", "MSE", "")]


@dataclass
class ErrorSums:
    """Running sums from which every metric follows; partial sums from chunks add up."""

    pairs: int = 0
    nonzero: int = 0
    errors: int = 0
    over: int = 0
    sum_ed: float = 0.0
    sum_signed: float = 0.0
    sum_sq_ed: float = 0.0
    max_ed: int = 0
    sum_red: float = 0.0
    sum_signed_red: float = 0.0
    sum_sq_red: float = 0.0
    sum_sq_signed_red: float = 0.0
    max_red: float = 0.0

    def __add__(self, other: "ErrorSums") -> "ErrorSums":
        return ErrorSums(**{
            name: (max if name.startswith("max") else sum)((getattr(self, name), getattr(other, name)))
            for name in self.__dataclass_fields__})

    def metrics(self, *, normaliser: int, exhaustive: bool, seed: int | None) -> dict:
        """The metrics, with ``normaliser`` the largest exact product magnitude (NMED's divisor)."""
        if not self.pairs:
            raise ValueError("No pairs to measure")
        nonzero = max(self.nonzero, 1)
        result = {
            "pairs": self.pairs,
            "relative_pairs": self.nonzero,
            "exhaustive": exhaustive,
            "seed": seed,
            "er": self.errors / self.pairs,
            "over": self.over / self.pairs,
            "med": self.sum_ed / self.pairs,
            "nmed": self.sum_ed / self.pairs / normaliser,
            "mred": self.sum_red / nonzero,
            "wce": int(self.max_ed),
            "wcre": float(self.max_red),
            "bias": self.sum_signed_red / nonzero,
            "mse": self.sum_sq_ed / self.pairs,
            "mean_error": self.sum_signed / self.pairs,
        }
        # Which pairs each figure runs over, in the JSON itself.
        result["sets"] = {"pairs": ", ".join(ALL_PAIR_METRICS),
                          "relative_pairs": ", ".join(RELATIVE_METRICS)}
        if not exhaustive:
            result["ci95"] = {
                "mred": _interval(self.sum_red, self.sum_sq_red, nonzero),
                "bias": _interval(self.sum_signed_red, self.sum_sq_signed_red, nonzero),
            }
        return result


def _interval(total: float, total_sq: float, count: int) -> list[float]:
    mean = total / count
    variance = max(total_sq / count - mean * mean, 0.0) * count / max(count - 1, 1)
    half = Z95 * math.sqrt(variance / count)
    return [mean - half, mean + half]


def _signed_distance(exact: np.ndarray, approx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """|P' - P| as exact integers (the larger value minus the smaller, so nothing wraps around),
    and P' - P in float64."""
    over = approx > exact
    exact_distance = np.where(over, approx - exact, exact - approx)
    distance = exact_distance.astype(np.float64)
    return exact_distance, np.where(over, distance, -distance)


def _relative(signed: np.ndarray, exact_f: np.ndarray) -> np.ndarray:
    nonzero = exact_f != 0
    return np.where(nonzero, signed / np.where(nonzero, exact_f, 1.0), np.nan)


def relative_errors(exact: np.ndarray, approx: np.ndarray) -> np.ndarray:
    """The signed relative error (P' - P) / P of each pair, NaN where P = 0: the values whose
    mean is ``bias``, whose mean magnitude is ``mred`` and whose largest magnitude is ``wcre``."""
    return _relative(_signed_distance(exact, approx)[1], np.asarray(exact).astype(np.float64))


def error_sums(exact: np.ndarray, approx: np.ndarray) -> ErrorSums:
    """Sums over one chunk of pairs: unsigned, signed or Python-int arrays. Distances and
    comparisons are exact integers; sums are in float64."""
    exact_distance, signed = _signed_distance(exact, approx)
    distance = np.abs(signed)
    relative = _relative(signed, exact.astype(np.float64))
    signed_red = relative[~np.isnan(relative)]
    red = np.abs(signed_red)
    return ErrorSums(
        pairs=len(exact), nonzero=len(signed_red), errors=int((exact_distance != 0).sum()),
        over=int((signed > 0).sum()),
        sum_ed=float(distance.sum()), sum_signed=float(signed.sum()),
        sum_sq_ed=float(np.square(distance).sum()), max_ed=int(exact_distance.max(initial=0)),
        sum_red=float(red.sum()), sum_signed_red=float(signed_red.sum()),
        sum_sq_red=float(np.square(red).sum()), sum_sq_signed_red=float(np.square(signed_red).sum()),
        max_red=float(red.max(initial=0.0)),
    )


def describe_pairs(metrics: dict, *, which: str = "pairs") -> str:
    """The input set of a metrics dict, in words."""
    if metrics["exhaustive"]:
        return f"all {metrics['pairs']:,} {which}"
    return f"{metrics['pairs']:,} random {which}, seed {metrics['seed']}"


def format_metric(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "%":
        return f"{100 * value:.4f} %"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.6g}"
