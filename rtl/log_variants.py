"""Descendants of Mitchell's multiplier that change one step of its logarithmic datapath."""
from amaranth.hdl import C, Cat, Module, Mux, Signal, Value

from .mitchell import LogMultiplier, architecture_parameter
from .params import Parameter, check_int, check_width

__all__ = ["MitchW", "MinimallyBiasedMultiplier", "SetOneAdderMultiplier", "check_mitch_w",
           "check_w"]


def default_mitch_w(width: int) -> int:
    return min(8, width + 1)


def check_mitch_w(w, *, width: int) -> int:
    """The ``w`` of Mitch-w: 2 to ``width + 1`` bits, leading one and appended 1 included."""
    return check_int(w, name="Parameter w", minimum=2, maximum=check_width(width) + 1)


def default_soa_w(width: int) -> int:
    return max(1, (width - 1) // 2)


def check_w(w, *, width: int) -> int:
    """The ``w`` of ALM-SOA: 1 to ``width - 1`` bits."""
    return check_int(w, name="Parameter w", minimum=1, maximum=check_width(width) - 1)


class MitchW(LogMultiplier):
    """Truncated Mitchell, "Mitch-w" (M. S. Kim, A. A. Del Barrio, L. T. Oliveira, R. Hermida and
    N. Bagherzadeh, "Efficient Mitchell's Approximate Log Multipliers for Convolutional Neural
    Networks", IEEE Trans. Computers 68(5), 2019).

    Each operand is truncated to ``w`` bits counted from its leading one, and the last of those
    bits is set to 1. So the mantissa keeps its top ``w - 2`` fraction bits (the rest are dropped)
    with a 1 after them: it becomes ``(floor(x * 2**(w-2)) + 1/2) / 2**(w-2)``, which cancels on
    average the downward bias of the truncation. The adder and the antilogarithm work on ``w - 1``
    fraction bits; the rest is Mitchell. In the residue datapath the appended 1 is bit ``k`` of a
    residue scaled by ``2**(w-1)``, and the product's low ``w - 1`` bits are dropped at the end.

    ``w`` is the paper's ``w``: it counts the leading one and the appended 1. The authors' own
    code says so (github.com/albertodbg/log-arithmetic): ``vhdl/logMult-w/logMultK.vhd``, whose
    generic ``K`` is the paper's ``w`` (``verilog/REAME.md``: the Verilog's ``K`` differs from
    "the one used in vhdl folder and the IEEE TC publication (W = K + 1)"), builds each adder
    operand from the characteristic, the ``K - 2`` operand bits after the leading one, and a
    constant 1, and decodes the sum as a ``K``-bit mantissa, leading one included. The default
    ``w = 8`` (capped at ``width + 1``) is the configuration the paper's abstract reports for
    CNNs (up to 88 % energy saved against an exact 32-bit multiplier, 0.2 % accuracy lost on
    ImageNet).

    Parameters
    ----------
    width : int
    w : int or None
        Truncated operand width, leading one and appended 1 included: 2 to ``width + 1``
        (``width + 1`` keeps every mantissa bit). ``None`` (default) is ``min(8, width + 1)``.
    stages : int
    arch : str or None
        As for :class:`LogMultiplier`.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
    """

    PARAMETERS = (Parameter("w", default=default_mitch_w, check=check_mitch_w,
                            help="operand bits kept from the leading one, the last set to 1, "
                                 "as in the paper (default 8)"),
                  architecture_parameter())

    def __init__(self, *, width: int, w: int | None = None, stages: int = 0,
                 arch: str | None = None):
        self._w = self.PARAMETERS[0].resolve(w, width=check_width(width))
        super().__init__(width=width, frac_bits=self._w - 2, stages=stages, arch=arch)

    @property
    def w(self) -> int:
        return self._w

    @property
    def sum_frac_bits(self) -> int:
        return self.frac_bits + 1

    @property
    def residue_scale_bits(self) -> int:
        return self.frac_bits + 1

    def fraction(self, m: Module, fraction: Value) -> Value:
        return Cat(C(1, 1), fraction)

    def residue(self, m: Module, residue: Value, onehot: Value) -> Value:
        # x * 2**(k + F + 1) = r' * 2**(F + 1) + 2**k; r' has no bit below k - F, so no carry.
        return (residue << self.residue_scale_bits) | onehot


class MinimallyBiasedMultiplier(LogMultiplier):
    """MBM, the minimally biased multiplier (H. Saadat, H. Bokhari and S. Parameswaran, "Minimally
    Biased Multipliers for Approximate Integer and Floating-Point Multiplication", IEEE TCAD
    37(11), 2018).

    Mitchell's error is ``2**(k1+k2) * x1*x2`` without a carry and ``2**(k1+k2) * (1-x1)(1-x2)``
    with one, and both average ``2**(k1+k2) / 12``. So after the adder, ``C = floor(2**F / 12)``
    (1/12 truncated to the ``F`` fraction bits) is added to the fraction of the sum when there is
    no carry, and ``C/2 = floor(2**F / 24)`` when there is one (the characteristic is one higher
    there, so half the constant adds the same amount). Where adding it would overflow the
    fraction, the correction is skipped (our reading of "skip the correction on overflow"; the
    alternative, a saturated fraction, differs on a sliver of the plane).

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
    """

    UNFIT = {"residue": "its constant is added to the fraction sum, which the residue datapath "
                        "never forms"}
    PARAMETERS = (architecture_parameter(UNFIT, design="MinimallyBiasedMultiplier"),)

    @property
    def corrections(self) -> tuple[int, int]:
        """The constants added without and with a carry, in units of ``2**-frac_bits``."""
        return (1 << self.frac_bits) // 12, (1 << self.frac_bits) // 24

    def add(self, m: Module, word_a: Value, word_b: Value) -> Value:
        frac_bits = self.frac_bits
        no_carry_constant, carry_constant = self.corrections
        fraction_sum = Signal(frac_bits + 1)
        corrected = Signal(frac_bits + 1)
        m.d.comb += [
            fraction_sum.eq(self.sum(m, word_a[:frac_bits], word_b[:frac_bits])),
            corrected.eq(self.sum(m, fraction_sum[:frac_bits],
                                  Mux(fraction_sum[frac_bits], carry_constant, no_carry_constant))),
        ]
        fraction = Mux(corrected[frac_bits], fraction_sum[:frac_bits], corrected[:frac_bits])
        characteristic = self.sum(m, word_a[frac_bits:], word_b[frac_bits:],
                                  fraction_sum[frac_bits])
        return Cat(fraction, characteristic)


class SetOneAdderMultiplier(LogMultiplier):
    """ALM-SOA, the approximate log multiplier with a set-one adder (W. Liu, J. Xu, D. Wang,
    C. Wang, P. Montuschi and F. Lombardi, "Design and Evaluation of Approximate Logarithmic
    Multipliers for Low Power Error-Tolerant Applications", IEEE TCAS-I 65(9), 2018).

    The low ``w`` bits of the adder over the logarithm words are a set-one adder: their outputs
    are all 1 and no carry chain runs through them; the carry into the exact upper part is the AND
    of the two words' bit ``w - 1``. All ``width - 1`` fraction bits are kept. The paper sweeps
    ``w``; the default here is half the fraction, ``(width - 1) // 2``.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
    """

    UNFIT = {"residue": "its set-one adder approximates the logarithm adder, which the residue "
                        "datapath does not have"}
    PARAMETERS = (Parameter("w", default=default_soa_w, check=check_w,
                            help="low adder bits set to one (default (width-1)//2)"),
                  architecture_parameter(UNFIT, design="SetOneAdderMultiplier"))

    def __init__(self, *, width: int, w: int | None = None, stages: int = 0,
                 arch: str | None = None):
        self._w = self.PARAMETERS[0].resolve(w, width=check_width(width))
        super().__init__(width=width, stages=stages, arch=arch)

    @property
    def w(self) -> int:
        return self._w

    def add(self, m: Module, word_a: Value, word_b: Value) -> Value:
        w = self._w
        carry_in = word_a[w - 1] & word_b[w - 1]
        upper = self.sum(m, word_a[w:], word_b[w:], carry_in)
        return Cat(C((1 << w) - 1, w), upper)
