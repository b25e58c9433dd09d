from amaranth.hdl import C, Cat, Module, Mux
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from .params import check_int
from .shifter import BarrelShifter

__all__ = ["Antilogarithm"]


class Antilogarithm(wiring.Component):
    """Mitchell's antilogarithm: ``floor(2**k * (1 + x))`` from the fixed-point word ``{k, x}``.

    The mantissa ``1.x`` is shifted left by ``k`` into a word ``frac_bits`` bits wider than the
    result, and the low ``frac_bits`` bits are dropped. This is the paper's "left shift when
    ``k >= frac_bits``, else right shift" done with one left shifter; the dropped bits truncate
    toward zero.

    With ``carry_select``, the shift is ``k + carry``: the shifter is driven by ``k`` alone, which
    can be ready long before the fraction and its carry (``k1 + k2`` straight from the leading-one
    detectors), and ``carry`` then picks, as one final 2:1 mux, between the shifted word and the
    same word shifted by one more place.

    Parameters
    ----------
    characteristic_width : int
    frac_bits : int
    width : int
        Width of ``result``; bits above it are lost.
    carry_select : bool

    Members
    -------
    characteristic : In(characteristic_width)
    fraction : In(frac_bits)
    carry : In(1)
        Only with ``carry_select``: one more place of shift.
    result : Out(width)
    """

    def __init__(self, *, characteristic_width: int, frac_bits: int, width: int,
                 carry_select: bool = False):
        self._characteristic_width = check_int(
            characteristic_width, name="Characteristic width", minimum=0)
        self._frac_bits = check_int(frac_bits, name="Fraction bits", minimum=0)
        self._width = check_int(width, name="Width", minimum=1)
        if not isinstance(carry_select, bool):
            raise TypeError(f"Carry select must be True or False, not {carry_select!r}")
        self._carry_select = carry_select
        members = {
            "characteristic": In(characteristic_width),
            "fraction":       In(frac_bits),
            "result":         Out(width),
        }
        if carry_select:
            members["carry"] = In(1)
        super().__init__(members)

    def elaborate(self, platform):
        m = Module()

        m.submodules.shifter = shifter = BarrelShifter(
            width=self._frac_bits + 1, amount_width=self._characteristic_width,
            direction="left", result_width=self._frac_bits + self._width)
        m.d.comb += [
            shifter.value.eq(Cat(self.fraction, 1)),
            shifter.amount.eq(self.characteristic),
        ]
        shifted = shifter.result
        if self._carry_select:
            shifted = Mux(self.carry, Cat(C(0, 1), shifted), shifted)
        m.d.comb += self.result.eq(shifted[self._frac_bits:self._frac_bits + self._width])
        return m
