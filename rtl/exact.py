from amaranth.hdl import Module

from .multiplier import Multiplier
from .pipeline import delay, plan_cuts

__all__ = ["ExactMultiplier"]


class ExactMultiplier(Multiplier):
    """The exact ``a * b`` as the ``*`` operator, left whole to synthesis (Yosys's ``$mul``):
    ``exact-yosys`` in the catalogue, next to the baseline ``exact``
    (:class:`~.dadda.DaddaMultiplier`).

    With ``stages`` > 0 the first register holds the operands and the rest hold the product, so
    the whole multiplier stays between two registers: pipelining does not cut it.

    Parameters
    ----------
    width : int
        Operand width, 2 to 64.
    stages : int
        Pipeline registers, 0 or more.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
        ``a * b``, ``stages`` rising edges after the operands are presented. During reset, and
        until the first operands after it reach the output, ``p`` is 0.
    """

    CUTS = ("operands", "product")

    def elaborate(self, platform):
        m = Module()
        plan = plan_cuts(self.stages, self.CUTS)

        a = delay(m, self.a, count=plan["operands"], name="a")
        b = delay(m, self.b, count=plan["operands"], name="b")
        product = delay(m, a * b, count=plan["product"], name="product")

        m.d.comb += self.p.eq(product)
        return m
