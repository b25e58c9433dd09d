"""The truncated multiplier (``truncated``): its models against the definition, the expected
error that the correction constant is derived from, the RTL on every pair, planted bugs caught,
synthesis, and bad parameters.

The compiled kernel is checked against the definition on the shapes below (the largest merge of
a cut among them) and against the golden model at a few values of each parameter, the other at
its default, by ``tests/test_kernel.py``, the C model by ``tests/test_export.py``, the behavioural
reference by the proofs of ``tests/test_prove.py`` and below.
"""
from fractions import Fraction

import numpy as np
import pytest

from mitchell.reports.error.kernel.driver import kernel_params
from mitchell.reports.error.kernel.integer import KERNELS
from mitchell.reports.synthesis.yosys import synthesize_generic
from mitchell.reports.render.plots import plane_design
from mitchell.reports.sweeps.grid import sweep_designs
from mitchell.rtl import TruncatedMultiplier
from mitchell.sim.design import Design
from mitchell.sim.vectors import exhaustive

from .test_cli_input import nothing_written, one_line_error, run_cli
from .test_drop import mismatches


def merged_by_definition(width: int, cut: int, merge: int) -> list[tuple[int, int]]:
    """The merged pairs ``(i, j)``, ``i < j``, as the docstring defines them: column by column
    from ``cut`` up, the outermost pair (smallest ``i``) of a column first."""
    pairs = []
    for column in range(cut, 2 * width - 1):
        for i in range(width):
            if i < column - i < width:
                pairs.append((i, column - i))
    return pairs[:merge]


def definition(a: int, b: int, width: int, cut: int, merge: int) -> int:
    """The bit matrix written out: every kept product, a merged pair once as its OR, and the
    correction."""
    merged = merged_by_definition(width, cut, merge)
    total = 2 ** (cut - 1) if cut else 0
    for i in range(width):
        for j in range(width):
            if i + j < cut or (min(i, j), max(i, j)) in merged and i > j:
                continue
            bit = (a >> i & 1) & (b >> j & 1)
            if (i, j) in merged:
                bit |= (a >> j & 1) & (b >> i & 1)
            total += bit << (i + j)
    return total


# (cut, merge) at 7 bits: none; the 1 % design's shape; a merge of every pair of a column; the
# top columns only (the merged pair sits in bit 11 of 14); every pair merged, nothing cut.
SHAPES = [(0, 0), (4, 0), (4, 5), (5, 9), (11, 1), (12, 0), (0, 21)]


@pytest.mark.parametrize("cut, merge", SHAPES)
def test_golden_and_scalar_models_follow_the_definition_on_every_pair(cut, merge):
    design = Design(variant="truncated", width=7, params={"cut": cut, "merge": merge})
    a, b = exhaustive(7)
    expected = [definition(int(x), int(y), 7, cut, merge) for x, y in zip(a, b)]
    assert [int(v) for v in design.golden(a, b)] == expected
    assert [design.scalar(int(x), int(y)) for x, y in zip(a, b)] == expected
    assert [int(KERNELS["truncated"].product(x, y, np.uint64(7), kernel_params(design)))
            for x, y in zip(a[::37], b[::37])] == expected[::37]


@pytest.mark.parametrize("width, cut, merge", [(8, 5, 0), (8, 5, 5), (8, 0, 28), (6, 7, 3)])
def test_the_mean_error_is_the_correction_less_the_expected_bits_left_out(width, cut, merge):
    """Schulte and Swartzlander's correction is derived from the expected value of the products
    left out, 2^(i+j)/4 each (a product of two uniform bits is 1 a quarter of the time); a merged
    pair loses 2^(i+j) when all four of its bits are 1, a sixteenth of the time."""
    cut_out = sum(Fraction(2 ** (i + j), 4) for i in range(width) for j in range(width)
                  if i + j < cut)
    merged = sum(Fraction(2 ** (i + j), 16) for i, j in merged_by_definition(width, cut, merge))
    expected = (2 ** (cut - 1) if cut else 0) - cut_out - merged
    design = Design(variant="truncated", width=width, params={"cut": cut, "merge": merge})
    a, b = exhaustive(width)
    errors = design.golden(a, b).astype(object) - a.astype(object) * b.astype(object)
    assert Fraction(int(errors.sum()), len(a)) == expected


RTL_CASES = [dict(params={"cut": 4, "merge": 4}), dict(params={"cut": 0, "merge": 15}),
             dict(params={"cut": 7, "merge": 3}), dict(params={"cut": 10, "merge": 0}),
             dict(params={"cut": 4, "merge": 4}, signed=True),
             dict(params={"cut": 4, "merge": 4}, stages=2),
             dict(params={"cut": 4, "merge": 4, "adder": "kogge-stone"})]


