"""The reset behaviour every pipelined multiplier shares, observed on Amaranth's simulator."""
from amaranth.hdl import ClockDomain, Module
from amaranth.sim import Simulator


def outputs_around_reset(dut, *, stages: int, full: tuple[int, int],
                         after: tuple[int, int]) -> list[int]:
    """``p`` of ``dut`` (ports ``a``, ``b``, ``p``; ``stages`` registers deep) once its pipeline
    is full of the pair ``full``, then on each of two cycles of reset while ``after`` is
    presented, then on each of ``stages`` cycles after the reset. A multiplier whose registers
    all reset to 0 gives ``[full product, 0, 0] + [0] * (stages - 1) + [after product]``."""
    top = Module()
    top.domains.sync = sync = ClockDomain()
    top.submodules.dut = dut
    seen = []

    async def bench(ctx):
        ctx.set(dut.a, full[0])
        ctx.set(dut.b, full[1])
        for _ in range(stages + 1):
            await ctx.tick()
        seen.append(ctx.get(dut.p))  # every register holds a part of the full pair's product
        ctx.set(dut.a, after[0])
        ctx.set(dut.b, after[1])
        ctx.set(sync.rst, 1)
        for _ in range(2):
            await ctx.tick()
            seen.append(ctx.get(dut.p))
        ctx.set(sync.rst, 0)
        for _ in range(stages):
            await ctx.tick()
            seen.append(ctx.get(dut.p))

    sim = Simulator(top)
    sim.add_clock(1e-6)
    sim.add_testbench(bench)
    sim.run()
    return seen
