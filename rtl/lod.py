from amaranth.hdl import C, Cat, Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out
from amaranth.utils import ceil_log2

from .params import check_int

__all__ = ["LeadingOneDetector"]


class LeadingOneDetector(wiring.Component):
    """Index of the most significant set bit of ``value``.

    The detector is a balanced tree: the input is padded to a power of two, and each level merges
    pairs of neighbouring nodes. A node is non-zero if either half is; its position is the upper
    half's position with a 1 prepended when the upper half is non-zero, else the lower half's with
    a 0 prepended. Each level costs one 2:1 mux, so the depth grows with ``log2(width)``, not with
    ``width`` as a chain of priority ifs would.

    Parameters
    ----------
    width : int
        Width of ``value``, at least 1.

    Members
    -------
    value : In(width)
        The operand.
    position : Out(ceil_log2(width))
        ``floor(log2(value))``; 0 when ``value`` is zero.
    zero : Out(1)
        Set when ``value`` is zero.
    """

    def __init__(self, *, width: int):
        self._width = check_int(width, name="Width", minimum=1)
        super().__init__({
            "value":    In(width),
            "position": Out(self.position_width),
            "zero":     Out(1),
        })

    @property
    def width(self) -> int:
        return self._width

    @property
    def position_width(self) -> int:
        return ceil_log2(self._width)

    def elaborate(self, platform):
        m = Module()

        padded = Cat(self.value, 0) if self._width == 1 else self.value
        # Each node is (position, zero) for a run of 2**level input bits.
        nodes = [(Cat(), ~padded[bit]) for bit in range(len(padded))]
        nodes += [(Cat(), C(1, 1))] * ((1 << ceil_log2(len(nodes))) - len(nodes))
        level = 0
        while len(nodes) > 1:
            level += 1
            merged = []
            for index in range(0, len(nodes), 2):
                (low_position, low_zero), (high_position, high_zero) = nodes[index], nodes[index + 1]
                position = Signal(level, name=f"l{level}_n{index // 2}_position")
                zero = Signal(name=f"l{level}_n{index // 2}_zero")
                m.d.comb += [
                    position.eq(Cat(Mux(high_zero, low_position, high_position), ~high_zero)),
                    zero.eq(high_zero & low_zero),
                ]
                merged.append((position, zero))
            nodes = merged

        root_position, root_zero = nodes[0]
        m.d.comb += [
            self.position.eq(root_position),
            self.zero.eq(root_zero),
        ]
        return m
