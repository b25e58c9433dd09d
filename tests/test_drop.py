"""A truncated product (``drop``) on every log-domain design: the golden and scalar models, the
RTL and its netlist against the definition, the design's product with its low
``drop`` bits cleared (of the magnitude, for a signed design: the sign applies after).

The compiled kernel is checked against the golden model with ``drop`` among the output
parameters of :func:`tests.test_kernel.configurations`; the C model in ``tests/test_export.py``,
the behavioural reference by the proofs of ``tests/test_prove.py``.
"""
import random

import numpy as np
import pytest
from amaranth.hdl import Module
from amaranth.lib import wiring

from mitchell.reports.apps.export import function_name
from mitchell.reports.error.error_analysis import measure
from mitchell.reports.render.plots import plane_design
from mitchell.reports.sweeps.grid import sweep_designs
from mitchell.reports.sweeps.pick import verilog_command
from mitchell.reports.sweeps.sweep import csv_rows
from mitchell.reports.synthesis.yosys import synthesize_generic
from mitchell.rtl import Multiplier
from mitchell.rtl.mitchell import DROP
from mitchell.sim.amaranth_sim import simulate
from mitchell.sim.catalogue import integer_designs
from mitchell.sim.design import Design
from mitchell.sim.vectors import exhaustive

from .test_cli_input import nothing_written, one_line_error, run_cli

LOG_DESIGNS = [name for name, entry in integer_designs().items() if DROP in entry.parameters]


def truncated(values, drop: int) -> list[int]:
    """The definition: each value's magnitude less its remainder modulo ``2**drop``, the sign
    kept."""
    return [(-1 if v < 0 else 1) * (abs(v) - abs(v) % 2 ** drop) for v in map(int, values)]


def test_every_log_domain_design_takes_drop():
    assert set(LOG_DESIGNS) == {"mitchell", "mitch-w", "dr-alm", "mbm", "realm", "alm-soa"}


@pytest.mark.parametrize("name", LOG_DESIGNS)
def test_golden_and_scalar_models_clear_the_low_bits_of_the_product(name):
    a, b = exhaustive(7)
    rng = random.Random(5)
    for signed in (False, True):
        full = Design(variant=name, width=7, signed=signed)
        for drop in (1, 6, 7, 13):
            design = Design(variant=name, width=7, signed=signed, params={"drop": drop})
            expected = truncated(full.output_values(full.golden(a, b)), drop)
            assert list(map(int, design.output_values(design.golden(a, b)))) == expected
            for index in rng.sample(range(len(a)), 300):
                x, y = int(a[index]), int(b[index])
                value = design.scalar(x, y)
                assert value == expected[index], (design.label, x, y)


@pytest.mark.parametrize("name", LOG_DESIGNS)
def test_error_metrics_count_the_dropped_bits(name):
    """``mitchell error``'s default method on a truncated design (plain Mitchell has a closed
    form that must not be taken for it) against every pair through the golden model."""
    design = Design(variant=name, width=8, params={"drop": 10})
    default, enumerated = measure(design), measure(design, method="enumerate")
    assert default["mred"] == pytest.approx(enumerated["mred"], rel=1e-12)
    assert default["mred"] > 1.5 * measure(Design(variant=name, width=8))["mred"]


def test_drop_zero_is_the_design_itself_under_its_old_name():
    for name in LOG_DESIGNS:
        plain, zero = Design(variant=name, width=8), Design(variant=name, width=8,
                                                            params={"drop": 0})
        assert zero.label == plain.label and "drop" not in plain.label
        assert zero.verilog() == plain.verilog()
        assert function_name(zero) == function_name(plain)
    assert "drop=3" in Design(width=8, params={"drop": 3}).label
    assert function_name(Design(width=8, params={"drop": 3})) == "mitchell8u_drop3"


# Each log design once, with other options that touch the output path: signed operands,
# pipelines, the datapath architectures, every bit but the top one dropped.
RTL_CASES = [
    dict(variant="mitchell", params={"drop": 3, "arch": "carry-select"}),
    dict(variant="mitchell", params={"drop": 5, "arch": "residue"}, stages=2),
    dict(variant="mitch-w", params={"w": 4, "drop": 6}, signed=True),
    dict(variant="dr-alm", params={"drop": 11}),
    dict(variant="mbm", params={"drop": 1}, stages=3),
    dict(variant="realm", params={"drop": 6, "m": 2}, signed=True),
    dict(variant="alm-soa", params={"drop": 4, "arch": "onehot"}),
]


