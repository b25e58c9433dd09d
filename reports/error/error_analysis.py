"""Error metrics of a design, integer or floating-point, over exhaustive or sampled pairs."""
import multiprocessing
import os
from collections import deque
from typing import Callable, Iterable

import numpy as np

from ...rtl.params import check_int
from ...sim.design import Design
from ...sim.float_design import FloatDesign
from ...sim.foreign import is_foreign
from ...sim.pool import ProcessPool
from ...sim.vectors import BLOCK, VectorSet, exhaustive_block
from . import analytic
from . import float_metrics, kernel
from .float_metrics import FloatErrorSums
from .metrics import ErrorSums, error_sums, relative_errors

# Exhaustive by default up to 16 bits where the compiled kernel measures the design (2**32 pairs
# in 8 to 12 s of CPU for the log-domain multipliers, about half that on two idle cores), up to
# 12 bits with NumPy enumeration (1 s; 16 bits takes 4 minutes), and up to 24 bits where the
# analytic method applies.
EXHAUSTIVE_DEFAULT_MAX_WIDTH = 16
ENUMERATE_DEFAULT_MAX_WIDTH = 12
EXHAUSTIVE_MAX_WIDTH = 16
DEFAULT_SAMPLES = 10_000_000
# As many pairs as enumerating 16 bits: minutes, with the progress bar's estimate.
MAX_SAMPLES = 1 << 32
METHODS = ("auto", "kernel", "analytic", "enumerate")
# Floating-point designs: fp8 (65,536 pairs) through NumPy enumeration by default (half an hour
# at 16 bits), every 16-bit format through the kernel (2**32 pairs in seconds); "auto" is the
# kernel, which covers every floating-point design, and the analytic method is Mitchell's on
# integers.
FLOAT_ENUMERATE_DEFAULT_MAX_WIDTH = 8
FLOAT_METHODS = ("auto", "kernel", "enumerate")


def products(design: Design, a, b) -> tuple:
    """The exact and the approximate products (P, P') of operand bit patterns ``a``, ``b``, as
    numbers (signed values when the design is signed): what every error figure is computed from."""
    return design.exact_values(a, b), design.output_values(design.golden(a, b))


def pair_sums(design: Design, a, b) -> ErrorSums:
    """Error sums of ``design`` against its exact baseline over the operand bit patterns ``a``,
    ``b`` whose result is defined (every pair for a multiplier, ``b != 0`` for a divider)."""
    defined = design.defined(a, b)
    if not defined.all():
        a, b = a[defined], b[defined]
    return error_sums(*products(design, a, b))


def relative_error(design: Design, a, b):
    """The signed relative error (P' - P) / P of ``design`` for each pair of operand bit patterns
    ``a``, ``b``, NaN where P = 0 or the result is undefined: the values behind MRED, WCRE and
    bias, for the plots."""
    return np.where(design.defined(a, b), relative_errors(*products(design, a, b)), np.nan)


def _chunk_sums(design: Design, start: int, stop: int) -> ErrorSums:
    return pair_sums(design, *exhaustive_block(design.width, start, stop))


def _parallel(jobs: Iterable[tuple], count: int, function,
              progress: Callable[[float], None] | None) -> ErrorSums:
    """The sum of ``function(*job)`` over ``count`` jobs, on one process per core (in
    this process when it is daemonic).

    Jobs are drawn lazily and at most two per worker wait at a time, so memory stays bounded;
    results are added in job order, so the floating-point sums do not depend on timing.
    """
    total = ErrorSums()
    done = 0

    def add(sums: ErrorSums) -> None:
        nonlocal total, done
        total = total + sums
        done += 1
        if progress:
            progress(done / count)

    workers = min(count, os.cpu_count() or 1)
    # A daemonic process (a Dask worker as `dask worker` starts it) may not start processes:
    # it sums the blocks itself, its cluster running the jobs side by side.
    if workers <= 1 or multiprocessing.current_process().daemon:
        for job in jobs:
            add(function(*job))
        return total
    with ProcessPool(max_workers=workers) as pool:
        pending: deque = deque()
        for job in jobs:
            pending.append(pool.submit(function, *job))
            if len(pending) >= 2 * workers:
                add(pending.popleft().result())
        while pending:
            add(pending.popleft().result())
    return total


