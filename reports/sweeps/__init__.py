"""Sweeps over design grids and where their jobs run (local processes or Dask).

``mitchell sweep`` (:mod:`mitchell.reports.sweeps.sweep`) measures every point of a grid:
``--param NAME=A..B`` (integers, both ends included), ``NAME=X,Y,...`` or one value makes a grid
of a parameter for every variant that declares it (the others keep their defaults), and
``--stages`` takes the same forms for the pipelined designs. Every point is one job (error
metrics, then synthesis), and each design's exact baseline is added once. It writes
``sweep.csv``, ``sweep.json`` and a Pareto plot. At 16 bits Mitch-w (2,702 transistors, 196
LUT4) and ALM-SOA (3,264; 248) are smaller than Mitchell (4,010; 294), MBM costs 5,042,
nearest-one 7,606 and ILM with one correction 13,956, more than the exact multiplier (12,140)
(``mitchell sweep --width 8 --width 16 --variant all``).

``mitchell pick`` (:mod:`mitchell.reports.sweeps.pick`) searches such a grid, every variant over
every value of its parameters by default (and any ``--verilog`` designs beside them), for the
cheapest design within an error budget: the error metrics first, once per class of designs
with the same outputs, then synthesis only for the designs within the budget (and each
variant's nearest miss, to draw the front).

Where the jobs run (:mod:`mitchell.reports.sweeps.jobs`):

- ``--jobs N``: ``N`` local processes (default one per core).
- ``--scheduler ADDRESS``: an existing ``dask.distributed`` cluster
  (``pip install 'mitchell[cluster]'``, distributed 2026.8.0, the version tested). Start
  ``dask scheduler`` on one machine (it prints its address, port 8786) and, on each worker
  machine with this package and its tools installed,
  ``dask worker tcp://SCHEDULER:8786 --nthreads 1`` (a stock worker: in a daemonic worker a job
  sums the error metrics itself instead of starting processes; one thread, since every job is
  parallel inside). Point ``MITCHELL_CACHE_DIR`` of every
  worker at one shared folder to share the synthesis cache. The results do not depend on where
  the jobs ran: the tests check that a grid's ``sweep.json`` from a ``LocalCluster`` equals the
  local run's.

A job whose tool fails is reported on stderr with its design and the tool's message; the other
jobs go on and are written, and the sweep exits with status 3. Started again after an
interruption, a sweep reuses every synthesis that finished (the cache by design hash).
"""
