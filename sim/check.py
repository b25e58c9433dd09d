"""Comparison of simulated outputs with the golden model."""
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Mismatch:
    a: int
    b: int
    expected: int
    got: int | str  # a str of 0/1/x/z bits when the simulator saw unknown bits

    def describe(self, width: int) -> str:
        digits = (2 * width + 3) // 4
        operand_digits = (width + 3) // 4
        got = f"0x{self.got:0{digits}x} ({self.got})" if isinstance(self.got, int) else \
            f"0b{self.got} (unknown bits)"
        return (f"a=0x{self.a:0{operand_digits}x} ({self.a}) b=0x{self.b:0{operand_digits}x} ({self.b}) "
                f"expected=0x{self.expected:0{digits}x} ({self.expected}) got={got}")


@dataclass
class Comparison:
    checked: int
    mismatches: int
    first: list[Mismatch] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.mismatches == 0


def compare(a: np.ndarray, b: np.ndarray, expected: np.ndarray, got, *, keep: int = 5) -> Comparison:
    """Every output against its expected value; ``got`` must have one output per pair."""
    got = np.asarray(got, dtype=expected.dtype) if expected.dtype != object else \
        np.array([int(value) for value in got], dtype=object)
    if len(got) != len(expected):
        raise ValueError(f"{len(got)} outputs for {len(expected)} operand pairs")
    wrong = np.flatnonzero(got != expected)
    first = [Mismatch(int(a[i]), int(b[i]), int(expected[i]), int(got[i])) for i in wrong[:keep]]
    return Comparison(checked=len(expected), mismatches=len(wrong), first=first)
