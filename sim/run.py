"""One simulation run: a design (or a user's Verilog) on one simulator, checked against the golden model."""
import contextlib
import hashlib
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..rtl import Multiplier
from . import amaranth_sim, golden
from .check import Mismatch, compare
from .design import Design
from .files import atomic_file
from .ports import check_bench_ports, module_ports
from .vectors import VectorSet

SIMULATORS = ("amaranth", "icarus", "verilator")
# Amaranth's simulator steps each pair in Python (thousands to tens of thousands a second) and
# holds every pair in memory; beyond this many, Verilator is hours faster.
AMARANTH_MAX_VECTORS = 1 << 20


def check_amaranth_count(vectors: VectorSet) -> None:
    if vectors.count > AMARANTH_MAX_VECTORS:
        raise ValueError(f"The amaranth simulator takes up to {AMARANTH_MAX_VECTORS:,} vectors, not "
                         f"{vectors.count:,} ({vectors.spec}); simulate them with verilator")


@dataclass
class SimRequest:
    design: Design
    simulator: str
    vectors: VectorSet
    build_dir: Path = Path("build")
    verilog: Path | None = None
    top: str | None = None
    vcd: Path | None = None
    # Verilog text standing in for the design's own RTL with the same module name, such as its
    # synthesized gate-level netlist; checked like the design itself, reset included.
    netlist: str | None = None

    def __post_init__(self):
        if self.simulator not in SIMULATORS:
            raise ValueError(f"Simulator must be one of {', '.join(SIMULATORS)}, not {self.simulator!r}")
        if (self.verilog is None) != (self.top is None):
            raise ValueError("verilog and top go together: the file and the module in it to simulate")
        if self.netlist is not None and (self.verilog is not None or self.simulator == "amaranth"):
            raise ValueError("A netlist is simulated with icarus or verilator (not amaranth), "
                             "and not together with verilog")
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
                              width=self.design.width, out_width=2 * self.design.width,
                              stages=self.design.stages)


@dataclass
class SimReport:
    simulator: str
    design: str
    vectors: str
    seed: int
    checked: int
    mismatches: int
    sim_seconds: float
    wall_seconds: float
    build_seconds: float = 0.0
    first: list[Mismatch] = field(default_factory=list)
    reset_problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.mismatches == 0 and not self.reset_problems

    @property
    def rate(self) -> float:
        return self.checked / self.sim_seconds if self.sim_seconds else float("inf")

    def summary(self) -> str:
        return (f"{self.simulator} {self.design}: {self.checked:,} vectors ({self.vectors}, seed "
                f"{self.seed}), {self.mismatches:,} mismatches, {self.rate:,.0f} vectors/s, "
                f"wall {self.wall_seconds:.1f} s (build {self.build_seconds:.1f} s)")


def run_simulation(request: SimRequest, *, dut: Multiplier | None = None) -> SimReport:
    """Runs ``request``; ``dut`` replaces the design's own RTL on the Amaranth simulator (the tests
    use it to show that a wrong design fails)."""
    started = time.perf_counter()
    vcd_target = contextlib.nullcontext(None) if request.vcd is None else atomic_file(request.vcd)
    with vcd_target as vcd:
        if request.simulator == "amaranth":
            report = _run_amaranth(request, dut, vcd)
        else:
            report = _run_cocotb(request, vcd)
    report.wall_seconds = time.perf_counter() - started
    return report


# Below this many vectors per process, starting a process costs more than it saves.
PARALLEL_MIN_VECTORS = 20_000


def _simulate_slice(design: Design, a, b) -> list[int]:
    return amaranth_sim.simulate(design.component(), a, b)


def _run_amaranth(request: SimRequest, dut: Multiplier | None, vcd: Path | None) -> SimReport:
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
        with ProcessPoolExecutor(max_workers=workers) as pool:
            slices = [pool.submit(_simulate_slice, request.design, a[start:stop], b[start:stop])
                      for start, stop in zip(bounds, bounds[1:])]
            got = [value for future in slices for value in future.result()]
    seconds = time.perf_counter() - started
    comparison = compare(a, b, request.design.golden(a, b), got)
    return SimReport("amaranth", request.design.label, request.vectors.spec, request.vectors.seed,
                     comparison.checked, comparison.mismatches, seconds, 0.0, first=comparison.first)


