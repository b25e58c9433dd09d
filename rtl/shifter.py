from amaranth.hdl import Cat, Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from .params import check_int

__all__ = ["BarrelShifter", "OneHotShifter"]


class BarrelShifter(wiring.Component):
    """Logical shift by a variable amount, as ``amount_width`` stages of 2:1 muxes.

    Stage ``j`` shifts by ``2**j`` when bit ``j`` of ``amount`` is set, so the depth is
    ``amount_width`` muxes whatever the shift amount is. Bits shifted past either end are lost and
    zeros are shifted in. The stages run from bit 0 of ``amount`` up, or with ``msb_first`` from
    the top bit down: the right order when the top bit of ``amount`` is known first, as from a
    :class:`~mitchell.rtl.lod.LeadingOneDetector`, so that each stage's data and select arrive
    together instead of the data waiting at the first stage for the last bit.

    Parameters
    ----------
    width : int
        Width of ``value``.
    amount_width : int
        Width of ``amount``; shifts range from 0 to ``2**amount_width - 1``.
    direction : "left" or "right"
    result_width : int
        Width of ``result``; defaults to ``width``. A left shift into a wider result keeps the bits
        that move past ``width``.
    msb_first : bool

    Members
    -------
    value : In(width)
    amount : In(amount_width)
    result : Out(result_width)
    """

    def __init__(self, *, width: int, amount_width: int, direction: str = "left",
                 result_width: int | None = None, msb_first: bool = False):
        if direction not in ("left", "right"):
            raise ValueError(f"Direction must be 'left' or 'right', not {direction!r}")
        self._width = check_int(width, name="Width", minimum=1)
        self._amount_width = check_int(amount_width, name="Amount width", minimum=0)
        self._direction = direction
        if result_width is None:
            result_width = width
        self._result_width = check_int(result_width, name="Result width", minimum=1)
        if not isinstance(msb_first, bool):
            raise TypeError(f"MSB first must be True or False, not {msb_first!r}")
        self._msb_first = msb_first
        super().__init__({
            "value":  In(width),
            "amount": In(amount_width),
            "result": Out(result_width),
        })

    @property
    def direction(self) -> str:
        return self._direction

    @property
    def working_width(self) -> int:
        return max(self._width, self._result_width)

    def elaborate(self, platform):
        m = Module()

        stage = Signal(self.working_width, name="stage0")
        m.d.comb += stage.eq(self.value)
        order = range(self._amount_width)
        for index in reversed(order) if self._msb_first else order:
            if self._direction == "left":
                shifted = stage << (1 << index)
            else:
                shifted = stage >> (1 << index)
            next_stage = Signal(self.working_width, name=f"stage{index + 1}")
            m.d.comb += next_stage.eq(Mux(self.amount[index], shifted, stage))
            stage = next_stage

        m.d.comb += self.result.eq(stage)
        return m


class OneHotShifter(wiring.Component):
    """Left shift by an amount given as a one-hot word, as AND-OR: no mux chain.

    Result bit ``i`` is the OR over ``j`` of ``select[j] & value[i - j]``: one AND level and a
    balanced OR tree of ``log2(amounts)`` levels, whatever the amount; the select lines act at
    the first level, so the shift does not wait for an encoded amount. It costs about
    ``width * amounts`` AND gates, against ``width * log2(amounts)`` muxes for
    :class:`BarrelShifter`: worth it on short, critical shifts such as normalisation.

    Parameters
    ----------
    width : int
        Width of ``value``.
    amounts : int
        Width of ``select``: shifts from 0 to ``amounts - 1``.
    result_width : int
        Width of ``result``; defaults to ``width`` (bits shifted past it are lost).

    Members
    -------
    value : In(width)
    select : In(amounts)
        One-hot: bit ``j`` shifts left by ``j``. With no bit set the result is 0; with several,
        the OR of those shifts.
    result : Out(result_width)
    """

    def __init__(self, *, width: int, amounts: int, result_width: int | None = None):
        self._width = check_int(width, name="Width", minimum=1)
        self._amounts = check_int(amounts, name="Amounts", minimum=1)
        if result_width is None:
            result_width = width
        self._result_width = check_int(result_width, name="Result width", minimum=1)
        super().__init__({
            "value":  In(width),
            "select": In(amounts),
            "result": Out(result_width),
        })

    def elaborate(self, platform):
        m = Module()
        # Yosys maps each reduce-OR to a balanced tree.
        m.d.comb += self.result.eq(Cat(
            Cat(self.select[amount] & self.value[bit - amount]
                for amount in range(self._amounts) if 0 <= bit - amount < self._width).any()
            for bit in range(self._result_width)))
        return m
