"""Builds the batch testbench around a Verilog design and runs the cocotb bench on it.

Why the bench is fast: ``hdl/batch_tb.v`` loads a chunk of 262,144 vectors with their golden
results from a binary file (``$fread``, :mod:`mitchell.sim.vectorfile`), applies them one pair
per clock to 8 copies of the design (Verilator) or one (Icarus), and compares every output in
Verilog. Python is involved once per chunk, and only the testbench's own signals are visible to
VPI, so Verilator optimises the design.
"""
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import time
from importlib.metadata import version
from pathlib import Path
from typing import Iterator

from cocotb_tools.runner import get_runner

from .bench_spec import ENVIRONMENT_VARIABLE, BenchSpec
from .check import SimResult
from .files import work_folder
from .pool import run_in_worker
from .simulators import SIMULATORS, Simulator
from .toolchain import ToolFailed, with_verilator_on_path
from .vectors import BLOCK

TESTBENCH = Path(__file__).parent / "hdl" / "batch_tb.v"
TOPLEVEL = "mitchell_batch_tb"
BENCH_MODULE = "mitchell.sim.cocotb_bench"
# Vectors per chunk held in the testbench's memory: the VectorSet block size.
DEPTH = BLOCK


class SimulationError(ToolFailed):
    """The simulator failed to build or run; the message holds the end of its log."""


def _edit(commands, edits: dict, *, simulator: str, stage: str):
    """``commands`` with each argument in ``edits`` replaced (or dropped, for ``None``).

    These edit private methods of cocotb's runners, so an argument that is no longer there means
    cocotb changed under us: fail loudly rather than run slower or without waves unnoticed.
    """
    seen = set()
    edited = []
    for command in commands:
        arguments = []
        for argument in command:
            if argument in edits:
                seen.add(argument)
                if edits[argument] is not None:
                    arguments.append(edits[argument])
            else:
                arguments.append(argument)
        edited.append(arguments)
    missing = sorted(set(edits) - seen)
    if missing:
        raise SimulationError(
            f"cocotb {version('cocotb')}'s {simulator} runner no longer passes {', '.join(missing)} "
            f"in its {stage} command; this package was tested with the cocotb version pinned in "
            f"its pyproject.toml")
    return edited


def _runner(simulator: Simulator):
    base = type(get_runner(simulator.name))

    class Runner(base):
        def _build_command(self):
            return _edit(super()._build_command(), simulator.build_edits,
                         simulator=simulator.name, stage="build")

        def _test_command(self):
            return _edit(super()._test_command(), simulator.test_edits,
                         simulator=simulator.name, stage="test")

    runner = Runner()
    # Its notes ("Skipping compilation of ...") are noise on the user's terminal.
    runner.log.setLevel(logging.ERROR)
    return runner


@contextlib.contextmanager
def _environment(simulator: Simulator) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        if simulator.name == "verilator":
            os.environ.update(with_verilator_on_path(os.environ))
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _log_tail(path: Path, lines: int = 25) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def simulate(simulator: Simulator, verilog: Path, top: str, spec: BenchSpec, *, build_root: Path,
             vcd: Path | None = None) -> SimResult:
    """Builds the testbench around ``verilog`` (once per distinct source and options) and runs the
    bench on it. The result carries the counts and the seconds spent building and simulating.

    It runs in a worker process, so that Ctrl-C stops the compilers and the simulator too: cocotb
    starts them in the foreground, and they would run on after this process."""
    return run_in_worker(_simulate, simulator.name, verilog, top, spec, build_root=build_root,
                         vcd=vcd)


def _simulate(name: str, verilog: Path, top: str, spec: BenchSpec, *, build_root: Path,
              vcd: Path | None) -> SimResult:
    simulator = SIMULATORS[name]
    simulator.find()
    design = spec.to_design()
    width, stages, out = design.width, design.stages, design.out_width
    # The testbench dumps its own VCD; some simulators must be built with tracing for that.
    waves = vcd is not None and simulator.waves_in_build
    source = verilog.read_bytes()
    lanes = simulator.lanes_for(source)
    key = hashlib.sha256(json.dumps([simulator.name, top, width, out, stages, DEPTH,
                                     lanes, waves]).encode()
                         + source + TESTBENCH.read_bytes()).hexdigest()[:16]
    build_dir = build_root / f"{simulator.name}-{top}-w{width}-s{stages}-{key}"
    with _environment(simulator):
        runner = _runner(simulator)
        with _locked(build_dir):
            started = time.perf_counter()
            _build(runner, simulator, build_dir, source, top, width=width, out=out, stages=stages,
                   lanes=lanes, waves=waves)
            build_seconds = time.perf_counter() - started
        result = _run(runner, simulator, build_dir, spec, vcd=vcd, waves=waves)
    result.build_seconds = build_seconds
    return result


def _build(runner, simulator: Simulator, build_dir: Path, source: bytes, top: str, *, width: int,
           out: int, stages: int, lanes: int, waves: bool) -> None:
    # The design is copied in, so that the build does not depend on the user's file staying put.
    design_copy = build_dir / "design.v"
    if not design_copy.exists() or design_copy.read_bytes() != source:
        design_copy.write_bytes(source)
    defines = {"DUT": top}
    if stages:
        defines["PIPELINED"] = 1
    log = build_dir / "build.log"
    try:
        runner.build(sources=[design_copy, TESTBENCH], hdl_toplevel=TOPLEVEL,
                     parameters={"WIDTH": width, "STAGES": stages, "DEPTH": DEPTH,
                                 "LANES": lanes, "OUT": out},
                     defines=defines, build_args=list(simulator.build_args), build_dir=build_dir,
                     timescale=("1ns", "1ps"), waves=waves, log_file=log)
    except SimulationError:
        raise
    except (Exception, SystemExit) as error:
        raise SimulationError(f"{simulator.name} build failed ({error}):\n{_log_tail(log)}") from None


def _run(runner, simulator: Simulator, build_dir: Path, spec: BenchSpec, *, vcd: Path | None,
         waves: bool) -> SimResult:
    # Each run gets a fresh folder under the build root, so that parallel runs do not collide.
    runs = build_dir.parent / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    with work_folder(f"{build_dir.name}-", dir=runs) as test_dir:
        test_dir = Path(test_dir)
        spec.result_path = str(test_dir / "result.json")
        spec.save(test_dir / "spec.json")
        log = test_dir / "test.log"
        plusargs = [f"+vcd={vcd}"] if vcd is not None else []
        result_path = Path(spec.result_path)
        try:
            runner.test(test_module=BENCH_MODULE, hdl_toplevel=TOPLEVEL, build_dir=build_dir,
                        test_dir=test_dir, plusargs=plusargs, waves=waves,
                        extra_env={ENVIRONMENT_VARIABLE: str(test_dir / "spec.json")},
                        results_xml=str(test_dir / "results.xml"), log_file=log,
                        timescale=("1ns", "1ps"))
        except SimulationError:
            raise
        except (Exception, SystemExit) as error:
            # The bench fails its cocotb test on a mismatch, after writing what it found.
            if not result_path.exists():
                raise SimulationError(f"{simulator.name} run failed ({error}):\n{_log_tail(log)}") from None
        if not result_path.exists():
            raise SimulationError(f"{simulator.name} run ended without a result:\n{_log_tail(log)}")
        return SimResult.load(result_path)
