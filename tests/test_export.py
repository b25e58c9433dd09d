"""mitchell export: every layout read back in its own terms and compared with the golden model;
the C model compiled with the system compiler and run against the golden model."""
import re
import shutil
import subprocess

import numpy as np
import pytest

from mitchell.reports.error.error_analysis import measure
from mitchell.reports.apps.export import c_model, export, function_name
from mitchell.sim.catalogue import CATALOGUE
from mitchell.sim.design import Design
from mitchell.sim.catalogue import float_variants
from mitchell.sim.float_design import FloatDesign
from mitchell.sim.vectors import exhaustive

MULTIPLIERS = [name for name, entry in CATALOGUE.items() if entry.kind.name == "multiplier"]
VALUES = list(range(128)) + list(range(-128, 0))  # what each two's-complement index stands for


def golden_values(design: Design, a, b) -> np.ndarray:
    """Products of operand numbers ``a``, ``b`` (signed when the design is) from the golden model."""
    mask = (1 << design.width) - 1
    patterns = [np.array([int(x) & mask for x in values], dtype=np.uint64) for values in (a, b)]
    return design.output_values(design.golden(*patterns))


@pytest.mark.parametrize("variant", MULTIPLIERS)
def test_tfapprox(variant, tmp_path):
    design = Design(variant=variant, width=8)
    path = tmp_path / "lut.bin"
    export(design, "tfapprox", str(path))
    data = np.fromfile(path, dtype=np.uint16)
    assert data.size == 65536 and path.stat().st_size == 131072
    a, b = np.arange(65536) // 256, np.arange(65536) % 256  # entry a*256 + b
    assert (data.astype(np.int64) == golden_values(design, a, b)).all()


@pytest.mark.parametrize("variant", MULTIPLIERS)
def test_torchapprox(variant, tmp_path):
    design = Design(variant=variant, width=8, signed=True)
    path = tmp_path / "lut.npy"
    export(design, "torchapprox", str(path))
    data = np.load(path)
    assert data.dtype == np.int16 and data.shape == (256, 256)
    rows = np.repeat(VALUES, 256)
    columns = np.tile(VALUES, 256)
    assert (data.reshape(-1).astype(np.int64) == golden_values(design, rows, columns)).all()
    if variant in ("exact", "mitchell"):  # exact on powers of two: -128 * -128 at row 128
        assert data[128, 128] == 16384 and data[255, 1] == -1


def compile_c(tmp_path, name: str, sources: list[str], program: str) -> str:
    cc = shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler (apt-get install -y gcc)")
    (tmp_path / f"{name}.c").write_text(program)
    binary = str(tmp_path / name)
    subprocess.run([cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-O2", "-o", binary,
                    str(tmp_path / f"{name}.c"), *sources], check=True, cwd=tmp_path)
    return binary


@pytest.mark.parametrize("variant", ["mitchell", "mbm"])
def test_adapt(variant, tmp_path):
    design = Design(variant=variant, width=8, signed=True)
    path = tmp_path / "lut.h"
    export(design, "adapt", str(path))
    text = path.read_text()
    assert "const int16_t lut[256][256] = {" in text
    # Read as text...
    body = text[text.index("= {") + 3:text.rindex("};")]
    numbers = np.array([int(n) for n in re.findall(r"-?\d+", body)])
    expected = golden_values(design, np.repeat(VALUES, 256), np.tile(VALUES, 256))
    assert (numbers == expected).all()
    # ... and as C: a program that includes the header and writes the table out.
    binary = compile_c(tmp_path, "dump", [], '#include <stdio.h>\n#include "lut.h"\n'
                       'int main(void) { return fwrite(lut, sizeof lut, 1, stdout) != 1; }\n')
    dumped = np.frombuffer(subprocess.run([binary], capture_output=True, check=True).stdout,
                           dtype=np.int16)
    assert (dumped.astype(np.int64) == expected).all()


