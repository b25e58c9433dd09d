"""cocotb bench for ``hdl/batch_tb.v``: loads vectors and golden results, chunk by chunk.

Run by :mod:`mitchell.sim.cocotb_runner` inside Icarus Verilog or Verilator; reads its
:class:`BenchSpec` from the environment and writes a :class:`BenchResult` file.
"""
import time
from pathlib import Path

import cocotb
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge

from .bench_spec import BenchResult, BenchSpec
from .hexfile import vector_lines

VECTOR_FILE = "vectors.hex"
KEEP = 8


class GoldenModel:
    """Expected products for the design the bench checks."""

    def __init__(self, spec: BenchSpec):
        self.design = spec.to_design()

    def __call__(self, a, b):
        return self.design.golden(a, b)


async def check_reset(dut, golden: GoldenModel, stages: int) -> list[str]:
    """``p`` reads 0 during reset and until the first operands after it reach the output."""
    problems = []
    dut.a.value, dut.b.value = 200, 100
    for _ in range(stages + 1):
        await FallingEdge(dut.clk)
    full = int(golden([200], [100])[0])
    if int(dut.p.value) != full:
        problems.append(f"before reset p={int(dut.p.value)}, expected {full}")
    dut.rst.value = 1
    for cycle in range(2):
        await FallingEdge(dut.clk)
        if int(dut.p.value) != 0:
            problems.append(f"reset cycle {cycle}: p={int(dut.p.value)}, expected 0")
    dut.rst.value = 0
    dut.a.value, dut.b.value = 7, 9
    for cycle in range(1, stages + 1):
        await FallingEdge(dut.clk)
        expected = int(golden([7], [9])[0]) if cycle == stages else 0
        if int(dut.p.value) != expected:
            problems.append(f"{cycle} edges after reset: p={int(dut.p.value)}, expected {expected}")
    return problems


@cocotb.test()
async def every_vector_matches_the_golden_model(dut):
    spec = BenchSpec.from_environment()
    golden = GoldenModel(spec)
    width, stages = golden.design.width, golden.design.stages
    result = BenchResult()
    if spec.check_reset and stages:
        result.reset_problems = await check_reset(dut, golden, stages)

    started = time.perf_counter()
    for a, b in spec.vector_set().chunks():
        expected = golden(a, b)
        Path(VECTOR_FILE).write_bytes(vector_lines(a, b, expected, width=width))
        dut.count.value = len(a)
        dut.start.value = 1
        await RisingEdge(dut.done)
        mismatches = int(dut.mismatches.value)
        bad_index = int(dut.bad_index.value)
        bad_value = int(dut.bad_value.value)
        for slot in range(min(mismatches, KEEP - len(result.first), KEEP)):
            index = (bad_index >> (32 * slot)) & 0xFFFF_FFFF
            got = (bad_value >> (2 * width * slot)) & ((1 << (2 * width)) - 1)
            result.first.append([int(a[index]), int(b[index]), int(expected[index]), got])
        result.checked += len(a)
        result.mismatches += mismatches
        dut.start.value = 0
        await ClockCycles(dut.clk, 2)
    result.seconds = time.perf_counter() - started
    result.save(Path(spec.result_path))
    assert result.mismatches == 0 and not result.reset_problems, \
        f"{result.mismatches} mismatches, reset: {result.reset_problems}"
