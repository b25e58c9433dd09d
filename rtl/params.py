"""Up-front validation of the parameters shared by every component."""

MIN_WIDTH = 2
MAX_WIDTH = 64
# Deeper pipelines only add product registers (and elaboration time); this keeps a typo such as
# 99999999999 from elaborating for ever.
MAX_STAGES = 64


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
