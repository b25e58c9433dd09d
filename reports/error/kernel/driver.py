"""The Python side of the kernel: which designs it takes, their arguments, the loops called in
pieces (so that the progress bar moves and Ctrl-C is seen between them), and the rows added up
exactly into the sums of :mod:`..metrics` and :mod:`..float_metrics`."""
import math
from typing import Callable

import numba
import numpy as np

from ....sim.design import Design
from ....sim.float_design import FloatDesign
from ....sim.foreign import ForeignDesign
from ..float_metrics import FloatErrorSums, inside_bounds
from ..metrics import ErrorSums
from .accumulate import (CHUNK, FLOAT_FIELDS, FLOAT_FLOAT_FIELDS, FLOAT_INT_FIELDS, INT_FIELDS,
                         entry_points, float_entry_points, mix)
from . import gates
from .compiled import U
from .floats import FLOAT_KERNELS, float_constants
from .integer import KERNELS

MAX_WIDTH = 32
MAX_EXHAUSTIVE_WIDTH = 16
# The random pairs of sampled sets, named in the JSON.
SAMPLER = "splitmix64"


def refusal(design: Design) -> str | None:
    """Why the kernel cannot measure ``design``, or None: it takes every catalogue design up to
    32 bits except a signed one whose result can wrap; foreign designs as :mod:`.gates` says."""
    if isinstance(design, ForeignDesign):
        return gates.refusal(design)
    if design.width > MAX_WIDTH:
        return (f"The compiled kernel covers widths up to {MAX_WIDTH} (numba has no 128-bit "
                f"integers), not {design.width}")
    if _wraps(design):
        return (f"The compiled kernel counts signed pairs by magnitude, and {design.label} wraps "
                f"(-2**{design.width - 1})**2 past the signed product's range")
    return None


def applies(design: Design) -> bool:
    return refusal(design) is None


def _wraps(design: Design) -> bool:
    """Whether a signed result leaves the range of the signed product. Only the square of the
    most negative operand can (every other magnitude pair stays below a quarter of the range),
    and only in a design that doubles it: Mitch-w at w=2 reads a power of two as 1.1b times it,
    and 0.5 + 0.5 in the log domain doubles the square, which the two's-complement output reads
    as negative."""
    if not design.signed:
        return False
    most_negative = np.array([1 << (design.width - 1)], dtype=np.uint64)
    return bool(design.output_values(design.golden(most_negative, most_negative))[0] < 0)


def describe(design: Design | FloatDesign) -> str:
    """Which kernel measures ``design``, for the JSON."""
    if isinstance(design, ForeignDesign):
        return gates.describe()
    function = FLOAT_KERNELS[design.entry.name] if isinstance(design, FloatDesign) else \
        KERNELS[design.variant].product
    return f"mitchell.reports.error.kernel:{function.__name__} (numba {numba.__version__})"


def kernel_params(design: Design) -> tuple[int, ...]:
    """The ``params`` of :class:`~.integer.Kernel`'s product for ``design``."""
    entry = design.entry
    values = [design.frac_bits] if entry.frac_bits is not None else []
    options = design.options
    tables = KERNELS[design.variant].tables
    return tuple(values + [options[p.name] for p in entry.parameters if p.output]
                 + ([np.array(tables(design), dtype=np.uint64)] if tables is not None else []))


def _arguments(design: Design) -> tuple:
    baseline = design.baseline
    return (np.uint64(design.width), kernel_params(design), kernel_params(baseline))


def _first_b(design: Design) -> int:
    """The smallest ``b`` with a defined result: 1 when ``b = 0`` is undefined (a divider)."""
    one, zero = np.ones(1, dtype=np.uint64), np.zeros(1, dtype=np.uint64)
    return 0 if design.defined(one, zero)[0] else 1


