"""Floating-point formats: field widths, bias and special encodings, one object per format.

Every part of the package that handles floating-point bit patterns (RTL, golden and scalar models,
vectors, metrics) describes a format by a :class:`FloatFormat` from :data:`FORMATS`, looked up by
name with :func:`lookup_format`.

| format | fields | bias | specials |
|---|---|---|---|
| ``fp32`` | E8M23 | 127 | IEEE 754 |
| ``bf16`` | E8M7 | 127 | IEEE 754 |
| ``fp16`` | E5M10 | 15 | IEEE 754 |
| ``fp8-e4m3`` | E4M3 | 7 | OCP: no infinities, NaN is S.1111.111, largest finite 448 |
| ``fp8-e5m2`` | E5M2 | 15 | OCP, IEEE-like |

A new format is one :class:`FloatFormat` in :data:`FORMATS`.
"""
from dataclasses import dataclass

__all__ = ["FORMATS", "FloatFormat", "lookup_format"]


@dataclass(frozen=True)
class FloatFormat:
    """A binary floating-point format: sign bit, ``exponent_bits`` exponent field, ``mantissa_bits``
    stored fraction field, from the most significant bit down.

    Exponent field 0 holds zeros and subnormals (which every design here flushes to zero). With
    ``infinities`` (IEEE 754 and OCP E5M2) the all-ones exponent field holds infinities (fraction
    0) and NaNs (fraction non-zero); without (OCP E4M3) only the all-ones pattern of exponent and
    fraction is NaN, and the all-ones exponent with other fractions holds finite numbers.

    Members
    -------
    name : str
        The name used everywhere (``--format``), such as ``"bf16"``.
    width : int
        Bits in a pattern.
    bias : int
        Exponent bias: a normal pattern with exponent field ``e`` and fraction ``f`` stands for
        ``(1 + f / 2**mantissa_bits) * 2**(e - bias)``.
    """

    name: str
    exponent_bits: int
    mantissa_bits: int
    bias: int
    infinities: bool = True

    @property
    def width(self) -> int:
        return 1 + self.exponent_bits + self.mantissa_bits

    @property
    def sign_mask(self) -> int:
        return 1 << (self.width - 1)

    @property
    def magnitude_mask(self) -> int:
        """The pattern bits below the sign: exponent and fraction fields."""
        return self.sign_mask - 1

    @property
    def mantissa_mask(self) -> int:
        return (1 << self.mantissa_bits) - 1

    @property
    def exponent_max(self) -> int:
        """The all-ones exponent field."""
        return (1 << self.exponent_bits) - 1

    @property
    def one(self) -> int:
        """The pattern of 1.0, ``bias << mantissa_bits``: the constant the bit-pattern
        addition subtracts (0x3f800000 for fp32)."""
        return self.bias << self.mantissa_bits

    @property
    def min_normal(self) -> int:
        """The magnitude pattern of the smallest normal number."""
        return 1 << self.mantissa_bits

    @property
    def max_finite(self) -> int:
        """The magnitude pattern of the largest finite number (0x7e, 448, for E4M3)."""
        if self.infinities:
            return (self.exponent_max << self.mantissa_bits) - 1
        return self.magnitude_mask - 1

    @property
    def infinity(self) -> int | None:
        """The magnitude pattern of infinity, or ``None`` for a format without infinities."""
        return self.exponent_max << self.mantissa_bits if self.infinities else None

    @property
    def nan(self) -> int:
        """The NaN every design here produces: positive, quiet (top fraction bit set) where the
        format has infinities, else the format's only NaN magnitude."""
        if self.infinities:
            return self.infinity | (1 << (self.mantissa_bits - 1))
        return self.magnitude_mask

    def overflow(self, sign):
        """The pattern of a result above the largest finite, given its sign bit (``sign_mask`` or
        0): the signed infinity, or in a format without infinities the NaN (what OCP's
        non-saturating conversion and ml_dtypes give)."""
        return sign | self.infinity if self.infinities else self.nan

    @property
    def lmul_offset(self) -> int:
        """L-Mul's constant 2**-l(m) in units of the last fraction bit: ``l(m)`` is ``m`` for
        ``m <= 3``, 3 for ``m = 4`` and 4 for ``m > 4`` (Luo and Sun 2024)."""
        m = self.mantissa_bits
        level = m if m <= 3 else 3 if m == 4 else 4
        return 1 << (m - level)


FORMATS: dict[str, FloatFormat] = {fmt.name: fmt for fmt in [
    FloatFormat("fp32", exponent_bits=8, mantissa_bits=23, bias=127),
    FloatFormat("bf16", exponent_bits=8, mantissa_bits=7, bias=127),
    FloatFormat("fp16", exponent_bits=5, mantissa_bits=10, bias=15),
    FloatFormat("fp8-e4m3", exponent_bits=4, mantissa_bits=3, bias=7, infinities=False),
    FloatFormat("fp8-e5m2", exponent_bits=5, mantissa_bits=2, bias=15),
]}


def lookup_format(name) -> FloatFormat:
    """The format called ``name``, or a ``FloatFormat`` given itself."""
    if isinstance(name, FloatFormat):
        return name
    if name not in FORMATS:
        raise ValueError(f"Format must be one of int, {', '.join(FORMATS)}, not {name!r}")
    return FORMATS[name]
