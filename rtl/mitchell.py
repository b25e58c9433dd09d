from amaranth.hdl import Cat, Module, Mux, Signal, Value
from amaranth.utils import ceil_log2

from .antilogarithm import Antilogarithm
from .logarithm import Logarithm
from .multiplier import Multiplier
from .params import check_frac_bits
from .pipeline import delay, plan_cuts

__all__ = ["LogMultiplier", "MitchellMultiplier"]


class LogMultiplier(Multiplier):
    """A multiplier in the logarithmic domain: logarithms, one adder, antilogarithm.

    ``a`` and ``b`` are turned into fixed-point logarithms ``{k, x}`` (:class:`Logarithm`), added as
    plain integers (a carry out of the fraction field increments ``k``, which is exactly Mitchell's
    ``x1 + x2 >= 1`` case), and the sum is turned back by :class:`Antilogarithm`. ``p`` is 0 when
    either operand is 0. Descendants of Mitchell's design change one step each: the fraction
    fed to the adder (:meth:`fraction`) or the adder (:meth:`add`).

    Pipeline registers go, in this order, after the logarithms (with the zero flag), after the
    adder, and on the product; more than three stages add registers on the product.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
        The approximate product, ``stages`` rising edges after the operands are presented. During
        reset, and until the first operands after it reach the output, ``p`` is 0.
    """

    CUTS = ("logarithms", "sum", "product")

    def __init__(self, *, width: int, frac_bits: int | None = None, stages: int = 0):
        super().__init__(width=width, stages=stages)
        self._frac_bits = check_frac_bits(frac_bits, width=width)

    @property
    def frac_bits(self) -> int:
        """Fraction bits taken from each normalised operand."""
        return self._frac_bits

    @property
    def sum_frac_bits(self) -> int:
        """Fraction bits of the words the adder adds."""
        return self._frac_bits

    @property
    def characteristic_width(self) -> int:
        """Width of the summed characteristic: one more bit than an operand's, for the carry."""
        return ceil_log2(self.width) + 1

    def fraction(self, m: Module, fraction: Value) -> Value:
        """The fraction bits the adder sees for one operand."""
        return fraction

    def add(self, m: Module, word_a: Value, word_b: Value) -> Value:
        """The sum of the two logarithm words, ``sum_frac_bits + characteristic_width`` bits."""
        return word_a + word_b

    def elaborate(self, platform):
        m = Module()
        width, frac_bits = self.width, self.sum_frac_bits
        plan = plan_cuts(self.stages, self.CUTS)

        m.submodules.log_a = log_a = Logarithm(width=width, frac_bits=self.frac_bits)
        m.submodules.log_b = log_b = Logarithm(width=width, frac_bits=self.frac_bits)
        m.d.comb += [
            log_a.operand.eq(self.a),
            log_b.operand.eq(self.b),
        ]

        # An operand of 0 has no logarithm; the flag travels with the data and forces p to 0.
        # Its registers reset to 1 so that p reads 0, not 1, during reset.
        either_zero = delay(m, log_a.zero | log_b.zero,
                            count=plan["logarithms"] + plan["sum"], name="either_zero", init=1)
        log_word_a = delay(m, Cat(self.fraction(m, log_a.fraction), log_a.characteristic),
                           count=plan["logarithms"], name="log_a")
        log_word_b = delay(m, Cat(self.fraction(m, log_b.fraction), log_b.characteristic),
                           count=plan["logarithms"], name="log_b")

        log_sum = Signal(frac_bits + self.characteristic_width)
        m.d.comb += log_sum.eq(self.add(m, log_word_a, log_word_b))
        log_sum = delay(m, log_sum, count=plan["sum"], name="log_sum")

        m.submodules.antilog = antilog = Antilogarithm(
            characteristic_width=self.characteristic_width, frac_bits=frac_bits,
            width=2 * width)
        m.d.comb += [
            antilog.characteristic.eq(log_sum[frac_bits:]),
            antilog.fraction.eq(log_sum[:frac_bits]),
        ]

        product = delay(m, Mux(either_zero, 0, antilog.result),
                        count=plan["product"], name="product")
        m.d.comb += self.p.eq(product)
        return m


class MitchellMultiplier(LogMultiplier):
    """Mitchell's logarithmic multiplier (J. N. Mitchell, IRE Trans. EC-11, 1962).

    The result never exceeds ``a * b`` and is at least ``8/9`` of it when all fraction bits are
    kept. With ``frac_bits < width - 1`` each mantissa is truncated to its top ``frac_bits`` bits
    before the addition (the lower bits are dropped, not rounded), so the adder and the antilog
    shifter shrink; the antilog then drops the bits below the integer point as it always does.

    Parameters
    ----------
    width : int
        Operand width, 2 to 64.
    frac_bits : int or None
        Mantissa fraction bits, 0 to ``width - 1``; ``None`` (default) keeps all ``width - 1``.
    stages : int
        Pipeline registers, 0 or more.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
        The approximate product, ``stages`` rising edges after the operands are presented. During
        reset, and until the first operands after it reach the output, ``p`` is 0.
    """
