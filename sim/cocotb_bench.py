"""cocotb bench for ``hdl/batch_tb.v``: loads vectors and golden results, chunk by chunk.

Run by :mod:`mitchell.sim.cocotb_runner` inside Icarus Verilog or Verilator; reads its
:class:`BenchSpec` from the environment and writes a :class:`~.check.SimResult` file.
"""
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cocotb
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge

from .bench_spec import BenchSpec
from .check import Mismatch, SimResult
from .design import Design
from .vectorfile import vector_bytes

VECTOR_FILE = "vectors.bin"
KEEP = 8


async def check_reset(dut, design: Design) -> list[str]:
    """``p`` reads 0 during reset and until the first operands after it reach the output."""
    problems = []
    width, stages, golden = design.width, design.stages, design.golden
    lane0 = (1 << design.out_width) - 1
    # Non-zero pairs that fit any width from 2 bits up. Icarus runs an `always @*` block only
    # when one of its inputs changes, so logic after a register that never leaves its initial
    # value stays unknown: a warm-up pair of the other sign (signed) makes every register move
    # before the pair that is checked.
    warm_up = (1, (1 << width) - 1)
    first = ((1 << width) - 1, (1 << width) - 2)
    second = ((1 << (width - 1)) + 1, 3)

    def p() -> int | str:
        value = dut.p_all.value
        return int(value) & lane0 if value.is_resolvable else str(value)

    for pair in (warm_up, first):
        dut.a_all.value, dut.b_all.value = pair
        for _ in range(stages + 1):
            await FallingEdge(dut.clk)
    full = int(golden([first[0]], [first[1]])[0])
    if p() != full:
        problems.append(f"before reset p={p()}, expected {full}")
    dut.rst.value = 1
    for cycle in range(2):
        await FallingEdge(dut.clk)
        if p() != 0:
            problems.append(f"reset cycle {cycle}: p={p()}, expected 0")
    dut.rst.value = 0
    dut.a_all.value, dut.b_all.value = second
    for cycle in range(1, stages + 1):
        await FallingEdge(dut.clk)
        expected = int(golden([second[0]], [second[1]])[0]) if cycle == stages else 0
        if p() != expected:
            problems.append(f"{cycle} edges after reset: p={p()}, expected {expected}")
    return problems


@cocotb.test()
async def every_vector_matches_the_golden_model(dut):
    spec = BenchSpec.from_environment()
    design = spec.to_design()
    width, out_width = design.width, design.out_width
    result = SimResult()
    if spec.check_reset and design.stages:
        result.reset_problems = await check_reset(dut, design)

    started = time.perf_counter()
    chunks = spec.vector_set().chunks()

    def prepare():
        """The next chunk and its file contents, or None at the end."""
        chunk = next(chunks, None)
        if chunk is None:
            return None
        a, b = chunk
        expected = design.golden(a, b)
        return a, b, expected, vector_bytes(a, b, expected, width=width, out_width=out_width)

    # The simulator runs with the GIL released, so the next chunk is prepared while this one runs.
    with ThreadPoolExecutor(max_workers=1) as pool:
        upcoming = pool.submit(prepare)
        while (prepared := upcoming.result()) is not None:
            a, b, expected, lines = prepared
            Path(VECTOR_FILE).write_bytes(lines)
            upcoming = pool.submit(prepare)
            dut.count.value = len(a)
            dut.start.value = 1
            await RisingEdge(dut.done)
            mismatches = int(dut.mismatches.value)
            bad_index = int(dut.bad_index.value)
            bad_value = str(dut.bad_value.value)  # may hold x or z bits
            for slot in range(min(mismatches, KEEP - len(result.first))):
                index = (bad_index >> (32 * slot)) & 0xFFFF_FFFF
                bits = bad_value[len(bad_value) - out_width * (slot + 1):][:out_width]
                got = int(bits, 2) if set(bits) <= {"0", "1"} else bits
                result.first.append(Mismatch(int(a[index]), int(b[index]), int(expected[index]), got))
            result.checked += len(a)
            result.mismatches += mismatches
            dut.start.value = 0
            await ClockCycles(dut.clk, 2)
    result.sim_seconds = time.perf_counter() - started
    result.save(Path(spec.result_path))
    assert result.mismatches == 0 and not result.reset_problems, \
        f"{result.mismatches} mismatches, reset: {result.reset_problems}"
