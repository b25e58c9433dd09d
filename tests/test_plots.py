"""The report's error pictures: the data each figure draws, against the scalar models.

Expected values come from :mod:`mitchell.sim.scalar` pair by pair, never from the package's error
path, and are read back from the matplotlib figures the report saves.
"""
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mitchell.reports.render import plots
from mitchell.reports.error.error_analysis import measure
from mitchell.sim.design import Design
from mitchell.sim.scalar import (ilm_scalar, mitch_w_scalar, mitchell_scalar, signed_scalar)
from mitchell.sim.vectors import random_pairs


def figures(designs: list[Design]) -> dict:
    """The report's error figures for ``designs``, by file name; each is closed by the caller."""
    return dict(plots.error_figures(designs))


@pytest.fixture
def drawn():
    """Draws the figures of a list of designs and closes them after the test."""
    opened = []

    def draw(designs):
        result = figures(designs)
        opened.extend(result.values())
        return result

    yield draw
    for figure in opened:
        plt.close(figure)


def relative(model, a: int, b: int, *, width: int, signed: bool = False, **options) -> float:
    """(P' - P) / P of one pair of bit patterns, from a scalar model; NaN where P = 0."""
    if signed:
        value = lambda n: n - 2 ** width if n >= 2 ** (width - 1) else n
        exact = value(a) * value(b)
        approx = signed_scalar(model, a, b, width=width, **options)
    else:
        exact, approx = a * b, model(a, b, width=width, **options)
    return float(Fraction(approx - exact, exact)) if exact else float("nan")


def plane_expected(model, *, signed: bool = False, **options) -> np.ndarray:
    """Every 8-bit operand value in increasing order (signed: -128 to 127), rows a, columns b."""
    values = range(-128, 128) if signed else range(256)
    return np.array([[relative(model, a % 256, b % 256, width=8, signed=signed, **options)
                      for b in values] for a in values])


def image_of(figure) -> tuple[np.ndarray, list[float]]:
    """The operand plane's data as fractions (NaN where masked) and its extent."""
    image = figure.axes[0].images[0]
    return np.ma.filled(image.get_array().astype(float), np.nan) / 100, list(image.get_extent())


def mesh_of(figure) -> np.ndarray:
    return np.ma.filled(figure.axes[0].collections[0].get_array().astype(float), np.nan) / 100


def assert_same(drawn_values: np.ndarray, expected: np.ndarray) -> None:
    assert drawn_values.shape == expected.shape
    assert np.array_equal(np.isnan(drawn_values), np.isnan(expected))
    ok = ~np.isnan(expected)
    np.testing.assert_allclose(drawn_values[ok], expected[ok], rtol=1e-12, atol=1e-15)


def test_signed_report_draws_the_signed_error(drawn):
    # The designs of `mitchell report --width 8 --signed`.
    designs = [Design(width=8, signed=True), Design(variant="exact", width=8, signed=True)]
    result = drawn(designs)
    assert set(result) == {"operand_plane_mitchell", "mantissa_surface_mitchell_8",
                           "error_distributions"}

    plane, extent = image_of(result["operand_plane_mitchell"])
    assert extent == [-128.5, 127.5, -128.5, 127.5]
    assert_same(plane, plane_expected(mitchell_scalar, signed=True))
    assert np.nanmin(plane) == pytest.approx(-1 / 9, rel=1e-12) and np.nanmax(plane) <= 0
    axes = result["operand_plane_mitchell"].axes[0]
    assert "signed" in axes.get_xlabel() and "-128 to 127" in axes.get_ylabel()

    # The mantissa surface: positive operands 64 + r1, 64 + r2, every mantissa at 8 bits.
    surface = mesh_of(result["mantissa_surface_mitchell_8"])
    assert_same(surface, np.array([[relative(mitchell_scalar, 64 + r1, 64 + r2, width=8, signed=True)
                                    for r2 in range(64)] for r1 in range(64)]))
    assert np.nanmin(surface) == pytest.approx(-1 / 9, rel=1e-12)

    # The histogram: its range and its densities, from the same random pairs.
    a, b = random_pairs(8, 200_000, seed=plots.SAMPLE_SEED)
    expected = np.array([relative(mitchell_scalar, int(x), int(y), width=8, signed=True)
                         for x, y in zip(a, b)])
    expected = 100 * expected[~np.isnan(expected)]
    density, edges = np.histogram(expected, bins=120, density=True)
    # A step outline runs (e0, 0), (e0, h0), (e1, h0), (e1, h1), ... (e120, h119), (e120, 0).
    outline = result["error_distributions"].axes[0].patches[0].get_xy()
    np.testing.assert_allclose(outline[0::2, 0], edges, rtol=1e-12)
    np.testing.assert_allclose(outline[1:-1:2, 1], density, rtol=1e-9)
    assert edges[0] == pytest.approx(-100 / 9, rel=1e-12)


