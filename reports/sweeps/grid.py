"""The designs of a sweep's grid: each width, variant, stage count and combination of parameter
values, each design followed by its exact baseline. Values come as the command line gives them
(``A..B``, ``X,Y,...`` or one value); bad ones raise ``ValueError`` naming the option."""
import itertools
import re
from functools import partial
from typing import Callable, Iterable

from ...rtl.params import ParameterConflict
from ...sim.catalogue import CATALOGUE
from ...sim.design import Design

MAX_RANGE = 1000


def read_params(variant: str, params: dict[str, str] | None) -> dict:
    """The texts of ``variant``'s parameters as a dict of values, each read as its parameter
    declares (unknown names are left to :class:`Design` to reject, naming the ones allowed)."""
    declared = {parameter.name: parameter for parameter in CATALOGUE[variant].parameters} \
        if variant in CATALOGUE else {}
    values = {}
    for name, value in (params or {}).items():
        try:
            values[name] = declared[name].parse(value) if name in declared else value
        except ValueError as error:
            raise ValueError(f"{error} (in --param {name}={value})") from None
    return values


def grid(text: str, *, option: str) -> list[str]:
    """The values of a grid option: ``A..B`` (integers, both ends included), ``X,Y,...`` or one
    value, as texts for the parameter to read; ``option`` is what precedes the text on the command
    line (``"--param w="``), for the messages."""
    low, dots, high = text.partition("..")
    if dots:
        if not (re.fullmatch(r"-?[0-9]{1,9}", low) and re.fullmatch(r"-?[0-9]{1,9}", high)
                and int(low) <= int(high)):
            raise ValueError(f"{option}{text}: a range is two integers of at most 9 digits, "
                             f"the first not above the second, such as 4..8")
        if int(high) - int(low) >= MAX_RANGE:
            # A typo such as 0..99999999 would build that many designs before anything else.
            raise ValueError(f"{option}{text}: a range holds at most {MAX_RANGE:,} values")
        return [str(value) for value in range(int(low), int(high) + 1)]
    values = text.split(",")
    if not all(values):
        raise ValueError(f"{option}{text}: give values separated by commas, such as 0,1,2")
    return values


def stage_grid(text: str) -> list[int]:
    """The stage counts of a grid's ``--stages`` text."""
    stages = []
    for value in grid(text, option="--stages "):
        if not re.fullmatch(r"[0-9]{1,9}", value):
            raise ValueError(f"--stages: expected integers from 0 to 64, not {value!r}")
        stages.append(int(value))
    return stages


def with_baselines(designs: list) -> list:
    """Each design followed by its exact baseline, once each, in order."""
    return list(dict.fromkeys(d for design in designs for d in (design, design.baseline)))


def fitting(variant: str, width: int, builds: Iterable[Callable[[], Design]]) -> list[Design]:
    """The designs ``builds`` make, leaving out the combinations of values that do not fit
    together (:class:`~mitchell.rtl.params.ParameterConflict`): a grid's ``cut`` and ``merge``
    need not all fit. When none fits, the first conflict is raised, naming the variant."""
    designs, conflict = [], None
    for build in builds:
        try:
            designs.append(build())
        except ParameterConflict as error:
            conflict = conflict or error
    if conflict is not None and not designs:
        raise ParameterConflict(f"{conflict}: no combination of the grid fits {variant} at "
                                f"--width {width}") from None
    return designs


def sweep_designs(*, widths: list[int], variants: list[str], stages: str,
                  params: dict[str, str] | None, signed: bool, every: bool) -> list[Design]:
    """Every point of the grid, with its baselines: each of ``widths``, ``variants``, stage
    count of ``stages`` and combination of the ``params`` grids that the variant declares
    (``signed`` for the designs that take it). With ``every`` (``--variant all``), a design that
    takes no pipeline stages is swept at 0 stages only, and left out without 0 among them."""
    grids = {name: grid(text, option=f"--param {name}=") for name, text in (params or {}).items()}
    declared = {parameter.name for variant in variants if variant in CATALOGUE
                for parameter in CATALOGUE[variant].parameters}
    for name in grids:
        if name not in declared:
            raise ValueError(f"No design of the sweep takes parameter {name!r} (they take: "
                             f"{', '.join(sorted(declared)) or 'none'})")
    counts = stage_grid(stages)
    points = []
    for width in widths:
        for variant in variants:
            entry = CATALOGUE.get(variant, CATALOGUE["exact"])
            names = [name for name in grids if name in {p.name for p in entry.parameters}]
            try:
                points += fitting(variant, width, (
                    partial(Design, variant=variant, width=width, stages=count,
                            signed=signed and entry.signable,
                            params=read_params(variant, dict(zip(names, values))))
                    for values in itertools.product(*(grids[name] for name in names))
                    for count in (counts if entry.pipelined or not every else
                                  [count for count in counts if count == 0])))
            except ParameterConflict:
                raise
            except ValueError as error:
                # A value can fit one width of the grid and not another: say which.
                if len(widths) == 1:
                    raise
                raise ValueError(f"{error} (at --width {width})") from None
    return with_baselines(points)
