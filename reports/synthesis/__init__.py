"""Synthesis flows: Yosys generic and iCE40, the standard-cell flow, Liberty files.

``--flow`` (in ``area``, ``report`` and ``sweep``) picks ``generic`` (the default,
:mod:`mitchell.reports.synthesis.yosys`: Yosys transistors and depth, iCE40 LUT4 and nextpnr
Fmax), ``asic`` (:mod:`mitchell.reports.synthesis.asic`: OSU 0.18 um standard cells, OpenSTA
delay and power; needs ``apt-get install -y opensta qflow-tech-osu018``,
``MITCHELL_LIBERTY=path/cells.lib`` swaps in another library) or ``all``. Results are cached by
design hash under ``~/.cache/mitchell`` (``MITCHELL_CACHE_DIR`` moves it); a malformed entry is
recomputed, and a failing tool run is an error quoting the tool, never a zero. Every comparison
is between a design and its exact baseline at the same width, stages and signedness, through the
same flow (:mod:`mitchell.reports.render.comparison`).

``--retime`` runs ABC's register retiming (``abc -dff -D 1``) in the iCE40 flow before flip-flops
are mapped, on every design and its baseline alike (Yosys 0.70 accepts ``synth_ice40 -retime``
and ignores it). Flip-flops with a reset become plain ones and logic first, and the registers
around the Fmax wrapper move too, so an unpipelined design then counts as one with a register
before and after it; the generic flow is untouched.

Measured with ``mitchell area --width W`` (nextpnr seed 1, unpipelined; ratios against ``exact``):

| design | cells | transistors | depth | iCE40 LUT4 | Fmax MHz | transistors vs exact | LUT4 vs exact |
|---|---|---|---|---|---|---|---|
| mitchell 8b | 472 | 1,780 | 33 | 110 | 85.7 | 0.65 | 0.83 |
| exact 8b | 741 | 2,732 | 32 | 132 | 111.9 | 1 | 1 |
| mitchell 16b | 1,060 | 4,010 | 59 | 294 | 68.6 | 0.33 | 0.49 |
| exact 16b | 3,300 | 12,140 | 62 | 602 | 69.9 | 1 | 1 |
| exact-yosys 16b | 3,441 | 12,630 | 71 | 683 | 74.6 | 1.04 | 1.13 |
| mitchell 32b | 2,780 | 10,710 | 96 | 681 | 44.8 | 0.21 | 0.26 |
| exact 32b | 14,051 | 51,916 | 112 | 2,578 | 48.2 | 1 | 1 |

Mitchell's area grows about as n log n and the exact multiplier's as n^2; on the iCE40 the exact
multiplier's carry chains keep its Fmax at or above Mitchell's at these widths: the log datapath
saves area, not delay, there.

Standard cells, ``mitchell area --width 16 --flow asic`` (and ``--variant exact-yosys``):

| 16 bits | mitchell | exact (Dadda) | ratio | exact-yosys (``$mul``) |
|---|---|---|---|---|
| area um2 | 14,522 | 47,002 | 0.31 | 51,739 |
| cells | 455 | 1,331 | 0.34 | 1,458 |
| delay ns | 5.811 | 4.480 | 1.30 | 5.198 |
| dynamic mW | 1.857 | 5.629 | 0.33 | 6.216 |
| energy pJ/op | 18.57 | 56.29 | 0.33 | 62.17 |

With the cells' delays (the timed simulation of the same flow, every transition counted), the
energy per operation was 39.49 pJ for Mitchell's multiplier (glitch share 0.52) against 99.75
for the exact one (0.43): 0.40x, glitches doubling Mitchell's zero-delay figure (18.58 against
58.01 in that run, ``FLOW_VERSION`` 3).

Mitchell's multiplier takes 0.31x the area and 0.33x the energy per operation of the exact one,
but its serial datapath (detector, encoder, shifter, adder, antilogarithm shifter) is 30 % slower
than the Dadda tree. ``python tests/benchmarks/bench_asic.py`` measures these ratios at 16 and
32 bits with logic depth and iCE40 Fmax.
"""
