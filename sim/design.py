"""A design point: which multiplier, at which width, with which options; its RTL and golden model."""
from dataclasses import dataclass

import numpy as np

from ..rtl import ExactMultiplier, MitchellMultiplier, Multiplier, to_verilog
from ..rtl.params import check_frac_bits, check_stages, check_width
from . import golden

VARIANTS = ("mitchell", "exact")


@dataclass(frozen=True)
class Design:
    """One multiplier configuration. Construction validates every field."""

    variant: str = "mitchell"
    width: int = 8
    frac_bits: int | None = None
    stages: int = 0

    def __post_init__(self):
        if self.variant not in VARIANTS:
            raise ValueError(f"Variant must be one of {', '.join(VARIANTS)}, not {self.variant!r}")
        check_width(self.width)
        check_stages(self.stages)
        if self.variant == "exact":
            if self.frac_bits is not None:
                raise ValueError("Fraction bits apply to logarithmic variants, not to 'exact'")
        else:
            object.__setattr__(self, "frac_bits", check_frac_bits(self.frac_bits, width=self.width))

    @property
    def default_name(self) -> str:
        return f"{self.variant}_mul"

    @property
    def label(self) -> str:
        options = [f"width={self.width}"]
        if self.frac_bits is not None:
            options.append(f"frac_bits={self.frac_bits}")
        options.append(f"stages={self.stages}")
        return f"{self.variant}({', '.join(options)})"

    @property
    def product_range(self) -> int:
        """The largest exact product magnitude: NMED's normaliser."""
        return ((1 << self.width) - 1) ** 2

    def component(self) -> Multiplier:
        if self.variant == "exact":
            return ExactMultiplier(width=self.width, stages=self.stages)
        return MitchellMultiplier(width=self.width, frac_bits=self.frac_bits, stages=self.stages)

    def golden(self, a, b) -> np.ndarray:
        if self.variant == "exact":
            return golden.exact_product(a, b, width=self.width)
        return golden.mitchell_product(a, b, width=self.width, frac_bits=self.frac_bits)

    def verilog(self, name: str | None = None) -> str:
        return to_verilog(self.component(), name=name or self.default_name)
