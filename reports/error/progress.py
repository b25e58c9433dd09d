"""A progress bar on stderr, shown only on a terminal."""
import sys
import time


def duration(seconds: float) -> str:
    """``42 s``, ``5 min 12 s`` or ``3 h 05 min``."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds // 60 % 60:02} min"


class Progress:
    """Call with the fraction done (0 to 1); draws after ``delay`` seconds so quick jobs stay quiet,
    with the time left at the rate so far, so that a long run says how long it will take."""

    def __init__(self, label: str, *, delay: float = 2.0, stream=None):
        self.label = label
        self.delay = delay
        # Looked up now, not when the module was imported: sys.stderr may have been replaced since.
        self.stream = sys.stderr if stream is None else stream
        self.started = time.perf_counter()
        self.enabled = self.stream.isatty()
        self.drawn = 0

    def __call__(self, fraction: float) -> None:
        elapsed = time.perf_counter() - self.started
        if not self.enabled or elapsed < self.delay:
            return
        filled = int(30 * fraction)
        left = f", about {duration(elapsed * (1 - fraction) / fraction)} left" if fraction > 0 else ""
        line = (f"{self.label} [{'#' * filled}{'.' * (30 - filled)}] {100 * fraction:5.1f}% "
                f"{duration(elapsed)}{left}")
        # Spaces over the end of a longer earlier line.
        self.stream.write(f"\r{line:{self.drawn}}")
        self.stream.flush()
        self.drawn = max(self.drawn, len(line))

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