def _pieces(total: int) -> list[tuple[int, int]]:
    """About 64 calls' worth of rows, each a multiple of the thread count (numba splits a call's
    rows evenly between its threads)."""
    threads = numba.get_num_threads()
    step = threads * max(1, -(-total // (64 * threads)))
    return [(start, min(start + step, total)) for start in range(0, total, step)]


def _rows(loop, arguments: tuple, rows: int, int_names: tuple, float_names: tuple,
          progress: Callable[[float], None] | None) -> tuple[dict, dict]:
    """Call ``loop(*arguments, start, stop, int_rows, float_rows)`` over ``rows`` rows in pieces
    (so that the progress bar moves and Ctrl-C is seen between them); each field's per-row sums
    as a list of Python numbers, by name."""
    int_rows = np.zeros((rows, len(int_names)), dtype=np.uint64)
    float_rows = np.zeros((rows, len(float_names)), dtype=np.float64)
    for start, stop in _pieces(rows):
        loop(*arguments, start, stop, int_rows[start:stop], float_rows[start:stop])
        if progress is not None:
            progress(stop / rows)
    return ({name: int_rows[:, index].tolist() for index, name in enumerate(int_names)},
            {name: float_rows[:, index].tolist() for index, name in enumerate(float_names)})


def _run(loop, arguments: tuple, rows: int,
         progress: Callable[[float], None] | None) -> ErrorSums:
    """The rows of an integer design's loop added up exactly."""
    ints, floats = _rows(loop, arguments, rows, INT_FIELDS, FLOAT_FIELDS, progress)
    up = (sum(ints["up_high"]) << 32) + sum(ints["up_low"])
    down = (sum(ints["down_high"]) << 32) + sum(ints["down_low"])
    sum_sq_red = math.fsum(floats["sum_sq_red"])
    return ErrorSums(
        pairs=sum(ints["pairs"]), nonzero=sum(ints["nonzero"]), errors=sum(ints["errors"]),
        over=sum(ints["over"]), sum_ed=float(up + down), sum_signed=float(up - down),
        sum_sq_ed=math.fsum(floats["sum_sq_ed"]), max_ed=max(ints["max_ed"], default=0),
        sum_red=math.fsum(floats["red_grown"] + floats["red_shrunk"]),
        sum_signed_red=math.fsum(floats["red_grown"] + [-value for value in floats["red_shrunk"]]),
        sum_sq_red=sum_sq_red, sum_sq_signed_red=sum_sq_red,
        max_red=max(floats["max_red"], default=0.0))


def _check(design: Design, *, max_width: int) -> None:
    if design.variant not in KERNELS:
        raise ValueError(f"No compiled kernel for {design.variant!r}")
    if design.width > max_width:
        raise ValueError(f"The kernel covers widths up to {max_width} here, not {design.width}")


def exhaustive_sums(design: Design, *,
                    progress: Callable[[float], None] | None = None) -> ErrorSums:
    """Error sums of ``design`` over every pair with a defined result (widths up to 16); a
    foreign design's gates through :mod:`.gates`."""
    if isinstance(design, ForeignDesign):
        return _run(*gates.exhaustive_loop(design), progress)
    _check(design, max_width=MAX_EXHAUSTIVE_WIDTH)
    magnitudes = (1 << (design.width - 1)) + 1 if design.signed else 1 << design.width
    loop, _ = entry_points(design.variant, design.baseline.variant)
    arguments = (KERNELS[design.variant].symmetric, design.signed, np.int64(_first_b(design)),
                 np.int64(magnitudes), *_arguments(design))
    rows = (magnitudes + 1) // 2
    return _run(loop, arguments, rows, progress)


def sampled_sums(design: Design, count: int, seed: int, *,
                 progress: Callable[[float], None] | None = None) -> ErrorSums:
    """Error sums over ``count`` random pairs drawn from ``seed`` (those with a defined result
    count; widths up to 32)."""
    if isinstance(design, ForeignDesign):
        raise ValueError("The gate kernel of foreign designs measures exhaustive sets; use the "
                         "enumerate method for random pairs")
    _check(design, max_width=MAX_WIDTH)
    key = _key(count, seed)
    _, loop = entry_points(design.variant, design.baseline.variant)
    arguments = (design.signed, np.int64(_first_b(design)), *_arguments(design), key,
                 np.int64(count))
    return _run(loop, arguments, -(-count // CHUNK), progress)


def _key(count: int, seed: int) -> np.uint64:
    """The random stream of ``seed``, once ``count`` and ``seed`` are checked."""
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        raise ValueError(f"Samples must be a positive integer, not {count!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 1 << 64:
        raise ValueError(f"Seed must be an integer from 0 to 2**64 - 1, not {seed!r}")
    return np.uint64(mix(U(seed)))


# Floating-point designs: every format (at most 32 bits) and variant has a kernel.


def _float_run(design: FloatDesign, loop, arguments: tuple, rows: int,
               progress: Callable[[float], None] | None):
    """Call ``loop(constants, low, high, *arguments, start, stop, int_rows, float_rows)`` over
    ``rows`` rows, and add the rows up exactly into a ``FloatErrorSums``."""
    low, high = inside_bounds(design.fmt)
    ints, floats = _rows(loop, (float_constants(design.fmt), low, high, *arguments), rows,
                         FLOAT_INT_FIELDS, FLOAT_FLOAT_FIELDS, progress)
    squares = math.fsum(floats["sum_sq_red"])
    return FloatErrorSums(
        **{name: sum(values) for name, values in ints.items()},
        sum_red=math.fsum(floats["sum_red"]), sum_sq_red=squares,
        sum_signed_red=math.fsum(floats["sum_signed_red"]), sum_sq_signed_red=squares,
        max_red=max(floats["max_red"], default=0.0))


def float_exhaustive_sums(design: FloatDesign, *,
                          progress: Callable[[float], None] | None = None):
    """The :class:`~..float_metrics.FloatErrorSums` of ``design`` over every pair of bit patterns
    (formats of up to 16 bits)."""
    if design.width > MAX_EXHAUSTIVE_WIDTH:
        raise ValueError(f"The kernel's exhaustive sets cover formats of up to "
                         f"{MAX_EXHAUSTIVE_WIDTH} bits, not {design.format}")
    magnitudes = 1 << (design.width - 1)
    loop, _ = float_entry_points(design.entry.name)
    return _float_run(design, loop, (np.int64(magnitudes),), magnitudes // 2, progress)


def float_sampled_sums(design: FloatDesign, count: int, seed: int, *,
                       progress: Callable[[float], None] | None = None):
    """The :class:`~..float_metrics.FloatErrorSums` of ``design`` over ``count`` random pairs of bit
    patterns drawn from ``seed`` (the integer designs' generator at the format's width)."""
    key = _key(count, seed)
    _, loop = float_entry_points(design.entry.name)
    return _float_run(design, loop, (U(design.width), key, np.int64(count)), -(-count // CHUNK),
                      progress)
