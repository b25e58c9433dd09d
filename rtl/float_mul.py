"""Floating-point multipliers: Mitchell's bit-pattern addition (and L-Mul), and the exact product.

Both apply the same guards, listed once in :mod:`mitchell.sim.float_golden` (NaN and infinity
propagation, subnormal operands and results flushed to zero, overflow to infinity, or NaN in
E4M3), so that they differ only in how the magnitude of a product of two normal numbers is formed.

:class:`FloatMitchellMultiplier` (``variant="mitchell"`` or ``"lmul"``) is a fraction adder whose
carry enters the exponent adder that subtracts the bias, plus the guards; L-Mul (Luo and Sun
2024) adds ``2**-l(m)`` to the fraction sum (``l(m) = m`` for ``m <= 3``, 3 for ``m = 4``, 4
above; fp32's constant becomes 0x3f780000). :class:`ExactFloatMultiplier` multiplies the
significands, normalises by one bit and rounds to nearest even, with the same guards. Pipeline
registers go after the operands, after the sum (product), then at the output.

Measured with ``mitchell area --format F --flow all`` (combinational; Yosys ``abc -g cmos2``
transistors, iCE40 LUT4 and Fmax, OSU 0.18 um area, OpenSTA delay, dynamic power at 100 MHz):

| design | transistors (ratio) | iCE40 LUT4 | Fmax MHz | area um2 (ratio) | delay ns | dynamic mW |
|---|---|---|---|---|---|---|
| exact fp8-e4m3 | 1,230 | 75 | 84 | 5,190 | 2.91 | 0.602 |
| mitchell fp8-e4m3 | 588 (0.478) | 35 | 134 | 2,680 (0.516) | 1.83 | 0.300 |
| exact fp16 | 6,968 | 377 | 48 | 30,070 | 6.51 | 3.548 |
| mitchell fp16 | 1,164 (0.167) | 60 | 98 | 5,325 (0.177) | 2.93 | 0.559 |
| exact bf16 | 4,394 | 241 | 53 | 18,214 | 5.68 | 2.127 |
| mitchell bf16 | 1,420 (0.323) | 69 | 93 | 6,593 (0.362) | 2.63 | 0.724 |
| lmul bf16 | 1,480 (0.337) | 83 | 81 | 6,755 (0.371) | 2.87 | 0.701 |
| exact fp32 | 31,974 | 1,669 | 32 | 124,423 | 12.53 | 15.244 |
| mitchell fp32 | 2,396 (0.075) | 113 | 75 | 10,095 (0.081) | 5.62 | 1.097 |

With a significand of 8 bits (bf16) the exact multiplier is small, and both designs carry the
same exception logic (class decoders on both operands, the range checks and a 5-way output
select), which is most of the Mitchell design; at fp8 it is most of either design.
"""
from amaranth.hdl import C, Cat, Module, Mux, Signal, signed
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from .float_format import FloatFormat, lookup_format
from .params import check_stages
from .pipeline import delay, plan_cuts

__all__ = ["ExactFloatMultiplier", "FLOAT_VARIANTS", "FloatMitchellMultiplier", "FloatMultiplier"]

FLOAT_VARIANTS = ("mitchell", "lmul")


def check_format(format) -> FloatFormat:
    if not isinstance(format, (str, FloatFormat)):
        raise TypeError(f"Format must be a format name or a FloatFormat, not {format!r}")
    return lookup_format(format)


