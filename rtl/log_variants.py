"""Descendants of Mitchell's multiplier that change one step of its logarithmic datapath."""
from amaranth.hdl import C, Cat, Module, Mux, Signal, Value

from .mitchell import DROP, LogMultiplier, architecture_parameter
from .params import Parameter, check_int, check_width
from .realm_table import realm_table

__all__ = ["DynamicRangeMultiplier", "MitchW", "MinimallyBiasedMultiplier", "ReducedErrorMultiplier",
           "SetOneAdderMultiplier", "check_mitch_w", "check_realm_m", "check_w"]


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
    drop : int or None
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
                  architecture_parameter(), DROP)

    def __init__(self, *, width: int, w: int | None = None, stages: int = 0,
                 arch: str | None = None, drop: int | None = None):
        self._w = self.PARAMETERS[0].resolve(w, width=check_width(width))
        super().__init__(width=width, frac_bits=self._w - 2, stages=stages, arch=arch, drop=drop)

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


def default_dr_alm_t(width: int) -> int:
    return min(6, width + 1)


def check_dr_alm_t(t, *, width: int) -> int:
    """The ``t`` of DR-ALM: 2 to ``width + 1`` bits, leading one and set last bit included."""
    return check_int(t, name="Parameter t", minimum=2, maximum=check_width(width) + 1)


class DynamicRangeMultiplier(MitchW):
    """DR-ALM, the dynamic range approximate logarithmic multiplier (P. Yin, C. Wang, H. Waris,
    W. Liu, Y. Han and F. Lombardi, "Design and Analysis of Energy-Efficient Dynamic Range
    Approximate Logarithmic Multipliers for Machine Learning", IEEE Trans. Sustainable Computing
    6(4), 2021).

    Each operand is truncated to ``t`` bits from its leading one, the last of them set to 1, as
    in :class:`MitchW` with ``w = t``; the adder over the two logarithms then takes a carry-in of
    1 at that last place, so the fraction sum is ``x1' + x2' + 2**-(t-1)``: the compensation
    adds on average what truncation and Mitchell's approximation take away. The rest is
    Mitchell. This reading reproduces the paper's figures as a secondary source quotes them
    (8 bits, MRED over all 65,536 pairs: 4.32 % for t = 5, 2.91 % for t = 6, 2.74 % for t = 7;
    NMED 0.96e-2 and 0.70e-2 for t = 5 and 6; for t = 6 WCE 4,225 and WCRE 11.581 %), which
    plain Mitch-w does not (3.19 %, WCE 4,477 at w = 6); see ``tests/test_front_variants.py``.

    Parameters
    ----------
    width : int
    t : int or None
        Truncated operand width, leading one and set last bit included: 2 to ``width + 1``.
        ``None`` (default) is ``min(6, width + 1)``, the paper's recommended DR-ALM-6.
    stages : int
    arch : str or None
        As for :class:`LogMultiplier`.
    drop : int or None
        As for :class:`LogMultiplier`.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
    """

    UNFIT = {"residue": "its carry-in is added to the logarithm adder, which the residue "
                        "datapath does not have"}
    PARAMETERS = (Parameter("t", default=default_dr_alm_t, check=check_dr_alm_t,
                            help="operand bits kept from the leading one, the last set to 1, "
                                 "plus a carry-in (default 6)"),
                  architecture_parameter(UNFIT, design="DynamicRangeMultiplier"), DROP)

    def __init__(self, *, width: int, t: int | None = None, stages: int = 0,
                 arch: str | None = None, drop: int | None = None):
        t = self.PARAMETERS[0].resolve(t, width=check_width(width))
        super().__init__(width=width, w=t, stages=stages, arch=arch, drop=drop)

    @property
    def t(self) -> int:
        return self.w

    def add(self, m: Module, word_a: Value, word_b: Value) -> Value:
        return self.sum(m, word_a, word_b, C(1, 1))


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
    PARAMETERS = (architecture_parameter(UNFIT, design="MinimallyBiasedMultiplier"), DROP)

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
                  architecture_parameter(UNFIT, design="SetOneAdderMultiplier"), DROP)

    def __init__(self, *, width: int, w: int | None = None, stages: int = 0,
                 arch: str | None = None, drop: int | None = None):
        self._w = self.PARAMETERS[0].resolve(w, width=check_width(width))
        super().__init__(width=width, stages=stages, arch=arch, drop=drop)

    @property
    def w(self) -> int:
        return self._w

    def add(self, m: Module, word_a: Value, word_b: Value) -> Value:
        w = self._w
        carry_in = word_a[w - 1] & word_b[w - 1]
        upper = self.sum(m, word_a[w:], word_b[w:], carry_in)
        return Cat(C((1 << w) - 1, w), upper)


def default_realm_m(width: int) -> int:
    return min(3, width - 1)


def default_realm_t(width: int) -> int:
    return width - 1


def check_realm_t(t, *, width: int) -> int:
    """The ``t`` of REALM: 1 to ``width - 1`` mantissa bits kept."""
    return check_int(t, name="Parameter t", minimum=1, maximum=check_width(width) - 1)


def check_realm_m(m, *, width: int) -> int:
    """The ``m`` of REALM: 0 to ``min(6, width - 1)`` fraction bits index the factor table (a
    ``2**m`` by ``2**m`` table; 6 is already 4,096 entries)."""
    return check_int(m, name="Parameter m", minimum=0, maximum=min(6, check_width(width) - 1))


