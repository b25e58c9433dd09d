from amaranth.hdl import C, Cat, Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out
from amaranth.utils import ceil_log2

from .params import check_int

__all__ = ["LeadingOneDetector", "OneHotLeadingOneDetector"]


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


class OneHotLeadingOneDetector(wiring.Component):
    """The most significant set bit of ``value`` as a one-hot word, its index encoded in parallel.

    A parallel-prefix OR from the top (Sklansky: ``log2(width)`` levels of 2-input ORs) gives
    ``seen``, whose bit ``i`` is set when ``value`` has a one at ``i`` or above. The leading one is
    where ``seen`` starts: ``onehot[i] = value[i] & ~seen[i + 1]``, one gate after the prefix. No
    mux chain lies between the operand and the one-hot word, so a shifter driven by it (see
    :class:`~mitchell.rtl.shifter.OneHotShifter`) starts early; the binary ``position`` comes
    from one OR tree per bit of the index, in parallel with whatever the one-hot word drives.

    Parameters
    ----------
    width : int
        Width of ``value``, at least 1.

    Members
    -------
    value : In(width)
        The operand.
    onehot : Out(width)
        Bit ``floor(log2(value))`` set, every other bit clear; 0 when ``value`` is zero.
    seen : Out(width)
        Bit ``i`` set when any bit of ``value`` at ``i`` or above is set: ones from the leading
        one down to bit 0.
    position : Out(ceil_log2(width))
        ``floor(log2(value))``; 0 when ``value`` is zero.
    zero : Out(1)
        Set when ``value`` is zero.
    """

    def __init__(self, *, width: int):
        self._width = check_int(width, name="Width", minimum=1)
        super().__init__({
            "value":    In(width),
            "onehot":   Out(width),
            "seen":     Out(width),
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
        width = self._width

        # Sklansky's prefix, from the top: at level j every block of 2**(j+1) bits ORs the lowest
        # bit of its upper half (the OR of that whole half by then) into each bit of its lower half.
        seen = [self.value[bit] for bit in range(width)]
        span = 1
        while span < width:
            for bit in range(width):
                upper_half_start = (bit // (2 * span)) * 2 * span + span
                if bit < upper_half_start < width:
                    node = Signal(name=f"seen_l{span}_b{bit}")
                    m.d.comb += node.eq(seen[bit] | seen[upper_half_start])
                    seen[bit] = node
            span *= 2
        seen_above = seen[1:] + [C(0, 1)]

        onehot = Cat(self.value[bit] & ~seen_above[bit] for bit in range(width))
        m.d.comb += [
            self.seen.eq(Cat(seen)),
            self.onehot.eq(onehot),
            self.position.eq(Cat(
                Cat(onehot[bit] for bit in range(width) if bit >> index & 1).any()
                for index in range(self.position_width))),
            self.zero.eq(~seen[0]),
        ]
        return m
