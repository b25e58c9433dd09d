import csv
import json
import subprocess
import sys

import pytest

from mitchell.reports.sweep import pareto_front
from mitchell.sim.catalogue import CATALOGUE


def test_pareto_front_by_definition():
    points = [(1, 5), (2, 3), (3, 4), (4, 1), (2, 3), (5, 1)]
    # (3, 4) loses to (2, 3); (5, 1) loses to (4, 1); the duplicate (2, 3) pair do not beat each other.
    assert pareto_front(points) == [0, 1, 4, 3]


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def test_sweep_writes_every_variant_with_the_report_schema(tmp_path):
    out = tmp_path / "sweep"
    result = subprocess.run([sys.executable, "-m", "mitchell.reports.cli", "sweep", "--width", "6",
                             "--width", "8", "--variant", "all", "--out", str(out)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    sweep = json.loads((out / "sweep.json").read_text())
    pairs = [(d["variant"], d["width"]) for d in sweep["designs"]]
    assert pairs == [(v, w) for w in (6, 8) for v in CATALOGUE]
    for entry in sweep["designs"]:
        assert {"variant", "width", "signed", "frac_bits", "stages", "params", "error", "area"} == set(entry)
        assert entry["error"]["exhaustive"] and entry["area"]["transistors"] > 0
    with open(out / "sweep.csv") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == len(pairs) and float(rows[0]["mred"]) == sweep["designs"][0]["error"]["mred"]
    assert (out / "pareto.png").stat().st_size > 10_000 and (out / "pareto.svg").exists()
    assert "mbm(width=8, frac_bits=7, stages=0)" in result.stdout
