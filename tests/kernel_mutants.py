"""Deliberately wrong compiled kernels: the cross-checks of tests/test_kernel.py must catch them.

Run as ``python -m tests.kernel_mutants NAME`` with ``NUMBA_CACHE_DIR`` pointing at a scratch
folder (the mutant replaces plain Mitchell's kernel, and its compiled code must not reach the
package's cache). Prints, as the last line, which fields each check found wrong.
"""
import sys

import numpy as np
from numba import njit

from mitchell.reports.error import kernel
from mitchell.reports.error.kernel import integer
from mitchell.sim.design import Design

from .test_kernel import exhaustive_mismatches, sampled_mismatches

ONE = np.uint64(1)


@njit
def _add_without_carry(k_a, x_a, k_b, x_b, width, params):
    """Mitchell's adder with the carry out of the fraction dropped (the x1 + x2 >= 1 case)."""
    frac_bits = np.uint64(params[0])
    return k_a + k_b, (x_a + x_b) & ((ONE << frac_bits) - ONE)


@njit
def no_carry(a, b, width, params):
    frac_bits = np.uint64(params[0])
    return integer._log_product(a, b, width, frac_bits, frac_bits, _add_without_carry, params)


@njit
def top_bits(a, b, width, params):
    """Mitchell's product kept in 40 bits, as through too narrow a register: wrong only where
    products reach 2**40."""
    return integer.mitchell(a, b, width, params) & ((ONE << np.uint64(40)) - ONE)


MUTANTS = {"no-carry": no_carry, "top-bits": top_bits}


def main(name: str) -> None:
    kernel.KERNELS["mitchell"] = kernel.Kernel(MUTANTS[name], symmetric=True)
    found = {
        "8 bits, all pairs": exhaustive_mismatches(Design(width=8)),
        "16 bits, sampled": sampled_mismatches(Design(width=16), 50_000, 5),
        "32 bits, sampled": sampled_mismatches(Design(width=32), 50_000, 5),
    }
    print(repr(found))


if __name__ == "__main__":
    main(sys.argv[1])
