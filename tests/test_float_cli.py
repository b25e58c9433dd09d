"""The command line with --format, and the floating-point error metrics."""
import dataclasses
import json
from fractions import Fraction

import numpy as np
import pytest

from mitchell.rtl.float_format import FORMATS
from mitchell.reports.error.error_analysis import measure
from mitchell.sim.float_design import FloatDesign
from mitchell.sim.float_scalar import decode


@pytest.mark.parametrize("args, message", [
    (["--format", "fp64"], "Format must be one of int, fp32, bf16, fp16, fp8-e4m3, fp8-e5m2, "
                           "not 'fp64'"),
    (["--format", "bf16", "--signed"], "--signed applies to integer designs, not with --format bf16"),
    (["--format", "bf16", "--variant", "mbm"], "Variant with --format must be one of mitchell, "
                                               "lmul, exact, not 'mbm'"),
    (["--format", "bf16", "--width", "16"], "--width applies to integer designs"),
    (["--format", "fp16", "--frac-bits", "3"], "--frac-bits applies to integer designs"),
    (["--format", "fp16", "--param", "w=3"], "--param applies to integer designs"),
    (["--variant", "lmul", "--width", "8"], "Variant must be one of mitchell, exact"),
    ([], "the following arguments are required: --width (or --format)"),
])
@pytest.mark.parametrize("command", ["verilog", "sim", "error", "area"])
def test_bad_input_is_one_line_and_status_2(cli, command, args, message, tmp_path):
    extra = ["-o", "out.v"] if command == "verilog" else []
    result = cli(command, *args, *extra)
    assert result.status == 2 and result.stdout == ""
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "out.v").exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["report", "sweep"])
def test_report_and_sweep_refuse_a_width_with_a_format(cli, command, tmp_path):
    result = cli(command, "--format", "bf16", "--width", "8", "--out", "out", "--no-area")
    assert result.status == 2 and "--width applies to integer designs" in result.stderr
    assert not (tmp_path / "out").exists()


def test_error_method_is_refused_with_a_format(cli):
    result = cli("error", "--format", "fp16", "--method", "analytic")
    assert result.status == 2 and "--method analytic applies to integer designs" in result.stderr


def test_verilog_of_a_format(cli, tmp_path):
    result = cli("verilog", "--format", "bf16", "--variant", "lmul", "-o", "lmul_bf16.v")
    assert result.status == 0
    text = (tmp_path / "lmul_bf16.v").read_text()
    assert text == FloatDesign("bf16", "lmul").verilog() and "module lmul_bf16_mul(" in text


def test_sim_of_a_format(cli):
    result = cli("sim", "--format", "fp8-e4m3", "--simulator", "amaranth", "--vectors", "corners")
    assert result.status == 0 and "0 mismatches" in result.stdout
    assert "mitchell(format=fp8-e4m3, stages=0)" in result.stdout


def scalar_metrics(name: str, variant: str) -> tuple[Fraction, Fraction, int]:
    """MRED, WCRE and the count over every fp8 pair with both results normal, from the scalar
    models' values in exact arithmetic."""
    fmt = FORMATS[name]
    total, worst, count = Fraction(0), Fraction(0), 0
    for a in range(256):
        for b in range(256):
            _, p = decode(FloatDesign(name, variant).scalar(a, b), fmt)
            _, e = decode(FloatDesign(name, "exact").scalar(a, b), fmt)
            if isinstance(p, Fraction) and isinstance(e, Fraction) and p and e:
                error = abs(p - e) / e
                total, worst, count = total + error, max(worst, error), count + 1
    return total / count, worst, count


@pytest.mark.parametrize("name", ["fp8-e4m3", "fp8-e5m2"])
@pytest.mark.slow
def test_fp8_metrics_match_exact_arithmetic(name):
    metrics = measure(FloatDesign(name, "mitchell"))
    mred, wcre, count = scalar_metrics(name, "mitchell")
    assert metrics["exhaustive"] and metrics["pairs"] == 65_536
    assert metrics["relative_pairs"] == count
    assert metrics["mred"] == pytest.approx(float(mred), rel=1e-12)
    assert metrics["wcre"] == pytest.approx(float(wcre), rel=1e-12)
    # Mitchell never overestimates: bias is minus MRED.
    assert metrics["bias"] == pytest.approx(-float(mred), rel=1e-12)
    assert metrics["class_mismatches_inside"] == 0 and metrics["class_mismatches"] > 0


