"""Ctrl-C and SIGTERM during real runs: a prompt exit with one line, and nothing left behind.

Each run gets a fresh synthesis cache and its own temporary folder, so that synthesis really runs
(in the report's worker processes, as YoWASP subprocesses) and its temporary folders can be seen.
The interrupt comes once synthesis is under way, at a different moment each time: the hang this
guards against came about one time in four.
"""
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

# From the signal to the exit: the workers get GRACE_SECONDS (2 s) before they are killed, and
# none should need them.
EXIT_SECONDS = 3.0


@pytest.fixture(autouse=True)
def interruptible_runs():
    """The runs start with SIGINT handled, as from a terminal. A suite started in the background
    by a script (``pytest &``) ignores SIGINT, and Python leaves an inherited ignore in place, so
    the runs it starts would not see Ctrl-C at all."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def start(args: list[str], tmp_path: Path, round_: int) -> tuple[subprocess.Popen, Path]:
    temporary = tmp_path / f"tmp{round_}"
    temporary.mkdir()
    # OBJCACHE empty: no ccache, so that a Verilator build compiles for real and is still under
    # way when the signal comes.
    env = dict(os.environ, MITCHELL_CACHE_DIR=str(tmp_path / f"cache{round_}"),
               TMPDIR=str(temporary), OBJCACHE="")
    # A session of its own, like a shell's job: its process group can be signalled as Ctrl-C in a
    # terminal does, and whatever the run started and left running can be found afterwards.
    process = subprocess.Popen([sys.executable, "-m", "mitchell.reports.cli", *args], cwd=tmp_path,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    return process, temporary


@contextlib.contextmanager
def started(args: list[str], tmp_path: Path, round_: int):
    """:func:`start`; at the end, whatever is left of the run's session is killed: a worker that
    outlived the run holds its output pipes open, and waiting for them would hang the suite
    instead of failing the test."""
    process, temporary = start(args, tmp_path, round_)
    try:
        yield process, temporary
    finally:
        kill_session(process.pid)
        process.communicate()


def wait_for(condition, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(0.05)


def still_running(session: int) -> dict[int, str]:
    """The processes of a session that are still running (not zombies, which are only waiting
    to be reaped: a container's init may never do that), by process ID."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        state, _, _, process_session = text[text.rindex(")") + 2:].split()[:4]
        if int(process_session) == session and state != "Z":
            found[int(entry.name)] = text[:text.rindex(")") + 1]
    return found


def left_running(session: int, *, within: float = 1.0) -> dict[int, str]:
    """:func:`still_running`, after up to ``within`` seconds for processes that are exiting (a
    worker's pipes close a moment before it is a zombie) to be gone."""
    deadline = time.monotonic() + within
    while (found := still_running(session)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def kill_session(session: int) -> None:
    """Kills every process of the session, whatever its process group."""
    for pid in still_running(session):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def interrupt(process: subprocess.Popen, how: str) -> tuple[int, str, float]:
    """Sends the signal; returns the exit status, stderr and the seconds the exit took."""
    sent = time.monotonic()
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        still = still_running(process.pid)
        kill_session(process.pid)
        process.communicate()
        pytest.fail(f"{how}: no exit within 30 s; still running: {still}")
    return process.returncode, stderr, time.monotonic() - sent


def check_clean_exit(status: int, stderr: str, seconds: float, how: str, command: str) -> None:
    expected = 128 + (signal.SIGTERM if how == "sigterm" else signal.SIGINT)
    word = "terminated" if how == "sigterm" else "interrupted"
    assert "Traceback" not in stderr, stderr
    assert stderr.splitlines() == [f"mitchell {command}: {word}"], stderr
    assert status == expected, (status, stderr)
    assert seconds < EXIT_SECONDS, f"{how}: took {seconds:.1f} s to exit"


# Ctrl-C from a terminal reaches every process of the group; a signal to the main process alone
# (kill PID) must do as well.
HOW = ["ctrl-c", "ctrl-c", "ctrl-c", "ctrl-c", "sigint", "sigint", "sigterm", "sigterm"]


@pytest.mark.parametrize("round_, how", list(enumerate(HOW)))
def test_report_stops_at_once_and_leaves_nothing(tmp_path, round_, how):
    with started(["report", "--width", "8", "--width", "16", "--out", "out"], tmp_path,
                 round_) as (process, temporary):
        wait_for(lambda: any(entry.name.startswith("mitchell-synth-")
                             for entry in temporary.iterdir()), 120, process)
        # A different moment of the synthesis each round.
        time.sleep(0.4 * round_)
        status, stderr, seconds = interrupt(process, how)
        check_clean_exit(status, stderr, seconds, how, "report")
        assert left_running(process.pid) == {}, "processes of the run outlived it"
        assert list(temporary.iterdir()) == []
        assert sorted(entry.name for entry in tmp_path.iterdir()
                      if entry.name.startswith(("out", ".out"))) == []


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_area_in_one_process_stops_at_once(tmp_path, how):
    # Synthesis in the main process itself, without a pool.
    with started(["area", "--width", "8"], tmp_path, 0) as (process, temporary):
        wait_for(lambda: any(temporary.iterdir()), 120, process)
        time.sleep(1)
        status, stderr, seconds = interrupt(process, how)
        check_clean_exit(status, stderr, seconds, how, "area")
        assert left_running(process.pid) == {}
        assert list(temporary.iterdir()) == []


@pytest.mark.parametrize("command, how", [
    # The error pool: 14-bit enumeration runs for about 15 s on two cores (the compiled kernel
    # would finish before the signal).
    (["error", "--width", "14", "--variant", "ilm", "--exhaustive", "--method", "enumerate"],
     "sigint"),
    # The Amaranth simulation pool: about 60 s on two cores.
    (["sim", "--width", "16", "--vectors", "random:200000"], "sigint"),
    # The C++ compilers of a Verilator build (about 10 s) and an Icarus simulation (about 40 s).
    (["sim", "--width", "8", "--simulator", "verilator"], "sigterm"),
    (["sim", "--width", "16", "--simulator", "icarus", "--vectors", "random:1000000"], "sigterm"),
    (["sim", "--width", "16", "--simulator", "icarus", "--vectors", "random:1000000"], "ctrl-c"),
])
def test_workers_and_tools_stop_at_once(tmp_path, command, how):
    with started(command, tmp_path, 0) as (process, _):
        time.sleep(6)
        status, stderr, seconds = interrupt(process, how)
        check_clean_exit(status, stderr, seconds, how, command[0])
        assert left_running(process.pid) == {}
        runs = tmp_path / "build" / "mitchell-sim" / "runs"
        assert not runs.exists() or list(runs.iterdir()) == []


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_prove_stops_at_once(tmp_path, how):
    # A proof the solver does not finish for minutes (two 24-bit multipliers, one cycle apart).
    with started(["prove", "--width", "24", "--variant", "exact", "--stages", "1"], tmp_path,
                 0) as (process, temporary):
        wait_for(lambda: any(entry.name.startswith("mitchell-prove-")
                             for entry in temporary.iterdir()), 120, process)
        time.sleep(2)
        status, stderr, seconds = interrupt(process, how)
        check_clean_exit(status, stderr, seconds, how, "prove")
        assert left_running(process.pid) == {}
        assert list(temporary.iterdir()) == []


# A finalizer that runs long enough for the signal to land in it, as Amaranth's unused-component
# check did in a real `mitchell area` run (Python then printed the exception and carried on, and
# the command ran to the end with status 0).
IN_FINALIZER = """
import os, signal, sys, time
from mitchell.sim.pool import Terminated, terminate_as_interrupt

class Slow:
    def __del__(self):
        print("in finalizer", flush=True)
        # Work in steps, as a finalizer does: Python runs a signal handler between steps, not
        # during one that has already begun (a single sleep(5) entered just after the signal
        # came would take its full 5 s whatever the code under test does).
        for _ in range(50):
            time.sleep(0.1)

try:
    with terminate_as_interrupt():
        Slow()
        time.sleep(10)
        print("ran on", flush=True)
except Terminated:
    sys.exit(143)
except KeyboardInterrupt:
    sys.exit(130)
"""


@pytest.mark.parametrize("how, status", [("sigint", 130), ("sigterm", 143)])
def test_a_signal_in_a_finalizer_still_stops_the_command(how, status):
    process = subprocess.Popen([sys.executable, "-c", IN_FINALIZER], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "in finalizer\n"
    returncode, stderr, seconds = interrupt(process, how)
    assert (returncode, stderr) == (status, "")
    assert seconds < EXIT_SECONDS


# Ctrl-C right after the pool forks a worker, before the executor has entered it in its table of
# workers: a full run caught that worker outliving the command, in a process group of its own,
# holding the command's output pipes open. Here the moment is made certain.
WHILE_FORKING = """
import multiprocessing.process, os, signal, sys, time
from mitchell.sim.pool import ProcessPool

start = multiprocessing.process.BaseProcess.start

def start_then_interrupt(self):
    start(self)
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.2)

multiprocessing.process.BaseProcess.start = start_then_interrupt
try:
    with ProcessPool(max_workers=2) as pool:
        pool.submit(time.sleep, 60).result()
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_ctrl_c_while_a_worker_is_forked_stops_that_worker_too(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", WHILE_FORKING], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        # Not communicate(): a worker left behind would hold the pipes open.
        process.wait(timeout=10)
        assert (process.returncode, left_running(process.pid)) == (130, {})
    finally:
        kill_session(process.pid)
        process.communicate()


def _job_stopped_in_a_finalizer(folder: str) -> None:
    """A job whose finalizer is running when SIGTERM comes, inside a work folder."""
    from mitchell.sim.files import work_folder

    class Slow:
        def __del__(self):
            (Path(folder) / "in-finalizer").touch()
            for _ in range(5):
                time.sleep(0.1)

    with work_folder("job-", dir=folder):
        Slow()
        for _ in range(300):
            time.sleep(0.1)


def test_a_sigterm_lost_in_a_finalizer_of_a_job_still_stops_it_and_its_folder_goes(tmp_path):
    """Python prints an exception raised in a finalizer and carries on; a worker's SIGTERM that
    lands there is raised again in the job, which unwinds (its folder removed) well before the
    pool's grace is over, rather than running on until it is killed (found leaving synthesis
    folders behind in this module's report tests)."""
    from mitchell.sim.pool import GRACE_SECONDS, ProcessPool

    start = None
    with pytest.raises(KeyboardInterrupt):
        with ProcessPool(max_workers=1) as pool:
            pool.submit(_job_stopped_in_a_finalizer, str(tmp_path))
            deadline = time.monotonic() + 60
            while not (tmp_path / "in-finalizer").exists():
                assert time.monotonic() < deadline, "the job never got there"
                time.sleep(0.05)
            start = time.monotonic()
            raise KeyboardInterrupt
    assert time.monotonic() - start < GRACE_SECONDS
    assert [entry.name for entry in tmp_path.iterdir()] == ["in-finalizer"]
