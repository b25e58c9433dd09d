"""What the ``mitchell`` process imports before a command runs: a command's help imports
neither the compiled kernel (numba) nor plotting, scikit-learn or Dask (the aim is
``mitchell verilog --help`` in 0.5 s or less, measured by tests/benchmarks/bench_cli.py;
no timed assertion here)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = {"numba", "matplotlib", "sklearn", "skimage", "dask", "distributed"}
MITCHELL = Path(sys.executable).parent / "mitchell"


def imported(*args) -> set[str]:
    """The top-level packages a real ``mitchell`` process imports, read from the import-time
    report that ``PYTHONPROFILEIMPORTTIME`` makes Python write to stderr."""
    result = subprocess.run([MITCHELL, *args], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: mitchell")
    names = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
             if line.startswith("import time:") and "|" in line}
    # The report names the package itself: an empty report would pass the check vacuously.
    assert "mitchell.reports.cli" in names
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize("command", [[name, "--help"] for name in
                                     ("verilog", "sim", "area", "export", "report", "sweep")]
                         + [["--help"]], ids=" ".join)
def test_help_imports_nothing_heavy(command):
    assert imported(*command) & HEAVY == set()


def test_the_run_imports_what_it_needs():
    """The check above sees heavy imports where they happen: ``error`` imports the kernel."""
    assert "numba" in imported("error", "--help")
