import gc
import os
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


def pytest_collection_modifyitems(items):
    """Slow tests first (in their own order, then the rest in theirs): with ``-n`` the workers
    start on the long tests and end on short ones, which they share out (``--dist worksteal``,
    set in ``pyproject.toml``), so that no worker is left running a long test alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_runtest_setup(item):
    if item.get_closest_marker("needs_iverilog") is not None:
        require_tool("iverilog", IVERILOG_INSTALL)


# Icarus needs the system's iverilog, and every Verilator case builds a model (about ten seconds
# each, more on a loaded machine).
SIMULATOR_MARKS = {"amaranth": [], "icarus": [pytest.mark.needs_iverilog],
                   "verilator": [pytest.mark.slow]}


def on(simulator: str, *values, marks=()):
    """A test parameter ``(simulator, *values)`` with the simulator's marks and ``marks``."""
    extra = [marks] if isinstance(marks, pytest.MarkDecorator) else list(marks)
    return pytest.param(simulator, *values, marks=SIMULATOR_MARKS[simulator] + extra)


COCOTB_SIMULATORS = [on("icarus"), on("verilator")]
SIMULATORS = [on("amaranth"), *COCOTB_SIMULATORS]


def session_folder(tmp_path_factory, name: str):
    """A folder every test of this run shares, across xdist workers: each worker's base
    temporary folder sits in the run's own, so the workers meet one level up."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / name
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory):
    """The simulator builds of this run: a build is keyed by its source and options and locked
    while it is made (mitchell.sim.cocotb_runner), so every test needing the same Verilator or
    Icarus model reuses the one built first."""
    return session_folder(tmp_path_factory, "builds")


@pytest.fixture(autouse=True)
def session_cache(tmp_path_factory, monkeypatch):
    """Yosys, nextpnr and OpenSTA results cached once for the whole run (and apart from the
    user's own cache); tests of the cache itself set their own folder."""
    folder = session_folder(tmp_path_factory, "cache")
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(folder))
    return folder


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


@pytest.fixture(scope="module")
def library():
    """The standard-cell library of ``--flow asic`` (skipped, naming the install, without it)."""
    from mitchell.reports.synthesis import asic
    from mitchell.sim.toolchain import ToolMissing

    try:
        found = asic.Library.find()
        asic.tool_versions()
    except ToolMissing as error:
        pytest.skip(str(error))
    return found


@pytest.fixture
def private_cache(tmp_path_factory, monkeypatch):
    """A synthesis cache of this worker's own, on the default library."""
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("MITCHELL_LIBERTY", raising=False)