@pytest.mark.parametrize("name", list(FORMATS))
def test_wcre_within_a_ninth_plus_half_an_ulp(name):
    fmt = FORMATS[name]
    metrics = measure(FloatDesign(name, "mitchell"),
                            samples=None if fmt.width == 8 else 200_000)
    # Mitchell's product is within 1/9 below the true one; the exact one is rounded by half an ulp.
    assert 0.1 < metrics["wcre"] <= 1 / 9 + 2.0 ** -(fmt.mantissa_bits + 1)
    assert metrics["class_mismatches_inside"] == 0


@dataclasses.dataclass(frozen=True)
class FlushesBelowOne(FloatDesign):
    """Mutant: every result below 1.0 flushed to zero, a guard gone wrong inside the range."""

    def golden(self, a, b):
        good = super().golden(a, b)
        fmt = self.fmt
        small = (good & np.uint64(fmt.magnitude_mask)) < np.uint64(fmt.one)
        return np.where(small, good & np.uint64(fmt.sign_mask), good)


def test_inside_class_mismatches_catch_a_wrong_guard():
    # The mutant is in the golden model, which only enumeration runs.
    metrics = measure(FlushesBelowOne("fp8-e5m2", "mitchell"), method="enumerate")
    assert metrics["class_mismatches_inside"] > 1000


def test_error_command_prints_the_metrics(cli):
    result = cli("error", "--format", "bf16", "--samples", "20000", "--seed", "3")
    assert result.status == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("mitchell(format=bf16, stages=0) against exact(format=bf16")
    assert "20,000 random pairs (seed 3)" in lines[0]
    assert [line.split()[0] for line in lines[1:4]] == ["MRED", "WCRE", "bias"]
    assert "inside the range" not in lines[-1] and lines[-1].endswith("but 0")


def test_report_with_a_format(cli, tmp_path):
    result = cli("report", "--format", "fp8-e5m2", "--variant", "mitchell", "--variant", "lmul",
                 "--no-area", "--out", "out")
    assert result.status == 0, result.stderr
    folder = tmp_path / "out"
    report = (folder / "report.md").read_text()
    assert "| mitchell fp8-e5m2 | 65,536 (all) |" in report and "| lmul fp8-e5m2 |" in report
    assert "| exact fp8-e5m2 | 65,536 (all) | " in report
    for name in ["float_mantissa_plane.png", "float_error_histogram.png", "report.html"]:
        assert (folder / name).stat().st_size > 1000
    designs = json.loads((folder / "report.json").read_text())["designs"]
    assert [(d["format"], d["variant"]) for d in designs] == [
        ("fp8-e5m2", "mitchell"), ("fp8-e5m2", "exact"), ("fp8-e5m2", "lmul")]
    expected = measure(FloatDesign("fp8-e5m2", "mitchell"))
    assert designs[0]["error"] == expected


def test_mantissa_plane_is_mitchell_error():
    from mitchell.reports.render.plots import mantissa_plane

    fractions, errors = mantissa_plane(FloatDesign("bf16", "mitchell"))
    assert errors.shape == (128, 128) and fractions[1] == 1 / 128
    x, y = np.meshgrid(fractions, fractions, indexing="ij")
    # Both exponents 0: Mitchell gives 1 + x + y below the carry, 2 (x + y) above; the exact
    # product (1 + x)(1 + y) rounded to 7 fraction bits.
    mitchell = np.where(x + y < 1, 1 + x + y, 2 * (x + y))
    exact = (1 + x) * (1 + y)
    assert np.allclose(errors, (mitchell - exact) / exact, atol=2 ** -7)
    assert errors.min() == pytest.approx(-1 / 9, abs=2 ** -7) and errors.max() == 0


def test_sweep_with_a_format(cli, tmp_path):
    result = cli("sweep", "--format", "fp8-e4m3", "--no-area", "--out", "out")
    assert result.status == 0, result.stderr
    rows = (tmp_path / "out" / "sweep.csv").read_text().splitlines()
    header = rows[0].split(",")
    assert header[:3] == ["variant", "format", "width"] and header[-1] == "class_mismatches_inside"
    assert [row.split(",")[:3] for row in rows[1:]] == [
        ["mitchell", "fp8-e4m3", "8"], ["exact", "fp8-e4m3", "8"], ["lmul", "fp8-e4m3", "8"]]
