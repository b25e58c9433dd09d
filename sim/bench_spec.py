"""What a cocotb bench run checks, handed from the launching process to the simulator's Python."""
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .design import Design
from .float_design import FloatDesign
from .vectors import VectorSet

ENVIRONMENT_VARIABLE = "MITCHELL_BENCH_SPEC"


@dataclass
class BenchSpec:
    """The design (as :class:`Design` fields), the vectors, whether to check reset, and where the
    bench writes its :class:`~.check.SimResult`."""

    design: dict
    vectors: str
    seed: int
    check_reset: bool
    result_path: str = ""

    @classmethod
    def of(cls, design: Design, vectors: VectorSet, *, check_reset: bool) -> "BenchSpec":
        if design.format != "int":
            fields = dict(format=design.format, variant=design.variant, stages=design.stages)
        else:
            fields = dict(variant=design.variant, width=design.width, frac_bits=design.frac_bits,
                          stages=design.stages, signed=design.signed, params=design.params)
        return cls(design=fields,
                   vectors=vectors.spec, seed=vectors.seed, check_reset=check_reset)

    def to_design(self) -> Design:
        if "format" in self.design:
            return FloatDesign(**self.design)
        fields = dict(self.design)
        # JSON turns the (name, value) pairs into lists.
        fields["params"] = tuple(tuple(pair) for pair in fields["params"])
        return Design(**fields)

    def vector_set(self) -> VectorSet:
        design = self.to_design()
        return VectorSet(self.vectors, design.width, self.seed, design.format)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def from_environment(cls) -> "BenchSpec":
        return cls(**json.loads(Path(os.environ[ENVIRONMENT_VARIABLE]).read_text()))
