import gc
import shutil
from typing import NamedTuple

import pytest

from mitchell.reports.cli import main

IVERILOG_INSTALL = "apt-get install -y iverilog"


def half_built(test):
    """For a test whose component constructors raise: Amaranth warns that their half-built
    components are never used. The warning is silenced for this test alone, and the components
    (held in reference cycles by the exceptions' tracebacks) are collected before it ends, so
    that the warning cannot surface in a later test."""
    return pytest.mark.usefixtures("collect_garbage")(
        pytest.mark.filterwarnings("ignore::amaranth.hdl.UnusedElaboratable")(test))


@pytest.fixture
def collect_garbage():
    yield
    gc.collect()


def require_tool(name: str, install: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed ({install})")
    return path


def pytest_runtest_setup(item):
    if item.get_closest_marker("needs_iverilog") is not None:
        require_tool("iverilog", IVERILOG_INSTALL)


# Icarus needs the system's iverilog, and every Verilator case builds a model (about ten seconds
# each, more on a loaded machine).
SIMULATOR_MARKS = {"amaranth": [], "icarus": [pytest.mark.needs_iverilog],
                   "verilator": [pytest.mark.slow]}


def on(simulator: str, *values):
    """A test parameter ``(simulator, *values)`` with the simulator's marks."""
    return pytest.param(simulator, *values, marks=SIMULATOR_MARKS[simulator])


COCOTB_SIMULATORS = [on("icarus"), on("verilator")]
SIMULATORS = [on("amaranth"), *COCOTB_SIMULATORS]


class CliRun(NamedTuple):
    status: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys, tmp_path, monkeypatch):
    """Runs the ``mitchell`` command line in this process, in a fresh current folder:
    ``cli("sim", "--width", 8)`` gives its exit status, stdout and stderr. Tests of what the
    process itself does (the console script's exit status, signals, the environment) start a
    real process instead."""
    monkeypatch.chdir(tmp_path)

    def run(*args) -> CliRun:
        capsys.readouterr()
        try:
            status = main([str(arg) for arg in args])
        except SystemExit as exit:  # argparse's own errors and --help
            status = exit.code
        out, err = capsys.readouterr()
        return CliRun(status, out, err)

    return run
