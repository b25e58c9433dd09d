"""Start-up time of the command line: the median wall time of ``mitchell verilog --help``
(a real process, the console script of this environment) over several runs, and its median
CPU time (user and system), which a machine shared with other work inflates less.

Run: python tests/benchmarks/bench_cli.py [--repeat 20] [COMMAND ...]
The aim is 0.5 s or less; tests/test_cli_imports.py checks that no heavy module is imported.
"""
import argparse
import resource
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
    seconds, cpu = [], []
    for _ in range(args.repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    print(f"mitchell {' '.join(args.command)}: median {statistics.median(seconds):.3f} s wall "
          f"(min {min(seconds):.3f} s, max {max(seconds):.3f} s), median "
          f"{statistics.median(cpu):.3f} s CPU, over {args.repeat} runs")


if __name__ == "__main__":
    main()
