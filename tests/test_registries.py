"""Every per-design registry is keyed by catalogue name and covers the catalogue: each design has
its compiled kernel twin, its behavioural reference and its C model, or is listed beside the
registry as deliberately without one, with the reason."""
import pytest

from mitchell.reports.apps import export
from mitchell.reports.error import kernel
from mitchell.sim.catalogue import CATALOGUE
from mitchell.sim.reference import REFERENCES, WITHOUT_REFERENCE

# registry name: (the registry's keys, {design without an entry: why})
REGISTRIES = {
    "kernel twins (reports/error/kernel/integer.py and floats.py)":
        (set(kernel.KERNELS) | set(kernel.FLOAT_KERNELS), {}),
    "behavioural references (sim/reference.py)": (set(REFERENCES), WITHOUT_REFERENCE),
    "C cores (reports/apps/export.py)": (set(export.CORES), export.WITHOUT_CORE),
    "floating-point C models (reports/apps/export.py)":
        (set(export.FLOAT_MAGNITUDES), {name: "an integer design" for name, entry
                                        in CATALOGUE.items() if entry.kind.operands == "int"}),
}


@pytest.mark.parametrize("registry", REGISTRIES)
def test_every_design_is_registered_or_listed_without_with_a_reason(registry):
    keys, without = REGISTRIES[registry]
    assert keys <= set(CATALOGUE), f"not catalogue names: {sorted(keys - set(CATALOGUE))}"
    assert not keys & set(without), f"registered and listed without: {sorted(keys & set(without))}"
    missing = set(CATALOGUE) - keys - set(without)
    assert not missing, f"neither registered nor listed without: {sorted(missing)}"
    assert all(isinstance(reason, str) and reason for reason in without.values())
