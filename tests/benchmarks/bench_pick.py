"""Wall and CPU time of ``mitchell pick``: once with an empty cache (every error figure measured,
every design within the budget synthesized) and once more with the cache the first run filled,
and what it picks.

Run: python tests/benchmarks/bench_pick.py [--width 16] [-- PICK OPTIONS]
(default ``--max mred=2% --minimize transistors``; the cache is a temporary folder, so the
first run is what a fresh machine sees).
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(command: list[str], env: dict) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("options", nargs="*",
                        default=["--max", "mred=2%", "--minimize", "transistors"])
    args = parser.parse_args()
    command = [str(Path(sys.executable).parent / "mitchell"), "pick", "--width",
               str(args.width), *args.options]
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "MITCHELL_CACHE_DIR": cache}
        for run in ("empty cache", "cache filled"):
            seconds, cpu, stdout = timed(command, env)
            lines = stdout.splitlines()
            print(f"mitchell pick --width {args.width} {' '.join(args.options)} ({run}): "
                  f"{seconds:.1f} s wall, {cpu:.1f} s CPU; {lines[0] if lines else ''}")
            if run == "empty cache":
                print("\n".join(lines[1:2]))


if __name__ == "__main__":
    main()
