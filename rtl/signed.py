from amaranth.hdl import Module, Mux, Signal

from .multiplier import Multiplier
from .pipeline import delay

__all__ = ["SignedMultiplier"]


class SignedMultiplier(Multiplier):
    """Two's-complement operands around an unsigned multiplier, in sign-magnitude.

    The magnitudes of ``a`` and ``b`` go to ``core`` (an unsigned multiplier of the same width:
    the largest magnitude, that of ``-2**(width-1)``, is ``2**(width-1)`` and fits), and the
    product is negated when exactly one operand is negative. The sign waits ``core.stages``
    registers beside the core, so latency and throughput are the core's.

    Members
    -------
    a : In(width)
        Two's complement.
    b : In(width)
        Two's complement.
    p : Out(2 * width)
        Two's complement.
    """

    def __init__(self, core: Multiplier):
        if not isinstance(core, Multiplier):
            raise TypeError(f"Core must be a Multiplier, not {core!r}")
        super().__init__(width=core.width, stages=core.stages)
        self._core = core

    def elaborate(self, platform):
        m = Module()
        width = self.width
        m.submodules.core = core = self._core
        negative = Signal()
        m.d.comb += [
            core.a.eq(Mux(self.a[-1], -self.a, self.a)),
            core.b.eq(Mux(self.b[-1], -self.b, self.b)),
            negative.eq(self.a[-1] ^ self.b[-1]),
        ]
        negative = delay(m, negative, count=self.stages, name="negative")
        m.d.comb += self.p.eq(Mux(negative, -core.p, core.p)[:2 * width])
        return m
