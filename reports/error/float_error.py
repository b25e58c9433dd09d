"""Error metrics of a floating-point design, through the compiled kernel or NumPy enumeration
(the metrics are defined in :mod:`.float_metrics`)."""
from ...sim.float_design import FloatDesign
from ...sim.vectors import BLOCK, VectorSet, exhaustive_block
from . import kernel
from .float_metrics import FloatErrorSums, pair_sums

DEFAULT_SAMPLES = 10_000_000
# Exhaustive by default up to these widths: every 16-bit format through the compiled kernel
# (2**32 pairs in seconds), fp8 (65,536 pairs) through NumPy enumeration (half an hour at 16 bits).
EXHAUSTIVE_DEFAULT_MAX_WIDTH = 16
ENUMERATE_DEFAULT_MAX_WIDTH = 8
EXHAUSTIVE_MAX_WIDTH = 16
# How the sums are computed: "auto" is the kernel (it covers every floating-point design).
METHODS = ("auto", "kernel", "enumerate")


def check_float_exhaustive(design: FloatDesign) -> None:
    if design.width > EXHAUSTIVE_MAX_WIDTH:
        raise ValueError(f"Exhaustive floating-point metrics are limited to formats of up to "
                         f"{EXHAUSTIVE_MAX_WIDTH} bits, not {design.format}; use random samples")


def measure_float(design: FloatDesign, *, exhaustive: bool | None = None,
                  samples: int | None = None, seed: int = 1, method: str = "auto",
                  progress=None) -> dict:
    """Metrics of ``design`` against its exact baseline, with ``method`` saying how they were
    computed and ``kernel`` which compiled kernel did it (else ``None``).

    ``method`` ``auto`` or ``kernel`` takes the compiled kernel (:mod:`.kernel`, every format:
    its twins of the golden models of :mod:`mitchell.sim.float_golden`, not ``design.golden``),
    ``enumerate`` the NumPy golden model ``design.golden`` in chunks. ``exhaustive=None`` means exhaustive where it
    is cheap (formats of up to 16 bits through the kernel, 8 through enumeration), else
    ``samples`` (default 10,000,000) random pairs. The kernel draws its random pairs from its
    own generator (``sampler``), so its sampled figures differ from enumeration's within their
    confidence intervals."""
    if method not in METHODS:
        raise ValueError(f"Method with --format must be one of {', '.join(METHODS)}, "
                         f"not {method!r}")
    if exhaustive and samples is not None:
        raise ValueError("Choose either an exhaustive set or samples, not both")
    compiled = method != "enumerate"
    if exhaustive is None:
        exhaustive = samples is None and design.width <= (
            EXHAUSTIVE_DEFAULT_MAX_WIDTH if compiled else ENUMERATE_DEFAULT_MAX_WIDTH)
    if exhaustive:
        check_float_exhaustive(design)
        if compiled:
            sums = kernel.float_exhaustive_sums(design, progress=progress)
        else:
            sums = FloatErrorSums()
            total = 1 << (2 * design.width)
            step = min(BLOCK * 4, total)
            for start in range(0, total, step):
                sums = sums + pair_sums(design, *exhaustive_block(design.width, start,
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
                sums = sums + pair_sums(design, a, b)
                done += len(a)
                if progress:
                    progress(done / count)
        result = sums.metrics(exhaustive=False, seed=seed)
    result["method"] = "kernel" if compiled else "enumerate"
    result["kernel"] = kernel.describe(design) if compiled else None
    if not exhaustive:
        result["sampler"] = kernel.SAMPLER if compiled else "numpy-pcg64"
    return result
