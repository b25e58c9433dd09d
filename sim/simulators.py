"""The simulators a design can run on, one record each.

A record says how to find the simulator (with the install hint when it is missing), how to build
and run a design on it, and how many copies of the design the batch testbench drives at once.

Speed, measured with ``python tests/benchmarks/bench_sim.py`` (median of 3, 2 shared cores,
plain Mitchell, combinational; vectors/s counts the checking phase, the first run's build apart):

| simulator | width | vectors | vectors/s | build s |
|---|---|---|---|---|
| amaranth | 8 | 65,536 (exhaustive) | 27,951 | - |
| amaranth | 16 | 20,000 | 3,678 | - |
| icarus | 8 | 65,536 (exhaustive) | 130,454 | 0.0 |
| icarus | 16 | 200,000 | 34,156 | 0.0 |
| verilator | 8 | 65,536 (exhaustive) | 3,627,542 | 8.8 |
| verilator | 12 | 16,777,216 (exhaustive) | 4,504,413 | 8.8 |
| verilator | 16 | 4,000,000 | 3,690,361 | 9.1 |
| verilator | 32 | 2,000,000 | 1,971,152 | 9.8 |

A new simulator is one :class:`Simulator` record in :data:`SIMULATORS`; cocotb-based ones reuse
:mod:`mitchell.sim.cocotb_runner` and the batch testbench.
"""
from dataclasses import dataclass, field
from typing import Callable

from .toolchain import icarus, verilator_bin


@dataclass(frozen=True)
class Simulator:
    """One simulator.

    ``cocotb`` is False for Amaranth's own simulator, which runs the Amaranth design in Python;
    the others run the cocotb batch bench (``sim/hdl/batch_tb.v``) on the design's Verilog.
    ``find`` raises :class:`~.toolchain.ToolMissing` with the install command. ``lanes`` is the
    most design copies the testbench checks side by side; with ``lane_bytes``, fewer for a large
    design, so that the copies' Verilog stays within that many bytes (see :meth:`lanes_for`).
    ``build_args`` go to the simulator's compiler. ``build_edits`` and ``test_edits`` change the
    arguments of the cocotb runner's build and test commands: each maps an argument to its
    replacement, or to ``None`` to drop it; an argument that is not found is an error (see
    :mod:`.cocotb_runner`).
    ``waves_in_build``: the simulator must be built with tracing to write a waveform.
    """

    name: str
    cocotb: bool
    find: Callable[[], object]
    lanes: int = 1
    lane_bytes: int | None = None
    build_args: tuple[str, ...] = ()
    build_edits: dict = field(default_factory=dict)
    test_edits: dict = field(default_factory=dict)
    waves_in_build: bool = False

    def lanes_for(self, verilog: bytes) -> int:
        """The design copies the testbench gets for a design of this Verilog source."""
        if self.lane_bytes is None:
            return self.lanes
        return max(1, min(self.lanes, self.lane_bytes // max(len(verilog), 1)))


SIMULATORS: dict[str, Simulator] = {simulator.name: simulator for simulator in [
    Simulator("amaranth", cocotb=False, find=lambda: None),
    # The testbench writes its own VCD; cocotb's Icarus runner passes vvp -none (no waves) unless
    # it records its own FST dump, so -none becomes -vcd.
    Simulator("icarus", cocotb=True, find=icarus, lanes=1, test_edits={"-none": "-vcd"}),
    # Verilator's cost is mostly per clock, not per copy: 8 lanes. But it inlines every copy, and
    # the C++ compiler's time grows with them: a 32-bit Dadda tree (97 kB of Verilog) built in
    # 123 s with 8 copies, where 256 kB of copies keep builds within about 30 s. cocotb's runner
    # makes every signal visible to VPI (--public-flat-rw), which keeps Verilator from optimising
    # the design and halves the speed; the bench touches only the testbench's signals, marked
    # public in its source.
    Simulator("verilator", cocotb=True, find=verilator_bin, lanes=8, lane_bytes=256_000,
              build_args=("--timing", "-Wno-fatal", "-Wno-lint", "-Wno-style"),
              build_edits={"--public-flat-rw": None}, waves_in_build=True),
]}


def lookup(name: str) -> Simulator:
    if name not in SIMULATORS:
        raise ValueError(f"Simulator must be one of {', '.join(SIMULATORS)}, not {name!r}")
    return SIMULATORS[name]
