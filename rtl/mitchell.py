"""Mitchell's logarithmic multiplier and the log datapath its variants build on.

The datapath (:class:`LogMultiplier`, ``arch="serial"``):

1. :class:`~mitchell.rtl.lod.LeadingOneDetector`: a balanced tree of 2:1 muxes (depth
   ``log2(width)``) gives ``k``, the index of the leading one, and a zero flag.
2. :class:`~mitchell.rtl.logarithm.Logarithm`: a :class:`~mitchell.rtl.shifter.BarrelShifter`
   moves the leading one to the top bit; the bits under it are the mantissa ``x`` (``width - 1``
   fraction bits). With ``frac_bits`` below ``width - 1`` only the top ``frac_bits`` bits are
   kept (truncated, not rounded).
3. One adder over the words ``{k, x}``: a carry out of the fraction increments ``k``, which is
   Mitchell's ``x1 + x2 >= 1`` case.
4. :class:`~mitchell.rtl.antilogarithm.Antilogarithm`: ``1.x`` shifted left by the summed
   characteristic into a word ``frac_bits`` bits wider than the product, whose low ``frac_bits``
   bits are dropped.
5. ``p = 0`` when either operand is 0.

Pipelining (``stages``): registers go after the logarithms, then after the adder, then on the
product (more stages add product registers). One new operand pair per clock; ``p`` is valid
``stages`` rising edges later. ``rst`` is synchronous; during reset and until the first operands
after it reach the output, ``p`` reads 0.

Architectures
-------------
:class:`LogMultiplier` and the variants built on it (Mitchell, Mitch-w, MBM, ALM-SOA) take
``arch`` (``--param arch=NAME``, :data:`ARCHITECTURES`); every architecture gives the same ``p``,
bit for bit, against the same golden model (``tests/test_arch.py``).

| ``arch`` | front end (per operand) | adder | back end |
|---|---|---|---|
| ``serial`` (default) | mux-tree detector, shifter stages bottom bit first | ``+`` over ``{k, x}`` | shifter driven by ``k1 + k2 + carry`` |
| ``msb-first`` | the same tree, shifter stages top bit first | Kogge-Stone | as serial |
| ``onehot`` | one-hot leading one (prefix OR), AND-OR shifter, ``k`` encoded in parallel | Kogge-Stone | as serial |
| ``carry-select`` | as onehot; ``k1 + k2`` added straight from the detectors | Kogge-Stone over the fractions | shifter driven by ``k1 + k2``, the carry as one final shift-by-one mux |
| ``residue`` | one-hot leading one, residue ``r = N - 2^k`` | Kogge-Stone over ``S`` | ``S < T`` ? ``S`` OR ``T`` : ``S << 1`` (:mod:`mitchell.rtl.residue`) |

Measured with ``mitchell area --width 16 --flow all --param arch=NAME`` (Yosys ``abc -g cmos2``
transistors and ``ltp`` depth; OSU 0.18 um area and OpenSTA delay, combinational):

| design, 16 bits | transistors | depth | area um2 | delay ns |
|---|---|---|---|---|
| mitchell, serial | 4,010 | 59 | 14,522 | 5.81 |
| mitchell, msb-first | 4,638 | 47 | 15,783 | 4.72 |
| mitchell, onehot | 5,542 | 36 | 23,397 | 3.92 |
| mitchell, carry-select | 5,430 | 44 | 20,148 | 3.94 |
| mitchell, residue | 7,414 | 47 | 27,159 | 6.70 |
| mitch-w (w=8), serial | 2,702 | 44 | 10,573 | 4.03 |
| mbm, serial | 5,042 | 80 | 18,364 | 7.23 |
| alm-soa, serial | 3,264 | 50 | 12,417 | 4.87 |
| exact (Dadda tree) | 12,140 | 62 | 47,002 | 4.48 |

``serial`` stays the default because no architecture is both faster and within 10 % of its area
in every flow: ``msb-first`` comes nearest (16 bits: +9 % area, 0.81x delay; 32 bits: +15 %,
0.88x), and on the iCE40 its Kogge-Stone adder replaces the hard carry chain (16 bits: 383
against 294 LUT4, 50.9 against 68.6 MHz). For a standard-cell target from 12 to 24 bits, pass
``arch="msb-first"``. The standard-cell flow maps for area, with no delay target and no
buffering: ABC folds Yosys's adders back into ripple chains, and every select line of the
shifters is an internal net driven by an X1 cell, which is what keeps the delays above that of
the exact tree.
"""
from typing import NamedTuple

