"""One simulation run: a design (or a user's Verilog) on one simulator, checked against the golden model."""
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
from .simulators import SIMULATORS, Simulator, lookup
from .vectors import VectorSet

__all__ = ["SIMULATORS", "SimRequest", "run_simulation"]


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
        if self.verilog is not None:
            if self.simulator == "amaranth":
                raise ValueError("The amaranth simulator runs the Amaranth design; "
                                 "simulate Verilog with icarus or verilator")
            if not Path(self.verilog).is_file():
                raise ValueError(f"Verilog file {str(self.verilog)!r} does not exist")


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
