"""Runs a design in Amaranth's Python simulator, one operand pair per step (or per clock)."""
import os

import numpy as np
from amaranth.hdl import Value
from amaranth.lib import wiring
from amaranth.sim import Simulator

CLOCK_PERIOD = 1e-6


def simulate(dut: wiring.Component, a: np.ndarray, b: np.ndarray, *,
             vcd: str | os.PathLike | None = None) -> list[int]:
    """Values of port ``p`` of ``dut`` for each pair, in order.

    A combinational design is read once per pair after it settles. A pipelined one gets a new pair
    on every rising edge, and output ``i`` is read right after edge ``i + stages``, which checks the
    latency and the one-pair-per-clock throughput at once.
    """
    operands = [(int(x), int(y)) for x, y in zip(a, b)]
    outputs: list[int] = []
    stages = dut.stages
    # A structured port (a divider's {dz, q}) is read as the bits it is in Verilog.
    p = Value.cast(dut.p)

    async def combinational(ctx):
        for x, y in operands:
            ctx.set(dut.a, x)
            ctx.set(dut.b, y)
            outputs.append(ctx.get(p))

    async def pipelined(ctx):
        for cycle in range(len(operands) + stages - 1):
            if cycle < len(operands):
                ctx.set(dut.a, operands[cycle][0])
                ctx.set(dut.b, operands[cycle][1])
            await ctx.tick()
            if cycle >= stages - 1:
                outputs.append(ctx.get(p))

    sim = Simulator(dut)
    if stages:
        sim.add_clock(CLOCK_PERIOD)
        sim.add_testbench(pipelined)
    else:
        sim.add_testbench(combinational)
    if vcd is None:
        sim.run()
    else:
        with sim.write_vcd(os.fspath(vcd)):
            sim.run()
    return outputs
