"""Builds the batch testbench around a Verilog design and runs the cocotb bench on it."""
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Iterator

from cocotb_tools.runner import Icarus, Verilator, get_runner

from .bench_spec import ENVIRONMENT_VARIABLE, BenchResult, BenchSpec
from .pool import run_in_worker
from .vectors import BLOCK
from .toolchain import icarus, with_verilator_on_path

TESTBENCH = Path(__file__).parent / "hdl" / "batch_tb.v"
TOPLEVEL = "mitchell_batch_tb"
BENCH_MODULE = "mitchell.sim.cocotb_bench"
# Vectors per chunk held in the testbench's memory: the VectorSet block size.
DEPTH = BLOCK
# Copies of the design checked side by side; Verilator's cost is mostly per clock, not per copy.
LANES = {"icarus": 1, "verilator": 8}


class SimulationError(Exception):
    """The simulator failed to build or run; the message holds the end of its log."""


class _IcarusWithVcd(Icarus):
    """cocotb's Icarus runner passes vvp ``-none`` (no waves) unless it records its own FST dump;
    the testbench writes its own VCD, so this one asks vvp for VCD output instead."""

    def _test_command(self):
        return [[("-vcd" if arg == "-none" else arg) for arg in command]
                for command in super()._test_command()]


class _VerilatorTestbenchOnlyPublic(Verilator):
    """cocotb's Verilator runner makes every signal of the design visible to VPI
    (``--public-flat-rw``), which keeps Verilator from optimising the design under test and halves
    the speed. The bench touches only the testbench's own signals, marked public in its source."""

    def _build_command(self):
        return [[arg for arg in command if arg != "--public-flat-rw"]
                for command in super()._build_command()]


def _runner(simulator: str, *, vcd: bool):
    if simulator == "icarus":
        runner = _IcarusWithVcd() if vcd else get_runner(simulator)
    else:
        runner = _VerilatorTestbenchOnlyPublic()
    # Its notes ("Skipping compilation of ...") are noise on the user's terminal.
    runner.log.setLevel(logging.ERROR)
    return runner


@contextlib.contextmanager
def _environment(simulator: str) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        if simulator == "verilator":
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


def simulate(simulator: str, verilog: Path, top: str, spec: BenchSpec, *, build_root: Path,
             vcd: Path | None = None) -> tuple[BenchResult, float]:
    """Builds the testbench around ``verilog`` (once per distinct source and options) and runs the
    bench on it. Returns the result and the seconds spent building.

    It runs in a worker process, so that Ctrl-C stops the compilers and the simulator too: cocotb
    starts them in the foreground, and they would run on after this process."""
    return run_in_worker(_simulate, simulator, verilog, top, spec, build_root=build_root, vcd=vcd)


def _simulate(simulator: str, verilog: Path, top: str, spec: BenchSpec, *, build_root: Path,
              vcd: Path | None) -> tuple[BenchResult, float]:
    if simulator == "icarus":
        icarus()
    width, stages, out = spec.design["width"], spec.design["stages"], spec.out_width
    # The testbench dumps its own VCD; Verilator must be built with tracing for that, while
    # cocotb's own Icarus waves option would switch the dump to FST.
    waves = vcd is not None and simulator == "verilator"
    source = verilog.read_bytes()
    key = hashlib.sha256(json.dumps([simulator, top, width, out, stages, DEPTH, LANES, waves]).encode()
                         + source + TESTBENCH.read_bytes()).hexdigest()[:16]
    build_dir = build_root / f"{simulator}-{top}-w{width}-s{stages}-{key}"
    with _environment(simulator):
        runner = _runner(simulator, vcd=vcd is not None)
        with _locked(build_dir):
            started = time.perf_counter()
            _build(runner, simulator, build_dir, source, top, width=width, out=out, stages=stages,
                   waves=waves)
            build_seconds = time.perf_counter() - started
        return _run(runner, simulator, build_dir, spec, vcd=vcd), build_seconds


def _build(runner, simulator: str, build_dir: Path, source: bytes, top: str, *, width: int,
           out: int, stages: int, waves: bool) -> None:
    # The design is copied in, so that the build does not depend on the user's file staying put.
    design_copy = build_dir / "design.v"
    if not design_copy.exists() or design_copy.read_bytes() != source:
        design_copy.write_bytes(source)
    defines = {"DUT": top}
    if stages:
        defines["PIPELINED"] = 1
    build_args = ["--timing", "-Wno-fatal", "-Wno-lint", "-Wno-style"] \
        if simulator == "verilator" else []
    log = build_dir / "build.log"
    try:
        runner.build(sources=[design_copy, TESTBENCH], hdl_toplevel=TOPLEVEL,
                     parameters={"WIDTH": width, "STAGES": stages, "DEPTH": DEPTH,
                                 "LANES": LANES[simulator], "OUT": out},
                     defines=defines, build_args=build_args, build_dir=build_dir,
                     timescale=("1ns", "1ps"), waves=waves, log_file=log)
    except (Exception, SystemExit) as error:
        raise SimulationError(f"{simulator} build failed ({error}):\n{_log_tail(log)}") from None


def _run(runner, simulator: str, build_dir: Path, spec: BenchSpec, *,
         vcd: Path | None) -> BenchResult:
    # Each run gets a fresh folder under the build root, so that parallel runs do not collide.
    runs = build_dir.parent / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=runs, prefix=f"{build_dir.name}-") as test_dir:
        test_dir = Path(test_dir)
        spec.result_path = str(test_dir / "result.json")
        spec.save(test_dir / "spec.json")
        log = test_dir / "test.log"
        plusargs = [f"+vcd={vcd}"] if vcd is not None else []
        runner_waves = vcd is not None and simulator == "verilator"
        result_path = Path(spec.result_path)
        try:
            runner.test(test_module=BENCH_MODULE, hdl_toplevel=TOPLEVEL, build_dir=build_dir,
                        test_dir=test_dir, plusargs=plusargs, waves=runner_waves,
                        extra_env={ENVIRONMENT_VARIABLE: str(test_dir / "spec.json")},
                        results_xml=str(test_dir / "results.xml"), log_file=log,
                        timescale=("1ns", "1ps"))
        except (Exception, SystemExit) as error:
            # The bench fails its cocotb test on a mismatch, after writing what it found.
            if not result_path.exists():
                raise SimulationError(f"{simulator} run failed ({error}):\n{_log_tail(log)}") from None
        if not result_path.exists():
            raise SimulationError(f"{simulator} run ended without a result:\n{_log_tail(log)}")
        return BenchResult.load(result_path)
