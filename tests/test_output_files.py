"""Output files and folders: devices, FIFOs, symbolic links, modes, refusals and races.

Every case runs the real command line on real files; expected contents come from the package's
Verilog generator, expected modes from the umask the test sets.
"""
import json
import multiprocessing
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mitchell.sim.design import Design
from mitchell.sim import files
from mitchell.sim.files import OutputError, atomic_folder
from mitchell.sim.pool import Terminated

VERILOG4 = Design(variant="mitchell", width=4).verilog()


def mitchell(*args, cwd: Path, umask: int = 0o022, env: dict | None = None, stdout=None,
             timeout: float = 300):
    def start():
        os.umask(umask)
    return subprocess.run([sys.executable, "-m", "mitchell.reports.cli", *map(str, args)],
                          cwd=cwd, env=env, preexec_fn=start, text=True, timeout=timeout,
                          stdout=subprocess.PIPE if stdout is None else stdout,
                          stderr=subprocess.PIPE)


def one_line_error(result, status: int = 2) -> str:
    assert result.returncode == status, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def leftovers(folder: Path, name: str) -> list[str]:
    """Temporary siblings of ``name`` in ``folder`` (the writers' hidden ``.name.*`` files)."""
    return sorted(entry for entry in os.listdir(folder) if entry.startswith(f".{name}"))


@pytest.fixture
def immutable(tmp_path):
    """``chattr +i`` on a path, undone at the end; skips where the file system has no such flag."""
    marked = []

    def mark(path: Path) -> Path:
        if shutil.which("chattr") is None:
            pytest.skip("chattr is not installed (apt-get install -y e2fsprogs)")
        result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"this file system has no immutable flag: {result.stderr.strip()}")
        marked.append(path)
        return path

    yield mark
    for path in marked:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def device(tmp_path: Path, name: str) -> Path:
    """``/dev/null`` or ``/dev/full``. As root, a node of our own with the same numbers in the
    test's folder, so that a bug replaces that one and not the system's (as root could)."""
    system = Path("/dev") / name
    if not system.is_char_device():
        pytest.skip(f"no {system} on this system")
    if os.geteuid() != 0:
        return system
    node = tmp_path / name
    os.mknod(node, stat.S_IFCHR | 0o666, os.stat(system).st_rdev)
    return node


def test_a_device_is_written_to_not_replaced(tmp_path):
    null = device(tmp_path, "null")
    result = mitchell("verilog", "--width", "4", "-o", null, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert leftovers(null.parent, null.name) == []


def test_a_full_device_is_a_one_line_error(tmp_path):
    full = device(tmp_path, "full")
    line = one_line_error(mitchell("verilog", "--width", "8", "-o", full, cwd=tmp_path))
    assert str(full) in line and "No space left on device" in line
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_standard_output_on_a_full_device_is_a_one_line_error(tmp_path):
    if not Path("/dev/full").is_char_device():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        result = mitchell("verilog", "--width", "8", cwd=tmp_path, stdout=full)
    assert result.returncode != 0
    line = one_line_error(result, result.returncode)
    assert "standard output" in line and "No space left on device" in line


def test_a_fifo_is_written_into(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    try:
        result = mitchell("verilog", "--width", "4", "-o", fifo, cwd=tmp_path, timeout=60)
        received, _ = reader.communicate(timeout=10)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received == VERILOG4


def test_a_symbolic_link_writes_its_target_and_stays_a_link(tmp_path):
    target = tmp_path / "real" / "design.v"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o664)
    link = tmp_path / "link.v"
    link.symlink_to(Path("real") / "design.v")
    result = mitchell("verilog", "--width", "4", "-o", link, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "design.v")
    assert target.read_text() == VERILOG4
    # An existing file keeps its mode (0664 is not what the umask 022 would give a new file).
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    assert leftovers(tmp_path, "link.v") == [] and leftovers(target.parent, "design.v") == []


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_the_umask_allows(tmp_path, umask, mode):
    result = mitchell("verilog", "--width", "4", "-o", "new.v", cwd=tmp_path, umask=umask)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "new.v").stat().st_mode) == mode
    assert (tmp_path / "new.v").read_text() == VERILOG4


def test_an_existing_file_keeps_its_mode(tmp_path):
    existing = tmp_path / "old.v"
    existing.write_text("old")
    existing.chmod(0o604)
    result = mitchell("verilog", "--width", "4", "-o", existing, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(existing.stat().st_mode) == 0o604
    assert existing.read_text() == VERILOG4


@pytest.mark.slow
def test_a_report_folder_gets_the_mode_the_umask_allows(tmp_path):
    result = mitchell("report", "--width", "4", "--no-area", "--out", "out", cwd=tmp_path,
                      umask=0o027)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "out" / "report.json").stat().st_mode) == 0o640


@pytest.mark.parametrize("out, cwd", [(".", "empty"), ("..", "earlier/inner"),
                                      ("../..", "earlier/inner/deeper")])
def test_report_refuses_the_current_folder_and_its_parents(tmp_path, out, cwd):
    # "earlier" holds an earlier report, which a report may replace: but not while it holds the
    # folder the command runs in.
    (tmp_path / "earlier").mkdir()
    (tmp_path / "earlier" / "report.json").write_text("{}")
    folder = tmp_path / cwd
    folder.mkdir(parents=True)
    identity = os.stat(folder).st_ino
    line = one_line_error(mitchell("report", "--width", "4", "--no-area", "--out", out,
                                   cwd=folder))
    assert "current folder" in line and repr(out) in line
    assert os.stat(folder).st_ino == identity and (tmp_path / "earlier" / "report.json").exists()


