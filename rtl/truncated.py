"""A truncated multiplier: the exact multiplier's partial products, the lowest columns left out
and replaced by a constant, and pairs of the next ones merged into one bit each."""
from .dadda import DaddaMultiplier, check_adder, merged_pairs
from .params import Parameter, check_int, check_width

__all__ = ["TruncatedMultiplier"]


def default_cut(width: int) -> int:
    return max(0, width - 3)


def check_cut(cut, *, width: int) -> int:
    return check_int(cut, name="Parameter cut", minimum=0, maximum=2 * width - 2)


def check_merge(merge, *, width: int) -> int:
    # The most pairs there can be depends on cut too: check_parameters names it.
    return check_int(merge, name="Parameter merge", minimum=0)


class TruncatedMultiplier(DaddaMultiplier):
    """A truncated multiplier with a constant correction and merged partial products.

    The partial products ``a[j] & b[i]`` with ``i + j < cut`` are not formed, and the cut columns
    of the product hold the constant ``2**(cut - 1)`` (0 when ``cut`` is 0): the constant
    correction of truncated multipliers (M. J. Schulte and E. E. Swartzlander, "Truncated
    multiplication with correction constant", VLSI Signal Processing VI, 1993), here a one in the
    top cut column, which at 8 bits is within 0.01 % of the constant of least MRED. Then the first ``merge`` pairs of
    products of equal weight, ``a[i] & b[j]`` and ``a[j] & b[i]`` (``i < j``), column by column
    from ``cut`` up and the outermost pair of a column first, are each replaced by their OR, one
    bit in place of two (the propagate term of the approximate half adders of S. Venkatachalam and
    S.-B. Ko, "Design of power and area efficient approximate multipliers", IEEE TVLSI 25(5),
    2017, without its generate term): that bit is ``2**(i + j)`` short when both products are 1.
    The remaining bits go through the exact multiplier's Dadda tree and final adder
    (:class:`~.dadda.DaddaMultiplier`, whose pipelining this design shares), so every bit left
    out takes its adders with it.

    The error is never positive but for the correction, and small against large products: at
    8 bits, ``cut=5`` keeps 49 of the 64 products at an MRED of 0.82 %, and ``merge=5`` makes
    them 44 bits at 0.97 %. A zero operand gives the correction, not 0 (signed, the correction
    with the product's sign: at ``cut=5``, ``0 * -5`` is -16), and so do the lookup tables and C
    models exported from it.

    Parameters
    ----------
    width : int
        Operand width, 2 to 64.
    cut : int or None
        Columns left out, 0 to ``2 * width - 2``; ``None`` (default) is ``width - 3`` (0 below
        4 bits).
    merge : int
        Pairs of products merged, 0 (default) to the number of pairs at or above ``cut``.
    adder : str
        The final adder, as for :class:`~.dadda.DaddaMultiplier`.
    stages : int
        Pipeline registers, 0 or more.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
        The truncated product, ``stages`` rising edges after the operands are presented. During
        reset, and until the first operands after it reach the output, ``p`` is 0, as for
        :class:`~.dadda.DaddaMultiplier`.
    """

    PARAMETERS = (Parameter("cut", default=default_cut, check=check_cut,
                            help="columns of partial products left out, replaced by 2^(cut-1) "
                                 "(default width-3)"),
                  Parameter("merge", default=lambda width: 0, check=check_merge, quiet=True,
                            help="pairs a[i]&b[j], a[j]&b[i] from column cut up merged into "
                                 "their OR (default 0, at most the pairs cut leaves)"),
                  *DaddaMultiplier.PARAMETERS)

    def __init__(self, *, width: int, cut: int | None = None, merge: int | None = None,
                 adder: str = "auto", stages: int = 0):
        self._cut = self.PARAMETERS[0].resolve(cut, width=check_width(width))
        self._merge = self.PARAMETERS[1].resolve(merge, width=width)
        self.check_parameters(width=width, cut=self._cut, merge=self._merge)
        super().__init__(width=width, adder=check_adder(adder, width=width), stages=stages)

    @staticmethod
    def check_parameters(*, width: int, cut: int, merge: int, **_) -> None:
        """Raise :class:`~.params.ParameterConflict` when ``merge`` names more pairs than lie at
        or above ``cut``."""
        merged_pairs(width, cut, merge)

    @property
    def cut(self) -> int:
        return self._cut

    @property
    def merge(self) -> int:
        return self._merge
