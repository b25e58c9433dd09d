"""Placement of pipeline registers along a datapath."""
from amaranth.hdl import Module, Signal, Value


def plan_cuts(stages: int, cuts: tuple[str, ...]) -> dict[str, int]:
    """How many registers go at each named cut of a datapath.

    ``cuts`` lists the places a register may go, in the order they are filled. One register goes at
    each cut in turn; registers beyond the number of cuts all go at the last one (the output), where
    a retiming synthesis tool can move them.
    """
    plan = dict.fromkeys(cuts, 0)
    for index in range(stages):
        plan[cuts[min(index, len(cuts) - 1)]] += 1
    return plan


def delay(m: Module, value: Value, *, count: int, name: str, init: int = 0) -> Value:
    """``value`` delayed by ``count`` registers in the ``sync`` domain (itself when ``count`` is 0)."""
    for index in range(count):
        register = Signal(len(value), name=f"{name}_r{index}", init=init)
        m.d.sync += register.eq(value)
        value = register
    return value
