"""Compiled error-metric kernels: every design of the catalogue, measured at machine speed.

The NumPy golden models (:mod:`mitchell.sim.golden`, :mod:`mitchell.sim.float_golden`) stay the
reference; this package holds the compiled twin of each design's arithmetic, one scalar function
per design keyed by catalogue name (:mod:`.integer`, :mod:`.floats`; checked by the tests against
the golden models), generic parallel loops that evaluate a design and its exact baseline pair by
pair and accumulate every field of :class:`~..metrics.ErrorSums` in one pass
(:mod:`.accumulate`), and the Python side that calls them and adds their rows up
(:mod:`.driver`); :mod:`.compiled` holds numba's settings. Foreign designs
(:mod:`mitchell.sim.foreign`, ``--verilog``) have no twin: :mod:`.gates` interprets their gate
lists 64 pairs per machine word and feeds each pair to the same accumulation step. They are compiled by numba
(``cache=True``: the compile is paid once per machine; ``parallel=True``: one thread per core).

How the work is cut:

- **Exhaustive sets** run over operand *magnitudes*, each with its count of bit patterns of
  either sign: unsigned operands have one positive pattern per value; signed ones (sign-magnitude
  around the unsigned core) have ``+m`` and ``-m`` for ``0 < m < 2**(n-1)``, one pattern for 0
  and one (negative) for ``2**(n-1)``. A magnitude pair stands for up to four signed pairs that
  share ``|P' - P|`` and ``|P|``, and only the direction of the error depends on the signs, so a
  signed set costs a quarter of its pairs. Designs with ``a*b == b*a`` (:attr:`Kernel.symmetric`,
  every multiplier; checked by the tests) evaluate each unordered pair once and count it twice.
  Each row of the operand table (one ``a``, all ``b``) is paired with the mirror row so that
  every parallel task holds the same number of pairs.
- **Sampled sets** draw pair ``i`` from a counter-based generator (SplitMix64 of
  ``(seed, i)``), so the pairs and every sum depend on the seed only, not on the core count or
  the order the threads run in. These pairs are not NumPy's PCG64 stream of
  ``--method enumerate``: the two methods' sampled figures agree statistically, not digit for
  digit.

- **Floating-point designs** (:data:`FLOAT_KERNELS`) run over operand magnitudes too: every
  guard is sign-symmetric, so a magnitude pair stands for its 4 sign patterns, and for 8 with
  its mirror (``a*b == b*a`` in every variant); a row holds two mirrored magnitudes, the
  unordered pairs of each from the diagonal on. Sampled sets draw bit patterns as above. The
  sums are those of :class:`~..float_metrics.FloatErrorSums`; per row, counts stay below
  ``8 * 2**16`` and each float sum has at most ``2**16`` terms.

Exactness: every per-row integer sum is exact in 64 bits, and the rows are added as Python
ints. In exhaustive sets (widths up to 16) every product, quotient and distance is below
``2**32``; a row holds at most ``2**16 + 1`` magnitude pairs, each weighted at most 8 (4 sign
patterns, twice for symmetry), so a row's sum of distances stays below
``8 * 2**32 * (2**16 + 1) < 2**52``. Sampled sets (up to 32 bits, distances up to ``2**64``)
split each distance into its high and low 32 bits; a row of :data:`CHUNK` = ``2**16`` pairs
sums each half below ``2**48``. Counts are smaller still. The floating-point sums (squares,
relative errors) are summed in float64 within a row, at most ``2**17`` terms (relative error
below ``2**-36`` even in the worst order), and the rows are added with :func:`math.fsum`
(exactly rounded), so the result does not depend on how the rows were scheduled.

Widths above :data:`MAX_WIDTH` = 32 have products above ``2**64``, and numba has no 128-bit
integers: :mod:`..error_analysis` measures those with the NumPy path and says so in its result.
"""
import os
import sys

from ...synthesis.cache import cache_dir

# numba caches a compiled function beside its source by default: inside site-packages for an
# installed package, where pip's uninstall leaves the files behind, and the folder they leave
# shadows a later editable install of the package. The compiled code goes with the project's
# other results instead (unless NUMBA_CACHE_DIR says where), set before the kernels are
# decorated.
os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_dir("numba")))
if "numba" in sys.modules:
    sys.modules["numba"].config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]

from .accumulate import CHUNK  # noqa: E402 (after the cache folder is set)
from .driver import (MAX_EXHAUSTIVE_WIDTH, MAX_WIDTH, SAMPLER, applies, describe,
                     exhaustive_sums, float_exhaustive_sums, float_sampled_sums, kernel_params,
                     refusal, sampled_sums)
from .floats import FLOAT_KERNELS, FloatConstants, float_constants, float_guarded
from .integer import KERNELS, Kernel, evaluate

__all__ = ["CHUNK", "FLOAT_KERNELS", "FloatConstants", "KERNELS", "Kernel", "MAX_EXHAUSTIVE_WIDTH",
           "MAX_WIDTH", "SAMPLER", "applies", "describe", "evaluate", "exhaustive_sums",
           "float_constants", "float_exhaustive_sums", "float_guarded", "float_sampled_sums",
           "kernel_params", "refusal", "sampled_sums"]
