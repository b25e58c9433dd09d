"""Where the jobs of a sweep or a report run: local worker processes, or a Dask cluster.

Locally, jobs go to a :class:`~mitchell.sim.pool.ProcessPool` (``jobs`` processes, by default
one per core), which stops its workers and their tools at once on Ctrl-C. With a scheduler
address, they go to an existing ``dask.distributed`` cluster, whose workers need this package
installed (and the tools it runs). Workers started the usual way (``dask worker ADDRESS``) are
daemonic processes, which may not start processes of their own: a job's work runs in the worker
itself (the error metrics sum their blocks there, see
:mod:`mitchell.reports.error.error_analysis`; the tools are plain subprocesses). Either way each
job is one design's entry, the results come back in the order the designs were given, and the
synthesis cache, keyed by the design's Verilog, is shared by every job that can see the cache
folder.
"""
import concurrent.futures
import contextlib
from typing import Callable, Iterator

from ...sim.pool import ProcessPool
from ...sim.toolchain import ToolMissing

#: The version of dask.distributed tested (pyproject.toml's ``cluster`` extra pins it).
DISTRIBUTED_INSTALL = "pip install 'mitchell[cluster]' (distributed 2026.8.0)"


class ClusterUnusable(ValueError):
    """The Dask scheduler given does not answer."""


class Jobs:
    """Submits jobs and hands back their futures as they finish (``concurrent.futures`` or
    ``distributed`` futures: both have ``result()``)."""

    def __init__(self, submit: Callable, as_completed: Callable):
        self.submit = submit
        self.as_completed = as_completed


#: How long to wait for a Dask scheduler that does not answer (Dask itself waits 30 s).
CONNECT_TIMEOUT = "10s"


def check_jobs(jobs) -> int:
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"Jobs must be a positive integer, not {jobs!r}")
    return jobs


@contextlib.contextmanager
def runner(*, jobs: int | None = None, scheduler: str | None = None) -> Iterator[Jobs]:
    """Local processes (``jobs`` of them, default one per core), or the Dask cluster whose
    scheduler listens at ``scheduler`` (such as ``tcp://10.0.0.5:8786``)."""
    if scheduler is None:
        with ProcessPool(max_workers=None if jobs is None else check_jobs(jobs)) as pool:
            yield Jobs(pool.submit, concurrent.futures.as_completed)
        return
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ToolMissing(f"dask.distributed is not installed: {DISTRIBUTED_INSTALL}") from None
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterUnusable(f"Cannot reach the Dask scheduler at {scheduler!r}: "
                                   f"{str(error).splitlines()[0] if str(error) else error!r}"
                                   ) from None
    with client:
        # Closing the client (on Ctrl-C too) releases its futures: the scheduler drops the jobs
        # no client waits for. Every job is a computation of its own (pure=False: no sharing by
        # key).
        yield Jobs(lambda function, *args, **kwargs: client.submit(function, *args, pure=False,
                                                                    **kwargs), as_completed)