from amaranth.hdl import C, Cat, Module, Mux, Signal, Value
from amaranth.utils import ceil_log2

from .adder import PrefixAdder
from .antilogarithm import Antilogarithm
from .logarithm import Logarithm
from .multiplier import Multiplier
from .params import Parameter, check_frac_bits, check_int, check_width
from .pipeline import delay, plan_cuts
from .residue import Residue
from .shifter import BarrelShifter

__all__ = ["ARCHITECTURES", "DROP", "LogMultiplier", "MitchellMultiplier",
           "architecture_parameter", "check_arch", "check_drop"]


class Parts(NamedTuple):
    """What a datapath architecture is made of."""
    #: The logarithms' front end, a :class:`Logarithm` ``detector`` (unused by the residue form).
    detector: str
    #: ``"plain"`` (``+``, which Yosys maps to a Brent-Kung tree and ABC folds into a ripple
    #: chain) or ``"prefix"`` (:class:`PrefixAdder`).
    adder: str
    #: ``"serial"``, ``"carry-select"`` or ``"residue"``.
    back_end: str


#: Every datapath architecture, by name.
ARCHITECTURES = {
    "serial":       Parts("tree", "plain", "serial"),
    "msb-first":    Parts("tree-msb-first", "prefix", "serial"),
    "onehot":       Parts("onehot", "prefix", "serial"),
    "carry-select": Parts("onehot", "prefix", "carry-select"),
    "residue":      Parts("onehot", "prefix", "residue"),
}


def check_arch(arch, *, unfit: dict[str, str] | None = None, design: str = "") -> str:
    """``arch`` if it names one of :data:`ARCHITECTURES` and is not in ``unfit`` (architecture:
    why it does not fit ``design``), else raise."""
    if not isinstance(arch, str) or arch not in ARCHITECTURES:
        error = ValueError if isinstance(arch, str) else TypeError
        raise error(f"Architecture must be one of {', '.join(ARCHITECTURES)}, not {arch!r}")
    if unfit and arch in unfit:
        fitting = ", ".join(name for name in ARCHITECTURES if name not in unfit)
        raise ValueError(f"Architecture {arch!r} does not fit {design}: {unfit[arch]}; "
                         f"use one of {fitting}")
    return arch


def architecture_parameter(unfit: dict[str, str] | None = None, *,
                           design: str = "LogMultiplier") -> Parameter:
    """The ``arch`` parameter of a log-domain design that cannot be built as ``unfit``."""
    return Parameter("arch", default=lambda width: LogMultiplier.DEFAULT_ARCH,
                     check=lambda arch, *, width: check_arch(arch, unfit=unfit, design=design),
                     help="datapath architecture, the same outputs (default serial)",
                     choices=tuple(ARCHITECTURES), output=False)


def check_drop(drop, *, width: int) -> int:
    """``drop``: the low product bits forced to 0, 0 to ``2 * width - 1``."""
    return check_int(drop, name="Parameter drop", minimum=0, maximum=2 * check_width(width) - 1)


#: The ``drop`` parameter of every :class:`LogMultiplier` design: a truncated product.
DROP = Parameter("drop", default=lambda width: 0, check=check_drop,
                 help="low product bits forced to 0 (of the magnitude when signed), 0 to "
                      "2*width-1, their logic removed (default 0)", quiet=True)


