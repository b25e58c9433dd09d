"""Operand pairs to simulate or to measure: exhaustive, seeded random, and corner cases."""
import numpy as np

from .arrays import NATIVE_MAX_WIDTH, dtype_for

EXHAUSTIVE_MAX_WIDTH = 16


def exhaustive(width: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair, ``a`` varying slowest."""
    if width > EXHAUSTIVE_MAX_WIDTH:
        raise ValueError(f"Exhaustive vectors are limited to widths up to {EXHAUSTIVE_MAX_WIDTH} "
                         f"(2**{2 * width} pairs at width {width}); use random:N or corners")
    values = np.arange(1 << width, dtype=np.uint64)
    return np.repeat(values, 1 << width), np.tile(values, 1 << width)


def random_pairs(width: int, count: int, *, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` uniformly random pairs from NumPy's PCG64 seeded with ``seed``."""
    rng = np.random.default_rng(seed)
    if width <= NATIVE_MAX_WIDTH:
        return (rng.integers(0, 1 << width, size=count, dtype=np.uint64),
                rng.integers(0, 1 << width, size=count, dtype=np.uint64))
    # Wider operands: two 32-bit halves per value, assembled in Python ints.
    def draw() -> np.ndarray:
        high = rng.integers(0, 1 << (width - 32), size=count, dtype=np.uint64)
        low = rng.integers(0, 1 << 32, size=count, dtype=np.uint64)
        return np.array([(int(h) << 32) | int(l) for h, l in zip(high, low)], dtype=object)
    return draw(), draw()


def corner_values(width: int) -> list[int]:
    """0, 1, the maximum, powers of two, 2**k - 1 and 3 * 2**k that fit in ``width`` bits."""
    values = {0, 1, (1 << width) - 1}
    for k in range(width + 1):
        values |= {1 << k, (1 << k) - 1, 3 << k}
    return sorted(value for value in values if value < (1 << width))


def corners(width: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of corner values."""
    values = np.array(corner_values(width), dtype=dtype_for(width))
    return np.repeat(values, len(values)), np.tile(values, len(values))
