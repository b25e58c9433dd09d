"""Worker processes that stop at once on Ctrl-C or SIGTERM and leave nothing behind.

With a plain process pool, Ctrl-C reaches every worker too: they print tracebacks, the pool can
wait for ever on a worker that died holding its queue, and the main process waits for every queued
job before it exits, while the tools the workers started run on. So the decision is left to the
main process. Each worker of a :class:`ProcessPool` ignores SIGINT and leads a process group of
its own, which the tools it starts (Yosys, nextpnr) join. Left by an exception
(``KeyboardInterrupt`` included), the pool cancels the pending jobs and sends SIGTERM to each
worker's group: the tools die at once, and the worker takes it as :class:`Terminated`, so that
every ``finally`` and ``with`` of its job runs (temporary folders are removed) before it exits.
Whatever still runs after :data:`GRACE_SECONDS` is killed.

:func:`run_in_worker` runs one function that way, for the same reason; :func:`terminate_as_interrupt`
makes SIGTERM to the main process behave like Ctrl-C.
"""
import _thread
import contextlib
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import wait
from typing import Iterator

# How long the workers get to clean up after SIGTERM before they are killed.
GRACE_SECONDS = 2.0


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C's ``KeyboardInterrupt`` so that clean-up code runs."""


def _raise_terminated(signum, frame):
    raise Terminated()


def _resend_from_finalizer(unraisable) -> bool:
    """For :data:`sys.unraisablehook`: whether ``unraisable`` is Ctrl-C or SIGTERM, sent again.

    A signal that lands while a finalizer runs (Amaranth's unused-component check is one) raises
    there, where Python prints the exception and carries on as if nothing had happened. The
    signal is sent again once the finalizer is over (raised from the hook, it would land in the
    hook, which is no better), so that it stops the process as anywhere else."""
    signum = {Terminated: signal.SIGTERM, KeyboardInterrupt: signal.SIGINT}.get(
        unraisable.exc_type)
    if signum is None:
        return False
    _after_finalizer(os.kill, os.getpid(), signum)
    return True


def _after_finalizer(function, *args) -> None:
    """Calls ``function(*args)`` from a thread of its own in 10 ms, once the finalizer that lost a
    signal is over."""
    later = threading.Timer(0.01, function, args)
    later.daemon = True
    later.start()


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (in the main thread only, where Python
    runs signal handlers; elsewhere this does nothing), and SIGTERM or Ctrl-C landing in a
    finalizer is raised again instead of being lost."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    previous_hook = sys.unraisablehook

    def reraise_in_finalizers(unraisable) -> None:
        if not _resend_from_finalizer(unraisable):
            previous_hook(unraisable)

    sys.unraisablehook = reraise_in_finalizers
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        signal.signal(signal.SIGTERM, previous)


# True while a worker runs a job: SIGTERM then unwinds the job rather than exiting at once.
_in_job = False
# True once SIGTERM has been raised in the job: a second one (the executor sends one too) must
# not cut the clean-up short. _resent: a SIGTERM lost in a finalizer is being raised again.
_stopping = _resent = False


def _worker_signal(signum, frame):
    global _stopping, _resent
    if not _in_job:
        os._exit(128 + signum)
    if not _stopping or _resent:
        _stopping, _resent = True, False
        raise Terminated()


def _raise_again_in_job() -> None:
    global _resent
    _resent = True
    _thread.interrupt_main(signal.SIGTERM)


def _worker_unraisable(unraisable) -> None:
    """A SIGTERM raised in a finalizer of the job, where Python prints it and carries on, is
    raised again in the job once the finalizer is over: without it, the job would run on until
    killed, its clean-up undone."""
    if unraisable.exc_type is not Terminated:
        sys.__unraisablehook__(unraisable)
        return
    _after_finalizer(_raise_again_in_job)


# Held back while the pool forks a worker (see ProcessPool.submit).
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _start_worker() -> None:
    global _in_job, _stopping, _resent
    # A worker forked from a worker inherits its parent's flags.
    _in_job = _stopping = _resent = False
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_signal)
    sys.unraisablehook = _worker_unraisable
    os.setpgid(0, 0)
    # Forked with the stop signals blocked; a SIGTERM sent meanwhile arrives now.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _job(function, args, kwargs):
    global _in_job
    _in_job = True
    try:
        return function(*args, **kwargs)
    except Terminated:
        # The job's clean-up has run; returning to the pool's loop would wait for more work.
        os._exit(128 + signal.SIGTERM)
    finally:
        _in_job = False


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    """A second Ctrl-C must not cut short the stopping of the workers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {number: signal.signal(number, signal.SIG_IGN)
             for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def _signal_group(process, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        try:
            os.killpg(process.pid, number)
        except ProcessLookupError:
            # A worker that has not yet led its group (its initializer not yet run) is signalled
            # alone; it has started nothing.
            os.kill(process.pid, number)


class ProcessPool(ProcessPoolExecutor):
    """A :class:`~concurrent.futures.ProcessPoolExecutor` that, left by an exception
    (``KeyboardInterrupt`` included), cancels its pending jobs and stops its workers and their
    subprocesses instead of waiting for them. Left normally, it waits for its jobs as usual."""

    def __init__(self, max_workers: int | None = None):
        super().__init__(max_workers=max_workers, initializer=_start_worker)

    def submit(self, function, /, *args, **kwargs):
        # Submitting may fork workers. Ctrl-C raised between a fork and the executor's entry for
        # the new worker would leave that worker out of stop(), running on in a group of its own
        # with the command's output pipes open; so the signals wait until the worker is entered.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            return super().submit(_job, function, args, kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def __exit__(self, kind, value, traceback):
        if kind is None:
            return super().__exit__(kind, value, traceback)
        self.stop()
        return False

    def stop(self) -> None:
        """Cancels the pending jobs and ends the workers with their process groups: SIGTERM,
        then SIGKILL for what still runs after :data:`GRACE_SECONDS`."""
        with _signals_ignored():
            # The executor has no public way to end its workers before Python 3.14; _processes is
            # its table of them (and fails loudly if it goes away).
            processes = list((self._processes or {}).values())
            for process in processes:
                _signal_group(process, signal.SIGTERM)
            # Waiting on the sentinels, not join(): the executor's own thread reaps the workers.
            running = {process.sentinel: process for process in processes}
            deadline = time.monotonic() + GRACE_SECONDS
            while running and (left := deadline - time.monotonic()) > 0:
                for sentinel in wait(list(running), left):
                    del running[sentinel]
            # Whatever is left in the groups (a worker past its grace, a tool that outlived it).
            for process in processes:
                _signal_group(process, signal.SIGKILL)
            # The executor's thread sees its workers gone, fails the pending jobs and exits.
            self.shutdown(wait=True, cancel_futures=True)


def run_in_worker(function, /, *args, **kwargs):
    """``function(*args, **kwargs)`` in a worker process of its own: on Ctrl-C, the processes it
    starts (a compiler, a simulator) are stopped with it, as those of any :class:`ProcessPool`."""
    with ProcessPool(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()
