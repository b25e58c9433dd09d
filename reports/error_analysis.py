"""Error metrics of a design over an exhaustive or sampled set of pairs."""
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

from ..sim.design import Design
from ..sim.vectors import BLOCK, VectorSet, exhaustive_block
from . import analytic
from .metrics import ErrorSums, error_sums

EXHAUSTIVE_DEFAULT_MAX_WIDTH = 12
EXHAUSTIVE_MAX_WIDTH = 16
DEFAULT_SAMPLES = 10_000_000
METHODS = ("auto", "analytic", "enumerate")


def pair_sums(design: Design, a, b) -> ErrorSums:
    """Error sums of ``design`` over operand bit patterns ``a``, ``b`` (signed values when signed)."""
    return error_sums(design.exact_values(a, b), design.product_values(design.golden(a, b)))


def _chunk_sums(design: Design, start: int, stop: int) -> ErrorSums:
    return pair_sums(design, *exhaustive_block(design.width, start, stop))


def _sample_sums(design: Design, vectors: VectorSet, index: int) -> ErrorSums:
    # Each worker regenerates the sequence up to its own block: cheap next to the golden model.
    for position, (a, b) in enumerate(vectors.chunks()):
        if position == index:
            return pair_sums(design, a, b)
    raise IndexError(index)


def _parallel(jobs: list[tuple], function, progress: Callable[[float], None] | None) -> ErrorSums:
    total = ErrorSums()
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers <= 1:
        for done, job in enumerate(jobs, 1):
            total = total + function(*job)
            if progress:
                progress(done / len(jobs))
        return total
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(function, *job) for job in jobs]
        for done, future in enumerate(futures, 1):
            total = total + future.result()
            if progress:
                progress(done / len(jobs))
    return total


def analytic_applies(design: Design) -> bool:
    return (design.variant == "mitchell" and not design.signed
            and design.frac_bits == design.width - 1 and design.width <= analytic.MAX_WIDTH)


def measure(design: Design, *, exhaustive: bool | None = None, samples: int | None = None,
            seed: int = 1, method: str = "auto",
            progress: Callable[[float], None] | None = None) -> dict:
    """Metrics of ``design`` (see :mod:`mitchell.reports.metrics`).

    ``exhaustive=None`` means exhaustive up to 12 bits and ``samples`` random pairs above.
    Exhaustive sets above 16 bits are possible only where the analytic method applies (plain
    Mitchell, all fraction bits, up to 24 bits). ``method`` picks the analytic method or plain
    enumeration; ``auto`` takes the analytic one where it applies.
    """
    if method not in METHODS:
        raise ValueError(f"Method must be one of {', '.join(METHODS)}, not {method!r}")
    if exhaustive is None:
        exhaustive = samples is None and design.width <= EXHAUSTIVE_DEFAULT_MAX_WIDTH
    if exhaustive and samples is not None:
        raise ValueError("Choose either an exhaustive set or --samples, not both")
    analytic_ok = analytic_applies(design)
    if method == "analytic" and not (analytic_ok and exhaustive):
        raise ValueError("The analytic method covers exhaustive sets of plain Mitchell "
                         f"(all fraction bits, widths up to {analytic.MAX_WIDTH}) only")
    if exhaustive:
        if design.width > EXHAUSTIVE_MAX_WIDTH and not analytic_ok:
            raise ValueError(
                f"Exhaustive metrics are limited to widths up to {EXHAUSTIVE_MAX_WIDTH} "
                f"(up to {analytic.MAX_WIDTH} for plain Mitchell, computed analytically), not "
                f"{design.width}; use --samples N")
        if analytic_ok and method != "enumerate":
            sums = analytic.mitchell_error_sums(design.width, progress=progress)
        elif design.width > EXHAUSTIVE_MAX_WIDTH:
            raise ValueError(f"Enumerating all pairs is limited to widths up to "
                             f"{EXHAUSTIVE_MAX_WIDTH}, not {design.width}")
        else:
            total = 1 << (2 * design.width)
            step = min(BLOCK * 4, total)
            jobs = [(design, start, min(start + step, total)) for start in range(0, total, step)]
            sums = _parallel(jobs, _chunk_sums, progress)
        return sums.metrics(normaliser=design.product_range, exhaustive=True, seed=None)

    count = DEFAULT_SAMPLES if samples is None else samples
    if not isinstance(count, int) or count <= 0:
        raise ValueError(f"Samples must be a positive integer, not {samples!r}")
    vectors = VectorSet(f"random:{count}", design.width, seed)
    jobs = [(design, vectors, index) for index in range(-(-count // BLOCK))]
    sums = _parallel(jobs, _sample_sums, progress)
    return sums.metrics(normaliser=design.product_range, exhaustive=False, seed=seed)
