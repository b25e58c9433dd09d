"""Operand pairs to simulate or to measure: exhaustive, seeded random, and corner cases."""
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ..rtl.params import check_int
from .arrays import NATIVE_MAX_WIDTH, dtype_for

EXHAUSTIVE_MAX_WIDTH = 16
# The most random pairs in one part of a set: as many as the largest exhaustive set.
MAX_RANDOM = 1 << (2 * EXHAUSTIVE_MAX_WIDTH)


BLOCK = 1 << 18


def check_seed(seed) -> int:
    return check_int(seed, name="Seed", minimum=0)


def check_exhaustive(width: int) -> None:
    if width > EXHAUSTIVE_MAX_WIDTH:
        raise ValueError(f"Exhaustive vectors are limited to widths up to {EXHAUSTIVE_MAX_WIDTH} "
                         f"(2**{2 * width} pairs at width {width}); use random:N or corners")


def exhaustive_block(width: int, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``start`` to ``stop - 1`` of the exhaustive order: pair ``i`` is ``(i >> width, i % 2**width)``."""
    index = np.arange(start, stop, dtype=np.uint64)
    return index >> np.uint64(width), index & np.uint64((1 << width) - 1)


def exhaustive(width: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair, ``a`` varying slowest."""
    check_exhaustive(width)
    return exhaustive_block(width, 0, 1 << (2 * width))


def _random_block(rng: np.random.Generator, width: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    if width <= NATIVE_MAX_WIDTH:
        return (rng.integers(0, 1 << width, size=count, dtype=np.uint64),
                rng.integers(0, 1 << width, size=count, dtype=np.uint64))
    # Wider operands: two halves per value, assembled in Python ints.
    def draw() -> np.ndarray:
        high = rng.integers(0, 1 << (width - 32), size=count, dtype=np.uint64)
        low = rng.integers(0, 1 << 32, size=count, dtype=np.uint64)
        return np.array([(int(h) << 32) | int(l) for h, l in zip(high, low)], dtype=object)
    return draw(), draw()


def random_pairs(width: int, count: int, *, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` uniformly random pairs from NumPy's PCG64 seeded with ``seed``."""
    return _random_block(np.random.default_rng(seed), width, count)


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


def _pair(text: str, width: int) -> tuple[int, int] | None:
    """The operands of a ``pair:A,B`` part (decimal, each below ``2**width``), or None."""
    values = text.split(",")
    if len(values) != 2 or not all(v.isascii() and v.isdigit() and len(v) <= 20 for v in values):
        return None
    a, b = (int(value) for value in values)
    return (a, b) if max(a, b) < 1 << width else None


@dataclass(frozen=True)
class VectorSet:
    """A sequence of operand pairs named by a spec: ``exhaustive``, ``random:N``, ``corners``,
    ``pair:A,B`` (one pair, in decimal: a counterexample to replay), or several joined with ``+``
    (``random:100000+corners``). Random pairs are drawn in order from one generator seeded with
    ``seed``, so the same spec and seed always give the same pairs."""

    spec: str
    width: int
    seed: int = 1
    # A floating-point format's name: corners are then its special values (sim/float_vectors.py).
    format: str = "int"

    def __post_init__(self):
        check_seed(self.seed)
        for part in self.parts:
            kind, _, count = part.partition(":")
            if kind == "exhaustive" and not count:
                check_exhaustive(self.width)
            elif kind == "corners" and not count:
                pass
            elif kind == "pair" and _pair(count, self.width) is not None:
                pass
            # ASCII digits only: str.isdigit() and int() also take other scripts' digits.
            elif kind == "random" and count.isascii() and count.isdigit() and \
                    0 < int(count) <= MAX_RANDOM:
                pass
            else:
                where = "" if part == self.spec else f" in {self.spec!r}"
                raise ValueError(f"Vectors must be exhaustive, random:N (N from 1 to "
                                 f"{MAX_RANDOM:,}), corners or pair:A,B (A and B below "
                                 f"2**{self.width}), joined with '+', not {part!r}{where}")

    @classmethod
    def default(cls, width: int, seed: int = 1, format: str = "int") -> "VectorSet":
        """Exhaustive up to 8 bits, else 100,000 random pairs plus the corners."""
        return cls("exhaustive" if width <= 8 else "random:100000+corners", width, seed, format)

    @property
    def parts(self) -> list[str]:
        return self.spec.split("+")

    @property
    def count(self) -> int:
        total = 0
        for part in self.parts:
            kind, _, count = part.partition(":")
            if kind == "exhaustive":
                total += 1 << (2 * self.width)
            elif kind == "random":
                total += int(count)
            elif kind == "pair":
                total += 1
            else:
                total += len(self._corners()[0])
        return total

    def chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The pairs in order, in blocks of at most ``BLOCK``."""
        rng = np.random.default_rng(self.seed)
        for part in self.parts:
            kind, _, count = part.partition(":")
            if kind == "exhaustive":
                total = 1 << (2 * self.width)
                for start in range(0, total, BLOCK):
                    yield exhaustive_block(self.width, start, min(start + BLOCK, total))
            elif kind == "random":
                remaining = int(count)
                while remaining:
                    size = min(BLOCK, remaining)
                    yield _random_block(rng, self.width, size)
                    remaining -= size
            elif kind == "pair":
                dtype = dtype_for(self.width)
                yield tuple(np.array([value], dtype=dtype) for value in _pair(count, self.width))
            else:
                yield self._corners()

    def _corners(self) -> tuple[np.ndarray, np.ndarray]:
        if self.format == "int":
            return corners(self.width)
        from .float_vectors import float_corners
        return float_corners(self.format)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """All pairs at once."""
        blocks = list(self.chunks())
        dtype = dtype_for(self.width)
        return (np.concatenate([a.astype(dtype) for a, _ in blocks]),
                np.concatenate([b.astype(dtype) for _, b in blocks]))
