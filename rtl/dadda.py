"""An exact multiplier written out as gates: partial products, a Dadda carry-save tree and a final
adder, with pipeline registers that cut it where they balance its depth.

It is ``exact``, the multipliers' baseline in every comparison: partial products, Dadda's
carry-save tree of full and half adders (``n^2 - 4n + 3`` and ``n - 1``), then a final adder
(``adder``): ``auto`` is ``+`` unpipelined, where synthesis knows best (the carry chain on the
iCE40), and Kogge-Stone as soon as a register can cut it, at every ``stages`` above 0; ``alu``
and ``kogge-stone`` force either. ``stages`` puts registers between the reduction levels, before
the final adder or between the levels of the prefix adder, wherever they make the deepest segment
shallowest in a depth model of the generic flow (two-input gate levels; a segment that ends in
the sum is modelled as the ripple ABC makes of its carries). At 16 bits
(``DaddaMultiplier(width=16, stages=s).cuts``): after ``prefix1`` (1 stage); after ``level4``
and ``prefix2`` (2); after ``level3``, ``level5`` and ``prefix3`` (3).
:class:`~mitchell.rtl.exact.ExactMultiplier` (``exact-yosys``, Yosys's ``$mul``) keeps its first
register on the operands, so pipelining never cuts its multiplier.

Measured with ``python tests/benchmarks/bench_pipeline.py`` (16 bits; Fmax the median over
nextpnr seeds 1 to 5; ``--retime`` for the right-hand columns):

| design | stages | depth | LUT4 | DFF | Fmax MHz | retimed: LUT4 | DFF | Fmax MHz |
|---|---|---|---|---|---|---|---|---|
| exact | 0 | 62 | 602 | 0 | 73.8 | 600 | 0 | 93.0 |
| exact | 2 | 19 | 764 | 200 | 140.7 | 876 | 236 | 183.4 |
| exact-yosys | 0 | 71 | 683 | 0 | 71.2 | 680 | 0 | 101.5 |
| exact-yosys | 2 | 72 | 681 | 64 | 71.5 | 805 | 224 | 102.8 |
| mitchell | 0 | 59 | 294 | 0 | 65.1 | 286 | 0 | 112.7 |
| mitchell | 2 | 40 | 280 | 60 | 133.9 | 295 | 72 | 121.8 |
"""
from dataclasses import dataclass
from functools import lru_cache

from amaranth.hdl import C, Cat, Module, Signal, Value

from .multiplier import Multiplier
from .params import Parameter, ParameterConflict
from .pipeline import delay

__all__ = ["ADDERS", "DaddaMultiplier", "DaddaPlan", "Gate", "choose_plan", "dadda_plan"]

# Depth of each gate, in the levels of two-input NAND/NOR gates of Yosys's generic flow
# (``synth -flatten``, ``abc -g cmos2``, ``ltp``): an AND is a NAND and an inverter, an XOR three
# NAND levels, a majority three, a carry step ``g | (p & c)`` two. A full adder's sum is two XORs,
# its third input entering the second. The cut planner balances these sums (:class:`DaddaPlan`);
# the depths Yosys measures on the pipelined designs check it (tests/benchmarks/bench_pipeline.py).
GATE_DEPTH = {"operand": 0, "and": 2, "xor": 3, "maj": 3, "andor": 2, "ao22": 2}

ADDERS = ("auto", "alu", "kogge-stone")


def _arrival(op: str, inputs: list[int]) -> int:
    """When a gate's output is ready, given when its inputs are."""
    if op == "xor3":
        x, y, z = inputs
        return max(max(x, y) + GATE_DEPTH["xor"], z) + GATE_DEPTH["xor"]
    return max(inputs, default=0) + GATE_DEPTH[op]


# The gates as Amaranth operators, applied bitwise to the vectors of one step at a time.
_OPERATORS = {
    "and": lambda x, y: x & y,
    "xor": lambda x, y: x ^ y,
    "xor3": lambda x, y, z: x ^ y ^ z,
    "maj": lambda x, y, z: (x & y) | (z & (x ^ y)),
    "andor": lambda g, p, g_low: g | (p & g_low),
    # Two partial products merged into one bit (a truncated multiplier's ``merge``).
    "ao22": lambda w, x, y, z: (w & x) | (y & z),
}


@dataclass(frozen=True)
class Gate:
    """One gate of the multiplier: ``op`` on the nodes ``inputs`` (an operand bit is
    ``("a", index)``), computed in step ``step``; its output weighs ``2**column``."""

    op: str
    inputs: tuple
    step: int
    column: int


