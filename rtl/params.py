"""Up-front validation of component parameters, and the declaration of a design parameter."""
from dataclasses import dataclass
from typing import Callable

MIN_WIDTH = 2
MAX_WIDTH = 64
# Deeper pipelines only add product registers (and elaboration time); this keeps a typo such as
# 99999999999 from elaborating for ever.
MAX_STAGES = 64


class ParameterConflict(ValueError):
    """Parameters that each pass their own check but do not fit together (a truncated
    multiplier's ``merge`` beyond the pairs its ``cut`` leaves): a grid leaves such a
    combination out, where a single design is an error."""


def check_int(value, *, name: str, minimum: int, maximum: int | None = None) -> int:
    """Return ``value`` if it is an ``int`` in ``[minimum, maximum]``, else raise.

    Booleans are rejected even though they are ``int`` subclasses: ``width=True`` is a mistake.
    """
    if maximum is None:
        allowed = f"an integer of at least {minimum}"
    else:
        allowed = f"an integer from {minimum} to {maximum}"
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be {allowed}, not {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {allowed}, not {value!r}")
    return value


def check_width(width) -> int:
    return check_int(width, name="Width", minimum=MIN_WIDTH, maximum=MAX_WIDTH)


def check_frac_bits(frac_bits, *, width: int) -> int:
    """``None`` selects ``width - 1``: every bit of the mantissa is kept (exact Mitchell)."""
    if frac_bits is None:
        return width - 1
    return check_int(frac_bits, name="Fraction bits", minimum=0, maximum=width - 1)


def check_stages(stages) -> int:
    return check_int(stages, name="Pipeline stages", minimum=0, maximum=MAX_STAGES)


@dataclass(frozen=True)
class Parameter:
    """A parameter of a design beyond width, stages and fraction bits, declared once beside the
    component that takes it: its name, its default for a width, its check, and its help text.

    ``check(value, width=...)`` returns the value or raises ``TypeError``/``ValueError`` naming it;
    ``default(width)`` gives the value used when none is given. ``output`` is False for parameters
    that change the circuit but not its outputs (such as a datapath architecture), which the golden
    models therefore do not take: labels and report names name such a parameter only off its
    default, C function names never. A ``quiet`` parameter is an opt-in (a truncated product):
    labels, report names and C function names name it only off its default, so that they and
    report keys stay as they were without it, and ``mitchell pick`` searches it only when
    ``--param`` gives its values.
    """

    name: str
    default: Callable[[int], object]
    check: Callable[..., object]
    help: str
    choices: tuple[str, ...] = ()
    output: bool = True
    quiet: bool = False

    @property
    def always_named(self) -> bool:
        """Whether labels name this parameter at its default too."""
        return self.output and not self.quiet

    def resolve(self, value, *, width: int):
        """``value`` checked, or the default for ``width`` when it is ``None``."""
        return self.default(width) if value is None else self.check(value, width=width)

    def parse(self, text: str):
        """A value from command-line text: a choice, or a decimal integer in ASCII digits."""
        if self.choices:
            return text
        digits = text[1:] if text[:1] == "-" else text
        if not (digits.isascii() and digits.isdigit()):
            raise ValueError(f"Parameter {self.name} must be an integer, not {text!r}")
        return int(text)