def _stored_source(build_root: Path, text: str) -> Path:
    """``text`` in a file named by its hash under the build folder, written once."""
    data = text.encode()
    verilog = build_root / "designs" / f"{hashlib.sha256(data).hexdigest()[:16]}.v"
    verilog.parent.mkdir(parents=True, exist_ok=True)
    if not verilog.exists():
        with atomic_file(verilog) as temporary:
            temporary.write_bytes(data)
    return verilog


def _cocotb_report(simulator: str, verilog: Path, top: str, spec, label: str, build_root: Path,
                   vcd: Path | None) -> SimReport:
    from . import cocotb_runner

    result, build_seconds = cocotb_runner.simulate(simulator, verilog, top, spec,
                                                   build_root=build_root, vcd=vcd)
    return SimReport(simulator, label, spec.vectors, spec.seed, result.checked, result.mismatches,
                     result.seconds, 0.0, build_seconds,
                     first=[Mismatch(*entry) for entry in result.first],
                     reset_problems=result.reset_problems)


def _run_cocotb(request: SimRequest, vcd: Path | None) -> SimReport:
    from .bench_spec import BenchSpec

    build_root = Path(request.build_dir).absolute()
    if request.verilog is None:
        verilog = _stored_source(build_root, request.netlist or request.design.verilog())
        top, label = request.design.default_name, request.design.label
        if request.netlist is not None:
            label += " as a gate-level netlist"
    else:
        verilog, top = Path(request.verilog).absolute(), request.top
        label = f"{top} from {request.verilog} against {request.design.label}"
    design = request.design
    spec = BenchSpec(design=dict(variant=design.variant, width=design.width,
                                 frac_bits=design.frac_bits, stages=design.stages,
                                 signed=design.signed, params=design.params),
                     vectors=request.vectors.spec, seed=request.vectors.seed,
                     check_reset=request.verilog is None, result_path="")
    return _cocotb_report(request.simulator, verilog, top, spec, label, build_root, vcd)


def run_divider_simulation(simulator: str, *, width: int, frac_bits: int, vectors: VectorSet,
                           build_dir: Path, dut=None) -> SimReport:
    """Mitchell's divider checked against the golden model, its outputs packed as ``{dz, q}``. On
    Icarus and Verilator the batch bench drives a wrapper that gives the divider the
    testbench's ``a``, ``b``, ``p`` ports. ``dut`` replaces the divider's RTL (the tests use it to
    show that a wrong divider fails)."""
    from ..rtl import MitchellDivider, to_verilog
    from .bench_spec import BenchSpec

    if simulator not in SIMULATORS:
        raise ValueError(f"Simulator must be one of {', '.join(SIMULATORS)}, not {simulator!r}")
    started = time.perf_counter()
    if dut is None:
        dut = MitchellDivider(width=width, frac_bits=frac_bits)
    label = f"mitchell-div(width={width}, frac_bits={frac_bits})"
    if simulator == "amaranth":
        check_amaranth_count(vectors)
        a, b = vectors.arrays()
        got = amaranth_sim.simulate_divider(dut, a, b)
        seconds = time.perf_counter() - started
        expected = golden.mitchell_divider_output(a, b, width=width, frac_bits=frac_bits)
        comparison = compare(a, b, expected, got)
        report = SimReport("amaranth", label, vectors.spec, vectors.seed, comparison.checked,
                           comparison.mismatches, seconds, 0.0, first=comparison.first)
    else:
        out = width + frac_bits + 1
        text = to_verilog(dut, name="mitchell_div") + f"""
module mitchell_div_packed(input [{width - 1}:0] a, input [{width - 1}:0] b, output [{out - 1}:0] p);
    mitchell_div divider (.a(a), .b(b), .q(p[{out - 2}:0]), .dz(p[{out - 1}]));
endmodule
"""
        build_root = Path(build_dir).absolute()
        spec = BenchSpec(design=dict(variant="mitchell", width=width, stages=0),
                         vectors=vectors.spec, seed=vectors.seed, check_reset=False, result_path="",
                         divider_frac_bits=frac_bits)
        report = _cocotb_report(simulator, _stored_source(build_root, text), "mitchell_div_packed",
                                spec, label, build_root, None)
    report.wall_seconds = time.perf_counter() - started
    return report
