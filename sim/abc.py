"""ABC's logic-synthesis script, as every Yosys run of the project gives it to ABC.

Yosys's ``abc`` pass (0.70) runs one default script whether it maps to Yosys's own gates, to a
gate list (``-g``) or to a Liberty file (without ``-constr``)::

    strash; &get -n; &fraig -x; &put; scorr; dc2; dretime; strash; &get -n; &dch -f; &nf; &put

The project runs that script (:data:`SCRIPT`) with one change: SAT sweeping (``&fraig -x``) gives
up on a candidate pair of nodes after :data:`FRAIG_CONFLICTS` conflicts, where ABC's default is
1,000,000. A multiplier with a parallel-prefix adder is full of node pairs that random simulation
cannot tell apart (the group propagate of a long span is 0 for almost every operand pair) and
that the SAT solver cannot tell apart quickly either. On the exact 32-bit multiplier with a
Kogge-Stone adder, Yosys's ``abc -g cmos2`` was stopped after 17 minutes (a standard-cell mapping
after 30), still sweeping; with limits of 1,000 and 10,000 conflicts the sweep merged no node at
all, in 4 and 33 s (Debian's ABC). With the limit, ``synth`` and the standard-cell mapping of
that design take 6 s together. Every netlist compared came out byte-identical with and without
the limit, in the generic and the standard-cell flows: Mitchell's multiplier in each architecture,
its variants and the exact multipliers at 8 and 16 bits (30 designs), and three designs at 32
(``tests/test_abc.py`` keeps two of them).

The iCE40 flow's ``abc9`` runs a script of its own, without ``&fraig``, and is left as Yosys runs
it: ``synth_ice40`` of that 32-bit design takes 10 minutes, most of it in ``abc9`` (its ``&dc2``
alone ran past 2).
"""

__all__ = ["FRAIG_CONFLICTS", "SCRIPT", "abc", "synth"]

#: The conflicts after which SAT sweeping gives a pair of nodes up as not equivalent.
FRAIG_CONFLICTS = 1000

#: Yosys's default ABC script with the conflict limit on SAT sweeping.
SCRIPT = (f"strash; &get -n; &fraig -x -C {FRAIG_CONFLICTS}; &put; scorr; dc2; dretime; strash; "
          f"&get -n; &dch -f; &nf; &put")


def abc(options: str = "", *, script: str = SCRIPT) -> str:
    """Yosys's ``abc`` command with ``options`` (``-g cmos2``, ``-liberty cells.lib``), running
    ``script`` (ABC commands separated by ``;``; by default :data:`SCRIPT`), given inline: Yosys
    reads commas as spaces after ``+``."""
    command = f"abc {options}" if options else "abc"
    return f"{command} -script +{script.replace(' ', ',')}"


def synth(top: str) -> str:
    """``synth -flatten -top top`` with :data:`SCRIPT` in place of ABC's default: Yosys's
    ``synth`` ends with ``abc`` and ``opt -fast``, run here after it."""
    return f"synth -flatten -noabc -top {top}; {abc()}; opt -fast"
