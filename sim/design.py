"""A design point: which catalogue design, at which width, with which options; its RTL and models."""
from dataclasses import dataclass, field, replace

import numpy as np
from amaranth.lib import wiring

from ..rtl import SignedMultiplier, to_verilog
from ..rtl.mitchell import DROP
from ..rtl.params import check_stages, check_width
from ..rtl.verilog import check_module_name
from .catalogue import CATALOGUE, Entry, integer_designs, lookup, shown_params


@dataclass(frozen=True)
class Design:
    """One design configuration. Construction validates every field and fills in defaults, all
    from the design's :class:`~.catalogue.Entry`.

    ``params`` holds the design's parameters (``w`` for mitch-w and alm-soa, ``corrections`` for
    ilm, ...) as a dict or as (name, value) pairs; it is stored as sorted pairs with every
    default filled in.
    """

    variant: str = "mitchell"
    width: int = 8
    frac_bits: int | None = None
    stages: int = 0
    signed: bool = False
    params: tuple = field(default=())
    # Integer operands; floating-point designs are mitchell.sim.float_design.FloatDesign.
    format = "int"

    def __post_init__(self):
        entry = lookup(self.variant)
        check_width(self.width)
        check_stages(self.stages)
        if not isinstance(self.signed, bool):
            raise TypeError(f"Signed must be True or False, not {self.signed!r}")
        if self.stages and not entry.pipelined:
            raise ValueError(f"Pipeline stages apply to {_having('pipelined')}, "
                             f"not to {self.variant!r}")
        if self.signed and not entry.signable:
            raise ValueError(f"Signed operands apply to {_having('signable')}, "
                             f"not to {self.variant!r}")
        if entry.frac_bits is not None:
            object.__setattr__(self, "frac_bits", entry.frac_bits(self.frac_bits, width=self.width))
        elif self.frac_bits is not None:
            raise ValueError(f"Fraction bits apply to {_having('frac_bits')}, "
                             f"not to {self.variant!r}")
        given = dict(self.params)
        known = {parameter.name: parameter for parameter in entry.parameters}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ValueError(f"Unknown parameter {unknown[0]!r} for {self.variant!r} "
                             f"(allowed: {', '.join(known) or 'none'})")
        values = {name: parameter.resolve(given.get(name), width=self.width)
                  for name, parameter in known.items()}
        # Parameters that constrain one another (a multiplier's check_parameters).
        if hasattr(entry.component, "check_parameters"):
            entry.component.check_parameters(width=self.width, **values)
        object.__setattr__(self, "params", tuple(sorted(values.items())))

    @property
    def entry(self) -> Entry:
        return CATALOGUE[self.variant]

    @property
    def options(self) -> dict:
        return dict(self.params)

    @property
    def baseline(self) -> "Design":
        """The exact design this one is measured against: same width, stages and signedness."""
        baseline = CATALOGUE[self.entry.kind.baseline]
        return Design(variant=baseline.name, width=self.width, stages=self.stages,
                      signed=self.signed,
                      frac_bits=self.frac_bits if baseline.frac_bits is not None else None)

    def at_width(self, width: int) -> "Design":
        """The same design at another width, every option kept."""
        return replace(self, width=width)

    @property
    def default_name(self) -> str:
        return self.entry.module_name

    @property
    def label(self) -> str:
        options = [f"width={self.width}"]
        if self.frac_bits is not None:
            options.append(f"frac_bits={self.frac_bits}")
        # Labels and report keys stay as they were before a structural or opt-in parameter.
        options += [f"{name}={value}" for name, value in
                    shown_params(self.variant, self.width, dict(self.params)).items()]
        if self.entry.pipelined:
            options.append(f"stages={self.stages}")
        if self.signed:
            options.append("signed")
        return f"{self.variant}({', '.join(options)})"

    @property
    def dropped_bits(self) -> int:
        """The low result bits the design clears (a log-domain design's ``drop``), else 0."""
        return self.options[DROP.name] if DROP in self.entry.parameters else 0

    @property
    def out_width(self) -> int:
        """Width of the output port ``p``."""
        return self.entry.kind.out_width(width=self.width, frac_bits=self.frac_bits)

    @property
    def output_range(self) -> int:
        """The largest exact result magnitude: NMED's normaliser."""
        return self.entry.kind.output_range(width=self.width, frac_bits=self.frac_bits,
                                            signed=self.signed)

    def _arguments(self, *, model: bool) -> dict:
        """Keyword arguments of the RTL class (``model=False``) or of the golden and scalar models."""
        arguments = {"width": self.width}
        if self.entry.frac_bits is not None:
            arguments["frac_bits"] = self.frac_bits
        if self.entry.pipelined and not model:
            arguments["stages"] = self.stages
        outputs = {parameter.name for parameter in self.entry.parameters if parameter.output}
        arguments.update((name, value) for name, value in self.params
                         if not model or name in outputs)
        return arguments

    def component(self) -> wiring.Component:
        core = self.entry.component(**self._arguments(model=False))
        return SignedMultiplier(core) if self.signed else core

    def golden(self, a, b) -> np.ndarray:
        """Expected ``p`` for operand bit patterns ``a``, ``b``, as a bit pattern (two's complement
        when signed)."""
        model = self.entry.golden
        if not self.signed:
            return model(a, b, **self._arguments(model=True))
        values_a, values_b = self.to_signed(a), self.to_signed(b)
        magnitude = model(np.abs(values_a), np.abs(values_b), **self._arguments(model=True))
        return apply_signs(magnitude, values_a, values_b, bits=2 * self.width)

    def scalar(self, a: int, b: int) -> int:
        """The independent scalar model's result for one pair, as a number (signed when signed)."""
        from .scalar import signed_scalar

        arguments = self._arguments(model=True)
        if self.signed:
            return signed_scalar(self.entry.scalar, a, b, **arguments)
        return self.entry.scalar(a, b, **arguments)

    def to_signed(self, values) -> np.ndarray:
        """Two's-complement bit patterns of ``width`` bits as signed values (int64 up to 62 bits)."""
        return _as_signed(values, self.width)

    def defined(self, a, b) -> np.ndarray:
        """Which pairs have a defined exact result (all, for a multiplier; ``b != 0`` for a divider)."""
        return self.entry.kind.defined(np.asarray(a), np.asarray(b))

    def output_values(self, p) -> np.ndarray:
        """Port values as numbers: the product (its two's-complement value when signed), or the
        quotient without its flag."""
        if self.signed:
            return _as_signed(p, 2 * self.width)
        return self.entry.kind.values(np.asarray(p), width=self.width, frac_bits=self.frac_bits)

    def exact_values(self, a, b) -> np.ndarray:
        """The baseline's (exact) results for the operands, as numbers."""
        baseline = self.baseline
        return baseline.output_values(baseline.golden(a, b))

    def verilog(self, name: str | None = None) -> str:
        # The name is checked before the component is built, so that a bad name leaves no
        # component behind unelaborated (Amaranth warns about those).
        name = check_module_name(self.default_name if name is None else name)
        return to_verilog(self.component(), name=name)


def _having(attribute: str) -> str:
    """The catalogue's designs for which ``attribute`` is set, as a list in words."""
    return ", ".join(name for name, entry in integer_designs().items()
                     if getattr(entry, attribute))


def apply_signs(magnitude, values_a, values_b, *, bits: int) -> np.ndarray:
    """Sign and magnitude's product: ``magnitude`` as ``bits``-bit two's-complement patterns,
    negated where the operand values' signs differ."""
    negative = (values_a < 0) ^ (values_b < 0)
    # uint64 negation wraps, Python ints go negative, and the mask brings both to ``bits`` bits.
    return np.where(negative, (-magnitude) & ((1 << bits) - 1), magnitude).astype(magnitude.dtype)


def _as_signed(values, width: int) -> np.ndarray:
    """Two's-complement bit patterns of ``width`` bits as numbers: int64 up to 62 bits, else
    Python ints."""
    values = np.asarray(values)
    values = values.astype(np.int64 if width <= 62 else object)
    half, modulus = 1 << (width - 1), 1 << width
    return np.where(values >= half, values - modulus, values).astype(values.dtype)
