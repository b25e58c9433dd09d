"""A design point: which multiplier, at which width, with which options; its RTL and golden model."""
from dataclasses import dataclass, field

import numpy as np

from ..rtl import (ExactMultiplier, IterativeLogMultiplier, MinimallyBiasedMultiplier,
                   MitchellMultiplier, MitchW, Multiplier, NearestOneMultiplier,
                   SetOneAdderMultiplier, SignedMultiplier, to_verilog)
from ..rtl.iterative import check_corrections
from ..rtl.log_variants import check_mitch_w, check_w, default_mitch_w, default_soa_w
from ..rtl.params import check_frac_bits, check_stages, check_width
from . import golden

# Each variant: its parameters as name: (default for a width, check from the RTL), whether
# frac_bits applies, the RTL built from (width, stages, frac_bits, params) and the golden model
# of unsigned operands.
VARIANTS = {
    "mitchell": dict(
        params={}, frac_bits=True,
        rtl=lambda w, s, f, p: MitchellMultiplier(width=w, frac_bits=f, stages=s),
        golden=lambda a, b, w, f, p: golden.mitchell_product(a, b, width=w, frac_bits=f)),
    "exact": dict(
        params={}, frac_bits=False,
        rtl=lambda w, s, f, p: ExactMultiplier(width=w, stages=s),
        golden=lambda a, b, w, f, p: golden.exact_product(a, b, width=w)),
    "mitch-w": dict(
        params={"w": (default_mitch_w, check_mitch_w)}, frac_bits=False,
        rtl=lambda w, s, f, p: MitchW(width=w, w=p["w"], stages=s),
        golden=lambda a, b, w, f, p: golden.mitch_w_product(a, b, width=w, w=p["w"])),
    "mbm": dict(
        params={}, frac_bits=True,
        rtl=lambda w, s, f, p: MinimallyBiasedMultiplier(width=w, frac_bits=f, stages=s),
        golden=lambda a, b, w, f, p: golden.mbm_product(a, b, width=w, frac_bits=f)),
    "ilm": dict(
        params={"corrections": (lambda width: 1, check_corrections)}, frac_bits=False,
        rtl=lambda w, s, f, p: IterativeLogMultiplier(width=w, corrections=p["corrections"], stages=s),
        golden=lambda a, b, w, f, p: golden.ilm_product(a, b, width=w, corrections=p["corrections"])),
    "alm-soa": dict(
        params={"w": (default_soa_w, check_w)}, frac_bits=False,
        rtl=lambda w, s, f, p: SetOneAdderMultiplier(width=w, w=p["w"], stages=s),
        golden=lambda a, b, w, f, p: golden.alm_soa_product(a, b, width=w, w=p["w"])),
    "nearest-one": dict(
        params={}, frac_bits=False,
        rtl=lambda w, s, f, p: NearestOneMultiplier(width=w, stages=s),
        golden=lambda a, b, w, f, p: golden.nearest_one_product(a, b, width=w)),
}


