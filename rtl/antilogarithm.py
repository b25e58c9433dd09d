from amaranth.hdl import Cat, Module
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

    Parameters
    ----------
    characteristic_width : int
    frac_bits : int
    width : int
        Width of ``result``; bits above it are lost.

    Members
    -------
    characteristic : In(characteristic_width)
    fraction : In(frac_bits)
    result : Out(width)
    """

    def __init__(self, *, characteristic_width: int, frac_bits: int, width: int):
        self._characteristic_width = check_int(
            characteristic_width, name="Characteristic width", minimum=0)
        self._frac_bits = check_int(frac_bits, name="Fraction bits", minimum=0)
        self._width = check_int(width, name="Width", minimum=1)
        super().__init__({
            "characteristic": In(characteristic_width),
            "fraction":       In(frac_bits),
            "result":         Out(width),
        })

    def elaborate(self, platform):
        m = Module()

        m.submodules.shifter = shifter = BarrelShifter(
            width=self._frac_bits + 1, amount_width=self._characteristic_width,
            direction="left", result_width=self._frac_bits + self._width)
        m.d.comb += [
            shifter.value.eq(Cat(self.fraction, 1)),
            shifter.amount.eq(self.characteristic),
            self.result.eq(shifter.result[self._frac_bits:]),
        ]
        return m
