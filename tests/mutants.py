"""Deliberately wrong multipliers: the checks must catch each of them."""
import dataclasses

from amaranth.hdl import Module
from amaranth.lib import wiring

from mitchell.rtl import DaddaMultiplier, MitchellDivider, MitchellMultiplier, Multiplier
from mitchell.rtl.dadda import DaddaPlan, Gate
from mitchell.rtl.pipeline import delay


class FlippedBit(Multiplier):
    """Mitchell's multiplier with bit ``bit`` of the antilog output inverted when ``a`` is odd."""

    def __init__(self, *, width: int, bit: int, stages: int = 0):
        super().__init__(width=width, stages=stages)
        self.bit = bit

    def elaborate(self, platform):
        m = Module()
        m.submodules.core = core = MitchellMultiplier(width=self.width, stages=self.stages)
        a_odd = delay(m, self.a[0], count=self.stages, name="a_odd")
        m.d.comb += [
            core.a.eq(self.a),
            core.b.eq(self.b),
            self.p.eq(core.p ^ (a_odd << self.bit)),
        ]
        return m


class ExtraLatency(Multiplier):
    """Mitchell's multiplier with one register more than its ``stages`` says."""

    def elaborate(self, platform):
        m = Module()
        m.submodules.core = core = MitchellMultiplier(width=self.width, stages=self.stages)
        m.d.comb += [
            core.a.eq(self.a),
            core.b.eq(self.b),
            self.p.eq(delay(m, core.p, count=1, name="late")),
        ]
        return m


class WrongDivider(wiring.Component):
    """Mitchell's divider with the lowest quotient bit inverted when ``a`` is odd."""

    stages = 0

    def __init__(self, *, width: int, frac_bits: int):
        self.inner = MitchellDivider(width=width, frac_bits=frac_bits)
        super().__init__(self.inner.signature)

    def elaborate(self, platform):
        m = Module()
        m.submodules.inner = inner = self.inner
        m.d.comb += [
            inner.a.eq(self.a),
            inner.b.eq(self.b),
            self.p.q.eq(inner.p.q ^ self.a[0]),
            self.p.dz.eq(inner.p.dz),
        ]
        return m


class DroppedCarry(DaddaMultiplier):
    """The Dadda multiplier with the carry of its highest full adder (the one whose carry goes to the
    highest column) replaced by a constant 0, written as ``x ^ x``: wherever that carry is 1,
    ``p`` is ``a * b - 2**dropped_column``."""

    @property
    def plan(self) -> DaddaPlan:
        plan = super().plan
        gates = list(plan.gates)
        gate = gates[self._carry(plan)]
        gates[self._carry(plan)] = Gate("xor", (gate.inputs[0],) * 2, gate.step, gate.column)
        return dataclasses.replace(plan, gates=tuple(gates))

    @property
    def dropped_column(self) -> int:
        plan = super().plan
        return plan.gates[self._carry(plan)].column

    @staticmethod
    def _carry(plan: DaddaPlan) -> int:
        return max((node for node, gate in enumerate(plan.gates) if gate.op == "maj"),
                   key=lambda node: plan.gates[node].column)