@dataclass(frozen=True)
class Design:
    """One multiplier configuration. Construction validates every field and fills in defaults.

    ``params`` holds variant parameters (``w`` for mitch-w and alm-soa, ``corrections`` for ilm)
    as a dict or as (name, value) pairs; it is stored as sorted pairs.
    """

    variant: str = "mitchell"
    width: int = 8
    frac_bits: int | None = None
    stages: int = 0
    signed: bool = False
    params: tuple = field(default=())

    def __post_init__(self):
        if self.variant not in VARIANTS:
            raise ValueError(f"Variant must be one of {', '.join(VARIANTS)}, not {self.variant!r}")
        spec = VARIANTS[self.variant]
        check_width(self.width)
        check_stages(self.stages)
        if not isinstance(self.signed, bool):
            raise TypeError(f"Signed must be True or False, not {self.signed!r}")
        if spec["frac_bits"]:
            object.__setattr__(self, "frac_bits", check_frac_bits(self.frac_bits, width=self.width))
        elif self.frac_bits is not None:
            with_frac = ", ".join(name for name, s in VARIANTS.items() if s["frac_bits"])
            raise ValueError(f"Fraction bits apply to {with_frac}, not to {self.variant!r}")
        given = dict(self.params)
        unknown = set(given) - set(spec["params"])
        if unknown:
            allowed = ", ".join(spec["params"]) or "none"
            raise ValueError(f"Unknown parameter {sorted(unknown)[0]!r} for {self.variant!r} "
                             f"(allowed: {allowed})")
        values = {}
        for name, (default, check) in spec["params"].items():
            values[name] = check(given[name], width=self.width) if name in given \
                else default(self.width)
        object.__setattr__(self, "params", tuple(sorted(values.items())))

    @property
    def options(self) -> dict:
        return dict(self.params)

    @property
    def default_name(self) -> str:
        return f"{self.variant.replace('-', '_')}_mul"

    @property
    def label(self) -> str:
        options = [f"width={self.width}"]
        if self.frac_bits is not None:
            options.append(f"frac_bits={self.frac_bits}")
        options += [f"{name}={value}" for name, value in self.params]
        options.append(f"stages={self.stages}")
        if self.signed:
            options.append("signed")
        return f"{self.variant}({', '.join(options)})"

    @property
    def product_range(self) -> int:
        """The largest exact product magnitude: NMED's normaliser."""
        if self.signed:
            return 1 << (2 * self.width - 2)
        return ((1 << self.width) - 1) ** 2

    def component(self) -> Multiplier:
        core = VARIANTS[self.variant]["rtl"](self.width, self.stages, self.frac_bits, self.options)
        return SignedMultiplier(core) if self.signed else core

    def _unsigned_golden(self, a, b) -> np.ndarray:
        return VARIANTS[self.variant]["golden"](a, b, self.width, self.frac_bits, self.options)

    def golden(self, a, b) -> np.ndarray:
        """Expected ``p`` for operand bit patterns ``a``, ``b``, as a bit pattern (two's complement
        when signed)."""
        if not self.signed:
            return self._unsigned_golden(a, b)
        values_a, values_b = self.to_signed(a), self.to_signed(b)
        magnitude = self._unsigned_golden(np.abs(values_a), np.abs(values_b))
        negative = (values_a < 0) ^ (values_b < 0)
        # Two's complement of the magnitude; uint64 negation wraps, Python ints go negative,
        # and the mask brings both to 2 * width bits.
        return np.where(negative, (-magnitude) & ((1 << (2 * self.width)) - 1), magnitude
                        ).astype(magnitude.dtype)

    def to_signed(self, values) -> np.ndarray:
        """Two's-complement bit patterns of ``width`` bits as signed values (int64 up to 31 bits)."""
        return _as_signed(values, self.width)

    def product_values(self, p) -> np.ndarray:
        """Products as numbers: ``p`` itself, or its two's-complement value when signed."""
        return _as_signed(p, 2 * self.width) if self.signed else p

    def exact_values(self, a, b) -> np.ndarray:
        """The exact products of the operands, as numbers."""
        if not self.signed:
            return golden.exact_product(a, b, width=self.width)
        values_a, values_b = self.to_signed(a), self.to_signed(b)
        if 2 * self.width > 62:
            values_a, values_b = values_a.astype(object), values_b.astype(object)
        return values_a * values_b

    def verilog(self, name: str | None = None) -> str:
        return to_verilog(self.component(), name=name or self.default_name)


def _as_signed(values, width: int) -> np.ndarray:
    """Two's-complement bit patterns of ``width`` bits as numbers: int64 up to 62 bits, else
    Python ints."""
    values = np.asarray(values)
    values = values.astype(np.int64 if width <= 62 else object)
    half, modulus = 1 << (width - 1), 1 << width
    return np.where(values >= half, values - modulus, values).astype(values.dtype)