class ReducedErrorMultiplier(LogMultiplier):
    """REALM, after H. Saadat, H. Javaid, A. Ignjatovic and S. Parameswaran, "REALM: Reduced-Error
    Approximate Log-based Integer Multiplier", DATE 2020: MBM's single constant replaced by a
    hard-wired table of error-reduction factors, one per segment of the mantissa square.

    The square ``[0, 1)^2`` of the two mantissas is cut into ``2**m`` by ``2**m`` segments, the
    segment of a pair picked by the top ``m`` fraction bits of each operand. In segment ``(i, j)``
    the factor ``s`` is the one that makes the mean relative error of ``2**(k1+k2) * (M + s)``
    zero over the segment, ``M`` being Mitchell's mantissa product (``1 + x1 + x2`` without a
    carry, ``2 (x1 + x2)`` with one) and the mean taken over continuous uniform mantissas:
    ``s = (integral of e / P) / (integral of 1 / P)`` with ``P = (1 + x1)(1 + x2)`` and Mitchell's
    error ``e = x1 x2`` or ``(1 - x1)(1 - x2)`` (:func:`~mitchell.rtl.realm_table.realm_table`).
    ``round(s * 2**F)`` is added to the fraction of the sum without a carry and half of it
    (shifted right, the same table) with one, as MBM does with 1/12. Where the corrected fraction
    reaches 1 without a carry, the mantissa ``1 + f + s`` has passed 2: the characteristic goes
    up by one and the fraction is ``(f + s - 1) / 2`` (the corrected fraction shifted right), so
    nothing is lost; with a carry (only next to ``x1 = x2 = 1``, where ``s`` is a few units) it
    saturates at all ones, which keeps the product within ``2 * width`` bits. ``m = 0`` is one segment, MBM's idea with the
    constant integrated rather than 1/12.

    With ``t`` below ``width - 1`` the mantissas are truncated to ``F = t`` bits and the
    fraction adder's carry-in is set: half a unit of the last place appended to each operand,
    as Mitch-w and DR-ALM (Yin et al. 2021) do, which cancels the truncation's bias on average.

    Our reading of the paper, whose text we could not read beyond its abstract: it quotes mean
    errors of 0.4 % to 1.6 % and a bias mostly within 0.05 % for its configurations; its factor
    tables and their quantisation are not reproduced here, and the handling of a corrected
    fraction that reaches 1 is ours.

    Parameters
    ----------
    width : int
    m : int or None
        Fraction bits of each operand that index the table: ``2**m`` by ``2**m`` segments
        (all ``t`` of them when ``t < m``). ``None`` (default) is ``min(3, width - 1)``.
    t : int or None
        Mantissa bits kept (``F``), 1 to ``width - 1``; ``None`` (default) keeps all
        ``width - 1``.
    stages : int
    arch : str or None
        As for :class:`LogMultiplier`.
    drop : int or None
        As for :class:`LogMultiplier`.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
    """

    UNFIT = {"residue": "its factors are added to the fraction sum, which the residue datapath "
                        "never forms"}
    PARAMETERS = (Parameter("m", default=default_realm_m, check=check_realm_m,
                            help="fraction bits indexing the 2^m x 2^m factor table (default 3)"),
                  Parameter("t", default=default_realm_t, check=check_realm_t,
                            help="mantissa bits kept, the sum's carry-in set when fewer than "
                                 "width-1 (default width-1)"),
                  architecture_parameter(UNFIT, design="ReducedErrorMultiplier"), DROP)

    def __init__(self, *, width: int, m: int | None = None, t: int | None = None,
                 stages: int = 0, arch: str | None = None, drop: int | None = None):
        self._m = self.PARAMETERS[0].resolve(m, width=check_width(width))
        t = self.PARAMETERS[1].resolve(t, width=width)
        super().__init__(width=width, frac_bits=t, stages=stages, arch=arch, drop=drop)

    @property
    def m(self) -> int:
        return self._m

    @property
    def t(self) -> int:
        return self.frac_bits

    @property
    def segment_bits(self) -> int:
        """The fraction bits that index the table: ``m``, or all ``frac_bits`` if fewer."""
        return min(self._m, self.frac_bits)

    @property
    def table(self) -> tuple[int, ...]:
        """The factors in units of ``2**-frac_bits``, entry ``(i << s) | j`` for segment
        ``(i, j)`` (``i`` from ``a``, ``s`` = :attr:`segment_bits`)."""
        return realm_table(m=self.segment_bits, frac_bits=self.frac_bits)

    @property
    def truncated(self) -> bool:
        """Whether the mantissas lose bits, and the adder's carry-in appends half a unit."""
        return self.frac_bits < self.width - 1

    def add(self, m: Module, word_a: Value, word_b: Value) -> Value:
        frac_bits, bits = self.frac_bits, self.segment_bits
        table = self.table
        fraction_sum = Signal(frac_bits + 1)
        factor = Signal(max(1, max(table).bit_length()))
        corrected = Signal(frac_bits + 1)
        m.d.comb += fraction_sum.eq(self.sum(m, word_a[:frac_bits], word_b[:frac_bits],
                                             C(int(self.truncated), 1)))
        if bits:
            index = Cat(word_b[frac_bits - bits:frac_bits], word_a[frac_bits - bits:frac_bits])
            with m.Switch(index):
                for entry, value in enumerate(table):
                    with m.Case(entry):
                        m.d.comb += factor.eq(value)
        else:
            m.d.comb += factor.eq(table[0])
        m.d.comb += corrected.eq(self.sum(
            m, fraction_sum[:frac_bits], Mux(fraction_sum[frac_bits], factor >> 1, factor)))
        carry, overflow = fraction_sum[frac_bits], corrected[frac_bits]
        fraction = Mux(overflow, Mux(carry, C((1 << frac_bits) - 1, frac_bits),
                                     Cat(corrected[1:frac_bits], C(0, 1))),
                       corrected[:frac_bits])
        characteristic = self.sum(m, word_a[frac_bits:], word_b[frac_bits:], carry | overflow)
        return Cat(fraction, characteristic)