class FloatMultiplier(wiring.Component):
    """Base of the floating-point multipliers: operand classes, the guards, and the registers.

    A subclass forms, in :meth:`magnitude`, the unbounded magnitude pattern of the product of two
    normal operands (a signed value that may fall below the smallest normal or above the largest
    finite); this base puts the guards around it. With ``stages`` > 0 the registers go after the
    operands, after the magnitude (:attr:`MIDDLE`), then at the output.

    Members
    -------
    a : In(format.width)
    b : In(format.width)
    p : Out(format.width)
        The product's bit pattern, ``stages`` rising edges after the operands are presented. During
        reset, and until the first operands after it reach the output, ``p`` is 0.
    """

    MIDDLE = "magnitude"
    # Design parameters (mitchell.rtl.params): none besides the format and the stages.
    PARAMETERS = ()

    def __init__(self, format, *, stages: int = 0):
        self._format = check_format(format)
        self._stages = check_stages(stages)
        width = self._format.width
        super().__init__({"a": In(width), "b": In(width), "p": Out(width)})

    @property
    def format(self) -> FloatFormat:
        return self._format

    @property
    def stages(self) -> int:
        return self._stages

    def magnitude(self, m: Module, mag_a, mag_b, *, count: int):
        """The unbounded magnitude pattern from the operands' magnitude patterns, as a signed value,
        delayed by ``count`` registers placed where the subclass chooses."""
        raise NotImplementedError

    def _classes(self, magnitude):
        """(NaN, infinity, zero or subnormal) of a magnitude pattern."""
        fmt = self.format
        if fmt.infinities:
            special = magnitude[fmt.mantissa_bits:] == fmt.exponent_max
            fraction_zero = magnitude[:fmt.mantissa_bits] == 0
            nan, infinity = special & ~fraction_zero, special & fraction_zero
        else:
            nan, infinity = magnitude == fmt.nan, C(0, 1)
        return nan, infinity, magnitude < fmt.min_normal

    def elaborate(self, platform):
        m = Module()
        fmt = self.format
        plan = plan_cuts(self.stages, ("operands", self.MIDDLE, "result"))

        a = delay(m, self.a, count=plan["operands"], name="a")
        b = delay(m, self.b, count=plan["operands"], name="b")
        mag_a, mag_b = a[:-1], b[:-1]
        nan_a, inf_a, zero_a = self._classes(mag_a)
        nan_b, inf_b, zero_b = self._classes(mag_b)
        # The exceptions are settled from the operands alone, and wait beside the magnitude.
        flags = Signal(4, name="flags")
        m.d.comb += flags.eq(Cat(
            nan_a | nan_b | (inf_a & zero_b) | (inf_b & zero_a),
            inf_a | inf_b,
            zero_a | zero_b,
            a[-1] ^ b[-1]))
        flags = delay(m, flags, count=plan[self.MIDDLE], name="flags")
        nan, infinity, zero, sign = flags[0], flags[1], flags[2], flags[3]
        total = self.magnitude(m, mag_a, mag_b, count=plan[self.MIDDLE])

        # The range checks read the sum's bits rather than compare it with constants (which
        # synthesis would build as subtractors): below the smallest normal is a negative sum or an
        # exponent part of 0; above the largest finite is a carry into the sign or beyond, or an
        # all-ones exponent field (the all-ones pattern, NaN, in a format without infinities).
        width = fmt.width
        negative = total[width + 1]
        below = negative | (total[fmt.mantissa_bits:width + 1] == 0)
        field = total[fmt.mantissa_bits:width - 1] if fmt.infinities else total[:width - 1]
        above = ~negative & (total[width - 1] | total[width] | field.all())

        sign_bit = sign << (fmt.width - 1)
        result = Signal(fmt.width, name="result")
        with m.If(nan):
            m.d.comb += result.eq(fmt.nan)
        with m.Elif(infinity):
            m.d.comb += result.eq(sign_bit | (fmt.infinity or 0))
        with m.Elif(zero | below):
            m.d.comb += result.eq(sign_bit)
        with m.Elif(above):
            m.d.comb += result.eq((sign_bit | fmt.infinity) if fmt.infinities else fmt.nan)
        with m.Else():
            m.d.comb += result.eq(sign_bit | total[:fmt.width - 1])
        m.d.comb += self.p.eq(delay(m, result, count=plan["result"], name="p"))
        return m


