"""Deliberately wrong gate kernels: the read-back checks of tests/test_foreign.py must catch them.

Run as ``python -m tests.foreign_mutants NAME FOLDER`` with ``NUMBA_CACHE_DIR`` pointing at a
scratch folder (the mutant replaces a function of :mod:`mitchell.reports.error.kernel.gates`
before the loop that calls it is compiled, and that compiled code must not reach the package's
cache). Prints, as the last line, which checks found a difference.
"""
import sys
from pathlib import Path

from numba import njit

from mitchell.reports.error.kernel import gates
from mitchell.reports.error.kernel.compiled import JIT, LOOP, ONE, U, ZERO
from mitchell.sim.design import Design

original_gates = gates._gates


@njit(**LOOP)
def xor_as_or(ops, in0, in1, in2, first_gate, values, words):
    """The gate loop with every XOR computed as an OR."""
    for gate in range(len(ops)):
        if ops[gate] == 6:
            for j in range(words):
                values[first_gate + gate, j] = values[in0[gate], j] | values[in1[gate], j]
        else:
            original_gates(ops[gate:gate + 1], in0[gate:gate + 1], in1[gate:gate + 1],
                           in2[gate:gate + 1], first_gate + gate, values, words)


@njit(**JIT)
def top_bit_dropped(values, outputs, j, products):
    """The products without their most significant bit."""
    for lane in range(64):
        products[lane] = ZERO
    for k in range(len(outputs) - 1):
        plane = values[outputs[k], j]
        for lane in range(64):
            products[lane] |= ((plane >> U(lane)) & ONE) << U(k)


def main(name: str, folder: str) -> None:
    from .test_foreign import _exhaustive_check, read_back

    if name == "xor-as-or":
        gates._gates = xor_as_or
    else:
        gates._products = top_bit_dropped
    found = {}
    for variant in ("exact", "mitchell"):
        design = Design(variant=variant, width=8)
        found[f"{variant} 8 bits"] = _exhaustive_check(read_back(design, Path(folder)),
                                                       design)["sums"]
    print(repr(found))


if __name__ == "__main__":
    main(*sys.argv[1:])
