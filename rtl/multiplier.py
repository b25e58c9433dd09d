"""The port signature shared by every multiplier, so that any of them drops into the same socket."""
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from .params import Parameter, check_stages, check_width


class Multiplier(wiring.Component):
    """Base of the ``width`` x ``width`` multipliers.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
        The product of the operands presented ``stages`` rising edges earlier (combinational when
        ``stages`` is 0; ``clk`` and ``rst`` of the ``sync`` domain appear only when it is not).
    """

    # The parameters this design takes beyond width and stages, each declared once.
    PARAMETERS: tuple[Parameter, ...] = ()

    @staticmethod
    def check_parameters(*, width: int, **params) -> None:
        """Raise ``ValueError`` when parameters that each passed their own check do not fit
        together (none of the base's do)."""

    def __init__(self, *, width: int, stages: int = 0):
        self._width = check_width(width)
        self._stages = check_stages(stages)
        super().__init__({
            "a": In(width),
            "b": In(width),
            "p": Out(2 * width),
        })

    @property
    def width(self) -> int:
        return self._width

    @property
    def stages(self) -> int:
        return self._stages