def mismatches(dut: wiring.Component, design: Design) -> int:
    a, b = exhaustive(design.width)
    got = np.array(simulate(dut, a, b), dtype=object)
    expected = np.array([int(v) for v in design.golden(a, b)], dtype=object)
    return int((got != expected).sum())


@pytest.mark.parametrize("fields", RTL_CASES, ids=lambda fields: Design(width=6, **fields).label)
def test_the_rtl_equals_the_golden_model_on_every_pair(fields):
    design = Design(width=6, **fields)
    assert mismatches(design.component(), design) == 0


class Masked(Multiplier):
    """A planted bug: ``core``'s product with the bits of ``mask`` cleared."""

    def __init__(self, core: Multiplier, mask: int):
        super().__init__(width=core.width, stages=core.stages)
        self.core, self.mask = core, mask

    def elaborate(self, platform):
        m = Module()
        m.submodules.core = core = self.core
        m.d.comb += [core.a.eq(self.a), core.b.eq(self.b), self.p.eq(core.p & self.mask)]
        return m


# A truncation one place short, one place too far, and one that clears the top bits instead.
@pytest.mark.parametrize("core_drop, mask", [(4, ~0), (6, ~0), (0, ~(0b11111 << 7))],
                         ids=["one-short", "one-too-far", "top-bits"])
def test_the_check_catches_a_wrong_truncation(core_drop, mask):
    design = Design(width=6, params={"drop": 5})
    core = Design(width=6, params={"drop": core_drop}).component()
    assert mismatches(Masked(core, mask & 0xFFF), design) > 100


def test_synthesis_removes_the_logic_behind_the_dropped_bits():
    kept = synthesize_generic(Design(variant="mitch-w", width=12, params={"w": 4}))
    dropped = synthesize_generic(Design(variant="mitch-w", width=12,
                                        params={"w": 4, "drop": 12}))
    assert dropped["transistors"] < 0.9 * kept["transistors"], (dropped, kept)


@pytest.mark.parametrize("args, named", [
    (["--variant", "mitch-w", "--param", "drop=16"], ["Parameter drop", "from 0 to 15", "16"]),
    (["--variant", "exact", "--param", "drop=1"], ["Unknown parameter 'drop'", "'exact'"]),
    (["--variant", "ilm", "--param", "drop=1"], ["Unknown parameter 'drop'", "'ilm'"]),
])
def test_a_bad_drop_is_one_line(args, named, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _, err = run_cli(capsys, "verilog", "--width", "8", *args, "-o", "out.v")
    one_line_error(status, err, "verilog", *named)
    nothing_written(tmp_path)


def test_outputs_state_drop_only_off_zero():
    """The CSV of a sweep and pick's Verilog command, as the labels: ``drop=0`` is not stated."""
    entries = [{"variant": "mitch-w", "width": 8, "signed": False, "frac_bits": None, "stages": 0,
                "params": dict(Design(variant="mitch-w", width=8, params=given).params),
                "error": {}} for given in ({"w": 4}, {"w": 4, "drop": 3})]
    assert [row["params"] for row in csv_rows(entries)] == ["arch=serial w=4",
                                                            "arch=serial drop=3 w=4"]
    assert "drop" not in verilog_command(Design(variant="mitch-w", width=8))
    assert "--param drop=3" in verilog_command(Design(width=8, params={"drop": 3}))


def test_the_operand_plane_keeps_the_top_product_bits_a_wider_design_keeps():
    # 12 bits, 24-bit products: drop=20 keeps the top 4 bits, which at 8 bits is drop=12.
    small, notes = plane_design(Design(width=12, params={"drop": 20}))
    assert small == Design(width=8, params={"drop": 12})
    assert notes == ["drop=20 shown as drop=12 (the top 4 product bits kept at 12 bits, "
                     "the top 4 here)"]
    small, notes = plane_design(Design(width=12, params={"drop": 6}))
    assert small == Design(width=8) and notes[0].startswith("drop=6 shown as drop=0")


def test_a_grid_value_that_fits_one_width_only_names_the_other():
    with pytest.raises(ValueError, match=r"from 0 to 15, not 16 \(at --width 8\)"):
        sweep_designs(widths=[8, 16], variants=["mitchell"], stages="0",
                      params={"drop": "0,16"}, signed=False, every=False)
