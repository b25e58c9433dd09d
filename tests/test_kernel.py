"""The compiled metric kernel against the NumPy golden path, the analytic method, and mutants.

Every expected value comes from the golden models through the NumPy path
(:func:`mitchell.reports.error.error_analysis.pair_sums`), from the analytic method, or from an
independent NumPy re-derivation of the kernel's documented random-pair generator; the kernel
under test computes none of them.
"""
import ast
import math
import os
import subprocess
import sys
from pathlib import Path

import numba
import numpy as np
import pytest

from mitchell.reports.error import analytic
from mitchell.reports.error import error_analysis
from mitchell.reports.error import kernel
from mitchell.reports.error.error_analysis import measure, pair_sums
from mitchell.reports.error.metrics import METRIC_LABELS, ErrorSums, format_metric
from mitchell.sim.catalogue import CATALOGUE, integer_designs
from mitchell.sim.design import Design
from mitchell.sim.vectors import exhaustive

ROOT = Path(__file__).resolve().parent.parent
NAMES = list(integer_designs())
# Fields that must agree exactly, and float fields with the field that scales their tolerance
# (sums of differently ordered float64 terms agree to about 1e-15 of the sum of magnitudes).
EXACT_FIELDS = ("pairs", "nonzero", "errors", "over", "max_ed", "max_red")
FLOAT_FIELDS = {"sum_ed": "sum_ed", "sum_signed": "sum_ed", "sum_sq_ed": "sum_sq_ed",
                "sum_red": "sum_red", "sum_signed_red": "sum_red", "sum_sq_red": "sum_sq_red",
                "sum_sq_signed_red": "sum_sq_signed_red"}


