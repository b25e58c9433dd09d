"""ABC's logic-synthesis script, as every Yosys run of the project gives it to ABC.

Yosys's ``abc`` pass (0.70) runs one default script whether it maps to Yosys's own gates, to a
gate list (``-g``) or to a Liberty file (without ``-constr``)::

    strash; &get -n; &fraig -x; &put; scorr; dc2; dretime; strash; &get -n; &dch -f; &nf; &put

The project runs that script (:data:`SCRIPT`) with one change: SAT sweeping (``&fraig -x``) gives
up on a candidate pair of nodes after :data:`FRAIG_CONFLICTS` conflicts, where ABC's default is
1,000,000. A multiplier with a parallel-prefix adder is full of node pairs that random simulation
cannot tell apart (the group propagate of a long span is 0 for almost every operand pair) and
that the SAT solver cannot tell apart quickly either: on the exact 32-bit multiplier with a
Kogge-Stone adder, ``synth`` alone ran for more than 30 minutes and merged nothing; with the limit
``synth`` and the standard-cell mapping together take 6 s. The netlists of every catalogue
design we compared (each architecture of Mitchell's multiplier, its variants and the exact
multipliers, at 8 and 16 bits, and three designs at 32) came out byte-identical with and without
the limit, in the generic and the standard-cell flows (``tests/test_abc.py`` keeps one of them).
"""

__all__ = ["FRAIG_CONFLICTS", "SCRIPT", "abc", "synth"]

#: The conflicts after which SAT sweeping gives a pair of nodes up as not equivalent.
FRAIG_CONFLICTS = 1000

#: Yosys's default ABC script with the conflict limit on SAT sweeping.
SCRIPT = (f"strash; &get -n; &fraig -x -C {FRAIG_CONFLICTS}; &put; scorr; dc2; dretime; strash; "
          f"&get -n; &dch -f; &nf; &put")


def abc(options: str = "") -> str:
    """Yosys's ``abc`` command with ``options`` (``-g cmos2``, ``-liberty cells.lib``), running
    :data:`SCRIPT` (given inline: Yosys reads commas as spaces after ``+``)."""
    return f"abc {options} -script +{SCRIPT.replace(' ', ',')}".replace("  ", " ")


def synth(top: str) -> str:
    """``synth -flatten -top top`` with :data:`SCRIPT` in place of ABC's default: Yosys's
    ``synth`` ends with ``abc`` and ``opt -fast``, run here after it."""
    return f"synth -flatten -noabc -top {top}; {abc()}; opt -fast"
