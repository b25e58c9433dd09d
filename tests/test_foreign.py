"""Foreign designs (``--verilog``): any multiplier's gate-level Verilog measured like ours.

Every circuit here is written for the tests: a truncated array multiplier whose metrics follow
from its definition in plain NumPy, and our own designs written as Verilog and read back under
other port names and module names, whose golden models and compiled kernels give the expected
products and sums. Each bad input has its one-line refusal, and planted mutants of the
evaluators (an opcode swapped, the top product bit dropped) are caught.
"""
import ast
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from mitchell.reports.error import kernel
from mitchell.reports.error.error_analysis import measure, pair_sums
from mitchell.sim import foreign
from mitchell.sim.design import Design
from mitchell.sim.foreign import ForeignDesign, ForeignError
from mitchell.sim.vectors import exhaustive

from .test_cli_input import one_line_error, run_cli
from .test_kernel import mismatches

ROOT = Path(__file__).resolve().parent.parent

# An array multiplier without the partial-product bits a[i] b[j] of columns i + j < K.
TRUNCATED = """\
module truncated #(parameter N = 8, parameter K = 6) (
    input [N-1:0] x, input [N-1:0] y, output reg [2*N-1:0] z);
  integer i, j;
  always @* begin
    z = 0;
    for (i = 0; i < N; i = i + 1)
      for (j = 0; j < N; j = j + 1)
        if (i + j >= K) z = z + ({{(2*N-1){1'b0}}, x[i] & y[j]} << (i + j));
  end
endmodule
"""


def truncated_product(a: np.ndarray, b: np.ndarray, *, width: int, cut: int) -> np.ndarray:
    """The truncated array multiplier's product, from its definition."""
    total = np.zeros(len(a), dtype=np.int64)
    for i in range(width):
        for j in range(width):
            if i + j >= cut:
                total += (((a >> i) & 1) * ((b >> j) & 1)) << (i + j)
    return total


def write_truncated(folder: Path) -> Path:
    path = folder / "truncated.v"
    path.write_text(TRUNCATED)
    return path


def renamed(design: Design, folder: Path, *, top: str = "renamed") -> Path:
    """``design``'s Verilog (as ``mitchell verilog`` writes it) inside a module ``top`` whose
    ports are ``lhs``, ``rhs`` and ``product``."""
    n = design.width
    text = design.verilog() + (
        f"\nmodule {top}(input [{n - 1}:0] lhs, input [{n - 1}:0] rhs, "
        f"output [{2 * n - 1}:0] product);\n"
        f"  {design.default_name} core (.a(lhs), .b(rhs), .p(product));\nendmodule\n")
    path = folder / f"{design.variant}_{n}{'s' if design.signed else ''}.v"
    path.write_text(text)
    return path


def read_back(design: Design, folder: Path) -> ForeignDesign:
    return ForeignDesign(str(renamed(design, folder)), "renamed", ("lhs", "rhs", "product"),
                         signed=design.signed)


def test_a_truncated_array_multiplier_measures_as_its_definition(tmp_path):
    """All 65,536 pairs, by the gate kernel and by NumPy enumeration of the netlist, against
    ER, MRED, MED, WCE and bias computed from the definition."""
    design = ForeignDesign(str(write_truncated(tmp_path)), "truncated", ("x", "y", "z"))
    assert design.width == 8 and design.label == "verilog:truncated(width=8)"
    a, b = (values.astype(np.int64) for values in exhaustive(8))
    exact = a * b
    approx = truncated_product(a, b, width=8, cut=6)
    error = approx - exact
    nonzero = exact != 0
    expected = {"pairs": 65_536, "relative_pairs": int(nonzero.sum()),
                "er": float(np.mean(error != 0)), "wce": int(np.abs(error).max()),
                "med": float(np.mean(np.abs(error))),
                "mred": float(np.mean(np.abs(error[nonzero]) / exact[nonzero])),
                "bias": float(np.mean(error[nonzero] / exact[nonzero]))}
    assert expected["wce"] > 0 and expected["mred"] > 0.001  # the cut drops something
    for method in ("kernel", "enumerate"):
        metrics = measure(design, method=method)
        assert metrics["method"] == method and metrics["exhaustive"]
        for key, value in expected.items():
            assert metrics[key] == pytest.approx(value, rel=1e-12), (method, key)
    assert measure(design)["kernel"].startswith("mitchell.reports.error.kernel.gates")


