"""A progress bar on stderr, shown only on a terminal."""
import sys
import time


class Progress:
    """Call with the fraction done (0 to 1); draws after ``delay`` seconds so quick jobs stay quiet."""

    def __init__(self, label: str, *, delay: float = 2.0, stream=sys.stderr):
        self.label = label
        self.delay = delay
        self.stream = stream
        self.started = time.perf_counter()
        self.enabled = stream.isatty()
        self.drawn = False

    def __call__(self, fraction: float) -> None:
        elapsed = time.perf_counter() - self.started
        if not self.enabled or elapsed < self.delay:
            return
        filled = int(30 * fraction)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] "
                          f"{100 * fraction:5.1f}% {elapsed:6.1f} s")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
