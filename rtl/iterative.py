from amaranth.hdl import Module, Mux, Signal

from .lod import LeadingOneDetector
from .multiplier import Multiplier
from .params import Parameter, check_int
from .pipeline import delay
from .power_sum import PowerSum

__all__ = ["IterativeLogMultiplier", "NearestOneMultiplier", "check_corrections"]


def check_corrections(corrections, *, width: int) -> int:
    """ILM's correction stages: 0 to ``width - 1`` (``width`` blocks make any product exact)."""
    return check_int(corrections, name="Parameter corrections", minimum=0, maximum=width - 1)


class IterativeLogMultiplier(Multiplier):
    """ILM, the iterative logarithmic multiplier (Z. Babic, A. Avramovic and P. Bulic, "An
    iterative logarithmic multiplier", Microprocessors and Microsystems 35(1), 2011).

    The basic block computes ``P0 = 2**(k1+k2) + r1 * 2**k2 + r2 * 2**k1`` with ``r = N - 2**k``:
    the exact product minus ``r1 * r2``, so it never overestimates. Each of the ``corrections``
    further blocks applies the same block to the previous block's residues and adds its result;
    a block whose residues include a zero contributes 0. With as many corrections as the sparser
    operand has ones, minus one, the product is exact. The default of one correction is the
    paper's headline configuration (maximum relative error 1/16 = 6.25 %).

    Pipeline registers, when ``stages`` > 0, all go on the product.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
    """

    PARAMETERS = (Parameter("corrections", default=lambda width: 1, check=check_corrections,
                            help="correction blocks after the first (default 1)"),)

    def __init__(self, *, width: int, corrections: int | None = None, stages: int = 0):
        super().__init__(width=width, stages=stages)
        self._corrections = self.PARAMETERS[0].resolve(corrections, width=width)

    @property
    def corrections(self) -> int:
        return self._corrections

    def elaborate(self, platform):
        m = Module()
        width = self.width
        operand_a, operand_b = self.a, self.b
        terms = []
        for index in range(self._corrections + 1):
            lod_a = LeadingOneDetector(width=width)
            lod_b = LeadingOneDetector(width=width)
            block = PowerSum(characteristic_width=lod_a.position_width, residue_width=width,
                             result_width=2 * width)
            m.submodules[f"lod_a{index}"] = lod_a
            m.submodules[f"lod_b{index}"] = lod_b
            m.submodules[f"block{index}"] = block
            residue_a = Signal(width, name=f"residue_a{index}")
            residue_b = Signal(width, name=f"residue_b{index}")
            term = Signal(2 * width, name=f"term{index}")
            m.d.comb += [
                lod_a.value.eq(operand_a),
                lod_b.value.eq(operand_b),
                residue_a.eq(operand_a & ~(1 << lod_a.position)),
                residue_b.eq(operand_b & ~(1 << lod_b.position)),
                block.k1.eq(lod_a.position),
                block.k2.eq(lod_b.position),
                block.r1.eq(residue_a),
                block.r2.eq(residue_b),
                term.eq(Mux(lod_a.zero | lod_b.zero, 0, block.result)),
            ]
            terms.append(term)
            operand_a, operand_b = residue_a, residue_b

        product = Signal(2 * width)
        m.d.comb += product.eq(sum(terms))
        m.d.comb += self.p.eq(delay(m, product, count=self.stages, name="product"))
        return m


class NearestOneMultiplier(Multiplier):
    """Logarithmic multiplier on the nearest power of two, after M. S. Ansari, B. F. Cockburn and
    J. Han, "An Improved Logarithmic Multiplier for Energy-Efficient Neural Computing", IEEE
    Trans. Computers 70(4), 2021.

    Each operand is rounded to its nearest power of two ``2**k'``: ``k' = k + 1`` when the bit
    below the leading one is set (``N >= 1.5 * 2**k``), else ``k' = k`` (``1.5 * 2**k`` itself
    rounds up). The residue ``r = N - 2**k'`` is then negative or positive, and
    ``P' = 2**(k1'+k2') + r1 * 2**k2' + r2 * 2**k1'`` with an exact adder (the paper's
    approximate adder is not modelled). The error ``P - P' = r1 * r2`` takes both signs.

    Pipeline registers, when ``stages`` > 0, all go on the product.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
    """

    def elaborate(self, platform):
        m = Module()
        width = self.width
        rounded = []
        for name, operand in (("a", self.a), ("b", self.b)):
            lod = LeadingOneDetector(width=width)
            m.submodules[f"lod_{name}"] = lod
            exponent = Signal(lod.position_width + 1, name=f"exponent_{name}")
            residue = Signal(width + 2, name=f"residue_{name}")
            # Bit k-1 of the operand is bit k of the operand shifted up by one (0 when k = 0).
            below_leading_one = (operand << 1).bit_select(lod.position, 1)
            m.d.comb += [
                lod.value.eq(operand),
                exponent.eq(lod.position + below_leading_one),
                residue.eq(operand - (1 << exponent)),
            ]
            rounded.append((exponent, residue, lod.zero))

        (k1, r1, zero_a), (k2, r2, zero_b) = rounded
        m.submodules.block = block = PowerSum(
            characteristic_width=len(k1), residue_width=width + 2, result_width=2 * width,
            signed=True)
        product = Signal(2 * width)
        m.d.comb += [
            block.k1.eq(k1),
            block.k2.eq(k2),
            block.r1.eq(r1),
            block.r2.eq(r2),
            product.eq(Mux(zero_a | zero_b, 0, block.result)),
        ]
        m.d.comb += self.p.eq(delay(m, product, count=self.stages, name="product"))
        return m
