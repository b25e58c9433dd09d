"""Deliberately wrong floating-point kernels: the cross-checks of tests/test_float_kernel.py must
catch them.

Run as ``python -m tests.float_kernel_mutants NAME`` with ``NUMBA_CACHE_DIR`` pointing at a
scratch folder (the mutant replaces part of the kernel before anything is compiled, and its
compiled code must not reach the package's cache). Prints, as the last line, which fields each
check found wrong.
"""
import sys

from numba import njit

from mitchell.reports.error import kernel
from mitchell.reports.error.kernel import floats
from mitchell.sim.float_design import FloatDesign

from .test_float_kernel import exhaustive_mismatches, sampled_mismatches

# The true guards, kept under this name before main() puts a mutant in their place.
_guarded = floats.float_guarded


@njit
def no_carry(x, y, c):
    """Float Mitchell with the carry out of the fraction sum dropped (Mitchell's second case):
    exponent fields and fractions added apart."""
    m = c.mantissa_bits
    fraction = ((x & c.mantissa_mask) + (y & c.mantissa_mask)) & c.mantissa_mask
    return (((x >> m) + (y >> m) - c.bias) << m) | fraction


@njit
def overflow_at_largest(variant, x, y, c):
    """The guards with the overflow test one pattern early: the largest finite result becomes
    infinity (NaN in E4M3)."""
    total = _guarded(variant, x, y, c)
    return c.overflow if total == c.max_finite else total


def main(name: str) -> None:
    if name == "no-carry":
        kernel.FLOAT_KERNELS["float-mitchell"] = no_carry
    elif name == "overflow-at-largest":
        # float_pair, which the loops call, looks the guards up in its own module.
        floats.float_guarded = overflow_at_largest
    else:
        raise SystemExit(f"Mutant must be no-carry or overflow-at-largest, not {name!r}")
    found = {
        "fp8-e4m3, all pairs": exhaustive_mismatches(FloatDesign("fp8-e4m3")),
        "fp8-e5m2, all pairs": exhaustive_mismatches(FloatDesign("fp8-e5m2")),
        "bf16, sampled": sampled_mismatches(FloatDesign("bf16"), 50_000, 5),
    }
    print(repr(found))


if __name__ == "__main__":
    main(sys.argv[1])