class LogMultiplier(Multiplier):
    """A multiplier in the logarithmic domain: logarithms, one adder, antilogarithm.

    ``a`` and ``b`` are turned into fixed-point logarithms ``{k, x}`` (:class:`Logarithm`), added as
    plain integers (a carry out of the fraction field increments ``k``, which is exactly Mitchell's
    ``x1 + x2 >= 1`` case), and the sum is turned back by :class:`Antilogarithm`. ``p`` is 0 when
    either operand is 0. Descendants of Mitchell's design change one step each: the fraction
    fed to the adder (:meth:`fraction`) or the adder (:meth:`add`).

    ``arch`` picks the circuit (:data:`ARCHITECTURES` lists what each is made of); every one
    gives the same ``p``, bit for bit:

    - ``"serial"``: a mux-tree leading-one detector, a barrel shifter driven by its encoded output
      (bottom bit first), one adder over the words ``{k, x}``, then the antilogarithm's shifter,
      whose control is the last thing the adder produces;
    - ``"msb-first"``: serial, with the normalising shifter's stages in the order the detector
      produces the bits of ``k`` (top bit first) and a Kogge-Stone adder (:class:`PrefixAdder`);
    - ``"onehot"``: the detectors' one-hot words drive the normalising shifters directly as AND-OR
      (:class:`~.shifter.OneHotShifter`), ``k`` is encoded in parallel for the adder, a
      Kogge-Stone adder, and the serial antilogarithm;
    - ``"carry-select"``: the onehot front end and adder; ``k1 + k2`` is added straight from the
      detectors, the antilogarithm's shifter is driven by it while the fractions are still being
      added, and the fraction's carry is applied last, as one shift-by-one mux;
    - ``"residue"``: no shifter on the fraction path at all:
      ``P' = (S < T) ? (S | T) : (S << 1)`` with ``S = (r1 << k2) + (r2 << k1)``,
      ``T = 2**(k1 + k2)`` and ``r = N - 2**k`` (see :class:`Residue` for the proof, and for
      how truncated mantissas become masked residues), ``S`` through a Kogge-Stone adder.
      Variants whose step has no meaning there (a constant added to the fraction sum, an
      approximate logarithm adder) reject it.

    ``drop`` truncates the product: the approximation is floored to a multiple of
    ``2**drop`` (nothing rounded or compensated), so its low ``drop`` bits are constant 0 and
    synthesis removes the antilogarithm's logic behind them; ``p`` keeps its ``2 * width`` bits.
    A signed design truncates the magnitude, before its sign is applied.

    Pipeline registers go, in this order, after the logarithms (with the zero flag), after the
    adder, and on the product; more than three stages add registers on the product. In the
    carry-select datapath the first cut holds ``k1 + k2`` instead of ``k1`` and ``k2``, and the
    second holds ``k1 + k2``, the fraction and its carry apart. In the residue datapath the first
    cut holds the residues and characteristics (the operands' "logarithms" before
    normalisation), the second holds ``S`` and ``T``; the comparison and the final mux come
    after it.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
        The approximate product, ``stages`` rising edges after the operands are presented. During
        reset, and until the first operands after it reach the output, ``p`` is 0.
    """

    CUTS = ("logarithms", "sum", "product")
    #: The architecture built when none is given: the only one that stays within 10 % of its
    #: area in the standard-cell flow at 16 and 32 bits and on the iCE40 (this module's
    #: "Architectures").
    DEFAULT_ARCH = "serial"
    #: Architectures that do not fit the design, each with the reason; a design that has any
    #: declares them in its ``arch`` parameter too (:func:`architecture_parameter`).
    UNFIT: dict[str, str] = {}
    PARAMETERS = (architecture_parameter(), DROP)

    def __init__(self, *, width: int, frac_bits: int | None = None, stages: int = 0,
                 arch: str | None = None, drop: int | None = None):
        super().__init__(width=width, stages=stages)
        self._frac_bits = check_frac_bits(frac_bits, width=width)
        self._arch = self.arch_parameter().resolve(arch, width=width)
        self._drop = DROP.resolve(drop, width=width)

    @classmethod
    def arch_parameter(cls) -> Parameter:
        """This design's ``arch`` parameter, which knows the architectures that do not fit it."""
        return next(parameter for parameter in cls.PARAMETERS if parameter.name == "arch")

    @property
    def arch(self) -> str:
        """The datapath architecture: one of :data:`ARCHITECTURES`."""
        return self._arch

    @property
    def drop(self) -> int:
        """The low product bits forced to 0."""
        return self._drop

    @property
    def parts(self) -> Parts:
        return ARCHITECTURES[self._arch]

    @property
    def frac_bits(self) -> int:
        """Fraction bits taken from each normalised operand."""
        return self._frac_bits

    @property
    def sum_frac_bits(self) -> int:
        """Fraction bits of the words the adder adds."""
        return self._frac_bits

    @property
    def characteristic_width(self) -> int:
        """Width of the summed characteristic: one more bit than an operand's, for the carry."""
        return ceil_log2(self.width) + 1

    @property
    def residue_scale_bits(self) -> int:
        """How many places the residue datapath scales ``r`` up so that it stays an integer."""
        return 0

    def fraction(self, m: Module, fraction: Value) -> Value:
        """The fraction bits the adder sees for one operand."""
        return fraction

    def residue(self, m: Module, residue: Value, onehot: Value) -> Value:
        """The residue datapath's counterpart of :meth:`fraction`: ``x * 2**(k + scale)`` for one
        operand, from its masked residue ``r'`` and its leading one ``2**k``."""
        return residue

    def add(self, m: Module, word_a: Value, word_b: Value) -> Value:
        """The sum of the two logarithm words, ``sum_frac_bits + characteristic_width`` bits.

        Its fraction must not depend on the characteristics, and its characteristic must be
        ``k1 + k2`` plus a carry out of the fraction: the carry-select datapath adds words whose
        characteristics are 0 and takes the characteristic of the sum as that carry."""
        return self.sum(m, word_a, word_b)

    def sum(self, m: Module, a: Value, b: Value, carry_in: Value | None = None) -> Value:
        """``a + b (+ carry_in)``, one bit wider than the wider operand, through the
        architecture's adder."""
        if self.parts.adder == "plain":
            return a + b if carry_in is None else a + b + carry_in
        adder = PrefixAdder(width=max(len(a), len(b)))
        m.submodules += adder
        m.d.comb += [
            adder.a.eq(a),
            adder.b.eq(b),
            adder.carry_in.eq(0 if carry_in is None else carry_in),
        ]
        return adder.sum

    def elaborate(self, platform):
        m = Module()
        plan = plan_cuts(self.stages, self.CUTS)

        if self.parts.back_end == "residue":
            either_zero, product = self._residue_datapath(m, plan)
        else:
            either_zero, product = self._logarithmic_datapath(m, plan)
        if self._drop:
            product = Cat(C(0, self._drop), product[self._drop:])
        product = delay(m, Mux(either_zero, 0, product), count=plan["product"], name="product")
        m.d.comb += self.p.eq(product)
        return m

    @staticmethod
    def _either_zero(m: Module, zero: Value, plan: dict) -> Value:
        """The flag of an operand of 0, which has no logarithm: it travels with the data to the
        product mux, which forces p to 0. Its registers reset to 1, so that p reads 0, not 1,
        during reset."""
        return delay(m, zero, count=plan["logarithms"] + plan["sum"], name="either_zero", init=1)

    def _logarithmic_datapath(self, m: Module, plan: dict) -> tuple[Value, Value]:
        """Serial, onehot and carry-select: the delayed zero flag, and the product before its
        registers."""
        width, frac_bits = self.width, self.sum_frac_bits
        carry_select = self.parts.back_end == "carry-select"
        detector = self.parts.detector

        m.submodules.log_a = log_a = Logarithm(width=width, frac_bits=self.frac_bits,
                                               detector=detector)
        m.submodules.log_b = log_b = Logarithm(width=width, frac_bits=self.frac_bits,
                                               detector=detector)
        m.d.comb += [
            log_a.operand.eq(self.a),
            log_b.operand.eq(self.b),
        ]
        either_zero = self._either_zero(m, log_a.zero | log_b.zero, plan)

        if carry_select:
            # k1 + k2 straight from the detectors, in parallel with the fractions; the words
            # added get a characteristic of 0, so the characteristic of their sum is the carry.
            characteristic = delay(m, log_a.characteristic + log_b.characteristic,
                                   count=plan["logarithms"], name="characteristic")
            characteristic_a = characteristic_b = C(0, 1)
        else:
            characteristic_a, characteristic_b = log_a.characteristic, log_b.characteristic
        log_word_a = delay(m, Cat(self.fraction(m, log_a.fraction), characteristic_a),
                           count=plan["logarithms"], name="log_a")
        log_word_b = delay(m, Cat(self.fraction(m, log_b.fraction), characteristic_b),
                           count=plan["logarithms"], name="log_b")

        log_sum = Signal(frac_bits + self.characteristic_width)
        m.d.comb += log_sum.eq(self.add(m, log_word_a, log_word_b))
        if carry_select:
            log_sum = Cat(log_sum[:frac_bits + 1], characteristic)
        log_sum = delay(m, log_sum, count=plan["sum"], name="log_sum")

        m.submodules.antilog = antilog = Antilogarithm(
            characteristic_width=self.characteristic_width, frac_bits=frac_bits,
            width=2 * width, carry_select=carry_select)
        m.d.comb += [
            antilog.characteristic.eq(log_sum[-self.characteristic_width:]),
            antilog.fraction.eq(log_sum[:frac_bits]),
        ]
        if carry_select:
            m.d.comb += antilog.carry.eq(log_sum[frac_bits])
        return either_zero, antilog.result

    def _residue_datapath(self, m: Module, plan: dict) -> tuple[Value, Value]:
        """The residue form: the delayed zero flag, and the product before its registers."""
        width, scale = self.width, self.residue_scale_bits

        m.submodules.residue_a = residue_a = Residue(width=width, frac_bits=self.frac_bits)
        m.submodules.residue_b = residue_b = Residue(width=width, frac_bits=self.frac_bits)
        m.d.comb += [
            residue_a.operand.eq(self.a),
            residue_b.operand.eq(self.b),
        ]
        either_zero = self._either_zero(m, residue_a.zero | residue_b.zero, plan)
        r_a = delay(m, self.residue(m, residue_a.residue, residue_a.onehot),
                    count=plan["logarithms"], name="residue_a")
        r_b = delay(m, self.residue(m, residue_b.residue, residue_b.onehot),
                    count=plan["logarithms"], name="residue_b")
        k_a = delay(m, residue_a.characteristic, count=plan["logarithms"], name="characteristic_a")
        k_b = delay(m, residue_b.characteristic, count=plan["logarithms"], name="characteristic_b")

        # S and T at scale 2**scale: S < 2**(2*width - 1 + scale), T = 2**(k1 + k2 + scale).
        sum_width = 2 * width + scale
        m.submodules.shift_a = shift_a = BarrelShifter(
            width=len(r_a), amount_width=len(k_b), result_width=sum_width)
        m.submodules.shift_b = shift_b = BarrelShifter(
            width=len(r_b), amount_width=len(k_a), result_width=sum_width)
        s, t = Signal(sum_width), Signal(sum_width)
        m.d.comb += [
            shift_a.value.eq(r_a), shift_a.amount.eq(k_b),
            shift_b.value.eq(r_b), shift_b.amount.eq(k_a),
            s.eq(self.sum(m, shift_a.result, shift_b.result)),
            t.eq(Cat(C(0, scale), *(k_a + k_b == place for place in range(sum_width - scale)))),
        ]
        s = delay(m, s, count=plan["sum"], name="s")
        t = delay(m, t, count=plan["sum"], name="t")

        return either_zero, self._residue_select(s, t)[scale:scale + 2 * width]

    @staticmethod
    def _residue_select(s: Value, t: Value) -> Value:
        """Mitchell's two cases in the residue form: ``S | T`` when ``S < T``, else ``S << 1``.
        As ``S < 2T``, ``S >= T`` exactly when ``S`` has the one bit of ``T`` set."""
        return Mux((s & t).any(), s << 1, s | t)


class MitchellMultiplier(LogMultiplier):
    """Mitchell's logarithmic multiplier (J. N. Mitchell, IRE Trans. EC-11, 1962).

    The result never exceeds ``a * b`` and is at least ``8/9`` of it when all fraction bits are
    kept. With ``frac_bits < width - 1`` each mantissa is truncated to its top ``frac_bits`` bits
    before the addition (the lower bits are dropped, not rounded), so the adder and the antilog
    shifter shrink; the antilog then drops the bits below the integer point as it always does.

    Parameters
    ----------
    width : int
        Operand width, 2 to 64.
    frac_bits : int or None
        Mantissa fraction bits, 0 to ``width - 1``; ``None`` (default) keeps all ``width - 1``.
    stages : int
        Pipeline registers, 0 or more.
    arch : str or None
        Datapath architecture, one of :data:`ARCHITECTURES` (see :class:`LogMultiplier`);
        ``None`` (default) builds :attr:`DEFAULT_ARCH`.
    drop : int or None
        Low product bits forced to 0, 0 (default) to ``2 * width - 1`` (see
        :class:`LogMultiplier`).

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
        The approximate product, ``stages`` rising edges after the operands are presented. During
        reset, and until the first operands after it reach the output, ``p`` is 0.
    """