def test_an_immutable_file_is_a_one_line_error(tmp_path, immutable):
    target = tmp_path / "frozen.v"
    target.write_text("frozen")
    immutable(target)
    line = one_line_error(mitchell("verilog", "--width", "4", "-o", target, cwd=tmp_path))
    assert str(target) in line
    assert target.read_text() == "frozen" and leftovers(tmp_path, "frozen.v") == []


def test_a_name_too_long_for_the_file_system_is_a_one_line_error(tmp_path):
    limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    line = one_line_error(mitchell("verilog", "--width", "4", "-o", "a" * (limit + 1),
                                   cwd=tmp_path))
    assert "too long" in line
    assert os.listdir(tmp_path) == []


def test_a_name_at_the_file_systems_limit_is_written(tmp_path):
    # The temporary file beside it must not need a longer name than the output itself.
    name = "a" * os.pathconf(tmp_path, "PC_NAME_MAX")
    result = mitchell("verilog", "--width", "4", "-o", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert os.listdir(tmp_path) == [name] and (tmp_path / name).read_text() == VERILOG4


def test_an_output_path_ending_in_a_slash_is_refused(tmp_path):
    line = one_line_error(mitchell("verilog", "--width", "4", "-o", "nodir/", cwd=tmp_path))
    assert "'nodir/'" in line
    assert os.listdir(tmp_path) == []


def _race(out: str, index: int, barrier) -> None:
    with atomic_folder(out) as folder:
        (folder / "report.json").write_text(json.dumps(index))
        barrier.wait()


def test_folders_written_at_the_same_moment_leave_one_complete_folder(tmp_path):
    """Four writers finish filling their folders together, then all replace the same folder."""
    context = multiprocessing.get_context("fork")
    out = tmp_path / "out"
    for round_ in range(10):
        barrier = context.Barrier(4)
        writers = [context.Process(target=_race, args=(str(out), index, barrier))
                   for index in range(4)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(60)
        assert [writer.exitcode for writer in writers] == [0] * 4, f"round {round_}"
        assert os.listdir(out) == ["report.json"]
        assert json.loads((out / "report.json").read_text()) in range(4)
        assert leftovers(tmp_path, "out") == []


@pytest.mark.slow
def test_two_reports_into_one_folder_at_once(tmp_path):
    command = [sys.executable, "-m", "mitchell.reports.cli", "report", "--width", "4",
               "--no-area", "--out", "out"]
    for round_ in range(4):
        runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [(run.wait(120), run.stderr.read()) for run in runs]
        for run in runs:
            run.stdout.close()
            run.stderr.close()
        assert all(status == 0 and "Traceback" not in stderr for status, stderr in results), \
            (round_, results)
        report = json.loads((tmp_path / "out" / "report.json").read_text())
        assert [entry["variant"] for entry in report["designs"]] == ["mitchell", "exact"]
        assert leftovers(tmp_path, "out") == []


def test_atomic_folder_refuses_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError, match="current folder"):
        with atomic_folder("."):
            pass
    assert tmp_path.is_dir()


class TestBuildFolder:
    """``--build-dir`` must name a folder the simulator can write in."""

    def test_a_file(self, tmp_path):
        shutil.which("iverilog") or pytest.skip("iverilog is not installed")
        (tmp_path / "file").write_text("not a folder")
        line = one_line_error(mitchell("sim", "--width", "4", "--simulator", "icarus",
                                       "--vectors", "corners", "--build-dir", "file",
                                       cwd=tmp_path))
        assert "'file'" in line or str(tmp_path / "file") in line
        assert (tmp_path / "file").read_text() == "not a folder"

    def test_a_read_only_folder(self, tmp_path, immutable):
        shutil.which("iverilog") or pytest.skip("iverilog is not installed")
        frozen = tmp_path / "frozen"
        frozen.mkdir()
        immutable(frozen)
        for build_dir in (frozen, frozen / "inner"):
            line = one_line_error(mitchell("sim", "--width", "4", "--simulator", "icarus",
                                           "--vectors", "corners", "--build-dir", build_dir,
                                           cwd=tmp_path))
            assert str(frozen) in line
        assert os.listdir(frozen) == []


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, Terminated])
def test_a_work_folder_is_removed_to_the_end_when_an_interrupt_lands_in_its_removal(
        tmp_path, monkeypatch, interrupt):
    """The first removal stops halfway, as Ctrl-C or SIGTERM landing in ``shutil.rmtree`` stops
    it (a race seen once in the suite: ``area`` left a synthesis folder behind). The folder is
    still removed, and the interrupt is raised after."""
    removals = []
    remove = shutil.rmtree

    def interrupted(path, **kwargs):
        removals.append(path)
        if len(removals) == 1:
            sorted(Path(path).iterdir())[0].unlink()
            raise interrupt()
        return remove(path, **kwargs)

    monkeypatch.setattr(files.shutil, "rmtree", interrupted)
    with pytest.raises(interrupt):
        with files.work_folder("probe-", dir=tmp_path) as folder:
            for name in range(10):
                (Path(folder) / f"file{name}").write_text("x")
    assert len(removals) == 2 and list(tmp_path.iterdir()) == []