def test_plane_is_the_metrics_own_error(drawn):
    """At 8 bits the plane covers every pair: its mean magnitude, mean, largest magnitude and
    count are the table's MRED, bias, WCRE and relative_pairs."""
    design = Design(variant="ilm", width=8, signed=True, params={"corrections": 2})
    plane, _ = image_of(drawn([design])["operand_plane_ilm"])
    metrics = measure(design)
    values = plane[~np.isnan(plane)]
    assert np.abs(values).mean() == pytest.approx(metrics["mred"], rel=1e-12)
    assert values.mean() == pytest.approx(metrics["bias"], rel=1e-12)
    assert np.abs(values).max() == pytest.approx(metrics["wcre"], rel=1e-12)
    assert len(values) == metrics["relative_pairs"] == 255 * 255


@pytest.mark.parametrize("widths", [[8, 16], [16]])
def test_ilm_report_with_two_corrections_draws_two_corrections(drawn, widths):
    # The designs of `mitchell report --variant ilm --param corrections=2 --width ...`.
    designs = [Design(variant=variant, width=width, params=params) for width in widths
               for variant, params in (("ilm", {"corrections": 2}), ("exact", {}))]
    figure = drawn(designs)["operand_plane_ilm"]
    plane, extent = image_of(figure)
    assert extent == [-0.5, 255.5, -0.5, 255.5]
    expected = plane_expected(ilm_scalar, corrections=2)
    assert_same(plane, expected)
    one = plane_expected(ilm_scalar, corrections=1)
    assert np.nanmin(one) < np.nanmin(expected) and not np.allclose(one, expected, equal_nan=True)
    title = figure.axes[0].get_title()
    assert "corrections=2" in title
    assert ("from the 16-bit design" in title) == (widths == [16])


@pytest.mark.parametrize("width", [8, 16])
def test_frac_bits_truncation_shows(drawn, width):
    # `mitchell report --width WIDTH --frac-bits 3`.
    result = drawn([Design(width=width, frac_bits=3), Design(variant="exact", width=width)])
    plane, _ = image_of(result["operand_plane_mitchell"])
    expected = plane_expected(mitchell_scalar, frac_bits=3)
    assert_same(plane, expected)
    assert not np.allclose(expected, plane_expected(mitchell_scalar), equal_nan=True)
    if width == 8:
        surface = mesh_of(result["mantissa_surface_mitchell_8"])
        assert_same(surface, np.array([[relative(mitchell_scalar, 128 + r1, 128 + r2, width=8,
                                                 frac_bits=3) for r2 in range(128)]
                                       for r1 in range(128)]))


def test_options_that_do_not_fit_8_bits_are_clamped_and_said(drawn):
    # Mitch-w's w runs from 2 to width + 1 (the leading one and the appended 1 counted).
    figure = drawn([Design(variant="mitch-w", width=16, params={"w": 12})])["operand_plane_mitch-w"]
    plane, _ = image_of(figure)
    assert_same(plane, plane_expected(mitch_w_scalar, w=9))
    title = figure.axes[0].get_title()
    assert "w=9" in title and "w=12 clamped to 9" in title

    small, notes = plots.plane_design(Design(width=16, frac_bits=10, signed=True, stages=2))
    assert small == Design(width=8, frac_bits=7, signed=True, stages=2)
    assert notes == ["frac_bits 10 clamped to 7"]
    assert plots.plane_design(Design(width=16)) == (Design(width=8), [])