def configurations(name: str, width: int) -> list[Design]:
    """The design at its defaults and at the extremes of its fraction bits and output
    parameters, unsigned and (where it applies) signed."""
    entry = CATALOGUE[name]
    options = [{}]
    if entry.frac_bits is not None:
        options += [{"frac_bits": 0}, {"frac_bits": max(0, width // 2 - 1)}]
    for parameter in entry.parameters:
        if not parameter.output:
            continue
        # The ends of every integer range: width - 1 (fraction bits), width + 1 (Mitch-w's w),
        # 2 * width - 1 (drop, every product bit but the top one).
        for value in sorted({0, 1, 2, width - 1, width + 1, 2 * width - 1}):
            try:  # the value's own range, and its fit with the other parameters' defaults
                Design(variant=name, width=width, params={parameter.name: value})
            except ValueError:
                continue
            options.append({"params": {parameter.name: value}})
    signs = [False, True] if entry.signable else [False]
    return [Design(variant=name, width=width, signed=signed, **option)
            for option in options for signed in signs]


def mismatches(got: ErrorSums, expected: ErrorSums) -> list[str]:
    """The fields in which the kernel's sums differ from the golden path's."""
    wrong = [name for name in EXACT_FIELDS if getattr(got, name) != getattr(expected, name)]
    for name, scale in FLOAT_FIELDS.items():
        tolerance = 1e-12 * abs(getattr(expected, scale))
        if not math.isclose(getattr(got, name), getattr(expected, name), rel_tol=1e-12,
                            abs_tol=tolerance):
            wrong.append(name)
    return wrong


def _mix(values: np.ndarray) -> np.ndarray:
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def sampled_pairs(width: int, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's random pairs, re-derived from its documentation: draw ``j`` is the top
    ``width`` bits of SplitMix64's output for ``mix(seed) + j * 0x9E3779B97F4A7C15`` (mod
    2**64), and pair ``i`` is draws ``2i`` and ``2i + 1``."""
    with np.errstate(over="ignore"):
        key = _mix(np.array([seed], dtype=np.uint64))[0]
        draws = _mix(key + np.arange(2 * count, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    draws >>= np.uint64(64 - width)
    return draws[0::2], draws[1::2]


def exhaustive_mismatches(design: Design) -> list[str]:
    return mismatches(kernel.exhaustive_sums(design), pair_sums(design, *exhaustive(design.width)))


def sampled_mismatches(design: Design, count: int, seed: int) -> list[str]:
    a, b = sampled_pairs(design.width, count, seed)
    return mismatches(kernel.sampled_sums(design, count, seed), pair_sums(design, a, b))


@pytest.mark.parametrize("name", NAMES)
def test_symmetry_flags_hold_in_the_golden_models(name):
    """A design flagged symmetric gives a*b == b*a on every 8-bit pair and on sampled 16-bit
    pairs; one not flagged has a pair where it does not (the flag is not left off by mistake)."""
    rng = np.random.default_rng(3)
    for width, (a, b) in [(8, exhaustive(8)),
                          (16, tuple(rng.integers(0, 1 << 16, size=(2, 200_000),
                                                  dtype=np.uint64)))]:
        for design in filter(kernel.applies, configurations(name, width)):
            defined = design.defined(a, b) & design.defined(b, a)
            x, y = a[defined], b[defined]
            same = design.golden(x, y) == design.golden(y, x)
            if kernel.KERNELS[name].symmetric:
                assert same.all(), design.label
            elif width == 8:
                assert not same.all(), design.label


@pytest.mark.parametrize("name", NAMES)
def test_kernel_matches_the_golden_model_on_every_pair(name):
    """All pairs at 2, 3 and 8 bits, every configuration."""
    for width in (2, 3, 8):
        for design in filter(kernel.applies, configurations(name, width)):
            assert exhaustive_mismatches(design) == [], design.label


@pytest.mark.parametrize("width", [16, 32])
@pytest.mark.parametrize("name", NAMES)
def test_kernel_matches_the_golden_model_on_sampled_pairs(name, width):
    for design in configurations(name, width):
        assert sampled_mismatches(design, 60_000, 7) == [], design.label


def test_a_sample_that_spans_several_chunks_is_the_sum_of_its_pairs():
    design = Design(variant="nearest-one", width=20, signed=True)
    count = 3 * kernel.CHUNK + 5
    assert sampled_mismatches(design, count, 11) == []


@pytest.mark.slow
def test_kernel_agrees_with_the_analytic_method_at_16_bits_to_every_printed_digit():
    design = Design(width=16)
    got = kernel.exhaustive_sums(design)
    expected = analytic.mitchell_error_sums(16)
    for name in ("pairs", "nonzero", "errors", "over", "max_ed"):
        assert getattr(got, name) == getattr(expected, name), name
    got_metrics = got.metrics(normaliser=design.output_range, exhaustive=True, seed=None)
    expected_metrics = expected.metrics(normaliser=design.output_range, exhaustive=True,
                                        seed=None)
    for key, _, unit in METRIC_LABELS + [("mean_error", "mean", "")]:
        assert format_metric(got_metrics[key], unit) == \
            format_metric(expected_metrics[key], unit), key
        assert got_metrics[key] == pytest.approx(expected_metrics[key], rel=1e-12), key


@pytest.mark.parametrize("design", [Design(variant="mbm", width=10, signed=True),
                                    Design(variant="mitchell-div", width=9)],
                         ids=lambda design: design.label)
def test_results_do_not_depend_on_the_thread_count(design):
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        single = (kernel.exhaustive_sums(design), kernel.sampled_sums(design, 300_000, 2))
    finally:
        numba.set_num_threads(threads)
    assert (kernel.exhaustive_sums(design), kernel.sampled_sums(design, 300_000, 2)) == single


def test_progress_runs_to_one():
    seen = []
    kernel.exhaustive_sums(Design(variant="mitch-w", width=10), progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 1


def test_measure_picks_the_kernel_and_says_so():
    exhaustive_set = measure(Design(variant="mbm", width=8))
    assert exhaustive_set["exhaustive"] and exhaustive_set["method"] == "kernel"
    assert "numba" in exhaustive_set["kernel"] and "sampler" not in exhaustive_set
    sampled = measure(Design(variant="ilm", width=24), samples=20_000, seed=4)
    assert sampled["method"] == "kernel" and sampled["sampler"] == kernel.SAMPLER
    assert sampled == measure(Design(variant="ilm", width=24), samples=20_000, seed=4)
    plain = measure(Design(width=12))
    assert plain["method"] == "analytic" and plain["kernel"] is None
    enumerated = measure(Design(variant="mbm", width=8), method="enumerate")
    assert enumerated["method"] == "enumerate" and enumerated["kernel"] is None
    assert set(enumerated) == set(exhaustive_set)
    for key, value in exhaustive_set.items():
        if isinstance(value, float):
            assert enumerated[key] == pytest.approx(value, rel=1e-12), key
        elif key not in ("method", "kernel"):
            assert enumerated[key] == value, key


def test_wide_operands_fall_back_to_numpy_with_a_note():
    metrics = measure(Design(variant="mitch-w", width=40), samples=3000)
    assert metrics["method"] == "enumerate" and "128-bit" in metrics["note"]
    with pytest.raises(ValueError, match="kernel covers widths up to 32"):
        measure(Design(variant="mitch-w", width=40), samples=3000, method="kernel")


def test_a_signed_design_that_wraps_is_measured_by_numpy_with_a_note():
    """Mitch-w at w=2 reads 8 as 1.1b * 2**3, so (-8)**2 at 4 bits is 2**(3 + 3 + 0.5 + 0.5) =
    128, which the signed 8-bit product reads as -128: the kernel, which counts signed pairs by
    magnitude, refuses it."""
    design = Design(variant="mitch-w", width=4, signed=True, params={"w": 2})
    assert design.output_values(design.golden([8], [8]))[0] == -128
    assert not kernel.applies(design)
    assert kernel.applies(Design(variant="mitch-w", width=4, signed=True, params={"w": 3}))
    assert kernel.applies(Design(variant="mitch-w", width=4, params={"w": 2}))
    result = measure(design)
    assert result["method"] == "enumerate" and "wraps" in result["note"]
    assert result["wce"] == 64 - (-128)  # the wrapped pair: the largest error of all
    with pytest.raises(ValueError, match="wraps"):
        measure(design, method="kernel")


def test_default_sets_are_exhaustive_up_to_16_bits_through_the_kernel():
    rule = error_analysis._default_exhaustive
    assert rule(Design(variant="mbm", width=16), "auto")
    assert not rule(Design(variant="mbm", width=17), "auto")
    assert not rule(Design(variant="mbm", width=13), "enumerate")
    assert rule(Design(width=24), "auto") and not rule(Design(width=24), "kernel")


def test_bad_sampling_requests():
    design = Design(variant="mbm", width=20)
    with pytest.raises(ValueError, match="Seed must be an integer from 0"):
        kernel.sampled_sums(design, 10, -1)
    with pytest.raises(ValueError, match="Samples must be a positive integer, not 0"):
        kernel.sampled_sums(design, 0, 1)


def run_mutant(mutant: str, tmp_path) -> dict:
    """Run the checks above on a mutant kernel in a fresh process with its own numba cache, and
    return which fields each check found wrong."""
    environment = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    result = subprocess.run([sys.executable, "-m", "tests.kernel_mutants", mutant],
                            capture_output=True, text=True, cwd=ROOT, env=environment)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_mutant_without_the_carry_case_is_caught(tmp_path):
    found = run_mutant("no-carry", tmp_path)
    assert found["8 bits, all pairs"] and found["16 bits, sampled"]


@pytest.mark.slow
def test_a_mutant_wrong_only_in_the_top_product_bits_is_caught_at_32_bits(tmp_path):
    found = run_mutant("top-bits", tmp_path)
    # Products of 16-bit operands fit in 32 bits, so only the 32-bit sample can see it.
    assert not found["8 bits, all pairs"] and not found["16 bits, sampled"]
    assert found["32 bits, sampled"]
