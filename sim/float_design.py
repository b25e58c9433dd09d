"""A floating-point design point: format, variant and stages; its RTL and models.

It answers the same questions as :class:`~.design.Design` (ports, label, baseline, golden model,
Verilog), so that simulation and synthesis take either.
"""
from dataclasses import dataclass

import numpy as np
from amaranth.lib import wiring

from ..rtl import to_verilog
from ..rtl.float_format import FloatFormat, lookup_format
from ..rtl.params import check_stages
from ..rtl.verilog import check_module_name
from .catalogue import CATALOGUE, FLOAT_PREFIX, Entry, float_variants

def check_float_variant(variant) -> str:
    variants = float_variants()
    if variant not in variants:
        raise ValueError(f"Variant with --format must be one of {', '.join(variants)}, "
                         f"not {variant!r}")
    return variant


@dataclass(frozen=True)
class FloatDesign:
    """One floating-point multiplier: ``format`` (a name of :data:`~mitchell.rtl.float_format.FORMATS`),
    ``variant`` (a floating-point design of the catalogue, named without ``float-``:
    ``mitchell``, ``lmul`` or ``exact``) and pipeline ``stages``."""

    format: str
    variant: str = "mitchell"
    stages: int = 0

    # Integer design options that a floating-point design does not have.
    signed = False
    frac_bits = None
    params = ()

    def __post_init__(self):
        object.__setattr__(self, "format", lookup_format(self.format).name)
        check_float_variant(self.variant)
        check_stages(self.stages)

    @property
    def options(self) -> dict:
        return {}

    @property
    def entry(self) -> Entry:
        return CATALOGUE[FLOAT_PREFIX + self.variant]

    @property
    def fmt(self) -> FloatFormat:
        return lookup_format(self.format)

    @property
    def width(self) -> int:
        return self.fmt.width

    @property
    def out_width(self) -> int:
        return self.fmt.width

    @property
    def baseline(self) -> "FloatDesign":
        return FloatDesign(self.format, self.entry.kind.baseline.removeprefix(FLOAT_PREFIX),
                           self.stages)

    @property
    def default_name(self) -> str:
        return f"{self.variant}_{self.format.replace('-', '_')}_mul"

    @property
    def label(self) -> str:
        return f"{self.variant}(format={self.format}, stages={self.stages})"

    def component(self) -> wiring.Component:
        return self.entry.component(self.format, stages=self.stages, **dict(self.entry.arguments))

    def golden(self, a, b) -> np.ndarray:
        return self.entry.golden(a, b, format=self.format)

    def scalar(self, a: int, b: int) -> int:
        return self.entry.scalar(a, b, format=self.format)

    def verilog(self, name: str | None = None) -> str:
        name = check_module_name(self.default_name if name is None else name)
        return to_verilog(self.component(), name=name)
