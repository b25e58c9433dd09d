"""Simulated outputs against the golden model, and the result of a simulation run."""
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class Mismatch:
    a: int
    b: int
    expected: int
    got: int | str  # a str of 0/1/x/z bits when the simulator saw unknown bits

    def describe(self, *, width: int, out_width: int) -> str:
        digits = (out_width + 3) // 4
        operand_digits = (width + 3) // 4
        got = f"0x{self.got:0{digits}x} ({self.got})" if isinstance(self.got, int) else \
            f"0b{self.got} (unknown bits)"
        return (f"a=0x{self.a:0{operand_digits}x} ({self.a}) b=0x{self.b:0{operand_digits}x} ({self.b}) "
                f"expected=0x{self.expected:0{digits}x} ({self.expected}) got={got}")


@dataclass
class SimResult:
    """What one simulation run checked and found, on any simulator.

    The cocotb bench fills the counts inside the simulator's process and hands them over as JSON
    (:meth:`save`, :meth:`load`); the launcher adds what it knows (simulator, design, times).
    ``first`` holds the first few mismatches.
    """

    checked: int = 0
    mismatches: int = 0
    first: list[Mismatch] = field(default_factory=list)
    reset_problems: list[str] = field(default_factory=list)
    simulator: str = ""
    design: str = ""
    vectors: str = ""
    seed: int = 1
    sim_seconds: float = 0.0
    wall_seconds: float = 0.0
    build_seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.mismatches == 0 and not self.reset_problems

    @property
    def rate(self) -> float:
        return self.checked / self.sim_seconds if self.sim_seconds else float("inf")

    def summary(self) -> str:
        return (f"{self.simulator} {self.design}: {self.checked:,} vectors ({self.vectors}, seed "
                f"{self.seed}), {self.mismatches:,} mismatches, {self.rate:,.0f} vectors/s, "
                f"wall {self.wall_seconds:.1f} s (build {self.build_seconds:.1f} s)")

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def load(cls, path: Path) -> "SimResult":
        fields = json.loads(path.read_text())
        fields["first"] = [Mismatch(**entry) for entry in fields["first"]]
        return cls(**fields)


def compare(a: np.ndarray, b: np.ndarray, expected: np.ndarray, got, *, keep: int = 5) -> SimResult:
    """Every output against its expected value; ``got`` must have one output per pair."""
    got = np.asarray(got, dtype=expected.dtype) if expected.dtype != object else \
        np.array([int(value) for value in got], dtype=object)
    if len(got) != len(expected):
        raise ValueError(f"{len(got)} outputs for {len(expected)} operand pairs")
    wrong = np.flatnonzero(got != expected)
    first = [Mismatch(int(a[i]), int(b[i]), int(expected[i]), int(got[i])) for i in wrong[:keep]]
    return SimResult(checked=len(expected), mismatches=len(wrong), first=first)
