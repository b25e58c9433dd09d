from amaranth.hdl import Cat, Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out
from amaranth.utils import ceil_log2

from .lod import LeadingOneDetector, OneHotLeadingOneDetector
from .params import check_int
from .shifter import BarrelShifter, OneHotShifter

__all__ = ["Logarithm"]

DETECTORS = ("tree", "tree-msb-first", "onehot")


class Logarithm(wiring.Component):
    """Mitchell's binary logarithm: ``log2(N) ~= k + x`` as the fixed-point word ``{k, x}``.

    A leading-one detector finds ``k``; a shifter moves the leading one to the top bit (shift by
    ``width - 1 - k``), and the bits below it are the mantissa ``x`` with ``width - 1`` fraction
    bits. When ``frac_bits < width - 1`` only the top ``frac_bits`` of them are kept: the low
    ``width - 1 - frac_bits`` bits of the normalised mantissa are dropped (truncation toward
    zero, so ``x`` never grows).

    ``detector`` picks the circuit: ``"tree"`` is a :class:`LeadingOneDetector` (a mux tree giving
    ``k`` in binary, its top bit first) feeding a :class:`BarrelShifter` by ``width - 1 - k``
    whose stages run from the bottom bit of the amount up, so the data waits for the last bit
    the tree produces; ``"tree-msb-first"`` runs the stages from the top bit down, in the order
    the tree produces them; ``"onehot"`` is a :class:`OneHotLeadingOneDetector` whose one-hot
    word drives a :class:`OneHotShifter` directly, while ``k`` is encoded in parallel for the
    adder.

    Parameters
    ----------
    width : int
    frac_bits : int
        Fraction bits kept, 0 to ``width - 1``.
    detector : "tree", "tree-msb-first" or "onehot"

    Members
    -------
    operand : In(width)
    characteristic : Out(ceil_log2(width))
        ``k``, the index of the leading one.
    fraction : Out(frac_bits)
        ``x`` scaled by ``2**frac_bits``.
    zero : Out(1)
        Set when ``operand`` is zero; ``characteristic`` and ``fraction`` are then meaningless.
    """

    def __init__(self, *, width: int, frac_bits: int, detector: str = "tree"):
        self._width = check_int(width, name="Width", minimum=1)
        self._frac_bits = check_int(frac_bits, name="Fraction bits", minimum=0, maximum=width - 1)
        if detector not in DETECTORS:
            raise ValueError(f"Detector must be one of {', '.join(DETECTORS)}, not {detector!r}")
        self._detector = detector
        super().__init__({
            "operand":        In(width),
            "characteristic": Out(ceil_log2(width)),
            "fraction":       Out(frac_bits),
            "zero":           Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        width, frac_bits = self._width, self._frac_bits

        if self._detector != "onehot":
            m.submodules.lod = lod = LeadingOneDetector(width=width)
            m.submodules.normaliser = normaliser = BarrelShifter(
                width=width, amount_width=lod.position_width, direction="left",
                msb_first=self._detector == "tree-msb-first")
            normalise_by = Signal(lod.position_width)
            m.d.comb += [
                lod.value.eq(self.operand),
                normalise_by.eq((width - 1) - lod.position),
                normaliser.value.eq(self.operand),
                normaliser.amount.eq(normalise_by),
            ]
        else:
            m.submodules.lod = lod = OneHotLeadingOneDetector(width=width)
            m.submodules.normaliser = normaliser = OneHotShifter(width=width, amounts=width)
            m.d.comb += [
                lod.value.eq(self.operand),
                normaliser.value.eq(self.operand),
                # A leading one at k asks for a shift by width - 1 - k: the one-hot word reversed.
                normaliser.select.eq(Cat(lod.onehot[::-1])),
            ]

        normalised = normaliser.result
        m.d.comb += [
            self.characteristic.eq(lod.position),
            self.fraction.eq(normalised[width - 1 - frac_bits:width - 1]),
            self.zero.eq(lod.zero),
        ]
        return m