class FloatMitchellMultiplier(FloatMultiplier):
    """Mitchell's floating-point multiplier: an adder over the exponent and fraction fields.

    The magnitude patterns are added and the pattern of 1.0 subtracted, as the C program does:
    the fraction fields are added (with L-Mul's constant, ``variant="lmul"``) and the carry goes
    into the sum of the exponent fields less the bias. That carry is Mitchell's second case.

    Parameters
    ----------
    format : str or FloatFormat
        ``fp32``, ``bf16``, ``fp16``, ``fp8-e4m3`` or ``fp8-e5m2``.
    variant : str
        ``mitchell`` (default) or ``lmul``.
    stages : int
        Pipeline registers, 0 or more.

    Members
    -------
    a : In(format.width)
    b : In(format.width)
    p : Out(format.width)
    """

    MIDDLE = "sum"

    def __init__(self, format, *, variant: str = "mitchell", stages: int = 0):
        if variant not in FLOAT_VARIANTS:
            raise ValueError(f"Variant must be one of {', '.join(FLOAT_VARIANTS)}, not {variant!r}")
        self._variant = variant
        super().__init__(format, stages=stages)

    @property
    def variant(self) -> str:
        return self._variant

    def magnitude(self, m, mag_a, mag_b, *, count):
        fmt = self.format
        mb = fmt.mantissa_bits
        # The pattern of 1.0 has no fraction bits, so only the exponent part subtracts the bias:
        # the fraction adder's carry (Mitchell's second case) enters the exponent adder.
        offset = fmt.lmul_offset if self.variant == "lmul" else 0
        # With L-Mul's offset the sum may carry twice.
        fraction = Signal(mb + 2, name="fraction_sum")
        m.d.comb += fraction.eq(mag_a[:mb] + mag_b[:mb] + offset)
        exponent = Signal(signed(fmt.width + 2 - mb), name="exponent_sum")
        m.d.comb += exponent.eq(mag_a[mb:] + mag_b[mb:] + fraction[mb:] - fmt.bias)
        total = Signal(signed(fmt.width + 2), name="total")
        m.d.comb += total.eq(Cat(fraction[:mb], exponent))
        # Registers hold bits: the sum is read back as signed.
        return delay(m, total, count=count, name="sum").as_signed()


class ExactFloatMultiplier(FloatMultiplier):
    """The exact floating-point product, rounded to nearest even: the baseline of the Mitchell
    designs, with the same exceptions and flushes.

    A significand multiplier, a one-bit normaliser, the rounder and the exponent adder.

    Parameters
    ----------
    format : str or FloatFormat
    stages : int
        Pipeline registers, 0 or more: after the operands, after the significand product, then
        at the output.

    Members
    -------
    a : In(format.width)
    b : In(format.width)
    p : Out(format.width)
    """

    MIDDLE = "product"

    def magnitude(self, m, mag_a, mag_b, *, count):
        fmt = self.format
        mb = fmt.mantissa_bits
        significand = (mag_a[:mb] | (1 << mb)) * (mag_b[:mb] | (1 << mb))
        significand = delay(m, significand, count=count, name="significand")
        exponent = delay(m, mag_a[mb:] + mag_b[mb:], count=count, name="exponents")

        # The product of two significands in [1, 2) is in [1, 4): bit 2m + 1 says which.
        top = significand[2 * mb + 1]
        kept = Mux(top, significand[mb + 1:], significand[mb:2 * mb + 1])
        guard = Mux(top, significand[mb], significand[mb - 1])
        sticky = Mux(top, significand[:mb] != 0, significand[:mb - 1] != 0)
        up = guard & (sticky | kept[0])
        total = Signal(signed(fmt.width + 2), name="total")
        # kept holds the implicit one at bit m, so a round-up carrying out of the fraction lands
        # in the exponent by the same addition.
        m.d.comb += total.eq(((exponent + top - fmt.bias) << mb) + kept - (1 << mb) + up)
        return total
