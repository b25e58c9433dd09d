"""The synthesis cache: a bad entry is a miss, an unusable cache folder a one-line warning.

Real synthesis of the 4-bit exact multiplier by the generic flow (a few seconds); the expected
figures are those of a run into an empty cache.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mitchell.reports.synthesis.cache import read_cache, write_cache
from mitchell.reports.synthesis.yosys import GENERIC_FIELDS as FIELDS


def area(cache: Path, cwd: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mitchell.reports.cli", "area", "--width", "4",
                           "--variant", "exact", "--flow", "generic", "--json", *extra], cwd=cwd,
                          capture_output=True,
                          text=True, env=dict(os.environ, MITCHELL_CACHE_DIR=str(cache)),
                          timeout=600)


def designs(stdout: str) -> list[dict]:
    """The generic flow's figures of each design in ``area --json``'s output (beside them, the
    comparison)."""
    return [flows["generic"] for label, flows in json.loads(stdout).items()
            if label != "comparison"]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> tuple[dict, str]:
    """The figures of a run into an empty cache, and the name of the one entry it wrote."""
    folder = tmp_path_factory.mktemp("fresh")
    result = area(folder / "cache", folder)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    (figures,) = designs(result.stdout)
    (entry,) = (folder / "cache" / "generic").iterdir()
    assert json.loads(entry.read_text()) == figures and set(FIELDS) <= set(figures)
    return figures, entry.name


def corrupt(figures: dict, kind: str) -> bytes:
    good = json.dumps(figures).encode()
    missing = {key: value for key, value in figures.items() if key != "transistors"}
    return {"truncated": good[:len(good) // 2], "empty": b"", "not JSON": b"<html>oops</html>",
            "not UTF-8": b"\xff\xfe\x00{", "a list": json.dumps(list(figures.values())).encode(),
            "null": b"null", "a missing key": json.dumps(missing).encode(),
            "a string for a number": json.dumps({**figures, "cells": "many"}).encode(),
            "a boolean for a number": json.dumps({**figures, "depth": True}).encode()}[kind]


KINDS = ["truncated", "empty", "not JSON", "not UTF-8", "a list", "null", "a missing key",
         "a string for a number", "a boolean for a number"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_entry_is_a_miss(tmp_path, monkeypatch, kind):
    figures = {field: 7 for field in FIELDS}
    monkeypatch.setenv("MITCHELL_CACHE_DIR", str(tmp_path))
    write_cache("generic", "key", figures)
    assert read_cache("generic", "key", FIELDS) == figures
    (tmp_path / "generic" / "key.json").write_bytes(corrupt(figures, kind))
    assert read_cache("generic", "key", FIELDS) is None


# The cases, through the command line with real synthesis.
@pytest.mark.parametrize("kind", ["truncated", "empty", "not JSON", "a list", "a missing key"])
def test_a_bad_entry_is_recomputed_and_overwritten(tmp_path, fresh, kind):
    figures, name = fresh
    entry = tmp_path / "cache" / "generic" / name
    entry.parent.mkdir(parents=True)
    entry.write_bytes(corrupt(figures, kind))
    result = area(tmp_path / "cache", tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert designs(result.stdout) == [figures]
    assert json.loads(entry.read_text()) == figures
    assert os.listdir(entry.parent) == [name]


def test_a_good_entry_is_used(tmp_path, fresh):
    # Figures no synthesis gives: they can only come from the cache.
    figures, name = fresh
    planted = {field: 7 for field in FIELDS}
    entry = tmp_path / "cache" / "generic" / name
    entry.parent.mkdir(parents=True)
    entry.write_text(json.dumps(planted))
    result = area(tmp_path / "cache", tmp_path)
    assert result.returncode == 0, result.stderr
    assert designs(result.stdout) == [planted]


def warning_of(result: subprocess.CompletedProcess, folder: Path) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "warning" in lines[0] and str(folder) in lines[0] and "without the cache" in lines[0]
    return lines[0]


def test_a_cache_path_that_is_a_file_is_a_warning(tmp_path, fresh):
    figures, _ = fresh
    (tmp_path / "cache").write_text("not a folder")
    result = area(tmp_path / "cache", tmp_path)
    warning_of(result, tmp_path / "cache")
    assert designs(result.stdout) == [figures]
    assert (tmp_path / "cache").read_text() == "not a folder"


def test_a_read_only_cache_folder_is_a_warning(tmp_path, fresh):
    figures, _ = fresh
    folder = tmp_path / "cache" / "generic"
    folder.mkdir(parents=True)
    if os.geteuid() == 0:
        # Root writes through permission bits; the immutable flag stops even root.
        if shutil.which("chattr") is None:
            pytest.skip("chattr is not installed (apt-get install -y e2fsprogs)")
        flagged = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
        if flagged.returncode != 0:
            pytest.skip(f"this file system has no immutable flag: {flagged.stderr.strip()}")
    else:
        folder.chmod(0o555)
    try:
        result = area(tmp_path / "cache", tmp_path)
        listing = os.listdir(folder)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)
    warning_of(result, folder)
    assert designs(result.stdout) == [figures]
    assert listing == []


@pytest.mark.slow
def test_a_report_warns_once_not_once_per_worker(tmp_path):
    (tmp_path / "cache").write_text("not a folder")
    result = subprocess.run([sys.executable, "-m", "mitchell.reports.cli", "report", "--width",
                             "4", "--out", "out"], cwd=tmp_path, capture_output=True, text=True,
                            env=dict(os.environ, MITCHELL_CACHE_DIR=str(tmp_path / "cache")),
                            timeout=600)
    warning_of(result, tmp_path / "cache")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert all(set(FIELDS) <= set(entry["generic"]) for entry in report["designs"])


def test_numba_compiles_into_the_project_cache_not_beside_the_sources(tmp_path):
    # Beside the sources means inside site-packages for an installed package, where pip's
    # uninstall leaves the files and they shadow a later editable install.
    env = {key: value for key, value in os.environ.items() if key != "NUMBA_CACHE_DIR"}
    env["MITCHELL_CACHE_DIR"] = str(tmp_path)
    code = ("import numba, mitchell.reports.error.kernel; from mitchell.sim.design import Design; "
            "from mitchell.reports.error.error_analysis import measure; "
            "measure(Design(variant='mbm', width=12)); print(numba.config.CACHE_DIR)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(tmp_path / "numba")
    assert any((tmp_path / "numba").rglob("*.nbi"))
