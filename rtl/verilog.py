"""Verilog text for a component, free of machine paths so that it is byte-identical across runs."""
import re

from amaranth.back import verilog
from amaranth.lib import wiring

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def check_module_name(name) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise ValueError(
            f"Module name must be a Verilog identifier (a letter or _, then letters, digits, _ or $), "
            f"not {name!r}")
    return name


def to_verilog(component: wiring.Component, *, name: str) -> str:
    return verilog.convert(component, name=check_module_name(name),
                           emit_src=False, strip_internal_attrs=True)
