"""Start-up time of the command line: the median wall time of ``mitchell verilog --help``
(a real process, the console script of this environment) over several runs.

Run: python tests/benchmarks/bench_cli.py [--repeat 20] [COMMAND ...]
The aim is 0.5 s or less; tests/test_cli_imports.py checks that no heavy module is imported.
"""
import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("command", nargs="*", default=["verilog", "--help"])
    args = parser.parse_args()
    command = [str(Path(sys.executable).parent / "mitchell"), *args.command]
    seconds = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - started)
    print(f"mitchell {' '.join(args.command)}: median {statistics.median(seconds):.3f} s, "
          f"min {min(seconds):.3f} s, max {max(seconds):.3f} s over {args.repeat} runs")


if __name__ == "__main__":
    main()