@pytest.mark.parametrize("width, signed", [(8, False), (8, True), (5, True), (3, False)])
def test_npy(width, signed, tmp_path):
    design = Design(variant="mitch-w", width=width, signed=signed)
    path = tmp_path / "lut.npy"
    export(design, "npy", str(path))
    data = np.load(path)
    size = 1 << width
    assert data.dtype == np.int32 and data.shape == (size, size)
    patterns = np.arange(size)
    values = np.where(patterns >= size // 2, patterns - size, patterns) if signed else patterns
    expected = golden_values(design, np.repeat(values, size), np.tile(values, size))
    assert (data.reshape(-1).astype(np.int64) == expected).all()


HARNESS = """#include <stdio.h>
#include <stdint.h>
#include "{name}.h"
int main(int argc, char **argv)
{{
    FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");
    int64_t pair[2];
    if (argc != 3 || !in || !out) return 2;
    while (fread(pair, sizeof pair, 1, in) == 1) {{
        {result} p = {name}(({operand})pair[0], ({operand})pair[1]);
        fwrite(&p, sizeof p, 1, out);
    }}
    return fclose(out) != 0;
}}
"""


def pairs(design: Design, count: int | None, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (``count`` None) or ``count`` random ones, as operand numbers, with the corners."""
    low = -(1 << (design.width - 1)) if design.signed else 0
    high = low + (1 << design.width) - 1
    if count is None:
        values = np.arange(low, high + 1)
        return np.repeat(values, len(values)), np.tile(values, len(values))
    rng = np.random.default_rng(seed)
    corners = np.array([low, low + 1, high, high - 1, 0, 1, -1 if design.signed else 2])
    a = np.concatenate([np.repeat(corners, len(corners)), rng.integers(low, high + 1, count)])
    b = np.concatenate([np.tile(corners, len(corners)), rng.integers(low, high + 1, count)])
    return a, b


def run_c_model(design: Design, tmp_path, a, b, *, source: str | None = None) -> np.ndarray:
    """The C model of ``design`` (or the given source text) compiled and run on pairs ``a``, ``b``."""
    name = function_name(design)
    c_text, h_text = c_model(design, header=f"{name}.h")
    (tmp_path / f"{name}.c").write_text(source or c_text)
    (tmp_path / f"{name}.h").write_text(h_text)
    operand = re.search(r"\((\w+) a,", h_text).group(1)
    result = "int64_t" if design.signed else "uint64_t"
    binary = compile_c(tmp_path, "harness", [f"{name}.c"],
                       HARNESS.format(name=name, operand=operand, result=result))
    np.stack([a, b], axis=1).astype(np.int64).tofile(tmp_path / "pairs.bin")
    subprocess.run([binary, "pairs.bin", "out.bin"], check=True, cwd=tmp_path)
    return np.fromfile(tmp_path / "out.bin", dtype=np.int64 if design.signed else np.uint64)


def same_as_golden(design: Design, tmp_path, a, b, **options) -> bool:
    got = run_c_model(design, tmp_path, a, b, **options)
    expected = golden_values(design, a, b)
    return len(got) == len(expected) and bool((got == expected.astype(got.dtype)).all())


@pytest.mark.parametrize("variant", MULTIPLIERS)
@pytest.mark.parametrize("signed", [False, True])
def test_c_model_on_all_8_bit_pairs(variant, signed, tmp_path):
    design = Design(variant=variant, width=8, signed=signed)
    assert same_as_golden(design, tmp_path, *pairs(design, None, 0))


@pytest.mark.parametrize("variant", MULTIPLIERS)
@pytest.mark.parametrize("signed", [False, True])
@pytest.mark.parametrize("width", [16, 32])
def test_c_model_on_random_pairs(variant, signed, width, tmp_path):
    # Twice the pairs that catch every mutant below, and the corners.
    design = Design(variant=variant, width=width, signed=signed)
    assert same_as_golden(design, tmp_path, *pairs(design, 200_000, width))


@pytest.mark.parametrize("variant, options", [
    ("mitchell", dict(frac_bits=5)), ("mbm", dict(frac_bits=4)), ("mitch-w", dict(params={"w": 4})),
    ("mitch-w", dict(params={"w": 17})), ("alm-soa", dict(params={"w": 3})),
    ("ilm", dict(params={"corrections": 3})), ("ilm", dict(params={"corrections": 0})),
    ("mitch-w", dict(params={"w": 4, "drop": 16})), ("realm", dict(params={"drop": 1}))])
def test_c_model_with_options(variant, options, tmp_path):
    design = Design(variant=variant, width=16, signed=True, **options)
    assert function_name(design) != function_name(Design(variant=variant, width=16, signed=True))
    assert same_as_golden(design, tmp_path, *pairs(design, 200_000, 3))


@pytest.mark.parametrize("signed, change", [
    (False, ("sum >> 15", "sum >> 14")), (False, ("0x7FFFu", "0x7FFEu")),
    (True, ("& 0xFFFFFFFFu;\n    /*", "& 0x7FFFFFFFu;\n    /*"))])
def test_the_c_comparison_catches_mutants(signed, change, tmp_path):
    """A wrong carry (high bits), a dropped fraction bit (low bits; unsigned, as a signed
    magnitude below 2**15 never sets it) and a lost sign bit are each caught by the comparison
    the tests above make."""
    design = Design(variant="mitchell", width=16, signed=signed)
    source = c_model(design, header=f"{function_name(design)}.h")[0]
    assert change[0] in source
    mutant = source.replace(change[0], change[1])
    assert not same_as_golden(design, tmp_path, *pairs(design, 100_000, 5), source=mutant)


def test_c_header_carries_the_metrics(cli, tmp_path):
    status = cli("export", "--layout", "c", "--width", "12", "--variant", "mbm", "--signed",
                 "-o", "model.c")
    assert status.status == 0, status.stderr
    header = (tmp_path / "model.h").read_text()
    source = (tmp_path / "model.c").read_text()
    assert '#include "model.h"' in source and "int64_t mbm12s(int16_t a, int16_t b);" in header
    metrics = measure(Design(variant="mbm", width=12, signed=True))
    for label, key in [("ER%", "er"), ("MRED%", "mred"), ("WCRE%", "wcre"), ("bias%", "bias")]:
        value = float(re.search(rf"// {re.escape(label)} = (-?[\d.]+)", header).group(1))
        assert value == pytest.approx(100 * metrics[key], abs=1e-4)
    assert f"// WCE = {metrics['wce']}\n" in header
    assert "all 16,777,216 pairs" in header


@pytest.mark.parametrize("name", ["model", "model.h", "model.c"])
def test_c_output_names_both_files(name, cli, tmp_path):
    assert cli("export", "--layout", "c", "--width", "8", "-o", name).status == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.c", "model.h"]


@pytest.mark.parametrize("args, named", [
    (["--layout", "tfapprox", "--width", "16"], "--width must be 8, not 16"),
    (["--layout", "torchapprox", "--width", "9", "--signed"], "--width must be 8, not 9"),
    (["--layout", "npy", "--width", "9"], "up to 8, not 9"),
    (["--layout", "torchapprox", "--width", "8"], "65,025"),
    (["--layout", "adapt", "--width", "8"], "65,025"),
    (["--layout", "tfapprox", "--width", "8", "--signed"], "unsigned"),
    (["--layout", "tflite", "--width", "8"], "invalid choice: 'tflite'"),
    (["--layout", "c", "--width", "33"], "up to 32 bits, not 33"),
    (["--layout", "c", "--width", "8", "--variant", "exact-div"], "multipliers"),
    (["--layout", "npy", "--width", "8", "--area"], "--area"),
    (["--layout", "c", "--width", "8", "-o", "missing/model.c"], "does not exist"),
    (["--layout", "c", "--width", "8", "-o", "/dev/null"], "not the device or FIFO"),
    (["--layout", "c", "--width", "8", "-o", "/tmp"], "not the folder '/tmp'"),
])
def test_bad_input(args, named, cli, tmp_path):
    status = cli("export", *args)
    assert status.status == 2
    assert status.stderr.count("\n") == 1 and named in status.stderr and not status.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_failed_c_export_leaves_neither_file(cli, tmp_path):
    (tmp_path / "model.h").mkdir()  # the header cannot be written: the source must not appear
    status = cli("export", "--layout", "c", "--width", "8", "-o", "model.c")
    assert status.status == 2 and "folder" in status.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["model.h"]


def test_tables_go_to_a_device(cli, tmp_path):
    assert cli("export", "--layout", "tfapprox", "--width", "8", "-o", "/dev/null").status == 0
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_c_header_carries_the_area(cli, tmp_path):
    from mitchell.reports.synthesis.yosys import synthesize

    assert cli("export", "--layout", "c", "--width", "8", "--area", "-o", "m.c").status == 0
    header = (tmp_path / "m.h").read_text()
    area = synthesize(Design(width=8))
    assert f"// transistors = {area['transistors']}\n" in header
    assert f"// fmax_mhz = {area['fmax_mhz']}\n" in header


# Floating-point designs: the C model on bit patterns against mitchell.sim.float_golden.

FLOAT_HARNESS = """#include <stdio.h>
#include <stdint.h>
#include "{name}.h"
int main(int argc, char **argv)
{{
    FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");
    uint64_t pair[2], p;
    if (argc != 3 || !in || !out) return 2;
    while (fread(pair, sizeof pair, 1, in) == 1) {{
        p = {name}(({pattern})pair[0], ({pattern})pair[1]);
        fwrite(&p, sizeof p, 1, out);
    }}
    return fclose(out) != 0;
}}
"""


def float_corners(fmt) -> np.ndarray:
    """Zeros, subnormals, the smallest and largest normals, 1, infinities and NaNs of both signs,
    and their neighbours."""
    magnitudes = {0, 1, fmt.min_normal - 1, fmt.min_normal, fmt.min_normal + 1, fmt.one,
                  fmt.one + 1, fmt.one - 1, fmt.max_finite, fmt.max_finite - 1, fmt.nan}
    if fmt.infinities:
        magnitudes |= {fmt.infinity, fmt.infinity + 1, fmt.magnitude_mask}
    magnitudes = np.array(sorted(magnitudes), dtype=np.uint64)
    return np.concatenate([magnitudes, magnitudes | np.uint64(fmt.sign_mask)])


def float_pairs(fmt, count: int | None, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """All pairs of patterns (``count`` None), or every pair of corners, ``count`` random pairs
    of patterns, and ``count // 10`` pairs whose fractions have only their top ``(m + 1) // 2``
    bits random: the significand product has about m + 2 bits, so that its rounding is often a
    tie (a random pair's almost never is)."""
    if count is None:
        return exhaustive(fmt.width)
    rng = np.random.default_rng(seed)
    corners = float_corners(fmt)
    top = (fmt.mantissa_bits + 1) // 2
    short = rng.integers(0, 1 << fmt.width, (2, count // 10), dtype=np.uint64) & np.uint64(
        fmt.sign_mask | (fmt.exponent_max << fmt.mantissa_bits)
        | (((1 << top) - 1) << (fmt.mantissa_bits - top)))
    random = rng.integers(0, 1 << fmt.width, (2, count), dtype=np.uint64)
    a = np.concatenate([np.repeat(corners, len(corners)), random[0], short[0]])
    b = np.concatenate([np.tile(corners, len(corners)), random[1], short[1]])
    return a, b


def run_float_c_model(design: FloatDesign, tmp_path, a, b, *, source: str | None = None):
    name = function_name(design)
    c_text, h_text = c_model(design, header=f"{name}.h")
    (tmp_path / f"{name}.c").write_text(source or c_text)
    (tmp_path / f"{name}.h").write_text(h_text)
    assert f"uint{design.width}_t {name}(uint{design.width}_t a, uint{design.width}_t b);" in h_text
    binary = compile_c(tmp_path, "harness", [f"{name}.c"],
                       FLOAT_HARNESS.format(name=name, pattern=f"uint{design.width}_t"))
    np.stack([a, b], axis=1).astype(np.uint64).tofile(tmp_path / "pairs.bin")
    subprocess.run([binary, "pairs.bin", "out.bin"], check=True, cwd=tmp_path)
    return np.fromfile(tmp_path / "out.bin", dtype=np.uint64)


def float_same_as_golden(design: FloatDesign, tmp_path, a, b, **options) -> bool:
    got = run_float_c_model(design, tmp_path, a, b, **options)
    expected = design.golden(a, b)
    return len(got) == len(expected) and bool((got == expected).all())


@pytest.mark.parametrize("variant", list(float_variants()))
@pytest.mark.parametrize("format", ["fp8-e4m3", "fp8-e5m2"])
def test_float_c_model_on_all_fp8_pairs(format, variant, tmp_path):
    design = FloatDesign(format, variant)
    assert float_same_as_golden(design, tmp_path, *float_pairs(design.fmt, None, 0))


@pytest.mark.parametrize("variant", list(float_variants()))
@pytest.mark.parametrize("format", ["fp16", "bf16", "fp32"])
def test_float_c_model_on_a_million_random_pairs(format, variant, tmp_path):
    design = FloatDesign(format, variant)
    assert float_same_as_golden(design, tmp_path, *float_pairs(design.fmt, 1_000_000, 7))


@pytest.mark.parametrize("format, variant, change", [
    # The carry out of the fraction sum dropped (high bits: the exponent).
    ("bf16", "mitchell", ("x + y - 0x3F80;", "(x & ~0x7F) + (y & ~0x7F) - 0x3F80 + ((x + y) & 0x7F);")),
    # L-Mul's offset lost (low bits).
    ("fp16", "lmul", ("- 0x3C00 + 0x0040;", "- 0x3C00;")),
    # Guards: underflow at the smallest normal itself, overflow kept finite, infinity * zero
    # giving infinity, E4M3's overflow giving the largest finite.
    ("fp32", "mitchell", ("if (total < 0x00800000)", "if (total <= 0x00800000)")),
    ("fp16", "exact", ("if (total > 0x7BFF) return (uint16_t)(sign | 0x7C00);",
                       "if (total > 0x7BFF) return (uint16_t)(sign | 0x7BFF);")),
    ("fp8-e5m2", "mitchell", ("return 0x7E;  /* 2.", "return (uint8_t)(sign | 0x7C);  /* 2.")),
    ("fp8-e4m3", "lmul", ("if (total > 0x7E) return 0x7F;", "if (total > 0x7E) return 0x7E;")),
    # Rounding: ties away from even, and the significand's top carry dropped.
    ("fp32", "exact", ("(dropped == half && (kept & 1) == 1)", "(dropped == half)")),
    ("bf16", "exact", ("return (exponent + top) *", "return (exponent) *")),
])
def test_the_float_c_comparison_catches_mutants(format, variant, change, tmp_path):
    design = FloatDesign(format, variant)
    source = c_model(design, header=f"{function_name(design)}.h")[0]
    assert source.count(change[0]) == 1
    mutant = source.replace(change[0], change[1])
    count = None if design.width == 8 else 1_000_000
    assert not float_same_as_golden(design, tmp_path, *float_pairs(design.fmt, count, 7),
                                    source=mutant)


def test_float_c_header_carries_the_metrics(cli, tmp_path):
    status = cli("export", "--layout", "c", "--format", "fp8-e4m3", "--variant", "lmul",
                 "-o", "fp8")
    assert status.status == 0, status.stderr
    header = (tmp_path / "fp8.h").read_text()
    assert "uint8_t fp8_e4m3_lmul(uint8_t a, uint8_t b);" in header
    assert '#include "fp8.h"' in (tmp_path / "fp8.c").read_text()
    metrics = measure(FloatDesign("fp8-e4m3", "lmul"))
    for label, key in [("MRED%", "mred"), ("WCRE%", "wcre"), ("bias%", "bias")]:
        value = float(re.search(rf"// {re.escape(label)} = (-?[\d.]+)", header).group(1))
        assert value == pytest.approx(100 * metrics[key], abs=1e-4)
    assert "all 65,536 pairs" in header and "NaN (E4M3 has no infinity)" in header
    assert f"at the ends of the range = {metrics['class_mismatches']:,}\n" in header


@pytest.mark.parametrize("layout", ["tfapprox", "torchapprox", "adapt", "npy"])
def test_float_designs_have_no_table(layout, cli, tmp_path):
    status = cli("export", "--layout", layout, "--format", "bf16")
    assert status.status == 2 and status.stderr.count("\n") == 1
    assert "--format bf16" in status.stderr and "--layout c" in status.stderr
    assert list(tmp_path.iterdir()) == []
