from amaranth.hdl import C, Cat, Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out
from amaranth.utils import ceil_log2

from .lod import OneHotLeadingOneDetector
from .params import check_int

__all__ = ["Residue"]


class Residue(wiring.Component):
    """An operand split as ``N = 2**k + r`` for the residue form of Mitchell's product.

    The residue form computes Mitchell's product with no normalising shifter, no logarithm adder
    and no antilogarithm shifter. With ``N1 = 2**k1 + r1`` and ``N2 = 2**k2 + r2``
    (``0 <= r < 2**k``), let ``S = (r1 << k2) + (r2 << k1)`` and ``T = 2**(k1 + k2)``. Then
    Mitchell's product is exactly::

        P' = (S < T) ? (S | T) : (S << 1)

    Proof. Mitchell's mantissas are ``x = r / 2**k``, in ``[0, 1)``, and his two cases are

    - ``x1 + x2 < 1``:
      ``P' = 2**(k1+k2) * (1 + x1 + x2) = 2**(k1+k2) + r1*2**k2 + r2*2**k1 = T + S``;
    - ``x1 + x2 >= 1``: the carry raises the characteristic to ``k1 + k2 + 1`` and leaves the
      fraction ``x1 + x2 - 1``, so ``P' = 2**(k1+k2+1) * (x1 + x2) = 2 * S``.

    The test ``x1 + x2 < 1`` is, multiplied by ``T``, ``S < T``. When it holds, every set bit of
    ``S`` lies below bit ``k1 + k2``, the only set bit of ``T``, so adding them carries nowhere:
    ``S + T = S | T``. Both cases are integers (``T * x1 = r1 * 2**k2``), so the antilogarithm's
    floor drops nothing and the identity holds bit for bit. As ``S < 2 * T``, ``S >= T`` exactly
    when bit ``k1 + k2`` of ``S`` is set: ``S >= T`` is the OR of ``S & T``.

    Truncated mantissas. With ``frac_bits = F``, the golden model keeps
    ``x' = floor(x * 2**F) / 2**F``. If ``k <= F``, ``x * 2**F = r * 2**(F-k)`` is already an
    integer and ``x' = x``. If ``k > F``, ``x' = floor(r / 2**(k-F)) * 2**(k-F) / 2**k``: ``r``
    with its low ``k - F`` bits cleared, over ``2**k``. So in both cases ``x' = r' / 2**k`` with
    ``r'`` the residue whose bits below ``k - F`` are cleared, and the proof above holds with
    ``r'`` for ``r`` (each ``x'`` is a multiple of ``2**-F``, so the ``F``-bit fraction adder of
    the logarithmic datapath adds them exactly too). Bit ``j`` of ``r`` survives when
    ``j >= k - F``, that is when ``N`` has no one at ``j + F + 1`` or above: the mask is the
    leading-one detector's ``seen`` word shifted down by ``F + 1``, no shifter needed.

    Parameters
    ----------
    width : int
        Width of ``operand``, at least 1.
    frac_bits : int
        Mantissa fraction bits kept, 0 to ``width - 1``; ``width - 1`` keeps every bit of ``r``.

    Members
    -------
    operand : In(width)
    residue : Out(max(width - 1, 1))
        ``r'``: the operand without its leading one, bits below ``k - frac_bits`` cleared.
    onehot : Out(width)
        The leading one, ``2**k``; 0 when ``operand`` is zero.
    characteristic : Out(ceil_log2(width))
        ``k``.
    zero : Out(1)
        Set when ``operand`` is zero; the other outputs are then 0.
    """

    def __init__(self, *, width: int, frac_bits: int):
        self._width = check_int(width, name="Width", minimum=1)
        self._frac_bits = check_int(frac_bits, name="Fraction bits", minimum=0, maximum=width - 1)
        super().__init__({
            "operand":        In(width),
            "residue":        Out(max(width - 1, 1)),
            "onehot":         Out(width),
            "characteristic": Out(ceil_log2(width)),
            "zero":           Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        width, frac_bits = self._width, self._frac_bits

        m.submodules.lod = lod = OneHotLeadingOneDetector(width=width)
        m.d.comb += lod.value.eq(self.operand)

        def seen(bit):
            return lod.seen[bit] if bit < width else C(0, 1)

        # Below the leading one (a one is seen above), and not below k - frac_bits (no one at
        # bit + frac_bits + 1 or above).
        m.d.comb += [
            self.residue.eq(Cat(self.operand[bit] & seen(bit + 1) & ~seen(bit + frac_bits + 1)
                                for bit in range(width - 1))),
            self.onehot.eq(lod.onehot),
            self.characteristic.eq(lod.position),
            self.zero.eq(lod.zero),
        ]
        return m
