"""A proof's outcome as text: the proved line, or the counterexample cycle by cycle and what
its replay in simulation showed (``mitchell prove``'s output)."""
from ...sim.design import Design
from .prove import ProofResult, Replay


def _number(value, digits: int) -> str:
    """A port value in hex and decimal, or the trace's bit string where it has unknown bits."""
    return f"0x{value:0{digits}x} ({value})" if isinstance(value, int) else f"0b{value}"


def _digits(design: Design) -> tuple[int, int]:
    """Hex digits of the product and of an operand."""
    return (design.out_width + 3) // 4, (design.width + 3) // 4


def describe(result: ProofResult, design: Design) -> str:
    """The proved line, or the counterexample: each cycle from reset when pipelined, then the
    failing pair (or that ``p`` differs before any operands reach it)."""
    cycles = f" over {design.stages + 2} cycles from reset" if design.stages else ""
    if result.proved:
        return (f"proved: {result.design} equals {result.against} for every input{cycles} "
                f"({result.seconds:.1f} s)")
    digits, operand_digits = _digits(design)
    lines = [f"counterexample: {result.design} differs from {result.against}{cycles} "
             f"({result.seconds:.1f} s)"]
    if design.stages:
        lines.append(f"  cycle 1: rst={result.trace[0].rst} (the reset; p is not compared, the "
                     f"registers' first values being unknown)")
        for index, step in enumerate(result.trace[1:], start=1):
            mark = "  <- differs" if index == result.failing else ""
            lines.append(f"  cycle {index + 1}: rst={step.rst} a={_number(step.a, operand_digits)} "
                         f"b={_number(step.b, operand_digits)} "
                         f"expected p={_number(step.expected, digits)} "
                         f"seen p={_number(step.seen, digits)}{mark}")
    pair = result.pair
    if pair is None:
        lines.append(f"  p differs {result.failing + 1} cycles after the reset, before any "
                     f"operands reach it")
    else:
        lines.append(f"  a={_number(pair.a, operand_digits)} b={_number(pair.b, operand_digits)} "
                     f"expected={_number(pair.expected, digits)} seen={_number(pair.seen, digits)}")
    return "\n".join(lines)


def describe_replay(replayed: Replay, result: ProofResult, design: Design, *, netlist: bool) -> str:
    """Whether the counterexample's replay in simulation confirms it (``netlist``: the proof
    was against the design's netlist rather than its reference)."""
    digits, _ = _digits(design)
    pair = result.pair
    if pair is None:
        verdict = "confirms" if replayed.confirms(None) else "does not confirm"
        return (f"simulation ({replayed.simulator}) {verdict} it: "
                f"{'; '.join(replayed.reset_problems) or 'no reset problem seen'}")
    if replayed.confirms(pair):
        return (f"simulation ({replayed.simulator}, --vectors {replayed.vectors}) confirms it: "
                f"p={_number(replayed.got, digits)} where the golden model expects "
                f"{_number(replayed.golden, digits)}")
    return (f"simulation ({replayed.simulator}, --vectors {replayed.vectors}) does not confirm "
            f"it: p={_number(replayed.got, digits)}, golden model "
            f"{_number(replayed.golden, digits)}; the proof's "
            f"{'netlist' if netlist else 'reference'} disagrees with the simulated circuit "
            f"or the golden model")