@pytest.mark.parametrize("variant, width", [
    ("mitchell", 8), ("mbm", 8), ("alm-soa", 8), ("exact", 8), ("mitchell", 2), ("ilm", 3),
    ("nearest-one", 5), ("mbm", 10)])
def test_our_designs_read_back_as_foreign_verilog_give_their_golden_products(variant, width,
                                                                          tmp_path):
    """Every pair: the netlist's products are the golden model's, and the gate kernel's sums
    are the catalogue kernel's (2 and 3 bits fill less than a word, 5 less than a block, 10
    several parallel rows)."""
    design = Design(variant=variant, width=width)
    read = read_back(design, tmp_path)
    assert read.width == width
    a, b = exhaustive(width)
    assert np.array_equal(read.golden(a, b), design.golden(a, b))
    assert not mismatches(kernel.exhaustive_sums(read), kernel.exhaustive_sums(design))


def test_a_signed_design_read_back_measures_as_ours(tmp_path):
    """Signed foreign designs go through NumPy enumeration of the netlist (the gate kernel takes
    unsigned ones), to the catalogue kernel's figures."""
    design = Design(variant="mitchell", width=6, signed=True)
    read = read_back(design, tmp_path)
    a, b = exhaustive(6)
    assert np.array_equal(read.golden(a, b), design.golden(a, b))
    got, expected = measure(read), measure(design)
    assert got["method"] == "enumerate" and "gate kernel" in got["note"]
    for key in ("pairs", "relative_pairs", "er", "over", "wce"):
        assert got[key] == expected[key], key
    for key in ("mred", "bias", "med", "mse", "wcre"):
        assert got[key] == pytest.approx(expected[key], rel=1e-12), key


def test_random_pairs_of_a_foreign_design_go_through_numpy_enumeration(tmp_path):
    design = Design(variant="mitchell", width=8)
    read = read_back(design, tmp_path)
    got = measure(read, samples=20_000, seed=3)
    expected = measure(design, samples=20_000, seed=3, method="enumerate")
    assert got["method"] == "enumerate" and not got["exhaustive"]
    assert got["mred"] == pytest.approx(expected["mred"], rel=1e-12)
    with pytest.raises(ValueError, match="exhaustive sets"):
        measure(read, samples=1000, method="kernel")


def test_the_wrapper_and_the_netlist_agree_with_icarus_on_random_vectors(tmp_path):
    """The wrapper module (ports a, b, p, what the synthesis flows read) simulated by Icarus on
    2,000 random pairs gives the netlist's products."""
    from mitchell.sim.toolchain import icarus

    compiler = icarus()
    design = ForeignDesign(str(write_truncated(tmp_path)), "truncated", ("x", "y", "z"))
    rng = np.random.default_rng(7)
    a, b = rng.integers(0, 256, size=(2, 2000), dtype=np.uint64)
    a[:4], b[:4] = [255, 0, 255, 128], [255, 255, 1, 128]
    (tmp_path / "in.hex").write_text("".join(f"{x:02x}\n{y:02x}\n" for x, y in zip(a, b)))
    (tmp_path / "design.v").write_text(design.verilog())
    (tmp_path / "tb.v").write_text(f"""\
module tb;
  reg [7:0] a, b; wire [15:0] p; reg [7:0] vectors [0:{2 * len(a) - 1}]; integer i;
  {design.default_name} dut (.a(a), .b(b), .p(p));
  initial begin
    $readmemh("in.hex", vectors);
    for (i = 0; i < {len(a)}; i = i + 1) begin
      a = vectors[2 * i]; b = vectors[2 * i + 1]; #1 $display("%h", p);
    end
    $finish;
  end
endmodule
""")
    subprocess.run([str(compiler), "-o", "tb.vvp", "tb.v", "design.v"], cwd=tmp_path,
                   check=True, capture_output=True)
    run = subprocess.run(["vvp", "-n", "tb.vvp"], cwd=tmp_path, check=True,
                         capture_output=True, text=True)
    simulated = np.array([int(line, 16) for line in run.stdout.split() if
                          all(c in "0123456789abcdef" for c in line)], dtype=np.uint64)
    assert len(simulated) == len(a)
    assert np.array_equal(simulated, design.golden(a, b))
    assert np.array_equal(simulated.astype(np.int64),
                          truncated_product(a.astype(np.int64), b.astype(np.int64), width=8,
                                            cut=6))