@pytest.mark.parametrize("fields", RTL_CASES,
                         ids=lambda fields: Design(variant="truncated", width=6, **fields).label)
def test_the_rtl_equals_the_golden_model_on_every_pair(fields):
    design = Design(variant="truncated", width=6, **fields)
    assert mismatches(design.component(), design) == 0


class Misplaced(TruncatedMultiplier):
    """A planted bug: the circuit of other ``cut`` and ``merge`` behind this design's name."""

    def __init__(self, *, built: dict, **params):
        super().__init__(**params)
        self._cut, self._merge = built["cut"], built["merge"]


# One column too few cut, one pair too many merged at the bottom, and one high up (the pair of
# column 8 of 12, where the design merges only the two of column 7).
@pytest.mark.parametrize("params, built", [
    ({"cut": 4, "merge": 4}, {"cut": 3, "merge": 4}),
    ({"cut": 4, "merge": 4}, {"cut": 4, "merge": 5}),
    ({"cut": 7, "merge": 2}, {"cut": 7, "merge": 3}),
], ids=["cut-short", "merge-low", "merge-high"])
def test_the_check_catches_a_wrong_truncation(params, built):
    design = Design(variant="truncated", width=6, params=params)
    assert mismatches(Misplaced(width=6, built=built, **params), design) > 100


def test_every_cut_column_and_merged_pair_takes_logic_away():
    exact = synthesize_generic(Design(variant="exact", width=8))
    cut = synthesize_generic(Design(variant="truncated", width=8, params={"cut": 5}))
    merged = synthesize_generic(Design(variant="truncated", width=8,
                                       params={"cut": 5, "merge": 5}))
    assert merged["transistors"] < cut["transistors"] < 0.85 * exact["transistors"], (
        merged, cut, exact)


def test_cut_zero_merge_zero_is_the_exact_multiplier():
    exact = Design(variant="exact", width=8).verilog("m")
    assert Design(variant="truncated", width=8, params={"cut": 0}).verilog("m") == exact


@pytest.mark.parametrize("param, named", [
    ("merge=23", ["Parameter merge must be an integer from 0 to 22", "cut=5", "not 23"]),
    ("cut=15", ["Parameter cut", "from 0 to 14", "15"]),
    ("merge=-1", ["Parameter merge", "at least 0", "-1"]),
])
def test_a_bad_parameter_is_one_line(param, named, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _, err = run_cli(capsys, "verilog", "--width", "8", "--variant", "truncated",
                             "--param", param, "-o", "out.v")
    one_line_error(status, err, "verilog", *named)
    nothing_written(tmp_path)


def pairs_at_or_above(width: int, cut: int) -> int:
    """The pairs ``a[i]b[j]``, ``a[j]b[i]``, ``i < j``, whose column ``i + j`` is not cut."""
    return sum(1 for i in range(width) for j in range(i + 1, width) if i + j >= cut)


def test_a_grid_leaves_out_the_merges_its_cut_has_no_pairs_for():
    designs = sweep_designs(widths=[8], variants=["truncated"], stages="0",
                            params={"cut": "5..13", "merge": "0,3,10,22"}, signed=False,
                            every=False)
    got = {(d.options["cut"], d.options["merge"]) for d in designs
           if d.variant == "truncated"}
    assert got == {(cut, merge) for cut in range(5, 14) for merge in (0, 3, 10, 22)
                   if merge <= pairs_at_or_above(8, cut)}
    assert (13, 3) not in got and (5, 22) in got  # column 13 holds one pair, column 14 none


@pytest.mark.parametrize("command", ["sweep", "pick"])
def test_a_grid_where_nothing_fits_is_one_line(command, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    extra = ["--max", "mred=50%"] if command == "pick" else ["--out", "out"]
    # Beside a design that fits: the one that does not is not dropped in silence.
    status, _, err = run_cli(capsys, command, "--width", "8", "--variant", "truncated",
                             "--variant", "mitchell", "--param", "cut=13..14", "--param",
                             "merge=2..3", *extra)
    one_line_error(status, err, command, "Parameter merge", "from 0 to 1", "cut=13")
    nothing_written(tmp_path)


def test_the_operand_plane_clamps_merge_to_the_pairs_its_cut_leaves_at_8_bits():
    # At 16 bits merge=30 fits cut=13; the 8-bit plane has cut=5, which leaves 22 pairs.
    small, notes = plane_design(Design(variant="truncated", width=16, params={"merge": 30}))
    assert small.width == 8 and small.options["cut"] == 5
    assert small.options["merge"] == pairs_at_or_above(8, 5) == 22
    assert notes == ["merge=30 clamped to 22"]
