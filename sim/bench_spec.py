"""What a cocotb bench run checks, handed from the launching process to the simulator's Python."""
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .design import Design
from .vectors import VectorSet

ENVIRONMENT_VARIABLE = "MITCHELL_BENCH_SPEC"


@dataclass
class BenchSpec:
    design: dict
    vectors: str
    seed: int
    check_reset: bool
    result_path: str
    # Set to check Mitchell's divider of design["width"] bits with these quotient fraction bits,
    # its output packed as {dz, q}, instead of a multiplier.
    divider_frac_bits: int | None = None

    @property
    def out_width(self) -> int:
        width = self.design["width"]
        if self.divider_frac_bits is None:
            return 2 * width
        return width + self.divider_frac_bits + 1

    def to_design(self) -> Design:
        return Design(**self.design)

    def vector_set(self) -> VectorSet:
        return VectorSet(self.vectors, self.design["width"], self.seed)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def from_environment(cls) -> "BenchSpec":
        return cls(**json.loads(Path(os.environ[ENVIRONMENT_VARIABLE]).read_text()))


@dataclass
class BenchResult:
    """What a simulator run found; ``first`` holds up to eight ``[a, b, expected, got]``."""

    checked: int = 0
    mismatches: int = 0
    first: list = field(default_factory=list)
    seconds: float = 0.0
    reset_problems: list = field(default_factory=list)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def load(cls, path: Path) -> "BenchResult":
        return cls(**json.loads(path.read_text()))
