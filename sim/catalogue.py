"""The catalogue of designs: one declaration per design.

Each :class:`Entry` names a design's RTL class, its vectorised golden model (:mod:`.golden`,
:mod:`.float_golden`), its independent scalar model (:mod:`.scalar`, :mod:`.float_scalar`), its
kind (what its operands and output are and which exact design it is measured against) and a
one-line summary. Parameters are declared once, on the RTL class (``PARAMETERS``, see
:class:`mitchell.rtl.params.Parameter`). :class:`~.design.Design` (integer operands),
:class:`~.float_design.FloatDesign` (floating-point operands, ``--format``), the command line's
choices and help, the registries of the other layers (kernel twins, references, C models, all
keyed by catalogue name) and the tests' parametrisation are all derived from here, so a new
design is one entry in :data:`CATALOGUE` plus its RTL class and models.

A floating-point design's name is ``float-`` and the variant that ``--variant`` names with
``--format`` (:func:`float_variants`).
"""
from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np

from ..rtl import (DaddaMultiplier, ExactDivider, ExactFloatMultiplier, ExactMultiplier,
                   DynamicRangeMultiplier, FloatMitchellMultiplier, IterativeLogMultiplier, MinimallyBiasedMultiplier,
                   MitchellDivider, MitchellMultiplier, MitchW, NearestOneMultiplier,
                   ReducedErrorMultiplier, SetOneAdderMultiplier, TruncatedMultiplier)
from ..rtl.divider import check_quotient_frac_bits
from ..rtl.params import Parameter, check_frac_bits
from . import float_golden, float_scalar, golden, scalar


