"""Formal proofs: SAT equivalence of the RTL against behavioural references.

``mitchell prove`` (:mod:`mitchell.reports.proofs.prove`) checks every input pair, at any width,
where simulation checks every pair only up to 16 bits. Each design of the catalogue has a
behavioural module in ``sim/hdl/reference.v`` (:mod:`mitchell.sim.reference`), written from its
definition and independent of the Amaranth code: Mitchell in the integer form
``s = r1*2^k2 + r2*2^k1``, ``P' = 2^(k1+k2) + s`` or ``2s``, with the residue form as a second
reference proved equal to it; the others from the formulas of their papers. Every datapath
architecture is proved against the same reference; ``--netlist`` proves the RTL equal to its own
netlist from the generic synthesis flow; ``--timeout SECONDS`` (default 600) stops a proof that
finds neither a proof nor a counterexample, exit status 3.

Time to prove, ``python tests/benchmarks/bench_prove.py`` (seconds, median of 3 on 2 shared cores,
combinational unless noted; the figures vary by a factor of two from run to run):

| design | 8 bits | 16 bits | 32 bits |
|---|---|---|---|
| mitchell | 5.6 | 12.4 | 207.5 |
| mitchell, 2 stages | 7.3 | 21.9 | no end in 300 s |
| mitch-w (w=8) | 4.2 | 4.6 | 3.2 |
| mbm | 5.5 | 5.5 | 5.6 |
| ilm (1 correction) | 6.4 | 7.0 | 7.1 |
| alm-soa | 4.3 | 2.6 | 4.0 |
| nearest-one | 7.6 | 2.7 | 10.5 |
| mitchell-div | 7.4 | 8.8 | 244.7 |
| exact-yosys (``a * b``) | 1.2 | 2.0 | 4.3 |
| exact (Dadda tree) | 81 (once) | not run | no end in 300 s |
| exact-div | 18.1 | no end in 300 s | no end in 300 s |

Why some do not close: proving two different multiplier (or divider) structures equal is the
classic hard case for SAT, since no internal node of one matches a node of the other and SAT
sweeping merges nothing; ``exact`` and ``exact-div`` are checked by simulation instead
(exhaustive to 16 bits). ``exact-yosys`` is the reference's own ``*``, merged before the solver
runs, so its proof says little beyond the Verilog export. A pipelined design's registers sit at
other cuts than the reference's single delay line, so the nodes of one cycle have no twin in the
same cycle of the reference: its proof takes longer than the combinational one.
"""
