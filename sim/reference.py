"""The behavioural Verilog references of the designs (``hdl/reference.v``), for formal proofs.

Each design of the catalogue has one module there, written from its definition and independent
of the Amaranth code. :func:`reference_verilog` gives the Verilog of a top module with the ports
of a :class:`~.design.Design` (``a``, ``b``, ``p``, and ``clk``, ``rst`` when pipelined) that
instantiates that module with the design's parameters, in sign-magnitude around it when the
design is signed, and behind ``stages`` registers with a synchronous reset when it is pipelined.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..rtl.realm_table import realm_table

from .catalogue import CATALOGUE
from .design import Design

#: The references, one Verilog module per design.
REFERENCE_FILE = Path(__file__).parent / "hdl" / "reference.v"


@dataclass(frozen=True)
class Reference:
    """The reference module of a design and how the design's options map onto its Verilog
    parameters: ``parameters`` maps ``frac_bits`` or the name of a design parameter to the name
    of a Verilog parameter (``W`` is always the operand width)."""

    module: str
    parameters: dict[str, str] = field(default_factory=dict)
    #: Verilog parameters computed from the design (REALM's factor table), as Verilog literals.
    computed: Callable[[Design], dict[str, str]] | None = None


def _realm_table_literal(design: Design) -> dict[str, str]:
    """REALM's factors as one literal, ``t`` bits an entry (each is a fraction below one),
    entry 0 in the low bits."""
    m, t = design.options["m"], design.options["t"]
    table = realm_table(m=min(m, t), frac_bits=t)
    value = sum(entry << (t * index) for index, entry in enumerate(table))
    return {"TABLE": f"{t * len(table)}'h{value:x}"}


#: By catalogue name. Parameters that leave the outputs alone (``arch``) need no mapping: every
#: architecture is proved against the same reference. A truncated product (``drop``) is
#: ``ref_truncate`` after the module.
REFERENCES: dict[str, Reference] = {
    "mitchell": Reference("ref_mitchell", {"frac_bits": "F"}),
    "exact": Reference("ref_exact"),
    "exact-yosys": Reference("ref_exact"),
    "mitch-w": Reference("ref_mitch_w", {"w": "WT"}),
    "dr-alm": Reference("ref_dr_alm", {"t": "T"}),
    "mbm": Reference("ref_mbm", {"frac_bits": "F"}),
    "ilm": Reference("ref_ilm", {"corrections": "C"}),
    "alm-soa": Reference("ref_alm_soa", {"w": "WS"}),
    "realm": Reference("ref_realm", {"m": "M", "t": "F"}, computed=_realm_table_literal),
    "nearest-one": Reference("ref_nearest_one"),
    "truncated": Reference("ref_truncated", {"cut": "C", "merge": "M"}),
    "mitchell-div": Reference("ref_mitchell_div", {"frac_bits": "F"}),
    "exact-div": Reference("ref_exact_div", {"frac_bits": "F"}),
}


#: The catalogue's designs without a reference, and why.
WITHOUT_REFERENCE = {name: "a floating-point design: mitchell prove takes integer designs; the "
                           "tests simulate every fp8 pair against the golden model"
                     for name, entry in CATALOGUE.items() if entry.kind.operands == "float"}


def reference_of(design: Design) -> Reference:
    """The reference of ``design``'s variant; ``ValueError`` naming the file if it has none."""
    if design.variant not in REFERENCES:
        raise ValueError(f"{design.variant!r} has no behavioural reference yet: write one in "
                         f"{REFERENCE_FILE.name} (sim/hdl/) and list it in sim/reference.py")
    return REFERENCES[design.variant]


def reference_parameters(design: Design) -> dict[str, int | str]:
    """The Verilog parameters of ``design``'s reference module."""
    reference = reference_of(design)
    values = {"W": design.width}
    options = {"frac_bits": design.frac_bits, **design.options}
    for option, name in reference.parameters.items():
        values[name] = options[option]
    if reference.computed is not None:
        values.update(reference.computed(design))
    return values


def reference_verilog(design: Design, *, name: str = "reference") -> str:
    """A top module ``name`` with ``design``'s ports that behaves as the design is defined to.
    Read it together with :data:`REFERENCE_FILE`."""
    reference = reference_of(design)
    width, out_width, stages = design.width, design.out_width, design.stages
    ports = ["input [%d:0] a" % (width - 1), "input [%d:0] b" % (width - 1),
             "output [%d:0] p" % (out_width - 1)]
    if stages:
        ports += ["input clk", "input rst"]
    parameters = ", ".join(f".{key}({value})" for key, value in
                           reference_parameters(design).items())
    lines = [f"module {name}({', '.join(ports)});",
             f"    wire [{width - 1}:0] core_a, core_b;",
             f"    wire [{out_width - 1}:0] core_p, value;"]
    if design.signed:
        lines += ["    wire negative;",
                  f"    ref_sign_in #(.W({width})) sign_in (.a(a), .b(b), .magnitude_a(core_a), "
                  f".magnitude_b(core_b), .negative(negative));",
                  f"    ref_sign_out #(.N({out_width})) sign_out (.magnitude(core_p), "
                  f".negative(negative), .value(value));"]
    else:
        lines += ["    assign core_a = a;", "    assign core_b = b;", "    assign value = core_p;"]
    dropped = design.dropped_bits
    if dropped:
        lines += [f"    wire [{out_width - 1}:0] core_full;",
                  f"    ref_truncate #(.N({out_width}), .D({dropped})) truncate "
                  f"(.value(core_full), .truncated(core_p));"]
    lines.append(f"    {reference.module} #({parameters}) core (.a(core_a), .b(core_b), "
                 f".p({'core_full' if dropped else 'core_p'}));")
    if stages:
        lines.append(f"    ref_delay #(.N({out_width}), .S({stages})) latency (.clk(clk), "
                     f".rst(rst), .d(value), .q(p));")
    else:
        lines.append("    assign p = value;")
    lines.append("endmodule")
    return "\n".join(lines) + "\n"