@dataclass(frozen=True)
class Kind:
    """What the output port ``p`` of a family of designs holds, and how it is measured.

    ``baseline`` is the catalogue name of the exact design of the family: every design is measured
    against it, and ``mitchell area`` synthesizes it alongside. ``operands`` is ``"int"`` for
    integers of ``--width`` bits (:class:`~.design.Design`, which the methods below serve) or
    ``"float"`` for the bit patterns of a floating-point format
    (:class:`~.float_design.FloatDesign`).
    """

    name: str
    baseline: str
    # The pairs whose result is defined, in words.
    defined_pairs: str = "pairs"
    operands: str = "int"

    def out_width(self, *, width: int, frac_bits: int | None) -> int:
        return 2 * width if self.name == "multiplier" else width + frac_bits + 1

    def defined(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Which pairs have a defined result: all products; quotients with ``b != 0``."""
        if self.name == "multiplier":
            return np.ones(len(a), dtype=bool)
        return b != 0

    def values(self, p: np.ndarray, *, width: int, frac_bits: int | None) -> np.ndarray:
        """The number a port value stands for: the product, or the quotient without ``dz``."""
        if self.name == "multiplier":
            return p
        return p & ((1 << (width + frac_bits)) - 1)

    def output_range(self, *, width: int, frac_bits: int | None, signed: bool) -> int:
        """The largest exact result magnitude: NMED's normaliser."""
        if self.name == "divider":
            return ((1 << width) - 1) << frac_bits
        return 1 << (2 * width - 2) if signed else ((1 << width) - 1) ** 2


MULTIPLIER = Kind("multiplier", baseline="exact")
DIVIDER = Kind("divider", baseline="exact-div", defined_pairs="pairs with b != 0")
FLOAT_MULTIPLIER = Kind("float-multiplier", baseline="float-exact", operands="float")
FLOAT_PREFIX = "float-"


@dataclass(frozen=True)
class Entry:
    """One design of the catalogue.

    ``frac_bits`` is the check of the design's ``frac_bits`` option (``check(value, width=...)``
    resolving ``None`` to its default), or ``None`` when the design takes none. ``golden`` and
    ``scalar`` take ``(a, b, *, width, [frac_bits], **params)`` with the parameters whose
    ``output`` flag is set, or ``(a, b, *, format)`` for a floating-point design; ``golden``
    takes arrays, ``scalar`` one pair of ints. ``arguments`` are keyword arguments the RTL class
    takes for this design whatever its options (the variant of a class that computes several).
    """

    name: str
    component: type
    golden: Callable
    scalar: Callable
    summary: str
    kind: Kind = MULTIPLIER
    frac_bits: Callable | None = None
    pipelined: bool = True
    signable: bool = True
    arguments: tuple = ()

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return self.component.PARAMETERS

    @property
    def module_name(self) -> str:
        """The Verilog module name used when none is given."""
        name = self.name.replace("-", "_")
        return f"{name}_mul" if self.kind is MULTIPLIER else name


def _float(name: str, component: type, summary: str, **arguments) -> "Entry":
    """The floating-point design ``float-NAME``: golden model ``float_golden.float_NAME``, scalar
    model ``float_scalar.float_NAME_scalar``."""
    return Entry(FLOAT_PREFIX + name, component, getattr(float_golden, f"float_{name}"),
                 getattr(float_scalar, f"float_{name}_scalar"), summary, kind=FLOAT_MULTIPLIER,
                 signable=False, arguments=tuple(arguments.items()))


CATALOGUE: dict[str, Entry] = {entry.name: entry for entry in [
    Entry("mitchell", MitchellMultiplier, golden.mitchell_product, scalar.mitchell_scalar,
          "Mitchell 1962; --frac-bits truncates the mantissas", frac_bits=check_frac_bits),
    Entry("exact", DaddaMultiplier, golden.exact_product, scalar.exact_scalar,
          "a * b as partial products, a Dadda tree and a final adder (+ unpipelined, "
          "Kogge-Stone when registers cut it); the baseline of the multipliers"),
    Entry("exact-yosys", ExactMultiplier, golden.exact_product, scalar.exact_scalar,
          "a * b as Yosys maps $mul; pipeline registers on the operands, then the product"),
    Entry("mitch-w", MitchW, golden.mitch_w_product, scalar.mitch_w_scalar,
          "Kim et al. 2019: operands cut to w bits from the leading one, the last set to 1"),
    Entry("dr-alm", DynamicRangeMultiplier, golden.dr_alm_product, scalar.dr_alm_scalar,
          "Yin et al. 2021: Mitch-w with w = t plus a carry-in of 1 at the set bit"),
    Entry("mbm", MinimallyBiasedMultiplier, golden.mbm_product, scalar.mbm_scalar,
          "Saadat et al. 2018: 1/12 (1/24 with carry) added to the fraction sum",
          frac_bits=check_frac_bits),
    Entry("realm", ReducedErrorMultiplier, golden.realm_product, scalar.realm_scalar,
          "after Saadat et al. 2020 (REALM): a 2^m x 2^m table of factors added to the fraction "
          "sum, mantissas cut to t bits"),
    Entry("ilm", IterativeLogMultiplier, golden.ilm_product, scalar.ilm_scalar,
          "Babic et al. 2011: power-of-two block repeated on the residues"),
    Entry("alm-soa", SetOneAdderMultiplier, golden.alm_soa_product, scalar.alm_soa_scalar,
          "Liu et al. 2018: low log-adder bits set to one"),
    Entry("truncated", TruncatedMultiplier, golden.truncated_product, scalar.truncated_scalar,
          "after Schulte and Swartzlander 1993: partial products below column cut left out for "
          "2^(cut-1), the first merge pairs above, each replaced by their OR (after Venkatachalam "
          "and Ko 2017)"),
    Entry("nearest-one", NearestOneMultiplier, golden.nearest_one_product,
          scalar.nearest_one_scalar,
          "after Ansari et al. 2021: operands rounded to the nearest power of two"),
    Entry("mitchell-div", MitchellDivider, golden.mitchell_divider_output,
          partial(scalar.divider_port_scalar, scalar.mitchell_quotient_scalar),
          "Mitchell's divider: p = {dz, q}, q = a/b with --frac-bits fraction bits",
          kind=DIVIDER, frac_bits=check_quotient_frac_bits, pipelined=False, signable=False),
    Entry("exact-div", ExactDivider, golden.exact_divider_output,
          partial(scalar.divider_port_scalar, scalar.exact_quotient_scalar),
          "floor(a * 2^F / b), the baseline of the dividers",
          kind=DIVIDER, frac_bits=check_quotient_frac_bits, pipelined=False, signable=False),
    _float("mitchell", FloatMitchellMultiplier,
           "Mitchell's product by the bit-pattern addition (Mogami 2020's program), guarded",
           variant="mitchell"),
    _float("lmul", FloatMitchellMultiplier,
           "L-Mul (Luo and Sun 2024): the bit-pattern addition plus 2^-l(m)", variant="lmul"),
    _float("exact", ExactFloatMultiplier,
           "the exact product rounded to nearest even: the baseline"),
]}

BASELINES = frozenset(entry.kind.baseline for entry in CATALOGUE.values())


def integer_designs() -> dict[str, Entry]:
    """The designs of integer operands (:class:`~.design.Design`), by catalogue name."""
    return {name: entry for name, entry in CATALOGUE.items() if entry.kind.operands == "int"}


def float_variants() -> dict[str, Entry]:
    """The floating-point designs by the variant ``--variant`` names with ``--format``: their
    catalogue name without ``float-``."""
    return {name.removeprefix(FLOAT_PREFIX): entry for name, entry in CATALOGUE.items()
            if entry.kind.operands == "float"}


def lookup(name: str) -> Entry:
    """The integer design ``name``."""
    designs = integer_designs()
    if name not in designs:
        raise ValueError(f"Variant must be one of {', '.join(designs)}, not {name!r}")
    return designs[name]


# The catalogue-name prefix of foreign designs (mitchell.sim.foreign): multipliers measured
# against "exact", without parameters.
FOREIGN_PREFIX = "verilog:"


def kind_of(variant: str) -> Kind:
    """The kind of the design named ``variant``: a catalogue design's, or a foreign one's
    (``verilog:TOP``, a multiplier)."""
    return MULTIPLIER if variant.startswith(FOREIGN_PREFIX) else CATALOGUE[variant].kind


def parameters_of(variant: str) -> tuple[Parameter, ...]:
    """The parameters of the design named ``variant`` (none for a foreign one)."""
    return () if variant.startswith(FOREIGN_PREFIX) else CATALOGUE[variant].parameters


def shown_params(variant: str, width: int, params: dict) -> dict:
    """The parameters a design's name shows: all but those not always named at their defaults
    (a structural one such as ``arch``, an opt-in such as ``drop``: see
    :attr:`~mitchell.rtl.params.Parameter.always_named`), so that names stay as they were
    before such a parameter existed. A design without parameters (a floating-point one, whose
    ``variant`` is its kind's name) needs no lookup."""
    if not params:
        return {}
    declared = {parameter.name: parameter for parameter in parameters_of(variant)}
    return {name: value for name, value in params.items()
            if name not in declared or declared[name].always_named
            or value != declared[name].default(width)}


def stated_params(variant: str, width: int, params: dict) -> dict:
    """``params`` as a user states them: all but an opt-in (``quiet``) one at its default (none
    to look up without parameters, as :func:`shown_params`)."""
    if not params:
        return {}
    declared = {parameter.name: parameter for parameter in parameters_of(variant)}
    return {name: value for name, value in params.items()
            if not (name in declared and declared[name].quiet
                    and value == declared[name].default(width))}


def parameter_help() -> str:
    """Every design parameter, for the command line's help."""
    items = []
    for entry in CATALOGUE.values():
        for parameter in entry.parameters:
            value = "|".join(parameter.choices) if parameter.choices else "N"
            items.append(f"{parameter.name}={value} for {entry.name}: {parameter.help}")
    return "; ".join(items)
