"""The compiled kernel's floating-point designs against the NumPy path, and mutants of it.

Expected values come from the golden models (:mod:`mitchell.sim.float_golden`) through the NumPy
path (:func:`mitchell.reports.error.float_metrics.pair_sums`), over pairs of bit patterns with both
signs, and the random pairs from an independent NumPy re-derivation of the kernel's generator
(:func:`tests.test_kernel.sampled_pairs`); the kernel under test computes none of them.
"""
import ast
import json
import math
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import numba
import numpy as np
import pytest
from numba import njit

from mitchell.reports.error import kernel
from mitchell.reports.error.error_analysis import measure
from mitchell.reports.error.float_metrics import FloatErrorSums, pair_sums
from mitchell.rtl.float_format import FORMATS
from mitchell.sim.catalogue import float_variants
from mitchell.sim.float_design import FloatDesign
from mitchell.sim.float_vectors import float_corners
from mitchell.sim.vectors import exhaustive

from .test_kernel import sampled_pairs

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = list(float_variants())
FP8 = ["fp8-e4m3", "fp8-e5m2"]
WIDE = ["bf16", "fp16", "fp32"]
EXACT_FIELDS = ("pairs", "relative_pairs", "class_mismatches", "class_mismatches_inside",
                "max_red")
# Float fields and the field that scales their tolerance (float64 sums of differently ordered
# terms agree to about 1e-15 of the sum of magnitudes).
FLOAT_FIELDS = {"sum_red": "sum_red", "sum_signed_red": "sum_red", "sum_sq_red": "sum_sq_red",
                "sum_sq_signed_red": "sum_sq_red"}


def mismatches(got: FloatErrorSums, expected: FloatErrorSums) -> list[str]:
    """The fields in which the kernel's sums differ from the NumPy path's."""
    wrong = [name for name in EXACT_FIELDS if getattr(got, name) != getattr(expected, name)]
    for name, scale in FLOAT_FIELDS.items():
        if not math.isclose(getattr(got, name), getattr(expected, name), rel_tol=1e-12,
                            abs_tol=1e-12 * abs(getattr(expected, scale))):
            wrong.append(name)
    return wrong


def exhaustive_mismatches(design: FloatDesign) -> list[str]:
    return mismatches(kernel.float_exhaustive_sums(design),
                      pair_sums(design, *exhaustive(design.width)))


def sampled_mismatches(design: FloatDesign, count: int, seed: int) -> list[str]:
    a, b = sampled_pairs(design.width, count, seed)
    return mismatches(kernel.float_sampled_sums(design, count, seed), pair_sums(design, a, b))


