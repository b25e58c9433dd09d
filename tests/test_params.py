import pytest
from amaranth.hdl import Fragment

from mitchell.rtl import BarrelShifter, ExactMultiplier, LeadingOneDetector, MitchellMultiplier
from mitchell.sim.design import Design

from .conftest import half_built


@pytest.mark.parametrize("width, error", [
    (0, ValueError), (1, ValueError), (65, ValueError), (-8, ValueError),
    (8.5, TypeError), ("8", TypeError), (True, TypeError), (None, TypeError),
])
@pytest.mark.parametrize("cls", [MitchellMultiplier, ExactMultiplier])
@half_built
def test_bad_width_names_value_and_range(cls, width, error):
    with pytest.raises(error, match=r"Width must be an integer from 2 to 64, not " + repr(width).replace(".", r"\.")):
        cls(width=width)


@pytest.mark.parametrize("frac_bits, error", [(8, ValueError), (-1, ValueError), (3.0, TypeError)])
@half_built
def test_bad_frac_bits(frac_bits, error):
    with pytest.raises(error, match=r"Fraction bits must be an integer from 0 to 7, not "):
        MitchellMultiplier(width=8, frac_bits=frac_bits)


@pytest.mark.parametrize("stages, error", [(-1, ValueError), (65, ValueError), (1.5, TypeError)])
@pytest.mark.parametrize("cls", [MitchellMultiplier, ExactMultiplier])
@half_built
def test_bad_stages(cls, stages, error):
    with pytest.raises(error, match=r"Pipeline stages must be an integer from 0 to 64, not "):
        cls(width=8, stages=stages)


@half_built
def test_parameters_are_keyword_only():
    with pytest.raises(TypeError):
        MitchellMultiplier(8)


@half_built
def test_building_blocks_validate_too():
    with pytest.raises(ValueError, match="Width must be an integer of at least 1, not 0"):
        LeadingOneDetector(width=0)
    with pytest.raises(ValueError, match="Direction must be 'left' or 'right', not 'up'"):
        BarrelShifter(width=8, amount_width=3, direction="up")


def test_design_rejects_unknown_variant_and_frac_bits_on_exact():
    with pytest.raises(ValueError, match="Variant must be one of .*not 'booth'"):
        Design(variant="booth")
    with pytest.raises(ValueError, match="Fraction bits apply to mitchell, mbm, mitchell-div, exact-div, not to .exact."):
        Design(variant="exact", frac_bits=3)


def test_defaults():
    dut = MitchellMultiplier(width=12)
    assert (dut.width, dut.frac_bits, dut.stages) == (12, 11, 0)
    assert set(dut.signature.members) == {"a", "b", "p"}
    assert dut.signature.members["p"].shape == 24
    Fragment.get(dut, None)  # and it elaborates