class _Netlist:
    """The multiplier as a list of one-bit gates, each tagged with its step. A bit is a node
    number, or ``None`` for a constant 0, which the constructors fold away."""

    def __init__(self):
        self.gates: list[Gate] = []
        self.steps: list[str] = []

    def begin(self, name: str) -> None:
        self.steps.append(name)

    def gate(self, op: str, *inputs, column: int) -> int:
        self.gates.append(Gate(op, inputs, len(self.steps) - 1, column))
        return len(self.gates) - 1

    def and_(self, x, y, *, column: int):
        return None if x is None or y is None else self.gate("and", x, y, column=column)

    def xor(self, x, y, *, column: int):
        if x is None or y is None:
            return y if x is None else x
        return self.gate("xor", x, y, column=column)

    def andor(self, g, p, g_low, *, column: int):
        """``g | (p & g_low)``: a prefix adder's generate of two adjacent spans."""
        if p is None or g_low is None:
            return g
        if g is None:
            return self.and_(p, g_low, column=column)
        return self.gate("andor", g, p, g_low, column=column)


def _dadda_targets(height: int) -> list[int]:
    """Dadda's column heights 2, 3, 4, 6, 9, 13, 19, ... below ``height``, largest first: the
    height each reduction level brings every column down to."""
    targets = [2]
    while targets[-1] < height:
        targets.append(targets[-1] * 3 // 2)
    return [target for target in reversed(targets) if target < height]


def _reduce(netlist: _Netlist, columns: list[list], arrival) -> list[list]:
    """Dadda's reduction of the columns of bits to at most two per column, one step per level.

    Each adder takes the earliest-ready bits of its column (``arrival``), so late bits pass a
    level untouched rather than wait for one more adder.
    """
    for level, target in enumerate(_dadda_targets(max(map(len, columns))), 1):
        netlist.begin(f"level{level}")
        reduced = [[] for _ in columns]
        for column, bits in enumerate(columns):
            bits = sorted(bits, key=arrival)
            # Carries from the column below, made at this level, count towards the target.
            excess = len(bits) + len(reduced[column]) - target
            while excess > 0:
                if excess == 1:
                    (x, y), bits = bits[:2], bits[2:]
                    total = netlist.xor(x, y, column=column)
                    carry = netlist.and_(x, y, column=column + 1)
                    excess -= 1
                else:
                    (x, y, z), bits = bits[:3], bits[3:]
                    total = netlist.gate("xor3", x, y, z, column=column)
                    carry = netlist.gate("maj", x, y, z, column=column + 1)
                    excess -= 2
                reduced[column].append(total)
                # A carry out of the top column would weigh more than any product: it is 0.
                if column + 1 < len(columns):
                    reduced[column + 1].append(carry)
            reduced[column] += bits
        columns = reduced
    return columns


@dataclass(frozen=True)
class _Adder:
    """Where the final adder's carries come from, for the depth model: ``spans[l][k]`` is the
    (generate, propagate) pair of the span ending at position ``k`` after ``l`` prefix levels
    (level 0: the bits themselves), and ``sums`` the (sum, propagate) nodes of the positions."""

    first_step: int
    spans: tuple
    sums: tuple

    def renumbered(self, number: dict) -> "_Adder":
        node = lambda x: number.get(x)  # noqa: E731  (a pruned node is never read)
        return _Adder(self.first_step,
                      tuple(tuple((node(g), node(p)) for g, p in level) for level in self.spans),
                      tuple((node(s), node(p)) for s, p in self.sums))


def _add(netlist: _Netlist, rows: list[tuple], low: int, adder: str) -> tuple[list, _Adder]:
    """The sum of two rows of bits (the columns from ``low`` up), carry out dropped: a ripple-carry
    adder in one step ``add`` (what synthesis makes of ``+`` stands there), or a Kogge-Stone
    prefix adder, one step per prefix level."""
    columns = range(low, low + len(rows))
    first_step = len(netlist.steps)
    netlist.begin("propagate" if adder == "kogge-stone" else "add")
    propagate = [netlist.xor(x, y, column=c) for c, (x, y) in zip(columns, rows)]
    generate = [netlist.and_(x, y, column=c) for c, (x, y) in zip(columns, rows)]
    spans_g, spans_p = list(generate), list(propagate)
    levels = [tuple(zip(spans_g, spans_p))]
    # Every position below the top needs the generate of its whole span 0..k: the carry into k+1.
    needed = len(rows) - 1
    if adder == "kogge-stone":
        distance = 1
        while distance < needed:
            netlist.begin(f"prefix{distance.bit_length()}")
            # Each position reads the spans of the level before, so the top ones change first.
            for k in reversed(range(distance, needed)):
                spans_g[k], spans_p[k] = (
                    netlist.andor(spans_g[k], spans_p[k], spans_g[k - distance], column=columns[k]),
                    netlist.and_(spans_p[k], spans_p[k - distance], column=columns[k]))
            levels.append(tuple(zip(spans_g, spans_p)))
            distance *= 2
        netlist.begin("sum")
    else:
        for k in range(1, needed):
            spans_g[k] = netlist.andor(spans_g[k], spans_p[k], spans_g[k - 1], column=columns[k])
    sums = [propagate[0]] + [netlist.xor(p, carry, column=c)
                             for c, p, carry in zip(columns[1:], propagate[1:], spans_g)]
    return sums, _Adder(first_step, tuple(levels), tuple(zip(sums, propagate)))


@dataclass(frozen=True)
class DaddaPlan:
    """The gates of a ``width``-bit Dadda multiplier, in steps, and the depth of every run of steps.

    ``steps`` names the steps in order: ``products``, ``level1`` ... (the reduction levels), then
    ``propagate``, ``prefix1`` ... and ``sum`` (Kogge-Stone), or ``add`` (the ``alu`` adder, one
    step written as ``+``). The adder adds ``rows``, the two bits (or ``None``) of each column from
    ``low`` up; the columns below ``low`` hold one bit each, already final. ``outputs`` are the
    nodes of the product bits. ``depth(i, j)`` is the modelled depth (:data:`GATE_DEPTH`) of steps
    ``i`` to ``j`` with a register before step ``i``.
    """

    width: int
    adder: str
    gates: tuple[Gate, ...]
    steps: tuple[str, ...]
    low: int
    rows: tuple
    outputs: tuple
    segment_depths: tuple  # segment_depths[i][j - i] = depth(i, j)

    def depth(self, first: int, last: int) -> int:
        return self.segment_depths[first][last - first]

    def cuts(self, stages: int) -> tuple[int, ...]:
        """The steps after which each of ``stages`` registers goes: cuts that make the deepest
        segment as shallow as it can be and, among those, the least sum of squared segment
        depths. Registers beyond one per step boundary go on the product, after the last step."""
        inner = min(stages, len(self.steps) - 1)
        cuts = self._most_even(inner, limit=self._least_worst(inner))
        return cuts + (len(self.steps) - 1,) * (stages - inner)

    def deepest(self, stages: int) -> int:
        """The modelled depth of the deepest segment with the registers at :meth:`cuts`."""
        bounds = [0, *(cut + 1 for cut in self.cuts(stages)), len(self.steps)]
        return max(self.depth(first, end - 1) for first, end in zip(bounds, bounds[1:])
                   if end > first)

    def _least_worst(self, count: int) -> int:
        """The shallowest possible deepest segment with ``count`` cuts."""
        steps = len(self.steps)
        # worst[j]: the best deepest segment of steps 0..j-1 with k cuts, for k = 0, 1, ...
        worst = [self.depth(0, j - 1) if j else 0 for j in range(steps + 1)]
        for k in range(1, count + 1):
            worst = [min(max(worst[i], self.depth(i, j - 1)) for i in range(k, j))
                     if j > k else None for j in range(steps + 1)]
        return worst[steps]

    def _most_even(self, count: int, *, limit: int) -> tuple[int, ...]:
        """``count`` cuts whose segments are all at most ``limit`` deep, with the least sum of
        squared depths; a cut ``c`` goes after step ``c``."""
        steps = len(self.steps)
        # best[j]: (sum of squares, cuts) for steps 0..j-1 with k cuts, every segment within limit.
        best = [(self.depth(0, j - 1) ** 2, ()) if j and self.depth(0, j - 1) <= limit else None
                for j in range(steps + 1)]
        for k in range(1, count + 1):
            best = [min(((best[i][0] + self.depth(i, j - 1) ** 2, best[i][1] + (i - 1,))
                         for i in range(k, j)
                         if best[i] is not None and self.depth(i, j - 1) <= limit), default=None)
                    for j in range(steps + 1)]
        return best[steps][1]


def merged_pairs(width: int, cut: int, merge: int) -> tuple[tuple[int, int], ...]:
    """The first ``merge`` pairs ``(i, j)``, ``i < j``, of partial products ``a[i] & b[j]`` and
    ``a[j] & b[i]`` at or above column ``cut``: column by column from ``cut`` up, the outermost
    pair of a column (smallest ``i``) first. Raises ``ValueError`` when there are fewer."""
    pairs = [(i, column - i) for column in range(cut, 2 * width - 1)
             for i in range(max(0, column - width + 1), (column + 1) // 2)]
    if merge > len(pairs):
        raise ParameterConflict(f"Parameter merge must be an integer from 0 to {len(pairs)} "
                                f"with cut={cut} at width {width} (the pairs of partial products "
                                f"at or above column {cut}), not {merge!r}")
    return tuple(pairs[:merge])


@lru_cache(maxsize=None)
def dadda_plan(width: int, adder: str, cut: int = 0, merge: int = 0) -> DaddaPlan:
    """The gates and depth table of the ``width``-bit multiplier with the ``alu`` or
    ``kogge-stone`` adder (cached: they depend on nothing else). The partial products of the
    columns below ``cut`` are left out, and each of the :func:`merged_pairs` is one bit, the OR of
    its two products, and the column below ``cut`` holds the constant ``2**(cut - 1)`` (a
    truncated multiplier; 0 and 0 for the exact one)."""
    netlist = _Netlist()
    netlist.begin("products")
    a = [netlist.gate("operand", ("a", j), column=j) for j in range(width)]
    b = [netlist.gate("operand", ("b", i), column=i) for i in range(width)]
    columns = [[] for _ in range(2 * width)]
    merged = set(merged_pairs(width, cut, merge))
    if cut:
        # The correction 2**(cut - 1), alone in its column: a constant, held in the registers
        # like the operands so that the product is 0 during reset.
        columns[cut - 1].append(netlist.gate("operand", ("one", 0), column=cut - 1))
    for i in range(width):
        for j in range(width):
            if i + j < cut or (j, i) in merged:
                continue  # cut, or merged into the bit of its pair's other product
            if (i, j) in merged:
                columns[i + j].append(netlist.gate("ao22", a[j], b[i], a[i], b[j], column=i + j))
            else:
                columns[i + j].append(netlist.and_(a[j], b[i], column=i + j))

    arrival = {}

    def ready(node: int) -> int:
        if node not in arrival:
            gate = netlist.gates[node]
            arrival[node] = _arrival(gate.op, [] if gate.op == "operand" else
                                     [ready(x) for x in gate.inputs])
        return arrival[node]

    columns = _reduce(netlist, columns, ready)
    # The adder starts at the first column of two bits (column 1 of the exact multiplier): no
    # level brings a column below two bits, and one of a single bit is final already. A
    # multiplier cut down to single bits still ends in a one-column adder on the top column.
    low = next((c for c, bits in enumerate(columns) if len(bits) == 2), len(columns) - 1)
    rows = [tuple(bits) + (None,) * (2 - len(bits)) for bits in columns[low:]]
    sums, adder_spans = _add(netlist, rows, low, adder)
    outputs = [bits[0] if bits else None for bits in columns[:low]] + sums

    gates, number = _pruned(netlist.gates, outputs)
    renumber = lambda nodes: tuple(None if x is None else number[x] for x in nodes)  # noqa: E731
    return DaddaPlan(width=width, adder=adder, gates=gates, steps=tuple(netlist.steps), low=low,
                     rows=tuple(renumber(row) for row in rows), outputs=renumber(outputs),
                     segment_depths=_segment_depths(gates, len(netlist.steps),
                                                    adder_spans.renumbered(number)))


def _pruned(gates: list[Gate], outputs: list) -> tuple[tuple[Gate, ...], dict]:
    """The gates an output depends on, renumbered in order, and the map of new numbers."""
    used = set()
    pending = [node for node in outputs if node is not None]
    while pending:
        node = pending.pop()
        if node not in used:
            used.add(node)
            if gates[node].op != "operand":
                pending += gates[node].inputs
    number = {node: index for index, node in enumerate(sorted(used))}
    kept = tuple(Gate(gate.op, gate.inputs if gate.op == "operand" else
                      tuple(number[x] for x in gate.inputs), gate.step, gate.column)
                 for node, gate in enumerate(gates) if node in used)
    return kept, number


def _segment_depths(gates: tuple[Gate, ...], steps: int, adder: _Adder) -> tuple:
    """``depths[i][j - i]``: the deepest path through steps ``i`` to ``j`` when a register cuts
    every path into step ``i``.

    A segment that ends with the sum is modelled as the generic flow maps it: whatever prefix
    levels it holds, ABC makes a ripple of its carries across the spans it starts from (the
    Kogge-Stone adder of the 16-bit multiplier, at most 14 gates deep before ABC, measures 59
    levels when registers feed it: two per bit). Elsewhere, the gates' own depths add up.
    """
    depths = []
    for first in range(steps):
        arrival = {}
        ready = lambda node: 0 if node is None else arrival.get(node, 0)  # noqa: E731
        deepest = [0] * (steps - first)
        for node, gate in enumerate(gates):
            if gate.step >= first:
                arrival[node] = _arrival(gate.op, [] if gate.op == "operand" else
                                         [ready(x) for x in gate.inputs])
                deepest[gate.step - first] = max(deepest[gate.step - first], arrival[node])
        # The prefix levels done before the segment, and the ripple across their spans.
        level = min(max(first - adder.first_step - 1, 0), len(adder.spans) - 1)
        stride, spans = 1 << level, adder.spans[level]
        carry = [0] * len(adder.sums)
        for k in range(1, len(adder.sums)):
            generate, propagate = spans[k - 1]
            carry[k] = ready(generate) if k <= stride else \
                max(ready(generate), ready(propagate), carry[k - stride]) + GATE_DEPTH["andor"]
        ripple = max(_arrival("xor", [ready(p), c]) for (_, p), c in zip(adder.sums, carry))
        deepest[-1] = max(deepest[-1], ripple)
        for index in range(1, len(deepest)):
            deepest[index] = max(deepest[index], deepest[index - 1])
        depths.append(tuple(deepest))
    return tuple(depths)


def choose_plan(width: int, adder: str, stages: int, cut: int = 0, merge: int = 0) -> DaddaPlan:
    """The plan of a multiplier: ``adder="auto"`` takes Kogge-Stone where its cuts make the deepest
    segment shallower, else ``+`` (``alu``)."""
    if adder != "auto":
        return dadda_plan(width, adder, cut, merge)
    alu, prefix = (dadda_plan(width, choice, cut, merge) for choice in ("alu", "kogge-stone"))
    return prefix if prefix.deepest(stages) < alu.deepest(stages) else alu


def _cat(bits, *, run: int = 128) -> Value:
    """``Cat(bits)`` as a Cat of Cats of at most ``run`` bits: Amaranth's simulator compiles a Cat
    into one nested Python expression, which Python refuses past a thousand or so parts."""
    bits = list(bits)
    if len(bits) <= run:
        return Cat(bits)
    return Cat(_cat(bits[start:start + run], run=run) for start in range(0, len(bits), run))


def check_adder(adder, *, width: int) -> str:
    if adder not in ADDERS:
        raise ValueError(f"Parameter adder must be one of {', '.join(ADDERS)}, not {adder!r}")
    return adder


class DaddaMultiplier(Multiplier):
    """The exact ``a * b`` written out as a circuit, so that pipeline registers can cut it.

    The ``width**2`` partial products ``a[j] & b[i]`` are reduced column by column to two rows by
    Dadda's carry-save tree (L. Dadda, "Some schemes for parallel multipliers", Alta Frequenza 34,
    1965) of full and half adders: level after level, every column is brought down to the next of
    the heights ..., 13, 9, 6, 4, 3, 2 with as few adders as possible (``width**2 - 4*width + 3``
    full and ``width - 1`` half adders), each adder taking the earliest-ready bits of its column.
    A final adder adds the two rows from the first column holding two bits: ``adder="alu"`` writes
    it as ``+``, which synthesis maps as it maps the adder of its own ``$mul`` (the carry chain on
    the iCE40); ``adder="kogge-stone"`` writes out a Kogge-Stone prefix adder in gates, which
    registers can cut between its levels. ``adder="auto"`` (the default) takes Kogge-Stone where
    its cuts make the deepest pipeline segment shallower in the depth model, else ``+``: ``+``
    when ``stages`` is 0, Kogge-Stone at any ``stages`` above 0 from 2 to 64 bits.

    Pipelining: the datapath is a sequence of steps (:class:`DaddaPlan`): ``products``,
    ``level1`` ... ``levelL``, then ``add`` or the Kogge-Stone ``propagate``, ``prefix1`` ...,
    ``sum``. Each register goes between two steps and cuts every path there: between reduction
    levels, before the final adder, or between its prefix levels. The cuts make the deepest segment
    as shallow as possible in the depth model (:data:`GATE_DEPTH`; a segment that ends in the sum
    is modelled as the ripple Yosys's generic flow makes of its carries), then the segments as even
    as possible; :attr:`cuts` names them (at 16 bits: ``prefix1``; ``level4``, ``prefix2``;
    ``level3``, ``level5``, ``prefix3``). Registers beyond one per boundary go on the product.

    Parameters
    ----------
    width : int
        Operand width, 2 to 64.
    adder : str
        The final adder: ``"auto"`` (default), ``"alu"`` or ``"kogge-stone"``.
    stages : int
        Pipeline registers, 0 or more.

    Members
    -------
    a : In(width)
    b : In(width)
    p : Out(2 * width)
        ``a * b``, ``stages`` rising edges after the operands are presented. During reset, and
        until the first operands after it reach the output, ``p`` is 0: every register resets to
        0, and bits that are all 0 add up to 0.
    """

    PARAMETERS = (Parameter("adder", default=lambda width: "auto", check=check_adder,
                            help="the final adder: alu (+, as synthesis maps it), kogge-stone "
                                 "(written out, registers may cut it) or auto (default: "
                                 "kogge-stone where that pipelines shallower, else alu)",
                            choices=ADDERS, output=False),)

    def __init__(self, *, width: int, adder: str = "auto", stages: int = 0):
        super().__init__(width=width, stages=stages)
        self._adder = check_adder(adder, width=width)

    @property
    def adder(self) -> str:
        return self._adder

    # The partial products left out and merged (:func:`dadda_plan`): none in the exact multiplier.
    cut = 0
    merge = 0

    @property
    def plan(self) -> DaddaPlan:
        return choose_plan(self.width, self.adder, self.stages, self.cut, self.merge)

    @property
    def cuts(self) -> tuple[str, ...]:
        """The step after which each pipeline register goes, in order."""
        plan = self.plan
        return tuple(plan.steps[cut] for cut in plan.cuts(self.stages))

    def elaborate(self, platform):
        m = Module()
        plan = self.plan
        last = len(plan.steps) - 1
        registers = [0] * len(plan.steps)
        for cut in plan.cuts(self.stages):
            registers[cut] += 1
        # The bits the product is made of: the product's own, or the rows that ``+`` adds.
        alu = plan.steps[-1] == "add"
        final = plan.outputs[:plan.low] + sum(plan.rows, ()) if alu else plan.outputs
        # The last step that reads each node, counting the product as one step more.
        last_use = [gate.step for gate in plan.gates]
        for gate in plan.gates:
            if gate.op != "operand":
                for node in gate.inputs:
                    last_use[node] = max(last_use[node], gate.step)
        for node in final:
            if node is not None:
                last_use[node] = last + 1

        sources = {"a": self.a, "b": self.b, "one": C(1, 1)}
        values = {node: sources[gate.inputs[0][0]][gate.inputs[0][1]]
                  for node, gate in enumerate(plan.gates) if gate.op == "operand"}
        for step, name in enumerate(plan.steps):
            if name == "add":
                break
            # A step's gates read bits of earlier steps only, so each kind of gate of a step is
            # one bitwise operator on vectors, and the step's results are one signal.
            groups = {}
            for node, gate in enumerate(plan.gates):
                if gate.step == step and gate.op != "operand":
                    groups.setdefault(gate.op, []).append(node)
            order = [node for nodes in groups.values() for node in nodes]
            computed = Signal(len(order), name=name)
            m.d.comb += computed.eq(Cat(
                _OPERATORS[op](*(_cat(values[x] for x in inputs) for inputs in
                                 zip(*(plan.gates[node].inputs for node in nodes))))
                for op, nodes in groups.items()))
            values.update((node, computed[index]) for index, node in enumerate(order))
            if registers[step] and step < last:
                live = [node for node in values if last_use[node] > step]
                held = delay(m, _cat(values[node] for node in live), count=registers[step],
                             name=f"after_{name}")
                values.update((node, held[index]) for index, node in enumerate(live))

        bit = lambda node: 0 if node is None else values[node]  # noqa: E731
        if alu:
            rows = [Cat(bit(row[index]) for row in plan.rows) for index in range(2)]
            high = Signal(len(plan.rows), name="add")
            m.d.comb += high.eq(rows[0] + rows[1])
            product = Cat(*(bit(node) for node in plan.outputs[:plan.low]), high)
        else:
            product = Cat(bit(node) for node in plan.outputs)
        m.d.comb += self.p.eq(delay(m, product, count=registers[last], name="product"))
        return m