def operand_sets(name: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every pair for fp8; for wider formats every pair of corner values (zeros, subnormals,
    infinities, NaNs, the edges of the normal range) and random patterns."""
    width = FORMATS[name].width
    if width == 8:
        return [exhaustive(8)]
    rng = np.random.default_rng(5)
    return [float_corners(name),
            tuple(rng.integers(0, 1 << width, size=(2, 200_000), dtype=np.uint64))]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", FP8 + WIDE)
def test_results_depend_on_operand_magnitudes_only_and_commute(name, variant):
    """What the kernel's magnitude pairs rest on: flipping operand signs leaves the result's
    magnitude (so its class and absolute value) unchanged under every guard, NaN results
    included; the sign is the XOR of the operands' except for NaN, which is always the same
    positive pattern; and a*b == b*a."""
    design, fmt = FloatDesign(name, variant), FORMATS[name]
    magnitude, sign = np.uint64(fmt.magnitude_mask), np.uint64(fmt.sign_mask)
    for a, b in operand_sets(name):
        result = design.golden(a, b)
        assert (design.golden(b, a) == result).all()
        assert ((design.golden(a & magnitude, b & magnitude) & magnitude)
                == (result & magnitude)).all()
        nan = result == np.uint64(fmt.nan)
        assert ((result & sign) == ((a ^ b) & sign))[~nan].all()
        # NaN results (the exception to the sign rule) and zero results occur in every set.
        assert nan.any() and ((result & magnitude) == 0).any()


@lru_cache(maxsize=None)
def compiled_results(variant: str):
    """The kernel's result magnitudes of ``variant`` over arrays of operand magnitudes."""
    name = FloatDesign("fp8-e4m3", variant).entry.name

    @njit
    def results(x, y, constants):
        out = np.empty(len(x), dtype=np.int64)
        for index in range(len(x)):
            out[index] = kernel.float_guarded(name, x[index], y[index], constants)
        return out

    return results


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", FP8 + WIDE)
def test_compiled_results_match_the_golden_model_bit_for_bit(name, variant):
    fmt = FORMATS[name]
    magnitude = np.uint64(fmt.magnitude_mask)
    for a, b in operand_sets(name):
        got = compiled_results(variant)((a & magnitude).astype(np.int64),
                                        (b & magnitude).astype(np.int64),
                                        kernel.float_constants(fmt))
        expected = FloatDesign(name, variant).golden(a, b) & magnitude
        assert (got.astype(np.uint64) == expected).all()


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", FP8)
def test_kernel_matches_the_numpy_path_on_every_fp8_pair(name, variant):
    assert exhaustive_mismatches(FloatDesign(name, variant)) == []


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", WIDE + FP8)
def test_kernel_matches_the_numpy_path_on_sampled_pairs(name, variant):
    # 3 chunks and a part, so that rows are added up too.
    assert sampled_mismatches(FloatDesign(name, variant), 3 * kernel.CHUNK + 7, 7) == []


def test_the_inside_count_is_of_mismatches_near_no_edge():
    """A sanity check of the NumPy reference itself on the set the kernel is compared with:
    Mitchell's results change class only near the ends of the normal range."""
    sums = pair_sums(FloatDesign("fp8-e4m3"), *exhaustive(8))
    assert sums.class_mismatches > 0 and sums.class_mismatches_inside == 0


def test_results_do_not_depend_on_the_thread_count():
    designs = [FloatDesign("fp8-e5m2", "lmul"), FloatDesign("fp32", "mitchell")]
    threads = numba.get_num_threads()

    def run():
        return (kernel.float_exhaustive_sums(designs[0]),
                kernel.float_sampled_sums(designs[1], 300_000, 2))

    try:
        numba.set_num_threads(1)
        single = run()
    finally:
        numba.set_num_threads(threads)
    assert run() == single


def test_progress_runs_to_one():
    seen = []
    kernel.float_exhaustive_sums(FloatDesign("fp8-e4m3", "exact"), progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 1


def test_measure_float_picks_the_kernel_and_says_so():
    design = FloatDesign("fp8-e5m2", "lmul")
    compiled = measure(design)
    assert compiled["exhaustive"] and compiled["method"] == "kernel"
    assert compiled["kernel"].startswith("mitchell.reports.error.kernel:float_lmul (numba ")
    assert "sampler" not in compiled
    enumerated = measure(design, method="enumerate")
    assert enumerated["method"] == "enumerate" and enumerated["kernel"] is None
    assert set(enumerated) == set(compiled)
    for key, value in compiled.items():
        if isinstance(value, float):
            assert enumerated[key] == pytest.approx(value, rel=1e-12), key
        elif key not in ("method", "kernel"):
            assert enumerated[key] == value, key
    sampled = measure(FloatDesign("fp32"), samples=20_000, seed=4)
    assert sampled["method"] == "kernel" and sampled["sampler"] == kernel.SAMPLER
    assert not sampled["exhaustive"] and sampled["pairs"] == 20_000 and "ci95" in sampled
    numpy_sampled = measure(FloatDesign("fp32"), samples=20_000, seed=4,
                                  method="enumerate")
    assert numpy_sampled["sampler"] == "numpy-pcg64"
    with pytest.raises(ValueError, match="^--method analytic applies to integer designs, not "
                                         "with --format$"):
        measure(design, method="analytic")
    with pytest.raises(ValueError, match="^Method with --format must be one of auto, kernel, "
                                         "enumerate, not 'exact'$"):
        measure(design, method="exact")


def test_sixteen_bit_formats_are_exhaustive_by_default_through_the_kernel_only(monkeypatch):
    """Which set each method takes by default, without running 2**32 pairs: the kernel's
    exhaustive loop is replaced by a recorder."""
    calls = []
    monkeypatch.setattr(kernel, "float_exhaustive_sums",
                        lambda design, progress=None: calls.append(design) or FloatErrorSums())
    assert measure(FloatDesign("bf16"))["exhaustive"]
    assert calls == [FloatDesign("bf16")]
    assert not measure(FloatDesign("fp16"), method="enumerate", samples=1000)["exhaustive"]
    assert not measure(FloatDesign("fp32"), samples=1000)["exhaustive"]
    with pytest.raises(ValueError, match="limited to formats of up to 16 bits, not fp32"):
        measure(FloatDesign("fp32"), exhaustive=True)


def test_the_command_line_says_which_method(cli):
    result = cli("error", "--format", "fp8-e4m3", "--json")
    assert result.status == 0, result.stderr
    assert json.loads(result.stdout)["error"]["method"] == "kernel"
    result = cli("error", "--format", "fp8-e4m3", "--method", "enumerate", "--json")
    assert json.loads(result.stdout)["error"]["method"] == "enumerate"


@pytest.mark.slow
def test_bf16_exhaustive_through_the_kernel():
    """All 2**32 bf16 pairs: Mitchell never overestimates (bias is exactly minus MRED), stays
    within 1/9 plus half an ulp below the rounded exact product, and the sampled figures of
    the NumPy path bracket the exhaustive MRED."""
    design = FloatDesign("bf16")
    metrics = measure(design)
    assert metrics["exhaustive"] and metrics["pairs"] == 1 << 32 and metrics["method"] == "kernel"
    assert metrics["bias"] == -metrics["mred"]
    assert 0.1 < metrics["wcre"] <= 1 / 9 + 2.0 ** -8
    assert metrics["class_mismatches"] > 0 and metrics["class_mismatches_inside"] == 0
    low, high = measure(design, samples=1_000_000, method="enumerate")["ci95"]["mred"]
    assert low < metrics["mred"] < high


def run_mutant(mutant: str, tmp_path) -> dict:
    """Run the checks above on a mutant kernel in a fresh process with its own numba cache, and
    return which fields each check found wrong."""
    environment = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    result = subprocess.run([sys.executable, "-m", "tests.float_kernel_mutants", mutant],
                            capture_output=True, text=True, cwd=ROOT, env=environment)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_mutant_without_the_fraction_carry_is_caught(tmp_path):
    found = run_mutant("no-carry", tmp_path)
    assert all(found.values()), found


@pytest.mark.slow
def test_a_mutant_with_the_overflow_guard_one_pattern_early_is_caught(tmp_path):
    found = run_mutant("overflow-at-largest", tmp_path)
    assert found["fp8-e4m3, all pairs"] and found["fp8-e5m2, all pairs"], found