BAD = {
    "widths.v": ("module m(input [3:0] a, input [3:0] b, output [6:0] p);\n"
                 "  assign p = a * b;\nendmodule\n", ["4, 4 and 7 bits", "2n"]),
    "direction.v": ("module m(input [3:0] a, output [3:0] b, output [7:0] p);\n"
                    "  assign p = a * a; assign b = a;\nendmodule\n", ["'b'", "output"]),
    "clocked.v": ("module m(input clk, input [3:0] a, input [3:0] b, output reg [7:0] p);\n"
                  "  always @(posedge clk) p <= a * b;\nendmodule\n", ["registers"]),
    "latch.v": ("module m(input [3:0] a, input [3:0] b, output [7:0] p);\n"
                "  reg [7:0] q; always @(*) if (a[0]) q = a * b;\n  assign p = q;\nendmodule\n",
                ["registers"]),
    "undriven.v": ("module m(input [3:0] a, input [3:0] b, output [7:0] p);\n"
                   "  wire [7:0] full = a * b;\n  assign p[6:0] = full[6:0];\nendmodule\n",
                   ["bit 7", "reads X"]),
    "constant_x.v": ("module m(input [3:0] a, input [3:0] b, output [7:0] p);\n"
                     "  assign p = {1'bx, a[2:0] * b[2:0]};\nendmodule\n", ["reads X"]),
    "extra.v": ("module m(input [3:0] a, input [3:0] b, input c, output [7:0] p);\n"
                "  assign p = c ? a * b : 0;\nendmodule\n", ["besides", "c"]),
    "syntax.v": ("module m(input [3:0] a, input [3:0] b, output [7:0] p)\n"
                 "  assign p = a * b;\nendmodule\n", ["syntax.v:2", "syntax error"]),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_verilog_is_refused_in_one_line(name, tmp_path, capsys):
    text, named = BAD[name]
    (tmp_path / name).write_text(text)
    status, out, err = run_cli(capsys, "error", "--verilog", str(tmp_path / name), "--top", "m")
    one_line_error(status, err, "error", name, *named)
    assert out == ""


@pytest.mark.parametrize("args, named", [
    (["--top", "nosuch"], ["no module named 'nosuch'"]),
    (["--top", "truncated"], ["no port 'a'", "--ports"]),
    (["--top", "truncated", "--ports", "x,y"], ["--ports", "'x,y'"]),
    (["--top", "truncated", "--ports", "x,y,z", "--width", "8"], ["--width"]),
    ([], ["--top"]),
])
def test_bad_options_are_refused_in_one_line(args, named, tmp_path, capsys):
    path = write_truncated(tmp_path)
    status, out, err = run_cli(capsys, "error", "--verilog", str(path), *args)
    one_line_error(status, err, "error", *named)


def test_a_missing_file_and_a_top_without_a_file_are_refused(tmp_path, capsys):
    status, _, err = run_cli(capsys, "error", "--verilog", str(tmp_path / "none.v"),
                             "--top", "m")
    one_line_error(status, err, "error", "no such Verilog file")
    status, _, err = run_cli(capsys, "area", "--top", "m")
    one_line_error(status, err, "area", "--verilog")


def test_error_and_sweep_take_a_foreign_design_on_the_command_line(tmp_path, capsys):
    """``error --json`` gives the definition's MRED; ``sweep --no-area`` lists the foreign design
    beside ours at its width."""
    path = write_truncated(tmp_path)
    status, out, err = run_cli(capsys, "error", "--verilog", str(path), "--top", "truncated",
                               "--ports", "x,y,z", "--json")
    assert status == 0, err
    import json
    metrics = json.loads(out)["error"]
    a, b = (values.astype(np.int64) for values in exhaustive(8))
    exact = a * b
    nonzero = exact != 0
    approx = truncated_product(a, b, width=8, cut=6)
    assert metrics["mred"] == pytest.approx(
        np.mean(np.abs(approx - exact)[nonzero] / exact[nonzero]), rel=1e-12)
    status, out, err = run_cli(capsys, "sweep", "--verilog", str(path), "--top", "truncated",
                               "--ports", "x,y,z", "--variant", "mitchell", "--no-area",
                               "--out", str(tmp_path / "sweep"))
    assert status == 0, err
    entries = json.loads((tmp_path / "sweep" / "sweep.json").read_text())["designs"]
    assert [(e["variant"], e["width"]) for e in entries] == [
        ("mitchell", 8), ("exact", 8), ("verilog:truncated", 8)]
    assert entries[2]["error"]["mred"] == pytest.approx(metrics["mred"], rel=1e-12)


# Mutants: each must make the checks above fail.


def _exhaustive_check(read: ForeignDesign, design: Design) -> dict:
    """What the read-back test compares: products by NumPy, and the gate kernel's sums."""
    a, b = exhaustive(design.width)
    return {"products": not np.array_equal(read.golden(a, b), design.golden(a, b)),
            "sums": bool(mismatches(kernel.exhaustive_sums(read), pair_sums(design, a, b)))}


def test_a_netlist_without_its_top_product_bit_is_caught(tmp_path):
    design = Design(variant="mitchell", width=8)
    read = read_back(design, tmp_path)
    outputs = read.netlist.outputs.copy()
    outputs[-1] = 0  # constant 0
    mutant = replace(read, netlist=replace(read.netlist, outputs=outputs))
    assert _exhaustive_check(mutant, design) == {"products": True, "sums": True}
    assert _exhaustive_check(read, design) == {"products": False, "sums": False}


def test_a_numpy_evaluator_with_xor_read_as_or_is_caught(tmp_path, monkeypatch):
    design = Design(variant="exact", width=8)
    read = read_back(design, tmp_path)
    a, b = exhaustive(8)
    monkeypatch.setitem(foreign._GATES, 6, lambda x, y, z: x | y)
    assert not np.array_equal(read.golden(a, b), design.golden(a, b))


def run_mutant(name: str, tmp_path) -> dict:
    """The read-back checks on a mutant gate kernel, in a fresh process with its own numba
    cache (see tests/foreign_mutants.py)."""
    environment = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    result = subprocess.run([sys.executable, "-m", "tests.foreign_mutants", name, str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, env=environment)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["xor-as-or", "top-bit-dropped"])
def test_a_mutant_gate_kernel_is_caught(name, tmp_path):
    found = run_mutant(name, tmp_path)
    # Exact's XOR gates and the top bit of Mitchell's large products are both exercised.
    assert found["exact 8 bits"] or found["mitchell 8 bits"]
    assert found["mitchell 8 bits"] if name == "top-bit-dropped" else found["exact 8 bits"]


def test_foreign_design_fields_are_checked(tmp_path):
    path = write_truncated(tmp_path)
    with pytest.raises(ForeignError, match="Top must be"):
        ForeignDesign(str(path), "1bad")
    with pytest.raises(ValueError, match="three distinct"):
        ForeignDesign(str(path), "truncated", ("x", "x", "z"))
    design = ForeignDesign(str(path), "truncated", ("x", "y", "z"))
    assert "module truncated_abp(" in design.verilog() and design.default_name == "truncated_abp"
    with pytest.raises(ValueError, match="8-bit operands"):
        design.at_width(16)


def test_area_synthesizes_the_foreign_design_beside_exact(tmp_path, capsys):
    """The generic flow reads the wrapper (ports a, b, p); dropping 21 of the 64 partial-product
    bits leaves fewer cells than the exact multiplier's."""
    import json

    path = write_truncated(tmp_path)
    status, out, err = run_cli(capsys, "area", "--verilog", str(path), "--top", "truncated",
                               "--ports", "x,y,z", "--flow", "generic", "--json")
    assert status == 0, err
    figures = json.loads(out)
    ours, exact = figures["verilog:truncated(width=8)"], figures["exact(width=8, stages=0)"]
    assert 0 < ours["generic"]["cells"] < exact["generic"]["cells"]


def test_export_writes_the_foreign_design_table(tmp_path, capsys):
    path = write_truncated(tmp_path)
    output = tmp_path / "table.npy"
    status, out, err = run_cli(capsys, "export", "--verilog", str(path), "--top", "truncated",
                               "--ports", "x,y,z", "--layout", "npy", "-o", str(output))
    assert status == 0, err
    table = np.load(output)
    a, b = (values.astype(np.int64) for values in exhaustive(8))
    assert np.array_equal(table.ravel(), truncated_product(a, b, width=8, cut=6))


def test_export_writes_a_c_model_of_the_netlist_with_the_metrics(tmp_path, capsys):
    """``--layout c``: NAME.c and NAME.h, the header's MRED and WCE the definition's, and the
    compiled model's products on all 65,536 pairs the definition's."""
    from .test_export import compile_c

    path = write_truncated(tmp_path)
    status, out, err = run_cli(capsys, "export", "--verilog", str(path), "--top", "truncated",
                               "--ports", "x,y,z", "--layout", "c", "-o", str(tmp_path / "m.c"))
    assert status == 0, err
    header = (tmp_path / "m.h").read_text()
    assert "uint64_t truncated_8u(uint8_t a, uint8_t b);" in header
    a, b = (values.astype(np.int64) for values in exhaustive(8))
    exact, approx = a * b, truncated_product(a, b, width=8, cut=6)
    nonzero = exact != 0
    mred = np.mean(np.abs(approx - exact)[nonzero] / exact[nonzero])
    assert f"// MRED% = {100 * mred:.4f}\n" in header
    assert f"// WCE = {np.abs(approx - exact).max()}\n" in header
    binary = compile_c(tmp_path, "all", ["m.c"], """#include <stdio.h>
#include "m.h"
int main(void)
{
    unsigned a, b;
    for (a = 0; a < 256; a++)
        for (b = 0; b < 256; b++)
            printf("%llu\\n", (unsigned long long)truncated_8u((uint8_t)a, (uint8_t)b));
    return 0;
}
""")
    products = np.array(subprocess.run([binary], capture_output=True, text=True, check=True)
                        .stdout.split(), dtype=np.int64)
    assert np.array_equal(products, approx)


@pytest.mark.parametrize("variant, width, signed, count", [
    ("mitchell", 8, True, None), ("exact", 8, False, None), ("mbm", 16, False, 100_000),
    ("ilm", 12, True, 100_000)])
def test_the_c_model_of_a_read_back_design_gives_its_golden_products(variant, width, signed,
                                                                     count, tmp_path):
    """Our designs read back as foreign Verilog: the C model of their netlist against the
    catalogue's golden model, every pair at 8 bits, random pairs and the corners above."""
    from .test_export import golden_values, pairs, run_c_model

    design = Design(variant=variant, width=width, signed=signed)
    read = read_back(design, tmp_path)
    a, b = pairs(design, count, seed=width)
    got = run_c_model(read, tmp_path, a, b)
    assert np.array_equal(got, golden_values(design, a, b).astype(got.dtype))


def test_a_c_model_with_a_gate_flipped_in_a_high_product_bit_is_caught(tmp_path):
    """One gate of the C model, the one driving product bit 2n - 2, inverted: the comparison
    above finds it (and finds nothing without the flip)."""
    from .test_export import c_model, function_name, golden_values, pairs, run_c_model

    design = Design(variant="mitchell", width=8)
    read = read_back(design, tmp_path)
    net = int(read.netlist.outputs[-2])
    assert net >= read.netlist.first_gate  # a gate, not an input or a constant
    source = c_model(read, header=f"{function_name(read)}.h")[0]
    line = f"    const uint64_t n{net} = "
    assert source.count(line) == 1
    mutant = re.sub(rf"^{re.escape(line)}(.*);$", lambda m: f"{line}~({m.group(1)});",
                    source, flags=re.M)
    a, b = pairs(design, None, 0)
    expected = golden_values(design, a, b).astype(np.uint64)
    assert np.array_equal(run_c_model(read, tmp_path, a, b), expected)
    assert not np.array_equal(run_c_model(read, tmp_path, a, b, source=mutant), expected)


def test_report_draws_foreign_designs_with_ours(tmp_path, capsys):
    """The report at the foreign design's width: its rows, and the MRED-cost plane with the joint
    front."""
    path = write_truncated(tmp_path)
    out_folder = tmp_path / "report"
    status, out, err = run_cli(capsys, "report", "--verilog", str(path), "--top", "truncated",
                               "--ports", "x,y,z", "--flow", "generic", "--out", str(out_folder))
    assert status == 0, err
    text = (out_folder / "report.md").read_text()
    assert "| verilog:truncated 8b |" in text and "| mitchell 8b |" in text
    assert (out_folder / "pareto.png").exists() and "![pareto.png](pareto.png)" in text
    assert not any(":" in name.name for name in out_folder.iterdir())


@pytest.mark.slow
def test_report_runs_the_applications_on_foreign_designs(tmp_path, capsys):
    """Our Mitchell multiplier read back as foreign Verilog scores in the report's network (as
    sign and magnitude) and filters exactly what the catalogue's Mitchell scores there: signed
    Mitchell is sign and magnitude over the same core. The exact baseline scores otherwise, so
    a foreign design left out or run as another would show."""
    import json

    read = read_back(Design(variant="mitchell", width=8), tmp_path)
    out_folder = tmp_path / "report"
    status, out, err = run_cli(capsys, "report", "--verilog", str(read.path), "--top", "renamed",
                               "--ports", "lhs,rhs,product", "--no-area", "--app", "--out",
                               str(out_folder))
    assert status == 0, err
    application = json.loads((out_folder / "report.json").read_text())["application"]
    infer = {row["design"]: row["accuracy"]["per_seed"]
             for row in application["digits_infer"]["rows"]}
    assert infer["verilog:renamed(width=8), sign and magnitude"] == \
        infer["mitchell(width=8, frac_bits=7, stages=0, signed)"] != \
        infer["exact(width=8, stages=0, signed)"]
    image = {row["design"]: {name: row[name] for name in ("blur", "sobel")}
             for row in application["image"]["rows"]}
    assert image["verilog:renamed(width=8)"] == image["mitchell(width=8, frac_bits=7, stages=0)"]
    assert image["verilog:renamed(width=8)"]["blur"]["psnr"] < 60  # not the exact filter
    text = (out_folder / "report.md").read_text()
    assert "| verilog:renamed(width=8), sign and magnitude | 95." in text


def test_report_refuses_a_foreign_design_the_workloads_cannot_take(tmp_path, capsys):
    path = tmp_path / "narrow.v"
    path.write_text(TRUNCATED.replace("N = 8", "N = 4").replace("K = 6", "K = 2"))
    status, out, err = run_cli(capsys, "report", "--verilog", str(path), "--top", "truncated",
                               "--ports", "x,y,z", "--no-area", "--app", "--out",
                               str(tmp_path / "report"))
    one_line_error(status, err, "report", "--app's network multiplies signed 8-bit operands",
                   "verilog:truncated(width=4)")
    assert not (tmp_path / "report").exists()


@pytest.mark.parametrize("command", ["apply", "report"])
@pytest.mark.parametrize("signed", [False, True])
def test_apply_runs_an_onnx_model_with_a_foreign_design(signed, command, tmp_path, capsys):
    """A MatMulInteger layer whose operands fit 8 bits (zero points 0: uint8, or int8 with
    --signed) runs with every product the foreign design's: its top-1 agreement and logit error
    against the exact run are those of sums of the definition's products (or, signed, of our
    Mitchell design read back, from its golden model). ``mitchell report --app onnx:MODEL``
    holds the same rows."""
    import json

    from onnx import TensorProto, helper

    from .test_onnx_graph import save

    rng = np.random.default_rng(11)
    dtype, kind = (np.int8, TensorProto.INT8) if signed else (np.uint8, TensorProto.UINT8)
    low, high = (-128, 128) if signed else (0, 256)
    weights = rng.integers(low, high, (24, 10)).astype(dtype)
    node = helper.make_node("MatMulInteger", ["x", "w", "xz", "wz"], ["y"], name="fc")
    model = save(tmp_path, [node], [("x", kind, [None, 24])], [("y", TensorProto.INT32, [None, 10])],
                 {"w": weights, "xz": dtype(0), "wz": dtype(0)})
    x = rng.integers(low, high, (200, 24)).astype(dtype)
    np.save(tmp_path / "x.npy", x)
    if signed:
        ours = Design(variant="mitchell", width=8, signed=True)
        read = read_back(ours, tmp_path)
        path, top, ports = read.path, "renamed", "lhs,rhs,product"

        def product(a, b):
            mask = np.int64(255)
            return ours.output_values(ours.golden(
                (a.ravel() & mask).astype(np.uint64), (b.ravel() & mask).astype(np.uint64))
            ).astype(np.int64).reshape(a.shape)
    else:
        path, top, ports = str(write_truncated(tmp_path)), "truncated", "x,y,z"

        def product(a, b):
            return truncated_product(a.ravel(), b.ravel(), width=8, cut=6).reshape(a.shape)
    common = ("--inputs", str(tmp_path / "x.npy"), "--verilog", path, "--top", top, "--ports",
              ports, *(["--signed"] if signed else []))
    if command == "apply":
        status, out, err = run_cli(capsys, "apply", "--onnx", str(model), *common, "--json")
        assert status == 0, err
        result = json.loads(out)
    else:
        status, out, err = run_cli(capsys, "report", "--app", f"onnx:{model}", *common,
                                   "--no-area", "--out", str(tmp_path / "report"))
        assert status == 0, err
        result = json.loads((tmp_path / "report" / "report.json").read_text())["application"]
        result = result["onnx"]
    rows = {row["design"]: row for row in result["rows"]}
    a = x.astype(np.int64)[:, :, None]
    b = weights.astype(np.int64)[None, :, :]
    approx = product(*np.broadcast_arrays(a, b)).sum(axis=1)
    exact = (a * b).sum(axis=1)
    assert not np.array_equal(approx, exact)
    norms = np.abs(exact).sum(axis=1)
    error = np.mean(np.abs(approx - exact).sum(axis=1)[norms > 0] / norms[norms > 0])
    label = f"verilog:{top}(width=8{', signed' if signed else ''})"
    assert rows[label]["logit_error"] == pytest.approx(error, rel=1e-12)
    assert rows[label]["agreement"] == np.mean(approx.argmax(axis=1) == exact.argmax(axis=1))
    assert rows[Design(variant="exact", width=8, signed=signed).label]["logit_error"] == 0


def test_apply_runs_an_unsigned_foreign_design_on_signed_operands_as_sign_and_magnitude(
        tmp_path, capsys):
    """uint8 activations less a zero point of 128 and int8 weights span -128 .. 127: the unsigned
    truncated multiplier takes their magnitudes, and a product is negated when the signs
    differ; the logit error is that of the sums of those products, from the definition."""
    import json

    from onnx import TensorProto, helper

    from .test_onnx_graph import save

    rng = np.random.default_rng(5)
    weights = rng.integers(-128, 128, (24, 10)).astype(np.int8)
    node = helper.make_node("MatMulInteger", ["x", "w", "xz", "wz"], ["y"], name="fc")
    model = save(tmp_path, [node], [("x", TensorProto.UINT8, [None, 24])],
                 [("y", TensorProto.INT32, [None, 10])],
                 {"w": weights, "xz": np.uint8(128), "wz": np.int8(0)})
    x = rng.integers(0, 256, (200, 24)).astype(np.uint8)
    np.save(tmp_path / "x.npy", x)
    status, out, err = run_cli(capsys, "apply", "--onnx", str(model), "--inputs",
                               str(tmp_path / "x.npy"), "--verilog", str(write_truncated(tmp_path)),
                               "--top", "truncated", "--ports", "x,y,z", "--json")
    assert status == 0, err
    rows = {row["design"]: row for row in json.loads(out)["rows"]}
    a, b = np.broadcast_arrays(x.astype(np.int64)[:, :, None] - 128,
                               weights.astype(np.int64)[None, :, :])
    magnitudes = truncated_product(np.abs(a).ravel(), np.abs(b).ravel(), width=8, cut=6)
    approx = (np.sign(a) * np.sign(b) * magnitudes.reshape(a.shape)).sum(axis=1)
    exact = (a * b).sum(axis=1)
    assert not np.array_equal(approx, exact) and (a < 0).any() and (b < 0).any()
    norms = np.abs(exact).sum(axis=1)
    error = np.mean(np.abs(approx - exact).sum(axis=1)[norms > 0] / norms[norms > 0])
    row = rows["verilog:truncated(width=8), sign and magnitude"]
    assert row["logit_error"] == pytest.approx(error, rel=1e-12)
    assert row["agreement"] == np.mean(approx.argmax(axis=1) == exact.argmax(axis=1))


def test_digits_inference_runs_an_unsigned_foreign_design_as_sign_and_magnitude(tmp_path, cli):
    """The quantised digits network's operands are signed 8-bit: the truncated multiplier takes
    their magnitudes. Its matrix products are sums of the definition's products with the signs
    applied; the exact baseline's accuracy is the signed exact multiplier's."""
    from mitchell.sim.apply import SignMagnitude, matmul
    from mitchell.sim.foreign import ForeignDesign

    path = write_truncated(tmp_path)
    rng = np.random.default_rng(3)
    A, B = rng.integers(-128, 128, (6, 40)), rng.integers(-128, 128, (40, 5))
    a, b = np.broadcast_arrays(A[:, :, None], B[None, :, :])
    magnitudes = truncated_product(np.abs(a).ravel(), np.abs(b).ravel(), width=8, cut=6)
    expected = (np.sign(a) * np.sign(b) * magnitudes.reshape(a.shape)).sum(axis=1)
    design = ForeignDesign(str(path), "truncated", ("x", "y", "z"))
    assert np.array_equal(matmul(A, B, SignMagnitude(design)), expected)

    def accuracies(*args) -> dict[str, str]:
        status, out, err = cli("apply", "--task", "digits-infer", "--seeds", 1, *args)
        assert status == 0, err
        rows = [re.match(r"(.*?)\s{2,}(\S+) %", line) for line in out.splitlines()[2:]]
        return dict(row.groups() for row in rows)

    ours = accuracies("--verilog", path, "--top", "truncated", "--ports", "x,y,z")
    exact = accuracies("--variant", "exact")
    assert ours["exact(width=8, stages=0), sign and magnitude"] == \
        exact["exact(width=8, stages=0, signed)"]
    assert "verilog:truncated(width=8), sign and magnitude" in ours


def test_apply_refuses_an_onnx_model_whose_operands_do_not_fit_the_foreign_design(tmp_path,
                                                                                  capsys):
    """uint8 activations less a zero point of 131 span -131 .. 124: a 4-bit design, even as
    sign and magnitude, cannot take them (one line, the range and the design the model
    needs)."""
    from .test_onnx_graph import qlinear_matmul_model

    model = qlinear_matmul_model(tmp_path, np.zeros((8, 4), dtype=np.int8))
    np.save(tmp_path / "x.npy", np.zeros((3, 8), dtype=np.uint8))
    path = tmp_path / "narrow.v"
    path.write_text(TRUNCATED.replace("N = 8", "N = 4").replace("K = 6", "K = 2"))
    for extra, named in (([], ["-131 .. 124", "-15 .. 15", "signed 9-bit"]),
                         (["--width", "8"], ["--width names a catalogue design"])):
        status, out, err = run_cli(capsys, "apply", "--onnx", str(model), "--inputs",
                                   str(tmp_path / "x.npy"), "--verilog", str(path), "--top",
                                   "truncated", "--ports", "x,y,z", *extra)
        one_line_error(status, err, "apply", *named)
        assert out == ""
