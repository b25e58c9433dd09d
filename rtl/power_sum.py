from amaranth.hdl import Cat, Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from .params import check_int
from .shifter import BarrelShifter

__all__ = ["PowerSum"]


class PowerSum(wiring.Component):
    """``2**(k1+k2) + r1 * 2**k2 + r2 * 2**k1``, the basic block of the iterative logarithmic
    multipliers: the product ``(2**k1 + r1)(2**k2 + r2)`` without its ``r1 * r2`` term.

    Three barrel shifters and two adders; the residues may be two's complement (``signed``), in
    which case they are sign-extended before shifting. The result is taken modulo
    ``2**result_width``.

    Members
    -------
    k1, k2 : In(characteristic_width)
    r1, r2 : In(residue_width)
    result : Out(result_width)
    """

    def __init__(self, *, characteristic_width: int, residue_width: int, result_width: int,
                 signed: bool = False):
        self._characteristic_width = check_int(characteristic_width, name="Characteristic width",
                                               minimum=1)
        check_int(residue_width, name="Residue width", minimum=1)
        self._result_width = check_int(result_width, name="Result width", minimum=1)
        self._signed = bool(signed)
        super().__init__({
            "k1": In(characteristic_width),
            "k2": In(characteristic_width),
            "r1": In(residue_width),
            "r2": In(residue_width),
            "result": Out(result_width),
        })

    def elaborate(self, platform):
        m = Module()
        width, amount = self._result_width, self._characteristic_width

        def extended(residue):
            if self._signed:
                return Cat(residue, residue[-1].replicate(width - len(residue)))
            return residue

        m.submodules.r1_shift = r1_shift = BarrelShifter(
            width=width, amount_width=amount, direction="left")
        m.submodules.r2_shift = r2_shift = BarrelShifter(
            width=width, amount_width=amount, direction="left")
        m.submodules.power = power = BarrelShifter(
            width=1, amount_width=amount + 1, direction="left", result_width=width)
        exponent = Signal(amount + 1)
        m.d.comb += [
            r1_shift.value.eq(extended(self.r1)),
            r1_shift.amount.eq(self.k2),
            r2_shift.value.eq(extended(self.r2)),
            r2_shift.amount.eq(self.k1),
            exponent.eq(self.k1 + self.k2),
            power.value.eq(1),
            power.amount.eq(exponent),
            self.result.eq(power.result + r1_shift.result + r2_shift.result),
        ]
        return m
