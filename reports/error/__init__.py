"""Error metrics: the exact sums, the analytic and enumerated methods, the compiled kernel.

``mitchell error`` measures a design against the exact product with the metrics of
:mod:`mitchell.reports.error.metrics` (Liang, Han and Lombardi 2013). The input set is exhaustive
where that is cheap (every design up to 16 bits through the compiled kernel, up to 12 bits with
``--method enumerate``, plain Mitchell up to 24 bits through the analytic method), else
10,000,000 random pairs (``--samples``, ``--seed``); ``sweep`` and ``report`` follow the same
rule. Three methods compute the same sums (``--method``, default ``auto``: the first that
applies), and the JSON says which one did (``method``, ``kernel``, ``sampler``):

- ``analytic`` (:mod:`mitchell.reports.error.analytic`): plain Mitchell with all fraction bits,
  exactly, without enumeration, up to 24 bits.
- ``kernel`` (:mod:`mitchell.reports.error.kernel`): every catalogue design up to 32 bits and
  every floating-point design, in compiled numba loops over the cores.
- ``kernel`` for a foreign design (``--verilog FILE --top NAME``, :mod:`mitchell.sim.foreign`):
  its own gates, flattened by Yosys, interpreted 64 pairs per machine word
  (:mod:`mitchell.reports.error.kernel.gates`): unsigned designs, exhaustive sets up to 16 bits;
  signed ones and random pairs go through ``enumerate`` of the same netlist in NumPy.
- ``enumerate`` (:mod:`mitchell.reports.error.error_analysis`): the NumPy golden model over
  chunks of pairs, one process per core: the reference the kernel is tested against, and the
  method above 32 bits, where products pass ``2**64``.

Speed, ``python tests/benchmarks/bench_kernel.py --all`` and ``bench_error.py --full`` (median of
3, 2 cores shared with other jobs, so the CPU time of all threads is given too; the first call
of a design compiles for 6 to 9 s of one core and caches the code):

| design | set | method | seconds (CPU s) |
|---|---|---|---|
| Mitchell 16 bits | exhaustive | analytic | 0.04 |
| Mitchell 24 bits | exhaustive, 2.8e14 pairs | analytic | 5.3 |
| Mitchell 16 bits | exhaustive | kernel | 24.7 (8.3) |
| MBM 16 bits | exhaustive | kernel | 37.4 (12.2) |
| ILM 16 bits, 1 correction | exhaustive | kernel | 70.3 (23.3) |
| Mitchell divider 16 bits | exhaustive, ``b != 0`` | kernel | 79.6 (38.0) |
| Mitchell 32 bits | 10,000,000 sampled | kernel | 0.19 (0.09) |
| float Mitchell bf16 | exhaustive | kernel | 8.1 (4.1) |
| any 16-bit design | exhaustive | enumerate | about 240 |

Measured against the published figures (``mitchell error --width W --variant V``; MRED / WCRE /
bias in %, every pair at both widths):

| variant | 8 bits | 16 bits | published |
|---|---|---|---|
| mitchell | 3.788 / 11.11 / -3.788 | 3.849 / 11.11 / -3.849 | 3.76 (8 bits), 3.91 (16 bits); max 11.1 |
| mitch-w, w=8 | 3.226 / 11.11 / -3.008 | 3.863 / 12.02 / -3.837 | - |
| mbm | 2.915 / 11.11 / -0.232 | 2.869 / 11.11 / -0.162 | 3.02 (8), 2.87 (16); bias ~0 |
| ilm, 1 correction | 0.834 / 6.10 / -0.834 | 0.987 / 6.25 / -0.987 | 0.83 (8), 0.99 (16); max 6.25 |
| alm-soa, w=(n-1)//2 | 3.085 / 12.36 / -2.209 | 3.781 / 11.22 / -3.777 | - |
| nearest-one | 2.862 / 11.11 / -0.009 | 2.886 / 11.11 / -0.036 | 2.89 (16); bias ~ -0.04 |
| dr-alm, t=6 | 2.932 / 11.58 / -0.333 | 3.026 / 12.50 / -1.707 | 2.91 (8, zeros error-free), 3.03 (16); WCRE 11.581 (8), 12.496 (16) |
| realm, m=3 | 0.818 / 11.11 / -0.043 | 0.737 / 11.11 / 0.001 | 0.4 to 1.6 over its configurations; bias mostly within 0.05 |
| truncated, cut=width-3 | 0.819 / 1500 / -0.342 | 0.026 / 409500 / -0.018 | mean error 2^(cut-1) - sum of 2^(i+j)/4 left out: -16.25 (8), -20480.25 (16); measured -16.25, -20480.2 |

Mitchell's published 3.76 % at 8 bits counts the pairs with a zero operand as error-free
(3.788 % x 65,025 / 65,536 = 3.758 %). MBM at 8 bits sits below 3.02 % because the design
truncates its constants to the 7 fraction bits (1/12 becomes 10/128, 1/24 becomes 5/128); rounded
to nearest instead, the same datapath gives the published 3.018 % and -0.041 %.

DR-ALM's published figures are quoted from a secondary source (the paper's tables as a course
report copies them; ``tests/test_front_variants.py`` checks t = 5, 6, 7 at 8 bits and t = 6 at 16
bits to their printed digits); REALM's are the ranges of its abstract, the paper itself was not
available. The truncated multiplier's figure is the expected value that its correction constant
is derived from (Schulte and Swartzlander: each product left out is 1 a quarter of the time); its
WCRE is a product of 1 given as the correction (a product of two small operands is all cut).

Floating point (``mitchell error --format F [--variant lmul]``,
:mod:`mitchell.reports.error.float_metrics`; fp8, bf16 and fp16 exhaustive, fp32 10,000,000 random
patterns, seed 1), against the exact product rounded into the format over the pairs where both
results are normal; "classes differ" counts pairs where one result is zero, infinite or NaN and
the other not, all within Mitchell's 9/8 of the ends of the normal range:

| design | pairs | MRED | WCRE | bias | classes differ |
|---|---|---|---|---|---|
| mitchell fp8-e4m3 | 65,536 (all) | 3.1879 % | 11.1111 % | -3.1879 % | 324 |
| lmul fp8-e4m3 | 65,536 (all) | 5.5676 % | 12.5000 % | +5.5676 % | 152 |
| mitchell fp8-e5m2 | 65,536 (all) | 1.5317 % | 12.5000 % | -1.5317 % | 240 |
| lmul fp8-e5m2 | 65,536 (all) | 17.2122 % | 25.0000 % | +17.2122 % | 240 |
| mitchell bf16 | 2^32 (all) | 3.8434 % | 11.1888 % | -3.8434 % | 1,878,584 |
| lmul bf16 | 2^32 (all) | 2.6556 % | 7.2993 % | +0.4133 % | 1,053,592 |
| mitchell fp16 | 2^32 (all) | 3.8384 % | 11.1208 % | -3.8384 % | 14,290,560 |
| lmul fp16 | 2^32 (all) | 2.6515 % | 7.2917 % | +0.4146 % | 8,003,520 |
| mitchell fp32 | 10,000,000 random | 3.8481 % | 11.1111 % | -3.8481 % | 4,385 |
| lmul fp32 | 10,000,000 random | 2.6545 % | 7.2880 % | +0.4083 % | 2,498 |
"""