def check_samples(samples) -> int:
    return check_int(samples, name="Samples", minimum=1, maximum=MAX_SAMPLES)


def analytic_applies(design: Design) -> bool:
    return (design.variant == "mitchell" and not design.signed and design.dropped_bits == 0
            and design.frac_bits == design.width - 1 and design.width <= analytic.MAX_WIDTH)


def _default_exhaustive(design: Design, method: str) -> bool:
    """Whether the default input set is exhaustive: where it is cheap for the method."""
    if method in ("auto", "analytic") and analytic_applies(design):
        return True
    if method in ("auto", "kernel") and kernel.applies(design):
        return design.width <= EXHAUSTIVE_DEFAULT_MAX_WIDTH
    return design.width <= ENUMERATE_DEFAULT_MAX_WIDTH


def measure(design: Design | FloatDesign, *, exhaustive: bool | None = None,
            samples: int | None = None, seed: int = 1, method: str = "auto",
            progress: Callable[[float], None] | None = None) -> dict:
    """Metrics of ``design`` against its exact baseline, with ``method`` saying how they were
    computed and ``kernel`` which compiled kernel did it (else ``None``): those of
    :mod:`mitchell.reports.error.metrics` for an integer design, those of
    :mod:`mitchell.reports.error.float_metrics` for a floating-point one (over the pairs whose
    results are normal, with the class mismatches besides).

    ``exhaustive=None`` means exhaustive where it is cheap (up to 16 bits through the compiled
    kernel, 12 through NumPy enumeration, 24 where the analytic method applies) and ``samples``
    random pairs elsewhere. Exhaustive sets above 16 bits are possible only where the analytic
    method applies (plain Mitchell, all fraction bits, up to 24 bits). ``method`` picks the
    analytic method, the compiled kernel (:mod:`.kernel`, up to 32 bits) or NumPy enumeration
    of the golden model; ``auto`` takes the analytic one where it applies, else the kernel, else
    enumeration (with a ``note`` saying why). The kernel draws its random pairs from its own
    generator (``sampler``), so its sampled figures differ from enumeration's within their
    confidence intervals.
    """
    if design.format != "int":
        return _measure_float(design, exhaustive=exhaustive, samples=samples, seed=seed,
                              method=method, progress=progress)
    if method not in METHODS:
        raise ValueError(f"Method must be one of {', '.join(METHODS)}, not {method!r}")
    analytic_ok = analytic_applies(design)
    if method == "kernel" and not kernel.applies(design):
        raise ValueError(f"{kernel.refusal(design)}; use the enumerate method")
    if exhaustive is None:
        exhaustive = samples is None and _default_exhaustive(design, method)
    chosen = method
    # A foreign design's gate kernel takes exhaustive sets only.
    kernel_ok = kernel.applies(design) and (exhaustive or not is_foreign(design))
    if method == "auto":
        chosen = "analytic" if exhaustive and analytic_ok else \
            "kernel" if kernel_ok else "enumerate"
    if exhaustive and samples is not None:
        raise ValueError("Choose either an exhaustive set or samples, not both")
    if chosen == "analytic" and not (analytic_ok and exhaustive):
        raise ValueError("The analytic method covers exhaustive sets of plain Mitchell "
                         f"(all fraction bits, widths up to {analytic.MAX_WIDTH}) only")
    if exhaustive:
        if design.width > EXHAUSTIVE_MAX_WIDTH and not analytic_ok:
            raise ValueError(
                f"Exhaustive metrics are limited to widths up to {EXHAUSTIVE_MAX_WIDTH} "
                f"(up to {analytic.MAX_WIDTH} for plain Mitchell, computed analytically), not "
                f"{design.width}; use random samples")
        if chosen == "analytic":
            sums = analytic.mitchell_error_sums(design.width, progress=progress)
        elif design.width > EXHAUSTIVE_MAX_WIDTH:
            raise ValueError(f"Exhaustive sets through method {chosen!r} are limited to widths "
                             f"up to {EXHAUSTIVE_MAX_WIDTH}, not {design.width}")
        elif chosen == "kernel":
            sums = kernel.exhaustive_sums(design, progress=progress)
        else:
            total = 1 << (2 * design.width)
            step = min(BLOCK * 4, total)
            jobs = ((design, start, min(start + step, total)) for start in range(0, total, step))
            sums = _parallel(jobs, -(-total // step), _chunk_sums, progress)
        result = sums.metrics(normaliser=design.output_range, exhaustive=True, seed=None)
    else:
        count = DEFAULT_SAMPLES if samples is None else check_samples(samples)
        if chosen == "kernel":
            sums = kernel.sampled_sums(design, count, seed, progress=progress)
        else:
            vectors = VectorSet(f"random:{count}", design.width, seed)
            jobs = ((design, a, b) for a, b in vectors.chunks())
            sums = _parallel(jobs, -(-count // BLOCK), pair_sums, progress)
        result = sums.metrics(normaliser=design.output_range, exhaustive=False, seed=seed)
    result["method"] = chosen
    result["kernel"] = kernel.describe(design) if chosen == "kernel" else None
    if not exhaustive:
        result["sampler"] = kernel.SAMPLER if chosen == "kernel" else "numpy-pcg64"
    if method == "auto" and chosen == "enumerate":
        reason = kernel.refusal(design) or "the gate kernel takes exhaustive sets only"
        result["note"] = f"NumPy enumeration: {reason}"
    return result


def _measure_float(design: FloatDesign, *, exhaustive: bool | None, samples: int | None,
                   seed: int, method: str, progress: Callable[[float], None] | None) -> dict:
    """:func:`measure` for a floating-point design: the metrics of :mod:`.float_metrics`.

    ``method`` ``auto`` or ``kernel`` takes the compiled kernel (every format: its twins of the
    golden models of :mod:`mitchell.sim.float_golden`, not ``design.golden``), ``enumerate`` the
    NumPy golden model ``design.golden`` in chunks. ``exhaustive=None`` means exhaustive where it
    is cheap (formats of up to 16 bits through the kernel, 8 through enumeration)."""
    if method == "analytic":
        raise ValueError("--method analytic applies to integer designs, not with --format")
    if method not in FLOAT_METHODS:
        raise ValueError(f"Method with --format must be one of {', '.join(FLOAT_METHODS)}, "
                         f"not {method!r}")
    if exhaustive and samples is not None:
        raise ValueError("Choose either an exhaustive set or samples, not both")
    compiled = method != "enumerate"
    if exhaustive is None:
        exhaustive = samples is None and design.width <= (
            EXHAUSTIVE_DEFAULT_MAX_WIDTH if compiled else FLOAT_ENUMERATE_DEFAULT_MAX_WIDTH)
    if exhaustive:
        if design.width > EXHAUSTIVE_MAX_WIDTH:
            raise ValueError(f"Exhaustive floating-point metrics are limited to formats of up "
                             f"to {EXHAUSTIVE_MAX_WIDTH} bits, not {design.format}; use random "
                             f"samples")
        if compiled:
            sums = kernel.float_exhaustive_sums(design, progress=progress)
        else:
            sums = FloatErrorSums()
            total = 1 << (2 * design.width)
            step = min(BLOCK * 4, total)
            for start in range(0, total, step):
                sums = sums + float_metrics.pair_sums(design, *exhaustive_block(design.width, start,
                                                                  min(start + step, total)))
                if progress:
                    progress(min(start + step, total) / total)
        result = sums.metrics(exhaustive=True, seed=None)
    else:
        count = DEFAULT_SAMPLES if samples is None else samples
        if compiled:
            sums = kernel.float_sampled_sums(design, count, seed, progress=progress)
        else:
            sums = FloatErrorSums()
            done = 0
            for a, b in VectorSet(f"random:{count}", design.width, seed, design.format).chunks():
                sums = sums + float_metrics.pair_sums(design, a, b)
                done += len(a)
                if progress:
                    progress(done / count)
        result = sums.metrics(exhaustive=False, seed=seed)
    result["method"] = "kernel" if compiled else "enumerate"
    result["kernel"] = kernel.describe(design) if compiled else None
    if not exhaustive:
        result["sampler"] = kernel.SAMPLER if compiled else "numpy-pcg64"
    return result
