"""Runs a design in Amaranth's Python simulator, one operand pair per step (or per clock)."""
import os

import numpy as np
from amaranth.hdl import Cat, Value
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
    # Both operands are set as one value: each set makes the simulator settle the whole design,
    # so a pair costs one settling instead of two.
    shift = len(Value.cast(dut.a))
    mask = (1 << shift) - 1
    operands = [(int(x) & mask) | ((int(y) & mask) << shift) for x, y in zip(a, b)]
    operand_bits = Cat(dut.a, dut.b)
    outputs: list[int] = []
    stages = dut.stages
    # A structured port (a divider's {dz, q}) is read as the bits it is in Verilog.
    p = Value.cast(dut.p)

    async def combinational(ctx):
        for pair in operands:
            ctx.set(operand_bits, pair)
            outputs.append(ctx.get(p))

    async def pipelined(ctx):
        for cycle in range(len(operands) + stages - 1):
            if cycle < len(operands):
                ctx.set(operand_bits, operands[cycle])
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
